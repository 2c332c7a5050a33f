/*
 * test_importer.c — the import engine as the upload page drives it: a
 * file in memory, a mapping by column position, messages through the
 * report function, the preview of the mapping step, all or nothing, and
 * the hook that commits with the rows. A temporary database per test.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/buf.h"
#include "importer/importer.h"
#include "store/surveys.h"
#include "store_fixture.h"

typedef struct fixture {
    test_db_t t;
    store_t *s;
    int64_t survey;
    buf_t log; /* "E|N|U line\n" per message */
    int hooks;
} fixture_t;

static cx_result make_survey(db_conn_t *db, void *arg)
{
    fixture_t *f = arg;
    surveys_new_t s = {.kind = "nps", .name = "Test", .created_at = 1700000000};
    return surveys_create(db, &s, &f->survey, NULL);
}

static void setup(fixture_t *f)
{
    memset(f, 0, sizeof *f);
    test_db_make(&f->t);
    f->s = test_db_open(&f->t, 0);
    cr_assert_eq(store_write(f->s, make_survey, f), CX_OK);
    buf_init(&f->log, 0);
}

static void teardown(fixture_t *f)
{
    store_close(f->s);
    test_db_remove(&f->t);
    buf_free(&f->log);
}

static void report(void *ctx, importer_msg_t kind, const char *line)
{
    fixture_t *f = ctx;
    buf_printf(&f->log, "%c %s\n", kind == IMPORTER_MSG_ERROR ? 'E' : kind == IMPORTER_MSG_NOTE
                                                                          ? 'N'
                                                                          : 'U',
               line);
}

typedef struct count_job {
    int64_t n;
} count_job_t;

static cx_result count_responses(db_conn_t *db, void *arg)
{
    count_job_t *j = arg;
    db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM responses");
    return db_query_int(st, &j->n);
}

static int64_t responses(fixture_t *f)
{
    count_job_t j = {0};
    cr_assert_eq(store_read(f->s, count_responses, &j), CX_OK);
    return j.n;
}

static cx_result hook(db_conn_t *db, void *ctx, const struct importer_summary *s)
{
    (void)db;
    fixture_t *f = ctx;
    f->hooks++;
    cr_assert_eq(s->rows, 2, "the hook sees the counts of the pass");
    return CX_OK;
}

static importer_status_t run(fixture_t *f, const char *text, const importer_map_t *pairs,
                             size_t npairs, bool dry_run, const importer_summary_t **sum,
                             importer_t **out)
{
    importer_options_t o = {
        .kind = IMPORTER_RESPONSES,
        .name = "up.csv",
        .survey_id = f->survey,
        .pairs = pairs,
        .npairs = npairs,
        .map_given = true,
        .dry_run = dry_run,
        .report = report,
        .report_ctx = f,
        .before_commit = hook,
        .before_commit_ctx = f,
    };
    importer_t *im = importer_new(&o);
    cr_assert_not_null(im);
    cr_assert_eq(importer_prepare(im, f->s), IMPORTER_OK);
    FILE *fp = fmemopen((void *)text, strlen(text), "rb");
    cr_assert_not_null(fp);
    importer_status_t st = importer_run(im, f->s, fp);
    fclose(fp);
    *sum = importer_summary(im);
    *out = im;
    return st;
}

Test(importer, mapping_by_position_imports_and_calls_the_hook)
{
    fixture_t f;
    setup(&f);
    /* the header names nothing the engine knows: the positions decide */
    const char *text = "kiedy;ocena;uwagi\n2024-01-01;9;dobrze\n2024-01-02;;brak oceny\n";
    importer_map_t pairs[] = {{"submitted_at", NULL, 0}, {"score", NULL, 1}, {"comment", NULL, 2}};
    const importer_summary_t *s;
    importer_t *im;
    cr_assert_eq(run(&f, text, pairs, 3, false, &s, &im), IMPORTER_OK, "%s", buf_str(&f.log));
    cr_assert_eq(s->rows, 2);
    cr_assert_eq(s->skipped_score, 1);
    cr_assert_eq(s->errors, 0);
    cr_assert_eq(s->delimiter, ';');
    cr_assert_eq(s->survey_id, f.survey);
    cr_assert_eq(f.hooks, 1);
    cr_assert_eq(responses(&f), 2);
    importer_free(im);
    teardown(&f);
}

Test(importer, bad_values_are_reported_where_they_are_and_nothing_is_written)
{
    fixture_t f;
    setup(&f);
    const char *text = "d,s\n2024-01-01,9\n2024-01-02,11\n2024-01-03,x\n";
    importer_map_t pairs[] = {{"submitted_at", NULL, 0}, {"score", NULL, 1}};
    const importer_summary_t *s;
    importer_t *im;
    cr_assert_eq(run(&f, text, pairs, 2, false, &s, &im), IMPORTER_REJECTED);
    cr_assert_eq(s->errors, 2);
    cr_assert_eq(f.hooks, 0, "no hook for a failed pass");
    cr_assert_eq(responses(&f), 0);
    const char *log = buf_str(&f.log);
    cr_assert(strstr(log, "E up.csv:3:12: score 11 is outside 0"), "%s", log);
    cr_assert(strstr(log, "E up.csv:4:12: "), "%s", log);
    importer_free(im);
    teardown(&f);
}

Test(importer, dry_run_counts_without_writing)
{
    fixture_t f;
    setup(&f);
    const char *text = "d,s\n2024-01-01,9\n2024-01-02,3\n";
    importer_map_t pairs[] = {{"submitted_at", "D", -1}, {"score", "S", -1}};
    const importer_summary_t *s;
    importer_t *im;
    cr_assert_eq(run(&f, text, pairs, 2, true, &s, &im), IMPORTER_OK, "%s", buf_str(&f.log));
    cr_assert_eq(s->rows, 2, "header names match without case");
    cr_assert_eq(f.hooks, 0, "no hook on a dry run");
    cr_assert_eq(responses(&f), 0);
    importer_free(im);
    teardown(&f);
}

Test(importer, a_position_outside_the_header_is_an_error)
{
    fixture_t f;
    setup(&f);
    importer_map_t pairs[] = {{"submitted_at", NULL, 5}};
    const importer_summary_t *s;
    importer_t *im;
    cr_assert_eq(run(&f, "d\n2024-01-01\n", pairs, 1, false, &s, &im), IMPORTER_FAILED);
    cr_assert(strstr(buf_str(&f.log), "E up.csv: no column"), "%s", buf_str(&f.log));
    importer_free(im);
    teardown(&f);
}

Test(importer, preview_of_a_windows_1250_tab_file)
{
    const char text[] = "kto\tco\nJan\t\xAF\xF3\xB3\xE6 i \x9C\x6C\x69\x6D\x61\x6B\n"
                        "Ewa\tdobrze\nOla\tkr\xF3tko\n";
    FILE *fp = fmemopen((void *)text, sizeof text - 1, "rb");
    cr_assert_not_null(fp);
    arena_t a;
    arena_init(&a);
    buf_t err;
    buf_init(&err, 0);
    importer_preview_t p;
    csv_options_t csv = {0};
    cr_assert_eq(importer_preview(fp, "pl.tsv", &csv, 2, &a, &p, &err), CX_OK, "%s",
                 buf_str(&err));
    cr_assert_eq(p.encoding, CHARSET_WINDOWS_1250);
    cr_assert_eq(p.delimiter, '\t');
    cr_assert_eq(p.columns, 2);
    cr_assert_str_eq(p.header[1], "co");
    cr_assert_eq(p.nrows, 2, "no more rows than asked for");
    cr_assert_str_eq(p.rows[0][1], "Żółć i ślimak");
    cr_assert_str_eq(p.rows[1][0], "Ewa");
    fclose(fp);
    arena_free(&a);
    buf_free(&err);
}

Test(importer, preview_refuses_an_unclear_file_with_its_position)
{
    const char text[] = "a,b\n1,\xC5\x82 \xB3\n";
    FILE *fp = fmemopen((void *)text, sizeof text - 1, "rb");
    arena_t a;
    arena_init(&a);
    buf_t err;
    buf_init(&err, 0);
    importer_preview_t p;
    csv_options_t csv = {0};
    cr_assert_eq(importer_preview(fp, "mix.csv", &csv, 5, &a, &p, &err), CX_ERR_INVALID);
    cr_assert(strncmp(buf_str(&err), "mix.csv:2:", 10) == 0, "%s", buf_str(&err));
    fclose(fp);
    arena_free(&a);
    buf_free(&err);
}

Test(importer, fields_and_kinds)
{
    size_t n;
    const importer_field_t *f = importer_fields(IMPORTER_FEEDBACK, &n);
    cr_assert_eq(n, 11);
    cr_assert_str_eq(f[0].name, "source");
    cr_assert(f[0].required && f[1].required && !f[2].required);
    f = importer_fields(IMPORTER_RESPONSES, &n);
    cr_assert_str_eq(f[1].name, "submitted_at");
    cr_assert(f[1].required && f[1].is_date);
    importer_kind_t k;
    cr_assert(importer_kind_parse("customers", &k) && k == IMPORTER_CUSTOMERS);
    cr_assert_not(importer_kind_parse("Customers", &k));
    cr_assert_not(importer_kind_parse(NULL, &k));
    cr_assert_str_eq(importer_kind_name(IMPORTER_FEEDBACK), "feedback");
}

Test(importer, language_code_for_files_and_the_command_line)
{
    char out[4];
    cr_assert(importer_language_code(" PL ", 4, out));
    cr_assert_str_eq(out, "pl");
    cr_assert(importer_language_code("ron", 3, out));
    cr_assert_str_eq(out, "ron");
    cr_assert(importer_language_code("en-GB", 2, out), "only the n bytes given count");
    cr_assert_str_eq(out, "en");
    cr_assert_not(importer_language_code("e", 1, out));
    cr_assert_not(importer_language_code("engl", 4, out));
    cr_assert_not(importer_language_code("p1", 2, out));
    cr_assert_not(importer_language_code("", 0, out));
}
