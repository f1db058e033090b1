"""A workbook file opened once: what check and fix need of it, handed from the reader to the writer.

    >>> with open_workbook("sample_workbooks/seed_mistakes.xlsx") as book:   # doctest: +SKIP
    ...     book.format, len(book.sheets), book.macro, book.output_suffix
    ('xlsx', 19, False, '.xlsx')

The format is decided once by the bytes, the zip opened once (with its zip-bomb checks) and every
worksheet read once; `fix` writes its corrected copy from the same open package (writer.py) and
names the report sheet from the sheets already read. An .xls keeps its cells and looks (legacy.py)
for the .xlsx rebuilt from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .model import Sheet
from .package import (MAX_UNCOMPRESSED, Package, WorkbookError, detect_format, is_macro_enabled, open_xlrd, read_package,
                      read_xls, refuse_large_xls)


@dataclass
class Workbook:
    """One opened workbook. format: 'xlsx' (a zip package: .xlsx, .xlsm, an .et saved as OOXML) or
    'xls' (OLE2/BIFF), by its bytes. sheets: every worksheet, read. kinds: (name, kind) of every sheet
    in workbook order, chartsheets too ('worksheet', 'chartsheet' ...). macro: a macro-enabled package.
    package: the open zip of an .xlsx (closed with the Workbook). looks: an .xls's legacy.SheetLook by
    sheet name (number formats, column widths, row heights)."""

    path: Path
    format: str
    sheets: list[Sheet]
    kinds: list[tuple[str, str]] = field(default_factory=list)
    macro: bool = False
    package: Package | None = None
    looks: dict = field(default_factory=dict)

    @property
    def output_suffix(self) -> str:
        """The corrected copy's suffix: '.xlsm' for a macro-enabled package (its macros are kept),
        '.xlsx' otherwise (an .xls gets an .xlsx rebuilt from its cells)."""
        return ".xlsm" if self.macro else ".xlsx"

    def __fspath__(self) -> str:
        """A Workbook stands for its file: code that takes a path (read_forms, a test's stand-in for
        it) takes the opened workbook too."""
        return str(self.path)

    def close(self) -> None:
        if self.package is not None:
            self.package.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_workbook(path: str | Path, *, max_bytes: int = MAX_UNCOMPRESSED) -> Workbook:
    """The workbook at `path`, opened and read; a WorkbookError (with the same codes and messages as
    package.read_sheets) when it cannot be."""
    path = Path(path)
    if detect_format(path) == "xls":
        from .legacy import read_looks, with_formats

        refuse_large_xls(path, max_bytes)
        xlrd_book = open_xlrd(path)  # once for both: the sparse-sheet check and the looks
        sheets = read_xls(path, max_bytes=max_bytes, xlrd_book=xlrd_book)
        looks = read_looks(path, xlrd_book) if xlrd_book is not None else {}
        return Workbook(path, "xls", with_formats(sheets, looks), [(s.name, "worksheet") for s in sheets], looks=looks)
    pkg = Package(path, max_bytes)
    try:
        sheets, entries = read_package(pkg)
        try:
            macro = is_macro_enabled(pkg)
        except WorkbookError:  # an unreadable [Content_Types].xml: the name is all there is
            macro = path.suffix.lower() == ".xlsm"
    except BaseException:
        pkg.close()
        raise
    return Workbook(path, "xlsx", sheets, [(e["name"], e["kind"]) for e in entries], macro, pkg)
