/*
 * cmd_init.c — `cxloop init`: creates an organisation's database and its
 * first administrator.
 *
 * The administrator's password is generated and printed once, or read from
 * stdin; there is never a default password. If anything fails, the new
 * file is removed, so a failed init leaves nothing behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/secret.h"
#include "store/accounts.h"

const char cmd_init_usage[] =
    "usage: cxloop init --db FILE [--admin-password-stdin] [--org-name NAME]\n"
    "\n"
    "Creates the database FILE (SQLite) with the newest schema and a user\n"
    "'admin' with the admin role. The administrator's password is generated\n"
    "and printed once; with --admin-password-stdin it is read from the first\n"
    "line of standard input instead (at least 10 characters).\n"
    "\n"
    "options:\n"
    "  --db FILE                 the database to create (or CXLOOP_DB)\n"
    "  --admin-password-stdin    read the administrator's password from stdin\n"
    "  --org-name NAME           the organisation's name shown in the interface\n";

typedef struct init_job {
    const char *password_hash;
    const char *org_name;
} init_job_t;

static cx_result init_write(db_conn_t *db, void *arg)
{
    const init_job_t *job = arg;
    int64_t now = store_now();
    store_user_t admin = {
        .name = "admin",
        .display_name = "Administrator",
        .role = "admin",
        .language = "pl",
        .password_hash = job->password_hash,
        .created_at = now,
    };
    cx_result rc = store_user_add(db, &admin, NULL);
    if (!rc)
        rc = store_setting_set(db, "org_name", job->org_name);
    if (!rc)
        rc = store_setting_set(db, "timezone", "Europe/Warsaw");
    if (!rc)
        rc = store_setting_set(db, "currency", "PLN");
    if (!rc)
        rc = store_audit_add(db, now, "cli", "user_added", "admin", "", "role=admin (init)");
    return rc;
}

int cmd_init(int argc, char **argv)
{
    const cli_command_t *self = cli_find("init");
    const char *db_option = NULL, *org_name = NULL;
    bool password_stdin = false;
    const cli_option_t options[] = {
        CLI_VALUE("db", &db_option),
        CLI_FLAG("admin-password-stdin", &password_stdin),
        CLI_VALUE("org-name", &org_name),
        CLI_END,
    };
    const char *path;
    int rc = cli_parse_db_options(self, argc, argv, 1, options, &db_option, &path);
    if (rc)
        return rc;
    if (access(path, F_OK) == 0) {
        cli_error("%s: already exists", path);
        return CLI_FAIL;
    }

    char generated[32];
    char hash[SECRET_PASSWORD_HASH_MAX];
    if (cli_obtain_password(password_stdin, hash, generated, sizeof generated))
        return CLI_FAIL;

    store_t *store;
    if (cli_open_store(path, true, &store) != CLI_OK) {
        cli_remove_database(path);
        return CLI_FAIL;
    }
    init_job_t job = {.password_hash = hash, .org_name = org_name ? org_name : "cxloop"};
    cx_result wrc = store_write(store, init_write, &job);
    store_close(store);
    if (wrc) {
        cli_error("%s: cannot create the administrator: %s", path, cx_result_text(wrc));
        cli_remove_database(path);
        return CLI_FAIL;
    }
    printf("cxloop: created %s\n", path);
    if (!password_stdin)
        printf("admin password: %s\n", generated);
    return CLI_OK;
}
