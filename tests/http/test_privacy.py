"""Privacy, black box: export everything about one customer, erase one
customer (identity and texts go, scores stay in the statistics), and the
comment retention period (`cxloop retention` and the server's pass).

What it relies on: harness.py; invitations, cases and case notes have no
API yet, so the tests put a few rows straight into the database with
Python's sqlite3 (the server reads them like any other). What it must
never do: call erasure a success without reading back what is left, and
the metrics before and after.
"""
import json
import os
import re
import sqlite3
import stat
import time

import pytest
import requests

import harness

SECRET_COMMENT = "Jan Kowalski, Warszawa: internet nie działa od tygodnia"
SECRET_ANSWER = "Proszę dzwonić na 600 100 200"
SECRET_FEEDBACK = "Reklamacja faktury nr 77/2026 – Jan Kowalski"
SECRET_NOTE = "Klient prosi o kontakt wieczorem"


def call(srv, method, path, body=None, role="manager"):
    h = {"Authorization": "Bearer " + srv.key(role)}
    data = None
    if body is not None:
        h["Content-Type"] = "application/json"
        data = json.dumps(body).encode("utf-8")
    return requests.request(method, srv.url(path), data=data, headers=h, timeout=30)


def metrics(srv, **params):
    params.setdefault("metric", "nps")
    got = requests.get(srv.url("/api/v1/metrics"), params=params,
                       headers={"Authorization": "Bearer " + srv.key("viewer")}, timeout=30)
    assert got.status_code == 200, got.text
    return got.json()["rows"]


def populate(srv):
    """Two customers in segment Gold; the first has everything."""
    for ext, name in (("P-1", "Jan Kowalski"), ("P-2", "Ewa Lis")):
        got = call(srv, "POST", "/api/v1/customers", {
            "external_id": ext, "name": name, "email": ext.lower() + "@example.com",
            "segment": "Gold", "account": "Kowalski Trans", "attributes": {"city": "Warszawa"}})
        assert got.status_code == 201, got.text
    ids = []
    for ext, score, comment, answer in (("P-1", 2, SECRET_COMMENT, SECRET_ANSWER),
                                        ("P-1", 9, None, None),
                                        ("P-2", 10, "Wszystko dobrze", None),
                                        ("P-2", 6, None, None)):
        body = {"survey": 1, "score": score, "customer": ext}
        if comment:
            body["comment"] = comment
        if answer:
            body["answers"] = {"komentarz": answer}
        got = call(srv, "POST", "/api/v1/responses", body)
        assert got.status_code == 201, got.text
        ids.append(got.json()["id"])
    fb = call(srv, "POST", "/api/v1/feedback", {"source": "complaint", "text": SECRET_FEEDBACK,
                                               "title": "Faktura", "customer": "P-1",
                                               "rating": 1})
    assert fb.status_code == 201, fb.text
    cid = call(srv, "GET", "/api/v1/customers/ext:P-1", role="agent").json()["id"]
    con = sqlite3.connect(srv.db, timeout=30)
    with con:
        con.execute("INSERT INTO invitations (survey_id, customer_id, token_hash, status,"
                    " created_at) VALUES (1, ?, 'deadbeefhash', 'answered', 1700000000)", (cid,))
        cur = con.execute("INSERT INTO cases (response_id, customer_id, title, created_at)"
                          " VALUES (?, ?, 'Oddzwonić: Jan Kowalski', 1700000000)", (ids[0], cid))
        con.execute("INSERT INTO case_notes (case_id, text, created_at) VALUES (?, ?, 1700000100)",
                    (cur.lastrowid, SECRET_NOTE))
    con.close()
    return cid, ids, fb.json()["id"]


@pytest.fixture
def srv(tmp_path):
    db = harness.init_db(str(tmp_path / "cx.db"))
    harness.run_ok(["survey", "create", "--db", db, "--kind", "nps", "--name", "Relacja"])
    server = harness.Server(db, tmp_path).start()
    yield server
    server.stop()


def test_export_holds_everything_about_the_customer(srv):
    cid, ids, fid = populate(srv)
    got = call(srv, "GET", "/api/v1/customers/%d/export" % cid, role="agent")
    assert got.status_code == 200, got.text
    doc = got.json()
    c = doc["customer"]
    assert (c["id"], c["external_id"], c["name"], c["email"]) == (
        cid, "P-1", "Jan Kowalski", "p-1@example.com")
    assert c["attributes"] == {"city": "Warszawa"}
    assert c["segment"]["name"] == "Gold" and c["account"]["name"] == "Kowalski Trans"
    assert [r["id"] for r in doc["responses"]] == ids[:2]
    first = doc["responses"][0]
    assert first["score"] == 2 and first["comment"] == SECRET_COMMENT
    assert {"question": "komentarz", "kind": "text", "number": None,
            "text": SECRET_ANSWER} in first["answers"]
    assert [(f["id"], f["text"], f["title"]) for f in doc["feedback_items"]] == [
        (fid, SECRET_FEEDBACK, "Faktura")]
    assert [i["status"] for i in doc["invitations"]] == ["answered"]
    assert "deadbeefhash" not in got.text, "never the invitation token hash"
    assert doc["cases"][0]["title"] == "Oddzwonić: Jan Kowalski"
    assert [n["text"] for n in doc["cases"][0]["notes"]] == [SECRET_NOTE]
    assert "Ewa Lis" not in got.text and "Wszystko dobrze" not in got.text
    assert any(e["action"] == "customer_exported" for e in srv.api().audit())
    harness.api_error(call(srv, "GET", "/api/v1/customers/%d/export" % cid, role="viewer"), 403,
                      "forbidden")


def test_erase_removes_identity_and_texts_but_not_the_statistics(srv):
    cid, ids, fid = populate(srv)
    whole, gold = metrics(srv), metrics(srv, segment="Gold")
    by_account = metrics(srv, account="Kowalski Trans")
    assert whole[0]["n"] == 4 and gold[0]["n"] == 4

    got = call(srv, "POST", "/api/v1/customers/ext:P-1/erase")
    assert got.status_code == 200, got.text
    doc = got.json()
    assert doc["id"] == cid and doc["already_erased"] is False
    assert doc["removed"] == {"comments": 1, "text_answers": 1, "feedback_texts": 1,
                              "case_notes": 1, "invitations_detached": 1}

    assert metrics(srv) == whole, "n and NPS unchanged"
    assert metrics(srv, segment="Gold") == gold, "still counted in the segment"
    assert metrics(srv, account="Kowalski Trans") == by_account

    export = call(srv, "GET", "/api/v1/customers/%d/export" % cid, role="analyst")
    assert export.status_code == 200, export.text
    text = export.text
    for secret in ("Jan Kowalski", "p-1@example.com", "P-1", "Warszawa", SECRET_COMMENT,
                   SECRET_ANSWER, SECRET_FEEDBACK, SECRET_NOTE):
        assert secret not in text, secret
    e = export.json()
    assert e["customer"]["erased_at"] is not None and e["customer"]["external_id"] is None
    assert e["customer"]["segment"]["name"] == "Gold"
    assert [r["score"] for r in e["responses"]] == [2, 9]
    assert [r["comment"] for r in e["responses"]] == [None, None]
    assert e["invitations"] == []
    assert e["feedback_items"][0]["rating"] == 1 and e["feedback_items"][0]["text"] == ""

    back = call(srv, "GET", "/api/v1/responses/%d" % ids[0], role="viewer").json()
    assert back["comment"] is None and back["score"] == 2
    assert SECRET_ANSWER not in json.dumps(back, ensure_ascii=False)
    assert back["answers"]["komentarz"] is None, "a removed text is null, not 0"
    assert {"question": "komentarz", "kind": "text", "number": None, "text": None} in \
        e["responses"][0]["answers"], "the free-text answer is kept as a skip, its text gone"
    assert call(srv, "GET", "/api/v1/feedback/%d" % fid, role="viewer").json()["text"] == ""
    other = call(srv, "GET", "/api/v1/responses/%d" % ids[2], role="viewer").json()
    assert other["comment"] == "Wszystko dobrze", "nobody else is touched"

    # idempotent: by id again, nothing more changes; the external id is gone
    again = call(srv, "POST", "/api/v1/customers/%d/erase" % cid)
    assert again.status_code == 200 and again.json()["already_erased"] is True
    assert again.json()["erased_at"] == doc["erased_at"]
    harness.api_error(call(srv, "POST", "/api/v1/customers/ext:P-1/erase"), 404, "not_found")
    harness.api_error(call(srv, "PUT", "/api/v1/customers/%d" % cid, {"name": "Jan"}), 409,
                      "conflict")
    erased = [e for e in srv.api().audit() if e["action"] == "customer_erased"]
    assert len(erased) == 1 and "comments=1" in erased[0]["detail"]
    # the same external id later is a new person
    new = call(srv, "POST", "/api/v1/customers", {"external_id": "P-1", "name": "Nowy"})
    assert new.status_code == 201 and new.json()["customer"]["id"] != cid


def test_cli_export_and_erase(srv):
    cid, ids, fid = populate(srv)
    out = os.path.join(os.path.dirname(srv.db), "export.json")
    harness.run_ok(["customer", "export", "--db", srv.db, "--external-id", "P-1", "--out", out])
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    with open(out, encoding="utf-8") as f:
        doc = json.load(f)
    assert doc["customer"]["name"] == "Jan Kowalski"
    assert doc["responses"][0]["comment"] == SECRET_COMMENT
    printed = harness.run_ok(["customer", "export", "--db", srv.db, "--id", str(cid)])
    assert json.loads(printed.stdout)["feedback_items"][0]["text"] == SECRET_FEEDBACK

    refused = harness.run(["customer", "erase", "--db", srv.db, "--id", str(cid)])
    assert refused.returncode == 2 and "--yes" in refused.stderr
    both = harness.run(["customer", "export", "--db", srv.db, "--id", "1", "--external-id", "x"])
    assert both.returncode == 2
    missing = harness.run(["customer", "export", "--db", srv.db, "--external-id", "nobody"])
    assert missing.returncode == 1 and "nobody" in missing.stderr
    before = metrics(srv)
    done = harness.run_ok(["customer", "erase", "--db", srv.db, "--id", str(cid), "--yes"])
    assert "customer %d erased: 1 comment(s), 1 free-text answer(s), 1 feedback text(s)" % cid \
        in done.stdout
    again = harness.run_ok(["customer", "erase", "--db", srv.db, "--id", str(cid), "--yes"])
    assert "erased already" in again.stdout
    printed = harness.run_ok(["customer", "export", "--db", srv.db, "--id", str(cid)])
    assert "Jan Kowalski" not in printed.stdout and SECRET_COMMENT not in printed.stdout
    assert metrics(srv) == before


def retention(db, *args):
    return harness.run_ok(["retention", "--db", db] + list(args)).stdout


def counts_of(line):
    m = re.search(r"(\d+) comment\(s\), (\d+) free-text answer\(s\), (\d+) feedback text\(s\)",
                  line)
    assert m, line
    return tuple(int(x) for x in m.groups())


def old_and_new(srv):
    old = call(srv, "POST", "/api/v1/responses", {
        "survey": 1, "score": 3, "comment": "stary komentarz",
        "answers": {"komentarz": "stara odpowiedź"}, "submitted_at": "2025-01-10T10:00:00Z"})
    new = call(srv, "POST", "/api/v1/responses", {"survey": 1, "score": 8,
                                                  "comment": "nowy komentarz"})
    fb_old = call(srv, "POST", "/api/v1/feedback", {"source": "review", "text": "stara opinia",
                                                   "received_at": "2025-01-11T10:00:00Z"})
    fb_new = call(srv, "POST", "/api/v1/feedback", {"source": "review", "text": "nowa opinia"})
    for r in (old, new, fb_old, fb_new):
        assert r.status_code == 201, r.text
    return old.json()["id"], new.json()["id"], fb_old.json()["id"], fb_new.json()["id"]


def test_retention_dry_run_then_apply(srv):
    old, new, fb_old, fb_new = old_and_new(srv)
    assert "retention is off" in retention(srv.db)
    before = metrics(srv)
    dry = retention(srv.db, "--days", "30")
    assert "would remove" in dry and counts_of(dry) == (1, 1, 1)
    assert call(srv, "GET", "/api/v1/responses/%d" % old, role="viewer").json()["comment"] == \
        "stary komentarz", "a dry run changes nothing"

    assert "set to 30 day(s)" in retention(srv.db, "--set-days", "30")
    assert counts_of(retention(srv.db)) == (1, 1, 1)
    applied = retention(srv.db, "--apply")
    assert "removed" in applied and counts_of(applied) == (1, 1, 1)
    r_old = call(srv, "GET", "/api/v1/responses/%d" % old, role="viewer").json()
    assert r_old["comment"] is None and r_old["score"] == 3
    assert "stara odpowiedź" not in json.dumps(r_old, ensure_ascii=False)
    assert call(srv, "GET", "/api/v1/responses/%d" % new, role="viewer").json()["comment"] == \
        "nowy komentarz"
    assert call(srv, "GET", "/api/v1/feedback/%d" % fb_old, role="viewer").json()["text"] == ""
    assert call(srv, "GET", "/api/v1/feedback/%d" % fb_new, role="viewer").json()["text"] == \
        "nowa opinia"
    assert counts_of(retention(srv.db)) == (0, 0, 0)
    assert metrics(srv) == before
    actions = [e["action"] for e in srv.api().audit()]
    assert "retention_applied" in actions and "setting_changed" in actions

    bad = harness.run(["retention", "--db", srv.db, "--days", "0"])
    assert bad.returncode == 2
    bad = harness.run(["retention", "--db", srv.db, "--set-days", "5", "--apply"])
    assert bad.returncode == 2


def test_the_server_applies_retention_when_it_starts(tmp_path):
    db = harness.init_db(str(tmp_path / "cx.db"))
    harness.run_ok(["survey", "create", "--db", db, "--kind", "nps", "--name", "Relacja"])
    first = harness.Server(db, tmp_path).start()
    try:
        old, new, fb_old, fb_new = old_and_new(first)
    finally:
        first.stop()
    retention(db, "--set-days", "90")
    second = harness.Server(db, tmp_path).start()
    try:
        second._keys = first._keys
        deadline = time.time() + 20
        while time.time() < deadline:
            got = call(second, "GET", "/api/v1/responses/%d" % old, role="viewer").json()
            if got["comment"] is None:
                break
            time.sleep(0.1)
        assert got["comment"] is None and got["score"] == 3
        assert call(second, "GET", "/api/v1/responses/%d" % new,
                    role="viewer").json()["comment"] == "nowy komentarz"
        assert call(second, "GET", "/api/v1/feedback/%d" % fb_old,
                    role="viewer").json()["text"] == ""
        entries = [e for e in second.api().audit() if e["action"] == "retention_applied"]
        assert entries and entries[0]["actor"] == "retention"
    finally:
        second.stop()
