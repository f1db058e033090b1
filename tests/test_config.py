"""Choosing rules: --select / --ignore, xlcheck.toml in the folder or its parents, --config, and the
clear errors for what xlcheck does not know. One configuration reaches every output and the exit code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xlcheck import check_workbook, fix_workbook
from xlcheck.cli import app
from xlcheck.config import Config, ConfigError, load_config, parse_config

from conftest import SAMPLES

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def rules_of(result) -> list[str]:
    return [f["rule"] for f in json.loads(result.stdout)["files"][0]["findings"]]


@pytest.fixture
def folder(tmp_path) -> Path:
    """A unit's folder with the seed's workbook (two unexplained low rates: XC103 warnings) one level down."""
    inbox = tmp_path / "收件箱" / "2021"
    inbox.mkdir(parents=True)
    shutil.copy(SAMPLES / "seed_clean.xlsx", inbox / "单位.xlsx")
    return tmp_path


def test_ignore_removes_the_findings_from_json_and_from_the_exit_code(folder):
    book = folder / "收件箱" / "2021" / "单位.xlsx"
    assert rules_of(run("check", str(book), "--format", "json")).count("XC103") == 2
    # made an error by the folder's xlcheck.toml, the two XC103 findings fail the check ...
    (folder / "xlcheck.toml").write_text('[severities]\nXC103 = "error"\n', encoding="utf-8")
    strict = run("check", str(book), "--format", "json")
    assert strict.exit_code == 1
    assert {f["severity"] for f in json.loads(strict.stdout)["files"][0]["findings"] if f["rule"] == "XC103"} == {"error"}
    # ... and --ignore XC103 removes them everywhere, the exit code included
    ignored = run("check", str(book), "--format", "json", "--ignore", "XC103")
    assert ignored.exit_code == 0, ignored.output
    assert "XC103" not in rules_of(ignored)
    text = run("check", str(book), "--ignore", "XC103")
    assert text.exit_code == 0 and "执行率偏低" not in text.output and "低于 90.00%" not in text.output


def test_ignore_reaches_the_corrected_copy_its_report_sheet_and_its_fixes(tmp_path):
    out = tmp_path / "out.xlsx"
    result = run("fix", str(SAMPLES / "seed_mistakes.xlsx"), "-o", str(out), "--ignore", "XC101,XC103", "--format", "json")
    document = json.loads(result.stdout)["files"][0]
    assert not {"XC101", "XC103"} & {f["rule"] for f in document["findings"]}
    book = openpyxl.load_workbook(out)
    report_text = " ".join(str(c.value) for row in book["核查结果"].iter_rows() for c in row if c.value is not None)
    assert "执行率应为" not in report_text and "请说明原因" not in report_text
    # the wrong 执行率 (XC101) is left as the unit wrote it: no note; without --ignore it is corrected
    [rate] = [f for f in check_workbook(SAMPLES / "seed_mistakes.xlsx").findings if f.rule == "XC101"]
    assert book[rate.sheet][rate.cell].comment is None
    everything = fix_workbook(SAMPLES / "seed_mistakes.xlsx", tmp_path / "all.xlsx")
    assert everything.fixed > document_fixed(document)
    assert openpyxl.load_workbook(tmp_path / "all.xlsx")[rate.sheet][rate.cell].comment is not None


def document_fixed(document: dict) -> int:
    return sum(1 for f in document["findings"] if f["fixable"])


def test_select_takes_codes_and_prefixes_and_the_command_line_overrides_the_file(folder):
    book = folder / "收件箱" / "2021" / "单位.xlsx"
    (folder / "收件箱" / "xlcheck.toml").write_text('select = ["XC3"]\n', encoding="utf-8")
    assert set(rules_of(run("check", str(book), "--format", "json"))) == {"XC303"}
    assert set(rules_of(run("check", str(book), "--format", "json", "--select", "xc1"))) == {"XC103"}
    # --config names another file, which wins over the one found in the folders
    other = folder / "其他.toml"
    other.write_text('ignore = ["XC303"]\n', encoding="utf-8")
    assert set(rules_of(run("check", str(book), "--format", "json", "--config", str(other)))) == {"XC103"}


@pytest.mark.parametrize("text, key", [
    ('selct = ["XC101"]\n', "selct"),
    ('ignore = ["XC999"]\n', "ignore"),
    ('ignore = "XC103"\n', "ignore"),
    ('[severities]\nXC101 = "fatal"\n', "severities.XC101"),
    ('[severities]\nXC1 = "info"\n', "severities.XC1"),
    ('profile = "sichuan"\n', "profile"),
    ("select = [\n", ""),
])
def test_what_xlcheck_does_not_know_is_exit_2_naming_the_file_and_the_key(folder, text, key):
    config = folder / "xlcheck.toml"
    config.write_text(text, encoding="utf-8")
    for command in ("check", "fix"):
        result = run(command, str(folder / "收件箱"))
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        message = result.output
        assert f"配置文件 {config}" in message
        assert key in message
        assert "(bad config" in message or "(bad profile" in message  # the English gloss
    assert not list((folder / "收件箱").rglob("*.checked*")), "nothing is written when the configuration is wrong"


def test_unknown_codes_on_the_command_line_and_a_missing_config_file_are_usage_errors(folder):
    result = run("check", str(folder), "--ignore", "XC103,XC777")
    assert result.exit_code == 2 and "命令行参数 --ignore" in result.output and "XC777" in result.output
    result = run("check", str(folder), "--config", str(folder / "没有.toml"))
    assert result.exit_code == 2 and "没有.toml" in result.output and "无法读取" in result.output


def test_the_python_api_takes_the_config_that_load_config_finds(folder):
    (folder / "xlcheck.toml").write_text('profile = "hubei"\nignore = ["XC103"]\n[severities]\nXC303 = "warning"\n', encoding="utf-8")
    book = folder / "收件箱" / "2021" / "单位.xlsx"
    config = load_config(book.parent, None)
    assert config.source == str(folder / "xlcheck.toml") and config.profile.name == "hubei"
    report = check_workbook(book, config=config)
    assert {(f.rule, f.severity.value) for f in report.findings} == {("XC303", "warning")}
    assert load_config(folder.parent, None) == Config()  # nothing above: every rule, profile by layout
    with pytest.raises(ConfigError):
        parse_config("select = [1]\n", "x.toml")


def test_watch_honours_the_drop_folders_xlcheck_toml(tmp_path):
    """`xlcheck watch DIR` builds its options as check and fix do: DIR's xlcheck.toml leaves XC103 out of
    the findings file and the 核查结果 sheet of every workbook dropped in."""
    from xlcheck.cli import config_options
    from xlcheck.watch import OUTPUT_FOLDER, Watcher

    (tmp_path / "xlcheck.toml").write_text('ignore = ["XC103"]\n', encoding="utf-8")
    shutil.copy(SAMPLES / "seed_mistakes.xlsx", tmp_path / "单位.xlsx")
    watcher = Watcher(tmp_path, None, config_options([tmp_path], None, None, None, None))
    [report] = [r for _ in range(3) for r in watcher.poll()]
    assert report.output is not None and "XC103" not in {f.rule for f in report.findings}
    assert report.findings  # the planted errors are still found
    notes = (tmp_path / OUTPUT_FOLDER / "单位.checked.txt").read_text(encoding="utf-8")
    assert "请说明原因" not in notes and "执行率应为" in notes
