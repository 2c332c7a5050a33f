/*
 * test_slug.c — survey addresses from names: transliteration, separators,
 * length, and the validity check.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/slug.h"

static void expect_slug(const char *text, const char *expected)
{
    buf_t b;
    buf_init(&b, 0);
    slug_from_text(text, "ankieta", &b);
    cr_assert(!buf_failed(&b));
    cr_assert_str_eq(buf_str(&b), expected, "slug of '%s'", text);
    cr_assert(slug_is_valid(buf_str(&b)), "'%s' is not valid", buf_str(&b));
    buf_free(&b);
}

Test(slug, polish_letters_are_transliterated)
{
    expect_slug("Ankieta po rozmowie", "ankieta-po-rozmowie");
    expect_slug("Zażółć gęślą jaźń", "zazolc-gesla-jazn");
    expect_slug("ZAŻÓŁĆ GĘŚLĄ JAŹŃ", "zazolc-gesla-jazn");
    expect_slug("Łódź", "lodz");
}

Test(slug, romanian_letters_both_forms)
{
    expect_slug("Mulțumire și încredere", "multumire-si-incredere");
    expect_slug("Mulţumire şi încredere", "multumire-si-incredere");
    expect_slug("Ăla Ţară", "ala-tara");
}

Test(slug, separators_collapse_and_trim)
{
    expect_slug("  NPS — Q1/2024!  ", "nps-q1-2024");
    expect_slug("a--b__c", "a-b-c");
    expect_slug("Café & Crème", "cafe-creme");
    expect_slug("Straße", "strasse");
}

Test(slug, nothing_usable_gives_the_fallback)
{
    expect_slug("", "ankieta");
    expect_slug("!!! ???", "ankieta");
    expect_slug("日本語", "ankieta");
    expect_slug(NULL, "ankieta");
}

Test(slug, invalid_utf8_is_a_separator)
{
    expect_slug("ab\xff\xfe" "cd", "ab-cd");
    expect_slug("x\xc5", "x");
}

Test(slug, long_names_are_cut_at_a_word)
{
    buf_t b;
    buf_init(&b, 0);
    slug_from_text("Bardzo długa nazwa ankiety o satysfakcji klientów po wizycie w salonie "
                   "sprzedaży w centrum miasta",
                   "ankieta", &b);
    const char *s = buf_str(&b);
    cr_assert_leq(strlen(s), SLUG_MAX_LEN);
    cr_assert(slug_is_valid(s));
    cr_assert_eq(s[strlen(s) - 1] != '-', true);
    cr_assert_str_eq(s, "bardzo-dluga-nazwa-ankiety-o-satysfakcji-klientow-po-wizycie");
    buf_reset(&b);
    slug_from_text("Bardzo długa nazwa ankiety o satysfakcji klientów po wizytach", "ankieta", &b);
    cr_assert_str_eq(buf_str(&b), "bardzo-dluga-nazwa-ankiety-o-satysfakcji-klientow-po");
    buf_reset(&b);
    char word[200];
    memset(word, 'a', sizeof word - 1);
    word[sizeof word - 1] = '\0';
    slug_from_text(word, "ankieta", &b);
    cr_assert_eq(strlen(buf_str(&b)), SLUG_MAX_LEN);
    buf_free(&b);
}

Test(slug, validity)
{
    cr_assert(slug_is_valid("ankieta-po-rozmowie-2"));
    cr_assert(!slug_is_valid(""));
    cr_assert(!slug_is_valid("-a"));
    cr_assert(!slug_is_valid("a-"));
    cr_assert(!slug_is_valid("a--b"));
    cr_assert(!slug_is_valid("Ab"));
    cr_assert(!slug_is_valid("a b"));
    cr_assert(!slug_is_valid(NULL));
}
