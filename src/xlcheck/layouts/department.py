"""The Hubei department form (forms.md §2): 基本支出总额 / 项目支出总额, 预算执行情况 for 部门整体支出总额,
then per annual goal '年度目标N（w分）：text' and its indicator table; total = budget + Σ goal points +
Σ indicator scores."""

from .common import HUBEI_FUNDING, INDICATOR_COLUMNS
from .spec import Groups, Indicators, LayoutSpec

# '年度目标1(0.2分):解决…' or, as some units write it, '年度目标1:解决…(0.2分)' (normalised labels)
GOAL = r"^年度目标(?P<number>\d+)(?:\((?P<weight>\d+(?:\.\d+)?)分\))?:?(?P<text>.*?)(?:\((?P<end_weight>\d+(?:\.\d+)?)分\))?$"

SPEC = LayoutSpec(
    name="department",
    order=10,
    title="湖北省部门整体绩效自评表（预算执行 + 各年度目标分值 + 指标得分）",
    kind="department",
    profile="hubei",
    funding=HUBEI_FUNDING,
    groups=Groups(GOAL, points="goal"),
    indicators=Indicators(INDICATOR_COLUMNS),
    requires=(r"年度目标\d",),
    fields={"基本支出总额": ("基本支出总额",), "项目支出总额": ("项目支出总额",)},
)
