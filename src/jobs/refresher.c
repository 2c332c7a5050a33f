/*
 * refresher.c — the engine's background refresh thread (see refresher.h).
 *
 * Pokes are coalesced: many writes in a burst cause one refresh. A failed
 * refresh is logged (at most once a minute) and retried at the next turn;
 * queries keep answering from what the engine already holds.
 */
#include "jobs/refresher.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "sys/log.h"

#define DIMENSIONS_EVERY_SECONDS 60

struct refresher {
    engine_t *engine;
    store_t *store;
    int interval_ms;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;      /* poked or stopping */
    pthread_cond_t done;      /* a refresh finished */
    bool poked, stopping;
    bool running;             /* a refresh is under way */
    unsigned long completed;  /* refreshes finished */
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

static void deadline_after(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static void *refresher_main(void *arg)
{
    refresher_t *r = arg;
    time_t last_dimensions = time(NULL), last_error_log = 0;
    pthread_mutex_lock(&r->lock);
    while (!r->stopping) {
        if (!r->poked) {
            struct timespec until;
            deadline_after(&until, r->interval_ms);
            while (!r->poked && !r->stopping &&
                   pthread_cond_timedwait(&r->wake, &r->lock, &until) != ETIMEDOUT)
                ;
        }
        if (r->stopping)
            break;
        r->poked = false;
        r->running = true;
        pthread_mutex_unlock(&r->lock);

        time_t now = time(NULL);
        cx_result rc = CX_OK;
        if (now - last_dimensions >= DIMENSIONS_EVERY_SECONDS) {
            rc = engine_reload_dimensions(r->engine, r->store);
            last_dimensions = now;
        }
        if (!rc)
            rc = engine_refresh(r->engine, r->store);
        if (rc && now - last_error_log >= 60) {
            log_warn("metrics engine: refresh failed: %s", cx_result_text(rc));
            last_error_log = now;
        }

        pthread_mutex_lock(&r->lock);
        r->running = false;
        r->completed++;
        pthread_cond_broadcast(&r->done);
        refresher_waiter_t *answered = take_answered(r);
        if (answered) {
            pthread_mutex_unlock(&r->lock);
            call_waiters(answered);
            pthread_mutex_lock(&r->lock);
        }
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

cx_result refresher_start(engine_t *engine, store_t *store, int interval_ms, refresher_t **out)
{
    refresher_t *r = calloc(1, sizeof *r);
    if (!r)
        return CX_ERR_NOMEM;
    r->engine = engine;
    r->store = store;
    r->interval_ms = interval_ms > 0 ? interval_ms : 1000;
    pthread_mutex_init(&r->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&r->wake, &attr);
    pthread_condattr_destroy(&attr);
    pthread_cond_init(&r->done, NULL);
    if (pthread_create(&r->thread, NULL, refresher_main, r) != 0) {
        pthread_mutex_destroy(&r->lock);
        pthread_cond_destroy(&r->wake);
        pthread_cond_destroy(&r->done);
        free(r);
        return CX_ERR_INTERNAL;
    }
    *out = r;
    return CX_OK;
}

void refresher_poke(refresher_t *r)
{
    pthread_mutex_lock(&r->lock);
    r->poked = true;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
}

void refresher_sync(refresher_t *r)
{
    pthread_mutex_lock(&r->lock);
    /* a refresh already under way may have missed the caller's write:
     * wait for one that starts after this call */
    unsigned long target = r->completed + (r->running ? 2 : 1);
    r->poked = true;
    pthread_cond_signal(&r->wake);
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
    /* as in refresher_sync: a refresh under way may have missed the
     * caller's write */
    w->target = r->completed + (r->running ? 2 : 1);
    w->next = r->waiters;
    r->waiters = w;
    r->poked = true;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
}

void refresher_stop(refresher_t *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->stopping = true;
    pthread_cond_signal(&r->wake);
    pthread_cond_broadcast(&r->done);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);
    call_waiters(take_answered(r)); /* stopping: every one left */
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->wake);
    pthread_cond_destroy(&r->done);
    free(r);
}
