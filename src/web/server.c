/*
 * server.c — libmicrohttpd underneath the router: binding, per-request
 * state, request bodies, security headers, the access log and a graceful
 * shutdown (see server.h).
 *
 * Each request gets a web_ctx_t, created by the URI callback (which also
 * gives us the URI exactly as sent, before libmicrohttpd decodes it) and
 * freed by the completion callback, with an arena for everything the
 * request owns. Bodies are collected up to --max-body: a Content-Length
 * above it is answered with 413 before any of the body is read; a chunked
 * body that grows past it is discarded and answered with 413 at its end.
 * Shutdown: SIGINT/SIGTERM write to a self-pipe (safe from any thread),
 * the main thread stops accepting, waits up to 10 s for requests in flight
 * (deferred ones included) and stops the daemon (or, with requests still
 * in flight, leaves it to the process's end: libmicrohttpd cannot stop
 * with suspended connections). Writes are committed before their answer
 * is queued, so nothing acknowledged is lost.
 *
 * Deferred answers (web_defer/web_wake): the connection is suspended with
 * MHD_suspend_connection after the handler returned, unless the work was
 * already done; web_wake, from any thread, resumes it, and libmicrohttpd
 * calls web_access again, which renders the answer. An atomic state
 * orders the two without a lock: a wake that comes before the suspension
 * finds no suspended connection, and the worker that then fails to mark
 * it suspended resumes it at once.
 *
 * Relies on router.h for everything above HTTP, and on sys/log.h. It must
 * never answer without the security headers, never keep a request's
 * memory after its completion, and never print anything on stdout but the
 * "listening" line and the banner.
 */
#include "web/server.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "jobs/mailer.h"
#include "sys/log.h"
#include "web/json_arena.h"
#include "web/multipart.h"
#include "web/pages.h"
#include "web/router.h"
#include "web/web.h"

#define WEB_DEFAULT_LISTEN "127.0.0.1:8080"
#define WEB_DEFAULT_MAX_BODY ((size_t)10 << 20)
#define WEB_SHUTDOWN_WAIT_MS 10000
#define WEB_ENGINE_REFRESH_MS 1000 /* new responses from other processes */
/* Handlers block until their write is committed; with more threads than
 * cores, many writes share one commit (group commit) instead of two. */
#define WEB_DEFAULT_THREADS 32
#define WEB_CONNECTION_TIMEOUT 30
/* After a body passed the limit we read on (discarding) up to this much so
 * the client can read its 413; beyond it we hang up. */
#define WEB_DISCARD_MAX ((uint64_t)64 << 20)

#define WEB_CSP                                                                                    \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

typedef struct web_server {
    web_app_t app;
    atomic_int active; /* requests between their URI and their completion */
} web_server_t;

typedef struct web_ctx {
    http_request_t req;
    http_response_t res;
    buf_t body;
    bool started;
    bool answered;
    bool too_large;
    bool bad_request;
    uint64_t discarded;
    size_t max_body; /* --max-body, or more for a signed-in upload */
    struct timespec start;
    int status;
    size_t bytes;
    /* a deferred answer */
    struct MHD_Connection *conn;
    web_resume_fn resume;
    void *resume_arg;
    atomic_int defer_state; /* enum defer_state */
} web_ctx_t;

/* pending: deferred, the worker has not suspended it yet; suspended: the
 * worker has; woken: web_wake came; orphaned: the connection ended before
 * web_wake, which then frees the request. */
enum defer_state { DEFER_PENDING, DEFER_SUSPENDED, DEFER_WOKEN, DEFER_ORPHANED };

/* The request is the first member of its web_ctx_t: only web_serve
 * creates requests. */
static web_ctx_t *ctx_of(http_request_t *req) { return (web_ctx_t *)(void *)req; }

void web_defer(http_request_t *req, web_resume_fn resume, void *arg)
{
    web_ctx_t *ctx = ctx_of(req);
    ctx->resume = resume;
    ctx->resume_arg = arg;
}

static void ctx_free(web_ctx_t *ctx)
{
    buf_free(&ctx->body);
    http_response_free(&ctx->res);
    arena_free(&ctx->req.arena);
    free(ctx);
}

/* A deferred answer nobody will read (the connection is gone): the resume
 * function still runs once, so the handler releases what it holds. */
static void drop_deferred(web_ctx_t *ctx)
{
    web_resume_fn resume = ctx->resume;
    ctx->resume = NULL;
    if (resume)
        resume(&ctx->req, &ctx->res, ctx->resume_arg);
}

void web_wake(http_request_t *req)
{
    web_ctx_t *ctx = ctx_of(req);
    int was = atomic_exchange(&ctx->defer_state, DEFER_WOKEN);
    if (was == DEFER_SUSPENDED) {
        MHD_resume_connection(ctx->conn);
    } else if (was == DEFER_ORPHANED) {
        drop_deferred(ctx);
        ctx_free(ctx);
    }
    /* DEFER_PENDING: the worker sees DEFER_WOKEN when it tries to suspend */
}

/* ---- request setup ---- */

static void *web_uri_callback(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)conn;
    web_server_t *srv = cls;
    web_ctx_t *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    atomic_init(&ctx->defer_state, DEFER_PENDING);
    atomic_fetch_add(&srv->active, 1);
    clock_gettime(CLOCK_MONOTONIC, &ctx->start);
    arena_init(&ctx->req.arena);
    http_response_init(&ctx->res);
    buf_init(&ctx->body, srv->app.max_body);
    ctx->req.app = &srv->app;
    ctx->req.store = srv->app.store;
    ctx->req.fail_text = -1;
    ctx->req.lang = LANG_DEFAULT;

    /* absolute-form targets ("http://host/path") carry the path after the
     * authority */
    if (strncasecmp(uri, "http://", 7) == 0 || strncasecmp(uri, "https://", 8) == 0) {
        const char *p = strchr(uri + 8, '/');
        uri = p ? p : "/";
    }
    const char *q = strchr(uri, '?');
    size_t plen = q ? (size_t)(q - uri) : strlen(uri);
    ctx->req.path = plen ? arena_strndup(&ctx->req.arena, uri, plen) : "/";
    ctx->req.query_string = arena_strdup(&ctx->req.arena, q ? q + 1 : "");
    if (!ctx->req.path || !ctx->req.query_string) {
        ctx->req.path = "/";
        ctx->req.query_string = "";
        ctx->bad_request = true;
    }
    if (ctx->req.path[0] != '/')
        ctx->bad_request = true;
    ctx->req.is_api = strncmp(ctx->req.path, "/api/", 5) == 0 || strcmp(ctx->req.path, "/api") == 0;
    return ctx;
}

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    web_ctx_t *ctx = cls;
    if (!key)
        return MHD_YES;
    if (!value)
        value = "";
    if (http_params_add(&ctx->req.arena, &ctx->req.headers, key, value, strlen(value)))
        return MHD_NO;
    return MHD_YES;
}

/* The client's address as text; behind a trusted proxy the last hop of
 * X-Forwarded-For, which is what the proxy itself saw. */
static const char *client_address(web_ctx_t *ctx, struct MHD_Connection *conn, bool trust_proxy)
{
    if (trust_proxy) {
        const char *xff = http_header(&ctx->req, "X-Forwarded-For");
        if (xff && *xff) {
            const char *last = strrchr(xff, ',');
            last = last ? last + 1 : xff;
            while (*last == ' ' || *last == '\t')
                last++;
            size_t n = strcspn(last, " \t");
            bool plausible = n > 0 && n <= 45;
            for (size_t i = 0; plausible && i < n; i++)
                plausible = strchr("0123456789abcdefABCDEF.:[]", last[i]) != NULL;
            if (plausible)
                return arena_strndup(&ctx->req.arena, last, n);
        }
    }
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char host[NI_MAXHOST];
    if (info && info->client_addr) {
        socklen_t len = info->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                                 : sizeof(struct sockaddr_in);
        if (getnameinfo(info->client_addr, len, host, sizeof host, NULL, 0, NI_NUMERICHOST) == 0) {
            /* an IPv4 client on a dual-stack socket reads better as IPv4 */
            const char *h =
                strncmp(host, "::ffff:", 7) == 0 && strchr(host + 7, '.') ? host + 7 : host;
            return arena_strdup(&ctx->req.arena, h);
        }
    }
    return "unknown";
}

static void setup_request(web_server_t *srv, web_ctx_t *ctx, struct MHD_Connection *conn,
                          const char *method)
{
    http_request_t *req = &ctx->req;
    req->method_name = arena_strdup(&req->arena, method);
    req->method = http_method_from_name(method);
    req->now = store_now();
    if (MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, ctx) < 0)
        ctx->bad_request = true;
    req->address = client_address(ctx, conn, srv->app.trust_proxy);
    if (!req->method_name || !req->address)
        ctx->bad_request = true;
    if (srv->app.trust_proxy) {
        const char *proto = http_header(req, "X-Forwarded-Proto");
        req->tls = proto && strncasecmp(proto, "https", 5) == 0 &&
                   (proto[5] == '\0' || proto[5] == ',' || proto[5] == ' ');
    }
    if (http_parse_cookies(&req->arena, http_header(req, "Cookie"), &req->cookies))
        ctx->bad_request = true;
    if (http_parse_urlencoded(&req->arena, req->query_string, strlen(req->query_string),
                              &req->query))
        ctx->bad_request = true;
}

static bool content_length_too_large(const http_request_t *req, size_t max)
{
    const char *cl = http_header(req, "Content-Length");
    if (!cl || !*cl)
        return false;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(cl, &end, 10);
    return errno == ERANGE || (*end == '\0' && n > max);
}

static bool is_form(const http_request_t *req)
{
    const char *ct = http_header(req, "Content-Type");
    if (!ct)
        return false;
    static const char form[] = "application/x-www-form-urlencoded";
    return strncasecmp(ct, form, sizeof form - 1) == 0 &&
           (ct[sizeof form - 1] == '\0' || ct[sizeof form - 1] == ';' ||
            ct[sizeof form - 1] == ' ');
}

/* ---- the answer ---- */

static void add_standard_headers(http_request_t *req, http_response_t *res)
{
    http_set_header(req, res, "X-Content-Type-Options", "nosniff");
    http_set_header(req, res, "Referrer-Policy", "same-origin");
    bool html = res->content_type && strncmp(res->content_type, "text/html", 9) == 0;
    if (html) {
        http_set_header(req, res, "Content-Security-Policy", WEB_CSP);
        http_set_header(req, res, "X-Frame-Options", "DENY");
    }
    if (!http_params_get_nocase(&res->headers, "Cache-Control"))
        http_set_header(req, res, "Cache-Control", "no-store");
}

static enum MHD_Result queue_answer(web_ctx_t *ctx, struct MHD_Connection *conn)
{
    http_request_t *req = &ctx->req;
    http_response_t *res = &ctx->res;
    if (!res->static_body && buf_failed(&res->body)) {
        log_error("%s %s: response too large or out of memory", req->method_name, req->path);
        http_render_error(req, res, CX_ERR_NOMEM);
        if (buf_failed(&res->body)) {
            http_response_reset(res);
            res->status = 500;
            res->content_type = "text/plain; charset=utf-8";
            buf_puts(&res->body, "internal error\n");
        }
    }
    add_standard_headers(req, res);

    struct MHD_Response *r;
    if (res->static_body) {
        r = MHD_create_response_from_buffer(res->static_len, (void *)res->static_body,
                                            MHD_RESPMEM_PERSISTENT);
        ctx->bytes = res->static_len;
    } else {
        size_t len = 0;
        char *data = buf_detach(&res->body, &len);
        if (!data)
            return MHD_NO;
        r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
        if (!r)
            free(data);
        ctx->bytes = len;
    }
    if (!r)
        return MHD_NO;
    if (res->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
    for (size_t i = 0; i < res->headers.count; i++)
        MHD_add_response_header(r, res->headers.items[i].name, res->headers.items[i].value);
    if (req->method == HTTP_HEAD)
        ctx->bytes = 0;
    ctx->status = res->status;
    ctx->answered = true;
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)res->status, r);
    MHD_destroy_response(r);
    return ret;
}

static void answer_status(web_ctx_t *ctx, int status, const char *code, const char *message)
{
    http_render_status(&ctx->req, &ctx->res, status, code, message);
}

/* After router_dispatch or a resume: suspends the connection while the
 * deferred work runs, or renders its answer once it is done. */
static enum MHD_Result answer_deferred(web_ctx_t *ctx, struct MHD_Connection *conn)
{
    if (atomic_load(&ctx->defer_state) == DEFER_PENDING) {
        /* suspended before it can be resumed: web_wake may come any time
         * after the state says so */
        ctx->conn = conn;
        MHD_suspend_connection(conn);
        int expected = DEFER_PENDING;
        if (!atomic_compare_exchange_strong(&ctx->defer_state, &expected, DEFER_SUSPENDED))
            MHD_resume_connection(conn); /* woken meanwhile */
        return MHD_YES;
    }
    if (atomic_load(&ctx->defer_state) != DEFER_WOKEN)
        return MHD_YES; /* still suspended */
    web_resume_fn resume = ctx->resume;
    ctx->resume = NULL;
    http_request_t *req = &ctx->req;
    cx_result rc = resume(req, &ctx->res, ctx->resume_arg);
    if (rc != CX_OK) {
        if (http_status_of(rc) == 500)
            log_error("%s %s: %s", req->method_name, req->path, cx_result_text(rc));
        http_render_error(req, &ctx->res, rc);
    }
    return queue_answer(ctx, conn);
}

static enum MHD_Result web_access(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)url;
    (void)version;
    web_server_t *srv = cls;
    web_ctx_t *ctx = *con_cls;
    if (!ctx)
        return MHD_NO; /* the URI callback could not allocate */
    if (ctx->answered)
        return MHD_YES;
    if (ctx->resume)
        return answer_deferred(ctx, conn); /* resumed */

    if (!ctx->started) {
        ctx->started = true;
        setup_request(srv, ctx, conn, method);
        /* nothing of the body is read yet, so its limit may still change */
        ctx->max_body = page_import_body_limit(&ctx->req, srv->app.max_body);
        buf_init(&ctx->body, ctx->max_body);
        if (content_length_too_large(&ctx->req, ctx->max_body)) {
            /* answered before reading: libmicrohttpd then refuses the body */
            answer_status(ctx, 413, "too_large",
                          "the request body is larger than the server accepts");
            return queue_answer(ctx, conn);
        }
        return MHD_YES;
    }

    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (!ctx->too_large) {
            if (n > ctx->max_body - ctx->body.len) {
                ctx->too_large = true;
                ctx->discarded = ctx->body.len;
                buf_free(&ctx->body);
            } else {
                buf_append(&ctx->body, upload_data, n);
                if (buf_failed(&ctx->body))
                    return MHD_NO;
                return MHD_YES;
            }
        }
        ctx->discarded += n;
        return ctx->discarded > ctx->max_body + WEB_DISCARD_MAX ? MHD_NO : MHD_YES;
    }

    /* the whole request is here */
    http_request_t *req = &ctx->req;
    if (ctx->too_large) {
        answer_status(ctx, 413, "too_large", "the request body is larger than the server accepts");
        return queue_answer(ctx, conn);
    }
    if (ctx->body.len) {
        req->body = ctx->body.data;
        req->body_len = ctx->body.len;
    }
    if (!ctx->bad_request && req->body && is_form(req) &&
        http_parse_urlencoded(&req->arena, req->body, req->body_len, &req->form))
        ctx->bad_request = true;
    if (!ctx->bad_request && req->body &&
        multipart_is_form_data(http_header(req, "Content-Type")) && multipart_fill_form(req))
        ctx->bad_request = true;
    if (ctx->bad_request) {
        answer_status(ctx, 400, "invalid_input", "the request could not be read");
        return queue_answer(ctx, conn);
    }
    router_dispatch(req, &ctx->res);
    if (ctx->resume)
        return answer_deferred(ctx, conn);
    return queue_answer(ctx, conn);
}

static void web_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                          enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    (void)toe;
    web_server_t *srv = cls;
    web_ctx_t *ctx = *con_cls;
    if (!ctx)
        return;
    *con_cls = NULL;
    if (srv->app.access_log) {
        struct timespec end;
        clock_gettime(CLOCK_MONOTONIC, &end);
        long long usec = (long long)(end.tv_sec - ctx->start.tv_sec) * 1000000LL +
                         (end.tv_nsec - ctx->start.tv_nsec) / 1000;
        log_info("%s %s %d %zu %lldus %s", ctx->req.method_name ? ctx->req.method_name : "-",
                 ctx->req.path ? ctx->req.path : "-", ctx->answered ? ctx->status : 0, ctx->bytes,
                 usec, ctx->req.address ? ctx->req.address : "-");
    }
    atomic_fetch_sub(&srv->active, 1);
    if (ctx->resume) {
        /* ended with its answer deferred (the client left, or shutdown
         * gave up waiting): the work may still hold the request */
        int state = atomic_load(&ctx->defer_state);
        while (state != DEFER_WOKEN &&
               !atomic_compare_exchange_weak(&ctx->defer_state, &state, DEFER_ORPHANED))
            ;
        if (state != DEFER_WOKEN)
            return; /* web_wake frees it */
        drop_deferred(ctx);
    }
    ctx_free(ctx);
}

static void web_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    /* libmicrohttpd's own messages; a truncated one is still useful */
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    log_warn("http: %s", line);
}

/* ---- listening ---- */

/* Splits "HOST:PORT" / "[V6]:PORT" into arena-free buffers. */
static bool split_listen(const char *listen, char *host, size_t hostlen, char *port, size_t portlen,
                         bool *bracketed)
{
    const char *colon;
    *bracketed = listen[0] == '[';
    if (*bracketed) {
        const char *close = strchr(listen, ']');
        if (!close || close[1] != ':')
            return false;
        if ((size_t)(close - listen - 1) >= hostlen)
            return false;
        memcpy(host, listen + 1, (size_t)(close - listen - 1));
        host[close - listen - 1] = '\0';
        colon = close + 1;
    } else {
        colon = strrchr(listen, ':');
        if (!colon || (size_t)(colon - listen) >= hostlen)
            return false;
        memcpy(host, listen, (size_t)(colon - listen));
        host[colon - listen] = '\0';
    }
    const char *p = colon + 1;
    if (!*p || strlen(p) >= portlen)
        return false;
    for (const char *c = p; *c; c++)
        if (*c < '0' || *c > '9')
            return false;
    long v = strtol(p, NULL, 10);
    if (v < 1 || v > 65535)
        return false;
    strcpy(port, p);
    return true;
}

bool web_listen_valid(const char *listen)
{
    char host[256], port[8];
    bool bracketed;
    return listen && split_listen(listen, host, sizeof host, port, sizeof port, &bracketed);
}

/* Binds and listens; returns the socket or -1 after printing why. */
static int open_listener(const char *listen_text, bool *ipv6)
{
    char host[256], port[8];
    bool bracketed;
    if (!split_listen(listen_text, host, sizeof host, port, sizeof port, &bracketed)) {
        fprintf(stderr, "cxloop: %s: expected HOST:PORT, e.g. 127.0.0.1:8080\n", listen_text);
        return -1;
    }
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int gai = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
    if (gai != 0) {
        fprintf(stderr, "cxloop: %s: %s\n", listen_text, gai_strerror(gai));
        return -1;
    }
    int fd = -1, err = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 256) == 0) {
            *ipv6 = ai->ai_family == AF_INET6;
            break;
        }
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        if (err == EADDRINUSE)
            fprintf(stderr, "cxloop: %s: address in use\n", listen_text);
        else
            fprintf(stderr, "cxloop: %s: %s\n", listen_text, strerror(err ? err : EINVAL));
    }
    return fd;
}

/* ---- signals ---- */

static int web_signal_pipe[2] = {-1, -1};

static void web_on_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    ssize_t ignored = write(web_signal_pipe[1], &b, 1);
    (void)ignored;
    errno = saved;
}

static int wait_for_signal(void)
{
    for (;;) {
        struct pollfd p = {.fd = web_signal_pipe[0], .events = POLLIN};
        int n = poll(&p, 1, -1);
        if (n < 0 && errno == EINTR)
            continue;
        unsigned char b = 0;
        if (n > 0 && read(web_signal_pipe[0], &b, 1) == 1)
            return b;
        if (n < 0)
            return 0;
    }
}

int web_serve(store_t *store, const web_options_t *opt)
{
    static web_server_t srv; /* one server per process: the signal pipe is too */
    /* request bodies parse into arenas (json_arena.h), before any thread */
    json_arena_install();
    memset(&srv.app, 0, sizeof srv.app);
    atomic_init(&srv.active, 0);
    srv.app.store = store;
    srv.app.max_body = opt->max_body ? opt->max_body : WEB_DEFAULT_MAX_BODY;
    srv.app.trust_proxy = opt->trust_proxy;
    srv.app.access_log = opt->access_log;
    const char *listen_text = opt->listen && *opt->listen ? opt->listen : WEB_DEFAULT_LISTEN;

    long threads = opt->threads > 0 ? opt->threads : WEB_DEFAULT_THREADS;
    if (threads > 256)
        threads = 256;

    bool ipv6 = false;
    int fd = open_listener(listen_text, &ipv6);
    if (fd < 0)
        return 1;

    if (pipe2(web_signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        fprintf(stderr, "cxloop: cannot create a pipe: %s\n", strerror(errno));
        close(fd);
        return 1;
    }
    /* the read end blocks in poll, not in read */
    fcntl(web_signal_pipe[0], F_SETFL, 0);

    /* the metrics engine loads every response before the first request */
    char engine_error[256];
    if (engine_open(store, &srv.app.engine, engine_error, sizeof engine_error) != CX_OK) {
        fprintf(stderr, "cxloop: %s\n", engine_error);
        close(fd);
        close(web_signal_pipe[0]);
        close(web_signal_pipe[1]);
        return 1;
    }
    if (refresher_start(srv.app.engine, store, WEB_ENGINE_REFRESH_MS, &srv.app.refresher)) {
        fprintf(stderr, "cxloop: cannot start the metrics refresher\n");
        engine_free(srv.app.engine);
        close(fd);
        close(web_signal_pipe[0]);
        close(web_signal_pipe[1]);
        return 1;
    }

    /* links in QR codes and e-mails default to the address we listen on */
    static char default_base[300];
    const char *port = strrchr(listen_text, ':');
    snprintf(default_base, sizeof default_base, "http://localhost:%s", port ? port + 1 : "8080");
    srv.app.default_base_url = default_base;
    if (opt->mail && opt->mail->smtp_url) {
        mailer_config_t mail = *opt->mail;
        mail.default_base_url = default_base;
        if (mailer_start(store, &mail, opt->mail_poll_seconds, &srv.app.mailer) != CX_OK) {
            fprintf(stderr, "cxloop: cannot start the invitation mailer\n");
            refresher_stop(srv.app.refresher);
            engine_free(srv.app.engine);
            close(fd);
            close(web_signal_pipe[0]);
            close(web_signal_pipe[1]);
            return 1;
        }
    }

    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    flags |= MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES ? MHD_USE_EPOLL : MHD_USE_POLL;
    if (ipv6)
        flags |= MHD_USE_IPv6;
    /* the logger first, or libmicrohttpd prints early messages itself */
    /* clang-format off */
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, web_access, &srv,
        MHD_OPTION_EXTERNAL_LOGGER, web_mhd_log, NULL,
        MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
        MHD_OPTION_URI_LOG_CALLBACK, web_uri_callback, &srv,
        MHD_OPTION_NOTIFY_COMPLETED, web_completed, &srv,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WEB_CONNECTION_TIMEOUT,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_END);
    /* clang-format on */
    if (!d) {
        fprintf(stderr, "cxloop: %s: cannot start the web server\n", listen_text);
        mailer_stop(srv.app.mailer);
        srv.app.mailer = NULL;
        refresher_stop(srv.app.refresher);
        engine_free(srv.app.engine);
        close(fd);
        close(web_signal_pipe[0]);
        close(web_signal_pipe[1]);
        return 1;
    }

    struct sigaction sa = {0}, old_int, old_term, old_pipe;
    sa.sa_handler = web_on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    struct sigaction ign = {0};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old_pipe);

    printf("cxloop: listening on http://%s/\n", listen_text);
    if (opt->banner && *opt->banner)
        fputs(opt->banner, stdout);
    fflush(stdout);

    int sig = wait_for_signal();
    log_info("%s: stopping; waiting for requests in flight", sig == SIGINT    ? "SIGINT"
                                                             : sig == SIGTERM ? "SIGTERM"
                                                                              : "signal");

    MHD_socket listener = MHD_quiesce_daemon(d);
    for (int waited = 0; atomic_load(&srv.active) > 0 && waited < WEB_SHUTDOWN_WAIT_MS;
         waited += 10) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    int left = atomic_load(&srv.active);
    if (listener != MHD_INVALID_SOCKET)
        close(listener);
    /* the mailer needs no connection: it stops either way */
    mailer_stop(srv.app.mailer);
    srv.app.mailer = NULL;
    if (left == 0) {
        MHD_stop_daemon(d);
        refresher_stop(srv.app.refresher);
        engine_free(srv.app.engine);
        srv.app.refresher = NULL;
        srv.app.engine = NULL;
    } else {
        /* Writes still queued will call back into the refresher and
         * resume their suspended connections when the store finishes
         * them; libmicrohttpd refuses to stop with suspended connections.
         * So the daemon, the refresher and the engine stay: the process
         * is about to end. */
        log_warn("stopping with %d request(s) still in flight", left);
    }

    /* how well group commit worked, for whoever tunes --threads */
    store_stats_t stats;
    store_get_stats(store, &stats);
    log_info("store: %lld write jobs in %lld commits (largest batch %lld)",
             (long long)stats.jobs, (long long)stats.commits, (long long)stats.largest_batch);

    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    close(web_signal_pipe[0]);
    close(web_signal_pipe[1]);
    web_signal_pipe[0] = web_signal_pipe[1] = -1;
    log_info("stopped");
    return 0;
}
