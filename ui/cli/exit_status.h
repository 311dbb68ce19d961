/* exit_status - every status mxray exits with, by name (the table in README and mxray(1)).
 *
 * A diagnosis gives its verdict's status (report_exit_code: 0 pass, 1 warn, 2 fail, 3 none,
 * 130 incomplete). Local failures use <sysexits.h>. When several apply, the one listed first
 * wins: a local failure (the run or its output did not happen as asked), then 2 (a failure
 * found stays found, even when the run was interrupted later), then 130, 3, 1, 0
 * (report_exit_combine). */
#ifndef MXRAY_EXIT_STATUS_H
#define MXRAY_EXIT_STATUS_H
#include <sysexits.h>

#define MX_EXIT_OK 0
#define MX_EXIT_INTERRUPTED 130 /* SIGINT, SIGTERM, SIGHUP or SIGQUIT during check */
/* EX_USAGE 64       bad option or value, no domain, the TUI without a usable terminal,
 *                   an unknown lab scenario
 * EX_DATAERR 65     --batch input that is not a list of domains (binary, endless line)
 * EX_NOINPUT 66     the --batch file or the --ca-file cannot be read or used
 * EX_UNAVAILABLE 69 no lab scenarios installed, the lab cannot listen
 * EX_SOFTWARE 70    internal error: the engine cannot start, too few file descriptors
 * EX_IOERR 74       writing the output failed (full disk, closed pipe, closed stdout) */

#endif
