/*
 * names.h — what a user name or key name may look like.
 *
 * Names appear in URLs (/settings/users/NAME), logs and the audit trail, so
 * they are kept to a safe set: 1–64 characters of ASCII letters, digits
 * and . _ - @ , starting with a letter or digit.
 */
#ifndef CX_NAMES_H
#define CX_NAMES_H

#include <stdbool.h>

#define NAME_MAX_LENGTH 64

bool name_is_valid(const char *name);
/* An English sentence saying what a valid name looks like. */
const char *name_rule_text(void);

#endif
