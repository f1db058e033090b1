"""Render a form transcribed cell by cell (a "grid") as a workbook, the way the page shows it.

A grid form is a dict with ``sheet`` (the sheet name), ``rows`` (a list of rows, each a list of cell
texts, every row as long as the widest) and optionally ``widths`` (column widths in characters). A cell
text is what the page shows; two markers stand for merged cells:

    "<"  this cell is merged with the cell on its left       (a label spanning columns)
    "^"  this cell is merged with the cell above it          (a label spanning rows)

so ``[["项目名称", "委托业务项目", "<", "<"]]`` is a label in A1 and the name in B1:D1. Merged areas are
rectangles: the anchor's run of "<" to the right, and the rows below whose cells under it are all "^".

Values are written as the page shows them: a plain number ('43.2', '89.974', '0') as a number with as
many decimals as written, a percentage ('86%', '100.00%') as a fraction formatted as a percentage,
everything else (targets such as '≥50个', '—', '/', labels) as text. A cell listed in ``text_cells``
(A1 addresses) keeps its text even when it looks like a number.

    >>> from support.grid import render_grid, address
    >>> address(0, 0), address(5, 9)
    ('A1', 'J6')
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

__all__ = ["render_grid", "address", "cell_of", "merges"]

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_PERCENT = re.compile(r"^-?\d+(\.\d+)?%$")
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def address(row: int, col: int) -> str:
    """The A1 address of a 0-based (row, col)."""
    return f"{get_column_letter(col + 1)}{row + 1}"


def merges(rows: list[list[str]]) -> list[tuple[int, int, int, int]]:
    """The merged areas of a grid as (first row, first col, last row, last col), 0-based."""
    areas = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text in ("<", "^"):
                continue
            c2 = c
            while c2 + 1 < len(row) and row[c2 + 1] == "<":
                c2 += 1
            r2 = r
            while r2 + 1 < len(rows) and all(rows[r2 + 1][k] == "^" for k in range(c, c2 + 1)):
                r2 += 1
            if (r2, c2) != (r, c):
                areas.append((r, c, r2, c2))
    return areas


def cell_of(form: dict, text: str, nth: int = 0) -> str:
    """The address of the nth cell whose text is exactly `text` (for tests that name a cell by its label)."""
    found = [address(r, c) for r, row in enumerate(form["rows"]) for c, t in enumerate(row) if t == text]
    return found[nth]


def _lines(text: str, width: float) -> int:
    """How many 10-point lines `text` takes in a column `width` characters wide (CJK counts double)."""
    lines = 0
    for part in text.split("\n"):
        chars = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in part)
        lines += max(1, math.ceil(chars / max(width * 1.1, 1)))
    return lines


def _fit(ws, rows, shift: int, col_offset: int, widths: list[float]) -> None:
    """Row heights that show every wrapped text, as a hand-made form has them."""
    width_of = lambda c: widths[c] if c < len(widths) else 8.43
    areas = merges(rows)
    spans = {(r, c): sum(width_of(k) for k in range(c, c2 + 1)) for r, c, r2, c2 in areas}
    tall = {(r, c) for r, c, r2, c2 in areas if r2 > r}  # a label spanning rows wraps into their joint height
    for r, row in enumerate(rows):
        need = max((_lines(t, spans.get((r, c), width_of(c))) for c, t in enumerate(row)
                    if t not in ("<", "^", "") and (r, c) not in tall), default=1)
        ws.row_dimensions[shift + r + 1].height = max(15, 13.5 * need + 2)


def _write(ws, r: int, c: int, text: str, keep_text: bool) -> None:
    cell = ws.cell(row=r + 1, column=c + 1)
    if not keep_text and _NUMBER.match(text):
        decimals = len(text.split(".")[1]) if "." in text else 0
        cell.value = float(Decimal(text)) if decimals else int(text)
        cell.number_format = "0." + "0" * decimals if decimals else "0"
    elif not keep_text and _PERCENT.match(text):
        number = text[:-1]
        decimals = len(number.split(".")[1]) if "." in number else 0
        cell.value = float(Decimal(number) / 100)
        cell.number_format = "0." + "0" * decimals + "%" if decimals else "0%"
    else:
        cell.value = text
        if text.startswith("="):  # a target such as '=100%' is text on the page, not a formula
            cell.data_type = "s"
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    cell.font = Font(name="宋体", size=10)
    cell.border = _BOX


def render_grid(forms: list[dict], path, *, row_offset: int = 0, col_offset: int = 0, stacked: bool = False,
                gap: int = 2) -> dict[str, tuple[str, int, int]]:
    """Write grid forms to `path` (.xlsx): one sheet each, or all in one sheet one under the other
    (`stacked`, `gap` empty rows between), each shifted by the offsets. Returns, per form id (or sheet
    name), (sheet, row shift, column shift): add them to a grid address to find the cell in the workbook."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    book.properties.creator = "xlcheck"
    book.properties.created = book.properties.modified = datetime.datetime(2022, 1, 14, 9, 0, 0)
    placed = {}
    ws, next_row = None, row_offset
    for form in forms:
        if ws is None or not stacked:
            ws = book.create_sheet(form.get("sheet", "自评表")[:31] if not stacked else "自评表")
            next_row = row_offset
        rows = form["rows"]
        width = max(len(row) for row in rows)
        keep = set(form.get("text_cells", []))
        for r, row in enumerate(rows):
            row = list(row) + [""] * (width - len(row))
            for c, text in enumerate(row):
                if text in ("<", "^"):
                    ws.cell(row=next_row + r + 1, column=col_offset + c + 1).border = _BOX
                    continue
                _write(ws, next_row + r, col_offset + c, text, address(r, c) in keep)
        for r1, c1, r2, c2 in merges([list(row) + [""] * (width - len(row)) for row in rows]):
            ws.merge_cells(start_row=next_row + r1 + 1, start_column=col_offset + c1 + 1,
                           end_row=next_row + r2 + 1, end_column=col_offset + c2 + 1)
        for c, w in enumerate(form.get("widths", [])):
            ws.column_dimensions[get_column_letter(col_offset + c + 1)].width = w
        _fit(ws, [list(row) + [""] * (width - len(row)) for row in rows], next_row, col_offset, form.get("widths", []))
        ws.page_setup.orientation = "landscape" if sum(form.get("widths", [])) > 100 else "portrait"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        placed[form.get("id", form.get("sheet"))] = (ws.title, next_row, col_offset)
        next_row += len(rows) + gap
    book.save(path)
    _fix_dates(Path(path))
    return placed


def _fix_dates(path: Path) -> None:
    """Rewrite the package with fixed entry dates and core properties, so re-rendering gives the same bytes."""
    with zipfile.ZipFile(path) as source:
        parts = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2022-01-14T09:00:00Z", data)
            target.writestr(zipfile.ZipInfo(name, date_time=(2022, 1, 14, 9, 0, 0)), data, zipfile.ZIP_DEFLATED)
