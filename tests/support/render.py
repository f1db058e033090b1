"""Render form data as workbooks that look like the published forms (xlsxwriter).

The data has the shape of ``sample_workbooks/seed_forms.json``: ``{"department": {...}, "projects": [...]}``,
every number as the published string ('13247', '95.21%', '19.04'). `render_workbook` lays each form out
in the 7-column grid of the published forms (merged cells, borders, wrapped text, widths, heights) and
returns where every number went, so that tests can find a value (or a planted mistake) by a stable key:

    '<project name>|budget.budget' | '|budget.spent' | '|budget.rate' | '|budget.score' | '|goal.score'
    '<project name>|indicator.<i>.target' | '.actual' | '.score'          (i: index in the form's indicators)
    '<project name>|total'                          (the header text cell, or the number's own cell)
    '部门整体|basic_spending' | '|project_spending' | '|budget.*' | '|total' | '|transfer'
    '部门整体|goal.<n>.weight'                        (the '年度目标n（w分）：…' text cell)
    '部门整体|goal.<n>.indicator.<i>.target' | '.actual' | '.score'

A project with ``"layout": "national"`` is rendered as the 2020 national template (forms.md §3) in a
10-column grid: 项目资金 block (budget: initial, budget, spent, weight, rate, score; ``parts``: the 其中
lines with initial, budget, spent), 年度总体目标, the indicator table with 分值 and 偏差原因分析及改进措施,
and the 总分 row. Its keys:

    '<name>|budget.initial' | '.budget' | '.spent' | '.weight' | '.rate' | '.score'
    '<name>|part.<i>.initial' | '.budget' | '.spent'           (i: index in the form's parts)
    '<name>|indicator.<i>.target' | '.actual' | '.weight' | '.score'
    '<name>|total'                                          (the 得分 cell of the 总分 row)

Each value is 'Sheet!A1' (split at the last '!'). Only non-empty cells are listed.

`Layout` varies how the same data is stored, the way hand-made workbooks differ: one sheet per form or
all stacked in one sheet, forms starting anywhere, numbers typed as text, rates as percent / fraction /
points / text, label spellings with line breaks and full-width brackets, formulas with cached values,
the header total in its own cell.

With formulas, a rate, budget score or own-cell total becomes a formula only where the published number is
what the formula computes (at 2 decimals); a number that is not (a mistake, real or planted) is written as
that number, typed over the formula as in hand-edited forms. So mistakes survive every layout, and no
cached value disagrees with its formula.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from math import ceil

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

__all__ = ["Layout", "render_workbook", "sheet_name", "DEPARTMENT_KEY", "DEPARTMENT_SHEET", "STACKED_SHEET",
           "CREATED"]

DEPARTMENT_KEY = "部门整体"
DEPARTMENT_SHEET = "部门整体绩效自评表"
STACKED_SHEET = "自评表"
CREATED = _dt.datetime(2022, 1, 14, 9, 0, 0)  # fixed creation date: re-rendering gives identical bytes

RATE_FORMATS = ("percent", "fraction", "points", "text")
BLANK_FIELD = "\u3000\u3000\u3000\u3000"  # what an empty header field shows (templates)


@dataclass(frozen=True)
class Layout:
    """How the forms are laid out and how their values are stored."""

    sheets: str = "per_form"  # 'per_form': department sheet first, one sheet per project; 'stacked': one sheet
    row_offset: int = 0  # each form (the first, when stacked) starts this many rows down
    col_offset: int = 0  # ... and this many columns right
    numbers_as_text: bool = False  # budget/spent/rate/score/total and indicator values as text ('19.04 ')
    rate_format: str = "percent"  # percent: 0.9521 '0.00%'; fraction: 0.9521 General; points: 95.21; text: '95.21%'
    label_variants: bool = False  # '一级指\n标', '执行率（B/A）', '项目年度\n绩效指标\n(60分)' ...
    formulas: bool = False  # rate =D/C, score =MIN(20,20*rate), own-cell total =F+G+SUM(..), cached values
    total_in_own_cell: bool = False  # header '自评得分:' label and the number in the next cell
    projects_only: bool = False
    department_only: bool = False

    def __post_init__(self):
        if self.sheets not in ("per_form", "stacked"):
            raise ValueError(f"Layout.sheets must be 'per_form' or 'stacked', not {self.sheets!r}")
        if self.rate_format not in RATE_FORMATS:
            raise ValueError(f"Layout.rate_format must be one of {RATE_FORMATS}, not {self.rate_format!r}")
        if self.projects_only and self.department_only:
            raise ValueError("Layout: projects_only and department_only exclude each other")
        if self.row_offset < 0 or self.col_offset < 0:
            raise ValueError("Layout: offsets must be >= 0")


# Labels as rendered by default, and as hand-made forms also spell them (label_variants=True).
_VARIANTS = {
    "项目名称": "项 目 名 称",
    "主管部门": "主管\n部门",
    "项目实施单位": "项目实施\n单位",
    "预算执行情况 (万元) (20分)": "预算执行情况（万元）\n（20分）",
    "预算执行情况（万元）（20分）": "预算执行情况\n(万元)\n(20分)",
    "预算数 (A)": "预算数\n（A）",
    "执行数 (B)": "执行数（B）",
    "执行数（B）": "执行数\n(B)",
    "执行率 (B/A)": "执行率（B/A）",
    "得分 (20分*执行率)": "得分\n（20分*执行率）",
    "得分（20分*执行率）": "得分\n(20分*执行率)",
    "年度财政资金总额": "年度财政资金 总额",
    "部门整体支出总额": "部门整体支出 总额",
    "项目绩效总目标 (20分)": "项目绩效\n总目标\n（20分）",
    "年初设定目标": "年初设定\n目标",
    "全年实际完成情况": "全年实际\n完成情况",
    "项目年度绩效指标 (60分)": "项目年度\n绩效指标\n(60分)",
    "年度绩效指标": "年度\n绩效\n指标",
    "一级指标": "一级指\n标",
    "二级指标": "二级\n指标",
    "指标名称": "指 标 名 称",
    "年初目标值": "年初\n目标值",
    "年初指标值": "年初\n指标值",
    "实际完成值": "实际\n完成值",
    "得分": "得 分",
    "产出指标": "产出指\n标",
    "效益指标": "效益指\n标",
    "偏差大或目标未完成原因分析": "偏差大或\n目标未完成\n原因分析",
    "改进措施及结果应用方案": "改进措施及\n结果应用方案",
    "单位名称": "单位\n名称",
    "基本支出总额": "基本支出\n总额",
    "项目支出总额": "项目支出\n总额",
    "自评得分:": "自评得分：",
    "总分：": "总 分:",
    # the national template
    "项目资金（万元）": "项目资金\n（万元）",
    "实施单位": "实施\n单位",
    "年初预算数": "年初\n预算数",
    "全年预算数": "全年\n预算数",
    "全年执行数": "全年\n执行数",
    "分值": "分 值",
    "年度资金总额": "年度资金\n总额",
    "年度总体目标": "年度\n总体\n目标",
    "预期目标": "预 期 目 标",
    "实际完成情况": "实际\n完成情况",
    "绩效指标": "绩\n效\n指\n标",
    "三级指标": "三级\n指标",
    "年度指标值": "年度\n指标值",
    "偏差原因分析及改进措施": "偏差原因分析\n及改进措施",
    "总分": "总 分",
}

# Column widths (in characters) of the 7-column grid A..G, and of the national template's A..J.
_WIDTHS = (13, 10, 13, 34, 14, 14, 10)
_NATIONAL_WIDTHS = (8, 11, 12, 26, 13, 13, 9, 9, 12, 14)
NATIONAL_TITLE = "项目支出绩效自评表"
NATIONAL_PARTS = ("当年财政拨款", "上年结转资金", "其他资金")
_LINE_PT = 13.5  # height of one line of 10-point text
_FONT = "宋体"

_FORBIDDEN_IN_SHEET = re.compile(r"[\[\]:*?/\\]")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_PERCENT = re.compile(r"^[+-]?\d+(\.\d+)?%$")


def sheet_name(name: str, used: set[str]) -> str:
    """An Excel-safe sheet name for `name`: forbidden characters replaced, at most 31 characters,
    unique (case-insensitively) among `used`, which it is added to."""
    base = _FORBIDDEN_IN_SHEET.sub("_", name).strip("'") or "Sheet"
    base = base[:31]
    candidate, k = base, 2
    while candidate.lower() in used:
        suffix = f"~{k}"
        candidate, k = base[: 31 - len(suffix)] + suffix, k + 1
    used.add(candidate.lower())
    return candidate


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def _plain_format(text: str) -> str:
    """Keep the published look of a number: '27031.20' keeps two decimals, '19.7' shows as typed."""
    d = _decimals(text)
    return "0." + "0" * d if d and text.endswith("0") else "General"


def _percent_format(text: str) -> str:
    d = _decimals(text.rstrip("%"))
    return "0." + "0" * d + "%" if d else "0%"


def _agrees(published: str, value: Decimal) -> bool:
    """Whether a published number ('95.21%' compared as 95.21, '19.04') is `value` at 2 decimals, half up.
    An empty cell agrees with anything (blank forms)."""
    text = published.strip().rstrip("%")
    if not text:
        return True
    want = _dec(text)
    cent = Decimal("0.01")
    return want is not None and want.quantize(cent, ROUND_HALF_UP) == value.quantize(cent, ROUND_HALF_UP)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(text: str, width_chars: float) -> int:
    per_line = max(2, int(width_chars * 1.15))  # a 10-point line holds a little more than the column width
    return sum(max(1, ceil(_display_width(part) / per_line)) for part in str(text).split("\n"))


def _dec(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, TypeError, ValueError):
        return None


class _Styles:
    """xlsxwriter formats, created once per workbook and keyed by their properties."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.cache: dict[tuple, object] = {}

    def get(self, kind: str, num_format: str = "General"):
        key = (kind, num_format)
        if key not in self.cache:
            props = {"font_name": _FONT, "font_size": 10, "valign": "vcenter", "text_wrap": True}
            if kind == "title":
                props.update(bold=True, font_size=16, align="center")
            elif kind == "header":
                props.update(align="left")
            elif kind == "header_right":
                props.update(align="right")
            elif kind == "subtitle":
                props.update(align="center")
            elif kind == "note":
                props.update(align="left")
            else:
                props.update(border=1, align="left" if kind == "text" else "center")
                if kind == "label":
                    props.update(bold=True)
            if num_format != "General":
                props["num_format"] = num_format
            self.cache[key] = self.workbook.add_format(props)
        return self.cache[key]


class _SheetWriter:
    """Writes into one worksheet, relative to a column offset; remembers the height rows need."""

    def __init__(self, worksheet, name: str, styles: _Styles, layout: Layout, widths: tuple[int, ...] = _WIDTHS):
        self.ws = worksheet
        self.name = name
        self.styles = styles
        self.layout = layout
        self.widths = widths
        self.c0 = layout.col_offset
        self.heights: dict[int, float] = {}
        for i, width in enumerate(widths):
            worksheet.set_column(self.c0 + i, self.c0 + i, width)
        worksheet.set_paper(9)  # A4
        worksheet.fit_to_pages(1, 0)
        worksheet.center_horizontally()

    # -- addresses and labels ------------------------------------------------------------------
    def ref(self, row: int, col: int) -> str:
        return f"{self.name}!{xl_rowcol_to_cell(row, self.c0 + col)}"

    def a1(self, row: int, col: int) -> str:
        return xl_rowcol_to_cell(row, self.c0 + col)

    def label(self, text: str) -> str:
        return _VARIANTS.get(text, text) if self.layout.label_variants else text

    def need_height(self, row: int, row2: int, col: int, col2: int, text: str, line_pt: float = _LINE_PT):
        width = sum(self.widths[col : col2 + 1])
        total = _lines(text, width) * line_pt + 6
        per_row = total / (row2 - row + 1)
        for r in range(row, row2 + 1):
            self.heights[r] = max(self.heights.get(r, 18.0), per_row)

    def finish(self):
        for row, height in self.heights.items():
            self.ws.set_row(row, round(height, 2))

    # -- cells ---------------------------------------------------------------------------------
    def _span(self, row, col, row2, col2, fmt):
        """Merge the range (when more than one cell) and return the top-left cell's absolute position."""
        row2 = row if row2 is None else row2
        col2 = col if col2 is None else col2
        if (row, col) != (row2, col2):
            self.ws.merge_range(row, self.c0 + col, row2, self.c0 + col2, "", fmt)
        return row, self.c0 + col, row2, col2

    def text(self, row, col, value, kind="text", *, row2=None, col2=None, line_pt=_LINE_PT):
        fmt = self.styles.get(kind)
        r, c, row2, col2 = self._span(row, col, row2, col2, fmt)
        value = "" if value is None else str(value)
        if value:
            self.ws.write_string(r, c, value, fmt)  # write_string: text stays text, even '=…'
            self.need_height(row, row2, col, col2, value, line_pt)
        else:
            self.ws.write_blank(r, c, None, fmt)

    def number(self, row, col, value: str, *, rate=False, col2=None, trailing_space=False):
        """A value cell written from its published string, the way Excel stores what was typed: '13247' and
        '27031.20' numbers (with the published decimals), '7.80%' a percent-formatted fraction, '280亿元'
        text. rate: an 执行率, stored per Layout.rate_format. With numbers_as_text everything is text
        (trailing_space adds the stray blank hand-typed scores often have)."""
        value = "" if value is None else str(value).strip()
        fmt = self.styles.get("center")
        r, c, _, col2 = self._span(row, col, row, col2, fmt)
        if not value:
            self.ws.write_blank(r, c, None, fmt)
        elif self.layout.numbers_as_text or (rate and self.layout.rate_format == "text"):
            self.ws.write_string(r, c, value + (" " if trailing_space else ""), fmt)
        elif _PERCENT.match(value):
            if rate and self.layout.rate_format == "points":
                points = value[:-1]
                self.ws.write_number(r, c, float(Decimal(points)), self.styles.get("center", _plain_format(points)))
            else:
                num_format = "General" if rate and self.layout.rate_format == "fraction" else _percent_format(value)
                self.ws.write_number(r, c, float(Decimal(value[:-1]) / 100), self.styles.get("center", num_format))
        elif _PLAIN_NUMBER.match(value):
            self.ws.write_number(r, c, float(Decimal(value)), self.styles.get("center", _plain_format(value)))
        else:
            self.ws.write_string(r, c, value, fmt)
        if value:
            self.need_height(row, row, col, col2, value)

    def formula(self, row, col, formula: str, cached: Decimal, num_format: str, *, col2=None):
        fmt = self.styles.get("center", num_format)
        r, c, _, _ = self._span(row, col, row, col2, fmt)
        self.ws.write_formula(r, c, formula, fmt, float(cached))


class _FormRenderer:
    """Lays out one form at a given row of a sheet and records where its numbers went."""

    def __init__(self, sheet: _SheetWriter, key: str, cells: dict[str, str]):
        self.s = sheet
        self.key = key
        self.cells = cells
        self.layout = sheet.layout

    def put(self, field: str, row: int, col: int):
        self.cells[f"{self.key}|{field}"] = self.s.ref(row, col)

    # -- shared blocks ---------------------------------------------------------------------------
    def budget_block(self, row: int, budget: dict, label: str, heads: tuple[str, str, str, str]) -> tuple[int, int, Decimal]:
        """Two rows: the headers and the one budget line.
        Returns (the next row, the row of the numbers, the budget score as its cell holds it)."""
        s = self.s
        s.text(row, 0, s.label(label), "label", row2=row + 1)
        s.text(row, 1, "", "label")
        for col, head in zip((2, 3, 4), heads[:3]):
            s.text(row, col, s.label(head), "label")
        s.text(row, 5, s.label(heads[3]), "label", col2=6)
        r = row + 1
        s.text(r, 1, s.label(budget.get("item", "")), "center")
        s.number(r, 2, budget.get("budget", ""))
        s.number(r, 3, budget.get("spent", ""))
        rate_text, score_text = budget.get("rate", ""), budget.get("score", "")
        a, b = _dec(budget.get("budget", "")), _dec(budget.get("spent", ""))
        written = {field: bool(budget.get(field, "")) for field in ("budget", "spent", "rate", "score")}
        score = _dec(score_text) or Decimal(0)
        if self.layout.formulas and a and b is not None:
            # Formulas where the published number is what they compute; a number that is not (a mistake)
            # is typed over the formula, as in hand-edited forms, so cached values never lie.
            rate = b / a
            if _agrees(rate_text, rate * 100):
                ratio = f"{s.a1(r, 3)}/{s.a1(r, 2)}"
                if self.layout.rate_format == "points":
                    s.formula(r, 4, f"={ratio}*100", rate * 100, "0.00")
                else:
                    s.formula(r, 4, f"={ratio}", rate, "General" if self.layout.rate_format == "fraction" else "0.00%")
                written["rate"] = True
            else:
                s.number(r, 4, rate_text, rate=True)
                rate = _dec(rate_text.strip().rstrip("%"))
                rate = rate / 100 if rate is not None else None
            if rate is not None and _agrees(score_text, min(Decimal(20), 20 * rate)):
                score = min(Decimal(20), 20 * rate)
                per_point = "/100" if self.layout.rate_format == "points" else ""
                s.formula(r, 5, f"=MIN(20,20*{s.a1(r, 4)}{per_point})", score, "0.00", col2=6)
                written["score"] = True
            else:
                s.number(r, 5, score_text, col2=6, trailing_space=True)
        else:
            s.number(r, 4, rate_text, rate=True)
            s.number(r, 5, score_text, col2=6, trailing_space=True)
        for field, col in (("budget", 2), ("spent", 3), ("rate", 4), ("score", 5)):
            if written[field]:
                self.put(f"budget.{field}", r, col)
        return row + 2, r, score

    def indicator_table(self, row: int, side_label: str, heads: tuple[str, ...], indicators: list[dict],
                        prefix: str, fields=((4, "target"), (5, "actual"), (6, "score"))) -> tuple[int, int]:
        """The header row and the indicator rows, 一级/二级 merged over their groups, the side label merged
        down column A, the name in D and the `fields` in their columns. Returns (the first indicator row,
        the next row)."""
        s = self.s
        s.text(row, 0, s.label(side_label), "label", row2=row + len(indicators))
        for col, head in enumerate(heads, start=1):
            s.text(row, col, s.label(head), "label")
        first = row + 1
        for col, level in ((1, "level1"), (2, "level2")):
            start = 0
            for i in range(1, len(indicators) + 1):
                same = i < len(indicators) and indicators[i][level] == indicators[start][level]
                if col == 2 and same:  # a 二级 group never spans two 一级 groups
                    same = indicators[i]["level1"] == indicators[start]["level1"]
                if not same:
                    s.text(first + start, col, s.label(indicators[start][level]), "center", row2=first + i - 1)
                    start = i
        for i, ind in enumerate(indicators):
            r = first + i
            s.text(r, 3, ind.get("name", ""), "text")
            for col, field in fields:
                value = ind.get(field, "")
                s.number(r, col, value)
                if value:
                    self.put(f"{prefix}{i}.{field}", r, col)
        return first, first + len(indicators)

    def closing_rows(self, row: int, form: dict) -> int:
        """偏差 and 改进 rows. Returns the next row."""
        s = self.s
        for label, field in (("偏差大或目标未完成原因分析", "deviation"), ("改进措施及结果应用方案", "improvement")):
            s.text(row, 0, s.label(label), "label", col2=1)
            s.text(row, 2, form.get(field, ""), "text", col2=6)
            row += 1
        return row

    def total_cells(self, row: int, text_col: int, inline_text: str, label: str, total: str,
                    formula: tuple[str, Decimal] | None):
        """The total of the header line: inside text from `text_col` to G (as published), or with
        total_in_own_cell the label in F and the number in G: with formulas, the sum of the parts when
        the published total is that sum, else the number typed over it."""
        s = self.s
        if self.layout.total_in_own_cell:
            s.text(row, 5, s.label(label), "header_right")
            if self.layout.formulas and formula and _agrees(total, formula[1]):
                s.formula(row, 6, *formula, "0.00")
                self.put("total", row, 6)
            else:
                s.number(row, 6, total)
                if total:
                    self.put("total", row, 6)
        else:
            s.text(row, text_col, inline_text, "header", col2=6)
            if total:
                self.put("total", row, text_col)


class _ProjectForm(_FormRenderer):
    def render(self, row: int, p: dict) -> int:
        s = self.s
        variants = self.layout.label_variants
        s.text(row, 0, p.get("title", ""), "title", col2=6, line_pt=22)
        header_row = row + 1
        r = row + 2
        s.text(r, 0, s.label("项目名称"), "label", col2=1)
        s.text(r, 2, p.get("name", ""), "text", col2=6)
        r += 1
        s.text(r, 0, s.label("主管部门"), "label", col2=1)
        s.text(r, 2, p.get("department", ""), "center", col2=3)
        s.text(r, 4, s.label("项目实施单位"), "label")
        s.text(r, 5, p.get("implementer", ""), "text", col2=6)
        r, budget_row, budget_score = self.budget_block(
            r + 1, p.get("budget", {}), "预算执行情况 (万元) (20分)",
            ("预算数 (A)", "执行数 (B)", "执行率 (B/A)", "得分 (20分*执行率)"))
        goal = p.get("goal", {})
        s.text(r, 0, s.label("项目绩效总目标 (20分)"), "label", row2=r + 1)
        s.text(r, 1, s.label("年初设定目标"), "label", col2=3)
        s.text(r, 4, s.label("全年实际完成情况"), "label", col2=5)
        s.text(r, 6, s.label("得分"), "label")
        goal_row = r + 1
        s.text(goal_row, 1, goal.get("target", ""), "text", col2=3)
        s.text(goal_row, 4, goal.get("actual", ""), "text", col2=5)
        s.number(goal_row, 6, goal.get("score", ""))
        if goal.get("score", ""):
            self.put("goal.score", goal_row, 6)
        indicators = p.get("indicators", [])
        first, r = self.indicator_table(goal_row + 1, "项目年度绩效指标 (60分)",
                                        ("一级指标", "二级指标", "指标名称", "年初目标值", "实际完成值", "得分"),
                                        indicators, "indicator.")
        r = self.closing_rows(r, p)
        for note in p.get("notes", []):
            s.text(r, 0, note, "note", col2=6)
            r += 1

        colon, gap = ("：", "\u3000\u3000") if variants else (": ", "   ")
        unit, date = p.get("unit", "") or BLANK_FIELD, p.get("date", "") or BLANK_FIELD
        left = f"单位名称{'（盖章）' if variants else '(盖章)'}{colon}{unit}{gap}填报日期{colon}{date}"
        total = p.get("total", "")
        formula = None
        if indicators:
            cached = budget_score + (_dec(goal.get("score", "")) or 0) + sum(
                (_dec(i.get("score", "")) or Decimal(0) for i in indicators), Decimal(0))
            last = first + len(indicators) - 1
            formula = (f"={s.a1(budget_row, 5)}+{s.a1(goal_row, 6)}+SUM({s.a1(first, 6)}:{s.a1(last, 6)})", cached)
        if self.layout.total_in_own_cell:
            s.text(header_row, 0, left, "header", col2=4)
        self.total_cells(header_row, 0, f"{left}{gap}自评得分{colon}{total or BLANK_FIELD}分", "自评得分:", total, formula)
        return r


class _DepartmentForm(_FormRenderer):
    def render(self, row: int, d: dict) -> int:
        s = self.s
        s.text(row, 0, d.get("title", ""), "title", col2=6, line_pt=22)
        header_row = row + 1
        r = row + 2
        s.text(r, 0, s.label("单位名称"), "label")
        s.text(r, 1, d.get("unit_full", ""), "text", col2=6)
        r += 1
        # kept as published: the amount and '万元' typed into one text cell
        basic, projects = d.get("basic_spending", ""), d.get("project_spending", "")
        s.text(r, 0, s.label("基本支出总额"), "label")
        s.text(r, 1, f"{basic}万元" if basic else "", "center", col2=2)
        s.text(r, 3, s.label("项目支出总额"), "label")
        s.text(r, 4, f"{projects}万元" if projects else "", "center", col2=6)
        if basic:
            self.put("basic_spending", r, 1)
        if projects:
            self.put("project_spending", r, 4)
        r, budget_row, budget_score = self.budget_block(
            r + 1, d.get("budget", {}), "预算执行情况（万元）（20分）",
            ("预算数 (A)", "执行数（B）", "执行率 (B/A)", "得分（20分*执行率）"))
        score_ranges, weights, indicator_sum = [], Decimal(0), Decimal(0)
        for goal in d.get("goals", []):
            n, weight = goal.get("number", ""), goal.get("weight", "")
            weights += _dec(weight) or 0
            s.text(r, 0, f"年度目标{n}（{weight or '　　'}分）：{goal.get('text', '')}", "text", col2=6)
            if weight:
                self.put(f"goal.{n}.weight", r, 0)
            indicators = goal.get("indicators", [])
            first, r = self.indicator_table(r + 1, "年度绩效指标",
                                            ("一级指标", "二级指标", "指标名称", "年初指标值", "实际完成值", "得分"),
                                            indicators, f"goal.{n}.indicator.")
            if indicators:
                score_ranges.append(f"{s.a1(first, 6)}:{s.a1(r - 1, 6)}")
            indicator_sum += sum((_dec(i.get("score", "")) or Decimal(0) for i in indicators), Decimal(0))
        r = self.closing_rows(r, d)
        notes = d.get("notes", [])
        for note in ["备注："] + notes if notes else []:
            s.text(r, 0, note, "note", col2=6)
            r += 1
        if d.get("transfer_note"):
            s.text(r, 0, f"备注：{d['transfer_note']}", "note", col2=6)
            self.put("transfer", r, 0)
            r += 1

        unit, date = d.get("unit", "") or BLANK_FIELD, d.get("date", "") or BLANK_FIELD
        colon = ": " if self.layout.label_variants else "："
        s.text(header_row, 0, f"单位名称{'(盖章)' if self.layout.label_variants else '（盖章）'}{colon}{unit}", "header", col2=2)
        s.text(header_row, 3, f"填报日期{colon}{date}", "header", col2=4)
        total = d.get("total", "")
        formula = (f"={s.a1(budget_row, 5)}+{weights}+SUM({','.join(score_ranges)})",
                   budget_score + weights + indicator_sum) if score_ranges else None
        self.total_cells(header_row, 5, f"{s.label('总分：')}{total or BLANK_FIELD}分", "总分：", total, formula)
        return r


class _NationalForm(_FormRenderer):
    """The 2020 national template (forms.md §3) in the 10-column grid A..J."""

    def render(self, row: int, p: dict) -> int:
        s = self.s
        s.text(row, 0, p.get("title") or NATIONAL_TITLE, "title", col2=9, line_pt=22)
        s.text(row + 1, 0, f"（{p.get('year') or BLANK_FIELD + '年度'}）", "subtitle", col2=9)
        r = row + 2
        s.text(r, 0, s.label("项目名称"), "label", col2=1)
        s.text(r, 2, p.get("name", ""), "text", col2=9)
        r += 1
        s.text(r, 0, s.label("主管部门"), "label", col2=1)
        s.text(r, 2, p.get("department", ""), "center", col2=4)
        s.text(r, 5, s.label("实施单位"), "label", col2=6)
        s.text(r, 7, p.get("implementer", ""), "text", col2=9)
        r, budget_row, budget_score = self.money_block(r + 1, p.get("budget", {}), p.get("parts", []))
        goal = p.get("goal", {})
        s.text(r, 0, s.label("年度总体目标"), "label", row2=r + 1, col2=1)
        s.text(r, 2, s.label("预期目标"), "label", col2=5)
        s.text(r, 6, s.label("实际完成情况"), "label", col2=9)
        s.text(r + 1, 2, goal.get("target", ""), "text", col2=5)
        s.text(r + 1, 6, goal.get("actual", ""), "text", col2=9)
        indicators = p.get("indicators", [])
        heads = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分")
        first, r = self.indicator_table(r + 2, "绩效指标", heads, indicators, "indicator.",
                                        fields=((4, "target"), (5, "actual"), (6, "weight"), (7, "score")))
        s.text(first - 1, 8, s.label("偏差原因分析及改进措施"), "label", col2=9)
        for i, ind in enumerate(indicators):
            s.text(first + i, 8, ind.get("deviation", ""), "text", col2=9)
        s.text(r, 0, s.label("总分"), "label", col2=5)
        s.number(r, 6, p.get("total_weight", "100"))
        total = p.get("total", "")
        cached = budget_score + sum((_dec(i.get("score", "")) or Decimal(0) for i in indicators), Decimal(0))
        if self.layout.formulas and indicators and _agrees(total, cached):
            last = first + len(indicators) - 1
            s.formula(r, 7, f"={s.a1(budget_row, 9)}+SUM({s.a1(first, 7)}:{s.a1(last, 7)})", cached, "0.00")
            self.put("total", r, 7)
        else:
            s.number(r, 7, total)
            if total:
                self.put("total", r, 7)
        s.text(r, 8, "", "text", col2=9)
        r += 1
        for note in p.get("notes", []):
            s.text(r, 0, note, "note", col2=9)
            r += 1
        return r

    def money_block(self, row: int, budget: dict, parts: list[dict]) -> tuple[int, int, Decimal]:
        """The 项目资金（万元） block: the header row, 年度资金总额 and the 其中 lines (分值, 执行率 and 得分 shown
        as —). Returns (the next row, the row of 年度资金总额, the budget score as its cell holds it)."""
        s = self.s
        s.text(row, 0, s.label("项目资金（万元）"), "label", row2=row + 1 + len(parts), col2=1)
        s.text(row, 2, "", "label", col2=3)
        for col, head in enumerate(("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), start=4):
            s.text(row, col, s.label(head), "label")
        r = row + 1
        s.text(r, 2, s.label("年度资金总额"), "center", col2=3)
        for col, field in ((4, "initial"), (5, "budget"), (6, "spent"), (7, "weight")):
            s.number(r, col, budget.get(field, ""))
            if budget.get(field, ""):
                self.put(f"budget.{field}", r, col)
        score = self.rate_and_score(r, budget)
        for i, part in enumerate(parts):
            pr = r + 1 + i
            s.text(pr, 2, ("其中：" if i == 0 else "") + part.get("item", ""), "center", col2=3)
            for col, field in ((4, "initial"), (5, "budget"), (6, "spent")):
                s.number(pr, col, part.get(field, ""))
                if part.get(field, "") not in ("", "—"):
                    self.put(f"part.{i}.{field}", pr, col)
            for col in (7, 8, 9):
                s.text(pr, col, "—", "center")
        return r + 1 + len(parts), r, score

    def rate_and_score(self, r: int, budget: dict) -> Decimal:
        """执行率 (I) and 得分 (J) of 年度资金总额: with formulas, =G/F and =MIN(H,H*I) where the published
        numbers are what they compute, else the numbers as published. Returns the score as the cell holds it."""
        s = self.s
        rate_text, score_text = budget.get("rate", ""), budget.get("score", "")
        a, b, w = _dec(budget.get("budget", "")), _dec(budget.get("spent", "")), _dec(budget.get("weight", ""))
        score = _dec(score_text) or Decimal(0)
        rate_written = score_written = False
        if self.layout.formulas and a and b is not None and w:
            rate = b / a
            if _agrees(rate_text, rate * 100):
                points = self.layout.rate_format == "points"
                formula = f"={s.a1(r, 6)}/{s.a1(r, 5)}" + ("*100" if points else "")
                num_format = "0.00" if points else "General" if self.layout.rate_format == "fraction" else "0.00%"
                s.formula(r, 8, formula, rate * 100 if points else rate, num_format)
                rate_written = True
                if _agrees(score_text, min(w, w * rate)):
                    score = min(w, w * rate)
                    per_point = "/100" if points else ""
                    s.formula(r, 9, f"=MIN({s.a1(r, 7)},{s.a1(r, 7)}*{s.a1(r, 8)}{per_point})", score, "0.00")
                    score_written = True
        if not rate_written:
            s.number(r, 8, rate_text, rate=True)
        if not score_written:
            s.number(r, 9, score_text, trailing_space=True)
        if rate_text:
            self.put("budget.rate", r, 8)
        if score_text:
            self.put("budget.score", r, 9)
        return score


def _project_key(p: dict) -> str:
    return p.get("name") or p.get("sheet") or "项目"


def _is_national(p: dict) -> bool:
    return p.get("layout") == "national"


def _renderer(p: dict) -> type[_FormRenderer]:
    return _NationalForm if _is_national(p) else _ProjectForm


def render_workbook(data: dict, path, *, layout: Layout = Layout(), decorate=None) -> dict[str, str]:
    """Write the department form and the project forms of `data` to `path` (a file name or a binary
    file object) as an .xlsx workbook laid out per `layout`. Returns {key: 'Sheet!A1'} for every
    non-empty number cell (see the module docstring for the keys).

    decorate(workbook, worksheets), when given, is called with the xlsxwriter Workbook and its
    {sheet name: Worksheet} after the forms are written and before the file is closed, to add what
    real workbooks carry besides the forms (images, charts, validations, more sheets, a VBA project)."""
    department = None if layout.projects_only else data.get("department")
    projects = [] if layout.department_only else list(data.get("projects", []))
    options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    if not isinstance(path, (str, bytes)) and not hasattr(path, "__fspath__"):
        options["in_memory"] = True
    workbook = xlsxwriter.Workbook(path, options)
    workbook.set_properties({"created": CREATED, "title": (department or {}).get("title", "绩效自评表"),
                             "author": "xlcheck"})
    styles = _Styles(workbook)
    cells: dict[str, str] = {}
    used: set[str] = set()
    try:
        if layout.sheets == "stacked":
            name = sheet_name(STACKED_SHEET, used)
            national = bool(projects) and not department and all(_is_national(p) for p in projects)
            sheet = _SheetWriter(workbook.add_worksheet(name), name, styles, layout,
                                 _NATIONAL_WIDTHS if national else _WIDTHS)
            row = layout.row_offset
            if department:
                row = _DepartmentForm(sheet, DEPARTMENT_KEY, cells).render(row, department) + 3
            for p in projects:
                row = _renderer(p)(sheet, _project_key(p), cells).render(row, p) + 3
            sheet.finish()
        else:
            if department:
                name = sheet_name(department.get("sheet") or DEPARTMENT_SHEET, used)
                sheet = _SheetWriter(workbook.add_worksheet(name), name, styles, layout)
                _DepartmentForm(sheet, DEPARTMENT_KEY, cells).render(layout.row_offset, department)
                sheet.finish()
            for p in projects:
                name = sheet_name(p.get("sheet") or _project_key(p), used)
                widths = _NATIONAL_WIDTHS if _is_national(p) else _WIDTHS
                sheet = _SheetWriter(workbook.add_worksheet(name), name, styles, layout, widths)
                _renderer(p)(sheet, _project_key(p), cells).render(layout.row_offset, p)
                sheet.finish()
        if not used:
            workbook.add_worksheet("Sheet1")
        if decorate is not None:
            decorate(workbook, {ws.get_name(): ws for ws in workbook.worksheets()})
    finally:
        workbook.close()
    return cells
