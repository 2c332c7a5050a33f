/*
 * gen_model.c — the deterministic data model of the demo organisation (see
 * gen_model.h for the approach, demo_org.h for the story).
 *
 * Effects are in standard deviations of a latent experience; a shift of
 * -0.5 is a visible dip on a chart, -1 a crisis. The constants were tuned
 * by looking at the resulting distributions: NPS in the +10..+30 band with
 * dips in January and after the app release, CSAT mostly 4-5, the
 * contact centre climbing after its change.
 */
#include "gen/gen_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen/gen_time.h"

static const char *const channel_names[GEN_CH_COUNT] = {
    "email", "sms", "phone", "web", "app", "store", "chat", "field", "network",
};

const char *gen_channel_name(gen_channel_t ch) { return channel_names[ch]; }

static gen_channel_t channel_from_name(const char *name)
{
    for (int i = 0; i < GEN_CH_COUNT; i++)
        if (strcmp(channel_names[i], name) == 0)
            return (gen_channel_t)i;
    return GEN_CH_WEB;
}

int gen_nps_group(int score) { return score >= 9 ? 1 : score >= 7 ? 0 : -1; }

/* ---- ordered probit --------------------------------------------------- */

static double normal_cdf(double x) { return 0.5 * erfc(-x / M_SQRT2); }

static double normal_quantile(double p)
{
    double lo = -12, hi = 12;
    for (int i = 0; i < 100; i++) {
        double mid = 0.5 * (lo + hi);
        if (normal_cdf(mid) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* Cut points that give the category probabilities probs[0..n-1] when the
 * latent is standard normal. */
static void make_cuts(const double *probs, int n, double *cuts)
{
    double cum = 0;
    for (int k = 0; k < n - 1; k++) {
        cum += probs[k];
        cuts[k] = normal_quantile(cum);
    }
}

static int ordinal(const double *cuts, int ncuts, double q)
{
    int k = 0;
    while (k < ncuts && q > cuts[k])
        k++;
    return k;
}

/* ---- the calendar and the story --------------------------------------- */

static int64_t easter_sunday(int y)
{
    int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25;
    int g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7, mm = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * mm + 114) / 31, day = (h + l - 7 * mm + 114) % 31 + 1;
    return gen_days_from_civil(y, month, day);
}

/* Polish public holidays: contact centres and shops are mostly closed. */
static bool is_holiday(int64_t day)
{
    int y, mo, d;
    gen_civil_from_days(day, &y, &mo, &d);
    static const int fixed[][2] = {{1, 1},  {1, 6},   {5, 1},   {5, 3},   {8, 15},
                                   {11, 1}, {11, 11}, {12, 24}, {12, 25}, {12, 26}};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (mo == fixed[i][0] && d == fixed[i][1])
            return true;
    int64_t easter = easter_sunday(y);
    return day == easter || day == easter + 1 || day == easter + 49 || day == easter + 60;
}

static void civil(int64_t day, int *y, int *mo, int *d) { gen_civil_from_days(day, y, mo, d); }

/* 1 on the price rise (1 January), fading over February and March. */
static double price_shock(int64_t day)
{
    int y, mo, d;
    civil(day, &y, &mo, &d);
    if (mo > 3)
        return 0;
    return exp(-(double)(day - gen_days_from_civil(y, 1, 1)) / 35.0);
}

static double storm(int64_t day)
{
    int y, mo, d;
    civil(day, &y, &mo, &d);
    return mo == 7 && d >= 8 && d <= 24 ? 1.0 : 0.0;
}

static double app_broken(const gen_model_t *m, int64_t day)
{
    if (day < m->app_release)
        return 0;
    return day < m->app_hotfix ? 1.0 : 0.6;
}

/* How far the contact centre change has taken hold (0 before, 1 three
 * weeks after). */
static double cc_new(const gen_model_t *m, int64_t day)
{
    double x = (double)(day - m->cc_change) / 21.0;
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

unsigned gen_model_eras(const gen_model_t *m, int64_t day)
{
    unsigned e = 0;
    if (app_broken(m, day) >= 0.5)
        e |= GEN_ERA_APP_BROKEN;
    if (day < m->app_release)
        e |= GEN_ERA_APP_GOOD;
    if (day < m->cc_change)
        e |= GEN_ERA_CC_OLD;
    if (day >= m->cc_change + 7)
        e |= GEN_ERA_CC_NEW;
    if (price_shock(day) > 0.3)
        e |= GEN_ERA_PRICE;
    if (storm(day) > 0)
        e |= GEN_ERA_STORM;
    return e;
}

int64_t gen_model_start_time(const gen_model_t *m) { return gen_local_midnight(m->p.first_day); }
int64_t gen_model_end_time(const gen_model_t *m) { return gen_local_midnight(m->p.last_day + 1); }

/* ---- volumes ------------------------------------------------------------ */

/* Monday first. Calls pile up on Mondays; e-mail invitations are answered
 * every day; employees answer at work. */
static const double week_call[7] = {1.30, 1.15, 1.05, 1.00, 0.95, 0.45, 0.25};
static const double week_general[7] = {1.10, 1.05, 1.00, 1.00, 0.95, 0.70, 0.60};
static const double week_email[7] = {1.05, 1.05, 1.00, 1.00, 0.95, 0.85, 0.90};
static const double week_work[7] = {1.00, 1.00, 1.00, 1.00, 0.90, 0.08, 0.05};

/* eNPS waves: the first two weeks of March, June, September, December. */
static bool enps_wave(int64_t day)
{
    int y, mo, d;
    civil(day, &y, &mo, &d);
    return mo % 3 == 0 && d <= 14;
}

static void day_weights(const gen_model_t *m, gen_day_t *g, int index)
{
    int64_t day = g->day;
    int wd = gen_weekday(day);
    bool holiday = is_holiday(day);
    double growth = 0.9 + 0.2 * (double)index / (double)(m->ndays > 1 ? m->ndays - 1 : 1);
    double shock = price_shock(day), broken = app_broken(m, day), st = storm(day);
    double *w = g->survey_weight;
    w[DEMO_SV_NPS] = demo_surveys[DEMO_SV_NPS].share * week_email[wd] * (holiday ? 0.7 : 1.0);
    w[DEMO_SV_CSAT_CALL] = demo_surveys[DEMO_SV_CSAT_CALL].share * week_call[wd] *
                           (holiday ? 0.3 : 1.0) * (1 + 0.35 * shock + 0.15 * broken + 0.1 * st);
    w[DEMO_SV_CSAT_CONTACT] = demo_surveys[DEMO_SV_CSAT_CONTACT].share * week_general[wd] *
                              (holiday ? 0.4 : 1.0) * (1 + 0.1 * shock);
    w[DEMO_SV_CES] = demo_surveys[DEMO_SV_CES].share * week_general[wd] * (holiday ? 0.4 : 1.0) *
                     (1 + 0.5 * shock);
    /* Waves cover about a sixth of the days, so each wave day carries six
     * times the survey's share. */
    w[DEMO_SV_ENPS] =
        enps_wave(day) && !holiday ? demo_surveys[DEMO_SV_ENPS].share * 6.4 * week_work[wd] : 0.0;
    for (int s = 0; s < DEMO_SV_COUNT; s++)
        w[s] *= growth;
}

/* ---- setup ------------------------------------------------------------- */

cx_result gen_model_init(gen_model_t *m, const gen_params_t *p)
{
    memset(m, 0, sizeof *m);
    buf_init(&m->domains, 0);
    if (p->customers < 1 || p->responses < 0 || p->last_day < p->first_day)
        return CX_ERR_INVALID;
    m->p = *p;
    m->ndays = (int)(p->last_day - p->first_day + 1);
    m->app_release = gen_months_before(p->last_day, DEMO_APP_RELEASE_MONTHS);
    m->app_hotfix = p->last_day - DEMO_APP_HOTFIX_DAYS;
    m->cc_change = gen_months_before(p->last_day, DEMO_CC_CHANGE_MONTHS);
    m->naccounts = p->customers / 120 > 0 ? p->customers / 120 : 1;

    m->days = calloc((size_t)m->ndays, sizeof *m->days);
    m->customers = calloc((size_t)p->customers, sizeof *m->customers);
    m->domain_off = calloc((size_t)m->naccounts, sizeof *m->domain_off);
    if (!m->days || !m->customers || !m->domain_off) {
        gen_model_free(m);
        return CX_ERR_NOMEM;
    }

    /* Spread the responses over the days in proportion to their weight,
     * rounding the running total so the counts add up exactly. */
    double total = 0;
    for (int i = 0; i < m->ndays; i++) {
        gen_day_t *g = &m->days[i];
        g->day = p->first_day + i;
        g->midnight = gen_local_midnight(g->day);
        g->dst_switch = gen_local_midnight(g->day + 1) - g->midnight != 86400;
        g->eras = gen_model_eras(m, g->day);
        day_weights(m, g, i);
        for (int s = 0; s < DEMO_SV_COUNT; s++)
            total += g->survey_weight[s];
    }
    double running = 0;
    int64_t assigned = 0;
    for (int i = 0; i < m->ndays; i++) {
        gen_day_t *g = &m->days[i];
        for (int s = 0; s < DEMO_SV_COUNT; s++)
            running += g->survey_weight[s];
        int64_t upto = i == m->ndays - 1 ? p->responses
                                         : (int64_t)llround((double)p->responses * running / total);
        if (upto < assigned)
            upto = assigned;
        if (upto > p->responses)
            upto = p->responses;
        g->first = assigned;
        g->count = upto - assigned;
        assigned = upto;
    }

    /* Months of the window, for the KPIs. */
    int y0, m0, d0, y1, m1, d1;
    civil(p->first_day, &y0, &m0, &d0);
    civil(p->last_day, &y1, &m1, &d1);
    m->nmonths = (y1 * 12 + m1) - (y0 * 12 + m0) + 1;
    m->month_first_day = calloc((size_t)m->nmonths + 1, sizeof *m->month_first_day);
    if (!m->month_first_day) {
        gen_model_free(m);
        return CX_ERR_NOMEM;
    }
    for (int i = 0; i <= m->nmonths; i++) {
        int index = y0 * 12 + (m0 - 1) + i;
        int64_t start = gen_days_from_civil(index / 12, index % 12 + 1, 1);
        m->month_first_day[i] = start < p->first_day ? p->first_day : start;
    }

    static const double nps[11] = {.030, .015, .020, .025, .030, .050,
                                   .060, .110, .190, .220, .250};
    static const double csat[5] = {.04, .05, .11, .35, .45};
    static const double ces_good[7] = {.04, .05, .08, .11, .17, .27, .28}; /* effort 7 down to 1 */
    static const double enps[11] = {.020, .015, .025, .030, .040, .070,
                                    .080, .150, .190, .200, .180};
    static const double driver[5] = {.05, .09, .22, .38, .26};
    make_cuts(nps, 11, m->cut_nps);
    make_cuts(csat, 5, m->cut_csat);
    make_cuts(ces_good, 7, m->cut_ces);
    make_cuts(enps, 11, m->cut_enps);
    make_cuts(driver, 5, m->cut_driver);
    for (int t = 0; t < DEMO_TP_COUNT; t++)
        m->contact_weight[t] = demo_touchpoints[t].volume;
    return CX_OK;
}

void gen_model_free(gen_model_t *m)
{
    free(m->days);
    free(m->customers);
    free(m->domain_off);
    free(m->month_first_day);
    for (int t = 0; t <= DEMO_TIER_COUNT; t++) {
        free(m->month_active[t]);
        free(m->month_churned[t]);
    }
    buf_free(&m->domains);
    memset(m, 0, sizeof *m);
}

/* ---- accounts and customers -------------------------------------------- */

void gen_model_account(gen_model_t *m, rng_t *r, int64_t index, buf_t *text, gen_account_row_t *out)
{
    out->index = index;
    out->name_off = text->len;
    m->domain_off[index] = (uint32_t)m->domains.len;
    out->industry = gen_text_company(r, text, &m->domains);
    buf_putc(text, '\0');
    buf_putc(&m->domains, '\0');
    out->created_at = gen_model_start_time(m) - (int64_t)rng_range(r, 30, 3000) * 86400;
}

static const char *const plans[DEMO_TIER_COUNT][3] = {
    {"Światłowód 1 Gb/s + TV + Mobile L", "Pakiet Dom Premium", "Mobile L + Internet mobilny"},
    {"Światłowód 600 Mb/s", "Mobile M + Internet", "Światłowód 300 Mb/s + TV"},
    {"Internet 150 Mb/s", "Mobile S", "Internet mobilny 50 GB"},
};
static const char *const business_plans[] = {"Firma Światłowód 1 Gb/s", "Firma Mobile 10 kart",
                                             "Firma Pakiet Biuro"};

void gen_model_customer(gen_model_t *m, rng_t *r, int64_t index, buf_t *text,
                        gen_customer_row_t *out)
{
    gen_customer_state_t *st = &m->customers[index];
    memset(out, 0, sizeof *out);
    out->index = index;
    gen_lang_t lang = rng_uniform(r) < 0.06 ? GEN_LANG_EN : GEN_LANG_PL;
    bool b2b = rng_uniform(r) < 0.08;
    int32_t account = -1;
    demo_tier_t tier;
    if (b2b) {
        double u = rng_uniform(r);
        account = (int32_t)((double)m->naccounts * u * u); /* a few large accounts */
        tier = rng_uniform(r) < 0.4 ? DEMO_TIER_PREMIUM : DEMO_TIER_STANDARD;
    } else {
        static const double tiers[DEMO_TIER_COUNT] = {0.15, 0.50, 0.35};
        tier = (demo_tier_t)rng_weighted(r, tiers, DEMO_TIER_COUNT);
    }
    double disposition = rng_normal(r);

    /* Most customers joined before the window (tenure of a few years), a
     * quarter during it. */
    int64_t joined;
    if (rng_uniform(r) < 0.78) {
        double tenure = -log(1.0 - rng_uniform(r)) * 1300.0;
        if (tenure > 7000)
            tenure = 7000;
        joined = m->p.first_day - 1 - (int64_t)tenure;
    } else {
        joined = rng_range(r, m->p.first_day, m->p.last_day);
    }

    /* Unhappy customers leave: the churn probability over the window falls
     * with disposition; part of the leavers go right after the January
     * price rise. */
    int64_t churned = INT32_MAX;
    double logit =
        -2.0 - 1.1 * disposition + (tier == DEMO_TIER_BASIC ? 0.25 : 0) - (b2b ? 0.3 : 0);
    double p_churn = 1.0 / (1.0 + exp(-logit));
    double u_churn = rng_uniform(r);
    int64_t lo = joined + 30 > m->p.first_day + 14 ? joined + 30 : m->p.first_day + 14;
    /* The same monthly hazard for everyone: a customer who joined late in
     * the window has had less time to leave. */
    if (lo > m->p.first_day + 14)
        p_churn *= (double)(m->p.last_day - lo + 1) / (double)(m->p.last_day - m->p.first_day - 13);
    int64_t day = lo <= m->p.last_day ? rng_range(r, lo, m->p.last_day) : m->p.last_day + 1;
    double u_season = rng_uniform(r);
    int64_t season_shift = rng_range(r, 0, 40);
    if (u_churn < p_churn && lo <= m->p.last_day) {
        int y, mo, d;
        civil(day, &y, &mo, &d);
        if (mo > 3 && u_season < 0.25) {
            int64_t feb = gen_days_from_civil(y + 1, 2, 1) + season_shift;
            if (feb <= m->p.last_day)
                day = feb;
        }
        churned = day;
    }

    st->disposition = (float)disposition;
    st->joined = (int32_t)joined;
    st->churned = (int32_t)churned;
    st->account = account;
    st->tier = (uint8_t)tier;
    st->lang = (uint8_t)lang;

    static const double revenue_base[DEMO_TIER_COUNT] = {2900, 1500, 780};
    double revenue = revenue_base[tier] * exp(0.25 * rng_normal(r)) * (b2b ? 6.0 : 1.0);
    /* Unhappy customers call, complain and get visits: they cost more. */
    double cost = revenue * (0.18 + 0.04 * rng_normal(r)) + 90.0 * (1.0 - 0.35 * disposition);
    if (cost < 40)
        cost = 40;
    out->revenue = round(revenue * 100) / 100;
    out->cost_to_serve = round(cost * 100) / 100;
    out->account = account;
    out->tier = (uint8_t)tier;
    out->lang = (uint8_t)lang;
    out->b2b = b2b;
    int64_t start = gen_model_start_time(m);
    out->joined_at = gen_local_time(joined, (int)rng_range(r, 9 * 3600, 18 * 3600));
    out->churned_at = churned == INT32_MAX ? 0 : gen_local_time(churned, 12 * 3600);
    out->created_at = out->joined_at > start ? out->joined_at : start;

    const char *domain = b2b ? m->domains.data + m->domain_off[account] : NULL;
    gen_text_person(r, lang, (uint64_t)index, domain, text, &out->name_off, &out->email_off);
    const char *city, *region;
    gen_text_place(r, &city, &region);
    const char *plan = b2b ? business_plans[rng_range(r, 0, 2)] : plans[tier][rng_range(r, 0, 2)];
    bool contract = rng_uniform(r) < 0.7;
    out->attributes_off = text->len;
    buf_printf(text,
               "{\"type\":\"%s\",\"plan\":\"%j\",\"region\":\"%j\",\"city\":\"%j\","
               "\"contract\":\"%s\"}",
               b2b ? "B2B" : "B2C", plan, region, city, contract ? "24m" : "none");
    buf_putc(text, '\0');
}

cx_result gen_model_customers_done(gen_model_t *m)
{
    for (int t = 0; t <= DEMO_TIER_COUNT; t++) {
        m->month_active[t] = calloc((size_t)m->nmonths, sizeof(int64_t));
        m->month_churned[t] = calloc((size_t)m->nmonths, sizeof(int64_t));
        if (!m->month_active[t] || !m->month_churned[t])
            return CX_ERR_NOMEM;
    }
    for (int64_t c = 0; c < m->p.customers; c++) {
        const gen_customer_state_t *st = &m->customers[c];
        for (int i = 0; i < m->nmonths; i++) {
            int64_t start = m->month_first_day[i], next = m->month_first_day[i + 1];
            if (i == m->nmonths - 1)
                next = m->p.last_day + 1;
            if (st->joined <= start && st->churned >= start) {
                m->month_active[st->tier][i]++;
                m->month_active[DEMO_TIER_COUNT][i]++;
                if (st->churned < next) {
                    m->month_churned[st->tier][i]++;
                    m->month_churned[DEMO_TIER_COUNT][i]++;
                }
            }
        }
    }
    return CX_OK;
}

/* ---- responses -------------------------------------------------------- */

void gen_cursor_init(gen_cursor_t *c)
{
    c->day = -1;
    c->left = 0;
}

int64_t gen_cursor_day_left(const gen_model_t *m, const gen_cursor_t *c)
{
    if (c->left > 0)
        return c->left;
    for (int d = c->day + 1; d < m->ndays; d++)
        if (m->days[d].count > 0)
            return m->days[d].count;
    return 0;
}

/* Local hour of an answer: customers answer from morning to late
 * evening, calls happen in the hotline's opening hours, employees answer
 * at work. */
static const double hours_customer[24] = {0.3, 0.15, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2,
                                          2.5, 4.0,  5.0, 5.5, 5.5, 5.2, 5.0, 4.8,
                                          4.8, 5.0,  5.5, 6.0, 5.5, 4.5, 3.0, 1.2};
static const double hours_hotline[24] = {0,   0,   0,   0,   0,   0, 0, 0.5, 4, 6,   6.5, 6,
                                         5.5, 5.5, 5.5, 5.5, 5.5, 5, 4, 3,   1, 0.2, 0,   0};
static const double hours_work[24] = {0, 0,   0, 0,   0, 0, 0,   0.5, 3,   5,   5, 4.5,
                                      3, 3.5, 4, 3.5, 2, 1, 0.5, 0.3, 0.2, 0.1, 0, 0};

static int64_t answer_time(rng_t *r, const gen_day_t *g, const double *hours)
{
    int seconds = rng_weighted(r, hours, 24) * 3600 + (int)rng_range(r, 0, 3599);
    return g->dst_switch ? gen_local_time(g->day, seconds) : g->midnight + seconds;
}

/* A customer who was a customer on the day, when one can be found
 * quickly; otherwise whoever was drawn last (a late answer). */
static int64_t pick_customer(const gen_model_t *m, rng_t *r, int64_t day)
{
    int64_t c = rng_range(r, 0, m->p.customers - 1);
    for (int tries = 0; tries < 6; tries++) {
        const gen_customer_state_t *st = &m->customers[c];
        if (st->joined <= day && day <= st->churned)
            break;
        c = rng_range(r, 0, m->p.customers - 1);
    }
    return c;
}

/* What a customer brings to every answer: disposition, tier, and the
 * bitterness of the months before leaving. */
static double customer_shift(const gen_customer_state_t *st, int64_t day)
{
    double s = 0;
    if (st->tier == DEMO_TIER_PREMIUM)
        s += 0.10;
    else if (st->tier == DEMO_TIER_BASIC)
        s -= 0.05;
    if (st->account >= 0)
        s -= 0.10;
    if (st->churned != INT32_MAX && st->churned >= day && st->churned - day <= 150)
        s -= 0.6;
    return s;
}

static double weekday_shift(int64_t day)
{
    int wd = gen_weekday(day);
    return wd == 0 ? -0.04 : wd >= 5 ? 0.03 : 0.0;
}

static double festive(int64_t day)
{
    int y, mo, d;
    civil(day, &y, &mo, &d);
    return mo == 12 && d >= 15 ? 0.05 : 0.0;
}

static double driver_effect(const gen_model_t *m, demo_driver_t drv, int64_t day)
{
    switch (drv) {
    case DEMO_DRV_PRICE: return -0.10 - 0.60 * price_shock(day);
    case DEMO_DRV_NETWORK: return 0.05 - 0.55 * storm(day);
    case DEMO_DRV_SERVICE: return -0.20 + 0.40 * cc_new(m, day);
    case DEMO_DRV_DIGITAL: return 0.10 - 0.65 * app_broken(m, day);
    case DEMO_DRV_BILLING: return -0.35 * price_shock(day);
    default: return 0;
    }
}

static double touchpoint_story(const gen_model_t *m, int tp, int64_t day)
{
    int y, mo, d;
    switch (tp) {
    case DEMO_TP_APP: return -0.85 * app_broken(m, day);
    case DEMO_TP_FIRST_INVOICE: return -0.45 * price_shock(day);
    case DEMO_TP_PAYMENTS: return -0.20 * price_shock(day);
    case DEMO_TP_NETWORK: return -0.70 * storm(day);
    case DEMO_TP_INSTALL:
        civil(day, &y, &mo, &d);
        return mo == 9 ? -0.25 : 0.0; /* back-to-school rush */
    case DEMO_TP_ACTIVATION:
        return -0.25 + 0.40 * (double)(day - m->p.first_day) / (double)m->ndays;
    case DEMO_TP_COMPLAINT: return -0.25 * price_shock(day);
    case DEMO_TP_CHAT: return 0.15 * cc_new(m, day);
    default: return 0;
    }
}

static double department_effect(const gen_model_t *m, int dept, int64_t day)
{
    switch (dept) {
    case DEMO_DEPT_CARE: return -0.35 + 0.45 * cc_new(m, day);
    case DEMO_DEPT_NETWORK: return 0.15 - 0.20 * storm(day);
    case DEMO_DEPT_DIGITAL: return 0.25 - 0.55 * app_broken(m, day);
    case DEMO_DEPT_BILLING: return 0.05 - 0.15 * price_shock(day);
    case DEMO_DEPT_COMPLAINTS: return -0.15 - 0.30 * price_shock(day);
    case DEMO_DEPT_MARKETING: return 0.25;
    case DEMO_DEPT_RETENTION: return -0.20 * price_shock(day);
    default: return 0;
    }
}

static gen_tone_t tone_of(demo_survey_id_t survey, int score)
{
    switch (survey) {
    case DEMO_SV_NPS:
    case DEMO_SV_ENPS:
        return score >= 9 ? GEN_TONE_POSITIVE : score >= 7 ? GEN_TONE_MIXED : GEN_TONE_NEGATIVE;
    case DEMO_SV_CES:
        return score <= 3 ? GEN_TONE_POSITIVE : score == 4 ? GEN_TONE_MIXED : GEN_TONE_NEGATIVE;
    default:
        return score >= 4 ? GEN_TONE_POSITIVE : score == 3 ? GEN_TONE_MIXED : GEN_TONE_NEGATIVE;
    }
}

static bool is_low(demo_survey_id_t survey, int score)
{
    switch (survey) {
    case DEMO_SV_NPS: return score <= 4;
    case DEMO_SV_CES: return score >= 6;
    case DEMO_SV_ENPS: return false;
    default: return score <= 2;
    }
}

/* Topics of an NPS comment: the journey attributes the customer rated
 * worst (or best, when praising). */
static void nps_topics(rng_t *r, const double *q, gen_tone_t tone, gen_topic_t *first,
                       gen_topic_t *second)
{
    int order[DEMO_DRIVER_COUNT];
    for (int i = 0; i < DEMO_DRIVER_COUNT; i++)
        order[i] = i;
    /* insertion sort, ascending q */
    for (int i = 1; i < DEMO_DRIVER_COUNT; i++)
        for (int j = i; j > 0 && q[order[j]] < q[order[j - 1]]; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    int a = tone == GEN_TONE_POSITIVE ? order[DEMO_DRIVER_COUNT - 1] : order[0];
    int b = tone == GEN_TONE_POSITIVE ? order[DEMO_DRIVER_COUNT - 2] : order[1];
    *first = demo_drivers[a].topic;
    *second = demo_drivers[b].topic;
    double u = rng_uniform(r);
    if (u < 0.25) {
        /* the same attribute, seen from another touchpoint */
        switch (*first) {
        case GEN_TOPIC_PRICE: *first = GEN_TOPIC_CONTRACT; break;
        case GEN_TOPIC_HOTLINE: *first = u < 0.12 ? GEN_TOPIC_SHOP : GEN_TOPIC_CHAT; break;
        case GEN_TOPIC_APP: *first = GEN_TOPIC_WEB; break;
        default: break;
        }
    }
    if (tone == GEN_TONE_POSITIVE && rng_uniform(r) < 0.5)
        *second = GEN_TOPIC_GENERAL;
}

static gen_lang_t anonymous_lang(rng_t *r)
{
    return rng_uniform(r) < 0.05 ? GEN_LANG_EN : GEN_LANG_PL;
}

bool gen_model_response(gen_model_t *m, rng_t *r, gen_cursor_t *c, buf_t *text,
                        gen_response_row_t *out)
{
    while (c->left == 0) {
        if (c->day + 1 >= m->ndays)
            return false;
        c->day++;
        c->left = m->days[c->day].count;
    }
    c->left--;
    const gen_day_t *g = &m->days[c->day];
    int64_t day = g->day;

    memset(out, 0, sizeof *out);
    out->customer = -1;
    out->touchpoint = -1;
    out->department = -1;
    out->comment_off = -1;
    demo_survey_id_t survey = (demo_survey_id_t)rng_weighted(r, g->survey_weight, DEMO_SV_COUNT);
    out->survey = (int8_t)survey;
    out->completed = rng_uniform(r) < (survey == DEMO_SV_ENPS ? 0.99 : 0.97);

    /* Who answers. */
    double disposition, shift = 0;
    gen_lang_t lang;
    bool known = survey == DEMO_SV_NPS || survey == DEMO_SV_CES ||
                 (survey == DEMO_SV_CSAT_CALL && rng_uniform(r) < 0.95) ||
                 (survey == DEMO_SV_CSAT_CONTACT && rng_uniform(r) < 0.88);
    if (survey == DEMO_SV_ENPS) {
        disposition = 0;
        lang = rng_uniform(r) < 0.03 ? GEN_LANG_EN : GEN_LANG_PL;
    } else if (known) {
        int64_t cust = pick_customer(m, r, day);
        const gen_customer_state_t *st = &m->customers[cust];
        out->customer = cust;
        disposition = st->disposition;
        shift = customer_shift(st, day);
        lang = (gen_lang_t)st->lang;
    } else {
        disposition = rng_normal(r);
        lang = anonymous_lang(r);
    }
    out->lang = (int8_t)lang;
    shift += weekday_shift(day) + festive(day);

    /* What they score. */
    int score = 0;
    double q_drivers[DEMO_DRIVER_COUNT];
    gen_topic_t topic = GEN_TOPIC_GENERAL, second = GEN_TOPIC_GENERAL;
    gen_tone_t tone;
    switch (survey) {
    case DEMO_SV_NPS: {
        out->submitted_at = answer_time(r, g, hours_customer);
        out->channel = rng_uniform(r) < 0.8 ? GEN_CH_EMAIL : GEN_CH_SMS;
        double common = 0.55 * disposition + shift + 0.35 * rng_normal(r);
        double s = 0;
        for (int i = 0; i < DEMO_DRIVER_COUNT; i++) {
            q_drivers[i] = common + driver_effect(m, (demo_driver_t)i, day) + 0.75 * rng_normal(r);
            s += demo_drivers[i].weight * q_drivers[i];
        }
        /* sd of s is 0.743 with no effects; the NPS latent keeps 85% of
         * its variance from the drivers */
        double q = 1.144 * s + 0.527 * rng_normal(r) - 0.10 * price_shock(day);
        score = ordinal(m->cut_nps, 10, q);
        tone = tone_of(survey, score);
        nps_topics(r, q_drivers, tone, &topic, &second);
        if (out->completed && rng_uniform(r) < m->p.driver_share) {
            out->ndrivers = DEMO_DRIVER_COUNT;
            for (int i = 0; i < DEMO_DRIVER_COUNT; i++)
                out->drivers[i] = (int8_t)(1 + ordinal(m->cut_driver, 4, q_drivers[i] / 0.994));
        }
        break;
    }
    case DEMO_SV_CSAT_CALL: {
        out->submitted_at = answer_time(r, g, hours_hotline);
        out->channel = GEN_CH_PHONE;
        out->touchpoint = DEMO_TP_HOTLINE;
        double cc = cc_new(m, day);
        double q = 0.45 * disposition + shift + 0.89 * rng_normal(r) - 0.35 + 0.70 * cc -
                   0.25 * price_shock(day) - 0.10 * app_broken(m, day) +
                   (gen_weekday(day) == 0 ? -0.12 : 0);
        score = 1 + ordinal(m->cut_csat, 4, q);
        tone = tone_of(survey, score);
        topic = GEN_TOPIC_HOTLINE;
        /* why they called */
        double why[4] = {1.0, 1.0, 0.3 + 2.0 * app_broken(m, day), 0.6};
        static const gen_topic_t reasons[4] = {GEN_TOPIC_INVOICE, GEN_TOPIC_NETWORK, GEN_TOPIC_APP,
                                               GEN_TOPIC_PLAN_CHANGE};
        second = tone == GEN_TONE_POSITIVE ? GEN_TOPIC_GENERAL : reasons[rng_weighted(r, why, 4)];
        break;
    }
    case DEMO_SV_CSAT_CONTACT: {
        double w[DEMO_TP_COUNT];
        memcpy(w, m->contact_weight, sizeof w);
        double shock = price_shock(day);
        w[DEMO_TP_COMPLAINT] *= 1 + 0.8 * shock;
        w[DEMO_TP_FIRST_INVOICE] *= 1 + 0.5 * shock;
        w[DEMO_TP_NETWORK] *= 1 + 1.5 * storm(day);
        int tp = rng_weighted(r, w, DEMO_TP_COUNT);
        out->touchpoint = (int8_t)tp;
        out->channel = (int8_t)channel_from_name(demo_touchpoints[tp].channel);
        out->submitted_at = answer_time(r, g, hours_customer);
        double q = 0.45 * disposition + shift + 0.89 * rng_normal(r) + demo_touchpoints[tp].base +
                   touchpoint_story(m, tp, day);
        score = 1 + ordinal(m->cut_csat, 4, q);
        tone = tone_of(survey, score);
        topic = demo_touchpoints[tp].topic;
        break;
    }
    case DEMO_SV_CES: {
        static const double channels[4] = {0.45, 0.25, 0.20, 0.10};
        static const gen_channel_t names[4] = {GEN_CH_APP, GEN_CH_WEB, GEN_CH_PHONE, GEN_CH_STORE};
        gen_channel_t ch = names[rng_weighted(r, channels, 4)];
        out->channel = (int8_t)ch;
        out->touchpoint = DEMO_TP_PLAN_CHANGE;
        out->submitted_at = answer_time(r, g, hours_customer);
        double broken = ch == GEN_CH_APP ? app_broken(m, day) : 0;
        double q = 0.45 * disposition + shift + 0.89 * rng_normal(r) - 0.05 +
                   0.20 * cc_new(m, day) - 0.20 * price_shock(day) - 0.45 * broken;
        score = 7 - ordinal(m->cut_ces, 6, q);
        tone = tone_of(survey, score);
        topic = GEN_TOPIC_PLAN_CHANGE;
        second = tone == GEN_TONE_POSITIVE ? GEN_TOPIC_GENERAL
                 : broken > 0.5            ? GEN_TOPIC_APP
                                           : GEN_TOPIC_HOTLINE;
        break;
    }
    case DEMO_SV_ENPS:
    default: {
        double heads[DEMO_DEPT_COUNT];
        for (int i = 0; i < DEMO_DEPT_COUNT; i++)
            heads[i] = demo_departments[i].headcount;
        int dept = rng_weighted(r, heads, DEMO_DEPT_COUNT);
        out->department = (int8_t)dept;
        out->channel = GEN_CH_EMAIL;
        out->submitted_at = answer_time(r, g, hours_work);
        double q = department_effect(m, dept, day) + rng_normal(r);
        score = ordinal(m->cut_enps, 10, q);
        tone = tone_of(survey, score);
        static const double emp[5] = {1, 1, 1, 1, 1};
        double w[5];
        memcpy(w, emp, sizeof w);
        if (dept == DEMO_DEPT_CARE || dept == DEMO_DEPT_DIGITAL)
            w[0] = 3; /* workload */
        topic = (gen_topic_t)(GEN_TOPIC_EMP_WORKLOAD + rng_weighted(r, w, 5));
        second = (gen_topic_t)(GEN_TOPIC_EMP_WORKLOAD + rng_range(r, 0, 4));
        break;
    }
    }
    out->score = (int8_t)score;
    out->topic = (int8_t)topic;

    /* What they write: the unhappy write most, the lukewarm least. */
    if (out->completed) {
        static const double p_comment[GEN_TONE_COUNT] = {0.50, 0.22, 0.33};
        double p = survey == DEMO_SV_ENPS ? 0.45 : p_comment[tone];
        if (rng_uniform(r) < p) {
            out->comment_off = (int64_t)text->len;
            gen_text_comment(r, lang, topic, second, tone, g->eras, text);
            out->comment_len = (uint32_t)((size_t)text->len - (size_t)out->comment_off);
            buf_putc(text, '\0');
        }
        /* In the last month the team follows up on four times as many low
         * scores: the inner loop has a fresh backlog to show. */
        double share = day > m->p.last_day - 30 ? m->p.case_share * 4 : m->p.case_share;
        out->opens_case = out->customer >= 0 && is_low(survey, score) && rng_uniform(r) < share;
    }
    return true;
}

/* ---- feedback items ---------------------------------------------------- */

static const char *const feedback_sources[5] = {"complaint", "call_note", "review", "chat",
                                                "ticket"};

static int topic_touchpoint(rng_t *r, gen_topic_t topic)
{
    switch (topic) {
    case GEN_TOPIC_NETWORK: return DEMO_TP_NETWORK;
    case GEN_TOPIC_HOTLINE: return DEMO_TP_HOTLINE;
    case GEN_TOPIC_APP: return DEMO_TP_APP;
    case GEN_TOPIC_WEB: return DEMO_TP_WEB_OFFER;
    case GEN_TOPIC_ORDER: return DEMO_TP_ONLINE_ORDER;
    case GEN_TOPIC_INVOICE: return rng_uniform(r) < 0.5 ? DEMO_TP_FIRST_INVOICE : DEMO_TP_PAYMENTS;
    case GEN_TOPIC_INSTALL: return DEMO_TP_INSTALL;
    case GEN_TOPIC_ACTIVATION: return DEMO_TP_ACTIVATION;
    case GEN_TOPIC_SHOP: return DEMO_TP_SHOP;
    case GEN_TOPIC_CHAT: return DEMO_TP_CHAT;
    case GEN_TOPIC_COMPLAINT: return DEMO_TP_COMPLAINT;
    case GEN_TOPIC_PLAN_CHANGE: return DEMO_TP_PLAN_CHANGE;
    case GEN_TOPIC_CONTRACT: return rng_uniform(r) < 0.6 ? DEMO_TP_RENEWAL : DEMO_TP_CANCEL;
    default: return -1;
    }
}

void gen_model_feedback(gen_model_t *m, rng_t *r, int64_t serial, buf_t *text,
                        gen_feedback_row_t *out)
{
    memset(out, 0, sizeof *out);
    /* The day: as busy as the survey traffic that day. */
    int lo = 0, hi = m->ndays - 1;
    if (m->p.responses > 0) {
        int64_t pick = rng_range(r, 0, m->p.responses - 1);
        while (lo < hi) {
            int mid = (lo + hi + 1) / 2;
            if (m->days[mid].first <= pick)
                lo = mid;
            else
                hi = mid - 1;
        }
    } else {
        lo = (int)rng_range(r, 0, m->ndays - 1);
    }
    const gen_day_t *g = &m->days[lo];
    out->received_at = answer_time(r, g, hours_hotline);

    static const double source_weights[5] = {0.35, 0.25, 0.12, 0.16, 0.12};
    int source = rng_weighted(r, source_weights, 5);
    out->source = feedback_sources[source];

    double w[GEN_TOPIC_EMP_WORKLOAD] = {0};
    w[GEN_TOPIC_PRICE] = 1;
    w[GEN_TOPIC_NETWORK] = 2;
    w[GEN_TOPIC_HOTLINE] = 1;
    w[GEN_TOPIC_APP] = 1;
    w[GEN_TOPIC_WEB] = 0.3;
    w[GEN_TOPIC_ORDER] = 0.3;
    w[GEN_TOPIC_INVOICE] = 2;
    w[GEN_TOPIC_INSTALL] = 0.8;
    w[GEN_TOPIC_ACTIVATION] = 0.6;
    w[GEN_TOPIC_SHOP] = 0.3;
    w[GEN_TOPIC_CHAT] = 0.2;
    w[GEN_TOPIC_COMPLAINT] = 0.5;
    w[GEN_TOPIC_PLAN_CHANGE] = 0.6;
    w[GEN_TOPIC_CONTRACT] = 0.8;
    if (g->eras & GEN_ERA_APP_BROKEN)
        w[GEN_TOPIC_APP] += 4;
    if (g->eras & GEN_ERA_CC_OLD)
        w[GEN_TOPIC_HOTLINE] += 1.5;
    if (g->eras & GEN_ERA_PRICE) {
        w[GEN_TOPIC_INVOICE] += 3;
        w[GEN_TOPIC_PRICE] += 3;
        w[GEN_TOPIC_CONTRACT] += 1;
    }
    if (g->eras & GEN_ERA_STORM)
        w[GEN_TOPIC_NETWORK] += 5;
    if (source == 2)
        w[GEN_TOPIC_GENERAL] = 3;
    gen_topic_t topic = (gen_topic_t)rng_weighted(r, w, GEN_TOPIC_EMP_WORKLOAD);
    out->topic = topic;
    out->touchpoint = topic_touchpoint(r, topic);

    gen_tone_t tone = GEN_TONE_NEGATIVE;
    if (source == 3) {
        static const double chat[3] = {0.45, 0.30, 0.25};
        tone = (gen_tone_t)rng_weighted(r, chat, 3);
    } else if (source == 2) {
        double q = rng_normal(r) - 0.3 - 0.3 * app_broken(m, g->day) * (topic == GEN_TOPIC_APP);
        int stars = 1 + ordinal(m->cut_csat, 4, q);
        out->has_rating = true;
        out->rating = stars;
        tone = stars >= 4 ? GEN_TONE_POSITIVE : stars == 3 ? GEN_TONE_MIXED : GEN_TONE_NEGATIVE;
    }

    out->customer = -1;
    out->lang = GEN_LANG_PL;
    if (source != 2) {
        out->customer = pick_customer(m, r, g->day);
        if (source != 1)
            out->lang = (gen_lang_t)m->customers[out->customer].lang;
    } else {
        out->lang = anonymous_lang(r);
    }
    static const double complaint_channels[3] = {0.5, 0.2, 0.3};
    static const gen_channel_t complaint_names[3] = {GEN_CH_EMAIL, GEN_CH_STORE, GEN_CH_PHONE};
    switch (source) {
    case 0: out->channel = complaint_names[rng_weighted(r, complaint_channels, 3)]; break;
    case 1: out->channel = GEN_CH_PHONE; break;
    case 2: out->channel = GEN_CH_WEB; break;
    case 3: out->channel = GEN_CH_CHAT; break;
    default: out->channel = rng_uniform(r) < 0.6 ? GEN_CH_WEB : GEN_CH_APP; break;
    }

    int y, mo, d;
    civil(g->day, &y, &mo, &d);
    out->external_id_off = SIZE_MAX;
    if (source == 0) {
        out->external_id_off = text->len;
        buf_printf(text, "REK/%d/%lld", y, (long long)(100000 + serial + 1));
        buf_putc(text, '\0');
    } else if (source == 4) {
        out->external_id_off = text->len;
        buf_printf(text, "ZGL-%lld", (long long)(1000000 + serial + 1));
        buf_putc(text, '\0');
    }
    out->title_off = text->len;
    if (source == 0 || source == 4) {
        buf_puts(text, gen_topic_title(topic));
    } else if (source == 2) {
        static const char *const pl[3] = {"Nie polecam", "Średnio", "Polecam"};
        static const char *const en[3] = {"Not recommended", "Average", "Recommended"};
        buf_puts(text, out->lang == GEN_LANG_EN ? en[tone] : pl[tone]);
    }
    buf_putc(text, '\0');
    out->text_off = text->len;
    if (source == 1)
        gen_text_call_note(r, topic, text);
    else
        gen_text_comment(r, out->lang, topic, GEN_TOPIC_GENERAL, tone, g->eras, text);
    buf_putc(text, '\0');
}

/* ---- monthly KPIs ------------------------------------------------------ */

int64_t gen_model_month_start(const gen_model_t *m, int month)
{
    return gen_local_midnight(m->month_first_day[month]);
}

static double round_to(double x, double unit) { return round(x / unit) * unit; }

double gen_model_kpi(const gen_model_t *m, rng_t *r, demo_kpi_id_t kpi, int month, int tier)
{
    int64_t mid = m->month_first_day[month] + 14;
    if (mid > m->p.last_day)
        mid = m->p.last_day;
    double shock = price_shock(mid), cc = cc_new(m, mid), broken = app_broken(m, mid);
    double st = storm(mid);
    int y, mo, d;
    civil(mid, &y, &mo, &d);
    double noise = rng_normal(r);
    switch (kpi) {
    case DEMO_KPI_WAIT: {
        double base = 215 * (1 - cc) + 80 * cc;
        return round_to(base * (1 + 0.35 * shock + 0.12 * broken) * (1 + 0.04 * noise), 1);
    }
    case DEMO_KPI_FAILURES: {
        double v = 32 + 45 * st + (mo == 12 || mo <= 2 ? 6 : 0) + 4 * noise;
        return v < 0 ? 0 : round_to(v, 1);
    }
    case DEMO_KPI_ACTIVATION: {
        double progress = m->nmonths > 1 ? (double)month / (m->nmonths - 1) : 0;
        return round_to(4.6 - 1.4 * progress + (mo == 9 ? 0.5 : 0) + 0.12 * noise, 0.1);
    }
    case DEMO_KPI_ARPU: {
        /* each January's rise stays in the price list */
        int rises = 0;
        for (int64_t day = m->p.first_day + 1; day <= m->month_first_day[month]; day++) {
            int yy, mm, dd;
            civil(day, &yy, &mm, &dd);
            rises += mm == 1 && dd == 1;
        }
        return round_to(62.5 + 0.08 * month + 4.0 * rises + 0.25 * noise, 0.01);
    }
    case DEMO_KPI_COST_TO_SERVE:
        return round_to(14.2 - 1.8 * cc + 1.3 * broken + 0.9 * shock + 0.2 * noise, 0.01);
    case DEMO_KPI_COMPLAINTS: {
        double active = (double)m->month_active[DEMO_TIER_COUNT][month];
        double v =
            active * 0.009 * (1 + 0.8 * shock + 0.3 * broken + 0.4 * st) * (1 + 0.05 * noise);
        return v < 0 ? 0 : round_to(v, 1);
    }
    case DEMO_KPI_CHURN:
    default: {
        int t = tier < 0 ? DEMO_TIER_COUNT : tier;
        int64_t active = m->month_active[t][month];
        return active ? round_to(100.0 * (double)m->month_churned[t][month] / (double)active, 0.01)
                      : 0;
    }
    }
}
