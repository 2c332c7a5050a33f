"""The customers API, black box: POST /api/v1/customers (one object or
NDJSON, upsert by external_id, Idempotency-Key), GET list with filters and
cursor, GET/PUT/DELETE /api/v1/customers/REF (REF a number or ext:ID), and
PUT/DELETE /api/v1/feedback/ID.

What it relies on: harness.py and a fresh database per module; customer
records are personal data, so reads need an agent or analyst key, writes
a manager's. What it must never do: pass on a status code alone — every
write is read back.
"""
import json

import pytest
import requests

import harness


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    d = tmp_path_factory.mktemp("customers")
    db = harness.init_db(str(d / "cx.db"))
    harness.run_ok(["survey", "create", "--db", db, "--kind", "nps", "--name", "Relacja"])
    server = harness.Server(db, d).start()
    yield server
    server.stop()


def call(srv, method, path, body=None, role="manager", headers=None, ndjson=None):
    h = {"Authorization": "Bearer " + srv.key(role)}
    data = None
    if ndjson is not None:
        h["Content-Type"] = "application/x-ndjson"
        data = "".join((l if isinstance(l, str) else json.dumps(l)) + "\n" for l in ndjson)
        data = data.encode("utf-8")
    elif body is not None:
        h["Content-Type"] = "application/json"
        data = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
    h.update(headers or {})
    return requests.request(method, srv.url(path), data=data, headers=h, timeout=30)


def get(srv, path, role="analyst", **params):
    return requests.get(srv.url(path), params=params,
                        headers={"Authorization": "Bearer " + srv.key(role)}, timeout=30)


def test_upsert_creates_then_updates_partially(srv):
    got = call(srv, "POST", "/api/v1/customers", {
        "external_id": "C-100", "name": "Anna Nowak", "email": "anna@example.com",
        "language": "pl", "segment": "Premium", "account": "Acme sp. z o.o.",
        "revenue": 1200.5, "cost_to_serve": 300, "joined_at": "2024-03-01",
        "attributes": {"plan": "gold", "lines": 3}})
    assert got.status_code == 201, got.text
    doc = got.json()
    assert doc["created"] is True
    assert doc["new_segments"] == ["Premium"] and doc["new_accounts"] == ["Acme sp. z o.o."]
    c = doc["customer"]
    assert got.headers["Location"] == "/api/v1/customers/%d" % c["id"]
    assert (c["name"], c["email"], c["segment"], c["account"]) == (
        "Anna Nowak", "anna@example.com", "Premium", "Acme sp. z o.o.")
    assert c["revenue"] == 1200.5 and c["cost_to_serve"] == 300
    assert c["joined_at"] == "2024-03-01T00:00:00Z" and c["churned_at"] is None
    assert c["attributes"] == {"lines": 3, "plan": "gold"}

    # partial: only the churn date and the name change; the rest stays
    got = call(srv, "POST", "/api/v1/customers", {
        "external_id": "C-100", "name": "Anna Nowak-Kowalska",
        "churned_at": "2026-10-01T12:00:00Z"})
    assert got.status_code == 200, got.text
    assert got.json()["created"] is False and got.json()["new_segments"] == []
    back = get(srv, "/api/v1/customers/%d" % c["id"])
    assert back.status_code == 200, back.text
    b = back.json()
    assert b["name"] == "Anna Nowak-Kowalska" and b["email"] == "anna@example.com"
    assert b["segment"] == "Premium" and b["revenue"] == 1200.5
    assert b["churned_at"] == "2026-10-01T12:00:00Z"
    # the same record by external id
    by_ext = get(srv, "/api/v1/customers/ext:C-100")
    assert by_ext.status_code == 200 and by_ext.json() == b
    # null clears
    got = call(srv, "PUT", "/api/v1/customers/ext:C-100", {"churned_at": None, "segment": None})
    assert got.status_code == 200, got.text
    assert got.json()["customer"]["churned_at"] is None
    assert got.json()["customer"]["segment"] is None
    assert got.json()["customer"]["account"] == "Acme sp. z o.o."


def test_an_existing_account_is_found_by_external_id_or_name(srv):
    first = call(srv, "POST", "/api/v1/customers", {"external_id": "C-A1", "account": "Beta SA"})
    assert first.json()["new_accounts"] == ["Beta SA"]
    second = call(srv, "POST", "/api/v1/customers", {"external_id": "C-A2", "account": "Beta SA"})
    assert second.json()["new_accounts"] == []
    assert second.json()["customer"]["account"] == "Beta SA"


@pytest.mark.parametrize("body, field", [
    ({"name": "no id"}, "external_id"),
    ({"external_id": ""}, "external_id"),
    ({"external_id": "X", "email": "not-an-address"}, "email"),
    ({"external_id": "X", "language": "de"}, "language"),
    ({"external_id": "X", "revenue": -1}, "revenue"),
    ({"external_id": "X", "revenue": "100"}, "revenue"),
    ({"external_id": "X", "churned_at": "yesterday"}, "churned_at"),
    ({"external_id": "X", "attributes": [1, 2]}, "attributes"),
    ({"external_id": "X", "attributes": {"nested": {"a": 1}}}, "attributes"),
    ({"external_id": "X", "colour": "red"}, "colour"),
])
def test_bad_fields_are_named_and_nothing_is_stored(srv, body, field):
    got = call(srv, "POST", "/api/v1/customers", body)
    harness.api_error(got, 400, "invalid_input", field)
    assert get(srv, "/api/v1/customers/ext:X").status_code == 404


def test_ndjson_bulk_lands_whole_or_not_at_all(srv):
    lines = [{"external_id": "B-%d" % i, "name": "Bulk %d" % i, "segment": "Bulk"}
             for i in range(5)]
    bad = list(lines)
    bad[1] = {"external_id": "B-1", "language": "xx"}
    bad[3] = "{not json"
    bad.append({"external_id": "B-9", "revenue": -5, "colour": 1})
    got = call(srv, "POST", "/api/v1/customers", ndjson=bad)
    assert got.status_code == 400, got.text
    err = got.json()["error"]
    assert err["code"] == "invalid_input"
    named = sorted({(e["line"], e.get("field")) for e in err["lines"]})
    assert named == [(2, "language"), (4, None), (6, "colour"), (6, "revenue")]
    assert get(srv, "/api/v1/customers", segment="Bulk").json()["customers"] == []
    assert get(srv, "/api/v1/customers/ext:B-0").status_code == 404

    got = call(srv, "POST", "/api/v1/customers", ndjson=lines)
    assert got.status_code == 201, got.text
    doc = got.json()
    assert (doc["count"], doc["created"], doc["updated"]) == (5, 5, 0)
    assert doc["new_segments"] == ["Bulk"]
    listed = get(srv, "/api/v1/customers", segment="Bulk").json()["customers"]
    assert [c["external_id"] for c in listed] == ["B-%d" % i for i in range(5)]
    again = call(srv, "POST", "/api/v1/customers", ndjson=lines[:2])
    assert (again.json()["created"], again.json()["updated"]) == (0, 2)


def test_idempotency_key_replays_and_refuses_another_body(srv):
    h = {"Idempotency-Key": "cust-key-1"}
    first = call(srv, "POST", "/api/v1/customers", {"external_id": "I-1", "name": "One"},
                 headers=h)
    assert first.status_code == 201, first.text
    replay = call(srv, "POST", "/api/v1/customers", {"external_id": "I-1", "name": "One"},
                  headers=h)
    assert replay.status_code == 201
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json() == first.json()
    other = call(srv, "POST", "/api/v1/customers", {"external_id": "I-1", "name": "Two"},
                 headers=h)
    harness.api_error(other, 409, "conflict", "Idempotency-Key")
    assert get(srv, "/api/v1/customers/ext:I-1").json()["name"] == "One"


def test_filters_and_cursor_paging(srv):
    rows = [{"external_id": "P-%02d" % i, "name": "Paged %02d" % i, "segment": "Paging",
             "account": "Pager %d" % (i % 2), "email": "p%d@example.org" % i,
             "churned_at": "2026-01-01" if i % 3 == 0 else None} for i in range(12)]
    assert call(srv, "POST", "/api/v1/customers", ndjson=rows).status_code == 201
    seen, cursor = [], None
    while True:
        params = {"segment": "Paging", "limit": 5}
        if cursor:
            params["cursor"] = cursor
        page = get(srv, "/api/v1/customers", **params).json()
        seen += [c["external_id"] for c in page["customers"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["P-%02d" % i for i in range(12)]
    churned = get(srv, "/api/v1/customers", segment="Paging", churned="true").json()
    assert [c["external_id"] for c in churned["customers"]] == ["P-00", "P-03", "P-06", "P-09"]
    pager1 = get(srv, "/api/v1/customers", account="Pager 1", churned="false").json()
    assert [c["external_id"] for c in pager1["customers"]] == ["P-01", "P-05", "P-07", "P-11"]
    q = get(srv, "/api/v1/customers", q="P7@EXAMPLE").json()
    assert [c["external_id"] for c in q["customers"]] == ["P-07"]
    harness.api_error(get(srv, "/api/v1/customers", churned="maybe"), 400, "invalid_input",
                      "churned")
    harness.api_error(get(srv, "/api/v1/customers", limit="0"), 400, "invalid_input", "limit")
    harness.api_error(get(srv, "/api/v1/customers", sort="name"), 400, "invalid_input", "sort")


def test_roles(srv):
    assert get(srv, "/api/v1/customers", role="agent").status_code == 200
    assert get(srv, "/api/v1/customers", role="analyst").status_code == 200
    harness.api_error(get(srv, "/api/v1/customers", role="viewer"), 403, "forbidden")
    harness.api_error(get(srv, "/api/v1/customers/ext:C-100", role="viewer"), 403, "forbidden")
    for role in ("viewer", "agent", "analyst"):
        got = call(srv, "POST", "/api/v1/customers", {"external_id": "R-1"}, role=role)
        harness.api_error(got, 403, "forbidden")
    assert get(srv, "/api/v1/customers/ext:R-1").status_code == 404
    harness.api_error(call(srv, "POST", "/api/v1/customers/ext:C-100/erase", role="analyst"),
                      403, "forbidden")


def test_delete_without_history_and_409_with_history(srv):
    made = call(srv, "POST", "/api/v1/customers", {"external_id": "D-1"}).json()["customer"]
    got = call(srv, "DELETE", "/api/v1/customers/%d" % made["id"])
    assert got.status_code == 204, got.text
    assert get(srv, "/api/v1/customers/%d" % made["id"]).status_code == 404
    harness.api_error(call(srv, "DELETE", "/api/v1/customers/%d" % made["id"]), 404, "not_found")

    with_history = call(srv, "POST", "/api/v1/responses",
                        {"survey": 1, "score": 3, "customer": "D-2"})
    assert with_history.status_code == 201, with_history.text
    got = call(srv, "DELETE", "/api/v1/customers/ext:D-2")
    err = harness.api_error(got, 409, "conflict")
    assert "/erase" in err["message"] and "1 response" in err["message"]
    assert get(srv, "/api/v1/customers/ext:D-2").status_code == 200
    actions = [e["action"] for e in srv.api().audit()]
    assert "customer_deleted" in actions and "customer_created" in actions


def test_unknown_references_are_404(srv):
    for ref in ("999999", "ext:nobody", "0", "-1", "abc", "ext:"):
        harness.api_error(get(srv, "/api/v1/customers/" + ref), 404, "not_found")
    harness.api_error(call(srv, "PUT", "/api/v1/customers/999999", {"name": "x"}), 404,
                      "not_found")


def test_feedback_put_and_delete(srv):
    made = call(srv, "POST", "/api/v1/feedback", {
        "source": "complaint", "text": "Faktura jest za wysoka", "customer": "F-1",
        "rating": 2})
    assert made.status_code == 201, made.text
    item = made.json()
    assert item["customer_id"] is not None
    got = call(srv, "PUT", "/api/v1/feedback/%d" % item["id"],
               {"text": "Faktura była za wysoka", "rating": None})
    assert got.status_code == 200, got.text
    back = get(srv, "/api/v1/feedback/%d" % item["id"], role="viewer").json()
    assert back["text"] == "Faktura była za wysoka" and back["rating"] is None
    assert back["source"] == "complaint" and back["customer_id"] == item["customer_id"]
    harness.api_error(call(srv, "PUT", "/api/v1/feedback/%d" % item["id"], {"source": "letter"}),
                      400, "invalid_input", "source")
    harness.api_error(call(srv, "PUT", "/api/v1/feedback/%d" % item["id"], {"text": ""}),
                      400, "invalid_input", "text")
    assert get(srv, "/api/v1/feedback/%d" % item["id"], role="viewer").json() == back
    harness.api_error(call(srv, "PUT", "/api/v1/feedback/%d" % item["id"], {"text": "x"},
                           role="analyst"), 403, "forbidden")
    assert call(srv, "DELETE", "/api/v1/feedback/%d" % item["id"]).status_code == 204
    harness.api_error(get(srv, "/api/v1/feedback/%d" % item["id"], role="viewer"), 404,
                      "not_found")
    harness.api_error(call(srv, "DELETE", "/api/v1/feedback/%d" % item["id"]), 404, "not_found")
    actions = [e["action"] for e in srv.api().audit()]
    assert "feedback_updated" in actions and "feedback_deleted" in actions
