"""The portal's daily check-in after a session, end to end (issue 16's acceptance, the reaction-report part): a patient
whose session was recorded 3 days ago asks for a portal link, reads it from a loopback SMTP relay, opens it with the
date of birth on a 375 px phone, reports day 3 with pus and is told to call the clinic now with its phone. At 1280 px
the clinician sees the report on Today, opens the draft and confirms it as an adverse event; a new session for the
patient is then stopped by REACTION-UNRESOLVED.

The session 3 days ago is recorded through the API with that date (a past date is how a clinic enters a paper
record); the clinic's zone is Europe/London, so "3 days ago" is counted in UTC's date in December.
"""
from __future__ import annotations

import datetime
import sys

import pytest
from selenium.webdriver.common.by import By

from conftest import ARTIFACTS, OVERFLOWING, ROOT, click, launch, login, shot, type_into, unlabelled, viewport, wait, wait_for_page
from test_clinic_admin import Relay

PATIENT_EMAIL = "mira.checkin@browser.test"
BIRTH_DATE = "1988-04-02"
PHONE = "+44 20 7946 0199"


@pytest.fixture(scope="module")
def clinic(tmp_path_factory):
    relay = Relay(tmp_path_factory.mktemp("relay-checkin"))
    work = tmp_path_factory.mktemp("portal-checkin")
    try:
        with launch(work, {"STRATUM_SMTP_URL": f"smtp://127.0.0.1:{relay.port}", "STRATUM_MAIL_FROM": "clinic@browser.test"},
                    log_name="server-portal-checkin.log") as server:
            yield server, relay
    finally:
        relay.stop()


def patient_treated_on(port: int, token: str, clinic: str, day: str) -> tuple[str, str]:
    """A patient with an email, screened and consented before `day`, an accepted course and a session on `day`."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import stratum_fixtures as fx

    fx.ensure_stock(port, token)
    patient = fx.expect(*fx.request(port, "POST", "/api/v1/patients", {
        "clinicId": clinic, "givenName": "Mira", "familyName": "Checkin", "birthDate": BIRTH_DATE, "sex": "female",
        "fitzpatrick": 2, "email": PATIENT_EMAIL, "confirmDuplicate": True}, token=token), 201)
    pid = patient["id"]
    answers = {k: False for k in fx.SCREENING_KEYS_ALL_NO}
    answers.update({k: None for k in fx.SCREENING_KEYS_DATES})
    fx.expect(*fx.request(port, "POST", f"/api/v1/patients/{pid}/screenings", {"answeredOn": day, "answers": answers}, token=token), 201)
    fx.expect(*fx.request(port, "POST", f"/api/v1/patients/{pid}/consents", {
        "kind": "treatment", "textVersion": "2026-11", "signedByName": "Mira Checkin", "confirmed": True, "signedOn": day},
        token=token), 201)
    course = fx.expect(*fx.request(port, "POST", f"/api/v1/patients/{pid}/courses", {
        "indications": ["acne-scars"], "zones": fx.ZONES,
        "device": {"kind": "pen", "minDepthMM": 0.25, "maxDepthMM": 2.5, "needleMaterial": "titanium"},
        "startDate": day}, token=token), 201)
    cid = course["id"]
    fx.expect(*fx.request(port, "POST", f"/api/v1/courses/{cid}/accept", token=token), 200)
    fx.accepted_session_body(port, token, cid, day)
    return pid, cid


def test_day_3_pus_flag_confirmed_stops_next_session(driver, clinic):
    server, relay = clinic
    d = driver
    sys.path.insert(0, str(ROOT / "scripts"))
    import stratum_fixtures as fx

    port = int(server.base_url.rsplit(":", 1)[1])
    token, clinic_id = fx.sign_in(port, server.email, server.password)
    today = datetime.datetime.now(datetime.timezone.utc).date()
    session_day = (today - datetime.timedelta(days=3)).isoformat()
    _, course_id = patient_treated_on(port, token, clinic_id, session_day)

    # The clinic's phone, as the owner sets it.
    login(d, server)
    d.get(server.url("/clinic/settings"))
    wait_for_page(d, "/clinic/settings", "save-clinic")
    type_into(d, "phone", PHONE)
    click(d, (By.ID, "save-clinic"))
    wait_for_page(d, "/clinic/settings", "clinic-contact")
    d.delete_all_cookies()

    # The patient, on a phone: asks for a link, follows the mailed link, types the date of birth.
    viewport(d, 375, 812)
    d.get(server.url("/portal/sign-in"))
    type_into(d, "email", PATIENT_EMAIL)
    click(d, (By.ID, "send-portal-link"))
    wait(d, lambda drv: drv.find_elements(By.ID, "portal-link-sent"), "the link request is answered")
    link = relay.link(PATIENT_EMAIL, "/portal/sign-in/")
    d.get(server.url("/portal/sign-in/" + link.rsplit("/portal/sign-in/", 1)[1]))
    field = wait(d, lambda drv: drv.find_elements(By.ID, "birthDate"), "the date-of-birth form")[0]
    d.execute_script("arguments[0].value = arguments[1]", field, BIRTH_DATE)
    click(d, (By.ID, "open-portal"))
    wait_for_page(d, "/portal", "check-in-link")
    assert "day 3 check-in" in d.find_element(By.ID, "check-in-link").text
    click(d, (By.ID, "check-in-link"))
    wait_for_page(d, "/portal/check-in", "check-in-form")
    assert unlabelled(d) == []
    # A pain of 11 is refused, naming the field; nothing is sent.
    click(d, (By.ID, "redness-moderate"))
    click(d, (By.ID, "swelling-mild"))
    type_into(d, "pain", "11")
    click(d, (By.ID, "send-check-in"))
    errors = wait(d, lambda drv: drv.find_elements(By.ID, "check-in-errors"), "the refusal")[0]
    assert "Pain" in errors.text, errors.text
    type_into(d, "pain", "4")
    click(d, (By.ID, "sign-pus"))
    d.save_screenshot(str(ARTIFACTS / "portal-check-in-form-375.png"))
    shot(d, "portal-check-in-form")
    click(d, (By.ID, "send-check-in"))
    wait_for_page(d, "/portal/check-in", "call-now")
    call = d.find_element(By.ID, "call-now")
    assert "Call the clinic now" in call.text and "Pus" in call.text, call.text
    phone = d.find_element(By.ID, "call-clinic-phone")
    assert PHONE in phone.text and phone.get_attribute("href").startswith("tel:"), phone.get_attribute("href")
    sticking_out = d.execute_script(OVERFLOWING)
    assert not sticking_out, f"nothing sticks out sideways at 375 px: {sticking_out}"
    d.save_screenshot(str(ARTIFACTS / "portal-check-in-call-now-375.png"))
    shot(d, "portal-check-in-call-now")
    d.delete_all_cookies()

    # The clinician at 1280 px: the report on Today, the draft confirmed as an adverse event.
    viewport(d, 1280)
    login(d, server)
    reports = wait(d, lambda drv: drv.find_elements(By.ID, "patient-reports"), "Reports from patients on Today")[0]
    assert "Mira Checkin" in reports.text and "day 3 after the session" in reports.text and "Pus" in reports.text, reports.text
    shot(d, "today-patient-reports")
    click(d, (By.CSS_SELECTOR, "#patient-reports a.btn"))
    wait_for_page(d, r"/patient-reports/[0-9a-f-]{36}", "confirm-draft")
    assert d.find_element(By.CSS_SELECTOR, "#type option:checked").get_attribute("value") == "infection-bacterial"
    assert unlabelled(d) == []
    click(d, (By.ID, "confirm-draft"))
    wait_for_page(d, r"/adverse-events/[0-9a-f-]{36}")
    d.get(server.url("/today"))
    wait(d, lambda drv: drv.find_elements(By.ID, "patient-reports"), "Today")
    assert "No open reports from patients" in d.find_element(By.ID, "patient-reports").text

    # A new session for the patient today is stopped by REACTION-UNRESOLVED.
    status, answer = fx.request(port, "POST", f"/api/v1/courses/{course_id}/sessions", fx.session_body(today.isoformat()), token=token)
    assert status == 422, (status, answer)
    stops = {f["rule"] for f in answer.get("findings", []) if f.get("severity") == "stop"}
    assert "REACTION-UNRESOLVED" in stops, answer
