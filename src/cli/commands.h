/*
 * commands.h — the entry points and help texts of the subcommands, one
 * pair per file src/cli/cmd_NAME.c. main.c lists them in cli_commands[].
 */
#ifndef CX_COMMANDS_H
#define CX_COMMANDS_H

#define CLI_DECLARE_COMMAND(name)                                                                  \
    int cmd_##name(int argc, char **argv);                                                         \
    extern const char cmd_##name##_usage[]

CLI_DECLARE_COMMAND(help);
CLI_DECLARE_COMMAND(version);
CLI_DECLARE_COMMAND(init);
CLI_DECLARE_COMMAND(serve);
CLI_DECLARE_COMMAND(demo);
CLI_DECLARE_COMMAND(user);
CLI_DECLARE_COMMAND(apikey);
CLI_DECLARE_COMMAND(backup);
CLI_DECLARE_COMMAND(gen);
CLI_DECLARE_COMMAND(metrics);
CLI_DECLARE_COMMAND(survey);
CLI_DECLARE_COMMAND(import);
/* privacy */
CLI_DECLARE_COMMAND(customer);
CLI_DECLARE_COMMAND(retention);
CLI_DECLARE_COMMAND(invite);
CLI_DECLARE_COMMAND(report);

#endif
