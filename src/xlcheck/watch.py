"""The drop folder: `xlcheck watch DIR` checks each workbook that appears in DIR, once it is fully written.

A polling watcher (no file-system events, so it works the same on network shares and every OS):

- a file is *ready* when its size and modification time are the same in two polls in a row and it
  opens as a zip package or an OLE2 file; one that stays unchanged but never opens (a text file
  renamed .xlsx) is taken as finished after GIVE_UP_POLLS polls and reported as unreadable;
- its corrected copy `NAME.checked.xlsx` and its findings `NAME.checked.txt` go to `DIR/已核查/`
  (numbered -2, -3 … rather than overwrite anything);
- what was checked is remembered as (size, mtime, inode) per file name, in `已核查/.xlcheck-watch.json`,
  so a file replaced by a newer version is checked again, and a restart does not check old files twice;
- only files directly in DIR are looked at: the output folder, xlcheck's outputs, lock files
  (~$…), hidden and temporary files never are.
"""

from __future__ import annotations

import functools
import json
import os
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

from .api import OUTPUT_SUFFIX, FileReport, fix_workbook, guarded, output_suffix
from .batch import is_candidate
from .package import OLE_MAGIC
from .report import as_text

OUTPUT_FOLDER = "已核查"
STATE_FILE = ".xlcheck-watch.json"
GIVE_UP_POLLS = 5  # polls a file may stay unchanged and still not open before it is reported as unreadable
OLE_SECTOR = 512

Signature = tuple[int, int, int]  # size, mtime in ns, inode


def signature(path: Path) -> Signature | None:
    """What identifies one version of a file; None when it is gone."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def opens(path: Path) -> bool:
    """The file is complete enough to read: a zip whose central directory (written last) is there,
    or an OLE2 file of whole sectors."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            size = handle.seek(0, os.SEEK_END)
        if head == OLE_MAGIC:
            return size % OLE_SECTOR == 0 and size >= 3 * OLE_SECTOR
        with zipfile.ZipFile(path):
            return True
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return False


def output_names(path: Path, folder: Path) -> tuple[Path, Path]:
    """x.xlsx -> (folder/x.checked.xlsx, folder/x.checked.txt), numbered -2, -3 … until neither exists
    (.xlsm for a macro workbook, as fix names it)."""
    suffix = output_suffix(path)
    number = 1
    while True:
        stem = f"{path.stem}{OUTPUT_SUFFIX}" + (f"-{number}" if number > 1 else "")
        book, notes = folder / (stem + suffix), folder / (stem + ".txt")
        if not book.exists() and not notes.exists():
            return book, notes
        number += 1


class Watcher:
    """Polls one folder; each poll checks the files that became ready since the last one.

    `report` is called with each FileReport and the path of its findings file (to print them);
    `options` go to fix_workbook as keyword arguments (profile=…).
    """

    def __init__(self, folder: Path, report: Callable[[FileReport, Path], None] | None = None, options: dict | None = None):
        self.folder = Path(folder)
        self.options = options or {}
        self.out = self.folder / OUTPUT_FOLDER
        self.state_path = self.out / STATE_FILE
        self.report = report or (lambda report, notes: None)
        self.last: dict[str, Signature] = {}  # each file's signature in the previous poll
        self.unchanged: dict[str, int] = {}  # polls in a row a file's signature stayed the same
        self.done: dict[str, Signature] = self._load_state()

    def _load_state(self) -> dict[str, Signature]:
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
            return {name: tuple(sig) for name, sig in data.items()}
        except (OSError, ValueError, TypeError, AttributeError):
            return {}

    def _save_state(self) -> None:
        temporary = self.state_path.with_name(self.state_path.name + ".tmp")
        temporary.write_text(json.dumps(self.done, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.state_path)

    def candidates(self) -> list[Path]:
        """The workbooks directly in the folder, in name order."""
        try:
            entries = sorted(self.folder.iterdir())
        except OSError:
            return []
        return [p for p in entries if is_candidate(p) and p.is_file()]

    def poll(self) -> list[FileReport]:
        """One look at the folder: check every file that is ready and not yet checked in this version."""
        seen: dict[str, Signature] = {}
        ready = []
        for path in self.candidates():
            sig = signature(path)
            if sig is None:
                continue
            seen[path.name] = sig
            steady = self.last.get(path.name) == sig
            self.unchanged[path.name] = self.unchanged.get(path.name, 0) + 1 if steady else 0
            if steady and self.done.get(path.name) != sig and (opens(path) or self.unchanged[path.name] >= GIVE_UP_POLLS):
                ready.append((path, sig))
        self.last = seen
        self.unchanged = {name: count for name, count in self.unchanged.items() if name in seen}
        reports = []
        for path, sig in ready:
            reports.append(self.process(path))
            self.done[path.name] = sig
            self._save_state()
        return reports

    def process(self, path: Path) -> FileReport:
        """Fix one file into the output folder and write its findings beside the copy."""
        self.out.mkdir(exist_ok=True)
        book, notes = output_names(path, self.out)
        report = guarded(functools.partial(fix_workbook, **self.options), path, book)
        notes.write_text(as_text(report) + "\n", encoding="utf-8")
        self.report(report, notes)
        return report

    def run(self, interval: float = 1.0, stop: threading.Event | None = None, max_polls: int | None = None) -> None:
        """Poll every `interval` seconds until `stop` is set, `max_polls` polls were made, or Ctrl-C
        (which the caller sees as KeyboardInterrupt)."""
        stop = stop or threading.Event()
        polls = 0
        while not stop.is_set() and (max_polls is None or polls < max_polls):
            self.poll()
            polls += 1
            stop.wait(interval)
