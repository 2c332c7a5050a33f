"""POST /api/v1/responses and GET /api/v1/responses/ID, black box.

A database made by `cxloop gen` has the demo telecom's surveys (slugs
nps-relacja, enps, ...); the server takes responses one at a time or as
NDJSON, checks them against the survey's questions, lands a bulk request
whole or not at all, replays Idempotency-Key retries, and the metrics
engine sees new responses at once.
"""
import json

import pytest
import requests

import harness


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    d = tmp_path_factory.mktemp("responses")
    db = str(d / "gen.db")
    harness.run_ok(["gen", "--db", db, "--responses", "2000", "--seed", "3"], timeout=300)
    harness.run_ok(["user", "add", "--db", db, "--name", "admin", "--role", "admin",
                    "--password-stdin"], input=harness.ADMIN_PASSWORD + "\n")
    server = harness.Server(db, d).start()
    yield server
    server.stop()


def post(srv, body, role="manager", headers=None, ndjson=False):
    h = {"Authorization": "Bearer " + srv.key(role)}
    if ndjson:
        h["Content-Type"] = "application/x-ndjson"
        data = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n"
                       for line in body)
    else:
        h["Content-Type"] = "application/json"
        data = body if isinstance(body, str) else json.dumps(body)
    h.update(headers or {})
    return requests.post(srv.url("/api/v1/responses"), data=data.encode("utf-8"), headers=h,
                         timeout=30)


def count(srv, metric="count"):
    got = requests.get(srv.url("/api/v1/metrics"), params={"metric": metric},
                       headers={"Authorization": "Bearer " + srv.key("viewer")}, timeout=30)
    assert got.status_code == 200, got.text
    row = got.json()["rows"][0]
    return row["n"], row["skipped"]


def test_one_response_lands_and_reads_back(srv):
    before, _ = count(srv)
    got = post(srv, {"survey": "nps-relacja", "score": 9, "comment": "Szybko i sprawnie ✓",
                     "answers": {"cena": 4}, "customer": "EXT-42", "language": "pl",
                     "touchpoint": "Infolinia", "submitted_at": "2026-10-30T10:00:00Z"})
    assert got.status_code == 201, got.text
    doc = got.json()
    assert doc["score"] == 9 and doc["answers"] == {"cena": 4}
    assert doc["comment"] == "Szybko i sprawnie ✓"
    assert got.headers["Location"] == "/api/v1/responses/%d" % doc["id"]
    back = requests.get(srv.url(got.headers["Location"]),
                        headers={"Authorization": "Bearer " + srv.key("viewer")}, timeout=30)
    assert back.status_code == 200
    assert back.json() == doc
    after, _ = count(srv)
    assert after == before + 1, "the engine sees the new response at once"
    again = post(srv, {"survey": 1, "score": 10, "customer": "EXT-42"})
    assert again.json()["customer_id"] == doc["customer_id"], "one customer per external id"


def test_a_skipped_score_counts_as_skipped_not_in_n(srv):
    n, skipped = count(srv, "nps")
    got = post(srv, {"survey": "nps-relacja", "comment": "Nie chcę oceniać"})
    assert got.status_code == 201, got.text
    assert got.json()["score"] is None
    n2, skipped2 = count(srv, "nps")
    assert (n2, skipped2) == (n, skipped + 1)


def test_concurrent_posts_are_counted_by_the_engine_when_answered(srv):
    # Many clients at once share commits and engine refreshes; still, once
    # a client has its 201, the metrics count every response answered
    # before it sent its own, and its own.
    import threading
    before, _ = count(srv)  # makes the viewer key before the threads need it
    key = srv.key("manager")
    lock = threading.Lock()
    state = {"answered": 0, "problems": []}

    def client(i):
        session = requests.Session()
        h = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}
        for k in range(6):
            with lock:
                answered_before = state["answered"]
            got = session.post(srv.url("/api/v1/responses"), headers=h, timeout=60,
                               data=json.dumps({"survey": "nps-relacja", "score": (i + k) % 11,
                                                "comment": "client %d, %d" % (i, k)}))
            if got.status_code != 201:
                state["problems"].append(got.text)
                return
            with lock:
                state["answered"] += 1
            n, _ = count(srv)
            if n < before + answered_before + 1:
                state["problems"].append("count %d < %d" % (n, before + answered_before + 1))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert state["problems"] == []
    after, _ = count(srv)
    assert after == before + 24 * 6


def test_a_survey_changed_by_another_process_is_seen_at_once(srv):
    # The write path keeps the survey it read for the next request; a
    # change from another process (here: sqlite3 closing the survey) must
    # still be seen by the very next request.
    import sqlite3
    made = harness.run_ok(["survey", "create", "--db", srv.db, "--kind", "csat",
                           "--name", "Ankieta do zamknięcia"])
    survey_id = int(made.stdout.strip())
    for score in (4, 5, 3):
        got = post(srv, {"survey": survey_id, "score": score})
        assert got.status_code == 201, got.text
    db = sqlite3.connect(srv.db, timeout=30)
    with db:
        db.execute("UPDATE surveys SET open = 0 WHERE id = ?", (survey_id,))
    db.close()
    got = post(srv, {"survey": survey_id, "score": 4})
    assert got.status_code == 400, got.text
    assert got.json()["error"]["field"] == "survey"
    assert "closed" in got.json()["error"]["message"]


@pytest.mark.parametrize("body, field", [
    ({"score": 5}, "survey"),
    ({"survey": "no-such-survey", "score": 5}, "survey"),
    ({"survey": "nps-relacja", "score": 11}, "score"),
    ({"survey": "nps-relacja", "score": "9"}, "score"),
    ({"survey": "nps-relacja", "score": 9, "colour": "red"}, "colour"),
    ({"survey": "nps-relacja", "score": 9, "answers": {"cena": 6}}, "answers.cena"),
    ({"survey": "nps-relacja", "score": 9, "answers": {"nps": 9}}, "answers.nps"),
    ({"survey": "nps-relacja", "score": 9, "answers": {"nothing": 1}}, "answers.nothing"),
    ({"survey": "enps", "score": 9, "answers": {"dzial": "kosmos"}}, "answers.dzial"),
    ({"survey": "nps-relacja", "score": 9, "language": "de"}, "language"),
    ({"survey": "nps-relacja", "score": 9, "submitted_at": "yesterday"}, "submitted_at"),
    ({"survey": "nps-relacja", "score": 9, "submitted_at": "2099-01-01T00:00:00Z"},
     "submitted_at"),
    ({"survey": "nps-relacja", "score": 9, "touchpoint": "Księżyc"}, "touchpoint"),
    ({"survey": "nps-relacja", "score": 9, "customer": ""}, "customer"),
])
def test_bad_fields_are_named_and_change_nothing(srv, body, field):
    before = count(srv)
    got = post(srv, body)
    assert got.status_code == 400, got.text
    err = got.json()["error"]
    assert err["code"] == "invalid_input"
    assert err["field"] == field
    assert count(srv) == before


@pytest.mark.parametrize("body", ["", "[1, 2]", "{not json", "null"])
def test_a_body_that_is_not_an_object_is_refused(srv, body):
    before = count(srv)
    got = post(srv, body)
    assert got.status_code == 400
    assert count(srv) == before


def test_ndjson_lands_whole(srv):
    before, _ = count(srv)
    lines = [{"survey": "nps-relacja", "score": s} for s in (0, 7, 10)]
    got = post(srv, lines, ndjson=True)
    assert got.status_code == 201, got.text
    assert got.json()["count"] == 3 and len(got.json()["ids"]) == 3
    assert count(srv)[0] == before + 3


def test_large_ndjson_lands_in_order_readable_searchable_and_counted(srv):
    # 601 lines: two statements of 256 rows, eleven of 8 and one row, as
    # the bulk insert writes them (and 64, 16 and single answers); each
    # line has its own values so a mix-up would show
    before, _ = count(srv)
    lines = [{"survey": "nps-relacja", "score": i % 11, "answers": {"cena": 1 + i % 5},
              "comment": "bulkword%d zamowienie" % i, "channel": "tablet", "language": "en",
              "customer": "BULK-%d" % (i % 3), "submitted_at": "2026-10-01T10:%02d:00Z" % (i % 60)}
             for i in range(601)]
    got = post(srv, lines, ndjson=True)
    assert got.status_code == 201, got.text
    ids = got.json()["ids"]
    assert got.json()["count"] == 601 and ids == list(range(ids[0], ids[0] + 601))
    assert count(srv)[0] == before + 601
    viewer = {"Authorization": "Bearer " + srv.key("viewer")}
    for i in (0, 255, 256, 511, 512, 599, 600):
        doc = requests.get(srv.url("/api/v1/responses/%d" % ids[i]), headers=viewer,
                           timeout=30).json()
        assert (doc["score"], doc["answers"], doc["comment"], doc["channel"], doc["language"]) == (
            i % 11, {"cena": 1 + i % 5}, "bulkword%d zamowienie" % i, "tablet", "en")
        assert doc["submitted_at"] == "2026-10-01T10:%02d:00Z" % (i % 60)
    found = listing(srv, q="bulkword600")
    assert [r["id"] for r in found.json()["responses"]] == [ids[600]], "in the full-text index"
    # ids are never reused, even those of the newest rows once deleted
    manager = {"Authorization": "Bearer " + srv.key("manager")}
    assert requests.delete(srv.url("/api/v1/responses/%d" % ids[-1]), headers=manager,
                           timeout=30).status_code == 204
    again = post(srv, lines[:70], ndjson=True)
    assert again.status_code == 201, again.text
    assert min(again.json()["ids"]) > ids[-1]


def test_choices_are_checked_on_every_line_and_every_request(srv):
    # the survey read once per job (and kept for the next job) carries the
    # declared choices each line is checked against
    good = {"survey": "enps", "score": 8, "answers": {"dzial": "sprzedaz"}}
    bad = {"survey": "enps", "score": 8, "answers": {"dzial": "magazyn-x"}}
    got = post(srv, [good, bad, good, bad], ndjson=True)
    assert got.status_code == 400, got.text
    assert [(e["line"], e.get("field")) for e in got.json()["error"]["lines"]] == [
        (2, "answers.dzial"), (4, "answers.dzial")]
    for _ in range(2):
        got = post(srv, [good, dict(good, answers={"dzial": "obsluga-klienta"})], ndjson=True)
        assert got.status_code == 201, got.text
        one = post(srv, bad)
        assert one.status_code == 400 and one.json()["error"]["field"] == "answers.dzial"
    viewer = {"Authorization": "Bearer " + srv.key("viewer")}
    doc = requests.get(srv.url("/api/v1/responses/%d" % got.json()["ids"][1]), headers=viewer,
                       timeout=30).json()
    assert doc["answers"] == {"dzial": "obsluga-klienta"}


def test_ndjson_with_bad_lines_stores_nothing_and_names_them(srv):
    before = count(srv)
    lines = [{"survey": "nps-relacja", "score": 8}, {"survey": "nps-relacja", "score": 12},
             "{broken", "", {"survey": "enps", "score": 3, "answers": {"dzial": "x"}}]
    got = post(srv, lines, ndjson=True)
    assert got.status_code == 400, got.text
    err = got.json()["error"]
    assert [(e["line"], e.get("field")) for e in err["lines"]] == [
        (2, "score"), (3, None), (5, "answers.dzial")]
    assert "nothing was stored" in err["message"]
    assert count(srv) == before


def test_idempotency_key_replays_and_refuses_a_different_body(srv):
    before, _ = count(srv)
    body = {"survey": "nps-relacja", "score": 6, "comment": "retry me"}
    first = post(srv, body, headers={"Idempotency-Key": "order-991"})
    assert first.status_code == 201
    again = post(srv, body, headers={"Idempotency-Key": "order-991"})
    assert again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    assert count(srv)[0] == before + 1, "written once"
    other = post(srv, dict(body, score=7), headers={"Idempotency-Key": "order-991"})
    assert other.status_code == 409
    assert other.json()["error"]["field"] == "Idempotency-Key"
    assert count(srv)[0] == before + 1


def test_roles_and_keys(srv):
    assert post(srv, {"survey": 1, "score": 9}, role="viewer").status_code == 403
    assert post(srv, {"survey": 1, "score": 9}, role="analyst").status_code == 403
    anonymous = requests.post(srv.url("/api/v1/responses"), json={"survey": 1, "score": 9},
                              timeout=30)
    assert anonymous.status_code == 401
    missing = requests.get(srv.url("/api/v1/responses/999999"),
                           headers={"Authorization": "Bearer " + srv.key("viewer")}, timeout=30)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_delete_removes_it_from_the_store_and_the_metrics(srv):
    before = count(srv, "nps")
    got = post(srv, {"survey": "nps-relacja", "score": 10, "answers": {"cena": 5}})
    assert got.status_code == 201
    rid = got.json()["id"]
    assert count(srv, "nps")[0] == before[0] + 1
    viewer = {"Authorization": "Bearer " + srv.key("viewer")}
    manager = {"Authorization": "Bearer " + srv.key("manager")}
    refused = requests.delete(srv.url("/api/v1/responses/%d" % rid), headers=viewer, timeout=30)
    assert refused.status_code == 403
    gone = requests.delete(srv.url("/api/v1/responses/%d" % rid), headers=manager, timeout=30)
    assert gone.status_code == 204 and gone.content == b""
    assert count(srv, "nps") == before, "no longer counted"
    assert requests.get(srv.url("/api/v1/responses/%d" % rid), headers=viewer,
                        timeout=30).status_code == 404
    again = requests.delete(srv.url("/api/v1/responses/%d" % rid), headers=manager, timeout=30)
    assert again.status_code == 404
    audit = requests.get(srv.url("/api/v1/audit"), params={"limit": 5},
                         headers={"Authorization": "Bearer " + srv.key("admin")}, timeout=30)
    assert any(e["action"] == "response_deleted" and e["target"] == "response %d" % rid
               for e in audit.json()["entries"])


def listing(srv, role="analyst", **params):
    return requests.get(srv.url("/api/v1/responses"), params=params,
                        headers={"Authorization": "Bearer " + srv.key(role)}, timeout=30)


def test_list_filters_and_pages_newest_first(srv):
    ids = []
    for score, customer in ((2, "LIST-A"), (4, "LIST-A"), (9, "LIST-B")):
        got = post(srv, {"survey": "nps-relacja", "score": score, "customer": customer,
                         "channel": "kiosk", "submitted_at": "2026-10-15T12:00:00Z"})
        assert got.status_code == 201
        ids.append(got.json()["id"])
    mine = listing(srv, channel="kiosk")
    assert mine.status_code == 200, mine.text
    assert [r["id"] for r in mine.json()["responses"]] == ids[::-1], "newest first"
    assert mine.json()["next_cursor"] is None
    low = listing(srv, channel="kiosk", score_max=4, customer="LIST-A")
    assert [r["score"] for r in low.json()["responses"]] == [4, 2]
    assert listing(srv, channel="kiosk", survey="enps").json()["responses"] == []
    day = listing(srv, channel="kiosk", **{"from": "2026-10-15", "to": "2026-10-15"})
    assert len(day.json()["responses"]) == 3, "a date range includes its last day"
    # pages: two at a time, following the cursor, meets every one once
    seen, cursor = [], None
    while True:
        params = {"channel": "kiosk", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = listing(srv, **params).json()
        seen += [r["id"] for r in page["responses"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ids[::-1]


@pytest.mark.parametrize("params, field", [
    ({"limit": 0}, "limit"), ({"limit": 1001}, "limit"), ({"score_min": 11}, "score_min"),
    ({"from": "yesterday"}, "from"), ({"cursor": "abc"}, "cursor"),
    ({"survey": "no-such"}, "survey"), ({"colour": "red"}, "colour"),
])
def test_list_refuses_bad_parameters(srv, params, field):
    got = listing(srv, **params)
    assert got.status_code == 400
    assert got.json()["error"]["field"] == field


def test_list_needs_the_analyse_capability(srv):
    assert listing(srv, role="viewer").status_code == 403
    assert listing(srv, role="agent").status_code == 403
    assert listing(srv, role="manager").status_code == 200
