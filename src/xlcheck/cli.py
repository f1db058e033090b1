"""The command line (interface.md): `xlcheck check PATH...` and `xlcheck fix PATH... [-o OUT | --out-dir DIR]`.

Plain click, and every xlcheck module imported inside the command that needs it: `xlcheck --help`
loads nothing but click, and `check` does not pay for a help renderer or a validation library.
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, Optional

import click

if TYPE_CHECKING:
    from .api import FileReport

EXIT_ERROR = 2  # report.EXIT_ERROR, without importing the checking code for a usage error


class Commands(click.Group):
    """The command group: Ctrl-C during a command ends it with exit code 130 and a word on stderr
    (click's own default would be 'Aborted!' and 1)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("已中断。 (interrupted)", err=True)
            raise click.exceptions.Exit(130) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # in the order they are defined, as the help shows them


@click.group(cls=Commands, no_args_is_help=True,
             context_settings={"max_content_width": 100})
def app() -> None:
    """检查并更正绩效自评表（项目支出 / 部门整体）中的执行率、得分与总分。"""


def path_type() -> click.Path:
    return click.Path(path_type=Path)


class Format(str, Enum):
    text = "text"
    json = "json"


JOBS_HELP = "并行处理的进程数（默认：本机核数）"
FORMAT_HELP = "输出格式：text 或 json"
FORMATS = click.Choice([f.value for f in Format])
JOBS = click.IntRange(min=1)
SUMMARY_HELP = "把汇总表（文件、表数、错误、已更正、警告、输出）另存为 .xlsx 或 .csv"


PROFILE_HELP = "核算规则配置：hubei、national，或一个 .toml 文件（默认按表式自动选择）"


SELECT_HELP = "只检查这些规则（代码或前缀，可用逗号分隔或重复给出，如 XC101,XC3）；替换配置文件中的 select"
IGNORE_HELP = "不检查这些规则（如 XC103）：其结果不报告、不更正、不计入退出码；加在配置文件的 ignore 之后"
CONFIG_HELP = "配置文件（默认：所查文件夹或其上级文件夹中的 xlcheck.toml）"


def config_options(paths: list[Path], profile: Optional[str], select: Optional[list[str]], ignore: Optional[list[str]],
                   config_file: Optional[Path]) -> dict:
    """{'config': Config} for check_workbook / fix_workbook: --config or the xlcheck.toml found from the
    paths' common folder upwards, with --select, --ignore and --profile over it. A configuration or
    profile that cannot be used is a usage error (exit 2) before any work, naming the file and the key."""
    import os

    from .config import load_config
    from .package import WorkbookError
    from .profiles import load_profile

    try:
        start = Path(os.path.commonpath([str(resolved(p)) for p in paths])) if paths else Path.cwd()
        config = load_config(start, config_file)
        chosen = load_profile(profile) if profile is not None else None
        return {"config": config.with_options(select=select, ignore=ignore, profile=chosen)}
    except WorkbookError as error:  # ConfigError, ProfileError
        click.echo(f"用法错误：{error.message}", err=True)
        raise click.exceptions.Exit(EXIT_ERROR)
    except ValueError:  # paths on different drives (Windows): no common folder, so no discovery
        return config_options([], profile, select, ignore, config_file)


def resolved(path: Path) -> Path:
    """path.resolve(), or the absolute path where links loop (x.xlsx -> x.xlsx): that file is then
    reported as missing rather than crashing the run."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return path.absolute()


def usage_error(message: str) -> NoReturn:
    click.echo(f"用法错误：{message}", err=True)
    raise click.exceptions.Exit(EXIT_ERROR)


def input_paths(raw: list[str]) -> list[Path]:
    """The PATH arguments as paths. An empty one ("" from a script whose variable was unset) is a usage
    error: pathlib would read it as '.', and the current folder would be searched and fixed throughout."""
    if any(not text.strip() for text in raw):
        usage_error("PATH 不能为空字符串（空的 PATH 不会被当作当前文件夹）。请写出要检查的工作簿或文件夹。 (an empty PATH argument)")
    return [Path(text) for text in raw]


def check_summary_path(summary: Optional[Path], files: list[Path], outputs: list[Path | None] = ()) -> None:
    """A usage error (exit 2) before any work when --summary names neither .csv nor .xlsx, or names a
    file the run reads or writes: an input (directly, through a link, or found in a folder) or an output."""
    if summary is None:
        return
    from .batch import same_file
    from .package import display

    if summary.suffix.lower() not in (".csv", ".xlsx"):
        usage_error(f"--summary 只能是 .csv 或 .xlsx 文件：{display(summary)} (--summary takes a .csv or .xlsx path)")
    clash = next((path for path in [*files, *outputs] if path is not None and same_file(summary, path)), None)
    if clash is not None:
        what = "输入的工作簿" if clash in files else "更正副本"
        usage_error(f"--summary 指向的 {display(summary)} 就是本次{what} {display(clash)}，为保护该文件已停止，什么也没有写。"
                    "请给汇总表另取一个文件名。 (--summary names an input or output of this run)")


def emit(reports: list[FileReport], fmt: Format, summary: Optional[Path] = None) -> None:
    """Print the reports (text: each file, then the summary table when there are several; json: the one
    document), write the --summary file, and exit with the batch's exit code."""
    from .batch import summary_text, write_summary
    from .report import as_json, as_text, exit_code

    if fmt is Format.json:
        click.echo(for_stream(as_json(reports), sys.stdout))
    else:
        for report in reports:
            click.echo(as_text(report))
        if len(reports) > 1:
            click.echo("\n" + summary_text(reports))
    if summary is not None:
        try:
            write_summary(reports, summary)
        except OSError as error:
            click.echo(f"无法写入汇总表 {summary}：{error} (cannot write the summary)", err=True)
            raise click.exceptions.Exit(EXIT_ERROR)
        click.echo(f"汇总表：{summary}", err=fmt is Format.json)
    raise click.exceptions.Exit(exit_code(reports))


def rule_options(command):
    """--profile, --select, --ignore and --config (the rules chosen), alike on every command that checks."""
    for option in reversed((
        click.option("--profile", help=PROFILE_HELP),
        click.option("--select", multiple=True, help=SELECT_HELP),
        click.option("--ignore", multiple=True, help=IGNORE_HELP),
        click.option("--config", type=path_type(), help=CONFIG_HELP),
    )):
        command = option(command)
    return command


@app.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--format", type=FORMATS, default="text", show_default=True, help=FORMAT_HELP)
@click.option("--jobs", "-j", type=JOBS, help=JOBS_HELP)
@click.option("--summary", type=path_type(), help=SUMMARY_HELP)
@rule_options
def check(paths: tuple[str, ...], format: str, jobs: Optional[int], summary: Optional[Path], profile: Optional[str],
          select: tuple[str, ...], ignore: tuple[str, ...], config: Optional[Path]) -> None:
    """检查：读取、核算并报告问题，不写任何文件（--summary 的汇总表除外）。

    PATH：工作簿或文件夹（文件夹内的工作簿都会检查）。
    """
    from .batch import default_jobs, expand, run_with_progress

    files = expand(input_paths(paths))
    check_summary_path(summary, files)
    options = config_options(input_paths(paths), profile, select, ignore, config)
    reports = run_with_progress(files, fix=False, outputs=None, jobs=jobs or default_jobs(), options=options)
    emit(reports, Format(format), summary)


@app.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("-o", "--out", type=path_type(), help="更正副本的路径（只用于单个文件）")
@click.option("--out-dir", type=path_type(), help="把更正副本写到这个文件夹")
@click.option("--format", type=FORMATS, default="text", show_default=True, help=FORMAT_HELP)
@click.option("--jobs", "-j", type=JOBS, help=JOBS_HELP)
@click.option("--summary", type=path_type(), help=SUMMARY_HELP)
@rule_options
def fix(paths: tuple[str, ...], out: Optional[Path], out_dir: Optional[Path], format: str, jobs: Optional[int],
        summary: Optional[Path], profile: Optional[str], select: tuple[str, ...], ignore: tuple[str, ...],
        config: Optional[Path]) -> None:
    """更正：写出更正后的副本（原文件不动），错误单元格改为核算值并标注，另附“核查结果”工作表。
    .xls 文件的更正副本转换为 .xlsx。

    PATH：工作簿或文件夹。
    """
    from .batch import default_jobs, expand, planned_outputs, run_with_progress

    files = expand(input_paths(paths))
    if out is not None and (out_dir is not None or len(files) != 1):
        usage_error("-o 只能用于单个文件，且不能与 --out-dir 同用。 (-o takes exactly one input file)")
    outputs = [out] if out is not None else planned_outputs(files, out_dir)
    check_summary_path(summary, files, outputs)
    options = config_options(input_paths(paths), profile, select, ignore, config)
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:  # under a file, read-only, no space: a message, not a traceback
            click.echo(f"无法创建输出文件夹 {out_dir}（{error.strerror or error}）。原文件未被修改。"
                       f"请换一个可写的 --out-dir。 (cannot create the output folder)", err=True)
            raise click.exceptions.Exit(EXIT_ERROR)
    reports = run_with_progress(files, fix=True, outputs=outputs, jobs=jobs or default_jobs(), options=options)
    emit(reports, Format(format), summary)


class ExportFormat(str, Enum):
    xlsx = "xlsx"
    csv = "csv"
    parquet = "parquet"


@app.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("-o", "--out", type=path_type(), help="输出：.xlsx 文件；--format csv/parquet 时为文件夹")
@click.option("--format", type=click.Choice([f.value for f in ExportFormat]), default="xlsx", show_default=True,
              help="xlsx（一个工作簿，每表一个工作表）、csv 或 parquet（文件夹中每表一个文件）")
@click.option("--jobs", "-j", type=JOBS, help=JOBS_HELP)
@rule_options
def export(paths: tuple[str, ...], out: Optional[Path], format: str, jobs: Optional[int], profile: Optional[str],
           select: tuple[str, ...], ignore: tuple[str, ...], config: Optional[Path]) -> None:
    """导出：把所有表单的数据整理成表格（表单、预算、指标、核查结果），每行带文件、工作表和单元格；
    填报值与核算值并列，数字保存为数字。原文件不动。

    PATH：工作簿或文件夹。
    """
    from .batch import default_jobs, expand, same_file
    from .export import ExportError, export_files, frames, write_tables
    from .package import display
    from .report import EXIT_FINDINGS, EXIT_OK

    format = ExportFormat(format)

    files = expand(input_paths(paths))
    if out is None:
        usage_error("export 需要 -o：.xlsx 文件，或 --format csv/parquet 时的文件夹。 (export needs -o OUT.xlsx or -o DIR --format csv|parquet)")
    if format is ExportFormat.xlsx and out.suffix.lower() != ".xlsx":
        usage_error(f"-o {display(out)} 应为 .xlsx 文件；导出为 CSV 或 Parquet 文件夹请加 --format csv 或 --format parquet。"
                    " (-o takes an .xlsx file, or a folder with --format csv|parquet)")
    if format is not ExportFormat.xlsx and out.exists() and not out.is_dir():
        usage_error(f"-o {display(out)} 已是一个文件；--format {format.value} 需要一个文件夹。 (-o must be a folder for csv/parquet)")
    clash = next((path for path in files if same_file(out, path)), None)
    if clash is not None:
        usage_error(f"-o 指向的 {display(out)} 就是输入的工作簿，为保护该文件已停止，什么也没有写。 (-o names an input)")
    options = config_options(input_paths(paths), profile, select, ignore, config)
    results = export_files(files, config=options["config"], jobs=jobs or default_jobs(), progress=True)
    tables = frames(results)
    try:
        written = write_tables(tables, out, format.value)
    except ExportError as error:
        usage_error(str(error))
    except OSError as error:
        click.echo(f"无法写入 {display(out)}：{error.strerror or error}。 (cannot write the export)", err=True)
        raise click.exceptions.Exit(EXIT_ERROR)
    unread = [r for r in results if r.error is not None]
    for result in unread:
        click.echo(f"{display(result.path)}：无法读取 — {result.error.message}", err=True)
    counts = "，".join(f"{name} {len(frame)} 行" for name, frame in tables.items())
    click.echo(f"已导出 {len(results)} 个文件（{len(unread)} 个无法读取）：{counts}")
    for path in written:
        click.echo(f"  {display(path)}")
    raise click.exceptions.Exit(EXIT_ERROR if unread else EXIT_FINDINGS if any(r.errors for r in results) else EXIT_OK)


@app.command()
@click.argument("folder", type=path_type())
@click.option("--interval", type=click.FloatRange(min=0.05), default=1.0, show_default=True, help="每隔多少秒查看一次文件夹")
@rule_options
def watch(folder: Path, interval: float, profile: Optional[str], select: tuple[str, ...], ignore: tuple[str, ...],
          config: Optional[Path]) -> None:
    """监视文件夹：新放入（或被新版本替换）的工作簿写完后自动核查，更正副本和核查结果写入其中的“已核查”文件夹。按 Ctrl-C 停止。

    FOLDER：要监视的文件夹（各单位把工作簿放进来）。
    """
    from .report import as_text
    from .watch import OUTPUT_FOLDER, Watcher

    if not folder.is_dir():
        click.echo(f"用法错误：{folder} 不是文件夹。 (not a folder)", err=True)
        raise click.exceptions.Exit(EXIT_ERROR)
    try:
        (folder / OUTPUT_FOLDER).mkdir(exist_ok=True)
    except OSError as error:
        click.echo(f"无法创建结果文件夹 {folder / OUTPUT_FOLDER}：{error} (cannot create the output folder)", err=True)
        raise click.exceptions.Exit(EXIT_ERROR)
    options = config_options([folder], profile, select, ignore, config)

    def show(report: FileReport, notes: Path) -> None:
        click.echo(as_text(report))
        click.echo(f"  核查结果：{notes}")

    click.echo(f"正在监视 {folder}（每 {interval:g} 秒查看一次；结果写入 {folder / OUTPUT_FOLDER}）。按 Ctrl-C 停止。", err=True)
    try:
        Watcher(folder, show, options).run(interval)
    except KeyboardInterrupt:
        click.echo("已停止监视。 (stopped)", err=True)


SERVE_CONFIG_HELP = "配置文件（默认：启动 serve 的文件夹或其上级文件夹中的 xlcheck.toml）"
SERVER_PACKAGES = {"starlette", "uvicorn", "python_multipart", "multipart", "h11", "anyio"}


@app.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址（默认只有本机能访问）")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="端口（0：任选一个空闲端口）")
@click.option("--profile", help=PROFILE_HELP)
@click.option("--select", multiple=True, help=SELECT_HELP)
@click.option("--ignore", multiple=True, help=IGNORE_HELP)
@click.option("--config", type=path_type(), help=SERVE_CONFIG_HELP)
@click.option("--max-upload-mb", type=click.IntRange(min=1), default=50, show_default=True, help="单个上传文件的大小上限（MB）")
@click.option("--jobs", "-j", type=JOBS, help=JOBS_HELP)
@click.option("--open", "open_browser", is_flag=True, help="启动后在浏览器中打开页面")
def serve(host: str, port: int, profile: Optional[str], select: tuple[str, ...], ignore: tuple[str, ...],
          config: Optional[Path], max_upload_mb: int, jobs: Optional[int], open_browser: bool) -> None:
    """网页：在浏览器中拖入工作簿，查看问题，下载更正副本（只在本机运行，文件处理完即删除）。"""
    from .batch import default_jobs
    try:
        from . import serve as web
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] not in SERVER_PACKAGES:
            raise
        click.echo("xlcheck serve 需要网页服务软件包 starlette、uvicorn 和 python-multipart，本机尚未安装"
                   f"（缺少 {error.name}）。请安装：pip install 'xlcheck[serve]' "
                   "(the web server packages are not installed: pip install 'xlcheck[serve]')", err=True)
        raise click.exceptions.Exit(EXIT_ERROR)
    chosen = config_options([], profile, select, ignore, config)["config"]
    try:
        sock = web.listen(host, port)
    except OSError as error:
        click.echo(f"无法在 {host}:{port} 上启动网页服务（{error.strerror or error}）。端口可能已被占用，"
                   f"请用 --port 换一个端口。 (cannot listen on {host}:{port})", err=True)
        raise click.exceptions.Exit(EXIT_ERROR)
    if not web.is_loopback(host):
        click.echo(f"警告：正在监听 {host}，同一网络中的其他电脑也能打开此页面并上传文件。只在可信的网络中这样做。"
                   f"(warning: listening on {host}, reachable from other computers)", err=True)
    service = web.Service(limit_mb=max_upload_mb, config=chosen, jobs=jobs or default_jobs())
    click.echo(f"xlcheck 网页已启动，请在浏览器中打开：{web.page_address(sock)}  （按 Ctrl-C 停止）")
    sys.stdout.flush()
    try:
        web.run_server(service, sock, open_browser)
    except KeyboardInterrupt:  # uvicorn shut down cleanly, then passes Ctrl-C on: the normal way to stop
        pass
    click.echo("网页服务已停止。 (stopped)", err=True)


def for_stream(document: str, stream) -> str:
    """A JSON document the stream can encode: characters its encoding lacks (a GBK console has no ² and
    no emoji) written as \\uXXXX escapes, which is the same document to any JSON reader."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        document.encode(encoding)
        return document
    except (UnicodeEncodeError, LookupError):
        pass

    def encodable(ch: str) -> bool:
        try:
            ch.encode(encoding)
            return True
        except (UnicodeEncodeError, LookupError):
            return False

    return "".join(ch if ch.isascii() or encodable(ch) else json.dumps(ch)[1:-1] for ch in document)


def output_failed(error: OSError) -> NoReturn:
    """stdout could not be written (a full disk, a closed or broken file): a message on stderr and exit
    2 — never a traceback, never exit 1, which would read as 'errors found'."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # what is still buffered goes nowhere at exit
    except (OSError, ValueError):
        pass
    try:
        sys.stderr.write(f"无法输出结果（{error.strerror or error}）。请检查磁盘空间或输出重定向的位置。 (cannot write the output)\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    sys.exit(EXIT_ERROR)


@app.command()
def layouts() -> None:
    """列出能识别的表式（每种一行：名称、说明）。 (list the layout families xlcheck reads)"""
    from .layouts import SPECS

    width = max(len(spec.name) for spec in SPECS)
    for spec in SPECS:
        click.echo(f"{spec.name.ljust(width)}  {spec.title}")


@app.command()
@click.argument("code", required=False)
@click.option("--markdown", is_flag=True, help="输出 README 中的规则表（Markdown）")
def rules(code: Optional[str], markdown: bool) -> None:
    """列出核查规则（代码、级别、检查内容）；给出代码时显示该规则的说明和算例。

    CODE：规则代码，如 XC101：显示该规则的说明和算例。
    """
    from .rules.catalog import describe, find_rule, rule_list, rule_table

    if code is None:
        click.echo(rule_table() if markdown else rule_list())
        return
    found = find_rule(code)
    if found is None:
        usage_error(f"没有规则 “{code}”；用 xlcheck rules 查看全部规则代码。 (no rule {code!r})")
    click.echo(describe(found))


def main() -> None:
    for stream in (sys.stdout, sys.stderr):  # a console that cannot show a character gets '?', not a traceback
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass
    try:
        try:
            app(prog_name="xlcheck")
        finally:
            sys.stdout.flush()
    except KeyboardInterrupt:
        click.echo("已中断。 (interrupted)", err=True)
        sys.exit(130)
    except OSError as error:
        output_failed(error)


if __name__ == "__main__":
    main()
