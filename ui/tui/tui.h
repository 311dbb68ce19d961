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
/* One case of a lesson (mxray lesson): the walk-through of domain runs as usual, but problem
 * codes, fixes and verdict words stay hidden until the question is answered (keys 1-4). */
struct tui_lesson_case {
    const char *title;                /* neutral: "Case 4" */
    const char *domain;               /* served under a neutral name */
    const char *question;
    const char *const *choices;
    size_t nchoices;                  /* 2..4 */
    int answer;                       /* 1-based */
    bool editable;                    /* E opens the published data (fix-it) */
    const char *what, *sender, *fix;  /* the scenario's lesson text, shown after the answer */
};
struct tui_lesson {
    const char *title;
    const struct tui_lesson_case *cases;
    size_t ncases;
};
/* tui_edit_fn - fix-it: called by E with the terminal given back (curses suspended); opens
 * what domain publishes in the user's editor and makes the lab serve the result. Returns 1
 * when the lab serves an edit (the TUI re-runs the check), 0 when nothing changed, -1 when the
 * edit was refused: *msgs (caller frees) holds the reasons, one per line. */
typedef int (*tui_edit_fn)(void *arg, const char *domain, char **msgs);

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
    const struct tui_lesson *lesson; /* non-NULL: a class (mxray lesson), cases in order */
    bool no_spoilers;               /* picker: names only, no summaries or lesson texts */
    tui_edit_fn edit;               /* non-NULL: E edits the published data of the domain */
    void *edit_arg;
    const char *select_host;        /* MX host to put the cursor on once it appears (the
                                     * report view's Enter), or NULL */
};
int tui_run(const struct tui_config *c); /* returns the process exit status */

#endif
