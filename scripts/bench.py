#!/usr/bin/env python
"""Measure xlcheck against its yardsticks, all in one run on this machine, and print the table.

    python scripts/bench.py                      # what the README's "Speed" table shows
    python scripts/bench.py --copies 50 --rows 1000,2000,4000 --repeat 3   # a quick look

(a) `xlcheck fix` on the 19-form sample, the whole process, against a plain openpyxl load-and-save of
    the same file (median of --repeat runs each, alternating). Target: ratio <= 1.0.
(b) per workbook in a batch of --copies copies of the sample: `xlcheck check DIR` and `xlcheck fix DIR`
    (one command each, default --jobs), against reading every cell of the same workbooks with
    python-calamine in one process. Targets: <= 3x for check, <= 6x for fix. CPU seconds per workbook are
    shown too, since the batch uses every core and the yardstick one.
(c) `xlcheck fix` on one project form with 5,000 / 10,000 / 20,000 indicator rows: time and peak memory
    (largest resident set of the process). Targets: under 200 MB; time growing linearly with rows.
(d) one stray value far away: `xlcheck fix` on the sample with a value added in the last cell of its
    first sheet (XFD1048576 in the .xlsx; IV65536 in an .xls made by LibreOffice, when soffice is
    installed), against the same sample without it. Target: time and memory within 3x the sample's.
    `--parts d` runs this one alone.

Every command runs in a fresh process started through a small wrapper that reports its wall time, CPU
time and peak memory (resource.getrusage(RUSAGE_CHILDREN)). Inputs are generated in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_workbooks" / "seed_mistakes.xlsx"
SEED = ROOT / "sample_workbooks" / "seed_forms.json"
PYTHON = sys.executable

# Runs argv[1:] and prints [exit code, wall s, CPU s (user + sys, children included), peak RSS in bytes].
WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
scale = 1 if sys.platform == "darwin" else 1024
print(json.dumps([code, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * scale]))
"""

OPENPYXL_ROUND_TRIP = "import sys, openpyxl; openpyxl.load_workbook(sys.argv[1]).save(sys.argv[2])"

CALAMINE_READ_ALL = """
import sys
from pathlib import Path
from python_calamine import CalamineWorkbook
cells = 0
for path in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        for row in book.get_sheet_by_name(name).to_python():
            cells += len(row)
print(cells)
"""


def measure(argv: list[str], expect: tuple[int, ...] = (0, 1)) -> dict:
    """Run argv in a fresh process; its wall time, CPU time and peak memory."""
    result = subprocess.run([PYTHON, "-c", WRAPPER, *argv], capture_output=True, text=True, check=True)
    code, wall, cpu, peak = json.loads(result.stdout)
    if code not in expect:
        raise SystemExit(f"{' '.join(argv)} exited {code}")
    return {"wall": wall, "cpu": cpu, "peak": peak}


def xlcheck(*args: str) -> list[str]:
    return [PYTHON, "-m", "xlcheck.cli", *args]


def big_workbook(path: Path, rows: int) -> None:
    """One project form (科学技术研究与开发资金) whose indicator table repeats the seed's to `rows` rows."""
    sys.path.insert(0, str(ROOT / "tests"))  # the renderer is test support, not shipped
    from support.render import Layout, render_workbook

    project = json.loads(SEED.read_text(encoding="utf-8"))["projects"][0]
    seed_rows = project["indicators"]
    project = dict(project, indicators=[dict(seed_rows[i % len(seed_rows)], name=f"{seed_rows[i % len(seed_rows)]['name']}{i}")
                                        for i in range(rows)])
    render_workbook({"projects": [project]}, path, layout=Layout(projects_only=True))


def with_stray_cell(src: Path, dst: Path, ref: str) -> Path:
    """src with one more value, in cell `ref` of its first worksheet."""
    number = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", f'<row r="{number}"><c r="{ref}"><v>1</v></c></row></sheetData>'.encode())
            zout.writestr(info, data)
    return dst


def to_xls(xlsx: Path, folder: Path) -> Path | None:
    """The workbook re-saved by LibreOffice as .xls, or None without soffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    subprocess.run([soffice, f"-env:UserInstallation=file://{folder / 'lo-profile'}", "--headless", "--convert-to", "xls",
                    "--outdir", str(folder), str(xlsx)], check=True, capture_output=True, timeout=300)
    return folder / (xlsx.stem + ".xls")


def stray_cells(tmp: Path, sample: Path) -> list[str]:
    """(d): fix on the sample and on the sample with one stray far value, .xlsx and .xls."""
    lines = []
    pairs = [("xlsx", sample, with_stray_cell(sample, tmp / "stray.xlsx", "XFD1048576"))]
    xls_sample, xls_stray = to_xls(sample, tmp), to_xls(with_stray_cell(sample, tmp / "stray65536.xlsx", "IV65536"), tmp)
    if xls_sample and xls_stray:
        pairs.append(("xls", xls_sample, xls_stray))
    for kind, plain, stray in pairs:
        base = measure(xlcheck("fix", str(plain), "-o", str(tmp / f"plain-{kind}.checked.xlsx")))
        far = measure(xlcheck("fix", str(stray), "-o", str(tmp / f"stray-{kind}.checked.xlsx")))
        lines.append(row(f"(d) fix, sample .{kind} with a stray far cell", f"{far['wall']:.2f} s, {far['peak'] / 2**20:.0f} MB peak",
                         f"{base['wall']:.2f} s, {base['peak'] / 2**20:.0f} MB sample",
                         f"{far['wall'] / base['wall']:.1f} / {far['peak'] / base['peak']:.1f}", "≤ 3 / ≤ 3"))
    return lines


def row(name: str, ours: str, yardstick: str, ratio: str, target: str) -> str:
    return f"| {name} | {ours} | {yardstick} | {ratio} | {target} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=500, help="workbooks in the batch (b)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each command in (a)")
    parser.add_argument("--rows", default="5000,10000,20000", help="indicator rows of the big workbooks (c)")
    parser.add_argument("--parts", default="abcd", help="which measures to run, e.g. 'd'")
    options = parser.parse_args()
    sizes = [int(n) for n in options.rows.split(",")]
    lines = [f"xlcheck benchmark: Python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}", "",
             row("measure", "xlcheck", "yardstick", "ratio", "target"), "|---|---|---|---|---|"]

    with tempfile.TemporaryDirectory(prefix="xlcheck-bench-") as scratch:
        tmp = Path(scratch)
        sample = tmp / "sample.xlsx"
        shutil.copy(SAMPLE, sample)

        if "a" in options.parts:
            # (a) one file, whole process
            ours, theirs = [], []
            for i in range(options.repeat):
                ours.append(measure(xlcheck("fix", str(sample), "-o", str(tmp / f"fixed{i}.xlsx")))["wall"])
                theirs.append(measure([PYTHON, "-c", OPENPYXL_ROUND_TRIP, str(sample), str(tmp / f"saved{i}.xlsx")])["wall"])
            a, b = statistics.median(ours), statistics.median(theirs)
            lines.append(row("(a) fix 19-form sample, whole process", f"{a:.2f} s", f"{b:.2f} s openpyxl load+save",
                             f"{a / b:.2f}", "≤ 1.0"))

        if "b" in options.parts:
            # (b) a batch of copies
            batch = tmp / "batch"
            batch.mkdir()
            for i in range(options.copies):
                shutil.copy(sample, batch / f"unit{i:04d}.xlsx")
            n = options.copies
            calamine = measure([PYTHON, "-c", CALAMINE_READ_ALL, str(batch)], expect=(0,))
            check = measure(xlcheck("check", str(batch)))
            fix = measure(xlcheck("fix", str(batch), "--out-dir", str(tmp / "fixed")))
            per = lambda m: m["wall"] / n * 1000  # noqa: E731
            cpu = lambda m: m["cpu"] / n * 1000  # noqa: E731
            yard = f"{per(calamine):.1f} ms calamine read"
            lines.append(row(f"(b) check, per workbook of {n} (wall)", f"{per(check):.1f} ms", yard, f"{per(check) / per(calamine):.1f}", "≤ 3"))
            lines.append(row(f"(b) fix, per workbook of {n} (wall)", f"{per(fix):.1f} ms", yard, f"{per(fix) / per(calamine):.1f}", "≤ 6"))
            yard_cpu = f"{cpu(calamine):.1f} ms calamine read"
            lines.append(row("(b) check, CPU per workbook", f"{cpu(check):.1f} ms", yard_cpu, f"{cpu(check) / cpu(calamine):.1f}", ""))
            lines.append(row("(b) fix, CPU per workbook", f"{cpu(fix):.1f} ms", yard_cpu, f"{cpu(fix) / cpu(calamine):.1f}", ""))
            shutil.rmtree(batch)
            shutil.rmtree(tmp / "fixed")

        if "c" in options.parts:
            # (c) one big form
            previous = None
            for size in sizes:
                path = tmp / f"rows{size}.xlsx"
                big_workbook(path, size)
                m = measure(xlcheck("fix", str(path), "-o", str(tmp / f"rows{size}.checked.xlsx")))
                # linear: each further row costs about the same, so the cost per added row stays flat
                added = f"{(m['wall'] - previous[1]) / (size - previous[0]) * 1e6:.0f} µs per added row" if previous else "—"
                lines.append(row(f"(c) fix, {size:,} indicator rows", f"{m['wall']:.2f} s, {m['peak'] / 2**20:.0f} MB peak",
                                 added, "", "< 200 MB; flat µs per added row"))
                previous = (size, m["wall"])

        if "d" in options.parts:
            lines.extend(stray_cells(tmp, sample))

    print("\n".join(lines))


if __name__ == "__main__":
    main()
