/*
 * cmd_serve.c — `cxloop serve`: the web interface and the API of one
 * database until SIGINT or SIGTERM.
 *
 * Parses the options, opens the store (it must exist: `cxloop init` makes
 * it) and hands both to web_serve (web/server.h), which prints the
 * "listening" line once the socket is bound. Must never create a database
 * and never start serving with an option it did not understand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "web/overview.h"
#include "web/server.h"

const char cmd_serve_usage[] =
    "usage: cxloop serve --db FILE [options]\n"
    "\n"
    "Serves the web interface and the API of one organisation's database\n"
    "until SIGINT or SIGTERM; then stops accepting, lets requests in flight\n"
    "finish (up to 10 seconds) and exits with status 0.\n"
    "\n"
    "options:\n"
    "  --db FILE            the database, made by 'cxloop init' (or $CXLOOP_DB)\n"
    "  --listen HOST:PORT   address to listen on (default 127.0.0.1:8080;\n"
    "                       [::1]:8080 for IPv6, 0.0.0.0:8080 for every address)\n"
    "  --threads N          worker threads (default 32: a thread waiting for its\n"
    "                       write to be committed lets others join that commit)\n"
    "  --max-body BYTES     largest request body accepted (default 10485760);\n"
    "                       larger ones get 413\n"
    "  --no-access-log      do not log one line per request on stderr\n"
    "  --trust-proxy        behind a reverse proxy: take the client address from\n"
    "                       X-Forwarded-For and HTTPS from X-Forwarded-Proto\n"
    "  -h, --help           show this help\n"
    "\n"
    "Once the socket is bound it prints 'cxloop: listening on http://HOST:PORT/'\n"
    "on stdout. Exit status: 0 after a clean shutdown, 1 when it cannot start\n"
    "(for example 'address in use'), 2 for a usage error.\n";

int cmd_serve(int argc, char **argv)
{
    const cli_command_t *self = cli_find("serve");
    const char *db = NULL, *listen = NULL, *threads = NULL, *max_body = NULL;
    bool no_access_log = false, trust_proxy = false;
    const cli_option_t options[] = {
        CLI_VALUE("db", &db),
        CLI_VALUE("listen", &listen),
        CLI_VALUE("threads", &threads),
        CLI_VALUE("max-body", &max_body),
        CLI_FLAG("no-access-log", &no_access_log),
        CLI_FLAG("trust-proxy", &trust_proxy),
        CLI_END,
    };
    int rc = cli_parse_options(self, argc, argv, 1, options, NULL);
    if (rc)
        return rc;
    web_options_t opt = {.access_log = !no_access_log, .trust_proxy = trust_proxy};

    const char *path = cli_db_path(db);
    if (!path)
        return cli_usage_error(self, "no database: give --db FILE or set CXLOOP_DB");
    if (listen && !web_listen_valid(listen))
        return cli_usage_error(self, "--listen %s: expected HOST:PORT with a port from 1 to 65535",
                               listen);
    opt.listen = listen;
    if (threads) {
        long n;
        if (!cli_parse_long(threads, 1, 256, &n))
            return cli_usage_error(self, "--threads must be a number from 1 to 256");
        opt.threads = (int)n;
    }
    if (max_body) {
        long n;
        if (!cli_parse_long(max_body, 1, 1L << 30, &n))
            return cli_usage_error(self, "--max-body must be a number of bytes from 1 to %ld",
                                   1L << 30);
        opt.max_body = (size_t)n;
    }

    store_t *store;
    if (cli_open_store_for_serving(path, false, &store))
        return CLI_FAIL;
    rc = web_serve(store, &opt);
    overview_cache_clear(); /* pages cached from the engine that is gone */
    store_close(store);
    return rc == 0 ? CLI_OK : CLI_FAIL;
}
