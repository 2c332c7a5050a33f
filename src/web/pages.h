/*
 * pages.h — the handlers the route table (router.c) points at: HTML pages
 * (page_*.c) and JSON endpoints (api_*.c).
 *
 * A handler runs only after the router has checked the method, the
 * caller's capability and, for forms, the CSRF token. It writes a complete
 * response and returns CX_OK, or returns a failure (with details recorded
 * by http_fail) that the router renders. A handler that writes returns
 * success only after store_write returned CX_OK.
 */
#ifndef CX_WEB_PAGES_H
#define CX_WEB_PAGES_H

#include "web/http.h"

#define WEB_HANDLER(name) cx_result name(http_request_t *req, http_response_t *res)

/* public */
WEB_HANDLER(page_healthz);
WEB_HANDLER(page_static);
WEB_HANDLER(page_login_form);
WEB_HANDLER(page_login_submit);

/* signed-in pages */
WEB_HANDLER(page_logout);
WEB_HANDLER(page_overview);
WEB_HANDLER(page_area);
WEB_HANDLER(page_explore);
WEB_HANDLER(page_explore_csv);
WEB_HANDLER(page_report);
WEB_HANDLER(page_settings_index);
WEB_HANDLER(page_settings_users);
WEB_HANDLER(page_settings_user_add);
WEB_HANDLER(page_settings_user_disable);
WEB_HANDLER(page_settings_user_enable);
WEB_HANDLER(page_settings_user_password);
WEB_HANDLER(page_settings_apikeys);
WEB_HANDLER(page_settings_apikey_create);
WEB_HANDLER(page_settings_apikey_revoke);
WEB_HANDLER(page_settings_audit);
WEB_HANDLER(page_account);
WEB_HANDLER(page_account_password);
WEB_HANDLER(page_account_language);

/* API */
WEB_HANDLER(api_me);
WEB_HANDLER(api_feedback_create);
WEB_HANDLER(api_feedback_get);
WEB_HANDLER(api_audit_list);
WEB_HANDLER(api_metrics);
WEB_HANDLER(api_responses_create);
WEB_HANDLER(api_responses_get);
WEB_HANDLER(api_responses_delete);
WEB_HANDLER(api_responses_list);

#endif
