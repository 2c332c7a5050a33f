/*
 * roles.h — the five roles and what each may do.
 *
 * Routes and commands ask for a capability, never for a role by name, so
 * the table in roles.c is the single place that says who may do what:
 *
 *   capability     viewer agent analyst manager admin
 *   VIEW             x     x      x       x      x    dashboards, reports
 *   CASES                  x              x      x    work cases (inner loop)
 *   ANALYSE                       x       x      x    explore, export, raw data
 *   MANAGE                                x      x    surveys, journey, targets,
 *                                                     initiatives, imports
 *   ADMIN                                        x    users, API keys, audit,
 *                                                     settings
 */
#ifndef CX_ROLES_H
#define CX_ROLES_H

#include <stdbool.h>

typedef enum role {
    ROLE_NONE = 0,
    ROLE_VIEWER,
    ROLE_AGENT,
    ROLE_ANALYST,
    ROLE_MANAGER,
    ROLE_ADMIN,
} role_t;

enum {
    CAP_VIEW = 1 << 0,
    CAP_CASES = 1 << 1,
    CAP_ANALYSE = 1 << 2,
    CAP_MANAGE = 1 << 3,
    CAP_ADMIN = 1 << 4,
};

/* ROLE_NONE for an unknown name. */
role_t role_from_name(const char *name);
/* "admin", ...; "none" for ROLE_NONE. */
const char *role_name(role_t role);
unsigned role_capabilities(role_t role);
bool role_can(role_t role, unsigned capability);
/* "admin, manager, analyst, agent, viewer" for help and error messages. */
const char *role_names_list(void);

#endif
