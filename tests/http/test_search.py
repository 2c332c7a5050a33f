"""Full-text search (q) over response comments and feedback items, black box.

Words typed without Polish or Romanian letters find the text that has them
("zolw" finds "żółw", ZÓŁW and, as a prefix, "żółwiami"; "sa" finds both
"șa" and "şa"); whatever is typed is only words, never FTS syntax, so
hostile input is answered 200 with no crash; q combines with the other
filters and with cursor paging, on GET /api/v1/responses and on the new
GET /api/v1/feedback list.
"""
import pytest

import harness

COMMENTS = {
    "plain": "Żółw by szybciej obsłużył zgłoszenie",
    "upper": "ZÓŁW NA INFOLINII",
    "prefix": "Jeżdżą jak żółwiami po mieście",
    "lodz": "Salon w Łodzi zamknięty",
    "ro_comma": "Mulțumesc pentru așteptare la ghișeu",
    "ro_cedilla": "Mulţumesc, aşteptare prea lungă la ghişeu",
}


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    d = tmp_path_factory.mktemp("search")
    db = str(d / "gen.db")
    harness.run_ok(["gen", "--db", db, "--responses", "500", "--seed", "5"], timeout=300)
    harness.run_ok(["user", "add", "--db", db, "--name", "admin", "--role", "admin",
                    "--password-stdin"], input=harness.ADMIN_PASSWORD + "\n")
    server = harness.Server(db, d).start()
    api = server.api(role="manager")
    server.ids = {}
    for name, comment in COMMENTS.items():
        got = api.post("/api/v1/responses", {"survey": "nps-relacja", "score": 3,
                                             "comment": comment, "customer": "SRCH-1",
                                             "submitted_at": "2026-10-20T10:00:00Z"})
        assert got.status_code == 201, got.text
        server.ids[name] = got.json()["id"]
    for i in range(5):
        got = api.post("/api/v1/responses", {"survey": "nps-relacja", "score": 10,
                                             "comment": "Kangurek numer %d" % i,
                                             "submitted_at": "2026-10-2%dT10:00:00Z" % i})
        assert got.status_code == 201, got.text
    for i in range(3):
        got = api.post("/api/v1/feedback", {"source": "complaint", "title": "Żółta faktura %d" % i,
                                            "text": "Kangurek skarży się na fakturę",
                                            "received_at": "2026-10-1%dT09:00:00Z" % i})
        assert got.status_code == 201, got.text
    yield server
    server.stop()


def search(srv, q, path="/api/v1/responses", **params):
    params["q"] = q
    got = srv.api(role="analyst").get(path, params=params)
    assert got.status_code == 200, got.text
    return got.json()


def comments(srv, q, **params):
    return {r["comment"] for r in search(srv, q, **params)["responses"]}


def test_zolw_finds_zolw_without_diacritics_and_in_any_case(srv):
    for q in ("zolw", "ZOLW", "żółw", "ŻÓŁW", "Zółw"):
        found = comments(srv, q)
        assert COMMENTS["plain"] in found and COMMENTS["upper"] in found, q
        assert COMMENTS["lodz"] not in found


def test_the_last_word_is_a_prefix(srv):
    assert comments(srv, "zolwia") == {COMMENTS["prefix"]}
    assert comments(srv, "jezdza zolwiami") == {COMMENTS["prefix"]}
    assert COMMENTS["prefix"] in comments(srv, "zol")


def test_polish_l_stroke_folds_in_both_cases(srv):
    assert comments(srv, "lodzi") == {COMMENTS["lodz"]}
    assert comments(srv, "ŁODZI") == {COMMENTS["lodz"]}


def test_romanian_comma_and_cedilla_forms_find_each_other(srv):
    both = {COMMENTS["ro_comma"], COMMENTS["ro_cedilla"]}
    for q in ("asteptare", "așteptare", "aşteptare", "multumesc ghiseu", "MULŢUMESC"):
        assert comments(srv, q) == both, q


def test_words_are_anded(srv):
    assert comments(srv, "zolw infolinii") == {COMMENTS["upper"]}
    assert comments(srv, "zolw nieistniejaceslowo") == set()


@pytest.mark.parametrize("q", [
    '"', '""', '"zolw', 'zolw"', 'NEAR(zolw infolinii)', 'NEAR', '*', 'zolw*', '^zolw', '^',
    'comment:zolw', '{comment}: zolw', '-zolw', '(zolw', 'zolw)', '((((', 'zolw OR kangurek',
    'AND', 'NOT zolw', "'; DROP TABLE responses; --", '%_', '\\', '+', ':',
    'a' * 500, 'ż' * 250, 'zolw ' * 40,
])
def test_hostile_queries_are_only_words(srv, q):
    doc = search(srv, q)
    assert isinstance(doc["responses"], list)
    doc = search(srv, q, path="/api/v1/feedback")
    assert isinstance(doc["feedback"], list)
    page = srv.admin().get("/feedback", params={"q": q})
    assert page.status_code == 200
    assert "<mark><mark>" not in page.text


def test_operators_are_searched_as_words_not_obeyed(srv):
    # NOT would exclude, OR would widen: as words they must all be present
    assert comments(srv, "zolw OR kangurek") == set()
    assert comments(srv, "NEAR(zolw infolinii)") == set()
    assert comments(srv, "comment:zolw") == set()
    assert comments(srv, "(zolw") == comments(srv, "zolw")


def test_a_too_long_q_is_a_field_error(srv):
    got = srv.api(role="analyst").get("/api/v1/responses", params={"q": "a" * 501})
    harness.api_error(got, 400, "invalid_input", "q")
    got = srv.api(role="analyst").get("/api/v1/feedback", params={"q": "a" * 501})
    harness.api_error(got, 400, "invalid_input", "q")


def test_q_combines_with_filters(srv):
    assert comments(srv, "zolw", customer="SRCH-1") == {COMMENTS["plain"], COMMENTS["upper"],
                                                        COMMENTS["prefix"]}
    assert comments(srv, "zolw", score_min="9") == set()
    assert comments(srv, "zolw", to="2026-10-01") == set()


def test_q_pages_with_the_cursor(srv):
    seen = []
    cursor = None
    for _ in range(5):
        params = {"limit": "2"}
        if cursor:
            params["cursor"] = cursor
        doc = search(srv, "kangurek", **params)
        seen += [r["comment"] for r in doc["responses"]]
        cursor = doc["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == ["Kangurek numer %d" % i for i in range(5)]
    assert len(seen) == len(set(seen))


def test_feedback_list_searches_title_and_text_and_pages(srv):
    doc = search(srv, "zolta", path="/api/v1/feedback")
    assert sorted(f["title"] for f in doc["feedback"]) == ["Żółta faktura %d" % i for i in range(3)]
    doc = search(srv, "skarzy", path="/api/v1/feedback", limit="2")
    assert len(doc["feedback"]) == 2 and doc["next_cursor"]
    # newest first
    assert [f["title"] for f in doc["feedback"]] == ["Żółta faktura 2", "Żółta faktura 1"]
    rest = search(srv, "skarzy", path="/api/v1/feedback", limit="2", cursor=doc["next_cursor"])
    assert [f["title"] for f in rest["feedback"]] == ["Żółta faktura 0"]
    assert rest["next_cursor"] is None


def test_feedback_list_filters_and_errors(srv):
    api = srv.api(role="analyst")
    doc = api.get("/api/v1/feedback", params={"source": "complaint", "limit": "1000"}).json()
    assert doc["feedback"] and all(f["source"] == "complaint" for f in doc["feedback"])
    harness.api_error(api.get("/api/v1/feedback", params={"source": "x"}), 400, "invalid_input", "source")
    harness.api_error(api.get("/api/v1/feedback", params={"cursor": "x"}), 400, "invalid_input", "cursor")
    harness.api_error(api.get("/api/v1/feedback", params={"nope": "1"}), 400, "invalid_input", "nope")
    got = srv.api(role="viewer").get("/api/v1/feedback")
    assert got.status_code == 403


def test_text_is_searchable_as_soon_as_a_write_is_answered(srv, tmp_path):
    """The index is brought up to date before every commit: a comment that
    arrives on completion of a widget response (an update of a row written
    in an earlier transaction), a response added by another process (the
    CLI) and an erasure are all seen by the next search."""
    import sqlite3
    import requests
    sid = int(harness.run_ok(["survey", "create", "--db", srv.db, "--kind", "nps", "--name",
                              "Pelikan widget", "--lang", "pl,en"]).stdout.strip())
    con = sqlite3.connect(srv.db, timeout=30)
    try:
        slug = con.execute("SELECT slug FROM surveys WHERE id = ?", (sid,)).fetchone()[0]
        con.execute("UPDATE surveys SET allowed_origins = ? WHERE id = ?",
                    ("http://localhost:8123", sid))
        con.commit()
    finally:
        con.close()
    h = {"Origin": "http://localhost:8123"}
    first = requests.post(srv.url("/s/%s/widget" % slug), json={"score": 4, "lang": "en"},
                          headers=h, timeout=30)
    assert first.status_code == 201, first.text
    assert comments(srv, "pelikan") == set()
    done = requests.post(srv.url("/s/%s/widget" % slug),
                         json={"token": first.json()["token"], "comment": "Pelikan z widżetu"},
                         headers=h, timeout=30)
    assert done.status_code == 200, done.text
    assert comments(srv, "pelikan") == {"Pelikan z widżetu"}

    api = srv.api(role="manager")
    got = api.post("/api/v1/responses", {"survey": "nps-relacja", "score": 2,
                                         "comment": "Pelikany drugi raz", "customer": "SRCH-E",
                                         "submitted_at": "2026-10-20T11:00:00Z"})
    assert got.status_code == 201, got.text
    assert comments(srv, "pelikan") == {"Pelikan z widżetu", "Pelikany drugi raz"}
    erased = requests.post(srv.url("/api/v1/customers/ext:SRCH-E/erase"), timeout=30,
                           headers={"Authorization": "Bearer " + srv.key("admin")})
    assert erased.status_code == 200, erased.text
    assert comments(srv, "pelikan") == {"Pelikan z widżetu"}
    # a CLI import, another process with its own writer, indexes its rows
    # before its own commit
    csv = tmp_path / "pelikan.csv"
    csv.write_text("submitted_at,score,comment\n2024-03-01,9,Pelikan z importu\n",
                   encoding="utf-8")
    harness.run_ok(["import", "responses", "--db", srv.db, "--survey", str(sid), str(csv)])
    assert comments(srv, "pelikan") == {"Pelikan z widżetu", "Pelikan z importu"}
    got = api.post("/api/v1/feedback", {"source": "review", "title": "Pelikan",
                                        "text": "Trzecia wzmianka",
                                        "received_at": "2026-10-18T09:00:00Z"})
    assert got.status_code == 201, got.text
    found = search(srv, "pelikan trzecia", path="/api/v1/feedback")
    assert [f["title"] for f in found["feedback"]] == ["Pelikan"], found


def test_a_bulk_load_becomes_searchable_and_says_when_it_is_not_yet(srv):
    """An NDJSON request of thousands of lines is answered once committed;
    its comments are indexed by the writer right after (docs/internals/
    search.md). A search says "search_complete": false until every row is
    searchable, then finds all of them; a single response after it is
    found at once again."""
    import json
    import time
    import requests
    lines = [{"survey": "nps-relacja", "score": i % 11, "language": "pl",
              "comment": "Wombat numer %d dzwonił" % i,
              "submitted_at": "2026-10-21T10:00:00Z"} for i in range(5000)]
    got = requests.post(srv.url("/api/v1/responses"),
                        data="".join(json.dumps(line) + "\n" for line in lines).encode(),
                        headers={"Authorization": "Bearer " + srv.key("manager"),
                                 "Content-Type": "application/x-ndjson"}, timeout=60)
    assert got.status_code == 201, got.text
    assert got.json()["count"] == 5000
    deadline = time.time() + 60
    while True:
        found = search(srv, "wombat", limit=1000)
        assert "search_complete" in found
        if found["search_complete"] or time.time() > deadline:
            break
        time.sleep(0.05)
    assert found["search_complete"], "the index never caught up"
    total, cursor = 0, None
    while True:
        params = {"limit": 1000}
        if cursor:
            params["cursor"] = cursor
        page = search(srv, "wombat", **params)
        assert page["search_complete"] is True
        total += len(page["responses"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert total == 5000
    assert "search_complete" not in srv.api(role="analyst").get("/api/v1/responses").json()
    assert search(srv, "wombat", path="/api/v1/feedback")["search_complete"] is True
    api = srv.api(role="manager")
    got = api.post("/api/v1/responses", {"survey": "nps-relacja", "score": 9,
                                         "comment": "Wombacik pojedynczy",
                                         "submitted_at": "2026-10-21T11:00:00Z"})
    assert got.status_code == 201, got.text
    assert comments(srv, "wombacik") == {"Wombacik pojedynczy"}
