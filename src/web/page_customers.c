/*
 * page_customers.c — customers: GET /customers lists them with a search
 * by name or external id; GET /customers/ID shows one customer's profile
 * (segment, account, value, revenue, cost to serve, churn) and their whole
 * history of responses and feedback items, newest first.
 *
 * Relies on store/browse.h for the data, feedback_view.h for the history
 * list (the same cards as the feedback browser) and i18n for every text.
 * Must never show a customer's text unescaped; an erased customer shows
 * that the personal data is gone rather than empty fields.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/roles.h"
#include "store/accounts.h"
#include "store/browse.h"
#include "web/feedback_view.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/pages.h"
#include "web/web.h"

#define CU_PAGE 50
#define CU_HISTORY 200

typedef struct cu_list_job {
    http_request_t *req;
    const char *q;
    int64_t after;
    browse_customer_t *list;
    size_t count;
} cu_list_job_t;

static cx_result cu_list_job(db_conn_t *db, void *arg)
{
    cu_list_job_t *j = arg;
    return browse_customers(db, &j->req->arena, j->q, j->after, CU_PAGE, &j->list, &j->count);
}

static void cu_int(buf_t *b, http_request_t *req, long long n)
{
    i18n_format_int(b, req->lang, n);
}

cx_result page_customers(http_request_t *req, http_response_t *res)
{
    cu_list_job_t job = {.req = req, .q = http_query(req, "q")};
    const char *after = http_query(req, "after");
    if (after && *after) {
        char *end;
        long long v = strtoll(after, &end, 10);
        if (*end || v < 0)
            return http_fail(req, CX_ERR_INVALID, "after", "is not a position this page gave");
        job.after = v;
    }
    if (job.q && strlen(job.q) > 200)
        return http_fail(req, CX_ERR_INVALID, "q", "is too long");
    cx_result rc = store_read(req->store, cu_list_job, &job);
    if (rc)
        return rc;
    html_begin(req, res, web_t(req, T_NAV_CUSTOMERS), AREA_CUSTOMERS);
    buf_t *b = &res->body;
    html_page_head(b, web_t(req, T_NAV_CUSTOMERS), web_t(req, T_CU_LEAD));
    if (req->auth.caps & CAP_MANAGE) {
        buf_puts(b, "<p class=\"page-actions\">");
        html_import_link(b, req, "customers");
        buf_puts(b, "</p>");
    }
    buf_printf(b, "<section class=\"card\"><form method=\"get\" action=\"/customers\" "
                  "class=\"form inline-form\" role=\"search\"><div class=\"field\"><label "
                  "for=\"cu-q\">%h</label><input id=\"cu-q\" name=\"q\" type=\"search\" "
                  "value=\"%a\" maxlength=\"200\"></div><div class=\"actions\"><button "
                  "type=\"submit\" class=\"button primary\">%h</button></div></form></section>",
               web_t(req, T_CU_SEARCH), job.q ? job.q : "", web_t(req, T_FB_APPLY));
    if (job.count == 0) {
        html_empty_state(b, "users", web_t(req, T_CU_EMPTY), web_t(req, T_CU_EMPTY_TEXT));
    } else {
        buf_printf(b, "<section class=\"card flush\"><div class=\"table-wrap\"><table><thead><tr>"
                      "<th scope=\"col\">%h</th><th scope=\"col\">%h</th><th scope=\"col\">%h</th>"
                      "<th scope=\"col\">%h</th><th scope=\"col\">%h</th><th scope=\"col\">%h</th>"
                      "</tr></thead><tbody>",
                   web_t(req, T_CU_NAME), web_t(req, T_CU_EXTERNAL), web_t(req, T_CU_SEGMENT),
                   web_t(req, T_CU_ACCOUNT), web_t(req, T_CU_RESPONSES), web_t(req, T_CU_FEEDBACK));
        for (size_t i = 0; i < job.count; i++) {
            const browse_customer_t *c = &job.list[i];
            buf_printf(b, "<tr><td><a href=\"/customers/%lld\">%h</a></td><td class=\"mono\">%h"
                          "</td><td>%h</td><td>%h</td><td>",
                       (long long)c->id, *c->name ? c->name : c->external_id, c->external_id,
                       *c->segment ? c->segment : "—", /* a dash, as in the surveys list */
                       *c->account ? c->account : "—");
            cu_int(b, req, c->responses);
            buf_puts(b, "</td><td>");
            cu_int(b, req, c->feedback_items);
            buf_puts(b, "</td></tr>");
        }
        buf_puts(b, "</tbody></table></div></section>");
        if (job.count == CU_PAGE)
            buf_printf(b, "<nav class=\"pager\"><a class=\"button\" rel=\"next\" "
                          "href=\"/customers?q=%u&amp;after=%lld\">%h</a></nav>",
                       job.q ? job.q : "", (long long)job.list[job.count - 1].id,
                       web_t(req, T_CU_NEXT));
    }
    html_end(req, res);
    return CX_OK;
}

typedef struct cu_get_job {
    http_request_t *req;
    int64_t id;
    browse_filter_t filter;
    browse_customer_t customer;
    browse_entry_t *entries;
    size_t count;
    bool more;
    const char *currency; /* setting "currency", NULL when unset */
} cu_get_job_t;

static cx_result cu_get_job(db_conn_t *db, void *arg)
{
    cu_get_job_t *j = arg;
    cx_result rc = browse_customer_get(db, &j->req->arena, j->id, &j->customer);
    if (rc)
        return rc;
    rc = store_setting_get(db, &j->req->arena, "currency", &j->currency);
    if (rc)
        return rc;
    j->filter.customer_id = j->id;
    j->filter.limit = CU_HISTORY;
    return browse_list(db, &j->req->arena, &j->filter, &j->entries, &j->count, &j->more);
}

static void cu_fact(buf_t *b, http_request_t *req, int label, const char *value)
{
    if (value && *value)
        buf_printf(b, "<dt>%h</dt><dd>%h</dd>", web_t(req, label), value);
}

cx_result page_customer(http_request_t *req, http_response_t *res)
{
    const char *text = http_param(req, "id");
    int64_t id = 0;
    for (const char *p = text; p && *p; p++) {
        if (*p < '0' || *p > '9' || id > (INT64_MAX - 9) / 10) {
            id = 0;
            break;
        }
        id = id * 10 + (*p - '0');
    }
    cu_get_job_t job = {.req = req, .id = id};
    const char *cursor = http_query(req, "cursor");
    if (cursor && *cursor) {
        if (!browse_cursor_parse(cursor, &job.filter.cursor))
            return http_fail(req, CX_ERR_INVALID, "cursor", "is not a position this page gave");
        job.filter.has_cursor = true;
    }
    cx_result rc = id ? store_read(req->store, cu_get_job, &job) : CX_ERR_NOT_FOUND;
    if (rc == CX_ERR_NOT_FOUND)
        return http_fail(req, rc, NULL, web_t(req, T_FB_NOT_FOUND));
    if (rc)
        return rc;
    const browse_customer_t *c = &job.customer;
    const char *title = *c->name ? c->name : *c->external_id ? c->external_id : "—";
    html_begin(req, res, title, AREA_CUSTOMERS);
    buf_t *b = &res->body;
    buf_printf(b, "<p><a href=\"/customers\">%h</a></p>", web_t(req, T_NAV_CUSTOMERS));
    html_page_head(b, title, NULL);
    buf_printf(b, "<section class=\"card\"><h2 class=\"section-title\">%h</h2>",
               web_t(req, T_CU_PROFILE));
    if (c->erased_at)
        html_notice(b, "info", web_t(req, T_CU_ERASED));
    buf_puts(b, "<dl class=\"fb-facts\">");
    cu_fact(b, req, T_CU_EXTERNAL, c->external_id);
    cu_fact(b, req, T_CU_EMAIL, c->email);
    cu_fact(b, req, T_CU_LANGUAGE, html_language_label(c->language));
    cu_fact(b, req, T_CU_SEGMENT, c->segment);
    cu_fact(b, req, T_CU_ACCOUNT, c->account);
    cu_fact(b, req, T_CU_TIER, c->value_tier);
    /* money with its currency, as the organisation's settings name it */
    const char *cur = job.currency ? job.currency : "";
    buf_printf(b, "<dt>%h</dt><dd>", web_t(req, T_CU_REVENUE));
    cu_int(b, req, (long long)(c->revenue + 0.5));
    if (*cur)
        buf_printf(b, "\u00a0%h", cur);
    buf_printf(b, "</dd><dt>%h</dt><dd>", web_t(req, T_CU_COST));
    cu_int(b, req, (long long)(c->cost_to_serve + 0.5));
    if (*cur)
        buf_printf(b, "\u00a0%h", cur);
    buf_printf(b, "</dd><dt>%h</dt><dd>", web_t(req, T_CU_JOINED));
    html_time(b, req, c->joined_at);
    buf_printf(b, "</dd><dt>%h</dt><dd>", web_t(req, T_CU_CHURNED));
    if (c->churned_at)
        html_time(b, req, c->churned_at);
    else
        buf_printf(b, "%h", web_t(req, T_CU_ACTIVE));
    buf_printf(b, "</dd><dt>%h</dt><dd>", web_t(req, T_CU_RESPONSES));
    cu_int(b, req, c->responses);
    buf_printf(b, "</dd><dt>%h</dt><dd>", web_t(req, T_CU_FEEDBACK));
    cu_int(b, req, c->feedback_items);
    buf_puts(b, "</dd></dl></section>");
    buf_printf(b, "<section aria-labelledby=\"cu-history\"><h2 id=\"cu-history\" "
                  "class=\"section-title\">%h</h2>",
               web_t(req, T_CU_HISTORY));
    if (job.count == 0)
        buf_printf(b, "<p class=\"muted\">%h</p>", web_t(req, T_CU_NO_HISTORY));
    else
        feedback_view_entries(b, req, job.entries, job.count, false);
    if (job.more) {
        const browse_entry_t *last = &job.entries[job.count - 1];
        browse_cursor_t next = {.at = last->at, .kind = last->kind, .id = last->id};
        const char *nc = browse_cursor_format(&req->arena, &next);
        if (nc)
            buf_printf(b, "<nav class=\"pager\"><a class=\"button\" rel=\"next\" "
                          "href=\"/customers/%lld?cursor=%u\">%h</a></nav>",
                       (long long)c->id, nc, web_t(req, T_FB_NEXT));
    }
    buf_puts(b, "</section>");
    html_end(req, res);
    return CX_OK;
}
