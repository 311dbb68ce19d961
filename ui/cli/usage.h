/* usage - help texts of mxray and its subcommands. */
#ifndef MXRAY_USAGE_H
#define MXRAY_USAGE_H
#include <stdio.h>
void usage_main(FILE *f);
void usage_check(FILE *f);
void usage_plan(FILE *f);
/* usage_report - `mxray report --help`. */
void usage_report(FILE *f);

#endif
