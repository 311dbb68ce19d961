/* lab_https - one HTTPS server on 127.0.0.1 for every lab policy host.
 *
 * The SNI callback picks the certificate of the named host (a scenario's wrong-name or expired
 * certificate is served as is); an unknown SNI name is refused with alert 112
 * unrecognized_name, like a strict virtual-host setup; no SNI gets a default certificate for
 * lab.mxray.test. One bounded HTTP/1.1 request per connection (GET or HEAD), answered from the
 * scenario's [policy] section (status, Content-Type, Location, body) when the path is
 * /.well-known/mta-sts.txt, then the connection closes. Policies are borrowed from the
 * scenarios, which outlive the server. */
#include "lab_int.h"
#include "loop.h"
#include "xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define POLICY_PATH "/.well-known/mta-sts.txt"

struct site {
    const struct lab_policy *pol;
    SSL_CTX *ctx;
};

struct lab_https {
    struct loop *loop;
    struct lab_conn_set *conns;
    int fd, port;
    SSL_CTX *dflt;
    struct site *sites;
    size_t nsites;
};

struct req {
    struct lab_https *h;
    bool answered;
};

int lab_https_port_of(const struct lab_https *h)
{
    return h->port;
}

static const struct site *find_site(const struct lab_https *h, const char *host, size_t len)
{
    for (size_t i = 0; i < h->nsites; i++) {
        const char *name = h->sites[i].pol->host;
        if (strlen(name) == len && !strncasecmp(name, host, len))
            return &h->sites[i];
    }
    return NULL;
}

static int on_sni(SSL *ssl, int *alert, void *arg)
{
    const struct lab_https *h = arg;
    const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (!name)
        return SSL_TLSEXT_ERR_NOACK; /* default certificate */
    const struct site *s = find_site(h, name, strlen(name));
    if (!s) {
        *alert = SSL_AD_UNRECOGNIZED_NAME;
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    SSL_set_SSL_CTX(ssl, s->ctx);
    return SSL_TLSEXT_ERR_OK;
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

static void respond(struct lab_conn *c, int status, const char *ctype, const char *location,
                    const char *body, size_t len, bool head)
{
    lab_conn_printf(c, "HTTP/1.1 %d %s\r\nServer: mxray-lab\r\n", status, reason(status));
    if (ctype)
        lab_conn_printf(c, "Content-Type: %s\r\n", ctype);
    if (location)
        lab_conn_printf(c, "Location: %s\r\n", location);
    lab_conn_printf(c, "Content-Length: %zu\r\nConnection: close\r\n\r\n", len);
    if (!head)
        lab_conn_write(c, body, len);
    lab_conn_close_after_flush(c);
}

static void respond_text(struct lab_conn *c, int status, const char *text)
{
    respond(c, status, "text/plain", NULL, text, strlen(text), false);
}

/* header_value - value of header name in the request head (bounded by end), or NULL. */
static const char *header_value(const char *head, const char *end, const char *name,
                                size_t *len)
{
    size_t nlen = strlen(name);
    for (const char *p = head; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            break;
        if ((size_t)(eol - p) > nlen && !strncasecmp(p, name, nlen) && p[nlen] == ':') {
            const char *v = p + nlen + 1;
            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            const char *e = eol;
            while (e > v && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
                e--;
            *len = (size_t)(e - v);
            return v;
        }
        p = eol + 1;
    }
    return NULL;
}

static void handle(struct lab_https *h, struct lab_conn *c, const char *req, const char *end)
{
    char method[8], target[512];
    if (sscanf(req, "%7s %511s HTTP/1.", method, target) != 2) {
        respond_text(c, 400, "bad request\n");
        return;
    }
    bool head = !strcmp(method, "HEAD");
    if (!head && strcmp(method, "GET")) {
        respond_text(c, 405, "only GET and HEAD\n");
        return;
    }
    size_t hlen = 0;
    const char *host = header_value(req, end, "host", &hlen);
    if (!host) {
        host = lab_conn_sni(c);
        hlen = host ? strlen(host) : 0;
    }
    const char *colon = host ? memchr(host, ':', hlen) : NULL;
    if (colon)
        hlen = (size_t)(colon - host);
    const struct site *s = host ? find_site(h, host, hlen) : NULL;
    char *q = strchr(target, '?');
    if (q)
        *q = '\0';
    if (!s || strcmp(target, POLICY_PATH)) {
        respond_text(c, 404, "not found (mxray lab serves only " POLICY_PATH ")\n");
        return;
    }
    const struct lab_policy *p = s->pol;
    respond(c, p->status, p->content_type, p->location, p->body, p->body_len, head);
}

static void req_data(void *arg, struct lab_conn *c)
{
    struct req *r = arg;
    size_t len;
    const char *data = lab_conn_data(c, &len);
    if (r->answered) {
        lab_conn_consume(c, len); /* one request per connection; ignore the rest */
        return;
    }
    const char *end = memmem(data, len, "\r\n\r\n", 4);
    if (!end)
        end = memmem(data, len, "\n\n", 2);
    if (!end) {
        if (len >= LAB_CONN_IN_MAX - 1) {
            r->answered = true;
            respond_text(c, 431, "request head too large\n");
            lab_conn_consume(c, len);
        }
        return;
    }
    char *copy = xstrndup(data, (size_t)(end - data) + 1); /* NUL-terminated for sscanf */
    r->answered = true;
    handle(r->h, c, copy, copy + strlen(copy));
    free(copy);
    lab_conn_consume(c, len);
}

static void req_closed(void *arg)
{
    free(arg);
}

static const struct lab_conn_ops req_ops = {req_data, req_closed};

static void on_accept(void *arg, int fd, int revents)
{
    struct lab_https *h = arg;
    int cfd;
    while ((cfd = lab_accept(fd)) >= 0) {
        if (lab_conn_set_full(h->conns)) {
            close(cfd);
            continue;
        }
        struct req *r = xcalloc(1, sizeof *r);
        r->h = h;
        lab_conn_new(h->conns, h->loop, cfd, h->dflt, &req_ops, r);
    }
}

/* site_names - the SAN list of a policy host's certificate. */
static size_t site_names(const struct lab_policy *p, const char *domain, const char ***out,
                         char **owned)
{
    *owned = NULL;
    if (p->nnames) {
        *out = (const char **)p->names;
        return p->nnames;
    }
    static const char *one[1];
    if (p->cert == LAB_CERT_WRONG_NAME) {
        *owned = xasprintf("www.%s", domain); /* the classic: the web site's certificate */
        one[0] = *owned;
    } else {
        one[0] = p->host;
    }
    *out = one;
    return 1;
}

static int add_site(struct lab_https *h, const struct lab_ca *ca, const struct lab_scn *s,
                    char *err, size_t errlen)
{
    const char **names;
    char *owned;
    size_t n = site_names(&s->policy, s->info.domain, &names, &owned);
    SSL_CTX *ctx = lab_ca_server_ctx(ca, s->policy.cert, names, n, TLS1_3_VERSION, err, errlen);
    free(owned);
    if (!ctx)
        return -1;
    h->sites = xreallocarray(h->sites, h->nsites + 1, sizeof *h->sites);
    h->sites[h->nsites++] = (struct site){&s->policy, ctx};
    return 0;
}

struct lab_https *lab_https_new(struct loop *l, struct lab_conn_set *conns,
                                const struct lab_ca *ca, struct lab_scn *const *s, size_t n,
                                char *err, size_t errlen)
{
    struct lab_https *h = xcalloc(1, sizeof *h);
    h->loop = l;
    h->conns = conns;
    h->fd = -1;
    const char *dflt[] = {"lab." LAB_ZONE};
    h->dflt = lab_ca_server_ctx(ca, LAB_CERT_GOOD, dflt, 1, TLS1_3_VERSION, err, errlen);
    for (size_t i = 0; h->dflt && i < n; i++) {
        if (s[i]->policy.present && add_site(h, ca, s[i], err, errlen)) {
            lab_https_free(h);
            return NULL;
        }
    }
    if (!h->dflt || (h->fd = lab_listen(SOCK_STREAM, 0, &h->port, err, errlen)) < 0) {
        lab_https_free(h);
        return NULL;
    }
    SSL_CTX_set_tlsext_servername_callback(h->dflt, on_sni);
    SSL_CTX_set_tlsext_servername_arg(h->dflt, h);
    loop_watch(l, h->fd, POLLIN, on_accept, h);
    return h;
}

void lab_https_free(struct lab_https *h)
{
    if (!h)
        return;
    if (h->fd >= 0) {
        loop_watch(h->loop, h->fd, 0, NULL, NULL);
        close(h->fd);
    }
    for (size_t i = 0; i < h->nsites; i++)
        SSL_CTX_free(h->sites[i].ctx);
    free(h->sites);
    SSL_CTX_free(h->dflt);
    free(h);
}
