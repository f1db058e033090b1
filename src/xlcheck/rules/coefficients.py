"""Forms that score an indicator by a coefficient: 指标得分 = 指标权重 × 得分系数 (forms.md §6)."""

from __future__ import annotations

from ..model import Severity
from ..values import fmt, fmt_percent
from .base import Check, rule


@rule("XC312", Severity.ERROR, "得分系数")
def coefficient_score(check: Check) -> None:
    """Where a form writes a 得分系数 per indicator, 指标得分 = 指标权重 × 得分系数, capped at the weight.

    Worked example: 指标权重 10, 得分系数 85% -> 指标得分 8.5; a reported 8 is an error, fixed to 8.5.
    """
    for row in check.rows("indicators"):
        if row.coefficient is None or row.weight is None:
            continue
        expected = min(row.weight, row.weight * row.coefficient)
        check.check_number(
            coefficient_score, row.score_cell, f"得分（{row.name}）", row.score, expected,
            lambda: f"{row.name}：指标得分应为 指标权重 × 得分系数 = {fmt(row.weight)} × {fmt_percent(row.coefficient)} = {check.fmt(expected)}",
        )
