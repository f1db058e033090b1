"""Layout families read by the one spec-driven reader (layouts/): small forms built cell by cell, each as a
unit would lay it out, checked end to end: sections with their own points, split targets, other labels."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from support.grid import render_grid
from xlcheck.api import check_workbook
from xlcheck.model import Severity


def build(path, rows: list[list], merges: tuple[str, ...] = (), offset: tuple[int, int] = (0, 0), sheet: str = "自评表"):
    """A workbook whose one sheet holds `rows` (None = empty cell), shifted by `offset` (rows, columns)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    down, right = offset
    for r, values in enumerate(rows, start=1 + down):
        for c, value in enumerate(values, start=1 + right):
            if value is not None:
                ws.cell(r, c, value)
    for ref in merges:
        first, last = ref.split(":")
        shift = lambda a: openpyxl.utils.get_column_letter(openpyxl.utils.column_index_from_string(
            "".join(ch for ch in a if ch.isalpha())) + right) + str(int("".join(ch for ch in a if ch.isdigit())) + down)
        ws.merge_cells(f"{shift(first)}:{shift(last)}")
    book.save(path)
    return path


def errors(report):
    return [f for f in report.findings if f.severity == Severity.ERROR]


def by_rule(report, code):
    return [f for f in report.findings if f.rule == code]


# A Hubei project form whose indicators sit under two goal groups of 40 points (20 + 40 + 40 = 100).
GROUPS = [
    ["2022年度社区养老服务项目自评表"],
    ["单位名称：某区民政局", None, None, None, "自评得分：99分"],
    ["项目名称", "社区养老服务"],
    ["预算执行情况（万元）（20分）", None, "预算数（A）", "执行数（B）", "执行率（B/A）", "得分（20分*执行率）"],
    [None, "年度财政资金总额", 100, 95, "95%", 19],
    ["年度绩效目标1（40分）", "一级指标", "二级指标", "指标名称", "年初目标值", "实际完成值", "得分"],
    [None, "产出指标", "数量指标", "服务老人人数", "≥500人", "520人", 20],
    [None, None, "质量指标", "服务合格率", "≥95%", "96%", 20],
    ["年度绩效目标2（40分）", "一级指标", "二级指标", "指标名称", "年初目标值", "实际完成值", "得分"],
    [None, "产出指标", "数量指标", "新建站点", "4个", "4个", 15],
    [None, "效益指标", "社会效益指标", "覆盖社区", "10个", "8个", 20],
    [None, None, "满意度指标", "老人满意度", "≥90%", "95%", 5],
    ["偏差大或目标未完成原因分析", "两个社区选址未定，延至明年"],
    ["改进措施及结果应用方案", "加快选址"],
]


def test_goal_groups_are_sections_with_their_own_points(tmp_path):
    """Each 年度绩效目标N（40分） is a section: its short indicator's weight is 40 − the others (here 20), its
    score is checked against it, and nothing is summed against a 60-point table."""
    report = check_workbook(build(tmp_path / "groups.xlsx", GROUPS))
    assert report.error is None and len(report.checks) == 1
    form = report.checks[0].form
    groups = [(s.name, s.points, s.cell) for s in form.sections if s.kind == "indicators"]
    assert groups == [("年度绩效目标1", 40, "A6"), ("年度绩效目标2", 40, "A9")]
    assert [r["section"] for r in form.records["indicators"]] == ["table1"] * 2 + ["table2"] * 3
    # 覆盖社区 8 of 10 with weight 40 − 15 − 5 = 20 scores 16, not 20; the total 19 + 40 + 36 = 95
    wrong = errors(report)
    assert {(f.rule, f.cell) for f in wrong} == {("XC301", "G11"), ("XC401", "E2")}
    score = next(f for f in wrong if f.rule == "XC301")
    assert score.expected_value == Decimal("16") and "40 − 其余指标权重合计 20" in score.message
    assert report.checks[0].settled["total"] == Decimal("95")


def test_goal_group_scores_above_its_points_are_an_error(tmp_path):
    rows = [list(r) for r in GROUPS]
    rows[6][6] = 21  # group 1: 21 + 20 = 41 > 40
    rows[10][6] = 16
    rows[1][4] = "自评得分：96分"
    report = check_workbook(build(tmp_path / "over.xlsx", rows))
    over = by_rule(report, "XC307")
    assert len(over) == 1 and over[0].severity == Severity.ERROR and "41 超过 40" in over[0].message


# One 80-point group (no 总目标): 20 + 80 = 100, with 一级 labels writing their points.
EIGHTY = [
    ["2020年度服务贸易发展资金项目自评表"],
    ["项目名称", "服务贸易发展资金"],
    ["预算执行情况（万元）（20分）", None, None, "预算数（A）", "执行数（B）", "执行率（B/A）", "得分（20分*执行率）"],
    [None, "年度财政资金总额", None, 285.84, 285.84, 1, 20],
    ["年度绩效目标（80分）", "一级指标", "二级指标", "三级指标", "年初目标值（A）", "实际完成值（B）", "得分"],
    [None, "产出指标（50分）", "数量指标", "服务外包在岸（万美元）", 20000, 23333.56, 25],
    [None, None, "时效指标", "资金拨付及时性", "98%以上", 1, 25],
    [None, "效益指标（30分）", "社会效益指标", "企业走出去", "≥3家", "3家", 30],
    ["总分", None, None, None, None, None, 100],
    ["偏差大或目标未完成原因分析", "无"],
]
EIGHTY_MERGES = ("A5:A8", "B6:B7")


@pytest.mark.parametrize("offset", [(0, 0), (3, 2)])
def test_one_eighty_point_group_reads_clean(tmp_path, offset):
    report = check_workbook(build(tmp_path / "eighty.xlsx", EIGHTY, EIGHTY_MERGES, offset=offset))
    assert report.error is None and len(report.checks) == 1
    form = report.checks[0].form
    assert len(form.records["indicators"]) == 3  # the 总分 row is not an indicator
    assert errors(report) == []
    assert report.checks[0].settled["total"] == Decimal("100")


def test_points_written_that_disagree_are_an_error_at_the_label(tmp_path):
    rows = [list(r) for r in EIGHTY]
    rows[7][1] = "效益指标（40分）"  # 50 + 40 = 90, not 80
    rows[7][6] = 30
    report = check_workbook(build(tmp_path / "labels.xlsx", rows, EIGHTY_MERGES))
    found = by_rule(report, "XC311")
    assert [(f.cell, f.severity) for f in found] == [("A5", Severity.ERROR)]
    assert "50 + 效益指标 40 = 90" in found[0].message


def test_budget_and_sections_must_make_100(tmp_path):
    rows = [list(r) for r in EIGHTY]
    rows[2][0] = "预算执行情况（万元）（10分）"
    rows[3][6] = 10
    rows[8][6] = 90
    report = check_workbook(build(tmp_path / "hundred.xlsx", rows, EIGHTY_MERGES))
    found = by_rule(report, "XC311")
    assert len(found) == 1 and "= 90，应为 100 分" in found[0].message


# A national form cut short: only the 产出 group is shown, no 总分 row.
CUT = [
    ["项目支出绩效自评表"],
    ["项目名称", None, "村级补助"],
    ["项目资金（万元）", None, None, None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [None, None, "年度资金总额", None, 100, 100, 100, 10, "100%", 10],
    ["一级指标", "二级指标", "三级指标", None, "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["产出指标（50分）", "数量指标", "补助村数量", None, "8个", "8个", 25, 25],
    [None, "时效指标", "拨付及时率", None, "100%", "100%", 25, 25],
]


def test_a_form_cut_short_is_info_never_an_error(tmp_path):
    report = check_workbook(build(tmp_path / "cut.xlsx", CUT, ("A6:A7",)))
    assert report.error is None and errors(report) == []
    sums = by_rule(report, "XC308")
    assert [f.severity for f in sums] == [Severity.INFO] and "可能只展示了部分指标" in sums[0].message


# The national shape with a split target under a two-row header: 年度指标值 merged over 指标性质 | 指标值 |
# 度量单位, and 实际完成值 / 分值 / 得分 merged down beside them.
def split_form(signs=("﹦", "≥", "≧", "定性"), label="项目资金（万元）", money=("年初预算数", "全年预算数", "全年执行数")):
    rows = [
        ["项目支出绩效自评表"],
        ["项目名称", None, "卫片执法补助"],
        [label, None, None, None, *money, "分值", "执行率", "得分"],
        [None, None, "年度资金总额", None, 7.29, 7.29, 7.29, 10, "100%", 10],
        ["绩效指标", None, None, "年度指标值", None, None, "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"],
        ["产出指标", "数量指标", "补助经费", signs[0], 72890, "元", 72890, 30, 30],
        [None, "质量指标", "验收合格率", signs[1], 95, "%", 90, 30, 30],
        ["效益指标", "社会效益指标", "责停率", signs[2], 95, "%", 96, 20, 20],
        ["满意度指标", "服务对象满意度指标", "群众评价", signs[3], "好评", None, "好评", 10, 10],
        ["总分", None, None, None, None, None, None, 100, 100],
    ]
    merges = ("D5:F5", "G5:G6", "H5:H6", "I5:I6", "J5:J6", "A7:A8")
    if len(money) == 2:
        rows[2] = [label, None, None, None, *money, "分值", "执行率", "得分"]
        rows[3] = [None, None, "年度资金总额", None, 7.29, 7.29, 10, "100%", 10]
    return rows, merges


@pytest.mark.parametrize("offset", [(0, 0), (2, 1)])
def test_split_targets_read_as_one_target(tmp_path, offset):
    rows, merges = split_form()
    report = check_workbook(build(tmp_path / "split.xlsx", rows, merges, offset=offset))
    assert report.error is None and len(report.checks) == 1
    targets = [r["target"] for r in report.checks[0].form.records["indicators"]]
    assert targets == ["72890元", "≥95%", "≥95%", "好评"]
    # 验收合格率 90 against ≥95%: 30 × 90/95 = 28.42, not 30
    wrong = errors(report)
    score_col, total_row = "IJ"[offset[1]], 11 + offset[0]
    assert {(f.rule, f.cell) for f in wrong} == {("XC301", f"{score_col}{8 + offset[0]}"), ("XC401", f"{score_col}{total_row}")}
    score = next(f for f in wrong if f.rule == "XC301")
    assert score.expected_value == Decimal("28.42")


@pytest.mark.parametrize("sign", ["≥", "≧", "＞", "≤", "≦", "＜", "=", "＝", "═", "﹦"])
def test_every_sign_spelling_is_understood(tmp_path, sign):
    rows, merges = split_form(signs=(sign, "≥", "≥", "定性"))
    rows[6][6], rows[6][8] = 72890, 30  # met under any sign: =, ≥, ≤ with the same value
    report = check_workbook(build(tmp_path / "sign.xlsx", rows, merges))
    assert not [f for f in report.findings if f.rule == "XC305" and "补助经费" in f.message]
    first = report.checks[0].form.records["indicators"][0]["target"]
    assert first.endswith("72890元") and first[0] in "≥≤><7"


@pytest.mark.parametrize("label", ["资金情况（万元）", "预算资金", "年度预算申请（万元）", "项目资金"])
def test_other_funding_labels_without_initial_budget(tmp_path, label):
    rows, merges = split_form(label=label, money=("全年预算数", "全年执行数"))
    report = check_workbook(build(tmp_path / "labels.xlsx", rows, merges))
    assert report.error is None and len(report.checks) == 1
    line = report.checks[0].form.records["budget"][0]
    assert (line["budget"], line["spent"], line["initial"]) == (Decimal("7.29"), Decimal("7.29"), None)


# A Sichuan form: 预算执行情况（10分） with 调整后预算数 / 预算执行数 / 权重, split targets in one header row.
SICHUAN = [
    ["部门预算项目支出绩效自评表（2023年度）"],
    ["项目名称", "工资性支出"],
    ["预算执行情况（10分）", "年度预算数（万元）", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分"],
    [None, "总额", 238.93, 251.89, 226.7, "90%", 10, 10],
    [None, "其中：财政资金", 238.93, 251.89, 226.7, "90%", "/", "/"],
    [None, "单位资金", 0, 0, 0, 0, "/", "/"],
    ["绩效指标（90分）", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分", "未完成原因分析"],
    [None, "产出指标", "数量指标", "发放覆盖率", "＝", 100, "%", "100%", 60, 60],
    [None, "效益指标", "社会效益指标", "足额保障率", "≧", 98, "%", "99%", 30, 30],
    ["合计", None, None, None, None, None, None, None, 100, 100],
]


def test_sichuan_form_reads_its_budget_and_weights(tmp_path):
    report = check_workbook(build(tmp_path / "sichuan.xlsx", SICHUAN, ("A7:A9",)))
    assert report.error is None and len(report.checks) == 1
    check = report.checks[0]
    assert check.form.layout == "sichuan_project" and check.profile.name == "national"
    line = check.form.records["budget"][0]
    assert (line["budget"], line["spent"], line["weight"]) == (Decimal("251.89"), Decimal("226.7"), Decimal("10"))
    # 226.7 / 251.89 = 90.00%: 得分 10 × 0.9000 = 9, not 10; the total 100 follows (9 + 90 = 99)
    assert {(f.rule, f.cell) for f in errors(report)} == {("XC102", "H4"), ("XC401", "J10")}
    assert [r["target"] for r in check.form.records["indicators"]] == ["100%", "≥98%"]


def test_a_workbook_without_a_form_says_what_it_found_and_what_is_missing(tmp_path):
    rows = [["绩效指标"], [None, "一级指标", "二级指标", "指标名称", "年初目标值", "实际完成值", "得分"],
            [None, "产出指标", "数量指标", "培训人次", "20人次", "20人次", 10]]
    report = check_workbook(build(tmp_path / "only_indicators.xlsx", rows))
    assert report.error is not None and report.error.code == "no_form"
    assert "找到绩效指标表头（一级指标/二级指标），未找到预算执行情况（预算数/执行数/执行率）" in report.error.message
    report = check_workbook(build(tmp_path / "contacts.xlsx", [["姓名", "电话"], ["张三", "123"]]))
    assert report.error.code == "no_form"
    assert "未找到绩效指标表头（一级指标/二级指标）、预算执行情况（预算数/执行数/执行率）" in report.error.message


def test_layouts_lists_every_family_one_line_each():
    from click.testing import CliRunner

    from xlcheck.cli import app
    from xlcheck.layouts import SPECS

    result = CliRunner().invoke(app, ["layouts"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == [spec.name for spec in SPECS]
    assert {"hubei", "department", "national", "sichuan_project"} <= {spec.name for spec in SPECS}
    assert all(spec.title in line for spec, line in zip(SPECS, lines))


# A scorecard: 项目决策 / 项目管理 / 项目产出 / 项目效益 with a 参考分值 per row, 10 + 25 + 30 + 35 = 100; the
# funding block is not scored itself.
SCORECARD = [
    ["某市本级部门项目支出绩效自评表（2021年度）"],
    ["项目名称", "初中公用经费", None, None, "主管部门", "市教育局"],
    ["实施单位", "第六中学", None, None, "自评得分", 100],
    ["项目资金（万元）", None, None, "年初预算数", "调整预算数（A）", "全年执行数（B）", "执行率（B/A）"],
    [None, "年度资金总额", None, 64.8, 64.8, 64.8, "100%"],
    ["一级指标", "二级指标", "三级指标", "参考分值", "指标值（A）", "全年实际值（B）", "得分", "未完成原因分析及改进措施"],
    ["项目决策（10分）", "项目目标", "完整性", 10, "—", "目标明确", 10],
    ["项目管理（25分）", "投入管理", "资金到位率", 25, "100%", "100%", 25],
    ["项目产出（30分）", "数量指标", "保障人数", 30, "2370人", "2370人", 30],
    ["项目效益（35分）", "社会效益", "学校正常运转", 20, "≥95%", "98%", 20],
    [None, "满意度", "家长满意度", 15, "≥90%", "95%", 15],
]


def test_a_scorecard_reads_clean_with_its_own_points(tmp_path):
    report = check_workbook(build(tmp_path / "scorecard.xlsx", SCORECARD, ("A10:A11",)))
    assert report.error is None and len(report.checks) == 1
    check = report.checks[0]
    assert check.form.layout == "scorecard" and errors(report) == []
    assert check.settled["total"] == Decimal("100")  # no separate budget points: 10 + 25 + 30 + 35


def test_a_scorecard_score_above_its_reference_points_is_fixed(tmp_path):
    rows = [list(r) for r in SCORECARD]
    rows[8][6] = 32  # 保障人数 32 of 参考分值 30
    rows[2][5] = 102
    report = check_workbook(build(tmp_path / "over.xlsx", rows, ("A10:A11",)))
    over = next(f for f in errors(report) if f.cell == "G9")
    assert over.rule == "XC301" and over.expected_value == Decimal("30")


def test_a_scorecard_shown_in_part_is_info(tmp_path):
    rows = [list(r) for r in SCORECARD[:9]]
    rows[2][5] = 98
    report = check_workbook(build(tmp_path / "part.xlsx", rows))
    assert errors(report) == []
    assert {f.rule for f in report.findings if f.severity == Severity.INFO} >= {"XC308", "XC401"}


# A department scorecard (no funding block): 指标分值 and 自评得分, points in the 一级 labels.
DEPARTMENT_SCORECARD = [
    ["2023年度部门整体支出绩效评价自评表"],
    ["单位", "某县发展和改革局"],
    ["序号", "一级指标", "二级指标", "三级指标", "指标分值", "指标解释", "指标说明及评分标准", "自评得分"],
    [1, "规划（15分）", "基础信息", "基础信息完整性", 5, "…", "…", 5],
    [2, None, "工作计划", "年度工作计划完整性", 10, "…", "…", 10],
    [3, "执行（35分）", "预算执行", "预算执行率", 20, "…", "…", 18],
    [4, None, "预算管理", "管理制度健全性", 15, "…", "…", 15],
    [5, "效果（50分）", "履职效果", "重点工作完成率", 50, "…", "…", 50],
    ["合计", None, None, None, 100, None, None, 98],
]
DEPARTMENT_MERGES = ("B4:B5", "B6:B7")


@pytest.mark.parametrize("offset", [(0, 0), (4, 3)])
def test_a_department_scorecard_is_found_by_its_table(tmp_path, offset):
    report = check_workbook(build(tmp_path / "dept.xlsx", DEPARTMENT_SCORECARD, DEPARTMENT_MERGES, offset=offset))
    assert report.error is None and len(report.checks) == 1
    check = report.checks[0]
    assert check.form.layout == "department_scorecard" and errors(report) == []
    assert [(r["weight"], r["score"]) for r in check.form.records["indicators"]][2] == (Decimal("20"), Decimal("18"))
    assert check.settled["total"] == Decimal("98")


def test_a_department_scorecard_with_a_score_above_its_points(tmp_path):
    rows = [list(r) for r in DEPARTMENT_SCORECARD]
    rows[3][7] = 6  # 基础信息完整性 6 of 5
    rows[8][7] = 99
    report = check_workbook(build(tmp_path / "dept_over.xlsx", rows, DEPARTMENT_MERGES, sheet="部门整体"))
    over = [f for f in errors(report) if f.rule == "XC301"]
    assert [(f.cell, f.expected_value) for f in over] == [("H4", Decimal("5"))]


LABEL_POINTS_FORM = Path(__file__).resolve().parent / "realforms" / "wl2017_bumen_defen.json"


def test_a_score_above_the_points_in_its_own_label_is_an_error_at_the_score(tmp_path):
    """The real 2017 得分-only sheet (一级/二级/三级 | 得分, weights only in the labels): 相关性（5分） scored 6
    is above its 5 points, an XC301 error at its 得分 cell D3 fixed to 5; nothing else is an error."""
    form = json.loads(LABEL_POINTS_FORM.read_text(encoding="utf-8"))
    assert form["rows"][2][2] == "相关性（5分）" and form["rows"][2][3] == "5"
    form["rows"][2][3] = "6"
    render_grid([form], tmp_path / "label_points.xlsx")
    report = check_workbook(tmp_path / "label_points.xlsx")
    assert report.error is None and report.checks[0].form.layout == "department_label_points"
    assert [(f.rule, f.cell, f.expected_value) for f in errors(report)] == [("XC301", "D3", Decimal("5"))]


def test_a_table_with_a_weight_column_is_not_a_label_points_sheet(tmp_path):
    """The 得分-only family is marked by 三级指标 only where the header has no 分值/目标值 column: a bare
    national indicator table (分值 | 得分, no funding block) is not read as one."""
    rows = [["一级指标", "二级指标", "三级指标", "分值", "得分"],
            ["产出指标（50分）", "数量指标", "培训人数（5分）", 5, 6]]
    report = check_workbook(build(tmp_path / "weights.xlsx", rows))
    assert all(check.form.layout != "department_label_points" for check in report.checks)


def test_a_weight_written_as_a_percentage_is_read_as_points_and_said(tmp_path):
    rows = [list(r) for r in SICHUAN]
    rows[7][8], rows[8][8] = "60%", "30%"
    report = check_workbook(build(tmp_path / "percent.xlsx", rows, ("A7:A9",)))
    form = report.checks[0].form
    assert [r["weight"] for r in form.records["indicators"]] == [Decimal("60"), Decimal("30")]
    notes = by_rule(report, "XC002")
    assert [(f.cell, f.severity) for f in notes] == [("I8", Severity.INFO), ("I9", Severity.INFO)]
    assert "按满分 100 分读作 60 分" in notes[0].message


@pytest.mark.parametrize("written, total, expected", [("良", 100, "优"), ("优秀", 85, "良好"), ("中", 70, None), ("差", 70, "中")])
def test_a_grade_beside_the_total_matches_its_band(tmp_path, written, total, expected):
    rows = [list(r) for r in EIGHTY]
    rows[8] = ["总分", None, None, None, None, None, 100, written]
    if total != 100:  # lower the scores: 资金拨付及时性 98%以上 met, its score cut to reach the total (explained)
        rows[6][6] = 25 - (100 - total)
        rows[9] = ["偏差大或目标未完成原因分析", "拨付延迟，按评分办法扣分"]
        rows[8][6] = total
    report = check_workbook(build(tmp_path / "grade.xlsx", rows, EIGHTY_MERGES))
    assert report.checks[0].form.grade == {"优秀": "优", "良好": "良"}.get(written, written)
    found = by_rule(report, "XC402")
    if expected is None:
        assert found == []
    else:
        assert [(f.cell, f.severity, f.expected_value) for f in found] == [("H9", Severity.ERROR, expected)]


def test_amounts_typed_as_text_with_units_and_separators(tmp_path):
    rows = [list(r) for r in EIGHTY]
    rows[3][3:7] = ["4,753.66万元", "4753.66 万元", "100%", "20分"]
    report = check_workbook(build(tmp_path / "text.xlsx", rows, EIGHTY_MERGES))
    line = report.checks[0].form.records["budget"][0]
    assert (line["budget"], line["spent"], line["score"]) == (Decimal("4753.66"), Decimal("4753.66"), Decimal("20"))
    assert errors(report) == []


# A department form in the national shape: 部门整体支出 split into 基本支出 / 项目支出, a 分值 column.
DEPARTMENT_NATIONAL = [
    ["部门整体支出绩效自评表"],
    ["（2021年度）"],
    ["部门（单位）名称", None, "某区科学技术和经济信息化局"],
    ["部门整体支出（万元）", None, None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [None, "年度资金总额", None, 27710.77, 27710.77, 27031.2, 10, "97.55%", 9.75],
    [None, "其中：基本支出", None, 1477.61, 1477.61, 1477.61, "—", "—", "—"],
    [None, "项目支出", None, 26233.16, 26233.16, 25553.59, "—", "—", "—"],
    ["年度总体目标", None, "预期目标", None, None, "实际完成情况"],
    [None, None, "推进制造业转型升级", None, None, "已完成"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    [None, "产出指标", "数量指标", "规上工业企业总数", "≥100家", "100家", 50, 50],
    [None, "效益指标", "社会效益指标", "技术合同成交额", "75亿元", "87.2亿元", 30, 30],
    [None, "满意度指标", "服务对象满意度指标", "企业满意度", "≥90%", "95%", 10, 10],
    ["总分", None, None, None, None, None, 100, 99.75],
]


@pytest.mark.parametrize("label", ["部门整体支出（万元）", "部门预算资金"])
def test_a_department_form_in_the_national_shape(tmp_path, label):
    rows = [list(r) for r in DEPARTMENT_NATIONAL]
    rows[3][0] = label
    report = check_workbook(build(tmp_path / "dept_national.xlsx", rows))
    assert report.error is None and len(report.checks) == 1
    check = report.checks[0]
    assert check.form.layout == "department_national" and errors(report) == []
    assert [line["item"] for line in check.form.records["budget"]] == ["年度资金总额", "基本支出", "项目支出"]


def test_a_department_form_whose_parts_do_not_add_up(tmp_path):
    rows = [list(r) for r in DEPARTMENT_NATIONAL]
    rows[6][5] = 25535.59  # 1477.61 + 25535.59 = 27013.2, not 27031.2
    report = check_workbook(build(tmp_path / "dept_parts.xlsx", rows))
    assert [f.rule for f in errors(report)] == ["XC105"]


# A department form with coefficients: 指标得分 = 指标权重 × 得分系数.
COEFFICIENTS = [
    ["部门整体支出绩效自评表"],
    ["部门整体支出（万元）", None, None, "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [None, "年度资金总额", None, 500, 500, 10, "100%", 10],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "指标权重", "得分系数", "指标得分"],
    [None, "产出指标", "数量指标", "培训人次", "≥100人次", "120人次", 40, "100%", 40],
    [None, "效益指标", "社会效益指标", "群众知晓度", "明显提高", "有所提高", 30, "85%", 25.5],
    [None, "满意度指标", "服务对象满意度指标", "满意度", "≥90%", "92%", 20, "100%", 20],
    ["总分", None, None, None, None, None, 100, None, 95.5],
]


def test_coefficient_scores_are_weight_times_coefficient(tmp_path):
    report = check_workbook(build(tmp_path / "coef.xlsx", COEFFICIENTS))
    assert report.error is None and errors(report) == []
    rows = [list(r) for r in COEFFICIENTS]
    rows[5][8] = 24  # 30 × 85% = 25.5
    rows[7][8] = 94
    report = check_workbook(build(tmp_path / "coef_wrong.xlsx", rows))
    wrong = by_rule(report, "XC312")
    assert [(f.cell, f.severity, f.expected_value) for f in wrong] == [("I6", Severity.ERROR, Decimal("25.5"))]


def test_families_stacked_in_one_sheet_are_each_found(tmp_path):
    """A Sichuan form, a scorecard, a split-target national form, a department scorecard, a coefficient form
    and an 80-point Hubei form stacked one under another, with blank rows between: each found, each its family."""
    split, _ = split_form()
    stacked = []
    for rows in (SICHUAN, SCORECARD, split, COEFFICIENTS, EIGHTY):
        stacked += [list(r) for r in rows] + [[], []]
    report = check_workbook(build(tmp_path / "stacked.xlsx", stacked))
    assert report.error is None
    assert [c.form.layout for c in report.checks] == ["sichuan_project", "scorecard", "national", "department_national", "hubei"]
    # the department scorecard needs a sheet without funding blocks: its own sheet is tested above


@pytest.mark.parametrize("offset", [(0, 0), (6, 4)])
def test_sichuan_and_scorecard_at_an_offset(tmp_path, offset):
    for rows, merges, family, count in ((SICHUAN, ("A7:A9",), "sichuan_project", 2), (SCORECARD, ("A10:A11",), "scorecard", 5)):
        report = check_workbook(build(tmp_path / f"{family}.xlsx", rows, merges, offset=offset))
        assert [c.form.layout for c in report.checks] == [family]
        assert len(report.checks[0].form.records["indicators"]) == count


def test_a_part_line_with_its_own_points_scores_like_the_total(tmp_path):
    rows, merges = split_form()
    rows.insert(4, [None, None, "其中：当年财政拨款", None, 7.29, 7.29, 7.29, 10, "100%", 9])
    merges = ("D6:F6", "G6:G7", "H6:H7", "I6:I7", "J6:J7", "A8:A9")  # one row lower
    report = check_workbook(build(tmp_path / "parts.xlsx", rows, merges))
    found = by_rule(report, "XC106")
    assert [(f.cell, f.severity, f.expected_value) for f in found] == [("J5", Severity.ERROR, Decimal("10"))]
