/*
 * test_store.c — opening, migrations from every earlier version, group
 * commit under concurrent writers, savepoint isolation of a failing job,
 * asynchronous writes in one batch, read snapshots and online backup.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "store/accounts.h"
#include "store/feedback.h"
#include "store/store.h"
#include "store_fixture.h"

/* The schema as text: every object's type, name and SQL, in name order. */
static cx_result schema_dump_job(db_conn_t *db, void *arg)
{
    buf_t *out = arg;
    db_stmt_t *st = db_prepare(db, "SELECT type, name, coalesce(sql, '') FROM sqlite_schema"
                                   " WHERE name NOT LIKE 'sqlite_%' ORDER BY name");
    cr_assert_not_null(st);
    while (db_step(st) == DB_ROW)
        buf_printf(out, "%s %s %s\n", db_column_text(st, 0), db_column_text(st, 1),
                   db_column_text(st, 2));
    db_done(st);
    return CX_OK;
}

static char *schema_dump(store_t *s)
{
    buf_t b;
    buf_init(&b, 0);
    cr_assert_eq(store_read(s, schema_dump_job, &b), CX_OK);
    return buf_detach(&b, NULL);
}

static cx_result add_marker_user(db_conn_t *db, void *arg)
{
    (void)arg;
    store_user_t u = {.name = "marker", .role = "viewer", .password_hash = "x", .created_at = 1};
    return store_user_add(db, &u, NULL);
}

static cx_result find_marker_user(db_conn_t *db, void *arg)
{
    arena_t *arena = arg;
    store_user_t u;
    return store_user_find_by_name(db, arena, "marker", &u);
}

Test(store, migrates_a_database_of_every_earlier_version)
{
    test_db_t fresh;
    test_db_make(&fresh);
    store_t *s = test_db_open(&fresh, 0);
    cr_assert_eq(store_schema_version(s), store_schema_latest());
    char *expected = schema_dump(s);
    store_close(s);
    test_db_remove(&fresh);

    for (int version = 0; version < store_schema_latest(); version++) {
        test_db_t t;
        test_db_make(&t);
        if (version == 0) {
            FILE *f = fopen(t.path, "w"); /* an empty file is an empty database */
            cr_assert_not_null(f);
            fclose(f);
        } else {
            s = test_db_open(&t, version);
            cr_assert_eq(store_schema_version(s), version);
            cr_assert_eq(store_write(s, add_marker_user, NULL), CX_OK);
            store_close(s);
        }
        s = test_db_open(&t, 0);
        cr_assert_eq(store_schema_version(s), store_schema_latest(), "from version %d", version);
        char *got = schema_dump(s);
        cr_assert_str_eq(got, expected, "schema after migrating from version %d", version);
        free(got);
        if (version > 0) {
            arena_t arena;
            arena_init(&arena);
            cr_assert_eq(store_read(s, find_marker_user, &arena), CX_OK,
                         "data written at version %d survives", version);
            arena_free(&arena);
        }
        store_close(s);
        test_db_remove(&t);
    }
    free(expected);
}

Test(store, refuses_a_database_newer_than_the_binary)
{
    test_db_t t;
    test_db_make(&t);
    store_close(test_db_open(&t, 0));
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'PRAGMA user_version=999'", t.path);
    cr_assert_eq(system(cmd), 0);
    char err[512];
    store_options_t opt = {.path = t.path};
    store_t *s = NULL;
    cr_assert_eq(store_open(&opt, &s, err, sizeof err), CX_ERR_INVALID);
    cr_assert_null(s);
    cr_assert(strstr(err, "newer") != NULL, "%s", err);
    test_db_remove(&t);
}

Test(store, missing_file_is_not_created_without_create)
{
    char err[512];
    store_options_t opt = {.path = "/nonexistent-dir/none.db"};
    store_t *s = NULL;
    cr_assert_eq(store_open(&opt, &s, err, sizeof err), CX_ERR_NOT_FOUND);
    cr_assert(strstr(err, "cxloop init") != NULL);
}

Test(store, a_file_that_is_not_a_database_is_refused)
{
    test_db_t t;
    test_db_make(&t);
    FILE *f = fopen(t.path, "w");
    fputs("this is not a database, just some text that is long enough to matter\n", f);
    fclose(f);
    char err[512];
    store_options_t opt = {.path = t.path};
    store_t *s = NULL;
    cr_assert_neq(store_open(&opt, &s, err, sizeof err), CX_OK);
    cr_assert_null(s);
    test_db_remove(&t);
}

typedef struct writer_arg {
    store_t *store;
    int thread;
    int count;
    int failures;
} writer_arg_t;

static cx_result add_feedback_job(db_conn_t *db, void *arg)
{
    const int *n = arg;
    char text[64];
    snprintf(text, sizeof text, "item %d", *n);
    store_feedback_t item = {.source = "complaint", .text = text, .received_at = *n,
                             .created_at = *n};
    return store_feedback_add(db, &item, NULL);
}

/* Fails after writing: its row must not survive. */
static cx_result failing_job(db_conn_t *db, void *arg)
{
    cx_result rc = add_feedback_job(db, arg);
    cr_assert_eq(rc, CX_OK);
    return CX_ERR_INVALID;
}

static void *writer_thread(void *p)
{
    writer_arg_t *w = p;
    for (int i = 0; i < w->count; i++) {
        int n = w->thread * 100000 + i;
        bool fail = i % 10 == 3;
        cx_result rc = store_write(w->store, fail ? failing_job : add_feedback_job, &n);
        if (fail)
            cr_assert_eq(rc, CX_ERR_INVALID);
        else if (rc != CX_OK)
            w->failures++;
    }
    return NULL;
}

static cx_result count_feedback(db_conn_t *db, void *arg)
{
    *(int64_t *)arg = store_feedback_count(db);
    return CX_OK;
}

Test(store, concurrent_writers_share_commits_and_failures_stay_alone)
{
    test_db_t t;
    test_db_make(&t);
    store_t *s = test_db_open(&t, 0);
    enum { THREADS = 16, PER_THREAD = 200 };
    pthread_t threads[THREADS];
    writer_arg_t args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i] = (writer_arg_t){.store = s, .thread = i, .count = PER_THREAD};
        cr_assert_eq(pthread_create(&threads[i], NULL, writer_thread, &args[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        cr_assert_eq(args[i].failures, 0);
    }
    int64_t n = 0;
    cr_assert_eq(store_read(s, count_feedback, &n), CX_OK);
    cr_assert_eq(n, THREADS * (PER_THREAD - PER_THREAD / 10), "failed jobs leave no rows");
    store_stats_t stats;
    store_get_stats(s, &stats);
    cr_assert_eq(stats.jobs, (uint64_t)THREADS * PER_THREAD);
    cr_assert(stats.commits < stats.jobs, "jobs were batched: %llu commits for %llu jobs",
              (unsigned long long)stats.commits, (unsigned long long)stats.jobs);
    store_close(s);

    /* everything acknowledged is there after reopening */
    s = test_db_open(&t, 0);
    cr_assert_eq(store_read(s, count_feedback, &n), CX_OK);
    cr_assert_eq(n, THREADS * (PER_THREAD - PER_THREAD / 10));
    store_close(s);
    test_db_remove(&t);
}

/* store_write_async: a gate job holds the writer until every other job
 * is queued, so they share one batch; in it the first job fails (the
 * transaction is begun again without it), a later one fails under its
 * savepoint, and the good ones land. Callbacks come after the commit. */
typedef struct gate {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool open, entered;
    int called;
    cx_result rc[8];
} gate_t;

static gate_t the_gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false,
                        0, {0}};

static cx_result gate_job(db_conn_t *db, void *arg)
{
    (void)db;
    (void)arg;
    pthread_mutex_lock(&the_gate.lock);
    the_gate.entered = true;
    pthread_cond_broadcast(&the_gate.cond);
    while (!the_gate.open)
        pthread_cond_wait(&the_gate.cond, &the_gate.lock);
    pthread_mutex_unlock(&the_gate.lock);
    return CX_OK;
}

static void async_done(void *arg, cx_result rc)
{
    int i = *(const int *)arg % 10;
    pthread_mutex_lock(&the_gate.lock);
    the_gate.rc[i] = rc;
    the_gate.called++;
    pthread_cond_broadcast(&the_gate.cond);
    pthread_mutex_unlock(&the_gate.lock);
}

Test(store, async_writes_share_a_batch_and_failures_stay_alone)
{
    test_db_t t;
    test_db_make(&t);
    store_t *s = test_db_open(&t, 0);
    static int gate_n = 7000, n[6] = {7001, 7002, 7003, 7004, 7005, 7006};
    cr_assert_eq(store_write_async(s, gate_job, NULL, async_done, &gate_n), CX_OK);
    pthread_mutex_lock(&the_gate.lock);
    while (!the_gate.entered)
        pthread_cond_wait(&the_gate.cond, &the_gate.lock);
    pthread_mutex_unlock(&the_gate.lock);
    /* first fails, then good, failing, good, good, failing */
    store_job_fn jobs[6] = {failing_job,      add_feedback_job, failing_job,
                            add_feedback_job, add_feedback_job, failing_job};
    for (int i = 0; i < 6; i++)
        cr_assert_eq(store_write_async(s, jobs[i], &n[i], async_done, &n[i]), CX_OK);
    pthread_mutex_lock(&the_gate.lock);
    the_gate.open = true;
    pthread_cond_broadcast(&the_gate.cond);
    while (the_gate.called < 7)
        pthread_cond_wait(&the_gate.cond, &the_gate.lock);
    pthread_mutex_unlock(&the_gate.lock);
    cx_result want[7] = {CX_OK, CX_ERR_INVALID, CX_OK, CX_ERR_INVALID, CX_OK, CX_OK,
                         CX_ERR_INVALID};
    for (int i = 0; i < 7; i++)
        cr_assert_eq(the_gate.rc[i], want[i], "job %d: %d", i, the_gate.rc[i]);
    int64_t count = 0;
    cr_assert_eq(store_read(s, count_feedback, &count), CX_OK);
    cr_assert_eq(count, 3, "only the good jobs' rows: %lld", (long long)count);
    store_stats_t stats;
    store_get_stats(s, &stats);
    cr_assert_eq(stats.commits, 2, "the gate, then one batch: %llu",
                 (unsigned long long)stats.commits);
    store_close(s);
    test_db_remove(&t);
}

/* foreign_keys as each job of the next test saw it, by n % 10 */
static int64_t foreign_keys_seen[10];

static cx_result add_feedback_noting_checks_job(db_conn_t *db, void *arg)
{
    int i = *(const int *)arg % 10;
    cx_result rc = db_query_int(db_prepare(db, "PRAGMA foreign_keys"), &foreign_keys_seen[i]);
    return rc ? rc : add_feedback_job(db, arg);
}

/* A row that refers to no survey: SQLite's check refuses it. */
static cx_result orphan_response_job(db_conn_t *db, void *arg)
{
    (void)arg;
    return db_exec_stmt(db_prepare(db, "INSERT INTO responses (survey_id, submitted_at,"
                                       " created_at) VALUES (999999, 1, 1)"));
}

/* A bulk job runs alone, without foreign-key checks; behind the gate,
 * [small], [bulk] and [small] are three batches, and the checks are on
 * again for the jobs after it. */
Test(store, a_bulk_job_runs_alone_without_the_foreign_key_checks)
{
    test_db_t t;
    test_db_make(&t);
    store_t *s = test_db_open(&t, 0);
    the_gate.open = false;
    the_gate.entered = false;
    the_gate.called = 0;
    static int gate_n = 8000, n[3] = {8001, 8002, 8003};
    cr_assert_neq(store_write(s, orphan_response_job, NULL), CX_OK, "SQLite checks references");
    cr_assert_eq(store_write_async(s, gate_job, NULL, async_done, &gate_n), CX_OK);
    pthread_mutex_lock(&the_gate.lock);
    while (!the_gate.entered)
        pthread_cond_wait(&the_gate.cond, &the_gate.lock);
    pthread_mutex_unlock(&the_gate.lock);
    cr_assert_eq(store_write_async(s, add_feedback_noting_checks_job, &n[0], async_done, &n[0]),
                 CX_OK);
    cr_assert_eq(
        store_write_async_bulk(s, add_feedback_noting_checks_job, &n[1], async_done, &n[1]),
        CX_OK);
    cr_assert_eq(store_write_async(s, add_feedback_noting_checks_job, &n[2], async_done, &n[2]),
                 CX_OK);
    pthread_mutex_lock(&the_gate.lock);
    the_gate.open = true;
    pthread_cond_broadcast(&the_gate.cond);
    while (the_gate.called < 4)
        pthread_cond_wait(&the_gate.cond, &the_gate.lock);
    pthread_mutex_unlock(&the_gate.lock);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(the_gate.rc[n[i] % 10], CX_OK, "job %d", i);
    cr_assert_eq(foreign_keys_seen[1], 1, "the small job before: checked");
    cr_assert_eq(foreign_keys_seen[2], 0, "the bulk job: not checked");
    cr_assert_eq(foreign_keys_seen[3], 1, "the small job after: checked again");
    cr_assert_neq(store_write(s, orphan_response_job, NULL), CX_OK,
                  "after a bulk job, SQLite still refuses a row that refers to nothing");
    int64_t count = 0;
    cr_assert_eq(store_read(s, count_feedback, &count), CX_OK);
    cr_assert_eq(count, 3);
    store_stats_t stats;
    store_get_stats(s, &stats);
    cr_assert_eq(stats.commits, 6, "two orphans, the gate, [small], [bulk], [small]: %llu",
                 (unsigned long long)stats.commits);
    store_close(s);
    test_db_remove(&t);
}

Test(store, backup_is_a_complete_database)
{
    test_db_t t;
    test_db_make(&t);
    store_t *s = test_db_open(&t, 0);
    for (int i = 0; i < 50; i++)
        cr_assert_eq(store_write(s, add_feedback_job, &i), CX_OK);
    char dest[1100], err[512];
    snprintf(dest, sizeof dest, "%s/copy.db", t.dir);
    cr_assert_eq(store_backup(s, dest, err, sizeof err), CX_OK, "%s", err);
    store_close(s);

    store_options_t opt = {.path = dest};
    cr_assert_eq(store_open(&opt, &s, err, sizeof err), CX_OK, "%s", err);
    int64_t n = 0;
    cr_assert_eq(store_read(s, count_feedback, &n), CX_OK);
    cr_assert_eq(n, 50);
    store_close(s);
    test_db_remove(&t);
}
