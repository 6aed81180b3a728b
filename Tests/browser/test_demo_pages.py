"""Every page of a populated clinic (the demo organization), as a practitioner opens them: each answers without a
server fault, every form control has a label, nothing overflows a 768 px tablet screen, and no page trips the
Content-Security-Policy. Complements test_main_flow.py, which builds one patient's care from nothing."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from conftest import ARTIFACTS, BINARY, READY_TIMEOUT, UNLABELLED, _free_port, _ready, _tail, csp_violations, login

DEMO_PASSWORD = "demo-password-2026"


class DemoServer:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.email = "practitioner@demo.stratum.test"
        self.password = DEMO_PASSWORD

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    work = tmp_path_factory.mktemp("demo")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("STRATUM_AUDIT_KEY", "STRATUM_BEHIND_TLS")}
    env.update({"DATABASE_URL": str(work / "demo.sqlite"), "STRATUM_DATA_DIR": str(work / "data"),
                "STRATUM_HOST": "127.0.0.1", "STRATUM_PORT": str(port)})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / "demo-server.log"
    log = open(log_path, "w")
    process = subprocess.Popen([str(BINARY), "serve", "--demo"], cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    server = DemoServer(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + READY_TIMEOUT * 2
        while not _ready(server.url("/ready")):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"stratum serve --demo did not start:\n{_tail(log_path)}", pytrace=False)
            time.sleep(0.25)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


OVERFLOW = "return [document.documentElement.scrollWidth, window.innerWidth]"


def pages_of(driver, demo) -> list[str]:
    """The pages a practitioner reaches from the patient list: three charts and everything linked from them; and the
    traceability pages (sterilization, devices and stock, recalls) with one pack's label linked from /sterility."""
    driver.get(demo.url("/sterility"))
    labels = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "main a[href^='/packs/'], main a[href*='/packs/']")]
    labels = ["/" + h.split("://", 1)[1].split("/", 1)[1] for h in labels]
    labels = [h for h in labels if re.fullmatch(r"/packs/[0-9a-f-]{36}/label", h)]
    assert labels, "no pack label linked from /sterility in the demo clinic"
    driver.get(demo.url("/patients?name=o"))
    charts = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "table a[href^='/patients/'], table a[href*='/patients/']")][:3]
    found = ["/today", "/patients", "/patients/new", "/sterility", "/equipment", "/recalls", labels[0]]
    for chart in charts:
        driver.get(chart)
        path = chart.split("://", 1)[1].split("/", 1)[1]
        found.append("/" + path)
        for a in driver.find_elements(By.CSS_SELECTOR, "main a[href^='/'], main a[href*='/courses/'], main a[href*='/sessions/'], main a[href*='/adverse-events/']"):
            href = a.get_attribute("href").split("://", 1)[1].split("/", 1)[1]
            found.append("/" + href)
    extra = []
    for p in list(found):
        m = re.match(r"^/courses/([0-9a-f-]{36})$", p)
        if m:
            extra += [p + "/progress", p + "/summary", p + "/sessions/new"]
        m = re.match(r"^/sessions/([0-9a-f-]{36})$", p)
        if m:
            extra.append(p + "/aftercare")
    unique = []
    for p in found + extra:
        if p not in unique and not p.endswith(".ics") and "/login" not in p:
            unique.append(p)
    return unique


def test_every_page_of_a_busy_clinic_is_labelled_fits_a_tablet_and_keeps_the_csp(driver, demo):
    login(driver, demo)
    pages = pages_of(driver, demo)
    assert len(pages) >= 19, pages
    assert {"/sterility", "/equipment", "/recalls"} <= set(pages) and any(p.startswith("/packs/") for p in pages), pages
    problems = []
    driver.set_window_size(768 + 16, 1000)
    for path in pages:
        driver.get(demo.url(path))
        title = driver.title
        if "Internal Server Error" in driver.page_source or "went wrong on our side" in driver.page_source:
            problems.append(f"{path}: server fault ({title})")
            continue
        refused = driver.find_elements(By.XPATH, "//main/section[contains(@class,'card')]/p[starts-with(normalize-space(.), 'Status ')]")
        if refused:
            problems.append(f"{path}: error page for the practitioner ({refused[0].text}: {title})")
            continue
        for html in driver.execute_script(UNLABELLED):
            problems.append(f"{path}: control without a label: {html}")
        width, viewport = driver.execute_script(OVERFLOW)
        if width > viewport + 1:
            problems.append(f"{path}: {width} px wide in a {viewport} px window")
        if len(driver.find_elements(By.TAG_NAME, "h1")) != 1:
            problems.append(f"{path}: {len(driver.find_elements(By.TAG_NAME, 'h1'))} h1 headings")
        if driver.find_element(By.TAG_NAME, "html").get_attribute("lang") != "en":
            problems.append(f"{path}: no lang on <html>")
    # A practitioner reads the traceability pages; only the owner and the assistant change them.
    for path, editing in (("/sterility", "#cycle-form, #assemble-pack, #add-sterilizer, [id^='bi-fail-'], [id^='release-']"),
                          ("/equipment", "#receive-lot, #add-model, #add-handpiece, [id^='clean-']")):
        driver.get(demo.url(path))
        if driver.find_elements(By.CSS_SELECTOR, editing):
            problems.append(f"{path}: the practitioner is offered a change ({editing})")
    problems += [f"CSP: {line}" for line in csp_violations(driver)]
    assert not problems, "\n".join(problems)
