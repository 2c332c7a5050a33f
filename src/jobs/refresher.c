/*
 * refresher.c — the engine's background refresh thread (see refresher.h).
 *
 * Pokes are coalesced: many writes in a burst cause one refresh. A failed
 * refresh is logged (at most once a minute) and retried at the next turn;
 * queries keep answering from what the engine already holds.
 */
#include "jobs/refresher.h"

#include <stdlib.h>
#include <time.h>

#include "jobs/periodic.h"
#include "sys/log.h"

#define DIMENSIONS_EVERY_SECONDS 60

struct refresher {
    engine_t *engine;
    store_t *store;
    periodic_t *job;
    time_t last_dimensions, last_error_log; /* the job's thread only */
};

static void refresher_turn(periodic_t *job, void *arg)
{
    (void)job;
    refresher_t *r = arg;
    time_t now = time(NULL);
    cx_result rc = CX_OK;
    if (now - r->last_dimensions >= DIMENSIONS_EVERY_SECONDS) {
        rc = engine_reload_dimensions(r->engine, r->store);
        r->last_dimensions = now;
    }
    if (!rc)
        rc = engine_refresh(r->engine, r->store);
    if (rc && now - r->last_error_log >= 60) {
        log_warn("metrics engine: refresh failed: %s", cx_result_text(rc));
        r->last_error_log = now;
    }
}

cx_result refresher_start(engine_t *engine, store_t *store, int interval_ms, refresher_t **out)
{
    refresher_t *r = calloc(1, sizeof *r);
    if (!r)
        return CX_ERR_NOMEM;
    r->engine = engine;
    r->store = store;
    r->last_dimensions = time(NULL);
    cx_result rc = periodic_start(interval_ms > 0 ? interval_ms : 1000, false, refresher_turn, r,
                                  &r->job);
    if (rc) {
        free(r);
        return rc;
    }
    *out = r;
    return CX_OK;
}

void refresher_poke(refresher_t *r)
{
    periodic_poke(r->job);
}

void refresher_sync(refresher_t *r)
{
    periodic_sync(r->job);
}

void refresher_stop(refresher_t *r)
{
    if (!r)
        return;
    periodic_stop(r->job);
    free(r);
}
