"""The feedback browser (/feedback and its detail pages) and the customer
pages (/customers, /customers/ID), black box.

Filters are a GET form so every view is a URL; a response's page shows
its answers with question labels; a customer's page shows the profile and
the whole history; hostile comment text is escaped everywhere, including
inside search snippets.
"""
import re
import sqlite3
import unicodedata

import pytest

import harness

XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)']


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    d = tmp_path_factory.mktemp("fbrowser")
    db = str(d / "gen.db")
    harness.run_ok(["gen", "--db", db, "--responses", "400", "--seed", "7"], timeout=300)
    harness.run_ok(["user", "add", "--db", db, "--name", "admin", "--role", "admin",
                    "--password-stdin"], input=harness.ADMIN_PASSWORD + "\n")
    server = harness.Server(db, d).start()
    server.db_path = db
    api = server.api(role="manager")
    server.ids = []
    for i, text in enumerate(XSS):
        got = api.post("/api/v1/responses", {
            "survey": "nps-relacja", "score": 2, "customer": "HIST-9",
            "comment": "Hipopotam " + text + " \x01 koniec", "answers": {"cena": 1},
            "submitted_at": "2026-10-2%dT08:00:00Z" % i})
        assert got.status_code == 201, got.text
        server.ids.append(got.json()["id"])
    got = api.post("/api/v1/feedback", {"source": "review", "title": "Hipopotam <b>tytuł</b>",
                                        "text": "Recenzja " + XSS[1],
                                        "received_at": "2026-10-25T08:00:00Z"})
    assert got.status_code == 201, got.text
    server.item = got.json()["id"]
    server.customer = got = api.get("/api/v1/responses/%d" % server.ids[0]).json()["customer_id"]
    yield server
    server.stop()


def no_raw_xss(text):
    assert "<script>alert" not in text
    assert "<img src=x" not in text
    assert 'href="javascript:' not in text
    assert "\x01" not in text


def test_list_shows_entries_with_score_group_customer(srv):
    c = srv.admin()
    r = c.get("/feedback", params={"q": "hipopotam"})
    assert r.status_code == 200
    no_raw_xss(r.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "<mark>Hipopotam</mark>" in r.text
    assert "detractor" in r.text, "the NPS group as text"
    assert 'href="/customers/%d"' % srv.customer in r.text
    for i in srv.ids:
        assert 'href="/feedback/responses/%d"' % i in r.text
    assert 'href="/feedback/items/%d"' % srv.item in r.text
    harness.parse(r.text)


def test_filters_are_a_get_form(srv):
    c = srv.admin()
    r = c.get("/feedback")
    assert r.status_code == 200
    form = harness.find_form(r.text, "/feedback")
    assert form["method"].lower() == "get"
    only_items = c.get("/feedback", params={"q": "hipopotam", "kind": "feedback"})
    assert 'href="/feedback/items/%d"' % srv.item in only_items.text
    assert "/feedback/responses/" not in only_items.text
    detractors = c.get("/feedback", params={"q": "hipopotam", "group": "promoter"})
    assert "/feedback/responses/" not in detractors.text
    scored = c.get("/feedback", params={"q": "hipopotam", "score_max": "2", "score_min": "2"})
    assert all('href="/feedback/responses/%d"' % i in scored.text for i in srv.ids)
    assert "/feedback/items/" not in scored.text, "a score filter leaves feedback items out"
    bad = c.get("/feedback", params={"score_min": "11"})
    assert bad.status_code == 400 and "score_min" in bad.text


def test_paging_follows_next_links_without_repeats(srv):
    c = srv.admin()
    seen = []
    path = "/feedback?kind=responses"
    for _ in range(40):
        r = c.get(path)
        assert r.status_code == 200
        seen += re.findall(r'href="/feedback/responses/(\d+)"', r.text)
        m = re.search(r'rel="next" href="([^"]+)"', r.text)
        if not m:
            break
        path = m.group(1).replace("&amp;", "&")
        assert "kind=responses" in path, "the next link keeps the filters"
    assert len(seen) == len(set(seen))
    total = 400 + len(srv.ids)
    assert len(seen) == total, "every response once, none lost between pages"


def test_response_detail_shows_answers_and_escapes(srv):
    c = srv.admin()
    for i in srv.ids:
        r = c.get("/feedback/responses/%d" % i)
        assert r.status_code == 200
        no_raw_xss(r.text)
        assert "Hipopotam" in r.text and "HIST-9" in r.text
        assert "<table" in r.text, "the answers"
    assert c.get("/feedback/responses/999999").status_code == 404
    assert c.get("/feedback/responses/abc").status_code == 404
    r = c.get("/feedback/items/%d" % srv.item)
    assert r.status_code == 200
    no_raw_xss(r.text)
    assert "Hipopotam &lt;b&gt;tytuł&lt;/b&gt;" in r.text


def test_customer_history_and_list(srv):
    c = srv.admin()
    r = c.get("/customers/%d" % srv.customer)
    assert r.status_code == 200
    no_raw_xss(r.text)
    for i in srv.ids:
        assert 'href="/feedback/responses/%d"' % i in r.text
    assert "HIST-9" in r.text
    r = c.get("/customers", params={"q": "hist-9"})
    assert r.status_code == 200
    assert 'href="/customers/%d"' % srv.customer in r.text
    assert c.get("/customers/0").status_code == 404
    assert c.get("/customers/99999999").status_code == 404


def test_viewer_sees_feedback_but_not_customer_pages(srv):
    srv.add_user("view1", "viewer")
    v = srv.client()
    v.login("view1", harness.USER_PASSWORD)
    r = v.get("/feedback", params={"q": "hipopotam"})
    assert r.status_code == 200
    assert 'href="/feedback/responses/%d"' % srv.ids[0] in r.text
    assert 'href="/customers/' not in r.text
    assert "HIST-9" not in r.text, "who said it is personal data"
    r = v.get("/feedback/responses/%d" % srv.ids[0])
    assert r.status_code == 200 and "HIST-9" not in r.text
    assert v.get("/customers/%d" % srv.customer).status_code == 403


def plain(text):
    """What someone types without Polish letters: no marks, ł as l."""
    text = text.replace("ł", "l").replace("Ł", "L")
    return "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch))


def test_customer_search_ignores_case_and_diacritics(srv):
    con = sqlite3.connect(srv.db_path)
    try:
        rows = con.execute("SELECT id, name FROM customers WHERE name LIKE '%ł%'"
                           " OR name LIKE '%ó%' OR name LIKE '%ś%' LIMIT 3").fetchall()
    finally:
        con.close()
    assert rows, "gen makes Polish names"
    c = srv.admin()
    for cid, name in rows:
        typed = plain(name).upper()
        assert typed != name
        r = c.get("/customers", params={"q": typed})
        assert r.status_code == 200
        assert 'href="/customers/%d"' % cid in r.text, (name, typed)
