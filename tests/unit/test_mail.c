/*
 * test_mail.c — the invitation e-mail: headers (RFC 2047 subject and
 * names, Date, Message-ID), the multipart/alternative body with its plain
 * text and HTML parts decoded back, the language fallback, address checks
 * and the throttle's spacing.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/mailer.h"

static int b64_value(char c)
{
    const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = strchr(alphabet, c);
    return c && p ? (int)(p - alphabet) : -1;
}

/* Decodes base64 between s and end, skipping CR/LF; caller frees. */
static char *b64_decode(const char *s, const char *end)
{
    char *out = calloc((size_t)(end - s) + 1, 1);
    size_t n = 0;
    unsigned v = 0;
    int bits = 0;
    for (; s < end; s++) {
        if (*s == '\r' || *s == '\n' || *s == '=')
            continue;
        int d = b64_value(*s);
        cr_assert(d >= 0, "bad base64 character %d", *s);
        v = v << 6 | (unsigned)d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (char)(v >> bits & 0xFF);
        }
    }
    return out;
}

/* Decodes a header value made of encoded words (and folding); caller frees. */
static char *decode_words(const char *value)
{
    buf_t b;
    buf_init(&b, 0);
    const char *p = value;
    while (*p) {
        if (strncmp(p, "=?UTF-8?B?", 10) == 0) {
            const char *end = strstr(p + 10, "?=");
            cr_assert_not_null(end);
            cr_assert(end + 2 - p <= 75, "encoded word longer than 75 characters");
            char *d = b64_decode(p + 10, end);
            buf_puts(&b, d);
            free(d);
            p = end + 2;
        } else if (strncmp(p, "\r\n ", 3) == 0) {
            p += 3;
        } else {
            buf_putc(&b, *p++);
        }
    }
    char *out = buf_detach(&b, NULL);
    buf_free(&b);
    return out;
}

/* The value of header name (unfolded lines kept), caller frees. */
static char *header(const char *msg, const char *name)
{
    size_t n = strlen(name);
    const char *p = msg;
    while (p && strncmp(p, "\r\n", 2) != 0) {
        if (strncmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 2;
            const char *e = v;
            while (!(e[0] == '\r' && e[1] == '\n' && e[2] != ' '))
                e++;
            return strndup(v, (size_t)(e - v));
        }
        p = strstr(p, "\r\n");
        if (p)
            p += 2;
    }
    return NULL;
}

/* The decoded body of the part with this content type; caller frees. */
static char *part(const char *msg, const char *type)
{
    char marker[128];
    snprintf(marker, sizeof marker, "Content-Type: %s; charset=UTF-8\r\n", type);
    const char *p = strstr(msg, marker);
    cr_assert_not_null(p, "no %s part", type);
    cr_assert_not_null(strstr(p, "Content-Transfer-Encoding: base64\r\n"));
    const char *body = strstr(p, "\r\n\r\n") + 4;
    const char *end = strstr(body, "\r\n--=_cxloop_");
    cr_assert_not_null(end);
    return b64_decode(body, end);
}

/* Every line ends in CRLF and none is longer than 78 characters. */
static void check_lines(const char *msg)
{
    for (const char *p = msg; *p;) {
        const char *nl = strchr(p, '\n');
        cr_assert_not_null(nl);
        cr_assert(nl > p ? nl[-1] == '\r' : false, "bare LF");
        cr_assert(nl - p <= 79, "line too long: %.*s", (int)(nl - p), p);
        p = nl + 1;
    }
}

static mailer_message_t sample(void)
{
    mailer_message_t m = {
        .from = "ankiety@example.com",
        .from_name = "Sklep Żółw",
        .to = "jan.kowalski@example.pl",
        .to_name = "Jan \"Kowal\" Kowalski, <jr>",
        .language = "pl",
        .org_name = "Sklep Żółw",
        .survey_name = "Obsługa w sklepie <2026>",
        .link = "http://cx.example.com/s/obsluga?t=AbC_dEf-123",
        .reminder = false,
        .date = 1795446329, /* 2026-11-23 15:05:29 UTC, a Monday */
        .unique = "Q1w2E3r4T5y6U7i8O9p0",
    };
    return m;
}

Test(mail, headers)
{
    mailer_message_t m = sample();
    buf_t b;
    buf_init(&b, 0);
    cr_assert_eq(mailer_build_message(&m, &b), CX_OK);
    const char *msg = buf_str(&b);
    char *date = header(msg, "Date");
    cr_assert_str_eq(date, "Mon, 23 Nov 2026 15:05:29 +0000");
    char *mid = header(msg, "Message-ID");
    cr_assert_str_eq(mid, "<cxloop.Q1w2E3r4T5y6U7i8O9p0@example.com>");
    char *subject = header(msg, "Subject");
    cr_assert(strncmp(subject, "=?UTF-8?B?", 10) == 0, "%s", subject);
    char *subject_text = decode_words(subject);
    cr_assert_str_eq(subject_text, "Prosimy o Twoją opinię — Sklep Żółw");
    char *to = header(msg, "To");
    cr_assert(strstr(to, " <jan.kowalski@example.pl>") != NULL, "%s", to);
    char *to_text = decode_words(to);
    cr_assert_str_eq(to_text, "Jan \"Kowal\" Kowalski, <jr> <jan.kowalski@example.pl>");
    /* the name's comma and brackets are inside the encoded word only */
    cr_assert_null(strchr(strchr(to, '=') ? to : "", ','));
    char *mime = header(msg, "MIME-Version");
    cr_assert_str_eq(mime, "1.0");
    char *ct = header(msg, "Content-Type");
    cr_assert_str_eq(ct, "multipart/alternative; boundary=\"=_cxloop_Q1w2E3r4T5y6U7i8O9p0\"");
    check_lines(msg);
    cr_assert_not_null(strstr(msg, "\r\n--=_cxloop_Q1w2E3r4T5y6U7i8O9p0--\r\n"));
    free(date);
    free(mid);
    free(subject);
    free(subject_text);
    free(to);
    free(to_text);
    free(mime);
    free(ct);
    buf_free(&b);
}

Test(mail, long_subject_and_names_fold)
{
    mailer_message_t m = sample();
    m.org_name = "Przedsiębiorstwo Handlowo-Usługowe „Żółta Łódź” spółka z ograniczoną "
                 "odpowiedzialnością";
    m.from_name = m.org_name;
    m.to_name = "Grzegorz Brzęczyszczykiewicz-Chrząszczyżewoszyce";
    buf_t b;
    buf_init(&b, 0);
    cr_assert_eq(mailer_build_message(&m, &b), CX_OK);
    check_lines(buf_str(&b));
    char *subject = header(buf_str(&b), "Subject");
    char *text = decode_words(subject);
    cr_assert(strstr(text, m.org_name) != NULL, "%s", text);
    free(subject);
    free(text);
    buf_free(&b);
}

Test(mail, parts_carry_the_link_and_escape_html)
{
    mailer_message_t m = sample();
    buf_t b;
    buf_init(&b, 0);
    cr_assert_eq(mailer_build_message(&m, &b), CX_OK);
    char *text = part(buf_str(&b), "text/plain");
    char *html = part(buf_str(&b), "text/html");
    cr_assert_not_null(strstr(text, "Dzień dobry Jan \"Kowal\" Kowalski, <jr>,\r\n"), "%s", text);
    cr_assert_not_null(strstr(text, "„Obsługa w sklepie <2026>” zajmie około minuty:"), "%s", text);
    cr_assert_not_null(strstr(text, "\r\nhttp://cx.example.com/s/obsluga?t=AbC_dEf-123\r\n"));
    cr_assert_not_null(strstr(text, "\r\n-- \r\n"), "a signature separator");
    cr_assert_not_null(strstr(html, "<html lang=\"pl\">"));
    /* the attribute escaper writes '=' as an entity, which HTML decodes */
    cr_assert_not_null(strstr(html, "href=\"http://cx.example.com/s/obsluga?t&#61;AbC_dEf-123\""),
                       "%s", html);
    cr_assert_not_null(strstr(html, "Obsługa w sklepie &lt;2026&gt;"), "%s", html);
    cr_assert_null(strstr(html, "<jr>"));
    cr_assert_null(strstr(html, "<2026>"));
    free(text);
    free(html);
    buf_free(&b);
}

Test(mail, reminder_and_languages)
{
    mailer_message_t m = sample();
    m.reminder = true;
    m.language = "en";
    m.to_name = "";
    buf_t b;
    buf_init(&b, 0);
    cr_assert_eq(mailer_build_message(&m, &b), CX_OK);
    char *subject = header(buf_str(&b), "Subject");
    char *subject_text = decode_words(subject);
    cr_assert_str_eq(subject_text, "Reminder: we would value your opinion — Sklep Żółw");
    char *text = part(buf_str(&b), "text/plain");
    cr_assert(strncmp(text, "Hello,\r\n", 8) == 0, "%s", text);
    cr_assert_not_null(strstr(text, "is still open:"));
    free(subject);
    free(subject_text);
    free(text);
    buf_reset(&b);
    m.language = "ro";
    m.reminder = false;
    cr_assert_eq(mailer_build_message(&m, &b), CX_OK);
    text = part(buf_str(&b), "text/plain");
    cr_assert_not_null(strstr(text, "durează aproximativ un minut"), "%s", text);
    free(text);
    buf_free(&b);

    cr_assert_str_eq(mailer_language("en", "pl,en"), "en");
    cr_assert_str_eq(mailer_language("ro", "pl,en"), "pl", "not offered: the survey's first");
    cr_assert_str_eq(mailer_language("de", "en,pl"), "en");
    cr_assert_str_eq(mailer_language("", ""), "pl");
    cr_assert_str_eq(mailer_language("ro", "de,ro"), "ro");
    cr_assert_str_eq(mailer_language("fr", "de"), "pl", "no texts for the first: Polish");
}

Test(mail, plain_ascii_subject_stays_plain_and_long_one_folds)
{
    buf_t b;
    buf_init(&b, 0);
    mailer_header_text(&b, "Hello there");
    cr_assert_str_eq(buf_str(&b), "Hello there");
    buf_reset(&b);
    /* 100 two-byte letters: several words, none splitting a letter */
    char text[201];
    for (int i = 0; i < 100; i++)
        memcpy(text + 2 * i, "ż", 2);
    text[200] = '\0';
    mailer_header_text(&b, text);
    cr_assert_not_null(strstr(buf_str(&b), "?=\r\n =?UTF-8?B?"));
    char *back = decode_words(buf_str(&b));
    cr_assert_str_eq(back, text);
    free(back);
    buf_reset(&b);
    /* control characters never reach a header */
    mailer_header_text(&b, "Zła\r\nBcc: x@y.z");
    char *decoded = decode_words(buf_str(&b));
    cr_assert_null(strchr(buf_str(&b), '\n'));
    cr_assert_str_eq(decoded, "Zła  Bcc: x@y.z");
    free(decoded);
    buf_free(&b);
}

Test(mail, unsafe_addresses_are_refused)
{
    cr_assert(mailer_address_valid("a.b+c@example.co.uk"));
    cr_assert(!mailer_address_valid("a@b"));
    cr_assert(!mailer_address_valid("no-at.example.com"));
    cr_assert(!mailer_address_valid("a@@b.pl"));
    cr_assert(!mailer_address_valid("a b@c.pl"));
    cr_assert(!mailer_address_valid("a@c.pl\r\nBcc: x@y.pl"));
    cr_assert(!mailer_address_valid("<a@c.pl>"));
    cr_assert(!mailer_address_valid("a@c.pl,b@c.pl"));
    cr_assert(!mailer_address_valid(""));
    mailer_message_t m = sample();
    m.to = "x@y.pl>\r\nBcc: evil@example.com";
    buf_t b;
    buf_init(&b, 0);
    cr_assert_eq(mailer_build_message(&m, &b), CX_ERR_INVALID);
    m = sample();
    m.link = "http://x/s/a?t=b\r\nX: y";
    cr_assert_eq(mailer_build_message(&m, &b), CX_ERR_INVALID);
    buf_free(&b);
}

Test(mail, throttle_spacing)
{
    cr_assert_eq(mailer_delay_ms(60), 1000);
    cr_assert_eq(mailer_delay_ms(600), 100);
    cr_assert_eq(mailer_delay_ms(0), 60000 / MAILER_RATE_DEFAULT);
    cr_assert_eq(mailer_delay_ms(MAILER_RATE_MAX * 10), 60000 / MAILER_RATE_MAX);
    cr_assert_eq(mailer_delay_ms(7), 8571);
}
