"""The registry of layout families: every module in this package that defines SPEC (a LayoutSpec) is one
family, so a new family is one new file. A form gets the first family, by `order`, whose funding label
(or, without a known label, whose funding columns; without a funding block, whose indicator header) and
requires/excludes fit it; so the more specific families come first. `xlcheck layouts` lists them."""

from __future__ import annotations

import importlib
import pkgutil

from .spec import LayoutSpec


def _discover() -> tuple[LayoutSpec, ...]:
    specs = []
    for module in pkgutil.iter_modules(__path__):
        spec = getattr(importlib.import_module(f"{__name__}.{module.name}"), "SPEC", None)
        if isinstance(spec, LayoutSpec):
            specs.append(spec)
    return tuple(sorted(specs, key=lambda spec: (spec.order, spec.name)))


SPECS: tuple[LayoutSpec, ...] = _discover()


def spec_named(name: str) -> LayoutSpec | None:
    return next((spec for spec in SPECS if spec.name == name), None)


__all__ = ["SPECS", "LayoutSpec", "spec_named"]
