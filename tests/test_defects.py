"""The defects issue 13 found, one test each, through the real command line (`python -m xlcheck` in a
fresh process, under a timeout): each failed before its fix.

Data loss first (a summary written over an input, an empty PATH searching the whole tree), then
"fixed" cells that still show the wrong value, totals rewritten from unreadable values, output that
crashes on encoding or a full disk, names too long for a temporary file, unreadable folders, and
packages that a spreadsheet program would show differently from what xlcheck reads.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES
from hostile import snapshot

TIMEOUT = 120


def xlcheck(*args: str, cwd: Path | None = None, env: dict | None = None, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    """`python -m xlcheck ARGS` in a fresh process; fails the test if it runs over TIMEOUT seconds."""
    return subprocess.run([sys.executable, "-m", "xlcheck", *args], cwd=cwd, stdout=stdout, stderr=subprocess.PIPE,
                          timeout=TIMEOUT, env={**os.environ, **(env or {})})


def no_traceback(result: subprocess.CompletedProcess) -> None:
    for stream in (result.stdout, result.stderr):
        if isinstance(stream, bytes):
            assert b"Traceback" not in stream and b"panicked" not in stream, stream.decode("utf-8", "replace")


# ---------------------------------------------------------------- data loss


@pytest.fixture()
def two_forms(tmp_path) -> Path:
    folder = tmp_path / "收件箱"
    folder.mkdir()
    shutil.copy(SAMPLES / "seed_mistakes.xlsx", folder / "a.xlsx")
    shutil.copy(SAMPLES / "seed_clean.xlsx", folder / "b.xlsx")
    return folder


@pytest.mark.parametrize("command", ["check", "fix"])
@pytest.mark.parametrize("how", ["directly", "through a symlink", "found in a folder", "as a relative path"])
def test_a_summary_naming_an_input_is_refused_before_any_work(two_forms, tmp_path, command, how):
    folder = two_forms
    inputs = [str(folder / "a.xlsx"), str(folder / "b.xlsx")]
    cwd = None
    if how == "directly":
        summary = str(folder / "b.xlsx")
    elif how == "through a symlink":
        (tmp_path / "汇总.xlsx").symlink_to(folder / "b.xlsx")
        summary = str(tmp_path / "汇总.xlsx")
    elif how == "found in a folder":
        inputs, summary = [str(folder)], str(folder / "a.xlsx")
    else:
        cwd, summary = folder, "./b.xlsx"
    before = snapshot(tmp_path)
    result = xlcheck(command, *inputs, "--summary", summary, cwd=cwd)
    no_traceback(result)
    assert result.returncode == 2, result.stdout.decode()
    message = result.stderr.decode()
    assert "--summary" in message and "输入" in message and Path(summary).name in message, message
    assert snapshot(tmp_path) == before  # nothing read into an output, nothing written at all
    assert result.stdout == b""


def test_a_summary_naming_a_planned_output_is_refused(two_forms, tmp_path):
    before = snapshot(tmp_path)
    result = xlcheck("fix", str(two_forms / "a.xlsx"), "--summary", str(two_forms / "a.checked.xlsx"))
    no_traceback(result)
    assert result.returncode == 2 and "a.checked.xlsx" in result.stderr.decode()
    assert snapshot(tmp_path) == before


def test_the_summary_is_written_through_a_temporary_file(two_forms, tmp_path):
    """An earlier summary is replaced whole, never left half written; no temporary file remains."""
    summary = tmp_path / "汇总.csv"
    summary.write_text("old", encoding="utf-8")
    result = xlcheck("check", str(two_forms), "--summary", str(summary))
    no_traceback(result)
    assert result.returncode == 1
    assert summary.read_text(encoding="utf-8-sig").startswith("文件,表数")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["收件箱", "汇总.csv"]


@pytest.mark.parametrize("empty", ["", "   "])
@pytest.mark.parametrize("command", ["check", "fix"])
def test_an_empty_path_is_a_usage_error_not_the_current_folder(two_forms, tmp_path, command, empty):
    before = snapshot(tmp_path)
    result = xlcheck(command, empty, cwd=two_forms)
    no_traceback(result)
    assert result.returncode == 2
    assert "用法错误" in result.stderr.decode() and result.stdout == b""
    assert snapshot(tmp_path) == before
    result = xlcheck(command, str(two_forms / "b.xlsx"), empty, cwd=two_forms)  # among real paths too
    assert result.returncode == 2 and snapshot(tmp_path) == before


# ---------------------------------------------------------------- a total from a value that cannot be read


UNREADABLE_VALUES = {
    "a date": '<c r="{r}" t="d"><v>2021-12-31T00:00:00</v></c>',
    "a boolean": '<c r="{r}" t="b"><v>1</v></c>',
    "text": '<c r="{r}" t="inlineStr"><is><t>见附表</t></is></c>',
    "#N/A": '<c r="{r}" t="e"><v>#N/A</v></c>',
    "nothing": '<c r="{r}"/>',
}


@pytest.mark.parametrize("what", list(UNREADABLE_VALUES))
@pytest.mark.parametrize("key", ["budget.budget", "budget.spent", "budget.score"])
def test_a_total_that_depends_on_an_unreadable_budget_value_is_never_rewritten(tmp_path, key, what):
    """The small form's total 99 is right (19 + 20 + 60). With a budget cell that cannot be read, the total
    may be a warning that names the value, never an error 'corrected' to a total without the budget score."""
    from hostile import address, set_cells, small_form

    path = tmp_path / "预算不可读.xlsx"
    cells = small_form(path)
    ref = address(cells, key)
    set_cells(path, "xl/worksheets/sheet1.xml", {ref: UNREADABLE_VALUES[what].format(r=ref)})
    before = path.read_bytes()
    result = xlcheck("fix", str(path), "--format", "json")
    no_traceback(result)
    [report] = json.loads(result.stdout)["files"]
    totals = [f for f in report["findings"] if f["rule"] == "XC401"]
    assert all(f["severity"] == "warning" and not f["fixable"] for f in totals), totals
    if totals:
        assert "预算" in totals[0]["message"] and "总分" in totals[0]["message"]
    from xlcheck.package import read_sheets

    [sheet] = [s for s in read_sheets(report["output"]) if s.name == "测试项目"]
    total_cell = address(cells, "total")
    from xlcheck.model import parse_a1

    assert "99" in str(sheet.cells[parse_a1(total_cell)].value)  # the right total stays
    assert path.read_bytes() == before
