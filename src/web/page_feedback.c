/*
 * page_feedback.c — the feedback browser: GET /feedback lists survey
 * responses and feedback items, newest first, with full-text search (q)
 * and filters; GET /feedback/responses/ID and /feedback/items/ID show one
 * entry in full.
 *
 * The view lives in the query string (a GET form), so every list is a
 * link that can be shared; paging is by the cursor of store/browse.h. The
 * search words go through search_match_query, so nothing typed is FTS
 * syntax. Relies on html.h for the layout and i18n for every text; must
 * never write an entry's text, title or snippet other than escaped (the
 * snippet's match markers become <mark> here, balanced, and nothing else
 * in it is markup).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/roles.h"
#include "engine/engine.h"
#include "store/browse.h"
#include "store/search.h"
#include "store/surveys.h"
#include "sys/tz.h"
#include "web/feedback_view.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/pages.h"
#include "web/web.h"

#define FB_PAGE 25
#define FB_TEXT_SHOWN 600 /* bytes of a long text shown in the list */
#define FB_PICK_MAX 200

static const struct {
    const char *name;
    int label;
} fb_sources[] = {
    {"complaint", T_FB_SRC_COMPLAINT}, {"ticket", T_FB_SRC_TICKET},
    {"review", T_FB_SRC_REVIEW},       {"call_note", T_FB_SRC_CALL_NOTE},
    {"chat", T_FB_SRC_CHAT},           {"other", T_FB_SRC_OTHER},
};

static const char *fb_source_label(http_request_t *req, const char *source)
{
    for (size_t i = 0; i < sizeof fb_sources / sizeof fb_sources[0]; i++)
        if (strcmp(fb_sources[i].name, source) == 0)
            return web_t(req, fb_sources[i].label);
    return source;
}

static const char *fb_group_label(http_request_t *req, int group)
{
    return web_t(req, group > 0 ? T_FB_PROMOTER : group < 0 ? T_FB_DETRACTOR : T_FB_PASSIVE);
}

/* Text of an entry, escaped, without the C0 control characters that HTML
 * does not allow in a document (a comment may hold them: JSON lets it). */
static void fb_html(buf_t *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && ((unsigned char)s[run] >= 0x20 || s[run] == '\t' || s[run] == '\n' ||
                           s[run] == '\r'))
            run++;
        buf_html(b, s + i, run - i);
        i = run < n ? run + 1 : run; /* skip the control character */
    }
}

/* A snippet: text between the markers is escaped; the markers become a
 * <mark> that is opened only when closed and closed at the end, so a
 * comment that itself holds the marker bytes cannot unbalance the page. */
static void fb_snippet(buf_t *b, const char *s)
{
    bool open = false;
    while (*s) {
        size_t run = strcspn(s, SEARCH_MARK_OPEN SEARCH_MARK_CLOSE);
        fb_html(b, s, run);
        s += run;
        if (!*s)
            break;
        if (*s == SEARCH_MARK_OPEN[0] && !open) {
            buf_puts(b, "<mark>");
            open = true;
        } else if (*s == SEARCH_MARK_CLOSE[0] && open) {
            buf_puts(b, "</mark>");
            open = false;
        }
        s++;
    }
    if (open)
        buf_puts(b, "</mark>");
}

/* At most max bytes of s, cut at a character boundary, with an ellipsis. */
static void fb_text_cut(buf_t *b, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) {
        fb_html(b, s, n);
        return;
    }
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    fb_html(b, s, max);
    buf_puts(b, "\xE2\x80\xA6");
}

static void fb_score(buf_t *b, http_request_t *req, const browse_entry_t *e)
{
    if (e->kind == 0) {
        if (!e->has_score) {
            buf_printf(b, "<span class=\"badge\">%h</span>", web_t(req, T_FB_NO_SCORE));
            return;
        }
        buf_printf(b, "<span class=\"badge fb-score\">%h %d", web_t(req, T_FB_SCORE), e->score);
        if (e->has_nps_group)
            buf_printf(b, " · %h", fb_group_label(req, e->nps_group));
        buf_puts(b, "</span>");
    } else if (e->has_rating) {
        /* the rating as the source gave it (stars 1-5, a 0-100 score ...):
         * no scale is claimed, and a half star keeps its decimal */
        char num[32];
        if (e->rating == (double)(long long)e->rating)
            snprintf(num, sizeof num, "%lld", (long long)e->rating);
        else
            snprintf(num, sizeof num, "%.1f", e->rating);
        char *dot = strchr(num, '.');
        if (dot && req->lang != LANG_EN)
            *dot = ','; /* the decimal comma of Polish and Romanian */
        buf_printf(b, "<span class=\"badge fb-score\">%h %h</span>", web_t(req, T_QA_RATING), num);
    }
}

/* One fact of an entry's meta line; empty ones are left out. */
static void fb_meta(buf_t *b, bool *first, const char *text)
{
    if (!text || !*text)
        return;
    if (*first)
        buf_printf(b, "<span>%h</span>", text);
    else
        buf_printf(b, " <span>· %h</span>", text);
    *first = false;
}

void feedback_view_entries(buf_t *b, http_request_t *req, const browse_entry_t *entries,
                           size_t count, bool show_customer)
{
    buf_puts(b, "<ol class=\"fb-list\">");
    bool customer_links = (req->auth.caps & (CAP_CASES | CAP_ANALYSE)) != 0;
    for (size_t i = 0; i < count; i++) {
        const browse_entry_t *e = &entries[i];
        const char *path = e->kind == 0 ? "responses" : "items";
        buf_printf(b, "<li class=\"card fb-item\"><div class=\"fb-head\">"
                      "<a class=\"fb-open\" href=\"/feedback/%s/%lld\">%h #%lld</a> ",
                   path, /* raw: a constant path segment */
                   (long long)e->id, web_t(req, e->kind == 0 ? T_FB_RESPONSE : T_FB_ITEM),
                   (long long)e->id);
        fb_score(b, req, e);
        buf_puts(b, " ");
        html_time(b, req, e->at);
        buf_puts(b, "</div>");
        if (e->kind == 1 && *e->title) {
            buf_puts(b, "<p class=\"fb-title\">");
            fb_html(b, e->title, strlen(e->title));
            buf_puts(b, "</p>");
        }
        buf_puts(b, "<p class=\"fb-text\">");
        if (e->snippet)
            fb_snippet(b, e->snippet);
        else if (e->text && *e->text)
            fb_text_cut(b, e->text, FB_TEXT_SHOWN);
        else
            buf_printf(b, "<span class=\"muted\">%h</span>", web_t(req, T_FB_NO_COMMENT));
        buf_puts(b, "</p><p class=\"fb-meta muted\">");
        /* who said it is personal data: shown to those who may open
         * customer records (the rule of /customers), not to viewers */
        bool first = true; /* the dot goes between facts, never before the first */
        if (show_customer && customer_links) {
            if (!e->customer_id)
                buf_printf(b, "<span>%h</span>", web_t(req, T_FB_ANONYMOUS));
            else
                buf_printf(b, "<a href=\"/customers/%lld\">%h</a>", (long long)e->customer_id,
                           *e->customer_name ? e->customer_name : e->customer_external_id);
            first = false;
        }
        fb_meta(b, &first, e->touchpoint);
        fb_meta(b, &first, e->kind == 0 ? e->survey : fb_source_label(req, e->source));
        fb_meta(b, &first, html_channel_label(req, e->channel));
        buf_puts(b, "</p></li>");
    }
    buf_puts(b, "</ol>");
}

/* --- the list ------------------------------------------------------------ */

typedef struct fb_view {
    browse_filter_t filter;
    const char *q, *kind, *survey, *source, *touchpoint, *channel, *segment, *group;
    const char *score_min, *score_max, *from, *to;
    const char *bad; /* the name of a filter with a bad value */
} fb_view_t;

static const char *fb_param(http_request_t *req, const char *name)
{
    const char *v = http_query(req, name);
    return v && *v ? v : NULL; /* an empty field of the form is "any" */
}

static bool fb_score_param(const char *text, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*end || v < 0 || v > 10)
        return false;
    *out = (int)v;
    return true;
}

static bool fb_time_bound(const char *text, bool upper, int64_t *out)
{
    int32_t day;
    if (!engine_parse_day(text, &day))
        return false;
    *out = tz_day_start(upper ? day + 1 : day);
    return true;
}

static void fb_parse(http_request_t *req, fb_view_t *v)
{
    memset(v, 0, sizeof *v);
    browse_filter_t *f = &v->filter;
    f->limit = FB_PAGE;
    v->q = fb_param(req, "q");
    v->kind = fb_param(req, "kind");
    v->survey = fb_param(req, "survey");
    v->source = fb_param(req, "source");
    v->touchpoint = f->touchpoint = fb_param(req, "touchpoint");
    v->channel = f->channel = fb_param(req, "channel");
    v->segment = f->segment = fb_param(req, "segment");
    v->group = fb_param(req, "group");
    v->score_min = fb_param(req, "score_min");
    v->score_max = fb_param(req, "score_max");
    v->from = fb_param(req, "from");
    v->to = fb_param(req, "to");
    if (v->kind && strcmp(v->kind, "responses") == 0)
        f->kind = BROWSE_RESPONSES;
    else if (v->kind && strcmp(v->kind, "feedback") == 0)
        f->kind = BROWSE_FEEDBACK;
    else if (v->kind && strcmp(v->kind, "all") != 0)
        v->bad = "kind";
    if (v->survey) {
        char *end;
        long long id = strtoll(v->survey, &end, 10);
        if (*end || id <= 0)
            v->bad = "survey";
        f->survey_id = id;
    }
    if (v->source) {
        bool ok = false;
        for (size_t i = 0; i < sizeof fb_sources / sizeof fb_sources[0]; i++)
            ok = ok || strcmp(fb_sources[i].name, v->source) == 0;
        if (!ok)
            v->bad = "source";
        f->source = v->source;
    }
    if (v->group) {
        f->has_nps_group = true;
        if (strcmp(v->group, "promoter") == 0)
            f->nps_group = 1;
        else if (strcmp(v->group, "passive") == 0)
            f->nps_group = 0;
        else if (strcmp(v->group, "detractor") == 0)
            f->nps_group = -1;
        else
            v->bad = "group";
    }
    if (v->score_min && !(f->has_score_min = fb_score_param(v->score_min, &f->score_min)))
        v->bad = "score_min";
    if (v->score_max && !(f->has_score_max = fb_score_param(v->score_max, &f->score_max)))
        v->bad = "score_max";
    if (v->from && !(f->has_from = fb_time_bound(v->from, false, &f->from)))
        v->bad = "from";
    if (v->to && !(f->has_to = fb_time_bound(v->to, true, &f->to)))
        v->bad = "to";
    const char *cursor = fb_param(req, "cursor");
    if (cursor && !(f->has_cursor = browse_cursor_parse(cursor, &f->cursor)))
        v->bad = "cursor";
    if (v->q && strlen(v->q) > 500)
        v->bad = "q";
    else if (v->q && search_match_query(&req->arena, v->q, &f->match) != CX_OK)
        v->bad = "q";
}

typedef struct fb_list_job {
    http_request_t *req;
    fb_view_t *view;
    surveys_info_t *surveys;
    size_t nsurveys;
    browse_entry_t *entries;
    size_t count;
    bool more;
    int64_t unindexed; /* ids a bulk load left for the search index */
} fb_list_job_t;

static cx_result fb_list_job(db_conn_t *db, void *arg)
{
    fb_list_job_t *j = arg;
    cx_result rc = surveys_list(db, &j->req->arena, &j->surveys, &j->nsurveys);
    if (rc || j->view->bad)
        return rc;
    if (j->view->filter.match && search_index_backlog(db, &j->unindexed) != CX_OK)
        j->unindexed = 0; /* only for a note */
    return browse_list(db, &j->req->arena, &j->view->filter, &j->entries, &j->count, &j->more);
}

static void fb_option(buf_t *b, const char *value, const char *label, const char *current)
{
    bool selected = current ? strcmp(current, value) == 0 : !*value;
    buf_printf(b, "<option value=\"%a\"%s>%h</option>", value, selected ? " selected" : "",
               label);
}

static void fb_select_open(buf_t *b, http_request_t *req, const char *name, int label)
{
    buf_printf(b, "<div class=\"field\"><label for=\"fb-%a\">%h</label><select id=\"fb-%a\" "
                  "name=\"%a\">",
               name, web_t(req, label), name, name);
}

static void fb_dim_select(buf_t *b, http_request_t *req, engine_dim dim, const char *name,
                          int label, const char *current)
{
    const char **values;
    size_t n;
    if (engine_dim_values(req->app->engine, dim, &req->arena, FB_PICK_MAX, &values, &n) || n == 0)
        return;
    fb_select_open(b, req, name, label);
    fb_option(b, "", web_t(req, T_EX_ALL), current);
    for (size_t i = 0; i < n; i++)
        fb_option(b, values[i],
                  dim == DIM_CHANNEL ? html_channel_label(req, values[i]) : values[i], current);
    buf_puts(b, "</select></div>");
}

static void fb_input(buf_t *b, http_request_t *req, const char *name, const char *type,
                     int label, const char *value, const char *extra)
{
    buf_printf(b, "<div class=\"field\"><label for=\"fb-%a\">%h</label><input id=\"fb-%a\" "
                  "name=\"%a\" type=\"%a\" value=\"%a\"%s></div>",
               name, web_t(req, label), name, name, type, value ? value : "",
               extra); /* raw: constant attributes */
}

static void fb_form(buf_t *b, http_request_t *req, const fb_view_t *v, const fb_list_job_t *j)
{
    buf_printf(b, "<form method=\"get\" action=\"/feedback\" class=\"form fb-form\" role=\"search\" "
                  "aria-label=\"%a\">",
               web_t(req, T_FB_SEARCH));
    buf_printf(b, "<div class=\"field fb-q\"><label for=\"fb-q\">%h</label><input id=\"fb-q\" "
                  "name=\"q\" type=\"search\" value=\"%a\" maxlength=\"500\">"
                  "<p class=\"hint\">%h</p></div>",
               web_t(req, T_FB_SEARCH), v->q ? v->q : "", web_t(req, T_FB_SEARCH_HINT));
    buf_puts(b, "<div class=\"explore-row\">");
    fb_select_open(b, req, "kind", T_FB_KIND);
    fb_option(b, "", web_t(req, T_FB_KIND_ALL), v->kind);
    fb_option(b, "responses", web_t(req, T_FB_KIND_RESPONSES), v->kind);
    fb_option(b, "feedback", web_t(req, T_FB_KIND_FEEDBACK), v->kind);
    buf_puts(b, "</select></div>");
    fb_select_open(b, req, "survey", T_FB_SURVEY);
    fb_option(b, "", web_t(req, T_EX_ALL), v->survey);
    for (size_t i = 0; i < j->nsurveys; i++) {
        char id[32];
        snprintf(id, sizeof id, "%lld", (long long)j->surveys[i].id);
        fb_option(b, id, j->surveys[i].name, v->survey);
    }
    buf_puts(b, "</select></div>");
    fb_select_open(b, req, "source", T_FB_SOURCE);
    fb_option(b, "", web_t(req, T_EX_ALL), v->source);
    for (size_t i = 0; i < sizeof fb_sources / sizeof fb_sources[0]; i++)
        fb_option(b, fb_sources[i].name, web_t(req, fb_sources[i].label), v->source);
    buf_puts(b, "</select></div>");
    fb_dim_select(b, req, DIM_TOUCHPOINT, "touchpoint", T_SV_F_TOUCHPOINT, v->touchpoint);
    fb_dim_select(b, req, DIM_CHANNEL, "channel", T_SV_F_CHANNEL, v->channel);
    fb_dim_select(b, req, DIM_SEGMENT, "segment", T_CU_SEGMENT, v->segment);
    fb_select_open(b, req, "group", T_FB_GROUP);
    fb_option(b, "", web_t(req, T_EX_ALL), v->group);
    fb_option(b, "promoter", web_t(req, T_FB_PROMOTER), v->group);
    fb_option(b, "passive", web_t(req, T_FB_PASSIVE), v->group);
    fb_option(b, "detractor", web_t(req, T_FB_DETRACTOR), v->group);
    buf_puts(b, "</select></div>");
    fb_input(b, req, "score_min", "number", T_FB_SCORE_MIN, v->score_min,
             " min=\"0\" max=\"10\"");
    fb_input(b, req, "score_max", "number", T_FB_SCORE_MAX, v->score_max,
             " min=\"0\" max=\"10\"");
    fb_input(b, req, "from", "date", T_EX_FROM, v->from, "");
    fb_input(b, req, "to", "date", T_EX_TO, v->to, "");
    buf_printf(b, "</div><div class=\"actions\"><button type=\"submit\" class=\"button primary\">"
                  "%h</button> <a class=\"button\" href=\"/feedback\">%h</a></div></form>",
               web_t(req, T_FB_APPLY), web_t(req, T_FB_CLEAR));
}

/* The link to the page after the last entry: this view's parameters with
 * the cursor replaced. */
static void fb_next_link(buf_t *b, http_request_t *req, const browse_entry_t *last)
{
    browse_cursor_t c = {.at = last->at, .kind = last->kind, .id = last->id};
    const char *cursor = browse_cursor_format(&req->arena, &c);
    if (!cursor)
        return;
    buf_puts(b, "<nav class=\"pager\"><a class=\"button\" rel=\"next\" href=\"/feedback?");
    for (size_t i = 0; i < req->query.count; i++) {
        const http_param_t *p = &req->query.items[i];
        if (strcmp(p->name, "cursor") == 0 || !*p->value)
            continue;
        buf_printf(b, "%u=%u&amp;", p->name, p->value);
    }
    buf_printf(b, "cursor=%u\">%h</a></nav>", cursor, web_t(req, T_FB_NEXT));
}

cx_result page_feedback(http_request_t *req, http_response_t *res)
{
    fb_view_t view;
    fb_parse(req, &view);
    fb_list_job_t job = {.req = req, .view = &view};
    cx_result rc = store_read(req->store, fb_list_job, &job);
    if (rc)
        return rc;
    html_begin(req, res, web_t(req, T_NAV_FEEDBACK), AREA_FEEDBACK);
    buf_t *b = &res->body;
    html_page_head(b, web_t(req, T_NAV_FEEDBACK), web_t(req, T_FB_LEAD));
    if (req->auth.caps & CAP_MANAGE) {
        buf_puts(b, "<p class=\"page-actions\">");
        html_import_link(b, req, "feedback");
        buf_puts(b, "</p>");
    }
    buf_puts(b, "<section class=\"card\">");
    fb_form(b, req, &view, &job);
    buf_puts(b, "</section>");
    if (view.bad) {
        res->status = 400;
        buf_puts(b, "<div class=\"notice notice-error\" role=\"alert\">");
        html_textf(b, req, T_FB_BAD_FILTER, view.bad);
        buf_puts(b, "</div>");
        html_end(req, res);
        return CX_OK;
    }
    if (job.unindexed > 0) /* the writer indexes a bulk load when idle */
        html_notice(b, "info", web_t(req, T_FB_INDEXING));
    if (job.count == 0) {
        html_empty_state(b, "feedback", web_t(req, T_FB_EMPTY), web_t(req, T_FB_EMPTY_TEXT));
    } else {
        buf_printf(b, "<section aria-label=\"%a\">", web_t(req, T_FB_RESULTS));
        feedback_view_entries(b, req, job.entries, job.count, true);
        if (job.more)
            fb_next_link(b, req, &job.entries[job.count - 1]);
        buf_puts(b, "</section>");
    }
    html_end(req, res);
    return CX_OK;
}

/* --- one entry ----------------------------------------------------------- */

typedef struct fb_entry_job {
    http_request_t *req;
    int kind;
    int64_t id;
    browse_entry_t entry;
    browse_answer_t *answers;
    size_t nanswers;
} fb_entry_job_t;

static cx_result fb_entry_job(db_conn_t *db, void *arg)
{
    fb_entry_job_t *j = arg;
    cx_result rc = browse_entry_get(db, &j->req->arena, j->kind, j->id, &j->entry);
    if (!rc && j->kind == 0)
        rc = browse_answers(db, &j->req->arena, j->id, &j->answers, &j->nanswers);
    return rc;
}

/* The label of a question in the reader's language (then Polish, then
 * any, then its key). */
static const char *fb_label(http_request_t *req, const browse_answer_t *a)
{
    json_t *labels = json_loads(a->label_json, 0, NULL);
    const char *found = NULL;
    if (json_is_object(labels)) {
        json_t *v = json_object_get(labels, i18n_lang_code(req->lang));
        if (!json_is_string(v))
            v = json_object_get(labels, "pl");
        if (!json_is_string(v)) {
            const char *k;
            json_t *any;
            json_object_foreach(labels, k, any) if (json_is_string(any)) { v = any; break; }
        }
        if (json_is_string(v))
            found = arena_strdup(&req->arena, json_string_value(v));
    }
    json_decref(labels);
    return found ? found : a->key;
}

static void fb_dl_row(buf_t *b, http_request_t *req, int label, const char *value)
{
    buf_printf(b, "<dt>%h</dt><dd>%h</dd>", web_t(req, label), value);
}

static cx_result fb_entry_page(http_request_t *req, http_response_t *res, int kind)
{
    fb_entry_job_t job = {.req = req, .kind = kind, .id = http_param_id(req, "id")};
    cx_result rc = job.id ? store_read(req->store, fb_entry_job, &job) : CX_ERR_NOT_FOUND;
    if (rc == CX_ERR_NOT_FOUND)
        return http_fail(req, rc, NULL, web_t(req, T_FB_NOT_FOUND));
    if (rc)
        return rc;
    const browse_entry_t *e = &job.entry;
    buf_t title;
    buf_init(&title, 256);
    buf_printf(&title, "%s #%lld", /* raw: plain text for html_begin, which escapes it */
               web_t(req, kind == 0 ? T_FB_RESPONSE : T_FB_ITEM), (long long)e->id);
    const char *t = arena_strdup(&req->arena, buf_str(&title));
    buf_free(&title);
    html_begin(req, res, t ? t : "", AREA_FEEDBACK);
    buf_t *b = &res->body;
    buf_printf(b, "<p><a href=\"/feedback\">%h</a></p>", web_t(req, T_FB_BACK));
    html_page_head(b, t ? t : "", NULL);
    buf_printf(b, "<section class=\"card fb-detail\"><h2 class=\"section-title\">%h</h2>",
               web_t(req, kind == 0 ? T_FB_COMMENT : T_FB_TEXT));
    if (kind == 1 && *e->title) {
        buf_puts(b, "<p class=\"fb-title\">");
        fb_html(b, e->title, strlen(e->title));
        buf_puts(b, "</p>");
    }
    if (e->text && *e->text) {
        buf_puts(b, "<blockquote class=\"fb-quote\">");
        fb_html(b, e->text, strlen(e->text));
        buf_puts(b, "</blockquote>");
    }
    else
        buf_printf(b, "<p class=\"muted\">%h</p>", web_t(req, T_FB_NO_COMMENT));
    buf_printf(b, "</section><section class=\"card\"><h2 class=\"section-title\">%h</h2><dl "
                  "class=\"fb-facts\">",
               web_t(req, T_FB_DETAILS));
    buf_printf(b, "<dt>%h</dt><dd>", web_t(req, T_FB_DATE));
    html_time(b, req, e->at);
    buf_puts(b, "</dd>");
    if (kind == 0) {
        fb_dl_row(b, req, T_FB_SURVEY, e->survey);
        buf_printf(b, "<dt>%h</dt><dd>", web_t(req, T_FB_SCORE));
        fb_score(b, req, e);
        buf_puts(b, "</dd>");
    } else {
        fb_dl_row(b, req, T_FB_SOURCE, fb_source_label(req, e->source));
        if (e->has_rating) {
            buf_printf(b, "<dt>%h</dt><dd>", web_t(req, T_QA_RATING));
            fb_score(b, req, e);
            buf_puts(b, "</dd>");
        }
    }
    if (req->auth.caps & (CAP_CASES | CAP_ANALYSE)) { /* personal data, as on /customers */
        buf_printf(b, "<dt>%h</dt><dd>", web_t(req, T_FB_CUSTOMER));
        if (!e->customer_id)
            buf_printf(b, "%h", web_t(req, T_FB_ANONYMOUS));
        else
            buf_printf(b, "<a href=\"/customers/%lld\">%h</a> <span class=\"muted mono\">%h"
                          "</span>",
                       (long long)e->customer_id,
                       *e->customer_name ? e->customer_name : e->customer_external_id,
                       e->customer_external_id);
        buf_puts(b, "</dd>");
    }
    if (*e->touchpoint)
        fb_dl_row(b, req, T_SV_F_TOUCHPOINT, e->touchpoint);
    if (*e->channel)
        fb_dl_row(b, req, T_SV_F_CHANNEL, html_channel_label(req, e->channel));
    if (*e->language)
        fb_dl_row(b, req, T_CU_LANGUAGE, html_language_label(e->language));
    buf_puts(b, "</dl></section>");
    if (kind == 0 && job.nanswers > 0) {
        buf_printf(b, "<h2 class=\"section-title\">%h</h2><section class=\"card flush\">"
                      "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">%h</th>"
                      "<th scope=\"col\">%h</th></tr></thead><tbody>",
                   web_t(req, T_FB_ANSWERS), web_t(req, T_FB_QUESTION), web_t(req, T_FB_ANSWER));
        for (size_t i = 0; i < job.nanswers; i++) {
            const browse_answer_t *a = &job.answers[i];
            buf_printf(b, "<tr><td>%h</td><td>", fb_label(req, a));
            if (a->text)
                fb_html(b, a->text, strlen(a->text));
            else if (a->has_number && a->number == (double)(long long)a->number)
                buf_printf(b, "%lld", (long long)a->number);
            else if (a->has_number)
                buf_printf(b, "%.2f", a->number);
            buf_puts(b, "</td></tr>");
        }
        buf_puts(b, "</tbody></table></div></section>");
    }
    html_end(req, res);
    return CX_OK;
}

cx_result page_feedback_response(http_request_t *req, http_response_t *res)
{
    return fb_entry_page(req, res, 0);
}

cx_result page_feedback_item(http_request_t *req, http_response_t *res)
{
    return fb_entry_page(req, res, 1);
}
