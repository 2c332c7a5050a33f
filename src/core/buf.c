/*
 * buf.c — growable buffer with a cap and a sticky error; escaping printf.
 *
 * This file is the only escaping routine of cxloop: HTML, attribute, URL
 * and JSON-string output all come through here (see buf.h). Invalid UTF-8
 * passes through the HTML escapers unchanged byte for byte (browsers show a
 * replacement character); the JSON escaper replaces invalid sequences with
 * U+FFFD so that every JSON document we emit is valid.
 */
#include "core/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

void buf_init(buf_t *b, size_t cap)
{
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
    b->cap = cap ? cap : BUF_DEFAULT_CAP;
    b->failed = false;
    b->over_cap = false;
}

void buf_free(buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->alloc = 0;
}

void buf_reset(buf_t *b)
{
    b->len = 0;
    b->failed = false;
    b->over_cap = false;
    if (b->data)
        b->data[0] = '\0';
}

char *buf_detach(buf_t *b, size_t *len)
{
    if (b->failed) {
        buf_free(b);
        return NULL;
    }
    char *out = b->data ? b->data : calloc(1, 1);
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->alloc = 0;
    return out;
}

bool buf_failed(const buf_t *b) { return b->failed; }

cx_result buf_result(const buf_t *b)
{
    if (!b->failed)
        return CX_OK;
    return b->over_cap ? CX_ERR_TOO_LARGE : CX_ERR_NOMEM;
}

const char *buf_str(const buf_t *b) { return b->data ? b->data : ""; }

/* Makes room for `extra` more bytes plus the NUL; false on failure. */
static bool buf_reserve(buf_t *b, size_t extra)
{
    if (b->failed)
        return false;
    if (extra > b->cap - b->len) {
        b->failed = true;
        b->over_cap = true;
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->alloc)
        return true;
    size_t grown = b->alloc ? b->alloc : 256;
    while (grown < need)
        grown = grown > SIZE_MAX / 2 ? need : grown * 2;
    char *p = realloc(b->data, grown);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->alloc = grown;
    return true;
}

void buf_append(buf_t *b, const void *data, size_t len)
{
    if (!buf_reserve(b, len))
        return;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void buf_puts(buf_t *b, const char *s)
{
    if (s)
        buf_append(b, s, strlen(s));
}

void buf_putc(buf_t *b, char c) { buf_append(b, &c, 1); }

/* HTML text and attribute escaping share one loop; attributes also
 * escape ` and = so that even an unquoted attribute stays one token. */
static void buf_escape_markup(buf_t *b, const char *s, size_t len, bool attribute)
{
    if (!s)
        return;
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        const char *rep;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case '`': rep = attribute ? "&#96;" : NULL; break;
        case '=': rep = attribute ? "&#61;" : NULL; break;
        default: rep = NULL;
        }
        if (!rep)
            continue;
        buf_append(b, s + start, i - start);
        buf_puts(b, rep);
        start = i + 1;
    }
    buf_append(b, s + start, len - start);
}

void buf_html(buf_t *b, const char *s, size_t len) { buf_escape_markup(b, s, len, false); }

void buf_attr(buf_t *b, const char *s, size_t len) { buf_escape_markup(b, s, len, true); }

void buf_url(buf_t *b, const char *s, size_t len)
{
    if (!s)
        return;
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
            c == '~') {
            buf_putc(b, (char)c);
        } else {
            char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
            buf_append(b, enc, 3);
        }
    }
}

void buf_json(buf_t *b, const char *s, size_t len)
{
    if (!s)
        return;
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char c = u[i];
        if (c >= 0x80) {
            size_t n = utf8_sequence(u + i, len - i);
            if (n == 0) {
                buf_puts(b, "\xEF\xBF\xBD"); /* U+FFFD */
                i++;
            } else {
                buf_append(b, u + i, n);
                i += n;
            }
            continue;
        }
        switch (c) {
        case '"': buf_puts(b, "\\\""); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\t': buf_puts(b, "\\t"); break;
        case '<': buf_puts(b, "\\u003c"); break; /* safe inside <script> */
        default:
            if (c < 0x20 || c == 0x7F) {
                char enc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                buf_append(b, enc, 6);
            } else {
                buf_putc(b, (char)c);
            }
        }
        i++;
    }
}

/* Formats one printf conversion with the system printf into b. */
static void buf_format_number(buf_t *b, const char *spec, size_t spec_len,
                              va_list *ap, char kind)
{
    char fmt[32];
    char out[512];
    if (spec_len >= sizeof fmt) {
        b->failed = true;
        return;
    }
    memcpy(fmt, spec, spec_len);
    fmt[spec_len] = '\0';
    int n;
    switch (kind) {
    case 'i': n = snprintf(out, sizeof out, fmt, va_arg(*ap, int)); break;
    case 'l': n = snprintf(out, sizeof out, fmt, va_arg(*ap, long)); break;
    case 'L': n = snprintf(out, sizeof out, fmt, va_arg(*ap, long long)); break;
    case 'z': n = snprintf(out, sizeof out, fmt, va_arg(*ap, size_t)); break;
    case 'f': n = snprintf(out, sizeof out, fmt, va_arg(*ap, double)); break;
    default: n = -1;
    }
    if (n < 0 || (size_t)n >= sizeof out) {
        b->failed = true;
        return;
    }
    buf_append(b, out, (size_t)n);
}

void buf_vprintf(buf_t *b, const char *fmt, va_list ap_in)
{
    va_list ap;
    va_copy(ap, ap_in);
    const char *p = fmt;
    while (*p && !b->failed) {
        const char *pct = strchr(p, '%');
        if (!pct) {
            buf_puts(b, p);
            break;
        }
        buf_append(b, p, (size_t)(pct - p));
        const char *spec = pct++;
        /* flags, width and precision for numeric conversions */
        while (*pct && strchr("-+ 0#", *pct))
            pct++;
        while (*pct >= '0' && *pct <= '9')
            pct++;
        if (*pct == '.') {
            pct++;
            while (*pct >= '0' && *pct <= '9')
                pct++;
        }
        char conv = *pct;
        if (conv == '\0') {
            b->failed = true; /* a lone % at the end is a bug in the caller */
            break;
        }
        p = pct + 1;
        switch (conv) {
        case '%': buf_putc(b, '%'); break;
        case 'c': buf_putc(b, (char)va_arg(ap, int)); break;
        case 's': buf_puts(b, va_arg(ap, const char *)); break;
        case 'h':
        case 'a':
        case 'u':
        case 'j': {
            const char *s = va_arg(ap, const char *);
            size_t n = s ? strlen(s) : 0;
            if (conv == 'h')
                buf_html(b, s, n);
            else if (conv == 'a')
                buf_attr(b, s, n);
            else if (conv == 'u')
                buf_url(b, s, n);
            else
                buf_json(b, s, n);
            break;
        }
        case 'd': buf_format_number(b, spec, (size_t)(p - spec), &ap, 'i'); break;
        case 'f': buf_format_number(b, spec, (size_t)(p - spec), &ap, 'f'); break;
        case 'l':
            if (pct[1] == 'd') {
                p++;
                buf_format_number(b, spec, (size_t)(p - spec), &ap, 'l');
            } else if (pct[1] == 'l' && pct[2] == 'd') {
                p += 2;
                buf_format_number(b, spec, (size_t)(p - spec), &ap, 'L');
            } else {
                b->failed = true;
            }
            break;
        case 'z':
            if (pct[1] == 'u') {
                p++;
                buf_format_number(b, spec, (size_t)(p - spec), &ap, 'z');
            } else {
                b->failed = true;
            }
            break;
        default: b->failed = true; /* unknown conversion: a bug */
        }
    }
    va_end(ap);
}

void buf_printf(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}
