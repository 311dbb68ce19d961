/* tui_model - the walk-through tree of one report, as flat rows for the left pane.
 *
 * Contract: tui_model_build reads a const report and writes rows whose pointers borrow from
 * it: rebuild after every change, and never keep rows past diag_free. Each row has a stable
 * key so the cursor can follow a node while the tree grows. Pure: no curses. */
#ifndef MXRAY_TUI_MODEL_H
#define MXRAY_TUI_MODEL_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <time.h>
#include "report.h"
#include "tui_text.h"

enum tui_node {
    TN_STS,    /* 1 TXT _mta-sts */
    TN_POLICY, /* 2 HTTPS policy fetch */
    TN_MX,     /* 3 MX records */
    TN_HOST,   /* one MX host: address lookup and policy match */
    TN_ADDR,   /* one address of an MX host: the sender's-eye verdict */
    TN_SMTP,   /* connect, banner, EHLO, STARTTLS of one address */
    TN_TLS,    /* handshake and certificate checks of one address */
    TN_CERT,   /* one certificate of a chain: an address's (host, addr set) or the policy
                * host's (host, addr NULL; below TN_POLICY) */
    TN_TLSRPT  /* 4 TXT _smtp._tls */
};

/* tui_badge - the DANE state (RFC 7672) beside a tree label: the TLSA status of an MX host
 * ("DANE secure, 2 usable") or what a DANE sender does with an address ("DANE" + a symbol).
 * Empty text: DANE does not apply (no TLSA record, or not judged yet). */
struct tui_badge {
    char text[64];         /* full form */
    char short_text[24];   /* what a narrow tree keeps: "DANE secure" */
    enum step_state state; /* its colour: pass, warn, fail, n/a (dim) */
    bool symbol;           /* the drawing appends the state's symbol (address verdicts) */
};

struct tui_row {
    int depth;
    enum tui_node node;
    enum step_state state;
    int64_t ms;                  /* duration, -1 when unknown */
    char label[200];             /* escaped text from the report */
    char key[340];               /* stable identity across rebuilds */
    const struct mx_host *host;  /* TN_HOST and below */
    const struct mx_addr *addr;  /* TN_ADDR and below */
    const struct cert_info *cert; /* TN_CERT */
    size_t cert_index;
    const struct tls_info *tls;  /* TN_CERT: the chain cert belongs to */
    const char *cert_owner;      /* TN_CERT: who sent it, for titles and file names: the MX
                                  * host or the policy host */
    const char *cert_where;      /* TN_CERT: the address it came from ("https" if unknown) */
    bool mark;                   /* TN_HOST: its addresses serve different leaf certificates */
    struct tui_badge badge;      /* TN_HOST, TN_ADDR: DANE beside the label */
};

struct tui_model {
    struct tui_row *rows;
    size_t n, cap;
};

/* tui_model_build - rows for r (cleared first). now_ms is the time since the diagnosis
 * started, used for running durations; now is the wall clock used for certificate expiry. */
void tui_model_build(struct tui_model *m, const struct report *r, int64_t now_ms, time_t now);
void tui_model_free(struct tui_model *m);
/* tui_model_find - index of the row with key, or -1. */
long tui_model_find(const struct tui_model *m, const char *key);

/* tui_problem_matches - does problem p belong to row (see the per-node rules in the .c). */
bool tui_problem_matches(const struct report *r, const struct problem *p,
                         const struct tui_row *row);
/* tui_row_worst - highest severity of the problems of row, or -1. */
int tui_row_worst(const struct report *r, const struct tui_row *row);
/* tui_node_step - the step kind a node belongs to (for learn texts); TN_CERT gives STEP_TLS. */
enum step_kind tui_node_step(enum tui_node n);
/* tui_node_learn_name - asset name of the learn text: "sts_record", ..., "cert". */
const char *tui_node_learn_name(enum tui_node n);
/* tui_node_learn_extra - a second learn text shown after the first, or NULL: "dane" for the
 * nodes where DANE is judged (MX host, address, TLS). */
const char *tui_node_learn_extra(enum tui_node n);

/* Derived states of the sub-steps of one address (the report keeps one step per address). */
enum step_state tui_smtp_state(const struct report *r, const struct mx_host *h,
                               const struct mx_addr *a);
enum step_state tui_tls_state(const struct report *r, const struct mx_host *h,
                              const struct mx_addr *a);
/* tui_cert_row_state - the engine's mark of the certificate of a TN_CERT row (report_cert_state
 * with the right name role: MX host or policy host); why receives a short reason. */
enum step_state tui_cert_row_state(const struct tui_row *row, time_t now, const char **why);
/* tui_host_certs_differ - true when two addresses of h sent different leaf certificates. */
bool tui_host_certs_differ(const struct mx_host *h);
/* tui_addr_leaf - the leaf certificate an address sent, or NULL. */
const struct cert_info *tui_addr_leaf(const struct mx_addr *a);

/* DANE (RFC 7672) as the engine judged it; pure readers of h->dane and a->dane. */
/* tui_dane_host_badge / tui_dane_addr_badge - fill b (cleared first; empty = no badge). */
void tui_dane_host_badge(const struct mx_host *h, struct tui_badge *b);
void tui_dane_addr_badge(const struct mx_host *h, const struct mx_addr *a, struct tui_badge *b);
/* tui_dane_addr_state - the DANE verdict of an address as a state: pass (authenticated),
 * warn (delivers unauthenticated: only unusable records), fail (a DANE sender defers), n/a
 * (no DANE: MTA-STS applies), waiting/running while not judged. */
enum step_state tui_dane_addr_state(const struct report *r, const struct mx_host *h,
                                    const struct mx_addr *a);
/* tui_dane_has_tlsa - some MX host published TLSA records (DNSSEC-signed or not). */
bool tui_dane_has_tlsa(const struct report *r);
/* tui_dane_unconfirmed - the check is done, some host has TLSA, yet no answer carried AD: the
 * resolver in use does not validate (or nothing is signed), so DANE cannot be confirmed. */
bool tui_dane_unconfirmed(const struct report *r);
#define TUI_DANE_UNCONFIRMED "DNSSEC not validated here: DANE cannot be confirmed"

#endif
