/*
 * svg.c — the chart module (see svg.h): inline SVG for every chart of the
 * dashboard, with its tooltips and the data table behind it.
 *
 * Charts are drawn in a fixed viewBox and scaled by CSS to the width of
 * their card, so the same output serves a desktop and a phone; the
 * viewBox is kept narrow (480 units) so its 12-unit text stays readable
 * when a phone shrinks it by a third. Category labels are thinned so they
 * never overlap, always keeping the newest.
 *
 * Relies on core/buf.h for all output and escaping, core/ticks.h for the
 * value axis, web/i18n.h for number forms. Must never write a style
 * attribute, a script or an event handler (CSP), nor user text through a
 * raw %s: every label goes through %h or %a, tooltips included.
 */
#include "web/svg.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "core/ticks.h"

/* the frame of the full-size charts, in viewBox units */
enum { CW = 480, CH = 240, ML = 46, MR = 14, MT = 14, MB = 30 };
/* the sparkline of a tile */
enum { SW = 240, SH = 44 };

static const char *const svg_palette[SVG_MAX_SERIES] = {"s0", "s1", "s2", "s3",
                                                        "s4", "s5", "s6", "s7"};

/* ---- numbers ---- */

void svg_format_number(buf_t *b, i18n_lang_t lang, double v, int decimals)
{
    if (!isfinite(v) || fabs(v) >= 1e15) {
        buf_puts(b, "\xE2\x80\x94"); /* em dash: no value */
        return;
    }
    if (decimals < 0)
        decimals = 0;
    if (decimals > 6)
        decimals = 6;
    double scale = pow(10, decimals);
    double r = round(fabs(v) * scale);
    long long whole = (long long)(r / scale);
    long long frac = (long long)(r - (double)whole * scale);
    if (v < 0 && r > 0)
        buf_puts(b, "\xE2\x88\x92"); /* U+2212 minus sign */
    i18n_format_int(b, lang, whole);
    if (decimals > 0) {
        char digits[8];
        for (int i = decimals - 1; i >= 0; i--, frac /= 10)
            digits[i] = (char)('0' + frac % 10);
        buf_putc(b, lang == LANG_EN ? '.' : ',');
        buf_append(b, digits, (size_t)decimals);
    }
}

/* ---- helpers ---- */

static bool has(const double *a, size_t i) { return a && isfinite(a[i]); }

static const char *series_class(const svg_chart_t *c, size_t s)
{
    return c->series[s].tone ? c->series[s].tone : svg_palette[s % SVG_MAX_SERIES];
}

static void put_value(buf_t *b, const svg_chart_t *c, double v)
{
    svg_format_number(b, c->lang, v, c->decimals);
    if (c->unit && isfinite(v))
        buf_puts(b, c->unit); /* callers' literal units, escaped with the text later */
}

/* "lo–hi" of an interval, or nothing when either end is missing. */
static void put_interval(buf_t *b, const svg_chart_t *c, const svg_series_t *s, size_t i)
{
    if (!has(s->low, i) || !has(s->high, i))
        return;
    put_value(b, c, s->low[i]);
    buf_puts(b, "\xE2\x80\x93");
    put_value(b, c, s->high[i]);
}

static const char *category(const svg_chart_t *c, size_t i)
{
    return c->categories && c->categories[i] ? c->categories[i] : "";
}

static void tip_category(buf_t *t, const svg_chart_t *c, size_t i)
{
    buf_puts(t, category(c, i));
    buf_puts(t, " \xE2\x80\x94 ");
}

/* Plain text of one series' value at category i: "NPS: 31,2 (95 %: 25,0–37,4)". */
static void tip_series(buf_t *t, const svg_chart_t *c, size_t s, size_t i)
{
    const svg_series_t *sr = &c->series[s];
    buf_puts(t, sr->name);
    buf_puts(t, ": ");
    put_value(t, c, sr->values[i]);
    if (has(sr->low, i) && has(sr->high, i)) {
        buf_puts(t, " (");
        buf_puts(t, c->band_heading);
        buf_puts(t, ": ");
        put_interval(t, c, sr, i);
        buf_puts(t, ")");
    }
}

static void tip_n(buf_t *t, const svg_chart_t *c, size_t i)
{
    if (!c->n)
        return;
    buf_puts(t, "; ");
    buf_puts(t, c->n_heading ? c->n_heading : "n");
    buf_puts(t, " = ");
    i18n_format_int(t, c->lang, (long long)c->n[i]);
}

/* Writes <title>text</title>, escaping the plain text built in t. */
static void put_title(buf_t *b, buf_t *t)
{
    buf_printf(b, "<title>%h</title>", buf_str(t));
    buf_reset(t);
}

static bool chart_has_data(const svg_chart_t *c)
{
    if (c->kind == SVG_SCATTER) {
        if (c->nseries < 2)
            return false;
        for (size_t i = 0; i < c->ncat; i++)
            if (has(c->series[0].values, i) && has(c->series[1].values, i))
                return true;
        return false;
    }
    size_t nser = c->kind == SVG_SPARKLINE ? 1 : c->nseries;
    for (size_t s = 0; s < nser; s++)
        for (size_t i = 0; i < c->ncat; i++)
            if (has(c->series[s].values, i))
                return true;
    return false;
}

/* The finite extent of the values (with bands and target) of the series
 * from s0 to s1 (exclusive); false when there is none. */
static bool extent(const svg_chart_t *c, size_t s0, size_t s1, double *lo, double *hi)
{
    double a = INFINITY, z = -INFINITY;
    for (size_t s = s0; s < s1; s++) {
        const svg_series_t *sr = &c->series[s];
        for (size_t i = 0; i < c->ncat; i++) {
            const double *cols[3] = {sr->values, sr->low, sr->high};
            for (int k = 0; k < 3; k++) {
                if (has(cols[k], i)) {
                    a = fmin(a, cols[k][i]);
                    z = fmax(z, cols[k][i]);
                }
            }
        }
    }
    *lo = a;
    *hi = z;
    return a <= z;
}

/* A label cut to fit width (at about 6.8 units a character, whole UTF-8
 * characters only) with an ellipsis; the full text stays in the tooltip
 * and the table. */
static void put_label_fit(buf_t *b, const char *label, double width)
{
    size_t max = width > 14 ? (size_t)(width / 6.8) : 1;
    size_t chars = 0, cut = 0;
    for (const char *p = label; *p; p++) {
        if (((unsigned char)*p & 0xC0) == 0x80)
            continue;
        if (chars == max - 1)
            cut = (size_t)(p - label);
        chars++;
    }
    if (chars <= max) {
        buf_printf(b, "%h", label);
        return;
    }
    buf_html(b, label, cut);
    buf_puts(b, "\xE2\x80\xA6");
}

/* ---- frame: axes, grid, labels ---- */

typedef struct frame {
    double x0, x1, y0, y1; /* plot area in viewBox units (y0 top) */
    double lo, hi;         /* value axis */
    ticks_t ticks;
} frame_t;

static double frame_y(const frame_t *f, double v)
{
    return f->y1 - (v - f->lo) / (f->hi - f->lo) * (f->y1 - f->y0);
}

static double band_x(const frame_t *f, size_t ncat, size_t i)
{
    return f->x0 + ((double)i + 0.5) * (f->x1 - f->x0) / (double)ncat;
}

static void frame_value_axis(const svg_chart_t *c, frame_t *f, double lo, double hi)
{
    if (c->has_y_range) {
        lo = c->y_min;
        hi = c->y_max;
    }
    if (ticks_nice(lo, hi, 5, &f->ticks) != CX_OK) {
        f->ticks = (ticks_t){.lo = lo, .hi = hi, .n = 2, .v = {lo, hi}, .step = hi - lo};
        if (!(hi > lo)) {
            f->ticks.lo = f->ticks.v[0] = lo - 1;
            f->ticks.hi = f->ticks.v[1] = lo + 1;
        }
    }
    f->lo = c->has_y_range ? c->y_min : f->ticks.lo;
    f->hi = c->has_y_range ? c->y_max : f->ticks.hi;
    if (!(f->hi > f->lo))
        f->hi = f->lo + 1;
}

static void frame_grid(buf_t *b, const svg_chart_t *c, const frame_t *f)
{
    buf_puts(b, "<g class=\"axis y-axis\" aria-hidden=\"true\">");
    for (int k = 0; k < f->ticks.n; k++) {
        double v = f->ticks.v[k];
        if (v < f->lo - 1e-9 || v > f->hi + 1e-9)
            continue;
        double y = frame_y(f, v);
        buf_printf(b, "<line class=\"grid%s\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>",
                   v == 0 ? " zero" : "", f->x0, f->x1, y, y);
        buf_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
                   f->x0 - 6, y + 4);
        svg_format_number(b, c->lang, v, f->ticks.decimals);
        buf_puts(b, "</text>");
    }
    buf_puts(b, "</g>");
}

/* Category labels under the plot, thinned so they do not overlap. */
static void frame_categories(buf_t *b, const svg_chart_t *c, const frame_t *f)
{
    size_t longest = 1;
    for (size_t i = 0; i < c->ncat; i++)
        longest = strlen(category(c, i)) > longest ? strlen(category(c, i)) : longest;
    double label_w = (double)longest * 6.6 + 10;
    double slot = (f->x1 - f->x0) / (double)c->ncat;
    size_t every = (size_t)ceil(label_w / slot);
    if (every < 1)
        every = 1;
    buf_puts(b, "<g class=\"axis x-axis\" aria-hidden=\"true\">");
    for (size_t i = 0; i < c->ncat; i++) {
        if ((c->ncat - 1 - i) % every)
            continue;
        /* kept inside the viewBox: the edge labels would be cut otherwise */
        double w = (double)strlen(category(c, i)) * 6.2;
        double x = fmin(fmax(band_x(f, c->ncat, i), w / 2 + 2), CW - w / 2 - 2);
        buf_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%h</text>",
                   x, f->y1 + 18, category(c, i));
    }
    buf_puts(b, "</g>");
}

static void svg_open(buf_t *b, const svg_chart_t *c, int w, int h, const char *klass)
{
    buf_printf(b,
               "<svg class=\"%a\" viewBox=\"0 0 %d %d\" role=\"img\" "
               "aria-labelledby=\"%a-t %a-d\" xmlns=\"http://www.w3.org/2000/svg\">",
               klass, w, h, c->id, c->id);
    buf_printf(b, "<title id=\"%a-t\">%h</title><desc id=\"%a-d\">%h</desc>", c->id, c->title,
               c->id, c->desc ? c->desc : "");
}

/* ---- the legend (HTML, beside the SVG; the table carries it for screen readers) ---- */

static void legend(buf_t *b, const svg_chart_t *c, bool band)
{
    buf_puts(b, "<ul class=\"chart-legend\" aria-hidden=\"true\">");
    for (size_t s = 0; s < c->nseries; s++) {
        const char *kind = c->kind == SVG_LINE ? "line" : "box";
        buf_printf(b, "<li><span class=\"swatch %a %a\"></span>%h</li>", kind,
                   series_class(c, s), c->series[s].name);
        if (band && c->series[s].low)
            buf_printf(b, "<li><span class=\"swatch band %a\"></span>%h</li>", series_class(c, s),
                       c->band_heading);
    }
    if (c->has_target && c->target_label)
        buf_printf(b, "<li><span class=\"swatch target\"></span>%h</li>", c->target_label);
    buf_puts(b, "</ul>");
}

/* ---- the data table ---- */

static void table(buf_t *b, const svg_chart_t *c)
{
    size_t nser = c->kind == SVG_SPARKLINE ? 1 : c->nseries;
    /* the wrapper hides it: a table ignores the width that would clip it */
    buf_printf(b,
               "<div class=\"visually-hidden chart-data\"><table><caption>%h</caption><thead><tr>",
               c->title);
    if (c->kind == SVG_HEATMAP) {
        /* rows are the series, as drawn */
        buf_printf(b, "<th scope=\"col\"></th>");
        for (size_t i = 0; i < c->ncat; i++)
            buf_printf(b, "<th scope=\"col\">%h</th>", category(c, i));
        buf_puts(b, "</tr></thead><tbody>");
        for (size_t s = 0; s < nser; s++) {
            buf_printf(b, "<tr><th scope=\"row\">%h</th>", c->series[s].name);
            for (size_t i = 0; i < c->ncat; i++) {
                buf_puts(b, "<td>");
                put_value(b, c, c->series[s].values[i]);
                buf_puts(b, "</td>");
            }
            buf_puts(b, "</tr>");
        }
        buf_puts(b, "</tbody></table></div>");
        return;
    }
    buf_printf(b, "<th scope=\"col\">%h</th>", c->category_heading ? c->category_heading : "");
    for (size_t s = 0; s < nser; s++) {
        buf_printf(b, "<th scope=\"col\">%h</th>", c->series[s].name);
        if (c->series[s].low && c->series[s].high)
            buf_printf(b, "<th scope=\"col\">%h</th>", c->band_heading);
    }
    if (c->n)
        buf_printf(b, "<th scope=\"col\">%h</th>", c->n_heading ? c->n_heading : "n");
    buf_puts(b, "</tr></thead><tbody>");
    for (size_t i = 0; i < c->ncat; i++) {
        buf_printf(b, "<tr><th scope=\"row\">%h</th>", category(c, i));
        for (size_t s = 0; s < nser; s++) {
            buf_puts(b, "<td>");
            put_value(b, c, c->series[s].values[i]);
            buf_puts(b, "</td>");
            if (c->series[s].low && c->series[s].high) {
                buf_puts(b, "<td>");
                put_interval(b, c, &c->series[s], i);
                buf_puts(b, "</td>");
            }
        }
        if (c->n) {
            buf_puts(b, "<td>");
            i18n_format_int(b, c->lang, (long long)c->n[i]);
            buf_puts(b, "</td>");
        }
        buf_puts(b, "</tr>");
    }
    if (c->has_target) {
        buf_printf(b, "<tr><th scope=\"row\">%h</th><td>", c->target_label);
        put_value(b, c, c->target);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table></div>");
}

/* ---- line (with band and target) and sparkline ---- */

/* The path through the values of a series (or its band edge), broken at gaps. */
static void line_path(buf_t *b, const frame_t *f, size_t ncat, const double *v)
{
    bool pen = false;
    for (size_t i = 0; i < ncat; i++) {
        if (!has(v, i)) {
            pen = false;
            continue;
        }
        buf_printf(b, "%c%.1f %.1f", pen ? 'L' : 'M', band_x(f, ncat, i), frame_y(f, v[i]));
        pen = true;
    }
}

/* One polygon per unbroken run where both ends of the interval exist. */
static void band_paths(buf_t *b, const svg_chart_t *c, const frame_t *f, size_t s)
{
    const svg_series_t *sr = &c->series[s];
    size_t i = 0;
    while (i < c->ncat) {
        if (!has(sr->low, i) || !has(sr->high, i)) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < c->ncat && has(sr->low, i) && has(sr->high, i))
            i++;
        buf_printf(b, "<path class=\"band %a\" d=\"", series_class(c, s));
        for (size_t k = start; k < i; k++)
            buf_printf(b, "%c%.1f %.1f", k == start ? 'M' : 'L', band_x(f, c->ncat, k),
                       frame_y(f, sr->high[k]));
        for (size_t k = i; k-- > start;)
            buf_printf(b, "L%.1f %.1f", band_x(f, c->ncat, k), frame_y(f, sr->low[k]));
        buf_puts(b, "Z\"/>");
    }
}

/* A transparent column per category carrying the tooltip of all series. */
static void hover_columns(buf_t *b, const svg_chart_t *c, const frame_t *f, size_t nser)
{
    buf_t t;
    buf_init(&t, 0);
    double slot = (f->x1 - f->x0) / (double)c->ncat;
    for (size_t i = 0; i < c->ncat; i++) {
        bool any = false;
        for (size_t s = 0; s < nser; s++)
            any = any || has(c->series[s].values, i);
        if (!any)
            continue;
        buf_puts(&t, category(c, i));
        for (size_t s = 0; s < nser; s++) {
            if (!has(c->series[s].values, i))
                continue;
            buf_puts(&t, " \xE2\x80\x94 ");
            tip_series(&t, c, s, i);
        }
        tip_n(&t, c, i);
        buf_puts(b, "<g class=\"col\">");
        put_title(b, &t);
        buf_printf(b,
                   "<rect class=\"hit\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                   "fill=\"transparent\"/></g>",
                   f->x0 + (double)i * slot, f->y0, slot, f->y1 - f->y0);
    }
    buf_free(&t);
}

static void render_line(buf_t *b, const svg_chart_t *c)
{
    frame_t f = {.x0 = ML, .x1 = CW - MR, .y0 = MT, .y1 = CH - MB};
    double lo, hi;
    extent(c, 0, c->nseries, &lo, &hi);
    if (c->has_target && isfinite(c->target)) {
        lo = fmin(lo, c->target);
        hi = fmax(hi, c->target);
    }
    frame_value_axis(c, &f, lo, hi);
    bool band = false;
    for (size_t s = 0; s < c->nseries; s++)
        band = band || (c->series[s].low && c->series[s].high);
    if (c->nseries > 1 || band || c->has_target)
        legend(b, c, band);
    svg_open(b, c, CW, CH, "chart-svg");
    frame_grid(b, c, &f);
    frame_categories(b, c, &f);
    for (size_t s = 0; s < c->nseries; s++)
        band_paths(b, c, &f, s);
    if (c->has_target && isfinite(c->target) && c->target >= f.lo && c->target <= f.hi) {
        double y = frame_y(&f, c->target);
        buf_printf(b,
                   "<line class=\"target\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>",
                   f.x0, f.x1, y, y);
    }
    for (size_t s = 0; s < c->nseries; s++) {
        buf_printf(b, "<path class=\"line %a\" d=\"", series_class(c, s));
        line_path(b, &f, c->ncat, c->series[s].values);
        buf_puts(b, "\"/>");
        for (size_t i = 0; i < c->ncat; i++)
            if (has(c->series[s].values, i))
                buf_printf(b, "<circle class=\"dot %a\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/>",
                           series_class(c, s), band_x(&f, c->ncat, i),
                           frame_y(&f, c->series[s].values[i]));
    }
    hover_columns(b, c, &f, c->nseries);
    buf_puts(b, "</svg>");
}

static void render_sparkline(buf_t *b, const svg_chart_t *c)
{
    frame_t f = {.x0 = 3, .x1 = SW - 3, .y0 = 4, .y1 = SH - 4};
    /* fitted to the line alone: a band would flatten what the tile is about */
    const double *v = c->series[0].values;
    double vlo = INFINITY, vhi = -INFINITY;
    for (size_t i = 0; i < c->ncat; i++)
        if (has(v, i)) {
            vlo = fmin(vlo, v[i]);
            vhi = fmax(vhi, v[i]);
        }
    if (c->has_y_range) {
        vlo = c->y_min;
        vhi = c->y_max;
    }
    f.lo = vlo;
    f.hi = vhi > vlo ? vhi : vlo + 1;
    if (!(vhi > vlo)) {
        f.lo = vlo - 0.5;
        f.hi = vlo + 0.5;
    }
    svg_open(b, c, SW, SH, "sparkline");
    buf_printf(b, "<path class=\"line %a\" d=\"", series_class(c, 0));
    line_path(b, &f, c->ncat, v);
    buf_puts(b, "\"/>");
    for (size_t i = c->ncat; i-- > 0;)
        if (has(v, i)) {
            buf_printf(b, "<circle class=\"dot %a\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"/>",
                       series_class(c, 0), band_x(&f, c->ncat, i), frame_y(&f, v[i]));
            break;
        }
    hover_columns(b, c, &f, 1);
    buf_puts(b, "</svg>");
}

/* ---- bars and stacked bars ---- */

static void bar_rect(buf_t *b, buf_t *t, const char *klass, double x, double y0, double y1,
                     double w)
{
    double top = fmin(y0, y1), h = fabs(y1 - y0);
    buf_printf(b, "<g class=\"mark\">");
    put_title(b, t);
    buf_printf(b,
               "<rect class=\"bar %a\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/></g>",
               klass, x, top, w, h);
}

static void render_bars(buf_t *b, const svg_chart_t *c)
{
    bool stacked = c->kind == SVG_STACKED;
    frame_t f = {.x0 = ML, .x1 = CW - MR, .y0 = MT, .y1 = CH - MB};
    double lo = 0, hi = 0;
    if (stacked) {
        for (size_t i = 0; i < c->ncat; i++) {
            double sum = 0;
            for (size_t s = 0; s < c->nseries; s++)
                sum += has(c->series[s].values, i) && c->series[s].values[i] > 0
                           ? c->series[s].values[i]
                           : 0;
            hi = fmax(hi, sum);
        }
    } else {
        extent(c, 0, c->nseries, &lo, &hi);
        lo = fmin(lo, 0);
        hi = fmax(hi, 0);
    }
    frame_value_axis(c, &f, lo, hi);
    legend(b, c, false);
    svg_open(b, c, CW, CH, "chart-svg");
    frame_grid(b, c, &f);
    frame_categories(b, c, &f);
    buf_t t;
    buf_init(&t, 0);
    double slot = (f.x1 - f.x0) / (double)c->ncat;
    double gap = slot * 0.25 > 10 ? 10 : slot * 0.25;
    double base = frame_y(&f, f.lo > 0 ? f.lo : f.hi < 0 ? f.hi : 0);
    for (size_t i = 0; i < c->ncat; i++) {
        double x = f.x0 + (double)i * slot + gap / 2, w = slot - gap;
        double acc = 0;
        for (size_t s = 0; s < c->nseries; s++) {
            const double *v = c->series[s].values;
            if (!has(v, i))
                continue;
            tip_category(&t, c, i);
            tip_series(&t, c, s, i);
            tip_n(&t, c, i);
            if (stacked) {
                if (v[i] <= 0) {
                    buf_reset(&t);
                    continue;
                }
                double y0 = frame_y(&f, acc), y1 = frame_y(&f, fmin(acc + v[i], f.hi));
                acc += v[i];
                bar_rect(b, &t, series_class(c, s), x, y0, y1, w);
            } else {
                double bw = w / (double)c->nseries;
                double y = frame_y(&f, fmax(fmin(v[i], f.hi), f.lo));
                bar_rect(b, &t, series_class(c, s), x + (double)s * bw, base, y, bw);
            }
        }
    }
    buf_free(&t);
    buf_puts(b, "</svg>");
}

/* ---- scatter ---- */

static void render_scatter(buf_t *b, const svg_chart_t *c)
{
    const double *xs = c->series[0].values, *ys = c->series[1].values;
    enum { SB = 40 }; /* room for the x axis title */
    frame_t fy = {.x0 = ML + 12, .x1 = CW - MR, .y0 = MT, .y1 = CH + 40 - SB};
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    double xsum = 0, ysum = 0;
    size_t np = 0;
    for (size_t i = 0; i < c->ncat; i++) {
        if (!has(xs, i) || !has(ys, i))
            continue;
        xlo = fmin(xlo, xs[i]);
        xhi = fmax(xhi, xs[i]);
        ylo = fmin(ylo, ys[i]);
        yhi = fmax(yhi, ys[i]);
        xsum += xs[i];
        ysum += ys[i];
        np++;
    }
    frame_value_axis(c, &fy, ylo, yhi);
    ticks_t xt;
    if (ticks_nice(xlo, xhi, 5, &xt) != CX_OK)
        xt = (ticks_t){.lo = xlo - 1, .hi = xhi + 1, .n = 2, .v = {xlo - 1, xhi + 1}};
    double x0 = fy.x0, x1 = fy.x1;
#define SX(v) (x0 + ((v) - xt.lo) / (xt.hi - xt.lo) * (x1 - x0))
    svg_open(b, c, CW, CH + 40, "chart-svg");
    frame_grid(b, c, &fy);
    buf_puts(b, "<g class=\"axis x-axis\" aria-hidden=\"true\">");
    for (int k = 0; k < xt.n; k++) {
        double x = SX(xt.v[k]);
        buf_printf(b, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>", x,
                   x, fy.y0, fy.y1);
        buf_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x,
                   fy.y1 + 16);
        svg_format_number(b, c->lang, xt.v[k], xt.decimals);
        buf_puts(b, "</text>");
    }
    buf_printf(b,
               "<text class=\"axis-title\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%h</text>",
               (x0 + x1) / 2, fy.y1 + 34, c->series[0].name);
    buf_printf(b,
               "<text class=\"axis-title\" transform=\"translate(12 %.1f) rotate(-90)\" "
               "text-anchor=\"middle\">%h</text>",
               (fy.y0 + fy.y1) / 2, c->series[1].name);
    buf_puts(b, "</g>");
    /* the means split the map into the four quadrants readers look for */
    double mx = xsum / (double)np, my = ysum / (double)np;
    buf_printf(b, "<line class=\"ref\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>", SX(mx),
               SX(mx), fy.y0, fy.y1);
    buf_printf(b, "<line class=\"ref\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>", x0, x1,
               frame_y(&fy, my), frame_y(&fy, my));
    buf_t t;
    buf_init(&t, 0);
    for (size_t i = 0; i < c->ncat; i++) {
        if (!has(xs, i) || !has(ys, i))
            continue;
        double x = SX(xs[i]), y = frame_y(&fy, ys[i]);
        tip_category(&t, c, i);
        tip_series(&t, c, 0, i);
        buf_puts(&t, "; ");
        tip_series(&t, c, 1, i);
        tip_n(&t, c, i);
        buf_puts(b, "<g class=\"mark\">");
        put_title(b, &t);
        buf_printf(b, "<circle class=\"point %a\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\"/>",
                   series_class(c, 0), x, y);
        /* labels point inwards so they stay inside the frame */
        if (x > (x0 + x1) / 2)
            buf_printf(b, "<text class=\"point-label\" x=\"%.1f\" y=\"%.1f\" "
                          "text-anchor=\"end\">%h</text>", x - 8, y + 4, category(c, i));
        else
            buf_printf(b, "<text class=\"point-label\" x=\"%.1f\" y=\"%.1f\">%h</text>", x + 8,
                       y + 4, category(c, i));
        buf_puts(b, "</g>");
    }
#undef SX
    buf_free(&t);
    buf_puts(b, "</svg>");
}

/* ---- heat map ---- */

enum { HEAT_BINS = 6 };

static void render_heatmap(buf_t *b, const svg_chart_t *c)
{
    double lo, hi;
    extent(c, 0, c->nseries, &lo, &hi);
    if (c->has_y_range) {
        lo = c->y_min;
        hi = c->y_max;
    }
    size_t longest = 1;
    for (size_t s = 0; s < c->nseries; s++)
        if (c->series[s].name && strlen(c->series[s].name) > longest)
            longest = strlen(c->series[s].name);
    double lw = fmin(150, (double)longest * 6.4 + 10);
    enum { ROW = 28, HEAD = 22 };
    int h = MT + HEAD + (int)c->nseries * ROW + 4;
    double x0 = lw, x1 = CW - MR;
    double cw = (x1 - x0) / (double)c->ncat;
    svg_open(b, c, CW, h, "chart-svg heatmap");
    buf_puts(b, "<g class=\"axis\" aria-hidden=\"true\">");
    for (size_t i = 0; i < c->ncat; i++) {
        buf_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
                   x0 + ((double)i + 0.5) * cw, MT + HEAD - 8);
        put_label_fit(b, category(c, i), cw - 4);
        buf_puts(b, "</text>");
    }
    for (size_t s = 0; s < c->nseries; s++) {
        buf_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"end\">", x0 - 8,
                   MT + HEAD + (int)s * ROW + ROW / 2 + 4);
        put_label_fit(b, c->series[s].name ? c->series[s].name : "", lw - 12);
        buf_puts(b, "</text>");
    }
    buf_puts(b, "</g>");
    buf_t t;
    buf_init(&t, 0);
    for (size_t s = 0; s < c->nseries; s++) {
        const double *v = c->series[s].values;
        for (size_t i = 0; i < c->ncat; i++) {
            double x = x0 + (double)i * cw, y = MT + HEAD + (double)s * ROW;
            if (!has(v, i)) {
                buf_printf(b,
                           "<rect class=\"cell none\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                           "height=\"%d\"/>",
                           x + 1, y + 1, cw - 2, ROW - 2);
                continue;
            }
            double r = hi > lo ? (v[i] - lo) / (hi - lo) : 0.5;
            int bin = (int)floor(fmax(0, fmin(1, r)) * HEAT_BINS);
            if (bin >= HEAT_BINS)
                bin = HEAT_BINS - 1;
            tip_category(&t, c, i);
            tip_series(&t, c, s, i);
            buf_puts(b, "<g class=\"mark\">");
            put_title(b, &t);
            buf_printf(b,
                       "<rect class=\"cell h%d\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                       "height=\"%d\"/>",
                       bin, x + 1, y + 1, cw - 2, ROW - 2);
            if (cw >= 34) {
                buf_printf(b,
                           "<text class=\"cell-text%s\" x=\"%.1f\" y=\"%.1f\" "
                           "text-anchor=\"middle\">",
                           bin >= HEAT_BINS / 2 ? " dark" : "", x + cw / 2, y + ROW / 2 + 4);
                svg_format_number(b, c->lang, v[i], c->decimals);
                buf_puts(b, "</text>");
            }
            buf_puts(b, "</g>");
        }
    }
    buf_free(&t);
    buf_puts(b, "</svg>");
}

/* ---- horizontal bars with interval whiskers ---- */

enum { HB_ROW = 26, HB_LABEL = 150, HB_NOTE = 120 };

static void render_hbars(buf_t *b, const svg_chart_t *c)
{
    const svg_series_t *sr = &c->series[0];
    double lo, hi;
    extent(c, 0, 1, &lo, &hi);
    lo = fmin(lo, 0);
    hi = fmax(hi, 0);
    int height = MT + (int)c->ncat * HB_ROW + MB;
    /* the value axis runs across: reuse the frame with x in the place of y */
    frame_t f = {.x0 = HB_LABEL, .x1 = CW - (c->notes ? HB_NOTE : MR), .y0 = MT,
                 .y1 = (double)(height - MB)};
    frame_value_axis(c, &f, lo, hi);
    double span = f.hi - f.lo;
#define HX(v) (f.x0 + ((v) - f.lo) / span * (f.x1 - f.x0))
    svg_open(b, c, CW, height, "chart-svg");
    buf_puts(b, "<g class=\"axis x-axis\" aria-hidden=\"true\">");
    for (int k = 0; k < f.ticks.n; k++) {
        double v = f.ticks.v[k];
        if (v < f.lo - 1e-9 || v > f.hi + 1e-9)
            continue;
        double x = HX(v);
        buf_printf(b, "<line class=\"grid%s\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>",
                   v == 0 ? " zero" : "", x, x, f.y0, f.y1);
        buf_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x,
                   f.y1 + 16);
        svg_format_number(b, c->lang, v, f.ticks.decimals);
        buf_puts(b, "</text>");
    }
    buf_puts(b, "</g>");
    buf_t t;
    buf_init(&t, 0);
    double base = HX(f.lo > 0 ? f.lo : f.hi < 0 ? f.hi : 0);
    for (size_t i = 0; i < c->ncat; i++) {
        double yc = f.y0 + ((double)i + 0.5) * HB_ROW;
        buf_printf(b, "<text class=\"tick row-label\" x=\"%.1f\" y=\"%.1f\" "
                      "text-anchor=\"end\">",
                   f.x0 - 6, yc + 4);
        put_label_fit(b, category(c, i), HB_LABEL - 10);
        buf_puts(b, "</text>");
        if (!has(sr->values, i))
            continue;
        tip_category(&t, c, i);
        tip_series(&t, c, 0, i);
        tip_n(&t, c, i);
        if (c->notes && c->notes[i]) {
            buf_puts(&t, "; ");
            buf_puts(&t, c->notes[i]);
        }
        double x = HX(fmax(fmin(sr->values[i], f.hi), f.lo));
        buf_puts(b, "<g class=\"mark\">");
        put_title(b, &t);
        buf_printf(b,
                   "<rect class=\"bar %a\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                   "height=\"%.1f\"/>",
                   series_class(c, 0), fmin(base, x), yc - HB_ROW * 0.3, fabs(x - base),
                   HB_ROW * 0.6);
        if (has(sr->low, i) && has(sr->high, i)) {
            double xl = HX(fmax(sr->low[i], f.lo)), xh = HX(fmin(sr->high[i], f.hi));
            buf_printf(b,
                       "<path class=\"whisker\" d=\"M%.1f %.1fL%.1f %.1fM%.1f %.1fL%.1f "
                       "%.1fM%.1f %.1fL%.1f %.1f\"/>",
                       xl, yc, xh, yc, xl, yc - 5, xl, yc + 5, xh, yc - 5, xh, yc + 5);
        }
        buf_puts(b, "</g>");
        if (c->notes && c->notes[i])
            buf_printf(b, "<text class=\"tick row-note\" x=\"%.1f\" y=\"%.1f\">%h</text>",
                       f.x1 + 8, yc + 4, c->notes[i]);
    }
#undef HX
    buf_free(&t);
    buf_puts(b, "</svg>");
}

/* ---- the entry point ---- */

void svg_render(buf_t *b, const svg_chart_t *c)
{
    assert(c && c->id && *c->id && c->title);
    assert(c->nseries >= 1 && c->nseries <= SVG_MAX_SERIES && c->series);
    assert(c->ncat == 0 || c->categories);
    for (size_t s = 0; s < c->nseries; s++)
        assert(c->ncat == 0 || c->series[s].values);
    const char *kind_class[] = {"line", "bars", "stacked", "spark", "scatter", "heatmap",
                                  "hbars"};
    assert((unsigned)c->kind < sizeof kind_class / sizeof kind_class[0]);
    if (c->kind == SVG_SCATTER)
        assert(c->nseries >= 2);

    if (c->ncat == 0 || !chart_has_data(c)) {
        buf_printf(b,
                   "<figure class=\"chart chart-empty chart-%a\" id=\"%a\"><p class=\"chart-empty-"
                   "text\"><span class=\"visually-hidden\">%h: </span>%h</p></figure>",
                   kind_class[c->kind], c->id, c->title, c->empty_text ? c->empty_text : "");
        return;
    }
    buf_printf(b, "<figure class=\"chart chart-%a\" id=\"%a\">", kind_class[c->kind], c->id);
    switch (c->kind) {
    case SVG_LINE: render_line(b, c); break;
    case SVG_BARS:
    case SVG_STACKED: render_bars(b, c); break;
    case SVG_SPARKLINE: render_sparkline(b, c); break;
    case SVG_SCATTER: render_scatter(b, c); break;
    case SVG_HEATMAP: render_heatmap(b, c); break;
    case SVG_HBARS: render_hbars(b, c); break;
    }
    table(b, c);
    buf_puts(b, "</figure>");
}
