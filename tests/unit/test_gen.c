/*
 * test_gen.c — synthetic data: the calendar, the phrase and name tables,
 * the model's distributions and story (without a database), and the
 * generator against real stores: same seed same bytes, counts, refusal
 * without --append, the schema left as it was, and the demo
 * organisation's structure.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/charset.h"
#include "core/secret.h"
#include "gen/demo_org.h"
#include "gen/gen_model.h"
#include "gen/gen_run.h"
#include "gen/gen_text.h"
#include "gen/gen_time.h"
#include "store/accounts.h"
#include "store/orgdata.h"
#include "store_fixture.h"

/* ---- calendar ---------------------------------------------------------- */

static int64_t day_of(const char *s)
{
    int64_t d = 0;
    cr_assert(gen_parse_date(s, &d), "%s", s);
    return d;
}

Test(gen_time, civil_dates_round_trip)
{
    cr_assert_eq(gen_days_from_civil(1970, 1, 1), 0);
    cr_assert_eq(gen_days_from_civil(2000, 3, 1), 11017);
    for (int64_t d = -1000; d < 120000; d += 37) {
        int y, m, dd;
        gen_civil_from_days(d, &y, &m, &dd);
        cr_assert_eq(gen_days_from_civil(y, m, dd), d);
    }
    /* 2026-11-23 is a Monday, so 2026-10-31 is a Saturday */
    cr_assert_eq(gen_weekday(day_of("2026-11-23")), 0);
    cr_assert_eq(gen_weekday(day_of("2026-10-31")), 5);
}

Test(gen_time, parse_refuses_what_is_not_a_date)
{
    int64_t d;
    cr_assert(gen_parse_date("2024-02-29", &d));
    cr_assert_not(gen_parse_date("2026-02-29", &d));
    cr_assert_not(gen_parse_date("2026-13-01", &d));
    cr_assert_not(gen_parse_date("2026-1-01", &d));
    cr_assert_not(gen_parse_date("26-01-01", &d));
    cr_assert_not(gen_parse_date("2026-01-01x", &d));
    cr_assert_not(gen_parse_date("", &d));
    cr_assert_not(gen_parse_date(NULL, &d));
}

Test(gen_time, months_back_clamp_the_day)
{
    cr_assert_eq(gen_months_before(day_of("2026-03-31"), 1), day_of("2026-02-28"));
    cr_assert_eq(gen_months_before(day_of("2026-10-31"), 18), day_of("2025-04-30"));
    cr_assert_eq(gen_months_before(day_of("2026-01-15"), 13), day_of("2024-12-15"));
}

Test(gen_time, warsaw_summer_time)
{
    /* 2026: CEST from 29 March 01:00 UTC to 25 October 01:00 UTC */
    int64_t spring = day_of("2026-03-29") * 86400 + 3600;
    int64_t autumn = day_of("2026-10-25") * 86400 + 3600;
    cr_assert_eq(gen_warsaw_offset(spring - 1), 3600);
    cr_assert_eq(gen_warsaw_offset(spring), 7200);
    cr_assert_eq(gen_warsaw_offset(autumn - 1), 7200);
    cr_assert_eq(gen_warsaw_offset(autumn), 3600);
    cr_assert_eq(gen_local_midnight(day_of("2026-07-01")), day_of("2026-07-01") * 86400 - 7200);
    cr_assert_eq(gen_local_midnight(day_of("2026-01-15")), day_of("2026-01-15") * 86400 - 3600);
    /* 23 hours on the spring day, 25 in autumn; every local time lands in its day */
    cr_assert_eq(gen_local_midnight(day_of("2026-03-30")) -
                     gen_local_midnight(day_of("2026-03-29")),
                 23 * 3600);
    cr_assert_eq(gen_local_midnight(day_of("2026-10-26")) -
                     gen_local_midnight(day_of("2026-10-25")),
                 25 * 3600);
    const char *days[] = {"2026-03-29", "2026-10-25", "2026-06-01", "2026-12-01"};
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        int64_t d = day_of(days[i]);
        for (int sec = 0; sec < 86400; sec += 599) {
            int64_t t = gen_local_time(d, sec);
            cr_assert_geq(t, gen_local_midnight(d));
            cr_assert_lt(t, gen_local_midnight(d + 1));
        }
    }
    /* 02:30 on the spring day does not exist: 03:30 CEST */
    cr_assert_eq(gen_local_time(day_of("2026-03-29"), 2 * 3600 + 1800),
                 day_of("2026-03-29") * 86400 + 3600 + 1800);
}

/* ---- words ------------------------------------------------------------- */

Test(gen_text, comments_are_valid_utf8_sentences)
{
    rng_t r;
    rng_seed(&r, 11);
    buf_t b;
    buf_init(&b, 0);
    for (int lang = 0; lang < GEN_LANG_COUNT; lang++)
        for (int topic = 0; topic < GEN_TOPIC_COUNT; topic++)
            for (int tone = 0; tone < GEN_TONE_COUNT; tone++)
                for (int k = 0; k < 20; k++) {
                    buf_reset(&b);
                    unsigned eras = (unsigned)rng_range(&r, 0, 63);
                    gen_text_comment(&r, (gen_lang_t)lang, (gen_topic_t)topic,
                                     (gen_topic_t)rng_range(&r, 0, GEN_TOPIC_COUNT - 1),
                                     (gen_tone_t)tone, eras, &b);
                    cr_assert_not(buf_failed(&b));
                    cr_assert_gt(b.len, 5);
                    cr_assert_lt(b.len, 400);
                    cr_assert_eq(charset_validate_utf8(b.data, b.len, NULL), b.len);
                    cr_assert_null(strstr(b.data, "  "), "%s", b.data);
                    cr_assert_neq(b.data[0], ' ');
                }
    buf_free(&b);
}

Test(gen_text, story_phrases_only_in_their_period)
{
    rng_t r;
    rng_seed(&r, 3);
    buf_t b;
    buf_init(&b, 0);
    int login_before = 0, login_after = 0;
    for (int k = 0; k < 2000; k++) {
        buf_reset(&b);
        gen_text_comment(&r, GEN_LANG_PL, GEN_TOPIC_APP, GEN_TOPIC_APP, GEN_TONE_NEGATIVE,
                         GEN_ERA_APP_GOOD, &b);
        login_before += strstr(b.data, "logow") != NULL;
        buf_reset(&b);
        gen_text_comment(&r, GEN_LANG_PL, GEN_TOPIC_APP, GEN_TOPIC_APP, GEN_TONE_NEGATIVE,
                         GEN_ERA_APP_BROKEN, &b);
        login_after += strstr(b.data, "logow") != NULL;
    }
    cr_assert_eq(login_before, 0);
    cr_assert_gt(login_after, 600, "%d", login_after);
    buf_free(&b);
}

Test(gen_text, people_have_names_and_reserved_addresses)
{
    rng_t r;
    rng_seed(&r, 5);
    buf_t b;
    buf_init(&b, 0);
    for (int k = 0; k < 500; k++) {
        buf_reset(&b);
        size_t name, email;
        gen_text_person(&r, k % 10 == 0 ? GEN_LANG_EN : GEN_LANG_PL, (uint64_t)k,
                        k % 7 == 0 ? "budpol.example" : NULL, &b, &name, &email);
        const char *n = b.data + name, *e = b.data + email;
        cr_assert_not_null(strchr(n, ' '), "%s", n);
        const char *at = strchr(e, '@');
        cr_assert_not_null(at, "%s", e);
        cr_assert(strlen(at) > 9 && strcmp(e + strlen(e) - 8, ".example") == 0, "%s", e);
        for (const char *p = e; *p; p++)
            cr_assert((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
                          *p == '@' || *p == '-',
                      "%s", e);
    }
    buf_free(&b);
}

/* ---- the model, without a store ---------------------------------------- */

typedef struct tally {
    int64_t n[DEMO_SV_COUNT];
    int64_t promoters, detractors, nps_n;
    int64_t call_good_before, call_n_before, call_good_after, call_n_after;
    int64_t app_good_before, app_n_before, app_good_broken, app_n_broken;
    int64_t comments, drivers, completed;
    double churned_sum, stayed_sum;
    int64_t churned_n, stayed_n;
    int64_t enps_outside_waves;
} tally_t;

static void draw_model(gen_model_t *m, int64_t responses, int64_t customers, tally_t *t)
{
    int64_t end = day_of(GEN_DEFAULT_END);
    gen_params_t p = {
        .seed = 5,
        .responses = responses,
        .customers = customers,
        .first_day = gen_months_before(end, 18) + 1,
        .last_day = end,
        .driver_share = 0.2,
        .case_share = 0.05,
    };
    cr_assert_eq(gen_model_init(m, &p), CX_OK);
    int64_t sum = 0;
    for (int d = 0; d < m->ndays; d++)
        sum += m->days[d].count;
    cr_assert_eq(sum, responses);

    rng_t r;
    rng_seed(&r, 5);
    buf_t text;
    buf_init(&text, 0);
    for (int64_t i = 0; i < m->naccounts; i++) {
        gen_account_row_t a;
        buf_reset(&text);
        gen_model_account(m, &r, i, &text, &a);
    }
    for (int64_t i = 0; i < customers; i++) {
        gen_customer_row_t c;
        buf_reset(&text);
        gen_model_customer(m, &r, i, &text, &c);
        cr_assert_geq(c.revenue, 0);
        cr_assert_gt(c.cost_to_serve, 0);
        cr_assert(c.churned_at == 0 || c.churned_at > c.joined_at);
    }
    cr_assert_eq(gen_model_customers_done(m), CX_OK);

    memset(t, 0, sizeof *t);
    gen_cursor_t cur;
    gen_cursor_init(&cur);
    gen_response_row_t row;
    int64_t drawn = 0, last_time = 0;
    while (gen_model_response(m, &r, &cur, &text, &row)) {
        if (text.len > (1 << 20))
            buf_reset(&text);
        drawn++;
        int64_t day = m->p.first_day + cur.day;
        cr_assert_geq(row.submitted_at, gen_local_midnight(day));
        cr_assert_lt(row.submitted_at, gen_local_midnight(day + 1));
        cr_assert_geq(row.submitted_at, last_time - 86400);
        last_time = row.submitted_at;
        t->n[row.survey]++;
        t->completed += row.completed;
        t->comments += row.comment_off >= 0;
        t->drivers += row.ndrivers > 0;
        switch (row.survey) {
        case DEMO_SV_NPS: {
            cr_assert(row.score >= 0 && row.score <= 10);
            cr_assert_geq(row.customer, 0);
            t->nps_n++;
            t->promoters += row.score >= 9;
            t->detractors += row.score <= 6;
            const gen_customer_state_t *c = &m->customers[row.customer];
            if (c->churned <= m->p.last_day) {
                t->churned_sum += row.score;
                t->churned_n++;
            } else {
                t->stayed_sum += row.score;
                t->stayed_n++;
            }
            for (int d = 0; d < row.ndrivers; d++)
                cr_assert(row.drivers[d] >= 1 && row.drivers[d] <= 5);
            break;
        }
        case DEMO_SV_CSAT_CALL:
            cr_assert(row.score >= 1 && row.score <= 5);
            cr_assert_eq(row.touchpoint, DEMO_TP_HOTLINE);
            if (day < m->cc_change) {
                t->call_good_before += row.score >= 4;
                t->call_n_before++;
            } else if (day > m->cc_change + 30) {
                t->call_good_after += row.score >= 4;
                t->call_n_after++;
            }
            break;
        case DEMO_SV_CSAT_CONTACT:
            cr_assert(row.score >= 1 && row.score <= 5);
            cr_assert(row.touchpoint >= 0 && demo_touchpoints[row.touchpoint].volume > 0);
            if (row.touchpoint == DEMO_TP_APP) {
                if (day < m->app_release) {
                    t->app_good_before += row.score >= 4;
                    t->app_n_before++;
                } else if (day < m->app_hotfix) {
                    t->app_good_broken += row.score >= 4;
                    t->app_n_broken++;
                }
            }
            break;
        case DEMO_SV_CES: cr_assert(row.score >= 1 && row.score <= 7); break;
        case DEMO_SV_ENPS: {
            cr_assert(row.score >= 0 && row.score <= 10);
            cr_assert(row.department >= 0 && row.department < DEMO_DEPT_COUNT);
            cr_assert_eq(row.customer, -1);
            int y, mo, dd;
            gen_civil_from_days(day, &y, &mo, &dd);
            t->enps_outside_waves += !(mo % 3 == 0 && dd <= 14);
            break;
        }
        default: cr_assert_fail("survey %d", row.survey);
        }
    }
    cr_assert_eq(drawn, responses);
    buf_free(&text);
}

Test(gen_model, distributions_and_story)
{
    gen_model_t m;
    tally_t t;
    draw_model(&m, 200000, 20000, &t);

    double nps = 100.0 * (double)(t.promoters - t.detractors) / (double)t.nps_n;
    cr_assert(nps > 5 && nps < 35, "NPS %.1f", nps);
    /* survey mix close to the definitions */
    for (int s = 0; s < DEMO_SV_COUNT; s++) {
        double share = (double)t.n[s] / 200000.0;
        cr_assert(fabs(share - demo_surveys[s].share) < 0.05 + demo_surveys[s].share * 0.3,
                  "survey %d share %.3f", s, share);
    }
    double comments = (double)t.comments / 200000.0;
    cr_assert(comments > 0.28 && comments < 0.42, "comments %.3f", comments);
    cr_assert(t.completed > 190000);
    /* the contact centre got better after its change */
    double before = (double)t.call_good_before / (double)t.call_n_before;
    double after = (double)t.call_good_after / (double)t.call_n_after;
    cr_assert(after > before + 0.10, "hotline %.2f -> %.2f", before, after);
    /* the app got worse after the release */
    double app_before = (double)t.app_good_before / (double)t.app_n_before;
    double app_broken = (double)t.app_good_broken / (double)t.app_n_broken;
    cr_assert(app_broken < app_before - 0.15, "app %.2f -> %.2f", app_before, app_broken);
    /* those who left were less happy before they left */
    cr_assert_gt(t.churned_n, 100);
    cr_assert(t.churned_sum / (double)t.churned_n < t.stayed_sum / (double)t.stayed_n - 1.0,
              "churned %.2f stayed %.2f", t.churned_sum / (double)t.churned_n,
              t.stayed_sum / (double)t.stayed_n);
    cr_assert_eq(t.enps_outside_waves, 0);
    cr_assert_gt(t.drivers, 0);
    gen_model_free(&m);
}

Test(gen_model, kpis_follow_the_story)
{
    gen_model_t m;
    tally_t t;
    draw_model(&m, 20000, 5000, &t);
    rng_t r;
    rng_seed(&r, 1);
    /* waiting time: high before the contact-centre change, low after */
    double first = gen_model_kpi(&m, &r, DEMO_KPI_WAIT, 0, -1);
    double last = gen_model_kpi(&m, &r, DEMO_KPI_WAIT, m.nmonths - 1, -1);
    cr_assert(first > 150 && last < 120, "wait %.0f -> %.0f", first, last);
    for (int month = 0; month < m.nmonths; month++) {
        double churn = gen_model_kpi(&m, &r, DEMO_KPI_CHURN, month, -1);
        cr_assert(churn >= 0 && churn < 10, "churn %.2f", churn);
        cr_assert_geq(gen_model_kpi(&m, &r, DEMO_KPI_COMPLAINTS, month, -1), 0);
        cr_assert_gt(gen_model_kpi(&m, &r, DEMO_KPI_ARPU, month, -1), 50);
    }
    gen_model_free(&m);
}

/* ---- the generator, into stores ---------------------------------------- */

typedef struct digests {
    uint64_t responses, answers, customers;
    int64_t nresponses, nanswers, ncustomers;
} digests_t;

static cx_result digest_job(db_conn_t *db, void *arg)
{
    digests_t *d = arg;
    cx_result rc = orgdata_digest(db, ORGDATA_RESPONSES, &d->responses, &d->nresponses);
    if (!rc)
        rc = orgdata_digest(db, ORGDATA_ANSWERS, &d->answers, &d->nanswers);
    if (!rc)
        rc = orgdata_digest(db, ORGDATA_CUSTOMERS, &d->customers, &d->ncustomers);
    return rc;
}

static digests_t digests_of(store_t *s)
{
    digests_t d;
    cr_assert_eq(store_read(s, digest_job, &d), CX_OK);
    return d;
}

typedef struct counts {
    int64_t n[ORGDATA_TABLE_COUNT];
} counts_t;

static cx_result count_job(db_conn_t *db, void *arg)
{
    counts_t *c = arg;
    for (int t = 0; t < ORGDATA_TABLE_COUNT; t++) {
        cx_result rc = orgdata_count(db, (orgdata_table_t)t, &c->n[t]);
        if (rc)
            return rc;
    }
    return CX_OK;
}

static counts_t counts_of(store_t *s)
{
    counts_t c;
    cr_assert_eq(store_read(s, count_job, &c), CX_OK);
    return c;
}

static void generate(store_t *s, uint64_t seed, int64_t responses, bool append)
{
    gen_config_t cfg = {.seed = seed, .responses = responses, .append = append};
    gen_summary_t sum;
    char err[256];
    cx_result rc = gen_run(s, &cfg, &sum, err, sizeof err);
    cr_assert_eq(rc, CX_OK, "gen_run: %s", err);
    cr_assert_eq(sum.rows[ORGDATA_RESPONSES], responses);
}

Test(gen, same_seed_same_bytes)
{
    test_db_t a, b, c;
    test_db_make(&a);
    test_db_make(&b);
    test_db_make(&c);
    store_t *sa = test_db_open(&a, 0), *sb = test_db_open(&b, 0), *sc = test_db_open(&c, 0);
    generate(sa, 7, 20000, false);
    generate(sb, 7, 20000, false);
    generate(sc, 8, 20000, false);
    digests_t da = digests_of(sa), db = digests_of(sb), dc = digests_of(sc);
    cr_assert_eq(da.nresponses, 20000);
    cr_assert_eq(da.ncustomers, gen_default_customers(20000));
    cr_assert_gt(da.nanswers, 0);
    cr_assert_eq(da.responses, db.responses);
    cr_assert_eq(da.answers, db.answers);
    cr_assert_eq(da.customers, db.customers);
    cr_assert_neq(da.responses, dc.responses);
    cr_assert_neq(da.customers, dc.customers);
    store_close(sa);
    store_close(sb);
    store_close(sc);
    test_db_remove(&a);
    test_db_remove(&b);
    test_db_remove(&c);
}

typedef struct score_check {
    int64_t survey_nps, survey_csat;
    int64_t nps[11], csat[11];
    double churned, stayed;
} score_check_t;

static cx_result score_job(db_conn_t *db, void *arg)
{
    score_check_t *s = arg;
    cx_result rc = orgdata_survey_find(db, "nps-relacja", &s->survey_nps);
    if (!rc)
        rc = orgdata_survey_find(db, "csat-infolinia", &s->survey_csat);
    if (!rc)
        rc = orgdata_score_counts(db, s->survey_nps, s->nps);
    if (!rc)
        rc = orgdata_score_counts(db, s->survey_csat, s->csat);
    if (!rc)
        rc = orgdata_mean_score_by_churn(db, s->survey_nps, &s->churned, &s->stayed);
    return rc;
}

Test(gen, counts_and_distributions_in_the_store)
{
    test_db_t t;
    test_db_make(&t);
    store_t *s = test_db_open(&t, 0);
    generate(s, 42, 30000, false);
    counts_t c = counts_of(s);
    cr_assert_eq(c.n[ORGDATA_RESPONSES], 30000);
    cr_assert_eq(c.n[ORGDATA_CUSTOMERS], gen_default_customers(30000));
    cr_assert_eq(c.n[ORGDATA_STAGES], DEMO_STAGE_COUNT);
    cr_assert_eq(c.n[ORGDATA_TOUCHPOINTS], DEMO_TP_COUNT);
    cr_assert_eq(c.n[ORGDATA_SURVEYS], DEMO_SV_COUNT);
    cr_assert_eq(c.n[ORGDATA_QUESTIONS], (int64_t)demo_question_count);
    cr_assert_eq(c.n[ORGDATA_KPIS], DEMO_KPI_COUNT);
    cr_assert_gt(c.n[ORGDATA_KPI_VALUES], DEMO_KPI_COUNT * 17);
    cr_assert_gt(c.n[ORGDATA_FEEDBACK_ITEMS], 100);
    cr_assert_gt(c.n[ORGDATA_CASES], 10);
    cr_assert_gt(c.n[ORGDATA_ANSWERS], 0);

    score_check_t sc;
    cr_assert_eq(store_read(s, score_job, &sc), CX_OK);
    int64_t n = 0, promoters = 0, detractors = 0;
    for (int k = 0; k <= 10; k++) {
        n += sc.nps[k];
        promoters += k >= 9 ? sc.nps[k] : 0;
        detractors += k <= 6 ? sc.nps[k] : 0;
    }
    double nps = 100.0 * (double)(promoters - detractors) / (double)n;
    cr_assert(nps > 5 && nps < 35, "NPS %.1f", nps);
    cr_assert_eq(sc.csat[0], 0);
    for (int k = 6; k <= 10; k++)
        cr_assert_eq(sc.csat[k], 0);
    int64_t satisfied = sc.csat[4] + sc.csat[5], all = 0;
    for (int k = 1; k <= 5; k++)
        all += sc.csat[k];
    cr_assert_gt((double)satisfied / (double)all, 0.55);
    cr_assert_lt(sc.churned, sc.stayed - 1.0, "churned %.2f stayed %.2f", sc.churned, sc.stayed);

    buf_t line;
    buf_init(&line, 0);
    gen_summary_t sum = {.seconds = 1.5};
    sum.rows[ORGDATA_RESPONSES] = 30000;
    gen_summary_format(&sum, &line);
    cr_assert_not_null(strstr(buf_str(&line), "responses=30000"));
    cr_assert_not_null(strstr(buf_str(&line), "seconds=1.50"));
    cr_assert_not_null(strstr(buf_str(&line), "responses_per_second=20000"));
    buf_free(&line);
    store_close(s);
    test_db_remove(&t);
}

Test(gen, refuses_a_database_with_responses_unless_appending)
{
    test_db_t t;
    test_db_make(&t);
    store_t *s = test_db_open(&t, 0);
    generate(s, 1, 5000, false);
    counts_t before = counts_of(s);

    gen_config_t cfg = {.seed = 1, .responses = 5000};
    gen_summary_t sum;
    char err[256];
    cr_assert_eq(gen_run(s, &cfg, &sum, err, sizeof err), CX_ERR_CONFLICT);
    cr_assert_not_null(strstr(err, "--append"), "%s", err);
    counts_t same = counts_of(s);
    cr_assert_eq(memcmp(&before, &same, sizeof before), 0);

    generate(s, 2, 5000, true);
    counts_t after = counts_of(s);
    cr_assert_eq(after.n[ORGDATA_RESPONSES], 10000);
    cr_assert_eq(after.n[ORGDATA_CUSTOMERS], 2 * before.n[ORGDATA_CUSTOMERS]);
    /* the organisation is reused, not duplicated */
    cr_assert_eq(after.n[ORGDATA_TOUCHPOINTS], before.n[ORGDATA_TOUCHPOINTS]);
    cr_assert_eq(after.n[ORGDATA_SURVEYS], before.n[ORGDATA_SURVEYS]);
    cr_assert_eq(after.n[ORGDATA_KPI_VALUES], before.n[ORGDATA_KPI_VALUES]);
    store_close(s);
    test_db_remove(&t);
}

/* The schema as text, as test_store.c reads it. */
static cx_result schema_dump_job(db_conn_t *db, void *arg)
{
    buf_t *out = arg;
    db_stmt_t *st = db_prepare(db, "SELECT type, name, coalesce(sql, '') FROM sqlite_schema"
                                   " WHERE name NOT LIKE 'sqlite_%' ORDER BY name");
    cr_assert_not_null(st);
    while (db_step(st) == DB_ROW)
        buf_printf(out, "%s %s %s\n", db_column_text(st, 0), db_column_text(st, 1),
                   db_column_text(st, 2));
    db_done(st);
    return CX_OK;
}

Test(gen, leaves_the_schema_as_the_migrations_made_it)
{
    test_db_t fresh, loaded;
    test_db_make(&fresh);
    test_db_make(&loaded);
    store_t *sf = test_db_open(&fresh, 0), *sl = test_db_open(&loaded, 0);
    generate(sl, 3, 3000, false);
    buf_t a, b;
    buf_init(&a, 0);
    buf_init(&b, 0);
    cr_assert_eq(store_read(sf, schema_dump_job, &a), CX_OK);
    cr_assert_eq(store_read(sl, schema_dump_job, &b), CX_OK);
    cr_assert_str_eq(buf_str(&a), buf_str(&b));
    cr_assert_not_null(strstr(buf_str(&b), "responses_customer"));
    buf_free(&a);
    buf_free(&b);
    store_close(sf);
    store_close(sl);
    test_db_remove(&fresh);
    test_db_remove(&loaded);
}

/* ---- the demo organisation --------------------------------------------- */

typedef struct demo_facts {
    counts_t counts;
    const char *settings[5];
    store_user_t *users;
    size_t nusers;
    int64_t survey_ids[DEMO_SV_COUNT];
    arena_t *arena;
} demo_facts_t;

static cx_result demo_facts_job(db_conn_t *db, void *arg)
{
    demo_facts_t *f = arg;
    cx_result rc = count_job(db, &f->counts);
    static const char *const keys[5] = {"org_name", "timezone", "currency", "language", "demo"};
    for (int i = 0; i < 5 && !rc; i++)
        rc = store_setting_get(db, f->arena, keys[i], &f->settings[i]);
    if (!rc)
        rc = store_user_list(db, f->arena, &f->users, &f->nusers);
    for (int s = 0; s < DEMO_SV_COUNT && !rc; s++)
        rc = orgdata_survey_find(db, demo_surveys[s].slug, &f->survey_ids[s]);
    return rc;
}

static const store_user_t *find_user(const demo_facts_t *f, const char *name)
{
    for (size_t i = 0; i < f->nusers; i++)
        if (strcmp(f->users[i].name, name) == 0)
            return &f->users[i];
    return NULL;
}

Test(demo, organisation_has_the_promised_structure)
{
    cr_assert_eq(secret_init(), CX_OK);
    test_db_t t;
    test_db_make(&t);
    store_t *s = test_db_open(&t, 0);
    char hash[SECRET_PASSWORD_HASH_MAX];
    cr_assert_eq(secret_password_hash("first demo password", hash), CX_OK);
    char err[256];
    cr_assert_eq(demo_org_create(s, hash, err, sizeof err), CX_OK, "%s", err);

    arena_t arena;
    arena_init(&arena);
    demo_facts_t f = {.arena = &arena};
    cr_assert_eq(store_read(s, demo_facts_job, &f), CX_OK);
    const int64_t *n = f.counts.n;
    cr_assert_eq(n[ORGDATA_JOURNEYS], 1);
    cr_assert_eq(n[ORGDATA_STAGES], 6);
    cr_assert(n[ORGDATA_TOUCHPOINTS] >= 14 && n[ORGDATA_TOUCHPOINTS] <= 18);
    cr_assert_eq(n[ORGDATA_SURVEYS], 5);
    cr_assert_eq(n[ORGDATA_RESPONSES], DEMO_RESPONSES);
    cr_assert_eq(n[ORGDATA_CUSTOMERS], DEMO_CUSTOMERS);
    cr_assert_gt(n[ORGDATA_ACCOUNTS], 10);
    cr_assert_eq(n[ORGDATA_SEGMENTS], DEMO_SEG_COUNT);
    cr_assert_eq(n[ORGDATA_KPIS], DEMO_KPI_COUNT);
    cr_assert_geq(n[ORGDATA_KPI_VALUES], DEMO_KPI_COUNT * DEMO_MONTHS);
    cr_assert_geq(n[ORGDATA_TARGETS], 3);
    cr_assert_geq(n[ORGDATA_INITIATIVES], 2);
    cr_assert_geq(n[ORGDATA_PROMISES], 3);
    cr_assert_gt(n[ORGDATA_CASES], 50);
    cr_assert_gt(n[ORGDATA_CASE_NOTES], 10);
    cr_assert_gt(n[ORGDATA_FEEDBACK_ITEMS], 500);
    /* drivers on most NPS answers in the demo, so the driver page has data */
    cr_assert_gt(n[ORGDATA_ANSWERS], DEMO_RESPONSES / 5);
    for (int sv = 0; sv < DEMO_SV_COUNT; sv++)
        cr_assert_gt(f.survey_ids[sv], 0);

    cr_assert_str_eq(f.settings[0], DEMO_ORG_NAME);
    cr_assert_str_eq(f.settings[1], "Europe/Warsaw");
    cr_assert_str_eq(f.settings[2], "PLN");
    cr_assert_str_eq(f.settings[3], "pl");
    cr_assert_str_eq(f.settings[4], "1");

    static const char *const roles[] = {"admin", "manager", "analyst", "agent", "viewer"};
    for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
        bool seen = false;
        for (size_t i = 0; i < f.nusers; i++)
            seen = seen || strcmp(f.users[i].role, roles[r]) == 0;
        cr_assert(seen, "no %s", roles[r]);
    }
    const store_user_t *admin = find_user(&f, "admin");
    cr_assert_not_null(admin);
    cr_assert(secret_password_verify(admin->password_hash, "first demo password"));
    const store_user_t *anna = find_user(&f, "anna.kowalska");
    cr_assert_not_null(anna);
    cr_assert_str_eq(anna->role, "manager");
    cr_assert_not(secret_password_verify(anna->password_hash, "first demo password"));

    bool is_demo = false;
    cr_assert_eq(demo_org_check(s, &is_demo), CX_OK);
    cr_assert(is_demo);

    /* a fresh password on reuse; the old one stops working */
    char second[SECRET_PASSWORD_HASH_MAX];
    cr_assert_eq(secret_password_hash("second demo password", second), CX_OK);
    cr_assert_eq(demo_org_set_admin_password(s, second), CX_OK);
    arena_free(&arena);
    arena_init(&arena);
    f = (demo_facts_t){.arena = &arena};
    cr_assert_eq(store_read(s, demo_facts_job, &f), CX_OK);
    admin = find_user(&f, "admin");
    cr_assert(secret_password_verify(admin->password_hash, "second demo password"));
    cr_assert_not(secret_password_verify(admin->password_hash, "first demo password"));
    arena_free(&arena);
    store_close(s);
    test_db_remove(&t);
}

Test(demo, a_generated_database_is_not_a_demo)
{
    test_db_t t;
    test_db_make(&t);
    store_t *s = test_db_open(&t, 0);
    generate(s, 9, 1000, false);
    bool is_demo = true;
    cr_assert_eq(demo_org_check(s, &is_demo), CX_OK);
    cr_assert_not(is_demo);
    store_close(s);
    test_db_remove(&t);
}
