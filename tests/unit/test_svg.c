/*
 * test_svg.c — the chart module's output: every kind of chart is
 * well-formed XML-ish markup (tags balanced, attributes quoted), labelled
 * for assistive technology with a data table behind it, escapes hostile
 * labels everywhere they appear (marks' tooltips, axes, legend, table),
 * skips NaN values instead of drawing them as zeros, and shows a clear
 * empty state when there is nothing to draw.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "core/buf.h"
#include "web/svg.h"

static const char *const months[] = {"2026-01", "2026-02", "2026-03", "2026-04", "2026-05"};

/* Tags balance: every <x ...> is closed by </x> or is self-closing (<x/>),
 * attribute values are quoted, and no raw '<' nor attribute starting with
 * "on" (an event handler) appears inside a tag. */
static void assert_balanced(const char *s)
{
    char stack[256][16];
    int depth = 0;
    for (const char *p = s; *p; p++) {
        if (*p != '<')
            continue;
        const char *end = strchr(p, '>');
        cr_assert_not_null(end, "unterminated tag at: %.40s", p);
        for (const char *q = p + 1; q < end; q++) {
            cr_assert_neq(*q, '<', "a '<' inside a tag: %.60s", p);
            cr_assert(strncmp(q, " on", 3) != 0, "an event handler in: %.60s", p);
        }
        bool closing = p[1] == '/';
        bool self = end[-1] == '/';
        const char *name = p + (closing ? 2 : 1);
        size_t len = strcspn(name, " />");
        cr_assert(len > 0 && len < 16, "odd tag at: %.40s", p);
        /* quotes inside the tag come in pairs */
        int quotes = 0;
        for (const char *q = p; q < end; q++)
            quotes += *q == '"';
        cr_assert_eq(quotes % 2, 0, "unbalanced quotes in: %.*s", (int)(end - p + 1), p);
        if (closing) {
            cr_assert(depth > 0, "closing without opening: %.40s", p);
            depth--;
            cr_assert(strncmp(stack[depth], name, len) == 0 && stack[depth][len] == '\0',
                      "</%.*s> closes <%s>", (int)len, name, stack[depth]);
        } else if (!self) {
            cr_assert(depth < 256);
            memcpy(stack[depth], name, len);
            stack[depth][len] = '\0';
            depth++;
        }
        p = end;
    }
    cr_assert_eq(depth, 0, "%d tags left open (innermost <%s>)", depth,
                 depth ? stack[depth - 1] : "");
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static char *render(const svg_chart_t *c)
{
    buf_t b;
    buf_init(&b, 0);
    svg_render(&b, c);
    cr_assert_not(buf_failed(&b));
    char *out = buf_detach(&b, NULL);
    assert_balanced(out);
    cr_assert_null(strstr(out, "style="), "no style attributes (CSP)");
    cr_assert_null(strstr(out, "<script"), "no scripts");
    return out;
}

Test(svg, line_with_band_target_and_table)
{
    double v[] = {20, 25.5, NAN, 31.25, 28};
    double lo[] = {15, 20, NAN, 26, 22};
    double hi[] = {25, 31, NAN, 36.5, 34};
    uint64_t n[] = {100, 120, 0, 2140, 90};
    svg_series_t s = {.name = "NPS", .values = v, .low = lo, .high = hi};
    svg_chart_t c = {.kind = SVG_LINE, .id = "t1", .title = "NPS by month",
                     .desc = "The trend.", .lang = LANG_EN, .ncat = 5, .categories = months,
                     .category_heading = "Month", .nseries = 1, .series = &s, .n = n,
                     .n_heading = "Answers", .band_heading = "95 interval", .decimals = 1,
                     .has_target = true, .target = 35, .target_label = "Target"};
    char *out = render(&c);
    cr_assert(strstr(out, "role=\"img\""));
    cr_assert(strstr(out, "aria-labelledby=\"t1-t t1-d\""));
    cr_assert(strstr(out, "<title id=\"t1-t\">NPS by month</title>"));
    cr_assert(strstr(out, "<desc id=\"t1-d\">The trend.</desc>"));
    cr_assert(strstr(out, "class=\"target\""), "the target line");
    cr_assert(strstr(out, "class=\"band s0\""), "the interval band");
    /* NaN is a gap: four dots, the path restarts after it, two band runs */
    cr_assert_eq(count(out, "<circle"), 4);
    cr_assert_eq(count(out, "class=\"band s0\""), 2);
    cr_assert_eq(count(out, "<g class=\"col\">"), 4, "a tooltip per month with a value");
    cr_assert_null(strstr(out, "nan"));
    cr_assert_null(strstr(out, "NaN"));
    /* the data table, with the number forms of the language */
    cr_assert(strstr(out, "<table>"));
    cr_assert(strstr(out, "<th scope=\"row\">2026-04</th><td>31.3</td><td>26.0\xE2\x80\x93"
                          "36.5</td><td>2,140</td>"),
              "%s", out);
    cr_assert(strstr(out, "<th scope=\"row\">2026-03</th><td>\xE2\x80\x94</td>"),
              "a missing value reads as a dash");
    cr_assert(strstr(out, "<title>2026-04 \xE2\x80\x94 NPS: 31.3 (95 interval: 26.0\xE2\x80\x93"
                          "36.5); Answers = 2,140</title>"),
              "the tooltip");
    free(out);
}

Test(svg, hostile_labels_are_escaped_everywhere)
{
    const char *evil = "<script>alert(1)</script>";
    const char *attr = "\"><img src=x onerror=alert(1)>";
    const char *cats[] = {evil, attr, "ok"};
    double a[] = {1, 2, 3}, b2[] = {3, 2, 1};
    svg_series_t s[2] = {{.name = attr, .values = a}, {.name = evil, .values = b2}};
    svg_kind_t kinds[] = {SVG_LINE, SVG_BARS, SVG_STACKED, SVG_SPARKLINE, SVG_SCATTER,
                          SVG_HEATMAP, SVG_HBARS};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        svg_chart_t c = {.kind = kinds[k], .id = "\"x", .title = evil, .desc = attr,
                         .lang = LANG_PL, .ncat = 3, .categories = cats,
                         .category_heading = evil, .nseries = 2, .series = s,
                         .band_heading = attr, .n_heading = evil, .has_target = true,
                         .target = 2, .target_label = attr};
        char *out = render(&c);
        cr_assert_null(strstr(out, "<script"), "kind %d", kinds[k]);
        cr_assert_null(strstr(out, "<img"), "kind %d", kinds[k]);
        cr_assert(strstr(out, "&lt;script&gt;"), "kind %d shows the label as text", kinds[k]);
        free(out);
    }
}

Test(svg, empty_data_shows_the_empty_state)
{
    double none[] = {NAN, NAN, NAN};
    svg_series_t s = {.name = "NPS", .values = none};
    svg_kind_t kinds[] = {SVG_LINE, SVG_BARS, SVG_STACKED, SVG_SPARKLINE, SVG_HEATMAP,
                          SVG_HBARS};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        svg_chart_t c = {.kind = kinds[k], .id = "e", .title = "T", .desc = "D",
                         .ncat = 3, .categories = months, .nseries = 1, .series = &s,
                         .empty_text = "No answers <yet>"};
        char *out = render(&c);
        cr_assert(strstr(out, "chart-empty"), "kind %d", kinds[k]);
        cr_assert(strstr(out, "No answers &lt;yet&gt;"));
        cr_assert_null(strstr(out, "<svg"), "nothing drawn for kind %d", kinds[k]);
        free(out);
    }
    /* no categories at all */
    svg_chart_t c = {.kind = SVG_LINE, .id = "e", .title = "T", .nseries = 1, .series = &s,
                     .empty_text = "Nothing"};
    char *out = render(&c);
    cr_assert(strstr(out, "Nothing"));
    free(out);
    /* a scatter needs both coordinates of a point */
    double x[] = {1, NAN}, y[] = {NAN, 2};
    svg_series_t xy[2] = {{.name = "x", .values = x}, {.name = "y", .values = y}};
    svg_chart_t sc = {.kind = SVG_SCATTER, .id = "e", .title = "T", .ncat = 2,
                      .categories = months, .nseries = 2, .series = xy, .empty_text = "None"};
    out = render(&sc);
    cr_assert(strstr(out, "chart-empty"));
    free(out);
}

Test(svg, stacked_bars_skip_missing_and_keep_tones)
{
    double pro[] = {50, NAN, 40}, pas[] = {30, NAN, 35}, det[] = {20, NAN, 25};
    svg_series_t s[3] = {{.name = "Detractors", .tone = "neg", .values = det},
                         {.name = "Passives", .tone = "neu", .values = pas},
                         {.name = "Promoters", .tone = "pos", .values = pro}};
    svg_chart_t c = {.kind = SVG_STACKED, .id = "mix", .title = "Mix", .desc = "Shares",
                     .lang = LANG_PL, .ncat = 3, .categories = months, .nseries = 3,
                     .series = s, .decimals = 1, .unit = "\xC2\xA0%", .has_y_range = true,
                     .y_min = 0, .y_max = 100};
    char *out = render(&c);
    cr_assert_eq(count(out, "<rect class=\"bar"), 6, "two months of three parts");
    cr_assert_eq(count(out, "class=\"bar pos\""), 2);
    cr_assert(strstr(out, "swatch box neg"), "the legend");
    cr_assert(strstr(out, "<title>2026-01 \xE2\x80\x94 Promoters: 50,0\xC2\xA0%</title>"), "%s",
              out);
    free(out);
}

Test(svg, axis_ticks_are_nice_and_localised)
{
    double v[] = {-12.5, 41};
    svg_series_t s = {.name = "NPS", .values = v};
    svg_chart_t c = {.kind = SVG_BARS, .id = "b", .title = "B", .lang = LANG_PL, .ncat = 2,
                     .categories = months, .nseries = 1, .series = &s};
    char *out = render(&c);
    /* Heckbert on [-12.5, 41]: -20, 0, 20, 40, 60 */
    cr_assert(strstr(out, ">\xE2\x88\x92" "20</text>"), "a true minus sign");
    cr_assert(strstr(out, ">60</text>"));
    cr_assert(strstr(out, "class=\"grid zero\""), "the zero line stands out");
    free(out);
}

Test(svg, scatter_and_heatmap)
{
    const char *names[] = {"Speed", "Price", "Staff"};
    double imp[] = {0.6, 0.2, 0.4}, perf[] = {70, 80, NAN};
    svg_series_t xy[2] = {{.name = "Importance", .values = imp},
                          {.name = "Performance", .values = perf}};
    svg_chart_t sc = {.kind = SVG_SCATTER, .id = "ipa", .title = "Map", .desc = "IPA",
                      .lang = LANG_EN, .ncat = 3, .categories = names, .nseries = 2,
                      .series = xy, .decimals = 2};
    char *out = render(&sc);
    cr_assert_eq(count(out, "<circle"), 2, "the point without performance is skipped");
    cr_assert(strstr(out, ">Speed</text>"));
    cr_assert(strstr(out, "class=\"axis-title\""));
    free(out);

    double r1[] = {10, 20, 30}, r2[] = {NAN, 40, 50};
    svg_series_t rows[2] = {{.name = "B2C", .values = r1}, {.name = "SME", .values = r2}};
    svg_chart_t hm = {.kind = SVG_HEATMAP, .id = "hm", .title = "Journey", .desc = "NPS",
                      .lang = LANG_EN, .ncat = 3, .categories = names, .nseries = 2,
                      .series = rows};
    out = render(&hm);
    cr_assert_eq(count(out, "class=\"cell none\""), 1);
    cr_assert_eq(count(out, "class=\"cell h"), 5);
    cr_assert(strstr(out, "class=\"cell h0\""));
    cr_assert(strstr(out, "class=\"cell h5\""));
    cr_assert(strstr(out, "<th scope=\"row\">SME</th><td>\xE2\x80\x94</td><td>40</td>"));
    free(out);

    /* column labels too long for their cell are cut on a character
     * boundary, the full text kept in the table */
    const char *many[12] = {"Użytkowanie usługi", "b", "c", "d", "e", "f",
                            "g", "h", "i", "j", "k", "l"};
    double row[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    svg_series_t one = {.name = "Żółć", .values = row};
    svg_chart_t narrow = {.kind = SVG_HEATMAP, .id = "n", .title = "N", .lang = LANG_PL,
                          .ncat = 12, .categories = many, .nseries = 1, .series = &one};
    out = render(&narrow);
    cr_assert(strstr(out, ">U\xC5\xBCy\xE2\x80\xA6</text>"), "%s", out);
    cr_assert(strstr(out, "<th scope=\"col\">Użytkowanie usługi</th>"));
    free(out);
}

Test(svg, sparkline_is_labelled)
{
    double v[] = {1, 2, 3, NAN, 5};
    svg_series_t s = {.name = "CSAT", .values = v};
    svg_chart_t c = {.kind = SVG_SPARKLINE, .id = "sp", .title = "CSAT, 12 months",
                     .desc = "Monthly", .lang = LANG_EN, .ncat = 5, .categories = months,
                     .nseries = 1, .series = &s};
    char *out = render(&c);
    cr_assert(strstr(out, "class=\"sparkline\""));
    cr_assert(strstr(out, "role=\"img\""));
    cr_assert_eq(count(out, "<circle"), 1, "one dot on the newest value");
    cr_assert(strstr(out, "<caption>CSAT, 12 months</caption>"));
    free(out);
}

Test(svg, number_forms)
{
    buf_t b;
    buf_init(&b, 0);
    svg_format_number(&b, LANG_PL, 21400.25, 1);
    cr_assert_str_eq(buf_str(&b), "21\xC2\xA0" "400,3");
    buf_reset(&b);
    svg_format_number(&b, LANG_EN, 2140, 0);
    cr_assert_str_eq(buf_str(&b), "2,140");
    buf_reset(&b);
    svg_format_number(&b, LANG_RO, -3.14159, 2);
    cr_assert_str_eq(buf_str(&b), "\xE2\x88\x92" "3,14");
    buf_reset(&b);
    svg_format_number(&b, LANG_EN, -0.04, 1);
    cr_assert_str_eq(buf_str(&b), "0.0", "no minus on a value that rounds to zero");
    buf_reset(&b);
    svg_format_number(&b, LANG_EN, 0.999, 2);
    cr_assert_str_eq(buf_str(&b), "1.00");
    buf_reset(&b);
    svg_format_number(&b, LANG_EN, NAN, 1);
    cr_assert_str_eq(buf_str(&b), "\xE2\x80\x94");
    buf_free(&b);
}

Test(svg, horizontal_bars_have_whiskers_notes_and_gaps)
{
    const char *cats[] = {"Premium", "Basic", "Empty"};
    double v[] = {31.5, -12.0, NAN}, lo[] = {20, -30, NAN}, hi[] = {43, 6, NAN};
    const char *notes[] = {NULL, "\xE2\x96\xBC significant fall", NULL};
    uint64_t n[] = {120, 80, 0};
    svg_series_t s = {.name = "NPS", .values = v, .low = lo, .high = hi};
    svg_chart_t c = {.kind = SVG_HBARS, .id = "hb", .title = "NPS by segment", .desc = "D",
                     .lang = LANG_EN, .ncat = 3, .categories = cats, .nseries = 1,
                     .series = &s, .n = n, .band_heading = "95% interval", .decimals = 1,
                     .notes = notes};
    char *out = render(&c);
    cr_assert(strstr(out, "class=\"chart chart-hbars\""));
    /* one bar and one whisker per category with a value; none for the gap */
    size_t bars = 0, whiskers = 0;
    for (const char *p = out; (p = strstr(p, "<rect class=\"bar")); p++)
        bars++;
    for (const char *p = out; (p = strstr(p, "class=\"whisker\"")); p++)
        whiskers++;
    cr_assert_eq(bars, 2);
    cr_assert_eq(whiskers, 2);
    /* every category is labelled, the note is written and in the tooltip */
    cr_assert(strstr(out, ">Empty</text>"));
    cr_assert(strstr(out, "class=\"tick row-note\""));
    cr_assert(strstr(out, "Basic \xE2\x80\x94 NPS: \xE2\x88\x92" "12.0 (95% interval: "
                      "\xE2\x88\x92" "30.0\xE2\x80\x93" "6.0); n = 80; \xE2\x96\xBC significant fall"));
    free(out);
}
