/* lesson_edit - fix-it exercises: the published data of a lab domain (its _mta-sts and
 * _smtp._tls TXT records, its MX set, its policy file) in the user's $EDITOR, checked with the
 * lint's parsers and served by the lab when valid (mxray lesson, mxray demo --editable). */
#ifndef MXRAY_LESSON_EDIT_H
#define MXRAY_LESSON_EDIT_H
#include "lab/lab.h"

struct lesson_editor {
    struct lab *lab;
};

/* lesson_edit - a tui_edit_fn (tui.h); arg is a struct lesson_editor. */
int lesson_edit(void *arg, const char *domain, char **msgs);

#endif
