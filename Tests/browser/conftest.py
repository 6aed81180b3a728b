"""Browser tests of the Stratum pages: a real `stratum serve` on a fresh SQLite file, driven by headless Chromium.

Run them with `scripts/browser-test` (it installs Chromium, chromedriver, selenium and pytest when missing). The
stratum binary is `$STRATUM_BINARY`, or `.build/debug/stratum`; nothing here builds it.

Fixtures:
  server  (session) a running server with one organization, clinic and owner: .base_url, .email, .password
  driver  (function) headless Chromium at 1280x900; on a failed test its screenshot and page source are kept
Helpers (import them: `from conftest import login, shot`):
  login(driver, server)  signs in on /login and waits for /today
  shot(driver, name)     full-page screenshots at 768 and 1280 px wide into artifacts/browser/
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"
BINARY = Path(os.environ.get("STRATUM_BINARY") or ROOT / ".build" / "debug" / "stratum")
CHROMEDRIVER = "/usr/bin/chromedriver"
READY_TIMEOUT = 60.0
SHOT_WIDTHS = (768, 1280)


@dataclass
class Server:
    base_url: str
    email: str
    password: str
    name: str
    organization: str
    clinic: str
    log_path: Path
    workdir: Path

    def url(self, path: str) -> str:
        return self.base_url + path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Server:
    if not BINARY.is_file() or not os.access(BINARY, os.X_OK):
        pytest.fail(f"no stratum binary at {BINARY}: build it first (scripts/test does), or set STRATUM_BINARY", pytrace=False)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    work = tmp_path_factory.mktemp("stratum")
    env = {k: v for k, v in os.environ.items() if k not in ("STRATUM_AUDIT_KEY", "STRATUM_BEHIND_TLS")}
    port = _free_port()
    env.update({
        "DATABASE_URL": str(work / "stratum.sqlite"),
        "STRATUM_DATA_DIR": str(work / "data"),
        "STRATUM_HOST": "127.0.0.1",
        "STRATUM_PORT": str(port),
        "LOG_LEVEL": env.get("LOG_LEVEL", "info"),
    })
    s = Server(base_url=f"http://127.0.0.1:{port}", email="owner@browser.test", password="browser-test-password-2026",
               name="Olivia Owner", organization="Browser Test Clinic", clinic="Main clinic",
               log_path=ARTIFACTS / "server.log", workdir=work)
    password_file = work / "owner-password"
    password_file.write_text(s.password + "\n")
    password_file.chmod(0o600)

    created = subprocess.run(
        [str(BINARY), "admin", "create", "--email", s.email, "--name", s.name,
         "--organization", s.organization, "--clinic", s.clinic, "--password-file", str(password_file)],
        cwd=work, env=env, capture_output=True, text=True, timeout=120)
    if created.returncode != 0:
        pytest.fail(f"stratum admin create failed ({created.returncode}):\n{created.stdout}\n{created.stderr}", pytrace=False)

    log = open(s.log_path, "w")
    process = subprocess.Popen([str(BINARY), "serve"], cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while not _ready(s.url("/ready")):
            if process.poll() is not None:
                pytest.fail(f"stratum serve exited with {process.returncode}:\n{_tail(s.log_path)}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"stratum serve not ready after {READY_TIMEOUT:.0f} s:\n{_tail(s.log_path)}", pytrace=False)
            time.sleep(0.25)
        yield s
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        log.close()


def pytest_sessionstart(session):
    # Screenshots of failures from an earlier run would mislead.
    for stale in ARTIFACTS.glob("failed-*"):
        stale.unlink()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "report_" + report.when, report)


def _chrome_options() -> webdriver.ChromeOptions:
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--hide-scrollbars", "--window-size=1280,900", "--lang=en-GB"):
        options.add_argument(argument)
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(candidate).exists():
            options.binary_location = candidate
            break
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return options


@pytest.fixture
def driver(request):
    service = Service(CHROMEDRIVER) if Path(CHROMEDRIVER).exists() else Service(shutil.which("chromedriver"))
    d = webdriver.Chrome(service=service, options=_chrome_options())
    d.implicitly_wait(0)
    d.set_window_size(1280, 900)
    yield d
    failed = getattr(request.node, "report_call", None)
    try:
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            stem = ARTIFACTS / f"failed-{request.node.name}"
            d.save_screenshot(str(stem) + ".png")
            (Path(str(stem) + ".html")).write_text(d.page_source)
    finally:
        d.quit()


def shot(d, name: str) -> list[Path]:
    """Saves full-page screenshots of the current page at 768 and 1280 px viewport widths."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    original = d.get_window_size()
    paths = []
    try:
        for width in SHOT_WIDTHS:
            d.set_window_size(width, 900)
            # The window is larger than the page's viewport (headless Chromium keeps a frame): size the viewport.
            inner_width, inner_height = d.execute_script("return [window.innerWidth, window.innerHeight]")
            frame_width, frame_height = width - int(inner_width), 900 - int(inner_height)
            d.set_window_size(width + frame_width, 900)
            height = int(d.execute_script("return document.body.scrollHeight"))
            d.set_window_size(width + frame_width, max(height, 600) + frame_height)
            path = ARTIFACTS / f"{name}-{width}.png"
            d.save_screenshot(str(path))
            paths.append(path)
    finally:
        d.set_window_size(original["width"], original["height"])
    return paths


def path_of(d) -> str:
    return urlparse(d.current_url).path


def wait_for_path(d, path: str, timeout: float = 15) -> None:
    WebDriverWait(d, timeout).until(lambda drv: path_of(drv) == path,
                                    message=f"expected {path}, still at {d.current_url}")


def login(d, server: Server, email: str | None = None, password: str | None = None) -> None:
    """Signs in through the /login form and waits until the browser is on /today."""
    d.get(server.url("/login"))
    WebDriverWait(d, 15).until(lambda drv: drv.find_elements(By.ID, "email"))
    email_field = d.find_element(By.ID, "email")
    email_field.clear()
    email_field.send_keys(email or server.email)
    d.find_element(By.ID, "password").send_keys(password or server.password)
    d.find_element(By.ID, "sign-in").click()
    wait_for_path(d, "/today")


def csp_violations(d) -> list[str]:
    """Browser console lines about the Content-Security-Policy (inline script or style, foreign sources)."""
    try:
        entries = d.get_log("browser")
    except Exception:  # a driver without the log endpoint
        return []
    return [e["message"] for e in entries if "Content Security Policy" in e.get("message", "")]
