/*
 * surveys.c — creating, listing, reading and writing surveys with their
 * questions (see surveys.h).
 *
 * Relies on orgdata.c for the plain inserts and on slug.c for the address.
 * The standard question texts live here because a survey is created with
 * them; the web editor changes them later. Must never build SQL from
 * values: every statement is a literal with bound parameters.
 */
#include "store/surveys.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/slug.h"
#include "store/orgdata.h"
#include "store/rows.h"

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

/* Whether st (prepared and bound; NULL: CX_ERR_STORE) yields a row. */
static cx_result row_exists(db_stmt_t *st, bool *exists)
{
    if (!st)
        return CX_ERR_STORE;
    db_step_result r = db_step(st);
    db_done(st);
    if (r == DB_ERROR)
        return CX_ERR_STORE;
    *exists = r == DB_ROW;
    return CX_OK;
}

static cx_result slug_taken(db_conn_t *db, const char *slug, bool *taken)
{
    db_stmt_t *st = db_prepare(db, "SELECT 1 FROM surveys WHERE slug = ?");
    if (st)
        db_bind_text(st, 1, slug);
    return row_exists(st, taken);
}

/* The first free of BASE, BASE-2, BASE-3, ... into slug. */
static cx_result unique_slug(db_conn_t *db, const char *base, buf_t *slug)
{
    cx_result rc = CX_OK;
    for (int n = 1; !rc; n++) {
        buf_reset(slug);
        if (n == 1)
            buf_puts(slug, base);
        else
            buf_printf(slug, "%s-%d", base, n);
        rc = buf_result(slug);
        bool taken = false;
        if (!rc)
            rc = slug_taken(db, buf_str(slug), &taken);
        if (!rc && !taken)
            break;
    }
    return rc;
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
    if (!rc)
        rc = unique_slug(db, buf_str(&base), &slug);
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
    " (SELECT count(*) FROM responses r WHERE r.survey_id = s.id), s.thank_you,"                   \
    " s.allowed_origins, s.title, s.intro"                                                         \
    " FROM surveys s LEFT JOIN touchpoints t ON t.id = s.touchpoint_id"

static cx_result read_survey_row(db_stmt_t *st, arena_t *arena, void *element)
{
    surveys_info_t *out = element;
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
    out->thank_you = arena_strdup(arena, db_column_text(st, 11));
    out->allowed_origins = arena_strdup(arena, db_column_text(st, 12));
    out->title = arena_strdup(arena, db_column_text(st, 13));
    out->intro = arena_strdup(arena, db_column_text(st, 14));
    if (!out->slug || !out->kind || !out->name || !out->touchpoint || !out->channel ||
        !out->languages || !out->thank_you || !out->allowed_origins || !out->title ||
        !out->intro)
        return CX_ERR_NOMEM;
    return CX_OK;
}

static cx_result read_question_row(db_stmt_t *st, arena_t *arena, void *element)
{
    surveys_question_t *q = element;
    q->id = db_column_int(st, 0);
    q->key = arena_strdup(arena, db_column_text(st, 1));
    q->kind = arena_strdup(arena, db_column_text(st, 2));
    q->is_main = db_column_int(st, 3) != 0;
    q->position = (int)db_column_int(st, 4);
    q->label = arena_strdup(arena, db_column_text(st, 5));
    q->choices = arena_strdup(arena, db_column_text(st, 6));
    q->logic = arena_strdup(arena, db_column_text(st, 7));
    q->scale_inverted = db_column_int(st, 8) != 0;
    q->required = db_column_int(st, 9) != 0;
    q->driver_attribute = arena_strdup(arena, db_column_text(st, 10));
    q->answers = db_column_int(st, 11);
    if (!q->key || !q->kind || !q->label || !q->choices || !q->logic || !q->driver_attribute)
        return CX_ERR_NOMEM;
    return CX_OK;
}

/* counted: with each question's answer count, else -1 (the write path
 * must not pay for counts that grow with the survey). */
static cx_result read_questions(db_conn_t *db, arena_t *arena, surveys_info_t *s, bool counted)
{
    /* answers are counted through the survey's responses: answers has no
     * index by question alone, responses has one by survey. The main
     * question's answer is the response's score, the first text
     * question's the response's comment (as the survey page stores them). */
    db_stmt_t *st =
        counted ? db_prepare(db, "SELECT q.id, q.key, q.kind, q.is_main, q.position, q.label,"
                                 " q.choices, q.logic, q.scale_inverted, q.required,"
                                 " coalesce(q.driver_attribute, ''),"
                                 " CASE WHEN q.is_main THEN"
                                 "  (SELECT count(*) FROM responses r"
                                 "   WHERE r.survey_id = q.survey_id AND r.score IS NOT NULL)"
                                 " WHEN q.kind = 'text' AND NOT EXISTS (SELECT 1 FROM questions p"
                                 "   WHERE p.survey_id = q.survey_id AND p.kind = 'text'"
                                 "   AND (p.position < q.position"
                                 "    OR (p.position = q.position AND p.id < q.id))) THEN"
                                 "  (SELECT count(*) FROM responses r"
                                 "   WHERE r.survey_id = q.survey_id AND r.comment IS NOT NULL)"
                                 " ELSE (SELECT count(*) FROM responses r JOIN answers a"
                                 "   ON a.response_id = r.id AND a.question_id = q.id"
                                 "   WHERE r.survey_id = q.survey_id) END"
                                 " FROM questions q WHERE q.survey_id = ?"
                                 " ORDER BY q.position, q.id")
                : db_prepare(db, "SELECT q.id, q.key, q.kind, q.is_main, q.position, q.label,"
                                 " q.choices, q.logic, q.scale_inverted, q.required,"
                                 " coalesce(q.driver_attribute, ''), -1"
                                 " FROM questions q WHERE q.survey_id = ?"
                                 " ORDER BY q.position, q.id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, s->id);
    void *questions;
    cx_result rc = store_rows_collect(st, arena, sizeof *s->questions, 0, read_question_row,
                                      &questions, &s->question_count);
    s->questions = questions;
    return rc;
}

static cx_result get_one(db_conn_t *db, db_stmt_t *st, arena_t *arena, surveys_info_t *out,
                         bool counted)
{
    db_step_result r = db_step(st);
    cx_result rc = r == DB_ROW    ? read_survey_row(st, arena, out)
                   : r == DB_DONE ? CX_ERR_NOT_FOUND
                                  : CX_ERR_STORE;
    db_done(st);
    if (!rc)
        rc = read_questions(db, arena, out, counted);
    return rc;
}

cx_result surveys_get(db_conn_t *db, arena_t *arena, int64_t id, surveys_info_t *out)
{
    db_stmt_t *st = db_prepare(db, SURVEY_COLUMNS " WHERE s.id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    return get_one(db, st, arena, out, true);
}

cx_result surveys_get_by_slug(db_conn_t *db, arena_t *arena, const char *slug,
                              surveys_info_t *out)
{
    db_stmt_t *st = db_prepare(db, SURVEY_COLUMNS " WHERE s.slug = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, slug);
    return get_one(db, st, arena, out, true);
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
    return get_one(db, st, arena, out, false);
}

cx_result surveys_get_by_ref(db_conn_t *db, arena_t *arena, const char *ref,
                             surveys_info_t *out)
{
    char *end;
    errno = 0;
    long id = *ref ? strtol(ref, &end, 10) : 0;
    if (*ref && !errno && !*end && id >= 1 && id <= INT32_MAX)
        return surveys_get(db, arena, id, out);
    return surveys_get_by_slug(db, arena, ref, out);
}

cx_result surveys_list(db_conn_t *db, arena_t *arena, surveys_info_t **out, size_t *count)
{
    return store_rows_collect(db_prepare(db, SURVEY_COLUMNS " ORDER BY s.id"), arena,
                              sizeof **out, 0, read_survey_row, (void **)out, count);
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

/* ---- whole definitions ----------------------------------------------------
 *
 * One checker serves the API and the editor, so a survey the editor saves
 * is one the API would take and the other way round. The checker sees only
 * the JSON; surveys_put adds what needs the database (touchpoints, slugs,
 * answers already given). Texts are normalised on the way in: labels keep
 * only pl, en, ro with some text, so a missing translation is an absent
 * member, never an empty string.
 */

#define SURVEYS_NAME_MAX 200
#define SURVEYS_CHANNEL_MAX 100
#define SURVEYS_LABEL_MAX 2000
#define SURVEYS_TITLE_MAX 200
#define SURVEYS_ORIGINS_MAX 2000
#define SURVEYS_QUESTIONS_MAX 100
#define SURVEYS_CHOICES_MAX 100
#define SURVEYS_KEY_MAX 64
#define SURVEYS_ATTRIBUTE_MAX 100

static const char *const survey_languages[] = {"pl", "en", "ro"};
static const char *const score_groups[] = {"detractor", "passive", "promoter"};
#define NLANG 3

static bool fail_at(surveys_problem_t *p, surveys_problem_code_t code, const char *message,
                    const char *field_fmt, ...) __attribute__((format(printf, 4, 5)));

static bool fail_at(surveys_problem_t *p, surveys_problem_code_t code, const char *message,
                    const char *field_fmt, ...)
{
    p->code = code;
    p->message = message;
    va_list ap;
    va_start(ap, field_fmt);
    vsnprintf(p->field, sizeof p->field, field_fmt, ap);
    va_end(ap);
    return false;
}

static bool is_language(const char *code)
{
    for (size_t i = 0; i < NLANG; i++)
        if (strcmp(code, survey_languages[i]) == 0)
            return true;
    return false;
}

static bool question_kind_valid(const char *kind)
{
    static const char *const kinds[] = {"score", "rating", "effort", "single", "multi", "text"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kind, kinds[i]) == 0)
            return true;
    return false;
}

static bool is_scale(const char *kind)
{
    return strcmp(kind, "score") == 0 || strcmp(kind, "rating") == 0 ||
           strcmp(kind, "effort") == 0;
}

/* The question kind of a survey kind's main question; NULL for custom. */
static const char *main_kind_of(const char *survey_kind)
{
    if (strcmp(survey_kind, "nps") == 0 || strcmp(survey_kind, "enps") == 0)
        return "score";
    if (strcmp(survey_kind, "csat") == 0)
        return "rating";
    if (strcmp(survey_kind, "ces") == 0)
        return "effort";
    return NULL;
}

/* Question keys: a lower-case letter, then letters, digits, '_' or '-'. */
static bool key_valid(const char *key)
{
    size_t n = strlen(key);
    if (n == 0 || n > SURVEYS_KEY_MAX || key[0] < 'a' || key[0] > 'z')
        return false;
    for (size_t i = 1; i < n; i++) {
        char c = key[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* One origin: http or https, a host of letters, digits, '.' and '-', an
 * optional port, nothing after it (browsers send origins without a path). */
static bool origin_valid(const char *s, size_t n)
{
    size_t skip = n > 8 && strncmp(s, "https://", 8) == 0  ? 8
                  : n > 7 && strncmp(s, "http://", 7) == 0 ? 7
                                                           : 0;
    if (!skip)
        return false;
    size_t i = skip, host = 0;
    for (; i < n && s[i] != ':'; i++, host++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-'))
            return false;
    }
    if (host == 0 || s[skip] == '.' || s[skip] == '-')
        return false;
    if (i < n) { /* a port: 1 to 5 digits */
        size_t digits = n - i - 1;
        if (digits < 1 || digits > 5)
            return false;
        for (i++; i < n; i++)
            if (s[i] < '0' || s[i] > '9')
                return false;
    }
    return true;
}

bool surveys_origins_valid(const char *list)
{
    const char *p = list;
    while (*p) {
        p += strspn(p, ", \t\r\n");
        size_t n = strcspn(p, ", \t\r\n");
        if (n && !origin_valid(p, n))
            return false;
        p += n;
    }
    return true;
}

static bool check_string(json_t *v, size_t max, surveys_problem_t *p, const char *field)
{
    if (!json_is_string(v))
        return fail_at(p, SURVEYS_P_TYPE, "must be a string", "%s", field);
    if (json_string_length(v) > max)
        return fail_at(p, SURVEYS_P_TOO_LONG, "is too long", "%s", field);
    return true;
}

static bool check_bool(json_t *v, surveys_problem_t *p, const char *field)
{
    if (v && !json_is_boolean(v))
        return fail_at(p, SURVEYS_P_TYPE, "must be true or false", "%s", field);
    return true;
}

/* A text per language: {"pl": "..", "en": "..", "ro": ".."}. need_text:
 * at least one language must have some text. At most max bytes each. */
static bool check_texts_max(json_t *v, bool need_text, size_t max, surveys_problem_t *p,
                            const char *field)
{
    if (!json_is_object(v))
        return fail_at(p, SURVEYS_P_TYPE, "must be an object of texts by language (pl, en, ro)",
                       "%s", field);
    const char *lang;
    json_t *text;
    bool some = false;
    json_object_foreach(v, lang, text)
    {
        if (!is_language(lang))
            return fail_at(p, SURVEYS_P_LANGUAGE, "is not a language of surveys (pl, en, ro)",
                           "%s.%s", field, lang);
        if (!json_is_null(text) && !json_is_string(text))
            return fail_at(p, SURVEYS_P_TYPE, "must be a string", "%s.%s", field, lang);
        if (json_string_length(text) > max)
            return fail_at(p, SURVEYS_P_TOO_LONG,
                           max == SURVEYS_TITLE_MAX ? "is too long (at most 200 characters)"
                                                    : "is too long (at most 2000 characters)",
                           "%s.%s", field, lang);
        const char *t = json_string_value(text);
        some = some || (t && t[strspn(t, " \t\r\n")]);
    }
    if (need_text && !some)
        return fail_at(p, SURVEYS_P_LABEL, "needs a text in at least one language", "%s", field);
    return true;
}

static bool check_texts(json_t *v, bool need_text, surveys_problem_t *p, const char *field)
{
    return check_texts_max(v, need_text, SURVEYS_LABEL_MAX, p, field);
}

static bool known_member(const char *key, const char *const *known, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(key, known[i]) == 0)
            return true;
    return false;
}

static bool check_question(json_t *q, size_t i, const char *survey_kind, surveys_problem_t *p)
{
    static const char *const known[] = {"key",   "kind", "label", "choices", "main",
                                        "scale_inverted", "driver_attribute", "required",
                                        "logic", /* read-only: */ "id", "position", "answers",
                                        "missing_translations"};
    char f[64];
    snprintf(f, sizeof f, "questions[%zu]", i);
    if (!json_is_object(q))
        return fail_at(p, SURVEYS_P_TYPE, "must be an object", "%s", f);
    const char *member;
    json_t *v;
    json_object_foreach(q, member, v)
    {
        if (!known_member(member, known, sizeof known / sizeof known[0]))
            return fail_at(p, SURVEYS_P_UNKNOWN, "is not a known field", "%s.%s", f, member);
    }
    char sub[96];
    json_t *key = json_object_get(q, "key");
    snprintf(sub, sizeof sub, "%s.key", f);
    if (!key)
        return fail_at(p, SURVEYS_P_REQUIRED, "is required", "%s", sub);
    if (!check_string(key, SURVEYS_KEY_MAX, p, sub))
        return false;
    if (!key_valid(json_string_value(key)))
        return fail_at(p, SURVEYS_P_KEY,
                       "must start with a-z and hold only a-z, 0-9, '_' and '-' (at most 64)",
                       "%s", sub);
    json_t *kind = json_object_get(q, "kind");
    snprintf(sub, sizeof sub, "%s.kind", f);
    if (!kind)
        return fail_at(p, SURVEYS_P_REQUIRED, "is required", "%s", sub);
    if (!json_is_string(kind) || !question_kind_valid(json_string_value(kind)))
        return fail_at(p, SURVEYS_P_KIND,
                       "must be score, rating, effort, single, multi or text", "%s", sub);
    const char *k = json_string_value(kind);
    json_t *label = json_object_get(q, "label");
    snprintf(sub, sizeof sub, "%s.label", f);
    if (!label)
        return fail_at(p, SURVEYS_P_REQUIRED, "is required", "%s", sub);
    if (!check_texts(label, true, p, sub))
        return false;

    bool choice = strcmp(k, "single") == 0 || strcmp(k, "multi") == 0;
    json_t *choices = json_object_get(q, "choices");
    snprintf(sub, sizeof sub, "%s.choices", f);
    if (choices && !json_is_array(choices))
        return fail_at(p, SURVEYS_P_TYPE, "must be a list of choices", "%s", sub);
    if (choice && json_array_size(choices) == 0)
        return fail_at(p, SURVEYS_P_CHOICES, "a choice question needs at least one choice", "%s",
                       sub);
    if (!choice && json_array_size(choices) > 0)
        return fail_at(p, SURVEYS_P_NOT_HERE, "only single and multi questions have choices",
                       "%s", sub);
    if (json_array_size(choices) > SURVEYS_CHOICES_MAX)
        return fail_at(p, SURVEYS_P_TOO_LONG, "at most 100 choices", "%s", sub);
    size_t ci;
    json_t *c;
    json_array_foreach(choices, ci, c)
    {
        char cf[128];
        snprintf(cf, sizeof cf, "%s[%zu]", sub, ci);
        if (!json_is_object(c))
            return fail_at(p, SURVEYS_P_TYPE, "must be an object {\"value\", \"label\"}", "%s",
                           cf);
        json_object_foreach(c, member, v)
        {
            if (strcmp(member, "value") && strcmp(member, "label"))
                return fail_at(p, SURVEYS_P_UNKNOWN, "is not a known field", "%s.%s", cf,
                               member);
        }
        json_t *value = json_object_get(c, "value");
        if (!json_is_string(value) || !key_valid(json_string_value(value)))
            return fail_at(p, SURVEYS_P_CHOICES,
                           "must start with a-z and hold only a-z, 0-9, '_' and '-' (at most 64)",
                           "%s.value", cf);
        for (size_t cj = 0; cj < ci; cj++)
            if (strcmp(json_string_value(json_object_get(json_array_get(choices, cj), "value")),
                       json_string_value(value)) == 0)
                return fail_at(p, SURVEYS_P_CHOICES, "repeats the value of an earlier choice",
                               "%s.value", cf);
        json_t *cl = json_object_get(c, "label");
        char lf[160];
        snprintf(lf, sizeof lf, "%s.label", cf);
        if (!cl)
            return fail_at(p, SURVEYS_P_REQUIRED, "is required", "%s", lf);
        if (!check_texts(cl, true, p, lf))
            return false;
    }

    json_t *is_main = json_object_get(q, "main");
    snprintf(sub, sizeof sub, "%s.main", f);
    if (!check_bool(is_main, p, sub))
        return false;
    if (json_is_true(is_main)) {
        const char *want = main_kind_of(survey_kind);
        if (!want)
            return fail_at(p, SURVEYS_P_MAIN, "a custom survey has no main question", "%s", sub);
        if (strcmp(want, k) != 0)
            return fail_at(p, SURVEYS_P_MAIN,
                           "the main question of this survey kind must be of kind score (nps, "
                           "enps), rating (csat) or effort (ces)",
                           "%s", sub);
    }
    json_t *inverted = json_object_get(q, "scale_inverted");
    snprintf(sub, sizeof sub, "%s.scale_inverted", f);
    if (!check_bool(inverted, p, sub))
        return false;
    if (json_is_true(inverted) && !is_scale(k))
        return fail_at(p, SURVEYS_P_NOT_HERE, "only score, rating and effort questions have a scale",
                       "%s", sub);
    json_t *driver = json_object_get(q, "driver_attribute");
    snprintf(sub, sizeof sub, "%s.driver_attribute", f);
    if (driver && !json_is_null(driver)) {
        if (!check_string(driver, SURVEYS_ATTRIBUTE_MAX, p, sub))
            return false;
        if (json_string_length(driver) > 0 && (!is_scale(k) || json_is_true(is_main)))
            return fail_at(p, SURVEYS_P_NOT_HERE,
                           "only a score, rating or effort question other than the main one "
                           "rates a journey attribute",
                           "%s", sub);
    }
    snprintf(sub, sizeof sub, "%s.required", f);
    if (!check_bool(json_object_get(q, "required"), p, sub))
        return false;

    json_t *logic = json_object_get(q, "logic");
    snprintf(sub, sizeof sub, "%s.logic", f);
    if (logic && !json_is_null(logic)) {
        if (!json_is_object(logic))
            return fail_at(p, SURVEYS_P_TYPE, "must be an object {\"label_by_group\": {...}}",
                           "%s", sub);
        json_object_foreach(logic, member, v)
        {
            if (strcmp(member, "label_by_group"))
                return fail_at(p, SURVEYS_P_UNKNOWN, "is not a known field", "%s.%s", sub,
                               member);
        }
        json_t *groups = json_object_get(logic, "label_by_group");
        snprintf(sub, sizeof sub, "%s.logic.label_by_group", f);
        if (groups && !json_is_object(groups))
            return fail_at(p, SURVEYS_P_TYPE,
                           "must be an object with detractor, passive and promoter labels", "%s",
                           sub);
        if (json_object_size(groups) > 0 && json_is_true(is_main))
            return fail_at(p, SURVEYS_P_NOT_HERE,
                           "the main question's wording cannot depend on its own score", "%s", sub);
        json_object_foreach(groups, member, v)
        {
            bool group = false;
            for (size_t g = 0; g < 3; g++)
                group = group || strcmp(member, score_groups[g]) == 0;
            if (!group)
                return fail_at(p, SURVEYS_P_UNKNOWN,
                               "is not a score group (detractor, passive, promoter)", "%s.%s", sub,
                               member);
            char gf[160];
            snprintf(gf, sizeof gf, "%s.%s", sub, member);
            if (!json_is_null(v) && !check_texts(v, false, p, gf))
                return false;
        }
    }
    return true;
}

bool surveys_check(const json_t *cdef, surveys_problem_t *p)
{
    static const char *const known[] = {
        "name",    "kind",      "slug",           "touchpoint_id", "channel",
        "languages", "open",    "thank_you",      "allowed_origins", "questions",
        "title",   "intro",
        /* read-only: */ "id",  "touchpoint",     "created_at",    "responses",
        "public_url", "missing_translations"};
    json_t *def = (json_t *)cdef; /* jansson's getters are not const */
    memset(p, 0, sizeof *p);
    if (!json_is_object(def))
        return fail_at(p, SURVEYS_P_TYPE, "the body must be a JSON object", "%s", "");
    const char *member;
    json_t *v;
    json_object_foreach(def, member, v)
    {
        if (!known_member(member, known, sizeof known / sizeof known[0]))
            return fail_at(p, SURVEYS_P_UNKNOWN, "is not a known field", "%s", member);
    }
    json_t *name = json_object_get(def, "name");
    if (!name)
        return fail_at(p, SURVEYS_P_REQUIRED, "is required", "name");
    if (!check_string(name, SURVEYS_NAME_MAX, p, "name"))
        return false;
    const char *n = json_string_value(name);
    if (!n[strspn(n, " \t\r\n")])
        return fail_at(p, SURVEYS_P_REQUIRED, "must not be empty", "name");
    json_t *kind = json_object_get(def, "kind");
    if (!kind)
        return fail_at(p, SURVEYS_P_REQUIRED, "is required", "kind");
    if (!json_is_string(kind) || !surveys_kind_valid(json_string_value(kind)))
        return fail_at(p, SURVEYS_P_KIND, "must be nps, csat, ces, enps or custom", "kind");
    const char *survey_kind = json_string_value(kind);
    json_t *slug = json_object_get(def, "slug");
    if (slug && !json_is_null(slug) &&
        (!json_is_string(slug) || json_string_length(slug) > SLUG_MAX_LEN + 10 ||
         !slug_is_valid(json_string_value(slug))))
        return fail_at(p, SURVEYS_P_SLUG,
                       "must be lower-case letters, digits and single hyphens", "slug");
    json_t *tp = json_object_get(def, "touchpoint_id");
    if (tp && !json_is_null(tp) && (!json_is_integer(tp) || json_integer_value(tp) <= 0))
        return fail_at(p, SURVEYS_P_TYPE, "must be a touchpoint's id or null", "touchpoint_id");
    json_t *channel = json_object_get(def, "channel");
    if (channel && !json_is_null(channel) &&
        !check_string(channel, SURVEYS_CHANNEL_MAX, p, "channel"))
        return false;
    json_t *langs = json_object_get(def, "languages");
    if (langs) {
        if (!json_is_array(langs) || json_array_size(langs) == 0)
            return fail_at(p, SURVEYS_P_TYPE, "must be a list of languages, e.g. [\"pl\", \"en\"]",
                           "languages");
        size_t i;
        json_array_foreach(langs, i, v)
        {
            if (!json_is_string(v) || !is_language(json_string_value(v)))
                return fail_at(p, SURVEYS_P_LANGUAGE, "is not a language of surveys (pl, en, ro)",
                               "languages[%zu]", i);
            for (size_t j = 0; j < i; j++)
                if (json_equal(json_array_get(langs, j), v))
                    return fail_at(p, SURVEYS_P_LANGUAGE, "is given twice", "languages[%zu]", i);
        }
    }
    if (!check_bool(json_object_get(def, "open"), p, "open"))
        return false;
    json_t *thanks = json_object_get(def, "thank_you");
    if (thanks && !json_is_null(thanks) && !check_texts(thanks, false, p, "thank_you"))
        return false;
    /* what the respondent reads; a title is a heading, not a paragraph */
    json_t *title = json_object_get(def, "title");
    if (title && !json_is_null(title) &&
        !check_texts_max(title, false, SURVEYS_TITLE_MAX, p, "title"))
        return false;
    json_t *intro = json_object_get(def, "intro");
    if (intro && !json_is_null(intro) && !check_texts(intro, false, p, "intro"))
        return false;
    json_t *origins = json_object_get(def, "allowed_origins");
    if (origins && !json_is_null(origins)) {
        if (!check_string(origins, SURVEYS_ORIGINS_MAX, p, "allowed_origins"))
            return false;
        if (!surveys_origins_valid(json_string_value(origins)))
            return fail_at(p, SURVEYS_P_ORIGIN,
                           "must be origins like https://shop.example.com, separated by spaces "
                           "or commas",
                           "allowed_origins");
    }
    json_t *questions = json_object_get(def, "questions");
    if (questions && !json_is_array(questions))
        return fail_at(p, SURVEYS_P_TYPE, "must be a list of questions", "questions");
    if (json_array_size(questions) > SURVEYS_QUESTIONS_MAX)
        return fail_at(p, SURVEYS_P_TOO_LONG, "at most 100 questions", "questions");
    size_t i, mains = 0;
    json_array_foreach(questions, i, v)
    {
        if (!check_question(v, i, survey_kind, p))
            return false;
        const char *key = json_string_value(json_object_get(v, "key"));
        for (size_t j = 0; j < i; j++)
            if (strcmp(json_string_value(json_object_get(json_array_get(questions, j), "key")),
                       key) == 0)
                return fail_at(p, SURVEYS_P_KEY_TAKEN, "is the key of an earlier question",
                               "questions[%zu].key", i);
        mains += json_is_true(json_object_get(v, "main"));
    }
    if (main_kind_of(survey_kind) && mains != 1)
        return fail_at(p, SURVEYS_P_MAIN,
                       mains ? "only one question can be the main question"
                             : "this survey kind needs exactly one main question (\"main\": "
                               "true) of its scale",
                       "questions");
    return true;
}

/* ---- normalised texts ---- */

/* {"pl", "en", "ro"} in that order, only those with text; NULL in → {}. */
static json_t *texts_normal(json_t *in)
{
    json_t *out = json_object();
    for (size_t i = 0; out && i < NLANG; i++) {
        const char *t = json_string_value(json_object_get(in, survey_languages[i]));
        if (t && t[strspn(t, " \t\r\n")])
            json_object_set_new(out, survey_languages[i], json_string(t));
    }
    return out;
}

static json_t *choices_normal(json_t *in)
{
    json_t *out = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(in, i, c)
    {
        json_t *one = json_pack("{s:O, s:o}", "value", json_object_get(c, "value"), "label",
                                texts_normal(json_object_get(c, "label")));
        if (!one || json_array_append_new(out, one)) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

static json_t *logic_normal(json_t *in)
{
    json_t *out = json_object();
    json_t *groups = json_object_get(in, "label_by_group");
    json_t *kept = json_object();
    for (size_t g = 0; out && kept && g < 3; g++) {
        json_t *t = texts_normal(json_object_get(groups, score_groups[g]));
        if (t && json_object_size(t) > 0)
            json_object_set_new(kept, score_groups[g], t);
        else
            json_decref(t);
    }
    if (out && kept && json_object_size(kept) > 0)
        json_object_set_new(out, "label_by_group", kept);
    else
        json_decref(kept);
    return out;
}

/* Dumps and releases v; caller frees the text. NULL when out of memory. */
static char *dump_consume(json_t *v)
{
    char *text = v ? json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(v);
    return text;
}

/* ---- writing ---- */

static cx_result touchpoint_exists(db_conn_t *db, int64_t id, bool *exists)
{
    db_stmt_t *st = db_prepare(db, "SELECT 1 FROM touchpoints WHERE id = ?");
    if (st)
        db_bind_int(st, 1, id);
    return row_exists(st, exists);
}

/* The stored question of the definition's question (by key), or NULL. */
static const surveys_question_t *stored_question(const surveys_info_t *s, const char *key)
{
    return s ? surveys_question(s, key) : NULL;
}

static cx_result write_question(db_conn_t *db, int64_t survey_id, int position, json_t *q,
                                const surveys_question_t *old)
{
    char *label = dump_consume(texts_normal(json_object_get(q, "label")));
    char *choices = dump_consume(choices_normal(json_object_get(q, "choices")));
    char *logic = dump_consume(logic_normal(json_object_get(q, "logic")));
    cx_result rc = label && choices && logic ? CX_OK : CX_ERR_NOMEM;
    const char *driver = json_string_value(json_object_get(q, "driver_attribute"));
    db_stmt_t *st = NULL;
    if (!rc)
        st = old ? db_prepare(db, "UPDATE questions SET position = ?, key = ?, kind = ?,"
                                  " label = ?, choices = ?, scale_inverted = ?, is_main = ?,"
                                  " driver_attribute = ?, required = ?, logic = ?"
                                  " WHERE survey_id = ? AND id = ?")
                 : db_prepare(db, "INSERT INTO questions (position, key, kind, label, choices,"
                                  " scale_inverted, is_main, driver_attribute, required, logic,"
                                  " survey_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!rc && !st)
        rc = CX_ERR_STORE;
    if (!rc) {
        db_bind_int(st, 1, position);
        db_bind_text(st, 2, json_string_value(json_object_get(q, "key")));
        db_bind_text(st, 3, json_string_value(json_object_get(q, "kind")));
        db_bind_text(st, 4, label);
        db_bind_text(st, 5, choices);
        db_bind_int(st, 6, json_is_true(json_object_get(q, "scale_inverted")));
        db_bind_int(st, 7, json_is_true(json_object_get(q, "main")));
        if (driver && *driver)
            db_bind_text(st, 8, driver);
        else
            db_bind_null(st, 8);
        db_bind_int(st, 9, json_is_true(json_object_get(q, "required")));
        db_bind_text(st, 10, logic);
        db_bind_int(st, 11, survey_id);
        if (old)
            db_bind_int(st, 12, old->id);
        rc = db_exec_stmt(st);
    }
    free(label);
    free(choices);
    free(logic);
    return rc;
}

static cx_result delete_question(db_conn_t *db, int64_t id)
{
    db_stmt_t *st = db_prepare(db, "DELETE FROM questions WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    return db_exec_stmt(st);
}

/* Joins a language array as the schema's comma list into b. */
static void languages_list(json_t *langs, buf_t *b)
{
    size_t i;
    json_t *v;
    json_array_foreach(langs, i, v)
    {
        if (i)
            buf_putc(b, ',');
        buf_puts(b, json_string_value(v));
    }
    if (json_array_size(langs) == 0)
        buf_puts(b, "pl");
}

/* Space separated origins, as the list was given but tidied. */
static void origins_list(const char *in, buf_t *b)
{
    const char *p = in ? in : "";
    bool first = true;
    while (*p) {
        p += strspn(p, ", \t\r\n");
        size_t n = strcspn(p, ", \t\r\n");
        if (n) {
            if (!first)
                buf_putc(b, ' ');
            buf_append(b, p, n);
            first = false;
        }
        p += n;
    }
}

static cx_result write_survey(db_conn_t *db, int64_t id, json_t *def, const char *slug,
                              int64_t now, int64_t *id_out)
{
    buf_t langs, origins;
    buf_init(&langs, 64);
    buf_init(&origins, SURVEYS_ORIGINS_MAX + 64);
    languages_list(json_object_get(def, "languages"), &langs);
    origins_list(json_string_value(json_object_get(def, "allowed_origins")), &origins);
    char *thanks = dump_consume(texts_normal(json_object_get(def, "thank_you")));
    char *title = dump_consume(texts_normal(json_object_get(def, "title")));
    char *intro = dump_consume(texts_normal(json_object_get(def, "intro")));
    cx_result rc = thanks && title && intro ? buf_result(&langs) : CX_ERR_NOMEM;
    if (!rc)
        rc = buf_result(&origins);
    db_stmt_t *st = NULL;
    if (!rc)
        st = id ? db_prepare(db, "UPDATE surveys SET slug = ?, kind = ?, name = ?,"
                                 " touchpoint_id = ?, channel = ?, languages = ?, open = ?,"
                                 " thank_you = ?, allowed_origins = ?, title = ?, intro = ?"
                                 " WHERE id = ?")
                : db_prepare(db, "INSERT INTO surveys (slug, kind, name, touchpoint_id, channel,"
                                 " languages, open, thank_you, allowed_origins, title, intro,"
                                 " created_at)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (!rc && !st)
        rc = CX_ERR_STORE;
    if (!rc) {
        json_t *tp = json_object_get(def, "touchpoint_id");
        json_t *open = json_object_get(def, "open");
        const char *channel = json_string_value(json_object_get(def, "channel"));
        db_bind_text(st, 1, slug);
        db_bind_text(st, 2, json_string_value(json_object_get(def, "kind")));
        db_bind_text(st, 3, json_string_value(json_object_get(def, "name")));
        if (json_is_integer(tp))
            db_bind_int(st, 4, (int64_t)json_integer_value(tp));
        else
            db_bind_null(st, 4);
        db_bind_text(st, 5, channel ? channel : "");
        db_bind_text(st, 6, buf_str(&langs));
        db_bind_int(st, 7, open ? json_is_true(open) : 1);
        db_bind_text(st, 8, thanks);
        db_bind_text(st, 9, buf_str(&origins));
        db_bind_text(st, 10, title);
        db_bind_text(st, 11, intro);
        db_bind_int(st, 12, id ? id : now);
        rc = id ? db_exec_stmt(st) : db_insert_id(st, id_out);
        if (id && !rc)
            *id_out = id;
    }
    free(thanks);
    free(title);
    free(intro);
    buf_free(&langs);
    buf_free(&origins);
    return rc;
}

cx_result surveys_put(db_conn_t *db, int64_t id, const json_t *cdef, int64_t now, int64_t *id_out,
                      surveys_problem_t *p)
{
    json_t *def = (json_t *)cdef;
    memset(p, 0, sizeof *p);
    arena_t arena;
    arena_init(&arena);
    surveys_info_t old_survey, *old = NULL;
    cx_result rc = CX_OK;
    if (id) {
        rc = surveys_get(db, &arena, id, &old_survey);
        old = rc ? NULL : &old_survey;
    }
    const char *kind = json_string_value(json_object_get(def, "kind"));
    if (!rc && old && old->responses > 0 && strcmp(old->kind, kind) != 0) {
        fail_at(p, SURVEYS_P_ANSWERED, "cannot change: the survey has responses", "kind");
        rc = CX_ERR_CONFLICT;
    }
    json_t *tp = json_object_get(def, "touchpoint_id");
    if (!rc && json_is_integer(tp)) {
        bool exists = false;
        rc = touchpoint_exists(db, (int64_t)json_integer_value(tp), &exists);
        if (!rc && !exists) {
            fail_at(p, SURVEYS_P_TOUCHPOINT, "names no touchpoint", "touchpoint_id");
            rc = CX_ERR_INVALID;
        }
    }
    /* the slug: given, kept, or made from the name */
    buf_t slug;
    buf_init(&slug, 256);
    const char *given = json_string_value(json_object_get(def, "slug"));
    if (!rc && given && (!old || strcmp(given, old->slug) != 0)) {
        bool taken = false;
        rc = slug_taken(db, given, &taken);
        if (!rc && taken) {
            fail_at(p, SURVEYS_P_SLUG_TAKEN, "is the address of another survey", "slug");
            rc = CX_ERR_CONFLICT;
        }
        buf_puts(&slug, given);
    } else if (!rc && old) {
        buf_puts(&slug, old->slug);
    } else if (!rc) {
        buf_t base;
        buf_init(&base, 256);
        slug_from_text(json_string_value(json_object_get(def, "name")), "ankieta", &base);
        rc = buf_result(&base);
        if (!rc)
            rc = unique_slug(db, buf_str(&base), &slug);
        buf_free(&base);
    }
    if (!rc)
        rc = buf_result(&slug);

    /* questions that would go or change their kind must have no answers */
    json_t *questions = json_object_get(def, "questions");
    for (size_t i = 0; !rc && old && i < old->question_count; i++) {
        const surveys_question_t *q = &old->questions[i];
        size_t j;
        json_t *nq;
        bool kept = false;
        json_array_foreach(questions, j, nq)
        {
            if (strcmp(json_string_value(json_object_get(nq, "key")), q->key) != 0)
                continue;
            kept = true;
            if (q->answers > 0 &&
                strcmp(json_string_value(json_object_get(nq, "kind")), q->kind) != 0) {
                fail_at(p, SURVEYS_P_ANSWERED, "cannot change: the question has answers",
                        "questions[%zu].kind", j);
                rc = CX_ERR_CONFLICT;
            }
        }
        if (!rc && !kept && q->answers > 0) {
            fail_at(p, SURVEYS_P_ANSWERED,
                    "cannot lose a question that has answers (it was left out)",
                    "questions.%s", q->key);
            rc = CX_ERR_CONFLICT;
        }
    }

    int64_t sid = 0;
    if (!rc)
        rc = write_survey(db, id, def, buf_str(&slug), now, &sid);
    for (size_t i = 0; !rc && old && i < old->question_count; i++) {
        bool kept = false;
        size_t j;
        json_t *nq;
        json_array_foreach(questions, j, nq)
            kept = kept || strcmp(json_string_value(json_object_get(nq, "key")),
                                  old->questions[i].key) == 0;
        if (!kept)
            rc = delete_question(db, old->questions[i].id);
    }
    size_t i;
    json_t *q;
    json_array_foreach(questions, i, q)
    {
        if (rc)
            break;
        rc = write_question(db, sid, (int)i + 1, q,
                            stored_question(old, json_string_value(json_object_get(q, "key"))));
    }
    if (!rc && id_out)
        *id_out = sid;
    buf_free(&slug);
    arena_free(&arena);
    return rc;
}

/* ---- reading as JSON ---- */

/* A stored JSON text, or a fresh empty value of the same kind when the
 * text is damaged (the editor must still open). */
static json_t *load_or(const char *text, bool array)
{
    json_t *v = json_loads(text ? text : "", 0, NULL);
    if (v && (array ? json_is_array(v) : json_is_object(v)))
        return v;
    json_decref(v);
    return array ? json_array() : json_object();
}

static json_t *languages_json(const char *list)
{
    json_t *out = json_array();
    const char *p = list;
    while (out && *p) {
        p += strspn(p, ", ");
        size_t n = strcspn(p, ", ");
        if (n)
            json_array_append_new(out, json_stringn(p, n));
        p += n;
    }
    return out;
}

/* Appends "FIELD.LANG" for each survey language the texts lack. */
static void missing_in(json_t *texts, json_t *langs, const char *field, json_t *list)
{
    size_t i;
    json_t *l;
    json_array_foreach(langs, i, l)
    {
        const char *lang = json_string_value(l);
        const char *t = json_string_value(json_object_get(texts, lang));
        if (!t || !t[strspn(t, " \t\r\n")]) {
            char f[192];
            snprintf(f, sizeof f, "%s.%s", field, lang);
            json_array_append_new(list, json_string(f));
        }
    }
}

void surveys_missing_translations(const surveys_info_t *s, json_t *list)
{
    json_t *langs = languages_json(s->languages);
    json_t *thanks = load_or(s->thank_you, false);
    /* the thank-you text is optional; once given, it is given in every
     * language */
    if (json_object_size(thanks) > 0)
        missing_in(thanks, langs, "thank_you", list);
    json_decref(thanks);
    /* so are the title and the introduction */
    json_t *title = load_or(s->title, false);
    if (json_object_size(title) > 0)
        missing_in(title, langs, "title", list);
    json_decref(title);
    json_t *intro = load_or(s->intro, false);
    if (json_object_size(intro) > 0)
        missing_in(intro, langs, "intro", list);
    json_decref(intro);
    for (size_t i = 0; i < s->question_count; i++) {
        const surveys_question_t *q = &s->questions[i];
        char f[96];
        snprintf(f, sizeof f, "questions[%zu].label", i);
        json_t *label = load_or(q->label, false);
        missing_in(label, langs, f, list);
        json_decref(label);
        json_t *choices = load_or(q->choices, true);
        size_t ci;
        json_t *c;
        json_array_foreach(choices, ci, c)
        {
            char cf[128];
            snprintf(cf, sizeof cf, "questions[%zu].choices[%zu].label", i, ci);
            missing_in(json_object_get(c, "label"), langs, cf, list);
        }
        json_decref(choices);
        json_t *logic = load_or(q->logic, false);
        json_t *groups = json_object_get(logic, "label_by_group");
        for (size_t g = 0; g < 3; g++) {
            json_t *t = json_object_get(groups, score_groups[g]);
            if (!t)
                continue;
            char gf[160];
            snprintf(gf, sizeof gf, "questions[%zu].logic.label_by_group.%s", i,
                     score_groups[g]);
            missing_in(t, langs, gf, list);
        }
        json_decref(logic);
    }
    json_decref(langs);
}

json_t *surveys_to_json(const surveys_info_t *s)
{
    buf_t url;
    buf_init(&url, 256);
    buf_printf(&url, "/s/%s", s->slug); /* raw: a slug is URL-safe by construction */
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:b, s:o, s:s, s:I, s:I, s:s}",
                          "id", (json_int_t)s->id, "slug", s->slug, "kind", s->kind, "name",
                          s->name, "touchpoint_id",
                          s->touchpoint_id ? json_integer(s->touchpoint_id) : json_null(),
                          "touchpoint", *s->touchpoint ? json_string(s->touchpoint) : json_null(),
                          "channel", s->channel, "languages", languages_json(s->languages), "open",
                          s->open, "thank_you", load_or(s->thank_you, false), "allowed_origins",
                          s->allowed_origins, "created_at", (json_int_t)s->created_at,
                          "responses", (json_int_t)s->responses, "public_url",
                          buf_failed(&url) ? "" : buf_str(&url));
    buf_free(&url);
    json_t *questions = json_array();
    for (size_t i = 0; o && questions && i < s->question_count; i++) {
        const surveys_question_t *q = &s->questions[i];
        json_t *one = json_pack(
            "{s:I, s:i, s:s, s:s, s:o, s:o, s:b, s:b, s:o, s:b, s:o, s:I}", "id",
            (json_int_t)q->id, "position", q->position, "key", q->key, "kind", q->kind, "label",
            load_or(q->label, false), "choices", load_or(q->choices, true), "main", q->is_main,
            "scale_inverted", q->scale_inverted, "driver_attribute",
            *q->driver_attribute ? json_string(q->driver_attribute) : json_null(), "required",
            q->required, "logic", load_or(q->logic, false), "answers", (json_int_t)q->answers);
        json_array_append_new(questions, one);
    }
    json_t *missing = json_array();
    if (missing)
        surveys_missing_translations(s, missing);
    if (o) {
        json_object_set_new(o, "title", load_or(s->title, false));
        json_object_set_new(o, "intro", load_or(s->intro, false));
        json_object_set_new(o, "questions", questions);
        json_object_set_new(o, "missing_translations", missing);
    } else {
        json_decref(questions);
        json_decref(missing);
    }
    return o;
}

/* ---- small changes ---- */

cx_result surveys_delete(db_conn_t *db, int64_t id, surveys_problem_t *p)
{
    memset(p, 0, sizeof *p);
    int64_t responses = 0;
    db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM responses WHERE survey_id = ?");
    if (st)
        db_bind_int(st, 1, id);
    cx_result rc = db_query_int(st, &responses);
    if (rc)
        return rc;
    if (responses > 0) {
        fail_at(p, SURVEYS_P_ANSWERED, "the survey has responses; close it instead of deleting it",
                "%s", "");
        return CX_ERR_CONFLICT;
    }
    st = db_prepare(db, "DELETE FROM surveys WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    return db_exec_changed(db, st);
}

cx_result surveys_set_open(db_conn_t *db, int64_t id, bool open)
{
    db_stmt_t *st = db_prepare(db, "UPDATE surveys SET open = ? WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, open);
    db_bind_int(st, 2, id);
    return db_exec_changed(db, st);
}

cx_result surveys_question_set_logic(db_conn_t *db, int64_t question_id, const char *logic)
{
    db_stmt_t *st = db_prepare(db, "UPDATE questions SET logic = ? WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, logic);
    db_bind_int(st, 2, question_id);
    return db_exec_changed(db, st);
}

static cx_result read_touchpoint_row(db_stmt_t *st, arena_t *arena, void *element)
{
    surveys_touchpoint_t *t = element;
    t->id = db_column_int(st, 0);
    t->name = arena_strdup(arena, db_column_text(st, 1));
    t->channel = arena_strdup(arena, db_column_text(st, 2));
    return t->name && t->channel ? CX_OK : CX_ERR_NOMEM;
}

cx_result surveys_touchpoints(db_conn_t *db, arena_t *arena, surveys_touchpoint_t **out,
                              size_t *count)
{
    return store_rows_collect(
        db_prepare(db, "SELECT id, name, channel FROM touchpoints ORDER BY name, id"), arena,
        sizeof **out, 0, read_touchpoint_row, (void **)out, count);
}
