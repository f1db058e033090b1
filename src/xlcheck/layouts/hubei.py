"""The Hubei project form (forms.md §1, 20 + 20 + 60): 预算执行情况 (预算数, 执行数, 执行率, 得分),
项目绩效总目标 (年初设定目标, 全年实际完成情况, 得分), 项目年度绩效指标 (60分) without a weight column,
偏差大或目标未完成原因分析, and 自评得分: 98.54分 in the header line."""

from .common import HUBEI_FUNDING, INDICATOR_COLUMNS
from .spec import Goal, Indicators, LayoutSpec

SPEC = LayoutSpec(
    name="hubei",
    order=20,
    title="湖北省项目支出绩效自评表（预算执行20 + 总目标20 + 绩效指标60）",
    kind="project",
    profile="hubei",
    funding=HUBEI_FUNDING,
    goal=Goal(labels=(r"项目绩效总目标", r"绩效总目标"),
              columns={"text": ("年初设定目标",), "actual": ("全年实际完成",), "score": ("得分",)}),
    indicators=Indicators(INDICATOR_COLUMNS),
)
