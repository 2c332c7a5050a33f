"""The benchmark queries of bench/metrics, as SQL for SQLite and DuckDB.

The same twelve questions engine_bench.c asks the metrics engine, with the
same meaning: NPS counts answered scores only, periods are local dates in
the organisation's time zone, "last N days" ends at the newest day in the
data. Each entry: (name, SQL for SQLite over the store, SQL for DuckDB over
the denormalised in-memory table `r`). {newest} is replaced by the newest
local date ('YYYY-MM-DD').
"""

NPS = ("100.0 * (sum(CASE WHEN score >= 9 THEN 1 ELSE 0 END)"
       " - sum(CASE WHEN score <= 6 THEN 1 ELSE 0 END)) / count(score) AS value,"
       " count(score) AS n")
CSAT = "100.0 * sum(CASE WHEN score >= 4 THEN 1 ELSE 0 END) / count(score) AS value, count(score) AS n"
CES = "100.0 * sum(CASE WHEN score >= 5 THEN 1 ELSE 0 END) / count(score) AS value, count(score) AS n"

# SQLite: the store as it is, local dates computed in the query.
S_DAY = "date(resp.submitted_at, 'unixepoch', 'localtime')"
S_FROM = (" FROM responses resp JOIN surveys s ON s.id = resp.survey_id"
          " LEFT JOIN customers c ON c.id = resp.customer_id"
          " LEFT JOIN touchpoints t ON t.id = resp.touchpoint_id")
S_SCORE = "resp.score"


def s_metric(expr):
    return expr.replace("score", S_SCORE)


def sqlite_queries():
    month = f"strftime('%Y-%m', resp.submitted_at, 'unixepoch', 'localtime')"
    quarter = (f"strftime('%Y', resp.submitted_at, 'unixepoch', 'localtime') || '-Q' ||"
               f" ((cast(strftime('%m', resp.submitted_at, 'unixepoch', 'localtime') AS int) + 2) / 3)")
    week = f"strftime('%Y-%W', resp.submitted_at, 'unixepoch', 'localtime')"
    nps, csat, ces = s_metric(NPS), s_metric(CSAT), s_metric(CES)
    last = lambda n: f" AND {S_DAY} > date('{{newest}}', '-{n} days')"
    return [
        ("q1", f"SELECT {nps}{S_FROM} WHERE s.kind = 'nps'"),
        ("q2", f"SELECT {month}, {nps}{S_FROM} WHERE s.kind = 'nps' GROUP BY 1"),
        ("q3", f"SELECT {month}, c.segment_id, {nps}{S_FROM} WHERE s.kind = 'nps'{last(365)} GROUP BY 1, 2"),
        ("q4", f"SELECT resp.touchpoint_id, {nps}{S_FROM} WHERE s.kind = 'nps' AND resp.channel = 'email'{last(90)} GROUP BY 1"),
        ("q5", f"SELECT c.segment_id, {quarter}, {csat}{S_FROM} WHERE s.kind = 'csat' GROUP BY 1, 2"),
        ("q6", f"SELECT {week}, {nps}{S_FROM} WHERE s.kind = 'nps' AND resp.survey_id = 1 AND c.segment_id IN (1, 2) GROUP BY 1"),
        ("q7", f"SELECT resp.channel, count(*){S_FROM} GROUP BY 1"),
        ("q8", f"SELECT t.stage_id, {nps}{S_FROM} WHERE s.kind = 'nps'{last(30)} GROUP BY 1"),
        ("q9", f"SELECT resp.touchpoint_id, {month}, {ces}{S_FROM} WHERE s.kind = 'ces'{last(180)} GROUP BY 1, 2"),
        ("q10", f"SELECT c.value_tier, {nps}{S_FROM} WHERE s.kind = 'nps' GROUP BY 1"),
        ("q11", f"SELECT resp.language, {quarter}, {nps}{S_FROM} WHERE s.kind = 'nps' GROUP BY 1, 2"),
        ("q12", f"SELECT {S_DAY}, {nps}{S_FROM} WHERE s.kind = 'nps'{last(90)} GROUP BY 1"),
        ("q13", f"SELECT {quarter}, {nps}{S_FROM} WHERE s.kind = 'enps' GROUP BY 1"),
        ("q14", f"SELECT resp.touchpoint_id, {csat}{S_FROM} WHERE s.kind = 'csat'{last(90)} GROUP BY 1"),
        ("q15", f"SELECT c.segment_id, resp.channel, {nps}{S_FROM} WHERE s.kind = 'nps' GROUP BY 1, 2"),
        ("q16", f"SELECT resp.survey_id, {month}, count(*){S_FROM} GROUP BY 1, 2"),
        ("q17", f"SELECT t.stage_id, {quarter}, {ces}{S_FROM} WHERE s.kind = 'ces' GROUP BY 1, 2"),
        ("q18", f"SELECT t.stage_id, {csat}{S_FROM} WHERE s.kind = 'csat'{last(30)} GROUP BY 1"),
        ("q19", f"SELECT c.value_tier, {month}, {nps}{S_FROM} WHERE s.kind = 'nps'{last(180)} GROUP BY 1, 2"),
        ("q20", f"SELECT resp.language, {week}, count(*){S_FROM} WHERE 1{last(90)} GROUP BY 1, 2"),
        ("q21", f"SELECT c.account_id, {nps}{S_FROM} WHERE s.kind = 'nps'{last(365)} GROUP BY 1"),
        ("q22", f"SELECT json_extract(c.attributes, '$.type'), {quarter}, {nps}{S_FROM} WHERE s.kind = 'nps' GROUP BY 1, 2"),
    ]


def duckdb_queries():
    last = lambda n: f" AND day > DATE '{{newest}}' - INTERVAL {n} DAY"
    month = "strftime(day, '%Y-%m')"
    quarter = "year(day) || '-Q' || quarter(day)"
    week = "yearweek(day)"
    return [
        ("q1", f"SELECT {NPS} FROM r WHERE kind = 'nps'"),
        ("q2", f"SELECT {month}, {NPS} FROM r WHERE kind = 'nps' GROUP BY 1"),
        ("q3", f"SELECT {month}, segment_id, {NPS} FROM r WHERE kind = 'nps'{last(365)} GROUP BY 1, 2"),
        ("q4", f"SELECT touchpoint_id, {NPS} FROM r WHERE kind = 'nps' AND channel = 'email'{last(90)} GROUP BY 1"),
        ("q5", f"SELECT segment_id, {quarter}, {CSAT} FROM r WHERE kind = 'csat' GROUP BY 1, 2"),
        ("q6", f"SELECT {week}, {NPS} FROM r WHERE kind = 'nps' AND survey_id = 1 AND segment_id IN (1, 2) GROUP BY 1"),
        ("q7", "SELECT channel, count(*) FROM r GROUP BY 1"),
        ("q8", f"SELECT stage_id, {NPS} FROM r WHERE kind = 'nps'{last(30)} GROUP BY 1"),
        ("q9", f"SELECT touchpoint_id, {month}, {CES} FROM r WHERE kind = 'ces'{last(180)} GROUP BY 1, 2"),
        ("q10", f"SELECT value_tier, {NPS} FROM r WHERE kind = 'nps' GROUP BY 1"),
        ("q11", f"SELECT language, {quarter}, {NPS} FROM r WHERE kind = 'nps' GROUP BY 1, 2"),
        ("q12", f"SELECT day, {NPS} FROM r WHERE kind = 'nps'{last(90)} GROUP BY 1"),
        ("q13", f"SELECT {quarter}, {NPS} FROM r WHERE kind = 'enps' GROUP BY 1"),
        ("q14", f"SELECT touchpoint_id, {CSAT} FROM r WHERE kind = 'csat'{last(90)} GROUP BY 1"),
        ("q15", f"SELECT segment_id, channel, {NPS} FROM r WHERE kind = 'nps' GROUP BY 1, 2"),
        ("q16", f"SELECT survey_id, {month}, count(*) FROM r GROUP BY 1, 2"),
        ("q17", f"SELECT stage_id, {quarter}, {CES} FROM r WHERE kind = 'ces' GROUP BY 1, 2"),
        ("q18", f"SELECT stage_id, {CSAT} FROM r WHERE kind = 'csat'{last(30)} GROUP BY 1"),
        ("q19", f"SELECT value_tier, {month}, {NPS} FROM r WHERE kind = 'nps'{last(180)} GROUP BY 1, 2"),
        ("q20", f"SELECT language, {week}, count(*) FROM r WHERE 1=1{last(90)} GROUP BY 1, 2"),
        ("q21", f"SELECT account_id, {NPS} FROM r WHERE kind = 'nps'{last(365)} GROUP BY 1"),
        ("q22", f"SELECT customer_type, {quarter}, {NPS} FROM r WHERE kind = 'nps' GROUP BY 1, 2"),
    ]


if __name__ == "__main__":
    import json
    import sys
    print(json.dumps(duckdb_queries() if sys.argv[1:] == ["duckdb"] else sqlite_queries()))
