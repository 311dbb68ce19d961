/* cmd_report - `mxray report [--json] [--check] [check options] INPUT...`: read RFC 8460
 * TLS reports, summarise them, and with --check say which failures are still there. */
#ifndef MXRAY_CMD_REPORT_H
#define MXRAY_CMD_REPORT_H

/* cmd_report - argv[0] is "report". Returns 0 all read and no failed session, 1 failed
 * sessions reported, 65 an input held no report or a report was damaged, 64 usage, 70
 * internal error, 130 interrupted. */
int cmd_report(int argc, char **argv);

#endif
