/*
 * test_buf.c — the growable buffer and the escaping conversions.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/buf.h"

static char *format(const char *fmt, const char *arg)
{
    buf_t b;
    buf_init(&b, 0);
    buf_printf(&b, fmt, arg);
    cr_assert(!buf_failed(&b));
    return buf_detach(&b, NULL);
}

#define ASSERT_FORMAT(fmt, arg, expected)                                                          \
    do {                                                                                           \
        char *got_ = format(fmt, arg);                                                             \
        cr_assert_str_eq(got_, expected);                                                          \
        free(got_);                                                                                \
    } while (0)

Test(buf, html_text_escapes_markup)
{
    ASSERT_FORMAT("<p>%h</p>", "<script>alert('x')</script> & \"q\"",
                  "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>");
}

Test(buf, attribute_escapes_quotes_and_equals)
{
    ASSERT_FORMAT("<a title=\"%a\">", "\"><img src=x onerror=alert(1)>",
                  "<a title=\"&quot;&gt;&lt;img src&#61;x onerror&#61;alert(1)&gt;\">");
    ASSERT_FORMAT("%a", "`a`", "&#96;a&#96;");
}

Test(buf, url_component_encodes_reserved)
{
    ASSERT_FORMAT("/x?next=%u", "/a b&c=d/żółw", "/x?next=%2Fa%20b%26c%3Dd%2F%C5%BC%C3%B3%C5%82w");
    ASSERT_FORMAT("%u", "safe-._~AZaz09", "safe-._~AZaz09");
}

Test(buf, json_string_escapes_and_repairs_utf8)
{
    ASSERT_FORMAT("\"%j\"", "a\"b\\c\nd\te\x01</script>", "\"a\\\"b\\\\c\\nd\\te\\u0001\\u003c/script>\"");
    ASSERT_FORMAT("%j", "Zażółć", "Zażółć");
    ASSERT_FORMAT("%j", "bad\xC3(", "bad\xEF\xBF\xBD(");
    ASSERT_FORMAT("%j", "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); /* surrogate */
}

Test(buf, null_string_prints_nothing)
{
    ASSERT_FORMAT("[%h]", NULL, "[]");
}

Test(buf, numbers_and_raw)
{
    buf_t b;
    buf_init(&b, 0);
    buf_printf(&b, "%d|%5d|%ld|%lld|%zu|%.2f|%c|%%|%s", -7, 42, 123456789L, -9000000000LL,
               (size_t)17, 3.14159, 'x', "<b>");
    cr_assert_str_eq(buf_str(&b), "-7|   42|123456789|-9000000000|17|3.14|x|%|<b>");
    buf_free(&b);
}

Test(buf, cap_makes_the_error_sticky)
{
    buf_t b;
    buf_init(&b, 8);
    buf_puts(&b, "12345");
    cr_assert(!buf_failed(&b));
    buf_puts(&b, "6789");
    cr_assert(buf_failed(&b));
    cr_assert_eq(buf_result(&b), CX_ERR_TOO_LARGE);
    buf_puts(&b, "a");
    cr_assert_eq(b.len, 5, "nothing is appended after the error");
    cr_assert_null(buf_detach(&b, NULL));
}

Test(buf, unknown_conversion_is_a_caller_bug)
{
    buf_t b;
    buf_init(&b, 0);
    buf_printf(&b, "%q", 1);
    cr_assert(buf_failed(&b));
    buf_free(&b);
}

Test(buf, grows_past_many_blocks)
{
    buf_t b;
    buf_init(&b, 0);
    for (int i = 0; i < 10000; i++)
        buf_printf(&b, "%d,", i);
    cr_assert(!buf_failed(&b));
    cr_assert(strncmp(buf_str(&b), "0,1,2,", 6) == 0);
    cr_assert_eq(b.data[b.len], '\0');
    buf_free(&b);
}
