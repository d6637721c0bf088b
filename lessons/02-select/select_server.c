/* select_server.c — lesson 2: one thread, many connections, select().
 *
 * Lesson 1 blocked in accept() or recv() on one socket, so one slow client
 * stalled everybody. Here every socket is non-blocking, and the only call
 * that waits is select(): "tell me when any of these sockets can make
 * progress". Then we do exactly that progress and come back.
 *
 *     loop {
 *         mark every socket we care about in an fd_set
 *         select()                  ← the one place we wait
 *         for every marked fd: serve what is ready (never blocks)
 *         if the listening socket is ready: accept the new clients
 *     }
 *
 * The catch is in the fd_set. It is a fixed bitmap of FD_SETSIZE bits (1024
 * on Linux), one bit per descriptor *number*. A socket numbered 1024 or more
 * has no bit: FD_SET() on it would write past the end of the bitmap, which
 * is memory corruption (with _FORTIFY_SOURCE, glibc aborts instead). So
 * this server checks every descriptor before handing it to select(), and
 * refuses those it cannot watch. poll_server.c has no such limit.
 *
 * Raw POSIX calls on purpose; the trace_* calls marked "viewer:" only feed
 * asynclab's live timeline (lesson_trace.h) and are not part of the lesson.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include "lesson_trace.h"
#include "service.h"

/* select() answers in descriptor numbers, so we find connections the same
 * way: conns[fd] is the connection on fd, or NULL. */
static struct conn *conns[FD_SETSIZE];
static int conn_count;   /* how many entries of conns[] are in use */
static int fd_limit;     /* one past the highest fd in conns[] */

/* Set when accept() ran out of descriptors: see accept_new_connections(). */
static int accept_paused;

/* Mark what each socket waits for. Returns the highest fd marked: select()
 * wants that plus one, and scans every bit up to it, in use or not. The
 * cost of one call is O(highest fd), not O(connections). */
static int fill_sets(int listen_fd, fd_set *readable, fd_set *writable)
{
    FD_ZERO(readable);
    FD_ZERO(writable);
    if (!accept_paused)
        FD_SET(listen_fd, readable);
    int max_fd = listen_fd;
    for (int fd = 0; fd < fd_limit; fd++) {
        if (!conns[fd])
            continue;
        if (conns[fd]->state == CONN_READING)
            FD_SET(fd, readable);
        else if (conns[fd]->state == CONN_WRITING)
            FD_SET(fd, writable);
        /* CONN_DELAYING (--delay) waits for the clock: no bit at all */
        if (fd > max_fd)
            max_fd = fd;
    }
    return max_fd;
}

/* How long select() may sleep: until the earliest --delay answer is due,
 * a second while accept is paused, or (-1) until a socket is ready. */
static int next_timeout_ms(void)
{
    int timeout = accept_paused ? 1000 : -1;
    for (int fd = 0; fd < fd_limit; fd++) {
        int due = conns[fd] ? conn_ms_until_due(conns[fd]) : -1;
        if (due >= 0 && (timeout < 0 || due < timeout))
            timeout = due;
    }
    return timeout;
}

static void forget(int fd)
{
    accept_paused = 0;  /* a descriptor is free again */
    conns[fd] = NULL;
    conn_count--;
    while (fd_limit > 0 && !conns[fd_limit - 1])
        fd_limit--;
}

/* The listening socket is readable: accept everybody who is queued. */
static void accept_new_connections(int listen_fd)
{
    trace_woken_by_fd(TRACE_SERVER, listen_fd, 1); /* viewer */
    for (;;) {
        char host[INET_ADDRSTRLEN];
        int port;
        int fd = accept_nonblocking(listen_fd, host, &port);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE) {
                /* Out of descriptors. The listening socket stays readable
                 * (the client is still queued), so asking again at once
                 * would spin. Stop watching it until a connection closes,
                 * or for a second. Lesson 3 shows a better trick. */
                fprintf(stderr, "%s: accept: %s: pausing accept until a connection closes\n",
                        program, strerror(errno));
                accept_paused = 1;
            } else if (errno != EAGAIN && errno != EWOULDBLOCK)
                fprintf(stderr, "%s: accept: %s\n", program, strerror(errno));
            break; /* the queue is empty (or broken): back to select() */
        }
        if (fd >= FD_SETSIZE) {
            /* It is a perfectly good connection, but it has no bit in an
             * fd_set. Close it (the client sees the connection end) and keep
             * serving the ones we can watch. */
            fprintf(stderr, "fd %d >= FD_SETSIZE (%d): select() cannot watch it; "
                    "closing this connection\n", fd, FD_SETSIZE);
            close(fd);
            continue;
        }
        struct conn *c = conn_new(fd, host, port);
        if (!c)
            continue;
        conns[fd] = c;
        conn_count++;
        if (fd >= fd_limit)
            fd_limit = fd + 1;
    }
    trace_waits_read(TRACE_SERVER, listen_fd);     /* viewer */
}

int main(int argc, char **argv)
{
    struct options opt = parse_options(argc, argv, "lesson02_select_server", "select()");

    /* A client that vanishes must not kill us on our next send() (see
     * lesson 1): make that an EPIPE error for the one connection instead. */
    signal(SIGPIPE, SIG_IGN);

    int listen_fd = open_listener(&opt);
    if (listen_fd >= FD_SETSIZE) {
        /* --high-fd puts us here: the listening socket itself has no bit. */
        fprintf(stderr, "fd %d >= FD_SETSIZE (%d): select() cannot watch it; "
                "cannot serve on this listening socket\n", listen_fd, FD_SETSIZE);
        return 1;
    }
    trace_start(program, "select", listen_fd); /* viewer */

    long finished = 0;
    int said_waiting = 0;
    while (opt.max_connections == 0 || finished < opt.max_connections) {
        if (conn_count == 0 && !said_waiting) {
            say_waiting();
            said_waiting = 1;
        }

        /* select() overwrites the sets with its answer: fill them anew on
         * every turn. */
        fd_set readable, writable;
        int max_fd = fill_sets(listen_fd, &readable, &writable);
        trace_poll_begin();                  /* viewer */
        int wait_ms = next_timeout_ms();
        struct timeval timeout = { wait_ms / 1000, (wait_ms % 1000) * 1000 };
        int ready = select(max_fd + 1, &readable, &writable, NULL, wait_ms < 0 ? NULL : &timeout);
        if (ready == 0)
            accept_paused = 0;   /* time passed: try accept() again */
        trace_poll_end(ready);               /* viewer */
        if (ready < 0) {
            if (errno == EINTR)
                continue; /* a signal: just ask again */
            die("select");
        }

        /* Serve every connection whose bit came back set, or whose delayed
         * answer is due: a scan of every fd up to max_fd. */
        for (int fd = 0; fd <= max_fd; fd++) {
            struct conn *c = conns[fd];
            if (!c || !(FD_ISSET(fd, &readable) || FD_ISSET(fd, &writable) ||
                        conn_ms_until_due(c) == 0))
                continue;
            if (!conn_on_ready(c)) {
                conn_close(c);
                forget(fd);
                finished++;
            }
        }

        if (FD_ISSET(listen_fd, &readable)) {
            accept_new_connections(listen_fd);
            if (conn_count > 0)
                said_waiting = 0;
        }
    }

    /* --max-connections reached. */
    for (int fd = 0; fd < fd_limit; fd++)
        if (conns[fd]) {
            conn_close(conns[fd]);
            forget(fd);
        }
    close(listen_fd);
    trace_finish();                          /* viewer */
    return 0;
}
