"""The feedback browser in headless Chromium: sign in, search without
diacritics, see the match marked, open the response, open the customer;
no console errors (CSP violations show there), no sideways scrolling on a
phone; screenshots of each page in tests/artifacts/browser/.
"""
import os

from test_overview_charts import (ARTIFACTS, by, console_errors, data_server,  # noqa: F401
                                  loaded, open_overview, set_viewport, wait_for)


def shoot(driver, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    for view in ("desktop", "phone"):
        set_viewport(driver, view)
        driver.refresh()
        wait_for(lambda: loaded(driver), "the page to load")
        driver.save_screenshot(os.path.join(ARTIFACTS, "%s-%s.png" % (name, view)))
        width = driver.execute_script("return document.documentElement.scrollWidth")
        inner = driver.execute_script("return window.innerWidth")
        assert width <= inner + 1, "no sideways scrolling (%s %s: %d > %d)" % (
            name, view, width, inner)
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_search_open_a_response_open_the_customer(driver, data_server):  # noqa: F811
    B = by()
    api = data_server.api(role="manager")
    got = api.post("/api/v1/responses", {
        "survey": "nps-relacja", "score": 1, "customer": "BRW-1",
        "comment": "Obsługa jak żółw, <script>alert(1)</script> czekałem tydzień",
        "answers": {"cena": 2}, "submitted_at": "2026-10-30T12:00:00Z"})
    assert got.status_code == 201, got.text
    rid = got.json()["id"]

    open_overview(driver, data_server, "en")
    driver.get(data_server.url("/feedback?lang=en"))
    wait_for(lambda: loaded(driver), "the feedback browser")
    box = driver.find_element(B.ID, "fb-q")
    box.send_keys("ZOLW czekal")
    driver.find_element(B.CSS_SELECTOR, ".fb-form button[type=submit]").click()
    wait_for(lambda: "q=ZOLW" in driver.current_url and loaded(driver), "the search")
    items = driver.find_elements(B.CSS_SELECTOR, ".fb-list .fb-item")
    assert len(items) == 1, [i.text for i in items]
    marks = [m.text for m in items[0].find_elements(B.TAG_NAME, "mark")]
    assert "żółw" in marks and "czekałem" in marks, marks
    assert "<script>alert(1)</script>" in items[0].text, "shown as text, not run"
    shoot(driver, "feedback-search")

    driver.find_element(B.CSS_SELECTOR, ".fb-list .fb-item a.fb-open").click()
    wait_for(lambda: driver.current_url.endswith("/feedback/responses/%d" % rid), "the response")
    wait_for(lambda: loaded(driver), "the response page")
    quote = driver.find_element(B.CSS_SELECTOR, ".fb-quote").text
    assert quote.startswith("Obsługa jak żółw")
    assert driver.find_elements(B.CSS_SELECTOR, "table tbody tr"), "the answers"
    shoot(driver, "feedback-response")

    driver.find_element(B.CSS_SELECTOR, ".fb-facts a[href^='/customers/']").click()
    wait_for(lambda: "/customers/" in driver.current_url and loaded(driver), "the customer")
    assert "BRW-1" in driver.find_element(B.CSS_SELECTOR, ".fb-facts").text
    history = driver.find_elements(B.CSS_SELECTOR, ".fb-list a.fb-open")
    assert any(a.get_attribute("href").endswith("/feedback/responses/%d" % rid)
               for a in history)
    shoot(driver, "customer")
    assert not console_errors(driver)
