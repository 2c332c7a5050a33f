/*
 * periodic.h — one background thread that runs a turn, then sleeps until a
 * deadline, a poke or a stop: the loop shared by the server's jobs (the
 * engine refresher, comment retention, the mailer).
 *
 * Relies on pthreads and the monotonic clock only. Pokes are coalesced: a
 * poke that comes before a turn starts is served by that turn; one that
 * comes while a turn is under way causes one more turn right after it.
 * It must never call a turn while holding its lock (a turn may take long,
 * and poking from inside a turn must not deadlock), and never knows what
 * a turn does.
 */
#ifndef CX_JOBS_PERIODIC_H
#define CX_JOBS_PERIODIC_H

#include <stdbool.h>

#include "core/result.h"

typedef struct periodic periodic_t;

/* One turn, in the job's thread. p is the job itself (for periodic_sleep). */
typedef void (*periodic_turn_fn)(periodic_t *p, void *arg);

/* Starts the thread. The first turn runs at once when first_at_once, else
 * after one interval (or the first poke). interval_ms must be > 0. */
cx_result periodic_start(long interval_ms, bool first_at_once, periodic_turn_fn turn, void *arg,
                         periodic_t **out);

/* Asks for a turn now; returns at once. Thread-safe. */
void periodic_poke(periodic_t *p);

/* Asks for a turn and waits until one that started after this call has
 * finished (or the job stops). Never from inside a turn. */
void periodic_sync(periodic_t *p);

/* Sleeps ms, waking early only for a stop (not for a poke). For a turn
 * that throttles itself. Returns false when the job is stopping. */
bool periodic_sleep(periodic_t *p, long ms);

/* Stops the thread (waiting for a turn under way) and frees the job. NULL
 * is fine. */
void periodic_stop(periodic_t *p);

#endif
