/*
 * gen_model.h — the deterministic model of the demo organisation's data:
 * which customers exist, who answers which survey when, what they score
 * and what they write, how feedback items and KPIs move with the story.
 *
 * Pure computation: given the parameters and the RNG streams (core/rng.h)
 * every row comes out the same on every run and machine. Nothing here
 * touches the store; rows are handed to gen_run.c, which maps indices to
 * database ids and writes them. Text (names, comments) is appended to a
 * caller's buf_t and rows refer to it by offset, so producing rows
 * allocates nothing per row.
 *
 * Scores come from an ordered-probit model: each answer has a latent
 * "experience" (customer disposition + touchpoint + story effects + noise,
 * in standard deviations) cut into the scale's categories at points that
 * reproduce a realistic distribution when the effects are zero (NPS about
 * +24, CSAT mostly 4-5, low effort mostly). The NPS latent is built from
 * the five driver latents, so driver ratings explain it.
 */
#ifndef CX_GEN_MODEL_H
#define CX_GEN_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/result.h"
#include "core/rng.h"
#include "gen/demo_org.h"

typedef enum gen_channel {
    GEN_CH_EMAIL,
    GEN_CH_SMS,
    GEN_CH_PHONE,
    GEN_CH_WEB,
    GEN_CH_APP,
    GEN_CH_STORE,
    GEN_CH_CHAT,
    GEN_CH_FIELD,
    GEN_CH_NETWORK,
    GEN_CH_COUNT
} gen_channel_t;

const char *gen_channel_name(gen_channel_t ch);

typedef struct gen_params {
    uint64_t seed;
    int64_t responses;
    int64_t customers; /* >= 1 */
    int64_t first_day; /* local dates, days since 1970-01-01, inclusive */
    int64_t last_day;
    double driver_share; /* of completed NPS responses, answering the drivers */
    double case_share;   /* of low scores from known customers, opening a case */
} gen_params_t;

/* What the model remembers of a customer to draw their responses. */
typedef struct gen_customer_state {
    float disposition; /* latent loyalty, N(0,1) */
    int32_t joined;    /* day number */
    int32_t churned;   /* day number; INT32_MAX while a customer */
    int32_t account;   /* account index, -1 for B2C */
    uint8_t tier;      /* demo_tier_t */
    uint8_t lang;      /* gen_lang_t */
} gen_customer_state_t;

typedef struct gen_day {
    int64_t day;
    int64_t midnight; /* Unix time of local midnight */
    bool dst_switch;  /* the day is 23 or 25 hours long */
    int64_t first;    /* index of the day's first response */
    int64_t count;
    double survey_weight[DEMO_SV_COUNT];
    unsigned eras; /* GEN_ERA_* active on the day */
} gen_day_t;

typedef struct gen_model {
    gen_params_t p;
    int64_t naccounts;
    int ndays;
    gen_day_t *days;
    gen_customer_state_t *customers;
    /* company mail domains, by account index (offsets into domains) */
    buf_t domains;
    uint32_t *domain_off;
    /* months of the window, for KPIs */
    int nmonths;
    int64_t *month_first_day;
    int64_t *month_active[DEMO_TIER_COUNT + 1]; /* at the month's start; [TIER_COUNT] = all */
    int64_t *month_churned[DEMO_TIER_COUNT + 1];
    /* the story */
    int64_t app_release, app_hotfix, cc_change;
    /* cut points of the ordered-probit scales */
    double cut_nps[10], cut_csat[4], cut_ces[6], cut_enps[10], cut_driver[4];
    double contact_weight[DEMO_TP_COUNT];
} gen_model_t;

/* Allocates the day and customer tables. gen_model_free releases them. */
cx_result gen_model_init(gen_model_t *m, const gen_params_t *p);
void gen_model_free(gen_model_t *m);

/* Story periods active on a day (GEN_ERA_* mask). */
unsigned gen_model_eras(const gen_model_t *m, int64_t day);
/* Unix time just after the last second of the data. */
int64_t gen_model_end_time(const gen_model_t *m);
int64_t gen_model_start_time(const gen_model_t *m);

/* ---- accounts and customers (drawn in index order from one stream) ---- */

typedef struct gen_account_row {
    int64_t index;
    size_t name_off;
    const char *industry;
    int64_t created_at;
} gen_account_row_t;

void gen_model_account(gen_model_t *m, rng_t *r, int64_t index, buf_t *text,
                       gen_account_row_t *out);

typedef struct gen_customer_row {
    int64_t index;
    int32_t account; /* -1 none */
    uint8_t tier, lang;
    bool b2b;
    double revenue, cost_to_serve;
    int64_t joined_at, churned_at; /* churned_at 0 = still a customer */
    int64_t created_at;
    size_t name_off, email_off, attributes_off;
} gen_customer_row_t;

/* Accounts must all be drawn before the first customer. */
void gen_model_customer(gen_model_t *m, rng_t *r, int64_t index, buf_t *text,
                        gen_customer_row_t *out);
/* Call once every customer is drawn: counts per month for the churn KPI. */
cx_result gen_model_customers_done(gen_model_t *m);

/* ---- responses (drawn day by day, in order) ---- */

typedef struct gen_response_row {
    int64_t customer; /* index, -1 anonymous */
    int64_t submitted_at;
    int8_t survey;     /* demo_survey_id_t */
    int8_t touchpoint; /* demo_touchpoint_id_t, -1 none */
    int8_t channel;    /* gen_channel_t */
    int8_t lang;       /* gen_lang_t */
    int8_t score;      /* -1 unanswered */
    int8_t completed;
    int8_t department;                 /* eNPS; -1 otherwise */
    int8_t ndrivers;                   /* 0 or DEMO_DRIVER_COUNT */
    int8_t drivers[DEMO_DRIVER_COUNT]; /* ratings 1-5 */
    bool opens_case;
    int8_t topic;        /* gen_topic_t the answer is mostly about */
    int64_t comment_off; /* -1 none */
    uint32_t comment_len;
    uint32_t order; /* free for the caller (gen_run sorts batches by time with it) */
} gen_response_row_t;

typedef struct gen_cursor {
    int day;
    int64_t left; /* responses still to draw on that day */
} gen_cursor_t;

void gen_cursor_init(gen_cursor_t *c);
/* Responses left on the day being drawn or, between days, on the next
 * day that has any: lets a caller keep days whole in its batches. */
int64_t gen_cursor_day_left(const gen_model_t *m, const gen_cursor_t *c);
/* Draws the next response; false when all are drawn. */
bool gen_model_response(gen_model_t *m, rng_t *r, gen_cursor_t *c, buf_t *text,
                        gen_response_row_t *out);

/* NPS group of a 0-10 score: -1, 0, 1. */
int gen_nps_group(int score);

/* ---- feedback items ---- */

typedef struct gen_feedback_row {
    const char *source;
    int64_t customer; /* index, -1 anonymous */
    int touchpoint;   /* -1 none */
    gen_channel_t channel;
    gen_lang_t lang;
    size_t external_id_off; /* SIZE_MAX none */
    size_t title_off;
    size_t text_off;
    bool has_rating;
    double rating;
    gen_topic_t topic;
    int64_t received_at;
} gen_feedback_row_t;

void gen_model_feedback(gen_model_t *m, rng_t *r, int64_t serial, buf_t *text,
                        gen_feedback_row_t *out);

/* ---- monthly KPIs ---- */

int64_t gen_model_month_start(const gen_model_t *m, int month);
/* tier = -1 for the whole base; only DEMO_KPI_CHURN has tiers. */
double gen_model_kpi(const gen_model_t *m, rng_t *r, demo_kpi_id_t kpi, int month, int tier);

#endif
