/*
 * multipart.c — multipart/form-data bodies (see multipart.h).
 *
 * A body is: an optional preamble, then for each part "--BOUNDARY" CRLF,
 * header lines, an empty line and the data, each part's data ending at
 * CRLF "--BOUNDARY"; after the last part "--BOUNDARY--". Only the
 * Content-Disposition (name, filename) and Content-Type headers matter.
 * Relies on http.h for the form parameters; it must never read outside
 * [body, body + len).
 */
#include "web/multipart.h"

#include <string.h>
#include <strings.h>

#define MULTIPART_MAX_BOUNDARY 70

bool multipart_is_form_data(const char *content_type)
{
    if (!content_type)
        return false;
    while (*content_type == ' ')
        content_type++;
    static const char want[] = "multipart/form-data";
    size_t n = sizeof want - 1;
    return strncasecmp(content_type, want, n) == 0 &&
           (content_type[n] == '\0' || content_type[n] == ';' || content_type[n] == ' ');
}

/* The value of parameter name in a header value ("a; name=v; b=\"w\""),
 * copied into the arena, or NULL. */
static const char *header_param(arena_t *a, const char *value, size_t vlen, const char *name)
{
    size_t nlen = strlen(name);
    const char *p = value, *end = value + vlen;
    while (p < end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        if (!semi)
            return NULL;
        p = semi + 1;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if ((size_t)(end - p) <= nlen || strncasecmp(p, name, nlen) != 0 || p[nlen] != '=')
            continue;
        p += nlen + 1;
        if (p < end && *p == '"') {
            /* a quoted string; a backslash keeps the next character */
            buf_t b;
            buf_init(&b, 4096);
            for (p++; p < end && *p != '"'; p++) {
                if (*p == '\\' && p + 1 < end)
                    p++;
                buf_putc(&b, *p);
            }
            const char *out = p < end && !buf_failed(&b) ? arena_strdup(a, buf_str(&b)) : NULL;
            buf_free(&b);
            return out;
        }
        const char *stop = p;
        while (stop < end && *stop != ';' && *stop != ' ' && *stop != '\t')
            stop++;
        return arena_strndup(a, p, (size_t)(stop - p));
    }
    return NULL;
}

static const char *find_boundary(arena_t *a, const char *content_type)
{
    if (!multipart_is_form_data(content_type))
        return NULL;
    const char *b = header_param(a, content_type, strlen(content_type), "boundary");
    if (!b || !b[0] || strlen(b) > MULTIPART_MAX_BOUNDARY)
        return NULL;
    return b;
}

/* Reads the header lines of a part from *p (just after the CRLF that
 * follows its boundary) up to the empty line. */
static cx_result part_headers(arena_t *a, const char **p, const char *end, multipart_part_t *part)
{
    const char *s = *p;
    part->name = NULL;
    part->filename = NULL;
    part->content_type = "";
    for (;;) {
        const char *eol = memmem(s, (size_t)(end - s), "\r\n", 2);
        if (!eol)
            return CX_ERR_INVALID;
        if (eol == s) {
            *p = eol + 2;
            return part->name ? CX_OK : CX_ERR_INVALID;
        }
        const char *colon = memchr(s, ':', (size_t)(eol - s));
        if (colon) {
            size_t hlen = (size_t)(colon - s);
            const char *v = colon + 1;
            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            size_t vlen = (size_t)(eol - v);
            if (hlen == 19 && strncasecmp(s, "Content-Disposition", 19) == 0) {
                if (vlen < 9 || strncasecmp(v, "form-data", 9) != 0)
                    return CX_ERR_INVALID;
                part->name = header_param(a, v, vlen, "name");
                part->filename = header_param(a, v, vlen, "filename");
            } else if (hlen == 12 && strncasecmp(s, "Content-Type", 12) == 0) {
                const char *ct = arena_strndup(a, v, vlen);
                if (!ct)
                    return CX_ERR_NOMEM;
                part->content_type = ct;
            }
        }
        s = eol + 2;
    }
}

cx_result multipart_parse(arena_t *a, const char *content_type, const char *body, size_t len,
                          multipart_part_t **parts, size_t *count)
{
    *parts = NULL;
    *count = 0;
    const char *boundary = find_boundary(a, content_type);
    if (!boundary || !body)
        return CX_ERR_INVALID;
    /* "\r\n--BOUNDARY": the first one may come without the CRLF */
    char delim[MULTIPART_MAX_BOUNDARY + 5];
    size_t blen = strlen(boundary);
    memcpy(delim, "\r\n--", 4);
    memcpy(delim + 4, boundary, blen);
    size_t dlen = blen + 4;
    const char *end = body + len;
    const char *p;
    if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
        p = body + dlen - 2;
    else if ((p = memmem(body, len, delim, dlen)))
        p += dlen;
    else
        return CX_ERR_INVALID;
    multipart_part_t *out = arena_alloc(a, MULTIPART_MAX_PARTS * sizeof *out);
    if (!out)
        return CX_ERR_NOMEM;
    size_t n = 0;
    for (;;) {
        /* p is just after a boundary */
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            break; /* the closing delimiter; an epilogue may follow */
        while (p < end && (*p == ' ' || *p == '\t'))
            p++; /* transport padding */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            return CX_ERR_INVALID;
        p += 2;
        if (n == MULTIPART_MAX_PARTS)
            return CX_ERR_INVALID;
        multipart_part_t *part = &out[n];
        cx_result rc = part_headers(a, &p, end, part);
        if (rc)
            return rc;
        const char *next = memmem(p, (size_t)(end - p), delim, dlen);
        if (!next)
            return CX_ERR_INVALID;
        part->data = p;
        part->len = (size_t)(next - p);
        n++;
        p = next + dlen;
    }
    *parts = out;
    *count = n;
    return CX_OK;
}

const multipart_part_t *multipart_find(const multipart_part_t *parts, size_t count,
                                       const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(parts[i].name, name) == 0)
            return &parts[i];
    return NULL;
}

cx_result multipart_fill_form(http_request_t *req)
{
    multipart_part_t *parts;
    size_t count;
    cx_result rc = multipart_parse(&req->arena, http_header(req, "Content-Type"), req->body,
                                   req->body_len, &parts, &count);
    for (size_t i = 0; !rc && i < count; i++) {
        if (parts[i].filename)
            continue;
        if (!http_text_valid(parts[i].data, parts[i].len))
            return CX_ERR_INVALID;
        rc = http_params_add(&req->arena, &req->form, parts[i].name, parts[i].data,
                             parts[i].len);
    }
    return rc;
}
