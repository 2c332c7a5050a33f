/*
 * test_accounts.c — users, sessions, sign-in failures, API keys, audit and
 * settings in the store.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/arena.h"
#include "store/accounts.h"
#include "store_fixture.h"

static test_db_t db_file;
static store_t *store;

static void setup(void)
{
    test_db_make(&db_file);
    store = test_db_open(&db_file, 0);
}

static void teardown(void)
{
    store_close(store);
    test_db_remove(&db_file);
}

TestSuite(accounts, .init = setup, .fini = teardown);

static cx_result users_job(db_conn_t *db, void *arg)
{
    (void)arg;
    arena_t arena;
    arena_init(&arena);
    store_user_t u = {.name = "anna", .display_name = "Anna Kowalska", .email = "a@x.pl",
                      .role = "manager", .password_hash = "h1", .created_at = 100};
    int64_t id = 0;
    cr_assert_eq(store_user_add(db, &u, &id), CX_OK);
    cr_assert_gt(id, 0);
    cr_assert_eq(store_user_add(db, &u, NULL), CX_ERR_CONFLICT, "names are unique");

    store_user_t got;
    cr_assert_eq(store_user_find_by_name(db, &arena, "anna", &got), CX_OK);
    cr_assert_eq(got.id, id);
    cr_assert_str_eq(got.display_name, "Anna Kowalska");
    cr_assert_str_eq(got.role, "manager");
    cr_assert_str_eq(got.language, "pl", "default language");
    cr_assert_not(got.disabled);
    cr_assert_eq(store_user_find_by_name(db, &arena, "nobody", &got), CX_ERR_NOT_FOUND);

    cr_assert_eq(store_user_set_password(db, "anna", "h2", 200), CX_OK);
    cr_assert_eq(store_user_set_password(db, "nobody", "h2", 200), CX_ERR_NOT_FOUND);
    cr_assert_eq(store_user_set_disabled(db, "anna", true), CX_OK);
    cr_assert_eq(store_user_find_by_id(db, &arena, id, &got), CX_OK);
    cr_assert_str_eq(got.password_hash, "h2");
    cr_assert(got.disabled);
    cr_assert_eq(store_user_set_role(db, "anna", "overlord"), CX_ERR_INVALID);
    cr_assert_eq(store_user_set_role(db, "anna", "admin"), CX_OK);
    cr_assert_eq(store_user_count_admins(db), 0, "disabled admins do not count");

    store_user_t *list;
    size_t n;
    store_user_t b = {.name = "bob", .role = "viewer", .password_hash = "h", .created_at = 1};
    cr_assert_eq(store_user_add(db, &b, NULL), CX_OK);
    cr_assert_eq(store_user_list(db, &arena, &list, &n), CX_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(list[0].name, "anna");
    cr_assert_str_eq(list[1].name, "bob");
    arena_free(&arena);
    return CX_OK;
}

Test(accounts, users)
{
    cr_assert_eq(store_write(store, users_job, NULL), CX_OK);
}

static cx_result sessions_job(db_conn_t *db, void *arg)
{
    (void)arg;
    arena_t arena;
    arena_init(&arena);
    store_user_t u = {.name = "eva", .role = "agent", .password_hash = "h", .created_at = 1};
    int64_t uid;
    cr_assert_eq(store_user_add(db, &u, &uid), CX_OK);
    cr_assert_eq(store_session_create(db, "hash1", uid, "csrf1", 1000, 2000, "127.0.0.1", "ua"),
                 CX_OK);
    store_session_t s;
    cr_assert_eq(store_session_find(db, &arena, "hash1", 1500, &s), CX_OK);
    cr_assert_str_eq(s.user_name, "eva");
    cr_assert_str_eq(s.role, "agent");
    cr_assert_str_eq(s.csrf_token, "csrf1");
    cr_assert_eq(store_session_find(db, &arena, "hash1", 2000, &s), CX_ERR_NOT_FOUND, "expired");
    cr_assert_eq(store_session_touch(db, s.id, 1900, 5000), CX_OK);
    cr_assert_eq(store_session_find(db, &arena, "hash1", 4000, &s), CX_OK, "slid forward");

    cr_assert_eq(store_user_set_disabled(db, "eva", true), CX_OK);
    cr_assert_eq(store_session_find(db, &arena, "hash1", 1500, &s), CX_ERR_NOT_FOUND,
                 "a disabled user's session is dead");
    cr_assert_eq(store_user_set_disabled(db, "eva", false), CX_OK);
    cr_assert_eq(store_session_revoke(db, "hash1", 1600), CX_OK);
    cr_assert_eq(store_session_find(db, &arena, "hash1", 1700, &s), CX_ERR_NOT_FOUND, "revoked");

    cr_assert_eq(store_session_create(db, "hash2", uid, "c", 1000, 9000, "", ""), CX_OK);
    cr_assert_eq(store_session_create(db, "hash3", uid, "c", 1000, 9000, "", ""), CX_OK);
    cr_assert_eq(store_session_revoke_user(db, uid, 1100), CX_OK);
    cr_assert_eq(store_session_find(db, &arena, "hash2", 1200, &s), CX_ERR_NOT_FOUND);
    cr_assert_eq(store_session_find(db, &arena, "hash3", 1200, &s), CX_ERR_NOT_FOUND);
    cr_assert_eq(store_session_purge(db, 100000), CX_OK);

    cr_assert_eq(store_login_failure_add(db, "eva", "10.0.0.1", 100), CX_OK);
    cr_assert_eq(store_login_failure_add(db, "eva", "10.0.0.2", 200), CX_OK);
    cr_assert_eq(store_login_failure_add(db, "zed", "10.0.0.1", 300), CX_OK);
    int64_t by_user, by_address;
    cr_assert_eq(store_login_failure_count(db, "eva", "10.0.0.1", 150, &by_user, &by_address),
                 CX_OK);
    cr_assert_eq(by_user, 1);
    cr_assert_eq(by_address, 1);
    cr_assert_eq(store_login_failure_count(db, "eva", "10.0.0.1", 0, &by_user, &by_address),
                 CX_OK);
    cr_assert_eq(by_user, 2);
    cr_assert_eq(by_address, 2);
    cr_assert_eq(store_login_failure_clear(db, "eva"), CX_OK);
    cr_assert_eq(store_login_failure_count(db, "eva", "10.0.0.1", 0, &by_user, &by_address),
                 CX_OK);
    cr_assert_eq(by_user, 0);
    cr_assert_eq(by_address, 1);
    arena_free(&arena);
    return CX_OK;
}

Test(accounts, sessions_and_failures)
{
    cr_assert_eq(store_write(store, sessions_job, NULL), CX_OK);
}

static cx_result keys_audit_settings_job(db_conn_t *db, void *arg)
{
    (void)arg;
    arena_t arena;
    arena_init(&arena);
    cr_assert_eq(store_apikey_add(db, "ci", "abcd1234", "kh", "viewer", 0, 10, NULL), CX_OK);
    cr_assert_eq(store_apikey_add(db, "ci", "zzzz9999", "kh", "viewer", 0, 10, NULL),
                 CX_ERR_CONFLICT);
    store_apikey_t k;
    cr_assert_eq(store_apikey_find(db, &arena, "abcd1234", &k), CX_OK);
    cr_assert_str_eq(k.name, "ci");
    cr_assert_str_eq(k.key_hash, "kh");
    cr_assert_eq(k.last_used_at, 0);
    cr_assert_eq(store_apikey_touch(db, k.id, 50), CX_OK);
    cr_assert_eq(store_apikey_revoke(db, "ci", 60), CX_OK);
    cr_assert_eq(store_apikey_revoke(db, "ci", 61), CX_ERR_NOT_FOUND, "already revoked");
    cr_assert_eq(store_apikey_find(db, &arena, "abcd1234", &k), CX_ERR_NOT_FOUND);
    store_apikey_t *keys;
    size_t n;
    cr_assert_eq(store_apikey_list(db, &arena, &keys, &n), CX_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(keys[0].last_used_at, 50);
    cr_assert_eq(keys[0].revoked_at, 60);

    for (int i = 0; i < 5; i++)
        cr_assert_eq(store_audit_add(db, 100 + i, "admin", "login", "", "::1", NULL), CX_OK);
    store_audit_entry_t *entries;
    cr_assert_eq(store_audit_list(db, &arena, 0, 3, &entries, &n), CX_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(entries[0].at, 104, "newest first");
    cr_assert_eq(store_audit_list(db, &arena, entries[2].id, 10, &entries, &n), CX_OK);
    cr_assert_eq(n, 2, "the next page");
    cr_assert_eq(entries[1].at, 100);

    const char *v;
    cr_assert_eq(store_setting_get(db, &arena, "org_name", &v), CX_OK);
    cr_assert_null(v);
    cr_assert_eq(store_setting_set(db, "org_name", "Telko"), CX_OK);
    cr_assert_eq(store_setting_set(db, "org_name", "Telko Polska"), CX_OK);
    cr_assert_eq(store_setting_get(db, &arena, "org_name", &v), CX_OK);
    cr_assert_str_eq(v, "Telko Polska");
    arena_free(&arena);
    return CX_OK;
}

Test(accounts, keys_audit_settings)
{
    cr_assert_eq(store_write(store, keys_audit_settings_job, NULL), CX_OK);
}
