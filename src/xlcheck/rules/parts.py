"""其中 lines that repeat 分值, 执行率 and 得分 of their own (forms.md §6): each scores like the total line."""

from __future__ import annotations

from ..model import Severity
from ..values import fmt
from .base import Check, rule

@rule("XC106", Severity.ERROR, "其中得分")
def part_scores(check: Check) -> None:
    """A 其中 line that writes its own 分值 and 得分 scores 分值 × 执行数/预算数, at most its 分值 (its 执行率
    is checked by XC101 like every line; its score does not count in the total).

    Worked example: 其中：财政拨款 预算数 80, 执行数 76, 分值 8, 得分 7 -> 8 × 76/80 = 7.6: error, fixed to 7.6.
    """
    for row in check.rows("budget"):
        if not row.part or row.weight is None or row.weight <= 0 or row.spent is None or not row.budget:
            continue
        rate = row.spent / row.budget
        expected = min(row.weight, row.weight * rate)
        check.check_number(
            part_scores, row.score_cell, f"得分（{row.item}）", row.score, expected,
            lambda: f"其中“{row.item}”的得分应为 {fmt(row.weight)} × {fmt(row.spent)}/{fmt(row.budget)} = {check.fmt(expected)}"
            + ("（不超过分值）" if row.weight * rate > row.weight else ""),
        )

