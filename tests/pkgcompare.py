"""Comparing two workbook packages part by part: what the corrected copy may change, and checks that
a changed worksheet part is still laid out as Excel insists. Shared by test_writer.py and test_faithful.py."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl

from xlcheck.package import read_sheets

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
# CT_Worksheet's child order (what Excel insists on)
SHEET_ORDER = ["sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr", "sheetProtection",
               "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate", "customSheetViews", "mergeCells",
               "phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup",
               "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing",
               "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst"]


def members(path: Path) -> dict[str, zipfile.ZipInfo]:
    with zipfile.ZipFile(path) as z:
        return {info.filename: info for info in z.infolist()}


def cells_by_sheet(path: Path) -> dict:
    return {s.name: s for s in read_sheets(path)}


def check_sheet_xml(xml: bytes) -> None:
    """Top-level children in schema order; rows ascending; cells ascending within each row."""
    root = ET.fromstring(xml)
    names = [el.tag.replace(NS, "") for el in root if el.tag.startswith(NS)]
    positions = [SHEET_ORDER.index(n) for n in names]
    assert positions == sorted(positions), names
    last_row = 0
    for row in root.find(f"{NS}sheetData"):
        number = int(row.get("r"))
        assert number > last_row
        last_row = number
        cols = [openpyxl.utils.column_index_from_string(re.match(r"[A-Z]+", c.get("r")).group()) for c in row]
        assert cols == sorted(set(cols)) and all(re.fullmatch(rf"[A-Z]+{number}", c.get("r")) for c in row)


def compare_packages(src: Path, dst: Path) -> tuple[set[str], set[str], set[str]]:
    """(changed, added, removed) part names between two packages; also asserts that the parts both have
    keep their order and compression method (the kept ones are byte for byte, the caller says which)."""
    old, new = members(src), members(dst)
    kept = [name for name in new if name in old]
    assert kept == [name for name in old if name in new], "the parts kept their order"
    changed = set()
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst) as b:
        for name in kept:
            assert new[name].compress_type == old[name].compress_type, name
            if a.read(name) != b.read(name):
                changed.add(name)
    return changed, set(new) - set(old), set(old) - set(new)
