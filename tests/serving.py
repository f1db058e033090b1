"""A real `xlcheck serve` process for the tests: started on a free loopback port, with its own TMPDIR
so the tests can see that nothing an upload brought is left behind."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

STARTUP_SECONDS = 60  # a loaded 2-core machine can be slow to start Python and the worker pool


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    tmp: Path  # the server's TMPDIR

    def folders(self) -> list[Path]:
        """What is inside the server's private temporary folder right now (request folders, files)."""
        return [p for root in self.tmp.glob("xlcheck-serve-*") for p in root.rglob("*")]

    def peak_memory_kb(self) -> int:
        """The server process's peak resident memory (VmHWM), in kB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        raise AssertionError("no VmHWM line")

    def wait_until_empty(self, seconds: float = 10) -> list[Path]:
        """The leftovers after at most `seconds` (a folder is deleted just as the answer goes out)."""
        deadline = time.monotonic() + seconds
        while (left := self.folders()) and time.monotonic() < deadline:
            time.sleep(0.05)
        return left


def start_server(tmp: Path, *args: str) -> Server:
    """`python -m xlcheck serve --port 0 ARGS` with TMPDIR=tmp; returns once it printed its address."""
    tmp.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "xlcheck", "serve", "--port", "0", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + STARTUP_SECONDS
    line = ""
    while "http://" not in line and time.monotonic() < deadline and process.poll() is None:
        if selector.select(timeout=0.5):
            line = process.stdout.readline()
    selector.close()
    if "http://" not in line:
        process.kill()
        raise AssertionError(f"xlcheck serve did not start: {line!r} {process.stderr.read()}")
    url = line[line.index("http://"):].split()[0]
    server = Server(url, process, tmp)
    wait_for_page(server)
    return server


def wait_for_page(server: Server) -> None:
    """uvicorn prints nothing more once listening; the socket is open before the app's startup ends."""
    import httpx

    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(server.url, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the page never answered")


def stop_server(server: Server) -> tuple[int, str]:
    """Ctrl-C, as a user stops it; returns (exit code, stderr)."""
    server.process.send_signal(signal.SIGINT)
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
        raise AssertionError("xlcheck serve did not stop on Ctrl-C within 30 s")
    return server.process.returncode, server.process.stderr.read()


def workbook_values(data: bytes) -> dict[str, list[tuple]]:
    """Every sheet's cell values, as a clerk opening the workbook sees them; the 核查结果 sheet's
    核查时间 (the minute it was written) is left out, so two copies written apart compare equal."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}
    finally:
        book.close()
    for title, rows in sheets.items():
        if title.startswith("核查结果"):
            sheets[title] = [row for row in rows if "核查时间" not in row]
    return sheets
