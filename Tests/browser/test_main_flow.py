"""The main flow of a new practitioner, through the pages only: sign in, stock the clinic (a pen model, its
handpiece, a lot of cartridges received by its GS1 line), register a patient, screen (a stop, then the corrected
answer), consent, plan a course on the map, document and sign a session with the scanned cartridge, score the
outcome, hand out the aftercare sheet and the visits calendar, see the stock used and clean the handpiece, sign out.

Everything is done the way a person does it: links and buttons by their id or visible text, typing into labelled
fields, the keyboard on the body map. The only request made outside the page is reading the .ics the page links to
(from inside the page, with its own session). Every wait is on a condition, never a fixed sleep.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from conftest import (UUID, click, csp_violations, flash, gone, login, look, path_of, print_shot, type_date, type_into, wait,
                      wait_for_page, wait_for_path, xpath_string)


GIVEN, FAMILY = "Maren", "Lindqvist"
FULL_NAME = f"{GIVEN} {FAMILY}"

# The clinic's equipment, as a new owner registers it.
PEN_MODEL = "Dermapen 4"
CARTRIDGE_MODEL = "16-needle cartridge for the test pen"
HANDPIECE = "DP4-000123"
GTIN, LOT = "09506000134352", "CART-2026-0419"
PRODUCT = "Dermapen 4 cartridge, 16 needles"
RECEIVED = 50


def lot_expiry() -> date:
    """The expiry printed on the cartridge box: about a year ahead."""
    return today() + timedelta(days=365)


def gs1_line(lot: str = LOT) -> str:
    """The box label's bracketed human-readable line: GTIN (01), expiry YYMMDD (17), lot (10)."""
    return f"(01){GTIN}(17){lot_expiry().strftime('%y%m%d')}(10){lot}"


# ---------- helpers ----------

def today() -> date:
    """The server's calendar day (it runs the clinic day in UTC)."""
    return datetime.now(timezone.utc).date()


def click_link(d, text: str) -> None:
    click(d, (By.XPATH, f"//main//a[normalize-space(.)={xpath_string(text)}]"))


def checked(d, css: str) -> bool:
    return d.find_element(By.CSS_SELECTOR, css).is_selected()


def tab_stops(d, until_id: str, limit: int = 400) -> list[str]:
    """Presses Tab from the top of the page until #until_id has the focus; returns what took the focus, in order
    (an element's id, or map zone:KEY for a map zone)."""
    d.execute_script("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur();"
                     "document.body.setAttribute('tabindex', '-1'); document.body.focus(); document.body.removeAttribute('tabindex')")
    seen: list[str] = []
    for _ in range(limit):
        ActionChains(d).send_keys(Keys.TAB).perform()
        name = d.execute_script(
            "var e = document.activeElement; if (!e || e === document.body) return '';"
            "if (e.matches('g.map-zone')) return 'zone:' + e.getAttribute('data-zone');"
            "return e.id || (e.tagName.toLowerCase() + (e.name ? '[name=' + e.name + ']' : '') + (e.textContent ? ' ' + e.textContent.trim().slice(0, 30) : ''))")
        if not seen or seen[-1] != name:  # a date input's fields take the focus one after another
            seen.append(name)
        if name == until_id:
            return seen
    raise AssertionError(f"Tab never reached #{until_id}; it went {seen[:60]}")


def check_session_form_keyboard(d) -> None:
    """Tab reaches every control of the session form (one radio per group), the map's zones with a depth field are
    tab stops, and Enter or Space on one puts the focus in its depth field."""
    stops = tab_stops(d, "record-session")
    controls = d.execute_script(
        "return [...document.querySelectorAll('#session-form input, #session-form select, #session-form textarea, #session-form button')]"
        ".filter(e => e.type !== 'hidden' && !e.disabled && e.getClientRects().length)"
        ".map(e => [e.id, e.type, e.name])")
    groups: dict[str, list[str]] = {}
    for element_id, kind, name in controls:
        if kind == "radio":
            groups.setdefault(name, []).append(element_id)
        else:
            assert element_id in stops, f"Tab never reaches #{element_id}"
    for name, ids in groups.items():
        assert any(i in stops for i in ids), f"Tab never reaches the {name} radios"
    zones = [s for s in stops if s.startswith("zone:")]
    # In the map's reading order: the patient's right cheek is drawn on the viewer's left.
    assert zones == ["zone:cheek:right", "zone:cheek:left"], zones
    # The zones come before the table of depth fields they stand for (the map is on the left or on top).
    assert max(stops.index(z) for z in zones) < stops.index("depth-cheek:left")
    for key, press in (("cheek:left", Keys.ENTER), ("cheek:right", Keys.SPACE)):
        zone = d.find_element(By.CSS_SELECTOR, f'g.map-zone[data-zone="{key}"]')
        assert zone.get_attribute("role") == "button" and "edit depth" in zone.get_attribute("aria-label")
        d.execute_script("arguments[0].focus()", zone)
        ActionChains(d).send_keys(press).perform()
        wait(d, lambda drv: drv.execute_script("return document.activeElement.id") == f"depth-{key}",
             f"{press!r} on the {key} zone did not focus its depth field")
        assert "current" in zone.get_attribute("class")
    # Every other zone is out of the tab order.
    assert not d.find_elements(By.CSS_SELECTOR, "g.map-zone.unavailable[tabindex]")


# ---------- the flow ----------

def sign_in(d, server) -> None:
    login(d, server)
    assert d.find_element(By.TAG_NAME, "h1").text.startswith("Today")


def stock_the_clinic(d) -> None:
    """On Devices and stock: a pen model, one handpiece of it, and a lot of its cartridges received by typing the
    box label's GS1 line into the scan field (as a keyboard-wedge scanner would)."""
    click(d, (By.XPATH, "//nav[@aria-label='Main']//a[normalize-space(.)='Devices and stock']"))
    wait_for_page(d, "/equipment", "add-model")
    assert d.find_element(By.TAG_NAME, "h1").text == "Devices and stock"
    # A new clinic: no handpiece can be registered before its model exists.
    assert not d.find_elements(By.ID, "add-handpiece")

    def add_model(name: str, kind: str, head: str, fits: str | None = None) -> None:
        type_into(d, "model-name", name)
        Select(d.find_element(By.ID, "model-kind")).select_by_value(kind)
        Select(d.find_element(By.ID, "model-needleMaterial")).select_by_value("titanium")
        type_into(d, "model-minMM", "0.2")
        type_into(d, "model-maxMM", "2.5")
        type_into(d, "model-needleCount", "16")
        Select(d.find_element(By.ID, "model-head")).select_by_value(head)
        if fits:
            box = d.find_element(By.XPATH, f"//fieldset[@id='fits']//label[contains(., '{fits}')]/input")
            d.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
            box.click()
        click(d, (By.ID, "add-model"))
        wait_for_page(d, "/equipment", "add-handpiece")
        assert flash(d) == "Saved."

    # The pen (a handpiece model), then its cartridge, which the catalogue lists as fitting that pen (DEV-INCOMPATIBLE).
    add_model(PEN_MODEL, "handpiece", "reusable")
    add_model(CARTRIDGE_MODEL, "cartridge", "single-use", fits=PEN_MODEL)
    catalogue = d.find_element(By.CSS_SELECTOR, "section[aria-labelledby=models-h] tbody").text
    assert PEN_MODEL in catalogue and f"pen cartridge · fits {PEN_MODEL}" in catalogue, catalogue

    Select(d.find_element(By.ID, "handpiece-model")).select_by_visible_text(PEN_MODEL)
    type_into(d, "handpiece-serial", HANDPIECE)
    click(d, (By.ID, "add-handpiece"))
    wait_for_page(d, "/equipment", f"clean-{HANDPIECE}")
    assert flash(d) == "Saved."
    row = d.find_element(By.CSS_SELECTOR, f'#handpieces tr[data-handpiece="{HANDPIECE}"]')
    assert PEN_MODEL in row.text
    # Never cleaned: not ready for a patient (DEV-HANDPIECE).
    assert row.find_element(By.CSS_SELECTOR, ".badge").text == "clean before next patient"

    type_into(d, "lot-scan", gs1_line())
    type_into(d, "lot-product", PRODUCT)
    type_into(d, "lot-quantity", str(RECEIVED))
    Select(d.find_element(By.ID, "lot-model")).select_by_visible_text(CARTRIDGE_MODEL)
    click(d, (By.ID, "receive"))
    wait_for_page(d, "/equipment", "lots")
    assert flash(d) == "Saved."
    cells = [c.text for c in d.find_elements(By.CSS_SELECTOR, f'#lots tr[data-lot="{LOT}"] td')]
    assert cells[:6] == [PRODUCT, GTIN, LOT, lot_expiry().isoformat(), f"{RECEIVED} of {RECEIVED} left", "available"], cells
    look(d, "equipment")


def register_patient(d, server) -> str:
    click(d, (By.XPATH, "//nav[@aria-label='Main']//a[normalize-space(.)='Patients']"))
    wait_for_page(d, "/patients", "new-patient")
    click(d, (By.ID, "new-patient"))
    wait_for_page(d, "/patients/new", "save-patient")
    type_into(d, "givenName", GIVEN)
    type_into(d, "familyName", FAMILY)
    type_date(d, "birthDate", date(1988, 4, 17))
    Select(d.find_element(By.ID, "sex")).select_by_visible_text("Female")
    Select(d.find_element(By.ID, "fitzpatrick")).select_by_value("3")
    type_into(d, "phone", "+44 20 7946 0958")
    type_into(d, "email", "maren.lindqvist@example.com")
    click(d, (By.ID, "save-patient"))
    patient_id = wait_for_page(d, f"/patients/({UUID})", "banner-name").group(1)
    assert d.find_element(By.ID, "banner-name").text == FULL_NAME
    assert "Phototype III" in d.find_element(By.CSS_SELECTOR, ".banner-facts").text
    assert flash(d) == "Patient saved."
    # Not screened yet: the banner says so as a warning.
    assert "No screening recorded" in d.find_element(By.ID, "screening-state").text
    look(d, "chart-new")
    return patient_id


def answer_screening(d, patient_id: str, *, isotretinoin_now: bool, expect_prefilled: bool) -> None:
    wait_for_page(d, f"/patients/{patient_id}/screening", "save-screening")
    questions = d.find_elements(By.CSS_SELECTOR, ".question[id^='q-']")
    keys = [q.get_attribute("id")[2:] for q in questions]
    assert "isotretinoinCurrent" in keys and len(keys) >= 20, keys
    if expect_prefilled:
        # The form starts from the previous answers.
        assert checked(d, "#isotretinoinCurrent-yes")
        for q in questions:
            assert q.find_elements(By.CSS_SELECTOR, "input[type=radio]:checked"), f"{q.get_attribute('id')} not pre-filled"
    for q in questions:
        key = q.get_attribute("id")[2:]
        if key == "isotretinoinCurrent":
            wanted = "yes" if isotretinoin_now else "no"
        else:
            radios = q.find_elements(By.CSS_SELECTOR, "input[type=radio]")
            values = {r.get_attribute("value") for r in radios}
            wanted = "never" if "never" in values else "no"
        radio = q.find_element(By.CSS_SELECTOR, f"input[type=radio][value='{wanted}']")
        if not radio.is_selected():
            d.execute_script("arguments[0].scrollIntoView({block: 'center'})", radio)
            radio.click()
        assert radio.is_selected(), f"{key}: {wanted} not chosen"
    assert d.find_element(By.ID, "answeredOn").get_attribute("value") == today().isoformat()
    click(d, (By.ID, "save-screening"))
    wait_for_page(d, f"/patients/{patient_id}/screening", "screening-findings")
    assert flash(d) == "Screening saved."


def screen_with_isotretinoin(d, patient_id: str) -> None:
    click(d, (By.ID, "new-screening"))
    answer_screening(d, patient_id, isotretinoin_now=True, expect_prefilled=False)
    finding = d.find_element(By.CSS_SELECTOR, "#screening-findings li[data-rule=SCR-ISOTRETINOIN]")
    assert "finding-stop" in finding.get_attribute("class")
    assert finding.find_element(By.CSS_SELECTOR, ".badge").text.lower() == "stop"
    assert d.find_element(By.ID, "screening-blocks").is_displayed()
    assert "version 1" in d.find_element(By.ID, "latest-h").text
    look(d, "screening-finding")

    # Planning is blocked: the page names the stop and offers no plan.
    click_link(d, "Back to chart")
    wait_for_page(d, f"/patients/{patient_id}", "new-course")
    alerts = d.find_element(By.ID, "banner-alerts").text
    assert "SCR-ISOTRETINOIN" in alerts
    look(d, "chart-stop")
    click(d, (By.ID, "new-course"))
    wait_for_page(d, f"/patients/{patient_id}/courses/new", "planning-blocked")
    assert d.find_elements(By.CSS_SELECTOR, "#planning-blocked li[data-rule=SCR-ISOTRETINOIN]")
    assert not d.find_elements(By.ID, "preview-plan")
    assert not d.find_elements(By.ID, "propose-course")
    look(d, "planning-blocked")


def correct_screening(d, patient_id: str) -> None:
    click(d, (By.ID, "rescreen"))
    answer_screening(d, patient_id, isotretinoin_now=False, expect_prefilled=True)
    assert "version 2" in d.find_element(By.ID, "latest-h").text
    assert not d.find_elements(By.CSS_SELECTOR, "#screening-findings li.finding-stop")
    assert not d.find_elements(By.ID, "screening-blocks")
    assert not d.find_elements(By.CSS_SELECTOR, "li[data-rule=SCR-ISOTRETINOIN]")


def sign_consent(d, patient_id: str) -> None:
    click_link(d, "Back to chart")
    wait_for_page(d, f"/patients/{patient_id}", "new-consent")
    assert "SCR-ISOTRETINOIN" not in d.find_element(By.ID, "banner-alerts").text
    click(d, (By.ID, "new-consent"))
    wait_for_page(d, f"/patients/{patient_id}/consents/new", "sign-consent")
    treatment = d.find_element(By.ID, "kind-treatment")
    if not treatment.is_selected():
        treatment.click()
    assert treatment.is_selected()
    type_into(d, "signedByName", FULL_NAME)
    click(d, (By.ID, "confirmed"))
    assert checked(d, "#confirmed")
    look(d, "consent")
    click(d, (By.ID, "sign-consent"))
    wait_for_page(d, f"/patients/{patient_id}", "consents")
    assert flash(d) == "Consent signed."
    consents = d.find_element(By.ID, "consents").text
    assert "Treatment" in consents and FULL_NAME in consents
    look(d, "chart")


def plan_course(d, patient_id: str) -> str:
    click(d, (By.ID, "new-course"))
    wait_for_page(d, f"/patients/{patient_id}/courses/new", "preview-plan")
    click(d, (By.ID, "ind-acne-scars"))
    assert checked(d, "#ind-acne-scars")

    # The left cheek on the map, with the keyboard only: focus the zone, press Space.
    zone = d.find_element(By.CSS_SELECTOR, 'g.map-zone[data-zone="cheek:left"]')
    wait(d, lambda drv: zone.get_attribute("tabindex") == "0" and zone.get_attribute("role") == "checkbox",
         "the map is not wired up (js/map.js)")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus()", zone)
    assert d.execute_script("return document.activeElement === arguments[0]", zone), "the map zone takes no focus"
    ActionChains(d).send_keys(Keys.SPACE).perform()
    box = d.find_element(By.CSS_SELECTOR, 'input[type=checkbox][name=zone][value="cheek:left"]')
    wait(d, lambda drv: box.is_selected(), "Space on the left cheek did not tick its checkbox")
    assert zone.get_attribute("aria-checked") == "true"
    assert "selected" in zone.get_attribute("class")

    # The right cheek by its checkbox; the map follows.
    click(d, (By.ID, "zone-cheek:right"))
    assert checked(d, 'input[name=zone][value="cheek:right"]')
    right = d.find_element(By.CSS_SELECTOR, 'g.map-zone[data-zone="cheek:right"]')
    wait(d, lambda drv: right.get_attribute("aria-checked") == "true", "the map did not follow the right cheek's checkbox")
    ticked = [b.get_attribute("value") for b in d.find_elements(By.CSS_SELECTOR, "input[name=zone]:checked")]
    assert sorted(ticked) == ["cheek:left", "cheek:right"], ticked

    # The default pen stays.
    assert Select(d.find_element(By.ID, "deviceKind")).first_selected_option.get_attribute("value") == "pen"
    assert d.find_element(By.ID, "startDate").get_attribute("value") == today().isoformat()
    click(d, (By.ID, "preview-plan"))
    wait_for_page(d, f"/patients/{patient_id}/courses/preview", "plan")
    headers = [th.get_attribute("textContent").strip() for th in d.find_elements(By.CSS_SELECTOR, "#plan .plan-table thead th")]
    assert headers[2:] == ["Left cheek", "Right cheek"], headers
    rows = d.find_elements(By.CSS_SELECTOR, "#plan .plan-table tbody tr")
    assert len(rows) == 6, f"{len(rows)} sessions planned"
    for number, row in enumerate(rows, start=1):
        cells = row.find_elements(By.TAG_NAME, "td")
        assert cells[0].text == str(number)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", cells[1].text), cells[1].text
        for cell in cells[2:]:
            # a depth as text ("1.25 mm"), or in a field to adjust it
            fields = cell.find_elements(By.TAG_NAME, "input")
            depth = fields[0].get_attribute("value") if fields else cell.text.removesuffix(" mm")
            assert re.fullmatch(r"\d+(\.\d+)?", depth), f"session {number}: depth {depth!r}"
    assert rows[0].find_elements(By.TAG_NAME, "td")[1].text == today().isoformat()
    # What was chosen is still chosen.
    assert checked(d, "#ind-acne-scars") and checked(d, 'input[name=zone][value="cheek:left"]')
    look(d, "course-plan")

    click(d, (By.ID, "propose-course"))
    course_id = wait_for_page(d, f"/courses/({UUID})", "accept-course").group(1)
    assert d.find_element(By.ID, "course-status").text == "proposed"
    look(d, "course-proposed")
    # Each caution of the plan is accepted with a clinical reason before the course can be accepted.
    for reason in d.find_elements(By.CSS_SELECTOR, "#accept-form textarea"):
        reason.send_keys("Discussed with the patient at planning")
    click(d, (By.ID, "accept-course"))
    wait_for_page(d, f"/courses/{course_id}", "document-session")
    assert flash(d) == "Course accepted."
    assert d.find_element(By.ID, "course-status").text == "active"
    assert not d.find_elements(By.ID, "accept-course")
    return course_id


def document_session(d, course_id: str) -> str:
    click(d, (By.ID, "document-session"))
    wait_for_page(d, f"/courses/{course_id}/sessions/new", "record-session")
    # Pre-filled from the plan: both cheeks treated at the planned depth.
    for key in ("cheek:left", "cheek:right"):
        assert d.find_element(By.ID, f"treat-{key}").is_selected()
        planned = d.find_element(By.CSS_SELECTOR, f'input[name="planned-{key}"]').get_attribute("value")
        assert planned and d.find_element(By.ID, f"depth-{key}").get_attribute("value") == planned
        assert d.find_element(By.ID, f"passes-{key}").get_attribute("value") == "2"
    assert d.find_element(By.ID, "date").get_attribute("value") == today().isoformat()
    assert d.find_element(By.ID, "sterility-single-use").is_selected()
    # The first live check answers before the part is filled in.
    wait(d, lambda drv: "decision-incomplete" in (drv.find_element(By.ID, "check-decision").get_attribute("class") or ""),
         "the live check did not answer for the empty form")

    # The needle source: the cartridge's fields show, the pack's are hidden; the received lot is offered from stock.
    assert d.find_element(By.ID, "scan").is_displayed() and not d.find_element(By.ID, "packCode").is_displayed()
    lots = {o.get_attribute("value"): o.text for o in Select(d.find_element(By.ID, "lotChoice")).options}
    assert f"{GTIN}|{LOT}" in lots and PRODUCT in lots[f"{GTIN}|{LOT}"], lots
    # The clinic's one handpiece is chosen for the pen; it has no cleaning on record.
    handpiece = Select(d.find_element(By.ID, "handpiece")).first_selected_option
    assert handpiece.get_attribute("value") == HANDPIECE and "NOT cleaned" in handpiece.text, handpiece.text

    # A cartridge of a lot the clinic never received is refused at its field, with what was scanned kept.
    type_into(d, "scan", gs1_line("CART-2026-9999"))
    click(d, (By.ID, "check-session"))
    # The page script re-checks on load and redraws the field errors, so the text is read inside the wait (a found
    # element may go stale under it).
    scan_error = "//input[@id='scan']/ancestor::div[contains(@class,'field')][1]/p[@class='field-error']"
    error = wait(d, lambda drv: next((e.text for e in drv.find_elements(By.XPATH, scan_error) if e.text), None),
                 "no field error next to #scan for a lot that was never received")
    assert "is not in the clinic's stock" in error and "receive the lot first" in error, error
    assert GTIN in error and "CART-2026-9999" in error, error
    assert d.find_element(By.ID, "scan").get_attribute("value") == gs1_line("CART-2026-9999")
    assert Select(d.find_element(By.ID, "handpiece")).first_selected_option.get_attribute("value") == HANDPIECE
    assert not d.find_elements(By.CSS_SELECTOR, "#check-findings li")

    # The received lot's line, typed as the scanner would.
    type_into(d, "scan", gs1_line())
    # The re-check arrives by itself: a caution for the handpiece.
    wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, "#check-findings li[data-rule=DEV-HANDPIECE]"),
         "the live re-check did not show DEV-HANDPIECE")
    decision = d.find_element(By.ID, "check-decision")
    assert "decision-proceed-with-caution" in decision.get_attribute("class"), decision.get_attribute("class")
    assert not d.find_elements(By.CSS_SELECTOR, "#check-findings li.finding-stop")

    reasons = {}
    for area in d.find_elements(By.CSS_SELECTOR, '#check-findings textarea[name^="ack|"]'):
        name = area.get_attribute("name")
        reasons[name] = f"Cleaned and sleeved before the patient came in; the log sheet was not at hand ({name.split('|')[1]})."
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", area)
        area.send_keys(reasons[name])
    assert "ack|DEV-HANDPIECE|" in reasons, reasons

    # Another field changes: the findings are re-rendered, and nothing typed is lost.
    old = d.find_element(By.CSS_SELECTOR, '#check-findings textarea[name="ack|DEV-HANDPIECE|"]')
    passes = d.find_element(By.ID, "passes-cheek:right")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", passes)
    passes.click()
    passes.send_keys(Keys.CONTROL, "a")
    passes.send_keys("3")
    assert passes.get_attribute("value") == "3"
    wait(d, gone(old), "no re-check after passes changed")
    wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, '#check-findings textarea[name="ack|DEV-HANDPIECE|"]'),
         "the re-check lost the DEV-HANDPIECE caution")
    for name, reason in reasons.items():
        area = d.find_element(By.CSS_SELECTOR, f'#check-findings textarea[name="{name}"]')
        assert area.get_attribute("value") == reason, f"{name}: the typed reason was lost"
    # Even when a re-check in between has no findings (a field emptied, then typed again), the reasons come back.
    passes.send_keys(Keys.CONTROL, "a")
    passes.send_keys(Keys.BACKSPACE)
    wait(d, lambda drv: "decision-incomplete" in drv.find_element(By.ID, "check-decision").get_attribute("class"),
         "no re-check after passes was emptied")
    assert not d.find_elements(By.CSS_SELECTOR, '#check-findings textarea[name^="ack|"]')
    passes.send_keys("3")
    wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, '#check-findings textarea[name="ack|DEV-HANDPIECE|"]'),
         "the re-check after passes was typed again did not bring DEV-HANDPIECE back")
    for name, reason in reasons.items():
        area = d.find_element(By.CSS_SELECTOR, f'#check-findings textarea[name="{name}"]')
        assert area.get_attribute("value") == reason, f"{name}: the reason typed before the field was emptied was lost"

    check_session_form_keyboard(d)
    look(d, "session-form")

    click(d, (By.ID, "record-session"))
    session_id = wait_for_page(d, f"/sessions/({UUID})", "signed-badge").group(1)
    assert flash(d) == "Session recorded. Sign it to lock it."
    acks = d.find_element(By.ID, "acknowledgements").text
    assert "DEV-HANDPIECE" in acks and reasons["ack|DEV-HANDPIECE|"] in acks
    record = d.find_element(By.CSS_SELECTOR, "section[aria-labelledby=record-h]").text
    assert f"lot {LOT}, expires {lot_expiry().isoformat()}" in record, record
    assert f"Handpiece {HANDPIECE}" in record and "handpiece cleaning not recorded" in record, record
    passes_cells = [row.find_elements(By.TAG_NAME, "td")[2].text for row in
                    d.find_elements(By.CSS_SELECTOR, "section[aria-labelledby=record-h] tbody tr")]
    assert sorted(passes_cells) == ["2", "3"], passes_cells
    assert d.find_element(By.ID, "signed-badge").text == "not signed"

    click(d, (By.ID, "sign-session"))
    wait(d, lambda drv: flash(drv) == "Session signed and locked.", "the session was not signed")
    badge = d.find_element(By.ID, "signed-badge").text
    assert badge.startswith("signed ") and "UTC" in badge, badge
    assert not d.find_elements(By.ID, "sign-session")

    type_into(d, "addendum-text", "Patient reported mild tingling at 10 minutes; settled without treatment.")
    click(d, (By.ID, "add-addendum"))
    wait(d, lambda drv: flash(drv) == "Addendum added.", "the addendum was not added")
    assert "mild tingling" in d.find_element(By.ID, "addenda").text
    look(d, "session-record")
    return session_id


def record_assessment(d, course_id: str, patient_id: str) -> None:
    click_link(d, "Course")
    wait_for_page(d, f"/courses/{course_id}", "progress-link")
    click(d, (By.ID, "progress-link"))
    wait_for_page(d, f"/courses/{course_id}/progress", "add-assessment")
    assert not d.find_elements(By.CSS_SELECTOR, "svg.chart circle.chart-point")
    click(d, (By.ID, "add-assessment"))
    wait_for_page(d, f"/patients/{patient_id}/assessments/new", "save-assessment")
    assert Select(d.find_element(By.ID, "courseId")).first_selected_option.get_attribute("value") == course_id
    scale = Select(d.find_element(By.ID, "scale"))
    goodman = [o.text for o in scale.options if "Goodman" in o.text]
    assert goodman, [o.text for o in scale.options]
    scale.select_by_visible_text(goodman[0])
    type_into(d, "score", "3")
    Select(d.find_element(By.ID, "kind")).select_by_value("baseline")
    assert d.find_element(By.ID, "date").get_attribute("value") == today().isoformat()
    click(d, (By.ID, "save-assessment"))
    wait_for_page(d, f"/courses/{course_id}/progress", "add-assessment")
    assert flash(d) == "Assessment saved."
    points = d.find_elements(By.CSS_SELECTOR, "svg.chart circle.chart-point")
    assert len(points) == 1
    assert today().isoformat() in points[0].find_element(By.TAG_NAME, "title").get_attribute("textContent")
    look(d, "progress")
    click(d, (By.ID, "summary-link"))
    wait_for_page(d, f"/courses/{course_id}/summary", "sum-h")
    assert FULL_NAME in d.find_element(By.CSS_SELECTOR, "article.printable").text
    look(d, "summary")
    print_shot(d, "summary")


def aftercare_and_calendar(d, course_id: str, session_id: str) -> None:
    click_link(d, "Back to progress")
    wait_for_page(d, f"/courses/{course_id}/progress", "add-assessment")
    click_link(d, "Course")
    wait_for_page(d, f"/courses/{course_id}", "ics-link")
    click_link(d, "Session record")
    wait_for_page(d, f"/sessions/{session_id}", "aftercare-link")
    click(d, (By.ID, "aftercare-link"))
    wait_for_page(d, f"/sessions/{session_id}/aftercare", "aftercare-steps")
    steps = d.find_elements(By.CSS_SELECTOR, "#aftercare-steps > li")
    assert len(steps) >= 3, f"{len(steps)} aftercare steps"
    call = d.find_element(By.ID, "call-clinic")
    assert call.is_displayed() and "Call the clinic" in call.text
    assert call.find_elements(By.TAG_NAME, "li")
    assert FULL_NAME in d.find_element(By.CSS_SELECTOR, "article.printable").text
    look(d, "aftercare")
    print_shot(d, "aftercare")

    click_link(d, "Back to session")
    wait_for_page(d, f"/sessions/{session_id}", "aftercare-link")
    click_link(d, "Course")
    wait_for_page(d, f"/courses/{course_id}", "ics-link")
    look(d, "course")
    href = d.find_element(By.ID, "ics-link").get_attribute("href")
    assert href.endswith(f"/courses/{course_id}/visits.ics")
    status, content_type, body = d.execute_script(
        "var x = new XMLHttpRequest(); x.open('GET', arguments[0], false); x.send();"
        "return [x.status, x.getResponseHeader('content-type'), x.responseText];", href)
    assert status == 200, status
    assert content_type.startswith("text/calendar"), content_type
    assert body.startswith("BEGIN:VCALENDAR"), body[:80]
    assert body.count("BEGIN:VEVENT") == 6 and body.count("END:VEVENT") == 6
    assert body.rstrip().endswith("END:VCALENDAR")
    assert f"DTSTART;VALUE=DATE:{today().strftime('%Y%m%d')}" in body
    assert FAMILY not in body, "the calendar file carries the patient's name"

    # The chart now holds the whole story.
    click_link(d, "Back to chart")
    wait_for_page(d, f"/patients/({UUID})", "courses")
    assert "Acne scars" in d.find_element(By.ID, "courses").text
    assert "signed" in d.find_element(By.ID, "sessions").text
    assert len(d.find_elements(By.CSS_SELECTOR, "#assessments tbody tr")) == 1
    look(d, "chart-full")


def stock_after_the_session(d) -> None:
    """The session took one cartridge of the lot and used the handpiece: it must be cleaned before the next patient;
    recording the cleaning makes it ready."""
    click(d, (By.XPATH, "//nav[@aria-label='Main']//a[normalize-space(.)='Devices and stock']"))
    wait_for_page(d, "/equipment", "lots")
    cells = [c.text for c in d.find_elements(By.CSS_SELECTOR, f'#lots tr[data-lot="{LOT}"] td')]
    assert cells[4] == f"{RECEIVED - 1} of {RECEIVED} left", cells
    row = d.find_element(By.CSS_SELECTOR, f'#handpieces tr[data-handpiece="{HANDPIECE}"]')
    last_used = row.find_elements(By.TAG_NAME, "td")[3].text
    assert last_used.strip() not in ("", "—"), f"the handpiece's last use is not shown: {row.text}"
    assert row.find_element(By.CSS_SELECTOR, ".badge").text == "clean before next patient"
    click(d, (By.ID, f"clean-{HANDPIECE}"))
    wait_for_page(d, "/equipment", f"clean-{HANDPIECE}")
    assert flash(d) == "Saved."
    row = d.find_element(By.CSS_SELECTOR, f'#handpieces tr[data-handpiece="{HANDPIECE}"]')
    assert row.find_element(By.CSS_SELECTOR, ".badge").text == "cleaned since last use", row.text
    assert row.find_elements(By.TAG_NAME, "td")[2].text.strip() not in ("", "—"), row.text


def sign_out(d, server) -> None:
    click(d, (By.CSS_SELECTOR, ".signout button"))
    wait_for_path(d, "/login")
    assert d.find_elements(By.ID, "sign-in")
    d.get(server.url("/today"))
    wait_for_path(d, "/login")


def test_main_flow(driver, server):
    d = driver
    sign_in(d, server)
    stock_the_clinic(d)
    patient_id = register_patient(d, server)
    screen_with_isotretinoin(d, patient_id)
    correct_screening(d, patient_id)
    sign_consent(d, patient_id)
    course_id = plan_course(d, patient_id)
    session_id = document_session(d, course_id)
    record_assessment(d, course_id, patient_id)
    aftercare_and_calendar(d, course_id, session_id)
    stock_after_the_session(d)
    assert csp_violations(d) == []
    sign_out(d, server)


def test_bad_patient_input_keeps_what_was_typed(driver, server):
    d = driver
    login(d, server)
    d.get(server.url("/patients"))
    click(d, (By.ID, "new-patient"))
    wait_for_page(d, "/patients/new", "save-patient")
    type_into(d, "givenName", "Ilse")
    # No family name; a birth date typed only in part (its first field), which is no date.
    type_date(d, "birthDate", None, partial=True)
    assert d.find_element(By.ID, "birthDate").get_attribute("value") == ""
    Select(d.find_element(By.ID, "fitzpatrick")).select_by_value("3")
    type_into(d, "phone", "0161 496 0000")
    click(d, (By.ID, "save-patient"))
    wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, ".error-summary"), "no error summary after a bad form")
    assert path_of(d) == "/patients"
    # Each error sits with its field.
    for field_id, words in (("familyName", "family name"), ("birthDate", "birth date")):
        error = d.find_elements(By.XPATH, f"//input[@id='{field_id}']/ancestor::div[contains(@class,'field')][1]/p[@class='field-error']")
        assert error and words in error[0].text.lower(), f"no error next to #{field_id}"
        assert "has-error" in d.find_element(By.XPATH, f"//input[@id='{field_id}']/..").get_attribute("class")
    assert not d.find_elements(By.XPATH, "//input[@id='givenName']/../p[@class='field-error']")
    # What was typed is still there.
    assert d.find_element(By.ID, "givenName").get_attribute("value") == "Ilse"
    assert d.find_element(By.ID, "phone").get_attribute("value") == "0161 496 0000"
    assert Select(d.find_element(By.ID, "fitzpatrick")).first_selected_option.get_attribute("value") == "3"
    # The summary links to the fields and has the focus.
    links = [a.get_attribute("href").split("#")[-1] for a in d.find_elements(By.CSS_SELECTOR, ".error-summary a")]
    assert links == ["familyName", "birthDate"], links
    assert d.execute_script("return document.activeElement.classList.contains('error-summary')")
    look(d, "patient-form-errors")
    # Correcting it saves the patient.
    type_into(d, "familyName", "Brandt")
    type_date(d, "birthDate", date(1975, 12, 31))
    click(d, (By.ID, "save-patient"))
    wait_for_page(d, f"/patients/{UUID}", "banner-name")
    assert d.find_element(By.ID, "banner-name").text == "Ilse Brandt"
