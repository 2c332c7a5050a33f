"""test_import_page.py — the import page (/import) as a browser uses it.

What it is for: the two steps of a web import — upload (multipart), then
the column mapping with a check (dry run) and the import itself — give the
same result as `cxloop import`; the mapping is remembered for the next
file with the same header; Windows-1250 text is converted; a bad file
shows its errors as FILE:LINE:COLUMN and imports nothing; a file the
reader refuses shows its message; CSRF and roles are enforced; an upload
past the limit is answered 413 before it is read, while uploads may be
larger than other request bodies.

What it relies on: harness.py (the binary, servers, signed-in clients),
test_import.py's helpers for the shared data sets and row counts, and
Python's sqlite3 module to look at the database.

What it must never do: edit the data files, or count an import as done
without looking at the rows it wrote.
"""

import html as htmllib
import re
import socket
import sqlite3
import time

import harness
from test_import import NPS_MAP, counts, data_file, query, survey
from test_server import assert_clean_page

ERROR_LINE = re.compile(r"^[^:]+:\d+:\d+: .+$")
NPS_DATE_FORMAT = "%d/%m/%Y %H:%M"


def upload(c, name, content, kind="responses", survey_id=None, expect=303):
    tok = c.token("/import")
    data = {"csrf_token": tok, "kind": kind, "survey": str(survey_id or "")}
    r = c.post("/import/upload", data=data, files={"file": (name, content, "text/csv")})
    assert r.status_code == expect, (r.status_code, r.text[:3000])
    if expect != 303:
        return r
    loc = harness.location_path(r)[0]
    assert re.fullmatch(r"/import/\d+", loc), loc
    return loc


def selects(page):
    """{select name: (selected value or None, {option text: value})}."""
    out = {}
    for m in re.finditer(r'<select id="[^"]*" name="([^"]+)">(.*?)</select>', page, re.S):
        options = re.findall(r'<option value="([^"]*)"( selected)?>(.*?)</option>', m.group(2))
        chosen = [v for v, sel, _ in options if sel]
        out[htmllib.unescape(m.group(1))] = (
            chosen[0] if chosen else None,
            {htmllib.unescape(text): v for v, _, text in options})
    return out


def mapping_form(page, mapping, date_format="", action="check"):
    """The mapping form's fields with FIELD -> header name chosen."""
    tok = harness.csrf_from(page)
    sel = selects(page)
    data = {"csrf_token": tok, "date_format": date_format, "action": action}
    for name, (_, options) in sel.items():
        if name.startswith("map_"):
            data[name] = ""
    for field, column in mapping.items():
        _, options = sel["map_" + field]
        data["map_" + field] = options[column]
    return data


def nps_mapping():
    return dict(item.split("=") for item in NPS_MAP.split(","))


def outcome(page):
    m = re.search(r'id="import-outcome">.*?<p>(.*?)</p>', page, re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", "", m.group(1))) if m else None


def error_lines(page):
    m = re.search(r'<ul class="import-errors" id="import-errors">(.*?)</ul>', page, re.S)
    if not m:
        return []
    return [htmllib.unescape(x) for x in re.findall(r"<li><code>(.*?)</code></li>", m.group(1))]


def count_cell(page, cell_id):
    m = re.search(r'<td id="%s">([^<]*)</td>' % cell_id, page)
    return int(m.group(1).replace(",", "")) if m else None


def uploads(db):
    return query(db, "SELECT count(*) FROM import_uploads")[0][0]


# ---- the nps_verbatims sample, as the command line imports it ----------------


def test_nps_verbatims_through_the_page_matches_the_cli(server, tmp_path):
    path = data_file("nps_verbatims.csv")
    with open(path, "rb") as f:
        content = f.read()
    sid = survey(server.db, "nps", "NPS verbatims")
    c = server.admin()
    loc = upload(c, "nps_verbatims.csv", content, survey_id=sid)
    assert_clean_page(c.get("/import"), c)
    r = c.get(loc)
    assert r.status_code == 200
    assert_clean_page(r, c)
    page = r.text
    assert re.search(r"<dt>Encoding</dt><dd>(?i:utf-8)</dd>", page)
    assert re.search(r'id="import-delimiter">comma<', page)
    for header in ("CUSTOMER_RESPONSE_DATE", "NPS_SCORE", "SURVEY_SUB_TYPE"):
        assert "<th scope=\"col\">%s</th>" % header in page
    # Nothing saved yet: fields are prefilled by header name only.
    assert "mapping saved for this header" not in page

    before = counts(server.db)
    data = mapping_form(page, nps_mapping(), NPS_DATE_FORMAT, "check")
    r = c.post(loc, data)
    assert r.status_code == 200, r.text[:3000]
    assert_clean_page(r, c)
    assert outcome(r.text) == ("The file is valid: 2385 rows would be imported."
                               " Nothing was written.")
    assert count_cell(r.text, "import-rows") == 2385
    assert count_cell(r.text, "import-no-score") == 32
    assert count_cell(r.text, "import-touchpoints") == 4
    assert counts(server.db) == before
    assert uploads(server.db) == 1

    data["action"] = "import"
    r = c.post(loc, data)
    assert r.status_code == 200, r.text[:3000]
    assert_clean_page(r, c)
    assert outcome(r.text) == "Imported 2385 rows."
    assert count_cell(r.text, "import-rows") == 2385
    assert count_cell(r.text, "import-no-score") == 32
    assert count_cell(r.text, "import-touchpoints") == 4
    # The same rows as test_import's end-to-end import of the CLI.
    assert query(server.db, "SELECT count(*), count(score) FROM responses") == [(2385, 2353)]
    assert query(server.db, "SELECT submitted_at, score FROM responses ORDER BY id LIMIT 1") == [
        (1523470140, 7)]
    tps = dict(query(server.db, "SELECT t.name, count(*) FROM responses r JOIN touchpoints t"
                                " ON t.id = r.touchpoint_id GROUP BY 1"))
    assert tps == {"First Payment": 1150, "Order": 971, "Equipment Received": 234,
                   "Service in Use": 30}
    # Audited, with the mapping; the upload is gone.
    audit = query(server.db, "SELECT actor, action, target, detail FROM audit_log"
                             " WHERE action = 'import'")
    assert len(audit) == 1
    actor, _, target, detail = audit[0]
    assert actor == "admin"
    assert target == "responses nps_verbatims.csv (survey %d)" % sid
    assert detail.startswith("2385 rows; mapping {")
    assert '"submitted_at":"CUSTOMER_RESPONSE_DATE"' in detail
    assert uploads(server.db) == 0
    assert c.get(loc).status_code == 404

    # The same header again: the mapping and the date format come back.
    loc2 = upload(c, "again.csv", content, survey_id=sid)
    page = c.get(loc2).text
    assert "The mapping saved for this header was filled in." in page
    sel = selects(page)
    for field, column in nps_mapping().items():
        chosen, options = sel["map_" + field]
        assert chosen == options[column], field
    assert sel["map_customer"][0] is None
    assert 'name="date_format" type="text" maxlength="100" autocomplete="off" ' \
           'spellcheck="false" value="%d/%m/%Y %H:%M"' in page
    r = c.post(loc2, mapping_form(page, nps_mapping(), NPS_DATE_FORMAT, "import"))
    assert outcome(r.text) == "Imported 2385 rows."
    assert counts(server.db)["responses"] == 4770 and counts(server.db)["touchpoints"] == 4


# ---- encodings ----------------------------------------------------------------


def test_windows_1250_file_is_converted(server):
    sid = survey(server.db)
    text = ("submitted_at;score;comment\n"
            "2024-01-01;9;Żółć, gęś i łąka - ślicznie, źle, Świętokrzyskie\n"
            "2024-01-02;3;Ściana\n")
    c = server.admin()
    loc = upload(c, "pl.csv", text.encode("windows-1250"), survey_id=sid)
    page = c.get(loc).text
    assert re.search(r"<dt>Encoding</dt><dd>Windows-1250</dd>", page)
    assert re.search(r'id="import-delimiter">semicolon<', page)
    assert "Żółć, gęś i łąka" in htmllib.unescape(page), "the preview shows converted text"
    # Prefilled by header name: submitted_at, score and comment.
    sel = selects(page)
    assert sel["map_submitted_at"][0] == "0" and sel["map_score"][0] == "1"
    assert sel["map_comment"][0] == "2"
    data = {"csrf_token": harness.csrf_from(page), "action": "import", "date_format": ""}
    data.update({name: chosen or "" for name, (chosen, _) in sel.items()})
    r = c.post(loc, data)
    assert outcome(r.text) == "Imported 2 rows.", r.text[:3000]
    assert query(server.db, "SELECT comment FROM responses ORDER BY id") == [
        ("Żółć, gęś i łąka - ślicznie, źle, Świętokrzyskie",), ("Ściana",)]


def test_a_file_the_reader_refuses_shows_its_message(server):
    sid = survey(server.db)
    c = server.admin()
    before = counts(server.db)
    # UTF-8 and an 8-bit code page mixed in one file: refused, never guessed.
    loc = upload(c, "mixed.csv",
                 b"submitted_at,score,comment\n2024-01-01,5,\xc5\x82adnie \xb3adnie\n",
                 survey_id=sid)
    r = c.get(loc)
    assert r.status_code == 200
    assert outcome(r.text) == "This file cannot be imported as it is:"
    msg = htmllib.unescape(re.search(r"<p><code>(.*?)</code></p>", r.text).group(1))
    assert re.match(r"mixed\.csv:2:\d+: .*(damaged|mixes|encoding)", msg), msg
    assert "id=\"import-map\"" not in r.text
    r = c.post(loc, {"csrf_token": harness.csrf_from(r.text) or c.token("/import"),
                     "action": "import"})
    assert r.status_code == 422
    assert counts(server.db) == before


def test_a_late_8bit_row_is_converted_and_the_reading_can_be_named(server):
    """A megabyte of plain ASCII, then a Windows-1250 row: the reader
    settles the encoding where the first 8-bit byte tells it, so the
    text arrives as written. A delimiter or encoding named with the
    "read as" form applies to the preview and travels with the mapping."""
    sid = survey(server.db)
    rows = "".join("2024-01-%02d,%d,ok %d\n" % (i % 28 + 1, i % 11, i) for i in range(60000))
    text = "submitted_at,score,comment\n" + rows + "2024-02-01,9,Żółć i gęś\n"
    assert len(rows) > (1 << 20)
    c = server.admin()
    loc = upload(c, "late.csv", text.encode("windows-1250"), survey_id=sid)
    page = c.get(loc).text
    sel = selects(page)
    data = {"csrf_token": harness.csrf_from(page), "date_format": "", "action": "import"}
    data.update({name: chosen or "" for name, (chosen, _) in sel.items()
                 if name.startswith("map_")})
    # Read as semicolon-separated, the header is one column.
    other = c.get(loc + "?delimiter=semicolon").text
    assert re.search(r'id="import-delimiter">semicolon<', other)
    assert "<th scope=\"col\">submitted_at,score,comment</th>" in other
    assert '<input type="hidden" name="delimiter" value="semicolon">' in other
    r = c.post(loc, dict(data, delimiter="semicolon", map_score="", map_comment=""))
    assert r.status_code == 422, "one column holds no date"
    assert counts(server.db)["responses"] == 0
    r = c.post(loc, data)
    assert outcome(r.text) == "Imported 60001 rows.", r.text[:2000]
    assert query(server.db, "SELECT comment FROM responses ORDER BY id DESC LIMIT 1") == [
        ("Żółć i gęś",)]


# ---- errors -------------------------------------------------------------------


def test_a_bad_file_shows_every_error_and_imports_nothing(server):
    sid = survey(server.db)
    content = ("submitted_at,score,comment\n"
               "2024-01-01,9,dobrze\n"
               "2024-02-30,5,zła data\n"
               "2024-01-03,11,za wysoko\n"
               "2024-01-04,7,\"w porządku,\nale wolno\"\n"
               "2024-01-05,x,nie liczba\n").encode()
    c = server.admin()
    loc = upload(c, "bad.csv", content, survey_id=sid)
    page = c.get(loc).text
    before = counts(server.db)
    sel = selects(page)
    # Five rows are too few to tell the date style past a bad date, so it
    # is given; every bad value is then reported where it is.
    base = {"csrf_token": harness.csrf_from(page), "date_format": "%Y-%m-%d"}
    base.update({name: chosen or "" for name, (chosen, _) in sel.items()})
    for action, status, text in (("check", 422, "3 errors; correct the file or the mapping."),
                                 ("import", 422, "3 errors; nothing was imported.")):
        r = c.post(loc, dict(base, action=action))
        assert r.status_code == status, r.text[:2000]
        assert_clean_page(r, c)
        assert outcome(r.text) == text
        lines = error_lines(r.text)
        assert len(lines) == 3, lines
        assert all(ERROR_LINE.match(x) for x in lines), lines
        assert lines[0].startswith("bad.csv:3:1: ") and "February 2024 has 29 days" in lines[0]
        assert lines[1].startswith("bad.csv:4:12: ") and "11" in lines[1]
        # the quoted line break counts: the last row starts on line 7
        assert lines[2].startswith("bad.csv:7:12: ")
        assert counts(server.db) == before
    # The upload stays for another try; no mapping was saved.
    assert uploads(server.db) == 1
    assert query(server.db, "SELECT count(*) FROM import_mappings") == [(0,)]
    assert query(server.db, "SELECT count(*) FROM audit_log WHERE action = 'import'") == [(0,)]


def test_form_problems_are_refused_before_reading(server):
    sid = survey(server.db)
    c = server.admin()
    loc = upload(c, "a.csv", b"when,score\n2024-01-01,5\n", survey_id=sid)
    page = c.get(loc).text
    tok = harness.csrf_from(page)
    # No column named submitted_at: the required field must be chosen.
    sel = selects(page)
    assert sel["map_submitted_at"][0] is None
    r = c.post(loc, {"csrf_token": tok, "action": "check", "map_score": "1"})
    assert r.status_code == 400
    assert outcome(r.text) == "Choose the column of the field submitted_at."
    r = c.post(loc, {"csrf_token": tok, "action": "check", "map_submitted_at": "7"})
    assert r.status_code == 400
    assert outcome(r.text) == "A chosen column is not in the file."
    r = c.post(loc, {"csrf_token": tok, "action": "check", "map_submitted_at": "0",
                     "date_format": "%Q"})
    assert r.status_code == 400
    assert outcome(r.text).startswith("The date format is wrong: ")
    r = c.post(loc, {"csrf_token": tok, "action": "import", "map_submitted_at": "0",
                     "map_score": "1"})
    assert outcome(r.text) == "Imported 1 rows."
    # Step 1 refuses a missing file, kind or survey.
    tok = c.token("/import")
    for data, files, text in (
            ({"kind": "responses", "survey": str(sid)}, None, "Choose a file that is not empty."),
            ({"kind": "responses", "survey": str(sid)}, {"file": ("e.csv", b"")},
             "Choose a file that is not empty."),
            ({"kind": "nothing"}, {"file": ("e.csv", b"a\n1\n")}, "Choose what the file holds."),
            ({"kind": "responses", "survey": "999"}, {"file": ("e.csv", b"a\n1\n")},
             "Choose the survey the responses belong to."),
            ({"kind": "responses"}, {"file": ("e.csv", b"a\n1\n")},
             "Choose the survey the responses belong to.")):
        r = c.post("/import/upload", data=dict(data, csrf_token=tok),
                   files=files or {"x": ("", b"")})
        assert r.status_code == 400, (data, r.status_code)
        assert text in htmllib.unescape(r.text)
    assert uploads(server.db) == 0


def test_feedback_with_a_fixed_source_and_empty_texts_left_out(server):
    c = server.admin()
    content = ("Opinia\tData\nBardzo dobra obsługa\t2024-02-01\n \t2024-02-03\n"
               "Za długo czekałem\t2024-02-02\n")
    loc = upload(c, "fb.tsv", content.encode(), kind="feedback")
    page = c.get(loc).text
    assert re.search(r'id="import-delimiter">tab<', page)
    data = mapping_form(page, {"text": "Opinia", "received_at": "Data"}, "", "import")
    r = c.post(loc, data)
    assert r.status_code == 400
    assert outcome(r.text) == "Choose the column of the field source."
    data["source"] = "review"
    r = c.post(loc, data)
    assert r.status_code == 422
    assert [x.split(": ", 1)[0] for x in error_lines(r.text)] == ["fb.tsv:3:1"]
    assert counts(server.db)["feedback_items"] == 0
    data["skip_empty"] = "1"
    r = c.post(loc, data)
    assert outcome(r.text) == "Imported 2 rows.", r.text[:2000]
    assert count_cell(r.text, "import-skipped") == 1
    assert query(server.db, "SELECT source, text FROM feedback_items ORDER BY id") == [
        ("review", "Bardzo dobra obsługa"), ("review", "Za długo czekałem")]
    # Next time the source and the choice to leave empty texts out come back.
    page = c.get(upload(c, "fb2.tsv", content.encode(), kind="feedback")).text
    assert '<option value="review" selected>' in page
    assert 'name="skip_empty" value="1" checked' in page


# ---- access ---------------------------------------------------------------------


def test_csrf_is_required(server):
    sid = survey(server.db)
    c = server.admin()
    r = c.post("/import/upload", data={"kind": "responses", "survey": str(sid)},
               files={"file": ("a.csv", b"submitted_at\n2024-01-01\n")})
    assert r.status_code == 403
    r = c.post("/import/upload", data={"kind": "responses", "survey": str(sid),
                                       "csrf_token": "x" * 43},
               files={"file": ("a.csv", b"submitted_at\n2024-01-01\n")})
    assert r.status_code == 403
    assert uploads(server.db) == 0
    loc = upload(c, "a.csv", b"submitted_at\n2024-01-01\n", survey_id=sid)
    r = c.post(loc, {"action": "import", "map_submitted_at": "0"})
    assert r.status_code == 403
    assert counts(server.db)["responses"] == 0


def test_roles_and_owners(server):
    sid = survey(server.db)
    for role in ("viewer", "analyst", "agent"):
        server.add_user("u-" + role, role)
        c = server.client()
        c.login("u-" + role, harness.USER_PASSWORD)
        assert c.get("/import").status_code == 403, role
    server.add_user("mgr", "manager")
    m = server.client()
    m.login("mgr", harness.USER_PASSWORD)
    r = m.get("/import")
    assert r.status_code == 200
    assert 'enctype="multipart/form-data"' in r.text
    loc = upload(m, "a.csv", b"submitted_at\n2024-01-01\n", survey_id=sid)
    assert m.get(loc).status_code == 200
    # Another user (even an admin) does not see someone else's upload.
    a = server.admin()
    assert a.get(loc).status_code == 404
    r = a.post(loc, {"csrf_token": a.token("/import"), "action": "import",
                     "map_submitted_at": "0"})
    assert r.status_code == 404
    assert counts(server.db)["responses"] == 0
    assert m.get("/import/999999").status_code == 404
    # Signed out: to the sign-in page.
    assert server.client().get("/import").status_code == 303


def test_uploads_expire_after_an_hour(server):
    sid = survey(server.db)
    c = server.admin()
    loc = upload(c, "a.csv", b"submitted_at\n2024-01-01\n", survey_id=sid)
    con = sqlite3.connect(server.db)
    con.execute("UPDATE import_uploads SET created_at = created_at - 3601")
    con.commit()
    con.close()
    r = c.get(loc)
    assert r.status_code == 404
    assert "an upload waits an hour" in r.text
    # The next upload clears the expired one out.
    upload(c, "b.csv", b"submitted_at\n2024-01-01\n", survey_id=sid)
    assert uploads(server.db) == 1


# ---- size -----------------------------------------------------------------------


def _raw_status(port, head, first_chunk, timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(head)
        try:
            s.sendall(first_chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = b""
        while b"\r\n\r\n" not in data:
            got = s.recv(65536)
            if not got:
                break
            data += got
        return int(data.split(b" ", 2)[1])
    finally:
        s.close()


def test_oversized_upload_is_413_and_uploads_may_exceed_max_body(start_server):
    srv = start_server(args=["--max-body", "4096"])
    sid = survey(srv.db)
    c = srv.admin()
    c.get("/import")
    cookie = "; ".join("%s=%s" % (k, v) for k, v in c.s.cookies.items())
    head = ("POST /import/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\n"
            "Content-Type: multipart/form-data; boundary=xx\r\n"
            "Content-Length: %d\r\n\r\n" % (cookie, (50 << 20) + 1)).encode()
    t = time.monotonic()
    assert _raw_status(srv.port, head, b"--xx\r\n" + b" " * 1024) == 413
    assert time.monotonic() - t < 8
    # Under the upload limit but over --max-body: accepted on this route only.
    rows = "".join("2024-01-%02d,%d,%s\n" % (i % 28 + 1, i % 11, "x" * 40)
                   for i in range(1000))
    content = ("submitted_at,score,comment\n" + rows).encode()
    assert len(content) > 4096 * 10
    loc = upload(c, "big.csv", content, survey_id=sid)
    page = c.get(loc).text
    sel = selects(page)
    data = {"csrf_token": harness.csrf_from(page), "action": "import", "date_format": ""}
    data.update({name: chosen or "" for name, (chosen, _) in sel.items()})
    r = c.post(loc, data)
    assert outcome(r.text) == "Imported 1000 rows.", r.text[:2000]
    # The larger limit is for sessions that may import: signed out or as a
    # viewer, the same upload is refused before it is read.
    anon = srv.client()
    r = anon.post("/import/upload", data={"kind": "responses", "survey": str(sid)},
                  files={"file": ("big.csv", content)})
    assert r.status_code == 413
    srv.add_user("vi", "viewer")
    v = srv.client()
    v.login("vi", harness.USER_PASSWORD)
    r = v.post("/import/upload", data={"kind": "responses", "survey": str(sid),
                                       "csrf_token": v.token("/")},
               files={"file": ("big.csv", content)})
    assert r.status_code == 413
    # Small enough for --max-body, they get the answer of their role.
    r = v.post("/import/upload", data={"kind": "responses", "survey": str(sid),
                                       "csrf_token": v.token("/")},
               files={"file": ("s.csv", b"submitted_at\n2024-01-01\n")})
    assert r.status_code == 403
    assert uploads(srv.db) == 0
    r = c.post("/account/language", data={"csrf_token": c.token("/account"),
                                          "language": "en", "pad": "y" * 8000})
    assert r.status_code == 413
    assert srv.alive()
