"""Looking things up in a sheet by their labels, however the labels are spelled.

Labels in hand-made forms vary: full- or half-width brackets, spaces and line breaks inside words
('一级指\\n标', '执行率 (B/A)', '执行率（B/A）'). `norm` folds all of that away so that one spelling
matches them all.

A Grid normalises each label of a sheet once and keeps an index of them (normalised text → cells).
A search by label ('every cell starting 偏差', 'every funding label') tests each distinct text once
per sheet and remembers the cells it found; a form then takes the hits inside its own rows. So
finding the forms of a sheet costs about one pass over its labels, and reading a form touches only
the rows and columns of its blocks.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterable, Sequence
from decimal import Decimal

from ..model import CellRef, Sheet, SourceCell

_SPACE = re.compile(r"\s+")
_NORMS: dict[str, str] = {}  # the same labels recur in every form and workbook: fold each spelling once
_NORMS_KEPT = 5_000
_NUMBERS: dict[str, str] = {}  # a number's text by its digits and exponent (str(Decimal)): amounts and points recur
_SEEN: list[str] = []  # every label text the sheets read have held, in the order first seen
_SEEN_SET: set[str] = set()
_SEEN_KEPT = 20_000
_TESTED: dict[Hashable, list] = {}  # a search -> [how many texts of _SEEN it has tested, the texts that passed]
_ROUND = 0  # how many times _SEEN was forgotten (a Grid numbered in an earlier round numbers its texts again)


def norm(text: object) -> str:
    """Fold a label to one spelling: NFKC (full-width → half-width), no white space at all.

    >>> norm('执行率（B/A）'), norm('一级指\\n标'), norm('预算数 (A)')
    ('执行率(B/A)', '一级指标', '预算数(A)')
    """
    if text is None:
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text)))


def _label(cell: SourceCell) -> str:
    """norm(cell.text), remembered per text: a number's text ('95.21', '-3', 'TRUE') is already folded."""
    value = cell.value
    if type(value) is Decimal:  # the same digits and exponent, the same text: '95.21', '100', '1E+1' -> '10'
        digits = str(value)
        label = _NUMBERS.get(digits)
        if label is None:
            if len(_NUMBERS) >= _NORMS_KEPT:
                _NUMBERS.clear()
            label = _NUMBERS[digits] = cell.text
        return label
    if type(value) is not str:
        return cell.text if type(value) is bool else norm(cell.text)
    label = _NORMS.get(value)
    if label is None:
        if len(_NORMS) >= _NORMS_KEPT:
            _NORMS.clear()
        label = _NORMS[value] = norm(value)
    return label


Rows = range | None


class Grid:
    """A sheet's cells with their normalised text, the index of those texts, and the searches the
    form readers need."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.cells = sheet.cells  # (row, col) -> SourceCell
        self.name = sheet.name
        norms = _NORMS  # norms.get(text): _label's common case (a spelling folded before) without a call
        labels = {pos: norms.get(cell.value) or _label(cell) for pos, cell in sheet.cells.items()}
        index: dict[str, list[tuple[int, int]]] = {}
        for pos, label in labels.items():
            places = index.get(label)
            if places is None:
                index[label] = [pos]
            else:
                places.append(pos)
        rows: dict[int, list[int]] = {}  # row -> its columns left to right, rows top to bottom
        last = None
        for row, col in sorted(labels):  # in reading order: each row's columns come together
            if row != last:
                cols = rows[row] = []
                last = row
            cols.append(col)
        self.labels = labels
        self.index = index  # normalised text -> its cells
        self.rows = rows
        self.max_row = max(self.rows, default=0)
        self._merged_at = {(r1, c1): (r1, c1, r2, c2) for r1, c1, r2, c2 in sheet.merged}
        self._hits: dict[Hashable, list[tuple[int, int]]] = {}
        self._row_sets: dict[Hashable, set[int]] = {}
        self._memo: dict[Hashable, tuple[object, object]] = {}
        self._number_texts()

    def _number_texts(self) -> None:
        """Add the sheet's texts not seen before to _SEEN; then every text of the sheet is among the first
        self._seen of it (a search that has tested those needs to test none of this sheet's)."""
        global _ROUND
        fresh = () if _SEEN_SET.issuperset(self.index) else self.index.keys() - _SEEN_SET  # all seen: no new set
        if fresh and len(_SEEN) + len(fresh) > _SEEN_KEPT:  # a long run of different files: start again
            _SEEN.clear()
            _SEEN_SET.clear()
            _TESTED.clear()
            _ROUND += 1
            fresh = set(self.index)
        _SEEN.extend(fresh)
        _SEEN_SET.update(fresh)
        self._round, self._seen = _ROUND, len(_SEEN)

    def remembered(self, key: Hashable, owner: object, compute: Callable[[], object]):
        """compute() once per sheet for `key` and the object `owner` it reads (a spec's columns, compared
        by identity): a header row's columns are asked for by several readers of a form."""
        known = self._memo.get((key, id(owner)))
        if known is None or known[0] is not owner:
            known = self._memo[(key, id(owner))] = (owner, compute())
        return known[1]

    def cell(self, row: int, col: int) -> SourceCell | None:
        return self.cells.get((row, col))

    def label(self, row: int, col: int) -> str:
        return self.labels.get((row, col), "")

    def text(self, row: int, col: int) -> str:
        """cell.text.strip() of a cell that is there; a number's is its label (its text, made once)."""
        cell = self.cells[(row, col)]
        return self.labels[(row, col)] if type(cell.value) is Decimal else cell.text.strip()

    def ref(self, row: int, col: int) -> CellRef:
        return CellRef(self.name, row, col)

    def cols(self, row: int) -> Sequence[int]:
        """The columns of the non-empty cells of a row, left to right (() for an empty row)."""
        return self.rows.get(row, ())

    def span(self, row: int, col: int) -> tuple[int, int]:
        """The columns a cell covers: its merged range, or just itself."""
        merged = self._merged_at.get((row, col))
        return (merged[1], merged[3]) if merged else (col, col)

    def last_row(self, row: int, col: int) -> int:
        """The last row a cell covers: the bottom of its merged range, or its own row."""
        merged = self._merged_at.get((row, col))
        return merged[2] if merged else row

    def where(self, key: Hashable, test: Callable[[str], object], rows: Rows = None) -> list[tuple[int, int]]:
        """Every (row, col) whose normalised text passes `test`, in reading order: among `rows` (a range),
        or in the whole sheet. Each distinct text is tested once, and remembered across sheets, where the
        same labels recur: a search tests the texts of _SEEN it has not tested yet (none, once the sheets'
        labels have all been seen), never each sheet's texts again. `key` names the test: the same key
        must always mean the same test."""
        hits = self._hits.get(key)
        if hits is None:
            if self._round != _ROUND:
                self._number_texts()
            known = _TESTED.get(key)
            if known is None:
                known = _TESTED[key] = [0, set()]
            if known[0] < self._seen:
                known[1].update(text for text in _SEEN[known[0]:] if test(text))
                known[0] = len(_SEEN)
            # the sheet's texts that passed (keys() & set walks the smaller of the two: a test passes few texts),
            # their cells in reading order (a plain loop: a comprehension's own frame costs more here)
            hits = []
            for text in self.index.keys() & known[1]:
                hits += self.index[text]
            hits.sort()
            self._hits[key] = hits
        if rows is None or not hits:
            return hits
        return hits[bisect_left(hits, (rows.start, 0)):bisect_left(hits, (rows.stop, 0))]

    def starting(self, prefixes: str | tuple[str, ...], rows: Rows = None) -> list[tuple[int, int]]:
        """The cells whose label starts with one of `prefixes` ('偏差' → '偏差大或目标未完成原因分析'). (Testing
        the texts not tested before costs less than sorting each sheet's texts to bisect them: most recur.)"""
        return self.where(("starts", prefixes), lambda text: text.startswith(prefixes), rows)

    def ending(self, suffix: str, rows: Rows = None) -> list[tuple[int, int]]:
        return self.where(("ends", suffix), lambda text: text.endswith(suffix), rows)

    def containing(self, word: str, rows: Rows = None) -> list[tuple[int, int]]:
        return self.where(("in", word), lambda text: word in text, rows)

    def matching(self, pattern: re.Pattern, rows: Rows = None) -> list[tuple[int, int]]:
        """The cells whose label a regex matches (re.match: from its start). The search is named by the
        pattern's text: hashing a compiled pattern hashes its whole compiled code (~0.8 µs for the funding labels')."""
        return self.where(("re", pattern.pattern, pattern.flags), pattern.match, rows)

    def exactly(self, text: str, rows: Rows = None) -> list[tuple[int, int]]:
        key = ("is", text)
        if key not in self._hits:
            self._hits[key] = sorted(self.index.get(text, ()))
        return self.where(key, text.__eq__, rows)

    def rows_starting(self, prefixes: str | tuple[str, ...]) -> set[int]:
        """The rows holding a label that starts with one of `prefixes`."""
        found = self._row_sets.get(prefixes)
        if found is None:
            found = self._row_sets[prefixes] = {row for row, _ in self.starting(prefixes)}
        return found

    def rows_starting_all(self, prefixes: tuple[str, ...]) -> set[int]:
        """The rows holding, for each of `prefixes` (one or more), a label that starts with it (an
        indicator header: '一级指', '二级指')."""
        key = ("all", prefixes)
        found = self._row_sets.get(key)
        if found is None:
            found = self._row_sets[key] = (set.intersection(*(self.rows_starting(p) for p in prefixes)) if prefixes
                                           else set(self.rows))
        return found

    def find(self, test: Callable[[str], bool], rows: Iterable[int]) -> list[tuple[int, int]]:
        """Every (row, col) among `rows` whose normalised text passes `test`, in reading order (a scan;
        for a search repeated over a sheet's forms, `where` and its kin use the index)."""
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
