"""The national project form (财政部 2020 template, 10 + 90 points), read from the rows of one form.

Layout (forms.md §3): title 项目支出绩效自评表 and （2021年度）; 项目名称, 主管部门, 实施单位; the
项目资金（万元） block with columns 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分 and lines
年度资金总额, 其中：当年财政拨款, 上年结转资金, 其他资金 (— where a cell does not apply); 年度总体目标
(预期目标, 实际完成情况; not scored); the indicator table (一级指标, 二级指标, 三级指标, 年度指标值,
实际完成值, 分值, 得分, 偏差原因分析及改进措施); the 总分 row (100 under 分值, the total under 得分).
"""

from __future__ import annotations

import re

from ..model import Form
from .blocks import (
    FormCells,
    budget_record,
    find_budget_header,
    find_title,
    header_columns,
    is_indicator_header,
    labelled_value,
    read_indicators,
)
from .grid import Grid

ANCHOR = re.compile(r"^项目资金(?:\((?:万元|元)\))?$")
BUDGET_HEADERS = {
    "initial": ("年初预算数",),
    "budget": ("全年预算数", "调整后预算数", "预算数"),
    "spent": ("全年执行数", "执行数"),
    "weight": ("分值",),
    "rate": ("执行率",),
    "score": ("得分",),
}
GOAL_HEADERS = {"text": ("预期目标",), "actual": ("实际完成情况", "实际完成")}
NEXT_BLOCK = ("年度总体目标", "总体目标", "绩效指标", "一级指标")
TOTAL_LABELS = ("总分", "合计", "自评得分", "总得分")
_PART = re.compile(r"^其中[:：]?\s*")


def is_national_anchor(label: str) -> bool:
    """'项目资金(万元)' (a normalised label) anchors a national form; '项目资金使用' does not."""
    return bool(ANCHOR.match(label))


def read_budget_lines(fc: FormCells, anchor: tuple[int, int], end: int) -> list[dict]:
    """年度资金总额 and the 其中 lines under the header row, up to the next block.

    A line is named by the cell left of the amounts ('其中：当年财政拨款' -> '当年财政拨款'); every line after
    the first is a 其中 part. Amounts written '—' read as None.
    """
    grid = fc.grid
    header_row, columns = find_budget_header(grid, anchor, end, BUDGET_HEADERS)
    records = []
    if header_row is not None:
        first_col = min(span[0] for span in columns.values())
        for row in range(header_row + 1, min(header_row + 7, end + 1)):
            items = [c for c in grid.cols(row) if c < first_col]
            if not items or not grid.label(row, items[-1]) or grid.label(row, items[0]).startswith(NEXT_BLOCK):
                break
            item = _PART.sub("", fc.text((row, items[-1])))
            records.append(budget_record(fc, row, columns, item, part=bool(records)))
    return records


def read_goal(fc: FormCells, rows: range) -> list[dict]:
    """年度总体目标: 预期目标 and 实际完成情况 from the row under their headers (not scored)."""
    grid = fc.grid
    for row, col in grid.find(lambda l: l.startswith(("年度总体目标", "总体目标")), rows):
        for header_row in (row, row + 1):
            columns = header_columns(grid, header_row, GOAL_HEADERS)
            if "text" in columns:
                value_row = header_row + 1
                pick = {name: grid.value_under(value_row, span) for name, span in columns.items()}
                return [{
                    "number": 1,
                    "text": fc.text(pick.get("text")),
                    "actual": fc.text(pick.get("actual")),
                    "weight": None,
                    "score": None,
                    "label_cell": grid.ref(row, col).address,
                    "score_cell": None,
                }]
    return []


def read_national(grid: Grid, start: int, anchor: tuple[int, int], end: int) -> Form:
    """Read one national project form occupying rows start..end, whose 项目资金 label sits at `anchor`."""
    fc = FormCells(grid)
    rows = range(start, end + 1)
    title = find_title(grid, start, anchor[0])
    name = labelled_value(fc, "项目名称", range(start, anchor[0] + 1)) or grid.name

    budget = read_budget_lines(fc, anchor, end)
    goals = read_goal(fc, rows)

    indicators, total = [], {}
    header_row = next((r for r in range(anchor[0], end + 1) if is_indicator_header(grid, r)), None)
    if header_row is not None:
        columns = header_columns(grid, header_row, {"weight": ("分值", "权重"), "score": ("得分",)})
        total_row = next((r for r in range(header_row + 1, end + 1)
                          if grid.cols(r) and grid.label(r, grid.cols(r)[0]).startswith(TOTAL_LABELS)), None)
        indicators = read_indicators(fc, header_row, (total_row or end + 1) - 1)
        if total_row is not None and "score" in columns:
            pos = grid.value_under(total_row, columns["score"])
            number = fc.number(pos, "总分") if pos else None
            if pos is not None:
                total = {"total": number, "total_cell": grid.ref(*pos)}

    return fc.form(
        title,
        kind="project",
        layout="national",
        name=name,
        budget=budget,
        goals=goals,
        indicators=indicators,
        **total,
    )
