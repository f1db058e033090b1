"""Indicator scores (forms.md §4 rules 2 and 3): score = weight × achievement, never above the weight.

The Hubei project form has no weight column: an indicator's weight shows only where its target was
met (score = weight), and the weights of a form's indicators add up to 60. So a short indicator's
weight is known when it is the only one left: weight = 60 − Σ the other weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..model import Severity
from ..values import Assessment, assess, fmt, parse_value, round_half_up
from .base import Check, rule
from .budget import NO_EXPLANATION

INDICATOR_WEIGHT = Decimal(60)  # Hubei: 项目年度绩效指标 (60分)
QUALITATIVE_SHORT_MAX = Decimal("0.8")  # a target not met scores at most 80% of its weight (the 100–80 / 80–50 / 50–0 tiers)


@dataclass
class Scored:
    """An indicator row with its assessment and its weight (written, shown by full marks, or inferred)."""

    row: object
    assessment: Assessment
    weight: Decimal | None
    weight_source: str  # 'written' | 'full marks' | 'inferred' | ''


def scored_rows(check: Check) -> list[Scored]:
    """The form's scored indicators, each assessed, with every weight the form determines."""
    rows = []
    for row in check.form.indicators.itertuples():
        if row.score is None and row.weight is None:
            continue
        negative = row.level2.startswith("成本")
        assessment = assess(parse_value(row.target), parse_value(row.actual), negative_hint=negative)
        if row.weight is not None:
            rows.append(Scored(row, assessment, row.weight, "written"))
        elif assessment.status == "met" and row.score is not None:
            rows.append(Scored(row, assessment, row.score, "full marks"))
        else:
            rows.append(Scored(row, assessment, None, ""))
    return rows


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
        unknown[0].weight, unknown[0].weight_source = rest, "inferred"


@rule("XC301", Severity.ERROR, "指标得分")
def indicator_scores(check: Check) -> None:
    """A quantitative indicator scores weight × achievement, capped at the weight.

    Worked example (科学技术研究与开发资金, 对外宣传洪山名优产品): target 2场次, actual 1场次,
    weight 1 (inferred: 60 − 59) -> 1 × 1/2 = 0.5; a reported 1 is an error, fixed to 0.5.
    Negative indicators (≤X, 成本指标) score weight × target/actual. A score above a written weight is an
    error fixed to the weight. A qualitative target not met scores at most 80% of its weight (warning).
    Where the weight cannot be determined the score is not checked (XC303, info).
    """
    form = check.form
    rows = scored_rows(check)
    if form.kind == "project":
        infer_weights(rows, form.weights.get("indicators", INDICATOR_WEIGHT))
    total = Decimal(0)
    for scored in rows:
        row, weight, assessment = scored.row, scored.weight, scored.assessment
        settled = row.score or Decimal(0)
        if form.kind == "project" and weight is not None and row.score is not None:
            why_weight = {"inferred": f"权重 {fmt(weight)}（60 − 其余指标权重合计 {fmt(INDICATOR_WEIGHT - weight)}）",
                          "written": f"分值 {fmt(weight)}"}.get(scored.weight_source, f"权重 {fmt(weight)}")
            if assessment.status == "short" and assessment.ratio is not None:
                expected = weight * assessment.ratio
                if not check.check_number(
                    indicator_scores, row.score_cell, f"得分（{row.name}）", row.score, expected,
                    f"{row.name}：{assessment.explanation}；{why_weight}；得分应为 {fmt(weight)} × {fmt(assessment.ratio, 4)} = {fmt(expected)}",
                ):
                    settled = round_half_up(expected)
            elif assessment.status == "short" and row.score > weight * QUALITATIVE_SHORT_MAX:
                check.add(
                    indicator_scores, row.score_cell, f"得分（{row.name}）", fmt(row.score), f"≤ {fmt(weight * QUALITATIVE_SHORT_MAX)}",
                    f"{row.name}：{assessment.explanation}；未完成的指标按“部分达成”最多得 {fmt(weight)} × 80% = {fmt(weight * QUALITATIVE_SHORT_MAX)} 分",
                    severity=Severity.WARNING,
                )
            elif row.score > weight:
                check.check_number(
                    indicator_scores, row.score_cell, f"得分（{row.name}）", row.score, weight,
                    f"{row.name}：得分 {fmt(row.score)} 超过{why_weight}，得分不得突破权重",
                )
                settled = weight
        elif form.kind == "project" and row.score is not None and assessment.status == "short":
            check.add(
                weight_unknown, row.score_cell, f"得分（{row.name}）", fmt(row.score), "",
                f"{row.name}：{assessment.explanation}；本表没有分值列，且有多个未完成指标，权重无法确定，得分未核对",
            )
        total += settled
    check.settled["indicator_scores"] = total


@rule("XC303", Severity.INFO, "权重无法确定")
def weight_unknown(check: Check) -> None:
    """Reported by XC301 for a short indicator whose weight the form does not determine.

    Worked example (湖北洪山实验室建设经费): 设计费 474万元 -> 94.8万元 and 监理 227.8万元 -> 22.78万元 are
    both short; their weights add up to 60 − 40 = 20 but cannot be told apart -> info, not checked.
    """


@rule("XC305", Severity.INFO, "指标值无法识别")
def values_not_understood(check: Check) -> None:
    """A scored indicator whose target or actual value cannot be understood is reported, never scored.

    Worked example: target '见附件', actual '已完成部分' -> info: '无法识别目标值“见附件”'.
    """
    if check.form.kind != "project":
        return
    for scored in scored_rows(check):
        if scored.assessment.status == "unknown":
            row = scored.row
            check.add(
                values_not_understood, row.actual_cell or row.score_cell, f"实际完成值（{row.name}）", row.actual, "",
                f"{row.name}：{scored.assessment.explanation}；得分未核对",
            )


@rule("XC306", Severity.WARNING, "未完成指标未说明")
def short_unexplained(check: Check) -> None:
    """An indicator whose target was not met must be explained (偏差大或目标未完成原因分析, or the row's
    偏差原因 column); '无' there leaves the form incomplete.

    Worked example: target 2场次, actual 1场次 with 偏差 '无' -> warning. The seed's 科学技术研究与开发资金
    explains it ('因疫情原因…') -> no warning.
    """
    for scored in scored_rows(check):
        row = scored.row
        explained = row.deviation.strip() not in NO_EXPLANATION or check.form.deviation.strip() not in NO_EXPLANATION
        if scored.assessment.status == "short" and not explained:
            check.add(
                short_unexplained, row.actual_cell or row.score_cell, f"实际完成值（{row.name}）", row.actual, row.target,
                f"{row.name}：{scored.assessment.explanation}，目标未完成，但“偏差大或目标未完成原因分析”填写为“{check.form.deviation.strip() or '空'}”，请说明原因",
            )


@rule("XC307", Severity.ERROR, "指标得分合计")
def indicator_sum(check: Check) -> None:
    """The indicator scores of a project form add up to at most 60; when every target was met, to 60.

    Worked example: 20 + 20 + 21 = 61 > 60 -> error (which score is wrong is not certain: not fixed).
    All met but 20 + 20 + 19 = 59 -> warning: some indicator did not get full marks, or the weights
    do not add up to 60.
    """
    form = check.form
    if form.kind != "project" or "indicator_scores" not in check.settled:
        return
    section = form.weights.get("indicators", INDICATOR_WEIGHT)
    total = check.settled["indicator_scores"]
    rows = scored_rows(check)
    if not rows:
        return
    anchor = rows[0].row.score_cell
    if total > section:
        check.add(indicator_sum, anchor, "指标得分合计", fmt(total), f"≤ {fmt(section)}",
                  f"绩效指标得分合计 {fmt(total)} 超过 {fmt(section)} 分")
    elif all(r.assessment.status == "met" for r in rows) and total < section:
        check.add(indicator_sum, anchor, "指标得分合计", fmt(total), fmt(section),
                  f"指标均已完成，但得分合计 {fmt(total)} 不足 {fmt(section)} 分：有指标未得满分，或权重合计不是 {fmt(section)}",
                  severity=Severity.WARNING)
