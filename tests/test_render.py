"""The seed transcription (sample_workbooks/seed_forms.json), the renderer, and the committed samples."""

from __future__ import annotations

import functools
import importlib.util
import io
import json
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[1]
from support.render import DEPARTMENT_KEY, DEPARTMENT_SHEET, STACKED_SHEET, Layout, render_workbook, sheet_name

_spec = importlib.util.spec_from_file_location("make_samples", ROOT / "scripts" / "make_samples.py")
make_samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_samples)

SAMPLES = ROOT / "sample_workbooks"
SEED = json.loads((SAMPLES / "seed_forms.json").read_text(encoding="utf-8"))
DEPT = SEED["department"]
PROJECTS = {p["name"]: p for p in SEED["projects"]}

PROJECT_GROUPS = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("产出指标", "成本指标"),
                  ("效益指标", "经济效益指标"), ("效益指标", "社会效益指标"), ("效益指标", "生态效益指标"),
                  ("效益指标", "可持续影响指标"), ("效益指标", "满意度指标")]
DEPT_GROUPS = [(a, b.replace("可持续影响", "可持续性影响")) for a, b in PROJECT_GROUPS]


def D(text: str) -> Decimal:
    return Decimal(text.strip().rstrip("%")) if text.strip() else Decimal(0)


def half_up(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def groups(indicators: list[dict]) -> list[tuple[str, str]]:
    seen = []
    for ind in indicators:
        if (ind["level1"], ind["level2"]) not in seen:
            seen.append((ind["level1"], ind["level2"]))
    return seen


# ---------------------------------------------------------------------------------------------------
# 1. The transcription reconciles the way the published forms do.
# ---------------------------------------------------------------------------------------------------

def test_seed_has_the_published_forms_in_order():
    assert len(SEED["projects"]) == 18
    assert [g["number"] for g in DEPT["goals"]] == list(range(1, 19))
    assert SEED["projects"][0]["name"] == "科学技术研究与开发资金"
    assert SEED["projects"][-1]["name"] == "聘请第三方编制国家先导区资金"
    # every goal repeats exactly one project form, and every project form is some goal
    assert sorted(g["project"] for g in DEPT["goals"]) == sorted(PROJECTS)
    assert {g["number"]: g["project"] for g in DEPT["goals"]}[13] == "科学技术研究与开发资金"
    for p in SEED["projects"]:
        assert p["title"] == f"2021年度{p['name']}项目自评表"


@pytest.mark.parametrize("name", list(PROJECTS))
def test_project_total_adds_up(name):
    p = PROJECTS[name]
    parts = D(p["budget"]["score"]) + D(p["goal"]["score"]) + sum(D(i["score"]) for i in p["indicators"])
    assert parts == D(p["total"])


@pytest.mark.parametrize("name", list(PROJECTS))
def test_project_rate_and_score_are_the_arithmetic_of_the_row(name):
    b = PROJECTS[name]["budget"]
    ratio = D(b["spent"]) / D(b["budget"])
    assert half_up(ratio * 100) == D(b["rate"])
    assert half_up(min(Decimal(20), 20 * ratio)) == D(b["score"])


@pytest.mark.parametrize("name", list(PROJECTS))
def test_project_has_every_group_of_the_published_form(name):
    indicators = PROJECTS[name]["indicators"]
    assert groups(indicators) == PROJECT_GROUPS
    for ind in indicators:
        if ind["name"] == "无":
            assert ind["target"] == ind["actual"] == ind["score"] == ""


def test_worked_example_from_the_docs():
    p = PROJECTS["科学技术研究与开发资金"]
    assert sum(D(i["score"]) for i in p["indicators"]) == Decimal("59.5")
    short = next(i for i in p["indicators"] if i["name"] == "对外宣传洪山名优产品")
    assert (short["target"], short["actual"], short["score"]) == ("2场次", "1场次", "0.5")


def test_department_total_adds_up():
    weights = sum(D(g["weight"]) for g in DEPT["goals"])
    scores = sum(D(i["score"]) for g in DEPT["goals"] for i in g["indicators"])
    assert weights == Decimal("17.6")
    assert scores == Decimal("59.9")
    assert D(DEPT["budget"]["score"]) + weights + scores == D(DEPT["total"]) == Decimal("97.01")


def test_department_budget_reconciles():
    b = DEPT["budget"]
    ratio = D(b["spent"]) / D(b["budget"])
    assert half_up(ratio * 100) == D(b["rate"]) == Decimal("97.55")
    assert half_up(20 * ratio) == D(b["score"]) == Decimal("19.51")
    assert D(DEPT["basic_spending"]) + D(DEPT["project_spending"]) == D(b["spent"])


def test_project_spending_is_the_projects_plus_transfers():
    transfer = Decimal(re.search(r"(\d+\.\d+)", DEPT["transfer_note"]).group(1))
    spent = sum(D(p["budget"]["spent"]) for p in SEED["projects"])
    assert spent == Decimal("17014.52")
    assert spent + transfer == D(DEPT["project_spending"]) == Decimal("25553.59")


@pytest.mark.parametrize("goal", DEPT["goals"], ids=lambda g: f"goal{g['number']}")
def test_department_goal_repeats_its_project(goal):
    assert groups(goal["indicators"]) == DEPT_GROUPS
    project = PROJECTS[goal["project"]]
    names = [norm(i["name"]) for i in goal["indicators"]]
    assert names == [norm(i["name"]) for i in project["indicators"]]
    assert [norm(i["target"]) for i in goal["indicators"]] == [norm(i["target"]) for i in project["indicators"]]


SEED_TEXT = (ROOT / SEED["source"]).resolve()


@pytest.mark.skipif(not SEED_TEXT.exists(), reason="the seed text is not beside this checkout")
def test_transcription_follows_the_published_text():
    """Each form's rows (name, target, actual, score) appear in that order in its part of the extracted
    text, white space ignored (the extraction breaks names across lines); so do budget rows and totals."""
    text = re.sub(r"\s+", "", SEED_TEXT.read_text(encoding="utf-8"))

    def in_order(rows, start, end, where):
        pos = start
        for i, r in enumerate(rows):
            if r["name"] == "无":
                continue
            row = re.sub(r"\s+", "", r["name"] + r["target"] + r["actual"] + r["score"])
            found = text.find(row, pos, end)
            assert found >= 0, (where, i, r)
            pos = found + len(row)

    titles = [p["title"] for p in SEED["projects"]]
    bounds = [text.index(t) for t in titles] + [len(text)]
    for p, start, end in zip(SEED["projects"], bounds, bounds[1:]):
        in_order(p["indicators"], start, end, p["name"])
        b = p["budget"]
        assert b["budget"] + b["spent"] + b["rate"] + b["score"] in text[start:end]
        assert f"自评得分:{p['total']}分" in text[start:end].replace("：", ":")
    for g in DEPT["goals"]:
        start = text.index(f"年度目标{g['number']}")
        end = text.find(f"年度目标{g['number'] + 1}", start)
        end = end if end > 0 else bounds[0]
        assert f"（{g['weight']}分）" in text[start:start + 20] or f"({g['weight']}分)" in text[start:start + 20]
        rows = g["indicators"]
        if g["number"] == 4:  # the PDF merged these two names into one cell; the split is checked above
            rows = [r for r in rows if r["name"] not in ("邀请企业参与工作全会", "政策宣传场数")]
        in_order(rows, start, end, f"goal {g['number']}")


def test_real_inconsistencies_are_kept_as_published():
    goal1 = DEPT["goals"][0]["indicators"]
    party = PROJECTS["党建工作经费"]["indicators"]
    assert goal1[3]["actual"] == "预备党员转正2人" and party[3]["actual"] == "预备党员转正2"
    goal4 = [i["name"] for i in DEPT["goals"][3]["indicators"][:2]]
    assert goal4 == ["邀请企业参与工作全会", "政策宣传场数"]


# ---------------------------------------------------------------------------------------------------
# 2. render_workbook, every Layout option.
# ---------------------------------------------------------------------------------------------------

LAYOUTS = {
    "default": Layout(),
    "stacked": Layout(sheets="stacked"),
    "offsets": Layout(row_offset=4, col_offset=2),
    "stacked_offsets": Layout(sheets="stacked", row_offset=2, col_offset=3),
    "numbers_as_text": Layout(numbers_as_text=True),
    "rate_fraction": Layout(rate_format="fraction"),
    "rate_points": Layout(rate_format="points"),
    "rate_text": Layout(rate_format="text"),
    "label_variants": Layout(label_variants=True),
    "formulas": Layout(formulas=True),
    "total_in_own_cell": Layout(total_in_own_cell=True),
    "formulas_total_cell": Layout(formulas=True, total_in_own_cell=True),
    "formulas_points_text": Layout(formulas=True, rate_format="points", numbers_as_text=True),
    "projects_only": Layout(projects_only=True),
    "department_only": Layout(department_only=True),
    "everything": Layout(sheets="stacked", row_offset=1, col_offset=1, label_variants=True, formulas=True,
                         total_in_own_cell=True),
}


def expected_of(key: str) -> str:
    """The published string behind a cell-map key."""
    form_name, field = key.split("|", 1)
    form = DEPT if form_name == DEPARTMENT_KEY else PROJECTS[form_name]
    if field in ("basic_spending", "project_spending", "total", "transfer_note"):
        return form[field]
    if field == "transfer":
        return re.search(r"\d+\.\d+", form["transfer_note"]).group(0)
    m = re.fullmatch(r"goal\.(\d+)\.weight", field)
    if m:
        return f"（{form['goals'][int(m.group(1)) - 1]['weight']}分）"
    holder, name = make_samples.slot(form, field)
    return holder[name]


def matches(value, expected: str, *, points: bool = False) -> bool:
    """A cell value read back equals a published string: text containing it, or the number at its places."""
    if value is None:
        return expected == ""
    if isinstance(value, str):  # the whole text, or a number inside text ('自评得分: 98.54分', '1477.61万元')
        want = expected.strip()
        before = r"(?<![\d.])" if want[:1].isdigit() else ""
        after = r"(?![\d.])" if want[-1:].isdigit() else ""
        return value.strip() == want or re.search(before + re.escape(want) + after, value) is not None
    got = Decimal(str(value))
    if expected.endswith("%"):
        want = Decimal(expected[:-1])
        got = got if points else got * 100
    else:
        want = Decimal(expected)
    return half_up(got, max(2, -want.as_tuple().exponent)) == want


@functools.lru_cache(maxsize=None)
def load(path: Path, data_only: bool = False):
    """openpyxl is slow to load and the tests only read: each workbook is loaded once."""
    return openpyxl.load_workbook(path, data_only=data_only)


def cell_at(wb, ref: str):
    sheet, address = ref.rsplit("!", 1)
    return wb[sheet][address]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = {}
    folder = tmp_path_factory.mktemp("layouts")
    for name, layout in LAYOUTS.items():
        path = folder / f"{name}.xlsx"
        out[name] = (layout, path, render_workbook(SEED, path, layout=layout))
    return out


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_cell_map_points_at_the_right_values(rendered, name):
    layout, path, cells = rendered[name]
    wb = load(path, True)
    assert cells
    for key, ref in cells.items():
        value = cell_at(wb, ref).value
        points = key.endswith("budget.rate") and layout.rate_format == "points" and (
            layout.formulas or not layout.numbers_as_text)
        assert matches(value, expected_of(key), points=points), (key, ref, value, expected_of(key))


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_cell_map_is_complete(rendered, name):
    layout, _, cells = rendered[name]
    keys = set(cells)
    if not layout.department_only:
        for p in SEED["projects"]:
            for field in ("budget.budget", "budget.spent", "budget.rate", "budget.score", "goal.score", "total"):
                assert f"{p['name']}|{field}" in keys
            for i, ind in enumerate(p["indicators"]):
                for field in ("target", "actual", "score"):
                    assert (f"{p['name']}|indicator.{i}.{field}" in keys) == bool(ind[field])
    else:
        assert not any(not k.startswith(DEPARTMENT_KEY + "|") for k in keys)
    if not layout.projects_only:
        for field in ("basic_spending", "project_spending", "budget.rate", "budget.score", "total", "transfer"):
            assert f"{DEPARTMENT_KEY}|{field}" in keys
        for g in DEPT["goals"]:
            assert f"{DEPARTMENT_KEY}|goal.{g['number']}.weight" in keys
            for i, ind in enumerate(g["indicators"]):
                assert (f"{DEPARTMENT_KEY}|goal.{g['number']}.indicator.{i}.score" in keys) == bool(ind["score"])
    else:
        assert not any(k.startswith(DEPARTMENT_KEY + "|") for k in keys)


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_sheets(rendered, name):
    layout, path, _ = rendered[name]
    names = load(path).sheetnames
    if layout.sheets == "stacked":
        assert names == [STACKED_SHEET]
    elif layout.department_only:
        assert names == [DEPARTMENT_SHEET]
    elif layout.projects_only:
        assert names == list(PROJECTS)
    else:
        assert names == [DEPARTMENT_SHEET] + list(PROJECTS)


@pytest.mark.parametrize("name", ["default", "offsets", "stacked_offsets", "label_variants", "everything"])
def test_level_cells_are_merged_over_their_groups(rendered, name):
    layout, path, cells = rendered[name]
    wb = load(path)
    first = cells["科学技术研究与开发资金|indicator.0.score"]
    sheet, address = first.rsplit("!", 1)
    ws = wb[sheet]
    row, score_col = ws[address].row, ws[address].column
    merged = {str(r) for r in ws.merged_cells.ranges}
    level1, level2 = openpyxl.utils.get_column_letter(score_col - 5), openpyxl.utils.get_column_letter(score_col - 4)
    # 产出指标 covers 17 + 3 + 2 + 1 rows, 数量指标 17 rows
    assert f"{level1}{row}:{level1}{row + 22}" in merged
    assert f"{level2}{row}:{level2}{row + 16}" in merged
    assert norm(ws[f"{level1}{row}"].value) == "产出指标"
    assert norm(ws[f"{level2}{row}"].value) == "数量指标"
    # the department form's goal 13 has the same groups
    if not layout.projects_only:
        first = cells[f"{DEPARTMENT_KEY}|goal.13.indicator.0.score"]
        sheet, address = first.rsplit("!", 1)
        ws = wb[sheet]
        row = ws[address].row
        assert f"{level2}{row}:{level2}{row + 16}" in {str(r) for r in ws.merged_cells.ranges}


def test_default_stores_numbers_as_numbers_with_the_published_look(rendered):
    _, path, cells = rendered["default"]
    wb = load(path)
    rate = cell_at(wb, cells["科学技术研究与开发资金|budget.rate"])
    assert rate.value == pytest.approx(0.9521) and rate.number_format == "0.00%"
    assert cell_at(wb, cells["科学技术研究与开发资金|budget.budget"]).value == 13247
    assert cell_at(wb, cells["科学技术研究与开发资金|budget.score"]).value == pytest.approx(19.04)
    spent = cell_at(wb, cells[f"{DEPARTMENT_KEY}|budget.spent"])
    assert spent.value == pytest.approx(27031.2) and spent.number_format == "0.00"
    assert cell_at(wb, cells["党建工作经费|budget.rate"]).number_format == "0.00%"
    assert cell_at(wb, cells["精准扶贫工作经费|budget.rate"]).number_format == "0%"
    header = cell_at(wb, cells["科学技术研究与开发资金|total"]).value
    assert header == "单位名称(盖章): 区科经局   填报日期: 2022年1月14日   自评得分: 98.54分"
    assert cell_at(wb, cells[f"{DEPARTMENT_KEY}|total"]).value == "总分：97.01分"
    assert cell_at(wb, cells[f"{DEPARTMENT_KEY}|project_spending"]).value == "25553.59万元"
    # indicator values as Excel makes them of what was typed: '7.80%' a percent, '92' a number, units text
    p = PROJECTS["科学技术研究与开发资金"]["indicators"]
    i = next(k for k, ind in enumerate(p) if ind["name"] == "工业增加值增速")
    growth = cell_at(wb, cells[f"科学技术研究与开发资金|indicator.{i}.target"])
    assert growth.value == pytest.approx(0.078) and growth.number_format == "0.00%"
    assert cell_at(wb, cells["科学技术研究与开发资金|indicator.0.target"]).value == "280亿元"


def test_numbers_as_text(rendered):
    _, path, cells = rendered["numbers_as_text"]
    wb = load(path)
    assert cell_at(wb, cells["科学技术研究与开发资金|budget.budget"]).value == "13247"
    assert cell_at(wb, cells["科学技术研究与开发资金|budget.rate"]).value == "95.21%"
    assert cell_at(wb, cells["科学技术研究与开发资金|budget.score"]).value == "19.04 "
    assert cell_at(wb, cells["科学技术研究与开发资金|indicator.0.score"]).value == "3"


@pytest.mark.parametrize("name, value, fmt", [("rate_fraction", 0.9521, "General"), ("rate_points", 95.21, "General"),
                                              ("rate_text", "95.21%", "General")])
def test_rate_formats(rendered, name, value, fmt):
    _, path, cells = rendered[name]
    cell = cell_at(load(path), cells["科学技术研究与开发资金|budget.rate"])
    assert cell.value == (pytest.approx(value) if isinstance(value, float) else value)
    assert cell.number_format == fmt


def test_label_variants(rendered):
    def labels(path):
        ws = load(path)["科学技术研究与开发资金"]
        return {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}

    plain, varied = labels(rendered["default"][1]), labels(rendered["label_variants"][1])
    assert {"一级指标", "执行率 (B/A)", "项目年度绩效指标 (60分)"} <= plain
    assert {"一级指\n标", "执行率（B/A）", "项目年度\n绩效指标\n(60分)"} <= varied
    assert len(plain - varied) >= 10
    # only the spelling differs: brackets, colons, spaces and line breaks
    assert {norm(v) for v in plain} == {norm(v) for v in varied}


def test_formulas_have_cached_values(rendered):
    _, path, cells = rendered["formulas_total_cell"]
    formulas = load(path)
    cached = load(path, True)
    for key in ("科学技术研究与开发资金|budget.rate", "科学技术研究与开发资金|budget.score",
                "科学技术研究与开发资金|total", f"{DEPARTMENT_KEY}|total", f"{DEPARTMENT_KEY}|budget.score"):
        assert str(cell_at(formulas, cells[key]).value).startswith("="), key
        assert isinstance(cell_at(cached, cells[key]).value, float), key
    rate_ref = cells["科学技术研究与开发资金|budget.rate"].rsplit("!", 1)[1]
    assert cell_at(formulas, cells["科学技术研究与开发资金|budget.score"]).value == f"=MIN(20,20*{rate_ref})"
    assert cell_at(cached, cells[f"{DEPARTMENT_KEY}|total"]).value == pytest.approx(97.01, abs=0.005)
    # without total_in_own_cell the header total stays text
    _, path, cells = rendered["formulas"]
    wb = load(path)
    assert cell_at(wb, cells["科学技术研究与开发资金|total"]).value.endswith("自评得分: 98.54分")


def test_formulas_leave_a_wrong_number_typed_over_the_formula(tmp_path):
    """A published number that is not what its formula computes (a planted mistake) is written as the
    number, the way hand-edited forms have it: cached values never disagree with their formulas."""
    wrong, entries = make_samples.plant(SEED, make_samples.MISTAKES)
    path = tmp_path / "formulas_with_mistakes.xlsx"
    cells = render_workbook(wrong, path, layout=Layout(formulas=True, total_in_own_cell=True))
    formulas, cached = load(path), load(path, True)
    for entry in entries:
        assert matches(cell_at(cached, cells[entry["key"]]).value, entry["reported"]), entry
    typed = ["科技经信服务平台维护费|budget.rate", "科技经信服务平台维护费|budget.score",  # its rate is typed over
             "经济运行和投资技改工作经费|budget.score", "安全生产第三方服务经费|total", f"{DEPARTMENT_KEY}|budget.score",
             f"{DEPARTMENT_KEY}|total"]
    for key in typed:
        assert not str(cell_at(formulas, cells[key]).value).startswith("="), key
    for key in ("科学技术研究与开发资金|budget.rate", "科学技术研究与开发资金|budget.score",
                "经济运行和投资技改工作经费|budget.rate", f"{DEPARTMENT_KEY}|budget.rate"):
        assert str(cell_at(formulas, cells[key]).value).startswith("="), key
    # the science form's total is right (98.54) though one of its indicator scores is not: still the typed number
    assert cell_at(cached, cells["科学技术研究与开发资金|total"]).value == pytest.approx(98.54)


def test_total_in_own_cell(rendered):
    _, path, cells = rendered["total_in_own_cell"]
    wb = load(path)
    total = cell_at(wb, cells["科学技术研究与开发资金|total"])
    assert total.value == pytest.approx(98.54)
    assert total.offset(column=-1).value == "自评得分:"
    assert cell_at(wb, cells[f"{DEPARTMENT_KEY}|total"]).value == pytest.approx(97.01)


def test_offsets_move_the_form(rendered):
    _, default_cells = rendered["default"][0], rendered["default"][2]
    _, _, offset_cells = rendered["offsets"]
    for key in ("科学技术研究与开发资金|budget.rate", f"{DEPARTMENT_KEY}|goal.1.indicator.0.score"):
        r0, c0 = openpyxl.utils.cell.coordinate_to_tuple(default_cells[key].rsplit("!", 1)[1])
        r1, c1 = openpyxl.utils.cell.coordinate_to_tuple(offset_cells[key].rsplit("!", 1)[1])
        assert (r1 - r0, c1 - c0) == (4, 2)


def test_stacked_forms_are_three_rows_apart(rendered):
    _, path, cells = rendered["stacked"]
    ws = load(path)[STACKED_SHEET]
    titles = [c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("2021年度")]
    assert len(titles) == 19
    for before, after in zip(titles, titles[1:]):
        assert all(ws.cell(r, col).value is None for r in range(after - 3, after) for col in range(1, 8))


def test_rendering_is_deterministic_and_text_stays_text():
    data = {"projects": [dict(PROJECTS["党建工作经费"], name="=SUM(A1:A9)", implementer="=1+1")]}
    first, second = io.BytesIO(), io.BytesIO()
    cells = render_workbook(data, first)
    render_workbook(data, second)
    assert first.getvalue() == second.getvalue()
    wb = openpyxl.load_workbook(io.BytesIO(first.getvalue()))
    ws = wb[wb.sheetnames[0]]
    texts = [c.value for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert texts == []
    assert any(c.value == "=1+1" for row in ws.iter_rows() for c in row)
    assert "=SUM(A1:A9)|total" in cells


def test_sheet_names_are_excel_safe():
    used: set[str] = set()
    assert sheet_name("a/b:c*d?e[f]g\\h", used) == "a_b_c_d_e_f_g_h"
    long = "很长的项目名称" * 6
    first, second = sheet_name(long, used), sheet_name(long, used)
    assert len(first) == 31 and len(second) == 31 and first != second


def test_layout_rejects_nonsense():
    with pytest.raises(ValueError):
        Layout(sheets="grid")
    with pytest.raises(ValueError):
        Layout(projects_only=True, department_only=True)
    with pytest.raises(ValueError):
        Layout(rate_format="permille")


# ---------------------------------------------------------------------------------------------------
# 3. The committed samples and templates are what scripts/make_samples.py writes.
# ---------------------------------------------------------------------------------------------------

def workbook_contents(path: Path) -> dict:
    wb = load(path)
    out = {}
    for ws in wb.worksheets:
        values = {c.coordinate: (c.value, c.number_format) for row in ws.iter_rows() for c in row
                  if c.value is not None}
        out[ws.title] = (values, sorted(str(r) for r in ws.merged_cells.ranges))
    return out


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rebuilt")
    manifest = make_samples.build(folder / "samples", folder / "templates")
    return folder, manifest


@pytest.mark.parametrize("relative", ["samples/seed_clean.xlsx", "samples/seed_mistakes.xlsx",
                                      f"templates/{make_samples.PROJECT_TEMPLATE}",
                                      f"templates/{make_samples.DEPARTMENT_TEMPLATE}"])
def test_committed_workbooks_are_up_to_date(rebuilt, relative):
    folder, _ = rebuilt
    kind, name = relative.split("/")
    committed = (SAMPLES if kind == "samples" else ROOT / "templates") / name
    assert committed.exists(), f"{committed} missing: run python scripts/make_samples.py"
    assert workbook_contents(committed) == workbook_contents(folder / relative), (
        f"{committed.name} is stale: run python scripts/make_samples.py")


def test_committed_manifest_is_up_to_date(rebuilt):
    _, manifest = rebuilt
    assert json.loads((SAMPLES / "mistakes.json").read_text(encoding="utf-8")) == manifest


def test_mistakes_manifest_points_at_the_planted_values():
    manifest = json.loads((SAMPLES / "mistakes.json").read_text(encoding="utf-8"))
    wrong = load(SAMPLES / "seed_mistakes.xlsx", True)
    clean = load(SAMPLES / "seed_clean.xlsx", True)
    assert len(manifest) == 6
    assert {m["severity"] for m in manifest} <= {"error", "warning"}
    projects = [m["form"] for m in manifest if m["form"] != DEPARTMENT_KEY]
    assert len(projects) == len(set(projects)) == 4
    assert any(m["form"] == DEPARTMENT_KEY for m in manifest)
    for m in manifest:
        assert set(m) >= {"sheet", "cell", "field", "reported", "expected", "severity"}
        assert matches(wrong[m["sheet"]][m["cell"]].value, m["reported"]), m
        assert not matches(wrong[m["sheet"]][m["cell"]].value, m["expected"]), m
        assert matches(clean[m["sheet"]][m["cell"]].value, m["expected"]), m
    expected = {(m["form"], m["expected"]) for m in manifest}
    assert expected == {("科技经信服务平台维护费", "99.60%"), ("经济运行和投资技改工作经费", "19.78"),
                        ("安全生产第三方服务经费", "99.73"), ("科学技术研究与开发资金", "0.5"),
                        (DEPARTMENT_KEY, "10户"), (DEPARTMENT_KEY, "19.51")}


def test_the_planted_mistakes_are_the_only_differences():
    clean, wrong = workbook_contents(SAMPLES / "seed_clean.xlsx"), workbook_contents(SAMPLES / "seed_mistakes.xlsx")
    manifest = json.loads((SAMPLES / "mistakes.json").read_text(encoding="utf-8"))
    assert clean.keys() == wrong.keys()
    differing = set()
    for sheet in clean:
        assert clean[sheet][1] == wrong[sheet][1]
        for address in clean[sheet][0].keys() | wrong[sheet][0].keys():
            if clean[sheet][0].get(address) != wrong[sheet][0].get(address):
                differing.add((sheet, address))
    assert differing == {(m["sheet"], m["cell"]) for m in manifest}


def test_templates_are_blank_forms():
    for name, title_part in ((make_samples.PROJECT_TEMPLATE, "项目自评表"), (make_samples.DEPARTMENT_TEMPLATE, "部门整体")):
        wb = load(ROOT / "templates" / name)
        assert len(wb.sheetnames) == 1
        ws = wb.worksheets[0]
        values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
        assert all(isinstance(v, str) for v in values), "a template holds no numbers"
        assert title_part in values[0]
        for label in ("一级指标", "二级指标", "指标名称", "实际完成值", "得分", "数量指标", "满意度指标", "执行率 (B/A)"):
            assert label in values, (name, label)
        assert any(v.startswith("填写说明") for v in values)
