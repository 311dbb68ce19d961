/* cmd_check - `mxray check [OPTIONS] DOMAIN...`: the non-interactive diagnosis. */
#ifndef MXRAY_CMD_CHECK_H
#define MXRAY_CMD_CHECK_H
#include "cli.h"
#include "diag.h"

/* cmd_check - argv[0] is "check". Returns the exit status (exit_status.h: 0 pass, 1 warn,
 * 2 fail, 3 none, 130 interrupted, sysexits for local failures). */
int cmd_check(int argc, char **argv);

/* cmd_diag_opts - diag options from parsed CLI options (borrows from o). */
void cmd_diag_opts(const struct cli_opts *o, struct diag_opts *d);

/* cmd_state_dir - where state is kept: --state DIR, else the default (state.h), else NULL
 * (--no-state, or no usable default: said once on stderr). */
const char *cmd_state_dir(const struct cli_opts *o);
/* cmd_state_notice - say once per run on stderr when a report's state could not be kept
 * (the check itself ran). */
void cmd_state_notice(const struct report *r);

/* cmd_use_color - colour only on a terminal, without NO_COLOR and --no-color. */
bool cmd_use_color(const struct cli_opts *o, int fd);

/* cmd_term_dumb - TERM unset, empty or "dumb": no colour, no TUI. */
bool cmd_term_dumb(const char *term);

/* Descriptors: one diagnosis holds at most CMD_FDS_PER_DIAG at once (DNS, HTTPS, one SMTP
 * connection per address); the process needs CMD_FDS_RESERVE besides (stdio, the resolver,
 * curl's socketpair, the signal pipe, the output). */
#define CMD_FDS_PER_DIAG 24
#define CMD_FDS_RESERVE 16
/* cmd_fd_room - raise the open-file limit for want diagnoses at once; how many fit (<= want,
 * 0 when not even one does). */
size_t cmd_fd_room(size_t want);
/* cmd_preflight - what must hold before any diagnosis starts, so nothing local is blamed on
 * the domain: --ca-file usable (else EX_NOINPUT), descriptors for one diagnosis (else
 * EX_SOFTWARE). Prints one line and returns the status, or 0. cmd is "check" or "". */
int cmd_preflight(const struct cli_opts *o, const char *cmd);

/* cmd_normalize_domains - every domain to an A-label; on error prints
 * "mxray: DOMAIN: reason" and returns -1. out[i] are allocated (caller frees). */
int cmd_normalize_domains(const char *const *in, size_t n, char **out);

#endif
