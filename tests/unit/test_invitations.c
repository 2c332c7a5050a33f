/*
 * test_invitations.c — the invitation store on a real database: who is
 * invited and who is skipped, claims that two senders cannot share, the
 * token put in at claim time (only its hash stored), the retry rules of
 * failures, reminders only to the unanswered, and marking an answer.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/secret.h"
#include "store/invitations.h"
#include "store/orgdata.h"
#include "store/surveys.h"
#include "store_fixture.h"

#define NOW 1795446329

typedef struct fx {
    test_db_t t;
    store_t *s;
    int64_t survey;
} fx_t;

static cx_result setup_job(db_conn_t *db, void *arg)
{
    fx_t *f = arg;
    int64_t vip;
    cx_result rc = orgdata_segment_add(db, "VIP", "", NULL, NOW, &vip);
    if (rc)
        return rc;
    orgdata_customer_t c[] = {
        {.external_id = "c1", .name = "Jan", .email = "jan@example.pl", .language = "pl",
         .segment_id = vip, .created_at = NOW},
        {.external_id = "c2", .name = "Ann", .email = "ann@example.com", .language = "en",
         .segment_id = vip, .created_at = NOW},
        {.external_id = "c3", .name = "No mail", .email = "", .language = "pl",
         .segment_id = vip, .created_at = NOW},
        {.external_id = "c4", .name = "Erased", .email = "e@example.pl", .language = "pl",
         .segment_id = vip, .created_at = NOW},
        {.external_id = "c5", .name = "Other", .email = "o@example.pl", .language = "ro",
         .created_at = NOW},
    };
    rc = orgdata_customers_add(db, c, sizeof c / sizeof c[0]);
    if (rc)
        return rc;
    db_stmt_t *st = db_prepare(db, "UPDATE customers SET erased_at = 1 WHERE external_id = 'c4'");
    if ((rc = db_exec_stmt(st)))
        return rc;
    surveys_new_t s = {.kind = "nps", .name = "Po wizycie", .languages = "pl,en", .created_at = NOW};
    return surveys_create(db, &s, &f->survey, NULL);
}

static void fx_open(fx_t *f)
{
    cr_assert_eq(secret_init(), CX_OK);
    test_db_make(&f->t);
    f->s = test_db_open(&f->t, 0);
    cr_assert_eq(store_write(f->s, setup_job, f), CX_OK);
}

static void fx_close(fx_t *f)
{
    store_close(f->s);
    test_db_remove(&f->t);
}

typedef struct create_args {
    invitations_request_t r;
    invitations_summary_t sum;
    const char *what;
} create_args_t;

static cx_result create_job(db_conn_t *db, void *arg)
{
    create_args_t *a = arg;
    return invitations_create(db, &a->r, &a->sum, &a->what);
}

typedef struct claim_args {
    arena_t arena;
    bool reminder;
    int64_t remind_before, now;
    int limit;
    invitations_outgoing_t *rows;
    size_t n;
} claim_args_t;

static cx_result claim_job(db_conn_t *db, void *arg)
{
    claim_args_t *a = arg;
    return invitations_claim(db, &a->arena, a->reminder, a->remind_before, a->limit, a->now,
                             &a->rows, &a->n);
}

typedef struct mark_args {
    int64_t id;
    bool reminder, failed, permanent;
    int64_t now;
    const char *hash;
} mark_args_t;

static cx_result mark_job(db_conn_t *db, void *arg)
{
    mark_args_t *a = arg;
    if (a->hash)
        return invitations_mark_answered(db, a->hash, a->now, NULL);
    if (a->failed)
        return invitations_mark_failed(db, a->id, a->reminder, a->permanent, "450 busy", a->now);
    return invitations_mark_sent(db, a->id, a->reminder, a->now);
}

typedef struct count_args {
    int64_t survey;
    invitations_counts_t c;
    arena_t arena;
    invitations_row_t *rows;
    size_t n;
} count_args_t;

static cx_result count_job(db_conn_t *db, void *arg)
{
    count_args_t *a = arg;
    cx_result rc = invitations_count(db, a->survey, &a->c);
    return rc ? rc : invitations_list(db, &a->arena, a->survey, 100, &a->rows, &a->n);
}

static invitations_counts_t counts(fx_t *f)
{
    count_args_t a = {.survey = f->survey};
    arena_init(&a.arena);
    cr_assert_eq(store_read(f->s, count_job, &a), CX_OK);
    arena_free(&a.arena);
    return a.c;
}

Test(invitations, audience_and_skips)
{
    fx_t f;
    fx_open(&f);
    create_args_t a = {.r = {.survey_id = f.survey, .audience = INVITATIONS_SEGMENT,
                             .segment = "VIP", .recent_days = 30, .now = NOW}};
    cr_assert_eq(store_write(f.s, create_job, &a), CX_OK);
    cr_assert_eq(a.sum.matched, 4);
    cr_assert_eq(a.sum.created, 2);
    cr_assert_eq(a.sum.skipped_no_email, 1);
    cr_assert_eq(a.sum.skipped_erased, 1);
    /* again within 30 days: both recent */
    cr_assert_eq(store_write(f.s, create_job, &a), CX_OK);
    cr_assert_eq(a.sum.created, 0);
    cr_assert_eq(a.sum.skipped_recent, 2);
    /* 31 days later they may be invited again */
    a.r.now = NOW + 31 * 86400;
    a.r.dry_run = true;
    cr_assert_eq(store_write(f.s, create_job, &a), CX_OK);
    cr_assert_eq(a.sum.created, 2);
    cr_assert_eq(counts(&f).queued, 2, "a dry run writes nothing");
    /* a list with an unknown and a repeated id */
    const char *ids[] = {"c5", "zz", "c5"};
    create_args_t l = {.r = {.survey_id = f.survey, .audience = INVITATIONS_CUSTOMERS,
                             .external_ids = ids, .external_count = 3, .recent_days = 30,
                             .now = NOW}};
    cr_assert_eq(store_write(f.s, create_job, &l), CX_OK);
    cr_assert_eq(l.sum.created, 1);
    cr_assert_eq(l.sum.unknown_ids, 1);
    /* unknown segment and survey */
    create_args_t bad = {.r = {.survey_id = f.survey, .audience = INVITATIONS_SEGMENT,
                               .segment = "Nope", .now = NOW}};
    cr_assert_eq(store_write(f.s, create_job, &bad), CX_ERR_NOT_FOUND);
    cr_assert_str_eq(bad.what, "segment");
    bad.r.survey_id = 999;
    cr_assert_eq(store_write(f.s, create_job, &bad), CX_ERR_NOT_FOUND);
    cr_assert_str_eq(bad.what, "survey");
    invitations_counts_t c = counts(&f);
    cr_assert_eq(c.queued, 3);
    cr_assert_eq(c.total, 3);
    fx_close(&f);
}

Test(invitations, claims_tokens_failures_reminders_answers)
{
    fx_t f;
    fx_open(&f);
    create_args_t a = {.r = {.survey_id = f.survey, .audience = INVITATIONS_ALL, .now = NOW}};
    cr_assert_eq(store_write(f.s, create_job, &a), CX_OK);
    cr_assert_eq(a.sum.created, 3); /* c1, c2, c5 */

    claim_args_t one = {.limit = 2, .now = NOW};
    arena_init(&one.arena);
    cr_assert_eq(store_write(f.s, claim_job, &one), CX_OK);
    cr_assert_eq(one.n, 2);
    cr_assert_str_eq(one.rows[0].email, "jan@example.pl");
    cr_assert_str_eq(one.rows[0].survey_slug, "po-wizycie");
    cr_assert_eq(strlen(one.rows[0].token), SECRET_TOKEN_LEN);
    /* a second sender gets only what is left */
    claim_args_t two = {.limit = 10, .now = NOW + 1};
    arena_init(&two.arena);
    cr_assert_eq(store_write(f.s, claim_job, &two), CX_OK);
    cr_assert_eq(two.n, 1);
    cr_assert_str_eq(two.rows[0].email, "o@example.pl");
    /* ... unless a claim is stale (its sender died) */
    claim_args_t late = {.limit = 10, .now = NOW + INVITATIONS_CLAIM_STALE + 2};
    arena_init(&late.arena);
    cr_assert_eq(store_write(f.s, claim_job, &late), CX_OK);
    cr_assert_eq(late.n, 3);
    arena_free(&late.arena);

    /* Jan: sent; Ann: 4xx (back in the queue, not at once); o@: 5xx */
    mark_args_t m = {.id = one.rows[0].id, .now = NOW + 700};
    cr_assert_eq(store_write(f.s, mark_job, &m), CX_OK);
    m = (mark_args_t){.id = one.rows[1].id, .failed = true, .now = NOW + 700};
    cr_assert_eq(store_write(f.s, mark_job, &m), CX_OK);
    m = (mark_args_t){.id = two.rows[0].id, .failed = true, .permanent = true, .now = NOW + 700};
    cr_assert_eq(store_write(f.s, mark_job, &m), CX_OK);
    invitations_counts_t c = counts(&f);
    cr_assert_eq(c.sent, 1);
    cr_assert_eq(c.queued, 1);
    cr_assert_eq(c.failed, 1);
    claim_args_t soon = {.limit = 10, .now = NOW + 800};
    arena_init(&soon.arena);
    cr_assert_eq(store_write(f.s, claim_job, &soon), CX_OK);
    cr_assert_eq(soon.n, 0, "a 4xx is not retried at once");
    arena_free(&soon.arena);

    /* the hash of the claimed token is the row's; Jan answers */
    char hash[SECRET_HASH_HEX_LEN + 1];
    secret_token_hash(one.rows[0].token, hash);
    /* the stale re-claim above replaced Jan's token: it no longer opens */
    m = (mark_args_t){.hash = hash, .now = NOW + 900};
    cr_assert_eq(store_write(f.s, mark_job, &m), CX_ERR_NOT_FOUND);

    /* reminders: only sent, unanswered, old enough, once */
    claim_args_t r = {.reminder = true, .remind_before = NOW + 600, .limit = 10, .now = NOW + 900};
    arena_init(&r.arena);
    cr_assert_eq(store_write(f.s, claim_job, &r), CX_OK);
    cr_assert_eq(r.n, 0, "sent after remind_before");
    r.remind_before = NOW + 700;
    cr_assert_eq(store_write(f.s, claim_job, &r), CX_OK);
    cr_assert_eq(r.n, 1);
    cr_assert_str_eq(r.rows[0].email, "jan@example.pl");
    m = (mark_args_t){.id = r.rows[0].id, .reminder = true, .now = NOW + 901};
    cr_assert_eq(store_write(f.s, mark_job, &m), CX_OK);
    secret_token_hash(r.rows[0].token, hash);
    m = (mark_args_t){.hash = hash, .now = NOW + 1000};
    cr_assert_eq(store_write(f.s, mark_job, &m), CX_OK);
    arena_free(&r.arena);
    claim_args_t r2 = {.reminder = true, .remind_before = NOW + 2000, .limit = 10,
                       .now = NOW + 3000};
    arena_init(&r2.arena);
    cr_assert_eq(store_write(f.s, claim_job, &r2), CX_OK);
    cr_assert_eq(r2.n, 0, "answered and reminded already");
    arena_free(&r2.arena);
    c = counts(&f);
    cr_assert_eq(c.answered, 1);
    cr_assert_eq(c.reminded, 1);

    arena_free(&one.arena);
    arena_free(&two.arena);
    fx_close(&f);
}
