"""The sterilization room on a tablet (issue 12, reproduction 10), as the demo clinic's assistant: at 1280 px the
biological indicator's Passed and Failed sit inside the cycles table, not past its edge; at 768 px Failed asks for
confirmation with the sessions, patients and packs the recall will reach, and only the confirmation records it; then
every action of the pack list is reachable without scrolling sideways.
"""
from __future__ import annotations

import re

from selenium.webdriver.common.by import By

from conftest import ARTIFACTS, UUID, click, csp_violations, login, shot, viewport, wait_for_page
from test_demo_pages import demo  # noqa: F401  (the demo server fixture, one per module)

ASSISTANT = "assistant@demo.stratum.test"
REACH = re.compile(r"This opens a recall reaching (\d+) sessions? \((\d+) patients?\) and quarantines (\d+) packs?\.")

# Where an element is and whether anything would hide part of it: the viewport, or an ancestor that clips or scrolls.
PLACEMENT = """
const e = arguments[0]; const r = e.getBoundingClientRect();
const out = {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
             width: document.documentElement.clientWidth, height: window.innerHeight, clippedBy: null};
for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
  const s = getComputedStyle(a);
  if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
    const b = a.getBoundingClientRect();
    if (r.left < b.left - 1 || r.right > b.right + 1) { out.clippedBy = a.tagName.toLowerCase() + '.' + a.className; break; }
  }
}
return out;
"""


def no_sideways_scroll(d, where: str) -> None:
    widths = d.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{where}: the page scrolls sideways ({widths[0]} > {widths[1]})"


def fully_in_view(d, element, label: str) -> None:
    """Scrolled vertically into view, the element lies wholly inside the viewport and no container cuts it."""
    d.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})", element)
    p = d.execute_script(PLACEMENT, element)
    assert p["clippedBy"] is None, f"{label} is cut by {p['clippedBy']}: {p}"
    assert p["left"] >= 0 and p["right"] <= p["width"], f"{label} is off screen sideways: {p}"
    assert p["top"] >= 0 and p["bottom"] <= p["height"], f"{label} is off screen after scrolling to it: {p}"
    assert d.execute_script("return window.scrollX") == 0, f"{label}: reaching it scrolled the page sideways"


def pack_rows(d) -> list[dict]:
    return d.execute_script(
        "return [...document.querySelectorAll('#packs tbody tr')].map(tr => ({code: tr.dataset.pack,"
        " state: tr.querySelector('[data-label=State]').textContent.trim(),"
        " cycle: tr.querySelector('[data-label=Cycle]').textContent.trim()}))")


def test_assistant_fails_an_indicator_through_the_confirmation_and_reaches_every_pack_action(driver, demo):  # noqa: F811
    d = driver
    login(d, demo, email=ASSISTANT)
    d.get(demo.url("/sterility"))
    wait_for_page(d, "/sterility", "cycles")

    # At a desk (1280 px): the indicator's buttons are inside the cycles table, which does not scroll.
    viewport(d, 1280)
    fails = d.find_elements(By.CSS_SELECTOR, "button[id^=bi-fail-]")
    assert fails, "the demo has a cycle awaiting its biological indicator"
    for button in fails + d.find_elements(By.CSS_SELECTOR, "button[id^=bi-pass-]"):
        fully_in_view(d, button, f"#{button.get_attribute('id')} at 1280 px")
    wrap = d.execute_script("const w = document.getElementById('cycles').parentElement; return [w.scrollWidth, w.clientWidth]")
    assert wrap[0] <= wrap[1], f"the cycles table scrolls inside its frame at 1280 px: {wrap}"
    no_sideways_scroll(d, "/sterility at 1280 px")
    shot(d, "sterility-tablet-before")

    # On the tablet (768 px): Failed is on screen; tapping it asks first.
    viewport(d, 768)
    no_sideways_scroll(d, "/sterility at 768 px")
    failed = fails[0]
    number = failed.get_attribute("id").removeprefix("bi-fail-")
    fully_in_view(d, failed, f"Failed of cycle {number} at 768 px")
    exposed = [p for p in pack_rows(d) if p["cycle"].endswith(f"#{number}") and p["state"] in ("sterilized", "released")]
    failed.click()
    wait_for_page(d, f"/sterility/cycles/({UUID})/biological", "bi-confirm-fail")
    reach = d.find_element(By.ID, "recall-reach").text
    m = REACH.fullmatch(reach)
    assert m, reach
    sessions, patients, packs = (int(g) for g in m.groups())
    assert packs == len(exposed), f"{reach} but the pack list shows {len(exposed)} unused packs of cycle {number}: {exposed}"
    assert patients <= sessions, reach
    no_sideways_scroll(d, "the confirmation at 768 px")
    fully_in_view(d, d.find_element(By.ID, "bi-confirm-fail"), "the confirmation's button")
    shot(d, "sterility-bi-confirm")

    # Nothing is recorded until it is confirmed: back in the room the cycle still awaits its reading.
    click(d, (By.ID, "bi-cancel"))
    wait_for_page(d, "/sterility", f"bi-fail-{number}")
    assert [p["state"] for p in pack_rows(d) if p["code"] in {e["code"] for e in exposed}] == [e["state"] for e in exposed]

    click(d, (By.ID, f"bi-fail-{number}"))
    wait_for_page(d, f"/sterility/cycles/({UUID})/biological", "bi-confirm-fail")
    assert d.find_element(By.ID, "recall-reach").text == reach
    click(d, (By.ID, "bi-confirm-fail"))
    wait_for_page(d, f"/recalls/({UUID})", "export-csv")
    assert d.find_element(By.ID, "recall-status").text == "open"
    assert len(d.find_elements(By.CSS_SELECTOR, "#recall-patients tbody tr")) == patients
    no_sideways_scroll(d, "the recall at 768 px")
    for action in d.find_elements(By.CSS_SELECTOR, "main button, main a.btn"):
        fully_in_view(d, action, f"recall action {action.text!r}")
    shot(d, "recall-tablet")

    # Back in the room at 768 px: the exposed packs are quarantined, and every pack action is on screen.
    d.get(demo.url("/sterility"))
    wait_for_page(d, "/sterility", "packs")
    viewport(d, 768)
    no_sideways_scroll(d, "/sterility after the failure at 768 px")
    states = {p["code"]: p["state"] for p in pack_rows(d)}
    assert all(states[e["code"]] == "quarantined" for e in exposed), states
    actions = d.find_elements(By.CSS_SELECTOR, "#packs tbody button, #packs tbody a")
    assert any(a.tag_name == "button" for a in actions), "the demo has packs the assistant can act on"
    for action in actions:
        fully_in_view(d, action, f"pack action {action.text!r}")
    no_sideways_scroll(d, "/sterility after reaching every pack action")
    shot(d, "sterility-tablet-after")
    assert (ARTIFACTS / "sterility-tablet-after-768.png").exists()
    assert csp_violations(d) == []
