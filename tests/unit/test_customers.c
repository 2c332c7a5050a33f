/*
 * test_customers.c — the customer store and the privacy functions on a
 * temporary database: upsert (absent keeps, set clears), list filters and
 * the cursor, delete refused with history, erasure of identity and texts,
 * the retention setting and a retention pass over feedback items.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/arena.h"
#include "store/accounts.h"
#include "store/customers.h"
#include "store/feedback.h"
#include "store/privacy.h"
#include "store/store.h"
#include "store_fixture.h"

static test_db_t tdb;
static store_t *store;

static void setup(void)
{
    test_db_make(&tdb);
    store = test_db_open(&tdb, 0);
}

static void teardown(void)
{
    store_close(store);
    test_db_remove(&tdb);
}

TestSuite(customers, .init = setup, .fini = teardown);

typedef struct upsert_call {
    customers_upsert_t u;
    customers_upsert_result_t r;
} upsert_call_t;

static cx_result upsert_job(db_conn_t *db, void *arg)
{
    upsert_call_t *c = arg;
    return customers_upsert(db, &c->u, 1700000000, &c->r);
}

typedef struct get_call {
    arena_t arena;
    int64_t id;
    store_customer_t c;
    customers_filter_t filter;
    store_customer_t *rows;
    size_t count;
} get_call_t;

static cx_result get_job(db_conn_t *db, void *arg)
{
    get_call_t *g = arg;
    return customers_get(db, &g->arena, g->id, &g->c);
}

static cx_result list_job(db_conn_t *db, void *arg)
{
    get_call_t *g = arg;
    return customers_list(db, &g->arena, &g->filter, &g->rows, &g->count);
}

static int64_t upsert(customers_upsert_t u, bool *created)
{
    upsert_call_t c = {.u = u};
    cr_assert_eq(store_write(store, upsert_job, &c), CX_OK);
    if (created)
        *created = c.r.created;
    return c.r.id;
}

Test(customers, upsert_creates_then_keeps_what_is_absent_and_clears_what_is_null)
{
    bool created;
    int64_t id = upsert((customers_upsert_t){.external_id = "C-1", .has_name = true,
                                             .name = "Anna", .has_segment = true,
                                             .segment = "Gold", .has_revenue = true,
                                             .revenue = 10.5, .has_churned_at = true,
                                             .churned_at = 1600000000},
                        &created);
    cr_assert(created);
    int64_t again = upsert((customers_upsert_t){.external_id = "C-1", .has_email = true,
                                                .email = "a@example.com", .has_churned_at = true,
                                                .churned_at = 0},
                           &created);
    cr_assert_eq(again, id);
    cr_assert(!created);
    get_call_t g = {.id = id};
    arena_init(&g.arena);
    cr_assert_eq(store_read(store, get_job, &g), CX_OK);
    cr_assert_str_eq(g.c.name, "Anna");
    cr_assert_str_eq(g.c.email, "a@example.com");
    cr_assert_str_eq(g.c.segment, "Gold");
    cr_assert_float_eq(g.c.revenue, 10.5, 1e-9);
    cr_assert_eq(g.c.churned_at, 0);
    arena_free(&g.arena);
}

Test(customers, list_filters_and_pages_in_id_order)
{
    for (int i = 0; i < 7; i++) {
        char ext[16], name[16];
        snprintf(ext, sizeof ext, "L-%d", i);
        snprintf(name, sizeof name, "Name %d", i);
        upsert((customers_upsert_t){.external_id = ext, .has_name = true, .name = name,
                                    .has_segment = true, .segment = i % 2 ? "Odd" : "Even",
                                    .has_churned_at = true, .churned_at = i == 3 ? 1600000000 : 0},
               NULL);
    }
    get_call_t g = {.filter = {.segment = "Odd", .churned = -1, .limit = 2}};
    arena_init(&g.arena);
    cr_assert_eq(store_read(store, list_job, &g), CX_OK);
    cr_assert_eq(g.count, 2);
    cr_assert_str_eq(g.rows[0].external_id, "L-1");
    cr_assert_str_eq(g.rows[1].external_id, "L-3");
    g.filter.after_id = g.rows[1].id;
    cr_assert_eq(store_read(store, list_job, &g), CX_OK);
    cr_assert_eq(g.count, 1);
    cr_assert_str_eq(g.rows[0].external_id, "L-5");
    g.filter = (customers_filter_t){.churned = 1, .limit = 10};
    cr_assert_eq(store_read(store, list_job, &g), CX_OK);
    cr_assert_eq(g.count, 1);
    cr_assert_str_eq(g.rows[0].external_id, "L-3");
    g.filter = (customers_filter_t){.q = "NAME 6", .churned = -1, .limit = 10};
    cr_assert_eq(store_read(store, list_job, &g), CX_OK);
    cr_assert_eq(g.count, 1);
    cr_assert_str_eq(g.rows[0].external_id, "L-6");
    arena_free(&g.arena);
}

typedef struct erase_call {
    int64_t id;
    int64_t feedback_id;
    bool already;
    int64_t erased_at;
    privacy_counts_t counts;
} erase_call_t;

static cx_result add_feedback_job(db_conn_t *db, void *arg)
{
    erase_call_t *e = arg;
    store_feedback_t f = {.source = "complaint", .text = "Anna z Krakowa pisze", .title = "T",
                          .customer_id = e->id, .received_at = 1500000000,
                          .created_at = 1500000000};
    return store_feedback_add(db, &f, &e->feedback_id);
}

static cx_result delete_job(db_conn_t *db, void *arg)
{
    return customers_delete(db, ((erase_call_t *)arg)->id);
}

static cx_result erase_job(db_conn_t *db, void *arg)
{
    erase_call_t *e = arg;
    return privacy_erase(db, e->id, 1700000500, &e->already, &e->erased_at, &e->counts);
}

Test(customers, erase_blanks_identity_and_texts_once)
{
    int64_t id = upsert((customers_upsert_t){.external_id = "E-1", .has_name = true,
                                             .name = "Anna", .has_segment = true,
                                             .segment = "Gold", .has_attributes = true,
                                             .attributes = "{\"city\":\"Krakow\"}"},
                        NULL);
    erase_call_t e = {.id = id};
    cr_assert_eq(store_write(store, add_feedback_job, &e), CX_OK);
    cr_assert_eq(store_write(store, delete_job, &e), CX_ERR_CONFLICT);
    cr_assert_eq(store_write(store, erase_job, &e), CX_OK);
    cr_assert(!e.already);
    cr_assert_eq(e.counts.feedback_texts, 1);
    get_call_t g = {.id = id};
    arena_init(&g.arena);
    cr_assert_eq(store_read(store, get_job, &g), CX_OK);
    cr_assert_null(g.c.external_id);
    cr_assert_str_eq(g.c.name, "");
    cr_assert_str_eq(g.c.attributes, "{}");
    cr_assert_str_eq(g.c.segment, "Gold", "the segment stays for the statistics");
    cr_assert_eq(g.c.erased_at, 1700000500);
    arena_free(&g.arena);
    cr_assert_eq(store_write(store, erase_job, &e), CX_OK);
    cr_assert(e.already);
    cr_assert_eq(e.erased_at, 1700000500);
    /* erased customers cannot be changed, and their external id is free */
    bool created;
    cr_assert_neq(upsert((customers_upsert_t){.external_id = "E-1"}, &created), id);
    cr_assert(created);
}

typedef struct retention_call {
    int days;
    const char *raw;
    privacy_counts_t counts;
} retention_call_t;

static cx_result set_raw_job(db_conn_t *db, void *arg)
{
    return store_setting_set(db, PRIVACY_RETENTION_SETTING, ((retention_call_t *)arg)->raw);
}

static cx_result days_job(db_conn_t *db, void *arg)
{
    return privacy_retention_days(db, &((retention_call_t *)arg)->days);
}

static cx_result count_job(db_conn_t *db, void *arg)
{
    return privacy_retention_count(db, 1600000000, &((retention_call_t *)arg)->counts);
}

static cx_result apply_job(db_conn_t *db, void *arg)
{
    return privacy_retention_apply(db, 1600000000, &((retention_call_t *)arg)->counts);
}

Test(customers, retention_setting_and_a_pass_over_feedback)
{
    retention_call_t r = {.days = -1};
    cr_assert_eq(store_read(store, days_job, &r), CX_OK);
    cr_assert_eq(r.days, 0, "unset is off");
    r.raw = "30";
    cr_assert_eq(store_write(store, set_raw_job, &r), CX_OK);
    cr_assert_eq(store_read(store, days_job, &r), CX_OK);
    cr_assert_eq(r.days, 30);
    r.raw = "-3";
    cr_assert_eq(store_write(store, set_raw_job, &r), CX_OK);
    cr_assert_eq(store_read(store, days_job, &r), CX_ERR_INVALID);

    int64_t id = upsert((customers_upsert_t){.external_id = "R-1"}, NULL);
    erase_call_t e = {.id = id};
    cr_assert_eq(store_write(store, add_feedback_job, &e), CX_OK); /* received 1500000000 */
    cr_assert_eq(store_read(store, count_job, &r), CX_OK);
    cr_assert_eq(r.counts.feedback_texts, 1);
    cr_assert_eq(store_write(store, apply_job, &r), CX_OK);
    cr_assert_eq(r.counts.feedback_texts, 1);
    cr_assert_eq(store_read(store, count_job, &r), CX_OK);
    cr_assert_eq(r.counts.feedback_texts, 0, "a second pass finds nothing");
}
