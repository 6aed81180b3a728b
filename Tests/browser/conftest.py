"""Browser tests of the Stratum pages: a real `stratum serve` on a fresh SQLite file, driven by headless Chromium.

Run them with `scripts/browser-test` (it installs Chromium, chromedriver, selenium and pytest when missing). The
stratum binary is `$STRATUM_BINARY`, or `.build/debug/stratum`; nothing here builds it.

Fixtures:
  server  (session) a running server with one organization, clinic and owner: .base_url, .email, .password
  launch(work, extra_env)  the same server as a context manager, for a module that needs its own (mail, say)
  driver  (function) headless Chromium at 1280x900; on a failed test its screenshot and page source are kept
Helpers (import them: `from conftest import login, shot`):
  login(driver, server)  signs in on /login and waits for /today
  shot(driver, name)     full-page screenshots at 768 and 1280 px wide into artifacts/browser/
  look(driver, name)     shot, and fails when anything sticks out sideways at 768 px
  print_shot(driver, name)  the page under the print stylesheet into artifacts/browser/NAME-print.png
  unlabelled(driver)     the form controls of the page without a label
  wait, wait_for_page, click, type_into, type_date, flash: waiting on conditions and acting like a person
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"
BINARY = Path(os.environ.get("STRATUM_BINARY") or ROOT / ".build" / "debug" / "stratum")
CHROMEDRIVER = "/usr/bin/chromedriver"
READY_TIMEOUT = 60.0
SHOT_WIDTHS = (768, 1280)
TIMEOUT = 15
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


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


@contextlib.contextmanager
def launch(work: Path, extra_env: dict[str, str] | None = None, log_name: str = "server.log",
           email: str = "owner@browser.test", *, prefix: list[str] | None = None, create: bool = True,
           port: int | None = None):
    """A `stratum serve` on a fresh SQLite file in `work`, with one organization, clinic and owner; stopped after.

    With `create=False` it serves what `work` already holds (a server started again), on `port` when given; `prefix`
    runs it under another command, such as `faketime` to serve a later day."""
    if not BINARY.is_file() or not os.access(BINARY, os.X_OK):
        pytest.fail(f"no stratum binary at {BINARY}: build it first (scripts/test does), or set STRATUM_BINARY", pytrace=False)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("STRATUM_AUDIT_KEY", "STRATUM_BEHIND_TLS")}
    port = port or _free_port()
    env.update({
        "DATABASE_URL": str(work / "stratum.sqlite"),
        "STRATUM_DATA_DIR": str(work / "data"),
        "STRATUM_HOST": "127.0.0.1",
        "STRATUM_PORT": str(port),
        "LOG_LEVEL": env.get("LOG_LEVEL", "info"),
    })
    env.update(extra_env or {})
    s = Server(base_url=f"http://127.0.0.1:{port}", email=email, password="browser-test-password-2026",
               name="Olivia Owner", organization="Browser Test Clinic", clinic="Main clinic",
               log_path=ARTIFACTS / log_name, workdir=work)
    password_file = work / "owner-password"
    password_file.write_text(s.password + "\n")
    password_file.chmod(0o600)

    if create:
        created = subprocess.run(
            [str(BINARY), "admin", "create", "--email", s.email, "--name", s.name,
             "--organization", s.organization, "--clinic", s.clinic, "--password-file", str(password_file)],
            cwd=work, env=env, capture_output=True, text=True, timeout=120)
        if created.returncode != 0:
            pytest.fail(f"stratum admin create failed ({created.returncode}):\n{created.stdout}\n{created.stderr}", pytrace=False)

    log = open(s.log_path, "a" if not create else "w")
    process = subprocess.Popen((prefix or []) + [str(BINARY), "serve"], cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
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


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Server:
    with launch(tmp_path_factory.mktemp("stratum")) as s:
        yield s


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


# ---------- acting on pages like a person, and checking what they look like ----------

def wait(d, condition, message: str, timeout: float = TIMEOUT):
    return WebDriverWait(d, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(condition, message=message)


def gone(element):
    """A wait condition: the element has left the document (the page it was on was replaced).

    Selenium's staleness_of only knows StaleElementReferenceException; Chrome answers a check on a node the new
    document just dropped with an "unknown error ... does not belong to the document" instead, which means the same.
    """
    def predicate(_driver) -> bool:
        try:
            element.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error) or "No node with given id" in str(error):
                return True
            raise
    return predicate


def error_text(d) -> str | None:
    """The title and detail of Stratum's error page (error.leaf: a card ending in "Status NNN"), or None."""
    status = d.find_elements(By.XPATH, "//main/section[contains(@class,'card')]/p[starts-with(normalize-space(.), 'Status ')]")
    return d.find_element(By.TAG_NAME, "main").text.replace("\n", " — ") if status else None


def wait_for_page(d, pattern: str, element_id: str | None = None) -> re.Match:
    """Waits until the path matches `pattern` (and, when given, #element_id is there); fails at once on an error page."""
    def arrived(drv):
        problem = error_text(drv)
        if problem:
            raise AssertionError(f"error page at {drv.current_url}: {problem}")
        if not re.fullmatch(pattern, path_of(drv)):
            return False
        return not element_id or bool(drv.find_elements(By.ID, element_id))
    wait(d, arrived, f"expected a page at {pattern}" + (f" with #{element_id}" if element_id else "") + f", at {d.current_url}")
    return re.fullmatch(pattern, path_of(d))


def click(d, locator) -> None:
    element = wait(d, EC.element_to_be_clickable(locator), f"{locator} not clickable at {d.current_url}")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def xpath_string(s: str) -> str:
    """`s` as an XPath string literal."""
    if '"' not in s:
        return f'"{s}"'
    if "'" not in s:
        return f"'{s}'"
    return "concat(" + ", '\"', ".join(f'"{part}"' for part in s.split('"')) + ")"


def type_into(d, element_id: str, text: str) -> None:
    field = wait(d, EC.element_to_be_clickable((By.ID, element_id)), f"#{element_id} not there at {d.current_url}")
    field.clear()
    field.send_keys(text)


def date_order(d) -> list[str]:
    """The order of the day, month and year fields in the browser's date inputs (its locale's)."""
    return d.execute_script(
        "return new Intl.DateTimeFormat(navigator.language).formatToParts(new Date(2001, 10, 22))"
        ".filter(p => ['day', 'month', 'year'].includes(p.type)).map(p => p.type)")


def type_date(d, element_id: str, value: date | None, *, partial: bool = False) -> None:
    """Types a date into an empty <input type=date> the way a person does: the digits in the browser's own field
    order. `partial` types the first field only (the day or the month, 12): a half-typed date, which is no date."""
    field = wait(d, EC.element_to_be_clickable((By.ID, element_id)), f"#{element_id} not there")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", field)
    assert field.get_attribute("value") == "", f"#{element_id} is not empty"
    if partial:
        field.send_keys("12")
        return
    parts = {"day": f"{value.day:02d}", "month": f"{value.month:02d}", "year": f"{value.year:04d}"}
    field.send_keys("".join(parts[s] for s in date_order(d)))
    wait(d, lambda drv: field.get_attribute("value") == value.isoformat(),
         f"#{element_id}: typed {value.isoformat()}, the field holds {field.get_attribute('value')!r}")


def flash(d) -> str:
    found = d.find_elements(By.CSS_SELECTOR, ".flash-ok")
    return found[0].text if found else ""


def viewport(d, width: int, height: int = 900) -> None:
    """Sizes the window so the page's viewport is `width` px wide (headless Chromium keeps a frame)."""
    d.set_window_size(width, height)
    inner_width, inner_height = d.execute_script("return [window.innerWidth, window.innerHeight]")
    d.set_window_size(width + (width - int(inner_width)), height + (height - int(inner_height)))


OVERFLOWING = """
const limit = document.documentElement.clientWidth + 1;
const scrolls = e => { for (let a = e.parentElement; a; a = a.parentElement) {
  const o = getComputedStyle(a).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; };
return [...document.querySelectorAll('body *')].filter(e => { const r = e.getBoundingClientRect();
  return r.width && r.right > limit && !scrolls(e); }).slice(0, 8)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + String(e.className).trim().split(/\\s+/).join('.') : '')
      + ' right=' + Math.round(e.getBoundingClientRect().right));
"""


def look(d, name: str) -> None:
    """Screenshots at 768 and 1280 px (shot), and checks that at 768 px nothing sticks out sideways: the page does
    not scroll horizontally, and every box ends inside the viewport unless it sits in a scrolling container."""
    shot(d, name)
    original = d.get_window_size()
    try:
        viewport(d, 768)
        widths = d.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        offenders = d.execute_script(OVERFLOWING)
    finally:
        d.set_window_size(original["width"], original["height"])
    assert widths[0] <= widths[1] and not offenders, f"{name} overflows at 768 px ({widths[0]} > {widths[1]}): {offenders}"


def print_shot(d, name: str) -> None:
    """The page as printed (print stylesheet), about an A4 page's printable width, into artifacts/browser/NAME-print.png."""
    original = d.get_window_size()
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        viewport(d, 700)
        height = int(d.execute_script("return document.documentElement.scrollHeight"))
        viewport(d, 700, max(height, 600))
        d.save_screenshot(str(ARTIFACTS / f"{name}-print.png"))
        # Nothing of the application's chrome is printed.
        hidden = d.execute_script("return ['.topbar', '.page-header', '.flash'].map(s => document.querySelector(s))"
                                  ".filter(e => e && getComputedStyle(e).display !== 'none').length")
        assert hidden == 0, f"{name}: the top bar, header or flash is printed"
    finally:
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        d.set_window_size(original["width"], original["height"])


UNLABELLED = """
return Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(e => e.type !== 'hidden')
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
  .map(e => e.outerHTML.slice(0, 120));
"""


def unlabelled(d) -> list[str]:
    """The start of each visible-or-not form control on the page that has no label (hidden inputs aside)."""
    return d.execute_script(UNLABELLED)
