/*
 * test_i18n.c — the message catalogue of web/i18n.c is complete and
 * consistent: every key has Polish, English and Romanian text, the
 * translations of a text use the same format conversions, Romanian uses
 * the comma-below letters; and the language helpers (codes,
 * Accept-Language, number and date forms) behave.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/buf.h"
#include "web/i18n.h"

Test(i18n, every_key_has_every_language)
{
    for (int k = 0; k < T_COUNT; k++) {
        cr_assert_str_neq(i18n_key_name((i18n_key_t)k), "?", "key %d has no entry", k);
        for (int l = 0; l < LANG_COUNT; l++) {
            const char *s = i18n_entry((i18n_key_t)k, (i18n_lang_t)l);
            cr_assert_not_null(s, "%s lacks %s", i18n_key_name((i18n_key_t)k),
                               i18n_lang_code((i18n_lang_t)l));
            cr_assert_neq(s[0], '\0', "%s is empty in %s", i18n_key_name((i18n_key_t)k),
                          i18n_lang_code((i18n_lang_t)l));
        }
    }
}

/* The conversions of a format ("%h%d") in order, "%%" skipped. */
static void conversions(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = s; *p; p++) {
        if (*p != '%')
            continue;
        p++;
        if (*p == '%')
            continue;
        while (*p && strchr("-+ 0#.0123456789l", *p))
            p++;
        if (n + 1 < cap)
            out[n++] = *p;
        if (!*p)
            break;
    }
    out[n] = '\0';
}

Test(i18n, translations_agree_on_format_conversions)
{
    for (int k = 0; k < T_COUNT; k++) {
        char want[32], got[32];
        conversions(i18n_entry((i18n_key_t)k, LANG_EN), want, sizeof want);
        for (const char *c = want; *c; c++)
            cr_assert(strchr("hdsuaf", *c), "%s uses an unknown conversion %%%c",
                      i18n_key_name((i18n_key_t)k), *c);
        for (int l = 0; l < LANG_COUNT; l++) {
            conversions(i18n_entry((i18n_key_t)k, (i18n_lang_t)l), got, sizeof got);
            cr_assert_str_eq(got, want, "%s in %s has conversions \"%s\", English \"%s\"",
                             i18n_key_name((i18n_key_t)k), i18n_lang_code((i18n_lang_t)l), got,
                             want);
        }
    }
}

Test(i18n, romanian_uses_comma_below)
{
    /* ş (U+015F) and ţ (U+0163) are the cedilla look-alikes */
    for (int k = 0; k < T_COUNT; k++) {
        const char *ro = i18n_entry((i18n_key_t)k, LANG_RO);
        cr_assert_null(strstr(ro, "\xC5\x9F"), "%s: ş with cedilla", i18n_key_name((i18n_key_t)k));
        cr_assert_null(strstr(ro, "\xC5\xA3"), "%s: ţ with cedilla", i18n_key_name((i18n_key_t)k));
        cr_assert_null(strstr(ro, "\xC5\x9E"), "%s: Ş with cedilla", i18n_key_name((i18n_key_t)k));
        cr_assert_null(strstr(ro, "\xC5\xA2"), "%s: Ţ with cedilla", i18n_key_name((i18n_key_t)k));
    }
}

Test(i18n, key_names_are_unique)
{
    for (int a = 0; a < T_COUNT; a++)
        for (int b = a + 1; b < T_COUNT; b++)
            cr_assert_str_neq(i18n_key_name((i18n_key_t)a), i18n_key_name((i18n_key_t)b));
}

Test(i18n, contract_texts)
{
    /* the words other programs and people rely on */
    cr_assert_str_eq(i18n_text(LANG_EN, T_LOGIN_INVALID), "Invalid user name or password");
    cr_assert_not_null(strstr(i18n_text(LANG_EN, T_ERR_CSRF_TEXT),
                              "The form expired; reload the page and try again"));
    cr_assert_str_eq(i18n_text(LANG_EN, T_NAV_DASHBOARD), "Dashboard");
    cr_assert_str_eq(i18n_text(LANG_EN, T_NAV_SETTINGS), "Settings");
    cr_assert_str_eq(i18n_text(LANG_PL, T_NAV_SETTINGS), "Ustawienia");
    cr_assert_str_eq(i18n_text(LANG_RO, T_NAV_SETTINGS), "Setări");
}

Test(i18n, polish_is_not_english)
{
    /* a Polish text equal to the English one is usually a forgotten
     * translation; a few words are simply the same */
    int same = 0;
    for (int k = 0; k < T_COUNT; k++)
        same += strcmp(i18n_entry((i18n_key_t)k, LANG_PL), i18n_entry((i18n_key_t)k, LANG_EN)) == 0;
    cr_assert_lt(same, T_COUNT / 20, "%d Polish texts equal their English", same);
}

Test(i18n, codes)
{
    i18n_lang_t l;
    cr_assert(i18n_lang_parse("pl", &l));
    cr_assert_eq(l, LANG_PL);
    cr_assert(i18n_lang_parse("ro", &l));
    cr_assert_eq(l, LANG_RO);
    cr_assert_not(i18n_lang_parse("PL", &l));
    cr_assert_not(i18n_lang_parse("de", &l));
    cr_assert_not(i18n_lang_parse("", &l));
    cr_assert_not(i18n_lang_parse(NULL, &l));
    cr_assert_str_eq(i18n_lang_code(LANG_EN), "en");
    cr_assert_str_eq(i18n_lang_name(LANG_RO), "Română");
    cr_assert_eq(LANG_DEFAULT, LANG_PL);
}

static int accept(const char *header)
{
    i18n_lang_t l;
    return i18n_lang_from_accept(header, &l) ? (int)l : -1;
}

Test(i18n, accept_language)
{
    cr_assert_eq(accept("en"), LANG_EN);
    cr_assert_eq(accept("en-GB,en;q=0.9"), LANG_EN);
    cr_assert_eq(accept("de-DE,de;q=0.9,ro;q=0.8,en;q=0.7"), LANG_RO);
    cr_assert_eq(accept("en;q=0.5, pl"), LANG_PL, "the higher q wins");
    cr_assert_eq(accept("pl;q=0.8, en;q=0.8"), LANG_PL, "ties keep the header's order");
    cr_assert_eq(accept("PL-pl"), LANG_PL, "tags ignore case");
    cr_assert_eq(accept("en;q=0, ro"), LANG_RO, "q=0 means not wanted");
    cr_assert_eq(accept("de, fr"), -1);
    cr_assert_eq(accept("*"), -1);
    cr_assert_eq(accept(""), -1);
    cr_assert_eq(accept(NULL), -1);
    cr_assert_eq(accept("eng"), -1, "a three-letter tag is another language");
}

static const char *format_int(i18n_lang_t lang, long long n, buf_t *b)
{
    buf_reset(b);
    i18n_format_int(b, lang, n);
    return buf_str(b);
}

Test(i18n, numbers)
{
    buf_t b;
    buf_init(&b, 0);
    cr_assert_str_eq(format_int(LANG_EN, 0, &b), "0");
    cr_assert_str_eq(format_int(LANG_EN, 999, &b), "999");
    cr_assert_str_eq(format_int(LANG_EN, 1234567, &b), "1,234,567");
    cr_assert_str_eq(format_int(LANG_RO, 1234567, &b), "1.234.567");
    cr_assert_str_eq(format_int(LANG_PL, 2500, &b), "2500", "Polish leaves four digits alone");
    cr_assert_str_eq(format_int(LANG_PL, 12500, &b), "12\xC2\xA0"
                                                     "500");
    cr_assert_str_eq(format_int(LANG_EN, -4200, &b), "-4,200");
    buf_free(&b);
}

Test(i18n, times)
{
    buf_t b;
    buf_init(&b, 0);
    i18n_format_time(&b, LANG_PL, 1769853600);
    cr_assert_str_eq(buf_str(&b), "31.01.2026, 10:00 UTC");
    buf_reset(&b);
    i18n_format_time(&b, LANG_EN, 1769853600);
    cr_assert_str_eq(buf_str(&b), "31 Jan 2026, 10:00 UTC");
    buf_free(&b);
}
