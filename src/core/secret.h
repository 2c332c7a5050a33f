/*
 * secret.h — passwords, tokens and API keys, on libsodium.
 *
 * Passwords are hashed with argon2id (crypto_pwhash_str, interactive
 * limits). Tokens (session cookies, CSRF tokens, invitation tokens) are 32
 * random bytes in URL-safe base64. Only a hash of a bearer secret is ever
 * stored: secret_token_hash gives its BLAKE2b digest in hex.
 *
 * API keys look like `cx_XXXXXXXX_YYYY…`: the 8-character prefix is stored
 * in clear to find the key, the whole key is stored as its hash.
 *
 * Call secret_init() once at start (it is idempotent and thread-safe).
 */
#ifndef CX_SECRET_H
#define CX_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/result.h"

#define SECRET_TOKEN_LEN 43      /* chars of a 32-byte base64url token */
#define SECRET_HASH_HEX_LEN 64   /* chars of a token hash */
#define SECRET_PASSWORD_HASH_MAX 128
#define APIKEY_PREFIX_LEN 8
#define APIKEY_LEN (3 + APIKEY_PREFIX_LEN + 1 + SECRET_TOKEN_LEN)
#define PASSWORD_MIN_LENGTH 10
#define PASSWORD_MAX_LENGTH 1024

cx_result secret_init(void);

/* out must hold SECRET_PASSWORD_HASH_MAX bytes. */
cx_result secret_password_hash(const char *password, char *out);
bool secret_password_verify(const char *hash, const char *password);
/* A hash that verifies nothing, to spend the same time on unknown users. */
void secret_password_burn_time(const char *password);
/* NULL when acceptable, else a short English reason. */
const char *secret_password_weakness(const char *password);

/* A random token; out holds SECRET_TOKEN_LEN + 1 bytes. */
void secret_token(char *out);
/* A readable random password (for `cxloop init`), 20 chars + NUL. */
void secret_generate_password(char *out, size_t outlen);
/* Hex BLAKE2b-256 of a token; out holds SECRET_HASH_HEX_LEN + 1 bytes. */
void secret_token_hash(const char *token, char *out);
/* Constant-time equality of two NUL-terminated strings. */
bool secret_equal(const char *a, const char *b);

/* A new API key in key (APIKEY_LEN + 1 bytes) with its prefix. */
void secret_apikey_new(char *key, char *prefix /* APIKEY_PREFIX_LEN + 1 */);
/* Splits a presented key; false if it does not look like a key. */
bool secret_apikey_prefix(const char *key, char *prefix /* APIKEY_PREFIX_LEN + 1 */);

#endif
