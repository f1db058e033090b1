"""The data that flows between xlcheck's stages. No I/O here.

workbook --package/reader--> Sheet grids --reader--> Form --rules--> Finding --writer--> corrected copy
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from decimal import Decimal



def column_letter(col: int) -> str:
    """1 -> 'A', 28 -> 'AB'."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """'A' -> 1, 'AB' -> 28."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def parse_a1(ref: str) -> tuple[int, int]:
    """'F6' -> (row 6, column 6)."""
    match = _A1.match(ref)
    if not match:
        raise ValueError(f"not a cell address: {ref!r}")
    return int(match.group(2)), column_number(match.group(1))


def a1(row: int, col: int) -> str:
    """(6, 6) -> 'F6'."""
    return f"{column_letter(col)}{row}"


@dataclass(frozen=True)
class CellRef:
    """Where a value came from: a sheet and a 1-based row and column."""

    sheet: str
    row: int
    col: int

    @property
    def address(self) -> str:
        return a1(self.row, self.col)

    def __str__(self) -> str:
        return f"{self.sheet}!{self.address}"


@dataclass(frozen=True, init=False)
class SourceCell:
    """One non-empty cell as stored in the workbook.

    value: str for text, Decimal for numbers (exact, from the stored text), bool for booleans,
           None when a formula has no cached value or the cell holds an error.
    formula: the formula without its leading '=', or None.
    error: '#REF!', '#DIV/0!' ... when the cell (or its formula's cached result) is an error.
    number_format: the cell's number format code ('General', '0.00%', ...); 'General' when unknown.
    """

    value: str | Decimal | bool | None
    formula: str | None = None
    error: str | None = None
    number_format: str = "General"

    def __init__(self, value: str | Decimal | bool | None, formula: str | None = None, error: str | None = None,
                 number_format: str = "General"):
        # A workbook makes thousands: the fields go straight into the instance's dict, where the frozen
        # dataclass's own __init__ would set each through object.__setattr__ (about twice the time).
        # Still frozen: assigning a field afterwards raises FrozenInstanceError.
        fields = self.__dict__
        fields["value"] = value
        fields["formula"] = formula
        fields["error"] = error
        fields["number_format"] = number_format

    @property
    def text(self) -> str:
        """The value as a person would read it, without number formatting ('' for None)."""
        if self.value is None:
            return self.error or ""
        if isinstance(self.value, bool):
            return "TRUE" if self.value else "FALSE"
        if isinstance(self.value, Decimal):
            return format(self.value.normalize(), "f") if self.value == self.value.to_integral() else format(self.value, "f")
        return str(self.value)

    @property
    def is_percent_format(self) -> bool:
        return "%" in self.number_format

    @property
    def display(self) -> str:
        """The text as the cell shows it where that matters for reading values: a percent-formatted
        number 0.97 shows as '97%' (with the format's decimals: '0.00%' -> '97.00%')."""
        if isinstance(self.value, Decimal) and self.is_percent_format:
            decimals = len(self.number_format.split("%")[0].partition(".")[2].strip('"#,'))
            return f"{self.value * 100:.{decimals}f}%"
        return self.text


@dataclass
class Sheet:
    """A worksheet's non-empty cells, keyed by 1-based (row, column)."""

    name: str
    cells: dict[tuple[int, int], SourceCell]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (min_row, min_col, max_row, max_col)
    hidden: bool = False

    def get(self, row: int, col: int) -> SourceCell | None:
        return self.cells.get((row, col))

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)

    @property
    def max_col(self) -> int:
        return max((c for _, c in self.cells), default=0)


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


BUDGET_COLUMNS = ["item", "initial", "budget", "spent", "weight", "rate", "score", "part"] + [
    f"{name}_cell" for name in ("initial", "budget", "spent", "weight", "rate", "score")]
GOAL_COLUMNS = ["number", "text", "actual", "weight", "score", "label_cell", "score_cell"]
INDICATOR_COLUMNS = [
    "goal", "section", "level1", "level2", "name", "target", "actual", "weight", "score", "score_text",
    "row", "name_cell", "target_cell", "actual_cell", "weight_cell", "score_cell", "deviation",
    "coefficient", "coefficient_cell",
]
BLOCK_COLUMNS = {"budget": BUDGET_COLUMNS, "goals": GOAL_COLUMNS, "indicators": INDICATOR_COLUMNS}


@dataclass(frozen=True)
class Section:
    """A part of a form with its own points: the budget, a scored goal, the indicator table, a goal group
    (年度绩效目标1（40分）) or a 一级指标 that writes its points (产出指标（50分）).

    key: 'budget', 'goal', 'indicators', 'goal2' (a group), 'indicators/产出指标' (a 一级 inside its parent).
    points: as the form writes them (a label's '（40分）'); None where it does not (the profile's default
            then applies to the budget, the goal and the one indicator table).
    Indicator records name their innermost section in 'section'; a section holds its children's rows.
    """

    key: str
    name: str
    kind: str  # 'budget' | 'goal' | 'indicators'
    points: Decimal | None = None
    parent: str | None = None
    cell: str | None = None


@dataclass
class Form:
    """One self-evaluation form found in a sheet.

    kind: 'project' (a project form, Hubei or national layout) or 'department'.
    layout: the name of its layout family (layouts/: 'hubei' 20+20+60 project form, 'national' the 2020
            national template 10+90, 'department' …); the family chooses the rule profile (profiles.py).
    records['budget'] / form.budget (a pandas DataFrame): one row per budget line; columns item, initial
            (年初预算数), budget (全年预算数 / 预算数), spent, weight (分值), rate, score, part (a 其中 line under
            the total) and *_cell addresses.
    records['goals'] / form.goals: one row per goal; columns number, text, weight, actual, score and *_cell.
    records['indicators'] / form.indicators: one row per indicator; columns goal, section (the key of its
            innermost Section), level1, level2, name, target, actual, weight, score and each value's *_cell.
    sections: the parts with their own points (Section), as the form writes them.
    fields: other labelled values (基本支出总额, 项目支出总额, 上级转移资金 ...) as {label: (Decimal, CellRef)}.
    """

    kind: str
    sheet: str
    name: str
    title_cell: CellRef
    records: dict[str, list[dict]]  # 'budget', 'goals', 'indicators': one dict per row, keys as BLOCK_COLUMNS
    total: Decimal | None = None
    total_cell: CellRef | None = None
    grade: str | None = None  # the grade written beside the total (优/良/中/差), folded: 优秀 -> 优
    grade_cell: CellRef | None = None
    total_text: str | None = None  # the whole text of the cell when the total sits inside text
    deviation: str = ""  # 偏差大或目标未完成原因分析
    improvement: str = ""  # 改进措施及结果应用方案
    fields: dict[str, tuple[Decimal, CellRef]] = field(default_factory=dict)
    cells: dict[CellRef, SourceCell] = field(default_factory=dict)  # the source cell behind each address used
    unreadable: list[tuple[CellRef, str, str]] = field(default_factory=list)  # (cell, field, why) for values that could not be read
    notes: list[tuple[CellRef, str, str]] = field(default_factory=list)  # (cell, field, how) for values read one way of several
    weights: dict[str, Decimal] = field(default_factory=dict)  # section weights written in the labels: budget 20, goal 20, indicators 60
    layout: str = "hubei"
    explanation: str = "form"
    sections: list[Section] = field(default_factory=list)  # where deviations are explained: 'form' (偏差大或目标未完成原因分析) or 'row' (偏差原因分析 column)
    _frames: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def frame(self, block: str):
        """A block as a pandas DataFrame with its fixed columns (made on first use: the rules work on
        the records, and pandas is imported only when a DataFrame is asked for)."""
        if block not in self._frames:
            import pandas as pd

            self._frames[block] = pd.DataFrame(self.records.get(block, []), columns=BLOCK_COLUMNS[block])
        return self._frames[block]

    @property
    def budget(self):
        return self.frame("budget")

    @property
    def goals(self):
        return self.frame("goals")

    @property
    def indicators(self):
        return self.frame("indicators")


@dataclass
class Finding:
    """One discrepancy: which rule, where, what was reported and what the arithmetic gives.

    expected_value is the value the writer puts in the cell when fixable (a Decimal, or the whole new
    text of a cell whose number sits inside text); reported/expected are display strings.
    related: the other cells of the same root cause ('Sheet!E12'), e.g. the 其中 lines of a total that
    does not add up; one root cause is one finding, not one per symptom.
    """

    rule: str
    severity: Severity
    sheet: str
    cell: str
    field: str
    reported: str
    expected: str
    message: str
    form: str = ""
    fixable: bool = False
    expected_value: Decimal | str | None = None
    related: list[str] = field(default_factory=list)

    @property
    def related_text(self) -> str:
        """The related cells as people read them (text output, 核查结果, the cell note): '（相关单元格：
        表!E12；表!E13）', the first six and a count when there are more (JSON lists them all), or ''."""
        if not self.related:
            return ""
        shown = "；".join(self.related[:6]) + (f" 等 {len(self.related)} 处" if len(self.related) > 6 else "")
        return f"（相关单元格：{shown}）"

    def as_dict(self) -> dict:
        shown = {
            "rule": self.rule,
            "severity": self.severity.value,
            "sheet": self.sheet,
            "cell": self.cell,
            "field": self.field,
            "reported": self.reported,
            "expected": self.expected,
            "fixable": self.fixable,
            "message": self.message,
        }
        if self.related:
            shown["related"] = list(self.related)
        return shown


@dataclass
class CellFix:
    """What the writer does to one cell: put `value` there, highlight it, attach `note`. With `value`
    None the cell is left as it is and only gets the note (an error xlcheck cannot correct)."""

    sheet: str
    cell: str
    value: Decimal | str | None
    note: str
