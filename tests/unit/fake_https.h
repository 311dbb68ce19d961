/* fake_https - a tiny HTTPS server for unit tests: a forked child on 127.0.0.1 (ephemeral port)
 * that accepts connections, forks once per connection and answers with blocking OpenSSL.
 * Header-only (tests/CMakeLists.txt builds each test_*.c with testlib.c only).
 *
 * Paths: /ok and /.well-known/mta-sts.txt (200 text/plain policy), /redirect (301 + Location),
 * /missing (404), /html (200 text/html), /big (200, a 1 MB body), /stall (headers and part of
 * the body, then silence), /many (100 headers, one with control bytes), /echo (200, the
 * request head as body). Each connection is closed after one response.
 * With a NULL SSL_CTX every connection is closed right after the ClientHello.
 * fake_https_stop kills the whole process group. The SSL_CTX is the caller's. */
#ifndef MXRAY_FAKE_HTTPS_H
#define MXRAY_FAKE_HTTPS_H
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define FAKE_HTTPS_POLICY "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\n" \
                          "max_age: 86400\r\n"

struct fake_https {
    pid_t pid;
    int port;
};

static inline void fake_https_send(SSL *ssl, const char *s, size_t n)
{
    while (n > 0) {
        int w = SSL_write(ssl, s, (int)n);
        if (w <= 0)
            _exit(0);
        s += w, n -= (size_t)w;
    }
}

static inline void fake_https_sends(SSL *ssl, const char *s)
{
    fake_https_send(ssl, s, strlen(s));
}

static inline void fake_https_reply(SSL *ssl, const char *status, const char *type,
                                    const char *extra, const char *body)
{
    char head[1024];
    snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
             "%sConnection: close\r\n\r\n", status, type, strlen(body), extra);
    fake_https_sends(ssl, head);
    fake_https_sends(ssl, body);
}

/* fake_https_serve - one connection, in its own process. */
static inline void fake_https_serve(SSL_CTX *ctx, int c)
{
    char req[8192];
    size_t n = 0;
    if (!ctx) { /* "TLS" server that reads the ClientHello and hangs up */
        char hello[512];
        if (read(c, hello, sizeof hello) < 0)
            _exit(0);
        _exit(0);
    }
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, c);
    if (SSL_accept(ssl) <= 0)
        _exit(0);
    while (n < sizeof req - 1) {
        int r = SSL_read(ssl, req + n, (int)(sizeof req - 1 - n));
        if (r <= 0)
            _exit(0);
        n += (size_t)r;
        req[n] = '\0';
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    char path[256] = "";
    sscanf(req, "GET %255s ", path);
    if (!strcmp(path, "/ok") || !strcmp(path, "/.well-known/mta-sts.txt")) {
        fake_https_reply(ssl, "200 OK", "text/plain", "", FAKE_HTTPS_POLICY);
    } else if (!strcmp(path, "/redirect")) {
        fake_https_reply(ssl, "301 Moved Permanently", "text/html",
                         "Location: https://elsewhere.example.test/policy\r\n", "moved");
    } else if (!strcmp(path, "/html")) {
        fake_https_reply(ssl, "200 OK", "text/html; charset=utf-8", "", "<html></html>");
    } else if (!strcmp(path, "/echo")) {
        fake_https_reply(ssl, "200 OK", "text/plain", "", req);
    } else if (!strcmp(path, "/big")) {
        static char chunk[16384];
        memset(chunk, 'z', sizeof chunk);
        fake_https_sends(ssl, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                              "Content-Length: 1048576\r\n\r\n");
        for (int i = 0; i < 64; i++)
            fake_https_send(ssl, chunk, sizeof chunk);
    } else if (!strcmp(path, "/stall")) {
        fake_https_sends(ssl, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                              "Content-Length: 100\r\n\r\nversion: STSv1\r\n");
        sleep(30);
    } else if (!strcmp(path, "/many")) {
        fake_https_sends(ssl, "HTTP/1.1 200 OK\r\nX-Evil: a\x1b[31mb\r\n");
        char line[64];
        for (int i = 0; i < 100; i++) {
            snprintf(line, sizeof line, "X-Filler-%d: %d\r\n", i, i);
            fake_https_sends(ssl, line);
        }
        fake_https_sends(ssl, "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nok");
    } else {
        fake_https_reply(ssl, "404 Not Found", "text/plain", "", "not found");
    }
    SSL_shutdown(ssl);
    _exit(0);
}

/* fake_https_start - listen on 127.0.0.1:0 and fork the server. Returns 0 or -1. */
static inline int fake_https_start(struct fake_https *s, SSL_CTX *ctx)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
    socklen_t al = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 16) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &al) < 0)
        return -1;
    s->port = ntohs(a.sin_port);
    fflush(NULL);
    s->pid = fork();
    if (s->pid < 0)
        return -1;
    if (s->pid == 0) {
        setpgid(0, 0);
        signal(SIGPIPE, SIG_IGN);
        signal(SIGCHLD, SIG_IGN); /* no zombies from the per-connection children */
        for (;;) {
            int c = accept(fd, NULL, NULL);
            if (c < 0)
                continue;
            if (fork() == 0) {
                close(fd);
                fake_https_serve(ctx, c);
            }
            close(c);
        }
    }
    setpgid(s->pid, s->pid);
    close(fd);
    return 0;
}

static inline void fake_https_stop(struct fake_https *s)
{
    if (s->pid <= 0)
        return;
    kill(-s->pid, SIGKILL);
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
}

#endif
