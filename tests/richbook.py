"""Builders of test workbooks: xlsxwriter books, zip part patching, and a tiny OLE2 (CFB) writer."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape as xml_escape

import xlsxwriter

MAIN_SHEET = "项目自评表"


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    """A small red RGB PNG made from scratch."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def write_rich(path: Path) -> Path:
    """A workbook with most things a real self-evaluation form carries.

    Sheet 项目自评表 (protected, visible):
      A1:F1 merged title; row 3 headers; row 4 values:
      B4 12612.86 (#,##0.00), C4 =B4*2 cached 25225.72, D4 0.95 (0.00%), E4 =1/0 cached #DIV/0!,
      F4 TRUE, G4 ="a"&"b" cached "ab", H4 =B4+1 with an empty cached value;
      A5 rich text "完成率说明" in two runs, B5 -3.5, C5 100 (0%), A6 text "=not a formula";
      a comment on A4, a data validation list on B8, conditional formatting on B4:B6,
      an image, a chart, a textbox, column widths and a row height, print titles rows 1:3.
    Sheet 附表: a small table (used by the chart) and a formula over 项目自评表.
    Sheet 隐藏表: hidden. Sheet 深藏表: very hidden. A chartsheet 图表 (skipped by readers).
    A workbook defined name 预算合计 -> 项目自评表!$B$4.
    """
    wb = xlsxwriter.Workbook(str(path))
    money = wb.add_format({"num_format": "#,##0.00", "border": 1})
    pct = wb.add_format({"num_format": "0.00%", "border": 1, "align": "center"})
    pct0 = wb.add_format({"num_format": "0%"})
    bold = wb.add_format({"bold": True, "font_name": "宋体", "font_size": 12, "border": 1})
    title = wb.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    red = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})

    ws = wb.add_worksheet(MAIN_SHEET)
    ws.merge_range("A1:F1", "2023年度项目支出绩效自评表", title)
    ws.set_row(0, 30)
    ws.set_column("A:A", 18)
    ws.set_column("B:H", 12)
    for col, text in enumerate(["项目", "预算数", "执行数", "执行率", "错误", "布尔", "文本公式", "无缓存"]):
        ws.write(2, col, text, bold)
    ws.write_string("A4", "项目资金")
    ws.write_number("B4", 12612.86, money)
    ws.write_formula("C4", "=B4*2", money, 25225.72)
    ws.write_number("D4", 0.95, pct)
    ws.write_formula("E4", "=1/0", None, "#DIV/0!")
    ws.write_boolean("F4", True)
    ws.write_formula("G4", '="a"&"b"', None, "ab")
    ws.write_formula("H4", "=B4+1", None, "")
    ws.write_rich_string("A5", "完成", bold, "率说明")
    ws.write_number("B5", -3.5)
    ws.write_number("C5", 100, pct0)
    ws.write_string("A6", "=not a formula")
    ws.write_comment("A4", "原有批注", {"author": "张三"})
    ws.write_string("A8", "评价等级")
    ws.data_validation("B8", {"validate": "list", "source": ["优", "良", "中", "差"]})
    ws.conditional_format("B4:B6", {"type": "cell", "criteria": "<", "value": 0, "format": red})
    add_rich_parts(wb, ws, MAIN_SHEET, image_at="J2", textbox_at="J10", amount_cell="B4", amount=12612.86)
    wb.close()
    return path


def add_rich_parts(wb, ws, sheet: str, *, image_at: str, textbox_at: str, amount_cell: str, amount: float) -> None:
    """What real workbooks carry besides the cells, added to worksheet `ws` (named `sheet`) of xlsxwriter
    workbook `wb`: a stamp image, a textbox, print titles (rows 1:3), sheet protection; then a sheet 附表
    with a chart and a formula over `amount_cell` (cached amount/100), a hidden and a very hidden sheet,
    a chartsheet 图表, and a defined name 预算合计 -> `amount_cell`."""
    ws.insert_image(image_at, "stamp.png", {"image_data": io.BytesIO(tiny_png())})
    ws.insert_textbox(textbox_at, "说明：本表由单位填报", {"width": 200, "height": 60})
    ws.repeat_rows(0, 2)
    ws.protect("", {"format_columns": True})

    side = wb.add_worksheet("附表")
    side.write_row("A1", ["指标", "数值"])
    side.write_column("A2", ["产出", "效益", "满意度"])
    side.write_column("B2", [20, 30, 50])
    side.write_formula("C2", f"={sheet}!{amount_cell}/100", None, amount / 100)
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"categories": "=附表!$A$2:$A$4", "values": "=附表!$B$2:$B$4", "name": "分值"})
    side.insert_chart("E2", chart)

    hidden = wb.add_worksheet("隐藏表")
    hidden.write("A1", "隐藏内容")
    hidden.hide()
    deep = wb.add_worksheet("深藏表")
    deep.write("A1", 7)
    deep.very_hidden()

    chartsheet = wb.add_chartsheet("图表")
    chart2 = wb.add_chart({"type": "pie"})
    chart2.add_series({"categories": "=附表!$A$2:$A$4", "values": "=附表!$B$2:$B$4"})
    chartsheet.set_chart(chart2)

    column, row = re.match(r"([A-Z]+)(\d+)", amount_cell).groups()
    wb.define_name("预算合计", f"={sheet}!${column}${row}")


def fake_vba_project() -> bytes:
    """A stand-in vbaProject.bin: an OLE2 compound file with the stream names of a VBA project (PROJECT,
    PROJECTwm, dir, _VBA_PROJECT, ThisWorkbook) at its root. Not a loadable VBA project (that needs
    MS-OVBA's compressed dir stream inside a VBA storage, and no installed package ships one); it is
    there to prove the writer carries the part and its content type through byte for byte."""
    return build_cfb({
        "PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"\r\nDocument=ThisWorkbook/&H00000000\r\nName="VBAProject"\r\n',
        "PROJECTwm": b"ThisWorkbook\x00T\x00h\x00i\x00s\x00W\x00o\x00r\x00k\x00b\x00o\x00o\x00k\x00\x00\x00\x00\x00",
        "dir": b"\x01" + bytes(range(200)),
        "_VBA_PROJECT": b"\xcc\x61\xff\xff\x00\x00\x00",
        "ThisWorkbook": b"Attribute VB_Name = \"ThisWorkbook\"\r\nSub Auto_Open()\r\nEnd Sub\r\n",
    })


def write_rich_form(path: Path, data: dict, layout=None) -> dict[str, str]:
    """A form workbook (support.render of `data`, formulas with cached values by default) carrying what
    real ones carry: on the first form sheet a stamp image, a textbox, a comment on the 预算执行得分 and one on
    the 项目名称 label, a data validation list, conditional formatting over the indicator scores, print
    titles and sheet protection; plus add_rich_parts' sheets (chart, hidden, very hidden, chartsheet) and
    defined name. A path ending in .xlsm gets a VBA project (fake_vba_project). Returns render's cell map."""
    from support.render import Layout, render_workbook

    layout = layout or Layout(projects_only=True, formulas=True)

    def decorate(wb, sheets):
        name, ws = next(iter(sheets.items()))
        key = next(k for k in cells if k.endswith("|budget.rate")).rpartition("|")[0]
        score = cells[f"{key}|budget.score"].rpartition("!")[2]
        ws.write_comment(score, "得分由财务科填写", {"author": "李四"})
        ws.write_comment("A3", "名称以批复为准", {"author": "张三"})
        ws.data_validation("H4", {"validate": "list", "source": ["优", "良", "中", "差"]})
        ws.write_string("H3", "评价等级")
        scores = [cells[k].rpartition("!")[2] for k in cells if k.startswith(f"{key}|indicator.") and k.endswith(".score")]
        red = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
        ws.conditional_format(f"{scores[0]}:{scores[-1]}", {"type": "cell", "criteria": "<", "value": 1, "format": red})
        add_rich_parts(wb, ws, name, image_at="I2", textbox_at="I8", amount_cell=cells[f"{key}|budget.budget"].rpartition("!")[2],
                       amount=float(data["projects"][0]["budget"]["budget"]))
        if str(path).lower().endswith(".xlsm"):
            wb.add_vba_project(io.BytesIO(fake_vba_project()), is_stream=True)

    cells = render_workbook(data, io.BytesIO(), layout=layout)  # the addresses, which decorate needs; the same on the real run
    render_workbook(data, path, layout=layout, decorate=decorate)
    return cells


def write_simple(path: Path, sheets: int = 1, rows: int = 20, cols: int = 8) -> Path:
    """Plain numeric/text sheets named 表1..表N; cell (r, c) holds r*1000+c+0.25, column A text."""
    wb = xlsxwriter.Workbook(str(path))
    money = wb.add_format({"num_format": "#,##0.00"})
    for index in range(1, sheets + 1):
        ws = wb.add_worksheet(f"表{index}")
        ws.write_row(0, 0, ["名称"] + [f"列{c}" for c in range(1, cols)])
        for r in range(1, rows):
            ws.write_string(r, 0, f"项目{r}")
            for c in range(1, cols):
                ws.write_number(r, c, r * 1000 + c + 0.25, money)
            ws.write_formula(r, cols, f"=SUM(B{r + 1}:{chr(64 + cols)}{r + 1})", None, sum(r * 1000 + c + 0.25 for c in range(1, cols)))
        ws.merge_range(rows + 1, 0, rows + 1, 2, "合计说明")
    wb.close()
    return path


def rewrite_parts(path: Path, edits: dict[str, Callable[[bytes], bytes] | bytes | None]) -> Path:
    """Rewrite a zip in place: each named part is transformed, replaced, removed (None) or added."""
    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        seen = set()
        for info, data in items:
            seen.add(info.filename)
            if info.filename in edits:
                edit = edits[info.filename]
                if edit is None:
                    continue
                data = edit(data) if callable(edit) else edit
            zout.writestr(info, data)
        for name, edit in edits.items():
            if name not in seen and isinstance(edit, bytes):
                zout.writestr(name, edit)
    return path


def read_part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def build_cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (version 3, 512-byte sectors) holding the given root streams.

    Streams are padded to at least 4096 bytes so they live in regular sectors (no mini stream).
    """
    sector = 512
    end, free, fat_mark = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    names = list(streams)
    datas = [data.ljust(max(4096, -(-len(data) // sector) * sector), b"\x00") for data in streams.values()]
    fat: list[int] = []
    starts = []
    for data in datas:
        count = -(-len(data) // sector)
        first = len(fat)
        starts.append(first)
        fat.extend(range(first + 1, first + count))
        fat.append(end)
    dir_entries = 1 + len(names)
    dir_sectors = -(-dir_entries * 128 // sector)
    dir_start = len(fat)
    fat.extend(range(dir_start + 1, dir_start + dir_sectors))
    fat.append(end)
    fat_sectors = 1
    while len(fat) + fat_sectors > fat_sectors * (sector // 4):
        fat_sectors += 1
    fat_start = len(fat)
    fat.extend([fat_mark] * fat_sectors)
    fat.extend([free] * (fat_sectors * (sector // 4) - len(fat)))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = (name + "\x00").encode("utf-16-le") if name else b""
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", free, right, child)
            + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 1 if names else free, free, end, 0)
    for i, (name, data) in enumerate(zip(names, datas)):
        right = i + 2 if i + 1 < len(names) else free
        directory += entry(name, 2, free, right, starts[i], len(streams[name]))
    directory = directory.ljust(dir_sectors * sector, b"\x00")

    difat = list(range(fat_start, fat_start + fat_sectors)) + [free] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, fat_sectors, dir_start, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", *difat)
    )
    body = b"".join(datas) + directory + struct.pack(f"<{len(fat)}I", *fat)
    return header + body


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MINIMAL_STYLES = (
    f'<styleSheet xmlns="{MAIN_NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def _prefixed(xml: str, prefix: str) -> str:
    """Write every unprefixed element of `xml` with `prefix` (e.g. 'x:')."""
    return re.sub(r"<(/?)(?![\w.-]+:)([A-Za-z][\w.-]*)", lambda m: f"<{m.group(1)}{prefix}{m.group(2)}", xml) if prefix else xml


def write_minimal(path: Path, sheets: dict[str, str], *, strings: list[str] | None = None, styles: str | None = MINIMAL_STYLES,
                  prefix: str = "", absolute_targets: bool = False, sheet_tail: str = "") -> Path:
    """A hand-written .xlsx. `sheets` maps a sheet name to the inner XML of its <sheetData>.

    strings: shared strings (plain text each, or raw <si> content when it starts with '<').
    styles: styles.xml text or None for a package without one. prefix: write the spreadsheet
    elements as 'x:worksheet' etc. absolute_targets: relationship targets as '/xl/...'.
    sheet_tail: XML placed after </sheetData> in every sheet.
    """
    decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    ns = f'xmlns{":" + prefix[:-1] if prefix else ""}="{MAIN_NS}" xmlns:r="{REL_NS}"'
    base = "/xl/" if absolute_targets else ""
    parts: dict[str, str] = {}
    rels, sheet_tags, overrides = [], [], []
    for index, (name, data) in enumerate(sheets.items(), 1):
        parts[f"xl/worksheets/sheet{index}.xml"] = decl + _prefixed(
            f"<worksheet {ns}><sheetData>{data}</sheetData>{sheet_tail}</worksheet>", prefix)
        rels.append(f'<Relationship Id="rId{index}" Type="{REL_NS}/worksheet" Target="{base}worksheets/sheet{index}.xml"/>')
        sheet_tags.append(f'<sheet name="{xml_escape(name, {chr(34): "&quot;"})}" sheetId="{index}" r:id="rId{index}"/>')
        overrides.append(f'<Override PartName="/xl/worksheets/sheet{index}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    extra = len(sheets)
    if strings is not None:
        items = "".join(f"<si>{s}</si>" if s.startswith("<") else f"<si><t>{xml_escape(s)}</t></si>" for s in strings)
        parts["xl/sharedStrings.xml"] = decl + _prefixed(f'<sst xmlns{":" + prefix[:-1] if prefix else ""}="{MAIN_NS}">{items}</sst>', prefix)
        extra += 1
        rels.append(f'<Relationship Id="rId{extra}" Type="{REL_NS}/sharedStrings" Target="{base}sharedStrings.xml"/>')
        overrides.append('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    if styles is not None:
        parts["xl/styles.xml"] = decl + styles
        extra += 1
        rels.append(f'<Relationship Id="rId{extra}" Type="{REL_NS}/styles" Target="{base}styles.xml"/>')
        overrides.append('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>')
    parts["xl/workbook.xml"] = decl + _prefixed(f'<workbook {ns}><sheets>{"".join(sheet_tags)}</sheets></workbook>', prefix)
    parts["xl/_rels/workbook.xml.rels"] = decl + f'<Relationships xmlns="{PKG_REL_NS}">{"".join(rels)}</Relationships>'
    parts["_rels/.rels"] = decl + f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    parts["[Content_Types].xml"] = decl + (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(overrides) + "</Types>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"] + [n for n in parts if n.startswith("xl/") and n not in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")]:
            z.writestr(name, parts[name])
    return path
