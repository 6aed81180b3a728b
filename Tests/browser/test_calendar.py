"""The front desk books a course from its plan (issue 16, appointments): at 1280 px and at 375 px the front desk of
the demo clinic opens a 6-session course at 1.0 mm and more, books its visits from the plan's dates; one visit moved
to 5 days after the one before is refused with INT-MIN on its row, moved on by keyboard (Alt + Down, the page's
progressive enhancement) and booked; the calendar shows the visits, Today shows today's appointment, and the
check-in works. The course is made through the API as the demo owner: its first session recorded 28 days ago, so
the plan's second visit is today."""
from __future__ import annotations

import datetime
import sys
from zoneinfo import ZoneInfo

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import ROOT, click, csp_violations, login, shot, viewport, wait, wait_for_page
from test_demo_pages import DEMO_PASSWORD, demo  # noqa: F401  (the demo server fixture)

FRONT_DESK = "frontdesk@demo.stratum.test"
OWNER = "owner@demo.stratum.test"
OVERFLOW = "return [document.documentElement.scrollWidth, window.innerWidth]"


def fixtures():
    sys.path.insert(0, str(ROOT / "scripts"))
    import stratum_fixtures as fx
    return fx


def course_started(fx, port, token, clinic, given: str, first: datetime.date) -> str:
    """A patient screened and consented on `first`, an accepted 6-session acne-scars course from that day, and its
    first session recorded on it; the course's id."""
    day = first.isoformat()
    fx.ensure_stock(port, token)
    patient = fx.expect(*fx.request(port, "POST", "/api/v1/patients", {
        "clinicId": clinic, "givenName": given, "familyName": "Fixture", "birthDate": "1988-04-02", "sex": "female",
        "fitzpatrick": 2, "confirmDuplicate": True}, token=token), 201)
    pid = patient["id"]
    answers = {k: False for k in fx.SCREENING_KEYS_ALL_NO}
    answers.update({k: None for k in fx.SCREENING_KEYS_DATES})
    fx.expect(*fx.request(port, "POST", f"/api/v1/patients/{pid}/screenings", {"answeredOn": day, "answers": answers}, token=token), 201)
    fx.expect(*fx.request(port, "POST", f"/api/v1/patients/{pid}/consents", {
        "kind": "treatment", "textVersion": "2026-11", "signedByName": f"{given} Fixture", "confirmed": True, "signedOn": day},
        token=token), 201)
    course = fx.expect(*fx.request(port, "POST", f"/api/v1/patients/{pid}/courses", {
        "indications": ["acne-scars"], "zones": fx.ZONES, "sessions": 6,
        "device": {"kind": "pen", "minDepthMM": 0.25, "maxDepthMM": 2.5, "needleMaterial": "titanium"},
        "startDate": day}, token=token), 201)
    fx.expect(*fx.request(port, "POST", f"/api/v1/courses/{course['id']}/accept", token=token), 200)
    fx.accepted_session_body(port, token, course["id"], day)
    return course["id"]


def set_value(d, element_id: str, value: str) -> None:
    d.execute_script("arguments[0].value = arguments[1]", d.find_element(By.ID, element_id), value)


def fits(d) -> None:
    width, inner = d.execute_script(OVERFLOW)
    assert width <= inner + 1, f"the page is {width} px wide in a {inner} px window at {d.current_url}"


@pytest.mark.parametrize("width,given,start", [(1280, "Calla", "07:15"), (375, "Dara", "08:15")])
def test_front_desk_books_the_plan(driver, demo, width, given, start):  # noqa: F811
    fx = fixtures()
    port = int(demo.base_url.rsplit(":", 1)[1])
    today = datetime.datetime.now(ZoneInfo("Europe/London")).date()
    first = today - datetime.timedelta(days=28)
    token, clinic = fx.sign_in(port, OWNER, DEMO_PASSWORD)
    course_id = course_started(fx, port, token, clinic, given, first)

    d = driver
    viewport(d, width)
    login(d, demo, FRONT_DESK, DEMO_PASSWORD)
    d.get(demo.url(f"/courses/{course_id}"))
    click(d, (By.ID, "book-course"))
    wait_for_page(d, f"/courses/{course_id}/book", "booking-form")
    rows = d.find_elements(By.CSS_SELECTOR, ".booking-row")
    assert [r.get_attribute("data-visit") for r in rows] == ["2", "3", "4", "5", "6"], "visit 1 is recorded"
    assert " mm" not in d.find_element(By.TAG_NAME, "main").text, "no depths for the front desk"
    assert d.find_element(By.ID, "visit-2-date").get_attribute("value") == today.isoformat(), "the plan's second visit is today"
    fits(d)
    for n in range(2, 7):
        set_value(d, f"visit-{n}-time", start)
    visit3 = datetime.date.fromisoformat(d.find_element(By.ID, "visit-3-date").get_attribute("value"))
    planned4 = d.find_element(By.ID, "visit-4-date").get_attribute("value")
    set_value(d, "visit-4-date", (visit3 + datetime.timedelta(days=5)).isoformat())
    click(d, (By.ID, "book-visits"))
    wait_for_page(d, f"/courses/{course_id}/book", "booking-errors")
    row4 = d.find_element(By.ID, "visit-4")
    assert "INT-MIN" in row4.text and "days since" in row4.text, row4.text
    assert "INT-MIN" not in d.find_element(By.ID, "visit-3").text
    shot(d, f"course-book-refused-{width}")
    fits(d)

    # Moved on by three weeks with the keyboard (Alt + Down is a week), then booked.
    date4 = d.find_element(By.ID, "visit-4-date")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", date4)
    date4.click()
    for _ in range(3):
        date4.send_keys(Keys.ALT, Keys.ARROW_DOWN)
    moved = d.find_element(By.ID, "visit-4-date").get_attribute("value")
    assert moved == (visit3 + datetime.timedelta(days=26)).isoformat(), (moved, planned4)
    click(d, (By.ID, "book-visits"))
    wait_for_page(d, "/calendar", "calendar")
    assert given in d.find_element(By.ID, "calendar").text
    assert "visit 2 of 6" in d.find_element(By.ID, "calendar").text
    shot(d, f"calendar-{width}")
    fits(d)
    click(d, (By.ID, "by-room"))
    wait(d, lambda drv: drv.find_elements(By.ID, "by-practitioner"), "the calendar by room")
    assert given in d.find_element(By.ID, "calendar").text
    click(d, (By.ID, "next-week"))
    wait(d, lambda drv: "week=" in drv.current_url, "the next week")

    # Today: the appointment, and the front desk's check-in.
    d.get(demo.url("/today"))
    wait_for_page(d, "/today", "today-appointments")
    section = d.find_element(By.ID, "today-appointments")
    row = section.find_element(By.XPATH, f".//tr[contains(., '{given} Fixture')]")
    assert start in row.text and "booked" in row.text, row.text
    row.find_element(By.XPATH, ".//button[normalize-space(.)='Check in']").click()
    wait(d, lambda drv: "checked in" in drv.find_element(By.ID, "today-appointments")
         .find_element(By.XPATH, f".//tr[contains(., '{given} Fixture')]").text, "checked in")
    shot(d, f"today-appointments-{width}")
    fits(d)
    assert not csp_violations(d)
