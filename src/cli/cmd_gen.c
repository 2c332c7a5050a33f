/* cmd_gen.c — being written in this session; replaced before the first landing. */
#include "cli/cli.h"
#include "cli/commands.h"
const char cmd_gen_usage[] = "usage: cxloop gen\n";
int cmd_gen(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("gen is not available yet");
    return CLI_FAIL;
}
