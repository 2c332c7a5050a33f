/*
 * mailer.c — survey invitations over SMTP with libcurl (see mailer.h).
 *
 * The message text of each language lives here, not in the web
 * catalogue: jobs sit below the web layer and an e-mail is not a page.
 * One curl handle serves a whole run so the SMTP connection is reused.
 * The server's own words (its last reply line, captured through curl's
 * debug callback) become the reason of a failure, with control bytes
 * replaced, so an operator sees "550 5.1.1 user unknown" and not only
 * curl's summary.
 */
#include "jobs/mailer.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/secret.h"
#include "jobs/periodic.h"
#include "store/accounts.h"
#include "store/invitations.h"
#include "sys/log.h"

#define MAILER_DEFAULT_BASE "http://localhost:8080"
#define MAILER_DEFAULT_TIMEOUT 30

/* ---- texts ---- */

typedef struct mail_texts {
    const char *lang;
    const char *subject, *reminder_subject; /* followed by " — ORG" */
    const char *hello, *hello_named;        /* hello_named is followed by the name and "," */
    const char *intro, *reminder_intro;     /* followed by the quoted survey name and ":" */
    const char *quote_open, *quote_close;
    const char *button, *thanks, *footer;   /* footer is followed by the organisation */
} mail_texts_t;

static const mail_texts_t mail_texts[] = {
    {"pl", "Prosimy o Twoją opinię", "Przypomnienie: prosimy o Twoją opinię", "Dzień dobry,",
     "Dzień dobry", "zależy nam na Twojej opinii. Krótka ankieta",
     "kilka dni temu prosiliśmy o Twoją opinię. Jeśli masz chwilę, ankieta", "„", "”",
     "Wypełnij ankietę", "Dziękujemy!",
     "Ten link jest osobisty i pozwala odpowiedzieć jeden raz. Wiadomość wysłała firma"},
    {"en", "We would value your opinion", "Reminder: we would value your opinion", "Hello,",
     "Hello", "your opinion matters to us. The short survey",
     "a few days ago we asked for your opinion. If you have a moment, the survey", "“", "”",
     "Take the survey", "Thank you!",
     "This link is personal and lets you answer once. This message was sent by"},
    {"ro", "Părerea ta contează", "Memento: părerea ta contează", "Bună ziua,", "Bună ziua",
     "părerea ta este importantă pentru noi. Chestionarul scurt",
     "acum câteva zile te-am rugat să ne spui părerea. Dacă ai un moment, chestionarul", "„",
     "”", "Completează chestionarul", "Mulțumim!",
     "Acest link este personal și permite un singur răspuns. Mesajul a fost trimis de"},
};
/* the rest of the intro sentence, after the survey name */
static const char *const mail_intro_end[] = {
    " zajmie około minuty:", " takes about a minute:", " durează aproximativ un minut:"};
static const char *const mail_reminder_end[] = {
    " wciąż czeka:", " is still open:", " este încă deschis:"};

#define MAIL_LANGS (sizeof mail_texts / sizeof mail_texts[0])

static int mail_lang_index(const char *code, size_t len)
{
    for (size_t i = 0; i < MAIL_LANGS; i++)
        if (strlen(mail_texts[i].lang) == len && strncmp(mail_texts[i].lang, code, len) == 0)
            return (int)i;
    return -1;
}

const char *mailer_language(const char *customer_language, const char *survey_languages)
{
    const char *list = survey_languages && *survey_languages ? survey_languages : "pl";
    size_t clen = customer_language ? strlen(customer_language) : 0;
    const char *first = NULL;
    size_t first_len = 0;
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n && *p == ' ')
            p++, n--;
        if (!first) {
            first = p;
            first_len = n;
        }
        if (clen && n == clen && strncmp(p, customer_language, n) == 0 &&
            mail_lang_index(p, n) >= 0)
            return mail_texts[mail_lang_index(p, n)].lang;
        if (!end)
            break;
        p = end + 1;
    }
    int i = first ? mail_lang_index(first, first_len) : -1;
    return i >= 0 ? mail_texts[i].lang : "pl";
}

/* ---- building the message ---- */

bool mailer_address_valid(const char *a)
{
    if (!a)
        return false;
    size_t len = strlen(a);
    const char *at = strchr(a, '@');
    if (len < 3 || len > 254 || !at || at == a || !at[1] || strchr(at + 1, '@'))
        return false;
    for (const unsigned char *p = (const unsigned char *)a; *p; p++)
        if (*p <= ' ' || *p >= 0x7f || strchr("<>()[]\\,;:\"", *p))
            return false;
    return strchr(at + 1, '.') != NULL && at[1] != '.' && a[len - 1] != '.';
}

bool mailer_base_url_valid(const char *url)
{
    if (!url)
        return false;
    size_t len = strlen(url);
    size_t scheme = strncmp(url, "https://", 8) == 0 ? 8 : strncmp(url, "http://", 7) == 0 ? 7 : 0;
    if (!scheme || len <= scheme || len > 200 || url[scheme] == '/')
        return false;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= ' ' || *p >= 0x7f || strchr("?#\"<>\\`{}|^", *p))
            return false;
    return true;
}

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard base64 of data; with line_len > 0, CRLF after every line_len
 * output characters and at the end. */
static void base64_append(buf_t *out, const unsigned char *d, size_t n, int line_len)
{
    int col = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)d[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)d[i + 1] << 8;
        if (i + 2 < n)
            v |= d[i + 2];
        char q[4] = {b64_alphabet[(v >> 18) & 63], b64_alphabet[(v >> 12) & 63],
                     i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=',
                     i + 2 < n ? b64_alphabet[v & 63] : '='};
        buf_append(out, q, 4);
        col += 4;
        if (line_len > 0 && col >= line_len) {
            buf_puts(out, "\r\n");
            col = 0;
        }
    }
    if (line_len > 0 && col > 0)
        buf_puts(out, "\r\n");
}

static void header_words(buf_t *out, const char *text, bool force)
{
    bool plain = !force;
    for (const unsigned char *p = (const unsigned char *)text; *p && plain; p++)
        plain = *p >= ' ' && *p < 0x7f;
    if (plain && !strstr(text, "=?")) {
        buf_puts(out, text);
        return;
    }
    /* 39 bytes per word: 52 base64 characters + 12 of "=?UTF-8?B?" and
     * "?=", so even after "Subject: " a line stays within 78 characters
     * (an encoded word may have 75); a word never splits a UTF-8
     * character, and control bytes become spaces */
    size_t len = strlen(text), i = 0;
    bool first = true;
    while (i < len) {
        size_t n = len - i < 39 ? len - i : 39;
        while (i + n < len && n > 0 && ((unsigned char)text[i + n] & 0xC0) == 0x80)
            n--;
        if (n == 0)
            n = 1;
        unsigned char chunk[39];
        for (size_t k = 0; k < n; k++) {
            unsigned char c = (unsigned char)text[i + k];
            chunk[k] = c < ' ' || c == 0x7f ? ' ' : c;
        }
        if (!first)
            buf_puts(out, "\r\n ");
        buf_puts(out, "=?UTF-8?B?");
        base64_append(out, chunk, n, 0);
        buf_puts(out, "?=");
        first = false;
        i += n;
    }
}

void mailer_header_text(buf_t *out, const char *text)
{
    header_words(out, text, false);
}

/* "Mon, 23 Nov 2026 15:05:29 +0000": English names whatever the locale. */
static void rfc5322_date(buf_t *out, int64_t t)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        memset(&tm, 0, sizeof tm);
    buf_printf(out, "%s, %02d %s %d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
               months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A display name and address: "=?UTF-8?B?...?= <a@b>" or "<a@b>". */
static void header_mailbox(buf_t *out, const char *name, const char *address)
{
    if (name && *name) {
        /* always encoded: a name may hold commas, quotes or "@", which an
         * encoded word carries safely */
        header_words(out, name, true);
        buf_putc(out, ' ');
    }
    buf_printf(out, "<%s>", address);
}

static void text_part(buf_t *b, const mail_texts_t *t, const mailer_message_t *m, size_t li)
{
    if (m->to_name && *m->to_name)
        buf_printf(b, "%s %s,\r\n\r\n", t->hello_named, m->to_name);
    else
        buf_printf(b, "%s\r\n\r\n", t->hello);
    buf_printf(b, "%s %s%s%s%s\r\n\r\n", m->reminder ? t->reminder_intro : t->intro,
               t->quote_open, m->survey_name, t->quote_close,
               m->reminder ? mail_reminder_end[li] : mail_intro_end[li]);
    buf_printf(b, "%s\r\n\r\n%s\r\n%s\r\n\r\n-- \r\n%s %s.\r\n", m->link, t->thanks, m->org_name,
               t->footer, m->org_name);
}

static void html_part(buf_t *b, const mail_texts_t *t, const mailer_message_t *m, size_t li)
{
    buf_printf(b,
               "<!DOCTYPE html>\r\n<html lang=\"%a\"><head><meta charset=\"utf-8\">"
               "<title>%h</title></head>\r\n<body style=\"font-family:sans-serif;"
               "line-height:1.5;color:#1f2933\">\r\n",
               t->lang, m->reminder ? t->reminder_subject : t->subject);
    if (m->to_name && *m->to_name)
        buf_printf(b, "<p>%h %h,</p>\r\n", t->hello_named, m->to_name);
    else
        buf_printf(b, "<p>%h</p>\r\n", t->hello);
    buf_printf(b, "<p>%h %h%h%h%h</p>\r\n", m->reminder ? t->reminder_intro : t->intro,
               t->quote_open, m->survey_name, t->quote_close,
               m->reminder ? mail_reminder_end[li] : mail_intro_end[li]);
    buf_printf(b,
               "<p><a href=\"%a\" style=\"display:inline-block;padding:10px 18px;"
               "background:#2563eb;color:#fff;text-decoration:none;border-radius:6px\">%h</a>"
               "</p>\r\n<p style=\"font-size:small\">%h</p>\r\n",
               m->link, t->button, m->link);
    buf_printf(b, "<p>%h<br>%h</p>\r\n", t->thanks, m->org_name);
    buf_printf(b,
               "<hr><p style=\"font-size:small;color:#616e7c\">%h %h.</p>\r\n</body></html>\r\n",
               t->footer, m->org_name);
}

cx_result mailer_build_message(const mailer_message_t *m, buf_t *out)
{
    if (!mailer_address_valid(m->from) || !mailer_address_valid(m->to))
        return CX_ERR_INVALID;
    /* the link and the unique part go into headers or raw text lines */
    for (const char *p = m->link; *p; p++)
        if ((unsigned char)*p <= ' ')
            return CX_ERR_INVALID;
    for (const char *p = m->unique; *p; p++)
        if (!strchr(b64_alphabet, *p) && *p != '-' && *p != '_' && *p != '.')
            return CX_ERR_INVALID;
    int li = mail_lang_index(m->language, strlen(m->language));
    size_t lang = li >= 0 ? (size_t)li : 0;
    const mail_texts_t *t = &mail_texts[lang];
    const char *domain = strchr(m->from, '@') + 1;

    buf_puts(out, "Date: ");
    rfc5322_date(out, m->date);
    buf_puts(out, "\r\nFrom: ");
    header_mailbox(out, m->from_name, m->from);
    buf_puts(out, "\r\nTo: ");
    header_mailbox(out, m->to_name, m->to);
    buf_puts(out, "\r\nSubject: ");
    buf_t subject;
    buf_init(&subject, 4096);
    buf_printf(&subject, "%s — %s", m->reminder ? t->reminder_subject : t->subject, m->org_name);
    mailer_header_text(out, buf_str(&subject));
    buf_free(&subject);
    buf_printf(out, "\r\nMessage-ID: <cxloop.%s@%s>\r\n", m->unique, domain);
    buf_printf(out, "Content-Language: %s\r\nMIME-Version: 1.0\r\n", t->lang);
    buf_printf(out, "Content-Type: multipart/alternative; boundary=\"=_cxloop_%s\"\r\n\r\n",
               m->unique);
    buf_puts(out, "This is a message in MIME format.\r\n\r\n");

    buf_t part;
    buf_init(&part, 1 << 20);
    text_part(&part, t, m, lang);
    buf_printf(out,
               "--=_cxloop_%s\r\nContent-Type: text/plain; charset=UTF-8\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\n",
               m->unique);
    base64_append(out, (const unsigned char *)buf_str(&part), part.len, 76);
    cx_result rc = buf_result(&part);
    buf_reset(&part);
    html_part(&part, t, m, lang);
    buf_printf(out,
               "\r\n--=_cxloop_%s\r\nContent-Type: text/html; charset=UTF-8\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\n",
               m->unique);
    base64_append(out, (const unsigned char *)buf_str(&part), part.len, 76);
    if (!rc)
        rc = buf_result(&part);
    buf_free(&part);
    buf_printf(out, "\r\n--=_cxloop_%s--\r\n", m->unique);
    return rc ? rc : buf_result(out);
}

/* ---- SMTP ---- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result = CURLE_FAILED_INIT;

static void curl_init_once(void)
{
    curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

cx_result mailer_global_init(void)
{
    pthread_once(&curl_once, curl_init_once);
    return curl_init_result == CURLE_OK ? CX_OK : CX_ERR_INTERNAL;
}

void mailer_global_cleanup(void)
{
    if (curl_init_result == CURLE_OK)
        curl_global_cleanup();
}

long mailer_delay_ms(int rate)
{
    if (rate <= 0)
        rate = MAILER_RATE_DEFAULT;
    if (rate > MAILER_RATE_MAX)
        rate = MAILER_RATE_MAX;
    return 60000L / rate;
}

typedef struct smtp_session {
    CURL *curl;
    char errbuf[CURL_ERROR_SIZE];
    char last_reply[200]; /* the server's last refusal */
    const char *data;     /* the message being uploaded */
    size_t len, pos;
} smtp_session_t;

static size_t smtp_read(char *dest, size_t size, size_t nmemb, void *arg)
{
    smtp_session_t *s = arg;
    size_t room = size * nmemb, left = s->len - s->pos;
    size_t n = left < room ? left : room;
    memcpy(dest, s->data + s->pos, n);
    s->pos += n;
    return n;
}

static int smtp_debug(CURL *curl, curl_infotype type, char *data, size_t size, void *arg)
{
    (void)curl;
    smtp_session_t *s = arg;
    /* keep the last refusal (4xx or 5xx), printable only: after a refusal
     * curl says QUIT, and the server's goodbye is not the reason */
    if (type != CURLINFO_HEADER_IN || size == 0 || (data[0] != '4' && data[0] != '5'))
        return 0;
    size_t end = size;
    while (end > 0 && (data[end - 1] == '\n' || data[end - 1] == '\r'))
        end--;
    size_t start = end;
    while (start > 0 && data[start - 1] != '\n')
        start--;
    size_t n = end - start < sizeof s->last_reply - 1 ? end - start : sizeof s->last_reply - 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)data[start + i];
        s->last_reply[i] = c < ' ' || c == 0x7f ? ' ' : (char)c;
    }
    s->last_reply[n] = '\0';
    return 0;
}

typedef enum send_outcome { SEND_OK, SEND_TRANSIENT, SEND_PERMANENT, SEND_SERVER } send_outcome_t;

static send_outcome_t smtp_send(smtp_session_t *s, const mailer_config_t *cfg, const char *to,
                                const buf_t *message, char *reason, size_t reason_len)
{
    char from[300], rcpt_text[300];
    snprintf(from, sizeof from, "<%s>", cfg->from);
    snprintf(rcpt_text, sizeof rcpt_text, "<%s>", to);
    struct curl_slist *rcpt = curl_slist_append(NULL, rcpt_text);
    if (!rcpt) {
        snprintf(reason, reason_len, "out of memory");
        return SEND_SERVER;
    }
    CURL *c = s->curl;
    s->data = message->data;
    s->len = message->len;
    s->pos = 0;
    s->errbuf[0] = '\0';
    s->last_reply[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
    if (cfg->username && *cfg->username) {
        curl_easy_setopt(c, CURLOPT_USERNAME, cfg->username);
        curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->password ? cfg->password : "");
        /* never send a password in clear: STARTTLS is required */
        curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    } else {
        curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    }
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, smtp_read);
    curl_easy_setopt(c, CURLOPT_READDATA, s);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)message->len);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s->errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)(cfg->timeout_seconds > 0 ? cfg->timeout_seconds
                                                                          : MAILER_DEFAULT_TIMEOUT));
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, smtp_debug);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, s);
    CURLcode cc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, NULL);
    curl_slist_free_all(rcpt);
    if (cc == CURLE_OK)
        return SEND_OK;
    const char *what = s->errbuf[0] ? s->errbuf : curl_easy_strerror(cc);
    if (s->last_reply[0] && code >= 400)
        snprintf(reason, reason_len, "%s: %s", what, s->last_reply);
    else
        snprintf(reason, reason_len, "%s", what);
    switch (cc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_LOGIN_DENIED:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_USE_SSL_FAILED:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT: return SEND_SERVER;
    default: break;
    }
    /* a refused sender address is the configuration, not this recipient */
    if (strncmp(what, "MAIL failed", 11) == 0)
        return SEND_SERVER;
    return code >= 500 && code < 600 ? SEND_PERMANENT : SEND_TRANSIENT;
}

/* ---- a run ---- */

/* What the message calls the survey: its title for respondents in the
 * message's language, else in the survey's first language (as the survey
 * page shows it), else the survey's name. In the claim's arena. */
static const char *mail_survey_title(arena_t *arena, const invitations_outgoing_t *o,
                                     const char *lang)
{
    json_t *doc = json_loads(o->survey_title ? o->survey_title : "{}", 0, NULL);
    const char *t = json_string_value(json_object_get(doc, lang));
    if (!t || !t[strspn(t, " \t\r\n")]) {
        char first[8] = "";
        const char *list = o->survey_languages ? o->survey_languages : "";
        size_t n = strcspn(list, ", ");
        if (n < sizeof first) {
            memcpy(first, list, n);
            first[n] = '\0';
        }
        t = json_string_value(json_object_get(doc, first));
    }
    const char *copy = t && t[strspn(t, " \t\r\n")] ? arena_strdup(arena, t) : NULL;
    json_decref(doc);
    return copy ? copy : o->survey_name;
}

typedef struct claim_job {
    arena_t *arena;
    bool reminder;
    int64_t remind_before;
    int limit;
    bool want_base;
    invitations_outgoing_t *rows;
    size_t count;
    const char *org_name;
    const char *public_url;
} claim_job_t;

static cx_result claim_write(db_conn_t *db, void *arg)
{
    claim_job_t *j = arg;
    cx_result rc = store_setting_get(db, j->arena, "org_name", &j->org_name);
    if (!rc && j->want_base)
        rc = store_setting_get(db, j->arena, "public_url", &j->public_url);
    if (rc)
        return rc;
    return invitations_claim(db, j->arena, j->reminder, j->remind_before, j->limit, store_now(),
                             &j->rows, &j->count);
}

typedef struct outcome_job {
    int64_t id;
    bool reminder;
    send_outcome_t outcome;
    const char *reason;
} outcome_job_t;

static cx_result outcome_write(db_conn_t *db, void *arg)
{
    outcome_job_t *j = arg;
    switch (j->outcome) {
    case SEND_OK: return invitations_mark_sent(db, j->id, j->reminder, store_now());
    case SEND_SERVER: return invitations_release(db, j->id, j->reason);
    case SEND_TRANSIENT:
    case SEND_PERMANENT: break;
    }
    return invitations_mark_failed(db, j->id, j->reminder, j->outcome == SEND_PERMANENT, j->reason,
                                   store_now());
}

static void build_link(buf_t *b, const char *base, const invitations_outgoing_t *o)
{
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    buf_append(b, base, n);
    buf_printf(b, "/s/%u?t=%u", o->survey_slug, o->token);
}

/* One batch; false when the run must stop (server trouble or stop). */
static bool send_batch(store_t *store, const mailer_config_t *cfg, smtp_session_t *session,
                       claim_job_t *claim, mailer_wait_fn wait, void *ctx, bool *waited_before,
                       mailer_stats_t *stats)
{
    const char *base = cfg->base_url && *cfg->base_url ? cfg->base_url
                       : claim->public_url && *claim->public_url ? claim->public_url
                       : cfg->default_base_url && *cfg->default_base_url ? cfg->default_base_url
                                                                 : MAILER_DEFAULT_BASE;
    const char *org = claim->org_name && *claim->org_name ? claim->org_name : "cxloop";
    for (size_t i = 0; i < claim->count; i++) {
        const invitations_outgoing_t *o = &claim->rows[i];
        if (*waited_before && !wait(ctx, stats->delay_ms)) {
            /* stopping: what was claimed goes back to be sent later */
            for (size_t k = i; k < claim->count; k++) {
                outcome_job_t back = {claim->rows[k].id, claim->reminder, SEND_SERVER, ""};
                (void)store_write(store, outcome_write, &back);
            }
            return false;
        }
        *waited_before = true;
        char reason[512] = "";
        send_outcome_t outcome;
        buf_t link, message;
        buf_init(&link, 8192);
        buf_init(&message, 1 << 20);
        build_link(&link, base, o);
        char unique[SECRET_TOKEN_LEN + 1];
        secret_token(unique);
        unique[20] = '\0'; /* random, and unrelated to the invitation's token */
        mailer_message_t m = {
            .from = cfg->from,
            .from_name = org,
            .to = o->email,
            .to_name = o->name,
            .language = mailer_language(o->language, o->survey_languages),
            .org_name = org,
            .survey_name = mail_survey_title(claim->arena,
                                             o, mailer_language(o->language, o->survey_languages)),
            .link = buf_str(&link),
            .reminder = claim->reminder,
            .date = store_now(),
            .unique = unique,
        };
        if (!mailer_address_valid(o->email)) {
            outcome = SEND_PERMANENT;
            snprintf(reason, sizeof reason, "not a valid e-mail address");
        } else if (buf_failed(&link) || mailer_build_message(&m, &message) != CX_OK) {
            outcome = SEND_PERMANENT;
            snprintf(reason, sizeof reason, "the message could not be built");
        } else {
            outcome = smtp_send(session, cfg, o->email, &message, reason, sizeof reason);
        }
        buf_free(&link);
        buf_free(&message);
        outcome_job_t job = {o->id, claim->reminder, outcome, reason};
        cx_result rc = store_write(store, outcome_write, &job);
        if (rc) {
            snprintf(stats->stopped_by, sizeof stats->stopped_by,
                     "cannot record the outcome: %s", cx_result_text(rc));
            return false;
        }
        if (outcome == SEND_OK)
            claim->reminder ? stats->reminded++ : stats->sent++;
        else if (claim->reminder)
            stats->reminders_failed++;
        else if (outcome == SEND_TRANSIENT && o->attempts + 1 < INVITATIONS_MAX_ATTEMPTS)
            stats->requeued++;
        else if (outcome != SEND_SERVER)
            stats->failed++;
        if (outcome == SEND_SERVER) {
            snprintf(stats->stopped_by, sizeof stats->stopped_by, "%s", reason);
            for (size_t k = i + 1; k < claim->count; k++) {
                outcome_job_t back = {claim->rows[k].id, claim->reminder, SEND_SERVER, reason};
                (void)store_write(store, outcome_write, &back);
            }
            return false;
        }
    }
    return true;
}

cx_result mailer_run(store_t *store, const mailer_config_t *cfg, mailer_wait_fn wait, void *ctx,
                     mailer_stats_t *stats)
{
    memset(stats, 0, sizeof *stats);
    stats->delay_ms = mailer_delay_ms(cfg->rate_per_minute);
    if (!mailer_address_valid(cfg->from)) {
        snprintf(stats->stopped_by, sizeof stats->stopped_by, "the sender address is not valid");
        return CX_ERR_INVALID;
    }
    cx_result rc = mailer_global_init();
    if (rc)
        return rc;
    smtp_session_t session;
    memset(&session, 0, sizeof session);
    session.curl = curl_easy_init();
    if (!session.curl)
        return CX_ERR_NOMEM;
    int rate = cfg->rate_per_minute > 0 ? cfg->rate_per_minute : MAILER_RATE_DEFAULT;
    int batch = rate < MAILER_BATCH_MAX ? rate : MAILER_BATCH_MAX;
    bool waited_before = false, go_on = true;
    /* invitations first, then reminders */
    for (int pass = 0; pass < 2 && go_on && !rc; pass++) {
        bool reminder = pass == 1;
        if (reminder && cfg->remind_after_days < 0)
            break;
        int64_t remind_before = store_now() - (int64_t)(reminder ? cfg->remind_after_days : 0) * 86400;
        while (go_on) {
            arena_t arena;
            arena_init(&arena);
            claim_job_t claim = {.arena = &arena, .reminder = reminder,
                                 .remind_before = remind_before, .limit = batch,
                                 .want_base = !(cfg->base_url && *cfg->base_url)};
            rc = store_write(store, claim_write, &claim);
            if (rc || claim.count == 0) {
                arena_free(&arena);
                break;
            }
            stats->batches++;
            go_on = send_batch(store, cfg, &session, &claim, wait, ctx, &waited_before, stats);
            arena_free(&arena);
        }
    }
    curl_easy_cleanup(session.curl);
    if (rc)
        return rc;
    return stats->stopped_by[0] ? CX_ERR_IO : CX_OK;
}

/* ---- the server's thread ---- */

struct mailer {
    store_t *store;
    mailer_config_t cfg;
    char *strings[6]; /* owned copies behind cfg */
    pthread_mutex_t lock; /* reminders_days */
    int reminders_days; /* requested from the page; -1 none */
    time_t last_error_log; /* the job's thread only */
    periodic_t *job;
};

/* The throttle inside the server: sleeps, but wakes for a stop. */
static bool mailer_thread_wait(void *arg, long ms)
{
    return periodic_sleep(arg, ms);
}

static void mailer_turn(periodic_t *job, void *arg)
{
    mailer_t *m = arg;
    mailer_config_t cfg = m->cfg;
    pthread_mutex_lock(&m->lock);
    if (m->reminders_days >= 0)
        cfg.remind_after_days = m->reminders_days;
    m->reminders_days = -1;
    pthread_mutex_unlock(&m->lock);
    mailer_stats_t stats;
    cx_result rc = mailer_run(m->store, &cfg, mailer_thread_wait, job, &stats);
    if (stats.sent || stats.failed || stats.reminded || stats.reminders_failed)
        log_info("mailer: %lld sent, %lld failed, %lld requeued, %lld reminders",
                 (long long)stats.sent, (long long)stats.failed, (long long)stats.requeued,
                 (long long)stats.reminded);
    time_t now = time(NULL);
    if (rc && now - m->last_error_log >= 600) {
        log_warn("mailer: %s", stats.stopped_by[0] ? stats.stopped_by : cx_result_text(rc));
        m->last_error_log = now;
    }
}

static void mailer_free(mailer_t *m)
{
    for (size_t i = 0; i < sizeof m->strings / sizeof m->strings[0]; i++)
        free(m->strings[i]);
    free(m);
}

cx_result mailer_start(store_t *store, const mailer_config_t *cfg, int poll_seconds,
                       mailer_t **out)
{
    *out = NULL;
    if (!cfg->smtp_url || !mailer_address_valid(cfg->from))
        return CX_ERR_INVALID;
    cx_result rc = mailer_global_init();
    if (rc)
        return rc;
    mailer_t *m = calloc(1, sizeof *m);
    if (!m)
        return CX_ERR_NOMEM;
    m->store = store;
    m->cfg = *cfg;
    m->reminders_days = -1;
    const char *src[6] = {cfg->smtp_url, cfg->username, cfg->password,
                          cfg->from,     cfg->base_url, cfg->default_base_url};
    const char **dst[6] = {&m->cfg.smtp_url, &m->cfg.username, &m->cfg.password,
                           &m->cfg.from,     &m->cfg.base_url, &m->cfg.default_base_url};
    for (size_t i = 0; i < 6; i++) {
        if (!src[i])
            continue;
        m->strings[i] = strdup(src[i]);
        if (!m->strings[i]) {
            mailer_free(m);
            return CX_ERR_NOMEM;
        }
        *dst[i] = m->strings[i];
    }
    pthread_mutex_init(&m->lock, NULL);
    long poll_ms = (poll_seconds > 0 ? poll_seconds : 60) * 1000L;
    rc = periodic_start(poll_ms, true, mailer_turn, m, &m->job);
    if (rc) {
        pthread_mutex_destroy(&m->lock);
        mailer_free(m);
        return rc;
    }
    *out = m;
    return CX_OK;
}

void mailer_poke(mailer_t *m)
{
    if (!m)
        return;
    periodic_poke(m->job);
}

void mailer_request_reminders(mailer_t *m, int days)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->lock);
    m->reminders_days = days < 0 ? 0 : days;
    pthread_mutex_unlock(&m->lock);
    /* after the request is in place, so the turn it causes sees it */
    periodic_poke(m->job);
}

void mailer_stop(mailer_t *m)
{
    if (!m)
        return;
    periodic_stop(m->job);
    pthread_mutex_destroy(&m->lock);
    mailer_free(m);
}
