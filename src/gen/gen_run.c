/*
 * gen_run.c — the synthetic organisation written into a store (see
 * gen_run.h).
 *
 * Two threads: a producer draws accounts, customers and responses from the
 * model into batches; the store's writer thread runs one job that creates
 * the structure, inserts each batch as it arrives and, once the producer is
 * done, adds what depends on everything before it (feedback, KPIs, cases).
 * Three batch slots go round between them. Ids are planned (the largest id
 * at the start plus the row's index), so responses can point at customers
 * without asking the database. The producer never touches the store; the
 * job never draws from the producer's random streams, so the rows depend
 * on the seed alone.
 */
#include "gen/gen_run.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/rng.h"
#include "gen/demo_org.h"
#include "gen/gen_model.h"
#include "gen/gen_time.h"
#include "store/accounts.h"
#include "store/feedback.h"
#include "store/surveys.h"

#define CHUNK_ROWS 32768
#define SLOTS 3

/* Independent random streams, so that changing how one kind of row is
 * drawn leaves the others as they were. */
enum { STREAM_CUSTOMERS = 1, STREAM_RESPONSES, STREAM_FEEDBACK, STREAM_KPIS, STREAM_CASES };

static void stream_seed(rng_t *r, uint64_t seed, int stream)
{
    rng_seed(r, seed ^ ((uint64_t)stream * 0x9E3779B97F4A7C15ULL));
}

int64_t gen_default_customers(int64_t responses)
{
    int64_t c = responses / 10;
    return c < 100 ? 100 : c > 2000000 ? 2000000 : c;
}

/* ---- the batch pipe ---------------------------------------------------- */

typedef enum chunk_kind {
    CHUNK_ACCOUNTS,
    CHUNK_CUSTOMERS,
    CHUNK_RESPONSES,
    CHUNK_END,
    CHUNK_FAILED
} chunk_kind_t;

typedef struct chunk {
    chunk_kind_t kind;
    size_t n;
    gen_account_row_t *accounts;
    gen_customer_row_t *customers;
    gen_response_row_t *responses;
    buf_t text;
} chunk_t;

typedef struct pipe {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    chunk_t slots[SLOTS];
    bool filled[SLOTS];
    bool abort;
    gen_model_t *model;
} pipe_t;

static chunk_t *pipe_acquire(pipe_t *p, unsigned seq)
{
    unsigned slot = seq % SLOTS;
    pthread_mutex_lock(&p->lock);
    while (p->filled[slot] && !p->abort)
        pthread_cond_wait(&p->changed, &p->lock);
    bool abort = p->abort;
    pthread_mutex_unlock(&p->lock);
    if (abort)
        return NULL;
    chunk_t *c = &p->slots[slot];
    c->n = 0;
    buf_reset(&c->text);
    return c;
}

static void pipe_publish(pipe_t *p, unsigned seq)
{
    pthread_mutex_lock(&p->lock);
    p->filled[seq % SLOTS] = true;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
}

static chunk_t *pipe_take(pipe_t *p, unsigned seq)
{
    unsigned slot = seq % SLOTS;
    pthread_mutex_lock(&p->lock);
    while (!p->filled[slot])
        pthread_cond_wait(&p->changed, &p->lock);
    pthread_mutex_unlock(&p->lock);
    return &p->slots[slot];
}

static void pipe_release(pipe_t *p, unsigned seq)
{
    pthread_mutex_lock(&p->lock);
    p->filled[seq % SLOTS] = false;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
}

static void pipe_abort(pipe_t *p)
{
    pthread_mutex_lock(&p->lock);
    p->abort = true;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
}

/* Publishes a chunk that ends the stream (END or FAILED). */
static void produce_end(pipe_t *p, unsigned seq, chunk_kind_t kind)
{
    chunk_t *c = pipe_acquire(p, seq);
    if (!c)
        return;
    c->kind = kind;
    pipe_publish(p, seq);
}

/* Responses are stored in time order, as they would arrive: ids then
 * follow time, and the time indexes are built from sorted input. */
static int response_time_order(const void *a, const void *b)
{
    const gen_response_row_t *x = a, *y = b;
    if (x->submitted_at != y->submitted_at)
        return x->submitted_at < y->submitted_at ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void *producer_main(void *arg)
{
    pipe_t *p = arg;
    gen_model_t *m = p->model;
    unsigned seq = 0;
    rng_t r;
    stream_seed(&r, m->p.seed, STREAM_CUSTOMERS);

    for (int64_t i = 0; i < m->naccounts;) {
        chunk_t *c = pipe_acquire(p, seq);
        if (!c)
            return NULL;
        c->kind = CHUNK_ACCOUNTS;
        for (; i < m->naccounts && c->n < CHUNK_ROWS; i++)
            gen_model_account(m, &r, i, &c->text, &c->accounts[c->n++]);
        if (buf_failed(&c->text) || buf_failed(&m->domains))
            c->kind = CHUNK_FAILED;
        pipe_publish(p, seq++);
        if (c->kind == CHUNK_FAILED)
            return NULL;
    }
    for (int64_t i = 0; i < m->p.customers;) {
        chunk_t *c = pipe_acquire(p, seq);
        if (!c)
            return NULL;
        c->kind = CHUNK_CUSTOMERS;
        for (; i < m->p.customers && c->n < CHUNK_ROWS; i++)
            gen_model_customer(m, &r, i, &c->text, &c->customers[c->n++]);
        if (buf_failed(&c->text))
            c->kind = CHUNK_FAILED;
        pipe_publish(p, seq++);
        if (c->kind == CHUNK_FAILED)
            return NULL;
    }
    if (gen_model_customers_done(m) != CX_OK) {
        produce_end(p, seq, CHUNK_FAILED);
        return NULL;
    }

    stream_seed(&r, m->p.seed, STREAM_RESPONSES);
    gen_cursor_t cursor;
    gen_cursor_init(&cursor);
    for (bool more = true; more;) {
        chunk_t *c = pipe_acquire(p, seq);
        if (!c)
            return NULL;
        c->kind = CHUNK_RESPONSES;
        while (c->n < CHUNK_ROWS) {
            /* A day that fits starts in a fresh batch, so that sorting a
             * batch by time orders the whole table by time. */
            if (cursor.left == 0 && c->n > 0 &&
                gen_cursor_day_left(m, &cursor) > (int64_t)(CHUNK_ROWS - c->n))
                break;
            if (!(more = gen_model_response(m, &r, &cursor, &c->text, &c->responses[c->n])))
                break;
            c->responses[c->n].order = (uint32_t)c->n;
            c->n++;
        }
        qsort(c->responses, c->n, sizeof *c->responses, response_time_order);
        if (buf_failed(&c->text))
            c->kind = CHUNK_FAILED;
        pipe_publish(p, seq++);
        if (c->kind == CHUNK_FAILED)
            return NULL;
    }
    produce_end(p, seq, CHUNK_END);
    return NULL;
}

/* ---- the writing job --------------------------------------------------- */

/* A low score (or a complaint) that an alert rule turned into a case. */
typedef struct case_seed {
    int64_t response_id; /* 0 for a feedback item */
    int64_t feedback_id;
    int64_t customer; /* index */
    int64_t at;
    int8_t survey; /* -1 for a feedback item */
    int8_t touchpoint;
    int8_t score;
    int8_t topic;
    char title[160];
} case_seed_t;

typedef struct run_job {
    const gen_config_t *cfg;
    gen_model_t *m;
    pipe_t *pipe;
    gen_summary_t *sum;
    char *err;
    size_t errlen;

    int64_t survey_id[DEMO_SV_COUNT];
    int64_t tp_id[DEMO_TP_COUNT];
    int64_t segment_id[DEMO_SEG_COUNT];
    int64_t kpi_id[DEMO_KPI_COUNT];
    int64_t driver_q[DEMO_DRIVER_COUNT];
    int64_t department_q;
    int64_t *user_id; /* by cfg->users index */

    int64_t account_base, customer_base, response_base, responses_written;
    int64_t start_time, end_time;
    bool extras; /* KPIs, targets, initiatives, promises: only into an empty organisation */

    orgdata_customer_t *customer_rows;
    char (*external_ids)[32];
    orgdata_response_t *response_rows;
    orgdata_answer_t *answer_rows;

    case_seed_t *cases;
    size_t ncases, case_cap, case_next; /* a ring: the newest cases win */
} run_job_t;

static cx_result fail(run_job_t *j, cx_result rc, const char *what)
{
    if (!j->err[0])
        snprintf(j->err, j->errlen, "%s: %s", what, cx_result_text(rc));
    return rc;
}

/* JSON object {"pl": ..., "en": ..., "ro": ...} of the labels given;
 * caller frees. */
static char *labels_json(const char *pl, const char *en, const char *ro)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    if (pl)
        json_object_set_new(o, "pl", json_string(pl));
    if (en)
        json_object_set_new(o, "en", json_string(en));
    if (ro)
        json_object_set_new(o, "ro", json_string(ro));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

static char *department_choices_json(void)
{
    json_t *a = json_array();
    if (!a)
        return NULL;
    for (int d = 0; d < DEMO_DEPT_COUNT; d++)
        json_array_append_new(a, json_pack("{s:s,s:{s:s,s:s}}", "value", demo_departments[d].key,
                                           "label", "pl", demo_departments[d].name_pl, "en",
                                           demo_departments[d].name_en));
    char *s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return s;
}

/* The wording by score group of the NPS comment question. */
static cx_result set_comment_logic(db_conn_t *db, int64_t question_id)
{
    json_t *groups = json_object();
    for (size_t i = 0; groups && i < demo_nps_comment_logic_count; i++) {
        const demo_group_label_t *g = &demo_nps_comment_logic[i];
        json_object_set_new(groups, g->group,
                            json_pack("{s:s, s:s, s:s}", "pl", g->pl, "en", g->en, "ro", g->ro));
    }
    json_t *logic = groups ? json_pack("{s:o}", "label_by_group", groups) : NULL;
    char *text = logic ? json_dumps(logic, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(logic);
    if (!text)
        return CX_ERR_NOMEM;
    cx_result rc = surveys_question_set_logic(db, question_id, text);
    free(text);
    return rc;
}

static char *rule_json(const char *attribute, const char *value)
{
    json_t *o = json_pack("{s:s,s:s}", "attribute", attribute, "equals", value);
    if (!o)
        return NULL;
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

static char *measures_json(const char *const *measures)
{
    json_t *a = json_array();
    if (!a)
        return NULL;
    for (int i = 0; i < 3 && measures[i]; i++)
        json_array_append_new(a, json_string(measures[i]));
    char *s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return s;
}

static cx_result ensure_settings(run_job_t *j, db_conn_t *db)
{
    arena_t arena;
    arena_init(&arena);
    cx_result rc = CX_OK;
    for (int i = 0; demo_settings[i][0] && !rc; i++) {
        const char *value = NULL;
        rc = store_setting_get(db, &arena, demo_settings[i][0], &value);
        if (!rc && !value)
            rc = store_setting_set(db, demo_settings[i][0], demo_settings[i][1]);
    }
    if (!rc && j->cfg->demo)
        rc = store_setting_set(db, "demo", "1");
    arena_free(&arena);
    return rc ? fail(j, rc, "cannot write the settings") : CX_OK;
}

/* Finds each piece of the organisation by its natural key or creates it,
 * so that --append reuses what the first run made. */
static cx_result ensure_structure(run_job_t *j, db_conn_t *db)
{
    int64_t created = j->start_time - 30 * 86400;
    int64_t journey;
    cx_result rc = orgdata_journey_find(db, DEMO_JOURNEY_NAME, &journey);
    if (rc == CX_ERR_NOT_FOUND)
        rc = orgdata_journey_add(db, DEMO_JOURNEY_NAME,
                                 "Od pierwszego kontaktu z ofertą do przedłużenia umowy lub "
                                 "odejścia.",
                                 created, &journey);
    if (rc)
        return fail(j, rc, "cannot create the journey");

    int64_t stage_id[DEMO_STAGE_COUNT];
    for (int s = 0; s < DEMO_STAGE_COUNT; s++) {
        rc = orgdata_stage_find(db, journey, s + 1, &stage_id[s]);
        if (rc == CX_ERR_NOT_FOUND)
            rc = orgdata_stage_add(db, journey, s + 1, demo_stages[s], &stage_id[s]);
        if (rc)
            return fail(j, rc, "cannot create the journey's stages");
    }

    for (int t = 0; t < DEMO_TP_COUNT; t++) {
        const demo_touchpoint_t *d = &demo_touchpoints[t];
        rc = orgdata_touchpoint_find(db, d->name, &j->tp_id[t]);
        if (rc == CX_ERR_NOT_FOUND) {
            orgdata_touchpoint_t tp = {
                .stage_id = stage_id[d->stage],
                .name = d->name,
                .channel = d->channel,
                .department = demo_departments[d->department].name_pl,
                .back_office = d->back_office,
                .has_target = true,
                .target_score = d->target_score,
                .moment_of_truth = d->moment_of_truth,
            };
            rc = orgdata_touchpoint_add(db, &tp, &j->tp_id[t]);
        }
        if (rc)
            return fail(j, rc, "cannot create the touchpoints");
    }

    for (int s = 0; s < DEMO_SV_COUNT; s++) {
        const demo_survey_t *d = &demo_surveys[s];
        rc = orgdata_survey_find(db, d->slug, &j->survey_id[s]);
        if (rc == CX_ERR_NOT_FOUND) {
            char *thanks = labels_json(d->thank_you_pl, d->thank_you_en, d->thank_you_ro);
            char *title = labels_json(d->title_pl, d->title_en, d->title_ro);
            char *intro = labels_json(d->intro_pl, d->intro_en, d->intro_ro);
            if (!thanks || !title || !intro) {
                free(thanks);
                free(title);
                free(intro);
                return fail(j, CX_ERR_NOMEM, "cannot create the surveys");
            }
            orgdata_survey_t sv = {
                .slug = d->slug,
                .kind = d->kind,
                .name = d->name,
                .touchpoint_id = d->touchpoint >= 0 ? j->tp_id[d->touchpoint] : 0,
                .channel = d->channel,
                .languages = d->languages,
                .open = true,
                .thank_you = thanks,
                .created_at = created,
                .title = title,
                .intro = intro,
            };
            rc = orgdata_survey_add(db, &sv, &j->survey_id[s]);
            free(thanks);
            free(title);
            free(intro);
        }
        if (rc)
            return fail(j, rc, "cannot create the surveys");
    }

    int position[DEMO_SV_COUNT] = {0};
    for (size_t i = 0; i < demo_question_count; i++) {
        const demo_question_t *d = &demo_questions[i];
        int64_t survey = j->survey_id[d->survey];
        int64_t id;
        position[d->survey]++;
        rc = orgdata_question_find(db, survey, d->key, &id);
        if (rc == CX_ERR_NOT_FOUND) {
            char *label = labels_json(d->label_pl, d->label_en, d->label_ro);
            char *choices = d->role == DEMO_Q_DEPARTMENT ? department_choices_json() : NULL;
            if (!label || (d->role == DEMO_Q_DEPARTMENT && !choices)) {
                free(label);
                free(choices);
                return fail(j, CX_ERR_NOMEM, "cannot create the questions");
            }
            orgdata_question_t q = {
                .survey_id = survey,
                .position = position[d->survey],
                .key = d->key,
                .kind = d->kind,
                .label = label,
                .choices = choices,
                .scale_inverted = d->scale_inverted,
                .is_main = d->role == DEMO_Q_MAIN,
                .driver_attribute = d->driver_attribute,
                .required = d->required,
            };
            rc = orgdata_question_add(db, &q, &id);
            free(label);
            free(choices);
            if (!rc && d->survey == DEMO_SV_NPS && d->role == DEMO_Q_COMMENT)
                rc = set_comment_logic(db, id);
        }
        if (rc)
            return fail(j, rc, "cannot create the questions");
        if (d->role == DEMO_Q_DRIVER)
            j->driver_q[d->driver] = id;
        else if (d->role == DEMO_Q_DEPARTMENT)
            j->department_q = id;
    }

    for (int s = 0; s < DEMO_SEG_COUNT; s++) {
        const demo_segment_t *d = &demo_segments[s];
        rc = orgdata_segment_find(db, d->name, &j->segment_id[s]);
        if (rc == CX_ERR_NOT_FOUND) {
            char *rule = rule_json(d->attribute, d->value);
            if (!rule)
                return fail(j, CX_ERR_NOMEM, "cannot create the segments");
            rc = orgdata_segment_add(db, d->name, d->description, rule, created, &j->segment_id[s]);
            free(rule);
        }
        if (rc)
            return fail(j, rc, "cannot create the segments");
    }

    for (int k = 0; k < DEMO_KPI_COUNT; k++) {
        const demo_kpi_t *d = &demo_kpis[k];
        rc = orgdata_kpi_find(db, d->name, &j->kpi_id[k]);
        if (rc == CX_ERR_NOT_FOUND) {
            orgdata_kpi_t kpi = {d->name, d->unit, d->kind, d->better, d->description};
            rc = orgdata_kpi_add(db, &kpi, &j->kpi_id[k]);
        }
        if (rc)
            return fail(j, rc, "cannot create the KPIs");
    }
    return CX_OK;
}

static cx_result add_users(run_job_t *j, db_conn_t *db)
{
    int64_t now = store_now();
    for (size_t i = 0; i < j->cfg->nusers; i++) {
        const gen_user_t *u = &j->cfg->users[i];
        store_user_t user = {
            .name = u->name,
            .display_name = u->display_name,
            .email = u->email,
            .role = u->role,
            .language = "pl",
            .password_hash = u->password_hash,
            .created_at = now,
        };
        cx_result rc = store_user_add(db, &user, &j->user_id[i]);
        if (rc == CX_ERR_CONFLICT) {
            snprintf(j->err, j->errlen, "the user '%s' exists already", u->name);
            return rc;
        }
        if (rc)
            return fail(j, rc, "cannot create the users");
        rc = store_audit_add(db, now, "cli", "user_added", u->name, "", "demo");
        if (rc)
            return fail(j, rc, "cannot write the audit log");
    }
    j->sum->users = (int64_t)j->cfg->nusers;
    return CX_OK;
}

static int64_t user_with_role(const run_job_t *j, const char *role, size_t nth)
{
    size_t seen = 0, count = 0;
    for (size_t i = 0; i < j->cfg->nusers; i++)
        count += strcmp(j->cfg->users[i].role, role) == 0;
    if (!count)
        return 0;
    nth %= count;
    for (size_t i = 0; i < j->cfg->nusers; i++)
        if (strcmp(j->cfg->users[i].role, role) == 0 && seen++ == nth)
            return j->user_id[i];
    return 0;
}

static int64_t user_named(const run_job_t *j, const char *name)
{
    for (size_t i = 0; name && i < j->cfg->nusers; i++)
        if (strcmp(j->cfg->users[i].name, name) == 0)
            return j->user_id[i];
    return 0;
}

static cx_result write_accounts(run_job_t *j, db_conn_t *db, const chunk_t *c)
{
    for (size_t i = 0; i < c->n; i++) {
        const gen_account_row_t *a = &c->accounts[i];
        char external[32];
        snprintf(external, sizeof external, "FIRMA-%05lld",
                 (long long)(j->account_base + a->index + 1));
        orgdata_account_t row = {
            .id = j->account_base + a->index + 1,
            .external_id = external,
            .name = c->text.data + a->name_off,
            .industry = a->industry,
            .created_at = a->created_at,
        };
        cx_result rc = orgdata_account_add(db, &row, NULL);
        if (rc)
            return fail(j, rc, "cannot write the accounts");
    }
    j->sum->rows[ORGDATA_ACCOUNTS] += (int64_t)c->n;
    return CX_OK;
}

static cx_result write_customers(run_job_t *j, db_conn_t *db, const chunk_t *c)
{
    for (size_t i = 0; i < c->n; i++) {
        const gen_customer_row_t *g = &c->customers[i];
        int64_t id = j->customer_base + g->index + 1;
        snprintf(j->external_ids[i], sizeof j->external_ids[i], "KL%08lld", (long long)id);
        j->customer_rows[i] = (orgdata_customer_t){
            .id = id,
            .external_id = j->external_ids[i],
            .name = c->text.data + g->name_off,
            .email = c->text.data + g->email_off,
            .language = gen_lang_code((gen_lang_t)g->lang),
            .segment_id = j->segment_id[g->tier], /* tier segments come first */
            .account_id = g->account >= 0 ? j->account_base + g->account + 1 : 0,
            .value_tier = demo_tier_names[g->tier],
            .revenue = g->revenue,
            .cost_to_serve = g->cost_to_serve,
            .joined_at = g->joined_at,
            .churned_at = g->churned_at,
            .attributes = c->text.data + g->attributes_off,
            .created_at = g->created_at,
        };
    }
    cx_result rc = orgdata_customers_add(db, j->customer_rows, c->n);
    if (rc)
        return fail(j, rc, "cannot write the customers");
    j->sum->rows[ORGDATA_CUSTOMERS] += (int64_t)c->n;
    return CX_OK;
}

static const char *const survey_labels[DEMO_SV_COUNT] = {"NPS", "CSAT", "CSAT", "CES", "eNPS"};

/* The first sentence of a comment, cut at a character boundary. */
static void first_sentence(const char *text, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    while (n < len && text[n] != '.' && text[n] != '!' && text[n] != '?')
        n++;
    if (n + 1 >= cap) {
        n = cap - 4;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
        memcpy(out, text, n);
        memcpy(out + n, "...", 4);
        return;
    }
    memcpy(out, text, n);
    out[n] = '\0';
}

static void remember_case(run_job_t *j, const case_seed_t *seed)
{
    if (!j->case_cap)
        return;
    j->cases[j->case_next] = *seed;
    j->case_next = (j->case_next + 1) % j->case_cap;
    if (j->ncases < j->case_cap)
        j->ncases++;
}

static cx_result write_responses(run_job_t *j, db_conn_t *db, const chunk_t *c)
{
    size_t nanswers = 0;
    for (size_t i = 0; i < c->n; i++) {
        const gen_response_row_t *g = &c->responses[i];
        int64_t id = j->response_base + j->responses_written + (int64_t)i + 1;
        bool nps_like = g->survey == DEMO_SV_NPS || g->survey == DEMO_SV_ENPS;
        j->response_rows[i] = (orgdata_response_t){
            .id = id,
            .survey_id = j->survey_id[g->survey],
            .customer_id = g->customer >= 0 ? j->customer_base + g->customer + 1 : 0,
            .touchpoint_id = g->touchpoint >= 0 ? j->tp_id[g->touchpoint] : 0,
            .channel = gen_channel_name((gen_channel_t)g->channel),
            .language = gen_lang_code((gen_lang_t)g->lang),
            .submitted_at = g->submitted_at,
            .completed = g->completed,
            .has_score = g->score >= 0,
            .score = g->score,
            .has_nps_group = nps_like && g->score >= 0,
            .nps_group = gen_nps_group(g->score),
            .comment = g->comment_off >= 0 ? c->text.data + g->comment_off : NULL,
            .comment_len = g->comment_len,
            .created_at = g->submitted_at,
        };
        for (int d = 0; d < g->ndrivers; d++)
            j->answer_rows[nanswers++] = (orgdata_answer_t){
                .response_id = id,
                .question_id = j->driver_q[d],
                .has_num = true,
                .value_num = g->drivers[d],
            };
        if (g->department >= 0)
            j->answer_rows[nanswers++] = (orgdata_answer_t){
                .response_id = id,
                .question_id = j->department_q,
                .value_text = demo_departments[g->department].key,
            };
        if (g->opens_case) {
            case_seed_t seed = {
                .response_id = id,
                .customer = g->customer,
                .at = g->submitted_at,
                .survey = g->survey,
                .touchpoint = g->touchpoint,
                .score = g->score,
                .topic = g->topic,
            };
            const char *where = g->touchpoint >= 0 ? demo_touchpoints[g->touchpoint].name
                                                   : demo_surveys[g->survey].name;
            if (g->comment_off >= 0) {
                char sentence[120];
                first_sentence(c->text.data + g->comment_off, g->comment_len, sentence,
                               sizeof sentence);
                snprintf(seed.title, sizeof seed.title, "%s %d: %s", survey_labels[g->survey],
                         g->score, sentence);
            } else {
                snprintf(seed.title, sizeof seed.title, "%s %d — %s", survey_labels[g->survey],
                         g->score, where);
            }
            remember_case(j, &seed);
        }
    }
    cx_result rc = orgdata_responses_add(db, j->response_rows, c->n);
    if (rc)
        return fail(j, rc, "cannot write the responses");
    rc = orgdata_answers_add(db, j->answer_rows, nanswers);
    if (rc)
        return fail(j, rc, "cannot write the answers");
    j->responses_written += (int64_t)c->n;
    j->sum->rows[ORGDATA_RESPONSES] += (int64_t)c->n;
    j->sum->rows[ORGDATA_ANSWERS] += (int64_t)nanswers;
    return CX_OK;
}

static cx_result write_feedback(run_job_t *j, db_conn_t *db)
{
    gen_model_t *m = j->m;
    /* One item per 35 responses in an organisation of the demo's size;
     * beyond it the voice of the customer grows slower than the surveys
     * (each insert is a single row with its own indexes to keep). */
    int64_t n = m->p.responses / 35;
    int64_t cap = 1500 + m->p.responses / 200;
    n = n > cap ? cap : n;
    n = n < 10 ? 10 : n;
    rng_t r;
    stream_seed(&r, m->p.seed, STREAM_FEEDBACK);
    buf_t text;
    buf_init(&text, 0);
    cx_result rc = CX_OK;
    for (int64_t i = 0; i < n && !rc; i++) {
        buf_reset(&text);
        gen_feedback_row_t g;
        gen_model_feedback(m, &r, i, &text, &g);
        if (buf_failed(&text)) {
            rc = CX_ERR_NOMEM;
            break;
        }
        store_feedback_t item = {
            .source = g.source,
            .external_id = g.external_id_off != SIZE_MAX ? text.data + g.external_id_off : NULL,
            .customer_id = g.customer >= 0 ? j->customer_base + g.customer + 1 : 0,
            .touchpoint_id = g.touchpoint >= 0 ? j->tp_id[g.touchpoint] : 0,
            .channel = gen_channel_name(g.channel),
            .language = gen_lang_code(g.lang),
            .title = text.data + g.title_off,
            .text = text.data + g.text_off,
            .has_rating = g.has_rating,
            .rating = g.rating,
            .category = gen_topic_key(g.topic),
            .received_at = g.received_at,
            .created_at = g.received_at,
        };
        int64_t id = 0;
        rc = store_feedback_add(db, &item, &id);
        /* Some complaints become cases, like low scores do. */
        if (!rc && strcmp(g.source, "complaint") == 0 && g.customer >= 0 &&
            rng_uniform(&r) < m->p.case_share * 1.5) {
            case_seed_t seed = {
                .feedback_id = id,
                .customer = g.customer,
                .at = g.received_at,
                .survey = -1,
                .touchpoint = (int8_t)g.touchpoint,
                .score = -1,
                .topic = (int8_t)g.topic,
            };
            snprintf(seed.title, sizeof seed.title, "Reklamacja: %s", text.data + g.title_off);
            remember_case(j, &seed);
        }
    }
    buf_free(&text);
    if (rc)
        return fail(j, rc, "cannot write the feedback items");
    j->sum->rows[ORGDATA_FEEDBACK_ITEMS] += n;
    return CX_OK;
}

static cx_result write_kpis(run_job_t *j, db_conn_t *db)
{
    gen_model_t *m = j->m;
    rng_t r;
    stream_seed(&r, m->p.seed, STREAM_KPIS);
    for (int month = 0; month < m->nmonths; month++) {
        int64_t period = gen_model_month_start(m, month);
        for (int k = 0; k < DEMO_KPI_COUNT; k++) {
            double v = gen_model_kpi(m, &r, (demo_kpi_id_t)k, month, -1);
            cx_result rc = orgdata_kpi_value_add(db, j->kpi_id[k], period, 0, 0, v);
            if (rc)
                return fail(j, rc, "cannot write the KPI values");
            j->sum->rows[ORGDATA_KPI_VALUES]++;
        }
        /* churn by value tier, for "which segments matter" */
        for (int t = 0; t < DEMO_TIER_COUNT; t++) {
            double v = gen_model_kpi(m, &r, DEMO_KPI_CHURN, month, t);
            cx_result rc = orgdata_kpi_value_add(db, j->kpi_id[DEMO_KPI_CHURN], period,
                                                 j->segment_id[t], 0, v);
            if (rc)
                return fail(j, rc, "cannot write the KPI values");
            j->sum->rows[ORGDATA_KPI_VALUES]++;
        }
    }
    return CX_OK;
}

static cx_result write_plans(run_job_t *j, db_conn_t *db)
{
    int64_t end = j->end_time;
    for (size_t i = 0; i < demo_target_count; i++) {
        const demo_target_t *t = &demo_targets[i];
        int64_t scope_id = strcmp(t->scope, "touchpoint") == 0 ? j->tp_id[t->scope_ref]
                           : strcmp(t->scope, "segment") == 0  ? j->segment_id[t->scope_ref]
                                                               : 0;
        cx_result rc =
            orgdata_target_add(db, t->metric, t->scope, scope_id, t->value,
                               end + (int64_t)t->due_days * 86400 - 1, end - 200 * 86400, NULL);
        if (rc)
            return fail(j, rc, "cannot write the targets");
        j->sum->rows[ORGDATA_TARGETS]++;
    }
    for (size_t i = 0; i < demo_initiative_count; i++) {
        const demo_initiative_t *d = &demo_initiatives[i];
        int64_t started = d->started_days >= 0 ? end - (int64_t)d->started_days * 86400 : 0;
        int64_t finished = d->finished_days >= 0 ? end - (int64_t)d->finished_days * 86400 : 0;
        orgdata_initiative_t in = {
            .title = d->title,
            .root_cause = d->root_cause,
            .touchpoint_id = d->touchpoint >= 0 ? j->tp_id[d->touchpoint] : 0,
            .theme = d->theme,
            .owner_id = user_named(j, d->owner),
            .cost = d->cost,
            .expected_effect = d->expected_effect,
            .status = d->status,
            .started_at = started,
            .finished_at = finished,
            .created_at = (started ? started : end) - 21 * 86400,
        };
        cx_result rc = orgdata_initiative_add(db, &in, NULL);
        if (rc)
            return fail(j, rc, "cannot write the initiatives");
        j->sum->rows[ORGDATA_INITIATIVES]++;
    }
    for (size_t i = 0; i < demo_promise_count; i++) {
        char *measures = measures_json(demo_promises[i].measures);
        if (!measures)
            return fail(j, CX_ERR_NOMEM, "cannot write the promises");
        cx_result rc = orgdata_promise_add(db, demo_promises[i].text, measures,
                                           j->start_time - 60 * 86400, NULL);
        free(measures);
        if (rc)
            return fail(j, rc, "cannot write the promises");
        j->sum->rows[ORGDATA_PROMISES]++;
    }
    return CX_OK;
}

/* How a case ended, by what it was about. */
static const struct {
    gen_topic_t topic;
    const char *text;
} outcomes[] = {
    {GEN_TOPIC_INVOICE, "Wyjaśniono naliczenia na fakturze; klient przyjął wyjaśnienia."},
    {GEN_TOPIC_INVOICE, "Wystawiono korektę faktury."},
    {GEN_TOPIC_PRICE, "Przyznano rabat 20 zł na kolejną fakturę."},
    {GEN_TOPIC_PRICE, "Zaproponowano tańszy pakiet; klient go przyjął."},
    {GEN_TOPIC_APP, "Problem z logowaniem rozwiązany po aktualizacji aplikacji."},
    {GEN_TOPIC_APP, "Pomoc w ponownej instalacji aplikacji; klient loguje się poprawnie."},
    {GEN_TOPIC_NETWORK, "Zlecono wizytę technika; usterka usunięta."},
    {GEN_TOPIC_NETWORK, "Wymieniono router; prędkość zgodna z umową."},
    {GEN_TOPIC_HOTLINE,
     "Przeproszono za czas oczekiwania; sprawa załatwiona przy kontakcie zwrotnym."},
    {GEN_TOPIC_CHAT, "Sprawa załatwiona przy oddzwonieniu."},
    {GEN_TOPIC_SHOP, "Kierownik salonu przeprosił; zmieniono pakiet na zgodny z potrzebami."},
    {GEN_TOPIC_INSTALL, "Umówiono nowy termin instalacji; usługa działa."},
    {GEN_TOPIC_ACTIVATION, "Przyspieszono aktywację; usługa działa."},
    {GEN_TOPIC_ORDER, "Zamówienie odblokowane; klient otrzymał potwierdzenie."},
    {GEN_TOPIC_PLAN_CHANGE, "Zmiana pakietu wykonana przez konsultanta."},
    {GEN_TOPIC_CONTRACT, "Przedstawiono ofertę lojalnościową; klient przedłużył umowę."},
    {GEN_TOPIC_COMPLAINT, "Reklamacja uznana; klient otrzymał rekompensatę."},
    {GEN_TOPIC_GENERAL, "Klient otrzymał wyjaśnienia i przeprosiny."},
};

static const char *case_outcome(rng_t *r, const case_seed_t *s, bool churned)
{
    if (churned)
        return "Klient zrezygnował mimo oferty retencyjnej.";
    if (rng_uniform(r) < 0.12)
        return "Klient nie odbiera telefonu; wysłano e-mail z przeprosinami.";
    size_t n = sizeof outcomes / sizeof outcomes[0], matches = 0;
    for (size_t i = 0; i < n; i++)
        matches += (int)outcomes[i].topic == s->topic;
    gen_topic_t topic = matches ? (gen_topic_t)s->topic : GEN_TOPIC_GENERAL;
    if (!matches)
        matches = 1;
    size_t k = (size_t)rng_range(r, 0, (int64_t)matches - 1);
    for (size_t i = 0; i < n; i++)
        if (outcomes[i].topic == topic && k-- == 0)
            return outcomes[i].text;
    return outcomes[n - 1].text;
}

static const char *const case_notes[] = {
    "Próba kontaktu telefonicznego — klient nie odebrał.",
    "Rozmowa z klientem: potwierdził problem, przekazano do działu technicznego.",
    "Klient przyjął przeprosiny i rekompensatę.",
    "Sprawdzono historię faktur; wystawiono korektę.",
    "Umówiono oddzwonienie na jutro rano.",
    "Klient prosi o kontakt mailowy, nie telefoniczny.",
};

static const char *case_rule(const case_seed_t *s)
{
    switch (s->survey) {
    case DEMO_SV_NPS: return "nps_detractor";
    case DEMO_SV_CES: return "ces_high_effort";
    case -1: return "complaint";
    default: return "csat_low";
    }
}

static cx_result write_cases(run_job_t *j, db_conn_t *db)
{
    rng_t r;
    stream_seed(&r, j->m->p.seed, STREAM_CASES);
    /* Oldest first: the ring starts at case_next once it has wrapped. */
    size_t start = j->ncases == j->case_cap ? j->case_next : 0;
    int64_t end = j->end_time;
    for (size_t k = 0; k < j->ncases; k++) {
        const case_seed_t *s = &j->cases[(start + k) % j->case_cap];
        const gen_customer_state_t *cust = &j->m->customers[s->customer];
        int64_t created = s->at + rng_range(&r, 5, 900);
        if (created >= end)
            created = end - 1;
        bool severe = s->survey == DEMO_SV_NPS   ? s->score <= 2
                      : s->survey == DEMO_SV_CES ? s->score >= 7
                      : s->survey < 0            ? false
                                                 : s->score <= 1;
        bool valuable = cust->tier == DEMO_TIER_PREMIUM || cust->account >= 0;
        const char *priority = severe && valuable   ? "urgent"
                               : severe || valuable ? "high"
                                                    : "normal";
        int64_t sla = strcmp(priority, "urgent") == 0 ? 24
                      : strcmp(priority, "high") == 0 ? 48
                                                      : 72;
        double age = (double)(end - created) / 86400.0;
        double u = rng_uniform(&r);
        const char *status;
        if (age > 30)
            status = u < 0.85 ? "closed" : u < 0.95 ? "resolved" : "in_progress";
        else if (age > 7)
            status = u < 0.40 ? "closed" : u < 0.75 ? "resolved" : u < 0.95 ? "in_progress" : "new";
        else
            status = u < 0.45 ? "new" : u < 0.85 ? "in_progress" : "resolved";
        bool is_new = strcmp(status, "new") == 0;
        bool done = strcmp(status, "resolved") == 0 || strcmp(status, "closed") == 0;
        int64_t resolved = 0, closed = 0;
        if (done) {
            resolved = created + rng_range(&r, 3600, 5 * 86400);
            if (resolved >= end)
                resolved = end - 60;
            if (strcmp(status, "closed") == 0) {
                closed = resolved + rng_range(&r, 3600, 3 * 86400);
                if (closed >= end)
                    closed = end - 1;
            }
        }
        /* The customer left within four months of the case: it ends there. */
        int64_t case_day = created / 86400;
        bool left_soon = cust->churned >= case_day && cust->churned - case_day <= 120;
        int64_t owner = 0;
        if (!is_new || rng_uniform(&r) < 0.7)
            owner = rng_uniform(&r) < 0.2 ? user_with_role(j, "manager", 0)
                                          : user_with_role(j, "agent", (size_t)k);
        bool contacted = done ? rng_uniform(&r) < 0.95 : !is_new && rng_uniform(&r) < 0.6;
        orgdata_case_t c = {
            .response_id = s->response_id,
            .feedback_item_id = s->feedback_id,
            .customer_id = j->customer_base + s->customer + 1,
            .title = s->title,
            .owner_id = owner,
            .status = status,
            .priority = priority,
            .due_at = created + sla * 3600,
            .contacted = contacted,
            .outcome = done ? case_outcome(&r, s, left_soon) : "",
            .rule = case_rule(s),
            .created_at = created,
            .resolved_at = resolved,
            .closed_at = closed,
        };
        int64_t id;
        cx_result rc = orgdata_case_add(db, &c, &id);
        if (rc)
            return fail(j, rc, "cannot write the cases");
        j->sum->rows[ORGDATA_CASES]++;
        int notes = is_new || !owner ? 0 : (int)rng_range(&r, 0, 2);
        int64_t at = created;
        for (int n = 0; n < notes; n++) {
            at += rng_range(&r, 1800, 86400);
            if (at >= end)
                break;
            rc = orgdata_case_note_add(
                db, id, owner,
                case_notes[rng_range(&r, 0,
                                     (int64_t)(sizeof case_notes / sizeof case_notes[0]) - 1)],
                at);
            if (rc)
                return fail(j, rc, "cannot write the case notes");
            j->sum->rows[ORGDATA_CASE_NOTES]++;
        }
    }
    return CX_OK;
}

static cx_result run_job_body(run_job_t *j, db_conn_t *db)
{
    int64_t existing = 0, kpi_values = 0;
    cx_result rc = orgdata_count(db, ORGDATA_RESPONSES, &existing);
    if (!rc)
        rc = orgdata_count(db, ORGDATA_KPI_VALUES, &kpi_values);
    if (rc)
        return fail(j, rc, "cannot read the database");
    if (existing && !j->cfg->append) {
        snprintf(j->err, j->errlen,
                 "the database already has %lld responses; add --append to add more",
                 (long long)existing);
        return CX_ERR_CONFLICT;
    }
    j->extras = kpi_values == 0;
    if ((rc = ensure_settings(j, db)) || (rc = ensure_structure(j, db)) || (rc = add_users(j, db)))
        return rc;
    if ((rc = orgdata_max_id(db, ORGDATA_ACCOUNTS, &j->account_base)) ||
        (rc = orgdata_max_id(db, ORGDATA_CUSTOMERS, &j->customer_base)) ||
        (rc = orgdata_max_id(db, ORGDATA_RESPONSES, &j->response_base)))
        return fail(j, rc, "cannot read the database");

    /* Rebuilding the indexes costs a sort of the whole table: worth it only
     * when this run writes at least as much as is there. */
    bool unindexed = j->m->p.responses >= existing && j->m->p.responses > 0;
    if (unindexed && (rc = orgdata_responses_unindex(db)))
        return fail(j, rc, "cannot prepare the responses table");

    for (unsigned seq = 0;; seq++) {
        chunk_t *c = pipe_take(j->pipe, seq);
        switch (c->kind) {
        case CHUNK_ACCOUNTS: rc = write_accounts(j, db, c); break;
        case CHUNK_CUSTOMERS: rc = write_customers(j, db, c); break;
        case CHUNK_RESPONSES: rc = write_responses(j, db, c); break;
        case CHUNK_FAILED: rc = fail(j, CX_ERR_NOMEM, "cannot draw the data"); break;
        case CHUNK_END: break;
        }
        chunk_kind_t kind = c->kind;
        pipe_release(j->pipe, seq);
        if (rc)
            return rc;
        if (kind == CHUNK_END)
            break;
    }
    /* The producer is done: the model's customer table is complete. */
    if ((rc = write_feedback(j, db)))
        return rc;
    if (j->extras && ((rc = write_kpis(j, db)) || (rc = write_plans(j, db))))
        return rc;
    if ((rc = write_cases(j, db)))
        return rc;
    if (unindexed && (rc = orgdata_responses_reindex(db)))
        return fail(j, rc, "cannot index the responses");
    return CX_OK;
}

static cx_result run_job(db_conn_t *db, void *arg)
{
    run_job_t *j = arg;
    cx_result rc = run_job_body(j, db);
    if (rc)
        pipe_abort(j->pipe); /* a producer waiting for a free slot must not wait forever */
    return rc;
}

/* ---- the run ----------------------------------------------------------- */

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void pipe_free(pipe_t *p)
{
    for (int s = 0; s < SLOTS; s++) {
        free(p->slots[s].accounts);
        free(p->slots[s].customers);
        free(p->slots[s].responses);
        buf_free(&p->slots[s].text);
    }
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->changed);
}

cx_result gen_run(store_t *store, const gen_config_t *cfg, gen_summary_t *out, char *err,
                  size_t errlen)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(out, 0, sizeof *out);
    err[0] = '\0';

    int64_t end_day = cfg->end_day;
    if (!end_day && !gen_parse_date(GEN_DEFAULT_END, &end_day))
        return CX_ERR_INTERNAL;
    int months = cfg->months ? cfg->months : GEN_DEFAULT_MONTHS;
    int64_t customers = cfg->customers ? cfg->customers : gen_default_customers(cfg->responses);
    if (cfg->responses < 0 || cfg->responses > GEN_MAX_RESPONSES || customers < 1 ||
        customers > GEN_MAX_CUSTOMERS || months < 1 || months > 240) {
        snprintf(err, errlen, "invalid generation parameters");
        return CX_ERR_INVALID;
    }
    /* Cases: about one per 250 responses. A tenth of responses are low
     * scores from known customers (measured on the demo), so the share of
     * those opening a case follows. */
    double cases = (double)cfg->responses / 250.0;
    cases = cases < 10 ? 10 : cases > 40000 ? 40000 : cases;
    double case_share = cfg->responses ? cases / (0.10 * (double)cfg->responses) : 0;
    gen_params_t params = {
        .seed = cfg->seed,
        .responses = cfg->responses,
        .customers = customers,
        .first_day = gen_months_before(end_day, months) + 1,
        .last_day = end_day,
        .driver_share = cfg->driver_share > 0 ? cfg->driver_share : 0.1,
        .case_share = case_share > 1 ? 1 : case_share,
    };

    gen_model_t model;
    cx_result rc = gen_model_init(&model, &params);
    if (rc) {
        snprintf(err, errlen, "cannot prepare the model: %s", cx_result_text(rc));
        return rc;
    }

    pipe_t pipe;
    memset(&pipe, 0, sizeof pipe);
    pthread_mutex_init(&pipe.lock, NULL);
    pthread_cond_init(&pipe.changed, NULL);
    pipe.model = &model;
    bool ok = true;
    for (int s = 0; s < SLOTS; s++) {
        chunk_t *c = &pipe.slots[s];
        c->accounts = malloc(CHUNK_ROWS * sizeof *c->accounts);
        c->customers = malloc(CHUNK_ROWS * sizeof *c->customers);
        c->responses = malloc(CHUNK_ROWS * sizeof *c->responses);
        buf_init(&c->text, (size_t)1 << 30);
        ok = ok && c->accounts && c->customers && c->responses;
    }

    run_job_t job = {
        .cfg = cfg,
        .m = &model,
        .pipe = &pipe,
        .sum = out,
        .err = err,
        .errlen = errlen,
        .start_time = gen_model_start_time(&model),
        .end_time = gen_model_end_time(&model),
        .case_cap = (size_t)(cases * 1.5) + 16,
    };
    job.user_id = calloc(cfg->nusers + 1, sizeof *job.user_id);
    job.customer_rows = malloc(CHUNK_ROWS * sizeof *job.customer_rows);
    job.external_ids = malloc(CHUNK_ROWS * sizeof *job.external_ids);
    job.response_rows = malloc(CHUNK_ROWS * sizeof *job.response_rows);
    job.answer_rows = malloc(CHUNK_ROWS * (DEMO_DRIVER_COUNT + 1) * sizeof *job.answer_rows);
    job.cases = malloc(job.case_cap * sizeof *job.cases);
    ok = ok && job.user_id && job.customer_rows && job.external_ids && job.response_rows &&
         job.answer_rows && job.cases;

    pthread_t producer;
    bool started = false;
    if (!ok) {
        rc = CX_ERR_NOMEM;
        snprintf(err, errlen, "out of memory");
    } else if (pthread_create(&producer, NULL, producer_main, &pipe) != 0) {
        rc = CX_ERR_INTERNAL;
        snprintf(err, errlen, "cannot start the producer thread");
    } else {
        started = true;
        rc = store_write(store, run_job, &job);
        if (rc && !err[0])
            snprintf(err, errlen, "the database refused the data: %s", cx_result_text(rc));
    }
    if (started) {
        pipe_abort(&pipe); /* a no-op after a complete run */
        pthread_join(producer, NULL);
    }

    free(job.user_id);
    free(job.customer_rows);
    free(job.external_ids);
    free(job.response_rows);
    free(job.answer_rows);
    free(job.cases);
    pipe_free(&pipe);
    gen_model_free(&model);
    /* the comments' search index is part of the load and of its time, in
     * one transaction (the writer would otherwise do it a slice at a time) */
    if (!rc && (rc = store_catch_up(store)) != CX_OK && !err[0])
        snprintf(err, errlen, "the search index failed: %s", cx_result_text(rc));
    if (rc)
        memset(out->rows, 0, sizeof out->rows);
    out->seconds = seconds_since(&t0);
    return rc;
}

void gen_summary_format(const gen_summary_t *s, buf_t *out)
{
    for (int t = 0; t < ORGDATA_TABLE_COUNT; t++) {
        if (!s->rows[t] && t != ORGDATA_RESPONSES)
            continue;
        buf_printf(out, "%s=%lld ", orgdata_table_name((orgdata_table_t)t), (long long)s->rows[t]);
    }
    if (s->users)
        buf_printf(out, "users=%lld ", (long long)s->users);
    double rate = s->seconds > 0 ? (double)s->rows[ORGDATA_RESPONSES] / s->seconds : 0;
    buf_printf(out, "seconds=%.2f responses_per_second=%lld", s->seconds, (long long)llround(rate));
}
