/*
 * feedback_view.h — the list of responses and feedback items as the
 * feedback browser (page_feedback.c) and a customer's history
 * (page_customers.c) both show it.
 *
 * Relies on store/browse.h entries; every user text goes out through
 * %h/%a, and search snippets keep their <mark> balanced whatever the text
 * holds. Must never write markup from an entry's text.
 */
#ifndef CX_WEB_FEEDBACK_VIEW_H
#define CX_WEB_FEEDBACK_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "store/browse.h"
#include "web/http.h"

/* An <ol> of entry cards; show_customer adds the customer line. */
void feedback_view_entries(buf_t *b, http_request_t *req, const browse_entry_t *entries,
                           size_t count, bool show_customer);

#endif
