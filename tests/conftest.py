"""Shared test fixtures: where the samples are, and LibreOffice when the machine has it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_workbooks"


@pytest.fixture(scope="session")
def soffice() -> str:
    """The LibreOffice binary. Skips where it is absent, except in CI (XLCHECK_REQUIRE_SOFFICE=1), where
    its absence fails the test: the proof that outputs open in a real spreadsheet program must run there."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        if os.environ.get("XLCHECK_REQUIRE_SOFFICE"):
            pytest.fail("LibreOffice (soffice) is required in CI but not installed")
        pytest.skip("LibreOffice (soffice) not installed")
    return path


def convert_with_soffice(soffice: str, source: Path, fmt: str, outdir: Path) -> Path:
    """Convert a file with headless LibreOffice (its own profile folder, so parallel runs don't clash)."""
    profile = outdir / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
         "--outdir", str(outdir), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    produced = outdir / f"{source.stem}.{fmt.split(':')[0]}"
    assert produced.exists(), f"LibreOffice did not produce {produced}"
    return produced
