"""conftest.py — fixtures of the black-box tests (tests/http).

What it is for: every test gets the binary under test ($CXLOOP_BIN, else
./cxloop; `make http` runs the suite once with each build), a database
made by `cxloop init --admin-password-stdin`, and when it asks for one a
running `cxloop serve` on a free port, stopped with SIGTERM afterwards with
its exit status and sanitizer output checked.

What it relies on: harness.py (the process and HTTP helpers) and pytest's
tmp_path. What it must never do: share a server between tests that change
sign-in state (failures count per address, and every test comes from
127.0.0.1), or let a test pass when the binary is missing.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import harness  # noqa: E402


def pytest_sessionstart(session):
    path = harness.binary()
    if not os.access(path, os.X_OK):
        raise pytest.UsageError("cxloop: no binary at %s; build it with make (or set CXLOOP_BIN)"
                                % path)


def pytest_report_header(config):
    return "cxloop binary: %s" % harness.binary()


def pytest_sessionfinish(session, exitstatus):
    harness.skip_check_under_ci(session)


@pytest.fixture
def db(tmp_path):
    """A fresh database with user admin / harness.ADMIN_PASSWORD."""
    return harness.init_db(str(tmp_path / "cx.db"))


@pytest.fixture
def server(db, tmp_path):
    """A running server on a fresh database; stopped (and checked) after."""
    srv = harness.Server(db, tmp_path).start()
    yield srv
    srv.stop()


@pytest.fixture
def start_server(tmp_path):
    """Factory for servers with extra options: start_server(args=[...],
    db=PATH). Every server it starts is stopped and checked afterwards."""
    started = []

    def start(args=(), db=None, env=None):
        path = db or harness.init_db(str(tmp_path / ("cx-%d.db" % len(started))))
        srv = harness.Server(path, tmp_path, args=args, env=env).start()
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.stop()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    """One server per module for tests that only read, or that write
    nothing the other tests of the module look at. Never for sign-in
    failures."""
    d = tmp_path_factory.mktemp("shared")
    path = harness.init_db(str(d / "cx.db"))
    srv = harness.Server(path, d).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def shared_admin(shared_server):
    """A signed-in admin client of shared_server."""
    return shared_server.admin()
