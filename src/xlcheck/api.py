"""xlcheck as a library: check_workbook(path) and fix_workbook(path, out). The CLI is a thin layer over this."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .legacy import xls_to_xlsx
from .model import CellFix, CellRef, Finding, Severity, parse_a1
from .package import Package, WorkbookError, detect_format, is_macro_enabled
from .profiles import Profile, resolve_profile
from .reader import REPORT_SHEET, is_own_report, read_forms, why_no_form
from .rules import Check
from .scorer import findings_of, score_forms
from .workbook import Workbook, open_workbook

OUTPUT_SUFFIX = ".checked"
SEVERITY_WORDS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


@dataclass
class FileReport:
    """What happened to one file: its forms (as Checks), findings, output path, or the error that stopped it."""

    path: Path
    checks: list[Check] = field(default_factory=list)
    output: Path | None = None
    error: WorkbookError | None = None
    fixed: int = 0
    converted_from: str | None = None  # 'xls' when the corrected copy is an .xlsx made from an .xls
    config: Config | None = None  # the rules chosen (shown in the 核查结果 sheet's header)
    name: str | None = None  # the file's name for people when `path` is not it (serve: the upload's own name)

    @property
    def shown_name(self) -> str:
        return self.name or self.path.name

    @property
    def findings(self) -> list[Finding]:
        return findings_of(self.checks)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == Severity.ERROR]

    @property
    def remaining_errors(self) -> list[Finding]:
        """Errors still in the workbook: all of them after check, the unfixable ones after fix."""
        if self.output is None:
            return self.errors
        return [f for f in self.errors if not f.fixable]

    @property
    def status(self) -> str:
        if self.error is not None:
            return "error"
        return "findings" if self.findings else "clean"


def check_workbook(path: str | Path, profile: str | Path | Profile | None = None, config: Config | None = None,
                   name: str | None = None) -> FileReport:
    """Read every form in the workbook and recompute it. Writes nothing.

    profile: None (each form gets the shipped profile for its layout), a shipped profile's name
    ('hubei', 'national'), a profile file, or a Profile; it then applies to every form.
    config: the rules chosen (config.load_config: select/ignore, severities, a profile used when
    `profile` is None); None checks every rule. name: what to call the file in the report, when the
    path is not its name (an upload stored by `xlcheck serve` under a fixed name).

    >>> report = check_workbook('sample_workbooks/seed_clean.xlsx')   # doctest: +SKIP
    >>> len(report.checks), len(report.errors)                          # doctest: +SKIP
    (19, 0)
    """
    report, chosen, book = _open(path, profile, config, name)
    if book is not None:
        with book:
            _check(report, book, chosen, config)
    return report


def _open(path: str | Path, profile, config: Config | None, name: str | None) -> tuple[FileReport, Profile | None, Workbook | None]:
    """The report to fill, the profile chosen and the workbook opened (None, and the report's error, when
    either cannot be had)."""
    report = FileReport(Path(path), config=config, name=name)
    try:
        chosen = resolve_profile(profile if profile is not None or config is None else config.profile)
        return report, chosen, open_workbook(report.path)
    except WorkbookError as error:
        report.error = error
        return report, None, None


def _check(report: FileReport, book: Workbook, chosen: Profile | None, config: Config | None) -> None:
    """check_workbook's work on a workbook already opened: its forms scored into report.checks."""
    try:
        forms = read_forms(book)
    except WorkbookError as error:
        report.error = error
        return
    if not forms:
        report.error = WorkbookError(
            "no_form",
            f"文件 “{report.shown_name}” 中没有找到绩效自评表：{why_no_form(forms)}。"
            "请确认这是项目支出或部门整体绩效自评表（xlcheck layouts 列出能识别的表式）。 (no recognisable form)",
        )
        return
    report.checks = score_forms(forms, chosen)
    if config is not None:
        for check in report.checks:
            check.findings = config.apply(check.findings)


def output_suffix(path: Path) -> str:
    """The corrected copy's suffix, decided by the input's bytes, not its name: '.xlsm' for a
    macro-enabled package (its macros are kept), '.xlsx' otherwise — an .xls, or an .et or .xlsm that
    is really an .xls inside, gets an .xlsx converted from its cells."""
    try:
        if detect_format(path) != "xlsx":
            return ".xlsx"
        with Package(path) as pkg:
            return ".xlsm" if is_macro_enabled(pkg) else ".xlsx"
    except WorkbookError:  # unreadable: the check reports it; the name is all there is
        return ".xlsm" if path.suffix.lower() == ".xlsm" else ".xlsx"


def default_output(path: Path, folder: Path | None = None, suffix: str | None = None) -> Path:
    """'x.xlsx' -> 'x.checked.xlsx' beside it (or in `folder`); an existing file is never overwritten:
    'x.checked-2.xlsx' … The suffix is output_suffix's (unless given): an .xls gets an .xlsx, a macro
    workbook .xlsm."""
    suffix = suffix or output_suffix(path)
    folder = folder if folder is not None else path.parent
    candidate = folder / f"{path.stem}{OUTPUT_SUFFIX}{suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{path.stem}{OUTPUT_SUFFIX}-{number}{suffix}"
        number += 1
    return candidate


def guarded(action, path: Path, *args) -> FileReport:
    """Run check/fix on one file so that nothing escapes as a traceback: an unexpected failure becomes
    that file's error, and a batch goes on with the next file. Ctrl-C and exit still stop the run."""
    try:
        return action(path, *args)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as error:  # a bug (or a native library's panic) must not stop the batch or show a traceback
        return FileReport(Path(path), error=WorkbookError(
            "internal",
            f"处理文件 “{Path(path).name}” 时出现内部错误（{type(error).__name__}: {error}）。"
            "原文件未被修改；请把该文件反馈给开发者。 (internal error)",
        ))


def fixes_for(report: FileReport, report_name: str = REPORT_SHEET) -> list[CellFix]:
    """One CellFix per cell with a fixable finding (the first finding on a cell wins); its note says
    which row of the report sheet `report_name` explains it. A cell with an error that cannot be fixed
    (which of two cells is wrong is not certain) gets a note only, its value left as written."""
    from .report_sheet import finding_row

    numbers = {id(finding): number for number, finding in enumerate(report.findings, start=1)}
    fixes, seen = [], set()
    unfixed: dict[tuple[str, str], CellFix] = {}
    for check in report.checks:
        for finding in check.findings:
            where = f"（见工作表“{report_name}”第 {finding_row(numbers[id(finding)])} 行）"
            key = (finding.sheet, finding.cell)
            if not finding.fixable:
                if finding.severity == Severity.ERROR and key not in unfixed:
                    unfixed[key] = CellFix(finding.sheet, finding.cell, None,
                                           f"xlcheck 发现错误（未更正，请核实）：{finding.message}{finding.related_text}{where}")
                continue
            if key in seen:
                continue
            seen.add(key)
            source = check.form.cells.get(CellRef(finding.sheet, *parse_a1(finding.cell)))
            formula = f"（原为公式 ={source.formula}，已替换为数值）" if source is not None and source.formula else ""
            note = (f"xlcheck 已更正：原填报 {finding.reported}，应为 {finding.expected}。"
                    f"{finding.message}{finding.related_text}{formula}{where}")
            fixes.append(CellFix(finding.sheet, finding.cell, finding.expected_value, note))
    return fixes + [fix for key, fix in unfixed.items() if key not in seen]


def report_sheet_name(book: Workbook) -> str:
    """The name for the 核查结果 sheet: 核查结果 itself when the workbook has no sheet of that name or the
    one it has is xlcheck's own report (a corrected copy checked again: it is replaced); otherwise the
    unit's own sheet of that name is kept and the report goes to 核查结果2, 核查结果3 …"""
    taken = {name.lower(): kind for name, kind in book.kinds}
    number = 1
    while True:
        candidate = REPORT_SHEET if number == 1 else f"{REPORT_SHEET}{number}"
        kind = taken.get(candidate.lower())
        if kind is None:
            return candidate
        if kind == "worksheet":
            sheet = next((s for s in book.sheets if s.name.lower() == candidate.lower()), None)
            if sheet is not None and is_own_report(sheet):
                return candidate
        number += 1


def write_copy(book: Workbook, source: Package, output: Path, report: FileReport) -> list[CellFix]:
    """The writer's corrected copy of `book` at `output`, from the package `source` (the book's own, or
    the .xlsx rebuilt from an .xls); returns the fixes it made."""
    from .report_sheet import report_sheet
    from .writer import write_corrected

    name = report_sheet_name(book)
    fixes = fixes_for(report, name)
    write_corrected(source, output, fixes, report_sheet(report, fixed=True), name)
    return fixes


def fix_workbook(path: str | Path, out: str | Path | None = None, profile: str | Path | Profile | None = None,
                 config: Config | None = None, name: str | None = None) -> FileReport:
    """Check the workbook and write a corrected copy (never the input itself): wrong cells hold the
    recomputed value, highlighted, with a note; a sheet 核查结果 lists every finding.

    An .xls input (by its bytes) is first rebuilt as an .xlsx from its cells (legacy.xls_to_xlsx) and
    the copy is an .xlsx (report.converted_from = 'xls'); an `out` whose suffix does not fit the
    content ('x.xls' for an .xlsx, '.xlsx' for a macro workbook) gets the right one. Findings the
    config leaves out are neither reported nor fixed."""
    report, chosen, book = _open(path, profile, config, name)
    if book is None:
        return report
    with book:
        _check(report, book, chosen, config)
        if report.error is None:
            _write(report, book, out)
    return report


def _write(report: FileReport, book: Workbook, out: str | Path | None) -> None:
    """fix_workbook's writing: the corrected copy of the checked `book` at `out` (or beside it)."""
    suffix = book.output_suffix
    output = Path(out) if out is not None else default_output(report.path, suffix=suffix)
    if output.suffix.lower() != suffix:
        output = output.with_suffix(suffix)
    try:
        if output.resolve() == report.path.resolve():
            raise WorkbookError.for_file("same_path", output)
        if book.format == "xls":
            with tempfile.TemporaryDirectory(prefix="xlcheck-") as folder:
                rebuilt = Path(folder) / f"{report.path.stem}.xlsx"
                xls_to_xlsx(book, rebuilt)
                with Package(rebuilt) as package:
                    fixes = write_copy(book, package, output, report)
            report.converted_from = "xls"
        else:
            fixes = write_copy(book, book.package, output, report)
    except WorkbookError as error:
        report.error = error
        return
    except OSError as error:  # a read-only or missing folder, a full disk: the writer left nothing behind
        report.error = WorkbookError.for_file("cannot_write", output, f"{type(error).__name__}: {error.strerror or error}")
        return
    report.output = output
    report.fixed = sum(1 for fix in fixes if fix.value is not None)

