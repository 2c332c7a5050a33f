/*
 * result.c — names and descriptions of cx_result codes.
 *
 * The names are a public contract (API error bodies); add codes at the end
 * of the table, never rename one.
 */
#include "core/result.h"

static const struct {
    const char *code;
    const char *text;
} result_table[CX_RESULT_COUNT] = {
    [CX_OK] = {"ok", "success"},
    [CX_ERR_INVALID] = {"invalid_input", "invalid input"},
    [CX_ERR_NOT_FOUND] = {"not_found", "not found"},
    [CX_ERR_CONFLICT] = {"conflict", "already exists"},
    [CX_ERR_UNAUTHORIZED] = {"unauthorized", "authentication required"},
    [CX_ERR_FORBIDDEN] = {"forbidden", "not allowed for this role"},
    [CX_ERR_THROTTLED] = {"too_many_requests", "too many attempts, try again later"},
    [CX_ERR_TOO_LARGE] = {"too_large", "input too large"},
    [CX_ERR_NOMEM] = {"out_of_memory", "out of memory"},
    [CX_ERR_IO] = {"io_error", "input/output error"},
    [CX_ERR_STORE] = {"store_error", "database error"},
    [CX_ERR_BUSY] = {"unavailable", "service unavailable"},
    [CX_ERR_INTERNAL] = {"internal_error", "internal error"},
};

const char *cx_result_code(cx_result rc)
{
    if ((unsigned)rc >= CX_RESULT_COUNT)
        return "internal_error";
    return result_table[rc].code;
}

const char *cx_result_text(cx_result rc)
{
    if ((unsigned)rc >= CX_RESULT_COUNT)
        return "internal error";
    return result_table[rc].text;
}
