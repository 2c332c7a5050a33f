/* cmd_demo.c — being written in this session; replaced before the first landing. */
#include "cli/cli.h"
#include "cli/commands.h"
const char cmd_demo_usage[] = "usage: cxloop demo\n";
int cmd_demo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("demo is not available yet");
    return CLI_FAIL;
}
