"""What a layout family is, as data: how its blocks are recognised, its columns, where its points are.

A LayoutSpec is read by the one generic reader (reader/read.py); a new family whose blocks and columns
are of known kinds is one spec file registered in layouts/__init__.py, nothing else.

Labels and headers are matched on their normalised text (reader.grid.norm: NFKC, no spaces), so
'执行率（B/A）' and '执行率 (B/A)' are both '执行率(B/A)'. Column synonyms are prefixes: ('预算数',)
matches '预算数(A)'. A block's columns may stand in any order, and a header may span two rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property


@dataclass(frozen=True)
class Funding:
    """The funding block (预算执行情况 / 项目资金 …): its labels, its columns, how its lines are read.

    labels: regexes a label must match (re.match on the normalised label).
    marks: header prefixes that recognise this family's funding block when its label is missing or
           unknown ('全年预算数'); the block is then found by its columns alone.
    lines: 'scored' (the lines holding an amount; the first is scored) or 'parts' (the first line is the
           total and the lines under it are its 其中 parts, up to the next block).
    budget: the columns that can be the block's budget column, the first found wins: ('budget', 'initial')
           reads a block whose only budget column is 年初预算数（A） (执行率（B/A）) with it as the budget.
    A family without a funding block has no labels and no columns (NO_FUNDING): its forms are found by
    their indicator header (Indicators.marks).
    """

    labels: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]
    marks: tuple[str, ...] = ()
    lines: str = "scored"
    budget: tuple[str, ...] = ("budget",)


NO_FUNDING = Funding(labels=(), columns={})


@dataclass(frozen=True)
class Goal:
    """One overall goal under a label (项目绩效总目标 / 年度总体目标), with its text, actual and score columns;
    scored when the form has a score column for it."""

    labels: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Groups:
    """Goals that each hold their own indicator table: '年度目标1（0.2分）：text' or '年度绩效目标1（40分）'.

    pattern: a regex with the groups number, text and weight (and end_weight for '…text（0.2分）').
    points: what the label's points are — 'goal' (the goal's own score, as on the department form:
            total = budget + Σ goal points + Σ indicator scores) or 'section' (the points its indicators
            share: Σ their weights = the group's points).
    """

    pattern: str
    points: str = "section"

    @cached_property
    def _compiled(self) -> re.Pattern:
        return re.compile(self.pattern)

    def match(self, label: str) -> re.Match | None:
        return self._compiled.match(label)


@dataclass(frozen=True)
class Indicators:
    """The indicator table: the header row is the row holding every prefix of `header`; its columns by
    synonyms. A split target (指标性质 + 指标值 + 度量单位) reads as one target."""

    columns: dict[str, tuple[str, ...]]
    header: tuple[str, ...] = ("一级指", "二级指")
    marks: tuple[str, ...] = ()  # header prefixes that find a form of a family without a funding block ('指标分值')
    unmarked: tuple[str, ...] = ()  # header prefixes that must not be there for the marks to find it ('分值')
    name_points: bool = False  # without a weight column, an indicator's own points ('相关性（5分）') are its weight

    def marked(self, header_labels: list[str]) -> bool:
        """Whether an indicator header's labels mark a form of this family: a mark there, no unmarked prefix.
        A 得分-only sheet (三级指标 | 得分) is marked by '三级指标' and unmarked by a '分值' column."""
        return (bool(self.marks) and any(l.startswith(self.marks) for l in header_labels)
                and not any(l.startswith(self.unmarked) for l in header_labels if self.unmarked))


@dataclass(frozen=True)
class LayoutSpec:
    """One layout family.

    name: the layout's name (form.layout, `xlcheck layouts`); title: one line in Chinese.
    kind: 'project' or 'department'; profile: the shipped rule profile its forms get by default.
    requires: regexes, each must match some label of the form (the department form's '年度目标1').
    excludes: regexes no label of the form may match.
    total: where the total is written — 'header' (自评得分: 98.54分 above the funding block) and/or
           'row' (a 总分 row under the indicator score column).
    fields: other labelled numbers the department rules read: {'基本支出总额': ('基本支出总额',)}.
    order: where the family stands in the registry (layouts/__init__.py): lower is tried first.
    budget_points / indicator_points: the family's points where its forms do not write them.
    explanation: where a deviation is explained — 'form' (one 偏差大或目标未完成原因分析 text) or 'row' (the
           indicator table's 偏差原因分析及改进措施 column).
    """

    name: str
    title: str
    kind: str
    profile: str
    funding: Funding
    indicators: Indicators
    goal: Goal | None = None
    groups: Groups | None = None
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    total: tuple[str, ...] = ("header",)
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    explanation: str = "form"
    order: int = 50  # the registry tries families by order: the more specific first
    budget_points: Decimal | None = None  # points the family gives the budget and the indicator table when the
    indicator_points: Decimal | None = None  # form does not write them (a scorecard: 0 and 100); else the profile's

    def accepts(self, labels: list[str]) -> bool:
        """Whether a form whose labels are `labels` is of this family (requires and excludes)."""
        return (all(any(p.match(l) for l in labels) for p in _compiled(self.requires))
                and not any(p.match(l) for p in _compiled(self.excludes) for l in labels))

    def names_goal(self, label: str) -> bool:
        return self.goal is not None and _alternatives(self.goal.labels).match(label) is not None

    def names_funding(self, label: str) -> bool:
        return any(p.match(label) for p in _compiled(self.funding.labels))


_PATTERNS: dict[tuple[str, ...], tuple[re.Pattern, ...]] = {}


_ALTERNATIVES: dict[tuple[str, ...], re.Pattern] = {}


def _alternatives(patterns: tuple[str, ...]) -> re.Pattern:
    """The patterns as one compiled alternative: one match per label instead of one per pattern."""
    if patterns not in _ALTERNATIVES:
        _ALTERNATIVES[patterns] = re.compile("|".join(f"(?:{p})" for p in patterns))
    return _ALTERNATIVES[patterns]


def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    """The patterns, compiled once."""
    if patterns not in _PATTERNS:
        _PATTERNS[patterns] = tuple(re.compile(p) for p in patterns)
    return _PATTERNS[patterns]
