/* lesson_handout - a lesson as Markdown for printing (mxray lesson --handout). */
#ifndef MXRAY_LESSON_HANDOUT_H
#define MXRAY_LESSON_HANDOUT_H
#include <stdio.h>
#include "lab/lab.h"

/* lesson_handout - write the handout: per case its question and choices, commands to explore
 * it, room for notes; then an appendix with every answer, the scenario's lesson text and the
 * problems it shows (explanation, RFC section, fix). Starts the lab briefly to make the
 * commands. 0, or -1 with err. */
int lesson_handout(const struct lab_lesson *l, FILE *out, char *err, size_t errlen);

/* lesson_neutral_text - a scenario's teaching text as the class sees it: the scenario's own
 * domain (SCENARIO.mxray.test) and the placeholder DOMAIN both read domain. Caller frees. */
char *lesson_neutral_text(const char *text, const char *scenario, const char *domain);

#endif
