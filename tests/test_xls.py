"""Legacy and WPS files: .xls (saved by LibreOffice) gives the same findings as the .xlsx; fix writes an
.xlsx converted from its cells and says so; .et and .xlsm are judged by their bytes, not their names;
macro workbooks keep their macros."""

from __future__ import annotations

import json
import shutil
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from xlcheck.api import check_workbook, default_output, fix_workbook
from xlcheck.cli import app
from xlcheck.model import Severity

from conftest import SAMPLES, convert_with_soffice

runner = CliRunner()
MISTAKES = json.loads((SAMPLES / "mistakes.json").read_text(encoding="utf-8"))
SAMPLE_NAMES = ["seed_clean", "seed_mistakes", "national_clean", "national_mistakes"]


def findings(report) -> list[tuple]:
    return [(f.rule, f.severity.value, f.sheet, f.cell, f.field, f.reported, f.expected, f.fixable, f.message)
            for f in report.findings]


def errors(report):
    return [f for f in report.findings if f.severity == Severity.ERROR]


@pytest.fixture(scope="module")
def xls(soffice, tmp_path_factory):
    """The committed samples saved as .xls by LibreOffice: {name: path}."""
    folder = tmp_path_factory.mktemp("xls")
    return {name: convert_with_soffice(soffice, SAMPLES / f"{name}.xlsx", "xls", folder) for name in SAMPLE_NAMES}


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_xls_gives_the_same_findings_as_the_xlsx(xls, name):
    original, legacy = check_workbook(SAMPLES / f"{name}.xlsx"), check_workbook(xls[name])
    assert legacy.error is None
    assert xls[name].read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # really BIFF
    assert findings(legacy) == findings(original)
    assert [c.settled["total"] for c in legacy.checks] == [c.settled["total"] for c in original.checks]


def test_fix_on_xls_writes_an_xlsx_converted_from_its_cells(xls, tmp_path):
    source = tmp_path / "unit.xls"
    shutil.copy(xls["seed_mistakes"], source)
    before = source.read_bytes()
    report = fix_workbook(source)
    assert report.error is None and report.converted_from == "xls"
    assert report.output == tmp_path / "unit.checked.xlsx" and report.remaining_errors == []
    assert source.read_bytes() == before
    again = check_workbook(report.output)
    assert errors(again) == []
    assert [c.settled["total"] for c in again.checks] == [c.settled["total"] for c in check_workbook(SAMPLES / "seed_clean.xlsx").checks]
    book = openpyxl.load_workbook(report.output)
    for planted in MISTAKES:
        if planted["severity"] == "error":
            assert "xlcheck" in book[planted["sheet"]][planted["cell"]].comment.text, planted
    science = book["科学技术研究与开发资金"]
    assert science["E6"].number_format == "0.00%" and science["E6"].value == pytest.approx(0.9521)
    assert any(str(r) == "A1:G1" for r in science.merged_cells.ranges)
    assert science.column_dimensions["D"].width > science.column_dimensions["B"].width  # widths carried over
    assert "核查结果" in book.sheetnames


def test_cli_says_the_copy_was_converted(xls, tmp_path):
    source = tmp_path / "unit.xls"
    shutil.copy(xls["national_mistakes"], source)
    text = runner.invoke(app, ["fix", str(source), "-o", str(tmp_path / "corrected.xls")])
    assert text.exit_code == 0, text.output
    assert (tmp_path / "corrected.xlsx").exists() and not (tmp_path / "corrected.xls").exists()
    assert "corrected.xlsx" in text.output and "已转换为 .xlsx" in text.output
    result = runner.invoke(app, ["fix", str(source), "--out-dir", str(tmp_path / "out"), "--format", "json"])
    [file] = json.loads(result.stdout)["files"]
    assert file["converted_from"] == "xls" and file["output"].endswith("unit.checked.xlsx")
    checked = runner.invoke(app, ["check", str(source), "--format", "json"])
    assert json.loads(checked.stdout)["files"][0]["converted_from"] is None


@pytest.mark.parametrize("suffix", [".et", ".xlsm", ".xlsx"])
def test_xls_bytes_under_another_name(xls, tmp_path, suffix):
    """A WPS .et (or a renamed file) that is an .xls inside is read as one and gets an .xlsx copy."""
    source = tmp_path / f"unit{suffix}"
    shutil.copy(xls["seed_mistakes"], source)
    assert findings(check_workbook(source)) == findings(check_workbook(SAMPLES / "seed_mistakes.xlsx"))
    assert default_output(source).name == "unit.checked.xlsx"
    report = fix_workbook(source)
    assert report.converted_from == "xls" and report.output.suffix == ".xlsx" and report.remaining_errors == []


def test_xls_named_xlsx_is_never_overwritten_by_its_converted_copy(xls, tmp_path):
    source = tmp_path / "unit.xlsx"
    shutil.copy(xls["seed_mistakes"], source)
    before = source.read_bytes()
    report = fix_workbook(source, source)
    assert report.error is not None and report.error.code == "same_path"
    assert source.read_bytes() == before


# ---------------------------------------------------------------------------------------------------
# Without LibreOffice: .et and .xlsm that are OOXML inside.
# ---------------------------------------------------------------------------------------------------

def test_et_with_an_xlsx_inside_is_edited_in_place_not_converted(tmp_path):
    source = tmp_path / "unit.et"
    shutil.copy(SAMPLES / "seed_mistakes.xlsx", source)
    assert findings(check_workbook(source)) == findings(check_workbook(SAMPLES / "seed_mistakes.xlsx"))
    report = fix_workbook(source)
    assert report.output == tmp_path / "unit.checked.xlsx" and report.converted_from is None
    assert errors(check_workbook(report.output)) == []


def macro_workbook(source, target):
    """`source` made macro-enabled, as Excel stores an .xlsm: the workbook's content type and a VBA part."""
    vba = b"\xd0\xcf\x11\xe0 not really a VBA project"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml").replace(
                    b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/'
                                    b'office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
            dst.writestr(info, data)
        dst.writestr("xl/vbaProject.bin", vba)
    return vba


@pytest.mark.parametrize("name", ["unit.xlsm", "renamed.xlsx"])
def test_macro_workbook_keeps_its_macros_and_suffix(tmp_path, name):
    source = tmp_path / name
    vba = macro_workbook(SAMPLES / "seed_mistakes.xlsx", source)
    report = fix_workbook(source)
    assert report.error is None and report.output.suffix == ".xlsm" and report.converted_from is None
    with zipfile.ZipFile(report.output) as out:
        assert out.read("xl/vbaProject.bin") == vba
        assert b"macroEnabled" in out.read("[Content_Types].xml")
    assert errors(check_workbook(report.output)) == []


def test_plain_workbook_named_xlsm_gets_an_xlsx_copy(tmp_path):
    source = tmp_path / "unit.xlsm"
    shutil.copy(SAMPLES / "seed_mistakes.xlsx", source)
    assert default_output(source).name == "unit.checked.xlsx"


def test_output_named_xls_for_an_xlsx_gets_the_xlsx_suffix(tmp_path):
    report = fix_workbook(SAMPLES / "national_mistakes.xlsx", tmp_path / "fixed.xls")
    assert report.output == tmp_path / "fixed.xlsx" and report.error is None
    assert [c.settled["total"] for c in check_workbook(report.output).checks][-1] == Decimal("93.68")
