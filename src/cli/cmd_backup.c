/*
 * cmd_backup.c — `cxloop backup`: a consistent copy of the database while
 * cxloop may be serving it.
 *
 * Uses the store's online backup (SQLite backup API under one read
 * snapshot), writes to a temporary file beside the target and renames it
 * into place, so the target is either the old file or a complete copy.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

const char cmd_backup_usage[] =
    "usage: cxloop backup --db FILE --out FILE\n"
    "\n"
    "Copies the database to --out, consistently, while other cxloop processes\n"
    "keep reading and writing it. The copy is a complete database that\n"
    "'cxloop serve --db COPY' can open. CXLOOP_DB may replace --db.\n";

int cmd_backup(int argc, char **argv)
{
    const cli_command_t *self = cli_find("backup");
    const char *db_option = NULL, *out = NULL;
    const cli_option_t options[] = {
        CLI_VALUE("db", &db_option), CLI_VALUE("out", &out), CLI_END};
    const char *path;
    int rc = cli_parse_db_options(self, argc, argv, 1, options, &db_option, &path);
    if (rc)
        return rc;
    if (!out)
        return cli_usage_error(self, "--out FILE is required");
    if (strcmp(out, path) == 0)
        return cli_usage_error(self, "--out must differ from --db");
    store_t *store;
    if (cli_open_store(path, false, &store))
        return CLI_FAIL;
    char err[512];
    cx_result brc = store_backup(store, out, err, sizeof err);
    store_close(store);
    if (brc) {
        cli_error("%s", err);
        return CLI_FAIL;
    }
    printf("cxloop: backed up %s to %s\n", path, out);
    return CLI_OK;
}
