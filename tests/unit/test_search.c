/*
 * test_search.c — full-text search: the folding (Polish ł, Romanian
 * comma and cedilla forms, case), the safe query builder (hostile input is
 * only words), and the index kept in step by the triggers on insert,
 * update (an erasure sets the comment to NULL) and delete.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/arena.h"
#include "store/browse.h"
#include "store/db.h"
#include "store/responses.h"
#include "store/search.h"
#include "store/surveys.h"
#include "store_fixture.h"

static void expect_fold(const char *in, const char *want)
{
    char out[256];
    int n = search_fold(in, strlen(in), out, sizeof out);
    cr_assert(n >= 0, "fold of '%s' failed", in);
    out[n] = '\0';
    cr_assert_str_eq(out, want, "fold of '%s'", in);
}

Test(search, folding)
{
    expect_fold("żółw", "zolw");
    expect_fold("ŻÓŁW", "zolw");
    expect_fold("Łódź", "lodz");
    expect_fold("zażółć gęślą jaźń", "zazolc gesla jazn");
    expect_fold("așteptare", "asteptare");  /* comma below */
    expect_fold("aşteptare", "asteptare");  /* cedilla */
    expect_fold("ȚARĂ ŢARĂ", "tara tara");
    expect_fold("Straße", "strasse");
    expect_fold("ﬁrma", "firma");
    expect_fold("plain", "plain");
}

Test(search, folding_refuses_what_does_not_fit_or_is_not_utf8)
{
    char out[4];
    cr_assert_eq(search_fold("żółwie", strlen("żółwie"), out, sizeof out), -1);
    cr_assert_eq(search_fold("\xC5", 1, out, sizeof out), -1);
}

static const char *query(arena_t *a, const char *text)
{
    const char *q = NULL;
    cr_assert_eq(search_match_query(a, text, &q), CX_OK);
    return q;
}

Test(search, query_is_quoted_words_with_a_prefix_last)
{
    arena_t a;
    arena_init(&a);
    cr_assert_str_eq(query(&a, "zolw"), "\"zolw\"*");
    cr_assert_str_eq(query(&a, "  Żółw  infolinia "), "\"Żółw\" \"infolinia\"*");
    cr_assert_str_eq(query(&a, "NEAR(a b)"), "\"NEAR\" \"a\" \"b\"*");
    cr_assert_str_eq(query(&a, "comment:zolw"), "\"comment\" \"zolw\"*");
    cr_assert_str_eq(query(&a, "\"zolw\" OR ^x*"), "\"zolw\" \"OR\" \"x\"*");
    cr_assert_str_eq(query(&a, "'; DROP TABLE x; --"), "\"DROP\" \"TABLE\" \"x\"*");
    cr_assert_null(query(&a, ""));
    cr_assert_null(query(&a, "\"*^():-+{}"));
    cr_assert_null(query(&a, NULL));
    /* at most SEARCH_MAX_WORDS words */
    const char *many = query(&a, "a b c d e f g h i j k l m n o p q r s t");
    int quotes = 0;
    for (const char *p = many; *p; p++)
        quotes += *p == '"';
    cr_assert_eq(quotes, 2 * SEARCH_MAX_WORDS);
    arena_free(&a);
}

typedef struct index_job {
    int step;
    int64_t survey, id, n;
} index_job_t;

static cx_result count_job(db_conn_t *db, void *arg)
{
    index_job_t *j = arg;
    arena_t a;
    arena_init(&a);
    const char *match = NULL;
    cx_result rc = search_match_query(&a, "zolw", &match);
    if (!rc)
        rc = browse_count_matching(db, match, &j->n);
    arena_free(&a);
    return rc;
}

static cx_result write_job(db_conn_t *db, void *arg)
{
    index_job_t *j = arg;
    if (j->step == 0) {
        surveys_new_t s = {.kind = "nps", .name = "Test", .created_at = 1};
        cx_result rc = surveys_create(db, &s, &j->survey, NULL);
        if (rc)
            return rc;
        store_response_t r = {.survey_id = j->survey, .submitted_at = 10, .created_at = 10,
                              .comment = "Obsługa jak ŻÓŁW"};
        return store_response_add(db, &r, &j->id);
    }
    if (j->step == 1) { /* what an erasure does */
        db_stmt_t *st = db_prepare(db, "UPDATE responses SET comment = NULL WHERE id = ?");
        db_bind_int(st, 1, j->id);
        return db_exec_stmt(st);
    }
    if (j->step == 2) {
        db_stmt_t *st = db_prepare(db, "UPDATE responses SET comment = 'znów żółw' WHERE id = ?");
        db_bind_int(st, 1, j->id);
        return db_exec_stmt(st);
    }
    return store_response_delete(db, j->id);
}

Test(search, the_index_follows_insert_update_and_delete)
{
    test_db_t t;
    test_db_make(&t);
    store_t *s = test_db_open(&t, 0);
    index_job_t j = {0};
    const int64_t want[] = {1, 0, 1, 0};
    for (j.step = 0; j.step < 4; j.step++) {
        cr_assert_eq(store_write(s, write_job, &j), CX_OK, "step %d", j.step);
        cr_assert_eq(store_read(s, count_job, &j), CX_OK);
        cr_assert_eq(j.n, want[j.step], "step %d: %lld matches", j.step, (long long)j.n);
    }
    store_close(s);
    test_db_remove(&t);
}

Test(search, the_migration_indexes_rows_that_exist_already)
{
    test_db_t t;
    test_db_make(&t);
    /* a database from before the search migration (number 5), with a
     * comment */
    store_t *s = test_db_open(&t, 4);
    index_job_t j = {0};
    cr_assert_eq(store_write(s, write_job, &j), CX_OK);
    store_close(s);
    s = test_db_open(&t, 0);
    cr_assert_eq(store_schema_version(s), store_schema_latest());
    cr_assert_eq(store_read(s, count_job, &j), CX_OK);
    cr_assert_eq(j.n, 1, "%lld matches after the migration", (long long)j.n);
    j.step = 1; /* and the triggers run from then on */
    cr_assert_eq(store_write(s, write_job, &j), CX_OK);
    cr_assert_eq(store_read(s, count_job, &j), CX_OK);
    cr_assert_eq(j.n, 0);
    store_close(s);
    test_db_remove(&t);
}
