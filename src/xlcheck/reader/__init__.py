"""Find every form in every sheet of a workbook by its labels, and read it into a Form.

A form is anchored on its budget block's label: 预算执行情况 (Hubei project form, department form) or
项目资金（万元） (the national template). Its rows run from its title ('…自评表', searched upward from
the anchor) to the row before the next form's title, so forms may start in any row or column and
several may be stacked in one sheet. The layout read decides the rule profile (profiles.py).
"""

from __future__ import annotations

from pathlib import Path

from ..model import Form, Sheet
from ..legacy import read_xls_sheets
from ..package import detect_format, read_sheets
from .department import GOAL, read_department
from .grid import Grid
from .hubei import read_project
from .national import is_national_anchor, read_national

REPORT_SHEET = "核查结果"
REPORT_HEADER = ("序号", "工作表", "单元格", "项目", "检查项", "填报值", "核算值", "级别", "说明", "已更正")
TITLE_SEARCH_ROWS = 12


def is_own_report(sheet: Sheet) -> bool:
    """xlcheck's 核查结果 sheet from an earlier run (its header row), not a unit's own sheet of that name."""
    header = tuple(sheet.cells[(1, c)].text if (1, c) in sheet.cells else "" for c in range(1, 4))
    return sheet.name.startswith(REPORT_SHEET) and header == REPORT_HEADER[:3]


def is_budget_anchor(label: str) -> bool:
    return label.startswith("预算执行情况") or is_national_anchor(label)


def find_forms(sheet: Sheet) -> list[Form]:
    """Every form in one sheet, top to bottom."""
    grid = Grid(sheet)
    anchors = grid.find(is_budget_anchor, sorted(grid.rows))
    starts = []
    previous_anchor_row = 0
    for row, _ in anchors:
        lowest = max(previous_anchor_row + 1, row - TITLE_SEARCH_ROWS)
        titles = grid.find(lambda l: l.endswith("自评表"), range(lowest, row))
        starts.append(titles[-1][0] if titles else lowest)
        previous_anchor_row = row
    forms = []
    for i, anchor in enumerate(anchors):
        end = starts[i + 1] - 1 if i + 1 < len(anchors) else grid.max_row
        body = range(anchor[0], end + 1)
        if is_national_anchor(grid.label(*anchor)):
            forms.append(read_national(grid, starts[i], anchor, end))
        elif grid.find(GOAL.match, body):
            forms.append(read_department(grid, starts[i], anchor, end))
        else:
            forms.append(read_project(grid, starts[i], anchor, end))
    return forms


def read_forms(path: str | Path) -> list[Form]:
    """All forms of a workbook, in sheet order. xlcheck's own report sheet from an earlier run is skipped.
    An .xls (by its bytes, whatever its name) is read with its number formats (legacy.py)."""
    forms = []
    sheets = read_xls_sheets(path) if detect_format(path) == "xls" else read_sheets(path)
    for sheet in sheets:
        if is_own_report(sheet):
            continue
        forms.extend(find_forms(sheet))
    return forms
