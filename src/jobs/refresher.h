/*
 * refresher.h — keeps the metrics engine current while the server runs.
 *
 * A background thread loads new responses into the engine as soon as a
 * handler says it wrote some (refresher_poke), and at least once per
 * interval otherwise (other processes, such as `cxloop import`, write to
 * the same database). Once a minute it also reloads the dimension tables,
 * so customers who moved to another segment are counted there.
 *
 * The refresher borrows the engine and the store; both must outlive it.
 */
#ifndef CX_REFRESHER_H
#define CX_REFRESHER_H

#include "core/result.h"
#include "engine/engine.h"
#include "store/store.h"

typedef struct refresher refresher_t;

cx_result refresher_start(engine_t *engine, store_t *store, int interval_ms, refresher_t **out);
/* Asks for a refresh now; returns at once. Thread-safe. */
void refresher_poke(refresher_t *r);
/* Refreshes now and waits until done, so the caller's next query sees
 * what it just wrote. */
void refresher_sync(refresher_t *r);
/* refresher_sync without waiting: w->done(w->arg) is called once, on the
 * refresher's thread, when a refresh that started after this call has
 * finished (or when the refresher stops). Every waiter registered while a
 * refresh runs is answered by the next one: one refresh serves a whole
 * commit batch. The caller owns w and keeps it valid until done is
 * called; done must be quick (it holds up the next refresh). */
typedef struct refresher_waiter {
    void (*done)(void *arg);
    void *arg;
    unsigned long target;           /* private: the refresh that answers it */
    struct refresher_waiter *next;  /* private */
} refresher_waiter_t;
void refresher_sync_async(refresher_t *r, refresher_waiter_t *w);
/* Stops the thread and frees the refresher. NULL is fine. */
void refresher_stop(refresher_t *r);

#endif
