/*
 * store_fixture.h — temporary databases for unit tests: a fresh file in
 * a private temporary directory, removed with everything beside it.
 */
#ifndef CX_TEST_STORE_FIXTURE_H
#define CX_TEST_STORE_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

typedef struct test_db {
    char dir[512];
    char path[600];
} test_db_t;

static inline void test_db_make(test_db_t *t)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/cxloop-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    cr_assert_not_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/test.db", t->dir);
}

static inline store_t *test_db_open(test_db_t *t, int migrate_to)
{
    char err[512];
    store_options_t opt = {.path = t->path, .create = true, .readers = 4, .migrate_to = migrate_to};
    store_t *s = NULL;
    cx_result rc = store_open(&opt, &s, err, sizeof err);
    cr_assert_eq(rc, CX_OK, "store_open: %s", err);
    return s;
}

static inline void test_db_remove(test_db_t *t)
{
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    cr_assert_eq(system(cmd), 0);
}

#endif
