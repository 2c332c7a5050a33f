/*
 * retention.h — the daily pass that removes comment texts older than the
 * organisation's retention period (setting comment_retention_days, see
 * store/privacy.h) while a server runs.
 *
 * The first pass runs as soon as the job starts, then one a day. Each pass
 * reads the setting anew, so a changed period applies from the next pass;
 * 0 or unset does nothing. A pass also forgets idempotency keys older
 * than a day (they hold request bodies, comments included). Scores are
 * never touched, so the metrics engine needs no refresh.
 *
 * The job borrows the store; the store must outlive it.
 */
#ifndef CX_JOBS_RETENTION_H
#define CX_JOBS_RETENTION_H

#include "core/result.h"
#include "store/privacy.h"
#include "store/store.h"

typedef struct retention retention_t;

cx_result retention_start(store_t *store, retention_t **out);
/* Stops the thread (waiting for a pass under way) and frees the job. NULL
 * is fine. */
void retention_stop(retention_t *r);

/* One pass now, in the calling thread: *days is the period found (0: off),
 * *counts what was removed. The audit log gets a line (actor `actor`)
 * when anything was. */
cx_result retention_run_once(store_t *store, const char *actor, int *days,
                             privacy_counts_t *counts);

#endif
