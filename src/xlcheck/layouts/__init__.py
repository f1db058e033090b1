"""The registry of layout families. A form gets the first family, in this order, whose funding label
(or, without a known label, whose funding columns) and requires/excludes fit it; so the more specific
families come first. `xlcheck layouts` lists them."""

from __future__ import annotations

from . import department, hubei, national, sichuan
from .spec import LayoutSpec

SPECS: tuple[LayoutSpec, ...] = (
    department.SPEC,
    hubei.SPEC,
    sichuan.SPEC,
    national.SPEC,
)


def spec_named(name: str) -> LayoutSpec | None:
    return next((spec for spec in SPECS if spec.name == name), None)


__all__ = ["SPECS", "LayoutSpec", "spec_named"]
