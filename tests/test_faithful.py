"""Byte-faithful corrected copies: `fix` (api.fix_workbook) on workbooks that carry what real ones carry,
compared with their input part by part.

Every part is byte-identical except: the corrected sheets, xl/styles.xml (the highlight), the comments,
VML and rels of the corrected sheets (the notes), the new 核查结果 sheet, and what registers it
(xl/workbook.xml, its rels, [Content_Types].xml) — and those registering parts differ from the input
only by the added elements. The outputs open in LibreOffice and read back with openpyxl and calamine.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from conftest import SAMPLES, convert_with_soffice
from hostile import FORM_SHEET, set_cells, small_form_data
from pkgcompare import cells_by_sheet, check_sheet_xml, compare_packages, members
from richbook import fake_vba_project, read_part, write_rich_form
from xlcheck.api import fix_workbook
from xlcheck.model import parse_a1
from xlcheck.package import Package, read_rels, rels_part, sheet_entries, workbook_part

REPORT = "核查结果"
VBA_TYPE = b"application/vnd.ms-office.vbaProject"
XLSM_MAIN_TYPE = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def rich_form_data() -> dict:
    """The small project form with two mistakes: an indicator score (5家 of 10家 scores 10, not 20) and
    the header total (99, not 89). Rendered with formulas, its 执行率 is =D6/C6 (cached 0.95)."""
    data = small_form_data()
    project = data["projects"][0]
    project["indicators"][0]["actual"] = "5家"
    project["deviation"] = "受疫情影响，新增企业数量未达预期。"
    return data


def write_rich_form_with_stale_formula(path: Path) -> None:
    """The rich form, and a third mistake: the budget score =MIN(20,20*E6) saved with a stale cached 19.5
    (calculation set to manual), which fix replaces by the value 19."""
    cells = write_rich_form(path, rich_form_data())
    score = cells[f"{FORM_SHEET}|budget.score"].rpartition("!")[2]
    assert score == "F6"
    set_cells(path, "xl/worksheets/sheet1.xml", {score: '<c r="F6"><f>MIN(20,20*E6)</f><v>19.5</v></c>'})


@pytest.fixture(scope="module", params=["rich.xlsx", "rich.xlsm", "seed_clean.xlsx", "seed_mistakes.xlsx"])
def fixed(request, tmp_path_factory):
    """(input, output, report, input bytes and mtime before) for each workbook."""
    folder = tmp_path_factory.mktemp("faithful")
    name = request.param
    src = folder / name
    if name.startswith("rich"):
        write_rich_form_with_stale_formula(src)
    else:
        shutil.copy(SAMPLES / name, src)
    before = src.read_bytes(), src.stat().st_mtime_ns
    report = fix_workbook(src, None)
    assert report.error is None, report.error
    assert report.output.name == src.stem + ".checked" + src.suffix  # .xlsm stays .xlsm
    return src, report.output, report, before


def sheet_parts(path: Path) -> dict[str, str]:
    """{sheet name: part name} of a package."""
    with Package(path) as pkg:
        return {e["name"]: e["part"] for e in sheet_entries(pkg, workbook_part(pkg))}


def notes_parts(path: Path, sheet_part: str) -> set[str]:
    """A worksheet's rels part and the comments and VML parts it points at."""
    with Package(path) as pkg:
        rels = read_rels(pkg, sheet_part)
    return {rels_part(sheet_part)} | {target for kind, target in rels.values() if kind.endswith(("/comments", "/vmlDrawing"))}


def without(xml: bytes, pattern: str) -> bytes:
    return re.sub(pattern.encode(), b"", xml)


def test_only_the_corrected_sheets_the_new_sheet_and_what_registers_them_change(fixed):
    src, dst, report, _ = fixed
    changed, added, removed = compare_packages(src, dst)
    fixed_sheets = {f.sheet for f in report.findings if f.fixable}
    parts = sheet_parts(dst)
    fixed_parts = {parts[name] for name in fixed_sheets}
    notes = set().union(*(notes_parts(dst, part) for part in fixed_parts)) if fixed_parts else set()
    registers = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml"}

    assert changed <= fixed_parts | notes | registers, sorted(changed - fixed_parts - notes - registers)
    assert fixed_parts <= changed  # each corrected sheet did change
    assert added == {parts[REPORT]} | (notes - set(members(src))), sorted(added)
    assert removed <= {"xl/calcChain.xml"}
    assert len(members(dst)) == len(members(src)) + len(added) - len(removed)

    # What registers the new parts is the input plus those elements, nothing else.
    report_part = posixpath.relpath(parts[REPORT], "xl")
    old_wb, new_wb = read_part(src, "xl/workbook.xml"), read_part(dst, "xl/workbook.xml")
    calc = r"<calcPr\b[^>]*/>"
    new_wb = without(new_wb, rf'<sheet name="{REPORT}\d*" sheetId="\d+" r:id="rId\d+"/>')
    # the report sheet's own defined name: its print titles
    report_index = len(re.findall(rb"<sheet ", new_wb))
    new_wb = without(new_wb, rf'<definedName name="_xlnm\.Print_Titles" localSheetId="{report_index}">[^<]*</definedName>')
    if b"<definedNames" not in old_wb:
        new_wb = without(new_wb, r"<definedNames></definedNames>")
    assert without(new_wb, calc) == without(old_wb, calc)
    new_rels = without(read_part(dst, "xl/_rels/workbook.xml.rels"), rf'<Relationship Id="rId\d+" Type="[^"]+/worksheet" Target="{re.escape(report_part)}"/>')
    assert new_rels == read_part(src, "xl/_rels/workbook.xml.rels")
    new_types = read_part(dst, "[Content_Types].xml")
    for part in added:
        new_types = without(new_types, rf'<Override PartName="/{re.escape(part)}" ContentType="[^"]+"/>')
    new_types = without(new_types, r'<Default Extension="vml" ContentType="[^"]+"/>') if b'Extension="vml"' not in read_part(src, "[Content_Types].xml") else new_types
    assert new_types == read_part(src, "[Content_Types].xml")
    # styles: the input's formats are all still there, in place (the highlight is appended).
    old_styles, new_styles = read_part(src, "xl/styles.xml"), read_part(dst, "xl/styles.xml")
    for section, item in ((b"numFmts", b"numFmt"), (b"fonts", b"font"), (b"fills", b"fill"), (b"borders", b"border"),
                          (b"cellStyleXfs", b"xf"), (b"cellXfs", b"xf"), (b"cellStyles", b"cellStyle"), (b"dxfs", b"dxf")):
        old, new = (re.search(rb"<%s\b.*?</%s>" % (section, section), xml, re.S) for xml in (old_styles, new_styles))
        if old:
            items = [re.findall(rb"<%s\b[^>]*?/>|<%s\b[^>]*>.*?</%s>" % (item, item, item), m.group(0), re.S) for m in (old, new)]
            assert items[1][: len(items[0])] == items[0], section  # kept in place; xlcheck's formats come after
    for part in fixed_parts | {parts[REPORT]}:
        check_sheet_xml(read_part(dst, part))


def test_only_the_fixed_cells_differ(fixed):
    src, dst, report, _ = fixed
    expected = {(f.sheet, f.cell): f.expected_value for f in report.findings if f.fixable}
    before, after = cells_by_sheet(src), cells_by_sheet(dst)
    assert list(after) == list(before) + [REPORT]
    fixed_cells = {(sheet, *parse_a1(cell)): value for (sheet, cell), value in expected.items()}
    for name, sheet in before.items():
        new = after[name]
        assert new.merged == sheet.merged and new.hidden == sheet.hidden
        for key in set(sheet.cells) | set(new.cells):
            if (name, *key) in fixed_cells:
                value = fixed_cells[(name, *key)]
                assert new.cells[key].value == (value if isinstance(value, str) else Decimal(value)), (name, key)
                assert new.cells[key].number_format == sheet.cells[key].number_format
            else:
                assert new.cells.get(key) == sheet.cells.get(key), (name, key)


def test_the_input_is_untouched(fixed):
    src, _, _, (data, mtime) = fixed
    assert src.read_bytes() == data and src.stat().st_mtime_ns == mtime


def test_the_rich_parts_survive(fixed):
    src, dst, report, _ = fixed
    if not src.name.startswith("rich"):
        pytest.skip("the samples carry no images, charts or macros")
    names = members(dst)
    for part in ("xl/media/image1.png", "xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/drawings/drawing1.xml",
                 "xl/chartsheets/sheet1.xml", "docProps/app.xml", "xl/sharedStrings.xml", "xl/theme/theme1.xml"):
        assert part in names and read_part(src, part) == read_part(dst, part), part
    assert b"<xdr:sp " in read_part(dst, "xl/drawings/drawing1.xml") or b"txBody" in read_part(dst, "xl/drawings/drawing1.xml")  # the textbox
    wb = openpyxl.load_workbook(dst)
    form = wb.worksheets[0]
    assert wb.sheetnames == [form.title, "附表", "隐藏表", "深藏表", "图表", REPORT]
    assert wb["隐藏表"].sheet_state == "hidden" and wb["深藏表"].sheet_state == "veryHidden"
    assert form.protection.sheet and form.print_title_rows == "$1:$3" and "预算合计" in wb.defined_names
    assert form.data_validations.dataValidation[0].formula1 == '"优,良,中,差"' and form.conditional_formatting
    assert form["A3"].comment.text == "名称以批复为准"
    assert form["F6"].comment.text.startswith("xlcheck 已更正") and form["F6"].comment.text.endswith("得分由财务科填写")
    assert "=MIN(20,20*E6)" in form["F6"].comment.text and form["F6"].value == 19  # the stale formula replaced, and said so
    assert form["E6"].value == "=D6/C6" and cells_by_sheet(dst)[form.title].get(6, 5).value == Decimal("0.95")  # formula and cached value kept
    assert wb["附表"]["C2"].value == f"={form.title}!C6/100"
    if src.suffix == ".xlsm":
        assert read_part(dst, "xl/vbaProject.bin") == read_part(src, "xl/vbaProject.bin") == fake_vba_project()
        types = read_part(dst, "[Content_Types].xml")
        assert VBA_TYPE in types and XLSM_MAIN_TYPE in types
        assert read_part(dst, "xl/_rels/workbook.xml.rels").count(b'Target="vbaProject.bin"') == 1


def test_openpyxl_and_calamine_read_the_corrected_values(fixed):
    src, dst, report, _ = fixed
    fixes = [f for f in report.findings if f.fixable]
    book = openpyxl.load_workbook(dst, keep_vba=dst.suffix == ".xlsm")
    calamine = CalamineWorkbook.from_path(str(dst))
    for finding in fixes:
        cell = book[finding.sheet][finding.cell]
        row, col = parse_a1(finding.cell)
        got = calamine.get_sheet_by_name(finding.sheet).to_python(skip_empty_area=False)[row - 1][col - 1]
        value = finding.expected_value
        if isinstance(value, str):
            assert cell.value == value and got == value and cell.data_type == "s"
        else:
            assert Decimal(str(cell.value)) == value and Decimal(str(got)) == value, finding
        assert cell.fill.fgColor.rgb == "FFFFFF00" and "xlcheck" in cell.comment.text
    rows = calamine.get_sheet_by_name(REPORT).to_python()
    assert rows[0][0] == "xlcheck 核查结果"
    assert rows[6][:4] == ["序号", "级别", "工作表", "单元格"]
    numbered = [r for r in rows if isinstance(r[0], (int, float)) and not isinstance(r[0], bool)]
    assert len(numbered) == len(report.findings)  # one row per finding (none: a single '未发现问题' row)


def test_libreoffice_opens_the_output_with_the_corrected_values(fixed, tmp_path, soffice):
    src, dst, report, _ = fixed
    copy = tmp_path / ("out" + dst.suffix)
    shutil.copy(dst, copy)
    converted = convert_with_soffice(soffice, copy, "xlsx", tmp_path / "lo")  # every sheet, recalculated
    sheets = cells_by_sheet(converted)
    assert REPORT in sheets
    for finding in (f for f in report.findings if f.fixable):
        cell = sheets[finding.sheet].get(*parse_a1(finding.cell))
        value = finding.expected_value
        assert (cell.value == value) if isinstance(value, str) else (cell.value == Decimal(value)), (finding, cell)


def test_a_second_fix_changes_nothing_more(fixed, tmp_path):
    """fix on the corrected copy: no fixable finding left, and its cells are those of the first output."""
    _, dst, _, _ = fixed
    again = fix_workbook(dst, tmp_path / ("again" + dst.suffix))
    assert again.error is None and not [f for f in again.findings if f.fixable]
    first, second = cells_by_sheet(dst), cells_by_sheet(again.output)
    for name, sheet in first.items():
        if name != REPORT:
            assert second[name].cells == sheet.cells, name
    changed, added, removed = compare_packages(dst, again.output)
    assert not added and not removed
    assert changed <= {sheet_parts(dst)[REPORT]}
    with zipfile.ZipFile(again.output) as z:
        assert z.testzip() is None
