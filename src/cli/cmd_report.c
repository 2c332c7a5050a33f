/*
 * cmd_report.c — `cxloop report`: the overview of a period written as one
 * self-contained HTML file (web/report.h), the same document the
 * "Download report" button of the overview serves, for mailing or
 * scheduled archiving without a running server.
 *
 * Relies on the engine (loads every response, then renders) and on the
 * report renderer; it never changes the database. The output is written
 * to a temporary file beside the target and renamed, so a failed run
 * leaves no half-written report behind.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "engine/engine.h"
#include "web/report.h"

const char cmd_report_usage[] =
    "usage: cxloop report --db FILE --out FILE.html [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
    "                     [--segment NAME] [--lang pl|en|ro]\n"
    "\n"
    "Writes the overview (summary, score tiles, NPS trend and mix, breakdowns by\n"
    "segment and touchpoint, data appendix) as one HTML file with its styles and\n"
    "charts inside: no script, nothing loaded from elsewhere. Open it in a browser\n"
    "and print it to PDF (A4).\n"
    "\n"
    "  --from/--to  the period, local dates in the organisation's time zone,\n"
    "               inclusive; compared with the equally long period before.\n"
    "               Without them: the 90 days ending on the newest response;\n"
    "               with only one of them: 90 days from or to it\n"
    "  --segment    only the customers of this segment\n"
    "  --lang       the report's language (default pl)\n"
    "\n"
    "CXLOOP_DB may replace --db.\n";

static int write_file(const char *path, const buf_t *doc)
{
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
        cli_error("%s: path too long", path);
        return CLI_FAIL;
    }
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        cli_error("%s: %s", tmp, strerror(errno));
        return CLI_FAIL;
    }
    bool ok = fwrite(doc->data, 1, doc->len, f) == doc->len;
    ok = fflush(f) == 0 && ok;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        cli_error("%s: %s", path, strerror(errno));
        unlink(tmp);
        return CLI_FAIL;
    }
    return CLI_OK;
}

int cmd_report(int argc, char **argv)
{
    const cli_command_t *self = cli_find("report");
    const char *db_option = NULL, *out = NULL, *from = NULL, *to = NULL, *segment = NULL,
               *lang = NULL;
    const cli_option_t options[] = {
        CLI_VALUE("db", &db_option), CLI_VALUE("out", &out),         CLI_VALUE("from", &from),
        CLI_VALUE("to", &to),        CLI_VALUE("segment", &segment), CLI_VALUE("lang", &lang),
        CLI_END,
    };
    const char *path;
    int rc = cli_parse_db_options(self, argc, argv, 1, options, &db_option, &path);
    if (rc)
        return rc;
    if (!out || !*out)
        return cli_usage_error(self, "--out FILE.html is required");
    i18n_lang_t language = LANG_PL;
    if (lang && !i18n_lang_parse(lang, &language))
        return cli_usage_error(self, "--lang: unknown language '%s' (pl, en or ro)", lang);
    int32_t day;
    if (from && !engine_parse_day(from, &day))
        return cli_usage_error(self, "--from: '%s' is not a date YYYY-MM-DD", from);
    if (to && !engine_parse_day(to, &day))
        return cli_usage_error(self, "--to: '%s' is not a date YYYY-MM-DD", to);

    store_t *store;
    if (cli_open_store(path, false, &store))
        return CLI_FAIL;
    engine_t *engine;
    char err[256];
    if (engine_open(store, &engine, err, sizeof err)) {
        cli_error("%s: %s", path, err);
        store_close(store);
        return CLI_FAIL;
    }
    web_app_t app;
    http_request_t req;
    report_context_init(&req, &app, store, engine, language, (int64_t)time(NULL));
    buf_t doc;
    buf_init(&doc, 0);
    overview_error_t why = {NULL, NULL};
    cx_result r = report_render(&req, from, to, segment, &doc, &why);
    if (r == CX_ERR_INVALID && why.field && strcmp(why.field, "segment") == 0)
        rc = cli_usage_error(self, "--segment: '%s' %s", segment, why.message);
    else if (r == CX_ERR_INVALID)
        rc = cli_usage_error(self, "--%s %s", why.field ? why.field : "from", why.message);
    else if (r)
        rc = (cli_error("%s: %s", path, cx_result_text(r)), CLI_FAIL);
    else
        rc = write_file(out, &doc);
    buf_free(&doc);
    report_context_free(&req);
    engine_free(engine);
    store_close(store);
    return rc;
}
