/*
 * buf.h — the growable byte buffer every piece of output is written into,
 * and the one place where text is escaped for its destination.
 *
 * A buf grows on the heap up to a hard cap. When an append fails (allocation
 * failure or cap reached) the buffer enters a sticky error state: later
 * appends do nothing, and the caller checks buf_failed() once at the end,
 * as with curl's dynbuf. The bytes are always NUL-terminated.
 *
 * buf_printf understands printf's %d %ld %lld %zu %c %f (with precision) and
 * %% — plus context conversions that escape the argument (a const char *,
 * NULL prints nothing):
 *
 *   %h   HTML text      & < > " ' escaped
 *   %a   HTML attribute same set, plus ` and = so unquoted use is still safe
 *   %u   URL component  everything but unreserved characters percent-encoded
 *   %j   JSON string    the contents between the quotes, escaped per RFC 8259
 *   %s   raw            trusted text only: string literals and HTML we built
 *
 * Raw %s with user text in HTML is a bug; tools/check-format flags %s whose
 * argument is not obviously trusted.
 *
 * Ownership: the buf owns its data until buf_detach() hands it to the caller
 * (who frees it with free()). buf_free() releases it.
 */
#ifndef CX_BUF_H
#define CX_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/result.h"

#define BUF_DEFAULT_CAP ((size_t)64 << 20) /* 64 MiB */

typedef struct buf {
    char *data;
    size_t len;
    size_t alloc;
    size_t cap;  /* hard limit on len */
    bool failed; /* sticky */
    bool over_cap; /* the failure was the cap, not memory */
} buf_t;

/* An empty buffer with the given cap (0 means BUF_DEFAULT_CAP). */
void buf_init(buf_t *b, size_t cap);
void buf_free(buf_t *b);
void buf_reset(buf_t *b); /* len = 0, keeps memory, clears the error */

/* Hands the NUL-terminated bytes to the caller (caller frees); the buf is
 * left empty. Returns NULL if the buffer failed. */
char *buf_detach(buf_t *b, size_t *len);

bool buf_failed(const buf_t *b);
/* CX_OK, or CX_ERR_TOO_LARGE / CX_ERR_NOMEM for a failed buffer. */
cx_result buf_result(const buf_t *b);
/* Never NULL: "" when empty. Valid until the next append. */
const char *buf_str(const buf_t *b);

void buf_append(buf_t *b, const void *data, size_t len);
void buf_puts(buf_t *b, const char *s);
void buf_putc(buf_t *b, char c);
void buf_printf(buf_t *b, const char *fmt, ...);
void buf_vprintf(buf_t *b, const char *fmt, va_list ap);

/* The escapers behind %h %a %u %j, for callers with a length. */
void buf_html(buf_t *b, const char *s, size_t len);
void buf_attr(buf_t *b, const char *s, size_t len);
void buf_url(buf_t *b, const char *s, size_t len);
void buf_json(buf_t *b, const char *s, size_t len);

#endif
