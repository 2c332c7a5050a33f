/*
 * db_sqlite.c — the SQLite backend: connections, the statement interface of
 * db.h, the writer thread with group commit, the read pool, migrations and
 * online backup.
 *
 * This is the only file that includes sqlite3.h and the only place where
 * SQLite-specific SQL (pragmas, savepoint handling) is written.
 *
 * Durability: the database runs in WAL mode with synchronous=FULL, so a
 * COMMIT returns after the WAL is fsynced. Many concurrent store_write calls
 * share one COMMIT (group commit): the writer thread takes every job queued
 * while the previous batch was committing, runs each under a savepoint
 * (but the first that succeeds, see writer_run_batch) and commits once.
 * Callers are woken (or called back, store_write_async) only after that
 * COMMIT returned, so an acknowledged write is on disk. Just before the
 * COMMIT the writer runs the store's pre-commit steps (store_pre_commit:
 * the full-text indexing of new rows), once per transaction. A step may
 * leave work for later (a bulk load's rows wait for the search index): the
 * writer then runs the step's catch-up, a transaction at a time, whenever
 * its queue is empty, and to the end before the store closes.
 *
 * Threads: one writer thread owns the write connection. Read connections
 * are pooled; each is used by one thread at a time (SQLITE_OPEN_NOMUTEX).
 */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/db.h"
#include "store/schema.h"
#include "store/search.h"
#include "store/store.h"
#include "sys/log.h"

/* ---- connections and the statement cache ------------------------------ */

struct db_stmt {
    sqlite3_stmt *st;
    const char *sql; /* cache key: the literal's address */
    db_conn_t *conn;
};

struct db_conn {
    sqlite3 *handle;
    db_stmt_t **cache; /* open addressing by sql address */
    size_t cache_size; /* power of two */
    size_t cache_used;
    uint64_t mark_base; /* db_change_mark: += 2^32 at BEGIN and ROLLBACK */
};

static void conn_close(db_conn_t *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->cache_size; i++) {
        if (db->cache[i]) {
            sqlite3_finalize(db->cache[i]->st);
            free(db->cache[i]);
        }
    }
    free(db->cache);
    sqlite3_close(db->handle);
    free(db);
}

/* --- the cxfold tokenizer of the full-text index (search.h) ------------
 * It wraps unicode61, which finds the words and their byte offsets (what
 * snippet() needs), and folds each token with search_fold. A token that
 * fails to fold is indexed as unicode61 gave it, never dropped. */

typedef struct search_tokenizer {
    fts5_tokenizer inner_api;
    Fts5Tokenizer *inner;
} search_tokenizer_t;

typedef struct search_token_ctx {
    void *ctx;
    int (*x_token)(void *, int, const char *, int, int, int);
} search_token_ctx_t;

static int search_tok_create(void *api_ptr, const char **args, int nargs, Fts5Tokenizer **out)
{
    fts5_api *api = api_ptr;
    *out = NULL;
    search_tokenizer_t *t = sqlite3_malloc(sizeof *t);
    if (!t)
        return SQLITE_NOMEM;
    memset(t, 0, sizeof *t);
    void *inner_ctx = NULL;
    int rc = api->xFindTokenizer(api, "unicode61", &inner_ctx, &t->inner_api);
    /* unicode61 finds words and removes most marks already; the folding
     * here adds what it leaves (ł, compatibility forms) */
    static const char *defaults[] = {"remove_diacritics", "2"};
    if (rc == SQLITE_OK)
        rc = t->inner_api.xCreate(inner_ctx, nargs ? args : defaults, nargs ? nargs : 2, &t->inner);
    if (rc != SQLITE_OK) {
        sqlite3_free(t);
        return rc;
    }
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

static void search_tok_delete(Fts5Tokenizer *tok)
{
    search_tokenizer_t *t = (search_tokenizer_t *)tok;
    if (!t)
        return;
    if (t->inner)
        t->inner_api.xDelete(t->inner);
    sqlite3_free(t);
}

static int search_tok_token(void *ctx, int flags, const char *token, int ntoken, int start,
                            int end)
{
    search_token_ctx_t *c = ctx;
    char small[256];
    int n = ntoken >= 0 ? search_fold(token, (size_t)ntoken, small, sizeof small) : -1;
    if (n >= 0)
        return c->x_token(c->ctx, flags, small, n, start, end);
    /* long or odd: try once with room for the longest decompositions */
    size_t cap = (size_t)(ntoken > 0 ? ntoken : 0) * 18 + 16;
    char *big = sqlite3_malloc64(cap);
    if (!big)
        return SQLITE_NOMEM;
    n = search_fold(token, (size_t)ntoken, big, cap);
    int rc = n >= 0 ? c->x_token(c->ctx, flags, big, n, start, end)
                    : c->x_token(c->ctx, flags, token, ntoken, start, end);
    sqlite3_free(big);
    return rc;
}

static int search_tok_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text,
                               int ntext, int (*x_token)(void *, int, const char *, int, int, int))
{
    search_tokenizer_t *t = (search_tokenizer_t *)tok;
    search_token_ctx_t c = {.ctx = ctx, .x_token = x_token};
    return t->inner_api.xTokenize(t->inner, &c, flags, text, ntext, search_tok_token);
}

static int search_register_tokenizer(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK || !api)
        return rc != SQLITE_OK ? rc : SQLITE_ERROR;
    static fts5_tokenizer methods = {search_tok_create, search_tok_delete, search_tok_tokenize};
    return api->xCreateTokenizer(api, "cxfold", api, &methods, NULL);
}

/* cx_fold(text): the folded form of a text (search_fold), for searches
 * outside the full-text index (customer names). NULL stays NULL; text that
 * cannot be folded is returned as it is. */
static void search_fold_function(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *text = (const char *)sqlite3_value_text(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    if (!text) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    size_t cap = (size_t)n * 18 + 16;
    char *out = sqlite3_malloc64(cap);
    if (!out) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    int len = search_fold(text, (size_t)n, out, cap);
    if (len < 0) {
        sqlite3_free(out);
        sqlite3_result_text(ctx, text, n, SQLITE_TRANSIENT);
        return;
    }
    sqlite3_result_text(ctx, out, len, sqlite3_free);
}

/* Every connection of the process gets the tokenizer (an automatic
 * extension), not only the store's: a tool or test that opens the file
 * with plain sqlite3_open can still write rows the triggers index. */
static int search_auto_extension(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api)
{
    (void)errmsg;
    (void)api;
    int rc = search_register_tokenizer(db);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "cx_fold", 1,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                     search_fold_function, NULL, NULL);
    return rc;
}

static int search_auto_rc = SQLITE_OK;

static void search_auto_register(void)
{
    /* SQLite's documented way to pass the entry point: through void (*)(void) */
    search_auto_rc = sqlite3_auto_extension((void (*)(void))search_auto_extension);
}

/* Runs SQL without results (pragmas, DDL, transaction control). */
static int conn_exec(db_conn_t *db, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(db->handle, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) {
        log_error("sqlite: %s: %s", err ? err : sqlite3_errstr(rc), sql);
        sqlite3_free(err);
    }
    return rc;
}

static cx_result conn_open(const char *path, bool writer, bool create, db_conn_t **out,
                           char *errbuf, size_t errlen)
{
    *out = NULL;
    static pthread_once_t search_once = PTHREAD_ONCE_INIT;
    pthread_once(&search_once, search_auto_register);
    if (search_auto_rc != SQLITE_OK) {
        snprintf(errbuf, errlen, "%s: cannot register the search tokenizer", path);
        return CX_ERR_STORE;
    }
    db_conn_t *db = calloc(1, sizeof *db);
    if (!db)
        return CX_ERR_NOMEM;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (create)
        flags |= SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path, &db->handle, flags, NULL);
    if (rc != SQLITE_OK) {
        snprintf(errbuf, errlen, "%s: %s", path,
                 db->handle ? sqlite3_errmsg(db->handle) : sqlite3_errstr(rc));
        conn_close(db);
        return rc == SQLITE_CANTOPEN ? CX_ERR_NOT_FOUND : CX_ERR_STORE;
    }
    sqlite3_extended_result_codes(db->handle, 1);
    sqlite3_busy_timeout(db->handle, 10000);
    db->cache_size = 64;
    db->cache = calloc(db->cache_size, sizeof *db->cache);
    if (!db->cache) {
        conn_close(db);
        return CX_ERR_NOMEM;
    }
    /* Readers do not memory-map the file: in WAL mode SQLite unmaps the
     * whole mapping at the start of every read transaction that follows a
     * commit, so under a steady stream of writes each read paid a munmap,
     * a new mmap and its page faults. Their page cache serves instead.
     * The writer checkpoints the WAL every 4,000 pages (16 MiB with 4 KiB
     * pages), not SQLite's 1,000: a bulk request writes more than 1,000
     * pages, so the writer copied the WAL into the database and synced it
     * after every commit, a tenth of its time, and pages that several
     * commits change (index and B-tree inner pages) were copied each time.
     * The writer keeps SQLite's default temp_store (files): each job runs
     * under a savepoint, and with an in-memory statement journal SQLite's
     * time per change grows with the journal, which made a million-row
     * import into a large table take minutes instead of seconds. */
    const char *setup = writer ? "PRAGMA journal_mode=WAL;"
                                 "PRAGMA synchronous=FULL;"
                                 "PRAGMA foreign_keys=ON;"
                                 "PRAGMA cache_size=-65536;"
                                 "PRAGMA wal_autocheckpoint=4000;"
                               : "PRAGMA foreign_keys=ON;"
                                 "PRAGMA query_only=ON;"
                                 "PRAGMA temp_store=MEMORY;"
                                 "PRAGMA cache_size=-16384;";
    if (conn_exec(db, setup) != SQLITE_OK) {
        snprintf(errbuf, errlen, "%s: %s", path, sqlite3_errmsg(db->handle));
        conn_close(db);
        return CX_ERR_STORE;
    }
    /* A file that is not a database fails on its first read. */
    sqlite3_stmt *probe = NULL;
    rc = sqlite3_prepare_v2(db->handle, "SELECT count(*) FROM sqlite_schema", -1, &probe, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(probe);
    sqlite3_finalize(probe);
    if (rc != SQLITE_ROW) {
        snprintf(errbuf, errlen, "%s: %s", path, sqlite3_errmsg(db->handle));
        conn_close(db);
        return CX_ERR_STORE;
    }
    *out = db;
    return CX_OK;
}

static size_t cache_slot(const db_conn_t *db, const char *sql)
{
    uintptr_t h = (uintptr_t)sql;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 7) & (db->cache_size - 1);
}

static bool cache_grow(db_conn_t *db)
{
    size_t old_size = db->cache_size;
    db_stmt_t **old = db->cache;
    db->cache_size = old_size * 2;
    db->cache = calloc(db->cache_size, sizeof *db->cache);
    if (!db->cache) {
        db->cache = old;
        db->cache_size = old_size;
        return false;
    }
    for (size_t i = 0; i < old_size; i++) {
        if (!old[i])
            continue;
        size_t j = cache_slot(db, old[i]->sql);
        while (db->cache[j])
            j = (j + 1) & (db->cache_size - 1);
        db->cache[j] = old[i];
    }
    free(old);
    return true;
}

db_stmt_t *db_prepare(db_conn_t *db, const char *sql)
{
    size_t i = cache_slot(db, sql);
    while (db->cache[i]) {
        if (db->cache[i]->sql == sql) {
            sqlite3_reset(db->cache[i]->st);
            sqlite3_clear_bindings(db->cache[i]->st);
            return db->cache[i];
        }
        i = (i + 1) & (db->cache_size - 1);
    }
    if ((db->cache_used + 1) * 2 > db->cache_size) {
        if (!cache_grow(db))
            return NULL;
        i = cache_slot(db, sql);
        while (db->cache[i])
            i = (i + 1) & (db->cache_size - 1);
    }
    db_stmt_t *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    int rc = sqlite3_prepare_v3(db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->st, NULL);
    if (rc != SQLITE_OK) {
        log_error("sqlite prepare: %s: %s", sqlite3_errmsg(db->handle), sql);
        free(st);
        return NULL;
    }
    st->sql = sql;
    st->conn = db;
    db->cache[i] = st;
    db->cache_used++;
    return st;
}

void db_done(db_stmt_t *st)
{
    if (!st)
        return;
    sqlite3_reset(st->st);
    sqlite3_clear_bindings(st->st);
}

void db_bind_int(db_stmt_t *st, int idx, int64_t v) { sqlite3_bind_int64(st->st, idx, v); }
void db_bind_double(db_stmt_t *st, int idx, double v) { sqlite3_bind_double(st->st, idx, v); }
void db_bind_null(db_stmt_t *st, int idx) { sqlite3_bind_null(st->st, idx); }

void db_bind_text(db_stmt_t *st, int idx, const char *s)
{
    if (s)
        sqlite3_bind_text(st->st, idx, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st->st, idx);
}

void db_bind_textn(db_stmt_t *st, int idx, const char *s, size_t n)
{
    if (s)
        sqlite3_bind_text64(st->st, idx, s, n, SQLITE_TRANSIENT, SQLITE_UTF8);
    else
        sqlite3_bind_null(st->st, idx);
}

void db_bind_blob(db_stmt_t *st, int idx, const void *p, size_t n)
{
    sqlite3_bind_blob64(st->st, idx, p, n, SQLITE_TRANSIENT);
}

db_step_result db_step(db_stmt_t *st)
{
    int rc = sqlite3_step(st->st);
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    if ((rc & 0xFF) == SQLITE_CONSTRAINT)
        return DB_CONSTRAINT;
    log_error("sqlite step: %s: %s", sqlite3_errmsg(st->conn->handle), st->sql);
    return DB_ERROR;
}

bool db_column_is_null(db_stmt_t *st, int col)
{
    return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}
int64_t db_column_int(db_stmt_t *st, int col) { return sqlite3_column_int64(st->st, col); }
double db_column_double(db_stmt_t *st, int col) { return sqlite3_column_double(st->st, col); }
size_t db_column_bytes(db_stmt_t *st, int col) { return (size_t)sqlite3_column_bytes(st->st, col); }
const void *db_column_blob(db_stmt_t *st, int col) { return sqlite3_column_blob(st->st, col); }

const char *db_column_text(db_stmt_t *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st->st, col);
    return t ? (const char *)t : "";
}

cx_result db_exec_stmt(db_stmt_t *st)
{
    if (!st)
        return CX_ERR_STORE;
    db_step_result r = db_step(st);
    while (r == DB_ROW)
        r = db_step(st);
    db_done(st);
    if (r == DB_DONE)
        return CX_OK;
    return r == DB_CONSTRAINT ? CX_ERR_CONFLICT : CX_ERR_STORE;
}

int64_t db_changes(db_conn_t *db) { return sqlite3_changes64(db->handle); }

uint64_t db_change_mark(db_conn_t *db)
{
    return db->mark_base + (uint64_t)sqlite3_total_changes64(db->handle);
}

/* Whatever a job read before may be stale: another process may have
 * written before this transaction, or changes were rolled back. */
static void conn_forget(db_conn_t *db) { db->mark_base += (uint64_t)1 << 32; }

cx_result db_exec_changed(db_conn_t *db, db_stmt_t *st)
{
    cx_result rc = db_exec_stmt(st);
    if (!rc && db_changes(db) == 0)
        rc = CX_ERR_NOT_FOUND;
    return rc;
}

cx_result db_insert_id(db_stmt_t *st, int64_t *id_out)
{
    if (!st)
        return CX_ERR_STORE;
    cx_result rc;
    switch (db_step(st)) {
    case DB_ROW:
        if (id_out)
            *id_out = db_column_int(st, 0);
        rc = CX_OK;
        break;
    case DB_CONSTRAINT: rc = CX_ERR_CONFLICT; break;
    default: rc = CX_ERR_STORE;
    }
    db_done(st);
    return rc;
}

cx_result db_query_int(db_stmt_t *st, int64_t *out)
{
    if (!st)
        return CX_ERR_STORE;
    db_step_result r = db_step(st);
    cx_result rc;
    if (r == DB_ROW) {
        *out = db_column_int(st, 0);
        rc = CX_OK;
    } else {
        rc = r == DB_DONE ? CX_ERR_NOT_FOUND : CX_ERR_STORE;
    }
    db_done(st);
    return rc;
}

/* Runs one statement without results from the statement cache: for the
 * transaction control every job pays for (BEGIN, SAVEPOINT, COMMIT ...),
 * which sqlite3_exec would parse again each time. sql must be a literal. */
static int conn_run(db_conn_t *db, const char *sql)
{
    db_stmt_t *st = db_prepare(db, sql);
    if (!st)
        return SQLITE_ERROR;
    int rc = sqlite3_step(st->st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW)
        rc = SQLITE_OK;
    else
        log_error("sqlite: %s: %s", sqlite3_errmsg(db->handle), sql);
    sqlite3_reset(st->st);
    return rc;
}

/* ---- the store: writer thread, read pool ------------------------------- */

/* Work done once per writer transaction, after its jobs and before its
 * COMMIT: what would cost much more per statement (search.h: FTS5 writes
 * a segment per statement). A step whose tables an older schema version
 * lacks says so through ready, asked once at open; a failing step fails
 * the whole batch. run may leave work behind (*behind); catch_up does the
 * next part of it in a transaction of its own, and backlog tells at open
 * whether an earlier process left some. */
typedef struct store_pre_commit_step {
    bool (*ready)(db_conn_t *db);
    cx_result (*run)(db_conn_t *db, bool *behind);
    cx_result (*catch_up)(db_conn_t *db, bool all, bool *behind);
    cx_result (*backlog)(db_conn_t *db, int64_t *amount);
} store_pre_commit_step_t;

static const store_pre_commit_step_t store_pre_commit[] = {
    {search_index_ready, search_index_pending, search_index_catch_up, search_index_backlog},
};
#define STORE_PRE_COMMIT_COUNT (sizeof store_pre_commit / sizeof store_pre_commit[0])

typedef struct write_job {
    store_job_fn fn;
    void *arg;
    cx_result rc;
    bool done;
    struct write_job *next;
    /* store_write_async: called after the commit; the job is then freed
     * by the writer (a store_write job lives on its caller's stack) */
    store_done_fn on_done;
    void *done_arg;
    bool bulk; /* alone in its batch: see store_write_async_bulk */
} write_job_t;

struct store {
    char *path;
    db_conn_t *writer;
    int max_batch;
    bool foreign_keys;                          /* the writer's setting between bulk jobs */
    bool pre_commit_on[STORE_PRE_COMMIT_COUNT]; /* the step's ready said yes */
    bool behind[STORE_PRE_COMMIT_COUNT];        /* the step left work: catch up (writer only) */
    time_t catch_up_failed_at;                  /* retry a failed catch-up after a while */

    pthread_t writer_thread;
    pthread_mutex_t lock;       /* queue, stats and shutdown flag */
    pthread_cond_t job_queued;  /* writer waits for work */
    pthread_cond_t batch_done;  /* callers wait for their commit */
    write_job_t *queue_head, *queue_tail;
    bool stopping;
    store_stats_t stats;

    pthread_mutex_t pool_lock;
    pthread_cond_t pool_free;
    db_conn_t **readers;
    int nreaders;
    int nidle;
    db_conn_t **idle;
};

int64_t store_now(void) { return (int64_t)time(NULL); }

int store_schema_latest(void) { return schema_migration_count(); }

static int conn_user_version(db_conn_t *db)
{
    sqlite3_stmt *st = NULL;
    int version = -1;
    if (sqlite3_prepare_v2(db->handle, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return version;
}

int store_schema_version(store_t *s) { return conn_user_version(s->writer); }

static cx_result migrate(db_conn_t *db, int target, char *errbuf, size_t errlen)
{
    int version = conn_user_version(db);
    if (version < 0) {
        snprintf(errbuf, errlen, "cannot read the schema version");
        return CX_ERR_STORE;
    }
    if (version > schema_migration_count()) {
        snprintf(errbuf, errlen,
                 "the database is at schema version %d, newer than this cxloop (%d); "
                 "upgrade cxloop",
                 version, schema_migration_count());
        return CX_ERR_INVALID;
    }
    for (int v = version + 1; v <= target; v++) {
        char set_version[64];
        snprintf(set_version, sizeof set_version, "PRAGMA user_version=%d", v);
        if (conn_exec(db, "BEGIN IMMEDIATE") != SQLITE_OK)
            goto failed;
        if (conn_exec(db, schema_migration_sql(v)) != SQLITE_OK ||
            conn_exec(db, set_version) != SQLITE_OK) {
            conn_exec(db, "ROLLBACK");
            goto failed;
        }
        if (conn_exec(db, "COMMIT") != SQLITE_OK) {
            conn_exec(db, "ROLLBACK");
            goto failed;
        }
        if (version > 0)
            log_info("store: migrated to schema version %d", v);
        continue;
    failed:
        snprintf(errbuf, errlen, "migration %d failed: %s", v, sqlite3_errmsg(db->handle));
        return CX_ERR_STORE;
    }
    return CX_OK;
}

/* Runs one batch in one transaction. Until a job succeeds, a job runs
 * without a savepoint: when it fails, the transaction holds only its
 * changes, so it is rolled back and begun again. Every job after a
 * successful one runs under a savepoint and, failing, is rolled back
 * alone. A savepoint first copies every page the job changes into a
 * sub-journal, which for a large job (a bulk request) costs about as much
 * as its inserts; most batches start with a job that succeeds. */
static void writer_run_batch(store_t *s, write_job_t *batch)
{
    db_conn_t *db = s->writer;
    conn_forget(db);
    /* a bulk job checked every row it refers to inside this transaction;
     * SQLite's checks would look each one up again (a fifth of the time
     * of a bulk insert) and the job deletes nothing that cascades */
    bool unchecked = batch->bulk && s->foreign_keys;
    if (unchecked)
        conn_run(db, "PRAGMA foreign_keys=OFF");
    bool began = conn_run(db, "BEGIN IMMEDIATE") == SQLITE_OK;
    bool kept = false; /* a job's changes are in the transaction */
    for (write_job_t *j = batch; j; j = j->next) {
        if (!began) {
            j->rc = CX_ERR_STORE;
            continue;
        }
        if (!kept) {
            j->rc = j->fn(db, j->arg);
            if (j->rc == CX_OK) {
                kept = true;
            } else {
                conn_run(db, "ROLLBACK");
                conn_forget(db);
                began = conn_run(db, "BEGIN IMMEDIATE") == SQLITE_OK;
            }
            continue;
        }
        if (conn_run(db, "SAVEPOINT job") != SQLITE_OK) {
            j->rc = CX_ERR_STORE;
            continue;
        }
        j->rc = j->fn(db, j->arg);
        if (j->rc != CX_OK) {
            conn_run(db, "ROLLBACK TO job");
            conn_forget(db);
        }
        conn_run(db, "RELEASE job");
    }
    /* after every job, so each step sees the batch's final rows; a batch
     * whose jobs all failed changed nothing and needs none */
    bool failed = false;
    bool behind[STORE_PRE_COMMIT_COUNT] = {false};
    for (size_t i = 0; began && kept && !failed && i < STORE_PRE_COMMIT_COUNT; i++)
        failed = s->pre_commit_on[i] && store_pre_commit[i].run(db, &behind[i]) != CX_OK;
    if (began && (failed || conn_run(db, "COMMIT") != SQLITE_OK)) {
        conn_run(db, "ROLLBACK");
        conn_forget(db);
        for (write_job_t *j = batch; j; j = j->next)
            if (j->rc == CX_OK)
                j->rc = CX_ERR_STORE;
    } else if (began && kept) {
        for (size_t i = 0; i < STORE_PRE_COMMIT_COUNT; i++)
            s->behind[i] = behind[i];
    }
    if (unchecked)
        conn_run(db, "PRAGMA foreign_keys=ON");
}

/* Whether a step left work (the flags are the writer thread's own). */
static bool writer_has_backlog(const store_t *s)
{
    for (size_t i = 0; i < STORE_PRE_COMMIT_COUNT; i++)
        if (s->pre_commit_on[i] && s->behind[i])
            return true;
    return false;
}

/* One transaction of every step's catch-up (a slice, or all of it);
 * false when there was nothing to do or it failed (another process
 * holding the write lock, say). */
static bool writer_catch_up(store_t *s, bool all)
{
    db_conn_t *db = s->writer;
    if (!writer_has_backlog(s))
        return false;
    conn_forget(db);
    bool ok = conn_run(db, "BEGIN IMMEDIATE") == SQLITE_OK;
    bool behind[STORE_PRE_COMMIT_COUNT] = {false};
    for (size_t i = 0; ok && i < STORE_PRE_COMMIT_COUNT; i++)
        if (s->pre_commit_on[i] && s->behind[i])
            ok = store_pre_commit[i].catch_up(db, all, &behind[i]) == CX_OK;
    if (ok && conn_run(db, "COMMIT") == SQLITE_OK) {
        for (size_t i = 0; i < STORE_PRE_COMMIT_COUNT; i++)
            s->behind[i] = behind[i];
        s->catch_up_failed_at = 0;
        return true;
    }
    conn_run(db, "ROLLBACK");
    conn_forget(db);
    s->catch_up_failed_at = time(NULL);
    log_error("store: catching up the search index failed; trying again later");
    return false;
}

static void *writer_main(void *arg)
{
    store_t *s = arg;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        while (!s->queue_head && !s->stopping) {
            /* idle: a slice of the work a step left, then look again;
             * after a failure, not before a while has passed */
            if (writer_has_backlog(s)) {
                if (!s->catch_up_failed_at || time(NULL) - s->catch_up_failed_at >= 2) {
                    pthread_mutex_unlock(&s->lock);
                    writer_catch_up(s, false);
                    pthread_mutex_lock(&s->lock);
                } else {
                    struct timespec until;
                    clock_gettime(CLOCK_REALTIME, &until);
                    until.tv_sec += 1;
                    pthread_cond_timedwait(&s->job_queued, &s->lock, &until);
                }
                continue;
            }
            pthread_cond_wait(&s->job_queued, &s->lock);
        }
        if (!s->queue_head && s->stopping)
            break;
        /* take up to max_batch jobs */
        write_job_t *batch = s->queue_head, *last = batch;
        int n = 1;
        while (!batch->bulk && last->next && n < s->max_batch && !last->next->bulk) {
            last = last->next;
            n++;
        }
        s->queue_head = last->next;
        if (!s->queue_head)
            s->queue_tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&s->lock);

        writer_run_batch(s, batch);

        pthread_mutex_lock(&s->lock);
        s->stats.commits++;
        s->stats.jobs += (uint64_t)n;
        if ((uint64_t)n > s->stats.largest_batch)
            s->stats.largest_batch = (uint64_t)n;
        /* store_write jobs live on callers' stacks: read next before
         * done; asynchronous ones are ours and are answered below */
        write_job_t *async_jobs = NULL;
        for (write_job_t *j = batch; j;) {
            write_job_t *next = j->next;
            if (j->on_done) {
                j->next = async_jobs;
                async_jobs = j;
            } else {
                j->done = true;
            }
            j = next;
        }
        pthread_cond_broadcast(&s->batch_done);
        if (async_jobs) {
            pthread_mutex_unlock(&s->lock);
            while (async_jobs) {
                write_job_t *next = async_jobs->next;
                async_jobs->on_done(async_jobs->done_arg, async_jobs->rc);
                free(async_jobs);
                async_jobs = next;
            }
            pthread_mutex_lock(&s->lock);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

cx_result store_write(store_t *s, store_job_fn fn, void *arg)
{
    write_job_t job = {.fn = fn, .arg = arg, .rc = CX_OK, .done = false, .next = NULL};
    pthread_mutex_lock(&s->lock);
    if (s->stopping) {
        pthread_mutex_unlock(&s->lock);
        return CX_ERR_BUSY;
    }
    if (s->queue_tail)
        s->queue_tail->next = &job;
    else
        s->queue_head = &job;
    s->queue_tail = &job;
    pthread_cond_signal(&s->job_queued);
    while (!job.done)
        pthread_cond_wait(&s->batch_done, &s->lock);
    pthread_mutex_unlock(&s->lock);
    return job.rc;
}

static cx_result queue_async(store_t *s, store_job_fn fn, void *arg, store_done_fn done,
                             void *done_arg, bool bulk)
{
    write_job_t *job = calloc(1, sizeof *job);
    if (!job)
        return CX_ERR_NOMEM;
    *job = (write_job_t){.fn = fn, .arg = arg, .rc = CX_OK, .on_done = done, .done_arg = done_arg,
                         .bulk = bulk};
    pthread_mutex_lock(&s->lock);
    if (s->stopping) {
        pthread_mutex_unlock(&s->lock);
        free(job);
        return CX_ERR_BUSY;
    }
    if (s->queue_tail)
        s->queue_tail->next = job;
    else
        s->queue_head = job;
    s->queue_tail = job;
    pthread_cond_signal(&s->job_queued);
    pthread_mutex_unlock(&s->lock);
    return CX_OK;
}

/* A job that does every step's left work inside the writer's
 * transaction; the pre-commit steps that follow it then find nothing
 * left and clear the writer's flags. */
static cx_result catch_up_job(db_conn_t *db, void *arg)
{
    store_t *s = arg;
    for (size_t i = 0; i < STORE_PRE_COMMIT_COUNT; i++) {
        bool behind = false;
        if (s->pre_commit_on[i] && store_pre_commit[i].catch_up(db, true, &behind) != CX_OK)
            return CX_ERR_STORE;
    }
    return CX_OK;
}

cx_result store_catch_up(store_t *s) { return store_write(s, catch_up_job, s); }

cx_result store_write_async(store_t *s, store_job_fn fn, void *arg, store_done_fn done,
                            void *done_arg)
{
    return queue_async(s, fn, arg, done, done_arg, false);
}

cx_result store_write_async_bulk(store_t *s, store_job_fn fn, void *arg, store_done_fn done,
                                 void *done_arg)
{
    return queue_async(s, fn, arg, done, done_arg, true);
}

static db_conn_t *pool_acquire(store_t *s)
{
    pthread_mutex_lock(&s->pool_lock);
    while (s->nidle == 0)
        pthread_cond_wait(&s->pool_free, &s->pool_lock);
    db_conn_t *db = s->idle[--s->nidle];
    pthread_mutex_unlock(&s->pool_lock);
    return db;
}

static void pool_release(store_t *s, db_conn_t *db)
{
    pthread_mutex_lock(&s->pool_lock);
    s->idle[s->nidle++] = db;
    pthread_cond_signal(&s->pool_free);
    pthread_mutex_unlock(&s->pool_lock);
}

cx_result store_read(store_t *s, store_job_fn fn, void *arg)
{
    db_conn_t *db = pool_acquire(s);
    cx_result rc;
    if (conn_run(db, "BEGIN") != SQLITE_OK) {
        rc = CX_ERR_STORE;
    } else {
        rc = fn(db, arg);
        conn_run(db, "COMMIT");
    }
    pool_release(s, db);
    return rc;
}

void store_get_stats(store_t *s, store_stats_t *out)
{
    pthread_mutex_lock(&s->lock);
    *out = s->stats;
    pthread_mutex_unlock(&s->lock);
}

static void store_free(store_t *s)
{
    for (int i = 0; i < s->nreaders; i++)
        conn_close(s->readers[i]);
    free(s->readers);
    free(s->idle);
    conn_close(s->writer);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->job_queued);
    pthread_cond_destroy(&s->batch_done);
    pthread_mutex_destroy(&s->pool_lock);
    pthread_cond_destroy(&s->pool_free);
    free(s->path);
    free(s);
}

/* Before SQLite initialises: without memory statistics (which nothing
 * reads) every allocation SQLite makes skips a process-wide mutex, which
 * the writer, the readers and the refresher otherwise contend for. */
static void sqlite_configure(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

cx_result store_open(const store_options_t *opt, store_t **out, char *errbuf, size_t errlen)
{
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    pthread_once(&configured, sqlite_configure);
    *out = NULL;
    errbuf[0] = '\0';
    if (!opt->create && access(opt->path, F_OK) != 0) {
        snprintf(errbuf, errlen, "%s: no such database (create it with 'cxloop init')",
                 opt->path);
        return CX_ERR_NOT_FOUND;
    }
    store_t *s = calloc(1, sizeof *s);
    if (!s)
        return CX_ERR_NOMEM;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->job_queued, NULL);
    pthread_cond_init(&s->batch_done, NULL);
    pthread_mutex_init(&s->pool_lock, NULL);
    pthread_cond_init(&s->pool_free, NULL);
    s->max_batch = opt->max_batch > 0 ? opt->max_batch : 256;
    s->path = strdup(opt->path);
    if (!s->path) {
        store_free(s);
        return CX_ERR_NOMEM;
    }
    cx_result rc = conn_open(opt->path, true, opt->create, &s->writer, errbuf, errlen);
    if (rc) {
        store_free(s);
        return rc;
    }
    if (opt->bulk_load &&
        conn_exec(s->writer, "PRAGMA foreign_keys=OFF; PRAGMA cache_size=-1048576") != SQLITE_OK) {
        store_free(s);
        return CX_ERR_STORE;
    }
    s->foreign_keys = !opt->bulk_load;
    int target = opt->migrate_to > 0 ? opt->migrate_to : schema_migration_count();
    rc = migrate(s->writer, target, errbuf, errlen);
    if (rc) {
        store_free(s);
        return rc;
    }
    /* a server takes on the work an earlier process left (it was killed
     * with a backlog); a command leaves it to the server, or to the next
     * process whose own commit finds it */
    for (size_t i = 0; i < STORE_PRE_COMMIT_COUNT; i++) {
        int64_t amount = 0;
        s->pre_commit_on[i] = store_pre_commit[i].ready(s->writer);
        s->behind[i] = opt->long_running && s->pre_commit_on[i] &&
                       store_pre_commit[i].backlog(s->writer, &amount) == CX_OK && amount > 0;
    }
    s->nreaders = opt->readers > 0 ? opt->readers : 8;
    s->readers = calloc((size_t)s->nreaders, sizeof *s->readers);
    s->idle = calloc((size_t)s->nreaders, sizeof *s->idle);
    if (!s->readers || !s->idle) {
        store_free(s);
        return CX_ERR_NOMEM;
    }
    for (int i = 0; i < s->nreaders; i++) {
        rc = conn_open(opt->path, false, false, &s->readers[i], errbuf, errlen);
        if (rc) {
            store_free(s);
            return rc;
        }
        s->idle[s->nidle++] = s->readers[i];
    }
    if (pthread_create(&s->writer_thread, NULL, writer_main, s) != 0) {
        snprintf(errbuf, errlen, "cannot start the writer thread");
        store_free(s);
        return CX_ERR_INTERNAL;
    }
    *out = s;
    return CX_OK;
}

void store_close(store_t *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    s->stopping = true;
    pthread_cond_signal(&s->job_queued);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->writer_thread, NULL);
    /* what a step left is done before the store closes, so a command's
     * rows are searchable when it returns; a slice per transaction, so a
     * server writing meanwhile waits at most one slice at a time */
    if (writer_has_backlog(s))
        log_info("store: indexing the newest rows for search before closing");
    while (writer_catch_up(s, false))
        ;
    /* fold the WAL back so a copied file is complete on its own */
    conn_exec(s->writer, "PRAGMA wal_checkpoint(TRUNCATE)");
    store_free(s);
}

cx_result store_backup(store_t *s, const char *dest, char *errbuf, size_t errlen)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", dest, (long)getpid()) >= (int)sizeof tmp) {
        snprintf(errbuf, errlen, "%s: path too long", dest);
        return CX_ERR_INVALID;
    }
    sqlite3 *out = NULL;
    int rc = sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        snprintf(errbuf, errlen, "%s: %s", dest, out ? sqlite3_errmsg(out) : sqlite3_errstr(rc));
        sqlite3_close(out);
        return CX_ERR_IO;
    }
    db_conn_t *src = pool_acquire(s);
    /* A single step copies every page under one read snapshot; in WAL mode
     * writers go on meanwhile. */
    sqlite3_backup *bk = sqlite3_backup_init(out, "main", src->handle, "main");
    if (bk) {
        rc = sqlite3_backup_step(bk, -1);
        sqlite3_backup_finish(bk);
    } else {
        rc = sqlite3_errcode(out);
    }
    pool_release(s, src);
    if (rc == SQLITE_DONE)
        rc = sqlite3_exec(out, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        snprintf(errbuf, errlen, "%s: backup failed: %s", dest, sqlite3_errmsg(out));
        sqlite3_close(out);
        unlink(tmp);
        return CX_ERR_IO;
    }
    sqlite3_close(out);
    if (rename(tmp, dest) != 0) {
        snprintf(errbuf, errlen, "%s: %s", dest, strerror(errno));
        unlink(tmp);
        return CX_ERR_IO;
    }
    return CX_OK;
}
