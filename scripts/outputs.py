#!/usr/bin/env python
"""Write every output xlcheck gives for a fixed set of inputs into OUTDIR, so that two trees (before and
after a change meant to change no output, such as speed work) can be compared file by file.

    python scripts/outputs.py . /tmp/outputs-after                      # this checkout
    python scripts/outputs.py /path/to/the/checkout/before /tmp/outputs-before
    diff -rq /tmp/outputs-before /tmp/outputs-after && echo IDENTICAL

Inputs (37 today): sample_workbooks/*.xlsx, templates/*.xlsx, each tests/realforms/*.json rendered alone,
and all of them stacked in one sheet with offsets. Outputs per input: `check`'s JSON and text, `fix`'s
JSON, and every part of the corrected copy unzipped, the times of day written into it masked (docProps
dates, the 核查结果 sheet's 核查时间). TREE's own src/ and tests/ are imported, so each tree writes its own.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import zipfile
from pathlib import Path

STAMP = re.compile(rb"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d(\.\d+)?Z?| \d\d:\d\d \(UTC\))")


def inputs(tree: Path, scratch: Path) -> list[Path]:
    """The samples and templates of TREE, and its real forms rendered into `scratch`."""
    from support.grid import render_grid

    found = sorted((tree / "sample_workbooks").glob("*.xlsx")) + sorted((tree / "templates").glob("*.xlsx"))
    forms = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((tree / "tests" / "realforms").glob("*.json"))]
    for form in forms:
        found.append(scratch / f"real_{form['id']}.xlsx")
        render_grid([form], found[-1])
    found.append(scratch / "real_all_stacked.xlsx")
    render_grid(forms, found[-1], row_offset=3, col_offset=2, stacked=True)
    return found


def write_outputs(path: Path, out: Path, scratch: Path) -> None:
    from xlcheck.api import check_workbook, fix_workbook
    from xlcheck.report import as_json, as_text

    def shown(text: str) -> str:
        return text.replace(str(fixed), fixed.name).replace(str(path), path.name)

    name, fixed = path.stem, scratch / f"{path.stem}.fixed.xlsx"
    report = check_workbook(path)
    (out / f"{name}.check.json").write_text(shown(as_json([report])), encoding="utf-8")
    (out / f"{name}.check.txt").write_text(shown(as_text(report)), encoding="utf-8")
    (out / f"{name}.fix.json").write_text(shown(as_json([fix_workbook(path, fixed)])), encoding="utf-8")
    if fixed.exists():
        with zipfile.ZipFile(fixed) as package:
            for info in package.infolist():
                target = out / f"{name}.fixed" / info.filename
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(STAMP.sub(b"TIMESTAMP", package.read(info.filename)))


def main() -> int:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    tree, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    sys.path[:0] = [str(tree / "src"), str(tree / "tests")]
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xlcheck-outputs-") as folder:
        scratch = Path(folder)
        found = inputs(tree, scratch)
        for path in found:
            write_outputs(path, out, scratch)
    print(f"{len(found)} inputs -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
