"""Legacy .xls workbooks (and WPS .et files with an .xls inside): the number formats that python-calamine
does not report, and an .xlsx made from the cells so that the writer can produce a corrected copy.

package.read_sheets reads an .xls's values and merged ranges through calamine, but every number format
as 'General': a target typed as 80% (stored 0.8, format '0%') would read as 0.8, and 0.8 against '89%'
cannot be compared. xlrd (formatting_info=True) supplies each cell's number format, the column widths
and the row heights.

    >>> sheets = read_xls_sheets("seed_mistakes.xls")            # doctest: +SKIP
    >>> sheets[1].cells[(6, 5)].number_format                      # doctest: +SKIP
    '0.00%'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from .model import Sheet
from .package import read_sheets

if TYPE_CHECKING:
    from .workbook import Workbook

POINTS_PER_TWIP = Decimal(20)


@dataclass
class SheetLook:
    """How one .xls sheet looks: number formats by (row, col), column widths in characters and row
    heights in points (1-based rows and columns, as in Sheet)."""

    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)


def read_looks(path: str | Path, book=None) -> dict[str, SheetLook]:
    """{sheet name: SheetLook} of an .xls; {} when xlrd cannot read it (the values still come from calamine).
    `book`: the file already opened by package.open_xlrd (its sheets are released here)."""
    if book is None:
        import xlrd

        try:
            book = xlrd.open_workbook(file_contents=Path(path).read_bytes(), formatting_info=True, on_demand=True,
                                      ragged_rows=True)  # rows as long as their cells: a stray far cell is not a grid
        except Exception:  # xlrd refuses some files calamine reads: then formats stay unknown, never a crash
            return {}
    looks = {}
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            look = SheetLook()
            for row in range(sheet.nrows):
                for col in range(sheet.row_len(row)):
                    xf = book.xf_list[sheet.cell_xf_index(row, col)]
                    fmt = book.format_map.get(xf.format_key)
                    if fmt is not None and fmt.format_str not in ("General", ""):
                        look.formats[(row + 1, col + 1)] = fmt.format_str
            look.widths = {col + 1: info.width / 256 for col, info in sheet.colinfo_map.items() if col < 16384}
            look.heights = {row + 1: info.height / 20 for row, info in sheet.rowinfo_map.items() if info.height}
            looks[sheet.name] = look
            book.unload_sheet(index)
    except Exception:
        return looks
    finally:
        book.release_resources()
    return looks


def with_formats(sheets: list[Sheet], looks: dict[str, SheetLook]) -> list[Sheet]:
    """The sheets with each number cell's format filled in from `looks` (cells are immutable: replaced)."""
    for sheet in sheets:
        formats = looks.get(sheet.name, SheetLook()).formats
        for pos, cell in sheet.cells.items():
            code = formats.get(pos)
            if code and isinstance(cell.value, Decimal) and cell.number_format == "General":
                sheet.cells[pos] = dataclasses.replace(cell, number_format=code)
    return sheets


def read_xls_sheets(path: str | Path) -> list[Sheet]:
    """An .xls's sheets as package.read_sheets gives them, with the number formats filled in."""
    return with_formats(read_sheets(path), read_looks(path))


def xls_to_xlsx(src: str | Path | Workbook, dst: str | Path) -> None:
    """Write the cells of the .xls `src` (a path, or a workbook.Workbook that has read it) to a new
    .xlsx `dst`: values (numbers as numbers, text as text, never formulas), number formats, merged
    ranges, column widths and row heights. Fonts, borders and fills of the .xls are not carried over."""
    import xlsxwriter  # only an .xls being fixed needs it

    if isinstance(src, (str, Path)):
        looks = read_looks(src)
        sheets = with_formats(read_sheets(src), looks)
    else:
        looks, sheets = src.looks, src.sheets
    options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    workbook = xlsxwriter.Workbook(str(dst), options)
    styles: dict[str, object] = {}

    def style(code: str):
        if code not in styles:
            styles[code] = workbook.add_format({"num_format": code, "text_wrap": True, "valign": "vcenter"})
        return styles[code]

    try:
        first_visible = next((s.name for s in sheets if not s.hidden), None)
        for sheet in sheets:
            ws = workbook.add_worksheet(sheet.name)
            look = looks.get(sheet.name, SheetLook())
            for col, width in look.widths.items():
                ws.set_column(col - 1, col - 1, width)
            for row, height in look.heights.items():
                ws.set_row(row - 1, height)
            for r1, c1, r2, c2 in sheet.merged:
                if (r1, c1) != (r2, c2):
                    ws.merge_range(r1 - 1, c1 - 1, r2 - 1, c2 - 1, "", style("General"))
            for (row, col), cell in sheet.cells.items():
                fmt = style(cell.number_format)
                if isinstance(cell.value, bool):
                    ws.write_boolean(row - 1, col - 1, cell.value, fmt)
                elif isinstance(cell.value, Decimal):
                    ws.write_number(row - 1, col - 1, float(cell.value), fmt)
                elif cell.value is not None:
                    ws.write_string(row - 1, col - 1, str(cell.value), fmt)
            if sheet.name == first_visible:
                ws.activate()
            elif sheet.hidden:
                ws.hide()
        if not sheets:
            workbook.add_worksheet("Sheet1")
    finally:
        workbook.close()
