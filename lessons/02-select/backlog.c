/* backlog.c — lesson 2: the listen backlog, a non-blocking connect
 * (EINPROGRESS) and the names of "would block" (EAGAIN, EWOULDBLOCK).
 *
 * One process plays both sides on 127.0.0.1, with poll() as in the lesson:
 *
 *   1. a server calls listen(fd, BACKLOG) and does not accept yet;
 *   2. CLIENTS non-blocking clients call connect(): each returns -1 with
 *      EINPROGRESS ("the handshake has started; poll() me for writable");
 *   3. until BACKLOG + 1 of them are connected, and for 0.3 s more, poll()
 *      shows which handshakes completed. Linux queues BACKLOG + 1 finished
 *      connections; the SYN of every further client is dropped (the queue is
 *      full), so those clients stay "connecting" however long we wait;
 *   4. the server now accepts slowly, one connection every ACCEPT_EVERY
 *      seconds. Each accept makes room, and the kernel of a waiting client
 *      retransmits its SYN (after 1 s, then 3 s, 7 s...): it gets in. A
 *      client that is still not connected after TIMEOUT seconds gives up
 *      (a blocking connect() would wait for ~2 minutes: tcp_syn_retries);
 *   5. last, on connections with nothing to do, the two "would block"
 *      answers: accept() on an empty queue and recv() on a quiet socket.
 *      (Accepted connections are never closed: the exit closes them all.)
 *
 * "connected" is the client's view: its kernel got the SYN-ACK. When SYNs
 * arrive together, Linux may answer more of them than the queue can take;
 * the server keeps those half-way (it drops their final ACK and repeats its
 * SYN-ACK) until an accept() makes room: a client can be "connected" to a
 * server that has not queued it yet, and its first bytes wait.
 *
 *   --backlog B  --clients N  --accept-every S (0: never accept)  --timeout S
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 64

static struct options {
    int backlog, clients;
    double accept_every, timeout;
} opt = {.backlog = 2, .clients = 6, .accept_every = 0.5, .timeout = 10};

struct client {
    int fd;
    int connected;    /* 1 connected, -1 failed or gave up */
};

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* The listener's accept queue as the kernel reports it: TCP_INFO on a
 * listening socket gives the queue length in tcpi_unacked and the backlog
 * in tcpi_sacked. */
static void print_queue(int lfd) {
    struct tcp_info info;
    socklen_t len = sizeof info;
    if (getsockopt(lfd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0)
        printf("server: accept queue holds %u connections (backlog %u)\n", info.tcpi_unacked, info.tcpi_sacked);
}

/* A connect that was in progress has ended: how? (SO_ERROR holds the
 * connect's own result.) How many SYNs did it take? */
static void finish_connect(struct client *c, int n, double start) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err) {
        printf("client %d: connect failed: %s\n", n, strerror(err));
        c->connected = -1;
        return;
    }
    struct tcp_info info;
    len = sizeof info;
    unsigned retrans = getsockopt(c->fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 ? info.tcpi_total_retrans : 0;
    c->connected = 1;
    if (retrans)
        printf("client %d: connected after %.1f s, its SYN sent %u more time(s) by the kernel\n", n, now() - start,
               retrans);
    else
        printf("client %d: connected at once (its first SYN was answered)\n", n);
}

/* poll() every client still connecting, for at most `wait` seconds; the
 * server accepts one connection each time `*next_accept` is due. Returns how
 * many clients are connected. */
static int watch(int lfd, struct client *c, double start, double until, double *next_accept, int stop_at) {
    for (;;) {
        struct pollfd p[MAX_CLIENTS];
        int map[MAX_CLIENTS], n = 0, connected = 0;
        for (int i = 0; i < opt.clients; i++) {
            if (c[i].connected == 1) connected++;
            if (c[i].connected == 0) p[n] = (struct pollfd){.fd = c[i].fd, .events = POLLOUT}, map[n++] = i;
        }
        double t = now();
        if (n == 0 || t >= until || (stop_at && connected >= stop_at)) return connected;
        if (next_accept && t >= *next_accept) {
            int fd = accept(lfd, NULL, NULL);
            if (fd >= 0) printf("server: accepted one (%.1f s)\n", t - start);   /* kept open: exit closes it */
            *next_accept = t + opt.accept_every;
            continue;
        }
        double wake = next_accept && *next_accept < until ? *next_accept : until;
        int ready = poll(p, (nfds_t)n, (int)((wake - t) * 1000) + 1);
        if (ready < 0 && errno != EINTR) return perror("backlog: poll"), connected;
        for (int k = 0; k < n && ready > 0; k++)
            if (p[k].revents) finish_connect(&c[map[k]], map[k] + 1, start);
    }
}

static void would_block(int lfd, struct client *c) {
    errno = 0;
    int fd = accept(lfd, NULL, NULL);   /* the listener is non-blocking too */
    if (fd < 0)   /* (fd >= 0 cannot happen: the queue was emptied) */
        printf("server: accept() on an empty queue: -1, errno %s%s: it would block\n",
               errno == EAGAIN ? "EAGAIN" : strerror(errno),
               EAGAIN == EWOULDBLOCK ? " (EWOULDBLOCK is the same number here)" : "");
    char buf[16];
    for (int i = 0; i < opt.clients; i++) {
        if (c[i].connected != 1) continue;
        ssize_t r = recv(c[i].fd, buf, sizeof buf, 0);
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            printf("client %d: recv() with nothing sent to it: -1, errno EWOULDBLOCK: it would block\n", i + 1);
        return;
    }
}

static int run(void) {
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t alen = sizeof a;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, opt.backlog) < 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &alen) < 0 || set_nonblocking(lfd) < 0)
        return perror("backlog: listen"), 1;
    printf("server: listen(fd, %d) on 127.0.0.1:%d, not accepting yet\n", opt.backlog, ntohs(a.sin_port));

    struct client c[MAX_CLIENTS];
    double start = now();
    for (int i = 0; i < opt.clients; i++) {
        c[i] = (struct client){.fd = socket(AF_INET, SOCK_STREAM, 0)};
        if (c[i].fd < 0 || set_nonblocking(c[i].fd) < 0) return perror("backlog: socket"), 1;
        int rc = connect(c[i].fd, (struct sockaddr *)&a, sizeof a);
        if (rc < 0 && errno != EINPROGRESS) {
            printf("client %d: connect() failed: %s\n", i + 1, strerror(errno));
            c[i].connected = -1;
        } else {
            printf("client %d: connect() = %d%s\n", i + 1, rc, rc < 0 ? ", errno EINPROGRESS" : "");
        }
    }
    int queued = watch(lfd, c, start, start + opt.timeout, NULL, opt.backlog + 1);
    watch(lfd, c, start, now() + 0.3, NULL, 0);   /* nobody else gets in: the queue is full */
    printf("-> %d connected without a single accept()\n", queued);
    print_queue(lfd);
    fflush(stdout);

    double next_accept = now() + (opt.accept_every > 0 ? opt.accept_every : 1e9);
    int connected = watch(lfd, c, start, start + opt.timeout, &next_accept, 0);
    for (int i = 0; i < opt.clients; i++)
        if (c[i].connected == 0) printf("client %d: gave up after %.1f s (--timeout)\n", i + 1, opt.timeout);
    printf("-> %d of %d clients connected\n", connected, opt.clients);

    while (accept(lfd, NULL, NULL) >= 0) {}   /* empty the queue; the connections stay open */
    would_block(lfd, c);
    return 0;
}

static int number(const char *flag, const char *text, double lo, double hi, double *out) {
    char *end;
    errno = 0;
    *out = strtod(text, &end);
    if (errno || end == text || *end || !(*out >= lo && *out <= hi)) {
        fprintf(stderr, "backlog: %s wants a number from %g to %g, got '%s'\n", flag, lo, hi, text);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        double v;
        const char *f = argv[i];
        if (strcmp(f, "--help") == 0) {
            printf("usage: backlog [--backlog B] [--clients N] [--accept-every S] [--timeout S]\n"
                   "  N non-blocking clients connect to a server with listen(fd, B) that accepts one\n"
                   "  connection every S seconds (0: never); clients give up after --timeout.\n");
            return 0;
        } else if (i + 1 >= argc) {
            fprintf(stderr, "backlog: unknown or incomplete option '%s' (see --help)\n", f);
            return 2;
        } else if (strcmp(f, "--backlog") == 0) {
            if (number(f, argv[++i], 0, 16, &v) < 0) return 2;
            opt.backlog = (int)v;
        } else if (strcmp(f, "--clients") == 0) {
            if (number(f, argv[++i], 1, MAX_CLIENTS, &v) < 0) return 2;
            opt.clients = (int)v;
        } else if (strcmp(f, "--accept-every") == 0) {
            if (number(f, argv[++i], 0, 60, &opt.accept_every) < 0) return 2;
        } else if (strcmp(f, "--timeout") == 0) {
            if (number(f, argv[++i], 0.1, 600, &opt.timeout) < 0) return 2;
        } else {
            fprintf(stderr, "backlog: unknown option '%s' (see --help)\n", f);
            return 2;
        }
    }
    return run();
}
