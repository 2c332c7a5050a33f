/*
 * demo_org.h — the organisation that `cxloop demo` shows and `cxloop gen`
 * fills at scale: an invented Polish telecom, its customer journey,
 * surveys, segments, KPIs, people and the story its data tells.
 *
 * The tables here are definitions only (names, channels, targets, how a
 * touchpoint tends to score); the numbers are drawn by gen_model.c and
 * written by gen_run.c. The story, counted back from the last day of the
 * data so that any --end date tells it the same way:
 *
 *   - a mobile app release DEMO_APP_RELEASE_MONTHS ago broke the login:
 *     app scores drop, "aplikacja się zawiesza przy logowaniu" appears,
 *     hotline traffic and cost to serve rise; a partial fix lands
 *     DEMO_APP_HOTFIX_DAYS before the end, the full fix is an initiative
 *     still in progress;
 *   - the contact centre introduced call-backs DEMO_CC_CHANGE_MONTHS ago:
 *     waiting time falls, hotline CSAT and contact-centre eNPS rise;
 *   - every January prices go up: NPS, the price and billing drivers and
 *     invoice CSAT dip, complaints and churn rise for a few weeks;
 *   - July storms take the network down for some days.
 *
 * Scores of customers who later leave are lower, so churn can be
 * explained by the feedback that came before it.
 *
 * Everything here is invented; never put a real company's or person's
 * name, address or number into these tables.
 */
#ifndef CX_GEN_DEMO_ORG_H
#define CX_GEN_DEMO_ORG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/result.h"
#include "gen/gen_text.h"
#include "store/store.h"

#define DEMO_ORG_NAME "Telko Polska S.A."
#define DEMO_JOURNEY_NAME "Ścieżka klienta"
#define DEMO_DEFAULT_DB "cxloop-demo.db"
/* Size of the demo organisation. */
#define DEMO_RESPONSES 50000
#define DEMO_CUSTOMERS 8000
#define DEMO_MONTHS 18
#define DEMO_SEED 20261031u

#define DEMO_APP_RELEASE_MONTHS 8
#define DEMO_APP_HOTFIX_DAYS 40
#define DEMO_CC_CHANGE_MONTHS 6

/* ---- journey ---- */

enum { DEMO_STAGE_COUNT = 6 };
extern const char *const demo_stages[DEMO_STAGE_COUNT];

typedef enum demo_department {
    DEMO_DEPT_SALES,
    DEMO_DEPT_CARE,
    DEMO_DEPT_NETWORK,
    DEMO_DEPT_DIGITAL,
    DEMO_DEPT_BILLING,
    DEMO_DEPT_COMPLAINTS,
    DEMO_DEPT_MARKETING,
    DEMO_DEPT_RETENTION,
    DEMO_DEPT_COUNT
} demo_department_t;

typedef struct demo_department_def {
    const char *key; /* the value stored in eNPS answers */
    const char *name_pl;
    const char *name_en;
    double headcount; /* share of the staff, for eNPS volume */
} demo_department_def_t;
extern const demo_department_def_t demo_departments[DEMO_DEPT_COUNT];

typedef enum demo_touchpoint_id {
    DEMO_TP_WEB_OFFER,
    DEMO_TP_SHOP,
    DEMO_TP_ONLINE_ORDER,
    DEMO_TP_CONFIRM_EMAIL,
    DEMO_TP_INSTALL,
    DEMO_TP_ACTIVATION,
    DEMO_TP_FIRST_INVOICE,
    DEMO_TP_APP,
    DEMO_TP_NETWORK,
    DEMO_TP_PAYMENTS,
    DEMO_TP_PLAN_CHANGE,
    DEMO_TP_HOTLINE,
    DEMO_TP_CHAT,
    DEMO_TP_COMPLAINT,
    DEMO_TP_RENEWAL,
    DEMO_TP_CANCEL,
    DEMO_TP_COUNT
} demo_touchpoint_id_t;

/* target_score is the share of positive answers, in per cent, in the
 * survey that measures the touchpoint: CSAT 4-5 of 5, or CES effort 1-3 of
 * 7 for the plan change. */
typedef struct demo_touchpoint {
    int stage;
    const char *name;
    const char *channel;
    demo_department_t department;
    bool back_office;
    double target_score;
    bool moment_of_truth;
    double base;       /* how it tends to score, in standard deviations */
    gen_topic_t topic; /* what its comments are about */
    double volume;     /* share of the contact survey's responses; 0 = not in it */
} demo_touchpoint_t;
extern const demo_touchpoint_t demo_touchpoints[DEMO_TP_COUNT];

/* ---- surveys ---- */

typedef enum demo_survey_id {
    DEMO_SV_NPS,
    DEMO_SV_CSAT_CALL,
    DEMO_SV_CSAT_CONTACT,
    DEMO_SV_CES,
    DEMO_SV_ENPS,
    DEMO_SV_COUNT
} demo_survey_id_t;

typedef struct demo_survey {
    const char *slug;
    const char *kind; /* nps, csat, ces, enps */
    const char *name;
    int touchpoint; /* demo_touchpoint_id_t, -1 when it measures several or none */
    const char *channel;
    const char *languages;
    double share; /* of all responses */
    const char *thank_you_pl;
    const char *thank_you_en;
    const char *thank_you_ro; /* NULL unless the survey is offered in Romanian */
    /* what respondents read above the questions (name is the team's own) */
    const char *title_pl, *title_en, *title_ro; /* ro: NULL as for thank_you_ro */
    const char *intro_pl, *intro_en, *intro_ro;
} demo_survey_t;
extern const demo_survey_t demo_surveys[DEMO_SV_COUNT];

/* Journey attributes the relationship survey asks about (driver questions). */
typedef enum demo_driver {
    DEMO_DRV_PRICE,
    DEMO_DRV_NETWORK,
    DEMO_DRV_SERVICE,
    DEMO_DRV_DIGITAL,
    DEMO_DRV_BILLING,
    DEMO_DRIVER_COUNT
} demo_driver_t;

/* What a question's answer is and where it is stored: the main question's
 * in responses.score, the comment's in responses.comment, every other in
 * the answers table. */
typedef enum demo_question_role {
    DEMO_Q_MAIN,
    DEMO_Q_DRIVER,
    DEMO_Q_DEPARTMENT,
    DEMO_Q_COMMENT,
} demo_question_role_t;

typedef struct demo_question {
    demo_survey_id_t survey;
    demo_question_role_t role;
    int driver; /* demo_driver_t for DEMO_Q_DRIVER */
    const char *key;
    const char *kind; /* score, rating, effort, single, text */
    const char *label_pl;
    const char *label_en;
    const char *label_ro;
    bool scale_inverted; /* lower is better (CES effort) */
    const char *driver_attribute;
    bool required;
} demo_question_t;
extern const demo_question_t demo_questions[];
extern const size_t demo_question_count;

/* The NPS survey's comment question asks by score group (the logic of
 * docs/api.md): what to improve of detractors, what they liked of
 * promoters; passives see the question's own text. */
typedef struct demo_group_label {
    const char *group; /* detractor, passive, promoter */
    const char *pl, *en, *ro;
} demo_group_label_t;
extern const demo_group_label_t demo_nps_comment_logic[];
extern const size_t demo_nps_comment_logic_count;

typedef struct demo_driver_def {
    const char *attribute;
    double weight; /* its part in the NPS; the weights sum to 1 */
    gen_topic_t topic;
} demo_driver_def_t;
extern const demo_driver_def_t demo_drivers[DEMO_DRIVER_COUNT];

/* ---- customers ---- */

typedef enum demo_tier {
    DEMO_TIER_PREMIUM,
    DEMO_TIER_STANDARD,
    DEMO_TIER_BASIC,
    DEMO_TIER_COUNT
} demo_tier_t;
extern const char *const demo_tier_names[DEMO_TIER_COUNT];

typedef enum demo_segment_id {
    DEMO_SEG_PREMIUM,
    DEMO_SEG_STANDARD,
    DEMO_SEG_BASIC,
    DEMO_SEG_B2C,
    DEMO_SEG_B2B,
    DEMO_SEG_COUNT
} demo_segment_id_t;

/* A segment is a rule: customers whose attribute equals the value (JSON
 * {"attribute": ..., "equals": ...}). */
typedef struct demo_segment {
    const char *name;
    const char *description;
    const char *attribute;
    const char *value;
} demo_segment_t;
extern const demo_segment_t demo_segments[DEMO_SEG_COUNT];

/* ---- measures and the loop ---- */

typedef enum demo_kpi_id {
    DEMO_KPI_WAIT,
    DEMO_KPI_FAILURES,
    DEMO_KPI_ACTIVATION,
    DEMO_KPI_ARPU,
    DEMO_KPI_COST_TO_SERVE,
    DEMO_KPI_COMPLAINTS,
    DEMO_KPI_CHURN,
    DEMO_KPI_COUNT
} demo_kpi_id_t;

typedef struct demo_kpi {
    const char *name;
    const char *unit;
    const char *kind;   /* operational, financial */
    const char *better; /* higher, lower */
    const char *description;
} demo_kpi_t;
extern const demo_kpi_t demo_kpis[DEMO_KPI_COUNT];

typedef struct demo_target {
    const char *metric; /* nps, csat, ces, enps, kpi:NAME */
    const char *scope;  /* whole, touchpoint, segment */
    int scope_ref;      /* demo_touchpoint_id_t or demo_segment_id_t */
    double value;
    int due_days; /* after the last day of data */
} demo_target_t;
extern const demo_target_t demo_targets[];
extern const size_t demo_target_count;

typedef struct demo_initiative {
    const char *title;
    const char *root_cause;
    int touchpoint; /* -1 none */
    const char *theme;
    const char *owner; /* user name, NULL when none */
    double cost;
    const char *expected_effect;
    const char *status;
    int started_days;  /* before the last day; -1 not started */
    int finished_days; /* before the last day; -1 not finished */
} demo_initiative_t;
extern const demo_initiative_t demo_initiatives[];
extern const size_t demo_initiative_count;

typedef struct demo_promise {
    const char *text;
    const char *measures[3]; /* NULL-terminated metric names */
} demo_promise_t;
extern const demo_promise_t demo_promises[];
extern const size_t demo_promise_count;

typedef struct demo_user {
    const char *name;
    const char *display_name;
    const char *email;
    const char *role;
} demo_user_t;
extern const demo_user_t demo_users[];
extern const size_t demo_user_count;

/* Organisation settings written with the data (key, value; NULL-ended). */
extern const char *const demo_settings[][2];

/* ---- the demo database ---- */

/* Fills an empty store with the demo organisation: the data of
 * DEMO_RESPONSES responses, the users of demo_users (admin with
 * admin_password_hash, the others with random passwords nobody knows) and
 * the setting demo=1. Takes a few seconds. */
cx_result demo_org_create(store_t *store, const char *admin_password_hash, char *err,
                          size_t errlen);

/* True when the store holds a demo organisation (setting demo=1). */
cx_result demo_org_check(store_t *store, bool *is_demo);

/* Sets the admin user's password (creating the user if it was removed)
 * and revokes its sessions. */
cx_result demo_org_set_admin_password(store_t *store, const char *password_hash);

#endif
