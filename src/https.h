/* https - one HTTPS GET at a time per handle, through curl's multi socket API on the loop.
 *
 * Used for the MTA-STS policy fetch (RFC 8461 3.3): redirects are never followed, HTTP caching
 * is not used, the body is bounded, and the peer chain plus every verification error is kept
 * (cert_ssl.h recorder) even when the handshake fails. */
#ifndef MXRAY_HTTPS_H
#define MXRAY_HTTPS_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "cert.h"

struct loop;
struct https_ctx;

struct https_ctx *https_new(struct loop *l);
/* https_free - aborts transfers still running; their callbacks are NOT called. */
void https_free(struct https_ctx *h);

struct https_request {
    const char *url;
    const char *host;        /* name for SNI and certificate checks (URL's host) */
    const char *ca_file;     /* NULL = system trust store */
    /* curl-style "HOST:PORT:ADDR:PORT" mappings (CURLOPT_CONNECT_TO), may be empty */
    const char *const *connect_to;
    size_t nconnect_to;
    /* "HOST:PORT:ADDR[,ADDR]" pins (CURLOPT_RESOLVE) so curl never resolves names itself */
    const char *const *resolve;
    size_t nresolve;
    int ip_family;           /* 0 any, 4, 6 */
    int timeout_ms;
    size_t max_body;         /* bytes kept; more sets body_too_large and stops the transfer */
};

struct https_result {
    bool ok;                 /* a complete HTTP response arrived (any status) */
    int curl_code;           /* CURLcode */
    char *error;             /* escaped curl error text when !ok */
    bool timed_out;
    long status;             /* HTTP status, 0 when none */
    char *status_line;       /* escaped, e.g. "HTTP/1.1 200 OK" */
    char **headers;          /* escaped "Name: value" lines, at most MX_HTTP_HEADERS_MAX */
    size_t nheaders;
    bool headers_truncated;  /* more than MX_HTTP_HEADERS_MAX lines came; the rest dropped */
    char *content_type;      /* escaped, or NULL */
    char *location;          /* escaped Location header, or NULL */
    unsigned char *body;     /* raw bytes, NUL-terminated for convenience, at most max_body */
    size_t body_len;
    bool body_too_large;
    char *primary_ip;        /* address connected to, or NULL */
    int primary_port;
    struct tls_info tls;     /* chain as sent, errors, version, cipher, name match */
    int64_t connect_ms, tls_ms, first_byte_ms, total_ms; /* from start; -1 unknown */
};

/* The callback owns res and must free it with https_result_free. */
typedef void (*https_cb)(void *arg, struct https_result *res);
struct https_fetch;
/* https_get - start a GET; cb is called exactly once from the loop unless cancelled first. */
struct https_fetch *https_get(struct https_ctx *h, const struct https_request *req, https_cb cb,
                             void *arg);
void https_cancel(struct https_fetch *f);
void https_result_free(struct https_result *r);

#endif
