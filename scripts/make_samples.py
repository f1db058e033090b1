#!/usr/bin/env python
"""(Re)write the committed sample workbooks, the mistakes manifest and the blank templates.

    python scripts/make_samples.py

from sample_workbooks/seed_forms.json (the seed's 19 forms as published):

    sample_workbooks/seed_clean.xlsx       all 19 forms, one sheet each, every number as published
    sample_workbooks/seed_mistakes.xlsx    the same with the mistakes of MISTAKES planted, one per form
    sample_workbooks/mistakes.json         where each planted mistake sits, what it says, what is right
    templates/项目支出绩效自评表_模板.xlsx    blank project form
    templates/部门整体绩效自评表_模板.xlsx    blank department form

and from sample_workbooks/national_forms.json (seven seed forms rescaled to the national template's
10 + 90, and one constructed project with carry-over funds, negative and qualitative indicators):

    sample_workbooks/national_clean.xlsx        the 8 national forms, one sheet each
    sample_workbooks/national_mistakes.xlsx     the same with NATIONAL_MISTAKES planted
    sample_workbooks/national_mistakes.json     where each of those sits, what it says, what is right
    templates/项目支出绩效自评表_全国模板.xlsx     blank national (财政部 2020) project form

and from sample_workbooks/family_forms.json (the layout families of forms.md §6: Hubei goal groups, Sichuan
split targets with 权重, a national variant in 元, a scorecard with a grade, a department form with 得分系数,
amounts typed as text with a grade; shape in tests/support/families.py):

    sample_workbooks/family_clean.xlsx          one sheet per family form, every identity exact
    sample_workbooks/family_mistakes.xlsx       the same with FAMILY_MISTAKES planted, one per form
    sample_workbooks/family_mistakes.json       where each of those sits, what it says, what is right
    templates/<FAMILY_TEMPLATES>                one blank template per family (text-amounts is a way of
                                                filling the national variant: no template of its own)

The workbooks carry a fixed creation date, so re-running the script gives byte-identical files.
tests/test_render.py re-renders everything into a temporary folder and compares with the committed files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the renderer and the planter are test support, not shipped
from support.plant import form_of, plant, resolve, slot  # noqa: E402  (tests use them through this module)
from support.render import DEPARTMENT_KEY, Layout, render_workbook  # noqa: E402
from support import families  # noqa: E402
from support.grid import address, render_grid  # noqa: E402

SAMPLES = ROOT / "sample_workbooks"
TEMPLATES = ROOT / "templates"
SEED_JSON = SAMPLES / "seed_forms.json"
NATIONAL_JSON = SAMPLES / "national_forms.json"
FAMILY_JSON = SAMPLES / "family_forms.json"

PROJECT_TEMPLATE = "项目支出绩效自评表_模板.xlsx"
DEPARTMENT_TEMPLATE = "部门整体绩效自评表_模板.xlsx"
NATIONAL_TEMPLATE = "项目支出绩效自评表_全国模板.xlsx"

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


# The mistakes planted in national_mistakes.xlsx: the kinds the national template invites. Same fields as
# MISTAKES; 'part.<i>.<field>' is a 其中 line's amount.
NATIONAL_MISTAKES = [
    dict(form="科学技术研究与开发资金", where="indicator.{indicator=对外宣传洪山名优产品}.score", wrong="1.5",
         field="指标得分", severity="error",
         note="short indicator scored in full: target 2场次, actual 1场次, 分值 1.5 → 0.75 (总分 98.77 left as "
              "published: it is right)"),
    dict(form="安全生产第三方服务经费", where="indicator.{indicator=生产企业隐患排查}.score", wrong="15",
         field="指标得分", severity="error", note="score over its weight: 分值 13.5, 得分 15 → 13.5"),
    dict(form="中小企业服务热线运营经费", where="indicator.{indicator=单件诉求处理成本}.score", wrong="10",
         field="指标得分", severity="error",
         note="negative indicator scored as positive: ≤150元 against 160元 is 10 × 150/160 = 9.38; the positive "
              "formula 10 × 160/150 capped gives the full 10"),
    dict(form="中小企业服务热线运营经费", where="budget.rate", wrong="111.60%", field="执行率", severity="error",
         note="rate on 年初预算数 (111.6/100); it is 全年执行数/全年预算数 = 111.6/120 = 93.00%"),
    dict(form="中小企业服务热线运营经费", where="budget.score", wrong="10", field="预算执行得分", severity="error",
         note="score from that rate, capped at 10; it is 10 × 111.6/120 = 9.3"),
    dict(form="党建工作经费", where="total", wrong="99.58", field="总分", severity="error",
         note="总分 digits swapped: 9.85 + 90 = 99.85"),
    dict(form="经济运行和投资技改工作经费", where="part.0.spent", wrong="39.65", field="全年执行数（当年财政拨款）",
         severity="error",
         note="其中 lines do not add up: 当年财政拨款 39.65 against 年度资金总额 39.56, the only filled line → 39.56"),
]


def load_seed(path: Path = SEED_JSON) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


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


NATIONAL_GROUPS = ([("产出指标", g) for g in _PRODUCTS]
                   + [("效益指标", g) for g in ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")]
                   + [("满意度指标", "服务对象满意度指标")])
NATIONAL_INSTRUCTION = (
    "填写说明：执行率=全年执行数/全年预算数，得分=10×执行率（不超过10分），均四舍五入保留两位小数；其中各项之和"
    "应等于年度资金总额；各指标得分不超过其分值，完成的指标得满分，未完成的在“偏差原因分析及改进措施”中说明；"
    "指标分值合计90分（一般产出指标50分、效益指标30分、满意度指标10分）；总分=预算执行得分+各指标得分。")


def national_template_data() -> dict:
    """A blank national form: every label, 分值 10 and 100, the 其中 lines, two empty rows per 二级 group."""
    parts = [{"item": item, "initial": "", "budget": "", "spent": ""} for item in ("当年财政拨款", "上年结转资金", "其他资金")]
    indicators = [dict(row, weight="", deviation="") for row in _blank_indicators(NATIONAL_GROUPS)]
    return {"projects": [{"layout": "national", "sheet": "项目支出绩效自评表", "name": "", "year": "",
                          "department": "", "implementer": "",
                          "budget": {"initial": "", "budget": "", "spent": "", "weight": "10", "rate": "", "score": ""},
                          "parts": parts, "goal": {"target": "", "actual": ""}, "indicators": indicators,
                          "total_weight": "100", "total": "", "notes": [NATIONAL_INSTRUCTION]}]}


def write_with_manifest(data: dict, mistakes: list[dict], clean: Path, wrong_path: Path, manifest_path: Path) -> list[dict]:
    """Render `data` clean and with `mistakes` planted; write the manifest of the planted cells; return it."""
    render_workbook(data, clean)
    wrong, entries = plant(data, mistakes)
    cells = render_workbook(wrong, wrong_path)
    manifest = []
    for entry in entries:
        sheet, cell = cells[entry["key"]].rsplit("!", 1)
        manifest.append({"sheet": sheet, "cell": cell, **{k: v for k, v in entry.items()}})
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


# The layout families of forms.md §6 (sample_workbooks/family_forms.json, shape in tests/support/families.py):
# one mistake planted per form, the kinds each family invites. Keys as families.layout's; the right value is
# the published one.
FAMILY_MISTAKES = [
    dict(form="hubei_groups_two", where="indicator.4.score", wrong="10", field="指标得分", severity="error",
         note="short indicator in 年度绩效目标2（40分） scored in full: target 2场次, actual 1场次, weight 40 − 30 = 10 → 5"),
    dict(form="hubei_group_80", where="budget.score", wrong="19", field="预算执行得分", severity="error",
         note="budget score is not 20 × 285.84/285.84 = 20"),
    dict(form="hubei_level2_points", where="indicator.1.score", wrong="10", field="指标得分", severity="error",
         note="short indicator scored in full; its weight follows from the 二级 label 数量指标（20分）: 20 − 10 = 10, "
              "target ≥8期, actual 6期 → 7.5 (产出指标（50分） alone leaves two weights unknown)"),
    dict(form="hubei_group_rows", where="indicator.3.score", wrong="10", field="指标得分", severity="error",
         note="short indicator under the label row 年度绩效目标2（40分） scored in full: target ≥6期, actual 4期, weight "
              "40 − 30 = 10 → 6.67"),
    dict(form="sichuan_split_weight", where="budget.rate", wrong="99.00%", field="预算执行率", severity="error",
         note="预算执行率 is not 预算执行数/调整后预算数 = 3.36/3.36 = 100.00%"),
    dict(form="national_variant_yuan", where="budget.rate", wrong="86%", field="执行率", severity="error",
         note="执行率 rounded to a whole percent (as on the 廊坊 2019 form): 372400/432000 = 86.20%"),
    dict(form="scorecard_grade", where="indicator.8.score", wrong="10", field="指标得分", severity="error",
         note="保障人数 short scored in full: 参考分值 10 × 2300/2370 = 9.70"),
    dict(form="department_coefficient", where="indicator.2.score", wrong="12", field="指标得分", severity="error",
         note="指标得分 is not 指标权重 × 得分系数 = 15 × 90% = 13.5 (actual 90% against 100%)"),
    dict(form="department_source_funds", where="budget.rate", wrong="95.62%", field="执行率", severity="error",
         note="执行率 digits swapped on a department form split by source (财政拨款/其他资金): 3102.45/3256.8 = 95.26%"),
    dict(form="department_source_levels", where="indicator.1.score", wrong="15", field="指标得分", severity="error",
         note="short indicator scored in full on a department form split by source (本级财政/上级补助): 分值 15 × 57/60 "
              "= 14.25"),
    dict(form="text_amounts_grade", where="budget.score", wrong="9.07", field="预算执行得分", severity="error",
         note="budget score typed as text with its digits swapped: 10 × 4612.58/4753.66 = 9.70"),
]
FAMILY_TEMPLATES = {"hubei-groups": "项目自评表_目标分组模板.xlsx", "hubei-group-rows": "项目自评表_目标分行模板.xlsx",
                    "sichuan": "部门预算项目支出绩效自评表_四川模板.xlsx",
                    "national-variant": "项目支出绩效自评表_资金情况模板.xlsx", "scorecard": "项目支出绩效评分表_模板.xlsx",
                    "department-coefficient": "部门整体支出绩效自评表_得分系数模板.xlsx",
                    "department-source": "部门整体支出绩效自评表_按资金来源模板.xlsx"}


def write_families(samples: Path, templates: Path, family_json: Path = FAMILY_JSON) -> list[dict]:
    """family_clean.xlsx, family_mistakes.xlsx (+ family_mistakes.json) and one blank template per family."""
    forms = json.loads(family_json.read_text(encoding="utf-8"))["forms"]
    render_grid([families.layout(f)[0] for f in forms], samples / "family_clean.xlsx")
    planted, entries = families.plant(forms, FAMILY_MISTAKES)
    sheets = {f["id"]: f["sheet"] for f in forms}
    manifest = []
    for entry in entries:
        row, col = families.layout(next(f for f in planted if f["id"] == entry["form"]))[1][entry["key"]]
        manifest.append({"sheet": sheets[entry["form"]], "cell": address(row, col), **entry})
    render_grid([families.layout(f)[0] for f in planted], samples / "family_mistakes.xlsx")
    (samples / "family_mistakes.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for family, name in FAMILY_TEMPLATES.items():
        form = next(f for f in forms if f["family"] == family)
        render_grid([families.layout(families.blank(form))[0]], templates / name)
    return manifest


def build(samples: Path = SAMPLES, templates: Path = TEMPLATES, seed_json: Path = SEED_JSON,
          national_json: Path = NATIONAL_JSON) -> list[dict]:
    """Write every sample and template; returns the seed's mistakes manifest."""
    samples.mkdir(parents=True, exist_ok=True)
    templates.mkdir(parents=True, exist_ok=True)
    seed = load_seed(seed_json)
    manifest = write_with_manifest(seed, MISTAKES, samples / "seed_clean.xlsx", samples / "seed_mistakes.xlsx",
                                   samples / "mistakes.json")
    project, department = template_data(seed)
    render_workbook(project, templates / PROJECT_TEMPLATE, layout=Layout(projects_only=True))
    render_workbook(department, templates / DEPARTMENT_TEMPLATE, layout=Layout(department_only=True))
    write_with_manifest(load_seed(national_json), NATIONAL_MISTAKES, samples / "national_clean.xlsx",
                        samples / "national_mistakes.xlsx", samples / "national_mistakes.json")
    render_workbook(national_template_data(), templates / NATIONAL_TEMPLATE, layout=Layout(projects_only=True))
    write_families(samples, templates)
    return manifest


def main() -> int:
    manifest = build()
    for m in manifest:
        print(f"{m['sheet']}!{m['cell']}: {m['field']} {m['reported']} (should be {m['expected']}, {m['severity']})")
    print(f"wrote {SAMPLES.relative_to(ROOT)}/seed_clean.xlsx, seed_mistakes.xlsx, mistakes.json, national_clean.xlsx, "
          f"national_mistakes.xlsx, national_mistakes.json; "
          f"{TEMPLATES.relative_to(ROOT)}/{PROJECT_TEMPLATE}, {DEPARTMENT_TEMPLATE}, {NATIONAL_TEMPLATE}; "
          f"family_clean.xlsx, family_mistakes.xlsx, family_mistakes.json, {', '.join(FAMILY_TEMPLATES.values())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
