"""Looking things up in a sheet by their labels, however the labels are spelled.

Labels in hand-made forms vary: full- or half-width brackets, spaces and line breaks inside words
('一级指\\n标', '执行率 (B/A)', '执行率（B/A）'). `norm` folds all of that away so that one spelling
matches them all.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from ..model import CellRef, Sheet, SourceCell

_SPACE = re.compile(r"\s+")


def norm(text: object) -> str:
    """Fold a label to one spelling: NFKC (full-width → half-width), no white space at all.

    >>> norm('执行率（B/A）'), norm('一级指\\n标'), norm('预算数 (A)')
    ('执行率(B/A)', '一级指标', '预算数(A)')
    """
    if text is None:
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text)))


class Grid:
    """A sheet's cells with their normalised text, and the searches the form readers need."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.name = sheet.name
        self.labels: dict[tuple[int, int], str] = {
            pos: norm(cell.text) for pos, cell in sheet.cells.items()
        }
        self.rows: dict[int, list[int]] = {}
        for row, col in sorted(sheet.cells):
            self.rows.setdefault(row, []).append(col)
        self.max_row = max(self.rows, default=0)
        self._merged_at = {(r1, c1): (r1, c1, r2, c2) for r1, c1, r2, c2 in sheet.merged}

    def cell(self, row: int, col: int) -> SourceCell | None:
        return self.sheet.cells.get((row, col))

    def label(self, row: int, col: int) -> str:
        return self.labels.get((row, col), "")

    def ref(self, row: int, col: int) -> CellRef:
        return CellRef(self.name, row, col)

    def cols(self, row: int) -> list[int]:
        """The columns of the non-empty cells of a row, left to right."""
        return self.rows.get(row, [])

    def span(self, row: int, col: int) -> tuple[int, int]:
        """The columns a cell covers: its merged range, or just itself."""
        merged = self._merged_at.get((row, col))
        return (merged[1], merged[3]) if merged else (col, col)

    def last_row(self, row: int, col: int) -> int:
        """The last row a cell covers: the bottom of its merged range, or its own row."""
        merged = self._merged_at.get((row, col))
        return merged[2] if merged else row

    def find(self, test: Callable[[str], bool], rows: Iterable[int]) -> list[tuple[int, int]]:
        """Every (row, col) among `rows` whose normalised text passes `test`, in reading order."""
        hits = []
        for row in rows:
            for col in self.rows.get(row, ()):
                if test(self.labels[(row, col)]):
                    hits.append((row, col))
        return hits

    def right_of(self, row: int, col: int) -> tuple[int, int] | None:
        """The next non-empty cell to the right in the same row."""
        for c in self.rows.get(row, ()):
            if c > col:
                return row, c
        return None

    def text_right_of(self, row: int, col: int) -> str:
        """The text of all non-empty cells right of (row, col), joined."""
        return "".join(
            self.cell(row, c).text.strip() for c in self.rows.get(row, ()) if c > col
        )

    def value_under(self, row: int, header: tuple[int, int]) -> tuple[int, int] | None:
        """The non-empty cell in `row` that sits under a header (within the header's merged columns)."""
        first, last = header
        for c in self.rows.get(row, ()):
            if first <= c <= last:
                return row, c
        return None
