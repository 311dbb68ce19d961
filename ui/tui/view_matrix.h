/* view_matrix - one row per MX address, one column per stage, filling live like mtr.
 *
 * Contract: view_matrix_build reads a const report (pointers in rows borrow from it) and the
 * caller's clock; cells say waiting / running / pass / warn / fail / not applicable plus the
 * stage's milliseconds when known. Rows of one MX host whose addresses sent different leaf
 * certificates carry cert_differs, and a note line explains it. The DANE column shows what a
 * DANE-capable sender does with each address, and a note says what its marks mean whenever
 * some host published TLSA records. Pure: no curses. */
#ifndef MXRAY_VIEW_MATRIX_H
#define MXRAY_VIEW_MATRIX_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "report.h"
#include "tui_text.h"

enum view_matrix_col {
    VM_RESOLVE, VM_CONNECT, VM_BANNER, VM_EHLO, VM_STARTTLS, VM_HANDSHAKE, VM_CERT, VM_POLICY,
    VM_DANE, /* what a DANE sender does (RFC 7672): authenticated, defers, no DANE */
    VM_NCOLS
};

struct view_matrix_cell {
    enum step_state state;
    int64_t ms;       /* -1 when unknown */
    const char *mark; /* static text drawn instead of the state's symbol, or NULL (the DANE
                       * column: "·" TLSA not DNSSEC-signed, "-" no TLSA) */
};

struct view_matrix_row {
    const struct mx_host *host;
    const struct mx_addr *addr; /* NULL: the host has no address */
    struct view_matrix_cell cell[VM_NCOLS];
    bool cert_differs;
};

struct view_matrix {
    struct view_matrix_row *rows;
    size_t n;
    struct tui_lines notes;
};

void view_matrix_build(struct view_matrix *m, const struct report *r, int64_t now_ms, bool utf8);
void view_matrix_free(struct view_matrix *m);
const char *view_matrix_col_name(enum view_matrix_col c); /* "resolve", ..., "DANE" */
const char *view_matrix_col_short(enum view_matrix_col c); /* at most 6 columns: "dns", "STLS" */

#endif
