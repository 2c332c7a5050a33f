/*
 * page_invitations.c — how a survey reaches customers: its public link and
 * QR code (SVG and PNG downloads for print), and its e-mail invitations
 * (counts per status, the latest invitations with the reason of each
 * failure, a form to invite a segment or everyone, and reminders).
 *
 * Relies on core/qr.h (the pictures), store/invitations.h and
 * store/surveys.h (what is stored), jobs/mailer.h (the server's sender,
 * poked after queueing) and html.h. Seeing needs CAP_VIEW, inviting and
 * reminding CAP_MANAGE, the public address CAP_ADMIN, who was invited
 * CAP_CASES or CAP_ANALYSE (as customer records); the router checks the
 * capability of each route and the CSRF token of each form. Must never
 * show an invitation token: the page knows only hashes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/qr.h"
#include "core/roles.h"
#include "jobs/mailer.h"
#include "store/accounts.h"
#include "store/invitations.h"
#include "store/surveys.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/web.h"

#define INVITE_PAGE_ROWS 50
#define INVITE_DEFAULT_BASE "http://localhost:8080"

/* ---- the survey and the public address ---- */

typedef struct survey_job {
    http_request_t *req;
    int64_t id;
    surveys_info_t survey;
    const char *public_url; /* the setting, or NULL */
} survey_job_t;

static cx_result survey_job(db_conn_t *db, void *arg)
{
    survey_job_t *j = arg;
    cx_result rc = surveys_get(db, &j->req->arena, j->id, &j->survey);
    if (!rc)
        rc = store_setting_get(db, &j->req->arena, "public_url", &j->public_url);
    return rc;
}

static cx_result load_survey(http_request_t *req, survey_job_t *job)
{
    job->req = req;
    job->id = http_param_id(req, "id");
    if (!job->id)
        return http_fail(req, CX_ERR_NOT_FOUND, NULL, "no such survey");
    cx_result rc = store_read(req->store, survey_job, job);
    if (rc == CX_ERR_NOT_FOUND)
        return http_fail(req, rc, NULL, "no such survey");
    return rc;
}

/* The public address: the setting public_url, else the address the server
 * listens on, else http://localhost:8080. */
static const char *public_base(const http_request_t *req, const survey_job_t *job)
{
    if (job->public_url && *job->public_url)
        return job->public_url;
    if (req->app && req->app->default_base_url)
        return req->app->default_base_url;
    return INVITE_DEFAULT_BASE;
}

/* BASE/s/SLUG, the anonymous link a printed QR code carries. */
static const char *survey_link(http_request_t *req, const survey_job_t *job)
{
    buf_t b;
    buf_init(&b, 4096);
    const char *base = public_base(req, job);
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    buf_append(&b, base, n);
    buf_printf(&b, "/s/%u", job->survey.slug);
    const char *link = buf_failed(&b) ? NULL : arena_strdup(&req->arena, buf_str(&b));
    buf_free(&b);
    return link;
}

/* ---- QR downloads ---- */

static cx_result qr_download(http_request_t *req, http_response_t *res, bool png)
{
    survey_job_t job;
    cx_result rc = load_survey(req, &job);
    if (rc)
        return rc;
    long px = QR_PNG_MODULE_DEFAULT;
    const char *size = http_query(req, "size");
    if (size) {
        char *end;
        px = strtol(size, &end, 10);
        if (!png || *end || end == size || px < QR_PNG_MODULE_MIN || px > QR_PNG_MODULE_MAX)
            return http_fail(req, CX_ERR_INVALID, "size",
                             png ? "size must be a whole number of pixels per module from 1 to 40"
                                 : "size applies to the PNG only; the SVG scales freely");
    }
    const char *link = survey_link(req, &job);
    if (!link)
        return CX_ERR_NOMEM;
    rc = png ? qr_png(link, (int)px, &res->body) : qr_svg(link, &res->body);
    if (rc == CX_ERR_INVALID || rc == CX_ERR_TOO_LARGE)
        return http_fail(req, CX_ERR_INVALID, NULL, "the survey's link cannot be made a QR code");
    if (rc)
        return rc;
    res->status = 200;
    res->content_type = png ? "image/png" : "image/svg+xml";
    char disposition[200];
    /* slugs are [a-z0-9-] only, so the name needs no quoting */
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s-qr.%s\"",
             job.survey.slug, png ? "png" : "svg");
    http_set_header(req, res, "Content-Disposition", disposition);
    http_set_header(req, res, "Cache-Control", "private, max-age=300");
    return CX_OK;
}

cx_result page_survey_qr_svg(http_request_t *req, http_response_t *res)
{
    return qr_download(req, res, false);
}

cx_result page_survey_qr_png(http_request_t *req, http_response_t *res)
{
    return qr_download(req, res, true);
}

/* ---- the page ---- */

typedef struct page_job {
    http_request_t *req;
    int64_t survey_id;
    invitations_counts_t counts;
    invitations_row_t *rows;
    size_t count;
    const char **segments;
    size_t segment_count;
} page_job_t;

static cx_result page_job(db_conn_t *db, void *arg)
{
    page_job_t *j = arg;
    cx_result rc = invitations_count(db, j->survey_id, &j->counts);
    if (!rc)
        rc = invitations_list(db, &j->req->arena, j->survey_id, INVITE_PAGE_ROWS, &j->rows,
                              &j->count);
    if (!rc)
        rc = invitations_segment_names(db, &j->req->arena, &j->segments, &j->segment_count);
    return rc;
}

typedef struct invite_view {
    int status;
    const char *notice_ok;  /* plain text or NULL */
    const char *notice_err;
} invite_view_t;

static void count_stat(buf_t *b, http_request_t *req, const char *id, int label, int64_t value)
{
    buf_printf(b, "<div class=\"stat\" id=\"inv-%a\"><div class=\"stat-body\">"
                  "<p class=\"stat-label\">%h</p><p class=\"stat-value\" data-count=\"%lld\">",
               id, web_t(req, label), (long long)value);
    i18n_format_int(b, req->lang, (long long)value);
    buf_puts(b, "</p></div></div>");
}

static int status_label(const char *status)
{
    if (strcmp(status, "queued") == 0)
        return T_INV_QUEUED;
    if (strcmp(status, "sent") == 0)
        return T_INV_SENT;
    if (strcmp(status, "failed") == 0)
        return T_INV_FAILED;
    return T_INV_ANSWERED;
}

static const char *status_badge(const char *status)
{
    if (strcmp(status, "answered") == 0)
        return "badge success";
    if (strcmp(status, "failed") == 0)
        return "badge warn";
    if (strcmp(status, "queued") == 0)
        return "badge muted";
    return "badge";
}

static void distribution_card(buf_t *b, http_request_t *req, const survey_job_t *sj,
                              const char *link)
{
    buf_printf(b, "<section class=\"card\" aria-labelledby=\"dist-h\"><div class=\"card-head\">");
    html_icon(b, "surveys");
    buf_printf(b, "<h2 id=\"dist-h\">%h</h2></div>", web_t(req, T_INV_LINK_TITLE));
    buf_printf(b, "<p>%h</p><p><a href=\"%a\"><code id=\"public-link\">%h</code></a></p>",
               web_t(req, T_INV_LINK_TEXT), link, link);
    buf_printf(b,
               "<figure class=\"qr-figure\"><img src=\"/surveys/%lld/qr.svg\" alt=\"%a\" "
               "width=\"160\" height=\"160\"><figcaption class=\"muted\">%h</figcaption></figure>",
               (long long)sj->id, web_t(req, T_INV_QR_ALT), web_t(req, T_INV_QR_TEXT));
    buf_printf(b,
               "<p><a class=\"button small\" href=\"/surveys/%lld/qr.svg\" download>%h</a> "
               "<a class=\"button small\" href=\"/surveys/%lld/qr.png?size=16\" download>%h</a>"
               "</p>",
               (long long)sj->id, web_t(req, T_INV_QR_SVG), (long long)sj->id,
               web_t(req, T_INV_QR_PNG));
    if (req->auth.caps & CAP_ADMIN) {
        buf_printf(b, "<form method=\"post\" action=\"/surveys/%lld/invitations/public-url\" "
                      "class=\"form inline-form\">",
                   (long long)sj->id);
        html_csrf_input(req, b);
        buf_printf(b,
                   "<div class=\"field\"><label for=\"inv-base\">%h</label><input id=\"inv-base\" "
                   "name=\"public_url\" type=\"url\" maxlength=\"200\" required value=\"%a\">"
                   "<p class=\"hint\">%h</p></div><button type=\"submit\" class=\"button\">%h"
                   "</button></form>",
                   web_t(req, T_INV_BASE_LABEL), public_base(req, sj), web_t(req, T_INV_BASE_HINT),
                   web_t(req, T_SAVE));
    }
    buf_puts(b, "</section>\n");
}

static void invite_forms(buf_t *b, http_request_t *req, const survey_job_t *sj, const page_job_t *j)
{
    buf_printf(b, "<section class=\"card\" aria-labelledby=\"invite-h\"><div class=\"card-head\">");
    html_icon(b, "users");
    buf_printf(b, "<h2 id=\"invite-h\">%h</h2></div>", web_t(req, T_INV_FORM_TITLE));
    if (!req->app || !req->app->mailer)
        html_notice(b, "info", web_t(req, T_INV_NO_MAILER));
    if (!sj->survey.open)
        html_notice(b, "error", web_t(req, T_INV_CLOSED));
    buf_printf(b, "<form method=\"post\" action=\"/surveys/%lld/invitations\" "
                  "class=\"form grid-form\">",
               (long long)sj->id);
    html_csrf_input(req, b);
    buf_printf(b,
               "<div class=\"field\"><label for=\"inv-audience\">%h</label>"
               "<select id=\"inv-audience\" name=\"audience\" required>"
               "<option value=\"all\">%h</option>",
               web_t(req, T_INV_AUDIENCE), web_t(req, T_INV_ALL));
    for (size_t i = 0; i < j->segment_count; i++)
        buf_printf(b, "<option value=\"segment:%a\">%h: %h</option>", j->segments[i],
                   web_t(req, T_INV_SEGMENT), j->segments[i]);
    buf_printf(b,
               "</select></div><div class=\"field\"><label for=\"inv-within\">%h</label>"
               "<input id=\"inv-within\" name=\"not_within\" type=\"number\" min=\"0\" "
               "max=\"3650\" value=\"%d\" required><p class=\"hint\">%h</p></div>"
               "<div class=\"form-actions\"><button type=\"submit\" class=\"button primary\">%h"
               "</button></div></form>",
               web_t(req, T_INV_NOT_WITHIN), INVITATIONS_RECENT_DAYS,
               web_t(req, T_INV_NOT_WITHIN_HINT), web_t(req, T_INV_SUBMIT));
    buf_printf(b, "<h3 class=\"form-subhead\">%h</h3><form method=\"post\" "
                  "action=\"/surveys/%lld/invitations/remind\" "
                  "class=\"form inline-form\">",
               web_t(req, T_INV_REMIND_TITLE), (long long)sj->id);
    html_csrf_input(req, b);
    buf_printf(b,
               "<div class=\"field\"><label for=\"inv-remind\">%h</label><input id=\"inv-remind\" "
               "name=\"days\" type=\"number\" min=\"0\" max=\"365\" value=\"7\" required></div>"
               "<button type=\"submit\" class=\"button\"%s>%h</button></form>",
               web_t(req, T_INV_REMIND_DAYS), req->app && req->app->mailer ? "" : " disabled",
               web_t(req, T_INV_REMIND_SUBMIT));
    buf_puts(b, "</section>\n");
}

static cx_result render_page(http_request_t *req, http_response_t *res, const survey_job_t *sj,
                             const invite_view_t *v)
{
    page_job_t j = {.req = req, .survey_id = sj->id};
    cx_result rc = store_read(req->store, page_job, &j);
    if (rc)
        return rc;
    const char *link = survey_link(req, sj);
    if (!link)
        return CX_ERR_NOMEM;
    buf_t title;
    buf_init(&title, 1024);
    /* raw: plain text; html_begin escapes the title */
    buf_printf(&title, "%s — %s", web_t(req, T_INV_TITLE), sj->survey.name);
    html_begin(req, res, buf_failed(&title) ? web_t(req, T_INV_TITLE) : buf_str(&title),
               AREA_SURVEYS);
    buf_free(&title);
    res->status = v->status;
    buf_t *b = &res->body;
    buf_printf(b, "<div class=\"page-head\"><p><a href=\"/surveys\">%h</a></p><h1>%h: %h</h1>"
                  "<p class=\"lead\">%h</p></div>\n",
               web_t(req, T_NAV_SURVEYS), web_t(req, T_INV_TITLE), sj->survey.name,
               web_t(req, T_INV_LEAD));
    if (v->notice_ok)
        html_notice(b, "success", v->notice_ok);
    if (v->notice_err)
        html_notice(b, "error", v->notice_err);

    const invitations_counts_t *c = &j.counts;
    buf_printf(b, "<section aria-labelledby=\"inv-counts-h\"><h2 id=\"inv-counts-h\" "
                  "class=\"section-title\">%h</h2><div class=\"stats\">",
               web_t(req, T_INV_COUNTS));
    count_stat(b, req, "queued", T_INV_QUEUED, c->queued);
    count_stat(b, req, "sent", T_INV_SENT, c->sent);
    count_stat(b, req, "failed", T_INV_FAILED, c->failed);
    count_stat(b, req, "answered", T_INV_ANSWERED, c->answered);
    count_stat(b, req, "reminded", T_INV_REMINDED, c->reminded);
    buf_puts(b, "</div></section>\n");

    distribution_card(b, req, sj, link);
    if (req->auth.caps & CAP_MANAGE)
        invite_forms(b, req, sj, &j);

    buf_printf(b, "<section aria-labelledby=\"inv-list-h\"><h2 id=\"inv-list-h\" "
                  "class=\"section-title\">%h</h2><div class=\"card flush\">",
               web_t(req, T_INV_RECENT));
    if (j.count == 0) {
        html_empty_state(b, "users", web_t(req, T_INV_EMPTY_TITLE), web_t(req, T_INV_EMPTY));
    } else {
        /* who was invited is personal data: names and addresses go to those
         * who may open customer records, the rule of /customers and
         * /feedback; statuses and reasons are for everyone who sees the page */
        bool personal = (req->auth.caps & (CAP_CASES | CAP_ANALYSE)) != 0;
        buf_puts(b, "<div class=\"table-wrap\"><table id=\"invitations\"><thead><tr>");
        if (personal)
            buf_printf(b, "<th scope=\"col\">%h</th>", web_t(req, T_INV_COL_CUSTOMER));
        buf_printf(b,
                   "<th scope=\"col\">%h</th><th scope=\"col\">%h</th><th scope=\"col\">%h</th>"
                   "<th scope=\"col\">%h</th>",
                   web_t(req, T_COL_STATUS), web_t(req, T_INV_COL_SENT),
                   web_t(req, T_INV_COL_REMINDED), web_t(req, T_INV_COL_ANSWERED));
        buf_printf(b, "<th scope=\"col\">%h</th></tr></thead><tbody>",
                   web_t(req, T_INV_COL_REASON));
        for (size_t i = 0; i < j.count; i++) {
            const invitations_row_t *r = &j.rows[i];
            buf_printf(b, "<tr data-status=\"%a\">", r->status);
            /* the address under the name: six columns fit a desktop */
            if (personal)
                buf_printf(b,
                           "<td><span class=\"cell-title\">%h</span><span class=\"cell-sub "
                           "email\">%h</span><span class=\"cell-sub\">%h</span></td>",
                           r->customer_name[0] ? r->customer_name : "—", r->email,
                           r->customer_external_id);
            buf_printf(b, "<td><span class=\"%a\">%h</span></td><td>", status_badge(r->status),
                       web_t(req, status_label(r->status)));
            html_time(b, req, r->sent_at);
            buf_puts(b, "</td><td>");
            html_time(b, req, r->reminded_at);
            buf_puts(b, "</td><td>");
            html_time(b, req, r->answered_at);
            buf_printf(b, "</td><td class=\"reason\">%h</td></tr>", r->status_detail);
        }
        buf_puts(b, "</tbody></table></div>");
    }
    buf_puts(b, "</div></section>\n");
    html_end(req, res);
    return CX_OK;
}

cx_result page_invitations(http_request_t *req, http_response_t *res)
{
    survey_job_t sj;
    cx_result rc = load_survey(req, &sj);
    if (rc)
        return rc;
    invite_view_t v = {.status = 200};
    const char *done = http_query(req, "done");
    if (done && strcmp(done, "reminders") == 0)
        v.notice_ok = web_t(req, T_INV_REMIND_DONE);
    else if (done && strcmp(done, "public_url") == 0)
        v.notice_ok = web_t(req, T_INV_BASE_DONE);
    return render_page(req, res, &sj, &v);
}

/* ---- forms ---- */

typedef struct create_job {
    invitations_request_t request;
    invitations_summary_t summary;
    const char *what;
} create_job_t;

static cx_result create_job(db_conn_t *db, void *arg)
{
    create_job_t *j = arg;
    return invitations_create(db, &j->request, &j->summary, &j->what);
}

cx_result page_invitations_create(http_request_t *req, http_response_t *res)
{
    survey_job_t sj;
    cx_result rc = load_survey(req, &sj);
    if (rc)
        return rc;
    invite_view_t v = {.status = 400};
    const char *audience = http_form(req, "audience");
    const char *within = http_form(req, "not_within");
    char *end = NULL;
    long days = within ? strtol(within, &end, 10) : INVITATIONS_RECENT_DAYS;
    create_job_t job = {.request = {.survey_id = sj.id, .now = req->now}};
    if (!audience || (strcmp(audience, "all") != 0 && strncmp(audience, "segment:", 8) != 0)) {
        v.notice_err = web_t(req, T_INV_BAD_AUDIENCE);
        return render_page(req, res, &sj, &v);
    }
    if (within && (*end || end == within || days < 0 || days > 3650)) {
        v.notice_err = web_t(req, T_INV_BAD_DAYS);
        return render_page(req, res, &sj, &v);
    }
    if (strcmp(audience, "all") == 0) {
        job.request.audience = INVITATIONS_ALL;
    } else {
        job.request.audience = INVITATIONS_SEGMENT;
        job.request.segment = audience + 8; /* after "segment:" */
    }
    job.request.recent_days = (int)days;
    rc = store_write(req->store, create_job, &job);
    if (rc == CX_ERR_NOT_FOUND && job.what && strcmp(job.what, "segment") == 0) {
        v.notice_err = web_t(req, T_INV_BAD_AUDIENCE);
        return render_page(req, res, &sj, &v);
    }
    if (rc == CX_ERR_INVALID) {
        v.notice_err = web_t(req, T_INV_CLOSED);
        return render_page(req, res, &sj, &v);
    }
    if (rc)
        return rc;
    mailer_poke(req->app ? req->app->mailer : NULL);
    buf_t notice;
    buf_init(&notice, 4096);
    /* the catalogue text takes four numbers (%d) and nothing else; it is
     * plain text, which html_notice escapes */
    html_textf(&notice, req, T_INV_QUEUED_NOTICE, (int)job.summary.created,
               (int)job.summary.skipped_recent, (int)job.summary.skipped_no_email,
               (int)job.summary.skipped_erased);
    v.status = 200;
    v.notice_ok = arena_strdup(&req->arena, buf_str(&notice));
    buf_free(&notice);
    return render_page(req, res, &sj, &v);
}

cx_result page_invitations_remind(http_request_t *req, http_response_t *res)
{
    survey_job_t sj;
    cx_result rc = load_survey(req, &sj);
    if (rc)
        return rc;
    invite_view_t v = {.status = 400};
    const char *text = http_form(req, "days");
    char *end = NULL;
    long days = text ? strtol(text, &end, 10) : -1;
    if (!text || *end || end == text || days < 0 || days > 365) {
        v.notice_err = web_t(req, T_INV_BAD_DAYS);
        return render_page(req, res, &sj, &v);
    }
    if (!req->app || !req->app->mailer) {
        v.status = 409;
        v.notice_err = web_t(req, T_INV_NO_MAILER);
        return render_page(req, res, &sj, &v);
    }
    /* the mailer's thread sends them, spaced by its rate; the page
     * returns at once */
    mailer_request_reminders(req->app->mailer, (int)days);
    char location[96];
    snprintf(location, sizeof location, "/surveys/%lld/invitations?done=reminders",
             (long long)sj.id);
    http_redirect(req, res, location);
    return CX_OK;
}

typedef struct public_url_job {
    const char *url;
} public_url_job_t;

static cx_result public_url_job(db_conn_t *db, void *arg)
{
    public_url_job_t *j = arg;
    return store_setting_set(db, "public_url", j->url);
}

cx_result page_invitations_public_url(http_request_t *req, http_response_t *res)
{
    survey_job_t sj;
    cx_result rc = load_survey(req, &sj);
    if (rc)
        return rc;
    const char *url = http_form(req, "public_url");
    if (!url || !mailer_base_url_valid(url)) {
        invite_view_t v = {.status = 400, .notice_err = web_t(req, T_INV_BASE_BAD)};
        return render_page(req, res, &sj, &v);
    }
    public_url_job_t job = {url};
    rc = store_write(req->store, public_url_job, &job);
    if (rc)
        return rc;
    char location[96];
    snprintf(location, sizeof location, "/surveys/%lld/invitations?done=public_url",
             (long long)sj.id);
    http_redirect(req, res, location);
    return CX_OK;
}
