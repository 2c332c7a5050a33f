/*
 * periodic.c — the background loop shared by the server's jobs (see
 * periodic.h).
 *
 * Relies on pthreads; the condition variable waits on CLOCK_MONOTONIC so
 * that a change of the wall clock neither hurries nor stalls a job. Must
 * never run a turn with the lock held.
 */
#include "jobs/periodic.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct periodic {
    long interval_ms;
    bool first_at_once;
    periodic_turn_fn turn;
    void *arg;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;     /* poked or stopping */
    pthread_cond_t done;     /* a turn finished */
    bool poked, stopping;
    bool running;            /* a turn is under way */
    unsigned long completed; /* turns finished */
};

static void deadline_after(struct timespec *ts, long ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static void *periodic_main(void *arg)
{
    periodic_t *p = arg;
    bool wait = !p->first_at_once;
    pthread_mutex_lock(&p->lock);
    while (!p->stopping) {
        if (wait && !p->poked) {
            struct timespec until;
            deadline_after(&until, p->interval_ms);
            while (!p->poked && !p->stopping &&
                   pthread_cond_timedwait(&p->wake, &p->lock, &until) != ETIMEDOUT)
                ;
        }
        if (p->stopping)
            break;
        p->poked = false;
        p->running = true;
        pthread_mutex_unlock(&p->lock);

        p->turn(p, p->arg);

        pthread_mutex_lock(&p->lock);
        p->running = false;
        p->completed++;
        pthread_cond_broadcast(&p->done);
        wait = true;
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

cx_result periodic_start(long interval_ms, bool first_at_once, periodic_turn_fn turn, void *arg,
                         periodic_t **out)
{
    *out = NULL;
    if (interval_ms <= 0 || !turn)
        return CX_ERR_INVALID;
    periodic_t *p = calloc(1, sizeof *p);
    if (!p)
        return CX_ERR_NOMEM;
    p->interval_ms = interval_ms;
    p->first_at_once = first_at_once;
    p->turn = turn;
    p->arg = arg;
    pthread_mutex_init(&p->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&p->wake, &attr);
    pthread_condattr_destroy(&attr);
    pthread_cond_init(&p->done, NULL);
    if (pthread_create(&p->thread, NULL, periodic_main, p) != 0) {
        pthread_mutex_destroy(&p->lock);
        pthread_cond_destroy(&p->wake);
        pthread_cond_destroy(&p->done);
        free(p);
        return CX_ERR_INTERNAL;
    }
    *out = p;
    return CX_OK;
}

void periodic_poke(periodic_t *p)
{
    pthread_mutex_lock(&p->lock);
    p->poked = true;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
}

void periodic_sync(periodic_t *p)
{
    pthread_mutex_lock(&p->lock);
    /* a turn already under way may have missed the caller's write: wait
     * for one that starts after this call */
    unsigned long target = p->completed + (p->running ? 2 : 1);
    p->poked = true;
    pthread_cond_signal(&p->wake);
    while (p->completed < target && !p->stopping)
        pthread_cond_wait(&p->done, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

bool periodic_sleep(periodic_t *p, long ms)
{
    struct timespec until;
    deadline_after(&until, ms);
    pthread_mutex_lock(&p->lock);
    while (!p->stopping && pthread_cond_timedwait(&p->wake, &p->lock, &until) != ETIMEDOUT)
        ;
    bool go_on = !p->stopping;
    pthread_mutex_unlock(&p->lock);
    return go_on;
}

void periodic_stop(periodic_t *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_cond_broadcast(&p->wake);
    pthread_cond_broadcast(&p->done);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    free(p);
}
