/*
 * auth.c — sessions, API keys, CSRF, sign-in with throttling, audit (see
 * auth.h for the rules).
 *
 * Relies on core/secret.h for tokens, hashes and password checks, and on
 * store/accounts.h inside store jobs. It must never keep a token or key in
 * clear anywhere but the request's arena and the cookie it sets, never
 * write to the database on a plain page view more than once a minute per
 * session, and never let the answer or its timing tell an unknown user
 * from a wrong password.
 */
#include "web/auth.h"

#include <string.h>
#include <strings.h>

#include "core/roles.h"
#include "core/secret.h"
#include "store/accounts.h"
#include "store/store.h"
#include "sys/log.h"
#include "web/web.h"

/* Sign-in names and user agents are stored; bound what a client can make
 * us store. */
#define AUTH_STORED_TEXT_MAX 256

static const char *bounded(arena_t *a, const char *s, size_t max)
{
    if (!s)
        return "";
    size_t n = strlen(s);
    if (n <= max)
        return s;
    /* cut at a character boundary so the stored text stays UTF-8 */
    while (n > max || (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80))
        n--;
    const char *cut = arena_strndup(a, s, n);
    return cut ? cut : "";
}

static bool token_shaped(const char *s)
{
    if (!s || strlen(s) != SECRET_TOKEN_LEN)
        return false;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

bool auth_name_valid(const char *name)
{
    if (!name)
        return false;
    size_t n = strlen(name);
    if (n == 0 || n > AUTH_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || !strchr("._-@", c)))
            return false;
    }
    return true;
}

/* ---- sessions ---- */

typedef struct session_load_job {
    http_request_t *req;
    const char *hash;
    store_session_t session;
} session_load_job_t;

static cx_result session_load_job(db_conn_t *db, void *arg)
{
    session_load_job_t *j = arg;
    return store_session_find(db, &j->req->arena, j->hash, j->req->now, &j->session);
}

typedef struct session_touch_job {
    int64_t id;
    int64_t now;
    int64_t expires;
} session_touch_job_t;

static cx_result session_touch_job(db_conn_t *db, void *arg)
{
    session_touch_job_t *j = arg;
    return store_session_touch(db, j->id, j->now, j->expires);
}

static int64_t session_expiry(int64_t now, int64_t created_at)
{
    int64_t idle = now + AUTH_SESSION_IDLE;
    int64_t cap = created_at + AUTH_SESSION_MAX;
    return idle < cap ? idle : cap;
}

cx_result auth_session_load(http_request_t *req)
{
    if (req->auth.kind == WEB_AUTH_SESSION)
        return CX_OK;
    const char *token = http_cookie(req, AUTH_SESSION_COOKIE);
    if (!token_shaped(token))
        return CX_ERR_UNAUTHORIZED;
    char hash[SECRET_HASH_HEX_LEN + 1];
    secret_token_hash(token, hash);
    session_load_job_t job = {.req = req, .hash = hash};
    cx_result rc = store_read(req->store, session_load_job, &job);
    if (rc == CX_ERR_NOT_FOUND)
        return CX_ERR_UNAUTHORIZED;
    if (rc)
        return rc;
    store_session_t *s = &job.session;
    role_t role = role_from_name(s->role);
    if (role == ROLE_NONE)
        return CX_ERR_UNAUTHORIZED;
    web_auth_t *a = &req->auth;
    a->kind = WEB_AUTH_SESSION;
    a->user_id = s->user_id;
    a->session_id = s->id;
    a->session_created_at = s->created_at;
    a->session_hash = arena_strdup(&req->arena, hash);
    a->name = s->user_name;
    a->display_name = s->display_name && *s->display_name ? s->display_name : s->user_name;
    a->actor = s->user_name;
    a->csrf_token = s->csrf_token;
    a->user_language = s->language;
    a->role = role;
    a->caps = role_capabilities(role);
    if (!a->session_hash)
        return CX_ERR_NOMEM;

    if (req->now - s->last_seen_at >= AUTH_TOUCH_INTERVAL) {
        session_touch_job_t touch = {s->id, req->now, session_expiry(req->now, s->created_at)};
        cx_result trc = store_write(req->store, session_touch_job, &touch);
        if (trc)
            log_warn("session %lld: cannot extend: %s", (long long)s->id, cx_result_text(trc));
    }
    return CX_OK;
}

void auth_set_session_cookie(http_request_t *req, http_response_t *res, const char *token)
{
    http_set_cookie(req, res, AUTH_SESSION_COOKIE, token, -1);
}

/* ---- API keys ---- */

typedef struct apikey_load_job {
    http_request_t *req;
    const char *prefix;
    store_apikey_t key;
} apikey_load_job_t;

static cx_result apikey_load_job(db_conn_t *db, void *arg)
{
    apikey_load_job_t *j = arg;
    return store_apikey_find(db, &j->req->arena, j->prefix, &j->key);
}

typedef struct apikey_touch_job {
    int64_t id;
    int64_t now;
} apikey_touch_job_t;

static cx_result apikey_touch_job(db_conn_t *db, void *arg)
{
    apikey_touch_job_t *j = arg;
    return store_apikey_touch(db, j->id, j->now);
}

/* The key of "Bearer KEY", or NULL. */
static const char *bearer_key(const char *header)
{
    if (!header)
        return NULL;
    while (*header == ' ')
        header++;
    if (strncasecmp(header, "Bearer", 6) != 0 || (header[6] != ' ' && header[6] != '\t'))
        return NULL;
    const char *k = header + 7;
    while (*k == ' ' || *k == '\t')
        k++;
    return *k ? k : NULL;
}

cx_result auth_apikey_load(http_request_t *req)
{
    const char *presented = bearer_key(http_header(req, "Authorization"));
    char prefix[APIKEY_PREFIX_LEN + 1];
    if (!presented)
        return http_fail(req, CX_ERR_UNAUTHORIZED, NULL,
                         "an API key is required: Authorization: Bearer KEY");
    /* trailing blanks are a copy-and-paste accident, not a different key */
    size_t n = strlen(presented);
    while (n > 0 && (presented[n - 1] == ' ' || presented[n - 1] == '\t'))
        n--;
    const char *key = arena_strndup(&req->arena, presented, n);
    if (!key)
        return CX_ERR_NOMEM;
    if (!secret_apikey_prefix(key, prefix))
        return http_fail(req, CX_ERR_UNAUTHORIZED, NULL, "the API key is malformed");
    apikey_load_job_t job = {.req = req, .prefix = prefix};
    cx_result rc = store_read(req->store, apikey_load_job, &job);
    char hash[SECRET_HASH_HEX_LEN + 1];
    secret_token_hash(key, hash);
    if (rc == CX_ERR_NOT_FOUND || (rc == CX_OK && !secret_equal(hash, job.key.key_hash)))
        return http_fail(req, CX_ERR_UNAUTHORIZED, NULL, "the API key is unknown or revoked");
    if (rc)
        return rc;
    role_t role = role_from_name(job.key.role);
    if (role == ROLE_NONE)
        return http_fail(req, CX_ERR_UNAUTHORIZED, NULL, "the API key is unknown or revoked");
    web_auth_t *a = &req->auth;
    a->kind = WEB_AUTH_APIKEY;
    a->name = job.key.name;
    a->display_name = job.key.name;
    a->role = role;
    a->caps = role_capabilities(role);
    buf_t actor;
    buf_init(&actor, 1024);
    buf_printf(&actor, "key:%s", job.key.name); /* raw: the audit actor, not HTML */
    a->actor = arena_strdup(&req->arena, buf_str(&actor));
    buf_free(&actor);
    if (!a->actor)
        return CX_ERR_NOMEM;
    if (req->now - job.key.last_used_at >= AUTH_TOUCH_INTERVAL) {
        apikey_touch_job_t touch = {job.key.id, req->now};
        cx_result trc = store_write(req->store, apikey_touch_job, &touch);
        if (trc)
            log_warn("API key %s: cannot record its use: %s", job.key.name, cx_result_text(trc));
    }
    return CX_OK;
}

/* ---- CSRF ---- */

bool auth_csrf_valid(const http_request_t *req)
{
    const char *sent = http_form(req, "csrf_token");
    const char *want = req->auth.csrf_token;
    if (!sent || !want || !*want)
        return false;
    return secret_equal(sent, want);
}

bool auth_login_csrf_valid(const http_request_t *req)
{
    const char *sent = http_form(req, "csrf_token");
    const char *cookie = http_cookie(req, AUTH_CSRF_COOKIE);
    if (!sent || !token_shaped(cookie))
        return false;
    return secret_equal(sent, cookie);
}

const char *auth_login_csrf_token(http_request_t *req, http_response_t *res)
{
    const char *cookie = http_cookie(req, AUTH_CSRF_COOKIE);
    if (token_shaped(cookie))
        return cookie;
    char token[SECRET_TOKEN_LEN + 1];
    secret_token(token);
    http_set_cookie(req, res, AUTH_CSRF_COOKIE, token, -1);
    return arena_strdup(&req->arena, token);
}

/* ---- sign-in ---- */

typedef struct login_check_job {
    http_request_t *req;
    const char *name;
    int64_t by_user;
    int64_t by_address;
    bool found;
    store_user_t user;
} login_check_job_t;

static cx_result login_check_job(db_conn_t *db, void *arg)
{
    login_check_job_t *j = arg;
    cx_result rc =
        store_login_failure_count(db, j->name, j->req->address, j->req->now - AUTH_THROTTLE_WINDOW,
                                  &j->by_user, &j->by_address);
    if (rc)
        return rc;
    rc = store_user_find_by_name(db, &j->req->arena, j->name, &j->user);
    if (rc == CX_ERR_NOT_FOUND) {
        j->found = false;
        return CX_OK;
    }
    j->found = rc == CX_OK;
    return rc;
}

typedef struct login_record_job {
    http_request_t *req;
    const char *name;
    const char *action; /* login, login_failed, login_throttled */
    const char *detail;
    /* for a success */
    int64_t user_id;
    const char *token_hash;
    const char *csrf_token;
} login_record_job_t;

static cx_result login_record_job(db_conn_t *db, void *arg)
{
    login_record_job_t *j = arg;
    http_request_t *req = j->req;
    cx_result rc;
    if (strcmp(j->action, "login") == 0) {
        rc = store_session_create(
            db, j->token_hash, j->user_id, j->csrf_token, req->now,
            session_expiry(req->now, req->now), req->address,
            bounded(&req->arena, http_header(req, "User-Agent"), AUTH_STORED_TEXT_MAX));
        if (!rc)
            rc = store_login_failure_clear(db, j->name);
    } else if (strcmp(j->action, "login_failed") == 0) {
        rc = store_login_failure_add(db, j->name, req->address, req->now);
    } else {
        rc = CX_OK;
    }
    if (!rc)
        rc = store_audit_add(db, req->now, j->name, j->action, j->name, req->address,
                             j->detail ? j->detail : "");
    return rc;
}

cx_result auth_login(http_request_t *req, http_response_t *res, const char *user_name,
                     const char *password, auth_login_result_t *result)
{
    const char *name = bounded(&req->arena, user_name ? user_name : "", AUTH_STORED_TEXT_MAX);
    if (!password)
        password = "";
    if (strlen(password) > PASSWORD_MAX_LENGTH)
        password = ""; /* never hash megabytes; it cannot be right anyway */

    login_check_job_t check = {.req = req, .name = name};
    cx_result rc = store_read(req->store, login_check_job, &check);
    if (rc)
        return rc;

    login_record_job_t rec = {.req = req, .name = name};
    if (check.by_user >= AUTH_THROTTLE_USER || check.by_address >= AUTH_THROTTLE_ADDRESS) {
        rec.action = "login_throttled";
        rec.detail = check.by_user >= AUTH_THROTTLE_USER ? "too many failures for the account"
                                                         : "too many failures from the address";
        rc = store_write(req->store, login_record_job, &rec);
        if (rc)
            return rc;
        req->retry_after = AUTH_THROTTLE_WINDOW;
        *result = AUTH_LOGIN_THROTTLED;
        return CX_OK;
    }

    bool ok;
    if (check.found) {
        /* verify even for a disabled account so it costs the same time */
        ok = secret_password_verify(check.user.password_hash, password) && !check.user.disabled;
    } else {
        secret_password_burn_time(password);
        ok = false;
    }

    if (!ok) {
        rec.action = "login_failed";
        rec.detail = !check.found          ? "unknown user"
                     : check.user.disabled ? "account disabled"
                                           : "wrong password";
        rc = store_write(req->store, login_record_job, &rec);
        if (rc)
            return rc;
        *result = AUTH_LOGIN_INVALID;
        return CX_OK;
    }

    char token[SECRET_TOKEN_LEN + 1], hash[SECRET_HASH_HEX_LEN + 1], csrf[SECRET_TOKEN_LEN + 1];
    secret_token(token);
    secret_token_hash(token, hash);
    secret_token(csrf);
    rec.action = "login";
    rec.name = check.user.name;
    rec.user_id = check.user.id;
    rec.token_hash = hash;
    rec.csrf_token = csrf;
    rc = store_write(req->store, login_record_job, &rec);
    if (rc)
        return rc;
    auth_set_session_cookie(req, res, token);
    *result = AUTH_LOGIN_OK;
    return CX_OK;
}

/* ---- sign-out and session replacement ---- */

typedef struct logout_job {
    http_request_t *req;
} logout_job_t;

static cx_result logout_job(db_conn_t *db, void *arg)
{
    logout_job_t *j = arg;
    cx_result rc = store_session_revoke(db, j->req->auth.session_hash, j->req->now);
    if (rc && rc != CX_ERR_NOT_FOUND)
        return rc;
    return auth_audit(db, j->req, "logout", j->req->auth.name, NULL);
}

cx_result auth_logout(http_request_t *req, http_response_t *res)
{
    if (req->auth.kind != WEB_AUTH_SESSION)
        return CX_ERR_UNAUTHORIZED;
    logout_job_t job = {req};
    cx_result rc = store_write(req->store, logout_job, &job);
    if (rc)
        return rc;
    http_set_cookie(req, res, AUTH_SESSION_COOKIE, "", 0);
    return CX_OK;
}

cx_result auth_session_replace(db_conn_t *db, http_request_t *req, char *token_out)
{
    cx_result rc = store_session_revoke_user(db, req->auth.user_id, req->now);
    if (rc)
        return rc;
    char hash[SECRET_HASH_HEX_LEN + 1], csrf[SECRET_TOKEN_LEN + 1];
    secret_token(token_out);
    secret_token_hash(token_out, hash);
    secret_token(csrf);
    return store_session_create(
        db, hash, req->auth.user_id, csrf, req->now, session_expiry(req->now, req->now),
        req->address, bounded(&req->arena, http_header(req, "User-Agent"), AUTH_STORED_TEXT_MAX));
}

cx_result auth_audit(db_conn_t *db, const http_request_t *req, const char *action,
                     const char *target, const char *detail)
{
    return store_audit_add(db, req->now, req->auth.actor ? req->auth.actor : "", action,
                           target ? target : "", req->address ? req->address : "",
                           detail ? detail : "");
}
