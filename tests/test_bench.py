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
