/* test_tui_dane - DANE (RFC 7672) in the TUI on hand-made reports: the MX host's TLSA status
 * and the address's DANE-sender verdict beside the tree labels, the second sender's-eye line
 * with RFC 8461 2 precedence in the address detail, "matched TLSA U S M" on the certificate a
 * DANE sender authenticated (and each record of a rollover), the matrix's DANE column, the
 * "DNSSEC not validated here" warning and the learn text reachable from host and TLS rows. */
#include "testlib.h"
#include "report_fixtures.h"
#include "tui_learn.h"
#include "tui_model.h"
#include "view_cert.h"
#include "view_detail.h"
#include "view_matrix.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOST "mx1.example.com"
#define ADDR "192.0.2.25"
#define KEY_SUFFIX HOST "|" ADDR

static bool has(const struct tui_lines *l, const char *needle)
{
    for (size_t i = 0; i < l->n; i++)
        if (strstr(l->v[i].text, needle))
            return true;
    return false;
}

/* role_of - role of the first line containing needle, or -1. */
static int role_of(const struct tui_lines *l, const char *needle)
{
    for (size_t i = 0; i < l->n; i++)
        if (strstr(l->v[i].text, needle))
            return (int)l->v[i].role;
    return -1;
}

/* add_tlsa - one record of h, usable unless note says why not. */
static void add_tlsa(struct dane_host *dh, int u, int s, int m, const char *hex, const char *note)
{
    dh->tlsa = xreallocarray(dh->tlsa, dh->ntlsa + 1, sizeof *dh->tlsa);
    struct dane_tlsa *t = &dh->tlsa[dh->ntlsa++];
    memset(t, 0, sizeof *t);
    t->usage = u, t->selector = s, t->mtype = m;
    t->data = xstrdup(hex);
    t->text = xasprintf("%d %d %d %s", u, s, m, hex);
    t->usable = note == NULL;
    t->note = note ? xstrdup(note) : NULL;
    dh->nusable += t->usable;
}

/* dane_host - status, name and note of the first host of fx_all_good. */
static struct mx_host *dane_host(struct report *r, enum dane_status st)
{
    struct mx_host *h = r->mx.hosts[0];
    h->dane.status = st;
    h->dane.base = xstrdup(HOST);
    h->dane.name = xstrdup("_25._tcp." HOST);
    h->dane.note = xasprintf("%s TLSA at _25._tcp." HOST, dane_status_name(st));
    return h;
}

/* judge - the verdict of one address: depths per record (-1 none), the matched record. */
static void judge(struct mx_addr *a, enum dane_action act, int matched, int depth,
                  const int *depths, size_t n, const char *note)
{
    struct dane_addr *da = &a->dane;
    da->judged = true;
    da->match = matched >= 0 ? 1 : n ? 0 : -1;
    da->matched_tlsa = matched;
    da->matched_depth = depth;
    da->tlsa_depth = xcalloc(n ? n : 1, sizeof *da->tlsa_depth);
    for (size_t i = 0; i < n; i++)
        da->tlsa_depth[i] = depths[i];
    da->ntlsa_depth = n;
    if (da->match == 0)
        da->error = xstrdup("no matching DANE TLSA records");
    da->action = act;
    da->action_note = xstrdup(note);
    /* the marks the engine stores (diag_smtp_judge.c) */
    a->dane_state = act == DANE_ACT_DELIVER ? (da->match == 1 ? ST_PASS : ST_WARN)
                    : act == DANE_ACT_DEFER ? ST_FAIL : ST_NA;
    if (act == DANE_ACT_DEFER)
        a->step.state = a->tls_state = ST_FAIL;
}

/* judge_all - every address of h the same way (fx_all_good has two), and the host's mark as
 * the engine gives it (diag_dane.c judge_host). */
static void judge_all(struct mx_host *h, enum dane_action act, int matched, int depth,
                      const int *depths, size_t n, const char *note)
{
    struct dane_host *dh = &h->dane;
    dh->state = dh->status == DANE_SECURE ? (dh->nusable ? ST_PASS : ST_WARN)
                : dh->status == DANE_BOGUS ? ST_FAIL
                                           : ST_NA;
    for (size_t i = 0; i < h->naddrs; i++)
        judge(h->addrs[i], act, matched, depth, depths, n, note);
}

/* fx_dane_ee - a signed 3 1 1 record that matches the leaf (dane-ee). */
static struct report *fx_dane_ee(void)
{
    struct report *r = fx_all_good();
    r->dnssec_any_ad = true;
    struct mx_host *h = dane_host(r, DANE_SECURE);
    add_tlsa(&h->dane, 3, 1, 1, "ab12", NULL);
    static const int d[] = {0};
    judge_all(h, DANE_ACT_DELIVER, 0, 0, d, 1, "DANE authenticated: TLSA 3 1 1 matched the "
              "server certificate (depth 0); it delivers whatever MTA-STS says");
    return r;
}

/* fx_dane_rotated - the key changed, the signed record did not (dane-rotated). */
static struct report *fx_dane_rotated(void)
{
    struct report *r = fx_all_good();
    r->dnssec_any_ad = true;
    struct mx_host *h = dane_host(r, DANE_SECURE);
    add_tlsa(&h->dane, 3, 1, 1, "0ld0", NULL);
    static const int d[] = {-1};
    judge_all(h, DANE_ACT_DEFER, -1, -1, d, 1, "DANE validation failed: a DANE sender does NOT "
              "deliver, and MTA-STS must not override that (RFC 8461 2)");
    problem_set_where(problem_add(&r->problems, PROB_DANE_MISMATCH, STEP_TLS, HOST " [" ADDR "]", 0,
                "no TLSA record at _25._tcp." HOST " authenticates the chain"), STEP_DANE, HOST, ADDR);
    return r;
}

/* fx_dane_rollover - current and next key published; the current one matches the leaf. */
static struct report *fx_dane_rollover(void)
{
    struct report *r = fx_all_good();
    r->dnssec_any_ad = true;
    struct mx_host *h = dane_host(r, DANE_SECURE);
    add_tlsa(&h->dane, 3, 1, 1, "c0ffee", NULL);
    add_tlsa(&h->dane, 3, 1, 1, "beef00", NULL);
    add_tlsa(&h->dane, 1, 1, 1, "0101", "usage 1 (PKIX-EE) is unusable for SMTP");
    static const int d[] = {0, -1, -1};
    judge_all(h, DANE_ACT_DELIVER, 0, 0, d, 3, "DANE authenticated");
    return r;
}

/* fx_dane_ta - a 2 0 1 record for the issuing CA, at depth 1 of the chain. */
static struct report *fx_dane_ta(void)
{
    struct report *r = fx_all_good();
    r->dnssec_any_ad = true;
    struct mx_host *h = dane_host(r, DANE_SECURE);
    add_tlsa(&h->dane, 2, 0, 1, "ca11", NULL);
    static const int d[] = {1};
    judge_all(h, DANE_ACT_DELIVER, 0, 1, d, 1, "DANE authenticated");
    return r;
}

/* fx_dane_unsigned - TLSA in an unsigned zone, and no answer of the check carried AD. */
static struct report *fx_dane_unsigned(void)
{
    struct report *r = fx_all_good();
    r->dnssec_any_ad = false;
    struct mx_host *h = dane_host(r, DANE_INSECURE);
    add_tlsa(&h->dane, 3, 1, 1, "ab12", NULL);
    static const int d[] = {0};
    judge_all(h, DANE_ACT_NO_DANE, 0, 0, d, 1, "no DANE (TLSA records are not DNSSEC-validated): "
              "it applies the MTA-STS policy and would deliver");
    return r;
}

/* fx_dane_bogus - the TLSA lookup failed validation: DANE senders defer. */
static struct report *fx_dane_bogus(void)
{
    struct report *r = fx_all_good();
    r->dnssec_any_ad = true;
    struct mx_host *h = dane_host(r, DANE_BOGUS);
    judge_all(h, DANE_ACT_DEFER, -1, -1, NULL, 0, "TLSA lookup failed (bogus): a DANE sender "
              "treats the host as unreachable and defers (RFC 7672 2.1)");
    return r;
}

/* fx_no_dane - MTA-STS only: no TLSA anywhere (the engine still judges every address). */
static struct report *fx_no_dane(void)
{
    struct report *r = fx_all_good();
    r->dnssec_any_ad = false;
    struct mx_host *h = dane_host(r, DANE_NONE);
    judge_all(h, DANE_ACT_NO_DANE, -1, -1, NULL, 0, "no DANE (no TLSA record): it applies the "
              "MTA-STS policy and would deliver");
    return r;
}

static const struct tui_row *row_of(const struct tui_model *m, const char *key)
{
    long k = tui_model_find(m, key);
    ck_assert_msg(k >= 0, "no row %s", key);
    return &m->rows[k];
}

static void detail_of(struct tui_lines *out, const struct report *r, const char *key)
{
    struct tui_model m = {0};
    tui_model_build(&m, r, r->duration_ms, time(NULL));
    struct view_ctx v = {.r = r, .now_ms = r->duration_ms, .now = time(NULL), .utf8 = true};
    view_detail_build(out, &v, row_of(&m, key));
    tui_model_free(&m);
}

/* cert_of - the full certificate view of chain[depth] of the first address. */
static void cert_of(struct tui_lines *out, const struct report *r, size_t depth)
{
    const struct mx_host *h = r->mx.hosts[0];
    const struct mx_addr *a = h->addrs[0];
    struct view_ctx v = {.r = r, .now = time(NULL), .utf8 = true};
    struct tui_row row = {.node = TN_CERT, .host = h, .addr = a, .cert = &a->smtp->tls.chain[depth],
                          .cert_index = depth, .tls = &a->smtp->tls, .cert_owner = h->host,
                          .cert_where = a->address};
    view_cert_build(out, &v, &row);
}

START_TEST(host_and_address_badges)
{
    struct report *r = fx_dane_ee();
    struct tui_model m = {0};
    tui_model_build(&m, r, r->duration_ms, time(NULL));
    const struct tui_row *host = row_of(&m, "host:" HOST);
    ck_assert_str_eq(host->badge.text, "DANE secure, 1 usable");
    ck_assert_str_eq(host->badge.short_text, "DANE secure");
    ck_assert_int_eq(host->badge.state, ST_PASS);
    ck_assert(!host->badge.symbol);
    const struct tui_row *addr = row_of(&m, "addr:" KEY_SUFFIX);
    ck_assert_str_eq(addr->badge.text, "DANE deliver");
    ck_assert_int_eq(addr->badge.state, ST_PASS);
    ck_assert(addr->badge.symbol); /* drawn as "DANE ✓" */
    ck_assert_str_eq(row_of(&m, "sts")->badge.text, "");
    tui_model_free(&m);
    report_free(r);

    r = fx_dane_rotated();
    tui_model_build(&m, r, r->duration_ms, time(NULL));
    ck_assert_int_eq(row_of(&m, "host:" HOST)->badge.state, ST_PASS); /* the RRset is fine */
    ck_assert_str_eq(row_of(&m, "addr:" KEY_SUFFIX)->badge.text, "DANE defer");
    ck_assert_int_eq(row_of(&m, "addr:" KEY_SUFFIX)->badge.state, ST_FAIL);
    tui_model_free(&m);
    report_free(r);

    r = fx_dane_unsigned();
    tui_model_build(&m, r, r->duration_ms, time(NULL));
    ck_assert_ptr_nonnull(strstr(row_of(&m, "host:" HOST)->badge.text, "insecure"));
    ck_assert_int_eq(row_of(&m, "host:" HOST)->badge.state, ST_NA); /* drawn dim */
    ck_assert_str_eq(row_of(&m, "addr:" KEY_SUFFIX)->badge.short_text, "no DANE");
    tui_model_free(&m);
    report_free(r);

    r = fx_dane_bogus();
    tui_model_build(&m, r, r->duration_ms, time(NULL));
    ck_assert_ptr_nonnull(strstr(row_of(&m, "host:" HOST)->badge.text, "bogus"));
    ck_assert_int_eq(row_of(&m, "host:" HOST)->badge.state, ST_FAIL);
    ck_assert_int_eq(row_of(&m, "addr:" KEY_SUFFIX)->badge.state, ST_FAIL);
    tui_model_free(&m);
    report_free(r);

    /* none: nothing beside any label */
    r = fx_no_dane();
    tui_model_build(&m, r, r->duration_ms, time(NULL));
    for (size_t i = 0; i < m.n; i++)
        ck_assert_str_eq(m.rows[i].badge.text, "");
    tui_model_free(&m);
    report_free(r);
}
END_TEST

START_TEST(secure_without_usable_records_warns)
{
    struct report *r = fx_all_good();
    struct mx_host *h = dane_host(r, DANE_SECURE);
    add_tlsa(&h->dane, 0, 1, 1, "0a0b", "usage 0 (PKIX-TA) is unusable for SMTP");
    judge_all(h, DANE_ACT_DELIVER, -1, -1, (const int[]){-1}, 1, "only unusable TLSA records");
    for (size_t i = 0; i < h->naddrs; i++)
        h->addrs[i]->dane.match = -1;
    struct tui_badge b;
    tui_dane_host_badge(h, &b);
    ck_assert_str_eq(b.text, "DANE secure, 0 usable");
    ck_assert_int_eq(b.state, ST_WARN);
    ck_assert_int_eq(tui_dane_addr_state(r, h, h->addrs[0]), ST_WARN);
    struct tui_lines l = {0};
    detail_of(&l, r, "addr:" KEY_SUFFIX);
    ck_assert(has(&l, "a DANE sender would deliver here (TLS required, not authenticated)"));
    tui_lines_clear(&l);
    report_free(r);
}
END_TEST

START_TEST(address_detail_has_both_senders)
{
    struct report *r = fx_dane_rotated();
    struct tui_lines l = {0};
    detail_of(&l, r, "addr:" KEY_SUFFIX);
    ck_assert(has(&l, "sender's eye: an MTA-STS sender would deliver here (mode enforce)"));
    ck_assert(has(&l, "sender's eye: a DANE sender would NOT deliver here: it defers"));
    ck_assert_int_eq(role_of(&l, "a DANE sender would NOT"), TR_FAIL);
    ck_assert(has(&l, "DANE validation failed"));                        /* action_note */
    ck_assert(has(&l, "RFC 8461 2: a sender that does both applies DANE first")); /* precedence */
    ck_assert(has(&l, "dane.mismatch"));                                 /* its problem */
    tui_lines_clear(&l);
    report_free(r);

    r = fx_dane_ee();
    detail_of(&l, r, "addr:" KEY_SUFFIX);
    ck_assert(has(&l, "a DANE sender would deliver here"));
    ck_assert_int_eq(role_of(&l, "a DANE sender would deliver"), TR_OK);
    ck_assert(has(&l, "TLSA 3 1 1 matched the server certificate"));
    tui_lines_clear(&l);
    report_free(r);

    r = fx_dane_unsigned();
    detail_of(&l, r, "addr:" KEY_SUFFIX);
    ck_assert(has(&l, "a DANE sender finds no DANE here and falls back to MTA-STS"));
    ck_assert(has(&l, "TLSA records are not DNSSEC-validated"));
    tui_lines_clear(&l);
    report_free(r);

    /* without TLSA the DANE line stays, the precedence line (nothing to decide) does not */
    r = fx_no_dane();
    detail_of(&l, r, "addr:" KEY_SUFFIX);
    ck_assert(has(&l, "falls back to MTA-STS"));
    ck_assert(!has(&l, "RFC 8461 2:"));
    tui_lines_clear(&l);
    report_free(r);

    /* before the engine judged it */
    r = fx_dane_ee();
    r->done = false;
    r->mx.hosts[0]->addrs[0]->dane.judged = false;
    detail_of(&l, r, "addr:" KEY_SUFFIX);
    ck_assert(has(&l, "a DANE sender - not known until"));
    tui_lines_clear(&l);
    report_free(r);
}
END_TEST

START_TEST(host_and_tls_detail)
{
    struct report *r = fx_dane_rollover();
    struct tui_lines l = {0};
    detail_of(&l, r, "host:" HOST);
    ck_assert(has(&l, "DANE (RFC 7672)"));
    ck_assert(has(&l, "DANE secure, 2 usable"));
    ck_assert(has(&l, "secure TLSA at _25._tcp." HOST));                 /* h->dane.note */
    ck_assert(has(&l, "TLSA 3 1 1 c0ffee: usable"));
    ck_assert(has(&l, "TLSA 1 1 1 0101: unusable - usage 1 (PKIX-EE) is unusable for SMTP"));
    ck_assert(has(&l, ADDR " (IPv4)   DANE deliver ✓"));
    ck_assert(!has(&l, TUI_DANE_UNCONFIRMED));
    tui_lines_clear(&l);

    detail_of(&l, r, "tls:" KEY_SUFFIX);
    ck_assert(has(&l, "DANE verification (RFC 7672)"));
    ck_assert(has(&l, "✓ TLSA 3 1 1 matched certificate #0"));
    ck_assert(has(&l, "TLSA 3 1 1 c0ffee: matches certificate #0"));    /* current key */
    ck_assert(has(&l, "TLSA 3 1 1 beef00: no match"));                  /* next key */
    ck_assert(has(&l, "TLSA 1 1 1 0101: not used"));
    tui_lines_clear(&l);

    detail_of(&l, r, "mx");
    ck_assert(has(&l, HOST "  (matches the policy)  DANE secure, 2 usable"));
    tui_lines_clear(&l);
    report_free(r);

    r = fx_dane_rotated();
    detail_of(&l, r, "tls:" KEY_SUFFIX);
    ck_assert(has(&l, "no TLSA record matches the chain: no matching DANE TLSA records"));
    ck_assert_int_eq(role_of(&l, "no TLSA record matches the chain"), TR_FAIL);
    tui_lines_clear(&l);
    report_free(r);

    r = fx_no_dane();
    detail_of(&l, r, "tls:" KEY_SUFFIX);
    ck_assert(!has(&l, "DANE verification"));
    tui_lines_clear(&l);
    detail_of(&l, r, "host:" HOST);
    ck_assert(has(&l, "no DANE: senders apply MTA-STS"));
    tui_lines_clear(&l);
    report_free(r);
}
END_TEST

START_TEST(unconfirmed_without_ad)
{
    struct report *r = fx_dane_unsigned();
    ck_assert(tui_dane_unconfirmed(r));
    struct tui_lines l = {0};
    detail_of(&l, r, "host:" HOST);
    ck_assert(has(&l, "DNSSEC not validated here: DANE cannot be confirmed"));
    ck_assert_int_eq(role_of(&l, TUI_DANE_UNCONFIRMED), TR_WARN);
    tui_lines_clear(&l);
    detail_of(&l, r, "mx");
    ck_assert(has(&l, TUI_DANE_UNCONFIRMED));
    tui_lines_clear(&l);
    r->done = false; /* only once every answer is in */
    ck_assert(!tui_dane_unconfirmed(r));
    report_free(r);

    r = fx_no_dane(); /* no AD, but no TLSA either: nothing to confirm */
    ck_assert(!tui_dane_unconfirmed(r));
    report_free(r);
    r = fx_dane_ee();
    ck_assert(!tui_dane_unconfirmed(r));
    report_free(r);
}
END_TEST

START_TEST(cert_marks_matched_record)
{
    struct report *r = fx_dane_ee();
    struct tui_lines l = {0};
    cert_of(&l, r, 0);
    ck_assert(has(&l, "✓ matched TLSA 3 1 1: a DANE sender authenticates"));
    ck_assert_int_eq(role_of(&l, "matched TLSA 3 1 1"), TR_OK);
    ck_assert(!has(&l, "against this chain")); /* one record that matched says it all */
    tui_lines_clear(&l);
    cert_of(&l, r, 1);
    ck_assert(!has(&l, "✓ matched TLSA"));
    ck_assert(has(&l, "TLSA 3 1 1 matched certificate #0 of this chain, not this one"));
    tui_lines_clear(&l);
    report_free(r);

    r = fx_dane_ta(); /* DANE-TA: the issuer is the one */
    cert_of(&l, r, 1);
    ck_assert(has(&l, "matched TLSA 2 0 1"));
    tui_lines_clear(&l);
    cert_of(&l, r, 0);
    ck_assert(!has(&l, "✓ matched TLSA"));
    tui_lines_clear(&l);
    report_free(r);

    r = fx_dane_rollover(); /* per record: current, next, unusable */
    cert_of(&l, r, 0);
    ck_assert(has(&l, "matched TLSA 3 1 1"));
    ck_assert(has(&l, "the 3 TLSA records at _25._tcp." HOST " against this chain"));
    ck_assert(has(&l, "TLSA 3 1 1 c0ffee: matches this certificate"));
    ck_assert(has(&l, "TLSA 3 1 1 beef00: matches no certificate of this chain"));
    ck_assert(has(&l, "TLSA 1 1 1 0101: not used (usage 1"));
    tui_lines_clear(&l);
    report_free(r);

    r = fx_dane_rotated();
    cert_of(&l, r, 0);
    ck_assert(has(&l, "DANE: no TLSA record matches this chain"));
    ck_assert_int_eq(role_of(&l, "no TLSA record matches this chain"), TR_FAIL);
    ck_assert(has(&l, "TLSA 3 1 1 0ld0: matches no certificate of this chain"));
    tui_lines_clear(&l);
    report_free(r);

    /* the tree row of a certificate shows the same mark */
    r = fx_dane_ee();
    detail_of(&l, r, "cert:" KEY_SUFFIX "|0");
    ck_assert(has(&l, "matched TLSA 3 1 1"));
    tui_lines_clear(&l);
    report_free(r);

    r = fx_no_dane(); /* and nothing at all without TLSA */
    cert_of(&l, r, 0);
    ck_assert(!has(&l, "TLSA"));
    tui_lines_clear(&l);
    report_free(r);
}
END_TEST

START_TEST(matrix_dane_column)
{
    struct { struct report *(*fx)(void); enum step_state st; const char *mark; bool note; } cases[] = {
        {fx_dane_ee, ST_PASS, NULL, true},       {fx_dane_rotated, ST_FAIL, NULL, true},
        {fx_dane_bogus, ST_FAIL, NULL, true},    {fx_dane_unsigned, ST_NA, "·", true},
        {fx_no_dane, ST_NA, "-", false},
    };
    ck_assert_str_eq(view_matrix_col_name(VM_DANE), "DANE");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct report *r = cases[i].fx();
        struct view_matrix vm = {0};
        view_matrix_build(&vm, r, r->duration_ms, true);
        ck_assert_uint_eq(vm.n, 2);
        ck_assert_int_eq(vm.rows[0].cell[VM_DANE].state, cases[i].st);
        if (cases[i].mark)
            ck_assert_str_eq(vm.rows[0].cell[VM_DANE].mark, cases[i].mark);
        else
            ck_assert_ptr_null(vm.rows[0].cell[VM_DANE].mark);
        ck_assert_ptr_null(vm.rows[0].cell[VM_POLICY].mark);
        bool note = false;
        for (size_t j = 0; j < vm.notes.n; j++)
            note |= strstr(vm.notes.v[j].text, "a DANE sender defers") != NULL;
        ck_assert_msg(note == cases[i].note, "case %zu", i);
        view_matrix_free(&vm);
        report_free(r);
    }
    /* ASCII: the insecure mark is a plain dot */
    struct report *r = fx_dane_unsigned();
    struct view_matrix vm = {0};
    view_matrix_build(&vm, r, r->duration_ms, false);
    ck_assert_str_eq(vm.rows[0].cell[VM_DANE].mark, ".");
    view_matrix_free(&vm);
    report_free(r);
}
END_TEST

/* while the check runs the DANE column waits, never "fails" */
START_TEST(matrix_dane_live)
{
    struct report *r = fx_dane_ee();
    r->done = false;
    struct mx_host *h = r->mx.hosts[0];
    h->dane.status = DANE_PENDING;
    h->addrs[0]->dane.judged = false;
    h->addrs[0]->step.state = ST_RUNNING;
    h->addrs[1]->dane.judged = false;
    h->addrs[1]->step.state = ST_WAITING;
    struct view_matrix vm = {0};
    view_matrix_build(&vm, r, 50, true);
    ck_assert_int_eq(vm.rows[0].cell[VM_DANE].state, ST_RUNNING);
    ck_assert_int_eq(vm.rows[1].cell[VM_DANE].state, ST_RUNNING); /* TLSA still in flight */
    h->dane.status = DANE_SECURE;
    view_matrix_build(&vm, r, 50, true);
    ck_assert_int_eq(vm.rows[1].cell[VM_DANE].state, ST_WAITING);
    ck_assert_ptr_null(vm.rows[1].cell[VM_DANE].mark);
    view_matrix_free(&vm);
    struct tui_model m = {0};
    h->dane.status = DANE_PENDING;
    tui_model_build(&m, r, 50, time(NULL));
    ck_assert_str_eq(row_of(&m, "host:" HOST)->badge.text, ""); /* no badge until final */
    tui_model_free(&m);
    report_free(r);
}
END_TEST

START_TEST(learn_dane_reachable)
{
    ck_assert_str_eq(tui_node_learn_extra(TN_HOST), "dane");
    ck_assert_str_eq(tui_node_learn_extra(TN_TLS), "dane");
    ck_assert_str_eq(tui_node_learn_extra(TN_ADDR), "dane");
    ck_assert_ptr_null(tui_node_learn_extra(TN_STS));
    ck_assert_ptr_null(tui_node_learn_extra(TN_POLICY));
    ck_assert_str_eq(tui_node_learn_name(TN_HOST), "mx_host"); /* the first text is unchanged */
    struct tui_lines l = {0};
    ck_assert_int_eq(tui_learn_load(tui_node_learn_extra(TN_HOST), &l), 0);
    ck_assert(has(&l, "DANE for SMTP beside MTA-STS"));
    tui_lines_clear(&l);
}
END_TEST

/* reports without any DANE judgement (every field zero: pending) show no DANE state at all,
 * and every view still builds */
START_TEST(no_dane_state_in_plain_fixtures)
{
    struct report *(*const fx[])(void) = {fx_all_good, fx_no_record, fx_redirect, fx_mismatch,
                                          fx_expired, fx_no_starttls, fx_null_mx, fx_hostile};
    for (size_t i = 0; i < sizeof fx / sizeof fx[0]; i++) {
        struct report *r = fx[i]();
        struct tui_model m = {0};
        tui_model_build(&m, r, r->duration_ms, time(NULL));
        struct view_ctx v = {.r = r, .now_ms = r->duration_ms, .now = time(NULL), .utf8 = true};
        for (size_t j = 0; j < m.n; j++) {
            struct tui_lines l = {0};
            ck_assert_str_eq(m.rows[j].badge.text, "");
            view_detail_build(&l, &v, &m.rows[j]);
            ck_assert(!has(&l, "TLSA") && !has(&l, TUI_DANE_UNCONFIRMED));
            tui_lines_clear(&l);
        }
        ck_assert(!tui_dane_unconfirmed(r));
        tui_model_free(&m);
        report_free(r);
    }
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("tui_dane");
    TCase *tc = tcase_create("dane");
    tcase_add_test(tc, host_and_address_badges);
    tcase_add_test(tc, secure_without_usable_records_warns);
    tcase_add_test(tc, address_detail_has_both_senders);
    tcase_add_test(tc, host_and_tls_detail);
    tcase_add_test(tc, unconfirmed_without_ad);
    tcase_add_test(tc, cert_marks_matched_record);
    tcase_add_test(tc, matrix_dane_column);
    tcase_add_test(tc, matrix_dane_live);
    tcase_add_test(tc, learn_dane_reachable);
    tcase_add_test(tc, no_dane_state_in_plain_fixtures);
    suite_add_tcase(s, tc);
    return s;
}
