/* cmd_serve.c — being written in this session; replaced before the first landing. */
#include "cli/cli.h"
#include "cli/commands.h"
const char cmd_serve_usage[] = "usage: cxloop serve\n";
int cmd_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("serve is not available yet");
    return CLI_FAIL;
}
