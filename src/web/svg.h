/*
 * svg.h — the one chart module of the web interface: line with interval
 * band and target, grouped bars, stacked bars, sparkline, scatter (the
 * importance–performance map) and heat map (the journey map), written as
 * inline SVG into a buf_t.
 *
 * Every chart is a <figure class="chart"> holding an <svg role="img">
 * labelled by its own <title> and <desc>, marks that carry an SVG <title>
 * as their tooltip (works without scripts), and after the SVG a visually
 * hidden <table> with the same numbers for screen readers and copying.
 * A chart with nothing to draw (no finite value) is an empty-state panel
 * with the caller's explanation instead; NaN values are gaps, never zeros.
 *
 * Relies on core/buf.h (every label, title and name is escaped with %h or
 * %a), core/ticks.h for the value axis and web/i18n.h for the number forms.
 * Colours come from classes styled in web/app.css (the Okabe–Ito palette,
 * safe for colour-blind readers): it must never write a style attribute,
 * a script or an event handler, since the Content-Security-Policy forbids
 * them and they would be an injection risk.
 *
 * Ownership: the chart description is borrowed for the call only; the
 * module keeps nothing.
 */
#ifndef CX_WEB_SVG_H
#define CX_WEB_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "web/i18n.h"

typedef enum svg_kind {
    SVG_LINE = 0, /* one line per series over the categories; optional band and target */
    SVG_BARS,     /* grouped bars, one per series in each category */
    SVG_STACKED,  /* bars stacked per category: values are shares in per cent */
    SVG_SPARKLINE,/* one small line without axes (series 0) */
    SVG_SCATTER,  /* a point per category: x from series 0, y from series 1 */
    SVG_HEATMAP,  /* a cell per series (row) and category (column) */
    SVG_HBARS,    /* a horizontal bar per category (series 0) with its interval as a
                     whisker, and an optional note after each row */
} svg_kind_t;

#define SVG_MAX_SERIES 8

typedef struct svg_series {
    const char *name;     /* legend, table heading and tooltip */
    const char *tone;     /* colour class: NULL for the palette's next colour,
                             or "pos", "neu", "neg" (promoters, passives,
                             detractors); a trusted literal */
    const double *values; /* ncat values; NaN where there is none */
    const double *low;    /* optional interval per value (SVG_LINE: a band) */
    const double *high;
} svg_series_t;

typedef struct svg_chart {
    svg_kind_t kind;
    const char *id;          /* unique on the page; ids of the title and desc derive from it */
    const char *title;       /* short name of the chart (required) */
    const char *desc;        /* one sentence on what it shows (required) */
    i18n_lang_t lang;        /* number forms */
    size_t ncat;
    const char *const *categories; /* ncat labels: months, touchpoints ... */
    const char *category_heading;  /* the table's first column ("Month") */
    size_t nseries;                /* 1..SVG_MAX_SERIES */
    const svg_series_t *series;
    const uint64_t *n;       /* optional answers per category (tooltip and table) */
    const char *n_heading;   /* "n" */
    const char *band_heading;/* heading of the interval columns ("95 % interval") */
    int decimals;            /* digits after the decimal point of values */
    const char *unit;        /* appended to values ("%" for shares), may be NULL */
    bool has_target;         /* SVG_LINE: a dashed horizontal target line */
    double target;
    const char *target_label;/* "Target" */
    bool has_y_range;        /* fix the value axis instead of fitting the data */
    double y_min, y_max;
    const char *empty_text;  /* shown instead of the chart when there is no data */
    const char *const *notes;/* SVG_HBARS: optional plain text per category, written
                                after its bar ("▼ significant fall"); NULL entries skip */
} svg_chart_t;

/* Writes the chart (or its empty state) into b. A description that breaks
 * the contract (no id or title, nseries out of range, missing arrays) is a
 * bug and asserts. */
void svg_render(buf_t *b, const svg_chart_t *chart);

/* A number in the language's form with the given decimals: "31,2" (pl,
 * ro), "31.2" (en), thousands grouped as i18n_format_int does, a true
 * minus sign, and "—" for NaN or infinity. */
void svg_format_number(buf_t *b, i18n_lang_t lang, double v, int decimals);

#endif
