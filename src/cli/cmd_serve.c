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
#include "jobs/retention.h"
#include "jobs/mailer.h"
#include "store/accounts.h"
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
    "  --public-url URL     the server's public address, the start of survey links\n"
    "                       in QR codes and invitations (saved as the setting\n"
    "                       public_url; default http://localhost:PORT)\n"
    "  --smtp URL           send e-mail invitations through this SMTP server\n"
    "                       (smtp://HOST:PORT or smtps://HOST:PORT) while serving\n"
    "  --smtp-from ADDRESS  their sender address (required with --smtp)\n"
    "  --smtp-user NAME     log in as NAME; the password is read from\n"
    "                       $CXLOOP_SMTP_PASSWORD and STARTTLS is required\n"
    "  --mail-rate N        at most N messages a minute (default 60)\n"
    "  --mail-poll SECONDS  how often to look for queued invitations (default 60)\n"
    "  --remind-after DAYS  also remind, once, those invited DAYS days ago who\n"
    "                       have not answered\n"
    "  -h, --help           show this help\n"
    "\n"
    "While it serves, comment texts older than the setting\n"
    "comment_retention_days are removed at start and then daily (see\n"
    "'cxloop retention --help').\n"
    "\n"
    "Once the socket is bound it prints 'cxloop: listening on http://HOST:PORT/'\n"
    "on stdout. Exit status: 0 after a clean shutdown, 1 when it cannot start\n"
    "(for example 'address in use'), 2 for a usage error.\n";

static cx_result serve_public_url_write(db_conn_t *db, void *arg)
{
    return store_setting_set(db, "public_url", arg);
}

int cmd_serve(int argc, char **argv)
{
    const cli_command_t *self = cli_find("serve");
    const char *db = NULL, *listen = NULL, *threads = NULL, *max_body = NULL;
    bool no_access_log = false, trust_proxy = false;
    const char *public_url = NULL, *smtp = NULL, *smtp_from = NULL, *smtp_user = NULL,
               *mail_rate = NULL, *mail_poll = NULL, *remind_after = NULL;
    const cli_option_t options[] = {
        CLI_VALUE("public-url", &public_url),
        CLI_VALUE("smtp", &smtp),
        CLI_VALUE("smtp-from", &smtp_from),
        CLI_VALUE("smtp-user", &smtp_user),
        CLI_VALUE("mail-rate", &mail_rate),
        CLI_VALUE("mail-poll", &mail_poll),
        CLI_VALUE("remind-after", &remind_after),
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

    mailer_config_t mail = {.remind_after_days = -1};
    if (public_url && !mailer_base_url_valid(public_url))
        return cli_usage_error(self, "--public-url must be an http:// or https:// address "
                                     "without a query, such as https://cx.example.com");
    if (smtp) {
        if (strncmp(smtp, "smtp://", 7) != 0 && strncmp(smtp, "smtps://", 8) != 0)
            return cli_usage_error(self, "--smtp must be smtp://HOST:PORT or smtps://HOST:PORT");
        if (!smtp_from || !mailer_address_valid(smtp_from))
            return cli_usage_error(self, "--smtp needs --smtp-from ADDRESS, a plain address "
                                         "such as surveys@example.com");
        const char *password = getenv("CXLOOP_SMTP_PASSWORD");
        if (smtp_user && (!password || !*password))
            return cli_usage_error(self, "--smtp-user needs the password in "
                                         "$CXLOOP_SMTP_PASSWORD");
        long n;
        if (mail_rate && !cli_parse_long(mail_rate, 1, MAILER_RATE_MAX, &n))
            return cli_usage_error(self, "--mail-rate must be from 1 to %d", MAILER_RATE_MAX);
        mail.rate_per_minute = mail_rate ? (int)n : 0;
        if (mail_poll && !cli_parse_long(mail_poll, 1, 86400, &n))
            return cli_usage_error(self, "--mail-poll must be from 1 to 86400 seconds");
        opt.mail_poll_seconds = mail_poll ? (int)n : 0;
        if (remind_after && !cli_parse_long(remind_after, 0, 365, &n))
            return cli_usage_error(self, "--remind-after must be from 0 to 365 days");
        mail.remind_after_days = remind_after ? (int)n : -1;
        mail.smtp_url = smtp;
        mail.from = smtp_from;
        mail.username = smtp_user;
        mail.password = smtp_user ? password : NULL;
        opt.mail = &mail;
    } else if (smtp_from || smtp_user || mail_rate || mail_poll || remind_after) {
        return cli_usage_error(self, "the mail options need --smtp URL");
    }

    store_t *store;
    if (cli_open_store_for_serving(path, false, &store))
        return CLI_FAIL;
    if (public_url) {
        cx_result saved = store_write(store, serve_public_url_write, (void *)public_url);
        if (saved) {
            cli_error("%s: cannot save the public address: %s", path, cx_result_text(saved));
            store_close(store);
            return CLI_FAIL;
        }
    }
    if (opt.mail && mailer_global_init()) {
        cli_error("cannot initialise libcurl");
        store_close(store);
        return CLI_FAIL;
    }
    /* comment retention runs beside the server: a pass now, then daily */
    retention_t *retention = NULL;
    if (retention_start(store, &retention)) {
        cli_error("cannot start the comment retention job");
        if (opt.mail)
            mailer_global_cleanup();
        store_close(store);
        return CLI_FAIL;
    }
    rc = web_serve(store, &opt);
    retention_stop(retention);
    overview_cache_clear(); /* pages cached from the engine that is gone */
    store_close(store);
    if (opt.mail)
        mailer_global_cleanup();
    return rc == 0 ? CLI_OK : CLI_FAIL;
}
