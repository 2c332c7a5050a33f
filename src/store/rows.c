/*
 * rows.c — the store's one loop that reads a listing into an arena array
 * (see rows.h).
 *
 * Relies on db.h and arena.h. The array doubles as rows come (arena
 * memory is not freed one piece at a time, so a listing of n rows costs
 * at most 2n elements until its arena goes); with a maximum it is made
 * that large at once. Must never step past the maximum.
 */
#include "store/rows.h"

#include <string.h>

#define ROWS_FIRST_CAP 16

cx_result store_rows_collect(db_stmt_t *st, arena_t *arena, size_t element_size, size_t max,
                             store_row_fn read, void **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (!st)
        return CX_ERR_STORE;
    size_t n = 0, cap = max ? max : ROWS_FIRST_CAP;
    unsigned char *items = arena_alloc(arena, cap * element_size);
    cx_result rc = items ? CX_OK : CX_ERR_NOMEM;
    db_step_result r = DB_DONE;
    while (!rc && (!max || n < max) && (r = db_step(st)) == DB_ROW) {
        if (n == cap) {
            unsigned char *grown = arena_alloc(arena, cap * 2 * element_size);
            if (!grown) {
                rc = CX_ERR_NOMEM;
                break;
            }
            memcpy(grown, items, n * element_size);
            items = grown;
            cap *= 2;
        }
        rc = read(st, arena, items + n * element_size);
        n++;
    }
    if (!rc && r != DB_DONE && r != DB_ROW)
        rc = CX_ERR_STORE;
    db_done(st);
    if (rc)
        return rc;
    *out = items;
    *count = n;
    return CX_OK;
}
