/*
 * main.c — cxloop's entry point: finds the subcommand in the table and runs
 * it. Nothing else belongs here; each command lives in src/cli/cmd_NAME.c.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/secret.h"

#define COMMAND(name, summary) {#name, summary, cmd_##name##_usage, cmd_##name}

const cli_command_t cli_commands[] = {
    COMMAND(help, "show the commands, or the help of one"),
    COMMAND(version, "print the version"),
    COMMAND(init, "create a database and its first administrator"),
    COMMAND(serve, "serve the web interface and the API"),
    COMMAND(demo, "create (or reuse) the demo organisation and serve it"),
    COMMAND(user, "add, list, disable users and set passwords"),
    COMMAND(apikey, "create, list and revoke API keys"),
    COMMAND(backup, "copy the database safely while it is in use"),
    COMMAND(gen, "write synthetic data for tests and benchmarks"),
    COMMAND(metrics, "NPS, CSAT, CES, eNPS with intervals, by period and segment"),
    COMMAND(survey, "create and list surveys"),
    COMMAND(import, "load responses, feedback or customers from a CSV file"),
    COMMAND(customer, "export or erase everything about one customer (privacy)"),
    COMMAND(retention, "remove comment texts older than the retention period"),
    COMMAND(invite, "invite customers to a survey by e-mail, send, show status"),
    COMMAND(report, "write the overview as one HTML file that prints to PDF"),
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv)
{
    if (argc < 2)
        return cmd_help(1, argv);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return cmd_help(1, argv);
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(1, argv);
    const cli_command_t *cmd = cli_find(argv[1]);
    if (!cmd) {
        cli_error("unknown command '%s'; see 'cxloop help'", argv[1]);
        return CLI_USAGE;
    }
    if (secret_init() != CX_OK) {
        cli_error("cannot initialise the crypto library");
        return CLI_FAIL;
    }
    if (cli_wants_help(cmd->name, argc - 1, argv + 1))
        return CLI_OK;
    return cmd->run(argc - 1, argv + 1);
}
