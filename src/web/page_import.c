/*
 * page_import.c — the import page: loading a CSV file of responses,
 * feedback or customers in two steps.
 *
 *   GET  /import          step 1: the upload form (file, kind, survey)
 *   POST /import/upload   multipart/form-data; keeps the file and sends the
 *                         browser to its mapping step
 *   GET  /import/:id      step 2: how the file reads (encoding, delimiter,
 *                         header, first rows) and a column for each field,
 *                         prefilled from the mapping saved for the same
 *                         header, else by header name
 *   POST /import/:id      action=check: a dry run listing every error as
 *                         FILE:LINE:COLUMN; action=import: all or nothing,
 *                         then the counts
 *
 * Relies on the import engine (importer/importer.h), which does all the
 * reading and checking, on multipart.h for the upload and on
 * store/import_uploads.h, where the upload waits (an hour, for the user who
 * sent it) and the mapping is remembered. The router checks CAP_MANAGE and
 * the CSRF token first. A successful import saves the mapping, forgets the
 * upload and writes its audit entry in the same transaction as the rows.
 *
 * It must never take a path from the user (the upload is a row, found by
 * id and user), never show text of the file without %h, and never answer
 * success before the import's store job committed.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/parse.h"
#include "core/secret.h"
#include "importer/importer.h"
#include "jobs/refresher.h"
#include "store/accounts.h"
#include "store/feedback.h"
#include "store/import_uploads.h"
#include "store/surveys.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/multipart.h"
#include "web/pages.h"
#include "web/web.h"

#define IMPORT_PREVIEW_ROWS 5
#define IMPORT_FILE_NAME_MAX 200
#define IMPORT_MAX_MESSAGES (IMPORTER_MAX_ERRORS + 20)
#define IMPORT_MAX_TARGETS 64

size_t page_import_body_limit(http_request_t *req, size_t max_body)
{
    if (max_body >= PAGE_IMPORT_MAX_UPLOAD || req->method != HTTP_POST ||
        strcmp(req->path, "/import/upload") != 0)
        return max_body;
    /* The router loads the session again later; the second time is free. */
    if (auth_session_load(req) != CX_OK || !(req->auth.caps & CAP_MANAGE))
        return max_body;
    return PAGE_IMPORT_MAX_UPLOAD;
}

static const struct {
    importer_kind_t kind;
    int label;
} import_kinds[] = {
    {IMPORTER_RESPONSES, T_IMPORT_KIND_RESPONSES},
    {IMPORTER_FEEDBACK, T_IMPORT_KIND_FEEDBACK},
    {IMPORTER_CUSTOMERS, T_IMPORT_KIND_CUSTOMERS},
};
#define IMPORT_KINDS (sizeof import_kinds / sizeof import_kinds[0])

/* How the file may be read when detection cannot tell: the values of
 * the "read as" selects. */
static const struct {
    const char *value;
    charset_t charset;
    const char *label; /* the encoding's own name, not translated */
} import_encodings[] = {
    {"utf-8", CHARSET_UTF8, "UTF-8"},
    {"windows-1250", CHARSET_WINDOWS_1250, "Windows-1250"},
    {"iso-8859-2", CHARSET_ISO_8859_2, "ISO-8859-2"},
};
#define IMPORT_ENCODINGS (sizeof import_encodings / sizeof import_encodings[0])

static const struct {
    const char *value;
    char delimiter;
    int label;
} import_delimiters[] = {
    {"comma", ',', T_IMPORT_DELIM_COMMA},
    {"semicolon", ';', T_IMPORT_DELIM_SEMICOLON},
    {"tab", '\t', T_IMPORT_DELIM_TAB},
    {"pipe", '|', T_IMPORT_DELIM_PIPE},
};
#define IMPORT_DELIMITERS (sizeof import_delimiters / sizeof import_delimiters[0])

static const char *const import_sources[] = {"complaint", "ticket", "review",
                                             "call_note", "chat",   "other"};
#define IMPORT_SOURCES (sizeof import_sources / sizeof import_sources[0])

/* ---- step 1: the upload form ---- */

typedef struct surveys_job {
    http_request_t *req;
    surveys_info_t *list;
    size_t count;
} surveys_job_t;

static cx_result surveys_job(db_conn_t *db, void *arg)
{
    surveys_job_t *j = arg;
    return surveys_list(db, &j->req->arena, &j->list, &j->count);
}

static cx_result render_upload(http_request_t *req, http_response_t *res, int status, int error,
                               const char *kind, int64_t survey_id)
{
    surveys_job_t job = {.req = req};
    cx_result rc = store_read(req->store, surveys_job, &job);
    if (rc)
        return rc;
    html_begin(req, res, web_t(req, T_NAV_IMPORT), AREA_NONE);
    res->status = status;
    buf_t *b = &res->body;
    html_page_head(b, web_t(req, T_NAV_IMPORT), web_t(req, T_IMPORT_LEAD));
    if (error >= 0)
        html_notice(b, "error", web_t(req, error));
    buf_puts(b, "<section class=\"card\" aria-labelledby=\"import-step1\"><div class=\"card-head\">");
    html_icon(b, "audit");
    buf_printf(b, "<h2 id=\"import-step1\">%h</h2></div>", web_t(req, T_IMPORT_STEP1));
    buf_puts(b, "<form method=\"post\" action=\"/import/upload\" enctype=\"multipart/form-data\" "
                "class=\"form\" id=\"import-upload\">");
    html_csrf_input(req, b);
    char mb[16];
    snprintf(mb, sizeof mb, "%zu", PAGE_IMPORT_MAX_UPLOAD >> 20);
    buf_printf(b,
               "<div class=\"field\"><label for=\"import-file\">%h</label><input id=\"import-file\" "
               "name=\"file\" type=\"file\" required accept=\".csv,.tsv,.txt,text/csv\">"
               "<p class=\"hint\">",
               web_t(req, T_IMPORT_FILE));
    html_textf(b, req, T_IMPORT_FILE_HINT, mb);
    buf_printf(b, "</p></div><div class=\"field\"><label for=\"import-kind\">%h</label>"
                  "<select id=\"import-kind\" name=\"kind\" required>",
               web_t(req, T_IMPORT_KIND));
    for (size_t i = 0; i < IMPORT_KINDS; i++) {
        const char *name = importer_kind_name(import_kinds[i].kind);
        buf_printf(b, "<option value=\"%a\"%s>%h</option>", name,
                   kind && strcmp(kind, name) == 0 ? " selected" : "",
                   web_t(req, import_kinds[i].label));
    }
    buf_printf(b, "</select></div><div class=\"field\"><label for=\"import-survey\">%h</label>"
                  "<select id=\"import-survey\" name=\"survey\"><option value=\"\">%h</option>",
               web_t(req, T_IMPORT_SURVEY), web_t(req, T_IMPORT_SURVEY_NONE));
    for (size_t i = 0; i < job.count; i++) {
        const surveys_info_t *s = &job.list[i];
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)s->id);
        buf_printf(b, "<option value=\"%a\"%s>%h (%h)</option>", id,
                   s->id == survey_id || (survey_id == 0 && job.count == 1) ? " selected" : "",
                   s->name, s->kind);
    }
    buf_printf(b,
               "</select></div><div class=\"form-actions\"><button type=\"submit\" "
               "class=\"button primary\">%h</button></div></form></section>",
               web_t(req, T_IMPORT_UPLOAD));
    html_end(req, res);
    return CX_OK;
}

cx_result page_import(http_request_t *req, http_response_t *res)
{
    /* ?kind= and ?survey= come from the links on the surveys, customers and
     * feedback pages: they only choose what the form shows selected. */
    const char *survey = http_query(req, "survey");
    char *end = NULL;
    long long id = survey ? strtoll(survey, &end, 10) : 0;
    if (!survey || end == survey || *end || id < 0)
        id = 0;
    return render_upload(req, res, 200, -1, http_query(req, "kind"), (int64_t)id);
}

/* ---- POST /import/upload ---- */

typedef struct upload_job {
    http_request_t *req;
    import_upload_t up;
    int64_t id;
} upload_job_t;

static cx_result upload_job(db_conn_t *db, void *arg)
{
    upload_job_t *j = arg;
    if (j->up.survey_id) {
        arena_t a;
        arena_init(&a);
        surveys_info_t s;
        cx_result rc = surveys_get(db, &a, j->up.survey_id, &s);
        arena_free(&a);
        if (rc)
            return rc;
    }
    return import_uploads_add(db, &j->up, j->req->now, &j->id);
}

/* The last part of what the browser calls the file, if it is plain text;
 * a fixed name otherwise. Only ever shown and used in messages. */
static const char *upload_name(const char *filename)
{
    const char *base = filename;
    for (const char *p = filename; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    size_t n = strlen(base);
    if (!n || n > IMPORT_FILE_NAME_MAX || !http_text_valid(base, n) || strpbrk(base, "\t\r\n"))
        return "upload.csv";
    return base;
}

cx_result page_import_upload(http_request_t *req, http_response_t *res)
{
    const char *kind_name = http_form(req, "kind");
    const char *survey = http_form(req, "survey");
    importer_kind_t kind;
    long long sid = 0;
    if (!importer_kind_parse(kind_name, &kind))
        return render_upload(req, res, 400, T_IMPORT_ERR_KIND, NULL, 0);
    if (kind == IMPORTER_RESPONSES) {
        char *end = NULL;
        sid = survey && *survey ? strtoll(survey, &end, 10) : 0;
        if (sid <= 0 || !end || *end)
            return render_upload(req, res, 400, T_IMPORT_ERR_SURVEY, kind_name, 0);
    }
    multipart_part_t *parts = NULL;
    size_t count = 0;
    const multipart_part_t *file = NULL;
    if (multipart_parse(&req->arena, http_header(req, "Content-Type"), req->body, req->body_len,
                        &parts, &count) == CX_OK)
        file = multipart_find(parts, count, "file");
    if (!file || !file->filename || !file->len)
        return render_upload(req, res, 400, T_IMPORT_ERR_NO_FILE, kind_name, sid);
    upload_job_t job = {
        .req = req,
        .up = {.user_id = req->auth.user_id,
               .kind = importer_kind_name(kind),
               .survey_id = sid,
               .file_name = upload_name(file->filename),
               .data = (void *)file->data,
               .len = file->len},
    };
    cx_result rc = store_write(req->store, upload_job, &job);
    if (rc == CX_ERR_NOT_FOUND)
        return render_upload(req, res, 400, T_IMPORT_ERR_SURVEY, kind_name, 0);
    if (rc)
        return rc;
    char loc[48];
    snprintf(loc, sizeof loc, "/import/%lld", (long long)job.id);
    http_redirect(req, res, loc);
    return CX_OK;
}

/* ---- step 2: what the file holds and the mapping ---- */

/* A field the mapping step offers: a fixed field or a question. */
typedef struct target {
    const char *name; /* "score", "q:cena" */
    const char *question; /* the key for questions, else NULL */
    bool required;
    long column; /* chosen column or -1 */
} target_t;

typedef struct message {
    importer_msg_t kind;
    const char *text;
} message_t;

typedef struct import_view {
    http_request_t *req;
    int64_t id;
    /* the upload and what it reads as */
    import_upload_t up;
    importer_kind_t kind;
    surveys_info_t survey;
    bool has_survey;
    importer_preview_t pv;
    cx_result pv_rc;
    buf_t pv_err;
    char fingerprint[SECRET_HASH_HEX_LEN + 1];
    const char *saved; /* the saved mapping (JSON), or NULL */
    csv_options_t csv; /* detection, or what "read as" chose */
    const char *encoding_choice, *delimiter_choice; /* NULL: detect */
    bool used_saved;
    /* the mapping shown */
    target_t targets[IMPORT_MAX_TARGETS];
    size_t ntargets;
    const char *date_format;
    const char *source;
    bool skip_empty; /* feedback: rows with a blank text are left out */
    /* the outcome of a check or an import */
    bool ran, dry_run;
    importer_status_t status;
    importer_summary_t summary;
    message_t messages[IMPORT_MAX_MESSAGES];
    size_t nmessages;
    int error; /* i18n key of a problem with the form, or -1 */
    const char *error_arg;
} import_view_t;

/* The fingerprint of a header: a hash of the kind and the column names as
 * the engine matches them (trimmed, without case), so the same export
 * from the same system finds its mapping again. */
static void header_fingerprint(import_view_t *v)
{
    buf_t b;
    buf_init(&b, 0);
    buf_puts(&b, importer_kind_name(v->kind));
    for (size_t i = 0; i < v->pv.columns; i++) {
        buf_putc(&b, '\n');
        const char *s = v->pv.header[i];
        size_t n = strlen(s);
        while (n && *s == ' ') {
            s++;
            n--;
        }
        while (n && s[n - 1] == ' ')
            n--;
        for (size_t k = 0; k < n; k++)
            buf_putc(&b, s[k] >= 'A' && s[k] <= 'Z' ? (char)(s[k] - 'A' + 'a') : s[k]);
    }
    secret_token_hash(buf_failed(&b) ? "" : buf_str(&b), v->fingerprint);
    buf_free(&b);
}

static cx_result load_job(db_conn_t *db, void *arg)
{
    import_view_t *v = arg;
    http_request_t *req = v->req;
    cx_result rc = import_uploads_get(db, &req->arena, v->id, req->auth.user_id, req->now, &v->up);
    if (rc)
        return rc;
    if (!importer_kind_parse(v->up.kind, &v->kind))
        return CX_ERR_INTERNAL;
    if (v->up.survey_id) {
        rc = surveys_get(db, &req->arena, v->up.survey_id, &v->survey);
        if (rc)
            return rc;
        v->has_survey = true;
    }
    /* The first rows are read here, on the reading connection, because
     * the header decides which saved mapping applies. */
    FILE *f = fmemopen(v->up.data, v->up.len, "rb");
    if (!f)
        return CX_ERR_NOMEM;
    v->pv_rc = importer_preview(f, v->up.file_name, &v->csv, IMPORT_PREVIEW_ROWS, &req->arena,
                                &v->pv, &v->pv_err);
    fclose(f);
    if (v->pv_rc == CX_ERR_NOMEM)
        return CX_ERR_NOMEM;
    if (v->pv_rc)
        return CX_OK;
    header_fingerprint(v);
    rc = import_mappings_get(db, &req->arena, v->up.kind, v->fingerprint, &v->saved);
    if (rc == CX_ERR_NOT_FOUND) {
        v->saved = NULL;
        rc = CX_OK;
    }
    return rc;
}

static void view_free(import_view_t *v)
{
    free(v->up.data);
    v->up.data = NULL;
    buf_free(&v->pv_err);
}

/* The "read as" choices: query parameters of the step's page, hidden
 * fields of its form. Unknown values mean detection. */
static void read_choices(http_request_t *req, import_view_t *v)
{
    const char *enc = req->method == HTTP_POST ? http_form(req, "encoding")
                                               : http_query(req, "encoding");
    const char *delim = req->method == HTTP_POST ? http_form(req, "delimiter")
                                                 : http_query(req, "delimiter");
    for (size_t i = 0; enc && i < IMPORT_ENCODINGS; i++)
        if (strcmp(enc, import_encodings[i].value) == 0) {
            v->csv.encoding = import_encodings[i].charset;
            v->encoding_choice = import_encodings[i].value;
        }
    for (size_t i = 0; delim && i < IMPORT_DELIMITERS; i++)
        if (strcmp(delim, import_delimiters[i].value) == 0) {
            v->csv.delimiter = import_delimiters[i].delimiter;
            v->delimiter_choice = import_delimiters[i].value;
        }
}

/* A small GET form that reads the file again with a chosen encoding or
 * delimiter, for files detection cannot settle. */
static void render_read_as(buf_t *b, http_request_t *req, const import_view_t *v)
{
    char action[48];
    snprintf(action, sizeof action, "/import/%lld", (long long)v->id);
    buf_printf(b, "<form method=\"get\" action=\"%a\" class=\"form compact\" id=\"import-read-as\">"
                  "<p class=\"hint\">%h</p><div class=\"field\"><label for=\"import-encoding\">%h"
                  "</label><select id=\"import-encoding\" name=\"encoding\"><option value=\"\">%h"
                  "</option>",
               action, web_t(req, T_IMPORT_READ_AS), web_t(req, T_IMPORT_ENCODING),
               web_t(req, T_IMPORT_DETECT));
    for (size_t i = 0; i < IMPORT_ENCODINGS; i++)
        buf_printf(b, "<option value=\"%a\"%s>%h</option>", import_encodings[i].value,
                   v->encoding_choice && strcmp(v->encoding_choice, import_encodings[i].value) == 0
                       ? " selected"
                       : "",
                   import_encodings[i].label);
    buf_printf(b, "</select></div><div class=\"field\"><label for=\"import-delim\">%h</label>"
                  "<select id=\"import-delim\" name=\"delimiter\"><option value=\"\">%h</option>",
               web_t(req, T_IMPORT_DELIMITER), web_t(req, T_IMPORT_DETECT));
    for (size_t i = 0; i < IMPORT_DELIMITERS; i++)
        buf_printf(b, "<option value=\"%a\"%s>%h</option>", import_delimiters[i].value,
                   v->delimiter_choice &&
                           strcmp(v->delimiter_choice, import_delimiters[i].value) == 0
                       ? " selected"
                       : "",
                   web_t(req, import_delimiters[i].label));
    buf_printf(b, "</select></div><div class=\"form-actions\"><button type=\"submit\" "
                  "class=\"button\">%h</button></div></form>",
               web_t(req, T_IMPORT_REREAD));
}

/* Loads the upload of the path's :id; CX_ERR_NOT_FOUND when it is not
 * (or no longer) there for this user. */
static cx_result view_load(http_request_t *req, import_view_t *v)
{
    memset(v, 0, sizeof *v);
    v->req = req;
    v->error = -1;
    buf_init(&v->pv_err, 0);
    v->id = http_param_id(req, "id");
    if (!v->id)
        return CX_ERR_NOT_FOUND;
    read_choices(req, v);
    return store_read(req->store, load_job, v);
}

/* The words people use for a field: shown beside its code (which the
 * command line's --map uses) and tried against the file's header. */
static int field_label(const char *name)
{
    static const struct {
        const char *name;
        int label;
    } labels[] = {
        {"customer", T_FB_CUSTOMER},       {"submitted_at", T_FB_DATE},
        {"received_at", T_FB_DATE},        {"score", T_FB_SCORE},
        {"comment", T_FB_COMMENT},         {"touchpoint", T_SV_F_TOUCHPOINT},
        {"channel", T_SV_F_CHANNEL},       {"language", T_CU_LANGUAGE},
        {"segment", T_CU_SEGMENT},         {"source", T_FB_SOURCE},
        {"text", T_FB_TEXT},               {"title", T_FB_TITLE_FIELD},
        {"rating", T_QA_RATING},           {"category", T_QA_CATEGORY},
        {"external_id", T_CU_EXTERNAL},    {"name", T_CU_NAME},
        {"email", T_CU_EMAIL},             {"account", T_CU_ACCOUNT},
        {"value_tier", T_CU_TIER},         {"revenue", T_CU_REVENUE},
        {"cost_to_serve", T_CU_COST},      {"joined_at", T_CU_JOINED},
        {"churned_at", T_CU_CHURNED},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i].name, name) == 0)
            return labels[i].label;
    return -1;
}

static long header_index(const import_view_t *v, const char *name)
{
    for (size_t i = 0; name && i < v->pv.columns; i++) {
        const char *s = v->pv.header[i];
        while (*s == ' ')
            s++;
        size_t n = strlen(s);
        while (n && s[n - 1] == ' ')
            n--;
        if (strlen(name) == n && strncasecmp(s, name, n) == 0)
            return (long)i;
    }
    return -1;
}

/* The fields of the kind, then the survey's other questions. */
static void build_targets(import_view_t *v)
{
    size_t nfields;
    const importer_field_t *fields = importer_fields(v->kind, &nfields);
    for (size_t i = 0; i < nfields && v->ntargets < IMPORT_MAX_TARGETS; i++)
        v->targets[v->ntargets++] = (target_t){.name = fields[i].name,
                                               .required = fields[i].required,
                                               .column = -1};
    for (size_t i = 0; v->has_survey && i < v->survey.question_count; i++) {
        const surveys_question_t *q = &v->survey.questions[i];
        if (q->is_main || v->ntargets == IMPORT_MAX_TARGETS)
            continue;
        size_t n = strlen(q->key) + 3;
        char *name = arena_alloc(&v->req->arena, n);
        if (!name)
            continue;
        snprintf(name, n, "q:%s", q->key);
        v->targets[v->ntargets++] =
            (target_t){.name = name, .question = q->key, .column = -1};
    }
}

/* What the step shows first: the saved mapping for this header, else the
 * columns named like the fields. */
static void prefill(import_view_t *v)
{
    json_t *doc = v->saved ? json_loads(v->saved, 0, NULL) : NULL;
    json_t *columns = json_object_get(doc, "columns");
    if (json_is_object(columns)) {
        v->used_saved = true;
        for (size_t i = 0; i < v->ntargets; i++)
            v->targets[i].column = header_index(v, json_string_value(json_object_get(
                                                       columns, v->targets[i].name)));
        const char *df = json_string_value(json_object_get(doc, "date_format"));
        const char *src = json_string_value(json_object_get(doc, "source"));
        v->skip_empty = json_is_true(json_object_get(doc, "skip_empty"));
        v->date_format = df ? arena_strdup(&v->req->arena, df) : NULL;
        v->source = src ? arena_strdup(&v->req->arena, src) : NULL;
    } else {
        /* three passes, each taking only columns still free: a header that
         * names a field ("score"), then one in people's words ("Ocena"),
         * then a question's key ("cena") */
        for (int pass = 0; pass < 3; pass++)
            for (size_t i = 0; i < v->ntargets; i++) {
                target_t *t = &v->targets[i];
                const char *want = NULL;
                if (pass == 0)
                    want = t->name;
                else if (pass == 1 && !t->question && field_label(t->name) >= 0)
                    want = web_t(v->req, field_label(t->name));
                else if (pass == 2)
                    want = t->question;
                long col = t->column < 0 && want ? header_index(v, want) : -1;
                for (size_t k = 0; col >= 0 && k < v->ntargets; k++)
                    if (v->targets[k].column == col)
                        col = -1;
                if (col >= 0)
                    t->column = col;
            }
    }
    json_decref(doc);
}

static const char *form_field_name(http_request_t *req, const target_t *t)
{
    size_t n = strlen(t->name) + 5;
    char *s = arena_alloc(&req->arena, n);
    if (s)
        snprintf(s, n, "map_%s", t->name);
    return s ? s : "map_";
}

static void render_preview(buf_t *b, http_request_t *req, const import_view_t *v)
{
    const importer_preview_t *p = &v->pv;
    buf_printf(b, "<dl class=\"import-facts\"><dt>%h</dt><dd>%h</dd><dt>%h</dt><dd>",
               web_t(req, T_IMPORT_FILE_NAME), v->up.file_name, web_t(req, T_IMPORT_ENCODING));
    if (p->encoding == CHARSET_8BIT_UNDECIDED)
        html_text(b, req, T_IMPORT_ENCODING_8BIT);
    else
        buf_printf(b, "%h", charset_name(p->encoding));
    if (p->had_bom)
        buf_printf(b, " (%h)", web_t(req, T_IMPORT_BOM));
    int delim = p->delimiter == ';'    ? T_IMPORT_DELIM_SEMICOLON
                : p->delimiter == '\t' ? T_IMPORT_DELIM_TAB
                : p->delimiter == '|'  ? T_IMPORT_DELIM_PIPE
                                       : T_IMPORT_DELIM_COMMA;
    buf_printf(b, "</dd><dt>%h</dt><dd id=\"import-delimiter\">%h</dd></dl>",
               web_t(req, T_IMPORT_DELIMITER), web_t(req, delim));
    buf_printf(b, "<div class=\"table-wrap\"><table class=\"import-sample\"><caption>%h</caption>"
                  "<thead><tr>",
               web_t(req, T_IMPORT_SAMPLE));
    for (size_t c = 0; c < p->columns; c++)
        buf_printf(b, "<th scope=\"col\">%h</th>", p->header[c]);
    buf_puts(b, "</tr></thead><tbody>");
    for (size_t r = 0; r < p->nrows; r++) {
        buf_puts(b, "<tr>");
        for (size_t c = 0; c < p->columns; c++) {
            /* long texts are cut for the table; the import takes them whole */
            const char *s = p->rows[r][c];
            size_t n = strlen(s), cut = n;
            if (n > 80) {
                cut = 80;
                while (cut && ((unsigned char)s[cut] & 0xC0) == 0x80)
                    cut--;
            }
            const char *shown = arena_strndup(&req->arena, s, cut);
            buf_printf(b, "<td>%h%s</td>", shown ? shown : "",
                       cut < n ? "…" : ""); /* raw: a constant ellipsis */
        }
        buf_puts(b, "</tr>");
    }
    buf_puts(b, "</tbody></table></div>");
}

static void column_select(buf_t *b, http_request_t *req, const import_view_t *v,
                          const target_t *t, const char *id)
{
    buf_printf(b, "<select id=\"%a\" name=\"%a\"><option value=\"\">%h</option>", id,
               form_field_name(req, t), web_t(req, T_IMPORT_NOT_IN_FILE));
    for (size_t c = 0; c < v->pv.columns; c++) {
        char value[24];
        snprintf(value, sizeof value, "%zu", c);
        buf_printf(b, "<option value=\"%a\"%s>%h</option>", value,
                   t->column == (long)c ? " selected" : "", v->pv.header[c]);
    }
    buf_puts(b, "</select>");
}

static void count_row(buf_t *b, http_request_t *req, int label, int64_t n, const char *id)
{
    buf_printf(b, "<tr><th scope=\"row\">%h</th><td id=\"%a\">", web_t(req, label), id);
    i18n_format_int(b, req->lang, (long long)n);
    buf_puts(b, "</td></tr>");
}

static void render_summary(buf_t *b, http_request_t *req, const import_view_t *v)
{
    const importer_summary_t *s = &v->summary;
    buf_printf(b, "<div class=\"table-wrap\"><table class=\"import-summary\"><caption>%h</caption>"
                  "<tbody>",
               web_t(req, T_IMPORT_SUMMARY));
    count_row(b, req, T_IMPORT_N_ROWS, s->rows, "import-rows");
    if (v->kind == IMPORTER_RESPONSES)
        count_row(b, req, T_IMPORT_N_NO_SCORE, s->skipped_score, "import-no-score");
    if (v->kind == IMPORTER_CUSTOMERS) {
        count_row(b, req, T_IMPORT_N_CUSTOMERS, s->created_customers, "import-customers");
        count_row(b, req, T_IMPORT_N_UPDATED, s->updated, "import-updated");
    } else if (s->created_customers) {
        count_row(b, req, T_IMPORT_N_CUSTOMERS, s->created_customers, "import-customers");
    }
    if (s->skipped_empty)
        count_row(b, req, T_IMPORT_N_SKIPPED, s->skipped_empty, "import-skipped");
    if (s->created_touchpoints)
        count_row(b, req, T_IMPORT_N_TOUCHPOINTS, s->created_touchpoints, "import-touchpoints");
    if (s->created_segments)
        count_row(b, req, T_IMPORT_N_SEGMENTS, s->created_segments, "import-segments");
    if (s->created_accounts)
        count_row(b, req, T_IMPORT_N_ACCOUNTS, s->created_accounts, "import-accounts");
    buf_puts(b, "</tbody></table></div>");
}

static void render_messages(buf_t *b, http_request_t *req, const import_view_t *v)
{
    if (!v->ran)
        return;
    char count[24];
    snprintf(count, sizeof count, "%lld", (long long)v->summary.errors);
    if (v->status == IMPORTER_OK) {
        buf_puts(b, "<div class=\"notice notice-success\" role=\"status\" id=\"import-outcome\">");
        html_icon(b, "sparkle");
        buf_puts(b, "<p>");
        char rows[24];
        snprintf(rows, sizeof rows, "%lld", (long long)v->summary.rows);
        html_textf(b, req, T_IMPORT_CHECK_OK, rows);
        buf_puts(b, "</p></div>");
        render_summary(b, req, v);
    } else {
        buf_puts(b, "<div class=\"notice notice-error\" role=\"alert\" id=\"import-outcome\">");
        html_icon(b, "alert");
        buf_puts(b, "<p>");
        if (v->summary.errors)
            html_textf(b, req, v->dry_run ? T_IMPORT_CHECK_ERRORS : T_IMPORT_ERRORS, count);
        else
            html_text(b, req, T_IMPORT_ERR_UNREADABLE);
        buf_puts(b, "</p></div>");
    }
    bool errors = false, notes = false;
    for (size_t i = 0; i < v->nmessages; i++) {
        if (v->messages[i].kind == IMPORTER_MSG_NOTE)
            notes = true;
        else
            errors = true;
    }
    if (errors) {
        buf_puts(b, "<ul class=\"import-errors\" id=\"import-errors\">");
        for (size_t i = 0; i < v->nmessages; i++)
            if (v->messages[i].kind != IMPORTER_MSG_NOTE)
                buf_printf(b, "<li><code>%h</code></li>", v->messages[i].text);
        if (v->summary.errors > IMPORTER_MAX_ERRORS) {
            char more[24];
            snprintf(more, sizeof more, "%lld",
                     (long long)(v->summary.errors - IMPORTER_MAX_ERRORS));
            buf_puts(b, "<li>");
            html_textf(b, req, T_IMPORT_ERRORS_MORE, more);
            buf_puts(b, "</li>");
        }
        buf_puts(b, "</ul>");
    }
    if (notes) {
        buf_printf(b, "<p class=\"hint\">%h</p><ul class=\"import-notes\">",
                   web_t(req, T_IMPORT_NOTES));
        for (size_t i = 0; i < v->nmessages; i++)
            if (v->messages[i].kind == IMPORTER_MSG_NOTE)
                buf_printf(b, "<li><code>%h</code></li>", v->messages[i].text);
        buf_puts(b, "</ul>");
    }
}

static cx_result render_mapping(http_request_t *req, http_response_t *res, import_view_t *v,
                                int status)
{
    html_begin(req, res, web_t(req, T_NAV_IMPORT), AREA_NONE);
    res->status = status;
    buf_t *b = &res->body;
    html_page_head(b, web_t(req, T_NAV_IMPORT), web_t(req, T_IMPORT_LEAD));
    if (v->pv_rc) {
        /* a file the reader refuses (an unclear encoding, broken quoting):
         * its own message, never a guess */
        buf_puts(b, "<div class=\"notice notice-error\" role=\"alert\" id=\"import-outcome\">");
        html_icon(b, "alert");
        buf_printf(b, "<p>%h</p><p><code>%h</code></p></div>", web_t(req, T_IMPORT_ERR_UNREADABLE),
                   buf_str(&v->pv_err));
        render_read_as(b, req, v);
        buf_printf(b, "<p><a class=\"button\" href=\"/import\">%h</a></p>",
                   web_t(req, T_IMPORT_AGAIN));
        html_end(req, res);
        return CX_OK;
    }
    if (v->error >= 0) {
        buf_puts(b, "<div class=\"notice notice-error\" role=\"alert\" id=\"import-outcome\">");
        html_icon(b, "alert");
        buf_puts(b, "<p>");
        html_textf(b, req, v->error, v->error_arg ? v->error_arg : "");
        buf_puts(b, "</p></div>");
    }
    render_messages(b, req, v);
    if (v->used_saved && !v->ran && v->error < 0)
        html_notice(b, "info", web_t(req, T_IMPORT_REMEMBERED));
    buf_puts(b, "<section class=\"card\" aria-labelledby=\"import-step2\"><div class=\"card-head\">");
    html_icon(b, "settings");
    buf_printf(b, "<h2 id=\"import-step2\">%h</h2></div>", web_t(req, T_IMPORT_STEP2));
    render_preview(b, req, v);
    char action[48];
    snprintf(action, sizeof action, "/import/%lld", (long long)v->id);
    buf_printf(b, "<form method=\"post\" action=\"%a\" class=\"form\" id=\"import-map\">", action);
    html_csrf_input(req, b);
    if (v->encoding_choice)
        buf_printf(b, "<input type=\"hidden\" name=\"encoding\" value=\"%a\">",
                   v->encoding_choice);
    if (v->delimiter_choice)
        buf_printf(b, "<input type=\"hidden\" name=\"delimiter\" value=\"%a\">",
                   v->delimiter_choice);
    buf_printf(b, "<div class=\"table-wrap\"><table class=\"import-mapping\"><thead><tr>"
                  "<th scope=\"col\">%h</th><th scope=\"col\">%h</th></tr></thead><tbody>",
               web_t(req, T_IMPORT_FIELD), web_t(req, T_IMPORT_COLUMN));
    for (size_t i = 0; i < v->ntargets; i++) {
        const target_t *t = &v->targets[i];
        char id[24];
        snprintf(id, sizeof id, "map-%zu", i);
        buf_printf(b, "<tr><th scope=\"row\"><label for=\"%a\">", id);
        int label = t->question ? -1 : field_label(t->name);
        if (t->question)
            html_textf(b, req, T_IMPORT_QUESTION, t->question);
        else if (label >= 0)
            buf_printf(b, "%h <code>%h</code>", web_t(req, label), t->name);
        else
            buf_printf(b, "<code>%h</code>", t->name);
        if (t->required && !(v->kind == IMPORTER_FEEDBACK && strcmp(t->name, "source") == 0))
            buf_printf(b, " <span class=\"badge\">%h</span>", web_t(req, T_IMPORT_REQUIRED));
        buf_puts(b, "</label></th><td>");
        column_select(b, req, v, t, id);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table></div>");
    if (v->kind == IMPORTER_CUSTOMERS)
        buf_printf(b, "<p class=\"hint\">%h</p>", web_t(req, T_IMPORT_ATTR_NOTE));
    buf_printf(b,
               "<div class=\"field\"><label for=\"import-date-format\">%h</label><input "
               "id=\"import-date-format\" name=\"date_format\" type=\"text\" maxlength=\"100\" "
               "autocomplete=\"off\" spellcheck=\"false\" value=\"%a\"><p class=\"hint\">",
               web_t(req, T_IMPORT_DATE_FORMAT), v->date_format ? v->date_format : "");
    html_textf(b, req, T_IMPORT_DATE_HINT);
    buf_puts(b, "</p></div>");
    if (v->kind == IMPORTER_FEEDBACK) {
        buf_printf(b,
                   "<div class=\"field\"><label for=\"import-source\">%h</label><select "
                   "id=\"import-source\" name=\"source\"><option value=\"\">%h</option>",
                   web_t(req, T_IMPORT_SOURCE), web_t(req, T_IMPORT_SOURCE_NONE));
        for (size_t i = 0; i < IMPORT_SOURCES; i++)
            buf_printf(b, "<option value=\"%a\"%s>%h</option>", import_sources[i],
                       v->source && strcmp(v->source, import_sources[i]) == 0 ? " selected" : "",
                       import_sources[i]);
        buf_printf(b,
                   "</select></div><div class=\"field\"><label><input type=\"checkbox\" "
                   "name=\"skip_empty\" value=\"1\"%s> %h</label></div>",
                   v->skip_empty ? " checked" : "", web_t(req, T_IMPORT_SKIP_EMPTY));
    }
    buf_printf(b,
               "<div class=\"form-actions\"><button type=\"submit\" name=\"action\" "
               "value=\"check\" class=\"button\">%h</button><button type=\"submit\" "
               "name=\"action\" value=\"import\" class=\"button primary\">%h</button></div>"
               "</form></section>",
               web_t(req, T_IMPORT_CHECK), web_t(req, T_IMPORT_RUN));
    render_read_as(b, req, v);
    html_end(req, res);
    return CX_OK;
}

/* The upload is gone (expired, another user's, imported): a 404 that says
 * what to do. */
static cx_result render_gone(http_request_t *req, http_response_t *res)
{
    html_error_page(req, res, 404, web_t(req, T_NAV_IMPORT), web_t(req, T_IMPORT_ERR_EXPIRED));
    return CX_OK;
}

cx_result page_import_map(http_request_t *req, http_response_t *res)
{
    import_view_t v;
    cx_result rc = view_load(req, &v);
    if (rc == CX_ERR_NOT_FOUND) {
        view_free(&v);
        return render_gone(req, res);
    }
    if (!rc && !v.pv_rc) {
        build_targets(&v);
        prefill(&v);
    }
    if (!rc)
        rc = render_mapping(req, res, &v, 200);
    view_free(&v);
    return rc;
}

/* ---- POST /import/:id: check or import ---- */

static void collect(void *ctx, importer_msg_t kind, const char *line)
{
    import_view_t *v = ctx;
    if (v->nmessages == IMPORT_MAX_MESSAGES)
        return;
    const char *text = arena_strdup(&v->req->arena, line);
    if (text)
        v->messages[v->nmessages++] = (message_t){kind, text};
}

typedef struct commit_ctx {
    import_view_t *v;
    const char *mapping; /* JSON */
} commit_ctx_t;

/* Inside the import's transaction: the mapping for next time, the upload
 * forgotten, the audit entry. */
static cx_result before_commit(db_conn_t *db, void *arg, const importer_summary_t *s)
{
    commit_ctx_t *c = arg;
    import_view_t *v = c->v;
    http_request_t *req = v->req;
    cx_result rc = import_mappings_put(db, v->up.kind, v->fingerprint, c->mapping,
                                       req->auth.actor ? req->auth.actor : "", req->now);
    if (!rc)
        rc = import_uploads_delete(db, v->id);
    if (rc)
        return rc;
    buf_t target, detail;
    buf_init(&target, 0);
    buf_init(&detail, 0);
    buf_printf(&target, "%s %s", v->up.kind, v->up.file_name); /* raw: audit text, not HTML */
    if (v->has_survey)
        buf_printf(&target, " (survey %lld)", (long long)v->survey.id);
    buf_printf(&detail, "%lld rows; mapping %s", (long long)s->rows, /* raw: audit text */
               c->mapping);
    rc = buf_failed(&target) || buf_failed(&detail)
             ? CX_ERR_NOMEM
             : store_audit_add(db, req->now, req->auth.actor ? req->auth.actor : "", "import",
                               buf_str(&target), req->address, buf_str(&detail));
    buf_free(&target);
    buf_free(&detail);
    return rc;
}

/* Reads the mapping form into v; false (with v->error) when it cannot be
 * used. */
static bool read_form(http_request_t *req, import_view_t *v)
{
    for (size_t i = 0; i < v->ntargets; i++) {
        target_t *t = &v->targets[i];
        const char *value = http_form(req, form_field_name(req, t));
        t->column = -1;
        if (!value || !*value)
            continue;
        char *end = NULL;
        long long c = strtoll(value, &end, 10);
        if (c < 0 || (size_t)c >= v->pv.columns || !end || *end) {
            v->error = T_IMPORT_ERR_COLUMN;
            return false;
        }
        t->column = (long)c;
    }
    const char *df = http_form(req, "date_format");
    while (df && *df == ' ')
        df++;
    v->date_format = df && *df ? df : NULL;
    const char *src = http_form(req, "source");
    v->source = v->kind == IMPORTER_FEEDBACK && src && *src ? src : NULL;
    const char *skip = http_form(req, "skip_empty");
    v->skip_empty = v->kind == IMPORTER_FEEDBACK && skip && strcmp(skip, "1") == 0;
    if (v->source && !store_feedback_source_valid(v->source)) {
        v->source = NULL;
        v->error = T_IMPORT_ERR_SOURCE;
        return false;
    }
    if (v->date_format) {
        buf_t msg;
        buf_init(&msg, 0);
        if (parse_date_pattern_check(v->date_format, &msg)) {
            v->error = T_IMPORT_ERR_DATE_FORMAT;
            v->error_arg = arena_strdup(&req->arena, buf_str(&msg));
            buf_free(&msg);
            return false;
        }
        buf_free(&msg);
    }
    for (size_t i = 0; i < v->ntargets; i++) {
        const target_t *t = &v->targets[i];
        bool sourced = v->kind == IMPORTER_FEEDBACK && strcmp(t->name, "source") == 0 && v->source;
        if (t->required && t->column < 0 && !sourced) {
            v->error = T_IMPORT_ERR_REQUIRED;
            v->error_arg = t->name;
            return false;
        }
    }
    return true;
}

/* {"columns": {field: header name}, "date_format": ..., "source": ...} */
static char *mapping_json(const import_view_t *v)
{
    json_t *doc = json_object(), *columns = json_object();
    if (!doc || !columns) {
        json_decref(doc);
        json_decref(columns);
        return NULL;
    }
    for (size_t i = 0; i < v->ntargets; i++)
        if (v->targets[i].column >= 0)
            json_object_set_new(columns, v->targets[i].name,
                                json_string(v->pv.header[v->targets[i].column]));
    json_object_set_new(doc, "columns", columns);
    if (v->date_format)
        json_object_set_new(doc, "date_format", json_string(v->date_format));
    if (v->source)
        json_object_set_new(doc, "source", json_string(v->source));
    if (v->skip_empty)
        json_object_set_new(doc, "skip_empty", json_true());
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(doc);
    return text;
}

static cx_result render_done(http_request_t *req, http_response_t *res, import_view_t *v)
{
    html_begin(req, res, web_t(req, T_NAV_IMPORT), AREA_NONE);
    buf_t *b = &res->body;
    html_page_head(b, web_t(req, T_NAV_IMPORT), web_t(req, T_IMPORT_LEAD));
    buf_puts(b, "<div class=\"notice notice-success\" role=\"status\" id=\"import-outcome\">");
    html_icon(b, "sparkle");
    buf_puts(b, "<p>");
    char rows[24];
    snprintf(rows, sizeof rows, "%lld", (long long)v->summary.rows);
    html_textf(b, req, T_IMPORT_DONE, rows);
    buf_printf(b, "</p></div><section class=\"card\"><div class=\"card-head\"><h2>%h</h2></div>",
               v->up.file_name);
    render_summary(b, req, v);
    buf_printf(b, "<p><a class=\"button\" href=\"/import\">%h</a></p></section>",
               web_t(req, T_IMPORT_AGAIN));
    html_end(req, res);
    return CX_OK;
}

cx_result page_import_run(http_request_t *req, http_response_t *res)
{
    import_view_t *v = calloc(1, sizeof *v);
    if (!v)
        return CX_ERR_NOMEM;
    cx_result rc = view_load(req, v);
    if (rc == CX_ERR_NOT_FOUND) {
        view_free(v);
        free(v);
        return render_gone(req, res);
    }
    if (rc || v->pv_rc) {
        if (!rc)
            rc = render_mapping(req, res, v, 422);
        view_free(v);
        free(v);
        return rc;
    }
    build_targets(v);
    if (!read_form(req, v)) {
        rc = render_mapping(req, res, v, 400);
        view_free(v);
        free(v);
        return rc;
    }
    const char *action = http_form(req, "action");
    v->dry_run = !action || strcmp(action, "import") != 0;
    importer_map_t pairs[IMPORT_MAX_TARGETS];
    size_t npairs = 0;
    for (size_t i = 0; i < v->ntargets; i++)
        if (v->targets[i].column >= 0)
            pairs[npairs++] = (importer_map_t){.field = v->targets[i].name,
                                               .column_index = v->targets[i].column};
    char *mapping = mapping_json(v);
    commit_ctx_t commit = {.v = v, .mapping = mapping};
    importer_options_t o = {
        .kind = v->kind,
        .name = v->up.file_name,
        .survey_id = v->has_survey ? v->survey.id : 0,
        .pairs = pairs,
        .npairs = npairs,
        .map_given = true,
        .date_pattern = v->date_format,
        .csv = v->csv,
        .fixed_source = v->source,
        .skip_empty = v->skip_empty,
        .dry_run = v->dry_run,
        .report = collect,
        .report_ctx = v,
        .before_commit = before_commit,
        .before_commit_ctx = &commit,
    };
    importer_t *im = mapping ? importer_new(&o) : NULL;
    FILE *f = im ? fmemopen(v->up.data, v->up.len, "rb") : NULL;
    if (!f) {
        rc = CX_ERR_NOMEM;
        goto out;
    }
    v->status = importer_prepare(im, req->store);
    if (v->status == IMPORTER_NO_SURVEY) {
        rc = render_gone(req, res);
        goto out;
    }
    if (v->status == IMPORTER_STORE) {
        rc = importer_summary(im)->store_failure;
        goto out;
    }
    if (v->status == IMPORTER_OK)
        v->status = importer_run(im, req->store, f);
    v->summary = *importer_summary(im);
    v->ran = true;
    if (v->summary.store_failure && v->summary.store_failure != CX_ERR_INVALID) {
        rc = v->summary.store_failure;
        goto out;
    }
    if (v->status == IMPORTER_OK && !v->dry_run) {
        /* committed: the metrics count the new rows on the next page */
        refresher_sync(req->app->refresher);
        rc = render_done(req, res, v);
        goto out;
    }
    rc = render_mapping(req, res, v, v->status == IMPORTER_OK ? 200 : 422);
out:
    if (f)
        fclose(f);
    importer_free(im);
    free(mapping);
    view_free(v);
    free(v);
    return rc;
}
