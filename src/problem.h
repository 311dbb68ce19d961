/* problem - the table of every problem code mxray can report, and the problem list.
 *
 * Codes are stable (JSON, docs and tests depend on them): add new ones, never rename.
 * One table (problem_table.h) defines code, default severity, RFC section, the RFC 8460
 * result type a sender would report, what it means and how to fix it, so the docs, the JSON
 * and the TUI cannot drift apart. */
#ifndef MXRAY_PROBLEM_H
#define MXRAY_PROBLEM_H
#include <stddef.h>
#include <stdarg.h>

enum severity { SEV_INFO = 0, SEV_WARNING = 1, SEV_ERROR = 2 };

/* Which part of the diagnosis found it (JSON "step"). */
enum step_kind {
    STEP_STS_RECORD, /* "sts_record": TXT _mta-sts */
    STEP_TLSRPT,     /* "tlsrpt": TXT _smtp._tls */
    STEP_POLICY,     /* "policy": HTTPS policy fetch and body */
    STEP_MX,         /* "mx": MX lookup and policy match */
    STEP_MX_HOST,    /* "mx_host": address lookup of one MX host */
    STEP_SMTP,       /* "smtp": connect, banner, EHLO, STARTTLS of one address */
    STEP_TLS,        /* "tls": handshake and certificate of one address */
    STEP_LINT,       /* "lint": offline validation */
    STEP_DANE,       /* "dane": TLSA lookup of an MX host and DANE verification of an address
                      * (RFC 7672); only in problem_where.step: JSON "step" keeps the step the
                      * problem was filed under (mx_host or tls) */
    STEP_KIND_COUNT
};

#define PROBLEM_ID(id, code, sev, rfc, report_as, what, fix) PROB_##id,
enum problem_id {
#include "problem_table.h"
    PROB_COUNT
};
#undef PROBLEM_ID

struct problem_def {
    const char *code;      /* stable dotted name, e.g. "sts.record.missing" */
    enum severity severity; /* default; a finder may raise or lower it (see table comments) */
    const char *rfc;       /* e.g. "RFC 8461 3.1" */
    const char *report_as; /* RFC 8460 4.3 result type, or NULL */
    const char *what;      /* what it means, one or two sentences */
    const char *fix;       /* the concrete fix */
};

const struct problem_def *problem_def(enum problem_id id);
/* problem_lookup - id of a code name, or -1. */
int problem_lookup(const char *code);
const char *severity_name(enum severity s);   /* "error" | "warning" | "info" */
const char *step_kind_name(enum step_kind k); /* "sts_record", ... */

/* problem_where - where a problem was found, as data: faces match a problem to a row, a host
 * or an address on these fields and never parse the subject string back. */
struct problem_where {
    enum step_kind step; /* the step it belongs to, with STEP_DANE for DANE findings */
    char *host;          /* the MX host (A-label) for host and address problems, else NULL */
    char *address;       /* the numeric address for address problems, else NULL */
};

/* One problem found. Strings are owned by the list and already escaped. */
struct problem {
    enum problem_id id;
    enum severity severity; /* final when the problem is added (never lowered later) */
    enum step_kind step;
    char *subject; /* domain, URL, MX host or "host [address]" (display; JSON "subject") */
    char *message; /* what exactly was seen */
    int line;      /* 1-based line (lint, policy body) or 0 */
    struct problem_where where;
};

/* PROBLEM_SEV_DEFAULT - "the table's default severity" where a severity is asked for. */
#define PROBLEM_SEV_DEFAULT (-1)

struct problem_list {
    struct problem *items;
    size_t n;
};

/* problem_add - append a problem with the table's default severity; message is printf-style
 * and must only contain already-escaped text. Returns the new problem (valid until the next add). */
struct problem *problem_add(struct problem_list *l, enum problem_id id, enum step_kind step,
                            const char *subject, int line, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
struct problem *problem_addv(struct problem_list *l, enum problem_id id, enum step_kind step,
                             const char *subject, int line, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));
/* problem_set_where - set p->where (copies host and address; either may be NULL). */
void problem_set_where(struct problem *p, enum step_kind step, const char *host,
                       const char *address);
/* problem_list_has - true when a problem with that id is in the list. */
int problem_list_has(const struct problem_list *l, enum problem_id id);
/* problem_list_worst - highest severity in the list, or -1 when empty. */
int problem_list_worst(const struct problem_list *l);
void problem_list_clear(struct problem_list *l);

/* problem_text_fill - a table text (what/fix) with the placeholder words DOMAIN and HOST
 * replaced by domain and host (either may be NULL: that word is then left). Only whole words
 * are replaced, so "NXDOMAIN" stays. Caller frees. Faces use present_problem_* (ui/report/
 * present.h), which never leaves a placeholder. */
char *problem_text_fill(const char *text, const char *domain, const char *host);
/* problem_text_has_placeholder - text still holds DOMAIN, HOST or a printf conversion. */
int problem_text_has_placeholder(const char *text);

#endif
