"""The pages offer only what the role may do (issue 12, reproduction 9: "the front desk and the auditor see 14
Document buttons and New patient, each ending in 403"). The front desk and the auditor sign in to the demo clinic at
768 px, walk the main pages, and meet no action their role cannot take: the front desk no clinical action, the
auditor no action at all."""
from __future__ import annotations

import re

from selenium.webdriver.common.by import By

from conftest import csp_violations, error_text, login, path_of, viewport
from test_demo_pages import DEMO_PASSWORD, demo  # noqa: F401  (the demo server fixture)

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

# Links to a form that writes to the clinical record, and the words of clinical actions.
CLINICAL_LINKS = re.compile(r"/(sessions/new|courses/new|screening|adverse-events/new|assessments/new)(\?|$)")
CLINICAL_WORDS = ("Document", "New course", "Record the session", "Record session", "Sign and lock", "Accept the course",
                  "Report adverse event", "Assessment", "Record a score", "New screening", "Upload photo",
                  "Record cycle", "Passed", "Failed", "Release", "Quarantine", "Assemble", "Record cleaning", "Receive lot")
# Every link to a form, for the auditor, who changes nothing.
ANY_FORM_LINK = re.compile(r"/(new|edit|screening)(\?|$)|/consents/new")
# One's own account (its sessions, tokens and two-factor sign-in) is every role's: it changes no record of the clinic.
OWN_ACCOUNT = re.compile(r"/account(/.*)?")


def local(href: str) -> str:
    return "/" + href.split("://", 1)[1].split("/", 1)[1] if "://" in href else href


def offered(driver) -> dict:
    """What the page's main area offers: link targets, POST form targets, and the words on buttons and button links."""
    main = driver.find_element(By.TAG_NAME, "main")
    links = [local(a.get_attribute("href")) for a in main.find_elements(By.CSS_SELECTOR, "a[href]")]
    posts = [local(f.get_attribute("action")) for f in main.find_elements(By.CSS_SELECTOR, "form")
             if (f.get_attribute("method") or "get").lower() == "post"]
    words = [e.text.strip() for e in main.find_elements(By.CSS_SELECTOR, "button, a.btn") if e.text.strip()]
    return {"links": links, "posts": posts, "words": words}


def walk(driver, demo, email: str) -> list[tuple[str, dict]]:
    """Signs in as `email` at 768 px and visits Today, every page in the navigation, a patient search, three charts
    and what they link to (courses, sessions, progress, adverse events): each page with what it offers."""
    viewport(driver, 768)
    login(driver, demo, email, DEMO_PASSWORD)
    nav = [local(a.get_attribute("href")) for a in driver.find_elements(By.CSS_SELECTOR, "nav.nav a")]
    queue = ["/today"] + nav + ["/patients?name=o"]
    seen, pages = set(), []
    while queue and len(pages) < 40:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        driver.get(demo.url(path))
        problem = error_text(driver)
        assert not problem, f"{email}: {path} answers an error page: {problem}"
        what = offered(driver)
        pages.append((path_of(driver), what))
        charts = [h for h in what["links"] if re.fullmatch(rf"/patients/{UUID}", h)]
        inner = [h for h in what["links"] if re.fullmatch(rf"/(courses|sessions|adverse-events)/{UUID}(/progress)?", h)]
        queue += charts[:3] + inner[:4]
    return pages


def test_the_front_desk_sees_no_clinical_action(driver, demo):  # noqa: F811
    pages = walk(driver, demo, "frontdesk@demo.stratum.test")
    visited = [p for p, _ in pages]
    assert "/today" in visited and any(re.fullmatch(rf"/patients/{UUID}", p) for p in visited), visited
    assert not any(p.startswith(("/sterility", "/equipment", "/recalls")) for p in visited), "sterilization is not in the front desk's navigation"
    problems = []
    for path, what in pages:
        problems += [f"{path}: links to {h}" for h in what["links"] if CLINICAL_LINKS.search(h)]
        # Registering, editing a patient and taking or withdrawing a consent are the desk's own work.
        problems += [f"{path}: posts to {a}" for a in what["posts"]
                     if not re.fullmatch(rf"/patients(/{UUID}(/consents(/{UUID}/withdraw)?)?)?", a) and not OWN_ACCOUNT.fullmatch(a)]
        problems += [f"{path}: offers “{w}”" for w in what["words"] if any(w.startswith(c) for c in CLINICAL_WORDS)]
    # What the front desk does do is still there: register a patient.
    assert any("/patients/new" in h for _, what in pages for h in what["links"]), "New patient is gone for the front desk"
    problems += [f"CSP: {line}" for line in csp_violations(driver)]
    assert not problems, "\n".join(problems)


def test_the_auditor_sees_no_action_at_all(driver, demo):  # noqa: F811
    pages = walk(driver, demo, "auditor@demo.stratum.test")
    visited = [p for p, _ in pages]
    assert {"/today", "/sterility", "/equipment", "/recalls"} <= set(visited), visited
    assert any(re.fullmatch(rf"/courses/{UUID}", p) for p in visited) and any(re.fullmatch(rf"/sessions/{UUID}", p) for p in visited), visited
    problems = []
    for path, what in pages:
        problems += [f"{path}: links to the form {h}" for h in what["links"] if ANY_FORM_LINK.search(h)]
        problems += [f"{path}: offers a form posting to {a}" for a in what["posts"] if not OWN_ACCOUNT.fullmatch(a)]
        problems += [f"{path}: offers “{w}”" for w in what["words"] if any(w.startswith(c) for c in CLINICAL_WORDS + ("New patient", "Edit", "Consent"))]
    assert not problems, "\n".join(problems)
