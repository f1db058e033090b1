"""Every rule xlcheck applies, registered explicitly and run in this order.

Form rules see one form; later rules read what earlier ones settled (the recomputed budget and
indicator scores feed the total). Workbook rules see the department form with the project forms.
"""

from .base import Check, Rule, rule
from .budget import budget_score, execution_rate, low_rate_unexplained, parts_add_up, spending_parts
from .department import goals_repeat_projects, project_spending
from .indicators import (
    execution_scored_twice,
    indicator_scores,
    indicator_sum,
    met_below_full,
    short_unexplained,
    values_not_understood,
    weight_unknown,
    weights_add_up,
)
from .coefficients import coefficient_score
from .parts import part_scores
from .sections import points_add_up
from .totals import goal_score, grade_matches, read_as, total, unreadable_cells

FORM_RULES: tuple[Rule, ...] = (
    parts_add_up,  # first: a blank 年度资金总额 it fills is what the rate and score are computed from
    execution_rate,
    budget_score,
    part_scores,
    low_rate_unexplained,
    spending_parts,
    goal_score,
    coefficient_score,
    indicator_scores,
    values_not_understood,
    short_unexplained,
    weights_add_up,
    met_below_full,  # before XC307: a met target fixed to full marks completes the section
    indicator_sum,  # after XC308: an overflow the written weights explain is not a second finding
    execution_scored_twice,
    points_add_up,
    total,
    grade_matches,
    unreadable_cells,
    read_as,
)
WORKBOOK_RULES: tuple[Rule, ...] = (goals_repeat_projects, project_spending)
ALL_RULES: tuple[Rule, ...] = FORM_RULES + (weight_unknown,) + WORKBOOK_RULES

__all__ = ["ALL_RULES", "FORM_RULES", "WORKBOOK_RULES", "Check", "Rule", "rule"]
