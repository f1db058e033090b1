#!/usr/bin/env python
"""(Re)write the committed sample workbooks, the mistakes manifest and the blank templates.

    python scripts/make_samples.py

from sample_workbooks/seed_forms.json (the seed's 19 forms as published):

    sample_workbooks/seed_clean.xlsx       all 19 forms, one sheet each, every number as published
    sample_workbooks/seed_mistakes.xlsx    the same with the mistakes of MISTAKES planted, one per form
    sample_workbooks/mistakes.json         where each planted mistake sits, what it says, what is right
    templates/项目支出绩效自评表_模板.xlsx    blank project form
    templates/部门整体绩效自评表_模板.xlsx    blank department form

The workbooks carry a fixed creation date, so re-running the script gives byte-identical files.
tests/test_render.py re-renders everything into a temporary folder and compares with the committed files.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    from xlcheck.render import DEPARTMENT_KEY, Layout, render_workbook
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))
    from xlcheck.render import DEPARTMENT_KEY, Layout, render_workbook

SAMPLES = ROOT / "sample_workbooks"
TEMPLATES = ROOT / "templates"
SEED_JSON = SAMPLES / "seed_forms.json"

PROJECT_TEMPLATE = "项目支出绩效自评表_模板.xlsx"
DEPARTMENT_TEMPLATE = "部门整体绩效自评表_模板.xlsx"

# The mistakes planted in seed_mistakes.xlsx, one per form, the kinds reviewers find in hand-filled forms.
# form: a project name or '部门整体'; where: the value's key in render_workbook's cell map, with
# {indicator=NAME} standing for the index of the indicator called NAME; wrong: what the form now says.
# The right value is the published one, except where `expected` says otherwise.
MISTAKES = [
    dict(form="科技经信服务平台维护费", where="budget.rate", wrong="99.06%", field="执行率", severity="error",
         note="执行率 digits swapped: 9.96/10 = 99.60%"),
    dict(form="经济运行和投资技改工作经费", where="budget.score", wrong="19.87", field="预算执行得分",
         severity="error", note="budget score is not 20 × 39.56/40 = 19.78 (header total 99.78 left as published)"),
    dict(form="安全生产第三方服务经费", where="total", wrong="99.37", field="自评得分", severity="error",
         note="header total inside text does not add up: 19.73 + 20 + 60 = 99.73"),
    dict(form="科学技术研究与开发资金", where="indicator.{indicator=对外宣传洪山名优产品}.score", wrong="1",
         field="指标得分", severity="error",
         note="short indicator scored in full: target 2场次, actual 1场次, weight 1 → 0.5; header total 98.54 "
              "left as published (it is right)"),
    dict(form=DEPARTMENT_KEY, where="goal.2.indicator.{indicator=脱贫户不返贫}.actual", wrong="9户",
         field="实际完成值", severity="warning",
         note="department goal 2 disagrees with project 精准扶贫工作经费, which says 10户"),
    dict(form=DEPARTMENT_KEY, where="budget.score", wrong="19.15", field="预算执行得分", severity="error",
         note="department budget score is not 20 × 27031.20/27710.77 = 19.51 (总分 97.01 left as published)"),
]


def load_seed(path: Path = SEED_JSON) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def form_of(data: dict, form: str) -> dict:
    if form == DEPARTMENT_KEY:
        return data["department"]
    for p in data["projects"]:
        if p["name"] == form:
            return p
    raise KeyError(form)


def resolve(form: dict, where: str) -> str:
    """Replace '{indicator=NAME}' in a key by the index of that indicator in its list."""
    if "{indicator=" not in where:
        return where
    head, rest = where.split("{indicator=", 1)
    name, tail = rest.split("}", 1)
    if head.startswith("goal."):
        number = int(head.split(".")[1])
        indicators = next(g for g in form["goals"] if g["number"] == number)["indicators"]
    else:
        indicators = form["indicators"]
    index = next(i for i, ind in enumerate(indicators) if ind["name"] == name)
    return f"{head}{index}{tail}"


def slot(form: dict, key: str) -> tuple[dict, str]:
    """The dict and field holding the value of a cell-map key ('budget.rate', 'goal.2.indicator.1.actual')."""
    parts = key.split(".")
    if parts[0] == "total":
        return form, "total"
    if parts[0] == "budget":
        return form["budget"], parts[1]
    if parts[0] == "goal" and parts[1] == "score":
        return form["goal"], "score"
    if parts[0] == "indicator":
        return form["indicators"][int(parts[1])], parts[2]
    if parts[0] == "goal" and parts[2] == "indicator":
        goal = next(g for g in form["goals"] if g["number"] == int(parts[1]))
        return goal["indicators"][int(parts[3])], parts[4]
    raise KeyError(key)


def plant(data: dict) -> tuple[dict, list[dict]]:
    """A copy of `data` with MISTAKES planted, and the manifest entries (without cell addresses yet)."""
    wrong = copy.deepcopy(data)
    entries = []
    for m in MISTAKES:
        form = form_of(wrong, m["form"])
        key = resolve(form, m["where"])
        holder, field = slot(form, key)
        expected = m.get("expected", holder[field])
        assert holder[field] != m["wrong"], m
        holder[field] = m["wrong"]
        entries.append({"form": m["form"], "key": f"{m['form']}|{key}", "field": m["field"],
                        "reported": m["wrong"], "expected": expected, "severity": m["severity"],
                        "note": m["note"]})
    return wrong, entries


def _blank_indicators(groups: list[tuple[str, str]], rows: int = 2) -> list[dict]:
    return [dict(level1=l1, level2=l2, name="", target="", actual="", score="")
            for l1, l2 in groups for _ in range(rows)]


_PRODUCTS = ["数量指标", "质量指标", "时效指标", "成本指标"]
_EFFECTS = ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "满意度指标"]
PROJECT_GROUPS = [("产出指标", g) for g in _PRODUCTS] + [("效益指标", g) for g in _EFFECTS]
DEPARTMENT_GROUPS = [(l1, l2.replace("可持续影响", "可持续性影响")) for l1, l2 in PROJECT_GROUPS]

PROJECT_INSTRUCTION = (
    "填写说明：预算数(A)为调整后财政资金总额（含上年结转），执行数(B)为实际支出数；执行率=B/A，得分=20×执行率"
    "（不超过20分），均四舍五入保留两位小数；各指标得分不超过其权重，指标权重合计60分；"
    "自评得分=预算执行得分+总目标得分+各指标得分。")
DEPARTMENT_INSTRUCTION = (
    "填写说明：每个年度目标对应一个项目，指标名称、年初指标值、实际完成值与项目自评表一致；"
    "执行数=基本支出总额+项目支出总额；总分=预算执行得分+各年度目标分值+各指标得分。")


def template_data(seed: dict) -> tuple[dict, dict]:
    """Blank project and department forms: every label, empty values, two empty rows per 二级 group."""
    project = {"sheet": "项目支出绩效自评表", "name": "", "title": "____年度________________项目自评表",
               "unit": "", "date": "", "total": "", "department": "", "implementer": "",
               "budget": {"item": "年度财政资金总额", "budget": "", "spent": "", "rate": "", "score": ""},
               "goal": {"target": "", "actual": "", "score": ""},
               "indicators": _blank_indicators(PROJECT_GROUPS), "deviation": "", "improvement": "",
               "notes": [PROJECT_INSTRUCTION]}
    department = {"sheet": "部门整体绩效自评表", "title": "____年度________部门整体绩效自评表",
                  "unit": "", "date": "", "total": "", "unit_full": "", "basic_spending": "",
                  "project_spending": "",
                  "budget": {"item": "部门整体支出总额", "budget": "", "spent": "", "rate": "", "score": ""},
                  "goals": [{"number": n, "weight": "", "text": "", "indicators": _blank_indicators(DEPARTMENT_GROUPS)}
                            for n in (1, 2)],
                  "deviation": "", "improvement": "", "transfer_note": "",
                  "notes": seed["department"]["notes"] + [DEPARTMENT_INSTRUCTION]}
    return {"projects": [project]}, {"department": department}


def build(samples: Path = SAMPLES, templates: Path = TEMPLATES, seed_json: Path = SEED_JSON) -> list[dict]:
    """Write every sample and template; returns the mistakes manifest."""
    samples.mkdir(parents=True, exist_ok=True)
    templates.mkdir(parents=True, exist_ok=True)
    seed = load_seed(seed_json)
    render_workbook(seed, samples / "seed_clean.xlsx")
    wrong, entries = plant(seed)
    cells = render_workbook(wrong, samples / "seed_mistakes.xlsx")
    manifest = []
    for entry in entries:
        sheet, cell = cells[entry["key"]].rsplit("!", 1)
        manifest.append({"sheet": sheet, "cell": cell, **{k: v for k, v in entry.items()}})
    (samples / "mistakes.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    project, department = template_data(seed)
    render_workbook(project, templates / PROJECT_TEMPLATE, layout=Layout(projects_only=True))
    render_workbook(department, templates / DEPARTMENT_TEMPLATE, layout=Layout(department_only=True))
    return manifest


def main() -> int:
    manifest = build()
    for m in manifest:
        print(f"{m['sheet']}!{m['cell']}: {m['field']} {m['reported']} (should be {m['expected']}, {m['severity']})")
    print(f"wrote {SAMPLES.relative_to(ROOT)}/seed_clean.xlsx, seed_mistakes.xlsx, mistakes.json; "
          f"{TEMPLATES.relative_to(ROOT)}/{PROJECT_TEMPLATE}, {DEPARTMENT_TEMPLATE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
