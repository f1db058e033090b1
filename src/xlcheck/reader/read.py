"""The one reader: finds forms in a sheet and reads each with its layout spec (layouts/).

A form is anchored on its funding block: a label a spec names (预算执行情况, 项目资金（万元）…) or, where the
label is missing or unknown, a header row holding a budget and a spending column ('全年预算数',
'全年执行数'). Its rows run from its title ('…自评表', searched upward) to the row before the next
form's title. The spec chosen is the first registered one whose funding label or columns and whose
requires/excludes fit the form; every block is then read by the spec's labels and column synonyms.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..language import grade_of, is_blank, points_in, strip_points
from ..layouts import SPECS, LayoutSpec
from ..model import Form, Section, Sheet
from .blocks import (
    FormCells,
    address,
    budget_record,
    find_title,
    header_columns,
    indicator_columns,
    is_indicator_header,
    labelled_text,
    labelled_value,
    read_indicators,
    read_total,
)
from .grid import Grid, norm

TITLE_SEARCH_ROWS = 12
NEXT_BLOCK = ("年度总体目标", "总体目标", "绩效指标", "一级指标", "项目绩效总目标", "绩效总目标", "年度目标")
TOTAL_LABELS = ("总分", "合计", "自评得分", "总得分")
TRANSFER = re.compile(r"上级转移(?:支付)?资金[^\d]*(\d+(?:\.\d+)?)万元")
_PART = re.compile(r"^其中[:：]?\s*")
_SPLIT = re.compile(r"^(?:其中[:：]?)?按.{1,6}分[:：]?$")  # '按收入性质分：', '按支出性质分'
_TITLE = re.compile(r"^(?:\d{4}年度?)?(.+?)(?:项目)?(?:支出)?(?:绩效)?自评表$")


def title_name(title: str) -> str:
    """'2021年度科学技术研究与开发资金项目自评表' -> '科学技术研究与开发资金'."""
    match = _TITLE.match(title)
    return match.group(1) if match else title


_FUNDING = re.compile("|".join(f"(?:{p})" for spec in SPECS for p in spec.funding.labels))


def names_funding(label: str) -> bool:
    """Whether a label names a funding block of some registered family."""
    return _FUNDING.match(label) is not None


def funding_header(grid: Grid, row: int, spec: LayoutSpec) -> dict[str, tuple[int, int]]:
    """The funding columns of `row` by the spec's synonyms, or {} unless a budget column (one the spec's
    funding.budget names: 全年预算数, or 年初预算数 where it is the only one) and a spending column are there."""
    def columns() -> dict[str, tuple[int, int]]:
        found = header_columns(grid, row, spec.funding.columns)
        stand_in = next((name for name in spec.funding.budget if name in found), None)
        if "spent" not in found or stand_in is None:
            return {}
        return {**found, "budget": found[stand_in]}  # 年初预算数（A） read as the budget where it is the only one
    return grid.remembered(("funding_header", row), spec.funding, columns)


_MARKS = tuple(mark for spec in SPECS for mark in spec.funding.marks)


def header_anchors(grid: Grid, taken: set[int]) -> list[tuple[int, int]]:
    """Funding blocks found by their columns alone: a header row with a budget and a spending column that
    a family marks as its own ('全年预算数'), with no known funding label in it or the two rows above."""
    anchors = []
    for row in sorted(grid.rows_starting(_MARKS)):
        if taken & {row, row - 1, row - 2}:
            continue
        for spec in SPECS:
            if spec.funding.marks and row in grid.rows_starting(spec.funding.marks) and funding_header(grid, row, spec):
                anchors.append((row, grid.cols(row)[0]))
                break
    return anchors


def table_anchors(grid: Grid) -> list[tuple[int, int]]:
    """Forms of a family without a funding block (a department scorecard), found by an indicator header
    holding one of the family's marks ('指标分值'); used in a sheet where no funding block was found."""
    anchors = []
    for spec in SPECS:
        if spec.funding.labels or not spec.indicators.marks:
            continue
        for row in sorted(grid.rows_starting(spec.indicators.marks)):
            if (is_indicator_header(grid, row, spec.indicators.header)
                    and spec.indicators.marked([grid.label(row, c) for c in grid.cols(row)])):
                anchors.append((row, grid.cols(row)[0]))
    return sorted(set(anchors))


_NAMING: dict[str, list[LayoutSpec]] = {}  # funding label -> the families naming it (the same labels recur)
_PATTERNS: dict[str, re.Pattern] = {}  # a spec's requires/excludes, compiled


def specs_naming(label: str) -> list[LayoutSpec]:
    """The registered families whose funding labels name `label`, in registry order."""
    named = _NAMING.get(label)
    if named is None:
        if len(_NAMING) > 2_000:
            _NAMING.clear()
        named = _NAMING[label] = [spec for spec in SPECS if spec.names_funding(label)]
    return named


def _pattern(text: str) -> re.Pattern:
    pattern = _PATTERNS.get(text)
    if pattern is None:
        pattern = _PATTERNS[text] = re.compile(text)
    return pattern


def choose_spec(grid: Grid, anchor: tuple[int, int], body: range) -> LayoutSpec:
    """The first registered family that names this funding label (or marks its columns) and accepts the
    form's labels."""
    named = specs_naming(grid.label(*anchor))
    if not named and is_indicator_header(grid, anchor[0]):
        header_labels = [grid.label(anchor[0], c) for c in grid.cols(anchor[0])]
        named = [spec for spec in SPECS if not spec.funding.labels and spec.indicators.marks
                 and spec.indicators.marked(header_labels)]
    if not named:
        header = range(anchor[0], anchor[0] + 3)
        marks = [grid.label(r, c) for r in header for c in grid.cols(r)]
        named = [spec for spec in SPECS if spec.funding.marks and any(l.startswith(spec.funding.marks) for l in marks)]
    header = range(anchor[0], min(anchor[0] + 3, body.stop))

    def accepted(spec: LayoutSpec) -> bool:  # spec.accepts(the form's labels), by the sheet's index
        return (all(grid.matching(_pattern(p), body) for p in spec.requires)
                and not any(grid.matching(_pattern(p), body) for p in spec.excludes))

    for spec in named:  # the first family whose funding columns fit, then the first that names the label
        if spec.funding.columns and accepted(spec) and any(funding_header(grid, row, spec) for row in header):
            return spec
    return next((spec for spec in named if accepted(spec)), named[0] if named else SPECS[-1])


def has_funding_columns(grid: Grid, anchor: tuple[int, int]) -> bool:
    """Whether a family naming this funding label finds its budget and spending columns in the label's row
    or the two rows under it."""
    return any(funding_header(grid, row, spec) for spec in specs_naming(grid.label(*anchor))
               for row in range(anchor[0], anchor[0] + 3))


def outside_tables(grid: Grid, anchors: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The anchors left when a funding label standing inside the previous form's indicator table, with no
    funding columns of its own, is read as what it is there: an indicator's label (a scorecard's 二级指标
    资金投入 under 项目决策), not a second form."""
    kept: list[tuple[int, int]] = []
    for anchor in anchors:
        if kept and not has_funding_columns(grid, anchor) and any(
                is_indicator_header(grid, row) for row in range(kept[-1][0], anchor[0])):
            continue
        kept.append(anchor)
    return kept


def find_forms(sheet: Sheet | Grid) -> list[Form]:
    """Every form in one sheet (or its Grid), top to bottom."""
    grid = sheet if isinstance(sheet, Grid) else Grid(sheet)
    anchors = grid.matching(_FUNDING)
    anchors = sorted(anchors + header_anchors(grid, {row for row, _ in anchors})) or table_anchors(grid)
    anchors = outside_tables(grid, anchors)
    starts = []
    previous_anchor_row = 0
    for row, _ in anchors:
        lowest = max(previous_anchor_row + 1, row - TITLE_SEARCH_ROWS)
        titles = grid.ending("自评表", range(lowest, row))
        starts.append(titles[-1][0] if titles else lowest)
        previous_anchor_row = row
    forms = []
    for i, anchor in enumerate(anchors):
        end = starts[i + 1] - 1 if i + 1 < len(anchors) else grid.max_row
        spec = choose_spec(grid, anchor, range(anchor[0], end + 1))
        forms.append(read_form(grid, spec, starts[i], anchor, end))
    return forms


_UNIT = re.compile(r"\((万元|元)\)|单位[:]?(万元|元)")


def amount_unit(grid: Grid, anchor: tuple[int, int], header_row: int) -> str | None:
    """The unit the funding block's amounts are in: its label's ('项目资金(元)' -> '元'), else its header
    cells' ('全年预算数(万元)' -> '万元'); None where the block does not say."""
    for label in [grid.label(*anchor)] + [grid.label(header_row, c) for c in grid.cols(header_row)]:
        found = _UNIT.search(label)
        if found:
            return found.group(1) or found.group(2)
    return None


def read_funding(fc: FormCells, spec: LayoutSpec, anchor: tuple[int, int], end: int) -> list[dict]:
    """The funding lines under the header row (within 3 rows of the anchor).

    'scored': the lines that hold a budget amount (年度财政资金总额, 部门整体支出总额).
    'parts': 年度资金总额 and the 其中 lines under it, up to the next block; a line is named by the cell left
    of the amounts ('其中：当年财政拨款' -> '当年财政拨款'); amounts written '—' read as None. A line's `part` is
    0 for the total, else its split's number: a total split twice (其中 财政拨款 / 其他资金, then 其中 基本支出 /
    项目支出, or under headings 按收入性质分 / 按支出性质分) has two splits that each add up to it.
    """
    grid = fc.grid
    header_row, columns = None, {}
    for row in range(anchor[0], min(anchor[0] + 3, end + 1)):
        columns = funding_header(grid, row, spec)
        if columns:
            header_row = row
            break
    records = []
    if header_row is None:
        return records
    first_col = min(span[0] for span in columns.values())
    group, in_group = 1, 0  # the 其中 lines' group: a form may split the total twice (by source, then by kind)
    unit = amount_unit(grid, anchor, header_row)
    for row in range(header_row + 1, min(header_row + 10, end + 1)):
        items = [c for c in grid.cols(row) if c < first_col]
        if spec.funding.lines == "parts":
            if not items or not grid.label(row, items[-1]) or grid.label(row, items[0]).startswith(NEXT_BLOCK):
                break
            label = grid.label(row, items[-1])
            if records and _SPLIT.match(label) and all(is_blank(grid.cell(row, c).text.strip())
                                                       for c in grid.cols(row) if c >= first_col):
                group, in_group = group + (in_group > 0), 0  # '按支出性质分：' heading the next split
                continue
            if records and in_group and _PART.match(label):
                group, in_group = group + 1, 0  # a second '其中：' starts the next split
            item = _PART.sub("", fc.text((row, items[-1])))
            records.append(budget_record(fc, row, columns, item, part=group if records else 0, unit=unit))
            in_group += len(records) > 1
            continue
        if is_indicator_header(grid, row, spec.indicators.header) or (items and grid.label(row, items[0]).startswith(NEXT_BLOCK)):
            break
        budget_pos = grid.value_under(row, columns["budget"])
        if budget_pos is None or fc.number(budget_pos, "预算数") is None:
            if records:
                break
            continue
        item = grid.cell(row, items[-1]).text.strip() if items else ""
        records.append(budget_record(fc, row, columns, item, unit=unit))
    return records


def read_goal(fc: FormCells, spec: LayoutSpec, rows: range) -> tuple[list[dict], Decimal | None]:
    """The overall goal under its label: text, actual and (where the form scores it) score, from the row
    under its column headers; and the points its label writes ('项目绩效总目标(20分)' -> 20)."""
    grid = fc.grid
    for row, col in grid.where(("goal", spec.goal.labels), spec.names_goal, rows):
        weight = points_in(grid.label(row, col))
        for header_row in range(row, min(row + 3, rows.stop)):
            columns = header_columns(grid, header_row, spec.goal.columns)
            if not ("score" in columns if "score" in spec.goal.columns else "text" in columns):
                continue
            value_row = header_row + 1
            pick = {name: grid.value_under(value_row, span) for name, span in columns.items()}
            score_pos = pick.get("score")
            return [{
                "number": 1,
                "text": fc.text(pick.get("text")),
                "actual": fc.text(pick.get("actual")),
                "weight": weight,
                "score": fc.number(score_pos, "绩效总目标得分") if "score" in columns else None,
                "label_cell": address((row, col)),
                "score_cell": address(score_pos) if score_pos else None,
            }], weight
        return [], weight
    return [], None


def read_groups(fc: FormCells, spec: LayoutSpec, first: int, table_end: int) -> tuple[list[dict], list[dict]]:
    """Goals that each hold indicators: '年度目标N（w分）：text' (department) or '年度绩效目标1（40分）' and the
    indicator rows under it, up to the next goal; a goal without a header row of its own reads its rows
    by the header above it. [] when the form has no such goal."""
    grid = fc.grid
    hits = [(r, c, spec.groups.match(grid.label(r, c)))
            for r, c in grid.where(("groups", spec.groups.pattern), spec.groups.match, range(first, table_end + 1))]
    goals, indicators = [], []
    header = None
    for i, (row, col, match) in enumerate(hits):
        found = match.groupdict()
        number = int(found["number"]) if found.get("number") else i + 1
        weight = found.get("weight") or found.get("end_weight")
        goal_end = hits[i + 1][0] - 1 if i + 1 < len(hits) else table_end
        fc.use(row, col)
        own_points = spec.groups.points == "goal" and weight is not None
        goals.append({
            "number": number,
            "text": (found.get("text") or "").lstrip(":"),
            "actual": "",
            "weight": Decimal(weight) if own_points else None,
            "score": Decimal(weight) if own_points else None,
            "label_cell": address((row, col)),
            "score_cell": None,
            "points": Decimal(weight) if weight else None,
        })
        header = next((r for r in range(row, goal_end + 1) if is_indicator_header(grid, r, spec.indicators.header)), header)
        if header is not None:
            indicators.extend(read_indicators(fc, header, goal_end, spec.indicators.columns, goal=number,
                                              header=spec.indicators.header, start=row,
                                              name_points=spec.indicators.name_points))
    return goals, indicators


def label_points(label: str) -> Decimal | None:
    """points_in(label), without a regex for the many labels that write no points (no 分 in them)."""
    return points_in(label) if "分" in label else None


def alone_label(grid: Grid, row: int) -> str | None:
    """The label of a row that holds nothing else ('年度绩效目标1（40分）' merged across), or None."""
    cols = grid.cols(row)
    return grid.label(row, cols[0]) if len(cols) == 1 else None


def table_sections(grid: Grid, header_row: int, level1_col: int, last: int,
                   other_block=lambda label: False) -> list[tuple[int, int, str, Decimal, int]]:
    """Section labels that write points, as (first row, last row, name, points, col): left of the 一级指标
    column from the header row down ('年度绩效目标（80分）' merged over the table's first column), or alone
    on their row ('年度绩效目标1（40分）' merged across, right above the header or between the groups; not
    a label `other_block` names, such as the goal's '项目绩效总目标（20分）').
    A label covers its merged rows, else the rows down to the next label (or the next row holding
    nothing but a label without points: a group whose points are not written)."""

    def group_label(row: int) -> str | None:
        label = alone_label(grid, row)
        return label if label is not None and label_points(label) is not None and not other_block(label) else None

    first = header_row
    while first - 1 >= header_row - 2 and group_label(first - 1) is not None:
        first -= 1  # a label alone above the header (two rows up at most)
    found, stops = [], []
    for row in range(first, last + 1):
        cols = grid.cols(row)
        alone = alone_label(grid, row)
        if alone is not None and other_block(alone):
            continue
        if alone is not None:
            points = label_points(alone)
            if points is not None:
                found.append((row, cols[0], strip_points(alone).rstrip(":"), points))
            elif row > header_row:
                stops.append(row)
            continue
        if row < header_row:
            continue
        for col in cols:
            if col >= level1_col:
                break
            points = label_points(grid.label(row, col))
            if points is not None:
                found.append((row, col, strip_points(grid.label(row, col)).rstrip(":"), points))
    sections = []
    for i, (row, col, name, points) in enumerate(found):
        ends = [found[i + 1][0] if i + 1 < len(found) else last + 1] + [stop for stop in stops if stop > row]
        following = min(ends) - 1
        bottom = grid.last_row(row, col)
        sections.append((row, min(bottom, following) if bottom > row else following, name, points, col))
    return sections


def build_sections(grid: Grid, goals: list[dict], indicators: list[dict], weights: dict, spec: LayoutSpec,
                   table: list[tuple]) -> list[Section]:
    """The form's sections: budget, the scored goal, the indicator sections (goal groups worth their own
    points, labels left of the table, else the one indicator table), the 一级 labels writing points and
    the 二级 labels writing points inside them ('数量指标（20分）' under '产出指标（50分）', or directly in the table).
    Each indicator record gets the key of its innermost section."""
    sections = [Section("budget", "预算执行", "budget", weights.get("budget"))]
    if any(goal.get("score_cell") for goal in goals) and spec.groups is None:
        sections.append(Section("goal", "绩效总目标", "goal", weights.get("goal"), cell=goals[0]["label_cell"]))
    roots: dict[int | None, str] = {}
    if spec.groups is not None and spec.groups.points == "section" and goals:
        for goal in goals:
            key = f"goal{goal['number']}"
            sections.append(Section(key, goal["text"] or f"年度绩效目标{goal['number']}", "indicators", goal["points"],
                                    cell=goal["label_cell"]))
            roots[goal["number"]] = key
        for record in indicators:
            record["section"] = roots.get(record["goal"], "indicators")
    elif table:
        for number, (first, last, name, points, col) in enumerate(table, start=1):
            key = f"table{number}"
            sections.append(Section(key, name, "indicators", points, cell=address((first, col))))
            for record in indicators:
                if first <= record["row"] <= last:
                    record["section"] = key
    if not any(s.kind == "indicators" for s in sections) or not all(record["section"] for record in indicators):
        sections.append(Section("indicators", "绩效指标", "indicators", weights.get("indicators")))
        for record in indicators:
            record["section"] = record["section"] or "indicators"
    for level in ("level1", "level2"):  # '产出指标（50分）', then '数量指标（20分）' inside it
        for record in indicators:
            points = label_points(record[level])
            if points is None:
                continue
            key = f"{record['section']}/{strip_points(record[level])}"
            if not any(section.key == key for section in sections):
                label = next((address((record["row"], c)) for c in grid.cols(record["row"])
                              if grid.label(record["row"], c) == norm(record[level])), None)
                sections.append(Section(key, strip_points(record[level]), "indicators", points, parent=record["section"],
                                        cell=label))
            record["section"] = key
    return sections


def read_fields(fc: FormCells, spec: LayoutSpec, start: int, anchor: tuple[int, int], rows: range) -> dict:
    """The labelled numbers the spec names (基本支出总额 …, from the header lines) and 上级转移资金 in the footer."""
    grid = fc.grid
    fields = {}
    for name, prefixes in spec.fields.items():
        for row, col in grid.starting(prefixes, range(start, anchor[0] + 1)):
            nxt = grid.right_of(row, col)
            number = fc.number(nxt, name) if nxt else None
            if number is not None:
                fields[name] = (number, grid.ref(*nxt))
            break
    if spec.kind == "department":
        for row, col in grid.containing("上级转移", rows):
            match = TRANSFER.search(grid.label(row, col))
            if match:
                fields["上级转移资金"] = (Decimal(match.group(1)), fc.use(row, col))
                break
    return fields


def read_total_row(fc: FormCells, header_row: int, end: int, columns: dict) -> tuple[int | None, dict]:
    """The 总分 row under the indicator table (its first cell says 总分/合计…) and the total under 得分."""
    grid = fc.grid
    total_row = next((r for r, c in grid.starting(TOTAL_LABELS, range(header_row + 1, end + 1))
                      if c == grid.cols(r)[0]), None)
    if total_row is None or "score" not in columns:
        return total_row, {}
    pos = grid.value_under(total_row, columns["score"])
    if pos is None:
        return total_row, {}
    return total_row, {"total": fc.number(pos, "总分"), "total_cell": grid.ref(*pos)}


def read_grade(fc: FormCells, total: dict, rows: range) -> dict:
    """The grade written beside the total: right of the total cell in its row, or a '自评等级：优' text in
    the form's header lines; {} when the form writes none."""
    grid = fc.grid
    cell = total.get("total_cell")
    places = [(cell.row, c) for c in grid.cols(cell.row) if c > cell.col] if cell is not None else []
    places += grid.containing("等级", rows)
    for pos in places:
        grade = grade_of(grid.cell(*pos).text)
        if grade is not None:
            return {"grade": grade, "grade_cell": fc.use(*pos)}
    return {}


def read_form(grid: Grid, spec: LayoutSpec, start: int, anchor: tuple[int, int], end: int) -> Form:
    """Read one form of family `spec` occupying rows start..end, its funding block at `anchor`."""
    fc = FormCells(grid)
    rows = range(start, end + 1)
    head = range(start, anchor[0] + 1)
    title = find_title(grid, start, anchor[0])
    default_name = title_name(grid.label(*title)) if grid.label(*title).endswith("自评表") else grid.name
    if spec.kind == "department":
        name = title_name(grid.label(*title)) or "部门整体"
    else:
        name = labelled_value(fc, "项目名称", head) or default_name
    budget = read_funding(fc, spec, anchor, end)
    weights = {"budget": points_in(grid.label(*anchor))}

    goals = []
    if spec.goal is not None:
        goals, weights["goal"] = read_goal(fc, spec, rows)

    deviation, deviation_row = labelled_text(fc, rows, ("偏差",))
    improvement, improvement_row = labelled_text(fc, rows, ("改进措施",))
    table_end = min(r for r in (deviation_row, improvement_row, end + 1) if r is not None) - 1

    total = read_total(fc, range(start, anchor[0])) if "header" in spec.total else {}
    indicators, table = [], []
    group_goals = read_groups(fc, spec, anchor[0], table_end) if spec.groups is not None else ([], [])
    if group_goals[0]:
        goals += group_goals[0]
        indicators = group_goals[1]
    header_rows = grid.rows_starting_all(spec.indicators.header)  # is_indicator_header's rows
    header_row = next((r for r in range(anchor[0], table_end + 1) if r in header_rows), None)
    if header_row is not None:
        columns, _ = indicator_columns(grid, header_row, spec.indicators.columns)
        last = table_end
        total_row, row_total = read_total_row(fc, header_row, end, columns)
        last = min(last, (total_row or table_end + 1) - 1)
        total = total or row_total
        if not group_goals[0]:
            level1_col = columns.get("level1", (grid.cols(header_row)[0], 0))[0]
            table = table_sections(grid, header_row, level1_col, last,
                                   lambda label: spec.names_goal(label) or names_funding(label))
            labels = grid.find(lambda l: "绩效指标" in l and "分)" in l, range(header_row, header_row + 1))
            weights["indicators"] = points_in(grid.label(*labels[0])) if labels else None
            indicators = read_indicators(fc, header_row, last, spec.indicators.columns, header=spec.indicators.header,
                                         name_points=spec.indicators.name_points)
    sections = build_sections(grid, goals, indicators, weights, spec, table)
    for key, points in (("budget", spec.budget_points), ("indicators", spec.indicator_points)):
        if weights.get(key) is None and points is not None:
            weights[key] = points  # the family's own points where the form writes none (not a written Section point)
    for goal in goals:
        goal.pop("points", None)

    return fc.form(
        title,
        kind=spec.kind,
        layout=spec.name,
        name=name,
        budget=budget,
        goals=goals,
        indicators=indicators,
        deviation=deviation,
        improvement=improvement,
        fields=read_fields(fc, spec, start, anchor, rows),
        weights={k: v for k, v in weights.items() if v is not None},
        explanation=spec.explanation,
        sections=sections,
        **read_grade(fc, total, head),
        **total,
    )


def what_is_there(sheet: Sheet | Grid) -> tuple[set[str], set[str]]:
    """What of a form a sheet shows, for a workbook in which no form was found: (found, missing); a sheet
    with only an indicator table: found 绩效指标表头（一级指标/二级指标）, missing 预算执行情况（预算数/执行数/执行率）.
    Asked of the sheet's Grid that find_forms searched, its index answers without another pass."""
    grid = sheet if isinstance(sheet, Grid) else Grid(sheet)
    found, missing = set(), set()
    if grid.ending("自评表"):
        found.add("标题“…自评表”")
    if any(is_indicator_header(grid, row) for row in grid.rows_starting("一级指")):
        found.add("绩效指标表头（一级指标/二级指标）")
    else:
        missing.add("绩效指标表头（一级指标/二级指标）")
    funding = grid.matching(_FUNDING)
    if funding:
        found.add(f"“{grid.sheet.cells[funding[0]].text.strip()}”")
        missing.add("其下的预算数/执行数列")
    else:
        missing.add("预算执行情况（预算数/执行数/执行率）")
    return found, missing


def explain_no_form(sheets: list[Sheet] | list[Grid]) -> str:
    """Why no form was found, in the user's words: '找到绩效指标表头，未找到预算执行情况（预算数/执行数/执行率）'."""
    found, missing = set(), set()
    for sheet in sheets:
        has, lacks = what_is_there(sheet)
        found |= has
        missing |= lacks
    if "其下的预算数/执行数列" in missing:
        missing.discard("预算执行情况（预算数/执行数/执行率）")
    if found:
        missing.discard("绩效指标表头（一级指标/二级指标）")
    said = f"找到{'、'.join(sorted(found))}，" if found else ""
    return said + f"未找到{'、'.join(sorted(missing))}"
