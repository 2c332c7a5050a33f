"""The public survey page and the website widget in headless Chromium.

What it is for: a respondent answering /s/SLUG with the keyboard alone
(the page has no script at all), the wording of the second page following
the score, a visible focus ring, no sideways scrolling on a phone; and the
widget loaded by a page of another local origin, answered through it, and
staying away from an origin the survey does not list. Screenshots of every
step go to tests/artifacts/browser/.

What it relies on: the session server and browser of conftest.py, the CLI
to create surveys, Python's sqlite3 for the survey fields the CLI does not
set yet (logic, origins), and python3 -m http.server for the other origin.

What it must never do: leave the helper web server running.
"""
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "http"))

import harness  # noqa: E402
from test_overview_charts import (ARTIFACTS, by, console_errors, set_viewport,  # noqa: E402
                                  wait_for)

LOGIC = {"label_by_group": {
    "detractor": {"en": "What went wrong?"},
    "passive": {"en": "What was missing for a 10?"},
    "promoter": {"en": "What did you like most?"},
}}


def sql(srv, statement, args=()):
    con = sqlite3.connect(srv.db, timeout=30)
    try:
        rows = con.execute(statement, args).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def make_survey(srv, name):
    sid = int(harness.run_ok(["survey", "create", "--db", srv.db, "--kind", "nps", "--name", name,
                              "--lang", "en,pl,ro"]).stdout.strip())
    sql(srv, "UPDATE questions SET logic = ? WHERE survey_id = ? AND key = 'komentarz'",
        (json.dumps(LOGIC), sid))
    return sid, sql(srv, "SELECT slug FROM surveys WHERE id = ?", (sid,))[0][0]


def shot(driver, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    driver.save_screenshot(os.path.join(ARTIFACTS, "public-survey-%s.png" % name))


def active(driver):
    return driver.switch_to.active_element


def test_keyboard_only_and_no_script(driver, server):
    from selenium.webdriver.common.keys import Keys
    B = by()
    sid, slug = make_survey(server, "Keyboard survey")
    console_errors(driver)
    for name in ("phone", "desktop"):
        set_viewport(driver, name)
        driver.get(server.url("/s/%s?lang=en" % slug))
        wait_for(lambda: driver.find_elements(B.CSS_SELECTOR, "fieldset legend"), "the page")
        shot(driver, "page1-%s" % name)
        width = driver.execute_script("return document.documentElement.scrollWidth")
        inner = driver.execute_script("return window.innerWidth")
        assert width <= inner + 1, "no sideways scrolling (%s)" % name
    assert not driver.find_elements(B.TAG_NAME, "script"), "works without JavaScript"

    # Tab from the top: the language links, then the scale's radio group
    driver.find_element(B.TAG_NAME, "body").click()
    for _ in range(8):
        active(driver).send_keys(Keys.TAB)
        if active(driver).get_attribute("type") == "radio":
            break
    radio = active(driver)
    assert radio.get_attribute("name") == "q_nps"
    ring = driver.execute_script(
        "return getComputedStyle(arguments[0].nextElementSibling).boxShadow", radio)
    assert ring and ring != "none", "a visible focus ring on the focused option"
    radio.send_keys(Keys.SPACE)
    for _ in range(9):
        active(driver).send_keys(Keys.ARROW_RIGHT)
    assert active(driver).get_attribute("value") == "9" and active(driver).is_selected()
    # the picked option is filled with the brand colour (white text on it)
    wait_for(lambda: driver.execute_script(
        "return getComputedStyle(arguments[0].nextElementSibling).backgroundColor",
        active(driver)) == "rgb(11, 114, 133)", "the picked option to be filled")
    shot(driver, "page1-keyboard")
    active(driver).send_keys(Keys.TAB)  # the honeypot is out of the tab order
    assert active(driver).tag_name == "button"
    active(driver).send_keys(Keys.ENTER)
    wait_for(lambda: driver.find_elements(B.TAG_NAME, "textarea"), "the second page")
    label = driver.find_element(B.CSS_SELECTOR, "label[for^=f-]").text
    assert "What did you like most?" in label
    assert sql(server, "SELECT completed, score FROM responses WHERE survey_id = ?", (sid,)) == \
        [(0, 9)], "the first answer is saved before the second page"
    driver.find_element(B.TAG_NAME, "body").click()
    for _ in range(4):
        active(driver).send_keys(Keys.TAB)
        if active(driver).tag_name == "textarea":
            break
    active(driver).send_keys("Fast and friendly")
    shot(driver, "page2")
    active(driver).send_keys(Keys.TAB)
    active(driver).send_keys(Keys.ENTER)
    wait_for(lambda: "Thank you" in driver.find_element(B.TAG_NAME, "h1").text, "thanks")
    shot(driver, "thanks")
    assert sql(server, "SELECT completed, comment FROM responses WHERE survey_id = ?", (sid,)) == \
        [(1, "Fast and friendly")]
    assert not console_errors(driver), "no CSP violations"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def other_origin(tmp_path):
    """A static site on another local origin (another port): index.html
    loads the widget for the survey named in ?s= ... written per test."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                             "127.0.0.1", "--directory", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield tmp_path, "http://127.0.0.1:%d" % port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def site_page(directory, name, server, slug):
    with open(os.path.join(str(directory), name), "w", encoding="utf-8") as f:
        f.write("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<title>Shop</title></head><body><h1>A shop</h1><p>Products.</p>"
                "<script src=\"%s/widget.js\" data-survey=\"%s\" async></script>"
                "</body></html>" % (server.base, slug))


def test_widget_on_another_origin(driver, server, other_origin):
    B = by()
    directory, origin = other_origin
    sid, slug = make_survey(server, "Widget survey")
    sql(server, "UPDATE surveys SET allowed_origins = ? WHERE id = ?", (origin, sid))
    site_page(directory, "index.html", server, slug)
    set_viewport(driver, "desktop")
    driver.get(origin + "/index.html")
    wait_for(lambda: driver.find_elements(B.CSS_SELECTOR, "[data-cxloop-widget]"), "the widget")
    host = driver.find_element(B.CSS_SELECTOR, "[data-cxloop-widget]")
    root = host.shadow_root
    wait_for(lambda: len(root.find_elements(B.CSS_SELECTOR, "button.n")) == 11, "the scale")
    assert "recommend" in root.find_element(B.CSS_SELECTOR, "h2").text
    close = root.find_element(B.CSS_SELECTOR, "button.x")
    assert close.get_attribute("aria-label") == "Close"
    shot(driver, "widget-score")
    root.find_elements(B.CSS_SELECTOR, "button.n")[3].click()
    wait_for(lambda: root.find_elements(B.CSS_SELECTOR, "textarea"), "the comment box")
    assert root.find_element(B.CSS_SELECTOR, "label").text == "What went wrong?"
    area = root.find_element(B.CSS_SELECTOR, "textarea")
    area.send_keys("The delivery was late")
    shot(driver, "widget-comment")
    root.find_element(B.CSS_SELECTOR, "button.send").click()
    wait_for(lambda: root.find_elements(B.CSS_SELECTOR, "p.msg"), "the thanks")
    shot(driver, "widget-thanks")
    rows = sql(server, "SELECT completed, score, comment, channel FROM responses"
                       " WHERE survey_id = ?", (sid,))
    assert rows == [(1, 3, "The delivery was late", "widget")]

    # an origin the survey does not list: nothing is shown, nothing stored
    sid2, slug2 = make_survey(server, "Widget elsewhere")
    sql(server, "UPDATE surveys SET allowed_origins = 'https://shop.example' WHERE id = ?",
        (sid2,))
    site_page(directory, "other.html", server, slug2)
    driver.get(origin + "/other.html")
    time.sleep(1.5)
    assert not driver.find_elements(B.CSS_SELECTOR, "[data-cxloop-widget]")
    shot(driver, "widget-refused")
    assert sql(server, "SELECT count(*) FROM responses WHERE survey_id = ?", (sid2,)) == [(0,)]


def test_title_and_intro_on_a_phone(driver, server):
    """The respondent's title and introduction, a long Romanian one on a
    phone: readable, under the language links, no sideways scrolling."""
    B = by()
    sid, slug = make_survey(server, "Internal name, never shown")
    sql(server, "UPDATE surveys SET title = ?, intro = ? WHERE id = ?",
        (json.dumps({"en": "How was your visit to our shop?",
                     "ro": "Cum a fost vizita ta în magazinul nostru din centrul orașului?"}),
         json.dumps({"en": "Two short questions.",
                     "ro": "Două întrebări scurte despre vizita de astăzi. Răspunsurile "
                           "tale ne ajută să îmbunătățim magazinul."}), sid))
    for lang, name in (("en", "desktop"), ("ro", "phone")):
        set_viewport(driver, name)
        driver.get(server.url("/s/%s?lang=%s" % (slug, lang)))
        wait_for(lambda: driver.find_elements(B.CSS_SELECTOR, "p.ps-intro"), "the introduction")
        shot(driver, "title-%s-%s" % (lang, name))
        h1 = driver.find_element(B.TAG_NAME, "h1").text
        assert h1.startswith("How was" if lang == "en" else "Cum a fost"), h1
        assert driver.title == h1
        assert "Internal name" not in driver.page_source
        intro = driver.find_element(B.CSS_SELECTOR, "p.ps-intro")
        assert intro.is_displayed() and intro.text.startswith(("Two", "Două"))
        width = driver.execute_script("return document.documentElement.scrollWidth")
        inner = driver.execute_script("return window.innerWidth")
        assert width <= inner + 1, "no sideways scrolling (%s)" % name
