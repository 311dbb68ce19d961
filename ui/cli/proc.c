/* proc - process set-up and the final output check (contract in proc.h). */
#include "proc.h"
#include "escape.h"
#include "exit_status.h"
#include "xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
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

/* ascii_write - the cookie stream's writer: escape, then write it all to descriptor 1. */
static ssize_t ascii_write(void *cookie, const char *buf, size_t n)
{
    (void)cookie;
    size_t an;
    char *a = escape_to_ascii(buf, n, &an);
    size_t done = 0;
    while (done < an) {
        ssize_t w = write(STDOUT_FILENO, a + done, an - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            free(a);
            return -1;
        }
        done += (size_t)w;
    }
    free(a);
    return (ssize_t)n;
}

void proc_stdout_ascii(void)
{
    if (escape_terminal_utf8() || !isatty(STDOUT_FILENO))
        return;
    cookie_io_functions_t io = {.write = ascii_write};
    FILE *f = fopencookie(NULL, "w", io);
    if (!f)
        return; /* stays as it was: the output still runs, unescaped */
    fflush(stdout);
    stdout = f;
}
