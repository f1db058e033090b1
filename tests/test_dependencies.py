"""The package's runtime dependencies (pyproject.toml) are exactly the third-party modules it imports."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMPORT_NAMES = {"python-calamine": "python_calamine", "python-multipart": "python_multipart"}
OPTIONAL_MODULES = {"serve": ("serve.py",), "parquet": ("export.py",)}  # extra → the only modules that may import its packages  # distribution name → module name, where they differ


def imported_modules(only: tuple[str, ...] | None = None, skip: tuple[str, ...] = ()) -> set[str]:
    names = set()
    for path in (ROOT / "src" / "xlcheck").rglob("*.py"):
        relative = path.relative_to(ROOT / "src" / "xlcheck").as_posix()
        if (only is not None and relative not in only) or relative in skip:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in ("xlcheck", "__future__")}


def module_names(specs: list[str]) -> set[str]:
    return {IMPORT_NAMES.get(name, name) for name in (re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0] for spec in specs)}


def test_runtime_dependencies_are_what_the_package_imports():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    optional = tuple(module for modules in OPTIONAL_MODULES.values() for module in modules)
    assert module_names(project["dependencies"]) == imported_modules(skip=optional)
    for extra, modules in OPTIONAL_MODULES.items():  # an optional extra's packages: only its own modules import them
        assert module_names(project["optional-dependencies"][extra]) | module_names(project["dependencies"]) >= \
            imported_modules(only=modules)
        assert module_names(project["optional-dependencies"][extra]).isdisjoint(imported_modules(skip=modules))


def test_the_renderer_is_not_shipped():
    assert not (ROOT / "src" / "xlcheck" / "render.py").exists()
