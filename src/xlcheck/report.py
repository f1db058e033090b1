"""Rendering reports for people (text) and programs (JSON), and the exit code (interface.md)."""

from __future__ import annotations

import json
from decimal import Decimal

from .api import SEVERITY_WORDS, FileReport
from .package import display
from .model import Severity

EXIT_OK = 0  # every file read; no error findings left
EXIT_FINDINGS = 1  # some file has error findings that remain
EXIT_ERROR = 2  # usage error, or some file could not be read


def exit_code(reports: list[FileReport]) -> int:
    if any(r.error is not None for r in reports):
        return EXIT_ERROR
    if any(r.remaining_errors for r in reports):
        return EXIT_FINDINGS
    return EXIT_OK


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral() else float(value)


def as_json(reports: list[FileReport]) -> str:
    """One JSON document, UTF-8 text with ensure_ascii off, in the shape interface.md fixes."""
    files = []
    for report in reports:
        files.append({
            "path": display(report.path),
            "output": display(report.output) if report.output else None,
            "converted_from": report.converted_from,
            "status": report.status,
            "error": {"code": report.error.code, "message": report.error.message} if report.error else None,
            "forms": [
                {"sheet": c.form.sheet, "kind": c.form.kind, "name": c.form.name,
                 "reported_total": _number(c.form.total), "computed_total": _number(c.settled.get("total"))}
                for c in report.checks
            ],
            "findings": [f.as_dict() for f in report.findings],
        })
    return json.dumps({"files": files}, ensure_ascii=False, indent=2)


def as_text(report: FileReport) -> str:
    """A short Chinese account of one file: counts, each finding with its cell, and the output path."""
    if report.error is not None:
        return f"{display(report.path)}：无法检查 — {report.error.message}"
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in Severity}
    lines = [
        f"{display(report.path)}：找到 {len(report.checks)} 张自评表；"
        f"错误 {counts[Severity.ERROR]}，警告 {counts[Severity.WARNING]}，提示 {counts[Severity.INFO]}"
    ]
    for finding in report.findings:
        values = f"填报 {finding.reported}" + (f"，应为 {finding.expected}" if finding.expected else "")
        lines.append(
            f"  [{SEVERITY_WORDS[finding.severity]}] {finding.sheet}!{finding.cell} {finding.field}：{values}。{finding.message}{finding.related_text}"
        )
    if report.output is not None:
        lines.append(f"  更正副本：{display(report.output)}（已更正 {report.fixed} 处，核查结果见工作表“核查结果”）")
        if report.converted_from:
            lines.append(f"  注意：原文件是 .{report.converted_from} 格式，更正副本已转换为 .xlsx"
                         "（保留数值、数字格式、合并单元格、列宽和行高；字体、边框等样式未保留）")
    return "\n".join(lines)
