"""The national funding label, kept for callers of the earlier per-layout reader (layouts/national.py has the spec)."""

from ..layouts import national


def is_national_anchor(label: str) -> bool:
    """'项目资金(万元)' (a normalised label) anchors a national form; '项目资金使用' does not."""
    return national.SPEC.names_funding(label)
