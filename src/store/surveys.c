/*
 * surveys.c — creating, listing and reading surveys (see surveys.h).
 *
 * Relies on orgdata.c for the plain inserts and on slug.c for the address.
 * The standard question texts live here because a survey is created with
 * them; the web editor changes them later. Must never build SQL from
 * values: every statement is a literal with bound parameters.
 */
#include "store/surveys.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/slug.h"
#include "store/orgdata.h"

bool surveys_kind_valid(const char *kind)
{
    static const char *const kinds[] = {"nps", "csat", "ces", "enps", "custom"};
    for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kind, kinds[i]) == 0)
            return true;
    return false;
}

typedef struct standard_question {
    const char *survey_kind;
    const char *key;
    const char *kind;
    const char *pl, *en, *ro;
} standard_question_t;

/* The main question of each kind. CES is asked as agreement with "it was
 * easy" (higher is better), so its scale is not inverted. */
static const standard_question_t main_questions[] = {
    {"nps", "nps", "score", "Jak prawdopodobne jest, że polecisz nas znajomemu?",
     "How likely are you to recommend us to a friend?",
     "Cât de probabil este să ne recomanzi unui prieten?"},
    {"enps", "enps", "score",
     "Jak prawdopodobne jest, że polecisz naszą firmę znajomemu jako miejsce pracy?",
     "How likely are you to recommend our company to a friend as a place to work?",
     "Cât de probabil este să recomanzi compania noastră unui prieten ca loc de muncă?"},
    {"csat", "csat", "rating", "Jak bardzo jesteś zadowolony z naszej obsługi?",
     "How satisfied are you with our service?", "Cât de mulțumit ești de serviciile noastre?"},
    {"ces", "ces", "effort",
     "Łatwo było mi załatwić moją sprawę. (1 — zdecydowanie się nie zgadzam, 7 — zdecydowanie "
     "się zgadzam)",
     "It was easy to handle my request. (1 — strongly disagree, 7 — strongly agree)",
     "Mi-a fost ușor să îmi rezolv solicitarea. (1 — dezacord total, 7 — acord total)"},
};

static const standard_question_t comment_after_score = {
    NULL, "komentarz", "text", "Co jest najważniejszym powodem Twojej oceny?",
    "What is the main reason for your score?", "Care este motivul principal al notei tale?"};
static const standard_question_t comment_custom = {
    NULL, "komentarz", "text", "Czy chcesz nam coś jeszcze przekazać?",
    "Is there anything else you would like to tell us?", "Mai vrei să ne spui ceva?"};

static char *labels_json(const standard_question_t *q)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "pl", q->pl, "en", q->en, "ro", q->ro);
    if (!o)
        return NULL;
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return text;
}

static cx_result add_question(db_conn_t *db, int64_t survey_id, int position,
                              const standard_question_t *q, bool is_main)
{
    char *label = labels_json(q);
    if (!label)
        return CX_ERR_NOMEM;
    orgdata_question_t row = {
        .survey_id = survey_id,
        .position = position,
        .key = q->key,
        .kind = q->kind,
        .label = label,
        .is_main = is_main,
        .required = is_main,
    };
    cx_result rc = orgdata_question_add(db, &row, NULL);
    free(label);
    return rc;
}

static cx_result slug_taken(db_conn_t *db, const char *slug, bool *taken)
{
    db_stmt_t *st = db_prepare(db, "SELECT 1 FROM surveys WHERE slug = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, slug);
    db_step_result r = db_step(st);
    db_done(st);
    if (r == DB_ERROR)
        return CX_ERR_STORE;
    *taken = r == DB_ROW;
    return CX_OK;
}

cx_result surveys_create(db_conn_t *db, const surveys_new_t *s, int64_t *id_out, buf_t *slug_out)
{
    if (!surveys_kind_valid(s->kind) || !s->name)
        return CX_ERR_INVALID;
    buf_t base, slug;
    buf_init(&base, 256);
    buf_init(&slug, 256);
    slug_from_text(s->name, "ankieta", &base);
    cx_result rc = buf_result(&base);
    for (int n = 1; !rc; n++) {
        buf_reset(&slug);
        if (n == 1)
            buf_puts(&slug, buf_str(&base));
        else
            buf_printf(&slug, "%s-%d", buf_str(&base), n);
        rc = buf_result(&slug);
        bool taken = false;
        if (!rc)
            rc = slug_taken(db, buf_str(&slug), &taken);
        if (!rc && !taken)
            break;
    }
    int64_t id = 0;
    if (!rc) {
        orgdata_survey_t row = {
            .slug = buf_str(&slug),
            .kind = s->kind,
            .name = s->name,
            .touchpoint_id = s->touchpoint_id,
            .channel = s->channel,
            .languages = s->languages,
            .open = true,
            .created_at = s->created_at,
        };
        rc = orgdata_survey_add(db, &row, &id);
    }
    int position = 1;
    const standard_question_t *comment = &comment_custom;
    for (size_t i = 0; !rc && i < sizeof main_questions / sizeof main_questions[0]; i++) {
        if (strcmp(main_questions[i].survey_kind, s->kind) == 0) {
            rc = add_question(db, id, position++, &main_questions[i], true);
            comment = &comment_after_score;
        }
    }
    if (!rc)
        rc = add_question(db, id, position, comment, false);
    if (!rc && slug_out)
        buf_puts(slug_out, buf_str(&slug));
    if (!rc && id_out)
        *id_out = id;
    buf_free(&base);
    buf_free(&slug);
    return rc;
}

/* ---- reading ----------------------------------------------------------- */

#define SURVEY_COLUMNS                                                                             \
    "SELECT s.id, s.slug, s.kind, s.name, coalesce(s.touchpoint_id, 0),"                           \
    " coalesce(t.name, ''), s.channel, s.languages, s.open, s.created_at,"                         \
    " (SELECT count(*) FROM responses r WHERE r.survey_id = s.id)"                                 \
    " FROM surveys s LEFT JOIN touchpoints t ON t.id = s.touchpoint_id"

static cx_result read_survey_row(db_stmt_t *st, arena_t *arena, surveys_info_t *out)
{
    memset(out, 0, sizeof *out);
    out->id = db_column_int(st, 0);
    out->slug = arena_strdup(arena, db_column_text(st, 1));
    out->kind = arena_strdup(arena, db_column_text(st, 2));
    out->name = arena_strdup(arena, db_column_text(st, 3));
    out->touchpoint_id = db_column_int(st, 4);
    out->touchpoint = arena_strdup(arena, db_column_text(st, 5));
    out->channel = arena_strdup(arena, db_column_text(st, 6));
    out->languages = arena_strdup(arena, db_column_text(st, 7));
    out->open = db_column_int(st, 8) != 0;
    out->created_at = db_column_int(st, 9);
    out->responses = db_column_int(st, 10);
    if (!out->slug || !out->kind || !out->name || !out->touchpoint || !out->channel ||
        !out->languages)
        return CX_ERR_NOMEM;
    return CX_OK;
}

static cx_result read_questions(db_conn_t *db, arena_t *arena, surveys_info_t *s)
{
    db_stmt_t *st = db_prepare(db, "SELECT id, key, kind, is_main FROM questions"
                                   " WHERE survey_id = ? ORDER BY position, id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, s->id);
    size_t cap = 8, n = 0;
    surveys_question_t *q = arena_alloc(arena, cap * sizeof *q);
    cx_result rc = q ? CX_OK : CX_ERR_NOMEM;
    db_step_result r;
    while (!rc && (r = db_step(st)) == DB_ROW) {
        if (n == cap) {
            surveys_question_t *bigger = arena_alloc(arena, 2 * cap * sizeof *q);
            if (!bigger) {
                rc = CX_ERR_NOMEM;
                break;
            }
            memcpy(bigger, q, n * sizeof *q);
            q = bigger;
            cap *= 2;
        }
        q[n].id = db_column_int(st, 0);
        q[n].key = arena_strdup(arena, db_column_text(st, 1));
        q[n].kind = arena_strdup(arena, db_column_text(st, 2));
        q[n].is_main = db_column_int(st, 3) != 0;
        if (!q[n].key || !q[n].kind)
            rc = CX_ERR_NOMEM;
        n++;
    }
    if (!rc && r == DB_ERROR)
        rc = CX_ERR_STORE;
    db_done(st);
    s->questions = q;
    s->question_count = n;
    return rc;
}

static cx_result get_one(db_conn_t *db, db_stmt_t *st, arena_t *arena, surveys_info_t *out)
{
    db_step_result r = db_step(st);
    cx_result rc = r == DB_ROW    ? read_survey_row(st, arena, out)
                   : r == DB_DONE ? CX_ERR_NOT_FOUND
                                  : CX_ERR_STORE;
    db_done(st);
    if (!rc)
        rc = read_questions(db, arena, out);
    return rc;
}

cx_result surveys_get(db_conn_t *db, arena_t *arena, int64_t id, surveys_info_t *out)
{
    db_stmt_t *st = db_prepare(db, SURVEY_COLUMNS " WHERE s.id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    return get_one(db, st, arena, out);
}

cx_result surveys_get_by_slug(db_conn_t *db, arena_t *arena, const char *slug,
                              surveys_info_t *out)
{
    db_stmt_t *st = db_prepare(db, SURVEY_COLUMNS " WHERE s.slug = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, slug);
    return get_one(db, st, arena, out);
}

#define SURVEY_COLUMNS_NO_COUNT                                                                    \
    "SELECT s.id, s.slug, s.kind, s.name, coalesce(s.touchpoint_id, 0),"                           \
    " coalesce(t.name, ''), s.channel, s.languages, s.open, s.created_at, -1"                      \
    " FROM surveys s LEFT JOIN touchpoints t ON t.id = s.touchpoint_id"

cx_result surveys_get_for_write(db_conn_t *db, arena_t *arena, int64_t id, const char *slug,
                                surveys_info_t *out)
{
    db_stmt_t *st = slug ? db_prepare(db, SURVEY_COLUMNS_NO_COUNT " WHERE s.slug = ?")
                         : db_prepare(db, SURVEY_COLUMNS_NO_COUNT " WHERE s.id = ?");
    if (!st)
        return CX_ERR_STORE;
    if (slug)
        db_bind_text(st, 1, slug);
    else
        db_bind_int(st, 1, id);
    return get_one(db, st, arena, out);
}

cx_result surveys_list(db_conn_t *db, arena_t *arena, surveys_info_t **out, size_t *count)
{
    db_stmt_t *st = db_prepare(db, SURVEY_COLUMNS " ORDER BY s.id");
    if (!st)
        return CX_ERR_STORE;
    size_t cap = 16, n = 0;
    surveys_info_t *rows = arena_alloc(arena, cap * sizeof *rows);
    cx_result rc = rows ? CX_OK : CX_ERR_NOMEM;
    db_step_result r = DB_DONE;
    while (!rc && (r = db_step(st)) == DB_ROW) {
        if (n == cap) {
            surveys_info_t *bigger = arena_alloc(arena, 2 * cap * sizeof *rows);
            if (!bigger) {
                rc = CX_ERR_NOMEM;
                break;
            }
            memcpy(bigger, rows, n * sizeof *rows);
            rows = bigger;
            cap *= 2;
        }
        rc = read_survey_row(st, arena, &rows[n++]);
    }
    if (!rc && r == DB_ERROR)
        rc = CX_ERR_STORE;
    db_done(st);
    *out = rows;
    *count = n;
    return rc;
}

const surveys_question_t *surveys_question(const surveys_info_t *s, const char *key)
{
    for (size_t i = 0; i < s->question_count; i++)
        if (strcmp(s->questions[i].key, key) == 0)
            return &s->questions[i];
    return NULL;
}

const surveys_question_t *surveys_main_question(const surveys_info_t *s)
{
    for (size_t i = 0; i < s->question_count; i++)
        if (s->questions[i].is_main)
            return &s->questions[i];
    return NULL;
}
