"""Broken and hostile inputs, built by code: one function per input, each returning a path in a folder.

Every builder takes the folder to build in and returns the path to hand to xlcheck (a file, or for
one case a directory). `CORPUS` lists them all by name, in the order test_hostile.py runs them;
the expected answers live in test_hostile.py.

The form-level cases start from `small_form_data()`: one clean Hubei project form (budget 100 / 95,
three indicators met, total 99) rendered by support.render, then patched at the cell level.
"""

from __future__ import annotations

import json
import os
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from richbook import build_cfb, read_part, rewrite_parts, tiny_png, write_minimal, write_rich
from support.render import Layout, render_workbook

FORM_SHEET = "测试项目"
CORPUS: dict[str, Callable[[Path], Path]] = {}


def hostile(function: Callable[[Path], Path]) -> Callable[[Path], Path]:
    """Register a builder in CORPUS under its function name."""
    CORPUS[function.__name__] = function
    return function


# ---------------------------------------------------------------- a small clean form to start from


def small_form_data(name: str = FORM_SHEET, indicator_names: tuple[str, str, str] = ("新增企业", "举办活动", "服务对象满意度")) -> dict:
    """One project form: 100 budgeted, 95 spent -> 95.00%, 19; goal 20; three indicators met (20 each); total 99."""
    first, second, third = indicator_names
    return {"projects": [{
        "name": name, "sheet": name, "title": f"2023年度{name}项目自评表", "unit": "区财政局", "date": "2024年1月10日",
        "total": "99", "department": "财政局", "implementer": "预算科",
        "budget": {"item": "年度财政资金总额", "budget": "100", "spent": "95", "rate": "95.00%", "score": "19"},
        "goal": {"target": "完成年度任务", "actual": "已完成", "score": "20"},
        "indicators": [
            {"level1": "产出指标", "level2": "数量指标", "name": first, "target": "10家", "actual": "12家", "score": "20"},
            {"level1": "产出指标", "level2": "数量指标", "name": second, "target": "4场", "actual": "4场", "score": "20"},
            {"level1": "效益指标", "level2": "满意度指标", "name": third, "target": "≥90%", "actual": "95%", "score": "20"},
        ],
        "deviation": "无", "improvement": "无",
    }]}


def small_form(path: Path, data: dict | None = None, layout: Layout = Layout(projects_only=True)) -> dict[str, str]:
    """Render the small form (or `data`) to `path`; returns render_workbook's {key: 'Sheet!A1'}."""
    return render_workbook(data or small_form_data(), path, layout=layout)


def address(cells: dict[str, str], key: str) -> str:
    """'测试项目|budget.score' -> 'F6' (the cell only)."""
    return cells[f"{FORM_SHEET}|{key}"].rpartition("!")[2]


def set_cells(path: Path, part: str, cells: dict[str, str]) -> Path:
    """Replace whole <c> elements of a worksheet part: {'F6': '<c r="F6" t="e"><v>#REF!</v></c>'}.
    The new element keeps the old one's style (s="..") when it has none of its own."""

    def edit(data: bytes) -> bytes:
        xml = data.decode("utf-8")
        for ref, new in cells.items():
            pattern = re.compile(rf'<c r="{ref}"(?P<attrs>[^>]*?)(?:/>|>.*?</c>)', re.S)
            match = pattern.search(xml)
            assert match, f"no cell {ref} in {part}"
            style = re.search(r'\ss="\d+"', match.group("attrs"))
            if style and " s=" not in new.split(">", 1)[0]:
                new = new.replace(f'<c r="{ref}"', f'<c r="{ref}"{style.group(0)}', 1)
            xml = xml[: match.start()] + new + xml[match.end():]
        return xml.encode("utf-8")

    return rewrite_parts(path, {part: edit})


# ---------------------------------------------------------------- not a workbook at all


@hostile
def empty_file(folder: Path) -> Path:
    path = folder / "空文件.xlsx"
    path.write_bytes(b"")
    return path


@hostile
def text_named_xlsx(folder: Path) -> Path:
    path = folder / "导出数据.xlsx"
    path.write_text("项目名称,预算数,执行数\n科技经费,13247,12612.86\n", encoding="utf-8")
    return path


@hostile
def pdf_named_xlsx(folder: Path) -> Path:
    path = folder / "自评报告.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
    return path


@hostile
def png_named_xlsx(folder: Path) -> Path:
    path = folder / "盖章页.xlsx"
    path.write_bytes(tiny_png(40, 30))
    return path


@hostile
def docx_named_xlsx(folder: Path) -> Path:
    """A Word document (an OOXML zip, but word/document.xml, no workbook)."""
    path = folder / "说明.xlsx"
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           "<w:body><w:p><w:r><w:t>绩效自评说明</w:t></w:r></w:p></w:body></w:document>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", doc)
    return path


@hostile
def plain_zip_named_xlsx(folder: Path) -> Path:
    """A zip archive of other files: no [Content_Types].xml, no xl/workbook.xml."""
    path = folder / "附件打包.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("说明.txt", "见附件".encode("utf-8"))
        z.writestr("图片/盖章.png", tiny_png())
    return path


@hostile
def zip_without_workbook_part(folder: Path) -> Path:
    """An .xlsx whose xl/workbook.xml (and the package relationship to it) is missing."""
    path = write_rich(folder / "缺少workbook.xlsx")
    return rewrite_parts(path, {"xl/workbook.xml": None, "_rels/.rels": None})


def _truncated(folder: Path, name: str, keep: Callable[[int], int]) -> Path:
    whole = write_rich(folder / "whole.tmpbuild")
    data = whole.read_bytes()
    whole.unlink()
    path = folder / name
    path.write_bytes(data[: keep(len(data))])
    return path


@hostile
def truncated_to_2_bytes(folder: Path) -> Path:
    return _truncated(folder, "截断2字节.xlsx", lambda n: 2)


@hostile
def truncated_to_100_bytes(folder: Path) -> Path:
    return _truncated(folder, "截断100字节.xlsx", lambda n: 100)


@hostile
def truncated_at_half(folder: Path) -> Path:
    return _truncated(folder, "截断一半.xlsx", lambda n: n // 2)


@hostile
def truncated_in_central_directory(folder: Path) -> Path:
    """Only the last 30 bytes missing: the end-of-central-directory record is gone."""
    return _truncated(folder, "截断末尾.xlsx", lambda n: n - 30)


@hostile
def corrupt_sheet_xml(folder: Path) -> Path:
    """The form's worksheet part cut off in the middle of its XML."""
    path = folder / "表格XML损坏.xlsx"
    small_form(path)
    return rewrite_parts(path, {"xl/worksheets/sheet1.xml": lambda b: b[: len(b) * 2 // 3]})


@hostile
def corrupt_compressed_bytes(folder: Path) -> Path:
    """Bytes flipped inside the compressed worksheet (a damaged download): a zlib or CRC error."""
    path = folder / "下载损坏.xlsx"
    small_form(path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 40
    for i in range(start, start + 64):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


@hostile
def relationship_to_etc_passwd(folder: Path) -> Path:
    """The sheet's relationship points outside the package (../../../etc/passwd): never read from disk."""
    path = folder / "越界引用.xlsx"
    small_form(path)
    return rewrite_parts(path, {"xl/_rels/workbook.xml.rels": lambda b: b.replace(b'Target="worksheets/sheet1.xml"', b'Target="../../../../etc/passwd"')})


@hostile
def xlsb_named_xlsx(folder: Path) -> Path:
    """An Excel binary workbook (.xlsb): a zip with xl/workbook.bin instead of xl/workbook.xml."""
    path = folder / "二进制工作簿.xlsx"
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.bin", b"\x83\x01\x00\x80\x01" + b"\x00" * 64)
    return path


# ---------------------------------------------------------------- hostile XML


BILLION_LAUGHS_DTD = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                      + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
                      + b"]>\n")


@hostile
def billion_laughs_in_shared_strings(folder: Path) -> Path:
    path = folder / "实体炸弹_共享字符串.xlsx"
    small_form(path)
    return rewrite_parts(path, {"xl/sharedStrings.xml": lambda b: BILLION_LAUGHS_DTD + b.split(b"?>", 1)[1].lstrip().replace(b"<t>", b"<t>&lol9;", 1)})


@hostile
def billion_laughs_in_sheet(folder: Path) -> Path:
    path = folder / "实体炸弹_工作表.xlsx"
    write_minimal(path, {"表1": '<row r="1"><c r="A1" t="inlineStr"><is><t>&amp;</t></is></c></row>'})
    return rewrite_parts(path, {"xl/worksheets/sheet1.xml": lambda b: BILLION_LAUGHS_DTD + b.split(b"?>", 1)[1].lstrip().replace(b"<t>&amp;", b"<t>&lol9;")})


@hostile
def external_entity_in_sheet(folder: Path) -> Path:
    """XXE: <!ENTITY xxe SYSTEM "file:///etc/passwd"> used in a cell."""
    path = folder / "外部实体.xlsx"
    small_form(path)
    doctype = b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'

    def edit(data: bytes) -> bytes:
        body = data.split(b"?>", 1)[1].lstrip()
        return doctype + body.replace(b"</sheetData>", b'<row r="1000"><c r="A1000" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData>')

    return rewrite_parts(path, {"xl/worksheets/sheet1.xml": edit})


@hostile
def external_dtd_in_workbook(folder: Path) -> Path:
    """A DOCTYPE pulling an external DTD over the network into workbook.xml."""
    path = folder / "外部DTD.xlsx"
    small_form(path)
    return rewrite_parts(path, {"xl/workbook.xml": lambda b: b.replace(b"?>", b'?><!DOCTYPE workbook SYSTEM "http://attacker.invalid/evil.dtd">', 1)})


# ---------------------------------------------------------------- zip bombs


@hostile
def zip_bomb_by_ratio(folder: Path) -> Path:
    """One worksheet that unpacks 1000:1 to 20 MB (the file is about 20 kB)."""
    path = folder / "压缩炸弹_压缩比.xlsx"
    small_form(path)
    return rewrite_parts(path, {"xl/worksheets/sheet1.xml": lambda b: b.replace(b"</worksheet>", b" " * (20 * 2**20) + b"</worksheet>")})


def _many_members(path: Path, members: int, size: int) -> None:
    """A workbook padded with `members` extra parts of `size` zero bytes each (each under the ratio check's size)."""
    small_form(path)
    blob = b"\x00" * size
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        for i in range(members):
            z.writestr(f"xl/media/padding{i}.bin", blob)


@hostile
def zip_bomb_by_total_size(folder: Path) -> Path:
    """30 parts of 9 MB each: none is a bomb alone, together 270 MB unpacked from a file of about 300 kB."""
    path = folder / "压缩炸弹_总量.xlsx"
    _many_members(path, 30, 9 * 2**20)
    return path


@hostile
def zip_bomb_with_lying_header(folder: Path) -> Path:
    """A 20 MB worksheet whose central directory claims it unpacks to 900 bytes."""
    path = zip_bomb_by_ratio(folder)
    lying = path.with_name("压缩炸弹_虚报大小.xlsx")
    raw = bytearray(path.read_bytes())
    path.unlink()
    name = b"xl/worksheets/sheet1.xml"
    central = raw.find(name, raw.find(b"PK\x01\x02")) - 46
    assert raw[central : central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", raw, central + 24, 900)  # uncompressed size in the central directory (what zipfile trusts)
    lying.write_bytes(bytes(raw))
    return lying


# ---------------------------------------------------------------- encrypted and legacy OLE2 files


@hostile
def encrypted_workbook(folder: Path) -> Path:
    """What Excel saves with an open password: an OLE2 file holding EncryptionInfo and EncryptedPackage."""
    path = folder / "加密.xlsx"
    path.write_bytes(build_cfb({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\x00" * 200,
                                "EncryptedPackage": struct.pack("<Q", 9000) + bytes(range(256)) * 40}))
    return path


@hostile
def legacy_word_document(folder: Path) -> Path:
    """A legacy Word .doc (OLE2 with a WordDocument stream) named .xls."""
    path = folder / "旧版文档.xls"
    path.write_bytes(build_cfb({"WordDocument": b"\xec\xa5\xc1\x00" + b"\x00" * 500, "1Table": b"\x00" * 100}))
    return path


@hostile
def xls_with_garbage_workbook_stream(folder: Path) -> Path:
    """An OLE2 file with a Workbook stream that is not BIFF."""
    path = folder / "损坏的xls.xls"
    path.write_bytes(build_cfb({"Workbook": b"\x09\x08" + os.urandom(600)}))
    return path


@hostile
def zip_member_encrypted(folder: Path) -> Path:
    """A zip whose worksheet carries the zip-level 'encrypted' flag (a password-protected archive)."""
    path = folder / "压缩包密码.xlsx"
    small_form(path)
    raw = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    central = raw.find(name, raw.find(b"PK\x01\x02")) - 46
    struct.pack_into("<H", raw, central + 8, struct.unpack_from("<H", raw, central + 8)[0] | 1)
    offset = struct.unpack_from("<I", raw, central + 42)[0]
    struct.pack_into("<H", raw, offset + 6, struct.unpack_from("<H", raw, offset + 6)[0] | 1)
    path.write_bytes(bytes(raw))
    return path


# ---------------------------------------------------------------- not a file, no permission


@hostile
def directory_named_xlsx(folder: Path) -> Path:
    path = folder / "文件夹.xlsx"
    path.mkdir()
    return path


@hostile
def no_read_permission(folder: Path) -> Path:
    """A real form the user may not read (chmod 000). Has no effect for root: the test skips then."""
    path = folder / "无权限.xlsx"
    small_form(path)
    path.chmod(0)
    return path


@hostile
def missing_file(folder: Path) -> Path:
    return folder / "不存在.xlsx"


# ---------------------------------------------------------------- workbooks without a form


@hostile
def only_an_empty_sheet(folder: Path) -> Path:
    path = folder / "空白表.xlsx"
    write_minimal(path, {"Sheet1": ""})
    return path


@hostile
def text_but_no_form(folder: Path) -> Path:
    path = folder / "通讯录.xlsx"
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{name}</t></is></c><c r="B{r}"><v>{1380000 + r}</v></c></row>'
                   for r, name in enumerate(["张三", "李四", "王五", "自评表说明"], 1))
    write_minimal(path, {"联系人": rows})
    return path


# ---------------------------------------------------------------- forms with unreadable cells


@hostile
def scores_ref_and_div0(folder: Path) -> Path:
    """The budget score holds #REF! (a formula pointing at a deleted cell), an indicator score #DIV/0!."""
    path = folder / "错误值.xlsx"
    cells = small_form(path)
    score, indicator = address(cells, "budget.score"), address(cells, "indicator.1.score")
    return set_cells(path, "xl/worksheets/sheet1.xml", {
        score: f'<c r="{score}" t="e"><f>#REF!*20</f><v>#REF!</v></c>',
        indicator: f'<c r="{indicator}" t="e"><f>20/0</f><v>#DIV/0!</v></c>',
    })


@hostile
def spent_is_ref(folder: Path) -> Path:
    """The 执行数 holds #REF!: rate and budget score cannot be recomputed; the total uses the reported score."""
    path = folder / "执行数错误值.xlsx"
    cells = small_form(path)
    spent = address(cells, "budget.spent")
    return set_cells(path, "xl/worksheets/sheet1.xml", {spent: f'<c r="{spent}" t="e"><f>Sheet2!#REF!</f><v>#REF!</v></c>'})


@hostile
def formulas_without_cached_values(folder: Path) -> Path:
    """Rate, budget score and an indicator score are formulas saved without results (as openpyxl saves them)."""
    path = folder / "公式无缓存.xlsx"
    cells = small_form(path)
    budget, spent, rate, score = (address(cells, f"budget.{k}") for k in ("budget", "spent", "rate", "score"))
    indicator = address(cells, "indicator.0.score")
    return set_cells(path, "xl/worksheets/sheet1.xml", {
        rate: f'<c r="{rate}"><f>{spent}/{budget}</f></c>',
        score: f'<c r="{score}"><f>MIN(20,20*{rate})</f></c>',
        indicator: f'<c r="{indicator}"><f>20*1</f><v></v></c>',
    })


@hostile
def huge_number_in_a_cell(folder: Path) -> Path:
    """A budget typed as 9999999999999995000000000000 and an 执行数 of 1E+300: numbers Excel can hold."""
    path = folder / "超大数值.xlsx"
    cells = small_form(path)
    budget, spent = address(cells, "budget.budget"), address(cells, "budget.spent")
    return set_cells(path, "xl/worksheets/sheet1.xml", {
        budget: f'<c r="{budget}"><v>9999999999999995000000000000</v></c>',
        spent: f'<c r="{spent}"><v>1E+300</v></c>',
    })


# ---------------------------------------------------------------- run again, odd names


@hostile
def already_checked(folder: Path) -> Path:
    """A corrected copy run again: it holds the 核查结果 sheet of an earlier run (and a fixed, highlighted,
    annotated rate), and someone has since typed a wrong budget score 18 into it."""
    from xlcheck.api import fix_workbook

    data = small_form_data()
    data["projects"][0]["budget"]["rate"] = "95.50%"
    source = folder / "source.tmpbuild"
    cells = small_form(source, data)
    path = folder / "上次结果.checked.xlsx"
    report = fix_workbook(source, path)
    assert report.error is None and report.fixed == 1
    source.unlink()
    score = address(cells, "budget.score")
    return set_cells(path, "xl/worksheets/sheet1.xml", {score: f'<c r="{score}"><v>18</v></c>'})


@hostile
def user_sheet_named_like_the_report(folder: Path) -> Path:
    """A form plus the unit's own notes in a sheet that happens to be called 核查结果 (not xlcheck's)."""
    path = folder / "自带核查结果.xlsx"
    small_form(path)
    notes = '<row r="1"><c r="A1" t="inlineStr"><is><t>单位内部核查记录</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>已由科长复核</t></is></c></row>'
    extra = folder / "notes.tmpbuild"
    write_minimal(extra, {"核查结果": notes})
    sheet = read_part(extra, "xl/worksheets/sheet1.xml")
    extra.unlink()
    ws_rel = b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet9.xml"/>'
    ct = b'<Override PartName="/xl/worksheets/sheet9.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    return rewrite_parts(path, {
        "xl/worksheets/sheet9.xml": sheet,
        "xl/_rels/workbook.xml.rels": lambda b: b.replace(b"</Relationships>", ws_rel + b"</Relationships>"),
        "[Content_Types].xml": lambda b: b.replace(b"</Types>", ct + b"</Types>"),
        "xl/workbook.xml": lambda b: b.replace(b"</sheets>", '<sheet name="核查结果" sheetId="9" r:id="rId99"/></sheets>'.encode()),
    })


@hostile
def formula_like_file_name(folder: Path) -> Path:
    """A path that reads like a DDE formula: =cmd|' /C calc'!A0.xlsx (a folder "=cmd|' " holding "C calc'!A0.xlsx",
    since '/' cannot be in a file name), with a mistake, so that fix writes a copy beside it."""
    data = small_form_data()
    data["projects"][0]["budget"]["score"] = "19.5"
    path = folder / "=cmd|' /C calc'!A0.xlsx"
    path.parent.mkdir(exist_ok=True)
    small_form(path, data)
    return path


@hostile
def sheet_named_path_traversal(folder: Path) -> Path:
    """The form's sheet is named ../../evil in workbook.xml (Excel forbids '/', a hand-made package need not)."""
    data = small_form_data()
    data["projects"][0]["budget"]["score"] = "19.5"
    path = folder / "路径穿越表名.xlsx"
    small_form(path, data)
    return rewrite_parts(path, {"xl/workbook.xml": lambda b: b.replace(f'name="{FORM_SHEET}"'.encode(), b'name="../../evil"')})


@hostile
def sheet_named_with_xml_specials(folder: Path) -> Path:
    """A sheet named <表&"1"'> (escaped in workbook.xml as Excel would)."""
    data = small_form_data()
    data["projects"][0]["budget"]["score"] = "19.5"
    path = folder / "特殊字符表名.xlsx"
    small_form(path, data)
    return rewrite_parts(path, {"xl/workbook.xml": lambda b: b.replace(f'name="{FORM_SHEET}"'.encode(), "name=\"&lt;表&amp;&quot;1&quot;'&gt;\"".encode())})


FORMULA_NAMES = ("=HYPERLINK(\"http://x.invalid\",\"点我\")", "+SUM(1,2)", "-2+3", "@cmd")


@hostile
def formula_like_indicator_names(folder: Path) -> Path:
    """A form named =1+1 whose indicator names start with =, +, -, @ and whose scores have mistakes."""
    data = small_form_data(name="=1+1项目", indicator_names=FORMULA_NAMES[:3])
    project = data["projects"][0]
    project["sheet"] = "公式名称"
    project["indicators"][0]["actual"] = "5家"  # half of 10家: 20 x 0.5 = 10, reported 20
    project["deviation"] = "@原因：企业数量不足"
    path = folder / "公式样名称.xlsx"
    small_form(path, data)
    return path


# ---------------------------------------------------------------- helpers for tests


def snapshot(folder: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every entry under folder (recursively): {relative path: (bytes, mtime_ns)}, (None, 0) for a folder.
    Unreadable files (chmod 000 for a non-root user) are recorded without bytes."""
    result = {}
    for entry in sorted(folder.rglob("*")):
        rel = str(entry.relative_to(folder))
        stat = entry.lstat()
        if entry.is_file():
            try:
                result[rel] = (entry.read_bytes(), stat.st_mtime_ns)
            except PermissionError:
                result[rel] = (None, stat.st_mtime_ns)
        else:
            result[rel] = (None, 0)  # a folder: its mtime moves whenever a file is added, so only its presence counts
    return result


def corpus_names() -> list[str]:
    return list(CORPUS)


def describe() -> str:
    """The corpus as JSON lines (name and docstring), for the note."""
    return "\n".join(json.dumps({"name": name, "doc": (f.__doc__ or "").strip()}, ensure_ascii=False) for name, f in CORPUS.items())

