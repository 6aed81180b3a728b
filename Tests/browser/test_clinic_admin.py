"""Running the clinic from the owner's screen, end to end (issue 15's acceptance): the owner invites a practitioner,
the invitation leaves through a real SMTP relay on loopback (aiosmtpd), the practitioner sets a password from the
mailed link, enrols an authenticator by scanning the QR code Stratum draws (read back by zbar, the code computed by
pyotp), signs out and in with a code, and resets a forgotten password from the mailed link.

The server here has its own relay (STRATUM_SMTP_URL) and public address (STRATUM_PUBLIC_URL), so it is its own,
not the shared `server` fixture.
"""
from __future__ import annotations

import email
import re
import shutil
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import pyotp
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import ROOT, click, launch, login, look, type_into, unlabelled, wait, wait_for_page

PRACTITIONER = "pia.practitioner@browser.test"
FIRST_PASSWORD = "a first long password"
NEW_PASSWORD = "a second long password"


class Relay:
    """Tests/mail/smtp_sink.py: a loopback SMTP relay that writes what it accepts to a folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.process = subprocess.Popen([sys.executable, str(ROOT / "Tests" / "mail" / "smtp_sink.py"), "--dir", str(folder)],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        assert line.startswith("READY "), f"the SMTP sink did not start: {line!r} {self.process.stderr.read() if self.process.poll() is not None else ''}"
        self.port = int(line.split()[1])

    def messages(self) -> list[tuple[str, email.message.EmailMessage]]:
        out = []
        for path in sorted(self.folder.glob("*.eml"), key=lambda p: int(p.stem)):
            sender, recipients, raw = path.read_bytes().split(b"\n", 2)
            out.append((recipients.decode(), email.message_from_bytes(raw, policy=policy.default)))
        return out

    def link(self, recipient: str, path: str, seen: int = 0, timeout: float = 60) -> str:
        """The one-time link in the newest mail to `recipient` whose link holds `path`, waiting for the server's
        delivery worker; `seen` such mails are skipped."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for r, m in self.messages() if r == recipient and path in m.get_content()]
            if len(found) > seen:
                match = re.search(r"https?://\S+" + re.escape(path) + r"\S+", found[-1].get_content())
                assert match, found[-1].get_content()
                return match.group(0)
            time.sleep(0.5)
        raise AssertionError(f"no mail to {recipient} with {path} within {timeout:.0f} s: {[(r, m['Subject']) for r, m in self.messages()]}")

    def stop(self):
        self.process.kill()
        self.process.wait()


@pytest.fixture(scope="module")
def clinic(tmp_path_factory):
    relay = Relay(tmp_path_factory.mktemp("relay"))
    work = tmp_path_factory.mktemp("clinic-admin")
    try:
        with launch(work, {"STRATUM_SMTP_URL": f"smtp://127.0.0.1:{relay.port}", "STRATUM_MAIL_FROM": "clinic@browser.test"},
                    log_name="server-clinic-admin.log") as server:
            yield server, relay
    finally:
        relay.stop()


def scan_qr(d) -> str:
    """What zbar reads from the enrolment page's QR code, drawn as SVG by Stratum and rasterised by librsvg."""
    if not (shutil.which("rsvg-convert") and shutil.which("zbarimg")):
        pytest.skip("zbar-tools and librsvg2-bin are needed to read the QR code")
    svg = d.find_element(By.CSS_SELECTOR, "svg.qrcode").get_attribute("outerHTML")
    work = Path(d.capabilities.get("chrome", {}).get("userDataDir") or "/tmp") / "qr"
    work.mkdir(parents=True, exist_ok=True)
    (work / "code.svg").write_text(svg)
    subprocess.run(["rsvg-convert", "-b", "white", "-o", str(work / "code.png"), str(work / "code.svg")], check=True)
    read = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(work / "code.png")],
                          capture_output=True, text=True, check=True)
    return read.stdout.strip()


def sign_out(d):
    click(d, (By.CSS_SELECTOR, "form.signout button"))
    wait_for_page(d, "/login", "email")


def password_then_code(d, server, password: str, code: str):
    d.get(server.url("/login"))
    type_into(d, "email", PRACTITIONER)
    type_into(d, "password", password)
    click(d, (By.ID, "sign-in"))
    wait_for_page(d, "/login/code", "code")
    type_into(d, "code", code)
    click(d, (By.ID, "verify-code"))
    wait_for_page(d, "/today")


def test_invite_enrol_sign_in_and_reset(driver, clinic):
    server, relay = clinic
    d = driver

    # The owner invites a practitioner on the staff page.
    login(d, server)
    click(d, (By.XPATH, "//nav[@aria-label='Main']//a[normalize-space(.)='Staff']"))
    wait_for_page(d, "/staff", "invite")
    assert unlabelled(d) == []
    type_into(d, "email", PRACTITIONER)
    role = d.find_element(By.CSS_SELECTOR, "#invite select")
    Select(role).select_by_value("practitioner")
    click(d, (By.ID, "send-invitation"))
    wait_for_page(d, "/staff", "invitation-table")
    assert PRACTITIONER in d.find_element(By.ID, "invitation-table").text
    look(d, "staff")
    sign_out(d)

    # The invitation arrives at the relay; its link sets the practitioner's name and password, once.
    link = relay.link(PRACTITIONER, "/invitations/")
    assert link.startswith(server.base_url)
    d.get(link)
    wait_for_page(d, "/invitations/.+", "displayName")
    assert unlabelled(d) == []
    type_into(d, "displayName", "Pia Practitioner")
    type_into(d, "password", FIRST_PASSWORD)
    type_into(d, "confirm", FIRST_PASSWORD)
    click(d, (By.ID, "accept-invitation"))
    wait_for_page(d, "/login", "email")
    d.get(link)
    assert "This link no longer works" in d.find_element(By.TAG_NAME, "main").text

    # Two-factor enrolment: the QR code scans as the otpauth URI, and pyotp computes the code.
    login(d, server, PRACTITIONER, FIRST_PASSWORD)
    d.get(server.url("/account"))
    click(d, (By.ID, "enrol-two-factor"))
    wait_for_page(d, "/account/two-factor", "code")
    uri = scan_qr(d)
    assert uri.startswith("otpauth://totp/Stratum:") and "issuer=Stratum" in uri, uri
    totp = pyotp.parse_uri(uri)
    typed_key = d.find_element(By.ID, "totp-secret").text.replace(" ", "")
    assert typed_key == totp.secret, "the key to type is the key in the QR code"
    look(d, "two-factor-enrolment")
    type_into(d, "code", totp.now())
    click(d, (By.ID, "confirm-two-factor"))
    wait_for_page(d, "/account/two-factor", "recovery-codes")
    codes = [li.text for li in d.find_elements(By.CSS_SELECTOR, "#recovery-codes li")]
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}", c) for c in codes), codes
    click(d, (By.ID, "codes-saved"))
    wait_for_page(d, "/account", "two-factor-state")
    assert "On." in d.find_element(By.ID, "two-factor-state").text

    # Signing out and in now takes the password and a code (the next time step's: each code works once).
    sign_out(d)
    password_then_code(d, server, FIRST_PASSWORD, totp.at(time.time() + 30))

    # A forgotten password: the mailed link (15 minutes, once) sets a new one; the old one no longer signs in.
    sign_out(d)
    click(d, (By.ID, "forgot-password"))
    wait_for_page(d, "/password/forgot", "email")
    type_into(d, "email", PRACTITIONER)
    click(d, (By.ID, "send-reset"))
    wait(d, lambda drv: drv.find_elements(By.ID, "reset-sent"), "the reset was acknowledged")
    reset = relay.link(PRACTITIONER, "/password/reset/")
    d.get(reset)
    wait_for_page(d, "/password/reset/.+", "password")
    type_into(d, "password", NEW_PASSWORD)
    type_into(d, "confirm", NEW_PASSWORD)
    click(d, (By.ID, "set-password"))
    wait_for_page(d, "/login", "email")
    type_into(d, "email", PRACTITIONER)
    type_into(d, "password", FIRST_PASSWORD)
    click(d, (By.ID, "sign-in"))
    wait(d, lambda drv: drv.find_elements(By.ID, "login-error"), "the old password is refused")
    password_then_code(d, server, NEW_PASSWORD, codes[0])

    # The owner sees the colleague's sign-in and two-factor state on the staff page.
    sign_out(d)
    login(d, server)
    d.get(server.url("/staff"))
    row = d.find_element(By.CSS_SELECTOR, f'#staff-table tr[data-email="{PRACTITIONER}"]')
    cells = row.find_elements(By.TAG_NAME, "td")
    assert "never" not in cells[2].text and cells[3].text == "on", row.text


def test_clinic_details_zone_and_policy(driver, clinic):
    """The owner sets the clinic's phone and Pacific/Auckland: the aftercare sheet and the visits calendar show both.
    The owner lowers the forehead's depth ceiling: a plan that raised nothing now gets the site's caution."""
    server, _ = clinic
    d = driver
    sys.path.insert(0, str(ROOT / "scripts"))
    import stratum_fixtures as fx

    port = int(server.base_url.rsplit(":", 1)[1])
    token, clinic_id = fx.sign_in(port, server.email, server.password)
    patient_id, course_id, _ = fx.prepared_course(port, token, clinic_id, "Aroha")
    session_id = fx.expect(*fx.request(port, "GET", f"/api/v1/courses/{course_id}/sessions", token=token), 200)["items"][0]["id"]

    login(d, server)
    d.get(server.url("/clinic/settings"))
    wait_for_page(d, "/clinic/settings", "save-clinic")
    type_into(d, "phone", "+64 9 555 0100")
    type_into(d, "address", "12 Quay Street\nAuckland 1010")
    Select(d.find_element(By.ID, "timezone")).select_by_value("Pacific/Auckland")
    click(d, (By.ID, "save-clinic"))
    wait_for_page(d, "/clinic/settings", "clinic-contact")
    assert d.find_element(By.ID, "clinic-phone").text == "+64 9 555 0100"
    assert d.find_element(By.ID, "clinic-zone").text == "Pacific/Auckland"
    look(d, "clinic-settings")

    d.get(server.url(f"/sessions/{session_id}/aftercare"))
    wait_for_page(d, f"/sessions/{session_id}/aftercare", "call-clinic")
    assert d.find_element(By.ID, "clinic-phone").text == "+64 9 555 0100"
    assert "Pacific/Auckland" in d.find_element(By.ID, "clinic-zone").text
    status, body = d.execute_script(
        "var x = new XMLHttpRequest(); x.open('GET', arguments[0], false); x.send(); return [x.status, x.responseText];",
        server.url(f"/courses/{course_id}/visits.ics"))
    unfolded = body.replace("\r\n ", "")  # RFC 5545 folds lines at 75 octets
    assert status == 200 and "X-WR-TIMEZONE:Pacific/Auckland" in unfolded and "+64 9 555 0100" in unfolded, body[:600]

    # A forehead plan at the shipped policy raises nothing about the site's depth ...
    def forehead_plan_rules() -> set[str]:
        d.get(server.url(f"/patients/{patient_id}/courses/new"))
        wait_for_page(d, f"/patients/{patient_id}/courses/new", "preview-plan")
        click(d, (By.ID, "ind-acne-scars"))
        click(d, (By.ID, "zone-forehead:midline"))
        click(d, (By.ID, "preview-plan"))
        wait_for_page(d, f"/patients/{patient_id}/courses/preview", "plan")
        return {li.get_attribute("data-rule") for li in d.find_elements(By.CSS_SELECTOR, "#plan li[data-rule]")}

    assert "DEPTH-SITE-CAUTION" not in forehead_plan_rules()
    # ... until the owner narrows the forehead's caution ceiling for this clinic; a widening is refused with the reason.
    d.get(server.url("/clinic/policy"))
    wait_for_page(d, "/clinic/policy", "save-policy")
    type_into(d, "sites.forehead.cautionAboveMM", "3")
    click(d, (By.ID, "save-policy"))
    wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, ".field-error"), "a wider ceiling is refused")
    type_into(d, "sites.forehead.cautionAboveMM", "0.5")
    click(d, (By.ID, "save-policy"))
    wait_for_page(d, "/clinic/policy", "save-policy")
    assert not d.find_elements(By.CSS_SELECTOR, ".field-error")
    look(d, "clinic-policy")
    rules = forehead_plan_rules()
    assert "DEPTH-SITE-CAUTION" in rules, rules
    assert "this clinic" in d.find_element(By.TAG_NAME, "main").text.lower()
