/*
 * result.h — the one result code of cxloop.
 *
 * Every function that can fail returns a cx_result. CX_OK is zero, so
 * `if (rc) return rc;` reads naturally. Each code has a stable machine name
 * (cx_result_code) that is part of the API contract: it appears as
 * error.code in JSON error bodies and is documented in docs/api-errors.md.
 * User errors (bad input) and system failures are different codes; bugs are
 * not results at all but assertions.
 */
#ifndef CX_RESULT_H
#define CX_RESULT_H

typedef enum cx_result {
    CX_OK = 0,
    CX_ERR_INVALID,      /* bad input from a user or client */
    CX_ERR_NOT_FOUND,    /* the named thing does not exist */
    CX_ERR_CONFLICT,     /* it exists already, or a uniqueness rule is hit */
    CX_ERR_UNAUTHORIZED, /* no valid credentials */
    CX_ERR_FORBIDDEN,    /* valid credentials, role too low */
    CX_ERR_THROTTLED,    /* too many attempts; try later */
    CX_ERR_TOO_LARGE,    /* input larger than the configured limit */
    CX_ERR_NOMEM,        /* allocation failed or a buffer cap was reached */
    CX_ERR_IO,           /* file or network failure */
    CX_ERR_STORE,        /* the database failed */
    CX_ERR_BUSY,         /* shutting down or overloaded */
    CX_ERR_INTERNAL,     /* anything else that is our fault */
    CX_RESULT_COUNT
} cx_result;

/* Stable snake_case name, e.g. "invalid_input". Never NULL. */
const char *cx_result_code(cx_result rc);

/* Short English description for logs and CLI messages. Never NULL. */
const char *cx_result_text(cx_result rc);

#endif
