/*
 * test_charset.c — encoding detection and conversion: the two code page
 * tables against the published charts (written out here as UTF-8 text,
 * checked independently against Python's cp1250 and iso8859_2 codecs),
 * UTF-8 validation edge cases, and the decisions between Windows-1250
 * and ISO-8859-2 on Polish text built byte by byte.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/charset.h"

/* 0xA0-0xFF of each chart, then 0x80-0x9F of Windows-1250 without its five
 * holes (0x81 0x83 0x88 0x90 0x98). */
static const char chart_1250_a0[] =
    "\u00A0ˇ˘Ł¤Ą¦§¨©Ş«¬\u00AD®Ż°±˛ł´µ¶·¸ąş»Ľ˝ľżŔÁÂĂÄĹĆÇČÉĘËĚÍÎĎĐŃŇÓÔŐÖ×ŘŮÚŰÜÝŢß"
    "ŕáâăäĺćçčéęëěíîďđńňóôőö÷řůúűüýţ˙";
static const char chart_1250_80[] = "€‚„…†‡‰Š‹ŚŤŽŹ‘’“”•–—™š›śťžź";
static const char chart_8859_2_a0[] =
    "\u00A0Ą˘Ł¤ĽŚ§¨ŠŞŤŹ\u00ADŽŻ°ą˛ł´ľśˇ¸šşťź˝žżŔÁÂĂÄĹĆÇČÉĘËĚÍÎĎĐŃŇÓÔŐÖ×ŘŮÚŰÜÝŢß"
    "ŕáâăäĺćçčéęëěíîďđńňóôőö÷řůúűüýţ˙";

static void expect_decode(charset_t cs, const unsigned char *in, size_t n, const char *utf8)
{
    char out[1024];
    size_t used;
    cr_assert_leq(3 * n, sizeof out);
    size_t len = charset_decode_8bit(cs, in, n, out, &used);
    cr_assert_eq(used, n, "%s stopped at byte %zu", charset_name(cs), used);
    cr_assert_eq(len, strlen(utf8));
    cr_assert(memcmp(out, utf8, len) == 0, "%s: got %.*s", charset_name(cs), (int)len, out);
}

Test(charset, windows_1250_chart)
{
    unsigned char in[128];
    for (int b = 0xA0; b <= 0xFF; b++)
        in[b - 0xA0] = (unsigned char)b;
    expect_decode(CHARSET_WINDOWS_1250, in, 0x60, chart_1250_a0);
    size_t n = 0;
    for (int b = 0x80; b <= 0x9F; b++)
        if (b != 0x81 && b != 0x83 && b != 0x88 && b != 0x90 && b != 0x98)
            in[n++] = (unsigned char)b;
    expect_decode(CHARSET_WINDOWS_1250, in, n, chart_1250_80);
    static const unsigned char holes[] = {0x81, 0x83, 0x88, 0x90, 0x98};
    for (size_t i = 0; i < sizeof holes; i++)
        cr_assert_not(charset_byte_defined(CHARSET_WINDOWS_1250, holes[i]));
}

Test(charset, iso_8859_2_chart)
{
    unsigned char in[96];
    for (int b = 0xA0; b <= 0xFF; b++)
        in[b - 0xA0] = (unsigned char)b;
    expect_decode(CHARSET_ISO_8859_2, in, 0x60, chart_8859_2_a0);
    for (int b = 0x80; b <= 0x9F; b++)
        cr_assert_not(charset_byte_defined(CHARSET_ISO_8859_2, (unsigned char)b),
                      "C1 control 0x%02X must not be text", b);
}

Test(charset, ascii_passes_through)
{
    unsigned char in[128];
    for (int b = 0; b < 128; b++)
        in[b] = (unsigned char)b;
    char out[3 * 128];
    size_t used;
    cr_assert_eq(charset_decode_8bit(CHARSET_ISO_8859_2, in, 128, out, &used), 128);
    cr_assert(memcmp(in, out, 128) == 0);
}

Test(charset, undecided_stops_where_pages_differ)
{
    /* "żółw ślad": ż ó ł read the same in both, ś does not */
    const unsigned char in[] = {0xBF, 0xF3, 0xB3, 'w', ' ', 0x9C, 'l', 'a', 'd'};
    char out[64];
    size_t used;
    size_t len = charset_decode_8bit(CHARSET_8BIT_UNDECIDED, in, sizeof in, out, &used);
    cr_assert_eq(used, 5);
    cr_assert(len == strlen("żółw ") && memcmp(out, "żółw ", len) == 0);
}

Test(charset, validate_utf8)
{
    bool cut;
    cr_assert_eq(charset_validate_utf8("zażółć", strlen("zażółć"), &cut), strlen("zażółć"));
    cr_assert_not(cut);
    cr_assert_eq(charset_validate_utf8("ab\xC5", 3, &cut), 2);
    cr_assert(cut, "a sequence cut at the end is not yet an error");
    cr_assert_eq(charset_validate_utf8("ab\xC5x", 4, &cut), 2);
    cr_assert_not(cut);
    cr_assert_eq(charset_validate_utf8("\xC0\xAF", 2, NULL), 0, "overlong");
    cr_assert_eq(charset_validate_utf8("\xE0\x80\xAF", 3, NULL), 0, "overlong");
    cr_assert_eq(charset_validate_utf8("\xED\xA0\x80", 3, NULL), 0, "surrogate");
    cr_assert_eq(charset_validate_utf8("\xF4\x90\x80\x80", 4, NULL), 0, "above U+10FFFF");
    cr_assert_eq(charset_validate_utf8("\xF0\x9F\x98\x80!", 5, NULL), 5);
    cr_assert_eq(charset_validate_utf8("\xEF\xBF\xBD", 3, NULL), 3, "U+FFFD is fine");
    cr_assert_eq(charset_validate_utf8("\xE2\x82", 2, &cut), 0);
    cr_assert(cut);
    /* the eight-byte fast path must not skip a bad byte */
    char long_text[64];
    memset(long_text, 'a', sizeof long_text);
    long_text[37] = (char)0xFF;
    cr_assert_eq(charset_validate_utf8(long_text, sizeof long_text, NULL), 37);
}

Test(charset, names)
{
    bool ok;
    cr_assert_eq(charset_from_name("UTF-8", &ok), CHARSET_UTF8);
    cr_assert(ok);
    cr_assert_eq(charset_from_name("cp1250", &ok), CHARSET_WINDOWS_1250);
    cr_assert_eq(charset_from_name("Windows-1250", &ok), CHARSET_WINDOWS_1250);
    cr_assert_eq(charset_from_name("latin2", &ok), CHARSET_ISO_8859_2);
    cr_assert_eq(charset_from_name("ISO-8859-2", &ok), CHARSET_ISO_8859_2);
    charset_from_name("koi8-r", &ok);
    cr_assert_not(ok);
    cr_assert_str_eq(charset_name(CHARSET_ISO_8859_2), "ISO-8859-2");
}

/* "Zażółć gęślą jaźń. Świetna obsługa, źle że drogo." in both code pages:
 * the same Polish sentence, different bytes at ś ą ź Ś. */
static const unsigned char pl_1250[] = {
    'Z', 'a', 0xBF, 0xF3, 0xB3, 0xE6, ' ', 'g', 0xEA, 0x9C, 'l', 0xB9, ' ', 'j', 'a', 0x9F,
    0xF1, '.', ' ', 0x8C, 'w', 'i', 'e', 't', 'n', 'a', ' ', 'o', 'b', 's', 'l', 'u',
    'g', 'a', ',', ' ', 0x9F, 'l', 'e', ' ', 0xBF, 'e', ' ', 'd', 'r', 'o', 'g', 'o', '.'};
static const unsigned char pl_8859_2[] = {
    'Z', 'a', 0xBF, 0xF3, 0xB3, 0xE6, ' ', 'g', 0xEA, 0xB6, 'l', 0xB1, ' ', 'j', 'a', 0xBC,
    0xF1, '.', ' ', 0xA6, 'w', 'i', 'e', 't', 'n', 'a', ' ', 'o', 'b', 's', 'l', 'u',
    'g', 'a', ',', ' ', 0xBC, 'l', 'e', ' ', 0xBF, 'e', ' ', 'd', 'r', 'o', 'g', 'o', '.'};
static const char pl_utf8[] = "Zażółć gęślą jaźń. Świetna obsluga, źle że drogo.";

static charset_t detect(const void *s, size_t n, buf_t *msg, size_t *offset)
{
    charset_guess_t g;
    cx_result rc = charset_detect(s, n, true, &g, msg);
    if (offset)
        *offset = g.offset;
    return rc ? CHARSET_AUTO : g.charset;
}

Test(charset, polish_windows_1250_recognised_and_converted)
{
    cr_assert_eq(detect(pl_1250, sizeof pl_1250, NULL, NULL), CHARSET_WINDOWS_1250);
    buf_t out;
    buf_init(&out, 0);
    cr_assert_eq(charset_to_utf8(CHARSET_AUTO, pl_1250, sizeof pl_1250, &out, NULL, NULL), CX_OK);
    cr_assert_str_eq(buf_str(&out), pl_utf8);
    buf_free(&out);
}

Test(charset, polish_iso_8859_2_recognised_and_converted)
{
    cr_assert_eq(detect(pl_8859_2, sizeof pl_8859_2, NULL, NULL), CHARSET_ISO_8859_2);
    buf_t out;
    buf_init(&out, 0);
    cr_assert_eq(charset_to_utf8(CHARSET_AUTO, pl_8859_2, sizeof pl_8859_2, &out, NULL, NULL),
                 CX_OK);
    cr_assert_str_eq(buf_str(&out), pl_utf8);
    buf_free(&out);
}

Test(charset, reading_one_as_the_other_is_refused_or_differs)
{
    /* read as the wrong page, ISO text gives symbols inside words */
    buf_t out, msg;
    buf_init(&out, 0);
    buf_init(&msg, 0);
    cr_assert_eq(charset_to_utf8(CHARSET_ISO_8859_2, pl_1250, sizeof pl_1250, &out, &msg, NULL),
                 CX_ERR_INVALID, "0x9C is a C1 control in ISO-8859-2");
    cr_assert(strstr(buf_str(&msg), "0x9C") && strstr(buf_str(&msg), "ISO-8859-2"));
    buf_free(&out);
    buf_free(&msg);
}

Test(charset, without_differing_bytes_the_pages_agree)
{
    const unsigned char s[] = {'Z', 0xF3, 0xB3, 'w', ' ', 0xBF, 'y', 'j', 'e'}; /* Żółw żyje */
    cr_assert_eq(detect(s, sizeof s, NULL, NULL), CHARSET_8BIT_UNDECIDED);
    buf_t out;
    buf_init(&out, 0);
    cr_assert_eq(charset_to_utf8(CHARSET_AUTO, s, sizeof s, &out, NULL, NULL), CX_OK);
    cr_assert_str_eq(buf_str(&out), "Zółw żyje");
    buf_free(&out);
}

Test(charset, unclear_evidence_is_refused_naming_both)
{
    /* 0xA9 alone: '©' in Windows-1250, 'Š' in ISO-8859-2 */
    const char s[] = "Copyright \xA9 2024 firma";
    buf_t msg;
    buf_init(&msg, 0);
    size_t at;
    cr_assert_eq(detect(s, strlen(s), &msg, &at), CHARSET_AUTO);
    cr_assert_eq(at, 10);
    cr_assert(strstr(buf_str(&msg), "Windows-1250") && strstr(buf_str(&msg), "ISO-8859-2"),
              "%s", buf_str(&msg));
    cr_assert(strstr(buf_str(&msg), "--encoding"), "%s", buf_str(&msg));
    cr_assert(strstr(buf_str(&msg), "'©'") && strstr(buf_str(&msg), "'Š'"), "%s", buf_str(&msg));
    buf_free(&msg);
}

Test(charset, symbols_inside_words_decide)
{
    /* "Dzi\xB1" reads "Dzią" in ISO-8859-2 and "Dzi±" in Windows-1250 */
    const char iso[] = "Dzi\xB1kuj\xEA";
    cr_assert_eq(detect(iso, strlen(iso), NULL, NULL), CHARSET_ISO_8859_2);
    /* "\xB9" is 'ą' in Windows-1250 and 'š' in ISO: Polish letters win */
    const char win[] = "Dzi\xB9kuj\xEA";
    cr_assert_eq(detect(win, strlen(win), NULL, NULL), CHARSET_WINDOWS_1250);
}

Test(charset, utf8_with_and_without_bom)
{
    charset_guess_t g;
    cr_assert_eq(charset_detect("\xEF\xBB\xBFzażółć", strlen("zażółć") + 3, true, &g, NULL), CX_OK);
    cr_assert_eq(g.charset, CHARSET_UTF8);
    cr_assert(g.bom);
    cr_assert_eq(charset_detect("zażółć", strlen("zażółć"), true, &g, NULL), CX_OK);
    cr_assert_eq(g.charset, CHARSET_UTF8);
    cr_assert_not(g.bom);
    cr_assert_eq(charset_detect("plain ascii", 11, true, &g, NULL), CX_OK);
    cr_assert_eq(g.charset, CHARSET_UTF8);
    /* a sample cut inside a sequence is UTF-8 if more follows */
    cr_assert_eq(charset_detect("za\xC5", 3, false, &g, NULL), CX_OK);
    cr_assert_eq(g.charset, CHARSET_UTF8);
}

Test(charset, damaged_utf8_is_not_taken_for_8bit)
{
    /* mostly UTF-8 Polish with one stray byte: reading it as Windows-1250
     * would turn every ł into "Ĺ‚" */
    const char s[] = "łódź łąka \xB3 żółw";
    buf_t msg;
    buf_init(&msg, 0);
    size_t at;
    cr_assert_eq(detect(s, strlen(s), &msg, &at), CHARSET_AUTO);
    cr_assert_eq(at, strlen("łódź łąka "));
    cr_assert(strstr(buf_str(&msg), "damaged or mixes encodings"), "%s", buf_str(&msg));
    buf_free(&msg);
}

Test(charset, utf16_and_binary_refused)
{
    buf_t msg;
    buf_init(&msg, 0);
    cr_assert_eq(detect("\xFF\xFE" "a\0b\0", 6, &msg, NULL), CHARSET_AUTO);
    cr_assert(strstr(buf_str(&msg), "UTF-16"), "%s", buf_str(&msg));
    buf_reset(&msg);
    cr_assert_eq(detect("a\0b\0c\0", 6, &msg, NULL), CHARSET_AUTO);
    cr_assert(strstr(buf_str(&msg), "NUL"), "%s", buf_str(&msg));
    buf_reset(&msg);
    size_t at;
    cr_assert_eq(detect("abc\x81" "def", 7, &msg, &at), CHARSET_AUTO);
    cr_assert_eq(at, 3);
    cr_assert(strstr(buf_str(&msg), "0x81"), "%s", buf_str(&msg));
    buf_free(&msg);
}

Test(charset, utf8_bom_with_invalid_bytes)
{
    buf_t msg;
    buf_init(&msg, 0);
    size_t at;
    cr_assert_eq(detect("\xEF\xBB\xBF" "ab\xB9" "c", 7, &msg, &at), CHARSET_AUTO);
    cr_assert_eq(at, 5);
    cr_assert(strstr(buf_str(&msg), "byte order mark"), "%s", buf_str(&msg));
    buf_free(&msg);
}

Test(charset, to_utf8_reports_offset)
{
    buf_t out, msg;
    buf_init(&out, 0);
    buf_init(&msg, 0);
    size_t at = 0;
    cr_assert_eq(charset_to_utf8(CHARSET_UTF8, "ok\xFFno", 5, &out, &msg, &at), CX_ERR_INVALID);
    cr_assert_eq(at, 2);
    cr_assert(strstr(buf_str(&msg), "0xFF"));
    buf_reset(&out);
    cr_assert_eq(charset_to_utf8(CHARSET_UTF8, "\xEF\xBB\xBFok", 5, &out, NULL, NULL), CX_OK);
    cr_assert_str_eq(buf_str(&out), "ok", "the BOM is dropped");
    buf_reset(&out);
    cr_assert_eq(charset_to_utf8(CHARSET_WINDOWS_1250, "a\x98", 2, &out, NULL, &at),
                 CX_ERR_INVALID);
    cr_assert_eq(at, 1);
    buf_free(&out);
    buf_free(&msg);
}

Test(charset, locate)
{
    uint64_t line, col;
    const char *t = "ab\r\nżółw,x\ry\nz";
    charset_locate(t, 0, true, &line, &col);
    cr_assert(line == 1 && col == 1);
    charset_locate(t, strlen("ab\r\nżółw,"), true, &line, &col);
    cr_assert(line == 2 && col == 6, "line %d col %d", (int)line, (int)col);
    charset_locate(t, strlen("ab\r\nżółw,x\r"), true, &line, &col);
    cr_assert(line == 3 && col == 1, "a lone CR ends a line too");
    charset_locate(t, strlen("ab\r\nżółw,x\ry\n"), true, &line, &col);
    cr_assert(line == 4 && col == 1);
    /* 8-bit text: every byte is a character */
    charset_locate("\xBF\xF3x", 2, false, &line, &col);
    cr_assert(line == 1 && col == 3);
}
