/* lesson_edit - see lesson_edit.h. */
#include "lesson_edit.h"
#include <stddef.h>

int lesson_edit(void *arg, const char *domain, char **msgs)
{
    (void)arg, (void)domain;
    *msgs = NULL;
    return 0;
}
