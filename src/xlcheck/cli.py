"""The command line (interface.md): `xlcheck check PATH...` and `xlcheck fix PATH... [-o OUT | --out-dir DIR]`."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .api import OUTPUT_SUFFIX, FileReport, check_workbook, default_output, fix_workbook, guarded
from .report import EXIT_ERROR, as_json, as_text, exit_code

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et"}

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="检查并更正绩效自评表（项目支出 / 部门整体）中的执行率、得分与总分。",
)


class Format(str, Enum):
    text = "text"
    json = "json"


def is_own_output(path: Path) -> bool:
    """'x.checked.xlsx', 'x.checked-2.xlsx': written by xlcheck, not a unit's form."""
    stem = path.stem
    return stem.endswith(OUTPUT_SUFFIX) or OUTPUT_SUFFIX + "-" in stem


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; folders searched recursively for workbooks, skipping Excel lock files (~$…),
    hidden and temporary files, and xlcheck's own outputs."""
    files = []
    for path in paths:
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                name = candidate.name
                if (candidate.is_file() and candidate.suffix.lower() in WORKBOOK_SUFFIXES
                        and not name.startswith(("~$", ".")) and not is_own_output(candidate)):
                    files.append(candidate)
        else:
            files.append(path)
    return files


def emit(reports: list[FileReport], fmt: Format) -> None:
    if fmt is Format.json:
        typer.echo(as_json(reports))
    else:
        for report in reports:
            typer.echo(as_text(report))
    raise typer.Exit(exit_code(reports))


@app.command()
def check(
    paths: list[Path] = typer.Argument(..., help="工作簿或文件夹（文件夹内的工作簿都会检查）"),
    format: Format = typer.Option(Format.text, "--format", help="输出格式：text 或 json"),
) -> None:
    """检查：读取、核算并报告问题，不写任何文件。"""
    emit([guarded(check_workbook, p) for p in expand(paths)], format)


@app.command()
def fix(
    paths: list[Path] = typer.Argument(..., help="工作簿或文件夹"),
    out: Optional[Path] = typer.Option(None, "-o", "--out", help="更正副本的路径（只用于单个文件）"),
    out_dir: Optional[Path] = typer.Option(None, "--out-dir", help="把更正副本写到这个文件夹"),
    format: Format = typer.Option(Format.text, "--format", help="输出格式：text 或 json"),
) -> None:
    """更正：写出更正后的副本（原文件不动），错误单元格改为核算值并标注，另附“核查结果”工作表。"""
    files = expand(paths)
    if out is not None and (out_dir is not None or len(files) != 1):
        typer.echo("用法错误：-o 只能用于单个文件，且不能与 --out-dir 同用。 (-o takes exactly one input file)", err=True)
        raise typer.Exit(EXIT_ERROR)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    reports = []
    for path in files:
        target = out if out is not None else default_output(path, out_dir) if out_dir is not None else None
        reports.append(guarded(fix_workbook, path, target))
    emit(reports, format)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("已中断。 (interrupted)", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
