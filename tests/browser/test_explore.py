"""Explore in headless Chromium: change the breakdown in the form, see the
chart and the table follow, the address keep the view, and the CSV link
carry it; no console errors (CSP violations show there); screenshots of
desktop and phone in tests/artifacts/browser/.
"""
import os
import urllib.parse

from test_overview_charts import (ARTIFACTS, by, console_errors, data_server,  # noqa: F401
                                  loaded, open_overview, set_viewport, wait_for)


def test_changing_the_breakdown_changes_chart_and_table(driver, data_server):  # noqa: F811
    B = by()
    open_overview(driver, data_server, "en")
    driver.get(data_server.url("/explore?metric=nps&by=quarter&lang=en"))
    wait_for(lambda: loaded(driver), "explore to load")
    heads = [th.text.lower() for th in driver.find_elements(B.CSS_SELECTOR,
                                                            ".explore-table thead th")]
    assert heads[0] == "quarter", heads
    quarters = driver.find_elements(B.CSS_SELECTOR, ".explore-table tbody tr")
    assert len(quarters) >= 5

    # the form: break down by segment instead, then show
    select = driver.find_element(B.ID, "ex-by")
    driver.execute_script("arguments[0].value = 'segment';", select)
    driver.find_element(B.CSS_SELECTOR, ".explore-form button[type=submit]").click()
    wait_for(lambda: "by=segment" in driver.current_url and loaded(driver), "the new view")
    heads = [th.text.lower() for th in driver.find_elements(B.CSS_SELECTOR,
                                                            ".explore-table thead th")]
    assert heads[0] == "segment", heads
    rows = driver.find_elements(B.CSS_SELECTOR, ".explore-table tbody th[scope=row]")
    labels = [r.text for r in rows]
    assert "Premium" in labels and "Basic" in labels, labels
    assert driver.find_elements(B.CSS_SELECTOR, "#chart-explore svg rect, #chart-explore rect")

    query = urllib.parse.urlsplit(driver.current_url).query
    link = driver.find_element(B.LINK_TEXT, "Download CSV").get_attribute("href")
    assert urllib.parse.urlsplit(link).path == "/explore.csv"
    assert urllib.parse.urlsplit(link).query == query, "the CSV is the view on screen"
    assert not console_errors(driver)

    os.makedirs(ARTIFACTS, exist_ok=True)
    for name in ("desktop", "phone"):
        set_viewport(driver, name)
        driver.get(data_server.url("/explore?metric=nps&by=month&by2=tier&lang=pl"))
        wait_for(lambda: loaded(driver), "explore to load")
        driver.save_screenshot(os.path.join(ARTIFACTS, "explore-%s.png" % name))
        width = driver.execute_script("return document.documentElement.scrollWidth")
        inner = driver.execute_script("return window.innerWidth")
        assert width <= inner + 1, "no sideways scrolling (%s: %d > %d)" % (name, width, inner)
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not console_errors(driver)
