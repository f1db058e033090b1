"""The layout families of forms.md §6 (sample_workbooks/family_forms.json, laid out by support.families):
each family's clean forms are found in three renderings of their own (shifted on the sheet, stacked in one
sheet, labels and signs spelt as hand-made forms spell them) with zero errors and their totals read; each
planted mistake of family_mistakes.json is found at its cell with the right fix and nothing else is an
error; the committed samples and templates are what scripts/make_samples.py writes.

A family today's reader does not read is a strict xfail naming what is missing (remove it from NOT_READ
when the reader reads it)."""

from __future__ import annotations

import importlib.util
import json
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from support import families
from support.grid import render_grid
from xlcheck.api import check_workbook
from xlcheck.model import Severity

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_workbooks"
FORMS = json.loads((SAMPLES / "family_forms.json").read_text(encoding="utf-8"))["forms"]
MANIFEST = json.loads((SAMPLES / "family_mistakes.json").read_text(encoding="utf-8"))

_spec = importlib.util.spec_from_file_location("make_samples", ROOT / "scripts" / "make_samples.py")
make_samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_samples)

NOT_READ: dict[str, str] = {}
RENDERINGS = {
    "offset": dict(spelling="plain", row_offset=4, col_offset=2, stacked=False),
    "stacked": dict(spelling="plain", row_offset=0, col_offset=0, stacked=True),
    "spelling": dict(spelling="variant", row_offset=1, col_offset=0, stacked=False),
}


def _xfail(family: str):
    return [pytest.mark.xfail(strict=True, reason=NOT_READ[family])] if family in NOT_READ else []


def _number(text) -> Decimal | None:
    found = re.search(r"-?\d+(\.\d+)?", str(text or ""))
    return Decimal(found.group()) if found else None


def _errors(report):
    return [f for f in report.findings if f.severity is Severity.ERROR]


@pytest.mark.parametrize("family, rendering", [
    pytest.param(family, rendering, id=f"{family}-{rendering}", marks=_xfail(family))
    for family in families.FAMILIES for rendering in RENDERINGS])
def test_clean_family_reads_without_errors(family, rendering, tmp_path):
    forms = [f for f in FORMS if f["family"] == family]
    how = RENDERINGS[rendering]
    grids = [families.layout(f, how["spelling"])[0] for f in forms]
    path = tmp_path / f"{family}-{rendering}.xlsx"
    render_grid(grids, path, row_offset=how["row_offset"], col_offset=how["col_offset"], stacked=how["stacked"])
    report = check_workbook(path)
    assert report.error is None, report.error.message
    assert len(report.checks) == len(forms), [c.form.name for c in report.checks]
    assert sorted(c.form.total for c in report.checks) == sorted(Decimal(f["total"]) for f in forms)
    read = sorted((line.get("budget"), line.get("spent")) for c in report.checks
                  for line in c.form.records.get("budget", [])[:1])
    assert read == sorted((_number(f["budget"]["lines"][0]["budget"].replace(",", "")),
                           _number(f["budget"]["lines"][0]["spent"].replace(",", ""))) for f in forms)
    assert not _errors(report), [f"{f.rule} {f.cell}: {f.message}" for f in _errors(report)]


@pytest.mark.parametrize("family", [pytest.param(family, marks=_xfail(family)) for family in families.FAMILIES])
def test_planted_mistakes_found_with_their_fix(family):
    report = check_workbook(SAMPLES / "family_mistakes.xlsx")
    sheets = {f["sheet"] for f in FORMS if f["family"] == family}
    planted = [m for m in MANIFEST if m["sheet"] in sheets]
    errors = [f for f in _errors(report) if f.sheet in sheets]
    assert planted
    for m in planted:
        found = [f for f in errors if f.cell == m["cell"]]
        assert found, f"{m['sheet']}!{m['cell']} {m['field']} {m['reported']} (right: {m['expected']}) not found"
        assert any(f.fixable and _number(f.expected) == _number(m["expected"]) for f in found), [f.expected for f in found]
    stray = [f"{f.sheet}!{f.cell} {f.rule}: {f.message}" for f in errors if (f.sheet, f.cell) not in {(m["sheet"], m["cell"]) for m in planted}]
    assert not stray, stray


def test_manifest_places_every_mistake_where_the_workbook_holds_it():
    wb = openpyxl.load_workbook(SAMPLES / "family_mistakes.xlsx")
    for m in MANIFEST:
        value = wb[m["sheet"]][m["cell"]].value
        shown = value
        if m["reported"].endswith("%") and not isinstance(value, str):
            shown = f"{value:.2%}" if "." in m["reported"] else f"{value:.0%}"
        assert str(shown) == m["reported"], (m, value)


def _contents(path):
    wb = openpyxl.load_workbook(path)
    return {ws.title: ({c.coordinate: (c.value, c.number_format) for row in ws.iter_rows() for c in row if c.value is not None},
                       sorted(str(r) for r in ws.merged_cells.ranges)) for ws in wb.worksheets}


def test_committed_family_samples_and_templates_are_current(tmp_path):
    (tmp_path / "samples").mkdir()
    (tmp_path / "templates").mkdir()
    make_samples.write_families(tmp_path / "samples", tmp_path / "templates")
    for name in ("family_clean.xlsx", "family_mistakes.xlsx"):
        assert _contents(tmp_path / "samples" / name) == _contents(SAMPLES / name), f"{name} is stale: run scripts/make_samples.py"
    assert (tmp_path / "samples" / "family_mistakes.json").read_text(encoding="utf-8") == (SAMPLES / "family_mistakes.json").read_text(encoding="utf-8")
    for name in make_samples.FAMILY_TEMPLATES.values():
        assert _contents(tmp_path / "templates" / name) == _contents(ROOT / "templates" / name), f"{name} is stale"


@pytest.mark.parametrize("family", [family for family in families.FAMILIES if family != "text-amounts"])
def test_templates_are_blank_and_raise_nothing(family):
    path = ROOT / "templates" / make_samples.FAMILY_TEMPLATES[family]
    report = check_workbook(path)
    assert not _errors(report)
    wb = openpyxl.load_workbook(path)
    numbers = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, (int, float))]
    form = next(f for f in FORMS if f["family"] == family)
    allowed = {float(r["weight"]) for s in form.get("sections", []) for r in s["rows"]}  # a scorecard's 参考分值 stay
    assert all(n in allowed or n == 100 for n in numbers), numbers


def _level2_variant(tmp_path, rename: dict[str, str]):
    """The hubei_level2_points form with some 二级 labels spelt otherwise, checked."""
    form = json.loads(json.dumps(next(f for f in FORMS if f["id"] == "hubei_level2_points")))
    for ind in form["groups"][0]["indicators"]:
        ind["level2"] = rename.get(ind["level2"], ind["level2"])
    path = tmp_path / "level2.xlsx"
    render_grid([families.layout(form)[0]], path)
    return check_workbook(path)


def test_level2_points_that_leave_a_group_unlabelled_raise_nothing(tmp_path):
    """产出指标（50分） holding 数量指标（20分）, 质量指标（20分） and a 时效指标 without points: 40 < 50 is no error
    (时效 weighs the rest), and the short indicators are still scored within their 二级 group."""
    report = _level2_variant(tmp_path, {"时效指标（10分）": "时效指标"})
    assert not _errors(report), [f"{f.rule} {f.cell}: {f.message}" for f in _errors(report)]
    form = report.checks[0].form
    assert [s.points for s in form.sections if s.name in ("数量指标", "质量指标")] == [Decimal(20), Decimal(20)]


def test_level2_points_over_their_level1_points_are_an_error(tmp_path):
    """数量指标（30分） + 质量指标（30分） + 时效指标（10分） = 70 under 产出指标（50分）: XC311 at the 产出指标 label."""
    report = _level2_variant(tmp_path, {"数量指标（20分）": "数量指标（30分）", "质量指标（20分）": "质量指标（30分）"})
    found = [f for f in _errors(report) if f.rule == "XC311"]
    assert [(f.cell, _number(f.expected)) for f in found] == [("B8", Decimal(70))], [(f.cell, f.message) for f in found]


def _percent_sichuan(tmp_path, weights: list[str], scores: list[str]):
    """The Sichuan sample form with its 权重 column written as percentages ('20%', budget '10%'), rendered."""
    form = json.loads(json.dumps(next(f for f in FORMS if f["id"] == "sichuan_split_weight")))
    form["budget"]["lines"][0]["weight"] = "10%"
    for ind, weight, score in zip(form["indicators"], weights, scores, strict=True):
        ind["weight"], ind["score"] = weight, score
    path = tmp_path / "sichuan-percent.xlsx"
    render_grid([families.layout(form)[0]], path)
    return path


def _profile(tmp_path, percent: str | None) -> Path:
    """The shipped national profile, its weights.percent set (None: the key left out, its default)."""
    text = (ROOT / "src" / "xlcheck" / "profiles" / "national.toml").read_text(encoding="utf-8")
    text = re.sub(r"\n\[weights\][^\n]*\n[^\[]*", "\n", text)
    path = tmp_path / f"sichuan-{percent}.toml"
    path.write_text(text + (f'\n[weights]\npercent = "{percent}"\n' if percent else ""), encoding="utf-8")
    return path


def _weights(report):
    return [row["weight"] for row in report.checks[0].form.records["indicators"]], [
        f for f in report.findings if f.rule == "XC002"]


def test_percent_weights_of_100_points_by_default(tmp_path):
    """权重 30% 20% 10% 10% 10% 10% (= 90% of the form's 100 points) with scores in points: the default profile
    (weights.percent left out, or "of_100") reads 30, 20, 10 … points, says so per cell (XC002), no error; read
    as shares of the 90-point table ("of_section": 27, 18, 9 …) the same form's full marks are above them."""
    path = _percent_sichuan(tmp_path, ["30%", "20%", "10%", "10%", "10%", "10%"], ["30", "20", "10", "10", "10", "10"])
    for profile in (None, _profile(tmp_path, None), _profile(tmp_path, "of_100")):
        report = check_workbook(path, profile=profile)
        assert not _errors(report), [f"{f.rule} {f.cell}: {f.message}" for f in _errors(report)]
        assert report.checks[0].form.total == 100
        notes = [f for f in report.findings if f.rule == "XC002"]
        assert len(notes) == 7 and "权重写作“30%”，按满分 100 分读作 30 分" in notes[1].message, [f.message for f in notes]
    wrong_way = check_workbook(path, profile=_profile(tmp_path, "of_section"))
    assert {f.rule for f in _errors(wrong_way)} >= {"XC301"}  # 30 scored against 27: above the weight


def test_percent_weights_as_shares_of_their_table(tmp_path):
    """权重 20% 20% 20% 20% 10% 10% (= 100% of the 绩效指标（90分） table) with scores 18, 18, 18, 18, 9, 9: read as
    points they would add up to 100 in a 90-point table, so they can only be shares. The default ("auto", the key
    left out or the shipped profile) and "of_section" read 18, 18, 18, 18, 9, 9 points, no error, and say how
    (XC002); a profile that says "of_100" reads 20 … points and finds the weights off (XC308), its note naming
    the other reading — never silently."""
    path = _percent_sichuan(tmp_path, ["20%", "20%", "20%", "20%", "10%", "10%"], ["18", "18", "18", "18", "9", "9"])
    report = check_workbook(path, profile=_profile(tmp_path, "of_section"))
    assert not _errors(report), [f"{f.rule} {f.cell}: {f.message}" for f in _errors(report)]
    notes = [f.message for f in report.findings if f.rule == "XC002"]
    assert any("读作绩效指标 90 分的 20%，即 18 分" in n for n in notes), notes
    assert any("预算执行" in n or "按满分 100 分读作 10 分" in n for n in notes), notes  # the budget's 10% stays 10 of 100
    for default in (check_workbook(path), check_workbook(path, profile=_profile(tmp_path, None))):
        assert not _errors(default), [f"{f.rule} {f.cell}: {f.message}" for f in _errors(default)]
        assert [row["weight"] for row in default.checks[0].form.records["indicators"]] == [20, 20, 20, 20, 10, 10]  # as written
        [note] = [f.message for f in default.findings if f.rule == "XC002" and f.cell == "I11"]
        assert "权重合计 100%，而绩效指标为 90 分，故读作绩效指标 90 分的 20%，即 18 分" in note, note
        assert 'weights] percent = "of_100"' in note  # and how to read it the other way
    as_points = check_workbook(path, profile=_profile(tmp_path, "of_100"))
    assert "XC308" in {f.rule for f in _errors(as_points)}
    hint = [f.message for f in as_points.findings if f.rule == "XC002" and f.cell == "I11"]
    assert hint and 'weights] percent = "of_section"' in hint[0], hint  # the note says which key reads it the other way


def test_weights_percent_key_is_checked_like_every_key(tmp_path):
    from xlcheck.profiles import ProfileError, load_profile

    assert load_profile(_profile(tmp_path, None)).percent_weights == "auto"
    assert load_profile(_profile(tmp_path, "of_100")).percent_weights == "of_100"
    assert load_profile(_profile(tmp_path, "of_section")).percent_weights == "of_section"
    with pytest.raises(ProfileError, match=r"weights\.percent.*“share”不可用"):
        load_profile(_profile(tmp_path, "share"))
    wrong = _profile(tmp_path, None)
    wrong.write_text(wrong.read_text(encoding="utf-8") + '\n[weights]\nunit = "percent"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"weights\.unit.*不是可用的配置项"):
        load_profile(wrong)


def _split_twice(tmp_path, headings: bool, project_spent: str = "2062.35"):
    """The department_source_funds form with its total split a second time, by kind (基本支出 / 项目支出): under a
    second '其中：', or under the headings 按收入性质分 / 按支出性质分."""
    form = json.loads(json.dumps(next(f for f in FORMS if f["id"] == "department_source_funds")))
    lines = form["budget"]["lines"]
    by_kind = [{"item": "其中：基本支出", "initial": "1000", "budget": "1056.8", "spent": "1040.1"},
               {"item": "项目支出", "initial": "2000", "budget": "2200", "spent": project_spent}]
    if headings:
        lines[1]["item"], by_kind[0]["item"] = "财政拨款", "基本支出"
        lines.insert(1, {"item": "其中：按收入性质分", "initial": "", "budget": "", "spent": ""})
        by_kind.insert(0, {"item": "按支出性质分：", "initial": "", "budget": "", "spent": ""})
    form["budget"]["lines"] = lines + by_kind
    path = tmp_path / "split-twice.xlsx"
    render_grid([families.layout(form)[0]], path)
    return check_workbook(path)


@pytest.mark.parametrize("headings", [False, True], ids=["second-qizhong", "headings"])
def test_a_total_split_by_source_and_by_kind_adds_up_in_each_split(tmp_path, headings):
    report = _split_twice(tmp_path, headings)
    assert not _errors(report), [f"{f.rule} {f.cell}: {f.message}" for f in _errors(report)]
    lines = report.checks[0].form.records["budget"]
    assert [(line["item"], line["part"]) for line in lines] == [
        ("年度资金总额", 0), ("财政拨款", 1), ("其他资金", 1), ("基本支出", 2), ("项目支出", 2)]


def test_a_second_split_that_does_not_add_up_is_its_own_error(tmp_path):
    """基本支出 1040.1 + 项目支出 2026.35 = 3066.45 against 全年执行数 3102.45: an error at the total, naming that split
    only, not fixed (which line is wrong is not certain); the first split (财政拨款 + 其他资金) adds up."""
    report = _split_twice(tmp_path, headings=False, project_spent="2026.35")
    found = [f for f in _errors(report) if f.rule == "XC105"]
    assert [(f.cell, f.fixable) for f in found] == [("F5", False)], [f.message for f in found]
    assert "基本支出 1040.1 + 项目支出 2026.35 = 3066.45" in found[0].message and "财政拨款" not in found[0].message


def test_corrected_scores_show_their_decimals(tmp_path):
    """A score fixed to 9.7 in a cell formatted '0' (as the forms type their whole scores) must not still show 10:
    the corrected cell's format gets two decimals."""
    from xlcheck.api import fix_workbook

    out = tmp_path / "fixed.xlsx"
    fix_workbook(SAMPLES / "family_mistakes.xlsx", out)
    wb = openpyxl.load_workbook(out)
    decimals = [m for m in MANIFEST if "." in m["expected"] and not m["expected"].endswith("%")]
    assert decimals
    for m in decimals:
        cell = wb[m["sheet"]][m["cell"]]
        assert _number(cell.value) == _number(m["expected"]) and cell.number_format not in ("0", "#,##0"), (m, cell.number_format)


def test_a_goal_label_alone_above_the_header_is_not_an_indicator_section(tmp_path):
    """'项目绩效总目标（20分）' alone on its row, its text under it, then the indicator header: the 20 points are the
    goal's, not the indicator table's (which would make its 60 points of scores 'more than 20')."""
    form = json.loads(json.dumps(next(f for f in FORMS if f["id"] == "hubei_group_rows")))
    grid, _ = families.layout(form)
    rows, width = grid["rows"], len(grid["rows"][0])
    first = next(i for i, r in enumerate(rows) if r[0] == "年度绩效目标1（40分）")
    rows[first] = ["项目绩效总目标（20分）"] + ["<"] * (width - 1)
    rows.insert(first + 1, ["建成中小企业公共服务平台"] + ["<"] * (width - 1))
    path = tmp_path / "goal-alone.xlsx"
    render_grid([grid], path)
    form_read = check_workbook(path).checks[0].form
    assert not [s for s in form_read.sections if s.kind == "indicators" and s.name.startswith("项目绩效总目标")]
    assert ("年度绩效目标2", Decimal(40)) in [(s.name, s.points) for s in form_read.sections]
