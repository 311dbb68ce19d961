/* proc - process set-up and the final output check (contract in proc.h). */
#include "proc.h"
#include "escape.h"
#include "exit_status.h"
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int reopen_closed_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        int nfd = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
        if (nfd < 0)
            return -1;
        if (nfd != fd) { /* lower numbers are open: open() takes the lowest free one */
            dup2(nfd, fd);
            close(nfd);
        }
    }
    return 0;
}

int proc_init(void)
{
    if (reopen_closed_std_fds() < 0)
        return EX_OSERR;
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");
    escape_set_terminal_utf8(strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

static int reported; /* proc_write_failed said it already */

void proc_write_failed(int err)
{
    if (reported++)
        return;
    fprintf(stderr, "mxray: writing the output failed: %s\n", strerror(err));
}

int proc_finish(int rc)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        proc_write_failed(errno ? errno : EIO);
        rc = EX_IOERR;
    }
    fflush(stderr);
    return rc;
}
