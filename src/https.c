/* https - the MTA-STS policy fetch: curl's multi socket API on the loop (contract in https.h).
 *
 * Shaped like curl's docs/examples/ephiperfifo.c: CURLMOPT_SOCKETFUNCTION -> loop_watch,
 * CURLMOPT_TIMERFUNCTION -> one loop timer (-1 cancels, 0 = next turn), and the finished
 * transfers are drained with curl_multi_info_read after every curl_multi_socket_action.
 *
 * TLS evidence: CURLOPT_SSL_CTX_FUNCTION attaches a cert_recorder (cert_ssl.h) to each SSL_CTX
 * curl makes, plus an info callback that snapshots tls_info_fill while the SSL is alive (at
 * handshake done or at a fatal alert): curl frees its SSL before it reports a failed
 * handshake, and the snapshot keeps the chain and every verification error anyway.
 *
 * Results are delivered by a 0 ms loop timer, never inside curl or inside https_get, so a
 * callback may start, cancel or free anything. Ownership: https_ctx owns every fetch until
 * it is delivered or cancelled; the callback owns the https_result (https_result_free). */
#include "https.h"
#include "cert_ssl.h"
#include "escape.h"
#include "mx_limits.h"
#include "loop.h"
#include "xalloc.h"
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef MXRAY_VERSION
#define HTTPS_USER_AGENT "mxray/" MXRAY_VERSION
#else
#define HTTPS_USER_AGENT "mxray"
#endif

struct https_ctx {
    struct loop *loop;
    CURLM *multi;
    uint64_t timer;
    struct https_fetch *fetches; /* every live fetch, doubly linked */
};

/* One SSL_CTX curl made for this fetch (one per connection attempt). */
struct tls_attempt {
    struct https_fetch *f;
    SSL_CTX *ctx;                /* our reference, so the ex_data can be cleared at the end */
    struct cert_recorder *rec;
};

struct https_fetch {
    struct https_ctx *h;
    struct https_fetch *prev, *next;
    CURL *easy;
    https_cb cb;
    void *arg;
    struct https_result *res;
    char *host;                  /* expected certificate name */
    size_t max_body;
    size_t body_cap;
    struct curl_slist *connect_to, *resolve;
    struct tls_attempt **attempts;
    size_t nattempts;
    bool hs_done;                /* a handshake completed on this fetch's connection */
    bool alerted;                /* a fatal alert was snapshotted; keep that reason */
    bool done;                   /* result built; waiting for delivery */
    uint64_t deliver_timer;
    char errbuf[CURL_ERROR_SIZE];
};

static int tls_idx = -1; /* SSL_CTX ex_data: struct tls_attempt * */

/* --- results ------------------------------------------------------------------------------ */

void https_result_free(struct https_result *r)
{
    if (!r)
        return;
    free(r->error);
    free(r->status_line);
    for (size_t i = 0; i < r->nheaders; i++)
        free(r->headers[i]);
    free(r->headers);
    free(r->content_type);
    free(r->location);
    free(r->body);
    free(r->primary_ip);
    tls_info_free(&r->tls);
    free(r);
}

static void headers_reset(struct https_result *r)
{
    for (size_t i = 0; i < r->nheaders; i++)
        free(r->headers[i]);
    free(r->headers);
    r->headers = NULL;
    r->nheaders = 0;
    r->headers_truncated = false;
    free(r->status_line);
    free(r->content_type);
    free(r->location);
    r->status_line = r->content_type = r->location = NULL;
}

/* header_value - the escaped value of "Name: value" when the name is want, else NULL. */
static char *header_value(const char *line, size_t n, const char *want)
{
    size_t wl = strlen(want);
    if (n <= wl || line[wl] != ':' || strncasecmp(line, want, wl) != 0)
        return NULL;
    size_t i = wl + 1;
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
        i++;
    size_t end = n;
    while (end > i && (line[end - 1] == ' ' || line[end - 1] == '\t'))
        end--;
    size_t len = end - i < MX_HTTP_HEADER_LINE_MAX ? end - i : MX_HTTP_HEADER_LINE_MAX;
    return escape_bytes(line + i, len);
}

/* on_header - curl gives one header line at a time, status line included. Only the last
 * response's headers are kept: a new status line starts over. */
static size_t on_header(char *data, size_t size, size_t nitems, void *arg)
{
    struct https_fetch *f = arg;
    struct https_result *r = f->res;
    size_t n = size * nitems, len = n;
    while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
        len--;
    if (len == 0)
        return n; /* the blank line ending the header block */
    size_t keep = len < MX_HTTP_HEADER_LINE_MAX ? len : MX_HTTP_HEADER_LINE_MAX;
    if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        headers_reset(r);
        r->status_line = escape_bytes(data, keep);
        return n;
    }
    char *v;
    if (!r->content_type && (v = header_value(data, len, "Content-Type")))
        r->content_type = v;
    if (!r->location && (v = header_value(data, len, "Location")))
        r->location = v;
    if (r->nheaders >= MX_HTTP_HEADERS_MAX) {
        r->headers_truncated = true;
        return n;
    }
    xptr_push((void ***)&r->headers, &r->nheaders, escape_bytes(data, keep));
    return n;
}

/* on_body - keep at most max_body bytes; one more byte aborts the transfer (a short count
 * makes curl fail with CURLE_WRITE_ERROR) and sets body_too_large (RFC 8461 3.3 size limit). */
static size_t on_body(char *data, size_t size, size_t nitems, void *arg)
{
    struct https_fetch *f = arg;
    struct https_result *r = f->res;
    size_t n = size * nitems;
    size_t room = f->max_body - r->body_len;
    size_t take = n < room ? n : room;
    if (r->body_len + take + 1 > f->body_cap) {
        size_t cap = f->body_cap ? f->body_cap * 2 : 4096;
        while (cap < r->body_len + take + 1)
            cap *= 2;
        if (cap > f->max_body + 1)
            cap = f->max_body + 1;
        r->body = xrealloc(r->body, cap);
        f->body_cap = cap;
    }
    memcpy(r->body + r->body_len, data, take);
    r->body_len += take;
    r->body[r->body_len] = '\0';
    if (take < n) {
        r->body_too_large = true;
        return take;
    }
    return n;
}

/* --- TLS evidence ------------------------------------------------------------------------- */

/* snapshot - tls_info from the live SSL; the last snapshot wins. */
static void snapshot(struct tls_attempt *a, SSL *ssl, bool ok, const char *why)
{
    struct https_result *r = a->f->res;
    tls_info_free(&r->tls);
    tls_info_fill(&r->tls, ssl, a->rec, a->f->host, ok, why);
}

/* on_ssl_info - OpenSSL's info callback on curl's SSL_CTX. The SSL is const only in the
 * callback's prototype; tls_info_fill merely reads it. */
static void on_ssl_info(const SSL *cssl, int where, int ret)
{
    SSL *ssl = (SSL *)cssl;
    struct tls_attempt *a = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), tls_idx);
    if (!a || !a->f)
        return;
    if (where & SSL_CB_HANDSHAKE_DONE) {
        a->f->hs_done = true;
        snapshot(a, ssl, true, NULL);
    } else if ((where & SSL_CB_ALERT) && (ret >> 8) == SSL3_AL_FATAL) {
        /* A fatal alert, e.g. our bad_certificate after a failed verification, or the
         * server's unrecognized_name (RFC 8461 7.1 SNI). */
        char *why = xasprintf("%s fatal alert: %s", (where & SSL_CB_READ) ? "received" : "sent",
                              SSL_alert_desc_string_long(ret));
        a->f->hs_done = false;
        a->f->alerted = true;
        snapshot(a, ssl, false, why);
        free(why);
    } else if ((where & SSL_CB_CONNECT_EXIT) && ret <= 0 && !a->f->hs_done && !a->f->alerted) {
        /* Not waiting for I/O, so the handshake ended without an alert (e.g. EOF). */
        int e = SSL_get_error(ssl, ret);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
            snapshot(a, ssl, false, "the handshake ended without an alert");
    }
}

/* on_ssl_ctx - CURLOPT_SSL_CTX_FUNCTION: runs once per connection, before the handshake. */
static CURLcode on_ssl_ctx(CURL *easy, void *sslctx, void *arg)
{
    struct https_fetch *f = arg;
    SSL_CTX *ctx = sslctx;
    struct tls_attempt *a = xcalloc(1, sizeof *a);
    a->f = f;
    a->rec = cert_recorder_new(true); /* enforce: fail as a real sender's fetch would */
    if (SSL_CTX_up_ref(ctx))
        a->ctx = ctx;
    xptr_push((void ***)&f->attempts, &f->nattempts, a);
    cert_recorder_attach_ctx(a->rec, ctx);
    if (a->ctx) {
        SSL_CTX_set_ex_data(ctx, tls_idx, a);
        SSL_CTX_set_info_callback(ctx, on_ssl_info);
    }
    return CURLE_OK;
}

static void attempts_free(struct https_fetch *f)
{
    for (size_t i = 0; i < f->nattempts; i++) {
        struct tls_attempt *a = f->attempts[i];
        if (a->ctx) {
            /* curl may still hold the SSL_CTX in a cached connection: disconnect it. */
            SSL_CTX_set_ex_data(a->ctx, tls_idx, NULL);
            SSL_CTX_set_info_callback(a->ctx, NULL);
            SSL_CTX_set_verify(a->ctx, SSL_VERIFY_PEER, NULL);
            SSL_CTX_free(a->ctx);
        }
        cert_recorder_free(a->rec);
        free(a);
    }
    free(f->attempts);
    f->attempts = NULL;
    f->nattempts = 0;
}

/* --- curl on the loop --------------------------------------------------------------------- */

static void check_multi_info(struct https_ctx *h);

static void on_fd(void *arg, int fd, int revents)
{
    struct https_ctx *h = arg;
    int ev = 0, running;
    if (revents & (POLLIN | POLLHUP))
        ev |= CURL_CSELECT_IN;
    if (revents & POLLOUT)
        ev |= CURL_CSELECT_OUT;
    if (revents & (POLLERR | POLLNVAL))
        ev |= CURL_CSELECT_ERR;
    curl_multi_socket_action(h->multi, fd, ev, &running);
    check_multi_info(h);
}

static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    struct https_ctx *h = userp;
    int events = 0;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
        events |= POLLIN;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
        events |= POLLOUT;
    loop_watch(h->loop, s, what == CURL_POLL_REMOVE ? 0 : events, on_fd, h);
    return 0;
}

static void on_timer(void *arg)
{
    struct https_ctx *h = arg;
    int running;
    h->timer = 0;
    curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_multi_info(h);
}

static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
    struct https_ctx *h = userp;
    loop_timer_cancel(h->loop, h->timer);
    h->timer = 0;
    if (timeout_ms >= 0)
        h->timer = loop_timer_set(h->loop, timeout_ms, on_timer, h);
    return 0;
}

/* --- fetch lifetime ----------------------------------------------------------------------- */

static void fetch_unlink_free(struct https_fetch *f)
{
    struct https_ctx *h = f->h;
    if (f->prev)
        f->prev->next = f->next;
    else
        h->fetches = f->next;
    if (f->next)
        f->next->prev = f->prev;
    if (f->easy) {
        curl_multi_remove_handle(h->multi, f->easy);
        curl_easy_cleanup(f->easy);
    }
    attempts_free(f);
    loop_timer_cancel(h->loop, f->deliver_timer);
    curl_slist_free_all(f->connect_to);
    curl_slist_free_all(f->resolve);
    https_result_free(f->res);
    free(f->host);
    free(f);
}

static void on_deliver(void *arg)
{
    struct https_fetch *f = arg;
    struct https_result *r = f->res;
    https_cb cb = f->cb;
    void *cbarg = f->arg;
    f->res = NULL;
    f->deliver_timer = 0;
    fetch_unlink_free(f); /* before cb: it may call https_free */
    cb(cbarg, r);
}

static void schedule_delivery(struct https_fetch *f)
{
    f->done = true;
    if (!f->deliver_timer)
        f->deliver_timer = loop_timer_set(f->h->loop, 0, on_deliver, f);
}

static int64_t info_ms(CURL *e, CURLINFO what)
{
    curl_off_t us = 0;
    if (curl_easy_getinfo(e, what, &us) != CURLE_OK || us <= 0)
        return -1;
    return (int64_t)(us / 1000);
}

/* finish - fill the result from curl's view of the transfer, then schedule delivery. */
static void finish(struct https_fetch *f, CURLcode code)
{
    struct https_result *r = f->res;
    CURL *e = f->easy;
    r->curl_code = (int)code;
    r->ok = code == CURLE_OK;
    r->timed_out = code == CURLE_OPERATION_TIMEDOUT;
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    r->status = status;
    char *ip = NULL;
    long port = 0;
    if (curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip && *ip)
        r->primary_ip = escape_str(ip);
    curl_easy_getinfo(e, CURLINFO_PRIMARY_PORT, &port);
    r->primary_port = (int)port;
    r->connect_ms = info_ms(e, CURLINFO_CONNECT_TIME_T);
    r->tls_ms = info_ms(e, CURLINFO_APPCONNECT_TIME_T);
    r->first_byte_ms = info_ms(e, CURLINFO_STARTTRANSFER_TIME_T);
    r->total_ms = info_ms(e, CURLINFO_TOTAL_TIME_T);
    if (r->body_too_large) {
        r->error = xasprintf("response body larger than %zu bytes; transfer stopped",
                             f->max_body);
    } else if (code != CURLE_OK) {
        r->error = escape_str(f->errbuf[0] ? f->errbuf : curl_easy_strerror(code));
    }
    if (r->tls.present && !r->tls.handshake_ok && !r->tls.handshake_error && r->error)
        r->tls.handshake_error = xstrdup(r->error);
    /* The connection is closed now (FORBID_REUSE), so no more TLS callbacks can come. */
    curl_multi_remove_handle(f->h->multi, e);
    curl_easy_cleanup(e);
    f->easy = NULL;
    attempts_free(f);
    schedule_delivery(f);
}

static void check_multi_info(struct https_ctx *h)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(h->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        struct https_fetch *f = NULL;
        CURLcode code = m->data.result;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&f);
        if (f && !f->done)
            finish(f, code);
    }
}

/* --- public ------------------------------------------------------------------------------- */

struct https_ctx *https_new(struct loop *l)
{
    static bool global_ready;
    if (!global_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            return NULL;
        global_ready = true;
    }
    if (tls_idx < 0)
        tls_idx = SSL_CTX_get_ex_new_index(0, "mxray https attempt", NULL, NULL, NULL);
    if (tls_idx < 0)
        return NULL;
    struct https_ctx *h = xcalloc(1, sizeof *h);
    h->loop = l;
    h->multi = curl_multi_init();
    if (!h->multi) {
        free(h);
        return NULL;
    }
    curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
    curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
    return h;
}

void https_free(struct https_ctx *h)
{
    if (!h)
        return;
    while (h->fetches)
        fetch_unlink_free(h->fetches);
    curl_multi_cleanup(h->multi);
    loop_timer_cancel(h->loop, h->timer);
    free(h);
}

static struct curl_slist *slist_of(const char *const *v, size_t n)
{
    struct curl_slist *l = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!v[i])
            continue;
        struct curl_slist *t = curl_slist_append(l, v[i]);
        if (!t)
            abort(); /* out of memory, as xalloc does */
        l = t;
    }
    return l;
}

/* url_host - the URL's host name, for the certificate check when req->host is NULL. */
static char *url_host(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL, *out = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
        out = xstrdup(host);
    curl_free(host);
    curl_url_cleanup(u);
    return out;
}

/* setup - every option of the policy fetch; returns the first failing CURLcode. */
static CURLcode setup(struct https_fetch *f, const struct https_request *req)
{
    CURL *e = f->easy;
    CURLcode rc = CURLE_OK;
#define SET(opt, val) \
    do { \
        if (rc == CURLE_OK) \
            rc = curl_easy_setopt(e, opt, val); \
    } while (0)
    SET(CURLOPT_PRIVATE, f);
    SET(CURLOPT_URL, req->url);
    SET(CURLOPT_ERRORBUFFER, f->errbuf);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_FOLLOWLOCATION, 0L);       /* RFC 8461 3.3: redirects MUST NOT be followed */
    SET(CURLOPT_PROTOCOLS_STR, "https");   /* RFC 8461 3.3: HTTPS only */
    SET(CURLOPT_PROXY, "");                /* connect only to what DNS or the user named */
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    SET(CURLOPT_SSL_SESSIONID_CACHE, 0L);  /* no resumption: the chain is seen every time */
    SET(CURLOPT_FORBID_REUSE, 1L);         /* a fresh connection per check, closed after */
    SET(CURLOPT_FRESH_CONNECT, 1L);
    SET(CURLOPT_USERAGENT, HTTPS_USER_AGENT);
    SET(CURLOPT_TIMEOUT_MS, (long)req->timeout_ms);
    SET(CURLOPT_CONNECTTIMEOUT_MS, (long)req->timeout_ms);
    SET(CURLOPT_IPRESOLVE, req->ip_family == 4   ? CURL_IPRESOLVE_V4
                           : req->ip_family == 6 ? CURL_IPRESOLVE_V6
                                                 : CURL_IPRESOLVE_WHATEVER);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, f);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, f);
    if (req->ca_file) {
        SET(CURLOPT_CAINFO, req->ca_file);
        SET(CURLOPT_CAPATH, NULL); /* trust that file only, not the system store as well */
    }
    if (f->connect_to)
        SET(CURLOPT_CONNECT_TO, f->connect_to);
    if (f->resolve)
        SET(CURLOPT_RESOLVE, f->resolve);
    if (rc == CURLE_OK) {
        /* Only the OpenSSL backend has this; without it the fetch still works but carries
         * no chain evidence. */
        if (curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx) == CURLE_OK)
            SET(CURLOPT_SSL_CTX_DATA, f);
    }
#undef SET
    return rc;
}

struct https_fetch *https_get(struct https_ctx *h, const struct https_request *req, https_cb cb,
                             void *arg)
{
    struct https_fetch *f = xcalloc(1, sizeof *f);
    f->h = h;
    f->cb = cb;
    f->arg = arg;
    f->res = xcalloc(1, sizeof *f->res);
    f->res->connect_ms = f->res->tls_ms = f->res->first_byte_ms = f->res->total_ms = -1;
    f->max_body = req->max_body ? req->max_body : MX_POLICY_BODY_MAX;
    f->host = req->host ? xstrdup(req->host) : url_host(req->url ? req->url : "");
    f->connect_to = slist_of(req->connect_to, req->nconnect_to);
    f->resolve = slist_of(req->resolve, req->nresolve);
    f->next = h->fetches;
    if (f->next)
        f->next->prev = f;
    h->fetches = f;
    CURLcode rc = CURLE_FAILED_INIT;
    f->easy = curl_easy_init();
    if (f->easy && req->url && (rc = setup(f, req)) == CURLE_OK &&
        curl_multi_add_handle(h->multi, f->easy) == CURLM_OK)
        return f; /* the timer callback has asked for a socket_action on the next turn */
    f->res->curl_code = (int)rc;
    f->res->error = escape_str(!req->url ? "no URL" : f->errbuf[0] ? f->errbuf
                                                               : curl_easy_strerror(rc));
    if (f->easy) {
        curl_easy_cleanup(f->easy);
        f->easy = NULL;
    }
    schedule_delivery(f);
    return f;
}

void https_cancel(struct https_fetch *f)
{
    if (f)
        fetch_unlink_free(f);
}
