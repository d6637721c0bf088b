/* test_ex7.c — the visible tests of exercise 7 (from readiness to completion
 * on io_uring).
 *
 * Exercise 2's situations (../common/scenarios.h), played against a server
 * whose thread may not make the calls a readiness server makes (the probe's
 * seccomp filter: accept, recv, send, read/write on sockets, poll, select,
 * epoll all fail with EPERM there). What the server holds is read from
 * /proc/PID/fd: one io_uring, no epoll instance. */
#include "al_subject.h"
#include "scenarios.h"

/* The server is the entry of probe_ex7.c, started by name. */
#define serve "serve"

AL_TEST(one_client) {
    sc_one_client(serve, NULL);
}

AL_TEST(uses_io_uring) {
    sc_server s;
    sc_start(&s, serve, NULL);
    sc_request(&s, "GET /first", "/first");
    int rings = al_kit_anon_inode_count(s.pid, "[io_uring]");
    int epolls = al_kit_epoll_count(s.pid);
    AL_CHECK_MSG(rings == 1, "expected the server to hold one io_uring, it holds %d", rings);
    AL_CHECK_MSG(epolls == 0, "expected no epoll instance (the ring is what the loop waits on), "
                 "the server holds %d", epolls);
    sc_stop(&s);
}

AL_TEST(request_in_pieces) {
    sc_request_in_pieces(serve, NULL);
}

AL_TEST(fast_beside_slow) {
    sc_fast_beside_slow(serve, NULL);
}

AL_TEST(fifty_concurrent) {
    sc_fifty_concurrent(serve, NULL);
}

AL_TEST(big_answer_slow_reader) {
    sc_big_answer_slow_reader(serve, NULL);
}

AL_TEST(no_fd_leak) {
    sc_no_fd_leak(serve, NULL);
}

/* ---- hidden twins: the same checks on paths drawn at run time ---- */

AL_TEST(one_client_twin) {
    sc_one_client_drawn(serve, NULL);
}
