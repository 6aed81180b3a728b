"""The reprocessing room through the pages, as the clinic's owner: add a sterilizer, assemble two packs and print
their labels (a Code 128 barcode that scans as the pack's code), record a steam cycle with both packs while its
biological indicator is still incubating, release one pack, then read the indicator as failed: the cycle's unused
packs are quarantined, a recall opens, and Today says so.

Every page on the way is checked like the demo walk does (test_demo_pages.py): each form control has a label,
nothing sticks out sideways at 768 px, one h1, and no Content-Security-Policy violation.
"""
from __future__ import annotations

import base64
import re
import shutil
import subprocess
from datetime import datetime, timezone

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import (ARTIFACTS, UUID, click, csp_violations, flash, login, look, path_of, print_shot, type_date, type_into,
                      unlabelled, wait, wait_for_page)

STERILIZER, STERILIZER_SERIAL = "Autoclave B (Melag Vacuklav 41)", "MV41-2026-0077"
CYCLE = 4127
# Packs hold catalogue models: (name, kind, length mm, material, needles), added on Devices and stock first.
MODELS = (("Roller 0.5 mm", "roller", "0.5", "titanium", "192"), ("Stamp 1.0 mm", "stamp", "1.0", "stainless-steel", "36"))
CONTENTS = tuple(m[0] for m in MODELS)
PACK_CODE = r"PK-[0-9A-Z]{6,12}"
MM = 72 / 25.4  # PDF points per millimetre


def checked_page(d, name: str) -> None:
    """The checks of the demo walk on the page at hand: no control without a label, one h1, and (look) screenshots
    at 768 and 1280 px with nothing overflowing sideways at 768 px."""
    assert unlabelled(d) == [], f"{name}: controls without a label: {unlabelled(d)}"
    assert len(d.find_elements(By.TAG_NAME, "h1")) == 1, f"{name}: not exactly one h1"
    look(d, name)


def nav_to(d, label: str, path: str, element_id: str) -> None:
    click(d, (By.XPATH, f"//nav[@aria-label='Main']//a[normalize-space(.)='{label}']"))
    wait_for_page(d, path, element_id)


def pack_row(d, code: str):
    return d.find_element(By.CSS_SELECTOR, f'#packs tr[data-pack="{code}"]')


def pack_state(d, code: str) -> str:
    return pack_row(d, code).find_elements(By.TAG_NAME, "td")[2].text


def add_models(d) -> None:
    """The reusable roller and stamp in the catalogue (Devices and stock), for the packs to hold."""
    nav_to(d, "Devices and stock", "/equipment", "add-model")
    for name, kind, mm, material, needles in MODELS:
        type_into(d, "model-name", name)
        Select(d.find_element(By.ID, "model-kind")).select_by_value(kind)
        Select(d.find_element(By.ID, "model-needleMaterial")).select_by_value(material)
        type_into(d, "model-minMM", mm)
        type_into(d, "model-maxMM", mm)
        type_into(d, "model-needleCount", needles)
        Select(d.find_element(By.ID, "model-head")).select_by_value("reusable")
        click(d, (By.ID, "add-model"))
        wait_for_page(d, "/equipment", "add-model")
        assert flash(d) == "Saved."


def assemble(d, contents: str) -> tuple[str, str]:
    """Assembles a pack of one catalogue model on /sterility; the page goes on to its label. Returns the pack's code
    and label path."""
    model = Select(d.find_element(By.ID, "pack-model"))
    model.select_by_visible_text(next(o.text for o in model.options if o.text.startswith(contents)))
    click(d, (By.ID, "assemble-pack"))
    label_path = wait_for_page(d, f"/packs/({UUID})/label", "pack-code").group(0)
    code = d.find_element(By.ID, "pack-code").text
    assert re.fullmatch(PACK_CODE, code), code
    assert flash(d) == "Saved."
    label = d.find_element(By.CSS_SELECTOR, "section.pack-label")
    assert contents in label.text and "Not yet sterilized" in label.text, label.text
    # The barcode is drawn inline as SVG (no image request, nothing the CSP has to allow), and named for a reader.
    svg = d.find_element(By.CSS_SELECTOR, "#pack-barcode > svg")
    assert svg.get_attribute("role") == "img" and code in svg.get_attribute("aria-label"), svg.get_attribute("outerHTML")[:200]
    bars = svg.find_elements(By.CSS_SELECTOR, "rect")
    assert len(bars) > 20, f"{len(bars)} rects in the barcode"
    size = svg.size
    assert size["width"] >= 300 and size["height"] >= 50, f"the barcode is drawn {size}"
    return code, label_path


def check_label_prints_alone(d, name: str) -> None:
    """Printed, the label page is one small label (62 x 40 mm) holding the label only."""
    print_shot(d, name)
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = d.execute_script(
            "return [...document.querySelectorAll('body *')].filter(e => e.getClientRects().length"
            " && !e.closest('.pack-label') && !e.contains(document.querySelector('.pack-label')))"
            ".map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))")
        assert shown == [], f"{name}: printed besides the label: {shown[:8]}"
    finally:
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(d.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})["data"])
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    pages = re.findall(rb"/Type\s*/Page\b", pdf)
    boxes = [[float(v) for v in box.split()] for box in re.findall(rb"/MediaBox\s*\[\s*([^\]]*)\]", pdf)]
    assert len(pages) == 1, f"{name}: {len(pages)} printed pages"
    width, height = (boxes[0][2] - boxes[0][0]) / MM, (boxes[0][3] - boxes[0][1]) / MM
    assert abs(width - 62) < 1 and abs(height - 40) < 1, f"{name}: printed on {width:.1f} x {height:.1f} mm"


def test_failed_biological_indicator_quarantines_the_load_and_opens_a_recall(driver, server):
    d = driver
    login(d, server)
    add_models(d)
    nav_to(d, "Sterilization", "/sterility", "add-sterilizer")
    assert d.find_element(By.TAG_NAME, "h1").text == "Sterilization"

    # A sterilizer: the cycle form offers it.
    type_into(d, "sterilizer-name", STERILIZER)
    type_into(d, "sterilizer-serial", STERILIZER_SERIAL)
    click(d, (By.ID, "add-sterilizer"))
    wait_for_page(d, "/sterility", "cycle-form")
    assert flash(d) == "Saved."
    offered = [o.text for o in Select(d.find_element(By.ID, "cycle-sterilizer")).options]
    assert f"{STERILIZER} (serial {STERILIZER_SERIAL})" in offered, offered

    # Two packs, each assembled and its label shown for printing.
    codes, labels = [], []
    for number, contents in enumerate(CONTENTS, start=1):
        code, label_path = assemble(d, contents)
        codes.append(code)
        labels.append(label_path)
        if number == 1:
            checked_page(d, "pack-label")
            check_label_prints_alone(d, "pack-label")
        click(d, (By.XPATH, "//main//a[normalize-space(.)='Back to sterilization']"))
        wait_for_page(d, "/sterility", "assemble-pack")
    assert codes[0] != codes[1]
    waiting = d.find_element(By.ID, "assembled-packs").text
    assert all(c in waiting for c in codes), waiting
    checked_page(d, "sterility-assembled")

    # The finished cycle, the biological indicator still incubating, both packs in the load.
    Select(d.find_element(By.ID, "cycle-sterilizer")).select_by_visible_text(f"{STERILIZER} (serial {STERILIZER_SERIAL})")
    type_into(d, "cycle-number", str(CYCLE))
    day = datetime.now(timezone.utc).date()
    type_date(d, "cycle-date", day)
    type_into(d, "cycle-type", "Pre-vacuum steam")
    type_into(d, "cycle-temperatureC", "134")
    type_into(d, "cycle-minutes", "4")
    type_into(d, "cycle-pressureKPa", "206")
    Select(d.find_element(By.ID, "cycle-physical")).select_by_value("passed")
    Select(d.find_element(By.ID, "cycle-chemical")).select_by_value("pass")
    Select(d.find_element(By.ID, "cycle-biological")).select_by_value("pending")
    for code in codes:
        box = d.find_element(By.CSS_SELECTOR, f'#cycle-form input[name=pack][value="{code}"]')
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.click()
        assert box.is_selected()
    click(d, (By.ID, "record-cycle"))
    wait_for_page(d, "/sterility", f"bi-fail-{CYCLE}")
    assert flash(d) == "Saved."
    cycle_row = d.find_element(By.ID, f"bi-fail-{CYCLE}").find_element(By.XPATH, "ancestor::tr")
    assert STERILIZER in cycle_row.text and day.isoformat() in cycle_row.text and "134" in cycle_row.text, cycle_row.text
    assert "pending" in cycle_row.text and d.find_elements(By.ID, f"bi-pass-{CYCLE}")
    assert not d.find_elements(By.ID, "assembled-packs")
    for code in codes:
        assert pack_state(d, code) == "sterilized", pack_row(d, code).text
        assert f"{STERILIZER} #{CYCLE}" in pack_row(d, code).text
        assert d.find_elements(By.ID, f"release-{code}")
    checked_page(d, "sterility-cycle")

    # One pack is released to the shelf before the indicator is read.
    click(d, (By.ID, f"release-{codes[0]}"))
    wait(d, lambda drv: flash(drv) == "Saved." and pack_state(drv, codes[0]) == "released",
         f"{codes[0]} was not released")
    assert not d.find_elements(By.ID, f"release-{codes[0]}")
    assert pack_state(d, codes[1]) == "sterilized"

    # The indicator grows: failed. The room is first told what the recall will reach (no session used either pack;
    # both are still in use-able states), and only the confirmation records it.
    click(d, (By.ID, f"bi-fail-{CYCLE}"))
    wait_for_page(d, f"/sterility/cycles/({UUID})/biological", "bi-confirm-fail")
    assert d.find_element(By.ID, "recall-reach").text == \
        "This opens a recall reaching 0 sessions (0 patients) and quarantines 2 packs."
    checked_page(d, "sterility-bi-confirm-owner")
    click(d, (By.ID, "bi-confirm-fail"))
    recall_id = wait_for_page(d, f"/recalls/({UUID})", "export-csv").group(1)
    assert flash(d).startswith("A recall is open"), flash(d)
    assert d.find_element(By.ID, "recall-status").text == "open"
    reason = d.find_element(By.ID, "why-h").text
    assert "Biological indicator failed" in reason and f"cycle {CYCLE} of {STERILIZER}" in reason, reason
    assert d.find_elements(By.ID, "close-recall")
    # No session used either pack: nobody to follow up, and the page says so rather than showing an empty table.
    assert not d.find_elements(By.ID, "recall-patients")
    assert "No session used the recalled items." in d.find_element(By.CSS_SELECTOR, "section[aria-labelledby=patients-h]").text
    checked_page(d, "recall")
    href = d.find_element(By.ID, "export-csv").get_attribute("href")
    assert href.endswith(f"/recalls/{recall_id}/export.csv"), href
    status, content_type = d.execute_script(
        "var x = new XMLHttpRequest(); x.open('GET', arguments[0], false); x.send();"
        "return [x.status, x.getResponseHeader('content-type')];", href)
    assert status == 200 and content_type.startswith("text/csv"), (status, content_type)

    # The load is out of use: both unused packs quarantined, the one already on the shelf too; the cycle is failed.
    nav_to(d, "Sterilization", "/sterility", "packs")
    for code in codes:
        assert pack_state(d, code) == "quarantined", pack_row(d, code).text
        assert not d.find_elements(By.ID, f"release-{code}")
    assert not d.find_elements(By.ID, f"bi-fail-{CYCLE}") and not d.find_elements(By.ID, f"bi-pass-{CYCLE}")
    checked_page(d, "sterility-quarantined")
    # The packs table links each label.
    assert d.find_element(By.CSS_SELECTOR, f'#packs tr[data-pack="{codes[1]}"] a').get_attribute("href").endswith(labels[1])

    # The recalls page lists it, open; Today puts it in front of everyone.
    nav_to(d, "Recalls", "/recalls", "recall-list")
    entry = d.find_element(By.CSS_SELECTOR, f'#recall-list a[href="/recalls/{recall_id}"]').find_element(By.XPATH, "..")
    assert "open" in entry.text, entry.text
    checked_page(d, "recalls")
    nav_to(d, "Today", "/today", "open-recalls")
    assert d.find_elements(By.CSS_SELECTOR, f'#open-recalls a[href="/recalls/{recall_id}"]')
    checked_page(d, "today-recall")
    nav_to(d, "Devices and stock", "/equipment", "receive-lot")
    checked_page(d, "equipment-owner")
    assert csp_violations(d) == []


def test_pack_label_barcode_scans_as_the_pack_code(driver, server):
    """The label's barcode, as a scanner sees it on screen and as printed on the small label, reads as the code."""
    zbarimg = shutil.which("zbarimg")
    if not zbarimg:
        pytest.skip("zbarimg is not installed (Debian package zbar-tools; scripts/test installs it)")
    d = driver
    login(d, server)
    nav_to(d, "Sterilization", "/sterility", "assemble-pack")
    if not d.find_elements(By.ID, "pack-model"):
        add_models(d)
        nav_to(d, "Sterilization", "/sterility", "assemble-pack")
    code, _ = assemble(d, CONTENTS[0])
    assert path_of(d).endswith("/label")

    def decoded(png) -> str:
        run = subprocess.run([zbarimg, "--raw", "-q", str(png)], capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, f"zbarimg read no barcode in {png} ({run.returncode}): {run.stderr.strip()}"
        return run.stdout.strip()

    on_screen = ARTIFACTS / "pack-barcode.png"
    d.find_element(By.ID, "pack-barcode").screenshot(str(on_screen))
    assert decoded(on_screen) == d.find_element(By.ID, "pack-code").text == code

    # Printed: the label's printable area (62 x 40 mm less its margins, 56 x 36 mm) at 384 dpi.
    printed = ARTIFACTS / "pack-barcode-print.png"
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 212, "height": 136, "deviceScaleFactor": 4, "mobile": False})
    try:
        d.find_element(By.ID, "pack-barcode").screenshot(str(printed))
    finally:
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert decoded(printed) == code
