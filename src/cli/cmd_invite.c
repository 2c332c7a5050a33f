/*
 * cmd_invite.c — `cxloop invite`: inviting customers to a survey by
 * e-mail, sending the invitations and reminders, and showing where they
 * stand.
 *
 * Relies on store/invitations.h (what is stored), jobs/mailer.h (the
 * sending, the same code the server's mailer thread runs) and
 * store/surveys.h (finding the survey by id or address). Queuing is one
 * write job, so an invitation run lands whole or not at all. Must never
 * print or store an invitation token, and never take a password from the
 * command line (other users can read it in the process list).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "jobs/mailer.h"
#include "store/accounts.h"
#include "store/invitations.h"
#include "store/surveys.h"

const char cmd_invite_usage[] =
    "usage: cxloop invite --db FILE --survey ID|SLUG (--segment NAME | --customers FILE | --all)\n"
    "                     [--not-within DAYS] [--dry-run]\n"
    "       cxloop invite send --db FILE --smtp URL --from ADDRESS [--rate N[/min]]\n"
    "                     [--base-url URL] [--remind-after DAYS] [--smtp-user NAME]\n"
    "       cxloop invite status --db FILE --survey ID|SLUG [--format table|json] [--limit N]\n"
    "\n"
    "The first form queues one e-mail invitation per customer of the audience:\n"
    "every customer (--all), the customers of a segment (--segment), or those\n"
    "whose external ids are listed one per line in FILE (--customers; blank\n"
    "lines and lines starting with # are skipped). Customers whose data was\n"
    "erased, who have no e-mail address, or who were invited to the same\n"
    "survey in the last DAYS days (--not-within, default 30; 0 invites again)\n"
    "are skipped, and the summary says how many and why. --dry-run only counts.\n"
    "\n"
    "'send' mails the queued invitations through the SMTP server at URL\n"
    "(smtp://HOST:PORT, or smtps://HOST:PORT for TLS from the start), at most\n"
    "N per minute (default 60), each with its personal link BASE/s/SLUG?t=TOKEN.\n"
    "BASE is --base-url (which is also remembered as the setting public_url),\n"
    "else that setting, else http://localhost:8080. With --remind-after DAYS it\n"
    "then sends one reminder to each invitation sent at least DAYS days ago and\n"
    "not answered yet; a reminder carries a new link, which replaces the first.\n"
    "With --smtp-user the password is read from $CXLOOP_SMTP_PASSWORD and\n"
    "STARTTLS is required. A recipient refused with a 5xx reply fails at once\n"
    "(the reply is kept as the reason); a 4xx reply is retried by a run ten\n"
    "minutes later or more, three times at most. When the server cannot be used the run stops, nothing\n"
    "is counted against the invitations, and the exit status is 1.\n"
    "\n"
    "'status' shows the counts per status and the latest invitations with the\n"
    "reason of each failure.\n"
    "CXLOOP_DB may replace --db.\n";

#define INVITE_LIST_MAX 100000 /* external ids in one --customers file */

/* ---- finding the survey ---- */

typedef struct survey_find_job {
    const char *ref;
    arena_t arena;
    surveys_info_t survey;
} survey_find_job_t;

static cx_result survey_find(db_conn_t *db, survey_find_job_t *j)
{
    return surveys_get_by_ref(db, &j->arena, j->ref, &j->survey);
}

/* ---- queueing ---- */

typedef struct create_job {
    survey_find_job_t find;
    invitations_request_t request;
    invitations_summary_t summary;
    const char *what; /* what was not found or refused */
} create_job_t;

static cx_result create_write(db_conn_t *db, void *arg)
{
    create_job_t *j = arg;
    cx_result rc = survey_find(db, &j->find);
    if (rc == CX_ERR_NOT_FOUND)
        j->what = "survey";
    if (rc)
        return rc;
    j->request.survey_id = j->find.survey.id;
    return invitations_create(db, &j->request, &j->summary, &j->what);
}

/* Reads the external ids of FILE; a malloc'd array of malloc'd strings. */
static int read_id_file(const char *path, char ***ids_out, size_t *count_out)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        cli_error("%s: cannot open: %s", path, strerror(errno));
        return CLI_FAIL;
    }
    char **ids = NULL;
    size_t count = 0, alloc = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    int status = CLI_OK;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' ||
                         line[n - 1] == '\t'))
            line[--n] = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#')
            continue;
        if (strlen(p) > 200) {
            cli_error("%s:%ld:1: an external id is at most 200 bytes", path, lineno);
            status = CLI_FAIL;
            break;
        }
        if (count == INVITE_LIST_MAX) {
            cli_error("%s:%ld:1: more than %d ids", path, lineno, INVITE_LIST_MAX);
            status = CLI_FAIL;
            break;
        }
        if (count == alloc) {
            alloc = alloc ? 2 * alloc : 64;
            char **bigger = realloc(ids, alloc * sizeof *bigger);
            if (!bigger) {
                status = CLI_FAIL;
                cli_error("out of memory");
                break;
            }
            ids = bigger;
        }
        if (!(ids[count] = strdup(p))) {
            status = CLI_FAIL;
            cli_error("out of memory");
            break;
        }
        count++;
    }
    free(line);
    fclose(f);
    if (status) {
        for (size_t i = 0; i < count; i++)
            free(ids[i]);
        free(ids);
        return status;
    }
    *ids_out = ids;
    *count_out = count;
    return CLI_OK;
}

static void print_summary(const create_job_t *j)
{
    const invitations_summary_t *s = &j->summary;
    bool dry = j->request.dry_run;
    printf("survey %lld (%s): %lld customer%s matched\n", (long long)j->find.survey.id,
           j->find.survey.slug, (long long)s->matched, s->matched == 1 ? "" : "s");
    printf("  %-28s %lld\n", dry ? "would be queued" : "queued", (long long)s->created);
    printf("  %-28s %lld\n", "skipped, data erased", (long long)s->skipped_erased);
    printf("  %-28s %lld\n", "skipped, no e-mail", (long long)s->skipped_no_email);
    char recent[64];
    snprintf(recent, sizeof recent, "skipped, invited < %d days", j->request.recent_days);
    printf("  %-28s %lld\n", j->request.recent_days > 0 ? recent : "skipped, invited recently",
           (long long)s->skipped_recent);
    if (j->request.audience == INVITATIONS_CUSTOMERS)
        printf("  %-28s %lld\n", "unknown external ids", (long long)s->unknown_ids);
    if (dry)
        printf("dry run: nothing was queued\n");
}

static int invite_create(const cli_command_t *self, int argc, char **argv)
{
    const char *db_option = NULL, *survey = NULL, *segment = NULL, *customers = NULL,
               *not_within = NULL;
    bool all = false, dry_run = false;
    const cli_option_t options[] = {
        CLI_VALUE("db", &db_option),         CLI_VALUE("survey", &survey),
        CLI_VALUE("segment", &segment),      CLI_VALUE("customers", &customers),
        CLI_VALUE("not-within", &not_within), CLI_FLAG("all", &all),
        CLI_FLAG("dry-run", &dry_run),       CLI_END,
    };
    int first = strcmp(argv[1], "create") == 0 ? 2 : 1;
    const char *path;
    int rc = cli_parse_db_options(self, argc, argv, first, options, &db_option, &path);
    if (rc)
        return rc;
    if (!survey)
        return cli_usage_error(self, "--survey ID is required");
    if ((segment != NULL) + (customers != NULL) + all != 1)
        return cli_usage_error(self, "name the audience once: --segment NAME, --customers FILE "
                                     "or --all");
    long days = INVITATIONS_RECENT_DAYS;
    if (not_within && !cli_parse_long(not_within, 0, 3650, &days))
        return cli_usage_error(self, "--not-within must be a number of days from 0 to 3650");

    create_job_t job = {
        .find = {.ref = survey},
        .request = {.audience = all       ? INVITATIONS_ALL
                                : segment ? INVITATIONS_SEGMENT
                                          : INVITATIONS_CUSTOMERS,
                    .segment = segment, .recent_days = (int)days, .dry_run = dry_run,
                    .now = store_now()},
    };
    char **ids = NULL;
    size_t id_count = 0;
    if (customers) {
        if (read_id_file(customers, &ids, &id_count))
            return CLI_FAIL;
        job.request.external_ids = (const char *const *)ids;
        job.request.external_count = id_count;
    }
    arena_init(&job.find.arena);
    store_t *store;
    int status = cli_open_store(path, false, &store);
    if (!status) {
        cx_result r = store_write(store, create_write, &job);
        store_close(store);
        if (r == CX_ERR_NOT_FOUND && job.what && strcmp(job.what, "segment") == 0) {
            cli_error("no segment named '%s'", segment);
            status = CLI_FAIL;
        } else if (r == CX_ERR_NOT_FOUND && job.what) {
            cli_error("no survey '%s'", survey);
            status = CLI_FAIL;
        } else if (r == CX_ERR_INVALID && job.what) {
            cli_error("survey '%s' is closed; open it before inviting", survey);
            status = CLI_FAIL;
        } else if (r) {
            cli_error("%s: %s", path, cx_result_text(r));
            status = CLI_FAIL;
        } else {
            print_summary(&job);
        }
    }
    arena_free(&job.find.arena);
    for (size_t i = 0; i < id_count; i++)
        free(ids[i]);
    free(ids);
    return status;
}

/* ---- sending ---- */

static bool cli_wait(void *ctx, long ms)
{
    (void)ctx;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
    return true;
}

typedef struct base_url_job {
    const char *url;
} base_url_job_t;

static cx_result base_url_write(db_conn_t *db, void *arg)
{
    base_url_job_t *j = arg;
    return store_setting_set(db, "public_url", j->url);
}

static int invite_send(const cli_command_t *self, int argc, char **argv)
{
    const char *db_option = NULL, *smtp = NULL, *from = NULL, *rate = NULL, *base_url = NULL,
               *remind_after = NULL, *smtp_user = NULL;
    const cli_option_t options[] = {
        CLI_VALUE("db", &db_option),       CLI_VALUE("smtp", &smtp),
        CLI_VALUE("from", &from),          CLI_VALUE("rate", &rate),
        CLI_VALUE("base-url", &base_url),  CLI_VALUE("remind-after", &remind_after),
        CLI_VALUE("smtp-user", &smtp_user), CLI_END,
    };
    const char *path;
    int rc = cli_parse_db_options(self, argc, argv, 2, options, &db_option, &path);
    if (rc)
        return rc;
    if (!smtp || (strncmp(smtp, "smtp://", 7) != 0 && strncmp(smtp, "smtps://", 8) != 0))
        return cli_usage_error(self, "--smtp URL is required: smtp://HOST:PORT or "
                                     "smtps://HOST:PORT");
    if (!from || !mailer_address_valid(from))
        return cli_usage_error(self, "--from ADDRESS is required: a plain address such as "
                                     "surveys@example.com");
    long per_minute = MAILER_RATE_DEFAULT;
    if (rate) {
        char number[32];
        size_t n = strcspn(rate, "/");
        if (n >= sizeof number || (rate[n] && strcmp(rate + n, "/min") != 0))
            return cli_usage_error(self, "--rate must be N or N/min");
        memcpy(number, rate, n);
        number[n] = '\0';
        if (!cli_parse_long(number, 1, MAILER_RATE_MAX, &per_minute))
            return cli_usage_error(self, "--rate must be from 1 to %d messages a minute",
                                   MAILER_RATE_MAX);
    }
    if (base_url && !mailer_base_url_valid(base_url))
        return cli_usage_error(self, "--base-url must be an http:// or https:// address "
                                     "without a query, such as https://cx.example.com");
    long remind = -1;
    if (remind_after && !cli_parse_long(remind_after, 0, 365, &remind))
        return cli_usage_error(self, "--remind-after must be a number of days from 0 to 365");
    const char *password = getenv("CXLOOP_SMTP_PASSWORD");
    if (smtp_user && (!password || !*password))
        return cli_usage_error(self, "--smtp-user needs the password in $CXLOOP_SMTP_PASSWORD");

    mailer_config_t cfg = {
        .smtp_url = smtp,
        .username = smtp_user,
        .password = smtp_user ? password : NULL,
        .from = from,
        .base_url = base_url,
        .rate_per_minute = (int)per_minute,
        .remind_after_days = (int)remind,
    };
    if (mailer_global_init()) {
        cli_error("cannot initialise libcurl");
        return CLI_FAIL;
    }
    store_t *store;
    if (cli_open_store(path, false, &store)) {
        mailer_global_cleanup();
        return CLI_FAIL;
    }
    cx_result r = CX_OK;
    if (base_url) {
        base_url_job_t job = {base_url};
        r = store_write(store, base_url_write, &job);
    }
    mailer_stats_t stats;
    memset(&stats, 0, sizeof stats);
    if (!r)
        r = mailer_run(store, &cfg, cli_wait, NULL, &stats);
    store_close(store);
    mailer_global_cleanup();
    printf("invitations: %lld sent, %lld failed, %lld back in the queue\n", (long long)stats.sent,
           (long long)stats.failed, (long long)stats.requeued);
    if (remind >= 0)
        printf("reminders: %lld sent, %lld failed\n", (long long)stats.reminded,
               (long long)stats.reminders_failed);
    printf("%lld batch%s, %ld ms between messages (%ld a minute)\n", (long long)stats.batches,
           stats.batches == 1 ? "" : "es", stats.delay_ms, per_minute);
    if (r == CX_ERR_IO) {
        cli_error("%s: %s", smtp, stats.stopped_by);
        return CLI_FAIL;
    }
    if (r) {
        cli_error("%s: %s", path, stats.stopped_by[0] ? stats.stopped_by : cx_result_text(r));
        return CLI_FAIL;
    }
    return CLI_OK;
}

/* ---- status ---- */

typedef struct status_job {
    survey_find_job_t find;
    int limit;
    invitations_counts_t counts;
    invitations_row_t *rows;
    size_t count;
} status_job_t;

static cx_result status_read(db_conn_t *db, void *arg)
{
    status_job_t *j = arg;
    cx_result rc = survey_find(db, &j->find);
    if (!rc)
        rc = invitations_count(db, j->find.survey.id, &j->counts);
    if (!rc)
        rc = invitations_list(db, &j->find.arena, j->find.survey.id, j->limit, &j->rows,
                              &j->count);
    return rc;
}

static int print_status(const status_job_t *j, bool json)
{
    const invitations_counts_t *c = &j->counts;
    if (json) {
        json_t *rows = json_array();
        for (size_t i = 0; i < j->count; i++) {
            const invitations_row_t *r = &j->rows[i];
            char created[32], sent[32], reminded[32], answered[32];
            cli_format_time(r->created_at, created, sizeof created);
            cli_format_time(r->sent_at, sent, sizeof sent);
            cli_format_time(r->reminded_at, reminded, sizeof reminded);
            cli_format_time(r->answered_at, answered, sizeof answered);
            json_array_append_new(
                rows, json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s}", "id",
                                (json_int_t)r->id, "customer", r->customer_external_id, "email",
                                r->email, "status", r->status, "reason", r->status_detail,
                                "attempts", r->attempts, "created_at", created, "sent_at", sent,
                                "reminded_at", reminded, "answered_at", answered));
        }
        return cli_print_json(json_pack(
            "{s:I, s:s, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:o}", "survey",
            (json_int_t)j->find.survey.id, "slug", j->find.survey.slug, "counts", "queued",
            (json_int_t)c->queued, "sent", (json_int_t)c->sent, "failed", (json_int_t)c->failed,
            "answered", (json_int_t)c->answered, "total", (json_int_t)c->total, "reminded",
            (json_int_t)c->reminded, "invitations", rows));
    }
    printf("survey %lld (%s): %lld invitation%s\n", (long long)j->find.survey.id,
           j->find.survey.slug, (long long)c->total, c->total == 1 ? "" : "s");
    printf("  queued %lld, sent %lld, failed %lld, answered %lld; reminded %lld\n",
           (long long)c->queued, (long long)c->sent, (long long)c->failed, (long long)c->answered,
           (long long)c->reminded);
    if (j->count == 0)
        return CLI_OK;
    printf("\n%-7s %-16s %-32s %-9s %-20s %s\n", "ID", "CUSTOMER", "E-MAIL", "STATUS", "SENT",
           "REASON");
    for (size_t i = 0; i < j->count; i++) {
        const invitations_row_t *r = &j->rows[i];
        char sent[32];
        cli_format_time(r->sent_at, sent, sizeof sent);
        printf("%-7lld %-16s %-32s %-9s %-20s %s\n", (long long)r->id,
               r->customer_external_id[0] ? r->customer_external_id : "-", r->email, r->status,
               sent[0] ? sent : "-", r->status_detail);
    }
    return CLI_OK;
}

static int invite_status(const cli_command_t *self, int argc, char **argv)
{
    const char *db_option = NULL, *survey = NULL, *format = NULL, *limit = NULL;
    const cli_option_t options[] = {CLI_VALUE("db", &db_option), CLI_VALUE("survey", &survey),
                                    CLI_VALUE("format", &format), CLI_VALUE("limit", &limit),
                                    CLI_END};
    const char *path;
    int rc = cli_parse_db_options(self, argc, argv, 2, options, &db_option, &path);
    if (rc)
        return rc;
    if (!survey)
        return cli_usage_error(self, "--survey ID is required");
    cli_format_t shape;
    if ((rc = cli_parse_format(self, format, false, &shape)))
        return rc;
    long n = 20;
    if (limit && !cli_parse_long(limit, 0, 10000, &n))
        return cli_usage_error(self, "--limit must be from 0 to 10000");
    status_job_t job = {.find = {.ref = survey}, .limit = (int)n};
    arena_init(&job.find.arena);
    store_t *store;
    int status = cli_open_store(path, false, &store);
    if (!status) {
        cx_result r = store_read(store, status_read, &job);
        store_close(store);
        if (r == CX_ERR_NOT_FOUND) {
            cli_error("no survey '%s'", survey);
            status = CLI_FAIL;
        } else if (r) {
            cli_error("%s: %s", path, cx_result_text(r));
            status = CLI_FAIL;
        } else {
            status = print_status(&job, shape == CLI_FORMAT_JSON);
        }
    }
    arena_free(&job.find.arena);
    return status;
}

int cmd_invite(int argc, char **argv)
{
    const cli_command_t *self = cli_find("invite");
    if (argc < 2)
        return cli_usage_error(self, "missing the survey and audience, or an action: send, "
                                     "status");
    if (strcmp(argv[1], "send") == 0)
        return invite_send(self, argc, argv);
    if (strcmp(argv[1], "status") == 0)
        return invite_status(self, argc, argv);
    if (strcmp(argv[1], "create") == 0 || strncmp(argv[1], "--", 2) == 0)
        return invite_create(self, argc, argv);
    return cli_usage_error(self, "unknown action '%s': use send or status, or give --survey",
                           argv[1]);
}
