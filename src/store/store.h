/*
 * store.h — the state of one organisation: opening it, and running reads
 * and writes against it.
 *
 * All SQL of cxloop lives under src/store. Callers above (cli, web, jobs)
 * never see SQL: they call the store_* functions of the domain headers
 * (users.h, sessions.h, ...) inside a job given to store_read or
 * store_write, which hand the job a connection:
 *
 *   static cx_result add_user_job(db_conn_t *db, void *arg) { ... }
 *   rc = store_write(store, add_user_job, &args);
 *
 * Writes: every store_write job runs inside a transaction on the single
 * writer connection. Jobs that arrive together are batched into one
 * transaction (group commit): a failing job is rolled back alone (by a
 * savepoint of its own, or with the transaction when it is the first),
 * and store_write returns only after the
 * batch's COMMIT is durable (WAL with synchronous=FULL). A non-CX_OK
 * result from the job means nothing of it was written.
 *
 * Reads: store_read runs the job on a pooled read-only connection inside a
 * read transaction, so it sees one consistent snapshot.
 *
 * A job must not call store_read or store_write itself (it would deadlock
 * or see another snapshot); compose domain functions inside one job.
 */
#ifndef CX_STORE_H
#define CX_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/result.h"
#include "store/db.h"

typedef struct store store_t;

typedef cx_result (*store_job_fn)(db_conn_t *db, void *arg);

typedef struct store_options {
    const char *path;    /* database file */
    bool create;         /* create the file if missing (else CX_ERR_NOT_FOUND) */
    int readers;         /* read connections in the pool; 0 = 8 */
    int max_batch;       /* jobs per group commit at most; 0 = 256 */
    int migrate_to;      /* stop at this schema version (tests); 0 = newest */
    bool bulk_load;      /* loading generated data: no foreign-key checks on
                            the writer (the loader's references are right by
                            construction) and a 1 GiB page cache */
    bool long_running;   /* a server: takes on, when idle, the work an earlier
                            process left (a killed server's search backlog);
                            a command only finishes what its own writes left,
                            so a read-only command never writes */
} store_options_t;

/* Opens (and if asked creates) the database, applies pending migrations and
 * starts the writer. On failure *out is NULL and a message is in errbuf. */
cx_result store_open(const store_options_t *opt, store_t **out, char *errbuf, size_t errlen);
/* Finishes queued writes and the work they left for the writer's idle
 * time (a slice per transaction, so other processes' writes interleave),
 * stops the writer, closes every connection. */
void store_close(store_t *s);

cx_result store_read(store_t *s, store_job_fn fn, void *arg);
cx_result store_write(store_t *s, store_job_fn fn, void *arg);

/* store_write without waiting: the job joins the same group commit, and
 * done(done_arg, rc) is called once, on the writer thread, after the
 * batch's COMMIT returned (rc as store_write would return it). done must
 * be quick and must not call store_read or store_write (it holds up the
 * next commit); it typically hands the result to another thread. Returns
 * CX_OK when the job was queued; otherwise (CX_ERR_BUSY while closing,
 * CX_ERR_NOMEM) done is never called and nothing was written. fn, arg and
 * done_arg must stay valid until done is called. */
typedef void (*store_done_fn)(void *done_arg, cx_result rc);
cx_result store_write_async(store_t *s, store_job_fn fn, void *arg, store_done_fn done,
                            void *done_arg);
/* The same for a job that writes many rows (a bulk request). It runs
 * alone in its batch, without the savepoint that would first copy every
 * page it changes, and without SQLite's foreign-key checks: the job must
 * itself check, inside its transaction, that every row it refers to
 * exists, and must not delete rows (no ON DELETE action runs). Its rows
 * may reach the search index after its commit (search.h). */
cx_result store_write_async_bulk(store_t *s, store_job_fn fn, void *arg, store_done_fn done,
                                 void *done_arg);

/* Does now, in one transaction, what the writer's pre-commit steps left
 * for its idle time (the search index of a bulk load, search.h), so that
 * everything written so far is searchable when it returns. store_close
 * does the same; a command calls it to count the time in its own. */
cx_result store_catch_up(store_t *s);

/* Online copy to dest (SQLite backup API), consistent while writers run. */
cx_result store_backup(store_t *s, const char *dest, char *errbuf, size_t errlen);

/* Schema version the database is at, and the newest this binary knows. */
int store_schema_version(store_t *s);
int store_schema_latest(void);

typedef struct store_stats {
    uint64_t commits;     /* transactions committed by the writer */
    uint64_t jobs;        /* write jobs run */
    uint64_t largest_batch;
} store_stats_t;
void store_get_stats(store_t *s, store_stats_t *out);

/* Current time as Unix seconds (UTC); one clock for everything stored. */
int64_t store_now(void);

#endif
