"""The department form against the project forms of the same workbook (forms.md §2).

Each annual goal of the department form repeats one project form: the same indicator names, targets
and actual values. Which project a goal repeats is found by the indicator names they share.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from decimal import Decimal

from ..model import Form, Severity
from ..values import amount, fmt, parse_value
from .base import Check, rule

_NOT_WORD = re.compile(r"[\s\W_]+")


def key(text: str) -> str:
    """Compare names and values without spaces, punctuation or width: '2021.11.30 前' ~ '2021.11.30前'."""
    return _key_of(str(text))


@functools.lru_cache(maxsize=8192)
def _key_of(text: str) -> str:
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text))


def same_value(a: str, b: str) -> bool:
    """Two written values agree: the same text, or the same number where one side omits the unit.

    '预备党员转正2人' ~ '预备党员转正2'; '100%，0投诉' ~ '100%, 0投诉'; '9户' !~ '10户'.
    """
    if (type(a) is str and a == b) or key(a) == key(b):  # most repeat their project's text exactly
        return True
    va, vb = parse_value(a), parse_value(b)
    if va.kind == vb.kind == "number" and va.number is not None and va.number == vb.number:
        return not va.unit or not vb.unit or va.unit == vb.unit
    return False


def match_projects(department: Form, projects: list[Form]) -> dict[int, Form]:
    """Each goal number -> the project form sharing most indicator names with it (the goal text breaks ties).

    Worked example: goal 15 (邀请企业参与工作全会, 获得省级…授牌) shares 2 names with 工业互联网大会支持经费
    and 1 with 经济运行和投资技改工作经费, whose goal text is the same -> 工业互联网大会支持经费.
    """
    candidates = [(p, {key(r["name"]) for r in p.records["indicators"]},  # each project's indicator names and goal text
                   key(p.records["goals"][0]["text"]) if p.records["goals"] else "") for p in projects]
    wanted_by_goal: dict[object, set[str]] = {}  # each goal's indicator names
    for record in department.records.get("indicators", []):
        wanted_by_goal.setdefault(record.get("goal"), set()).add(key(record.get("name")))
    matched = {}
    for goal in department.records.get("goals", []):
        number, text = goal.get("number"), key(goal.get("text"))
        wanted = wanted_by_goal.get(number, set())
        best, best_score = None, 0
        for project, names, goal_text in candidates:
            if wanted and wanted.isdisjoint(names):
                continue  # shares no indicator name: never this goal's project
            shared = len(wanted & names)
            score = shared * 2 + (goal_text == text)
            if score > best_score and shared * 2 >= len(wanted):
                best, best_score = project, score
        if best is not None:
            matched[number] = best
    return matched


def matched_projects(check: Check, projects: list[Form]) -> dict[int, Form]:
    """match_projects for the department form under check, worked out once for both workbook rules."""
    if "matched" not in check.memo:
        check.memo["matched"] = match_projects(check.form, projects)
    return check.memo["matched"]


@rule("XC501", Severity.WARNING, "部门表与项目表不一致")
def goals_repeat_projects(check: Check, projects: list[Form]) -> None:
    """Each department goal's indicators repeat its project form's names, targets and actual values.

    Worked example: goal 2 脱贫户不返贫 actual '9户' while 精准扶贫工作经费 says '10户' -> warning at the
    department cell (which side is right is for the unit to say).
    """
    by_goal: dict[object, list] = {}  # the department's indicator rows of each goal, in order
    for row in check.rows("indicators"):
        by_goal.setdefault(row.goal, []).append(row)
    for number, project in matched_projects(check, projects).items():
        by_name = {key(r.get("name")): r for r in project.records.get("indicators", [])}  # the project's own records
        for row in by_goal.get(number, []):
            twin = by_name.get(key(row.name))
            if twin is None:
                check.add(goals_repeat_projects, row.name_cell, "指标名称", row.name, "",
                          f"年度目标{number}的指标“{row.name}”在项目表“{project.name}”（工作表 {project.sheet}）中找不到")
                continue
            for field, label in (("target", "年初指标值"), ("actual", "实际完成值")):
                ours, theirs = getattr(row, field), twin.get(field)
                if not same_value(ours, theirs):
                    check.add(goals_repeat_projects, getattr(row, f"{field}_cell"), f"{label}（{row.name}）", ours, theirs,
                              f"年度目标{number}“{row.name}”的{label}“{ours}”与项目表“{project.name}”"
                              f"（{project.sheet}!{twin.get(f'{field}_cell')}）的“{theirs}”不一致")


@rule("XC502", Severity.ERROR, "项目支出总额")
def project_spending(check: Check, projects: list[Form]) -> None:
    """项目支出总额 = Σ the project forms' 执行数 + 上级转移资金, when every goal's project form is present;
    fixed when 执行数 − 基本支出总额 (XC104) gives the same value (triangulation), else not fixed.

    Worked example (区科经局): Σ 18 projects' 执行数 17014.52 + 上级转移资金 8539.07 = 25553.59 -> no finding.
    Triangulation: a 项目支出总额 of 25535.59 breaks this identity and 执行数 = 基本 + 项目 (XC104) too;
    both say 25553.59 (27031.20 − 1477.61 = 17014.52 + 8539.07), so the value is certain: one error,
    fixed to 25553.59, with the cells of both identities related (XC104 is not reported again).
    """
    department = check.form
    fields = department.fields
    if "项目支出总额" not in fields or "上级转移资金" not in fields:
        return
    matched = matched_projects(check, projects)
    if len(matched) != len(department.records["goals"]) or len({id(p) for p in matched.values()}) != len(matched):
        return
    lines = [(p, p.records["budget"][0]) for p in matched.values() if p.records["budget"]]
    spent = sum((line["spent"] for _, line in lines if line["spent"] is not None), Decimal(0))
    reported, ref = fields["项目支出总额"]
    transfer, transfer_ref = fields["上级转移资金"]
    expected = spent + transfer
    if expected == reported:
        return
    related = [transfer_ref.address] + [f"{p.sheet}!{line['spent_cell']}" for p, line in lines if line["spent_cell"]]
    message = (f"项目支出总额 {amount(reported)} 与 各项目表执行数合计 {amount(spent)} + 上级转移资金 {amount(transfer)}"
               f" = {amount(expected)} 不一致")
    spending = next((f for f in check.findings if f.rule == "XC104"), None)
    executed = check.rows("budget")[0].spent if check.rows("budget") else None
    basic = fields["基本支出总额"][0] if "基本支出总额" in fields else None
    if spending is not None and executed is not None and basic is not None and executed - basic == expected:
        # 执行数 − 基本支出总额 says the same: two independent identities agree on this cell
        check.findings.remove(spending)
        check.check_number(
            project_spending, ref.address, "项目支出总额", reported, expected,
            f"{message}；执行数 − 基本支出总额 = {amount(executed)} − {amount(basic)} = {amount(expected)}，"
            f"两个恒等式得出同一数值，项目支出总额应为 {amount(expected)}",
            exact=True, related=[spending.cell, fields["基本支出总额"][1].address] + related,
        )
        return
    if spending is None and executed is not None and basic is not None and executed - basic == reported:
        message += (f"；而 执行数 − 基本支出总额 = {amount(executed)} − {amount(basic)} = {amount(reported)} 与之相符，"
                    "请核对各项目表的执行数和上级转移资金")
    check.add(project_spending, ref.address, "项目支出总额", amount(reported), amount(expected), message, related=related)
