/*
 * privacy.c — export, erasure and comment retention (see privacy.h).
 *
 * The export is built with jansson straight from the rows, so it shows
 * what the database holds and not what some page makes of it. Relies on
 * customers.h for the profile and accounts.h for the setting. Must never
 * put a token hash into an export, never format a value into SQL, and
 * never delete a response or change a score.
 */
#include "store/privacy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "store/accounts.h"
#include "store/customers.h"

/* ---- export ---- */

/* ISO 8601 UTC, or JSON null for 0 (never). */
static json_t *time_json(int64_t t)
{
    if (!t)
        return json_null();
    time_t tt = (time_t)t;
    struct tm tm;
    char text[32];
    if (!gmtime_r(&tt, &tm) || !strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return json_null();
    return json_string(text);
}

static json_t *column_time(db_stmt_t *st, int col)
{
    return db_column_is_null(st, col) ? json_null() : time_json(db_column_int(st, col));
}

static json_t *column_text(db_stmt_t *st, int col)
{
    return db_column_is_null(st, col) ? json_null() : json_string(db_column_text(st, col));
}

static json_t *column_real(db_stmt_t *st, int col)
{
    return db_column_is_null(st, col) ? json_null() : json_real(db_column_double(st, col));
}

static json_t *column_int(db_stmt_t *st, int col)
{
    return db_column_is_null(st, col) ? json_null() : json_integer(db_column_int(st, col));
}

/* Sets key to value (consumed); records a failure in *bad. */
static void put(json_t *o, const char *key, json_t *value, bool *bad)
{
    if (!value || json_object_set_new(o, key, value) != 0)
        *bad = true;
}

static json_t *profile_json(const store_customer_t *c, bool *bad)
{
    json_t *o = json_object();
    if (!o) {
        *bad = true;
        return NULL;
    }
    put(o, "id", json_integer(c->id), bad);
    put(o, "external_id", c->external_id ? json_string(c->external_id) : json_null(), bad);
    put(o, "name", json_string(c->name), bad);
    put(o, "email", json_string(c->email), bad);
    put(o, "language", json_string(c->language), bad);
    put(o, "value_tier", json_string(c->value_tier), bad);
    json_t *attributes = json_loads(c->attributes, 0, NULL);
    put(o, "attributes", attributes ? attributes : json_string(c->attributes), bad);
    json_t *segment = c->segment_id ? json_pack("{s:I, s:s?}", "id", (json_int_t)c->segment_id,
                                                "name", c->segment)
                                    : json_null();
    put(o, "segment", segment, bad);
    json_t *account = c->account_id
                          ? json_pack("{s:I, s:s?, s:s?}", "id", (json_int_t)c->account_id,
                                      "name", c->account, "external_id", c->account_external_id)
                          : json_null();
    put(o, "account", account, bad);
    put(o, "revenue", json_real(c->revenue), bad);
    put(o, "cost_to_serve", json_real(c->cost_to_serve), bad);
    put(o, "joined_at", time_json(c->joined_at), bad);
    put(o, "churned_at", time_json(c->churned_at), bad);
    put(o, "created_at", time_json(c->created_at), bad);
    put(o, "erased_at", time_json(c->erased_at), bad);
    return o;
}

/* How one column (or, for FIELD_SURVEY, three) of an exported row becomes
 * a JSON value. The export of each kind of row is a statement and a table
 * of these, read by rows_json. */
typedef enum {
    FIELD_INT,     /* integer, never null */
    FIELD_TEXT,    /* text, never null */
    FIELD_BOOL,    /* integer read as true/false */
    FIELD_INT_OR_NULL,
    FIELD_TEXT_OR_NULL,
    FIELD_REAL_OR_NULL,
    FIELD_TIME,    /* ISO 8601 UTC, null for NULL or 0 */
    FIELD_SURVEY,  /* id, slug, name → {"id", "slug", "name"} */
} field_kind;

typedef struct export_field {
    const char *key; /* NULL ends a table */
    field_kind kind;
} export_field;

static json_t *field_json(db_stmt_t *st, int *col, field_kind kind)
{
    int c = (*col)++;
    switch (kind) {
    case FIELD_INT:
        return json_integer(db_column_int(st, c));
    case FIELD_TEXT:
        return json_string(db_column_text(st, c));
    case FIELD_BOOL:
        return json_boolean(db_column_int(st, c) != 0);
    case FIELD_INT_OR_NULL:
        return column_int(st, c);
    case FIELD_TEXT_OR_NULL:
        return column_text(st, c);
    case FIELD_REAL_OR_NULL:
        return column_real(st, c);
    case FIELD_TIME:
        return column_time(st, c);
    case FIELD_SURVEY:
        *col += 2;
        return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_column_int(st, c), "slug",
                         db_column_text(st, c + 1), "name", db_column_text(st, c + 2));
    }
    return NULL;
}

/* Steps st (prepared by the caller, its one parameter bound to id) and
 * makes a JSON array of an object per row, as fields says. */
static cx_result rows_json(db_stmt_t *st, int64_t id, const export_field *fields, json_t **out)
{
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    json_t *list = json_array();
    bool bad = !list;
    db_step_result r = DB_DONE;
    while (!bad && (r = db_step(st)) == DB_ROW) {
        json_t *o = json_object();
        bad = !o;
        if (!o)
            break;
        int col = 0;
        for (const export_field *f = fields; f->key; f++)
            put(o, f->key, field_json(st, &col, f->kind), &bad);
        bad = bad || json_array_append_new(list, o) != 0;
    }
    db_done(st);
    if (bad || r != DB_DONE) {
        json_decref(list);
        return bad ? CX_ERR_NOMEM : CX_ERR_STORE;
    }
    *out = list;
    return CX_OK;
}

/* The rows that belong to one parent row (a response's answers, a case's
 * notes). */
typedef cx_result (*children_fn)(db_conn_t *db, int64_t parent_id, json_t **out);

/* Sets key on every object of list to its children; the list's objects
 * have an "id". Done after the parents' statement has finished, as one
 * statement steps at a time. */
static cx_result add_children(db_conn_t *db, json_t *list, const char *key, children_fn children)
{
    bool bad = false;
    size_t i;
    json_t *o;
    json_array_foreach(list, i, o)
    {
        json_t *rows;
        cx_result rc = children(db, json_integer_value(json_object_get(o, "id")), &rows);
        if (rc)
            return rc;
        put(o, key, rows, &bad);
    }
    return bad ? CX_ERR_NOMEM : CX_OK;
}

/* Puts list (consumed) into doc as key, or frees it after a failure. */
static cx_result put_section(json_t *doc, const char *key, json_t *list, cx_result rc)
{
    if (rc) {
        json_decref(list);
        return rc;
    }
    bool bad = false;
    put(doc, key, list, &bad);
    return bad ? CX_ERR_NOMEM : CX_OK;
}

static const export_field ANSWER_FIELDS[] = {
    {"question", FIELD_TEXT},
    {"kind", FIELD_TEXT},
    {"number", FIELD_REAL_OR_NULL},
    {"text", FIELD_TEXT_OR_NULL},
    {NULL, FIELD_INT},
};

static cx_result answers_json(db_conn_t *db, int64_t response_id, json_t **out)
{
    return rows_json(db_prepare(db, "SELECT q.key, q.kind, a.value_num, a.value_text"
                                    " FROM answers a JOIN questions q ON q.id = a.question_id"
                                    " WHERE a.response_id = ? ORDER BY q.position, q.id"),
                     response_id, ANSWER_FIELDS, out);
}

static const export_field RESPONSE_FIELDS[] = {
    {"id", FIELD_INT},
    {"survey", FIELD_SURVEY},
    {"touchpoint", FIELD_TEXT_OR_NULL},
    {"channel", FIELD_TEXT},
    {"language", FIELD_TEXT},
    {"submitted_at", FIELD_TIME},
    {"completed", FIELD_BOOL},
    {"score", FIELD_INT_OR_NULL},
    {"comment", FIELD_TEXT_OR_NULL},
    {"sentiment", FIELD_INT_OR_NULL},
    {"invitation_id", FIELD_INT_OR_NULL},
    {"created_at", FIELD_TIME},
    {NULL, FIELD_INT},
};

static cx_result responses_json(db_conn_t *db, int64_t customer_id, json_t *doc)
{
    json_t *list = NULL;
    cx_result rc = rows_json(
        db_prepare(db,
                   "SELECT r.id, r.survey_id, s.slug, s.name, t.name, r.channel, r.language,"
                   " r.submitted_at, r.completed, r.score, r.comment, r.sentiment,"
                   " r.invitation_id, r.created_at"
                   " FROM responses r JOIN surveys s ON s.id = r.survey_id"
                   " LEFT JOIN touchpoints t ON t.id = r.touchpoint_id"
                   " WHERE r.customer_id = ? ORDER BY r.submitted_at, r.id"),
        customer_id, RESPONSE_FIELDS, &list);
    if (!rc)
        rc = add_children(db, list, "answers", answers_json);
    return put_section(doc, "responses", list, rc);
}

static const export_field FEEDBACK_FIELDS[] = {
    {"id", FIELD_INT},
    {"source", FIELD_TEXT},
    {"external_id", FIELD_TEXT_OR_NULL},
    {"touchpoint", FIELD_TEXT_OR_NULL},
    {"channel", FIELD_TEXT},
    {"language", FIELD_TEXT},
    {"title", FIELD_TEXT},
    {"text", FIELD_TEXT},
    {"rating", FIELD_REAL_OR_NULL},
    {"category", FIELD_TEXT},
    {"sentiment", FIELD_INT_OR_NULL},
    {"received_at", FIELD_TIME},
    {"created_at", FIELD_TIME},
    {NULL, FIELD_INT},
};

static cx_result feedback_json(db_conn_t *db, int64_t customer_id, json_t *doc)
{
    json_t *list = NULL;
    cx_result rc = rows_json(
        db_prepare(db,
                   "SELECT f.id, f.source, f.external_id, t.name, f.channel, f.language,"
                   " f.title, f.text, f.rating, f.category, f.sentiment, f.received_at,"
                   " f.created_at"
                   " FROM feedback_items f LEFT JOIN touchpoints t ON t.id = f.touchpoint_id"
                   " WHERE f.customer_id = ? ORDER BY f.received_at, f.id"),
        customer_id, FEEDBACK_FIELDS, &list);
    return put_section(doc, "feedback_items", list, rc);
}

static const export_field INVITATION_FIELDS[] = {
    {"id", FIELD_INT},
    {"survey_id", FIELD_INT},
    {"channel", FIELD_TEXT},
    {"status", FIELD_TEXT},
    {"status_detail", FIELD_TEXT},
    {"sent_at", FIELD_TIME},
    {"reminded_at", FIELD_TIME},
    {"answered_at", FIELD_TIME},
    {"created_at", FIELD_TIME},
    {NULL, FIELD_INT},
};

static cx_result invitations_json(db_conn_t *db, int64_t customer_id, json_t *doc)
{
    /* never the token hash: it would let the export's reader answer as
     * the customer */
    json_t *list = NULL;
    cx_result rc = rows_json(
        db_prepare(db, "SELECT id, survey_id, channel, status, status_detail, sent_at,"
                       " reminded_at, answered_at, created_at FROM invitations"
                       " WHERE customer_id = ? ORDER BY id"),
        customer_id, INVITATION_FIELDS, &list);
    return put_section(doc, "invitations", list, rc);
}

static const export_field NOTE_FIELDS[] = {
    {"id", FIELD_INT},
    {"text", FIELD_TEXT},
    {"created_at", FIELD_TIME},
    {NULL, FIELD_INT},
};

static cx_result notes_json(db_conn_t *db, int64_t case_id, json_t **out)
{
    return rows_json(db_prepare(db, "SELECT id, text, created_at FROM case_notes"
                                    " WHERE case_id = ? ORDER BY created_at, id"),
                     case_id, NOTE_FIELDS, out);
}

static const export_field CASE_FIELDS[] = {
    {"id", FIELD_INT},
    {"response_id", FIELD_INT_OR_NULL},
    {"feedback_item_id", FIELD_INT_OR_NULL},
    {"title", FIELD_TEXT},
    {"status", FIELD_TEXT},
    {"priority", FIELD_TEXT},
    {"due_at", FIELD_TIME},
    {"contacted", FIELD_BOOL},
    {"outcome", FIELD_TEXT},
    {"created_at", FIELD_TIME},
    {"resolved_at", FIELD_TIME},
    {"closed_at", FIELD_TIME},
    {NULL, FIELD_INT},
};

static cx_result cases_json(db_conn_t *db, int64_t customer_id, json_t *doc)
{
    json_t *list = NULL;
    cx_result rc = rows_json(
        db_prepare(db, "SELECT id, response_id, feedback_item_id, title, status, priority,"
                       " due_at, contacted, outcome, created_at, resolved_at, closed_at"
                       " FROM cases WHERE customer_id = ? ORDER BY id"),
        customer_id, CASE_FIELDS, &list);
    if (!rc)
        rc = add_children(db, list, "notes", notes_json);
    return put_section(doc, "cases", list, rc);
}

cx_result privacy_export(db_conn_t *db, int64_t customer_id, int64_t now, json_t **out)
{
    *out = NULL;
    arena_t arena;
    arena_init(&arena);
    store_customer_t c;
    cx_result rc = customers_get(db, &arena, customer_id, &c);
    if (rc) {
        arena_free(&arena);
        return rc;
    }
    bool bad = false;
    json_t *doc = json_object();
    if (!doc) {
        arena_free(&arena);
        return CX_ERR_NOMEM;
    }
    put(doc, "format", json_string("cxloop customer export 1"), &bad);
    put(doc, "exported_at", time_json(now), &bad);
    put(doc, "customer", profile_json(&c, &bad), &bad);
    arena_free(&arena);
    rc = bad ? CX_ERR_NOMEM : CX_OK;
    if (!rc)
        rc = responses_json(db, customer_id, doc);
    if (!rc)
        rc = feedback_json(db, customer_id, doc);
    if (!rc)
        rc = invitations_json(db, customer_id, doc);
    if (!rc)
        rc = cases_json(db, customer_id, doc);
    if (rc) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return CX_OK;
}

/* ---- erasure ---- */

/* Runs an UPDATE bound to one id; adds the rows changed to *changed. */
static cx_result update_by_id(db_conn_t *db, db_stmt_t *st, int64_t id, int64_t *changed)
{
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    cx_result rc = db_exec_stmt(st);
    if (!rc && changed)
        *changed += db_changes(db);
    return rc;
}

cx_result privacy_erase(db_conn_t *db, int64_t customer_id, int64_t now, bool *already,
                        int64_t *erased_at, privacy_counts_t *counts)
{
    memset(counts, 0, sizeof *counts);
    *already = false;
    arena_t arena;
    arena_init(&arena);
    store_customer_t c;
    cx_result rc = customers_get(db, &arena, customer_id, &c);
    arena_free(&arena);
    if (rc)
        return rc;
    if (c.erased_at) {
        *already = true;
        *erased_at = c.erased_at;
        return CX_OK;
    }
    /* the person's identity; segment, account, tier, revenue and dates
     * stay so that their scores keep counting where they counted */
    db_stmt_t *st = db_prepare(db, "UPDATE customers SET external_id = NULL, name = '',"
                                   " email = '', attributes = '{}', erased_at = ? WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, customer_id);
    if ((rc = db_exec_stmt(st)))
        return rc;
    *erased_at = now;
    rc = update_by_id(db,
                      db_prepare(db, "UPDATE responses SET comment = NULL"
                                     " WHERE customer_id = ? AND comment IS NOT NULL"),
                      customer_id, &counts->comments);
    if (!rc)
        rc = update_by_id(
            db,
            db_prepare(db, "UPDATE answers SET value_text = NULL WHERE value_text IS NOT NULL"
                           " AND response_id IN (SELECT id FROM responses WHERE customer_id = ?)"
                           " AND question_id IN (SELECT id FROM questions WHERE kind = 'text')"),
            customer_id, &counts->text_answers);
    if (!rc)
        rc = update_by_id(db,
                          db_prepare(db, "UPDATE feedback_items SET text = '', title = '',"
                                         " external_id = NULL WHERE customer_id = ?"),
                          customer_id, &counts->feedback_texts);
    if (!rc)
        rc = update_by_id(db,
                          db_prepare(db, "UPDATE invitations SET customer_id = NULL"
                                         " WHERE customer_id = ?"),
                          customer_id, &counts->invitations);
    if (!rc)
        rc = update_by_id(db,
                          db_prepare(db, "UPDATE case_notes SET text = '' WHERE case_id IN"
                                         " (SELECT id FROM cases WHERE customer_id = ?)"),
                          customer_id, &counts->case_notes);
    if (!rc)
        rc = update_by_id(db,
                          db_prepare(db, "UPDATE cases SET title = '', outcome = ''"
                                         " WHERE customer_id = ?"),
                          customer_id, NULL);
    return rc;
}

/* ---- retention ---- */

cx_result privacy_retention_days(db_conn_t *db, int *days)
{
    *days = 0;
    arena_t arena;
    arena_init(&arena);
    const char *value = NULL;
    cx_result rc = store_setting_get(db, &arena, PRIVACY_RETENTION_SETTING, &value);
    if (!rc && value && *value) {
        char *end;
        long v = strtol(value, &end, 10);
        if (*end || v < 0 || v > PRIVACY_RETENTION_DAYS_MAX)
            rc = CX_ERR_INVALID;
        else
            *days = (int)v;
    }
    arena_free(&arena);
    return rc;
}

cx_result privacy_retention_set_days(db_conn_t *db, int days)
{
    if (days < 0 || days > PRIVACY_RETENTION_DAYS_MAX)
        return CX_ERR_INVALID;
    char text[16];
    snprintf(text, sizeof text, "%d", days);
    return store_setting_set(db, PRIVACY_RETENTION_SETTING, text);
}

static cx_result count_before(db_stmt_t *st, int64_t before, int64_t *out)
{
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, before);
    return db_query_int(st, out);
}

cx_result privacy_retention_count(db_conn_t *db, int64_t before, privacy_counts_t *counts)
{
    memset(counts, 0, sizeof *counts);
    cx_result rc = count_before(db_prepare(db, "SELECT count(*) FROM responses"
                                               " WHERE submitted_at < ? AND comment IS NOT NULL"),
                                before, &counts->comments);
    if (!rc)
        rc = count_before(
            db_prepare(db, "SELECT count(*) FROM answers a"
                           " JOIN responses r ON r.id = a.response_id"
                           " JOIN questions q ON q.id = a.question_id"
                           " WHERE r.submitted_at < ? AND q.kind = 'text'"
                           " AND a.value_text IS NOT NULL"),
            before, &counts->text_answers);
    if (!rc)
        rc = count_before(db_prepare(db, "SELECT count(*) FROM feedback_items"
                                         " WHERE received_at < ? AND (text <> '' OR title <> '')"),
                          before, &counts->feedback_texts);
    return rc;
}

cx_result privacy_retention_apply(db_conn_t *db, int64_t before, privacy_counts_t *counts)
{
    memset(counts, 0, sizeof *counts);
    cx_result rc = update_by_id(db,
                                db_prepare(db, "UPDATE responses SET comment = NULL"
                                               " WHERE submitted_at < ? AND comment IS NOT NULL"),
                                before, &counts->comments);
    if (!rc)
        rc = update_by_id(
            db,
            db_prepare(db, "UPDATE answers SET value_text = NULL WHERE value_text IS NOT NULL"
                           " AND response_id IN (SELECT id FROM responses WHERE submitted_at < ?)"
                           " AND question_id IN (SELECT id FROM questions WHERE kind = 'text')"),
            before, &counts->text_answers);
    if (!rc)
        rc = update_by_id(db,
                          db_prepare(db, "UPDATE feedback_items SET text = '', title = ''"
                                         " WHERE received_at < ? AND (text <> '' OR title <> '')"),
                          before, &counts->feedback_texts);
    return rc;
}

/* ---- the same, with their audit line ---- */

cx_result privacy_export_audited(db_conn_t *db, int64_t customer_id, int64_t now,
                                 const char *actor, const char *address, json_t **out)
{
    cx_result rc = privacy_export(db, customer_id, now, out);
    if (rc)
        return rc;
    char target[48];
    snprintf(target, sizeof target, "customer %lld", (long long)customer_id);
    /* handing out everything about a person is worth a line in the log */
    rc = store_audit_add(db, now, actor, "customer_exported", target, address, "");
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

cx_result privacy_erase_audited(db_conn_t *db, int64_t customer_id, int64_t now,
                                const char *actor, const char *address, bool *already,
                                int64_t *erased_at, privacy_counts_t *counts)
{
    cx_result rc = privacy_erase(db, customer_id, now, already, erased_at, counts);
    if (rc || *already)
        return rc;
    char target[48], detail[160];
    snprintf(target, sizeof target, "customer %lld", (long long)customer_id);
    snprintf(detail, sizeof detail,
             "comments=%lld text_answers=%lld feedback=%lld case_notes=%lld invitations=%lld",
             (long long)counts->comments, (long long)counts->text_answers,
             (long long)counts->feedback_texts, (long long)counts->case_notes,
             (long long)counts->invitations);
    return store_audit_add(db, now, actor, "customer_erased", target, address, detail);
}

cx_result privacy_retention_apply_audited(db_conn_t *db, int64_t now, int days,
                                          const char *actor, bool audit_nothing,
                                          privacy_counts_t *counts)
{
    cx_result rc = privacy_retention_apply(db, now - (int64_t)days * 86400, counts);
    if (rc)
        return rc;
    if (!audit_nothing && counts->comments + counts->text_answers + counts->feedback_texts == 0)
        return CX_OK;
    char detail[160];
    snprintf(detail, sizeof detail, "days=%d comments=%lld text_answers=%lld feedback=%lld", days,
             (long long)counts->comments, (long long)counts->text_answers,
             (long long)counts->feedback_texts);
    return store_audit_add(db, now, actor, "retention_applied", "comment texts", "", detail);
}
