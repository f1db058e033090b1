"""The rules describing themselves: the registry as a table (README, `xlcheck rules`) and one rule's
whole documentation with its worked example (`xlcheck rules XC101`).

>>> print(rule_table().splitlines()[2])
| XC001 | warning | 无法读取的单元格 | A cell where a number belongs but which holds an error value (#REF!, #DIV/0!), a formula that was never calculated, or text that is not a number: named, never read as 0. |
"""

from __future__ import annotations

import inspect

from . import ALL_RULES, Rule


def registry() -> list[Rule]:
    """Every registered rule once, by code."""
    return sorted({r.code: r for r in ALL_RULES}.values(), key=lambda r: r.code)


def find_rule(code: str) -> Rule | None:
    """The rule with this code ('xc101' works too), or None."""
    return next((r for r in registry() if r.code == code.strip().upper()), None)


def rule_table() -> str:
    """The registry as the README's Markdown table: code, severity, title, what it checks."""
    lines = ["| code | severity | 名称 | what it checks |", "|---|---|---|---|"]
    lines += [f"| {r.code} | {r.severities} | {r.title} | {r.summary.replace('|', '/')} |" for r in registry()]
    return "\n".join(lines)


def rule_list() -> str:
    """One line per rule, for `xlcheck rules`."""
    return "\n".join(f"{r.code}  {r.severities:<17} {r.title}：{r.summary}" for r in registry())


def describe(rule: Rule) -> str:
    """One rule's whole documentation: code, severity, title, then its docstring with the worked example."""
    return f"{rule.code}  {rule.severities}  {rule.title}\n\n{inspect.cleandoc(rule.doc)}"
