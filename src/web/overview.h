/*
 * overview.h — the sections of the overview (summary sentence, score tiles,
 * NPS trend and mix, breakdowns by segment and touchpoint, data appendix),
 * shared by the page at / (page_overview.c) and the downloadable report
 * (report.c), so both always show the same numbers drawn the same way.
 *
 * A caller fixes the scope once (overview_scope_init: the period, compared
 * with the equally long period before, and an optional segment), computes
 * the breakdowns once (overview_prepare; the summary's "largest fall" is
 * taken from them, so the sentence and the breakdown always agree), calls
 * the section renderers it wants, then overview_release.
 *
 * Relies on the metrics engine (engine/engine.h, thread-safe queries),
 * web/svg.h for charts, html.h for translated text, and only the request's
 * language, arena, engine and store. Must never show a number that did not
 * come from the engine or the store, nor colour alone for a meaning.
 */
#ifndef CX_WEB_OVERVIEW_H
#define CX_WEB_OVERVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "store/overview.h"
#include "web/http.h"

enum { OVERVIEW_WINDOW_DAYS = 90, OVERVIEW_METRICS = 4, OVERVIEW_BREAKDOWN_METRICS = 3 };

typedef struct overview_scope {
    bool has_data;        /* some response falls in scope (else: the empty state) */
    bool custom;          /* the period came from --from/--to (else: the last 90 days) */
    int32_t from, to;     /* the current period, local days, inclusive */
    const char *segment;  /* NULL: every segment */
    store_target_t targets[OVERVIEW_METRICS]; /* nps, csat, ces, enps */
} overview_scope_t;

/* Why a scope was refused: the parameter at fault and an English message
 * (a literal). */
typedef struct overview_error {
    const char *field;
    const char *message;
} overview_error_t;

/* Fixes the scope from optional "YYYY-MM-DD" days and a segment name (any
 * may be NULL or empty). Without from/to the period is the 90 days ending
 * on the newest day with a response; with only one of them the period is
 * 90 days long. CX_ERR_INVALID with *err set for a malformed day, from
 * after to, or a segment the organisation does not have; store errors as
 * they come. The segment is copied into the request's arena. */
cx_result overview_scope_init(http_request_t *req, const char *from, const char *to,
                              const char *segment, overview_scope_t *out, overview_error_t *err);

/* One breakdown: a metric per group of one dimension, rows sorted with the
 * largest falls first (groups without a change after, by n). */
typedef struct overview_breakdown {
    int metric;           /* index into the overview's metrics */
    engine_dim dim;       /* DIM_SEGMENT or DIM_TOUCHPOINT */
    bool ok;              /* result holds rows with answers */
    engine_result_t result;
    size_t *order;        /* row indexes in display order (request arena) */
    size_t norder;
} overview_breakdown_t;

typedef struct overview {
    overview_scope_t scope;
    overview_breakdown_t by_segment[OVERVIEW_BREAKDOWN_METRICS];
    overview_breakdown_t by_touchpoint[OVERVIEW_BREAKDOWN_METRICS];
} overview_t;

/* Runs the breakdown queries of the scope. Never fails: a breakdown whose
 * query fails is shown empty. Pair with overview_release. */
void overview_prepare(http_request_t *req, const overview_scope_t *scope, overview_t *ov);
void overview_release(overview_t *ov);

/* The sections; each writes nothing but its own markup. */
void overview_render_scores(buf_t *b, http_request_t *req, const overview_t *ov);
void overview_render_trend(buf_t *b, http_request_t *req, const overview_t *ov);
void overview_render_breakdowns(buf_t *b, http_request_t *req, const overview_t *ov);
void overview_render_appendix(buf_t *b, http_request_t *req, const overview_t *ov);

/* The overview page's sections (scores, trend, breakdowns) for the
 * parameters, as overview_scope_init takes them, appended to b. The HTML
 * is kept in a small process-wide cache keyed on the parameters, the
 * language, the targets and engine_generation, so repeated views cost a
 * copy until a response arrives, one is deleted or the dimensions reload.
 * Errors as overview_scope_init. Thread-safe. */
cx_result overview_render_cached(buf_t *b, http_request_t *req, const char *from, const char *to,
                                 const char *segment, overview_error_t *err);
/* Empties the cache (at shutdown, so leak checkers see nothing held). */
void overview_cache_clear(void);

/* A local day in the language's form ("2026-03-31", "31.03.2026"). */
void overview_format_day(buf_t *b, i18n_lang_t lang, int32_t day);

#endif
