/* lab_explore - command lines for standard tools (dig, curl, openssl s_client) that show what a
 * served scenario gets wrong, or, for a class handout, every stage alike (contract in lab.h).
 *
 * Which stage is at fault comes from the scenario file itself: its [expect] codes name the
 * stage (sts.record, sts.policy, mx, tls, smtp, tlsrpt, dane) and its data names the broken
 * host (an MX host whose certificate is not "good", that offers no STARTTLS or only old TLS;
 * the hosts publishing TLSA records). The lab's own ports, CA file and TLSA records fill in the
 * rest, so every line runs as printed while the lab is up. */
#include "lab_int.h"
#include "xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct cmds {
    struct lab_cmd *v;
    size_t n;
};

static void add(struct cmds *c, char *why, char *cmd)
{
    c->v = xreallocarray(c->v, c->n + 1, sizeof *c->v);
    c->v[c->n++] = (struct lab_cmd){why, cmd};
}

/* has_code - some expected code (either side of "a|b") starts with prefix. */
static bool has_code(const struct lab_scn *s, const char *prefix)
{
    size_t pl = strlen(prefix);
    for (size_t i = 0; i < s->info.ncodes; i++)
        for (const char *p = s->info.codes[i]; p; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL)
            if (!strncmp(p, prefix, pl))
                return true;
    return false;
}

static size_t count_rr(const struct lab_scn *s, const char *owner, uint16_t type)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nrr; i++)
        n += s->rr[i].type == type && !strcasecmp(s->rr[i].owner, owner);
    return n;
}

static bool mx_broken(const struct lab_mx *m)
{
    return m->cert != LAB_CERT_GOOD || !m->starttls || m->tls_max < TLS1_2_VERSION;
}

static bool mx_dane(const struct lab_mx *m)
{
    return m->ntlsa || m->tlsa_servfail;
}

/* rua_domain - the domain of the first mailto: report address of the TLS-RPT record. */
static char *rua_domain(const struct lab_scn *s, const char *owner)
{
    for (size_t i = 0; i < s->nrr; i++) {
        const struct lab_rr *r = &s->rr[i];
        if (r->type != 16 || strcasecmp(r->owner, owner) || r->rdlen < 2)
            continue;
        char text[1024];
        size_t n = 0;
        for (size_t p = 0; p < r->rdlen && n + 1 < sizeof text;) { /* join the strings */
            size_t l = r->rdata[p++];
            for (size_t k = 0; k < l && p < r->rdlen && n + 1 < sizeof text; k++)
                text[n++] = (char)r->rdata[p++];
        }
        text[n] = '\0';
        const char *at = strstr(text, "mailto:");
        at = at ? strchr(at, '@') : NULL;
        if (at)
            return xstrndup(at + 1, strcspn(at + 1, ",; !\""));
    }
    return NULL;
}

static void dig(struct cmds *c, const struct lab *lab, const char *why, const char *flags,
                const char *type, const char *name)
{
    add(c, xstrdup(why),
        xasprintf("dig @127.0.0.1 -p %d +norecurse%s %s %s", lab_dns_port(lab), flags, type, name));
}

static void curl(struct cmds *c, const struct lab *lab, const struct lab_scn *s, const char *why)
{
    const char *h = s->policy.host;
    add(c, xstrdup(why),
        xasprintf("curl -v --cacert %s --connect-to %s:443:127.0.0.1:%d "
                  "https://%s/.well-known/mta-sts.txt",
                  lab_ca_file(lab), h, lab_https_port(lab), h));
}

static void s_client(struct cmds *c, const struct lab *lab, const struct lab_mx *m, bool dane)
{
    int port = lab_smtp_port(lab, m->host);
    if (port < 0 || lab_clone_smtp_port(lab) >= 0) /* clones listen on 127.1.x.y, not here */
        return;
    char *base = xasprintf("openssl s_client -starttls smtp -connect 127.0.0.1:%d -servername %s "
                           "-CAfile %s -brief",
                           port, m->host, lab_ca_file(lab));
    const struct lab_rr *rr;
    size_t n = dane ? lab_host_tlsa(lab, m->host, &rr) : 0;
    if (!n) {
        add(c,
            xasprintf("the STARTTLS handshake with %s, its certificate checked for that name",
                      m->host),
            xasprintf("%s -verify_hostname %s", base, m->host));
        free(base);
        return;
    }
    size_t len = strlen(base) + 64;
    for (size_t i = 0; i < n; i++)
        len += 32 + 2 * rr[i].rdlen;
    char *cmd = xmalloc(len), *p = cmd;
    p += sprintf(p, "%s -dane_tlsa_domain %s", base, m->host);
    for (size_t i = 0; i < n; i++) {
        p += sprintf(p, " -dane_tlsa_rrdata \"%u %u %u ", rr[i].rdata[0], rr[i].rdata[1],
                     rr[i].rdata[2]);
        for (size_t k = 3; k < rr[i].rdlen; k++)
            p += sprintf(p, "%02X", rr[i].rdata[k]);
        p += sprintf(p, "\"");
    }
    add(c,
        xasprintf("the STARTTLS handshake with %s, verified against its published TLSA "
                  "record%s (RFC 7672)",
                  m->host, n == 1 ? "" : "s"),
        cmd);
    free(base);
}

/* tlsa - the TLSA lookup of one MX host with DNSSEC records, and for bogus data the same with
 * checking disabled (what the validator refused). */
static void tlsa(struct cmds *c, const struct lab *lab, const struct lab_mx *m)
{
    char *name = xasprintf("_25._tcp.%s", m->host);
    char *why =
        xasprintf("the TLSA records of %s with their signatures (RRSIG) and the ad flag", m->host);
    dig(c, lab, why, " +dnssec", "TLSA", name);
    free(why);
    if (m->tlsa_servfail)
        dig(c, lab, "the same with checking disabled (+cd): the data the validator refused",
            " +dnssec +cd", "TLSA", name);
    free(name);
}

static void every_stage(struct cmds *c, const struct lab *lab, const struct lab_scn *s)
{
    const char *d = s->info.domain;
    char *n = xasprintf("_mta-sts.%s", d);
    dig(c, lab, "the MTA-STS record(s)", "", "TXT", n);
    free(n);
    if (s->policy.present)
        curl(c, lab, s, "the policy fetch: certificate, status, headers, body");
    dig(c, lab, "the MX records", "", "MX", d);
    n = xasprintf("_smtp._tls.%s", d);
    dig(c, lab, "the TLS-RPT record(s)", "", "TXT", n);
    free(n);
    for (size_t i = 0; i < s->nmx; i++) {
        char *t = xasprintf("_25._tcp.%s", s->mx[i].host);
        dig(c, lab, "TLSA records (DANE) with their DNSSEC signatures", " +dnssec", "TLSA", t);
        free(t);
        s_client(c, lab, &s->mx[i], false);
    }
}

static void fault_stages(struct cmds *c, const struct lab *lab, const struct lab_scn *s)
{
    const char *d = s->info.domain;
    bool any = false;
    if (has_code(s, "sts.record") || has_code(s, "mx.null")) {
        char *n = xasprintf("_mta-sts.%s", d);
        size_t k = count_rr(s, n, 16);
        dig(c, lab,
            k > 1 ? "every TXT record at _mta-sts: more than one says v=STSv1 (RFC 8461 3.1)"
                  : "the MTA-STS record as published (RFC 8461 3.1)",
            "", "TXT", n);
        free(n);
        any = true;
    }
    if (has_code(s, "mx.")) {
        dig(c, lab, "the MX records, to compare with the policy's mx: lines", "", "MX", d);
        any = true;
    }
    if (s->policy.present && (has_code(s, "sts.policy") || has_code(s, "mx."))) {
        curl(c, lab, s, "the policy fetch as a sender does it: certificate, status, headers, body");
        any = true;
    }
    if (has_code(s, "tlsrpt")) {
        char *n = xasprintf("_smtp._tls.%s", d), *rua = rua_domain(s, n);
        dig(c, lab, "the TLS-RPT record (RFC 8460 3)", "", "TXT", n);
        if (rua && has_code(s, "tlsrpt.rua_unreachable")) {
            dig(c, lab, "where reports would go: the report domain's MX", "", "MX", rua);
            dig(c, lab, "... and its address", "", "A", rua);
        }
        free(rua);
        free(n);
        any = true;
    }
    if (has_code(s, "dane")) {
        for (size_t i = 0; i < s->nmx; i++) {
            if (!mx_dane(&s->mx[i]))
                continue;
            tlsa(c, lab, &s->mx[i]);
            if (!s->mx[i].tlsa_servfail)
                s_client(c, lab, &s->mx[i], true);
        }
        any = true;
    }
    if (has_code(s, "tls") || has_code(s, "smtp")) {
        bool one = has_code(s, "dane"); /* the DANE lines above reach those hosts */
        for (size_t i = 0; i < s->nmx; i++)
            if (mx_broken(&s->mx[i]) && !(has_code(s, "dane") && mx_dane(&s->mx[i]))) {
                s_client(c, lab, &s->mx[i], false);
                one = true;
            }
        for (size_t i = 0; !one && i < s->nmx; i++)
            s_client(c, lab, &s->mx[i], false);
        any = true;
    }
    if (!any) /* nothing wrong (or nothing these tools show): every stage */
        every_stage(c, lab, s);
}

size_t lab_scenario_commands(const struct lab *lab, size_t i, bool every, struct lab_cmd **out)
{
    struct cmds c = {0};
    const struct lab_scn *s = lab_scn_of(lab, i);
    if (s && every)
        every_stage(&c, lab, s);
    else if (s)
        fault_stages(&c, lab, s);
    *out = c.v;
    return c.n;
}

void lab_cmds_free(struct lab_cmd *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].why);
        free(v[i].cmd);
    }
    free(v);
}
