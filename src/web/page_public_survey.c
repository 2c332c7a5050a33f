/*
 * page_public_survey.c — the survey as respondents see it: the public page
 * /s/SLUG (anonymous, or /s/SLUG?t=TOKEN from an invitation), its two
 * steps, the thank-you, closed, already-answered and not-found pages, and
 * the JSON endpoint and script of the website widget.
 *
 * Flow: GET shows the first page (the main question; every question for
 * custom surveys). Its POST saves the first answer at once as a partial
 * response and answers with the second page, which carries a random resume
 * token (only its hash is stored) — the one thing that can complete that
 * response, so nobody completes someone else's by guessing an id. The
 * second POST completes it and the engine reads the row again.
 *
 * Relies on store/survey_form.h for all data, ratelimit.h for flood
 * protection, engine.h/refresher.h to keep metrics current, i18n for the
 * page's own words. Must never link into the application (no navigation,
 * no login link), need a session, run inline script or style (CSP), nor
 * tell a filled honeypot from a real answer in what it shows.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/secret.h"
#include "engine/engine.h"
#include "jobs/refresher.h"
#include "store/survey_form.h"
#include "web/assets.h"
#include "web/pages.h"
#include "web/ratelimit.h"
#include "web/web.h"

/* A survey answer is a few short fields and comments; anything larger is
 * not a respondent. (The server's own limit bounds what is read.) */
#define PS_BODY_MAX ((size_t)64 << 10)
#define PS_TEXT_MAX 5000  /* characters of one free-text answer */
#define PS_HONEYPOT "website"
#define PS_GROUP_NONE 2   /* no main answer yet: the default wording */

/* ---- flood protection ---- */

/* Limits for writes only; showing a page costs little and is what the
 * bench measures. Per address and survey: a person answers a few times;
 * per address overall: an office behind one NAT answers many; per token
 * (invitation or resume): a legitimate one writes twice. */
static ratelimit_t *ps_limit_address_survey, *ps_limit_address, *ps_limit_token;
static pthread_once_t ps_limit_once = PTHREAD_ONCE_INIT;

static void ps_limits_init(void)
{
    ps_limit_address_survey = ratelimit_new(20, 20, 16384);
    ps_limit_address = ratelimit_new(120, 120, 16384);
    ps_limit_token = ratelimit_new(10.0 / 60, 10, 16384);
}

static int64_t ps_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* True when the write may go ahead; otherwise req->retry_after is set. */
static bool ps_rate_ok(http_request_t *req, const char *slug, const char *token)
{
    pthread_once(&ps_limit_once, ps_limits_init);
    if (!ps_limit_address_survey || !ps_limit_address || !ps_limit_token)
        return true; /* out of memory at start: serve rather than refuse all */
    int64_t now = ps_now_ms();
    int wait = 0;
    const char *address = req->address ? req->address : "";
    buf_t key;
    buf_init(&key, 1024);
    buf_printf(&key, "%s|%s", address, slug); /* raw: a hash key, never output */
    bool ok = !buf_failed(&key) && ratelimit_take(ps_limit_address_survey, buf_str(&key), now, &wait);
    buf_free(&key);
    if (ok)
        ok = ratelimit_take(ps_limit_address, address, now, &wait);
    if (ok && token && token[0])
        ok = ratelimit_take(ps_limit_token, token, now, &wait);
    if (!ok)
        req->retry_after = wait;
    return ok;
}

/* ---- languages ---- */

typedef struct ps_ctx {
    http_request_t *req;
    http_response_t *res;
    survey_form_t survey;
    const char *lang;       /* the survey language shown */
    const char *first_lang; /* the survey's default */
    const char *token;      /* invitation token as given, NULL when none */
    bool has_invitation;
    survey_form_invitation_t invitation;
} ps_ctx_t;

/* Whether code (len bytes) is one of the survey's languages. */
static bool ps_survey_has(const survey_form_t *s, const char *code, size_t len)
{
    for (const char *p = s->languages; *p;) {
        while (*p == ',' || *p == ' ')
            p++;
        size_t n = strcspn(p, ", ");
        if (n && n == len && strncasecmp(p, code, len) == 0)
            return true;
        p += n;
    }
    return false;
}

/* The survey's language spelled as i18n knows it (lower case), or NULL
 * when it is not one the pages speak. */
static const char *ps_lang_code(const char *code, size_t len)
{
    i18n_lang_t l;
    char tmp[3];
    if (len != 2)
        return NULL;
    tmp[0] = (char)(code[0] | 0x20);
    tmp[1] = (char)(code[1] | 0x20);
    tmp[2] = '\0';
    return i18n_lang_parse(tmp, &l) ? i18n_lang_code(l) : NULL;
}

static const char *ps_first_language(const survey_form_t *s)
{
    for (const char *p = s->languages; *p;) {
        while (*p == ',' || *p == ' ')
            p++;
        size_t n = strcspn(p, ", ");
        const char *code = ps_lang_code(p, n);
        if (code)
            return code;
        p += n;
    }
    return i18n_lang_code(LANG_DEFAULT);
}

/* A language the survey has, by code; NULL otherwise. */
static const char *ps_pick(const survey_form_t *s, const char *code)
{
    if (!code)
        return NULL;
    size_t n = strlen(code);
    if (n > 2 && (code[2] == '-' || code[2] == '_'))
        n = 2; /* "en-GB" */
    const char *c = ps_lang_code(code, n);
    return c && ps_survey_has(s, c, 2) ? c : NULL;
}

/* The best of the survey's languages in an Accept-Language header, by
 * q-value (ties: header order). */
static const char *ps_from_accept(const survey_form_t *s, const char *header)
{
    const char *best = NULL;
    double best_q = 0;
    for (const char *p = header ? header : ""; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        size_t tag = strcspn(p, ";,-_ ");
        double q = 1;
        const char *semi = memchr(p, ';', n);
        if (semi) {
            const char *qs = strstr(semi, "q=");
            if (qs && qs < p + n)
                q = strtod(qs + 2, NULL);
        }
        const char *c = tag == 2 ? ps_lang_code(p, 2) : NULL;
        if (c && q > best_q && ps_survey_has(s, c, 2)) {
            best = c;
            best_q = q;
        }
        p += n;
    }
    return best;
}

/* Chooses the language: asked for (?lang= or the form's lang), else the
 * invited customer's, else the browser's, else the survey's first. The
 * page's own words follow it. */
static void ps_choose_language(ps_ctx_t *c, const char *asked)
{
    const survey_form_t *s = &c->survey;
    c->first_lang = ps_first_language(s);
    const char *l = ps_pick(s, asked);
    if (!l && c->has_invitation)
        l = ps_pick(s, c->invitation.language);
    if (!l)
        l = ps_from_accept(s, http_header(c->req, "Accept-Language"));
    c->lang = l ? l : c->first_lang;
    i18n_lang_t ui;
    if (i18n_lang_parse(c->lang, &ui))
        c->req->lang = ui;
}

/* The text for lang in a {lang: text} object (or a plain string), falling
 * back to the survey's first language, then to any text there is. */
static const char *ps_text_in(const ps_ctx_t *c, json_t *labels)
{
    if (json_is_string(labels))
        return json_string_value(labels);
    const char *t = json_string_value(json_object_get(labels, c->lang));
    if (!t || !t[0])
        t = json_string_value(json_object_get(labels, c->first_lang));
    if (!t || !t[0]) {
        const char *k;
        json_t *v;
        json_object_foreach(labels, k, v)
        {
            if (json_is_string(v) && json_string_value(v)[0]) {
                t = json_string_value(v);
                break;
            }
        }
    }
    return t ? t : "";
}

/* A copy in the request arena of the text for c->lang in JSON text. */
static const char *ps_translate(const ps_ctx_t *c, const char *json)
{
    json_t *doc = json_loads(json ? json : "{}", 0, NULL);
    const char *t = arena_strdup(&c->req->arena, ps_text_in(c, doc));
    json_decref(doc);
    return t ? t : "";
}

/* A copy in the request arena of a text of the survey's own (its title or
 * introduction) in c->lang, else in the survey's first language, else "".
 * Unlike labels, no other language is borrowed: a title the survey no
 * longer offers a language for gives way to the survey's name. */
static const char *ps_own_text(const ps_ctx_t *c, const char *json)
{
    json_t *doc = json_loads(json ? json : "{}", 0, NULL);
    const char *t = json_string_value(json_object_get(doc, c->lang));
    if (!t || !t[strspn(t, " \t\r\n")])
        t = json_string_value(json_object_get(doc, c->first_lang));
    if (!t || !t[strspn(t, " \t\r\n")])
        t = "";
    const char *copy = arena_strdup(&c->req->arena, t);
    json_decref(doc);
    return copy ? copy : "";
}

/* The heading respondents see: the title in their language, else in the
 * first language, else the survey's name (which is the team's own). */
static const char *ps_title(const ps_ctx_t *c)
{
    const char *t = ps_own_text(c, c->survey.title);
    return t[0] ? t : c->survey.name;
}

/* The wording of a question: by the main answer's group when its logic
 * says so (label_by_group), else its label. */
static const char *ps_question_label(const ps_ctx_t *c, const survey_form_question_t *q,
                                     int group)
{
    if (group != PS_GROUP_NONE && q->logic && strstr(q->logic, "label_by_group")) {
        json_t *logic = json_loads(q->logic, 0, NULL);
        json_t *by = json_object_get(json_object_get(logic, "label_by_group"),
                                     survey_form_group_name(group));
        const char *t = by ? ps_text_in(c, by) : "";
        const char *copy = t[0] ? arena_strdup(&c->req->arena, t) : NULL;
        json_decref(logic);
        if (copy)
            return copy;
    }
    return ps_translate(c, q->label);
}

/* ---- the layout ---- */

static void ps_begin(ps_ctx_t *c, int status, const char *title, bool lang_switch)
{
    http_response_t *res = c->res;
    res->status = status;
    res->content_type = HTTP_CT_HTML;
    buf_t *b = &res->body;
    buf_printf(b,
               "<!doctype html>\n<html lang=\"%a\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<meta name=\"robots\" content=\"noindex\">\n"
               "<meta name=\"referrer\" content=\"no-referrer\">\n"
               "<title>%h</title>\n<link rel=\"stylesheet\" href=\"%a\">\n"
               "<link rel=\"icon\" href=\"%a\" type=\"image/svg+xml\">\n</head>\n"
               "<body class=\"ps\">\n<main id=\"main\" class=\"ps-card\">\n",
               c->lang ? c->lang : i18n_lang_code(c->req->lang), title,
               assets_url("survey.css"), assets_url("favicon.svg"));
    const survey_form_t *s = &c->survey;
    if (!lang_switch || !s->languages || !strchr(s->languages, ','))
        return;
    buf_printf(b, "<nav class=\"ps-lang\" aria-label=\"%a\"><ul>", web_t(c->req, T_PS_LANG_LABEL));
    for (int l = 0; l < LANG_COUNT; l++) {
        const char *code = i18n_lang_code((i18n_lang_t)l);
        if (!ps_survey_has(s, code, 2))
            continue;
        buf_printf(b, "<li><a href=\"/s/%u?lang=%u", s->slug, code);
        if (c->token)
            buf_printf(b, "&amp;t=%u", c->token);
        buf_printf(b, "\" hreflang=\"%a\" lang=\"%a\"%s>%h</a></li>", code, code,
                   strcmp(code, c->lang) == 0 ? " aria-current=\"true\"" : "",
                   i18n_lang_name((i18n_lang_t)l));
    }
    buf_puts(b, "</ul></nav>\n");
}

static void ps_end(ps_ctx_t *c)
{
    buf_puts(&c->res->body, "</main>\n</body>\n</html>\n");
}

/* A page with a heading and one paragraph (thank-you, closed, ...). */
static cx_result ps_message(ps_ctx_t *c, int status, const char *title, const char *text,
                            const char *kind)
{
    http_response_reset(c->res);
    if (c->req->retry_after > 0) {
        char v[16];
        snprintf(v, sizeof v, "%d", c->req->retry_after);
        http_set_header(c->req, c->res, "Retry-After", v);
    }
    ps_begin(c, status, title, false);
    buf_printf(&c->res->body,
               "<section class=\"ps-message ps-%a\" role=\"status\"><h1>%h</h1><p>%h</p></section>\n",
               kind, title, text);
    ps_end(c);
    return CX_OK;
}

static cx_result ps_not_found(ps_ctx_t *c, int text)
{
    if (!c->lang) {
        i18n_lang_t l;
        c->req->lang = i18n_lang_from_accept(http_header(c->req, "Accept-Language"), &l)
                           ? l
                           : LANG_DEFAULT;
    }
    return ps_message(c, 404, web_t(c->req, T_PS_NOT_FOUND_TITLE), web_t(c->req, text), "error");
}

static cx_result ps_thanks(ps_ctx_t *c)
{
    json_t *doc = json_loads(c->survey.thank_you ? c->survey.thank_you : "{}", 0, NULL);
    const char *t = ps_text_in(c, doc);
    const char *text = arena_strdup(&c->req->arena, t[0] ? t : web_t(c->req, T_PS_THANKS_TEXT));
    json_decref(doc);
    return ps_message(c, 200, web_t(c->req, T_PS_THANKS_TITLE), text ? text : "", "thanks");
}

static cx_result ps_already(ps_ctx_t *c)
{
    return ps_message(c, 200, web_t(c->req, T_PS_ALREADY_TITLE), web_t(c->req, T_PS_ALREADY_TEXT),
                      "thanks");
}

static cx_result ps_closed(ps_ctx_t *c, int status)
{
    return ps_message(c, status, web_t(c->req, T_PS_CLOSED_TITLE),
                      web_t(c->req, T_PS_CLOSED_TEXT), "closed");
}

static cx_result ps_throttled(ps_ctx_t *c)
{
    return ps_message(c, 429, web_t(c->req, T_PS_TOO_MANY_TITLE),
                      web_t(c->req, T_PS_TOO_MANY_TEXT), "error");
}

/* ---- questions ---- */

static bool ps_is_scale(const survey_form_question_t *q)
{
    return strcmp(q->kind, "score") == 0 || strcmp(q->kind, "rating") == 0 ||
           strcmp(q->kind, "effort") == 0;
}

static void ps_scale_range(const survey_form_question_t *q, int *low, int *high)
{
    *low = strcmp(q->kind, "score") == 0 ? 0 : 1;
    *high = strcmp(q->kind, "rating") == 0 ? 5 : strcmp(q->kind, "effort") == 0 ? 7 : 10;
}

/* What a respondent typed or picked, to show again after an error. */
typedef struct ps_field {
    const survey_form_question_t *q;
    const char *error; /* translated, NULL when fine */
} ps_field_t;

/* True when the form holds name=value (any of several values). */
static bool ps_form_has(const http_request_t *req, const char *name, const char *value)
{
    for (size_t i = 0; i < req->form.count; i++)
        if (strcmp(req->form.items[i].name, name) == 0 &&
            strcmp(req->form.items[i].value, value) == 0)
            return true;
    return false;
}

static const char *ps_field_name(ps_ctx_t *c, const survey_form_question_t *q)
{
    buf_t b;
    buf_init(&b, 512);
    buf_printf(&b, "q_%s", q->key); /* raw: a form field name, escaped where it is output */
    const char *name = buf_failed(&b) ? "q_" : arena_strdup(&c->req->arena, buf_str(&b));
    buf_free(&b);
    return name ? name : "q_";
}

static void ps_render_question(ps_ctx_t *c, const survey_form_question_t *q, int group,
                               const char *error, size_t index)
{
    buf_t *b = &c->res->body;
    http_request_t *req = c->req;
    const char *name = ps_field_name(c, q);
    const char *label = ps_question_label(c, q, group);
    bool posted = req->method == HTTP_POST;
    const char *optional = q->required || q->is_main ? "" : web_t(req, T_PS_OPTIONAL);
    char err_id[32];
    snprintf(err_id, sizeof err_id, "ps-err-%zu", index);

    if (strcmp(q->kind, "text") == 0) {
        const char *prev = posted ? http_form(req, name) : NULL;
        buf_printf(b, "<div class=\"ps-q ps-text%s\"><label for=\"f-%zu\">%h", error ? " ps-invalid" : "",
                   index, label);
        if (optional[0])
            buf_printf(b, " <span class=\"ps-optional\">%h</span>", optional);
        buf_puts(b, "</label>");
        if (error)
            buf_printf(b, "<p class=\"ps-error\" id=\"%a\">%h</p>", err_id, error);
        buf_printf(b, "<textarea id=\"f-%zu\" name=\"%a\" rows=\"5\" maxlength=\"%d\"%s", index,
                   name, PS_TEXT_MAX, q->required ? " required" : "");
        if (error)
            buf_printf(b, " aria-invalid=\"true\" aria-describedby=\"%a\"", err_id);
        buf_printf(b, ">%h</textarea></div>\n", prev ? prev : "");
        return;
    }

    buf_printf(b, "<fieldset class=\"ps-q %s%s\"", ps_is_scale(q) ? "ps-scale" : "ps-choice",
               error ? " ps-invalid" : "");
    if (error)
        buf_printf(b, " aria-describedby=\"%a\"", err_id);
    buf_printf(b, "><legend>%h", label);
    if (optional[0])
        buf_printf(b, " <span class=\"ps-optional\">%h</span>", optional);
    buf_puts(b, "</legend>");
    if (error)
        buf_printf(b, "<p class=\"ps-error\" id=\"%a\">%h</p>", err_id, error);
    bool required = q->required || q->is_main;
    if (ps_is_scale(q)) {
        int low, high;
        ps_scale_range(q, &low, &high);
        buf_printf(b, "<div class=\"ps-options ps-n%d\">", high - low + 1);
        for (int v = low; v <= high; v++) {
            char value[8];
            snprintf(value, sizeof value, "%d", v);
            buf_printf(b,
                       "<label class=\"ps-opt\"><input type=\"radio\" name=\"%a\" value=\"%d\"%s%s>"
                       "<span>%d</span></label>",
                       name, v, required ? " required" : "",
                       posted && ps_form_has(req, name, value) ? " checked" : "", v);
        }
        buf_puts(b, "</div>");
        if (!q->inverted) {
            int lo_key = strcmp(q->kind, "score") == 0    ? T_PS_SCORE_LOW
                         : strcmp(q->kind, "rating") == 0 ? T_PS_RATING_LOW
                                                          : T_PS_EFFORT_LOW;
            buf_printf(b, "<p class=\"ps-ends\"><span>%h</span><span>%h</span></p>",
                       web_t(req, lo_key), web_t(req, lo_key + 1));
        }
    } else {
        bool multi = strcmp(q->kind, "multi") == 0;
        json_t *choices = json_loads(q->choices ? q->choices : "[]", 0, NULL);
        size_t i;
        json_t *ch;
        buf_puts(b, "<div class=\"ps-list\">");
        json_array_foreach(choices, i, ch)
        {
            const char *value = json_is_string(ch) ? json_string_value(ch)
                                                   : json_string_value(json_object_get(ch, "value"));
            if (!value)
                continue;
            json_t *lab = json_is_string(ch) ? ch : json_object_get(ch, "label");
            const char *text = lab ? ps_text_in(c, lab) : value;
            buf_printf(b,
                       "<label class=\"ps-item\"><input type=\"%s\" name=\"%a\" value=\"%a\"%s%s>"
                       "<span>%h</span></label>",
                       multi ? "checkbox" : "radio", name, value,
                       required && !multi ? " required" : "",
                       posted && ps_form_has(req, name, value) ? " checked" : "",
                       text[0] ? text : value);
        }
        buf_puts(b, "</div>");
        json_decref(choices);
    }
    buf_puts(b, "</fieldset>\n");
}

/* Whether value is one of a choice question's declared values. */
static bool ps_choice_declared(const survey_form_question_t *q, const char *value)
{
    json_t *choices = json_loads(q->choices ? q->choices : "[]", 0, NULL);
    size_t i;
    json_t *ch;
    bool found = false;
    json_array_foreach(choices, i, ch)
    {
        const char *v = json_is_string(ch) ? json_string_value(ch)
                                           : json_string_value(json_object_get(ch, "value"));
        if (v && strcmp(v, value) == 0) {
            found = true;
            break;
        }
    }
    json_decref(choices);
    return found;
}

static size_t ps_utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Reads one question's answer from the form (or the widget's JSON, given
 * as raw). *present is false when nothing was given. Returns the error
 * text, or NULL. */
static const char *ps_read_answer(ps_ctx_t *c, const survey_form_question_t *q, const char *raw,
                                  store_answer_t *out, bool *present)
{
    http_request_t *req = c->req;
    const char *name = ps_field_name(c, q);
    memset(out, 0, sizeof *out);
    out->question_id = q->id;
    *present = false;
    bool required = q->required || q->is_main;
    if (strcmp(q->kind, "multi") == 0) {
        json_t *picked = json_array();
        for (size_t i = 0; picked && i < req->form.count; i++) {
            if (strcmp(req->form.items[i].name, name) != 0)
                continue;
            if (!ps_choice_declared(q, req->form.items[i].value)) {
                json_decref(picked);
                return web_t(req, T_PS_INVALID);
            }
            json_array_append_new(picked, json_string(req->form.items[i].value));
        }
        if (picked && json_array_size(picked) > 0) {
            char *text = json_dumps(picked, JSON_COMPACT);
            out->text = text ? arena_strdup(&req->arena, text) : NULL;
            free(text);
            *present = out->text != NULL;
        }
        json_decref(picked);
        return !*present && required ? web_t(req, T_PS_REQUIRED) : NULL;
    }
    const char *v = raw ? raw : http_form(req, name);
    while (v && (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n'))
        v++;
    if (!v || !v[0])
        return required ? web_t(req, T_PS_REQUIRED) : NULL;
    if (ps_is_scale(q)) {
        int low, high;
        ps_scale_range(q, &low, &high);
        char *end;
        long n = strtol(v, &end, 10);
        if (*end || end == v || n < low || n > high)
            return web_t(req, T_PS_INVALID);
        out->has_number = true;
        out->number = (double)n;
    } else if (strcmp(q->kind, "single") == 0) {
        if (!ps_choice_declared(q, v))
            return web_t(req, T_PS_INVALID);
        out->text = v;
    } else {
        if (ps_utf8_chars(v) > PS_TEXT_MAX)
            return web_t(req, T_PS_TOO_LARGE_TEXT);
        out->text = v;
    }
    *present = true;
    return NULL;
}

/* ---- loading ---- */

typedef struct ps_load {
    ps_ctx_t *c;
    const char *slug;
    const char *token_hash; /* invitation, NULL when none */
    bool invitation_unknown;
} ps_load_t;

static cx_result ps_load_job(db_conn_t *db, void *arg)
{
    ps_load_t *l = arg;
    ps_ctx_t *c = l->c;
    cx_result rc = survey_form_get(db, &c->req->arena, l->slug, &c->survey);
    if (rc || !l->token_hash)
        return rc;
    rc = survey_form_invitation_find(db, &c->req->arena, l->token_hash, &c->invitation);
    if (rc == CX_ERR_NOT_FOUND || (!rc && c->invitation.survey_id != c->survey.id)) {
        l->invitation_unknown = true;
        return CX_OK;
    }
    c->has_invitation = rc == CX_OK;
    return rc;
}

/* Loads the survey of the route and the invitation of token (NULL: none).
 * CX_ERR_NOT_FOUND when there is no such survey; *bad_token when the token
 * names no invitation of it. */
static cx_result ps_load(ps_ctx_t *c, const char *token, bool *bad_token)
{
    *bad_token = false;
    const char *slug = http_param(c->req, "slug");
    if (!slug || !slug[0] || strlen(slug) > 200)
        return CX_ERR_NOT_FOUND;
    ps_load_t l = {.c = c, .slug = slug};
    char hash[SECRET_HASH_HEX_LEN + 1];
    if (token && token[0]) {
        if (strlen(token) > 200) {
            *bad_token = true;
        } else {
            secret_token_hash(token, hash);
            l.token_hash = hash;
            c->token = token;
        }
    }
    cx_result rc = store_read(c->req->store, ps_load_job, &l);
    if (l.invitation_unknown)
        *bad_token = true;
    return rc;
}

/* ---- pages ---- */

/* Questions of page 1: the main one; all of them for custom surveys (or a
 * survey without a main question). */
static bool ps_single_page(const survey_form_t *s)
{
    return strcmp(s->kind, "custom") == 0 || !survey_form_main(s);
}

static bool ps_on_first_page(const survey_form_t *s, const survey_form_question_t *q)
{
    return ps_single_page(s) || q->is_main;
}

static void ps_hidden(buf_t *b, const char *name, const char *value)
{
    buf_printf(b, "<input type=\"hidden\" name=\"%a\" value=\"%a\">", name, value);
}

/* The honeypot: hidden by the stylesheet and from assistive technology,
 * out of the tab order; a person never fills it, a form-filling bot does. */
static void ps_honeypot(ps_ctx_t *c)
{
    buf_printf(&c->res->body,
               "<div class=\"ps-hp\" aria-hidden=\"true\"><label for=\"ps-hp\">%h</label>"
               "<input id=\"ps-hp\" name=\"%a\" type=\"text\" tabindex=\"-1\" autocomplete=\"off\">"
               "</div>\n",
               web_t(c->req, T_PS_HONEYPOT), PS_HONEYPOT);
}

static void ps_render_first(ps_ctx_t *c, int status, const ps_field_t *errors, size_t nerrors)
{
    const survey_form_t *s = &c->survey;
    const char *title = ps_title(c);
    ps_begin(c, status, title, c->req->method != HTTP_POST);
    buf_t *b = &c->res->body;
    buf_printf(b, "<h1>%h</h1>\n", title);
    /* the introduction belongs before the first questions only */
    const char *intro = ps_own_text(c, s->intro);
    if (intro[0])
        buf_printf(b, "<p class=\"ps-intro\">%h</p>\n", intro);
    if (nerrors)
        buf_printf(b, "<p class=\"ps-alert\" role=\"alert\">%h</p>\n", web_t(c->req, T_PS_ERRORS));
    buf_printf(b, "<form method=\"post\" action=\"/s/%u\" class=\"ps-form\">", s->slug);
    ps_hidden(b, "lang", c->lang);
    if (c->token)
        ps_hidden(b, "t", c->token);
    buf_puts(b, "\n");
    for (size_t i = 0; i < s->nquestions; i++) {
        const survey_form_question_t *q = &s->questions[i];
        if (!ps_on_first_page(s, q))
            continue;
        const char *err = NULL;
        for (size_t e = 0; e < nerrors; e++)
            if (errors[e].q == q)
                err = errors[e].error;
        ps_render_question(c, q, PS_GROUP_NONE, err, i);
    }
    ps_honeypot(c);
    buf_printf(b, "<p class=\"ps-actions\"><button type=\"submit\">%h</button></p>\n</form>\n",
               web_t(c->req, ps_single_page(s) ? T_PS_SUBMIT : T_PS_NEXT));
    ps_end(c);
}

static void ps_render_second(ps_ctx_t *c, int status, const char *resume, int group,
                             const ps_field_t *errors, size_t nerrors)
{
    const survey_form_t *s = &c->survey;
    const char *title = ps_title(c);
    ps_begin(c, status, title, false);
    buf_t *b = &c->res->body;
    buf_printf(b, "<h1>%h</h1>\n", title);
    if (nerrors)
        buf_printf(b, "<p class=\"ps-alert\" role=\"alert\">%h</p>\n", web_t(c->req, T_PS_ERRORS));
    buf_printf(b, "<form method=\"post\" action=\"/s/%u/complete\" class=\"ps-form\">", s->slug);
    ps_hidden(b, "lang", c->lang);
    ps_hidden(b, "r", resume);
    buf_puts(b, "\n");
    for (size_t i = 0; i < s->nquestions; i++) {
        const survey_form_question_t *q = &s->questions[i];
        if (q->is_main)
            continue;
        const char *err = NULL;
        for (size_t e = 0; e < nerrors; e++)
            if (errors[e].q == q)
                err = errors[e].error;
        ps_render_question(c, q, group, err, i);
    }
    ps_honeypot(c);
    buf_printf(b, "<p class=\"ps-actions\"><button type=\"submit\">%h</button></p>\n</form>\n",
               web_t(c->req, T_PS_SUBMIT));
    ps_end(c);
}

cx_result page_public_survey(http_request_t *req, http_response_t *res)
{
    ps_ctx_t c = {.req = req, .res = res};
    bool bad_token;
    cx_result rc = ps_load(&c, http_query(req, "t"), &bad_token);
    if (rc == CX_ERR_NOT_FOUND)
        return ps_not_found(&c, T_PS_NOT_FOUND_TEXT);
    if (rc)
        return rc;
    ps_choose_language(&c, http_query(req, "lang"));
    if (bad_token)
        return ps_not_found(&c, T_PS_BAD_LINK_TEXT);
    if (!c.survey.open)
        return ps_closed(&c, 200);
    if (c.has_invitation && c.invitation.answered)
        return ps_already(&c);
    ps_render_first(&c, 200, NULL, 0);
    return CX_OK;
}

/* ---- writing ---- */

typedef struct ps_start_job {
    store_response_t response;
    int64_t invitation_id;
    const char *resume_hash;
    bool complete;
    int64_t id;
} ps_start_job_t;

static cx_result ps_start_job(db_conn_t *db, void *arg)
{
    ps_start_job_t *j = arg;
    return survey_form_start(db, &j->response, j->invitation_id, j->resume_hash, j->complete,
                             &j->id);
}

typedef struct ps_complete_job {
    const char *resume_hash;
    store_answer_t *answers;
    size_t nanswers;
    const char *comment;
    int64_t now;
    int64_t id;
} ps_complete_job_t;

static cx_result ps_complete_job(db_conn_t *db, void *arg)
{
    ps_complete_job_t *j = arg;
    return survey_form_complete(db, j->resume_hash, j->answers, j->nanswers, j->comment, j->now,
                                &j->id);
}

typedef struct ps_pending_job {
    ps_ctx_t *c;
    const char *resume_hash;
    survey_form_pending_t pending;
} ps_pending_job_t;

static cx_result ps_pending_job(db_conn_t *db, void *arg)
{
    ps_pending_job_t *j = arg;
    return survey_form_pending_find(db, &j->c->req->arena, j->resume_hash, &j->pending);
}

/* Answers of the questions `on_page` selects, read from the form. Text
 * goes to *comment for the first text question, to answers otherwise. */
typedef struct ps_answers {
    store_answer_t *items;
    size_t count;
    const char *comment;
    ps_field_t *errors;
    size_t nerrors;
    bool has_score;
    int score;
} ps_answers_t;

static cx_result ps_read_answers(ps_ctx_t *c, bool first_page, ps_answers_t *out)
{
    const survey_form_t *s = &c->survey;
    memset(out, 0, sizeof *out);
    size_t n = s->nquestions ? s->nquestions : 1;
    out->items = arena_alloc(&c->req->arena, n * sizeof *out->items);
    out->errors = arena_alloc(&c->req->arena, n * sizeof *out->errors);
    if (!out->items || !out->errors)
        return CX_ERR_NOMEM;
    bool comment_taken = false;
    for (size_t i = 0; i < s->nquestions; i++) {
        const survey_form_question_t *q = &s->questions[i];
        if (first_page ? !ps_on_first_page(s, q) : q->is_main)
            continue;
        store_answer_t a;
        bool present;
        const char *err = ps_read_answer(c, q, NULL, &a, &present);
        if (err) {
            out->errors[out->nerrors++] = (ps_field_t){.q = q, .error = err};
            continue;
        }
        if (!present)
            continue;
        if (strcmp(q->kind, "text") == 0 && !comment_taken) {
            comment_taken = true;
            out->comment = a.text;
            continue;
        }
        if (q->is_main) {
            out->has_score = true;
            out->score = (int)a.number;
        }
        out->items[out->count++] = a;
    }
    return CX_OK;
}

/* After a write: the engine counts the row now (refresh for a new one,
 * a reread for a completed one). A completed row the engine does not hold
 * yet may be in a refresh that read it before the completion committed;
 * waiting for the next refresh and reading it again closes that gap. */
static void ps_after_write(http_request_t *req, int64_t completed_id)
{
    engine_t *engine = req->app->engine;
    refresher_t *refresher = req->app->refresher;
    if (completed_id && engine &&
        engine_reload_response(engine, req->store, completed_id) == CX_ERR_NOT_FOUND &&
        refresher) {
        refresher_sync(refresher);
        (void)engine_reload_response(engine, req->store, completed_id);
    }
    if (refresher)
        refresher_poke(refresher);
}

/* The group of the main answer, PS_GROUP_NONE when there is none. */
static int ps_group_of(const survey_form_t *s, bool has_score, int score)
{
    const survey_form_question_t *main = survey_form_main(s);
    int group;
    if (!main || !has_score || !survey_form_group(main->kind, main->inverted, score, &group))
        return PS_GROUP_NONE;
    return group;
}

static void ps_fill_response(ps_ctx_t *c, store_response_t *r, const char *channel)
{
    memset(r, 0, sizeof *r);
    r->survey_id = c->survey.id;
    r->customer_id = c->has_invitation ? c->invitation.customer_id : 0;
    r->touchpoint_id = c->survey.touchpoint_id;
    r->channel = channel;
    r->language = c->lang;
    r->submitted_at = c->req->now ? c->req->now : store_now();
    r->created_at = r->submitted_at;
}

static void ps_set_score(ps_ctx_t *c, store_response_t *r, bool has_score, int score)
{
    r->has_score = has_score;
    r->score = score;
    int group = ps_group_of(&c->survey, has_score, score);
    if (group != PS_GROUP_NONE &&
        (strcmp(c->survey.kind, "nps") == 0 || strcmp(c->survey.kind, "enps") == 0)) {
        r->has_nps_group = true;
        r->nps_group = group;
    }
}

static const char *ps_page_channel(const ps_ctx_t *c)
{
    return c->survey.channel[0] ? c->survey.channel : "web";
}

/* Checks shared by both POSTs; CX_OK with *done false lets the caller go
 * on, *done true means the answer is written already. */
static cx_result ps_post_checks(ps_ctx_t *c, const char *invitation, const char *rate_token,
                                bool *done, bool *bad_token)
{
    *done = true;
    http_request_t *req = c->req;
    cx_result rc = ps_load(c, invitation, bad_token);
    if (rc == CX_ERR_NOT_FOUND)
        return ps_not_found(c, T_PS_NOT_FOUND_TEXT);
    if (rc)
        return rc;
    ps_choose_language(c, http_form(req, "lang"));
    if (req->body_len > PS_BODY_MAX)
        return ps_message(c, 413, web_t(req, T_PS_TOO_LARGE_TEXT),
                          web_t(req, T_PS_TOO_LARGE_HINT), "error");
    if (!ps_rate_ok(req, c->survey.slug, rate_token))
        return ps_throttled(c);
    if (!c->survey.open)
        return ps_closed(c, 410);
    const char *hp = http_form(req, PS_HONEYPOT);
    if (hp && hp[0])
        return ps_thanks(c); /* looks the same, stores nothing */
    *done = false;
    return CX_OK;
}

cx_result page_public_survey_start(http_request_t *req, http_response_t *res)
{
    ps_ctx_t c = {.req = req, .res = res};
    bool done, bad_token;
    const char *token = http_form(req, "t");
    cx_result rc = ps_post_checks(&c, token, token, &done, &bad_token);
    if (done || rc)
        return rc;
    if (bad_token)
        return ps_not_found(&c, T_PS_BAD_LINK_TEXT);
    if (c.has_invitation && c.invitation.answered)
        return ps_already(&c);

    ps_answers_t ans;
    rc = ps_read_answers(&c, true, &ans);
    if (rc)
        return rc;
    if (!ans.nerrors && !ans.count && !ans.comment && c.survey.nquestions) {
        /* an empty form (every question optional) is not a response */
        ans.errors[ans.nerrors++] = (ps_field_t){.q = &c.survey.questions[0],
                                                 .error = web_t(req, T_PS_NOTHING_ANSWERED)};
    }
    if (ans.nerrors) {
        ps_render_first(&c, 422, ans.errors, ans.nerrors);
        return CX_OK;
    }
    bool single = ps_single_page(&c.survey);
    bool has_more = false;
    for (size_t i = 0; i < c.survey.nquestions; i++)
        has_more |= !ps_on_first_page(&c.survey, &c.survey.questions[i]);
    char resume[SECRET_TOKEN_LEN + 1], resume_hash[SECRET_HASH_HEX_LEN + 1];
    secret_token(resume);
    secret_token_hash(resume, resume_hash);
    ps_start_job_t job = {.invitation_id = c.has_invitation ? c.invitation.id : 0,
                          .resume_hash = resume_hash,
                          .complete = single || !has_more};
    ps_fill_response(&c, &job.response, ps_page_channel(&c));
    ps_set_score(&c, &job.response, ans.has_score, ans.score);
    job.response.comment = ans.comment;
    job.response.answers = ans.items;
    job.response.nanswers = ans.count;
    rc = store_write(req->store, ps_start_job, &job);
    if (rc == CX_ERR_CONFLICT)
        return ps_already(&c);
    if (rc)
        return rc;
    ps_after_write(req, 0);
    if (job.complete)
        return ps_thanks(&c);
    ps_render_second(&c, 200, resume, ps_group_of(&c.survey, ans.has_score, ans.score), NULL, 0);
    return CX_OK;
}

cx_result page_public_survey_complete(http_request_t *req, http_response_t *res)
{
    ps_ctx_t c = {.req = req, .res = res};
    bool done, bad_token;
    const char *resume = http_form(req, "r");
    cx_result rc = ps_post_checks(&c, NULL, resume, &done, &bad_token);
    if (done || rc)
        return rc;
    if (!resume || strlen(resume) != SECRET_TOKEN_LEN)
        return ps_already(&c);
    char resume_hash[SECRET_HASH_HEX_LEN + 1];
    secret_token_hash(resume, resume_hash);
    ps_pending_job_t pj = {.c = &c, .resume_hash = resume_hash};
    rc = store_read(req->store, ps_pending_job, &pj);
    if (rc == CX_ERR_NOT_FOUND || (!rc && pj.pending.survey_id != c.survey.id))
        return ps_already(&c); /* completed before, or not this survey's */
    if (rc)
        return rc;
    /* the wording follows the language the response started in */
    ps_choose_language(&c, pj.pending.language);

    ps_answers_t ans;
    rc = ps_read_answers(&c, false, &ans);
    if (rc)
        return rc;
    if (ans.nerrors) {
        ps_render_second(&c, 422, resume, ps_group_of(&c.survey, pj.pending.has_score,
                                                      pj.pending.score),
                         ans.errors, ans.nerrors);
        return CX_OK;
    }
    ps_complete_job_t job = {.resume_hash = resume_hash, .answers = ans.items,
                             .nanswers = ans.count, .comment = ans.comment,
                             .now = req->now ? req->now : store_now()};
    rc = store_write(req->store, ps_complete_job, &job);
    if (rc == CX_ERR_NOT_FOUND)
        return ps_already(&c); /* a second tab completed it meanwhile */
    if (rc)
        return rc;
    ps_after_write(req, job.id);
    return ps_thanks(&c);
}

/* ---- the website widget ---- */

/* True when origin is one of the survey's allowed origins (exact
 * scheme://host[:port], case-insensitive, a trailing slash ignored). */
static bool ps_origin_allowed(const survey_form_t *s, const char *origin)
{
    if (!origin || !origin[0] || strcmp(origin, "null") == 0)
        return false;
    size_t olen = strlen(origin);
    for (const char *p = s->allowed_origins; *p;) {
        while (*p == ',' || *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
            p++;
        size_t n = strcspn(p, ", \n\t\r");
        size_t m = n;
        if (m && p[m - 1] == '/')
            m--;
        if (m && m == olen && strncasecmp(p, origin, m) == 0)
            return true;
        p += n;
    }
    return false;
}

static void ps_cors(ps_ctx_t *c, const char *origin)
{
    http_set_header(c->req, c->res, "Access-Control-Allow-Origin", origin);
    http_set_header(c->req, c->res, "Vary", "Origin");
}

static cx_result ps_widget_json(ps_ctx_t *c, int status, json_t *doc)
{
    http_set_header(c->req, c->res, "Cache-Control", "no-store");
    return http_json(c->req, c->res, status, doc);
}

static cx_result ps_widget_error(ps_ctx_t *c, int status, const char *code, const char *message,
                                 const char *field)
{
    json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);
    if (err && field)
        json_object_set_new(err, "field", json_string(field));
    if (c->req->retry_after > 0) {
        char v[16];
        snprintf(v, sizeof v, "%d", c->req->retry_after);
        http_set_header(c->req, c->res, "Retry-After", v);
    }
    return ps_widget_json(c, status, json_pack("{s:o}", "error", err));
}

/* Loads the survey for a widget request and checks the Origin; CX_OK with
 * *origin set when allowed, otherwise the answer is written already. */
static cx_result ps_widget_begin(ps_ctx_t *c, bool require_origin, const char **origin,
                                 bool *done)
{
    *done = true;
    *origin = http_header(c->req, "Origin");
    bool bad_token;
    cx_result rc = ps_load(c, NULL, &bad_token);
    if (rc == CX_ERR_NOT_FOUND)
        return ps_widget_error(c, 404, "not_found", "no such survey", NULL);
    if (rc)
        return rc;
    bool allowed = ps_origin_allowed(&c->survey, *origin);
    if (allowed)
        ps_cors(c, *origin);
    else if (require_origin)
        return ps_widget_error(c, 403, "forbidden", "this origin may not post to this survey",
                               "Origin");
    *done = false;
    return CX_OK;
}

cx_result page_widget_preflight(http_request_t *req, http_response_t *res)
{
    ps_ctx_t c = {.req = req, .res = res};
    const char *origin;
    bool done;
    cx_result rc = ps_widget_begin(&c, true, &origin, &done);
    if (done || rc)
        return rc;
    http_set_header(req, res, "Access-Control-Allow-Methods", "GET, POST");
    http_set_header(req, res, "Access-Control-Allow-Headers", "Content-Type");
    http_set_header(req, res, "Access-Control-Max-Age", "600");
    res->status = 204;
    return CX_OK;
}

cx_result page_widget_config(http_request_t *req, http_response_t *res)
{
    ps_ctx_t c = {.req = req, .res = res};
    const char *origin;
    bool done;
    cx_result rc = ps_widget_begin(&c, false, &origin, &done);
    if (done || rc)
        return rc;
    ps_choose_language(&c, http_query(req, "lang"));
    const survey_form_question_t *main = survey_form_main(&c.survey);
    if (!main || strcmp(main->kind, "score") != 0)
        return ps_widget_error(&c, 404, "not_found", "this survey has no 0-10 question", NULL);
    const survey_form_question_t *comment = NULL;
    for (size_t i = 0; i < c.survey.nquestions && !comment; i++)
        if (strcmp(c.survey.questions[i].kind, "text") == 0)
            comment = &c.survey.questions[i];
    /* the widget's heading: the survey's title for respondents when it has
     * one, else the generic label (never the team's name for the survey) */
    const char *title = ps_own_text(&c, c.survey.title);
    json_t *doc = json_pack(
        "{s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "survey", c.survey.slug, "language",
        c.lang, "open", c.survey.open, "title", title[0] ? title : web_t(req, T_PS_WIDGET_LABEL),
        "question",
        ps_question_label(&c, main, PS_GROUP_NONE), "low", web_t(req, T_PS_SCORE_LOW), "high",
        web_t(req, T_PS_SCORE_HIGH), "send", web_t(req, T_PS_SUBMIT), "close",
        web_t(req, T_PS_CLOSE), "thanks", web_t(req, T_PS_THANKS_TITLE));
    if (doc && comment)
        json_object_set_new(doc, "comment", json_string(ps_question_label(&c, comment,
                                                                          PS_GROUP_NONE)));
    return ps_widget_json(&c, 200, doc);
}

/* POST /s/SLUG/widget: {"score": 0-10, "lang": "en"} saves the first
 * answer and returns a token; {"token": T, "comment": "..."} completes. */
cx_result page_widget_answer(http_request_t *req, http_response_t *res)
{
    ps_ctx_t c = {.req = req, .res = res};
    const char *origin;
    bool done;
    cx_result rc = ps_widget_begin(&c, true, &origin, &done);
    if (done || rc)
        return rc;
    if (req->body_len > PS_BODY_MAX)
        return ps_widget_error(&c, 413, "too_large", "the answer is too long", NULL);
    json_t *body = req->body ? json_loadb(req->body, req->body_len, 0, NULL) : NULL;
    if (!json_is_object(body)) {
        json_decref(body);
        return ps_widget_error(&c, 400, "invalid_input", "the body must be a JSON object", NULL);
    }
    const char *token = json_string_value(json_object_get(body, "token"));
    if (!ps_rate_ok(req, c.survey.slug, token)) {
        json_decref(body);
        return ps_widget_error(&c, 429, "throttled", "too many requests; try again later", NULL);
    }
    if (!c.survey.open) {
        json_decref(body);
        return ps_widget_error(&c, 410, "closed", "this survey is closed", NULL);
    }
    ps_choose_language(&c, json_string_value(json_object_get(body, "lang")));
    const survey_form_question_t *main = survey_form_main(&c.survey);
    const survey_form_question_t *comment_q = NULL;
    for (size_t i = 0; i < c.survey.nquestions && !comment_q; i++)
        if (strcmp(c.survey.questions[i].kind, "text") == 0)
            comment_q = &c.survey.questions[i];

    if (!token) {
        json_t *score = json_object_get(body, "score");
        if (!main || strcmp(main->kind, "score") != 0) {
            json_decref(body);
            return ps_widget_error(&c, 404, "not_found", "this survey has no 0-10 question", NULL);
        }
        if (!json_is_integer(score) || json_integer_value(score) < 0 ||
            json_integer_value(score) > 10) {
            json_decref(body);
            return ps_widget_error(&c, 400, "invalid_input", "must be an integer from 0 to 10",
                                   "score");
        }
        int value = (int)json_integer_value(score);
        json_decref(body);
        char resume[SECRET_TOKEN_LEN + 1], resume_hash[SECRET_HASH_HEX_LEN + 1];
        secret_token(resume);
        secret_token_hash(resume, resume_hash);
        store_answer_t answer = {.question_id = main->id, .has_number = true,
                                 .number = (double)value};
        ps_start_job_t job = {.resume_hash = resume_hash};
        ps_fill_response(&c, &job.response, "widget");
        ps_set_score(&c, &job.response, true, value);
        job.response.answers = &answer;
        job.response.nanswers = 1;
        rc = store_write(req->store, ps_start_job, &job);
        if (rc)
            return rc;
        ps_after_write(req, 0);
        int group = ps_group_of(&c.survey, true, value);
        json_t *doc = json_pack("{s:s, s:s}", "token", resume, "group",
                                survey_form_group_name(group));
        if (doc && comment_q)
            json_object_set_new(doc, "comment",
                                json_string(ps_question_label(&c, comment_q, group)));
        return ps_widget_json(&c, 201, doc);
    }

    json_t *comment_v = json_object_get(body, "comment");
    if (comment_v && !json_is_string(comment_v) && !json_is_null(comment_v)) {
        json_decref(body);
        return ps_widget_error(&c, 400, "invalid_input", "must be a string", "comment");
    }
    const char *comment = json_is_string(comment_v) ? json_string_value(comment_v) : NULL;
    if (comment && (ps_utf8_chars(comment) > PS_TEXT_MAX ||
                    !http_text_valid(comment, strlen(comment)))) {
        json_decref(body);
        return ps_widget_error(&c, 400, "invalid_input", "must be text of at most 5000 characters",
                               "comment");
    }
    char resume_hash[SECRET_HASH_HEX_LEN + 1];
    secret_token_hash(token, resume_hash);
    ps_complete_job_t job = {.resume_hash = resume_hash,
                             .comment = comment && comment[0]
                                            ? arena_strdup(&req->arena, comment)
                                            : NULL,
                             .now = req->now ? req->now : store_now()};
    json_decref(body);
    ps_pending_job_t pj = {.c = &c, .resume_hash = resume_hash};
    rc = store_read(req->store, ps_pending_job, &pj);
    if (rc == CX_ERR_NOT_FOUND || (!rc && pj.pending.survey_id != c.survey.id))
        return ps_widget_error(&c, 409, "conflict", "this answer is complete already", "token");
    if (rc)
        return rc;
    /* the thank-you follows the language the answer started in: the
     * comment's request names none */
    ps_choose_language(&c, pj.pending.language);
    rc = store_write(req->store, ps_complete_job, &job);
    if (rc == CX_ERR_NOT_FOUND)
        return ps_widget_error(&c, 409, "conflict", "this answer is complete already", "token");
    if (rc)
        return rc;
    ps_after_write(req, job.id);
    json_t *thanks = json_loads(c.survey.thank_you ? c.survey.thank_you : "{}", 0, NULL);
    const char *t = ps_text_in(&c, thanks);
    json_t *doc = json_pack("{s:b, s:s}", "completed", 1, "thank_you",
                            t[0] ? t : web_t(req, T_PS_THANKS_TEXT));
    json_decref(thanks);
    return ps_widget_json(&c, 200, doc);
}

cx_result page_widget_js(http_request_t *req, http_response_t *res)
{
    /* the address is fixed (it is pasted into other sites), so it is
     * cached for an hour rather than for ever */
    return page_asset(req, res, "widget.js", "public, max-age=3600");
}
