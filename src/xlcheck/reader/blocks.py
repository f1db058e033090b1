"""The blocks that project and department forms share: header total, budget block, indicator table.

Every block is found by its labels inside the rows of one form; every value keeps the address of
the cell it came from, so that findings and fixes point at the right cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal


from ..language import says_nothing
from ..model import CellRef, Form, SourceCell
from ..values import find_total, has_percent, to_decimal
from .grid import Grid

_POINTS = re.compile(r"\((\d+(?:\.\d+)?)分\)")


def points_in(label: str) -> Decimal | None:
    """The weight written in a normalised block label: '预算执行情况(万元)(20分)' -> 20."""
    match = _POINTS.search(label)
    return Decimal(match.group(1)) if match else None


def is_blank(text: str) -> bool:
    """A cell that says nothing: empty, '无', dashes, dots (language.says_nothing)."""
    return says_nothing(text)


@dataclass
class FormCells:
    """Collects the cells a form reads, and the values that could not be read."""

    grid: Grid
    cells: dict[CellRef, SourceCell] = field(default_factory=dict)
    unreadable: list[tuple[CellRef, str, str]] = field(default_factory=list)

    def use(self, row: int, col: int) -> CellRef:
        ref = self.grid.ref(row, col)
        cell = self.grid.cell(row, col)
        if cell is not None:
            self.cells[ref] = cell
        return ref

    def number(self, pos: tuple[int, int] | None, what: str) -> Decimal | None:
        """The number in a cell, or None; a cell that should hold a number but can't be read is noted.

        '19.04 ' -> 19.04; a formula with cached 19.04 -> 19.04; '#REF!' -> None and noted;
        a formula never calculated -> None and noted (never read as 0).
        """
        if pos is None:
            return None
        ref = self.use(*pos)
        cell = self.grid.cell(*pos)
        if cell.error:
            self.unreadable.append((ref, what, f"单元格显示错误值 {cell.error}"))
            return None
        if cell.value is None and cell.formula is not None:
            self.unreadable.append((ref, what, f"公式 ={cell.formula} 没有保存计算结果（请在 Excel/WPS 中打开、保存后再检查）"))
            return None
        if isinstance(cell.value, Decimal):
            return cell.value
        number = to_decimal(cell.value)
        if number is None and not is_blank(cell.text.strip()):
            self.unreadable.append((ref, what, f"“{cell.text.strip()}”不是数字"))
        return number

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
        return Form(sheet=self.grid.name, title_cell=self.grid.ref(*title), cells=self.cells,
                    records={"budget": budget, "goals": goals, "indicators": indicators},
                    unreadable=self.unreadable, **fields)

    def text(self, pos: tuple[int, int] | None) -> str:
        if pos is None:
            return ""
        self.use(*pos)
        return self.grid.cell(*pos).display.strip()


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


def header_columns(grid: Grid, row: int, wanted: dict[str, tuple[str, ...]]) -> dict[str, tuple[int, int]]:
    """Map field names to the column span of their header cell in `row`.

    wanted = {'budget': ('预算数', '全年预算数'), ...}: a header cell matches a field when its label
    starts with one of the prefixes; the first match wins.
    """
    found: dict[str, tuple[int, int]] = {}
    for col in grid.cols(row):
        label = grid.label(row, col)
        for name, prefixes in wanted.items():
            if name not in found and label.startswith(prefixes):
                found[name] = grid.span(row, col)
                break
    return found


BUDGET_HEADERS = {
    "budget": ("预算数",),
    "spent": ("执行数",),
    "rate": ("执行率",),
    "score": ("得分",),
}
BUDGET_FIELDS = (("initial", "年初预算数"), ("budget", "预算数"), ("spent", "执行数"), ("weight", "分值"), ("score", "得分"))


def find_budget_header(grid: Grid, anchor: tuple[int, int], end: int, wanted: dict[str, tuple[str, ...]]) -> tuple[int | None, dict]:
    """The header row of a budget block (within 3 rows of its label) and its columns; (None, {}) if absent."""
    for row in range(anchor[0], min(anchor[0] + 3, end + 1)):
        columns = header_columns(grid, row, wanted)
        if {"budget", "spent"} <= columns.keys():
            return row, columns
    return None, {}


def budget_record(fc: FormCells, row: int, columns: dict[str, tuple[int, int]], item: str, part: bool = False) -> dict:
    """One budget line: every amount under its header (None where the form leaves it blank or '—')."""
    grid = fc.grid
    record = {"item": item, "part": part}
    for name, what in BUDGET_FIELDS:
        pos = grid.value_under(row, columns[name]) if name in columns else None
        record[name] = fc.number(pos, what)
        record[f"{name}_cell"] = grid.ref(*pos).address if pos else None
    pos = grid.value_under(row, columns["rate"]) if "rate" in columns else None
    record["rate"] = fc.rate(pos, "执行率")
    record["rate_cell"] = grid.ref(*pos).address if pos else None
    return record


def read_budget(fc: FormCells, anchor: tuple[int, int], end: int) -> tuple[list[dict], Decimal | None]:
    """The 预算执行情况 block: header row (预算数, 执行数, 执行率, 得分) and the rows under it that hold a
    budget. Returns the rows and the block's weight from its label ('(20分)')."""
    grid = fc.grid
    weight = points_in(grid.label(*anchor))
    header_row, columns = find_budget_header(grid, anchor, end, BUDGET_HEADERS)
    records = []
    if header_row is not None:
        for row in range(header_row + 1, min(header_row + 6, end + 1)):
            budget_pos = grid.value_under(row, columns["budget"])
            if budget_pos is None or fc.number(budget_pos, "预算数") is None:
                if records:
                    break
                continue
            item_cols = [c for c in grid.cols(row) if c < columns["budget"][0]]
            item = grid.cell(row, item_cols[-1]).text.strip() if item_cols else ""
            records.append(budget_record(fc, row, columns, item))
    return records, weight


INDICATOR_HEADERS = {
    "level1": ("一级指",),
    "level2": ("二级指",),
    "name": ("指标名称", "三级指标", "指标内容"),
    "target": ("年初目标值", "年初指标值", "年度指标值", "目标值", "指标值", "预期目标值"),
    "actual": ("实际完成值", "全年实际完成值", "实际完成", "完成值", "实际值"),
    "weight": ("分值", "权重"),
    "score": ("得分",),
    "deviation": ("偏差原因", "未完成原因"),
}


def is_indicator_header(grid: Grid, row: int) -> bool:
    labels = [grid.label(row, c) for c in grid.cols(row)]
    return any(l.startswith("一级指") for l in labels) and any(l.startswith("二级指") for l in labels)


def read_indicators(fc: FormCells, header_row: int, end: int, goal: int | None = None) -> list[dict]:
    """The indicator rows under a header row (一级指标, 二级指标, 指标名称, 目标值, 实际完成值, 得分),
    up to `end`. 一级/二级 are carried down over merged cells; groups that say 无 are skipped."""
    grid = fc.grid
    columns = header_columns(grid, header_row, INDICATOR_HEADERS)
    if not {"name", "score"} <= columns.keys():
        return []
    first_data_col = min(span[0] for span in columns.values())
    level1 = level2 = ""
    rows = []
    for row in range(header_row + 1, end + 1):
        if not grid.cols(row):
            continue
        if is_indicator_header(grid, row):
            continue  # a header repeated after a page break
        cells = {name: grid.value_under(row, span) for name, span in columns.items()}
        if cells.get("level1"):
            level1, level2 = fc.text(cells["level1"]), ""
        if cells.get("level2"):
            level2 = fc.text(cells["level2"])
        name = fc.text(cells.get("name"))
        target = fc.text(cells.get("target"))
        actual = fc.text(cells.get("actual"))
        score_pos = cells.get("score")
        if is_blank(name) and not target and not actual and score_pos is None:
            continue
        if not any(c >= first_data_col for c in grid.cols(row)):
            continue
        score = fc.number(score_pos, f"得分（{name}）")
        weight_pos = cells.get("weight")
        rows.append({
            "goal": goal,
            "level1": level1,
            "level2": level2,
            "name": name,
            "target": target,
            "actual": actual,
            "weight": fc.number(weight_pos, f"分值（{name}）") if weight_pos else None,
            "score": score,
            "score_text": grid.cell(*score_pos).text.strip() if score_pos else "",
            "row": row,
            "name_cell": grid.ref(*cells["name"]).address if cells.get("name") else None,
            "target_cell": grid.ref(*cells["target"]).address if cells.get("target") else None,
            "actual_cell": grid.ref(*cells["actual"]).address if cells.get("actual") else None,
            "weight_cell": grid.ref(*weight_pos).address if weight_pos else None,
            "score_cell": grid.ref(*score_pos).address if score_pos else None,
            "deviation": fc.text(cells.get("deviation")),
        })
    return rows


def labelled_text(fc: FormCells, rows: range, prefixes: tuple[str, ...]) -> tuple[str, int | None]:
    """The text right of a label that starts with one of `prefixes` (偏差…, 改进措施…), and its row."""
    for row, col in fc.grid.find(lambda label: label.startswith(prefixes), rows):
        return fc.grid.text_right_of(row, col), row
    return "", None


def find_title(grid: Grid, start: int, anchor_row: int) -> tuple[int, int]:
    """The form's title cell ('…自评表') between its first row and its anchor; else its first cell."""
    titles = grid.find(lambda label: label.endswith("自评表"), range(start, anchor_row))
    return titles[0] if titles else (start, min(grid.cols(start) or [1]))


def labelled_value(fc: FormCells, label: str, rows: range) -> str | None:
    """The text right of the cell that says exactly `label` ('项目名称' -> '科学技术研究与开发资金'), or None."""
    for row, col in fc.grid.find(lambda text: text == label, rows):
        nxt = fc.grid.right_of(row, col)
        return fc.text(nxt) if nxt else None
    return None
