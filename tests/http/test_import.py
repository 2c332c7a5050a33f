"""test_import.py — `cxloop survey` and `cxloop import` as a user runs them.

What it is for: the command-line contract of creating surveys and of
importing responses, feedback items and customers: the real public data
sets import without hand editing, every kind of bad input is refused with
`cxloop: FILE:LINE:COLUMN: ...` and changes nothing (row counts are
compared before and after), and the examples of docs/import.md run as
written.

What it relies on: harness.py (the binary and a fresh database), the data
directory in $CXLOOP_SHARED_DATA (default ../shared/data beside the
repository) and Python's sqlite3 module to count rows. Under CXLOOP_CI=1
a missing data file fails the test instead of skipping it.

What it must never do: edit the data files, or accept an import that
printed a partial success.
"""

import json
import os
import re
import shlex
import sqlite3

import pytest

import harness

DATA = os.environ.get("CXLOOP_SHARED_DATA") or os.path.join(harness.REPO, "..", "shared", "data")

DATA_FILES = {
    "nps_verbatims.csv": "nps_verbatims/nps_verbatims.csv",
    "Telco-Customer-Churn.csv": "telco_churn/Telco-Customer-Churn.csv",
    "complaints_sample.csv": "cfpb_complaints/complaints_sample.csv",
    "Tweets.csv": "twitter_airline_sentiment/Tweets.csv",
    "womens_clothing_ecommerce_reviews.csv":
        "womens_clothing_reviews/womens_clothing_ecommerce_reviews.csv",
    "polemo2.0-in_dev.tsv": "polemo2/polemo2.0-in_dev.tsv",
    "polemo2.0-in_train.tsv": "polemo2/polemo2.0-in_train.tsv",
    "polemo2.0-out_dev.tsv": "polemo2/polemo2.0-out_dev.tsv",
    "allegro_reviews_dev.tsv": "allegro_reviews/allegro_reviews_dev.tsv",
    "allegro_reviews_train.tsv": "allegro_reviews/allegro_reviews_train.tsv",
}

NPS_MAP = ("submitted_at=CUSTOMER_RESPONSE_DATE,score=NPS_SCORE,comment=text,"
           "touchpoint=SURVEY_SUB_TYPE")

ERROR_LINE = re.compile(r"^cxloop: [^:]+:\d+:\d+: .+$")

TABLES = ("responses", "answers", "feedback_items", "customers", "touchpoints", "segments",
          "accounts", "surveys", "questions", "journeys")


def data_file(name):
    path = os.path.join(DATA, DATA_FILES[name])
    if not os.path.exists(path):
        if os.environ.get("CXLOOP_CI") == "1":
            pytest.fail("%s is missing; set CXLOOP_SHARED_DATA to the data directory" % path)
        pytest.skip("%s is not here; set CXLOOP_SHARED_DATA to the data directory" % path)
    return path


def counts(db):
    con = sqlite3.connect(db)
    try:
        return {t: con.execute("SELECT count(*) FROM %s" % t).fetchone()[0] for t in TABLES}
    finally:
        con.close()


def query(db, sql, *args):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def survey(db, kind="nps", name="Ankieta", *extra):
    out = harness.run_ok(["survey", "create", "--db", db, "--kind", kind, "--name", name]
                         + list(extra)).stdout
    assert re.fullmatch(r"\d+\n", out), out
    return int(out)


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return str(path)


def import_(db, kind, path, *args):
    return harness.run(["import", kind, "--db", db] + list(args) + [path])


def assert_refused(db, proc, expected_errors, status=1):
    """The import failed, named each expected problem in the standard
    form, and the database is as it was (the caller compares counts)."""
    assert proc.returncode == status, (proc.stdout, proc.stderr)
    assert proc.stdout == "", proc.stdout
    lines = proc.stderr.splitlines()
    for expected in expected_errors:
        assert any(re.search(expected, line) for line in lines), (expected, proc.stderr)
    return lines


# ---- survey create / list ----------------------------------------------------


def test_survey_create_prints_only_the_id_and_makes_its_questions(db):
    assert survey(db, "nps", "Ankieta po rozmowie", "--lang", "pl,en,ro") == 1
    assert survey(db, "nps", "Ankieta po rozmowie") == 2
    assert survey(db, "ces", "Łatwość obsługi — zażółć") == 3
    assert survey(db, "custom", "!!!") == 4
    assert survey(db, "csat", "Ankieta po rozmowie") == 5
    assert survey(db, "enps", "Zespół") == 6
    listing = json.loads(harness.run_ok(["survey", "list", "--db", db, "--format", "json"]).stdout)
    assert [s["slug"] for s in listing] == ["ankieta-po-rozmowie", "ankieta-po-rozmowie-2",
                                           "latwosc-obslugi-zazolc", "ankieta",
                                           "ankieta-po-rozmowie-3", "zespol"]
    assert listing[0]["languages"] == "pl,en,ro" and listing[1]["languages"] == "pl"
    questions = query(db, "SELECT survey_id, key, kind, is_main, scale_inverted, label"
                          " FROM questions ORDER BY survey_id, position")
    shape = [(s, k, kind, m, inv) for s, k, kind, m, inv, _ in questions]
    assert shape == [
        (1, "nps", "score", 1, 0), (1, "komentarz", "text", 0, 0),
        (2, "nps", "score", 1, 0), (2, "komentarz", "text", 0, 0),
        (3, "ces", "effort", 1, 0), (3, "komentarz", "text", 0, 0),
        (4, "komentarz", "text", 0, 0),
        (5, "csat", "rating", 1, 0), (5, "komentarz", "text", 0, 0),
        (6, "enps", "score", 1, 0), (6, "komentarz", "text", 0, 0),
    ]
    label = json.loads(questions[0][5])
    assert set(label) == {"pl", "en", "ro"}
    assert label["pl"] == "Jak prawdopodobne jest, że polecisz nas znajomemu?"
    table = harness.run_ok(["survey", "list", "--db", db]).stdout
    assert "ankieta-po-rozmowie-2" in table and "Łatwość obsługi — zażółć" in table


def test_survey_create_refuses_bad_input_and_changes_nothing(db):
    before = counts(db)
    cases = [
        (["--kind", "nps", "--name", "x", "--touchpoint", "Nie ma"], 1, "no touchpoint named"),
        (["--kind", "nope", "--name", "x"], 2, "unknown kind"),
        (["--name", "x"], 2, "--kind is required"),
        (["--kind", "nps"], 2, "--name NAME is required"),
        (["--kind", "nps", "--name", "x", "--lang", "pl,de"], 2, "--lang"),
        (["--kind", "nps", "--name", "x", "--lang", ""], 2, "--lang"),
    ]
    for args, status, message in cases:
        proc = harness.run(["survey", "create", "--db", db] + args)
        assert proc.returncode == status, (args, proc.stderr)
        assert proc.stdout == ""
        assert message in proc.stderr, (args, proc.stderr)
    assert counts(db) == before
    proc = harness.run(["survey", "list", "--db", db, "--format", "xml"])
    assert proc.returncode == 2
    proc = harness.run(["survey", "drop", "--db", db])
    assert proc.returncode == 2


def test_survey_on_an_existing_touchpoint(db, tmp_path):
    sid = survey(db)
    path = write(tmp_path, "r.csv", "submitted_at,score,touchpoint\n2024-03-01,9,Salon\n")
    harness.run_ok(["import", "responses", "--db", db, "--survey", str(sid), path])
    tid = survey(db, "csat", "Wizyta w salonie", "--touchpoint", "Salon", "--channel", "salon")
    listing = json.loads(harness.run_ok(["survey", "list", "--db", db, "--format", "json"]).stdout)
    assert listing[tid - 1]["touchpoint"] == "Salon"
    assert listing[tid - 1]["channel"] == "salon"
    assert listing[0]["responses"] == 1


# ---- responses: the real file ------------------------------------------------


def test_nps_verbatims_import_end_to_end(db):
    path = data_file("nps_verbatims.csv")
    sid = survey(db, "nps", "NPS verbatims")
    args = ["--survey", str(sid), "--map", NPS_MAP, "--date-format", "%d/%m/%Y %H:%M"]
    before = counts(db)
    dry = import_(db, "responses", path, *(args + ["--dry-run"]))
    assert dry.returncode == 0, dry.stderr
    assert re.fullmatch(r"dry run: 2385 responses for survey 1 are valid \(32 without a score\);"
                        r" would create 4 touchpoints; nothing written in \d+\.\d\d s\n",
                        dry.stdout), dry.stdout
    assert counts(db) == before
    proc = import_(db, "responses", path, *args)
    assert proc.returncode == 0, proc.stderr
    assert re.fullmatch(r"imported 2385 responses into survey 1 \(32 without a score\);"
                        r" created 4 touchpoints in \d+\.\d\d s\n", proc.stdout), proc.stdout
    rows = query(db, "SELECT count(*), count(score), count(comment) FROM responses")
    assert rows == [(2385, 2353, 2385 - len(query(db, "SELECT 1 FROM responses"
                                                      " WHERE comment IS NULL")))]
    # The score distribution of the data set's description.
    dist = dict(query(db, "SELECT score, count(*) FROM responses WHERE score IS NOT NULL"
                          " GROUP BY score"))
    assert dist == {0: 764, 10: 528, 8: 255, 9: 162, 5: 140, 7: 137, 2: 86, 6: 86, 1: 72,
                    3: 71, 4: 52}
    groups = dict(query(db, "SELECT coalesce(nps_group, 'none'), count(*) FROM responses"
                            " GROUP BY 1"))
    assert groups == {-1: 764 + 72 + 86 + 71 + 52 + 140 + 86, 0: 137 + 255, 1: 162 + 528,
                      "none": 32}
    tps = dict(query(db, "SELECT t.name, count(*) FROM responses r JOIN touchpoints t"
                         " ON t.id = r.touchpoint_id GROUP BY 1"))
    assert tps == {"First Payment": 1150, "Order": 971, "Equipment Received": 234,
                   "Service in Use": 30}
    # 11/04/2018 20:09 is the 11th of April, Warsaw summer time.
    first = query(db, "SELECT submitted_at, score FROM responses ORDER BY id LIMIT 1")
    assert first == [(1523470140, 7)]
    # A second import adds rows and reuses the touchpoints.
    proc = import_(db, "responses", path, *args)
    assert "created" not in proc.stdout
    assert counts(db)["responses"] == 4770 and counts(db)["touchpoints"] == 4


def test_nps_verbatims_dates_are_detected_without_a_format(db):
    path = data_file("nps_verbatims.csv")
    sid = survey(db)
    harness.run_ok(["import", "responses", "--db", db, "--survey", str(sid), "--map", NPS_MAP,
                    path])
    assert query(db, "SELECT submitted_at FROM responses ORDER BY id LIMIT 1") == [(1523470140,)]


# ---- responses: hand-made files ------------------------------------------------


def test_responses_by_header_names_with_answers_customers_and_segments(db, tmp_path):
    sid = survey(db)
    con = sqlite3.connect(db)
    con.execute("INSERT INTO questions (survey_id, position, key, kind) VALUES (?, 3, 'cena',"
                " 'rating')", (sid,))
    con.execute("INSERT INTO questions (survey_id, position, key, kind) VALUES (?, 4, 'powod',"
                " 'single')", (sid,))
    con.commit()
    con.close()
    path = write(tmp_path, "r.csv",
                 "\ufeffSubmitted_At;Score;Comment;Customer;Segment;Channel;Language;Cena;Powód\r\n"
                 "31.03.2024 14:05;10;\"Świetnie; szybko\";K-1;Premium;www;PL;5;cena\r\n"
                 "01.04.2024;;;K-2;;app;;;\r\n"
                 "02.04.2024 08:00;0;\"Źle, \"\"bardzo\"\" źle\nnaprawdę\";K-1;;;en;1;obsługa\r\n")
    proc = import_(db, "responses", path, "--survey", "ankieta",
                   "--map", "q:cena=Cena,q:powod=Powód,submitted_at=Submitted_At,score=Score",
                   "--map", "comment=Comment,customer=Customer,segment=Segment,channel=Channel,"
                   "language=Language", "--language", "pl")
    assert proc.returncode == 0, proc.stderr
    assert "imported 3 responses into survey 1 (1 without a score); created 2 customers," \
           " 1 segments in" in proc.stdout
    rows = query(db, "SELECT c.external_id, r.score, r.nps_group, r.comment, r.channel,"
                     " r.language, r.submitted_at FROM responses r JOIN customers c"
                     " ON c.id = r.customer_id ORDER BY r.id")
    assert rows == [
        ("K-1", 10, 1, "Świetnie; szybko", "www", "pl", 1711886700),
        ("K-2", None, None, None, "app", "pl", 1711922400),
        ("K-1", 0, -1, 'Źle, "bardzo" źle\nnaprawdę', "", "en", 1712037600),
    ]
    answers = query(db, "SELECT a.response_id, q.key, a.value_num, a.value_text FROM answers a"
                        " JOIN questions q ON q.id = a.question_id ORDER BY 1, 2")
    assert answers == [(1, "cena", 5.0, None), (1, "powod", None, "cena"),
                       (3, "cena", 1.0, None), (3, "powod", None, "obsługa")]
    assert query(db, "SELECT c.external_id, s.name FROM customers c LEFT JOIN segments s"
                     " ON s.id = c.segment_id ORDER BY 1") == [("K-1", "Premium"), ("K-2", None)]


def test_responses_every_bad_value_is_reported_and_nothing_is_written(db, tmp_path):
    sid = survey(db)
    con = sqlite3.connect(db)
    con.execute("INSERT INTO questions (survey_id, position, key, kind) VALUES (?, 3, 'cena',"
                " 'rating')", (sid,))
    con.commit()
    con.close()
    good = "".join("2024-03-%02d 10:00,%d,ok,T%d,K%d,,pl,3\n" % (1 + i % 28, i % 11, i % 3, i)
                   for i in range(3000))
    bad = ("2024-02-30 10:00,5,x,T1,K1,,pl,3\n"   # no such date
           "2024-03-01 10:00,11,x,T1,K1,,pl,3\n"  # score out of range
           "2024-03-01 10:00,abc,x,T1,K1,,pl,3\n"  # not a number
           ",5,x,T1,K1,,pl,3\n"                    # no date
           "2024-03-01 10:00,7.5,x,T1,K1,,pl,3\n"  # not whole
           "2024-03-01 10:00,5,x,T1,K1,,polski,3\n"  # language
           "2024-03-01 10:00,5,x,T1,,VIP,pl,3\n"  # segment without a customer
           "2024-03-01 10:00,5,x,T1,K1,,pl,6\n")  # answer out of range
    path = write(tmp_path, "bad.csv",
                 "submitted_at,score,comment,touchpoint,customer,segment,language,q:cena\n"
                 + good + bad + good)
    before = counts(db)
    proc = import_(db, "responses", path, "--survey", str(sid), "--map",
                   "submitted_at=submitted_at,score=score,comment=comment,touchpoint=touchpoint,"
                   "customer=customer,segment=segment,language=language,q:cena=q:cena")
    first_bad = 3002
    lines = assert_refused(db, proc, [
        r"bad\.csv:%d:1: .*February 2024 has 29 days" % first_bad,
        r"bad\.csv:%d:18: score 11 is outside 0.10" % (first_bad + 1),
        r"bad\.csv:%d:18: .*abc" % (first_bad + 2),
        r"bad\.csv:%d:1: submitted_at is empty" % (first_bad + 3),
        r"bad\.csv:%d:18: .*7\.5.*whole" % (first_bad + 4),
        r"bad\.csv:%d:\d+: language polski" % (first_bad + 5),
        r"bad\.csv:%d:\d+: a segment belongs to a customer" % (first_bad + 6),
        r"bad\.csv:%d:\d+: cena 6 is outside 1.5" % (first_bad + 7),
        r"bad\.csv: 8 errors; nothing imported",
    ])
    assert all(ERROR_LINE.match(line) or "nothing imported" in line for line in lines), lines
    assert counts(db) == before


def test_responses_more_than_a_hundred_errors(db, tmp_path):
    sid = survey(db)
    path = write(tmp_path, "many.csv", "submitted_at,score\n"
                 + "".join("2024-01-01,%d\n" % (11 + i) for i in range(250)))
    before = counts(db)
    proc = import_(db, "responses", path, "--survey", str(sid))
    lines = assert_refused(db, proc, [r"^cxloop: and 150 more$", r"250 errors; nothing imported"])
    assert sum(1 for line in lines if ERROR_LINE.match(line)) == 100
    assert counts(db) == before


@pytest.mark.parametrize("content, expected", [
    (b"submitted_at,score\n2024-01-01,5,extra\n", r"bad\.csv:2:\d+: .*3 fields.*header has 2"),
    (b"submitted_at,score,comment\n2024-01-01,5,5\" screen\n", r"bad\.csv:2:\d+: .*quote"),
    (b"submitted_at,score,comment\n2024-01-01,5,\"never closed\n2024-01-02,6,x\n",
     r"bad\.csv:\d+:\d+: .*quote"),
    (b"\xff\xfes\x00u\x00", r"bad\.csv.*UTF-16"),
    (b"submitted_at,score,comment\n2024-01-01,5,\xc5\x82adnie \xb3adnie\n",
     r"bad\.csv:2:\d+: .*(damaged|mixes|encoding)"),
    (b"", r"bad\.csv:1:1: the file is empty"),
])
def test_responses_broken_files_are_refused(db, tmp_path, content, expected):
    sid = survey(db)
    path = write(tmp_path, "bad.csv", content)
    before = counts(db)
    proc = import_(db, "responses", path, "--survey", str(sid))
    assert_refused(db, proc, [expected])
    assert counts(db) == before


@pytest.mark.parametrize("encoding", ["windows-1250", "iso-8859-2"])
def test_responses_polish_8bit_files_are_converted(db, tmp_path, encoding):
    sid = survey(db)
    text = ("submitted_at;score;comment\n"
            "2024-01-01;9;Żółć, gęś i łąka — ślicznie, źle, Świętokrzyskie\n")
    path = write(tmp_path, "pl.csv", text.replace("—", "-"), encoding)
    harness.run_ok(["import", "responses", "--db", db, "--survey", str(sid), path])
    assert query(db, "SELECT comment FROM responses") == [
        ("Żółć, gęś i łąka - ślicznie, źle, Świętokrzyskie",)]
    # Named explicitly, the same bytes read the same way.
    harness.run_ok(["import", "responses", "--db", db, "--survey", str(sid), "--encoding",
                    encoding, path])
    assert len(query(db, "SELECT 1 FROM responses")) == 2


def test_responses_mapping_and_option_errors(db, tmp_path):
    sid = survey(db)
    custom = survey(db, "custom", "Inna")
    path = write(tmp_path, "r.csv", "when,score\n2024-01-01,5\n")
    before = counts(db)
    cases = [
        (["--survey", str(sid)], 1, r"no submitted_at column; name it with --map"),
        (["--survey", str(sid), "--map", "submitted_at=kiedy"], 1, r"no column named 'kiedy'"),
        (["--survey", str(sid), "--map", "when_=when"], 2, r"unknown field 'when_'"),
        (["--survey", str(sid), "--map", "submitted_at"], 2, r"--map wants FIELD=COLUMN"),
        (["--survey", str(sid), "--map", "submitted_at=when,submitted_at=score"], 2,
         r"mapped twice"),
        (["--survey", str(sid), "--map", "submitted_at=when,q:nie=score"], 1,
         r"has no question 'nie'"),
        (["--survey", str(sid), "--map", "submitted_at=when,q:nps=score"], 1,
         r"other than its main one"),
        (["--survey", str(custom), "--map", "submitted_at=when,score=score"], 1,
         r"has no main question"),
        (["--survey", "999", "--map", "submitted_at=when"], 1, r"no survey 999"),
        (["--survey", "nie-ma", "--map", "submitted_at=when"], 1, r"no survey nie-ma"),
        (["--map", "submitted_at=when"], 2, r"--survey ID is required"),
        (["--survey", str(sid), "--delimiter", "x"], 2, r"--delimiter"),
        (["--survey", str(sid), "--encoding", "utf-16"], 2, r"--encoding"),
        (["--survey", str(sid), "--quoting", "maybe"], 2, r"--quoting"),
        (["--survey", str(sid), "--date-format", "%Q"], 2, r"--date-format"),
        (["--survey", str(sid), "--language", "polski"], 2, r"--language"),
        (["--survey", str(sid), "--source", "review"], 2, r"--source applies to feedback"),
        (["--survey", str(sid), "--skip-empty"], 2, r"--skip-empty applies to feedback"),
    ]
    for args, status, message in cases:
        proc = import_(db, "responses", path, *args)
        assert proc.returncode == status, (args, proc.stdout, proc.stderr)
        assert re.search(message, proc.stderr), (args, proc.stderr)
    proc = import_(db, "responses", str(tmp_path / "missing.csv"), "--survey", str(sid))
    assert proc.returncode == 1 and "missing.csv" in proc.stderr
    proc = harness.run(["import", "responses", "--db", str(tmp_path / "none.db"),
                        "--survey", "1", path])
    assert proc.returncode == 1 and "no such database" in proc.stderr
    assert not os.path.exists(str(tmp_path / "none.db"))
    proc = harness.run(["import", "opinions", "--db", db, path])
    assert proc.returncode == 2
    proc = harness.run(["import", "responses", "--db", db, "--survey", str(sid)])
    assert proc.returncode == 2 and "missing the file" in proc.stderr
    assert counts(db) == before


def test_responses_dates_that_no_style_reads(db, tmp_path):
    sid = survey(db)
    path = write(tmp_path, "r.csv", "submitted_at,score\n2024-01-01,5\nwczoraj,5\n")
    before = counts(db)
    proc = import_(db, "responses", path, "--survey", str(sid))
    assert_refused(db, proc, [r"r\.csv: column 'submitted_at'.*wczoraj.*--date-format"])
    proc = import_(db, "responses", path, "--survey", str(sid), "--date-format", "%Y-%m-%d")
    assert_refused(db, proc, [r"r\.csv:3:1: .*wczoraj"])
    assert counts(db) == before


def test_responses_tab_and_explicit_delimiter_and_quoting_off(db, tmp_path):
    sid = survey(db)
    path = write(tmp_path, "r.tsv",
                 'submitted_at\tscore\tcomment\n2024-01-01\t5\tsays "hi\n2024-01-02\t6\tok"\n')
    proc = import_(db, "responses", path, "--survey", str(sid))
    assert proc.returncode == 1
    harness.run_ok(["import", "responses", "--db", db, "--survey", str(sid), "--quoting", "off",
                    "--delimiter", "tab", path])
    assert query(db, "SELECT comment FROM responses ORDER BY id") == [('says "hi',), ('ok"',)]


# ---- feedback -------------------------------------------------------------------


def test_feedback_real_files(db):
    runs = [
        ("complaints_sample.csv", ["--source", "complaint", "--skip-empty", "--map",
                                   "text=Consumer complaint narrative,received_at=Date received,"
                                   "external_id=Complaint ID,category=Product,title=Issue"],
         1532, 5091),
        ("Tweets.csv", ["--source", "review", "--language", "en", "--map",
                        "text=text,received_at=tweet_created,external_id=tweet_id,"
                        "category=airline_sentiment"], 14640, None),
        ("womens_clothing_ecommerce_reviews.csv",
         ["--source", "review", "--skip-empty", "--map",
          "text=Review Text,title=Title,rating=Rating,category=Class Name"], 22641, 845),
        ("polemo2.0-in_dev.tsv", ["--source", "review", "--language", "pl", "--quoting", "off",
                                  "--map", "text=sentence,category=target"], 723, None),
        ("polemo2.0-in_train.tsv", ["--source", "review", "--language", "pl", "--quoting", "off",
                                    "--map", "text=sentence,category=target"], 5783, None),
        ("polemo2.0-out_dev.tsv", ["--source", "review", "--language", "pl", "--quoting", "off",
                                   "--map", "text=sentence,category=target"], 494, None),
        ("allegro_reviews_train.tsv", ["--source", "review", "--language", "pl",
                                       "--skip-empty"], 9180, 397),
        ("allegro_reviews_dev.tsv", ["--source", "review", "--language", "pl",
                                     "--skip-empty"], 977, 25),
    ]
    total = 0
    for name, args, rows, skipped in runs:
        path = data_file(name)
        proc = import_(db, "feedback", path, *args)
        assert proc.returncode == 0, (name, proc.stderr)
        assert proc.stdout.startswith("imported %d feedback items" % rows), proc.stdout
        if skipped is not None:
            assert "(%d with empty text skipped)" % skipped in proc.stdout
        total += rows
        assert counts(db)["feedback_items"] == total
    # Tweets keep their instant: 2015-02-24 11:35:52 -0800.
    assert query(db, "SELECT received_at FROM feedback_items WHERE external_id ="
                     " '570306133677760513'") == [(1424806552,)]
    # CFPB dates are Y/M/D.
    assert query(db, "SELECT received_at FROM feedback_items WHERE external_id = '3384392'") == [
        (1569276000,)]
    stars = dict(query(db, "SELECT rating, count(*) FROM feedback_items WHERE language = 'pl'"
                           " AND rating IS NOT NULL GROUP BY 1"))
    assert sum(stars.values()) == 9180 + 977 and set(stars) == {1.0, 2.0, 3.0, 4.0, 5.0}
    assert query(db, "SELECT count(*) FROM feedback_items WHERE text LIKE '%\"%'"
                     " AND category LIKE '__label__%'")[0][0] > 0


def test_feedback_allegro_blank_texts_are_errors_without_skip_empty(db):
    path = data_file("allegro_reviews_dev.tsv")
    before = counts(db)
    proc = import_(db, "feedback", path, "--source", "review")
    lines = assert_refused(db, proc, [r"allegro_reviews_dev\.tsv:\d+:1: the text is empty",
                                      r"25 errors; nothing imported"])
    assert sum(1 for line in lines if ERROR_LINE.match(line)) == 25
    assert counts(db) == before


def test_feedback_bad_values(db, tmp_path):
    path = write(tmp_path, "f.csv",
                 "source,text,received_at,rating,customer,touchpoint,language\n"
                 "complaint,Za długo,2024-01-01,3,C1,Infolinia,pl\n"
                 "letter,Źle,2024-01-01,,,,\n"
                 ",Źle,2024-01-01,,,,\n"
                 "review,  ,2024-01-01,,,,\n"
                 "review,Dobrze,2024-13-01,,,,\n"
                 "review,Dobrze,2024-01-01,11,,,\n"
                 "review,Dobrze,2024-01-01,pięć,,,\n"
                 "review,Dobrze,,,,,\n")
    before = counts(db)
    proc = import_(db, "feedback", path)
    assert_refused(db, proc, [r"f\.csv: column 'received_at'.*2024-13-01.*--date-format"])
    proc = import_(db, "feedback", path, "--date-format", "%Y-%m-%d")
    assert_refused(db, proc, [
        r"f\.csv:3:1: source letter is not one of",
        r"f\.csv:4:1: the source is empty",
        r"f\.csv:5:\d+: the text is empty",
        r"f\.csv:6:\d+: .*2024-13-01",
        r"f\.csv:7:\d+: rating 11 is outside 0.10",
        r"f\.csv:8:\d+: .*pięć",
        r"f\.csv:9:\d+: received_at is empty",
        r"7 errors; nothing imported",
    ])
    assert counts(db) == before
    # Without the bad rows it lands, with the customer and touchpoint made.
    good = write(tmp_path, "g.csv", "source,text,received_at,rating,customer,touchpoint\n"
                 "complaint,Za długo,2024-01-01,\"3,5\",C1,Infolinia\n")
    proc = harness.run_ok(["import", "feedback", "--db", db, good])
    assert "created 1 customers, 1 touchpoints" in proc.stdout
    assert query(db, "SELECT source, rating, c.external_id, t.name FROM feedback_items f"
                     " JOIN customers c ON c.id = f.customer_id JOIN touchpoints t"
                     " ON t.id = f.touchpoint_id") == [("complaint", 3.5, "C1", "Infolinia")]


def test_feedback_needs_a_source(db, tmp_path):
    path = write(tmp_path, "f.csv", "text\nhello\n")
    proc = import_(db, "feedback", path)
    assert proc.returncode == 1 and "--source" in proc.stderr
    proc = import_(db, "feedback", path, "--source", "letter")
    assert proc.returncode == 2
    assert counts(db)["feedback_items"] == 0


# ---- customers ------------------------------------------------------------------


def test_customers_telco_churn(db):
    path = data_file("Telco-Customer-Churn.csv")
    proc = import_(db, "customers", path, "--map", "external_id=customerID")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("imported 7043 customers (7043 new, 0 updated)"), proc.stdout
    attrs = json.loads(query(db, "SELECT attributes FROM customers WHERE external_id ="
                                 " '7590-VHVEG'")[0][0])
    assert attrs["Churn"] == "No" and attrs["Contract"] == "Month-to-month"
    assert attrs["TotalCharges"] == "29.85" and "customerID" not in attrs
    churned = query(db, "SELECT count(*) FROM customers WHERE json_extract(attributes, '$.Churn')"
                        " = 'Yes'")
    assert churned == [(1869,)]
    blank = query(db, "SELECT count(*) FROM customers WHERE json_extract(attributes,"
                      " '$.TotalCharges') IS NULL")
    assert blank == [(11,)]
    proc = import_(db, "customers", path, "--map", "external_id=customerID")
    assert proc.stdout.startswith("imported 7043 customers (0 new, 7043 updated)"), proc.stdout
    assert counts(db)["customers"] == 7043


def test_customers_fields_upsert_and_errors(db, tmp_path):
    path = write(tmp_path, "c.csv",
                 "id;name;email;segment;account;revenue;cost;joined;plan\n"
                 "A1;Anna;anna@example.pl;Premium;ACME;1 234,50;100;15.01.2023;Gold\n"
                 "A2;Bartek;;;ACME;99,9;;;\n")
    mapping = ("external_id=id,name=name,email=email,segment=segment,account=account,"
               "revenue=revenue,cost_to_serve=cost,joined_at=joined,attr:tier=plan")
    proc = harness.run_ok(["import", "customers", "--db", db, "--map", mapping, path])
    assert "imported 2 customers (2 new, 0 updated); created 1 segments, 1 accounts" in proc.stdout
    rows = query(db, "SELECT c.external_id, c.name, c.email, s.name, a.name, c.revenue,"
                     " c.cost_to_serve, c.joined_at, c.attributes FROM customers c"
                     " LEFT JOIN segments s ON s.id = c.segment_id LEFT JOIN accounts a"
                     " ON a.id = c.account_id ORDER BY 1")
    assert rows == [("A1", "Anna", "anna@example.pl", "Premium", "ACME", 1234.5, 100.0,
                     1673737200, '{"tier":"Gold"}'),
                    ("A2", "Bartek", "", None, "ACME", 99.9, 0.0, None, "{}")]
    update = write(tmp_path, "u.csv", "id;name;revenue\nA1;;2000\nA3;Celina;\n")
    proc = harness.run_ok(["import", "customers", "--db", db, "--map",
                           "external_id=id,name=name,revenue=revenue", update])
    assert "(1 new, 1 updated)" in proc.stdout
    assert query(db, "SELECT name, revenue, email FROM customers WHERE external_id = 'A1'") == [
        ("Anna", 2000.0, "anna@example.pl")]
    bad = write(tmp_path, "b.csv", "external_id,email,revenue,joined_at\n"
                "B1,no-at-sign,1,2024-01-01\n"
                "B2,b@x.pl,1,2024-01-01\n"
                "B2,b@x.pl,1,2024-01-01\n"
                ",b@x.pl,1,2024-01-01\n"
                "B3,,dużo,2024-01-01\n"
                "B4,,1,jutro\n")
    before = counts(db)
    proc = import_(db, "customers", bad, "--date-format", "%Y-%m-%d")
    assert_refused(db, proc, [
        r"b\.csv:2:4: e-mail address no-at-sign has no @",
        r"b\.csv:4:1: customer B2 appears twice in the file \(first on line 3\)",
        r"b\.csv:5:1: external_id is empty",
        r"b\.csv:6:\d+: .*dużo",
        r"b\.csv:7:\d+: .*jutro",
        r"5 errors; nothing imported",
    ])
    assert counts(db) == before
    proc = import_(db, "customers", bad, "--map", "name=email")
    assert proc.returncode == 1 and "no external_id column" in proc.stderr


# ---- all or nothing across a large file --------------------------------------------


def test_a_bad_last_row_of_a_large_file_leaves_nothing_behind(db, tmp_path):
    sid = survey(db)
    rows = "".join("2024-01-01 10:%02d,%d,komentarz %d,Punkt %d,klient-%d\n"
                   % (i % 60, i % 11, i, i % 7, i) for i in range(20000))
    path = write(tmp_path, "big.csv", "submitted_at,score,comment,touchpoint,customer\n" + rows
                 + "2024-01-01 10:00,12,zły,Punkt 1,klient-x\n")
    before = counts(db)
    proc = import_(db, "responses", path, "--survey", str(sid))
    assert_refused(db, proc, [r"big\.csv:20002:\d+: score 12 is outside 0.10",
                              r"1 error; nothing imported"])
    assert counts(db) == before
    fixed = write(tmp_path, "ok.csv", "submitted_at,score,comment,touchpoint,customer\n" + rows)
    proc = harness.run_ok(["import", "responses", "--db", db, "--survey", str(sid), fixed])
    assert "imported 20000 responses" in proc.stdout
    assert "created 20000 customers, 7 touchpoints" in proc.stdout
    after = counts(db)
    assert after["responses"] == 20000 and after["customers"] == 20000
    # The indexes dropped for the load are back.
    names = {n for (n,) in query(db, "SELECT name FROM sqlite_master WHERE type = 'index'"
                                     " AND tbl_name = 'responses'")}
    assert {"responses_survey_time", "responses_time", "responses_customer"} <= names


# ---- the documentation -------------------------------------------------------------


def test_docs_import_examples_run_as_written(db):
    doc = open(os.path.join(harness.REPO, "docs", "import.md"), encoding="utf-8").read()
    blocks = re.findall(r"```sh\n(.*?)```", doc, re.S)
    commands = [line for block in blocks for line in block.splitlines()
                if line.startswith("cxloop ")]
    assert len(commands) >= 10, commands
    for line in commands:
        args = shlex.split(line)[1:]
        args = [db if a == "cx.db" else data_file(a) if a in DATA_FILES else a for a in args]
        proc = harness.run(args)
        assert proc.returncode == 0, (line, proc.stderr)
        if args[0] == "import":
            assert proc.stdout.startswith("imported "), (line, proc.stdout)
    shown = re.search(r"`(imported 2385 responses[^`]*)`", doc.replace("\n", " "))
    assert shown and re.fullmatch(r"imported 2385 responses into survey 1 \(32 without a score\);"
                                  r" created 4 touchpoints in \d+\.\d\d s", shown.group(1))
    assert counts(db)["responses"] == 2385
