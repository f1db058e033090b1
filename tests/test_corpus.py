"""The second hostile corpus (issue 13) through the real command line: every case is built by code in
corpus.py (LibreOffice re-saves converted once per session), then `python -m xlcheck check` and `fix`
run on it in fresh processes, each under a timeout. For each case: the exit code and the message
expected, no traceback, the input's bytes unchanged, nothing written by `check`, only the corrected
copy written by `fix`; where the file is read, the same forms and findings as the plain sample, and
a corrected copy that is a valid package showing the corrected value.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

import corpus
from conftest import SAMPLES
from corpus import CASES
from hostile import FORM_SHEET, snapshot
from pkgcompare import check_sheet_xml
from xlcheck.model import parse_a1
from xlcheck.package import read_sheets, sheet_names

TIMEOUT = 120
LONG_NAME = ("区级科技创新专项资金绩效自评" * 3)[:31]


@dataclass(frozen=True)
class Refused:
    """Not read: this error code (and a word of its message) for check and fix, exit 2, nothing written."""

    code: str
    detail: str = ""


@dataclass(frozen=True)
class Read:
    """Read like `like` ('plain': the plain sample, 'seed': sample_workbooks/seed_mistakes.xlsx): the same
    forms and findings, check exit 1; fix exit 0 and its copy corrects `fixed` to `value` — or, where
    `fix_refused` names a code, fix is refused with it (exit 2, nothing written)."""

    like: str = "plain"
    sheet: str = FORM_SHEET
    fixed: str = "F6"
    fix_refused: str | None = None
    sheets: tuple = ()  # sheets the corrected copy must keep, besides the form and 核查结果


EXPECTED: dict[str, Refused | Read] = {
    "plain": Read(),
    "rows_out_of_order": Read(),
    "cells_out_of_order": Read(),
    "commented_out_row_in_sheet_data": Read(),
    "processing_instruction_and_cdata": Read(),
    "namespace_prefixes": Read(),
    "inline_strings_only": Read(),
    "shared_formulas": Read(),
    "absolute_part_paths": Read(),
    "backslashes_in_zip_names": Read(),
    "lying_dimension": Read(),
    "no_dimension_no_cell_refs": Read(),
    "huge_sparse_sheet": Read(),
    "three_hundred_sheets": Read(sheets=("附表2", "附表300")),
    "cell_of_32767_characters": Read(),
    "empty_values": Read(),
    "full_width_and_thousands_separators": Read(),
    "nan_in_a_cell": Refused("corrupt", "A30"),
    "infinity_in_a_cell": Refused("corrupt", "A30"),
    "overlapping_merges": Read(),
    "chartsheet_and_macro_sheet": Read(sheets=("图表", "宏表")),
    "workbook_xml_in_latin1": Read(),
    "workbook_xml_in_utf16": Read(),
    "two_parts_with_one_name": Refused("corrupt", "two parts"),
    "part_names_differing_in_case": Refused("corrupt", "two parts"),
    "part_name_percent_encoded": Refused("corrupt", "two parts"),
    "two_sheets_one_part": Refused("corrupt", "one part"),
    "sheet_names_differing_in_case": Refused("corrupt", "two sheets"),
    "duplicate_cell_in_a_row": Refused("corrupt", "two cells at F6"),
    "excel_2003_xml": Refused("not_workbook"),
    "strict_open_xml": Read(fix_refused="not_xlsx"),
    "name_with_spaces_newline_and_emoji": Read(),
    "long_chinese_name": Read(),
    "symlink_to_the_workbook": Read(),
    "libreoffice_xlsx": Read(like="seed", sheet="科技经信服务平台维护费", fixed="E6"),
    "libreoffice_xls": Read(like="seed", sheet="科技经信服务平台维护费", fixed="E6"),
    "libreoffice_ods": Refused("not_workbook", "zip"),
    "xls_with_31_character_sheet_name": Read(sheet=LONG_NAME),
    "xls_with_a_stray_far_cell": Read(),
}
LIBREOFFICE = {"libreoffice_xlsx", "libreoffice_xls", "libreoffice_ods", "xls_with_31_character_sheet_name", "xls_with_a_stray_far_cell"}


def test_the_corpus_is_complete():
    """Every case has an expectation and the other way round; at least 30 files."""
    assert set(EXPECTED) == set(CASES) | LIBREOFFICE
    assert len(EXPECTED) >= 30


def run(*args: str) -> tuple[int, dict | None, str]:
    """`python -m xlcheck ARGS --format json`: (exit code, the JSON document, stderr)."""
    result = subprocess.run([sys.executable, "-m", "xlcheck", *args, "--format", "json"], capture_output=True, timeout=TIMEOUT)
    stdout, stderr = result.stdout.decode("utf-8"), result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr and "panicked" not in stderr, stderr
    return result.returncode, json.loads(stdout) if stdout else None, stderr


def build(name: str, folder: Path, cache: Path | None) -> Path:
    folder.mkdir(parents=True)
    if name in CASES:
        return CASES[name](folder)
    if cache is None:
        return folder / "(no LibreOffice)"
    soffice = os.environ["XLCHECK_SOFFICE"]
    copies = corpus.libreoffice_copies(soffice, cache, SAMPLES / "seed_mistakes.xlsx")
    if name == "xls_with_31_character_sheet_name":
        return corpus.copy_into(corpus.xls_copy(soffice, cache, "sheet31", corpus.form_with_31_character_sheet_name), folder, "长表名.xls")
    if name == "xls_with_a_stray_far_cell":
        return corpus.copy_into(corpus.xls_copy(soffice, cache, "stray", corpus.form_with_stray_far_cell), folder, "远处单元格.xls")
    return corpus.copy_into(copies[name.rpartition("_")[2]], folder, f"另存.{name.rpartition('_')[2]}")


@dataclass
class Outcome:
    path: Path
    before: dict
    check: tuple
    after_check: dict
    fix: tuple
    after_fix: dict


def one_case(name: str, root: Path, cache: Path | None) -> Outcome | None:
    folder = root / name
    path = build(name, folder, cache)
    if not os.path.lexists(path):
        return None
    before = snapshot(folder)
    check = run("check", str(path))
    after_check = snapshot(folder)
    fix = run("fix", str(path))
    return Outcome(path, before, check, after_check, fix, snapshot(folder))


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory, request) -> dict[str, Outcome | None]:
    """Every case built and run (two at a time: the machine has two cores)."""
    import shutil

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    cache = None
    if soffice:
        os.environ["XLCHECK_SOFFICE"] = soffice
        cache = tmp_path_factory.mktemp("libreoffice")  # converted once per session
    root = tmp_path_factory.mktemp("corpus")
    for name in sorted(LIBREOFFICE):  # LibreOffice conversions one at a time, before the runs
        if cache is not None:
            build(name, root / "warm" / name, cache)
    with ThreadPoolExecutor(2) as pool:
        futures = {name: pool.submit(one_case, name, root, cache) for name in EXPECTED}
        return {name: future.result() for name, future in futures.items()}


@pytest.fixture(scope="module")
def references(tmp_path_factory) -> dict[str, dict]:
    """The plain sample's and the 19-form sample's check reports, as the CLI gives them."""
    folder = tmp_path_factory.mktemp("reference")
    paths = {"plain": corpus.plain_form(folder / "plain.xlsx"), "seed": SAMPLES / "seed_mistakes.xlsx"}
    return {key: run("check", str(path))[1]["files"][0] for key, path in paths.items()}


def comparable(report: dict, sheet: str | None = None) -> tuple:
    """A report's forms and findings, with the form's sheet name as `sheet` (a case may rename it)."""
    rename = (lambda s: FORM_SHEET if s == sheet else s) if sheet else (lambda s: s)
    forms = sorted((rename(f["sheet"]), f["kind"], f["reported_total"], f["computed_total"]) for f in report["forms"])
    findings = sorted((f["rule"], f["severity"], rename(f["sheet"]), f["cell"], f["reported"], f["expected"], f["fixable"])
                      for f in report["findings"])
    return forms, findings


@pytest.mark.parametrize("name", list(EXPECTED))
def test_case(name, outcomes, references):
    outcome = outcomes[name]
    if outcome is None:
        pytest.skip("LibreOffice (soffice) is not installed: this case cannot be made here")
    expected = EXPECTED[name]
    check_exit, check_doc, _ = outcome.check
    fix_exit, fix_doc, _ = outcome.fix
    [checked], [fixed] = check_doc["files"], fix_doc["files"]
    assert outcome.after_check == outcome.before  # check wrote nothing, touched nothing
    kept = {k: v for k, v in outcome.after_fix.items() if k in outcome.before}
    assert kept == outcome.before  # the input's bytes (and everything else there) unchanged
    new = set(outcome.after_fix) - set(outcome.before)

    if isinstance(expected, Refused):
        assert (check_exit, fix_exit) == (2, 2)
        for report in (checked, fixed):
            assert report["error"]["code"] == expected.code, report["error"]
            assert expected.detail in report["error"]["message"] and outcome.path.name in report["error"]["message"]
        assert new == set()
        return

    assert check_exit == 1, checked
    if expected.like == "plain":
        sheet = expected.sheet if expected.sheet != FORM_SHEET else None
        assert comparable(checked, sheet) == comparable(references["plain"])
    else:
        assert comparable(checked)[0] == comparable(references["seed"])[0]
        assert {f[:4] for f in comparable(checked)[1]} == {f[:4] for f in comparable(references["seed"])[1]}
    if expected.fix_refused:
        assert fix_exit == 2 and fixed["error"]["code"] == expected.fix_refused and new == set()
        return
    assert fix_exit == 0, fixed
    output = Path(fixed["output"])
    assert output.parent == outcome.path.parent and new == {output.name}
    assert_valid_package(output)
    sheets = {sheet.name: sheet for sheet in read_sheets(output)}
    assert {expected.sheet, "核查结果", *expected.sheets} <= {name for name, _ in sheet_names(output)}
    value = sheets[expected.sheet].cells[parse_a1(expected.fixed)].value
    finding = next(f for f in checked["findings"] if (f["sheet"], f["cell"]) == (expected.sheet, expected.fixed) and f["fixable"])
    written = finding["expected"]
    assert Decimal(str(value)) == (Decimal(written[:-1]) / 100 if written.endswith("%") else Decimal(written)), (value, finding)
    again_exit, again, _ = run("check", str(output))
    assert again_exit == 0 and not [f for f in again["files"][0]["findings"] if f["severity"] == "error"]


def assert_valid_package(path: Path) -> None:
    """What Excel insists on: each part once (case-insensitively), well-formed worksheets with rows and
    cells in order, sheet names unique case-insensitively, and every relationship's target present."""
    from xml.etree import ElementTree as ET

    from xlcheck.package import Package, local, resolve

    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if not n.endswith("/")]
        keys = [Package.key(n) for n in names]
        assert len(set(keys)) == len(keys) and all("\\" not in n for n in names), names
        for name in names:
            if name.endswith(".rels"):
                folder, base = name.rsplit("/", 1) if "/" in name else ("", name)
                source = (folder.rpartition("_rels")[0] + base.removesuffix(".rels")).lstrip("/") if base != ".rels" else ""
                for rel in ET.fromstring(z.read(name)):
                    if rel.get("TargetMode") != "External":
                        assert Package.key(resolve(source, rel.get("Target"))) in keys, (name, rel.get("Target"))
            elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
                check_sheet_xml(z.read(name))
        workbook = ET.fromstring(z.read("xl/workbook.xml"))
        sheet_names = [el.get("name").casefold() for section in workbook if local(section.tag) == "sheets" for el in section]
        assert len(set(sheet_names)) == len(sheet_names)


# ---------------------------------------------------------------- situations: places, links, timing


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "xlcheck", *args], capture_output=True, timeout=TIMEOUT, **kwargs)
    assert b"Traceback" not in result.stderr, result.stderr.decode("utf-8", "replace")
    return result


def test_a_fifo_in_a_folder_or_given_is_never_opened(tmp_path):
    """A named pipe called 管道.xlsx: opening it would wait for a writer forever."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    form = corpus.plain_form(tmp_path / "单位.xlsx")
    fifo = tmp_path / "管道.xlsx"
    os.mkfifo(fifo)
    result = cli("check", str(tmp_path), "--format", "json")
    assert result.returncode == 1
    assert [f["path"] for f in json.loads(result.stdout)["files"]] == [str(form)]
    result = cli("check", str(fifo), "--format", "json")
    assert result.returncode == 2 and json.loads(result.stdout)["files"][0]["error"]["code"] == "not_workbook"


def test_symlink_loops_do_not_hang_a_folder_search(tmp_path):
    """A folder link pointing at its own parent and a file link pointing at itself."""
    form = corpus.plain_form(tmp_path / "单位.xlsx")
    (tmp_path / "循环").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "自指.xlsx").symlink_to(tmp_path / "自指.xlsx")
    before = snapshot_names(tmp_path)
    result = cli("check", str(tmp_path), "--format", "json")
    assert result.returncode == 1
    assert [f["path"] for f in json.loads(result.stdout)["files"]] == [str(form)]
    result = cli("check", str(tmp_path / "自指.xlsx"), "--format", "json")
    assert result.returncode == 2 and json.loads(result.stdout)["files"][0]["error"]["code"] == "missing"
    assert snapshot_names(tmp_path) == before


def snapshot_names(folder: Path) -> list[str]:
    return sorted(entry.name for entry in os.scandir(folder))


def test_a_file_deleted_during_a_batch_is_that_files_error(tmp_path):
    """The folder is listed, then one workbook is deleted before its turn (here: by the batch itself, just
    before it reaches that file, so the moment is certain); it is reported missing, the others fixed."""
    folder = tmp_path / "收件箱"
    folder.mkdir()
    paths = [corpus.plain_form(folder / f"单位{i}.xlsx") for i in range(3)]
    script = (
        "import sys, pathlib, xlcheck.batch as batch\n"
        "original = batch.process_one\n"
        "def process_one(path, *args):\n"
        f"    if path.name == '单位1.xlsx': path.unlink()\n"
        "    return original(path, *args)\n"
        "batch.process_one = process_one\n"
        f"sys.argv = ['xlcheck', 'fix', {str(folder)!r}, '--format', 'json', '--jobs', '1']\n"
        "from xlcheck.cli import main\n"
        "main()\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=TIMEOUT)
    assert b"Traceback" not in result.stderr
    assert result.returncode == 2
    files = json.loads(result.stdout)["files"]
    assert [f["path"] for f in files] == [str(p) for p in paths]
    assert files[1]["error"]["code"] == "missing" and files[1]["output"] is None
    assert all(Path(f["output"]).exists() for f in (files[0], files[2]))
    assert snapshot_names(folder) == ["单位0.checked.xlsx", "单位0.xlsx", "单位2.checked.xlsx", "单位2.xlsx"]


def test_two_fixes_writing_one_output_at_once_leave_one_valid_copy(tmp_path):
    """Two processes fix different workbooks into the same -o at the same moment: each writes its own
    temporary file and renames it; the output is one of the two whole copies, nothing else is left."""
    first = corpus.plain_form(tmp_path / "甲.xlsx")
    second = tmp_path / "乙.xlsx"
    data = corpus.small_form_data()
    data["projects"][0]["budget"]["score"] = "18"
    corpus.small_form(second, data)
    out = tmp_path / "结果.xlsx"
    runs = [subprocess.Popen([sys.executable, "-m", "xlcheck", "fix", str(path), "-o", str(out)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for path in (first, second) for _ in range(2)]
    for run_ in runs:
        _, stderr = run_.communicate(timeout=TIMEOUT)
        assert run_.returncode == 0 and b"Traceback" not in stderr
    assert snapshot_names(tmp_path) == sorted([first.name, second.name, out.name])
    assert_valid_package(out)
    [sheet] = [s for s in read_sheets(out) if s.name == FORM_SHEET]
    assert sheet.cells[(6, 6)].value == 19
