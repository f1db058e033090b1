"""Rule profiles: the shipped ones load, the right one is chosen per form, a copied and edited profile
changes the arithmetic without touching Python, and a wrong one is a clear error naming its key."""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from importlib import resources

import pytest
from click.testing import CliRunner

from xlcheck.api import check_workbook
from xlcheck.cli import app
from xlcheck.model import Severity
from xlcheck.profiles import KEYS, ProfileError, load_profile, parse_profile, profile_for, shipped
from support.render import Layout, render_workbook

from conftest import ROOT, SAMPLES

SEED = json.loads((SAMPLES / "seed_forms.json").read_text(encoding="utf-8"))
NATIONAL = json.loads((SAMPLES / "national_forms.json").read_text(encoding="utf-8"))
runner = CliRunner()


def shipped_text(name: str) -> str:
    return (resources.files("xlcheck") / "profiles" / f"{name}.toml").read_text(encoding="utf-8")


def edited(tmp_path, name: str, old: str, new: str, file_name: str = "myregion.toml"):
    """A copy of a shipped profile with one line changed, as a user would make it."""
    text = shipped_text(name)
    assert text.count(old) == 1, old
    path = tmp_path / file_name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["hubei", "national"])
def test_each_shipped_profile_loads(name):
    profile = load_profile(name)
    assert profile.name == name
    assert profile.budget_points + profile.goal_points + profile.indicator_points == 100
    assert profile.denominator == "full_year" and profile.rounding == "half_up"
    assert profile.tiers == (Decimal("0.8"), Decimal("0.5"))


def test_every_shipped_profile_is_listed_and_valid():
    assert shipped() == ["hubei", "national"]
    for name in shipped():
        assert parse_profile(shipped_text(name), f"{name}.toml") == load_profile(name)


def test_the_shipped_point_splits():
    hubei, national = load_profile("hubei"), load_profile("national")
    assert (hubei.budget_points, hubei.goal_points, hubei.indicator_points) == (20, 20, 60)
    assert (national.budget_points, national.goal_points, national.indicator_points) == (10, 0, 90)
    assert hubei.explain_below == national.explain_below == Decimal("0.9")


def test_the_profile_is_chosen_from_the_forms_own_labels():
    assert profile_for("hubei").name == profile_for("department").name == "hubei"
    assert profile_for("national").name == "national"
    report = check_workbook(SAMPLES / "seed_clean.xlsx")
    assert {(c.form.layout, c.profile.name) for c in report.checks} == {("hubei", "hubei"), ("department", "hubei")}


def test_rounding_and_negative_formula_helpers():
    truncate = parse_profile(shipped_text("hubei").replace('mode = "half_up"', 'mode = "truncate"'), "t.toml")
    assert truncate.round(Decimal("19.965")) == Decimal("19.96")
    assert load_profile("hubei").round(Decimal("19.965")) == Decimal("19.97")
    deviation = parse_profile(shipped_text("national").replace('formula = "target_over_actual"', 'formula = "deviation"'), "d.toml")
    assert deviation.negative_share(Decimal(150) / Decimal(160)).quantize(Decimal("0.0001")) == Decimal("0.9333")
    assert deviation.negative_share(Decimal("0.4")) == 0  # 1 − (250 − 100)/100 < 0
    sixty = parse_profile(shipped_text("national").replace("tiers = [0.8, 0.5]", "tiers = [0.8, 0.6]"), "s.toml")
    assert sixty.tier_text == "达成 100–80%，部分达成 80–60%，未达成 60–0%"


# ---------------------------------------------------------------------------------------------------
# A copied and edited profile changes the arithmetic.
# ---------------------------------------------------------------------------------------------------

def test_explanation_threshold_from_a_profile_file(tmp_path):
    """评审 89.53% and 科技资料 65.50% need an explanation at 90%; at 70% only 65.50% does."""
    path = edited(tmp_path, "hubei", "explain_below = 0.9", "explain_below = 0.7")
    report = check_workbook(SAMPLES / "seed_clean.xlsx", path)
    assert [f.reported for f in report.findings if f.rule == "XC103"] == ["65.50%"]
    assert report.checks[0].profile.source == str(path)


def test_truncating_profile_changes_an_edge_score(tmp_path):
    """20 × 399.3/400 = 19.965: half-up 19.97, truncated 19.96."""
    form = copy.deepcopy(next(p for p in SEED["projects"] if p["name"] == "党建工作经费"))
    form["budget"].update(budget="400", spent="399.3", rate="99.83%", score="19.97")
    form["total"] = "99.97"
    path = tmp_path / "edge.xlsx"
    render_workbook({"projects": [form]}, path, layout=Layout(projects_only=True))
    assert [f for f in check_workbook(path).findings if f.severity == Severity.ERROR] == []
    truncate = edited(tmp_path, "hubei", 'mode = "half_up"', 'mode = "truncate"')
    report = check_workbook(path, truncate)
    found = {f.rule: (f.reported, f.expected) for f in report.findings if f.severity == Severity.ERROR}
    assert found == {"XC101": ("99.83%", "99.82%"), "XC102": ("19.97", "19.96"), "XC401": ("99.97", "99.96")}


def test_denominator_initial_budget(tmp_path):
    """The constructed national project: 111.6 spent of 年初 100 / 全年 120. A region dividing by 年初预算数
    gets 111.60% and the full 10 points."""
    path = tmp_path / "hotline.xlsx"
    render_workbook({"projects": [NATIONAL["projects"][-1]]}, path)
    profile = edited(tmp_path, "national", 'denominator = "full_year"', 'denominator = "initial"')
    report = check_workbook(path, profile)
    found = {f.rule: (f.reported, f.expected) for f in report.findings if f.severity == Severity.ERROR}
    assert found == {"XC101": ("93.00%", "111.60%"), "XC102": ("9.3", "10"), "XC401": ("93.68", "94.38")}
    assert "全年执行数/年初预算数" in next(f.message for f in report.findings if f.rule == "XC101")


def test_negative_formula_from_a_profile(tmp_path):
    """≤150元 against 160元, 分值 10: 9.38 by target/actual; 9.33 by 1 − (160 − 150)/150."""
    path = tmp_path / "hotline.xlsx"
    render_workbook({"projects": [NATIONAL["projects"][-1]]}, path)
    profile = edited(tmp_path, "national", 'formula = "target_over_actual"', 'formula = "deviation"')
    report = check_workbook(path, profile)
    [score] = [f for f in report.findings if f.rule == "XC301" and f.severity == Severity.ERROR]
    assert (score.reported, score.expected) == ("9.38", "9.33")
    assert "(1 − (实际 − 目标)/目标)" in score.message


def test_qualitative_tiers_from_a_profile(tmp_path):
    """部分提升 scored 6 of 10 sits in 80–50%; with tiers 80/60 too; scored 5.5 only the 80/50 profile accepts."""
    data = copy.deepcopy(NATIONAL["projects"][-1])
    next(i for i in data["indicators"] if i["target"] == "有效提升")["score"] = "5.5"
    data["total"] = "93.18"
    path = tmp_path / "hotline.xlsx"
    render_workbook({"projects": [data]}, path)
    assert [f for f in check_workbook(path).findings if f.rule == "XC301"] == []
    profile = edited(tmp_path, "national", "tiers = [0.8, 0.5]", "tiers = [0.8, 0.6]")
    [warning] = [f for f in check_workbook(path, profile).findings if f.rule == "XC301"]
    assert warning.expected == "≥ 6" and "部分达成 80–60%" in warning.message


# ---------------------------------------------------------------------------------------------------
# A wrong profile is a clear error naming the key and the file.
# ---------------------------------------------------------------------------------------------------

BAD = [
    ('denominator = "full_year"', 'denominator = "全年"', "budget.denominator"),
    ('mode = "half_up"', 'mode = "round"', "rounding.mode"),
    ("tiers = [0.8, 0.5]", "tiers = [0.5, 0.8]", "qualitative.tiers"),
    ("goal = 0", "goal = 10", "points"),
    ("explain_below = 0.9", 'explain_below = "90%"', "budget.explain_below"),
    ("explain_below = 0.9", "explain_below = 90", "budget.explain_below"),
    ('layouts = ["national"]', 'layouts = ["sichuan"]', "layouts"),
    ('level2 = ["成本"]', 'level2 = "成本"', "negative.level2"),
    ("budget = 10 ", "budgte = 10 ", "points.budgte"),
    ('formula = "target_over_actual"', "", "negative.formula"),
    ('[rounding]', '[rounding', ""),
]


@pytest.mark.parametrize("old,new,key", BAD, ids=[b[2] or "not toml" for b in BAD])
def test_a_wrong_profile_names_the_key_and_the_file(tmp_path, old, new, key):
    path = edited(tmp_path, "national", old, new, "sichuan.toml")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    error = caught.value
    assert error.code == "bad_profile" and error.key == key
    assert "sichuan.toml" in error.message and (key in error.message if key else "TOML" in error.message)
    assert re.search(r"[\u4e00-\u9fff]", error.message) and "(bad profile" in error.message


def test_unknown_profile_name_lists_the_shipped_ones():
    with pytest.raises(ProfileError) as caught:
        load_profile("sichuan")
    assert "hubei" in caught.value.message and "national" in caught.value.message


def test_check_workbook_reports_a_bad_profile_as_the_files_error(tmp_path):
    path = edited(tmp_path, "hubei", "indicators = 60", "indicators = 70")
    report = check_workbook(SAMPLES / "seed_clean.xlsx", path)
    assert report.error is not None and report.error.code == "bad_profile" and report.checks == []


def test_cli_profile_option(tmp_path):
    good = run("check", str(SAMPLES / "national_clean.xlsx"), "--profile", "national", "--format", "json")
    assert good.exit_code == 0, good.output
    assert json.loads(good.stdout)["files"][0]["status"] == "findings"  # the one XC103 warning
    path = edited(tmp_path, "national", "explain_below = 0.9", "explain_below = 0.6")
    relaxed = run("check", str(SAMPLES / "national_clean.xlsx"), "--profile", str(path), "--format", "json")
    assert json.loads(relaxed.stdout)["files"][0]["status"] == "clean"
    bad = edited(tmp_path, "national", 'mode = "half_up"', 'mode = "round"', "bad.toml")
    for command in ("check", "fix"):
        result = run(command, str(SAMPLES / "national_clean.xlsx"), "--profile", str(bad))
        assert result.exit_code == 2
        assert "rounding.mode" in result.output and "bad.toml" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml", "myregion.toml"]  # fix wrote nothing
    assert run("check", str(SAMPLES / "national_clean.xlsx"), "--profile", "nowhere").exit_code == 2


def run(*args: str):
    return runner.invoke(app, list(args))


def test_readme_documents_every_profile_key():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Rule profiles"):]
    for table, keys in KEYS.items():
        for key in keys:
            if table:
                assert f"{table}.{key}" in section or (f"[{table}]" in section and f"{key} =" in section), (table, key)
            elif key in KEYS:
                assert f"[{key}]" in section, key
            else:
                assert f"{key} =" in section, key
    assert "--profile" in section and "hubei" in section and "national" in section
