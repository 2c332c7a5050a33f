/*
 * metrics_query.c — parameters in, JSON out, for every caller of the
 * metrics engine (see metrics_query.h).
 *
 * Figures are rounded to four decimals in JSON (far below any meaningful
 * difference in a CX score, and it keeps documents readable); p- and
 * q-values are given in full.
 */
#include "engine/metrics_query.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static cx_result fail(metrics_error_t *err, const char *field, const char *fmt, const char *what)
{
    snprintf(err->message, sizeof err->message, fmt, what);
    err->field = field;
    return CX_ERR_INVALID;
}

void metrics_query_init(engine_query_t *q, const char *metric)
{
    memset(q, 0, sizeof *q);
    q->metric = metric;
}

/* "attr.KEY": the key, else NULL. */
static const char *attribute_key(const char *name)
{
    return strncmp(name, "attr.", 5) == 0 && name[5] ? name + 5 : NULL;
}

cx_result metrics_query_set_by(engine_query_t *q, arena_t *arena, const char *list,
                               metrics_error_t *err)
{
    q->by[0] = q->by[1] = DIM_NONE;
    if (!list || !*list)
        return CX_OK;
    char copy[128];
    if (strlen(list) >= sizeof copy)
        return fail(err, "by", "%s", "too many grouping dimensions (at most two)");
    strcpy(copy, list);
    int n = 0;
    char *save = NULL;
    for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        while (*name == ' ')
            name++;
        const char *key = attribute_key(name);
        engine_dim dim = key ? DIM_ATTRIBUTE : engine_dim_from_name(name);
        if (dim == DIM_NONE || dim == DIM_ATTRIBUTE) {
            if (!key)
                return fail(err, "by",
                            "cannot group by '%s': use day, week, month, quarter, year, survey, "
                            "touchpoint, stage, channel, segment, account, language, tier or "
                            "attr.KEY",
                            name);
        }
        if (n == 2)
            return fail(err, "by", "%s", "group by at most two dimensions");
        if (key && !(q->by_attribute[n] = arena_strdup(arena, key)))
            return CX_ERR_NOMEM;
        q->by[n++] = dim;
    }
    return CX_OK;
}

static cx_result set_day(bool *has, int32_t *day, const char *field, const char *value,
                         metrics_error_t *err)
{
    if (!engine_parse_day(value, day))
        return fail(err, field, "'%s' is not a date: use YYYY-MM-DD", value ? value : "");
    *has = true;
    return CX_OK;
}

cx_result metrics_query_set_from(engine_query_t *q, const char *day, metrics_error_t *err)
{
    return set_day(&q->has_from, &q->from_day, "from", day, err);
}

cx_result metrics_query_set_to(engine_query_t *q, const char *day, metrics_error_t *err)
{
    return set_day(&q->has_to, &q->to_day, "to", day, err);
}

cx_result metrics_query_add_filter(engine_query_t *q, arena_t *arena, const char *dimension,
                                   const char *values, metrics_error_t *err)
{
    const char *key = attribute_key(dimension);
    engine_dim dim = key ? DIM_ATTRIBUTE : engine_dim_from_name(dimension);
    if (dim == DIM_NONE || engine_dim_is_period(dim) || (dim == DIM_ATTRIBUTE && !key))
        return fail(err, dimension,
                    "cannot filter on '%s': use survey, touchpoint, stage, channel, segment, "
                    "account, language, tier or attr.KEY (and from/to for dates)",
                    dimension);
    engine_filter_t *f = NULL;
    for (int i = 0; i < q->nfilters; i++)
        if (q->filters[i].dim == dim &&
            (dim != DIM_ATTRIBUTE || strcmp(q->filters[i].attribute, key) == 0))
            f = &q->filters[i]; /* a dimension given twice: its values add up */
    if (!f) {
        if (q->nfilters == ENGINE_MAX_FILTERS)
            return fail(err, dimension, "%s", "too many filters");
        f = &q->filters[q->nfilters++];
        f->dim = dim;
        f->nvalues = 0;
        f->attribute = NULL;
        if (key && !(f->attribute = arena_strdup(arena, key)))
            return CX_ERR_NOMEM;
    }
    const char *p = values ? values : "";
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0)
            return fail(err, dimension, "an empty value in the '%s' filter", dimension);
        if (f->nvalues == ENGINE_MAX_VALUES)
            return fail(err, dimension, "too many values in the '%s' filter", dimension);
        char *v = arena_strndup(arena, p, len);
        if (!v)
            return CX_ERR_NOMEM;
        f->values[f->nvalues++] = v;
        if (!comma)
            break;
        p = comma + 1;
    }
    return CX_OK;
}

cx_result metrics_query_add_where(engine_query_t *q, arena_t *arena, const char *expression,
                                  metrics_error_t *err)
{
    const char *eq = strchr(expression, '=');
    if (!eq || eq == expression)
        return fail(err, "where", "'%s' is not FIELD=VALUE", expression);
    char *field = arena_strndup(arena, expression, (size_t)(eq - expression));
    if (!field)
        return CX_ERR_NOMEM;
    return metrics_query_add_filter(q, arena, field, eq + 1, err);
}

static json_t *number_or_null(double x, bool round4)
{
    if (isnan(x) || isinf(x))
        return json_null();
    return json_real(round4 ? round(x * 1e4) / 1e4 : x);
}

json_t *metrics_result_json(const engine_result_t *r)
{
    json_t *doc = json_object();
    json_t *by = json_array();
    json_t *rows = json_array();
    if (!doc || !by || !rows) {
        json_decref(doc);
        json_decref(by);
        json_decref(rows);
        return NULL;
    }
    json_object_set_new(doc, "metric", json_string(r->metric));
    int nby = 0;
    for (int i = 0; i < 2; i++)
        if (r->by[i] != DIM_NONE)
            json_array_append_new(by, json_string(r->by_name[i])), nby++;
    json_object_set_new(doc, "by", by);
    json_object_set_new(doc, "fdr", r->fdr_applied ? json_string("benjamini-hochberg") : json_null());
    for (size_t i = 0; i < r->nrows; i++) {
        const engine_row_t *row = &r->rows[i];
        json_t *o = json_object();
        if (!o)
            break;
        for (int k = 0; k < nby; k++)
            json_object_set_new(o, r->by_name[k], json_string(row->labels[k]));
        bool is_count = strcmp(r->metric, "count") == 0;
        json_object_set_new(o, "value", is_count ? json_integer((json_int_t)row->estimate.n)
                                                 : number_or_null(row->estimate.value, true));
        json_object_set_new(o, "n", json_integer((json_int_t)row->estimate.n));
        json_object_set_new(o, "skipped", json_integer((json_int_t)row->estimate.skipped));
        json_object_set_new(o, "ci_low", number_or_null(row->estimate.ci_low, true));
        json_object_set_new(o, "ci_high", number_or_null(row->estimate.ci_high, true));
        json_object_set_new(o, "change",
                            row->has_change ? number_or_null(row->change, true) : json_null());
        json_object_set_new(o, "p_value", number_or_null(row->p_value, false));
        json_object_set_new(o, "q_value", number_or_null(row->q_value, false));
        json_object_set_new(o, "small_sample", json_boolean(row->estimate.small_sample));
        json_array_append_new(rows, o);
    }
    json_object_set_new(doc, "rows", rows);
    return doc;
}

/* RFC 4180: quoted when it holds a comma, a quote or a line break. */
static void csv_field(buf_t *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        buf_puts(out, s);
        return;
    }
    buf_putc(out, '"');
    for (; *s; s++) {
        if (*s == '"')
            buf_putc(out, '"');
        buf_putc(out, *s);
    }
    buf_putc(out, '"');
}

static void csv_number(buf_t *out, double x, const char *format)
{
    buf_putc(out, ',');
    if (isnan(x) || isinf(x))
        return;
    char text[64];
    snprintf(text, sizeof text, format, x);
    buf_puts(out, text);
}

void metrics_result_csv(const engine_result_t *r, buf_t *out)
{
    int nby = (r->by[0] != DIM_NONE) + (r->by[1] != DIM_NONE);
    for (int k = 0; k < nby; k++) {
        csv_field(out, r->by_name[k]);
        buf_putc(out, ',');
    }
    buf_puts(out, "value,ci_low,ci_high,n,skipped,change,p_value,q_value,small_sample\r\n");
    bool count = strcmp(r->metric, "count") == 0;
    for (size_t i = 0; i < r->nrows; i++) {
        const engine_row_t *row = &r->rows[i];
        for (int k = 0; k < nby; k++) {
            csv_field(out, row->labels[k]);
            buf_putc(out, ',');
        }
        char n[64];
        if (count)
            snprintf(n, sizeof n, "%llu", (unsigned long long)row->estimate.n);
        else
            snprintf(n, sizeof n, "%.4f", row->estimate.value);
        buf_puts(out, isnan(row->estimate.value) ? "" : n);
        csv_number(out, row->estimate.ci_low, "%.4f");
        csv_number(out, row->estimate.ci_high, "%.4f");
        snprintf(n, sizeof n, ",%llu,%llu", (unsigned long long)row->estimate.n,
                 (unsigned long long)row->estimate.skipped);
        buf_puts(out, n);
        csv_number(out, row->has_change ? row->change : NAN, "%.4f");
        csv_number(out, row->p_value, "%.6g");
        csv_number(out, row->q_value, "%.6g");
        buf_puts(out, row->estimate.small_sample ? ",true\r\n" : ",false\r\n");
    }
}
