/*
 * multipart.h — reading multipart/form-data bodies (RFC 7578): the upload
 * form of the import page sends its file and its fields this way.
 *
 * It relies on http.h (the request, its arena and its form parameters).
 * Parts point into the body the server collected (no copy of a file is
 * made); names and file names are copied into the arena. It must never
 * trust a part's own Content-Length (there is none in the format), never
 * read past the body, and never put a file's bytes into req->form: only
 * text fields go there, so the router's CSRF check sees csrf_token the
 * same way it does for urlencoded forms.
 */
#ifndef CX_WEB_MULTIPART_H
#define CX_WEB_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/result.h"
#include "web/http.h"

#define MULTIPART_MAX_PARTS 100

typedef struct multipart_part {
    const char *name;     /* the form field; never NULL */
    const char *filename; /* NULL for a plain field; may be "" for an empty file input */
    const char *content_type; /* "" when the part names none */
    const char *data;     /* into the body; not NUL-terminated */
    size_t len;
} multipart_part_t;

/* True when the Content-Type header value is multipart/form-data. */
bool multipart_is_form_data(const char *content_type);

/* Parses body by the boundary of content_type. CX_ERR_INVALID for a body
 * that does not follow the format (no boundary, no closing delimiter, a
 * part without a name, more than MULTIPART_MAX_PARTS parts). */
cx_result multipart_parse(arena_t *a, const char *content_type, const char *body, size_t len,
                          multipart_part_t **parts, size_t *count);

/* The first part named name, or NULL. */
const multipart_part_t *multipart_find(const multipart_part_t *parts, size_t count,
                                       const char *name);

/* For the server: adds the text fields of a multipart request body to
 * req->form. CX_ERR_INVALID for an unreadable body or a field that is not
 * UTF-8 text. */
cx_result multipart_fill_form(http_request_t *req);

#endif
