/*
 * cmd_gen.c — `cxloop gen`: synthetic but realistic data at scale, for
 * tests and benchmarks.
 *
 * Parses and checks the options (a usage error changes nothing and exits
 * 2), opens or creates the database and hands the work to gen_run
 * (gen/gen_run.h). Must never write into a database that already has
 * responses unless --append says so, and never depend on the clock: the
 * data ends on --end, so the same options always give the same rows.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/buf.h"
#include "gen/gen_run.h"
#include "gen/gen_time.h"

const char cmd_gen_usage[] =
    "usage: cxloop gen --db FILE --responses N --seed S [--months M] [--customers C]\n"
    "                  [--end YYYY-MM-DD] [--append]\n"
    "\n"
    "Writes synthetic but realistic data into the database FILE, creating it\n"
    "with the newest schema when it does not exist: the demo telecom's journey,\n"
    "surveys, segments and KPIs, C customers and N survey responses over the M\n"
    "months that end on the --end date, with driver answers, comments, feedback\n"
    "items, monthly KPI values, targets, cases and initiatives. The same\n"
    "options always give the same rows, whatever the date or the machine.\n"
    "\n"
    "Everything is written in one transaction: it lands whole or not at all.\n"
    "A database that already has responses is refused unless --append is given.\n"
    "Prints one line: the rows written per table, the seconds taken and the\n"
    "responses per second.\n"
    "\n"
    "options:\n"
    "  --db FILE            the database (or $CXLOOP_DB)\n"
    "  --responses N        survey responses to write, 1 to 1000000000\n"
    "  --seed S             seed of the random generator, 0 to 9223372036854775807\n"
    "  --months M           months of history, 1 to 240 (default 18)\n"
    "  --customers C        customers to create, 1 to 20000000\n"
    "                       (default N/10, at least 100, at most 2000000)\n"
    "  --end YYYY-MM-DD     the last day of the data (default " GEN_DEFAULT_END ")\n"
    "  --append             add to a database that already has responses: new\n"
    "                       customers and responses, the organisation reused\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 on success, 1 when the data cannot be written (for example\n"
    "the database already has responses), 2 for a usage error.\n";

int cmd_gen(int argc, char **argv)
{
    const cli_command_t *self = cli_find("gen");
    const char *db = NULL, *responses = NULL, *seed = NULL, *months = NULL, *customers = NULL,
               *end = NULL;
    bool append = false;
    const cli_option_t options[] = {
        CLI_VALUE("db", &db),
        CLI_VALUE("responses", &responses),
        CLI_VALUE("seed", &seed),
        CLI_VALUE("months", &months),
        CLI_VALUE("customers", &customers),
        CLI_VALUE("end", &end),
        CLI_FLAG("append", &append),
        CLI_END,
    };
    int rc = cli_parse_options(self, argc, argv, 1, options, NULL);
    if (rc != CLI_OK)
        return rc;

    const char *path = cli_db_path(db);
    if (!path)
        return cli_usage_error(self, "no database: give --db FILE or set CXLOOP_DB");
    if (!responses)
        return cli_usage_error(self, "missing --responses N");
    if (!seed)
        return cli_usage_error(self, "missing --seed S");

    gen_config_t cfg = {.append = append};
    long value;
    if (!cli_parse_long(responses, 1, GEN_MAX_RESPONSES, &value))
        return cli_usage_error(self, "--responses must be a whole number from 1 to %lld",
                               GEN_MAX_RESPONSES);
    cfg.responses = value;
    if (!cli_parse_long(seed, 0, LONG_MAX, &value))
        return cli_usage_error(self, "--seed must be a whole number from 0 to %ld", LONG_MAX);
    cfg.seed = (uint64_t)value;
    if (months) {
        if (!cli_parse_long(months, 1, 240, &value))
            return cli_usage_error(self, "--months must be a whole number from 1 to 240");
        cfg.months = (int)value;
    }
    if (customers) {
        if (!cli_parse_long(customers, 1, GEN_MAX_CUSTOMERS, &value))
            return cli_usage_error(self, "--customers must be a whole number from 1 to %lld",
                                   GEN_MAX_CUSTOMERS);
        cfg.customers = value;
    }
    if (end && !gen_parse_date(end, &cfg.end_day))
        return cli_usage_error(self, "--end must be a date as YYYY-MM-DD, e.g. %s",
                               GEN_DEFAULT_END);

    store_t *store;
    if (cli_open_store_for_bulk_load(path, &store) != CLI_OK)
        return CLI_FAIL;
    char err[512];
    gen_summary_t summary;
    cx_result grc = gen_run(store, &cfg, &summary, err, sizeof err);
    store_close(store);
    if (grc) {
        cli_error("%s: %s", path, err[0] ? err : cx_result_text(grc));
        return CLI_FAIL;
    }
    buf_t line;
    buf_init(&line, 0);
    gen_summary_format(&summary, &line);
    printf("cxloop: gen: %s\n", buf_str(&line));
    buf_free(&line);
    return CLI_OK;
}
