/*
 * test_http_form.c — parsing what arrives in a request: percent-decoding,
 * query strings and form bodies, cookies, UTF-8 checks, ISO 8601 times.
 * Pure functions of web/http.c; no socket, no store.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/arena.h"
#include "web/http.h"

static arena_t arena;

static void setup(void) { arena_init(&arena); }
static void teardown(void) { arena_free(&arena); }

TestSuite(http_form, .init = setup, .fini = teardown);

static const char *decode(const char *s, bool plus)
{
    char *out = NULL;
    cx_result rc = http_url_decode(&arena, s, strlen(s), plus, &out, NULL);
    return rc == CX_OK ? out : NULL;
}

Test(http_form, url_decode)
{
    cr_assert_str_eq(decode("a%20b", false), "a b");
    cr_assert_str_eq(decode("a+b", true), "a b");
    cr_assert_str_eq(decode("a+b", false), "a+b", "'+' is a space only in forms and queries");
    cr_assert_str_eq(decode("%C5%BC%C3%B3%C5%82w", false), "żółw");
    cr_assert_str_eq(decode("100%", false), "100%", "a lone %% stays");
    cr_assert_str_eq(decode("%zz%4", false), "%zz%4", "bad escapes stay as they are");
    cr_assert_str_eq(decode("%2f%2F", false), "//");
    cr_assert_str_eq(decode("", true), "");
}

Test(http_form, url_decode_refuses_nul_and_bad_utf8)
{
    cr_assert_null(decode("a%00b", true), "NUL would cut C strings");
    cr_assert_null(decode("%C5", true), "a truncated UTF-8 sequence");
    cr_assert_null(decode("%C0%AF", true), "an overlong encoding");
    cr_assert_null(decode("%ED%A0%80", true), "a surrogate");
    cr_assert_null(decode("%01", true), "control characters other than tab/CR/LF");
    cr_assert_str_eq(decode("a%0D%0Ab%09", true), "a\r\nb\t", "line breaks of a textarea");
}

Test(http_form, urlencoded_pairs)
{
    http_params_t p = {0};
    const char *body = "username=anna&password=p%40ss+word&next=%2Fsettings%3Fa%3D1&&empty=&flag";
    cr_assert_eq(http_parse_urlencoded(&arena, body, strlen(body), &p), CX_OK);
    cr_assert_eq(p.count, 5);
    cr_assert_str_eq(http_params_get(&p, "username"), "anna");
    cr_assert_str_eq(http_params_get(&p, "password"), "p@ss word");
    cr_assert_str_eq(http_params_get(&p, "next"), "/settings?a=1");
    cr_assert_str_eq(http_params_get(&p, "empty"), "");
    cr_assert_str_eq(http_params_get(&p, "flag"), "", "a name without '=' has an empty value");
    cr_assert_null(http_params_get(&p, "missing"));
}

Test(http_form, urlencoded_keeps_duplicates_in_order)
{
    http_params_t p = {0};
    const char *q = "a=1&b=2&a=3";
    cr_assert_eq(http_parse_urlencoded(&arena, q, strlen(q), &p), CX_OK);
    cr_assert_eq(p.count, 3);
    cr_assert_str_eq(http_params_get(&p, "a"), "1", "the first value wins");
    cr_assert_str_eq(p.items[2].value, "3");
}

Test(http_form, urlencoded_values_may_contain_equals_and_binary_lengths)
{
    http_params_t p = {0};
    const char *q = "token=abc==&x=%C4%85";
    cr_assert_eq(http_parse_urlencoded(&arena, q, strlen(q), &p), CX_OK);
    cr_assert_str_eq(http_params_get(&p, "token"), "abc==");
    cr_assert_eq(p.items[1].value_len, 2);
}

Test(http_form, urlencoded_refuses_bad_text_and_floods)
{
    http_params_t p = {0};
    const char *bad = "a=%00";
    cr_assert_eq(http_parse_urlencoded(&arena, bad, strlen(bad), &p), CX_ERR_INVALID);
    const char *bad_name = "%FF=1";
    cr_assert_eq(http_parse_urlencoded(&arena, bad_name, strlen(bad_name), &p), CX_ERR_INVALID);

    buf_t many;
    buf_init(&many, 0);
    for (int i = 0; i <= HTTP_MAX_PARAMS; i++)
        buf_printf(&many, "k%d=v&", i);
    http_params_t q = {0};
    cr_assert_eq(http_parse_urlencoded(&arena, many.data, many.len, &q), CX_ERR_INVALID);
    buf_free(&many);
}

Test(http_form, cookies)
{
    http_params_t c = {0};
    cr_assert_eq(http_parse_cookies(&arena,
                                    "cx_session=abc-_123; cx_lang=en;other=\"quoted value\" ;"
                                    "  spaced = x ; novalue; =nameless; last=",
                                    &c),
                 CX_OK);
    cr_assert_str_eq(http_params_get(&c, "cx_session"), "abc-_123");
    cr_assert_str_eq(http_params_get(&c, "cx_lang"), "en");
    cr_assert_str_eq(http_params_get(&c, "other"), "quoted value");
    cr_assert_str_eq(http_params_get(&c, "spaced"), "x");
    cr_assert_str_eq(http_params_get(&c, "last"), "");
    cr_assert_null(http_params_get(&c, "novalue"), "a pair without '=' is ignored");
    cr_assert_eq(c.count, 5);
}

Test(http_form, cookies_empty_and_missing)
{
    http_params_t c = {0};
    cr_assert_eq(http_parse_cookies(&arena, NULL, &c), CX_OK);
    cr_assert_eq(http_parse_cookies(&arena, "", &c), CX_OK);
    cr_assert_eq(http_parse_cookies(&arena, " ; ;; ", &c), CX_OK);
    cr_assert_eq(c.count, 0);
}

Test(http_form, header_lookup_ignores_case)
{
    http_params_t h = {0};
    cr_assert_eq(http_params_add(&arena, &h, "Content-Type", "text/plain", 10), CX_OK);
    cr_assert_str_eq(http_params_get_nocase(&h, "content-type"), "text/plain");
    cr_assert_null(http_params_get(&h, "content-type"), "exact lookup stays exact");
}

Test(http_form, params_grow)
{
    http_params_t p = {0};
    for (int i = 0; i < 100; i++) {
        char name[16];
        snprintf(name, sizeof name, "n%d", i);
        cr_assert_eq(http_params_add(&arena, &p, name, name, strlen(name)), CX_OK);
    }
    cr_assert_eq(p.count, 100);
    cr_assert_str_eq(http_params_get(&p, "n0"), "n0");
    cr_assert_str_eq(http_params_get(&p, "n99"), "n99");
}

Test(http_form, methods)
{
    cr_assert_eq(http_method_from_name("GET"), HTTP_GET);
    cr_assert_eq(http_method_from_name("POST"), HTTP_POST);
    cr_assert_eq(http_method_from_name("get"), HTTP_OTHER, "methods are case-sensitive");
    cr_assert_eq(http_method_from_name("BREW"), HTTP_OTHER);
    buf_t b;
    buf_init(&b, 0);
    http_methods_list(&b, HTTP_GET | HTTP_HEAD | HTTP_POST);
    cr_assert_str_eq(buf_str(&b), "GET, HEAD, POST");
    buf_free(&b);
}

Test(http_form, text_valid)
{
    cr_assert(http_text_valid("Zażółć gęślą jaźń; știință", strlen("Zażółć gęślą jaźń; știință")));
    cr_assert(http_text_valid("a\tb\r\nc", 6));
    cr_assert_not(http_text_valid("a\x01", 2));
    cr_assert_not(http_text_valid("a\x7f", 2));
    cr_assert_not(http_text_valid("\xff", 1));
    cr_assert_not(http_text_valid("a\0b", 3));
}

Test(http_form, iso_times)
{
    int64_t t = 0;
    cr_assert(http_parse_iso_time("2026-01-31T10:00:00Z", &t));
    cr_assert_eq(t, 1769853600);
    cr_assert(http_parse_iso_time("2026-01-31T11:00:00+01:00", &t));
    cr_assert_eq(t, 1769853600, "an offset is turned into UTC");
    cr_assert(http_parse_iso_time("2026-01-31T05:30:00-0430", &t));
    cr_assert_eq(t, 1769853600);
    cr_assert(http_parse_iso_time("2026-01-31T10:00:00.123Z", &t));
    cr_assert_eq(t, 1769853600, "fractions are dropped");
    cr_assert(http_parse_iso_time("2024-02-29T00:00Z", &t), "seconds are optional");
    cr_assert_eq(t, 1709164800);
    cr_assert(http_parse_iso_time("1970-01-01T00:00:00Z", &t));
    cr_assert_eq(t, 0);

    cr_assert_not(http_parse_iso_time("2026-01-31T10:00:00", &t), "no zone");
    cr_assert_not(http_parse_iso_time("2026-01-31", &t), "no time");
    cr_assert_not(http_parse_iso_time("2025-02-29T00:00:00Z", &t), "not a leap year");
    cr_assert_not(http_parse_iso_time("2026-13-01T00:00:00Z", &t));
    cr_assert_not(http_parse_iso_time("2026-01-31T24:00:00Z", &t));
    cr_assert_not(http_parse_iso_time("2026-01-31T10:00:00Zjunk", &t));
    cr_assert_not(http_parse_iso_time("yesterday", &t));
    cr_assert_not(http_parse_iso_time("", &t));
    cr_assert_not(http_parse_iso_time(NULL, &t));
}

Test(http_form, iso_format)
{
    cr_assert_str_eq(http_iso_time(&arena, 1769853600), "2026-01-31T10:00:00Z");
    cr_assert_str_eq(http_iso_time(&arena, 0), "1970-01-01T00:00:00Z");
}

Test(http_form, status_of_results)
{
    cr_assert_eq(http_status_of(CX_ERR_INVALID), 400);
    cr_assert_eq(http_status_of(CX_ERR_UNAUTHORIZED), 401);
    cr_assert_eq(http_status_of(CX_ERR_FORBIDDEN), 403);
    cr_assert_eq(http_status_of(CX_ERR_NOT_FOUND), 404);
    cr_assert_eq(http_status_of(CX_ERR_CONFLICT), 409);
    cr_assert_eq(http_status_of(CX_ERR_TOO_LARGE), 413);
    cr_assert_eq(http_status_of(CX_ERR_THROTTLED), 429);
    cr_assert_eq(http_status_of(CX_ERR_BUSY), 503);
    cr_assert_eq(http_status_of(CX_ERR_STORE), 500);
    cr_assert_eq(http_status_of(CX_ERR_NOMEM), 500);
}
