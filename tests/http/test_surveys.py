"""Surveys over the API (/api/v1/surveys) and in the editor (/surveys), black box.

A database made by `cxloop gen` has the demo telecom's surveys with
responses (nps-relacja ...). The API creates a survey with its questions in
one request or not at all, names the bad field, replays Idempotency-Key
retries, replaces a survey keeping question ids, refuses (409) what would
lose answers, and audits every write. The editor pages make the same
changes through plain forms and flag missing translations with text.
"""
import copy
import json
import re

import pytest
import requests

import harness
from harness import USER_PASSWORD, api_error, parse


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    d = tmp_path_factory.mktemp("surveys")
    db = str(d / "gen.db")
    harness.run_ok(["gen", "--db", db, "--responses", "1500", "--seed", "5"], timeout=300)
    harness.run_ok(["user", "add", "--db", db, "--name", "admin", "--role", "admin",
                    "--password-stdin"], input=harness.ADMIN_PASSWORD + "\n")
    server = harness.Server(db, d).start()
    server.add_user("vera", "viewer")
    server.add_user("mark", "manager")
    yield server
    server.stop()


def api(srv, role="manager"):
    return srv.api(role=role)


def shop_nps(name="Po zakupie w sklepie"):
    return {
        "name": name, "kind": "nps", "languages": ["pl", "en", "ro"], "channel": "www",
        "thank_you": {"pl": "Dziękujemy!", "en": "Thank you!", "ro": "Mulțumim!"},
        "allowed_origins": "https://shop.example.com, http://localhost:8080",
        "questions": [
            {"key": "nps", "kind": "score", "main": True, "required": True,
             "label": {"pl": "Czy nas polecisz?", "en": "Would you recommend us?",
                       "ro": "Ne recomanzi?"}},
            {"key": "cena", "kind": "rating", "driver_attribute": "price",
             "label": {"pl": "Ceny?", "en": "Prices?", "ro": "Prețuri?"}},
            {"key": "wysilek", "kind": "effort", "scale_inverted": True,
             "label": {"pl": "Wysiłek?", "en": "Effort?", "ro": "Efort?"}},
            {"key": "komentarz", "kind": "text",
             "label": {"pl": "Dlaczego?", "en": "Why?", "ro": "De ce?"},
             "logic": {"label_by_group": {
                 "detractor": {"pl": "Co poprawić?", "en": "What should we improve?",
                               "ro": "Ce să îmbunătățim?"},
                 "promoter": {"pl": "Co się podobało?", "en": "What did you like most?",
                              "ro": "Ce ți-a plăcut?"}}}},
            {"key": "kanal", "kind": "multi",
             "label": {"pl": "Skąd o nas wiesz?", "en": "How did you hear of us?"},
             "choices": [{"value": "znajomi", "label": {"pl": "Znajomi", "en": "Friends"}},
                         {"value": "reklama", "label": {"pl": "Reklama", "en": "Ads"}}]},
        ],
    }


def create(srv, body, role="manager", headers=None):
    return api(srv, role).post("/api/v1/surveys", body, headers=headers)


def get_survey(srv, sid, role="viewer"):
    r = api(srv, role).get("/api/v1/surveys/%d" % sid)
    assert r.status_code == 200, r.text
    return r.json()


def survey_names(srv):
    r = api(srv, "viewer").get("/api/v1/surveys")
    assert r.status_code == 200, r.text
    return [s["name"] for s in r.json()["surveys"]]


def by_slug(srv, slug):
    r = api(srv, "viewer").get("/api/v1/surveys")
    return next(s for s in r.json()["surveys"] if s["slug"] == slug)


# ---- API: reading ----------------------------------------------------------

def test_list_shows_the_demo_surveys_with_their_counts(srv):
    r = api(srv, "viewer").get("/api/v1/surveys")
    assert r.status_code == 200
    surveys = {s["slug"]: s for s in r.json()["surveys"]}
    nps = surveys["nps-relacja"]
    assert nps["kind"] == "nps" and nps["open"] is True and nps["responses"] > 0
    assert nps["public_url"] == "/s/nps-relacja"
    assert "questions" not in nps
    assert sum(s["responses"] for s in surveys.values()) == 1500


def test_one_survey_has_its_full_questions_and_the_demo_logic(srv):
    nps = get_survey(srv, by_slug(srv, "nps-relacja")["id"])
    keys = [q["key"] for q in nps["questions"]]
    assert keys[0] == "nps" and "komentarz" in keys and "cena" in keys
    main = nps["questions"][0]
    assert main["main"] is True and main["kind"] == "score"
    assert 0 < main["answers"] <= nps["responses"]
    assert [q["position"] for q in nps["questions"]] == list(range(1, len(keys) + 1))
    cena = next(q for q in nps["questions"] if q["key"] == "cena")
    assert cena["driver_attribute"] == "cena" and cena["kind"] == "rating"
    comment = next(q for q in nps["questions"] if q["key"] == "komentarz")
    groups = comment["logic"]["label_by_group"]
    assert groups["detractor"] == {"pl": "Co powinniśmy poprawić?",
                                   "en": "What should we improve?",
                                   "ro": "Ce ar trebui să îmbunătățim?"}
    assert groups["promoter"]["en"] == "What did you like most?"
    assert groups["promoter"]["ro"] == "Ce ți-a plăcut cel mai mult?"
    assert "passive" not in groups
    listed = api(srv, "viewer").get("/api/v1/surveys").json()["surveys"]
    ces = get_survey(srv, next(s["id"] for s in listed if s["kind"] == "ces"))
    assert ces["questions"][0]["main"] is True and ces["questions"][0]["kind"] == "effort"
    assert ces["questions"][0]["scale_inverted"] is True


def test_unknown_survey_is_404(srv):
    api_error(api(srv, "viewer").get("/api/v1/surveys/99999"), 404, "not_found")
    api_error(api(srv, "viewer").get("/api/v1/surveys/abc"), 404, "not_found")


# ---- API: creating ---------------------------------------------------------

def test_create_with_questions_reads_back_the_same(srv):
    body = shop_nps("Sklep internetowy — NPS")
    r = create(srv, body)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert r.headers["Location"] == "/api/v1/surveys/%d" % doc["id"]
    assert doc["slug"] == "sklep-internetowy-nps"
    assert doc["public_url"] == "/s/sklep-internetowy-nps"
    back = get_survey(srv, doc["id"])
    assert back == doc
    assert back["languages"] == ["pl", "en", "ro"] and back["channel"] == "www"
    assert back["thank_you"] == body["thank_you"]
    assert back["allowed_origins"] == "https://shop.example.com http://localhost:8080"
    assert back["responses"] == 0 and back["open"] is True
    for sent, got in zip(body["questions"], back["questions"]):
        assert got["key"] == sent["key"] and got["kind"] == sent["kind"]
        assert got["label"] == sent["label"]
        assert got["main"] is bool(sent.get("main"))
        assert got["scale_inverted"] is bool(sent.get("scale_inverted"))
        assert got["required"] is bool(sent.get("required"))
        assert got["driver_attribute"] == sent.get("driver_attribute")
        assert got["logic"] == sent.get("logic", {})
        assert got["choices"] == sent.get("choices", [])
        assert got["answers"] == 0
    # the multi question lacks Romanian texts: listed, not refused
    assert back["missing_translations"] == [
        "questions[4].label.ro", "questions[4].choices[0].label.ro",
        "questions[4].choices[1].label.ro"]
    # the same name again gets the next free slug
    again = create(srv, shop_nps("Sklep internetowy — NPS"))
    assert again.status_code == 201 and again.json()["slug"] == "sklep-internetowy-nps-2"
    entries = api(srv, "admin").audit()
    assert any(e["action"] == "survey_created" and e["target"] == "sklep-internetowy-nps"
               for e in entries), entries[:5]


def breaks(mutate):
    body = shop_nps("Zepsuta")
    mutate(body)
    return body


BAD = [
    (lambda b: b.pop("name"), "name"),
    (lambda b: b.update(kind="loyalty"), "kind"),
    (lambda b: b.update(languages=["pl", "de"]), "languages[1]"),
    (lambda b: b.update(allowed_origins="shop.example.com"), "allowed_origins"),
    (lambda b: b.update(allowed_origins="https://shop.example.com/path"), "allowed_origins"),
    (lambda b: b.update(colour="red"), "colour"),
    (lambda b: b.update(touchpoint_id="Infolinia"), "touchpoint_id"),
    (lambda b: b["questions"][2]["label"].update(en=5), "questions[2].label.en"),
    (lambda b: b["questions"][2]["label"].update(de="Anstrengung"), "questions[2].label.de"),
    (lambda b: b["questions"][1].update(label={"pl": "  "}), "questions[1].label"),
    (lambda b: b["questions"][1].update(label="Ceny?"), "questions[1].label"),
    (lambda b: b["questions"][1].update(key="Cena"), "questions[1].key"),
    (lambda b: b["questions"][1].update(key="1cena"), "questions[1].key"),
    (lambda b: b["questions"][2].update(key="cena"), "questions[2].key"),
    (lambda b: b["questions"][3].update(kind="essay"), "questions[3].kind"),
    (lambda b: b["questions"][4].pop("choices"), "questions[4].choices"),
    (lambda b: b["questions"][4]["choices"][1].update(value="znajomi"),
     "questions[4].choices[1].value"),
    (lambda b: b["questions"][3].update(choices=[{"value": "a", "label": {"pl": "A"}}]),
     "questions[3].choices"),
    (lambda b: b["questions"][0].update(main=False), "questions"),
    (lambda b: b["questions"][1].update(main=True), "questions[1].main"),
    (lambda b: b["questions"][0].update(kind="rating"), "questions[0].main"),
    (lambda b: b["questions"][3].update(scale_inverted=True), "questions[3].scale_inverted"),
    (lambda b: b["questions"][3].update(driver_attribute="price"),
     "questions[3].driver_attribute"),
    (lambda b: b["questions"][3]["logic"]["label_by_group"].update(angry={"pl": "x"}),
     "questions[3].logic.label_by_group.angry"),
    (lambda b: b["questions"][0].update(logic={"label_by_group": {"promoter": {"pl": "x"}}}),
     "questions[0].logic.label_by_group"),
    (lambda b: b["questions"][3].update(logic={"label_by_score": {}}),
     "questions[3].logic.label_by_score"),
    (lambda b: b.update(kind="custom"), "questions[0].main"),
]


@pytest.mark.parametrize("mutate,field", BAD)
def test_a_bad_definition_names_its_field_and_stores_nothing(srv, mutate, field):
    before = survey_names(srv)
    err = api_error(create(srv, breaks(mutate)), 400, "invalid_input", field)
    assert err["message"].startswith(field), err
    assert survey_names(srv) == before


def test_a_body_that_is_not_an_object_is_refused(srv):
    api_error(api(srv).post("/api/v1/surveys", raw=b"[1, 2]",
                            headers={"Content-Type": "application/json"}), 400, "invalid_input")
    api_error(api(srv).post("/api/v1/surveys", raw=b"{\"name\": ",
                            headers={"Content-Type": "application/json"}), 400, "invalid_input")


def test_unknown_touchpoint_and_taken_slug(srv):
    body = shop_nps("Punkt styku")
    body["touchpoint_id"] = 987654
    api_error(create(srv, body), 400, "invalid_input", "touchpoint_id")
    body = shop_nps("Cudzy adres")
    body["slug"] = "nps-relacja"
    api_error(create(srv, body), 409, "conflict", "slug")
    assert "Cudzy adres" not in survey_names(srv)


def test_idempotency_key_replays_and_refuses_a_different_body(srv):
    body = shop_nps("Jednorazowa")
    h = {"Idempotency-Key": "survey-once-1"}
    first = create(srv, body, headers=h)
    assert first.status_code == 201, first.text
    again = create(srv, body, headers=h)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["id"] == first.json()["id"]
    assert survey_names(srv).count("Jednorazowa") == 1
    other = shop_nps("Jednorazowa inna")
    api_error(create(srv, other, headers=h), 409, "conflict", "Idempotency-Key")
    assert "Jednorazowa inna" not in survey_names(srv)


def test_roles(srv):
    body = shop_nps("Role")
    api_error(create(srv, body, role="viewer"), 403, "forbidden")
    api_error(create(srv, body, role="analyst"), 403, "forbidden")
    sid = by_slug(srv, "nps-relacja")["id"]
    doc = get_survey(srv, sid, role="viewer")
    api_error(api(srv, "analyst").request("PUT", "/api/v1/surveys/%d" % sid, body=doc), 403,
              "forbidden")
    api_error(api(srv, "viewer").request("DELETE", "/api/v1/surveys/%d" % sid), 403, "forbidden")
    api_error(api(srv, "viewer").get("/api/v1/surveys", headers={"Authorization": "Bearer x"}),
              401, "unauthorized")


# ---- API: replacing and deleting --------------------------------------------

def test_put_matches_questions_by_key_and_keeps_their_ids(srv):
    made = create(srv, shop_nps("Do zmiany")).json()
    ids = {q["key"]: q["id"] for q in made["questions"]}
    doc = copy.deepcopy(made)
    qs = doc["questions"]
    # drop "wysilek", move "komentarz" to the front after the main one, add "nowe"
    qs = [qs[0], qs[3], qs[1], qs[4]]
    qs[1]["label"]["en"] = "Tell us why"
    qs.append({"key": "nowe", "kind": "text", "label": {"pl": "Nowe?"}})
    doc["questions"] = qs
    doc["name"] = "Zmieniona"
    doc["open"] = False
    doc["thank_you"] = {"pl": "Dzięki"}
    r = api(srv).request("PUT", "/api/v1/surveys/%d" % made["id"], body=doc)
    assert r.status_code == 200, r.text
    back = get_survey(srv, made["id"])
    assert back == r.json()
    assert [q["key"] for q in back["questions"]] == ["nps", "komentarz", "cena", "kanal", "nowe"]
    for q in back["questions"][:4]:
        assert q["id"] == ids[q["key"]], q["key"]
    assert back["questions"][4]["id"] not in ids.values()
    assert back["questions"][1]["label"]["en"] == "Tell us why"
    assert back["name"] == "Zmieniona" and back["open"] is False
    assert back["slug"] == made["slug"]  # kept: public links keep working
    assert back["thank_you"] == {"pl": "Dzięki"}
    assert "thank_you.en" in back["missing_translations"]
    assert any(e["action"] == "survey_updated" for e in api(srv, "admin").audit())
    api_error(api(srv).request("PUT", "/api/v1/surveys/99999", body=doc), 404, "not_found")


def test_put_refuses_to_lose_or_reinterpret_answers(srv):
    sid = by_slug(srv, "nps-relacja")["id"]
    before = get_survey(srv, sid)
    assert next(q for q in before["questions"] if q["key"] == "cena")["answers"] > 0

    dropped = copy.deepcopy(before)
    dropped["questions"] = [q for q in dropped["questions"] if q["key"] != "cena"]
    api_error(api(srv).request("PUT", "/api/v1/surveys/%d" % sid, body=dropped), 409,
              "conflict", "questions.cena")

    rekinded = copy.deepcopy(before)
    cena = next(i for i, q in enumerate(rekinded["questions"]) if q["key"] == "cena")
    rekinded["questions"][cena]["kind"] = "text"
    rekinded["questions"][cena]["driver_attribute"] = None
    api_error(api(srv).request("PUT", "/api/v1/surveys/%d" % sid, body=rekinded), 409,
              "conflict", "questions[%d].kind" % cena)

    csat = copy.deepcopy(before)
    csat["kind"] = "csat"
    csat["questions"][0]["kind"] = "rating"
    api_error(api(srv).request("PUT", "/api/v1/surveys/%d" % sid, body=csat), 409, "conflict",
              "kind")
    assert get_survey(srv, sid) == before


def test_delete_only_a_survey_without_responses(srv):
    sid = by_slug(srv, "nps-relacja")["id"]
    err = api_error(api(srv).request("DELETE", "/api/v1/surveys/%d" % sid), 409, "conflict")
    assert "responses" in err["message"]
    assert get_survey(srv, sid)["responses"] > 0
    made = create(srv, shop_nps("Do usunięcia")).json()
    r = api(srv).request("DELETE", "/api/v1/surveys/%d" % made["id"])
    assert r.status_code == 204, r.text
    api_error(api(srv, "viewer").get("/api/v1/surveys/%d" % made["id"]), 404, "not_found")
    api_error(api(srv).request("DELETE", "/api/v1/surveys/%d" % made["id"]), 404, "not_found")
    assert any(e["action"] == "survey_deleted" and e["target"] == made["slug"]
               for e in api(srv, "admin").audit())


def test_a_new_survey_takes_responses_through_the_api(srv):
    made = create(srv, shop_nps("Przyjmuje odpowiedzi")).json()
    r = api(srv).post("/api/v1/responses", {"survey": made["slug"], "score": 10,
                                            "answers": {"cena": 5, "kanal": ["reklama"]}})
    assert r.status_code == 201, r.text
    back = get_survey(srv, made["id"])
    assert back["responses"] == 1
    answers = {q["key"]: q["answers"] for q in back["questions"]}
    assert answers["nps"] == 1 and answers["cena"] == 1 and answers["kanal"] == 1
    assert answers["wysilek"] == 0
    api_error(api(srv).request("DELETE", "/api/v1/surveys/%d" % made["id"]), 409, "conflict")


# ---- the editor ------------------------------------------------------------

def test_list_page_shows_kind_touchpoint_channel_state_and_responses(srv):
    c = srv.admin()
    r = c.get("/surveys")
    assert r.status_code == 200
    page = parse(r.text)
    text = page.all_text
    assert "Badanie relacji (NPS)" in text and "NPS (recommendation)" in text
    assert "Infolinia" in text and "Open" in text
    nps = by_slug(srv, "nps-relacja")
    assert ("/surveys/%d" % nps["id"]) in [u for _, _, u in page.links]
    row = re.search(r"/surveys/%d\".*?</tr>" % nps["id"], r.text, re.S).group(0)
    assert "{:,}".format(nps["responses"]) in row
    assert "later release" not in text.lower()
    assert "/surveys/new" in [u for _, _, u in page.links]


def test_survey_page_shows_public_link_and_neighbours(srv):
    nps = by_slug(srv, "nps-relacja")
    r = srv.admin().get("/surveys/%d" % nps["id"])
    assert r.status_code == 200
    links = [u for _, _, u in parse(r.text).links]
    assert "/s/nps-relacja" in links
    assert "/surveys/%d/invitations" % nps["id"] in links
    assert "/surveys/%d/qr.svg" % nps["id"] in links
    assert "What should we improve?" in r.text  # the demo logic in the form
    assert srv.admin().get("/surveys/99999").status_code == 404


def add_question_form(c, sid):
    return c.form("/surveys/%d" % sid, "/surveys/%d/questions" % sid)


def test_add_a_question_in_the_editor_round_trips(srv):
    c = srv.admin()
    made = create(srv, shop_nps("Edytor")).json()
    sid = made["id"]
    form = add_question_form(c, sid)
    data = dict(form["inputs"])
    data.update({"key": "obsluga", "kind": "rating", "label_pl": "Jak oceniasz obsługę?",
                 "label_en": "How was the service?", "label_ro": "Cum a fost servirea?",
                 "driver_attribute": "service", "required": "1",
                 "logic_detractor_en": "What went wrong?"})
    r = c.post("/surveys/%d/questions" % sid, data)
    assert r.status_code == 303, r.text[:2000]
    assert r.headers["Location"] == "/surveys/%d?done=question_added#q-obsluga" % sid
    q = get_survey(srv, sid)["questions"][-1]
    assert q["key"] == "obsluga" and q["kind"] == "rating" and q["required"] is True
    assert q["label"] == {"pl": "Jak oceniasz obsługę?", "en": "How was the service?",
                          "ro": "Cum a fost servirea?"}
    assert q["driver_attribute"] == "service"
    assert q["logic"] == {"label_by_group": {"detractor": {"en": "What went wrong?"}}}
    page = c.get("/surveys/%d?done=question_added" % sid)
    assert "Question added." in parse(page.text).all_text
    assert "How was the service?" in page.text

    # a choice question from bare lines and from "value; pl; en; ro" lines
    data = dict(add_question_form(c, sid)["inputs"])
    data.update({"key": "plan", "kind": "single", "label_pl": "Jaki masz plan?",
                 "label_en": "Which plan?", "label_ro": "Ce plan ai?",
                 "choices": "Mały pakiet\nduzy; Duży; Large; Mare\n\n"})
    assert c.post("/surveys/%d/questions" % sid, data).status_code == 303
    q = get_survey(srv, sid)["questions"][-1]
    assert q["choices"] == [{"value": "maly-pakiet", "label": {"pl": "Mały pakiet"}},
                            {"value": "duzy", "label": {"pl": "Duży", "en": "Large",
                                                        "ro": "Mare"}}]


def test_editor_refusal_keeps_the_survey_and_the_typed_text(srv):
    c = srv.admin()
    sid = create(srv, shop_nps("Odmowa")).json()["id"]
    before = get_survey(srv, sid)
    data = dict(add_question_form(c, sid)["inputs"])
    data.update({"key": "Zly Klucz", "kind": "text", "label_pl": "Pytanie, którego nie ma"})
    r = c.post("/surveys/%d/questions" % sid, data)
    assert r.status_code == 400
    text = parse(r.text).all_text
    assert "Key: a lower-case letter" in text and "questions[5].key" in text
    assert "Pytanie, którego nie ma" in r.text  # the form keeps what was typed
    data.update({"key": "cena"})
    r = c.post("/surveys/%d/questions" % sid, data)
    assert r.status_code == 400 and "Another question has this key." in parse(r.text).all_text
    data.update({"key": "wybor", "kind": "single", "choices": ""})
    r = c.post("/surveys/%d/questions" % sid, data)
    assert r.status_code == 400 and "A choice question needs choices" in parse(r.text).all_text
    assert get_survey(srv, sid) == before


def test_missing_translation_is_flagged_with_text(srv):
    c = srv.admin()
    sid = create(srv, shop_nps("Tłumaczenia")).json()["id"]
    data = dict(add_question_form(c, sid)["inputs"])
    data.update({"key": "tylko-pl", "kind": "text", "label_pl": "Tylko po polsku"})
    assert c.post("/surveys/%d/questions" % sid, data).status_code == 303
    doc = get_survey(srv, sid)
    assert "questions[5].label.en" in doc["missing_translations"]
    assert "questions[5].label.ro" in doc["missing_translations"]
    page = c.get("/surveys/%d" % sid).text
    item = re.search(r'<li class="question" id="q-tylko-pl">.*?</li>', page, re.S).group(0)
    flags = re.findall(r'<span class="badge warn missing"[^>]*>([^<]*)</span>', item)
    assert "Missing translation: English" in flags and "Missing translation: Română" in flags
    assert "respondents see the Polski text" in parse(item).all_text
    # a question with all three has no flag
    item = re.search(r'<li class="question" id="q-cena">.*?</li>', page, re.S).group(0)
    assert "Missing translation" not in item
    # in Polish too
    pl = srv.admin(lang="pl").get("/surveys/%d" % sid).text
    assert "Brak tłumaczenia: English" in pl


def test_edit_move_and_delete_questions_in_the_editor(srv):
    c = srv.admin()
    sid = create(srv, shop_nps("Kolejność")).json()["id"]
    keys = lambda: [q["key"] for q in get_survey(srv, sid)["questions"]]  # noqa: E731
    assert keys() == ["nps", "cena", "wysilek", "komentarz", "kanal"]
    r = c.submit("/surveys/%d" % sid, "/surveys/%d/questions/kanal/move" % sid,
                 {"direction": "up"})
    assert r.status_code == 303
    assert keys() == ["nps", "cena", "wysilek", "kanal", "komentarz"]
    c.submit("/surveys/%d" % sid, "/surveys/%d/questions/cena/move" % sid, {"direction": "down"})
    assert keys() == ["nps", "wysilek", "cena", "kanal", "komentarz"]
    # the last one cannot move further down: nothing changes
    c.submit("/surveys/%d" % sid, "/surveys/%d/questions/komentarz/move" % sid,
             {"direction": "down"})
    assert keys() == ["nps", "wysilek", "cena", "kanal", "komentarz"]
    ids = {q["key"]: q["id"] for q in get_survey(srv, sid)["questions"]}

    form = c.form("/surveys/%d" % sid, "/surveys/%d/questions/komentarz" % sid)
    data = dict(form["inputs"])
    # what a browser sends: the selected kind and the textareas' text
    data.update({"kind": "text", "label_pl": "Dlaczego?", "label_en": "Why that score?",
                 "label_ro": "De ce?"})
    data["logic_passive_pl"] = "Czego zabrakło?"
    r = c.post("/surveys/%d/questions/komentarz" % sid, data)
    assert r.status_code == 303, r.text[:1000]
    q = next(q for q in get_survey(srv, sid)["questions"] if q["key"] == "komentarz")
    assert q["id"] == ids["komentarz"]
    assert q["label"]["en"] == "Why that score?" and q["label"]["pl"] == "Dlaczego?"
    assert q["logic"]["label_by_group"]["passive"] == {"pl": "Czego zabrakło?"}
    assert q["logic"]["label_by_group"]["detractor"]["en"] == "What should we improve?"

    r = c.submit("/surveys/%d" % sid, "/surveys/%d/questions/wysilek/delete" % sid)
    assert r.status_code == 303
    assert keys() == ["nps", "cena", "kanal", "komentarz"]
    r = c.submit("/surveys/%d" % sid, "/surveys/%d/questions/nps/delete" % sid)
    assert r.status_code == 400  # the main question of an NPS survey stays
    assert "exactly one main question" in parse(r.text).all_text
    r = c.submit("/surveys/%d" % sid, "/surveys/%d/questions/nieznane/delete" % sid)
    assert r.status_code == 404


def test_editor_refuses_to_delete_answered_questions(srv):
    c = srv.admin()
    nps = by_slug(srv, "nps-relacja")
    page = c.get("/surveys/%d" % nps["id"]).text
    # no delete button for answered questions, and a forged form is refused
    assert "/surveys/%d/questions/cena/delete" % nps["id"] not in page
    r = c.submit("/surveys/%d" % nps["id"], "/surveys/%d/questions/cena/delete" % nps["id"])
    assert r.status_code == 409
    assert "answers already given" in parse(r.text).all_text
    assert "cena" in [q["key"] for q in get_survey(srv, nps["id"])["questions"]]
    # nor the survey itself
    r = c.submit("/surveys/%d" % nps["id"], "/surveys/%d/delete" % nps["id"])
    assert r.status_code == 409
    assert get_survey(srv, nps["id"])["responses"] > 0


def test_survey_settings_round_trip(srv):
    c = srv.admin()
    sid = create(srv, shop_nps("Ustawienia")).json()["id"]
    form = c.form("/surveys/%d" % sid, "/surveys/%d" % sid)
    assert form["inputs"]["name"] == "Ustawienia"
    data = dict(form["inputs"])
    data.update({"name": "Ustawienia (nowe)", "channel": "sms",
                 "allowed_origins": "https://a.example.com https://b.example.com:8443",
                 "thank_you_pl": "Dzięki!", "thank_you_en": "", "thank_you_ro": "Mersi!",
                 "languages": ["pl", "ro"]})
    tp = [v for v in form["options"]["touchpoint_id"] if v][0]
    data["touchpoint_id"] = tp
    r = c.post("/surveys/%d" % sid, data)
    assert r.status_code == 303, r.text[:1000]
    doc = get_survey(srv, sid)
    assert doc["name"] == "Ustawienia (nowe)" and doc["channel"] == "sms"
    assert doc["touchpoint_id"] == int(tp)
    assert doc["languages"] == ["pl", "ro"]
    assert doc["thank_you"] == {"pl": "Dzięki!", "ro": "Mersi!"}
    assert doc["allowed_origins"] == "https://a.example.com https://b.example.com:8443"
    # a bad origin is refused and nothing changes
    data["allowed_origins"] = "javascript:alert(1)"
    data["name"] = "Nie zapisze się"
    r = c.post("/surveys/%d" % sid, data)
    assert r.status_code == 400 and "origins" in parse(r.text).all_text
    assert get_survey(srv, sid)["name"] == "Ustawienia (nowe)"
    data["allowed_origins"] = ""
    data["languages"] = []
    r = c.post("/surveys/%d" % sid, data)
    assert r.status_code == 400 and "at least one language" in parse(r.text).all_text


def test_open_and_close(srv):
    c = srv.admin()
    sid = create(srv, shop_nps("Otwieranie")).json()["id"]
    r = c.submit("/surveys/%d" % sid, "/surveys/%d/state" % sid, {"open": "0"})
    assert r.status_code == 303 and r.headers["Location"] == "/surveys/%d?done=closed" % sid
    assert get_survey(srv, sid)["open"] is False
    got = api(srv).post("/api/v1/responses", {"survey": sid, "score": 5})
    api_error(got, 400, "invalid_input", "survey")
    page = c.get("/surveys/%d" % sid).text
    assert "Open the survey" in page
    c.submit("/surveys/%d" % sid, "/surveys/%d/state" % sid, {"open": "1"})
    assert get_survey(srv, sid)["open"] is True
    assert any(e["action"] == "survey_closed" for e in api(srv, "admin").audit())


def test_new_survey_form(srv):
    c = srv.admin()
    form = c.form("/surveys/new", "/surveys")
    data = dict(form["inputs"])
    data.update({"name": "Ankieta po wizycie w salonie", "kind": "csat", "channel": "salon",
                 "languages": ["pl", "en"]})
    r = c.post("/surveys", data)
    assert r.status_code == 303, r.text[:1000]
    m = re.match(r"^/surveys/(\d+)\?done=created$", r.headers["Location"])
    assert m, r.headers["Location"]
    doc = get_survey(srv, int(m.group(1)))
    assert doc["slug"] == "ankieta-po-wizycie-w-salonie" and doc["kind"] == "csat"
    assert doc["languages"] == ["pl", "en"] and doc["channel"] == "salon"
    assert [(q["key"], q["kind"], q["main"]) for q in doc["questions"]] == [
        ("csat", "rating", True), ("komentarz", "text", False)]
    data["name"] = "   "
    r = c.post("/surveys", data)
    assert r.status_code == 400 and "A required field is empty." in parse(r.text).all_text


def test_viewers_see_but_cannot_change(srv):
    v = srv.client()
    v.login("vera", USER_PASSWORD)
    nps = by_slug(srv, "nps-relacja")
    assert v.get("/surveys").status_code == 200
    r = v.get("/surveys/%d" % nps["id"])
    assert r.status_code == 200
    page = parse(r.text)
    assert "manager role" in page.all_text
    actions = [f["action"] for f in page.forms]
    assert "/surveys/%d/questions" % nps["id"] not in actions
    assert not any(a.endswith("/delete") or a.endswith("/move") for a in actions)
    assert "/surveys/new" not in [u for _, _, u in page.links]
    assert v.get("/surveys/new").status_code == 403
    tok = harness.csrf_from(r.text)
    r = v.post("/surveys/%d/state" % nps["id"], {"csrf_token": tok or "", "open": "0"})
    assert r.status_code == 403
    assert get_survey(srv, nps["id"])["open"] is True


def test_managers_edit_and_forms_need_the_csrf_token(srv):
    m = srv.client()
    m.login("mark", USER_PASSWORD)
    sid = create(srv, shop_nps("CSRF")).json()["id"]
    r = m.post("/surveys/%d/state" % sid, {"open": "0"})
    assert r.status_code == 403
    assert get_survey(srv, sid)["open"] is True
    r = m.submit("/surveys/%d" % sid, "/surveys/%d/state" % sid, {"open": "0"})
    assert r.status_code == 303
    assert get_survey(srv, sid)["open"] is False


def test_user_text_is_escaped_in_the_editor(srv):
    body = shop_nps('<script>alert("x")</script>')
    body["questions"][1]["label"]["en"] = '"><img src=x>'
    sid = create(srv, body).json()["id"]
    c = srv.admin()
    for path in ("/surveys", "/surveys/%d" % sid):
        page = c.get(path).text
        assert '<script>alert("x")</script>' not in page
        assert '"><img src=x>' not in page


def _mutations(rng, body):
    """A random damaging edit of a definition: a value of the wrong type,
    a removed member, an unknown member, a strange string."""
    junk = [None, True, 0, -1, 2 ** 62, 1.5, "", " ", "x" * 3000, "\u0142\u00f3d\u017a",
            "<b>", [], {}, [1], {"pl": 1}, {"xx": "y"}]
    paths = []

    def walk(node, path):
        paths.append(path)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, path + [k])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, path + [i])
    walk(body, [])
    path = rng.choice(paths[1:])
    parent = body
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    what = rng.randrange(3)
    if what == 0:
        parent[last] = rng.choice(junk)
    elif what == 1:
        del parent[last]
    elif isinstance(parent, dict):
        parent["extra_%d" % rng.randrange(100)] = rng.choice(junk)
    else:
        parent.insert(last, rng.choice(junk))


def test_random_damage_is_refused_by_field_or_stored_never_a_500(srv):
    import random
    rng = random.Random(20261123)
    created = 0
    for i in range(150 if harness.is_sanitized() else 400):
        body = shop_nps("Losowa %d" % i)
        for _ in range(rng.randrange(1, 4)):
            _mutations(rng, body)
        r = create(srv, body)
        assert r.status_code in (201, 400, 409), (body, r.status_code, r.text)
        if r.status_code == 201:
            created += 1
            doc = r.json()
            assert get_survey(srv, doc["id"]) == doc
            # what was stored passes the checker again, as it is
            again = api(srv).request("PUT", "/api/v1/surveys/%d" % doc["id"], body=doc)
            assert again.status_code == 200, again.text
        else:
            err = r.json()["error"]
            assert err["message"] and "\n" not in err["message"]
    assert created > 0


@pytest.mark.parametrize("lang", ["pl", "en", "ro"])
def test_editor_pages_are_clean_in_every_language(srv, lang):
    from test_server import assert_clean_page
    c = srv.admin(lang=lang)
    nps = by_slug(srv, "nps-relacja")
    for path in ("/surveys", "/surveys/new", "/surveys/%d" % nps["id"]):
        r = c.get(path)
        assert r.status_code == 200, path
        page = assert_clean_page(r, c)
        assert page.html_lang == lang
    v = srv.client(lang=lang)
    v.login("vera", USER_PASSWORD)
    assert_clean_page(v.get("/surveys/%d" % nps["id"]), v)


def test_editor_keeps_the_order_of_languages(srv):
    body = shop_nps("Kolejność języków")
    body["languages"] = ["en", "pl"]
    sid = create(srv, body).json()["id"]
    c = srv.admin()
    form = c.form("/surveys/%d" % sid, "/surveys/%d" % sid)
    data = dict(form["inputs"])
    data.update({"languages": ["pl", "en", "ro"], "thank_you_pl": "Dzięki",
                 "thank_you_en": "Thanks", "thank_you_ro": "Mersi"})
    assert c.post("/surveys/%d" % sid, data).status_code == 303
    # English stays first: it is what respondents see when a text is missing
    assert get_survey(srv, sid)["languages"] == ["en", "pl", "ro"]
    page = c.get("/surveys/%d" % sid).text
    item = re.search(r'<li class="question" id="q-kanal">.*?</li>', page, re.S).group(0)
    assert "respondents see the English text" in parse(item).all_text


# ---- the title and introduction respondents read ---------------------------

def test_demo_surveys_have_titles_for_respondents(srv):
    nps = get_survey(srv, by_slug(srv, "nps-relacja")["id"])
    assert nps["name"] == "Badanie relacji (NPS)"
    assert set(nps["title"]) == {"pl", "en", "ro"} and set(nps["intro"]) == {"pl", "en", "ro"}
    assert nps["title"]["en"] == "How do you rate Telko Polska?"
    assert all(t.strip() for t in list(nps["title"].values()) + list(nps["intro"].values()))
    assert not [f for f in nps["missing_translations"] if f.startswith(("title", "intro"))]
    for s in api(srv, "viewer").get("/api/v1/surveys").json()["surveys"]:
        if s["slug"] in ("csat-infolinia", "ocena-kontaktu", "ces-zmiana-uslugi", "enps"):
            assert set(s["title"]) == {"pl", "en"} and s["title"]["pl"] != s["name"], s


def test_title_and_intro_round_trip_through_the_api(srv):
    body = shop_nps("Tytuły")
    body["title"] = {"pl": "Twoja opinia o sklepie", "en": "Your view of our shop", "ro": "  "}
    body["intro"] = {"en": "Two questions, one minute.", "pl": None}
    r = create(srv, body)
    assert r.status_code == 201, r.text
    doc = r.json()
    # stored tidily: blank and null texts are left out
    assert doc["title"] == {"pl": "Twoja opinia o sklepie", "en": "Your view of our shop"}
    assert doc["intro"] == {"en": "Two questions, one minute."}
    back = get_survey(srv, doc["id"])
    assert back == doc
    # optional, but once given it is flagged in every language of the survey
    assert "title.ro" in back["missing_translations"]
    assert "intro.pl" in back["missing_translations"]
    assert "intro.ro" in back["missing_translations"]
    assert "title.en" not in back["missing_translations"]
    listed = by_slug(srv, doc["slug"])
    assert listed["title"] == doc["title"] and listed["intro"] == doc["intro"]
    # PUT replaces: GET, edit, PUT works; an absent title is none
    back["title"]["ro"] = "Părerea ta"
    r = api(srv).request("PUT", "/api/v1/surveys/%d" % doc["id"], body=back)
    assert r.status_code == 200, r.text
    assert r.json()["title"]["ro"] == "Părerea ta"
    assert "title.ro" not in r.json()["missing_translations"]
    del back["title"]
    del back["intro"]
    r = api(srv).request("PUT", "/api/v1/surveys/%d" % doc["id"], body=back)
    assert r.status_code == 200, r.text
    assert r.json()["title"] == {} and r.json()["intro"] == {}
    assert not [f for f in r.json()["missing_translations"] if f.startswith(("title", "intro"))]


BAD_TEXTS = [
    (lambda b: b.update(title="Nasz sklep"), "title"),
    (lambda b: b.update(title={"de": "Unser Laden"}), "title.de"),
    (lambda b: b.update(title={"en": 5}), "title.en"),
    (lambda b: b.update(title={"pl": "x" * 201}), "title.pl"),
    (lambda b: b.update(intro=["Wstęp"]), "intro"),
    (lambda b: b.update(intro={"ro": "x" * 2001}), "intro.ro"),
    (lambda b: b.update(intro={"xx": "?"}), "intro.xx"),
]


@pytest.mark.parametrize("mutate,field", BAD_TEXTS)
def test_a_bad_title_or_intro_names_its_field_and_stores_nothing(srv, mutate, field):
    before = survey_names(srv)
    err = api_error(create(srv, breaks(mutate)), 400, "invalid_input", field)
    assert err["message"].startswith(field), err
    assert survey_names(srv) == before


def test_title_of_200_characters_is_accepted(srv):
    body = shop_nps("Długi tytuł")
    body["title"] = {"pl": "ą" * 100, "en": "y" * 200}
    r = create(srv, body)
    assert r.status_code == 201, r.text
    assert r.json()["title"] == body["title"]


def test_title_and_intro_in_the_editor_with_missing_flags(srv):
    c = srv.admin()
    sid = create(srv, shop_nps("Tytuł w edytorze")).json()["id"]
    page = c.get("/surveys/%d" % sid).text
    # no title yet: nothing is flagged
    for f in ("title", "intro"):
        box = re.search(r'<fieldset class="field wide texts"><legend>[^<]*</legend>'
                        r'(?:(?!</fieldset>).)*name="%s_pl"(?:(?!</fieldset>).)*</fieldset>' % f,
                        page, re.S)
        assert box, f
        assert "Missing translation" not in box.group(0)
    form = c.form("/surveys/%d" % sid, "/surveys/%d" % sid)
    data = dict(form["inputs"])
    assert data["title_pl"] == "" and data["intro_en"] == ""
    data.update({"title_pl": "Twoja opinia", "title_en": "Your view", "title_ro": "",
                 "intro_pl": "Krótko.", "intro_en": "", "intro_ro": "",
                 "languages": ["pl", "en", "ro"]})
    r = c.post("/surveys/%d" % sid, data)
    assert r.status_code == 303, r.text[:1000]
    doc = get_survey(srv, sid)
    assert doc["title"] == {"pl": "Twoja opinia", "en": "Your view"}
    assert doc["intro"] == {"pl": "Krótko."}
    assert doc["languages"] == ["pl", "en", "ro"]
    page = c.get("/surveys/%d" % sid).text
    title_box = re.search(r'<legend>Title for respondents</legend>.*?</fieldset>', page, re.S)
    flags = re.findall(r'<span class="badge warn missing"[^>]*>([^<]*)</span>',
                       title_box.group(0))
    assert flags == ["Missing translation: Română"]
    assert 'value="Twoja opinia"' in title_box.group(0)
    assert 'maxlength="200"' in title_box.group(0)
    intro_box = re.search(r'<legend>Introduction</legend>.*?</fieldset>', page, re.S)
    flags = re.findall(r'<span class="badge warn missing"[^>]*>([^<]*)</span>',
                       intro_box.group(0))
    assert flags == ["Missing translation: English", "Missing translation: Română"]
    # editing a question keeps the title and the introduction
    qdata = dict(add_question_form(c, sid)["inputs"])
    qdata.update({"key": "dodatkowe", "kind": "text", "label_pl": "Coś jeszcze?",
                  "label_en": "Anything else?", "label_ro": "Altceva?"})
    assert c.post("/surveys/%d/questions" % sid, qdata).status_code == 303
    doc = get_survey(srv, sid)
    assert doc["title"] == {"pl": "Twoja opinia", "en": "Your view"}
    assert doc["intro"] == {"pl": "Krótko."}
    # a title too long is refused by field, nothing changes
    data["title_en"] = "y" * 201
    r = c.post("/surveys/%d" % sid, data)
    assert r.status_code == 400 and "title.en" in r.text
    assert get_survey(srv, sid)["title"] == {"pl": "Twoja opinia", "en": "Your view"}


def test_hostile_title_is_escaped_in_the_editor(srv):
    body = shop_nps("Wroga treść")
    body["title"] = {"pl": '"><script>alert(1)</script>', "en": "</textarea><b>x</b>"}
    body["intro"] = {"en": "</textarea><script>alert(2)</script>"}
    sid = create(srv, body).json()["id"]
    page = srv.admin().get("/surveys/%d" % sid).text
    assert "<script>alert" not in page and "<b>x</b>" not in page
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert "&lt;/textarea&gt;&lt;script&gt;alert(2)&lt;/script&gt;</textarea>" in page
