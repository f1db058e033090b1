"""`xlcheck export`: every form's data as tidy tables, one row per form, budget line, indicator, finding.

    >>> tables = export_tables(["sample_workbooks/seed_clean.xlsx"])            # doctest: +SKIP
    >>> round(tables["预算"].query("类型 == '项目支出'")["执行数"].sum(), 2)      # doctest: +SKIP
    17014.52

The tables and their columns are those of interface.md ("More commands"); each row carries 文件 (the
input's path), 工作表 and 单元格 (for a budget line or an indicator, the span of its row's cells,
e.g. 'C6:F6'; the 得分单元格 is the cell findings point to). Reported and recomputed values sit side by
side; numbers are numbers (floats in the DataFrames; rates as shares, 0.9521, shown as 95.21% in the
.xlsx). A file that cannot be read is a row of 核查结果 (规则 = its error code, 级别 错误), never dropped.

Everything this module reads of a Form is in `form_rows` and the three functions after it, so a change
of the reader's model is met here only.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .api import SEVERITY_WORDS, check_workbook, guarded
from .config import Config
from .model import Severity

TABLES = ("表单", "预算", "指标", "核查结果")
COLUMNS = {
    "表单": ["文件", "工作表", "表式", "类型", "项目名称", "单位", "年度", "规则配置", "填报总分", "核算总分", "错误", "警告", "提示", "单元格"],
    "预算": ["文件", "工作表", "类型", "项目名称", "行", "其中", "年初预算数", "预算数", "执行数", "分值", "执行率", "得分",
             "核算执行率", "核算得分", "单元格", "得分单元格"],
    "指标": ["文件", "工作表", "类型", "项目名称", "分组", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值",
             "分值", "得分", "核算得分", "单元格", "得分单元格"],
    "核查结果": ["文件", "工作表", "单元格", "规则", "级别", "项目名称", "检查项", "填报值", "核算值", "填报数值", "核算数值",
                "可更正", "说明", "相关单元格"],
}
NUMBER_COLUMNS = {"填报总分", "核算总分", "错误", "警告", "提示", "年初预算数", "预算数", "执行数", "分值", "执行率", "得分",
                  "核算执行率", "核算得分", "填报数值", "核算数值"}
PERCENT_COLUMNS = {"执行率", "核算执行率"}
KIND_WORDS = {"project": "项目支出", "department": "部门整体"}
FORMATS = ("xlsx", "csv", "parquet")


@dataclass
class FileExport:
    """One file's rows for each table, or the error that stopped it; `errors`: error findings left."""

    path: Path
    rows: dict[str, list[dict]] = field(default_factory=dict)
    error: object | None = None
    errors: int = 0


# ---------------------------------------------------------------- numbers


def number(value) -> float | None:
    """A Decimal (or a numeric text) as a float; None for anything else. 12612.86 -> 12612.86."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    return None


def shown_number(text: str | None) -> float | None:
    """A finding's display value as a number: '19.04' -> 19.04, '95.21%' -> 0.9521, '≥ 90%' -> None."""
    from .report_sheet import shown_number as exact

    return number(exact(text))


def span(sheet: str, *cells: str | None) -> str:
    """The cells of one row as a range: ('C6', 'D6', 'F6') -> 'C6:F6'; one cell as itself."""
    from .model import a1, parse_a1

    found = [parse_a1(c) for c in cells if c]
    if not found:
        return ""
    low = a1(min(r for r, _ in found), min(c for _, c in found))
    high = a1(max(r for r, _ in found), max(c for _, c in found))
    return low if low == high else f"{low}:{high}"


# ---------------------------------------------------------------- a form's rows (all reading of the Form model is here)

_YEAR = re.compile(r"(20\d\d)\s*年")
UNIT_LABELS = ("单位名称", "主管部门")


def header_fields(sheet, form) -> tuple[str, int | None]:
    """单位 and 年度 from the rows at the top of the form. 单位: the cell after a 单位名称 / 主管部门 label
    (the department's '单位名称 | 武汉市洪山区…', a project's '主管部门 | 科经局'), else the text after it
    in the same cell ('单位名称(盖章): 区科经局   填报日期: …'). 年度: the year of the title or '（2021年度）'."""
    from .reader.grid import norm

    if sheet is None:
        return "", None
    top = form.title_cell.row
    found: list[tuple[int, str]] = []  # (0 for a label cell with its value beside it, 1 for text inside a cell; text)
    year = None
    for row in sorted({r for r, _ in sheet.cells if top <= r <= top + 4}):
        cells = sorted((c, cell.text) for (r, c), cell in sheet.cells.items() if r == row)
        for index, (col, text) in enumerate(cells):
            if year is None and _YEAR.search(text):
                year = int(_YEAR.search(text).group(1))
            label = norm(text)
            if label in UNIT_LABELS and index + 1 < len(cells):
                found.append((0, cells[index + 1][1].strip()))
            elif label.startswith(UNIT_LABELS):
                wanted = next(w for w in UNIT_LABELS if label.startswith(w))
                rest = re.sub(r"^[(（]盖章[)）]", "", text.split(wanted, 1)[-1].strip()).lstrip(":： ").strip()
                rest = re.split(r"\s{2,}|填报日期|自评得分", rest)[0].strip()
                if rest:
                    found.append((1, rest))
    unit = min(found, key=lambda item: item[0])[1] if found else ""
    return unit, year


def budget_rows(check, base: dict) -> list[dict]:
    """One row per budget line, with the recomputed rate (执行数 / the profile's denominator, rounded
    the profile's way) and, for the scored line, the recomputed score."""
    from .rules.budget import denominator

    rows, scored = [], False
    for line in check.rows("budget"):
        divide = denominator(check, line)
        rate = check.profile.round(line.spent / divide * 100) / 100 if line.spent is not None and divide else None
        computed_score = None
        if not line.part and not scored:
            scored = True
            computed_score = check.settled.get("budget_score")
        rows.append({**base, "行": line.item, "其中": "是" if line.part else "否", "年初预算数": number(line.initial), "预算数": number(line.budget),
                     "执行数": number(line.spent), "分值": number(line.weight), "执行率": number(line.rate),
                     "得分": number(line.score), "核算执行率": number(rate), "核算得分": number(computed_score),
                     "单元格": span(check.form.sheet, line.initial_cell, line.budget_cell, line.spent_cell, line.weight_cell,
                                   line.rate_cell, line.score_cell),
                     "得分单元格": line.score_cell or ""})
    return rows


def indicator_rows(check, base: dict, corrected: dict[str, float | None]) -> list[dict]:
    """One row per indicator. 核算得分: the recomputed score where a rule corrected it, the reported one
    where the rules found it right, empty where it could not be checked (a finding without a value)."""
    rows = []
    for row in check.rows("indicators"):
        score = number(row.score)
        computed = corrected[row.score_cell] if row.score_cell in corrected else score
        rows.append({**base, "分组": f"年度目标{row.goal}" if row.goal else "", "一级指标": row.level1 or "",
                     "二级指标": row.level2 or "", "三级指标": row.name or "", "年度指标值": str(row.target or ""),
                     "实际完成值": str(row.actual or ""), "分值": number(row.weight), "得分": score, "核算得分": computed,
                     "单元格": span(check.form.sheet, row.name_cell, row.target_cell, row.actual_cell, row.weight_cell, row.score_cell),
                     "得分单元格": row.score_cell or ""})
    return rows


def form_rows(path: Path, checks: list, sheets: dict, findings: list) -> dict[str, list[dict]]:
    """The 表单, 预算 and 指标 rows of one workbook's checked forms (findings: after the configuration)."""
    tables: dict[str, list[dict]] = {"表单": [], "预算": [], "指标": []}
    for check in checks:
        form = check.form
        base = {"文件": str(path), "工作表": form.sheet, "类型": KIND_WORDS.get(form.kind, form.kind), "项目名称": form.name}
        unit, year = header_fields(sheets.get(form.sheet), form)
        own = [f for f in findings if f.sheet == form.sheet and f.form == form.name]
        counts = {s: sum(1 for f in own if f.severity == s) for s in Severity}
        tables["表单"].append({**base, "表式": form.layout, "单位": unit, "年度": year,
                              "规则配置": check.profile.name, "填报总分": number(form.total),
                              "核算总分": number(check.settled.get("total")), "错误": counts[Severity.ERROR],
                              "警告": counts[Severity.WARNING], "提示": counts[Severity.INFO],
                              "单元格": form.total_cell.address if form.total_cell else ""})
        tables["预算"].extend(budget_rows(check, base))
        corrected = {}
        for finding in check.findings:  # all of them, before the configuration: the arithmetic does not change with it
            if finding.rule.startswith("XC3") and finding.sheet == form.sheet:
                corrected[finding.cell] = shown_number(finding.expected) if finding.fixable else None
        tables["指标"].extend(indicator_rows(check, base, corrected))
    return tables


def finding_rows(path: Path, findings: list) -> list[dict]:
    rows = []
    for f in findings:
        related = getattr(f, "related", None) or []
        rows.append({"文件": str(path), "工作表": f.sheet, "单元格": f.cell, "规则": f.rule, "级别": SEVERITY_WORDS[f.severity],
                     "项目名称": f.form, "检查项": f.field, "填报值": f.reported, "核算值": f.expected,
                     "填报数值": shown_number(f.reported), "核算数值": shown_number(f.expected),
                     "可更正": "是" if f.fixable else "否", "说明": f.message, "相关单元格": "、".join(related)})
    return rows


def export_file(path: Path, _out: Path | None = None, config: Config | None = None) -> FileExport:
    """One workbook's rows (runs in a worker process as batch.run_batch's work; never raises)."""
    path = Path(path)
    config = config or Config()
    report = guarded(functools.partial(check_workbook, profile=config.profile), path)
    if report.error is not None:
        row = {"文件": str(path), "工作表": "", "单元格": "", "规则": report.error.code, "级别": SEVERITY_WORDS[Severity.ERROR],
               "项目名称": "", "检查项": "无法读取", "填报值": "", "核算值": "", "填报数值": None, "核算数值": None,
               "可更正": "否", "说明": report.error.message, "相关单元格": ""}
        return FileExport(path, {"表单": [], "预算": [], "指标": [], "核查结果": [row]}, error=report.error)
    from .package import read_sheets

    try:
        sheets = {s.name: s for s in read_sheets(path)}
    except Exception:  # read once already by check_workbook; without the header rows, 单位/年度 stay empty
        sheets = {}
    findings = config.apply(report.findings)
    rows = form_rows(path, report.checks, sheets, findings)
    rows["核查结果"] = finding_rows(path, findings)
    return FileExport(path, rows, errors=sum(1 for f in findings if f.severity == Severity.ERROR))


# ---------------------------------------------------------------- many files, and the DataFrames


def export_files(paths: list[Path], *, config: Config | None = None, jobs: int = 1, progress: bool = False) -> list[FileExport]:
    """export_file over the files (folders expanded as check does), in parallel, in input order."""
    from .batch import expand, run_batch, run_with_progress

    files = expand([Path(p) for p in paths])
    work = functools.partial(export_file, config=config)
    if progress:
        results = run_with_progress(files, fix=False, outputs=None, jobs=jobs, work=work, description="导出中")
    else:
        results = run_batch(files, jobs=jobs, work=work)
    return [r if isinstance(r, FileExport) else FileExport(r.path, {t: [] for t in TABLES}, error=r.error) for r in results]


def frames(results: list[FileExport]) -> dict:
    """{table: DataFrame} with the documented columns, numbers as float64."""
    import pandas as pd

    tables = {}
    for name in TABLES:
        rows = [row for result in results for row in result.rows.get(name, [])]
        frame = pd.DataFrame(rows, columns=COLUMNS[name])
        for column in COLUMNS[name]:
            if column in NUMBER_COLUMNS:
                frame[column] = pd.to_numeric(frame[column], errors="raise").astype("float64")
            elif column == "年度":
                frame[column] = frame[column].astype("Int64")
            else:
                frame[column] = frame[column].fillna("").astype(str)
        tables[name] = frame
    return tables


def export_tables(paths, config: Config | None = None, jobs: int = 1) -> dict:
    """The export's tables as pandas DataFrames: {'表单', '预算', '指标', '核查结果'}.

    paths: workbooks or folders (one path or a list). config: load_config(...)'s rules choice."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return frames(export_files(list(paths), config=config, jobs=jobs))


# ---------------------------------------------------------------- writing


class ExportError(Exception):
    """Where the tables cannot be written: a message for the user, Chinese first."""


def write_tables(tables: dict, out: Path, fmt: str) -> list[Path]:
    """Write the tables: one .xlsx with a sheet each (fmt 'xlsx', out the file), or NAME.csv /
    NAME.parquet in the folder `out`. Each file is written whole or not at all (writer.replacing)."""
    import io

    from .writer import replacing

    out = Path(out)
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ExportError("导出 Parquet 需要 pyarrow，本机未安装。请运行 pip install 'xlcheck[parquet]'（或 pip install pyarrow），"
                              "或改用 --format csv。 (pyarrow is not installed: pip install 'xlcheck[parquet]', or use --format csv)") from None
    targets = {name: out if fmt == "xlsx" else out / f"{name}.{fmt}" for name in tables}
    if fmt != "xlsx":
        out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        if fmt == "xlsx" and name != next(iter(tables)):
            continue
        buffer = io.BytesIO()
        if fmt == "xlsx":
            _write_xlsx(tables, buffer)
        elif fmt == "csv":
            safe = frame.map(_csv_safe) if hasattr(frame, "map") else frame.applymap(_csv_safe)
            safe.to_csv(buffer, index=False, encoding="utf-8-sig")
        else:
            frame.to_parquet(buffer, engine="pyarrow", index=False)
        with replacing(targets[name]) as handle:
            handle.write(buffer.getvalue())
    return sorted(set(targets.values()), key=list(targets.values()).index)


def _csv_safe(value):
    """Text that Excel would run as a formula (= + - @ first) gets a leading apostrophe; numbers stay numbers."""
    return "'" + value if isinstance(value, str) and value.startswith(("=", "+", "-", "@")) else value


def _write_xlsx(tables: dict, path) -> None:
    """One sheet per table: bold frozen header, autofilter, rates as percentages, text always as text."""
    import math

    import pandas as pd
    import xlsxwriter

    from .writer import display_width

    book = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                                      "in_memory": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"})
    percent = book.add_format({"num_format": "0.00%"})
    decimal = book.add_format({"num_format": "#,##0.00##"})
    for name, frame in tables.items():
        sheet = book.add_worksheet(name)
        columns = list(frame.columns)
        widths = [display_width(c) + 2 for c in columns]
        sheet.write_row(0, 0, columns, header)
        for r, values in enumerate(frame.itertuples(index=False), start=1):
            for c, value in enumerate(values):
                column = columns[c]
                if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                    continue
                if column in NUMBER_COLUMNS or column == "年度":
                    fmt = percent if column in PERCENT_COLUMNS else (decimal if column not in ("错误", "警告", "提示", "年度") else None)
                    sheet.write_number(r, c, float(value), fmt)
                    widths[c] = max(widths[c], 10)
                else:
                    text = str(value)
                    sheet.write_string(r, c, text)
                    widths[c] = max(widths[c], min(display_width(text) + 2, 60))
        for c, width in enumerate(widths):
            sheet.set_column(c, c, width)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(frame), 1), len(columns) - 1)
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0)
    book.close()
