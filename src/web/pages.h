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
/* public survey pages and the website widget (page_public_survey.c) */
WEB_HANDLER(page_public_survey);
WEB_HANDLER(page_public_survey_start);
WEB_HANDLER(page_public_survey_complete);
WEB_HANDLER(page_widget_config);
WEB_HANDLER(page_widget_preflight);
WEB_HANDLER(page_widget_answer);
WEB_HANDLER(page_widget_js);

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
/* survey distribution (page_invitations.c) */
WEB_HANDLER(page_survey_qr_svg);
WEB_HANDLER(page_survey_qr_png);
WEB_HANDLER(page_invitations);
WEB_HANDLER(page_invitations_create);
WEB_HANDLER(page_invitations_remind);
WEB_HANDLER(page_invitations_public_url);

/* import page (page_import.c) */
WEB_HANDLER(page_import);
WEB_HANDLER(page_import_upload);
WEB_HANDLER(page_import_map);
WEB_HANDLER(page_import_run);
/* Uploads may be larger than other bodies: the server asks before it
 * reads one (headers and cookies are there, the body is not). The larger
 * of max_body and PAGE_IMPORT_MAX_UPLOAD for a POST to the upload route
 * from a session that may import; max_body for everything else, so no
 * one can make the server hold 50 MB without signing in. */
#define PAGE_IMPORT_MAX_UPLOAD ((size_t)50 << 20)
size_t page_import_body_limit(http_request_t *req, size_t max_body);

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
/* customers and privacy */
WEB_HANDLER(api_customers_upsert);
WEB_HANDLER(api_customers_list);
WEB_HANDLER(api_customers_get);
WEB_HANDLER(api_customers_update);
WEB_HANDLER(api_customers_delete);
WEB_HANDLER(api_customers_export);
WEB_HANDLER(api_customers_erase);
WEB_HANDLER(api_feedback_update);
WEB_HANDLER(api_feedback_delete);

/* feedback browser, customers and the feedback list (full-text search) */
WEB_HANDLER(page_feedback);
WEB_HANDLER(page_feedback_response);
WEB_HANDLER(page_feedback_item);
WEB_HANDLER(page_customers);
WEB_HANDLER(page_customer);
WEB_HANDLER(api_feedback_list);

/* surveys: the editor and the API */
WEB_HANDLER(page_surveys_list);
WEB_HANDLER(page_surveys_new);
WEB_HANDLER(page_surveys_create);
WEB_HANDLER(page_surveys_edit);
WEB_HANDLER(page_surveys_save);
WEB_HANDLER(page_surveys_state);
WEB_HANDLER(page_surveys_delete);
WEB_HANDLER(page_surveys_question_add);
WEB_HANDLER(page_surveys_question_save);
WEB_HANDLER(page_surveys_question_delete);
WEB_HANDLER(page_surveys_question_move);
WEB_HANDLER(api_surveys_list);
WEB_HANDLER(api_surveys_get);
WEB_HANDLER(api_surveys_create);
WEB_HANDLER(api_surveys_update);
WEB_HANDLER(api_surveys_delete);

/* An embedded asset (assets.h) with its ETag and the given Cache-Control;
 * 304 when If-None-Match names it, CX_ERR_NOT_FOUND for an unknown name. */
cx_result page_asset(http_request_t *req, http_response_t *res, const char *name,
                     const char *cache_control);

#endif
