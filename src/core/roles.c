/*
 * roles.c — the role/capability table (see roles.h).
 */
#include "core/roles.h"

#include <string.h>

static const struct {
    const char *name;
    unsigned caps;
} role_table[] = {
    [ROLE_NONE] = {"none", 0},
    [ROLE_VIEWER] = {"viewer", CAP_VIEW},
    [ROLE_AGENT] = {"agent", CAP_VIEW | CAP_CASES},
    [ROLE_ANALYST] = {"analyst", CAP_VIEW | CAP_ANALYSE},
    [ROLE_MANAGER] = {"manager", CAP_VIEW | CAP_CASES | CAP_ANALYSE | CAP_MANAGE},
    [ROLE_ADMIN] = {"admin", CAP_VIEW | CAP_CASES | CAP_ANALYSE | CAP_MANAGE | CAP_ADMIN},
};

role_t role_from_name(const char *name)
{
    if (!name)
        return ROLE_NONE;
    for (int r = ROLE_VIEWER; r <= ROLE_ADMIN; r++)
        if (strcmp(role_table[r].name, name) == 0)
            return (role_t)r;
    return ROLE_NONE;
}

const char *role_name(role_t role)
{
    if (role < ROLE_NONE || role > ROLE_ADMIN)
        return "none";
    return role_table[role].name;
}

unsigned role_capabilities(role_t role)
{
    if (role < ROLE_NONE || role > ROLE_ADMIN)
        return 0;
    return role_table[role].caps;
}

bool role_can(role_t role, unsigned capability)
{
    return (role_capabilities(role) & capability) == capability;
}

const char *role_names_list(void) { return "admin, manager, analyst, agent, viewer"; }
