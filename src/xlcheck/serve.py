"""`xlcheck serve`: the page and the HTTP API of interface.md ("More commands") over check/fix.

    POST /api/check  multipart field `file` (+ optional `profile`) -> the `--format json` document
    POST /api/fix    same fields -> the corrected workbook, findings counted in X-Xlcheck-Findings

How an upload is handled, and why:
- The body is parsed as it arrives (python-multipart's streaming parser) and the file part is written
  straight to disk, into a private folder (mode 700) made for this one request inside the server's
  own temporary folder. It is stored as `xlcheck-upload.xlsx` (or .xls/.xlsm/.et/.xlsb after the
  upload's suffix): the upload's file name is only ever shown, never used as a path.
- Past the upload limit the rest of the body is read and thrown away (so the browser gets its 413
  rather than a reset connection) and nothing more is kept: memory stays flat for a 300 MB upload.
- The check runs in a pool of worker processes (batch.process_one, as `check`/`fix` use), so the
  event loop keeps answering while workbooks are read, and a crash in one check is that file's error.
- The request's folder is deleted before the answer is sent, also after an error or a client that
  went away; the corrected copy is answered from memory.

Example: `xlcheck serve` prints `http://127.0.0.1:8765/`; then
`curl -F file=@表.xlsx http://127.0.0.1:8765/api/check` prints the same JSON as
`xlcheck check 表.xlsx --format json`, with "path" the uploaded file's name.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import quote

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .api import FileReport
from .batch import _start_worker, process_one
from .config import Config
from .model import Severity
from .package import WorkbookError
from .profiles import shipped
from .report import as_json

MB = 1024 * 1024
DEFAULT_LIMIT_MB = 50
DRAIN_LIMIT = 4096 * MB  # past this much refused body the connection is simply closed
STORED_NAME = "xlcheck-upload"
STORED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".xlsb")
ASSETS = {  # path -> (file in xlcheck/page/, content type): nothing else is ever served
    "/": ("index.html", "text/html; charset=utf-8"),
    "/page.css": ("page.css", "text/css; charset=utf-8"),
    "/page.js": ("page.js", "text/javascript; charset=utf-8"),
    "/favicon.svg": ("favicon.svg", "image/svg+xml"),
}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
                               "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class UploadRefused(Exception):
    """An upload answered with `status` and a plain message, before any check ran."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Upload:
    name: str  # as the user's computer called it: shown and used for the download's name only
    path: Path  # where it was stored, inside the request's private folder
    profile: str | None  # a shipped profile's name from the form field, or None


def display_name(raw: str) -> str:
    """The upload's file name for showing: its last path part (a browser may send 'C:\\x\\表.xlsx' or
    '../../etc/passwd'), without control characters, at most 200 characters.

    >>> display_name('..\\\\..\\\\自评表.xlsx'), display_name('/etc/passwd'), display_name('')
    ('自评表.xlsx', 'passwd', 'workbook.xlsx')
    """
    name = PureWindowsPath(PurePosixPath(raw.replace("\x00", "")).name).name
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:200] or "workbook.xlsx"


def stored_path(folder: Path, name: str) -> Path:
    """Where an upload called `name` is stored: a fixed name, keeping only a known workbook suffix (the
    format is decided by the bytes anyway; the suffix only keeps messages natural)."""
    suffix = Path(name).suffix.lower()
    return folder / (STORED_NAME + (suffix if suffix in STORED_SUFFIXES else ".xlsx"))


async def receive_upload(request: Request, folder: Path, limit: int) -> Upload:
    """Stream the multipart body: the part named `file` goes to disk in `folder`, the field `profile`
    is kept as text. Raises UploadRefused (400 no file, 413 over `limit` bytes)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + MB:  # refused before anything is written
        await drain(request.stream())
        raise UploadRefused(413, "too_big", too_big_message(limit))
    _, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if not boundary:
        raise UploadRefused(400, "bad_request", "请求不是文件上传（multipart/form-data）。 (expected a multipart upload)")
    state = {"headers": {}, "field": b"", "value": b"", "name": None, "file": None, "size": 0, "text": bytearray()}
    fields: dict[str, str] = {}
    upload: dict[str, object] = {}

    def on_header_field(data, start, end):
        state["field"] += data[start:end]

    def on_header_value(data, start, end):
        state["value"] += data[start:end]
        if len(state["value"]) > 16 * 1024:
            raise ValueError("part header too long")

    def on_header_end():
        state["headers"][state["field"].lower()] = state["value"]
        state["field"], state["value"] = b"", b""

    def on_headers_finished():
        _, options = parse_options_header(state["headers"].get(b"content-disposition", b""))
        state["name"] = options.get(b"name", b"").decode("utf-8", "replace")
        if state["name"] == "file" and b"filename" in options and "path" not in upload:
            upload["name"] = display_name(options[b"filename"].decode("utf-8", "replace"))
            upload["path"] = stored_path(folder, upload["name"])
            # local disk writes of ≤ 64 KB chunks: too short to be worth a thread
            state["file"] = open(upload["path"], "xb")  # noqa: SIM115 — closed in on_part_end / finally

    def on_part_data(data, start, end):
        if state["file"] is not None:
            state["size"] += end - start
            if state["size"] > limit:
                raise UploadRefused(413, "too_big", "")
            state["file"].write(data[start:end])
        elif len(state["text"]) < 1024:  # a form field (profile): short by nature
            state["text"] += data[start:end]

    def on_part_end():
        if state["file"] is not None:
            state["file"].close()
            state["file"] = None
            upload["complete"] = True
        elif state["name"]:
            fields[state["name"]] = bytes(state["text"]).decode("utf-8", "replace").strip()
        state["headers"], state["text"], state["name"] = {}, bytearray(), None

    parser = MultipartParser(boundary, {
        "on_header_field": on_header_field, "on_header_value": on_header_value, "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished, "on_part_data": on_part_data, "on_part_end": on_part_end,
    })
    received = 0
    try:
        stream = request.stream()
        async for chunk in stream:
            received += len(chunk)
            if received > limit + MB:  # the file's bytes are counted exactly; this bounds everything else
                raise UploadRefused(413, "too_big", "")
            parser.write(chunk)
        parser.finalize()
    except UploadRefused:
        await drain(stream)
        raise UploadRefused(413, "too_big", too_big_message(limit))
    except ValueError as error:  # python-multipart's malformed body
        raise UploadRefused(400, "bad_request", f"上传内容不完整或格式有误，请重新上传。 (malformed upload: {error})")
    finally:
        if state["file"] is not None:
            state["file"].close()
    if "path" not in upload:
        raise UploadRefused(400, "bad_request", "请求中没有名为 file 的文件。 (no file field named 'file')")
    if "complete" not in upload:  # the body ended inside the file: never check half a workbook
        raise UploadRefused(400, "bad_request", "上传内容不完整，请重新上传。 (the upload ended inside the file)")
    return Upload(upload["name"], upload["path"], fields.get("profile") or None)


def too_big_message(limit: int) -> str:
    return (f"文件超过 {limit // MB} MB 的上传上限，未处理。请删去无关的工作表或图片后另存再试，"
            f"或请管理员用 --max-upload-mb 调高上限。 (upload larger than {limit // MB} MB)")


async def drain(stream) -> None:
    """Read and drop the rest of a refused body (up to DRAIN_LIMIT), so the client reads the answer."""
    dropped = 0
    async for chunk in stream:
        dropped += len(chunk)
        if dropped > DRAIN_LIMIT:
            return


def remove_abandoned(folder: Path) -> list[Path]:
    """Delete the temporary folders of servers that were killed outright (power cut, kill -9), so that
    no upload outlives its server: 'xlcheck-serve-PID-…' whose process PID no longer runs.

    A PID reused by another process keeps its folder until a later start; it is never one still in use."""
    removed = []
    for candidate in folder.glob("xlcheck-serve-*-*"):
        pid = candidate.name.split("-")[2]
        if not pid.isdigit() or pid_alive(int(pid)) or not candidate.is_dir() or candidate.is_symlink():
            continue
        shutil.rmtree(candidate, ignore_errors=True)
        removed.append(candidate)
    return removed


def pid_alive(pid: int) -> bool:
    """Whether process `pid` runs. On Windows os.kill(pid, 0) would end that process: never asked there
    (every folder counts as in use, so nothing is removed)."""
    if os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: alive, another user's
        return True
    return True


class Service:
    """The server's state: upload limit, default profile, worker pool and private temporary folder."""

    def __init__(self, limit_mb: int = DEFAULT_LIMIT_MB, config: Config | None = None, jobs: int = 2):
        self.limit = limit_mb * MB
        self.config = config or Config()  # --config / xlcheck.toml with --profile, --select, --ignore over it
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None
        self.root: Path | None = None
        self.assets = {path: (resources.files("xlcheck") / "page" / name).read_bytes() for path, (name, _) in ASSETS.items()}

    def start(self) -> None:
        remove_abandoned(Path(tempfile.gettempdir()))
        self.root = Path(tempfile.mkdtemp(prefix=f"xlcheck-serve-{os.getpid()}-"))
        self.pool = self._new_pool()

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the server process has threads (the event loop's), and forking those is unsafe
        return ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker)

    def options(self, chosen: str | None) -> dict:
        """Keyword options for check/fix: the server's configuration (rules chosen, severities), with
        the page's profile choice when it names a shipped profile ('auto' = each form's own), else the
        configuration's profile. A name from the page is never read as a file."""
        if chosen == "auto":
            return {"config": dataclasses.replace(self.config, profile=None)}
        if chosen in shipped():
            return {"config": self.config, "profile": chosen}
        return {"config": self.config}

    async def run(self, upload: Upload, fix: bool) -> FileReport:
        """check or fix one stored upload in the worker pool; a worker that died is that file's error."""
        out = upload.path.with_name("xlcheck-corrected.xlsx") if fix else None
        loop = asyncio.get_running_loop()
        try:
            options = {**self.options(upload.profile), "name": upload.name}
            return await loop.run_in_executor(self.pool, process_one, upload.path, fix, out, options)
        except BrokenProcessPool:
            self.pool = self._new_pool()
            return FileReport(upload.path, error=WorkbookError(
                "internal", f"处理文件 “{upload.name}” 时工作进程意外退出。请重试；如仍失败，请把该文件反馈给开发者。 (worker process failed)"))


def document(report: FileReport, upload: Upload) -> dict:
    """The `--format json` document of one file (report.as_json), naming the upload as the user named
    it rather than the private path it was stored at; `output` is the download's name after a fix."""
    doc = json.loads(as_json([report]))
    entry = doc["files"][0]
    entry["path"] = upload.name
    entry["output"] = download_name(upload.name, report.output) if report.output else None
    if entry["error"]:
        entry["error"]["message"] = entry["error"]["message"].replace(upload.path.name, upload.name)
    return doc


def download_name(name: str, output: Path) -> str:
    """'表.xlsx' -> '表.checked.xlsx', with the corrected copy's own suffix (.xlsx from an .xls, .xlsm)."""
    return f"{Path(name).stem}.checked{output.suffix}"


def refused(error: UploadRefused) -> JSONResponse:
    """A refused upload in the JSON document's shape, so the page reads every answer the same way."""
    doc = {"files": [{"path": None, "output": None, "status": "error", "error": {"code": error.code, "message": error.message},
                      "forms": [], "findings": []}]}
    return JSONResponse(doc, status_code=error.status, headers=SECURITY_HEADERS)


def create_app(service: Service) -> Starlette:
    """The Starlette app: the page's assets, /api/info, /api/check and /api/fix."""

    async def asset(request: Request) -> Response:
        path = request.url.path
        return Response(service.assets[path], media_type=ASSETS[path][1], headers=SECURITY_HEADERS)

    async def info(request: Request) -> Response:
        own = service.config.profile
        return JSONResponse({"limit_bytes": service.limit, "profiles": shipped(), "default_profile": own.name if own else None,
                             "config": Path(service.config.source).name if service.config.source else None},
                            headers=SECURITY_HEADERS)

    async def handle(request: Request, fix: bool) -> Response:
        folder = Path(tempfile.mkdtemp(prefix="request-", dir=service.root))
        try:
            try:
                upload = await receive_upload(request, folder, service.limit)
            except UploadRefused as error:
                return refused(error)
            except ClientDisconnect:
                return Response(status_code=400)
            report = await service.run(upload, fix)
            doc = document(report, upload)
            status = 422 if report.error is not None else 200
            if not fix or report.error is not None:
                return JSONResponse(doc, status_code=status, headers=SECURITY_HEADERS)
            findings = doc["files"][0]["findings"]
            name = doc["files"][0]["output"]
            headers = {**SECURITY_HEADERS,
                       "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
                       "X-Xlcheck-Findings": str(len(findings)),
                       "X-Xlcheck-Errors": str(sum(1 for f in findings if f["severity"] == Severity.ERROR.value)),
                       "X-Xlcheck-Fixed": str(report.fixed)}
            if report.converted_from:
                headers["X-Xlcheck-Converted-From"] = report.converted_from
            media = ("application/vnd.ms-excel.sheet.macroEnabled.12" if report.output.suffix == ".xlsm"
                     else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            return Response(report.output.read_bytes(), media_type=media, headers=headers)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    async def check(request: Request) -> Response:
        return await handle(request, fix=False)

    async def fix(request: Request) -> Response:
        return await handle(request, fix=True)

    @asynccontextmanager
    async def lifespan(app):
        service.start()
        try:
            yield
        finally:
            service.stop()

    routes = [Route(path, asset, methods=["GET"]) for path in ASSETS]
    routes += [Route("/api/info", info, methods=["GET"]),
               Route("/api/check", check, methods=["POST"]), Route("/api/fix", fix, methods=["POST"])]
    return Starlette(routes=routes, lifespan=lifespan)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.1, ::1, localhost: addresses only this computer can reach."""
    import ipaddress
    import socket

    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)}
        return all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)
    except (OSError, ValueError):
        return False


def listen(host: str, port: int):
    """A listening socket on host:port (port 0: any free port), made here so the address printed is the
    real one. OSError when the port is taken or the address is not this computer's."""
    import socket

    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    if os.name != "nt":  # restart at once after Ctrl-C; on Windows the option would let two servers share a port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(False)
    return sock


def page_address(sock) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def run_server(service: Service, sock, open_browser: bool = False) -> None:
    """Serve the app on the listening socket until Ctrl-C (or SIGTERM); then the worker pool stops and
    the temporary folder is removed."""
    import threading
    import time
    import webbrowser

    import uvicorn

    server = uvicorn.Server(uvicorn.Config(create_app(service), log_level="warning", access_log=False,
                                           lifespan="on", timeout_graceful_shutdown=5))
    if open_browser:
        def open_when_started() -> None:
            for _ in range(100):  # at most 10 s
                if server.started:
                    webbrowser.open(page_address(sock))
                    return
                time.sleep(0.1)

        threading.Thread(target=open_when_started, daemon=True).start()
    server.run(sockets=[sock])
