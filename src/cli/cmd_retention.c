/*
 * cmd_retention.c — `cxloop retention`: how many comment texts the
 * retention period would remove now, removing them (--apply), and setting
 * the period (--set-days).
 *
 * Relies on store/privacy.h for the counts and the statements, the same
 * the server's daily pass (jobs/retention.c) runs, so both remove exactly
 * the same texts. A dry run writes nothing; it is the default because the
 * removal cannot be undone.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "store/accounts.h"
#include "store/privacy.h"

const char cmd_retention_usage[] =
    "usage: cxloop retention --db FILE [--days N] [--apply]\n"
    "       cxloop retention --db FILE --set-days N\n"
    "\n"
    "Comment texts (response comments, answers to free-text questions and\n"
    "feedback item texts) older than the retention period are removed; the\n"
    "scores, ratings and choices stay in the statistics. The period is the\n"
    "setting comment_retention_days (0 or unset: keep forever); while\n"
    "'cxloop serve' runs, a pass at start and then daily applies it.\n"
    "\n"
    "Without --apply this is a dry run: it prints how many texts would be\n"
    "removed now and writes nothing. --days N uses N days instead of the\n"
    "setting for this run. --set-days N stores the period (0 turns it off).\n"
    "Removals and changes of the period are written to the audit log.\n"
    "CXLOOP_DB may replace --db.\n";

typedef struct retention_cli {
    bool apply, set;
    int days;         /* -1: the setting's */
    int days_used;
    int64_t before;
    privacy_counts_t counts;
} retention_cli_t;

static cx_result retention_cli_job(db_conn_t *db, void *arg)
{
    retention_cli_t *r = arg;
    int64_t now = store_now();
    cx_result rc;
    if (r->set) {
        char detail[64];
        snprintf(detail, sizeof detail, "%s=%d", PRIVACY_RETENTION_SETTING, r->days);
        rc = privacy_retention_set_days(db, r->days);
        if (!rc)
            rc = store_audit_add(db, now, "cli", "setting_changed", PRIVACY_RETENTION_SETTING,
                                 "", detail);
        return rc;
    }
    r->days_used = r->days;
    if (r->days < 0 && (rc = privacy_retention_days(db, &r->days_used)))
        return rc;
    if (r->days_used == 0)
        return CX_OK;
    r->before = now - (int64_t)r->days_used * 86400;
    if (!r->apply)
        return privacy_retention_count(db, r->before, &r->counts);
    /* logged even when nothing went: the user asked for it */
    return privacy_retention_apply_audited(db, now, r->days_used, "cli", true, &r->counts);
}

int cmd_retention(int argc, char **argv)
{
    const cli_command_t *self = cli_find("retention");
    const char *db = NULL, *days = NULL, *set_days = NULL;
    bool apply = false;
    const cli_option_t options[] = {CLI_VALUE("db", &db), CLI_VALUE("days", &days),
                                    CLI_VALUE("set-days", &set_days), CLI_FLAG("apply", &apply),
                                    CLI_END};
    const char *path;
    int rc = cli_parse_db_options(self, argc, argv, 1, options, &db, &path);
    if (rc)
        return rc;
    retention_cli_t r = {.apply = apply, .days = -1};
    long n;
    if (set_days) {
        if (days || apply)
            return cli_usage_error(self, "--set-days goes alone (without --days or --apply)");
        if (!cli_parse_long(set_days, 0, PRIVACY_RETENTION_DAYS_MAX, &n))
            return cli_usage_error(self, "--set-days must be a number of days from 0 to %d",
                                   PRIVACY_RETENTION_DAYS_MAX);
        r.set = true;
        r.days = (int)n;
    } else if (days) {
        if (!cli_parse_long(days, 1, PRIVACY_RETENTION_DAYS_MAX, &n))
            return cli_usage_error(self, "--days must be a number of days from 1 to %d",
                                   PRIVACY_RETENTION_DAYS_MAX);
        r.days = (int)n;
    }
    store_t *store;
    if (cli_open_store(path, false, &store))
        return CLI_FAIL;
    /* a dry run only reads: one snapshot, nothing written */
    cx_result result = r.apply || r.set ? store_write(store, retention_cli_job, &r)
                                        : store_read(store, retention_cli_job, &r);
    store_close(store);
    if (result == CX_ERR_INVALID) {
        cli_error("the setting %s is not a number of days from 0 to %d; fix it with --set-days",
                  PRIVACY_RETENTION_SETTING, PRIVACY_RETENTION_DAYS_MAX);
        return CLI_FAIL;
    }
    if (result) {
        cli_error("%s: %s", path, cx_result_text(result));
        return CLI_FAIL;
    }
    if (r.set) {
        if (r.days)
            printf("comment retention set to %d day(s)\n", r.days);
        else
            printf("comment retention turned off: comment texts are kept\n");
        return CLI_OK;
    }
    if (r.days_used == 0) {
        printf("comment retention is off (%s is 0 or unset): nothing to remove\n",
               PRIVACY_RETENTION_SETTING);
        return CLI_OK;
    }
    char when[32];
    cli_format_time(r.before, when, sizeof when);
    printf("%s texts written before %s (%d day(s)): %lld comment(s), %lld free-text answer(s), "
           "%lld feedback text(s)\n",
           r.apply ? "removed" : "would remove", when, r.days_used, (long long)r.counts.comments,
           (long long)r.counts.text_answers, (long long)r.counts.feedback_texts);
    return CLI_OK;
}
