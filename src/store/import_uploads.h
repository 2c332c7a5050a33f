/*
 * import_uploads.h — what the import page keeps between its steps: the
 * uploaded file (for an hour, for the user who sent it) and the column
 * mapping remembered per kind and header fingerprint.
 *
 * Every function takes the db_conn_t of a store job (store.h); SQL lives
 * in import_uploads.c only. It must never hand one user's upload to
 * another: every read names the user.
 */
#ifndef CX_STORE_IMPORT_UPLOADS_H
#define CX_STORE_IMPORT_UPLOADS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/result.h"
#include "store/db.h"

/* How long an upload waits for its mapping step. */
#define IMPORT_UPLOADS_TTL 3600

typedef struct import_upload {
    int64_t id;
    int64_t user_id;
    const char *kind;
    int64_t survey_id; /* 0 none */
    const char *file_name;
    void *data; /* malloc'd; the caller frees it */
    size_t len;
    int64_t created_at;
} import_upload_t;

/* Stores an upload and forgets every upload older than the TTL. */
cx_result import_uploads_add(db_conn_t *db, const import_upload_t *u, int64_t now,
                             int64_t *id_out);
/* The upload id of user_id that is younger than the TTL, with its bytes
 * (malloc'd into out->data); CX_ERR_NOT_FOUND otherwise. Strings in arena. */
cx_result import_uploads_get(db_conn_t *db, arena_t *arena, int64_t id, int64_t user_id,
                             int64_t now, import_upload_t *out);
cx_result import_uploads_delete(db_conn_t *db, int64_t id);

/* The mapping (JSON text, in arena) saved for kind and fingerprint;
 * CX_ERR_NOT_FOUND when none was. */
cx_result import_mappings_get(db_conn_t *db, arena_t *arena, const char *kind,
                              const char *fingerprint, const char **mapping);
cx_result import_mappings_put(db_conn_t *db, const char *kind, const char *fingerprint,
                              const char *mapping, const char *actor, int64_t now);

#endif
