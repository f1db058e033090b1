"""The batch summary `--summary x.xlsx`: a row per file with a link to its corrected copy, a row per
form with reported and recomputed totals, and the charts a reviewer looks at first."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import openpyxl
import pytest
from click.testing import CliRunner

from xlcheck.cli import app

from conftest import SAMPLES, convert_with_soffice

runner = CliRunner()


@pytest.fixture(scope="module")
def summary(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("batch")
    inbox = folder / "收件箱"
    inbox.mkdir()
    for name in ("seed_mistakes.xlsx", "national_mistakes.xlsx"):
        shutil.copy(SAMPLES / name, inbox / name)
    (inbox / "坏文件.xlsx").write_text("不是工作簿", encoding="utf-8")
    path = folder / "汇总.xlsx"
    result = runner.invoke(app, ["fix", str(inbox), "--out-dir", str(folder / "已更正"), "--summary", str(path), "-j", "1"])
    assert result.exit_code == 2, result.output  # one file could not be read
    return path


def test_one_row_per_file_with_links_to_the_corrected_copies(summary):
    sheet = openpyxl.load_workbook(summary)["汇总"]
    assert [c.value for c in sheet[1]] == ["文件", "表数", "错误", "已更正", "警告", "输出", "提示", "说明"]
    rows = {Path(sheet.cell(r, 1).value).name: r for r in range(2, 5)}
    assert sheet.cell(rows["坏文件.xlsx"], 8).value.startswith("无法读取")
    for name in ("seed_mistakes.xlsx", "national_mistakes.xlsx"):
        row = rows[name]
        assert sheet.cell(row, 2).value in (19, 8) and sheet.cell(row, 3).value > 0
        link = sheet.cell(row, 6).hyperlink
        target = Path(unquote(urlparse(link.target).path))
        assert target.exists() and target.name.startswith(Path(name).stem + ".checked"), link.target
    assert sheet.cell(5, 1).value.startswith("合计：3 个文件，1 个无法读取")
    assert sheet.cell(5, 2).value == 27
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref


def test_one_row_per_form_with_both_totals_and_the_difference(summary):
    sheet = openpyxl.load_workbook(summary)["各表"]
    assert [c.value for c in sheet[1]] == ["文件", "工作表", "表单", "类型", "填报总分", "核算总分", "差额", "等级", "错误", "警告"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 27
    safety = next(r for r in rows if r[0] == "seed_mistakes.xlsx" and r[1] == "安全生产第三方服务经费")
    assert (safety[4], safety[5], round(safety[6], 2), safety[7]) == (99.37, 99.73, 0.36, "优")


def test_the_charts_plot_findings_per_file_and_the_totals(summary):
    with zipfile.ZipFile(summary) as z:
        charts = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        texts = [z.read(n).decode("utf-8") for n in charts]
    assert len(charts) == 2
    by_file = next(t for t in texts if "各文件的问题数" in t)
    assert "汇总!$C$2:$C$4" in by_file and "汇总!$E$2:$E$4" in by_file  # 错误 and 警告 of each file
    totals = next(t for t in texts if "填报与核算" in t)
    assert "各表!$E$2:$E$28" in totals and "各表!$F$2:$F$28" in totals
    assert "C00000" in totals  # the forms whose totals differ are red


def test_libreoffice_renders_the_summary(summary, tmp_path, soffice):
    copy = tmp_path / "summary.xlsx"
    shutil.copy(summary, copy)
    pdf = convert_with_soffice(soffice, copy, "pdf", tmp_path / "lo")
    assert pdf.stat().st_size > 10_000
