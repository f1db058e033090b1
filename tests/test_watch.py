"""The drop folder with real files appearing in a temporary folder: a file is checked once fully written,
its outputs go to 已核查/, unreadable files are reported and skipped, outputs are never re-read, a newer
version is checked again, and Ctrl-C stops `xlcheck watch` cleanly. No assertion depends on timing: the
step-by-step tests call poll() themselves, the others wait (boundedly) for what must appear."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time

import openpyxl

from xlcheck.watch import GIVE_UP_POLLS, OUTPUT_FOLDER, Watcher

from conftest import SAMPLES

WAIT_SECONDS = 120  # an upper bound for slow machines, never a measured time


def wait_for(condition, seconds=WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


def test_a_file_is_checked_only_once_fully_written(tmp_path):
    data = (SAMPLES / "seed_mistakes.xlsx").read_bytes()
    watcher = Watcher(tmp_path)
    target = tmp_path / "unit.xlsx"
    with target.open("wb") as handle:  # a copy in progress: the first half, then a pause
        handle.write(data[: len(data) // 2])
        handle.flush()
        for _ in range(GIVE_UP_POLLS - 2):
            assert watcher.poll() == []
        handle.write(data[len(data) // 2:])
    assert watcher.poll() == []  # it just changed: not yet
    [report] = watcher.poll()  # unchanged over two polls and a complete zip
    assert report.path == target and report.error is None and report.fixed == 5
    out = tmp_path / OUTPUT_FOLDER
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["unit.checked.txt", "unit.checked.xlsx"]
    assert "核查结果" in openpyxl.load_workbook(out / "unit.checked.xlsx", read_only=True).sheetnames
    assert "错误 5" in (out / "unit.checked.txt").read_text(encoding="utf-8")
    assert target.read_bytes() == data  # the input is never written


def test_outputs_lock_files_and_checked_files_are_never_picked_up(tmp_path):
    watcher = Watcher(tmp_path)
    shutil.copy(SAMPLES / "seed_clean.xlsx", tmp_path / "a.xlsx")
    shutil.copy(SAMPLES / "seed_clean.xlsx", tmp_path / "old.checked.xlsx")
    (tmp_path / "~$a.xlsx").write_bytes(b"lock")
    reports = [r for _ in range(GIVE_UP_POLLS + 2) for r in watcher.poll()]
    assert [r.path.name for r in reports] == ["a.xlsx"]
    shutil.copy(SAMPLES / "seed_clean.xlsx", tmp_path / OUTPUT_FOLDER / "dropped-here.xlsx")
    assert [r for _ in range(GIVE_UP_POLLS + 2) for r in watcher.poll()] == []


def test_a_replaced_file_is_checked_again_and_a_restart_does_not_repeat(tmp_path):
    watcher = Watcher(tmp_path)
    target = tmp_path / "unit.xlsx"
    shutil.copy(SAMPLES / "seed_clean.xlsx", target)
    assert [r.path.name for _ in range(3) for r in watcher.poll()] == ["unit.xlsx"]
    shutil.copy(SAMPLES / "seed_mistakes.xlsx", target)  # the unit sends a new version
    [report] = [r for _ in range(3) for r in watcher.poll()]
    assert report.output.name == "unit.checked-2.xlsx" and report.fixed == 5
    restarted = Watcher(tmp_path)
    assert [r for _ in range(3) for r in restarted.poll()] == []


def test_an_unreadable_file_is_reported_once_and_skipped(tmp_path):
    seen = []
    watcher = Watcher(tmp_path, lambda report, notes: seen.append((report, notes)))
    (tmp_path / "bad.xlsx").write_text("这不是工作簿", encoding="utf-8")
    shutil.copy(SAMPLES / "seed_clean.xlsx", tmp_path / "good.xlsx")
    for _ in range(GIVE_UP_POLLS + 3):
        watcher.poll()
    assert sorted((r.path.name, r.status) for r, _ in seen) == [("bad.xlsx", "error"), ("good.xlsx", "findings")]
    notes = next(n for r, n in seen if r.path.name == "bad.xlsx")
    assert "无法检查" in notes.read_text(encoding="utf-8")


def test_watcher_thread_checks_files_copied_in_while_it_runs(tmp_path):
    stop = threading.Event()
    seen = []
    watcher = Watcher(tmp_path, lambda report, notes: seen.append(report.path.name))
    thread = threading.Thread(target=watcher.run, kwargs={"interval": 0.02, "stop": stop, "max_polls": 100_000})
    thread.start()
    try:
        for i in range(3):
            shutil.copy(SAMPLES / "seed_mistakes.xlsx", tmp_path / f"unit{i}.xlsx")
        wait_for(lambda: len(seen) == 3)
    finally:
        stop.set()
        thread.join(WAIT_SECONDS)
    assert sorted(seen) == ["unit0.xlsx", "unit1.xlsx", "unit2.xlsx"]
    assert all((tmp_path / OUTPUT_FOLDER / f"unit{i}.checked.xlsx").exists() for i in range(3))


def test_xlcheck_watch_command_stops_cleanly_on_ctrl_c(tmp_path):
    # As from a terminal: Ctrl-C's default action restored, since a runner started in the background
    # (`cmd &`) passes SIGINT on ignored, and Python then never raises KeyboardInterrupt.
    process = subprocess.Popen([sys.executable, "-m", "xlcheck.cli", "watch", str(tmp_path), "--interval", "0.1"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        shutil.copy(SAMPLES / "seed_mistakes.xlsx", tmp_path / "unit.xlsx")
        wait_for(lambda: (tmp_path / OUTPUT_FOLDER / "unit.checked.txt").exists())
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=WAIT_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "已停止监视" in stderr and "Traceback" not in stderr
    assert "unit.xlsx" in stdout and "更正副本" in stdout
