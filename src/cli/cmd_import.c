/*
 * cmd_import.c — `cxloop import responses|customers|feedback`: loading a
 * CSV or TSV export into the organisation's database.
 *
 * A thin face of the import engine (importer.h): it reads the options,
 * opens the store for a bulk load, prints the engine's messages to stderr
 * as `cxloop: ...` lines and the summary to stdout. The promise (all or
 * nothing, FILE:LINE:COLUMN for every bad value) is the engine's.
 *
 * It must never print a partial success: the summary comes only after the
 * store job returned CX_OK.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/parse.h"
#include "importer/importer.h"
#include "store/feedback.h"

const char cmd_import_usage[] =
    "usage: cxloop import responses --db FILE --survey ID [options] FILE.csv\n"
    "       cxloop import feedback --db FILE [--source SOURCE] [options] FILE.csv\n"
    "       cxloop import customers --db FILE [options] FILE.csv\n"
    "\n"
    "Options:\n"
    "  --map FIELD=COLUMN,...   which column holds each field (default: the\n"
    "                           column whose header is the field's name)\n"
    "  --date-format FORMAT     e.g. '%d/%m/%Y %H:%M' (default: detected)\n"
    "  --encoding NAME          utf-8, windows-1250 or iso-8859-2 (default: detected)\n"
    "  --delimiter D            ',', ';', 'tab' or '|' (default: detected)\n"
    "  --quoting on|off         off reads '\"' as an ordinary character\n"
    "  --language CODE          language of rows that name none\n"
    "  --dry-run                check the whole file, write nothing\n"
    "\n"
    "Fields of responses: customer, submitted_at, score, comment, touchpoint,\n"
    "  channel, language, segment, q:KEY (any other question of the survey).\n"
    "  An empty score is a response that skipped the question.\n"
    "Fields of feedback: source, text, title, received_at, customer, touchpoint,\n"
    "  channel, language, rating, category, external_id. --source SOURCE\n"
    "  (complaint, ticket, review, call_note, chat, other) applies to rows\n"
    "  without one; --skip-empty leaves out rows whose text is blank.\n"
    "Fields of customers: external_id, name, email, language, segment,\n"
    "  account, value_tier, revenue, cost_to_serve, joined_at, churned_at,\n"
    "  attr:KEY. Every other column becomes an attribute named by its header.\n"
    "  Customers are matched by external_id: known ones are updated.\n"
    "\n"
    "The file is imported whole or not at all: every bad value is reported\n"
    "as FILE:LINE:COLUMN (the first 100), and nothing is written.\n"
    "CXLOOP_DB may replace --db.\n";

#define IMPORT_MAX_MAPS 32

typedef struct report_ctx {
    const cli_command_t *self;
    bool usage;
} report_ctx_t;

/* The engine's messages, as the command line has always printed them. */
static void report(void *ctx, importer_msg_t kind, const char *line)
{
    report_ctx_t *r = ctx;
    if (kind == IMPORTER_MSG_USAGE) {
        cli_usage_error(r->self, "%s", line);
        r->usage = true;
    } else {
        cli_error("%s", line);
    }
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void print_summary(const importer_options_t *o, const importer_summary_t *s,
                          double seconds)
{
    static const char *const what[] = {"responses", "feedback items", "customers"};
    buf_t b;
    buf_init(&b, 0);
    buf_printf(&b, "%s%lld %s", o->dry_run ? "dry run: " : "imported ", (long long)s->rows,
               what[o->kind]);
    if (o->kind == IMPORTER_RESPONSES)
        buf_printf(&b, " %s survey %lld", o->dry_run ? "for" : "into", (long long)s->survey_id);
    if (o->dry_run)
        buf_puts(&b, " are valid");
    if (o->kind == IMPORTER_RESPONSES)
        buf_printf(&b, " (%lld without a score)", (long long)s->skipped_score);
    if (o->kind == IMPORTER_FEEDBACK && o->skip_empty)
        buf_printf(&b, " (%lld with empty text skipped)", (long long)s->skipped_empty);
    if (o->kind == IMPORTER_CUSTOMERS)
        buf_printf(&b, " (%lld new, %lld updated)", (long long)s->created_customers,
                   (long long)s->updated);
    int64_t made[] = {o->kind == IMPORTER_CUSTOMERS ? 0 : s->created_customers,
                      s->created_touchpoints, s->created_segments, s->created_accounts};
    static const char *const made_what[] = {"customers", "touchpoints", "segments", "accounts"};
    bool first = true;
    for (size_t i = 0; i < 4; i++) {
        if (!made[i])
            continue;
        buf_printf(&b, "%s%lld %s", first ? (o->dry_run ? "; would create " : "; created ") : ", ",
                   (long long)made[i], made_what[i]);
        first = false;
    }
    buf_printf(&b, "%s in %.2f s", o->dry_run ? "; nothing written" : "", seconds);
    puts(buf_str(&b));
    buf_free(&b);
}

int cmd_import(int argc, char **argv)
{
    const cli_command_t *self = cli_find("import");
    if (argc < 2)
        return cli_usage_error(self, "missing what to import: responses, feedback or customers");
    importer_options_t o;
    memset(&o, 0, sizeof o);
    if (!importer_kind_parse(argv[1], &o.kind))
        return cli_usage_error(self, "cannot import '%s': use responses, feedback or customers",
                               argv[1]);
    const char *db_option = NULL, *survey = NULL, *date_format = NULL, *encoding = NULL,
               *delimiter = NULL, *quoting = NULL, *source = NULL, *language = NULL;
    const char *maps[IMPORT_MAX_MAPS];
    int nmaps = 0;
    bool dry_run = false, skip_empty = false;
    const cli_option_t options[] = {
        CLI_VALUE("db", &db_option),
        CLI_VALUE("survey", &survey),
        CLI_LIST("map", maps, &nmaps, IMPORT_MAX_MAPS),
        CLI_VALUE("date-format", &date_format),
        CLI_VALUE("encoding", &encoding),
        CLI_VALUE("delimiter", &delimiter),
        CLI_VALUE("quoting", &quoting),
        CLI_VALUE("source", &source),
        CLI_VALUE("language", &language),
        CLI_FLAG("dry-run", &dry_run),
        CLI_FLAG("skip-empty", &skip_empty),
        CLI_END,
    };
    int npositional = 0;
    int status = cli_parse_options(self, argc, argv, 2, options, &npositional);
    if (status)
        return status;
    if (npositional != 1)
        return cli_usage_error(self, npositional ? "give one file to import"
                                                 : "missing the file to import");
    const char *path;
    if ((status = cli_require_db(self, db_option, &path)))
        return status;
    if ((o.kind == IMPORTER_RESPONSES) != (survey != NULL))
        return cli_usage_error(self, o.kind == IMPORTER_RESPONSES
                                         ? "--survey ID is required for responses"
                                         : "--survey applies to responses only");
    if (source && o.kind != IMPORTER_FEEDBACK)
        return cli_usage_error(self, "--source applies to feedback only");
    if (skip_empty && o.kind != IMPORTER_FEEDBACK)
        return cli_usage_error(self, "--skip-empty applies to feedback only");
    if (source && !store_feedback_source_valid(source))
        return cli_usage_error(
            self, "--source must be complaint, ticket, review, call_note, chat or other");
    char lang[4] = "";
    if (language && !importer_language_code(language, strlen(language), lang))
        return cli_usage_error(self, "--language must be a language code such as pl, en or ro");

    if (encoding) {
        bool ok;
        o.csv.encoding = charset_from_name(encoding, &ok);
        if (!ok)
            return cli_usage_error(self, "--encoding must be utf-8, windows-1250 or iso-8859-2");
    }
    if (delimiter) {
        if (strcmp(delimiter, ",") == 0 || strcmp(delimiter, "comma") == 0)
            o.csv.delimiter = ',';
        else if (strcmp(delimiter, ";") == 0 || strcmp(delimiter, "semicolon") == 0)
            o.csv.delimiter = ';';
        else if (strcmp(delimiter, "tab") == 0 || strcmp(delimiter, "\t") == 0 ||
                 strcmp(delimiter, "\\t") == 0)
            o.csv.delimiter = '\t';
        else if (strcmp(delimiter, "|") == 0)
            o.csv.delimiter = '|';
        else
            return cli_usage_error(self, "--delimiter must be ',', ';', 'tab' or '|'");
    }
    if (quoting && strcmp(quoting, "off") == 0)
        o.csv.no_quoting = true;
    else if (quoting && strcmp(quoting, "on") != 0)
        return cli_usage_error(self, "--quoting must be on or off");
    buf_t msg;
    buf_init(&msg, 0);
    if (date_format && parse_date_pattern_check(date_format, &msg)) {
        status = cli_usage_error(self, "--date-format '%s': %s", date_format, buf_str(&msg));
        buf_free(&msg);
        return status;
    }
    buf_free(&msg);
    if (o.kind == IMPORTER_RESPONSES) {
        long id;
        if (cli_parse_long(survey, 1, 0x7fffffffL, &id))
            o.survey_id = id;
        else
            o.survey_slug = survey;
    }
    report_ctx_t rep = {.self = self};
    o.name = argv[2];
    o.dry_run = dry_run;
    o.skip_empty = skip_empty;
    o.fixed_source = source;
    o.default_language = lang[0] ? lang : NULL;
    o.date_pattern = date_format;
    o.report = report;
    o.report_ctx = &rep;

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct stat st;
    store_t *store = NULL;
    FILE *f = NULL;
    importer_t *im = NULL;
    char *map_copies[IMPORT_MAX_MAPS];
    int ncopies = 0;
    status = CLI_FAIL;
    if (stat(path, &st) != 0) {
        cli_error("%s: no such database (create it with 'cxloop init')", path);
        goto out;
    }
    if (cli_open_store_for_bulk_load(path, &store))
        goto out;
    for (; ncopies < nmaps; ncopies++)
        if (!(map_copies[ncopies] = strdup(maps[ncopies]))) {
            cli_error("out of memory");
            goto out;
        }
    o.maps = map_copies;
    o.nmaps = (size_t)nmaps;
    if (!(im = importer_new(&o))) {
        cli_error("out of memory");
        goto out;
    }
    importer_status_t st_prep = importer_prepare(im, store);
    const importer_summary_t *sum = importer_summary(im);
    if (st_prep == IMPORTER_NO_SURVEY) {
        cli_error("no survey %s (see 'cxloop survey list')", survey);
        goto out;
    }
    if (st_prep == IMPORTER_STORE) {
        cli_error("%s: %s", path, cx_result_text(sum->store_failure));
        goto out;
    }
    if (st_prep)
        goto out;
    f = fopen(o.name, "rb");
    if (!f) {
        cli_error("%s: %s", o.name, strerror(errno));
        goto out;
    }
    importer_status_t st_run = importer_run(im, store, f);
    if (st_run == IMPORTER_USAGE || rep.usage) {
        status = CLI_USAGE;
        goto out;
    }
    if (st_run == IMPORTER_FAILED)
        goto out;
    if (sum->errors > IMPORTER_MAX_ERRORS)
        cli_error("and %lld more", (long long)(sum->errors - IMPORTER_MAX_ERRORS));
    if (sum->store_failure) {
        cli_error("%s: %s; nothing imported", path, cx_result_text(sum->store_failure));
        goto out;
    }
    if (sum->errors) {
        cli_error("%s: %lld error%s; nothing imported", o.name, (long long)sum->errors,
                  sum->errors == 1 ? "" : "s");
        goto out;
    }
    if (sum->job_result) {
        cli_error("%s: %s; nothing imported", path, cx_result_text(sum->job_result));
        goto out;
    }
    /* the rows are stored; their comments' search index is part of the
     * import's time (a failure here leaves them to the next writer) */
    if (!o.dry_run && store_catch_up(store) != CX_OK)
        cli_error("the imported rows will be searchable once cxloop next writes");
    print_summary(&o, sum, seconds_since(&t0));
    status = CLI_OK;
out:
    importer_free(im);
    for (int i = 0; i < ncopies; i++)
        free(map_copies[i]);
    if (store)
        store_close(store);
    if (f)
        fclose(f);
    return status;
}
