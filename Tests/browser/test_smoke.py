"""Smoke tests of the browser pages: sign in, Today, sign out."""
from selenium.webdriver.common.by import By

from conftest import csp_violations, login, path_of, shot, wait_for_path


def test_login_page_labels_every_input(driver, server):
    driver.get(server.url("/login"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Sign in to Stratum"
    inputs = [i for i in driver.find_elements(By.CSS_SELECTOR, "input, select, textarea")
              if i.get_attribute("type") != "hidden"]
    assert {i.get_attribute("id") for i in inputs} >= {"email", "password"}
    for field in inputs:
        field_id = field.get_attribute("id")
        assert field_id, f"an input without an id: {field.get_attribute('outerHTML')}"
        labels = driver.find_elements(By.CSS_SELECTOR, f'label[for="{field_id}"]')
        assert labels and labels[0].text.strip(), f"#{field_id} has no label"
    # The stylesheet arrives (same origin, so the CSP allows it) and applies.
    rules = driver.execute_script(
        "return [...document.styleSheets].filter(s => (s.href || '').endsWith('/css/stratum.css'))"
        ".map(s => s.cssRules.length)")
    assert rules and rules[0] > 0, "css/stratum.css did not load"
    assert driver.execute_script("return getComputedStyle(document.querySelector('.auth')).maxWidth") != "none"
    assert csp_violations(driver) == []
    shot(driver, "login")


def test_login_shows_today(driver, server):
    login(driver, server)
    heading = driver.find_element(By.TAG_NAME, "h1")
    assert heading.text.split()[0] == "Today"
    current = driver.find_elements(By.CSS_SELECTOR, '.nav a[aria-current="page"]')
    assert [a.text for a in current] == ["Today"]
    assert csp_violations(driver) == []
    shot(driver, "today")


def test_sign_out_returns_to_login(driver, server):
    login(driver, server)
    driver.find_element(By.CSS_SELECTOR, ".signout button").click()
    wait_for_path(driver, "/login")
    assert driver.find_elements(By.ID, "sign-in")
    # The session is gone: Today sends the browser back to the sign-in page.
    driver.get(server.url("/today"))
    wait_for_path(driver, "/login")
    assert path_of(driver) == "/login"
