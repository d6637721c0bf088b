/* al_kit_net.c — servers under test and the clients that talk to them
 * (see al_kit.h). Plain blocking sockets with poll() deadlines: the tests'
 * side should be the simplest code in the room. */
#define _GNU_SOURCE
#include "al_kit.h"

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int64_t al_kit_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int al_kit_bytes_append(al_kit_bytes *b, const void *data, size_t len) {
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + len + 1) cap *= 2;
        char *grown = realloc(b->data, cap);
        if (!grown) return -ENOMEM;
        b->data = grown;
        b->cap = cap;
    }
    if (len) memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = 0;
    return 0;
}

void al_kit_bytes_free(al_kit_bytes *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int al_kit_listen(uint16_t *port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int one = 1, sndbuf = AL_KIT_SNDBUF;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof addr;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 128) < 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &alen) < 0) {
        int e = -errno;
        close(fd);
        return e;
    }
    *port = ntohs(addr.sin_port);
    return fd;
}

static int connect_with(uint16_t port, int rcvbuf) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (rcvbuf) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    while (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        if (errno == EINTR) continue;
        int e = -errno;
        close(fd);
        return e;
    }
    return fd;
}

int al_kit_connect(uint16_t port) {
    return connect_with(port, 0);
}

int al_kit_connect_small(uint16_t port) {
    return connect_with(port, 4096);
}

/* All len bytes sent (no SIGPIPE) or read, however many calls it takes and
 * whatever signals interrupt them: one loop for both directions. */
static int transfer_all(int fd, char *p, size_t len, int sending) {
    while (len > 0) {
        ssize_t n = sending ? send(fd, p, len, MSG_NOSIGNAL) : read(fd, p, len);
        if (n == 0 && !sending) return -EPIPE;   /* the end came first */
        if (n < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int al_kit_send(int fd, const void *buf, size_t len) {
    return transfer_all(fd, (char *)buf, len, 1);
}

int al_kit_read_exact(int fd, void *buf, size_t len) {
    return transfer_all(fd, buf, len, 0);
}

int al_kit_send_str(int fd, const char *s) {
    return al_kit_send(fd, s, strlen(s));
}

int al_kit_readable(int fd, int timeout_ms) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int64_t end = al_kit_ms() + timeout_ms;
    for (;;) {
        int64_t left = end - al_kit_ms();
        int n = poll(&p, 1, left > 0 ? (int)left : 0);
        if (n > 0) return 1;
        if (n == 0 || errno != EINTR) return 0;
    }
}

int al_kit_read_some(int fd, al_kit_bytes *out, size_t want, int timeout_ms) {
    int64_t end = al_kit_ms() + timeout_ms;
    size_t start = out->len;
    char buf[16384];
    while (out->len - start < want) {
        int64_t left = end - al_kit_ms();
        if (left <= 0 || !al_kit_readable(fd, (int)left)) return -ETIMEDOUT;
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n == 0) return 0;
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return -errno;
        }
        if (al_kit_bytes_append(out, buf, (size_t)n) < 0) return -ENOMEM;
    }
    return 1;
}

int al_kit_read_all(int fd, al_kit_bytes *out, int timeout_ms) {
    int rc = al_kit_read_some(fd, out, (size_t)-1 / 2, timeout_ms);
    return rc == 1 ? -EFBIG : rc;
}

int al_kit_unacked(int fd) {
    int n = 0;
    return ioctl(fd, SIOCOUTQ, &n) < 0 ? -errno : n;
}

void al_kit_reset(int fd) {
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
}

int al_kit_request(uint16_t port, const char *request, al_kit_bytes *raw, al_kit_reply *reply,
                   int timeout_ms) {
    static al_kit_bytes scratch;
    al_kit_bytes *buf = raw ? raw : &scratch;
    buf->len = 0;
    memset(reply, 0, sizeof *reply);
    reply->status = -1;
    int fd = al_kit_connect(port);
    if (fd < 0) {
        snprintf(reply->error, sizeof reply->error, "connect: %s", strerror(-fd));
        return fd;
    }
    int rc = al_kit_send_str(fd, request);
    if (rc == 0) rc = al_kit_read_all(fd, buf, timeout_ms);
    close(fd);
    if (rc == -ETIMEDOUT) {
        snprintf(reply->error, sizeof reply->error,
                 "no complete answer within %d ms (%zu bytes arrived, the connection stayed open)",
                 timeout_ms, buf->len);
        return rc;
    }
    if (rc < 0 && buf->len == 0) {
        snprintf(reply->error, sizeof reply->error, "%s before any answer", strerror(-rc));
        return rc;
    }
    return al_kit_reply_parse(buf->data ? buf->data : "", buf->len, reply);
}
