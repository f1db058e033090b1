"""Run every rule over the forms of one workbook."""

from __future__ import annotations

from .model import Finding, Form
from .profiles import Profile
from .rules import FORM_RULES, WORKBOOK_RULES, Check


def score_forms(forms: list[Form], profile: Profile | None = None) -> list[Check]:
    """One Check per form, in form order, with its findings and settled values (the recomputed total).

    Each form is checked with `profile`, or when None with the shipped profile for its layout.
    Form rules run first on each form; then the department forms are compared with the project forms.
    """
    shared = {}  # work the forms of this workbook share (never kept beyond it)
    checks = [Check(form, profile=profile, shared=shared) for form in forms]
    for check in checks:
        for rule in FORM_RULES:
            rule.check(check)
    projects = [check.form for check in checks if check.form.kind == "project"]
    for check in checks:
        if check.form.kind == "department":
            for rule in WORKBOOK_RULES:
                rule.check(check, projects)
    return checks


def findings_of(checks: list[Check]) -> list[Finding]:
    return [finding for check in checks for finding in check.findings]
