"""The national template (财政部 2020, 10 + 90): the sample data, reading it in every layout, the national
rules (其中 lines, 分值 sums, met-below-full), and the planted mistakes found and fixed."""

from __future__ import annotations

import copy
import importlib.util
import json
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest

from xlcheck.api import check_workbook, fix_workbook
from xlcheck.model import Severity
from xlcheck.reader.national import is_national_anchor
from support.grid import render_grid
from support.render import Layout, render_workbook

from conftest import ROOT, SAMPLES

_spec = importlib.util.spec_from_file_location("make_samples", ROOT / "scripts" / "make_samples.py")
make_samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_samples)

NATIONAL = json.loads((SAMPLES / "national_forms.json").read_text(encoding="utf-8"))
SEED = json.loads((SAMPLES / "seed_forms.json").read_text(encoding="utf-8"))
MANIFEST = json.loads((SAMPLES / "national_mistakes.json").read_text(encoding="utf-8"))
FORMS = {p["name"]: p for p in NATIONAL["projects"]}
TOTALS = sorted(Decimal(p["total"]) for p in NATIONAL["projects"])


def D(text: str) -> Decimal:
    text = text.strip().rstrip("%")
    return Decimal(text) if text and text != "—" else Decimal(0)


def half_up(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def errors(report):
    return [f for f in report.findings if f.severity == Severity.ERROR]


def totals(report) -> list[Decimal]:
    return sorted(check.settled["total"] for check in report.checks)


def form(name: str) -> dict:
    return copy.deepcopy(FORMS[name])


def check_form(tmp_path, data: dict, profile=None, layout: Layout = Layout()):
    path = tmp_path / "national.xlsx"
    cells = render_workbook({"projects": [data]}, path, layout=layout)
    report = check_workbook(path, profile)
    assert report.error is None
    return report, cells


def by_rule(report, code):
    return [f for f in report.findings if f.rule == code]


# ---------------------------------------------------------------------------------------------------
# The sample data reconciles: rescaled from the seed, every number the arithmetic of its row.
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(FORMS))
def test_sample_form_adds_up(name):
    p = FORMS[name]
    b = p["budget"]
    ratio = D(b["spent"]) / D(b["budget"])
    assert half_up(ratio * 100) == D(b["rate"])
    assert half_up(min(Decimal(10), 10 * ratio)) == D(b["score"])
    for field in ("initial", "budget", "spent"):
        assert sum(D(part[field]) for part in p["parts"]) == D(b[field]), field
    assert sum(D(i["weight"]) for i in p["indicators"]) == 90
    assert all(D(i["score"]) <= D(i["weight"]) for i in p["indicators"])
    assert D(b["score"]) + sum(D(i["score"]) for i in p["indicators"]) == D(p["total"])


def test_seed_forms_are_rescaled_to_10_plus_90():
    seed = {p["name"]: p for p in SEED["projects"]}
    rescaled = [name for name in FORMS if name in seed]
    assert len(rescaled) == 7
    for name in rescaled:
        ours, theirs = FORMS[name], seed[name]
        assert (ours["budget"]["budget"], ours["budget"]["spent"], ours["budget"]["rate"]) == (
            theirs["budget"]["budget"], theirs["budget"]["spent"], theirs["budget"]["rate"])
        scored = [i for i in theirs["indicators"] if i["score"].strip()]
        assert [i["name"] for i in ours["indicators"]] == [i["name"] for i in scored]
        for mine, published in zip(ours["indicators"], scored):
            if mine["weight"] == mine["score"]:  # met: the Hubei score was the Hubei weight
                assert D(mine["weight"]) == D(published["score"]) * Decimal("1.5"), mine["name"]
    science = FORMS["科学技术研究与开发资金"]
    assert (science["budget"]["score"], science["total"]) == ("9.52", "98.77")  # 9.52 + 59.5 × 1.5
    short = next(i for i in science["indicators"] if i["name"] == "对外宣传洪山名优产品")
    assert (short["weight"], short["score"]) == ("1.5", "0.75")


def test_constructed_project_has_negative_and_qualitative_indicators_and_the_usual_split():
    hotline = FORMS["中小企业服务热线运营经费"]
    targets = [i["target"] for i in hotline["indicators"]]
    assert any(t.startswith("≤") for t in targets) and "有效提升" in targets
    split = {}
    for i in hotline["indicators"]:
        split[i["level1"]] = split.get(i["level1"], 0) + D(i["weight"])
    assert split == {"产出指标（50分）": 50, "效益指标（30分）": 30, "满意度指标（10分）": 10}
    assert hotline["budget"]["initial"] != hotline["budget"]["budget"]


# ---------------------------------------------------------------------------------------------------
# The clean sample and the mistakes sample, as a user runs them.
# ---------------------------------------------------------------------------------------------------

def test_clean_national_sample_has_no_errors_and_the_right_totals():
    report = check_workbook(SAMPLES / "national_clean.xlsx")
    assert report.error is None
    assert len(report.checks) == 8
    assert {(c.form.layout, c.profile.name, c.form.kind) for c in report.checks} == {("national", "national", "project")}
    assert errors(report) == [], [f.message for f in errors(report)]
    assert totals(report) == TOTALS
    assert [c.form.total for c in report.checks] == [Decimal(p["total"]) for p in NATIONAL["projects"]]
    # the only warning is the seed's real gap: 65.50% executed and nothing explains it
    assert [(f.rule, f.form, f.reported) for f in report.findings] == [("XC103", "科技资料等相关费用", "65.50%")]


def test_reader_takes_every_block_of_the_national_form():
    report = check_workbook(SAMPLES / "national_clean.xlsx")
    hotline = next(c.form for c in report.checks if c.form.name == "中小企业服务热线运营经费")
    budget = hotline.budget
    assert list(budget["item"]) == ["年度资金总额", "当年财政拨款", "上年结转资金", "其他资金"]
    assert list(budget["part"]) == [False, True, True, True]
    first = budget.iloc[0]
    assert (first["initial"], first["budget"], first["spent"], first["weight"], first["rate"], first["score"]) == (
        Decimal(100), Decimal(120), Decimal("111.6"), Decimal(10), Decimal("0.93"), Decimal("9.3"))
    assert budget.iloc[3]["budget"] is None  # '—'
    assert hotline.goals.iloc[0]["text"].startswith("运营中小企业服务热线")
    assert hotline.goals.iloc[0]["score"] is None  # 年度总体目标 is not scored
    indicators = hotline.indicators
    assert len(indicators) == 11
    assert list(indicators["weight"]) == [Decimal(w) for w in ("10", "10", "10", "5", "5", "10", "10", "10", "10", "6", "4")]
    assert indicators.iloc[1]["deviation"].startswith("部分企业受疫情影响")
    assert indicators.iloc[-1]["level1"] == "满意度指标（10分）"
    assert (hotline.total, hotline.total_cell.address) == (Decimal("93.68"), "H24")


def test_national_mistakes_are_found_at_their_cells():
    report = check_workbook(SAMPLES / "national_mistakes.xlsx")
    found = {(f.sheet, f.cell): f for f in errors(report)}
    assert set(found) == {(m["sheet"], m["cell"]) for m in MANIFEST}
    for planted in MANIFEST:
        finding = found[(planted["sheet"], planted["cell"])]
        assert (finding.reported, finding.expected, finding.fixable) == (planted["reported"], planted["expected"], True)
    rules = {f.rule for f in errors(report)}
    assert rules == {"XC101", "XC102", "XC105", "XC301", "XC401"}


def test_fix_corrects_every_national_mistake(tmp_path):
    out = tmp_path / "fixed.xlsx"
    report = fix_workbook(SAMPLES / "national_mistakes.xlsx", out)
    assert report.error is None and report.remaining_errors == [] and report.fixed == len(MANIFEST)
    again = check_workbook(out)
    assert errors(again) == [], [f.message for f in errors(again)]
    assert totals(again) == TOTALS
    book = openpyxl.load_workbook(out)
    for planted in MANIFEST:
        cell = book[planted["sheet"]][planted["cell"]]
        assert cell.comment is not None and "xlcheck" in cell.comment.text
    science = book["科学技术研究与开发资金"][next(m["cell"] for m in MANIFEST if m["form"] == "科学技术研究与开发资金")]
    assert science.value == pytest.approx(0.75)


def test_the_messages_show_the_national_arithmetic():
    report = check_workbook(SAMPLES / "national_mistakes.xlsx")
    messages = {f.field: f.message for f in errors(report) if f.form == "中小企业服务热线运营经费"}
    assert "全年执行数/全年预算数 = 111.6/120 = 93.00%" in messages["执行率"]
    assert "10 × 111.6/120 = 9.3" in messages["预算执行得分"]
    assert "≤150元 / 实际 160元 = 0.9375（反向指标）" in messages["得分（单件诉求处理成本）"]
    total = next(f for f in errors(report) if f.rule == "XC401")
    assert total.message == "总分应为 预算执行得分 9.85 + 指标得分合计 90 = 99.85"


# ---------------------------------------------------------------------------------------------------
# The same forms laid out the ways hand-made workbooks differ.
# ---------------------------------------------------------------------------------------------------

LAYOUTS = {
    "offset": Layout(row_offset=5, col_offset=3),
    "stacked": Layout(sheets="stacked"),
    "text numbers": Layout(numbers_as_text=True),
    "labels and points": Layout(label_variants=True, rate_format="points"),
    "rate as fraction": Layout(rate_format="fraction"),
    "rate as text": Layout(rate_format="text"),
    "formulas": Layout(formulas=True),
    "all at once": Layout(sheets="stacked", row_offset=2, col_offset=1, numbers_as_text=True, label_variants=True),
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_relaid_out_national_forms(tmp_path, name):
    clean = tmp_path / "clean.xlsx"
    render_workbook(NATIONAL, clean, layout=LAYOUTS[name])
    report = check_workbook(clean)
    assert len(report.checks) == 8 and totals(report) == TOTALS
    assert errors(report) == [], [f.message for f in errors(report)]

    wrong, entries = make_samples.plant(NATIONAL, make_samples.NATIONAL_MISTAKES)
    path = tmp_path / "mistakes.xlsx"
    cells = render_workbook(wrong, path, layout=LAYOUTS[name])
    report = check_workbook(path)
    expected = {cells[entry["key"]]: entry["expected"] for entry in entries}
    assert {f"{f.sheet}!{f.cell}": f.expected for f in errors(report)} == expected
    fixed = fix_workbook(path, tmp_path / "fixed.xlsx")
    assert fixed.remaining_errors == []
    assert errors(check_workbook(tmp_path / "fixed.xlsx")) == []


def test_hubei_and_national_forms_in_one_sheet_each_get_their_profile(tmp_path):
    path = tmp_path / "mixed.xlsx"
    data = {"projects": SEED["projects"][:3] + NATIONAL["projects"][-2:]}
    render_workbook(data, path, layout=Layout(sheets="stacked"))
    report = check_workbook(path)
    assert [(c.form.layout, c.profile.name) for c in report.checks] == [("hubei", "hubei")] * 3 + [("national", "national")] * 2
    assert [c.settled["total"] for c in report.checks] == [Decimal(p["total"]) for p in data["projects"]]
    assert errors(report) == []


def test_blank_national_template_is_read_and_has_nothing_to_report():
    report = check_workbook(ROOT / "templates" / make_samples.NATIONAL_TEMPLATE)
    assert report.error is None and len(report.checks) == 1
    [check] = report.checks
    assert check.form.layout == "national" and check.form.indicators.empty
    assert report.findings == []
    wb = openpyxl.load_workbook(ROOT / "templates" / make_samples.NATIONAL_TEMPLATE)
    texts = {c.value for row in wb.active.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "偏差原因分析及改进措施",
            "其中：当年财政拨款", "上年结转资金", "其他资金", "服务对象满意度指标", "总分"} <= texts


def test_committed_national_samples_are_up_to_date(tmp_path):
    make_samples.build(tmp_path / "samples", tmp_path / "templates")
    for name in ("national_clean.xlsx", "national_mistakes.xlsx"):
        assert _contents(tmp_path / "samples" / name) == _contents(SAMPLES / name), f"{name} is stale: run scripts/make_samples.py"
    assert _contents(tmp_path / "templates" / make_samples.NATIONAL_TEMPLATE) == _contents(
        ROOT / "templates" / make_samples.NATIONAL_TEMPLATE)
    rebuilt = json.loads((tmp_path / "samples" / "national_mistakes.json").read_text(encoding="utf-8"))
    assert rebuilt == MANIFEST


def _contents(path):
    wb = openpyxl.load_workbook(path)
    return {ws.title: ({c.coordinate: (c.value, c.number_format) for row in ws.iter_rows() for c in row if c.value is not None},
                       sorted(str(r) for r in ws.merged_cells.ranges)) for ws in wb.worksheets}


def test_national_anchor_is_the_block_label_only():
    assert is_national_anchor("项目资金(万元)") and is_national_anchor("项目资金")
    assert not is_national_anchor("项目资金使用合规性") and not is_national_anchor("预算执行情况(万元)(20分)")


# ---------------------------------------------------------------------------------------------------
# The national rules one by one.
# ---------------------------------------------------------------------------------------------------

def test_parts_that_do_not_add_up_with_two_lines_filled_are_an_unfixed_error_at_the_total(tmp_path):
    data = form("中小企业服务热线运营经费")
    data["parts"][1]["spent"] = "81"  # 93.6 + 81 != 111.6, two lines filled: which one is wrong?
    report, cells = check_form(tmp_path, data)
    [finding] = by_rule(report, "XC105")
    assert finding.severity == Severity.ERROR and not finding.fixable  # certainly wrong, but where?
    assert f"{finding.sheet}!{finding.cell}" == cells["中小企业服务热线运营经费|budget.spent"]
    assert (finding.reported, finding.expected) == ("174.6", "111.6")


def _small_form(unit: str, budget: str, spent: str, weight: str, rate: str, score: str) -> dict:
    """A national form with one funding line and one indicator, as a grid (support.grid)."""
    return {"sheet": "自评表", "rows": [
        ["项目支出绩效自评表", "<", "<", "<", "<", "<", "<", "<"],
        ["项目名称", "市民中心运行维护费", "<", "<", "<", "<", "<", "<"],
        [f"项目资金（{unit}）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["^", "年度资金总额", budget, budget, spent, weight, rate, score],
        ["^", "其中：当年财政拨款", budget, budget, spent, "—", "", "—"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["^", "产出指标", "数量指标", "大厅运行正常率", "100%", "100%", "90", "90"],
    ]}


@pytest.mark.parametrize("unit,budget,spent", [("万元", "150万", "125.25万"), ("万元", "150万元", "125.25"),
                                               ("元", "150万", "1,252,500"), ("元", "1500000", "125.25万元")])
def test_amounts_typed_with_a_unit_are_read_in_the_blocks_unit(tmp_path, unit, budget, spent):
    """'150万' under 项目资金（万元） is 150; under 项目资金（元） it is 1,500,000: a rate of 83.5% either way."""
    path = tmp_path / "units.xlsx"
    render_grid([_small_form(unit, budget, spent, "10", "85%", "8.35")], path)
    report = check_workbook(path)
    assert not by_rule(report, "XC001")
    [rate] = [f for f in errors(report)]
    assert (rate.rule, rate.cell, rate.expected, rate.fixable) == ("XC101", "G4", "83.50%", True)


def test_a_budget_score_against_a_weight_that_cannot_be_right_is_an_unfixed_error(tmp_path):
    """鄂州 市民中心运行维护费 writes the form's total into the budget line: 分值 100 (with 90 more in the
    indicators), 得分 98, 125.25/150 = 83.5%. 98 is neither 100 × 83.5% nor 10 × 83.5%: an error, but
    whether the 分值 or the 得分 is wrong is not certain -> not fixed. 得分 83.5 (= 100 × 83.5%) is the row's
    own arithmetic: no finding there (the 分值 itself is for the sums to question)."""
    path = tmp_path / "weight.xlsx"
    render_grid([_small_form("万元", "150万", "125.25万", "100", "83.5%", "98")], path)
    [score] = by_rule(check_workbook(path), "XC102")
    assert (score.cell, score.severity, score.fixable, score.expected) == ("H4", Severity.ERROR, False, "83.5 或 8.35")
    assert "100 × 125.25/150 = 83.5" in score.message and "10 × 执行率 = 8.35" in score.message
    render_grid([_small_form("万元", "150万", "125.25万", "100", "83.5%", "83.5")], path)
    assert not by_rule(check_workbook(path), "XC102")
    render_grid([_small_form("万元", "150", "125.25", "10", "83.5%", "9")], path)  # a right 分值: fixed as always
    [score] = by_rule(check_workbook(path), "XC102")
    assert (score.cell, score.expected, score.fixable) == ("H4", "8.35", True)


def _initial_only(total: list[str], part: list[str]) -> dict:
    """北京 2016's funding block: 年初预算数（A） is its only budget column, 执行率（B/A）."""
    return {"sheet": "自评表", "rows": [
        ["项目支出绩效自评表（2016年度）", "<", "<", "<", "<", "<", "<"],
        ["项目名称", "自管道路清扫保洁外包工作经费", "<", "<", "<", "<", "<"],
        ["项目资金\n（万元）", "", "年初预算数（A）", "全年执行数（B）", "分值（10分）", "执行率（B/A）", "得分"],
        ["^", "年度资金总额：", *total],
        ["^", "其中：本年一般公共预算拨款", *part],
        ["^", "其他资金", "", "", "", "", ""],
    ]}


def test_a_block_whose_only_budget_column_is_the_initial_budget_divides_by_it(tmp_path):
    """年初预算数（A） alone is the budget: 154.74/310.2 = 49.88%, 10 × 0.498839 = 4.99 (the page: 50%, 5);
    the 其中 lines are checked once for it (not again as 全年预算数), and a total left blank is filled from them."""
    path = tmp_path / "initial.xlsx"
    render_grid([_initial_only(["310.2", "154.74", "10", "50%", "5"], ["310.2", "154.74", "", "", ""])], path)
    report = check_workbook(path)
    assert sorted((f.rule, f.cell, f.expected) for f in errors(report)) == [("XC101", "F4", "49.88%"), ("XC102", "G4", "4.99")]
    assert "全年执行数/年初预算数 = 154.74/310.2" in by_rule(report, "XC101")[0].message
    render_grid([_initial_only(["", "154.74", "10", "49.88%", "4.99"], ["310.2", "154.74", "", "", ""])], path)
    report = check_workbook(path)
    assert [(f.rule, f.cell, f.expected) for f in errors(report)] == [("XC105", "C4", "310.2")]
    assert not by_rule(report, "XC101") and not by_rule(report, "XC102")  # computed from the filled total
    render_grid([_initial_only(["310.2", "154.74", "10", "49.88%", "4.99"], ["300", "154.74", "", "", ""])], path)
    [parts] = by_rule(check_workbook(path), "XC105")  # one finding for the one column
    assert (parts.cell, parts.expected) == ("C5", "310.2")


@pytest.mark.parametrize("budget", ["250000.00", "250,000.00", "250000"])
def test_the_rate_message_names_the_column_it_divides_by(tmp_path, budget):
    """上海普陀 2022: 年初预算数 = 全年预算数 = 250000.00, 执行数 215457.6, 执行率 86.19% -> 86.18%, divided by
    全年预算数 (the national profile's denominator): the message names 全年预算数, never 年初预算数 because the
    two hold the same amount; a profile dividing by 年初预算数 names that one."""
    path = tmp_path / "rate.xlsx"
    render_grid([_small_form("元", budget, "215,457.6", "10", "86.19%", "8.62")], path)
    [rate] = by_rule(check_workbook(path), "XC101")
    assert rate.expected == "86.18%" and "全年执行数/全年预算数 = 215457.6/250000" in rate.message
    profile = tmp_path / "initial.toml"
    profile.write_text((ROOT / "src/xlcheck/profiles/national.toml").read_text(encoding="utf-8")
                       .replace('denominator = "full_year"', 'denominator = "initial"'), encoding="utf-8")
    [rate] = by_rule(check_workbook(path, profile), "XC101")
    assert "全年执行数/年初预算数 = 215457.6/250000" in rate.message


def test_an_empty_actual_value_is_named_at_its_own_cell(tmp_path):
    """青神 2023 (partly filled): a 完成值 left empty cannot be judged; the info names that empty cell (F7), never
    A1; a row whose 得分 is empty too is named there as well."""
    path = tmp_path / "empty.xlsx"
    grid = _small_form("万元", "150", "150", "10", "100%", "10")
    grid["rows"][6][5] = ""
    render_grid([grid], path)
    [info] = by_rule(check_workbook(path), "XC305")
    assert (info.cell, info.severity) == ("F7", Severity.INFO) and "实际完成值为空" in info.message
    grid["rows"][6][7] = ""
    render_grid([grid], path)
    assert [f.cell for f in by_rule(check_workbook(path), "XC305")] == ["F7"]


def test_a_table_without_a_target_column_gets_no_empty_target_info(tmp_path):
    """A table judged by its 评分标准 (岳阳's department scorecard) has no 年度指标值 column: '年初目标值为空' on
    every row would be noise. With the column there but left empty, the info stays (at the row's cell)."""
    path = tmp_path / "criteria.xlsx"
    grid = _small_form("万元", "150", "150", "10", "100%", "10")
    grid["rows"][5][4], grid["rows"][6][4] = "评分标准", "按时足额发放得满分"
    render_grid([grid], path)
    assert not by_rule(check_workbook(path), "XC305")
    grid["rows"][5][4], grid["rows"][6][4] = "年度指标值", ""
    render_grid([grid], path)
    [info] = by_rule(check_workbook(path), "XC305")
    assert info.cell == "F7" and "年初目标值为空" in info.message


def test_weights_must_add_up_to_90_and_to_the_labelled_section(tmp_path):
    data = form("中小企业服务热线运营经费")
    data["indicators"][0].update(weight="8", score="8")  # 产出 48, all 88
    data["total"] = "91.68"
    report, cells = check_form(tmp_path, data)
    findings = by_rule(report, "XC308")  # one cause (the 产出 weights), one finding; 88 ≠ 90 named in it
    assert sorted((f.field, f.reported, f.expected) for f in findings) == [("分值合计（产出指标）", "48", "50")]
    assert "全部分值合计 88，应为 90" in findings[0].message
    assert all(f.severity == Severity.ERROR and not f.fixable for f in findings)
    assert {f"{f.sheet}!{f.cell}" for f in findings} == {cells["中小企业服务热线运营经费|indicator.0.weight"]}


def test_met_target_below_full_marks_without_explanation_is_fixed_to_the_weight(tmp_path):
    data = form("中小企业服务热线运营经费")
    weight = data["indicators"][0]["weight"]
    data["indicators"][0]["score"] = "8"  # 1350件 against ≥1200件: met
    data["total"] = "91.68"
    report, cells = check_form(tmp_path, data)
    [met] = by_rule(report, "XC309")
    assert (met.severity, met.fixable, met.reported, met.expected) == (Severity.ERROR, True, "8", weight)
    assert f"{met.sheet}!{met.cell}" == cells["中小企业服务热线运营经费|indicator.0.score"]
    [total] = by_rule(report, "XC401")  # 91.68 added up the deducted score: the total follows the fix
    assert total.expected == "93.68" and total.related == [met.cell.join([met.sheet + "!", ""])]
    data["indicators"][0]["deviation"] = "抽查中发现2件诉求答复不规范，酌情扣2分。"
    report, _ = check_form(tmp_path, data)
    assert by_rule(report, "XC309") == [] and errors(report) == []  # a deduction explained: the unit's call


def test_qualitative_partly_achieved_is_checked_against_the_tiers(tmp_path):
    data = form("中小企业服务热线运营经费")
    row = next(i for i in data["indicators"] if i["target"] == "有效提升")
    row["score"] = "9"  # above 80% of 10
    data["total"] = "96.68"
    report, _ = check_form(tmp_path, data)
    [high] = [f for f in by_rule(report, "XC301") if f.severity == Severity.WARNING]
    assert high.expected == "≤ 8"
    row["score"] = "3"  # below 50% of 10 though the actual says 部分提升
    data["total"] = "90.68"
    report, _ = check_form(tmp_path, data)
    [low] = [f for f in by_rule(report, "XC301") if f.severity == Severity.WARNING]
    assert low.expected == "≥ 5" and "部分达成" in low.message


def test_unexplained_short_indicator_on_the_national_form_names_its_column(tmp_path):
    data = form("中小企业服务热线运营经费")
    data["indicators"][1]["deviation"] = ""
    report, _ = check_form(tmp_path, data)
    [warning] = by_rule(report, "XC306")
    assert "走访服务企业" in warning.field and "偏差原因分析及改进措施" in warning.message
