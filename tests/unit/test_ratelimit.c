/*
 * test_ratelimit.c — the token buckets of the public endpoints: a burst
 * then refusal with a wait, refill over time, keys apart, bounded memory
 * under a flood of keys, and the group of survey answers that decides the
 * wording of follow-up questions (survey_form_group).
 */
#include <criterion/criterion.h>
#include <stdio.h>

#include "store/survey_form.h"
#include "web/ratelimit.h"

Test(ratelimit, burst_then_refusal_with_a_wait)
{
    ratelimit_t *rl = ratelimit_new(60, 5, 64); /* one a second, five at once */
    cr_assert_not_null(rl);
    int wait = 0;
    for (int i = 0; i < 5; i++)
        cr_assert(ratelimit_take(rl, "10.0.0.1", 1000, &wait), "take %d", i);
    cr_assert_not(ratelimit_take(rl, "10.0.0.1", 1000, &wait));
    cr_assert_eq(wait, 1);
    cr_assert(ratelimit_take(rl, "10.0.0.2", 1000, NULL), "another key has its own bucket");
    cr_assert_not(ratelimit_take(rl, "10.0.0.1", 1500, NULL), "half a token is not one");
    cr_assert(ratelimit_take(rl, "10.0.0.1", 2000, NULL), "a second later one is back");
    cr_assert_not(ratelimit_take(rl, "10.0.0.1", 2000, NULL));
    cr_assert(ratelimit_take(rl, "10.0.0.1", 60000, NULL));
    ratelimit_free(rl);
}

Test(ratelimit, slow_refill_says_how_long)
{
    ratelimit_t *rl = ratelimit_new(1, 1, 64); /* one a minute */
    int wait = 0;
    cr_assert(ratelimit_take(rl, "token", 0, &wait));
    cr_assert_not(ratelimit_take(rl, "token", 0, &wait));
    cr_assert_eq(wait, 60);
    cr_assert_not(ratelimit_take(rl, "token", 30000, &wait));
    cr_assert_eq(wait, 30);
    ratelimit_free(rl);
}

Test(ratelimit, memory_stays_bounded_under_a_flood_of_keys)
{
    ratelimit_t *rl = ratelimit_new(10, 3, 100); /* rounded up to 128 slots */
    char key[32];
    for (int i = 0; i < 100000; i++) {
        snprintf(key, sizeof key, "198.51.100.%d", i);
        cr_assert(ratelimit_take(rl, key, i, NULL), "a new key starts full");
    }
    cr_assert_leq(ratelimit_count(rl), 128);
    ratelimit_free(rl);
    cr_assert_null(ratelimit_new(0, 1, 10));
}

Test(survey_form, groups_per_scale)
{
    int g;
    /* NPS: 0-6, 7-8, 9-10 */
    int nps[11] = {-1, -1, -1, -1, -1, -1, -1, 0, 0, 1, 1};
    for (int v = 0; v <= 10; v++) {
        cr_assert(survey_form_group("score", false, v, &g));
        cr_assert_eq(g, nps[v], "score %d", v);
    }
    cr_assert_not(survey_form_group("score", false, 11, &g));
    cr_assert_not(survey_form_group("score", false, -1, &g));
    /* CSAT 1-5: 1-2, 3, 4-5; inverted: 1 is the best */
    int csat[6] = {9, -1, -1, 0, 1, 1};
    for (int v = 1; v <= 5; v++) {
        cr_assert(survey_form_group("rating", false, v, &g));
        cr_assert_eq(g, csat[v], "rating %d", v);
        cr_assert(survey_form_group("rating", true, v, &g));
        cr_assert_eq(g, csat[6 - v], "inverted rating %d", v);
    }
    cr_assert_not(survey_form_group("rating", false, 0, &g));
    /* CES 1-7 (7 easy): 1-3, 4, 5-7 */
    int ces[8] = {9, -1, -1, -1, 0, 1, 1, 1};
    for (int v = 1; v <= 7; v++) {
        cr_assert(survey_form_group("effort", false, v, &g));
        cr_assert_eq(g, ces[v], "effort %d", v);
        cr_assert(survey_form_group("effort", true, v, &g));
        cr_assert_eq(g, ces[8 - v], "inverted effort %d", v);
    }
    cr_assert_not(survey_form_group("text", false, 1, &g));
    cr_assert_str_eq(survey_form_group_name(-1), "detractor");
    cr_assert_str_eq(survey_form_group_name(0), "passive");
    cr_assert_str_eq(survey_form_group_name(1), "promoter");
}
