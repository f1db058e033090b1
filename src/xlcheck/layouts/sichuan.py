"""The Sichuan project form (部门预算项目支出绩效自评表; 预算执行 10 + 绩效指标 90): 预算执行情况（10分）
with 年初预算 / 调整后预算数 / 预算执行数 / 预算执行率 / 权重 / 得分 and its 其中 lines (财政资金, 财政专户
管理资金, 单位资金, 其他资金); the indicator table with split targets (指标性质 | 指标值 | 度量单位), 完成值,
a 权重 column and 未完成原因分析."""

from .common import INDICATOR_COLUMNS
from .spec import Funding, Indicators, LayoutSpec

SPEC = LayoutSpec(
    name="sichuan_project",
    order=30,
    title="四川省部门预算项目支出绩效自评表（预算执行10 + 绩效指标90，权重列，指标性质/指标值/度量单位）",
    kind="project",
    profile="national",
    funding=Funding(
        labels=(r"预算执行情况",),
        columns={
            "initial": ("年初预算",),
            "budget": ("调整后预算数", "全年预算数", "预算数"),
            "spent": ("预算执行数", "全年执行数", "执行数"),
            "rate": ("预算执行率", "执行率"),
            "weight": ("权重", "分值"),
            "score": ("得分",),
        },
        marks=("调整后预算数", "预算执行数"),
        lines="parts",
    ),
    indicators=Indicators(INDICATOR_COLUMNS),
    total=("row",),
    explanation="row",
)
