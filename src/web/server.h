/*
 * server.h — running the web interface and the API of one organisation.
 *
 * web_serve binds the address, serves until SIGINT or SIGTERM, then stops
 * accepting, lets requests in flight finish (their writes are committed
 * before their response is sent), and returns. It does not own the store.
 */
#ifndef CX_WEB_SERVER_H
#define CX_WEB_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

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

/* Returns 0 after a clean shutdown, 1 when it cannot start (message on
 * stderr as "cxloop: ..."). */
int web_serve(store_t *store, const web_options_t *opt);

#endif
