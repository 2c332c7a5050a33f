"""E-mail invitations and QR codes, black box.

A database with a few customers in segments; `cxloop invite` queues them,
`cxloop invite send` hands the messages to an SMTP sink this test starts on
loopback (smtp_sink.py), and the tests read each message as it left cxloop:
recipients, RFC 2047 subjects in the customer's language, the personal link
whose token hashes to the stored row. A sink that refuses a recipient gives
a failed invitation with the server's reply as its reason; reminders go
only to unanswered invitations; the throttle spaces the messages. The QR
routes are decoded with zbarimg, and the server sends queued invitations
by itself when started with --smtp.
"""
import email
import email.policy
import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
import time

import pytest

import harness
from smtp_sink import SmtpSink

CUSTOMERS = """external_id,name,email,language,segment
c1,Jan Kowalski,jan@example.pl,pl,VIP
c2,Ann Smith,ann@example.com,en,VIP
c3,Ion Popescu,ion@example.ro,ro,VIP
c4,Bez Maila,,pl,VIP
c5,Zapomniany,forgotten@example.pl,pl,VIP
c6,Zofia Nowak,zofia@example.pl,de,Other
c7,Odrzucony,nobody@example.pl,pl,Other
"""

FROM = "ankiety@example.com"
BASE = "https://cx.example.com"
LINK_RE = re.compile(r"(https?://[^\s<>\"]+/s/([a-z0-9-]+)\?t=([A-Za-z0-9_-]{43}))")


def token_hash(token):
    return hashlib.blake2b(token.encode(), digest_size=32).hexdigest()


def sql(db, query, args=()):
    con = sqlite3.connect(db, timeout=30)
    try:
        rows = con.execute(query, args).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def parse(message):
    return email.message_from_bytes(message["data"], policy=email.policy.default)


def plain_text(msg):
    return msg.get_body(("plain",)).get_content()


def make_db(d):
    db = str(d / "inv.db")
    harness.init_db(db)
    csv = d / "customers.csv"
    csv.write_text(CUSTOMERS, encoding="utf-8")
    harness.run_ok(["import", "customers", "--db", db, str(csv)])
    # c5's personal data was erased (GDPR): never invited
    sql(db, "UPDATE customers SET erased_at = 1 WHERE external_id = 'c5'")
    out = harness.run_ok(["survey", "create", "--db", db, "--kind", "nps",
                          "--name", "Obsługa w salonie", "--lang", "pl,en,ro"])
    return db, int(out.stdout.strip())


def invite(db, *args):
    return harness.run_ok(["invite", "--db", db] + list(args)).stdout


def send(db, sink, *args, check=True):
    proc = harness.run(["invite", "send", "--db", db, "--smtp", sink.url, "--from", FROM]
                       + list(args), timeout=120)
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def status(db, survey):
    out = harness.run_ok(["invite", "status", "--db", db, "--survey", str(survey),
                          "--format", "json", "--limit", "100"]).stdout
    return json.loads(out)


@pytest.fixture
def sink():
    s = SmtpSink().start()
    yield s
    s.stop()


def test_segment_invited_sent_with_personal_links(tmp_path, sink):
    db, survey = make_db(tmp_path)
    out = invite(db, "--survey", str(survey), "--segment", "VIP")
    assert "5 customers matched" in out
    assert re.search(r"queued\s+3\n", out), out
    assert re.search(r"skipped, data erased\s+1\n", out), out
    assert re.search(r"skipped, no e-mail\s+1\n", out), out
    doc = status(db, survey)
    assert doc["counts"]["queued"] == 3 and doc["counts"]["total"] == 3
    queued_hashes = {r["id"]: r for r in doc["invitations"]}

    # the same segment again within 30 days: nobody new
    again = invite(db, "--survey", str(survey), "--segment", "VIP")
    assert re.search(r"queued\s+0\n", again) and re.search(r"invited < 30 days\s+3\n", again)

    out = send(db, sink, "--base-url", BASE + "/", "--rate", "6000/min").stdout
    assert "3 sent, 0 failed" in out, out
    assert len(sink.messages) == 3
    by_to = {m["to"][0]: parse(m) for m in sink.messages}
    assert set(by_to) == {"jan@example.pl", "ann@example.com", "ion@example.ro"}
    for m in sink.messages:
        assert m["from"] == "<%s>" % FROM
        raw = m["data"].decode("ascii")  # 7-bit on the wire: encoded words and base64
        assert "\nSubject: =?UTF-8?B?" in raw
    assert by_to["jan@example.pl"]["Subject"].startswith("Prosimy o Twoją opinię")
    assert by_to["ann@example.com"]["Subject"].startswith("We would value your opinion")
    assert by_to["ion@example.ro"]["Subject"].startswith("Părerea ta contează")
    assert by_to["jan@example.pl"]["To"].addresses[0].display_name == "Jan Kowalski"
    assert by_to["jan@example.pl"]["Message-ID"].endswith("@example.com>")
    assert by_to["jan@example.pl"].get_content_type() == "multipart/alternative"
    html_part = by_to["ann@example.com"].get_body(("html",)).get_content()
    assert "<html lang=\"en\">" in html_part

    rows = dict(sql(db, "SELECT token_hash, status FROM invitations"))
    tokens = set()
    for to, msg in by_to.items():
        found = LINK_RE.search(plain_text(msg))
        assert found, plain_text(msg)
        link, slug, token = found.groups()
        assert link.startswith(BASE + "/s/obsluga-w-salonie?t=")  # no double slash
        assert token_hash(token) in rows, "the link's token matches no invitation"
        assert rows[token_hash(token)] == "sent"
        assert token not in json.dumps(status(db, survey))
        tokens.add(token)
    assert len(tokens) == 3
    # the queued rows held unusable hashes; sending replaced every one
    assert not set(rows) & {r.get("token_hash") for r in queued_hashes.values()}
    # the setting remembers the public address
    assert sql(db, "SELECT value FROM settings WHERE key = 'public_url'") == [(BASE + "/",)]

    doc = status(db, survey)
    assert doc["counts"] == {"queued": 0, "sent": 3, "failed": 0, "answered": 0,
                             "total": 3, "reminded": 0}
    assert all(r["sent_at"] for r in doc["invitations"])


def test_the_link_answers_the_survey_once_and_marks_the_invitation(tmp_path, sink):
    """End to end: invite, send, open the link from the e-mail, answer both
    pages; the invitation is answered, the response is the customer's, and
    the link does not take a second answer."""
    db, survey = make_db(tmp_path)
    invite(db, "--survey", str(survey), "--customers", str(_ids(tmp_path, "c1")))
    srv = harness.Server(db, tmp_path).start()
    try:
        send(db, sink, "--base-url", srv.base)
        link = LINK_RE.search(plain_text(parse(sink.messages[0]))).group(1)
        assert link.startswith(srv.base + "/s/obsluga-w-salonie?t=")
        page = harness.requests.get(link, timeout=30)
        assert page.status_code == 200, page.status_code
        assert '<html lang="pl">' in page.text, "the invited customer's language"
        first = dict(harness.find_form(page.text, "/s/obsluga-w-salonie")["inputs"])
        first["q_nps"] = "3"
        step2 = harness.requests.post(srv.url("/s/obsluga-w-salonie"), data=first, timeout=30)
        assert step2.status_code == 200, step2.text
        assert status(db, survey)["counts"]["answered"] == 1, "answered from the first answer"
        rest = dict(harness.find_form(step2.text, "/s/obsluga-w-salonie/complete")["inputs"])
        rest["q_komentarz"] = "Za długo czekałem"
        done = harness.requests.post(srv.url("/s/obsluga-w-salonie/complete"), data=rest,
                                     timeout=30)
        assert done.status_code == 200, done.text
        rows = sql(db, "SELECT r.score, r.comment, r.completed, c.external_id, i.status"
                       " FROM responses r JOIN invitations i ON i.id = r.invitation_id"
                       " JOIN customers c ON c.id = r.customer_id")
        assert rows == [(3, "Za długo czekałem", 1, "c1", "answered")]
        again = harness.requests.get(link, timeout=30)
        assert again.status_code == 200 and "<form" not in again.text, "once only"
        # the response is counted by the engine once answered
        got = srv.api(role="viewer").get("/api/v1/metrics?metric=nps&survey=%d" % survey)
        assert got.json()["rows"][0]["n"] == 1, got.text
    finally:
        srv.stop()


def test_messages_name_the_survey_by_its_title_for_respondents(tmp_path, sink):
    """The e-mail calls the survey what the survey page calls it: the title
    in the message's language, else in the survey's first language; never
    the team's internal name when there is a title."""
    db, survey = make_db(tmp_path)
    sql(db, "UPDATE surveys SET title = ? WHERE id = ?",
        ('{"pl":"Jak oceniasz nasz salon?","en":"How was our shop?"}', survey))
    invite(db, "--survey", str(survey), "--customers", str(_ids(tmp_path, "c1", "c2", "c3")))
    send(db, sink, "--base-url", BASE, "--rate", "6000/min")
    bodies = {m["to"][0]: plain_text(parse(m)) for m in sink.messages}
    assert "Jak oceniasz nasz salon?" in bodies["jan@example.pl"]
    assert "How was our shop?" in bodies["ann@example.com"]
    assert "Jak oceniasz nasz salon?" in bodies["ion@example.ro"], "no Romanian title: the first"
    for body in bodies.values():
        assert "Obsługa w salonie" not in body


def _ids(d, *ids):
    path = d / "ids.txt"
    path.write_text("# external ids\n" + "\n".join(ids) + "\n\n", encoding="utf-8")
    return path


def test_customer_list_and_language_fallback(tmp_path, sink):
    db, survey = make_db(tmp_path)
    out = invite(db, "--survey", str(survey), "--customers",
                 str(_ids(tmp_path, "c6", "c6", "nope", "c4")))
    assert re.search(r"queued\s+1\n", out) and re.search(r"unknown external ids\s+1\n", out)
    assert re.search(r"skipped, no e-mail\s+1\n", out)
    send(db, sink)
    # Zofia's language (de) has no texts: the survey's first language, Polish
    msg = parse(sink.messages[0])
    assert msg["Subject"].startswith("Prosimy o Twoją opinię")
    # no --base-url and no setting: the default address
    assert "http://localhost:8080/s/obsluga-w-salonie?t=" in plain_text(msg)


def test_dry_run_and_bad_input_change_nothing(tmp_path):
    db, survey = make_db(tmp_path)
    out = invite(db, "--survey", str(survey), "--all", "--dry-run")
    assert "dry run" in out and re.search(r"would be queued\s+5\n", out), out
    assert sql(db, "SELECT count(*) FROM invitations") == [(0,)]
    for args, words in [
        (["--survey", str(survey), "--segment", "Nope"], "no segment named 'Nope'"),
        (["--survey", "999", "--all"], "no survey '999'"),
        (["--survey", str(survey)], "name the audience once"),
        (["--survey", str(survey), "--all", "--segment", "VIP"], "name the audience once"),
        (["--survey", str(survey), "--all", "--not-within", "-1"], "--not-within"),
    ]:
        proc = harness.run(["invite", "--db", db] + args)
        assert proc.returncode != 0 and words in proc.stderr, (args, proc.stderr)
    proc = harness.run(["invite", "send", "--db", db, "--smtp", "http://x", "--from", FROM])
    assert proc.returncode == 2 and "--smtp" in proc.stderr
    proc = harness.run(["invite", "send", "--db", db, "--smtp", "smtp://127.0.0.1:25",
                        "--from", "not an address"])
    assert proc.returncode == 2 and "--from" in proc.stderr
    proc = harness.run(["invite", "send", "--db", db, "--smtp", "smtp://127.0.0.1:25",
                        "--from", FROM, "--base-url", "ftp://x"])
    assert proc.returncode == 2 and "--base-url" in proc.stderr
    assert sql(db, "SELECT count(*) FROM invitations") == [(0,)]
    assert sql(db, "SELECT count(*) FROM settings WHERE key = 'public_url'") == [(0,)]
    # closing the survey stops invitations
    sql(db, "UPDATE surveys SET open = 0 WHERE id = ?", (survey,))
    proc = harness.run(["invite", "--db", db, "--survey", str(survey), "--all"])
    assert proc.returncode == 1 and "closed" in proc.stderr


def test_refused_recipient_fails_with_reason_and_4xx_is_retried(tmp_path):
    db, survey = make_db(tmp_path)
    invite(db, "--survey", str(survey), "--segment", "Other")
    invite(db, "--survey", str(survey), "--customers", str(_ids(tmp_path, "c1")))
    sink = SmtpSink(reject={
        "nobody@example.pl": "550 5.1.1 <nobody@example.pl>: Recipient address rejected",
        "zofia@example.pl": "450 4.2.1 mailbox busy, try later",
    }).start()
    try:
        out = send(sink=sink, db=db).stdout
        assert "1 sent, 1 failed, 1 back in the queue" in out, out
        rows = {r["customer"]: r for r in status(db, survey)["invitations"]}
        assert rows["c7"]["status"] == "failed"
        assert "550 5.1.1 <nobody@example.pl>: Recipient address rejected" in rows["c7"]["reason"]
        assert rows["c6"]["status"] == "queued" and rows["c6"]["attempts"] == 1
        assert "450 4.2.1 mailbox busy" in rows["c6"]["reason"]
        assert rows["c1"]["status"] == "sent" and rows["c1"]["reason"] == ""
        # not retried before ten minutes have passed
        send(db, sink)
        assert status(db, survey)["counts"]["queued"] == 1
        rows = {r["customer"]: r for r in status(db, survey)["invitations"]}
        assert rows["c6"]["attempts"] == 1
        # two more 4xx replies, ten minutes apart, and it fails for good
        for _ in range(2):
            sql(db, "UPDATE invitations SET claimed_at = claimed_at - 601"
                    " WHERE claimed_at IS NOT NULL")
            send(db, sink)
        rows = {r["customer"]: r for r in status(db, survey)["invitations"]}
        assert rows["c6"]["status"] == "failed" and rows["c6"]["attempts"] == 3
        send(db, sink)
        assert [m["to"] for m in sink.messages] == [["jan@example.pl"]]
        # the table shows the reason too
        table = harness.run_ok(["invite", "status", "--db", db, "--survey", str(survey)]).stdout
        assert "queued 0, sent 1, failed 2, answered 0" in table
        assert "Recipient address rejected" in table
    finally:
        sink.stop()


def test_unreachable_server_counts_nothing_against_invitations(tmp_path):
    db, survey = make_db(tmp_path)
    invite(db, "--survey", str(survey), "--segment", "VIP")
    port = harness.free_port()  # nobody listens there
    proc = harness.run(["invite", "send", "--db", db, "--smtp", "smtp://127.0.0.1:%d" % port,
                        "--from", FROM])
    assert proc.returncode == 1 and "smtp://127.0.0.1" in proc.stderr, proc.stderr
    doc = status(db, survey)
    assert doc["counts"]["queued"] == 3
    assert all(r["attempts"] == 0 for r in doc["invitations"])
    assert any("connect" in r["reason"].lower() for r in doc["invitations"])


def test_throttle_spaces_messages(tmp_path, sink):
    db, survey = make_db(tmp_path)
    invite(db, "--survey", str(survey), "--all", "--not-within", "0")
    invite(db, "--survey", str(survey), "--all", "--not-within", "0")  # 10 in all
    stamps = []
    sink.messages = _StampedList(stamps)  # the sink notes when each message arrived
    out = send(db, sink, "--rate", "600").stdout
    assert "10 sent" in out
    # 600 a minute: 100 ms apart, and the rate caps the batch size (50)
    assert "1 batch, 100 ms between messages (600 a minute)" in out, out
    assert len(stamps) == 10
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    # sleeping is never shorter than asked; only a lower bound is checked
    assert min(gaps) >= 0.09, gaps
    invite(db, "--survey", str(survey), "--all", "--not-within", "0")
    out = send(db, sink, "--rate", "3000/min").stdout
    assert "5 sent" in out and "20 ms between messages" in out, out


class _StampedList(list):
    def __init__(self, stamps):
        super().__init__()
        self.stamps = stamps

    def append(self, m):
        self.stamps.append(time.monotonic())
        super().append(m)


def test_reminders_only_to_unanswered(tmp_path, sink):
    db, survey = make_db(tmp_path)
    invite(db, "--survey", str(survey), "--segment", "VIP")
    send(db, sink)
    first = {m["to"][0]: LINK_RE.search(plain_text(parse(m))).group(3) for m in sink.messages}
    # Ann answered (the public page marks it by the token's hash)
    sql(db, "UPDATE invitations SET status = 'answered', answered_at = 5 WHERE token_hash = ?",
        (token_hash(first["ann@example.com"]),))
    sink.messages.clear()
    # sent just now: not yet 2 days old, so no reminder
    out = send(db, sink, "--remind-after", "2").stdout
    assert "reminders: 0 sent" in out and not sink.messages
    sql(db, "UPDATE invitations SET sent_at = sent_at - 3 * 86400")
    out = send(db, sink, "--remind-after", "2").stdout
    assert "reminders: 2 sent, 0 failed" in out, out
    assert sorted(m["to"][0] for m in sink.messages) == ["ion@example.ro", "jan@example.pl"]
    subjects = {m["to"][0]: parse(m)["Subject"] for m in sink.messages}
    assert subjects["jan@example.pl"].startswith("Przypomnienie:")
    assert subjects["ion@example.ro"].startswith("Memento:")
    # a reminder carries a fresh link that replaces the first
    hashes = {h for (h,) in sql(db, "SELECT token_hash FROM invitations")}
    for m in sink.messages:
        token = LINK_RE.search(plain_text(parse(m))).group(3)
        assert token != first[m["to"][0]] and token_hash(token) in hashes
    doc = status(db, survey)
    assert doc["counts"]["reminded"] == 2 and doc["counts"]["answered"] == 1
    # once only
    sink.messages.clear()
    out = send(db, sink, "--remind-after", "2").stdout
    assert "reminders: 0 sent" in out and not sink.messages


# ---- web: QR codes and the invitations page ----

ZBAR = shutil.which("zbarimg")


def zbar_decode(path):
    proc = subprocess.run([ZBAR, "--quiet", "--raw", str(path)], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@pytest.fixture
def served(tmp_path):
    db, survey = make_db(tmp_path)
    sink = SmtpSink(reject={"nobody@example.pl": "550 5.1.1 no such user"}).start()
    srv = harness.Server(db, tmp_path, args=["--smtp", sink.url, "--smtp-from", FROM,
                                             "--mail-rate", "6000", "--mail-poll", "1"]).start()
    srv.add_user("viewer1", "viewer")
    srv.add_user("manager1", "manager")
    yield srv, db, survey, sink
    srv.stop()
    sink.stop()


def viewer(srv):
    c = srv.client()
    c.login("viewer1", harness.USER_PASSWORD)
    return c


def manager(srv):
    c = srv.client()
    c.login("manager1", harness.USER_PASSWORD)
    return c


def test_qr_routes(served, tmp_path):
    srv, db, survey, _ = served
    anonymous = srv.client().get("/surveys/%d/qr.svg" % survey)
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["Location"]
    c = viewer(srv)
    svg = c.get("/surveys/%d/qr.svg" % survey)
    assert svg.status_code == 200, svg.text
    assert svg.headers["Content-Type"] == "image/svg+xml"
    assert svg.headers["Content-Disposition"] == \
        'attachment; filename="obsluga-w-salonie-qr.svg"'
    # "http://localhost:PORT/s/obsluga-w-salonie" is at most 42 bytes: version
    # 3-M, 29 modules and a quiet zone of 4 on each side
    link = "http://localhost:%d/s/obsluga-w-salonie" % srv.port
    assert len(link) <= 42
    assert 'viewBox="0 0 37 37"' in svg.text, svg.text[:300]
    png = c.get("/surveys/%d/qr.png?size=4" % survey)
    assert png.status_code == 200 and png.headers["Content-Type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n" and png.content[12:16] == b"IHDR"
    side = int.from_bytes(png.content[16:20], "big")
    assert side == 37 * 4
    assert png.headers["Content-Disposition"] == 'attachment; filename="obsluga-w-salonie-qr.png"'
    for bad in ("0", "41", "x", "3.5"):
        got = c.get("/surveys/%d/qr.png?size=%s" % (survey, bad))
        assert got.status_code == 400, bad
    assert c.get("/surveys/%d/qr.svg?size=4" % survey).status_code == 400
    assert c.get("/surveys/999/qr.png").status_code == 404
    assert c.get("/surveys/abc/qr.png").status_code == 404
    if ZBAR:
        path = tmp_path / "qr.png"
        path.write_bytes(c.get("/surveys/%d/qr.png" % survey).content)
        assert zbar_decode(path) == link


def test_invitations_page_form_and_server_mailer(served, tmp_path):
    srv, db, survey, sink = served
    page = "/surveys/%d/invitations" % survey
    v = viewer(srv)
    got = v.get(page)
    assert got.status_code == 200
    assert "Invitations and QR code" in got.text and "No invitations yet" in got.text
    assert 'action="%s"' % page not in got.text  # a viewer cannot invite
    assert v.post(page, {"audience": "all", "csrf_token": harness.csrf_from(got.text) or "x"}
                  ).status_code == 403

    m = manager(srv)
    form = m.form(page, page)
    assert form, "no invitation form for a manager"
    r = m.submit(page, page, {"audience": "segment:Other", "not_within": "30"})
    assert r.status_code == 200, r.text[:2000]
    assert "Queued: 2." in r.text
    # the server's mailer sends them without being asked (poll: 1 s)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        doc = status(db, survey)
        if doc["counts"]["queued"] == 0:
            break
        time.sleep(0.2)
    assert doc["counts"]["sent"] == 1 and doc["counts"]["failed"] == 1, doc
    assert [msg["to"] for msg in sink.messages] == [["zofia@example.pl"]]
    # default base: the address the server listens on
    assert "http://localhost:%d/s/obsluga-w-salonie?t=" % srv.port in \
        plain_text(parse(sink.messages[0]))

    got = v.get(page)
    parsed = harness.parse(got.text)
    assert parsed.h1 and "Obsługa w salonie" in " ".join(parsed.h1)
    assert not parsed.style_attrs and not parsed.event_attrs, "the CSP forbids both"
    assert len(parsed.ids) == len(set(parsed.ids)), "duplicate ids"
    assert 'id="inv-failed"' in got.text and 'data-count="1"' in got.text
    assert "550 5.1.1 no such user" in got.text
    assert got.text.count('data-status="failed"') == 1

    # bad input: a clear message and nothing queued
    before = status(db, survey)["counts"]["total"]
    r = m.submit(page, page, {"audience": "segment:Nope", "not_within": "30"})
    assert r.status_code == 400 and "existing segment" in r.text
    r = m.submit(page, page, {"audience": "all", "not_within": "-3"})
    assert r.status_code == 400 and "whole number" in r.text
    assert status(db, survey)["counts"]["total"] == before

    # reminders from the page go through the server's mailer
    sql(db, "UPDATE invitations SET sent_at = sent_at - 10 * 86400")
    r = m.submit(page, page + "/remind", {"days": "7"})
    assert r.status_code == 303 and "done=reminders" in r.headers["Location"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(sink.messages) < 2:
        time.sleep(0.2)
    assert len(sink.messages) == 2
    assert parse(sink.messages[1])["Subject"].startswith("Przypomnienie:")

    # only an admin sets the public address; the QR code follows it
    assert m.submit(page, page + "/public-url",
                    {"public_url": "https://cx.example.com"}).status_code == 403
    admin = srv.admin()
    r = admin.submit(page, page + "/public-url", {"public_url": "javascript:alert(1)"})
    assert r.status_code == 400
    r = admin.submit(page, page + "/public-url", {"public_url": "https://cx.example.com"})
    assert r.status_code == 303
    got = admin.get(page)
    assert "https://cx.example.com/s/obsluga-w-salonie" in got.text
    if ZBAR:
        path = tmp_path / "qr2.png"
        path.write_bytes(admin.get("/surveys/%d/qr.png" % survey).content)
        assert zbar_decode(path) == "https://cx.example.com/s/obsluga-w-salonie"


def test_survey_qr_command(tmp_path):
    db, survey = make_db(tmp_path)
    svg = tmp_path / "q.svg"
    out = harness.run_ok(["survey", "qr", "--db", db, "--survey", "obsluga-w-salonie",
                          "--format", "svg", "--out", str(svg)]).stdout
    assert out.strip() == "http://localhost:8080/s/obsluga-w-salonie"
    text = svg.read_text()
    assert text.startswith("<?xml") and text.rstrip().endswith("</svg>")
    assert 'viewBox="0 0 37 37"' in text  # 41 bytes: version 3-M, 29 + 2 * 4 modules
    png = tmp_path / "q.png"
    harness.run_ok(["survey", "qr", "--db", db, "--survey", str(survey), "--format", "png",
                    "--out", str(png), "--size", "5", "--base-url", BASE])
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # "https://cx.example.com/s/obsluga-w-salonie" is 42 bytes: still version 3
    assert int.from_bytes(data[16:20], "big") == 37 * 5
    if ZBAR:
        assert zbar_decode(png) == BASE + "/s/obsluga-w-salonie"
    for args, words in [(["--format", "gif"], "--format"), (["--format", "svg", "--size", "3"],
                        "--size"), (["--format", "png", "--size", "41"], "--size"),
                        (["--format", "png", "--base-url", "x"], "--base-url")]:
        proc = harness.run(["survey", "qr", "--db", db, "--survey", str(survey),
                            "--out", str(tmp_path / "x")] + args)
        assert proc.returncode == 2 and words in proc.stderr, (args, proc.stderr)
    proc = harness.run(["survey", "qr", "--db", db, "--survey", "999", "--format", "svg",
                        "--out", str(tmp_path / "x")])
    assert proc.returncode == 1 and "no survey" in proc.stderr
    assert not (tmp_path / "x").exists()
