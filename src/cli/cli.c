/*
 * cli.c — helpers shared by the subcommands (see cli.h).
 */
#include "cli/cli.h"

#include "core/secret.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const cli_command_t *cli_find(const char *name)
{
    for (const cli_command_t *c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("cxloop: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_usage_error(const cli_command_t *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("cxloop: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (cmd)
        fprintf(stderr, "cxloop: see 'cxloop %s --help'\n", cmd->name);
    return CLI_USAGE;
}

bool cli_wants_help(const char *command_name, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            const cli_command_t *cmd = cli_find(command_name);
            if (cmd)
                fputs(cmd->usage, stdout);
            return true;
        }
    }
    return false;
}

const char *cli_db_path(const char *db_option)
{
    if (db_option && *db_option)
        return db_option;
    const char *env = getenv("CXLOOP_DB");
    return env && *env ? env : NULL;
}

int cli_require_db(const cli_command_t *cmd, const char *db_option, const char **path)
{
    *path = cli_db_path(db_option);
    if (!*path)
        return cli_usage_error(cmd, "--db FILE is required (or set CXLOOP_DB)");
    return CLI_OK;
}

int cli_parse_db_options(const cli_command_t *cmd, int argc, char **argv, int first,
                         const cli_option_t *options, const char *const *db_option,
                         const char **path)
{
    *path = NULL;
    int rc = cli_parse_options(cmd, argc, argv, first, options, NULL);
    return rc ? rc : cli_require_db(cmd, *db_option, path);
}

static int open_store(const store_options_t *opt, store_t **out)
{
    char err[512];
    cx_result rc = store_open(opt, out, err, sizeof err);
    if (rc) {
        cli_error("%s", err[0] ? err : cx_result_text(rc));
        return CLI_FAIL;
    }
    return CLI_OK;
}

int cli_open_store(const char *path, bool create, store_t **out)
{
    store_options_t opt = {.path = path, .create = create, .readers = 2};
    return open_store(&opt, out);
}

int cli_open_store_for_serving(const char *path, bool create, store_t **out)
{
    store_options_t opt = {.path = path, .create = create, .readers = 16, .long_running = true};
    return open_store(&opt, out);
}

int cli_open_store_for_bulk_load(const char *path, store_t **out)
{
    store_options_t opt = {.path = path, .create = true, .readers = 2, .bulk_load = true};
    return open_store(&opt, out);
}

int cli_read(const char *path, store_job_fn fn, void *arg)
{
    store_t *store;
    if (cli_open_store(path, false, &store))
        return CLI_FAIL;
    cx_result rc = store_read(store, fn, arg);
    store_close(store);
    if (rc) {
        cli_error("%s: %s", path, cx_result_text(rc));
        return CLI_FAIL;
    }
    return CLI_OK;
}

int cli_obtain_password(bool from_stdin, char *hash, char *generated, size_t generated_len)
{
    char *typed = NULL;
    const char *password;
    generated[0] = '\0';
    if (from_stdin) {
        typed = cli_read_stdin_line();
        if (!typed) {
            cli_error("no password on standard input");
            return CLI_FAIL;
        }
        const char *weakness = secret_password_weakness(typed);
        if (weakness) {
            cli_error("%s", weakness);
            free(typed);
            return CLI_FAIL;
        }
        password = typed;
    } else {
        secret_generate_password(generated, generated_len);
        password = generated;
    }
    cx_result rc = secret_password_hash(password, hash);
    free(typed);
    if (rc) {
        cli_error("cannot hash the password (out of memory)");
        return CLI_FAIL;
    }
    return CLI_OK;
}

void cli_remove_database(const char *path)
{
    char side[4096];
    unlink(path);
    if (snprintf(side, sizeof side, "%s-wal", path) < (int)sizeof side)
        unlink(side);
    if (snprintf(side, sizeof side, "%s-shm", path) < (int)sizeof side)
        unlink(side);
}

int cli_parse_format(const cli_command_t *cmd, const char *value, bool csv_allowed,
                     cli_format_t *out)
{
    *out = CLI_FORMAT_TABLE;
    if (!value || strcmp(value, "table") == 0)
        return CLI_OK;
    if (strcmp(value, "json") == 0) {
        *out = CLI_FORMAT_JSON;
        return CLI_OK;
    }
    if (csv_allowed && strcmp(value, "csv") == 0) {
        *out = CLI_FORMAT_CSV;
        return CLI_OK;
    }
    return cli_usage_error(cmd, csv_allowed ? "--format must be table, csv or json"
                                            : "--format must be table or json");
}

void cli_format_time(int64_t t, char *out, size_t len)
{
    out[0] = '\0';
    if (t == 0)
        return;
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int cli_print_json(json_t *doc)
{
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(doc);
    if (!text) {
        cli_error("out of memory");
        return CLI_FAIL;
    }
    puts(text);
    free(text);
    return CLI_OK;
}

char *cli_read_stdin_line(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

bool cli_parse_long(const char *s, long min, long max, long *out)
{
    if (!s || !*s)
        return false;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

int cli_parse_options(const cli_command_t *cmd, int argc, char **argv, int first,
                      const cli_option_t *options, int *npositional)
{
    int positional = 0;
    bool only_positional = false;
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        if (only_positional || arg[0] != '-' || arg[1] != '-' || arg[2] == '\0') {
            if (!only_positional && strcmp(arg, "--") == 0) {
                only_positional = true;
                continue;
            }
            if (!npositional)
                return cli_usage_error(cmd, "unexpected argument '%s'", arg);
            argv[first + positional++] = argv[i];
            continue;
        }
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t name_len = eq ? (size_t)(eq - name) : strlen(name);
        const cli_option_t *opt = options;
        while (opt->name && (strlen(opt->name) != name_len || strncmp(opt->name, name, name_len)))
            opt++;
        if (!opt->name)
            return cli_usage_error(cmd, "unknown option '--%.*s'", (int)name_len, name);
        if (opt->flag) {
            if (eq)
                return cli_usage_error(cmd, "option '--%s' takes no value", opt->name);
            *opt->flag = true;
            continue;
        }
        const char *value;
        if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            return cli_usage_error(cmd, "option '--%s' needs a value", opt->name);
        }
        if (opt->list) {
            if (*opt->list_count >= opt->list_max)
                return cli_usage_error(cmd, "option '--%s' given more than %d times", opt->name,
                                       opt->list_max);
            opt->list[(*opt->list_count)++] = value;
            continue;
        }
        if (*opt->value)
            return cli_usage_error(cmd, "option '--%s' given twice", opt->name);
        *opt->value = value;
    }
    if (npositional)
        *npositional = positional;
    return CLI_OK;
}
