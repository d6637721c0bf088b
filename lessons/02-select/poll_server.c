/* poll_server.c — lesson 2, the same server with poll() instead of select().
 *
 * The loop is the same; only the question asked differs. select() takes
 * bitmaps indexed by descriptor number; poll() takes an array with one
 * entry per descriptor we care about:
 *
 *     struct pollfd { int fd; short events; short revents; };
 *
 * so any descriptor number fits (no FD_SETSIZE), and the kernel and our scan
 * both cost O(number of entries), however high the fd numbers are. What
 * poll() keeps from select(): the whole list is handed to the kernel on
 * every call. epoll (lesson 3) registers it once instead.
 *
 * Raw POSIX calls on purpose; the trace_* calls marked "viewer:" only feed
 * asynclab's live timeline (lesson_trace.h) and are not part of the lesson.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lesson_trace.h"
#include "service.h"

/* watched[0] is the listening socket; watched[i] (i >= 1) is conns[i]'s
 * socket. The two arrays move together. */
static struct pollfd *watched;
static struct conn **conns;
static size_t count, capacity;

static void watch(int fd, struct conn *c)
{
    if (count == capacity) {
        size_t bigger = capacity ? 2 * capacity : 64;
        struct pollfd *w = realloc(watched, bigger * sizeof *w);
        if (w)
            watched = w;
        struct conn **cs = realloc(conns, bigger * sizeof *cs);
        if (cs)
            conns = cs;
        if (!w || !cs) {
            fprintf(stderr, "%s: out of memory\n", program);
            exit(1);
        }
        capacity = bigger;
    }
    watched[count] = (struct pollfd){ .fd = fd, .events = POLLIN, .revents = 0 };
    conns[count] = c;
    count++;
}

/* Set when accept() ran out of descriptors: see accept_new_connections(). */
static int accept_paused;

/* How long poll() may sleep: until the earliest --delay answer is due,
 * a second while accept is paused, or (-1) until a socket is ready. */
static int next_timeout_ms(void)
{
    int timeout = accept_paused ? 1000 : -1;
    for (size_t i = 1; i < count; i++) {
        int due = conn_ms_until_due(conns[i]);
        if (due >= 0 && (timeout < 0 || due < timeout))
            timeout = due;
    }
    return timeout;
}

/* Remove entry i by moving the last entry into its place: order does not
 * matter to poll(), and this keeps removal O(1). */
static void unwatch(size_t i)
{
    accept_paused = 0;  /* a descriptor is free again */
    count--;
    watched[i] = watched[count];
    conns[i] = conns[count];
}

/* The listening socket is readable: accept everybody who is queued. No
 * FD_SETSIZE check here: every fd number is fine for poll(). */
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
            break; /* the queue is empty (or broken): back to poll() */
        }
        struct conn *c = conn_new(fd, host, port);
        if (c)
            watch(fd, c);
    }
    trace_waits_read(TRACE_SERVER, listen_fd);     /* viewer */
}

int main(int argc, char **argv)
{
    struct options opt = parse_options(argc, argv, "lesson02_poll_server", "poll()");

    /* A client that vanishes must not kill us on our next send() (see
     * lesson 1): make that an EPIPE error for the one connection instead. */
    signal(SIGPIPE, SIG_IGN);

    int listen_fd = open_listener(&opt);   /* fd 1500 with --high-fd: fine */
    watch(listen_fd, NULL);
    trace_start(program, "poll", listen_fd); /* viewer */

    long finished = 0;
    int said_waiting = 0;
    while (opt.max_connections == 0 || finished < opt.max_connections) {
        if (count == 1 && !said_waiting) {
            say_waiting();
            said_waiting = 1;
        }

        /* Unlike select()'s sets, the array survives the call (the answer
         * goes to revents); we only update what each connection waits for. */
        for (size_t i = 1; i < count; i++) {
            /* A delayed answer (--delay) waits for the clock, not its socket:
             * a negative fd makes poll() skip the entry altogether. */
            watched[i].fd = conns[i]->state == CONN_DELAYING ? -1 : conns[i]->fd;
            watched[i].events = conns[i]->state == CONN_READING ? POLLIN : POLLOUT;
        }
        watched[0].events = accept_paused ? 0 : POLLIN;

        trace_poll_begin();                  /* viewer */
        int ready = poll(watched, (nfds_t)count, next_timeout_ms());
        if (ready == 0)
            accept_paused = 0;   /* time passed: try accept() again */
        trace_poll_end(ready);               /* viewer */
        if (ready < 0) {
            if (errno == EINTR)
                continue; /* a signal: just ask again */
            die("poll");
        }

        /* Serve every connection with something in revents: a scan of the
         * entries, O(connections). Backwards, so that unwatch() only ever
         * moves an entry we have already looked at. POLLHUP or POLLERR
         * count too: the recv()/send() in conn_on_ready() reports them. */
        for (size_t i = count - 1; i >= 1; i--) {
            if (watched[i].revents == 0 && conn_ms_until_due(conns[i]) != 0)
                continue;
            struct conn *c = conns[i];
            if (!conn_on_ready(c)) {
                conn_close(c);
                unwatch(i);
                finished++;
            }
        }

        if (watched[0].revents & POLLIN) {
            accept_new_connections(listen_fd);
            if (count > 1)
                said_waiting = 0;
        }
    }

    /* --max-connections reached. */
    while (count > 1) {
        conn_close(conns[count - 1]);
        unwatch(count - 1);
    }
    close(listen_fd);
    free(watched);
    free(conns);
    trace_finish();                          /* viewer */
    return 0;
}
