/*
 * importer.h — the import engine: loading a CSV or TSV export of
 * responses, feedback items or customers into the organisation's
 * database, all or nothing. `cxloop import` and the upload page
 * (/import) are two faces of it.
 *
 * It relies on csv.h (streaming records, encodings, delimiters), parse.h
 * (dates, numbers, ranges) and the store modules orgdata.h, surveys.h,
 * feedback.h and import_refs.h. The file is read inside one store_write
 * job; rows are checked one by one and written in batches while every row
 * so far was good, and the first bad row turns the rest of the pass into
 * checking only. Any bad row makes the job fail, which rolls the
 * transaction back, so nothing of the file lands. The file is streamed,
 * never held whole.
 *
 * Messages are English, one line each, without a program prefix, and go
 * to the caller's report function as they arise: a bad value reads
 * `FILE:LINE:COLUMN: what is wrong` (the first IMPORTER_MAX_ERRORS; the
 * rest are only counted). It must never write a row it has not checked,
 * never pass on a value from the file without quoting it (messages stay
 * one line), and never guess an encoding (csv.h refuses what it cannot
 * tell).
 *
 * Use: importer_new, importer_prepare (the survey and the time zone),
 * importer_run (once), importer_summary, importer_free. One importer, one
 * thread.
 */
#ifndef CX_IMPORTER_IMPORTER_H
#define CX_IMPORTER_IMPORTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/arena.h"
#include "core/csv.h"
#include "core/result.h"
#include "store/db.h"
#include "store/store.h"
#include "store/surveys.h"

#define IMPORTER_MAX_ERRORS 100

struct importer_summary;

typedef enum importer_kind {
    IMPORTER_RESPONSES,
    IMPORTER_FEEDBACK,
    IMPORTER_CUSTOMERS,
} importer_kind_t;

/* "responses", "feedback", "customers"; false for anything else. */
bool importer_kind_parse(const char *s, importer_kind_t *out);
const char *importer_kind_name(importer_kind_t kind);

/* A language code of 2 or 3 letters (spaces around it ignored), lowered
 * into out; false for anything else. For a file's language column and a
 * command's default language alike. */
bool importer_language_code(const char *s, size_t n, char out[4]);

/* The fixed fields of a kind, in the order of the documentation. */
typedef struct importer_field {
    const char *name;
    bool required; /* the file must hold it (feedback's source: or a fixed source) */
    bool is_date;
} importer_field_t;
const importer_field_t *importer_fields(importer_kind_t kind, size_t *count);

typedef enum importer_msg {
    IMPORTER_MSG_ERROR, /* something is wrong; the import will not happen */
    IMPORTER_MSG_USAGE, /* the options (the mapping) are wrong */
    IMPORTER_MSG_NOTE,  /* worth knowing, not wrong */
} importer_msg_t;

typedef void (*importer_report_fn)(void *ctx, importer_msg_t kind, const char *line);

/* One field taken from one column: by header name (column_index < 0,
 * matched without case) or by position. */
typedef struct importer_map {
    const char *field;  /* a field name, or q:KEY (responses), attr:KEY (customers) */
    const char *column; /* header name; used when column_index < 0 */
    long column_index;
} importer_map_t;

typedef struct importer_options {
    importer_kind_t kind;
    const char *name; /* the file as messages name it */
    /* responses: the survey, by id or by slug */
    int64_t survey_id;
    const char *survey_slug;
    /* The mapping: command-line style lists "FIELD=COLUMN,FIELD=COLUMN"
     * (maps) and single pairs (pairs). With none of either and map_given
     * false, each field is the column named like it. */
    char **maps; /* modified in place (split at commas) */
    size_t nmaps;
    const importer_map_t *pairs;
    size_t npairs;
    bool map_given;
    const char *date_pattern; /* NULL: detected per column */
    csv_options_t csv;        /* header and check_field_count are forced on */
    const char *fixed_source; /* feedback rows without a source */
    const char *default_language;
    bool dry_run, skip_empty;
    importer_report_fn report;
    void *report_ctx;
    /* Called inside the import's store job after the last row was written
     * and before the commit (never on a dry run or a failed pass), for
     * what must be committed with the rows, such as an audit entry. Its
     * failure rolls everything back. */
    cx_result (*before_commit)(db_conn_t *db, void *ctx, const struct importer_summary *summary);
    void *before_commit_ctx;
} importer_options_t;

typedef enum importer_status {
    IMPORTER_OK,
    IMPORTER_FAILED,    /* reported */
    IMPORTER_USAGE,     /* reported as IMPORTER_MSG_USAGE */
    IMPORTER_NO_SURVEY, /* importer_prepare: no such survey; not reported */
    IMPORTER_STORE,     /* importer_prepare: the store failed (summary.store_failure) */
    IMPORTER_REJECTED,  /* importer_run: the pass failed; see the summary */
} importer_status_t;

typedef struct importer_summary {
    int64_t rows; /* good rows (written unless a dry run) */
    int64_t skipped_score, skipped_empty;
    int64_t created_customers, created_touchpoints, created_segments, created_accounts;
    int64_t updated; /* customers */
    int64_t errors;  /* bad values and unreadable input */
    cx_result store_failure; /* the store failed during the pass */
    cx_result job_result;    /* what the store job returned */
    int64_t survey_id;
    charset_t encoding;
    char delimiter;
} importer_summary_t;

typedef struct importer importer_t;

/* Copies nothing: opt and what it points at must outlive the importer.
 * NULL when out of memory. */
importer_t *importer_new(const importer_options_t *opt);
void importer_free(importer_t *im); /* NULL is fine */

/* Reads the survey (responses) and the organisation's time zone. */
importer_status_t importer_prepare(importer_t *im, store_t *store);
/* The survey read by importer_prepare (responses), or NULL. */
const surveys_info_t *importer_survey(const importer_t *im);

/* Reads f twice (a sample, then the pass), so it must be seekable;
 * store_write for an import, store_read for a dry run. */
importer_status_t importer_run(importer_t *im, store_t *store, FILE *f);
const importer_summary_t *importer_summary(const importer_t *im);

/* What the mapping step shows: how the file reads and its first rows.
 * Strings are UTF-8 in the arena. */
typedef struct importer_preview {
    charset_t encoding; /* 8BIT_UNDECIDED: the rows read the same in both code pages */
    bool had_bom;
    char delimiter;
    const char **header;
    size_t columns;
    const char ***rows; /* rows[i][c], c < columns ("" when the row is shorter) */
    size_t nrows;
} importer_preview_t;

/* Reads the header and up to max_rows records of f. On a problem of the
 * file (unknown encoding, broken quoting) returns CX_ERR_INVALID with
 * the `NAME:LINE:COLUMN: message` in err. */
cx_result importer_preview(FILE *f, const char *name, const csv_options_t *csv, size_t max_rows,
                           arena_t *arena, importer_preview_t *out, buf_t *err);

#endif
