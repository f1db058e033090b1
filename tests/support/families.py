"""The layout families of forms.md §6 as form data → the page's grid (rendered by support.grid).

The form data lives in sample_workbooks/family_forms.json: ``{"forms": [form, ...]}``, every number as
the published string. Fields every form has:

    id, family, sheet, title, name, department, implementer, year ('2021'), unit ('万元' or '元')
    budget      {"label": block label, "points": '20' | '10', "lines": [line, ...]}
                line: {"item": '年度财政资金总额' | '其中：财政拨款' …, "initial", "budget", "spent",
                       "weight", "rate", "score"}  (only the keys the family's columns show; the first
                       line is the scored one, the others are its 其中 lines)
    total       the 总分 / 合计 score as published ('' where the form has none); grade ('优'…) where shown
    deviation, improvement   texts (偏差 / 改进) where the family has them

By family:

- ``hubei-groups`` (Hubei project form, 20 + goal groups): ``groups``: [{"label": '年度绩效目标1',
  "points": '40', "indicators": [indicator, ...]}]; indicator: level1 (may carry points, '产出指标（60分）'),
  level2 (may carry points, '数量指标（20分）'), name, target, actual, score. No weight column: weights are inferred from full marks.
- ``hubei-group-rows``: the same data as ``hubei-groups``, each group's label ('年度绩效目标1（40分）') alone on
  its row, merged across, above the group's own 一级/二级/三级 header.
- ``sichuan`` (split targets + 权重, 10 + 90): indicators with level1, level2, name, sign ('≥', '=', '≤',
  '定性' …), value, unit ('%', '台' …), actual, weight, score, deviation; ``points`` of the indicator block.
- ``national-variant`` (财政部 shape varied): the 资金情况（元） block has no 年初预算数 and its 其中 lines repeat
  分值 / 执行率 / 得分; indicators carry weight *before* target: level1, level2, name, weight, target, actual,
  score, deviation.
- ``department-coefficient`` (部门整体支出绩效自评表 in the national shape): budget lines 年度资金总额 and its
  其中 基本支出 / 项目支出 (budget, spent; the total also weight, rate, score); indicators with level1,
  level2, name, weight (指标权重), target, actual, coefficient (得分系数, '90%'), score (= weight × coefficient),
  deviation.
- ``national-variant`` with ``"as_text": true``: the budget block's amounts, rates and scores and the total
  typed as text with units or thousands separators ('4753.66万元', '4,000.00万元', '97.03%'), and a
  ``grade`` (优/良/中/差) beside the 总分.
- ``department-source`` (部门整体支出绩效自评表 in the national shape, funding split by source): budget lines
  年度资金总额 and its 其中 lines 财政拨款 / 其他资金 or 本级财政 / 上级补助 (initial, budget, spent; the total
  also weight, rate, score); ``goal`` {target, actual}; indicators with level1, level2, name, target,
  actual, weight (分值), score, deviation.
- ``scorecard`` (项目决策 / 项目过程 / 项目产出 / 项目效益 with 参考分值): ``sections``: [{"label": '项目决策',
  "points": '20', "rows": [{level2, name, weight (参考分值), target, actual, score}]}]; budget lines without a
  score (预算执行率 is a scored row); ``total`` and ``grade`` (优 ≥ 90, 良 80–90, 中 60–80, 差 < 60).

``layout(form, spelling)`` returns (rows, keys): the grid and where each value sits, keys like
'budget.rate', 'budget.score', 'part.1.spent', 'indicator.3.score' (3 = index in the form's indicators,
counted across groups / sections in order), 'total', 'grade'. ``spelling='variant'`` writes the labels as
hand-made forms also spell them (half-width brackets, line breaks, 得 分) and the signs as ≧ ≦ ＝.

    >>> rows, keys = layout({"family": "sichuan", ...})            # doctest: +SKIP
    >>> keys["budget.rate"]                                         # doctest: +SKIP
    (7, 5)
"""

from __future__ import annotations

import copy

__all__ = ["layout", "plant", "blank", "FAMILIES"]

FAMILIES = ("hubei-groups", "hubei-group-rows", "sichuan", "national-variant", "scorecard", "department-coefficient",
            "department-source", "text-amounts")

_VARIANT_LABELS = {
    "（": "(", "）": ")", "得分": "得 分", "一级指标": "一级\n指标", "二级指标": "二级\n指标", "三级指标": "三级\n指标",
    "实际完成值": "实际\n完成值", "年初目标值": "年初\n目标值", "参考分值": "参考\n分值", "指标性质": "指标\n性质",
    "度量单位": "度量\n单位", "预算执行率": "预算\n执行率",
}
_VARIANT_SIGNS = {"≥": "≧", "≤": "≦", "=": "＝"}


class _Grid:
    """Rows of a fixed width and the keys of the values written into them."""

    def __init__(self, width: int, spelling: str):
        self.width, self.rows, self.keys, self.variant = width, [], {}, spelling == "variant"

    def label(self, text: str) -> str:
        if not self.variant:
            return text
        for plain, spelt in _VARIANT_LABELS.items():
            text = text.replace(plain, spelt)
        return text

    def sign(self, text: str) -> str:
        return _VARIANT_SIGNS.get(text, text) if self.variant else text

    def add(self, cells: list, keys: dict | None = None) -> int:
        row = list(cells) + ["<"] * (self.width - len(cells)) if len(cells) == 1 else list(cells) + [""] * (self.width - len(cells))
        self.rows.append(row)
        for col, key in (keys or {}).items():
            if row[col] not in ("", "<", "^"):
                self.keys[key] = (len(self.rows) - 1, col)
        return len(self.rows) - 1


def _hubei_head(form: dict, g: _Grid) -> None:
    """A Hubei project form's rows above its indicators: title, unit, project, department, the budget block."""
    L = g.label
    g.add([form["title"]])
    g.add([f"单位名称：{form['department']}", "<", "<", "<", f"填报日期：{form.get('date', '')}", "<", "<"])
    g.add([L("项目名称"), form["name"], "<", "<", "<", "<", "<"])
    g.add([L("主管部门"), form["department"], "<", L("项目实施单位"), form["implementer"], "<", "<"])
    line = form["budget"]["lines"][0]
    g.add([L(form["budget"]["label"]), "", "<", L("预算数（A）"), L("执行数（B）"), L("执行率（B/A）"), L("得分（20分*执行率）")])
    g.add(["^", L(line["item"]), "<", line["budget"], line["spent"], line["rate"], line["score"]],
          {3: "budget.budget", 4: "budget.spent", 5: "budget.rate", 6: "budget.score"})


def _hubei_tail(form: dict, g: _Grid) -> None:
    """A Hubei project form's rows below its indicators: 总分, 偏差 and 改进措施."""
    L = g.label
    g.add([L("总分"), "<", "<", "<", "<", "<", form["total"]], {6: "total"})
    g.add([L("偏差大或目标未完成原因分析"), "<", form.get("deviation", ""), "<", "<", "<", "<"])
    g.add([L("改进措施及结果应用方案"), "<", form.get("improvement", ""), "<", "<", "<", "<"])


def _hubei_groups(form: dict, g: _Grid) -> None:
    L = g.label
    _hubei_head(form, g)
    g.add([L("年度绩效指标"), L("一级指标"), L("二级指标"), L("三级指标"), L("年初目标值（A）"), L("实际完成值（B）"), L("得分")])
    index = 0
    for group in form["groups"]:
        first = True
        previous = (None, None)
        for ind in group["indicators"]:
            level1 = "^" if ind["level1"] == previous[0] else L(ind["level1"])
            level2 = "^" if (ind["level1"], ind["level2"]) == previous and level1 == "^" else L(ind["level2"])
            head = L(f"{group['label']}（{group['points']}分）") if first else "^"
            g.add([head, level1, level2, ind["name"], ind["target"], ind["actual"], ind["score"]],
                  {4: f"indicator.{index}.target", 5: f"indicator.{index}.actual", 6: f"indicator.{index}.score"})
            previous, first, index = (ind["level1"], ind["level2"]), False, index + 1
    _hubei_tail(form, g)


def _hubei_group_rows(form: dict, g: _Grid) -> None:
    """The Hubei goal groups with each group's label alone on its row, merged across, above its own header."""
    L = g.label
    _hubei_head(form, g)
    index = 0
    for group in form["groups"]:
        g.add([L(f"{group['label']}（{group['points']}分）")])
        g.add([L("一级指标"), L("二级指标"), L("三级指标"), "<", L("年初目标值（A）"), L("实际完成值（B）"), L("得分")])
        previous = (None, None)
        for ind in group["indicators"]:
            level1 = "^" if ind["level1"] == previous[0] else L(ind["level1"])
            level2 = "^" if (ind["level1"], ind["level2"]) == previous and level1 == "^" else L(ind["level2"])
            g.add([level1, level2, ind["name"], "<", ind["target"], ind["actual"], ind["score"]],
                  {4: f"indicator.{index}.target", 5: f"indicator.{index}.actual", 6: f"indicator.{index}.score"})
            previous, index = (ind["level1"], ind["level2"]), index + 1
    _hubei_tail(form, g)


def _sichuan(form: dict, g: _Grid) -> None:
    L = g.label
    g.add([form["title"]])
    g.add([L("项目名称"), form["name"]] + ["<"] * 9)
    g.add([L("主管部门"), form["department"], "<", "<", "<", L("实施单位（盖章）"), "<", form["implementer"], "<", "<", "<"])
    budget = form["budget"]
    g.add([L(f"预算执行情况（{budget['points']}分）"), L("年度预算数（万元）"), L("年初预算"), L("调整后预算数"), L("预算执行数"),
           L("预算执行率"), L("权重"), L("得分"), L("原因"), "<", "<"])
    for i, line in enumerate(budget["lines"]):
        prefix = "budget" if i == 0 else f"part.{i - 1}"
        weight, score = (line["weight"], line["score"]) if i == 0 else ("/", "/")
        g.add(["^", L(line["item"]), line["initial"], line["budget"], line["spent"], line["rate"], weight, score,
               line.get("reason", "") if i == 0 else "^", "<" if i == 0 else "^", "<" if i == 0 else "^"],
              {2: f"{prefix}.initial", 3: f"{prefix}.budget", 4: f"{prefix}.spent", 5: f"{prefix}.rate",
               6: f"{prefix}.weight", 7: f"{prefix}.score"})
    g.add([L(f"绩效指标（{form['points']}分）"), L("一级指标"), L("二级指标"), L("三级指标"), L("指标性质"), L("指标值"),
           L("度量单位"), L("完成值"), L("权重"), L("得分"), L("未完成原因分析")])
    previous = (None, None)
    for i, ind in enumerate(form["indicators"]):
        level1 = "^" if ind["level1"] == previous[0] else L(ind["level1"])
        level2 = "^" if level1 == "^" and ind["level2"] == previous[1] else L(ind["level2"])
        g.add(["^", level1, level2, ind["name"], g.sign(ind["sign"]), ind["value"], ind["unit"], ind["actual"],
               ind["weight"], ind["score"], ind.get("deviation", "")],
              {5: f"indicator.{i}.target", 7: f"indicator.{i}.actual", 8: f"indicator.{i}.weight", 9: f"indicator.{i}.score"})
        previous = (ind["level1"], ind["level2"])
    g.add([L("合计"), "<", "<", "<", "<", "<", "<", "<", form["total_weight"], form["total"], ""], {9: "total"})
    g.add([L("评价结论"), form.get("conclusion", "")] + ["<"] * 9)
    g.add([L("存在问题"), form.get("deviation", "")] + ["<"] * 9)
    g.add([L("改进措施"), form.get("improvement", "")] + ["<"] * 9)


def _national_variant(form: dict, g: _Grid) -> None:
    L = g.label
    g.add([form["title"]])
    g.add([f"（{form['year']}年度）", "<", "<", "<", "<", "<", "<", f"金额单位：{form['unit']}", "<"])
    g.add([L("项目名称"), "<", form["name"], "<", "<", "<", "<", "<", "<"])
    g.add([L("主管部门"), "<", form["department"], "<", "<", L("实施单位"), form["implementer"], "<", "<"])
    budget = form["budget"]
    g.add([L(budget["label"]), "<", "", "<", L("全年预算数"), L("全年执行数"), L("分值"), L("执行率"), L("得分")])
    for i, line in enumerate(budget["lines"]):
        prefix = "budget" if i == 0 else f"part.{i - 1}"
        g.add(["^", "^", L(line["item"]), "<", line["budget"], line["spent"], line["weight"], line["rate"], line["score"]],
              {4: f"{prefix}.budget", 5: f"{prefix}.spent", 6: f"{prefix}.weight", 7: f"{prefix}.rate", 8: f"{prefix}.score"})
    g.add([L("年度总体目标"), "<", L("预期目标"), "<", "<", L("实际完成情况"), "<", "<", "<"])
    g.add(["^", "^", form["goal"]["target"], "<", "<", form["goal"]["actual"], "<", "<", "<"])
    g.add([L("一级指标"), L("二级指标"), L("三级指标"), "<", L("分值"), L("年度指标值"), L("实际完成值"), L("得分"),
           L("偏差原因分析及改进措施")])
    previous = (None, None)
    for i, ind in enumerate(form["indicators"]):
        level1 = "^" if ind["level1"] == previous[0] else L(ind["level1"])
        level2 = "^" if level1 == "^" and ind["level2"] == previous[1] else L(ind["level2"])
        g.add([level1, level2, ind["name"], "<", ind["weight"], ind["target"], ind["actual"], ind["score"], ind.get("deviation", "")],
              {4: f"indicator.{i}.weight", 5: f"indicator.{i}.target", 6: f"indicator.{i}.actual", 7: f"indicator.{i}.score"})
        previous = (ind["level1"], ind["level2"])
    g.add([L("总分"), "<", "<", "<", "100", "<", "<", form["total"], form.get("grade", "")], {7: "total", 8: "grade"})


def _department_coefficient(form: dict, g: _Grid) -> None:
    L = g.label
    g.add([form["title"]])
    g.add([f"（{form['year']}年度）"])
    g.add([L("部门（单位）名称"), "<", form["name"], "<", "<", "<", "<", "<", "<"])
    budget = form["budget"]
    g.add([L(budget["label"]), "<", "", L("全年预算数"), L("全年执行数"), L("分值"), L("执行率"), L("得分"), ""])
    for i, line in enumerate(budget["lines"]):
        prefix = "budget" if i == 0 else f"part.{i - 1}"
        rest = [line["weight"], line["rate"], line["score"]] if i == 0 else ["—", "—", "—"]
        g.add(["^", "^", L(line["item"]), line["budget"], line["spent"], *rest, ""],
              {3: f"{prefix}.budget", 4: f"{prefix}.spent", 5: f"{prefix}.weight", 6: f"{prefix}.rate", 7: f"{prefix}.score"})
    g.add([L("年度总体目标"), "<", form["goal"], "<", "<", "<", "<", "<", "<"])
    g.add([L("一级指标"), L("二级指标"), L("三级指标"), L("指标权重"), L("年度指标值"), L("实际完成值"), L("得分系数"),
           L("指标得分"), L("偏差原因分析及改进措施")])
    previous = (None, None)
    for i, ind in enumerate(form["indicators"]):
        level1 = "^" if ind["level1"] == previous[0] else L(ind["level1"])
        level2 = "^" if level1 == "^" and ind["level2"] == previous[1] else L(ind["level2"])
        g.add([level1, level2, ind["name"], ind["weight"], ind["target"], ind["actual"], ind["coefficient"], ind["score"],
               ind.get("deviation", "")],
              {3: f"indicator.{i}.weight", 4: f"indicator.{i}.target", 5: f"indicator.{i}.actual",
               6: f"indicator.{i}.coefficient", 7: f"indicator.{i}.score"})
        previous = (ind["level1"], ind["level2"])
    g.add([L("总分"), "<", "<", "100", "<", "<", "<", form["total"], ""], {7: "total"})


def _department_source(form: dict, g: _Grid) -> None:
    """The department form in the national shape, its funding split by source (财政拨款 / 其他资金, 本级财政 /
    上级补助), 年初预算数 shown, a 分值 column and a 总分 row."""
    L = g.label
    g.add([form["title"]])
    g.add([f"（{form['year']}年度）"])
    g.add([L("部门（单位）名称"), "<", form["name"], "<", "<", "<", "<", "<", "<"])
    budget = form["budget"]
    g.add([L(budget["label"]), "<", "", L("年初预算数"), L("全年预算数"), L("全年执行数"), L("分值"), L("执行率"), L("得分")])
    for i, line in enumerate(budget["lines"]):
        prefix = "budget" if i == 0 else f"part.{i - 1}"
        rest = [line["weight"], line["rate"], line["score"]] if i == 0 else ["—", "—", "—"]
        g.add(["^", "^", L(line["item"]), line["initial"], line["budget"], line["spent"], *rest],
              {3: f"{prefix}.initial", 4: f"{prefix}.budget", 5: f"{prefix}.spent", 6: f"{prefix}.weight",
               7: f"{prefix}.rate", 8: f"{prefix}.score"})
    g.add([L("年度总体目标"), "<", L("预期目标"), "<", "<", L("实际完成情况"), "<", "<", "<"])
    g.add(["^", "^", form["goal"]["target"], "<", "<", form["goal"]["actual"], "<", "<", "<"])
    g.add([L("一级指标"), L("二级指标"), L("三级指标"), "<", L("年度指标值"), L("实际完成值"), L("分值"), L("得分"),
           L("偏差原因分析及改进措施")])
    previous = (None, None)
    for i, ind in enumerate(form["indicators"]):
        level1 = "^" if ind["level1"] == previous[0] else L(ind["level1"])
        level2 = "^" if level1 == "^" and ind["level2"] == previous[1] else L(ind["level2"])
        g.add([level1, level2, ind["name"], "<", ind["target"], ind["actual"], ind["weight"], ind["score"], ind.get("deviation", "")],
              {4: f"indicator.{i}.target", 5: f"indicator.{i}.actual", 6: f"indicator.{i}.weight", 7: f"indicator.{i}.score"})
        previous = (ind["level1"], ind["level2"])
    g.add([L("总分"), "<", "<", "<", "<", "<", "100", form["total"], ""], {7: "total"})


def _scorecard(form: dict, g: _Grid) -> None:
    L = g.label
    g.add([form["title"]])
    g.add([L("项目名称"), form["name"], "<", "<", L("主管部门"), form["department"], "<", "<"])
    g.add([L("实施单位"), form["implementer"], "<", "<", L("自评得分"), form["total"], L("自评等级"), form["grade"]],
          {5: "total", 7: "grade"})
    line = form["budget"]["lines"][0]
    g.add([L(form["budget"]["label"]), "", "<", L("年初预算数"), L("调整预算数（A）"), L("全年执行数（B）"), L("执行率（B/A）"), "<"])
    g.add(["^", L(line["item"]), "<", line["initial"], line["budget"], line["spent"], line["rate"], "<"],
          {3: "budget.initial", 4: "budget.budget", 5: "budget.spent", 6: "budget.rate"})
    g.add([L("一级指标"), L("二级指标"), L("三级指标"), L("参考分值"), L("指标值（A）"), L("全年实际值（B）"), L("得分"),
           L("未完成原因分析及改进措施")])
    index = 0
    for section in form["sections"]:
        first = True
        previous = None
        for row in section["rows"]:
            head = L(f"{section['label']}（{section['points']}分）") if first else "^"
            level2 = "^" if row["level2"] == previous and not first else L(row["level2"])
            g.add([head, level2, row["name"], row["weight"], row["target"], row["actual"], row["score"], row.get("deviation", "")],
                  {3: f"indicator.{index}.weight", 5: f"indicator.{index}.actual", 6: f"indicator.{index}.score"})
            previous, first, index = row["level2"], False, index + 1
    g.add([L("总分"), "<", "<", "100", "<", "<", form["total"], form["grade"]], {6: "total.row", 7: "grade.row"})


_LAYOUTS = {"hubei-groups": (_hubei_groups, 7, [14, 12, 12, 24, 14, 14, 10]),
            "hubei-group-rows": (_hubei_group_rows, 7, [12, 14, 16, 12, 14, 14, 10]),
            "sichuan": (_sichuan, 11, [12, 10, 12, 20, 8, 9, 8, 10, 7, 7, 20]),
            "national-variant": (_national_variant, 9, [8, 10, 16, 12, 10, 12, 12, 9, 18]),
            "scorecard": (_scorecard, 8, [12, 12, 18, 8, 14, 18, 8, 14]),
            "department-coefficient": (_department_coefficient, 9, [10, 12, 20, 8, 12, 12, 9, 9, 18]),
            "department-source": (_department_source, 9, [10, 12, 16, 12, 12, 12, 8, 9, 18]),
            "text-amounts": (_national_variant, 9, [8, 10, 16, 12, 12, 12, 12, 9, 18])}


def layout(form: dict, spelling: str = "plain") -> tuple[dict, dict[str, tuple[int, int]]]:
    """The grid form (for support.grid.render_grid) and where each value sits."""
    build, width, widths = _LAYOUTS[form["family"]]
    grid = _Grid(width, spelling)
    build(form, grid)
    result = {"id": form["id"], "sheet": form["sheet"], "rows": grid.rows, "widths": widths}
    if form.get("as_text"):  # typed as text even where it looks like a number ('97.03%', '9.70')
        from support.grid import address
        result["text_cells"] = [address(r, c) for key, (r, c) in grid.keys.items()
                                if key.split(".")[0] in ("budget", "part", "total")]
    return result, grid.keys


def _slot(form: dict, key: str) -> tuple[dict, str]:
    """The dict and field behind a key ('budget.rate', 'part.0.spent', 'indicator.3.score', 'total')."""
    parts = key.split(".")
    if parts[0] in ("total", "grade"):
        return form, parts[0]
    if parts[0] == "budget":
        return form["budget"]["lines"][0], parts[1]
    if parts[0] == "part":
        return form["budget"]["lines"][int(parts[1]) + 1], parts[2]
    indicators = ([i for g in form["groups"] for i in g["indicators"]] if "groups" in form
                  else [r for s in form["sections"] for r in s["rows"]] if "sections" in form else form["indicators"])
    return indicators[int(parts[1])], parts[2]


def plant(forms: list[dict], mistakes: list[dict]) -> tuple[list[dict], list[dict]]:
    """Copies of `forms` with `mistakes` planted ({form, where, wrong, field, severity, note}); the right value
    is the published one. Returns the forms and the manifest entries (without cell addresses)."""
    planted = copy.deepcopy(forms)
    by_id = {f["id"]: f for f in planted}
    entries = []
    for m in mistakes:
        holder, field = _slot(by_id[m["form"]], m["where"])
        assert holder[field] != m["wrong"], m
        entries.append({"form": m["form"], "key": m["where"], "field": m["field"], "reported": m["wrong"],
                        "expected": m.get("expected", holder[field]), "severity": m["severity"], "note": m["note"]})
        holder[field] = m["wrong"]
    return planted, entries


def blank(form: dict) -> dict:
    """The form as an empty template: labels kept, every value and name emptied, two rows per indicator group."""
    empty = copy.deepcopy(form)
    for key in ("name", "department", "implementer", "total", "grade", "deviation", "improvement", "date", "conclusion"):
        if key in empty:
            empty[key] = ""
    for line in empty["budget"]["lines"]:
        for k in line:
            if k != "item" and line[k] not in ("/", "—"):
                line[k] = ""

    def clear(rows):
        kept, seen = [], {}
        for row in rows:
            group = (row.get("level1"), row.get("level2"))
            seen[group] = seen.get(group, 0) + 1
            if seen[group] <= 2:
                kept.append({k: ("" if k not in ("level1", "level2", "sign", "unit") else v) for k, v in row.items()})
        return kept

    if "groups" in empty:
        for group in empty["groups"]:
            group["indicators"] = clear(group["indicators"])
    elif "sections" in empty:
        for section in empty["sections"]:
            section["rows"] = [dict(r, name=r["name"], target="", actual="", score="") for r in section["rows"]]
    else:
        empty["indicators"] = clear(empty["indicators"])
    if isinstance(empty.get("goal"), dict):
        empty["goal"] = {"target": "", "actual": ""}
    elif "goal" in empty:
        empty["goal"] = ""
    return empty
