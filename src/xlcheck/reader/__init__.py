"""Every form in every sheet of a workbook, read by the one spec-driven reader (read.py, layouts/).

Forms may start in any row or column and several may be stacked in one sheet. The layout family
read decides the rule profile (profiles.py).
"""

from __future__ import annotations

from pathlib import Path

from ..model import Form, Sheet
from ..workbook import Workbook, open_workbook
from .grid import Grid
from .read import explain_no_form, find_forms

REPORT_SHEET = "核查结果"
REPORT_HEADER = ("序号", "工作表", "单元格", "项目", "检查项", "填报值", "核算值", "级别", "说明", "已更正")


def is_own_report(sheet: Sheet) -> bool:
    """xlcheck's 核查结果 sheet from an earlier run (its title, or the header row of earlier versions),
    not a unit's own sheet of that name."""
    if not sheet.name.startswith(REPORT_SHEET):
        return False
    from ..report_sheet import TITLE  # only here: the report sheet's module brings the writer with it

    header = tuple(sheet.cells[(1, c)].text if (1, c) in sheet.cells else "" for c in range(1, 4))
    return header == REPORT_HEADER[:3] or header[0] == TITLE


class Forms(list):
    """A workbook's forms (a list of Form); when there are none, the sheets' label indexes stay with it
    (`grids`), so that why_no_form answers from them instead of reading the workbook again."""

    grids: list[Grid] = []


def read_forms(source: str | Path | Workbook) -> Forms:
    """All forms of a workbook (a path, or a Workbook already opened), in sheet order. xlcheck's own
    report sheet from an earlier run is skipped. An .xls (by its bytes, whatever its name) is read with
    its number formats (legacy.py)."""
    forms, searched = Forms(), []
    for sheet in _sheets(source):
        if is_own_report(sheet):
            continue
        grid = Grid(sheet)
        forms.extend(find_forms(grid))
        if not forms:
            searched.append(grid)
    forms.grids = [] if forms else searched
    return forms


def why_no_form(found: Forms | str | Path | Workbook) -> str:
    """What the workbook shows of a form and what is missing, for the 'no form' message: from the indexes
    read_forms left with its empty result, or (given a path or a Workbook) from its sheets."""
    if isinstance(found, Forms):
        return explain_no_form(found.grids)
    return explain_no_form([sheet for sheet in _sheets(found) if not is_own_report(sheet)])


def _sheets(source: str | Path | Workbook) -> list[Sheet]:
    if isinstance(source, Workbook):
        return source.sheets
    with open_workbook(source) as book:
        return book.sheets
