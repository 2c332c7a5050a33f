/*
 * secret.c — libsodium wrappers for passwords, tokens and API keys.
 */
#include "core/secret.h"

#include <sodium.h>
#include <string.h>

cx_result secret_init(void) { return sodium_init() < 0 ? CX_ERR_INTERNAL : CX_OK; }

cx_result secret_password_hash(const char *password, char *out)
{
    _Static_assert(SECRET_PASSWORD_HASH_MAX >= crypto_pwhash_STRBYTES, "hash size");
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return CX_ERR_NOMEM;
    return CX_OK;
}

bool secret_password_verify(const char *hash, const char *password)
{
    if (!hash || !password)
        return false;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void secret_password_burn_time(const char *password)
{
    char scratch[SECRET_PASSWORD_HASH_MAX];
    (void)secret_password_hash(password ? password : "", scratch);
}

const char *secret_password_weakness(const char *password)
{
    size_t n = strlen(password);
    if (n < PASSWORD_MIN_LENGTH)
        return "the password must have at least 10 characters";
    if (n > PASSWORD_MAX_LENGTH)
        return "the password is longer than 1024 characters";
    return NULL;
}

void secret_token(char *out)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, SECRET_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

void secret_generate_password(char *out, size_t outlen)
{
    /* no look-alikes (0/O, 1/l/I) so it can be read aloud and typed */
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    size_t n = outlen - 1 < 20 ? outlen - 1 : 20;
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    out[n] = '\0';
}

void secret_token_hash(const char *token, char *out)
{
    unsigned char digest[32];
    crypto_generichash(digest, sizeof digest, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, SECRET_HASH_HEX_LEN + 1, digest, sizeof digest);
}

bool secret_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return false;
    return sodium_memcmp(a, b, la) == 0;
}

void secret_apikey_new(char *key, char *prefix)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < APIKEY_PREFIX_LEN; i++)
        prefix[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    prefix[APIKEY_PREFIX_LEN] = '\0';
    char token[SECRET_TOKEN_LEN + 1];
    secret_token(token);
    memcpy(key, "cx_", 3);
    memcpy(key + 3, prefix, APIKEY_PREFIX_LEN);
    key[3 + APIKEY_PREFIX_LEN] = '_';
    memcpy(key + 4 + APIKEY_PREFIX_LEN, token, SECRET_TOKEN_LEN + 1);
}

bool secret_apikey_prefix(const char *key, char *prefix)
{
    if (!key || strlen(key) != APIKEY_LEN || strncmp(key, "cx_", 3) != 0 ||
        key[3 + APIKEY_PREFIX_LEN] != '_')
        return false;
    memcpy(prefix, key + 3, APIKEY_PREFIX_LEN);
    prefix[APIKEY_PREFIX_LEN] = '\0';
    return true;
}
