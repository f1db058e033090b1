"""The second hostile corpus (issue 13): files as other programs, other machines and attackers make them.

One builder per case, each taking the folder to build in and returning the path to hand to xlcheck.
`CASES` lists them in the order test_corpus.py runs them; the expected answers live there.

Most cases start from the plain sample `plain_form()`: hostile.small_form with one planted mistake
(预算执行得分 F6 written 19.5, should be 95/100 × 20 = 19), so that a case that is read must give the
same form and the same finding as the plain sample, and a `fix` that lands corrects F6. The
LibreOffice cases start from sample_workbooks/seed_mistakes.xlsx (19 forms) and are converted once
per session (`libreoffice_copies`), in a cache folder.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

from hostile import FORM_SHEET, small_form, small_form_data
from richbook import rewrite_parts

SHEET = "xl/worksheets/sheet1.xml"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CASES: dict[str, Callable[[Path], Path]] = {}


def case(function: Callable[[Path], Path]) -> Callable[[Path], Path]:
    """Register a builder in CASES under its function name."""
    CASES[function.__name__] = function
    return function


def plain_form(path: Path) -> Path:
    """The plain sample: one Hubei project form, 预算执行得分 F6 written 19.5 (should be 19)."""
    data = small_form_data()
    data["projects"][0]["budget"]["score"] = "19.5"
    small_form(path, data)
    return path


def edit_sheet(path: Path, edit: Callable[[str], str], part: str = SHEET) -> Path:
    return rewrite_parts(path, {part: lambda b: edit(b.decode("utf-8")).encode("utf-8")})


def rows_of(xml: str) -> tuple[str, list[str], str]:
    """(head up to <sheetData>, the <row> elements, tail from </sheetData>)."""
    head, rest = xml.split("<sheetData>", 1)
    body, tail = rest.split("</sheetData>", 1)
    return head + "<sheetData>", re.findall(r"<row\b.*?</row>|<row\b[^>]*/>", body, re.S), "</sheetData>" + tail


def add_sheet(path: Path, name: str, sheet_xml: str, *, number: int, kind: str = "worksheet",
              content_type: str = CT_WORKSHEET, folder: str = "worksheets") -> Path:
    """A further sheet (worksheet, chartsheet, macro sheet) with its part, relationship and content type."""
    part = f"xl/{folder}/sheet{number}.xml"
    rel = f'<Relationship Id="rIdX{number}" Type="{REL}/{kind}" Target="{folder}/sheet{number}.xml"/>'
    entry = f'<sheet name="{name}" sheetId="{number}" r:id="rIdX{number}"/>'
    override = f'<Override PartName="/{part}" ContentType="{content_type}"/>'
    return rewrite_parts(path, {
        part: sheet_xml.encode("utf-8"),
        WORKBOOK_RELS: lambda b: b.replace(b"</Relationships>", rel.encode() + b"</Relationships>"),
        WORKBOOK: lambda b: b.replace(b"</sheets>", entry.encode() + b"</sheets>"),
        "[Content_Types].xml": lambda b: b.replace(b"</Types>", override.encode() + b"</Types>"),
    })


def note_sheet(text: str = "说明") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{text}</t></is></c></row></sheetData></worksheet>')


# ---------------------------------------------------------------- sheets as other programs write them


@case
def plain(folder: Path) -> Path:
    """The plain sample itself."""
    return plain_form(folder / "单位自评表.xlsx")


@case
def rows_out_of_order(folder: Path) -> Path:
    """The form's <row> elements written last row first (a generator that appends as it goes)."""
    path = plain_form(folder / "行序颠倒.xlsx")

    def edit(xml: str) -> str:
        head, rows, tail = rows_of(xml)
        return head + "".join(reversed(rows)) + tail

    return edit_sheet(path, edit)


@case
def cells_out_of_order(folder: Path) -> Path:
    """Every row's cells written right to left."""
    path = plain_form(folder / "列序颠倒.xlsx")

    def edit(xml: str) -> str:
        head, rows, tail = rows_of(xml)
        flipped = []
        for row in rows:
            start, _, inner = row.partition(">")
            cells = re.findall(r"<c\b[^>]*/>|<c\b.*?</c>", inner, re.S)
            flipped.append(start + ">" + "".join(reversed(cells)) + "</row>")
        return head + "".join(flipped) + tail

    return edit_sheet(path, edit)


@case
def commented_out_row_in_sheet_data(folder: Path) -> Path:
    """An XML comment inside sheetData holding an old copy of row 6 (F6 = 19.5 in both)."""
    path = plain_form(folder / "表内注释.xlsx")

    def edit(xml: str) -> str:
        row6 = re.search(r'<row r="6".*?</row>', xml, re.S).group(0)
        return xml.replace("<sheetData>", f"<sheetData><!-- 旧版本 {row6} -->", 1)

    return edit_sheet(path, edit)


@case
def processing_instruction_and_cdata(folder: Path) -> Path:
    """A processing instruction between rows and an inline string written as CDATA."""
    path = plain_form(folder / "处理指令.xlsx")

    def edit(xml: str) -> str:
        xml = xml.replace('<row r="6"', '<?generator row="6"?><row r="6"', 1)
        return xml.replace("</sheetData>", '<row r="30"><c r="A30" t="inlineStr"><is><t><![CDATA[备注 <附件> & 说明]]></t></is></c></row></sheetData>')

    return edit_sheet(path, edit)


@case
def namespace_prefixes(folder: Path) -> Path:
    """Every spreadsheet element written with an 'x:' prefix (as some Java and .NET libraries do)."""
    path = plain_form(folder / "命名空间前缀.xlsx")

    def prefixed(xml: str) -> str:
        xml = re.sub(r"<(/?)(?![\w.-]+:)([A-Za-z][\w.-]*)", lambda m: f"<{m.group(1)}x:{m.group(2)}", xml)
        return xml.replace('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                           'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')

    for part in (SHEET, WORKBOOK, "xl/sharedStrings.xml", "xl/styles.xml"):
        edit_sheet(path, prefixed, part)
    return path


@case
def inline_strings_only(folder: Path) -> Path:
    """No sharedStrings part: every text is an inline string (as streaming writers produce)."""
    path = plain_form(folder / "内联字符串.xlsx")
    with zipfile.ZipFile(path) as z:
        strings = re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode("utf-8"), re.S)

    def edit(xml: str) -> str:
        return re.sub(r'<c r="([A-Z]+\d+)"( s="\d+")? t="s"><v>(\d+)</v></c>',
                      lambda m: f'<c r="{m.group(1)}"{m.group(2) or ""} t="inlineStr"><is>{strings[int(m.group(3))]}</is></c>', xml)

    edit_sheet(path, edit)
    return rewrite_parts(path, {"xl/sharedStrings.xml": None,
                                WORKBOOK_RELS: lambda b: re.sub(rb'<Relationship Id="rId4"[^>]*/>', b"", b)})


@case
def shared_formulas(folder: Path) -> Path:
    """The indicator scores G10:G12 as one shared formula (=20*1 with cached 20, written once, followed twice)."""
    path = plain_form(folder / "共享公式.xlsx")

    def edit(xml: str) -> str:
        xml = re.sub(r'(<c r="G10"[^>]*>)<v>20</v>', r'\1<f t="shared" ref="G10:G12" si="0">20*1</f><v>20</v>', xml)
        for ref in ("G11", "G12"):
            xml = re.sub(rf'(<c r="{ref}"[^>]*>)<v>20</v>', r'\1<f t="shared" si="0"/><v>20</v>', xml)
        return xml

    return edit_sheet(path, edit)


@case
def absolute_part_paths(folder: Path) -> Path:
    """Relationship targets written as absolute part names (/xl/worksheets/sheet1.xml)."""
    path = plain_form(folder / "绝对路径.xlsx")
    return rewrite_parts(path, {WORKBOOK_RELS: lambda b: re.sub(rb'Target="(?!/)', b'Target="/xl/', b),
                                "_rels/.rels": lambda b: b.replace(b'Target="xl/', b'Target="/xl/')})


@case
def backslashes_in_zip_names(folder: Path) -> Path:
    """Zip member names with backslashes (xl\\worksheets\\sheet1.xml), as some Windows zip tools write them."""
    path = plain_form(folder / "反斜杠路径.xlsx")
    with zipfile.ZipFile(path) as z:
        items = [(info.filename, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            z.writestr(name.replace("/", "\\") if name.startswith("xl/") else name, data)
    return path


@case
def lying_dimension(folder: Path) -> Path:
    """<dimension ref="A1:B2"/> while the cells reach G14."""
    return edit_sheet(plain_form(folder / "维度不实.xlsx"), lambda xml: xml.replace('<dimension ref="A1:G14"/>', '<dimension ref="A1:B2"/>'))


@case
def no_dimension_no_cell_refs(folder: Path) -> Path:
    """No <dimension>, and no r on any row or cell: positions by order alone."""
    path = plain_form(folder / "无单元格地址.xlsx")

    def edit(xml: str) -> str:
        xml = xml.replace('<dimension ref="A1:G14"/>', "")
        head, rows, tail = rows_of(xml)
        out, expected = [], 1
        for row in rows:
            number = int(re.search(r'<row r="(\d+)"', row).group(1))
            out.extend("<row/>" for _ in range(number - expected))  # empty rows keep the count
            expected = number + 1
            out.append(re.sub(r'\sr="[A-Z]*\d+"', "", row))
        return head + "".join(out) + tail

    return edit_sheet(path, edit)


@case
def huge_sparse_sheet(folder: Path) -> Path:
    """Two stray values at the sheet's far corners (A1048576, XFD1048576): the grid spans 17 billion cells."""
    path = plain_form(folder / "远处孤立单元格.xlsx")

    def edit(xml: str) -> str:
        far = ('<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>末行</t></is></c>'
               '<c r="XFD1048576"><v>1</v></c></row>')
        return xml.replace('<dimension ref="A1:G14"/>', '<dimension ref="A1:XFD1048576"/>').replace("</sheetData>", far + "</sheetData>")

    return edit_sheet(path, edit)


@case
def three_hundred_sheets(folder: Path) -> Path:
    """The form and 299 small note sheets."""
    path = plain_form(folder / "三百个工作表.xlsx")
    parts, rels, entries, overrides = {}, [], [], []
    for number in range(2, 301):
        parts[f"xl/worksheets/sheet{number}.xml"] = note_sheet(f"附表{number}").encode("utf-8")
        rels.append(f'<Relationship Id="rIdX{number}" Type="{REL}/worksheet" Target="worksheets/sheet{number}.xml"/>')
        entries.append(f'<sheet name="附表{number}" sheetId="{number}" r:id="rIdX{number}"/>')
        overrides.append(f'<Override PartName="/xl/worksheets/sheet{number}.xml" ContentType="{CT_WORKSHEET}"/>')
    return rewrite_parts(path, {
        **parts,
        WORKBOOK_RELS: lambda b: b.replace(b"</Relationships>", "".join(rels).encode() + b"</Relationships>"),
        WORKBOOK: lambda b: b.replace(b"</sheets>", "".join(entries).encode() + b"</sheets>"),
        "[Content_Types].xml": lambda b: b.replace(b"</Types>", "".join(overrides).encode() + b"</Types>"),
    })


@case
def cell_of_32767_characters(folder: Path) -> Path:
    """A cell holding Excel's maximum of 32,767 characters, and one with a very long formula-like text."""
    path = plain_form(folder / "超长文本.xlsx")
    long_text = ("说明" * 16384)[:32767]
    extra = (f'<row r="30"><c r="A30" t="inlineStr"><is><t>{long_text}</t></is></c>'
             f'<c r="B30" t="inlineStr"><is><t>={"A" * 8000}</t></is></c></row>')
    return edit_sheet(path, lambda xml: xml.replace("</sheetData>", extra + "</sheetData>"))


@case
def empty_values(folder: Path) -> Path:
    """Cells with an empty <v/>, <v></v> and an empty inline string beside the form."""
    path = plain_form(folder / "空值.xlsx")
    extra = '<row r="30"><c r="A30"><v/></c><c r="B30" t="s"><v></v></c><c r="C30" t="inlineStr"><is><t/></is></c><c r="D30" t="n"><v> </v></c></row>'
    return edit_sheet(path, lambda xml: xml.replace("</sheetData>", extra + "</sheetData>"))


@case
def full_width_and_thousands_separators(folder: Path) -> Path:
    """预算数 typed as text '1,000.00' and 执行数 as full-width '９５０' (rate 95% and score 19 as before)."""
    path = plain_form(folder / "全角与千分位.xlsx")
    budget = '<c r="C6" t="inlineStr"><is><t>1,000.00</t></is></c>'
    spent = '<c r="D6" t="inlineStr"><is><t>９５０</t></is></c>'
    return edit_sheet(path, lambda xml: re.sub(r'<c r="D6"[^>]*>.*?</c>', spent, re.sub(r'<c r="C6"[^>]*>.*?</c>', budget, xml, count=1, flags=re.S), count=1, flags=re.S))


@case
def nan_in_a_cell(folder: Path) -> Path:
    """A number cell holding NaN (no spreadsheet program writes it; Excel refuses the file)."""
    path = plain_form(folder / "非数值.xlsx")
    return edit_sheet(path, lambda xml: xml.replace("</sheetData>", '<row r="30"><c r="A30"><v>NaN</v></c></row></sheetData>'))


@case
def infinity_in_a_cell(folder: Path) -> Path:
    """A number cell holding INF."""
    path = plain_form(folder / "无穷大.xlsx")
    return edit_sheet(path, lambda xml: xml.replace("</sheetData>", '<row r="30"><c r="A30"><v>INF</v></c></row></sheetData>'))


@case
def overlapping_merges(folder: Path) -> Path:
    """Two merged ranges that overlap below the form (Excel repairs them away)."""
    path = plain_form(folder / "合并重叠.xlsx")
    merges = '<mergeCell ref="A30:C31"/><mergeCell ref="B31:D32"/>'
    return edit_sheet(path, lambda xml: re.sub(r'(<mergeCells count=")(\d+)(">)', lambda m: f"{m.group(1)}{int(m.group(2)) + 2}{m.group(3)}{merges}", xml, count=1))


@case
def chartsheet_and_macro_sheet(folder: Path) -> Path:
    """A chartsheet and an Excel 4 macro sheet beside the form: neither is a form, both are kept."""
    path = plain_form(folder / "图表页与宏表.xlsx")
    chart = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetViews><sheetView workbookViewId="0"/></sheetViews></chartsheet>')
    add_sheet(path, "图表", chart, number=2, kind="chartsheet", folder="chartsheets",
              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml")
    macro = note_sheet("=RETURN()").replace("<worksheet ", "<xm:macrosheet xmlns:xm=\"http://schemas.microsoft.com/office/excel/2006/main\" ").replace("</worksheet>", "</xm:macrosheet>")
    return add_sheet(path, "宏表", macro, number=3, kind="xlMacrosheet", folder="macrosheets",
                     content_type="application/vnd.ms-excel.macrosheet+xml")


@case
def workbook_xml_in_latin1(folder: Path) -> Path:
    """workbook.xml declared and encoded as ISO-8859-1 (the sheet name as character references)."""
    path = plain_form(folder / "工作簿编码.xlsx")

    def edit(data: bytes) -> bytes:
        text = data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
        return text.encode("latin-1", "xmlcharrefreplace")

    return rewrite_parts(path, {WORKBOOK: edit})


@case
def workbook_xml_in_utf16(folder: Path) -> Path:
    """workbook.xml and the sheet saved as UTF-16 with a byte-order mark."""
    path = plain_form(folder / "UTF16.xlsx")

    def edit(data: bytes) -> bytes:
        return data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")

    return rewrite_parts(path, {WORKBOOK: edit, SHEET: edit})


# ---------------------------------------------------------------- ambiguous packages: refused


@case
def two_parts_with_one_name(folder: Path) -> Path:
    """The zip holds xl/worksheets/sheet1.xml twice; the second says F6 = 19 (which does a program show?)."""
    path = plain_form(folder / "同名部件.xlsx")
    with zipfile.ZipFile(path) as z:
        second = z.read(SHEET).replace(b"<v>19.5</v>", b"<v>19</v>")
    with zipfile.ZipFile(path, "a") as z:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            z.writestr(SHEET, second)
    return path


@case
def part_names_differing_in_case(folder: Path) -> Path:
    """xl/worksheets/sheet1.xml and xl/worksheets/Sheet1.xml: one part to Excel, two to a zip tool."""
    path = plain_form(folder / "大小写部件.xlsx")
    with zipfile.ZipFile(path) as z:
        second = z.read(SHEET).replace(b"<v>19.5</v>", b"<v>19</v>")
    return rewrite_parts(path, {"xl/worksheets/Sheet1.xml": second})


@case
def part_name_percent_encoded(folder: Path) -> Path:
    """xl/worksheets/sheet%31.xml beside xl/worksheets/sheet1.xml (%31 is '1')."""
    path = plain_form(folder / "编码部件名.xlsx")
    with zipfile.ZipFile(path) as z:
        second = z.read(SHEET).replace(b"<v>19.5</v>", b"<v>19</v>")
    return rewrite_parts(path, {"xl/worksheets/sheet%31.xml": second})


@case
def two_sheets_one_part(folder: Path) -> Path:
    """A second sheet entry whose relationship claims the form's own part."""
    path = plain_form(folder / "两表一部件.xlsx")
    rel = f'<Relationship Id="rId99" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    return rewrite_parts(path, {
        WORKBOOK_RELS: lambda b: b.replace(b"</Relationships>", rel.encode() + b"</Relationships>"),
        WORKBOOK: lambda b: b.replace(b"</sheets>", '<sheet name="副本" sheetId="9" r:id="rId99"/></sheets>'.encode()),
    })


@case
def sheet_names_differing_in_case(folder: Path) -> Path:
    """Sheets named Notes and NOTES: Excel holds them to be one name."""
    path = plain_form(folder / "表名大小写.xlsx")
    add_sheet(path, "Notes", note_sheet("a"), number=2)
    return add_sheet(path, "NOTES", note_sheet("b"), number=3)


@case
def duplicate_cell_in_a_row(folder: Path) -> Path:
    """F6 written twice in its row, 19.5 then 19."""
    path = plain_form(folder / "重复单元格.xlsx")
    return edit_sheet(path, lambda xml: re.sub(r'(<c r="F6"[^>]*><v>19.5</v></c>)', r'\1<c r="F6"><v>19</v></c>', xml))


@case
def excel_2003_xml(folder: Path) -> Path:
    """An Excel 2003 XML spreadsheet (SpreadsheetML) named .xls, as old report systems export."""
    path = folder / "二〇〇三XML.xls"
    path.write_text('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
                    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
                    '<Worksheet ss:Name="测试项目"><Table><Row><Cell><Data ss:Type="String">预算执行情况</Data></Cell></Row></Table></Worksheet></Workbook>',
                    encoding="utf-8")
    return path


@case
def strict_open_xml(folder: Path) -> Path:
    """Strict Open XML namespaces (Excel's 'Strict Open XML Spreadsheet' save format)."""
    path = plain_form(folder / "严格格式.xlsx")
    swap = [(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
            (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships", b"http://purl.oclc.org/ooxml/officeDocument/relationships")]

    def edit(data: bytes) -> bytes:
        for old, new in swap:
            data = data.replace(old, new)
        return data

    return rewrite_parts(path, {name: edit for name in (SHEET, WORKBOOK, WORKBOOK_RELS, "_rels/.rels", "xl/sharedStrings.xml", "xl/styles.xml")})


# ---------------------------------------------------------------- names and places


@case
def name_with_spaces_newline_and_emoji(folder: Path) -> Path:
    """A file name with spaces, a newline, an emoji and ² (GBK has neither)."""
    return plain_form(folder / "2023 年 自评\n表 📊 m².xlsx")


@case
def long_chinese_name(folder: Path) -> Path:
    """A name of 76 Chinese characters: 228 bytes, its .checked.xlsx 241 (fits 255), a temporary name would not."""
    return plain_form(folder / (("关于二〇二三年度区级财政项目支出绩效自评结果" * 4)[:76] + ".xlsx"))


@case
def symlink_to_the_workbook(folder: Path) -> Path:
    """A symbolic link to a workbook in another folder: read through the link, the output beside the link."""
    (folder / "真实位置").mkdir()
    target = plain_form(folder / "真实位置" / "原表.xlsx")
    link = folder / "快捷方式.xlsx"
    link.symlink_to(target)
    return link


# ---------------------------------------------------------------- LibreOffice re-saves of the 19-form sample


def libreoffice_copies(soffice: str, cache: Path, source: Path) -> dict[str, Path]:
    """seed_mistakes re-saved by LibreOffice as .xlsx, .xls and .ods (converted once, into `cache`)."""
    from conftest import convert_with_soffice

    copies = {}
    for fmt, filter_name in (("xlsx", "xlsx:Calc MS Excel 2007 XML"), ("xls", "xls:MS Excel 97"), ("ods", "ods")):
        target = cache / f"seed_mistakes.{fmt}"
        if not target.exists():
            folder = cache / fmt
            folder.mkdir(exist_ok=True)
            produced = convert_with_soffice(soffice, source, filter_name, folder)
            shutil.move(produced, target)
        copies[fmt] = target
    return copies


def xls_copy(soffice: str, cache: Path, name: str, build: Callable[[Path], Path]) -> Path:
    """An .xlsx made by `build`, converted by LibreOffice to .xls once per session."""
    from conftest import convert_with_soffice

    target = cache / f"{name}.xls"
    if not target.exists():
        folder = cache / name
        folder.mkdir(exist_ok=True)
        source = build(folder / f"{name}.xlsx")
        shutil.move(convert_with_soffice(soffice, source, "xls:MS Excel 97", folder / "out"), target)
    return target


def form_with_31_character_sheet_name(path: Path) -> Path:
    """The plain sample whose sheet is named with Excel's maximum of 31 characters."""
    name = ("区级科技创新专项资金绩效自评" * 3)[:31]
    data = small_form_data(name=name)
    data["projects"][0]["budget"]["score"] = "19.5"
    small_form(path, data)
    return path


def form_with_stray_far_cell(path: Path) -> Path:
    """The plain sample with a value in the .xls format's last cell, IV65536."""
    plain_form(path)
    return edit_sheet(path, lambda xml: xml.replace("</sheetData>", '<row r="65536"><c r="IV65536"><v>1</v></c></row></sheetData>'))


def copy_into(source: Path, folder: Path, name: str) -> Path:
    target = folder / name
    shutil.copyfile(source, target)
    return target
