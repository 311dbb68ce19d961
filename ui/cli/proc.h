/* proc - what every mxray command needs from the process before and after it runs.
 *
 * proc_init: a closed descriptor 0, 1 or 2 is opened on /dev/null in the direction that keeps
 * it unusable (stdin write-only, stdout and stderr read-only), so no socket takes its number
 * (a report sent into curl's socketpair, a message sent as a UDP datagram) and a write to a
 * closed stdout still fails (EBADF) instead of vanishing. Then the locale: LC_ALL from the
 * environment for messages and the character set, LC_NUMERIC always "C" (numbers in and
 * out: "--timeout 0.5", "1.5 s"); the escaping mode follows the character set. SIGPIPE is
 * ignored: a closed pipe is a write error (EPIPE) that the command reports.
 *
 * proc_finish: flushes stdout and stderr; when stdout failed, one line on stderr and
 * EX_IOERR (74) instead of rc. */
#ifndef MXRAY_PROC_H
#define MXRAY_PROC_H

/* proc_init - returns 0, or EX_OSERR when /dev/null cannot be opened for a closed fd. */
int proc_init(void);
/* proc_finish - the status to exit with, given the command's rc. */
int proc_finish(int rc);
/* proc_stdout_ascii - for commands that print through stdio (plan, history, lint, report's
 * text): when stdout is a terminal whose character set is not UTF-8, stdout becomes a stream
 * that writes every byte >= 0x80 as "\xHH" (escape_to_ascii), as check's output buffer does,
 * so no 8-bit C1 byte (0x9B is CSI) of escaped-but-UTF-8 remote text reaches it. Not for
 * the TUI: curses needs the real stdout. */
void proc_stdout_ascii(void);
/* proc_write_failed - the one stderr line for a failed output, with errno's text (once per
 * process, however many places notice). */
void proc_write_failed(int err);

#endif
