"""xlcheck on the seed's 19 forms, as a user runs it: the clean sample, the sample with mistakes, and
the same forms re-laid out (offset, stacked, numbers as text, line-broken labels, formulas)."""

from __future__ import annotations

import json
from decimal import Decimal

import openpyxl
import pytest

from xlcheck.api import check_workbook, fix_workbook
from xlcheck.model import Severity
from support.render import Layout, render_workbook

from conftest import SAMPLES, convert_with_soffice

SEED = json.loads((SAMPLES / "seed_forms.json").read_text(encoding="utf-8"))
MISTAKES = json.loads((SAMPLES / "mistakes.json").read_text(encoding="utf-8"))
SEED_TOTALS = sorted([Decimal(SEED["department"]["total"])] + [Decimal(p["total"]) for p in SEED["projects"]])


def computed_totals(report) -> list[Decimal]:
    return sorted(check.settled["total"] for check in report.checks)


def errors(report):
    return [f for f in report.findings if f.severity == Severity.ERROR]


def test_clean_sample_finds_all_forms_and_no_errors():
    report = check_workbook(SAMPLES / "seed_clean.xlsx")
    assert report.error is None
    kinds = [c.form.kind for c in report.checks]
    assert kinds.count("department") == 1 and kinds.count("project") == 18
    assert computed_totals(report) == SEED_TOTALS
    assert [c.form.total for c in report.checks if c.form.kind == "department"] == [Decimal("97.01")]
    assert errors(report) == [], [f.message for f in errors(report)]


def test_clean_sample_warns_about_the_seeds_real_gaps():
    """科技资料 65.50% and 评审 89.53% executed with 偏差 '无': the form is incomplete — and nothing else warns."""
    report = check_workbook(SAMPLES / "seed_clean.xlsx")
    warnings = [f for f in report.findings if f.severity == Severity.WARNING]
    assert sorted((f.form, f.reported) for f in warnings) == [
        ("科技资料等相关费用", "65.50%"),
        ("评审、审计、调研、绩效评价费用", "89.53%"),
    ]
    assert all(f.rule == "XC103" for f in warnings)


def test_clean_sample_leaves_the_unknowable_as_info():
    """湖北洪山实验室建设经费 has two short indicators whose weights add up to 20 but can't be told apart."""
    report = check_workbook(SAMPLES / "seed_clean.xlsx")
    infos = [f for f in report.findings if f.severity == Severity.INFO]
    assert {f.form for f in infos} == {"湖北洪山实验室建设经费"}
    assert sorted(f.field for f in infos) == ["得分（监理）", "得分（设计费）"]


def test_mistakes_are_found_at_their_cells():
    report = check_workbook(SAMPLES / "seed_mistakes.xlsx")
    found = {(f.sheet, f.cell): f for f in report.findings}
    for planted in MISTAKES:
        finding = found.get((planted["sheet"], planted["cell"]))
        assert finding is not None, f"not found: {planted}"
        assert finding.severity.value == planted["severity"], planted
        if planted["severity"] == "error":
            assert finding.expected == planted["expected"], (finding, planted)
    planted_errors = {(m["sheet"], m["cell"]) for m in MISTAKES if m["severity"] == "error"}
    assert {(f.sheet, f.cell) for f in errors(report)} == planted_errors


def test_fix_corrects_the_mistakes_and_a_second_run_finds_none(tmp_path):
    source = SAMPLES / "seed_mistakes.xlsx"
    before = source.read_bytes()
    out = tmp_path / "fixed.xlsx"
    report = fix_workbook(source, out)
    assert report.error is None and report.output == out
    assert source.read_bytes() == before
    assert report.remaining_errors == []

    again = check_workbook(out)
    assert errors(again) == [], [f.message for f in errors(again)]
    assert computed_totals(again) == SEED_TOTALS

    book = openpyxl.load_workbook(out)
    for planted in MISTAKES:
        if planted["severity"] != "error":
            continue
        cell = book[planted["sheet"]][planted["cell"]]
        assert cell.comment is not None and "xlcheck" in cell.comment.text
        assert cell.fill.fgColor.rgb not in (None, "00000000")
    assert "核查结果" in book.sheetnames
    sheet = book["核查结果"]
    assert sheet["A1"].value == "xlcheck 核查结果" and sheet["A2"].value == "文件"
    header = [c.value for c in sheet[7]]
    assert header == ["序号", "级别", "工作表", "单元格", "项目", "检查项", "填报值", "核算值", "已更正", "说明", "规则", "相关单元格"]


def plant(data: dict) -> dict:
    """The mistakes of the committed sample, planted into form data for any layout."""
    data = json.loads(json.dumps(data))
    projects = {p["name"]: p for p in data["projects"]}
    projects["科学技术研究与开发资金"]["budget"]["rate"] = "95.12%"
    projects["经济运行和投资技改工作经费"]["budget"]["score"] = "19.87"
    projects["安全生产第三方服务经费"]["total"] = "99.37"
    science = projects["科学技术研究与开发资金"]
    next(i for i in science["indicators"] if i["name"] == "对外宣传洪山名优产品")["score"] = "1"
    data["department"]["budget"]["score"] = "19.15"
    return data


LAYOUTS = {
    "offset": Layout(row_offset=5, col_offset=3),
    "stacked": Layout(sheets="stacked"),
    "text numbers": Layout(numbers_as_text=True, total_in_own_cell=True),
    "labels": Layout(label_variants=True, rate_format="points"),
    "rate as plain fraction": Layout(rate_format="fraction"),
    "rate as text": Layout(rate_format="text"),
    "formulas": Layout(formulas=True),
    "all at once": Layout(sheets="stacked", row_offset=2, col_offset=1, numbers_as_text=True, label_variants=True),
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_relaid_out_clean_forms(tmp_path, name):
    path = tmp_path / "clean.xlsx"
    render_workbook(SEED, path, layout=LAYOUTS[name])
    report = check_workbook(path)
    assert len(report.checks) == 19
    assert computed_totals(report) == SEED_TOTALS
    assert errors(report) == [], [f.message for f in errors(report)]
    assert sorted(f.reported for f in report.findings if f.severity == Severity.WARNING) == ["65.50%", "89.53%"]


@pytest.mark.parametrize("name", LAYOUTS)
def test_relaid_out_mistakes_are_found_and_fixed(tmp_path, name):
    path = tmp_path / "mistakes.xlsx"
    cells = render_workbook(plant(SEED), path, layout=LAYOUTS[name])
    report = check_workbook(path)
    expected = {
        cells["科学技术研究与开发资金|budget.rate"]: "95.21%",
        cells["经济运行和投资技改工作经费|budget.score"]: "19.78",
        cells["安全生产第三方服务经费|total"]: "99.73",
        cells["部门整体|budget.score"]: "19.51",
    }
    science = next(p for p in SEED["projects"] if p["name"] == "科学技术研究与开发资金")
    index = next(i for i, r in enumerate(science["indicators"]) if r["name"] == "对外宣传洪山名优产品")
    expected[cells[f"科学技术研究与开发资金|indicator.{index}.score"]] = "0.5"
    got = {f"{f.sheet}!{f.cell}": f.expected for f in errors(report)}
    assert got == expected

    out = tmp_path / "fixed.xlsx"
    fixed = fix_workbook(path, out)
    assert fixed.remaining_errors == []
    again = check_workbook(out)
    assert errors(again) == [], [f.message for f in errors(again)]
    assert computed_totals(again) == SEED_TOTALS


def test_corrected_copy_opens_in_libreoffice_with_the_corrected_values(tmp_path, soffice):
    out = tmp_path / "fixed.xlsx"
    fix_workbook(SAMPLES / "seed_mistakes.xlsx", out)
    csv = convert_with_soffice(soffice, out, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path)
    rows = [line.split(",") for line in csv.read_text(encoding="utf-8").splitlines()]
    budget_row = next(r for r in rows if "部门整体支出总额" in "".join(r))
    assert "19.51" in budget_row and "19.15" not in budget_row


def test_a_units_own_sheet_named_like_the_report_is_still_checked(tmp_path):
    """Only xlcheck's own 核查结果 (recognised by its header) is skipped, not a form on a sheet of that name."""
    data = {"department": SEED["department"], "projects": [dict(SEED["projects"][0], sheet="核查结果")]}
    path = tmp_path / "own.xlsx"
    render_workbook(data, path, layout=Layout(projects_only=True))
    report = check_workbook(path)
    assert [c.form.sheet for c in report.checks] == ["核查结果"]
    out = tmp_path / "fixed.xlsx"
    fix_workbook(path, out)
    assert [c.form.sheet for c in check_workbook(out).checks] == ["核查结果"]
    assert "核查结果2" in openpyxl.load_workbook(out, read_only=True).sheetnames


def test_department_goal_weight_written_after_the_text(tmp_path):
    """'年度目标1：…（0.2分）' reads like '年度目标1（0.2分）：…'; a goal with no weight leaves the total a warning."""
    import re

    path = tmp_path / "dept.xlsx"
    render_workbook(SEED, path, layout=Layout(department_only=True))
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    goals = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("年度目标")]
    for cell in goals:
        cell.value = re.sub(r"^(年度目标\d+)（([\d.]+分)）：(.*)$", r"\1：\3（\2）", cell.value, flags=re.S)
    assert len(goals) == 18 and all(c.value.endswith("分）") for c in goals)
    book.save(path)
    report = check_workbook(path)
    assert [c.settled["total"] for c in report.checks] == [Decimal("97.01")]
    assert errors(report) == []

    goals[0].value = goals[0].value.rsplit("（", 1)[0]
    book.save(path)
    report = check_workbook(path)
    [warning] = [f for f in report.findings if f.rule == "XC401"]
    assert warning.severity == Severity.WARNING and goals[0].coordinate in warning.message
    assert errors(report) == []


def test_each_form_reads_into_dataframes_with_cell_addresses():
    import pandas as pd

    report = check_workbook(SAMPLES / "seed_clean.xlsx")
    science = next(c.form for c in report.checks if c.form.name == "科学技术研究与开发资金")
    assert isinstance(science.indicators, pd.DataFrame) and isinstance(science.budget, pd.DataFrame)
    row = science.indicators.set_index("name").loc["对外宣传洪山名优产品"]
    assert (row["target"], row["actual"], row["score"], row["score_cell"]) == ("2场次", "1场次", Decimal("0.5"), "G39")
    budget = science.budget.iloc[0]
    assert (budget["budget"], budget["spent"], budget["rate_cell"]) == (Decimal("13247"), Decimal("12612.86"), "E6")
    assert len(science.indicators) == 34 and science.goals.iloc[0]["score"] == Decimal("20")
