/*
 * test_core.c — roles and capabilities, names, secrets, the arena and the
 * deterministic random generator.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "core/arena.h"
#include "core/names.h"
#include "core/rng.h"
#include "core/roles.h"
#include "core/secret.h"

Test(roles, capability_table)
{
    cr_assert(role_can(ROLE_ADMIN, CAP_ADMIN | CAP_MANAGE | CAP_CASES | CAP_ANALYSE | CAP_VIEW));
    cr_assert(role_can(ROLE_MANAGER, CAP_MANAGE));
    cr_assert_not(role_can(ROLE_MANAGER, CAP_ADMIN));
    cr_assert(role_can(ROLE_ANALYST, CAP_ANALYSE));
    cr_assert_not(role_can(ROLE_ANALYST, CAP_CASES));
    cr_assert(role_can(ROLE_AGENT, CAP_CASES));
    cr_assert_not(role_can(ROLE_AGENT, CAP_ANALYSE));
    cr_assert(role_can(ROLE_VIEWER, CAP_VIEW));
    cr_assert_not(role_can(ROLE_VIEWER, CAP_CASES));
    cr_assert_not(role_can(ROLE_NONE, CAP_VIEW));
}

Test(roles, names_round_trip)
{
    for (int r = ROLE_VIEWER; r <= ROLE_ADMIN; r++)
        cr_assert_eq(role_from_name(role_name((role_t)r)), (role_t)r);
    cr_assert_eq(role_from_name("root"), ROLE_NONE);
    cr_assert_eq(role_from_name(NULL), ROLE_NONE);
    cr_assert_eq(role_from_name("Admin"), ROLE_NONE);
}

Test(names, rule)
{
    cr_assert(name_is_valid("anna.kowalska"));
    cr_assert(name_is_valid("a"));
    cr_assert(name_is_valid("ci-bot_2@firma"));
    cr_assert_not(name_is_valid(""));
    cr_assert_not(name_is_valid(".hidden"));
    cr_assert_not(name_is_valid("a b"));
    cr_assert_not(name_is_valid("a/b"));
    cr_assert_not(name_is_valid("żaneta"));
    char long_name[80];
    memset(long_name, 'a', 65);
    long_name[65] = '\0';
    cr_assert_not(name_is_valid(long_name));
}

Test(secret, password_hash_verifies_only_the_password)
{
    cr_assert_eq(secret_init(), CX_OK);
    char hash[SECRET_PASSWORD_HASH_MAX];
    cr_assert_eq(secret_password_hash("correct horse battery", hash), CX_OK);
    cr_assert(strncmp(hash, "$argon2id$", 10) == 0);
    cr_assert(secret_password_verify(hash, "correct horse battery"));
    cr_assert_not(secret_password_verify(hash, "correct horse batterY"));
    cr_assert_not(secret_password_verify(hash, ""));
    cr_assert_not(secret_password_verify("garbage", "x"));
    cr_assert_not_null(secret_password_weakness("short"));
    cr_assert_null(secret_password_weakness("long enough!"));
}

Test(secret, tokens_are_random_and_hash_stably)
{
    cr_assert_eq(secret_init(), CX_OK);
    char a[SECRET_TOKEN_LEN + 1], b[SECRET_TOKEN_LEN + 1];
    secret_token(a);
    secret_token(b);
    cr_assert_eq(strlen(a), SECRET_TOKEN_LEN);
    cr_assert_str_neq(a, b);
    for (const char *p = a; *p; p++)
        cr_assert(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
    char h1[SECRET_HASH_HEX_LEN + 1], h2[SECRET_HASH_HEX_LEN + 1];
    secret_token_hash(a, h1);
    secret_token_hash(a, h2);
    cr_assert_str_eq(h1, h2);
    cr_assert_eq(strlen(h1), SECRET_HASH_HEX_LEN);
    cr_assert(secret_equal(h1, h2));
    cr_assert_not(secret_equal(h1, "abc"));
}

Test(secret, api_keys_carry_their_prefix)
{
    cr_assert_eq(secret_init(), CX_OK);
    char key[APIKEY_LEN + 1], prefix[APIKEY_PREFIX_LEN + 1], parsed[APIKEY_PREFIX_LEN + 1];
    secret_apikey_new(key, prefix);
    cr_assert_eq(strlen(key), APIKEY_LEN);
    cr_assert(strncmp(key, "cx_", 3) == 0);
    cr_assert(secret_apikey_prefix(key, parsed));
    cr_assert_str_eq(parsed, prefix);
    cr_assert_not(secret_apikey_prefix("cx_short", parsed));
    cr_assert_not(secret_apikey_prefix("", parsed));
    key[3 + APIKEY_PREFIX_LEN] = 'x';
    cr_assert_not(secret_apikey_prefix(key, parsed));
}

Test(arena, allocations_are_zeroed_aligned_and_large_ones_work)
{
    arena_t a;
    arena_init(&a);
    for (int i = 0; i < 1000; i++) {
        unsigned char *p = arena_alloc(&a, (size_t)(i % 97) + 1);
        cr_assert_not_null(p);
        cr_assert_eq((uintptr_t)p % _Alignof(max_align_t), 0);
        cr_assert_eq(p[0], 0);
        p[0] = 0xAA;
    }
    char *big = arena_alloc(&a, 1 << 20);
    cr_assert_not_null(big);
    big[(1 << 20) - 1] = 'x';
    cr_assert_str_eq(arena_strdup(&a, "żółw"), "żółw");
    cr_assert_str_eq(arena_strndup(&a, "abcdef", 3), "abc");
    cr_assert_null(arena_strdup(&a, NULL));
    arena_free(&a);
}

Test(rng, same_seed_same_stream)
{
    rng_t a, b, c;
    rng_seed(&a, 42);
    rng_seed(&b, 42);
    rng_seed(&c, 43);
    bool differs = false;
    for (int i = 0; i < 100; i++) {
        uint64_t x = rng_next(&a);
        cr_assert_eq(x, rng_next(&b));
        differs |= x != rng_next(&c);
    }
    cr_assert(differs);
}

Test(rng, distributions_are_sane)
{
    rng_t r;
    rng_seed(&r, 7);
    double sum = 0, sumsq = 0;
    int counts[3] = {0, 0, 0};
    const double weights[3] = {1, 2, 7};
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        double u = rng_uniform(&r);
        cr_assert(u >= 0 && u < 1);
        int64_t k = rng_range(&r, -3, 3);
        cr_assert(k >= -3 && k <= 3);
        double z = rng_normal(&r);
        sum += z;
        sumsq += z * z;
        counts[rng_weighted(&r, weights, 3)]++;
    }
    cr_assert(fabs(sum / n) < 0.01);
    cr_assert(fabs(sumsq / n - 1) < 0.02);
    cr_assert(fabs(counts[2] / (double)n - 0.7) < 0.01);
    cr_assert(fabs(counts[0] / (double)n - 0.1) < 0.01);
}
