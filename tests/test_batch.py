"""Many workbooks in one command: parallel workers, input order, skipped files, the summary table and file,
the progress bar (on stderr, only on a terminal), and the batch's exit code."""

from __future__ import annotations

import csv
import json
import os
import pty
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from xlcheck.api import FileReport
from xlcheck.batch import RUN_BYTES, RUN_FILES, _width, expand, planned_outputs, process_one, run_batch, run_with_progress, runs_of, summary_text
from xlcheck.cli import app

from conftest import SAMPLES

runner = CliRunner()


def make_folder(folder, copies=3, bad=True):
    """`copies` workbooks with mistakes, one clean one in a subfolder, and (optionally) one that is not a workbook."""
    folder.mkdir(exist_ok=True)
    for i in range(copies):
        shutil.copy(SAMPLES / "seed_mistakes.xlsx", folder / f"unit{i}.xlsx")
    (folder / "sub").mkdir(exist_ok=True)
    shutil.copy(SAMPLES / "seed_clean.xlsx", folder / "sub" / "clean.xlsx")
    if bad:
        (folder / "bad.xlsx").write_text("不是工作簿", encoding="utf-8")
    return folder


def test_expand_skips_lock_hidden_temporary_and_own_outputs(tmp_path):
    make_folder(tmp_path, copies=1, bad=False)
    for name in ("~$unit0.xlsx", ".unit0.xlsx", "unit0.checked.xlsx", "unit0.checked-2.xlsx", "x.xlsx.tmp", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.relative_to(tmp_path).as_posix() for p in expand([tmp_path])] == ["sub/clean.xlsx", "unit0.xlsx"]


def test_parallel_results_come_back_in_input_order_and_a_bad_file_does_not_stop_the_batch(tmp_path):
    files = expand([make_folder(tmp_path, copies=4)])
    reports = run_batch(files, jobs=2)
    assert [r.path for r in reports] == files
    bad = reports[0]
    assert bad.path.name == "bad.xlsx" and bad.status == "error" and bad.error.code == "not_workbook"
    assert all(len(r.checks) == 19 for r in reports[1:])
    sequential = run_batch(files, jobs=1)
    assert [[f.as_dict() for f in r.findings] for r in reports] == [[f.as_dict() for f in r.findings] for r in sequential]
    assert [[c.settled.get("total") for c in r.checks] for r in reports] == [[c.settled.get("total") for c in r.checks] for r in sequential]


def collector_state(path: Path, out: Path | None) -> tuple[bool, bool]:
    """A batch's work on one file, done in a worker: whether the garbage collector is on there, and
    whether it is on inside process_one's check (where it waits for the file to end)."""
    import gc
    from unittest import mock

    with mock.patch("xlcheck.batch.guarded", lambda action, path, *args: FileReport(path, output=gc.isenabled())):
        return gc.isenabled(), process_one(path, False, out, {}).output


def test_the_garbage_collector_waits_only_while_a_file_is_checked(tmp_path):
    # The parent pauses it while it collects reports, and the check of each file while it runs; a worker
    # (forked while the parent's was paused) or the parent itself left without one would keep every
    # cycle a file made (an error's traceback holds the whole workbook) until the batch ends.
    import gc

    files = expand([make_folder(tmp_path, copies=2)])
    assert run_batch(files, jobs=2, work=collector_state) == [(True, False)] * len(files)
    assert gc.isenabled()
    assert run_batch(files, jobs=1, work=collector_state) == [(True, False)] * len(files)
    assert gc.isenabled()


def dies_on_the_bad_file(path: Path, out: Path | None) -> FileReport:
    """A batch's work that kills its worker process outright (as running out of memory would) on bad.xlsx."""
    if path.name == "bad.xlsx":
        os._exit(9)
    return FileReport(path)


def test_a_worker_that_dies_is_its_files_error_and_the_batch_still_answers_for_every_file(tmp_path):
    files = expand([make_folder(tmp_path, copies=12)])
    reports = run_batch(files, jobs=2, work=dies_on_the_bad_file)
    assert [r.path for r in reports] == files  # every file answered, in input order
    assert reports[0].path.name == "bad.xlsx" and reports[0].error.code == "internal"
    assert "工作进程意外退出" in reports[0].error.message and "bad.xlsx" in reports[0].error.message
    # files the dead pool could not finish are errors too, each naming itself; none is silently passed
    assert all(r.error is None or r.path.name in r.error.message for r in reports)


def test_a_batch_goes_to_the_workers_in_short_runs_of_neighbouring_files():
    # 300 forms of the sample's size, then three big workbooks, then a few more forms
    sizes = [49_000] * 300 + [5_000_000] * 3 + [49_000] * 20
    runs = runs_of(sizes, 2)
    assert [i for run in runs for i in range(run.start, run.stop)] == list(range(len(sizes)))  # each once, in order
    assert max(run.stop - run.start for run in runs) == RUN_FILES
    assert len(runs) < len(sizes) / 4  # most tasks carry several files
    for run in runs:  # a big workbook goes alone: Ctrl-C never waits for a long run to finish
        assert run.stop - run.start == 1 or sum(sizes[run]) <= RUN_BYTES
    assert [run.stop - run.start for run in runs[-8:]] == [1] * 8  # the last tasks are one file each
    assert runs_of([], 2) == [] and runs_of([0], 4) == [slice(0, 1)]


def test_outputs_of_same_named_inputs_never_collide(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    files = [tmp_path / "a" / "x.xlsx", tmp_path / "b" / "x.xlsx", tmp_path / "a" / "x.xls"]
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.checked.xlsx").write_bytes(b"earlier run")
    assert [p.name for p in planned_outputs(files, out)] == ["x.checked-2.xlsx", "x.checked-3.xlsx", "x.checked-4.xlsx"]
    assert [p.parent.name for p in planned_outputs(files, None)] == ["a", "b", "a"]


def test_fix_folder_in_parallel_with_summary_table_and_csv(tmp_path):
    folder = make_folder(tmp_path / "in", copies=3)
    summary = tmp_path / "汇总.csv"
    result = runner.invoke(app, ["fix", str(folder), "--jobs", "2", "--summary", str(summary)])
    assert result.exit_code == 2, result.output  # bad.xlsx could not be read; the others were still fixed
    for i in range(3):
        assert (folder / f"unit{i}.checked.xlsx").exists()
    assert (folder / "sub" / "clean.checked.xlsx").exists()
    table = result.output.split("文件", 1)[1]
    assert "合计" in table and "5 个文件，1 个无法读取" in table
    rows = list(csv.reader(summary.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["文件", "表数", "错误", "已更正", "警告", "输出"]
    by_name = {os.path.basename(r[0]): r for r in rows[1:]}
    assert by_name["unit0.xlsx"][1:5] == ["19", "5", "5", "3"]
    assert by_name["unit0.xlsx"][5].endswith("unit0.checked.xlsx")
    assert by_name["bad.xlsx"][5].startswith("无法读取")
    assert summary.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8


def test_fix_again_skips_the_outputs_of_the_first_run(tmp_path):
    folder = make_folder(tmp_path / "in", copies=2, bad=False)
    assert runner.invoke(app, ["fix", str(folder), "-j", "2"]).exit_code == 0
    again = runner.invoke(app, ["fix", str(folder), "-j", "2", "--format", "json"])
    files = json.loads(again.stdout)["files"]
    assert sorted(os.path.basename(f["path"]) for f in files) == ["clean.xlsx", "unit0.xlsx", "unit1.xlsx"]
    assert (folder / "unit0.checked-2.xlsx").exists()


def test_xlsx_summary_writes_text_as_text_never_as_formulas(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "seed_clean.xlsx", folder / "=1+1.xlsx")
    shutil.copy(SAMPLES / "seed_clean.xlsx", folder / "单位.xlsx")
    summary = tmp_path / "summary.xlsx"
    result = runner.invoke(app, ["check", str(folder), "--summary", str(summary), "--format", "json"])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)  # --summary adds nothing to stdout in json mode
    sheet = openpyxl.load_workbook(summary).active
    names = [sheet.cell(row, 1) for row in (2, 3)]
    assert all(cell.data_type == "s" for cell in names)
    assert sorted(os.path.basename(cell.value) for cell in names) == ["=1+1.xlsx", "单位.xlsx"]
    assert [sheet.cell(2, col).value for col in range(2, 6)] == [19, 0, 0, 2]


def test_summary_must_be_csv_or_xlsx():
    result = runner.invoke(app, ["check", str(SAMPLES / "seed_clean.xlsx"), "--summary", "out.txt"])
    assert result.exit_code == 2


def test_check_batch_exit_code_is_for_the_batch_as_a_whole(tmp_path):
    folder = make_folder(tmp_path / "in", copies=2, bad=False)
    assert runner.invoke(app, ["check", str(folder), "-j", "2"]).exit_code == 1  # errors remain in unit*.xlsx
    assert runner.invoke(app, ["fix", str(folder), "-j", "2"]).exit_code == 0  # all of them corrected


def test_summary_text_aligns_chinese_names():
    """Columns line up on a terminal, where a CJK character takes two columns."""
    text = summary_text([FileReport(Path("甲单位.xlsx")), FileReport(Path("b.xlsx"))])
    header, first, second, total = text.splitlines()
    assert header.startswith("文件") and total.startswith("合计")
    columns = [_width(line[: line.index("0")]) for line in (first, second)]
    assert columns[0] == columns[1] == _width(header[: header.index("表数")]) + 3


def test_progress_bar_only_on_a_terminal(tmp_path, monkeypatch, capsys):
    files = expand([make_folder(tmp_path, copies=4, bad=False)])
    run_with_progress(files, fix=False, outputs=None, jobs=1)
    assert capsys.readouterr().err == ""  # pytest's stderr is not a terminal: no bar

    class Terminal:
        def __init__(self, stream):
            self.stream = stream

        def isatty(self):
            return True

        def __getattr__(self, name):
            return getattr(self.stream, name)

    monkeypatch.setattr(sys, "stderr", Terminal(sys.stderr))
    reports = run_with_progress(files, fix=False, outputs=None, jobs=2)
    captured = capsys.readouterr()
    assert len(reports) == 5 and captured.out == ""
    assert "检查中" in captured.err


def test_json_stdout_stays_one_document_with_the_bar_on_a_terminal(tmp_path):
    """The real command with stderr on a pseudo-terminal: the bar goes there, stdout is exactly the JSON."""
    folder = make_folder(tmp_path, copies=4, bad=False)
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "xlcheck.cli", "check", str(folder), "--format", "json", "-j", "2"],
                               stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks = []

    def drain():  # read the terminal while the command runs, so that its writes never block
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the command closed the terminal
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    stdout, _ = process.communicate(timeout=300)
    reader.join(60)
    os.close(master)
    terminal = b"".join(chunks).decode("utf-8", "replace")
    assert process.returncode == 1, terminal
    assert len(json.loads(stdout)["files"]) == 5, terminal
    assert "检查中" in terminal
