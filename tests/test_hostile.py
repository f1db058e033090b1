"""Broken and hostile input through the command line, as a finance clerk meets it: a clear message and
exit 2 (never a traceback), nothing written, nothing left behind, the input untouched. Forms with
unreadable cells are read, and the finding names the cell.

The inputs are built by code in hostile.py; this file holds what xlcheck must answer to each.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from click.testing import CliRunner

import hostile
from conftest import SAMPLES
from hostile import CORPUS, FORM_SHEET, FORMULA_NAMES, snapshot
from xlcheck import writer
from xlcheck.cli import app

runner = CliRunner()
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass(frozen=True)
class Refused:
    """A file xlcheck cannot read: this code, exit 2 for check and fix, nothing written."""

    code: str
    detail: str = ""  # a word the message's English gloss carries


@dataclass(frozen=True)
class Read:
    """A form that is read: exit codes for check and fix, and findings (rule, severity, sheet, cell, reported)
    that must be there (reported None: not compared)."""

    check_exit: int
    fix_exit: int
    findings: tuple = ()
    sheet: str = FORM_SHEET
    report_sheets: tuple = ()  # the output's sheet names, when they matter
    extra: dict = field(default_factory=dict)


EXPECTED: dict[str, Refused | Read] = {
    "empty_file": Refused("empty"),
    "text_named_xlsx": Refused("not_workbook"),
    "pdf_named_xlsx": Refused("not_workbook"),
    "png_named_xlsx": Refused("not_workbook"),
    "docx_named_xlsx": Refused("not_workbook", "Word"),
    "plain_zip_named_xlsx": Refused("not_workbook", "zip archive"),
    "zip_without_workbook_part": Refused("corrupt", "workbook.xml"),
    "truncated_to_2_bytes": Refused("corrupt"),
    "truncated_to_100_bytes": Refused("corrupt"),
    "truncated_at_half": Refused("corrupt"),
    "truncated_in_central_directory": Refused("corrupt"),
    "corrupt_sheet_xml": Refused("corrupt", "bad XML"),
    "corrupt_compressed_bytes": Refused("corrupt", "cannot unpack"),
    "relationship_to_etc_passwd": Refused("corrupt", "missing part"),
    "xlsb_named_xlsx": Refused("unsupported", ".xlsb"),
    "billion_laughs_in_shared_strings": Refused("unsafe_xml", "sharedStrings"),
    "billion_laughs_in_sheet": Refused("unsafe_xml", "sheet1.xml"),
    "external_entity_in_sheet": Refused("unsafe_xml", "sheet1.xml"),
    "external_dtd_in_workbook": Refused("unsafe_xml", "workbook.xml"),
    "zip_bomb_by_ratio": Refused("too_large", "compressed"),
    "zip_bomb_by_total_size": Refused("too_large", "bytes unpacked"),
    "zip_bomb_with_lying_header": Refused("corrupt", "cannot unpack"),
    "encrypted_workbook": Refused("encrypted"),
    "zip_member_encrypted": Refused("encrypted"),
    "legacy_word_document": Refused("not_workbook", "OLE2"),
    "xls_with_garbage_workbook_stream": Refused("corrupt"),
    "directory_named_xlsx": Refused("not_workbook", "folder"),
    "no_read_permission": Refused("missing", "PermissionError"),
    "missing_file": Refused("missing"),
    "only_an_empty_sheet": Refused("no_form"),
    "text_but_no_form": Refused("no_form"),
    "scores_ref_and_div0": Read(1, 0, (("XC102", "error", FORM_SHEET, "F6", "#REF!"), ("XC001", "warning", FORM_SHEET, "G11", "#DIV/0!"),
                                       ("XC401", "warning", FORM_SHEET, "A2", "99"))),
    "spent_is_ref": Read(0, 0, (("XC001", "warning", FORM_SHEET, "D6", "#REF!"),)),
    "formulas_without_cached_values": Read(1, 0, (("XC101", "error", FORM_SHEET, "E6", "=D6/C6（无计算结果）"),
                                                  ("XC102", "error", FORM_SHEET, "F6", "=MIN(20,20*E6)（无计算结果）"),
                                                  ("XC001", "warning", FORM_SHEET, "G10", "=20*1（无计算结果）"),
                                                  ("XC401", "warning", FORM_SHEET, "A2", "99"))),
    "huge_number_in_a_cell": Read(1, 0, (("XC101", "error", FORM_SHEET, "E6", "95.00%"),)),
    "already_checked": Read(1, 0, (("XC102", "error", FORM_SHEET, "F6", "18"),), report_sheets=(FORM_SHEET, "核查结果")),
    "user_sheet_named_like_the_report": Read(0, 0, report_sheets=(FORM_SHEET, "核查结果", "核查结果2")),
    "formula_like_file_name": Read(1, 0, (("XC102", "error", FORM_SHEET, "F6", "19.5"),)),
    "sheet_named_path_traversal": Read(1, 0, (("XC102", "error", "../../evil", "F6", "19.5"),), sheet="../../evil"),
    "sheet_named_with_xml_specials": Read(1, 0, (("XC102", "error", "<表&\"1\"'>", "F6", "19.5"),), sheet="<表&\"1\"'>"),
    "formula_like_indicator_names": Read(1, 0, (("XC301", "error", "公式名称", "G10", "20"), ("XC401", "error", "公式名称", "A2", "99")),
                                         sheet="公式名称"),
}

_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_corpus_is_complete():
    """Every builder has an expectation and the other way round; at least 25 broken or hostile inputs."""
    assert set(EXPECTED) == set(CORPUS)
    assert len(CORPUS) >= 25


def chinese_first(message: str) -> bool:
    """The message is Chinese before any English: the first letter outside the quoted file name is CJK,
    and the English gloss, if any, comes last in parentheses."""
    bare = re.sub(r'"[^"]*"|“[^”]*”', "", message)
    first = re.search(r"[A-Za-z\u4e00-\u9fff]", bare)
    return first is not None and bool(_CJK.match(first.group())) and (" (" not in bare or bare.rstrip().endswith(")"))


def no_traceback(result) -> None:
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in text and "panicked" not in text, text
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def build(name: str, tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    path = CORPUS[name](folder)
    if name == "no_read_permission" and os.access(path, os.R_OK):
        pytest.skip("chmod 000 does not stop this user (root) from reading: the unreadable-file case cannot be made here")
    return folder, path


@pytest.mark.parametrize("name", list(CORPUS))
def test_check_answers_and_writes_nothing(name, tmp_path):
    folder, path = build(name, tmp_path)
    expected = EXPECTED[name]
    before = snapshot(folder)

    text = runner.invoke(app, ["check", str(path)])
    no_traceback(text)
    data = runner.invoke(app, ["check", str(path), "--format", "json"])
    no_traceback(data)
    [report] = json.loads(data.stdout)["files"]
    assert snapshot(folder) == before  # nothing written, nothing touched (bytes and mtimes)

    if isinstance(expected, Refused):
        assert text.exit_code == data.exit_code == 2, text.output
        assert report["status"] == "error" and report["error"]["code"] == expected.code, report
        message = report["error"]["message"]
        assert path.name in message and chinese_first(message), message
        assert expected.detail in message, message
        first_line = text.output.strip().splitlines()[0]
        assert first_line.startswith(str(path)) and message in first_line
    else:
        assert text.exit_code == data.exit_code == expected.check_exit, text.output
        assert report["status"] != "error", report
        got = {(f["rule"], f["severity"], f["sheet"], f["cell"]): f for f in report["findings"]}
        for rule, severity, sheet, cell, reported in expected.findings:
            finding = got.get((rule, severity, sheet, cell))
            assert finding is not None, (rule, severity, sheet, cell, sorted(got))
            if reported is not None:
                assert finding["reported"] == reported, finding
            assert f"{sheet}!{cell}" in text.output


@pytest.mark.parametrize("name", list(CORPUS))
def test_fix_answers_and_leaves_only_its_output(name, tmp_path):
    folder, path = build(name, tmp_path)
    expected = EXPECTED[name]
    before = snapshot(folder)

    result = runner.invoke(app, ["fix", str(path), "--format", "json"])
    no_traceback(result)
    [report] = json.loads(result.stdout)["files"]
    after = snapshot(folder)
    new = set(after) - set(before)
    assert {k: v for k, v in after.items() if k in before} == before  # the input (and all else) untouched

    if isinstance(expected, Refused):
        assert result.exit_code == 2
        assert report["error"]["code"] == expected.code and report["output"] is None
        assert new == set(), new  # no output, no temporary file
        return
    assert result.exit_code == expected.fix_exit, result.output
    output = Path(report["output"])
    assert new == {str(output.relative_to(folder))}, new  # exactly the corrected copy, no temporary file
    assert output.parent == path.parent and output.name.endswith(".checked.xlsx")
    assert not any(f["severity"] == "error" and not f["fixable"] for f in report["findings"])
    sheetnames = CalamineWorkbook.from_path(str(output)).sheet_names  # openpyxl refuses a sheet named ../../evil
    assert expected.sheet in sheetnames
    if expected.report_sheets:
        assert sheetnames == list(expected.report_sheets)
    again = runner.invoke(app, ["check", str(output), "--format", "json"])
    no_traceback(again)
    assert not any(f["severity"] == "error" for f in json.loads(again.stdout)["files"][0]["findings"])


# ---------------------------------------------------------------- what the form-level answers look like


def test_unreadable_cells_are_named_never_read_as_zero(tmp_path):
    path = hostile.formulas_without_cached_values(tmp_path)
    result = runner.invoke(app, ["check", str(path)])
    lines = result.output.splitlines()
    rate = next(line for line in lines if f"{FORM_SHEET}!E6" in line)
    assert "=D6/C6（无计算结果）" in rate and "没有保存计算结果" in rate and "95.00%" in rate
    total = next(line for line in lines if f"{FORM_SHEET}!A2" in line)
    assert total.startswith("  [警告]") and "总分无法核算" in total and "G10" in total
    (tmp_path / "ref").mkdir()
    ref = hostile.scores_ref_and_div0(tmp_path / "ref")
    lines = runner.invoke(app, ["check", str(ref)]).output.splitlines()
    assert any(f"{FORM_SHEET}!F6" in line and "#REF!" in line and "应为 19" in line for line in lines)
    assert any(f"{FORM_SHEET}!G11" in line and "#DIV/0!" in line and line.startswith("  [警告]") for line in lines)
    assert not any("不足 60" in line for line in lines)  # an unreadable score is not a missing point


def test_a_run_on_a_corrected_copy_keeps_one_report_sheet_and_the_earlier_note(tmp_path):
    path = hostile.already_checked(tmp_path)
    out = tmp_path / "again.xlsx"
    result = runner.invoke(app, ["fix", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [FORM_SHEET, "核查结果"]
    rows = list(book["核查结果"].iter_rows(values_only=True))
    assert rows[7][2:4] == (FORM_SHEET, "F6") and len([r for r in rows if r[0] == 1]) == 1  # row 8: the first finding
    sheet = book[FORM_SHEET]
    assert sheet["E6"].comment is not None and "95.50%" in sheet["E6"].comment.text  # the first run's note is kept
    assert sheet["F6"].value == 19 and "xlcheck" in sheet["F6"].comment.text


def test_formula_like_text_from_the_input_stays_text(tmp_path):
    path = hostile.formula_like_indicator_names(tmp_path)
    out = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["fix", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    report = book["核查结果"]
    texts = [cell for row in report.iter_rows() for cell in row if isinstance(cell.value, str)]
    dangerous = [cell for cell in texts if cell.value.startswith(("=", "+", "-", "@"))]
    assert any(cell.value == "=1+1项目" for cell in dangerous)  # the form's name, in the 项目 column
    assert all(cell.data_type == "s" for cell in dangerous)
    assert any(FORMULA_NAMES[0] in cell.value for cell in texts)
    with zipfile.ZipFile(out) as z:
        sheet_xml = {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")}
    report_xml = [xml for xml in sheet_xml.values() if "序号".encode() in xml]
    assert report_xml and all(b"<f>" not in xml and b"<f " not in xml for xml in report_xml)
    fixed = book["公式名称"]
    assert fixed["G10"].value == 10 and "xlcheck" in fixed["G10"].comment.text
    assert fixed["D10"].value == FORMULA_NAMES[0] and fixed["D10"].data_type == "s"  # untouched input text stays text


def test_hostile_names_write_nowhere_but_the_output(tmp_path):
    """A sheet called ../../evil and a path that reads like a formula: the output is one file beside the input."""
    outside = tmp_path.parent / "evil"
    for build_one in (hostile.sheet_named_path_traversal, hostile.formula_like_file_name):
        folder = tmp_path / build_one.__name__
        folder.mkdir()
        path = build_one(folder)
        everything_before = snapshot(tmp_path)
        result = runner.invoke(app, ["fix", str(path), "--summary", str(tmp_path / f"{build_one.__name__}.csv")])
        assert result.exit_code == 0, result.output
        created = set(snapshot(tmp_path)) - set(everything_before)
        output = path.with_name(path.stem + ".checked.xlsx")
        assert created == {str(output.relative_to(tmp_path)), f"{build_one.__name__}.csv"}, created
        assert not outside.exists()



def test_a_formula_like_path_stays_text_in_the_summary(tmp_path, monkeypatch):
    """Given as a relative path, '=cmd|' /C calc'!A0.xlsx' starts the summary's first column: the .csv
    gets a leading apostrophe (Excel would run it), the .xlsx writes it as a string."""
    path = hostile.formula_like_file_name(tmp_path)
    monkeypatch.chdir(tmp_path)
    relative = str(path.relative_to(tmp_path))
    assert relative.startswith("=cmd|")
    result = runner.invoke(app, ["check", relative, "--summary", "summary.csv"])
    no_traceback(result)
    rows = list(csv.reader((tmp_path / "summary.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][0] == "'" + relative
    result = runner.invoke(app, ["check", relative, "--summary", "summary.xlsx"])
    no_traceback(result)
    cell = openpyxl.load_workbook(tmp_path / "summary.xlsx").worksheets[0]["A2"]
    assert cell.value == relative and cell.data_type == "s"


# ---------------------------------------------------------------- nothing lost: the output side


@pytest.fixture()
def form(tmp_path) -> Path:
    data = hostile.small_form_data()
    data["projects"][0]["budget"]["score"] = "19.5"
    path = tmp_path / "单位.xlsx"
    hostile.small_form(path, data)
    return path


def test_output_equal_to_input_is_refused(form):
    before = form.read_bytes(), form.stat().st_mtime_ns
    for target in (form, form.parent / "." / form.name, form.parent / "x" / ".." / form.name):
        result = runner.invoke(app, ["fix", str(form), "-o", str(target), "--format", "json"])
        no_traceback(result)
        assert result.exit_code == 2
        error = json.loads(result.stdout)["files"][0]["error"]
        assert error["code"] == "same_path" and form.name in error["message"] and chinese_first(error["message"])
    assert (form.read_bytes(), form.stat().st_mtime_ns) == before
    assert sorted(p.name for p in form.parent.iterdir()) == [form.name]


def test_an_unwritable_output_place_is_a_message(form, tmp_path):
    """Root ignores permissions, so the output is put under a regular file (always unwritable); a
    read-only folder is tried too where this user cannot write to it."""
    blocker = tmp_path / "a file"
    blocker.write_text("x")
    targets = [blocker / "out.xlsx", tmp_path / "no such folder" / "out.xlsx"]
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    readonly.chmod(0o555)
    if not os.access(readonly, os.W_OK):
        targets.append(readonly / "out.xlsx")
    before = snapshot(tmp_path)
    for target in targets:
        result = runner.invoke(app, ["fix", str(form), "-o", str(target), "--format", "json"])
        no_traceback(result)
        assert result.exit_code == 2, result.output
        error = json.loads(result.stdout)["files"][0]["error"]
        assert error["code"] == "cannot_write" and str(target) in error["message"] and chinese_first(error["message"])
    result = runner.invoke(app, ["fix", str(form), "--out-dir", str(blocker / "sub")])
    no_traceback(result)
    assert result.exit_code == 2 and "无法创建输出文件夹" in result.output
    readonly.chmod(0o755)
    assert snapshot(tmp_path) == before


def test_immutable_folder_where_chattr_works(form, tmp_path):
    """A folder made immutable (chattr +i) stops even root; skipped where chattr is unavailable."""
    folder = tmp_path / "locked"
    folder.mkdir()
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here (no chattr, or the file system or container refuses it)")
    try:
        result = runner.invoke(app, ["fix", str(form), "-o", str(folder / "out.xlsx"), "--format", "json"])
        assert result.exit_code == 2 and json.loads(result.stdout)["files"][0]["error"]["code"] == "cannot_write"
        assert list(folder.iterdir()) == []
    finally:
        subprocess.run([chattr, "-i", str(folder)], capture_output=True)


@pytest.mark.parametrize("failure", ["full disk", "interrupted"])
def test_a_failure_midway_keeps_the_old_output_and_leaves_no_temp_file(form, tmp_path, monkeypatch, failure):
    out = tmp_path / "单位.checked.xlsx"
    out.write_bytes(b"the output of an earlier run")
    calls = []
    original = writer._ZipOut._member  # writes one part of the copy to the disk

    def failing(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise OSError(28, "No space left on device") if failure == "full disk" else KeyboardInterrupt()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(writer._ZipOut, "_member", failing)
    result = runner.invoke(app, ["fix", str(form), "-o", str(out), "--format", "json"])
    assert "Traceback" not in result.output
    if failure == "full disk":
        assert result.exit_code == 2
        error = json.loads(result.stdout)["files"][0]["error"]
        assert error["code"] == "cannot_write" and "No space left" in error["message"] and chinese_first(error["message"])
    else:
        assert result.exit_code != 0  # Ctrl-C stops the run
    assert out.read_bytes() == b"the output of an earlier run"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([form.name, out.name])


def test_a_kill_midway_keeps_the_old_output_and_the_next_run_clears_the_leftover(form, tmp_path):
    """SIGKILL (no handler runs) in a real process while the zip is being written: the earlier output is
    intact; the hidden temporary file it leaves is removed by the next run that writes the same output."""
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("no SIGKILL on this platform")
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"earlier output")
    script = textwrap.dedent(f"""
        import os, signal, sys
        from xlcheck import writer
        calls = []
        original = writer._ZipOut._member  # writes one part of the copy to the disk
        def dying(self, *args, **kwargs):
            calls.append(1)
            if len(calls) == 3:
                os.kill(os.getpid(), signal.SIGKILL)
            return original(self, *args, **kwargs)
        writer._ZipOut._member = dying
        sys.argv = ["xlcheck", "fix", {str(form)!r}, "-o", {str(out)!r}]
        from xlcheck.cli import main
        main()
    """)
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL
    assert out.read_bytes() == b"earlier output"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in (form.name, out.name)]
    assert all(name.startswith(".out.xlsx.") and name.endswith(".tmp") for name in leftovers)
    result = subprocess.run([sys.executable, "-m", "xlcheck", "fix", str(form), "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([form.name, out.name])
    assert openpyxl.load_workbook(out)["核查结果"]["A1"].value == "xlcheck 核查结果"


def test_a_batch_reports_the_bad_files_and_fixes_the_good_ones(tmp_path):
    folder = tmp_path / "收件箱"
    folder.mkdir()
    bad = [CORPUS[name](folder) for name in ("empty_file", "pdf_named_xlsx", "encrypted_workbook", "zip_bomb_by_ratio", "xls_with_garbage_workbook_stream")]
    good = [folder / "a.xlsx", folder / "b.xlsx"]
    shutil.copy(SAMPLES / "seed_mistakes.xlsx", good[0])
    shutil.copy(SAMPLES / "seed_clean.xlsx", good[1])
    result = runner.invoke(app, ["fix", str(folder), "--out-dir", str(tmp_path / "out"), "--format", "json", "--jobs", "2"])
    no_traceback(result)
    assert result.exit_code == 2
    files = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    assert set(files) == {p.name for p in bad + good}
    assert all(files[p.name]["status"] == "error" and files[p.name]["output"] is None for p in bad)
    assert all(files[p.name]["status"] != "error" and Path(files[p.name]["output"]).exists() for p in good)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.checked.xlsx", "b.checked.xlsx"]


def test_a_bug_or_a_native_panic_in_one_file_is_that_files_error(tmp_path, monkeypatch):
    """Whatever escapes the reader — here a BaseException like pyo3's PanicException — becomes an
    'internal' error naming the file; the next file is still checked; no traceback."""
    import xlcheck.api

    class Panic(BaseException):
        pass

    original = xlcheck.api.read_forms

    def reader(path):
        if Path(path).name == "bug.xlsx":
            raise Panic("index out of bounds")
        return original(path)

    monkeypatch.setattr(xlcheck.api, "read_forms", reader)
    shutil.copy(SAMPLES / "seed_clean.xlsx", tmp_path / "bug.xlsx")
    shutil.copy(SAMPLES / "seed_clean.xlsx", tmp_path / "fine.xlsx")
    result = runner.invoke(app, ["check", str(tmp_path / "bug.xlsx"), str(tmp_path / "fine.xlsx"), "--format", "json", "--jobs", "1"])
    no_traceback(result)
    assert result.exit_code == 2
    bug, fine = json.loads(result.stdout)["files"]
    assert bug["error"]["code"] == "internal" and "bug.xlsx" in bug["error"]["message"] and chinese_first(bug["error"]["message"])
    assert fine["status"] != "error" and len(fine["forms"]) == 19


# ---------------------------------------------------------------- a real process over the whole corpus


def test_the_whole_corpus_in_one_real_run(tmp_path):
    """`python -m xlcheck` over every input at once (parallel workers): each file gets its answer, the
    batch exits 2, and stderr holds no traceback and no native-library panic."""
    paths, names = [], []
    for name in CORPUS:
        if name == "no_read_permission" and IS_ROOT:
            continue
        folder = tmp_path / name
        folder.mkdir()
        paths.append(str(CORPUS[name](folder)))
        names.append(name)
    before = snapshot(tmp_path)
    env = {**os.environ, "RUST_BACKTRACE": "1"}
    check = subprocess.run([sys.executable, "-m", "xlcheck", "check", "--format", "json", *paths],
                           capture_output=True, text=True, timeout=300, env=env)
    assert check.returncode == 2
    assert "Traceback" not in check.stderr and "panicked" not in check.stderr, check.stderr
    assert snapshot(tmp_path) == before
    files = json.loads(check.stdout)["files"]
    assert [f["path"] for f in files] == paths
    for name, report in zip(names, files):
        expected = EXPECTED[name]
        if isinstance(expected, Refused):
            assert report["error"]["code"] == expected.code, (name, report["error"])
        else:
            assert report["status"] != "error", (name, report)
    fix = subprocess.run([sys.executable, "-m", "xlcheck", "fix", "--format", "json", *paths],
                         capture_output=True, text=True, timeout=300, env=env)
    assert fix.returncode == 2 and "Traceback" not in fix.stderr and "panicked" not in fix.stderr, fix.stderr
    outputs = {f["output"] for f in json.loads(fix.stdout)["files"] if f["output"]}
    assert len(outputs) == sum(isinstance(EXPECTED[n], Read) for n in names)
    created = {str(tmp_path / p) for p in set(snapshot(tmp_path)) - set(before)}
    assert created == outputs
