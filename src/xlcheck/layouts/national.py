"""The Ministry of Finance 2020 project template (forms.md §3, 10 + 90): 项目资金（万元） with 年初预算数,
全年预算数, 全年执行数, 分值, 执行率, 得分 and its 其中 lines; 年度总体目标 (not scored); the indicator
table with 分值 and 偏差原因分析及改进措施 columns; a 总分 row."""

from .common import INDICATOR_COLUMNS, NATIONAL_FUNDING_COLUMNS
from .spec import Funding, Goal, Indicators, LayoutSpec

SPEC = LayoutSpec(
    name="national",
    order=90,
    title="财政部2020年项目支出绩效自评表（预算执行10 + 绩效指标90，分值列，总分行）",
    kind="project",
    profile="national",
    funding=Funding(
        labels=(r"项目资金(?:\((?:万元|元)\))?$", r"资金情况(?:\((?:万元|元)\))?$", r"预算资金(?:\((?:万元|元)\))?$",
                r"年度预算申请(?:\((?:万元|元)\))?$", r"资金投入(?:\((?:万元|元)\))?$"),
        columns=NATIONAL_FUNDING_COLUMNS,
        marks=("全年预算数", "全年执行数", "年初预算数", "分值"),
        lines="parts",
        budget=("budget", "initial"),  # 北京 2016: 年初预算数（A） is the only budget column, 执行率（B/A）
    ),
    goal=Goal(labels=(r"年度总体目标", r"总体目标"),
              columns={"text": ("预期目标",), "actual": ("实际完成情况", "实际完成")}),
    indicators=Indicators(INDICATOR_COLUMNS),
    total=("row",),
    explanation="row",
)
