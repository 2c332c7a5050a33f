/*
 * cmd_user.c — `cxloop user add|list|passwd|disable|enable`: managing
 * people's accounts from the command line (for the first administrator's
 * colleagues, scripts and locked-out admins).
 *
 * Each change is written together with its audit entry (actor "cli") in one
 * transaction. Disabling a user, or setting their password, ends their
 * sessions. The last enabled administrator cannot be disabled.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/names.h"
#include "core/roles.h"
#include "core/secret.h"
#include "store/accounts.h"

const char cmd_user_usage[] =
    "usage: cxloop user add --db FILE --name NAME --role ROLE [--display-name TEXT]\n"
    "                       [--email ADDRESS] [--language pl|en|ro] [--password-stdin]\n"
    "       cxloop user list --db FILE [--format table|json]\n"
    "       cxloop user passwd --db FILE --name NAME [--password-stdin]\n"
    "       cxloop user disable --db FILE --name NAME\n"
    "       cxloop user enable --db FILE --name NAME\n"
    "\n"
    "Roles: admin, manager, analyst, agent, viewer.\n"
    "Without --password-stdin, 'add' and 'passwd' generate a password and print\n"
    "it once; with it, the first line of standard input is the password (at\n"
    "least 10 characters). 'passwd' and 'disable' end the user's sessions.\n"
    "CXLOOP_DB may replace --db.\n";

typedef struct user_change {
    const char *action;  /* add, passwd, disable, enable */
    store_user_t user;   /* name, role, ... for add */
    const char *password_hash;
} user_change_t;

static cx_result user_change_write(db_conn_t *db, void *arg)
{
    user_change_t *c = arg;
    int64_t now = store_now();
    cx_result rc;
    const char *audit_action;
    char detail[128] = "";
    if (strcmp(c->action, "add") == 0) {
        c->user.created_at = now;
        c->user.password_hash = c->password_hash;
        rc = store_user_add(db, &c->user, NULL);
        audit_action = "user_added";
        snprintf(detail, sizeof detail, "role=%s", c->user.role);
    } else {
        arena_t arena;
        arena_init(&arena);
        store_user_t existing;
        rc = store_user_find_by_name(db, &arena, c->user.name, &existing);
        if (!rc && strcmp(c->action, "passwd") == 0) {
            rc = store_user_set_password(db, c->user.name, c->password_hash, now);
            if (!rc)
                rc = store_session_revoke_user(db, existing.id, now);
            audit_action = "user_password_set";
        } else if (!rc && strcmp(c->action, "disable") == 0) {
            if (strcmp(existing.role, "admin") == 0 && !existing.disabled &&
                store_user_count_admins(db) <= 1)
                rc = CX_ERR_CONFLICT;
            if (!rc)
                rc = store_user_set_disabled(db, c->user.name, true);
            if (!rc)
                rc = store_session_revoke_user(db, existing.id, now);
            audit_action = "user_disabled";
        } else {
            if (!rc)
                rc = store_user_set_disabled(db, c->user.name, false);
            audit_action = "user_enabled";
        }
        arena_free(&arena);
    }
    if (!rc)
        rc = store_audit_add(db, now, "cli", audit_action, c->user.name, "", detail);
    return rc;
}

typedef struct user_listing {
    arena_t arena;
    store_user_t *users;
    size_t count;
} user_listing_t;

static cx_result user_list_read(db_conn_t *db, void *arg)
{
    user_listing_t *l = arg;
    return store_user_list(db, &l->arena, &l->users, &l->count);
}

static int print_users(const user_listing_t *l, bool json)
{
    if (json) {
        json_t *array = json_array();
        for (size_t i = 0; i < l->count; i++) {
            const store_user_t *u = &l->users[i];
            char created[32];
            cli_format_time(u->created_at, created, sizeof created);
            json_array_append_new(
                array, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "name", u->name,
                                 "display_name", u->display_name, "email", u->email, "role",
                                 u->role, "language", u->language, "disabled", u->disabled,
                                 "created_at", created));
        }
        return cli_print_json(array);
    }
    printf("%-24s %-8s %-8s %-20s %s\n", "NAME", "ROLE", "STATE", "CREATED", "DISPLAY NAME");
    for (size_t i = 0; i < l->count; i++) {
        const store_user_t *u = &l->users[i];
        char created[32];
        cli_format_time(u->created_at, created, sizeof created);
        printf("%-24s %-8s %-8s %-20s %s\n", u->name, u->role,
               u->disabled ? "disabled" : "active", created, u->display_name);
    }
    return CLI_OK;
}

int cmd_user(int argc, char **argv)
{
    const cli_command_t *self = cli_find("user");
    if (argc < 2)
        return cli_usage_error(self, "missing action: add, list, passwd, disable or enable");
    const char *action = argv[1];
    const char *db_option = NULL, *name = NULL, *role = NULL, *display_name = NULL,
               *email = NULL, *language = NULL, *format = NULL;
    bool password_stdin = false;
    const cli_option_t add_options[] = {
        CLI_VALUE("db", &db_option),           CLI_VALUE("name", &name),
        CLI_VALUE("role", &role),              CLI_VALUE("display-name", &display_name),
        CLI_VALUE("email", &email),            CLI_VALUE("language", &language),
        CLI_FLAG("password-stdin", &password_stdin), CLI_END,
    };
    const cli_option_t list_options[] = {
        CLI_VALUE("db", &db_option), CLI_VALUE("format", &format), CLI_END};
    const cli_option_t passwd_options[] = {CLI_VALUE("db", &db_option),
                                           CLI_VALUE("name", &name),
                                           CLI_FLAG("password-stdin", &password_stdin),
                                           CLI_END};
    const cli_option_t name_options[] = {
        CLI_VALUE("db", &db_option), CLI_VALUE("name", &name), CLI_END};
    const cli_option_t *options;
    if (strcmp(action, "add") == 0)
        options = add_options;
    else if (strcmp(action, "list") == 0)
        options = list_options;
    else if (strcmp(action, "passwd") == 0)
        options = passwd_options;
    else if (strcmp(action, "disable") == 0 || strcmp(action, "enable") == 0)
        options = name_options;
    else
        return cli_usage_error(self, "unknown action '%s': use add, list, passwd, disable or enable",
                               action);
    const char *path;
    int rc = cli_parse_db_options(self, argc, argv, 2, options, &db_option, &path);
    if (rc)
        return rc;

    if (options == list_options) {
        cli_format_t shape;
        if ((rc = cli_parse_format(self, format, false, &shape)))
            return rc;
        bool json = shape == CLI_FORMAT_JSON;
        user_listing_t listing = {.count = 0};
        arena_init(&listing.arena);
        rc = cli_read(path, user_list_read, &listing);
        if (!rc)
            rc = print_users(&listing, json);
        arena_free(&listing.arena);
        return rc;
    }

    if (!name)
        return cli_usage_error(self, "--name NAME is required");
    if (!name_is_valid(name))
        return cli_usage_error(self, "invalid name '%s': %s", name, name_rule_text());
    user_change_t change = {.action = action};
    change.user.name = name;
    if (options == add_options) {
        if (!role)
            return cli_usage_error(self, "--role ROLE is required (%s)", role_names_list());
        if (role_from_name(role) == ROLE_NONE)
            return cli_usage_error(self, "unknown role '%s': use one of %s", role,
                                   role_names_list());
        if (language && strcmp(language, "pl") && strcmp(language, "en") &&
            strcmp(language, "ro"))
            return cli_usage_error(self, "--language must be pl, en or ro");
        change.user.role = role;
        change.user.display_name = display_name;
        change.user.email = email;
        change.user.language = language;
    }

    char hash[SECRET_PASSWORD_HASH_MAX];
    char generated[32] = "";
    bool needs_password = options == add_options || options == passwd_options;
    if (needs_password) {
        if (cli_obtain_password(password_stdin, hash, generated, sizeof generated))
            return CLI_FAIL;
        change.password_hash = hash;
    }
    store_t *store;
    if (cli_open_store(path, false, &store))
        return CLI_FAIL;
    cx_result wrc = store_write(store, user_change_write, &change);
    store_close(store);
    switch (wrc) {
    case CX_OK: break;
    case CX_ERR_NOT_FOUND: cli_error("no user named '%s'", name); return CLI_FAIL;
    case CX_ERR_CONFLICT:
        if (options == add_options)
            cli_error("a user named '%s' already exists", name);
        else
            cli_error("'%s' is the last enabled administrator and cannot be disabled", name);
        return CLI_FAIL;
    default: cli_error("%s: %s", path, cx_result_text(wrc)); return CLI_FAIL;
    }
    if (generated[0])
        printf("password: %s\n", generated);
    else if (options == add_options)
        printf("cxloop: added %s (%s)\n", name, role);
    return CLI_OK;
}
