/*
 * overview.c — the sections of the overview, shared by the page at / and
 * the downloadable report (see overview.h).
 *
 * The scores are those of the period in scope (by default the 90 days
 * ending on the newest day with a response, not today, so a database of
 * past data reads the same whenever it is opened), each compared with the
 * equally long period before: value, interval, n, change with its
 * significance, a twelve-month sparkline; then the NPS trend of 18 months
 * with its interval band and the promoter/passive/detractor mix by month;
 * then NPS, CSAT and CES per segment and per touchpoint, where a change is
 * called significant when its Benjamini–Hochberg q-value (over the groups
 * of that breakdown, computed by the engine) is below 0.05 — the same rule
 * the summary sentence uses, from the same results.
 *
 * Relies on engine/engine.h (engine_query is thread-safe), web/svg.h and
 * the catalogue (i18n). Every group name is user text and goes through %h
 * or %a; never writes a script, a style attribute or an event handler.
 */
#include "web/overview.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/metrics_query.h"
#include "sys/tz.h"
#include "web/html.h"
#include "web/svg.h"
#include "web/web.h"

enum { OV_SPARK_MONTHS = 12, OV_TREND_MONTHS = 18, OV_SEGMENTS_MAX = 1000 };

typedef struct ov_metric {
    const char *metric; /* engine name */
    int label, hint;
    bool percent;       /* a share in per cent (else a score in points) */
} ov_metric_t;

/* the order of overview_scope_t.targets; the first three are the customer
 * scores the breakdowns show */
static const ov_metric_t ov_metrics[OVERVIEW_METRICS] = {
    {"nps", T_OV_NPS, T_OV_NPS_HINT, false},
    {"csat", T_OV_CSAT, T_OV_CSAT_HINT, true},
    {"ces", T_OV_CES, T_OV_CES_HINT, true},
    {"enps", T_OV_ENPS, T_OV_ENPS_HINT, false},
};

/* The catalogue text for the default 90 days, or its variant for a period
 * chosen by the caller ("the period before" instead of "the 90 days
 * before"). */
static int ov_key(const overview_scope_t *s, int key)
{
    if (!s->custom)
        return key;
    switch (key) {
    case T_OV_SCORES: return T_OV_SCORES_P;
    case T_OV_SUM_UP: return T_OV_SUM_UP_P;
    case T_OV_SUM_DOWN: return T_OV_SUM_DOWN_P;
    case T_OV_SUM_FLAT: return T_OV_SUM_FLAT_P;
    case T_OV_CHANGE_TITLE: return T_OV_CHANGE_TITLE_P;
    case T_OV_NO_PREVIOUS: return T_OV_NO_PREVIOUS_P;
    case T_OV_TILE_EMPTY: return T_OV_TILE_EMPTY_P;
    default: return key;
    }
}

static const char *ov_percent_unit(const http_request_t *req)
{
    /* Polish and Romanian put a (no-break) space before the sign */
    return req->lang == LANG_EN ? "%" : "\xC2\xA0%";
}

static void ov_scope_filter(engine_query_t *q, const overview_scope_t *s)
{
    if (!s->segment)
        return;
    engine_filter_t *f = &q->filters[q->nfilters++];
    f->dim = DIM_SEGMENT;
    f->nvalues = 1;
    f->values[0] = s->segment;
}

static cx_result ov_query(http_request_t *req, const overview_scope_t *s, const char *metric,
                          engine_dim by, int32_t from, int32_t to, engine_result_t *out)
{
    engine_query_t q;
    char err[256];
    metrics_query_init(&q, metric);
    q.by[0] = by;
    q.has_from = q.has_to = true;
    q.from_day = from;
    q.to_day = to;
    ov_scope_filter(&q, s);
    return engine_query(req->app->engine, &q, out, err, sizeof err);
}

/* The newest day with any response in scope; false when there is none. */
static bool ov_newest_day(http_request_t *req, const overview_scope_t *s, int32_t *day)
{
    engine_query_t q;
    engine_result_t r;
    char err[256];
    metrics_query_init(&q, "count");
    q.by[0] = DIM_DAY;
    ov_scope_filter(&q, s);
    if (engine_query(req->app->engine, &q, &r, err, sizeof err) != CX_OK)
        return false;
    bool found = false;
    for (size_t i = 0; i < r.nrows; i++) {
        int32_t d;
        if (r.rows[i].estimate.n > 0 && engine_parse_day(r.rows[i].labels[0], &d) &&
            (!found || d > *day)) {
            *day = d;
            found = true;
        }
    }
    engine_result_free(&r);
    return found;
}

/* The first day of the month months-1 before the month of day. */
static int32_t ov_months_back(int32_t day, int months)
{
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    int index = y * 12 + (m - 1) - (months - 1);
    return tz_days_from_civil(index / 12, index % 12 + 1, 1);
}

void overview_format_day(buf_t *b, i18n_lang_t lang, int32_t day)
{
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    if (lang == LANG_EN)
        buf_printf(b, "%04d-%02d-%02d", y, m, d);
    else
        buf_printf(b, "%02d.%02d.%04d", d, m, y);
}

/* ---- the scope ---- */

typedef struct scope_job {
    int64_t now;
    store_target_t *targets;
} scope_job_t;

static cx_result scope_targets_job(db_conn_t *db, void *arg)
{
    scope_job_t *j = arg;
    cx_result rc = CX_OK;
    for (size_t i = 0; !rc && i < OVERVIEW_METRICS; i++)
        rc = store_overview_target(db, ov_metrics[i].metric, j->now, &j->targets[i]);
    return rc;
}

/* The cheap half of the scope: the parameters checked, the targets read;
 * the days given are left in out->from/to (has_from/has_to say which). */
static cx_result ov_scope_check(http_request_t *req, const char *from, const char *to,
                                const char *segment, overview_scope_t *out, bool *has_from,
                                bool *has_to, overview_error_t *err)
{
    *out = (overview_scope_t){.has_data = false};
    *has_from = from && *from;
    *has_to = to && *to;
    if (*has_from && !engine_parse_day(from, &out->from)) {
        *err = (overview_error_t){"from", "must be a date YYYY-MM-DD"};
        return CX_ERR_INVALID;
    }
    if (*has_to && !engine_parse_day(to, &out->to)) {
        *err = (overview_error_t){"to", "must be a date YYYY-MM-DD"};
        return CX_ERR_INVALID;
    }
    if (*has_from && *has_to && out->from > out->to) {
        *err = (overview_error_t){"from", "must not be after 'to'"};
        return CX_ERR_INVALID;
    }
    if (segment && *segment) {
        const char **values;
        size_t n;
        bool known = false;
        if (engine_dim_values(req->app->engine, DIM_SEGMENT, &req->arena, OV_SEGMENTS_MAX,
                              &values, &n) == CX_OK)
            for (size_t i = 0; i < n && !known; i++)
                known = strcmp(values[i], segment) == 0;
        if (!known) {
            *err = (overview_error_t){"segment", "is not a segment of this organisation"};
            return CX_ERR_INVALID;
        }
        out->segment = arena_strdup(&req->arena, segment);
        if (!out->segment)
            return CX_ERR_NOMEM;
    }
    scope_job_t job = {.now = req->now, .targets = out->targets};
    return store_read(req->store, scope_targets_job, &job);
}

/* The half that asks the engine: the period and whether it has data. */
static void ov_scope_resolve(http_request_t *req, bool has_from, bool has_to,
                             overview_scope_t *out)
{
    out->custom = has_from || has_to;
    if (has_from && !has_to) {
        out->to = out->from + OVERVIEW_WINDOW_DAYS - 1;
    } else if (has_to && !has_from) {
        out->from = out->to - (OVERVIEW_WINDOW_DAYS - 1);
    } else if (!has_from && !has_to) {
        int32_t last;
        if (!ov_newest_day(req, out, &last))
            return; /* nothing yet: has_data stays false */
        out->to = last;
        out->from = last - (OVERVIEW_WINDOW_DAYS - 1);
    }
    if (out->from < 0)
        out->from = 0;
    /* data somewhere in the 18 months the trend shows is enough to draw */
    engine_result_t r;
    if (ov_query(req, out, "count", DIM_NONE, ov_months_back(out->to, OV_TREND_MONTHS), out->to,
                 &r) == CX_OK) {
        out->has_data = r.nrows > 0 && r.rows[0].estimate.n > 0;
        engine_result_free(&r);
    }
}

cx_result overview_scope_init(http_request_t *req, const char *from, const char *to,
                              const char *segment, overview_scope_t *out, overview_error_t *err)
{
    bool has_from, has_to;
    cx_result rc = ov_scope_check(req, from, to, segment, out, &has_from, &has_to, err);
    if (rc)
        return rc;
    ov_scope_resolve(req, has_from, has_to, out);
    return CX_OK;
}

/* ---- breakdowns ---- */

/* qsort has no context argument in C17: the breakdown being sorted goes
 * through a thread-local pointer (requests run on several threads) */
static _Thread_local const overview_breakdown_t *ov_bd_sorted;

static int ov_bd_compare(const void *pa, const void *pb)
{
    const engine_row_t *a = &ov_bd_sorted->result.rows[*(const size_t *)pa];
    const engine_row_t *b = &ov_bd_sorted->result.rows[*(const size_t *)pb];
    bool ca = a->has_change && isfinite(a->change), cb = b->has_change && isfinite(b->change);
    if (ca != cb)
        return ca ? -1 : 1;
    if (ca && a->change != b->change)
        return a->change < b->change ? -1 : 1;
    if (a->estimate.n != b->estimate.n)
        return a->estimate.n > b->estimate.n ? -1 : 1;
    return strcmp(a->labels[0], b->labels[0]);
}

static void ov_breakdown(http_request_t *req, const overview_scope_t *s, int metric,
                         engine_dim dim, overview_breakdown_t *bd)
{
    *bd = (overview_breakdown_t){.metric = metric, .dim = dim};
    if (!s->has_data)
        return;
    if (ov_query(req, s, ov_metrics[metric].metric, dim, s->from, s->to, &bd->result) != CX_OK)
        return;
    bd->ok = true;
    bd->order = arena_alloc(&req->arena, (bd->result.nrows + 1) * sizeof *bd->order);
    if (!bd->order)
        return;
    for (size_t i = 0; i < bd->result.nrows; i++) {
        const engine_row_t *row = &bd->result.rows[i];
        /* responses without a group are counted in the totals above */
        if (row->estimate.n > 0 && strcmp(row->labels[0], "(none)") != 0)
            bd->order[bd->norder++] = i;
    }
    ov_bd_sorted = bd;
    qsort(bd->order, bd->norder, sizeof *bd->order, ov_bd_compare);
    ov_bd_sorted = NULL;
}

void overview_prepare(http_request_t *req, const overview_scope_t *scope, overview_t *ov)
{
    ov->scope = *scope;
    for (int m = 0; m < OVERVIEW_BREAKDOWN_METRICS; m++) {
        ov_breakdown(req, scope, m, DIM_SEGMENT, &ov->by_segment[m]);
        ov_breakdown(req, scope, m, DIM_TOUCHPOINT, &ov->by_touchpoint[m]);
    }
}

void overview_release(overview_t *ov)
{
    for (int m = 0; m < OVERVIEW_BREAKDOWN_METRICS; m++) {
        if (ov->by_segment[m].ok)
            engine_result_free(&ov->by_segment[m].result);
        if (ov->by_touchpoint[m].ok)
            engine_result_free(&ov->by_touchpoint[m].result);
        ov->by_segment[m].ok = ov->by_touchpoint[m].ok = false;
    }
}

static bool ov_significant(const engine_row_t *row)
{
    return row->has_change && isfinite(row->change) && isfinite(row->q_value) &&
           row->q_value < 0.05;
}

/* ---- tiles ---- */

static void ov_sparkline(buf_t *b, http_request_t *req, const overview_scope_t *s,
                         const ov_metric_t *mt)
{
    engine_result_t r;
    int32_t from = ov_months_back(s->to, OV_SPARK_MONTHS);
    if (ov_query(req, s, mt->metric, DIM_MONTH, from, s->to, &r) != CX_OK)
        return;
    const char *cats[OV_TREND_MONTHS];
    double vals[OV_TREND_MONTHS];
    uint64_t ns[OV_TREND_MONTHS];
    size_t n = r.nrows < OV_SPARK_MONTHS ? r.nrows : OV_SPARK_MONTHS;
    size_t skip = r.nrows - n;
    size_t large = 0;
    for (size_t i = 0; i < n; i++)
        large += !r.rows[skip + i].estimate.small_sample;
    for (size_t i = 0; i < n; i++) {
        cats[i] = r.rows[skip + i].labels[0];
        /* a month of a few answers would swing the line: not drawn, unless
         * no month has more (the tile flags the small sample then) */
        vals[i] = large && r.rows[skip + i].estimate.small_sample ? NAN
                                                                  : r.rows[skip + i].estimate.value;
        ns[i] = r.rows[skip + i].estimate.n;
    }
    buf_t title, desc, from_s, to_s, id;
    buf_init(&title, 0);
    buf_init(&desc, 0);
    buf_init(&from_s, 0);
    buf_init(&to_s, 0);
    buf_init(&id, 0);
    html_textf(&title, req, T_OV_SPARK_TITLE, web_t(req, mt->label));
    overview_format_day(&from_s, req->lang, from);
    overview_format_day(&to_s, req->lang, s->to);
    html_textf(&desc, req, T_OV_SPARK_DESC, buf_str(&from_s), buf_str(&to_s));
    buf_printf(&id, "spark-%a", mt->metric);
    svg_series_t series = {.name = web_t(req, mt->label), .values = vals};
    /* html_textf escaped the texts for HTML; the chart escapes again, so
     * hand it the plain forms: the arguments are digits and known names */
    svg_chart_t chart = {
        .kind = SVG_SPARKLINE,
        .id = buf_str(&id),
        .title = buf_str(&title),
        .desc = buf_str(&desc),
        .lang = req->lang,
        .ncat = n,
        .categories = cats,
        .category_heading = web_t(req, T_OV_MONTH),
        .nseries = 1,
        .series = &series,
        .n = ns,
        .n_heading = web_t(req, T_OV_ANSWERS),
        .decimals = 1,
        .unit = mt->percent ? ov_percent_unit(req) : NULL,
        .empty_text = web_t(req, T_OV_SPARK_EMPTY),
    };
    svg_render(b, &chart);
    buf_free(&title);
    buf_free(&desc);
    buf_free(&from_s);
    buf_free(&to_s);
    buf_free(&id);
    engine_result_free(&r);
}

static void ov_p_value(buf_t *b, const http_request_t *req, double p)
{
    if (!isfinite(p)) {
        svg_format_number(b, req->lang, p, 3);
    } else if (p < 0.001) {
        buf_puts(b, "< ");
        svg_format_number(b, req->lang, 0.001, 3);
    } else {
        svg_format_number(b, req->lang, p, 3);
    }
}

/* "target 30 by 31.12.2026 · gap to target −5.7 pts" under a tile. */
static void ov_target_line(buf_t *b, http_request_t *req, const ov_metric_t *mt,
                           const store_target_t *target, double value)
{
    if (!target->found)
        return;
    const char *unit = mt->percent ? ov_percent_unit(req) : "";
    buf_t v, due;
    buf_init(&v, 0);
    buf_init(&due, 0);
    svg_format_number(&v, req->lang, target->value, 1);
    buf_puts(&v, unit);
    overview_format_day(&due, req->lang, tz_local_day(target->due));
    buf_puts(b, "<p class=\"tile-target\"><span>");
    html_textf(b, req, T_OV_TARGET, buf_str(&v), buf_str(&due));
    buf_puts(b, "</span>");
    if (isfinite(value)) {
        buf_reset(&v);
        double gap = value - target->value;
        if (gap > 0 && round(gap * 10) != 0)
            buf_putc(&v, '+');
        svg_format_number(&v, req->lang, gap, 1);
        /* raw: catalogue text; the whole is escaped by html_textf below */
        buf_printf(&v, "\xC2\xA0%s", web_t(req, mt->percent ? T_OV_UNIT_PP : T_OV_UNIT_POINTS));
        buf_printf(b, " <span class=\"gap %s\">", gap >= 0 ? "met" : "short");
        html_textf(b, req, T_OV_GAP, buf_str(&v));
        buf_puts(b, "</span>");
    }
    buf_puts(b, "</p>");
    buf_free(&v);
    buf_free(&due);
}

/* A change with its sign and unit: "+3,4 pkt". */
static void ov_change_text(buf_t *b, const http_request_t *req, const ov_metric_t *mt,
                           double change)
{
    if (change > 0 && round(change * 10) != 0)
        buf_putc(b, '+');
    svg_format_number(b, req->lang, change, 1);
    buf_printf(b, "\xC2\xA0%h", web_t(req, mt->percent ? T_OV_UNIT_PP : T_OV_UNIT_POINTS));
}

static void ov_tile(buf_t *b, http_request_t *req, const overview_scope_t *s,
                    const ov_metric_t *mt, const store_target_t *target)
{
    engine_result_t r;
    cx_result rc = ov_query(req, s, mt->metric, DIM_NONE, s->from, s->to, &r);
    const engine_row_t *row = rc == CX_OK && r.nrows > 0 && r.rows[0].estimate.n > 0
                                  ? &r.rows[0]
                                  : NULL;
    const char *unit = mt->percent ? ov_percent_unit(req) : "";
    buf_printf(b, "<article class=\"tile\" id=\"tile-%a\" aria-labelledby=\"tile-%a-h\">",
               mt->metric, mt->metric);
    buf_printf(b,
               "<div class=\"tile-head\"><h3 id=\"tile-%a-h\">%h</h3><p class=\"tile-hint\">%h"
               "</p></div>",
               mt->metric, web_t(req, mt->label), web_t(req, mt->hint));
    if (!row) {
        buf_puts(b, "<p class=\"tile-empty\">");
        html_textf(b, req, ov_key(s, T_OV_TILE_EMPTY), web_t(req, mt->label));
        buf_puts(b, "</p></article>");
        if (rc == CX_OK)
            engine_result_free(&r);
        return;
    }
    const estimate_t *e = &row->estimate;
    buf_puts(b, "<p class=\"tile-value\">");
    svg_format_number(b, req->lang, e->value, 1);
    buf_printf(b, "<span class=\"tile-unit\">%h</span>", unit);
    if (e->small_sample)
        buf_printf(b, " <span class=\"badge warn\" title=\"%a\">%h</span>",
                   web_t(req, T_OV_SMALL_SAMPLE_TITLE), web_t(req, T_OV_SMALL_SAMPLE));
    buf_puts(b, "</p>");

    /* the change, marked with an arrow and a word when significant */
    buf_t tmp;
    buf_init(&tmp, 0);
    if (row->has_change && isfinite(row->change)) {
        bool sig = isfinite(row->p_value) && row->p_value < 0.05;
        const char *dir = !sig ? "flat" : row->change > 0 ? "up" : "down";
        ov_p_value(&tmp, req, row->p_value);
        buf_t title;
        buf_init(&title, 0);
        html_textf(&title, req, ov_key(s, T_OV_CHANGE_TITLE), buf_str(&tmp));
        /* title holds HTML-escaped text already: digits and signs only */
        buf_printf(b, "<p class=\"tile-change %a\" title=\"%a\">", dir, buf_str(&title));
        buf_free(&title);
        if (sig)
            buf_printf(b, "<span class=\"arrow\" aria-hidden=\"true\">%s</span> ",
                       row->change > 0 ? "\xE2\x86\x91" : "\xE2\x86\x93");
        buf_puts(b, "<span class=\"delta\">");
        ov_change_text(b, req, mt, row->change);
        buf_printf(b, "</span> <span class=\"verdict\">%h</span></p>",
                   web_t(req, !sig ? T_OV_NOT_SIG
                                   : row->change > 0 ? T_OV_SIG_UP : T_OV_SIG_DOWN));
    } else {
        buf_printf(b, "<p class=\"tile-change none\">%h</p>",
                   web_t(req, ov_key(s, T_OV_NO_PREVIOUS)));
    }

    buf_puts(b, "<p class=\"tile-meta\">");
    buf_reset(&tmp);
    svg_format_number(&tmp, req->lang, e->ci_low, 1);
    buf_puts(&tmp, "\xE2\x80\x93");
    svg_format_number(&tmp, req->lang, e->ci_high, 1);
    buf_puts(&tmp, unit);
    buf_puts(b, "<span>");
    html_textf(b, req, T_OV_TILE_CI, buf_str(&tmp));
    buf_puts(b, "</span> <span>");
    buf_reset(&tmp);
    i18n_format_int(&tmp, req->lang, (long long)e->n);
    html_textf(b, req, T_OV_TILE_N, buf_str(&tmp));
    buf_puts(b, "</span></p>");
    buf_free(&tmp);
    ov_target_line(b, req, mt, target, e->value);
    engine_result_free(&r);

    ov_sparkline(b, req, s, mt);
    buf_puts(b, "</article>");
}

/* ---- the summary ---- */

/* A number with its sign ("+3.4", "−2.1") into a fresh arena string. */
static const char *ov_signed(http_request_t *req, double x, const char *unit)
{
    buf_t t;
    buf_init(&t, 128);
    if (x > 0 && round(x * 10) != 0)
        buf_putc(&t, '+');
    svg_format_number(&t, req->lang, x, 1);
    if (unit) {
        buf_puts(&t, "\xC2\xA0");
        buf_puts(&t, unit);
    }
    const char *s = arena_strdup(&req->arena, buf_str(&t));
    buf_free(&t);
    return s ? s : "";
}

/* The plain-language summary: NPS with its interval and change, then the
 * touchpoint (any customer score) that fell, and the one that rose, most
 * among the significant changes of the touchpoint breakdowns. */
static void ov_summary(buf_t *b, http_request_t *req, const overview_t *ov)
{
    const overview_scope_t *s = &ov->scope;
    engine_result_t r;
    if (ov_query(req, s, "nps", DIM_NONE, s->from, s->to, &r) != CX_OK)
        return;
    const engine_row_t *row = r.nrows && r.rows[0].estimate.n ? &r.rows[0] : NULL;
    buf_puts(b, "<p class=\"summary\" id=\"summary\">");
    if (row && row->has_change) {
        const estimate_t *e = &row->estimate;
        buf_t v, half, n, change;
        buf_init(&v, 64);
        buf_init(&half, 64);
        buf_init(&n, 64);
        buf_init(&change, 64);
        svg_format_number(&v, req->lang, e->value, 1);
        svg_format_number(&half, req->lang, (e->ci_high - e->ci_low) / 2, 1);
        i18n_format_int(&n, req->lang, (long long)e->n);
        bool sig = isfinite(row->p_value) && row->p_value < 0.05;
        svg_format_number(&change, req->lang, sig ? fabs(row->change) : row->change, 1);
        int key = !sig ? T_OV_SUM_FLAT : row->change > 0 ? T_OV_SUM_UP : T_OV_SUM_DOWN;
        html_textf(b, req, ov_key(s, key), buf_str(&v), buf_str(&half), buf_str(&n),
                   buf_str(&change));
        buf_putc(b, ' ');
        buf_free(&v);
        buf_free(&half);
        buf_free(&n);
        buf_free(&change);
    }
    engine_result_free(&r);

    const char *fall = NULL, *fall_metric = NULL, *fall_change = NULL;
    const char *rise = NULL, *rise_metric = NULL, *rise_change = NULL;
    double worst = 0, best = 0;
    for (int m = 0; m < OVERVIEW_BREAKDOWN_METRICS; m++) {
        const overview_breakdown_t *bd = &ov->by_touchpoint[m];
        const ov_metric_t *mt = &ov_metrics[m];
        const char *unit = web_t(req, mt->percent ? T_OV_UNIT_PP : T_OV_UNIT_POINTS);
        for (size_t k = 0; bd->ok && k < bd->norder; k++) {
            const engine_row_t *t = &bd->result.rows[bd->order[k]];
            if (!ov_significant(t))
                continue;
            if (t->change < worst) {
                worst = t->change;
                fall = t->labels[0];
                fall_metric = web_t(req, mt->label);
                fall_change = ov_signed(req, t->change, unit);
            } else if (t->change > best) {
                best = t->change;
                rise = t->labels[0];
                rise_metric = web_t(req, mt->label);
                rise_change = ov_signed(req, t->change, unit);
            }
        }
    }
    if (fall) {
        html_textf(b, req, T_OV_SUM_FALL, fall, fall_metric, fall_change);
        buf_putc(b, ' ');
    }
    if (rise)
        html_textf(b, req, T_OV_SUM_RISE, rise, rise_metric, rise_change);
    if (!fall && !rise)
        html_text(b, req, T_OV_SUM_STEADY);
    buf_puts(b, "</p>");
}

void overview_render_scores(buf_t *b, http_request_t *req, const overview_t *ov)
{
    const overview_scope_t *s = &ov->scope;
    buf_puts(b, "<section class=\"scores\" id=\"scores\" aria-labelledby=\"scores-h\">");
    buf_printf(b, "<h2 id=\"scores-h\" class=\"section-title\">%h</h2>",
               web_t(req, ov_key(s, T_OV_SCORES)));
    if (!s->has_data) {
        buf_puts(b, "<div class=\"card\">");
        html_empty_state(b, "responses", web_t(req, T_OV_NO_DATA_TITLE), web_t(req, T_OV_NO_DATA));
        buf_puts(b, "</div></section>\n");
        return;
    }
    ov_summary(b, req, ov);
    buf_t from, to;
    buf_init(&from, 0);
    buf_init(&to, 0);
    overview_format_day(&from, req->lang, s->from);
    overview_format_day(&to, req->lang, s->to);
    buf_puts(b, "<p class=\"scores-lead muted\">");
    if (s->custom)
        html_textf(b, req, T_OV_SCORES_LEAD_P, buf_str(&from), buf_str(&to));
    else
        html_textf(b, req, T_OV_SCORES_LEAD, buf_str(&to));
    if (s->segment) {
        buf_putc(b, ' ');
        html_textf(b, req, T_OV_SEGMENT_SCOPE, s->segment);
    }
    buf_puts(b, "</p><div class=\"tiles\">");
    buf_free(&from);
    buf_free(&to);
    for (size_t i = 0; i < OVERVIEW_METRICS; i++)
        ov_tile(b, req, s, &ov_metrics[i], &s->targets[i]);
    buf_puts(b, "</div></section>\n");
}

/* ---- trend and mix ---- */

static void ov_card_open(buf_t *b, const char *id, const char *icon, const char *title)
{
    buf_printf(b, "<section class=\"card chart-card\" aria-labelledby=\"%a-h\">", id);
    buf_puts(b, "<div class=\"card-head\">");
    html_icon(b, icon);
    buf_printf(b, "<h2 id=\"%a-h\">%h</h2></div>", id, title);
}

typedef struct ov_months {
    size_t n;
    const char *cats[OV_TREND_MONTHS];
    double value[OV_TREND_MONTHS], low[OV_TREND_MONTHS], high[OV_TREND_MONTHS];
    double pro[OV_TREND_MONTHS], pas[OV_TREND_MONTHS], det[OV_TREND_MONTHS];
    uint64_t ns[OV_TREND_MONTHS];
    size_t small; /* months with fewer answers than SMALL_SAMPLE_N */
} ov_months_t;

/* NPS by month over the 18 months up to the period's end. */
static bool ov_months(http_request_t *req, const overview_scope_t *s, engine_result_t *r,
                      ov_months_t *m)
{
    if (ov_query(req, s, "nps", DIM_MONTH, ov_months_back(s->to, OV_TREND_MONTHS), s->to, r) !=
        CX_OK)
        return false;
    m->n = r->nrows < OV_TREND_MONTHS ? r->nrows : OV_TREND_MONTHS;
    m->small = 0;
    size_t skip = r->nrows - m->n;
    for (size_t i = 0; i < m->n; i++) {
        const engine_row_t *row = &r->rows[skip + i];
        m->cats[i] = row->labels[0];
        m->value[i] = row->estimate.value;
        m->low[i] = row->estimate.ci_low;
        m->high[i] = row->estimate.ci_high;
        m->small += row->estimate.small_sample;
        const uint64_t *c = row->hist.count;
        uint64_t total = 0;
        for (int k = 0; k <= 10; k++)
            total += c[k];
        m->ns[i] = total;
        double t = total ? (double)total : NAN;
        m->pro[i] = (double)(c[9] + c[10]) * 100.0 / t;
        m->pas[i] = (double)(c[7] + c[8]) * 100.0 / t;
        m->det[i] = (double)(c[0] + c[1] + c[2] + c[3] + c[4] + c[5] + c[6]) * 100.0 / t;
    }
    /* The line and band would plunge on a handful of answers: small months
     * are not drawn (the table behind the chart still gives their n) —
     * unless every month is small, when the line is all there is and the
     * note says to read it with care. */
    if (m->small < m->n) {
        for (size_t i = 0; i < m->n; i++) {
            if (r->rows[skip + i].estimate.small_sample)
                m->value[i] = m->low[i] = m->high[i] = NAN;
        }
    }
    return true;
}

void overview_render_trend(buf_t *b, http_request_t *req, const overview_t *ov)
{
    const overview_scope_t *s = &ov->scope;
    if (!s->has_data)
        return;
    engine_result_t r;
    ov_months_t m;
    if (!ov_months(req, s, &r, &m))
        return;
    const store_target_t *target = &s->targets[0];
    buf_puts(b, "<div class=\"grid-2 charts\" id=\"trends\">");

    ov_card_open(b, "trend", "responses", web_t(req, T_OV_TREND_TITLE));
    svg_series_t line = {.name = web_t(req, T_OV_NPS), .values = m.value, .low = m.low,
                         .high = m.high};
    svg_chart_t trend = {
        .kind = SVG_LINE,
        .id = "chart-trend",
        .title = web_t(req, T_OV_TREND_TITLE),
        .desc = web_t(req, T_OV_TREND_DESC),
        .lang = req->lang,
        .ncat = m.n,
        .categories = m.cats,
        .category_heading = web_t(req, T_OV_MONTH),
        .nseries = 1,
        .series = &line,
        .n = m.ns,
        .n_heading = web_t(req, T_OV_ANSWERS),
        .band_heading = web_t(req, T_OV_INTERVAL),
        .decimals = 1,
        .empty_text = web_t(req, T_OV_TREND_EMPTY),
        .has_target = target->found,
        .target = target->value,
        .target_label = web_t(req, T_OV_TARGET_LINE),
    };
    svg_render(b, &trend);
    if (m.small)
        buf_printf(b, "<p class=\"chart-note\" id=\"trend-small-note\">%h</p>",
                   web_t(req, m.small < m.n ? T_OV_TREND_SMALL_NOTE : T_OV_TREND_ALL_SMALL_NOTE));
    buf_puts(b, "</section>");

    ov_card_open(b, "mix", "customers", web_t(req, T_OV_MIX_TITLE));
    svg_series_t parts[3] = {
        {.name = web_t(req, T_OV_DETRACTORS), .tone = "neg", .values = m.det},
        {.name = web_t(req, T_OV_PASSIVES), .tone = "neu", .values = m.pas},
        {.name = web_t(req, T_OV_PROMOTERS), .tone = "pos", .values = m.pro},
    };
    svg_chart_t mix = {
        .kind = SVG_STACKED,
        .id = "chart-mix",
        .title = web_t(req, T_OV_MIX_TITLE),
        .desc = web_t(req, T_OV_MIX_DESC),
        .lang = req->lang,
        .ncat = m.n,
        .categories = m.cats,
        .category_heading = web_t(req, T_OV_MONTH),
        .nseries = 3,
        .series = parts,
        .n = m.ns,
        .n_heading = web_t(req, T_OV_ANSWERS),
        .decimals = 1,
        .unit = ov_percent_unit(req),
        .has_y_range = true,
        .y_min = 0,
        .y_max = 100,
        .empty_text = web_t(req, T_OV_TREND_EMPTY),
    };
    svg_render(b, &mix);
    buf_puts(b, "</section></div>\n");
    engine_result_free(&r);
}

/* ---- breakdowns ---- */

static void ov_sig_cell(buf_t *b, http_request_t *req, const engine_row_t *row)
{
    if (!row->has_change || !isfinite(row->change)) {
        buf_printf(b, "<td class=\"sig none\">%h</td>", web_t(req, T_OV_BD_NO_CHANGE));
        return;
    }
    if (!ov_significant(row)) {
        buf_printf(b, "<td class=\"sig flat\"><span aria-hidden=\"true\">\xE2\x80\x93</span> "
                      "%h</td>",
                   web_t(req, T_OV_NOT_SIG));
        return;
    }
    bool up = row->change > 0;
    buf_printf(b, "<td class=\"sig %s\"><span class=\"arrow\" aria-hidden=\"true\">%s</span> "
                  "%h</td>",
               up ? "up" : "down", up ? "\xE2\x96\xB2" : "\xE2\x96\xBC",
               web_t(req, up ? T_OV_SIG_UP : T_OV_SIG_DOWN));
}

static void ov_breakdown_card(buf_t *b, http_request_t *req, const overview_breakdown_t *bd)
{
    const ov_metric_t *mt = &ov_metrics[bd->metric];
    const char *dim = engine_dim_name(bd->dim);
    const char *unit = mt->percent ? ov_percent_unit(req) : NULL;
    size_t n = bd->norder;
    buf_t id, title;
    buf_init(&id, 0);
    buf_init(&title, 0);
    buf_printf(&id, "bd-%a-%a", dim, mt->metric);
    /* the label is catalogue text ("NPS"); %h in the text leaves it as is */
    html_textf(&title, req, bd->dim == DIM_SEGMENT ? T_OV_BD_BY_SEGMENT : T_OV_BD_BY_TOUCHPOINT,
               web_t(req, mt->label));
    buf_printf(b, "<section class=\"card chart-card breakdown\" id=\"%a\" aria-labelledby=\"%a-h\">",
               buf_str(&id), buf_str(&id));
    buf_printf(b, "<div class=\"card-head\"><h3 id=\"%a-h\">%h</h3></div>", buf_str(&id),
               buf_str(&title));
    buf_puts(b, "<div class=\"breakdown-body\">");

    const char **cats = arena_alloc(&req->arena, (n + 1) * sizeof *cats);
    const char **notes = arena_alloc(&req->arena, (n + 1) * sizeof *notes);
    double *vals = arena_alloc(&req->arena, (n + 1) * sizeof *vals);
    double *low = arena_alloc(&req->arena, (n + 1) * sizeof *low);
    double *high = arena_alloc(&req->arena, (n + 1) * sizeof *high);
    uint64_t *ns = arena_alloc(&req->arena, (n + 1) * sizeof *ns);
    if (!cats || !notes || !vals || !low || !high || !ns) {
        buf_puts(b, "</div></section>");
        buf_free(&id);
        buf_free(&title);
        return;
    }
    for (size_t k = 0; k < n; k++) {
        const engine_row_t *row = &bd->result.rows[bd->order[k]];
        cats[k] = row->labels[0];
        vals[k] = row->estimate.value;
        low[k] = row->estimate.ci_low;
        high[k] = row->estimate.ci_high;
        ns[k] = row->estimate.n;
        notes[k] = NULL;
        if (ov_significant(row))
            notes[k] = web_t(req, row->change > 0 ? T_OV_BD_NOTE_UP : T_OV_BD_NOTE_DOWN);
        else if (row->estimate.small_sample)
            notes[k] = web_t(req, T_OV_SMALL_SAMPLE);
    }
    svg_series_t series = {.name = web_t(req, mt->label), .values = vals, .low = low,
                           .high = high};
    buf_t chart_id;
    buf_init(&chart_id, 0);
    buf_printf(&chart_id, "chart-%s", buf_str(&id)); /* raw: built from known names above */
    svg_chart_t chart = {
        .kind = SVG_HBARS,
        .id = buf_str(&chart_id),
        .title = buf_str(&title),
        .desc = web_t(req, T_OV_BD_DESC),
        .lang = req->lang,
        .ncat = n,
        .categories = cats,
        .category_heading = web_t(req, bd->dim == DIM_SEGMENT ? T_DIM_SEGMENT : T_DIM_TOUCHPOINT),
        .nseries = 1,
        .series = &series,
        .n = ns,
        .n_heading = web_t(req, T_OV_ANSWERS),
        .band_heading = web_t(req, T_OV_INTERVAL),
        .decimals = 1,
        .unit = unit,
        .empty_text = web_t(req, T_OV_BD_EMPTY),
        .notes = notes,
    };
    svg_render(b, &chart);
    buf_free(&chart_id);

    if (n > 0) {
        buf_printf(b, "<div class=\"table-wrap\"><table class=\"data breakdown-table\">"
                      "<caption class=\"visually-hidden\">%h</caption><thead><tr>",
                   buf_str(&title));
        buf_printf(b,
                   "<th scope=\"col\">%h</th><th scope=\"col\" class=\"num\">%h</th>"
                   "<th scope=\"col\" class=\"num\">%h</th><th scope=\"col\" class=\"num\">n</th>"
                   "<th scope=\"col\" class=\"num\">%h</th><th scope=\"col\">%h</th>",
                   web_t(req, bd->dim == DIM_SEGMENT ? T_DIM_SEGMENT : T_DIM_TOUCHPOINT),
                   web_t(req, mt->label), web_t(req, T_OV_INTERVAL), web_t(req, T_OV_BD_CHANGE),
                   web_t(req, T_OV_BD_SIGNIFICANCE));
        buf_puts(b, "</tr></thead><tbody>");
        for (size_t k = 0; k < n; k++) {
            const engine_row_t *row = &bd->result.rows[bd->order[k]];
            const estimate_t *e = &row->estimate;
            buf_printf(b, "<tr data-group=\"%a\"><th scope=\"row\">%h", row->labels[0],
                       row->labels[0]);
            if (e->small_sample)
                buf_printf(b, " <span class=\"badge warn\" title=\"%a\">%h</span>",
                           web_t(req, T_OV_SMALL_SAMPLE_TITLE), web_t(req, T_OV_SMALL_SAMPLE));
            buf_puts(b, "</th><td class=\"num value\">");
            svg_format_number(b, req->lang, e->value, 1);
            buf_printf(b, "%h</td><td class=\"num interval\">", unit ? unit : "");
            svg_format_number(b, req->lang, e->ci_low, 1);
            buf_puts(b, "\xE2\x80\x93");
            svg_format_number(b, req->lang, e->ci_high, 1);
            buf_puts(b, "</td><td class=\"num n\">");
            i18n_format_int(b, req->lang, (long long)e->n);
            buf_puts(b, "</td><td class=\"num change\">");
            if (row->has_change && isfinite(row->change))
                ov_change_text(b, req, mt, row->change);
            else
                buf_puts(b, "\xE2\x80\x94");
            buf_puts(b, "</td>");
            ov_sig_cell(b, req, row);
            buf_puts(b, "</tr>");
        }
        buf_puts(b, "</tbody></table></div>");
    }
    buf_puts(b, "</div></section>");
    buf_free(&id);
    buf_free(&title);
}

static void ov_breakdown_group(buf_t *b, http_request_t *req, const overview_breakdown_t *bds,
                               int heading, const char *id)
{
    buf_printf(b, "<div class=\"breakdown-group\" id=\"%a\"><h3 class=\"subsection-title\">%h"
                  "</h3>",
               id, web_t(req, heading));
    bool any = false;
    buf_puts(b, "<div class=\"breakdown-cards\">");
    for (int m = 0; m < OVERVIEW_BREAKDOWN_METRICS; m++) {
        if (!bds[m].ok || bds[m].norder == 0)
            continue;
        ov_breakdown_card(b, req, &bds[m]);
        any = true;
    }
    buf_puts(b, "</div>");
    if (!any) {
        buf_puts(b, "<div class=\"card\">");
        html_empty_state(b, "customers", web_t(req, heading), web_t(req, T_OV_BD_NONE));
        buf_puts(b, "</div>");
    }
    buf_puts(b, "</div>");
}

void overview_render_breakdowns(buf_t *b, http_request_t *req, const overview_t *ov)
{
    if (!ov->scope.has_data)
        return;
    buf_puts(b, "<section class=\"breakdowns\" id=\"breakdowns\" aria-labelledby=\"bd-h\">");
    buf_printf(b, "<h2 id=\"bd-h\" class=\"section-title\">%h</h2><p class=\"muted\">%h</p>",
               web_t(req, T_OV_BD_TITLE), web_t(req, T_OV_BD_LEAD));
    ov_breakdown_group(b, req, ov->by_segment, T_OV_BD_SEGMENTS, "bd-segment");
    ov_breakdown_group(b, req, ov->by_touchpoint, T_OV_BD_TOUCHPOINTS, "bd-touchpoint");
    buf_puts(b, "</section>\n");
}

/* ---- data appendix (the report) ---- */

void overview_render_appendix(buf_t *b, http_request_t *req, const overview_t *ov)
{
    const overview_scope_t *s = &ov->scope;
    if (!s->has_data)
        return;
    buf_printf(b, "<section class=\"appendix\" id=\"appendix\" aria-labelledby=\"ap-h\">"
                  "<h2 id=\"ap-h\" class=\"section-title\">%h</h2><p class=\"muted\">%h</p>",
               web_t(req, T_RP_APPENDIX), web_t(req, T_RP_APPENDIX_LEAD));
    /* the scores of the period with their tests */
    buf_printf(b, "<h3>%h</h3><table class=\"data\" id=\"ap-scores\"><thead><tr>"
                  "<th scope=\"col\"></th><th scope=\"col\" class=\"num\">%h</th>"
                  "<th scope=\"col\" class=\"num\">%h</th><th scope=\"col\" class=\"num\">n</th>"
                  "<th scope=\"col\" class=\"num\">%h</th><th scope=\"col\" class=\"num\">%h</th>"
                  "<th scope=\"col\" class=\"num\">%h</th></tr></thead><tbody>",
               web_t(req, ov_key(s, T_OV_SCORES)), web_t(req, T_RP_VALUE),
               web_t(req, T_OV_INTERVAL), web_t(req, T_OV_BD_CHANGE), web_t(req, T_RP_SKIPPED),
               web_t(req, T_RP_P_VALUE));
    for (size_t i = 0; i < OVERVIEW_METRICS; i++) {
        const ov_metric_t *mt = &ov_metrics[i];
        engine_result_t r;
        if (ov_query(req, s, mt->metric, DIM_NONE, s->from, s->to, &r) != CX_OK)
            continue;
        buf_printf(b, "<tr><th scope=\"row\">%h</th>", web_t(req, mt->label));
        if (r.nrows && r.rows[0].estimate.n) {
            const engine_row_t *row = &r.rows[0];
            buf_puts(b, "<td class=\"num\">");
            svg_format_number(b, req->lang, row->estimate.value, 1);
            buf_puts(b, "</td><td class=\"num\">");
            svg_format_number(b, req->lang, row->estimate.ci_low, 1);
            buf_puts(b, "\xE2\x80\x93");
            svg_format_number(b, req->lang, row->estimate.ci_high, 1);
            buf_puts(b, "</td><td class=\"num\">");
            i18n_format_int(b, req->lang, (long long)row->estimate.n);
            buf_puts(b, "</td><td class=\"num\">");
            if (row->has_change && isfinite(row->change))
                ov_change_text(b, req, mt, row->change);
            else
                buf_puts(b, "\xE2\x80\x94");
            buf_puts(b, "</td><td class=\"num\">");
            i18n_format_int(b, req->lang, (long long)row->estimate.skipped);
            buf_puts(b, "</td><td class=\"num\">");
            ov_p_value(b, req, row->has_change ? row->p_value : NAN);
            buf_puts(b, "</td>");
        } else {
            buf_puts(b, "<td class=\"num\">\xE2\x80\x94</td><td></td><td class=\"num\">0</td>"
                        "<td></td><td></td><td></td>");
        }
        buf_puts(b, "</tr>");
        engine_result_free(&r);
    }
    buf_puts(b, "</tbody></table>");

    /* NPS by month with the mix */
    engine_result_t r;
    ov_months_t m;
    if (ov_months(req, s, &r, &m)) {
        buf_printf(b, "<h3>%h</h3><table class=\"data\" id=\"ap-months\"><thead><tr>"
                      "<th scope=\"col\">%h</th><th scope=\"col\" class=\"num\">%h</th>"
                      "<th scope=\"col\" class=\"num\">%h</th>"
                      "<th scope=\"col\" class=\"num\">n</th>"
                      "<th scope=\"col\" class=\"num\">%h</th><th scope=\"col\" class=\"num\">%h"
                      "</th><th scope=\"col\" class=\"num\">%h</th></tr></thead><tbody>",
                   web_t(req, T_OV_TREND_TITLE), web_t(req, T_OV_MONTH), web_t(req, T_OV_NPS),
                   web_t(req, T_OV_INTERVAL), web_t(req, T_OV_PROMOTERS),
                   web_t(req, T_OV_PASSIVES), web_t(req, T_OV_DETRACTORS));
        for (size_t i = 0; i < m.n; i++) {
            buf_printf(b, "<tr><th scope=\"row\">%h</th><td class=\"num\">", m.cats[i]);
            svg_format_number(b, req->lang, m.value[i], 1);
            buf_puts(b, "</td><td class=\"num\">");
            svg_format_number(b, req->lang, m.low[i], 1);
            buf_puts(b, "\xE2\x80\x93");
            svg_format_number(b, req->lang, m.high[i], 1);
            buf_puts(b, "</td><td class=\"num\">");
            i18n_format_int(b, req->lang, (long long)m.ns[i]);
            const double *shares[3] = {m.pro, m.pas, m.det};
            for (int k = 0; k < 3; k++) {
                buf_puts(b, "</td><td class=\"num\">");
                svg_format_number(b, req->lang, shares[k][i], 1);
                if (isfinite(shares[k][i]))
                    buf_printf(b, "%h", ov_percent_unit(req));
            }
            buf_puts(b, "</td></tr>");
        }
        buf_puts(b, "</tbody></table>");
        engine_result_free(&r);
    }
    buf_puts(b, "</section>\n");
}

/* ---- the page's cache ---- */

enum { OV_CACHE_SLOTS = 8, OV_CACHE_KEY = 192 };

typedef struct ov_cache_slot {
    bool used;
    uint64_t generation;
    i18n_lang_t lang;
    char key[OV_CACHE_KEY];          /* from, to and segment as given */
    store_target_t targets[OVERVIEW_METRICS];
    char *html;
    size_t len;
    uint64_t last_used;
} ov_cache_slot_t;

static pthread_mutex_t ov_cache_lock = PTHREAD_MUTEX_INITIALIZER;
static ov_cache_slot_t ov_cache[OV_CACHE_SLOTS];
static uint64_t ov_cache_clock;

static bool ov_targets_equal(const store_target_t *a, const store_target_t *b)
{
    for (size_t i = 0; i < OVERVIEW_METRICS; i++)
        if (a[i].found != b[i].found ||
            (a[i].found && (a[i].value != b[i].value || a[i].due != b[i].due)))
            return false;
    return true;
}

/* Copies a hit into b; false on a miss. */
static bool ov_cache_get(buf_t *b, uint64_t generation, i18n_lang_t lang, const char *key,
                         const store_target_t *targets)
{
    bool hit = false;
    pthread_mutex_lock(&ov_cache_lock);
    for (size_t i = 0; i < OV_CACHE_SLOTS && !hit; i++) {
        ov_cache_slot_t *c = &ov_cache[i];
        if (c->used && c->generation == generation && c->lang == lang &&
            strcmp(c->key, key) == 0 && ov_targets_equal(c->targets, targets)) {
            buf_append(b, c->html, c->len);
            c->last_used = ++ov_cache_clock;
            hit = true;
        }
    }
    pthread_mutex_unlock(&ov_cache_lock);
    return hit;
}

static void ov_cache_put(uint64_t generation, i18n_lang_t lang, const char *key,
                         const store_target_t *targets, const buf_t *html)
{
    char *copy = malloc(html->len + 1);
    if (!copy)
        return; /* the page was served; the next view renders again */
    memcpy(copy, html->data, html->len);
    copy[html->len] = '\0';
    pthread_mutex_lock(&ov_cache_lock);
    ov_cache_slot_t *victim = &ov_cache[0];
    for (size_t i = 0; i < OV_CACHE_SLOTS; i++) {
        ov_cache_slot_t *c = &ov_cache[i];
        /* an entry of an older generation can never hit again */
        if (!c->used || c->generation != generation) {
            victim = c;
            break;
        }
        if (c->last_used < victim->last_used)
            victim = c;
    }
    free(victim->html);
    victim->used = true;
    victim->generation = generation;
    victim->lang = lang;
    snprintf(victim->key, sizeof victim->key, "%s", key);
    memcpy(victim->targets, targets, sizeof victim->targets);
    victim->html = copy;
    victim->len = html->len;
    victim->last_used = ++ov_cache_clock;
    pthread_mutex_unlock(&ov_cache_lock);
}

void overview_cache_clear(void)
{
    pthread_mutex_lock(&ov_cache_lock);
    for (size_t i = 0; i < OV_CACHE_SLOTS; i++) {
        free(ov_cache[i].html);
        ov_cache[i] = (ov_cache_slot_t){.used = false};
    }
    pthread_mutex_unlock(&ov_cache_lock);
}

cx_result overview_render_cached(buf_t *b, http_request_t *req, const char *from, const char *to,
                                 const char *segment, overview_error_t *err)
{
    /* the generation is read first: a change while rendering leaves the
     * entry under the older number, where it is never found again */
    uint64_t generation = engine_generation(req->app->engine);
    char key[OV_CACHE_KEY];
    int n = snprintf(key, sizeof key, "%s\x1f%s\x1f%s", from ? from : "", to ? to : "",
                     segment ? segment : "");
    bool cacheable = n > 0 && (size_t)n < sizeof key;
    overview_scope_t scope;
    bool has_from, has_to;
    cx_result rc = ov_scope_check(req, from, to, segment, &scope, &has_from, &has_to, err);
    if (rc)
        return rc;
    if (cacheable && ov_cache_get(b, generation, req->lang, key, scope.targets))
        return CX_OK;
    ov_scope_resolve(req, has_from, has_to, &scope);
    buf_t html;
    buf_init(&html, 0);
    overview_t ov;
    overview_prepare(req, &scope, &ov);
    overview_render_scores(&html, req, &ov);
    overview_render_trend(&html, req, &ov);
    overview_render_breakdowns(&html, req, &ov);
    overview_release(&ov);
    if (buf_failed(&html)) {
        buf_free(&html);
        return CX_ERR_NOMEM;
    }
    buf_append(b, html.data, html.len);
    if (cacheable)
        ov_cache_put(generation, req->lang, key, scope.targets, &html);
    buf_free(&html);
    return CX_OK;
}
