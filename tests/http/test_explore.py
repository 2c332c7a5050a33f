"""GET /explore and /explore.csv, black box.

On a generated organisation with one hostile touchpoint name imported on
top: the page answers a view given in its address with a chart and a table
whose figures are those of GET /api/v1/metrics, escapes every label, names a
bad view with status 400, and the CSV is the same table; roles apply.
"""
import csv
import io

import pytest
import requests

import harness

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    d = tmp_path_factory.mktemp("explore")
    db = harness.init_db(str(d / "cx.db"))
    harness.run_ok(["gen", "--db", db, "--responses", "3000", "--seed", "5", "--end",
                    "2026-10-31"], timeout=300)
    rows = d / "hostile.csv"
    rows.write_text("submitted_at,score,touchpoint\n2026-10-30 10:00,9,%s\n2026-10-30 11:00,3,%s\n"
                    % (csv_quote(HOSTILE), csv_quote(HOSTILE)), encoding="utf-8")
    harness.run_ok(["import", "responses", "--db", db, "--survey", "nps-relacja", str(rows)])
    server = harness.Server(db, d).start()
    yield server
    server.stop()


def csv_quote(text):
    return '"' + text.replace('"', '""') + '"'


def test_a_view_in_the_address_matches_the_api(srv):
    admin = srv.admin()
    got = admin.get("/explore?metric=nps&by=quarter")
    assert got.status_code == 200, got.text
    page = got.text
    assert 'id="chart-explore"' in page
    api = requests.get(srv.url("/api/v1/metrics"), params={"metric": "nps", "by": "quarter"},
                       headers={"Authorization": "Bearer " + srv.key("viewer")}, timeout=30).json()
    for row in api["rows"]:
        assert ">%s</th>" % row["quarter"] in page
        assert ">{:,}</td>".format(row["n"]) in page or (">%d</td>" % row["n"]) in page


def test_labels_are_escaped_everywhere(srv):
    admin = srv.admin()
    page = admin.get("/explore?metric=nps&by=touchpoint").text
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # the filter's list holds the name too, escaped in an attribute
    assert 'value="&lt;script&gt;' in page


def test_csv_is_the_same_table(srv):
    admin = srv.admin()
    got = admin.get("/explore.csv?metric=csat&by=segment")
    assert got.status_code == 200
    assert got.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in got.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(got.text)))
    assert table[0][:3] == ["segment", "value", "ci_low"]
    api = requests.get(srv.url("/api/v1/metrics"), params={"metric": "csat", "by": "segment"},
                       headers={"Authorization": "Bearer " + srv.key("viewer")}, timeout=30).json()
    assert [r[0] for r in table[1:]] == [r["segment"] for r in api["rows"]]
    for line, row in zip(table[1:], api["rows"]):
        assert abs(float(line[1]) - row["value"]) < 1e-3
        assert int(line[4]) == row["n"]
    hostile = admin.get("/explore.csv?metric=nps&by=touchpoint").text
    assert HOSTILE.replace('"', '""') in hostile, "a label with quotes is quoted, not broken"


@pytest.mark.parametrize("query", ["metric=happiness", "metric=nps&segment=Martians",
                                   "metric=nps&from=2026-02-30", "metric=nps&by=colour",
                                   "metric=nps&colour=red"])
def test_a_bad_view_says_why(srv, query):
    admin = srv.admin()
    got = admin.get("/explore?" + query)
    assert got.status_code == 400
    assert 'role="alert"' in got.text
    assert "<form" in got.text, "the form stays, to correct the view"
    assert admin.get("/explore.csv?" + query).status_code == 400


def test_roles(srv):
    srv.add_user("vera", "viewer")
    viewer = srv.client()
    viewer.login("vera", harness.USER_PASSWORD)
    assert viewer.get("/explore").status_code == 403
    assert viewer.get("/explore.csv?metric=nps").status_code == 403
    srv.add_user("ania", "analyst")
    analyst = srv.client()
    analyst.login("ania", harness.USER_PASSWORD)
    assert analyst.get("/explore?metric=ces&by=month").status_code == 200
    anonymous = requests.get(srv.url("/explore"), allow_redirects=False, timeout=30)
    assert anonymous.status_code == 303
