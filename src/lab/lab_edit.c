/* lab_edit - what a served scenario publishes, read and replaced while the lab runs (contract
 * in lab.h): fix-it exercises edit the _mta-sts and _smtp._tls TXT records, the MX set and the
 * policy body, and the lab serves the result from the next query on. Records are swapped in
 * the scenario's own array and the DNS server's index is rebuilt (lab_reload_dns); the HTTPS
 * server reads the policy body through the scenario at each request. All on the lab's one
 * loop, between requests, so nothing in flight holds the old data. */
#include "lab_int.h"
#include "xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define T_MX 15
#define T_TXT 16
#define TXT_STRING_MAX 255

/* txt_join - a TXT RDATA's strings joined (NULL when malformed). */
static char *txt_join(const struct lab_rr *r)
{
    char *out = xmalloc(r->rdlen + 1);
    size_t n = 0;
    for (size_t p = 0; p < r->rdlen;) {
        size_t l = r->rdata[p++];
        if (p + l > r->rdlen) {
            free(out);
            return NULL;
        }
        memcpy(out + n, r->rdata + p, l);
        n += l;
        p += l;
    }
    out[n] = '\0';
    return out;
}

/* name_of - the wire name at rd (uncompressed, as the lab stores it), dotted. */
static char *name_of(const unsigned char *rd, size_t len)
{
    char out[300];
    size_t n = 0;
    for (size_t p = 0; p < len && rd[p] && n < sizeof out - 70;) {
        size_t l = rd[p++];
        if (p + l > len)
            break;
        if (n)
            out[n++] = '.';
        memcpy(out + n, rd + p, l);
        n += l;
        p += l;
    }
    out[n] = '\0';
    return xstrdup(n ? out : ".");
}

int lab_published_get(const struct lab *lab, size_t i, struct lab_published *p)
{
    memset(p, 0, sizeof *p);
    const struct lab_scn *s = lab_scn_of(lab, i);
    if (!s)
        return -1;
    char *sts = xasprintf("_mta-sts.%s", s->info.domain);
    char *rpt = xasprintf("_smtp._tls.%s", s->info.domain);
    for (size_t k = 0; k < s->nrr; k++) {
        const struct lab_rr *r = &s->rr[k];
        if (r->type == T_TXT && !strcasecmp(r->owner, sts)) {
            char *t = txt_join(r);
            if (t)
                xptr_push((void ***)&p->sts, &p->nsts, t);
        } else if (r->type == T_TXT && !strcasecmp(r->owner, rpt)) {
            char *t = txt_join(r);
            if (t)
                xptr_push((void ***)&p->tlsrpt, &p->ntlsrpt, t);
        } else if (r->type == T_MX && !strcasecmp(r->owner, s->info.domain) && r->rdlen >= 3) {
            p->mx = xreallocarray(p->mx, p->nmx + 1, sizeof *p->mx);
            p->mx[p->nmx++] = (struct lab_mx_rec){r->rdata[0] << 8 | r->rdata[1],
                                                  name_of(r->rdata + 2, r->rdlen - 2)};
        }
    }
    free(sts);
    free(rpt);
    p->has_policy = s->policy.present;
    if (p->has_policy) {
        p->policy = xmalloc(s->policy.body_len + 1);
        memcpy(p->policy, s->policy.body, s->policy.body_len);
        p->policy[s->policy.body_len] = '\0';
        p->policy_len = s->policy.body_len;
    }
    return 0;
}

void lab_published_free(struct lab_published *p)
{
    for (size_t i = 0; i < p->nsts; i++)
        free(p->sts[i]);
    for (size_t i = 0; i < p->ntlsrpt; i++)
        free(p->tlsrpt[i]);
    for (size_t i = 0; i < p->nmx; i++)
        free(p->mx[i].host);
    free(p->sts);
    free(p->tlsrpt);
    free(p->mx);
    free(p->policy);
    memset(p, 0, sizeof *p);
}

static void push_rr(struct lab_rr **v, size_t *n, const char *owner, uint16_t type,
                    unsigned char *rd, size_t len)
{
    *v = xreallocarray(*v, *n + 1, sizeof **v);
    (*v)[(*n)++] = (struct lab_rr){xstrdup(owner), type, rd, len, NULL, 0}; /* ttl 0: LAB_TTL */
}

/* txt_rdata - text as TXT strings of at most 255 bytes. */
static unsigned char *txt_rdata(const char *text, size_t *len)
{
    size_t tl = strlen(text), n = 0;
    unsigned char *rd = xmalloc(tl + tl / TXT_STRING_MAX + 2);
    for (size_t off = 0; off < tl || off == 0; off += TXT_STRING_MAX) {
        size_t l = tl - off < TXT_STRING_MAX ? tl - off : TXT_STRING_MAX;
        rd[n++] = (unsigned char)l;
        memcpy(rd + n, text + off, l);
        n += l;
        if (!tl)
            break;
    }
    *len = n;
    return rd;
}

static unsigned char *mx_rdata(int pref, const char *host, size_t *len)
{
    unsigned char *rd = xmalloc(strlen(host) + 5);
    size_t n = 0;
    rd[n++] = (unsigned char)(pref >> 8);
    rd[n++] = (unsigned char)pref;
    for (const char *p = host; *p && strcmp(host, ".");) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);
        rd[n++] = (unsigned char)l;
        memcpy(rd + n, p, l);
        n += l;
        p += l + (dot ? 1 : 0);
    }
    rd[n++] = 0;
    *len = n;
    return rd;
}

static bool served_host(const struct lab_scn *s, const char *host)
{
    for (size_t i = 0; i < s->nmx; i++)
        if (!strcasecmp(s->mx[i].host, host))
            return true;
    return false;
}

static int check(const struct lab_scn *s, const struct lab_published *p, char *err, size_t errlen)
{
    for (size_t i = 0; i < p->nmx; i++) {
        const char *h = p->mx[i].host;
        if (p->mx[i].pref < 0 || p->mx[i].pref > 65535) {
            snprintf(err, errlen, "MX preference %d is not 0 to 65535", p->mx[i].pref);
            return -1;
        }
        if (strcmp(h, ".") && !served_host(s, h)) {
            snprintf(err, errlen, "MX host %.200s is not a server of this lab domain", h);
            return -1;
        }
    }
    for (size_t i = 0; i < p->nsts + p->ntlsrpt; i++)
        if (strlen(i < p->nsts ? p->sts[i] : p->tlsrpt[i - p->nsts]) > 2048) {
            snprintf(err, errlen, "a TXT record longer than 2048 bytes");
            return -1;
        }
    if (p->has_policy && !s->policy.present) {
        snprintf(err, errlen, "this domain has no policy host to serve a policy");
        return -1;
    }
    if (p->policy_len > LAB_FILE_MAX) {
        snprintf(err, errlen, "the policy is larger than %d bytes", LAB_FILE_MAX);
        return -1;
    }
    return 0;
}

int lab_published_set(struct lab *lab, size_t i, const struct lab_published *p, char *err,
                      size_t errlen)
{
    struct lab_scn *s = lab_scn_mut(lab, i);
    if (!s) {
        snprintf(err, errlen, "no such scenario");
        return -1;
    }
    if (check(s, p, err, errlen))
        return -1;
    char *sts = xasprintf("_mta-sts.%s", s->info.domain);
    char *rpt = xasprintf("_smtp._tls.%s", s->info.domain);
    struct lab_rr *v = NULL;
    size_t n = 0;
    for (size_t k = 0; k < s->nrr; k++) { /* keep everything the edit does not cover */
        struct lab_rr *r = &s->rr[k];
        bool replaced =
            (r->type == T_TXT && (!strcasecmp(r->owner, sts) || !strcasecmp(r->owner, rpt))) ||
            (r->type == T_MX && !strcasecmp(r->owner, s->info.domain));
        if (replaced) {
            free(r->owner);
            free(r->rdata);
            free(r->target);
            continue;
        }
        v = xreallocarray(v, n + 1, sizeof *v);
        v[n++] = *r;
    }
    size_t len;
    for (size_t k = 0; k < p->nsts; k++) {
        unsigned char *rd = txt_rdata(p->sts[k], &len);
        push_rr(&v, &n, sts, T_TXT, rd, len);
    }
    for (size_t k = 0; k < p->ntlsrpt; k++) {
        unsigned char *rd = txt_rdata(p->tlsrpt[k], &len);
        push_rr(&v, &n, rpt, T_TXT, rd, len);
    }
    for (size_t k = 0; k < p->nmx; k++) {
        unsigned char *rd = mx_rdata(p->mx[k].pref, p->mx[k].host, &len);
        push_rr(&v, &n, s->info.domain, T_MX, rd, len);
    }
    free(s->rr);
    s->rr = v;
    s->nrr = n;
    if (p->has_policy) {
        free(s->policy.body);
        s->policy.body = xmalloc(p->policy_len + 1);
        memcpy(s->policy.body, p->policy, p->policy_len);
        s->policy.body[p->policy_len] = '\0';
        s->policy.body_len = p->policy_len;
    }
    free(sts);
    free(rpt);
    lab_reload_dns(lab);
    return 0;
}
