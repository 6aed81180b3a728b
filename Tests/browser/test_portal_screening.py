"""The screening and consent a patient does at home before a visit (issue 16), end to end: the clinic registers a
patient with an email and an accepted course (through the API, as a connected system would); the patient, on a
375 px phone, asks for a portal link, reads it from a real SMTP relay on loopback, opens it with the date of birth,
answers the screening with one answer that stops (an infection in the area) and signs the treatment consent with
the typed name; then a practitioner at 1280 px sees the stop on Today before the visit, opens the review, confirms
the answers with the patient, and the chart the session is judged on now says "Do not treat" (SCR-INFECTION).
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta, timezone

import pytest
from selenium.webdriver.common.by import By

from conftest import ARTIFACTS, OVERFLOWING, click, launch, login, shot, type_date, type_into, unlabelled, viewport, wait, wait_for_page
from test_clinic_admin import Relay

PATIENT_EMAIL = "ines.varga@browser.test"
BIRTH = date(1990, 5, 17)
PRACTITIONER = "paz.practitioner@browser.test"
PASSWORD = "a long practitioner password"


class Api:
    """The owner's API client: a token from /api/v1/auth/tokens, JSON in and out."""

    def __init__(self, server):
        self.server = server
        self.token = None
        self.token = self.send("POST", "/api/v1/auth/tokens", {"email": server.email, "password": server.password, "name": "browser"})["token"]

    def send(self, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(self.server.url(path), method=method,
                                         data=json.dumps(body).encode() if body is not None else None,
                                         headers={"Content-Type": "application/json", "Accept": "application/json"})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                return json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            return {"status": e.code, **json.loads(e.read() or b"{}")}


def today() -> date:
    return datetime.now(timezone.utc).date()


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    relay = Relay(tmp_path_factory.mktemp("relay"))
    work = tmp_path_factory.mktemp("portal-screening")
    try:
        with launch(work, {"STRATUM_SMTP_URL": f"smtp://127.0.0.1:{relay.port}", "STRATUM_MAIL_FROM": "clinic@browser.test"},
                    log_name="server-portal-screening.log") as server:
            yield server, relay
    finally:
        relay.stop()


def the_clinic_registers_a_patient(server) -> tuple[str, str]:
    api = Api(server)
    clinic = api.send("GET", "/api/v1/clinic")["id"]
    invited = api.send("POST", "/api/v1/staff/invitations", {"email": PRACTITIONER, "grants": [{"clinicId": clinic, "role": "practitioner"}]})
    assert "id" in invited, invited
    patient = api.send("POST", "/api/v1/patients", {
        "clinicId": clinic, "givenName": "Ines", "familyName": "Varga", "birthDate": BIRTH.isoformat(), "sex": "female",
        "fitzpatrick": 2, "email": PATIENT_EMAIL})
    assert "id" in patient, patient
    answers = {k: False for k in (
        "activeInfectionInArea", "openWoundInArea", "skinCancerOrChangingLesionInArea", "activeAcneInArea", "isotretinoinCurrent",
        "pregnantOrBreastfeeding", "bleedingDisorder", "stainlessSteelAllergy", "anaestheticAllergy", "sunburnInArea", "anticoagulants",
        "keloidHistory", "herpesHistory", "immunosuppressed", "poorlyControlledDiabetes", "autoimmuneSkinDisease", "recentTanning",
        "retinoidOrAcidLast2Days", "metalAllergy", "topicalAllergy")}
    answers.update({k: None for k in ("isotretinoinLastDose", "radiotherapyToArea", "surgeryOrTraumaInArea", "deepPeelOrDermabrasion")})
    screened = api.send("POST", f"/api/v1/patients/{patient['id']}/screenings", {"answeredOn": today().isoformat(), "answers": answers})
    assert screened.get("version") == 1, screened
    course = api.send("POST", f"/api/v1/patients/{patient['id']}/courses", {
        "indications": ["acne-scars"], "zones": [{"site": "cheek", "side": "left"}, {"site": "cheek", "side": "right"}],
        "device": {"kind": "pen", "minDepthMM": 0.25, "maxDepthMM": 2.5, "needleMaterial": "stainless-steel"},
        "startDate": (today() + timedelta(days=7)).isoformat(), "goal": "Smoother acne scars"})
    assert "id" in course, course
    accepted = api.send("POST", f"/api/v1/courses/{course['id']}/accept")
    if accepted.get("status") == 422:
        acks = [{"rule": f["rule"], "reason": "Discussed with the patient at planning", **({"zone": f["zone"]} if f.get("zone") else {})}
                for f in accepted.get("findings", []) if f.get("severity") == "caution"]
        accepted = api.send("POST", f"/api/v1/courses/{course['id']}/accept", {"acknowledgements": acks})
    assert accepted.get("status") == "active", accepted
    return patient["id"], course["id"]


def fits_375(d, name: str) -> None:
    """A full-length screenshot at 375 px into artifacts/browser/NAME.png, and nothing sticking out sideways."""
    viewport(d, 375, max(800, int(d.execute_script("return document.documentElement.scrollHeight"))))
    d.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    viewport(d, 375, 800)
    widths = d.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    offenders = d.execute_script(OVERFLOWING)
    assert widths[0] <= widths[1] and not offenders, f"{name} overflows at 375 px ({widths}): {offenders}"


def test_screening_and_consent_at_home_then_reviewed(driver, portal):
    server, relay = portal
    d = driver
    patient, course = the_clinic_registers_a_patient(server)

    # The patient, on a phone: a link by mail, then the date of birth.
    viewport(d, 375, 800)
    d.get(server.url("/portal/sign-in"))
    type_into(d, "email", PATIENT_EMAIL)
    click(d, (By.ID, "send-portal-link"))
    wait(d, lambda drv: drv.find_elements(By.ID, "portal-link-sent"), "the link is on its way")
    link = relay.link(PATIENT_EMAIL, "/portal/sign-in/")
    d.get(link)
    type_date(d, "birthDate", BIRTH)
    click(d, (By.ID, "open-portal"))
    wait_for_page(d, "/portal", "portal-name")
    assert d.find_element(By.ID, "portal-screening-state").text == "Not answered yet."
    assert d.find_element(By.ID, "portal-consent-state").text == "Not signed yet."

    # The screening: the clinic's questions in plain words, every one answered; an infection in the area stops.
    click(d, (By.ID, "portal-screening-link"))
    wait_for_page(d, "/portal/screening", "send-screening")
    assert unlabelled(d) == []
    assert "SCR-" not in d.find_element(By.TAG_NAME, "main").text
    click(d, (By.ID, "send-screening"))
    wait(d, lambda drv: drv.find_elements(By.ID, "portal-screening-errors"), "unanswered questions are refused")
    assert "Please answer this question." in d.find_element(By.ID, "portal-screening-errors").text
    for radio in d.find_elements(By.CSS_SELECTOR, "input[type=radio][value=no], input[type=radio][value=never]"):
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", radio)
        radio.click()
    click(d, (By.ID, "activeInfectionInArea-yes"))
    fits_375(d, "portal-screening-375")
    click(d, (By.ID, "send-screening"))
    wait_for_page(d, "/portal", "portal-name")
    assert d.find_element(By.ID, "portal-screening-state").text.startswith(f"Answered on {today().isoformat()}")

    # The consent: the clinic's text, the typed name (not someone else's) and the confirmation.
    click(d, (By.ID, "portal-consent-link"))
    wait_for_page(d, "/portal/consent", "sign-consent")
    assert unlabelled(d) == []
    type_into(d, "signedByName", "Someone Else")
    click(d, (By.ID, "confirmed"))
    click(d, (By.ID, "sign-consent"))
    wait(d, lambda drv: drv.find_elements(By.ID, "portal-consent-errors"), "another name is refused")
    assert "Your full name" in d.find_element(By.ID, "portal-consent-errors").text
    type_into(d, "signedByName", "ines VARGA")
    click(d, (By.ID, "confirmed"))
    fits_375(d, "portal-consent-375")
    click(d, (By.ID, "sign-consent"))
    wait_for_page(d, "/portal", "portal-name")
    assert d.find_element(By.ID, "portal-consent-state").text == f"Signed on {today().isoformat()}."
    fits_375(d, "portal-home-forms-375")
    click(d, (By.ID, "portal-sign-out"))
    wait_for_page(d, "/portal/sign-in", "email")

    # A practitioner joins from the mailed invitation and, at a desk, sees the stop before the visit.
    viewport(d, 1280, 900)
    d.get(relay.link(PRACTITIONER, "/invitations/"))
    wait_for_page(d, "/invitations/.+", "displayName")
    type_into(d, "displayName", "Paz Practitioner")
    type_into(d, "password", PASSWORD)
    type_into(d, "confirm", PASSWORD)
    click(d, (By.ID, "accept-invitation"))
    wait_for_page(d, "/login", "email")
    login(d, server, PRACTITIONER, PASSWORD)
    section = d.find_element(By.ID, "home-screenings")
    assert "Ines Varga" in section.text and "SCR-INFECTION" in section.text and "stop" in section.text
    shot(d, "today-home-screening")
    d.get(server.url(f"/courses/{course}/sessions/new"))
    assert "awaiting review" in d.find_element(By.ID, "home-screening-awaiting").text, "the session check does not use them yet"
    d.get(server.url(f"/patients/{patient}"))
    assert not d.find_elements(By.ID, "do-not-treat"), "unreviewed answers from home stop nothing yet"
    assert "signed in the portal" in d.find_element(By.ID, "consents").text

    # The review in the room: the patient's answers pre-filled; confirming makes them the screening sessions read.
    d.get(server.url("/today"))
    click(d, (By.XPATH, "//section[@id='home-screenings']//a[normalize-space(.)='Review']"))
    wait_for_page(d, f"/patients/{patient}/screening/home/.+", "confirm-home-screening")
    assert d.find_element(By.ID, "activeInfectionInArea-yes").is_selected()
    assert "SCR-INFECTION" in d.find_element(By.ID, "home-screening").text
    click(d, (By.ID, "confirm-home-screening"))
    wait_for_page(d, f"/patients/{patient}/screening", "screening-findings")
    assert "SCR-INFECTION" in d.find_element(By.ID, "screening-findings").text
    d.get(server.url(f"/patients/{patient}"))
    assert "SCR-INFECTION" in d.find_element(By.ID, "do-not-treat").text
    assert "by the patient at home, confirmed in the room" in d.find_element(By.ID, "screening").text
    d.get(server.url("/today"))
    assert not d.find_elements(By.ID, "home-screenings"), "reviewed: no longer waiting"
    d.get(server.url(f"/courses/{course}/sessions/new"))
    wait(d, lambda drv: drv.find_elements(By.ID, "session-form"), "the session form")
    assert not d.find_elements(By.ID, "home-screening-awaiting"), "confirmed: the session check reads it"
