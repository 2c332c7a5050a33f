/*
 * refresher.c — the engine's background refresh thread (see refresher.h).
 *
 * Pokes are coalesced: many writes in a burst cause one refresh. A failed
 * refresh is logged (at most once a minute) and retried at the next turn;
 * queries keep answering from what the engine already holds.
 *
 * The thread is a periodic job (periodic.h); this file adds what only the
 * refresher needs: counting finished refreshes so a writer can wait for
 * one that started after its commit, blocking (refresher_sync) or with a
 * callback (refresher_sync_async). Waiters are called without the lock.
 */
#include "jobs/refresher.h"

#include <pthread.h>
#include <stdbool.h>
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

    pthread_mutex_t lock;        /* guards what follows */
    pthread_cond_t done;         /* a refresh finished, or stopping */
    bool running;                /* a refresh is under way */
    bool stopping;
    unsigned long completed;     /* refreshes finished */
    refresher_waiter_t *waiters; /* refresher_sync_async, not answered yet */
};

/* Takes the waiters the refresh that just finished answers (all of them
 * when stopping); the caller calls them without the lock. */
static refresher_waiter_t *take_answered(refresher_t *r)
{
    refresher_waiter_t *answered = NULL, **p = &r->waiters;
    while (*p) {
        refresher_waiter_t *w = *p;
        if (r->stopping || w->target <= r->completed) {
            *p = w->next;
            w->next = answered;
            answered = w;
        } else {
            p = &w->next;
        }
    }
    return answered;
}

static void call_waiters(refresher_waiter_t *w)
{
    while (w) {
        refresher_waiter_t *next = w->next; /* w may be freed by done */
        w->done(w->arg);
        w = next;
    }
}

static void refresher_turn(periodic_t *job, void *arg)
{
    (void)job;
    refresher_t *r = arg;
    pthread_mutex_lock(&r->lock);
    r->running = true;
    pthread_mutex_unlock(&r->lock);

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

    pthread_mutex_lock(&r->lock);
    r->running = false;
    r->completed++;
    pthread_cond_broadcast(&r->done);
    refresher_waiter_t *answered = take_answered(r);
    pthread_mutex_unlock(&r->lock);
    call_waiters(answered);
}

cx_result refresher_start(engine_t *engine, store_t *store, int interval_ms, refresher_t **out)
{
    refresher_t *r = calloc(1, sizeof *r);
    if (!r)
        return CX_ERR_NOMEM;
    r->engine = engine;
    r->store = store;
    r->last_dimensions = time(NULL);
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->done, NULL);
    cx_result rc = periodic_start(interval_ms > 0 ? interval_ms : 1000, false, refresher_turn, r,
                                  &r->job);
    if (rc) {
        pthread_mutex_destroy(&r->lock);
        pthread_cond_destroy(&r->done);
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

/* The number of finished refreshes the caller's write is sure to be in: a
 * refresh already under way may have read before the write committed, so
 * then the one after it. Called with the lock held. */
static unsigned long target_for_caller(const refresher_t *r)
{
    return r->completed + (r->running ? 2 : 1);
}

void refresher_sync(refresher_t *r)
{
    pthread_mutex_lock(&r->lock);
    unsigned long target = target_for_caller(r);
    pthread_mutex_unlock(&r->lock);
    periodic_poke(r->job);
    pthread_mutex_lock(&r->lock);
    while (r->completed < target && !r->stopping)
        pthread_cond_wait(&r->done, &r->lock);
    pthread_mutex_unlock(&r->lock);
}

void refresher_sync_async(refresher_t *r, refresher_waiter_t *w)
{
    pthread_mutex_lock(&r->lock);
    if (r->stopping) {
        pthread_mutex_unlock(&r->lock);
        w->done(w->arg);
        return;
    }
    w->target = target_for_caller(r);
    w->next = r->waiters;
    r->waiters = w;
    pthread_mutex_unlock(&r->lock);
    periodic_poke(r->job);
}

void refresher_stop(refresher_t *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->stopping = true;
    pthread_cond_broadcast(&r->done);
    pthread_mutex_unlock(&r->lock);
    periodic_stop(r->job); /* waits for a refresh under way */
    pthread_mutex_lock(&r->lock);
    refresher_waiter_t *left = take_answered(r); /* stopping: every one left */
    pthread_mutex_unlock(&r->lock);
    call_waiters(left);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->done);
    free(r);
}
