/* test_ex3.c — the visible tests of exercise 3 (an epoll callback server,
 * level- and edge-triggered).
 *
 * Exercise 2's situations (../common/scenarios.h) in both modes, plus what
 * only edge-triggering gets wrong: a request bigger than one read, and
 * clients that queued up before the server looked. What the server asked
 * epoll for is read from /proc/PID/fdinfo of its epoll descriptor. */
#include <stdlib.h>
#include <sys/epoll.h>

#include "al_subject.h"
#include "scenarios.h"

/* The servers are entries of probe_ex3.c, started by name. */
#define serve_level "serve_level"
#define serve_edge "serve_edge"
/* How long to wait for the server's registrations: only a guard against a
 * server that never makes them (a freshly forked one, under ASan on a
 * loaded machine, may take a while); the wait ends as soon as they are seen. */
#define REGISTERED_WITHIN_MS 5000

AL_TEST(level_one_client) {
    sc_one_client(serve_level, NULL);
}

AL_TEST(edge_one_client) {
    sc_one_client(serve_edge, NULL);
}

AL_TEST(uses_epoll) {
    uint16_t port;
    int lfd = al_kit_listen(&port);
    AL_REQUIRE(lfd >= 0);
    pid_t pid = al_kit_server_start(serve_level, lfd, NULL, 0);
    AL_REQUIRE(pid > 0);
    sc_server s = {port, pid};
    sc_request(&s, "GET /first", "/first");
    al_kit_epoll_watch w[16];
    int n = al_kit_epoll_watches(pid, w, 16);
    int instances = al_kit_epoll_count(pid);
    AL_CHECK_MSG(instances == 1, "expected the server to hold one epoll instance, it holds %d",
                 instances);
    int listener = 0;
    for (int i = 0; i < n && i < 16; i++)
        if (w[i].tfd == AL_SUBJECT_PEER_FD && (w[i].events & EPOLLIN)) listener = 1;
    AL_CHECK_MSG(listener, "expected the listening socket (fd %d) to be registered for EPOLLIN",
                 AL_SUBJECT_PEER_FD);
    sc_stop(&s);
}

/* With three clients half-way, what mode is every registration in? */
static void check_modes(const char *serve, int want_et) {
    sc_server s;
    sc_start(&s, serve, NULL);
    int fds[3];
    for (int i = 0; i < 3; i++) {
        fds[i] = al_kit_connect(s.port);
        AL_REQUIRE(fds[i] >= 0);
        al_kit_send_str(fds[i], "GET /half");
    }
    al_kit_epoll_watch w[16];
    int n = 0;
    int64_t end = al_kit_ms() + REGISTERED_WITHIN_MS;
    while ((n = al_kit_epoll_watches(s.pid, w, 16)) < 4 && al_kit_ms() < end && al_kit_alive(s.pid))
        sc_pause_ms(10);
    AL_CHECK_MSG(n >= 4, "expected the listener and 3 connections registered with epoll, found %d "
                 "registrations", n);
    for (int i = 0; i < n && i < 16; i++) {
        int et = (w[i].events & EPOLLET) != 0;
        AL_CHECK_MSG(et == want_et, "%s mode: fd %d is registered with events 0x%x, %s EPOLLET",
                     want_et ? "edge" : "level", w[i].tfd, (unsigned)w[i].events,
                     et ? "with" : "without");
    }
    for (int i = 0; i < 3; i++) close(fds[i]);
    sc_stop(&s);
}

AL_TEST(edge_sets_epollet) {
    check_modes(serve_edge, 1);
    check_modes(serve_level, 0);
}

/* The same question while the server is writing: a big answer to a client
 * that does not read leaves its connection waiting for EPOLLOUT, and in
 * edge mode that registration must be edge-triggered too. */
AL_TEST(edge_sets_epollet_while_writing) {
    sc_server s;
    sc_start(&s, serve_edge, NULL);
    al_kit_bytes got = {0};
    int hog = sc_slow_reader(&s, &got);
    al_kit_epoll_watch w[16];
    int n = 0, writing = -1;
    int64_t end = al_kit_ms() + REGISTERED_WITHIN_MS;
    while (writing < 0 && al_kit_ms() < end && al_kit_alive(s.pid)) {
        n = al_kit_epoll_watches(s.pid, w, 16);
        for (int i = 0; i < n && i < 16; i++)
            if (w[i].events & EPOLLOUT) writing = i;
        if (writing < 0) sc_pause_ms(10);
    }
    AL_CHECK_MSG(writing >= 0, "with 1 MiB to send to a client that does not read, expected its "
                 "connection registered for EPOLLOUT; found none");
    for (int i = 0; i < n && i < 16; i++)
        AL_CHECK_MSG(w[i].events & EPOLLET, "edge mode, while writing: fd %d is registered with "
                     "events 0x%x, without EPOLLET (every EPOLL_CTL_MOD must keep it)", w[i].tfd,
                     (unsigned)w[i].events);
    al_kit_bytes_free(&got);
    close(hog);
    sc_stop(&s);
}

AL_TEST(edge_drains_big_request) {
    sc_server s;
    sc_start(&s, serve_edge, NULL);
    /* A 48 KiB head in one send: one arrival, one edge, many reads. */
    size_t pad = 48 * 1024;
    char *req = malloc(pad + 128);
    AL_REQUIRE(req != NULL);
    int n = snprintf(req, 128, "GET /drained HTTP/1.1\r\nX-Padding: ");
    memset(req + n, 'p', pad);
    strcpy(req + n + pad, "\r\n\r\n");
    int fd = sc_client(&s);
    al_kit_send_str(fd, req);
    sc_expect_path(fd, "edge-triggered, a 48 KiB request head in one piece", "/drained");
    free(req);
    sc_stop(&s);
}

AL_TEST(edge_accepts_backlog) {
    uint16_t port;
    int lfd = al_kit_listen(&port);
    AL_REQUIRE(lfd >= 0);
    /* Twenty clients are queued in the kernel before the server even runs:
     * one edge on the listener for all of them. */
    enum { N = 20 };
    int fds[N];
    for (int i = 0; i < N; i++) {
        fds[i] = al_kit_connect(port);
        AL_REQUIRE(fds[i] >= 0);
        char req[64];
        snprintf(req, sizeof req, "GET /q%d HTTP/1.1\r\n\r\n", i);
        al_kit_send_str(fds[i], req);
    }
    pid_t pid = al_kit_server_start(serve_edge, lfd, NULL, 0);
    AL_REQUIRE(pid > 0);
    int answered = 0;
    for (int i = 0; i < N; i++) {
        char what[96], path[16];
        snprintf(what, sizeof what, "queued client %d of %d", i + 1, N);
        snprintf(path, sizeof path, "/q%d", i);
        if (sc_expect_path(fds[i], what, path) == 0) answered++;
        if (answered == 0) break;
    }
    AL_CHECK_MSG(answered == N, "expected all %d queued clients to be answered, %d were", N, answered);
    al_kit_server_stop(pid);
}

AL_TEST(fast_beside_slow) {
    sc_fast_beside_slow(serve_level, NULL);
}

AL_TEST(fifty_concurrent) {
    sc_fifty_concurrent(serve_edge, NULL);
}

AL_TEST(big_answer_slow_reader) {
    sc_big_answer_slow_reader(serve_edge, NULL);
}

AL_TEST(one_thread) {
    sc_one_thread(serve_level, NULL);
}

AL_TEST(no_fd_leak) {
    sc_no_fd_leak(serve_level, NULL);
    sc_no_fd_leak(serve_edge, NULL);
}

/* ---- hidden twins: the same checks on paths drawn at run time ---- */

AL_TEST(level_one_client_twin) {
    sc_one_client_drawn(serve_level, NULL);
}

AL_TEST(edge_one_client_twin) {
    sc_one_client_drawn(serve_edge, NULL);
}
