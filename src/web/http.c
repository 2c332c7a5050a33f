/*
 * http.c — request parsing and response building (see http.h), and the one
 * place where a failure becomes a response.
 *
 * Relies on core/arena.h and core/buf.h, jansson for JSON bodies and html.h
 * for error pages. It must never emit a header value containing CR or LF,
 * never pass undecodable text to a handler, and never render an error in
 * any other place than http_render_error/http_render_status.
 */
#include "web/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/utf8.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/web.h"

/* ---- methods ---- */

static const struct {
    http_method_t method;
    const char *name;
} http_method_names[] = {
    {HTTP_GET, "GET"},     {HTTP_HEAD, "HEAD"},     {HTTP_POST, "POST"},       {HTTP_PUT, "PUT"},
    {HTTP_PATCH, "PATCH"}, {HTTP_DELETE, "DELETE"}, {HTTP_OPTIONS, "OPTIONS"},
};

#define HTTP_METHOD_COUNT (sizeof http_method_names / sizeof http_method_names[0])

http_method_t http_method_from_name(const char *name)
{
    for (size_t i = 0; name && i < HTTP_METHOD_COUNT; i++)
        if (strcmp(name, http_method_names[i].name) == 0)
            return http_method_names[i].method;
    return HTTP_OTHER;
}

const char *http_method_name(http_method_t method)
{
    for (size_t i = 0; i < HTTP_METHOD_COUNT; i++)
        if (http_method_names[i].method == method)
            return http_method_names[i].name;
    return "OTHER";
}

void http_methods_list(buf_t *b, unsigned methods)
{
    bool first = true;
    for (size_t i = 0; i < HTTP_METHOD_COUNT; i++) {
        if (!(methods & http_method_names[i].method))
            continue;
        /* raw: method names from the constant table, for the Allow header */
        buf_printf(b, "%s%s", first ? "" : ", ", http_method_names[i].name);
        first = false;
    }
}

/* ---- parameter lists ---- */

cx_result http_params_add(arena_t *a, http_params_t *p, const char *name, const char *value,
                          size_t value_len)
{
    if (p->count == p->alloc) {
        size_t grown = p->alloc ? p->alloc * 2 : 16;
        http_param_t *items = arena_alloc(a, grown * sizeof *items);
        if (!items)
            return CX_ERR_NOMEM;
        if (p->count)
            memcpy(items, p->items, p->count * sizeof *items);
        p->items = items;
        p->alloc = grown;
    }
    http_param_t *it = &p->items[p->count];
    it->name = arena_strdup(a, name);
    it->value = arena_strndup(a, value ? value : "", value ? value_len : 0);
    it->value_len = value ? value_len : 0;
    if (!it->name || !it->value)
        return CX_ERR_NOMEM;
    p->count++;
    return CX_OK;
}

const char *http_params_get(const http_params_t *p, const char *name)
{
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->items[i].name, name) == 0)
            return p->items[i].value;
    return NULL;
}

const char *http_params_get_nocase(const http_params_t *p, const char *name)
{
    for (size_t i = 0; i < p->count; i++)
        if (strcasecmp(p->items[i].name, name) == 0)
            return p->items[i].value;
    return NULL;
}

/* ---- decoding ---- */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool http_text_valid(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char c = u[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return false;
        if (c == 0x7F)
            return false;
        size_t n = utf8_sequence(u + i, len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

cx_result http_url_decode(arena_t *a, const char *s, size_t len, bool plus_as_space, char **out,
                          size_t *out_len)
{
    char *d = arena_alloc(a, len + 1);
    if (!d)
        return CX_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%' && i + 2 < len) {
            int hi = hex_value(s[i + 1]);
            int lo = hex_value(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                d[n++] = (char)(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        d[n++] = (plus_as_space && c == '+') ? ' ' : c;
    }
    d[n] = '\0';
    if (!http_text_valid(d, n)) /* also refuses NUL */
        return CX_ERR_INVALID;
    *out = d;
    if (out_len)
        *out_len = n;
    return CX_OK;
}

cx_result http_parse_urlencoded(arena_t *a, const char *s, size_t len, http_params_t *out)
{
    size_t i = 0;
    size_t pairs = 0;
    while (i < len) {
        size_t start = i;
        while (i < len && s[i] != '&')
            i++;
        size_t end = i;
        if (i < len)
            i++; /* the '&' */
        if (end == start)
            continue;
        if (++pairs > HTTP_MAX_PARAMS)
            return CX_ERR_INVALID;
        const char *eq = memchr(s + start, '=', end - start);
        size_t name_len = eq ? (size_t)(eq - (s + start)) : end - start;
        const char *vstart = eq ? eq + 1 : s + end;
        size_t vlen = (size_t)((s + end) - vstart);
        char *name, *value;
        size_t value_len;
        cx_result rc = http_url_decode(a, s + start, name_len, true, &name, NULL);
        if (rc)
            return rc;
        rc = http_url_decode(a, vstart, vlen, true, &value, &value_len);
        if (rc)
            return rc;
        rc = http_params_add(a, out, name, value, value_len);
        if (rc)
            return rc;
    }
    return CX_OK;
}

static bool cookie_space(char c) { return c == ' ' || c == '\t'; }

cx_result http_parse_cookies(arena_t *a, const char *header, http_params_t *out)
{
    if (!header)
        return CX_OK;
    const char *p = header;
    size_t n = 0;
    while (*p) {
        while (cookie_space(*p) || *p == ';')
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && *p != ';')
            p++;
        const char *end = p;
        while (end > start && cookie_space(end[-1]))
            end--;
        const char *eq = memchr(start, '=', (size_t)(end - start));
        if (!eq || eq == start)
            continue; /* not name=value: ignore it */
        const char *name_end = eq;
        while (name_end > start && cookie_space(name_end[-1]))
            name_end--;
        const char *v = eq + 1;
        while (v < end && cookie_space(*v))
            v++;
        const char *vend = end;
        if (vend - v >= 2 && *v == '"' && vend[-1] == '"') {
            v++;
            vend--;
        }
        if (++n > HTTP_MAX_COOKIES)
            break;
        char *name = arena_strndup(a, start, (size_t)(name_end - start));
        if (!name)
            return CX_ERR_NOMEM;
        if (!http_text_valid(v, (size_t)(vend - v)))
            continue;
        cx_result rc = http_params_add(a, out, name, v, (size_t)(vend - v));
        if (rc)
            return rc;
    }
    return CX_OK;
}

/* ---- responses ---- */

void http_response_init(http_response_t *res)
{
    memset(res, 0, sizeof *res);
    res->status = 200;
    buf_init(&res->body, 0);
}

void http_response_free(http_response_t *res) { buf_free(&res->body); }

void http_response_reset(http_response_t *res)
{
    res->status = 200;
    res->content_type = NULL;
    /* cookies already decided (language, CSRF) still hold for the error
     * page; every other header belonged to the abandoned answer */
    size_t kept = 0;
    for (size_t i = 0; i < res->headers.count; i++)
        if (strcasecmp(res->headers.items[i].name, "Set-Cookie") == 0)
            res->headers.items[kept++] = res->headers.items[i];
    res->headers.count = kept;
    res->static_body = NULL;
    res->static_len = 0;
    buf_reset(&res->body);
}

void http_set_header(http_request_t *req, http_response_t *res, const char *name, const char *value)
{
    char *v = arena_strdup(&req->arena, value ? value : "");
    if (!v)
        return; /* the response still goes out, without this header */
    for (char *q = v; *q; q++)
        if ((unsigned char)*q < 0x20 || *q == 0x7F)
            *q = ' ';
    (void)http_params_add(&req->arena, &res->headers, name, v, strlen(v));
}

void http_set_cookie(http_request_t *req, http_response_t *res, const char *name, const char *value,
                     long max_age)
{
    buf_t b;
    buf_init(&b, 4096);
    /* raw: a Set-Cookie header; names are ours, values are tokens or language codes */
    buf_printf(&b, "%s=%s; Path=/; HttpOnly; SameSite=Lax", name, value);
    if (req->tls)
        buf_puts(&b, "; Secure");
    if (max_age >= 0)
        buf_printf(&b, "; Max-Age=%ld", max_age);
    if (!buf_failed(&b))
        http_set_header(req, res, "Set-Cookie", buf_str(&b));
    buf_free(&b);
}

void http_redirect(http_request_t *req, http_response_t *res, const char *location)
{
    res->status = 303;
    http_set_header(req, res, "Location", location);
    res->content_type = "text/plain; charset=utf-8";
    buf_reset(&res->body);
}

cx_result http_json(http_request_t *req, http_response_t *res, int status, json_t *value)
{
    (void)req;
    if (!value)
        return CX_ERR_NOMEM;
    char *text = json_dumps(value, JSON_COMPACT | JSON_REAL_PRECISION(12));
    json_decref(value);
    if (!text)
        return CX_ERR_NOMEM;
    buf_reset(&res->body);
    buf_puts(&res->body, text);
    free(text);
    if (buf_failed(&res->body))
        return CX_ERR_NOMEM;
    res->status = status;
    res->content_type = HTTP_CT_JSON;
    return CX_OK;
}

cx_result http_fail(http_request_t *req, cx_result rc, const char *field, const char *message)
{
    req->fail_field = field;
    req->fail_message = message;
    return rc;
}

cx_result http_fail_text(http_request_t *req, cx_result rc, int text)
{
    req->fail_text = text;
    return rc;
}

int http_status_of(cx_result rc)
{
    switch (rc) {
    case CX_OK: return 200;
    case CX_ERR_INVALID: return 400;
    case CX_ERR_NOT_FOUND: return 404;
    case CX_ERR_CONFLICT: return 409;
    case CX_ERR_UNAUTHORIZED: return 401;
    case CX_ERR_FORBIDDEN: return 403;
    case CX_ERR_THROTTLED: return 429;
    case CX_ERR_TOO_LARGE: return 413;
    case CX_ERR_BUSY: return 503;
    default: return 500;
    }
}

/* The code under /api: the result's stable name, except that every server
 * fault is "internal_error" — a client cannot act on which one it was. */
static const char *api_code_of(cx_result rc)
{
    if (http_status_of(rc) == 500)
        return "internal_error";
    return cx_result_code(rc);
}

static const char *api_message_of(cx_result rc)
{
    switch (rc) {
    case CX_ERR_UNAUTHORIZED: return "a valid API key is required (Authorization: Bearer KEY)";
    case CX_ERR_FORBIDDEN: return "the role of this API key does not allow this";
    case CX_ERR_NOT_FOUND: return "not found";
    case CX_ERR_THROTTLED: return "too many requests; try again later";
    case CX_ERR_TOO_LARGE: return "the request body is larger than the server accepts";
    case CX_ERR_BUSY: return "the service is unavailable; try again later";
    default:
        if (http_status_of(rc) == 500)
            return "internal error";
        return cx_result_text(rc);
    }
}

static void render_json_error(http_request_t *req, http_response_t *res, int status,
                              const char *code, const char *message, const char *field)
{
    json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);
    if (err && field)
        json_object_set_new(err, "field", json_string(field));
    json_t *body = err ? json_pack("{s:o}", "error", err) : NULL;
    if (http_json(req, res, status, body) != CX_OK) {
        /* out of memory: a fixed body still tells the client what happened */
        buf_reset(&res->body);
        buf_puts(&res->body,
                 "{\"error\":{\"code\":\"internal_error\",\"message\":\"out of memory\"}}");
        res->status = 500;
        res->content_type = HTTP_CT_JSON;
    }
}

/* The page texts of a status: title and explanation. */
static void html_texts_of(int status, int *title, int *text)
{
    switch (status) {
    case 400:
        *title = T_ERR_400_TITLE;
        *text = T_ERR_400_TEXT;
        break;
    case 401:
        *title = T_ERR_401_TITLE;
        *text = T_ERR_401_TEXT;
        break;
    case 403:
        *title = T_ERR_403_TITLE;
        *text = T_ERR_403_TEXT;
        break;
    case 404:
        *title = T_ERR_404_TITLE;
        *text = T_ERR_404_TEXT;
        break;
    case 405:
        *title = T_ERR_405_TITLE;
        *text = T_ERR_405_TEXT;
        break;
    case 409:
        *title = T_ERR_409_TITLE;
        *text = T_ERR_409_TEXT;
        break;
    case 413:
        *title = T_ERR_413_TITLE;
        *text = T_ERR_413_TEXT;
        break;
    case 429:
        *title = T_ERR_429_TITLE;
        *text = T_ERR_429_TEXT;
        break;
    case 503:
        *title = T_ERR_503_TITLE;
        *text = T_ERR_503_TEXT;
        break;
    default:
        *title = T_ERR_500_TITLE;
        *text = T_ERR_500_TEXT;
        break;
    }
}

static void render_html_error(http_request_t *req, http_response_t *res, int status)
{
    int title, text;
    html_texts_of(status, &title, &text);
    if (req->fail_text >= 0)
        text = req->fail_text;
    html_error_page(req, res, status, web_t(req, title), web_t(req, text));
}

static void add_retry_after(http_request_t *req, http_response_t *res)
{
    if (req->retry_after <= 0)
        return;
    char v[32];
    snprintf(v, sizeof v, "%d", req->retry_after);
    http_set_header(req, res, "Retry-After", v);
}

void http_render_error(http_request_t *req, http_response_t *res, cx_result rc)
{
    if (rc == CX_OK)
        rc = CX_ERR_INTERNAL;
    int status = http_status_of(rc);
    /* keep what a handler deliberately set (Set-Cookie, Retry-After ...)
     * only for statuses where it matters; a half-written body goes */
    http_response_reset(res);
    add_retry_after(req, res);
    if (req->is_api) {
        if (status == 401)
            http_set_header(req, res, "WWW-Authenticate", "Bearer");
        render_json_error(req, res, status, api_code_of(rc),
                          req->fail_message ? req->fail_message : api_message_of(rc),
                          req->fail_field);
    } else {
        render_html_error(req, res, status);
    }
}

void http_render_status(http_request_t *req, http_response_t *res, int status, const char *code,
                        const char *message)
{
    http_response_reset(res);
    add_retry_after(req, res);
    if (req->is_api)
        render_json_error(req, res, status, code, message, NULL);
    else
        render_html_error(req, res, status);
}

/* ---- shortcuts ---- */

const char *http_query(const http_request_t *req, const char *name)
{
    return http_params_get(&req->query, name);
}

const char *http_form(const http_request_t *req, const char *name)
{
    return http_params_get(&req->form, name);
}

const char *http_param(const http_request_t *req, const char *name)
{
    return http_params_get(&req->path_params, name);
}

int64_t http_param_id(const http_request_t *req, const char *name)
{
    const char *text = http_param(req, name);
    int64_t v = 0;
    for (const char *p = text; p && *p; p++) {
        if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10)
            return 0;
        v = v * 10 + (*p - '0');
    }
    return v;
}

const char *http_header(const http_request_t *req, const char *name)
{
    return http_params_get_nocase(&req->headers, name);
}

const char *http_cookie(const http_request_t *req, const char *name)
{
    return http_params_get(&req->cookies, name);
}

/* ---- times ---- */

const char *http_iso_time(arena_t *a, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char s[64];
    if (!gmtime_r(&tt, &tm) || strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return arena_strdup(a, "1970-01-01T00:00:00Z");
    return arena_strdup(a, s);
}

/* Reads exactly n digits at *p; advances it. */
static bool read_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

bool http_parse_iso_time(const char *s, int64_t *out)
{
    if (!s)
        return false;
    const char *p = s;
    int y, mo, d, h, mi, sec;
    if (!read_digits(&p, 4, &y) || *p++ != '-' || !read_digits(&p, 2, &mo) || *p++ != '-' ||
        !read_digits(&p, 2, &d))
        return false;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return false;
    p++;
    if (!read_digits(&p, 2, &h) || *p++ != ':' || !read_digits(&p, 2, &mi))
        return false;
    sec = 0;
    if (*p == ':') {
        p++;
        if (!read_digits(&p, 2, &sec))
            return false;
        if (*p == '.' || *p == ',') {
            p++;
            if (*p < '0' || *p > '9')
                return false;
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    int offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;
        int oh, om;
        p++;
        if (!read_digits(&p, 2, &oh))
            return false;
        if (*p == ':')
            p++;
        if (!read_digits(&p, 2, &om))
            return false;
        if (oh > 23 || om > 59)
            return false;
        offset = sign * (oh * 3600 + om * 60);
    } else {
        return false; /* a time without a zone is ambiguous */
    }
    if (*p)
        return false;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
        sec > 60)
        return false;
    if (sec == 60)
        sec = 59; /* a leap second is stored as the second before it */
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
    return true;
}
