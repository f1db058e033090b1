"""package.py: format detection by bytes, safe opening, and reading cells exactly as stored."""

from __future__ import annotations

import struct
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import convert_with_soffice
from richbook import MAIN_SHEET, build_cfb, read_part, rewrite_parts, write_minimal, write_rich, write_simple
from xlcheck.model import SourceCell
from xlcheck.package import WorkbookError, detect_format, read_sheets


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> Path:
    return write_rich(tmp_path_factory.mktemp("rich") / "rich.xlsx")


def sheet(sheets, name):
    return next(s for s in sheets if s.name == name)


def error_code(path: Path, **kwargs) -> str:
    with pytest.raises(WorkbookError) as caught:
        read_sheets(path, **kwargs)
    assert Path(path).name in caught.value.message or caught.value.code == "missing"
    return caught.value.code


# ---------------------------------------------------------------- reading .xlsx


def test_sheets_in_order_with_hidden_flags_and_chartsheet_skipped(rich):
    sheets = read_sheets(rich)
    assert [(s.name, s.hidden) for s in sheets] == [(MAIN_SHEET, False), ("附表", False), ("隐藏表", True), ("深藏表", True)]


def test_values_types_formulas_and_errors(rich):
    main = sheet(read_sheets(rich), MAIN_SHEET)
    assert main.get(1, 1).value == "2023年度项目支出绩效自评表"
    assert main.get(4, 2) == SourceCell(Decimal("12612.86"), None, None, "#,##0.00")
    assert main.get(4, 3) == SourceCell(Decimal("25225.72"), "B4*2", None, "#,##0.00")
    assert main.get(4, 4).value == Decimal("0.95") and main.get(4, 4).is_percent_format
    assert main.get(4, 5) == SourceCell(None, "1/0", "#DIV/0!", "General")
    assert main.get(4, 6).value is True
    assert main.get(4, 7) == SourceCell("ab", '"a"&"b"', None, "General")
    # A formula whose cached value is empty: no value, never 0.
    assert main.get(4, 8) == SourceCell(None, "B4+1", None, "General")
    assert main.get(5, 1).value == "完成率说明"  # rich text runs joined
    assert main.get(5, 2).value == Decimal("-3.5")
    assert main.get(5, 3).value == Decimal("100") and main.get(5, 3).number_format == "0%"
    assert main.get(6, 1).value == "=not a formula" and main.get(6, 1).formula is None
    assert main.get(2, 1) is None and main.get(1, 2) is None  # empty, and a styled blank merged cell
    assert main.merged == [(1, 1, 1, 6)]
    side = sheet(read_sheets(rich), "附表")
    assert side.get(2, 3) == SourceCell(Decimal("126.1286"), "项目自评表!B4/100", None, "General")


def test_decimals_are_exact_as_stored(tmp_path):
    stored = ["12612.86", "0.1", "1E-3", "-0.000001", "123456789012345.67", "3.0000000000000004", "97.01"]
    path = write_minimal(tmp_path / "d.xlsx", {"S": "".join(f'<row r="{i}"><c r="A{i}"><v>{t}</v></c></row>' for i, t in enumerate(stored, 1))})
    values = [sheet(read_sheets(path), "S").get(i, 1).value for i in range(1, len(stored) + 1)]
    # exact up to Excel's 15 significant digits; beyond them is binary-float noise
    assert values == [Decimal(t) for t in ("12612.86", "0.1", "1E-3", "-0.000001", "123456789012346", "3", "97.01")]
    assert values[0] == Decimal("12612.86") and str(values[0]) == "12612.86"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(lambda d: abs(d.adjusted()) < 300))
def test_any_stored_number_reads_back_exactly(tmp_path, number):
    """Exact to 15 significant digits, as Excel holds numbers."""
    path = write_minimal(tmp_path / "h.xlsx", {"S": f'<row r="1"><c r="B1"><v>{number}</v></c></row>'})
    value = sheet(read_sheets(path), "S").get(1, 2).value
    if len(number.as_tuple().digits) <= 15:
        assert value == number
    else:
        assert abs(value - number) <= abs(number).scaleb(-14)


def test_builtin_percent_ids_shared_strings_and_cell_kinds(tmp_path):
    data = (
        '<row r="1"><c r="A1" s="1"><v>0.5</v></c><c r="B1" s="2"><v>0.125</v></c><c r="C1" s="3"><v>0.25</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="C2" t="s"><v>2</v></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t>内联</t></is></c><c r="B3" t="inlineStr"><is><r><t>分</t></r><r><t>段</t></r></is></c>'
        '<c r="C3" t="str"><f>""</f><v></v></c><c r="D3" t="b"><v>0</v></c><c r="E3" t="e"><v>#REF!</v></c></row>'
        '<row r="4"><c r="A4"><f t="shared" ref="A4:C4" si="0">B1*2</f><v>0.25</v></c><c r="B4"><f t="shared" si="0"/><v>0.5</v></c>'
        '<c r="C4"><f t="shared" si="0"/></c></row>'
        "<row><c><v>1</v></c><c><v>2</v></c><c/><c><v>4</v></c></row>"  # no r attributes: row 5, columns by position
        '<row r="7"><c r="A7" s="1"/><c r="B7" t="s"><v>3</v></c></row>'
    )
    strings = ["<r><t>甲</t></r><r><t>乙</t></r><rPh sb=\"0\" eb=\"1\"><t>jia</t></rPh>", "行1_x000D_行2", "<t xml:space=\"preserve\"> 空格 </t>", ""]
    path = write_minimal(tmp_path / "k.xlsx", {"S": data}, strings=strings)
    s = sheet(read_sheets(path), "S")
    assert [s.get(1, c).number_format for c in (1, 2, 3)] == ["0%", "0.00%", "0.0%"]
    assert all(s.get(1, c).is_percent_format for c in (1, 2, 3))
    assert [s.get(2, c).value for c in (1, 2, 3)] == ["甲乙", "行1\r行2", " 空格 "]
    assert s.get(3, 1).value == "内联" and s.get(3, 2).value == "分段"
    assert s.get(3, 3) == SourceCell("", '""', None, "General")  # formula giving "": cached empty text
    assert s.get(3, 4).value is False
    assert s.get(3, 5) == SourceCell(None, None, "#REF!", "General")
    assert s.get(4, 1).formula == "B1*2"
    assert s.get(4, 2).formula == "" and s.get(4, 2).value == Decimal("0.5")  # shared follower: formula known, text not
    assert s.get(4, 3) == SourceCell(None, "", None, "General")  # follower without cached value
    assert [s.get(5, c) and s.get(5, c).value for c in (1, 2, 3, 4)] == [Decimal(1), Decimal(2), None, Decimal(4)]
    assert s.get(7, 1) is None and s.get(7, 2) is None  # styled blank, empty shared string


def test_prefixed_namespaces_and_absolute_targets(tmp_path):
    data = '<row r="2"><c r="C2" t="s"><v>0</v></c><c r="D2" s="2"><v>0.875</v></c></row>'
    path = write_minimal(tmp_path / "p.xlsx", {"表一": data, "表二": data}, strings=["前缀"], prefix="x:", absolute_targets=True)
    sheets = read_sheets(path)
    assert [s.name for s in sheets] == ["表一", "表二"]
    assert sheets[1].get(2, 3).value == "前缀" and sheets[1].get(2, 4).number_format == "0.00%"


def test_format_is_decided_by_bytes_not_name(rich, tmp_path):
    renamed = tmp_path / "really_xlsx.xls"
    renamed.write_bytes(rich.read_bytes())
    assert detect_format(renamed) == "xlsx"
    assert read_sheets(renamed)[0].name == MAIN_SHEET


def test_many_sheets_read_quickly(tmp_path):
    path = write_simple(tmp_path / "many.xlsx", sheets=19, rows=60, cols=10)
    sheets = read_sheets(path)
    assert len(sheets) == 19 and sheets[18].get(60, 11).formula == "SUM(B60:J60)"
    assert sheets[0].get(2, 2).value == Decimal("1001.25")
    assert sheets[0].merged == [(62, 1, 62, 3)]


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRINGS = ["项目名称", "", "完成率"]
FORMATS = ["General", "0%", "#,##0.00"]


def worksheet(cells: str, *, root: str = f'<worksheet xmlns="{MAIN_NS}">', p: str = "", tail: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n{root}<{p}sheetData>{cells}</{p}sheetData>'
            f"{tail}</{p}worksheet>").encode()


SPELLINGS = {
    "as Excel writes it": '<row r="1" spans="1:3"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="1"/><c r="C1" s="1"><v>0.8</v></c>'
                          '<c r="D1" s="2"><f>C1*2</f><v>1.6</v></c><c r="E1" t="s"><v>1</v></c><c r="F1"><v>9.960000000000001</v></c></row>'
                          '<row r="3"><c r="A3" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="B3"><f>A1+1</f></c><c r="C3" t="b"><v>1</v></c>'
                          '<c r="D3" t="str"><f>"a"&amp;"b"</f><v>a&amp;b</v></c><c r="E3" t="d"><v>2021-06-30</v></c><c r="F3"><v> </v></c></row>',
    "inline strings": '<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve"> x&lt;y&#x4E00;&#20013;\r\nz_x0009_ </t></is></c>'
                      '<c r="B2" t="inlineStr"><is><r><t>完成</t></r><r><rPr><b/></rPr><t>率</t></r><rPh sb="0" eb="1"><t>カン</t></rPh></is></c>'
                      '<c r="C2" t="inlineStr"><is><t></t></is></c></row>',
    "without addresses": '<row r="4"><c s="1"/><c><v>5</v></c></row><row><c t="s"><v>2</v></c><c r="E5"><v>7</v></c><c><v>8</v></c></row>',
    "attributes in another order and quoting": "<row r='6'><c t=\"s\" r=\"A6\" s=\"1\"><v>0</v></c><c r='B6' s='1'><v>2</v></c>"
                                               '<c r="C6" cm="1" s="2"><v>3</v></c><c r="D6" s="1" t="n" xml:space="preserve"><v>4</v></c></row>',
    "shared formulas": '<row r="7"><c r="A7"><f t="shared" ref="A7:B7" si="0">C1+1</f><v>1.8</v></c><c r="B7"><f t="shared" si="0"/><v>2.8</v></c></row>',
}


@pytest.mark.parametrize("name", SPELLINGS)
def test_worksheet_scan_reads_every_cell_as_the_element_tree(name):
    """The fast text scan (read_worksheet) and the ElementTree walk give the same cells, values,
    formulas, errors, number formats and merged ranges, however the cells are spelled."""
    from xlcheck.package import _scan_worksheet, read_worksheet, walk_worksheet

    data = worksheet(SPELLINGS[name], tail='<mergeCells count="2"><mergeCell ref="A1:C1"/><mergeCell ref="$B$3:A2"/></mergeCells>')
    assert _scan_worksheet(data, STRINGS, FORMATS) is not None  # read by the scan, not handed over
    scanned = read_worksheet(data, STRINGS, FORMATS)
    assert scanned == walk_worksheet(data, STRINGS, FORMATS)
    assert scanned[1] == [(1, 1, 1, 3), (2, 1, 3, 2)]


def test_worksheet_scan_details():
    """What the scan must keep: an 80% stays 0.8 with its percent format, text keeps its line end (as
    XML reads it) and escapes, a formula without a cached value has no value."""
    from xlcheck.package import read_worksheet

    cells, _ = read_worksheet(worksheet(SPELLINGS["as Excel writes it"] + SPELLINGS["inline strings"]), STRINGS, FORMATS)
    assert cells[(1, 3)] == SourceCell(Decimal("0.8"), None, None, "0%")
    assert cells[(1, 6)].value == Decimal("9.96")
    assert (1, 5) not in cells and (3, 6) not in cells  # an empty shared string, a blank number
    assert cells[(3, 2)] == SourceCell(None, "A1+1", None, "General")
    assert cells[(3, 1)] == SourceCell(None, "1/0", "#DIV/0!", "General")
    assert cells[(3, 4)] == SourceCell("a&b", '"a"&"b"', None, "General")
    assert cells[(2, 1)].value == " x<y一中\nz\t "
    assert cells[(2, 2)].value == "完成率"


@pytest.mark.parametrize("cells, root, p", [
    ('<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row>', f'<x:worksheet xmlns:x="{MAIN_NS}">', "x:"),
    ('<row r="1"><!-- <c r="A1"><v>1</v></c> --><c r="B1"><v>2</v></c></row>', f'<worksheet xmlns="{MAIN_NS}">', ""),
    ('<row r="1"><c r="A1" t="str"><v><![CDATA[a<b]]></v></c></row>', f'<worksheet xmlns="{MAIN_NS}">', ""),
    ('<row r="1"><c r="A1" xmlns:y="urn:y"><v>1</v></c></row>', f'<worksheet xmlns="{MAIN_NS}">', ""),
    ('<row r="1"><y:c r="A1"><y:v>1</y:v></y:c><c r="B1"><v>2</v></c></row>', f'<worksheet xmlns="{MAIN_NS}" xmlns:y="{MAIN_NS}">', ""),
    ('<row r="1"><c r="A1"><v>1</v></c></row>', '<worksheet>', ""),
    ('<row r="1"><c r="A1"><v>1</v></c></row>', '<worksheet xmlns="urn:not-spreadsheetml">', ""),
    ('<row r="1"><c r="A1"><v>1</v></c ><c r="B1"><v>2</v></c></row>', f'<worksheet xmlns="{MAIN_NS}">', ""),
    ('<row r="1"><c r="A1"><v>1</v></c><c r="A1"><v></v></c><c r="B1" t="s"><v>1</v></c><c r="B1"><v>3</v></c></row>', f'<worksheet xmlns="{MAIN_NS}">', ""),
    ('<row><c s="1"/><c r="B1"><v>1</v></c><c/></row><row><c r="C2"><f>B1</f><v>1</v></c></row>', f'<worksheet xmlns="{MAIN_NS}">', ""),
    ('<row r="1"><c r="A1"><v>1</v></c><sheetData/></row><row r="2"><c r="A2"><v>2</v></c></row>', f'<worksheet xmlns="{MAIN_NS}">', ""),
    ('<row r="1"><c r="A1"><v>1</v><sheetData></sheetData></c></row><row r="2"><c r="A2"><v>2</v></c></row>', f'<worksheet xmlns="{MAIN_NS}">', ""),
])
def test_unusual_worksheets_read_as_the_element_tree_reads_them(cells, root, p):
    from xlcheck.package import read_worksheet, walk_worksheet

    data = worksheet(cells, root=root, p=p)
    assert read_worksheet(data, STRINGS, FORMATS) == walk_worksheet(data, STRINGS, FORMATS)


SHEET_DATA = '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
MERGES = '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>'


@pytest.mark.parametrize("body", [
    SHEET_DATA + '<sheetProtection sheet="1" objects="1"/>' + MERGES,
    SHEET_DATA + MERGES + MERGES.replace("A1:B1", "A2:B2"),
    MERGES + SHEET_DATA,
    SHEET_DATA + f'<extLst><ext uri="x">{MERGES}</ext></extLst>',
    SHEET_DATA + f'<y:mergeCells xmlns:y="{MAIN_NS}"><y:mergeCell ref="A1:B1"/></y:mergeCells>',
    SHEET_DATA + MERGES.replace("<mergeCells", '<mergeCells xmlns="urn:other"'),
    SHEET_DATA + MERGES.replace("<mergeCell ", '<mergeCell xmlns="urn:other" '),
    SHEET_DATA + "<mergeCells><mergeCell foo=\" ref='A1:A2'\" ref=\"B1:B2\"/><mergeCell ref='$C$1:D3' /></mergeCells>",
    SHEET_DATA + '<mergeCells><foo><mergeCell ref="A1:B1"/></foo><mergeCell ref="A2:B2"></mergeCell></mergeCells>',
    '<sheetData/><mergeCells/>',
])
def test_merged_ranges_read_as_the_element_tree_reads_them(body):
    """The merged ranges are each <mergeCell>'s ref in each <mergeCells> that is a child of the root,
    wherever the part places them and however it spells them (a scan hands any doubt to ElementTree)."""
    from xlcheck.package import read_worksheet, walk_worksheet

    data = f'<worksheet xmlns="{MAIN_NS}">{body}</worksheet>'.encode()
    assert read_worksheet(data, STRINGS, FORMATS) == walk_worksheet(data, STRINGS, FORMATS)


@pytest.mark.parametrize("cells, message", [
    ('<row r="2"><c r="C2"><v>NaN</v></c></row>', "cell C2 holds 'NaN'"),
    ('<row r="2"><c r="C2" t="s"><v>99</v></c></row>', "cell C2 holds '99'"),
    ('<row r="2"><c r="C2"><v>1</v></c><c r="C2"><v>2</v></c></row>', "two cells at C2"),
    ('<row r="2"><c r="C2"><v>1</v></c><c r="C2"><v>1</v></c></row>', "two cells at C2"),
    ('<row r="2"><c r="C2"><v>1</v></c><c r="C2"><v>2</v></c><c r="D2"><v>NaN</v></c></row>', "two cells at C2"),
    ('<row r="2"><c r="B2"><v>NaN</v></c><c r="C2"><v>1</v></c><c r="C2"><v>2</v></c></row>', "cell B2 holds 'NaN'"),
])
def test_bad_cells_are_refused_alike(cells, message):
    from xlcheck.package import read_worksheet, walk_worksheet

    for read in (read_worksheet, walk_worksheet):
        with pytest.raises(ValueError, match=message):
            read(worksheet(cells), STRINGS, FORMATS)


def test_source_cells_are_frozen_values():
    """SourceCell sets its fields itself (faster than the dataclass's __init__) and stays a frozen value:
    equal and hashed by its fields, keywords and defaults as declared, replace() and pickling work."""
    import dataclasses
    import pickle

    cell = SourceCell(Decimal("0.8"), None, None, "0%")
    assert cell == SourceCell(value=Decimal("0.8"), number_format="0%") and hash(cell) == hash(SourceCell(Decimal("0.8"), number_format="0%"))
    assert cell != SourceCell(Decimal("0.8")) and SourceCell("x") == SourceCell("x", None, None, "General")
    assert dataclasses.replace(cell, number_format="General") == SourceCell(Decimal("0.8"))
    assert pickle.loads(pickle.dumps(cell)) == cell and repr(cell) == "SourceCell(value=Decimal('0.8'), formula=None, error=None, number_format='0%')"
    assert cell.display == "80%" and SourceCell(None, "1/0", "#DIV/0!").text == "#DIV/0!"
    with pytest.raises(dataclasses.FrozenInstanceError):
        cell.value = Decimal(1)


def outcome(read, *args):
    """What a reader gives, or the error it raises (a bad cell must be refused alike by both)."""
    try:
        return read(*args)
    except ValueError as exc:
        return f"ValueError: {exc}"


texts = st.lists(st.sampled_from(["a", " ", "完成", "&", "<", ">", '"', "'", "\r\n", "\r", "\t", "_x0009_", "_x", "1", "%"]),
                 max_size=6).map("".join)
numbers = st.one_of(st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-10**6, max_value=10**6).map(str),
                    st.sampled_from(["9.960000000000001", "1E-3", " 5 ", "", " ", "NaN", "0.30000000000000004"]))


def escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def cell_xml(draw, ref: str) -> str:
    """One <c> as writers spell it: shared strings, numbers, formulas with and without values, errors,
    booleans, inline strings, with s= and other attributes in the usual and in other orders."""
    kind = draw(st.sampled_from(["s", "n", "n", "f", "str", "e", "b", "d", "inline", "rich", "empty"]))
    s = draw(st.sampled_from(["", ' s="1"', ' s="2"', ' s="7"']))
    if kind == "s":
        return f'<c r="{ref}"{s} t="s"><v>{draw(st.sampled_from(["0", "1", "2", "3", " 1"]))}</v></c>'
    if kind == "n":
        extra = draw(st.sampled_from(["", ' cm="1"', ' t="n"']))
        stored = draw(st.one_of(numbers.map(escaped), st.sampled_from(["&#49;2", "1&#46;5", "\r\n7"])))
        return f'<c r="{ref}"{s}{extra}><v>{stored}</v></c>'
    if kind == "f":
        value = draw(st.one_of(st.none(), numbers))
        return f'<c r="{ref}"{s}><f>{escaped(draw(texts))}</f>{"" if value is None else f"<v>{escaped(value)}</v>"}</c>'
    if kind in ("str", "e", "d"):
        formula = draw(st.sampled_from(["", '<f>"a"&amp;B1</f>', "<f/>"]))
        return f'<c r="{ref}"{s} t="{kind}">{formula}<v>{escaped(draw(texts))}</v></c>'
    if kind == "b":
        return f'<c r="{ref}" t="b"{s}><v>{draw(st.sampled_from(["0", "1", "true", " 1"]))}</v></c>'
    if kind == "inline":
        space = draw(st.sampled_from(["", ' xml:space="preserve"']))
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escaped(draw(texts))}</t></is></c>'
    if kind == "rich":
        return f'<c r="{ref}" t="inlineStr"><is><r><t>{escaped(draw(texts))}</t></r><r><rPr><b/></rPr><t>率</t></r></is></c>'
    return f'<c r="{ref}"{s}/>'


@st.composite
def sheet_xml(draw) -> bytes:
    places = draw(st.lists(st.tuples(st.integers(1, 9), st.sampled_from(["A", "B", "C", "AA"])), unique=True, max_size=14))
    rows: dict[int, list[str]] = {}
    for row, letters in sorted(places):
        rows.setdefault(row, []).append(draw(cell_xml(f"{letters}{row}")))
    cells = "".join(f'<row r="{row}">{"".join(found)}</row>' for row, found in rows.items())
    ranges = draw(st.lists(st.sampled_from(["A1:C1", "B3:B9", "C2:A1", "AA9:A9", "$A$4:B5", "D7"]), max_size=4))
    spelling = draw(st.sampled_from(['<mergeCell ref="{}"/>', "<mergeCell ref='{}' />"]))
    tail = f'<mergeCells count="{len(ranges)}">{"".join(spelling.format(r) for r in ranges)}</mergeCells>' if ranges else ""
    return worksheet(cells, tail=tail)


@settings(max_examples=150, deadline=None)
@given(st.lists(sheet_xml(), min_size=1, max_size=3))
def test_generated_worksheets_read_by_the_scan_as_by_the_element_tree(parts):
    """The scan (what it works out once per workbook shared by the sheets, as read_package shares it) gives
    every worksheet's cells, values, formulas, errors, formats and merged ranges exactly as the
    ElementTree walk gives them, and refuses the same bad cells with the same message."""
    from xlcheck.package import WorkbookScan, _scan_worksheet, read_worksheet, walk_worksheet

    memo = WorkbookScan()
    for data in parts:
        assert outcome(_scan_worksheet, data, STRINGS, FORMATS) is not None  # read by the scan, not handed over
        assert outcome(read_worksheet, data, STRINGS, FORMATS, memo) == outcome(walk_worksheet, data, STRINGS, FORMATS)


def string_table(items: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<sst xmlns="{MAIN_NS}" count="9" '
            f'uniqueCount="9">{items}</sst>').encode()


STRING_TABLES = {  # name: (the <si> items, whether the scan reads them)
    "as Excel writes it": ('<si><t>项目名称</t></si><si><t xml:space="preserve"> 完成率 </t></si><si><t></t></si>', True),
    "references, line ends and escapes": ("<si><t>A&amp;B&lt;&#x4E00;&#20013;\r\nz_x0009_&#13;</t></si>", True),
    "laid out on lines": ("\r\n  <si>\r\n    <t>甲</t>\r\n  </si>\r\n  <si><t>乙</t></si>\r\n", True),
    "formatted runs": ('<si><r><t>完成</t></r><r><rPr><b/></rPr><t xml:space="preserve">率 </t></r></si><si><t>x</t></si>', False),
    "phonetic text": ("<si><t>漢</t><rPh sb='0' eb='1'><t>カン</t></rPh><phoneticPr fontId='1'/></si>", False),
    "an empty <t/>": ("<si><t/></si><si><t>y</t></si>", False),
    "a comment": ("<si><t>a</t></si><!-- <si><t>b</t></si> -->", False),
    "CDATA": ("<si><t><![CDATA[a<b]]></t></si>", False),
    "the other quote": ("<si><t xml:space='preserve'> a</t></si>", False),
}


@pytest.mark.parametrize("name", STRING_TABLES)
def test_shared_strings_scan_reads_as_the_parser(name):
    """The shared strings read by the text scan equal the ElementTree reading; a table the scan does not
    read plainly (runs, phonetic text, comments ...) is left to the parser."""
    from xlcheck.package import _scan_strings, parse_strings

    items, plain = STRING_TABLES[name]
    data = string_table(items)
    scanned = _scan_strings(data)
    assert (scanned is not None) == plain
    if plain:
        assert scanned == parse_strings(data)
    assert parse_strings(data) == {"as Excel writes it": ["项目名称", " 完成率 ", ""], "formatted runs": ["完成率 ", "x"],
                                   "laid out on lines": ["甲", "乙"]}.get(name, parse_strings(data))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(texts, st.sampled_from(["<si><t>{}</t></si>", '<si><t xml:space="preserve">{}</t></si>',
                                                   "<si>\n<t>{}</t>\n</si>", "<si><r><t>{}</t></r></si>"])), max_size=6))
def test_generated_string_tables_read_alike(items):
    from xlcheck.package import _scan_strings, parse_strings

    data = string_table("".join(shape.format(escaped(text)) for text, shape in items))
    scanned = _scan_strings(data)
    assert scanned is None or scanned == parse_strings(data)
    assert (scanned is None) == any("<r>" in shape for _, shape in items)


# ---------------------------------------------------------------- .xls


def test_xls_converted_by_libreoffice(rich, tmp_path, soffice):
    xls = convert_with_soffice(soffice, rich, "xls", tmp_path)
    assert xls.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    misnamed = tmp_path / "old.xlsx"
    misnamed.write_bytes(xls.read_bytes())
    assert detect_format(misnamed) == "xls"
    sheets = read_sheets(misnamed)
    assert [s.name for s in sheets][:4] == [MAIN_SHEET, "附表", "隐藏表", "深藏表"]
    assert [s.hidden for s in sheets][:4] == [False, False, True, True]
    main = sheets[0]
    assert main.get(4, 2).value == Decimal("12612.86")
    assert main.get(4, 3).value == Decimal("25225.72")
    assert main.get(4, 4).value == Decimal("0.95")
    assert main.get(5, 3).value == Decimal("100") and isinstance(main.get(5, 3).value, Decimal)
    assert main.get(4, 6).value is True
    assert main.get(1, 1).value == "2023年度项目支出绩效自评表"
    assert main.merged == [(1, 1, 1, 6)]


# ---------------------------------------------------------------- refusals: every one a WorkbookError


def test_missing_empty_and_not_workbook(tmp_path):
    assert error_code(tmp_path / "nope.xlsx") == "missing"
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert error_code(tmp_path / "empty.xlsx") == "empty"
    (tmp_path / "report.xlsx").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    assert error_code(tmp_path / "report.xlsx") == "not_workbook"
    (tmp_path / "notes.xls").write_text("项目,预算\n资金,100\n", encoding="utf-8")
    assert error_code(tmp_path / "notes.xls") == "not_workbook"
    (tmp_path / "word.xls").write_bytes(build_cfb({"WordDocument": b"x" * 100}))
    assert error_code(tmp_path / "word.xls") == "not_workbook"
    assert error_code(tmp_path) == "not_workbook"


def test_encrypted_ooxml(tmp_path):
    path = tmp_path / "secret.xlsx"
    path.write_bytes(build_cfb({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\x00" * 200, "EncryptedPackage": struct.pack("<Q", 9000) + bytes(range(256)) * 40}))
    with pytest.raises(WorkbookError) as caught:
        read_sheets(path)
    assert caught.value.code == "encrypted"
    assert caught.value.message.startswith('文件 "secret.xlsx" 已加密（设置了打开密码），无法读取。请去掉密码后另存为 .xlsx 再检查。')
    assert "(encrypted workbook)" in caught.value.message


def test_corrupt_packages(rich, tmp_path):
    data = rich.read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    assert error_code(tmp_path / "cut.xlsx") == "corrupt"
    with zipfile.ZipFile(rich) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + 20  # inside the compressed sheet
    (tmp_path / "flipped.xlsx").write_bytes(data[:start] + bytes(b ^ 0x55 for b in data[start : start + 50]) + data[start + 50 :])
    assert error_code(tmp_path / "flipped.xlsx") == "corrupt"
    no_book = tmp_path / "nobook.xlsx"
    no_book.write_bytes(data)
    rewrite_parts(no_book, {"xl/workbook.xml": None, "_rels/.rels": None})
    assert error_code(no_book) == "corrupt"
    bad_xml = tmp_path / "badxml.xlsx"
    bad_xml.write_bytes(data)
    rewrite_parts(bad_xml, {"xl/worksheets/sheet1.xml": lambda b: b[: len(b) // 2]})
    assert error_code(bad_xml) == "corrupt"
    no_sheet = tmp_path / "nosheet.xlsx"
    no_sheet.write_bytes(data)
    rewrite_parts(no_sheet, {"xl/worksheets/sheet2.xml": None})
    assert error_code(no_sheet) == "corrupt"
    bad_number = tmp_path / "badnum.xlsx"
    bad_number.write_bytes(data)
    rewrite_parts(bad_number, {"xl/worksheets/sheet1.xml": lambda b: b.replace(b"<v>12612.86</v>", b"<v>12,612.86</v>")})
    assert error_code(bad_number) == "corrupt"
    odd_encoding = tmp_path / "cp500.xlsx"
    odd_encoding.write_bytes(data)
    rewrite_parts(odd_encoding, {"xl/sharedStrings.xml": lambda b: b.replace(b'encoding="UTF-8"', b'encoding="cp500"')})
    assert error_code(odd_encoding) == "corrupt"


def test_members_inflated_in_one_call_read_as_zipfile_reads_them(rich, tmp_path):
    """Package.read inflates a usual member in one call (_read_plainly): every member of the samples,
    the templates and a package of stored, deflated and UTF-8-named members reads byte for byte as
    zipfile reads it. A damaged member (its data, its local header's name) or one larger than the
    budget left is handed to zipfile, which refuses it in its own words."""
    from conftest import ROOT, SAMPLES
    from xlcheck.package import Package

    mixed = tmp_path / "mixed.xlsx"
    with zipfile.ZipFile(rich) as zin, zipfile.ZipFile(mixed, "w") as zout:
        for i, info in enumerate(zin.infolist()):
            zout.writestr(info.filename, zin.read(info), zipfile.ZIP_STORED if i % 2 else zipfile.ZIP_DEFLATED)
        zout.writestr("xl/media/图表.bin", bytes(range(256)) * 40, zipfile.ZIP_DEFLATED)
        zout.writestr("xl/media/empty.bin", b"", zipfile.ZIP_DEFLATED)
    books = [rich, mixed, *sorted(SAMPLES.glob("*.xlsx")), *sorted((ROOT / "templates").glob("*.xlsx"))]
    for path in books:
        with Package(path) as pkg:
            for info in pkg.infos:
                assert pkg._read_plainly(info)[1] == pkg.zip.read(info), (path.name, info.filename)

    def damaged(name: str, at: str) -> Path:
        copy = tmp_path / f"damaged-{at}.xlsx"
        copy.write_bytes(SAMPLES.joinpath("seed_mistakes.xlsx").read_bytes())
        with zipfile.ZipFile(copy) as z:
            info = z.getinfo(name)
        data = bytearray(copy.read_bytes())
        if at == "data":
            start = info.header_offset + 30 + len(info.filename) + int.from_bytes(data[info.header_offset + 28:info.header_offset + 30], "little")
            data[start + info.compress_size // 2] ^= 0x55
        else:
            data[info.header_offset + 30] = ord("y")  # 'xl/...' named 'yl/...' in the local header only
        copy.write_bytes(bytes(data))
        return copy

    for at in ("data", "name"):
        with Package(damaged("xl/worksheets/sheet2.xml", at)) as pkg:
            assert pkg._read_plainly(pkg.find("xl/worksheets/sheet2.xml")) is None
            with pytest.raises(WorkbookError) as caught:
                pkg.read("xl/worksheets/sheet2.xml")
            assert caught.value.code == "corrupt"
    with Package(SAMPLES / "seed_mistakes.xlsx") as pkg:
        pkg.used = pkg.max_bytes - 1000
        assert pkg._read_plainly(pkg.find("xl/worksheets/sheet1.xml")) is None
        with pytest.raises(WorkbookError) as caught:
            pkg.read("xl/worksheets/sheet1.xml")
        assert caught.value.code == "too_large"


def test_zip_bombs(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 2**20))  # about 1000:1
    assert bomb.stat().st_size < 100_000
    assert error_code(bomb) == "too_large"
    # The total cap, checked from the central directory before anything is unpacked.
    rich_book = write_rich(tmp_path / "r.xlsx")
    assert error_code(rich_book, max_bytes=10_000) == "too_large"
    # Headers that lie about the size: whatever is unpacked still counts, or the zip is refused as corrupt.
    liar = tmp_path / "liar.xlsx"
    raw = bytearray(rich_book.read_bytes())
    with zipfile.ZipFile(rich_book) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    central = raw.find(b"xl/worksheets/sheet1.xml", raw.find(b"PK\x01\x02")) - 46  # its central directory entry
    assert raw[central : central + 4] == b"PK\x01\x02" and info.file_size > 10
    struct.pack_into("<I", raw, central + 24, 10)  # uncompressed size: 10 bytes
    liar.write_bytes(bytes(raw))
    assert error_code(liar) in ("corrupt", "too_large")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol4;</t></si></sst>"""

XXE_SHEET = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment first -->
<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>"""


def test_unsafe_xml_refused(rich, tmp_path):
    laughs = tmp_path / "laughs.xlsx"
    laughs.write_bytes(rich.read_bytes())
    rewrite_parts(laughs, {"xl/sharedStrings.xml": BILLION_LAUGHS})
    assert error_code(laughs) == "unsafe_xml"
    xxe = tmp_path / "xxe.xlsx"
    xxe.write_bytes(rich.read_bytes())
    rewrite_parts(xxe, {"xl/worksheets/sheet2.xml": XXE_SHEET})
    assert error_code(xxe) == "unsafe_xml"
    utf16 = tmp_path / "utf16.xlsx"
    utf16.write_bytes(rich.read_bytes())
    rewrite_parts(utf16, {"xl/worksheets/sheet2.xml": XXE_SHEET.decode().replace("UTF-8", "UTF-16").encode("utf-16")})
    assert error_code(utf16) == "unsafe_xml"
    rels = tmp_path / "rels.xlsx"
    rels.write_bytes(rich.read_bytes())
    rewrite_parts(rels, {"xl/_rels/workbook.xml.rels": lambda b: b.replace(b"?>", b'?><!DOCTYPE r SYSTEM "http://example.invalid/r.dtd">', 1)})
    assert error_code(rels) == "unsafe_xml"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(part=st.sampled_from(["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"]),
       cut=st.floats(0, 1), junk=st.binary(max_size=12))
def test_damaged_parts_give_workbook_errors_only(tmp_path_factory, part, cut, junk):
    path = tmp_path_factory.mktemp("fuzz") / "f.xlsx"
    write_minimal(path, {"S": '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>0.5</v></c></row>'}, strings=["甲"])
    original = read_part(path, part)
    at = int(len(original) * cut)
    rewrite_parts(path, {part: original[:at] + junk + original[at + len(junk):]})
    try:
        read_sheets(path)
    except WorkbookError as exc:
        assert exc.code in ("corrupt", "unsafe_xml")


def test_stored_float_noise_reads_as_excel_shows_it():
    """xlsxwriter and formulas store 9.96 as '9.960000000000001'; Excel holds 15 significant digits."""
    from decimal import Decimal

    from xlcheck.package import excel_number

    assert excel_number("9.960000000000001") == Decimal("9.96")
    assert excel_number("0.30000000000000004") == Decimal("0.3")
    assert excel_number("12612.86") == Decimal("12612.86")
    assert str(excel_number("2000.0000000000001")) == "2000"
