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
    "  --threads N          worker threads (default: one per CPU core)\n"
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

/* "--name VALUE" or "--name=VALUE"; advances *i past a separate value. */
static bool option_value(int argc, char **argv, int *i, const char *name, const char **out,
                         bool *missing)
{
    size_t n = strlen(name);
    const char *arg = argv[*i];
    if (strncmp(arg, name, n) != 0)
        return false;
    if (arg[n] == '=') {
        *out = arg + n + 1;
        return true;
    }
    if (arg[n] != '\0')
        return false;
    if (*i + 1 >= argc) {
        *missing = true;
        return true;
    }
    *out = argv[++*i];
    return true;
}

int cmd_serve(int argc, char **argv)
{
    const cli_command_t *self = cli_find("serve");
    const char *db = NULL, *listen = NULL, *threads = NULL, *max_body = NULL;
    web_options_t opt = {.access_log = true};

    for (int i = 1; i < argc; i++) {
        bool missing = false;
        const char *arg = argv[i];
        if (option_value(argc, argv, &i, "--db", &db, &missing) ||
            option_value(argc, argv, &i, "--listen", &listen, &missing) ||
            option_value(argc, argv, &i, "--threads", &threads, &missing) ||
            option_value(argc, argv, &i, "--max-body", &max_body, &missing)) {
            if (missing)
                return cli_usage_error(self, "%s needs a value", arg);
        } else if (strcmp(arg, "--no-access-log") == 0) {
            opt.access_log = false;
        } else if (strcmp(arg, "--trust-proxy") == 0) {
            opt.trust_proxy = true;
        } else {
            return cli_usage_error(self, "unknown option '%s'", arg);
        }
    }

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

    /* a read connection per worker thread, at least the store's default */
    store_t *store;
    char err[512] = "";
    store_options_t so = {
        .path = path, .create = false, .readers = opt.threads > 8 ? opt.threads : 0};
    cx_result src = store_open(&so, &store, err, sizeof err);
    if (src) {
        cli_error("%s", err[0] ? err : cx_result_text(src));
        return CLI_FAIL;
    }
    int rc = web_serve(store, &opt);
    store_close(store);
    return rc == 0 ? CLI_OK : CLI_FAIL;
}
