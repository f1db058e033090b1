"""scripts/bench.py, the one place speed numbers come from, runs and refuses to time a failed command
(it measures nothing here: speed targets are never asserted in tests)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "scripts" / "bench.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_start_up_rows_come_out_of_one_run():
    result = subprocess.run([sys.executable, str(BENCH), "--parts", "s", "--repeat", "1"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| (s)")]
    assert [row.split("|")[1].strip() for row in rows] == ["(s) xlcheck --help, whole process",
                                                           "(s) xlcheck check of the 19-form sample, whole process"]


def test_a_command_that_fails_stops_the_run_with_its_stderr():
    bench = load_bench()
    with pytest.raises(SystemExit, match=r"exited 3, expected 0[\s\S]*no workbook here"):
        bench.measure([sys.executable, "-c", "import sys; sys.stderr.write('no workbook here'); sys.exit(3)"])
    # a crash exits 1 like a check with findings: the traceback gives it away
    with pytest.raises(SystemExit, match="ModuleNotFoundError"):
        bench.measure([sys.executable, "-c", "import xlcheck_not_installed"], expect=1)


def test_outputs_of_one_tree_written_twice_are_identical(tmp_path):
    """scripts/outputs.py (how speed work shows its outputs unchanged): two runs of the same tree, minutes
    apart or not, write the same files — every time of day written into a copy is masked — and the copies
    hold the sample's corrections."""
    script = BENCH.parent / "outputs.py"
    tree = BENCH.parents[1]
    for name in ("first", "second"):
        result = subprocess.run([sys.executable, str(script), str(tree), str(tmp_path / name)],
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
    first = sorted(p.relative_to(tmp_path / "first") for p in (tmp_path / "first").rglob("*") if p.is_file())
    second = sorted(p.relative_to(tmp_path / "second") for p in (tmp_path / "second").rglob("*") if p.is_file())
    assert first == second and len(first) > 37 * 3
    assert all((tmp_path / "first" / p).read_bytes() == (tmp_path / "second" / p).read_bytes() for p in first)
    report = (tmp_path / "first" / "seed_mistakes.fix.json").read_text(encoding="utf-8")
    assert '"output": "seed_mistakes.fixed.xlsx"' in report and '"expected": "19.51"' in report
    assert b"<v>19.51</v>" in (tmp_path / "first" / "seed_mistakes.fixed" / "xl" / "worksheets" / "sheet1.xml").read_bytes()
    assert b"TIMESTAMP" in (tmp_path / "first" / "seed_mistakes.fixed" / "docProps" / "core.xml").read_bytes()
