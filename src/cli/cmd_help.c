/*
 * cmd_help.c — `cxloop help [COMMAND]` and `cxloop version`.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "version.h"

const char cmd_help_usage[] =
    "usage: cxloop help [COMMAND]\n"
    "\n"
    "Without COMMAND, lists the commands; with it, shows that command's help\n"
    "(the same as 'cxloop COMMAND --help').\n";

const char cmd_version_usage[] =
    "usage: cxloop version\n"
    "\n"
    "Prints the version of cxloop and of the schema it writes.\n";

int cmd_help(int argc, char **argv)
{
    if (argc > 2)
        return cli_usage_error(cli_find("help"), "help takes at most one command");
    if (argc == 2) {
        const cli_command_t *cmd = cli_find(argv[1]);
        if (!cmd) {
            cli_error("unknown command '%s'; see 'cxloop help'", argv[1]);
            return CLI_USAGE;
        }
        fputs(cmd->usage, stdout);
        return CLI_OK;
    }
    printf("cxloop %s — customer experience management\n\n", CXLOOP_VERSION);
    printf("usage: cxloop COMMAND [OPTIONS]\n\ncommands:\n");
    for (const cli_command_t *c = cli_commands; c->name; c++)
        printf("  %-9s %s\n", c->name, c->summary);
    printf("\nEvery command answers --help. CXLOOP_DB may replace --db FILE.\n");
    return CLI_OK;
}

int cmd_version(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return cli_usage_error(cli_find("version"), "version takes no arguments");
    printf("cxloop %s (schema %d)\n", CXLOOP_VERSION, store_schema_latest());
    return CLI_OK;
}
