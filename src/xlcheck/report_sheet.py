"""The 核查结果 sheet of a corrected copy: what it shows (report_tables) and its worksheet XML.

The writer (writer.py) edits the package and calls worksheet_xml() for the report sheet's part; what
the sheet holds and how it looks lives here, so the two change independently.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import a1


@dataclass
class Table:
    """One block of the report sheet: a bold header row and data rows (str, int, Decimal, float, None)."""

    header: list[str]
    rows: list[list[object]]


def report_tables(report, fixed: bool) -> list[Table]:
    """The 核查结果 sheet: every finding in fixed columns, then each form's reported and recomputed total."""
    from .api import SEVERITY_WORDS
    from .reader import REPORT_HEADER

    rows = []
    for number, finding in enumerate(report.findings, start=1):
        rows.append([
            number, finding.sheet, finding.cell, finding.form, finding.field, finding.reported, finding.expected,
            SEVERITY_WORDS[finding.severity], finding.message + finding.related_text, "是" if fixed and finding.fixable else "否",
        ])
    if not rows:
        rows.append(["", "", "", "", "", "", "", "", "未发现问题", ""])
    findings = Table(list(REPORT_HEADER), rows)
    totals = Table(
        ["工作表", "表单", "类型", "填报总分", "核算总分"],
        [[c.form.sheet, c.form.name, "部门整体" if c.form.kind == "department" else "项目支出",
          c.form.total, c.settled.get("total")] for c in report.checks],
    )
    return [findings, totals]


def _report_cell(row: int, col: int, value: object, style: int | None) -> str:
    """One report cell: numbers as numbers, everything else as an inline string (never a formula)."""
    from .writer import MAX_CELL_TEXT, number_text, xml_text

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


def worksheet_xml(tables: list[Table], styles) -> str:
    """The report worksheet: tables top to bottom, one blank row between, bold headers, first row frozen.
    `styles` is the writer's style book of the copy (its header_style() is the bold header format)."""
    from .writer import MAIN_NS, REL_NS, display_width

    header_style = styles.header_style()
    rows, widths, number = [], {}, 0
    for index, table in enumerate(tables):
        number += 1 if index == 0 else 2
        lines = [(list(table.header), header_style)] + [(list(r), None) for r in table.rows]
        for line_index, (values, style) in enumerate(lines):
            if line_index:
                number += 1
            cells = "".join(_report_cell(number, col, value, style) for col, value in enumerate(values, 1))
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
