/* uring_server.c — lesson 7: lesson 3's server on io_uring, in two styles.
 *
 * io_uring is two rings shared by the program and the kernel. The program
 * writes requests into the submission queue (SQ: "accept on fd 3", "recv
 * 1024 bytes from fd 5 into this buffer") and reads results from the
 * completion queue (CQ: "that recv got 78 bytes"). One system call,
 * io_uring_enter(), hands the kernel every request queued since the last one
 * and, if asked, waits for completions. Each request carries a 64-bit
 * user_data that comes back in its completion: like epoll's data, it is how
 * we find our own record (here a pointer to a `conn` or to the listener).
 *
 *   --style readiness    io_uring used as epoll is: the request is "tell me
 *                        when fd 5 is readable" (IORING_OP_POLL_ADD); on the
 *                        completion, WE call accept()/recv()/send()/close().
 *   --style completion   the request is the operation itself (IORING_OP_ACCEPT,
 *                        RECV, SEND, CLOSE): when its completion arrives the
 *                        work is done, the bytes are already in our buffer.
 *                        The only system call the loop makes is io_uring_enter.
 *
 * Same reply, same log as lesson 3, so the two can be compared line by line;
 * instead of "events length" each turn of the loop says how many requests
 * it submitted and how many completions it reaped.
 */
#define _GNU_SOURCE   /* accept4() */
#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RING_ENTRIES 64
#define REQUEST_MAX 1024        /* the article reads 1024 bytes, once */

static const char RESPONSE[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 18\r\n"
    "Connection: close\r\n"
    "\r\n"
    "{\"Hello\": \"World\"}";

/* What a request is about: its user_data points to one of these. */
enum step { ACCEPTING, READING, SENDING, CLOSING };

typedef struct conn {
    enum step step;
    int fd;
    struct sockaddr_in peer;    /* ACCEPT writes the client's address here */
    socklen_t peer_len;
    /* The kernel owns this buffer from the moment a RECV naming it is
     * submitted until that RECV's completion is reaped: it may write into
     * it at any time in between. So it lives in the conn, never on a stack
     * frame that could be gone by then, and is freed only after the
     * completion (see finish()). */
    char buf[REQUEST_MAX];
} conn;

static struct {
    struct io_uring ring;
    int completion;             /* --style completion */
    int listen_fd;
    conn listener;              /* the listening socket's record */
    long max_connections, closed;
    unsigned queued;            /* requests queued since the last submit */
    unsigned long enters, submitted, reaped;
} server;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

/* Hand the kernel what is queued now, without waiting (one io_uring_enter). */
static void flush(void) {
    int rc = io_uring_submit(&server.ring);
    server.enters++;
    if (rc > 0) server.submitted += (unsigned long)rc;
    server.queued = 0;
}

/* A free submission slot. The ring has RING_ENTRIES of them; if they are all
 * queued, submitting them first makes room. */
static struct io_uring_sqe *slot(void) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&server.ring);
    if (!sqe) {
        flush();
        sqe = io_uring_get_sqe(&server.ring);
    }
    if (sqe) server.queued++;
    return sqe;       /* NULL only if the kernel took none of them: see queue_*() */
}

/* ---- what each style asks the kernel for ----------------------------------- */

static int queue_poll(conn *c) {           /* readiness: "tell me when readable" */
    struct io_uring_sqe *sqe = slot();
    if (!sqe) return -EBUSY;
    io_uring_prep_poll_add(sqe, c->fd, POLLIN);
    io_uring_sqe_set_data(sqe, c);
    return 0;
}

static int queue_accept(conn *l) {         /* completion: "accept a connection" */
    struct io_uring_sqe *sqe = slot();
    if (!sqe) return -EBUSY;
    l->peer_len = sizeof l->peer;
    io_uring_prep_accept(sqe, l->fd, (struct sockaddr *)&l->peer, &l->peer_len, SOCK_CLOEXEC);
    io_uring_sqe_set_data(sqe, l);
    return 0;
}

static int queue_op(conn *c, enum step step) {   /* completion: recv or close */
    struct io_uring_sqe *sqe = slot();
    if (!sqe) return -EBUSY;
    c->step = step;
    if (step == READING) io_uring_prep_recv(sqe, c->fd, c->buf, sizeof c->buf, 0);
    else io_uring_prep_close(sqe, c->fd);
    io_uring_sqe_set_data(sqe, c);
    return 0;
}

/* The answer and the close in one go: IOSQE_IO_LINK makes the kernel start
 * the CLOSE only once the SEND has completed, so both are submitted by the
 * same io_uring_enter instead of one each. */
static int queue_answer_then_close(conn *c) {
    if (io_uring_sq_space_left(&server.ring) < 2) flush();   /* a link is never split */
    struct io_uring_sqe *send_sqe = slot();
    struct io_uring_sqe *close_sqe = slot();
    if (!send_sqe || !close_sqe) return -EBUSY;
    c->step = SENDING;
    io_uring_prep_send(send_sqe, c->fd, RESPONSE, sizeof RESPONSE - 1, MSG_NOSIGNAL);
    io_uring_sqe_set_data(send_sqe, c);
    send_sqe->flags |= IOSQE_IO_LINK;
    io_uring_prep_close(close_sqe, c->fd);
    io_uring_sqe_set_data(close_sqe, c);
    return 0;
}

/* ---- the callbacks: what a completion means in each style ----------------- */

static void finish(conn *c) {              /* the connection's last completion is in */
    say("Closing connection");
    free(c);
    server.closed++;
}

static void print_accepted(const struct sockaddr_in *addr) {
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &addr->sin_addr, ip, sizeof ip);
    say("Accepted connection from ('%s', %u)", ip, (unsigned)ntohs(addr->sin_port));
}

static conn *new_conn(int fd, const struct sockaddr_in *peer) {
    conn *c = calloc(1, sizeof *c);
    if (!c) {
        close(fd);
        return NULL;
    }
    c->fd = fd;
    print_accepted(peer);
    return c;
}

/* Readiness style: the listener or a connection is ready; do the work. */
static void on_ready(conn *c, int res) {
    if (c == &server.listener) {
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        int fd = accept4(c->fd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        queue_poll(c);                     /* a poll request fires once: ask again */
        if (fd < 0) {
            if (errno != EAGAIN) say("accept: %s", strerror(errno));
            return;
        }
        conn *nc = new_conn(fd, &peer);
        if (nc) queue_poll(nc);
        return;
    }
    if (res < 0) say("poll: %s", strerror(-res));
    ssize_t n = res < 0 ? -1 : recv(c->fd, c->buf, sizeof c->buf, 0);
    if (n > 0) {
        say("response to");
        if (send(c->fd, RESPONSE, sizeof RESPONSE - 1, MSG_NOSIGNAL) < (ssize_t)(sizeof RESPONSE - 1))
            say("send: the answer did not go out whole");
    } else if (n == 0) {
        say("the client left without sending a request");
    }
    close(c->fd);
    finish(c);
}

/* Completion style: an operation finished; res is what its system call
 * would have returned (bytes, a new fd, or -errno). */
static void on_complete(conn *c, int res) {
    if (c == &server.listener) {
        if (res >= 0) {
            conn *nc = new_conn(res, &c->peer);
            if (nc) queue_op(nc, READING);
        } else {
            say("accept: %s", strerror(-res));
        }
        queue_accept(c);                   /* one ACCEPT, one connection: queue the next */
        return;
    }
    switch (c->step) {
    case READING:
        if (res > 0) {
            say("response to");           /* the request is already in c->buf */
            queue_answer_then_close(c);
        } else {
            if (res == 0) say("the client left without sending a request");
            else say("recv: %s", strerror(-res));
            queue_op(c, CLOSING);
        }
        break;
    case SENDING:             /* the first of the linked pair: its CLOSE follows */
        if (res != (int)(sizeof RESPONSE - 1)) say("send: the answer did not go out whole");
        c->step = CLOSING;
        break;
    case CLOSING:
        /* A link breaks when its first operation fails: the kernel then
         * completes the CLOSE with -ECANCELED without closing anything. */
        if (res == -ECANCELED) close(c->fd);
        finish(c);
        break;
    case ACCEPTING:           /* only the listener accepts: handled above */
        break;
    }
}

/* ---- setup and the loop ---------------------------------------------------- */

static void usage(FILE *out) {
    fprintf(out,
            "usage: lesson07_uring_server [--style readiness|completion] [--port N]\n"
            "                             [--max-connections N]\n"
            "  Lesson 3's server on io_uring, on 127.0.0.1.\n"
            "  --style readiness    poll requests on the ring; accept/recv/send/close called\n"
            "                       by the server itself (the default)\n"
            "  --style completion   the operations themselves queued on the ring (accept,\n"
            "                       recv, send, close); only io_uring_enter is called\n"
            "  --port N             port to listen on (default 8000; 0 picks a free one)\n"
            "  --max-connections N  exit after N connections were closed, printing how many\n"
            "                       requests went through how many io_uring_enter calls\n");
}

static long parse_number(const char *flag, const char *text, long min, long max) {
    char *end;
    errno = 0;
    long v = text ? strtol(text, &end, 10) : 0;
    if (!text || errno || end == text || *end || v < min || v > max) {
        fprintf(stderr, "lesson07_uring_server: %s needs a number from %ld to %ld, got '%s'\n",
                flag, min, max, text ? text : "(nothing)");
        exit(2);
    }
    return v;
}

static int listen_on(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, SOMAXCONN) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static void parse_args(int argc, char **argv, long *port) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(a, "--style") == 0 && v && (!strcmp(v, "readiness") || !strcmp(v, "completion"))) {
            server.completion = strcmp(v, "completion") == 0;
            i++;
        } else if (strcmp(a, "--style") == 0) {
            fprintf(stderr, "lesson07_uring_server: --style is readiness or completion, not '%s'\n",
                    v ? v : "(nothing)");
            exit(2);
        } else if (strcmp(a, "--port") == 0) {
            *port = parse_number(a, v, 0, 65535);
            i++;
        } else if (strcmp(a, "--max-connections") == 0) {
            server.max_connections = parse_number(a, v, 1, 1L << 30);
            i++;
        } else {
            fprintf(stderr, "lesson07_uring_server: unknown option '%s'\n", a);
            usage(stderr);
            exit(2);
        }
    }
}

/* One turn: hand the kernel what was queued and wait for at least one
 * completion (one io_uring_enter), then reap every completion there is. */
static int turn(void) {
    unsigned queued = server.queued;
    int rc = io_uring_submit_and_wait(&server.ring, 1);
    server.enters++;
    if (rc < 0 && rc != -EINTR) return rc;
    server.submitted += queued;
    server.queued = 0;
    struct io_uring_cqe *cqe;
    unsigned head, n = 0;
    conn *done[RING_ENTRIES * 2];
    int res[RING_ENTRIES * 2];
    io_uring_for_each_cqe(&server.ring, head, cqe) {
        if (n == RING_ENTRIES * 2) break;
        done[n] = io_uring_cqe_get_data(cqe);
        res[n++] = cqe->res;
    }
    io_uring_cq_advance(&server.ring, n);   /* the slots are the kernel's again */
    server.reaped += n;
    say("io_uring_enter: submitted %u, completions %u", queued, n);
    for (unsigned i = 0; i < n; i++) {
        if (server.completion) on_complete(done[i], res[i]);
        else on_ready(done[i], res[i]);
    }
    return 0;
}

int main(int argc, char **argv) {
    long port = 8000;
    parse_args(argc, argv, &port);
    server.listen_fd = listen_on((int)port);
    if (server.listen_fd < 0) {
        fprintf(stderr, "lesson07_uring_server: cannot listen on 127.0.0.1:%ld: %s\n", port,
                strerror(errno));
        return 1;
    }
    int rc = io_uring_queue_init(RING_ENTRIES, &server.ring, 0);
    if (rc < 0) {
        fprintf(stderr, "lesson07_uring_server: io_uring_setup: %s (this kernel or its container "
                        "refuses io_uring: a seccomp profile or kernel.io_uring_disabled)\n",
                strerror(-rc));
        return 1;
    }
    server.listener.fd = server.listen_fd;
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    getsockname(server.listen_fd, (struct sockaddr *)&addr, &len);
    say("io_uring, %s style", server.completion ? "completion" : "readiness");
    say("Server is running on port %d...", ntohs(addr.sin_port));
    if (server.completion) queue_accept(&server.listener);
    else queue_poll(&server.listener);

    while (server.max_connections == 0 || server.closed < server.max_connections) {
        rc = turn();
        if (rc < 0) {
            fprintf(stderr, "lesson07_uring_server: io_uring_enter: %s\n", strerror(-rc));
            return 1;
        }
    }
    say("%lu connections: %lu operations submitted, %lu completions, %lu io_uring_enter calls",
        server.closed, server.submitted, server.reaped, server.enters);
    /* The listener's accept or poll is still queued; exiting tears the ring
     * down, and the kernel cancels what is left before it frees the ring. */
    io_uring_queue_exit(&server.ring);
    close(server.listen_fd);
    return 0;
}
