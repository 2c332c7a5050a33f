/*
 * page_surveys.c — the survey editor: the list of surveys (GET /surveys),
 * a new survey (GET /surveys/new, POST /surveys), and one survey's page
 * (GET /surveys/ID) with its settings, thank-you texts, open/closed state,
 * public link and questions, each question editable in place (labels in
 * Polish, English and Romanian, the wording by NPS score group, scale
 * direction, driver attribute, choices), moved, deleted or added.
 *
 * Every role sees the pages; changes need CAP_MANAGE and a CSRF token (the
 * router checks both). Plain HTML forms, no JavaScript needed. A change is
 * one store_write job: it reads the survey as a definition, applies the
 * form to it, and saves it with the same checker and writer as the API
 * (store/surveys.h), with its audit entry; so the editor can never save a
 * survey the API would refuse. A refusal shows the page again with the
 * reason (400, or 409 when answers are at stake) and changes nothing.
 *
 * Relies on store/surveys.h, html.h and i18n for every text. Must never
 * write user text without %h/%a/%u, and never drop answers: questions with
 * answers cannot be deleted or change their kind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/slug.h"
#include "store/surveys.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/pages.h"
#include "web/survey_jobs.h"
#include "web/web.h"

#define SV_TEXT_MAX 2000

static const char *const sv_langs[] = {"pl", "en", "ro"};
#define SV_NLANG 3
static const char *const sv_groups[] = {"detractor", "passive", "promoter"};

static const struct {
    const char *kind;
    int label;
} sv_kinds[] = {
    {"nps", T_SV_KIND_NPS},   {"csat", T_SV_KIND_CSAT},     {"ces", T_SV_KIND_CES},
    {"enps", T_SV_KIND_ENPS}, {"custom", T_SV_KIND_CUSTOM},
};

static const struct {
    const char *kind;
    int label;
} sv_qkinds[] = {
    {"score", T_SV_QKIND_SCORE},   {"rating", T_SV_QKIND_RATING}, {"effort", T_SV_QKIND_EFFORT},
    {"single", T_SV_QKIND_SINGLE}, {"multi", T_SV_QKIND_MULTI},   {"text", T_SV_QKIND_TEXT},
};

static const char *kind_label(const http_request_t *req, const char *kind)
{
    for (size_t i = 0; i < sizeof sv_kinds / sizeof sv_kinds[0]; i++)
        if (strcmp(kind, sv_kinds[i].kind) == 0)
            return web_t(req, sv_kinds[i].label);
    return kind;
}

static const char *qkind_label(const http_request_t *req, const char *kind)
{
    for (size_t i = 0; i < sizeof sv_qkinds / sizeof sv_qkinds[0]; i++)
        if (strcmp(kind, sv_qkinds[i].kind) == 0)
            return web_t(req, sv_qkinds[i].label);
    return kind;
}

/* The translated reason of a refused definition. */
static int problem_text(surveys_problem_code_t code)
{
    static const int texts[SURVEYS_P_COUNT] = {
        [SURVEYS_P_NONE] = T_SV_P_TYPE,         [SURVEYS_P_REQUIRED] = T_SV_P_REQUIRED,
        [SURVEYS_P_TYPE] = T_SV_P_TYPE,         [SURVEYS_P_TOO_LONG] = T_SV_P_TOO_LONG,
        [SURVEYS_P_UNKNOWN] = T_SV_P_TYPE,      [SURVEYS_P_KIND] = T_SV_P_KIND,
        [SURVEYS_P_KEY] = T_SV_P_KEY,           [SURVEYS_P_KEY_TAKEN] = T_SV_P_KEY_TAKEN,
        [SURVEYS_P_LANGUAGE] = T_SV_P_LANGUAGE, [SURVEYS_P_LABEL] = T_SV_P_LABEL,
        [SURVEYS_P_CHOICES] = T_SV_P_CHOICES,   [SURVEYS_P_MAIN] = T_SV_P_MAIN,
        [SURVEYS_P_NOT_HERE] = T_SV_P_NOT_HERE, [SURVEYS_P_ORIGIN] = T_SV_P_ORIGIN,
        [SURVEYS_P_SLUG] = T_SV_P_TYPE,         [SURVEYS_P_SLUG_TAKEN] = T_SV_P_TYPE,
        [SURVEYS_P_TOUCHPOINT] = T_SV_P_TOUCHPOINT, [SURVEYS_P_ANSWERED] = T_SV_P_ANSWERED,
    };
    return code < SURVEYS_P_COUNT ? texts[code] : T_SV_P_TYPE;
}

static bool can_edit(const http_request_t *req)
{
    return (req->auth.caps & CAP_MANAGE) != 0;
}

/* True when the comma list holds lang. */
static bool list_has(const char *list, const char *lang)
{
    size_t n = strlen(lang);
    for (const char *p = list; *p;) {
        p += strspn(p, ", ");
        size_t len = strcspn(p, ", ");
        if (len == n && strncmp(p, lang, n) == 0)
            return true;
        p += len;
    }
    return false;
}

/* The survey's first language: respondents see it when theirs is missing. */
static const char *first_language(arena_t *a, const char *list)
{
    const char *p = list + strspn(list, ", ");
    size_t len = strcspn(p, ", ");
    const char *code = len ? arena_strndup(a, p, len) : "pl";
    return code ? code : "pl";
}

static const char *lang_name(const char *code)
{
    i18n_lang_t l;
    return i18n_lang_parse(code, &l) ? i18n_lang_name(l) : code;
}

/* The "missing translation" badge: text, not only colour. */
static void missing_badge(buf_t *b, const http_request_t *req, const char *lang,
                          const char *fallback)
{
    buf_puts(b, "<span class=\"badge warn missing\">");
    html_textf(b, req, T_SV_MISSING, lang_name(lang));
    buf_puts(b, "</span> <span class=\"hint\">");
    html_textf(b, req, T_SV_FALLBACK, lang_name(fallback));
    buf_puts(b, "</span>");
}

static const char *text_in(json_t *texts, const char *lang)
{
    const char *t = json_string_value(json_object_get(texts, lang));
    return t ? t : "";
}

static bool blank(const char *t)
{
    return !t || !t[strspn(t, " \t\r\n")];
}

/* ---- reading ---- */

typedef struct sv_read_job {
    http_request_t *req;
    int64_t id;
    surveys_info_t survey;
    surveys_info_t *rows;
    size_t count;
    surveys_touchpoint_t *touchpoints;
    size_t ntouchpoints;
} sv_read_job_t;

static cx_result sv_list_job(db_conn_t *db, void *arg)
{
    sv_read_job_t *j = arg;
    return surveys_list(db, &j->req->arena, &j->rows, &j->count);
}

static cx_result sv_get_job(db_conn_t *db, void *arg)
{
    sv_read_job_t *j = arg;
    cx_result rc = j->id ? surveys_get(db, &j->req->arena, j->id, &j->survey) : CX_OK;
    if (!rc)
        rc = surveys_touchpoints(db, &j->req->arena, &j->touchpoints, &j->ntouchpoints);
    return rc;
}

/* The notice a redirect asked for with ?done=. */
static int done_notice(const http_request_t *req)
{
    static const struct {
        const char *code;
        int text;
    } notices[] = {
        {"created", T_SV_DONE_CREATED},   {"saved", T_SV_DONE_SAVED},
        {"opened", T_SV_DONE_OPENED},     {"closed", T_SV_DONE_CLOSED},
        {"deleted", T_SV_DONE_DELETED},   {"question_added", T_SV_DONE_Q_ADDED},
        {"question_saved", T_SV_DONE_SAVED}, {"question_deleted", T_SV_DONE_Q_DELETED},
        {"question_moved", T_SV_DONE_SAVED},
    };
    const char *done = http_query(req, "done");
    for (size_t i = 0; done && i < sizeof notices / sizeof notices[0]; i++)
        if (strcmp(done, notices[i].code) == 0)
            return notices[i].text;
    return -1;
}

/* ---- the list ---- */

cx_result page_surveys_list(http_request_t *req, http_response_t *res)
{
    sv_read_job_t job = {.req = req};
    cx_result rc = store_read(req->store, sv_list_job, &job);
    if (rc)
        return rc;
    const char *title = web_t(req, T_NAV_SURVEYS);
    html_begin(req, res, title, AREA_SURVEYS);
    buf_t *b = &res->body;
    html_page_head(b, title, web_t(req, T_AREA_SURVEYS_LEAD));
    int ok = done_notice(req);
    if (ok >= 0)
        html_notice(b, "success", web_t(req, ok));
    if (can_edit(req)) {
        buf_printf(b, "<p class=\"page-actions\"><a class=\"button primary\" href=\"/surveys/new\">%h"
                      "</a> ",
                   web_t(req, T_SV_NEW));
        html_import_link(b, req, "responses");
        buf_puts(b, "</p>");
    }
    if (job.count == 0) {
        buf_puts(b, "<section class=\"card\">");
        html_empty_state(b, "surveys", web_t(req, T_SV_EMPTY_TITLE), web_t(req, T_SV_EMPTY_TEXT));
        buf_puts(b, "</section>");
        html_end(req, res);
        return CX_OK;
    }
    buf_printf(b,
               "<section class=\"card flush\"><div class=\"table-wrap\"><table class=\"surveys\">"
               "<caption class=\"visually-hidden\">%h</caption><thead><tr>"
               "<th scope=\"col\">%h</th><th scope=\"col\">%h</th><th scope=\"col\">%h</th>"
               "<th scope=\"col\">%h</th><th scope=\"col\">%h</th><th scope=\"col\" "
               "class=\"num\">%h</th></tr></thead><tbody>",
               title, web_t(req, T_SV_COL_SURVEY), web_t(req, T_SV_F_KIND),
               web_t(req, T_SV_F_TOUCHPOINT), web_t(req, T_SV_F_CHANNEL),
               web_t(req, T_SV_COL_STATE), web_t(req, T_SV_COL_RESPONSES));
    for (size_t i = 0; i < job.count; i++) {
        const surveys_info_t *s = &job.rows[i];
        buf_printf(b,
                   "<tr><td><a class=\"cell-title\" href=\"/surveys/%lld\">%h</a>"
                   "<span class=\"cell-sub mono\">/s/%h</span></td><td>%h</td><td>%h</td>"
                   "<td>%h</td><td>",
                   (long long)s->id, s->name, s->slug, kind_label(req, s->kind),
                   *s->touchpoint ? s->touchpoint : "—", *s->channel ? html_channel_label(req, s->channel) : "—");
        buf_printf(b, "<span class=\"badge %s\">%h</span></td><td class=\"num\">",
                   s->open ? "success" : "muted", /* raw: a class name */
                   web_t(req, s->open ? T_SV_OPEN : T_SV_CLOSED));
        i18n_format_int(b, req->lang, s->responses);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table></div></section>\n");
    html_end(req, res);
    return CX_OK;
}

/* ---- shared form pieces ---- */

static void touchpoint_select(buf_t *b, const http_request_t *req, const char *id,
                              const surveys_touchpoint_t *tps, size_t n, int64_t chosen)
{
    buf_printf(b, "<select id=\"%a\" name=\"touchpoint_id\"><option value=\"\">%h</option>", id,
               web_t(req, T_SV_NONE));
    for (size_t i = 0; i < n; i++)
        buf_printf(b, "<option value=\"%lld\"%s>%h</option>", (long long)tps[i].id,
                   tps[i].id == chosen ? " selected" : "", tps[i].name);
    buf_puts(b, "</select>");
}

static void language_boxes(buf_t *b, const http_request_t *req, const char *prefix,
                           const char *chosen)
{
    buf_printf(b, "<fieldset class=\"field checks\"><legend>%h</legend>",
               web_t(req, T_SV_F_LANGUAGES));
    for (size_t i = 0; i < SV_NLANG; i++)
        buf_printf(b,
                   "<label class=\"check\"><input type=\"checkbox\" name=\"languages\" "
                   "value=\"%a\" id=\"%a-lang-%a\"%s> %h</label>",
                   sv_langs[i], prefix, sv_langs[i],
                   list_has(chosen, sv_langs[i]) ? " checked" : "", lang_name(sv_langs[i]));
    buf_printf(b, "<p class=\"hint\">%h</p></fieldset>", web_t(req, T_SV_H_LANGUAGES));
}

/* The chosen languages of a form as a comma list into b; false when none. */
static bool form_languages(const http_request_t *req, buf_t *b)
{
    bool any = false;
    for (size_t l = 0; l < SV_NLANG; l++) {
        for (size_t i = 0; i < req->form.count; i++) {
            if (strcmp(req->form.items[i].name, "languages") == 0 &&
                strcmp(req->form.items[i].value, sv_langs[l]) == 0) {
                if (any)
                    buf_putc(b, ',');
                buf_puts(b, sv_langs[l]);
                any = true;
                break;
            }
        }
    }
    return any;
}

/* ---- a new survey ---- */

typedef struct sv_new_view {
    int status;
    int error; /* i18n key or -1 */
    const char *name, *kind, *channel, *languages;
    int64_t touchpoint_id;
} sv_new_view_t;

static cx_result render_new(http_request_t *req, http_response_t *res, const sv_new_view_t *v)
{
    sv_read_job_t job = {.req = req};
    cx_result rc = store_read(req->store, sv_get_job, &job);
    if (rc)
        return rc;
    const char *title = web_t(req, T_SV_NEW);
    html_begin(req, res, title, AREA_SURVEYS);
    res->status = v->status;
    buf_t *b = &res->body;
    html_page_head(b, title, web_t(req, T_SV_NEW_LEAD));
    if (v->error >= 0)
        html_notice(b, "error", web_t(req, v->error));
    buf_puts(b, "<section class=\"card\"><form method=\"post\" action=\"/surveys\" "
                "class=\"form grid-form\">");
    html_csrf_input(req, b);
    buf_printf(b,
               "<div class=\"field\"><label for=\"ns-name\">%h</label><input id=\"ns-name\" "
               "name=\"name\" type=\"text\" required maxlength=\"200\" value=\"%a\"></div>",
               web_t(req, T_SV_F_NAME), v->name ? v->name : "");
    buf_printf(b, "<div class=\"field\"><label for=\"ns-kind\">%h</label><select id=\"ns-kind\" "
                  "name=\"kind\">",
               web_t(req, T_SV_F_KIND));
    for (size_t i = 0; i < sizeof sv_kinds / sizeof sv_kinds[0]; i++)
        buf_printf(b, "<option value=\"%a\"%s>%h</option>", sv_kinds[i].kind,
                   v->kind && strcmp(v->kind, sv_kinds[i].kind) == 0 ? " selected" : "",
                   web_t(req, sv_kinds[i].label));
    buf_printf(b, "</select></div><div class=\"field\"><label for=\"ns-tp\">%h</label>",
               web_t(req, T_SV_F_TOUCHPOINT));
    touchpoint_select(b, req, "ns-tp", job.touchpoints, job.ntouchpoints, v->touchpoint_id);
    buf_printf(b,
               "</div><div class=\"field\"><label for=\"ns-channel\">%h</label><input "
               "id=\"ns-channel\" name=\"channel\" type=\"text\" maxlength=\"100\" value=\"%a\">"
               "<p class=\"hint\">%h</p></div>",
               web_t(req, T_SV_F_CHANNEL), v->channel ? v->channel : "",
               web_t(req, T_SV_H_CHANNEL));
    language_boxes(b, req, "ns", v->languages ? v->languages : "pl,en,ro");
    buf_printf(b,
               "<div class=\"form-actions\"><button type=\"submit\" class=\"button primary\">%h"
               "</button> <a class=\"button\" href=\"/surveys\">%h</a></div></form></section>",
               web_t(req, T_SV_CREATE), web_t(req, T_SV_CANCEL));
    html_end(req, res);
    return CX_OK;
}

cx_result page_surveys_new(http_request_t *req, http_response_t *res)
{
    sv_new_view_t v = {.status = 200, .error = -1};
    return render_new(req, res, &v);
}

typedef struct sv_create_job {
    http_request_t *req;
    surveys_new_t survey;
    int64_t id;
    bool no_touchpoint;
} sv_create_job_t;

static cx_result sv_create_job(db_conn_t *db, void *arg)
{
    sv_create_job_t *j = arg;
    if (j->survey.touchpoint_id) {
        surveys_touchpoint_t *tps;
        size_t n;
        cx_result rc = surveys_touchpoints(db, &j->req->arena, &tps, &n);
        if (rc)
            return rc;
        bool found = false;
        for (size_t i = 0; i < n; i++)
            found = found || tps[i].id == j->survey.touchpoint_id;
        if (!found) {
            j->no_touchpoint = true;
            return CX_ERR_INVALID;
        }
    }
    buf_t slug;
    buf_init(&slug, 256);
    cx_result rc = surveys_create(db, &j->survey, &j->id, &slug);
    if (!rc)
        rc = auth_audit(db, j->req, "survey_created", buf_str(&slug), NULL);
    buf_free(&slug);
    return rc;
}

/* A touchpoint id from a form ("" none); false when it is not a number. */
static bool form_touchpoint(const http_request_t *req, int64_t *out)
{
    const char *t = http_form(req, "touchpoint_id");
    *out = 0;
    if (!t || !*t)
        return true;
    char *end;
    long long v = strtoll(t, &end, 10);
    if (*end || v <= 0)
        return false;
    *out = v;
    return true;
}

cx_result page_surveys_create(http_request_t *req, http_response_t *res)
{
    sv_new_view_t v = {.status = 400, .error = -1};
    v.name = http_form(req, "name");
    v.kind = http_form(req, "kind");
    v.channel = http_form(req, "channel");
    buf_t langs;
    buf_init(&langs, 64);
    bool any = form_languages(req, &langs);
    v.languages = arena_strdup(&req->arena, buf_str(&langs));
    buf_free(&langs);
    bool tp_ok = form_touchpoint(req, &v.touchpoint_id);
    if (blank(v.name) || strlen(v.name) > 200)
        v.error = T_SV_P_REQUIRED;
    else if (!surveys_kind_valid(v.kind))
        v.error = T_SV_P_KIND;
    else if (v.channel && strlen(v.channel) > 100)
        v.error = T_SV_P_TOO_LONG;
    else if (!any || !v.languages)
        v.error = T_SV_P_LANGUAGE;
    else if (!tp_ok)
        v.error = T_SV_P_TOUCHPOINT;
    if (v.error >= 0)
        return render_new(req, res, &v);
    sv_create_job_t job = {.req = req};
    job.survey.kind = v.kind;
    job.survey.name = v.name;
    job.survey.touchpoint_id = v.touchpoint_id;
    job.survey.channel = v.channel ? v.channel : "";
    job.survey.languages = v.languages;
    job.survey.created_at = req->now;
    cx_result rc = store_write(req->store, sv_create_job, &job);
    if (rc == CX_ERR_INVALID && job.no_touchpoint) {
        v.error = T_SV_P_TOUCHPOINT;
        return render_new(req, res, &v);
    }
    if (rc)
        return rc;
    refresher_poke(req->app->refresher);
    char location[64];
    snprintf(location, sizeof location, "/surveys/%lld?done=created", (long long)job.id);
    http_redirect(req, res, location);
    return CX_OK;
}

/* ---- one survey ---- */

typedef struct sv_edit_view {
    int status;
    const surveys_problem_t *problem; /* why the last change was refused, or NULL */
    const char *problem_key;          /* the question it concerned, or NULL */
    json_t *draft;                    /* the add form's values after a refusal */
} sv_edit_view_t;

/* A text input per language for texts (a JSON object), with the missing
 * flag for the survey's languages; a textarea of that many rows (0: a
 * one-line input), at most maxlen bytes each. */
static void text_inputs_max(buf_t *b, const http_request_t *req, const surveys_info_t *s,
                            const char *fallback, const char *id_prefix, const char *name_prefix,
                            json_t *texts, bool flag_missing, int rows, int maxlen)
{
    for (size_t l = 0; l < SV_NLANG; l++) {
        const char *lang = sv_langs[l];
        const char *t = text_in(texts, lang);
        buf_printf(b, "<div class=\"field lang-field\"><label for=\"%a-%a\">%h</label>", id_prefix,
                   lang, lang_name(lang));
        if (rows > 0)
            buf_printf(b,
                       "<textarea id=\"%a-%a\" name=\"%a_%a\" rows=\"%d\" maxlength=\"%d\" "
                       "lang=\"%a\">%h</textarea>",
                       id_prefix, lang, name_prefix, lang, rows, maxlen, lang, t);
        else
            buf_printf(b,
                       "<input id=\"%a-%a\" name=\"%a_%a\" type=\"text\" maxlength=\"%d\" "
                       "lang=\"%a\" value=\"%a\">",
                       id_prefix, lang, name_prefix, lang, maxlen, lang, t);
        if (flag_missing && list_has(s->languages, lang) && blank(t))
            missing_badge(b, req, lang, fallback);
        buf_puts(b, "</div>");
    }
}

static void text_inputs(buf_t *b, const http_request_t *req, const surveys_info_t *s,
                        const char *fallback, const char *id_prefix, const char *name_prefix,
                        json_t *texts, bool flag_missing, bool area)
{
    text_inputs_max(b, req, s, fallback, id_prefix, name_prefix, texts, flag_missing, area ? 2 : 0,
                    2000);
}

/* Choices as the textarea shows them: "value; pl; en; ro" per line. */
static void choices_text(buf_t *b, json_t *choices)
{
    size_t i;
    json_t *c;
    json_array_foreach(choices, i, c)
    {
        json_t *label = json_object_get(c, "label");
        buf_printf(b, "%h; %h; %h; %h\n", json_string_value(json_object_get(c, "value")),
                   text_in(label, "pl"), text_in(label, "en"), text_in(label, "ro"));
    }
}

/* The fields of a question form; q is the question as JSON (NULL: a new
 * one). */
static void question_fields(buf_t *b, const http_request_t *req, const surveys_info_t *s,
                            const char *fallback, const char *idp, json_t *q, bool is_new)
{
    const char *key = json_string_value(json_object_get(q, "key"));
    const char *kind = json_string_value(json_object_get(q, "kind"));
    buf_printf(b, "<div class=\"field\"><label for=\"%a-key\">%h</label>", idp,
               web_t(req, T_SV_Q_KEY));
    if (is_new)
        buf_printf(b,
                   "<input id=\"%a-key\" name=\"key\" type=\"text\" required maxlength=\"64\" "
                   "pattern=\"[a-z][a-z0-9_\\-]*\" autocapitalize=\"none\" spellcheck=\"false\" "
                   "class=\"mono\" value=\"%a\"><p class=\"hint\">%h</p>",
                   idp, key ? key : "", web_t(req, T_SV_H_KEY));
    else
        buf_printf(b, "<input id=\"%a-key\" type=\"text\" class=\"mono\" readonly value=\"%a\">",
                   idp, key ? key : "");
    buf_printf(b, "</div><div class=\"field\"><label for=\"%a-kind\">%h</label><select "
                  "id=\"%a-kind\" name=\"kind\">",
               idp, web_t(req, T_SV_F_KIND), idp);
    for (size_t i = 0; i < sizeof sv_qkinds / sizeof sv_qkinds[0]; i++)
        buf_printf(b, "<option value=\"%a\"%s>%h</option>", sv_qkinds[i].kind,
                   kind && strcmp(kind, sv_qkinds[i].kind) == 0 ? " selected" : "",
                   web_t(req, sv_qkinds[i].label));
    buf_puts(b, "</select></div>");
    buf_printf(b, "<fieldset class=\"field texts\"><legend>%h</legend>",
               web_t(req, T_SV_Q_LABEL));
    text_inputs(b, req, s, fallback, idp, "label", json_object_get(q, "label"), !is_new, true);
    buf_puts(b, "</fieldset>");
    buf_printf(b, "<fieldset class=\"field checks\"><legend>%h</legend>",
               web_t(req, T_SV_Q_OPTIONS));
    buf_printf(b,
               "<label class=\"check\"><input type=\"checkbox\" name=\"required\" value=\"1\"%s> "
               "%h</label>",
               json_is_true(json_object_get(q, "required")) ? " checked" : "",
               web_t(req, T_SV_Q_REQUIRED));
    if (strcmp(s->kind, "custom") != 0)
        buf_printf(b,
                   "<label class=\"check\"><input type=\"checkbox\" name=\"main\" value=\"1\"%s> "
                   "%h</label>",
                   json_is_true(json_object_get(q, "main")) ? " checked" : "",
                   web_t(req, T_SV_Q_MAIN));
    buf_printf(b,
               "<label class=\"check\"><input type=\"checkbox\" name=\"scale_inverted\" "
               "value=\"1\"%s> %h</label></fieldset>",
               json_is_true(json_object_get(q, "scale_inverted")) ? " checked" : "",
               web_t(req, T_SV_Q_INVERTED));
    const char *driver = json_string_value(json_object_get(q, "driver_attribute"));
    buf_printf(b,
               "<div class=\"field\"><label for=\"%a-driver\">%h</label><input id=\"%a-driver\" "
               "name=\"driver_attribute\" type=\"text\" maxlength=\"100\" value=\"%a\">"
               "<p class=\"hint\">%h</p></div>",
               idp, web_t(req, T_SV_Q_DRIVER), idp, driver ? driver : "",
               web_t(req, T_SV_H_DRIVER));
    buf_t ch;
    buf_init(&ch, 0);
    choices_text(&ch, json_object_get(q, "choices"));
    buf_printf(b,
               "<div class=\"field wide\"><label for=\"%a-choices\">%h</label><textarea "
               "id=\"%a-choices\" name=\"choices\" rows=\"3\" class=\"mono\">%s</textarea>"
               "<p class=\"hint\">%h</p></div>",
               idp, web_t(req, T_SV_Q_CHOICES), idp,
               buf_str(&ch), /* raw: escaped with %h by choices_text */
               web_t(req, T_SV_H_CHOICES));
    buf_free(&ch);
    /* the follow-up wording by the main score's group */
    static const int group_labels[] = {T_OV_DETRACTORS, T_OV_PASSIVES, T_OV_PROMOTERS};
    json_t *groups = json_object_get(json_object_get(q, "logic"), "label_by_group");
    buf_printf(b, "<fieldset class=\"field wide logic\"><legend>%h</legend><p class=\"hint\">%h</p>",
               web_t(req, T_SV_Q_LOGIC), web_t(req, T_SV_H_LOGIC));
    for (size_t g = 0; g < 3; g++) {
        json_t *t = json_object_get(groups, sv_groups[g]);
        char idg[96], nameg[64];
        snprintf(idg, sizeof idg, "%s-%s", idp, sv_groups[g]);
        snprintf(nameg, sizeof nameg, "logic_%s", sv_groups[g]);
        buf_printf(b, "<fieldset class=\"group\"><legend>%h</legend>",
                   web_t(req, group_labels[g]));
        text_inputs(b, req, s, fallback, idg, nameg, t, t && json_object_size(t) > 0, false);
        buf_puts(b, "</fieldset>");
    }
    buf_puts(b, "</fieldset>");
}

static void question_item(buf_t *b, const http_request_t *req, const surveys_info_t *s,
                          const char *fallback, json_t *q, size_t i, size_t n,
                          const sv_edit_view_t *v)
{
    const char *key = json_string_value(json_object_get(q, "key"));
    const char *kind = json_string_value(json_object_get(q, "kind"));
    json_t *label = json_object_get(q, "label");
    const char *shown = text_in(label, i18n_lang_code(req->lang));
    if (blank(shown))
        shown = text_in(label, fallback);
    if (blank(shown))
        shown = key;
    buf_printf(b, "<li class=\"question\" id=\"q-%a\"><div class=\"question-head\">"
                  "<span class=\"question-pos\">%zu.</span><div class=\"question-text\">"
                  "<span class=\"cell-title\">%h</span><span class=\"cell-sub\">"
                  "<code>%h</code> · %h",
               key, i + 1, shown, key, qkind_label(req, kind));
    if (json_is_true(json_object_get(q, "main")))
        buf_printf(b, " <span class=\"badge\">%h</span>", web_t(req, T_SV_B_MAIN));
    if (json_is_true(json_object_get(q, "required")))
        buf_printf(b, " <span class=\"badge muted\">%h</span>", web_t(req, T_SV_Q_REQUIRED));
    if (json_is_true(json_object_get(q, "scale_inverted")))
        buf_printf(b, " <span class=\"badge muted\">%h</span>", web_t(req, T_SV_B_INVERTED));
    const char *driver = json_string_value(json_object_get(q, "driver_attribute"));
    if (driver && *driver) {
        buf_puts(b, " <span class=\"badge muted\">");
        html_textf(b, req, T_SV_B_DRIVER, driver);
        buf_puts(b, "</span>");
    }
    if (json_object_size(json_object_get(json_object_get(q, "logic"), "label_by_group")) > 0)
        buf_printf(b, " <span class=\"badge muted\">%h</span>", web_t(req, T_SV_B_LOGIC));
    json_int_t answers = json_integer_value(json_object_get(q, "answers"));
    buf_puts(b, " · ");
    html_text(b, req, T_SV_B_ANSWERS);
    i18n_format_int(b, req->lang, answers);
    for (size_t l = 0; l < SV_NLANG; l++)
        if (list_has(s->languages, sv_langs[l]) && blank(text_in(label, sv_langs[l]))) {
            buf_puts(b, " <span class=\"badge warn missing\">");
            html_textf(b, req, T_SV_MISSING, lang_name(sv_langs[l]));
            buf_puts(b, "</span>");
        }
    buf_puts(b, "</span>");
    /* the wording each score group reads, in the reader's language (else
     * the survey's first), so the logic is seen without opening the form */
    json_t *by_group = json_object_get(json_object_get(q, "logic"), "label_by_group");
    if (json_object_size(by_group) > 0) {
        static const int group_names[] = {T_OV_DETRACTORS, T_OV_PASSIVES, T_OV_PROMOTERS};
        buf_puts(b, "<ul class=\"question-logic\">");
        for (size_t g = 0; g < 3; g++) {
            json_t *t = json_object_get(by_group, sv_groups[g]);
            const char *text = text_in(t, i18n_lang_code(req->lang));
            if (blank(text))
                text = text_in(t, fallback);
            if (!blank(text))
                buf_printf(b, "<li><span class=\"muted\">%h:</span> %h</li>",
                           web_t(req, group_names[g]), text);
        }
        buf_puts(b, "</ul>");
    }
    buf_puts(b, "</div>");
    if (can_edit(req)) {
        buf_puts(b, "<div class=\"question-actions\">");
        static const struct {
            const char *dir;
            int label;
        } moves[] = {{"up", T_SV_MOVE_UP}, {"down", T_SV_MOVE_DOWN}};
        for (size_t m = 0; m < 2; m++) {
            bool possible = m == 0 ? i > 0 : i + 1 < n;
            buf_printf(b,
                       "<form method=\"post\" action=\"/surveys/%lld/questions/%u/move\" "
                       "class=\"inline\">",
                       (long long)s->id, key);
            html_csrf_input(req, b);
            buf_printf(b,
                       "<input type=\"hidden\" name=\"direction\" value=\"%a\"><button "
                       "type=\"submit\" class=\"button small\"%s>%h</button></form>",
                       moves[m].dir, possible ? "" : " disabled", web_t(req, moves[m].label));
        }
        if (answers == 0) {
            buf_printf(b,
                       "<form method=\"post\" action=\"/surveys/%lld/questions/%u/delete\" "
                       "class=\"inline\" data-confirm=\"%a\">",
                       (long long)s->id, key, web_t(req, T_SV_CONFIRM_DELETE));
            html_csrf_input(req, b);
            buf_printf(b, "<button type=\"submit\" class=\"button small danger\">%h</button>"
                          "</form>",
                       web_t(req, T_SV_DELETE));
        }
        buf_puts(b, "</div>");
    }
    buf_puts(b, "</div>");
    bool open = v->problem_key && strcmp(v->problem_key, key) == 0;
    buf_printf(b, "<details class=\"question-edit\"%s><summary class=\"button small\">%h</summary>",
               open ? " open" : "", web_t(req, can_edit(req) ? T_SV_EDIT : T_SV_DETAILS));
    char idp[96];
    snprintf(idp, sizeof idp, "q%zu", i);
    buf_printf(b,
               "<form method=\"post\" action=\"/surveys/%lld/questions/%u\" class=\"form "
               "grid-form\">",
               (long long)s->id, key);
    html_csrf_input(req, b);
    buf_printf(b, "<fieldset class=\"plain\"%s>", can_edit(req) ? "" : " disabled");
    question_fields(b, req, s, fallback, idp, q, false);
    buf_puts(b, "</fieldset>");
    if (can_edit(req))
        buf_printf(b, "<div class=\"form-actions\"><button type=\"submit\" class=\"button "
                      "primary\">%h</button></div>",
                   web_t(req, T_SAVE));
    buf_puts(b, "</form></details></li>");
}

static cx_result render_edit(http_request_t *req, http_response_t *res, int64_t id,
                             const sv_edit_view_t *v)
{
    sv_read_job_t job = {.req = req, .id = id};
    cx_result rc = store_read(req->store, sv_get_job, &job);
    if (rc == CX_ERR_NOT_FOUND)
        return http_fail_text(req, rc, T_SV_NO_SURVEY);
    if (rc)
        return rc;
    const surveys_info_t *s = &job.survey;
    json_t *def = surveys_to_json(s);
    if (!def)
        return CX_ERR_NOMEM;
    const char *fallback = first_language(&req->arena, s->languages);
    bool edit = can_edit(req);
    html_begin(req, res, s->name, AREA_SURVEYS);
    res->status = v->status;
    buf_t *b = &res->body;
    buf_printf(b, "<p class=\"crumbs\"><a href=\"/surveys\">%h</a></p>", web_t(req, T_NAV_SURVEYS));
    buf_t lead;
    buf_init(&lead, 1024);
    buf_printf(&lead, "%s · %s", kind_label(req, s->kind), /* raw: plain text for the lead */
               web_t(req, s->open ? T_SV_OPEN : T_SV_CLOSED));
    html_page_head(b, s->name, buf_str(&lead));
    buf_free(&lead);
    int ok = done_notice(req);
    if (ok >= 0)
        html_notice(b, "success", web_t(req, ok));
    if (v->problem) {
        buf_printf(b, "<div class=\"notice notice-error\" role=\"alert\"><p>%h",
                   web_t(req, problem_text(v->problem->code)));
        if (v->problem->field[0])
            buf_printf(b, " <code>%h</code>", v->problem->field);
        buf_puts(b, "</p></div>");
    }
    if (!edit)
        html_notice(b, "info", web_t(req, T_SV_VIEW_ONLY));

    /* where respondents find it, and whether they may answer */
    buf_printf(b, "<section class=\"card survey-links\"><div class=\"card-head\">");
    html_icon(b, "surveys");
    buf_printf(b, "<h2>%h</h2></div><dl class=\"facts\"><dt>%h</dt><dd><a href=\"/s/%u\" "
                  "class=\"mono public-link\">/s/%h</a></dd>",
               web_t(req, T_SV_LINKS), web_t(req, T_SV_PUBLIC_LINK), s->slug, s->slug);
    buf_printf(b, "<dt>%h</dt><dd><span class=\"badge %s survey-state\">%h</span></dd>",
               web_t(req, T_SV_COL_STATE), s->open ? "success" : "muted", /* raw: class name */
               web_t(req, s->open ? T_SV_OPEN : T_SV_CLOSED));
    buf_printf(b, "<dt>%h</dt><dd>", web_t(req, T_SV_COL_RESPONSES));
    i18n_format_int(b, req->lang, s->responses);
    buf_printf(b, "</dd></dl><p class=\"link-row\"><a class=\"button small\" "
                  "href=\"/surveys/%lld/invitations\">%h</a> <a class=\"button small\" "
                  "href=\"/surveys/%lld/qr.svg\">%h</a></p>",
               (long long)s->id, web_t(req, T_SV_INVITATIONS), (long long)s->id,
               web_t(req, T_SV_QR));
    if (edit) {
        buf_printf(b, "<form method=\"post\" action=\"/surveys/%lld/state\" class=\"inline\">",
                   (long long)s->id);
        html_csrf_input(req, b);
        buf_printf(b,
                   "<input type=\"hidden\" name=\"open\" value=\"%s\"><button type=\"submit\" "
                   "class=\"button%s\">%h</button></form>",
                   s->open ? "0" : "1", s->open ? "" : " primary", /* raw: constants */
                   web_t(req, s->open ? T_SV_CLOSE_ACTION : T_SV_OPEN_ACTION));
    }
    buf_puts(b, "</section>");

    /* the survey's own fields */
    buf_printf(b, "<section class=\"card\" aria-labelledby=\"sv-settings-h\"><div "
                  "class=\"card-head\"><h2 id=\"sv-settings-h\">%h</h2></div>",
               web_t(req, T_SV_SETTINGS));
    buf_printf(b, "<form method=\"post\" action=\"/surveys/%lld\" class=\"form grid-form\">",
               (long long)s->id);
    html_csrf_input(req, b);
    buf_printf(b, "<fieldset class=\"plain\"%s>", edit ? "" : " disabled");
    buf_printf(b,
               "<div class=\"field\"><label for=\"sv-name\">%h</label><input id=\"sv-name\" "
               "name=\"name\" type=\"text\" required maxlength=\"200\" value=\"%a\"></div>",
               web_t(req, T_SV_F_NAME), s->name);
    buf_printf(b,
               "<div class=\"field\"><label for=\"sv-kind\">%h</label><input id=\"sv-kind\" "
               "type=\"text\" readonly value=\"%a\"></div>",
               web_t(req, T_SV_F_KIND), kind_label(req, s->kind));
    buf_printf(b, "<div class=\"field\"><label for=\"sv-tp\">%h</label>",
               web_t(req, T_SV_F_TOUCHPOINT));
    touchpoint_select(b, req, "sv-tp", job.touchpoints, job.ntouchpoints, s->touchpoint_id);
    buf_printf(b,
               "</div><div class=\"field\"><label for=\"sv-channel\">%h</label><input "
               "id=\"sv-channel\" name=\"channel\" type=\"text\" maxlength=\"100\" value=\"%a\">"
               "<p class=\"hint\">%h</p></div>",
               web_t(req, T_SV_F_CHANNEL), s->channel, web_t(req, T_SV_H_CHANNEL));
    language_boxes(b, req, "sv", s->languages);
    buf_printf(b,
               "<div class=\"field wide\"><label for=\"sv-origins\">%h</label><input "
               "id=\"sv-origins\" name=\"allowed_origins\" type=\"text\" maxlength=\"2000\" "
               "class=\"mono\" value=\"%a\"><p class=\"hint\">%h</p></div>",
               web_t(req, T_SV_F_ORIGINS), s->allowed_origins, web_t(req, T_SV_H_ORIGINS));
    /* what respondents read above the questions: optional, but once
     * given it is flagged in every language of the survey */
    json_t *title = json_object_get(def, "title");
    buf_printf(b, "<fieldset class=\"field wide texts\"><legend>%h</legend><p class=\"hint\">%h"
                  "</p>",
               web_t(req, T_SVT_F_TITLE), web_t(req, T_SVT_H_TITLE));
    text_inputs_max(b, req, s, fallback, "sv-title", "title", title, json_object_size(title) > 0, 0,
                    200);
    buf_puts(b, "</fieldset>");
    json_t *intro = json_object_get(def, "intro");
    buf_printf(b, "<fieldset class=\"field wide texts\"><legend>%h</legend><p class=\"hint\">%h"
                  "</p>",
               web_t(req, T_SVT_F_INTRO), web_t(req, T_SVT_H_INTRO));
    text_inputs_max(b, req, s, fallback, "sv-intro", "intro", intro, json_object_size(intro) > 0, 4,
                    2000);
    buf_puts(b, "</fieldset>");
    json_t *thanks = json_object_get(def, "thank_you");
    buf_printf(b, "<fieldset class=\"field wide texts\"><legend>%h</legend><p class=\"hint\">%h"
                  "</p>",
               web_t(req, T_SV_F_THANKS), web_t(req, T_SV_H_THANKS));
    text_inputs(b, req, s, fallback, "sv-thanks", "thank_you", thanks,
                json_object_size(thanks) > 0, true);
    buf_puts(b, "</fieldset></fieldset>");
    if (edit)
        buf_printf(b, "<div class=\"form-actions\"><button type=\"submit\" class=\"button "
                      "primary\">%h</button></div>",
                   web_t(req, T_SAVE));
    buf_puts(b, "</form></section>");

    /* the questions */
    json_t *questions = json_object_get(def, "questions");
    size_t n = json_array_size(questions);
    buf_printf(b, "<section class=\"card\" aria-labelledby=\"sv-questions-h\"><div "
                  "class=\"card-head\"><h2 id=\"sv-questions-h\">%h</h2></div>",
               web_t(req, T_SV_QUESTIONS));
    if (n == 0)
        buf_printf(b, "<p class=\"muted\">%h</p>", web_t(req, T_SV_NO_QUESTIONS));
    buf_puts(b, "<ol class=\"questions\">");
    for (size_t i = 0; i < n; i++)
        question_item(b, req, s, fallback, json_array_get(questions, i), i, n, v);
    buf_puts(b, "</ol></section>");

    if (edit) {
        buf_printf(b, "<section class=\"card\" aria-labelledby=\"sv-add-h\" id=\"add-question\">"
                      "<div class=\"card-head\"><h2 id=\"sv-add-h\">%h</h2></div>",
                   web_t(req, T_SV_ADD_QUESTION));
        buf_printf(b,
                   "<form method=\"post\" action=\"/surveys/%lld/questions\" class=\"form "
                   "grid-form\">",
                   (long long)s->id);
        html_csrf_input(req, b);
        question_fields(b, req, s, fallback, "nq", v->draft, true);
        buf_printf(b, "<div class=\"form-actions\"><button type=\"submit\" class=\"button "
                      "primary\">%h</button></div></form></section>",
                   web_t(req, T_SV_ADD_QUESTION));
        if (s->responses == 0) {
            buf_printf(b, "<section class=\"card danger-zone\"><form method=\"post\" "
                          "action=\"/surveys/%lld/delete\" class=\"inline\" data-confirm=\"%a\">",
                       (long long)s->id, web_t(req, T_SV_CONFIRM_DELETE));
            html_csrf_input(req, b);
            buf_printf(b, "<button type=\"submit\" class=\"button danger\">%h</button></form>"
                          "</section>",
                       web_t(req, T_SV_DELETE_SURVEY));
        }
    }
    json_decref(def);
    html_end(req, res);
    return CX_OK;
}

cx_result page_surveys_edit(http_request_t *req, http_response_t *res)
{
    int64_t id = http_param_id(req, "id");
    if (!id)
        return http_fail_text(req, CX_ERR_NOT_FOUND, T_SV_NO_SURVEY);
    sv_edit_view_t v = {.status = 200};
    return render_edit(req, res, id, &v);
}

/* ---- changes through the definition ---- */

typedef struct sv_edit sv_edit_t;
/* Applies the form to the definition; false with e->problem set (or
 * e->no_question) when the form itself is wrong. */
typedef bool (*sv_apply_fn)(sv_edit_t *e, json_t *def);

struct sv_edit {
    http_request_t *req;
    int64_t id;
    sv_apply_fn apply;
    const char *key;  /* the question of the path, or NULL */
    json_t *question; /* built from the form, or NULL */
    const char *action;
    surveys_problem_t problem;
    bool no_question;
};

static bool problem_at(sv_edit_t *e, surveys_problem_code_t code, const char *field)
{
    e->problem.code = code;
    e->problem.message = "";
    snprintf(e->problem.field, sizeof e->problem.field, "%s", field);
    return false;
}

static cx_result sv_edit_job(db_conn_t *db, void *arg)
{
    sv_edit_t *e = arg;
    http_request_t *req = e->req;
    surveys_info_t s;
    cx_result rc = surveys_get(db, &req->arena, e->id, &s);
    if (rc)
        return rc;
    json_t *def = surveys_to_json(&s);
    if (!def)
        return CX_ERR_NOMEM;
    if (!e->apply(e, def))
        rc = e->no_question ? CX_ERR_NOT_FOUND : CX_ERR_INVALID;
    else if (!surveys_check(def, &e->problem))
        rc = CX_ERR_INVALID;
    else
        rc = surveys_put(db, e->id, def, req->now, NULL, &e->problem);
    if (!rc)
        rc = auth_audit(db, req, e->action, s.slug, e->key);
    json_decref(def);
    return rc;
}

/* Runs an edit and answers: back to the survey on success, the page with
 * the reason on a refusal. */
static cx_result run_edit(http_request_t *req, http_response_t *res, sv_edit_t *e,
                          const char *done, json_t *draft)
{
    e->req = req;
    e->id = http_param_id(req, "id");
    if (!e->id)
        return http_fail_text(req, CX_ERR_NOT_FOUND, T_SV_NO_SURVEY);
    cx_result rc = store_write(req->store, sv_edit_job, e);
    if (rc == CX_ERR_NOT_FOUND)
        return http_fail_text(req, rc, e->no_question ? T_SV_NO_QUESTION : T_SV_NO_SURVEY);
    if ((rc == CX_ERR_INVALID || rc == CX_ERR_CONFLICT) && e->problem.code) {
        sv_edit_view_t v = {.status = rc == CX_ERR_CONFLICT ? 409 : 400,
                            .problem = &e->problem,
                            .problem_key = e->key,
                            .draft = draft};
        return render_edit(req, res, e->id, &v);
    }
    if (rc)
        return rc;
    refresher_poke(req->app->refresher);
    buf_t loc;
    buf_init(&loc, 1024);
    buf_printf(&loc, "/surveys/%lld?done=%u", (long long)e->id, done);
    if (e->key)
        buf_printf(&loc, "#q-%u", e->key);
    http_redirect(req, res, buf_failed(&loc) ? "/surveys" : buf_str(&loc));
    buf_free(&loc);
    return CX_OK;
}

/* The texts NAME_pl, NAME_en, NAME_ro of the form as a JSON object. */
static json_t *form_texts(const http_request_t *req, const char *name)
{
    json_t *o = json_object();
    for (size_t l = 0; o && l < SV_NLANG; l++) {
        char field[64];
        snprintf(field, sizeof field, "%s_%s", name, sv_langs[l]);
        const char *t = http_form(req, field);
        if (!blank(t))
            json_object_set_new(o, sv_langs[l], json_string(t));
    }
    return o;
}

/* One line of the choices textarea: "value; pl; en; ro", or just a text
 * (its value is made from it, its label is in the first language). */
static json_t *choice_line(const char *line, size_t len, const char *first_lang)
{
    const char *parts[4] = {0};
    size_t lens[4] = {0};
    size_t n = 0;
    const char *p = line, *end = line + len;
    while (n < 4) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *stop = semi ? semi : end;
        while (p < stop && (*p == ' ' || *p == '\t'))
            p++;
        const char *q = stop;
        while (q > p && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\r'))
            q--;
        parts[n] = p;
        lens[n++] = (size_t)(q - p);
        if (!semi)
            break;
        p = semi + 1;
    }
    json_t *label = json_object();
    buf_t value;
    buf_init(&value, 256);
    if (n == 1) {
        char *text = strndup(parts[0], lens[0]);
        if (text) {
            slug_from_text(text, "choice", &value);
            json_object_set_new(label, first_lang, json_string(text));
        }
        free(text);
    } else {
        buf_append(&value, parts[0], lens[0]);
        for (size_t i = 1; i < n; i++)
            if (lens[i])
                json_object_set_new(label, sv_langs[i - 1], json_stringn(parts[i], lens[i]));
    }
    json_t *c = buf_failed(&value) ? NULL
                                   : json_pack("{s:s, s:o}", "value", buf_str(&value), "label",
                                               label);
    if (!c)
        json_decref(label);
    buf_free(&value);
    return c;
}

/* The question a form describes (key from the path for an existing one). */
static json_t *form_question(http_request_t *req, const char *key, const char *first_lang)
{
    const char *kind = http_form(req, "kind");
    const char *driver = http_form(req, "driver_attribute");
    json_t *q = json_pack("{s:s, s:s, s:o, s:b, s:b, s:b}", "key", key ? key : "", "kind",
                          kind ? kind : "", "label", form_texts(req, "label"), "required",
                          http_form(req, "required") != NULL, "main",
                          http_form(req, "main") != NULL, "scale_inverted",
                          http_form(req, "scale_inverted") != NULL);
    if (!q)
        return NULL;
    if (!blank(driver))
        json_object_set_new(q, "driver_attribute", json_string(driver));
    /* choices only where they mean something: a kind changed away from
     * single/multi leaves its old lines behind in the form */
    json_t *choices = json_array();
    const char *text = http_form(req, "choices");
    if (choices && text && kind && (strcmp(kind, "single") == 0 || strcmp(kind, "multi") == 0)) {
        for (const char *p = text; *p;) {
            size_t len = strcspn(p, "\n");
            if (strspn(p, " \t\r") < len) {
                json_t *c = choice_line(p, len, first_lang);
                if (c)
                    json_array_append_new(choices, c);
            }
            p += len + (p[len] == '\n');
        }
    }
    json_object_set_new(q, "choices", choices);
    json_t *groups = json_object();
    for (size_t g = 0; groups && g < 3; g++) {
        char name[32];
        snprintf(name, sizeof name, "logic_%s", sv_groups[g]);
        json_t *t = form_texts(req, name);
        if (json_object_size(t) > 0)
            json_object_set_new(groups, sv_groups[g], t);
        else
            json_decref(t);
    }
    json_object_set_new(q, "logic", json_pack("{s:o}", "label_by_group", groups));
    return q;
}

static bool apply_survey_fields(sv_edit_t *e, json_t *def)
{
    http_request_t *req = e->req;
    const char *name = http_form(req, "name");
    const char *channel = http_form(req, "channel");
    const char *origins = http_form(req, "allowed_origins");
    int64_t tp;
    if (!form_touchpoint(req, &tp))
        return problem_at(e, SURVEYS_P_TOUCHPOINT, "touchpoint_id");
    /* the survey's order first (its first language is the fallback), then
     * languages newly ticked */
    json_t *langs = json_array();
    json_t *old = json_object_get(def, "languages");
    for (int pass = 0; langs && pass < 2; pass++) {
        for (size_t l = 0; l < SV_NLANG; l++) {
            const char *code = pass == 0 ? json_string_value(json_array_get(old, l)) : sv_langs[l];
            bool ticked = false, taken = false;
            for (size_t i = 0; code && i < req->form.count; i++)
                ticked = ticked || (strcmp(req->form.items[i].name, "languages") == 0 &&
                                    strcmp(req->form.items[i].value, code) == 0);
            for (size_t k = 0; code && k < json_array_size(langs); k++)
                taken = taken || strcmp(json_string_value(json_array_get(langs, k)), code) == 0;
            if (ticked && !taken)
                json_array_append_new(langs, json_string(code));
        }
    }
    if (json_array_size(langs) == 0) {
        json_decref(langs);
        return problem_at(e, SURVEYS_P_LANGUAGE, "languages");
    }
    json_object_set_new(def, "languages", langs);
    json_object_set_new(def, "name", json_string(name ? name : ""));
    json_object_set_new(def, "channel", json_string(channel ? channel : ""));
    json_object_set_new(def, "touchpoint_id", tp ? json_integer(tp) : json_null());
    json_object_set_new(def, "allowed_origins", json_string(origins ? origins : ""));
    json_object_set_new(def, "thank_you", form_texts(req, "thank_you"));
    json_object_set_new(def, "title", form_texts(req, "title"));
    json_object_set_new(def, "intro", form_texts(req, "intro"));
    return true;
}

cx_result page_surveys_save(http_request_t *req, http_response_t *res)
{
    sv_edit_t e = {.apply = apply_survey_fields, .action = "survey_updated"};
    return run_edit(req, res, &e, "saved", NULL);
}

/* The index of the path's question in the definition, or -1. */
static long question_index(sv_edit_t *e, json_t *def)
{
    json_t *questions = json_object_get(def, "questions");
    size_t i;
    json_t *q;
    json_array_foreach(questions, i, q)
    {
        if (strcmp(json_string_value(json_object_get(q, "key")), e->key) == 0)
            return (long)i;
    }
    e->no_question = true;
    return -1;
}

static bool apply_question_add(sv_edit_t *e, json_t *def)
{
    json_t *questions = json_object_get(def, "questions");
    if (!questions || !e->question)
        return problem_at(e, SURVEYS_P_TYPE, "questions");
    json_array_append(questions, e->question);
    return true;
}

static bool apply_question_save(sv_edit_t *e, json_t *def)
{
    long i = question_index(e, def);
    if (i < 0)
        return false;
    if (!e->question)
        return problem_at(e, SURVEYS_P_TYPE, "questions");
    json_array_set(json_object_get(def, "questions"), (size_t)i, e->question);
    return true;
}

static bool apply_question_delete(sv_edit_t *e, json_t *def)
{
    long i = question_index(e, def);
    if (i < 0)
        return false;
    json_array_remove(json_object_get(def, "questions"), (size_t)i);
    return true;
}

static bool apply_question_move(sv_edit_t *e, json_t *def)
{
    long i = question_index(e, def);
    if (i < 0)
        return false;
    const char *dir = http_form(e->req, "direction");
    json_t *questions = json_object_get(def, "questions");
    long j = dir && strcmp(dir, "up") == 0 ? i - 1 : i + 1;
    if (j < 0 || (size_t)j >= json_array_size(questions))
        return true; /* already at the end: nothing moves */
    json_t *q = json_incref(json_array_get(questions, (size_t)i));
    json_array_remove(questions, (size_t)i);
    json_array_insert_new(questions, (size_t)j, q);
    return true;
}

/* The survey's first language, for a choice typed as a bare text. */
typedef struct sv_lang_job {
    http_request_t *req;
    int64_t id;
    const char *first;
} sv_lang_job_t;

static cx_result sv_lang_job(db_conn_t *db, void *arg)
{
    sv_lang_job_t *j = arg;
    surveys_info_t s;
    cx_result rc = surveys_get(db, &j->req->arena, j->id, &s);
    if (!rc)
        j->first = first_language(&j->req->arena, s.languages);
    return rc;
}

static const char *survey_first_language(http_request_t *req)
{
    sv_lang_job_t job = {.req = req, .id = http_param_id(req, "id"), .first = "pl"};
    if (job.id)
        (void)store_read(req->store, sv_lang_job, &job);
    return job.first;
}

/* A key worth naming in a redirect's anchor (the checker has the final
 * word on its format). */
static bool key_plausible(const char *key)
{
    return *key && strlen(key) <= 64 && strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_-") ==
                                            strlen(key);
}

cx_result page_surveys_question_add(http_request_t *req, http_response_t *res)
{
    const char *key = http_form(req, "key");
    sv_edit_t e = {.apply = apply_question_add, .action = "survey_question_added",
                   .key = key && key_plausible(key) ? key : NULL};
    e.question = form_question(req, key ? key : "", survey_first_language(req));
    cx_result rc = run_edit(req, res, &e, "question_added", e.question);
    json_decref(e.question);
    return rc;
}

cx_result page_surveys_question_save(http_request_t *req, http_response_t *res)
{
    sv_edit_t e = {.apply = apply_question_save, .action = "survey_question_saved",
                   .key = http_param(req, "key")};
    e.question = form_question(req, e.key, survey_first_language(req));
    cx_result rc = run_edit(req, res, &e, "question_saved", NULL);
    json_decref(e.question);
    return rc;
}

cx_result page_surveys_question_delete(http_request_t *req, http_response_t *res)
{
    sv_edit_t e = {.apply = apply_question_delete, .action = "survey_question_deleted",
                   .key = http_param(req, "key")};
    return run_edit(req, res, &e, "question_deleted", NULL);
}

cx_result page_surveys_question_move(http_request_t *req, http_response_t *res)
{
    sv_edit_t e = {.apply = apply_question_move, .action = "survey_question_moved",
                   .key = http_param(req, "key")};
    return run_edit(req, res, &e, "question_moved", NULL);
}

/* ---- state and deletion ---- */

typedef struct sv_state_job {
    http_request_t *req;
    int64_t id;
    bool open;
} sv_state_job_t;

static cx_result sv_state_job(db_conn_t *db, void *arg)
{
    sv_state_job_t *j = arg;
    surveys_info_t s;
    cx_result rc = surveys_get(db, &j->req->arena, j->id, &s);
    if (!rc)
        rc = surveys_set_open(db, j->id, j->open);
    if (!rc)
        rc = auth_audit(db, j->req, j->open ? "survey_opened" : "survey_closed", s.slug, NULL);
    return rc;
}

cx_result page_surveys_state(http_request_t *req, http_response_t *res)
{
    sv_state_job_t job = {.req = req, .id = http_param_id(req, "id")};
    const char *open = http_form(req, "open");
    if (!job.id)
        return http_fail_text(req, CX_ERR_NOT_FOUND, T_SV_NO_SURVEY);
    if (!open || (strcmp(open, "0") && strcmp(open, "1")))
        return http_fail_text(req, CX_ERR_INVALID, T_SV_P_TYPE);
    job.open = open[0] == '1';
    cx_result rc = store_write(req->store, sv_state_job, &job);
    if (rc == CX_ERR_NOT_FOUND)
        return http_fail_text(req, rc, T_SV_NO_SURVEY);
    if (rc)
        return rc;
    char location[96];
    snprintf(location, sizeof location, "/surveys/%lld?done=%s", (long long)job.id,
             job.open ? "opened" : "closed");
    http_redirect(req, res, location);
    return CX_OK;
}

cx_result page_surveys_delete(http_request_t *req, http_response_t *res)
{
    survey_delete_t job = {.req = req, .id = http_param_id(req, "id")};
    if (!job.id)
        return http_fail_text(req, CX_ERR_NOT_FOUND, T_SV_NO_SURVEY);
    cx_result rc = store_write(req->store, survey_delete_job, &job);
    if (rc == CX_ERR_NOT_FOUND)
        return http_fail_text(req, rc, T_SV_NO_SURVEY);
    if (rc == CX_ERR_CONFLICT) {
        sv_edit_view_t v = {.status = 409, .problem = &job.problem};
        return render_edit(req, res, job.id, &v);
    }
    if (rc)
        return rc;
    refresher_poke(req->app->refresher);
    http_redirect(req, res, "/surveys?done=deleted");
    return CX_OK;
}
