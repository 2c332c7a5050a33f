/*
 * schema.h — access to the numbered migrations of the active backend.
 * Used by the backend at open and by the migration test.
 */
#ifndef CX_SCHEMA_H
#define CX_SCHEMA_H

/* Number of migrations; the newest schema version. */
int schema_migration_count(void);
/* SQL that takes version-1 to version; NULL outside 1..count. */
const char *schema_migration_sql(int version);

#endif
