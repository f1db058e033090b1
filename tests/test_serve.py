"""`xlcheck serve` over real HTTP, as the page and other programs use it (interface.md "More commands"):
the same JSON as the CLI, the same corrected copy as `xlcheck fix`, plain answers to bad uploads, a
300 MB upload refused without filling memory, ten uploads at once, and nothing left on disk.

One server process serves the whole module (on a free loopback port, with its own TMPDIR); after
every test its private temporary folder must be empty again.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest

import hostile
from conftest import SAMPLES
from serving import start_server, stop_server, workbook_values
from xlcheck.api import check_workbook, fix_workbook
from xlcheck.report import as_json
from xlcheck.serve import display_name, is_loopback

MISTAKES = SAMPLES / "seed_mistakes.xlsx"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(tmp_path_factory.mktemp("serve-tmp"))
    yield running
    code, errors = stop_server(running)
    assert code == 0, errors
    assert "Traceback" not in errors, errors
    assert list(running.tmp.iterdir()) == [], "the server's temporary folder must be gone after Ctrl-C"


@pytest.fixture(autouse=True)
def nothing_left(request):
    yield
    if "server" in request.fixturenames:
        server = request.getfixturevalue("server")
        assert server.wait_until_empty() == [], "an upload was left in the temporary folder"


def post(server, kind: str, path: Path, name: str | None = None, **fields) -> httpx.Response:
    with path.open("rb") as handle:
        return httpx.post(f"{server.url}api/{kind}", files={"file": (name or path.name, handle)}, data=fields, timeout=120)


def cli_document(path: Path, name: str, **options) -> dict:
    """What `xlcheck check PATH --format json` prints for this file, with the path as the page names it."""
    doc = json.loads(as_json([check_workbook(path, **options)]))
    doc["files"][0]["path"] = name
    return doc


def test_the_page_and_its_assets_and_nothing_else(server):
    page = httpx.get(server.url)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "把工作簿拖到这里" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    for asset in ("page.js", "page.css", "favicon.svg"):
        assert httpx.get(server.url + asset).status_code == 200, asset
    for elsewhere in ("pyproject.toml", "sample_workbooks/seed_mistakes.xlsx", "page/index.html", "..%2Fpyproject.toml",
                      "%2e%2e/%2e%2e/etc/passwd", "api/check"):
        assert httpx.get(server.url + elsewhere).status_code in (404, 405), elsewhere


def test_check_answers_the_same_json_as_the_command_line(server):
    answer = post(server, "check", MISTAKES, name="自评表（第二稿）.xlsx")
    assert answer.status_code == 200
    assert answer.json() == cli_document(MISTAKES, "自评表（第二稿）.xlsx")
    assert answer.json()["files"][0]["status"] == "findings"


def test_fix_answers_what_xlcheck_fix_writes(server, tmp_path):
    answer = post(server, "fix", MISTAKES, name="区科经局 自评表.xlsx")
    assert answer.status_code == 200
    same_name = tmp_path / "区科经局 自评表.xlsx"
    same_name.write_bytes(MISTAKES.read_bytes())
    expected = fix_workbook(same_name)
    copy = workbook_values(answer.content)
    assert copy == workbook_values(expected.output.read_bytes())
    assert ("文件", None, "区科经局 自评表.xlsx") == copy["核查结果"][1][:3]  # the upload's name, never the stored one
    disposition = answer.headers["content-disposition"]
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "区科经局 自评表.checked.xlsx"
    assert int(answer.headers["x-xlcheck-findings"]) == len(expected.findings)
    assert int(answer.headers["x-xlcheck-fixed"]) == expected.fixed > 0


def test_the_profile_field_chooses_a_shipped_profile_and_never_a_file(server):
    national = SAMPLES / "national_mistakes.xlsx"
    as_hubei = post(server, "check", national, profile="hubei")
    assert as_hubei.json() == cli_document(national, "national_mistakes.xlsx", profile="hubei")
    assert as_hubei.json() != cli_document(national, "national_mistakes.xlsx")
    for not_a_name in ("auto", "", str(Path(hostile.__file__)), "../../etc/passwd"):
        answer = post(server, "check", national, profile=not_a_name)
        assert answer.json() == cli_document(national, "national_mistakes.xlsx"), not_a_name


def test_unreadable_uploads_get_plain_answers_and_the_server_goes_on(server, tmp_path):
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(bytes(range(256)) * 40)
    cases = [(garbage, "not_workbook"), (hostile.encrypted_workbook(tmp_path), "encrypted"),
             (hostile.text_but_no_form(tmp_path), "no_form"), (hostile.empty_file(tmp_path), "empty")]
    for path, code in cases:
        for kind in ("check", "fix"):
            answer = post(server, kind, path, name=f"../../{path.name}")
            assert answer.status_code == 422, (path, kind)
            entry = answer.json()["files"][0]
            assert (entry["status"], entry["error"]["code"]) == ("error", code)
            assert path.name in entry["error"]["message"] and "xlcheck-upload" not in entry["error"]["message"]
            assert entry["path"] == path.name
    assert httpx.post(f"{server.url}api/check", content=b"not a form").status_code == 400
    head = b'--zz\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n'
    for malformed in (head + b"\r\n" + MISTAKES.read_bytes()[:5000],  # ends inside the file
                      head + b"X: " + b"a" * 40000 + b"\r\n\r\nabc\r\n--zz--\r\n"):  # a header without end
        answer = httpx.post(f"{server.url}api/check", content=malformed,
                            headers={"Content-Type": "multipart/form-data; boundary=zz"})
        assert answer.status_code == 400 and answer.json()["files"][0]["error"]["code"] == "bad_request"
    assert httpx.post(f"{server.url}api/check", data={"profile": "hubei"}, files={"other": ("x", b"1")}).status_code == 400
    assert post(server, "check", MISTAKES).status_code == 200


def send_raw(server, body_chunks, length: int | None) -> tuple[int, dict]:
    """POST a multipart body chunk by chunk (with Content-Length, or chunked when length is None)."""
    boundary = "xlcheckboundary"
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"大文件.xlsx\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    connection.putrequest("POST", "/api/check")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    if length is None:
        connection.putheader("Transfer-Encoding", "chunked")
    else:
        connection.putheader("Content-Length", str(len(head) + length + len(tail)))
    connection.endheaders()
    for chunk in (head, *body_chunks, tail):
        connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk) if length is None else chunk)
    if length is None:
        connection.send(b"0\r\n\r\n")
    response = connection.getresponse()
    result = response.status, json.loads(response.read())
    connection.close()
    return result


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_300_mb_upload_is_refused_without_filling_memory(server, declared):
    chunk = b"\0" * MB
    before = server.peak_memory_kb()
    started = time.monotonic()
    status, doc = send_raw(server, (chunk for _ in range(300)), 300 * MB if declared else None)
    seconds = time.monotonic() - started
    assert status == 413
    assert doc["files"][0]["error"]["code"] == "too_big" and "50 MB" in doc["files"][0]["error"]["message"]
    grown = (server.peak_memory_kb() - before) / 1024
    print(f"\n300 MB upload ({'declared' if declared else 'chunked'}): 413 after {seconds:.2f} s; "
          f"server peak memory grew {grown:.1f} MB")
    assert grown < 40, f"the server's memory grew by {grown:.0f} MB while refusing a 300 MB upload"
    assert post(server, "check", MISTAKES).status_code == 200


def test_ten_uploads_at_once_all_answer(server, tmp_path):
    expected = cli_document(MISTAKES, "seed_mistakes.xlsx")
    corrected = workbook_values(fix_workbook(MISTAKES, tmp_path / "seed_mistakes.checked.xlsx").output.read_bytes())
    kinds = ["check", "fix"] * 5
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda kind: post(server, kind, MISTAKES), kinds))
        page = httpx.get(server.url, timeout=30)  # the page still answers while the checks run
    seconds = time.monotonic() - started
    print(f"\nten uploads at once (5 check + 5 fix of the 19-form sample): all answered in {seconds:.2f} s")
    assert page.status_code == 200
    for kind, answer in zip(kinds, answers):
        assert answer.status_code == 200
        assert (answer.json() == expected) if kind == "check" else (workbook_values(answer.content) == corrected)


def test_a_client_that_goes_away_mid_upload_leaves_nothing(server):
    parts = urlsplit(server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(b"POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                     b"Content-Length: 10000000\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; "
                     b"filename=\"a.xlsx\"\r\n\r\n" + b"PK" * 100000)
        deadline = time.monotonic() + 10
        while not server.folders() and time.monotonic() < deadline:  # the upload has reached the disk
            time.sleep(0.05)
        assert server.folders(), "the upload was never stored"
    assert server.wait_until_empty() == []
    assert post(server, "check", MISTAKES).status_code == 200


def test_the_servers_config_chooses_the_rules(tmp_path):
    """`xlcheck serve --config FILE` (desk's xlcheck.toml): what the page and API answer follows it."""
    from xlcheck.config import load_config

    config = tmp_path / "xlcheck.toml"
    config.write_text('ignore = ["XC103"]\n[severities]\nXC303 = "warning"\n', encoding="utf-8")
    running = start_server(tmp_path / "serve-tmp", "--config", str(config), "--profile", "hubei")
    try:
        assert httpx.get(running.url + "api/info").json()["config"] == "xlcheck.toml"
        answer = post(running, "check", MISTAKES).json()
        chosen = load_config(explicit=config)
        assert answer == cli_document(MISTAKES, MISTAKES.name, profile="hubei", config=chosen)
        rules = {(f["rule"], f["severity"]) for f in answer["files"][0]["findings"]}
        assert ("XC303", "warning") in rules and not any(rule == "XC103" for rule, _ in rules)
    finally:
        assert stop_server(running)[0] == 0


def test_a_killed_servers_uploads_are_removed_at_the_next_start(tmp_path):
    import signal

    first = start_server(tmp_path / "serve-tmp")
    with socket.create_connection((urlsplit(first.url).hostname, urlsplit(first.url).port), timeout=30) as sock:
        sock.sendall(b"POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                     b"Content-Length: 10000000\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; "
                     b"filename=\"a.xlsx\"\r\n\r\n" + b"PK" * 100000)
        deadline = time.monotonic() + 10
        while not first.folders() and time.monotonic() < deadline:
            time.sleep(0.05)
        first.process.send_signal(signal.SIGKILL)  # no chance to clean up
        first.process.wait(timeout=30)
    abandoned = list(first.tmp.glob("xlcheck-serve-*"))
    assert abandoned and first.folders(), "the killed server left its upload behind (as it must, here)"
    second = start_server(tmp_path / "serve-tmp")
    try:
        assert not any(folder.exists() for folder in abandoned)
    finally:
        assert stop_server(second)[0] == 0
    assert list(second.tmp.iterdir()) == []


def test_upload_names_are_shown_never_used_as_paths():
    assert display_name("..\\..\\自评表.xlsx") == "自评表.xlsx"
    assert display_name("/etc/passwd") == "passwd"
    assert display_name("C:\\Users\\会计\\桌面\\表.xls") == "表.xls"
    assert display_name("a\x00b\n.xlsx") == "ab.xlsx"
    assert display_name("..") == display_name("") == "workbook.xlsx"


def test_only_this_computer_by_default():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.7")


def run_cli(*args: str, prelude: str = "") -> subprocess.CompletedProcess:
    code = prelude + "import sys; from xlcheck.cli import main; sys.argv = ['xlcheck', *sys.argv[1:]]; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)


def test_serve_without_the_server_packages_says_what_to_install():
    block = ("import sys\n"
             "class Block:\n"
             "    def find_spec(self, name, path=None, target=None):\n"
             "        if name.split('.')[0] in ('starlette', 'uvicorn', 'python_multipart'):\n"
             "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
             "sys.meta_path.insert(0, Block())\n")
    result = run_cli("serve", prelude=block)
    assert result.returncode == 2
    assert "pip install 'xlcheck[serve]'" in result.stderr and "Traceback" not in result.stderr


def test_a_port_in_use_is_a_plain_message():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        result = run_cli("serve", "--port", str(taken.getsockname()[1]))
    assert result.returncode == 2
    assert "端口可能已被占用" in result.stderr and "Traceback" not in result.stderr
