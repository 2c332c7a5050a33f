/*
 * cmd_apikey.c — `cxloop apikey create|list|revoke`: keys for the REST API.
 *
 * A key is printed once, at creation, and stored only as its hash (see
 * core/secret.h); `list` shows the prefix by which a key can be recognised,
 * never the key. Every change goes to the audit log with actor "cli".
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

const char cmd_apikey_usage[] =
    "usage: cxloop apikey create --db FILE --name NAME --role ROLE\n"
    "       cxloop apikey list --db FILE [--format table|json]\n"
    "       cxloop apikey revoke --db FILE --name NAME\n"
    "\n"
    "'create' prints the new key once, as the only line on standard output;\n"
    "clients send it as 'Authorization: Bearer KEY'. Roles: admin, manager,\n"
    "analyst, agent, viewer. CXLOOP_DB may replace --db.\n";

typedef struct apikey_change {
    bool create;
    const char *name;
    const char *role;
    const char *prefix;
    const char *key_hash;
} apikey_change_t;

static cx_result apikey_change_write(db_conn_t *db, void *arg)
{
    const apikey_change_t *c = arg;
    int64_t now = store_now();
    cx_result rc;
    char detail[64] = "";
    if (c->create) {
        rc = store_apikey_add(db, c->name, c->prefix, c->key_hash, c->role, 0, now, NULL);
        snprintf(detail, sizeof detail, "role=%s prefix=%s", c->role, c->prefix);
    } else {
        rc = store_apikey_revoke(db, c->name, now);
    }
    if (!rc)
        rc = store_audit_add(db, now, "cli", c->create ? "apikey_created" : "apikey_revoked",
                             c->name, "", detail);
    return rc;
}

typedef struct apikey_listing {
    arena_t arena;
    store_apikey_t *keys;
    size_t count;
} apikey_listing_t;

static cx_result apikey_list_read(db_conn_t *db, void *arg)
{
    apikey_listing_t *l = arg;
    return store_apikey_list(db, &l->arena, &l->keys, &l->count);
}

static int print_keys(const apikey_listing_t *l, bool json)
{
    char created[32], used[32], revoked[32];
    if (json) {
        json_t *array = json_array();
        for (size_t i = 0; i < l->count; i++) {
            const store_apikey_t *k = &l->keys[i];
            cli_format_time(k->created_at, created, sizeof created);
            cli_format_time(k->last_used_at, used, sizeof used);
            cli_format_time(k->revoked_at, revoked, sizeof revoked);
            json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", k->name, "prefix",
                                  k->prefix, "role", k->role, "created_by", k->created_by,
                                  "created_at", created);
            json_object_set_new(o, "last_used_at", used[0] ? json_string(used) : json_null());
            json_object_set_new(o, "revoked_at", revoked[0] ? json_string(revoked) : json_null());
            json_array_append_new(array, o);
        }
        return cli_print_json(array);
    }
    printf("%-24s %-10s %-8s %-20s %-20s %s\n", "NAME", "PREFIX", "ROLE", "CREATED", "LAST USED",
           "REVOKED");
    for (size_t i = 0; i < l->count; i++) {
        const store_apikey_t *k = &l->keys[i];
        cli_format_time(k->created_at, created, sizeof created);
        cli_format_time(k->last_used_at, used, sizeof used);
        cli_format_time(k->revoked_at, revoked, sizeof revoked);
        printf("%-24s %-10s %-8s %-20s %-20s %s\n", k->name, k->prefix, k->role, created,
               used[0] ? used : "never", revoked[0] ? revoked : "-");
    }
    return CLI_OK;
}

int cmd_apikey(int argc, char **argv)
{
    const cli_command_t *self = cli_find("apikey");
    if (argc < 2)
        return cli_usage_error(self, "missing action: create, list or revoke");
    const char *action = argv[1];
    const char *db_option = NULL, *name = NULL, *role = NULL, *format = NULL;
    const cli_option_t create_options[] = {
        CLI_VALUE("db", &db_option), CLI_VALUE("name", &name), CLI_VALUE("role", &role), CLI_END};
    const cli_option_t list_options[] = {
        CLI_VALUE("db", &db_option), CLI_VALUE("format", &format), CLI_END};
    const cli_option_t revoke_options[] = {
        CLI_VALUE("db", &db_option), CLI_VALUE("name", &name), CLI_END};
    const cli_option_t *options;
    if (strcmp(action, "create") == 0)
        options = create_options;
    else if (strcmp(action, "list") == 0)
        options = list_options;
    else if (strcmp(action, "revoke") == 0)
        options = revoke_options;
    else
        return cli_usage_error(self, "unknown action '%s': use create, list or revoke", action);
    const char *path;
    int rc = cli_parse_db_options(self, argc, argv, 2, options, &db_option, &path);
    if (rc)
        return rc;

    if (options == list_options) {
        cli_format_t shape;
        if ((rc = cli_parse_format(self, format, false, &shape)))
            return rc;
        bool json = shape == CLI_FORMAT_JSON;
        apikey_listing_t listing = {.count = 0};
        arena_init(&listing.arena);
        rc = cli_read(path, apikey_list_read, &listing);
        if (!rc)
            rc = print_keys(&listing, json);
        arena_free(&listing.arena);
        return rc;
    }

    if (!name)
        return cli_usage_error(self, "--name NAME is required");
    if (!name_is_valid(name))
        return cli_usage_error(self, "invalid name '%s': %s", name, name_rule_text());
    apikey_change_t change = {.create = options == create_options, .name = name};
    char key[APIKEY_LEN + 1], prefix[APIKEY_PREFIX_LEN + 1], key_hash[SECRET_HASH_HEX_LEN + 1];
    if (change.create) {
        if (!role)
            return cli_usage_error(self, "--role ROLE is required (%s)", role_names_list());
        if (role_from_name(role) == ROLE_NONE)
            return cli_usage_error(self, "unknown role '%s': use one of %s", role,
                                   role_names_list());
        secret_apikey_new(key, prefix);
        secret_token_hash(key, key_hash);
        change.role = role;
        change.prefix = prefix;
        change.key_hash = key_hash;
    }
    store_t *store;
    if (cli_open_store(path, false, &store))
        return CLI_FAIL;
    cx_result wrc = store_write(store, apikey_change_write, &change);
    store_close(store);
    switch (wrc) {
    case CX_OK: break;
    case CX_ERR_CONFLICT: cli_error("an API key named '%s' already exists", name); return CLI_FAIL;
    case CX_ERR_NOT_FOUND: cli_error("no live API key named '%s'", name); return CLI_FAIL;
    default: cli_error("%s: %s", path, cx_result_text(wrc)); return CLI_FAIL;
    }
    if (change.create)
        printf("%s\n", key);
    return CLI_OK;
}
