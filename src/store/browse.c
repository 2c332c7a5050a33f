/*
 * browse.c — responses, feedback items and customers as people browse
 * them (see browse.h).
 *
 * Relies on the FTS5 tables of the search migration (responses_fts,
 * feedback_fts) for q, and on the time indexes of responses and
 * feedback_items for newest-first pages. The statements are fixed
 * literals: an unset filter is a bound NULL (or 0) that its condition
 * ignores. A search is driven from the index (all matches, then sorted),
 * a plain listing from the time index; a customer's history from the
 * customer index. Must never splice a value into SQL.
 */
#include "store/browse.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/rows.h"

#define BROWSE_LIMIT_DEFAULT 50
#define BROWSE_LIMIT_MAX 1000

/* ?1 survey ?2 touchpoint ?3 channel ?4 segment ?5 customer id
 * ?6 from ?7 to ?8 score min ?9 score max ?10 NPS group
 * ?11 cursor time ?12 cursor kind ?13 cursor id ?14 limit
 * ?15 customer external id ?16 match */
#define BR_R_COLS                                                                                  \
    "SELECT r.id, r.submitted_at, coalesce(r.customer_id, 0), coalesce(c.name, ''),"              \
    " coalesce(c.external_id, ''), coalesce(t.name, ''), r.survey_id, s.name, r.channel,"         \
    " r.language, r.score, r.nps_group, r.comment"
#define BR_R_JOINS                                                                                 \
    " JOIN surveys s ON s.id = r.survey_id LEFT JOIN touchpoints t ON t.id = r.touchpoint_id"      \
    " LEFT JOIN customers c ON c.id = r.customer_id LEFT JOIN segments sg ON sg.id = c.segment_id"
#define BR_R_WHERE                                                                                 \
    " (?1 = 0 OR r.survey_id = ?1) AND (?2 IS NULL OR t.name = ?2)"                                \
    " AND (?3 IS NULL OR r.channel = ?3) AND (?4 IS NULL OR sg.name = ?4)"                         \
    " AND (?5 = 0 OR r.customer_id = ?5) AND (?15 IS NULL OR c.external_id = ?15)"                 \
    " AND (?6 IS NULL OR r.submitted_at >= ?6) AND (?7 IS NULL OR r.submitted_at < ?7)"            \
    " AND (?8 IS NULL OR r.score >= ?8) AND (?9 IS NULL OR r.score <= ?9)"                         \
    " AND (?10 IS NULL OR r.nps_group = ?10)"                                                      \
    " AND (r.submitted_at < ?11 OR (r.submitted_at = ?11 AND (?12 > 0 OR r.id < ?13)))"
#define BR_R_ORDER " ORDER BY r.submitted_at DESC, r.id DESC LIMIT ?14"

#define BR_F_COLS                                                                                  \
    "SELECT f.id, f.received_at, coalesce(f.customer_id, 0), coalesce(c.name, ''),"               \
    " coalesce(c.external_id, ''), coalesce(t.name, ''), f.source, f.channel, f.language,"        \
    " f.rating, f.title, f.text"
#define BR_F_JOINS                                                                                 \
    " LEFT JOIN touchpoints t ON t.id = f.touchpoint_id"                                           \
    " LEFT JOIN customers c ON c.id = f.customer_id LEFT JOIN segments sg ON sg.id = c.segment_id"
/* the same numbering; ?1 is the source here, ?8-?10 are unused */
#define BR_F_WHERE                                                                                 \
    " (?1 IS NULL OR f.source = ?1) AND (?2 IS NULL OR t.name = ?2)"                               \
    " AND (?3 IS NULL OR f.channel = ?3) AND (?4 IS NULL OR sg.name = ?4)"                         \
    " AND (?5 = 0 OR f.customer_id = ?5) AND (?15 IS NULL OR c.external_id = ?15)"                 \
    " AND (?6 IS NULL OR f.received_at >= ?6) AND (?7 IS NULL OR f.received_at < ?7)"              \
    " AND (f.received_at < ?11 OR (f.received_at = ?11 AND ?12 = 1 AND f.id < ?13))"
#define BR_F_ORDER " ORDER BY f.received_at DESC, f.id DESC LIMIT ?14"

/* Snippets: up to 16 words around the matches, the markers of search.h. */
#define BR_R_SNIPPET "snippet(responses_fts, 0, char(1), char(2), '\xE2\x80\xA6', 16)"
#define BR_F_SNIPPET "snippet(feedback_fts, -1, char(1), char(2), '\xE2\x80\xA6', 16)"

static const char *br_dup(arena_t *a, db_stmt_t *st, int col, bool *nomem)
{
    char *s = arena_strdup(a, db_column_text(st, col));
    if (!s)
        *nomem = true;
    return s;
}

static bool br_read_response(db_stmt_t *st, arena_t *a, browse_entry_t *e, bool with_snippet)
{
    bool nomem = false;
    memset(e, 0, sizeof *e);
    e->kind = 0;
    e->id = db_column_int(st, 0);
    e->at = db_column_int(st, 1);
    e->customer_id = db_column_int(st, 2);
    e->customer_name = br_dup(a, st, 3, &nomem);
    e->customer_external_id = br_dup(a, st, 4, &nomem);
    e->touchpoint = br_dup(a, st, 5, &nomem);
    e->survey_id = db_column_int(st, 6);
    e->survey = br_dup(a, st, 7, &nomem);
    e->source = "";
    e->channel = br_dup(a, st, 8, &nomem);
    e->language = br_dup(a, st, 9, &nomem);
    e->has_score = !db_column_is_null(st, 10);
    e->score = (int)db_column_int(st, 10);
    e->has_nps_group = !db_column_is_null(st, 11);
    e->nps_group = (int)db_column_int(st, 11);
    e->title = "";
    e->text = db_column_is_null(st, 12) ? NULL : br_dup(a, st, 12, &nomem);
    if (with_snippet && !db_column_is_null(st, 13))
        e->snippet = br_dup(a, st, 13, &nomem);
    return !nomem;
}

static bool br_read_feedback(db_stmt_t *st, arena_t *a, browse_entry_t *e, bool with_snippet)
{
    bool nomem = false;
    memset(e, 0, sizeof *e);
    e->kind = 1;
    e->id = db_column_int(st, 0);
    e->at = db_column_int(st, 1);
    e->customer_id = db_column_int(st, 2);
    e->customer_name = br_dup(a, st, 3, &nomem);
    e->customer_external_id = br_dup(a, st, 4, &nomem);
    e->touchpoint = br_dup(a, st, 5, &nomem);
    e->survey = "";
    e->source = br_dup(a, st, 6, &nomem);
    e->channel = br_dup(a, st, 7, &nomem);
    e->language = br_dup(a, st, 8, &nomem);
    e->has_rating = !db_column_is_null(st, 9);
    e->rating = db_column_double(st, 9);
    e->title = br_dup(a, st, 10, &nomem);
    e->text = br_dup(a, st, 11, &nomem);
    if (with_snippet && !db_column_is_null(st, 12))
        e->snippet = br_dup(a, st, 12, &nomem);
    return !nomem;
}

static void br_bind_common(db_stmt_t *st, const browse_filter_t *f, int limit)
{
    db_bind_text(st, 2, f->touchpoint);
    db_bind_text(st, 3, f->channel);
    db_bind_text(st, 4, f->segment);
    db_bind_int(st, 5, f->customer_id);
    db_bind_text(st, 15, f->customer);
    if (f->has_from)
        db_bind_int(st, 6, f->from);
    if (f->has_to)
        db_bind_int(st, 7, f->to);
    if (f->has_cursor) {
        db_bind_int(st, 11, f->cursor.at);
        db_bind_int(st, 12, f->cursor.kind);
        db_bind_int(st, 13, f->cursor.id);
    } else {
        db_bind_int(st, 11, INT64_MAX);
        db_bind_int(st, 12, 1);
        db_bind_int(st, 13, INT64_MAX);
    }
    db_bind_int(st, 14, limit);
    if (f->match)
        db_bind_text(st, 16, f->match);
}

/* Runs a prepared branch, appending up to limit entries. */
static cx_result br_run(db_stmt_t *st, arena_t *a, int kind, bool snippet, browse_entry_t *out,
                        size_t *n, size_t cap)
{
    if (!st)
        return CX_ERR_STORE;
    cx_result rc = CX_OK;
    db_step_result r = DB_DONE;
    while (*n < cap && (r = db_step(st)) == DB_ROW) {
        bool ok = kind == 0 ? br_read_response(st, a, &out[*n], snippet)
                            : br_read_feedback(st, a, &out[*n], snippet);
        if (!ok) {
            rc = CX_ERR_NOMEM;
            break;
        }
        (*n)++;
    }
    if (!rc && *n < cap && r != DB_DONE)
        rc = CX_ERR_STORE; /* a bad MATCH would land here, but the queries are built */
    db_done(st);
    return rc;
}

static db_stmt_t *br_prepare_responses(db_conn_t *db, const browse_filter_t *f)
{
    if (f->match)
        /* the page's ids first, so the sort of every match carries an id
         * and a time, not the whole row */
        return db_prepare(db, BR_R_COLS ", NULL FROM (SELECT r.id AS page_id"
                          " FROM responses_fts JOIN responses r ON r.id = responses_fts.rowid"
                          BR_R_JOINS " WHERE responses_fts MATCH ?16 AND" BR_R_WHERE BR_R_ORDER
                          ") page JOIN responses r ON r.id = page.page_id" BR_R_JOINS
                          " ORDER BY r.submitted_at DESC, r.id DESC");
    if (f->customer_id)
        return db_prepare(db, BR_R_COLS ", NULL FROM responses r" BR_R_JOINS
                              " WHERE r.customer_id = ?5 AND" BR_R_WHERE BR_R_ORDER);
    if (f->survey_id) /* the survey's time index gives the order */
        return db_prepare(db, BR_R_COLS ", NULL FROM responses r" BR_R_JOINS
                              " WHERE r.survey_id = ?1 AND" BR_R_WHERE BR_R_ORDER);
    return db_prepare(db, BR_R_COLS ", NULL FROM responses r" BR_R_JOINS " WHERE" BR_R_WHERE
                          BR_R_ORDER);
}

static db_stmt_t *br_prepare_feedback(db_conn_t *db, const browse_filter_t *f)
{
    if (f->match)
        return db_prepare(db, BR_F_COLS ", NULL FROM (SELECT f.id AS page_id"
                          " FROM feedback_fts JOIN feedback_items f ON f.id = feedback_fts.rowid"
                          BR_F_JOINS " WHERE feedback_fts MATCH ?16 AND" BR_F_WHERE BR_F_ORDER
                          ") page JOIN feedback_items f ON f.id = page.page_id" BR_F_JOINS
                          " ORDER BY f.received_at DESC, f.id DESC");
    if (f->customer_id)
        return db_prepare(db, BR_F_COLS ", NULL FROM feedback_items f" BR_F_JOINS
                              " WHERE f.customer_id = ?5 AND" BR_F_WHERE BR_F_ORDER);
    return db_prepare(db, BR_F_COLS ", NULL FROM feedback_items f" BR_F_JOINS " WHERE" BR_F_WHERE
                          BR_F_ORDER);
}

/* The snippets of the entries of a page, one lookup each: computing them
 * in the listing query would make one for every match before the sort
 * keeps a page of them. */
static cx_result br_snippets(db_conn_t *db, arena_t *a, const char *match, browse_entry_t *e,
                             size_t n)
{
    for (size_t i = 0; i < n; i++) {
        db_stmt_t *st =
            e[i].kind == 0
                ? db_prepare(db, "SELECT " BR_R_SNIPPET
                             " FROM responses_fts WHERE responses_fts MATCH ?1 AND rowid = ?2")
                : db_prepare(db, "SELECT " BR_F_SNIPPET
                             " FROM feedback_fts WHERE feedback_fts MATCH ?1 AND rowid = ?2");
        if (!st)
            return CX_ERR_STORE;
        db_bind_text(st, 1, match);
        db_bind_int(st, 2, e[i].id);
        db_step_result r = db_step(st);
        bool nomem = false;
        if (r == DB_ROW && !db_column_is_null(st, 0))
            e[i].snippet = br_dup(a, st, 0, &nomem);
        db_done(st);
        if (r != DB_ROW && r != DB_DONE)
            return CX_ERR_STORE;
        if (nomem)
            return CX_ERR_NOMEM;
    }
    return CX_OK;
}

/* Newest first: time, then feedback before responses, then id. */
static bool br_before(const browse_entry_t *x, const browse_entry_t *y)
{
    if (x->at != y->at)
        return x->at > y->at;
    if (x->kind != y->kind)
        return x->kind > y->kind;
    return x->id > y->id;
}

cx_result browse_list(db_conn_t *db, arena_t *arena, const browse_filter_t *f,
                      browse_entry_t **out, size_t *count, bool *more)
{
    *out = NULL;
    *count = 0;
    *more = false;
    int limit = f->limit > 0 ? f->limit : BROWSE_LIMIT_DEFAULT;
    if (limit > BROWSE_LIMIT_MAX)
        limit = BROWSE_LIMIT_MAX;
    bool want_r = f->kind != BROWSE_FEEDBACK && !(f->source && *f->source);
    bool want_f = f->kind != BROWSE_RESPONSES && !f->survey_id && !f->has_score_min &&
                  !f->has_score_max && !f->has_nps_group;
    size_t cap = (size_t)limit + 1; /* one more tells whether a page follows */
    browse_entry_t *rs = arena_alloc(arena, cap * sizeof *rs);
    browse_entry_t *fs = arena_alloc(arena, cap * sizeof *fs);
    browse_entry_t *merged = arena_alloc(arena, cap * sizeof *merged);
    if (!rs || !fs || !merged)
        return CX_ERR_NOMEM;
    size_t nr = 0, nf = 0;
    cx_result rc = CX_OK;
    if (want_r) {
        db_stmt_t *st = br_prepare_responses(db, f);
        if (st) {
            db_bind_int(st, 1, f->survey_id);
            br_bind_common(st, f, (int)cap);
            if (f->has_score_min)
                db_bind_int(st, 8, f->score_min);
            if (f->has_score_max)
                db_bind_int(st, 9, f->score_max);
            if (f->has_nps_group)
                db_bind_int(st, 10, f->nps_group);
        }
        rc = br_run(st, arena, 0, f->match != NULL, rs, &nr, cap);
    }
    if (!rc && want_f) {
        db_stmt_t *st = br_prepare_feedback(db, f);
        if (st) {
            db_bind_text(st, 1, f->source && *f->source ? f->source : NULL);
            br_bind_common(st, f, (int)cap);
        }
        rc = br_run(st, arena, 1, f->match != NULL, fs, &nf, cap);
    }
    if (rc)
        return rc;
    size_t i = 0, j = 0, n = 0;
    while (n < cap && (i < nr || j < nf)) {
        if (j >= nf || (i < nr && br_before(&rs[i], &fs[j])))
            merged[n++] = rs[i++];
        else
            merged[n++] = fs[j++];
    }
    if (n > (size_t)limit) {
        *more = true;
        n = (size_t)limit;
    }
    if (f->match && (rc = br_snippets(db, arena, f->match, merged, n)))
        return rc;
    *out = merged;
    *count = n;
    return CX_OK;
}

cx_result browse_response_ids_matching(db_conn_t *db, arena_t *arena,
                                       const store_response_filter_t *f, const char *match,
                                       int64_t **ids, size_t *count)
{
    /* the filters of store_response_ids, plus the match; the index gives
     * the matching ids, the rowid order the page */
    db_stmt_t *st = db_prepare(
        db, "SELECT r.id" STORE_RESPONSE_FILTER_FROM
            " WHERE r.id IN (SELECT rowid FROM responses_fts WHERE responses_fts MATCH ?1) AND"
            STORE_RESPONSE_FILTER_WHERE);
    if (st)
        db_bind_text(st, 1, match);
    return store_response_ids_run(st, arena, f, ids, count);
}

cx_result browse_entry_get(db_conn_t *db, arena_t *arena, int kind, int64_t id,
                           browse_entry_t *out)
{
    db_stmt_t *st =
        kind == 0 ? db_prepare(db, BR_R_COLS ", NULL FROM responses r" BR_R_JOINS " WHERE r.id = ?1")
                  : db_prepare(db, BR_F_COLS ", NULL FROM feedback_items f" BR_F_JOINS
                                   " WHERE f.id = ?1");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    db_step_result r = db_step(st);
    cx_result rc = r == DB_ROW ? CX_OK : r == DB_DONE ? CX_ERR_NOT_FOUND : CX_ERR_STORE;
    if (!rc && !(kind == 0 ? br_read_response(st, arena, out, false)
                           : br_read_feedback(st, arena, out, false)))
        rc = CX_ERR_NOMEM;
    db_done(st);
    return rc;
}

cx_result browse_answers(db_conn_t *db, arena_t *arena, int64_t response_id,
                         browse_answer_t **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    int64_t n = 0;
    db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM answers WHERE response_id = ?1");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, response_id);
    cx_result rc = db_query_int(st, &n);
    if (rc)
        return rc;
    browse_answer_t *list = arena_alloc(arena, (size_t)(n ? n : 1) * sizeof *list);
    if (!list)
        return CX_ERR_NOMEM;
    st = db_prepare(db, "SELECT q.key, q.kind, q.label, a.value_num, a.value_text"
                        " FROM answers a JOIN questions q ON q.id = a.question_id"
                        " WHERE a.response_id = ?1 ORDER BY q.position");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, response_id);
    db_step_result r = DB_DONE;
    size_t k = 0;
    bool nomem = false;
    while (k < (size_t)n && (r = db_step(st)) == DB_ROW) {
        browse_answer_t *x = &list[k++];
        x->key = br_dup(arena, st, 0, &nomem);
        x->kind = br_dup(arena, st, 1, &nomem);
        x->label_json = br_dup(arena, st, 2, &nomem);
        x->has_number = !db_column_is_null(st, 3);
        x->number = db_column_double(st, 3);
        x->text = db_column_is_null(st, 4) ? NULL : br_dup(arena, st, 4, &nomem);
    }
    if (k < (size_t)n && r != DB_DONE)
        rc = CX_ERR_STORE;
    db_done(st);
    if (!rc && nomem)
        rc = CX_ERR_NOMEM;
    *out = list;
    *count = k;
    return rc;
}

#define BR_C_COLS                                                                                  \
    "SELECT c.id, coalesce(c.external_id, ''), c.name, c.email, c.language,"                      \
    " coalesce(sg.name, ''), coalesce(a.name, ''), c.value_tier, c.revenue, c.cost_to_serve,"     \
    " coalesce(c.joined_at, 0), coalesce(c.churned_at, 0), coalesce(c.erased_at, 0),"             \
    " (SELECT count(*) FROM responses WHERE customer_id = c.id),"                                 \
    " (SELECT count(*) FROM feedback_items WHERE customer_id = c.id)"                             \
    " FROM customers c LEFT JOIN segments sg ON sg.id = c.segment_id"                              \
    " LEFT JOIN accounts a ON a.id = c.account_id"

static bool br_read_customer(db_stmt_t *st, arena_t *a, browse_customer_t *c)
{
    bool nomem = false;
    memset(c, 0, sizeof *c);
    c->id = db_column_int(st, 0);
    c->external_id = br_dup(a, st, 1, &nomem);
    c->name = br_dup(a, st, 2, &nomem);
    c->email = br_dup(a, st, 3, &nomem);
    c->language = br_dup(a, st, 4, &nomem);
    c->segment = br_dup(a, st, 5, &nomem);
    c->account = br_dup(a, st, 6, &nomem);
    c->value_tier = br_dup(a, st, 7, &nomem);
    c->revenue = db_column_double(st, 8);
    c->cost_to_serve = db_column_double(st, 9);
    c->joined_at = db_column_int(st, 10);
    c->churned_at = db_column_int(st, 11);
    c->erased_at = db_column_int(st, 12);
    c->responses = db_column_int(st, 13);
    c->feedback_items = db_column_int(st, 14);
    return !nomem;
}

static cx_result br_customer_row(db_stmt_t *st, arena_t *arena, void *element)
{
    return br_read_customer(st, arena, element) ? CX_OK : CX_ERR_NOMEM;
}

cx_result browse_customer_get(db_conn_t *db, arena_t *arena, int64_t id, browse_customer_t *out)
{
    db_stmt_t *st = db_prepare(db, BR_C_COLS " WHERE c.id = ?1");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    db_step_result r = db_step(st);
    cx_result rc = r == DB_ROW ? CX_OK : r == DB_DONE ? CX_ERR_NOT_FOUND : CX_ERR_STORE;
    if (!rc && !br_read_customer(st, arena, out))
        rc = CX_ERR_NOMEM;
    db_done(st);
    return rc;
}

cx_result browse_customers(db_conn_t *db, arena_t *arena, const char *text, int64_t after_id,
                           int limit, browse_customer_t **out, size_t *count)
{
    if (limit <= 0 || limit > BROWSE_LIMIT_MAX)
        limit = BROWSE_LIMIT_DEFAULT;
    db_stmt_t *st = db_prepare(
        db, BR_C_COLS " WHERE (?1 IS NULL OR instr(cx_fold(c.name), cx_fold(?1)) > 0"
                      " OR instr(cx_fold(coalesce(c.external_id, '')), cx_fold(?1)) > 0)"
                      " AND c.id > ?2 ORDER BY c.id LIMIT ?3");
    if (st) {
        db_bind_text(st, 1, text && *text ? text : NULL);
        db_bind_int(st, 2, after_id);
        db_bind_int(st, 3, limit);
    }
    return store_rows_collect(st, arena, sizeof **out, (size_t)limit, br_customer_row,
                              (void **)out, count);
}

const char *browse_cursor_format(arena_t *arena, const browse_cursor_t *c)
{
    char text[80];
    snprintf(text, sizeof text, "%" PRId64 ".%d.%" PRId64, c->at, c->kind, c->id);
    return arena_strdup(arena, text);
}

bool browse_cursor_parse(const char *text, browse_cursor_t *out)
{
    if (!text || !*text)
        return false;
    char *end;
    long long at = strtoll(text, &end, 10);
    if (end == text || *end != '.')
        return false;
    const char *p = end + 1;
    if (*p != '0' && *p != '1')
        return false;
    int kind = *p - '0';
    if (p[1] != '.')
        return false;
    p += 2;
    if (*p < '0' || *p > '9')
        return false;
    long long id = strtoll(p, &end, 10);
    if (*end || id <= 0 || at < 0)
        return false;
    out->at = at;
    out->kind = kind;
    out->id = id;
    return true;
}

cx_result browse_count_matching(db_conn_t *db, const char *match, int64_t *n)
{
    db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM responses_fts WHERE responses_fts MATCH ?1");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, match);
    return db_query_int(st, n);
}

cx_result browse_count_like(db_conn_t *db, const char *pattern, int64_t *n)
{
    db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM responses WHERE comment LIKE ?1");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, pattern);
    return db_query_int(st, n);
}
