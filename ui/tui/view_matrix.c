/* view_matrix - stage-by-address matrix (see view_matrix.h).
 *
 * Stages connect..handshake come from smtp_result.stage_ms once the probe ended, and from
 * mx_addr.live_stage while it runs: stages before it passed, it runs, later ones wait. After a
 * failure the later stages are not applicable, never "failed". */
#include "view_matrix.h"
#include "tui_model.h"
#include "xalloc.h"
#include <stdlib.h>
#include <string.h>

const char *view_matrix_col_name(enum view_matrix_col c)
{
    static const char *const names[VM_NCOLS] = {"resolve", "connect", "banner", "EHLO",
                                                "STARTTLS", "handshake", "cert", "policy", "DANE"};
    return c < VM_NCOLS ? names[c] : "?";
}

const char *view_matrix_col_short(enum view_matrix_col c)
{
    static const char *const names[VM_NCOLS] = {"dns", "conn", "banner", "EHLO", "STLS", "TLS",
                                                "cert", "policy", "DANE"};
    return c < VM_NCOLS ? names[c] : "?";
}

void view_matrix_free(struct view_matrix *m)
{
    free(m->rows);
    m->rows = NULL;
    m->n = 0;
    tui_lines_clear(&m->notes);
}

/* fail_col - the column where a probe failure shows. */
static int fail_col(enum smtp_fail f)
{
    switch (f) {
    case SMTP_FAIL_CONNECT: return VM_CONNECT;
    case SMTP_FAIL_BANNER: return VM_BANNER;
    case SMTP_FAIL_EHLO: return VM_EHLO;
    case SMTP_FAIL_NO_STARTTLS: return VM_STARTTLS;
    case SMTP_FAIL_STARTTLS: return VM_STARTTLS;
    case SMTP_FAIL_HANDSHAKE: return VM_HANDSHAKE;
    case SMTP_FAIL_NONE: return -1;
    }
    return -1;
}

static void set(struct view_matrix_row *row, int col, enum step_state st, int64_t ms)
{
    row->cell[col].state = st;
    row->cell[col].ms = ms;
}

static void fill_live(struct view_matrix_row *row, const struct mx_addr *a, int64_t now_ms)
{
    for (int col = VM_CONNECT; col <= VM_CERT; col++) {
        enum step_state st = ST_WAITING;
        if (a->step.state == ST_RUNNING) {
            int stage = col - VM_CONNECT + SMTP_ST_CONNECT; /* VM_CERT maps past HANDSHAKE */
            if (stage < (int)a->live_stage && col != VM_CERT)
                st = ST_PASS;
            else if (stage == (int)a->live_stage && col != VM_CERT)
                st = ST_RUNNING;
        } else if (a->step.state != ST_WAITING) {
            st = ST_NA; /* ended without a result: interrupted or skipped */
        }
        set(row, col, st, -1);
    }
    (void)now_ms;
}

static void fill_result(struct view_matrix_row *row, const struct report *r,
                        const struct mx_host *h, const struct mx_addr *a)
{
    const struct smtp_result *s = a->smtp;
    int failed = fail_col(s->fail);
    for (int col = VM_CONNECT; col <= VM_HANDSHAKE; col++) {
        int stage = col - VM_CONNECT + SMTP_ST_CONNECT;
        int64_t ms = s->stage_ms[stage];
        if (failed >= 0 && col == failed) /* the engine's mark (a missing STARTTLS may warn) */
            set(row, col, a->smtp_state == ST_WARN ? ST_WARN : ST_FAIL, ms);
        else if (failed >= 0 && col > failed)
            set(row, col, ST_NA, -1);
        else
            set(row, col, ms >= 0 ? ST_PASS : ST_NA, ms);
    }
    if (failed >= 0 && failed < VM_HANDSHAKE) {
        set(row, VM_CERT, ST_NA, -1);
    } else if (!s->tls.present || !s->tls.handshake_ok) {
        set(row, VM_CERT, ST_NA, -1);
    } else {
        /* the TLS row's problems decide; a clean chain without problems passes */
        enum step_state st = tui_tls_state(r, h, a);
        if (st == ST_PASS && !(s->tls.verified && s->tls.hostname_match && !s->tls.expired))
            st = ST_FAIL;
        set(row, VM_CERT, st, -1);
    }
}

static void fill_policy(struct view_matrix_row *row, const struct report *r, const struct mx_host *h)
{
    enum step_state st;
    if (h->policy_checked)
        st = h->match_state; /* judged by the engine */
    else if (r->policy.status == POL_PENDING && !r->done)
        st = ST_WAITING;
    else
        st = ST_NA;
    set(row, VM_POLICY, st, -1);
}

/* fill_dane - secure match pass, a DANE sender deferring fail, unauthenticated delivery
 * (only unusable records) warn; without DANE a mark says why: records not signed, or none. */
static void fill_dane(struct view_matrix_row *row, const struct report *r, const struct mx_host *h,
                      const struct mx_addr *a, bool utf8)
{
    enum step_state st = a ? tui_dane_addr_state(r, h, a) : ST_NA;
    set(row, VM_DANE, st, -1);
    bool judged_none = a ? a->dane.judged && a->dane.action == DANE_ACT_NO_DANE
                         : h->dane.status != DANE_PENDING;
    if (!judged_none)
        return;
    if (h->dane.status == DANE_INSECURE)
        row->cell[VM_DANE].mark = utf8 ? "·" : ".";
    else if (h->dane.status == DANE_NONE)
        row->cell[VM_DANE].mark = "-";
}

/* any_dane - some host published TLSA records or failed its lookup: the DANE column says
 * something beyond "-". */
static bool any_dane(const struct report *r)
{
    for (size_t i = 0; i < r->mx.nhosts; i++) {
        enum dane_status st = r->mx.hosts[i]->dane.status;
        if (st == DANE_SECURE || st == DANE_INSECURE || st == DANE_BOGUS)
            return true;
    }
    return false;
}

static void note_dane(struct view_matrix *m, bool utf8)
{
    tui_lines_add(&m->notes, TR_DIM, 0, "DANE: %s TLSA authenticated, %s a DANE sender defers, "
                  "%s TLSA unsigned (ignored), - no TLSA",
                  tui_state_symbol(ST_PASS, utf8, 0), tui_state_symbol(ST_FAIL, utf8, 0),
                  utf8 ? "·" : ".");
}

static struct view_matrix_row *add(struct view_matrix *m, size_t *cap)
{
    if (m->n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        m->rows = xreallocarray(m->rows, *cap, sizeof *m->rows);
    }
    struct view_matrix_row *row = &m->rows[m->n++];
    memset(row, 0, sizeof *row);
    return row;
}

static void note_differs(struct view_matrix *m, const struct mx_host *h, bool utf8)
{
    tui_lines_add(&m->notes, TR_MARK, 0, "%s %s: its addresses serve different leaf certificates",
                  utf8 ? "≠" : "<>", h->host);
    for (size_t i = 0; i < h->naddrs; i++) {
        const struct cert_info *leaf = tui_addr_leaf(h->addrs[i]);
        if (leaf)
            tui_lines_add(&m->notes, TR_MARK, 4, "%s  %s", h->addrs[i]->address,
                          leaf->sha256 ? leaf->sha256 : "-");
    }
}

void view_matrix_build(struct view_matrix *m, const struct report *r, int64_t now_ms, bool utf8)
{
    size_t cap = 0;
    view_matrix_free(m);
    for (size_t i = 0; i < r->mx.nhosts; i++) {
        const struct mx_host *h = r->mx.hosts[i];
        bool differs = tui_host_certs_differ(h);
        int64_t resolve_ms = tui_step_ms(&h->resolve, now_ms);
        for (size_t j = 0; j < (h->naddrs ? h->naddrs : 1); j++) {
            struct view_matrix_row *row = add(m, &cap);
            const struct mx_addr *a = h->naddrs ? h->addrs[j] : NULL;
            row->host = h;
            row->addr = a;
            row->cert_differs = differs;
            /* a lookup that never happened (--connect-to) is n/a, without a time */
            set(row, VM_RESOLVE, h->resolve.state, h->resolve.state == ST_NA ? -1 : resolve_ms);
            if (!a) {
                enum step_state rest = h->resolve.state == ST_WAITING || h->resolve.state == ST_RUNNING
                                           ? ST_WAITING : ST_NA;
                for (int col = VM_CONNECT; col <= VM_CERT; col++)
                    set(row, col, rest, -1);
            } else if (a->smtp) {
                fill_result(row, r, h, a);
            } else {
                fill_live(row, a, now_ms);
            }
            fill_policy(row, r, h);
            fill_dane(row, r, h, a, utf8);
        }
        if (differs)
            note_differs(m, h, utf8);
    }
    if (any_dane(r))
        note_dane(m, utf8);
}
