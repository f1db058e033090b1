"""`xlcheck export` and `xlcheck.export_tables`: the forms' data as tidy tables, numbers as numbers,
the same sums from the .xlsx, the CSV files, the Parquet files and the DataFrames."""

from __future__ import annotations

import shutil
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import xlcheck
from xlcheck.cli import app
from xlcheck.export import COLUMNS, TABLES

from conftest import SAMPLES

runner = CliRunner()
SEED, NATIONAL = SAMPLES / "seed_clean.xlsx", SAMPLES / "national_clean.xlsx"


def run(*args: str):
    return runner.invoke(app, list(args))


def cents(values) -> Decimal:
    """A column's sum to the cent (the floats summed as Decimals of their shortest text)."""
    return sum((Decimal(repr(float(v))) for v in values if pd.notna(v)), Decimal(0)).quantize(Decimal("0.01"))


def seed_sums(tables: dict) -> tuple[int, Decimal, Decimal, Decimal]:
    """(project forms, Σ 执行数 of the seed's project forms, Σ their indicator scores, Σ the department's)."""
    seed = str(SEED)
    forms = tables["表单"]
    budget, indicators = tables["预算"], tables["指标"]
    projects = forms[(forms["文件"] == seed) & (forms["类型"] == "项目支出")]
    spent = budget[(budget["文件"] == seed) & (budget["类型"] == "项目支出") & (budget["其中"] == "否")]["执行数"]
    project_scores = indicators[(indicators["文件"] == seed) & (indicators["类型"] == "项目支出")]["得分"]
    department_scores = indicators[(indicators["文件"] == seed) & (indicators["类型"] == "部门整体")]["得分"]
    return len(projects), cents(spent), cents(project_scores), cents(department_scores)


EXPECTED = (18, Decimal("17014.52"), Decimal("1062.50"), Decimal("59.90"))


@pytest.fixture(scope="module")
def tables():
    return xlcheck.export_tables([SEED, NATIONAL])


def test_export_tables_holds_every_form_with_the_seeds_sums(tables):
    assert list(tables) == list(TABLES)
    for name, frame in tables.items():
        assert list(frame.columns) == COLUMNS[name]
    forms = tables["表单"]
    # the seed sample: 1 department form + 18 project forms; the national sample: 8 project forms
    assert forms.groupby("文件").size().to_dict() == {str(SEED): 19, str(NATIONAL): 8}
    assert seed_sums(tables) == EXPECTED
    for name in ("执行数", "预算数", "执行率", "得分", "核算执行率", "核算得分"):
        assert tables["预算"][name].dtype == "float64", name
    for name in ("分值", "得分", "核算得分"):
        assert tables["指标"][name].dtype == "float64", name
    assert forms["填报总分"].dtype == forms["核算总分"].dtype == "float64"
    # reported and recomputed side by side: the seed's forms are right, so they agree
    seed = forms[forms["文件"] == str(SEED)]
    assert (seed["填报总分"] == seed["核算总分"]).all()
    science = tables["预算"][(tables["预算"]["文件"] == str(SEED)) & (tables["预算"]["项目名称"] == "科学技术研究与开发资金")].iloc[0]
    assert (science["执行数"], science["执行率"], science["核算执行率"], science["得分"], science["单元格"]) == (12612.86, 0.9521, 0.9521, 19.04, "C6:F6")
    department = forms[(forms["文件"] == str(SEED)) & (forms["类型"] == "部门整体")].iloc[0]
    assert (department["单位"], department["年度"], department["填报总分"]) == ("武汉市洪山区科学技术和经济信息化局", 2021, 97.01)


def test_the_csv_and_xlsx_files_give_the_same_sums(tmp_path):
    result = run("export", str(SEED), str(NATIONAL), "-o", str(tmp_path / "csv"), "--format", "csv")
    assert result.exit_code == 0, result.output
    csv = {name: pd.read_csv(tmp_path / "csv" / f"{name}.csv", encoding="utf-8-sig") for name in TABLES}
    assert seed_sums(csv) == EXPECTED
    assert (tmp_path / "csv" / "表单.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel shows the Chinese

    result = run("export", str(SEED), str(NATIONAL), "-o", str(tmp_path / "all.xlsx"))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "all.xlsx")
    assert book.sheetnames == list(TABLES)
    xlsx = {name: pd.read_excel(tmp_path / "all.xlsx", sheet_name=name, engine="calamine") for name in TABLES}
    assert seed_sums(xlsx) == EXPECTED
    sheet = book["预算"]
    header = [c.value for c in sheet[1]]
    spent, rate = header.index("执行数") + 1, header.index("执行率") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, spent).value is not None:
            assert isinstance(sheet.cell(row, spent).value, (int, float))
        if sheet.cell(row, rate).value is not None:
            assert isinstance(sheet.cell(row, rate).value, (int, float)) and "%" in sheet.cell(row, rate).number_format
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref


def test_parquet_gives_the_same_sums(tmp_path):
    pytest.importorskip("pyarrow")
    result = run("export", str(SEED), str(NATIONAL), "-o", str(tmp_path), "--format", "parquet")
    assert result.exit_code == 0, result.output
    parquet = {name: pd.read_parquet(tmp_path / f"{name}.parquet") for name in TABLES}
    assert seed_sums(parquet) == EXPECTED
    assert parquet["预算"]["执行数"].dtype == "float64"


def test_parquet_without_pyarrow_is_a_clear_message(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError("No module named 'pyarrow'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    result = run("export", str(SEED), "-o", str(tmp_path / "out"), "--format", "parquet")
    assert result.exit_code == 2
    assert "pyarrow" in result.output and "pip install pyarrow" in result.output and "Traceback" not in result.output


def test_unreadable_files_are_listed_never_dropped(tmp_path):
    folder = tmp_path / "收件箱"
    folder.mkdir()
    shutil.copy(SEED, folder / "单位甲.xlsx")
    (folder / "单位乙.xlsx").write_text("这不是工作簿", encoding="utf-8")
    result = run("export", str(folder), "-o", str(tmp_path / "out.xlsx"))
    assert result.exit_code == 2
    assert "单位乙.xlsx" in result.output
    findings = pd.read_excel(tmp_path / "out.xlsx", sheet_name="核查结果", engine="calamine")
    unread = findings[findings["文件"].str.endswith("单位乙.xlsx")]
    assert list(unread["规则"]) == ["not_workbook"] and list(unread["检查项"]) == ["无法读取"]
    forms = pd.read_excel(tmp_path / "out.xlsx", sheet_name="表单", engine="calamine")
    assert len(forms) == 19


def test_ignore_removes_findings_from_the_export_and_its_exit_code(tmp_path):
    mistakes = SAMPLES / "seed_mistakes.xlsx"
    everything = xlcheck.export_tables(mistakes)["核查结果"]
    assert (everything["规则"] == "XC103").sum() == 2
    out = tmp_path / "out.xlsx"
    result = run("export", str(mistakes), "-o", str(out), "--ignore", "XC103")
    assert result.exit_code == 1  # the planted errors remain
    findings = pd.read_excel(out, sheet_name="核查结果", engine="calamine")
    assert "XC103" not in set(findings["规则"]) and len(findings) == len(everything) - 2
    # the recomputed values do not depend on which findings are shown
    indicators = pd.read_excel(out, sheet_name="指标", engine="calamine")
    wrong = indicators[(indicators["三级指标"] == "对外宣传洪山名优产品") & (indicators["项目名称"] == "科学技术研究与开发资金")].iloc[0]
    assert (wrong["得分"], wrong["核算得分"]) == (1, 0.5)


def test_usage_errors(tmp_path):
    assert run("export", str(SEED)).exit_code == 2  # no -o
    assert run("export", str(SEED), "-o", str(tmp_path / "x.csv")).exit_code == 2  # a file where a folder is meant
    result = run("export", str(SEED), "-o", str(SEED))
    assert result.exit_code == 2 and SEED.read_bytes()[:2] == b"PK"  # never over an input
