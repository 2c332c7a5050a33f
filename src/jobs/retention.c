/*
 * retention.c — the comment retention thread (see retention.h).
 *
 * A failed pass is logged and tried again at the next turn; nothing of it
 * stays (it is one store_write job). Relies on store/privacy.h for the
 * statements and their audit line, and jobs/periodic.h for the thread.
 */
#include "jobs/retention.h"

#include <stdbool.h>
#include <stdlib.h>

#include "jobs/periodic.h"
#include "store/responses.h"
#include "sys/log.h"

#define RETENTION_EVERY_SECONDS (24 * 60 * 60)
#define IDEMPOTENCY_KEEP_SECONDS (24 * 60 * 60)

struct retention {
    store_t *store;
    periodic_t *job;
};

typedef struct retention_pass {
    const char *actor;
    int days;
    privacy_counts_t counts;
} retention_pass_t;

static cx_result retention_pass_job(db_conn_t *db, void *arg)
{
    retention_pass_t *p = arg;
    int64_t now = store_now();
    cx_result rc = store_idempotency_purge(db, now - IDEMPOTENCY_KEEP_SECONDS);
    if (!rc)
        rc = privacy_retention_days(db, &p->days);
    if (rc || p->days == 0)
        return rc;
    /* a pass that removed nothing is not worth a line a day */
    return privacy_retention_apply_audited(db, now, p->days, p->actor, false, &p->counts);
}

cx_result retention_run_once(store_t *store, const char *actor, int *days,
                             privacy_counts_t *counts)
{
    retention_pass_t p = {.actor = actor};
    cx_result rc = store_write(store, retention_pass_job, &p);
    *days = p.days;
    *counts = p.counts;
    return rc;
}

static void retention_turn(periodic_t *job, void *arg)
{
    (void)job;
    retention_t *r = arg;
    int days = 0;
    privacy_counts_t counts;
    cx_result rc = retention_run_once(r->store, "retention", &days, &counts);
    if (rc == CX_ERR_INVALID)
        log_warn("comment retention: the setting %s is not a number of days from 0 to %d",
                 PRIVACY_RETENTION_SETTING, PRIVACY_RETENTION_DAYS_MAX);
    else if (rc)
        log_warn("comment retention: the pass failed: %s", cx_result_text(rc));
    else if (days > 0)
        log_info("comment retention (%d days): removed %lld comment(s), %lld free-text "
                 "answer(s), %lld feedback text(s)",
                 days, (long long)counts.comments, (long long)counts.text_answers,
                 (long long)counts.feedback_texts);
}

cx_result retention_start(store_t *store, retention_t **out)
{
    retention_t *r = calloc(1, sizeof *r);
    if (!r)
        return CX_ERR_NOMEM;
    r->store = store;
    cx_result rc =
        periodic_start(RETENTION_EVERY_SECONDS * 1000L, true, retention_turn, r, &r->job);
    if (rc) {
        free(r);
        return rc;
    }
    *out = r;
    return CX_OK;
}

void retention_stop(retention_t *r)
{
    if (!r)
        return;
    periodic_stop(r->job);
    free(r);
}
