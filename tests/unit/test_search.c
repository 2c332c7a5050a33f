/*
 * test_search.c — full-text search: the folding (Polish ł, Romanian
 * comma and cedilla forms, case), the safe query builder (hostile input is
 * only words), and the index kept in step on insert (once per writer
 * transaction, before COMMIT), update (an erasure sets the comment to
 * NULL) and delete, for rows indexed already and rows not yet indexed;
 * a bulk load indexed after its commit by the idle writer, at open and
 * at close, with the lag bounded.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "store/browse.h"
#include "store/db.h"
#include "store/feedback.h"
#include "store/responses.h"
#include "store/search.h"
#include "store/surveys.h"
#include "store_fixture.h"

static void expect_fold(const char *in, const char *want)
{
    char out[256];
    int n = search_fold(in, strlen(in), out, sizeof out);
    cr_assert(n >= 0, "fold of '%s' failed", in);
    out[n] = '\0';
    cr_assert_str_eq(out, want, "fold of '%s'", in);
}

Test(search, folding)
{
    expect_fold("żółw", "zolw");
    expect_fold("ŻÓŁW", "zolw");
    expect_fold("Łódź", "lodz");
    expect_fold("zażółć gęślą jaźń", "zazolc gesla jazn");
    expect_fold("așteptare", "asteptare");  /* comma below */
    expect_fold("aşteptare", "asteptare");  /* cedilla */
    expect_fold("ȚARĂ ŢARĂ", "tara tara");
    expect_fold("Straße", "strasse");
    expect_fold("ﬁrma", "firma");
    expect_fold("plain", "plain");
}

Test(search, folding_refuses_what_does_not_fit_or_is_not_utf8)
{
    char out[4];
    cr_assert_eq(search_fold("żółwie", strlen("żółwie"), out, sizeof out), -1);
    cr_assert_eq(search_fold("\xC5", 1, out, sizeof out), -1);
}

static const char *query(arena_t *a, const char *text)
{
    const char *q = NULL;
    cr_assert_eq(search_match_query(a, text, &q), CX_OK);
    return q;
}

Test(search, query_is_quoted_words_with_a_prefix_last)
{
    arena_t a;
    arena_init(&a);
    cr_assert_str_eq(query(&a, "zolw"), "\"zolw\"*");
    cr_assert_str_eq(query(&a, "  Żółw  infolinia "), "\"Żółw\" \"infolinia\"*");
    cr_assert_str_eq(query(&a, "NEAR(a b)"), "\"NEAR\" \"a\" \"b\"*");
    cr_assert_str_eq(query(&a, "comment:zolw"), "\"comment\" \"zolw\"*");
    cr_assert_str_eq(query(&a, "\"zolw\" OR ^x*"), "\"zolw\" \"OR\" \"x\"*");
    cr_assert_str_eq(query(&a, "'; DROP TABLE x; --"), "\"DROP\" \"TABLE\" \"x\"*");
    cr_assert_null(query(&a, ""));
    cr_assert_null(query(&a, "\"*^():-+{}"));
    cr_assert_null(query(&a, NULL));
    /* at most SEARCH_MAX_WORDS words */
    const char *many = query(&a, "a b c d e f g h i j k l m n o p q r s t");
    int quotes = 0;
    for (const char *p = many; *p; p++)
        quotes += *p == '"';
    cr_assert_eq(quotes, 2 * SEARCH_MAX_WORDS);
    arena_free(&a);
}

typedef struct index_job {
    int step;
    int64_t survey, id, n;
} index_job_t;

static cx_result count_job(db_conn_t *db, void *arg)
{
    index_job_t *j = arg;
    arena_t a;
    arena_init(&a);
    const char *match = NULL;
    cx_result rc = search_match_query(&a, "zolw", &match);
    if (!rc)
        rc = browse_count_matching(db, match, &j->n);
    arena_free(&a);
    return rc;
}

static cx_result write_job(db_conn_t *db, void *arg)
{
    index_job_t *j = arg;
    if (j->step == 0) {
        surveys_new_t s = {.kind = "nps", .name = "Test", .created_at = 1};
        cx_result rc = surveys_create(db, &s, &j->survey, NULL);
        if (rc)
            return rc;
        store_response_t r = {.survey_id = j->survey, .submitted_at = 10, .created_at = 10,
                              .comment = "Obsługa jak ŻÓŁW"};
        return store_response_add(db, &r, &j->id);
    }
    if (j->step == 1) { /* what an erasure does */
        db_stmt_t *st = db_prepare(db, "UPDATE responses SET comment = NULL WHERE id = ?");
        db_bind_int(st, 1, j->id);
        return db_exec_stmt(st);
    }
    if (j->step == 2) {
        db_stmt_t *st = db_prepare(db, "UPDATE responses SET comment = 'znów żółw' WHERE id = ?");
        db_bind_int(st, 1, j->id);
        return db_exec_stmt(st);
    }
    return store_response_delete(db, j->id);
}

Test(search, the_index_follows_insert_update_and_delete)
{
    test_db_t t;
    test_db_make(&t);
    store_t *s = test_db_open(&t, 0);
    index_job_t j = {0};
    const int64_t want[] = {1, 0, 1, 0};
    for (j.step = 0; j.step < 4; j.step++) {
        cr_assert_eq(store_write(s, write_job, &j), CX_OK, "step %d", j.step);
        cr_assert_eq(store_read(s, count_job, &j), CX_OK);
        cr_assert_eq(j.n, want[j.step], "step %d: %lld matches", j.step, (long long)j.n);
    }
    store_close(s);
    test_db_remove(&t);
}

Test(search, the_migration_indexes_rows_that_exist_already)
{
    test_db_t t;
    test_db_make(&t);
    /* a database from before the search migration (number 5), with a
     * comment */
    store_t *s = test_db_open(&t, 4);
    index_job_t j = {0};
    cr_assert_eq(store_write(s, write_job, &j), CX_OK);
    store_close(s);
    s = test_db_open(&t, 0);
    cr_assert_eq(store_schema_version(s), store_schema_latest());
    cr_assert_eq(store_read(s, count_job, &j), CX_OK);
    cr_assert_eq(j.n, 1, "%lld matches after the migration", (long long)j.n);
    j.step = 1; /* and the triggers run from then on */
    cr_assert_eq(store_write(s, write_job, &j), CX_OK);
    cr_assert_eq(store_read(s, count_job, &j), CX_OK);
    cr_assert_eq(j.n, 0);
    store_close(s);
    test_db_remove(&t);
}

/* ---- indexing once per transaction: the index equals a full rebuild ---- */

static const char *const words[] = {"alfa", "bravo", "czarli", "delta", "echo", "foxtrot"};
#define NWORDS (sizeof words / sizeof words[0])

typedef struct many_job {
    int64_t survey;
    int first, n;     /* responses and feedback numbered first..first+n-1 */
    bool fail;        /* write, then fail: nothing may stay indexed */
    int64_t *rids, *fids; /* ids by number */
} many_job_t;

static void comment_for(int k, char *out, size_t cap)
{
    snprintf(out, cap, "%s i %s nr%d", words[k % NWORDS], words[(k * 7 + 3) % NWORDS], k);
}

static cx_result exec_id(db_conn_t *db, const char *sql, int64_t id)
{
    db_stmt_t *st = db_prepare(db, sql);
    db_bind_int(st, 1, id);
    return db_exec_stmt(st);
}

static cx_result set_comment(db_conn_t *db, int64_t id, const char *comment)
{
    db_stmt_t *st = db_prepare(db, "UPDATE responses SET comment = ? WHERE id = ?");
    db_bind_text(st, 1, comment);
    db_bind_int(st, 2, id);
    return db_exec_stmt(st);
}

static cx_result set_feedback_text(db_conn_t *db, int64_t id, const char *text)
{
    db_stmt_t *st = db_prepare(db, "UPDATE feedback_items SET text = ? WHERE id = ?");
    db_bind_text(st, 1, text);
    db_bind_int(st, 2, id);
    return db_exec_stmt(st);
}

/* Inserts n responses (every fifth without a comment) and n feedback
 * items, then, inside the same transaction (above the mark), changes,
 * erases and deletes some of them. */
static cx_result many_job(db_conn_t *db, void *arg)
{
    many_job_t *j = arg;
    char text[64];
    for (int k = j->first; k < j->first + j->n; k++) {
        comment_for(k, text, sizeof text);
        store_response_t r = {.survey_id = j->survey, .submitted_at = 10 + k, .created_at = 10,
                              .comment = k % 5 == 4 ? NULL : text};
        cx_result rc = store_response_add(db, &r, &j->rids[k]);
        store_feedback_t f = {.source = "complaint", .title = words[k % NWORDS], .text = text,
                              .received_at = 10 + k, .created_at = 10};
        if (!rc)
            rc = store_feedback_add(db, &f, &j->fids[k]);
        if (rc)
            return rc;
    }
    int a = j->first;
    cx_result rc = set_comment(db, j->rids[a], "zmieniony delta");
    if (!rc)
        rc = set_comment(db, j->rids[a + 1], NULL); /* erased */
    if (!rc)
        rc = set_comment(db, j->rids[a + 4], "dopisany echo"); /* had none */
    if (!rc)
        rc = exec_id(db, "DELETE FROM responses WHERE id = ?", j->rids[a + 2]);
    if (!rc)
        rc = set_feedback_text(db, j->fids[a], "zmieniony delta");
    if (!rc)
        rc = exec_id(db, "DELETE FROM feedback_items WHERE id = ?", j->fids[a + 2]);
    return rc ? rc : j->fail ? CX_ERR_INVALID : CX_OK;
}

typedef struct change_job {
    int64_t *rids, *fids;
    int64_t survey;
} change_job_t;

/* Changes rows indexed by an earlier transaction (at or below the mark),
 * writes a feedback item at an id at or below the mark (SQLite reuses
 * the newest one's after it was deleted), and checks that a response,
 * whose ids come from the id planner, never gets one. */
static cx_result change_job(db_conn_t *db, void *arg)
{
    change_job_t *j = arg;
    cx_result rc = set_comment(db, j->rids[5], "poprawiony foxtrot");
    if (!rc)
        rc = set_comment(db, j->rids[6], NULL);
    if (!rc)
        rc = set_comment(db, j->rids[9], "uzupelniony bravo"); /* had none */
    if (!rc)
        rc = exec_id(db, "DELETE FROM responses WHERE id = ?", j->rids[7]);
    if (!rc)
        rc = set_feedback_text(db, j->fids[5], "poprawiony foxtrot");
    if (!rc)
        rc = exec_id(db, "DELETE FROM feedback_items WHERE id = ?", j->fids[7]);
    if (!rc) /* the newest feedback item goes, and its id comes back */
        rc = exec_id(db,
                     "DELETE FROM feedback_items"
                     " WHERE id = (SELECT max(id) FROM feedback_items) AND ? = 0",
                     0);
    store_feedback_t f = {.source = "review", .title = "nowy", .text = "odzyskany czarli",
                          .received_at = 5, .created_at = 5};
    int64_t fid = 0;
    if (!rc)
        rc = store_feedback_add(db, &f, &fid);
    int64_t mark = 0;
    if (!rc)
        rc = db_query_int(db_prepare(db, "SELECT feedback_mark FROM search_state"), &mark);
    if (!rc && fid > mark)
        return CX_ERR_INTERNAL; /* the case under test did not happen */
    /* responses never take an id at or below the mark, even when the
     * newest goes: what the dropped insert trigger of responses relied on */
    if (!rc)
        rc = exec_id(db,
                     "DELETE FROM responses"
                     " WHERE id = (SELECT max(id) FROM responses) AND ? = 0",
                     0);
    store_response_t r = {.survey_id = j->survey, .submitted_at = 1, .created_at = 1,
                          .comment = "wstawiony czarli"};
    int64_t rid = 0;
    if (!rc)
        rc = store_responses_add_many(db, &r, 1, &rid);
    if (!rc)
        rc = db_query_int(db_prepare(db, "SELECT responses_mark FROM search_state"), &mark);
    if (!rc && rid <= mark)
        return CX_ERR_INTERNAL;
    return rc;
}

static cx_result survey_job(db_conn_t *db, void *arg)
{
    surveys_new_t s = {.kind = "nps", .name = "Test", .created_at = 1};
    return surveys_create(db, &s, arg, NULL);
}

typedef struct batch_wait {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int pending;
    cx_result rcs[8];
} batch_wait_t;

typedef struct batch_slot {
    batch_wait_t *w;
    int i;
} batch_slot_t;

static void batch_done(void *arg, cx_result rc)
{
    batch_slot_t *slot = arg;
    pthread_mutex_lock(&slot->w->lock);
    slot->w->rcs[slot->i] = rc;
    slot->w->pending--;
    pthread_cond_signal(&slot->w->cond);
    pthread_mutex_unlock(&slot->w->lock);
}

/* Holds the writer until the test has queued the jobs that must share the
 * next batch. */
typedef struct gate {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool entered, open;
} gate_t;

static cx_result gate_job(db_conn_t *db, void *arg)
{
    (void)db;
    gate_t *g = arg;
    pthread_mutex_lock(&g->lock);
    g->entered = true;
    pthread_cond_broadcast(&g->cond);
    while (!g->open)
        pthread_cond_wait(&g->cond, &g->lock);
    pthread_mutex_unlock(&g->lock);
    return CX_OK;
}

static void gate_done(void *arg, cx_result rc)
{
    (void)arg;
    (void)rc;
}

typedef struct check_job {
    int64_t mismatches, matches;
    int64_t r_mark, f_mark, r_max, f_max;
    bool intact;
} check_job_t;

/* Runs on the writer thread, so no assertion here: a failed query counts
 * as a large mismatch. */
static int64_t count_of(db_stmt_t *st, const char *word)
{
    int64_t n = 0;
    if (!st)
        return 1000000;
    db_bind_text(st, 1, word);
    return db_query_int(st, &n) == CX_OK ? n : 1000000;
}

static const char *const checked[] = {"alfa",      "bravo",      "czarli",    "delta",
                                      "echo",      "foxtrot",    "zmieniony", "poprawiony",
                                      "odzyskany", "uzupelniony", "wstawiony", "dopisany"};

/* For every word, the rows the index finds and the rows LIKE finds over
 * the text are the same set; then FTS5's own consistency check, against
 * the content tables too. */
static cx_result check_job(db_conn_t *db, void *arg)
{
    check_job_t *c = arg;
    for (size_t w = 0; w < sizeof checked / sizeof checked[0]; w++) {
        const char *word = checked[w];
        c->mismatches += count_of(
            db_prepare(db, "SELECT count(*) FROM (SELECT rowid FROM responses_fts"
                           " WHERE responses_fts MATCH ?1 EXCEPT SELECT id FROM responses"
                           " WHERE comment LIKE '%' || ?1 || '%')"),
            word);
        c->mismatches += count_of(
            db_prepare(db, "SELECT count(*) FROM (SELECT id FROM responses"
                           " WHERE comment LIKE '%' || ?1 || '%' EXCEPT SELECT rowid"
                           " FROM responses_fts WHERE responses_fts MATCH ?1)"),
            word);
        c->mismatches += count_of(
            db_prepare(db, "SELECT count(*) FROM (SELECT rowid FROM feedback_fts"
                           " WHERE feedback_fts MATCH ?1 EXCEPT SELECT id FROM feedback_items"
                           " WHERE title || ' ' || text LIKE '%' || ?1 || '%')"),
            word);
        c->mismatches += count_of(
            db_prepare(db, "SELECT count(*) FROM (SELECT id FROM feedback_items"
                           " WHERE title || ' ' || text LIKE '%' || ?1 || '%' EXCEPT SELECT rowid"
                           " FROM feedback_fts WHERE feedback_fts MATCH ?1)"),
            word);
        c->matches += count_of(
            db_prepare(db, "SELECT count(*) FROM responses_fts WHERE responses_fts MATCH ?1"),
            word);
    }
    db_stmt_t *st = db_prepare(db, "SELECT responses_mark, feedback_mark,"
                                   " (SELECT max(id) FROM responses),"
                                   " (SELECT max(id) FROM feedback_items) FROM search_state");
    if (!st || db_step(st) != DB_ROW)
        return CX_ERR_STORE;
    c->r_mark = db_column_int(st, 0);
    c->f_mark = db_column_int(st, 1);
    c->r_max = db_column_int(st, 2);
    c->f_max = db_column_int(st, 3);
    db_done(st);
    /* rank 1: the index must also equal what the content tables hold,
     * which a row indexed twice breaks */
    c->intact =
        db_exec_stmt(db_prepare(db, "INSERT INTO responses_fts (responses_fts, rank)"
                                    " VALUES ('integrity-check', 1)")) == CX_OK &&
        db_exec_stmt(db_prepare(db, "INSERT INTO feedback_fts (feedback_fts, rank)"
                                    " VALUES ('integrity-check', 1)")) == CX_OK;
    return CX_OK;
}

static void expect_index_equals_rebuild(store_t *s, const char *when)
{
    check_job_t c = {0};
    cr_assert_eq(store_write(s, check_job, &c), CX_OK);
    cr_assert_eq(c.mismatches, 0, "%s: %lld rows differ", when, (long long)c.mismatches);
    cr_assert_gt(c.matches, 0, "%s: nothing found", when);
    cr_assert(c.intact, "%s: integrity-check failed", when);
    cr_assert_eq(c.r_mark, c.r_max, "%s: response mark", when);
    cr_assert_eq(c.f_mark, c.f_max, "%s: feedback mark", when);
}

Test(search, new_rows_are_indexed_once_per_transaction)
{
    test_db_t t;
    test_db_make(&t);
    store_t *s = test_db_open(&t, 0);
    int64_t rids[200] = {0}, fids[200] = {0};
    int64_t survey = 0;
    cr_assert_eq(store_write(s, survey_job, &survey), CX_OK);

    /* many rows in one transaction */
    many_job_t one = {.survey = survey, .first = 0, .n = 60, .rids = rids, .fids = fids};
    cr_assert_eq(store_write(s, many_job, &one), CX_OK);
    expect_index_equals_rebuild(s, "one transaction");

    /* rows indexed already change, rows come back at old ids */
    change_job_t ch = {.rids = rids, .fids = fids, .survey = survey};
    cr_assert_eq(store_write(s, change_job, &ch), CX_OK);
    expect_index_equals_rebuild(s, "changes at or below the mark");

    /* several jobs of one batch, one of them failing first and one later */
    batch_wait_t w = {.pending = 0};
    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.cond, NULL);
    many_job_t jobs[6];
    batch_slot_t slots[6];
    for (int i = 0; i < 6; i++) {
        jobs[i] = (many_job_t){.survey = survey, .first = 60 + 20 * i, .n = 20,
                               .fail = i == 0 || i == 3, .rids = rids, .fids = fids};
        slots[i] = (batch_slot_t){.w = &w, .i = i};
    }
    gate_t g = {.entered = false, .open = false};
    pthread_mutex_init(&g.lock, NULL);
    pthread_cond_init(&g.cond, NULL);
    cr_assert_eq(store_write_async(s, gate_job, &g, gate_done, NULL), CX_OK);
    pthread_mutex_lock(&g.lock);
    while (!g.entered) /* the writer runs the gate: what follows waits */
        pthread_cond_wait(&g.cond, &g.lock);
    pthread_mutex_unlock(&g.lock);
    pthread_mutex_lock(&w.lock);
    for (int i = 0; i < 6; i++) {
        cr_assert_eq(store_write_async(s, many_job, &jobs[i], batch_done, &slots[i]), CX_OK);
        w.pending++;
    }
    pthread_mutex_lock(&g.lock);
    g.open = true;
    pthread_cond_broadcast(&g.cond);
    pthread_mutex_unlock(&g.lock);
    while (w.pending > 0)
        pthread_cond_wait(&w.cond, &w.lock);
    pthread_mutex_unlock(&w.lock);
    for (int i = 0; i < 6; i++)
        cr_assert_eq(w.rcs[i], i == 0 || i == 3 ? CX_ERR_INVALID : CX_OK, "job %d", i);
    store_stats_t stats;
    store_get_stats(s, &stats);
    cr_assert_geq(stats.largest_batch, 6, "the six jobs shared a commit");
    pthread_mutex_destroy(&g.lock);
    pthread_cond_destroy(&g.cond);
    expect_index_equals_rebuild(s, "one batch");
    pthread_mutex_destroy(&w.lock);
    pthread_cond_destroy(&w.cond);

    /* the rows of the batch, now indexed, change and go; an erasure */
    change_job_t ch2 = {.rids = rids + 80, .fids = fids + 80, .survey = survey};
    cr_assert_eq(store_write(s, change_job, &ch2), CX_OK);
    expect_index_equals_rebuild(s, "changes after a batch");

    /* reopening keeps the marks */
    store_close(s);
    s = test_db_open(&t, 0);
    many_job_t again = {.survey = survey, .first = 180, .n = 20, .rids = rids, .fids = fids};
    cr_assert_eq(store_write(s, many_job, &again), CX_OK);
    expect_index_equals_rebuild(s, "after reopening");
    store_close(s);
    test_db_remove(&t);
}

/* ---- a bulk load: indexed after its commit, when the writer is idle ---- */

typedef struct bulk_job {
    int64_t survey;
    int first, n;
    int64_t id_gap; /* the first response's id this far above the newest */
} bulk_job_t;

/* n responses with comments (as the bulk API writes them), and one
 * feedback item, in one transaction. */
static cx_result bulk_job(db_conn_t *db, void *arg)
{
    bulk_job_t *j = arg;
    if (j->id_gap) { /* a response far above the newest: the ids between wait too */
        db_stmt_t *st =
            db_prepare(db, "INSERT INTO responses (id, survey_id, submitted_at, comment,"
                           " created_at) VALUES ((SELECT max(id) FROM responses) + ?, ?, 1,"
                           " 'daleko golf', 1)");
        db_bind_int(st, 1, j->id_gap);
        db_bind_int(st, 2, j->survey);
        cx_result rc = db_exec_stmt(st);
        if (rc)
            return rc;
    }
    store_response_t *rows = calloc((size_t)j->n, sizeof *rows);
    int64_t *ids = calloc((size_t)j->n, sizeof *ids);
    char(*texts)[64] = calloc((size_t)j->n, sizeof *texts);
    cx_result rc = rows && ids && texts ? CX_OK : CX_ERR_NOMEM;
    for (int k = 0; !rc && k < j->n; k++) {
        comment_for(j->first + k, texts[k], sizeof texts[k]);
        rows[k] = (store_response_t){.survey_id = j->survey, .submitted_at = 10 + k,
                                     .created_at = 10, .comment = texts[k]};
    }
    if (!rc)
        rc = store_responses_add_many(db, rows, (size_t)j->n, ids);
    store_feedback_t f = {.source = "review", .title = "hurtem", .text = "alfa bravo",
                          .received_at = 5, .created_at = 5};
    if (!rc)
        rc = store_feedback_add(db, &f, NULL);
    free(rows);
    free(ids);
    free(texts);
    return rc;
}

static cx_result backlog_job(db_conn_t *db, void *arg)
{
    return search_index_backlog(db, arg);
}

static int64_t backlog_of(store_t *s)
{
    int64_t ids = -1;
    cr_assert_eq(store_read(s, backlog_job, &ids), CX_OK);
    return ids;
}

/* Polls until nothing waits (the writer catches up by itself). */
static void expect_caught_up(store_t *s, const char *when)
{
    for (int tries = 0; tries < 2000 && backlog_of(s) > 0; tries++) {
        struct timespec pause = {.tv_sec = 0, .tv_nsec = 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    cr_assert_eq(backlog_of(s), 0, "%s: the writer never caught up", when);
    expect_index_equals_rebuild(s, when);
}

/* Runs job as a bulk job, then holds the writer in the gate hold (fresh,
 * used once): meanwhile nothing but job's own commit touched the index. */
static void run_then_hold(store_t *s, store_job_fn job, void *arg, gate_t *hold)
{
    *hold = (gate_t){.entered = false, .open = false};
    pthread_mutex_init(&hold->lock, NULL);
    pthread_cond_init(&hold->cond, NULL);
    batch_wait_t w = {.pending = 1};
    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.cond, NULL);
    batch_slot_t slot = {.w = &w, .i = 0};
    cr_assert_eq(store_write_async_bulk(s, job, arg, batch_done, &slot), CX_OK);
    cr_assert_eq(store_write_async(s, gate_job, hold, gate_done, NULL), CX_OK);
    pthread_mutex_lock(&w.lock);
    while (w.pending > 0)
        pthread_cond_wait(&w.cond, &w.lock);
    pthread_mutex_unlock(&w.lock);
    cr_assert_eq(w.rcs[0], CX_OK);
    pthread_mutex_lock(&hold->lock);
    while (!hold->entered)
        pthread_cond_wait(&hold->cond, &hold->lock);
    pthread_mutex_unlock(&hold->lock);
    pthread_mutex_destroy(&w.lock);
    pthread_cond_destroy(&w.cond);
}

static void release(gate_t *hold)
{
    pthread_mutex_lock(&hold->lock);
    hold->open = true;
    pthread_cond_broadcast(&hold->cond);
    pthread_mutex_unlock(&hold->lock);
}

Test(search, a_bulk_load_is_indexed_when_the_writer_is_idle)
{
    test_db_t t;
    test_db_make(&t);
    store_t *s = test_db_open(&t, 0);
    int64_t survey = 0;
    cr_assert_eq(store_write(s, survey_job, &survey), CX_OK);

    /* a few rows: searchable at their commit */
    bulk_job_t few = {.survey = survey, .first = 0, .n = 100};
    /* a gate each: the writer may still be leaving one when the next is set */
    gate_t hold[3];
    run_then_hold(s, bulk_job, &few, &hold[0]);
    cr_assert_eq(backlog_of(s), 0, "a small write is indexed in its own commit");
    release(&hold[0]);

    /* many: the commit leaves them; the idle writer indexes them, and a
     * copy taken meanwhile (as after a crash) catches up when opened */
    bulk_job_t many = {.survey = survey, .first = 100, .n = 3 * SEARCH_INDEX_NOW_IDS};
    run_then_hold(s, bulk_job, &many, &hold[1]);
    cr_assert_gt(backlog_of(s), SEARCH_INDEX_NOW_IDS, "the bulk commit left its rows");
    char copy[1100], err[512];
    snprintf(copy, sizeof copy, "%s/copy.db", t.dir);
    cr_assert_eq(store_backup(s, copy, err, sizeof err), CX_OK, "%s", err);
    release(&hold[1]);
    expect_caught_up(s, "after a bulk load");

    /* a command that only reads leaves the backlog alone (it writes
     * nothing, even at close); a server takes it on */
    store_options_t opt = {.path = copy, .readers = 2};
    store_t *c = NULL;
    cr_assert_eq(store_open(&opt, &c, err, sizeof err), CX_OK, "%s", err);
    int64_t left = backlog_of(c);
    cr_assert_gt(left, SEARCH_INDEX_NOW_IDS);
    store_close(c);
    cr_assert_eq(store_open(&opt, &c, err, sizeof err), CX_OK, "%s", err);
    cr_assert_eq(backlog_of(c), left, "a reading command changed the index");
    store_close(c);
    opt.long_running = true;
    cr_assert_eq(store_open(&opt, &c, err, sizeof err), CX_OK, "%s", err);
    expect_caught_up(c, "a copy with a backlog, opened by a server");
    store_close(c);

    /* closing finishes what waits: a command's rows are searchable when
     * it returns */
    bulk_job_t more = {.survey = survey, .first = 20000, .n = 3 * SEARCH_INDEX_NOW_IDS};
    run_then_hold(s, bulk_job, &more, &hold[2]);
    cr_assert_gt(backlog_of(s), 0);
    release(&hold[2]);
    store_close(s);
    s = test_db_open(&t, 0);
    cr_assert_eq(backlog_of(s), 0, "closed with nothing waiting");
    expect_index_equals_rebuild(s, "after closing");
    store_close(s);
    test_db_remove(&t);
}

Test(search, the_lag_stays_bounded)
{
    test_db_t t;
    test_db_make(&t);
    store_t *s = test_db_open(&t, 0);
    int64_t survey = 0;
    cr_assert_eq(store_write(s, survey_job, &survey), CX_OK);
    /* ids far above the newest: more wait than the lag allows, so the
     * commit itself indexes down to the bound */
    bulk_job_t far = {.survey = survey, .first = 0, .n = 3000,
                      .id_gap = SEARCH_INDEX_LAG_IDS + 500000};
    gate_t hold;
    run_then_hold(s, bulk_job, &far, &hold);
    int64_t waiting = backlog_of(s);
    cr_assert_leq(waiting, SEARCH_INDEX_LAG_IDS, "%lld ids wait", (long long)waiting);
    cr_assert_gt(waiting, SEARCH_INDEX_NOW_IDS);
    release(&hold);
    /* what a command does before it reports: everything, at once */
    cr_assert_eq(store_catch_up(s), CX_OK);
    cr_assert_eq(backlog_of(s), 0, "store_catch_up left ids waiting");
    expect_index_equals_rebuild(s, "after the far ids");
    store_close(s);
    test_db_remove(&t);
}

/* Migration 11 makes the indexes again without their size tables: a
 * database at version 10 with rows indexed and rows waiting above the
 * marks comes out with every row indexed exactly once. */
Test(search, the_indexes_made_again_keep_rows_waiting_apart)
{
    test_db_t t;
    test_db_make(&t);
    store_t *s = test_db_open(&t, 10);
    int64_t survey = 0;
    cr_assert_eq(store_write(s, survey_job, &survey), CX_OK);
    bulk_job_t few = {.survey = survey, .first = 0, .n = 100};
    cr_assert_eq(store_write(s, bulk_job, &few), CX_OK);
    bulk_job_t many = {.survey = survey, .first = 100, .n = 3 * SEARCH_INDEX_NOW_IDS};
    gate_t hold;
    run_then_hold(s, bulk_job, &many, &hold);
    cr_assert_gt(backlog_of(s), SEARCH_INDEX_NOW_IDS);
    char copy[1100], err[512];
    snprintf(copy, sizeof copy, "%s/at10.db", t.dir);
    cr_assert_eq(store_backup(s, copy, err, sizeof err), CX_OK, "%s", err);
    release(&hold);
    store_close(s);

    store_options_t opt = {.path = copy, .readers = 2, .long_running = true};
    cr_assert_eq(store_open(&opt, &s, err, sizeof err), CX_OK, "%s", err);
    cr_assert_eq(store_schema_version(s), store_schema_latest());
    expect_caught_up(s, "migrated with rows waiting");
    store_close(s);
    test_db_remove(&t);
}
