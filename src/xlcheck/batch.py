"""Check or fix many workbooks in one run: which files, in parallel over processes, and the summary table.

Workers run `api.guarded`, so one bad file becomes that file's error and the batch goes on. Each
worker sends back a slim FileReport (the forms' names and totals, the findings, the output path —
not the forms' cells and blocks, which only the worker needed); results come back in input order.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import gc
import io
import os
import signal
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

from .api import OUTPUT_SUFFIX, FileReport, check_workbook, default_output, fix_workbook, guarded
from .model import Severity
from .package import WorkbookError, display, without_cyclic_gc

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et"}
PROGRESS_MIN_FILES = 4  # fewer files than this finish in a moment: no progress bar
RUN_FILES, RUN_BYTES = 8, 512 * 1024  # a worker's task: up to 8 files of up to 0.5 MB together (runs_of)
SUMMARY_HEADER = ["文件", "表数", "错误", "已更正", "警告", "输出"]


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: equal after resolving links and '..', or the same inode."""
    try:
        if a.resolve() == b.resolve():
            return True
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except (OSError, RuntimeError):  # a symlink loop, a path that cannot be resolved
        return False


def is_own_output(path: Path) -> bool:
    """'x.checked.xlsx', 'x.checked-2.xlsx': written by xlcheck, not a unit's form."""
    stem = path.stem
    return stem.endswith(OUTPUT_SUFFIX) or OUTPUT_SUFFIX + "-" in stem


def is_candidate(path: Path) -> bool:
    """A file worth reading as a workbook: a workbook suffix (so temporary files and partial downloads,
    x.xlsx.tmp, x.xlsx.part, x.xlsx.crdownload, are not), not an Excel lock file (~$…), not hidden
    (LibreOffice's .~lock…#, xlcheck's own .x.checked.xlsx.….tmp while it writes), not an output of
    an earlier run."""
    return (path.suffix.lower() in WORKBOOK_SUFFIXES
            and not path.name.startswith(("~$", "."))
            and not is_own_output(path))


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; folders searched recursively (in name order) for the files `is_candidate` accepts.
    A folder holding none stays in the list itself, so that it is reported ('no workbooks in this folder',
    exit 2) rather than silently checking nothing."""
    files = []
    for path in paths:
        if path.is_dir():
            found, unreadable = search(path)
            files.extend(found or ([] if unreadable else [path]))
            files.extend(unreadable)
        else:
            files.append(path)
    return files


def search(folder: Path) -> tuple[list[Path], list[Path]]:
    """(the candidate files under folder, in path order; the subfolders that could not be read, which
    are reported as 'missing' rather than skipped in silence). Links to folders are not followed (a link
    loop cannot hang the search); a FIFO or device is not a file and is never opened."""
    found, unreadable = [], []
    for root, _, names in os.walk(folder, onerror=lambda error: unreadable.append(Path(error.filename))):
        for name in names:
            path = Path(root, name)
            if is_candidate(path) and path.is_file():
                found.append(path)
    return sorted(found), sorted(unreadable)


def planned_outputs(files: list[Path], folder: Path | None) -> list[Path]:
    """The output of each input, decided before any worker starts, so that two inputs of the same name
    (a/x.xlsx, b/x.xlsx into one --out-dir) never aim at the same file."""
    taken: set[Path] = set()
    outputs = []
    for path in files:
        target = default_output(path, folder)
        number = 2
        while target in taken or target.exists():
            target = target.with_name(f"{path.stem}{OUTPUT_SUFFIX}-{number}{target.suffix}")
            number += 1
        taken.add(target)
        outputs.append(target)
    return outputs


def slim(report: FileReport) -> FileReport:
    """The report without what only the worker needed: each form keeps its sheet, kind, name and
    total; its cells, its budget/goal/indicator records, the texts, fields, sections and notes the
    rules read, and the rules' working memos (the form's and the workbook's) are dropped (a third
    less to pickle back to the parent)."""
    if not report.checks:
        return report
    checks = [dataclasses.replace(
        check,
        form=dataclasses.replace(check.form, records={}, cells={}, unreadable=[], notes=[], fields={}, sections=[],
                                 weights={}, deviation="", improvement=""),
        memo={},
        shared={},
    ) for check in report.checks]
    return dataclasses.replace(report, checks=checks)


def process_one(path: Path, fix: bool, out: Path | None, options: dict) -> FileReport:
    """Check (or fix into `out`) one file, with `options` as keyword arguments of check_workbook /
    fix_workbook; never raises. Runs in a worker process. The cyclic garbage collector waits until the
    file is done (its passes over a check's short-lived objects cost about 2% of the check)."""
    with without_cyclic_gc():
        if fix:
            return slim(guarded(functools.partial(fix_workbook, **options), path, out))
        return slim(guarded(functools.partial(check_workbook, **options), path))


def run_batch(files: list[Path], *, fix: bool = False, outputs: list[Path | None] | None = None, jobs: int = 1,
              progress: Callable[[], None] | None = None, options: dict | None = None,
              work: Callable[[Path, Path | None], object] | None = None) -> list[FileReport]:
    """check_workbook or fix_workbook over `files`, in input order. With jobs > 1 and more than one
    file, over a pool of processes. `options` (picklable) go to every call as keyword arguments;
    `progress` is called once per finished file. `work(path, out)` (picklable, never raising), when
    given, is done on each file instead (export uses it); a worker that dies is that file's FileReport error."""
    outputs = outputs if outputs is not None else [None] * len(files)
    options = options or {}
    jobs = max(1, min(jobs, len(files)))
    if work is None:
        work = functools.partial(_process_with, fix=fix, options=options)
    if jobs == 1:
        reports = []
        for path, out in zip(files, outputs):
            reports.append(work(path, out))
            if progress:
                progress()
        return reports
    from concurrent.futures import ProcessPoolExecutor, as_completed

    results: list[FileReport | None] = [None] * len(files)
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker)
    # This process only collects the reports and keeps every one to the end: the cyclic collector would
    # rescan them all again and again (about a quarter of this process's time) to free nothing.
    with without_cyclic_gc():
        try:
            runs = runs_of([_size(path) for path in files], jobs)
            futures = {pool.submit(_work_on_run, work, files[run], outputs[run]): run for run in runs}
            for future in as_completed(futures):
                run = futures[future]
                try:
                    results[run] = future.result()
                except Exception as error:  # a worker that died (out of memory, killed): its files' error
                    results[run] = [FileReport(path, error=WorkbookError(
                        "internal", f"处理文件 “{path.name}” 时工作进程意外退出（{type(error).__name__}）。"
                                    "原文件未被修改；请单独重试该文件。 (worker process failed)")) for path in files[run]]
                if progress:
                    for _ in files[run]:
                        progress()
        except BaseException:  # Ctrl-C: runs not yet handed to a worker are dropped, the others finish
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    pool.shutdown()
    return results  # type: ignore[return-value]


def runs_of(sizes: list[int], jobs: int) -> list[slice]:
    """The files of a batch (their sizes in bytes, in order) cut into runs of neighbours, each run one task
    for a worker: a task costs the main process and the worker a few tenths of a millisecond besides its
    files, so a run holds up to RUN_FILES files of up to RUN_BYTES together (a bigger file goes alone: a
    run is never long to finish after Ctrl-C). Runs shorten towards the end (a quarter of what each
    worker has left), so that no worker is left alone with a long run while the others have finished.

    >>> [r.stop - r.start for r in runs_of([50_000] * 40, 2)]
    [5, 4, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    >>> [r.stop - r.start for r in runs_of([50_000] * 30 + [3_000_000] * 2 + [50_000] * 30, 2)]
    [7, 6, 6, 5, 4, 2, 1, 1, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    """
    runs, start, count = [], 0, len(sizes)
    while start < count:
        longest = max(1, min(RUN_FILES, (count - start) // (jobs * 4)))
        stop, total = start + 1, sizes[start]
        while stop < start + longest and total + sizes[stop] <= RUN_BYTES:
            total += sizes[stop]
            stop += 1
        runs.append(slice(start, stop))
        start = stop
    return runs


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # missing or unreadable: its worker reports that
        return 0


def _work_on_run(work: Callable[[Path, Path | None], object], files: list[Path], outputs: list[Path | None]) -> list:
    return [work(path, out) for path, out in zip(files, outputs)]


def _process_with(path: Path, out: Path | None, *, fix: bool, options: dict) -> FileReport:
    return process_one(path, fix, out, options)


def _start_worker() -> None:
    """Worker processes ignore Ctrl-C: the main process stops the batch, without a traceback from each
    worker. A worker forked while the main process had paused its garbage collector collects again."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.enable()


def default_jobs() -> int:
    """As many worker processes as this process may use cores."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def run_with_progress(files: list[Path], *, fix: bool, outputs: list[Path | None] | None, jobs: int,
                      options: dict | None = None, work: Callable[[Path, Path | None], object] | None = None,
                      description: str | None = None) -> list[FileReport]:
    """run_batch with a progress bar on stderr when stderr is a terminal and the batch is more than a few files."""
    if len(files) < PROGRESS_MIN_FILES or not sys.stderr.isatty():
        return run_batch(files, fix=fix, outputs=outputs, jobs=jobs, options=options, work=work)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description or ("更正中" if fix else "检查中"), total=len(files))
        return run_batch(files, fix=fix, outputs=outputs, jobs=jobs, options=options, work=work, progress=lambda: bar.advance(task))


# ---------------------------------------------------------------- the summary table


def summary_rows(reports: list[FileReport]) -> list[list[object]]:
    """One row per file: file, forms, errors found, fixed, warnings, output (or why it could not be read)."""
    rows = []
    for report in reports:
        if report.error is not None:
            rows.append([display(report.path), 0, 0, 0, 0, f"无法读取：{report.error.message}"])
            continue
        warnings = sum(1 for f in report.findings if f.severity == Severity.WARNING)
        rows.append([display(report.path), len(report.checks), len(report.errors), report.fixed, warnings,
                     display(report.output) if report.output else ""])
    return rows


def _width(text: str) -> int:
    """Columns a terminal gives the text: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def summary_text(reports: list[FileReport]) -> str:
    """The summary as an aligned plain-text table, with a line of totals."""
    rows = [[str(v) for v in row] for row in summary_rows(reports)]
    unread = sum(1 for r in reports if r.error is not None)
    totals = ["合计", *(str(sum(int(row[i]) for row in rows)) for i in range(1, 5)),
              f"{len(reports)} 个文件" + (f"，{unread} 个无法读取" if unread else "")]
    table = [SUMMARY_HEADER, *rows, totals]
    widths = [max(_width(line[i]) for line in table) for i in range(len(SUMMARY_HEADER) - 1)]
    lines = []
    for line in table:
        cells = [line[i] + " " * (widths[i] - _width(line[i])) if i == 0 else " " * (widths[i] - _width(line[i])) + line[i]
                 for i in range(len(widths))]
        lines.append("  ".join(cells + [line[-1]]).rstrip())
    return "\n".join(lines)


def _csv_safe(value: object) -> object:
    return "'" + value if isinstance(value, str) and value.startswith(("=", "+", "-", "@")) else value


def write_summary(reports: list[FileReport], path: Path) -> None:
    """The summary table as .csv (UTF-8 with a BOM, so Excel shows the Chinese) or .xlsx (every
    text written as text, never as a formula). Any other suffix is a ValueError.

    In the .csv a text starting with = + - @ gets a leading apostrophe: Excel would run it as a formula."""
    from .writer import replacing

    rows = summary_rows(reports)
    suffix = path.suffix.lower()
    buffer = io.BytesIO()  # written whole, then moved into place: never a half summary over an earlier one
    if suffix == ".csv":
        handle = io.TextIOWrapper(buffer, encoding="utf-8-sig", newline="")
        writer = csv.writer(handle)
        writer.writerow(SUMMARY_HEADER)
        writer.writerows([_csv_safe(v) for v in row] for row in rows)
        handle.flush()
    elif suffix == ".xlsx":  # with the forms' totals and charts: summary_book.py
        from .summary_book import write_summary_book

        write_summary_book(reports, buffer)
    else:
        raise ValueError(f"summary must be .csv or .xlsx, not {path.name}")
    with replacing(path) as output:
        output.write(buffer.getvalue())
