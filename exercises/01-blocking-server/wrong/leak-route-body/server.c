/* server.c — exercise 1, known wrong: the server never frees the body ex_route()
 * allocated: every request leaks it. */
#define _GNU_SOURCE   /* memmem */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "answer.h"
#include "ex1.h"

int ex1_listen(uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -errno;
    int one = 1;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 64) < 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    return fd;
}

/* The value of the Content-Length header in a complete head, 0 if none,
 * -1 if it is not a number. */
static long content_length(const char *head, size_t len) {
    const char *p = head, *end = head + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) break;
        if ((size_t)(eol - p) > 15 && strncasecmp(p, "Content-Length:", 15) == 0) {
            char *stop;
            long v = strtol(p + 15, &stop, 10);
            return v >= 0 && (*stop == '\r' || *stop == '\n') ? v : -1;
        }
        p = eol + 1;
    }
    return 0;
}

ssize_t ex1_read_request(int fd, char *buf, size_t cap) {
    size_t got = 0, head = 0;
    long body = -1;
    for (;;) {
        if (head == 0 && got >= 4) {
            char *blank = memmem(buf, got, "\r\n\r\n", 4);
            if (blank) {
                head = (size_t)(blank - buf) + 4;
                body = content_length(buf, head);
                if (body < 0) return -EPROTO;
            }
        }
        if (head && got >= head + (size_t)body) return (ssize_t)(head + (size_t)body);
        if (got == cap) return -EMSGSIZE;
        ssize_t n = recv(fd, buf + got, cap - got, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        if (n == 0) return got == 0 ? 0 : -EPROTO;
        got += (size_t)n;
    }
}

int ex1_send_all(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int ex1_respond(int fd, int status, const char *reason, const void *body, size_t body_len) {
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     status, reason, body_len);
    if (n < 0 || (size_t)n >= sizeof head) return -EINVAL;
    int rc = ex1_send_all(fd, head, (size_t)n);
    return rc < 0 ? rc : ex1_send_all(fd, body, body_len);
}

static void serve_one(int conn) {
    static char request[EX_HEAD_MAX];
    ssize_t n = ex1_read_request(conn, request, sizeof request);
    if (n <= 0) return;
    ex_route_result r;
    if (ex_route(request, (size_t)n, &r) < 0) return;
    ex1_respond(conn, r.status, r.reason, r.body, r.body_len);
}

int ex1_serve(int listen_fd, int max_connections) {
    for (int served = 0; max_connections == 0 || served < max_connections; served++) {
        int conn = accept(listen_fd, NULL, NULL);
        if (conn < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                served--;
                continue;
            }
            return -errno;
        }
        serve_one(conn);
        close(conn);
    }
    return 0;
}
