/*
 * importer.c — the import engine (see importer.h): column resolution, the
 * sample that settles how dates and numbers are written, per-kind row
 * checks for responses, customers and feedback, and the all-or-nothing
 * store job.
 *
 * Relies on csv.h, parse.h and the store modules orgdata.h, surveys.h,
 * feedback.h and import_refs.h. It must never write a row it has not
 * checked, never pass on a value from the file without quote_value (messages
 * stay one line), and never print: every message goes to the caller's
 * report function.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/parse.h"
#include "importer/importer.h"
#include "store/accounts.h"
#include "store/feedback.h"
#include "store/import_refs.h"
#include "store/orgdata.h"
#include "store/surveys.h"
#include "sys/tz.h"

#define IMPORT_SAMPLE_ROWS 1000
#define IMPORT_BATCH 1024

/* Value kinds, which decide how a column is sampled and parsed. */
typedef enum value_kind { V_TEXT, V_DATE, V_NUMBER, V_INT } value_kind_t;

typedef struct field_def {
    const char *name;
    value_kind_t kind;
} field_def_t;

enum { R_CUSTOMER, R_SUBMITTED_AT, R_SCORE, R_COMMENT, R_TOUCHPOINT, R_CHANNEL, R_LANGUAGE,
       R_SEGMENT, R_COUNT };
static const field_def_t response_fields[R_COUNT] = {
    {"customer", V_TEXT}, {"submitted_at", V_DATE}, {"score", V_INT},
    {"comment", V_TEXT},  {"touchpoint", V_TEXT},   {"channel", V_TEXT},
    {"language", V_TEXT}, {"segment", V_TEXT},
};

enum { F_SOURCE, F_TEXT, F_TITLE, F_RECEIVED_AT, F_CUSTOMER, F_TOUCHPOINT, F_CHANNEL,
       F_LANGUAGE, F_RATING, F_CATEGORY, F_EXTERNAL_ID, F_COUNT };
static const field_def_t feedback_fields[F_COUNT] = {
    {"source", V_TEXT},     {"text", V_TEXT},     {"title", V_TEXT},
    {"received_at", V_DATE}, {"customer", V_TEXT}, {"touchpoint", V_TEXT},
    {"channel", V_TEXT},    {"language", V_TEXT}, {"rating", V_NUMBER},
    {"category", V_TEXT},   {"external_id", V_TEXT},
};

enum { C_EXTERNAL_ID, C_NAME, C_EMAIL, C_LANGUAGE, C_SEGMENT, C_ACCOUNT, C_VALUE_TIER,
       C_REVENUE, C_COST_TO_SERVE, C_JOINED_AT, C_CHURNED_AT, C_COUNT };
static const field_def_t customer_fields[C_COUNT] = {
    {"external_id", V_TEXT}, {"name", V_TEXT},         {"email", V_TEXT},
    {"language", V_TEXT},    {"segment", V_TEXT},      {"account", V_TEXT},
    {"value_tier", V_TEXT},  {"revenue", V_NUMBER},    {"cost_to_serve", V_NUMBER},
    {"joined_at", V_DATE},   {"churned_at", V_DATE},
};

#define MAX_FIELDS 16

/* ---- a small map from names to ids ------------------------------------ */

/* Names met during one import (customers' external ids, touchpoints,
 * segments, accounts) and the id each resolved to, so a million rows that
 * name a few thousand things cost a few thousand lookups. */
typedef struct idmap {
    char **keys;
    int64_t *values;
    size_t cap, count;
} idmap_t;

static uint64_t idmap_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

static bool idmap_get(const idmap_t *m, const char *key, int64_t *value)
{
    if (!m->cap)
        return false;
    for (size_t i = idmap_hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->keys[i])
            return false;
        if (strcmp(m->keys[i], key) == 0) {
            *value = m->values[i];
            return true;
        }
    }
}

static cx_result idmap_put(idmap_t *m, const char *key, int64_t value)
{
    if (2 * (m->count + 1) > m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        char **keys = calloc(cap, sizeof *keys);
        int64_t *values = calloc(cap, sizeof *values);
        if (!keys || !values) {
            free(keys);
            free(values);
            return CX_ERR_NOMEM;
        }
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->keys[i])
                continue;
            size_t j = idmap_hash(m->keys[i]) & (cap - 1);
            while (keys[j])
                j = (j + 1) & (cap - 1);
            keys[j] = m->keys[i];
            values[j] = m->values[i];
        }
        free(m->keys);
        free(m->values);
        m->keys = keys;
        m->values = values;
        m->cap = cap;
    }
    size_t i = idmap_hash(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i]) {
        m->keys[i] = strdup(key);
        if (!m->keys[i])
            return CX_ERR_NOMEM;
        m->count++;
    }
    m->values[i] = value;
    return CX_OK;
}

static void idmap_free(idmap_t *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof *m);
}

/* ---- the import ------------------------------------------------------- */

/* A column that is not one of the fixed fields: q:KEY or attr:KEY. */
typedef struct extra_column {
    const char *key; /* question key or attribute name (points into argv or the header copy) */
    long column;
    const surveys_question_t *question; /* responses only */
    long min, max;                      /* numeric questions */
} extra_column_t;

/* How a sampled column is read: a detected date style or decimal mark. */
typedef struct column_reading {
    parse_date_format_t date;
    char decimal;
} column_reading_t;

struct importer {
    importer_kind_t kind;
    const importer_options_t *opt;
    const char *file;
    const field_def_t *fields;
    size_t nfields;
    long column[MAX_FIELDS]; /* -1 when the field is not in the file */
    column_reading_t reading[MAX_FIELDS];
    extra_column_t *extra;
    size_t nextra;
    char **header_copy; /* header names, kept after the first reader closes */
    size_t nheader;

    /* options */
    bool dry_run, skip_empty;
    const char *fixed_source;
    const char *default_language;
    const char *date_pattern;
    parse_zone_t *zone;

    /* responses */
    surveys_info_t survey;
    arena_t survey_arena;
    long score_min, score_max;
    bool nps_like;

    /* the pass */
    csv_reader_t *reader;
    int64_t now;
    int64_t next_response_id;
    bool unindexed;
    idmap_t customers, touchpoints, segments, accounts;
    idmap_t seen_external; /* customers: external id -> line, for duplicates */
    int64_t placeholder;   /* ids handed out while not writing */

    /* the batch */
    arena_t batch_arena;
    orgdata_response_t *responses;
    orgdata_answer_t *answers;
    orgdata_customer_t *new_customers;
    size_t nbatch, nanswers;

    /* outcome */
    int64_t rows, skipped_score, skipped_empty, created_customers, created_touchpoints,
        created_segments, created_accounts, updated;
    int64_t errors;
    buf_t line; /* the message being formatted */
    cx_result store_failure, job_result;
    importer_summary_t summary;
    bool prepared, ran;
    const char *zone_name;
    arena_t prep_arena;
};

static void im_report(importer_t *im, importer_msg_t kind)
{
    if (im->opt->report && !buf_failed(&im->line))
        im->opt->report(im->opt->report_ctx, kind, buf_str(&im->line));
    buf_reset(&im->line);
}

static void im_say(importer_t *im, importer_msg_t kind, const char *fmt, va_list ap)
{
    buf_reset(&im->line);
    buf_vprintf(&im->line, fmt, ap);
    im_report(im, kind);
}

static void im_error(importer_t *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void im_error(importer_t *im, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    im_say(im, IMPORTER_MSG_ERROR, fmt, ap);
    va_end(ap);
}

static void im_note(importer_t *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void im_note(importer_t *im, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    im_say(im, IMPORTER_MSG_NOTE, fmt, ap);
    va_end(ap);
}

static importer_status_t im_usage(importer_t *im, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static importer_status_t im_usage(importer_t *im, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    im_say(im, IMPORTER_MSG_USAGE, fmt, ap);
    va_end(ap);
    return IMPORTER_USAGE;
}

static bool import_writing(const importer_t *im) { return !im->dry_run && im->errors == 0; }

/* A value from the file for a message: at most 40 characters, control
 * characters shown as '?', so every message stays one line. out holds
 * IMPORT_QUOTE_MAX bytes. */
#define IMPORT_QUOTE_MAX 168
static const char *quote_value(const char *s, size_t n, char *out)
{
    size_t o = 0, chars = 0;
    for (size_t i = 0; i < n && o + 4 < IMPORT_QUOTE_MAX; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) != 0x80 && chars++ == 40) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        out[o++] = c < 0x20 || c == 0x7F ? '?' : (char)c;
    }
    out[o] = '\0';
    return out;
}

static void import_error_at(importer_t *im, size_t field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports a bad value of the current record. */
static void import_error_at(importer_t *im, size_t field, const char *fmt, ...)
{
    if (im->errors++ >= IMPORTER_MAX_ERRORS)
        return;
    buf_reset(&im->line);
    csv_field_where(im->reader, field, &im->line);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&im->line, fmt, ap);
    va_end(ap);
    im_report(im, IMPORTER_MSG_ERROR);
}

static void import_error_msg(importer_t *im, size_t field, buf_t *msg)
{
    import_error_at(im, field, "%s", buf_str(msg));
    buf_reset(msg);
}

/* The field's value in the record, or NULL when the file has no such
 * column; *len is its length. */
static const char *field_value(const importer_t *im, const csv_record_t *rec, size_t f, size_t *len)
{
    long c = im->column[f];
    if (c < 0 || (size_t)c >= rec->count)
        return NULL;
    *len = rec->fields[c].len;
    return rec->fields[c].data;
}

/* Like field_value, but NULL for a blank value too. */
static const char *field_present(const importer_t *im, const csv_record_t *rec, size_t f,
                                 size_t *len)
{
    const char *v = field_value(im, rec, f, len);
    return v && !parse_is_blank(v, *len) ? v : NULL;
}

/* A copy without surrounding spaces, in the batch arena. */
static char *trimmed_copy(importer_t *im, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    return arena_strndup(&im->batch_arena, s, n);
}

bool importer_language_code(const char *s, size_t n, char out[4])
{
    while (n && *s == ' ') {
        s++;
        n--;
    }
    while (n && s[n - 1] == ' ')
        n--;
    if (n < 2 || n > 3)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c < 'a' || c > 'z')
            return false;
        out[i] = c;
    }
    out[n] = '\0';
    return true;
}

/* Resolves a name to an id through the cache, the store and, when
 * writing, by creating it. Not writing, an unknown name gets a
 * placeholder id so the rest of the file is still checked. */
typedef cx_result (*find_fn)(db_conn_t *db, const char *name, int64_t *id);
typedef cx_result (*ensure_fn)(importer_t *im, db_conn_t *db, const char *name, int64_t *id);

static cx_result ensure_touchpoint(importer_t *im, db_conn_t *db, const char *name, int64_t *id)
{
    bool created = false;
    cx_result rc = import_refs_touchpoint_ensure(db, name, id, &created);
    im->created_touchpoints += created;
    return rc;
}

static cx_result ensure_segment(importer_t *im, db_conn_t *db, const char *name, int64_t *id)
{
    bool created = false;
    cx_result rc = import_refs_segment_ensure(db, name, im->now, id, &created);
    im->created_segments += created;
    return rc;
}

static cx_result ensure_account(importer_t *im, db_conn_t *db, const char *name, int64_t *id)
{
    bool created = false;
    cx_result rc = import_refs_account_ensure(db, name, im->now, id, &created);
    im->created_accounts += created;
    return rc;
}

static cx_result ensure_customer(importer_t *im, db_conn_t *db, const char *external_id, int64_t *id)
{
    cx_result rc = import_refs_customer_find(db, external_id, id);
    if (rc == CX_ERR_NOT_FOUND) {
        rc = import_refs_customer_add(db, external_id, im->now, id);
        im->created_customers += !rc;
    }
    return rc;
}

static cx_result resolve(importer_t *im, db_conn_t *db, idmap_t *cache, const char *name,
                         find_fn find, ensure_fn ensure, int64_t *counter, int64_t *id)
{
    if (idmap_get(cache, name, id))
        return CX_OK;
    cx_result rc;
    if (import_writing(im)) {
        rc = ensure(im, db, name, id);
    } else {
        rc = find(db, name, id);
        if (rc == CX_ERR_NOT_FOUND) {
            *id = --im->placeholder;
            (*counter)++;
            rc = CX_OK;
        }
    }
    if (!rc)
        rc = idmap_put(cache, name, *id);
    return rc;
}

/* Looks up (or creates) the thing a text field names; 0 when blank. */
static cx_result resolve_field(importer_t *im, db_conn_t *db, const csv_record_t *rec, size_t f,
                               idmap_t *cache, find_fn find, ensure_fn ensure, int64_t *counter,
                               int64_t *id)
{
    size_t len;
    const char *v = field_present(im, rec, f, &len);
    *id = 0;
    if (!v)
        return CX_OK;
    char *name = trimmed_copy(im, v, len);
    if (!name)
        return CX_ERR_NOMEM;
    if (strlen(name) > 200) {
        import_error_at(im, (size_t)im->column[f], "%s is longer than 200 bytes",
                        im->fields[f].name);
        return CX_OK;
    }
    return resolve(im, db, cache, name, find, ensure, counter, id);
}

static cx_result parse_date_field(importer_t *im, const csv_record_t *rec, size_t f, bool required,
                                  int64_t *out, buf_t *msg)
{
    size_t len;
    *out = 0;
    const char *v = field_value(im, rec, f, &len);
    if (!v)
        return CX_OK;
    if (parse_is_blank(v, len)) {
        if (required)
            import_error_at(im, (size_t)im->column[f], "%s is empty", im->fields[f].name);
        return CX_OK;
    }
    if (parse_datetime(&im->reading[f].date, im->zone, v, len, out, msg)) {
        import_error_msg(im, (size_t)im->column[f], msg);
        *out = 0;
    }
    return CX_OK;
}

static bool parse_language_field(importer_t *im, const csv_record_t *rec, size_t f, char out[4])
{
    size_t len;
    const char *v = field_present(im, rec, f, &len);
    if (!v) {
        snprintf(out, 4, "%s", im->default_language ? im->default_language : "");
        return true;
    }
    if (importer_language_code(v, len, out))
        return true;
    char q[IMPORT_QUOTE_MAX];
    import_error_at(im, (size_t)im->column[f],
                    "language %s is not a language code such as pl, en or ro",
                    quote_value(v, len, q));
    return false;
}

/* ---- responses -------------------------------------------------------- */

static cx_result flush_responses(importer_t *im, db_conn_t *db)
{
    cx_result rc = orgdata_responses_add(db, im->responses, im->nbatch);
    if (!rc)
        rc = orgdata_answers_add(db, im->answers, im->nanswers);
    im->nbatch = im->nanswers = 0;
    arena_free(&im->batch_arena);
    arena_init(&im->batch_arena);
    return rc;
}

static cx_result response_row(importer_t *im, db_conn_t *db, const csv_record_t *rec, buf_t *msg)
{
    int64_t errors_before = im->errors;
    orgdata_response_t r = {
        .survey_id = im->survey.id,
        .completed = true,
        .created_at = im->now,
    };
    size_t len;
    cx_result rc = parse_date_field(im, rec, R_SUBMITTED_AT, true, &r.submitted_at, msg);
    const char *v = field_value(im, rec, R_SCORE, &len);
    if (v && !parse_is_blank(v, len)) {
        long long score;
        if (parse_int_range(v, len, im->score_min, im->score_max, "score", &score, msg)) {
            import_error_msg(im, (size_t)im->column[R_SCORE], msg);
        } else {
            r.has_score = true;
            r.score = (int)score;
            if (im->nps_like) {
                r.has_nps_group = true;
                r.nps_group = score <= 6 ? -1 : score <= 8 ? 0 : 1;
            }
        }
    }
    if ((v = field_present(im, rec, R_COMMENT, &len))) {
        r.comment = arena_strndup(&im->batch_arena, v, len);
        r.comment_len = len;
        if (!r.comment)
            return CX_ERR_NOMEM;
    }
    if ((v = field_present(im, rec, R_CHANNEL, &len)) && !(r.channel = trimmed_copy(im, v, len)))
        return CX_ERR_NOMEM;
    char lang[4];
    if (parse_language_field(im, rec, R_LANGUAGE, lang) &&
        !(r.language = arena_strdup(&im->batch_arena, lang)))
        return CX_ERR_NOMEM;
    if (!rc)
        rc = resolve_field(im, db, rec, R_TOUCHPOINT, &im->touchpoints, import_refs_touchpoint_find,
                           ensure_touchpoint, &im->created_touchpoints, &r.touchpoint_id);
    if (!rc)
        rc = resolve_field(im, db, rec, R_CUSTOMER, &im->customers, import_refs_customer_find,
                           ensure_customer, &im->created_customers, &r.customer_id);
    int64_t segment = 0;
    if (!rc && field_present(im, rec, R_SEGMENT, &len)) {
        if (!field_present(im, rec, R_CUSTOMER, &len))
            import_error_at(im, (size_t)im->column[R_SEGMENT],
                            "a segment belongs to a customer, and this row names none");
        else
            rc = resolve_field(im, db, rec, R_SEGMENT, &im->segments, import_refs_segment_find,
                               ensure_segment, &im->created_segments, &segment);
    }
    /* The other questions, into answers. */
    size_t first_answer = im->nanswers;
    for (size_t i = 0; !rc && i < im->nextra; i++) {
        const extra_column_t *x = &im->extra[i];
        const csv_field_t *fv = &rec->fields[x->column];
        if (parse_is_blank(fv->data, fv->len))
            continue;
        orgdata_answer_t a = {.question_id = x->question->id};
        if (x->max > 0) {
            long long n;
            if (parse_int_range(fv->data, fv->len, x->min, x->max, x->key, &n, msg)) {
                import_error_msg(im, (size_t)x->column, msg);
                continue;
            }
            a.has_num = true;
            a.value_num = (double)n;
        } else if (!(a.value_text = arena_strndup(&im->batch_arena, fv->data, fv->len))) {
            return CX_ERR_NOMEM;
        }
        im->answers[im->nanswers++] = a;
    }
    if (rc)
        return rc;
    if (im->errors == errors_before) {
        im->rows++;
        im->skipped_score += !r.has_score && im->column[R_SCORE] >= 0;
    }
    if (!import_writing(im)) {
        /* Only checking from here on: nothing of the row is kept. */
        im->nanswers = 0;
        im->nbatch = 0;
        arena_free(&im->batch_arena);
        arena_init(&im->batch_arena);
        return CX_OK;
    }
    if (segment > 0 && r.customer_id > 0) {
        rc = import_refs_customer_set_segment(db, r.customer_id, segment);
        if (rc)
            return rc;
    }
    r.id = im->next_response_id++;
    for (size_t i = first_answer; i < im->nanswers; i++)
        im->answers[i].response_id = r.id;
    im->responses[im->nbatch++] = r;
    if (im->nbatch == IMPORT_BATCH)
        rc = flush_responses(im, db);
    return rc;
}

/* ---- feedback --------------------------------------------------------- */

static cx_result feedback_row(importer_t *im, db_conn_t *db, const csv_record_t *rec, buf_t *msg)
{
    int64_t errors_before = im->errors;
    store_feedback_t item = {.created_at = im->now, .received_at = im->now};
    size_t len;
    const char *v = field_value(im, rec, F_TEXT, &len);
    if (!v || parse_is_blank(v, len)) {
        if (im->skip_empty) {
            im->skipped_empty++;
            return CX_OK;
        }
        import_error_at(im, (size_t)im->column[F_TEXT],
                        "the text is empty (--skip-empty leaves such rows out)");
        return CX_OK;
    }
    if (!(item.text = arena_strndup(&im->batch_arena, v, len)))
        return CX_ERR_NOMEM;
    char source[16];
    if ((v = field_present(im, rec, F_SOURCE, &len))) {
        char *s = trimmed_copy(im, v, len);
        char q[IMPORT_QUOTE_MAX];
        if (!s)
            return CX_ERR_NOMEM;
        for (char *p = s; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        if (!store_feedback_source_valid(s)) {
            import_error_at(im, (size_t)im->column[F_SOURCE],
                            "source %s is not one of complaint, ticket, review, call_note, "
                            "chat, other",
                            quote_value(s, strlen(s), q));
        } else {
            snprintf(source, sizeof source, "%s", s);
            item.source = source;
        }
    } else if (im->fixed_source) {
        item.source = im->fixed_source;
    } else {
        import_error_at(im, (size_t)im->column[F_SOURCE],
                        "the source is empty (--source names one for such rows)");
    }
    if ((v = field_present(im, rec, F_TITLE, &len)) && !(item.title = trimmed_copy(im, v, len)))
        return CX_ERR_NOMEM;
    if ((v = field_present(im, rec, F_CATEGORY, &len)) &&
        !(item.category = trimmed_copy(im, v, len)))
        return CX_ERR_NOMEM;
    if ((v = field_present(im, rec, F_CHANNEL, &len)) &&
        !(item.channel = trimmed_copy(im, v, len)))
        return CX_ERR_NOMEM;
    if ((v = field_present(im, rec, F_EXTERNAL_ID, &len)) &&
        !(item.external_id = trimmed_copy(im, v, len)))
        return CX_ERR_NOMEM;
    char lang[4];
    if (parse_language_field(im, rec, F_LANGUAGE, lang))
        item.language = lang;
    if ((v = field_present(im, rec, F_RATING, &len))) {
        double rating;
        if (parse_number(v, len, im->reading[F_RATING].decimal, &rating, NULL, msg)) {
            import_error_msg(im, (size_t)im->column[F_RATING], msg);
        } else if (rating < 0 || rating > 10) {
            char shown[64];
            snprintf(shown, sizeof shown, "%g", rating);
            import_error_at(im, (size_t)im->column[F_RATING], "rating %s is outside 0–10",
                            shown);
        } else {
            item.has_rating = true;
            item.rating = rating;
        }
    }
    int64_t received = 0;
    cx_result rc = parse_date_field(im, rec, F_RECEIVED_AT, true, &received, msg);
    if (received)
        item.received_at = received;
    if (!rc)
        rc = resolve_field(im, db, rec, F_TOUCHPOINT, &im->touchpoints, import_refs_touchpoint_find,
                           ensure_touchpoint, &im->created_touchpoints, &item.touchpoint_id);
    if (!rc)
        rc = resolve_field(im, db, rec, F_CUSTOMER, &im->customers, import_refs_customer_find,
                           ensure_customer, &im->created_customers, &item.customer_id);
    if (rc || im->errors > errors_before)
        goto done;
    im->rows++;
    if (import_writing(im))
        rc = store_feedback_add(db, &item, NULL);
done:
    arena_free(&im->batch_arena);
    arena_init(&im->batch_arena);
    return rc;
}

/* ---- customers -------------------------------------------------------- */

static cx_result flush_customers(importer_t *im, db_conn_t *db)
{
    cx_result rc = orgdata_customers_add(db, im->new_customers, im->nbatch);
    im->nbatch = 0;
    arena_free(&im->batch_arena);
    arena_init(&im->batch_arena);
    return rc;
}

static cx_result parse_money(importer_t *im, const csv_record_t *rec, size_t f, bool *has,
                             double *out, buf_t *msg)
{
    size_t len;
    const char *v = field_present(im, rec, f, &len);
    *has = false;
    if (!v)
        return CX_OK;
    if (parse_number(v, len, im->reading[f].decimal, out, NULL, msg))
        import_error_msg(im, (size_t)im->column[f], msg);
    else
        *has = true;
    return CX_OK;
}

static cx_result customer_row(importer_t *im, db_conn_t *db, const csv_record_t *rec, buf_t *msg)
{
    int64_t errors_before = im->errors;
    size_t len;
    const char *v = field_present(im, rec, C_EXTERNAL_ID, &len);
    if (!v) {
        import_error_at(im, (size_t)im->column[C_EXTERNAL_ID], "external_id is empty");
        return CX_OK;
    }
    char *external_id = trimmed_copy(im, v, len);
    if (!external_id)
        return CX_ERR_NOMEM;
    int64_t first_line;
    char q[IMPORT_QUOTE_MAX];
    if (idmap_get(&im->seen_external, external_id, &first_line)) {
        import_error_at(im, (size_t)im->column[C_EXTERNAL_ID],
                        "customer %s appears twice in the file (first on line %lld)",
                        quote_value(external_id, strlen(external_id), q), (long long)first_line);
        return CX_OK;
    }
    cx_result rc = idmap_put(&im->seen_external, external_id, (int64_t)rec->line);
    import_refs_customer_update_t u = {0};
    const char **texts[] = {[C_NAME] = &u.name, [C_EMAIL] = &u.email,
                            [C_VALUE_TIER] = &u.value_tier};
    for (size_t f = C_NAME; !rc && f <= C_VALUE_TIER; f++) {
        if (f >= sizeof texts / sizeof texts[0] || !texts[f])
            continue;
        if ((v = field_present(im, rec, f, &len)) && !(*texts[f] = trimmed_copy(im, v, len)))
            rc = CX_ERR_NOMEM;
    }
    if (!rc && u.email && !strchr(u.email, '@'))
        import_error_at(im, (size_t)im->column[C_EMAIL], "e-mail address %s has no @",
                        quote_value(u.email, strlen(u.email), q));
    char lang[4];
    if (!rc && field_present(im, rec, C_LANGUAGE, &len) &&
        parse_language_field(im, rec, C_LANGUAGE, lang) &&
        !(u.language = arena_strdup(&im->batch_arena, lang)))
        rc = CX_ERR_NOMEM;
    if (!rc)
        rc = parse_money(im, rec, C_REVENUE, &u.has_revenue, &u.revenue, msg);
    if (!rc)
        rc = parse_money(im, rec, C_COST_TO_SERVE, &u.has_cost_to_serve, &u.cost_to_serve, msg);
    if (!rc)
        rc = parse_date_field(im, rec, C_JOINED_AT, false, &u.joined_at, msg);
    if (!rc)
        rc = parse_date_field(im, rec, C_CHURNED_AT, false, &u.churned_at, msg);
    if (!rc && im->nextra) {
        json_t *attrs = json_object();
        for (size_t i = 0; attrs && i < im->nextra; i++) {
            const csv_field_t *fv = &rec->fields[im->extra[i].column];
            if (parse_is_blank(fv->data, fv->len))
                continue;
            json_object_set_new(attrs, im->extra[i].key, json_stringn(fv->data, fv->len));
        }
        char *text = attrs ? json_dumps(attrs, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(attrs);
        if (!text)
            return CX_ERR_NOMEM;
        u.attributes = arena_strdup(&im->batch_arena, text);
        free(text);
        if (!u.attributes)
            return CX_ERR_NOMEM;
    }
    if (!rc)
        rc = resolve_field(im, db, rec, C_SEGMENT, &im->segments, import_refs_segment_find,
                           ensure_segment, &im->created_segments, &u.segment_id);
    if (!rc)
        rc = resolve_field(im, db, rec, C_ACCOUNT, &im->accounts, import_refs_account_find,
                           ensure_account, &im->created_accounts, &u.account_id);
    int64_t existing = 0;
    if (!rc) {
        rc = import_refs_customer_find(db, external_id, &existing);
        if (rc == CX_ERR_NOT_FOUND) {
            rc = CX_OK;
            existing = 0;
        }
    }
    if (rc)
        return rc;
    if (im->errors > errors_before) {
        im->nbatch = 0;
        if (!import_writing(im)) {
            arena_free(&im->batch_arena);
            arena_init(&im->batch_arena);
        }
        return CX_OK;
    }
    im->rows++;
    if (existing)
        im->updated++;
    else
        im->created_customers++;
    if (!import_writing(im)) {
        im->nbatch = 0;
        arena_free(&im->batch_arena);
        arena_init(&im->batch_arena);
        return CX_OK;
    }
    if (existing) {
        u.id = existing;
        return import_refs_customer_update(db, &u);
    }
    im->new_customers[im->nbatch++] = (orgdata_customer_t){
        .external_id = external_id,
        .name = u.name,
        .email = u.email,
        .language = u.language,
        .segment_id = u.segment_id,
        .account_id = u.account_id,
        .value_tier = u.value_tier,
        .revenue = u.revenue,
        .cost_to_serve = u.cost_to_serve,
        .joined_at = u.joined_at,
        .churned_at = u.churned_at,
        .attributes = u.attributes,
        .created_at = im->now,
    };
    if (im->nbatch == IMPORT_BATCH)
        rc = flush_customers(im, db);
    return rc;
}

/* ---- the job ---------------------------------------------------------- */

static void fill_summary(importer_t *im);


static cx_result import_job(db_conn_t *db, void *arg)
{
    importer_t *im = arg;
    im->now = store_now();
    cx_result rc = CX_OK;
    if (im->kind == IMPORTER_RESPONSES) {
        int64_t max_id = 0, count = 0;
        rc = orgdata_max_id(db, ORGDATA_RESPONSES, &max_id);
        if (!rc)
            rc = orgdata_count(db, ORGDATA_RESPONSES, &count);
        im->next_response_id = max_id + 1;
        /* Into a small table, sorting once at the end beats updating three
         * indexes per row; into a large one, rebuilding would cost more. */
        if (!rc && !im->dry_run && count < 100000) {
            rc = orgdata_responses_unindex(db);
            im->unindexed = !rc;
        }
    }
    buf_t msg;
    buf_init(&msg, 4096);
    csv_record_t rec;
    while (!rc) {
        cx_result read = csv_next_record(im->reader, &rec);
        if (read) {
            im->errors++;
            im_error(im, "%s", csv_reader_error(im->reader));
            break;
        }
        if (!rec.count)
            break;
        switch (im->kind) {
        case IMPORTER_RESPONSES: rc = response_row(im, db, &rec, &msg); break;
        case IMPORTER_FEEDBACK: rc = feedback_row(im, db, &rec, &msg); break;
        case IMPORTER_CUSTOMERS: rc = customer_row(im, db, &rec, &msg); break;
        }
    }
    buf_free(&msg);
    if (!rc && import_writing(im) && im->nbatch)
        rc = im->kind == IMPORTER_RESPONSES ? flush_responses(im, db) : flush_customers(im, db);
    if (!rc && im->unindexed)
        rc = orgdata_responses_reindex(db);
    if (!rc && import_writing(im) && im->opt->before_commit) {
        fill_summary(im);
        rc = im->opt->before_commit(db, im->opt->before_commit_ctx, &im->summary);
    }
    if (rc) {
        im->store_failure = rc;
        return rc;
    }
    return im->errors ? CX_ERR_INVALID : CX_OK;
}

/* ---- setting up: options, the survey, the header ----------------------- */

static cx_result prepare_read(db_conn_t *db, void *arg)
{
    importer_t *im = arg;
    cx_result rc = store_setting_get(db, &im->prep_arena, "timezone", &im->zone_name);
    if (rc == CX_ERR_NOT_FOUND) {
        im->zone_name = NULL;
        rc = CX_OK;
    }
    if (rc || im->kind != IMPORTER_RESPONSES)
        return rc;
    if (im->opt->survey_slug)
        return surveys_get_by_slug(db, &im->survey_arena, im->opt->survey_slug, &im->survey);
    return surveys_get(db, &im->survey_arena, im->opt->survey_id, &im->survey);
}

static long header_find(const importer_t *im, const char *name)
{
    for (size_t i = 0; i < im->nheader; i++)
        if (strcasecmp(im->header_copy[i], name) == 0)
            return (long)i;
    return -1;
}

static void print_columns(importer_t *im)
{
    buf_t b;
    buf_init(&b, 0);
    for (size_t i = 0; i < im->nheader && i < 40; i++)
        buf_printf(&b, "%s'%s'", i ? ", " : "", im->header_copy[i]);
    if (im->nheader > 40)
        buf_puts(&b, ", ...");
    im_error(im, "%s: the columns are %s", im->file, buf_str(&b));
    buf_free(&b);
}

static int add_extra(importer_t *im, const char *key, long column)
{
    extra_column_t *more = realloc(im->extra, (im->nextra + 1) * sizeof *more);
    if (!more) {
        im_error(im, "out of memory");
        return IMPORTER_FAILED;
    }
    im->extra = more;
    im->extra[im->nextra++] = (extra_column_t){.key = key, .column = column};
    return IMPORTER_OK;
}

/* Applies --map (or the header names) to the fixed fields and the extra
 * columns. */
static int map_one(importer_t *im, const char *field, const char *column, long c)
{
    const char *prefix = im->kind == IMPORTER_RESPONSES   ? "q:"
                         : im->kind == IMPORTER_CUSTOMERS ? "attr:"
                                                          : NULL;
    if (c < 0)
        c = header_find(im, column);
    else if ((size_t)c >= im->nheader)
        c = -1;
    if (c < 0) {
        im_error(im, "%s: no column named '%s' (mapped to %s)", im->file, column ? column : "?",
                 field);
        print_columns(im);
        return IMPORTER_FAILED;
    }
    if (prefix && strncmp(field, prefix, strlen(prefix)) == 0 && field[strlen(prefix)])
        return add_extra(im, field + strlen(prefix), c);
    size_t f = 0;
    while (f < im->nfields && strcmp(im->fields[f].name, field) != 0)
        f++;
    if (f == im->nfields) {
        buf_t names;
        buf_init(&names, 0);
        for (size_t k = 0; k < im->nfields; k++)
            buf_printf(&names, "%s%s", k ? ", " : "", im->fields[k].name);
        if (prefix)
            buf_printf(&names, ", %sKEY", prefix);
        int rc = im_usage(im, "unknown field '%s' in --map: use %s", field, buf_str(&names));
        buf_free(&names);
        return rc;
    }
    if (im->column[f] >= 0)
        return im_usage(im, "field '%s' is mapped twice", field);
    im->column[f] = c;
    return IMPORTER_OK;
}

/* Applies the mapping (or the header names) to the fixed fields and the
 * extra columns. */
static int resolve_columns(importer_t *im)
{
    const importer_options_t *o = im->opt;
    for (size_t f = 0; f < im->nfields; f++)
        im->column[f] = -1;
    for (size_t m = 0; m < o->nmaps; m++) {
        char *save = NULL;
        for (char *item = strtok_r(o->maps[m], ",", &save); item;
             item = strtok_r(NULL, ",", &save)) {
            char *eq = strchr(item, '=');
            if (!eq || eq == item || !eq[1])
                return im_usage(im, "--map wants FIELD=COLUMN, not '%s'", item);
            *eq = '\0';
            int rc = map_one(im, item, eq + 1, -1);
            if (rc)
                return rc;
        }
    }
    for (size_t m = 0; m < o->npairs; m++) {
        int rc = map_one(im, o->pairs[m].field, o->pairs[m].column, o->pairs[m].column_index);
        if (rc)
            return rc;
    }
    bool mapped = o->nmaps || o->npairs || o->map_given;
    if (!mapped)
        for (size_t f = 0; f < im->nfields; f++)
            im->column[f] = header_find(im, im->fields[f].name);

    if (im->kind == IMPORTER_CUSTOMERS) {
        /* Every column no field uses is an attribute named by its header. */
        for (size_t c = 0; c < im->nheader; c++) {
            bool used = false;
            for (size_t f = 0; f < im->nfields && !used; f++)
                used = im->column[f] == (long)c;
            for (size_t x = 0; x < im->nextra && !used; x++)
                used = im->extra[x].column == (long)c;
            if (!used && im->header_copy[c][0] && add_extra(im, im->header_copy[c], (long)c))
                return IMPORTER_FAILED;
        }
    }
    return IMPORTER_OK;
}

/* What each kind needs from the file, checked after the mapping. */
static int check_required(importer_t *im)
{
    const char *missing = NULL;
    switch (im->kind) {
    case IMPORTER_RESPONSES:
        if (im->column[R_SUBMITTED_AT] < 0)
            missing = "submitted_at";
        break;
    case IMPORTER_FEEDBACK:
        if (im->column[F_TEXT] < 0)
            missing = "text";
        else if (im->column[F_SOURCE] < 0 && !im->fixed_source) {
            im_error(im, "%s: no source column; name the source of every row with --source "
                      "complaint|ticket|review|call_note|chat|other",
                      im->file);
            return IMPORTER_FAILED;
        }
        break;
    case IMPORTER_CUSTOMERS:
        if (im->column[C_EXTERNAL_ID] < 0)
            missing = "external_id";
        break;
    }
    if (missing) {
        im_error(im, "%s: no %s column; name it with --map %s=COLUMN", im->file, missing, missing);
        print_columns(im);
        return IMPORTER_FAILED;
    }
    if (im->kind != IMPORTER_RESPONSES)
        return IMPORTER_OK;

    const surveys_question_t *main_q = surveys_main_question(&im->survey);
    if (im->column[R_SCORE] >= 0 && !main_q) {
        im_error(im, "%s: survey %lld (%s) has no main question to take a score", im->file,
                  (long long)im->survey.id, im->survey.kind);
        return IMPORTER_FAILED;
    }
    if (main_q) {
        im->score_min = strcmp(main_q->kind, "score") == 0 ? 0 : 1;
        im->score_max = strcmp(main_q->kind, "score") == 0    ? 10
                        : strcmp(main_q->kind, "rating") == 0 ? 5
                                                              : 7;
    }
    im->nps_like = strcmp(im->survey.kind, "nps") == 0 || strcmp(im->survey.kind, "enps") == 0;
    for (size_t i = 0; i < im->nextra; i++) {
        extra_column_t *x = &im->extra[i];
        x->question = surveys_question(&im->survey, x->key);
        if (!x->question || x->question->is_main) {
            im_error(im, "%s: survey %lld has no question '%s'%s", im->file,
                      (long long)im->survey.id, x->key,
                      x->question ? " other than its main one (map it as score)" : "");
            return IMPORTER_FAILED;
        }
        const char *k = x->question->kind;
        x->min = strcmp(k, "score") == 0 ? 0 : 1;
        x->max = strcmp(k, "score") == 0    ? 10
                 : strcmp(k, "rating") == 0 ? 5
                 : strcmp(k, "effort") == 0 ? 7
                                            : 0;
    }
    return IMPORTER_OK;
}

/* Reads the first rows to settle how each date and number column is
 * written, unless --date-format says it. */
static int sample_columns(importer_t *im)
{
    size_t nsampled = 0;
    size_t which[MAX_FIELDS];
    for (size_t f = 0; f < im->nfields; f++) {
        im->reading[f].date = (parse_date_format_t){.style = PARSE_DATE_PATTERN,
                                                     .pattern = im->date_pattern};
        im->reading[f].decimal = 0;
        if (im->column[f] < 0)
            continue;
        if ((im->fields[f].kind == V_DATE && !im->date_pattern) ||
            im->fields[f].kind == V_NUMBER)
            which[nsampled++] = f;
    }
    if (!nsampled)
        return IMPORTER_OK;
    char **values = calloc(nsampled * IMPORT_SAMPLE_ROWS, sizeof *values);
    size_t *lens = calloc(nsampled * IMPORT_SAMPLE_ROWS, sizeof *lens);
    size_t *counts = calloc(nsampled, sizeof *counts);
    int status = values && lens && counts ? IMPORTER_OK : IMPORTER_FAILED;
    csv_record_t rec;
    for (size_t row = 0; !status && row < IMPORT_SAMPLE_ROWS; row++) {
        if (csv_next_record(im->reader, &rec) || !rec.count)
            break; /* the import pass reports any error */
        for (size_t s = 0; s < nsampled && !status; s++) {
            const csv_field_t *fv = &rec.fields[im->column[which[s]]];
            if (parse_is_blank(fv->data, fv->len))
                continue;
            size_t k = s * IMPORT_SAMPLE_ROWS + counts[s]++;
            values[k] = strndup(fv->data, fv->len);
            lens[k] = fv->len;
            if (!values[k])
                status = IMPORTER_FAILED;
        }
    }
    buf_t msg;
    buf_init(&msg, 0);
    for (size_t s = 0; !status && s < nsampled; s++) {
        size_t f = which[s];
        const char *const *v = (const char *const *)&values[s * IMPORT_SAMPLE_ROWS];
        const size_t *l = &lens[s * IMPORT_SAMPLE_ROWS];
        if (im->fields[f].kind == V_NUMBER) {
            im->reading[f].decimal = parse_number_detect_decimal(v, l, counts[s]);
            continue;
        }
        if (!counts[s]) {
            im->reading[f].date = (parse_date_format_t){.style = PARSE_DATE_ISO};
            continue;
        }
        parse_date_detection_t d;
        if (parse_date_detect(v, l, counts[s], &d, &msg)) {
            im_error(im, "%s: column '%s' (%s): %s", im->file, im->header_copy[im->column[f]],
                      im->fields[f].name, buf_str(&msg));
            status = IMPORTER_FAILED;
            break;
        }
        im->reading[f].date = d.format;
        if (d.ambiguous)
            im_note(im, "%s: note: dates in column '%s' read as %s; every value also reads as "
                      "month first (say which with --date-format)",
                      im->file, im->header_copy[im->column[f]],
                      parse_date_format_name(&d.format));
    }
    buf_free(&msg);
    if (values)
        for (size_t i = 0; i < nsampled * IMPORT_SAMPLE_ROWS; i++)
            free(values[i]);
    free(values);
    free(lens);
    free(counts);
    if (status && !values)
        im_error(im, "out of memory");
    return status;
}

static int open_reader(importer_t *im, FILE *f, const csv_options_t *opt)
{
    cx_result rc = csv_reader_open_file(&im->reader, f, im->file, opt);
    if (rc) {
        im_error(im, "%s", im->reader ? csv_reader_error(im->reader) : "out of memory");
        csv_reader_close(im->reader);
        im->reader = NULL;
        return IMPORTER_FAILED;
    }
    return IMPORTER_OK;
}

static int copy_header(importer_t *im)
{
    const csv_record_t *h = csv_header(im->reader);
    if (!h || !h->count) {
        im_error(im, "%s: the file is empty; the first line must name the columns", im->file);
        return IMPORTER_FAILED;
    }
    im->nheader = h->count;
    im->header_copy = calloc(h->count, sizeof *im->header_copy);
    for (size_t i = 0; im->header_copy && i < h->count; i++) {
        /* Header names are matched without surrounding spaces and without
         * a byte order mark some editors write twice. */
        const char *s = h->fields[i].data;
        size_t n = h->fields[i].len;
        while (n && *s == ' ') {
            s++;
            n--;
        }
        while (n && s[n - 1] == ' ')
            n--;
        if (!(im->header_copy[i] = strndup(s, n))) {
            im_error(im, "out of memory");
            return IMPORTER_FAILED;
        }
    }
    if (!im->header_copy) {
        im_error(im, "out of memory");
        return IMPORTER_FAILED;
    }
    return IMPORTER_OK;
}

/* ---- the interface ----------------------------------------------------- */

bool importer_kind_parse(const char *s, importer_kind_t *out)
{
    static const char *const names[] = {"responses", "feedback", "customers"};
    static const importer_kind_t kinds[] = {IMPORTER_RESPONSES, IMPORTER_FEEDBACK,
                                            IMPORTER_CUSTOMERS};
    for (size_t i = 0; s && i < 3; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = kinds[i];
            return true;
        }
    return false;
}

const char *importer_kind_name(importer_kind_t kind)
{
    switch (kind) {
    case IMPORTER_RESPONSES: return "responses";
    case IMPORTER_FEEDBACK: return "feedback";
    case IMPORTER_CUSTOMERS: return "customers";
    }
    return "?";
}

/* The fields as importer.h shows them; the same names, in the same order,
 * as the tables at the top. */
static const importer_field_t response_list[R_COUNT] = {
    {"customer", false, false}, {"submitted_at", true, true}, {"score", false, false},
    {"comment", false, false},  {"touchpoint", false, false}, {"channel", false, false},
    {"language", false, false}, {"segment", false, false},
};
static const importer_field_t feedback_list[F_COUNT] = {
    {"source", true, false},    {"text", true, false},      {"title", false, false},
    {"received_at", false, true}, {"customer", false, false}, {"touchpoint", false, false},
    {"channel", false, false},  {"language", false, false}, {"rating", false, false},
    {"category", false, false}, {"external_id", false, false},
};
static const importer_field_t customer_list[C_COUNT] = {
    {"external_id", true, false}, {"name", false, false},       {"email", false, false},
    {"language", false, false},   {"segment", false, false},    {"account", false, false},
    {"value_tier", false, false}, {"revenue", false, false},    {"cost_to_serve", false, false},
    {"joined_at", false, true},   {"churned_at", false, true},
};

const importer_field_t *importer_fields(importer_kind_t kind, size_t *count)
{
    switch (kind) {
    case IMPORTER_RESPONSES: *count = R_COUNT; return response_list;
    case IMPORTER_FEEDBACK: *count = F_COUNT; return feedback_list;
    case IMPORTER_CUSTOMERS: break;
    }
    *count = C_COUNT;
    return customer_list;
}

importer_t *importer_new(const importer_options_t *opt)
{
    importer_t *im = calloc(1, sizeof *im);
    if (!im)
        return NULL;
    im->opt = opt;
    im->kind = opt->kind;
    im->file = opt->name ? opt->name : "input";
    im->dry_run = opt->dry_run;
    im->skip_empty = opt->skip_empty;
    im->fixed_source = opt->fixed_source;
    im->default_language = opt->default_language;
    im->date_pattern = opt->date_pattern;
    switch (im->kind) {
    case IMPORTER_RESPONSES: im->fields = response_fields; im->nfields = R_COUNT; break;
    case IMPORTER_FEEDBACK: im->fields = feedback_fields; im->nfields = F_COUNT; break;
    case IMPORTER_CUSTOMERS: im->fields = customer_fields; im->nfields = C_COUNT; break;
    }
    arena_init(&im->batch_arena);
    arena_init(&im->survey_arena);
    arena_init(&im->prep_arena);
    buf_init(&im->line, 0);
    return im;
}

void importer_free(importer_t *im)
{
    if (!im)
        return;
    csv_reader_close(im->reader);
    for (size_t i = 0; im->header_copy && i < im->nheader; i++)
        free(im->header_copy[i]);
    free(im->header_copy);
    free(im->extra);
    free(im->responses);
    free(im->answers);
    free(im->new_customers);
    idmap_free(&im->customers);
    idmap_free(&im->touchpoints);
    idmap_free(&im->segments);
    idmap_free(&im->accounts);
    idmap_free(&im->seen_external);
    arena_free(&im->batch_arena);
    arena_free(&im->survey_arena);
    arena_free(&im->prep_arena);
    buf_free(&im->line);
    parse_zone_free(im->zone);
    free(im);
}

importer_status_t importer_prepare(importer_t *im, store_t *store)
{
    cx_result rc = store_read(store, prepare_read, im);
    if (rc == CX_ERR_NOT_FOUND)
        return IMPORTER_NO_SURVEY;
    if (rc) {
        im->store_failure = rc;
        im->summary.store_failure = rc;
        return IMPORTER_STORE;
    }
    buf_t msg;
    buf_init(&msg, 0);
    if (tz_zone_load(im->zone_name ? im->zone_name : PARSE_DEFAULT_ZONE, &im->zone, &msg)) {
        im_error(im, "time zone: %s", buf_str(&msg));
        buf_free(&msg);
        return IMPORTER_FAILED;
    }
    buf_free(&msg);
    im->prepared = true;
    if (im->kind == IMPORTER_RESPONSES)
        im->summary.survey_id = im->survey.id;
    return IMPORTER_OK;
}

const surveys_info_t *importer_survey(const importer_t *im)
{
    return im->prepared && im->kind == IMPORTER_RESPONSES ? &im->survey : NULL;
}

static void fill_summary(importer_t *im)
{
    importer_summary_t *s = &im->summary;
    s->rows = im->rows;
    s->skipped_score = im->skipped_score;
    s->skipped_empty = im->skipped_empty;
    s->created_customers = im->created_customers;
    s->created_touchpoints = im->created_touchpoints;
    s->created_segments = im->created_segments;
    s->created_accounts = im->created_accounts;
    s->updated = im->updated;
    s->errors = im->errors;
    s->store_failure = im->store_failure;
    s->job_result = im->job_result;
}

importer_status_t importer_run(importer_t *im, store_t *store, FILE *f)
{
    if (!im->prepared || im->ran) {
        im_error(im, "%s: the import was not prepared", im->file);
        return IMPORTER_FAILED;
    }
    im->ran = true;
    csv_options_t csv = im->opt->csv;
    csv.header = true;
    csv.check_field_count = true;
    if (open_reader(im, f, &csv) || copy_header(im))
        return IMPORTER_FAILED;
    im->summary.encoding = csv_encoding(im->reader);
    im->summary.delimiter = csv_delimiter(im->reader);
    int status = resolve_columns(im);
    if (!status)
        status = check_required(im);
    if (!status)
        status = sample_columns(im);
    if (status)
        return status == IMPORTER_USAGE ? IMPORTER_USAGE : IMPORTER_FAILED;
    csv_reader_close(im->reader);
    im->reader = NULL;
    if (fseek(f, 0, SEEK_SET) != 0) {
        im_error(im, "%s: cannot read the file twice (%s); import from a regular file", im->file,
                 strerror(errno));
        return IMPORTER_FAILED;
    }
    if (open_reader(im, f, &csv))
        return IMPORTER_FAILED;
    if (im->kind == IMPORTER_RESPONSES) {
        im->responses = calloc(IMPORT_BATCH, sizeof *im->responses);
        im->answers = calloc(IMPORT_BATCH * (im->nextra + 1), sizeof *im->answers);
    } else if (im->kind == IMPORTER_CUSTOMERS) {
        im->new_customers = calloc(IMPORT_BATCH, sizeof *im->new_customers);
    }
    if ((im->kind == IMPORTER_RESPONSES && (!im->responses || !im->answers)) ||
        (im->kind == IMPORTER_CUSTOMERS && !im->new_customers)) {
        im_error(im, "out of memory");
        return IMPORTER_FAILED;
    }
    im->job_result =
        im->dry_run ? store_read(store, import_job, im) : store_write(store, import_job, im);
    /* the encoding may have been settled by a byte past the first block */
    im->summary.encoding = csv_encoding(im->reader);
    fill_summary(im);
    return im->store_failure || im->errors || im->job_result ? IMPORTER_REJECTED : IMPORTER_OK;
}

const importer_summary_t *importer_summary(const importer_t *im)
{
    return &im->summary;
}

cx_result importer_preview(FILE *f, const char *name, const csv_options_t *csv, size_t max_rows,
                           arena_t *arena, importer_preview_t *out, buf_t *err)
{
    memset(out, 0, sizeof *out);
    csv_options_t o = *csv;
    o.header = true;
    o.check_field_count = false; /* the pass reports short rows where they are */
    csv_reader_t *r = NULL;
    cx_result rc = csv_reader_open_file(&r, f, name, &o);
    if (rc) {
        buf_puts(err, r ? csv_reader_error(r) : "out of memory");
        csv_reader_close(r);
        return rc;
    }
    const csv_record_t *h = csv_header(r);
    if (!h || !h->count) {
        buf_printf(err, "%s: the file is empty; the first line must name the columns", name);
        csv_reader_close(r);
        return CX_ERR_INVALID;
    }
    out->columns = h->count;
    out->header = arena_alloc(arena, h->count * sizeof *out->header);
    out->rows = arena_alloc(arena, (max_rows ? max_rows : 1) * sizeof *out->rows);
    rc = out->header && out->rows ? CX_OK : CX_ERR_NOMEM;
    for (size_t i = 0; !rc && i < h->count; i++)
        if (!(out->header[i] = arena_strndup(arena, h->fields[i].data, h->fields[i].len)))
            rc = CX_ERR_NOMEM;
    csv_record_t rec;
    while (!rc && out->nrows < max_rows) {
        rc = csv_next_record(r, &rec);
        if (rc) {
            buf_puts(err, csv_reader_error(r));
            break;
        }
        if (!rec.count)
            break;
        const char **row = arena_alloc(arena, out->columns * sizeof *row);
        if (!row) {
            rc = CX_ERR_NOMEM;
            break;
        }
        for (size_t c = 0; !rc && c < out->columns; c++) {
            row[c] = c < rec.count ? arena_strndup(arena, rec.fields[c].data, rec.fields[c].len)
                                   : "";
            if (!row[c])
                rc = CX_ERR_NOMEM;
        }
        out->rows[out->nrows++] = row;
    }
    out->encoding = csv_encoding(r);
    out->had_bom = csv_had_bom(r);
    out->delimiter = csv_delimiter(r);
    if (rc == CX_ERR_NOMEM && !err->len)
        buf_puts(err, "out of memory");
    csv_reader_close(r);
    return rc;
}
