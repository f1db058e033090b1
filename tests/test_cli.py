"""The command line as interface.md fixes it: commands, JSON shape, exit codes, output naming."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from xlcheck.cli import app

from conftest import SAMPLES

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_check_clean_sample_exits_0_and_writes_nothing(tmp_path):
    sample = tmp_path / "clean.xlsx"
    shutil.copy(SAMPLES / "seed_clean.xlsx", sample)
    result = run("check", str(sample))
    assert result.exit_code == 0, result.output
    assert "找到 19 张自评表" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.xlsx"]


def test_check_json_has_the_documented_shape():
    result = run("check", str(SAMPLES / "seed_mistakes.xlsx"), "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    [file] = document["files"]
    assert file["status"] == "findings" and file["error"] is None and file["output"] is None
    assert len(file["forms"]) == 19
    assert set(file["forms"][0]) == {"sheet", "kind", "name", "reported_total", "computed_total"}
    finding = next(f for f in file["findings"] if f["field"] == "执行率" and f["severity"] == "error")
    assert set(finding) == {"rule", "severity", "sheet", "cell", "field", "reported", "expected", "fixable", "message"}
    assert (finding["reported"], finding["expected"], finding["fixable"]) == ("99.06%", "99.60%", True)
    assert "9.96/10" in finding["message"]
    assert "执行率" in result.stdout  # Chinese as is, not \\u escapes


def test_fix_writes_beside_the_input_and_never_overwrites(tmp_path):
    sample = tmp_path / "unit.xlsx"
    shutil.copy(SAMPLES / "seed_mistakes.xlsx", sample)
    first = run("fix", str(sample))
    assert first.exit_code == 0, first.output
    assert (tmp_path / "unit.checked.xlsx").exists()
    second = run("fix", str(sample))
    assert second.exit_code == 0
    assert (tmp_path / "unit.checked-2.xlsx").exists()
    assert sample.read_bytes() == (SAMPLES / "seed_mistakes.xlsx").read_bytes()


def test_fix_to_the_input_itself_is_refused(tmp_path):
    sample = tmp_path / "unit.xlsx"
    shutil.copy(SAMPLES / "seed_mistakes.xlsx", sample)
    result = run("fix", str(sample), "-o", str(sample))
    assert result.exit_code == 2
    assert sample.read_bytes() == (SAMPLES / "seed_mistakes.xlsx").read_bytes()


def test_folder_skips_outputs_and_lock_files(tmp_path):
    shutil.copy(SAMPLES / "seed_clean.xlsx", tmp_path / "a.xlsx")
    shutil.copy(SAMPLES / "seed_mistakes.xlsx", tmp_path / "b.xlsx")
    (tmp_path / "~$a.xlsx").write_bytes(b"lock")
    result = run("fix", str(tmp_path), "--out-dir", str(tmp_path / "out"), "--format", "json")
    assert result.exit_code == 0, result.output
    files = json.loads(result.stdout)["files"]
    assert sorted(f["path"].rsplit("/", 1)[1] for f in files) == ["a.xlsx", "b.xlsx"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.checked.xlsx", "b.checked.xlsx"]
    again = run("check", str(tmp_path), "--format", "json")  # the outputs in out/ are not picked up
    assert len(json.loads(again.stdout)["files"]) == 2


def test_unreadable_file_exits_2_with_a_message_and_the_others_still_run(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("这不是工作簿", encoding="utf-8")
    good = tmp_path / "good.xlsx"
    shutil.copy(SAMPLES / "seed_clean.xlsx", good)
    result = run("check", str(bad), str(good), "--format", "json")
    assert result.exit_code == 2
    files = json.loads(result.stdout)["files"]
    assert files[0]["status"] == "error" and "bad.xlsx" in files[0]["error"]["message"]
    assert files[1]["status"] != "error"
    assert "Traceback" not in result.output


def test_usage_error_exits_2():
    assert run("fix", str(SAMPLES / "seed_clean.xlsx"), str(SAMPLES / "seed_mistakes.xlsx"), "-o", "x.xlsx").exit_code == 2
    assert run("check", "--format", "yaml", "x.xlsx").exit_code == 2


def test_console_script_runs():
    """The installed command (or the module) runs end to end in a separate process."""
    result = subprocess.run([sys.executable, "-m", "xlcheck.cli", "check", str(SAMPLES / "seed_clean.xlsx")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "找到 19 张自评表" in result.stdout


def test_every_command_has_help():
    for command in ("check", "fix"):
        result = run(command, "--help")
        assert result.exit_code == 0 and len(result.output) > 50


def test_help_loads_no_checking_code():
    """`xlcheck --help` starts in a moment: it imports click and the command table, not the reader, the
    rules, rich or a validation library (which cost ~0.2 s of every run when the CLI was built on typer)."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "xlcheck.cli", "--help"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "check" in result.stdout
    imported = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "click" in imported
    assert not imported & {"xlcheck.api", "xlcheck.package", "xlcheck.rules", "rich", "pydantic", "typer", "pandas"}


def test_check_loads_no_writing_code():
    """`xlcheck check` writes nothing, so it does not import the writer (or pandas, or rich for a single
    file): every process of a batch would pay for them."""
    sample = Path(__file__).resolve().parents[1] / "sample_workbooks" / "seed_mistakes.xlsx"
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "xlcheck.cli", "check", str(sample)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "19 张自评表" in result.stdout
    imported = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "xlcheck.rules" in imported
    assert not imported & {"xlcheck.writer", "xlcheck.report_sheet", "pandas", "rich", "openpyxl"}
