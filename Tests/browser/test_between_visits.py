"""Between visits, end to end on one clinic (issue 16's acceptance): the front desk books a 6-session course from its
plan and a visit 5 days after another at 1.0 mm is refused with INT-MIN; the reminder reaches a loopback SMTP relay
with the pre-care, the time in the clinic's zone and a link the patient confirms with; the patient follows the mailed
portal link on a 375 px phone, answers the screening at home with one answer that stops and signs the consent; the
practitioner sees the stop on Today before the visit and reviews the screening in the room; the session is recorded;
three days later (the server restarted under libfaketime, the one way to move its clock; its timers then do not fire,
so that day's portal link is read from the outbox) the patient reports pus,
the flag is on Today, the practitioner confirms the adverse-event draft, and the next session is stopped by
REACTION-UNRESOLVED.

The clinic's zone is chosen so that its local time is daytime now, and the first visit is booked three hours ahead:
its 48-hour reminder is due at once, its 2-hour one not yet.
"""
from __future__ import annotations

import datetime
import re
import sqlite3
import sys
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import ROOT, _free_port, click, launch, login, shot, type_date, type_into, viewport, wait, wait_for_page
from test_clinic_admin import Relay
from test_portal_screening import fits_375

PATIENT = "ana.between@browser.test"
BIRTH = datetime.date(1991, 2, 3)
DESK = "fran.desk@browser.test"
DOCTOR = "pia.doctor@browser.test"
PASSWORD = "a long staff password 2026"
PHONE = "+44 20 7946 0142"
ZONES = ["Pacific/Auckland", "Asia/Tokyo", "Asia/Kolkata", "Europe/London", "America/New_York", "America/Los_Angeles"]


def fixtures():
    sys.path.insert(0, str(ROOT / "scripts"))
    import stratum_fixtures as fx
    return fx


def daytime_zone() -> tuple[str, datetime.datetime]:
    """A zone where it is between 07:00 and 18:00 now, and the time there."""
    for zone in ZONES:
        now = datetime.datetime.now(ZoneInfo(zone))
        if 7 <= now.hour < 18:
            return zone, now
    raise AssertionError("some zone of the list is in daytime at any hour")


def join(d, relay, email: str, name: str) -> None:
    d.get(relay.link(email, "/invitations/"))
    wait_for_page(d, "/invitations/.+", "displayName")
    type_into(d, "displayName", name)
    type_into(d, "password", PASSWORD)
    type_into(d, "confirm", PASSWORD)
    click(d, (By.ID, "accept-invitation"))
    wait_for_page(d, "/login", "email")


def outbox_link(server) -> str:
    """The newest portal link written to the outbox. Under libfaketime the server's timers do not fire (its delivery
    worker sleeps between rounds), so the day-3 link is read where the sign-in door wrote it."""
    with sqlite3.connect(server.workdir / "stratum.sqlite") as db:
        body = db.execute("SELECT body FROM mail_outbox WHERE kind = 'portal-link' ORDER BY created_at DESC LIMIT 1").fetchone()[0]
    return server.url("/portal/sign-in/" + re.search(r"/portal/sign-in/(\S+)", body).group(1))


def portal_sign_in(d, server, relay, seen: int | None) -> None:
    d.get(server.url("/portal/sign-in"))
    type_into(d, "email", PATIENT)
    click(d, (By.ID, "send-portal-link"))
    wait(d, lambda drv: drv.find_elements(By.ID, "portal-link-sent"), "the link is on its way")
    d.get(relay.link(PATIENT, "/portal/sign-in/", seen=seen) if seen is not None else outbox_link(server))
    type_date(d, "birthDate", BIRTH)
    click(d, (By.ID, "open-portal"))
    wait_for_page(d, "/portal", "portal-name")


def test_booked_reminded_screened_treated_reported(driver, tmp_path_factory):
    fx = fixtures()
    d = driver
    relay = Relay(tmp_path_factory.mktemp("relay-between"))
    work = tmp_path_factory.mktemp("between-visits")
    port = _free_port()
    env = {"STRATUM_SMTP_URL": f"smtp://127.0.0.1:{relay.port}", "STRATUM_MAIL_FROM": "clinic@browser.test",
           "STRATUM_PUBLIC_URL": f"http://127.0.0.1:{port}", "STRATUM_REMINDER_SECONDS": "2"}
    zone, local = daytime_zone()
    today = local.date()
    try:
        with launch(work, env, log_name="server-between-visits.log", port=port) as server:
            token, clinic = fx.sign_in(port, server.email, server.password)
            # The owner: the clinic's zone and phone, a front desk and a practitioner invited.
            viewport(d, 1280)
            login(d, server)
            d.get(server.url("/clinic/settings"))
            wait_for_page(d, "/clinic/settings", "save-clinic")
            type_into(d, "phone", PHONE)
            Select(d.find_element(By.ID, "timezone")).select_by_value(zone)
            click(d, (By.ID, "save-clinic"))
            wait_for_page(d, "/clinic/settings", "clinic-contact")
            for email, role in ((DESK, "front-desk"), (DOCTOR, "practitioner")):
                fx.expect(*fx.request(port, "POST", "/api/v1/staff/invitations",
                                      {"email": email, "grants": [{"clinicId": clinic, "role": role}]}, token=token), 201)
            # The clinic registers the patient and plans a 6-session course from today (through the API).
            fx.ensure_stock(port, token)
            patient = fx.expect(*fx.request(port, "POST", "/api/v1/patients", {
                "clinicId": clinic, "givenName": "Ana", "familyName": "Between", "birthDate": BIRTH.isoformat(), "sex": "female",
                "fitzpatrick": 2, "email": PATIENT}, token=token), 201)["id"]
            answers = {k: False for k in fx.SCREENING_KEYS_ALL_NO}
            answers.update({k: None for k in fx.SCREENING_KEYS_DATES})
            fx.expect(*fx.request(port, "POST", f"/api/v1/patients/{patient}/screenings",
                                  {"answeredOn": today.isoformat(), "answers": answers}, token=token), 201)
            course = fx.expect(*fx.request(port, "POST", f"/api/v1/patients/{patient}/courses", {
                "indications": ["acne-scars"], "zones": fx.ZONES, "sessions": 6,
                "device": {"kind": "pen", "minDepthMM": 0.25, "maxDepthMM": 2.5, "needleMaterial": "titanium"},
                "startDate": today.isoformat()}, token=token), 201)["id"]
            fx.expect(*fx.request(port, "POST", f"/api/v1/courses/{course}/accept", token=token), 200)
            d.delete_all_cookies()
            join(d, relay, DESK, "Fran Desk")
            join(d, relay, DOCTOR, "Pia Doctor")

            # The front desk books the plan: the first visit three hours from now, one visit 5 days after another refused.
            login(d, server, DESK, PASSWORD)
            d.get(server.url(f"/courses/{course}/book"))
            wait_for_page(d, f"/courses/{course}/book", "booking-form")
            rows = [r.get_attribute("data-visit") for r in d.find_elements(By.CSS_SELECTOR, ".booking-row")]
            assert rows == ["1", "2", "3", "4", "5", "6"], rows
            first = local + datetime.timedelta(hours=3)
            start = f"{first.hour:02d}:{(first.minute // 5) * 5:02d}"
            for n in range(1, 7):
                d.execute_script("arguments[0].value = arguments[1]", d.find_element(By.ID, f"visit-{n}-time"), start)
            d.execute_script("arguments[0].value = arguments[1]", d.find_element(By.ID, "visit-1-date"), first.date().isoformat())
            planned3 = d.find_element(By.ID, "visit-3-date").get_attribute("value")
            visit2 = datetime.date.fromisoformat(d.find_element(By.ID, "visit-2-date").get_attribute("value"))
            d.execute_script("arguments[0].value = arguments[1]", d.find_element(By.ID, "visit-3-date"),
                             (visit2 + datetime.timedelta(days=5)).isoformat())
            click(d, (By.ID, "book-visits"))
            wait_for_page(d, f"/courses/{course}/book", "booking-errors")
            assert "INT-MIN" in d.find_element(By.ID, "visit-3").text, d.find_element(By.ID, "visit-3").text
            shot(d, "between-visits-int-min")
            d.execute_script("arguments[0].value = arguments[1]", d.find_element(By.ID, "visit-3-date"), planned3)
            click(d, (By.ID, "book-visits"))
            wait_for_page(d, "/calendar", "calendar")
            assert "Ana Between" in d.find_element(By.ID, "calendar").text
            d.delete_all_cookies()

            # The reminder at the relay: the pre-care, the time in the clinic's zone, the link to confirm.
            link = relay.link(PATIENT, "/appointments/reply/", timeout=60)
            mail = [m for r, m in relay.messages() if r == PATIENT and "/appointments/reply/" in m.get_content()][-1]
            body = mail.get_content()
            assert f"({zone})" in mail["Subject"] and f"at {start} ({zone})" in body, (mail["Subject"], body)
            assert "Stop retinoids" in body and "No tanning" in body and "cold sore" in body, body
            viewport(d, 375, 800)
            d.get(link)
            wait(d, lambda drv: drv.find_elements(By.ID, "reply-confirm"), "the visit and its buttons")
            click(d, (By.ID, "reply-confirm"))
            assert "confirmed" in wait(d, lambda drv: drv.find_elements(By.ID, "reply-message"), "confirmed")[0].text
            fits_375(d, "between-visits-reply-375")

            # The patient at home: the screening with an answer that stops, then the consent.
            portal_sign_in(d, server, relay, seen=0)
            click(d, (By.ID, "portal-screening-link"))
            wait_for_page(d, "/portal/screening", "send-screening")
            for radio in d.find_elements(By.CSS_SELECTOR, "input[type=radio][value=no], input[type=radio][value=never]"):
                d.execute_script("arguments[0].scrollIntoView({block: 'center'})", radio)
                radio.click()
            click(d, (By.ID, "activeInfectionInArea-yes"))
            click(d, (By.ID, "send-screening"))
            wait_for_page(d, "/portal", "portal-name")
            click(d, (By.ID, "portal-consent-link"))
            wait_for_page(d, "/portal/consent", "sign-consent")
            type_into(d, "signedByName", "Ana Between")
            click(d, (By.ID, "confirmed"))
            click(d, (By.ID, "sign-consent"))
            wait_for_page(d, "/portal", "portal-name")
            assert d.find_element(By.ID, "portal-consent-state").text == f"Signed on {today.isoformat()}."
            click(d, (By.ID, "portal-sign-out"))

            # The practitioner sees the stop on Today before the visit, and reviews it with the patient in the room:
            # the infection has cleared, so the answer is corrected and the screening confirmed.
            viewport(d, 1280)
            login(d, server, DOCTOR, PASSWORD)
            section = d.find_element(By.ID, "home-screenings")
            assert "Ana Between" in section.text and "SCR-INFECTION" in section.text, section.text
            shot(d, "between-visits-today-stop")
            click(d, (By.XPATH, "//section[@id='home-screenings']//a[normalize-space(.)='Review']"))
            wait_for_page(d, f"/patients/{patient}/screening/home/.+", "confirm-home-screening")
            click(d, (By.ID, "activeInfectionInArea-no"))
            click(d, (By.ID, "confirm-home-screening"))
            wait_for_page(d, f"/patients/{patient}/screening", "screening-findings")
            d.get(server.url(f"/patients/{patient}"))
            assert not d.find_elements(By.ID, "do-not-treat")
            d.delete_all_cookies()
            # The session of the first visit, recorded today (through the API, with the traceability it needs).
            fx.accepted_session_body(port, token, course, today.isoformat())

        # Three days later.
        later = today + datetime.timedelta(days=3)
        env_later = dict(env, FAKETIME_DONT_FAKE_MONOTONIC="1")
        with launch(work, env_later, log_name="server-between-visits-day3.log", port=port, create=False,
                    prefix=["faketime", "-f", "+3d"]) as server:
            viewport(d, 375, 800)
            portal_sign_in(d, server, relay, seen=None)
            assert "day 3 check-in" in d.find_element(By.ID, "check-in-link").text, d.find_element(By.ID, "check-in-link").text
            click(d, (By.ID, "check-in-link"))
            wait_for_page(d, "/portal/check-in", "check-in-form")
            click(d, (By.ID, "redness-moderate"))
            click(d, (By.ID, "swelling-mild"))
            type_into(d, "pain", "4")
            click(d, (By.ID, "sign-pus"))
            click(d, (By.ID, "send-check-in"))
            wait_for_page(d, "/portal/check-in", "call-now")
            assert "Call the clinic now" in d.find_element(By.ID, "call-now").text
            assert PHONE in d.find_element(By.ID, "call-clinic-phone").text
            fits_375(d, "between-visits-call-now-375")
            d.delete_all_cookies()

            viewport(d, 1280)
            login(d, server, DOCTOR, PASSWORD)
            reports = wait(d, lambda drv: drv.find_elements(By.ID, "patient-reports"), "Reports from patients")[0]
            assert "Ana Between" in reports.text and "Pus" in reports.text, reports.text
            click(d, (By.CSS_SELECTOR, "#patient-reports a.btn"))
            wait_for_page(d, r"/patient-reports/[0-9a-f-]{36}", "confirm-draft")
            click(d, (By.ID, "confirm-draft"))
            wait_for_page(d, r"/adverse-events/[0-9a-f-]{36}")
            shot(d, "between-visits-adverse-event")
            token, _ = fx.sign_in(port, DOCTOR, PASSWORD)
            status, answer = fx.request(port, "POST", f"/api/v1/courses/{course}/sessions", fx.session_body(later.isoformat()), token=token)
            assert status == 422, (status, answer)
            assert "REACTION-UNRESOLVED" in {f["rule"] for f in answer.get("findings", []) if f.get("severity") == "stop"}, answer
    finally:
        relay.stop()
