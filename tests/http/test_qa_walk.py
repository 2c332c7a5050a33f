"""test_qa_walk.py — defects found walking the product as a CX manager,
checked over HTTP so they stay fixed.

The import page is reachable from the pages whose data it loads (for a
manager; a viewer gets no link to a page it cannot open), and the link
chooses the kind of file; the feedback browser's filter and detail
labels are capitalised like every other label; the demo's thank-you
page does not say thank you twice; the website widget thanks in the
language the answer started in.

It relies on `cxloop gen` (the Polish demo organisation) and the harness;
it changes nothing but its own users.
"""
import re
import sqlite3

import pytest
import requests

import harness


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    d = tmp_path_factory.mktemp("qa-walk")
    db = str(d / "gen.db")
    harness.run_ok(["gen", "--db", db, "--responses", "300", "--seed", "3"], timeout=300)
    harness.run_ok(["user", "add", "--db", db, "--name", "admin", "--role", "admin",
                    "--password-stdin"], input=harness.ADMIN_PASSWORD + "\n")
    server = harness.Server(db, d).start()
    server.db_path = db
    server.add_user("kierownik", "manager")
    server.add_user("widz", "viewer")
    yield server
    server.stop()


def signed_in(srv, name, lang="pl"):
    c = srv.client(lang)
    c.login(name, harness.USER_PASSWORD)
    return c


@pytest.mark.parametrize("path,kind", [("/surveys", "responses"), ("/customers", "customers"),
                                       ("/feedback", "feedback")])
def test_import_is_linked_for_a_manager(srv, path, kind):
    c = signed_in(srv, "kierownik")
    r = c.get(path)
    assert r.status_code == 200
    m = re.search(r'<a class="button" href="/import\?kind=([a-z]+)">([^<]+)</a>', r.text)
    assert m, "%s has no link to the import page" % path
    assert m.group(1) == kind
    assert m.group(2) == "Importuj z pliku CSV"
    form = c.get("/import?kind=" + kind)
    assert form.status_code == 200
    assert re.search(r'<option value="%s" selected>' % kind, form.text), "kind not chosen"


def test_no_import_link_for_a_viewer(srv):
    c = signed_in(srv, "widz")
    for path in ("/surveys", "/feedback"):
        r = c.get(path)
        assert r.status_code == 200
        assert "/import" not in r.text, path
    assert c.get("/import").status_code == 403


def test_import_form_chooses_the_survey_from_the_link(srv):
    c = signed_in(srv, "kierownik")
    r = c.get("/import?kind=responses&survey=2")
    assert r.status_code == 200
    assert re.search(r'<option value="2" selected>', r.text)
    assert c.get("/import?survey=x&kind=%3Cb%3E").status_code == 200


@pytest.mark.parametrize("lang,words", [("pl", ["Punkt styku", "Kanał", "Segment"]),
                                        ("en", ["Touchpoint", "Channel", "Segment"]),
                                        ("ro", ["Punct de contact", "Canal", "Segment"])])
def test_feedback_filter_labels_are_capitalised(srv, lang, words):
    c = signed_in(srv, "kierownik", lang)
    r = c.get("/feedback")
    labels = re.findall(r'<label for="[^"]+">([^<]+)</label>', r.text)
    for w in words:
        assert w in labels, (w, labels)
    assert all(l[:1] == l[:1].upper() for l in labels), labels


def test_response_details_are_capitalised(srv):
    c = srv.admin("pl")
    r = c.get("/feedback/responses/1")
    assert r.status_code == 200
    terms = re.findall(r"<dt>([^<]+)</dt>", r.text)
    assert "Punkt styku" in terms or "Kanał" in terms, terms
    assert all(t[:1] == t[:1].upper() for t in terms), terms


@pytest.mark.parametrize("lang", ["pl", "en", "ro"])
def test_demo_thank_you_does_not_repeat_its_heading(srv, lang):
    s = requests.Session()
    page = s.get(srv.url("/s/nps-relacja?lang=" + lang), timeout=30)
    assert page.status_code == 200
    form = [f for f in harness.parse(page.text).forms if f["action"] == "/s/nps-relacja"][0]
    data = dict(form["inputs"])
    data["q_nps"] = "9"
    step2 = s.post(srv.url("/s/nps-relacja"), data=data, timeout=30, allow_redirects=False)
    assert step2.status_code == 200, step2.text[:300]
    form = [f for f in harness.parse(step2.text).forms
            if f["action"] == "/s/nps-relacja/complete"][0]
    done = s.post(srv.url("/s/nps-relacja/complete"), data=dict(form["inputs"]), timeout=30,
                  allow_redirects=False)
    assert done.status_code == 200
    h1 = re.search(r"<h1[^>]*>([^<]+)</h1>", done.text).group(1).strip()
    paras = re.findall(r"<p[^>]*>([^<]+)</p>", done.text)
    assert paras, done.text
    assert not any(p.strip().startswith(h1.rstrip("!.")) for p in paras), (h1, paras)


def test_widget_thanks_in_the_language_the_answer_started_in(srv):
    origin = "http://shop.example"
    with sqlite3.connect(srv.db_path) as db:
        db.execute("UPDATE surveys SET allowed_origins = ? WHERE slug = 'nps-relacja'", (origin,))
    path = srv.url("/s/nps-relacja/widget")
    # the visitor's browser prefers English; the page around the widget is Polish
    h = {"Origin": origin, "Accept-Language": "en-US,en;q=0.9"}
    first = requests.post(path, json={"score": 9, "lang": "pl"}, headers=h, timeout=30)
    assert first.status_code == 201, first.text
    assert first.json()["comment"] == "Co podobało Ci się najbardziej?"
    done = requests.post(path, json={"token": first.json()["token"], "comment": "Dobrze"},
                         headers=h, timeout=30)
    assert done.status_code == 200, done.text
    assert done.json()["thank_you"] == "Twoja opinia pomoże nam działać lepiej."


def test_customer_money_has_its_currency_and_history_no_stray_dot(srv):
    c = srv.admin("pl")
    with sqlite3.connect(srv.db_path) as db:
        cid = db.execute("SELECT id FROM customers WHERE revenue >= 10000 LIMIT 1").fetchone()[0]
        currency = db.execute("SELECT value FROM settings WHERE key = 'currency'").fetchone()[0]
    r = c.get("/customers/%d" % cid)
    assert r.status_code == 200
    m = re.search(r"<dt>Przychód \(rocznie\)</dt><dd>([^<]+)</dd>", r.text)
    assert m, "no revenue on the customer page"
    assert re.fullmatch(r"\d{1,3}(\u00a0\d{3})+\u00a0" + currency, m.group(1)), m.group(1)
    metas = re.findall(r'<p class="fb-meta muted">(.*?)</p>', r.text)
    assert metas, "no history"
    for meta in metas:
        assert not re.sub(r"<[^>]+>", "", meta).lstrip().startswith("·"), meta


def test_languages_are_named_not_coded(srv):
    c = srv.admin("pl")
    with sqlite3.connect(srv.db_path) as db:
        rid, cid = db.execute("SELECT r.id, r.customer_id FROM responses r JOIN customers c "
                              "ON c.id = r.customer_id WHERE r.language = 'pl' "
                              "AND c.language = 'pl' LIMIT 1").fetchone()
    for path in ("/feedback/responses/%d" % rid, "/customers/%d" % cid):
        r = c.get(path)
        assert r.status_code == 200
        m = re.search(r"<dt>Język</dt><dd>([^<]+)</dd>", r.text)
        assert m and m.group(1) == "Polski", (path, m and m.group(1))


def test_who_was_invited_is_shown_only_to_those_who_may_see_customers(srv):
    harness.run_ok(["invite", "--db", srv.db_path, "--survey", "nps-relacja", "--segment",
                    "Premium"])
    srv.add_user("analityk", "analyst")
    with sqlite3.connect(srv.db_path) as db:
        email = db.execute("SELECT c.email FROM invitations i JOIN customers c "
                           "ON c.id = i.customer_id LIMIT 1").fetchone()[0]
    for name, sees in (("widz", False), ("analityk", True), ("kierownik", True)):
        r = signed_in(srv, name).get("/surveys/1/invitations")
        assert r.status_code == 200
        table = re.search(r'<table id="invitations">.*?</table>', r.text, re.S).group(0)
        assert 'data-status="queued"' in table
        assert ("@" in table) == sees, name  # (no reason quotes an address here)
        assert (email in r.text) == sees, name


def test_demo_driver_attributes_are_named_in_polish(srv):
    r = srv.admin("pl").get("/surveys/1")
    assert r.status_code == 200
    drivers = re.findall(r"Czynnik: ([^<]+)<", r.text)
    assert drivers == ["cena", "sieć", "obsługa", "kanały cyfrowe", "rachunki"], drivers


@pytest.mark.parametrize("lang,detractors,promoters", [
    ("pl", "Co powinniśmy poprawić?", "Co podobało Ci się najbardziej?"),
    ("en", "What should we improve?", "What did you like most?")])
def test_survey_logic_wording_is_shown_in_the_question_list(srv, lang, detractors, promoters):
    r = srv.admin(lang).get("/surveys/1")
    assert r.status_code == 200
    m = re.search(r'<ul class="question-logic">(.*?)</ul>', r.text, re.S)
    assert m, "the follow-up wording by score group is not on the page"
    items = [re.sub(r"<[^>]+>", "", li) for li in re.findall(r"<li>(.*?)</li>", m.group(1))]
    assert any(i.endswith(detractors) for i in items), items
    assert any(i.endswith(promoters) for i in items), items


def test_customer_list_has_no_blank_cells(srv):
    r = srv.admin("pl").get("/customers")
    assert r.status_code == 200
    table = re.search(r"<tbody>(.*?)</tbody>", r.text, re.S).group(1)
    assert "<td></td>" not in table and '<td class="mono"></td>' not in table
    assert "<td>—</td>" in table  # gen customers without a company


def test_item_rating_claims_no_scale_and_keeps_its_half_star(srv):
    got = srv.api(role="manager").post("/api/v1/feedback", {
        "source": "review", "text": "Dobra aplikacja", "rating": 4.5,
        "received_at": "2026-10-20T08:00:00Z"})
    assert got.status_code == 201, got.text
    item = got.json()["id"]
    for lang, want in (("pl", "Ocena 4,5"), ("en", "Rating 4.5")):
        c = srv.admin(lang)
        page = c.get("/feedback/items/%d" % item).text
        assert want in page and "0–100" not in page, lang
        listed = c.get("/feedback", params={"q": "Dobra aplikacja"}).text
        assert want in listed and "0–100" not in listed, lang


def test_comment_question_counts_the_comments_and_cannot_be_deleted(srv):
    with sqlite3.connect(srv.db_path) as db:
        comments = db.execute("SELECT count(*) FROM responses r JOIN surveys s ON s.id = "
                              "r.survey_id WHERE s.slug = 'nps-relacja' AND r.comment IS NOT NULL"
                              ).fetchone()[0]
    assert comments > 0
    doc = srv.api().get("/api/v1/surveys/1").json()
    q = next(q for q in doc["questions"] if q["key"] == "komentarz")
    assert q["answers"] == comments
    page = srv.admin("pl").get("/surveys/1").text
    item = re.search(r'<li class="question" id="q-komentarz">(.*?)</li>\s*(?:<li class="question"|</ol>)',
                     page, re.S).group(1)
    assert "/questions/komentarz/delete" not in item, "a question with answers offers deletion"


def test_import_mapping_names_fields_in_words_and_matches_polish_headers(srv):
    c = signed_in(srv, "kierownik")
    page = c.get("/import")
    tok = harness.csrf_from(page.text)
    content = ("Data;Ocena;Komentarz;Klient\n"
               "01.10.2026 10:00;9;Świetna obsługa;KL00000001\n").encode()
    r = c.post("/import/upload", data={"csrf_token": tok, "kind": "responses", "survey": "1"},
               files={"file": ("odp.csv", content, "text/csv")})
    assert r.status_code == 303, r.text[:500]
    m = c.get(harness.location_path(r)[0]).text
    labels = [re.sub(r"<[^>]+>", "", l).strip()
              for l in re.findall(r'<th scope="row"><label for="map-\d+">(.*?)</label>', m, re.S)]
    assert "Ocena score" in labels and "Klient customer" in labels, labels
    assert not any(re.fullmatch(r"[a-z_]+", l) for l in labels), labels
    chosen = {}
    for name, body in re.findall(r'<select[^>]*name="map_([a-z_:-]+)"[^>]*>(.*?)</select>', m, re.S):
        sel = re.search(r'<option value="([^"]*)" selected>', body)
        chosen[name] = sel.group(1) if sel else None
    assert {k: chosen.get(k) for k in ("submitted_at", "score", "comment", "customer")} == {
        "submitted_at": "0", "score": "1", "comment": "2", "customer": "3"}, chosen
    used = [v for v in chosen.values() if v]
    assert len(used) == len(set(used)), "a column chosen twice: %r" % chosen


@pytest.mark.parametrize("lang,email,web", [("pl", "e-mail", "strona www"),
                                            ("en", "e-mail", "website"),
                                            ("ro", "e-mail", "site web")])
def test_channels_the_product_names_are_translated(srv, lang, email, web):
    c = srv.admin(lang)
    surveys = c.get("/surveys").text
    assert "<td>%s</td>" % email in surveys and "<td>email</td>" not in surveys
    fb = c.get("/feedback").text
    sel = re.search(r'<select[^>]*name="channel"[^>]*>(.*?)</select>', fb, re.S).group(1)
    options = dict((t, v) for v, t in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>',
                                                  sel))
    assert options.get(email) == "email", options  # the filter still sends the code
    assert options.get(web, "web") == "web"
    metas = " ".join(re.findall(r'<p class="fb-meta muted">(.*?)</p>', fb, re.S))
    assert "· email<" not in metas and "· email " not in metas
