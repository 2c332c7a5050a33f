"""test_auth.py — signing in and out, CSRF, throttling, roles, API keys,
the settings area's user and key management, the account page and the
audit trail they leave, checked against the HTTP contract from outside.

Every test that fails a sign-in gets its own server: failures count per
address and all tests come from 127.0.0.1.
"""

import re
import time
import urllib.parse

import pytest

import harness
from harness import ADMIN_PASSWORD, USER_PASSWORD, API_KEY_RE, api_error, parse

INVALID = "Invalid user name or password"
EXPIRED = "The form expired; reload the page and try again"


def audit_actions(server):
    return [(e["actor"], e["action"], e["target"]) for e in server.api().audit(limit=200)]


def assert_signed_out(client, path="/"):
    r = client.get(path)
    assert r.status_code == 303, "GET %s: %d, wanted a redirect to /login" % (path, r.status_code)
    loc, query, _ = harness.location_path(r)
    assert loc == "/login"
    return r


# ---- the login form -----------------------------------------------------

def test_login_form_and_csrf_cookie(server):
    c = server.client()
    r = c.get("/login")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    page = parse(r.text)
    forms = [f for f in page.forms if f["action"] == "/login"]
    assert len(forms) == 1
    form = forms[0]
    assert form["method"] == "post"
    assert {"username", "password", "csrf_token"} <= set(form["inputs"])
    cookie = harness.cookie_attrs(r, "cx_csrf")
    assert cookie, "GET /login must set cx_csrf"
    assert cookie["value"] == form["inputs"]["csrf_token"] and len(cookie["value"]) >= 16
    assert cookie.get("httponly") is True
    assert str(cookie.get("samesite", "")).lower() == "lax"
    assert cookie.get("path") == "/"
    assert "secure" not in cookie, "plain HTTP without a trusted proxy: no Secure flag"
    # A second visit keeps the same cookie (not reset when present).
    r2 = c.get("/login")
    assert harness.cookie_attrs(r2, "cx_csrf") is None or \
        harness.cookie_attrs(r2, "cx_csrf")["value"] == cookie["value"]
    assert harness.csrf_from(r2.text) == cookie["value"]
    assert page.h1, "the login page has a heading"
    # The language switch is on the login page too.
    hrefs = [u for _, attr, u in page.links if "lang=" in u]
    langs = {urllib.parse.parse_qs(urllib.parse.urlsplit(u).query).get("lang", [""])[0] for u in hrefs}
    assert {"pl", "en", "ro"} <= langs, "language switch missing on /login: %s" % hrefs


def test_login_success_sets_a_session_cookie(server):
    c = server.client()
    r = c.login("admin", ADMIN_PASSWORD)
    loc, _, _ = harness.location_path(r)
    assert loc == "/"
    cookie = harness.cookie_attrs(r, "cx_session")
    assert cookie and len(cookie["value"]) >= 20
    assert cookie.get("httponly") is True
    assert str(cookie.get("samesite", "")).lower() == "lax"
    assert cookie.get("path") == "/"
    assert "secure" not in cookie
    assert ADMIN_PASSWORD not in r.text
    home = c.get("/")
    assert home.status_code == 200
    assert "admin" in home.text
    assert any(a == "login" and actor == "admin" for actor, a, _ in audit_actions(server))


def test_session_cookie_changes_at_sign_in(server):
    """No session fixation: a cookie planted before sign-in is not adopted."""
    c = server.client()
    c.s.cookies.set("cx_session", "planted-by-attacker-0123456789", domain="127.0.0.1", path="/")
    r = c.login("admin", ADMIN_PASSWORD)
    cookie = harness.cookie_attrs(r, "cx_session")
    assert cookie and cookie["value"] != "planted-by-attacker-0123456789"


def test_wrong_password_and_unknown_user_look_the_same(server):
    c = server.client()
    r1 = c.login("admin", "wrong-password-123", expect=401)
    r2 = c.login("no-such-user", "wrong-password-123", expect=401)
    for r in (r1, r2):
        assert r.headers["Content-Type"].startswith("text/html")
        assert INVALID in parse(r.text).all_text
        assert harness.cookie_attrs(r, "cx_session") is None
        # The form comes back, ready for another try.
        assert any(f["action"] == "/login" for f in parse(r.text).forms)
    assert_signed_out(c)
    entries = server.api().audit()
    failed = [e for e in entries if e["action"] == "login_failed"]
    assert len(failed) == 2, entries
    named = " ".join(e["actor"] + " " + e["target"] for e in failed)
    assert "admin" in named and "no-such-user" in named, failed
    assert "wrong-password-123" not in str(entries), "a password must never reach the audit log"


def test_unknown_user_costs_as_much_as_a_wrong_password(server):
    """Same timing: an unknown name must still pay for a password hash,
    or response times tell which names exist."""
    c = server.client()
    _, form = c.login_form()

    def attempt(name):
        data = dict(form["inputs"], username=name, password="wrong-password-123")
        t = time.monotonic()
        r = c.post("/login", data)
        assert r.status_code == 401
        return time.monotonic() - t

    attempt("admin")  # warm up
    known = min(attempt("admin") for _ in range(2))
    unknown = min(attempt("ghost-%d" % i) for i in range(3))
    assert unknown >= 0.4 * known, "unknown user %.3fs vs wrong password %.3fs" % (unknown, known)


def test_login_next_goes_to_a_local_path(server):
    c = server.client()
    r = c.login("admin", ADMIN_PASSWORD, next_path="/settings/users")
    assert harness.location_path(r)[0] == "/settings/users"
    assert not harness.location_path(r)[2].netloc


@pytest.mark.parametrize("target", ["//evil.example", "//evil.example/x", "https://evil.example/",
                                    "http:evil.example", "/\\evil.example", "\\\\evil.example",
                                    "javascript:alert(1)", "evil", "/%2F%2Fevil.example"])
def test_login_next_refuses_other_sites(server, target):
    c = server.client()
    r = c.login("admin", ADMIN_PASSWORD, next_path=target)
    loc = r.headers["Location"]
    u = urllib.parse.urlsplit(loc)
    assert not u.netloc and not u.scheme, "redirect off-site to %r" % loc
    assert loc.startswith("/") and not loc.startswith("//") and not loc.startswith("/\\"), loc
    if not target.startswith("/%2F"):
        assert loc == "/", "%r -> %r" % (target, loc)


def test_next_is_escaped_in_the_login_form(server):
    evil = '/x"><script>alert(1)</script>'
    r = server.client().get("/login?" + urllib.parse.urlencode({"next": evil}))
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.text


def test_pages_redirect_to_login_with_next(server):
    c = server.client()
    for path in ["/", "/explore", "/journey", "/feedback", "/cases", "/initiatives", "/surveys",
                 "/customers", "/settings", "/settings/users", "/settings/apikeys",
                 "/settings/audit", "/account"]:
        r = c.get(path)
        assert r.status_code == 303, "GET %s signed out: %d" % (path, r.status_code)
        loc, query, u = harness.location_path(r)
        assert loc == "/login" and not u.netloc, r.headers["Location"]
        # For / itself the next parameter is redundant: / is where a
        # sign-in goes anyway.
        wanted = [[path]] + ([None] if path == "/" else [])
        assert query.get("next") in wanted, "%s -> %s" % (path, r.headers["Location"])


def test_an_invalid_session_cookie_is_signed_out(server):
    c = server.client()
    c.s.cookies.set("cx_session", "x" * 43, domain="127.0.0.1", path="/")
    assert_signed_out(c)
    c.s.cookies.set("cx_session", "", domain="127.0.0.1", path="/")
    assert_signed_out(c)


# ---- CSRF ---------------------------------------------------------------

def test_login_without_or_with_a_wrong_csrf_token_is_refused(server):
    c = server.client()
    _, form = c.login_form()
    base = dict(form["inputs"], username="admin", password=ADMIN_PASSWORD)
    missing = {k: v for k, v in base.items() if k != "csrf_token"}
    for data in (missing, dict(base, csrf_token="forged-token-0123456789"),
                 dict(base, csrf_token="")):
        r = c.post("/login", data)
        assert r.status_code == 403, r.status_code
        assert r.headers["Content-Type"].startswith("text/html")
        assert EXPIRED in parse(r.text).all_text
        assert harness.cookie_attrs(r, "cx_session") is None
    # No cx_csrf cookie at all, even with a token in the form.
    fresh = server.client()
    r = fresh.post("/login", base)
    assert r.status_code == 403
    assert harness.cookie_attrs(r, "cx_session") is None
    assert_signed_out(c)


def add_user_form(client):
    return client.form("/settings/users", "/settings/users")


def test_settings_form_without_csrf_changes_nothing(server):
    admin = server.admin()
    form = harness.fill(add_user_form(admin), name="mallory", display_name="M",
                        email="m@example.com", role="admin", password=USER_PASSWORD)
    assert form.get("csrf_token")
    for token in (None, "", "forged-token-0123456789", admin.cookie("cx_csrf")):
        data = dict(form)
        del data["csrf_token"]
        if token is not None:
            data["csrf_token"] = token
        r = admin.post("/settings/users", data)
        assert r.status_code == 403, "token %r: %d" % (token, r.status_code)
        assert EXPIRED in parse(r.text).all_text
    assert "mallory" not in server.users()
    assert "mallory" not in admin.get("/settings/users").text


def test_a_token_of_another_session_is_refused(server):
    a = server.admin()
    b = server.admin()
    tok_b = b.token("/settings/users")
    data = harness.fill(add_user_form(a), name="crossed", role="viewer", password=USER_PASSWORD)
    assert data["csrf_token"] != tok_b, "two sessions share a CSRF token"
    data["csrf_token"] = tok_b
    r = a.post("/settings/users", data)
    assert r.status_code == 403
    assert "crossed" not in server.users()


# ---- logout -------------------------------------------------------------

def test_logout_revokes_the_session(server):
    c = server.admin()
    old = c.cookie("cx_session")
    r = c.logout()
    assert r.status_code == 303
    assert harness.location_path(r)[0] == "/login"
    # The old cookie no longer works, even when replayed.
    replay = server.client()
    replay.s.cookies.set("cx_session", old, domain="127.0.0.1", path="/")
    assert_signed_out(replay)
    assert any(actor == "admin" and a == "logout" for actor, a, _ in audit_actions(server))


def test_logout_needs_the_csrf_token(server):
    c = server.admin()
    r = c.post("/logout", {})
    assert r.status_code == 403
    assert c.get("/").status_code == 200, "a refused logout must leave the session alone"


# ---- proxies and Secure cookies ---------------------------------------

def test_secure_cookies_behind_a_trusted_tls_proxy(start_server):
    srv = start_server(args=["--trust-proxy"])
    c = srv.client()
    c.s.headers["X-Forwarded-Proto"] = "https"
    c.s.headers["X-Forwarded-For"] = "203.0.113.7"
    r = c.get("/login")
    assert harness.cookie_attrs(r, "cx_csrf").get("secure") is True
    # requests will not send Secure cookies over http: hand them over.
    tok = harness.csrf_from(r.text)
    r = c.post("/login", {"username": "admin", "password": ADMIN_PASSWORD, "csrf_token": tok},
               headers={"Cookie": "cx_csrf=" + tok})
    assert r.status_code == 303, r.status_code
    assert harness.cookie_attrs(r, "cx_session").get("secure") is True
    logins = [e for e in srv.api().audit() if e["action"] == "login"]
    assert logins and logins[0]["address"] == "203.0.113.7", logins


def test_trusted_proxy_address_is_the_last_hop(start_server):
    """The proxy appends the address it saw; earlier entries come from the
    client and must not decide throttling or the audit trail."""
    srv = start_server(args=["--trust-proxy"])
    c = srv.client()
    c.s.headers["X-Forwarded-For"] = "198.51.100.1, 203.0.113.9"
    c.login("admin", ADMIN_PASSWORD)
    logins = [e for e in srv.api().audit() if e["action"] == "login"]
    assert logins[0]["address"] == "203.0.113.9", logins
    for i in range(20):
        spoofer = srv.client()
        spoofer.s.headers["X-Forwarded-For"] = "10.0.0.%d, 203.0.113.9" % i
        spoofer.login("nobody-%d" % (i // 4), "wrong-password-123", expect=401)
    same = srv.client()
    same.s.headers["X-Forwarded-For"] = "203.0.113.9"
    same.login("admin", ADMIN_PASSWORD, expect=429)


def test_forwarded_headers_are_ignored_without_trust_proxy(server):
    c = server.client()
    c.s.headers["X-Forwarded-Proto"] = "https"
    c.s.headers["X-Forwarded-For"] = "203.0.113.7"
    r = c.get("/login")
    assert "secure" not in harness.cookie_attrs(r, "cx_csrf")
    r = c.login("admin", ADMIN_PASSWORD)
    assert "secure" not in harness.cookie_attrs(r, "cx_session")
    logins = [e for e in server.api().audit() if e["action"] == "login"]
    assert logins and logins[0]["address"] == "127.0.0.1", logins


# ---- throttling ---------------------------------------------------------

def test_account_throttling_after_five_failures(server):
    c = server.client()
    for _ in range(5):
        c.login("admin", "wrong-password-123", expect=401)
    r = c.login("admin", ADMIN_PASSWORD, expect=429)
    retry = r.headers.get("Retry-After")
    assert retry and retry.isdigit() and 0 < int(retry) <= 15 * 60, retry
    assert harness.cookie_attrs(r, "cx_session") is None
    assert r.headers["Content-Type"].startswith("text/html")
    assert parse(r.text).all_text, "the 429 page explains itself"
    assert_signed_out(c)
    # Another account from the same address is not locked out.
    server.add_user("vera", "viewer")
    server.client().login("vera", USER_PASSWORD)
    assert any(a == "login_throttled" for _, a, _ in audit_actions(server))


def test_address_throttling_after_twenty_failures(server):
    c = server.client()
    for i in range(20):
        c.login("nobody-%d" % (i // 4), "wrong-password-123", expect=401)
    r = c.login("admin", ADMIN_PASSWORD, expect=429)
    assert r.headers.get("Retry-After", "").isdigit()


def test_success_clears_the_account_failures(server):
    c = server.client()
    for _ in range(4):
        c.login("admin", "wrong-password-123", expect=401)
    server.client().login("admin", ADMIN_PASSWORD)
    for _ in range(4):
        c.login("admin", "wrong-password-123", expect=401)
    server.client().login("admin", ADMIN_PASSWORD)


# ---- disabled users -----------------------------------------------------

def test_disabled_user_is_signed_out_and_cannot_sign_in(server):
    server.add_user("dave", "manager")
    dave = server.client()
    dave.login("dave", USER_PASSWORD)
    assert dave.get("/").status_code == 200
    admin = server.admin()
    r = admin.submit("/settings/users", "/settings/users/dave/disable")
    assert r.status_code in (200, 303), r.status_code
    assert server.users()["dave"]["disabled"] is True
    assert_signed_out(dave)
    r = server.client().login("dave", USER_PASSWORD, expect=None)
    assert r.status_code in (401, 403), r.status_code
    assert harness.cookie_attrs(r, "cx_session") is None
    assert any(a == "user_disabled" and t == "dave" and actor == "admin"
               for actor, a, t in audit_actions(server))
    r = admin.submit("/settings/users", "/settings/users/dave/enable")
    assert r.status_code in (200, 303)
    assert server.users()["dave"]["disabled"] is False
    server.client().login("dave", USER_PASSWORD)
    assert any(a == "user_enabled" and t == "dave" for _, a, t in audit_actions(server))


def test_admin_cannot_disable_themself(server):
    admin = server.admin()
    r = admin.submit("/settings/users", "/settings/users/admin/disable")
    assert 400 <= r.status_code < 500, r.status_code
    assert server.users()["admin"]["disabled"] is False
    assert admin.get("/").status_code == 200


def test_disable_unknown_user_is_404(server):
    admin = server.admin()
    r = admin.submit("/settings/users", "/settings/users/nobody/disable")
    assert r.status_code == 404


# ---- roles --------------------------------------------------------------

def test_viewer_is_refused_the_settings_area(server):
    server.add_user("vic", "viewer")
    vic = server.client()
    vic.login("vic", USER_PASSWORD)
    assert vic.get("/").status_code == 200
    for path in ["/settings", "/settings/users", "/settings/apikeys", "/settings/audit"]:
        r = vic.get(path)
        assert r.status_code == 403, "%s: %d" % (path, r.status_code)
        assert r.headers["Content-Type"].startswith("text/html")
        assert parse(r.text).h1, "a friendly 403 page has a heading"
    tok = vic.token("/")
    r = vic.post("/settings/users", {"csrf_token": tok, "name": "sneaky", "username": "sneaky",
                                     "role": "admin", "password": USER_PASSWORD,
                                     "display_name": "", "email": ""})
    assert r.status_code == 403
    r = vic.post("/settings/apikeys", {"csrf_token": tok, "name": "sneaky", "role": "admin"})
    assert r.status_code == 403
    assert API_KEY_RE.search(r.text) is None
    r = vic.post("/settings/users/admin/disable", {"csrf_token": tok})
    assert r.status_code == 403
    assert "sneaky" not in server.users()
    assert server.users()["admin"]["disabled"] is False


def test_viewer_key_is_refused_admin_and_write_api(server):
    api = server.api(role="viewer")
    api_error(api.get("/api/v1/audit"), 403, "forbidden")
    api_error(api.post("/api/v1/feedback", {"source": "ticket", "text": "x"}), 403, "forbidden")
    # What a viewer may do, it can.
    item = server.api(role="manager").post("/api/v1/feedback", {"source": "ticket", "text": "y"})
    assert item.status_code == 201
    assert api.get("/api/v1/feedback/%d" % item.json()["id"]).status_code == 200


def test_manager_key_cannot_read_the_audit_log(server):
    api_error(server.api(role="manager").get("/api/v1/audit"), 403, "forbidden")


# ---- API keys -----------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_api_me(server, role):
    r = server.api(role=role).get("/api/v1/me")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"name": "test-%s" % role, "role": role, "kind": "api_key"}


def _assert_unauthorized(r):
    api_error(r, 401, "unauthorized")
    assert r.headers.get("WWW-Authenticate", "").startswith("Bearer"), r.headers


def test_api_refuses_missing_malformed_and_wrong_keys(server):
    good = server.key("admin")
    prefix, secret = good[:11], good[12:]
    flipped = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    api = harness.Api(server, None)
    _assert_unauthorized(api.get("/api/v1/me"))
    for header in ["Bearer", "Bearer ", "Basic YWRtaW46eA==", "Bearer cx_short",
                   "Bearer " + good + "x", "bearer-" + good, "Bearer " + prefix + "_" + flipped,
                   "Bearer cx_zzzzzzzz_" + secret, "Bearer " + good[:-1],
                   "Bearer " + good + " " + good]:
        r = api.get("/api/v1/me", headers={"Authorization": header})
        _assert_unauthorized(r)
    assert harness.Api(server, good).get("/api/v1/me").status_code == 200


def test_api_refuses_a_revoked_key(server):
    api = server.api(role="viewer")
    assert api.get("/api/v1/me").status_code == 200
    harness.run_ok(["apikey", "revoke", "--db", server.db, "--name", "test-viewer"])
    _assert_unauthorized(api.get("/api/v1/me"))


def test_api_does_not_accept_a_browser_session(server):
    admin = server.admin()
    r = admin.get("/api/v1/me")
    _assert_unauthorized(r)
    r = admin.request("POST", "/api/v1/feedback", json={"source": "ticket", "text": "csrf?"})
    _assert_unauthorized(r)


def test_api_key_is_not_a_browser_session(server):
    c = server.client()
    c.s.headers["Authorization"] = "Bearer " + server.key("admin")
    assert_signed_out(c, "/settings/users")


# ---- the settings area --------------------------------------------------

def test_settings_pages_for_an_admin(server):
    admin = server.admin()
    for path in ["/settings", "/settings/users", "/settings/apikeys", "/settings/audit"]:
        r = admin.get(path)
        assert r.status_code == 200, "%s: %d" % (path, r.status_code)
        assert parse(r.text).h1
    server.add_user("lisa", "agent")
    page = parse(admin.get("/settings/users").text)
    add = [f for f in page.forms if f["action"] == "/settings/users"]
    assert add and add[0]["method"] == "post"
    for meaning in ("name", "display_name", "email", "role", "password"):
        harness._field_for(add[0], meaning)
    assert set(add[0]["options"][harness._field_for(add[0], "role")]) == \
        {"admin", "manager", "analyst", "agent", "viewer"}
    actions = {f["action"]: f for f in page.forms}
    for action in ("/settings/users/lisa/password", "/settings/users/lisa/disable"):
        assert action in actions and actions[action]["method"] == "post", sorted(actions)
        assert actions[action]["inputs"].get("csrf_token")
    keys = parse(admin.get("/settings/apikeys").text)
    create = [f for f in keys.forms if f["action"] == "/settings/apikeys"]
    assert create and create[0]["method"] == "post"
    harness._field_for(create[0], "name")
    harness._field_for(create[0], "role")


def test_admin_adds_a_user_who_can_sign_in(server):
    admin = server.admin()
    r = admin.fill_and_post("/settings/users", "/settings/users", name="nina",
                            display_name="Nina Zając", email="nina@example.com",
                            role="analyst", password=USER_PASSWORD)
    assert r.status_code in (200, 303), r.status_code
    u = server.users()["nina"]
    assert u["role"] == "analyst" and u["display_name"] == "Nina Zając"
    assert "Nina Zając" in admin.get("/settings/users").text
    server.client().login("nina", USER_PASSWORD)
    assert any(actor == "admin" and a == "user_added" and t == "nina"
               for actor, a, t in audit_actions(server))


@pytest.mark.parametrize("bad", [
    {"name": "", "role": "viewer"},
    {"name": "admin", "role": "viewer"},
    {"name": "okname", "role": "owner"},
    {"name": "okname", "role": "viewer", "password": "short"},
    {"name": "bad\nname", "role": "viewer"},
])
def test_adding_a_bad_user_changes_nothing(server, bad):
    admin = server.admin()
    before = server.users()
    values = {"display_name": "", "email": "", "password": USER_PASSWORD}
    values.update(bad)
    r = admin.post("/settings/users", harness.fill(add_user_form(admin), **values))
    assert 400 <= r.status_code < 500, "%s: %d" % (bad, r.status_code)
    assert r.headers["Content-Type"].startswith("text/html")
    assert server.users() == before


def test_user_text_is_escaped_in_the_settings_pages(server):
    server.add_user("xss", "viewer", display_name='<script>alert("x")</script><img src=x>')
    text = server.admin().get("/settings/users").text
    assert '<script>alert("x")</script>' not in text
    assert "<img src=x>" not in text
    assert "&lt;script&gt;" in text


def test_admin_sets_a_password(server):
    server.add_user("sam", "agent")
    sam = server.client()
    sam.login("sam", USER_PASSWORD)
    admin = server.admin()
    r = admin.fill_and_post("/settings/users", "/settings/users/sam/password",
                            password="set-by-the-admin-42")
    assert r.status_code in (200, 303)
    server.client().login("sam", USER_PASSWORD, expect=401)
    server.client().login("sam", "set-by-the-admin-42")
    assert any(a == "user_password_set" and t == "sam" for _, a, t in audit_actions(server))
    r = admin.fill_and_post("/settings/users", "/settings/users/sam/password", password="short")
    assert 400 <= r.status_code < 500
    server.client().login("sam", "set-by-the-admin-42")


def test_admin_creates_and_revokes_an_api_key(server):
    admin = server.admin()
    r = admin.fill_and_post("/settings/apikeys", "/settings/apikeys", name="crm-sync",
                            role="manager")
    assert r.status_code in (200, 201), r.status_code
    keys = re.findall(r"cx_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}", r.text)
    assert keys, "the new key is shown on the response page"
    key = keys[0]
    me = harness.Api(server, key).get("/api/v1/me")
    assert me.status_code == 200 and me.json()["name"] == "crm-sync" and me.json()["role"] == "manager"
    # Shown once: never again.
    listing = admin.get("/settings/apikeys").text
    assert key not in listing and key[12:] not in listing
    assert "crm-sync" in listing
    r = admin.submit("/settings/apikeys", "/settings/apikeys/crm-sync/revoke")
    assert r.status_code in (200, 303)
    _assert_unauthorized(harness.Api(server, key).get("/api/v1/me"))
    acts = audit_actions(server)
    assert ("admin", "apikey_created", "crm-sync") in acts, acts
    assert ("admin", "apikey_revoked", "crm-sync") in acts, acts


def test_bad_api_key_forms_change_nothing(server):
    admin = server.admin()
    for data in ({"name": "", "role": "viewer"}, {"name": "k1", "role": "root"}):
        r = admin.fill_and_post("/settings/apikeys", "/settings/apikeys", **data)
        assert 400 <= r.status_code < 500, data
        assert not re.search(r"cx_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}", r.text)
    r = admin.submit("/settings/apikeys", "/settings/apikeys/none-such/revoke")
    assert r.status_code == 404


def test_settings_audit_page_is_paginated(server):
    c = server.client()
    for i in range(3):
        c.login("nobody-%d" % i, "wrong-password-123", expect=401)
    admin = server.admin()
    r = admin.get("/settings/audit")
    assert r.status_code == 200
    text = parse(r.text).all_text
    assert "login_failed" in text or "nobody-2" in text
    newest = server.api().audit(limit=1)[0]["id"]
    r = admin.get("/settings/audit?before=%d" % newest)
    assert r.status_code == 200
    r = admin.get("/settings/audit?before=zzz")
    assert r.status_code in (200, 400)


# ---- the account page ---------------------------------------------------

def test_account_page_and_password_change(server):
    server.add_user("olga", "analyst")
    other = server.client()
    other.login("olga", USER_PASSWORD)
    me = server.client()
    me.login("olga", USER_PASSWORD)
    page = me.get("/account")
    assert page.status_code == 200
    text = parse(page.text).all_text
    assert "olga" in text and "analyst" in text
    # Wrong current password: refused, nothing changes.
    r = me.fill_and_post("/account", "/account/password", current_password="not-my-password",
                         new_password="olga-new-password")
    assert 400 <= r.status_code < 500, r.status_code
    assert other.get("/").status_code == 200
    # Too short: refused.
    r = me.fill_and_post("/account", "/account/password", current_password=USER_PASSWORD,
                         new_password="short")
    assert 400 <= r.status_code < 500, r.status_code
    assert other.get("/").status_code == 200
    r = me.fill_and_post("/account", "/account/password", current_password=USER_PASSWORD,
                         new_password="olga-new-password")
    assert r.status_code in (200, 303), r.status_code
    assert me.get("/").status_code == 200, "the session that changed the password stays"
    assert_signed_out(other)
    server.client().login("olga", USER_PASSWORD, expect=401)
    server.client().login("olga", "olga-new-password")
    assert any(actor == "olga" and a == "password_changed" for actor, a, _ in audit_actions(server))


def test_account_password_form(server):
    me = server.admin()
    form = me.form("/account", "/account/password")
    assert form["method"] == "post" and form["inputs"].get("csrf_token")
    assert harness._field_for(form, "current_password") != harness._field_for(form, "new_password")


# ---- the audit API ------------------------------------------------------

def test_audit_api_records_the_events(server):
    c = server.client()
    c.login("admin", "wrong-password-123", expect=401)
    admin = server.admin()
    r = admin.fill_and_post("/settings/users", "/settings/users", name="ulla", role="viewer",
                            password=USER_PASSWORD)
    assert r.status_code in (200, 303)
    api = server.api()
    entries = api.audit()
    assert entries, "no audit entries"
    for e in entries:
        assert set(e) >= {"id", "at", "actor", "action", "target", "address", "detail"}, e
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e["at"]), e["at"]
    ids = [e["id"] for e in entries]
    assert ids == sorted(ids, reverse=True), "newest first"
    acts = {(e["actor"], e["action"], e["target"]) for e in entries}
    assert any(actor == "admin" and a == "login" for actor, a, _ in acts), acts
    assert any(a == "login_failed" and "admin" in (actor, t) for actor, a, t in acts), acts
    assert ("admin", "user_added", "ulla") in acts, acts
    assert ("cli", "apikey_created", "test-admin") in acts, acts
    addr = [e for e in entries if e["action"] == "login"][0]["address"]
    assert addr == "127.0.0.1"
    # limit and before page through it.
    first = api.audit(limit=2)
    assert [e["id"] for e in first] == ids[:2]
    rest = api.audit(limit=100, before=first[-1]["id"])
    assert [e["id"] for e in rest] == ids[2:]


def test_audit_api_bad_parameters(server):
    api = server.api()
    for q in ["?limit=abc", "?before=xyz"]:
        api_error(api.get("/api/v1/audit" + q), 400, "invalid_input")


# ---- every form is CSRF-protected ---------------------------------------

FORM_PAGES = ["/", "/settings", "/settings/users", "/settings/apikeys", "/settings/audit",
              "/account"]


def test_every_post_form_needs_its_csrf_token(server):
    """Every POST form the pages offer carries a csrf_token, and the same
    post without it is refused with the translated 403 page, changing
    nothing (the form routes found on the pages, not a list kept here)."""
    server.add_user("target", "agent")
    server.key("viewer", name="tkey")
    admin = server.admin()
    users_before = server.users()
    keys_before = harness.run_ok(["apikey", "list", "--db", server.db, "--format", "json"]).stdout
    seen = set()
    for page in FORM_PAGES:
        r = admin.get(page)
        assert r.status_code == 200, page
        for form in parse(r.text).forms:
            if form["method"] != "post" or form["action"] in seen:
                continue
            seen.add(form["action"])
            assert form["inputs"].get("csrf_token"), "%s: form to %s has no csrf_token" % (
                page, form["action"])
            data = dict(form["inputs"])
            del data["csrf_token"]
            for name, kind in form["types"].items():
                if kind == "password":
                    data[name] = "a-long-enough-password-1"
                elif kind in ("text", "email") and not data.get(name):
                    data[name] = "csrf-probe"
            r = admin.post(form["action"], data)
            assert r.status_code == 403, "%s without csrf_token: %d" % (form["action"], r.status_code)
            assert EXPIRED in parse(r.text).all_text, form["action"]
    for action in ("/logout", "/settings/users", "/settings/users/target/disable",
                   "/settings/users/target/password", "/settings/apikeys",
                   "/settings/apikeys/tkey/revoke", "/account/password"):
        assert action in seen, "no form posts to %s: %s" % (action, sorted(seen))
    assert server.users() == users_before
    assert harness.run_ok(["apikey", "list", "--db", server.db, "--format", "json"]).stdout == \
        keys_before
    assert admin.get("/").status_code == 200, "still signed in"


# ---- reflected input ----------------------------------------------------

def test_login_echo_is_escaped(server):
    c = server.client()
    r = c.login('"><script>alert(1)</script>', "wrong-password-123", expect=401)
    assert "<script>alert(1)</script>" not in r.text
    assert '"><script>' not in r.text


def test_next_with_line_breaks_cannot_split_headers(server):
    c = server.client()
    r = c.login("admin", ADMIN_PASSWORD, next_path="/x\r\nSet-Cookie: evil=1")
    assert "\r" not in r.headers["Location"] and "\n" not in r.headers["Location"]
    assert harness.cookie_attrs(r, "evil") is None
    assert not urllib.parse.urlsplit(r.headers["Location"]).netloc
