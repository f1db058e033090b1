"""Findings a reviewer can trust (issue 9): severity by certainty, triangulation, empty totals, one root
cause = one finding with its other cells in `related`, met targets at full marks."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from xlcheck.api import check_workbook, fix_workbook
from xlcheck.model import Severity
from xlcheck.package import read_sheets
from support.render import Layout, render_workbook

from conftest import SAMPLES

NATIONAL = {p["name"]: p for p in json.loads((SAMPLES / "national_forms.json").read_text(encoding="utf-8"))["projects"]}
SEED = json.loads((SAMPLES / "seed_forms.json").read_text(encoding="utf-8"))


def national(name: str) -> dict:
    return copy.deepcopy(NATIONAL[name])


def render(tmp_path, data: dict, layout: Layout = Layout(), name: str = "form.xlsx"):
    path = tmp_path / name
    cells = render_workbook(data, path, layout=layout)
    report = check_workbook(path)
    assert report.error is None
    return path, report, cells


def by_rule(report, code):
    return [f for f in report.findings if f.rule == code]


def errors(report):
    return [f for f in report.findings if f.severity == Severity.ERROR]


def cell_value(path, sheet: str, address: str):
    from xlcheck.model import parse_a1

    [found] = [s for s in read_sheets(path) if s.name == sheet]
    cell = found.get(*parse_a1(address))
    return None if cell is None else cell.value


# ---------------------------------------------------------------------------------------------------
# Empty totals: the total is what was left out, never the filled lines.
# ---------------------------------------------------------------------------------------------------

def test_blank_total_above_filled_lines_gets_the_total_rate_and_score(tmp_path):
    """年度资金总额 全年执行数 left blank, the rate and score computed from it as 0: the total is the sum of
    its 其中 lines (93.6 + 18 = 111.6), the rate 111.6/120 = 93.00%, the score 9.3, the 总分 93.68."""
    data = national("中小企业服务热线运营经费")
    data["budget"].update(spent="", rate="0.00%", score="0")
    data["total"] = "84.38"
    path, report, cells = render(tmp_path, {"projects": [data]})
    found = {f.rule: f for f in errors(report)}
    assert sorted(found) == ["XC101", "XC102", "XC105", "XC401"], report.findings
    total, rate, score, whole = found["XC105"], found["XC101"], found["XC102"], found["XC401"]
    assert (total.expected, total.fixable) == ("111.6", True)
    assert sorted(total.related) == sorted([cells["中小企业服务热线运营经费|part.0.spent"],
                                            cells["中小企业服务热线运营经费|part.1.spent"]])
    assert (rate.reported, rate.expected) == ("0.00%", "93.00%")
    assert rate.related == score.related == [f"{total.sheet}!{total.cell}"]  # computed from the filled total
    assert total.reported == "（空）"
    assert (score.reported, score.expected) == ("0", "9.3")
    assert (whole.reported, whole.expected) == ("84.38", "93.68")
    # the parts are never "fixed" down to the empty total
    assert not any(f.cell in {c.split("!")[1] for c in total.related} for f in report.findings)

    fixed = fix_workbook(path, tmp_path / "fixed.xlsx")
    assert fixed.error is None and fixed.remaining_errors == [] and fixed.fixed == 4
    sheet = total.sheet
    assert cell_value(fixed.output, sheet, total.cell) == Decimal("111.6")
    again = check_workbook(fixed.output)
    assert errors(again) == [], again.findings


def test_zero_total_above_filled_lines_is_fixed_not_the_lines(tmp_path):
    data = national("中小企业服务热线运营经费")
    data["budget"].update(spent="0", rate="0.00%", score="0")
    data["total"] = "84.38"
    _, report, cells = render(tmp_path, {"projects": [data]})
    [total] = by_rule(report, "XC105")
    assert f"{total.sheet}!{total.cell}" == cells["中小企业服务热线运营经费|budget.spent"]
    assert (total.reported, total.expected, total.fixable) == ("0", "111.6", True)
    assert {f.rule for f in errors(report)} == {"XC101", "XC102", "XC105", "XC401"}


def test_filled_lines_that_disagree_with_a_filled_total_are_related_to_it(tmp_path):
    data = national("中小企业服务热线运营经费")
    data["parts"][1]["spent"] = "81"  # 93.6 + 81 != 111.6: certainly wrong, but which line?
    _, report, cells = render(tmp_path, {"projects": [data]})
    [finding] = by_rule(report, "XC105")
    assert finding.severity == Severity.ERROR and not finding.fixable
    assert finding.related == [cells["中小企业服务热线运营经费|part.0.spent"], cells["中小企业服务热线运营经费|part.1.spent"]]
    assert finding.as_dict()["related"] == finding.related


# ---------------------------------------------------------------------------------------------------
# Triangulation: two identities that point at the same cell and agree on its value make it certain.
# ---------------------------------------------------------------------------------------------------

def seed_with(**department) -> dict:
    data = copy.deepcopy(SEED)
    data["department"].update(department)
    return data


TRIANGULATION_LAYOUTS = {
    "default": Layout(),
    "stacked": Layout(sheets="stacked"),
    "text numbers": Layout(numbers_as_text=True, total_in_own_cell=True),
    "all at once": Layout(sheets="stacked", row_offset=2, col_offset=1, numbers_as_text=True, label_variants=True),
}


@pytest.mark.parametrize("layout", TRIANGULATION_LAYOUTS)
def test_project_spending_is_fixed_by_triangulation(tmp_path, layout):
    """项目支出总额 25535.59 breaks 执行数 = 基本 + 项目 (27031.20 ≠ 1477.61 + 25535.59) and 项目支出 = Σ
    project 执行数 + 上级转移资金 (17014.52 + 8539.07 = 25553.59); both say 25553.59: one error, fixed."""
    path, report, cells = render(tmp_path, seed_with(project_spending="25535.59"), TRIANGULATION_LAYOUTS[layout])
    found = errors(report)
    assert [f.rule for f in found] == ["XC502"], [f.as_dict() for f in found]
    [fix] = found
    assert (fix.reported, fix.expected, fix.fixable) == ("25535.59", "25553.59", True)
    assert "两个恒等式" in fix.message and "27031.2 − 1477.61" in fix.message
    spent, basic = cells["部门整体|budget.spent"], cells["部门整体|basic_spending"]
    assert spent in fix.related and basic in fix.related
    assert len(fix.related) == 3 + 18  # 执行数, 基本支出总额, 上级转移资金 and each project's 执行数
    assert by_rule(report, "XC104") == []  # one root cause, one finding

    fixed = fix_workbook(path, tmp_path / "fixed.xlsx")
    assert fixed.remaining_errors == [] and fixed.fixed == 1
    assert str(cell_value(fixed.output, fix.sheet, fix.cell)) in ("25553.59",)
    assert errors(check_workbook(fixed.output)) == []


def test_one_identity_broken_is_an_unfixed_error_with_its_cells_related(tmp_path):
    """基本支出总额 1477.16 breaks only 执行数 = 基本 + 项目: certainly wrong, but 执行数 or 基本? Not fixed."""
    _, report, cells = render(tmp_path, seed_with(basic_spending="1477.16"))
    [spending] = errors(report)
    assert (spending.rule, spending.severity, spending.fixable) == ("XC104", Severity.ERROR, False)
    assert f"{spending.sheet}!{spending.cell}" == cells["部门整体|budget.spent"]
    assert spending.related == [cells["部门整体|basic_spending"], cells["部门整体|project_spending"]]


def test_an_error_that_cannot_be_fixed_gets_a_note_and_keeps_its_value(tmp_path):
    """The corrected copy marks an unfixed error too: a note on the cell (it names the rule's message and
    the report row), the value as the unit wrote it, not counted as fixed."""
    import openpyxl

    path, report, cells = render(tmp_path, seed_with(basic_spending="1477.16"))
    [spending] = errors(report)
    fixed = fix_workbook(path, tmp_path / "fixed.xlsx")
    assert fixed.fixed == 0 and fixed.remaining_errors == [spending]
    book = openpyxl.load_workbook(fixed.output)
    cell = book[spending.sheet][spending.cell]
    original = openpyxl.load_workbook(path)[spending.sheet][spending.cell]
    assert cell.value == original.value
    assert cell.comment is not None and "未更正" in cell.comment.text and spending.message in cell.comment.text
    assert "第 8 行" in cell.comment.text  # the first finding's row of 核查结果
    assert book["核查结果"]["J8"].value.startswith(spending.message)


# ---------------------------------------------------------------------------------------------------
# One root cause, one finding.
# ---------------------------------------------------------------------------------------------------

def test_weights_adding_up_to_110_are_one_finding_not_two(tmp_path):
    """产出 weights 20 + 20 more = 110 in all: the scores then add up to 110 > 90 too; one cause, one finding."""
    data = national("中小企业服务热线运营经费")
    row = data["indicators"][0]
    row.update(weight=str(Decimal(row["weight"]) + 20), score=str(Decimal(row["score"]) + 20))
    data["total"] = str(Decimal(data["total"]) + 20)
    _, report, cells = render(tmp_path, {"projects": [data]})
    found = errors(report)
    assert [f.rule for f in found] == ["XC308"], [f.as_dict() for f in found]
    [weights] = found
    assert "全部分值合计 110，应为 90" in weights.message
    assert f"{weights.sheet}!{weights.cell}" == cells["中小企业服务热线运营经费|indicator.0.weight"]
    assert cells["中小企业服务热线运营经费|indicator.1.weight"] in weights.related


def test_total_relates_the_scores_corrected_before_it(tmp_path):
    data = copy.deepcopy(next(p for p in SEED["projects"] if p["name"] == "党建工作经费"))
    data["budget"].update(score="19.58")
    data["total"] = "99.58"  # added up from the wrong budget score
    _, report, cells = render(tmp_path, {"department": SEED["department"], "projects": [data]}, Layout(projects_only=True))
    [total] = by_rule(report, "XC401")
    assert total.related == [cells["党建工作经费|budget.score"]]
    assert "相关单元格" in total.related_text and cells["党建工作经费|budget.score"] in total.related_text


# ---------------------------------------------------------------------------------------------------
# Met targets at full marks; execution scored twice.
# ---------------------------------------------------------------------------------------------------

def hubei(name: str) -> dict:
    return copy.deepcopy(next(p for p in SEED["projects"] if p["name"] == name))


def test_met_target_scored_weight_times_actual_is_named_and_fixed_hubei(tmp_path):
    """No 分值 column: all targets met, 19 + the others' 40 = 59 of 60, and 19 = (60 − 40) × 95% for the
    one met '95%' row: its weight 20 is certain -> error, fixed to 20, the mistake named; total 99 -> 100."""
    data = hubei("文明创建和宣传")
    row = next(r for r in data["indicators"] if r["name"] == "单位职工满意度")
    row.update(target="≥95%", actual="95%", score="19")
    data["total"] = "99"
    path, report, cells = render(tmp_path, {"department": SEED["department"], "projects": [data]}, Layout(projects_only=True))
    found = {f.rule: f for f in errors(report)}
    assert sorted(found) == ["XC309", "XC401"], [f.as_dict() for f in report.findings]
    met = found["XC309"]
    assert (met.reported, met.expected, met.fixable) == ("19", "20", True)
    assert "20 × 实际完成值 95%" in met.message
    assert found["XC401"].expected == "100"
    assert by_rule(report, "XC307") == []  # the shortfall of the section is this one cause
    fixed = fix_workbook(path, tmp_path / "fixed.xlsx")
    assert fixed.remaining_errors == [] and errors(check_workbook(fixed.output)) == []


def test_met_target_scored_weight_times_actual_is_an_error_even_when_explained(tmp_path):
    data = national("党建工作经费")
    row = data["indicators"][0]
    assert row["weight"] == "18"
    row.update(target="≥95%", actual="95%", score="17.1", deviation="酌情扣分")  # 18 × 95% = 17.1
    data["total"] = "98.95"
    _, report, cells = render(tmp_path, {"projects": [data]})
    [met] = by_rule(report, "XC309")
    assert (met.severity, met.reported, met.expected) == (Severity.ERROR, "17.1", "18")
    assert f"{met.sheet}!{met.cell}" == cells["党建工作经费|indicator.0.score"]
    assert "18 × 实际完成值 95%" in met.message


@pytest.mark.parametrize("actual, severity", [
    ("2021年12月完成", Severity.ERROR),  # a date met: as certain as a number (银川 2021, 公用经费完成时间)
    ("2021年11月20日", Severity.ERROR),
    ("按期完成", Severity.WARNING),  # met in words: a judgement, its tier is 80–100%
])
def test_met_deadline_below_full_marks(tmp_path, actual, severity):
    data = national("党建工作经费")
    row = data["indicators"][0]
    row.update(target="2021年12月完成", actual=actual, score="16", deviation="")
    data["total"] = "97.85"
    _, report, cells = render(tmp_path, {"projects": [data]})
    [met] = by_rule(report, "XC309")
    assert (met.severity, met.reported, met.expected) == (severity, "16", "18")
    assert met.fixable == (severity == Severity.ERROR)
    assert f"{met.sheet}!{met.cell}" == cells["党建工作经费|indicator.0.score"]


def test_several_rows_that_could_be_short_of_full_marks_are_not_guessed(tmp_path):
    """Two met '100%' rows of equal score: which one lost the point is not certain -> no fix (XC307 warns)."""
    data = hubei("机关事业单位办公维护经费")
    for r in data["indicators"]:
        if r["name"] in ("设施设备正常运作率", "环境卫生合格率"):
            r.update(target="≥90%", actual="90%", score="9")  # 10 × 90% = 9, twice
    data["total"] = "98"
    _, report, _ = render(tmp_path, {"department": SEED["department"], "projects": [data]}, Layout(projects_only=True))
    assert by_rule(report, "XC309") == []
    assert [f.severity for f in by_rule(report, "XC307")] == [Severity.WARNING]


def test_execution_rate_scored_again_as_an_indicator_warns(tmp_path):
    data = national("党建工作经费")
    data["indicators"][0].update(name="预算执行率", target="≥90%", actual="98.5%")
    _, report, cells = render(tmp_path, {"projects": [data]})
    [twice] = by_rule(report, "XC310")
    assert twice.severity == Severity.WARNING
    assert f"{twice.sheet}!{twice.cell}" == cells["党建工作经费|indicator.0.score"]
    assert twice.related == [cells["党建工作经费|budget.score"]]
    assert errors(report) == []


def test_a_low_rate_warning_reports_the_rate_as_written(tmp_path):
    """执行率 written 65.51% where 3.93/6 = 65.50%: XC101 fixes it, and XC103's warning (below 90%, not
    explained) shows 填报 65.51% too, as the unit wrote it, not the recomputed rate."""
    data = national("科技资料等相关费用")
    data["budget"]["rate"] = "65.51%"
    _, report, cells = render(tmp_path, {"projects": [data]})
    [wrong] = by_rule(report, "XC101")
    [low] = by_rule(report, "XC103")
    assert wrong.reported == low.reported == "65.51%"
    assert "执行率 65.50% 低于 90.00%" in low.message
