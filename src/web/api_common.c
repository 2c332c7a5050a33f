/*
 * api_common.c — the Idempotency-Key protocol, the one-or-NDJSON request
 * body and the paged-list parameters of the JSON API (see api_common.h).
 *
 * Relies on jansson, store/responses.h (store_idempotency_get/put, called
 * only from inside the caller's write job) and core/secret.h. Must never
 * write anything but the idempotency row, and never answer 2xx.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/responses.h"
#include "web/api_common.h"

#define API_IDEMPOTENCY_KEY_MAX 200

/* ---- Idempotency-Key ---- */

cx_result api_idempotency_read(http_request_t *req, const char *what, api_idempotency_t *k)
{
    memset(k, 0, sizeof *k);
    const char *key = http_header(req, "Idempotency-Key");
    if (!key)
        return CX_OK;
    if (!*key || strlen(key) > API_IDEMPOTENCY_KEY_MAX)
        return http_fail(req, CX_ERR_INVALID, "Idempotency-Key", "must be 1 to 200 characters");
    /* what the request does belongs to the key too: the same body sent to
     * another endpoint or another row is a different request */
    size_t body_len = req->body ? req->body_len : 0;
    buf_t print;
    buf_init(&print, (what ? strlen(what) : 0) + body_len + 1);
    buf_puts(&print, what ? what : "");
    buf_append(&print, req->body ? req->body : "", body_len);
    if (buf_failed(&print)) {
        buf_free(&print);
        return CX_ERR_NOMEM;
    }
    secret_token_hash(buf_str(&print), k->fingerprint);
    buf_free(&print);
    k->key = key;
    return CX_OK;
}

cx_result api_idempotency_check(db_conn_t *db, http_request_t *req, api_idempotency_t *k)
{
    if (!k->key)
        return CX_OK;
    store_idempotent_t earlier;
    cx_result rc = store_idempotency_get(db, &req->arena, k->key, &earlier);
    if (rc == CX_ERR_NOT_FOUND)
        return CX_OK;
    if (rc)
        return rc;
    if (strcmp(earlier.actor, req->auth.actor) != 0 ||
        strcmp(earlier.fingerprint, k->fingerprint) != 0) {
        k->conflict = true;
        return CX_ERR_CONFLICT;
    }
    k->replay_status = earlier.status;
    k->replay_body = earlier.body;
    return CX_OK;
}

cx_result api_idempotency_save(db_conn_t *db, http_request_t *req, const api_idempotency_t *k,
                               int status, const json_t *doc)
{
    if (!k->key)
        return CX_OK;
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    if (!text)
        return CX_ERR_NOMEM;
    store_idempotent_t now = {.actor = req->auth.actor, .fingerprint = k->fingerprint,
                              .status = status, .body = text};
    cx_result rc = store_idempotency_put(db, k->key, &now, req->now);
    free(text);
    return rc;
}

bool api_idempotency_answer(http_request_t *req, http_response_t *res,
                            const api_idempotency_t *k, cx_result *rc)
{
    if (*rc == CX_ERR_CONFLICT && k->conflict) {
        *rc = http_fail(req, *rc, "Idempotency-Key", "was used before with a different request");
        return true;
    }
    if (*rc == CX_OK && k->replay_status) {
        json_t *doc = json_loads(k->replay_body, 0, NULL);
        http_set_header(req, res, "Idempotent-Replayed", "true");
        *rc = doc ? http_json(req, res, k->replay_status, doc) : CX_ERR_INTERNAL;
        return true;
    }
    return false;
}

/* ---- one JSON object, or many as NDJSON ---- */

cx_result api_lines_init(api_lines_t *l)
{
    memset(l, 0, sizeof *l);
    l->errors = json_array();
    return l->errors ? CX_OK : CX_ERR_NOMEM;
}

void api_lines_free(api_lines_t *l)
{
    /* values in the arena go with it; a decref would only walk them */
    for (size_t i = 0; !l->in_arena && i < l->count; i++)
        json_decref(l->objects[i]);
    l->count = 0;
    if (l->in_arena)
        json_arena_release(&l->values);
    l->in_arena = false;
    json_decref(l->errors);
    l->errors = NULL;
}

void api_lines_error(api_lines_t *l, size_t line, const char *field, const char *message)
{
    l->nerrors++;
    if (json_array_size(l->errors) >= API_LINES_ERRORS_MAX)
        return;
    json_t *e = json_pack("{s:I, s:s}", "line", (json_int_t)line, "message", message);
    if (e && field)
        json_object_set_new(e, "field", json_string(field));
    if (e)
        json_array_append_new(l->errors, e);
}

/* Parses one object's text: NULL (with *why) when it is not valid JSON
 * or not an object. In the lines' arena when the process installed it: the
 * errors are built outside it, as they grow later on other threads. */
static json_t *lines_parse_one(api_lines_t *l, const char *text, size_t len, const char **why)
{
    bool entered = json_arena_enter(&l->values);
    if (entered)
        l->in_arena = true;
    json_error_t err;
    json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    *why = o ? "is not a JSON object" : "is not valid JSON";
    if (o && !json_is_object(o)) {
        json_decref(o); /* while still in the arena that owns it */
        o = NULL;
    }
    if (entered)
        json_arena_leave();
    return o;
}

/* Adds o as the object of line (it already belongs to l). */
static cx_result lines_add(arena_t *arena, api_lines_t *l, json_t *o, size_t line)
{
    if (l->count == l->capacity) {
        size_t grown = l->capacity ? l->capacity * 2 : 16;
        json_t **objects = arena_alloc(arena, grown * sizeof *objects);
        size_t *lines = arena_alloc(arena, grown * sizeof *lines);
        if (!objects || !lines) {
            if (!l->in_arena)
                json_decref(o);
            return CX_ERR_NOMEM;
        }
        if (l->count) {
            memcpy(objects, l->objects, l->count * sizeof *objects);
            memcpy(lines, l->lines, l->count * sizeof *lines);
        }
        l->objects = objects;
        l->lines = lines;
        l->capacity = grown;
    }
    l->objects[l->count] = o;
    l->lines[l->count++] = line;
    return CX_OK;
}

/* m's text in the request's arena (fallback when either failed); frees m. */
static const char *message_text(http_request_t *req, buf_t *m, const char *fallback)
{
    const char *text = buf_failed(m) ? NULL : arena_strdup(&req->arena, buf_str(m));
    buf_free(m);
    return text ? text : fallback;
}

cx_result api_lines_parse(http_request_t *req, api_lines_t *l, bool bulk, const char *one,
                          const char *many)
{
    if (!req->body || req->body_len == 0)
        return http_fail(req, CX_ERR_INVALID, NULL,
                         "the body must be a JSON object, or NDJSON: one object per line");
    /* the objects take several times their text's size */
    json_arena_init(&l->values, req->body_len * 8);
    const char *why;
    if (!bulk) {
        json_t *o = lines_parse_one(l, req->body, req->body_len, &why);
        if (!o)
            return http_fail(req, CX_ERR_INVALID, NULL,
                             "the body must be a JSON object (for many, send NDJSON with "
                             "Content-Type application/x-ndjson)");
        return lines_add(&req->arena, l, o, 1);
    }
    const char *p = req->body, *end = req->body + req->body_len;
    for (size_t line = 1; p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *next = nl ? nl + 1 : end;
        size_t blank = 0;
        while (blank < len && (p[blank] == ' ' || p[blank] == '\t' || p[blank] == '\r'))
            blank++;
        if (blank == len) { /* blank lines are allowed */
            p = next;
            continue;
        }
        if (l->count == API_LINES_MAX) {
            buf_t m;
            buf_init(&m, 512);
            buf_printf(&m, "at most 10000 %s in one request", many); /* raw: JSON message */
            return http_fail(req, CX_ERR_TOO_LARGE, NULL,
                             message_text(req, &m, "too many objects in one request"));
        }
        json_t *o = lines_parse_one(l, p, len, &why);
        if (!o)
            api_lines_error(l, line, NULL, why);
        else if (lines_add(&req->arena, l, o, line))
            return CX_ERR_NOMEM;
        p = next;
    }
    if (l->count == 0 && !l->nerrors) {
        buf_t m;
        buf_init(&m, 512);
        buf_printf(&m, "the body holds no %s", one); /* raw: JSON message */
        return http_fail(req, CX_ERR_INVALID, NULL, message_text(req, &m, "the body is empty"));
    }
    return CX_OK;
}

static int error_line_order(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "line"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "line"));
    return (x > y) - (x < y);
}

cx_result api_lines_fail(http_request_t *req, http_response_t *res, api_lines_t *l,
                         bool single)
{
    size_t n = json_array_size(l->errors);
    if (single && n > 0) {
        json_t *e = json_array_get(l->errors, 0);
        const char *field = json_string_value(json_object_get(e, "field"));
        const char *message = json_string_value(json_object_get(e, "message"));
        buf_t m;
        buf_init(&m, 2048);
        buf_printf(&m, "%s %s", field ? field : "the body", message); /* raw: JSON message */
        const char *text = arena_strdup(&req->arena, buf_failed(&m) ? "bad input" : buf_str(&m));
        buf_free(&m);
        return http_fail(req, CX_ERR_INVALID, field ? arena_strdup(&req->arena, field) : NULL,
                         text ? text : "bad input");
    }
    json_t **sorted = arena_alloc(&req->arena, (n ? n : 1) * sizeof *sorted);
    if (!sorted)
        return CX_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        sorted[i] = json_incref(json_array_get(l->errors, i));
    qsort(sorted, n, sizeof *sorted, error_line_order);
    json_array_clear(l->errors);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(l->errors, sorted[i]);
    buf_t m;
    buf_init(&m, 256);
    buf_printf(&m, "%zu error(s) in the request; nothing was stored", l->nerrors);
    json_t *doc = json_pack("{s:{s:s, s:s, s:O}}", "error", "code", "invalid_input", "message",
                            buf_failed(&m) ? "errors in the request" : buf_str(&m), "lines",
                            l->errors);
    buf_free(&m);
    return doc ? http_json(req, res, 400, doc) : CX_ERR_NOMEM;
}

/* ---- paged lists ---- */

cx_result api_query_known(http_request_t *req, const char *const *known, size_t n)
{
    for (size_t i = 0; i < req->query.count; i++) {
        bool ok = false;
        for (size_t k = 0; k < n; k++)
            ok = ok || strcmp(req->query.items[i].name, known[k]) == 0;
        if (!ok)
            return http_fail(req, CX_ERR_INVALID,
                             arena_strdup(&req->arena, req->query.items[i].name),
                             "is not a known parameter");
    }
    return CX_OK;
}

cx_result api_query_limit(http_request_t *req, int max, int *limit)
{
    const char *text = http_query(req, "limit");
    if (!text)
        return CX_OK;
    char *end;
    long v = strtol(text, &end, 10);
    if (!*text || *end || v < 1 || v > max) {
        buf_t m;
        buf_init(&m, 64);
        buf_printf(&m, "must be from 1 to %d", max);
        return http_fail(req, CX_ERR_INVALID, "limit", message_text(req, &m, "is out of range"));
    }
    *limit = (int)v;
    return CX_OK;
}

cx_result api_query_id_cursor(http_request_t *req, int64_t *id)
{
    const char *text = http_query(req, "cursor");
    if (!text)
        return CX_OK;
    char *end;
    long long c = strtoll(text, &end, 10);
    if (!*text || *end || c <= 0)
        return http_fail(req, CX_ERR_INVALID, "cursor", "is not a cursor this API gave");
    *id = (int64_t)c;
    return CX_OK;
}

void api_search_complete(json_t *doc, bool searched, int64_t unindexed)
{
    if (searched)
        json_object_set_new(doc, "search_complete", json_boolean(unindexed <= 0));
}

void api_next_cursor(json_t *doc, const char *cursor)
{
    json_object_set_new(doc, "next_cursor", cursor ? json_string(cursor) : json_null());
}

void api_next_id_cursor(json_t *doc, size_t count, int limit, int64_t last_id)
{
    char cursor[32];
    if (count > 0 && count == (size_t)limit)
        snprintf(cursor, sizeof cursor, "%lld", (long long)last_id);
    api_next_cursor(doc, count > 0 && count == (size_t)limit ? cursor : NULL);
}
