/* tui - the interactive terminal face of mxray (curses).
 *
 * Contract: tui_run owns the terminal and the loop turn until the user quits or a signal
 * (SIGINT, SIGTERM, SIGHUP) arrives; it starts diagnoses on c->engine with c->opts, reads
 * only struct report and diag events, and restores the terminal on every exit path. */
#ifndef MXRAY_TUI_H
#define MXRAY_TUI_H
#include <stddef.h>
#include <stdbool.h>
#include "diag.h"

/* One demo picker entry; what/sender/fix are the scenario's teaching text (may be NULL). */
struct tui_choice {
    const char *name;
    const char *summary;
    const char *domain;
    const char *what;   /* what is wrong (or right) */
    const char *sender; /* what a sending MTA does */
    const char *fix;    /* how to fix it */
};
struct tui_config {
    struct engine *engine;          /* from diag.h; loop + dns + https, already initialised */
    const struct diag_opts *opts;   /* used for every diagnosis started */
    const char *domain;             /* A-label to start with, or NULL (then prompt, or picker) */
    const char *input;              /* as typed */
    bool no_color;                  /* --no-color or NO_COLOR set */
    const struct tui_choice *choices; size_t nchoices; /* non-empty: open on a scenario picker */
    const char *resolver_desc;      /* shown in the header */
    const char *export_dir;         /* where e writes files; NULL = current dir */
    const char *zone;               /* the demo's lab zone: n accepts only names under it */
    const char *select_host;        /* MX host to put the cursor on once it appears (the
                                     * report view's Enter), or NULL */
};
int tui_run(const struct tui_config *c); /* returns the process exit status */

#endif
