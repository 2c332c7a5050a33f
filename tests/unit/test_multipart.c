/*
 * test_multipart.c — multipart/form-data bodies as browsers send them:
 * fields and files, quoted parameters, binary data with CR and LF inside,
 * preamble and epilogue, and the broken bodies that must be refused.
 * Pure functions of web/multipart.c; no socket, no store.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/arena.h"
#include "web/multipart.h"

static arena_t arena;

static void setup(void) { arena_init(&arena); }
static void teardown(void) { arena_free(&arena); }

TestSuite(multipart, .init = setup, .fini = teardown);

#define CT "multipart/form-data; boundary=----XyZ"

static cx_result parse(const char *ct, const char *body, size_t len, multipart_part_t **parts,
                       size_t *count)
{
    return multipart_parse(&arena, ct, body, len, parts, count);
}

Test(multipart, content_type)
{
    cr_assert(multipart_is_form_data("multipart/form-data; boundary=a"));
    cr_assert(multipart_is_form_data("Multipart/Form-Data;boundary=a"));
    cr_assert_not(multipart_is_form_data("multipart/form-datax; boundary=a"));
    cr_assert_not(multipart_is_form_data("application/x-www-form-urlencoded"));
    cr_assert_not(multipart_is_form_data(NULL));
}

Test(multipart, fields_and_a_file)
{
    static const char body[] =
        "------XyZ\r\n"
        "Content-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
        "abc123\r\n"
        "------XyZ\r\n"
        "Content-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".csv\"\r\n"
        "Content-Type: text/csv\r\n\r\n"
        "x;y\r\n1;\"2\r\nx ------XyZ is not a boundary without CRLF before it\"\r\n"
        "\r\n"
        "------XyZ\r\n"
        "content-disposition: form-data; name=kind\r\n\r\n"
        "responses\r\n"
        "------XyZ--\r\n";
    multipart_part_t *parts;
    size_t n;
    cr_assert_eq(parse(CT, body, sizeof body - 1, &parts, &n), CX_OK);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(parts[0].name, "csrf_token");
    cr_assert_null(parts[0].filename);
    cr_assert_eq(parts[0].len, 6);
    cr_assert(memcmp(parts[0].data, "abc123", 6) == 0);
    cr_assert_str_eq(parts[1].name, "file");
    cr_assert_str_eq(parts[1].filename, "a \"b\".csv");
    cr_assert_str_eq(parts[1].content_type, "text/csv");
    const char *want = "x;y\r\n1;\"2\r\nx ------XyZ is not a boundary without CRLF before it\"\r\n";
    cr_assert_eq(parts[1].len, strlen(want));
    cr_assert(memcmp(parts[1].data, want, strlen(want)) == 0, "CRLF inside data is data");
    cr_assert_str_eq(parts[2].name, "kind", "unquoted parameter, header name without case");
    cr_assert_eq(parts[2].len, 9);
    cr_assert_not_null(multipart_find(parts, n, "kind"));
    cr_assert_null(multipart_find(parts, n, "nothing"));
}

Test(multipart, preamble_epilogue_quoted_boundary_and_binary)
{
    static const char body[] = "preamble text\r\n"
                               "--q b\r\n"
                               "Content-Disposition: form-data; name=\"f\"; filename=\"\"\r\n\r\n"
                               "\x00\xff\r\n\x01"
                               "\r\n--q b--\r\nepilogue";
    multipart_part_t *parts;
    size_t n;
    cr_assert_eq(parse("multipart/form-data; boundary=\"q b\"", body, sizeof body - 1, &parts, &n),
                 CX_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(parts[0].filename, "", "an empty file input");
    cr_assert_eq(parts[0].len, 5);
    cr_assert(memcmp(parts[0].data, "\x00\xff\r\n\x01", 5) == 0);
}

Test(multipart, empty_form)
{
    static const char body[] = "------XyZ--\r\n";
    multipart_part_t *parts;
    size_t n = 7;
    cr_assert_eq(parse(CT, body, sizeof body - 1, &parts, &n), CX_OK);
    cr_assert_eq(n, 0);
}

Test(multipart, broken_bodies_are_refused)
{
    multipart_part_t *parts;
    size_t n;
    static const char *const bad[] = {
        /* no closing delimiter */
        "------XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue",
        /* headers never end */
        "------XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n",
        /* a part without a name */
        "------XyZ\r\nContent-Type: text/plain\r\n\r\nv\r\n------XyZ--",
        /* not form-data */
        "------XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n------XyZ--",
        /* no boundary at all */
        "just text",
        /* garbage after a boundary */
        "------XyZgarbage\r\n\r\n------XyZ--",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(parse(CT, bad[i], strlen(bad[i]), &parts, &n), CX_ERR_INVALID, "case %zu",
                     i);
    static const char ok[] = "------XyZ--";
    cr_assert_eq(parse("multipart/form-data", ok, sizeof ok - 1, &parts, &n), CX_ERR_INVALID,
                 "no boundary parameter");
    cr_assert_eq(parse("multipart/form-data; boundary=", ok, sizeof ok - 1, &parts, &n),
                 CX_ERR_INVALID, "an empty boundary");
    char longer[200] = "multipart/form-data; boundary=";
    memset(longer + strlen(longer), 'a', 71);
    cr_assert_eq(parse(longer, ok, sizeof ok - 1, &parts, &n), CX_ERR_INVALID,
                 "boundaries are at most 70 characters");
}

Test(multipart, too_many_parts)
{
    buf_t b;
    buf_init(&b, 0);
    for (int i = 0; i <= MULTIPART_MAX_PARTS; i++)
        buf_puts(&b, "------XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n");
    buf_puts(&b, "------XyZ--");
    multipart_part_t *parts;
    size_t n;
    cr_assert_eq(parse(CT, b.data, b.len, &parts, &n), CX_ERR_INVALID);
    buf_free(&b);
}

Test(multipart, fill_form_takes_text_fields_only)
{
    static const char body[] =
        "------XyZ\r\n"
        "Content-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
        "tok\r\n"
        "------XyZ\r\n"
        "Content-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n"
        "a,b\r\n"
        "------XyZ--\r\n";
    http_request_t req;
    memset(&req, 0, sizeof req);
    arena_init(&req.arena);
    http_params_add(&req.arena, &req.headers, "Content-Type", CT, strlen(CT));
    req.body = body;
    req.body_len = sizeof body - 1;
    cr_assert_eq(multipart_fill_form(&req), CX_OK);
    cr_assert_eq(req.form.count, 1);
    cr_assert_str_eq(http_form(&req, "csrf_token"), "tok");
    cr_assert_null(http_form(&req, "file"));
    arena_free(&req.arena);
}

Test(multipart, fill_form_refuses_a_field_that_is_not_text)
{
    static const char body[] = "------XyZ\r\n"
                               "Content-Disposition: form-data; name=\"kind\"\r\n\r\n"
                               "\xff\xfe\r\n"
                               "------XyZ--\r\n";
    http_request_t req;
    memset(&req, 0, sizeof req);
    arena_init(&req.arena);
    http_params_add(&req.arena, &req.headers, "Content-Type", CT, strlen(CT));
    req.body = body;
    req.body_len = sizeof body - 1;
    cr_assert_eq(multipart_fill_form(&req), CX_ERR_INVALID);
    arena_free(&req.arena);
}
