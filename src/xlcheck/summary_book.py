"""The batch summary as an .xlsx a reviewer opens first (`--summary x.xlsx`):

- 汇总: one row per file (文件, 表数, 错误, 已更正, 警告, 输出 — a link to the corrected copy —, 提示,
  说明), a line of totals, then when and with which xlcheck; header frozen, filter, error counts in red;
- 各表: one row per form (文件, 工作表, 表单, 类型, 填报总分, 核算总分, 差额, 等级, 错误, 警告);
- 图表: findings per file (errors and warnings stacked) and the forms' totals, reported against
  recomputed, the forms whose totals differ in red with the recomputed value written beside the bar.

Each sheet prints on A4 landscape, one page wide, its header repeated. Text is always written as text.
"""

from __future__ import annotations

import os
from datetime import datetime
from decimal import Decimal

from .model import Severity

FILE_HEADER = ["文件", "表数", "错误", "已更正", "警告", "输出", "提示", "说明"]
FORM_HEADER = ["文件", "工作表", "表单", "类型", "填报总分", "核算总分", "差额", "等级", "错误", "警告"]
CHART_MAX_FORMS = 60  # more forms than this: the totals chart shows the forms whose totals differ
RED, AMBER, BLUE, GREY, HEADER_FILL = "#C00000", "#ED7D31", "#5B9BD5", "#A5A5A5", "#D9E1F2"


def _display(path) -> str:
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def write_summary_book(reports: list, handle) -> None:
    """Write the summary workbook for `reports` (batch FileReports) to a binary handle."""
    import xlsxwriter

    from . import __version__
    from .report_sheet import grade
    from .writer import display_width

    book = xlsxwriter.Workbook(handle, {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                                        "in_memory": True})
    f = {
        "header": book.add_format({"bold": True, "bg_color": HEADER_FILL, "border": 1, "border_color": "#BFBFBF",
                                   "align": "center", "valign": "vcenter", "text_wrap": True}),
        "text": book.add_format({"border": 1, "border_color": "#BFBFBF", "valign": "top", "text_wrap": True}),
        "number": book.add_format({"border": 1, "border_color": "#BFBFBF", "valign": "top"}),
        "score": book.add_format({"border": 1, "border_color": "#BFBFBF", "valign": "top", "num_format": "0.00"}),
        "error": book.add_format({"border": 1, "border_color": "#BFBFBF", "valign": "top", "bold": True,
                                  "font_color": "#9C0006", "bg_color": "#FFC7CE"}),
        "unread": book.add_format({"border": 1, "border_color": "#BFBFBF", "valign": "top", "text_wrap": True,
                                   "font_color": "#9C0006", "bg_color": "#FFC7CE"}),
        "link": book.add_format({"border": 1, "border_color": "#BFBFBF", "valign": "top", "font_color": "#0563C1",
                                 "underline": 1, "text_wrap": True}),
        "total": book.add_format({"bold": True, "top": 2, "valign": "top"}),
        "note": book.add_format({"font_color": "#595959"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
    }
    checked_at = datetime.now().astimezone()
    footer = f"&L&8xlcheck {__version__}  {checked_at:%Y-%m-%d %H:%M}&C&8第 &P 页，共 &N 页&R&8&A"

    def printable(sheet, columns: int) -> None:
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0)
        sheet.set_margins(0.4, 0.4, 0.5, 0.6)
        sheet.set_footer(footer)
        sheet.freeze_panes(1, 0)

    # -- 汇总: one row per file
    files = book.add_worksheet("汇总")
    files.write_row(0, 0, FILE_HEADER, f["header"])
    widths = [40, 6, 6, 7, 6, 40, 6, 40]
    totals = [0, 0, 0, 0, 0]
    for row, report in enumerate(reports, start=1):
        name = _display(report.path)
        files.write_string(row, 0, name, f["text"])
        if report.error is not None:
            counts = [0, 0, 0, 0, 0]
            files.write_string(row, 5, "", f["text"])
            message = f"无法读取：{report.error.message}"
            files.write_string(row, 7, message, f["unread"])
        else:
            info = sum(1 for x in report.findings if x.severity == Severity.INFO)
            warnings = sum(1 for x in report.findings if x.severity == Severity.WARNING)
            counts = [len(report.checks), len(report.errors), report.fixed, warnings, info]
            if report.output:
                # 'FILE:' rather than 'file:': xlsxwriter rewrites file:// links with Windows backslashes,
                # which no other system follows; URL schemes are case-insensitive
                url = "FILE:" + report.output.resolve().as_uri()[len("file:"):]
                files.write_url(row, 5, url, f["link"], _display(report.output))
            else:
                files.write_string(row, 5, "", f["text"])
            files.write_string(row, 7, "", f["text"])
            message = ""
        for col, value in zip((1, 2, 3, 4, 6), counts):
            files.write_number(row, col, value, f["error"] if col == 2 and value else f["number"])
        totals = [a + b for a, b in zip(totals, counts)]
        lines = max(-(-display_width(text) // (width - 1)) for text, width in ((name, widths[0]), (message, widths[7])))
        files.set_row(row, 15 * max(1, lines))
    last = len(reports)
    unread = sum(1 for r in reports if r.error is not None)
    files.write_string(last + 1, 0, f"合计：{len(reports)} 个文件" + (f"，{unread} 个无法读取" if unread else ""), f["total"])
    for col, value in zip((1, 2, 3, 4, 6), totals):
        files.write_number(last + 1, col, value, f["total"])
    files.write_string(last + 3, 0, f"核查时间 {checked_at:%Y-%m-%d %H:%M} ({checked_at:%Z})，xlcheck {__version__}", f["note"])
    for col, width in enumerate(widths):
        files.set_column(col, col, width)
    files.autofilter(0, 0, max(last, 1), len(FILE_HEADER) - 1)
    printable(files, len(FILE_HEADER))

    # -- 各表: one row per form
    forms = book.add_worksheet("各表")
    forms.write_row(0, 0, FORM_HEADER, f["header"])
    form_rows = []
    for number, report in enumerate(reports, start=1):  # [number]: the file's row in 汇总, for the chart's labels
        for check in report.checks:
            form = check.form
            computed = check.settled.get("total")
            own = [x for x in report.findings if x.sheet == form.sheet and x.form == form.name]
            difference = computed - form.total if computed is not None and form.total is not None else None
            form_rows.append([os.path.basename(_display(report.path)), form.sheet, f"[{number}] {form.name}",
                              "部门整体" if form.kind == "department" else "项目支出", _number(form.total), _number(computed),
                              _number(difference), grade(computed) if form.total is not None else "",
                              sum(1 for x in own if x.severity == Severity.ERROR),
                              sum(1 for x in own if x.severity == Severity.WARNING)])
    for row, values in enumerate(form_rows, start=1):
        for col, value in enumerate(values):
            if value is None:
                forms.write_blank(row, col, None, f["text"])
            elif isinstance(value, str):
                forms.write_string(row, col, value, f["text"])
            else:
                style = f["score"] if col in (4, 5, 6) else f["number"]
                if (col == 6 and value) or (col == 8 and value):
                    style = f["error"]
                forms.write_number(row, col, value, style)
    for col, width in enumerate([24, 24, 24, 9, 9, 9, 8, 6, 6, 6]):
        forms.set_column(col, col, width)
    forms.autofilter(0, 0, max(len(form_rows), 1), len(FORM_HEADER) - 1)
    printable(forms, len(FORM_HEADER))

    # -- 图表
    charts = book.add_worksheet("图表")
    charts.write_string(0, 0, "xlcheck 批量核查汇总", f["title"])
    charts.write_string(1, 0, f"{len(reports)} 个文件，{len(form_rows)} 张表；错误 {totals[1]}（已更正 {totals[2]}），"
                              f"警告 {totals[3]}，提示 {totals[4]}。核查时间 {checked_at:%Y-%m-%d %H:%M}，xlcheck {__version__}", f["note"])
    by_file = book.add_chart({"type": "bar", "subtype": "stacked"})
    for col, name, colour in ((2, "错误", RED), (4, "警告", AMBER)):
        by_file.add_series({"name": name, "categories": ["汇总", 1, 0, last, 0], "values": ["汇总", 1, col, last, col],
                            "fill": {"color": colour}, "gap": 60})
    by_file.set_title({"name": "各文件的问题数", "name_font": {"size": 12}})
    by_file.set_x_axis({"name": "条数", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}, "min": 0})
    by_file.set_y_axis({"reverse": True, "num_font": {"size": 8}, "interval_unit": 1})
    by_file.set_legend({"position": "top"})
    height = max(240, 110 + 28 * max(len(reports), 1))
    by_file.set_size({"width": 900, "height": height})
    charts.insert_chart(3, 0, by_file)

    shown = list(range(1, len(form_rows) + 1))
    if len(form_rows) > CHART_MAX_FORMS:
        shown = [i for i, values in enumerate(form_rows, start=1) if values[6]] or shown[:CHART_MAX_FORMS]
    totals_chart = book.add_chart({"type": "bar"})
    if shown == list(range(1, len(form_rows) + 1)) and form_rows:
        categories = ["各表", 1, 2, len(form_rows), 2]
        reported = ["各表", 1, 4, len(form_rows), 4]
        computed = ["各表", 1, 5, len(form_rows), 5]
        rows = form_rows
        title = "各表总分：填报与核算"
    else:  # the forms whose totals differ, copied beside the chart (a chart needs contiguous ranges)
        rows = [form_rows[i - 1] for i in shown]
        first = 60
        charts.write_row(first, 0, ["表单", "填报总分", "核算总分"], f["header"])
        for offset, values in enumerate(rows, start=1):
            charts.write_string(first + offset, 0, values[2])
            for col, value in ((1, values[4]), (2, values[5])):
                if value is not None:
                    charts.write_number(first + offset, col, value)
        categories = ["图表", first + 1, 0, first + len(rows), 0]
        reported = ["图表", first + 1, 1, first + len(rows), 1]
        computed = ["图表", first + 1, 2, first + len(rows), 2]
        title = f"总分不一致的表（共 {len(form_rows)} 张表，其中 {len(rows)} 张）：填报与核算"
    differs = [values[6] not in (None, 0) for values in rows]
    totals_chart.add_series({"name": "填报总分", "categories": categories, "values": reported,
                             "fill": {"color": GREY}, "gap": 40})
    totals_chart.add_series({"name": "核算总分", "categories": categories, "values": computed, "fill": {"color": BLUE},
                             "points": [{"fill": {"color": RED}} if d else None for d in differs],
                             "data_labels": {"value": True, "num_format": "0.00", "font": {"size": 8, "color": RED},
                                             "custom": [None if d else {"delete": True} for d in differs]}})
    values = [v for row in rows for v in (row[4], row[5]) if v is not None]
    low = min(values, default=0)
    totals_chart.set_title({"name": title, "name_font": {"size": 12}})
    totals_chart.set_x_axis({"min": max(0, int(low // 10) * 10 - 10) if values else 0, "max": max(100, max(values, default=100)),
                             "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}, "name": "分"})
    totals_chart.set_y_axis({"reverse": True, "num_font": {"size": 8}, "interval_unit": 1})
    totals_chart.set_legend({"position": "top"})
    totals_chart.set_size({"width": 900, "height": max(300, 110 + 24 * max(len(rows), 1))})
    charts.insert_chart(3 + int(height / 20) + 2, 0, totals_chart)
    charts.set_landscape()
    charts.set_paper(9)
    charts.fit_to_pages(1, 0)
    charts.set_footer(footer)
    book.close()
