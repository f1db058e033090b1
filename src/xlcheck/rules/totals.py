"""Goal scores and totals: a form's total is the sum of its parts, recomputed from corrected parts."""

from __future__ import annotations

from decimal import Decimal

from ..model import Severity
from ..values import find_total, fmt, replace_span, round_half_up
from .base import Check, rule

GOAL_WEIGHT = Decimal(20)  # Hubei project forms: 项目绩效总目标 (20分)


@rule("XC201", Severity.ERROR, "总目标得分")
def goal_score(check: Check) -> None:
    """A project's 绩效总目标 score is at most its weight (20).

    Worked example: weight 20, reported 22 -> error, fixed to 20. Reported 20 -> fine.
    """
    form = check.form
    if form.kind != "project" or form.goals.empty:
        return
    goal = form.goals.iloc[0]
    weight = goal["weight"] if goal["weight"] is not None else GOAL_WEIGHT
    score = goal["score"]
    if score is None:
        check.settled["goal_score"] = Decimal(0)
        return
    if score > weight:
        check.check_number(goal_score, goal["score_cell"], "总目标得分", score, weight,
                           f"绩效总目标得分 {fmt(score)} 超过权重 {fmt(weight)}")
    check.settled["goal_score"] = min(score, weight)


@rule("XC401", Severity.ERROR, "总分")
def total(check: Check) -> None:
    """The total is the sum of its parts, each as recomputed.

    Project (科学技术研究与开发资金): 19.04 + 20 + 59.5 = 98.54, the '自评得分: 98.54分' in the header.
    Department (区科经局): 19.51 + Σ goal weights 17.6 + Σ indicator scores 59.9 = 97.01.
    A total inside text is fixed inside its text: '自评得分: 99.37分' -> '自评得分: 99.73分'.
    """
    form = check.form
    budget = check.settled.get("budget_score", Decimal(0))
    indicators = check.settled.get("indicator_scores", Decimal(0))
    if form.kind == "department":
        goals = sum((w for w in form.goals["weight"] if w is not None), Decimal(0))
        parts = f"预算执行得分 {fmt(budget)} + 年度目标分值合计 {fmt(goals)} + 指标得分合计 {fmt(indicators)}"
    else:
        goals = check.settled.get("goal_score", Decimal(0))
        parts = f"预算执行得分 {fmt(budget)} + 总目标得分 {fmt(goals)} + 指标得分合计 {fmt(indicators)}"
    expected = round_half_up(budget + goals + indicators)
    check.settled["total"] = expected
    if form.total_cell is None:
        return
    message = f"总分应为 {parts} = {fmt(expected)}"
    if form.total_text is None:
        check.check_number(total, form.total_cell.address, "总分", form.total, expected, message)
    elif form.total is not None and round_half_up(form.total) != expected:
        _, start, end = find_total(form.total_text)
        check.add(total, form.total_cell.address, "总分", fmt(form.total), fmt(expected), message,
                  fixable=True, expected_value=replace_span(form.total_text, start, end, fmt(expected)))


@rule("XC001", Severity.WARNING, "无法读取的单元格")
def unreadable_cells(check: Check) -> None:
    """A cell where a number belongs but which holds an error value (#REF!, #DIV/0!), a formula that was
    never calculated, or text that is not a number: named, never read as 0.

    Worked example: 得分 cell '=C6*20' saved without a cached value -> warning '公式 =C6*20 没有保存计算结果'.
    """
    for ref, what, why in check.form.unreadable:
        if any(f.cell == ref.address and f.severity == Severity.ERROR for f in check.findings):
            continue  # already reported with its recomputed value
        check.add(unreadable_cells, ref.address, what, check.form.cells[ref].text if ref in check.form.cells else "", "", f"{what}：{why}")
