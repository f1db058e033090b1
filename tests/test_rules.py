"""Each rule on a small project form built for it: the arithmetic edge cases a reviewer would try."""

from __future__ import annotations

import copy
import json

import pytest

from xlcheck.api import check_workbook
from xlcheck.model import Severity
from support.render import Layout, render_workbook

from conftest import SAMPLES

SEED = json.loads((SAMPLES / "seed_forms.json").read_text(encoding="utf-8"))


def project(name: str) -> dict:
    return copy.deepcopy(next(p for p in SEED["projects"] if p["name"] == name))


def findings_for(tmp_path, form: dict, layout: Layout = Layout(projects_only=True)):
    path = tmp_path / "form.xlsx"
    cells = render_workbook({"department": SEED["department"], "projects": [form]}, path, layout=layout)
    report = check_workbook(path)
    assert report.error is None
    return report, cells


def by_rule(report, code):
    return [f for f in report.findings if f.rule == code]


def test_half_up_edge_case_is_not_a_false_alarm(tmp_path):
    """399.3/400 = 99.825% -> 99.83%; 20 × 0.99825 = 19.965 -> 19.97 (binary floats would say 19.96)."""
    form = project("党建工作经费")
    form["budget"].update(budget="400", spent="399.3", rate="99.83%", score="19.97")
    form["total"] = "99.97"
    report, _ = findings_for(tmp_path, form)
    assert [f for f in report.findings if f.severity == Severity.ERROR] == []


def test_rate_rounded_down_is_an_error_with_the_arithmetic(tmp_path):
    form = project("党建工作经费")
    form["budget"].update(budget="400", spent="399.3", rate="99.82%", score="19.96")
    form["total"] = "99.96"
    report, cells = findings_for(tmp_path, form)
    [rate] = by_rule(report, "XC101")
    assert (rate.reported, rate.expected, rate.fixable) == ("99.82%", "99.83%", True)
    assert "399.3/400" in rate.message
    [score] = by_rule(report, "XC102")
    assert (score.reported, score.expected) == ("19.96", "19.97")
    [total] = by_rule(report, "XC401")
    assert (total.reported, total.expected) == ("99.96", "99.97")
    assert f"{rate.sheet}!{rate.cell}" == cells["党建工作经费|budget.rate"]


def test_overspending_caps_the_budget_score_at_its_weight(tmp_path):
    form = project("党建工作经费")
    form["budget"].update(budget="2", spent="2.2", rate="110.00%", score="22")
    form["total"] = "102"
    report, _ = findings_for(tmp_path, form)
    [score] = by_rule(report, "XC102")
    assert (score.reported, score.expected) == ("22", "20")
    [total] = by_rule(report, "XC401")
    assert total.expected == "100"


def test_goal_score_above_its_weight(tmp_path):
    form = project("党建工作经费")
    form["goal"]["score"] = "22"
    form["total"] = "101.7"
    report, _ = findings_for(tmp_path, form)
    [goal] = by_rule(report, "XC201")
    assert (goal.reported, goal.expected, goal.fixable) == ("22", "20", True)
    [total] = by_rule(report, "XC401")
    assert total.expected == "99.7"


@pytest.mark.parametrize("nothing", ["无", "无。", "——", "—", "/", "暂无", "不适用", "……", ""])
def test_short_indicator_without_explanation_warns(tmp_path, nothing):
    """One vocabulary for "no explanation": every word of it leaves the shortfall unexplained."""
    form = project("科学技术研究与开发资金")
    form["deviation"] = nothing
    report, _ = findings_for(tmp_path, form)
    [warning] = by_rule(report, "XC306")
    assert warning.severity == Severity.WARNING and "对外宣传洪山名优产品" in warning.field
    assert [f for f in report.findings if f.severity == Severity.ERROR] == []


def test_negative_indicator_scores_target_over_actual(tmp_path):
    """A cost target '≤50万元' overrun to 62.5万元 earns weight × 50/62.5 = 0.8 of its weight."""
    form = project("党建工作经费")
    row = form["indicators"][0]
    row.update(target="≤50万元", actual="62.5万元", score="12")  # weight 12 (60 − 4 × 12), full marks claimed
    form["deviation"] = "培训费超支。"
    form["total"] = "99.7"
    report, _ = findings_for(tmp_path, form)
    [score] = by_rule(report, "XC301")
    assert (score.reported, score.expected) == ("12", "9.6")
    assert "50" in score.message and "62.5" in score.message
    [total] = by_rule(report, "XC401")
    assert total.expected == "97.3"


@pytest.mark.parametrize("name", ["公用经费控制率", "财政供养人员\n控制率", "预算调整率", "结转结余率"])
def test_spending_control_rate_without_sign_is_lower_is_better(tmp_path, name):
    """重庆 2021: 公用经费控制率 target 100% (no ≤), actual 97%, full marks: met, not 12 × 0.97."""
    form = project("党建工作经费")
    form["indicators"][0].update(name=name, target="100%", actual="97%", score="12")  # weight 12, full marks
    report, _ = findings_for(tmp_path, form)
    assert [f"{f.rule} {f.message}" for f in report.findings if f.severity == Severity.ERROR] == []
    assert not [f for f in by_rule(report, "XC305") if name[-3:] in f.field]  # scored, and met


def test_control_rate_of_unsure_direction_is_not_scored_unless_signed(tmp_path):
    """A 控制率 the name does not settle (a disease's is higher-is-better): 95% against 90% is not scored
    either way (info); written '≥95%' it is, 12 × 90/95 = 11.37."""
    form = project("党建工作经费")
    form["indicators"][0].update(name="病虫害控制率", target="95%", actual="90%", score="12")
    form["deviation"] = "病虫害偏重。"
    report, _ = findings_for(tmp_path, form)
    assert [f.rule for f in report.findings if f.severity == Severity.ERROR] == []
    [info] = by_rule(report, "XC305")
    assert "病虫害控制率" in info.field and "越低越好" in info.message
    form["indicators"][0]["target"] = "≥95%"
    form["total"] = "99.07"
    report, _ = findings_for(tmp_path, form)
    [score] = by_rule(report, "XC301")
    assert (score.reported, score.expected) == ("12", "11.37")


def test_qualitative_target_not_met_scored_in_full_warns(tmp_path):
    form = project("党建工作经费")
    form["indicators"][0].update(name="完成三通一平", target="完成", actual="未完成")  # weight 60 − 4 × 12 = 12, scored 12
    form["deviation"] = "场地未移交。"
    report, _ = findings_for(tmp_path, form)
    [tier] = [f for f in by_rule(report, "XC301") if f.severity == Severity.WARNING]
    assert "完成三通一平" in tier.field and "9.6" in tier.message


def test_value_not_understood_is_reported_not_scored(tmp_path):
    form = project("党建工作经费")
    form["indicators"][0].update(target="见附件", actual="详见报告", score="6")
    form["total"] = "93.7"
    report, _ = findings_for(tmp_path, form)
    assert by_rule(report, "XC305")
    assert [f.rule for f in report.findings if f.severity == Severity.ERROR] == []


def test_indicator_scores_above_sixty(tmp_path):
    form = project("精准扶贫工作经费")
    form["indicators"][0]["score"] = "16"
    form["total"] = "101"
    report, _ = findings_for(tmp_path, form)
    [over] = by_rule(report, "XC307")
    assert over.severity == Severity.ERROR and over.reported == "61"


@pytest.mark.parametrize("layout", [Layout(projects_only=True), Layout(projects_only=True, total_in_own_cell=True)])
def test_total_fix_keeps_the_surrounding_text(tmp_path, layout):
    form = project("科学技术研究与开发资金")
    form["total"] = "98.45"
    report, _ = findings_for(tmp_path, form, layout)
    [total] = by_rule(report, "XC401")
    assert (total.reported, total.expected) == ("98.45", "98.54")
    if isinstance(total.expected_value, str):
        assert "自评得分" in total.expected_value and "98.54分" in total.expected_value


@pytest.mark.parametrize("sample", ["seed_mistakes.xlsx", "family_mistakes.xlsx", "national_mistakes.xlsx"])
def test_each_form_is_checked_as_if_alone(sample):
    """The forms of one workbook share the work of assessing the rows they repeat (a department form repeats
    its projects' indicators): each form's findings and recomputed values are still exactly those it gets
    checked alone (the department-against-projects rules XC501/XC502 aside)."""
    from xlcheck.reader import read_forms
    from xlcheck.scorer import score_forms
    from xlcheck.workbook import open_workbook

    def forms():
        with open_workbook(SAMPLES / sample) as book:
            return read_forms(book)

    together = score_forms(forms())
    alone = [score_forms([form])[0] for form in forms()]
    assert len(together) == len(alone) > 1
    for one, other in zip(together, alone):
        own = [f for f in one.findings if f.rule not in ("XC501", "XC502")]
        assert own == other.findings, one.form.name
        assert one.settled == other.settled, one.form.name
    assert any(f.rule == "XC301" for check in together for f in check.findings)  # the rows' assessments matter here


def test_rows_of_records_without_some_columns_read_them_as_none():
    """The rules read a block's rows from its records, every column taken at once; a record made without
    some columns (a form built by hand, not by the reader) reads those as None, like one that has them all."""
    from decimal import Decimal

    from xlcheck.model import CellRef, Form
    from xlcheck.rules.base import rows

    written = {"name": "培训人次", "target": "≥100人次", "actual": "120人次", "score": Decimal("10")}
    form = Form("project", "表1", "项目", CellRef("表1", 1, 1), records={"indicators": [written]})
    (row,) = rows(form, "indicators")
    assert (row.Index, row.name, row.target, row.actual, row.score) == (0, "培训人次", "≥100人次", "120人次", Decimal("10"))
    assert row.weight is None and row.score_cell is None and row.coefficient is None
