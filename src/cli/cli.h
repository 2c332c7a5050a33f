/*
 * cli.h — what every subcommand shares: the command table entry, exit
 * codes, error reporting, option helpers and opening the store.
 *
 * The contract automation relies on: errors go to stderr as
 * "cxloop: what is wrong" (with FILE:LINE:COLUMN: for input files), exit
 * status 0 for success, 1 for a failure, 2 for a usage error; every command
 * answers --help on stdout with status 0; CXLOOP_DB stands in for --db.
 */
#ifndef CX_CLI_H
#define CX_CLI_H

#include <jansson.h>
#include <stdbool.h>

#include "store/store.h"

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

typedef struct cli_command {
    const char *name;
    const char *summary; /* one line for `cxloop help` */
    const char *usage;   /* the full --help text */
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
} cli_command_t;

/* The table (main.c); NULL-terminated. */
extern const cli_command_t cli_commands[];
const cli_command_t *cli_find(const char *name);

/* "cxloop: " + message + newline on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the usage error and a hint to --help; returns CLI_USAGE. */
int cli_usage_error(const cli_command_t *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* true (after printing the usage on stdout) when argv holds --help or -h. */
bool cli_wants_help(const char *command_name, int argc, char **argv);

/* Options of a command, declared once in a table: `--name VALUE`,
 * `--name=VALUE` or a bare flag. A NULL name ends the table. */
typedef struct cli_option {
    const char *name;    /* without the leading dashes */
    const char **value;  /* set for options that take a value */
    bool *flag;          /* set for flags */
    const char **list;   /* set for repeatable options: values in order */
    int *list_count;
    int list_max;
} cli_option_t;

#define CLI_VALUE(option_name, target) {.name = (option_name), .value = (target)}
#define CLI_FLAG(option_name, target) {.name = (option_name), .flag = (target)}
#define CLI_LIST(option_name, array, count, max)                                                   \
    {.name = (option_name), .list = (array), .list_count = (count), .list_max = (max)}
#define CLI_END {.name = NULL}

/* Parses argv[first..argc) against the table. Positional arguments are
 * moved to the front of argv[first..] and counted in *npositional (pass
 * NULL to refuse them). Prints a usage error and returns CLI_USAGE for an
 * unknown option, a missing value or a repeated option. */
int cli_parse_options(const cli_command_t *cmd, int argc, char **argv, int first,
                      const cli_option_t *options, int *npositional);

/* The database path: the --db value, else $CXLOOP_DB, else NULL. */
const char *cli_db_path(const char *db_option);
/* The same into *path for a command that needs a database: CLI_OK, or
 * the usage error (printed) when neither names one. */
int cli_require_db(const cli_command_t *cmd, const char *db_option, const char **path);
/* The start of every command that works on a database and takes no
 * positional argument: cli_parse_options, then cli_require_db with what
 * the options put in *db_option. */
int cli_parse_db_options(const cli_command_t *cmd, int argc, char **argv, int first,
                         const cli_option_t *options, const char *const *db_option,
                         const char **path);

/* Opens the store, printing any error; returns CLI_OK or CLI_FAIL. */
int cli_open_store(const char *path, bool create, store_t **out);
/* The same for a server: a larger pool of read connections. */
int cli_open_store_for_serving(const char *path, bool create, store_t **out);
/* The same for loading generated data (store_options_t.bulk_load). */
int cli_open_store_for_bulk_load(const char *path, store_t **out);

/* Runs one read job on the database at path (opened and closed around
 * it), printing any error; CLI_OK or CLI_FAIL. */
int cli_read(const char *path, store_job_fn fn, void *arg);

/* A password for a new account or a reset: read from the first line of
 * stdin (checked against the password rules) or generated into generated
 * (printed by the caller once), then hashed into hash
 * (SECRET_PASSWORD_HASH_MAX bytes). CLI_OK or CLI_FAIL (message printed). */
int cli_obtain_password(bool from_stdin, char *hash, char *generated, size_t generated_len);

/* Removes a database file with its WAL and shared-memory files (after a
 * failed creation). */
void cli_remove_database(const char *path);

/* The --format of listings: table (the default), json, and csv where the
 * command offers it. Prints the usage error and returns CLI_USAGE for
 * anything else. */
typedef enum cli_format { CLI_FORMAT_TABLE, CLI_FORMAT_JSON, CLI_FORMAT_CSV } cli_format_t;
int cli_parse_format(const cli_command_t *cmd, const char *value, bool csv_allowed,
                     cli_format_t *out);

/* ISO 8601 UTC ("2026-11-23T12:00:00Z"), or "" for 0 (never). */
void cli_format_time(int64_t t, char *out, size_t len);

/* Prints a JSON document, indented, on stdout and releases it. */
int cli_print_json(json_t *doc);

/* Reads one line from stdin without its newline (for --*-stdin options).
 * Returns a malloc'd string (caller frees) or NULL at EOF/error. */
char *cli_read_stdin_line(void);

/* Parses a decimal integer in [min, max]; false if malformed. */
bool cli_parse_long(const char *s, long min, long max, long *out);

#endif
