"""test_qa_walk.py — what a CX manager walking the product notices first.

Headless Chromium over a generated organisation: form controls share one
height on every page with a form (none falls back to the browser's bare
control), a long question in the survey editor wraps instead of widening
the page on a phone, and the import page is reachable from the pages a
manager works on. Screenshots land in tests/artifacts/browser/.

It relies on the gen organisation (Polish survey texts, five surveys) and
the session browser of conftest.py; it never changes the data it reads.
"""
import os

import pytest

import harness
from test_overview_charts import (ARTIFACTS, by, loaded, open_overview, path_of,  # noqa: F401
                                  set_viewport, wait_for)


@pytest.fixture(scope="module")
def walk_server(tmp_path_factory):
    d = tmp_path_factory.mktemp("qa-walk")
    db = harness.init_db(str(d / "cx.db"))
    harness.run_ok(["gen", "--db", db, "--responses", "600", "--seed", "5"], timeout=300)
    srv = harness.Server(db, d).start()
    yield srv
    srv.stop()


def open_page(drv, srv, path, lang="pl"):
    open_overview(drv, srv, lang)
    drv.get(srv.url(path + ("&" if "?" in path else "?") + "lang=" + lang))
    wait_for(lambda: loaded(drv), path)


FORM_PAGES = ["/feedback", "/surveys/1", "/surveys/1/invitations", "/customers", "/import"]


@pytest.mark.parametrize("path", FORM_PAGES)
def test_form_controls_are_full_height(driver, walk_server, path):
    set_viewport(driver, "desktop")
    open_page(driver, walk_server, path)
    heights = driver.execute_script(
        "return Array.from(document.querySelectorAll('main input, main select'))"
        ".filter(e => ['text','search','number','date','email','url','password',"
        "'select-one'].includes(e.type) && e.offsetParent !== null)"
        ".map(e => [e.name || e.id, e.type, e.offsetHeight])")
    assert heights, "%s has no visible text field or list" % path
    short = [h for h in heights if h[2] < 36]
    assert not short, "%s: controls shorter than the 40px of the others: %r" % (path, short)


def test_long_question_wraps_on_a_phone(driver, walk_server):
    open_page(driver, walk_server, "/surveys/1")
    try:
        set_viewport(driver, "phone")
        title = driver.find_element(by().CSS_SELECTOR, "ol.questions .cell-title")
        assert len(title.text) > 40, title.text
        # the list itself: a phone browser zooms out to fit a wide page, so
        # the page width alone would not show it
        width, inner = driver.execute_script(
            "var l = document.querySelector('ol.questions'); return [l.scrollWidth, l.clientWidth]")
        driver.save_screenshot(os.path.join(ARTIFACTS, "qa-survey-phone.png"))
        assert width <= inner + 1, "questions wider than their card: %d > %d" % (width, inner)
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
    finally:
        set_viewport(driver, "desktop")


def test_invitation_list_fits_a_desktop(driver, walk_server):
    B = by()
    page = "/surveys/1/invitations"
    set_viewport(driver, "desktop")
    open_page(driver, walk_server, page)
    if not driver.find_elements(B.CSS_SELECTOR, "#invitations"):
        driver.find_element(B.CSS_SELECTOR,
                            "form[action='%s'] button[type=submit]" % page).click()
        wait_for(lambda: loaded(driver) and driver.find_elements(B.CSS_SELECTOR, "#invitations"),
                 "the invitations to be queued")
    width, inner = driver.execute_script(
        "var t = document.getElementById('invitations');"
        "return [t.scrollWidth, t.parentElement.clientWidth]")
    assert width <= inner + 1, "invitation list cut off on a desktop: %d > %d" % (width, inner)
    assert "@" in driver.find_element(B.CSS_SELECTOR, "#invitations tbody td").text


@pytest.mark.parametrize("path", ["/cases", "/journey", "/initiatives", "/settings/apikeys",
                                  "/feedback?q=xyzzyqq", "/surveys/1/invitations"])
def test_headings_never_skip_a_level(driver, walk_server, path):
    set_viewport(driver, "desktop")
    open_page(driver, walk_server, path)
    levels = driver.execute_script(
        "return Array.from(document.querySelectorAll('main h1, main h2, main h3, main h4'))"
        ".map(h => +h.tagName[1])")
    assert levels and levels[0] == 1, levels
    for a, b in zip(levels, levels[1:]):
        assert b <= a + 1, "%s: h%d follows h%d (%r)" % (path, b, a, levels)
    box = driver.find_elements(by().CSS_SELECTOR, ".empty-state h2")
    if box:  # the empty state's title still looks like one
        size = driver.execute_script("return parseFloat(getComputedStyle(arguments[0]).fontSize)",
                                     box[0])
        assert 16 <= size <= 22, size


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_page_buttons_stand_apart_from_each_other_and_the_table(driver, walk_server, viewport):
    open_page(driver, walk_server, "/surveys")
    try:
        set_viewport(driver, viewport)
        gaps = driver.execute_script(
            "var p = document.querySelector('main .page-actions');"
            "var b = p.querySelectorAll('.button'); var next = p.nextElementSibling;"
            "var r0 = b[0].getBoundingClientRect(), r1 = b[1].getBoundingClientRect();"
            "var apart = r1.top >= r0.bottom ? r1.top - r0.bottom : r1.left - r0.right;"
            "return [b.length, apart, next.getBoundingClientRect().top - p.getBoundingClientRect().bottom]")
        assert gaps[0] == 2, gaps
        assert gaps[1] >= 6, "the two buttons touch: %r" % gaps
        assert gaps[2] >= 12, "the buttons sit on the table: %r" % gaps
    finally:
        set_viewport(driver, "desktop")


def test_explore_filter_labels_start_with_a_capital(driver, walk_server):
    set_viewport(driver, "desktop")
    open_page(driver, walk_server, "/explore")
    # the words come lower-case from the catalogue (they serve running text
    # too); the stylesheet capitalises their first letter as labels
    got = driver.execute_script(
        "return Array.from(document.querySelectorAll('form .field > label'))"
        ".filter(l => l.offsetParent !== null)"
        ".map(l => [l.textContent, getComputedStyle(l, '::first-letter').textTransform])")
    lower = [t for t, transform in got if t[:1] != t[:1].upper() and transform != "uppercase"]
    assert any(t == "punkt styku" for t, _ in got), got
    assert not lower, "labels starting in lower case: %r" % lower
    driver.save_screenshot(os.path.join(ARTIFACTS, "qa-explore-labels.png"))


def test_a_read_only_form_does_not_look_editable(driver, walk_server):
    set_viewport(driver, "desktop")
    open_page(driver, walk_server, "/surveys/1")
    enabled = driver.execute_script(
        "var e = document.querySelector('main input[name=name]');"
        "return [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderStyle]")
    # the same field as a disabled control, as a viewer gets it
    disabled = driver.execute_script(
        "var e = document.querySelector('main input[name=name]'); e.disabled = true;"
        "var s = [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderStyle];"
        "e.disabled = false; return s")
    assert disabled != enabled, (enabled, disabled)
    assert disabled[1] == "dashed", disabled


def test_feedback_filters_share_rows_on_a_phone(driver, walk_server):
    open_page(driver, walk_server, "/feedback")
    try:
        set_viewport(driver, "phone")
        got = driver.execute_script(
            "var f = Array.from(document.querySelectorAll('.fb-form .explore-row > .field'));"
            "var tops = f.map(e => Math.round(e.getBoundingClientRect().top));"
            "return [f.length, new Set(tops).size]")
        assert got[0] >= 8, got
        assert got[1] <= (got[0] + 1) // 2, "one filter a row on a phone: %r" % got
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
    finally:
        set_viewport(driver, "desktop")
