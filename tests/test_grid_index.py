"""The label index of a sheet (reader/grid.py) finds exactly what scanning every cell finds.

Forms are found by searching a sheet's labels; the Grid answers those searches from an index of its
normalised texts (each test once per distinct text, answers kept across sheets). Hypothesis builds
sheets of label-like cells — full-width and half-width spellings, spaces and line breaks inside words,
numbers, booleans, error cells — and each search by the index is compared with a plain scan of the
cells in reading order, over the whole sheet and over row ranges.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from xlcheck.model import Sheet, SourceCell
from xlcheck.reader.blocks import FormCells
from xlcheck.reader.grid import Grid

WORDS = ("预算执行情况", "预算数", "预算", "执行数", "一级指标", "一级指\n标", "二级指标", "项目名称", "自评表",
         "2021年度项目自评表", "偏差大或目标未完成原因分析", "自评等级：优", "上级转移资金100万元", "得分",
         "执行率（B/A）", "执行率 (B/A)", "年度目标1（0.2分）", "无", "", " ", "A", "TRUE")
PREFIXES = ("预算", "预算执行", "一级指", "执行率(", "年度目标", "自评", "A", "")
PATTERN = re.compile(r"年度目标\d|预算执行情况$")

values = st.one_of(
    st.sampled_from(WORDS),
    st.lists(st.sampled_from(WORDS), min_size=2, max_size=3).map("".join),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-1000, max_value=1000),
    st.booleans(),
    st.none(),
)
cells = st.dictionaries(st.tuples(st.integers(1, 12), st.integers(1, 6)), values, max_size=40)
settings_ = settings(max_examples=60, deadline=None)


def scan(grid: Grid, test, rows: range | None) -> list[tuple[int, int]]:
    return grid.find(test, rows if rows is not None else sorted(grid.rows))


def sheet_of(found: dict) -> Sheet:
    return Sheet("表", {pos: SourceCell(value, error="#REF!" if value is None else None) for pos, value in found.items()})


@settings_
@given(cells, st.sampled_from(PREFIXES), st.sampled_from(PREFIXES), st.integers(0, 13), st.integers(0, 13))
def test_index_finds_what_a_scan_finds(found, first, second, start, stop):
    grid = Grid(sheet_of(found))
    prefixes = (first, second)
    for rows in (None, range(start, stop)):
        assert grid.starting(prefixes, rows) == scan(grid, lambda label: label.startswith(prefixes), rows)
        assert grid.starting(first, rows) == scan(grid, lambda label: label.startswith(first), rows)
        assert grid.ending("自评表", rows) == scan(grid, lambda label: label.endswith("自评表"), rows)
        assert grid.containing("等级", rows) == scan(grid, lambda label: "等级" in label, rows)
        assert grid.matching(PATTERN, rows) == scan(grid, lambda label: PATTERN.match(label) is not None, rows)
        assert grid.exactly(first, rows) == scan(grid, lambda label: label == first, rows)
    assert grid.rows_starting(prefixes) == {row for row, _ in scan(grid, lambda label: label.startswith(prefixes), None)}


@settings_
@given(cells)
def test_labels_are_the_normalised_text_of_each_cell(found):
    sheet = sheet_of(found)
    grid = Grid(sheet)
    for (row, col), cell in sheet.cells.items():
        expected = re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell.text))
        assert grid.label(row, col) == expected
    assert grid.label(99, 99) == ""


def test_a_spelling_folds_to_one_label():
    """'执行率（B/A）' and '执行率 (B/A)' are one label, found by one prefix; numbers are their text."""
    grid = Grid(sheet_of({(1, 1): "执行率（B/A）", (2, 1): "执行率 (B/A)", (3, 1): Decimal("95.20"), (3, 2): "一级指\n标"}))
    assert grid.starting("执行率(B/A)") == [(1, 1), (2, 1)]
    assert grid.exactly("95.20") == [(3, 1)]
    assert grid.rows_starting("一级指标") == {3}


def test_equal_numbers_written_differently_keep_their_own_text():
    """1.5 and 1.50 are equal numbers with different texts: each cell's label is its own text (a number's
    text is remembered by its digits and exponent, never by its value)."""
    numbers = ("1.5", "1.50", "1E+1", "10", "10.0", "-0", "0", "0.10", "1E-7", "123456789.125")
    for order in (numbers, numbers[::-1]):
        sheet = sheet_of({(row, 1): Decimal(text) for row, text in enumerate(order, start=1)})
        grid = Grid(sheet)
        assert [grid.label(row, 1) for row in range(1, len(order) + 1)] == [cell.text for cell in sheet.cells.values()]
    assert Grid(sheet_of({(1, 1): Decimal("1.50"), (2, 1): Decimal("1.5")})).exactly("1.50") == [(1, 1)]


@settings_
@given(cells, st.sampled_from(("General", "0.00%", "0%", "0.00")))
def test_a_cells_text_read_from_its_label_is_its_text(found, number_format):
    """Grid.text and FormCells.text take a number's text from its label (made once): the same text as
    the cell's own (SourceCell.text, and .display as a form reads it: '97.00%' for 0.97 in '0.00%')."""
    sheet = Sheet("表", {pos: SourceCell(value, error="#REF!" if value is None else None, number_format=number_format)
                        for pos, value in found.items()})
    grid, fc = Grid(sheet), FormCells(Grid(sheet))
    for pos, cell in sheet.cells.items():
        assert grid.text(*pos) == cell.text.strip()
        assert fc.text(pos) == cell.display.strip()


def test_searches_stay_right_when_the_texts_seen_are_forgotten(monkeypatch):
    """The texts every search has tested are kept for the sheets to come (the same labels recur), up to a
    bound; past it they are forgotten and numbered again, and a sheet read before still finds its cells."""
    from xlcheck.reader import grid as grid_module

    monkeypatch.setattr(grid_module, "_SEEN_KEPT", 6)
    sheets = [sheet_of({(row, 1): f"{word}{n}" for row, word in enumerate(WORDS[:8], start=1)}) for n in range(4)]
    grids = [Grid(sheet) for sheet in sheets]  # each sheet's 8 new texts pass the bound: the earlier ones are forgotten
    for grid in grids + grids[::-1]:
        for prefix in PREFIXES:
            assert grid.starting(prefix) == scan(grid, lambda label: label.startswith(prefix), None)
        assert grid.ending("自评表1") == scan(grid, lambda label: label.endswith("自评表1"), None)
        assert grid.containing("预算") == scan(grid, lambda label: "预算" in label, None)
