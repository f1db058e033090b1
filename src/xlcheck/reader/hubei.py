"""The Hubei project form (项目支出绩效自评表, 20 + 20 + 60 points), read from the rows of one form.

Layout (forms.md §1): title '2021年度<项目>项目自评表'; a header line holding '自评得分: 98.54分';
项目名称; the 预算执行情况 block; 项目绩效总目标 (年初设定目标, 全年实际完成情况, 得分); the indicator
table; 偏差大或目标未完成原因分析; 改进措施及结果应用方案.
"""

from __future__ import annotations

import re


from ..model import Form
from .blocks import (
    FormCells,
    find_title,
    header_columns,
    is_indicator_header,
    labelled_text,
    labelled_value,
    points_in,
    read_budget,
    read_indicators,
    read_total,
)
from .grid import Grid

_TITLE = re.compile(r"^(?:\d{4}年度?)?(.+?)(?:项目)?(?:支出)?(?:绩效)?自评表$")


def title_name(title: str) -> str:
    """'2021年度科学技术研究与开发资金项目自评表' -> '科学技术研究与开发资金'."""
    match = _TITLE.match(title)
    return match.group(1) if match else title


def read_project(grid: Grid, start: int, anchor: tuple[int, int], end: int) -> Form:
    """Read one project form occupying rows start..end, whose 预算执行情况 label sits at `anchor`."""
    fc = FormCells(grid)
    rows = range(start, end + 1)
    title = find_title(grid, start, anchor[0])
    name = labelled_value(fc, "项目名称", range(start, anchor[0] + 1)) or title_name(grid.label(*title))
    budget, budget_weight = read_budget(fc, anchor, end)

    goal_records, goal_weight = [], None
    goal_hits = grid.find(lambda l: l.startswith("项目绩效总目标") or l.startswith("绩效总目标"), rows)
    if goal_hits:
        goal_row, goal_col = goal_hits[0]
        goal_weight = points_in(grid.label(goal_row, goal_col))
        for header_row in range(goal_row, min(goal_row + 3, end + 1)):
            columns = header_columns(grid, header_row, {"text": ("年初设定目标",), "actual": ("全年实际完成",), "score": ("得分",)})
            if "score" in columns:
                value_row = header_row + 1
                score_pos = grid.value_under(value_row, columns["score"])
                goal_records.append({
                    "number": 1,
                    "text": fc.text(grid.value_under(value_row, columns["text"])) if "text" in columns else "",
                    "actual": fc.text(grid.value_under(value_row, columns["actual"])) if "actual" in columns else "",
                    "weight": goal_weight,
                    "score": fc.number(score_pos, "绩效总目标得分"),
                    "label_cell": grid.ref(goal_row, goal_col).address,
                    "score_cell": grid.ref(*score_pos).address if score_pos else None,
                })
                break

    deviation, deviation_row = labelled_text(fc, rows, ("偏差",))
    improvement, improvement_row = labelled_text(fc, rows, ("改进措施",))
    table_end = min(r for r in (deviation_row, improvement_row, end + 1) if r is not None) - 1
    indicator_weight, indicators = None, []
    for header_row in range(anchor[0], table_end + 1):
        if is_indicator_header(grid, header_row):
            labels = grid.find(lambda l: "绩效指标" in l and "分)" in l, range(header_row, header_row + 1))
            indicator_weight = points_in(grid.label(*labels[0])) if labels else None
            indicators = read_indicators(fc, header_row, table_end)
            break

    weights = {k: v for k, v in (("budget", budget_weight), ("goal", goal_weight), ("indicators", indicator_weight)) if v is not None}
    return fc.form(
        title,
        kind="project",
        name=name,
        budget=budget,
        goals=goal_records,
        indicators=indicators,
        deviation=deviation,
        improvement=improvement,
        weights=weights,
        **read_total(fc, range(start, anchor[0])),
    )
