"""The survey's invitations page in headless Chromium: the QR code image
loads (it is an <img> of our own SVG, so the Content-Security-Policy must
allow it), a manager queues a segment with the form and sees the counts
change, the page holds no sideways scrolling on a phone, and there are no
console errors; screenshots of desktop and phone in tests/artifacts/browser/.
"""
import os

import pytest

import harness
from test_overview_charts import (ARTIFACTS, VIEWPORTS, by, console_errors,  # noqa: F401
                                  loaded, open_overview, set_viewport, wait_for)

CUSTOMERS = """external_id,name,email,language,segment
c1,Jan Kowalski,jan@example.pl,pl,VIP
c2,Ann Smith,ann@example.com,en,VIP
c3,Bez Maila,,pl,VIP
"""


@pytest.fixture(scope="module")
def invite_server(tmp_path_factory):
    d = tmp_path_factory.mktemp("invitations")
    db = harness.init_db(str(d / "cx.db"))
    csv = d / "customers.csv"
    csv.write_text(CUSTOMERS, encoding="utf-8")
    harness.run_ok(["import", "customers", "--db", db, str(csv)])
    survey = harness.run_ok(["survey", "create", "--db", db, "--kind", "nps",
                             "--name", "Obsługa w salonie", "--lang", "pl,en"]).stdout.strip()
    srv = harness.Server(db, d).start()
    srv.survey = int(survey)
    yield srv
    srv.stop()


def test_invitations_page_in_a_browser(driver, invite_server):
    B = by()
    srv = invite_server
    open_overview(driver, srv, "en")
    page = "/surveys/%d/invitations" % srv.survey
    driver.get(srv.url(page + "?lang=en"))
    wait_for(lambda: loaded(driver), "the invitations page")
    img = driver.find_element(B.CSS_SELECTOR, ".qr-figure img")
    wait_for(lambda: driver.execute_script("return arguments[0].complete && "
                                           "arguments[0].naturalWidth > 0", img),
             "the QR code to load")
    assert driver.find_element(B.ID, "public-link").text.endswith("/s/obsluga-w-salonie")

    select = driver.find_element(B.ID, "inv-audience")
    driver.execute_script("arguments[0].value = 'segment:VIP';", select)
    driver.find_element(B.CSS_SELECTOR, "form[action='%s'] button[type=submit]" % page).click()
    wait_for(lambda: loaded(driver) and "Queued: 2." in driver.page_source, "the notice")
    queued = driver.find_element(B.CSS_SELECTOR, "#inv-queued .stat-value")
    assert queued.get_attribute("data-count") == "2"
    rows = driver.find_elements(B.CSS_SELECTOR, "#invitations tbody tr")
    assert len(rows) == 2
    assert not console_errors(driver)

    os.makedirs(ARTIFACTS, exist_ok=True)
    for name in ("desktop", "phone"):
        set_viewport(driver, name)
        driver.get(srv.url(page + "?lang=pl"))
        wait_for(lambda: loaded(driver), "the invitations page")
        # the whole page: forms and table sit below the first screen
        height = driver.execute_script("return document.documentElement.scrollHeight")
        w, _, mobile = VIEWPORTS[name]
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": w, "height": height, "deviceScaleFactor": 1,
                                "mobile": mobile})
        driver.save_screenshot(os.path.join(ARTIFACTS, "invitations-%s.png" % name))
        width = driver.execute_script("return document.documentElement.scrollWidth")
        inner = driver.execute_script("return window.innerWidth")
        assert width <= inner + 1, "no sideways scrolling (%s: %d > %d)" % (name, width, inner)
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not console_errors(driver)
