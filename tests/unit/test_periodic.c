/*
 * test_periodic.c — the background loop of the server's jobs: a turn at
 * once or after the interval, pokes coalesced into turns, a sync that
 * waits for a turn that started after it, a throttling sleep and a stop
 * that end early, and nothing left behind (LeakSanitizer).
 */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <time.h>

#include "jobs/periodic.h"

typedef struct counter {
    atomic_int turns;
    atomic_bool slept_through; /* periodic_sleep returned true */
    long sleep_ms;             /* > 0: each turn sleeps that long */
} counter_t;

static void count_turn(periodic_t *p, void *arg)
{
    counter_t *c = arg;
    atomic_fetch_add(&c->turns, 1);
    if (c->sleep_ms > 0)
        atomic_store(&c->slept_through, periodic_sleep(p, c->sleep_ms));
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits up to 5 s for at least n turns. */
static bool wait_turns(counter_t *c, int n)
{
    for (int i = 0; i < 500 && atomic_load(&c->turns) < n; i++)
        nanosleep(&(struct timespec){.tv_nsec = 10000000L}, NULL);
    return atomic_load(&c->turns) >= n;
}

Test(periodic, first_turn_at_once_or_after_the_interval)
{
    counter_t now = {0}, later = {0};
    periodic_t *a, *b;
    cr_assert_eq(periodic_start(60000, true, count_turn, &now, &a), CX_OK);
    cr_assert_eq(periodic_start(60000, false, count_turn, &later, &b), CX_OK);
    cr_assert(wait_turns(&now, 1), "first_at_once runs a turn without being asked");
    nanosleep(&(struct timespec){.tv_nsec = 100000000L}, NULL);
    cr_assert_eq(atomic_load(&later.turns), 0, "the other waits for its interval");
    periodic_poke(b);
    cr_assert(wait_turns(&later, 1), "a poke runs a turn before the interval");
    periodic_stop(a);
    periodic_stop(b);
    cr_assert_eq(atomic_load(&now.turns), 1, "one turn, not a turn per wake-up");
}

Test(periodic, short_interval_runs_again)
{
    counter_t c = {0};
    periodic_t *p;
    cr_assert_eq(periodic_start(20, false, count_turn, &c, &p), CX_OK);
    cr_assert(wait_turns(&c, 3));
    periodic_stop(p);
}

Test(periodic, sync_waits_for_a_fresh_turn)
{
    counter_t c = {0};
    periodic_t *p;
    cr_assert_eq(periodic_start(60000, false, count_turn, &c, &p), CX_OK);
    for (int i = 1; i <= 3; i++) {
        periodic_sync(p);
        cr_assert_geq(atomic_load(&c.turns), i);
    }
    periodic_stop(p);
}

Test(periodic, stop_ends_a_sleeping_turn)
{
    counter_t c = {.sleep_ms = 60000};
    atomic_store(&c.slept_through, true);
    periodic_t *p;
    cr_assert_eq(periodic_start(60000, true, count_turn, &c, &p), CX_OK);
    cr_assert(wait_turns(&c, 1));
    periodic_poke(p); /* a poke does not end the sleep */
    nanosleep(&(struct timespec){.tv_nsec = 50000000L}, NULL);
    double t0 = now_seconds();
    periodic_stop(p);
    cr_assert_lt(now_seconds() - t0, 5.0, "the stop does not wait out the sleep");
    cr_assert_not(atomic_load(&c.slept_through), "the sleep says the job is stopping");
    cr_assert_eq(atomic_load(&c.turns), 1, "no turn after the stop");
}

Test(periodic, refuses_a_bad_interval)
{
    counter_t c = {0};
    periodic_t *p;
    cr_assert_eq(periodic_start(0, true, count_turn, &c, &p), CX_ERR_INVALID);
    cr_assert_null(p);
    periodic_stop(NULL);
}
