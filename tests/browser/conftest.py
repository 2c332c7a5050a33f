"""conftest.py — fixtures of the browser tests (tests/browser).

What it is for: a running `cxloop serve` on a fresh database (the same
harness as the HTTP tests) and one headless Chromium driven by Selenium,
signed in through the real login form.

What it relies on: Debian's chromium and chromium-driver (/usr/bin/chromium,
/usr/bin/chromedriver) and python3-selenium. Without them the tests are
skipped with the reason; under CXLOOP_CI=1 a skip fails the run, so CI
cannot go green without a browser.

What it must never do: reuse the user's browser profile, reach the network
beyond the test server, or leave a browser process behind.
"""

import os
import shutil
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "http"))

import harness  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = os.path.join(harness.REPO, "tests", "artifacts", "browser")


def pytest_sessionstart(session):
    path = harness.binary()
    if not os.access(path, os.X_OK):
        raise pytest.UsageError("cxloop: no binary at %s; build it with make (or set CXLOOP_BIN)"
                                % path)


def pytest_sessionfinish(session, exitstatus):
    harness.skip_check_under_ci(session)


def _missing_browser():
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            return "%s is not installed (Debian packages chromium and chromium-driver)" % path
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "python3-selenium is not installed"
    return None


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    d = tmp_path_factory.mktemp("browser")
    db = harness.init_db(str(d / "cx.db"))
    srv = harness.Server(db, d).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def driver():
    reason = _missing_browser()
    if reason:
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="cxloop-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage", "--disable-extensions", "--window-size=1280,900",
                 "--user-data-dir=" + profile):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    drv.set_page_load_timeout(30)
    os.makedirs(ARTIFACTS, exist_ok=True)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)
