/* scenarios.h — the clients the concurrent-server exercises (2 and 3) are
 * graded with, shared so that both are held to the same standard.
 *
 * Each scenario starts the submission's server on a fresh 127.0.0.1 port
 * (al_kit.h), plays one situation with real clients, checks what happened
 * with AL_CHECK (expected vs got), and stops the server. No scenario relies
 * on timing for a correct server: a wait only ends early for a broken one
 * (an answer that never comes), and each such wait is bounded.
 *
 *   sc_one_client          one request, one answer
 *   sc_request_in_pieces   a head in four pieces, 40 ms apart
 *   sc_fast_beside_slow    a client sends half a request and stalls; a fast
 *                          one must still be answered
 *   sc_fifty_concurrent    50 clients half-way at once, completed in reverse
 *                          order: each must be answered while 49 wait
 *   sc_big_answer_slow_reader  a client asks for 1 MiB and does not read;
 *                          a fast one must still be answered
 *   sc_one_thread          with 10 clients connected: one thread, no child
 *                          process (measured in /proc, not guessed)
 *   sc_no_fd_leak          40 connections that end in every way; the
 *                          server's descriptor count must come back
 * This is a header of static functions: include it in one test file.
 */
#ifndef EX_SCENARIOS_H
#define EX_SCENARIOS_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "al_kit.h"
#include "al_test.h"
#include "answer.h"

/* Each test uses some of these: unused ones are not an error. */
#define SC_FN static __attribute__((unused))

#define SC_WAIT_MS 3000   /* how long a client waits before it calls it a hang */

typedef struct sc_server {
    uint16_t port;
    pid_t pid;
} sc_server;

/* The server the current test talks to (sc_start sets it). */
static pid_t sc_server_pid __attribute__((unused));

SC_FN void sc_pause_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* serve: the name of the server's entry in the exercise's probes (arg unused). */
SC_FN int sc_start(sc_server *s, const char *serve, void *arg) {
    (void)arg;
    int lfd = al_kit_listen(&s->port);
    AL_REQUIRE_MSG(lfd >= 0, "the test could not open a listening socket: %s", strerror(-lfd));
    s->pid = al_kit_server_start(serve, lfd, NULL, 0);
    sc_server_pid = s->pid;
    AL_REQUIRE_MSG(s->pid > 0, "the test could not start the server: %s", strerror(-s->pid));
    return 0;
}

SC_FN void sc_stop(sc_server *s) {
    al_kit_server_stop(s->pid);
}

/* Read everything the server sends on fd until it closes. The wait ends
 * early, with the reason in `stuck`, as soon as the outcome is known rather
 * than after SC_WAIT_MS:
 * - the server sits in a read or a write of a socket for SC_STUCK_MS while
 *   this client waits: it is blocked on one client (a server of these
 *   exercises must never be);
 * - the server is idle (al_kit_idle_for: asleep in its wait, CPU still) for
 *   SC_STUCK_MS while everything this client sent is in its socket (the
 *   kernel acknowledged it all): nothing will wake it for this request. */
#define SC_STUCK_MS 400
SC_FN int sc_read_answer(int fd, al_kit_bytes *got, char *stuck, size_t stuck_len) {
    int64_t end = al_kit_ms() + SC_WAIT_MS, blocked_since = -1;
    al_kit_idle idle = {0};
    size_t seen = got->len;
    stuck[0] = 0;
    for (;;) {
        int64_t left = end - al_kit_ms();
        if (left <= 0) return -ETIMEDOUT;
        int rc = al_kit_read_all(fd, got, left < 50 ? (int)left : 50);
        if (rc != -ETIMEDOUT || sc_server_pid <= 0) {
            if (rc != -ETIMEDOUT) return rc;
            continue;
        }
        char what[64];
        if (al_kit_blocked_on_socket(sc_server_pid, what, sizeof what)) {
            if (blocked_since < 0) blocked_since = al_kit_ms();
            if (al_kit_ms() - blocked_since >= SC_STUCK_MS) {
                snprintf(stuck, stuck_len, "the server sat blocked in %s for %d ms meanwhile, "
                         "waiting on one client while others wait on it (an event loop only reads "
                         "and writes what is ready)", what, SC_STUCK_MS);
                return -ETIMEDOUT;
            }
        } else {
            blocked_since = -1;
        }
        if (got->len != seen || al_kit_unacked(fd) != 0) {   /* still moving */
            seen = got->len;
            idle.since = 0;
        } else if (al_kit_idle_for(sc_server_pid, &idle, what, sizeof what) >= SC_STUCK_MS) {
            snprintf(stuck, stuck_len, "the server went back to sleep in %s with this client's "
                     "request in its socket, unanswered, and stayed there %d ms: it will not "
                     "come back for it (a read that stopped early, an event not asked for?)",
                     what, SC_STUCK_MS);
            return -ETIMEDOUT;
        }
    }
}

/* Read one answer on fd, check it is {"path": PATH}, and close fd: every
 * client here leaves once answered. */
SC_FN int sc_expect_path(int fd, const char *what, const char *path) {
    al_kit_bytes got = {0};
    char stuck[256];
    int rc = sc_read_answer(fd, &got, stuck, sizeof stuck);
    al_kit_reply r;
    if (rc == -ETIMEDOUT && stuck[0]) {
        AL_CHECK_MSG(0, "%s: no answer (%zu bytes arrived): %s", what, got.len, stuck);
    } else if (rc == -ETIMEDOUT) {
        AL_CHECK_MSG(0, "%s: no complete answer within %d s (%zu bytes arrived): the server is "
                     "stuck (on another client, or waiting for an event that will not come)", what,
                     SC_WAIT_MS / 1000, got.len);
    } else if (rc < 0 && got.len == 0) {
        AL_CHECK_MSG(0, "%s: %s before any answer", what, strerror(-rc));
    } else if (al_kit_reply_parse(got.data ? got.data : "", got.len, &r) < 0) {
        AL_CHECK_MSG(0, "%s: %s", what, r.error);
    } else {
        char want[128];
        snprintf(want, sizeof want, "{\"path\": \"%s\"}", path);
        AL_CHECK_MSG(r.status == 200, "%s: expected status 200, got %d", what, r.status);
        AL_CHECK_MSG(r.body_len == strlen(want) && memcmp(r.body, want, r.body_len) == 0,
                     "%s: expected the body %s, got %.*s", what, want, (int)r.body_len, r.body);
        rc = 0;
    }
    al_kit_bytes_free(&got);
    close(fd);
    return rc == 0 ? 0 : -1;
}

SC_FN void sc_request(const sc_server *s, const char *what, const char *path) {
    int fd = al_kit_connect(s->port);
    AL_REQUIRE_MSG(fd >= 0, "%s: cannot connect: %s", what, strerror(-fd));
    char req[256];
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", path);
    al_kit_send_str(fd, req);
    sc_expect_path(fd, what, path);
}

/* A new client of the server, connected. */
SC_FN int sc_client(const sc_server *s) {
    int fd = al_kit_connect(s->port);
    AL_REQUIRE(fd >= 0);
    return fd;
}

SC_FN void sc_one_client(const char *serve, void *arg) {
    sc_server s;
    sc_start(&s, serve, arg);
    sc_request(&s, "GET /hello", "/hello");
    sc_request(&s, "a second GET /again", "/again");
    sc_stop(&s);
}

/* The hidden twin of sc_one_client: paths drawn at run time. */
SC_FN void sc_one_client_drawn(const char *serve, void *arg) {
    sc_server s;
    sc_start(&s, serve, arg);
    for (int k = 0; k < 3; k++) {
        char path[32], what[64];
        int n = snprintf(path, sizeof path, "/");
        for (long i = 0, len = al_kit_rand(1, 20); i < len; i++)
            path[n++] = (char)al_kit_rand('a', 'z');
        path[n] = 0;
        snprintf(what, sizeof what, "GET %s", path);
        sc_request(&s, what, path);
    }
    sc_stop(&s);
}

SC_FN void sc_request_in_pieces(const char *serve, void *arg) {
    sc_server s;
    sc_start(&s, serve, arg);
    int fd = sc_client(&s);
    static const char *const pieces[] = {"GET /pie", "ces HTTP/1.1\r\nHost: x\r\n", "\r", "\n"};
    for (int i = 0; i < 4; i++) {
        al_kit_send_str(fd, pieces[i]);
        sc_pause_ms(40);
    }
    sc_expect_path(fd, "a request in four pieces", "/pieces");
    sc_stop(&s);
}

SC_FN void sc_fast_beside_slow(const char *serve, void *arg) {
    sc_server s;
    sc_start(&s, serve, arg);
    int slow = sc_client(&s);
    al_kit_send_str(slow, "GET /slow HTTP/1.1\r\nHo");
    sc_pause_ms(50);   /* not needed by a good server; makes a blocking one show */
    sc_request(&s, "a fast client while a slow one has sent half its request", "/fast");
    al_kit_send_str(slow, "st: x\r\n\r\n");
    sc_expect_path(slow, "the slow client, once it finished its request", "/slow");
    sc_stop(&s);
}

SC_FN void sc_fifty_concurrent(const char *serve, void *arg) {
    sc_server s;
    sc_start(&s, serve, arg);
    enum { N = 50 };
    int fds[N];
    for (int i = 0; i < N; i++) {
        fds[i] = al_kit_connect(s.port);
        AL_REQUIRE_MSG(fds[i] >= 0, "client %d cannot connect: %s", i, strerror(-fds[i]));
        char half[64];
        snprintf(half, sizeof half, "GET /c%d HTTP/1.1\r\n", i);
        al_kit_send_str(fds[i], half);
    }
    /* The last to arrive finishes first: answered while 49 others wait. */
    int answered = 0;
    for (int i = N - 1; i >= 0; i--) {
        al_kit_send_str(fds[i], "\r\n");
        char what[96], path[16];
        snprintf(what, sizeof what, "client %d of %d (completed while %d others are half-way)", i + 1,
                 N, i);
        snprintf(path, sizeof path, "/c%d", i);
        if (sc_expect_path(fds[i], what, path) == 0) answered++;
        if (answered == 0) {   /* one hang is enough to know; spare the rest */
            for (int k = 0; k < i; k++) close(fds[k]);
            break;
        }
    }
    AL_CHECK_MSG(answered == N, "expected all %d clients to be answered, %d were", N, answered);
    sc_stop(&s);
}

/* A client with a small receive buffer asks for the 1 MiB answer and stops
 * reading once it has started to flow: the server is then busy sending to a
 * client that does not read. Its fd; *got holds what it read. */
SC_FN int sc_slow_reader(const sc_server *s, al_kit_bytes *got) {
    int hog = al_kit_connect_small(s->port);
    AL_REQUIRE(hog >= 0);
    al_kit_send_str(hog, "GET /big HTTP/1.1\r\n\r\n");
    AL_REQUIRE_MSG(al_kit_read_some(hog, got, 1, SC_WAIT_MS) == 1, "GET /big: no answer started "
                   "within %d s", SC_WAIT_MS / 1000);
    return hog;
}

SC_FN void sc_big_answer_slow_reader(const char *serve, void *arg) {
    sc_server s;
    sc_start(&s, serve, arg);
    al_kit_bytes got = {0};
    int hog = sc_slow_reader(&s, &got);
    sc_request(&s, "a fast client while another does not read its 1 MiB answer", "/fast");
    /* To the server's close, but never more than the answer can hold: a
     * server that sends it again and again is known wrong at that point (and
     * its bytes are not worth keeping). */
    size_t most = EX_BIG_SIZE + 64 * 1024;
    int rc = al_kit_read_some(hog, &got, most > got.len ? most - got.len : 1, 2 * SC_WAIT_MS);
    al_kit_reply r;
    if (rc == 1) {
        AL_CHECK_MSG(0, "GET /big: more than %zu bytes arrived for a %d-byte body, and the server "
                     "was still sending: the answer went out again from its start (keep how much "
                     "was sent from one send() to the next)", most, EX_BIG_SIZE);
        rc = 0;
    } else {
        if (rc == 0) rc = al_kit_reply_parse(got.data, got.len, &r);
        AL_CHECK_MSG(rc == 0, "the slow reader's answer: %s",
                     rc == -ETIMEDOUT ? "incomplete (the server stopped sending?)" : r.error);
        if (rc != 0) rc = -1;
    }
    if (rc == 0 && got.len < most) {
        AL_CHECK_MSG(r.body_len == EX_BIG_SIZE, "GET /big: expected %d bytes of body, got %zu",
                     EX_BIG_SIZE, r.body_len);
        size_t bad = 0;
        while (bad < r.body_len && r.body[bad] == (char)('a' + bad % 26)) bad++;
        AL_CHECK_MSG(bad == r.body_len, "GET /big: the body is wrong from byte %zu on (bytes lost "
                     "or repeated between two sends?)", bad);
    }
    al_kit_bytes_free(&got);
    close(hog);
    sc_stop(&s);
}

/* The server started and asked once (GET /first): the descriptors it holds
 * then, the base the one-thread and leak counts start from. */
SC_FN int sc_start_counted(sc_server *s, const char *serve, void *arg) {
    sc_start(s, serve, arg);
    sc_request(s, "GET /first", "/first");
    int base = al_kit_fd_count(s->pid);
    AL_REQUIRE_MSG(base > 0, "cannot count the server's descriptors (%d)", base);
    return base;
}

/* n clients connected to the server, all at once. */
SC_FN void sc_connect_all(const sc_server *s, int *fds, int n) {
    for (int i = 0; i < n; i++) fds[i] = sc_client(s);
}

SC_FN void sc_one_thread(const char *serve, void *arg) {
    sc_server s;
    int base = sc_start_counted(&s, serve, arg);
    enum { N = 10 };
    int fds[N];
    sc_connect_all(&s, fds, N);
    for (int i = 0; i < N; i++) al_kit_send_str(fds[i], "GET /waiting HTTP/1.1\r\n");
    /* A server that holds all ten holds ten more descriptors (a server that
     * cannot, a blocking one, is given 2 s and then measured anyway). */
    int64_t end = al_kit_ms() + 2000;
    while (al_kit_fd_count(s.pid) < base + N && al_kit_ms() < end && al_kit_alive(s.pid))
        sc_pause_ms(10);
    int threads = al_kit_threads(s.pid), children = al_kit_children(s.pid);
    AL_CHECK_MSG(threads == 1, "with %d clients connected the server runs %d threads: an event "
                 "loop serves them all from one", N, threads);
    AL_CHECK_MSG(children == 0, "with %d clients connected the server has %d child processes: an "
                 "event loop serves them all from one", N, children);
    for (int i = 0; i < N; i++) {
        al_kit_send_str(fds[i], "\r\n");
        sc_expect_path(fds[i], "one of the ten", "/waiting");
    }
    sc_stop(&s);
}

SC_FN void sc_no_fd_leak(const char *serve, void *arg) {
    sc_server s;
    int base = sc_start_counted(&s, serve, arg);
    /* Every way a connection can end, ten at a time, all open together. */
    int fds[40];
    sc_connect_all(&s, fds, 40);
    for (int i = 0; i < 10; i++) al_kit_send_str(fds[i], "GET /ok HTTP/1.1\r\n\r\n");
    for (int i = 10; i < 20; i++) al_kit_send_str(fds[i], "GET /half");
    for (int i = 0; i < 10; i++) {
        sc_expect_path(fds[i], "a normal client among others", "/ok");
    }
    for (int i = 10; i < 20; i++) close(fds[i]);           /* half a request, then FIN */
    for (int i = 20; i < 30; i++) al_kit_reset(fds[i]);    /* nothing, then RST */
    for (int i = 30; i < 40; i++) close(fds[i]);           /* nothing, then FIN */
    sc_request(&s, "GET /last", "/last");
    int now = al_kit_wait_fd_count(s.pid, base, 2000);
    AL_CHECK_MSG(now <= base, "after 41 more connections the server holds %d descriptors; it held "
                 "%d after the first: %d leaked (close a connection on every way out: done, EOF, "
                 "error)", now, base, now - base);
    sc_stop(&s);
}

#endif
