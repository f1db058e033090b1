"""The scorecard (项目支出绩效自评表 scored as 项目决策 / 项目管理（过程） / 项目产出 / 项目效益, each with a
参考分值 per row, e.g. 10 / 25 / 30 / 35 = 100): a 项目资金 block (调整预算数（A）, 全年执行数（B）,
执行率（B/A）) that is not scored itself (its rate is an indicator of 项目管理), 自评得分 in the header."""

from decimal import Decimal

from .common import INDICATOR_COLUMNS
from .spec import Funding, Goal, Indicators, LayoutSpec

SPEC = LayoutSpec(
    name="scorecard",
    order=40,
    title="评分表式项目支出绩效自评表（项目决策/管理/产出/效益，参考分值列，合计100）",
    kind="project",
    profile="national",
    funding=Funding(
        labels=(r"项目资金(?:\((?:万元|元)\))?$", r"资金情况(?:\((?:万元|元)\))?$", r"预算执行情况"),
        columns={
            "initial": ("年初预算数",),
            "budget": ("调整预算数", "调整后预算数", "全年预算数", "预算数"),
            "spent": ("全年执行数", "执行数"),
            "rate": ("执行率",),
        },
        lines="parts",
    ),
    goal=Goal(labels=(r"年度总体目标", r"总体目标"),
              columns={"text": ("年初设定目标", "预期目标"), "actual": ("年度总体目标完成情况", "实际完成情况")}),
    indicators=Indicators(INDICATOR_COLUMNS),
    requires=(r"项目决策",),
    total=("header", "row"),
    explanation="row",
    budget_points=Decimal(0),
    indicator_points=Decimal(100),
)
