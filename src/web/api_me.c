/*
 * api_me.c — GET /api/v1/me: who the presented API key is.
 *
 * Relies on the router having authenticated the key (auth.c). Must never
 * return anything about the key but its name and role.
 */
#include "core/roles.h"
#include "web/pages.h"

cx_result api_me(http_request_t *req, http_response_t *res)
{
    json_t *body = json_pack("{s:s, s:s, s:s}", "name", req->auth.name, "role",
                             role_name(req->auth.role), "kind", "api_key");
    return http_json(req, res, 200, body);
}
