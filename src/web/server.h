/*
 * server.h — running the web interface and the API of one organisation.
 *
 * web_serve binds the address, serves until SIGINT or SIGTERM, then stops
 * accepting, lets requests in flight finish (their writes are committed
 * before their response is sent), and returns. It does not own the store.
 * Handlers run on a pool of worker threads; a handler that waits for a
 * commit can defer its answer (web_defer) so that the thread serves other
 * connections meanwhile.
 */
#ifndef CX_WEB_SERVER_H
#define CX_WEB_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"
#include "web/http.h"

typedef struct web_options {
    const char *listen;      /* "HOST:PORT"; NULL = "127.0.0.1:8080" */
    int threads;             /* worker threads; 0 = 32 */
    size_t max_body;         /* request body limit in bytes; 0 = 10 MiB */
    bool access_log;         /* one log line per request */
    bool trust_proxy;        /* honour X-Forwarded-For / -Proto from the proxy */
    const char *banner;      /* printed once listening (e.g. demo login); may be NULL */
    const struct mailer_config *mail; /* send invitations while serving; NULL = no */
    int mail_poll_seconds;   /* how often the mailer looks for work; 0 = 60 */
} web_options_t;

/* True when listen reads as HOST:PORT or [IPV6]:PORT with a port from 1 to
 * 65535 (the host is resolved only by web_serve). */
bool web_listen_valid(const char *listen);

/* Answering later without holding a worker thread. A handler that has
 * handed its work to another thread (store_write_async) calls web_defer
 * and returns CX_OK with nothing rendered; the connection is then
 * suspended until some thread calls web_wake, and resume(req, res, arg)
 * renders the answer on a worker thread (a non-CX_OK result is rendered
 * as the error, as for a handler). web_wake may come before web_defer
 * (the work finished first); it must come exactly once per web_defer,
 * and the request must not be touched after it. Only for requests
 * served by web_serve. */
typedef cx_result (*web_resume_fn)(http_request_t *req, http_response_t *res, void *arg);
void web_defer(http_request_t *req, web_resume_fn resume, void *arg);
void web_wake(http_request_t *req);

/* Returns 0 after a clean shutdown, 1 when it cannot start (message on
 * stderr as "cxloop: ..."). */
int web_serve(store_t *store, const web_options_t *opt);

#endif
