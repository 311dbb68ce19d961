/* lab - start and stop the built-in lab (contract in lab.h): load scenarios, make the CA,
 * write its PEM into a mkdtemp directory, start DNS, HTTPS and one SMTP server per MX host,
 * and build the connect-to mappings that point a client at them. Clones (lab_start_clones)
 * are the same scenario files with the zone name rewritten, and their MX hosts on loopback
 * addresses of their own. */
#include "lab_int.h"
#include "assets.h"
#include "loop.h"
#include "xalloc.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

struct lab_entry {
    struct lab_scn *scn;
    char **connect_to;  /* this scenario's mappings (borrowed from lab->connect_to) */
    size_t nconnect_to;
};

struct lab {
    struct loop *loop;
    struct lab_entry *e;
    size_t n;
    struct lab_ca *ca;
    struct lab_conn_set *conns;
    struct lab_dns *dns;
    struct lab_https *https;
    struct lab_smtp **smtp;
    size_t nsmtp;
    char *dir, *ca_file, *resolver;
    char **connect_to;
    size_t nconnect_to;
    size_t clones;     /* 0: one copy of each scenario, a port per MX host */
    const char *const *domains; /* lab_start_renamed: the domain of each named scenario */
    int clone_port;    /* the clones' shared SMTP port */
};

#define CLONE_ADDR_BASE 0x7f010001u /* 127.1.0.1: clear of 127.0.0.x, which others use */
#define CLONE_CONNS_PER_SCN 8       /* open connections allowed per clone domain */

const char *lab_asset_dir(void)
{
    return asset_origin("scenarios") ? "scenarios" : NULL;
}

/* clone_text - the file with every "mxray.test" as "cK.mxray.test", and the clone's domain
 * given first (a "domain:" line of the file, rewritten too, still overrides it). */
static char *clone_text(const char *text, size_t len, const char *name, size_t k, size_t *outlen)
{
    static const char zone[] = LAB_ZONE;
    const size_t zl = sizeof zone - 1;
    char label[32];
    int ll = snprintf(label, sizeof label, "c%zu.", k);
    size_t hits = 0;
    for (const char *p = text; (p = memmem(p, len - (size_t)(p - text), zone, zl)); p += zl)
        hits++;
    char *head = xasprintf("domain: %s.%s%s\n", name, label, zone);
    size_t hl = strlen(head), cap = hl + len + hits * (size_t)ll + 1, o = hl;
    char *out = xmalloc(cap);
    memcpy(out, head, hl);
    free(head);
    for (size_t i = 0; i < len;) {
        if (len - i >= zl && !memcmp(text + i, zone, zl)) {
            memcpy(out + o, label, (size_t)ll);
            o += (size_t)ll;
        }
        out[o++] = text[i++];
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

/* replace_all - text with every "from" as "to", and "domain: to" first when head. */
static char *replace_all(const char *text, size_t len, const char *from, const char *to,
                         size_t *outlen)
{
    size_t fl = strlen(from), tl = strlen(to), hits = 0;
    for (const char *p = text; (p = memmem(p, len - (size_t)(p - text), from, fl)); p += fl)
        hits++;
    char *head = xasprintf("domain: %s\n", to);
    size_t hl = strlen(head), o = hl;
    char *out = xmalloc(hl + len + hits * tl + 1);
    memcpy(out, head, hl);
    free(head);
    for (size_t i = 0; i < len;) {
        if (len - i >= fl && !memcmp(text + i, from, fl)) {
            memcpy(out + o, to, tl);
            o += tl;
            i += fl;
        } else {
            out[o++] = text[i++];
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

/* load_renamed - scenario name (file path) served as domain. */
static struct lab_scn *load_renamed(const char *path, const char *name, const char *domain,
                                    char *err, size_t errlen)
{
    size_t len, rl;
    char *text = asset_read(path, LAB_FILE_MAX, &len, err, errlen);
    if (!text)
        return NULL;
    char *from = xasprintf("%s.%s", name, LAB_ZONE);
    char *r = replace_all(text, len, from, domain, &rl);
    struct lab_scn *scn = lab_scn_parse(r, rl, name, err, errlen);
    free(from);
    free(r);
    free(text);
    return scn;
}

/* load_clones - `clones` rewritten copies of scenario name (file path). */
static int load_clones(struct lab *lab, const char *path, const char *name, char *err,
                       size_t errlen)
{
    size_t len, cl;
    char *text = asset_read(path, LAB_FILE_MAX, &len, err, errlen);
    if (!text)
        return -1;
    int rc = 0;
    for (size_t k = 1; k <= lab->clones && !rc; k++) {
        char *c = clone_text(text, len, name, k, &cl);
        struct lab_scn *scn = lab_scn_parse(c, cl, name, err, errlen);
        free(c);
        if (scn)
            lab->e[lab->n++].scn = scn;
        else
            rc = -1;
    }
    free(text);
    return rc;
}

/* load - the named scenarios, or all of them; rejects duplicates and shared MX hosts. */
static int load(struct lab *lab, const char *dir, const char *const *names, size_t n, char *err,
                size_t errlen)
{
    char **all = NULL;
    size_t nall = 0;
    if (!n) {
        nall = lab_scn_list(dir, &all);
        if (!nall) {
            snprintf(err, errlen, "no scenarios in %s (searched %s)", dir ? dir : "(none)",
                     asset_search_desc());
            return -1;
        }
    }
    size_t count = n ? n : nall;
    lab->e = xcalloc(count * (lab->clones ? lab->clones : 1), sizeof *lab->e);
    int rc = 0;
    for (size_t i = 0; i < count && !rc; i++) {
        const char *name = n ? names[i] : all[i];
        char *path = xasprintf("%s/%s.scn", dir ? dir : ".", name);
        if (n && (strchr(name, '/') || !asset_exists(path))) {
            snprintf(err, errlen, "unknown scenario '%s' (mxray demo --list shows them)", name);
            rc = -1;
        } else if (lab->clones) {
            rc = load_clones(lab, path, name, err, errlen);
        } else if (lab->domains) {
            if (!(lab->e[lab->n].scn = load_renamed(path, name, lab->domains[i], err, errlen)))
                rc = -1;
            else
                lab->n++;
        } else if (!(lab->e[lab->n].scn = lab_scn_load(path, name, err, errlen))) {
            rc = -1;
        } else {
            lab->n++;
        }
        free(path);
    }
    for (size_t i = 0; i < nall; i++)
        free(all[i]);
    free(all);
    return rc;
}

/* check_unique - an MX host or policy host belongs to one scenario only. */
static int check_unique(const struct lab *lab, char *err, size_t errlen)
{
    for (size_t i = 0; i < lab->n; i++) {
        for (size_t j = 0; j < i; j++) {
            const struct lab_scn *a = lab->e[i].scn, *b = lab->e[j].scn;
            if ((!lab->clones && !strcmp(a->info.name, b->info.name)) ||
                !strcmp(a->info.domain, b->info.domain)) {
                snprintf(err, errlen, "scenario %s given twice", a->info.name);
                return -1;
            }
            for (size_t x = 0; x < a->nmx; x++)
                for (size_t y = 0; y < b->nmx; y++)
                    if (!strcmp(a->mx[x].host, b->mx[y].host)) {
                        snprintf(err, errlen, "MX host %s is in %s and %s", a->mx[x].host,
                                 b->info.name, a->info.name);
                        return -1;
                    }
        }
    }
    return 0;
}

static void add_mapping(struct lab *lab, struct lab_entry *e, const char *host, int port,
                        int labport)
{
    char *m = xasprintf("%s:%d:127.0.0.1:%d", host, port, labport);
    xptr_push((void ***)&lab->connect_to, &lab->nconnect_to, m);
    xptr_push((void ***)&e->connect_to, &e->nconnect_to, m);
}

/* point_a_records - every A record of host now holds addr (host byte order). */
static void point_a_records(struct lab_scn *scn, const char *host, uint32_t addr)
{
    for (size_t i = 0; i < scn->nrr; i++) {
        struct lab_rr *r = &scn->rr[i];
        if (r->type == 1 && r->rdlen == 4 && !strcasecmp(r->owner, host)) {
            r->rdata[0] = (unsigned char)(addr >> 24);
            r->rdata[1] = (unsigned char)(addr >> 16);
            r->rdata[2] = (unsigned char)(addr >> 8);
            r->rdata[3] = (unsigned char)addr;
        }
    }
}

/* start_clone_smtp - one SMTP server per clone MX host, each on its own address and all on
 * one port (the first bind picks it); A records follow. */
static int start_clone_smtp(struct lab *lab, char *err, size_t errlen)
{
    uint32_t next = CLONE_ADDR_BASE;
    for (size_t i = 0; i < lab->n; i++) {
        struct lab_scn *scn = lab->e[i].scn;
        for (size_t j = 0; j < scn->nmx; j++, next++) {
            if ((next & 0xff) == 0xff) /* skip x.y.z.255 and x.y.z.0 */
                next += 2;
            struct lab_smtp *s = lab_smtp_new_at(lab->loop, lab->conns, lab->ca, &scn->mx[j],
                                                 next, lab->clone_port, err, errlen);
            if (!s)
                return -1;
            xptr_push((void ***)&lab->smtp, &lab->nsmtp, s);
            lab->clone_port = lab_smtp_port_of(s);
            point_a_records(scn, scn->mx[j].host, next);
        }
    }
    char *m443 = xasprintf(":443:127.0.0.1:%d", lab_https_port_of(lab->https));
    char *m25 = xasprintf(":25::%d", lab->clone_port);
    xptr_push((void ***)&lab->connect_to, &lab->nconnect_to, m443);
    xptr_push((void ***)&lab->connect_to, &lab->nconnect_to, m25);
    for (size_t i = 0; i < lab->n; i++) {
        lab->e[i].connect_to = xcalloc(2, sizeof(char *));
        lab->e[i].connect_to[0] = m443;
        lab->e[i].connect_to[1] = m25;
        lab->e[i].nconnect_to = 2;
    }
    return 0;
}

/* enough_fds - every MX host holds a listening socket, and clones keep connections open:
 * refuse up front (errno EMFILE) instead of failing half-way through the listeners. */
static int enough_fds(struct lab *lab, char *err, size_t errlen)
{
    size_t need = 64; /* DNS (UDP, TCP), HTTPS, the CA files, stdio, the loop */
    for (size_t i = 0; i < lab->n; i++)
        need += lab->e[i].scn->nmx;
    if (lab->clones)
        need += lab->n * CLONE_CONNS_PER_SCN;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < need) {
        snprintf(err, errlen,
                 "%zu scenario%s need about %zu file descriptors, the open-file limit is %lu "
                 "(ulimit -n; fewer --clones)",
                 lab->n, lab->n == 1 ? "" : "s", need, (unsigned long)rl.rlim_cur);
        errno = EMFILE;
        return -1;
    }
    return 0;
}

static int start_servers(struct lab *lab, char *err, size_t errlen)
{
    if (lab->clones) /* a batch run holds several connections per domain in flight */
        lab_conn_set_max(lab->conns, lab->n * CLONE_CONNS_PER_SCN);
    struct lab_scn **scn = xcalloc(lab->n, sizeof *scn);
    for (size_t i = 0; i < lab->n; i++)
        scn[i] = lab->e[i].scn;
    lab->dns = lab_dns_new(lab->loop, lab->conns, scn, lab->n, err, errlen);
    if (lab->dns)
        lab->https = lab_https_new(lab->loop, lab->conns, lab->ca, scn, lab->n, err, errlen);
    free(scn);
    if (!lab->dns || !lab->https)
        return -1;
    lab->resolver = xasprintf("127.0.0.1:%d", lab_dns_port_of(lab->dns));
    if (lab->clones)
        return start_clone_smtp(lab, err, errlen);
    for (size_t i = 0; i < lab->n; i++) {
        struct lab_entry *e = &lab->e[i];
        if (e->scn->policy.present)
            add_mapping(lab, e, e->scn->policy.host, 443, lab_https_port_of(lab->https));
        for (size_t j = 0; j < e->scn->nmx; j++) {
            struct lab_smtp *s = lab_smtp_new(lab->loop, lab->conns, lab->ca, &e->scn->mx[j], err,
                                              errlen);
            if (!s)
                return -1;
            xptr_push((void ***)&lab->smtp, &lab->nsmtp, s);
            add_mapping(lab, e, e->scn->mx[j].host, 25, lab_smtp_port_of(s));
        }
    }
    return 0;
}

static int make_dir(struct lab *lab, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    char *tmpl = xasprintf("%s/mxray-lab-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(tmpl)) {
        snprintf(err, errlen, "mkdtemp %s: %s", tmpl, strerror(errno));
        free(tmpl);
        return -1;
    }
    lab->dir = tmpl;
    lab->ca_file = xasprintf("%s/ca.pem", lab->dir);
    if (lab_ca_write_pem(lab->ca, lab->ca_file)) {
        snprintf(err, errlen, "cannot write %s: %s", lab->ca_file, strerror(errno));
        return -1;
    }
    return 0;
}

/* publish_tlsa - every SMTP server's TLSA records into the DNS (made with its certificate). */
static void publish_tlsa(struct lab *lab)
{
    for (size_t i = 0; i < lab->nsmtp; i++) {
        const struct lab_rr *rr;
        size_t n = lab_smtp_tlsa(lab->smtp[i], &rr);
        for (size_t j = 0; j < n; j++)
            lab_dns_add(lab->dns, &rr[j]);
    }
}

static struct lab *start(struct loop *l, const char *scenario_dir, const char *const *names,
                         size_t n, size_t clones, const char *const *domains,
                         const struct lab_publish *pub, char *err, size_t errlen);

struct lab *lab_start(struct loop *l, const char *scenario_dir, const char *const *names,
                      size_t n, char *err, size_t errlen)
{
    return lab_start_clones(l, scenario_dir, names, n, 0, err, errlen);
}

struct lab *lab_start_renamed(struct loop *l, const char *scenario_dir, const char *const *names,
                              const char *const *domains, size_t n, char *err, size_t errlen)
{
    return start(l, scenario_dir, names, n, 0, domains, NULL, err, errlen);
}

struct lab *lab_start_clones(struct loop *l, const char *scenario_dir, const char *const *names,
                             size_t n, size_t clones, char *err, size_t errlen)
{
    return start(l, scenario_dir, names, n, clones, NULL, NULL, err, errlen);
}

struct lab *lab_start_published(struct loop *l, const char *scenario_dir,
                                const char *const *names, size_t n,
                                const struct lab_publish *pub, char *err, size_t errlen)
{
    return start(l, scenario_dir, names, n, 0, NULL, pub, err, errlen);
}

/* publish - apply pub to the scenario it names. */
static int publish(struct lab *lab, const struct lab_publish *pub, char *err, size_t errlen)
{
    if (!pub)
        return 0;
    for (size_t i = 0; i < lab->n; i++)
        if (!strcmp(lab->e[i].scn->info.name, pub->scenario))
            return lab_scn_publish(lab->e[i].scn, pub, err, errlen);
    snprintf(err, errlen, "scenario %s is not served", pub->scenario);
    return -1;
}

static struct lab *start(struct loop *l, const char *scenario_dir, const char *const *names,
                         size_t n, size_t clones, const char *const *domains,
                         const struct lab_publish *pub, char *err,
                         size_t errlen)
{
    if (clones > LAB_CLONES_MAX) {
        snprintf(err, errlen, "at most %d clones", LAB_CLONES_MAX);
        return NULL;
    }
    struct lab *lab = xcalloc(1, sizeof *lab);
    lab->loop = l;
    lab->clones = clones;
    lab->domains = n ? domains : NULL;
    lab->clone_port = 0;
    lab->conns = lab_conn_set_new();
    /* A client that resets mid-write must not kill the process (SSL writes use write(2)). */
    signal(SIGPIPE, SIG_IGN);
    if (load(lab, scenario_dir, names, n, err, errlen) || check_unique(lab, err, errlen) ||
        publish(lab, pub, err, errlen) || enough_fds(lab, err, errlen) ||
        !(lab->ca = lab_ca_new(err, errlen)) || make_dir(lab, err, errlen) ||
        start_servers(lab, err, errlen)) {
        int e = errno;
        lab_stop(lab);
        errno = e;
        return NULL;
    }
    publish_tlsa(lab);
    lab->domains = NULL; /* the caller's; only load needed them */
    return lab;
}

void lab_stop(struct lab *lab)
{
    if (!lab)
        return;
    lab_conn_set_free(lab->conns); /* first: sessions point at their servers */
    for (size_t i = 0; i < lab->nsmtp; i++)
        lab_smtp_free(lab->smtp[i]);
    free(lab->smtp);
    lab_https_free(lab->https);
    lab_dns_free(lab->dns);
    lab_ca_free(lab->ca);
    if (lab->ca_file)
        unlink(lab->ca_file);
    if (lab->dir)
        rmdir(lab->dir);
    for (size_t i = 0; i < lab->nconnect_to; i++)
        free(lab->connect_to[i]);
    free(lab->connect_to);
    for (size_t i = 0; i < lab->n; i++) {
        lab_scn_free(lab->e[i].scn);
        free(lab->e[i].connect_to);
    }
    free(lab->e);
    free(lab->dir);
    free(lab->ca_file);
    free(lab->resolver);
    free(lab);
}

const char *lab_resolver(const struct lab *lab)
{
    return lab->resolver;
}

int lab_dns_port(const struct lab *lab)
{
    return lab_dns_port_of(lab->dns);
}

int lab_https_port(const struct lab *lab)
{
    return lab_https_port_of(lab->https);
}

const char *lab_ca_file(const struct lab *lab)
{
    return lab->ca_file;
}

const char *lab_dir(const struct lab *lab)
{
    return lab->dir;
}

size_t lab_connect_to(const struct lab *lab, const char *const **list)
{
    *list = (const char *const *)lab->connect_to;
    return lab->nconnect_to;
}

size_t lab_nscenarios(const struct lab *lab)
{
    return lab->n;
}

const char *lab_scenario_name(const struct lab *lab, size_t i)
{
    return i < lab->n ? lab->e[i].scn->info.name : NULL;
}

const char *lab_scenario_domain(const struct lab *lab, size_t i)
{
    return i < lab->n ? lab->e[i].scn->info.domain : NULL;
}

size_t lab_scenario_connect_to(const struct lab *lab, size_t i, const char *const **list)
{
    if (i >= lab->n) {
        *list = NULL;
        return 0;
    }
    *list = (const char *const *)lab->e[i].connect_to;
    return lab->e[i].nconnect_to;
}

int lab_clone_smtp_port(const struct lab *lab)
{
    return lab->clones ? lab->clone_port : -1;
}

int lab_smtp_port(const struct lab *lab, const char *host)
{
    for (size_t i = 0; i < lab->nsmtp; i++)
        if (!strcasecmp(lab_smtp_mx_host(lab->smtp[i]), host))
            return lab_smtp_port_of(lab->smtp[i]);
    return -1;
}

const struct lab_scn *lab_scn_of(const struct lab *lab, size_t i)
{
    return i < lab->n ? lab->e[i].scn : NULL;
}

size_t lab_host_tlsa(const struct lab *lab, const char *host, const struct lab_rr **rr)
{
    for (size_t i = 0; i < lab->nsmtp; i++)
        if (!strcasecmp(lab_smtp_mx_host(lab->smtp[i]), host))
            return lab_smtp_tlsa(lab->smtp[i], rr);
    *rr = NULL;
    return 0;
}

struct lab_scn *lab_scn_mut(struct lab *lab, size_t i)
{
    return i < lab->n ? lab->e[i].scn : NULL;
}

void lab_reload_dns(struct lab *lab)
{
    struct lab_scn **scn = xcalloc(lab->n ? lab->n : 1, sizeof *scn);
    for (size_t i = 0; i < lab->n; i++)
        scn[i] = lab->e[i].scn;
    lab_dns_reload(lab->dns, scn, lab->n);
    free(scn);
    publish_tlsa(lab);
}

long lab_scenario_find(const struct lab *lab, const char *domain)
{
    for (size_t i = 0; i < lab->n; i++)
        if (!strcasecmp(lab->e[i].scn->info.domain, domain))
            return (long)i;
    return -1;
}
