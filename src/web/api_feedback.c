/*
 * api_feedback.c — feedback items over the API: POST /api/v1/feedback
 * (CAP_MANAGE), GET /api/v1/feedback/ID (CAP_VIEW), the list GET
 * /api/v1/feedback (CAP_ANALYSE, at the end of this file); PUT and DELETE
 * /api/v1/feedback/ID (CAP_MANAGE, audited). PUT is a partial update:
 * the keys given replace the stored ones (null clears an optional one),
 * the others stay. "customer" names the customer by external id (created
 * when unknown, like the responses API does); null detaches.
 *
 * Relies on jansson to read the body and store/feedback.h inside store
 * jobs. Every field is checked before anything is written; the first bad
 * one is named in the error's "field". 201 is sent only after the write
 * committed. Must never store text that is not valid UTF-8 (jansson
 * guarantees it for decoded strings) and never accept a key it does not
 * know, so a misspelt field is an error rather than silently lost.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "store/accounts.h"
#include "store/browse.h"
#include "store/feedback.h"
#include "store/import_refs.h"
#include "store/search.h"
#include "sys/tz.h"
#include "web/api_common.h"
#include "web/pages.h"

#define FEEDBACK_TEXT_MAX ((size_t)1 << 20)
#define FEEDBACK_TITLE_MAX 1000
#define FEEDBACK_CHANNEL_MAX 100
#define FEEDBACK_EXTERNAL_ID_MAX 200
#define FEEDBACK_RATING_MAX 100.0

static json_t *feedback_json(arena_t *a, const store_feedback_t *f)
{
    json_t *o =
        json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)f->id, "source",
                  f->source, "text", f->text, "title", f->title, "channel", f->channel, "language",
                  f->language, "received_at", http_iso_time(a, f->received_at), "created_at",
                  http_iso_time(a, f->created_at));
    if (!o)
        return NULL;
    int bad = json_object_set_new(o, "rating", f->has_rating ? json_real(f->rating) : json_null());
    bad |= json_object_set_new(o, "external_id",
                               f->external_id ? json_string(f->external_id) : json_null());
    bad |= json_object_set_new(o, "customer_id",
                               f->customer_id ? json_integer(f->customer_id) : json_null());
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* A string field: absent or null leaves *out untouched. */
static cx_result string_field(http_request_t *req, json_t *body, const char *key, size_t max,
                              bool nonblank, const char **out)
{
    json_t *v = json_object_get(body, key);
    if (!v || json_is_null(v))
        return CX_OK;
    if (!json_is_string(v))
        return http_fail(req, CX_ERR_INVALID, key, "must be a string");
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n > max)
        return http_fail(req, CX_ERR_INVALID, key, "is too long");
    if (nonblank && strspn(s, " \t\r\n") == n)
        return http_fail(req, CX_ERR_INVALID, key, "must not be empty");
    *out = s;
    return CX_OK;
}

static const char *const feedback_keys[] = {"source",  "text",     "received_at", "title",
                                            "channel", "language", "rating",      "external_id",
                                            "customer"};

static cx_result read_feedback(http_request_t *req, json_t *body, store_feedback_t *f)
{
    const char *key;
    json_t *value;
    json_object_foreach(body, key, value)
    {
        bool known = false;
        for (size_t i = 0; i < sizeof feedback_keys / sizeof feedback_keys[0]; i++)
            known = known || strcmp(key, feedback_keys[i]) == 0;
        if (!known) {
            const char *field = arena_strdup(&req->arena, key);
            return http_fail(req, CX_ERR_INVALID, field ? field : "", "is not a known field");
        }
    }
    cx_result rc;
    json_t *src = json_object_get(body, "source");
    if (!src || json_is_null(src))
        return http_fail(req, CX_ERR_INVALID, "source", "is required");
    if ((rc = string_field(req, body, "source", 32, true, &f->source)))
        return rc;
    if (!store_feedback_source_valid(f->source))
        return http_fail(req, CX_ERR_INVALID, "source",
                         "must be one of complaint, ticket, review, call_note, chat, other");
    json_t *text = json_object_get(body, "text");
    if (!text || json_is_null(text))
        return http_fail(req, CX_ERR_INVALID, "text", "is required");
    if ((rc = string_field(req, body, "text", FEEDBACK_TEXT_MAX, true, &f->text)))
        return rc;
    if ((rc = string_field(req, body, "title", FEEDBACK_TITLE_MAX, false, &f->title)))
        return rc;
    if ((rc = string_field(req, body, "channel", FEEDBACK_CHANNEL_MAX, false, &f->channel)))
        return rc;
    if ((rc = string_field(req, body, "external_id", FEEDBACK_EXTERNAL_ID_MAX, true,
                           &f->external_id)))
        return rc;
    const char *language = NULL;
    if ((rc = string_field(req, body, "language", 8, false, &language)))
        return rc;
    i18n_lang_t lang;
    if (language && !i18n_lang_parse(language, &lang))
        return http_fail(req, CX_ERR_INVALID, "language", "must be one of pl, en, ro");
    f->language = language;

    const char *received = NULL;
    if ((rc = string_field(req, body, "received_at", 64, false, &received)))
        return rc;
    f->received_at = req->now;
    if (received && !http_parse_iso_time(received, &f->received_at))
        return http_fail(req, CX_ERR_INVALID, "received_at",
                         "must be an ISO 8601 date and time with a zone, e.g. "
                         "2026-01-31T10:00:00Z");

    json_t *rating = json_object_get(body, "rating");
    if (rating && !json_is_null(rating)) {
        if (!json_is_number(rating))
            return http_fail(req, CX_ERR_INVALID, "rating", "must be a number");
        double r = json_number_value(rating);
        if (!isfinite(r) || r < 0 || r > FEEDBACK_RATING_MAX)
            return http_fail(req, CX_ERR_INVALID, "rating", "must be a number from 0 to 100");
        f->has_rating = true;
        f->rating = r;
    }
    f->created_at = req->now;
    return CX_OK;
}

/* "customer": absent leaves *has false; null detaches (*ext NULL). */
static cx_result customer_field(http_request_t *req, json_t *body, bool *has, const char **ext)
{
    json_t *v = json_object_get(body, "customer");
    *has = v != NULL;
    *ext = NULL;
    if (!v || json_is_null(v))
        return CX_OK;
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 200)
        return http_fail(req, CX_ERR_INVALID, "customer",
                         "must be the customer's external id (1 to 200 characters)");
    *ext = json_string_value(v);
    return CX_OK;
}

/* The customer with this external id, made when unknown. */
static cx_result customer_ensure(db_conn_t *db, const char *ext, int64_t now, int64_t *id)
{
    cx_result rc = import_refs_customer_find(db, ext, id);
    if (rc == CX_ERR_NOT_FOUND)
        rc = import_refs_customer_add(db, ext, now, id);
    return rc;
}

typedef struct feedback_add_job {
    http_request_t *req;
    store_feedback_t *item;
    const char *customer; /* external id or NULL */
    int64_t id;
    store_feedback_t stored;
} feedback_add_job_t;

static cx_result feedback_add_job(db_conn_t *db, void *arg)
{
    feedback_add_job_t *j = arg;
    cx_result rc = CX_OK;
    if (j->customer && (rc = customer_ensure(db, j->customer, j->req->now, &j->item->customer_id)))
        return rc;
    rc = store_feedback_add(db, j->item, &j->id);
    if (rc)
        return rc;
    /* read back what the store holds, so the answer is the stored item */
    return store_feedback_get(db, &j->req->arena, j->id, &j->stored);
}

cx_result api_feedback_create(http_request_t *req, http_response_t *res)
{
    if (!req->body || req->body_len == 0)
        return http_fail(req, CX_ERR_INVALID, NULL, "the body must be a JSON object");
    json_error_t err;
    json_t *body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &err);
    if (!body) {
        buf_t msg;
        buf_init(&msg, 1024);
        /* raw: an English message for a JSON error body, never HTML */
        buf_printf(&msg, "the body is not valid JSON (line %d, column %d: %s)", err.line,
                   err.column, err.text);
        const char *m = arena_strdup(&req->arena, buf_failed(&msg) ? "the body is not valid JSON"
                                                                   : buf_str(&msg));
        buf_free(&msg);
        return http_fail(req, CX_ERR_INVALID, NULL, m ? m : "the body is not valid JSON");
    }
    if (!json_is_object(body)) {
        json_decref(body);
        return http_fail(req, CX_ERR_INVALID, NULL, "the body must be a JSON object");
    }
    store_feedback_t item = {0};
    bool has_customer;
    const char *customer;
    cx_result rc = read_feedback(req, body, &item);
    if (!rc)
        rc = customer_field(req, body, &has_customer, &customer);
    if (rc) {
        json_decref(body);
        return rc;
    }
    feedback_add_job_t job = {.req = req, .item = &item, .customer = customer};
    rc = store_write(req->store, feedback_add_job, &job);
    json_decref(body);
    if (rc)
        return rc;
    char location[64];
    snprintf(location, sizeof location, "/api/v1/feedback/%lld", (long long)job.id);
    http_set_header(req, res, "Location", location);
    json_t *out = feedback_json(&req->arena, &job.stored);
    return http_json(req, res, 201, out);
}

typedef struct feedback_get_job {
    http_request_t *req;
    int64_t id;
    store_feedback_t item;
} feedback_get_job_t;

static cx_result feedback_get_job(db_conn_t *db, void *arg)
{
    feedback_get_job_t *j = arg;
    return store_feedback_get(db, &j->req->arena, j->id, &j->item);
}

cx_result api_feedback_get(http_request_t *req, http_response_t *res)
{
    feedback_get_job_t job = {.req = req, .id = http_param_id(req, "id")};
    if (!job.id)
        return http_fail(req, CX_ERR_NOT_FOUND, NULL, "no feedback item with this id");
    cx_result rc = store_read(req->store, feedback_get_job, &job);
    if (rc == CX_ERR_NOT_FOUND)
        return http_fail(req, CX_ERR_NOT_FOUND, NULL, "no feedback item with this id");
    if (rc)
        return rc;
    return http_json(req, res, 200, feedback_json(&req->arena, &job.item));
}

/* ---- PUT and DELETE ---- */

typedef struct feedback_change_job {
    http_request_t *req;
    int64_t id;
    json_t *body; /* PUT: the changes */
    store_feedback_t stored;
} feedback_change_job_t;

/* The stored item as the keys a client sends, so that the changes laid
 * over it are checked by the same rules as a new item. */
static json_t *feedback_as_input(arena_t *a, const store_feedback_t *f)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "source", f->source, "text", f->text,
                          "title", f->title, "channel", f->channel, "received_at",
                          http_iso_time(a, f->received_at));
    if (!o)
        return NULL;
    if (f->language && *f->language)
        json_object_set_new(o, "language", json_string(f->language));
    if (f->has_rating)
        json_object_set_new(o, "rating", json_real(f->rating));
    if (f->external_id)
        json_object_set_new(o, "external_id", json_string(f->external_id));
    return o;
}

static cx_result feedback_update_job(db_conn_t *db, void *arg)
{
    feedback_change_job_t *j = arg;
    http_request_t *req = j->req;
    store_feedback_t old;
    cx_result rc = store_feedback_get(db, &req->arena, j->id, &old);
    if (rc)
        return rc;
    json_t *merged = feedback_as_input(&req->arena, &old);
    if (!merged || json_object_update(merged, j->body) != 0) {
        json_decref(merged);
        return CX_ERR_NOMEM;
    }
    store_feedback_t item = {0};
    bool has_customer = false;
    const char *customer = NULL;
    rc = read_feedback(req, merged, &item);
    if (!rc)
        rc = customer_field(req, j->body, &has_customer, &customer);
    item.id = old.id;
    item.customer_id = old.customer_id;
    item.touchpoint_id = old.touchpoint_id;
    item.category = old.category;
    item.created_at = old.created_at;
    if (!rc && has_customer) {
        item.customer_id = 0;
        if (customer)
            rc = customer_ensure(db, customer, req->now, &item.customer_id);
    }
    if (!rc)
        rc = store_feedback_update(db, &item);
    json_decref(merged); /* item's strings pointed into it */
    if (rc)
        return rc;
    char target[48];
    snprintf(target, sizeof target, "feedback %lld", (long long)j->id);
    rc = store_audit_add(db, req->now, req->auth.actor, "feedback_updated", target, req->address,
                         "");
    if (!rc)
        rc = store_feedback_get(db, &req->arena, j->id, &j->stored);
    return rc;
}

cx_result api_feedback_update(http_request_t *req, http_response_t *res)
{
    feedback_change_job_t job = {.req = req, .id = http_param_id(req, "id")};
    if (job.id <= 0)
        return http_fail(req, CX_ERR_NOT_FOUND, NULL, "no feedback item with this id");
    if (!req->body || req->body_len == 0)
        return http_fail(req, CX_ERR_INVALID, NULL, "the body must be a JSON object");
    json_error_t err;
    job.body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &err);
    if (!json_is_object(job.body)) {
        json_decref(job.body);
        return http_fail(req, CX_ERR_INVALID, NULL, "the body must be a JSON object");
    }
    cx_result rc = store_write(req->store, feedback_update_job, &job);
    json_decref(job.body);
    if (rc == CX_ERR_NOT_FOUND)
        return http_fail(req, rc, NULL, "no feedback item with this id");
    if (rc)
        return rc; /* a bad field was named by read_feedback */
    return http_json(req, res, 200, feedback_json(&req->arena, &job.stored));
}

static cx_result feedback_delete_job(db_conn_t *db, void *arg)
{
    feedback_change_job_t *j = arg;
    cx_result rc = store_feedback_delete(db, j->id);
    if (rc)
        return rc;
    char target[48];
    snprintf(target, sizeof target, "feedback %lld", (long long)j->id);
    return store_audit_add(db, j->req->now, j->req->auth.actor, "feedback_deleted", target,
                           j->req->address, "");
}

cx_result api_feedback_delete(http_request_t *req, http_response_t *res)
{
    feedback_change_job_t job = {.req = req, .id = http_param_id(req, "id")};
    if (job.id <= 0)
        return http_fail(req, CX_ERR_NOT_FOUND, NULL, "no feedback item with this id");
    cx_result rc = store_write(req->store, feedback_delete_job, &job);
    if (rc == CX_ERR_NOT_FOUND)
        return http_fail(req, rc, NULL, "no feedback item with this id");
    if (rc)
        return rc;
    res->status = 204;
    return CX_OK;
}

/* --- GET /api/v1/feedback: the list ---------------------------------------
 * Newest first, filtered like GET /api/v1/responses (source, touchpoint,
 * channel, segment, customer, from, to) plus q, the full-text search over
 * title and text; a page at a time with the opaque next_cursor. Relies on
 * store/browse.h; q is turned into quoted words by search.h, never passed
 * on as FTS syntax. */

#define FEEDBACK_PAGE_DEFAULT 100
#define FEEDBACK_PAGE_MAX 1000

typedef struct feedback_list_job {
    http_request_t *req;
    browse_filter_t filter;
    browse_entry_t *entries;
    size_t count;
    bool more;
    store_feedback_t *items;
    int64_t unindexed; /* ids not yet searchable (a bulk load's, search.h) */
} feedback_list_job_t;

static cx_result feedback_list_job(db_conn_t *db, void *arg)
{
    feedback_list_job_t *j = arg;
    arena_t *arena = &j->req->arena;
    if (j->filter.match && search_index_backlog(db, &j->unindexed) != CX_OK)
        return CX_ERR_STORE;
    cx_result rc = browse_list(db, arena, &j->filter, &j->entries, &j->count, &j->more);
    if (rc)
        return rc;
    j->items = arena_alloc(arena, (j->count ? j->count : 1) * sizeof *j->items);
    if (!j->items)
        return CX_ERR_NOMEM;
    for (size_t i = 0; !rc && i < j->count; i++)
        rc = store_feedback_get(db, arena, j->entries[i].id, &j->items[i]);
    return rc;
}

/* A time bound as GET /api/v1/responses takes it: a local date (for `to`
 * the start of the next day) or an ISO 8601 time. */
static bool feedback_time_bound(const char *text, bool upper, int64_t *out)
{
    int32_t day;
    if (engine_parse_day(text, &day)) {
        *out = tz_day_start(upper ? day + 1 : day);
        return true;
    }
    return http_parse_iso_time(text, out);
}

cx_result api_feedback_list(http_request_t *req, http_response_t *res)
{
    static const char *const known[] = {"source", "touchpoint", "channel", "segment", "customer",
                                        "from",   "to",         "q",       "limit",   "cursor"};
    cx_result rc = api_query_known(req, known, sizeof known / sizeof known[0]);
    if (rc)
        return rc;
    feedback_list_job_t job = {.req = req};
    browse_filter_t *f = &job.filter;
    f->kind = BROWSE_FEEDBACK;
    f->limit = FEEDBACK_PAGE_DEFAULT;
    f->touchpoint = http_query(req, "touchpoint");
    f->channel = http_query(req, "channel");
    f->segment = http_query(req, "segment");
    f->customer = http_query(req, "customer");
    const char *text;
    if ((text = http_query(req, "source"))) {
        if (!store_feedback_source_valid(text))
            return http_fail(req, CX_ERR_INVALID, "source",
                             "must be one of complaint, ticket, review, call_note, chat, other");
        f->source = text;
    }
    if ((text = http_query(req, "from")) &&
        !(f->has_from = feedback_time_bound(text, false, &f->from)))
        return http_fail(req, CX_ERR_INVALID, "from", "must be a date (YYYY-MM-DD) or a time");
    if ((text = http_query(req, "to")) && !(f->has_to = feedback_time_bound(text, true, &f->to)))
        return http_fail(req, CX_ERR_INVALID, "to", "must be a date (YYYY-MM-DD) or a time");
    if ((text = http_query(req, "q"))) {
        if (strlen(text) > 500)
            return http_fail(req, CX_ERR_INVALID, "q", "is too long (at most 500 bytes)");
        if ((rc = search_match_query(&req->arena, text, &f->match)))
            return rc;
    }
    if ((rc = api_query_limit(req, FEEDBACK_PAGE_MAX, &f->limit)))
        return rc;
    if ((text = http_query(req, "cursor"))) {
        if (!browse_cursor_parse(text, &f->cursor) || f->cursor.kind != 1)
            return http_fail(req, CX_ERR_INVALID, "cursor", "is not a cursor this API gave");
        f->has_cursor = true;
    }
    rc = store_read(req->store, feedback_list_job, &job);
    if (rc)
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; list && i < job.count; i++)
        json_array_append_new(list, feedback_json(&req->arena, &job.items[i]));
    json_t *doc = json_pack("{s:o}", "feedback", list);
    if (!doc)
        return CX_ERR_NOMEM;
    const char *cursor = NULL;
    if (job.more && job.count > 0) {
        const browse_entry_t *last = &job.entries[job.count - 1];
        browse_cursor_t c = {.at = last->at, .kind = last->kind, .id = last->id};
        cursor = browse_cursor_format(&req->arena, &c);
    }
    api_next_cursor(doc, cursor);
    api_search_complete(doc, f->match != NULL, job.unindexed);
    return http_json(req, res, 200, doc);
}
