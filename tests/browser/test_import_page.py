"""The import page in headless Chromium: step 1 uploads the nps_verbatims
sample through the real file input, step 2 shows how the file reads and
takes the documented mapping in its selects, "check" reports the rows
without writing and "import" writes them; no console errors (CSP
violations show there), no sideways scrolling; screenshots of each step
in tests/artifacts/browser/.
"""
import os
import sqlite3

import pytest

import harness
from test_overview_charts import (ARTIFACTS, by, console_errors, loaded, open_overview,
                                  path_of, set_viewport, wait_for)

DATA = os.environ.get("CXLOOP_SHARED_DATA") or os.path.join(harness.REPO, "..", "shared", "data")
NPS = os.path.join(DATA, "nps_verbatims", "nps_verbatims.csv")
MAPPING = {"submitted_at": "CUSTOMER_RESPONSE_DATE", "score": "NPS_SCORE", "comment": "text",
           "touchpoint": "SURVEY_SUB_TYPE"}


@pytest.fixture(scope="module")
def import_server(tmp_path_factory):
    """Its own database: the rows imported here must not reach the
    session server other tests expect empty."""
    d = tmp_path_factory.mktemp("import")
    db = harness.init_db(str(d / "cx.db"))
    harness.run_ok(["survey", "create", "--db", db, "--kind", "nps", "--name", "NPS verbatims"])
    srv = harness.Server(db, d).start()
    yield srv
    srv.stop()


def responses(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT count(*) FROM responses").fetchone()[0]
    finally:
        con.close()


def no_sideways_scroll(driver):
    width = driver.execute_script("return document.documentElement.scrollWidth")
    inner = driver.execute_script("return window.innerWidth")
    return width <= inner + 1


def test_upload_map_check_and_import(driver, import_server):
    if not os.path.exists(NPS):
        if os.environ.get("CXLOOP_CI") == "1":
            pytest.fail("%s is missing" % NPS)
        pytest.skip("%s is not here" % NPS)
    from selenium.webdriver.support.ui import Select
    B = by()
    srv = import_server
    open_overview(driver, srv, "en")
    os.makedirs(ARTIFACTS, exist_ok=True)

    # Step 1: the upload form.
    driver.get(srv.url("/import?lang=en"))
    wait_for(lambda: loaded(driver), "the import page")
    assert driver.find_element(B.TAG_NAME, "h1").text == "Import data"
    driver.save_screenshot(os.path.join(ARTIFACTS, "import-step1.png"))
    driver.find_element(B.ID, "import-file").send_keys(os.path.abspath(NPS))
    Select(driver.find_element(B.ID, "import-kind")).select_by_value("responses")
    Select(driver.find_element(B.ID, "import-survey")).select_by_visible_text(
        "NPS verbatims (nps)")
    driver.find_element(B.CSS_SELECTOR, "#import-upload button[type=submit]").click()
    wait_for(lambda: path_of(driver).startswith("/import/") and loaded(driver)
             and driver.find_elements(B.ID, "import-map"), "the mapping step")

    # Step 2: what the file holds, and the mapping.
    sample = driver.find_elements(B.CSS_SELECTOR, ".import-sample thead th")
    assert "NPS_SCORE" in [th.text for th in sample]
    assert len(driver.find_elements(B.CSS_SELECTOR, ".import-sample tbody tr")) == 5
    assert driver.find_element(B.ID, "import-delimiter").text == "comma"
    for field, column in MAPPING.items():
        Select(driver.find_element(B.NAME, "map_" + field)).select_by_visible_text(column)
    driver.find_element(B.ID, "import-date-format").send_keys("%d/%m/%Y %H:%M")
    driver.save_screenshot(os.path.join(ARTIFACTS, "import-step2.png"))

    driver.find_element(B.CSS_SELECTOR, "button[value=check]").click()
    wait_for(lambda: loaded(driver) and driver.find_elements(B.ID, "import-outcome"),
             "the check")
    assert driver.find_element(B.ID, "import-outcome").text.startswith(
        "The file is valid: 2385 rows would be imported.")
    assert driver.find_element(B.ID, "import-rows").text == "2,385"
    assert responses(srv.db) == 0
    # The choices survive the check.
    chosen = Select(driver.find_element(B.NAME, "map_score")).first_selected_option.text
    assert chosen == "NPS_SCORE"
    driver.save_screenshot(os.path.join(ARTIFACTS, "import-check.png"))

    driver.find_element(B.CSS_SELECTOR, "button[value=import]").click()
    wait_for(lambda: loaded(driver) and "Imported" in driver.find_element(
        B.ID, "import-outcome").text, "the import")
    assert driver.find_element(B.ID, "import-outcome").text == "Imported 2385 rows."
    assert driver.find_element(B.ID, "import-touchpoints").text == "4"
    assert responses(srv.db) == 2385
    driver.save_screenshot(os.path.join(ARTIFACTS, "import-done.png"))
    assert not console_errors(driver)

    # Polish, on a phone: the step-1 form fits.
    set_viewport(driver, "phone")
    try:
        driver.get(srv.url("/import?lang=pl"))
        wait_for(lambda: loaded(driver), "the import page")
        assert driver.find_element(B.TAG_NAME, "h1").text == "Import danych"
        driver.save_screenshot(os.path.join(ARTIFACTS, "import-step1-phone.png"))
        assert no_sideways_scroll(driver)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not console_errors(driver)
