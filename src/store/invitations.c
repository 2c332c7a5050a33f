/*
 * invitations.c — creating, claiming and recording survey invitations
 * (see invitations.h).
 *
 * Creation first collects the audience's customer ids, then checks and
 * inserts each one: reading the invitations table while inserting into it
 * in one statement would let the new rows leak into the scan. Every
 * statement is a literal with bound parameters; tokens are made with
 * core/secret.h and only their hashes reach the database.
 */
#include "store/invitations.h"

#include <stdlib.h>
#include <string.h>

#include "store/rows.h"

#define SECONDS_PER_DAY 86400

/* ---- creating ---- */

typedef struct id_list {
    int64_t *ids;
    size_t count, alloc;
} id_list_t;

static cx_result id_list_push(id_list_t *l, int64_t id)
{
    if (l->count == l->alloc) {
        size_t alloc = l->alloc ? 2 * l->alloc : 256;
        int64_t *bigger = realloc(l->ids, alloc * sizeof *bigger);
        if (!bigger)
            return CX_ERR_NOMEM;
        l->ids = bigger;
        l->alloc = alloc;
    }
    l->ids[l->count++] = id;
    return CX_OK;
}

/* Appends the first column of every row of st. */
static cx_result collect_ids(db_stmt_t *st, id_list_t *l)
{
    cx_result rc = CX_OK;
    db_step_result r;
    while (!rc && (r = db_step(st)) == DB_ROW)
        rc = id_list_push(l, db_column_int(st, 0));
    if (!rc && r == DB_ERROR)
        rc = CX_ERR_STORE;
    db_done(st);
    return rc;
}

static cx_result survey_open_state(db_conn_t *db, int64_t survey_id, int64_t *open)
{
    db_stmt_t *st = db_prepare(db, "SELECT open FROM surveys WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, survey_id);
    return db_query_int(st, open);
}

static cx_result audience_ids(db_conn_t *db, const invitations_request_t *r, id_list_t *l,
                              invitations_summary_t *sum, const char **what)
{
    if (r->audience == INVITATIONS_ALL) {
        db_stmt_t *st = db_prepare(db, "SELECT id FROM customers ORDER BY id");
        if (!st)
            return CX_ERR_STORE;
        return collect_ids(st, l);
    }
    if (r->audience == INVITATIONS_SEGMENT) {
        db_stmt_t *st = db_prepare(db, "SELECT id FROM segments WHERE name = ?");
        if (!st)
            return CX_ERR_STORE;
        db_bind_text(st, 1, r->segment);
        int64_t segment_id;
        cx_result rc = db_query_int(st, &segment_id);
        if (rc == CX_ERR_NOT_FOUND)
            *what = "segment";
        if (rc)
            return rc;
        /* a segment holds its customers by attribute or by explicit list */
        st = db_prepare(db, "SELECT id FROM customers WHERE segment_id = ?"
                            " UNION SELECT customer_id FROM segment_members WHERE segment_id = ?"
                            " ORDER BY 1");
        if (!st)
            return CX_ERR_STORE;
        db_bind_int(st, 1, segment_id);
        db_bind_int(st, 2, segment_id);
        return collect_ids(st, l);
    }
    for (size_t i = 0; i < r->external_count; i++) {
        db_stmt_t *st = db_prepare(db, "SELECT id FROM customers WHERE external_id = ?");
        if (!st)
            return CX_ERR_STORE;
        db_bind_text(st, 1, r->external_ids[i]);
        int64_t id;
        cx_result rc = db_query_int(st, &id);
        if (rc == CX_ERR_NOT_FOUND) {
            sum->unknown_ids++;
            continue;
        }
        if (rc)
            return rc;
        /* a list naming a customer twice invites once */
        bool seen = false;
        for (size_t k = 0; k < l->count && !seen; k++)
            seen = l->ids[k] == id;
        if (!seen && (rc = id_list_push(l, id)))
            return rc;
    }
    return CX_OK;
}

/* Why a customer cannot be invited: 0 eligible, else which skip. */
enum { ELIGIBLE, SKIP_ERASED, SKIP_NO_EMAIL, SKIP_RECENT };

static cx_result eligibility(db_conn_t *db, const invitations_request_t *r, int64_t customer_id,
                             int *out)
{
    db_stmt_t *st = db_prepare(
        db, "SELECT erased_at IS NOT NULL, trim(email) = '',"
            " EXISTS (SELECT 1 FROM invitations WHERE survey_id = ? AND customer_id = c.id"
            "         AND created_at >= ?)"
            " FROM customers c WHERE c.id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, r->survey_id);
    /* recent_days 0: nobody is recent, so everyone may be invited again */
    db_bind_int(st, 2, r->recent_days > 0 ? r->now - (int64_t)r->recent_days * SECONDS_PER_DAY
                                          : INT64_MAX);
    db_bind_int(st, 3, customer_id);
    db_step_result s = db_step(st);
    if (s != DB_ROW) {
        db_done(st);
        return s == DB_DONE ? CX_ERR_NOT_FOUND : CX_ERR_STORE;
    }
    *out = db_column_int(st, 0)   ? SKIP_ERASED
           : db_column_int(st, 1) ? SKIP_NO_EMAIL
           : db_column_int(st, 2) ? SKIP_RECENT
                                  : ELIGIBLE;
    db_done(st);
    return CX_OK;
}

/* A row needs a unique token_hash before it is sent; this one hashes a
 * token nobody keeps, so the link of a queued invitation opens nothing. */
static void unusable_token_hash(char *hash)
{
    char token[SECRET_TOKEN_LEN + 1];
    secret_token(token);
    secret_token_hash(token, hash);
}

cx_result invitations_create(db_conn_t *db, const invitations_request_t *r,
                             invitations_summary_t *out, const char **what)
{
    memset(out, 0, sizeof *out);
    *what = NULL;
    int64_t open;
    cx_result rc = survey_open_state(db, r->survey_id, &open);
    if (rc == CX_ERR_NOT_FOUND)
        *what = "survey";
    if (rc)
        return rc;
    if (!open) {
        *what = "survey";
        return CX_ERR_INVALID;
    }
    id_list_t ids = {.count = 0};
    rc = audience_ids(db, r, &ids, out, what);
    out->matched = (int64_t)ids.count;
    for (size_t i = 0; !rc && i < ids.count; i++) {
        int verdict;
        rc = eligibility(db, r, ids.ids[i], &verdict);
        if (rc)
            break;
        if (verdict == SKIP_ERASED) {
            out->skipped_erased++;
            continue;
        }
        if (verdict == SKIP_NO_EMAIL) {
            out->skipped_no_email++;
            continue;
        }
        if (verdict == SKIP_RECENT) {
            out->skipped_recent++;
            continue;
        }
        out->created++;
        if (r->dry_run)
            continue;
        db_stmt_t *st = db_prepare(db, "INSERT INTO invitations"
                                       " (survey_id, customer_id, token_hash, channel, status,"
                                       "  created_at) VALUES (?, ?, ?, 'email', 'queued', ?)");
        if (!st) {
            rc = CX_ERR_STORE;
            break;
        }
        char hash[SECRET_HASH_HEX_LEN + 1];
        unusable_token_hash(hash);
        db_bind_int(st, 1, r->survey_id);
        db_bind_int(st, 2, ids.ids[i]);
        db_bind_text(st, 3, hash);
        db_bind_int(st, 4, r->now);
        rc = db_exec_stmt(st);
    }
    free(ids.ids);
    return rc;
}

/* ---- where they stand ---- */

cx_result invitations_count(db_conn_t *db, int64_t survey_id, invitations_counts_t *out)
{
    memset(out, 0, sizeof *out);
    db_stmt_t *st = db_prepare(db, "SELECT status, count(*), count(reminded_at) FROM invitations"
                                   " WHERE (? = 0 OR survey_id = ?) GROUP BY status");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, survey_id);
    db_bind_int(st, 2, survey_id);
    db_step_result r;
    while ((r = db_step(st)) == DB_ROW) {
        const char *status = db_column_text(st, 0);
        int64_t n = db_column_int(st, 1);
        if (strcmp(status, "queued") == 0)
            out->queued = n;
        else if (strcmp(status, "sent") == 0)
            out->sent = n;
        else if (strcmp(status, "failed") == 0)
            out->failed = n;
        else if (strcmp(status, "answered") == 0)
            out->answered = n;
        out->total += n;
        out->reminded += db_column_int(st, 2);
    }
    db_done(st);
    return r == DB_DONE ? CX_OK : CX_ERR_STORE;
}

static cx_result read_list_row(db_stmt_t *st, arena_t *arena, void *element)
{
    invitations_row_t *row = element;
    row->id = db_column_int(st, 0);
    row->customer_id = db_column_int(st, 1);
    row->customer_external_id = arena_strdup(arena, db_column_text(st, 2));
    row->customer_name = arena_strdup(arena, db_column_text(st, 3));
    row->email = arena_strdup(arena, db_column_text(st, 4));
    row->status = arena_strdup(arena, db_column_text(st, 5));
    row->status_detail = arena_strdup(arena, db_column_text(st, 6));
    row->attempts = (int)db_column_int(st, 7);
    row->created_at = db_column_int(st, 8);
    row->sent_at = db_column_int(st, 9);
    row->reminded_at = db_column_int(st, 10);
    row->answered_at = db_column_int(st, 11);
    if (!row->customer_external_id || !row->customer_name || !row->email || !row->status ||
        !row->status_detail)
        return CX_ERR_NOMEM;
    return CX_OK;
}

cx_result invitations_list(db_conn_t *db, arena_t *arena, int64_t survey_id, int limit,
                           invitations_row_t **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (limit <= 0)
        return CX_OK;
    db_stmt_t *st = db_prepare(
        db, "SELECT i.id, coalesce(i.customer_id, 0), coalesce(c.external_id, ''),"
            " coalesce(c.name, ''), coalesce(c.email, ''), i.status, i.status_detail,"
            " i.attempts, i.created_at, coalesce(i.sent_at, 0), coalesce(i.reminded_at, 0),"
            " coalesce(i.answered_at, 0)"
            " FROM invitations i LEFT JOIN customers c ON c.id = i.customer_id"
            " WHERE i.survey_id = ? ORDER BY i.id DESC LIMIT ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, survey_id);
    db_bind_int(st, 2, limit);
    return store_rows_collect(st, arena, sizeof **out, (size_t)limit, read_list_row,
                              (void **)out, count);
}

static cx_result read_name_row(db_stmt_t *st, arena_t *arena, void *element)
{
    const char **name = element;
    *name = arena_strdup(arena, db_column_text(st, 0));
    return *name ? CX_OK : CX_ERR_NOMEM;
}

cx_result invitations_segment_names(db_conn_t *db, arena_t *arena, const char ***out,
                                    size_t *count)
{
    *out = NULL;
    *count = 0;
    return store_rows_collect(
        db_prepare(db, "SELECT name FROM segments ORDER BY name LIMIT 1000"), arena,
        sizeof **out, 1000, read_name_row, (void **)out, count);
}

/* ---- sending ---- */

static cx_result read_outgoing_row(db_stmt_t *st, arena_t *arena, void *element)
{
    invitations_outgoing_t *o = element;
    o->id = db_column_int(st, 0);
    o->survey_id = db_column_int(st, 1);
    o->email = arena_strdup(arena, db_column_text(st, 2));
    o->name = arena_strdup(arena, db_column_text(st, 3));
    o->language = arena_strdup(arena, db_column_text(st, 4));
    o->survey_slug = arena_strdup(arena, db_column_text(st, 5));
    o->survey_name = arena_strdup(arena, db_column_text(st, 6));
    o->survey_languages = arena_strdup(arena, db_column_text(st, 7));
    o->attempts = (int)db_column_int(st, 8);
    o->survey_title = arena_strdup(arena, db_column_text(st, 9));
    if (!o->email || !o->name || !o->language || !o->survey_slug || !o->survey_name ||
        !o->survey_languages || !o->survey_title)
        return CX_ERR_NOMEM;
    return CX_OK;
}

cx_result invitations_claim(db_conn_t *db, arena_t *arena, bool reminder, int64_t remind_before,
                            int limit, int64_t now, invitations_outgoing_t **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (limit <= 0)
        return CX_OK;
    db_stmt_t *st;
    if (!reminder)
        st = db_prepare(
            db, "SELECT i.id, i.survey_id, c.email, c.name, c.language, s.slug, s.name,"
                " s.languages, i.attempts, s.title"
                " FROM invitations i JOIN customers c ON c.id = i.customer_id"
                " JOIN surveys s ON s.id = i.survey_id"
                " WHERE i.status = 'queued' AND s.open = 1 AND c.erased_at IS NULL"
                " AND trim(c.email) <> '' AND (i.claimed_at IS NULL OR i.claimed_at < ?)"
                " ORDER BY i.id LIMIT ?");
    else
        st = db_prepare(
            db, "SELECT i.id, i.survey_id, c.email, c.name, c.language, s.slug, s.name,"
                " s.languages, i.attempts, s.title"
                " FROM invitations i JOIN customers c ON c.id = i.customer_id"
                " JOIN surveys s ON s.id = i.survey_id"
                " WHERE i.status = 'sent' AND i.reminded_at IS NULL AND i.sent_at <= ?"
                " AND s.open = 1 AND c.erased_at IS NULL AND trim(c.email) <> ''"
                " AND (i.claimed_at IS NULL OR i.claimed_at < ?)"
                " ORDER BY i.id LIMIT ?");
    if (!st)
        return CX_ERR_STORE;
    int p = 1;
    if (reminder)
        db_bind_int(st, p++, remind_before);
    db_bind_int(st, p++, now - INVITATIONS_CLAIM_STALE);
    db_bind_int(st, p, limit);
    invitations_outgoing_t *rows;
    size_t n;
    cx_result rc =
        store_rows_collect(st, arena, sizeof *rows, (size_t)limit, read_outgoing_row,
                           (void **)&rows, &n);
    for (size_t i = 0; !rc && i < n; i++) {
        char hash[SECRET_HASH_HEX_LEN + 1];
        secret_token(rows[i].token);
        secret_token_hash(rows[i].token, hash);
        st = db_prepare(db, "UPDATE invitations SET token_hash = ?, claimed_at = ? WHERE id = ?");
        if (!st)
            return CX_ERR_STORE;
        db_bind_text(st, 1, hash);
        db_bind_int(st, 2, now);
        db_bind_int(st, 3, rows[i].id);
        rc = db_exec_stmt(st);
    }
    if (rc)
        return rc;
    *out = rows;
    *count = n;
    return CX_OK;
}

cx_result invitations_mark_sent(db_conn_t *db, int64_t id, bool reminder, int64_t now)
{
    db_stmt_t *st =
        reminder
            ? db_prepare(db, "UPDATE invitations SET reminded_at = ?, claimed_at = NULL,"
                             " status_detail = '' WHERE id = ?")
            : db_prepare(db, "UPDATE invitations SET status = 'sent', sent_at = ?,"
                             " claimed_at = NULL, status_detail = '' WHERE id = ?"
                             " AND status = 'queued'");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, id);
    return db_exec_stmt(st);
}

cx_result invitations_mark_failed(db_conn_t *db, int64_t id, bool reminder, bool permanent,
                                  const char *reason, int64_t now)
{
    db_stmt_t *st;
    /* A transient failure keeps the claim time: nobody takes the row again
     * for INVITATIONS_CLAIM_STALE seconds, which is the wait before the
     * retry (and keeps one run from retrying it at once). */
    if (reminder) {
        /* the invitation itself went out; a permanent refusal ends the
         * reminders (reminded_at set), a transient one is retried later */
        st = db_prepare(db, "UPDATE invitations SET status_detail = 'reminder: ' || ?,"
                            " claimed_at = ?, reminded_at = coalesce(?, reminded_at)"
                            " WHERE id = ?");
        if (!st)
            return CX_ERR_STORE;
        db_bind_text(st, 1, reason && *reason ? reason : "unknown failure");
        if (permanent) {
            db_bind_null(st, 2);
            db_bind_int(st, 3, now);
        } else {
            db_bind_int(st, 2, now);
            db_bind_null(st, 3);
        }
        db_bind_int(st, 4, id);
        return db_exec_stmt(st);
    }
    /* every right-hand side sees the row as it was, so attempts + 1 is
     * this attempt in both CASEs */
    st = db_prepare(db, "UPDATE invitations SET status_detail = ?, attempts = attempts + 1,"
                        " status = CASE WHEN ? OR attempts + 1 >= ? THEN 'failed'"
                        "               ELSE 'queued' END,"
                        " claimed_at = CASE WHEN ? OR attempts + 1 >= ? THEN NULL ELSE ? END"
                        " WHERE id = ? AND status = 'queued'");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, reason && *reason ? reason : "unknown failure");
    db_bind_int(st, 2, permanent);
    db_bind_int(st, 3, INVITATIONS_MAX_ATTEMPTS);
    db_bind_int(st, 4, permanent);
    db_bind_int(st, 5, INVITATIONS_MAX_ATTEMPTS);
    db_bind_int(st, 6, now);
    db_bind_int(st, 7, id);
    return db_exec_stmt(st);
}

cx_result invitations_release(db_conn_t *db, int64_t id, const char *reason)
{
    db_stmt_t *st = db_prepare(db, "UPDATE invitations SET claimed_at = NULL, status_detail = ?"
                                   " WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, reason ? reason : "");
    db_bind_int(st, 2, id);
    return db_exec_stmt(st);
}

cx_result invitations_set_answered(db_conn_t *db, int64_t id, int64_t now)
{
    /* the first answer counts; a second one changes nothing */
    db_stmt_t *st = db_prepare(db, "UPDATE invitations SET status = 'answered', answered_at = ?,"
                                   " claimed_at = NULL WHERE id = ? AND status <> 'answered'");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, id);
    return db_exec_stmt(st);
}

cx_result invitations_mark_answered(db_conn_t *db, const char *token_hash, int64_t now,
                                    int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "SELECT id FROM invitations WHERE token_hash = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, token_hash);
    int64_t id;
    cx_result rc = db_query_int(st, &id);
    if (!rc)
        rc = invitations_set_answered(db, id, now);
    if (!rc && id_out)
        *id_out = id;
    return rc;
}
