"""The budget block: 执行率 = 执行数/预算数 and 得分 = 权重 × 执行率 (forms.md §4 rule 1), and the 其中 lines
of the national form adding up to 年度资金总额.

The weight is the one the form writes (the 分值 cell, or '(20分)' in the label), else the profile's
points.budget; the denominator is the profile's budget.denominator (全年预算数, or 年初预算数 where
the region says so; a form with one budget column has only 预算数).
"""

from __future__ import annotations

from decimal import Decimal

from ..language import says_nothing
from ..model import Severity, a1, parse_a1
from ..values import amount, fmt, fmt_percent
from .base import Check, rule

AMOUNTS = (("initial", "年初预算数"), ("budget", "全年预算数"), ("spent", "全年执行数"))


def divides_by_initial(check: Check, row) -> bool:
    """Whether the rate divides by 年初预算数: the profile says 'initial' and the form has it, or 年初预算数（A）
    is the block's only budget column (read as its budget too)."""
    return ((check.profile.denominator == "initial" and row.initial is not None)
            or (row.budget_cell is not None and row.budget_cell == row.initial_cell))


def denominator(check: Check, row) -> Decimal | None:
    """The budget figure the rate divides by: 年初预算数 when divides_by_initial, else 全年预算数 (预算数 in
    the Hubei layout)."""
    return row.initial if divides_by_initial(check, row) else row.budget


def denominator_name(check: Check, row) -> str:
    """The division as the form's columns name it, for messages: '全年执行数/全年预算数' (also when 年初预算数
    holds the same amount), '全年执行数/年初预算数', or '执行数/预算数' on a form without 年初预算数."""
    if divides_by_initial(check, row):
        return "全年执行数/年初预算数"
    return "全年执行数/全年预算数" if row.initial is not None else "执行数/预算数"


def _rows(check: Check):
    """The budget lines that can be computed, each with its denominator."""
    for row in check.rows("budget"):
        base = denominator(check, row)
        if base is not None and row.spent is not None and base != 0:
            yield row, base


def budget_weight(check: Check, row) -> Decimal:
    """The budget score's weight: the row's 分值 cell, the block label's '(20分)', or the profile's points."""
    if row.weight is not None and row.weight > 0:
        return row.weight
    return check.form.weights.get("budget", check.profile.budget_points)


def explained(check: Check) -> bool:
    """Whether the form explains its deviations anywhere: 偏差大或目标未完成原因分析, or (national layout)
    any indicator's 偏差原因分析及改进措施 cell."""
    if not says_nothing(check.form.deviation):
        return True
    return any(not says_nothing(str(r.deviation)) for r in check.rows("indicators") if r.deviation is not None)


@rule("XC101", Severity.ERROR, "执行率")
def execution_rate(check: Check) -> None:
    """执行率 must be 执行数 / 预算数, as a percentage rounded half-up to 2 decimals.

    Worked example (科学技术研究与开发资金): 12612.86 / 13247 = 0.952130 -> 95.21%.
    A reported 95.12% is an error; fix writes 95.21%. 399.3 / 400 = 0.99825 -> 99.83% (half-up).
    """
    for row, base in _rows(check):
        expected = row.spent / base
        check.check_number(
            execution_rate, row.rate_cell, "执行率", row.rate, expected,
            lambda: f"执行率应为 {denominator_name(check, row)} = {amount(row.spent)}/{amount(base)} = {check.fmt_percent(expected)}",
            percent=True, related=check.memo.get("filled totals", []) if row.Index == 0 else [],
        )


@rule("XC102", Severity.ERROR, "预算执行得分")
def budget_score(check: Check) -> None:
    """预算执行 得分 must be weight × 执行数/预算数 from the unrounded rate, never above the weight.

    Worked example: 20 × 12612.86/13247 = 20 × 0.952130 = 19.0426 -> 19.04.
    Over-spending caps: 20 × 110/100 = 22 -> 20. Edge: 20 × 399.3/400 = 19.965 -> 19.97 (a 'truncate'
    profile gives 19.96). National form, 分值 10: 10 × 12612.86/13247 = 9.5213 -> 9.52.
    A 分值 that cannot be right (鄂州 市民中心运行维护费: the budget line's 分值 100 while the indicators' 分值
    add 70 more, 得分 98, 125.25/150 = 83.5%): 98 is neither 100 × 83.5% = 83.5 nor 10 × 83.5% = 8.35 ->
    error at the 得分, not fixed (whether the 分值 or the 得分 is wrong is not certain).
    """
    for row, base in _rows(check):
        if row.part:
            continue
        weight = budget_weight(check, row)
        rate = row.spent / base
        expected = min(weight, weight * rate)
        if doubtful_weight(check, row, rate):
            return
        check.check_number(
            budget_score, row.score_cell, "预算执行得分", row.score, expected,
            lambda: f"得分应为 {fmt(weight)} × 执行率 = {fmt(weight)} × {amount(row.spent)}/{amount(base)} = {check.fmt(expected)}"
                    + ("（不超过权重）" if weight * rate > weight else ""),
            related=check.memo.get("filled totals", []) if row.Index == 0 else [],
        )
        check.settled["budget_score"] = check.round(expected)
        return  # the first budget line is the scored one (年度财政资金总额 / 部门整体支出总额)


def doubtful_weight(check: Check, row, rate: Decimal) -> bool:
    """Whether the budget line's own 分值 cannot be right — with the indicators' 分值 it makes more than 100
    points — and its 得分 is not that 分值 × 执行率: the line is then certainly wrong but which cell is not
    (the 得分 may be the family's points × 执行率), so an error is added without a fix (True)."""
    if row.weight is None or row.weight <= 0 or row.score is None:
        return False
    indicators = sum((r.weight for r in check.rows("indicators") if r.weight is not None), Decimal(0))
    own = min(row.weight, row.weight * rate)
    if row.weight + indicators <= 100 or check.round(row.score) == check.round(own):
        return False
    points = check.form.weights.get("budget", check.profile.budget_points)
    family = min(points, points * rate)
    if points == row.weight:
        other = ""
    elif check.round(row.score) == check.round(family):
        other = f"（等于 {fmt(points)} × 执行率 = {check.fmt(family)}，本行分值可能填错）"
    else:
        other = f"，也不等于 {fmt(points)} × 执行率 = {check.fmt(family)}"
    check.add(
        budget_score, row.score_cell, "预算执行得分", fmt(row.score),
        check.fmt(own) if points == row.weight else f"{check.fmt(own)} 或 {check.fmt(family)}",
        f"得分 {fmt(row.score)} 不等于本行分值 × 执行率 = {fmt(row.weight)} × {amount(row.spent)}/"
        f"{amount(denominator(check, row))} = {check.fmt(own)}{other}；本行分值 {fmt(row.weight)} 与各指标分值 "
        f"{fmt(indicators)} 合计 {fmt(row.weight + indicators)}，超过 100 分：分值或得分填错，请核实（未更正）",
        related=[row.weight_cell, row.rate_cell],
    )
    return True


@rule("XC103", Severity.WARNING, "执行率偏低未说明")
def low_rate_unexplained(check: Check) -> None:
    """An execution rate under 90% (the profile's budget.explain_below) must be explained in
    偏差大或目标未完成原因分析 (national: some 偏差原因分析及改进措施 cell).

    Worked example (科技资料等相关费用): 3.93 / 6 = 65.50% with 偏差 '无' -> warning: the form is incomplete.
    国家示范基地管理费 40% explains the late payment -> no warning. The threshold is the profile's
    budget.explain_below; on the national form any 偏差原因分析及改进措施 cell counts as the explanation.
    The finding's 填报 is the rate as written (86.19% on 上海普陀 2022, where XC101 recomputes 86.18%).
    """
    if explained(check):
        return
    threshold = check.profile.explain_below
    for row, base in _rows(check):
        rate = row.spent / base
        if rate < threshold:
            if check.form.explanation == "row":
                unexplained = "但各指标的“偏差原因分析及改进措施”都没有说明原因"
            else:
                unexplained = f"但“偏差大或目标未完成原因分析”填写为“{check.form.deviation.strip() or '空'}”"
            check.add(
                low_rate_unexplained, row.rate_cell, "执行率", fmt_percent(row.rate) if row.rate is not None else "",
                f"≥ {fmt_percent(threshold)} 或说明原因",
                f"执行率 {check.fmt_percent(rate)} 低于 {fmt_percent(threshold)}，{unexplained}，请说明原因",
            )
        return


@rule("XC104", Severity.ERROR, "执行数构成")
def spending_parts(check: Check) -> None:
    """A department's 执行数 must equal 基本支出总额 + 项目支出总额: an error, not fixed (which number is
    wrong is not certain) unless XC502 points at the same cell.

    Worked example (区科经局): 1477.61 + 25553.59 = 27031.20 = 执行数 -> no finding.
    The identity always holds, so a break is an error; which of the three numbers is wrong is not
    certain from this identity alone, so it is not fixed here (see XC502 for the triangulated fix).
    """
    fields = check.form.fields
    if check.form.kind != "department" or not {"基本支出总额", "项目支出总额"} <= fields.keys():
        return
    basic, project = fields["基本支出总额"][0], fields["项目支出总额"][0]
    for row, _ in _rows(check):
        if basic + project != row.spent:
            check.add(
                spending_parts, row.spent_cell, "执行数", amount(row.spent), amount(basic + project),
                f"执行数 {amount(row.spent)} 与 基本支出总额 + 项目支出总额 = {amount(basic)} + {amount(project)} = {amount(basic + project)} 不一致",
                related=[fields["基本支出总额"][1].address, fields["项目支出总额"][1].address],
            )
        return


@rule("XC105", Severity.ERROR, "其中各项之和")
def parts_add_up(check: Check) -> None:
    """The 其中 lines (当年财政拨款, 上年结转资金, 其他资金) add up to 年度资金总额, in each of 年初预算数,
    全年预算数 and 全年执行数: a blank or 0 total is fixed to their sum, a single filled line to the
    total; lines that disagree with a filled total are an error at the total, not fixed.

    Worked example: 年度资金总额 全年预算数 13247 with 其中 当年财政拨款 13427, 上年结转资金 —, 其他资金 —:
    only one line is filled, so it must be 13247 -> error, fixed to 13247 (the total is what the rate and
    score are computed from). With two filled lines, say 12000 + 1274 against 13247, the form is certainly
    wrong but which line is not certain -> error at the total, not fixed, the lines related.
    A total left blank or 0 above filled lines is what was left out: 年度资金总额 全年执行数 blank, 其中
    93.6 + 18 -> the total is fixed to 111.6, and the 执行率 and 得分 are computed from it (never the
    lines fixed down to 0). Runs before XC101/XC102, which read the total it settles.
    """
    lines = check.rows("budget")
    total = lines[0] if lines else None
    for split in sorted({row.part for row in lines[1:] if row.part}):  # a total split twice: each split adds up to it
        split_adds_up(check, total, [row for row in lines[1:] if row.part == split])


def split_adds_up(check: Check, total, parts: list) -> None:
    """XC105 for one split of the total (其中 财政拨款 / 其他资金, or 基本支出 / 项目支出)."""
    unreadable = {ref.address for ref, _, _ in check.form.unreadable}
    for name, label in AMOUNTS:
        if name == "budget" and all(row.budget_cell == row.initial_cell for row in [total, *parts]):
            continue  # the block's only budget column is 年初预算数（A）, read as both: checked once
        whole, values = getattr(total, name), [getattr(row, name) for row in parts]
        if all(v is None for v in values):
            continue
        added = sum((v for v in values if v is not None), Decimal(0))
        part_cells = [getattr(row, f"{name}_cell") for row in parts if getattr(row, name) is not None]
        listing = " + ".join(f"{row.item} {amount(getattr(row, name))}" for row in parts if getattr(row, name) is not None)
        if not whole:
            if added and not any(getattr(row, f"{name}_cell") in unreadable for row in parts):
                fill_total(check, total, name, label, added, listing, part_cells)
            continue
        if added == whole:
            continue
        filled = [row for row in parts if getattr(row, name) not in (None, 0)]
        if len(filled) == 1:
            row = filled[0]
            expected = whole - (added - getattr(row, name))
            check.check_number(
                parts_add_up, getattr(row, f"{name}_cell"), f"{label}（{row.item}）", getattr(row, name), expected,
                f"其中各项之和应等于年度资金总额的{label} {amount(whole)}；其中只有“{row.item}”一项有金额"
                f"（{amount(getattr(row, name))}），应为 {amount(expected)}",
                exact=True, related=[getattr(total, f"{name}_cell")],
            )
        else:
            check.add(
                parts_add_up, getattr(total, f"{name}_cell"), f"{label}（其中各项之和）", amount(added), amount(whole),
                f"其中各项之和 {listing} = {amount(added)}，与年度资金总额的{label} {amount(whole)} 不一致"
                f"（相差 {amount(whole - added)}），请核对是哪一项填错",
                related=part_cells,
            )


def fill_total(check: Check, total, name: str, label: str, added: Decimal, listing: str, part_cells: list[str]) -> None:
    """Fix a 年度资金总额 amount left blank or 0 to the sum of its 其中 lines, and settle it for the rate
    and score rules (the budget rows of this check then carry the sum)."""
    whole, address = getattr(total, name), getattr(total, f"{name}_cell")
    if address is None:  # a blank cell: the total's row, the column of the lines' amounts
        row_cell = next((getattr(total, f"{n}_cell") for n in ("initial", "budget", "spent", "weight", "rate", "score")
                         if getattr(total, f"{n}_cell")), None)
        address = a1(parse_a1(row_cell)[0], parse_a1(part_cells[0])[1]) if row_cell else None
    if address is None:
        return
    message = (f"年度资金总额的{label}{'为 0' if whole == 0 else '未填写'}，而其中各项有金额：{listing} = {amount(added)}；"
               f"总额应为 {amount(added)}，执行率和得分据此计算")
    if whole == 0:
        check.check_number(parts_add_up, address, f"{label}（年度资金总额）", whole, added, message, exact=True,
                           related=part_cells)
    else:
        shown = check.source(address)
        check.add(parts_add_up, address, f"{label}（年度资金总额）", shown.text if shown else "（空）", amount(added), message,
                  fixable=True, expected_value=added, related=part_cells)
    # the settled total: XC101/XC102 (and XC104) compute the rate and score from it
    rows = check.rows("budget")
    settled = {name: added}
    if name == "initial" and all(row.budget_cell == row.initial_cell for row in rows):
        settled["budget"] = added  # 年初预算数（A） is the block's only budget column
    rows[0] = rows[0]._replace(**settled)
    check.memo.setdefault("filled totals", []).append(address)  # the rate and score computed from it relate it
