"""The department score sheet with its points only in its labels (部门整体支出绩效评价得分表, 四川 2017): one
table 一级指标 | 二级指标 | 三级指标 | 得分, no 分值 column; every weight is written in a label — 部门决策（25分）,
目标任务（15分）, 相关性（5分） — the 三级 points adding up to their 二级 and those to their 一级.

Worked example: 相关性（5分） scored 5 is within its 5 points; scored 6 it is an error at the 得分 cell, fixed to 5.
The 三级 are judged criteria (相关性, 明确性 …), not measured targets: a score below its points is not checked."""

from decimal import Decimal

from .common import INDICATOR_COLUMNS
from .spec import NO_FUNDING, Indicators, LayoutSpec

WEIGHT_OR_TARGET = ("weight", "target", "actual", "sign", "coefficient")  # a table with any of these is another family

SPEC = LayoutSpec(
    name="department_label_points",
    title="部门整体支出绩效评价得分表（分值只写在一级/二级/三级指标中，仅得分列）",
    kind="project",  # scored like a project form: each score within its label's points, sums within their sections
    profile="national",
    order=61,
    funding=NO_FUNDING,
    indicators=Indicators(
        {name: INDICATOR_COLUMNS[name] for name in ("level1", "level2", "name", "score")},
        marks=("三级指标",),
        unmarked=tuple(p for name in WEIGHT_OR_TARGET for p in INDICATOR_COLUMNS[name]) + ("指标分值", "评分标准", "指标说明"),
        name_points=True,
    ),
    total=("header", "row"),
    budget_points=Decimal(0),
    indicator_points=Decimal(100),
)
