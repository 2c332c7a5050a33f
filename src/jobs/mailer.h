/*
 * mailer.h — sends survey invitations and reminders by e-mail over SMTP.
 *
 * A run claims queued invitations in batches (store/invitations.h), builds
 * one MIME message per customer in the customer's language (Polish,
 * English or Romanian; else the survey's first language) with the
 * personal link BASE/s/SLUG?t=TOKEN, hands it to the SMTP server with
 * libcurl, and records the outcome of each message as soon as it is
 * known. Messages are spaced evenly to respect the rate per minute.
 *
 * Retry policy: a refusal of one recipient with a 5xx reply fails that
 * invitation at once (the reason is the server's reply); a 4xx reply
 * sends it back to the queue, to be tried again by a run ten minutes
 * later or more (INVITATIONS_CLAIM_STALE), and after
 * INVITATIONS_MAX_ATTEMPTS such replies it fails. When the server cannot be reached or refuses our
 * login, nothing is counted against the invitation: it is released to the
 * queue and the run stops, to try again at the next run.
 *
 * It runs from the command line (`cxloop invite send`, one run) and
 * inside `cxloop serve` (mailer_start: a thread that runs every poll
 * interval). It borrows the store; the store must outlive it. It must
 * never log or store a token, nor put a CR or LF from data into a header.
 */
#ifndef CX_MAILER_H
#define CX_MAILER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/result.h"
#include "store/store.h"

#define MAILER_RATE_DEFAULT 60   /* messages per minute */
#define MAILER_RATE_MAX 6000
#define MAILER_BATCH_MAX 50      /* invitations claimed at once */

typedef struct mailer_config {
    const char *smtp_url;  /* smtp://HOST[:PORT] or smtps://HOST[:PORT] */
    const char *username;  /* NULL: no login */
    const char *password;
    const char *from;      /* the sender's address: name@domain */
    const char *base_url;  /* public address of the server; NULL: the setting
                              public_url, else default_base_url */
    const char *default_base_url; /* NULL: http://localhost:8080 */
    int rate_per_minute;   /* 1..MAILER_RATE_MAX; 0 = MAILER_RATE_DEFAULT */
    int remind_after_days; /* < 0: no reminders */
    int timeout_seconds;   /* per message; 0 = 30 */
} mailer_config_t;

typedef struct mailer_stats {
    int64_t sent, failed, requeued;        /* first messages */
    int64_t reminded, reminders_failed;    /* reminders */
    int64_t batches;                       /* claims that found work */
    long delay_ms;                         /* spacing between messages */
    char stopped_by[256];                  /* why a run stopped early, or "" */
} mailer_stats_t;

/* Call once before any thread sends (libcurl's global set-up), and
 * mailer_global_cleanup once when none will. */
cx_result mailer_global_init(void);
void mailer_global_cleanup(void);

/* Milliseconds between two messages at this rate (0 = the default). */
long mailer_delay_ms(int rate_per_minute);

/* True for a plain address local@domain that is safe in a header: no
 * spaces, controls, angle brackets, quotes or commas; at most 254 bytes. */
bool mailer_address_valid(const char *address);

/* True for an http:// or https:// address without spaces, controls or a
 * query, at most 200 bytes: what public_url may hold. */
bool mailer_base_url_valid(const char *url);

/* The language of the message: the customer's when the survey offers it,
 * else the survey's first language when we have texts for it, else "pl". */
const char *mailer_language(const char *customer_language, const char *survey_languages);

typedef struct mailer_message {
    const char *from;         /* address */
    const char *from_name;    /* display name (the organisation), may be "" */
    const char *to;           /* address */
    const char *to_name;      /* may be "" */
    const char *language;     /* pl, en or ro */
    const char *org_name;
    const char *survey_name;  /* as respondents see it: its title, else its name */
    const char *link;         /* the personal link */
    bool reminder;
    int64_t date;             /* Unix seconds */
    const char *unique;       /* makes Message-ID and the boundary unique */
} mailer_message_t;

/* The whole message (headers and a multipart/alternative body with a
 * text/plain and a text/html part, both UTF-8, base64), CRLF line ends,
 * appended to out. CX_ERR_INVALID for an unsafe address. */
cx_result mailer_build_message(const mailer_message_t *m, buf_t *out);

/* Appends text as a header value: as it is when it is printable ASCII,
 * else as RFC 2047 encoded words (UTF-8, base64), folded between words. */
void mailer_header_text(buf_t *out, const char *text);

/* A wait between messages; returns false when the run must stop. */
typedef bool (*mailer_wait_fn)(void *ctx, long ms);

/* Sends until nothing is left to send (or wait says stop, or the server
 * fails). CX_OK even when some messages failed (see stats); CX_ERR_IO when
 * the server could not be used (stats->stopped_by says why). */
cx_result mailer_run(store_t *store, const mailer_config_t *cfg, mailer_wait_fn wait, void *ctx,
                     mailer_stats_t *stats);

/* ---- inside the server ---- */

typedef struct mailer mailer_t;

/* A thread that runs mailer_run every poll_seconds (and when poked). The
 * configuration is copied. */
cx_result mailer_start(store_t *store, const mailer_config_t *cfg, int poll_seconds,
                       mailer_t **out);
/* Asks for a run now (after queueing invitations); thread-safe. NULL ok. */
void mailer_poke(mailer_t *m);
/* Asks the next run to also send reminders for invitations sent at least
 * days ago (once; the configured remind_after_days stays). */
void mailer_request_reminders(mailer_t *m, int days);
/* Stops the thread (a message in flight finishes) and frees it. NULL ok. */
void mailer_stop(mailer_t *m);

#endif
