"""Outcomes through the pages, as the clinic's owner: a patient with an accepted acne-scar course on both cheeks
signs a photo consent (in-clinic); the standard photos are uploaded (a baseline front view and a later one, each
carrying a GPS position the server must strip), a file that is no photo is refused at its field, the two front
views are compared side by side with one zoom and one pan for both, and two Goodman & Baron scores make the
progress page say the course is improving, with a forecast that admits the clinic has too few patients of its own.

The photos are made here in pure Python (PNG via zlib and struct, with an eXIf chunk naming a GPS block), so the
test needs nothing beyond what scripts/browser-test installs. Every wait is on a condition, never a fixed sleep.
"""
from __future__ import annotations

import struct
import time
import zlib
from datetime import date, timedelta
from pathlib import Path

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.wheel_input import ScrollOrigin
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import (UUID, click, flash, gone, login, look, type_date, type_into, unlabelled, wait, wait_for_page,
                      xpath_string)
from test_main_flow import answer_screening, today

GIVEN, FAMILY = "Aksel", "Brennvik"
FULL_NAME = f"{GIVEN} {FAMILY}"
WIDTH, HEIGHT = 320, 240


# ---------- photos made in the test ----------

def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def gps_exif() -> bytes:
    """A big-endian TIFF block whose IFD0 points to a GPS IFD (tag 0x8825) holding 59° 54' N, 10° 45' E, as a
    phone writes when location tagging is on."""
    # IFD0 at 8: one entry (GPS IFD pointer), then the next-IFD offset 0. The GPS IFD follows at 26.
    gps_at = 8 + 2 + 12 + 4
    entries = 4
    values_at = gps_at + 2 + 12 * entries + 4
    rationals = struct.pack(">6I", 59, 1, 54, 1, 0, 1) + struct.pack(">6I", 10, 1, 45, 1, 0, 1)
    ifd0 = struct.pack(">H", 1) + struct.pack(">HHII", 0x8825, 4, 1, gps_at) + struct.pack(">I", 0)
    gps = (struct.pack(">H", entries)
           + struct.pack(">HHI", 0x0001, 2, 2) + b"N\0\0\0"          # GPSLatitudeRef
           + struct.pack(">HHII", 0x0002, 5, 3, values_at)           # GPSLatitude
           + struct.pack(">HHI", 0x0003, 2, 2) + b"E\0\0\0"          # GPSLongitudeRef
           + struct.pack(">HHII", 0x0004, 5, 3, values_at + 24)      # GPSLongitude
           + struct.pack(">I", 0))
    return b"MM\0\x2a" + struct.pack(">I", 8) + ifd0 + gps + rationals


def png_photo(tint: tuple[int, int, int], square_x: int) -> bytes:
    """A 320x240 RGB gradient in `tint` with a light square at `square_x`, and a GPS position in its eXIf chunk."""
    rows = bytearray()
    for y in range(HEIGHT):
        rows.append(0)  # filter: none
        for x in range(WIDTH):
            if square_x <= x < square_x + 80 and 80 <= y < 160:
                rows += bytes((235, 225, 210))
            else:
                f = (x + y) / (WIDTH + HEIGHT)
                rows += bytes(int(c * (0.35 + 0.65 * f)) for c in tint)
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"eXIf", gps_exif())
            + _chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + _chunk(b"IEND", b""))


def write_photos(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "baseline": folder / "front-baseline.png",
        "later": folder / "front-session-2.png",
        # Named like a photo, but a GIF inside: the type must be read from the content.
        "gif": folder / "not-really.jpg",
    }
    files["baseline"].write_bytes(png_photo((200, 120, 110), 40))
    files["later"].write_bytes(png_photo((110, 150, 200), 200))
    files["gif"].write_bytes(b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
                             b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
    return files


# ---------- the patient and the course ----------

def click_link(d, text: str) -> None:
    click(d, (By.XPATH, f"//main//a[normalize-space(.)={xpath_string(text)}]"))


def register_patient(d) -> str:
    click(d, (By.XPATH, "//nav[@aria-label='Main']//a[normalize-space(.)='Patients']"))
    wait_for_page(d, "/patients", "new-patient")
    click(d, (By.ID, "new-patient"))
    wait_for_page(d, "/patients/new", "save-patient")
    type_into(d, "givenName", GIVEN)
    type_into(d, "familyName", FAMILY)
    type_date(d, "birthDate", date(1991, 9, 3))
    Select(d.find_element(By.ID, "sex")).select_by_visible_text("Male")
    Select(d.find_element(By.ID, "fitzpatrick")).select_by_value("2")
    click(d, (By.ID, "save-patient"))
    patient_id = wait_for_page(d, f"/patients/({UUID})", "banner-name").group(1)
    assert d.find_element(By.ID, "banner-name").text == FULL_NAME
    assert flash(d) == "Patient saved."
    return patient_id


def sign_consent(d, patient_id: str, kind: str, tier: str | None = None) -> None:
    """Signs a consent of `kind` (treatment or photo, with its tier) from the chart; back on the chart."""
    click(d, (By.ID, "new-consent"))
    wait_for_page(d, f"/patients/{patient_id}/consents/new", "sign-consent")
    click(d, (By.ID, f"kind-{kind}"))
    assert d.find_element(By.ID, f"kind-{kind}").is_selected()
    if tier:
        click(d, (By.ID, f"tier-{tier}"))
        assert d.find_element(By.ID, f"tier-{tier}").is_selected()
    type_into(d, "signedByName", FULL_NAME)
    click(d, (By.ID, "confirmed"))
    click(d, (By.ID, "sign-consent"))
    wait_for_page(d, f"/patients/{patient_id}", "consents")
    assert flash(d) == "Consent signed."


def plan_acne_scar_course(d, patient_id: str) -> str:
    """An acne-scar course on both cheeks, proposed and accepted; returns its id."""
    click(d, (By.ID, "new-course"))
    wait_for_page(d, f"/patients/{patient_id}/courses/new", "preview-plan")
    click(d, (By.ID, "ind-acne-scars"))
    for key in ("cheek:left", "cheek:right"):
        click(d, (By.ID, f"zone-{key}"))
        assert d.find_element(By.ID, f"zone-{key}").is_selected()
    click(d, (By.ID, "preview-plan"))
    wait_for_page(d, f"/patients/{patient_id}/courses/preview", "propose-course")
    click(d, (By.ID, "propose-course"))
    course_id = wait_for_page(d, f"/courses/({UUID})", "accept-course").group(1)
    # Each caution of the plan is accepted with a clinical reason before the course can be accepted.
    for reason in d.find_elements(By.CSS_SELECTOR, "#accept-form textarea"):
        reason.send_keys("Discussed with the patient at planning")
    click(d, (By.ID, "accept-course"))
    wait_for_page(d, f"/courses/{course_id}", "document-session")
    assert flash(d) == "Course accepted."
    assert d.find_element(By.ID, "course-status").text == "active"
    return course_id


def prepared_course(d) -> tuple[str, str]:
    """Patient, screening, treatment consent and an accepted course, through the pages. Returns (patient, course)."""
    patient_id = register_patient(d)
    click(d, (By.ID, "new-screening"))
    answer_screening(d, patient_id, isotretinoin_now=False, expect_prefilled=False)
    click_link(d, "Back to chart")
    wait_for_page(d, f"/patients/{patient_id}", "new-consent")
    sign_consent(d, patient_id, "treatment")
    course_id = plan_acne_scar_course(d, patient_id)
    return patient_id, course_id


# ---------- photos ----------

def open_photos(d, server, course_id: str) -> None:
    """From the course: its progress page, then Photos."""
    d.get(server.url(f"/courses/{course_id}"))
    wait_for_page(d, f"/courses/{course_id}", "progress-link")
    click(d, (By.ID, "progress-link"))
    wait_for_page(d, f"/courses/{course_id}/progress", "photos-link")
    click(d, (By.ID, "photos-link"))
    wait_for_page(d, f"/courses/{course_id}/photos", "photo-consent")


def field_error(d, field_id: str) -> str:
    found = d.find_elements(By.XPATH, f"//*[@id='{field_id}']/ancestor::div[contains(@class,'field')][1]/p[@class='field-error']")
    return found[0].text if found else ""


def upload(d, path: Path, view: str, visit: str) -> None:
    """Fills the upload form (the date taken stays today, as pre-filled), posts it and waits for the next page."""
    form = wait(d, lambda drv: drv.find_elements(By.ID, "photo-form"), f"no upload form at {d.current_url}")[0]
    # The page's script may still be redrawing the form's selects as it loads: a field found a moment earlier can
    # leave the document, so filling is retried on fresh look-ups (never more than three times).
    for attempt in range(3):
        try:
            d.find_element(By.ID, "file").send_keys(str(path))
            Select(d.find_element(By.ID, "view")).select_by_value(view)
            Select(d.find_element(By.ID, "zone")).select_by_value("")
            Select(d.find_element(By.ID, "visit")).select_by_value(visit)
            break
        except (StaleElementReferenceException, WebDriverException):
            if attempt == 2:
                raise
            time.sleep(0.5)
    assert d.find_element(By.ID, "takenOn").get_attribute("value") == today().isoformat()
    click(d, (By.ID, "save-photo"))
    wait(d, gone(form), "the upload form was not posted")


def transforms(d) -> tuple[str, str]:
    return tuple(d.execute_script("return [arguments[0].style.transform, arguments[1].style.transform]",
                                  d.find_element(By.ID, "compare-baseline"), d.find_element(By.ID, "compare-later")))


def check_synced_zoom(d) -> None:
    for image_id in ("compare-baseline", "compare-later"):
        image = d.find_element(By.ID, image_id)
        wait(d, lambda drv: drv.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image),
             f"#{image_id} did not load")
        assert d.execute_script("return arguments[0].naturalWidth", image) == WIDTH
    controls = d.find_element(By.CSS_SELECTOR, "#compare .zoom-controls")
    wait(d, lambda drv: controls.is_displayed(), "the zoom controls stay hidden (js/pages.js syncedZoom did not run)")
    base, later = transforms(d)
    assert base == later and "scale(1)" in base, (base, later)

    # The slider: both photos take the same zoom.
    slider = d.find_element(By.ID, "zoom")
    d.execute_script("arguments[0].value = '3'; arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", slider)
    base, later = transforms(d)
    assert base == later and "scale(3)" in base, (base, later)
    assert d.find_element(By.ID, "zoom-value").text == "300%"

    # The mouse wheel over the later photo zooms both further.
    frame = d.find_element(By.CSS_SELECTOR, "#compare-later").find_element(By.XPATH, "..")
    assert "compare-frame" in frame.get_attribute("class")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", frame)
    ActionChains(d).scroll_from_origin(ScrollOrigin.from_element(frame), 0, -120).perform()
    wait(d, lambda drv: transforms(drv)[0] != "" and "scale(3)" not in transforms(drv)[0],
         f"the wheel over the later photo did not change the zoom: {transforms(d)}")
    base, later = transforms(d)
    assert base == later, (base, later)
    zoomed = float(slider.get_attribute("value"))
    assert zoomed > 3, f"the wheel zoomed out to {zoomed}"

    # Dragging the later photo moves both.
    ActionChains(d).move_to_element(frame).click_and_hold().move_by_offset(-40, -25).release().perform()
    base, later = transforms(d)
    assert base == later and "translate(0px, 0px)" not in base and "translate(0px,0px)" not in base, (base, later)

    # Zoomed in, the photos stay inside their frames: nothing sticks out at 768 px.
    look(d, "photo-compare-zoomed")

    click(d, (By.ID, "zoom-reset"))
    base, later = transforms(d)
    assert base == later and "scale(1)" in base and base.replace(" ", "").startswith("translate(0px,0px)"), (base, later)
    assert d.find_element(By.ID, "zoom-value").text == "100%"
    assert d.find_element(By.ID, "zoom").get_attribute("value") == "1"


def test_photos_compare_and_progress(driver, server, tmp_path):
    d = driver
    files = write_photos(tmp_path / "photos")
    login(d, server)
    patient_id, course_id = prepared_course(d)

    # No photo consent yet: the photos page says so, and an upload is refused at the file field.
    open_photos(d, server, course_id)
    assert "No photo consent in force" in d.find_element(By.ID, "photo-consent").text
    upload(d, files["baseline"], "front", "baseline")
    wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, ".error-summary"), "no error summary for a photo without consent")
    assert "photo consent" in field_error(d, "file"), field_error(d, "file")

    # The photo consent, in-clinic.
    d.get(server.url(f"/patients/{patient_id}"))
    wait_for_page(d, f"/patients/{patient_id}", "new-consent")
    sign_consent(d, patient_id, "photo", "in-clinic")
    assert "Photographs: in-clinic" in d.find_element(By.ID, "consents").text

    open_photos(d, server, course_id)
    assert "Photo consent in force: in-clinic" in d.find_element(By.ID, "photo-consent").text
    baseline = d.find_element(By.ID, "visit-baseline")
    assert "7 missing" in baseline.find_element(By.CSS_SELECTOR, ".badge").text, baseline.text
    assert not d.find_elements(By.ID, "compare-links")

    # The baseline front view.
    upload(d, files["baseline"], "front", "baseline")
    wait_for_page(d, f"/courses/{course_id}/photos", "visit-baseline")
    assert flash(d) == "Photo saved; location and camera metadata were removed."
    baseline = d.find_element(By.ID, "visit-baseline")
    assert baseline.find_element(By.CSS_SELECTOR, ".badge").text == "6 missing", baseline.text
    missing = baseline.find_element(By.CSS_SELECTOR, ".missing-views").text
    assert "Left 45°" in missing and "Front" not in missing, missing
    caption = baseline.find_element(By.CSS_SELECTOR, ".photo-grid figcaption").text
    assert "Front" in caption and "location metadata removed" in caption, caption

    # A GIF named .jpg is refused at the file field; what was chosen stays chosen.
    upload(d, files["gif"], "front", "session-2")
    wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, ".error-summary"), "no error summary for a GIF upload")
    error = field_error(d, "file")
    assert error.startswith("Photo file:") and "only JPEG and PNG" in error and "GIF" in error, error
    assert "has-error" in d.find_element(By.ID, "file").find_element(By.XPATH, "..").get_attribute("class")
    summary_links = [a.get_attribute("href").split("#")[-1] for a in d.find_elements(By.CSS_SELECTOR, ".error-summary a")]
    assert summary_links == ["file"], summary_links
    assert Select(d.find_element(By.ID, "view")).first_selected_option.get_attribute("value") == "front"
    assert Select(d.find_element(By.ID, "visit")).first_selected_option.get_attribute("value") == "session-2"
    assert len(d.find_elements(By.CSS_SELECTOR, ".photo-grid img")) == 1

    # The later front view, at session 2.
    upload(d, files["later"], "front", "session-2")
    wait_for_page(d, f"/courses/{course_id}/photos", "visit-session-2")
    assert flash(d) == "Photo saved; location and camera metadata were removed."
    later = d.find_element(By.ID, "visit-session-2")
    assert later.find_element(By.CSS_SELECTOR, ".badge").text == "6 missing", later.text
    assert "Left 45°" in later.find_element(By.CSS_SELECTOR, ".missing-views").text
    assert unlabelled(d) == [], f"photos page: controls without a label: {unlabelled(d)}"
    assert len(d.find_elements(By.TAG_NAME, "h1")) == 1
    look(d, "photos")

    # The comparison, from its link.
    link = d.find_element(By.CSS_SELECTOR, "#compare-links a")
    assert link.text == "Front: baseline and session 2", link.text
    click(d, (By.CSS_SELECTOR, "#compare-links a"))
    wait_for_page(d, f"/courses/{course_id}/photos/compare", "compare")
    assert "view=front" in d.current_url and "visit=session-2" in d.current_url, d.current_url
    assert "Baseline" in d.find_element(By.ID, "compare").text and "Session 2" in d.find_element(By.ID, "compare").text
    assert unlabelled(d) == [], f"compare page: controls without a label: {unlabelled(d)}"
    check_synced_zoom(d)
    look(d, "photo-compare")  # shot() at 768 and 1280 px, and nothing sticks out at 768 px

    # Two Goodman & Baron scores: baseline 4 four weeks ago, then 3 at today's visit (a score on the baseline's own
    # day would be no follow-up).
    click_link(d, "Photos")
    wait_for_page(d, f"/courses/{course_id}/photos", "photo-form")
    click_link(d, "Progress")
    wait_for_page(d, f"/courses/{course_id}/progress", "add-assessment")
    status = d.find_element(By.CSS_SELECTOR, "#progress-goodman-baron [data-status]")
    assert status.get_attribute("data-status") == "not-yet-assessed", status.get_attribute("outerHTML")
    for kind, score in (("baseline", "4"), ("visit", "3")):
        click(d, (By.ID, "add-assessment"))
        wait_for_page(d, f"/patients/{patient_id}/assessments/new", "save-assessment")
        assert Select(d.find_element(By.ID, "courseId")).first_selected_option.get_attribute("value") == course_id
        scale = Select(d.find_element(By.ID, "scale"))
        # A composite scale shows its items; a single grade shows none.
        groups = d.find_elements(By.CSS_SELECTOR, ".item-group")
        assert groups, "no item fieldsets on the assessment form"
        composite = groups[0].get_attribute("data-scale")
        scale.select_by_value(composite)
        wait(d, lambda drv: drv.find_element(By.ID, f"items-{composite}").is_displayed(), f"the {composite} items stay hidden")
        assert [g.get_attribute("data-scale") for g in groups if g.is_displayed()] == [composite]
        scale.select_by_value("goodman-baron")
        wait(d, lambda drv: not any(g.is_displayed() for g in groups), "item fieldsets shown for Goodman & Baron")
        type_into(d, "score", score)
        Select(d.find_element(By.ID, "kind")).select_by_value(kind)
        assert d.find_element(By.ID, "date").get_attribute("value") == today().isoformat()
        if kind == "baseline":
            d.find_element(By.ID, "date").clear()
            type_date(d, "date", today() - timedelta(days=28))
        click(d, (By.ID, "save-assessment"))
        wait_for_page(d, f"/courses/{course_id}/progress", "add-assessment")
        assert flash(d) == "Assessment saved."

    status = d.find_element(By.CSS_SELECTOR, "#progress-goodman-baron [data-status]")
    assert status.get_attribute("data-status") == "improving", status.get_attribute("outerHTML")
    assert status.text == "Improving"
    reason = d.find_element(By.CSS_SELECTOR, "#progress-goodman-baron p.small").text
    assert "Better than the score before" in reason, reason
    forecast = d.find_element(By.ID, "forecast")
    assert forecast.is_displayed()
    # One plain sentence leads; the figures wait behind the disclosure until asked for.
    headline = d.find_element(By.ID, "forecast-headline").text
    assert headline.startswith("Too few scores to forecast yet"), headline
    assert not d.find_element(By.ID, "forecast-expected").is_displayed()
    click(d, (By.CSS_SELECTOR, "#forecast-details summary"))
    wait(d, lambda drv: drv.find_element(By.ID, "forecast-expected").is_displayed(), "the forecast's figures stay hidden")
    assert d.find_element(By.ID, "forecast-expected").text.strip()
    assert "80% interval" in d.find_element(By.ID, "forecast-interval").text
    caveat = d.find_element(By.ID, "forecast-caveat").text
    assert "too few patients" in caveat, caveat
    look(d, "progress-forecast")

    # No Content-Security-Policy violation, script error or failed load (a photo, a script) on the way. Two are
    # expected: the refused uploads answer 400, and the app has no favicon (the browser asks for one anyway).
    console = d.get_log("browser")
    assert [e["message"] for e in console if "Content Security Policy" in e.get("message", "")] == []
    severe = [e["message"] for e in console if e.get("level") == "SEVERE"
              and "status of 400" not in e["message"] and "/favicon.ico" not in e["message"]]
    assert severe == [], severe
