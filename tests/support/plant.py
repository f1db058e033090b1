"""Plant mistakes in form data: a copy of the data with some published values replaced, and a manifest
saying where each sits and what the right value is.

A mistake is a dict: form (a project name or '部门整体'), where (a key of render_workbook's cell map,
with {indicator=NAME} standing for the index of the indicator called NAME), wrong (what the form now
says), field, severity, note, and optionally expected (the right value, when it is not the published one).

    >>> data = {"projects": [{"name": "P", "budget": {"rate": "99.60%"}}]}
    >>> wrong, entries = plant(data, [dict(form="P", where="budget.rate", wrong="99.06%", field="执行率",
    ...                                    severity="error", note="digits swapped")])
    >>> wrong["projects"][0]["budget"]["rate"], entries[0]["expected"]
    ('99.06%', '99.60%')
"""

from __future__ import annotations

import copy

from support.render import DEPARTMENT_KEY

__all__ = ["form_of", "resolve", "slot", "plant"]


def form_of(data: dict, form: str) -> dict:
    """The department form (form == '部门整体') or the project called `form`."""
    if form == DEPARTMENT_KEY:
        return data["department"]
    for p in data["projects"]:
        if p["name"] == form:
            return p
    raise KeyError(form)


def resolve(form: dict, where: str) -> str:
    """Replace '{indicator=NAME}' in a key by the index of that indicator in its list."""
    if "{indicator=" not in where:
        return where
    head, rest = where.split("{indicator=", 1)
    name, tail = rest.split("}", 1)
    if head.startswith("goal."):
        number = int(head.split(".")[1])
        indicators = next(g for g in form["goals"] if g["number"] == number)["indicators"]
    else:
        indicators = form["indicators"]
    index = next(i for i, ind in enumerate(indicators) if ind["name"] == name)
    return f"{head}{index}{tail}"


def slot(form: dict, key: str) -> tuple[dict, str]:
    """The dict and field holding the value of a cell-map key ('budget.rate', 'goal.2.indicator.1.actual')."""
    parts = key.split(".")
    if parts[0] == "total":
        return form, "total"
    if parts[0] == "budget":
        return form["budget"], parts[1]
    if parts[0] == "part":
        return form["parts"][int(parts[1])], parts[2]
    if parts[0] == "goal" and parts[1] == "score":
        return form["goal"], "score"
    if parts[0] == "indicator":
        return form["indicators"][int(parts[1])], parts[2]
    if parts[0] == "goal" and parts[2] == "indicator":
        goal = next(g for g in form["goals"] if g["number"] == int(parts[1]))
        return goal["indicators"][int(parts[3])], parts[4]
    raise KeyError(key)


def plant(data: dict, mistakes: list[dict]) -> tuple[dict, list[dict]]:
    """A copy of `data` with `mistakes` planted, and the manifest entries (without cell addresses yet)."""
    wrong = copy.deepcopy(data)
    entries = []
    for m in mistakes:
        form = form_of(wrong, m["form"])
        key = resolve(form, m["where"])
        holder, field = slot(form, key)
        expected = m.get("expected", holder[field])
        assert holder[field] != m["wrong"], m
        holder[field] = m["wrong"]
        entries.append({"form": m["form"], "key": f"{m['form']}|{key}", "field": m["field"],
                        "reported": m["wrong"], "expected": expected, "severity": m["severity"],
                        "note": m["note"]})
    return wrong, entries
