/* tlsrpt_imap - read-only IMAP input over libcurl (tlsrpt_imap.h). */
#include "tlsrpt_imap.h"
#include "escape.h"
#include "xalloc.h"
#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMAP_SEARCH_MAX (8u << 20) /* bytes of the UID SEARCH answer (about 1M UIDs) */

struct buf {
    char *p;
    size_t n, max;
    bool over;
};

static size_t buf_write(char *data, size_t size, size_t nmemb, void *arg)
{
    struct buf *b = arg;
    size_t n = size * nmemb;
    if (b->n + n > b->max) {
        b->over = true;
        return 0; /* aborts the transfer */
    }
    b->p = xrealloc(b->p, b->n + n + 1);
    memcpy(b->p + b->n, data, n);
    b->n += n;
    b->p[b->n] = '\0';
    return n;
}

static int on_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    volatile sig_atomic_t *stop = arg;
    return stop && *stop;
}

const char *tlsrpt_imap_literal(const char *buf, size_t n, size_t *len)
{
    /* the first "{digits}\r\n" on a line that starts "* " and names FETCH */
    for (size_t i = 0; i + 2 < n; i++) {
        if ((i != 0 && buf[i - 1] != '\n') || buf[i] != '*' || buf[i + 1] != ' ')
            continue;
        const char *eol = memchr(buf + i, '\n', n - i);
        if (!eol)
            return NULL;
        size_t linelen = (size_t)(eol - (buf + i));
        if (!memmem(buf + i, linelen, "FETCH", 5) || linelen < 4 || eol[-1] != '\r' ||
            eol[-2] != '}')
            continue;
        const char *open = eol - 2;
        while (open > buf + i && open[-1] >= '0' && open[-1] <= '9')
            open--;
        if (open == eol - 2 || open[-1] != '{' || eol - 2 - open > 10)
            continue;
        size_t v = 0;
        for (const char *p = open; p < eol - 2; p++)
            v = v * 10 + (size_t)(*p - '0');
        size_t start = (size_t)(eol + 1 - buf);
        if (v > n - start)
            return NULL; /* cut short */
        *len = v;
        return eol + 1;
    }
    return NULL;
}

struct session {
    CURL *h;
    const struct tlsrpt_imap_opts *o;
    const struct tlsrpt_sink *sink;
    struct tlsrpt_read_stats *st;
    char *shown; /* the URL, escaped */
    char errbuf[CURL_ERROR_SIZE];
    struct buf body, head;
};

static void fail(struct session *s, const char *source, const char *what, CURLcode rc)
{
    char msg[512];
    if (s->body.over || s->head.over)
        snprintf(msg, sizeof msg, "%s: the answer is larger than %u MiB (limit)", what,
                 TLSRPT_FILE_MAX >> 20);
    else
        snprintf(msg, sizeof msg, "%s: %s%s%s", what, curl_easy_strerror(rc),
                 *s->errbuf ? ": " : "", s->errbuf);
    char *esc = escape_str(msg);
    s->st->errors++;
    s->sink->error(s->sink->arg, source, esc);
    free(esc);
}

static CURLcode command(struct session *s, const char *cmd, size_t headmax)
{
    free(s->body.p);
    free(s->head.p);
    s->body = (struct buf){.max = IMAP_SEARCH_MAX};
    s->head = (struct buf){.max = headmax};
    s->errbuf[0] = '\0';
    curl_easy_setopt(s->h, CURLOPT_CUSTOMREQUEST, cmd);
    return curl_easy_perform(s->h);
}

/* split_url - base "scheme://authority/", the folder (decoded), user and host for a prompt. */
static int split_url(const char *url, char **base, char **folder, char **user, char **host)
{
    const char *auth = strstr(url, "://");
    if (!auth)
        return -1;
    auth += 3;
    const char *slash = strchr(auth, '/');
    size_t alen = slash ? (size_t)(slash - auth) : strlen(auth);
    *base = xasprintf("%.*s/", (int)(auth - url + alen), url);
    const char *at = memchr(auth, '@', alen);
    *user = at ? xstrndup(auth, (size_t)(at - auth)) : NULL;
    const char *h = at ? at + 1 : auth;
    *host = xstrndup(h, alen - (size_t)(h - auth));
    const char *path = slash ? slash + 1 : "";
    size_t plen = strcspn(path, ";?");
    int dlen = 0;
    char *dec = curl_easy_unescape(NULL, path, (int)plen, &dlen);
    if (!dec)
        return -1;
    *folder = dlen ? xstrndup(dec, (size_t)dlen) : xstrdup("INBOX");
    bool bad = strlen(*folder) != (size_t)(dlen ? dlen : 5);
    for (const char *p = *folder; *p; p++)
        if (*p == '\r' || *p == '\n')
            bad = true;
    curl_free(dec);
    return bad ? -1 : 0;
}

/* quoted - an IMAP quoted string (RFC 3501 4.3). */
static char *quoted(const char *s)
{
    char *out = xmalloc(strlen(s) * 2 + 3), *p = out;
    *p++ = '"';
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            *p++ = '\\';
        *p++ = *s;
    }
    *p++ = '"';
    *p = '\0';
    return out;
}

static void fetch_all(struct session *s, const char *base)
{
    CURLcode rc = command(s, "UID SEARCH ALL", 1u << 20);
    if (rc != CURLE_OK) {
        fail(s, s->shown, "UID SEARCH", rc);
        return;
    }
    const char *line = s->body.p ? strstr(s->body.p, "* SEARCH") : NULL;
    char *uids = line ? xstrndup(line + 8, strcspn(line + 8, "\r\n")) : xstrdup("");
    char *save = NULL;
    for (char *tok = strtok_r(uids, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        if (s->st->stopped || (s->o->stop && *s->o->stop))
            break;
        if (s->st->reports + s->st->errors + s->st->skipped >= TLSRPT_REPORTS_PER_INPUT_MAX) {
            s->st->stopped = true;
            break;
        }
        char *end;
        unsigned long uid = strtoul(tok, &end, 10);
        if (*end || uid == 0)
            continue;
        char cmd[64], *source = xasprintf("%s;UID=%lu", s->shown, uid);
        snprintf(cmd, sizeof cmd, "UID FETCH %lu BODY.PEEK[]", uid);
        rc = command(s, cmd, TLSRPT_FILE_MAX + 65536);
        size_t len;
        const char *msg = s->head.p ? tlsrpt_imap_literal(s->head.p, s->head.n, &len) : NULL;
        if (rc != CURLE_OK) {
            fail(s, source, "UID FETCH", rc);
        } else if (!msg) {
            s->st->errors++;
            s->sink->error(s->sink->arg, source, "the server sent no message text");
        } else {
            tlsrpt_read_message(msg, len, source, s->sink, s->st);
        }
        free(source);
    }
    (void)base;
    free(uids);
}

void tlsrpt_read_imap(const char *url, const struct tlsrpt_imap_opts *o,
                      const struct tlsrpt_sink *sink, struct tlsrpt_read_stats *st)
{
    struct session s = {.o = o, .sink = sink, .st = st, .shown = escape_str(url)};
    char *base = NULL, *folder = NULL, *user = NULL, *host = NULL, *pass = NULL;
    struct curl_slist *ct = NULL;
    if (split_url(url, &base, &folder, &user, &host) < 0) {
        st->errors++;
        sink->error(sink->arg, s.shown, "not an IMAP folder URL (imaps://user@host/FOLDER)");
        goto out;
    }
    s.h = curl_easy_init();
    if (!s.h) {
        st->errors++;
        sink->error(sink->arg, s.shown, "libcurl could not start");
        goto out;
    }
    curl_easy_setopt(s.h, CURLOPT_URL, base);
    curl_easy_setopt(s.h, CURLOPT_PROTOCOLS_STR, "imap,imaps");
    curl_easy_setopt(s.h, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
    curl_easy_setopt(s.h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(s.h, CURLOPT_ERRORBUFFER, s.errbuf);
    curl_easy_setopt(s.h, CURLOPT_WRITEFUNCTION, buf_write);
    curl_easy_setopt(s.h, CURLOPT_WRITEDATA, &s.body);
    /* libcurl hands every response line, literals included, to the header callback */
    curl_easy_setopt(s.h, CURLOPT_HEADERFUNCTION, buf_write);
    curl_easy_setopt(s.h, CURLOPT_HEADERDATA, &s.head);
    curl_easy_setopt(s.h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(s.h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(s.h, CURLOPT_XFERINFODATA, (void *)o->stop);
    if (o->timeout_ms > 0)
        curl_easy_setopt(s.h, CURLOPT_TIMEOUT_MS, (long)o->timeout_ms);
    if (o->ca_file)
        curl_easy_setopt(s.h, CURLOPT_CAINFO, o->ca_file);
    for (size_t i = 0; i < o->nconnect_to; i++)
        ct = curl_slist_append(ct, o->connect_to[i]);
    if (ct)
        curl_easy_setopt(s.h, CURLOPT_CONNECT_TO, ct);
    char *qf = quoted(folder), *examine = xasprintf("EXAMINE %s", qf);
    free(qf);
    CURLcode rc = command(&s, examine, 1u << 20);
    if (rc == CURLE_LOGIN_DENIED && o->password && user &&
        (pass = o->password(o->password_arg, user, host)) != NULL) {
        curl_easy_setopt(s.h, CURLOPT_PASSWORD, pass);
        rc = command(&s, examine, 1u << 20);
    }
    free(examine);
    if (rc != CURLE_OK)
        fail(&s, s.shown, "EXAMINE", rc);
    else
        fetch_all(&s, base);
out:
    if (pass) {
        memset(pass, 0, strlen(pass));
        free(pass);
    }
    if (s.h)
        curl_easy_cleanup(s.h);
    curl_slist_free_all(ct);
    free(s.body.p);
    free(s.head.p);
    free(base);
    free(folder);
    free(user);
    free(host);
    free(s.shown);
}
