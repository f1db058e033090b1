"""Column synonyms several families share (prefixes of normalised header labels)."""

from .spec import Funding

INDICATOR_COLUMNS = {
    "level1": ("一级指",),
    "level2": ("二级指",),
    "name": ("指标名称", "三级指标", "指标内容"),
    "sign": ("指标性质",),
    "target": ("年初目标值", "年初指标值", "年度指标值", "目标值", "指标值", "预期目标值"),
    "unit": ("度量单位", "计量单位"),
    "actual": ("实际完成值", "全年实际完成值", "全年实际值", "全年完成值", "实际完成", "完成值", "实际值"),
    "weight": ("分值", "权重", "指标权重", "参考分值"),
    "coefficient": ("得分系数", "评分系数", "系数"),  # before score: '得分系数' is not the 得分 column
    "score": ("得分", "指标得分", "自评得分"),
    "deviation": ("偏差原因", "未完成原因"),
}

HUBEI_FUNDING = Funding(
    labels=(r"预算执行情况",),
    columns={"budget": ("预算数",), "spent": ("执行数",), "rate": ("执行率",), "score": ("得分",)},
)

NATIONAL_FUNDING_COLUMNS = {
    "initial": ("年初预算数",),
    "budget": ("全年预算数", "调整后预算数", "预算数"),
    "spent": ("全年执行数", "执行数"),
    "weight": ("分值",),
    "rate": ("执行率",),
    "score": ("得分",),
}
