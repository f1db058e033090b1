"""Goal scores and totals: a form's total is the sum of its parts, recomputed from corrected parts."""

from __future__ import annotations

from decimal import Decimal

from ..model import Severity, parse_a1
from ..language import GRADE_BANDS, grade_for
from ..values import find_total, fmt, replace_span
from .base import Check, rule


@rule("XC201", Severity.ERROR, "总目标得分")
def goal_score(check: Check) -> None:
    """A project's 绩效总目标 score is at most its weight (20 in Hubei: the label's '(20分)', else the
    profile's points.goal; the national 年度总体目标 is not scored).

    Worked example: weight 20, reported 22 -> error, fixed to 20. Reported 20 -> fine.
    """
    form = check.form
    goals = check.rows("goals")
    if form.kind != "project" or not goals:
        return
    goal = goals[0]
    weight = goal.weight if goal.weight is not None else check.profile.goal_points
    score = goal.score
    if score is None:
        check.settled["goal_score"] = Decimal(0)
        return
    if score > weight:
        check.check_number(goal_score, goal.score_cell, "总目标得分", score, weight,
                           f"绩效总目标得分 {fmt(score)} 超过权重 {fmt(weight)}")
    check.settled["goal_score"] = min(score, weight)


@rule("XC401", Severity.ERROR, "总分", also=(Severity.WARNING,))
def total(check: Check) -> None:
    """The total is the sum of its parts, each as recomputed: budget score + goal score(s) + indicator
    scores, also inside text ('自评得分: 98.54分'); one that cannot be recomputed (a part unreadable or
    missing) is a warning naming why.

    Project (科学技术研究与开发资金): 19.04 + 20 + 59.5 = 98.54, the '自评得分: 98.54分' in the header.
    National form (the same project, 10 + 90): 9.52 + 89.25 = 98.77 in the 总分 row's 得分 cell.
    Department (区科经局): 19.51 + Σ goal weights 17.6 + Σ indicator scores 59.9 = 97.01.
    A total inside text is fixed inside its text: '自评得分: 99.37分' -> '自评得分: 99.73分'.
    The score cells corrected before it are its related cells.
    """
    form = check.form
    unknown = unknown_parts(check)
    if unknown:  # a part that says #REF! or was never calculated is not 0: the total cannot be recomputed
        if form.total_cell is not None:
            check.add(total, form.total_cell.address, "总分", fmt(form.total) if form.total is not None else "", "",
                      f"总分无法核算：{'、'.join(unknown)} 的得分无法读取（错误值或没有保存计算结果的公式），"
                      "请在 Excel/WPS 中修正并重新计算后再检查", severity=Severity.WARNING)
        return
    missing_budget = unknown_budget_score(check)
    if missing_budget:  # neither recomputed nor readable: leaving it out would 'correct' a right total
        if form.total_cell is not None:
            check.add(total, form.total_cell.address, "总分", fmt(form.total) if form.total is not None else "", "",
                      f"总分无法核算：预算执行得分既无法核算也无法读取（{missing_budget}），总分未改动，"
                      "请填写预算数、执行数和得分后再检查", severity=Severity.WARNING)
        return
    unweighted = [goal.label_cell for goal in check.rows("goals") if form.kind == "department" and goal.weight is None]
    if unweighted:  # a goal without its '(w分)' leaves the department total uncertain: say so, don't guess
        if form.total_cell is not None:
            check.add(total, form.total_cell.address, "总分", fmt(form.total) if form.total is not None else "", "",
                      f"总分无法核算：{'、'.join(unweighted)} 的年度目标没有写分值（如“年度目标1（0.2分）”）",
                      severity=Severity.WARNING)
        return
    budget = check.settled.get("budget_score", reported_budget_score(check))
    indicators = check.settled.get("indicator_scores", Decimal(0))
    if form.kind == "department":
        goals = sum((g.weight for g in check.rows("goals") if g.weight is not None), Decimal(0))
        named = (("预算执行得分", budget), ("年度目标分值合计", goals), ("指标得分合计", indicators))
    elif not any(goal.score_cell for goal in check.rows("goals")):  # no scored goal (the national 年度总体目标)
        goals = check.settled.get("goal_score", Decimal(0))
        named = (("预算执行得分", budget), ("指标得分合计", indicators)) + ((("总目标得分", goals),) if goals else ())
    else:
        goals = check.settled.get("goal_score", Decimal(0))
        named = (("预算执行得分", budget), ("总目标得分", goals), ("指标得分合计", indicators))
    expected = check.round(budget + goals + indicators)
    check.settled["total"] = expected
    if form.total_cell is None:
        return

    def parts() -> str:  # '预算执行得分 19.04 + 总目标得分 20 + 指标得分合计 59.5', built only for a message
        return " + ".join(f"{name} {fmt(value)}" for name, value in named)

    def message() -> str:
        return f"总分应为 {parts()} = {fmt(expected)}"

    partial = check.memo.get("shown in part")
    if partial and form.total is not None and check.round(form.total) != expected:  # a form shown in part: say so
        check.add(total, form.total_cell.address, "总分", fmt(form.total), "",
                  f"总分无法核对：{partial}，表格可能只展示了部分指标（{parts()} = {fmt(expected)}）", severity=Severity.INFO)
        return
    over = check.memo.get("sections over points")
    if over:  # the parts themselves exceed their points: the total is wrong, but its right value is not known
        if form.total is not None and check.round(form.total) != expected:
            check.add(total, form.total_cell.address, "总分", fmt(form.total), fmt(expected),
                      f"总分 {fmt(form.total)} 不等于各部分得分之和（{parts()} = {fmt(expected)}）；"
                      f"且{over}的得分合计超过其分值，请先核对指标得分，再更正总分")
        return
    if form.total_text is None:
        check.check_number(total, form.total_cell.address, "总分", form.total, expected, message,
                           related=corrected_parts(check))
    elif form.total is not None and check.round(form.total) != expected:
        _, start, end = find_total(form.total_text)
        check.add(total, form.total_cell.address, "总分", fmt(form.total), fmt(expected), message(),
                  fixable=True, expected_value=replace_span(form.total_text, start, end, fmt(expected)),
                  related=corrected_parts(check))


SCORE_RULES = ("XC102", "XC201", "XC301", "XC309")  # the rules that correct a part of the total


def corrected_parts(check: Check) -> list[str]:
    """The score cells corrected before the total (its related cells when it is wrong)."""
    return [f.cell for f in check.findings if f.fixable and f.rule in SCORE_RULES]


def reported_budget_score(check: Check) -> Decimal:
    """The budget score as the form reports it, for a total whose budget line could not be recomputed
    (执行数 unreadable, 预算数 0): the first scored line's 得分, or 0 when it is blank."""
    for row in check.rows("budget"):
        if not getattr(row, "part", False):
            return row.score if row.score is not None else Decimal(0)
    return Decimal(0)


def unknown_budget_score(check: Check) -> str:
    """What stands where the budget score should be, when the total needs it but it can be neither
    recomputed (预算数 or 执行数 unreadable) nor read (its 得分 cell empty or not a number): e.g.
    'C6 预算数 “见附表”不是数字'. '' when the budget score is known.

    Worked example: 预算数 C6 holds '见附表', 执行数 95, 得分 19, total '99': the total is not
    rewritten to 80 (20 + 60 without the budget score); a warning names C6.
    """
    if check.form.kind not in ("project", "department") or "budget_score" in check.settled:
        return ""
    if check.form.weights.get("budget") == 0:
        return ""  # a family whose funding block carries no points (a scorecard): the budget score is 0
    scored = [row for row in check.rows("budget") if not getattr(row, "part", False)]
    if scored and scored[0].score is not None:
        return ""
    later = [parse_a1(row.score_cell)[0] for block in ("goals", "indicators") for row in check.rows(block) if row.score_cell]
    for ref, what, why in check.form.unreadable:
        if ref.row < min(later, default=ref.row + 1):  # above the goals and indicators: the budget block
            return f"{ref.address} {what}：{why}"
    return f"{scored[0].score_cell} 为空" if scored else "未读到预算执行情况的预算数和执行数"


def unknown_parts(check: Check) -> list[str]:
    """The cells of the total's parts that could not be read (an error value such as #REF!, a formula
    saved without its result) and that no rule recomputed; while there is one, the total is not certain."""
    form = check.form
    if not form.unreadable:  # every cell read
        return []
    unreadable = {ref.address for ref, _, _ in form.unreadable}
    cells = [row.score_cell for row in check.rows("indicators") if row.score is None]
    if form.kind == "project":
        cells += [goal.score_cell for goal in check.rows("goals") if goal.score is None]
    if "budget_score" not in check.settled:
        cells += [row.score_cell for row in check.rows("budget") if row.score is None and not getattr(row, "part", False)][:1]
    return list(dict.fromkeys(cell for cell in cells if cell in unreadable))


@rule("XC001", Severity.WARNING, "无法读取的单元格")
def unreadable_cells(check: Check) -> None:
    """A cell where a number belongs but which holds an error value (#REF!, #DIV/0!), a formula that was
    never calculated, or text that is not a number: named, never read as 0.

    Worked example: 得分 cell '=C6*20' saved without a cached value -> warning '公式 =C6*20 没有保存计算结果'.
    """
    for ref, what, why in check.form.unreadable:
        if any(f.cell == ref.address and f.severity == Severity.ERROR for f in check.findings):
            continue  # already reported with its recomputed value
        cell = check.form.cells.get(ref)
        shown = "" if cell is None else cell.error or (f"={cell.formula}（无计算结果）" if cell.value is None and cell.formula is not None else cell.text)
        check.add(unreadable_cells, ref.address, what, shown, "", f"{what}：{why}")


@rule("XC002", Severity.INFO, "读法说明")
def read_as(check: Check) -> None:
    """A value the form writes in a way that can be read more than one way, and how it was read.

    Worked example: a 权重 cell '10%' on a Sichuan form -> info '权重写作“10%”，按满分 100 分读作 10 分'; with a
    profile whose weights.percent is "of_section", in a 绩效指标（90分） table: '… 读作绩效指标 90 分的 10%，即 9 分';
    by default, when that table's 权重 add up to 100%: '… 绩效指标的权重合计 100%，而绩效指标为 90 分，故读作 … 9 分'.
    """
    check.rows("indicators")  # reads the weights the profile's way, remembering how
    shares = check.memo.get("percent weights", {})
    of_a_table = check.memo.get("percent of a table", {})
    for ref, what, how in check.form.notes:
        if ref.address in shares:  # read as a share of its table: the profile says so, or only that reading adds up
            share, table, points, weight, mode = shares[ref.address]
            if mode == "of_section":
                how = (f"权重写作“{fmt(share)}%”，按规则配置 weights.percent = \"of_section\" 读作{table} {fmt(points)} 分的 "
                       f"{fmt(share)}%，即 {fmt(weight)} 分")
            else:
                how = (f"权重写作“{fmt(share)}%”；{table}的权重合计 100%，而{table}为 {fmt(points)} 分，故读作{table} "
                       f"{fmt(points)} 分的 {fmt(share)}%，即 {fmt(weight)} 分（若应按满分 100 分读，请在规则配置中写 "
                       f"[weights] percent = \"of_100\"）")
        elif ref.address in of_a_table:
            table, points = of_a_table[ref.address]
            how += (f"；但{table}的权重合计 100%，而{table}为 {fmt(points)} 分：若权重是{table}分值的比例，"
                    f"请在规则配置中写 [weights] percent = \"of_section\"")
        check.add(read_as, ref.address, what, check.form.cells[ref].text if ref in check.form.cells else "", "", f"{what}：{how}")


@rule("XC402", Severity.ERROR, "等级")
def grade_matches(check: Check) -> None:
    """A grade written beside the total (优 / 良 / 中 / 差) is the band of the total as recomputed: 90 and
    above 优, 80–90 良, 60–80 中, below 60 差.

    Worked example: 总分 98.54 with 等级 '良' -> error, fixed to '优'. A total 89.5 written as 90.5 and graded
    优: the total is fixed to 89.5 (XC401), and the grade to 良.
    """
    form = check.form
    if form.grade is None or form.grade_cell is None or "total" not in check.settled:
        return
    expected = grade_for(check.settled["total"])
    if expected != form.grade:
        bands = "，".join(f"{fmt(floor)} 分以上为{grade}" for floor, grade in GRADE_BANDS[:-1]) + "，以下为差"
        written = form.cells[form.grade_cell].text if form.grade_cell in form.cells else form.grade
        check.add(grade_matches, form.grade_cell.address, "等级", form.grade, expected,
                  f"总分 {fmt(check.settled['total'])} 对应的等级为“{expected}”（{bands}），表中填写为“{form.grade}”",
                  fixable=written.strip() in ("优", "良", "中", "差", "优秀", "良好", "中等", "较差"),
                  expected_value=_same_spelling(written.strip(), expected))


def _same_spelling(written: str, grade: str) -> str:
    """The right grade in the spelling the form uses: '良好' written -> '优秀' for 优, '良' -> '优'."""
    long = {"优": "优秀", "良": "良好", "中": "中等", "差": "较差"}
    return long[grade] if len(written) == 2 else grade
