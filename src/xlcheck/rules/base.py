"""What every rule uses: the rule registry entry, and the Check a rule writes its findings into.

A rule is a function of a Check (one form, the values already settled by earlier rules, and the
findings so far). It never touches the workbook: a finding carries the recomputed value in the
form the cell stores it ('95.21%' for a text cell, 0.9521 for a percent-formatted number), and only
the writer applies it.
"""

from __future__ import annotations

import inspect
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from ..model import BLOCK_COLUMNS, CellRef, Finding, Form, Severity, SourceCell, parse_a1
from ..profiles import Profile, profile_for
from ..values import amount, fmt, fmt_percent, round_half_up

ONE, HUNDRED = Decimal(1), Decimal(100)


@dataclass
class Check:
    """One form under check: findings so far, the values settled by earlier rules ('budget_score',
    'goal_score', 'indicator_scores', 'total') — recomputed where certain, else as reported — and the
    rule profile (points, denominator, rounding, tiers ...), by default the one for the form's layout.
    `memo` holds work the rules of this form share; `shared`, one dict for all the forms of a workbook,
    work they share (a department form repeats its project forms' indicator rows: assessed once)."""

    form: Form
    settled: dict[str, Decimal] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    profile: Profile | None = None
    memo: dict[str, object] = field(default_factory=dict, repr=False, compare=False)  # work rules share (rows by block name, assessed indicators)
    shared: dict[str, object] = field(default_factory=dict, repr=False, compare=False)  # work the forms of one workbook share

    def __post_init__(self):
        if self.profile is None:
            self.profile = profile_for(self.form.layout)

    def round(self, x: Decimal) -> Decimal:
        """A recomputed value rounded the profile's way to 2 decimals (half-up: 19.965 -> 19.97)."""
        return self.profile.round(x)

    def fmt(self, x: Decimal) -> str:
        """A recomputed value as shown: the profile's rounding, trailing zeros dropped."""
        return fmt(self.round(x))

    def fmt_percent(self, ratio: Decimal) -> str:
        """A recomputed rate as shown: 0.952130 -> '95.21%' (the profile's rounding of the percentage)."""
        return fmt_percent(self.profile.round(ratio * 100) / 100)

    def rows(self, block: str) -> list[tuple]:
        """The rows of the form's 'budget', 'goals' or 'indicators' block as named tuples, made once per form."""
        found = self.memo.get(block)  # the memo's keys for rows are the block names
        if found is None:
            found = self.memo[block] = rows(self.form, block)
            if block == "indicators" and self.form.notes:  # weights written '10%', read the profile's way
                from .sections import percent_weights  # sections imports this module
                found = self.memo[block] = percent_weights(self, found)
        return found

    def source(self, address: str | None) -> SourceCell | None:
        if address is None:
            return None
        row, col = parse_a1(address)
        return self.form.cells.get(CellRef(self.form.sheet, row, col))

    def add(self, rule: "Rule", cell: str | None, field_name: str, reported: str, expected: str, message: str,
            *, fixable: bool = False, expected_value: Decimal | str | None = None, severity: Severity | None = None,
            related: list[str] = ()) -> Finding:
        """Add a finding at `cell` of this form; `related` names the other cells of the same cause, as
        addresses on this sheet ('E12') or with their sheet ('项目表!E6')."""
        finding = Finding(
            rule=rule.code,
            severity=severity or rule.severity,
            sheet=self.form.sheet,
            cell=cell or self.form.title_cell.address,
            field=field_name,
            reported=reported,
            expected=expected,
            message=message,
            form=self.form.name,
            fixable=fixable,
            expected_value=expected_value,
            related=[self.where(ref) for ref in dict.fromkeys(related) if ref and ref != cell],
        )
        self.findings.append(finding)
        return finding

    def where(self, address: str) -> str:
        """'E12' -> 'Sheet!E12' on this form's sheet; an address that names its sheet stays as it is."""
        return address if "!" in address else f"{self.form.sheet}!{address}"

    def check_number(self, rule: "Rule", address: str | None, field_name: str, reported: Decimal | None,
                     expected: Decimal, message: str | Callable[[], str], *, percent: bool = False,
                     exact: bool = False, related: list[str] = ()) -> bool:
        """Compare a reported number with its recomputed value at 2 decimals (rates as percentages);
        add a fixable error when they differ. A cell that holds something unreadable (#REF!, a formula
        never calculated) where the value is certain is an error too. Returns True when it matched.
        exact: an amount summed from other amounts (89.974 = 89.974 + 0) is shown and written as it is,
        never rounded; it still matches a reported value equal to it at 2 decimals.
        message: the finding's text, or a function giving it, called only when there is a finding (most
        numbers match: their message, with its formatted numbers, is then never built)."""
        shown = fmt_percent if percent else amount if exact else fmt
        scale = HUNDRED if percent else ONE
        if reported is not None and self.profile.round(reported * scale) == self.profile.round(expected * scale):
            return True
        if not exact:
            expected = self.profile.round(expected * scale) / scale
        cell = self.source(address)
        if reported is None and (cell is None or (cell.error is None and cell.formula is None)):
            return True  # nothing was filled in: not a wrong number
        if callable(message):
            message = message()
        if reported is None:  # an error value or a formula never calculated: say so, never read it as 0
            if cell.error:
                message = f"{message}（该单元格显示错误值 {cell.error}）"
            else:
                message = f"{message}（该单元格的公式 ={cell.formula} 没有保存计算结果）"
        self.add(
            rule, address, field_name,
            reported=shown(reported) if reported is not None else (cell.error or f"={cell.formula}（无计算结果）"),
            expected=shown(expected),
            message=message,
            fixable=address is not None,
            expected_value=stored_form(cell, expected, percent, exact),
            related=related,
        )
        return False


_ROW_TYPES: dict[str, tuple[type, Callable]] = {}  # block -> its Row type and a getter of its columns


def rows(form: Form, block: str) -> list[tuple]:
    """A block's rows as named tuples, like form.budget.itertuples() (Index first, then the block's
    columns) but straight from the records: no DataFrame is built for the rules, and the values are the
    reader's own (None stays None, Decimals stay Decimals)."""
    columns = BLOCK_COLUMNS[block]
    found = _ROW_TYPES.get(block)
    if found is None:
        found = _ROW_TYPES[block] = (namedtuple("Row", ("Index", *columns), rename=True), itemgetter(*columns))
    kind, values = found
    make = kind._make  # one tuple in, not ~20 arguments through the generated __new__: half the cost a row
    records = form.records.get(block, [])
    try:  # the reader writes every column of a record: one itemgetter call takes them all
        return [make((index, *values(record))) for index, record in enumerate(records)]
    except KeyError:  # a record made without some columns: those read as None
        return [make((index, *map(record.get, columns))) for index, record in enumerate(records)]


def stored_form(cell: SourceCell | None, expected: Decimal, percent: bool, exact: bool = False) -> Decimal | str:
    """The recomputed value the way the cell stores its value, so the fixed cell looks like its neighbours.

    A rate: text '95.12%' -> '95.21%'; a number 95.12 (percent points) -> 95.21; a percent-formatted
    0.9512 -> 0.9521. A score: text '19.4' -> '19.04'; a number or a formula -> 19.04.
    """
    if percent:
        if cell is not None and isinstance(cell.value, str):
            return fmt_percent(expected)
        if cell is not None and isinstance(cell.value, Decimal) and not cell.is_percent_format and cell.value > Decimal("1.5"):
            return round_half_up(expected * 100)
        return round_half_up(expected, 4)
    if exact:  # an amount: written as the sum came out, in the cell's kind (text stays text)
        return amount(expected) if cell is not None and isinstance(cell.value, str) else expected
    if cell is not None and isinstance(cell.value, str):
        return fmt(expected)
    return round_half_up(expected)


@dataclass(frozen=True)
class Rule:
    """A registered rule: its stable code, default severity, Chinese title, the check itself and its
    docstring (first paragraph: what it checks; then the worked example). `also` lists the other
    severities some of its findings take (XC301's qualitative tiers are warnings)."""

    code: str
    severity: Severity
    title: str
    check: Callable[..., None]
    doc: str
    also: tuple[Severity, ...] = ()

    def __call__(self, check: Check, *context) -> None:
        self.check(check, *context)

    @property
    def severities(self) -> str:
        """'error', or 'error / warning' for a rule whose findings take more than one severity."""
        return " / ".join(s.value for s in (self.severity, *self.also))

    @property
    def summary(self) -> str:
        """What the rule checks: the docstring's first paragraph on one line."""
        return " ".join(inspect.cleandoc(self.doc).split("\n\n")[0].split())


def rule(code: str, severity: Severity, title: str, also: tuple[Severity, ...] = ()) -> Callable[[Callable[..., None]], Rule]:
    """Make a function a Rule with a stable code, a default severity and a short Chinese title.
    The function's docstring (with its worked example) becomes the rule's documentation."""

    def make(function: Callable[..., None]) -> Rule:
        return Rule(code, severity, title, function, function.__doc__ or "", also)

    return make
