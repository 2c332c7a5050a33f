"""test_server.py — the server as a whole, from outside: health, security
headers and CSP-clean pages, errors (404/405/413) in JSON under /api and
HTML elsewhere, static assets and their caching, languages, the feedback
API's validation, durable writes under concurrency and a graceful shutdown
that loses no acknowledged write, and the access log.
"""

import json
import os
import re
import signal
import socket
import threading
import time
import urllib.parse

import pytest
import requests

import harness
from harness import USER_PASSWORD, api_error, parse

NAV_PATHS = [p for p, _ in harness.CONTRACT_NAV]
LATER_PAGES = ["/journey", "/cases", "/initiatives"]
ADMIN_PAGES = NAV_PATHS + ["/settings/users", "/settings/apikeys", "/settings/audit", "/account"]
SCALE = 2 if harness.is_sanitized() else 1  # the ASan build is slower: fewer requests


def csp(response):
    header = response.headers.get("Content-Security-Policy", "")
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


def assert_common_headers(r):
    assert r.headers.get("X-Content-Type-Options") == "nosniff", (r.url, dict(r.headers))
    assert r.headers.get("Referrer-Policy") == "same-origin", (r.url, dict(r.headers))


def assert_html_headers(r):
    assert_common_headers(r)
    assert r.headers.get("Content-Type", "").lower().replace(" ", "") == "text/html;charset=utf-8", \
        r.headers.get("Content-Type")
    assert r.headers.get("X-Frame-Options") == "DENY"
    assert "no-store" in r.headers.get("Cache-Control", ""), r.headers.get("Cache-Control")
    policy = csp(r)
    assert policy.get("default-src") == ["'self'"], policy
    script = policy.get("script-src", [])
    assert "'self'" in script and "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert [w for w in script if w not in ("'self'",) and not w.startswith("'nonce-")] == [], script
    assert policy.get("style-src") == ["'self'"], policy
    assert policy.get("img-src") == ["'self'", "data:"], policy
    assert policy.get("frame-ancestors") == ["'none'"], policy
    assert policy.get("form-action") == ["'self'"], policy
    assert policy.get("base-uri") == ["'none'"], policy


def assert_json_headers(r):
    assert_common_headers(r)
    assert r.headers.get("Content-Type", "").startswith("application/json"), r.headers
    assert "no-store" in r.headers.get("Cache-Control", ""), r.headers.get("Cache-Control")


def assert_clean_page(r, client):
    """A page that works under its CSP and stands on its own: doctype,
    language, charset, viewport, title, a heading, unique ids, no inline
    style or handlers, inline scripts only with the response's nonce, and
    every static link versioned and served."""
    assert_html_headers(r)
    page = parse(r.text)
    where = r.url
    assert page.doctype and page.doctype.lower() == "doctype html", (where, page.doctype)
    assert page.html_lang in ("pl", "en", "ro"), (where, page.html_lang)
    assert any(m.get("charset", "").lower() == "utf-8" for m in page.metas), where
    assert any(m.get("name") == "viewport" for m in page.metas), where
    assert page.title.strip(), where
    assert page.h1 and page.h1[0].strip(), "%s has no <h1>" % where
    dups = {i for i in page.ids if page.ids.count(i) > 1}
    assert not dups, "%s: duplicate ids %s" % (where, dups)
    assert not page.style_attrs, "%s: style attributes are blocked by the CSP: %s" % (
        where, page.style_attrs[:3])
    assert page.styles == 0, "%s: <style> elements are blocked by the CSP" % where
    assert not page.event_attrs, "%s: inline handlers are blocked by the CSP: %s" % (
        where, page.event_attrs[:3])
    nonces = [w[len("'nonce-"):-1] for w in csp(r).get("script-src", []) if w.startswith("'nonce-")]
    for script in page.scripts:
        if "src" not in script:
            assert nonces and script.get("nonce") == nonces[0], \
                "%s: inline script without the response's nonce" % where
        else:
            assert script["src"].startswith("/"), "%s: third-party script %s" % (where, script["src"])
    for tag, attr, url in page.links:
        u = urllib.parse.urlsplit(url)
        assert not (u.scheme in ("http", "https") and u.netloc), "%s: off-site %s %s" % (
            where, tag, url)
        assert not url.lower().startswith("javascript:"), where
        if u.path.startswith("/static/"):
            assert re.match(r"v=[A-Za-z0-9_-]{6,}$", u.query), "%s: unversioned %s" % (where, url)
            got = client.get(url)
            assert got.status_code == 200, "%s: %s -> %d" % (where, url, got.status_code)
    return page


# ---- health -------------------------------------------------------------

def test_healthz(shared_server):
    r = requests.get(shared_server.url("/healthz"), timeout=10)
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}
    assert r.headers["Content-Type"].startswith("application/json")
    assert_common_headers(r)


def test_healthz_needs_no_auth_and_no_cookies(shared_server):
    r = requests.get(shared_server.url("/healthz"), timeout=10)
    assert "Set-Cookie" not in r.headers


# ---- pages and their headers ------------------------------------------

def test_login_page_is_clean(shared_server):
    c = shared_server.client()
    assert_clean_page(c.get("/login"), c)


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_are_clean(shared_admin, path):
    r = shared_admin.get(path)
    assert r.status_code == 200, "%s: %d" % (path, r.status_code)
    page = assert_clean_page(r, shared_admin)
    # The layout's navigation reaches every area, in English here.
    for href, label in harness.CONTRACT_NAV:
        assert (href, label) in page.nav_links, "%s: no nav link %r to %s: %s" % (
            path, label, href, page.nav_links)
    assert page.html_lang == "en"


@pytest.mark.parametrize("path", LATER_PAGES)
def test_pages_of_later_releases_say_so(shared_admin, path):
    r = shared_admin.get(path)
    assert r.status_code == 200
    assert "later release" in parse(r.text).all_text.lower(), path


def test_nonces_differ_per_response(shared_admin):
    a, b = csp(shared_admin.get("/")), csp(shared_admin.get("/"))
    na = [w for w in a.get("script-src", []) if w.startswith("'nonce-")]
    nb = [w for w in b.get("script-src", []) if w.startswith("'nonce-")]
    if na or nb:
        assert na != nb, "a nonce must not repeat"


def test_overview_shows_real_counts(server):
    api = server.api(role="manager")
    for i in range(23):
        assert api.post("/api/v1/feedback", {"source": "review", "text": "n%d" % i}).status_code == 201
    server.add_user("u1", "viewer")
    page = parse(server.admin().get("/").text)
    assert re.search(r"\b23\b", page.all_text), "the overview does not show 23 feedback items"


def test_api_headers(shared_server):
    r = shared_server.api(role="viewer").get("/api/v1/me")
    assert r.status_code == 200
    assert_json_headers(r)
    r = harness.Api(shared_server, None).get("/api/v1/me")
    assert_json_headers(r)


# ---- 404 and 405 --------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/feedback/999999", "/api/v2/me",
                                  "/api/nope", "/api/v1/feedback/abc"])
def test_api_404_is_json(shared_server, path):
    r = shared_server.api(role="viewer").get(path)
    api_error(r, 404, "not_found")
    assert_json_headers(r)


def test_html_404_signed_out_and_in(shared_server, shared_admin):
    for client in (shared_server.client(), shared_admin):
        r = client.get("/no/such/page")
        assert r.status_code == 404, r.status_code
        assert_clean_page(r, client)
    page = parse(shared_admin.get("/no/such/page").text)
    assert page.nav_links, "signed in, the 404 page keeps the layout"


def test_static_404(shared_server):
    r = requests.get(shared_server.url("/static/no-such-file.css"), timeout=10)
    assert r.status_code == 404
    assert_common_headers(r)
    r = requests.get(shared_server.url("/static/../../etc/passwd"), timeout=10)
    assert r.status_code in (400, 404)
    r = requests.get(shared_server.url("/static/%2e%2e/%2e%2e/etc/passwd"), timeout=10)
    assert r.status_code in (400, 404)
    assert "root:" not in r.text


@pytest.mark.parametrize("method,path,allowed", [("DELETE", "/api/v1/me", {"GET"}),
                                                 ("PUT", "/api/v1/feedback", {"POST"}),
                                                 ("POST", "/api/v1/audit", {"GET"}),
                                                 ("PATCH", "/api/v1/feedback/1",
                                                  {"GET", "PUT", "DELETE"})])
def test_api_405(shared_server, method, path, allowed):
    r = shared_server.api().request(method, path, body={})
    api_error(r, 405, "method_not_allowed")
    allow = {m.strip() for m in r.headers.get("Allow", "").split(",") if m.strip()}
    assert allowed <= allow, r.headers.get("Allow")
    assert_json_headers(r)


def test_html_405(shared_server, shared_admin):
    r = shared_server.client().request("PUT", "/login", data="x=1")
    assert r.status_code == 405
    allow = {m.strip() for m in r.headers.get("Allow", "").split(",")}
    assert {"GET", "POST"} <= allow, r.headers.get("Allow")
    assert_html_headers(r)
    r = shared_admin.request("DELETE", "/settings/users")
    assert r.status_code == 405
    assert "GET" in r.headers.get("Allow", "")
    assert_clean_page(r, shared_admin)


def test_403_page_is_clean(server):
    server.add_user("vi", "viewer")
    c = server.client()
    c.login("vi", USER_PASSWORD)
    r = c.get("/settings/users")
    assert r.status_code == 403
    assert_clean_page(r, c)


# ---- request size -------------------------------------------------------

def _raw_exchange(port, chunks, timeout=10):
    """Sends CHUNKS (bytes) one by one, stopping quietly if the server
    closes; returns (status, headers dict, body) of the response read."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        for chunk in chunks:
            try:
                s.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        data = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                got = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not got:
                break
            data += got
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep:
                m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                if m and len(body) >= int(m.group(1)):
                    break
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        assert lines and lines[0].startswith("HTTP/1."), "no HTTP response: %r" % data[:200]
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        return status, headers, body
    finally:
        s.close()


def test_body_over_max_body_is_413(start_server):
    srv = start_server(args=["--max-body", "1024"])
    api = srv.api(role="manager")
    # Just under the limit is fine.
    small = {"source": "ticket", "text": "x" * 900}
    assert len(json.dumps(small)) < 1024
    assert api.post("/api/v1/feedback", small).status_code == 201
    r = api.post("/api/v1/feedback", {"source": "ticket", "text": "x" * 2000})
    api_error(r, 413, "too_large")
    # HTML routes answer in HTML.
    c = srv.client()
    _, form = c.login_form()
    r = c.post("/login", dict(form["inputs"], username="admin", password="p" * 4000))
    assert r.status_code == 413
    assert r.headers["Content-Type"].startswith("text/html")


def test_413_comes_before_reading_the_body(start_server):
    """A client announcing 100 MB gets its 413 after sending 1 KB: the
    server must not wait for (or buffer) the rest."""
    srv = start_server(args=["--max-body", "4096"])
    key = srv.key("manager")
    head = ("POST /api/v1/feedback HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
            "Content-Length: 104857600\r\n\r\n" % key).encode()
    t = time.monotonic()
    status, headers, body = _raw_exchange(srv.port, [head, b"{" + b" " * 1023])
    assert status == 413
    assert time.monotonic() - t < 8
    assert json.loads(body)["error"]["code"] == "too_large"
    # The same without a key: still no reading of 100 MB.
    head = (b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 104857600\r\n\r\n")
    status, _, _ = _raw_exchange(srv.port, [head, b"a" * 1024])
    assert status == 413
    assert srv.alive()


def test_chunked_body_over_max_body_is_413(start_server):
    srv = start_server(args=["--max-body", "2048"])
    key = srv.key("manager")
    head = ("POST /api/v1/feedback HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n" % key).encode()
    piece = b"%x\r\n%s\r\n" % (1000, b" " * 1000)
    status, _, body = _raw_exchange(srv.port, [head] + [piece] * 20 + [b"0\r\n\r\n"])
    assert status == 413
    assert json.loads(body)["error"]["code"] == "too_large"
    assert srv.alive()


# ---- static assets ------------------------------------------------------

def _static_links(text):
    return [url for tag, attr, url in parse(text).links if url.startswith("/static/")]


def test_static_assets_are_versioned_and_immutable(shared_server):
    c = shared_server.client()
    links = _static_links(c.get("/login").text)
    assert any(urllib.parse.urlsplit(u).path == "/static/app.css" for u in links), links
    for name, ctype in [("app.css", "text/css"), ("app.js", "javascript"),
                        ("favicon.svg", "image/svg+xml"), ("logo.svg", "image/svg+xml")]:
        r = requests.get(shared_server.url("/static/" + name), timeout=10)
        assert r.status_code == 200, name
        assert ctype in r.headers.get("Content-Type", ""), (name, r.headers.get("Content-Type"))
        cc = r.headers.get("Cache-Control", "")
        assert "public" in cc and "max-age=31536000" in cc and "immutable" in cc, cc
        assert_common_headers(r)
        etag = r.headers.get("ETag")
        assert etag and etag.startswith(('"', 'W/"')), etag
        again = requests.get(shared_server.url("/static/" + name), timeout=10,
                             headers={"If-None-Match": etag})
        assert again.status_code == 304, (name, again.status_code)
        assert again.content == b""
        assert again.headers.get("ETag") == etag
        other = requests.get(shared_server.url("/static/" + name), timeout=10,
                             headers={"If-None-Match": '"not-the-etag"'})
        assert other.status_code == 200 and other.content == r.content


def test_static_hash_is_a_content_hash(shared_server, start_server):
    a = _static_links(shared_server.client().get("/login").text)
    srv = start_server()
    b = _static_links(srv.client().get("/login").text)
    assert a and sorted(a) == sorted(b), "the ?v= hash must not change between runs"


# ---- languages ----------------------------------------------------------

def _lang_page(client, path):
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code)
    return parse(r.text)


def test_lang_parameter_switches_and_sticks(shared_server):
    c = shared_server.client(lang=None)
    r = c.get("/login?lang=en")
    assert parse(r.text).html_lang == "en"
    cookie = harness.cookie_attrs(r, "cx_lang")
    assert cookie and cookie["value"] == "en"
    assert _lang_page(c, "/login").html_lang == "en", "the choice is remembered"
    assert _lang_page(c, "/login?lang=ro").html_lang == "ro"
    assert _lang_page(c, "/login").html_lang == "ro"
    assert _lang_page(c, "/login?lang=pl").html_lang == "pl"
    assert _lang_page(c, "/login?lang=xx").html_lang == "pl", "an unknown language is ignored"


@pytest.mark.parametrize("accept,lang", [(None, "pl"), ("en", "en"), ("ro-RO,ro;q=0.9", "ro"),
                                         ("de-DE,de;q=0.9", "pl"), ("en-GB,en;q=0.9", "en"),
                                         ("de;q=1.0, ro;q=0.8, en;q=0.5", "ro"),
                                         ("pl-PL", "pl")])
def test_accept_language_default(shared_server, accept, lang):
    c = shared_server.client(lang=None)
    if accept:
        c.s.headers["Accept-Language"] = accept
    else:
        c.s.headers.pop("Accept-Language", None)
    assert _lang_page(c, "/login").html_lang == lang


def test_navigation_in_three_languages(server):
    c = server.admin()
    navs = {}
    for lang in ("en", "pl", "ro"):
        page = _lang_page(c, "/?lang=%s" % lang)
        assert page.html_lang == lang
        navs[lang] = [text for _, text in page.nav_links]
        # and the choice holds on the next page
        assert _lang_page(c, "/settings").html_lang == lang
    english = [label for _, label in harness.CONTRACT_NAV]
    assert all(label in navs["en"] for label in english), navs["en"]
    for lang in ("pl", "ro"):
        for word in ("Customers", "Surveys", "Settings", "Initiatives", "Journey"):
            assert word not in navs[lang], "%s navigation shows English %r: %s" % (lang, word,
                                                                                  navs[lang])
    assert navs["pl"] != navs["ro"]
    # A GET switches the cookie only: the stored language is untouched.
    assert server.users()["admin"]["language"] == "pl"


def test_stored_language_wins_over_the_browser(server):
    harness.run_ok(["user", "add", "--db", server.db, "--name", "radu", "--role", "viewer",
                    "--language", "ro", "--password-stdin"], input=USER_PASSWORD + "\n")
    c = server.client(lang=None)
    c.s.headers["Accept-Language"] = "en"
    assert _lang_page(c, "/login").html_lang == "en"
    c.login("radu", USER_PASSWORD)
    assert _lang_page(c, "/").html_lang == "ro"


def test_messages_are_translated(shared_server):
    pl = shared_server.client(lang="pl")
    en = shared_server.client(lang="en")
    texts = []
    for c in (pl, en):
        r = c.login("admin", "wrong-password-123", expect=401)
        texts.append(parse(r.text).all_text)
    assert "Invalid user name or password" in texts[1]
    assert "Invalid user name or password" not in texts[0]


# ---- the feedback API ---------------------------------------------------

GOOD = {"source": "complaint", "text": "Zażółć gęślą jaźń — țară, șir; \"quoted\" <b>not html</b>",
        "received_at": "2026-01-31T10:00:00Z", "title": "Late delivery", "channel": "email",
        "language": "pl", "rating": 2.5, "external_id": "CRM-1001"}

BAD = [
    ({"text": "x"}, "source"),
    ({"source": "bogus", "text": "x"}, "source"),
    ({"source": 5, "text": "x"}, "source"),
    ({"source": None, "text": "x"}, "source"),
    ({"source": "ticket"}, "text"),
    ({"source": "ticket", "text": ""}, "text"),
    ({"source": "ticket", "text": 7}, "text"),
    ({"source": "ticket", "text": ["x"]}, "text"),
    ({"source": "ticket", "text": "x", "received_at": "yesterday"}, "received_at"),
    ({"source": "ticket", "text": "x", "received_at": "2026-13-01T00:00:00Z"}, "received_at"),
    ({"source": "ticket", "text": "x", "received_at": "2026-02-30T10:00:00Z"}, "received_at"),
    ({"source": "ticket", "text": "x", "received_at": "2026-01-31T25:00:00Z"}, "received_at"),
    ({"source": "ticket", "text": "x", "received_at": "2026-01-31T10:00:00"}, "received_at"),
    ({"source": "ticket", "text": "x", "received_at": 1767225600}, "received_at"),
    ({"source": "ticket", "text": "x", "language": "de"}, "language"),
    ({"source": "ticket", "text": "x", "language": 1}, "language"),
    ({"source": "ticket", "text": "x", "rating": "5"}, "rating"),
    ({"source": "ticket", "text": "x", "rating": True}, "rating"),
    ({"source": "ticket", "text": "x", "title": 5}, "title"),
    ({"source": "ticket", "text": "x", "channel": []}, "channel"),
    ({"source": "ticket", "text": "x", "external_id": {}}, "external_id"),
    ({"source": "ticket", "text": "x", "colour": "blue"}, "colour"),
]


def test_feedback_created_and_read_back(shared_server):
    api = shared_server.api(role="manager")
    r = api.post("/api/v1/feedback", GOOD)
    assert r.status_code == 201, r.text
    assert_json_headers(r)
    item = r.json()
    assert isinstance(item["id"], int) and item["id"] > 0
    for k, v in GOOD.items():
        assert item[k] == v, (k, item[k], v)
    got = shared_server.api(role="viewer").get("/api/v1/feedback/%d" % item["id"])
    assert got.status_code == 200
    assert got.json() == item


def test_feedback_time_with_offset_is_stored_in_utc(shared_server):
    api = shared_server.api(role="manager")
    r = api.post("/api/v1/feedback", {"source": "chat", "text": "offset",
                                      "received_at": "2026-01-31T12:30:00+02:00"})
    assert r.status_code == 201, r.text
    assert r.json()["received_at"] == "2026-01-31T10:30:00Z"


def test_feedback_time_defaults_to_now(shared_server):
    api = shared_server.api(role="manager")
    r = api.post("/api/v1/feedback", {"source": "other", "text": "now"})
    assert r.status_code == 201
    at = r.json()["received_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", at), at
    t = time.mktime(time.strptime(at, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
    assert abs(t - time.time()) < 120, at


@pytest.mark.parametrize("source", ["complaint", "ticket", "review", "call_note", "chat", "other"])
def test_feedback_every_source(shared_server, source):
    r = shared_server.api(role="manager").post("/api/v1/feedback", {"source": source, "text": "s"})
    assert r.status_code == 201 and r.json()["source"] == source


def test_feedback_validation_names_the_field_and_changes_nothing(server):
    api = server.api(role="manager")
    first = api.post("/api/v1/feedback", {"source": "ticket", "text": "first"}).json()["id"]
    for body, field in BAD:
        api_error(api.post("/api/v1/feedback", body), 400, "invalid_input", field)
    for raw in [b"[]", b'"x"', b"42", b"null", b"not json", b"", b'{"source": "ticket", "text": "x"',
                b'{"source": "ticket", "text": "x"} trailing', b"\xff\xfe{}"]:
        r = api.request("POST", "/api/v1/feedback", raw=raw,
                        headers={"Content-Type": "application/json"})
        api_error(r, 400, "invalid_input")
    nxt = api.post("/api/v1/feedback", {"source": "ticket", "text": "next"}).json()["id"]
    assert nxt == first + 1, "a refused request must not write anything"
    assert api.get("/api/v1/feedback/%d" % (first + 1)).json()["text"] == "next"


def test_feedback_ids_that_are_not_found(shared_server):
    api = shared_server.api(role="viewer")
    for path in ["/api/v1/feedback/0", "/api/v1/feedback/-1", "/api/v1/feedback/99999999999",
                 "/api/v1/feedback/1x", "/api/v1/feedback/99999999999999999999999"]:
        api_error(api.get(path), 404, "not_found")


# ---- durable writes -----------------------------------------------------

def _poster(url, key, tag, acked, problems, stop, limit=None):
    s = requests.Session()
    s.headers["Authorization"] = "Bearer " + key
    n = 0
    while not stop.is_set() and (limit is None or n < limit):
        text = "%s-%d" % (tag, n)
        try:
            r = s.post(url, json={"source": "ticket", "text": text}, timeout=30)
        except requests.RequestException:
            if limit is not None:
                problems.append("%s: connection failed" % text)
            break
        n += 1
        if r.status_code == 201:
            acked.append((r.json()["id"], text))
        elif r.status_code == 503 and limit is None:
            break  # shutting down: not acknowledged, and that is allowed
        else:
            problems.append("%s: %d %s" % (text, r.status_code, r.text[:200]))
            break


def test_parallel_writes_all_land(start_server):
    srv = start_server(args=["--threads", "8"])
    key = srv.key("manager")
    acked, problems = [], []
    stop = threading.Event()
    workers, each = 16, 30 // SCALE
    threads = [threading.Thread(target=_poster, args=(srv.url("/api/v1/feedback"), key, "w%d" % i,
                                                      acked, problems, stop, each))
               for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not problems, problems[:5]
    assert len(acked) == workers * each
    ids = [i for i, _ in acked]
    assert len(set(ids)) == len(ids), "ids must be unique"
    api = srv.api(role="viewer")
    for item_id, text in acked:
        r = api.get("/api/v1/feedback/%d" % item_id)
        assert r.status_code == 200 and r.json()["text"] == text
    page = parse(srv.admin().get("/").text)
    assert re.search(r"\b%d\b" % (workers * each), page.all_text), \
        "the overview does not count %d feedback items" % (workers * each)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_graceful_shutdown_keeps_every_acknowledged_write(start_server, sig):
    srv = start_server(args=["--threads", "4"])
    key = srv.key("manager")
    acked, problems = [], []
    stop = threading.Event()
    threads = [threading.Thread(target=_poster, args=(srv.url("/api/v1/feedback"), key,
                                                      "s%d" % i, acked, problems, stop))
               for i in range(8)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acked) < 40 // SCALE and time.monotonic() < deadline and not problems:
        time.sleep(0.01)
    srv.send(sig)
    t0 = time.monotonic()
    rc = srv.stop(sig=None, timeout=30)  # asserts exit 0 and no sanitizer report
    assert time.monotonic() - t0 < 12, "shutdown must finish within the 10 s grace"
    stop.set()
    for t in threads:
        t.join(60)
    assert rc == 0
    assert not problems, problems[:5]
    assert acked, "no write was acknowledged before the signal"
    again = harness.Server(srv.db, os.path.dirname(srv.db)).start()
    try:
        api = harness.Api(again, key)
        missing = []
        for item_id, text in acked:
            r = api.get("/api/v1/feedback/%d" % item_id)
            if r.status_code != 200 or r.json().get("text") != text:
                missing.append((item_id, text, r.status_code))
        assert not missing, "acknowledged but lost: %s" % missing[:10]
    finally:
        again.stop()


def test_shutdown_with_an_idle_keepalive_connection(start_server):
    """An open idle connection must not hold the process past the grace."""
    srv = start_server()
    s = socket.create_connection(("127.0.0.1", srv.port))
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    s.recv(4096)
    t0 = time.monotonic()
    srv.stop()
    assert time.monotonic() - t0 < 12
    s.close()


# ---- the access log -----------------------------------------------------

def test_access_log_lines(start_server):
    on = start_server()
    off = start_server(args=["--no-access-log"])
    for srv in (on, off):
        requests.get(srv.url("/healthz?probe=access-log-probe"), timeout=10)
        requests.get(srv.url("/x%0d%0aFORGED-LINE%20injected"), timeout=10)
    time.sleep(0.2)
    log_on = on.stdout() + on.stderr()
    log_off = off.stdout() + off.stderr()
    assert "/healthz" in log_on, "no access log line for /healthz:\n" + log_on[-2000:]
    assert "/healthz" not in log_off, "--no-access-log still logs requests"
    for log in (log_on, log_off):
        for line in log.splitlines():
            assert not line.startswith("FORGED-LINE"), "a request forged a log line"


def test_passwords_and_keys_never_reach_the_log(start_server):
    srv = start_server()
    c = srv.client()
    c.login("admin", harness.ADMIN_PASSWORD)
    c.login("admin", "a-wrong-secret-password", expect=401)
    key = srv.key("admin")
    assert srv.api().get("/api/v1/me").status_code == 200
    session = c.cookie("cx_session")
    log = srv.stdout() + srv.stderr()
    for secret in (harness.ADMIN_PASSWORD, "a-wrong-secret-password", key, key[12:], session):
        assert secret not in log, "a secret reached the log"


# ---- hostile and malformed requests ------------------------------------

def test_404_page_escapes_the_path(shared_server, shared_admin):
    for c in (shared_server.client(), shared_admin):
        r = c.get("/<script>alert(1)</script>")
        assert r.status_code == 404
        assert "<script>alert(1)</script>" not in r.text


def test_malformed_requests_leave_the_server_serving(start_server):
    """Garbage in must not crash the server or corrupt its memory; the
    sanitizer build turns any overflow into a failed stop check."""
    srv = start_server()
    key = srv.key("manager")
    probes = [
        b"GARBAGE\r\n\r\n",
        b"GET /healthz HTTP/9.9\r\n\r\n",
        b"GET " + b"/a" * 40000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 100000 + b"\r\n\r\n",
        b"GET /%zz%0 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /login?lang=%00%ff&next=%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /static/%00app.css HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/v1/feedback/%00 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key.encode()
        + b"\r\n\r\n",
        b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 40\r\n\r\nusername=%ff%00&password=%&csrf_token==&",
        b"POST /api/v1/feedback HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key.encode()
        + b"\r\nContent-Type: application/json\r\nContent-Length: 30\r\n\r\n"
        + b'{"source":"ticket","text":"\\ud8'  # cut inside an escape
        + b"\r\n",
        b"POST /api/v1/feedback HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key.encode()
        + b"\r\nContent-Type: application/json\r\nContent-Length: 48\r\n\r\n"
        + b'{"source":"ticket","text":"a\\u0000b","x":[[[[]]]]}',
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nCookie: cx_session=" + b"%" * 5000 + b"\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nCookie: cx_session=\xff\xfe; cx_lang=\xff\r\n\r\n",
        b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\n\r\n",
        b"GET /login HTTP/1.1\r\nHost: x\r\nAccept-Language: " + b"en;q=0.5," * 2000 + b"\r\n\r\n",
    ]
    for probe in probes:
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        try:
            try:
                s.sendall(probe)
            except (BrokenPipeError, ConnectionResetError):
                pass
            try:
                reply = s.recv(200)
            except (ConnectionResetError, socket.timeout):
                reply = b""
            if reply:
                status = int(reply.split(b" ", 2)[1])
                # 505 is the right answer to an unknown HTTP version.
                assert status < 500 or status == 505, "%r -> %r" % (probe[:80], reply[:80])
        finally:
            s.close()
        assert requests.get(srv.url("/healthz"), timeout=10).status_code == 200, probe[:80]
