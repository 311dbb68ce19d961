/* fake_smtp - a scripted SMTP server for tests, on 127.0.0.1 or ::1 with an ephemeral port.
 *
 * Header-only (static functions; tests/CMakeLists.txt builds each test_*.c with testlib.c
 * only). The listening socket is made in the test process, so the port is known before the
 * probe starts; a forked child accepts one connection and runs the script with ordinary
 * blocking I/O, so a script reads like the dialogue it plays. The child never returns into
 * the test: it _exit()s with the script's status (0 = the client said what was expected), and
 * an alarm() kills it if a test goes wrong. Nothing here talks to anything but loopback.
 *
 *   static int script(int fd, void *arg) { fake_send(fd, "220 hi\r\n"); ...; return 0; }
 *   struct fake_smtp f;
 *   if (fake_smtp_start(&f, AF_INET, script, NULL) < 0) ...   // f.addr, f.port
 *   ... run the probe against f.addr / f.port ...
 *   int status = fake_smtp_stop(&f);   // script's return value, or -1 if killed */
#ifndef MXRAY_TEST_FAKE_SMTP_H
#define MXRAY_TEST_FAKE_SMTP_H
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FAKE_API static __attribute__((unused))
#define FAKE_CHILD_ALARM_S 20 /* a child never outlives a broken test by more than this */

typedef int (*fake_smtp_fn)(int fd, void *arg);

struct fake_smtp {
    int lfd;
    int port;
    pid_t pid;
    char addr[INET6_ADDRSTRLEN];
};

/* fake_listen - a listening socket on loopback of the family, port chosen by the kernel. */
FAKE_API int fake_listen(int family, int *port)
{
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof ss);
    if (family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_addr = in6addr_loopback;
        len = sizeof *s6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *s4;
    }
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 4) < 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                     : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

/* fake_closed_port - a loopback port nobody listens on (bound, then released). */
FAKE_API int fake_closed_port(void)
{
    int port = 0;
    int fd = fake_listen(AF_INET, &port);
    if (fd < 0)
        return -1;
    close(fd);
    return port;
}

/* fake_smtp_start - listen and fork the child that serves one connection with fn. */
FAKE_API int fake_smtp_start(struct fake_smtp *f, int family, fake_smtp_fn fn, void *arg)
{
    memset(f, 0, sizeof *f);
    f->lfd = fake_listen(family, &f->port);
    if (f->lfd < 0)
        return -1;
    snprintf(f->addr, sizeof f->addr, "%s", family == AF_INET6 ? "::1" : "127.0.0.1");
    fflush(NULL);
    f->pid = fork();
    if (f->pid < 0) {
        close(f->lfd);
        return -1;
    }
    if (f->pid == 0) {
        alarm(FAKE_CHILD_ALARM_S);
        signal(SIGPIPE, SIG_IGN);
        int cfd = accept(f->lfd, NULL, NULL);
        if (cfd < 0)
            _exit(100);
        struct timeval tv = {5, 0}; /* a script never blocks forever on a silent client */
        setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        int rc = fn(cfd, arg);
        close(cfd);
        _exit(rc);
    }
    return 0;
}

/* fake_smtp_stop - wait up to 3 s for the script to end, else kill it. Returns its status
 * (the script's return value), or -1 when it had to be killed or died of a signal. */
FAKE_API int fake_smtp_stop(struct fake_smtp *f)
{
    int status = 0;
    pid_t r = 0;
    for (int i = 0; i < 300 && r == 0; i++) {
        r = waitpid(f->pid, &status, WNOHANG);
        if (r == 0)
            usleep(10000);
    }
    if (r == 0) {
        kill(f->pid, SIGKILL);
        waitpid(f->pid, &status, 0);
    }
    close(f->lfd);
    if (r <= 0 || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

/* ---- helpers for scripts (run in the child, blocking) ---- */

FAKE_API int fake_sendn(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

FAKE_API int fake_send(int fd, const char *s)
{
    return fake_sendn(fd, s, strlen(s));
}

/* fake_read_line - read one line (without CRLF) into buf; -1 on close, error or timeout. */
FAKE_API int fake_read_line(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    for (;;) {
        char c;
        ssize_t r = recv(fd, &c, 1, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        if (c == '\n')
            break;
        if (n + 1 < cap)
            buf[n++] = c;
    }
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    return (int)n;
}

/* fake_expect - read a line and check it starts with want (case-sensitive, like the bytes we
 * expect our client to send). */
FAKE_API int fake_expect(int fd, const char *want)
{
    char line[1024];
    if (fake_read_line(fd, line, sizeof line) < 0)
        return -1;
    return strncmp(line, want, strlen(want)) == 0 ? 0 : -1;
}

/* fake_wait_close - say nothing; return when the client closes (or the alarm ends us). Reads
 * and drops whatever the client sends meanwhile. */
FAKE_API void fake_wait_close(int fd)
{
    struct timeval tv = {FAKE_CHILD_ALARM_S, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[512];
    for (;;) {
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        if (r == 0 || (r < 0 && errno != EINTR))
            return;
    }
}

/* fake_reset - close with RST instead of FIN (SO_LINGER 0). */
FAKE_API void fake_reset(int fd)
{
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
}

#endif
