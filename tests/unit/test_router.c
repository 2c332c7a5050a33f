/*
 * test_router.c — the route table and path matching of web/router.c: path
 * parameters, 404 versus 405, and the rules every row of the table must
 * keep (a capability on every page, CSRF on every form that changes state,
 * the admin area for admins only). Pure: no server, no store.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/arena.h"
#include "core/roles.h"
#include "web/router.h"

static arena_t arena;

static void setup(void) { arena_init(&arena); }
static void teardown(void) { arena_free(&arena); }

TestSuite(router, .init = setup, .fini = teardown);

static cx_result match(const char *pattern, const char *path, http_params_t *p)
{
    return router_pattern_match(&arena, pattern, path, p);
}

Test(router, literal_patterns)
{
    http_params_t p = {0};
    cr_assert_eq(match("/", "/", &p), CX_OK);
    cr_assert_eq(match("/login", "/login", &p), CX_OK);
    cr_assert_eq(match("/settings/users", "/settings/users", &p), CX_OK);
    cr_assert_eq(match("/login", "/logout", &p), CX_ERR_NOT_FOUND);
    cr_assert_eq(match("/login", "/login/", &p), CX_ERR_NOT_FOUND, "a trailing slash differs");
    cr_assert_eq(match("/settings", "/settings/users", &p), CX_ERR_NOT_FOUND);
    cr_assert_eq(match("/settings/users", "/settings", &p), CX_ERR_NOT_FOUND);
    cr_assert_eq(match("/", "/x", &p), CX_ERR_NOT_FOUND);
    cr_assert_eq(match("/x", "x", &p), CX_ERR_NOT_FOUND, "paths start with a slash");
    cr_assert_eq(match("/Login", "/login", &p), CX_ERR_NOT_FOUND, "case matters");
    cr_assert_eq(p.count, 0);
}

Test(router, parameters_are_decoded)
{
    http_params_t p = {0};
    cr_assert_eq(match("/settings/users/:name/disable", "/settings/users/anna.k/disable", &p),
                 CX_OK);
    cr_assert_str_eq(http_params_get(&p, "name"), "anna.k");

    http_params_t q = {0};
    cr_assert_eq(match("/settings/users/:name/password", "/settings/users/a%2Fb%20c/password", &q),
                 CX_OK);
    cr_assert_str_eq(http_params_get(&q, "name"), "a/b c", "a parameter may hold an encoded slash");

    http_params_t r = {0};
    cr_assert_eq(match("/x/:a/:b", "/x/1/2", &r), CX_OK);
    cr_assert_str_eq(http_params_get(&r, "a"), "1");
    cr_assert_str_eq(http_params_get(&r, "b"), "2");

    http_params_t plus = {0};
    cr_assert_eq(match("/x/:a", "/x/a+b", &plus), CX_OK);
    cr_assert_str_eq(http_params_get(&plus, "a"), "a+b", "'+' is literal in a path");
}

Test(router, parameters_need_a_segment)
{
    http_params_t p = {0};
    cr_assert_eq(match("/settings/users/:name/disable", "/settings/users//disable", &p),
                 CX_ERR_NOT_FOUND);
    cr_assert_eq(match("/api/v1/feedback/:id", "/api/v1/feedback/", &p), CX_ERR_NOT_FOUND);
    cr_assert_eq(match("/api/v1/feedback/:id", "/api/v1/feedback/1/2", &p), CX_ERR_NOT_FOUND);
    cr_assert_eq(p.count, 0, "a failed match leaves no parameters behind");
}

Test(router, parameters_must_be_text)
{
    http_params_t p = {0};
    cr_assert_eq(match("/x/:a", "/x/%00", &p), CX_ERR_INVALID);
    cr_assert_eq(match("/x/:a", "/x/%FF", &p), CX_ERR_INVALID);
    cr_assert_eq(p.count, 0);
}

Test(router, find_by_method_and_path)
{
    http_params_t p = {0};
    unsigned allowed = 99;
    const route_t *r = router_find(&arena, HTTP_GET, "/", &p, &allowed);
    cr_assert_not_null(r);
    cr_assert_eq(r->area, AREA_DASHBOARD);
    cr_assert_eq(r->kind, ROUTE_PAGE);

    r = router_find(&arena, HTTP_POST, "/settings/users/ola/disable", &p, &allowed);
    cr_assert_not_null(r);
    cr_assert_str_eq(r->pattern, "/settings/users/:name/disable");
    cr_assert_str_eq(http_params_get(&p, "name"), "ola");

    http_params_t q = {0};
    r = router_find(&arena, HTTP_GET, "/api/v1/feedback/42", &q, &allowed);
    cr_assert_not_null(r);
    cr_assert_eq(r->kind, ROUTE_API);
    cr_assert_str_eq(http_params_get(&q, "id"), "42");
}

Test(router, head_follows_get)
{
    http_params_t p = {0};
    unsigned allowed;
    const route_t *r = router_find(&arena, HTTP_HEAD, "/healthz", &p, &allowed);
    cr_assert_not_null(r);
    cr_assert(r->methods & HTTP_GET);
}

Test(router, wrong_method_lists_what_is_allowed)
{
    http_params_t p = {0};
    unsigned allowed = 0;
    cr_assert_null(router_find(&arena, HTTP_PUT, "/login", &p, &allowed));
    cr_assert_eq(allowed, HTTP_GET | HTTP_HEAD | HTTP_POST);

    cr_assert_null(router_find(&arena, HTTP_GET, "/logout", &p, &allowed));
    cr_assert_eq(allowed, HTTP_POST);

    cr_assert_null(router_find(&arena, HTTP_DELETE, "/api/v1/me", &p, &allowed));
    cr_assert_eq(allowed, HTTP_GET | HTTP_HEAD);

    cr_assert_null(router_find(&arena, HTTP_GET, "/settings/users/ola/password", &p, &allowed));
    cr_assert_eq(allowed, HTTP_POST);
    cr_assert_eq(p.count, 0, "no parameters from a route that was not taken");
}

Test(router, unknown_paths_allow_nothing)
{
    http_params_t p = {0};
    unsigned allowed = 99;
    cr_assert_null(router_find(&arena, HTTP_GET, "/nope", &p, &allowed));
    cr_assert_eq(allowed, 0);
    cr_assert_null(router_find(&arena, HTTP_GET, "/api/v1/nope", &p, &allowed));
    cr_assert_eq(allowed, 0);
    cr_assert_null(router_find(&arena, HTTP_GET, "/static/", &p, &allowed));
    cr_assert_eq(allowed, 0);
}

Test(router, capability_of_navigation_targets)
{
    cr_assert_eq(router_capability("/"), CAP_VIEW);
    cr_assert_eq(router_capability("/settings"), CAP_ADMIN);
    cr_assert_eq(router_capability("/cases"), CAP_CASES);
    cr_assert_eq(router_capability("/login"), 0);
    cr_assert_eq(router_capability("/no-such-page"), 0);
}

/* ---- the rules of the table ---- */

Test(router, every_row_is_well_formed)
{
    size_t n;
    const route_t *routes = router_routes(&n);
    cr_assert_gt(n, 10);
    for (size_t i = 0; i < n; i++) {
        const route_t *r = &routes[i];
        cr_assert_not_null(r->handler, "%s has no handler", r->pattern);
        cr_assert_eq(r->pattern[0], '/', "%s must start with /", r->pattern);
        cr_assert_neq(r->methods, 0, "%s accepts no method", r->pattern);
        for (size_t j = i + 1; j < n; j++)
            cr_assert(strcmp(r->pattern, routes[j].pattern) != 0 ||
                          (r->methods & routes[j].methods) == 0,
                      "%s is declared twice for one method", r->pattern);
    }
}

Test(router, pages_and_api_need_a_capability)
{
    size_t n;
    const route_t *routes = router_routes(&n);
    for (size_t i = 0; i < n; i++) {
        const route_t *r = &routes[i];
        if (r->kind != ROUTE_PUBLIC)
            cr_assert_neq(r->capability, 0, "%s is signed-in only but needs no capability",
                          r->pattern);
        bool api = strncmp(r->pattern, "/api/", 5) == 0;
        cr_assert_eq(api, r->kind == ROUTE_API, "%s: /api/ and the API kind go together",
                     r->pattern);
    }
}

Test(router, forms_that_change_state_need_csrf)
{
    size_t n;
    const route_t *routes = router_routes(&n);
    for (size_t i = 0; i < n; i++) {
        const route_t *r = &routes[i];
        bool changes = r->methods & ~(unsigned)(HTTP_GET | HTTP_HEAD);
        if (r->kind == ROUTE_API) {
            cr_assert_eq(r->csrf, CSRF_NONE, "%s: the API takes no session, so no CSRF",
                         r->pattern);
            continue;
        }
        if (r->csrf == CSRF_PUBLIC) {
            /* survey answers: only public routes under /s/ guard themselves */
            cr_assert_eq(r->kind, ROUTE_PUBLIC, "%s", r->pattern);
            cr_assert(strncmp(r->pattern, "/s/", 3) == 0, "%s", r->pattern);
            continue;
        }
        if (changes)
            cr_assert_neq(r->csrf, CSRF_NONE, "%s changes state without a CSRF check", r->pattern);
        else
            cr_assert_eq(r->csrf, CSRF_NONE, "%s: a GET must not need a form token", r->pattern);
    }
}

Test(router, settings_are_for_admins_only)
{
    size_t n;
    const route_t *routes = router_routes(&n);
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        const route_t *r = &routes[i];
        if (strncmp(r->pattern, "/settings", 9) != 0)
            continue;
        seen++;
        cr_assert_eq(r->capability, CAP_ADMIN, "%s must need CAP_ADMIN", r->pattern);
        cr_assert_eq(r->kind, ROUTE_PAGE);
    }
    cr_assert_geq(seen, 10);
    for (role_t role = ROLE_VIEWER; role < ROLE_ADMIN; role++)
        cr_assert_not(role_can(role, CAP_ADMIN), "only admins have CAP_ADMIN");
}

Test(router, every_area_page_is_routed)
{
    static const char *const areas[] = {"/",         "/explore",   "/journey",
                                        "/feedback", "/cases",     "/initiatives",
                                        "/surveys",  "/customers", "/settings"};
    for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++) {
        http_params_t p = {0};
        unsigned allowed;
        const route_t *r = router_find(&arena, HTTP_GET, areas[i], &p, &allowed);
        cr_assert_not_null(r, "%s is not routed", areas[i]);
        cr_assert_eq(r->kind, ROUTE_PAGE, "%s must need a session", areas[i]);
        cr_assert_neq(r->area, AREA_NONE, "%s has no navigation area", areas[i]);
    }
}
