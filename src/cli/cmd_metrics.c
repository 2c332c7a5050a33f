/*
 * cmd_metrics.c — `cxloop metrics`: the metrics engine from the command
 * line, for scripts and spreadsheets. The JSON it prints is the same
 * document GET /api/v1/metrics returns (engine/metrics_query.h).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/engine.h"
#include "engine/metrics_query.h"

const char cmd_metrics_usage[] =
    "usage: cxloop metrics --db FILE --metric METRIC\n"
    "                      [--by DIM[,DIM]] [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
    "                      [--where DIM=VALUE[,VALUE...]]... [--format table|csv|json]\n"
    "\n"
    "METRIC is nps, enps, csat, ces, count, mean:QUESTION (the mean of a\n"
    "rating, score or effort question other than a survey's main one, such\n"
    "as a driver rating) or share:QUESTION=VALUE (the share of answers that\n"
    "chose VALUE, or gave that score); QUESTION is the question's key, or\n"
    "its id when several surveys use the key.\n"
    "\n"
    "Computes a metric with its 95 % interval, n (answers) and skipped (asked\n"
    "but not answered) for the whole selection or per group, and each row's\n"
    "change against the previous period with its p-value (and q-value, the\n"
    "Benjamini-Hochberg adjusted p-value over all rows). Rows with n below 30\n"
    "are flagged as small samples.\n"
    "\n"
    "  --by       up to two of: day, week, month, quarter, year, survey,\n"
    "             touchpoint, stage, channel, segment, account, language, tier,\n"
    "             attr.KEY (a customer attribute)\n"
    "  --from/--to  local dates in the organisation's time zone, inclusive\n"
    "  --where    keep only these values of a dimension (names or ids);\n"
    "             repeat for several dimensions\n"
    "  --format   table (default), csv or json\n"
    "\n"
    "CXLOOP_DB may replace --db.\n";

static void format_number(double x, int decimals, char *out, size_t len)
{
    if (isnan(x))
        snprintf(out, len, "-");
    else
        snprintf(out, len, "%.*f", decimals, x);
}

static void print_table(const engine_result_t *r)
{
    int nby = (r->by[0] != DIM_NONE) + (r->by[1] != DIM_NONE);
    static const char *const columns[] = {"value", "ci_low", "ci_high", "n", "skipped",
                                          "change", "p_value", "q_value", "small_sample"};
    for (int k = 0; k < nby; k++)
        printf("%-22s ", r->by_name[k]);
    for (size_t c = 0; c < sizeof columns / sizeof columns[0]; c++)
        printf("%9s ", columns[c]);
    putchar('\n');
    for (size_t i = 0; i < r->nrows; i++) {
        const engine_row_t *row = &r->rows[i];
        for (int k = 0; k < nby; k++) {
            printf("%-22s ", row->labels[k]);
        }
        char v[32], lo[32], hi[32], ch[32], p[32], q[32];
        format_number(row->estimate.value, strcmp(r->metric, "count") ? 1 : 0, v, sizeof v);
        format_number(row->estimate.ci_low, 1, lo, sizeof lo);
        format_number(row->estimate.ci_high, 1, hi, sizeof hi);
        format_number(row->has_change ? row->change : NAN, 1, ch, sizeof ch);
        format_number(row->p_value, 4, p, sizeof p);
        format_number(row->q_value, 4, q, sizeof q);
        printf("%9s %9s %9s %9llu %9llu %9s %9s %9s %9s\n",
               v, lo, hi, (unsigned long long)row->estimate.n,
               (unsigned long long)row->estimate.skipped, ch, p, q,
               row->estimate.small_sample ? "small" : "");
    }
}

int cmd_metrics(int argc, char **argv)
{
    const cli_command_t *self = cli_find("metrics");
    const char *db_option = NULL, *metric = NULL, *by = NULL, *from = NULL, *to = NULL,
               *format = NULL;
    const char *wheres[ENGINE_MAX_FILTERS];
    int nwheres = 0;
    const cli_option_t options[] = {
        CLI_VALUE("db", &db_option),   CLI_VALUE("metric", &metric),
        CLI_VALUE("by", &by),          CLI_VALUE("from", &from),
        CLI_VALUE("to", &to),          CLI_VALUE("format", &format),
        CLI_LIST("where", wheres, &nwheres, ENGINE_MAX_FILTERS), CLI_END,
    };
    const char *path;
    int rc = cli_parse_db_options(self, argc, argv, 1, options, &db_option, &path);
    if (rc)
        return rc;
    if (!metric)
        return cli_usage_error(self, "--metric is required (nps, enps, csat, ces, count, "
                                     "mean:QUESTION or share:QUESTION=VALUE)");
    cli_format_t shape;
    if ((rc = cli_parse_format(self, format, true, &shape)))
        return rc;

    engine_query_t q;
    metrics_query_init(&q, metric);
    metrics_error_t qerr = {.field = NULL};
    arena_t arena;
    arena_init(&arena);
    cx_result qrc = metrics_query_set_by(&q, &arena, by, &qerr);
    if (!qrc && from)
        qrc = metrics_query_set_from(&q, from, &qerr);
    if (!qrc && to)
        qrc = metrics_query_set_to(&q, to, &qerr);
    for (int i = 0; !qrc && i < nwheres; i++)
        qrc = metrics_query_add_where(&q, &arena, wheres[i], &qerr);
    if (qrc) {
        arena_free(&arena);
        return cli_usage_error(self, "%s", qerr.message);
    }

    store_t *store;
    if (cli_open_store(path, false, &store)) {
        arena_free(&arena);
        return CLI_FAIL;
    }
    engine_t *engine;
    char err[256];
    cx_result erc = engine_open(store, &engine, err, sizeof err);
    store_close(store);
    if (erc) {
        cli_error("%s: %s", path, err);
        arena_free(&arena);
        return CLI_FAIL;
    }
    engine_result_t result;
    erc = engine_query(engine, &q, &result, err, sizeof err);
    if (erc) {
        engine_free(engine);
        arena_free(&arena);
        if (erc == CX_ERR_INVALID)
            return cli_usage_error(self, "%s", err);
        cli_error("%s", err);
        return CLI_FAIL;
    }
    rc = CLI_OK;
    if (shape == CLI_FORMAT_JSON) {
        rc = cli_print_json(metrics_result_json(&result));
    } else {
        if (shape == CLI_FORMAT_CSV) {
            buf_t csv;
            buf_init(&csv, 0);
            metrics_result_csv(&result, &csv);
            fwrite(buf_str(&csv), 1, csv.len, stdout);
            rc = buf_failed(&csv) ? CLI_FAIL : CLI_OK;
            buf_free(&csv);
        } else {
            print_table(&result);
        }
    }
    engine_result_free(&result);
    engine_free(engine);
    arena_free(&arena);
    return rc;
}
