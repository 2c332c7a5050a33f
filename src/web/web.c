/*
 * web.c — the helpers every page shares: the language of the response and
 * the organisation's name (see web.h).
 *
 * Relies on i18n.h and store/accounts.h (the org_name setting). A GET may
 * set the language cookie but never writes the database: storing a user's
 * language is a POST of the account page.
 */
#include "web/web.h"

#include <string.h>

#include "store/accounts.h"
#include "sys/log.h"

#define WEB_LANG_COOKIE "cx_lang"
#define WEB_LANG_COOKIE_AGE (365L * 24 * 3600)

void web_resolve_language(http_request_t *req, http_response_t *res)
{
    i18n_lang_t lang;
    if (i18n_lang_parse(http_query(req, "lang"), &lang)) {
        const char *had = http_cookie(req, WEB_LANG_COOKIE);
        if (!had || strcmp(had, i18n_lang_code(lang)) != 0)
            http_set_cookie(req, res, WEB_LANG_COOKIE, i18n_lang_code(lang), WEB_LANG_COOKIE_AGE);
        req->lang = lang;
        return;
    }
    if (i18n_lang_parse(http_cookie(req, WEB_LANG_COOKIE), &lang) ||
        i18n_lang_parse(req->auth.user_language, &lang) ||
        i18n_lang_from_accept(http_header(req, "Accept-Language"), &lang)) {
        req->lang = lang;
        return;
    }
    req->lang = LANG_DEFAULT;
}

typedef struct org_name_job {
    http_request_t *req;
    const char *value;
} org_name_job_t;

static cx_result org_name_job(db_conn_t *db, void *arg)
{
    org_name_job_t *j = arg;
    return store_setting_get(db, &j->req->arena, "org_name", &j->value);
}

const char *web_org_name(http_request_t *req)
{
    if (req->org_name)
        return req->org_name;
    org_name_job_t job = {req, NULL};
    cx_result rc = store_read(req->store, org_name_job, &job);
    if (rc)
        log_warn("cannot read the organisation name: %s", cx_result_text(rc));
    req->org_name = (rc == CX_OK && job.value && *job.value) ? job.value : "cxloop";
    return req->org_name;
}

const char *web_t(const http_request_t *req, int key)
{
    return i18n_text(req->lang, (i18n_key_t)key);
}
