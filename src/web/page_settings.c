/*
 * page_settings.c — the administrator's area: users, API keys, audit log.
 *
 * Every route here needs CAP_ADMIN and every POST a CSRF token; the router
 * checks both before these handlers run. Each change is one store_write
 * job that makes the change and its audit entry together, so either both
 * are committed or neither. A refused change (bad input, the last admin,
 * oneself) re-renders the page with the reason and changes nothing.
 *
 * Relies on store/accounts.h, auth.h (names, audit, sessions) and html.h.
 * Must never show a password or an API key other than the new key once,
 * on the response to its creation.
 */
#include <stdio.h>
#include <string.h>

#include "core/roles.h"
#include "core/secret.h"
#include "store/accounts.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/web.h"

#define SETTINGS_TEXT_MAX 200
#define SETTINGS_EMAIL_MAX 254
#define AUDIT_PAGE 50

static const char *const settings_roles[] = {"admin", "manager", "analyst", "agent", "viewer"};
#define ROLE_OPTIONS (sizeof settings_roles / sizeof settings_roles[0])

static void role_select(buf_t *b, const http_request_t *req, const char *id, const char *chosen)
{
    buf_printf(b, "<select id=\"%a\" name=\"role\" required>", id);
    for (size_t i = 0; i < ROLE_OPTIONS; i++)
        buf_printf(b, "<option value=\"%a\"%s>%h</option>", settings_roles[i],
                   chosen && strcmp(chosen, settings_roles[i]) == 0 ? " selected" : "",
                   html_role_label(req, settings_roles[i]));
    buf_puts(b, "</select>");
}

static void settings_tabs(buf_t *b, const http_request_t *req, const char *current)
{
    static const struct {
        const char *href;
        int label;
        const char *icon;
    } tabs[] = {
        {"/settings/users", T_SETTINGS_USERS, "users"},
        {"/settings/apikeys", T_SETTINGS_APIKEYS, "key"},
        {"/settings/audit", T_SETTINGS_AUDIT, "audit"},
    };
    buf_printf(b, "<nav class=\"tabs\" aria-label=\"%a\"><ul>", web_t(req, T_NAV_SETTINGS));
    for (size_t i = 0; i < sizeof tabs / sizeof tabs[0]; i++) {
        buf_printf(b, "<li><a href=\"%a\"%s>", tabs[i].href,
                   strcmp(tabs[i].href, current) == 0 ? " aria-current=\"page\"" : "");
        html_icon(b, tabs[i].icon);
        buf_printf(b, "%h</a></li>", web_t(req, tabs[i].label));
    }
    buf_puts(b, "</ul></nav>");
}

/* The notice a redirect asked for with ?done=. */
static int done_notice(const http_request_t *req)
{
    static const struct {
        const char *code;
        int text;
    } notices[] = {
        {"user_added", T_USERS_ADDED},         {"user_disabled", T_USERS_DISABLED},
        {"user_enabled", T_USERS_ENABLED},     {"user_password_set", T_USERS_PASSWORD_SET},
        {"apikey_revoked", T_APIKEYS_REVOKED},
    };
    const char *done = http_query(req, "done");
    for (size_t i = 0; done && i < sizeof notices / sizeof notices[0]; i++)
        if (strcmp(done, notices[i].code) == 0)
            return notices[i].text;
    return -1;
}

/* ---- index ---- */

cx_result page_settings_index(http_request_t *req, http_response_t *res)
{
    html_begin(req, res, web_t(req, T_NAV_SETTINGS), AREA_SETTINGS);
    buf_t *b = &res->body;
    html_page_head(b, web_t(req, T_NAV_SETTINGS), web_t(req, T_SETTINGS_LEAD));
    static const struct {
        const char *href;
        const char *icon;
        int title;
        int text;
    } cards[] = {
        {"/settings/users", "users", T_SETTINGS_USERS, T_SETTINGS_USERS_TEXT},
        {"/settings/apikeys", "key", T_SETTINGS_APIKEYS, T_SETTINGS_APIKEYS_TEXT},
        {"/settings/audit", "audit", T_SETTINGS_AUDIT, T_SETTINGS_AUDIT_TEXT},
    };
    buf_puts(b, "<div class=\"link-cards\">");
    for (size_t i = 0; i < sizeof cards / sizeof cards[0]; i++) {
        buf_printf(b, "<a class=\"card link-card\" href=\"%a\"><div class=\"card-head\">",
                   cards[i].href);
        html_icon(b, cards[i].icon);
        buf_printf(b, "<h2>%h</h2></div><p class=\"muted\">%h</p></a>", web_t(req, cards[i].title),
                   web_t(req, cards[i].text));
    }
    buf_puts(b, "</div>");
    html_end(req, res);
    return CX_OK;
}

/* ---- users ---- */

typedef struct users_view {
    int status;
    int notice_ok;  /* i18n key or -1 */
    int notice_err; /* i18n key or -1 */
    /* what the add form had, to show it again after an error */
    const char *name;
    const char *display_name;
    const char *email;
    const char *role;
    const char *language;
} users_view_t;

typedef struct user_list_job {
    http_request_t *req;
    store_user_t *users;
    size_t count;
} user_list_job_t;

static cx_result user_list_job(db_conn_t *db, void *arg)
{
    user_list_job_t *j = arg;
    return store_user_list(db, &j->req->arena, &j->users, &j->count);
}

static void user_row(buf_t *b, http_request_t *req, const store_user_t *u)
{
    bool self = u->id == req->auth.user_id;
    buf_printf(b,
               "<tr%s><td><span class=\"cell-title\">%h</span><span class=\"cell-sub\">%h</span>",
               u->disabled ? " class=\"is-disabled\"" : "",
               u->display_name && *u->display_name ? u->display_name : u->name, u->name);
    if (self)
        buf_printf(b, " <span class=\"badge\">%h</span>", web_t(req, T_USERS_YOU));
    buf_printf(b, "</td><td>%h</td><td>%h</td><td>", u->email, html_role_label(req, u->role));
    if (u->disabled)
        buf_printf(b, "<span class=\"badge muted\">%h</span>", web_t(req, T_STATUS_DISABLED));
    else
        buf_printf(b, "<span class=\"badge success\">%h</span>", web_t(req, T_STATUS_ACTIVE));
    buf_puts(b, "</td><td>");
    html_time(b, req, u->created_at);
    buf_puts(b, "</td><td class=\"actions\">");
    if (!self) {
        const char *what = u->disabled ? "enable" : "disable";
        buf_printf(b, "<form method=\"post\" action=\"/settings/users/%u/%u\" class=\"inline\"",
                   u->name, what);
        if (!u->disabled)
            buf_printf(b, " data-confirm=\"%a\"", web_t(req, T_CONFIRM_DISABLE));
        buf_putc(b, '>');
        html_csrf_input(req, b);
        buf_printf(b, "<button type=\"submit\" class=\"button small%s\">%h</button></form>",
                   u->disabled ? "" : " danger",
                   web_t(req, u->disabled ? T_USERS_ENABLE : T_USERS_DISABLE));
    }
    buf_printf(b, "<details class=\"inline-details\"><summary class=\"button small\">%h</summary>",
               web_t(req, T_USERS_SET_PASSWORD));
    buf_printf(
        b, "<form method=\"post\" action=\"/settings/users/%u/password\" class=\"form compact\">",
        u->name);
    html_csrf_input(req, b);
    buf_printf(b,
               "<label for=\"pw-%a\">%h</label><input id=\"pw-%a\" name=\"password\" "
               "type=\"password\" autocomplete=\"new-password\" minlength=\"%d\" required>"
               "<button type=\"submit\" class=\"button small primary\">%h</button></form>"
               "</details></td></tr>",
               u->name, web_t(req, T_USERS_NEW_PASSWORD), u->name, PASSWORD_MIN_LENGTH,
               web_t(req, T_SAVE));
}

static void language_select(buf_t *b, const char *id, const char *chosen)
{
    buf_printf(b, "<select id=\"%a\" name=\"language\">", id);
    for (int l = 0; l < LANG_COUNT; l++) {
        const char *code = i18n_lang_code((i18n_lang_t)l);
        buf_printf(b, "<option value=\"%a\"%s>%h</option>", code,
                   chosen && strcmp(chosen, code) == 0 ? " selected" : "",
                   i18n_lang_name((i18n_lang_t)l));
    }
    buf_puts(b, "</select>");
}

static cx_result render_users(http_request_t *req, http_response_t *res, const users_view_t *v)
{
    user_list_job_t job = {.req = req};
    cx_result rc = store_read(req->store, user_list_job, &job);
    if (rc)
        return rc;
    html_begin(req, res, web_t(req, T_SETTINGS_USERS), AREA_SETTINGS);
    res->status = v->status;
    buf_t *b = &res->body;
    html_page_head(b, web_t(req, T_SETTINGS_USERS), web_t(req, T_SETTINGS_USERS_TEXT));
    settings_tabs(b, req, "/settings/users");
    int ok = v->notice_ok >= 0 ? v->notice_ok : done_notice(req);
    if (ok >= 0)
        html_notice(b, "success", web_t(req, ok));
    if (v->notice_err >= 0)
        html_notice(b, "error", web_t(req, v->notice_err));

    buf_printf(b,
               "<section class=\"card flush\"><div class=\"table-wrap\"><table>"
               "<caption class=\"visually-hidden\">%h</caption><thead><tr>"
               "<th scope=\"col\">%h</th><th scope=\"col\">%h</th><th scope=\"col\">%h</th>"
               "<th scope=\"col\">%h</th><th scope=\"col\">%h</th><th scope=\"col\">"
               "<span class=\"visually-hidden\">%h</span></th></tr></thead><tbody>",
               web_t(req, T_SETTINGS_USERS), web_t(req, T_COL_USER), web_t(req, T_COL_EMAIL),
               web_t(req, T_COL_ROLE), web_t(req, T_COL_STATUS), web_t(req, T_COL_CREATED),
               web_t(req, T_COL_ACTIONS));
    for (size_t i = 0; i < job.count; i++)
        user_row(b, req, &job.users[i]);
    buf_puts(b, "</tbody></table></div></section>\n");

    buf_printf(b,
               "<section class=\"card\" aria-labelledby=\"add-user-h\"><div class=\"card-head\">");
    html_icon(b, "users");
    buf_printf(b, "<h2 id=\"add-user-h\">%h</h2></div>", web_t(req, T_USERS_ADD_TITLE));
    buf_puts(b, "<form method=\"post\" action=\"/settings/users\" class=\"form grid-form\">");
    html_csrf_input(req, b);
    buf_printf(
        b,
        "<div class=\"field\"><label for=\"nu-name\">%h</label><input id=\"nu-name\" "
        "name=\"name\" type=\"text\" required maxlength=\"%d\" autocomplete=\"off\" "
        "autocapitalize=\"none\" spellcheck=\"false\" value=\"%a\"><p class=\"hint\">%h</p></div>",
        web_t(req, T_FIELD_USERNAME), AUTH_NAME_MAX, v->name ? v->name : "",
        web_t(req, T_HINT_NAME));
    buf_printf(b,
               "<div class=\"field\"><label for=\"nu-display\">%h</label><input id=\"nu-display\" "
               "name=\"display_name\" type=\"text\" maxlength=\"%d\" autocomplete=\"off\" "
               "value=\"%a\"></div>",
               web_t(req, T_FIELD_DISPLAY_NAME), SETTINGS_TEXT_MAX,
               v->display_name ? v->display_name : "");
    buf_printf(b,
               "<div class=\"field\"><label for=\"nu-email\">%h</label><input id=\"nu-email\" "
               "name=\"email\" type=\"email\" maxlength=\"%d\" autocomplete=\"off\" "
               "value=\"%a\"></div>",
               web_t(req, T_FIELD_EMAIL), SETTINGS_EMAIL_MAX, v->email ? v->email : "");
    buf_printf(b, "<div class=\"field\"><label for=\"nu-role\">%h</label>", web_t(req, T_COL_ROLE));
    role_select(b, req, "nu-role", v->role ? v->role : "viewer");
    buf_printf(b, "</div><div class=\"field\"><label for=\"nu-lang\">%h</label>",
               web_t(req, T_FIELD_LANGUAGE));
    language_select(b, "nu-lang", v->language ? v->language : i18n_lang_code(req->lang));
    buf_printf(b,
               "</div><div class=\"field\"><label for=\"nu-password\">%h</label><input "
               "id=\"nu-password\" name=\"password\" type=\"password\" required minlength=\"%d\" "
               "autocomplete=\"new-password\"><p class=\"hint\">%h</p></div>",
               web_t(req, T_FIELD_PASSWORD), PASSWORD_MIN_LENGTH, web_t(req, T_HINT_PASSWORD));
    buf_printf(b,
               "<div class=\"form-actions\"><button type=\"submit\" class=\"button primary\">%h"
               "</button></div></form></section>",
               web_t(req, T_USERS_ADD_SUBMIT));
    html_end(req, res);
    return CX_OK;
}

static users_view_t users_view(int status)
{
    users_view_t v = {.status = status, .notice_ok = -1, .notice_err = -1};
    return v;
}

cx_result page_settings_users(http_request_t *req, http_response_t *res)
{
    users_view_t v = users_view(200);
    return render_users(req, res, &v);
}

/* The translated reason a password is refused, or -1. */
static int password_problem(const char *password)
{
    if (!password || strlen(password) < PASSWORD_MIN_LENGTH)
        return T_ERR_PASSWORD_SHORT;
    if (strlen(password) > PASSWORD_MAX_LENGTH)
        return T_ERR_PASSWORD_LONG;
    return secret_password_weakness(password) ? T_ERR_PASSWORD_SHORT : -1;
}

static bool email_plausible(const char *email)
{
    size_t n = strlen(email);
    if (n == 0)
        return true;
    const char *at = strchr(email, '@');
    return n <= SETTINGS_EMAIL_MAX && at && at != email && at[1] && !strchr(at + 1, '@') &&
           !strpbrk(email, " \t\r\n<>\"");
}

typedef struct user_add_job {
    http_request_t *req;
    store_user_t user;
} user_add_job_t;

static cx_result user_add_job(db_conn_t *db, void *arg)
{
    user_add_job_t *j = arg;
    int64_t id;
    cx_result rc = store_user_add(db, &j->user, &id);
    if (rc)
        return rc;
    char detail[64];
    snprintf(detail, sizeof detail, "role=%s", j->user.role);
    return auth_audit(db, j->req, "user_added", j->user.name, detail);
}

cx_result page_settings_user_add(http_request_t *req, http_response_t *res)
{
    users_view_t v = users_view(400);
    v.name = http_form(req, "name");
    v.display_name = http_form(req, "display_name");
    v.email = http_form(req, "email");
    v.role = http_form(req, "role");
    v.language = http_form(req, "language");
    const char *password = http_form(req, "password");
    if (!v.display_name)
        v.display_name = "";
    if (!v.email)
        v.email = "";

    i18n_lang_t lang = req->lang;
    if (!auth_name_valid(v.name))
        v.notice_err = T_ERR_NAME;
    else if (strlen(v.display_name) > SETTINGS_TEXT_MAX)
        v.notice_err = T_ERR_DISPLAY_NAME;
    else if (!email_plausible(v.email))
        v.notice_err = T_ERR_EMAIL;
    else if (!v.role || role_from_name(v.role) == ROLE_NONE)
        v.notice_err = T_ERR_ROLE;
    else if (v.language && *v.language && !i18n_lang_parse(v.language, &lang))
        v.notice_err = T_ERR_LANGUAGE;
    else
        v.notice_err = password_problem(password);
    if (v.notice_err >= 0)
        return render_users(req, res, &v);

    char hash[SECRET_PASSWORD_HASH_MAX];
    cx_result rc = secret_password_hash(password, hash);
    if (rc)
        return rc;
    user_add_job_t job = {.req = req};
    job.user.name = v.name;
    job.user.display_name = v.display_name;
    job.user.email = v.email;
    job.user.role = role_name(role_from_name(v.role));
    job.user.language = i18n_lang_code(lang);
    job.user.password_hash = hash;
    job.user.created_at = req->now;
    rc = store_write(req->store, user_add_job, &job);
    if (rc == CX_ERR_CONFLICT) {
        v.status = 409;
        v.notice_err = T_ERR_USER_EXISTS;
        return render_users(req, res, &v);
    }
    if (rc)
        return rc;
    http_redirect(req, res, "/settings/users?done=user_added");
    return CX_OK;
}

/* One change to one user, named in the path. */
typedef enum user_change { USER_DISABLE, USER_ENABLE, USER_PASSWORD } user_change_t;

typedef struct user_change_job {
    http_request_t *req;
    user_change_t change;
    const char *name;
    const char *password_hash;
    int refusal; /* i18n key of why it was refused, or -1 */
    bool self;
    char token[SECRET_TOKEN_LEN + 1]; /* new session when one's own password changed */
} user_change_job_t;

static cx_result user_change_job(db_conn_t *db, void *arg)
{
    user_change_job_t *j = arg;
    http_request_t *req = j->req;
    store_user_t u;
    cx_result rc = store_user_find_by_name(db, &req->arena, j->name, &u);
    if (rc)
        return rc;
    j->self = u.id == req->auth.user_id;
    switch (j->change) {
    case USER_DISABLE:
        if (j->self) {
            j->refusal = T_ERR_DISABLE_SELF;
            return CX_ERR_CONFLICT;
        }
        if (u.disabled)
            return CX_OK; /* nothing to do, nothing to audit */
        if (strcmp(u.role, "admin") == 0 && store_user_count_admins(db) <= 1) {
            j->refusal = T_ERR_LAST_ADMIN;
            return CX_ERR_CONFLICT;
        }
        if ((rc = store_user_set_disabled(db, u.name, true)))
            return rc;
        if ((rc = store_session_revoke_user(db, u.id, req->now)))
            return rc;
        return auth_audit(db, req, "user_disabled", u.name, NULL);
    case USER_ENABLE:
        if (!u.disabled)
            return CX_OK;
        if ((rc = store_user_set_disabled(db, u.name, false)))
            return rc;
        return auth_audit(db, req, "user_enabled", u.name, NULL);
    case USER_PASSWORD:
        if ((rc = store_user_set_password(db, u.name, j->password_hash, req->now)))
            return rc;
        /* whoever knew the old password is signed out everywhere */
        if (j->self)
            rc = auth_session_replace(db, req, j->token);
        else
            rc = store_session_revoke_user(db, u.id, req->now);
        if (rc)
            return rc;
        return auth_audit(db, req, "user_password_set", u.name, NULL);
    }
    return CX_ERR_INTERNAL;
}

static cx_result change_user(http_request_t *req, http_response_t *res, user_change_t change,
                             const char *done)
{
    user_change_job_t job = {
        .req = req, .change = change, .name = http_param(req, "name"), .refusal = -1};
    char hash[SECRET_PASSWORD_HASH_MAX];
    if (change == USER_PASSWORD) {
        const char *password = http_form(req, "password");
        int problem = password_problem(password);
        if (problem >= 0) {
            users_view_t v = users_view(400);
            v.notice_err = problem;
            return render_users(req, res, &v);
        }
        cx_result hrc = secret_password_hash(password, hash);
        if (hrc)
            return hrc;
        job.password_hash = hash;
    }
    cx_result rc = store_write(req->store, user_change_job, &job);
    if (rc == CX_ERR_NOT_FOUND || rc == CX_ERR_CONFLICT) {
        users_view_t v = users_view(http_status_of(rc));
        v.notice_err = rc == CX_ERR_NOT_FOUND ? T_ERR_USER_UNKNOWN : job.refusal;
        if (v.notice_err < 0)
            v.notice_err = T_ERR_409_TEXT;
        return render_users(req, res, &v);
    }
    if (rc)
        return rc;
    if (change == USER_PASSWORD && job.self)
        auth_set_session_cookie(req, res, job.token);
    char location[64];
    snprintf(location, sizeof location, "/settings/users?done=%s", done);
    http_redirect(req, res, location);
    return CX_OK;
}

cx_result page_settings_user_disable(http_request_t *req, http_response_t *res)
{
    return change_user(req, res, USER_DISABLE, "user_disabled");
}

cx_result page_settings_user_enable(http_request_t *req, http_response_t *res)
{
    return change_user(req, res, USER_ENABLE, "user_enabled");
}

cx_result page_settings_user_password(http_request_t *req, http_response_t *res)
{
    return change_user(req, res, USER_PASSWORD, "user_password_set");
}

/* ---- API keys ---- */

typedef struct apikeys_view {
    int status;
    int notice_err;
    const char *new_key; /* shown once */
    const char *new_name;
    const char *name; /* the create form's values after an error */
    const char *role;
} apikeys_view_t;

typedef struct apikey_list_job {
    http_request_t *req;
    store_apikey_t *keys;
    size_t count;
} apikey_list_job_t;

static cx_result apikey_list_job(db_conn_t *db, void *arg)
{
    apikey_list_job_t *j = arg;
    return store_apikey_list(db, &j->req->arena, &j->keys, &j->count);
}

/* Keys made on the command line have no creator. */
static const char *creator_name(const store_apikey_t *k)
{
    return k->created_by && *k->created_by ? k->created_by : "cli";
}

static cx_result render_apikeys(http_request_t *req, http_response_t *res, const apikeys_view_t *v)
{
    apikey_list_job_t job = {.req = req};
    cx_result rc = store_read(req->store, apikey_list_job, &job);
    if (rc)
        return rc;
    html_begin(req, res, web_t(req, T_SETTINGS_APIKEYS), AREA_SETTINGS);
    res->status = v->status;
    buf_t *b = &res->body;
    html_page_head(b, web_t(req, T_SETTINGS_APIKEYS), web_t(req, T_SETTINGS_APIKEYS_TEXT));
    settings_tabs(b, req, "/settings/apikeys");
    int ok = done_notice(req);
    if (ok >= 0 && !v->new_key && v->notice_err < 0)
        html_notice(b, "success", web_t(req, ok));
    if (v->notice_err >= 0)
        html_notice(b, "error", web_t(req, v->notice_err));
    if (v->new_key) {
        buf_printf(b, "<section class=\"card new-key\" aria-labelledby=\"new-key-h\">"
                      "<div class=\"card-head\">");
        html_icon(b, "key");
        buf_puts(b, "<h2 id=\"new-key-h\">");
        html_textf(b, req, T_APIKEYS_CREATED, v->new_name);
        buf_printf(b,
                   "</h2></div><p>%h</p><div class=\"copy-row\"><label class=\"visually-hidden\" "
                   "for=\"new-key\">%h</label><input id=\"new-key\" class=\"mono\" type=\"text\" "
                   "readonly value=\"%a\"><button type=\"button\" class=\"button\" "
                   "data-copy=\"new-key\" data-copied=\"%a\" hidden>%h</button></div>",
                   web_t(req, T_APIKEYS_SHOWN_ONCE), web_t(req, T_SETTINGS_APIKEYS), v->new_key,
                   web_t(req, T_COPIED), web_t(req, T_COPY));
        buf_printf(b, "<p class=\"hint\">%h <code>Authorization: Bearer …</code></p></section>",
                   web_t(req, T_APIKEYS_USAGE));
    }

    if (job.count == 0) {
        buf_puts(b, "<section class=\"card\">");
        html_empty_state(b, "key", web_t(req, T_APIKEYS_NONE), web_t(req, T_APIKEYS_NONE_TEXT));
        buf_puts(b, "</section>");
    } else {
        buf_printf(b,
                   "<section class=\"card flush\"><div class=\"table-wrap\"><table>"
                   "<caption class=\"visually-hidden\">%h</caption><thead><tr>"
                   "<th scope=\"col\">%h</th><th scope=\"col\">%h</th><th scope=\"col\">%h</th>"
                   "<th scope=\"col\">%h</th><th scope=\"col\">%h</th><th scope=\"col\">%h</th>"
                   "<th scope=\"col\"><span class=\"visually-hidden\">%h</span></th></tr></thead>"
                   "<tbody>",
                   web_t(req, T_SETTINGS_APIKEYS), web_t(req, T_COL_NAME), web_t(req, T_COL_KEY),
                   web_t(req, T_COL_ROLE), web_t(req, T_COL_CREATED), web_t(req, T_COL_LAST_USED),
                   web_t(req, T_COL_STATUS), web_t(req, T_COL_ACTIONS));
        for (size_t i = 0; i < job.count; i++) {
            const store_apikey_t *k = &job.keys[i];
            bool live = k->revoked_at == 0;
            buf_printf(b,
                       "<tr%s><td><span class=\"cell-title\">%h</span></td><td><code>cx_%h_…</code>"
                       "</td><td>%h</td><td>",
                       live ? "" : " class=\"is-disabled\"", k->name, k->prefix,
                       html_role_label(req, k->role));
            html_time(b, req, k->created_at);
            buf_printf(b, "<span class=\"cell-sub\">%h</span></td><td>", creator_name(k));
            html_time(b, req, k->last_used_at);
            buf_puts(b, "</td><td>");
            if (live)
                buf_printf(b, "<span class=\"badge success\">%h</span>",
                           web_t(req, T_STATUS_ACTIVE));
            else
                buf_printf(b, "<span class=\"badge muted\">%h</span>",
                           web_t(req, T_STATUS_REVOKED));
            buf_puts(b, "</td><td class=\"actions\">");
            if (live) {
                buf_printf(b,
                           "<form method=\"post\" action=\"/settings/apikeys/%u/revoke\" "
                           "class=\"inline\" data-confirm=\"%a\">",
                           k->name, web_t(req, T_CONFIRM_REVOKE));
                html_csrf_input(req, b);
                buf_printf(b,
                           "<button type=\"submit\" class=\"button small danger\">%h</button>"
                           "</form>",
                           web_t(req, T_APIKEYS_REVOKE));
            }
            buf_puts(b, "</td></tr>");
        }
        buf_puts(b, "</tbody></table></div></section>\n");
    }

    buf_printf(b,
               "<section class=\"card\" aria-labelledby=\"add-key-h\"><div class=\"card-head\">");
    html_icon(b, "key");
    buf_printf(b, "<h2 id=\"add-key-h\">%h</h2></div>", web_t(req, T_APIKEYS_ADD_TITLE));
    buf_puts(b, "<form method=\"post\" action=\"/settings/apikeys\" class=\"form grid-form\">");
    html_csrf_input(req, b);
    buf_printf(b,
               "<div class=\"field\"><label for=\"nk-name\">%h</label><input id=\"nk-name\" "
               "name=\"name\" type=\"text\" required maxlength=\"%d\" autocomplete=\"off\" "
               "spellcheck=\"false\" value=\"%a\"><p class=\"hint\">%h</p></div>",
               web_t(req, T_COL_NAME), AUTH_NAME_MAX, v->name ? v->name : "",
               web_t(req, T_HINT_KEY_NAME));
    buf_printf(b, "<div class=\"field\"><label for=\"nk-role\">%h</label>", web_t(req, T_COL_ROLE));
    role_select(b, req, "nk-role", v->role ? v->role : "viewer");
    buf_printf(b,
               "</div><div class=\"form-actions\"><button type=\"submit\" class=\"button "
               "primary\">%h</button></div></form></section>",
               web_t(req, T_APIKEYS_ADD_SUBMIT));
    html_end(req, res);
    return CX_OK;
}

cx_result page_settings_apikeys(http_request_t *req, http_response_t *res)
{
    apikeys_view_t v = {.status = 200, .notice_err = -1};
    return render_apikeys(req, res, &v);
}

typedef struct apikey_add_job {
    http_request_t *req;
    const char *name;
    const char *role;
    const char *prefix;
    const char *hash;
} apikey_add_job_t;

static cx_result apikey_add_job(db_conn_t *db, void *arg)
{
    apikey_add_job_t *j = arg;
    int64_t id;
    cx_result rc = store_apikey_add(db, j->name, j->prefix, j->hash, j->role, j->req->auth.user_id,
                                    j->req->now, &id);
    if (rc)
        return rc;
    char detail[64];
    snprintf(detail, sizeof detail, "role=%s", j->role);
    return auth_audit(db, j->req, "apikey_created", j->name, detail);
}

cx_result page_settings_apikey_create(http_request_t *req, http_response_t *res)
{
    apikeys_view_t v = {.status = 400, .notice_err = -1};
    v.name = http_form(req, "name");
    v.role = http_form(req, "role");
    if (!auth_name_valid(v.name))
        v.notice_err = T_ERR_NAME;
    else if (!v.role || role_from_name(v.role) == ROLE_NONE)
        v.notice_err = T_ERR_ROLE;
    if (v.notice_err >= 0)
        return render_apikeys(req, res, &v);

    char key[APIKEY_LEN + 1], prefix[APIKEY_PREFIX_LEN + 1], hash[SECRET_HASH_HEX_LEN + 1];
    secret_apikey_new(key, prefix);
    secret_token_hash(key, hash);
    apikey_add_job_t job = {req, v.name, role_name(role_from_name(v.role)), prefix, hash};
    cx_result rc = store_write(req->store, apikey_add_job, &job);
    if (rc == CX_ERR_CONFLICT) {
        v.status = 409;
        v.notice_err = T_ERR_KEY_EXISTS;
        return render_apikeys(req, res, &v);
    }
    if (rc)
        return rc;
    apikeys_view_t done = {.status = 200, .notice_err = -1, .new_name = v.name};
    done.new_key = arena_strdup(&req->arena, key);
    if (!done.new_key)
        return CX_ERR_NOMEM;
    return render_apikeys(req, res, &done);
}

typedef struct apikey_revoke_job {
    http_request_t *req;
    const char *name;
} apikey_revoke_job_t;

static cx_result apikey_revoke_job(db_conn_t *db, void *arg)
{
    apikey_revoke_job_t *j = arg;
    cx_result rc = store_apikey_revoke(db, j->name, j->req->now);
    if (rc)
        return rc;
    return auth_audit(db, j->req, "apikey_revoked", j->name, NULL);
}

cx_result page_settings_apikey_revoke(http_request_t *req, http_response_t *res)
{
    apikey_revoke_job_t job = {req, http_param(req, "name")};
    cx_result rc = store_write(req->store, apikey_revoke_job, &job);
    if (rc == CX_ERR_NOT_FOUND) {
        apikeys_view_t v = {.status = 404, .notice_err = T_ERR_KEY_UNKNOWN};
        return render_apikeys(req, res, &v);
    }
    if (rc)
        return rc;
    http_redirect(req, res, "/settings/apikeys?done=apikey_revoked");
    return CX_OK;
}

/* ---- audit log ---- */

typedef struct audit_list_job {
    http_request_t *req;
    int64_t before;
    int limit;
    store_audit_entry_t *entries;
    size_t count;
} audit_list_job_t;

static cx_result audit_list_job(db_conn_t *db, void *arg)
{
    audit_list_job_t *j = arg;
    return store_audit_list(db, &j->req->arena, j->before, j->limit, &j->entries, &j->count);
}

static const struct {
    const char *action;
    int label;
} audit_labels[] = {
    {"login", T_AUDIT_LOGIN},
    {"login_failed", T_AUDIT_LOGIN_FAILED},
    {"login_throttled", T_AUDIT_LOGIN_THROTTLED},
    {"logout", T_AUDIT_LOGOUT},
    {"password_changed", T_AUDIT_PASSWORD_CHANGED},
    {"user_added", T_AUDIT_USER_ADDED},
    {"user_disabled", T_AUDIT_USER_DISABLED},
    {"user_enabled", T_AUDIT_USER_ENABLED},
    {"user_password_set", T_AUDIT_USER_PASSWORD_SET},
    {"apikey_created", T_AUDIT_APIKEY_CREATED},
    {"apikey_revoked", T_AUDIT_APIKEY_REVOKED},
};

static void audit_action(buf_t *b, const http_request_t *req, const char *action)
{
    for (size_t i = 0; i < sizeof audit_labels / sizeof audit_labels[0]; i++) {
        if (strcmp(audit_labels[i].action, action) == 0) {
            bool bad =
                strcmp(action, "login_failed") == 0 || strcmp(action, "login_throttled") == 0;
            buf_printf(b,
                       "<span class=\"badge%s\">%h</span><span class=\"cell-sub mono\">%h</span>",
                       bad ? " warn" : "", web_t(req, audit_labels[i].label), action);
            return;
        }
    }
    buf_printf(b, "<span class=\"mono\">%h</span>", action);
}

static bool parse_positive(const char *s, int64_t *out)
{
    if (!s || !*s)
        return false;
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (*p - '0');
    }
    if (v <= 0)
        return false;
    *out = v;
    return true;
}

cx_result page_settings_audit(http_request_t *req, http_response_t *res)
{
    audit_list_job_t job = {.req = req, .limit = AUDIT_PAGE + 1};
    const char *before = http_query(req, "before");
    if (before && *before && !parse_positive(before, &job.before))
        return http_fail(req, CX_ERR_INVALID, "before", "before must be a positive integer");
    cx_result rc = store_read(req->store, audit_list_job, &job);
    if (rc)
        return rc;
    bool more = job.count > AUDIT_PAGE;
    if (more)
        job.count = AUDIT_PAGE;

    html_begin(req, res, web_t(req, T_SETTINGS_AUDIT), AREA_SETTINGS);
    buf_t *b = &res->body;
    html_page_head(b, web_t(req, T_SETTINGS_AUDIT), web_t(req, T_SETTINGS_AUDIT_TEXT));
    settings_tabs(b, req, "/settings/audit");
    if (job.count == 0) {
        buf_puts(b, "<section class=\"card\">");
        html_empty_state(b, "audit", web_t(req, T_AUDIT_NONE), web_t(req, T_AUDIT_NONE_TEXT));
        buf_puts(b, "</section>");
    } else {
        buf_printf(b,
                   "<section class=\"card flush\"><div class=\"table-wrap\"><table class=\"audit\">"
                   "<caption class=\"visually-hidden\">%h</caption><thead><tr>"
                   "<th scope=\"col\">%h</th><th scope=\"col\">%h</th><th scope=\"col\">%h</th>"
                   "<th scope=\"col\">%h</th><th scope=\"col\">%h</th><th scope=\"col\">%h</th>"
                   "</tr></thead><tbody>",
                   web_t(req, T_SETTINGS_AUDIT), web_t(req, T_COL_TIME), web_t(req, T_COL_ACTOR),
                   web_t(req, T_COL_ACTION), web_t(req, T_COL_TARGET), web_t(req, T_COL_ADDRESS),
                   web_t(req, T_COL_DETAIL));
        for (size_t i = 0; i < job.count; i++) {
            const store_audit_entry_t *e = &job.entries[i];
            buf_printf(b, "<tr id=\"audit-%lld\"><td>", (long long)e->id);
            html_time(b, req, e->at);
            buf_printf(b, "</td><td>%h</td><td>", e->actor);
            audit_action(b, req, e->action);
            buf_printf(b, "</td><td>%h</td><td class=\"mono\">%h</td><td>%h</td></tr>", e->target,
                       e->address, e->detail);
        }
        buf_puts(b, "</tbody></table></div></section>\n");
    }
    buf_printf(b, "<nav class=\"pager\" aria-label=\"%a\">", web_t(req, T_PAGER_LABEL));
    if (job.before)
        buf_printf(b, "<a class=\"button\" href=\"/settings/audit\">%h</a>",
                   web_t(req, T_PAGER_NEWEST));
    if (more)
        buf_printf(b,
                   "<a class=\"button\" href=\"/settings/audit?before=%lld\" rel=\"next\">%h</a>",
                   (long long)job.entries[job.count - 1].id, web_t(req, T_PAGER_OLDER));
    buf_puts(b, "</nav>");
    html_end(req, res);
    return CX_OK;
}
