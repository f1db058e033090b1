"""writer.py: the corrected copy changes only what it must, and opens everywhere."""

from __future__ import annotations

import csv
import os
import re
import zipfile
from pathlib import Path
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from conftest import convert_with_soffice
from pkgcompare import cells_by_sheet, check_sheet_xml, members
from richbook import MAIN_SHEET, build_cfb, read_part, rewrite_parts, write_minimal, write_rich
from xlcheck.model import CellFix
from xlcheck.package import WorkbookError
from xlcheck import writer
from xlcheck.writer import Table, shift_formula, write_corrected

REPORT = "核查结果"

FIXES = [
    CellFix(MAIN_SHEET, "B4", Decimal("20000"), "预算数应为 20000"),
    CellFix(MAIN_SHEET, "C4", Decimal("25225.73"), "执行数应为 25225.73（原为公式）"),
    CellFix(MAIN_SHEET, "A4", "项目资金（修正）", "名称已统一"),
    CellFix(MAIN_SHEET, "I4", Decimal("0.5"), "新增的单元格"),
    CellFix(MAIN_SHEET, "B7", Decimal("-1.25"), "新增的行"),
    CellFix("附表", "B3", Decimal("31"), "附表数值"),
]
FIXED = {(MAIN_SHEET, 4, 2): Decimal("20000"), (MAIN_SHEET, 4, 3): Decimal("25225.73"), (MAIN_SHEET, 4, 1): "项目资金（修正）",
         (MAIN_SHEET, 4, 9): Decimal("0.5"), (MAIN_SHEET, 7, 2): Decimal("-1.25"), ("附表", 3, 2): Decimal("31")}
TABLES = [
    Table(["规则", "工作表", "单元格", "说明", "原值", "应为"], [
        ["XC101", MAIN_SHEET, "C4", "=B4*2 的结果与合计不符", Decimal("25225.72"), Decimal("25225.73")],
        ["XC102", "附表", "B3", "+1 @SUM(A1) -2", 30, 31.5],
        ["XC103", None, None, "很长的中文说明文字" * 5, None, None],
    ]),
    Table(["汇总", "数量"], [["错误", 2], ["警告", 0]]),
]


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("writer")
    src = write_rich(folder / "自评表.xlsx")
    before = (src.read_bytes(), src.stat().st_mtime_ns)
    dst = folder / "自评表.checked.xlsx"
    write_corrected(src, dst, FIXES, TABLES)
    return src, dst, before


# ---------------------------------------------------------------- what changes and what does not


def test_unchanged_parts_keep_their_bytes_order_and_compression(books):
    src, dst, _ = books
    old, new = members(src), members(dst)
    changed = {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/styles.xml", "xl/workbook.xml",
               "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/comments1.xml", "xl/worksheets/_rels/sheet2.xml.rels"}
    added = {"xl/worksheets/sheet5.xml", "xl/comments2.xml", "xl/drawings/vmlDrawing2.vml"}
    assert list(new)[: len(old)] == list(old)
    assert set(new) - set(old) == added
    for name, info in old.items():
        assert new[name].compress_type == info.compress_type
        same = read_part(src, name) == read_part(dst, name)
        assert same == (name not in changed | {"xl/drawings/vmlDrawing1.vml"}), name
    # The main sheet already had comments and VML: both are extended, not replaced.
    assert read_part(dst, "xl/drawings/vmlDrawing1.vml").startswith(read_part(src, "xl/drawings/vmlDrawing1.vml")[:-6])
    assert read_part(dst, "xl/worksheets/_rels/sheet1.xml.rels") == read_part(src, "xl/worksheets/_rels/sheet1.xml.rels")


def test_unchanged_parts_are_copied_still_compressed_and_the_copy_is_a_sound_zip(books, tmp_path):
    """An unchanged part is copied as the input stores it (the same compressed bytes, CRC, time and
    attributes); every member of the copy unzips with its CRC checked; a changed part is deflated afresh."""
    src, dst, _ = books
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst) as zout:
        assert zout.testzip() is None
        old = {info.filename: info for info in zin.infolist()}
        kept = [info for info in zout.infolist() if info.filename in old and zin.read(info.filename) == zout.read(info)]
        assert len(kept) >= 3, [info.filename for info in kept]
        for info in kept:
            before = old[info.filename]
            assert (info.CRC, info.compress_size, info.date_time, info.external_attr) == \
                   (before.CRC, before.compress_size, before.date_time, before.external_attr)
            assert stored_bytes(dst, info) == stored_bytes(src, before), info.filename
        changed = zout.getinfo("xl/worksheets/sheet1.xml")
        assert changed.compress_type == zipfile.ZIP_DEFLATED and zout.read(changed) != zin.read("xl/worksheets/sheet1.xml")


def test_a_damaged_unchanged_part_is_refused_not_copied(books, tmp_path):
    """A part the writer would copy still compressed is inflated and its CRC checked first: a damaged one
    makes the input 'corrupt' and nothing is written (never a copy that carries the damage)."""
    src, _, _ = books
    damaged = tmp_path / "damaged.xlsx"
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo("docProps/app.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + int.from_bytes(data[info.header_offset + 28:info.header_offset + 30], "little")
    data[start + info.compress_size // 2] ^= 0x55
    damaged.write_bytes(bytes(data))
    with pytest.raises(WorkbookError) as caught:
        write_corrected(damaged, tmp_path / "out.xlsx", FIXES, TABLES)
    assert caught.value.code == "corrupt"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["damaged.xlsx"]


def test_the_zip_writer_counts_past_65535_members():
    """More members than the end record's 16-bit count: the ZIP64 end record carries it, as zipfile writes it."""
    import io

    buffer = io.BytesIO()
    out = writer._ZipOut(buffer)
    for number in range(70000):
        out.add(f"p/{number}.xml", b"<a/>", (1980, 1, 1, 0, 0, 0), number % 2 == 0, 0, 3)
    out.close()
    with zipfile.ZipFile(buffer) as z:
        infos = z.infolist()
        assert len(infos) == 70000 and infos[-1].filename == "p/69999.xml"
        assert z.read("p/69999.xml") == b"<a/>" and z.read("p/0.xml") == b"<a/>"


def stored_bytes(path, info) -> bytes:
    """A member's bytes as the zip stores them (still compressed)."""
    data = path.read_bytes()
    name_length, extra_length = (int.from_bytes(data[info.header_offset + at:info.header_offset + at + 2], "little") for at in (26, 28))
    start = info.header_offset + 30 + name_length + extra_length
    return data[start:start + info.compress_size]


def test_only_the_fixed_cells_differ(books):
    src, dst, _ = books
    before, after = cells_by_sheet(src), cells_by_sheet(dst)
    assert list(after) == list(before) + [REPORT]
    for name, sheet in before.items():
        new = after[name]
        assert new.merged == sheet.merged and new.hidden == sheet.hidden
        for key in set(sheet.cells) | set(new.cells):
            if (name, *key) in FIXED:
                assert new.cells[key].value == FIXED[(name, *key)] and new.cells[key].formula is None
                if key in sheet.cells:
                    assert new.cells[key].number_format == sheet.cells[key].number_format
            else:
                assert new.cells.get(key) == sheet.cells.get(key), (name, key)
    for name in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet5.xml"):
        check_sheet_xml(read_part(dst, name))


def test_input_is_never_written(books):
    src, _, (data, mtime) = books
    assert src.read_bytes() == data and src.stat().st_mtime_ns == mtime


# ---------------------------------------------------------------- the output opens, with values, highlights, notes


def test_openpyxl_sees_values_highlights_and_notes(books):
    _, dst, _ = books
    wb = openpyxl.load_workbook(dst)
    assert wb.sheetnames == [MAIN_SHEET, "附表", "隐藏表", "深藏表", "图表", REPORT]
    ws = wb[MAIN_SHEET]
    assert ws["B4"].value == 20000 and ws["C4"].value == 25225.73 and ws["C4"].data_type == "n"
    assert ws["A4"].value == "项目资金（修正）" and ws["I4"].value == 0.5 and ws["B7"].value == -1.25
    for ref in ("B4", "C4", "A4", "I4", "B7"):
        assert ws[ref].fill.fill_type == "solid" and ws[ref].fill.fgColor.rgb == "FFFFFF00", ref
    assert ws["B4"].number_format == "#,##0.00" and ws["B4"].border.left.style == "thin"  # style kept
    assert ws["B5"].fill.fill_type is None  # untouched cells keep theirs
    assert ws["C4"].comment.text == "执行数应为 25225.73（原为公式）" and ws["C4"].comment.author == "xlcheck"
    assert ws["A4"].comment.text == "名称已统一\n原有批注"  # the old note is kept after ours
    assert wb["附表"]["B3"].comment.text == "附表数值" and wb["附表"]["B3"].value == 31
    assert ws["H4"].value == "=B4+1" and wb["附表"]["C2"].value == "=项目自评表!B4/100"
    # What the writer did not touch is still there.
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:F1"]
    assert ws.protection.sheet and ws.data_validations.dataValidation[0].formula1 == '"优,良,中,差"'
    assert ws.conditional_formatting and ws.column_dimensions["A"].width == pytest.approx(18.7109375)
    assert ws.row_dimensions[1].height == 30
    assert ws.print_title_rows == "$1:$3" and "预算合计" in wb.defined_names
    assert wb["隐藏表"].sheet_state == "hidden" and wb["深藏表"].sheet_state == "veryHidden"
    with zipfile.ZipFile(dst) as z:
        names = z.namelist()
    assert "xl/media/image1.png" in names and "xl/charts/chart1.xml" in names and "xl/drawings/drawing1.xml" in names
    assert b'fullCalcOnLoad="1"' in read_part(dst, "xl/workbook.xml")


def test_report_sheet_layout(books):
    _, dst, _ = books
    ws = openpyxl.load_workbook(dst)[REPORT]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("规则", "工作表", "单元格", "说明", "原值", "应为")
    assert rows[1] == ("XC101", MAIN_SHEET, "C4", "=B4*2 的结果与合计不符", 25225.72, 25225.73)
    assert rows[2] == ("XC102", "附表", "B3", "+1 @SUM(A1) -2", 30, 31.5)
    assert rows[4] == (None,) * 6 and rows[5][:2] == ("汇总", "数量") and rows[6][:2] == ("错误", 2)
    assert ws["D2"].data_type == "s" and ws["D3"].data_type == "s" and ws["E2"].data_type == "n"
    assert ws["A1"].font.b and ws["A6"].font.b and not ws["A2"].font.b
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["D"].width > 80 - 1 and ws.column_dimensions["C"].width < 10
    assert ws.column_dimensions["B"].width == 12  # 项目自评表: 5 CJK characters count 10, plus 2
    assert b"<f>" not in read_part(dst, "xl/worksheets/sheet5.xml")


def test_calamine_reads_the_output(books):
    _, dst, _ = books
    book = CalamineWorkbook.from_path(str(dst))
    assert book.sheet_names[-1] == REPORT
    rows = book.get_sheet_by_name(MAIN_SHEET).to_python()
    assert rows[3][:4] == ["项目资金（修正）", 20000, 25225.73, 0.95] and rows[3][8] == 0.5
    assert book.get_sheet_by_name(REPORT).to_python()[1][3] == "=B4*2 的结果与合计不符"


def test_libreoffice_opens_recalculates_and_shows_the_fixes(books, tmp_path, soffice):
    _, dst, _ = books
    out = convert_with_soffice(soffice, dst, "csv:Text - txt - csv (StarCalc):44,34,76,1", tmp_path)
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    row4 = rows[3]
    assert row4[:3] == ["项目资金（修正）", "20,000.00", "25,225.73"]
    assert row4[7] == "20001"  # =B4+1 had no cached value: computed from the corrected B4
    assert row4[8] == "0.5" and rows[6][1] == "-1.25"


# ---------------------------------------------------------------- paths and failures


def test_same_path_is_refused(books, tmp_path):
    src, _, (data, _) = books
    for target in (src, src.parent / "x" / ".." / src.name):
        with pytest.raises(WorkbookError) as caught:
            write_corrected(src, target, FIXES, TABLES)
        assert caught.value.code == "same_path"
    link = tmp_path / "link.xlsx"
    os.link(src, link)
    with pytest.raises(WorkbookError):
        write_corrected(src, link, FIXES, TABLES)
    assert src.read_bytes() == data


def test_a_failed_write_leaves_no_temp_file_and_the_old_output(books, tmp_path, monkeypatch):
    src, _, _ = books
    dst = tmp_path / "out.xlsx"
    dst.write_bytes(b"old output")
    calls = []

    def failing_member(self, *args, **kwargs):  # the fifth part written to the disk fails
        calls.append(1)
        if len(calls) == 5:
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    original = writer._ZipOut._member
    monkeypatch.setattr(writer._ZipOut, "_member", failing_member)
    with pytest.raises(OSError, match="disk full"):
        write_corrected(src, dst, FIXES, TABLES)
    assert dst.read_bytes() == b"old output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


def test_bad_requests(books, tmp_path):
    src, _, _ = books
    with pytest.raises(ValueError):
        write_corrected(src, tmp_path / "a.xlsx", [CellFix("没有这个表", "A1", Decimal(1), "")], [])
    with pytest.raises(ValueError):
        write_corrected(src, tmp_path / "a.xlsx", [CellFix(MAIN_SHEET, "A0x", Decimal(1), "")], [])
    for name in ("核查/结果", "", "x" * 32, "'引号'"):
        with pytest.raises(WorkbookError) as caught:
            write_corrected(src, tmp_path / "a.xlsx", [], [], report_sheet_name=name)
        assert caught.value.code == "bad_sheet_name"
    xls = tmp_path / "old.xls"
    xls.write_bytes(build_cfb({"Workbook": b"\x09\x08" + b"\x00" * 100}))
    with pytest.raises(WorkbookError) as caught:
        write_corrected(xls, tmp_path / "a.xlsx", [], [])
    assert caught.value.code == "not_xlsx"
    with pytest.raises(WorkbookError) as caught:
        write_corrected(tmp_path / "none.xlsx", tmp_path / "a.xlsx", [], [])
    assert caught.value.code == "missing"
    assert not (tmp_path / "a.xlsx").exists()


# ---------------------------------------------------------------- running again, formulas, odd packages


def test_fixing_the_output_again_keeps_one_report_sheet(books, tmp_path):
    _, first, _ = books
    second = tmp_path / "again.xlsx"
    write_corrected(first, second, [CellFix(MAIN_SHEET, "B5", Decimal("-4"), "再次修正")], [Table(["第二次"], [["只有一行"]])])
    wb = openpyxl.load_workbook(second)
    assert wb.sheetnames == [MAIN_SHEET, "附表", "隐藏表", "深藏表", "图表", REPORT]
    assert list(wb[REPORT].iter_rows(values_only=True)) == [("第二次",), ("只有一行",)]
    assert wb[MAIN_SHEET]["B5"].value == -4 and wb[MAIN_SHEET]["B4"].value == 20000
    assert wb[MAIN_SHEET]["B5"].comment.text == "再次修正"
    assert set(members(second)) == set(members(first))  # the report part replaced in place
    assert read_part(second, "xl/workbook.xml") == read_part(first, "xl/workbook.xml")


def test_shared_formula_followers_get_their_own_formula_when_the_master_is_fixed(tmp_path):
    data = ('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B3" si="0">A1*2+$A$1</f><v>3</v></c></row>'
            '<row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" si="0"/><v>5</v></c></row>'
            '<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f t="shared" si="0"/><v>7</v></c></row>')
    src = write_minimal(tmp_path / "shared.xlsx", {"S": data})
    dst = tmp_path / "out.xlsx"
    write_corrected(src, dst, [CellFix("S", "B1", Decimal("99"), "改为数值")], [])
    ws = openpyxl.load_workbook(dst)["S"]
    assert ws["B1"].value == 99 and ws["B2"].value == "=A2*2+$A$1" and ws["B3"].value == "=A3*2+$A$1"
    after = cells_by_sheet(dst)["S"]
    assert after.get(2, 2).value == Decimal(5) and after.get(3, 2).formula == "A3*2+$A$1"


def test_shift_formula():
    assert shift_formula("SUM(B2:B5)*$C$1+Sheet2!D4", 2, 1) == "SUM(C4:C7)*$C$1+Sheet2!E6"
    assert shift_formula("'表 1'!A1&\"A1\"+LOG10(A$1)+$A1", 1, 1) == "'表 1'!B2&\"A1\"+LOG10(B$1)+$A2"
    assert shift_formula("SUM(A:A)+SUM(1:1)+Table1[[#This Row],[ABC1]]", 1, 1) == "SUM(B:B)+SUM(2:2)+Table1[[#This Row],[ABC1]]"
    assert shift_formula("A1", -1, 0) == "#REF!"


def test_calc_chain_dropped_only_when_a_formula_is_replaced(tmp_path):
    src = write_rich(tmp_path / "chain.xlsx")
    rels = read_part(src, "xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>')
    types = read_part(src, "[Content_Types].xml").replace(
        b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
    chain = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="C4" i="1"/><c r="E4"/><c r="G4"/><c r="H4"/></calcChain>'
    rewrite_parts(src, {"xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": types, "xl/calcChain.xml": chain})
    kept = tmp_path / "kept.xlsx"
    write_corrected(src, kept, [CellFix(MAIN_SHEET, "B5", Decimal("1"), "值")], [])
    assert read_part(kept, "xl/calcChain.xml") == chain
    dropped = tmp_path / "dropped.xlsx"
    write_corrected(src, dropped, [CellFix(MAIN_SHEET, "C4", Decimal("1"), "公式改为值")], [])
    assert "xl/calcChain.xml" not in members(dropped)
    assert b"calcChain" not in read_part(dropped, "xl/_rels/workbook.xml.rels")
    assert b"calcChain" not in read_part(dropped, "[Content_Types].xml")
    assert openpyxl.load_workbook(dropped)[MAIN_SHEET]["C4"].value == 1


def test_package_without_styles_with_prefixed_elements(tmp_path, soffice):
    data = '<row r="2"><c r="B2"><v>1</v></c><c r="D2"><v>4</v></c></row>'
    src = write_minimal(tmp_path / "bare.xlsx", {"表": data}, styles=None, prefix="x:")
    dst = tmp_path / "bare.out.xlsx"
    write_corrected(src, dst, [CellFix("表", "C2", Decimal("3.5"), "插在中间"), CellFix("表", "A1", "首行", "新行")], [Table(["a"], [[1]])])
    xml = read_part(dst, "xl/worksheets/sheet1.xml").decode()
    assert '<x:c r="B2"><x:v>1</x:v></x:c><x:c r="C2" s="1"><x:v>3.5</x:v></x:c><x:c r="D2">' in xml
    assert '<x:legacyDrawing r:id="' in xml
    check_sheet_xml(xml.encode())
    ws = openpyxl.load_workbook(dst)["表"]
    assert ws["C2"].value == 3.5 and ws["A1"].value == "首行" and ws["C2"].fill.fgColor.rgb == "FFFFFF00"
    assert ws["C2"].comment.text == "插在中间"
    out = convert_with_soffice(soffice, dst, "csv:Text - txt - csv (StarCalc):44,34,76,1", tmp_path / "lo")
    assert list(csv.reader(out.read_text(encoding="utf-8").splitlines()))[:2] == [["首行", "", "", ""], ["", "1", "3.5", "4"]]


def test_text_is_escaped_and_never_a_formula(tmp_path):
    src = write_minimal(tmp_path / "e.xlsx", {"S": '<row r="1"><c r="A1"><v>1</v></c></row>'})
    nasty = 'a<b>&"c"\'d\x01e_x0041_f\n=1+1'
    dst = tmp_path / "e.out.xlsx"
    write_corrected(src, dst, [CellFix("S", "A1", nasty, nasty), CellFix("S", "B1", "=SUM(A1)", "-")], [Table(["=x", "@y"], [[nasty, "+1"]])],
                    report_sheet_name="核查 & <结果>")
    sheets = cells_by_sheet(dst)
    assert sheets["S"].get(1, 1).value == nasty and sheets["S"].get(1, 2) .formula is None
    assert sheets["核查 & <结果>"].get(2, 1).value == nasty and sheets["核查 & <结果>"].get(1, 1).value == "=x"
    wb = openpyxl.load_workbook(dst)
    assert wb.sheetnames == ["S", "核查 & <结果>"]
    assert wb["S"]["B1"].data_type == "s" and wb["S"]["A1"].comment.text.startswith('a<b>&"c"')


def test_a_libreoffice_saved_workbook_can_be_corrected(books, tmp_path, soffice):
    """LibreOffice writes its own dialect (t="n", customFormat="false", its own VML and styles)."""
    src, _, _ = books
    lo_book = convert_with_soffice(soffice, src, "xlsx", tmp_path / "lo")
    dst = tmp_path / "lo.checked.xlsx"
    write_corrected(lo_book, dst, FIXES, TABLES)
    old, new = members(lo_book), members(dst)
    allowed = re.compile(r"xl/worksheets/sheet[125]\.xml|xl/styles\.xml|xl/workbook\.xml|xl/_rels/workbook\.xml\.rels|\[Content_Types\]\.xml"
                         r"|xl/comments\d+\.xml|xl/drawings/vmlDrawing\d+\.vml|xl/worksheets/_rels/sheet[12]\.xml\.rels|xl/worksheets/sheet\d+\.xml")
    for name in set(old) | set(new):
        if name not in old or name not in new or read_part(lo_book, name) != read_part(dst, name):
            assert allowed.fullmatch(name), name
    before, after = cells_by_sheet(lo_book), cells_by_sheet(dst)
    for name, sheet in before.items():
        for key in set(sheet.cells) | set(after[name].cells):
            expected = FIXED.get((name, *key))
            assert (after[name].cells[key].value == expected) if expected is not None else after[name].cells.get(key) == sheet.cells.get(key)
    wb = openpyxl.load_workbook(dst)
    assert wb.sheetnames[-1] == REPORT and wb[MAIN_SHEET]["A4"].comment.text == "名称已统一\n原有批注"
    out = convert_with_soffice(soffice, dst, "csv:Text - txt - csv (StarCalc):44,34,76,1", tmp_path / "csv")
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[3][:3] == ["项目资金（修正）", "20,000.00", "25,225.73"] and rows[6][1] == "-1.25"


def test_empty_sheet_without_relationship_namespace(tmp_path):
    src = write_minimal(tmp_path / "empty.xlsx", {"空表": ""})
    rewrite_parts(src, {"xl/worksheets/sheet1.xml": lambda b: b.replace(b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"', b"")
                        .replace(b"<sheetData></sheetData>", b"<sheetData/>")})
    dst = tmp_path / "empty.out.xlsx"
    write_corrected(src, dst, [CellFix("空表", "C3", Decimal("7"), "补上")], [])
    xml = read_part(dst, "xl/worksheets/sheet1.xml")
    assert b'<sheetData><row r="3"><c r="C3" s="4"><v>7</v></c></row></sheetData><legacyDrawing r:id="rId2"/>' in xml
    assert b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"' in xml
    assert b'<calcPr fullCalcOnLoad="1"/></workbook>' in read_part(dst, "xl/workbook.xml")
    check_sheet_xml(xml)
    ws = openpyxl.load_workbook(dst)["空表"]
    assert ws["C3"].value == 7 and ws["C3"].comment.text == "补上"


def test_unsafe_input_is_refused_before_writing(tmp_path):
    src = write_rich(tmp_path / "xxe.xlsx")
    rewrite_parts(src, {"xl/worksheets/sheet2.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><worksheet/>'})
    with pytest.raises(WorkbookError) as caught:
        write_corrected(src, tmp_path / "out.xlsx", [CellFix("附表", "A1", "x", "")], [])
    assert caught.value.code == "unsafe_xml"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["xxe.xlsx"]


@pytest.mark.parametrize("xml, expected", [
    ('<worksheet xmlns="urn:x"><sheetData><row r="1"><c r="A1"/><c r="C1"/></row><row r="3"><c/></row></sheetData></worksheet>', ""),
    ('<worksheet><sheetData><row r="2"/><row r="1"/></sheetData></worksheet>', "row 1 after row 2"),
    ('<worksheet><sheetData><row r="1"><c r="B1"/><c r="A1"/></row></sheetData></worksheet>', "cell A1 after column 2 in row 1"),
    ('<worksheet><sheetData><row r="4"><c r="A5"/></row></sheetData></worksheet>', "cell A5 in row 4"),
    ('<worksheet><sheetData><row><c/><c/></row><row><c r="B2"/><c/></row><row r="2"/></sheetData></worksheet>', "row 2 after row 2"),
    ('<x:worksheet xmlns:x="urn:x"><x:sheetData><x:row r="1"><x:c r="B1"/><x:c/><x:c r="C1"/></x:row></x:sheetData></x:worksheet>',
     "cell C1 after column 3 in row 1"),
    ('<workbook><sheetData><row r="2"/><row r="1"/></sheetData></workbook>', ""),  # only worksheets are ordered
])
def test_the_written_sheet_order_check_streams(xml, expected):
    """The check of a written worksheet reads it as a stream (a big sheet is never built as a tree) and
    finds rows or cells out of order, with or without a namespace prefix."""
    from xlcheck.writer import streamed_check

    assert streamed_check(xml.encode())[1] == expected


_ELEMENTS = ['<row r="1">', '<row r="2">', '<row r="3">', '<row>', '</row>', '<row r="2"/>', '<c r="A1"/>', '<c r="B1"/>',
             '<c r="A2"><v>1</v></c>', '<c r="B2" s="1"><v>2</v></c>', '<c r="A3"/>', '<c/>', '<c r="AA2"/>', '<c t="s" r="C2"/>',
             '<x:row r="2">', '</x:row>', '<x:c r="C2"/>', '<!-- <row r="9"> -->', '<foo>', '</foo>', '<c r="A2"><is><r><t>row</t></r></is></c>']


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_ELEMENTS), max_size=12), st.sampled_from(["", "y:"]))
def test_the_fast_order_check_answers_as_the_element_walk(pieces, prefix):
    """The written-sheet check's text scan (for plain sheets) and its element walk (for any sheet) agree on
    every well-formed sheet: the same root and the same problem, or the scan hands over to the walk."""
    from xml.etree import ElementTree as ET

    from xlcheck.writer import _walked_check, streamed_check

    body = "".join(pieces).replace("<", f"<{prefix}").replace(f"<{prefix}/", f"</{prefix}").replace(f"<{prefix}!", "<!")
    body = body.replace(f"<{prefix}x:", "<x:").replace(f"</{prefix}x:", "</x:")
    xmlns = f' xmlns:{prefix[:-1]}="urn:main"' if prefix else ' xmlns="urn:main"'
    data = f'<{prefix}worksheet{xmlns} xmlns:x="urn:main"><{prefix}sheetData>{body}</{prefix}sheetData></{prefix}worksheet>'.encode()
    try:
        walked = _walked_check(data)
    except ET.ParseError:
        with pytest.raises(ET.ParseError):
            streamed_check(data)
        return
    assert streamed_check(data) == walked


@pytest.mark.parametrize("xml", [
    '<worksheet xmlns="urn:m"><sheetData><row r="1" spans="1:2"><c r="A1" t="s"><v>0</v></c><c r="B1"/></row><row r="3"/></sheetData></worksheet>',
    '<x:worksheet xmlns:x="urn:m"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="AB1"/></x:row>'
    '<x:row r="4"><x:c r="C4"><x:is><x:t>行</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>',
    '<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="urn:m"><sheetData/></worksheet>',
])
def test_plain_sheets_in_order_are_answered_by_the_fast_check(xml, monkeypatch):
    """A sheet written the plain way, with or without a prefix, is answered by the text scan itself, also
    when it takes the rows a few at a time (as it does a big sheet's, to keep memory flat)."""
    from xlcheck import writer

    assert writer._plain_order_check(xml.encode()) == ("worksheet", "")
    monkeypatch.setattr(writer, "_ORDER_CHECK_ROWS", 1)
    assert writer._plain_order_check(xml.encode()) == ("worksheet", "")
    shuffled = xml.replace('r="A1"', 'r="A2"')  # a cell of another row, in row 1
    assert shuffled == xml or writer._plain_order_check(shuffled.encode()) is None


def test_the_fast_order_check_reads_every_sheet_xlcheck_writes(tmp_path):
    """The sample's corrected copy: every worksheet (fixed sheets, the report sheet) is checked by the text
    scan, not handed over to the slower walk."""
    from xlcheck.api import fix_workbook
    from xlcheck.writer import _plain_order_check

    out = tmp_path / "fixed.xlsx"
    fix_workbook(Path(__file__).resolve().parents[1] / "sample_workbooks" / "seed_mistakes.xlsx", out)
    with zipfile.ZipFile(out) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) == 20
    assert all(_plain_order_check(data) == ("worksheet", "") for data in sheets)


def test_the_written_sheet_check_refuses_xml_that_is_not_well_formed():
    from xml.etree import ElementTree as ET

    from xlcheck.writer import streamed_check

    with pytest.raises(ET.ParseError):
        streamed_check(b"<worksheet><sheetData><row></sheetData></worksheet>")


def test_a_fixed_sheet_that_is_not_well_formed_is_refused_as_corrupt(books, tmp_path):
    """The first edit takes a fixed sheet's order on trust but still parses it: a sheet that is not
    well-formed XML is the input's fault ('corrupt', nothing written), never a copy that failed its check."""
    src, _, _ = books
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, data.replace(b"</worksheet>", b"<x></worksheet>") if info.filename == "xl/worksheets/sheet2.xml" else data)
    with pytest.raises(WorkbookError) as caught:
        write_corrected(broken, tmp_path / "out.xlsx", FIXES, TABLES)
    assert caught.value.code == "corrupt" and "ParseError" in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.xlsx"]


def test_a_fixed_sheet_out_of_order_is_edited_again_carefully(books, tmp_path, monkeypatch):
    """Rows out of order in a fixed sheet: the first edit's copy fails the written package's check, and
    the careful edit (each fixed sheet's order checked first, and sorted) is the one written."""
    src, _, _ = books
    shuffled = tmp_path / "shuffled.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(shuffled, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = re.search(rb"<sheetData>(.*)</sheetData>", data, re.S)
                rows = re.findall(rb"<row\b.*?</row>|<row\b[^>]*/>", body.group(1), re.S)
                data = data[: body.start(1)] + b"".join(reversed(rows)) + data[body.end(1):]
            zout.writestr(info, data)
    edits = []
    original = writer._checked_edit
    monkeypatch.setattr(writer, "_checked_edit", lambda *args, careful: edits.append(careful) or original(*args, careful=careful))
    write_corrected(shuffled, tmp_path / "out.xlsx", FIXES, TABLES)
    assert edits == [False, True]
    with zipfile.ZipFile(tmp_path / "out.xlsx") as z:
        assert writer.streamed_check(z.read("xl/worksheets/sheet1.xml")) == ("worksheet", "")
    edits.clear()
    write_corrected(src, tmp_path / "plain.xlsx", FIXES, TABLES)
    assert edits == [False]  # rows in order: one edit
