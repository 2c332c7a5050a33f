/*
 * page_account.c — one's own account: who one is, the interface language,
 * and changing one's password.
 *
 * Relies on store/accounts.h, auth.h (password check, session replacement,
 * audit) and html.h. A password change needs the current password, and
 * signs the account out everywhere else: the browser that made the change
 * gets a fresh session. Must never accept a new password without the
 * current one, and never write the database from a GET.
 */
#include <string.h>

#include "core/roles.h"
#include "core/secret.h"
#include "store/accounts.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/web.h"

#define WEB_LANG_COOKIE_AGE (365L * 24 * 3600)

typedef struct account_read_job {
    http_request_t *req;
    store_user_t user;
} account_read_job_t;

static cx_result account_read_job(db_conn_t *db, void *arg)
{
    account_read_job_t *j = arg;
    return store_user_find_by_id(db, &j->req->arena, j->req->auth.user_id, &j->user);
}

static cx_result render_account(http_request_t *req, http_response_t *res, int status,
                                int notice_ok, int notice_err)
{
    account_read_job_t job = {.req = req};
    cx_result rc = store_read(req->store, account_read_job, &job);
    if (rc)
        return rc;
    const store_user_t *u = &job.user;
    html_begin(req, res, web_t(req, T_ACCOUNT_TITLE), AREA_ACCOUNT);
    res->status = status;
    buf_t *b = &res->body;
    html_page_head(b, web_t(req, T_ACCOUNT_TITLE), web_t(req, T_ACCOUNT_LEAD));
    if (notice_ok >= 0)
        html_notice(b, "success", web_t(req, notice_ok));
    if (notice_err >= 0)
        html_notice(b, "error", web_t(req, notice_err));

    buf_puts(b, "<div class=\"grid-2\"><section class=\"card\" aria-labelledby=\"me-h\">"
                "<div class=\"card-head\">");
    html_icon(b, "account");
    buf_printf(b, "<h2 id=\"me-h\">%h</h2></div><dl class=\"facts\">",
               web_t(req, T_ACCOUNT_PROFILE));
    buf_printf(b, "<dt>%h</dt><dd class=\"mono\">%h</dd>", web_t(req, T_FIELD_USERNAME), u->name);
    buf_printf(b, "<dt>%h</dt><dd>%h</dd>", web_t(req, T_FIELD_DISPLAY_NAME),
               *u->display_name ? u->display_name : u->name);
    if (*u->email)
        buf_printf(b, "<dt>%h</dt><dd>%h</dd>", web_t(req, T_FIELD_EMAIL), u->email);
    /* the role's code too: it is what the CLI and the API call it */
    buf_printf(b,
               "<dt>%h</dt><dd><span class=\"badge\">%h</span> <span class=\"mono muted\">%h</span>"
               "</dd>",
               web_t(req, T_COL_ROLE), html_role_label(req, u->role), u->role);
    buf_printf(b, "<dt>%h</dt><dd>", web_t(req, T_COL_CREATED));
    html_time(b, req, u->created_at);
    buf_puts(b, "</dd></dl>");

    /* the language form */
    i18n_lang_t stored = LANG_DEFAULT;
    (void)i18n_lang_parse(u->language, &stored);
    buf_printf(b, "<form method=\"post\" action=\"/account/language\" class=\"form inline-form\">");
    html_csrf_input(req, b);
    buf_printf(b,
               "<div class=\"field\"><label for=\"acc-lang\">%h</label><select id=\"acc-lang\" "
               "name=\"language\">",
               web_t(req, T_FIELD_LANGUAGE));
    for (int l = 0; l < LANG_COUNT; l++)
        buf_printf(b, "<option value=\"%a\"%s>%h</option>", i18n_lang_code((i18n_lang_t)l),
                   (int)stored == l ? " selected" : "", i18n_lang_name((i18n_lang_t)l));
    buf_printf(b, "</select></div><button type=\"submit\" class=\"button\">%h</button></form>",
               web_t(req, T_SAVE));
    buf_puts(b, "</section>");

    buf_puts(b, "<section class=\"card\" aria-labelledby=\"pw-h\"><div class=\"card-head\">");
    html_icon(b, "lock");
    buf_printf(b, "<h2 id=\"pw-h\">%h</h2></div><p class=\"muted\">%h</p>",
               web_t(req, T_ACCOUNT_PASSWORD), web_t(req, T_ACCOUNT_PASSWORD_LEAD));
    buf_puts(b, "<form method=\"post\" action=\"/account/password\" class=\"form\">");
    html_csrf_input(req, b);
    /* a hidden user name lets password managers file the new password */
    buf_printf(b,
               "<input type=\"text\" name=\"username\" autocomplete=\"username\" value=\"%a\" "
               "hidden>",
               u->name);
    buf_printf(b,
               "<div class=\"field\"><label for=\"pw-current\">%h</label><input id=\"pw-current\" "
               "name=\"current_password\" type=\"password\" autocomplete=\"current-password\" "
               "required></div>",
               web_t(req, T_FIELD_CURRENT_PASSWORD));
    buf_printf(b,
               "<div class=\"field\"><label for=\"pw-new\">%h</label><input id=\"pw-new\" "
               "name=\"new_password\" type=\"password\" autocomplete=\"new-password\" "
               "minlength=\"%d\" required><p class=\"hint\">%h</p></div>",
               web_t(req, T_FIELD_NEW_PASSWORD), PASSWORD_MIN_LENGTH, web_t(req, T_HINT_PASSWORD));
    buf_printf(b,
               "<div class=\"field\"><label for=\"pw-confirm\">%h</label><input id=\"pw-confirm\" "
               "name=\"confirm_password\" type=\"password\" autocomplete=\"new-password\" "
               "minlength=\"%d\" required></div>",
               web_t(req, T_FIELD_CONFIRM_PASSWORD), PASSWORD_MIN_LENGTH);
    buf_printf(b,
               "<div class=\"form-actions\"><button type=\"submit\" class=\"button primary\">%h"
               "</button></div></form></section></div>",
               web_t(req, T_ACCOUNT_PASSWORD_SUBMIT));
    html_end(req, res);
    return CX_OK;
}

cx_result page_account(http_request_t *req, http_response_t *res)
{
    const char *done = http_query(req, "done");
    int ok = -1;
    if (done && strcmp(done, "password") == 0)
        ok = T_ACCOUNT_PASSWORD_CHANGED;
    else if (done && strcmp(done, "language") == 0)
        ok = T_ACCOUNT_LANGUAGE_SAVED;
    return render_account(req, res, 200, ok, -1);
}

typedef struct password_job {
    http_request_t *req;
    const char *hash;
    char token[SECRET_TOKEN_LEN + 1];
} password_job_t;

static cx_result password_job(db_conn_t *db, void *arg)
{
    password_job_t *j = arg;
    http_request_t *req = j->req;
    cx_result rc = store_user_set_password(db, req->auth.name, j->hash, req->now);
    if (rc)
        return rc;
    if ((rc = auth_session_replace(db, req, j->token)))
        return rc;
    return auth_audit(db, req, "password_changed", req->auth.name, NULL);
}

cx_result page_account_password(http_request_t *req, http_response_t *res)
{
    const char *current = http_form(req, "current_password");
    const char *fresh = http_form(req, "new_password");
    const char *confirm = http_form(req, "confirm_password");

    account_read_job_t who = {.req = req};
    cx_result rc = store_read(req->store, account_read_job, &who);
    if (rc)
        return rc;
    bool current_ok = current && strlen(current) <= PASSWORD_MAX_LENGTH &&
                      secret_password_verify(who.user.password_hash, current);
    if (!current_ok)
        return render_account(req, res, 400, -1, T_ERR_CURRENT_PASSWORD);
    if (!fresh || strlen(fresh) < PASSWORD_MIN_LENGTH || secret_password_weakness(fresh))
        return render_account(req, res, 400, -1,
                              fresh && strlen(fresh) > PASSWORD_MAX_LENGTH ? T_ERR_PASSWORD_LONG
                                                                           : T_ERR_PASSWORD_SHORT);
    /* the confirmation is checked when the form sends it */
    if (confirm && strcmp(confirm, fresh) != 0)
        return render_account(req, res, 400, -1, T_ERR_PASSWORD_MISMATCH);

    char hash[SECRET_PASSWORD_HASH_MAX];
    if ((rc = secret_password_hash(fresh, hash)))
        return rc;
    password_job_t job = {.req = req, .hash = hash};
    if ((rc = store_write(req->store, password_job, &job)))
        return rc;
    auth_set_session_cookie(req, res, job.token);
    http_redirect(req, res, "/account?done=password");
    return CX_OK;
}

typedef struct language_job {
    http_request_t *req;
    const char *code;
} language_job_t;

static cx_result language_job(db_conn_t *db, void *arg)
{
    language_job_t *j = arg;
    return store_user_set_language(db, j->req->auth.user_id, j->code);
}

cx_result page_account_language(http_request_t *req, http_response_t *res)
{
    i18n_lang_t lang;
    if (!i18n_lang_parse(http_form(req, "language"), &lang))
        return render_account(req, res, 400, -1, T_ERR_LANGUAGE);
    language_job_t job = {req, i18n_lang_code(lang)};
    cx_result rc = store_write(req->store, language_job, &job);
    if (rc)
        return rc;
    http_set_cookie(req, res, "cx_lang", i18n_lang_code(lang), WEB_LANG_COOKIE_AGE);
    http_redirect(req, res, "/account?done=language");
    return CX_OK;
}
