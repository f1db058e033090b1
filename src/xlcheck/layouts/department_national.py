"""The department form in the national shape (部门整体支出绩效自评表): a funding block 部门整体支出 /
部门预算资金 with 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分, split into 基本支出 / 项目支出 or by
source (其中 lines that add up to 年度资金总额); the indicator table with a 分值 column; a 总分 row."""

from .common import INDICATOR_COLUMNS, NATIONAL_FUNDING_COLUMNS
from .spec import Funding, Goal, Indicators, LayoutSpec

SPEC = LayoutSpec(
    name="department_national",
    title="部门整体支出绩效自评表（全国样式：基本支出/项目支出，分值列，总分行）",
    kind="project",  # scored like the national project form: each score within its 分值, sums within sections
    profile="national",
    order=80,
    funding=Funding(
        labels=(r"部门整体支出(?:\((?:万元|元)\))?$", r"部门预算(?:资金)?(?:\((?:万元|元)\))?$", r"年度部门预算"),
        columns=NATIONAL_FUNDING_COLUMNS,
        lines="parts",
    ),
    goal=Goal(labels=(r"年度总体目标", r"总体目标", r"年度绩效目标"),
              columns={"text": ("预期目标",), "actual": ("实际完成情况", "实际完成")}),
    indicators=Indicators(INDICATOR_COLUMNS),
    total=("row",),
    explanation="row",
)
