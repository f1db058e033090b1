"""The rules describe themselves: every registered rule has its worked example as a case in
rule_cases.toml, each case gives that finding, and the README's rule table is the registry's."""

from __future__ import annotations

import copy
import json
import tomllib

import openpyxl
import pytest
from click.testing import CliRunner

from xlcheck.api import check_workbook
from xlcheck.cli import app
from xlcheck.rules.catalog import registry, rule_table
from support.render import Layout, render_workbook

from conftest import ROOT, SAMPLES

CASES = tomllib.loads((ROOT / "tests" / "rule_cases.toml").read_text(encoding="utf-8"))["case"]
SEED = json.loads((SAMPLES / "seed_forms.json").read_text(encoding="utf-8"))
NATIONAL = json.loads((SAMPLES / "national_forms.json").read_text(encoding="utf-8"))
DEPARTMENT = "部门整体"


def put(data, path: str, value: str) -> None:
    """Write `value` at a dotted path: 'indicators.29.score' -> data['indicators'][29]['score']."""
    *parents, last = path.split(".")
    for part in parents:
        data = data[int(part)] if part.isdigit() else data[part]
    data[int(last) if last.isdigit() else last] = value


def workbook(case: dict) -> tuple[dict, Layout, str]:
    """The data to render for a case, its layout, and the key prefix of the form's cells."""
    source, name = case["form"].split(":", 1)
    if source == "seed" and name == DEPARTMENT:
        data = copy.deepcopy(SEED)
        form, layout = data["department"], Layout()
    elif source == "seed":
        form = copy.deepcopy(next(p for p in SEED["projects"] if p["name"] == name))
        data, layout = {"department": SEED["department"], "projects": [form]}, Layout(projects_only=True)
    else:
        form = copy.deepcopy(next(p for p in NATIONAL["projects"] if p["name"] == name))
        data, layout = {"projects": [form]}, Layout()
    for path, value in case["set"].items():
        put(form, path, value)
    return data, layout, name


def test_every_registered_rule_has_one_case():
    assert sorted(c["rule"] for c in CASES) == [r.code for r in registry()]


def sheet_of_rows(path, rows: list[list], merges: list[str]) -> None:
    """A workbook whose one sheet holds `rows` ("" = an empty cell), for layouts the renderer does not make."""
    book = openpyxl.Workbook()
    sheet = book.active
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            if value != "":
                sheet.cell(r, c, value)
    for ref in merges:
        sheet.merge_cells(ref)
    book.save(path)


@pytest.mark.parametrize("case", CASES, ids=[c["rule"] for c in CASES])
def test_worked_example(tmp_path, case):
    path = tmp_path / "case.xlsx"
    if case["form"] == "rows":
        sheet_of_rows(path, case["rows"], case.get("merges", []))
        cells, name = {}, ""
    else:
        data, layout, name = workbook(case)
        cells = render_workbook(data, path, layout=layout)
    report = check_workbook(path)
    assert report.error is None
    expect = case["expect"]
    found = [f for f in report.findings if f.rule == case["rule"]]
    if "address" in expect:
        found = [f for f in found if f.cell == expect["address"]]
    if "cell" in expect:
        found = [f for f in found if f"{f.sheet}!{f.cell}" == cells[f"{name}|{expect['cell']}"]]
    if "field" in expect:
        found = [f for f in found if expect["field"] in f.field]
    assert len(found) == 1, [f.as_dict() for f in report.findings]
    [finding] = found
    assert (finding.severity.value, finding.fixable) == (expect["severity"], expect["fixable"])
    if "reported" in expect:
        assert finding.reported == expect["reported"]
    if "expected" in expect:
        assert finding.expected == expect["expected"]


def readme_table() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("\n", text.index("<!-- rules:")) + 1
    return text[start:text.index("\n<!-- /rules -->")]


def test_readme_rule_table_is_the_registry():
    assert readme_table() == rule_table(), "README's rule table differs: paste `xlcheck rules --markdown` into it"


def test_rules_command_lists_and_describes():
    runner = CliRunner()
    listing = runner.invoke(app, ["rules"])
    assert listing.exit_code == 0 and all(r.code in listing.output for r in registry())
    one = runner.invoke(app, ["rules", "xc502"])
    assert one.exit_code == 0 and "Worked example" in one.output and "25553.59" in one.output
    assert runner.invoke(app, ["rules", "--markdown"]).output.strip() == rule_table()
    unknown = runner.invoke(app, ["rules", "XC999"])
    assert unknown.exit_code == 2 and "XC999" in unknown.output
