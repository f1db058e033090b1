"""The parts of a form that carry their own points (Form.sections, read from the form's labels).

The points of a section are the ones the form writes ('年度绩效目标1（40分）', '产出指标（50分）'); where it
writes none, the profile's default serves the budget, the scored goal and the one indicator table
(60 in Hubei, 90 nationally). Weight inference, sums and caps work per section.
"""

from __future__ import annotations

from decimal import Decimal

from ..model import Section, Severity
from ..values import fmt
from .base import Check, rule


def sections(check: Check) -> list[Section]:
    """The form's sections; a form read without them has one indicator table."""
    return check.form.sections or [Section("budget", "预算执行", "budget"), Section("indicators", "绩效指标", "indicators")]


def roots(check: Check) -> list[Section]:
    """The indicator sections that are not inside another: the table, or its goal groups."""
    return [s for s in sections(check) if s.kind == "indicators" and s.parent is None]


def points_of(check: Check, section: Section) -> Decimal | None:
    """A section's points: written on the form, else the profile's for the budget, the goal and a lone
    indicator table (the label '项目年度绩效指标（60分）' is written in form.weights too)."""
    if section.points is not None:
        return section.points
    if section.kind == "budget":
        return check.profile.budget_points
    if section.kind == "goal":
        return check.profile.goal_points
    if section.parent is None and len(roots(check)) == 1:
        return check.form.weights.get("indicators", check.profile.indicator_points)
    return None


def indicator_points(check: Check) -> Decimal | None:
    """The points of the form's one indicator table (its label's '(60分)', else the profile's 60 or 90);
    None when its indicators sit in several sections of their own (goal groups)."""
    tables = roots(check)
    return points_of(check, tables[0]) if len(tables) == 1 else None


def indicator_sections(check: Check) -> list[tuple[Section, Decimal | None, frozenset[str]]]:
    """Each indicator section with its points and the keys of the sections inside it (itself included),
    inner sections first, so that inference fills the smallest section before its parent. Worked out
    once per form (XC301, XC307 and XC308 each use them)."""
    if "indicator sections" in check.memo:
        return check.memo["indicator sections"]
    found = []
    all_sections = [s for s in sections(check) if s.kind == "indicators"]
    for section in all_sections:
        keys = {section.key}
        grown = True
        while grown:
            inner = {s.key for s in all_sections if s.parent in keys}
            grown = not inner <= keys
            keys |= inner
        found.append((section, points_of(check, section), frozenset(keys)))
    found.sort(key=lambda item: item[0].parent is None)
    check.memo["indicator sections"] = found
    return found


def is_whole_table(check: Check, section: Section) -> bool:
    """Whether a section is the form's only indicator table (messages then say 绩效指标, as before)."""
    return section.parent is None and len(roots(check)) == 1


def member_of(row, keys: frozenset[str]) -> bool:
    """Whether an indicator row sits in one of the sections `keys` (a row read without a section is in the table)."""
    return (row.section or "indicators") in keys


def percent_weights(check: Check, rows: list[tuple]) -> list[tuple]:
    """The indicator rows with the weights written as percentages read the profile's way (weights.percent).
    The reader reads '20%' as 20 points of the form's 100. 'of_100' keeps that; 'of_section' reads it as
    that share of its table's points; 'auto' (the default) keeps it, except in a table whose percentages
    add up to exactly 100% while the table is not worth 100: there they can only be shares (read as points
    they would break the table's own sum, an error nobody made). Remembered for XC002's note.

    Worked example: 权重 '20%' in a 绩效指标（90分） table -> 'of_100': 20 points; 'of_section': 90 × 20% = 18;
    'auto': 20 points when the table's 权重 add up to 90%, 18 when they add up to 100%.
    """
    percent = {ref.address for ref, what, _ in check.form.notes if what.startswith("分值")}
    tables = {s.key: s for s in sections(check)}
    mode = check.profile.percent_weights
    placed = []  # (row, its table's key, the table's name, its points); key None: read as written
    by_table: dict[str, list] = {}
    for row in rows:
        table = tables.get(row.section or "indicators")
        while table is not None and table.parent is not None:
            table = tables.get(table.parent)
        points = points_of(check, table) if table is not None else None
        if row.weight is None or row.weight_cell not in percent or points is None:
            placed.append((row, None, None, None))  # the table's points unknown: the share of 100 stands, and XC002 says so
            continue
        name = "绩效指标" if is_whole_table(check, table) else table.name
        placed.append((row, table.key, name, points))
        by_table.setdefault(table.key, []).append((row, name, points))
    as_shares = set()
    for key, members in by_table.items():
        name, points = members[0][1], members[0][2]
        whole = points != 100 and sum(r.weight for r, _, _ in members) == 100
        if mode == "of_section" or (mode == "auto" and whole):
            as_shares.add(key)
        elif whole:  # 'of_100' said so: read as points, and XC002 says the other reading
            check.memo.setdefault("percent of a table", {}).update({r.weight_cell: (name, points) for r, _, _ in members})
    shares = check.memo.setdefault("percent weights", {})
    changed = []
    for row, key, name, points in placed:
        if key in as_shares:
            shares[row.weight_cell] = (row.weight, name, points, row.weight * points / 100, mode)
            row = row._replace(weight=row.weight * points / 100)
        changed.append(row)
    return changed


@rule("XC311", Severity.ERROR, "各部分分值")
def points_add_up(check: Check) -> None:
    """The points a form writes agree: the 一级 labels inside a section add up to its points, and the
    budget's points + the goal's + the indicator sections' make 100.

    Worked example (a Hubei form): 年度绩效目标（80分） holding 产出指标（60分） and 效益指标（40分): 60 + 40 = 100,
    not 80 -> error at the 年度绩效目标 label. 产出指标（50分） holding 数量指标（20分）, 质量指标（20分） and a
    时效指标 that writes no points: 40 < 50 is no finding (时效 may weigh 10); 数量 30 + 质量 30 = 60 > 50 is. 预算执行情况（20分） + 年度绩效目标1（40分） + 年度绩效目标2（40分）
    = 100 -> fine. Points the form does not write (the profile's defaults) are not checked here.
    """
    form = check.form
    if form.kind != "project" or not form.sections:
        return
    children: dict[str, list[Section]] = {}
    for section in form.sections:
        if section.parent is not None:
            children.setdefault(section.parent, []).append(section)
    loose = {row.section for row in check.rows("indicators")} if children else set()  # sections holding rows outside their children
    for section in form.sections:
        inner = children.get(section.key, [])
        if section.points is None or not inner or any(s.points is None for s in inner):
            continue
        added = sum((s.points for s in inner), Decimal(0))
        short_is_open = form.total_cell is None or section.key in loose  # rows in no labelled child weigh the rest
        if added != section.points and not (short_is_open and added < section.points):
            check.add(points_add_up, section.cell, f"分值（{section.name}）", fmt(section.points), fmt(added),
                      f"{section.name}标注 {fmt(section.points)} 分，其中 "
                      f"{' + '.join(f'{s.name} {fmt(s.points)}' for s in inner)} = {fmt(added)} 分，两者不一致")
    parts = [s for s in form.sections if s.parent is None and s.kind != "budget"]
    budget = next((s for s in form.sections if s.kind == "budget"), None)
    written_budget = budget.points if budget is not None and budget.points is not None else next(
        (row.weight for row in check.rows("budget") if not row.part and row.weight is not None), None)
    if written_budget is None or not parts or any(s.points is None for s in parts):
        return
    added = written_budget + sum((s.points for s in parts), Decimal(0))
    if added != 100:
        listing = " + ".join([f"预算执行 {fmt(written_budget)}"] + [f"{s.name} {fmt(s.points)}" for s in parts])
        check.add(points_add_up, parts[0].cell or (budget.cell if budget else None), "各部分分值合计", fmt(added), "100",
                  f"各部分分值 {listing} = {fmt(added)}，应为 100 分")
