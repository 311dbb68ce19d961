/* main - mxray's entry point: dispatch to a subcommand, or the interactive TUI. */
#include "cmd_check.h"
#include "cmd_demo.h"
#include "cmd_history.h"
#include "cmd_lab.h"
#include "cmd_lesson.h"
#include "cmd_lint.h"
#include "cmd_plan.h"
#include "cmd_report.h"
#include "cmd_tui.h"
#include "problems_doc.h"
#include "proc.h"
#include "usage.h"
#include "version.h"
#include <stdio.h>
#include <string.h>

#ifndef MXRAY_GIT_REVISION
#define MXRAY_GIT_REVISION "" /* set by cmake/gitrev.cmake when built from git */
#endif

static int dispatch(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage_main(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        version_write(stdout, MXRAY_GIT_REVISION);
        return 0;
    }
    if (strcmp(cmd, "--list-problems") == 0) {
        proc_stdout_ascii();
        problems_markdown_write(stdout);
        return 0;
    }
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "plan") == 0) {
        proc_stdout_ascii();
        return cmd_plan(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "history") == 0) {
        proc_stdout_ascii();
        return cmd_history(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "lint") == 0) {
        proc_stdout_ascii();
        return cmd_lint(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "lab") == 0)
        return cmd_lab(argc - 1, argv + 1);
    if (strcmp(cmd, "lesson") == 0)
        return cmd_lesson(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "demo") == 0)
        return cmd_demo(argc - 1, argv + 1);
    return cmd_tui(argc, argv);
}

/* proc_init before anything (closed fds, locale, SIGPIPE); proc_finish checks the output. */
int main(int argc, char **argv)
{
    int rc = proc_init();
    if (rc)
        return rc;
    return proc_finish(dispatch(argc, argv));
}
