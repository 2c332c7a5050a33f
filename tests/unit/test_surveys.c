/*
 * test_surveys.c — the survey store on hand-written cases: the checker of
 * survey definitions (what passes, which field is named), origin lists,
 * the standard surveys passing their own checker, writes that keep
 * question ids, refusals that protect answers, and the missing
 * translations a definition reports.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "core/arena.h"
#include "store/store.h"
#include "store/surveys.h"
#include "store_fixture.h"

static const char *const nps_def =
    "{\"name\": \"Po zakupie\", \"kind\": \"nps\", \"languages\": [\"pl\", \"en\"],"
    " \"questions\": ["
    "  {\"key\": \"nps\", \"kind\": \"score\", \"main\": true,"
    "   \"label\": {\"pl\": \"Polecisz?\", \"en\": \"Recommend?\"}},"
    "  {\"key\": \"cena\", \"kind\": \"rating\", \"driver_attribute\": \"price\","
    "   \"label\": {\"pl\": \"Ceny?\"}},"
    "  {\"key\": \"why\", \"kind\": \"text\", \"label\": {\"pl\": \"Dlaczego?\", \"en\": \"Why?\"},"
    "   \"logic\": {\"label_by_group\": {\"detractor\": {\"en\": \"What should we improve?\"}}}}]}";

static json_t *load(const char *text)
{
    json_error_t err;
    json_t *v = json_loads(text, 0, &err);
    cr_assert_not_null(v, "%s", err.text);
    return v;
}

/* The field the checker names for DEF after PATCH (a JSON object merged
 * into the definition, or into question N when n >= 0). */
static void expect_field(int n, const char *patch, const char *field, surveys_problem_code_t code)
{
    json_t *def = load(nps_def);
    json_t *p = load(patch);
    json_t *target = n >= 0 ? json_array_get(json_object_get(def, "questions"), (size_t)n) : def;
    json_object_update(target, p);
    surveys_problem_t prob;
    cr_assert_not(surveys_check(def, &prob), "%s should be refused", patch);
    cr_assert_str_eq(prob.field, field, "%s", patch);
    cr_assert_eq(prob.code, code, "%s: code %d", patch, prob.code);
    cr_assert_not_null(prob.message);
    json_decref(p);
    json_decref(def);
}

Test(surveys, checker_accepts_a_good_definition)
{
    json_t *def = load(nps_def);
    surveys_problem_t p;
    cr_assert(surveys_check(def, &p), "%s %s", p.field, p.message);
    json_decref(def);
}

Test(surveys, checker_names_the_field)
{
    expect_field(-1, "{\"kind\": \"loyalty\"}", "kind", SURVEYS_P_KIND);
    expect_field(-1, "{\"name\": \" \"}", "name", SURVEYS_P_REQUIRED);
    expect_field(-1, "{\"languages\": [\"pl\", \"pl\"]}", "languages[1]", SURVEYS_P_LANGUAGE);
    expect_field(-1, "{\"allowed_origins\": \"ftp://x.pl\"}", "allowed_origins",
                 SURVEYS_P_ORIGIN);
    expect_field(-1, "{\"thank_you\": {\"de\": \"Danke\"}}", "thank_you.de", SURVEYS_P_LANGUAGE);
    expect_field(-1, "{\"colour\": 1}", "colour", SURVEYS_P_UNKNOWN);
    expect_field(1, "{\"key\": \"Cena\"}", "questions[1].key", SURVEYS_P_KEY);
    expect_field(2, "{\"key\": \"cena\"}", "questions[2].key", SURVEYS_P_KEY_TAKEN);
    expect_field(1, "{\"label\": {\"en\": 3}}", "questions[1].label.en", SURVEYS_P_TYPE);
    expect_field(1, "{\"label\": {}}", "questions[1].label", SURVEYS_P_LABEL);
    expect_field(1, "{\"kind\": \"single\"}", "questions[1].choices", SURVEYS_P_CHOICES);
    expect_field(0, "{\"main\": false}", "questions", SURVEYS_P_MAIN);
    expect_field(0, "{\"kind\": \"effort\"}", "questions[0].main", SURVEYS_P_MAIN);
    expect_field(2, "{\"scale_inverted\": true}", "questions[2].scale_inverted",
                 SURVEYS_P_NOT_HERE);
    expect_field(2, "{\"logic\": {\"label_by_group\": {\"neutral\": {}}}}",
                 "questions[2].logic.label_by_group.neutral", SURVEYS_P_UNKNOWN);
    expect_field(0, "{\"logic\": {\"label_by_group\": {\"promoter\": {\"pl\": \"x\"}}}}",
                 "questions[0].logic.label_by_group", SURVEYS_P_NOT_HERE);
}

Test(surveys, origin_lists)
{
    cr_assert(surveys_origins_valid(""));
    cr_assert(surveys_origins_valid("https://shop.example.com"));
    cr_assert(surveys_origins_valid("https://a.example.com, http://localhost:8080\n"));
    cr_assert_not(surveys_origins_valid("shop.example.com"));
    cr_assert_not(surveys_origins_valid("https://shop.example.com/"));
    cr_assert_not(surveys_origins_valid("https://"));
    cr_assert_not(surveys_origins_valid("https://x.pl:"));
    cr_assert_not(surveys_origins_valid("https://x.pl:123456"));
    cr_assert_not(surveys_origins_valid("javascript:alert(1)"));
    cr_assert_not(surveys_origins_valid("https://x.pl https://user@y.pl"));
}

/* ---- against a database ---- */

typedef struct put_job {
    const char *text;
    int64_t id;
    int64_t id_out;
    surveys_problem_t problem;
    arena_t arena;
    surveys_info_t info;
    json_t *json;
} put_job_t;

static cx_result put_job(db_conn_t *db, void *arg)
{
    put_job_t *j = arg;
    json_t *def = load(j->text);
    surveys_problem_t p;
    cr_assert(surveys_check(def, &p), "%s %s", p.field, p.message);
    cx_result rc = surveys_put(db, j->id, def, 1000, &j->id_out, &j->problem);
    json_decref(def);
    return rc;
}

static cx_result get_job(db_conn_t *db, void *arg)
{
    put_job_t *j = arg;
    cx_result rc = surveys_get(db, &j->arena, j->id_out, &j->info);
    if (!rc)
        j->json = surveys_to_json(&j->info);
    return rc;
}

static cx_result answer_job(db_conn_t *db, void *arg)
{
    put_job_t *j = arg;
    const surveys_question_t *q = surveys_question(&j->info, "cena");
    db_stmt_t *st = db_prepare(db, "INSERT INTO responses (id, survey_id, submitted_at, score,"
                                   " created_at) VALUES (1, ?, 1, 9, 1)");
    db_bind_int(st, 1, j->info.id);
    cr_assert_eq(db_exec_stmt(st), CX_OK);
    st = db_prepare(db, "INSERT INTO answers (response_id, question_id, value_num)"
                        " VALUES (1, ?, 4)");
    db_bind_int(st, 1, q->id);
    return db_exec_stmt(st);
}

static cx_result standard_job(db_conn_t *db, void *arg)
{
    arena_t *arena = arg;
    static const char *const kinds[] = {"nps", "csat", "ces", "enps", "custom"};
    for (size_t i = 0; i < 5; i++) {
        surveys_new_t s = {.kind = kinds[i], .name = kinds[i], .languages = "pl,en,ro",
                           .created_at = 1};
        int64_t id;
        cr_assert_eq(surveys_create(db, &s, &id, NULL), CX_OK);
        surveys_info_t info;
        cr_assert_eq(surveys_get(db, arena, id, &info), CX_OK);
        json_t *def = surveys_to_json(&info);
        surveys_problem_t p;
        cr_assert(surveys_check(def, &p), "%s: %s %s", kinds[i], p.field, p.message);
        cr_assert_eq(json_array_size(json_object_get(def, "missing_translations")), 0);
        json_decref(def);
    }
    return CX_OK;
}

Test(surveys, writes_keep_ids_and_protect_answers)
{
    test_db_t t;
    test_db_make(&t);
    store_t *s = test_db_open(&t, 0);
    arena_t arena;
    arena_init(&arena);
    cr_assert_eq(store_write(s, standard_job, &arena), CX_OK, "standard surveys pass the checker");
    arena_free(&arena);

    put_job_t j = {.text = nps_def};
    arena_init(&j.arena);
    cr_assert_eq(store_write(s, put_job, &j), CX_OK);
    cr_assert_eq(store_read(s, get_job, &j), CX_OK);
    cr_assert_str_eq(j.info.slug, "po-zakupie");
    cr_assert_eq(j.info.question_count, 3);
    int64_t cena_id = surveys_question(&j.info, "cena")->id;
    json_t *missing = json_object_get(j.json, "missing_translations");
    char *m = json_dumps(missing, JSON_COMPACT);
    cr_assert_str_eq(m, "[\"questions[1].label.en\","
                        "\"questions[2].logic.label_by_group.detractor.pl\"]");
    free(m);
    json_decref(j.json);

    /* reorder, rename, drop "why" (no answers): ids of the kept stay */
    j.id = j.id_out;
    j.text = "{\"name\": \"Nowa\", \"kind\": \"nps\", \"questions\": ["
             " {\"key\": \"cena\", \"kind\": \"rating\", \"label\": {\"pl\": \"Ceny\"}},"
             " {\"key\": \"nps\", \"kind\": \"score\", \"main\": true, \"label\": {\"pl\": \"P\"}}]}";
    cr_assert_eq(store_write(s, put_job, &j), CX_OK);
    cr_assert_eq(store_read(s, get_job, &j), CX_OK);
    json_decref(j.json);
    cr_assert_str_eq(j.info.name, "Nowa");
    cr_assert_str_eq(j.info.slug, "po-zakupie", "the slug stays");
    cr_assert_eq(j.info.question_count, 2);
    cr_assert_str_eq(j.info.questions[0].key, "cena");
    cr_assert_eq(j.info.questions[0].id, cena_id);
    cr_assert_eq(j.info.questions[0].position, 1);

    /* with an answer, "cena" can neither go nor change its kind */
    cr_assert_eq(store_write(s, answer_job, &j), CX_OK);
    j.text = "{\"name\": \"Nowa\", \"kind\": \"nps\", \"questions\": ["
             " {\"key\": \"nps\", \"kind\": \"score\", \"main\": true, \"label\": {\"pl\": \"P\"}}]}";
    cr_assert_eq(store_write(s, put_job, &j), CX_ERR_CONFLICT);
    cr_assert_str_eq(j.problem.field, "questions.cena");
    cr_assert_eq(j.problem.code, SURVEYS_P_ANSWERED);
    j.text = "{\"name\": \"Nowa\", \"kind\": \"nps\", \"questions\": ["
             " {\"key\": \"cena\", \"kind\": \"text\", \"label\": {\"pl\": \"Ceny\"}},"
             " {\"key\": \"nps\", \"kind\": \"score\", \"main\": true, \"label\": {\"pl\": \"P\"}}]}";
    cr_assert_eq(store_write(s, put_job, &j), CX_ERR_CONFLICT);
    cr_assert_str_eq(j.problem.field, "questions[0].kind");
    j.text = "{\"name\": \"Nowa\", \"kind\": \"csat\", \"questions\": ["
             " {\"key\": \"cena\", \"kind\": \"rating\", \"main\": true, \"label\": {\"pl\": \"C\"}}]}";
    cr_assert_eq(store_write(s, put_job, &j), CX_ERR_CONFLICT);
    cr_assert_str_eq(j.problem.field, "kind");
    cr_assert_eq(store_read(s, get_job, &j), CX_OK);
    json_decref(j.json);
    cr_assert_str_eq(j.info.kind, "nps");
    cr_assert_eq(j.info.question_count, 2, "a refused write changes nothing");
    cr_assert_eq(j.info.questions[0].answers, 1);
    cr_assert_eq(j.info.questions[1].answers, 1, "the main question's answer is the score");

    arena_free(&j.arena);
    store_close(s);
    test_db_remove(&t);
}

typedef struct ref_job {
    arena_t arena;
    int64_t ids[2];
    surveys_info_t *list;
    size_t count;
} ref_job_t;

static cx_result two_surveys_job(db_conn_t *db, void *arg)
{
    ref_job_t *j = arg;
    surveys_new_t a = {.kind = "nps", .name = "Po zakupie", .languages = "pl", .created_at = 1};
    surveys_new_t b = {.kind = "csat", .name = "12", .languages = "pl", .created_at = 1};
    cx_result rc = surveys_create(db, &a, &j->ids[0], NULL);
    if (!rc)
        rc = surveys_create(db, &b, &j->ids[1], NULL);
    return rc;
}

/* what a user may type after --survey, and what it finds */
static int64_t by_ref(db_conn_t *db, arena_t *arena, const char *ref)
{
    surveys_info_t info;
    cx_result rc = surveys_get_by_ref(db, arena, ref, &info);
    if (rc == CX_ERR_NOT_FOUND)
        return 0;
    cr_assert_eq(rc, CX_OK, "%s", ref);
    cr_assert_gt(info.question_count, 0, "%s comes with its questions", ref);
    return info.id;
}

static cx_result ref_job(db_conn_t *db, void *arg)
{
    ref_job_t *j = arg;
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)j->ids[1]);
    cr_assert_eq(by_ref(db, &j->arena, id), j->ids[1], "a number is an id");
    cr_assert_eq(by_ref(db, &j->arena, "po-zakupie"), j->ids[0], "else a slug");
    cr_assert_eq(by_ref(db, &j->arena, "12"), 0, "a number is never read as a slug");
    cr_assert_eq(by_ref(db, &j->arena, "0"), 0);
    cr_assert_eq(by_ref(db, &j->arena, ""), 0);
    cr_assert_eq(by_ref(db, &j->arena, "nie-ma"), 0);
    return surveys_list(db, &j->arena, &j->list, &j->count);
}

Test(surveys, get_by_ref_takes_an_id_or_a_slug)
{
    test_db_t t;
    test_db_make(&t);
    store_t *s = test_db_open(&t, 0);
    ref_job_t j = {0};
    arena_init(&j.arena);
    cr_assert_eq(store_write(s, two_surveys_job, &j), CX_OK);
    cr_assert_eq(store_read(s, ref_job, &j), CX_OK);
    cr_assert_eq(j.count, 2, "the listing reads every row");
    cr_assert_eq(j.list[0].id, j.ids[0]);
    cr_assert_eq(j.list[1].id, j.ids[1]);
    cr_assert_str_eq(j.list[1].slug, "12");
    arena_free(&j.arena);
    store_close(s);
    test_db_remove(&t);
}
