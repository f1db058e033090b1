"""The department scorecard (部门整体支出绩效评价自评表): no funding block; one table 序号 | 一级指标 |
二级指标 | 三级指标 | 指标分值 | 指标解释 | 指标说明及评分标准 | 自评得分, with points in the 一级 labels
(规划（15分）, 执行（35分）…) adding up to 100. Scores are checked against their 指标分值 and the sections."""

from decimal import Decimal

from .common import INDICATOR_COLUMNS
from .spec import NO_FUNDING, Indicators, LayoutSpec

SPEC = LayoutSpec(
    name="department_scorecard",
    title="部门整体支出绩效评价自评表（评分表式，无预算执行表，指标分值列，合计100）",
    kind="project",  # scored like a project form: each score within its 指标分值, sums within their sections
    profile="national",
    order=60,
    funding=NO_FUNDING,
    indicators=Indicators({**INDICATOR_COLUMNS, "weight": ("指标分值", "分值", "权重")}, marks=("指标分值", "评分标准")),
    total=("header", "row"),
    budget_points=Decimal(0),
    indicator_points=Decimal(100),
)
