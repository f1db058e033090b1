"""The 核查结果 sheet of a corrected copy, laid out for a reviewer who works from it.

    xlcheck 核查结果                                                   (title)
    文件      seed_mistakes.xlsx
    核查时间  2026-12-03 10:05 (UTC+08:00)    xlcheck 0.1.0
    规则配置  hubei（19 张表）；全部规则
    结果      错误 5（已更正 5）  警告 3  提示 2
    序号 级别 工作表 单元格 项目 检查项 填报值 核算值 已更正 说明 规则 相关单元格   (header: frozen, filtered, repeated on each printed page)
    1    错误 科技…   E6     …                                                 (单元格 links to the cell)
    …
    各表汇总
    工作表 表单 类型 规则配置 填报总分 核算总分 错误 警告 等级

Severity is shown by colour (错误 red, 警告 amber, 提示 blue); 填报值 and 核算值 are numbers where they
are numbers (95.12% as 0.9512 in a percent format, with the corrected cell's own number format where it
has one). It prints on A4 landscape, one page wide. The writer (writer.py) edits the package and asks
this module for the sheet's XML and its defined names; `finding_row` tells the notes of corrected
cells which row of this sheet explains them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from .model import a1

TITLE = "xlcheck 核查结果"
FINDINGS_HEADER = ("序号", "级别", "工作表", "单元格", "项目", "检查项", "填报值", "核算值", "已更正", "说明", "规则", "相关单元格")
WIDTHS = (5, 6, 18, 8, 16, 14, 11, 11, 6, 46, 7, 12)  # A4 landscape at ~85%: about 160 character widths
FORMS_HEADER = ("工作表", "表单", "类型", "填报总分", "核算总分", "等级", "规则配置", "错误", "警告")
HEADER_ROWS = 5  # title, 文件, 核查时间, 规则配置, 结果
TABLE_HEADER_ROW = HEADER_ROWS + 2  # a blank row, then the findings' header
SEVERITY_WORDS = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_COLOURS = {"error": ("FFFFC7CE", "FF9C0006"), "warning": ("FFFFEB9C", "FF9C5700"), "info": ("FFDDEBF7", "FF1F4E78")}
HEADER_FILL = "FFD9E1F2"
BORDER_COLOUR = "FFBFBFBF"
LINE_HEIGHT = 15  # points per line of wrapped 11-point text


@dataclass
class Table:
    """One block of a plain report sheet: a bold header row and data rows (str, int, Decimal, float, None)."""

    header: list[str]
    rows: list[list[object]]


def finding_row(number: int) -> int:
    """The sheet row of the report's finding number `number` (1-based): what a corrected cell's note cites."""
    return TABLE_HEADER_ROW + number


def grade(total: Decimal | None) -> str:
    """The grade of a total: 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60 (forms.md §6). 98.54 -> '优'; none for a
    total above 100 (a form whose points do not add up: 164.7 is no grade)."""
    if total is None or total > 100:
        return ""
    return "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"


_SHOWN_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?%?$")


def shown_number(text: str | None) -> Decimal | None:
    """A finding's display value as a number: '19.04' -> 19.04, '95.21%' -> 0.9521, '≥ 90%' -> None."""
    text = (text or "").replace(",", "").strip()
    if not _SHOWN_NUMBER.match(text):
        return None
    try:
        value = Decimal(text.rstrip("%"))
    except InvalidOperation:
        return None
    return value / 100 if text.endswith("%") else value


def percent_format(text: str) -> str:
    """'95.12%' -> '0.00%', '40%' -> '0%': a percentage shown with the decimals it was written with."""
    decimals = len(text.strip().rstrip("%").partition(".")[2])
    return "0." + "0" * decimals + "%" if decimals else "0%"


# ---------------------------------------------------------------- what the sheet says


@dataclass
class ReportSheet:
    """The reworked 核查结果 sheet of one checked workbook."""

    report: object  # api.FileReport, with its checks (forms, profiles, cells)
    fixed: bool
    checked_at: datetime
    version: str

    def defined_names(self, sheet_name: str) -> list[tuple[str, str, bool]]:
        """(name, value, hidden) for the sheet: the findings' header repeated on each printed page. (The
        autofilter needs no _xlnm._FilterDatabase name; without one, a second run on a corrected copy
        leaves workbook.xml exactly as it was.)"""
        quoted = "'" + sheet_name.replace("'", "''") + "'"
        return [("_xlnm.Print_Titles", f"{quoted}!${TABLE_HEADER_ROW}:${TABLE_HEADER_ROW}", False)]

    def worksheet_xml(self, styles) -> str:
        f = _Formats(styles)
        out = _Cells()
        report = self.report
        findings = report.findings
        counts = {s: sum(1 for x in findings if x.severity.value == s) for s in SEVERITY_WORDS}
        fixed = sum(1 for x in findings if self.fixed and x.fixable)
        profiles: dict[str, int] = {}
        for check in report.checks:
            profiles[check.profile.name] = profiles.get(check.profile.name, 0) + 1
        config = getattr(report, "config", None)
        chosen = describe_config(config)

        out.put(1, 1, TITLE, f.title)
        out.height(1, 24)
        lines = [
            ("文件", report.shown_name),
            ("核查时间", f"{self.checked_at:%Y-%m-%d %H:%M} ({self.checked_at:%Z})　　xlcheck {self.version}"),
            ("规则配置", "；".join(f"{name}（{n} 张表）" for name, n in profiles.items()) + f"；{chosen}"),
        ]
        for row, (label, value) in enumerate(lines, start=2):
            out.put(row, 1, label, f.label)
            out.merge(row, 1, row, 2)
            out.put(row, 3, value, f.plain)
        out.put(5, 1, "结果", f.label)
        out.merge(5, 1, 5, 2)
        for col, severity, text in ((3, "error", f"错误 {counts['error']}" + (f"（已更正 {fixed}）" if self.fixed else "")),
                                    (5, "warning", f"警告 {counts['warning']}"), (6, "info", f"提示 {counts['info']}")):
            out.put(5, col, text, f.severity[severity])
        out.merge(5, 3, 5, 4)

        top = TABLE_HEADER_ROW
        out.put_row(top, FINDINGS_HEADER, f.header)
        out.height(top, 2 * LINE_HEIGHT if any(_lines(h, w) > 1 for h, w in zip(FINDINGS_HEADER, WIDTHS)) else LINE_HEIGHT + 3)
        for number, finding in enumerate(findings, start=1):
            row = finding_row(number)
            source = self._source(finding)
            related = list(getattr(finding, "related", None) or [])
            message = finding.message + (finding.related_text if len(related) > 2 else "")
            values = [number, SEVERITY_WORDS[finding.severity.value], finding.sheet, finding.cell, finding.form, finding.field,
                      finding.reported, finding.expected, "是" if self.fixed and finding.fixable else "否", message,
                      finding.rule, related_cells(related, finding.sheet)]
            for col, value in enumerate(values, start=1):
                if col == 12 and related:  # the first related cell is a link too; all of them are in 说明 when many
                    out.put(row, col, value, f.link_wrapped)
                    sheet, _, cell = related[0].rpartition("!")
                    if sheet and _is_cell(cell):
                        out.link(row, col, sheet.strip("'").replace("''", "'"), cell)
                elif col == 2:
                    out.put(row, col, value, f.severity[finding.severity.value])
                elif col == 4:
                    out.put(row, col, value, f.link)
                    out.link(row, col, finding.sheet, finding.cell)
                elif col in (7, 8):
                    number_value = shown_number(value)
                    if number_value is None:
                        out.put(row, col, value, f.text)
                    else:
                        out.put(row, col, number_value, f.number(_number_format(value, source)))
                else:
                    out.put(row, col, value, f.text if col != 1 else f.centre)
            out.height(row, LINE_HEIGHT * max(_lines(str(v), w) for v, w in zip(values, WIDTHS)) + 3)
        if not findings:
            row = finding_row(1)
            out.put_row(row, ["", "", "", "", "", "", "", "", "", "未发现问题", "", ""], f.text)
        last = finding_row(max(len(findings), 1))

        row = last + 2
        out.put(row, 1, "各表汇总", f.section)
        out.merge(row, 1, row, 3)
        row += 1
        # the per-form table reuses the findings' columns: 工作表 spans A:C, 表单 D:E, the totals sit
        # under 填报值 and 核算值, 规则配置 under 说明
        spans = ((1, 3), (4, 5), (6, 6), (7, 7), (8, 8), (9, 9), (10, 10), (11, 11), (12, 12))
        for (first, final), title in zip(spans, FORMS_HEADER):
            out.put(row, first, title, f.header)
            for col in range(first + 1, final + 1):
                out.put(row, col, None, f.header)
            if final > first:
                out.merge(row, first, row, final)
        for check in report.checks:
            row += 1
            form = check.form
            computed = check.settled.get("total")
            own = [x for x in findings if x.sheet == form.sheet and x.form == form.name]
            errors = sum(1 for x in own if x.severity.value == "error")
            warnings = sum(1 for x in own if x.severity.value == "warning")
            values = [form.sheet, form.name, "部门整体" if form.kind == "department" else "项目支出", form.total, computed,
                      grade(computed) if form.total is not None else "", check.profile.name, errors, warnings]
            for ((first, final), value, col_index) in zip(spans, values, range(len(values))):
                style = f.link if col_index == 0 else f.score if col_index in (3, 4) else f.centre if col_index in (5, 7, 8) else f.text
                if col_index == 7 and errors:
                    style = f.severity["error"]
                out.put(row, first, value, style)
                for col in range(first + 1, final + 1):
                    out.put(row, col, None, style)
                if final > first:
                    out.merge(row, first, row, final)
                if col_index == 0:
                    out.link(row, first, form.sheet, (form.total_cell or form.title_cell).address)
            widths = [sum(WIDTHS[c - 1] for c in range(first, final + 1)) for first, final in spans]
            out.height(row, LINE_HEIGHT * max(_lines(str(v), w) for v, w in zip(values, widths)) + 3)

        cols = "".join(f'<col min="{c}" max="{c}" width="{w}" customWidth="1"/>' for c, w in enumerate(WIDTHS, start=1))
        last_col = a1(1, len(FINDINGS_HEADER))[:-1]
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<dimension ref="A1:{last_col}{row}"/>'
            f'<sheetViews><sheetView workbookViewId="0" zoomScale="100"><pane ySplit="{top}" topLeftCell="A{top + 1}" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="A{top + 1}" sqref="A{top + 1}"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="{LINE_HEIGHT}"/><cols>{cols}</cols>'
            f"<sheetData>{out.rows_xml()}</sheetData>"
            f'<autoFilter ref="A{top}:{last_col}{last}"/>'
            + out.merges_xml() + out.links_xml()
            + '<printOptions horizontalCentered="1"/>'
            '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.6" header="0.3" footer="0.3"/>'
            '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
            f'<headerFooter><oddFooter>{_xml(f"&L{report.shown_name}&C第 &P 页，共 &N 页&R{TITLE}")}</oddFooter></headerFooter>'
            "</worksheet>"
        )

    def _source(self, finding):
        """The source cell a finding points to (its number format), when the form read it."""
        from .model import CellRef
        from .model import parse_a1

        try:
            row, col = parse_a1(finding.cell)
        except ValueError:
            return None
        for check in self.report.checks:
            cell = check.form.cells.get(CellRef(finding.sheet, row, col))
            if cell is not None:
                return cell
        return None


def related_cells(related: list[str], own_sheet: str) -> str:
    """The 相关单元格 column: up to two cells, else the first and how many ('E12 等 18 处'); a cell on
    the finding's own sheet without the sheet's name (LibreOffice does not wrap a link's text)."""
    shown = [cell[len(own_sheet) + 1:] if cell.startswith(own_sheet + "!") else cell for cell in related]
    if len(shown) <= 2:
        return "；".join(shown)
    return f"{shown[0]} 等 {len(shown)} 处"


def _is_cell(text: str) -> bool:
    return re.fullmatch(r"\$?[A-Z]{1,3}\$?[1-9][0-9]*", text) is not None


def describe_config(config) -> str:
    """'全部规则', or what the configuration chose: '忽略 XC103；XC306 改为提示（…/xlcheck.toml）'."""
    if config is None:
        return "全部规则"
    parts = []
    if config.select is not None:
        parts.append("只查 " + "、".join(config.select))
    if config.ignore:
        parts.append("忽略 " + "、".join(config.ignore))
    parts.extend(f"{code} 改为{SEVERITY_WORDS[s.value]}" for code, s in config.severities.items())
    text = "；".join(parts) or "全部规则"
    return text + (f"（{config.source}）" if config.source else "")


def _number_format(shown: str, source) -> str:
    """The number format of a 填报值/核算值 cell: the corrected cell's own, where it shows every decimal of
    the value (a score 16.7 in a '0' format would show 17), else one that does."""
    own = source.number_format if source is not None and isinstance(source.value, Decimal) else ""
    decimals = len(shown.strip().rstrip("%").partition(".")[2])
    fits = own not in ("General", "") and _format_decimals(own) >= decimals
    if shown.strip().endswith("%"):
        return own if fits and "%" in own else percent_format(shown)
    return own if fits and "%" not in own else "General"


def _format_decimals(code: str) -> int:
    """The decimals a number format shows: '0' -> 0, '#,##0.00' -> 2, '0.0%' -> 1 (its first section)."""
    section = re.sub(r'"[^"]*"|\\.', "", code.split(";")[0])
    return len(re.match(r"[0#?]*", section.partition(".")[2]).group(0)) if "." in section else 0


def _lines(text: str, width: int) -> int:
    """Lines a wrapped text takes in a column `width` characters wide (CJK characters count double)."""
    if not text:
        return 1
    usable = max(width - 1, 1)
    if 2 * len(text) <= usable and "\n" not in text:  # fits even if every character is wide: most cells
        return 1
    return sum(max(1, math.ceil(display_width(line) / usable)) for line in str(text).split("\n"))


def _xml(text: str) -> str:
    return xml_text(text)


# ---------------------------------------------------------------- cells, merges, links


class _Cells:
    """The sheet's cells by row, its merged ranges, row heights and internal hyperlinks."""

    def __init__(self):
        self.cells: dict[int, dict[int, str]] = {}
        self.heights: dict[int, float] = {}
        self.merges: list[str] = []
        self.links: list[str] = []

    def put(self, row: int, col: int, value: object, style: int | None) -> None:
        self.cells.setdefault(row, {})[col] = cell_xml(row, col, value, style)

    def put_row(self, row: int, values, style: int | None) -> None:
        for col, value in enumerate(values, start=1):
            self.put(row, col, value, style)

    def height(self, row: int, points: float) -> None:
        self.heights[row] = points

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        self.merges.append(f"{a1(first_row, first_col)}:{a1(last_row, last_col)}")

    def link(self, row: int, col: int, sheet: str, cell: str) -> None:
        """An internal hyperlink: clicking the cell goes to sheet!cell (no relationship needed)."""
        location = "'" + sheet.replace("'", "''") + "'!" + cell
        self.links.append(f'<hyperlink ref="{a1(row, col)}" location="{xml_attr(location)}" display="{xml_attr(cell)}"/>')

    def rows_xml(self) -> str:
        rows = []
        for row in sorted(self.cells):
            height = self.heights.get(row)
            attrs = f' ht="{height:g}" customHeight="1"' if height else ""
            rows.append(f'<row r="{row}"{attrs}>' + "".join(self.cells[row][c] for c in sorted(self.cells[row])) + "</row>")
        return "".join(rows)

    def merges_xml(self) -> str:
        return f'<mergeCells count="{len(self.merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in self.merges) + "</mergeCells>" if self.merges else ""

    def links_xml(self) -> str:
        return "<hyperlinks>" + "".join(self.links) + "</hyperlinks>" if self.links else ""


def cell_xml(row: int, col: int, value: object, style: int | None) -> str:
    """One report cell: numbers as numbers, everything else as an inline string (never a formula)."""
    ref = a1(row, col)
    s = f' s="{style}"' if style else ""
    if value is None:
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float, Decimal)):
        try:
            return f'<c r="{ref}"{s}><v>{number_text(value)}</v></c>'
        except ValueError:  # NaN, infinity: shown as text
            pass
    text = xml_text(str(value)[:MAX_CELL_TEXT])
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


# ---------------------------------------------------------------- cell formats


BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}


class _Formats:
    """The report's cell formats, added to the copy's styles.xml through the writer's style book
    (each distinct format once; a copy corrected again reuses what it finds)."""

    def __init__(self, styles):
        self.styles = styles
        self.p = styles.p
        self.cache: dict[tuple, int] = {}
        fonts = styles.items("fonts", "font")
        name = re.search(r'<(?:\w+:)?name\s+val="([^"]*)"', fonts[0]) if fonts else None
        self.font_name = name.group(1) if name else "Calibri"
        self.title = self.xf(bold=True, size=14)
        self.label = self.xf(bold=True, colour="FF595959")
        self.plain = self.xf()
        self.section = self.xf(bold=True, size=12)
        self.header = self.xf(bold=True, fill=HEADER_FILL, border=True, wrap=True, horizontal="center", vertical="center")
        self.text = self.xf(border=True, wrap=True)
        self.centre = self.xf(border=True, horizontal="center")
        self.link = self.xf(border=True, colour="FF0563C1", underline=True)
        self.link_wrapped = self.xf(border=True, colour="FF0563C1", underline=True, wrap=True)
        self.score = self.xf(border=True, num_fmt="0.00")
        self.severity = {s: self.xf(bold=True, fill=fill, colour=font, border=True, horizontal="center")
                         for s, (fill, font) in SEVERITY_COLOURS.items()}

    def number(self, code: str) -> int:
        return self.xf(border=True, num_fmt=code, horizontal="right")

    def xf(self, *, bold=False, size=11, colour=None, underline=False, fill=None, border=False, wrap=False,
           horizontal=None, vertical="top", num_fmt="General") -> int:
        key = (bold, size, colour, underline, fill, border, wrap, horizontal, vertical, num_fmt)
        if key in self.cache:
            return self.cache[key]
        p, add = self.p, self.styles.add
        font = (f"<{p}font>" + (f"<{p}b/>" if bold else "") + (f"<{p}u/>" if underline else "") + f'<{p}sz val="{size}"/>'
                + (f'<{p}color rgb="{colour}"/>' if colour else "") + f'<{p}name val="{_xml(self.font_name)}"/></{p}font>')
        font_id = add("fonts", font, "font")
        fill_id = 0
        if fill:
            fill_id = add("fills", f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="{fill}"/>'
                                   f'<{p}bgColor indexed="64"/></{p}patternFill></{p}fill>', "fill")
        border_id = 0
        if border:
            side = f'<{p}color rgb="{BORDER_COLOUR}"/>'
            border_id = add("borders", f'<{p}border><{p}left style="thin">{side}</{p}left><{p}right style="thin">{side}</{p}right>'
                                       f'<{p}top style="thin">{side}</{p}top><{p}bottom style="thin">{side}</{p}bottom><{p}diagonal/></{p}border>', "border")
        fmt_id = self._format_id(num_fmt)
        align = (f'<{p}alignment' + (f' horizontal="{horizontal}"' if horizontal else "") + f' vertical="{vertical}"'
                 + (' wrapText="1"' if wrap else "") + "/>")
        xf = (f'<{p}xf numFmtId="{fmt_id}" fontId="{font_id}" fillId="{fill_id}" borderId="{border_id}" xfId="0" '
              f'applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">{align}</{p}xf>')
        self.cache[key] = add("cellXfs", xf, "xf")
        return self.cache[key]

    def _format_id(self, code: str) -> int:
        if code in BUILTIN_FORMATS:
            return BUILTIN_FORMATS[code]
        existing = self.styles.items("numFmts", "numFmt")
        for item in existing:
            if get_attr(item, "formatCode") == code:
                return int(get_attr(item, "numFmtId") or 0)
        ids = [int(get_attr(item, "numFmtId") or 0) for item in existing]
        number = max([163, *ids]) + 1
        self.styles.add("numFmts", f'<{self.p}numFmt numFmtId="{number}" formatCode="{xml_attr(code)}"/>', "numFmt")
        return number


# ---------------------------------------------------------------- the writer's entry points


def report_sheet(report, fixed: bool) -> ReportSheet:
    """The 核查结果 sheet for a checked (fixed=False) or corrected (fixed=True) workbook."""
    from . import __version__

    return ReportSheet(report, fixed, datetime.now().astimezone(), __version__)


def worksheet_xml(content, styles) -> str:
    """The report sheet's XML: a ReportSheet, or plain tables (a bold header row each, one blank row
    between; what write_corrected's callers may pass)."""
    if isinstance(content, ReportSheet):
        return content.worksheet_xml(styles)
    return _plain_tables_xml(content, styles)


def defined_names(content, sheet_name: str) -> list[tuple[str, str, bool]]:
    return content.defined_names(sheet_name) if isinstance(content, ReportSheet) else []


def _plain_tables_xml(tables: list[Table], styles) -> str:
    """Tables top to bottom, one blank row between, bold headers, first row frozen."""
    header_style = styles.header_style()
    rows, widths, number = [], {}, 0
    for index, table in enumerate(tables):
        number += 1 if index == 0 else 2
        lines = [(list(table.header), header_style)] + [(list(r), None) for r in table.rows]
        for line_index, (values, style) in enumerate(lines):
            if line_index:
                number += 1
            cells = "".join(cell_xml(number, col, value, style) for col, value in enumerate(values, 1))
            rows.append(f'<row r="{number}">{cells}</row>')
            for col, value in enumerate(values, 1):
                if value is not None:
                    widths[col] = max(widths.get(col, 0), display_width(str(value)))
    last_col = max(widths, default=1)
    dimension = f"A1:{a1(max(number, 1), last_col)}"
    cols = "".join(f'<col min="{c}" max="{c}" width="{min(max(w + 2, 8), 80)}" customWidth="1"/>' for c, w in sorted(widths.items()))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="{dimension}"/>'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + f'<sheetData>{"".join(rows)}</sheetData>'
        '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>'
    )


# At the end, not the top: writer.py imports this module (Table, worksheet_xml) and this one its text
# helpers; whichever is imported first, the other then finds every name it wants already defined.
from .writer import MAIN_NS, MAX_CELL_TEXT, REL_NS, display_width, get_attr, number_text, xml_attr, xml_text  # noqa: E402
