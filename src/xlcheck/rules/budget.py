"""The budget block: 执行率 = 执行数/预算数 and 得分 = 权重 × 执行率 (forms.md §4 rule 1)."""

from __future__ import annotations

from decimal import Decimal

from ..model import Severity
from ..values import fmt, fmt_percent, round_half_up
from .base import Check, rule

BUDGET_WEIGHT = Decimal(20)  # Hubei forms: 预算执行情况 (20分)
EXPLAIN_BELOW = Decimal("0.9")  # an execution rate under 90% needs a written explanation
NO_EXPLANATION = {"", "无", "无。", "/", "—", "-"}


def _rows(check: Check):
    for row in check.form.budget.itertuples():
        if row.budget is not None and row.spent is not None and row.budget != 0:
            yield row


@rule("XC101", Severity.ERROR, "执行率")
def execution_rate(check: Check) -> None:
    """执行率 must be 执行数 / 预算数, as a percentage rounded half-up to 2 decimals.

    Worked example (科学技术研究与开发资金): 12612.86 / 13247 = 0.952130 -> 95.21%.
    A reported 95.12% is an error; fix writes 95.21%. 399.3 / 400 = 0.99825 -> 99.83% (half-up).
    """
    for row in _rows(check):
        expected = row.spent / row.budget
        check.check_number(
            execution_rate, row.rate_cell, "执行率", row.rate, expected,
            f"执行率应为 执行数/预算数 = {fmt(row.spent)}/{fmt(row.budget)} = {fmt_percent(expected)}",
            percent=True,
        )


@rule("XC102", Severity.ERROR, "预算执行得分")
def budget_score(check: Check) -> None:
    """预算执行 得分 must be weight × 执行数/预算数 from the unrounded rate, never above the weight.

    Worked example: 20 × 12612.86/13247 = 20 × 0.952130 = 19.0426 -> 19.04.
    Over-spending caps: 20 × 110/100 = 22 -> 20. Edge: 20 × 399.3/400 = 19.965 -> 19.97.
    """
    weight = check.form.weights.get("budget", BUDGET_WEIGHT)
    for row in _rows(check):
        rate = row.spent / row.budget
        expected = min(weight, weight * rate)
        capped = "（不超过权重）" if weight * rate > weight else ""
        check.check_number(
            budget_score, row.score_cell, "预算执行得分", row.score, expected,
            f"得分应为 {fmt(weight)} × 执行率 = {fmt(weight)} × {fmt(row.spent)}/{fmt(row.budget)} = {fmt(expected)}{capped}",
        )
        check.settled["budget_score"] = round_half_up(expected)
        return  # the first budget line is the scored one (年度财政资金总额 / 部门整体支出总额)


@rule("XC103", Severity.WARNING, "执行率偏低未说明")
def low_rate_unexplained(check: Check) -> None:
    """An execution rate under 90% must be explained in 偏差大或目标未完成原因分析.

    Worked example (科技资料等相关费用): 3.93 / 6 = 65.50% with 偏差 '无' -> warning: the form is incomplete.
    国家示范基地管理费 40% explains the late payment -> no warning.
    """
    if check.form.deviation.strip() not in NO_EXPLANATION:
        return
    for row in _rows(check):
        rate = row.spent / row.budget
        if rate < EXPLAIN_BELOW:
            check.add(
                low_rate_unexplained, row.rate_cell, "执行率", fmt_percent(rate), f"≥ {fmt_percent(EXPLAIN_BELOW)} 或说明原因",
                f"执行率 {fmt_percent(rate)} 低于 {fmt_percent(EXPLAIN_BELOW)}，但“偏差大或目标未完成原因分析”填写为“{check.form.deviation.strip() or '空'}”，请说明原因",
            )
        return


@rule("XC104", Severity.WARNING, "执行数构成")
def spending_parts(check: Check) -> None:
    """A department's 执行数 must equal 基本支出总额 + 项目支出总额.

    Worked example (区科经局): 1477.61 + 25553.59 = 27031.20 = 执行数 -> no finding.
    Which of the three numbers is wrong is not certain, so this is a warning, not a fix.
    """
    fields = check.form.fields
    if check.form.kind != "department" or not {"基本支出总额", "项目支出总额"} <= fields.keys():
        return
    basic, project = fields["基本支出总额"][0], fields["项目支出总额"][0]
    for row in _rows(check):
        if basic + project != row.spent:
            check.add(
                spending_parts, row.spent_cell, "执行数", fmt(row.spent), fmt(basic + project),
                f"执行数 {fmt(row.spent)} 与 基本支出总额 + 项目支出总额 = {fmt(basic)} + {fmt(project)} = {fmt(basic + project)} 不一致",
            )
        return
