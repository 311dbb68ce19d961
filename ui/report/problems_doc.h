/* problems_doc - every problem code of the table as Markdown (`mxray --list-problems`).
 *
 * docs/problems.md is this output, byte for byte; a unit test compares the two, so after a
 * change to src/problem_table.h regenerate it with `mxray --list-problems > docs/problems.md`. */
#ifndef MXRAY_PROBLEMS_DOC_H
#define MXRAY_PROBLEMS_DOC_H
#include <stdio.h>

void problems_markdown_write(FILE *f);

#endif
