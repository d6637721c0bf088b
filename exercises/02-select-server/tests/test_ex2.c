/* test_ex2.c — the visible tests of exercise 2 (a select() server).
 *
 * The situations themselves are in ../common/scenarios.h (exercise 3 is
 * graded with the same ones): real clients on 127.0.0.1, some of them slow
 * or rude, and a look at the server's threads and descriptors in /proc. */
#include "al_subject.h"
#include "scenarios.h"

/* The servers are entries of probe_ex2.c, started by name. */
#define serve_forever "serve_forever"
#define serve_three "serve_three"

AL_TEST(one_client) {
    sc_one_client(serve_forever, NULL);
}

AL_TEST(request_in_pieces) {
    sc_request_in_pieces(serve_forever, NULL);
}

AL_TEST(fast_beside_slow) {
    sc_fast_beside_slow(serve_forever, NULL);
}

AL_TEST(fifty_concurrent) {
    sc_fifty_concurrent(serve_forever, NULL);
}

AL_TEST(big_answer_slow_reader) {
    sc_big_answer_slow_reader(serve_forever, NULL);
}

AL_TEST(one_thread) {
    sc_one_thread(serve_forever, NULL);
}

AL_TEST(no_fd_leak) {
    sc_no_fd_leak(serve_forever, NULL);
}

AL_TEST(max_connections) {
    sc_server s;
    sc_start(&s, serve_three, NULL);
    for (int i = 0; i < 3; i++) sc_request(&s, "one of three clients", "/three");
    int status = al_kit_server_wait(s.pid, SC_WAIT_MS);
    AL_CHECK_MSG(status == 0, "ex2_serve(fd, 3) must return 0 once its third connection is "
                 "closed; %s", status == -ETIMEDOUT ? "it was still running 3 s later"
                 : status == AL_SUBJECT_LEAK_EXIT ? "it did, but leaked memory (LeakSanitizer's "
                                                    "report, in the output, says where)"
                 : "it ended otherwise (crash or non-zero return)");
    sc_stop(&s);
}

/* ---- hidden twins: the same checks on paths drawn at run time ---- */

AL_TEST(one_client_twin) {
    sc_one_client_drawn(serve_forever, NULL);
}
