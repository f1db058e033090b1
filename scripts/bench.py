#!/usr/bin/env python
"""Measure xlcheck against its yardsticks, all in one run on this machine, and print the table.

    python scripts/bench.py                      # what the README's "Speed" table shows
    python scripts/bench.py --copies 50 --rows 1000,2000,4000 --repeat 3   # a quick look

(s) start-up, whole processes (median of --repeat runs): `xlcheck --help`, and `xlcheck check` of the
    19-form sample, against a bare `python -c pass` of the same interpreter.
(a) `xlcheck fix` on the 19-form sample, the whole process, against a plain openpyxl load-and-save of
    the same file (median of --repeat runs each, alternating). Target: ratio <= 0.4.
(b) per workbook in a batch of --copies copies of the sample: `xlcheck check DIR` with default --jobs and
    with --jobs 1, and `xlcheck fix DIR` (default --jobs), against reading every cell of the same
    workbooks with python-calamine in one process. Targets: check <= 3x with default jobs, <= 6x with
    --jobs 1; fix <= 6x. CPU seconds per workbook are shown too, since the batch uses every core and the
    yardstick one. The machine's speed drifts (tens of percent from one minute to the next on this shared
    machine, with nothing else running), so each xlcheck command is set against calamine reads run just
    before and just after it (their mean), in each of --rounds rounds (default 3), and the round with the
    median ratio is shown.
(c) `xlcheck fix` on one project form with 5,000 / 10,000 / 20,000 indicator rows: time and peak memory
    (largest resident set of the process). Targets: under 200 MB; time growing linearly with rows.
(d) one stray value far away: `xlcheck fix` on the sample with a value added in the last cell of its
    first sheet (XFD1048576 in the .xlsx; IV65536 in an .xls made by LibreOffice, when soffice is
    installed), against the same sample without it. Target: time and memory within 3x the sample's.
    `--parts d` runs this one alone.

Every command runs in a fresh process started through a small wrapper that reports its wall time, CPU
time and peak memory (resource.getrusage(RUSAGE_CHILDREN)). Inputs are generated in a temporary folder.
xlcheck runs as `python -m xlcheck.cli` with this interpreter and this checkout's src/ first on the path,
with bytecode caching on (as an installed package has it: PYTHONDONTWRITEBYTECODE is removed from the
commands' environment, and one warm-up run writes the caches). A command that exits with a code other
than the one expected stops the benchmark with its stderr.
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

# Runs argv[1:] and prints [exit code, wall s, CPU s (user + sys, children included), peak RSS in bytes,
# the end of its stderr].
WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
run = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
scale = 1 if sys.platform == "darwin" else 1024
errors = run.stderr.decode("utf-8", "replace")[-2000:]
print(json.dumps([run.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * scale, errors]))
"""
# The commands' environment: this checkout's xlcheck first, bytecode cached as in an installed package.
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
       "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])}

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


def measure(argv: list[str], expect: int = 0) -> dict:
    """Run argv in a fresh process; its wall time, CPU time and peak memory. Any exit code but `expect`
    stops the benchmark: a command that failed would otherwise be timed as a fast one."""
    result = subprocess.run([PYTHON, "-c", WRAPPER, *argv], capture_output=True, text=True, check=True, env=ENV)
    code, wall, cpu, peak, errors = json.loads(result.stdout)
    if code != expect or "Traceback (most recent call last)" in errors:  # a crash exits 1, as findings do
        raise SystemExit(f"bench: `{' '.join(argv)}` exited {code}, expected {expect}; its stderr ends:\n{errors}")
    return {"wall": wall, "cpu": cpu, "peak": peak}


def median_wall(argv: list[str], repeat: int, expect: int = 0) -> float:
    return statistics.median(measure(argv, expect)["wall"] for _ in range(repeat))


def check_setup() -> None:
    """This checkout's xlcheck is what the commands run (not another installed copy), and its bytecode
    caches are written before anything is timed."""
    where = subprocess.run([PYTHON, "-c", "import xlcheck, sys; sys.stdout.write(xlcheck.__file__)"],
                           capture_output=True, text=True, env=ENV)
    if where.returncode != 0 or not Path(where.stdout).resolve().is_relative_to(ROOT / "src"):
        raise SystemExit(f"bench: {PYTHON} does not import xlcheck from {ROOT / 'src'} "
                         f"({where.stdout or where.stderr.strip().splitlines()[-1:]}); run it with the project's Python")
    measure(xlcheck("--help"))  # warm-up: writes __pycache__
    measure(xlcheck("check", str(SAMPLE)), expect=1)


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
    parser.add_argument("--copies", type=int, default=300, help="workbooks in the batch (b)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each command in (s) and (a)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the batch (b); the round with the median ratio is shown")
    parser.add_argument("--rows", default="5000,10000,20000", help="indicator rows of the big workbooks (c)")
    parser.add_argument("--parts", default="sabcd", help="which measures to run, e.g. 'd'")
    options = parser.parse_args()
    sizes = [int(n) for n in options.rows.split(",")]
    lines = [f"xlcheck benchmark: Python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}", "",
             row("measure", "xlcheck", "yardstick", "ratio", "target"), "|---|---|---|---|---|"]

    check_setup()
    with tempfile.TemporaryDirectory(prefix="xlcheck-bench-") as scratch:
        tmp = Path(scratch)
        sample = tmp / "sample.xlsx"
        shutil.copy(SAMPLE, sample)

        if "s" in options.parts:
            # (s) start-up: the whole process of a command that does little or one file's work
            bare = median_wall([PYTHON, "-c", "pass"], options.repeat)
            yard = f"{bare:.3f} s python -c pass"
            for name, argv, code in (("xlcheck --help", xlcheck("--help"), 0),
                                     ("xlcheck check of the 19-form sample", xlcheck("check", str(sample)), 1)):
                wall = median_wall(argv, options.repeat, code)
                lines.append(row(f"(s) {name}, whole process", f"{wall:.3f} s", yard, f"{wall / bare:.1f}", ""))

        if "a" in options.parts:
            # (a) one file, whole process
            ours, theirs = [], []
            for i in range(options.repeat):
                ours.append(measure(xlcheck("fix", str(sample), "-o", str(tmp / f"fixed{i}.xlsx")))["wall"])
                theirs.append(measure([PYTHON, "-c", OPENPYXL_ROUND_TRIP, str(sample), str(tmp / f"saved{i}.xlsx")])["wall"])
            a, b = statistics.median(ours), statistics.median(theirs)
            lines.append(row("(a) fix 19-form sample, whole process", f"{a:.2f} s", f"{b:.2f} s openpyxl load+save",
                             f"{a / b:.2f}", "≤ 0.4"))

        if "b" in options.parts:
            # (b) a batch of copies
            batch = tmp / "batch"
            batch.mkdir()
            for i in range(options.copies):
                shutil.copy(sample, batch / f"unit{i:04d}.xlsx")
            n = options.copies
            commands = ((f"(b) check, per workbook of {n} (wall)", xlcheck("check", str(batch)), 1, "≤ 3"),
                        (f"(b) check --jobs 1, per workbook of {n} (wall)", xlcheck("check", str(batch), "--jobs", "1"), 1, "≤ 6"),
                        (f"(b) fix, per workbook of {n} (wall)", xlcheck("fix", str(batch), "--out-dir", str(tmp / "fixed")), 0, "≤ 6"))
            calamine = lambda: measure([PYTHON, "-c", CALAMINE_READ_ALL, str(batch)])  # noqa: E731
            paired = [[] for _ in commands]  # per command, per round: (its run, the calamine runs before and after)
            for _ in range(options.rounds):
                before = calamine()
                for runs, (_, argv, code, _) in zip(paired, commands):
                    shutil.rmtree(tmp / "fixed", ignore_errors=True)
                    ours = measure(argv, expect=code)
                    after = calamine()
                    runs.append((ours, before, after))
                    before = after
            per = lambda m: m["wall"] / n * 1000  # noqa: E731
            cpu = lambda m: m["cpu"] / n * 1000  # noqa: E731
            chosen = []
            for runs, (name, _, _, target) in zip(paired, commands):
                # the machine's speed drifts by tens of percent over a minute: each run is set against the
                # calamine reads just before and after it, and the round with the median ratio is shown
                ratios = sorted(((ours["wall"] / ((a["wall"] + b["wall"]) / 2), ours, a, b) for ours, a, b in runs), key=lambda r: r[0])
                ratio, ours, a, b = ratios[len(ratios) // 2]
                yard = {"wall": (a["wall"] + b["wall"]) / 2, "cpu": (a["cpu"] + b["cpu"]) / 2}
                chosen.append((ours, yard))
                lines.append(row(name, f"{per(ours):.1f} ms", f"{per(yard):.1f} ms calamine read", f"{ratio:.2f}", target))
            for name, (ours, yard) in (("(b) check, CPU per workbook", chosen[0]), ("(b) fix, CPU per workbook", chosen[2])):
                lines.append(row(name, f"{cpu(ours):.1f} ms", f"{cpu(yard):.1f} ms calamine read", f"{cpu(ours) / cpu(yard):.1f}", ""))
            shutil.rmtree(batch)
            shutil.rmtree(tmp / "fixed", ignore_errors=True)

        if "c" in options.parts:
            # (c) one big form
            previous = None
            for size in sizes:
                path = tmp / f"rows{size}.xlsx"
                big_workbook(path, size)
                m = measure(xlcheck("fix", str(path), "-o", str(tmp / f"rows{size}.checked.xlsx")), expect=1)  # errors it cannot fix remain
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
