/* backpressure.c — lesson 6: a client that sends and never reads.
 *
 * An echo server (one task per connection) and a client that sends MIB
 * MiB as fast as it can and reads nothing until told to. The server's
 * answers pile up in the kernel's buffers until they are full; then:
 *
 *   default      the echo task's send() says EAGAIN, and it awaits
 *                "writable". While it waits it does not read, so the
 *                client's bytes pile up in the server's receive buffer, then
 *                in the client's send buffer, and the client's own send()
 *                says EAGAIN: TCP pushed back, all the way to the sender.
 *                The server holds one 64 KiB buffer, whatever the client
 *                does. (asyncio: `writer.write(data); await writer.drain()`.)
 *   --unbounded  the bug: the task queues what it cannot send and goes on
 *                reading (asyncio: write() without drain()). The client is
 *                never pushed back, and the server's memory grows with
 *                everything the client sends.
 *
 * When the client is stuck (EAGAIN and the echo task waiting for writable)
 * or has sent everything, the server reports what it measured (how much the
 * client got in, the server's RSS growth), then tells the client to read:
 * everything flows again and the client checks that it got its bytes back.
 * With ASYNCLAB_TRACE=file, the echo task's lane shows the "write" wait.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "asynclab.h"

#define CHUNK (64 * 1024)

static struct { int unbounded; size_t total; } opt = {.total = 64u << 20};

/* Shared by the server's tasks; one thread, so plain variables. */
static int echo_waits_writable;   /* the echo task is parked on "writable" */
static size_t queued_peak;        /* --unbounded: the most bytes queued in memory */

/* What the client tells the server on the control pipe. */
struct report { char kind; size_t sent; };   /* 'B' blocked, 'D' done sending */

static long rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[128];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) kib = atol(line + 6);
    if (f) fclose(f);
    return kib;
}

static unsigned char pattern(size_t at) { return (unsigned char)(at % 251); }

/* ---- the server's echo task, with backpressure ---------------------------- */

static int send_all(int fd, const char *p, size_t len) {
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n >= 0) {
            p += n, len -= (size_t)n;
            continue;
        }
        if (errno != EAGAIN) return -errno;
        echo_waits_writable = 1;
        int rc = al_wait_writable(fd);   /* no reading until the client reads */
        echo_waits_writable = 0;
        if (rc < 0) return rc;
    }
    return 0;
}

static int echo(void *arg, intptr_t *result) {
    int fd = (int)(intptr_t)arg;
    static char buf[CHUNK];
    (void)result;
    for (;;) {
        int rc = al_wait_readable(fd);
        if (rc < 0) return rc;
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n == 0) break;   /* the client is done sending */
        if (n < 0 && errno == EAGAIN) continue;
        if (n < 0) return -errno;
        rc = send_all(fd, buf, (size_t)n);
        if (rc < 0) return rc;
    }
    shutdown(fd, SHUT_WR);
    return 0;
}

/* ---- the same task without it (--unbounded): queue and read on ----------- */

static int echo_unbounded(void *arg, intptr_t *result) {
    int fd = (int)(intptr_t)arg;
    char *queue = NULL, buf[4096];
    size_t off = 0, len = 0, cap = 0;   /* queue[off, len) waits to be sent */
    int rc = 0;
    (void)result;
    for (;;) {
        ssize_t n = len > off ? send(fd, queue + off, len - off, MSG_NOSIGNAL) : 0;
        if (n > 0) off += (size_t)n;   /* sent what fitted; EAGAIN: never mind, keep it */
        if ((rc = al_wait_readable(fd)) < 0) break;
        n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            if (n < 0 && errno == EAGAIN) continue;
            rc = n < 0 ? -errno : 0;
            break;
        }
        if (len + (size_t)n > cap) {
            cap = cap ? cap * 2 : CHUNK;
            char *bigger = realloc(queue, cap);
            if (!bigger) { rc = -ENOMEM; break; }
            queue = bigger;
        }
        memcpy(queue + len, buf, (size_t)n);
        len += (size_t)n;
        if (len - off > queued_peak) queued_peak = len - off;
    }
    if (rc == 0) rc = send_all(fd, queue + off, len - off);
    free(queue);
    shutdown(fd, SHUT_WR);
    return rc;
}

/* ---- the server's monitor: reports once the client is stuck or done ------- */

struct monitor { int ctl, go; long rss_before; };

static int monitor(void *arg, intptr_t *result) {
    struct monitor *m = arg;
    al_loop *loop = al_task_loop(al_task_current());
    struct report r = {0, 0};
    (void)result;
    for (;;) {
        int rc = al_wait_readable(m->ctl);
        if (rc < 0) return rc;
        ssize_t n;
        while ((n = read(m->ctl, &r, sizeof r)) == (ssize_t)sizeof r) {}   /* the latest report counts */
        if (n == 0) return -EPIPE;   /* end of file: the client is gone */
        if (r.kind == 'D' || echo_waits_writable) break;   /* 'B' while we still read: not stuck */
    }
    double mib = 1024.0 * 1024.0, grown = (rss_kib() - m->rss_before) / 1024.0;
    if (r.kind == 'B')
        al_printf(loop, "server: the echo task waits for writable and reads nothing; the client got %.1f of %.0f MiB "
                  "in before its own send() said EAGAIN: TCP pushed back. Server RSS %+.1f MiB",
                  r.sent / mib, opt.total / mib, grown);
    else
        al_printf(loop, "server: the client sent all %.0f MiB, never pushed back; %.1f MiB wait in the server's "
                  "queue. Server RSS %+.1f MiB", r.sent / mib, queued_peak / mib, grown);
    return write(m->go, "g", 1) == 1 ? 0 : -errno;   /* now read, client */
}

/* ---- the client (a child process, raw sockets) ---------------------------- */

static void client(int port, int ctl, int go) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) _exit(1);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    static unsigned char out[CHUNK], in[CHUNK];
    size_t sent = 0, received = 0;
    int reading = 0;
    while (received < opt.total) {
        while (sent < opt.total) {
            size_t n = opt.total - sent < CHUNK ? opt.total - sent : CHUNK;
            for (size_t i = 0; i < n; i++) out[i] = pattern(sent + i);
            ssize_t k = send(fd, out, n, MSG_NOSIGNAL);
            if (k < 0) break;
            sent += (size_t)k;
        }
        if (sent < opt.total && errno != EAGAIN) _exit(1);
        if (!reading) {   /* tell the server where we are; it may tell us to read */
            struct report r = {sent < opt.total ? 'B' : 'D', sent};
            if (write(ctl, &r, sizeof r) != (ssize_t)sizeof r) _exit(1);
            if (sent == opt.total) shutdown(fd, SHUT_WR);
        }
        for (ssize_t k; reading && (k = recv(fd, in, sizeof in, 0)) > 0; received += (size_t)k)
            for (ssize_t i = 0; i < k; i++)
                if (in[i] != pattern(received + (size_t)i)) _exit(3);   /* not our bytes back */
        struct pollfd p[2] = {{.fd = fd, .events = (short)((sent < opt.total ? POLLOUT : 0) | (reading ? POLLIN : 0))},
                              {.fd = reading ? -1 : go, .events = POLLIN}};
        if (received < opt.total && poll(p, 2, -1) < 0) _exit(1);
        if (p[1].revents) reading = 1;
        if (reading && sent == opt.total) shutdown(fd, SHUT_WR);
    }
    _exit(0);
}

/* ---- main ----------------------------------------------------------------- */

static int serve(al_loop *loop, int lfd, int port) {
    int ctl[2], go[2];
    if (pipe(ctl) < 0 || pipe(go) < 0) return -errno;
    struct monitor m = {.ctl = ctl[0], .go = go[1], .rss_before = rss_kib()};
    fcntl(ctl[0], F_SETFL, O_NONBLOCK);   /* the monitor reads all reports waiting */
    pid_t pid = fork();
    if (pid < 0) return -errno;
    if (pid == 0) client(port, ctl[1], go[0]);
    struct timeval patience = {.tv_sec = 20};   /* a client that died must not leave accept() waiting */
    setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0 || fcntl(fd, F_SETFL, O_NONBLOCK) < 0) return -errno;
    al_task *t, *mt;
    int rc = al_task_create_fiber(loop, &t, "echo", opt.unbounded ? echo_unbounded : echo, (void *)(intptr_t)fd, 0);
    if (rc == 0) rc = al_task_create_fiber(loop, &mt, "monitor", monitor, &m, 0);
    if (rc == 0) {
        rc = al_loop_run_until_complete(loop, t);
        int mrc = al_loop_run_until_complete(loop, mt);
        if (rc == 0) rc = mrc;
        al_task_release(t), al_task_release(mt);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    close(fd);
    if (rc == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
        fprintf(stderr, "backpressure: the client failed (status %d)\n", status);
        return -EIO;
    }
    if (rc == 0) al_printf(loop, "client: read back all %zu MiB, byte for byte", opt.total >> 20);
    return rc;
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "--unbounded") == 0) {
            opt.unbounded = 1;
        } else if (strcmp(argv[i], "--mib") == 0 && i + 1 < argc) {
            long n = strtol(argv[++i], &end, 10);
            if (*end || end == argv[i] || n < 1 || n > 1024) {
                fprintf(stderr, "backpressure: --mib wants 1 to 1024, got '%s'\n", argv[i]);
                return 2;
            }
            opt.total = (size_t)n << 20;
        } else {
            fprintf(stderr, "backpressure: unknown or incomplete option '%s'\n"
                            "usage: backpressure [--mib N] [--unbounded]\n"
                            "  A client sends N MiB (default 64) to an echo server and reads nothing until\n"
                            "  the server says so. --unbounded: the server queues instead of waiting.\n", argv[i]);
            return strcmp(argv[i], "--help") == 0 ? 0 : 2;
        }
    }
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t alen = sizeof a;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 1) < 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &alen) < 0) {
        perror("backpressure: listen");
        return 1;
    }
    al_loop *loop;
    int rc = al_loop_new(&loop, NULL);
    if (rc < 0) {
        fprintf(stderr, "backpressure: cannot create the loop: %s\n", al_loop_backend_error(rc));
        return 1;
    }
    rc = serve(loop, lfd, ntohs(a.sin_port));
    if (rc < 0) fprintf(stderr, "backpressure: %s\n", al_strerror(rc));
    al_loop_free(loop);
    close(lfd);
    return rc < 0 ? 1 : 0;
}
