/*
 * api_customers.c — customer records over the API, and the privacy
 * actions on one customer:
 *
 *   POST   /api/v1/customers             upsert by external_id: one JSON
 *                                         object, or NDJSON (one per line,
 *                                         Content-Type application/x-ndjson)
 *   GET    /api/v1/customers             list: segment, account, churned, q,
 *                                         limit, cursor
 *   GET    /api/v1/customers/REF         one customer
 *   PUT    /api/v1/customers/REF         partial update (absent keeps, null
 *                                         clears)
 *   DELETE /api/v1/customers/REF         only without responses or feedback
 *                                         (409 points to erase)
 *   GET    /api/v1/customers/REF/export  everything stored about them
 *   POST   /api/v1/customers/REF/erase   erasure (privacy.h); idempotent
 *
 * REF is the numeric id, or `ext:` followed by the external id (URL-encoded
 * as a path segment), so an external id made of digits is never taken for
 * an id. Customer records are personal data: reads need CAP_CASES or
 * CAP_ANALYSE, writes CAP_MANAGE (the route table says so); every write
 * and every export is in the audit log.
 *
 * Relies on store/customers.h and store/privacy.h inside store jobs, and
 * jansson. Every field is checked before anything is written; a bulk
 * request lands whole or not at all and names every bad line. An
 * Idempotency-Key header makes a retry return the first answer. Must never
 * answer 2xx before the write committed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/accounts.h"
#include "store/customers.h"
#include "store/privacy.h"
#include "web/api_common.h"
#include "web/pages.h"
#include "web/web.h"

#define CUSTOMERS_PAGE_DEFAULT 100
#define CUSTOMERS_PAGE_MAX 1000
#define CUSTOMERS_ATTRIBUTES_MAX 20000

static const char *const customer_keys[] = {
    "external_id", "name",    "email",         "language",  "value_tier", "segment",
    "account",     "revenue", "cost_to_serve", "joined_at", "churned_at", "attributes"};

/* ---- output ---- */

static json_t *customer_json(arena_t *a, const store_customer_t *c)
{
    json_t *attributes = json_loads(c->attributes, 0, NULL);
    json_t *o = json_pack(
        "{s:I, s:s?, s:s, s:s, s:s, s:s, s:o, s:s?, s:s?, s:s?, s:f, s:f, s:s}", "id",
        (json_int_t)c->id, "external_id", c->external_id, "name", c->name, "email", c->email,
        "language", c->language, "value_tier", c->value_tier, "attributes",
        attributes ? attributes : json_object(), "segment", c->segment, "account", c->account,
        "account_external_id", c->account_external_id, "revenue", c->revenue, "cost_to_serve",
        c->cost_to_serve, "created_at", http_iso_time(a, c->created_at));
    if (!o)
        return NULL;
    json_object_set_new(o, "joined_at",
                        c->joined_at ? json_string(http_iso_time(a, c->joined_at)) : json_null());
    json_object_set_new(o, "churned_at", c->churned_at
                                             ? json_string(http_iso_time(a, c->churned_at))
                                             : json_null());
    json_object_set_new(o, "erased_at",
                        c->erased_at ? json_string(http_iso_time(a, c->erased_at)) : json_null());
    return o;
}

/* ---- input ---- */

typedef struct customers_job {
    http_request_t *req;
    api_lines_t in;              /* the parsed objects and the bad lines */
    customers_upsert_t *items;   /* one per object */
    bool bulk;
    /* PUT: the customer addressed */
    const char *ref;
    /* out */
    customers_upsert_result_t *results;
    store_customer_t stored;     /* the single (or PUT) customer as stored */
    json_t *new_segments, *new_accounts;
    bool erased;                 /* PUT of an erased customer */
    bool external_taken;         /* PUT renaming onto another's external id */
    api_idempotency_t idem;
} customers_job_t;

/* A text field: absent leaves *has false; null sets it with NULL. False
 * (after naming the field) when it is not a string of at most max bytes. */
static bool text_field(customers_job_t *j, size_t line, json_t *o, const char *key, size_t max,
                       bool *has, const char **out)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return true;
    *has = true;
    *out = NULL;
    if (json_is_null(v))
        return true;
    if (!json_is_string(v)) {
        api_lines_error(&j->in, line, key, "must be a string");
        return false;
    }
    if (json_string_length(v) > max) {
        api_lines_error(&j->in, line, key, "is too long");
        return false;
    }
    *out = json_string_value(v);
    return true;
}

/* A time: ISO 8601 date-time with a zone, or a date (its start, UTC). */
static bool parse_time(const char *text, int64_t *out)
{
    if (strlen(text) == 10) {
        char full[32];
        snprintf(full, sizeof full, "%sT00:00:00Z", text);
        return http_parse_iso_time(full, out);
    }
    return http_parse_iso_time(text, out);
}

static void time_field(customers_job_t *j, size_t line, json_t *o, const char *key, bool *has,
                       int64_t *out)
{
    const char *text = NULL;
    if (!text_field(j, line, o, key, 64, has, &text))
        return;
    *out = 0;
    if (text && (!parse_time(text, out) || *out == 0))
        api_lines_error(&j->in, line, key,
                        "must be a date (2026-01-31) or a time with a zone (2026-01-31T10:00:00Z)");
}

static void money_field(customers_job_t *j, size_t line, json_t *o, const char *key, bool *has,
                        double *out)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return;
    *has = true;
    *out = 0;
    if (json_is_null(v))
        return;
    double d = json_number_value(v);
    if (!json_is_number(v) || !isfinite(d) || d < 0 || d > 1e15)
        api_lines_error(&j->in, line, key, "must be a number from 0 up");
    else
        *out = d;
}

/* Validates one object into *u; errors go to the job's list. */
static void read_customer(customers_job_t *j, json_t *o, size_t line, bool need_external,
                          customers_upsert_t *u)
{
    arena_t *arena = &j->req->arena;
    memset(u, 0, sizeof *u);
    const char *key;
    json_t *value;
    json_object_foreach(o, key, value)
    {
        bool known = false;
        for (size_t i = 0; i < sizeof customer_keys / sizeof customer_keys[0]; i++)
            known = known || strcmp(key, customer_keys[i]) == 0;
        if (!known)
            api_lines_error(&j->in, line, arena_strdup(arena, key), "is not a known field");
    }
    bool has_external = false;
    if (text_field(j, line, o, "external_id", 200, &has_external, &u->external_id)) {
        if (has_external && (!u->external_id || strspn(u->external_id, " \t") ==
                                                    strlen(u->external_id)))
            api_lines_error(&j->in, line, "external_id", "must not be empty");
        else if (!has_external && need_external)
            api_lines_error(&j->in, line, "external_id",
                            "is required (the customer's id in your systems)");
        else if (u->external_id && strcspn(u->external_id, "\r\n\t") != strlen(u->external_id))
            api_lines_error(&j->in, line, "external_id", "must be one line");
    }
    text_field(j, line, o, "name", 500, &u->has_name, &u->name);
    if (text_field(j, line, o, "email", 320, &u->has_email, &u->email) && u->email &&
        *u->email && !strchr(u->email, '@'))
        api_lines_error(&j->in, line, "email", "must be an e-mail address");
    if (text_field(j, line, o, "language", 8, &u->has_language, &u->language) && u->language &&
        strcmp(u->language, "pl") && strcmp(u->language, "en") && strcmp(u->language, "ro"))
        api_lines_error(&j->in, line, "language", "must be pl, en or ro");
    text_field(j, line, o, "value_tier", 100, &u->has_value_tier, &u->value_tier);
    if (text_field(j, line, o, "segment", 200, &u->has_segment, &u->segment) && u->segment &&
        !*u->segment)
        u->segment = NULL; /* "" clears like null */
    if (text_field(j, line, o, "account", 200, &u->has_account, &u->account) && u->account &&
        !*u->account)
        u->account = NULL;
    money_field(j, line, o, "revenue", &u->has_revenue, &u->revenue);
    money_field(j, line, o, "cost_to_serve", &u->has_cost_to_serve, &u->cost_to_serve);
    time_field(j, line, o, "joined_at", &u->has_joined_at, &u->joined_at);
    time_field(j, line, o, "churned_at", &u->has_churned_at, &u->churned_at);

    json_t *attributes = json_object_get(o, "attributes");
    if (attributes) {
        u->has_attributes = true;
        if (json_is_null(attributes)) {
            u->attributes = NULL;
        } else if (!json_is_object(attributes)) {
            api_lines_error(&j->in, line, "attributes", "must be an object of names and values");
        } else {
            bool flat = true;
            json_object_foreach(attributes, key, value)
            {
                flat = flat && (json_is_string(value) || json_is_number(value) ||
                                json_is_boolean(value) || json_is_null(value));
            }
            char *text = flat ? json_dumps(attributes, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
            if (!flat)
                api_lines_error(&j->in, line, "attributes",
                                "values must be strings, numbers, true, false or null");
            else if (!text || strlen(text) > CUSTOMERS_ATTRIBUTES_MAX)
                api_lines_error(&j->in, line, "attributes", "is too large");
            else
                u->attributes = arena_strdup(arena, text);
            free(text);
        }
    }
}

/* ---- the write job of POST and PUT ---- */

static json_t *single_doc(customers_job_t *j, const customers_upsert_t *u,
                          const customers_upsert_result_t *r)
{
    json_t *doc = json_pack("{s:o, s:b, s:[], s:[]}", "customer",
                            customer_json(&j->req->arena, &j->stored), "created", r->created,
                            "new_segments", "new_accounts");
    if (doc && r->segment_created && u->segment)
        json_array_append_new(json_object_get(doc, "new_segments"), json_string(u->segment));
    if (doc && r->account_created && u->account)
        json_array_append_new(json_object_get(doc, "new_accounts"), json_string(u->account));
    return doc;
}

static json_t *bulk_doc(customers_job_t *j)
{
    json_t *ids = json_array();
    json_t *segments = json_array(), *accounts = json_array();
    size_t created = 0;
    for (size_t i = 0; i < j->in.count; i++) {
        const customers_upsert_result_t *r = &j->results[i];
        json_array_append_new(ids, json_integer(r->id));
        created += r->created;
        if (r->segment_created && j->items[i].segment)
            json_array_append_new(segments, json_string(j->items[i].segment));
        if (r->account_created && j->items[i].account)
            json_array_append_new(accounts, json_string(j->items[i].account));
    }
    return json_pack("{s:I, s:I, s:I, s:o, s:o, s:o}", "count", (json_int_t)j->in.count,
                     "created", (json_int_t)created, "updated",
                     (json_int_t)(j->in.count - created), "ids", ids, "new_segments", segments,
                     "new_accounts", accounts);
}

/* The customer REF names: a numeric id or ext:EXTERNAL_ID. */
static cx_result resolve_ref(db_conn_t *db, const char *ref, int64_t *id)
{
    if (!ref)
        return CX_ERR_NOT_FOUND;
    if (strncmp(ref, "ext:", 4) == 0)
        return ref[4] ? customers_find_external(db, ref + 4, id) : CX_ERR_NOT_FOUND;
    char *end;
    long long v = strtoll(ref, &end, 10);
    if (!*ref || *end || v <= 0 || ref[0] == '+' || ref[0] == ' ')
        return CX_ERR_NOT_FOUND;
    *id = (int64_t)v;
    return CX_OK;
}

static cx_result customers_write_job(db_conn_t *db, void *arg)
{
    customers_job_t *j = arg;
    http_request_t *req = j->req;
    cx_result rc = api_idempotency_check(db, req, &j->idem);
    if (rc || j->idem.replay_status)
        return rc;
    j->results = arena_alloc(&req->arena, j->in.count * sizeof *j->results);
    if (!j->results)
        return CX_ERR_NOMEM;
    int64_t put_id = 0;
    if (j->ref) {
        if ((rc = resolve_ref(db, j->ref, &put_id)))
            return rc;
        rc = customers_update_by_id(db, put_id, &j->items[0], req->now, &j->results[0]);
        if (rc == CX_ERR_CONFLICT) {
            store_customer_t c;
            j->erased = customers_get(db, &req->arena, put_id, &c) == CX_OK && c.erased_at;
            j->external_taken = !j->erased;
        }
        if (rc)
            return rc;
    } else {
        for (size_t i = 0; i < j->in.count; i++)
            if ((rc = customers_upsert(db, &j->items[i], req->now, &j->results[i])))
                return rc; /* the savepoint drops every earlier line too */
    }
    if (!j->bulk && (rc = customers_get(db, &req->arena, j->results[0].id, &j->stored)))
        return rc;

    char target[64], detail[96];
    size_t created = 0;
    for (size_t i = 0; i < j->in.count; i++)
        created += j->results[i].created;
    if (j->bulk) {
        snprintf(target, sizeof target, "%zu customers", j->in.count);
        snprintf(detail, sizeof detail, "created=%zu updated=%zu", created, j->in.count - created);
    } else {
        snprintf(target, sizeof target, "customer %lld", (long long)j->results[0].id);
        snprintf(detail, sizeof detail, "%s", created ? "created" : "updated");
    }
    rc = store_audit_add(db, req->now, req->auth.actor,
                         created == j->in.count && !j->bulk ? "customer_created"
                         : j->bulk                       ? "customers_upserted"
                                                         : "customer_updated",
                         target, req->address, detail);
    if (rc)
        return rc;

    if (j->idem.key) {
        json_t *doc = j->bulk ? bulk_doc(j) : single_doc(j, &j->items[0], &j->results[0]);
        int status = j->bulk || (!j->ref && j->results[0].created) ? 201 : 200;
        rc = api_idempotency_save(db, req, &j->idem, status, doc);
        json_decref(doc);
    }
    return rc;
}

/* POST (ref NULL) and PUT (ref the path's REF). */
static cx_result customers_write(http_request_t *req, http_response_t *res, const char *ref)
{
    const char *type = http_header(req, "Content-Type");
    customers_job_t job = {.req = req, .ref = ref};
    cx_result rc = api_lines_init(&job.in);
    job.bulk = !ref && type && strncmp(type, "application/x-ndjson", 20) == 0;
    if (!rc) {
        /* the method and path belong to the request too: the same body
         * sent to PUT another customer is a different request */
        buf_t what;
        buf_init(&what, 0);
        buf_printf(&what, "%s %s\n", ref ? "PUT" : "POST", ref ? ref : ""); /* raw: hashed */
        rc = buf_failed(&what) ? CX_ERR_NOMEM
                               : api_idempotency_read(req, buf_str(&what), &job.idem);
        buf_free(&what);
    }
    if (!rc)
        rc = api_lines_parse(req, &job.in, job.bulk, "customer", "customers");
    if (!rc && job.in.count) {
        job.items = arena_alloc(&req->arena, job.in.count * sizeof *job.items);
        if (!job.items)
            rc = CX_ERR_NOMEM;
        for (size_t i = 0; !rc && i < job.in.count; i++)
            read_customer(&job, job.in.objects[i], job.in.lines[i], !ref, &job.items[i]);
    }
    if (!rc && job.in.nerrors)
        rc = api_lines_fail(req, res, &job.in, !job.bulk);
    else if (!rc)
        rc = store_write(req->store, customers_write_job, &job);
    else if (rc == CX_ERR_INVALID && job.in.nerrors)
        rc = api_lines_fail(req, res, &job.in, !job.bulk);

    if (job.in.nerrors) {
        /* answered above */
    } else if (api_idempotency_answer(req, res, &job.idem, &rc)) {
        /* a replay, or a key used for another request */
    } else if (rc == CX_ERR_CONFLICT && job.erased) {
        rc = http_fail(req, rc, NULL, "this customer was erased; an erased record stays blank");
    } else if (rc == CX_ERR_CONFLICT && job.external_taken) {
        rc = http_fail(req, rc, "external_id", "belongs to another customer");
    } else if (rc == CX_ERR_NOT_FOUND && ref) {
        rc = http_fail(req, rc, NULL, "no such customer");
    } else if (!rc) {
        json_t *doc = job.bulk ? bulk_doc(&job) : single_doc(&job, &job.items[0], &job.results[0]);
        int status = job.bulk || (!ref && job.results[0].created) ? 201 : 200;
        if (!job.bulk) {
            char location[64];
            snprintf(location, sizeof location, "/api/v1/customers/%lld",
                     (long long)job.results[0].id);
            http_set_header(req, res, "Location", location);
        }
        rc = doc ? http_json(req, res, status, doc) : CX_ERR_NOMEM;
    }
    api_lines_free(&job.in);
    return rc;
}

cx_result api_customers_upsert(http_request_t *req, http_response_t *res)
{
    return customers_write(req, res, NULL);
}

cx_result api_customers_update(http_request_t *req, http_response_t *res)
{
    const char *ref = http_param(req, "id");
    return customers_write(req, res, ref ? ref : "");
}

/* ---- reads ---- */

/* Runs a job on the customer the path's REF names (store_write when
 * write); a REF that names none is the API's 404. */
static cx_result customer_job(http_request_t *req, bool write, store_job_fn fn, void *job)
{
    cx_result rc = write ? store_write(req->store, fn, job) : store_read(req->store, fn, job);
    return rc == CX_ERR_NOT_FOUND ? http_fail(req, rc, NULL, "no such customer") : rc;
}

typedef struct customer_get_job {
    http_request_t *req;
    const char *ref;
    store_customer_t customer;
} customer_get_job_t;

static cx_result customer_get_job(db_conn_t *db, void *arg)
{
    customer_get_job_t *j = arg;
    int64_t id = 0;
    cx_result rc = resolve_ref(db, j->ref, &id);
    return rc ? rc : customers_get(db, &j->req->arena, id, &j->customer);
}

cx_result api_customers_get(http_request_t *req, http_response_t *res)
{
    customer_get_job_t job = {.req = req, .ref = http_param(req, "id")};
    cx_result rc = customer_job(req, false, customer_get_job, &job);
    if (rc)
        return rc;
    json_t *doc = customer_json(&req->arena, &job.customer);
    return doc ? http_json(req, res, 200, doc) : CX_ERR_NOMEM;
}

typedef struct customer_list_job {
    http_request_t *req;
    customers_filter_t filter;
    store_customer_t *rows;
    size_t count;
} customer_list_job_t;

static cx_result customer_list_job(db_conn_t *db, void *arg)
{
    customer_list_job_t *j = arg;
    return customers_list(db, &j->req->arena, &j->filter, &j->rows, &j->count);
}

cx_result api_customers_list(http_request_t *req, http_response_t *res)
{
    static const char *const known[] = {"segment", "account", "churned", "q", "limit", "cursor"};
    cx_result rc = api_query_known(req, known, sizeof known / sizeof known[0]);
    if (rc)
        return rc;
    customer_list_job_t job = {.req = req};
    customers_filter_t *f = &job.filter;
    f->segment = http_query(req, "segment");
    f->account = http_query(req, "account");
    f->q = http_query(req, "q");
    if (f->q && !*f->q)
        f->q = NULL;
    f->churned = -1;
    f->limit = CUSTOMERS_PAGE_DEFAULT;
    const char *text;
    if ((text = http_query(req, "churned"))) {
        if (strcmp(text, "true") == 0)
            f->churned = 1;
        else if (strcmp(text, "false") == 0)
            f->churned = 0;
        else
            return http_fail(req, CX_ERR_INVALID, "churned", "must be true or false");
    }
    if ((rc = api_query_limit(req, CUSTOMERS_PAGE_MAX, &f->limit)) ||
        (rc = api_query_id_cursor(req, &f->after_id)) ||
        (rc = store_read(req->store, customer_list_job, &job)))
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; list && i < job.count; i++)
        json_array_append_new(list, customer_json(&req->arena, &job.rows[i]));
    json_t *doc = json_pack("{s:o}", "customers", list);
    if (!doc)
        return CX_ERR_NOMEM;
    api_next_id_cursor(doc, job.count, f->limit, job.count ? job.rows[job.count - 1].id : 0);
    return http_json(req, res, 200, doc);
}

/* ---- delete, export, erase ---- */

typedef struct customer_action_job {
    http_request_t *req;
    const char *ref;
    int64_t id;
    int64_t responses, feedback_items; /* delete: what blocks it */
    json_t *export_doc;                /* export: owned */
    bool already;                      /* erase */
    int64_t erased_at;
    privacy_counts_t counts;
} customer_action_job_t;

static cx_result customer_delete_job(db_conn_t *db, void *arg)
{
    customer_action_job_t *j = arg;
    cx_result rc = resolve_ref(db, j->ref, &j->id);
    if (!rc)
        rc = customers_delete(db, j->id);
    if (rc == CX_ERR_CONFLICT)
        customers_history_count(db, j->id, &j->responses, &j->feedback_items);
    if (rc)
        return rc;
    char target[48];
    snprintf(target, sizeof target, "customer %lld", (long long)j->id);
    return store_audit_add(db, j->req->now, j->req->auth.actor, "customer_deleted", target,
                           j->req->address, "");
}

cx_result api_customers_delete(http_request_t *req, http_response_t *res)
{
    customer_action_job_t job = {.req = req, .ref = http_param(req, "id")};
    cx_result rc = customer_job(req, true, customer_delete_job, &job);
    if (rc == CX_ERR_CONFLICT) {
        buf_t m;
        buf_init(&m, 512);
        /* raw: an English message for a JSON error body */
        buf_printf(&m,
                   "this customer has %lld response(s) and %lld feedback item(s); to remove "
                   "their personal data, erase them: POST /api/v1/customers/%lld/erase",
                   (long long)job.responses, (long long)job.feedback_items, (long long)job.id);
        const char *text = arena_strdup(&req->arena, buf_failed(&m) ? "" : buf_str(&m));
        buf_free(&m);
        return http_fail(req, rc, NULL, text && *text ? text : "this customer has history; erase");
    }
    if (rc)
        return rc;
    res->status = 204;
    return CX_OK;
}

static cx_result customer_export_job(db_conn_t *db, void *arg)
{
    customer_action_job_t *j = arg;
    cx_result rc = resolve_ref(db, j->ref, &j->id);
    if (!rc)
        rc = privacy_export(db, j->id, j->req->now, &j->export_doc);
    if (rc)
        return rc;
    char target[48];
    snprintf(target, sizeof target, "customer %lld", (long long)j->id);
    /* handing out everything about a person is worth a line in the log */
    rc = store_audit_add(db, j->req->now, j->req->auth.actor, "customer_exported", target,
                         j->req->address, "");
    if (rc) {
        json_decref(j->export_doc);
        j->export_doc = NULL;
    }
    return rc;
}

cx_result api_customers_export(http_request_t *req, http_response_t *res)
{
    customer_action_job_t job = {.req = req, .ref = http_param(req, "id")};
    cx_result rc = customer_job(req, true, customer_export_job, &job);
    if (rc)
        return rc;
    char disposition[96];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"customer-%lld.json\"",
             (long long)job.id);
    http_set_header(req, res, "Content-Disposition", disposition);
    return http_json(req, res, 200, job.export_doc);
}

static cx_result customer_erase_job(db_conn_t *db, void *arg)
{
    customer_action_job_t *j = arg;
    cx_result rc = resolve_ref(db, j->ref, &j->id);
    if (!rc)
        rc = privacy_erase(db, j->id, j->req->now, &j->already, &j->erased_at, &j->counts);
    if (rc || j->already)
        return rc;
    char target[48], detail[160];
    snprintf(target, sizeof target, "customer %lld", (long long)j->id);
    snprintf(detail, sizeof detail,
             "comments=%lld text_answers=%lld feedback=%lld case_notes=%lld invitations=%lld",
             (long long)j->counts.comments, (long long)j->counts.text_answers,
             (long long)j->counts.feedback_texts, (long long)j->counts.case_notes,
             (long long)j->counts.invitations);
    return store_audit_add(db, j->req->now, j->req->auth.actor, "customer_erased", target,
                           j->req->address, detail);
}

cx_result api_customers_erase(http_request_t *req, http_response_t *res)
{
    customer_action_job_t job = {.req = req, .ref = http_param(req, "id")};
    cx_result rc = customer_job(req, true, customer_erase_job, &job);
    if (rc)
        return rc;
    json_t *doc = json_pack(
        "{s:I, s:s, s:b, s:{s:I, s:I, s:I, s:I, s:I}}", "id", (json_int_t)job.id, "erased_at",
        http_iso_time(&req->arena, job.erased_at), "already_erased", job.already, "removed",
        "comments", (json_int_t)job.counts.comments, "text_answers",
        (json_int_t)job.counts.text_answers, "feedback_texts",
        (json_int_t)job.counts.feedback_texts, "case_notes", (json_int_t)job.counts.case_notes,
        "invitations_detached", (json_int_t)job.counts.invitations);
    return doc ? http_json(req, res, 200, doc) : CX_ERR_NOMEM;
}
