/* harness_client.c — a bounded, blocking-style HTTP client for `check` (see harness_client.h).
 *
 * The socket is non-blocking and every wait is a poll(2) with the time left
 * before the deadline: a server that never answers costs at most the
 * deadline, never a hung check.
 */
#include "harness_client.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int64_t al_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for events on the socket until the deadline: 0 ready, -ETIMEDOUT. */
static int wait_for(al_hconn *c, short events, int64_t deadline_ms) {
    for (;;) {
        int64_t left = deadline_ms - al_now_ms();
        if (left <= 0) return -ETIMEDOUT;
        struct pollfd p = {.fd = c->fd, .events = events};
        int n = poll(&p, 1, (int)(left > 60000 ? 60000 : left));
        if (n > 0) return 0;
        if (n < 0 && errno != EINTR) return -errno;
    }
}

int al_hconn_open(al_hconn *c, const struct sockaddr_in *addr, int64_t deadline_ms) {
    c->eof = 0;
    c->off = c->have = 0;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) return -errno;
    if (connect(c->fd, (const struct sockaddr *)addr, sizeof *addr) == 0) return 0;
    int rc = errno == EINPROGRESS ? 0 : -errno;
    if (rc == 0) rc = wait_for(c, POLLOUT, deadline_ms);
    if (rc == 0) {
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
        rc = -err;
    }
    if (rc < 0) al_hconn_close(c);
    return rc;
}

int al_hconn_send(al_hconn *c, const char *data, size_t len, int64_t deadline_ms) {
    while (len > 0) {
        ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);
        if (n > 0) {
            data += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return -errno;
        int rc = wait_for(c, POLLOUT, deadline_ms);
        if (rc < 0) return rc;
    }
    return 0;
}

/* Refill the buffer: >0 bytes, 0 at end of stream, negative errno. */
static int fill(al_hconn *c, int64_t deadline_ms) {
    if (c->off == c->have) c->off = c->have = 0;
    for (;;) {
        ssize_t n = recv(c->fd, c->buf + c->have, sizeof c->buf - c->have, 0);
        if (n > 0) {
            c->have += (size_t)n;
            return (int)n;
        }
        if (n == 0) {
            c->eof = 1;
            return 0;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return -errno;
        int rc = wait_for(c, POLLIN, deadline_ms);
        if (rc < 0) return rc;
    }
}

int al_hconn_read(al_hconn *c, al_http_reader *r, int64_t deadline_ms) {
    for (;;) {
        if (c->off < c->have) {
            long used = al_http_reader_feed(r, c->buf + c->off, c->have - c->off);
            if (used < 0) return -EPROTO;
            c->off += (size_t)used;
            if (r->done) return 0;
        }
        if (c->eof) {
            if (al_http_reader_eof(r) < 0) return r->head_done ? -EPROTO : -ECONNRESET;
            return 0;
        }
        int n = fill(c, deadline_ms);
        if (n == -ECONNRESET || n == -EPIPE) {
            /* A reset: whatever was on its way is lost. */
            c->eof = 1;
            if (!r->until_close) return -ECONNRESET;
        } else if (n < 0) {
            return n;
        }
    }
}

int al_hconn_wait_close(al_hconn *c, int64_t deadline_ms, size_t *extra) {
    *extra = c->have - c->off;
    if (*extra) return -EPROTO;
    if (c->eof) return 1;
    int n = fill(c, deadline_ms);
    if (n > 0) {
        *extra = (size_t)n;
        return -EPROTO;
    }
    if (n == 0 || n == -ECONNRESET) return 1;
    return 0;
}

void al_hconn_close(al_hconn *c) {
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
}
