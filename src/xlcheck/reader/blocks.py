"""The blocks that project and department forms share: header total, budget block, indicator table.

Every block is found by its labels inside the rows of one form; every value keeps the address of
the cell it came from, so that findings and fixes point at the right cell.
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal


from ..language import is_blank, points_in, target_text  # noqa: F401 (points_in: rules import it from here)
from ..model import CellRef, Form, SourceCell, a1
from ..values import find_total, has_percent, to_amount, to_decimal
from .grid import Grid

_ADDRESSES: dict[tuple[int, int], str] = {}  # (row, col) -> 'F6'
_BLANK: dict[str, bool] = {}  # indicator name -> says nothing (无, ——): the same few names recur


def address(pos: tuple[int, int]) -> str:
    """model.a1(*pos), remembered: (6, 6) -> 'F6' (a form's cells sit in the same few places)."""
    found = _ADDRESSES.get(pos)
    if found is None:
        if len(_ADDRESSES) > 20_000:
            _ADDRESSES.clear()
        found = _ADDRESSES[pos] = a1(*pos)
    return found


def says_nothing(name: str) -> bool:
    """is_blank(name), remembered per text."""
    blank = _BLANK.get(name)
    if blank is None:
        if len(_BLANK) > 2_000:
            _BLANK.clear()
        blank = _BLANK[name] = is_blank(name)
    return blank

class UsedCells(Mapping):
    """Form.cells: the cells a form read, looked up by CellRef, kept by position. The rules look up a
    few of a form's hundreds of cells, so a CellRef is made only when one is listed, not for each cell read.

    >>> used = UsedCells('表1', {(6, 6): SourceCell(Decimal('19'))})
    >>> used.get(CellRef('表1', 6, 6)).value, CellRef('表2', 6, 6) in used, list(used)
    (Decimal('19'), False, [CellRef(sheet='表1', row=6, col=6)])
    """

    def __init__(self, sheet: str, cells: dict[tuple[int, int], SourceCell]):
        self.sheet = sheet
        self.cells = cells

    def __getitem__(self, ref: CellRef) -> SourceCell:
        if isinstance(ref, CellRef) and ref.sheet == self.sheet and (ref.row, ref.col) in self.cells:
            return self.cells[(ref.row, ref.col)]
        raise KeyError(ref)

    def __iter__(self) -> Iterator[CellRef]:
        return (CellRef(self.sheet, row, col) for row, col in self.cells)

    def __len__(self) -> int:
        return len(self.cells)


@dataclass
class FormCells:
    """Collects the cells a form reads (by position), and the values that could not be read."""

    grid: Grid
    used: dict[tuple[int, int], SourceCell] = field(default_factory=dict)
    unreadable: list[tuple[CellRef, str, str]] = field(default_factory=list)
    notes: list[tuple[CellRef, str, str]] = field(default_factory=list)

    def use(self, row: int, col: int) -> CellRef:
        cell = self.grid.cells.get((row, col))
        if cell is not None:
            self.used[(row, col)] = cell
        return self.grid.ref(row, col)

    def number(self, pos: tuple[int, int] | None, what: str, unit: str | None = None) -> Decimal | None:
        """The number in a cell, or None; a cell that should hold a number but can't be read is noted.

        '19.04 ' -> 19.04; a formula with cached 19.04 -> 19.04; '#REF!' -> None and noted;
        a formula never calculated -> None and noted (never read as 0). An amount in a column of a known
        `unit` ('万元'/'元') typed with the other unit is converted (values.to_amount: '150万' in 元 -> 1500000).
        """
        if pos is None:
            return None
        cell = self.used[pos] = self.grid.cells[pos]
        value = cell.value
        if cell.error:
            self.unreadable.append((self.grid.ref(*pos), what, f"单元格显示错误值 {cell.error}"))
            return None
        if value is None and cell.formula is not None:
            self.unreadable.append((self.grid.ref(*pos), what, f"公式 ={cell.formula} 没有保存计算结果（请在 Excel/WPS 中打开、保存后再检查）"))
            return None
        if isinstance(value, Decimal):
            return value
        number = to_amount(value, unit) if unit else to_decimal(value)
        if number is None and not is_blank(cell.text.strip()):
            self.unreadable.append((self.grid.ref(*pos), what, f"“{cell.text.strip()}”不是数字"))
        return number

    def weight(self, pos: tuple[int, int], what: str) -> Decimal | None:
        """A weight (分值/权重) in points. One written as a percentage ('10%', or 0.1 formatted '0%') is read as
        that share of 100 points (10) and noted, never silently: the form's points add up to 100."""
        number = self.number(pos, what)
        cell = self.grid.cell(*pos)
        if number is None or not (cell.is_percent_format or (isinstance(cell.value, str) and has_percent(cell.value))):
            return number
        points = number if isinstance(cell.value, str) else number * 100
        self.notes.append((self.grid.ref(*pos), what, f"权重写作“{cell.display.strip()}”，按满分 100 分读作 {points.normalize():f} 分"))
        return points

    def rate(self, pos: tuple[int, int] | None, what: str) -> Decimal | None:
        """An execution rate as a ratio: 0.9521 (a number, '0.00%' format), '95.21%' or 95.21 -> 0.9521."""
        number = self.number(pos, what)
        if number is None:
            return None
        cell = self.grid.cell(*pos)
        if isinstance(cell.value, str):
            return number / 100 if has_percent(cell.value) or number > Decimal("1.5") else number
        if cell.is_percent_format or number <= Decimal("1.5"):
            return number
        return number / 100

    def form(self, title: tuple[int, int], *, budget: list[dict], goals: list[dict], indicators: list[dict],
             **fields) -> Form:
        """The Form read from these cells: its sheet, title cell, blocks, the cells it used and what it
        could not read."""
        return Form(sheet=self.grid.name, title_cell=self.grid.ref(*title), cells=UsedCells(self.grid.name, self.used),
                    records={"budget": budget, "goals": goals, "indicators": indicators},
                    unreadable=self.unreadable, notes=self.notes, **fields)

    def text(self, pos: tuple[int, int] | None) -> str:
        """The text a cell shows (stripped): a text cell's text, a number's text ('95.21'), a percent-formatted
        number's percentage (0.9521 in '0.00%' -> '95.21%'); '' for no cell."""
        if pos is None:
            return ""
        cell = self.used[pos] = self.grid.cells[pos]
        value = cell.value
        if type(value) is str:
            return value.strip()  # a text cell displays its text
        if type(value) is Decimal:
            label = self.grid.labels[pos]  # a number's text, made once (Grid)
            if not cell.is_percent_format:
                return label
            return shown_percent(cell, label)
        return cell.display.strip()


_PERCENTS: dict[tuple[str, str], str] = {}  # (a number's text, its percent format) -> what it shows: 100%, 95.00% recur


def shown_percent(cell: SourceCell, label: str) -> str:
    """cell.display.strip() of a percent-formatted number, remembered by its text and format (the same
    digits in the same format show the same: '1' in '0%' -> '100%')."""
    key = (label, cell.number_format)
    shown = _PERCENTS.get(key)
    if shown is None:
        if len(_PERCENTS) > 2_000:
            _PERCENTS.clear()
        shown = _PERCENTS[key] = cell.display.strip()
    return shown


def read_total(fc: FormCells, rows: range) -> dict:
    """The reported total in the header lines: inside text ('自评得分: 98.54分', '总分：97.01分')
    or a '自评得分' label with the number in the next cell. Returns the Form fields total, total_cell
    and total_text (the whole text when the total sits inside it), or {} when there is none."""
    grid = fc.grid
    for row in rows:
        for col in grid.cols(row):
            label = grid.label(row, col)
            if "得分" not in label and "总分" not in label:
                continue
            cell = grid.cell(row, col)
            found = find_total(cell.text) if isinstance(cell.value, str) else None
            if found:
                return {"total": found[0], "total_cell": fc.use(row, col), "total_text": cell.text}
            if label.rstrip(":") in ("自评得分", "总分", "自评总分"):
                nxt = grid.right_of(row, col)
                number = fc.number(nxt, "自评得分") if nxt else None
                if number is not None:
                    return {"total": number, "total_cell": grid.ref(*nxt)}
    return {}


_HEADER_FIELDS: dict[int, tuple[dict, dict[str, tuple[str, ...]]]] = {}  # id(wanted) -> (wanted, label -> fields)


def header_columns(grid: Grid, row: int, wanted: dict[str, tuple[str, ...]],
                   skip: Container[str] = ()) -> dict[str, tuple[int, int]]:
    """Map field names to the column span of their header cell in `row`.

    wanted = {'budget': ('预算数', '全年预算数'), ...} (a spec's columns, never changed): a header cell matches a field
    when its label starts with one of the prefixes; the first match wins; fields in `skip` are not
    looked for. The fields a label may head are worked out once per spec and label (the same headers
    recur in every form).
    """
    known = _HEADER_FIELDS.get(id(wanted))
    if known is None or known[0] is not wanted or len(known[1]) > 2_000:
        if len(_HEADER_FIELDS) > 200:  # the specs' column dicts are a few dozen; any other caller's are dropped
            _HEADER_FIELDS.clear()
        known = _HEADER_FIELDS[id(wanted)] = (wanted, {})
    fields_of = known[1]
    found: dict[str, tuple[int, int]] = {}
    labels = grid.labels
    for col in grid.cols(row):
        label = labels[(row, col)]
        names = fields_of.get(label)
        if names is None:
            names = fields_of[label] = tuple(name for name, prefixes in wanted.items() if label.startswith(prefixes))
        for name in names:
            if name not in found and name not in skip:
                found[name] = grid.span(row, col)
                break
    return found


BUDGET_FIELDS = (("initial", "年初预算数"), ("budget", "预算数"), ("spent", "执行数"), ("weight", "分值"), ("score", "得分"))


AMOUNT_FIELDS = ("initial", "budget", "spent")


def budget_record(fc: FormCells, row: int, columns: dict[str, tuple[int, int]], item: str, part: bool = False,
                  unit: str | None = None) -> dict:
    """One budget line: every amount under its header (None where the form leaves it blank or '—'); the
    amounts in the block's `unit` ('万元'/'元', None where the form does not say)."""
    grid = fc.grid
    record = {"item": item, "part": part}
    for name, what in BUDGET_FIELDS:
        if name == "budget" and "initial" in columns and columns["budget"] == columns["initial"]:
            record["budget"], record["budget_cell"] = record["initial"], record["initial_cell"]  # 年初预算数（A） only
            continue
        pos = grid.value_under(row, columns[name]) if name in columns else None
        record[name] = (fc.weight(pos, what) if name == "weight" and pos  # 权重 '10%': 10 points
                        else fc.number(pos, what, unit if name in AMOUNT_FIELDS else None))
        record[f"{name}_cell"] = address(pos) if pos else None
    pos = grid.value_under(row, columns["rate"]) if "rate" in columns else None
    record["rate"] = fc.rate(pos, "执行率")
    record["rate_cell"] = address(pos) if pos else None
    return record


def is_indicator_header(grid: Grid, row: int, header: tuple[str, ...] = ("一级指", "二级指")) -> bool:
    """Whether `row` holds every header prefix of an indicator table ('一级指标', '二级指标')."""
    return row in grid.rows_starting_all(header)


def indicator_columns(grid: Grid, header_row: int, wanted: dict[str, tuple[str, ...]]) -> tuple[dict[str, tuple[int, int]], int]:
    """The indicator columns of a header that may span two rows, and the row the header ends on.

    A merged '年度指标值' over 指标性质 | 指标值 | 度量单位 in the row below gives each its own column: sign,
    target, unit; a 度量单位 under 实际完成值 is the actual's unit (actual_unit). Found once per sheet, header
    row and spec (read_form and read_indicators both ask).
    """
    return grid.remembered(("indicator_columns", header_row), wanted, lambda: _indicator_columns(grid, header_row, wanted))


def _indicator_columns(grid: Grid, header_row: int, wanted: dict[str, tuple[str, ...]]) -> tuple[dict[str, tuple[int, int]], int]:
    columns = header_columns(grid, header_row, wanted)
    above = header_columns(grid, header_row - 1, wanted, skip=columns)
    if len(above) >= 2:  # a two-row header: 实际完成值, 分值, 得分 merged down beside 一级指标 | 二级指标 …
        columns.update(above)
    below = header_row + 1
    split = wanted.get("sign", ()) + wanted.get("unit", ())
    if not split or below not in grid.rows_starting(split):
        return columns, header_row
    actual = columns.get("actual")
    for col in grid.cols(below):
        label, span = grid.label(below, col), grid.span(below, col)
        inside_actual = actual is not None and actual[0] <= col <= actual[1]
        if label.startswith(wanted.get("unit", ())):
            columns["actual_unit" if inside_actual else "unit"] = span
        elif label.startswith(wanted.get("sign", ())):
            columns["sign"] = span
        elif inside_actual:
            columns["actual"] = span
        elif label.startswith(wanted.get("target", ())):
            columns["target"] = span
    return columns, below


def read_indicators(fc: FormCells, header_row: int, end: int, wanted: dict[str, tuple[str, ...]],
                    goal: int | None = None, header: tuple[str, ...] = ("一级指", "二级指"),
                    start: int | None = None, name_points: bool = False) -> list[dict]:
    """The indicator rows under a header row (一级指标, 二级指标, 指标名称, 目标值, 实际完成值, 得分 …, by the
    spec's synonyms), up to `end`. 一级/二级 are carried down over merged cells; groups that say 无 are
    skipped. A split target (指标性质 ≧ | 指标值 95 | 度量单位 %) reads as one target '≥95%'. `start`: the
    first row to read when it is not the row under the header (a goal group under a header above it).
    `name_points`: in a table without a weight column, the points an indicator's label writes are its
    weight, at the label's cell ('相关性（5分）' -> weight 5, weight_cell the 三级指标 cell)."""
    grid = fc.grid
    columns, header_end = indicator_columns(grid, header_row, wanted)
    if not {"name", "score"} <= columns.keys():
        return []
    first_data_col = min(span[0] for span in columns.values())
    under: dict[int, list[str]] = {}  # column -> the headers whose span covers it, in the spec's order
    header_rows = grid.rows_starting_all(header) if header else grid.rows  # is_indicator_header's rows
    split = "sign" in columns or "unit" in columns
    text = fc.text
    level1 = level2 = ""
    rows, grid_rows = [], grid.rows
    for row in range(max(header_end + 1, start or 0), end + 1):
        cols = grid_rows.get(row)
        if not cols:
            continue
        if row in header_rows:
            continue  # a header repeated after a page break
        cells: dict[str, tuple[int, int]] = {}  # as grid.value_under: each header's leftmost cell in the row
        for col in cols:
            names = under.get(col)
            if names is None:  # worked out for the columns the rows use (a header may be merged far across)
                names = under[col] = []
                for name, (first, last) in columns.items():
                    if first <= col <= last:
                        names.append(name)
            for name in names:
                cells.setdefault(name, (row, col))  # the leftmost wins
        if "level1" in cells:
            level1, level2 = text(cells["level1"]), ""
        if "level2" in cells:
            level2 = text(cells["level2"])
        name_pos, target_pos, actual_pos = cells.get("name"), cells.get("target"), cells.get("actual")
        name = text(name_pos)
        target = text(target_pos) if target_pos else ""
        if split:
            target = target_text(text(cells.get("sign")), target, text(cells.get("unit")))
        actual = text(actual_pos) if actual_pos else ""
        if "actual_unit" in cells and actual:
            unit = text(cells["actual_unit"])
            actual = actual if actual.endswith(unit) else actual + unit
        score_pos = cells.get("score")
        if score_pos is None and not target and not actual and says_nothing(name):
            continue
        if cols[-1] < first_data_col:
            continue
        score = fc.number(score_pos, f"得分（{name}）")
        weight_pos = cells.get("weight")
        label_weight = points_in(name) if name_points and weight_pos is None and name_pos else None
        if label_weight is not None:
            weight_pos = name_pos
        rows.append({
            "goal": goal,
            "section": None,
            "level1": level1,
            "level2": level2,
            "name": name,
            "target": target,
            "actual": actual,
            "weight": label_weight if label_weight is not None else fc.weight(weight_pos, f"分值（{name}）") if weight_pos else None,
            "score": score,
            "score_text": grid.text(*score_pos) if score_pos else "",
            "row": row,
            "name_cell": address(name_pos) if name_pos else None,
            "target_cell": address(target_pos) if target_pos else empty_cell(columns, "target", row),
            "actual_cell": address(actual_pos) if actual_pos else empty_cell(columns, "actual", row),
            "weight_cell": address(weight_pos) if weight_pos else None,
            "score_cell": address(score_pos) if score_pos else None,
            "deviation": text(cells["deviation"]) if "deviation" in cells else "",
            "coefficient": fc.rate(cells["coefficient"], f"得分系数（{name}）") if "coefficient" in cells else None,
            "coefficient_cell": address(cells["coefficient"]) if "coefficient" in cells else None,
        })
    return rows


def empty_cell(columns: dict[str, tuple[int, int]], name: str, row: int) -> str | None:
    """The address of a row's empty cell under a column the table has ('H14' for a 完成值 left blank), so
    that a finding about it names it; None where the table has no such column (a scorecard's 评分标准)."""
    return address((row, columns[name][0])) if name in columns else None


def labelled_text(fc: FormCells, rows: range, prefixes: tuple[str, ...]) -> tuple[str, int | None]:
    """The text right of a row's first cell that starts with one of `prefixes` (偏差…, 改进措施…), and its
    row. (A column header such as 偏差原因分析及改进措施 inside the indicator header row is not it.)"""
    grid = fc.grid
    for row, col in grid.starting(prefixes, rows):
        if col == grid.cols(row)[0]:
            return grid.text_right_of(row, col), row
    return "", None


def find_title(grid: Grid, start: int, anchor_row: int) -> tuple[int, int]:
    """The form's title cell ('…自评表') between its first row and its anchor; else its first cell."""
    titles = grid.ending("自评表", range(start, anchor_row))
    return titles[0] if titles else (start, min(grid.cols(start) or [1]))


def labelled_value(fc: FormCells, label: str, rows: range) -> str | None:
    """The text right of the cell that says exactly `label` ('项目名称' -> '科学技术研究与开发资金'), or None."""
    for row, col in fc.grid.exactly(label, rows):
        nxt = fc.grid.right_of(row, col)
        return fc.text(nxt) if nxt else None
    return None
