"""The Chongqing department form with coefficients (部门整体绩效自评表, 重庆): 自评总分 in the header; a block
部门预算执行情况 with 年初预算数 / 全年（调整）预算数 / 全年执行数 / 执行率 / 执行率权重 / 执行率得分; an
indicator table without 一级/二级 columns: 指标名称 | 计量单位 | 指标性质 | 年初指标值 | 调整指标值 | 全年完成值 |
得分系数（%） | 指标权重（分） | 指标得分（分） | 是否核心指标, where 指标得分 = 指标权重 × 得分系数 (XC312).
Each indicator is also scored like a project form's: 政府采购执行率 target 100%, actual 72.74%, 指标权重 2 ->
得分系数 72.74%, 指标得分 2 × 0.7274 = 1.45."""

from .common import INDICATOR_COLUMNS
from .spec import Funding, Indicators, LayoutSpec

SPEC = LayoutSpec(
    name="department_coefficient",
    title="部门整体绩效自评表（重庆式：得分系数 × 指标权重，无一级/二级指标列）",
    kind="project",  # each indicator scored as on a project form: weight × achievement, the coefficient with it
    profile="national",
    order=70,
    funding=Funding(
        labels=(r"部门预算执行情况",),
        columns={"initial": ("年初预算数",), "budget": ("全年(调整)预算数", "全年预算数", "调整后预算数"),
                 "spent": ("全年执行数",), "weight": ("执行率权重",), "score": ("执行率得分",), "rate": ("执行率",)},
    ),
    # 指标性质 says 定量指标/定性指标 here, not a ≥/≤ sign: it is not read into the target
    indicators=Indicators({**{k: v for k, v in INDICATOR_COLUMNS.items() if k != "sign"},
                           "weight": ("指标权重",), "score": ("指标得分",)},
                          header=("指标名称", "指标权重")),
    total=(),  # 自评总分 adds the rows of a table that also scores 当年绩效目标 texts this reader does not score
)
