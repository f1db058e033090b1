"""Indicator scores (forms.md §4 rules 2 and 3): score = weight × achievement, never above the weight.

The Hubei project form has no weight column: an indicator's weight shows only where its target was
met (score = weight), and the weights of a form's indicators add up to 60. So a short indicator's
weight is known when it is the only one left: weight = 60 − Σ the other weights. The national form
writes every weight in its 分值 column, adding up to 90.

The section total (60, 90), the qualitative tiers and the formula for a missed negative target come
from the form's rule profile (profiles.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..language import says_nothing
from ..model import Severity
from ..reader.grid import norm
from ..values import Assessment, assess, fmt, parse_value
from .base import Check, rule
from .sections import indicator_points, indicator_sections, is_whole_table, member_of

PARTLY = ("部分", "基本")  # an actual value that says the target was partly achieved


@dataclass(slots=True)
class Scored:
    """An indicator row with its assessment and its weight (written, shown by full marks, or inferred)."""

    row: object
    assessment: Assessment
    weight: Decimal | None
    weight_source: str  # 'written' | 'full marks' | 'inferred' | ''
    pool: Decimal | None = None  # the section's points an inferred weight is the rest of


def assessed_rows(check: Check) -> list[tuple[object, Assessment]]:
    """The form's scored indicator rows with their assessments, worked out once per form for all the rules.

    A row written the same way on another form of the workbook (the department form repeats its projects'
    indicators: name, 二级指标, target and actual) takes the assessment already made there."""
    if "assessed" not in check.memo:
        negative_level2 = check.profile.negative_level2
        known = check.shared.setdefault("assessments", {})
        assessed = []
        for row in check.rows("indicators"):
            if row.score is None and row.weight is None:
                continue
            if type(row.target) is not str or type(row.actual) is not str:
                # not text (a number cell): equal keys may read differently (1 and 1.0), so it is assessed as it is
                assessed.append((row, assess_row(row, negative_level2, folded_name(check, row.name))))
                continue
            key = (row.target, row.actual, row.name, row.level2, negative_level2)
            assessment = known.get(key)
            if assessment is None:
                assessment = known[key] = assess_row(row, negative_level2, folded_name(check, row.name))
            assessed.append((row, assessment))
        check.memo["assessed"] = assessed
    return check.memo["assessed"]


# Names that say less is better where the target has no ≥/≤: 预算调整率 3% is met by 0, 结转结余率 2% by 0,
# 公用经费控制率 and 财政供养人员控制率 100% by 97% and 92% (spent or employed against what was budgeted).
LOWER_IS_BETTER_NAMES = ("调整率", "结余率", "经费控制率", "人员控制率")
# Names whose direction the name alone does not settle (a disease's 控制率 is higher-is-better): with a target
# without ≥/≤ such a row is not scored by arithmetic either way (XC305, info).
UNSURE_DIRECTION_NAMES = ("控制率", "控制数", "变动率")
_LOWER_IS_BETTER = re.compile("|".join(LOWER_IS_BETTER_NAMES))  # one search, not one `in` per word
_UNSURE_DIRECTION = re.compile("|".join(UNSURE_DIRECTION_NAMES))


def folded_name(check: Check, name: str | None) -> str:
    """An indicator's name folded (norm), once per workbook: the department form repeats its projects' names."""
    folded = check.shared.setdefault("folded names", {})
    if name not in folded:
        folded[name] = norm(name)
    return folded[name]


def assess_row(row, negative_level2: tuple[str, ...], name: str) -> Assessment:
    """The row's assessment, less-is-better under the profile's 二级指标 (成本) or by its name (folded).

    Worked example (重庆 2021 部门整体绩效自评表): 公用经费控制率 target 100%, actual 97% -> met (not 2 × 0.97);
    an unnamed 'xx控制率' 100% against 97% -> unknown: the name does not say which way is better.
    """
    target, actual = parse_value(row.target), parse_value(row.actual)
    negative = row.level2.startswith(negative_level2) or _LOWER_IS_BETTER.search(name) is not None
    assessment = assess(target, actual, negative_hint=negative)
    if negative or _UNSURE_DIRECTION.search(name) is None:
        return assessment
    unsure = next(word for word in UNSURE_DIRECTION_NAMES if word in name)  # the first in the list's order
    lower = assess(target, actual, negative_hint=True)  # the same unless the target has no ≥/≤
    if (lower.status, lower.ratio) == (assessment.status, assessment.ratio):
        return assessment
    return Assessment("unknown", None, f"目标没有写 ≥ 或 ≤，“{unsure}”指标是越高越好还是越低越好不能确定"
                                       f"（按越高越好：{assessment.explanation}；按越低越好：{lower.explanation}）")


def scored_rows(check: Check) -> list[Scored]:
    """The form's scored indicators, each assessed, with every weight the form determines (written, shown
    by full marks, or on a project form inferred per section), worked out once per form for XC301, XC307
    and XC309. (XC307 and XC309 never read an inferred weight: it goes only to a row that fell short or
    has no score.)"""
    if "scored" not in check.memo:
        scored = []
        for row, assessment in assessed_rows(check):
            if row.weight is not None:
                scored.append(Scored(row, assessment, row.weight, "written"))
            elif assessment.status == "met" and row.score is not None:
                scored.append(Scored(row, assessment, row.score, "full marks"))
            else:
                scored.append(Scored(row, assessment, None, ""))
        if check.form.kind == "project":
            infer_by_section(check, scored)
        check.memo["scored"] = scored
    return check.memo["scored"]


def infer_weights(rows: list[Scored], section: Decimal) -> None:
    """Give the one row whose weight is unknown the rest of the section's weight.

    Worked example (科学技术研究与开发资金): all indicators but 对外宣传洪山名优产品 were met; their
    scores add up to 59, so its weight is 60 − 59 = 1. With two unknown weights (湖北洪山实验室建设经费:
    设计费 and 监理) nothing is inferred.
    """
    unknown = [r for r in rows if r.weight is None]
    if len(unknown) != 1:
        return
    rest = section - sum((r.weight for r in rows if r.weight is not None), Decimal(0))
    if rest > 0:
        unknown[0].weight, unknown[0].weight_source, unknown[0].pool = rest, "inferred", section


def infer_by_section(check: Check, rows: list[Scored]) -> None:
    """infer_weights in every section whose points are known, inner sections first: a 年度绩效目标1（40分）
    group infers from 40, the lone 项目年度绩效指标（60分） table from 60."""
    for section, points, keys in indicator_sections(check):
        if points is not None:
            infer_weights([r for r in rows if member_of(r.row, keys)], points)


DEFAULT_TIERS = "达成 100–80%，部分达成 80–50%，未达成 50–0%"  # as values.assess writes them


def said(check: Check, assessment: Assessment) -> str:
    """The assessment's explanation, with the profile's qualitative tiers where it names the tiers."""
    return assessment.explanation.replace(DEFAULT_TIERS, check.profile.tier_text)


@rule("XC301", Severity.ERROR, "指标得分", also=(Severity.WARNING,))
def indicator_scores(check: Check) -> None:
    """A quantitative indicator scores weight × achievement (positive actual/target, negative target/actual
    or the profile's deviation formula, ranges, deadlines, ordinals), capped at the weight; the weight
    written (分值), shown by full marks, or inferred as the section's points − the other weights. A
    qualitative one scored outside its tier (not met above 80%, 部分 outside 50–80%) is a warning.

    Worked example (科学技术研究与开发资金, 对外宣传洪山名优产品): target 2场次, actual 1场次,
    weight 1 (inferred: 60 − 59) -> 1 × 1/2 = 0.5; a reported 1 is an error, fixed to 0.5.
    Negative indicators (≤X, 成本指标) score weight × target/actual: ≤150元 against 160元 with 分值 10 ->
    10 × 0.9375 = 9.38, and a reported 10 (scored as if more were better) is an error, fixed to 9.38; a
    profile with negative.formula = "deviation" gives 10 × (1 − 10/150) = 9.33. A score above a written
    weight is an error fixed to the weight. A qualitative target not met scores at most 80% of its weight,
    and one partly achieved ('部分完成') at least 50% (warnings; the tiers are the profile's).
    Where the weight cannot be determined the score is not checked (XC303, info). On a form with a 得分系数
    column the coefficient is fixed with the score (政府采购执行率 72.74% of 100%, 权重 2: 100% -> 72.74%, 2 -> 1.45).
    """
    form = check.form
    total = Decimal(0)
    settled_rows = check.memo.setdefault("settled rows", {})
    if form.kind != "project":  # a department form's scores stand as written (its goals repeat the projects: XC501)
        for row, _ in assessed_rows(check):
            settled_rows[row.Index] = settled = row.score or Decimal(0)
            total += settled
        check.settled["indicator_scores"] = total
        return
    rows = scored_rows(check)
    high, low = check.profile.tiers
    for scored in rows:
        row, weight, assessment = scored.row, scored.weight, scored.assessment
        settled = row.score or Decimal(0)
        if weight is not None and row.score is not None:
            if assessment.status == "short" and assessment.ratio is not None:
                share = check.profile.negative_share(assessment.ratio) if assessment.negative else assessment.ratio
                deviation = assessment.negative and check.profile.negative_formula == "deviation"
                formula = f"{fmt(weight)} × (1 − (实际 − 目标)/目标) = " if deviation else ""
                expected = weight * share
                if not check.check_number(
                    indicator_scores, row.score_cell, f"得分（{row.name}）", row.score, expected,
                    lambda: f"{row.name}：{said(check, assessment)}；{why_weight(scored)}；"
                            f"得分应为 {formula}{fmt(weight)} × {fmt(share, 4)} = {check.fmt(expected)}",
                ):
                    settled = check.round(expected)
                    if row.coefficient is not None:  # 指标得分 = 权重 × 得分系数 (XC312): the coefficient is fixed with it
                        check.check_number(
                            indicator_scores, row.coefficient_cell, f"得分系数（{row.name}）", row.coefficient, share,
                            f"{row.name}：{said(check, assessment)}；得分系数应为 {fmt(share, 4)} = "
                            f"{check.fmt_percent(share)}", percent=True,
                        )
            elif assessment.status == "short" and row.score > weight * high:
                check.add(
                    indicator_scores, row.score_cell, f"得分（{row.name}）", fmt(row.score), f"≤ {fmt(weight * high)}",
                    f"{row.name}：{said(check, assessment)}；未完成的指标按“部分达成”最多得 {fmt(weight)} × "
                    f"{fmt(high * 100)}% = {fmt(weight * high)} 分",
                    severity=Severity.WARNING,
                )
            elif assessment.status == "short" and any(w in row.actual for w in PARTLY) and row.score < weight * low:
                check.add(
                    indicator_scores, row.score_cell, f"得分（{row.name}）", fmt(row.score), f"≥ {fmt(weight * low)}",
                    f"{row.name}：实际“{row.actual}”为部分达成，按档次（{check.profile.tier_text}）应得 "
                    f"{fmt(weight * low)}–{fmt(weight * high)} 分",
                    severity=Severity.WARNING,
                )
            elif row.score > weight:
                check.check_number(
                    indicator_scores, row.score_cell, f"得分（{row.name}）", row.score, weight,
                    f"{row.name}：得分 {fmt(row.score)} 超过{why_weight(scored)}，得分不得突破权重",
                )
                settled = weight
        elif row.score is not None and assessment.status == "short":
            check.add(
                weight_unknown, row.score_cell, f"得分（{row.name}）", fmt(row.score), "",
                f"{row.name}：{said(check, assessment)}；本表没有分值列，且有多个未完成指标，权重无法确定，得分未核对",
            )
        total += settled
        settled_rows[row.Index] = settled
    check.settled["indicator_scores"] = total


def why_weight(scored: Scored) -> str:
    """Where an indicator's weight comes from, for a message: '分值 10', '权重 1（60 − 其余指标权重合计 59）'."""
    weight, pool = scored.weight, scored.pool or Decimal(0)
    if scored.weight_source == "inferred":
        return f"权重 {fmt(weight)}（{fmt(pool)} − 其余指标权重合计 {fmt(pool - weight)}）"
    return f"分值 {fmt(weight)}" if scored.weight_source == "written" else f"权重 {fmt(weight)}"


@rule("XC303", Severity.INFO, "权重无法确定")
def weight_unknown(check: Check) -> None:
    """Reported by XC301 for a short indicator whose weight the form does not determine.

    Worked example (湖北洪山实验室建设经费): 设计费 474万元 -> 94.8万元 and 监理 227.8万元 -> 22.78万元 are
    both short; their weights add up to 60 − 40 = 20 but cannot be told apart -> info, not checked.
    """


@rule("XC305", Severity.INFO, "指标值无法识别")
def values_not_understood(check: Check) -> None:
    """A scored indicator whose target or actual value cannot be understood is reported, never scored.

    Worked example: target '见附件', actual '已完成部分' -> info: '无法识别目标值“见附件”'. A 完成值 left
    empty (青神 2023, partly filled) is named at its own cell; a table without a target column (a scorecard
    judged by its 评分标准) gets no '年初目标值为空' for each row.
    """
    if check.form.kind != "project":
        return
    for row, assessment in assessed_rows(check):
        if assessment.status == "unknown":
            if row.target_cell is None and not row.target:
                continue  # the table has no target column: there is nothing to compare with, nor to say
            check.add(
                values_not_understood, row.actual_cell or row.name_cell or row.score_cell, f"实际完成值（{row.name}）", row.actual, "",
                f"{row.name}：{assessment.explanation}；得分未核对",
            )


def row_explained(check: Check, row) -> bool:
    """A row's deviation is explained: in its own 偏差原因 cell, or in the form's 偏差大或目标未完成原因分析."""
    return not says_nothing(row.deviation) or not says_nothing(check.form.deviation)


def explanation_place(check: Check) -> str:
    return "偏差原因分析及改进措施" if check.form.explanation == "row" else "偏差大或目标未完成原因分析"


@rule("XC306", Severity.WARNING, "未完成指标未说明")
def short_unexplained(check: Check) -> None:
    """An indicator whose target was not met must be explained (偏差大或目标未完成原因分析, or the row's
    偏差原因 column); '无' there leaves the form incomplete.

    Worked example: target 2场次, actual 1场次 with 偏差 '无' -> warning. The seed's 科学技术研究与开发资金
    explains it ('因疫情原因…') -> no warning.
    """
    for row, assessment in assessed_rows(check):
        if assessment.status == "short" and not row_explained(check, row):
            written = (row.deviation if check.form.explanation == "row" else check.form.deviation).strip()
            check.add(
                short_unexplained, row.actual_cell or row.score_cell, f"实际完成值（{row.name}）", row.actual, "",
                f"{row.name}：{said(check, assessment)}，目标未完成，但“{explanation_place(check)}”填写为“{written or '空'}”，请说明原因",
            )


@rule("XC307", Severity.ERROR, "指标得分合计", also=(Severity.WARNING, Severity.INFO))
def indicator_sum(check: Check) -> None:
    """Per section, indicator scores add up to at most its points (the table's 60 or 90, a goal group's
    '年度绩效目标1（40分）', a '产出指标（50分）'): more is an error, not fixed; every target met, no weights
    written and less is a warning (info on a form without a total: it may be shown only in part).

    Worked example: 20 + 20 + 21 = 61 > 60 -> error (which score is wrong is not certain: not fixed; the
    score cells related). Where written weights add up to too much (XC308), that is the one cause and
    the sum of the scores is not reported again.
    All met but 20 + 20 + 19 = 59 -> warning: some indicator did not get full marks, or the weights
    do not add up to 60. (Where the weights are written, XC308 and XC309 say which.)
    """
    form = check.form
    if form.kind != "project" or "indicator_scores" not in check.settled:
        return
    rows = scored_rows(check)
    settled = check.memo.get("settled rows", {})
    explained = any(f.rule == weights_add_up.code for f in check.findings)
    for section, points, keys in indicator_sections(check):
        members = [r for r in rows if member_of(r.row, keys)]
        if points is None or not members:
            continue
        total = sum((settled.get(r.row.Index, r.row.score or Decimal(0)) for r in members), Decimal(0))
        name = "绩效指标" if section.key == "indicators" else section.name
        anchor = members[0].row.score_cell
        if total > points:
            check.memo.setdefault("sections over points", name)
            if explained:
                continue  # the written weights add up to too much (XC308): that is the one cause, reported there
            check.add(indicator_sum, anchor, f"指标得分合计{'' if name == '绩效指标' else f'（{name}）'}", fmt(total), f"≤ {fmt(points)}",
                      f"{name}得分合计 {fmt(total)} 超过 {fmt(points)} 分", related=[r.row.score_cell for r in members])
        elif (all(r.assessment.status == "met" for r in members) and total < points
              and not any(r.weight_source == "written" for r in members) and not unreadable_scores(check)):
            cut = form.total_cell is None  # a form without its total may be shown only in part
            check.add(indicator_sum, anchor, "指标得分合计", fmt(total), fmt(points),
                      f"{'指标均已完成' if name == '绩效指标' else f'{name}的指标均已完成'}，但得分合计 {fmt(total)} 不足 {fmt(points)} 分："
                      f"有指标未得满分，或权重合计不是 {fmt(points)}{'（表格没有总分，可能只展示了部分指标）' if cut else ''}",
                      severity=Severity.INFO if cut else Severity.WARNING)


def unreadable_scores(check: Check) -> bool:
    """Whether some indicator's score cell holds an error value or a formula never calculated (XC001 names
    it): the sum of the others says nothing then."""
    unreadable = {ref.address for ref, _, _ in check.form.unreadable}
    return any(row.score is None and row.score_cell in unreadable for row in check.rows("indicators"))


@rule("XC308", Severity.ERROR, "分值合计", also=(Severity.INFO,))
def weights_add_up(check: Check) -> None:
    """Per section, the weights a form writes (分值) add up to its points (90 on the national form, a
    '产出指标（50分）' label's 50): an error, not fixed (which weight is wrong is not certain); info for the
    last section of a form without a total (cut short).

    Worked example: 产出指标（50分） with 分值 20 + 15 + 10 + 5 = 50, 效益指标（30分） 30, 满意度指标（10分）
    10: together 90 -> fine. 分值 20 + 15 + 10 + 3 = 48 under '产出指标（50分）' -> one error at the group's
    first 分值 cell, its other 分值 cells related (the whole 88 ≠ 90 is the same cause: not reported
    again); which weight is wrong is not certain, so it is not fixed.
    """
    rows = [r for r in check.rows("indicators") if r.weight is not None]
    if check.form.kind != "project" or not rows:
        return
    last_row = max(r.row for r in rows)
    off = []  # (section, points, members, their sum, partial) of the sections whose weights miss their points
    for section, points, keys in indicator_sections(check):
        members = [r for r in rows if member_of(r, keys)]
        if points is None or not members:
            continue
        added = sum((r.weight for r in members), Decimal(0))
        if added != points:
            # a form cut short (no total) may show only part of its last section: say so, never an error
            partial = check.form.total_cell is None and added < points and any(r.row == last_row for r in members)
            off.append((section, points, members, added, partial))
    for section, points, members, added, partial in off:
        severity = Severity.INFO if partial else None
        shown = "；表格没有总分，可能只展示了部分指标" if partial else ""
        inner = [o for o in off if o[0].parent is not None and set(map(id, o[2])) <= set(map(id, members)) and o[0] is not section]
        if section.parent is None:
            # one cause, one finding: the inner sections that miss their labels explain the whole sum when they add up to it
            if inner and sum((a - p for _, p, _, a, _ in inner), Decimal(0)) == added - points:
                continue
            if section.points is None and added < points and all_in_whole_sections(check, section, members, off):
                # every row sits in a labelled section that adds up: whole sections are not shown (a form cut short)
                check.memo["shown in part"] = f"表中各部分分值合计 {fmt(added)}，不足 {fmt(points)} 分"
                severity, shown = Severity.INFO, "；表中各部分自身分值相符，可能只展示了部分指标"
            name = "绩效指标" if is_whole_table(check, section) else section.name
            check.add(weights_add_up, members[0].weight_cell, "分值合计" if name == "绩效指标" else f"分值合计（{name}）",
                      fmt(added), fmt(points),
                      f"{name}分值合计 {fmt(added)}，应为 {fmt(points)} 分（{points_source(check)}）；请核对各指标分值{shown}",
                      severity=severity, related=[r.weight_cell for r in members])
        else:
            outer = next((o for o in off if o[0].key == section.parent), None)
            overall = f"（全部分值合计 {fmt(outer[3])}，应为 {fmt(outer[1])}）" if outer else ""
            check.add(weights_add_up, members[0].weight_cell, f"分值合计（{section.name}）", fmt(added), fmt(points),
                      f"{section.name}的分值合计 {' + '.join(fmt(r.weight) for r in members)} = {fmt(added)}，"
                      f"与标注的 {fmt(points)} 分不一致{overall}{shown}", severity=severity,
                      related=[r.weight_cell for r in members])


def points_source(check: Check) -> str:
    """Where the indicator table's points come from: the form's label or its family, else the profile."""
    if "indicators" in check.form.weights:
        return "表中标注或该表式的分值"
    return check.profile.title


def all_in_whole_sections(check: Check, root, members, off) -> bool:
    """Whether every row of a root section sits in an inner section with written points that its weights meet."""
    inner = [(s, keys) for s, _, keys in indicator_sections(check) if s.parent == root.key and s.points is not None]
    wrong = {o[0].key for o in off}
    return bool(inner) and not any(s.key in wrong for s, _ in inner) and all(
        any(member_of(r, keys) for _, keys in inner) for r in members)


QUANTITATIVE = ("number", "range")  # targets scored by arithmetic: met means the full weight, no tier


def met_by_arithmetic(row) -> bool:
    """Whether the target was met by arithmetic, not by judgement: a number or range, or a deadline whose
    actual value is a date too ('2021年12月完成' against '2021年12月完成'). A deadline "met" by words
    ('按期完成') is a judgement, like a qualitative target, and keeps its 80–100% tier."""
    target = parse_value(row.target)
    if target.kind in QUANTITATIVE:
        return True
    return target.kind == "deadline" and target.date is not None and parse_value(row.actual).date is not None


@rule("XC309", Severity.ERROR, "完成指标未得满分", also=(Severity.WARNING,))
def met_below_full(check: Check) -> None:
    """A quantitative target that was met scores its full weight (forms.md §4 rule 2), when the weight
    is certain: written (分值), or the only unknown in a section whose points are known. Below it with
    no 偏差 explanation, or at weight × the actual value: error, fixed to the weight. A deadline met by a
    written date counts as arithmetic; a qualitative target (or a deadline "met" in words) met below its
    weight with no explanation: warning.

    Worked example: 服务对象满意度 target ≥90%, actual 95%, 分值 20, 得分 19 -> error, fixed to 20, named
    as weight × actual value (20 × 95% = 19). 得分 8 of 10 with 偏差原因 '无' -> error, fixed to 10; with
    '抽样中个别企业反映办理周期偏长，酌情扣 2 分' -> fine (a deduction explained). 公用经费完成时间 target
    and actual '2021年12月完成', 得分 4 of 5, no explanation -> error, fixed to 5. A qualitative target
    met below its weight without an explanation -> warning (its tier is 80–100%). Hubei form (no 分值):
    all targets met, scores 20 + 20 + 19 = 59 of 60, and 19 = (60 − 40) × 95% for the met '95%' row and
    no other -> its weight 20 is certain: error, fixed to 20.
    """
    if check.form.kind != "project":
        return
    rows = scored_rows(check)
    for scored in rows + signed_shortfall(check, rows):
        row, weight = scored.row, scored.weight
        if (scored.weight_source not in ("written", "inferred") or scored.assessment.status != "met"
                or row.score is None or weight is None or row.score >= weight):
            continue
        quantitative = met_by_arithmetic(row)
        times_actual = actual_share(row)
        signature = times_actual is not None and check.round(weight * times_actual) == check.round(row.score)
        why = ("分值" if scored.weight_source == "written"
               else f"权重（{fmt(scored.pool or indicator_points(check) or 0)} − 其余指标得分合计）")
        if signature:
            check.check_number(
                met_below_full, row.score_cell, f"得分（{row.name}）", row.score, weight,
                f"{row.name}：{said(check, scored.assessment)}，目标已完成应得满分 {fmt(weight)}（{why}）；"
                f"填报的 {fmt(row.score)} = {fmt(weight)} × 实际完成值 {row.actual}，是把完成值当成了得分比例",
            )
        elif row_explained(check, row):
            continue
        elif quantitative:
            check.check_number(
                met_below_full, row.score_cell, f"得分（{row.name}）", row.score, weight,
                f"{row.name}：{said(check, scored.assessment)}，目标已完成应得满分 {fmt(weight)}（{why}）；"
                f"得分 {fmt(row.score)} 低于分值，“{explanation_place(check)}”也没有说明扣分原因",
            )
        else:
            check.add(
                met_below_full, row.score_cell, f"得分（{row.name}）", fmt(row.score), fmt(weight),
                f"{row.name}：{said(check, scored.assessment)}，应得满分 {fmt(weight)}；"
                f"得分 {fmt(row.score)} 低于分值，但“{explanation_place(check)}”没有说明扣分原因",
                severity=Severity.WARNING,
            )
            continue
        check.settled["indicator_scores"] = check.settled.get("indicator_scores", Decimal(0)) + weight - row.score
        check.memo.setdefault("settled rows", {})[row.Index] = weight  # the section sums (XC307) see the fix


def actual_share(row) -> Decimal | None:
    """The actual value as a share when it is a percentage ('95%' -> 0.95), else None."""
    actual = parse_value(row.actual)
    return actual.number / 100 if actual.kind == "number" and actual.unit == "%" and actual.number else None


def signed_shortfall(check: Check, rows: list[Scored]) -> list[Scored]:
    """On a form without weights whose targets were all met but whose scores fall short of the section's
    points, the one met row whose score is (section − the others) × its actual percentage: its weight is
    then certain (the section's rest). Several such rows, or none: nothing is certain (XC307 says so)."""
    if not rows or any(r.weight_source == "written" or r.assessment.status != "met" or r.row.score is None for r in rows):
        return []
    section = indicator_points(check)
    scores = sum((r.row.score for r in rows), Decimal(0))
    if section is None or scores >= section:
        return []
    found = []
    for r in rows:
        weight = section - (scores - r.row.score)
        share = actual_share(r.row)
        if share is not None and check.round(weight * share) == check.round(r.row.score):
            found.append(Scored(r.row, r.assessment, weight, "inferred", section))
    return found if len(found) == 1 else []


@rule("XC310", Severity.WARNING, "执行率重复计分")
def execution_scored_twice(check: Check) -> None:
    """The execution rate is scored in the budget block; an indicator 预算执行率 worth points scores it a
    second time.

    Worked example: 预算执行情况 得分 9.52 (10 × 95.21%), and under 效益指标 '预算执行率 ≥90%, 实际 95.21%,
    分值 5' -> warning at the indicator's 得分, the budget 得分 related (the unit may have been told to; a
    reviewer decides).
    """
    budget = [row for row in check.rows("budget") if not row.part and row.score_cell]
    if check.form.kind != "project" or not budget:
        return
    for row in check.rows("indicators"):
        points = row.weight if row.weight is not None else row.score
        if "执行率" in folded_name(check, row.name) and points:
            check.add(
                execution_scored_twice, row.score_cell or row.weight_cell, f"得分（{row.name}）", fmt(points), "",
                f"{row.name}：执行率已在预算执行情况中计分（得分 {budget[0].score_cell}），"
                f"绩效指标“{row.name}”又计 {fmt(points)} 分，同一事项重复计分，请核对评分办法",
                related=[budget[0].score_cell],
            )
