/*
 * cmd_survey.c — `cxloop survey create|list`: making a survey from the
 * command line (for imports and automation) and listing the surveys.
 *
 * Relies on store/surveys.h for everything stored. `create` prints only
 * the new survey's id on stdout, so scripts can capture it. Must never
 * leave a half-made survey: the survey and its questions are one job.
 */
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/qr.h"
#include "jobs/mailer.h"
#include "store/accounts.h"
#include "store/orgdata.h"
#include "store/surveys.h"

const char cmd_survey_usage[] =
    "usage: cxloop survey create --db FILE --kind nps|csat|ces|enps|custom --name NAME\n"
    "                            [--touchpoint NAME] [--channel NAME] [--lang pl,en,ro]\n"
    "       cxloop survey list --db FILE [--format table|json]\n"
    "       cxloop survey qr --db FILE --survey ID|SLUG --format svg|png --out FILE\n"
    "                        [--base-url URL] [--size PIXELS]\n"
    "\n"
    "'create' prints the new survey's id. Its public address (slug) is made\n"
    "from the name; its main question follows the kind (nps, enps: 0-10;\n"
    "csat: 1-5; ces: 1-7; custom: none), followed by a comment question\n"
    "'komentarz'. --touchpoint names an existing touchpoint; --lang lists\n"
    "the languages the survey is offered in (default pl).\n"
    "'qr' writes the QR code of the survey's public link BASE/s/SLUG for\n"
    "print (SVG, or PNG with --size pixels per module, 1-40, default 8); BASE\n"
    "is --base-url, else the setting public_url, else http://localhost:8080.\n"
    "CXLOOP_DB may replace --db.\n";

typedef struct survey_create_job {
    surveys_new_t survey;
    const char *touchpoint;
    int64_t id;
    bool no_touchpoint;
} survey_create_job_t;

static cx_result survey_create_write(db_conn_t *db, void *arg)
{
    survey_create_job_t *j = arg;
    if (j->touchpoint) {
        cx_result rc = orgdata_touchpoint_find(db, j->touchpoint, &j->survey.touchpoint_id);
        if (rc == CX_ERR_NOT_FOUND)
            j->no_touchpoint = true;
        if (rc)
            return rc;
    }
    j->survey.created_at = store_now();
    return surveys_create(db, &j->survey, &j->id, NULL);
}

/* Checks a comma list of languages and writes it back without duplicates. */
static bool languages_valid(const char *list, char *out, size_t out_len)
{
    static const char *const known[] = {"pl", "en", "ro"};
    bool seen[3] = {false, false, false};
    const char *p = list;
    size_t used = 0;
    out[0] = '\0';
    while (true) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        size_t k = 0;
        while (k < 3 && !(strlen(known[k]) == n && strncmp(known[k], p, n) == 0))
            k++;
        if (k == 3)
            return false;
        if (!seen[k]) {
            seen[k] = true;
            used += (size_t)snprintf(out + used, out_len - used, "%s%s", used ? "," : "", known[k]);
        }
        if (!end)
            break;
        p = end + 1;
    }
    return used > 0;
}

static int survey_create(const cli_command_t *self, const char *path, const char *kind,
                         const char *name, const char *touchpoint, const char *channel,
                         const char *lang)
{
    if (!kind)
        return cli_usage_error(self, "--kind is required: nps, csat, ces, enps or custom");
    if (!surveys_kind_valid(kind))
        return cli_usage_error(self, "unknown kind '%s': use nps, csat, ces, enps or custom",
                               kind);
    if (!name || !*name)
        return cli_usage_error(self, "--name NAME is required");
    if (strlen(name) > 200)
        return cli_usage_error(self, "--name is longer than 200 bytes");
    char languages[16] = "pl";
    if (lang && !languages_valid(lang, languages, sizeof languages))
        return cli_usage_error(self, "--lang must be a comma list of pl, en and ro, not '%s'",
                               lang);
    survey_create_job_t job = {
        .survey = {.kind = kind, .name = name, .channel = channel, .languages = languages},
        .touchpoint = touchpoint,
    };
    store_t *store;
    if (cli_open_store(path, false, &store))
        return CLI_FAIL;
    cx_result rc = store_write(store, survey_create_write, &job);
    store_close(store);
    if (job.no_touchpoint) {
        cli_error("no touchpoint named '%s'", touchpoint);
        return CLI_FAIL;
    }
    if (rc) {
        cli_error("%s: %s", path, cx_result_text(rc));
        return CLI_FAIL;
    }
    printf("%lld\n", (long long)job.id);
    return CLI_OK;
}

typedef struct survey_listing {
    arena_t arena;
    surveys_info_t *rows;
    size_t count;
} survey_listing_t;

static cx_result survey_list_read(db_conn_t *db, void *arg)
{
    survey_listing_t *l = arg;
    return surveys_list(db, &l->arena, &l->rows, &l->count);
}

static int print_surveys(const survey_listing_t *l, bool json)
{
    if (json) {
        json_t *array = json_array();
        for (size_t i = 0; i < l->count; i++) {
            const surveys_info_t *s = &l->rows[i];
            char created[32];
            cli_format_time(s->created_at, created, sizeof created);
            json_array_append_new(
                array, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I, s:s}", "id",
                                 (json_int_t)s->id, "slug", s->slug, "kind", s->kind, "name",
                                 s->name, "touchpoint", s->touchpoint, "channel", s->channel,
                                 "languages", s->languages, "open", s->open, "responses",
                                 (json_int_t)s->responses, "created_at", created));
        }
        return cli_print_json(array);
    }
    printf("%-6s %-7s %-30s %-10s %-20s %s\n", "ID", "KIND", "SLUG", "RESPONSES", "TOUCHPOINT",
           "NAME");
    for (size_t i = 0; i < l->count; i++) {
        const surveys_info_t *s = &l->rows[i];
        printf("%-6lld %-7s %-30s %-10lld %-20s %s\n", (long long)s->id, s->kind, s->slug,
               (long long)s->responses, s->touchpoint[0] ? s->touchpoint : "-", s->name);
    }
    return CLI_OK;
}

static int survey_list(const cli_command_t *self, const char *path, const char *format)
{
    cli_format_t shape;
    int usage = cli_parse_format(self, format, false, &shape);
    if (usage)
        return usage;
    bool json = shape == CLI_FORMAT_JSON;
    survey_listing_t listing = {.count = 0};
    arena_init(&listing.arena);
    int status = cli_read(path, survey_list_read, &listing);
    if (!status)
        status = print_surveys(&listing, json);
    arena_free(&listing.arena);
    return status;
}

/* ---- qr ---- */

typedef struct survey_qr_job {
    const char *ref;
    arena_t arena;
    surveys_info_t survey;
    const char *public_url;
} survey_qr_job_t;

static cx_result survey_qr_read(db_conn_t *db, void *arg)
{
    survey_qr_job_t *j = arg;
    cx_result rc = surveys_get_by_ref(db, &j->arena, j->ref, &j->survey);
    if (!rc)
        rc = store_setting_get(db, &j->arena, "public_url", &j->public_url);
    return rc;
}

static int survey_qr(const cli_command_t *self, int argc, char **argv)
{
    const char *db_option = NULL, *survey = NULL, *format = NULL, *out = NULL,
               *base_url = NULL, *size = NULL;
    const cli_option_t options[] = {
        CLI_VALUE("db", &db_option),  CLI_VALUE("survey", &survey),
        CLI_VALUE("format", &format), CLI_VALUE("out", &out),
        CLI_VALUE("base-url", &base_url), CLI_VALUE("size", &size),
        CLI_END,
    };
    const char *path;
    int rc = cli_parse_db_options(self, argc, argv, 2, options, &db_option, &path);
    if (rc)
        return rc;
    if (!survey)
        return cli_usage_error(self, "--survey ID is required");
    if (!format || (strcmp(format, "svg") != 0 && strcmp(format, "png") != 0))
        return cli_usage_error(self, "--format must be svg or png");
    bool png = strcmp(format, "png") == 0;
    if (!out || !*out)
        return cli_usage_error(self, "--out FILE is required");
    if (base_url && !mailer_base_url_valid(base_url))
        return cli_usage_error(self, "--base-url must be an http:// or https:// address "
                                     "without a query, such as https://cx.example.com");
    long px = QR_PNG_MODULE_DEFAULT;
    if (size && (!png || !cli_parse_long(size, QR_PNG_MODULE_MIN, QR_PNG_MODULE_MAX, &px)))
        return cli_usage_error(self, "--size is for PNG only: pixels per module from %d to %d",
                               QR_PNG_MODULE_MIN, QR_PNG_MODULE_MAX);
    survey_qr_job_t job = {.ref = survey};
    arena_init(&job.arena);
    store_t *store;
    int status = cli_open_store(path, false, &store);
    if (status) {
        arena_free(&job.arena);
        return status;
    }
    cx_result r = store_read(store, survey_qr_read, &job);
    store_close(store);
    if (r) {
        if (r == CX_ERR_NOT_FOUND)
            cli_error("no survey '%s'", survey);
        else
            cli_error("%s: %s", path, cx_result_text(r));
        arena_free(&job.arena);
        return CLI_FAIL;
    }
    const char *base = base_url                                ? base_url
                       : job.public_url && *job.public_url ? job.public_url
                                                               : "http://localhost:8080";
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    buf_t link, picture;
    buf_init(&link, 4096);
    buf_init(&picture, 0);
    buf_append(&link, base, n);
    buf_printf(&link, "/s/%u", job.survey.slug);
    r = buf_result(&link);
    if (!r)
        r = png ? qr_png(buf_str(&link), (int)px, &picture) : qr_svg(buf_str(&link), &picture);
    status = CLI_OK;
    if (r) {
        cli_error("cannot make the QR code of %s: %s", buf_str(&link), cx_result_text(r));
        status = CLI_FAIL;
    } else {
        FILE *f = fopen(out, "wb");
        if (!f || fwrite(picture.data, 1, picture.len, f) != picture.len || fclose(f) != 0) {
            cli_error("%s: cannot write: %s", out, strerror(errno));
            status = CLI_FAIL;
        } else {
            printf("%s\n", buf_str(&link));
        }
    }
    buf_free(&link);
    buf_free(&picture);
    arena_free(&job.arena);
    return status;
}

int cmd_survey(int argc, char **argv)
{
    const cli_command_t *self = cli_find("survey");
    if (argc < 2)
        return cli_usage_error(self, "missing action: create or list");
    const char *action = argv[1];
    if (strcmp(action, "qr") == 0)
        return survey_qr(self, argc, argv);
    const char *db_option = NULL, *kind = NULL, *name = NULL, *touchpoint = NULL,
               *channel = NULL, *lang = NULL, *format = NULL;
    const cli_option_t create_options[] = {
        CLI_VALUE("db", &db_option),     CLI_VALUE("kind", &kind),
        CLI_VALUE("name", &name),        CLI_VALUE("touchpoint", &touchpoint),
        CLI_VALUE("channel", &channel),  CLI_VALUE("lang", &lang),
        CLI_END,
    };
    const cli_option_t list_options[] = {
        CLI_VALUE("db", &db_option), CLI_VALUE("format", &format), CLI_END};
    bool create = strcmp(action, "create") == 0;
    if (!create && strcmp(action, "list") != 0)
        return cli_usage_error(self, "unknown action '%s': use create or list", action);
    const char *path;
    int rc = cli_parse_db_options(self, argc, argv, 2, create ? create_options : list_options,
                                  &db_option, &path);
    if (rc)
        return rc;
    if (create)
        return survey_create(self, path, kind, name, touchpoint, channel, lang);
    return survey_list(self, path, format);
}
