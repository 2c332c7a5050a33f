"""The survey editor in headless Chromium: sign in, open a survey from the
list, add a question through the form (no JavaScript needed), see it listed
with its missing translation flagged in words; no console errors (CSP
violations show there); screenshots of the list and the survey page on
desktop and phone in tests/artifacts/browser/.
"""
import os

import pytest

import harness
from test_overview_charts import (ARTIFACTS, by, console_errors, loaded,  # noqa: F401
                                  open_overview, path_of, set_viewport, wait_for)


@pytest.fixture(scope="module")
def survey_server(tmp_path_factory):
    d = tmp_path_factory.mktemp("survey-editor")
    db = harness.init_db(str(d / "cx.db"))
    harness.run_ok(["gen", "--db", db, "--responses", "800", "--seed", "7"], timeout=300)
    srv = harness.Server(db, d).start()
    yield srv
    srv.stop()


def no_sideways_scroll(drv, name):
    width = drv.execute_script("return document.documentElement.scrollWidth")
    inner = drv.execute_script("return window.innerWidth")
    assert width <= inner + 1, "no sideways scrolling (%s: %d > %d)" % (name, width, inner)


def test_add_a_question_and_see_it_listed(driver, survey_server):
    B = by()
    srv = survey_server
    open_overview(driver, srv, "en")
    driver.get(srv.url("/surveys?lang=en"))
    wait_for(lambda: loaded(driver), "the survey list")
    rows = driver.find_elements(B.CSS_SELECTOR, "table.surveys tbody tr")
    assert len(rows) >= 5, [r.text for r in rows]
    assert "NPS (recommendation)" in driver.find_element(B.CSS_SELECTOR, "table.surveys").text
    driver.find_element(B.LINK_TEXT, "Badanie relacji (NPS)").click()
    wait_for(lambda: path_of(driver).startswith("/surveys/") and loaded(driver), "the survey")
    survey_path = path_of(driver)
    link = driver.find_element(B.CSS_SELECTOR, "a.public-link")
    assert link.text == "/s/nps-relacja"
    before = len(driver.find_elements(B.CSS_SELECTOR, "ol.questions > li"))

    form = driver.find_element(B.CSS_SELECTOR, "#add-question form")
    form.find_element(B.NAME, "key").send_keys("polecenie-sklep")
    kind = form.find_element(B.NAME, "kind")
    kind.find_element(B.CSS_SELECTOR, "option[value='rating']").click()
    form.find_element(B.NAME, "label_pl").send_keys("Jak oceniasz nasz sklep?")
    form.find_element(B.NAME, "label_en").send_keys("How do you rate our shop?")
    form.find_element(B.NAME, "driver_attribute").send_keys("shop")
    form.find_element(B.NAME, "logic_detractor_en").send_keys("What went wrong in the shop?")
    form.find_element(B.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(lambda: "done=question_added" in driver.current_url and loaded(driver),
             "the question to be added")
    assert path_of(driver) == survey_path
    notice = driver.find_element(B.CSS_SELECTOR, ".notice-success").text
    assert "Question added." in notice
    items = driver.find_elements(B.CSS_SELECTOR, "ol.questions > li")
    assert len(items) == before + 1
    added = driver.find_element(B.ID, "q-polecenie-sklep")
    assert added == items[-1]
    assert "How do you rate our shop?" in added.text
    assert "Rating 1–5" in added.text and "Driver: shop" in added.text
    # Romanian is one of the survey's languages and the label lacks it
    flags = [b.text for b in added.find_elements(B.CSS_SELECTOR,
                                                                ".question-head .badge.missing")]
    assert flags == ["Missing translation: Română"], flags
    assert not console_errors(driver)

    os.makedirs(ARTIFACTS, exist_ok=True)
    for name in ("desktop", "phone"):
        set_viewport(driver, name)
        driver.get(srv.url("/surveys?lang=pl"))
        wait_for(lambda: loaded(driver), "the survey list")
        driver.save_screenshot(os.path.join(ARTIFACTS, "surveys-%s.png" % name))
        no_sideways_scroll(driver, name)
        driver.get(srv.url(survey_path + "?lang=en"))
        wait_for(lambda: loaded(driver), "the survey page")
        driver.save_screenshot(os.path.join(ARTIFACTS, "survey-editor-%s.png" % name))
        no_sideways_scroll(driver, name)
        driver.get(srv.url(survey_path + "?lang=en#q-polecenie-sklep"))
        wait_for(lambda: loaded(driver), "the survey page")
        driver.save_screenshot(os.path.join(ARTIFACTS, "survey-question-added-%s.png" % name))
    # the question's own form, opened
    set_viewport(driver, "desktop")
    driver.get(srv.url(survey_path + "?lang=en"))
    wait_for(lambda: loaded(driver), "the survey page")
    details = driver.find_element(B.CSS_SELECTOR, "#q-komentarz details")
    details.find_element(B.TAG_NAME, "summary").click()
    driver.execute_script("arguments[0].scrollIntoView()", details)
    assert details.find_element(B.NAME, "logic_promoter_en").get_attribute("value") == \
        "What did you like most?"
    driver.save_screenshot(os.path.join(ARTIFACTS, "survey-question-form.png"))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not console_errors(driver)


def test_title_and_intro_fields_per_language(driver, survey_server):
    """The demo survey's title and introduction for respondents, one field
    per language in the settings, filled from the demo data."""
    B = by()
    srv = survey_server
    open_overview(driver, srv, "en")
    nps = srv.api().get("/api/v1/surveys").json()["surveys"]
    sid = next(s["id"] for s in nps if s["slug"] == "nps-relacja")
    set_viewport(driver, "desktop")
    driver.get(srv.url("/surveys/%d?lang=en" % sid))
    wait_for(lambda: loaded(driver), "the survey page")
    title_en = driver.find_element(B.NAME, "title_en")
    assert title_en.get_attribute("value") == "How do you rate Telko Polska?"
    assert driver.find_element(B.NAME, "title_ro").get_attribute("value") == \
        "Cum evaluezi Telko Polska?"
    assert driver.find_element(B.NAME, "intro_pl").get_attribute("value").startswith("Kilka")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", title_en)
    os.makedirs(ARTIFACTS, exist_ok=True)
    driver.save_screenshot(os.path.join(ARTIFACTS, "survey-title-fields.png"))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not console_errors(driver)
