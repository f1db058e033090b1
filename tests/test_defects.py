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
import zipfile
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


# ---------------------------------------------------------------- a "fixed" cell that still showed the wrong value


@pytest.mark.parametrize("name", ["rows_out_of_order", "cells_out_of_order", "commented_out_row_in_sheet_data",
                                  "processing_instruction_and_cdata", "no_dimension_no_cell_refs"])
def test_fix_corrects_the_cell_whatever_the_order_and_comments_of_the_sheet(tmp_path, name):
    """Before: fix said it corrected F6 (19.5 -> 19) but the copy still showed 19.5 (and, for rows out of
    order, kept rows Excel repairs or rejects). Now the copy shows 19 and its rows and cells ascend."""
    import corpus
    from pkgcompare import check_sheet_xml
    from xlcheck.package import read_sheets

    path = corpus.CASES[name](tmp_path)
    out = tmp_path / "out.xlsx"
    result = xlcheck("fix", str(path), "-o", str(out))
    no_traceback(result)
    assert result.returncode == 0, result.stdout.decode()
    assert "F6" in result.stdout.decode()
    [sheet] = [s for s in read_sheets(out) if s.name == "测试项目"]
    assert sheet.cells[(6, 6)].value == 19
    with zipfile.ZipFile(out) as z:
        check_sheet_xml(z.read("xl/worksheets/sheet1.xml"))


def test_a_workbook_xml_in_another_encoding_gets_a_readable_report_sheet_name(tmp_path):
    """Before: workbook.xml declared ISO-8859-1 got the new sheet's name written as UTF-8 bytes: mojibake."""
    import corpus
    from xlcheck.package import sheet_names

    for name in ("workbook_xml_in_latin1", "workbook_xml_in_utf16"):
        folder = tmp_path / name
        folder.mkdir()
        path = corpus.CASES[name](folder)
        out = folder / "out.xlsx"
        result = xlcheck("fix", str(path), "-o", str(out))
        no_traceback(result)
        assert result.returncode == 0, result.stderr.decode()
        assert [n for n, _ in sheet_names(out)] == ["测试项目", "核查结果"]


@pytest.mark.parametrize("name, detail", [("sheet_names_differing_in_case", "two sheets"), ("two_parts_with_one_name", "two parts"),
                                          ("part_names_differing_in_case", "two parts"), ("two_sheets_one_part", "one part"),
                                          ("duplicate_cell_in_a_row", "two cells")])
def test_an_ambiguous_package_is_refused_not_read_one_way_and_fixed(tmp_path, name, detail):
    """Before: xlcheck read one of two parts (or sheets Excel holds to be one) and wrote a 'corrected' copy."""
    import corpus

    path = corpus.CASES[name](tmp_path)
    before = snapshot(tmp_path)
    for command in ("check", "fix"):
        result = xlcheck(command, str(path), "--format", "json")
        no_traceback(result)
        assert result.returncode == 2
        error = json.loads(result.stdout)["files"][0]["error"]
        assert error["code"] == "corrupt" and detail in error["message"] and path.name in error["message"]
    assert snapshot(tmp_path) == before


def test_a_copy_that_fails_its_check_is_an_internal_error_with_nothing_written(tmp_path, monkeypatch):
    """The written package is checked before it is renamed into place: here the report sheet's XML is
    broken on purpose; the answer is 'internal', the file named, nothing written."""
    from click.testing import CliRunner

    import xlcheck.writer
    from xlcheck.cli import app

    path = tmp_path / "单位.xlsx"
    import corpus

    corpus.plain_form(path)
    original = xlcheck.writer._Edit._report

    def broken(self, tables, name):
        original(self, tables, name)
        part = next(p for p in self.texts if p.startswith("xl/worksheets/sheet") and p != "xl/worksheets/sheet1.xml")
        self.texts[part] = self.texts[part].replace("</sheetData>", "<row r=\"1\"/></sheetData>")

    monkeypatch.setattr(xlcheck.writer._Edit, "_report", broken)
    before = snapshot(tmp_path)
    result = CliRunner().invoke(app, ["fix", str(path), "--format", "json"])
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["files"][0]["error"]
    assert error["code"] == "internal" and path.name in error["message"] and "row 1" in error["message"]
    assert snapshot(tmp_path) == before


# ---------------------------------------------------------------- output that crashed


def test_a_gbk_console_gets_its_output_without_a_traceback(tmp_path):
    """Chinese Windows: stdout in GBK, which has no ² and no emoji. Text replaces them; JSON escapes them
    (\\u00b2), so the document stays exact."""
    import corpus

    paths = [corpus.plain_form(tmp_path / name) for name in ("面积m².xlsx", "📊报表.xlsx")]
    env = {"PYTHONIOENCODING": "gbk", "PYTHONUTF8": "0", "LC_ALL": "C"}
    text = xlcheck("check", *map(str, paths), env=env)
    no_traceback(text)
    assert text.returncode == 1 and "F6" in text.stdout.decode("gbk")
    data = xlcheck("check", *map(str, paths), "--format", "json", env=env)
    no_traceback(data)
    assert data.returncode == 1
    assert [f["path"] for f in json.loads(data.stdout.decode("gbk"))["files"]] == list(map(str, paths))


def test_an_undecodable_file_name_is_escaped_in_json_and_the_summary(tmp_path):
    """A name made on a GBK machine and copied over as raw bytes (not valid UTF-8)."""
    import corpus

    folder = tmp_path / "收件箱"
    folder.mkdir()
    good = corpus.plain_form(folder / "a.xlsx")
    raw = os.fsencode(folder) + b"/\xb5\xa5\xce\xbb.xlsx"  # 单位 in GBK
    os.rename(corpus.plain_form(folder / "b.xlsx"), raw)
    summary = tmp_path / "汇总.csv"
    result = xlcheck("check", str(folder), "--format", "json", "--summary", str(summary))
    no_traceback(result)
    assert result.returncode == 1
    paths = [f["path"] for f in json.loads(result.stdout.decode("utf-8"))["files"]]
    assert paths == [str(good), str(folder) + "/\\xb5\\xa5λ.xlsx"]  # ce bb happens to be UTF-8 for λ
    rows = summary.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 3 and rows[2].startswith(str(folder) + "/\\xb5\\xa5")
    text = xlcheck("check", str(folder))
    no_traceback(text)
    assert "\\xb5\\xa5λ.xlsx" in text.stdout.decode("utf-8") and "\ufffd" not in text.stdout.decode("utf-8")


def test_stdout_on_a_full_disk_is_exit_2_with_a_message(tmp_path):
    """Before: a traceback and exit 1, which reads as 'errors found'."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    import corpus

    path = corpus.plain_form(tmp_path / "单位.xlsx")
    for args in (["check", str(path)], ["check", str(path), "--format", "json"], ["fix", str(path), "-o", str(tmp_path / "o.xlsx")]):
        with open("/dev/full", "w") as full:
            result = xlcheck(*args, stdout=full)
        no_traceback(result)
        assert result.returncode == 2
        assert "无法输出" in result.stderr.decode() and "Exception ignored" not in result.stderr.decode()


# ---------------------------------------------------------------- names and folders


def test_a_long_chinese_file_name_can_be_fixed(tmp_path):
    """76 characters: the output name fits in 255 bytes, the temporary name built from it did not."""
    import corpus

    path = corpus.long_chinese_name(tmp_path)
    assert len(os.fsencode(path.stem + ".checked.xlsx")) <= 255
    result = xlcheck("fix", str(path), "--format", "json")
    no_traceback(result)
    assert result.returncode == 0, result.stdout.decode()
    output = Path(json.loads(result.stdout)["files"][0]["output"])
    assert output.exists() and sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, output.name])


def test_an_unreadable_subfolder_is_reported_missing_and_the_batch_exits_2(tmp_path):
    """Before: skipped silently, exit 0. Root reads any folder, so as root xlcheck runs without the
    capabilities that let it (setpriv), as an ordinary user would."""
    import corpus

    folder = tmp_path / "各单位"
    (folder / "甲单位").mkdir(parents=True)
    (folder / "乙单位").mkdir()
    corpus.plain_form(folder / "甲单位" / "a.xlsx")
    corpus.plain_form(folder / "乙单位" / "b.xlsx")
    locked = folder / "乙单位"
    locked.chmod(0)
    prefix = []
    if IS_ROOT:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: a folder root cannot read cannot be made")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    try:
        result = subprocess.run([*prefix, sys.executable, "-m", "xlcheck", "check", str(folder), "--format", "json"],
                                capture_output=True, timeout=TIMEOUT)
    finally:
        locked.chmod(0o755)
    no_traceback(result)
    assert result.returncode == 2, result.stdout.decode()
    files = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    assert files["a.xlsx"]["status"] == "findings"
    assert files["乙单位"]["error"]["code"] == "missing" and "乙单位" in files["乙单位"]["error"]["message"]


IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
