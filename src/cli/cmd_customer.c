/*
 * cmd_customer.c — `cxloop customer export|erase`: the privacy duties
 * towards one customer from the command line (the API has the same as
 * GET /api/v1/customers/REF/export and POST .../erase).
 *
 * Relies on store/privacy.h inside one store_write job per action, which
 * also writes the audit line (actor "cli"). Must never erase without
 * --yes, and never write an export where others may read it: the file is
 * created with mode 0600.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "store/accounts.h"
#include "store/customers.h"
#include "store/privacy.h"

const char cmd_customer_usage[] =
    "usage: cxloop customer export --db FILE (--id N | --external-id X) [--out FILE]\n"
    "       cxloop customer erase --db FILE (--id N | --external-id X) --yes\n"
    "\n"
    "'export' writes everything stored about one customer as one JSON\n"
    "document (profile, attributes, segment, account, responses with answers\n"
    "and comments, feedback items, invitations, cases and case notes) on\n"
    "standard output, or to FILE (created readable by its owner only).\n"
    "\n"
    "'erase' removes the customer's identity (external id, name, e-mail,\n"
    "attributes) and everything they wrote (comments, free-text answers,\n"
    "feedback texts, case notes) in one transaction; their scores stay in the\n"
    "statistics, counted in the same segment and account. It cannot be\n"
    "undone, hence --yes. Erasing an erased customer changes nothing.\n"
    "Both are written to the audit log. CXLOOP_DB may replace --db.\n";

typedef struct customer_action {
    int64_t id;
    const char *external_id;
    bool erase;
    json_t *doc;
    bool already;
    int64_t erased_at;
    privacy_counts_t counts;
} customer_action_t;

static cx_result customer_action_job(db_conn_t *db, void *arg)
{
    customer_action_t *a = arg;
    cx_result rc = a->external_id ? customers_find_external(db, a->external_id, &a->id) : CX_OK;
    if (rc)
        return rc;
    int64_t now = store_now();
    if (!a->erase)
        return privacy_export_audited(db, a->id, now, "cli", "", &a->doc);
    return privacy_erase_audited(db, a->id, now, "cli", "", &a->already, &a->erased_at,
                                 &a->counts);
}

static int write_export(json_t *doc, const char *out)
{
    if (!out)
        return cli_print_json(doc);
    /* the same text as on stdout, into a file only the owner can read */
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
    json_decref(doc);
    if (!text) {
        cli_error("out of memory");
        return CLI_FAIL;
    }
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        cli_error("%s: %s", out, strerror(errno));
        free(text);
        return CLI_FAIL;
    }
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    int failed = done < len || write(fd, "\n", 1) != 1;
    failed |= close(fd) != 0;
    free(text);
    if (failed) {
        cli_error("%s: cannot write the export", out);
        return CLI_FAIL;
    }
    return CLI_OK;
}

int cmd_customer(int argc, char **argv)
{
    const cli_command_t *self = cli_find("customer");
    if (argc < 2)
        return cli_usage_error(self, "missing action: export or erase");
    const char *action = argv[1];
    bool erase = strcmp(action, "erase") == 0;
    if (!erase && strcmp(action, "export") != 0)
        return cli_usage_error(self, "unknown action '%s': use export or erase", action);
    const char *db = NULL, *id = NULL, *external = NULL, *out = NULL;
    bool yes = false;
    const cli_option_t export_options[] = {CLI_VALUE("db", &db), CLI_VALUE("id", &id),
                                           CLI_VALUE("external-id", &external),
                                           CLI_VALUE("out", &out), CLI_END};
    const cli_option_t erase_options[] = {CLI_VALUE("db", &db), CLI_VALUE("id", &id),
                                          CLI_VALUE("external-id", &external),
                                          CLI_FLAG("yes", &yes), CLI_END};
    const char *path;
    int rc = cli_parse_db_options(self, argc, argv, 2, erase ? erase_options : export_options, &db,
                                  &path);
    if (rc)
        return rc;
    if (!id == !external)
        return cli_usage_error(self, "name the customer with --id N or --external-id X");
    customer_action_t a = {.external_id = external, .erase = erase};
    long n = 0;
    if (id && !cli_parse_long(id, 1, 9007199254740991L, &n))
        return cli_usage_error(self, "--id must be a customer's id (a positive number)");
    a.id = n;
    if (external && !*external)
        return cli_usage_error(self, "--external-id must not be empty");
    if (erase && !yes)
        return cli_usage_error(self, "erasure cannot be undone: add --yes to erase");

    store_t *store;
    if (cli_open_store(path, false, &store))
        return CLI_FAIL;
    cx_result result = store_write(store, customer_action_job, &a);
    store_close(store);
    if (result == CX_ERR_NOT_FOUND) {
        if (external)
            cli_error("no customer with external id '%s'", external);
        else
            cli_error("no customer with id %lld", (long long)a.id);
        return CLI_FAIL;
    }
    if (result) {
        cli_error("%s: %s", path, cx_result_text(result));
        return CLI_FAIL;
    }
    if (!erase)
        return write_export(a.doc, out);
    char when[32];
    cli_format_time(a.erased_at, when, sizeof when);
    if (a.already)
        printf("customer %lld was erased already (%s); nothing changed\n", (long long)a.id,
               when);
    else
        printf("customer %lld erased: %lld comment(s), %lld free-text answer(s), %lld feedback "
               "text(s), %lld case note(s) removed; %lld invitation(s) detached\n",
               (long long)a.id, (long long)a.counts.comments, (long long)a.counts.text_answers,
               (long long)a.counts.feedback_texts, (long long)a.counts.case_notes,
               (long long)a.counts.invitations);
    return CLI_OK;
}
