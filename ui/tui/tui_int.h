/* tui_int - the TUI's state, shared by the loop (tui.c) and the drawing (tui_draw.c) only.
 *
 * Contract: tui.c changes state in reaction to keys and diag events and sets dirty; tui_draw
 * reads it, rebuilds the view models from the report, clamps scroll offsets to what fits and
 * records the layout (for mouse clicks). Nothing here outlives tui_run. */
#ifndef MXRAY_TUI_INT_H
#define MXRAY_TUI_INT_H
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "tui.h"
#include "tui_keys.h"
#include "tui_model.h"
#include "tui_prompt.h"
#include "tui_text.h"
#include "view_plan.h"

enum tui_view { TV_PICKER, TV_MAIN, TV_CERT, TV_MATRIX, TV_LEARN, TV_HELP, TV_LESSON, TV_PLAN };
enum tui_prompt { TP_NONE, TP_DOMAIN, TP_EXPORT, TP_PLAN };

#define TUI_STACK_MAX 8
#define TUI_HISTORY_MAX 32

struct tui_layout {
    bool too_small, one_pane;
    int body_y, body_h;            /* rows of the body (between the bars) */
    int tree_x, tree_w, list_y, list_h; /* tree rows (below the pane title) */
    int det_x, det_w;
    size_t tree_top;               /* first tree row drawn */
    size_t pick_top;
    int pick_h;     /* picker rows drawn as the list (the lesson of the selection follows) */
};

struct tui {
    const struct tui_config *c;
    bool utf8, color;
    bool quit, dirty;
    struct diag *diag;
    int64_t t0;                    /* loop_now_ms when the diagnosis started */
    char domain[256];

    enum tui_view stack[TUI_STACK_MAX];
    int depth;                     /* stack[depth - 1] is on top */

    size_t pick_sel;
    struct tui_model model;        /* rebuilt before each draw and key */
    size_t sel;
    char sel_key[340];
    char want_key[340];            /* row to select as soon as it exists (select_host) */
    bool focus_detail;
    int detail_scroll;
    int detail_total;              /* wrapped lines of the last drawn detail */

    char cert_base[320];           /* "host|addr" of the open certificate */
    size_t cert_index;
    bool show_pem;
    int view_scroll;               /* cert, matrix, learn, help */
    enum tui_node learn_node;

    enum tui_prompt prompt;
    struct tui_edit_line edit;     /* the domain prompt's text */
    char perr[400];                /* why the typed name was refused (shown above the prompt) */
    char *history[TUI_HISTORY_MAX];
    size_t nhistory;
    long hist_pos;

    char msg[600];
    enum tui_role msg_role;
    unsigned spin;
    int64_t last_spin;
    struct tui_layout lay;
    struct view_plan plan;         /* P: the migration plan of the checked domain */
    struct tui_lesson_state *lesson; /* mxray lesson (tui_lesson.c), else NULL */
    char *edit_msgs;               /* why the last fix-it edit was refused */
};

/* tui_top - the view on top of the stack. */
static inline enum tui_view tui_top(const struct tui *t)
{
    return t->depth > 0 ? t->stack[t->depth - 1] : TV_MAIN;
}

/* tui_screen_of - the screen the user looks at (which keys work, which hints show). */
enum tui_screen tui_screen_of(const struct tui *t);
/* tui_screen_in - the screen view v shows (with the state's pane focus and PEM flag). */
enum tui_screen tui_screen_in(const struct tui *t, enum tui_view v);
/* tui_refresh_model - rebuild the tree from the report and put the cursor back on sel_key. */
void tui_refresh_model(struct tui *t);
/* tui_now_ms - time since the diagnosis started (its final duration once done). */
int64_t tui_now_ms(const struct tui *t);
const struct report *tui_report(const struct tui *t);
/* tui_open_cert - the certificate the cert view shows (NULL when gone), and its tls. */
const struct cert_info *tui_open_cert(struct tui *t, const struct tls_info **tls, const struct tui_row **row);

/* For tui_lesson.c: start a diagnosis of domain, re-run the current one, push a view, set the
 * footer message (printf-style). */
void tui_start(struct tui *t, const char *domain);
void tui_restart(struct tui *t);
void tui_push(struct tui *t, enum tui_view v);
void tui_set_msg(struct tui *t, enum tui_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void tui_draw_init(struct tui *t);
void tui_draw(struct tui *t);

#endif
