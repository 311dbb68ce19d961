/* cmd_lesson - `mxray lesson`: a guided class over the built-in lab (see cmd_lesson.c). */
#ifndef MXRAY_CMD_LESSON_H
#define MXRAY_CMD_LESSON_H
#include "lab/lab.h"

struct loop;

int cmd_lesson(int argc, char **argv);

/* A lesson's cases served by the lab under their neutral names, on a loop of its own. */
struct lesson_lab {
    struct loop *loop;
    struct lab *lab; /* scenario i of the lab is case i + 1 */
};
/* lesson_lab_start - NULL with a one-line reason in err. */
struct lesson_lab *lesson_lab_start(const struct lab_lesson *l, char *err, size_t errlen);
void lesson_lab_stop(struct lesson_lab *ll);

#endif
