"""test_overview_charts.py — the overview's score tiles and charts in a real
browser.

What it is for: on a database with 18 months of generated responses, the
four tiles (NPS, CSAT, CES, eNPS) show a value, an interval, n, the change
from the previous 90 days and a sparkline; the NPS trend has its interval
band; the promoter/passive/detractor bars are there; every chart is an
<svg role="img"> labelled by its own title and description, with tooltips
on its marks and a data table behind it. Numbers follow the language. On
an empty database the overview says plainly that scores will appear.
Screenshots at desktop and phone size go to tests/artifacts/browser/.

What it relies on: the fixtures of conftest.py (headless Chromium, the
empty `server`) and `cxloop gen` for the data.

What it must never do: depend on today's date (the data ends on a fixed
day), or leave the browser at a phone viewport for the tests after it.
"""

import os
import re
import time
import urllib.parse

import pytest

import harness

ARTIFACTS = os.path.join(harness.REPO, "tests", "artifacts", "browser")
VIEWPORTS = {"desktop": (1280, 900, False), "phone": (390, 844, True)}
METRICS = ["nps", "csat", "ces", "enps"]


def by():
    from selenium.webdriver.common.by import By
    return By


def wait_for(predicate, what, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except Exception:  # the page may be between documents
            pass
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def loaded(drv):
    return drv.execute_script("return document.readyState") == "complete"


def path_of(drv):
    return urllib.parse.urlsplit(drv.current_url).path


def set_viewport(drv, name):
    w, h, mobile = VIEWPORTS[name]
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": mobile})


def console_errors(drv):
    return [e for e in drv.get_log("browser") if e.get("level") == "SEVERE"]


def open_overview(drv, srv, lang):
    """Signs in to srv when needed and opens the overview in lang."""
    B = by()
    console_errors(drv)
    drv.get(srv.url("/?lang=" + lang))
    wait_for(lambda: loaded(drv), "the overview to load")
    if path_of(drv) == "/login":
        drv.find_element(B.NAME, "username").send_keys("admin")
        drv.find_element(B.NAME, "password").send_keys(harness.ADMIN_PASSWORD)
        drv.find_element(B.CSS_SELECTOR, "form[action='/login'] button").click()
        wait_for(lambda: path_of(drv) != "/login" and loaded(drv), "the sign-in to finish")
        drv.get(srv.url("/?lang=" + lang))
        wait_for(lambda: loaded(drv), "the overview to load")
    assert path_of(drv) == "/", drv.current_url
    assert drv.execute_script("return document.documentElement.lang") == lang


@pytest.fixture(scope="module")
def data_server(tmp_path_factory):
    d = tmp_path_factory.mktemp("charts")
    db = harness.init_db(str(d / "cx.db"))
    harness.run_ok(["gen", "--db", db, "--responses", "6000", "--seed", "11", "--months", "18",
                    "--end", "2026-10-31"], timeout=300)
    srv = harness.Server(db, d).start()
    yield srv
    srv.stop()


@pytest.fixture
def overview_en(driver, data_server):
    open_overview(driver, data_server, "en")
    yield driver
    set_viewport(driver, "desktop")


def test_four_tiles_with_value_interval_n_change_and_sparkline(overview_en):
    B = by()
    drv = overview_en
    lead = drv.find_element(B.CSS_SELECTOR, ".scores-lead").text
    assert "2026-10-31" in lead, "the 90 days end on the newest response: %r" % lead
    for metric in METRICS:
        tile = drv.find_element(B.ID, "tile-" + metric)
        heading = tile.find_element(B.TAG_NAME, "h3").text
        assert heading.lower() == metric, heading
        empty = tile.find_elements(B.CSS_SELECTOR, ".tile-empty")
        if empty:
            # a metric without answers explains itself instead of showing 0
            assert "survey" in empty[0].text, empty[0].text
            continue
        value = tile.find_element(B.CSS_SELECTOR, ".tile-value").text
        assert re.match(r"^\u2212?\d+\.\d", value), value
        meta = tile.find_element(B.CSS_SELECTOR, ".tile-meta").text
        assert re.search(r"95% interval: \u2212?[\d.]+\u2013\u2212?[\d.]+", meta), meta
        assert re.search(r"n = [\d,]+", meta), meta
        change = tile.find_element(B.CSS_SELECTOR, ".tile-change")
        classes = change.get_attribute("class").split()
        if "up" in classes or "down" in classes:
            # significance is said with an arrow and a word, not colour alone
            assert ("\u2191" in change.text) or ("\u2193" in change.text), change.text
            assert "significant" in change.text, change.text
            assert "p = " in change.get_attribute("title")
        elif "flat" in classes:
            assert "margin of error" in change.text, change.text
        if "small sample" in tile.text:
            n = int(re.search(r"n = ([\d,]+)", meta).group(1).replace(",", ""))
            assert n < 30
        spark = tile.find_element(B.CSS_SELECTOR, "svg.sparkline")
        assert spark.get_attribute("role") == "img"
        assert spark.find_elements(B.CSS_SELECTOR, "path.line")


def test_nps_has_data_and_a_change(overview_en):
    B = by()
    tile = overview_en.find_element(B.ID, "tile-nps")
    assert not tile.find_elements(B.CSS_SELECTOR, ".tile-empty")
    assert tile.find_elements(B.CSS_SELECTOR, ".tile-change.up, .tile-change.down, "
                                              ".tile-change.flat")


def labelled_svg(drv, figure_id):
    """The chart's svg, after checking its title, desc and data table."""
    B = by()
    fig = drv.find_element(B.ID, figure_id)
    svg = fig.find_element(B.CSS_SELECTOR, "svg")
    assert svg.get_attribute("role") == "img"
    ids = svg.get_attribute("aria-labelledby").split()
    assert len(ids) == 2
    title, desc = (drv.find_element(B.ID, i) for i in ids)
    assert title.tag_name == "title" and desc.tag_name == "desc"
    assert drv.execute_script("return arguments[0].textContent", title).strip()
    assert drv.execute_script("return arguments[0].textContent", desc).strip()
    wrapper = fig.find_element(B.CSS_SELECTOR, ".chart-data.visually-hidden")
    # hidden from sight (a 1px clipped box), present for screen readers
    assert wrapper.size["width"] <= 1 and wrapper.size["height"] <= 1, wrapper.size
    table = wrapper.find_element(B.TAG_NAME, "table")
    assert table.find_elements(B.CSS_SELECTOR, "tbody tr")
    return svg, table


def test_trend_has_band_points_and_tooltips(overview_en):
    B = by()
    svg, table = labelled_svg(overview_en, "chart-trend")
    assert svg.find_elements(B.CSS_SELECTOR, "path.band"), "the interval band"
    assert svg.find_elements(B.CSS_SELECTOR, "path.line")
    dots = svg.find_elements(B.CSS_SELECTOR, "circle.dot")
    rows = table.find_elements(B.CSS_SELECTOR, "tbody tr")
    assert 12 <= len(dots) <= 18, len(dots)
    # one row per month, plus one for the target when the organisation set one
    target = svg.find_elements(B.CSS_SELECTOR, "line.target")
    assert target, "the generated organisation has an NPS target: its line is drawn"
    assert len(rows) == len(dots) + 1
    tips = overview_en.execute_script(
        "return Array.from(arguments[0].querySelectorAll('g.col > title'))"
        ".map(t => t.textContent)", svg)
    assert len(tips) == len(dots)
    assert all(re.match(r"^\d{4}-\d{2} \u2014 NPS: ", t) and "Answers = " in t for t in tips), tips[:3]


def test_promoter_mix_adds_up(overview_en):
    B = by()
    svg, table = labelled_svg(overview_en, "chart-mix")
    for tone in ("pos", "neu", "neg"):
        assert svg.find_elements(B.CSS_SELECTOR, "rect.bar." + tone), tone
    for row in table.find_elements(B.CSS_SELECTOR, "tbody tr"):
        cells = [c.get_attribute("textContent") for c in row.find_elements(B.TAG_NAME, "td")]
        shares = [float(c.rstrip("%").replace(",", "")) for c in cells[:3]]
        assert abs(sum(shares) - 100) < 0.25, (cells, sum(shares))


def test_polish_number_forms(driver, data_server):
    B = by()
    open_overview(driver, data_server, "pl")
    value = driver.find_element(B.CSS_SELECTOR, "#tile-nps .tile-value").text
    assert re.match(r"^\u2212?\d+,\d", value), "decimal comma in Polish: %r" % value
    lead = driver.find_element(B.CSS_SELECTOR, ".scores-lead").text
    assert "31.10.2026" in lead, lead
    assert "przedział 95%" in driver.find_element(B.CSS_SELECTOR, "#tile-nps .tile-meta").text


@pytest.mark.parametrize("lang", ["en", "pl", "ro"])
def test_screenshots_and_phone_layout(driver, data_server, lang):
    open_overview(driver, data_server, lang)
    try:
        for name in ("desktop", "phone"):
            set_viewport(driver, name)
            time.sleep(0.2)
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, "the overview scrolls sideways by %dpx on %s" % (overflow, name)
            w = VIEWPORTS[name][0]
            full = driver.execute_script("return document.documentElement.scrollHeight")
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": w, "height": min(full, 3000), "deviceScaleFactor": 1,
                                    "mobile": VIEWPORTS[name][2]})
            time.sleep(0.2)
            driver.save_screenshot(os.path.join(ARTIFACTS, "overview-charts-%s-%s.png"
                                                % (lang, name)))
    finally:
        set_viewport(driver, "desktop")
    errors = console_errors(driver)
    assert not errors, "\n".join(e["message"] for e in errors)


def test_empty_database_says_scores_will_appear(driver, server):
    B = by()
    open_overview(driver, server, "en")
    section = driver.find_element(B.CSS_SELECTOR, "section.scores")
    assert "Scores appear here once the first survey responses arrive" in section.text
    assert not driver.find_elements(B.CSS_SELECTOR, "#chart-trend svg")
    assert not console_errors(driver)


def test_summary_says_it_in_words(overview_en):
    B = by()
    text = overview_en.find_element(B.ID, "summary").text
    assert text.startswith("NPS "), text
    assert "n = " in text and "previous 90 days" in text, text
    assert ("significant change" in text) or ("margin of error" in text), text
    assert ("Largest fall:" in text) or ("Largest rise:" in text) or (
        "No touchpoint changed significantly." in text), text
