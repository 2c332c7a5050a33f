/*
 * rows.h — reading every row of a listing statement into an array in an
 * arena, for the store's modules (users, API keys, audit, surveys,
 * questions, touchpoints, invitations).
 *
 * Relies on db.h and arena.h only; the caller prepares and binds the
 * statement and says how one row becomes one element. It must never
 * prepare SQL itself nor know what a row means.
 */
#ifndef CX_STORE_ROWS_H
#define CX_STORE_ROWS_H

#include <stddef.h>

#include "core/arena.h"
#include "core/result.h"
#include "store/db.h"

/* Fills one zeroed element from the current row; CX_ERR_NOMEM when a copy
 * into the arena failed. */
typedef cx_result (*store_row_fn)(db_stmt_t *st, arena_t *arena, void *element);

/* Steps st (NULL: CX_ERR_STORE) to its end, or until max rows were read
 * when max > 0, reading each row with read into an array of elements of
 * element_size bytes in arena. CX_OK with *out and *count (*out is never
 * NULL then); otherwise *out is NULL and *count 0. The statement is done
 * afterwards. */
cx_result store_rows_collect(db_stmt_t *st, arena_t *arena, size_t element_size, size_t max,
                             store_row_fn read, void **out, size_t *count);

#endif
