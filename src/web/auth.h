/*
 * auth.h — who is asking: browser sessions, API keys, CSRF tokens, sign-in
 * with throttling, and writing the audit log.
 *
 * Sessions: the cx_session cookie holds a random token (core/secret.h);
 * the database holds only its hash. A session lives 12 hours after its
 * last use (refreshed at most once a minute, so reading pages does not
 * write on every request) and never longer than 7 days after sign-in.
 * Each session has its own CSRF token for forms; before sign-in the login
 * form uses the cx_csrf cookie (double submit).
 *
 * API keys arrive as "Authorization: Bearer cx_PREFIX_SECRET"; the prefix
 * finds the key, the hash of the whole key must match in constant time.
 *
 * Relies on store/accounts.h through store_read/store_write jobs. It must
 * never store or log a token or key in clear, never tell an unknown user
 * from a wrong password (in words or in time), and never accept a session
 * on the API.
 */
#ifndef CX_WEB_AUTH_H
#define CX_WEB_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "web/http.h"

#define AUTH_SESSION_COOKIE "cx_session"
#define AUTH_CSRF_COOKIE "cx_csrf"
#define AUTH_SESSION_IDLE (12 * 3600)
#define AUTH_SESSION_MAX (7 * 24 * 3600)
#define AUTH_TOUCH_INTERVAL 60
#define AUTH_THROTTLE_WINDOW (15 * 60)
#define AUTH_THROTTLE_USER 5
#define AUTH_THROTTLE_ADDRESS 20
#define AUTH_NAME_MAX 64

/* Fills req->auth from the session cookie. CX_OK when signed in,
 * CX_ERR_UNAUTHORIZED when not, another failure when the store failed. */
cx_result auth_session_load(http_request_t *req);
/* Fills req->auth from the Authorization header. CX_ERR_UNAUTHORIZED for a
 * missing, malformed, unknown or revoked key. */
cx_result auth_apikey_load(http_request_t *req);

/* The form's csrf_token against the session's (constant time). */
bool auth_csrf_valid(const http_request_t *req);
/* The form's csrf_token against the cx_csrf cookie (constant time). */
bool auth_login_csrf_valid(const http_request_t *req);
/* The cx_csrf token for the login form; sets the cookie when the request
 * did not bring one. Valid until the request ends. */
const char *auth_login_csrf_token(http_request_t *req, http_response_t *res);

/* The outcome of a sign-in attempt. */
typedef enum auth_login_result {
    AUTH_LOGIN_OK,
    AUTH_LOGIN_INVALID,   /* unknown user, wrong password or disabled */
    AUTH_LOGIN_THROTTLED, /* too many recent failures */
} auth_login_result_t;

/* Checks the throttle, verifies the password and, on success, creates a
 * session and sets its cookie. Writes the audit entry of the outcome. A
 * failure other than CX_OK means the store failed. */
cx_result auth_login(http_request_t *req, http_response_t *res, const char *user_name,
                     const char *password, auth_login_result_t *result);
/* Revokes the current session, clears the cookie, audits the logout. */
cx_result auth_logout(http_request_t *req, http_response_t *res);
/* Starts a new session for the signed-in user and revokes all the others
 * (after a password change), inside the caller's write job. The new token
 * is in token_out (SECRET_TOKEN_LEN + 1 bytes); the caller sets the cookie
 * with auth_set_session_cookie once the job committed. */
cx_result auth_session_replace(db_conn_t *db, http_request_t *req, char *token_out);
void auth_set_session_cookie(http_request_t *req, http_response_t *res, const char *token);

/* Appends an audit entry for the request's actor, inside a write job. */
cx_result auth_audit(db_conn_t *db, const http_request_t *req, const char *action,
                     const char *target, const char *detail);

/* True for a user or key name we accept: 1 to 64 of letters, digits and
 * ". _ - @", starting with a letter or digit. */
bool auth_name_valid(const char *name);

#endif
