"""The page of `xlcheck serve` in a real browser (Debian's headless Chromium through its chromedriver):
a clerk drops the sample with planted mistakes and an encrypted workbook, reads the findings table,
filters it, and downloads the corrected copy and the zip, which hold what `xlcheck fix` writes.

Skipped where Chromium or chromedriver is missing, except in CI (XLCHECK_REQUIRE_BROWSER=1). Kept to
one browser session: the machine's cores are shared. XLCHECK_SCREENSHOT=FILE.png saves the page.
"""

from __future__ import annotations

import os
import shutil
import time
import zipfile
from pathlib import Path

import pytest

import hostile
from conftest import SAMPLES
from serving import start_server, stop_server, workbook_values
from xlcheck.api import check_workbook, fix_workbook

CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 "--window-size=1360,1800", "--lang=zh-CN")
WAIT_SECONDS = 120


def browser_paths() -> tuple[str, str]:
    """Chromium and chromedriver; the test is skipped without them (or selenium), failed in CI."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver")
    try:
        import selenium  # noqa: F401
    except ImportError:
        driver = None
    if chromium is None or driver is None:
        if os.environ.get("XLCHECK_REQUIRE_BROWSER"):
            pytest.fail("Chromium, chromedriver and selenium are required in CI but not installed")
        pytest.skip("Chromium, chromedriver or selenium not installed")
    return chromium, driver


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium, driver_path = browser_paths()
    from selenium import webdriver

    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in CHROMIUM_ARGS:
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads), "download.prompt_for_download": False,
        "profile.default_content_setting_values.automatic_downloads": 1})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=driver_path))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


def wait_for(condition, what: str, seconds: float = WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def drop(driver, paths: list[Path]) -> None:
    """Drop files on the page as a drag from the file manager does: a DataTransfer holding the files,
    dispatched as dragenter, dragover and drop on the drop zone (selenium can only type paths into a
    file input, so a temporary input supplies the File objects)."""
    from selenium.webdriver.common.by import By

    driver.execute_script("const i = document.createElement('input'); i.type = 'file'; i.multiple = true;"
                          "i.id = 'test-source'; i.style.display = 'none'; document.body.append(i);")
    driver.find_element(By.ID, "test-source").send_keys("\n".join(str(p) for p in paths))
    driver.execute_script("""
        const source = document.getElementById('test-source');
        const data = new DataTransfer();
        for (const file of source.files) data.items.add(file);
        const zone = document.getElementById('drop');
        for (const type of ['dragenter', 'dragover', 'drop'])
            zone.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: data}));
        source.remove();""")


def entry_named(driver, name: str):
    from selenium.webdriver.common.by import By

    for entry in driver.find_elements(By.CSS_SELECTOR, "#list .entry"):
        if entry.find_element(By.CSS_SELECTOR, ".file-name").text == name:
            return entry
    return None


def downloaded(folder: Path, name: str) -> Path:
    path = folder / name
    wait_for(lambda: path.exists() and not list(folder.glob("*.crdownload")), f"the download {name}")
    return path


def test_drop_read_filter_and_download(browser, tmp_path):
    from selenium.webdriver.common.by import By

    server = start_server(tmp_path / "serve-tmp")
    try:
        mistakes = SAMPLES / "seed_mistakes.xlsx"
        encrypted = hostile.encrypted_workbook(tmp_path)
        browser.get(server.url)
        wait_for(lambda: browser.find_element(By.TAG_NAME, "body").get_attribute("data-ready"), "the page")
        drop(browser, [mistakes, encrypted])

        good = wait_for(lambda: entry_named(browser, mistakes.name), "the sample's row")
        wait_for(lambda: good.get_attribute("data-state").startswith("done"), "the sample checked and fixed")
        bad = entry_named(browser, encrypted.name)
        wait_for(lambda: bad.get_attribute("data-state") == "problem", "the encrypted file's answer")
        assert "文件设有打开密码" in bad.find_element(By.CSS_SELECTOR, ".problem").text
        assert encrypted.name in bad.find_element(By.CSS_SELECTOR, ".problem-text").text

        # the findings table: one row per finding of `xlcheck check`, each with its cell and numbers
        report = check_workbook(mistakes)
        rows = good.find_elements(By.CSS_SELECTOR, "table.findings tbody tr")
        assert len(rows) == len(report.findings) > 0
        shown = [row.text for row in rows]
        for finding, text in zip(report.findings, shown):
            assert f"{finding.sheet}!{finding.cell}" in text and finding.message in text
        rate = next(text for text in shown if "科技经信服务平台维护费!E6" in text)
        assert "99.06% → 99.60%" in rate and rate.startswith("错误")
        assert f"找到 {len(report.checks)} 张自评表" in good.find_element(By.CSS_SELECTOR, ".summary").text

        # filtering by severity: without 错误 only warnings and infos remain visible
        browser.find_element(By.CSS_SELECTOR, "#filter input[value=error]").click()
        visible = [row for row in rows if row.is_displayed()]
        assert visible and all(not row.text.startswith("错误") for row in visible)
        assert len(visible) == sum(1 for f in report.findings if f.severity.value != "error")
        browser.find_element(By.CSS_SELECTOR, "#filter input[value=error]").click()

        if os.environ.get("XLCHECK_SCREENSHOT"):
            browser.set_window_size(1360, browser.execute_script("return document.documentElement.scrollHeight") + 140)
            browser.save_screenshot(os.environ["XLCHECK_SCREENSHOT"])

        # the corrected copy, downloaded and opened: what `xlcheck fix` writes
        expected = fix_workbook(mistakes, tmp_path / "seed_mistakes.checked.xlsx")
        good.find_element(By.CSS_SELECTOR, "button.download").click()
        copy = downloaded(browser.downloads, "seed_mistakes.checked.xlsx").read_bytes()
        values = workbook_values(copy)
        assert values == workbook_values(expected.output.read_bytes())
        budget_row = next(row for row in values["科技经信服务平台维护费"] if 9.96 in row)  # 预算数 10, 执行数 9.96
        assert 0.996 in budget_row  # E6: the planted 99.06% corrected to 99.60%

        browser.find_element(By.ID, "zip").click()
        with zipfile.ZipFile(downloaded(browser.downloads, "更正副本.zip")) as bundle:
            assert bundle.testzip() is None
            assert bundle.namelist() == ["seed_mistakes.checked.xlsx"]
            assert bundle.read("seed_mistakes.checked.xlsx") == copy
        assert server.wait_until_empty() == []
    finally:
        code, errors = stop_server(server)
    assert code == 0 and "Traceback" not in errors, errors
    assert list(server.tmp.iterdir()) == []
