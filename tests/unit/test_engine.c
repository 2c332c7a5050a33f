/*
 * test_engine.c — the metrics engine against plain SQL on the store.
 *
 * A random organisation (surveys of every kind, an inverted effort scale,
 * touchpoints in stages, segments, accounts, customers, responses over 14
 * months with skipped answers) is written to a temporary database; then
 * random queries (metric, filters, up to two groupings, date ranges) run
 * both through the engine and as a GROUP BY in SQLite, computed there
 * with SQLite's own date functions in the same time zone. Every group's n,
 * skipped count and value must agree. The reference SQL is built here, in
 * the test, with the sqlite3 API directly: it is the obvious, slow
 * implementation the fast one is checked against.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/rng.h"
#include "engine/engine.h"
#include "jobs/refresher.h"
#include "store/store.h"
#include "store_fixture.h"
#include "sys/tz.h"

static const char *const channels[] = {"", "web", "email", "sms"};
static const char *const languages[] = {"pl", "en", ""};
static const char *const tiers[] = {"", "Premium", "Standard", "Basic"};

/* Writes the random organisation with raw SQL. */
static void populate(const char *path, uint64_t seed, int nresponses)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *err = NULL;
    const char *setup =
        "BEGIN;"
        "INSERT INTO journeys (id, name, created_at) VALUES (1, 'J', 0);"
        "INSERT INTO stages (id, journey_id, position, name) VALUES"
        " (1, 1, 1, 'Zakup'), (2, 1, 2, 'Używanie'), (3, 1, 3, 'Wsparcie');"
        "INSERT INTO touchpoints (id, stage_id, name) VALUES"
        " (1, 1, 'Sklep'), (2, 1, 'WWW'), (3, 2, 'Aplikacja'), (4, 2, 'Faktura'),"
        " (5, 3, 'Infolinia'), (6, 3, 'Czat');"
        "INSERT INTO surveys (id, slug, kind, name, created_at) VALUES"
        " (1, 'nps', 'nps', 'Relacyjny NPS', 0), (2, 'csat', 'csat', 'CSAT infolinii', 0),"
        " (3, 'ces', 'ces', 'CES zmiana', 0), (4, 'enps', 'enps', 'eNPS', 0),"
        " (5, 'nps2', 'nps', 'NPS transakcyjny', 0);"
        "INSERT INTO questions (survey_id, position, key, kind, is_main, scale_inverted) VALUES"
        " (1, 1, 'q', 'score', 1, 0), (2, 1, 'q', 'rating', 1, 0),"
        " (3, 1, 'q', 'effort', 1, 1), (4, 1, 'q', 'score', 1, 0), (5, 1, 'q', 'score', 1, 0);"
        "INSERT INTO questions (id, survey_id, position, key, kind, is_main, scale_inverted,"
        " choices) VALUES (20, 1, 2, 'cena', 'rating', 0, 0, '[]'),"
        " (21, 4, 2, 'dzial', 'single', 0, 0,"
        "  '[{\"value\": \"a\"}, {\"value\": \"b\"}, {\"value\": \"c\"}]'),"
        " (22, 1, 3, 'komentarz', 'text', 0, 0, '[]');"
        "INSERT INTO segments (id, name, created_at) VALUES"
        " (1, 'B2C', 0), (2, 'B2B', 0), (3, 'VIP', 0);"
        "INSERT INTO accounts (id, name, created_at) VALUES (1, 'Firma A', 0), (2, 'Firma B', 0);";
    cr_assert_eq(sqlite3_exec(db, setup, NULL, NULL, &err), SQLITE_OK, "%s", err);
    rng_t r;
    rng_seed(&r, seed);
    sqlite3_stmt *cust, *resp;
    sqlite3_prepare_v2(db,
                       "INSERT INTO customers (id, segment_id, account_id, value_tier,"
                       " attributes, created_at) VALUES (?, ?, ?, ?, ?, 0)",
                       -1, &cust, NULL);
    for (int id = 1; id <= 300; id++) {
        sqlite3_reset(cust);
        sqlite3_bind_int(cust, 1, id);
        int64_t seg = rng_range(&r, 0, 3);
        int64_t acc = rng_range(&r, 0, 2);
        if (seg)
            sqlite3_bind_int64(cust, 2, seg);
        else
            sqlite3_bind_null(cust, 2);
        if (acc)
            sqlite3_bind_int64(cust, 3, acc);
        else
            sqlite3_bind_null(cust, 3);
        sqlite3_bind_text(cust, 4, tiers[rng_range(&r, 0, 3)], -1, SQLITE_STATIC);
        static const char *const attributes[] = {
            "{}", "{\"type\": \"B2C\", \"region\": \"mazowieckie\"}",
            "{\"type\": \"B2B\", \"region\": \"śląskie\", \"seats\": 12}",
            "{\"type\": \"B2C\", \"region\": \"śląskie\"}", "{\"region\": \"pomorskie\"}"};
        sqlite3_bind_text(cust, 5, attributes[rng_range(&r, 0, 4)], -1, SQLITE_STATIC);
        cr_assert_eq(sqlite3_step(cust), SQLITE_DONE);
    }
    sqlite3_prepare_v2(db,
                       "INSERT INTO responses (survey_id, customer_id, touchpoint_id, channel,"
                       " language, submitted_at, score, created_at) VALUES (?,?,?,?,?,?,?,0)",
                       -1, &resp, NULL);
    sqlite3_stmt *ans;
    sqlite3_prepare_v2(db,
                       "INSERT INTO answers (response_id, question_id, value_num, value_text)"
                       " VALUES (?, ?, ?, ?)",
                       -1, &ans, NULL);
    const int64_t start = 1735689600; /* 2025-01-01T00:00:00Z */
    for (int i = 0; i < nresponses; i++) {
        sqlite3_reset(resp);
        int64_t survey = rng_range(&r, 1, 5);
        sqlite3_bind_int64(resp, 1, survey);
        int64_t customer = rng_range(&r, 0, 300);
        if (customer)
            sqlite3_bind_int64(resp, 2, customer);
        else
            sqlite3_bind_null(resp, 2);
        int64_t tp = rng_range(&r, 0, 6);
        if (tp)
            sqlite3_bind_int64(resp, 3, tp);
        else
            sqlite3_bind_null(resp, 3);
        sqlite3_bind_text(resp, 4, channels[rng_range(&r, 0, 3)], -1, SQLITE_STATIC);
        sqlite3_bind_text(resp, 5, languages[rng_range(&r, 0, 2)], -1, SQLITE_STATIC);
        /* mostly in time order, some late arrivals, over ~14 months */
        int64_t t = start + (int64_t)i * 36000000 / nresponses * 1 + rng_range(&r, -86400 * 3, 3600);
        if (rng_uniform(&r) < 0.02)
            t = start + rng_range(&r, 0, 36000000);
        sqlite3_bind_int64(resp, 6, t);
        int low = survey == 2 ? 1 : survey == 3 ? 1 : 0;
        int high = survey == 2 ? 5 : survey == 3 ? 7 : 10;
        if (rng_uniform(&r) < 0.05)
            sqlite3_bind_null(resp, 7); /* skipped */
        else
            sqlite3_bind_int64(resp, 7, rng_range(&r, low, high));
        cr_assert_eq(sqlite3_step(resp), SQLITE_DONE, "%s", sqlite3_errmsg(db));
        /* driver ratings on the NPS survey, departments on the eNPS one */
        int64_t response = sqlite3_last_insert_rowid(db);
        if ((survey == 1 || survey == 4) && rng_uniform(&r) < 0.6) {
            sqlite3_reset(ans);
            sqlite3_bind_int64(ans, 1, response);
            sqlite3_bind_int64(ans, 2, survey == 1 ? 20 : 21);
            if (survey == 1) {
                sqlite3_bind_int64(ans, 3, rng_range(&r, 1, 5));
                sqlite3_bind_null(ans, 4);
            } else {
                static const char *const departments[] = {"a", "b", "c"};
                sqlite3_bind_null(ans, 3);
                sqlite3_bind_text(ans, 4, departments[rng_range(&r, 0, 2)], -1, SQLITE_STATIC);
            }
            cr_assert_eq(sqlite3_step(ans), SQLITE_DONE, "%s", sqlite3_errmsg(db));
        }
    }
    sqlite3_finalize(ans);
    sqlite3_finalize(cust);
    sqlite3_finalize(resp);
    cr_assert_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, &err), SQLITE_OK, "%s", err);
    sqlite3_close(db);
}

/* SQL expression of a grouping dimension's label. */
static const char *dim_sql(engine_dim dim)
{
    switch (dim) {
    case DIM_DAY: return "date(r.submitted_at, 'unixepoch', 'localtime')";
    case DIM_MONTH: return "strftime('%Y-%m', r.submitted_at, 'unixepoch', 'localtime')";
    case DIM_QUARTER:
        return "strftime('%Y', r.submitted_at, 'unixepoch', 'localtime') || '-Q' ||"
               " ((cast(strftime('%m', r.submitted_at, 'unixepoch', 'localtime') AS int) + 2) / 3)";
    case DIM_YEAR: return "strftime('%Y', r.submitted_at, 'unixepoch', 'localtime')";
    case DIM_SURVEY: return "s.name";
    case DIM_TOUCHPOINT: return "coalesce(t.name, '(none)')";
    case DIM_STAGE: return "coalesce(stg.name, '(none)')";
    case DIM_CHANNEL: return "coalesce(nullif(r.channel, ''), '(none)')";
    case DIM_LANGUAGE: return "coalesce(nullif(r.language, ''), '(none)')";
    case DIM_SEGMENT: return "coalesce(sg.name, '(none)')";
    case DIM_ACCOUNT: return "coalesce(a.name, '(none)')";
    case DIM_TIER: return "coalesce(nullif(c.value_tier, ''), '(none)')";
    case DIM_ATTRIBUTE: return "coalesce(json_extract(c.attributes, '$.type'), '(none)')";
    default: return "''";
    }
}

typedef struct reference_row {
    char labels[2][64];
    int64_t n, skipped, hist[11];
} reference_row_t;

/* Runs the query as SQL; returns the rows (caller frees) and their count. */
static reference_row_t *reference(const char *path, const engine_query_t *q, size_t *count)
{
    buf_t sql;
    buf_init(&sql, 0);
    bool mean = strcmp(q->metric, "mean:cena") == 0;
    bool share = strcmp(q->metric, "share:dzial=b") == 0;
    const char *kind = strcmp(q->metric, "count") == 0 || mean || share ? NULL : q->metric;
    buf_printf(&sql, "SELECT %s, %s, ", dim_sql(q->by[0]), dim_sql(q->by[1]));
    const char *score = mean    ? "cast(ans.value_num AS int)"
                        : share ? "(ans.value_text = 'b')"
                                : "CASE WHEN qm.scale_inverted = 1 THEN 8 - r.score ELSE r.score END";
    for (int v = 0; v <= 10; v++)
        buf_printf(&sql, "sum(%s = %d), ", score, v);
    buf_printf(&sql, "sum(r.score IS NULL) FROM responses r"
                     " JOIN surveys s ON s.id = r.survey_id"
                     " JOIN questions qm ON qm.survey_id = s.id AND qm.is_main = 1"
                     " LEFT JOIN touchpoints t ON t.id = r.touchpoint_id"
                     " LEFT JOIN stages stg ON stg.id = t.stage_id"
                     " LEFT JOIN customers c ON c.id = r.customer_id"
                     " LEFT JOIN segments sg ON sg.id = c.segment_id"
                     " LEFT JOIN accounts a ON a.id = c.account_id");
    if (mean || share)
        buf_printf(&sql, " JOIN answers ans ON ans.response_id = r.id AND ans.question_id = %d",
                   mean ? 20 : 21);
    buf_puts(&sql, " WHERE 1");
    if (kind)
        buf_printf(&sql, " AND s.kind = '%s'", kind);
    char day[16];
    int y, m, d;
    if (q->has_from) {
        tz_civil_from_days(q->from_day, &y, &m, &d);
        snprintf(day, sizeof day, "%04d-%02d-%02d", y, m, d);
        buf_printf(&sql, " AND date(r.submitted_at, 'unixepoch', 'localtime') >= '%s'", day);
    }
    if (q->has_to) {
        tz_civil_from_days(q->to_day, &y, &m, &d);
        snprintf(day, sizeof day, "%04d-%02d-%02d", y, m, d);
        buf_printf(&sql, " AND date(r.submitted_at, 'unixepoch', 'localtime') <= '%s'", day);
    }
    for (int f = 0; f < q->nfilters; f++) {
        if (q->filters[f].dim == DIM_ATTRIBUTE)
            buf_printf(&sql, " AND json_extract(c.attributes, '$.%s') IN (",
                       q->filters[f].attribute);
        else
            buf_printf(&sql, " AND %s IN (", dim_sql(q->filters[f].dim));
        for (int v = 0; v < q->filters[f].nvalues; v++)
            buf_printf(&sql, "%s'%s'", v ? ", " : "", q->filters[f].values[v]);
        buf_puts(&sql, ")");
    }
    buf_puts(&sql, " GROUP BY 1, 2");
    cr_assert(!buf_failed(&sql));

    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, buf_str(&sql), -1, &st, NULL), SQLITE_OK, "%s\n%s",
                 sqlite3_errmsg(db), buf_str(&sql));
    size_t n = 0, cap = 64;
    reference_row_t *rows = malloc(cap * sizeof *rows);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap)
            rows = realloc(rows, (cap *= 2) * sizeof *rows);
        reference_row_t *row = &rows[n++];
        memset(row, 0, sizeof *row);
        snprintf(row->labels[0], sizeof row->labels[0], "%s", sqlite3_column_text(st, 0));
        snprintf(row->labels[1], sizeof row->labels[1], "%s", sqlite3_column_text(st, 1));
        for (int v = 0; v <= 10; v++) {
            row->hist[v] = sqlite3_column_int64(st, 2 + v);
            row->n += row->hist[v];
        }
        row->skipped = mean || share ? 0 : sqlite3_column_int64(st, 13);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    buf_free(&sql);
    *count = n;
    return rows;
}

static const engine_row_t *find_row(const engine_result_t *res, const reference_row_t *ref,
                                    const engine_query_t *q)
{
    for (size_t i = 0; i < res->nrows; i++) {
        bool same = true;
        for (int k = 0; k < 2; k++) {
            if (q->by[k] == DIM_NONE)
                continue;
            /* the engine fills labels in grouping order, skipping DIM_NONE */
            int slot = q->by[0] == DIM_NONE ? 0 : k;
            if (strcmp(res->rows[i].labels[slot], ref->labels[k]) != 0)
                same = false;
        }
        if (same)
            return &res->rows[i];
    }
    return NULL;
}

static void check_query(engine_t *e, const char *path, const engine_query_t *q)
{
    engine_result_t res;
    char err[256];
    cr_assert_eq(engine_query(e, q, &res, err, sizeof err), CX_OK, "%s", err);
    bool account = q->by[0] == DIM_ACCOUNT || q->by[1] == DIM_ACCOUNT ||
                   q->by[0] == DIM_ATTRIBUTE || q->by[1] == DIM_ATTRIBUTE;
    for (int f = 0; f < q->nfilters; f++)
        account |= q->filters[f].dim == DIM_ACCOUNT || q->filters[f].dim == DIM_ATTRIBUTE;
    bool answers = strchr(q->metric, ':') != NULL;
    cr_assert_eq(res.used_cube, q->path != ENGINE_PATH_ROWS && !account && !answers);
    size_t nref;
    reference_row_t *ref = reference(path, q, &nref);
    metric_spec_t spec = {.kind = strcmp(q->metric, "nps") == 0 || strcmp(q->metric, "enps") == 0
                                      ? METRIC_NPS
                                  : strcmp(q->metric, "csat") == 0      ? METRIC_CSAT
                                  : strcmp(q->metric, "ces") == 0       ? METRIC_CES
                                  : strcmp(q->metric, "mean:cena") == 0 ? METRIC_MEAN
                                  : strcmp(q->metric, "share:dzial=b") == 0 ? METRIC_SHARE
                                                                            : METRIC_COUNT,
                          .share_low = 1,
                          .share_high = 1};
    cr_assert_eq(res.nrows, nref, "%s by %s,%s: %zu rows, SQL has %zu", q->metric,
                 engine_dim_name(q->by[0]) ? engine_dim_name(q->by[0]) : "-",
                 engine_dim_name(q->by[1]) ? engine_dim_name(q->by[1]) : "-", res.nrows, nref);
    for (size_t i = 0; i < nref; i++) {
        const engine_row_t *row = find_row(&res, &ref[i], q);
        cr_assert_not_null(row, "group %s / %s missing", ref[i].labels[0], ref[i].labels[1]);
        if (spec.kind == METRIC_COUNT) {
            cr_assert_eq(row->estimate.n, (uint64_t)(ref[i].n + ref[i].skipped));
            continue;
        }
        cr_assert_eq(row->estimate.n, (uint64_t)ref[i].n,
                     "%s by %s,%s from %d to %d (%d filters): n of %s / %s is %llu, SQL %lld",
                     q->metric, engine_dim_name(q->by[0]), engine_dim_name(q->by[1]),
                     q->has_from ? q->from_day : -1, q->has_to ? q->to_day : -1, q->nfilters,
                     ref[i].labels[0], ref[i].labels[1], (unsigned long long)row->estimate.n,
                     (long long)ref[i].n);
        cr_assert_eq(row->estimate.skipped, (uint64_t)ref[i].skipped);
        score_hist_t h = {0};
        for (int v = 0; v <= 10; v++)
            h.count[v] = (uint64_t)ref[i].hist[v];
        estimate_t expected;
        stats_estimate(&spec, &h, &expected);
        if (expected.n)
            cr_assert(fabs(row->estimate.value - expected.value) < 1e-9, "%s: %f != %f",
                      q->metric, row->estimate.value, expected.value);
    }
    free(ref);
    engine_result_free(&res);
}

static test_db_t db_file;
static store_t *store;
static engine_t *engine;

static void setup(void)
{
    cr_assert(tz_set("Europe/Warsaw"));
    test_db_make(&db_file);
    store_close(test_db_open(&db_file, 0));
    populate(db_file.path, 20261123, 20000);
    store = test_db_open(&db_file, 0);
    cr_assert_eq(engine_create(&engine), CX_OK);
    cr_assert_eq(engine_refresh(engine, store), CX_OK);
}

static void teardown(void)
{
    engine_free(engine);
    store_close(store);
    test_db_remove(&db_file);
}

TestSuite(engine, .init = setup, .fini = teardown, .timeout = 120);

Test(engine, loads_every_row_within_the_column_budget)
{
    engine_stats_t st;
    engine_get_stats(engine, &st);
    cr_assert_eq(st.rows, 20000);
    cr_assert_leq(st.column_bytes / st.rows, 48, "bytes per response");
    cr_assert_gt(st.cube_entries, 0, "a cube is built");
    cr_assert_lt(st.cube_entries, st.rows);
}

Test(engine, agrees_with_sql_on_random_queries)
{
    static const char *const metrics[] = {"nps",   "enps",      "csat",
                                          "ces",   "count",     "mean:cena",
                                          "share:dzial=b"};
    static const engine_dim groupable[] = {DIM_NONE,    DIM_DAY,     DIM_MONTH,   DIM_QUARTER,
                                           DIM_YEAR,    DIM_SURVEY,  DIM_TOUCHPOINT, DIM_STAGE,
                                           DIM_CHANNEL, DIM_SEGMENT, DIM_ACCOUNT, DIM_LANGUAGE,
                                           DIM_TIER,    DIM_ATTRIBUTE};
    static const struct {
        engine_dim dim;
        const char *values[3];
        int n;
    } filters[] = {
        {DIM_SEGMENT, {"B2C", "VIP"}, 2}, {DIM_CHANNEL, {"web"}, 1},
        {DIM_TOUCHPOINT, {"Aplikacja", "Czat", "Sklep"}, 3}, {DIM_STAGE, {"Wsparcie"}, 1},
        {DIM_LANGUAGE, {"en"}, 1}, {DIM_TIER, {"Premium", "Basic"}, 2},
        {DIM_ACCOUNT, {"Firma B"}, 1}, {DIM_SURVEY, {"Relacyjny NPS", "CSAT infolinii"}, 2},
        {DIM_ATTRIBUTE, {"śląskie", "pomorskie"}, 2},
    };
    rng_t r;
    rng_seed(&r, 99);
    for (int iteration = 0; iteration < 300; iteration++) {
        engine_query_t q = {.metric = metrics[rng_range(&r, 0, 6)]};
        size_t ng = sizeof groupable / sizeof groupable[0];
        q.by[0] = groupable[rng_range(&r, 0, (int64_t)ng - 1)];
        q.by[1] = q.by[0] == DIM_NONE ? DIM_NONE : groupable[rng_range(&r, 0, (int64_t)ng - 1)];
        if (q.by[1] == q.by[0] || (engine_dim_is_period(q.by[0]) && engine_dim_is_period(q.by[1])))
            q.by[1] = DIM_NONE;
        q.by_attribute[0] = q.by_attribute[1] = "type";
        if (rng_uniform(&r) < 0.5) {
            q.has_from = true;
            q.from_day = tz_days_from_civil(2025, 1, 1) + (int32_t)rng_range(&r, 0, 300);
        }
        if (rng_uniform(&r) < 0.5) {
            q.has_to = true;
            q.to_day = (q.has_from ? q.from_day : tz_days_from_civil(2025, 1, 1)) +
                       (int32_t)rng_range(&r, 0, 200);
        }
        int nf = (int)rng_range(&r, 0, 2);
        for (int f = 0; f < nf; f++) {
            size_t k = (size_t)rng_range(&r, 0, sizeof filters / sizeof filters[0] - 1);
            q.filters[q.nfilters].dim = filters[k].dim;
            q.filters[q.nfilters].attribute = "region";
            q.filters[q.nfilters].nvalues = filters[k].n;
            for (int v = 0; v < filters[k].n; v++)
                q.filters[q.nfilters].values[v] = filters[k].values[v];
            q.nfilters++;
        }
        q.threads = (int)rng_range(&r, 1, 3);
        q.path = iteration % 2 ? ENGINE_PATH_ROWS : 0; /* rows, and the cube where it can */
        check_query(engine, db_file.path, &q);
    }
}

Test(engine, change_is_against_the_previous_period)
{
    engine_query_t q = {.metric = "nps", .by = {DIM_MONTH, DIM_NONE}, .has_from = true,
                        .from_day = tz_days_from_civil(2025, 3, 1)};
    engine_result_t res;
    char err[256];
    cr_assert_eq(engine_query(engine, &q, &res, err, sizeof err), CX_OK, "%s", err);
    cr_assert_str_eq(res.rows[0].labels[0], "2025-03", "the month before is not shown");
    cr_assert(res.rows[0].has_change, "but it is compared with");
    for (size_t i = 1; i < res.nrows; i++) {
        cr_assert(res.rows[i].has_change);
        cr_assert(fabs(res.rows[i].change -
                       (res.rows[i].estimate.value - res.rows[i - 1].estimate.value)) < 1e-9);
        cr_assert(res.rows[i].p_value >= 0 && res.rows[i].p_value <= 1);
        cr_assert(res.rows[i].q_value >= res.rows[i].p_value - 1e-15, "BH never lowers p");
    }
    cr_assert(res.fdr_applied);
    engine_result_free(&res);
}

Test(engine, rejects_bad_queries_with_a_reason)
{
    engine_result_t res;
    char err[256];
    engine_query_t q = {.metric = "happiness"};
    cr_assert_eq(engine_query(engine, &q, &res, err, sizeof err), CX_ERR_INVALID);
    cr_assert(strstr(err, "happiness"));
    engine_query_t f = {.metric = "nps", .nfilters = 1};
    f.filters[0].dim = DIM_SEGMENT;
    f.filters[0].nvalues = 1;
    f.filters[0].values[0] = "Martians";
    cr_assert_eq(engine_query(engine, &f, &res, err, sizeof err), CX_ERR_INVALID);
    cr_assert(strstr(err, "Martians"), "%s", err);
    static const char *const bad_answers[] = {"mean:dzial", "share:dzial=z", "mean:nothing",
                                              "share:cena", "share:cena=9", "mean:komentarz"};
    for (size_t i = 0; i < sizeof bad_answers / sizeof bad_answers[0]; i++) {
        engine_query_t a = {.metric = bad_answers[i]};
        cr_assert_eq(engine_query(engine, &a, &res, err, sizeof err), CX_ERR_INVALID, "%s",
                     bad_answers[i]);
    }
    engine_query_t two = {.metric = "nps", .by = {DIM_MONTH, DIM_YEAR}};
    cr_assert_eq(engine_query(engine, &two, &res, err, sizeof err), CX_ERR_INVALID);
    engine_query_t backwards = {.metric = "nps", .has_from = true, .has_to = true,
                                .from_day = 20000, .to_day = 19000};
    cr_assert_eq(engine_query(engine, &backwards, &res, err, sizeof err), CX_ERR_INVALID);
}

static cx_result add_response(db_conn_t *db, void *arg)
{
    (void)arg;
    db_stmt_t *st = db_prepare(db, "INSERT INTO responses (survey_id, submitted_at, score,"
                                   " created_at) VALUES (1, 1767225600, 10, 0)");
    return db_exec_stmt(st);
}

Test(engine, refresh_adds_new_rows_without_a_rebuild)
{
    engine_query_t q = {.metric = "nps"};
    engine_result_t before, after;
    char err[256];
    cr_assert_eq(engine_query(engine, &q, &before, err, sizeof err), CX_OK);
    for (int i = 0; i < 5; i++)
        cr_assert_eq(store_write(store, add_response, NULL), CX_OK);
    cr_assert_eq(engine_refresh(engine, store), CX_OK);
    cr_assert_eq(engine_query(engine, &q, &after, err, sizeof err), CX_OK);
    cr_assert_eq(after.rows[0].estimate.n, before.rows[0].estimate.n + 5);
    engine_stats_t st;
    engine_get_stats(engine, &st);
    cr_assert_eq(st.rows, 20005);
    engine_result_free(&before);
    engine_result_free(&after);
}

Test(engine, iso_weeks_and_periods)
{
    int iso_year, week;
    tz_iso_week(tz_days_from_civil(2026, 1, 1), &iso_year, &week);
    cr_assert_eq(iso_year, 2026);
    cr_assert_eq(week, 1);
    tz_iso_week(tz_days_from_civil(2027, 1, 1), &iso_year, &week);
    cr_assert_eq(iso_year, 2026);
    cr_assert_eq(week, 53);
    tz_iso_week(tz_days_from_civil(2024, 12, 30), &iso_year, &week);
    cr_assert_eq(iso_year, 2025);
    cr_assert_eq(week, 1);
    cr_assert_eq(tz_weekday(tz_days_from_civil(2026, 11, 23)), 1, "a Monday");
    /* 2026-03-29 01:30 UTC is 03:30 in Warsaw (after the spring change) */
    cr_assert_eq(tz_local_day(1774747800), tz_days_from_civil(2026, 3, 29));
    /* 2026-03-28 23:30 UTC is already 2026-03-29 00:30 in Warsaw */
    cr_assert_eq(tz_local_day(1774740600), tz_days_from_civil(2026, 3, 29));
    int32_t day;
    cr_assert(engine_parse_day("2026-02-28", &day));
    cr_assert_not(engine_parse_day("2026-02-30", &day));
    cr_assert_not(engine_parse_day("2026-2-3", &day));
}

Test(engine, refresher_keeps_it_current)
{
    refresher_t *r;
    cr_assert_eq(refresher_start(engine, store, 60000, &r), CX_OK);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(store_write(store, add_response, NULL), CX_OK);
    refresher_sync(r);
    engine_stats_t st;
    engine_get_stats(engine, &st);
    cr_assert_eq(st.rows, 20003, "seen without waiting for the interval");
    refresher_poke(r);
    refresher_stop(r);
}

static cx_result delete_one(db_conn_t *db, void *arg)
{
    db_stmt_t *st = db_prepare(db, "DELETE FROM responses WHERE id = ?");
    db_bind_int(st, 1, *(int64_t *)arg);
    return db_exec_stmt(st);
}

Test(engine, forgotten_responses_count_nowhere)
{
    /* rows and cube agree with SQL after some responses are deleted */
    int64_t gone[] = {1, 2, 500, 9999, 20000};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++) {
        cr_assert_eq(store_write(store, delete_one, &gone[i]), CX_OK);
        cr_assert_eq(engine_forget(engine, gone[i]), CX_OK);
    }
    cr_assert_eq(engine_forget(engine, gone[0]), CX_ERR_NOT_FOUND, "forgotten once");
    cr_assert_eq(engine_forget(engine, 123456789), CX_ERR_NOT_FOUND);
    static const char *const metrics[] = {"nps", "csat", "count", "mean:cena"};
    for (int path = 0; path < 2; path++) {
        for (size_t m = 0; m < 4; m++) {
            engine_query_t q = {.metric = metrics[m], .by = {DIM_MONTH, DIM_NONE},
                                .path = path ? ENGINE_PATH_ROWS : 0};
            check_query(engine, db_file.path, &q);
            engine_query_t s = {.metric = metrics[m], .by = {DIM_SEGMENT, DIM_CHANNEL},
                                .path = path ? ENGINE_PATH_ROWS : 0};
            check_query(engine, db_file.path, &s);
        }
    }
}

/* A survey completed after its first answer: the row changes in place. */
static cx_result complete_in_place(db_conn_t *db, void *arg)
{
    int64_t id = *(int64_t *)arg;
    db_stmt_t *st = db_prepare(db, "DELETE FROM answers WHERE response_id = ?");
    db_bind_int(st, 1, id);
    cx_result rc = db_exec_stmt(st);
    st = db_prepare(db, "UPDATE responses SET survey_id = 1, score = 3, completed = 1"
                        " WHERE id = ? AND survey_id = 1");
    db_bind_int(st, 1, id);
    if (!rc)
        rc = db_exec_stmt(st);
    st = db_prepare(db, "INSERT INTO answers (response_id, question_id, value_num)"
                        " SELECT id, 20, 5 FROM responses WHERE id = ? AND survey_id = 1");
    db_bind_int(st, 1, id);
    return rc ? rc : db_exec_stmt(st);
}

Test(engine, reloaded_responses_count_as_they_are_now)
{
    /* a few NPS rows get a new score and a new driver answer in the store;
     * after engine_reload_response rows, cube and answers agree with SQL */
    int64_t changed[] = {3, 4, 5, 777, 15000, 19999};
    for (size_t i = 0; i < sizeof changed / sizeof changed[0]; i++) {
        cr_assert_eq(store_write(store, complete_in_place, &changed[i]), CX_OK);
        uint64_t before = engine_generation(engine);
        cr_assert_eq(engine_reload_response(engine, store, changed[i]), CX_OK);
        cr_assert_neq(engine_generation(engine), before, "cached pages must see the change");
    }
    /* twice is the same as once: the old answers are replaced, not added */
    cr_assert_eq(engine_reload_response(engine, store, changed[0]), CX_OK);
    cr_assert_eq(engine_reload_response(engine, store, 123456789), CX_ERR_NOT_FOUND);
    cr_assert_eq(engine_reload_response(engine, store, 0), CX_ERR_NOT_FOUND);
    static const char *const metrics[] = {"nps", "count", "mean:cena"};
    for (int path = 0; path < 2; path++) {
        for (size_t m = 0; m < 3; m++) {
            engine_query_t q = {.metric = metrics[m], .by = {DIM_MONTH, DIM_NONE},
                                .path = path ? ENGINE_PATH_ROWS : 0};
            check_query(engine, db_file.path, &q);
            engine_query_t s = {.metric = metrics[m], .by = {DIM_SEGMENT, DIM_CHANNEL},
                                .path = path ? ENGINE_PATH_ROWS : 0};
            check_query(engine, db_file.path, &s);
        }
    }
}

Test(engine, generation_moves_with_every_change_an_answer_could_see)
{
    /* pages cache what they computed under this number */
    uint64_t g0 = engine_generation(engine);
    cr_assert_eq(engine_refresh(engine, store), CX_OK);
    cr_assert_eq(engine_generation(engine), g0, "nothing new: the same generation");
    cr_assert_eq(store_write(store, add_response, NULL), CX_OK);
    cr_assert_eq(engine_refresh(engine, store), CX_OK);
    uint64_t g1 = engine_generation(engine);
    cr_assert_neq(g1, g0, "a new response");
    int64_t gone = 7;
    cr_assert_eq(engine_forget(engine, gone), CX_OK);
    uint64_t g2 = engine_generation(engine);
    cr_assert_neq(g2, g1, "a forgotten response");
    cr_assert_eq(engine_forget(engine, gone), CX_ERR_NOT_FOUND);
    cr_assert_eq(engine_generation(engine), g2, "nothing forgotten twice");
    cr_assert_eq(engine_reload_dimensions(engine, store), CX_OK);
    cr_assert_neq(engine_generation(engine), g2, "dimensions reloaded");
}
