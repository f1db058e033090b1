"""Real published forms, transcribed cell by cell from public pages (tests/realforms/*.json, see its README).

For each form: rendered as a workbook in the page's own layout (support.grid), xlcheck finds the form,
reads its budget line and its scored indicators as the page shows them, and raises exactly the errors
verified by hand (each listed with its arithmetic in the JSON) and no other `error`. A finding of one root
cause may sit on any of the cells the JSON lists for it; where the JSON gives the right value of a cell, a
fixable finding there must propose that value.

Forms today's reader does not read carry `not_read` in their JSON: they run as strict xfails, so the day
the reader reads one the suite fails until the mark is removed (delete `not_read` from the JSON).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from support.grid import render_grid
from xlcheck.api import check_workbook
from xlcheck.model import Severity

CORPUS = Path(__file__).resolve().parent / "realforms"
FORMS = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(CORPUS.glob("*.json"))]


def _cases():
    for form in FORMS:
        marks = [pytest.mark.xfail(strict=True, reason=form["not_read"])] if form.get("not_read") else []
        yield pytest.param(form, id=form["id"], marks=marks)


def _number(text: str | None) -> Decimal | None:
    """'86.20%' -> 86.20, '8.62' -> 8.62, '' / None -> None."""
    if text in (None, ""):
        return None
    return Decimal(text.rstrip("%"))


def _same(value, published: str | None) -> bool:
    """A value the reader read equals the page's number (None for an empty cell)."""
    if published in (None, ""):
        return value is None
    return value is not None and Decimal(str(value)) == _number(published)


def _key(name) -> str:
    """An indicator name without spaces and without points written into it: '相关性（5分）' -> '相关性'."""
    return re.sub(r"[（(]\d+(?:\.\d+)?分[）)]$", "", re.sub(r"\s+", "", str(name or "")))


def _reported_number(text: str) -> Decimal | None:
    found = re.search(r"-?\d+(\.\d+)?", text or "")
    return Decimal(found.group()) if found else None


AMOUNTS = (("initial", "年初预算数"), ("budget", "预算数"), ("spent", "执行数"))  # the keys `reads` may give


def assert_reads(form, reads: dict) -> None:
    """The reader took the budget line and every scored (or weighted) indicator from the right cells."""
    amounts = [(key, label) for key, label in AMOUNTS if key in reads]
    if amounts:
        line = next((r for r in form.records.get("budget", []) if not r.get("part")), None)
        assert line is not None, "no budget line read, the page has one"
        for key, label in amounts:
            assert _same(line.get(key), reads[key]), f"{label} read as {line.get(key)}, the page shows {reads[key]}"
    indicators = [r for r in form.records.get("indicators", []) if r.get("score") is not None or r.get("weight") is not None]
    read = {_key(r.get("name")): r for r in indicators}
    assert len(indicators) == len(reads["indicators"]), (
        f"{len(indicators)} indicators read with a 分值 or 得分, the page has {len(reads['indicators'])}: "
        f"{[r.get('name') for r in indicators]}")
    for name, weight, score in reads["indicators"]:
        assert _key(name) in read, f"indicator {name} not read"
        row = read[_key(name)]
        if weight is not None:
            assert _same(row.get("weight"), weight), f"{name}: 分值 read as {row.get('weight')}, the page shows {weight}"
        assert _same(row.get("score"), score), f"{name}: 得分 read as {row.get('score')}, the page shows {score}"


@pytest.mark.parametrize("form", list(_cases()))
def test_real_form(form, tmp_path):
    path = tmp_path / f"{form['id']}.xlsx"
    render_grid([form], path)
    report = check_workbook(path)
    assert report.error is None, report.error.message
    assert len(report.checks) == 1, f"{len(report.checks)} forms found, the sheet holds one"
    assert_reads(report.checks[0].form, form["reads"])

    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    allowed = {cell for expected in form["errors"] for cell in expected["cells"]}
    stray = [f"{f.rule} {f.cell} {f.field}: {f.message}" for f in errors if f.cell not in allowed]
    assert not stray, "errors the hand check does not support:\n" + "\n".join(stray)
    for expected in form["errors"]:
        assert any(f.cell in expected["cells"] for f in errors), f"not found: {expected['field']} ({expected['arithmetic']})"
    right = {cell: value for expected in form["errors"] for cell, value in expected.get("right_values", {}).items()}
    for f in errors:
        if f.fixable and f.cell in right:
            assert _reported_number(f.expected) == _number(right[f.cell]), f"{f.cell}: proposes {f.expected}, right is {right[f.cell]}"


def test_every_form_records_its_source_and_hand_check():
    """Each transcription says where it comes from, which family it is, what of the page it shows and what was
    checked; the corpus covers several regions, years and families."""
    for form in FORMS:
        assert form["source"]["page_title"] and ("url" in form["source"]), form["id"]
        assert form["family"] and form["shown"] and form["checks"], form["id"]
        for expected in form["errors"]:
            assert expected["cells"] and expected["arithmetic"] and expected["right"], form["id"]
    assert len(FORMS) >= 20
    assert len({f["region"] for f in FORMS}) >= 12 and len({f["year"] for f in FORMS if f["year"]}) >= 6
    assert len({f["family"] for f in FORMS}) >= 8
