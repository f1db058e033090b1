"""The 核查结果 sheet as a reviewer uses it: a header block, links to the cells that work, notes that
point back to their row, numbers as numbers, severity by colour, filter, frozen header, A4 landscape."""

from __future__ import annotations

import posixpath
import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest

import xlcheck
from xlcheck import fix_workbook
from xlcheck.config import parse_config

from conftest import SAMPLES, convert_with_soffice

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
HEADER_ROW = 7


@pytest.fixture(scope="module", params=["seed_mistakes.xlsx", "national_mistakes.xlsx"])
def fixed(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / f"{Path(request.param).stem}.checked.xlsx"
    report = fix_workbook(SAMPLES / request.param, out)
    assert report.error is None and report.fixed > 0
    return report, out


def package_sheets(path: Path) -> dict[str, bytes]:
    """{sheet name: its worksheet XML}, read from the package through workbook.xml and its rels."""
    with zipfile.ZipFile(path) as z:
        workbook = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): posixpath.normpath(posixpath.join("xl", r.get("Target"))) for r in rels}
        return {s.get("name"): z.read(targets[s.get(REL)]) for s in workbook.find("m:sheets", NS)}


def test_every_link_in_the_report_sheet_points_to_an_existing_sheet_and_cell(fixed):
    report, out = fixed
    sheets = package_sheets(out)
    links = ET.fromstring(sheets["核查结果"]).findall("m:hyperlinks/m:hyperlink", NS)
    related = sum(1 for f in report.findings if f.related)
    assert len(links) == len(report.findings) + len(report.checks) + related  # each finding's cell (and its first related cell), each form's total
    for link in links:
        match = re.fullmatch(r"'((?:[^']|'')+)'!([A-Z]+[0-9]+)", link.get("location"))
        assert match, link.get("location")
        sheet, cell = match.group(1).replace("''", "'"), match.group(2)
        assert sheet in sheets, sheet
        cells = {c.get("r") for c in ET.fromstring(sheets[sheet]).iter(f"{{{NS['m']}}}c")}
        assert cell in cells, f"{sheet}!{cell} is not a cell of the workbook"
    # and the cell a finding's link goes to is the one the row names
    book = openpyxl.load_workbook(out)
    sheet = book["核查结果"]
    for row in range(HEADER_ROW + 1, HEADER_ROW + 1 + len(report.findings)):
        link = sheet.cell(row, 4).hyperlink
        assert link.location == f"'{sheet.cell(row, 3).value}'!{sheet.cell(row, 4).value}"


def test_each_corrected_cells_note_names_the_row_that_explains_it(fixed):
    report, out = fixed
    book = openpyxl.load_workbook(out)
    sheet = book["核查结果"]
    for finding in (f for f in report.findings if f.fixable):
        note = book[finding.sheet][finding.cell].comment.text
        row = int(re.search(r"见工作表“核查结果”第 (\d+) 行", note).group(1))
        assert (sheet.cell(row, 3).value, sheet.cell(row, 4).value) == (finding.sheet, finding.cell)
        assert sheet.cell(row, 9).value == "是"


def test_header_block_counts_numbers_colours_filter_and_print_setup(fixed):
    report, out = fixed
    book = openpyxl.load_workbook(out)
    sheet = book["核查结果"]
    assert sheet["A1"].value == "xlcheck 核查结果"
    assert sheet["C2"].value == report.path.name
    assert f"xlcheck {xlcheck.__version__}" in sheet["C3"].value and re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d", sheet["C3"].value)
    assert report.checks[0].profile.name in sheet["C4"].value
    errors = sum(1 for f in report.findings if f.severity.value == "error")
    assert sheet["C5"].value.startswith(f"错误 {errors}（已更正 {report.fixed}）")
    # 填报值 / 核算值: a rate is a number in a percent format, a score a number
    rate = next(r for r in range(HEADER_ROW + 1, sheet.max_row + 1) if sheet.cell(r, 6).value == "执行率" and sheet.cell(r, 2).value == "错误")
    for col in (7, 8):
        cell = sheet.cell(rate, col)
        assert isinstance(cell.value, (int, float)) and 0 < cell.value < 1.5 and "%" in cell.number_format
    # severity by colour: 错误 and 警告 cells are filled, each with its own colour
    fills = {sheet.cell(r, 2).value: sheet.cell(r, 2).fill.fgColor.rgb for r in range(HEADER_ROW + 1, HEADER_ROW + 1 + len(report.findings))}
    assert fills["错误"] not in (None, "00000000") and fills["错误"] != fills.get("警告")
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:L{HEADER_ROW + len(report.findings)}"
    assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == "9"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth in (1, "1")
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    # the per-form table: one row per form with reported and recomputed totals and a grade
    title = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "各表汇总")
    forms = [[sheet.cell(r, c).value for c in (1, 7, 8, 9)] for r in range(title + 2, title + 2 + len(report.checks))]
    assert [f[0] for f in forms] == [c.form.sheet for c in report.checks]
    assert all(f[3] in ("优", "良", "中", "差") for f in forms if f[2] is not None)


def test_the_header_names_the_rules_chosen(tmp_path):
    config = parse_config('ignore = ["XC103"]\n', "xlcheck.toml")
    fix_workbook(SAMPLES / "seed_mistakes.xlsx", tmp_path / "out.xlsx", config=config)
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["核查结果"]
    assert "忽略 XC103" in sheet["C4"].value
    assert not [r for r in range(HEADER_ROW + 1, sheet.max_row + 1) if sheet.cell(r, 11).value == "XC103"]


def test_libreoffice_keeps_the_links_and_the_report(fixed, tmp_path, soffice):
    report, out = fixed
    copy = tmp_path / "copy.xlsx"
    shutil.copy(out, copy)
    converted = convert_with_soffice(soffice, copy, "xlsx", tmp_path / "lo")
    sheet = openpyxl.load_workbook(converted)["核查结果"]
    links = [sheet.cell(r, 4).hyperlink for r in range(HEADER_ROW + 1, HEADER_ROW + 1 + len(report.findings))]
    assert all(link is not None for link in links)
    targets = {(link.location or link.target or "").lstrip("#") for link in links}
    assert {f"'{f.sheet}'!{f.cell}".replace("'", "") for f in report.findings} <= {t.replace("'", "").replace("$", "") for t in targets}


def test_a_corrected_value_shows_its_decimals_and_a_form_without_total_gets_no_grade(tmp_path):
    """鄂州 2021 (a real form, tests/realforms): 预算执行率 scored 18, recomputed 16.7, in a cell formatted '0'.
    The 核查结果 row must show 16.7 (the cell's own '0' would show 17), and the form, which writes no 总分
    and whose parts add up to more than 100, gets no grade in 各表汇总."""
    import json

    from support.grid import render_grid

    form = json.loads((Path(__file__).parent / "realforms" / "ez2021_shiminzhongxin.json").read_text(encoding="utf-8"))
    path = tmp_path / "ez2021.xlsx"
    render_grid([form], path)
    report = fix_workbook(path, tmp_path / "fixed.xlsx")
    sheet = openpyxl.load_workbook(report.output)["核查结果"]
    [row] = [r for r in range(8, sheet.max_row + 1) if (sheet.cell(r, 4).value, sheet.cell(r, 11).value) == ("H13", "XC301")]
    expected = sheet.cell(row, 8)
    assert expected.value == 16.7
    assert expected.number_format in ("General", "0.0", "0.00"), expected.number_format  # never '0' (17)
    [forms_header] = [r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "工作表" and r > 8]
    assert sheet.cell(forms_header, 9).value == "等级"  # the 等级 column of 各表汇总
    assert sheet.cell(forms_header + 1, 8).value == 164.7 and not sheet.cell(forms_header + 1, 9).value
