"""The department form (部门整体绩效自评表), read from the rows of one form.

Layout (forms.md §2): title; '总分：97.01分'; 单位名称; 基本支出总额 / 项目支出总额; the 预算执行情况 block
(部门整体支出总额); per annual goal a row '年度目标N（w分）：text' and its indicator table; 偏差 and 改进
text; 备注 lines and '2021年共收到上级转移资金 8539.07 万元'.
"""

from __future__ import annotations

import re
from decimal import Decimal


from ..model import Form
from .blocks import (
    FormCells,
    find_title,
    is_indicator_header,
    labelled_text,
    read_budget,
    read_indicators,
    read_total,
)
from .grid import Grid
from .hubei import title_name

# '年度目标1(0.2分):解决…' or, as some units write it, '年度目标1:解决…(0.2分)' (normalised labels)
GOAL = re.compile(r"^年度目标(?P<number>\d+)(?:\((?P<weight>\d+(?:\.\d+)?)分\))?:?(?P<text>.*?)(?:\((?P<end_weight>\d+(?:\.\d+)?)分\))?$")
TRANSFER = re.compile(r"上级转移(?:支付)?资金[^\d]*(\d+(?:\.\d+)?)万元")


def read_department(grid: Grid, start: int, anchor: tuple[int, int], end: int) -> Form:
    """Read one department form occupying rows start..end, whose 预算执行情况 label sits at `anchor`."""
    fc = FormCells(grid)
    rows = range(start, end + 1)
    title = find_title(grid, start, anchor[0])
    name = title_name(grid.label(*title)) or "部门整体"

    fields = {}
    for label in ("基本支出总额", "项目支出总额"):
        for row, col in grid.find(lambda l, label=label: l.startswith(label), range(start, anchor[0] + 1)):
            nxt = grid.right_of(row, col)
            number = fc.number(nxt, label) if nxt else None
            if number is not None:
                fields[label] = (number, grid.ref(*nxt))
            break
    for row, col in grid.find(lambda l: "上级转移" in l, rows):
        match = TRANSFER.search(grid.label(row, col))
        if match:
            fields["上级转移资金"] = (Decimal(match.group(1)), fc.use(row, col))
            break

    budget, budget_weight = read_budget(fc, anchor, end)
    deviation, deviation_row = labelled_text(fc, rows, ("偏差",))
    improvement, improvement_row = labelled_text(fc, rows, ("改进措施",))
    table_end = min(r for r in (deviation_row, improvement_row, end + 1) if r is not None) - 1

    goal_hits = [(r, c, GOAL.match(grid.label(r, c))) for r, c in grid.find(GOAL.match, range(anchor[0], table_end + 1))]
    goals, indicators = [], []
    for i, (row, col, match) in enumerate(goal_hits):
        number = int(match.group("number"))
        weight = match.group("weight") or match.group("end_weight")
        goal_end = goal_hits[i + 1][0] - 1 if i + 1 < len(goal_hits) else table_end
        fc.use(row, col)
        goals.append({
            "number": number,
            "text": match.group("text"),
            "actual": "",
            "weight": Decimal(weight) if weight else None,
            "score": Decimal(weight) if weight else None,
            "label_cell": grid.ref(row, col).address,
            "score_cell": None,
        })
        header = next((r for r in range(row, goal_end + 1) if is_indicator_header(grid, r)), None)
        if header is not None:
            indicators.extend(read_indicators(fc, header, goal_end, goal=number))

    return fc.form(
        title,
        kind="department",
        layout="department",
        name=name,
        budget=budget,
        goals=goals,
        indicators=indicators,
        deviation=deviation,
        improvement=improvement,
        fields=fields,
        weights={"budget": budget_weight} if budget_weight is not None else {},
        **read_total(fc, range(start, anchor[0])),
    )

