/*
 * web.h — what the whole web layer shares: the server-wide state handlers
 * may read (web_app_t) and the language and organisation helpers every
 * page uses.
 *
 * web_app_t is filled once by web_serve before the first request and is
 * read-only afterwards, so handlers on any thread may read it without a
 * lock. Nothing here may hold per-request state.
 */
#ifndef CX_WEB_WEB_H
#define CX_WEB_WEB_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"
#include "jobs/refresher.h"
#include "store/store.h"
#include "web/http.h"

struct web_app {
    store_t *store;
    engine_t *engine;         /* the metrics engine, kept current by: */
    refresher_t *refresher;   /* poke it after writing responses */
    size_t max_body;
    bool trust_proxy;
    bool access_log;
    struct mailer *mailer;        /* e-mail invitations; NULL when no SMTP server */
    const char *default_base_url; /* http://HOST:PORT we listen on */
};

/* Picks the language of the response: ?lang= (which also sets the cx_lang
 * cookie), else the cx_lang cookie, else the signed-in user's language,
 * else Accept-Language, else Polish. Call after authentication. */
void web_resolve_language(http_request_t *req, http_response_t *res);

/* The organisation's name (setting org_name, default "cxloop"), read once
 * per request; valid until the request ends. */
const char *web_org_name(http_request_t *req);

/* The translated text of key in the request's language. */
const char *web_t(const http_request_t *req, int key);

#endif
