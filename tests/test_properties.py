"""Property tests: hypothesis makes project forms (amounts, rates and scores right or wrong, indicators
with units met or short, the total right or wrong), renders each with a random Layout, and checks:

* check and fix never crash and never refuse a rendered form;
* every fixable `error` finding's expected value is the true arithmetic, recomputed here independently
  (Decimal, half-up to 2 decimals), and every planted mistake is found at its cell;
* after fix, check finds no fixable error;
* fix of the fixed copy writes the same cell values as the first fix (fix twice = fix once).

25 examples per run by default (CI); XLCHECK_FUZZ_EXAMPLES=500 for a longer hunt. The value parser's
fuzz test is in test_values.py.
"""

from __future__ import annotations

import os
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from xlcheck.api import check_workbook, fix_workbook
from xlcheck.model import Severity, parse_a1
from xlcheck.package import read_sheets
from support.render import Layout, render_workbook

EXAMPLES = int(os.environ.get("XLCHECK_FUZZ_EXAMPLES", "25"))
CENT = Decimal("0.01")
NAME = "随机项目"
UNITS = ("家", "场", "个", "项", "人", "万元", "次", "%")
REPORT = "核查结果"
fuzz = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def half_up(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def shown(x: Decimal) -> str:
    """As xlcheck shows a recomputed number: 2 decimals half-up, trailing zeros dropped ('19.5', '20')."""
    q = half_up(x)
    return "0" if q == 0 else format(q.normalize(), "f")


def shown_percent(ratio: Decimal) -> str:
    return f"{half_up(ratio * 100):.2f}%"


def money(low: str, high: str):
    return st.decimals(Decimal(low), Decimal(high), places=2)


def quantity_text(value: Decimal, unit: str) -> str:
    return f"{shown(value)}{unit}"


@st.composite
def indicators(draw):
    """1-5 indicators whose weights add up to 60: each met (score = weight), except at most one short
    (actual < target, scored weight × actual/target, right or wrong). Returns (rows, truth) where truth
    holds the short row's index, weight, true score and whether its reported score is wrong."""
    count = draw(st.integers(1, 5))
    cuts = sorted(draw(st.lists(st.integers(1, 59), min_size=count - 1, max_size=count - 1, unique=True)))
    weights = [Decimal(b - a) for a, b in zip([0, *cuts], [*cuts, 60])]
    short = draw(st.one_of(st.none(), st.integers(0, count - 1)))
    rows, truth = [], None
    for i, weight in enumerate(weights):
        unit = draw(st.sampled_from(UNITS))
        target = draw(st.decimals(Decimal(1), Decimal(500), places=draw(st.integers(0, 1))))
        if i == short:
            actual = draw(st.decimals(Decimal("0.1"), target - Decimal("0.1"), places=1))
            true_score = weight * actual / target
            wrong = draw(st.booleans())
            reported = half_up(true_score)
            if wrong:
                reported = draw(st.sampled_from([weight, half_up(true_score) + draw(st.decimals(CENT, Decimal(3), places=2))]))
                reported = min(reported, weight)
                if half_up(reported) == half_up(true_score):
                    wrong = False
            truth = {"index": i, "weight": weight, "true": true_score, "reported": reported, "wrong": wrong}
            score = reported
        else:
            actual = draw(st.decimals(target, target * 2, places=1))
            score = weight
        rows.append({"level1": "产出指标" if i % 2 == 0 else "效益指标", "level2": "数量指标" if i % 2 == 0 else "社会效益指标",
                     "name": f"指标{i + 1}", "target": quantity_text(target, unit), "actual": quantity_text(actual, unit),
                     "score": shown(score)})
    return rows, truth


@st.composite
def project_forms(draw):
    """(form data, truth): the truth is what the form should say, recomputed independently."""
    budget = draw(money("1", "100000"))
    spent = draw(money("0.05", "1.2").map(lambda r: half_up(budget * r)))
    rate = spent / budget
    true_rate = shown_percent(rate)
    true_score = min(Decimal(20), 20 * rate)
    reported_rate, reported_score = true_rate, shown(true_score)
    rate_wrong, score_wrong = draw(st.booleans()), draw(st.booleans())
    if rate_wrong:
        delta = draw(st.decimals(CENT, Decimal(20), places=2)) * draw(st.sampled_from([1, -1]))
        percent = half_up(rate * 100) + delta
        reported_rate, rate_wrong = (f"{percent:.2f}%", True) if percent > 0 else (true_rate, False)
    if score_wrong:
        delta = draw(st.decimals(CENT, Decimal(5), places=2))
        reported_score = shown(half_up(true_score) - delta) if half_up(true_score) - delta >= 0 else shown(half_up(true_score) + delta)
    goal = draw(st.sampled_from([Decimal(20), Decimal("18.5"), Decimal(22)]))
    rows, short = draw(indicators())
    settled_indicators = sum((Decimal(r["score"]) for i, r in enumerate(rows) if not short or i != short["index"]), Decimal(0))
    if short:
        settled_indicators += half_up(short["true"]) if short["wrong"] else short["reported"]
    true_total = half_up(half_up(true_score) + min(goal, Decimal(20)) + settled_indicators)
    total_wrong = draw(st.booleans())
    reported_total = true_total + (draw(st.decimals(CENT, Decimal(10), places=2)) if total_wrong else 0)
    form = {
        "name": NAME, "sheet": NAME, "title": f"2023年度{NAME}项目自评表", "unit": "测试单位", "date": "2024年1月10日",
        "total": shown(reported_total), "department": "财政局", "implementer": "预算科",
        "budget": {"item": "年度财政资金总额", "budget": shown(budget) if budget == budget.to_integral() else f"{budget:.2f}",
                   "spent": f"{spent:.2f}", "rate": reported_rate, "score": reported_score},
        "goal": {"target": "完成年度任务", "actual": "已完成", "score": shown(goal)},
        "indicators": rows, "deviation": "部分指标受客观因素影响未完成", "improvement": "加强管理",
    }
    truth = {
        "budget.rate": true_rate if rate_wrong else None,
        "budget.score": shown(true_score) if reported_score != shown(true_score) else None,
        "goal.score": "20" if goal > 20 else None,
        "total": shown(true_total) if total_wrong else None,
    }
    if short and short["wrong"]:
        truth[f"indicator.{short['index']}.score"] = shown(short["true"])
    return {"projects": [form]}, truth


layouts = st.builds(
    Layout,
    sheets=st.sampled_from(["per_form", "stacked"]),
    row_offset=st.integers(0, 4),
    col_offset=st.integers(0, 3),
    numbers_as_text=st.booleans(),
    rate_format=st.sampled_from(["percent", "fraction", "points", "text"]),
    label_variants=st.booleans(),
    formulas=st.booleans(),
    total_in_own_cell=st.booleans(),
    projects_only=st.just(True),
)


def form_values(path: Path) -> dict:
    """Every cell of every sheet but the report: {(sheet, row, col): (value, formula, error)}."""
    return {(s.name, *key): (c.value, c.formula, c.error) for s in read_sheets(path) if s.name != REPORT for key, c in s.cells.items()}


@fuzz
@given(form=project_forms(), layout=layouts)
def test_generated_forms_are_checked_and_fixed_exactly(form, layout):
    data, truth = form
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        path = folder / "form.xlsx"
        cells = render_workbook(data, path, layout=layout)
        report = check_workbook(path)
        assert report.error is None and len(report.checks) == 1, report.error

        errors = {f"{f.sheet}!{f.cell}": f for f in report.findings if f.severity == Severity.ERROR and f.fixable}
        planted = {cells[f"{NAME}|{key}"]: expected for key, expected in truth.items() if expected is not None}
        for where, expected in planted.items():
            assert where in errors, (where, expected, sorted(errors))
            assert errors[where].expected == expected, (where, errors[where].expected, expected)
        assert set(errors) == set(planted), (sorted(errors), planted)
        # related cells: real cells of the form, never the finding's own; the total relates exactly the
        # planted wrong scores it was recomputed from
        values = form_values(path)
        for finding in report.findings:
            own = f"{finding.sheet}!{finding.cell}"
            for where in finding.related:
                sheet, _, address = where.rpartition("!")
                assert where != own and (sheet, *parse_a1(address)) in values, (own, where)
        wrong_parts = {cells[f"{NAME}|{key}"] for key, expected in truth.items()
                       if expected is not None and key.endswith(".score")}
        if truth["total"] is not None:
            [total] = [f for f in report.findings if f.rule == "XC401"]
            assert set(total.related) == wrong_parts, (total.related, wrong_parts)
        for key, expected in truth.items():
            event(f"{key.split('.')[0]}.{key.rsplit('.', 1)[-1]} {'wrong' if expected is not None else 'right'}")

        first = fix_workbook(path, folder / "fixed.xlsx")
        assert first.error is None and first.remaining_errors == []
        again = check_workbook(first.output)
        assert again.error is None
        assert [f.as_dict() for f in again.findings if f.severity == Severity.ERROR and f.fixable] == []

        fixed_cells = {(f.sheet, f.cell) for f in report.findings if f.fixable}
        after = form_values(first.output)
        for finding in report.findings:  # fix writes the finding's own cell, never the cells related to it
            for where in finding.related:
                sheet, _, address = where.rpartition("!")
                if (sheet, address) not in fixed_cells:
                    key = (sheet, *parse_a1(address))
                    assert after[key][0] == values[key][0], (where, values[key], after[key])

        second = fix_workbook(first.output, folder / "fixed-twice.xlsx")
        assert second.error is None and second.fixed == 0
        assert form_values(second.output) == form_values(first.output)
