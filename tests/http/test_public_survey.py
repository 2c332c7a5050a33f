"""The public survey page /s/SLUG and the website widget, black box.

What it is for: a respondent's view of a survey — the page in the
survey's languages (asked for, the invited customer's, the browser's,
the first), the first answer saved at once as a partial response and
completed by the second page, wording that follows the main answer's
group, invitations that answer once, the honeypot, rate limits, closed
and unknown surveys, and the widget's endpoint with CORS per survey.

What it relies on: the CLI (init, survey create, apikey create), the
HTTP contract, and — for what the survey editor will set but the CLI
cannot yet (languages' texts, logic, origins, invitations) — direct
writes to the test database with Python's sqlite3. Invitation tokens are
hashed as the server hashes them: BLAKE2b-256 in hex.

What it must never do: share a survey between tests that count rows or
POSTs (the rate limits count per address and survey, and every test
comes from 127.0.0.1).
"""
import hashlib
import json
import re
import secrets
import sqlite3

import pytest
import requests

import harness

NPS_EN = "How likely are you to recommend us to a friend?"
NPS_PL = "Jak prawdopodobne jest, że polecisz nas znajomemu?"
NPS_RO = "Cât de probabil este să ne recomanzi unui prieten?"

LOGIC = {"label_by_group": {
    "detractor": {"pl": "Co poszło nie tak?", "en": "What went wrong?"},
    "passive": {"pl": "Czego zabrakło do 10?", "en": "What was missing for a 10?"},
    "promoter": {"pl": "Co podobało Ci się najbardziej?", "en": "What did you like most?"},
}}


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    d = tmp_path_factory.mktemp("public")
    db = harness.init_db(str(d / "cx.db"))
    server = harness.Server(db, d).start()
    yield server
    server.stop()


def sql(srv, statement, args=()):
    con = sqlite3.connect(srv.db, timeout=30)
    try:
        cur = con.execute(statement, args)
        rows = cur.fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def make_survey(srv, name, kind="nps", lang="pl,en,ro"):
    sid = int(harness.run_ok(["survey", "create", "--db", srv.db, "--kind", kind, "--name", name,
                              "--lang", lang]).stdout.strip())
    slug = sql(srv, "SELECT slug FROM surveys WHERE id = ?", (sid,))[0][0]
    return sid, slug


def api(srv, path, **params):
    r = requests.get(srv.url(path), params=params, timeout=30,
                     headers={"Authorization": "Bearer " + srv.key("admin")})
    assert r.status_code == 200, r.text
    return r.json()


def responses_of(srv, sid):
    return sql(srv, "SELECT id, completed, score, nps_group, comment, language, channel,"
                    " invitation_id, customer_id FROM responses WHERE survey_id = ? ORDER BY id",
               (sid,))


def get(srv, path, lang=None, **kw):
    headers = kw.pop("headers", {})
    if lang:
        headers["Accept-Language"] = lang
    return requests.get(srv.url(path), headers=headers, timeout=30, allow_redirects=False, **kw)


def post(srv, path, data, lang=None, **kw):
    headers = kw.pop("headers", {})
    if lang:
        headers["Accept-Language"] = lang
    return requests.post(srv.url(path), data=data, headers=headers, timeout=30,
                         allow_redirects=False, **kw)


def form_of(text, action):
    forms = [f for f in harness.parse(text).forms if f["action"] == action]
    assert forms, "no form posting to %s" % action
    return dict(forms[0]["inputs"])


def legends(text):
    return [re.sub(r"<[^>]+>", "", m).strip()
            for m in re.findall(r"<(?:legend|label for=\"f-\d+\")[^>]*>(.*?)</(?:legend|label)>",
                                text, re.S)]


def test_page_speaks_the_asked_the_browsers_or_the_first_language(srv):
    _, slug = make_survey(srv, "Languages")
    assert NPS_EN in get(srv, "/s/" + slug, lang="en-GB,en;q=0.9").text
    assert NPS_RO in get(srv, "/s/" + slug, lang="ro").text
    assert NPS_PL in get(srv, "/s/" + slug, lang="de").text, "falls back to the first language"
    r = get(srv, "/s/" + slug + "?lang=ro", lang="en")
    assert r.status_code == 200 and NPS_RO in r.text and 'lang="ro"' in r.text
    assert "Limba sondajului" in r.text, "the page's own words follow"
    # q-values decide, not the order
    assert NPS_EN in get(srv, "/s/" + slug, lang="pl;q=0.3, en;q=0.8").text
    # switch links to every language of the survey, and only those
    _, one = make_survey(srv, "Only English", lang="en")
    page = get(srv, "/s/" + slug, lang="en").text
    assert re.findall(r'href="/s/[^"?]+\?lang=(\w\w)"', page) == ["pl", "en", "ro"]
    only = get(srv, "/s/" + one, lang="pl")
    assert NPS_EN in only.text and "?lang=" not in only.text


def test_first_answer_is_saved_at_once_then_completed(srv):
    sid, slug = make_survey(srv, "Two steps")
    sql(srv, "INSERT INTO questions (survey_id, position, key, kind, label, required)"
             " VALUES (?, 5, 'cena', 'rating', '{\"en\": \"How fair is our price?\"}', 0)", (sid,))
    page = get(srv, "/s/" + slug, lang="en")
    data = form_of(page.text, "/s/" + slug)
    assert set(data) >= {"lang", "website"}
    data["q_nps"] = "8"
    step2 = post(srv, "/s/" + slug, data)
    assert step2.status_code == 200, step2.text
    rows = responses_of(srv, sid)
    assert len(rows) == 1
    rid, completed, score, group, comment, language, channel, _, _ = rows[0]
    assert (completed, score, group, comment, language, channel) == (0, 8, 0, None, "en", "web")
    doc = api(srv, "/api/v1/responses/%d" % rid)
    assert doc["completed"] is False and doc["score"] == 8

    form = form_of(step2.text, "/s/%s/complete" % slug)
    resume = form["r"]
    assert len(resume) == 43 and str(rid) != resume, "a random token, not the id"
    form["q_komentarz"] = "Cena mogłaby być niższa <b>"
    form["q_cena"] = "2"
    done = post(srv, "/s/%s/complete" % slug, form)
    assert done.status_code == 200 and "Thank you" in done.text
    doc = api(srv, "/api/v1/responses/%d" % rid)
    assert doc["completed"] is True
    assert doc["comment"] == "Cena mogłaby być niższa <b>"
    assert doc["answers"] == {"nps": 8, "cena": 2}
    assert sql(srv, "SELECT count(*) FROM response_resume")[0][0] == 0
    # the engine counts the completed answers at once (read again after
    # completion), with the score it had from the first step
    m = api(srv, "/api/v1/metrics", metric="mean:cena")
    assert m["rows"][0]["n"] == 1 and m["rows"][0]["value"] == pytest.approx(2), m
    # a replay of the same step changes nothing
    again = post(srv, "/s/%s/complete" % slug, dict(form, q_komentarz="changed"))
    assert again.status_code == 200 and "already" in again.text
    assert api(srv, "/api/v1/responses/%d" % rid)["comment"] == "Cena mogłaby być niższa <b>"


def test_nobody_completes_a_response_without_its_token(srv):
    sid, slug = make_survey(srv, "Guessing")
    post(srv, "/s/" + slug, {"q_nps": "5", "lang": "en"})
    for token in ("", "1", secrets.token_urlsafe(32)[:43], "x" * 500):
        r = post(srv, "/s/%s/complete" % slug, {"r": token, "q_komentarz": "hijack"})
        assert r.status_code == 200 and "już zapisana" in r.text
    rows = responses_of(srv, sid)
    assert [(r[1], r[4]) for r in rows] == [(0, None)]


def test_second_question_wording_follows_the_main_answers_group(srv):
    sid, slug = make_survey(srv, "Logic")
    sql(srv, "UPDATE questions SET logic = ? WHERE survey_id = ? AND key = 'komentarz'",
        (json.dumps(LOGIC), sid))
    want = {"3": "What went wrong?", "0": "What went wrong?", "6": "What went wrong?",
            "7": "What was missing for a 10?", "8": "What was missing for a 10?",
            "9": "What did you like most?", "10": "What did you like most?"}
    for score, text in want.items():
        r = post(srv, "/s/" + slug, {"q_nps": score, "lang": "en"})
        assert r.status_code == 200
        assert text in legends(r.text)[0], (score, legends(r.text))
    # Romanian is missing from the logic: the survey's first language
    r = post(srv, "/s/" + slug, {"q_nps": "10", "lang": "ro"})
    assert "Co podobało Ci się najbardziej?" in r.text
    groups = sorted(set((row[2], row[3]) for row in responses_of(srv, sid)))
    assert groups == [(0, -1), (3, -1), (6, -1), (7, 0), (8, 0), (9, 1), (10, 1)]


def test_csat_and_effort_groups(srv):
    """CSAT 1-2/3/4-5 and CES 1-3/4/5-7 (after turning an inverted scale)."""
    sid, slug = make_survey(srv, "Csat logic", kind="csat")
    sql(srv, "UPDATE questions SET logic = ? WHERE survey_id = ? AND key = 'komentarz'",
        (json.dumps(LOGIC), sid))
    for score, text in (("2", "went wrong"), ("3", "missing"), ("4", "like most")):
        assert text in post(srv, "/s/" + slug, {"q_csat": score, "lang": "en"}).text
    sid, slug = make_survey(srv, "Ces logic", kind="ces")
    sql(srv, "UPDATE questions SET logic = ? WHERE survey_id = ? AND key = 'komentarz'",
        (json.dumps(LOGIC), sid))
    sql(srv, "UPDATE questions SET scale_inverted = 1 WHERE survey_id = ? AND is_main = 1", (sid,))
    # inverted: 1 is the easiest
    for score, text in (("1", "like most"), ("4", "missing"), ("7", "went wrong")):
        assert text in post(srv, "/s/" + slug, {"q_ces": score, "lang": "en"}).text
    # nps_group is for NPS and eNPS only
    assert {r[3] for r in responses_of(srv, sid)} == {None}


def test_bad_answers_are_refused_with_nothing_stored(srv):
    sid, slug = make_survey(srv, "Bad input")
    for data in ({"lang": "en"}, {"q_nps": "11"}, {"q_nps": "-1"}, {"q_nps": "five"}):
        r = post(srv, "/s/" + slug, data, lang="en")
        assert r.status_code == 422, data
        assert 'class="ps-error"' in r.text and 'role="alert"' in r.text
    assert responses_of(srv, sid) == []


def make_invitation(srv, sid, language="ro"):
    cid = sql(srv, "INSERT INTO customers (name, language, created_at) VALUES ('Ana', ?, 0)"
                   " RETURNING id", (language,))[0][0]
    token = secrets.token_urlsafe(32)
    digest = hashlib.blake2b(token.encode(), digest_size=32).hexdigest()
    iid = sql(srv, "INSERT INTO invitations (survey_id, customer_id, token_hash, status,"
                   " created_at) VALUES (?, ?, ?, 'sent', 0) RETURNING id", (sid, cid, digest))[0][0]
    return token, iid, cid


def test_invitation_answers_once_in_the_customers_language(srv):
    sid, slug = make_survey(srv, "Invited")
    token, iid, cid = make_invitation(srv, sid, "ro")
    page = get(srv, "/s/%s?t=%s" % (slug, token), lang="en")
    assert page.status_code == 200 and NPS_RO in page.text, "the customer's language first"
    assert "t=" + token in page.text, "language links keep the token"
    data = form_of(page.text, "/s/" + slug)
    assert data["t"] == token
    data["q_nps"] = "10"
    step2 = post(srv, "/s/" + slug, data)
    assert step2.status_code == 200
    rows = responses_of(srv, sid)
    assert [(r[1], r[7], r[8]) for r in rows] == [(0, iid, cid)]
    # a second visit (or a second tab posting the first step) is told kindly
    again = get(srv, "/s/%s?t=%s" % (slug, token))
    assert again.status_code == 200 and "Răspunsul tău" in again.text
    assert "<form" not in again.text
    twice = post(srv, "/s/" + slug, data)
    assert "Răspunsul tău" in twice.text
    assert len(responses_of(srv, sid)) == 1
    form = form_of(step2.text, "/s/%s/complete" % slug)
    form["q_komentarz"] = "Mulțumesc"
    assert "Mulțumim" in post(srv, "/s/%s/complete" % slug, form).text
    status = sql(srv, "SELECT status, answered_at IS NOT NULL FROM invitations WHERE id = ?",
                 (iid,))[0]
    assert status == ("answered", 1)
    assert responses_of(srv, sid)[0][1] == 1
    # a token of no invitation, or of another survey's
    _, other = make_survey(srv, "Other")
    for path in ("/s/%s?t=%s" % (other, token), "/s/%s?t=nonsense" % slug):
        r = get(srv, path, lang="en")
        assert r.status_code == 404 and "not valid" in r.text


def test_honeypot_looks_like_success_and_stores_nothing(srv):
    sid, slug = make_survey(srv, "Honeypot")
    page = get(srv, "/s/" + slug, lang="en").text
    assert re.search(r'<label for="ps-hp">Leave this field empty</label>', page)
    r = post(srv, "/s/" + slug, {"q_nps": "9", "lang": "en", "website": "http://spam"})
    assert r.status_code == 200 and "Thank you!" in r.text
    assert responses_of(srv, sid) == []


def test_writes_are_rate_limited_per_address(srv):
    sid, slug = make_survey(srv, "Flood")
    codes = []
    for _ in range(24):
        r = post(srv, "/s/" + slug, {"q_nps": "7", "lang": "en"})
        codes.append(r.status_code)
        if r.status_code == 429:
            assert int(r.headers["Retry-After"]) >= 1
            assert "Too many attempts" in r.text
    assert codes[:20] == [200] * 20 and codes[-1] == 429, codes
    assert len(responses_of(srv, sid)) == 20
    # reading is not limited
    assert get(srv, "/s/" + slug).status_code == 200


def test_body_limit(srv):
    sid, slug = make_survey(srv, "Big body")
    r = post(srv, "/s/" + slug, {"q_nps": "7", "pad": "x" * 70000}, lang="en")
    assert r.status_code == 413 and "The answer is too long." in r.text
    assert responses_of(srv, sid) == []


def test_closed_unknown_and_wrong_method(srv):
    sid, slug = make_survey(srv, "Closed")
    sql(srv, "UPDATE surveys SET open = 0 WHERE id = ?", (sid,))
    r = get(srv, "/s/" + slug, lang="en")
    assert r.status_code == 200 and "This survey is closed" in r.text and "<form" not in r.text
    r = post(srv, "/s/" + slug, {"q_nps": "9"}, lang="en")
    assert r.status_code == 410 and responses_of(srv, sid) == []
    r = get(srv, "/s/%s/complete" % slug, lang="en")
    assert r.status_code == 200 and "This survey is closed" in r.text, "a reloaded second step"
    r = get(srv, "/s/no-such-survey", lang="en")
    assert r.status_code == 404 and "There is no such survey" in r.text
    assert "survey.css" in r.text, "the same minimal layout"


def test_no_way_from_a_survey_page_into_the_app(srv):
    sid, slug = make_survey(srv, "Links")
    pages = [get(srv, "/s/" + slug, lang="en"), get(srv, "/s/nothing-here"),
             post(srv, "/s/" + slug, {"q_nps": "9"})]
    sql(srv, "UPDATE surveys SET open = 0 WHERE id = ?", (sid,))
    pages.append(get(srv, "/s/" + slug))
    for r in pages:
        doc = harness.parse(r.text)
        hrefs = re.findall(r'(?:href|action|src)="([^"]*)"', r.text)
        assert hrefs, r.text
        for h in hrefs:
            assert h.startswith("/s/") or h.startswith("/static/survey.css") or \
                h.startswith("/static/favicon.svg"), h
        assert "cx_session" not in r.headers.get("Set-Cookie", "")
        assert "<script" not in r.text and "style=" not in r.text
        assert r.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert doc is not None


def test_accessible_markup(srv):
    _, slug = make_survey(srv, "Accessible", kind="custom")
    sid = sql(srv, "SELECT id FROM surveys WHERE slug = ?", (slug,))[0][0]
    sql(srv, "INSERT INTO questions (survey_id, position, key, kind, label, choices, required)"
             " VALUES (?, 0, 'kanal', 'single', '{\"en\": \"How did you contact us?\"}',"
             " '[{\"value\": \"phone\", \"label\": {\"en\": \"Phone\"}},"
             "   {\"value\": \"chat\", \"label\": {\"en\": \"Chat\"}}]', 1)", (sid,))
    r = get(srv, "/s/" + slug, lang="en")
    text = r.text
    assert '<html lang="en">' in text and 'name="viewport"' in text
    assert "<fieldset" in text and "<legend>How did you contact us?" in text
    assert re.search(r'<label class="ps-item"><input type="radio" name="q_kanal" value="phone"'
                     r' required><span>Phone</span></label>', text)
    assert '<label for="f-1">' in text and '<textarea id="f-1"' in text
    # custom surveys: one page, completed at once
    done = post(srv, "/s/" + slug, {"q_kanal": "chat", "q_komentarz": "ok", "lang": "en"})
    assert "Thank you" in done.text
    assert [(r[1], r[4]) for r in responses_of(srv, sid)] == [(1, "ok")]
    bad = post(srv, "/s/" + slug, {"q_kanal": "fax", "lang": "en"})
    assert bad.status_code == 422 and 'aria-describedby="ps-err-' in bad.text
    sql(srv, "UPDATE questions SET required = 0 WHERE survey_id = ?", (sid,))
    empty = post(srv, "/s/" + slug, {"lang": "en", "q_komentarz": "  "})
    assert empty.status_code == 422 and "at least one question" in empty.text
    assert len(responses_of(srv, sid)) == 1


def test_thank_you_text_of_the_survey(srv):
    sid, slug = make_survey(srv, "Thanks text", lang="en,pl")
    sql(srv, "UPDATE surveys SET thank_you = ? WHERE id = ?",
        (json.dumps({"en": "Thanks, we read every answer."}), sid))
    step2 = post(srv, "/s/" + slug, {"q_nps": "9", "lang": "en"})
    form = form_of(step2.text, "/s/%s/complete" % slug)
    assert "Thanks, we read every answer." in post(srv, "/s/%s/complete" % slug, form).text


# ---- the widget ----

ORIGIN = "http://localhost:8123"


def widget_survey(srv, name):
    sid, slug = make_survey(srv, name)
    sql(srv, "UPDATE surveys SET allowed_origins = ? WHERE id = ?",
        ("https://shop.example,  %s/" % ORIGIN, sid))
    return sid, slug


def test_widget_script_is_small_cacheable_javascript(srv):
    r = get(srv, "/widget.js")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/javascript")
    assert "public" in r.headers["Cache-Control"] and "max-age" in r.headers["Cache-Control"]
    assert len(r.content) < 10 * 1024
    assert b"data-survey" in r.content and b"attachShadow" in r.content
    etag = r.headers["ETag"]
    assert get(srv, "/widget.js", headers={"If-None-Match": etag}).status_code == 304


def test_widget_cors_only_for_the_surveys_origins(srv):
    sid, slug = widget_survey(srv, "Widget CORS")
    path = "/s/%s/widget" % slug
    ok = requests.options(srv.url(path), timeout=30, headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert ok.status_code == 204
    assert ok.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in ok.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in ok.headers["Access-Control-Allow-Headers"]
    for origin in ("https://evil.example", "http://localhost:8124", "null"):
        bad = requests.options(srv.url(path), timeout=30, headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in bad.headers
        cfg = get(srv, path, headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in cfg.headers
        p = requests.post(srv.url(path), json={"score": 9}, headers={"Origin": origin},
                          timeout=30)
        assert p.status_code == 403 and "Access-Control-Allow-Origin" not in p.headers
    p = requests.post(srv.url(path), json={"score": 9}, timeout=30)
    assert p.status_code == 403, "no Origin, no write"
    assert responses_of(srv, sid) == []
    cfg = get(srv, path + "?lang=en", headers={"Origin": "https://shop.example"})
    assert cfg.headers["Access-Control-Allow-Origin"] == "https://shop.example"
    doc = cfg.json()
    assert doc["question"] == NPS_EN and doc["open"] is True


def test_widget_answers_in_two_posts(srv):
    sid, slug = widget_survey(srv, "Widget answers")
    sql(srv, "UPDATE questions SET logic = ? WHERE survey_id = ? AND key = 'komentarz'",
        (json.dumps(LOGIC), sid))
    path = srv.url("/s/%s/widget" % slug)
    h = {"Origin": ORIGIN}
    first = requests.post(path, json={"score": 4, "lang": "en"}, headers=h, timeout=30)
    assert first.status_code == 201, first.text
    doc = first.json()
    assert doc["group"] == "detractor" and doc["comment"] == "What went wrong?"
    assert first.headers["Access-Control-Allow-Origin"] == ORIGIN
    rows = responses_of(srv, sid)
    assert [(r[1], r[2], r[6]) for r in rows] == [(0, 4, "widget")]
    bad = requests.post(path, json={"score": 11}, headers=h, timeout=30)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "score"
    done = requests.post(path, json={"token": doc["token"], "comment": "Za wolno"}, headers=h,
                         timeout=30)
    assert done.status_code == 200 and done.json()["completed"] is True
    assert [(r[1], r[4]) for r in responses_of(srv, sid)] == [(1, "Za wolno")]
    again = requests.post(path, json={"token": doc["token"], "comment": "x"}, headers=h,
                          timeout=30)
    assert again.status_code == 409
    assert responses_of(srv, sid)[0][4] == "Za wolno"


# ---- the title and introduction respondents read ----

def set_texts(srv, sid, title=None, intro=None, languages=None, origins=None):
    """Sets the survey's title and introduction through the API, as the
    editor would: GET the definition, change it, PUT it back."""
    c = srv.api()
    doc = c.get("/api/v1/surveys/%d" % sid).json()
    doc["title"] = title or {}
    doc["intro"] = intro or {}
    if languages:
        doc["languages"] = languages
    if origins:
        doc["allowed_origins"] = origins
    r = c.request("PUT", "/api/v1/surveys/%d" % sid, body=doc)
    assert r.status_code == 200, r.text
    return r.json()


def heading(text):
    return re.search(r"<h1>(.*?)</h1>", text, re.S).group(1)


def page_title(text):
    return re.search(r"<title>(.*?)</title>", text, re.S).group(1)


def intro_of(text):
    m = re.search(r'<p class="ps-intro">(.*?)</p>', text, re.S)
    return m.group(1) if m else None


def test_title_and_intro_in_the_respondents_language(srv):
    sid, slug = make_survey(srv, "Internal: Q3 shop NPS")
    set_texts(srv, sid,
              title={"pl": "Twoja opinia o sklepie", "en": "Your view of our shop",
                     "ro": "Părerea ta despre magazin"},
              intro={"pl": "Dwa pytania, minuta.", "en": "Two questions, one minute.",
                     "ro": "Două întrebări, un minut."})
    for lang, title, intro in (
            ("pl", "Twoja opinia o sklepie", "Dwa pytania, minuta."),
            ("en", "Your view of our shop", "Two questions, one minute."),
            ("ro", "Părerea ta despre magazin", "Două întrebări, un minut.")):
        page = get(srv, "/s/%s?lang=%s" % (slug, lang))
        assert page.status_code == 200
        assert heading(page.text) == title
        assert page_title(page.text) == title
        assert intro_of(page.text) == intro
        assert "Internal: Q3 shop NPS" not in page.text, "the team's name stays inside"
    # the browser's language picks them as it picks the questions
    assert heading(get(srv, "/s/" + slug, lang="ro-RO,ro;q=0.9").text) == \
        "Părerea ta despre magazin"
    # the second page keeps the title; the introduction was for the first
    step2 = post(srv, "/s/" + slug, {"q_nps": "9", "lang": "en"})
    assert step2.status_code == 200
    assert heading(step2.text) == "Your view of our shop"
    assert page_title(step2.text) == "Your view of our shop"
    assert intro_of(step2.text) is None


def test_title_falls_back_to_the_first_language_then_to_the_name(srv):
    sid, slug = make_survey(srv, "Fallback name", lang="en,pl,ro")
    set_texts(srv, sid, title={"en": "Tell us how we did"}, intro={"en": "Only in English."})
    ro = get(srv, "/s/%s?lang=ro" % slug).text
    assert heading(ro) == "Tell us how we did", "the first language's title"
    assert intro_of(ro) == "Only in English."
    assert 'lang="ro"' in ro and NPS_RO in ro, "the questions stay in Romanian"
    # no title at all: the survey's name, and no empty introduction
    sid2, slug2 = make_survey(srv, "Only the name")
    page = get(srv, "/s/%s?lang=en" % slug2).text
    assert heading(page) == "Only the name" and page_title(page) == "Only the name"
    assert intro_of(page) is None
    # a title only in a language the survey no longer offers gives way to the name
    set_texts(srv, sid2, title={"ro": "Doar în română"}, languages=["pl", "en"])
    page = get(srv, "/s/%s?lang=en" % slug2).text
    assert heading(page) == "Only the name"
    assert "Doar în română" not in page


def test_hostile_title_and_intro_are_text(srv):
    sid, slug = make_survey(srv, "Hostile")
    evil = '</title><script>alert(1)</script>"><img src=x onerror=alert(2)>&amp;'
    set_texts(srv, sid, title={"en": evil, "pl": evil}, intro={"en": evil + "<b>intro</b>"})
    page = get(srv, "/s/%s?lang=en" % slug)
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "<img src=x" not in page.text and "<b>intro</b>" not in page.text
    esc = ("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;"
           "&lt;img src=x onerror=alert(2)&gt;&amp;amp;")
    assert page_title(page.text) == esc and heading(page.text) == esc
    assert intro_of(page.text) == esc + "&lt;b&gt;intro&lt;/b&gt;"
    # the page's script policy is untouched by the text
    assert "script-src" in page.headers.get("Content-Security-Policy", "")
    # the widget gets it as a JSON string, which its script sets as text
    widget_sid, widget_slug = make_survey(srv, "Hostile widget")
    set_texts(srv, widget_sid, title={"en": evil}, origins=ORIGIN)
    cfg = get(srv, "/s/%s/widget?lang=en" % widget_slug, headers={"Origin": ORIGIN}).json()
    assert cfg["title"] == evil


def test_widget_heading_is_the_title_or_the_generic_label(srv):
    sid, slug = make_survey(srv, "Widget title name")
    set_texts(srv, sid, origins=ORIGIN)
    path = "/s/%s/widget" % slug
    plain = get(srv, path + "?lang=en", headers={"Origin": ORIGIN}).json()
    assert plain["title"] != "Widget title name", "never the team's name for the survey"
    generic = plain["title"]
    set_texts(srv, sid, title={"pl": "Jak nam idzie?", "en": "How are we doing?"},
              origins=ORIGIN)
    assert get(srv, path + "?lang=en", headers={"Origin": ORIGIN}).json()["title"] == \
        "How are we doing?"
    assert get(srv, path + "?lang=ro", headers={"Origin": ORIGIN}).json()["title"] == \
        "Jak nam idzie?", "the first language's title"
    set_texts(srv, sid, origins=ORIGIN)
    assert get(srv, path + "?lang=en", headers={"Origin": ORIGIN}).json()["title"] == generic
