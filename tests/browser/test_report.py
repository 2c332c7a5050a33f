"""test_report.py — the overview's breakdowns and the downloadable report in
a real browser.

What it is for: on a database with generated responses, the overview shows
the breakdowns by segment and by touchpoint (horizontal bars with interval
whiskers, labelled SVG, a visible table with a significance word and
symbol) and the "Download report" button; the report written by
`cxloop report` opens from a file, renders its charts without loading
anything, and prints to a multi-page PDF through Chrome's Page.printToPDF
(selenium's print_page). Screenshots and the PDF go to
tests/artifacts/browser/.

What it relies on: the fixtures of conftest.py (headless Chromium) and
test_overview_charts.py's sign-in helper; `cxloop gen` and `cxloop report`.

What it must never do: depend on today's date (the data ends on a fixed
day) or reach the network.
"""

import base64
import os
import re
import urllib.parse

import pytest

import harness
from test_overview_charts import by, loaded, open_overview, wait_for

ARTIFACTS = os.path.join(harness.REPO, "tests", "artifacts", "browser")


@pytest.fixture(scope="module")
def report_data(tmp_path_factory):
    d = tmp_path_factory.mktemp("report")
    db = harness.init_db(str(d / "cx.db"))
    harness.run_ok(["gen", "--db", db, "--responses", "8000", "--seed", "21", "--months", "18",
                    "--end", "2026-10-31"], timeout=300)
    srv = harness.Server(db, d).start()
    yield srv, db, d
    srv.stop()


def test_overview_shows_breakdowns_with_marks(driver, report_data):
    B = by()
    srv, _, _ = report_data
    open_overview(driver, srv, "en")
    section = driver.find_element(B.ID, "breakdowns")
    cards = section.find_elements(B.CSS_SELECTOR, "section.breakdown")
    ids = [c.get_attribute("id") for c in cards]
    assert "bd-segment-nps" in ids, ids
    assert any(i.startswith("bd-touchpoint-") for i in ids), ids
    for card in cards:
        svg = card.find_element(B.CSS_SELECTOR, "figure.chart-hbars svg")
        assert svg.get_attribute("role") == "img"
        bars = svg.find_elements(B.CSS_SELECTOR, "rect.bar")
        whiskers = svg.find_elements(B.CSS_SELECTOR, "path.whisker")
        rows = card.find_elements(B.CSS_SELECTOR, "table.breakdown-table tbody tr")
        assert bars and len(bars) == len(rows), (card.get_attribute("id"), len(bars), len(rows))
        assert len(whiskers) == len(bars)
        for row in rows:
            sig = row.find_element(B.CSS_SELECTOR, "td.sig")
            classes = sig.get_attribute("class").split()
            # significance in words and a symbol, never colour alone
            if "down" in classes:
                assert "\u25bc" in sig.text and "significant fall" in sig.text, sig.text
            elif "up" in classes:
                assert "\u25b2" in sig.text and "significant rise" in sig.text, sig.text
            else:
                assert sig.text.strip(), "every row says something about its change"
    button = driver.find_element(B.ID, "download-report")
    assert button.get_attribute("href").endswith("/report.html")
    assert button.text == "Download report"
    driver.execute_script("arguments[0].scrollIntoView()", section)
    driver.save_screenshot(os.path.join(ARTIFACTS, "overview-breakdowns.png"))


def test_report_file_renders_and_prints_to_pdf(driver, report_data):
    B = by()
    _, db, d = report_data
    out = str(d / "report.html")
    harness.run_ok(["report", "--db", db, "--out", out, "--lang", "en"])
    driver.get("file://" + out)
    wait_for(lambda: loaded(driver), "the report to load")
    assert driver.find_element(B.TAG_NAME, "h1").text == "Customer experience report"
    meta = driver.find_element(B.CSS_SELECTOR, ".report-meta").text
    assert "2026-08-03 \u2013 2026-10-31" in meta, meta
    assert "English" in meta
    for fid in ("chart-trend", "chart-mix", "chart-bd-segment-nps"):
        svg = driver.find_element(B.CSS_SELECTOR, "#%s svg" % fid)
        assert svg.size["width"] > 200 and svg.size["height"] > 80, (fid, svg.size)
    assert len(driver.find_elements(B.CSS_SELECTOR, "svg.sparkline")) >= 3
    # the stylesheet applied from inside the file: tiles are laid out as cards
    radius = driver.execute_script(
        "return getComputedStyle(document.querySelector('.report-title')).borderBottomWidth")
    assert radius == "3px", radius
    # no resource was fetched: everything is inside the file
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources == [], resources
    driver.save_screenshot(os.path.join(ARTIFACTS, "report.png"))

    from selenium.webdriver.common.print_page_options import PrintOptions
    opts = PrintOptions()
    opts.page_width = 21.0
    opts.page_height = 29.7
    pdf = base64.b64decode(driver.print_page(opts))
    with open(os.path.join(ARTIFACTS, "report.pdf"), "wb") as f:
        f.write(pdf)
    assert pdf.startswith(b"%PDF-"), pdf[:16]
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages > 1, "the report spans several A4 pages, got %d" % pages


def test_panels_say_what_to_do_now_in_polish(driver, report_data):
    B = by()
    srv, _, _ = report_data
    open_overview(driver, srv, "pl")
    for pid, hrefs in (("panel-voice", ["/feedback", "/explore"]),
                       ("panel-money", ["/explore?metric=nps&by=segment",
                                        "/explore.csv?metric=nps&by=month"])):
        panel = driver.find_element(B.ID, pid)
        links = [urllib.parse.urlsplit(a.get_attribute("href"))
                 for a in panel.find_elements(B.CSS_SELECTOR, "a.button")]
        got = [u.path + ("?" + u.query if u.query else "") for u in links]
        assert got == hrefs, got
        assert "Wkrótce" in panel.text
        assert len(panel.text) > 120, "the panel explains itself: %r" % panel.text
    section = driver.find_element(B.ID, "breakdowns")
    assert "Według segmentów" in section.text
    table = section.find_element(B.CSS_SELECTOR, "#bd-segment-nps table.breakdown-table")
    # Polish number forms in the breakdown: decimal comma
    assert re.search(r"\d,\d", table.text), table.text
    driver.execute_script("arguments[0].scrollIntoView()", driver.find_element(B.ID, "panel-voice"))
    driver.save_screenshot(os.path.join(ARTIFACTS, "overview-panels-pl.png"))


def test_period_and_segment_form_narrows_the_overview(driver, report_data):
    B = by()
    srv, _, _ = report_data
    open_overview(driver, srv, "en")
    summary_before = driver.find_element(B.ID, "summary").text
    trend_before = driver.find_element(B.CSS_SELECTOR, "#chart-trend svg").get_attribute("outerHTML")
    form = driver.find_element(B.CSS_SELECTOR, "form.overview-filter")
    driver.execute_script("arguments[0].value = '2026-07-01'", form.find_element(B.NAME, "from"))
    driver.execute_script("arguments[0].value = '2026-09-30'", form.find_element(B.NAME, "to"))
    from selenium.webdriver.support.ui import Select
    Select(form.find_element(B.NAME, "segment")).select_by_visible_text("Premium")
    form.find_element(B.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(lambda: "segment=Premium" in driver.current_url and loaded(driver),
             "the overview of the chosen period")
    lead = driver.find_element(B.CSS_SELECTOR, ".scores-lead").text
    assert "From 2026-07-01 to 2026-09-30" in lead and "Premium" in lead, lead
    groups = [tr.get_attribute("data-group") for tr in driver.find_elements(
        B.CSS_SELECTOR, "#bd-segment-nps table.breakdown-table tbody tr")]
    assert groups == ["Premium"], groups
    # the filter changed what the page says and draws, not only its lead
    summary_after = driver.find_element(B.ID, "summary").text
    assert summary_after and summary_after != summary_before, summary_after
    trend_after = driver.find_element(B.CSS_SELECTOR, "#chart-trend svg").get_attribute("outerHTML")
    assert trend_after != trend_before, "the trend chart is drawn from the filtered data"
    href = driver.find_element(B.ID, "download-report").get_attribute("href")
    assert href.endswith("/report.html?from=2026-07-01&to=2026-09-30&segment=Premium"), href
    driver.save_screenshot(os.path.join(ARTIFACTS, "overview-filtered.png"))
