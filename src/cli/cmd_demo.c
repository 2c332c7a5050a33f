/*
 * cmd_demo.c — `cxloop demo`: the demo organisation in one command.
 *
 * Creates the demo database when it is missing (gen/demo_org.h), reuses
 * it when it is there and marked as a demo, gives the user admin a fresh
 * random password and serves the organisation (web/server.h), printing the
 * address and the login once listening. Must never open a database that is
 * not a demo one (it would reset its administrator's password), never use
 * a fixed password, and never leave a half-made demo file behind.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/secret.h"
#include "gen/demo_org.h"
#include "web/server.h"

const char cmd_demo_usage[] =
    "usage: cxloop demo [--db FILE] [--listen HOST:PORT]\n"
    "\n"
    "Serves the demo organisation: Telko Polska S.A., an invented Polish\n"
    "telecom with 18 months of customer feedback (about 50,000 survey\n"
    "responses from 8,000 customers), KPIs, cases and initiatives.\n"
    "\n"
    "The database FILE is created when it does not exist and reused when it\n"
    "is a demo database; any other database is refused. Each run gives the\n"
    "user 'admin' a new random password and prints it with the address.\n"
    "Stop it with Ctrl-C.\n"
    "\n"
    "options:\n"
    "  --db FILE            the demo database (default " DEMO_DEFAULT_DB " in the\n"
    "                       current directory; $CXLOOP_DB is not used, so the\n"
    "                       demo never touches a real organisation's database)\n"
    "  --listen HOST:PORT   address to serve on (default 127.0.0.1:8080)\n"
    "  -h, --help           show this help\n";

int cmd_demo(int argc, char **argv)
{
    const cli_command_t *self = cli_find("demo");
    const char *db = NULL, *listen = NULL;
    const cli_option_t options[] = {
        CLI_VALUE("db", &db),
        CLI_VALUE("listen", &listen),
        CLI_END,
    };
    int rc = cli_parse_options(self, argc, argv, 1, options, NULL);
    if (rc != CLI_OK)
        return rc;
    const char *path = db && *db ? db : DEMO_DEFAULT_DB;
    if (!listen)
        listen = "127.0.0.1:8080";
    if (!web_listen_valid(listen))
        return cli_usage_error(self, "--listen %s: expected HOST:PORT with a port from 1 to 65535",
                               listen);

    char password[32], hash[SECRET_PASSWORD_HASH_MAX];
    secret_generate_password(password, sizeof password);
    if (secret_password_hash(password, hash) != CX_OK) {
        cli_error("cannot hash the administrator's password");
        return CLI_FAIL;
    }

    bool exists = access(path, F_OK) == 0;
    store_t *store;
    if (cli_open_store_for_serving(path, !exists, &store) != CLI_OK)
        return CLI_FAIL;
    char err[512] = "";
    cx_result grc;
    if (!exists) {
        printf("cxloop: creating the demo organisation in %s ...\n", path);
        fflush(stdout);
        grc = demo_org_create(store, hash, err, sizeof err);
        if (grc) {
            store_close(store);
            cli_remove_database(path);
            cli_error("%s: %s", path, err[0] ? err : cx_result_text(grc));
            return CLI_FAIL;
        }
    } else {
        bool is_demo = false;
        grc = demo_org_check(store, &is_demo);
        if (!grc && !is_demo) {
            store_close(store);
            cli_error("%s: not a demo database; serve it with 'cxloop serve --db %s'", path, path);
            return CLI_FAIL;
        }
        if (!grc)
            grc = demo_org_set_admin_password(store, hash);
        if (grc) {
            store_close(store);
            cli_error("%s: %s", path, cx_result_text(grc));
            return CLI_FAIL;
        }
    }

    /* The address people can open: a wildcard listen address is reached
     * through the loopback. */
    const char *shown = listen;
    char loopback[64];
    if (strncmp(listen, "0.0.0.0:", 8) == 0) {
        snprintf(loopback, sizeof loopback, "127.0.0.1:%s", listen + 8);
        shown = loopback;
    } else if (strncmp(listen, "[::]:", 5) == 0) {
        snprintf(loopback, sizeof loopback, "[::1]:%s", listen + 5);
        shown = loopback;
    }
    char banner[256];
    snprintf(banner, sizeof banner,
             "cxloop: demo organisation ready: http://%s/  user: admin  password: %s\n", shown,
             password);
    web_options_t opt = {.listen = listen, .access_log = true, .banner = banner};
    int served = web_serve(store, &opt);
    memset(password, 0, sizeof password);
    memset(banner, 0, sizeof banner);
    store_close(store);
    return served == 0 ? CLI_OK : CLI_FAIL;
}
