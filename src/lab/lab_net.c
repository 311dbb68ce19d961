/* lab_net - listening sockets on loopback addresses for the lab servers (no root: any free
 * port; every 127.x address is local on Linux, so clones bind their own without setup). */
#include "lab_int.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int lab_listen(int type, int port, int *bound, char *err, size_t errlen)
{
    return lab_listen_at(type, INADDR_LOOPBACK, port, bound, err, errlen);
}

int lab_listen_at(int type, uint32_t addr, int port, int *bound, char *err, size_t errlen)
{
    int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    if (type == SOCK_STREAM)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(addr);
    socklen_t len = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        (type == SOCK_STREAM && listen(fd, SOMAXCONN) < 0) ||
        getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
        char a[INET_ADDRSTRLEN];
        struct in_addr ia = {htonl(addr)};
        snprintf(err, errlen, "bind %s:%d: %s", inet_ntop(AF_INET, &ia, a, sizeof a), port,
                 strerror(errno));
        close(fd);
        return -1;
    }
    *bound = ntohs(sa.sin_port);
    return fd;
}

int lab_accept(int lfd)
{
    return accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}
