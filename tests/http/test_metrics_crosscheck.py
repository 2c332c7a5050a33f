"""The metrics engine against an independent implementation.

`cxloop gen` writes a realistic organisation; `cxloop metrics` computes NPS,
CSAT and CES with intervals, changes, p-values and Benjamini-Hochberg
q-values. The same figures are computed here from the raw rows with
scipy.stats and statsmodels (Debian's python3-scipy and
python3-statsmodels), in the organisation's time zone, and must agree.
"""
import json
import math
import os
import sqlite3
import time
from collections import defaultdict

import pytest
import requests
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

import harness


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("crosscheck") / "gen.db")
    harness.run_ok(["gen", "--db", path, "--responses", "30000", "--seed", "11"], timeout=300)
    return path


def metrics(database, *args):
    done = harness.run_ok(["metrics", "--db", database, "--format", "json", *args])
    return json.loads(done.stdout)


def rows_of(database, kind):
    """(local month, segment name, score or None) of every response of a kind."""
    os.environ["TZ"] = "Europe/Warsaw"
    time.tzset()
    con = sqlite3.connect(database)
    cur = con.execute(
        "SELECT strftime('%Y-%m', r.submitted_at, 'unixepoch', 'localtime'),"
        " coalesce(sg.name, '(none)'), CASE WHEN q.scale_inverted = 1 THEN 8 - r.score"
        " ELSE r.score END"
        " FROM responses r JOIN surveys s ON s.id = r.survey_id"
        " JOIN questions q ON q.survey_id = s.id AND q.is_main = 1"
        " LEFT JOIN customers c ON c.id = r.customer_id"
        " LEFT JOIN segments sg ON sg.id = c.segment_id WHERE s.kind = ?", (kind,))
    out = cur.fetchall()
    con.close()
    return out


def nps_of(scores):
    n = len(scores)
    p = sum(1 for s in scores if s >= 9) / n
    d = sum(1 for s in scores if s <= 6) / n
    value = 100 * (p - d)
    se = 100 * math.sqrt((p + d - (p - d) ** 2) / n)
    return value, se, n


def close(a, b, tol=2e-4):
    return a is not None and abs(a - b) <= tol * max(1.0, abs(b))


def test_nps_by_month_with_changes_and_fdr(database):
    doc = metrics(database, "--metric", "nps", "--by", "month")
    by_month = defaultdict(list)
    skipped = defaultdict(int)
    for month, _, score in rows_of(database, "nps"):
        if score is None:
            skipped[month] += 1
        else:
            by_month[month].append(score)
    months = sorted(by_month)
    assert [r["month"] for r in doc["rows"]] == months
    z = stats.norm.ppf(0.975)
    pvalues = []
    for i, row in enumerate(doc["rows"]):
        value, se, n = nps_of(by_month[row["month"]])
        assert row["n"] == n
        assert row["skipped"] == skipped[row["month"]]
        assert close(row["value"], value)
        assert close(row["ci_low"], max(-100, value - z * se))
        assert close(row["ci_high"], min(100, value + z * se))
        assert row["small_sample"] == (n < 30)
        if i == 0:
            assert row["change"] is None
            continue
        prev_value, prev_se, _ = nps_of(by_month[months[i - 1]])
        diff = value - prev_value
        zstat = diff / math.sqrt(se ** 2 + prev_se ** 2)
        p = 2 * stats.norm.sf(abs(zstat))
        assert close(row["change"], diff)
        assert abs(row["p_value"] - p) < 1e-9
        pvalues.append((row["p_value"], row["q_value"]))
    qs = multipletests([p for p, _ in pvalues], method="fdr_bh")[1]
    for (_, q), expected in zip(pvalues, qs):
        assert abs(q - expected) < 1e-9
    assert doc["fdr"] == "benjamini-hochberg"


def test_csat_by_segment_with_wilson_intervals(database):
    doc = metrics(database, "--metric", "csat", "--by", "segment")
    by_segment = defaultdict(list)
    for _, segment, score in rows_of(database, "csat"):
        if score is not None:
            by_segment[segment].append(score)
    assert {r["segment"] for r in doc["rows"]} == set(by_segment)
    for row in doc["rows"]:
        scores = by_segment[row["segment"]]
        top2 = sum(1 for s in scores if s >= 4)
        low, high = proportion_confint(top2, len(scores), alpha=0.05, method="wilson")
        assert row["n"] == len(scores)
        assert close(row["value"], 100 * top2 / len(scores))
        assert close(row["ci_low"], 100 * low)
        assert close(row["ci_high"], 100 * high)


def test_ces_counts_easy_answers_after_turning_inverted_scales(database):
    doc = metrics(database, "--metric", "ces")
    scores = [s for _, _, s in rows_of(database, "ces") if s is not None]
    assert doc["rows"][0]["n"] == len(scores)
    assert close(doc["rows"][0]["value"], 100 * sum(1 for s in scores if s >= 5) / len(scores))


def test_bad_queries_are_usage_errors(database):
    for args in (["--metric", "happiness"], ["--metric", "nps", "--by", "colour"],
                 ["--metric", "nps", "--from", "2026-02-30"],
                 ["--metric", "nps", "--where", "segment=Martians"]):
        done = harness.run(["metrics", "--db", database, *args])
        assert done.returncode == 2, args
        assert done.stderr.startswith("cxloop: ")


def test_the_api_answers_with_the_same_document(database, tmp_path):
    srv = harness.Server(database, tmp_path).start()
    try:
        key = srv.key("viewer")
        auth = {"Authorization": "Bearer " + key}
        for params, args in (
                ({"metric": "nps", "by": "month,segment", "from": "2026-01-01"},
                 ["--metric", "nps", "--by", "month,segment", "--from", "2026-01-01"]),
                ({"metric": "csat", "by": "quarter", "segment": "Premium,Basic"},
                 ["--metric", "csat", "--by", "quarter", "--where", "segment=Premium,Basic"])):
            got = requests.get(srv.url("/api/v1/metrics"), params=params, headers=auth, timeout=30)
            assert got.status_code == 200, got.text
            assert got.json() == metrics(database, *args)
        bad = requests.get(srv.url("/api/v1/metrics"), params={"metric": "nps", "colour": "red"},
                           headers=auth, timeout=30)
        assert bad.status_code == 400
        assert bad.json()["error"]["field"] == "colour"
        unknown = requests.get(srv.url("/api/v1/metrics"),
                               params={"metric": "nps", "segment": "Martians"}, headers=auth,
                               timeout=30)
        assert unknown.status_code == 400
        assert unknown.json()["error"]["field"] == "segment"
        assert requests.get(srv.url("/api/v1/metrics"), params={"metric": "nps"},
                            timeout=30).status_code == 401
    finally:
        srv.stop()
