/* test_op_handle.c — the handle form of the completion operations (al_op,
 * asynclab/op.h), what the HTTP server uses on uring: done() once with the
 * result, never from al_op_start; cancelling withdraws at once on a
 * readiness backend (1, no done) and asks the kernel on uring (0, then done
 * with -ECANCELED). AL_TEST_PER_BACKEND: the backend is $ASYNCLAB_BACKEND.
 */
#include "al_test.h"
#include "asynclab.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int in_kernel(void) {
    const char *b = getenv("ASYNCLAB_BACKEND");
    return b && strcmp(b, "uring") == 0;
}

typedef struct job {
    al_op op;                /* first: done() finds the job by the op's address */
    int calls, result;
    char buf[32];
} job;

static void job_done(al_op *op) {
    job *j = (job *)((char *)op - offsetof(job, op));
    j->calls++;
    j->result = op->result;
}

static al_loop *new_loop(void) {
    al_loop *loop = NULL;
    AL_CHECK_OK(al_loop_create(&loop, NULL));
    return loop;
}

AL_TEST(handle_recv_calls_done_once_with_the_bytes) {
    al_loop *loop = new_loop();
    int sp[2];
    AL_REQUIRE_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sp), ==, 0);
    AL_CHECK_INT(al_op_in_kernel(loop), ==, in_kernel());
    AL_REQUIRE_INT(write(sp[1], "hello", 5), ==, 5);
    job j = {0};
    j.op = (al_op){.kind = AL_OP_RECV, .fd = sp[0], .buf = j.buf, .len = sizeof j.buf, .done = job_done};
    AL_CHECK_OK(al_op_start(loop, &j.op));
    AL_CHECK_INT(j.calls, ==, 0);   /* never from al_op_start itself */
    AL_CHECK_OK(al_loop_run(loop));   /* the op keeps the loop alive until done */
    AL_CHECK_INT(j.calls, ==, 1);
    AL_CHECK_INT(j.result, ==, 5);
    AL_CHECK(memcmp(j.buf, "hello", 5) == 0);
    al_loop_free(loop);
    close(sp[0]);
    close(sp[1]);
}

AL_TEST(handle_send_then_end_of_stream) {
    al_loop *loop = new_loop();
    int sp[2];
    AL_REQUIRE_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sp), ==, 0);
    job tx = {0}, rx = {0};
    tx.op = (al_op){.kind = AL_OP_SEND, .fd = sp[0], .buf = "pong", .len = 4, .done = job_done};
    AL_CHECK_OK(al_op_start(loop, &tx.op));
    AL_CHECK_OK(al_loop_run(loop));
    AL_CHECK_INT(tx.calls, ==, 1);
    AL_CHECK_INT(tx.result, ==, 4);
    char got[8] = {0};
    AL_CHECK_INT(read(sp[1], got, sizeof got), ==, 4);
    AL_CHECK(memcmp(got, "pong", 4) == 0);
    close(sp[1]);
    rx.op = (al_op){.kind = AL_OP_RECV, .fd = sp[0], .buf = rx.buf, .len = sizeof rx.buf, .done = job_done};
    AL_CHECK_OK(al_op_start(loop, &rx.op));
    AL_CHECK_OK(al_loop_run(loop));
    AL_CHECK_INT(rx.calls, ==, 1);
    AL_CHECK_INT(rx.result, ==, 0);   /* the peer closed: end of stream */
    al_loop_free(loop);
    close(sp[0]);
}

AL_TEST(handle_cancel_withdraws_or_asks_the_kernel) {
    al_loop *loop = new_loop();
    int sp[2];
    AL_REQUIRE_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sp), ==, 0);
    job j = {0};
    j.op = (al_op){.kind = AL_OP_RECV, .fd = sp[0], .buf = j.buf, .len = sizeof j.buf, .done = job_done};
    AL_CHECK_OK(al_op_start(loop, &j.op));   /* no data will come: only a cancel ends it */
    int rc = al_op_cancel(loop, &j.op);
    AL_CHECK_INT(rc, ==, in_kernel() ? 0 : 1);
    AL_CHECK_OK(al_loop_run(loop));   /* uring: until the kernel answered */
    AL_CHECK_INT(j.calls, ==, in_kernel() ? 1 : 0);
    if (in_kernel()) AL_CHECK_INT(j.result, ==, -ECANCELED);
    /* the bytes sent afterwards are still there: the cancelled recv took none */
    AL_REQUIRE_INT(write(sp[1], "x", 1), ==, 1);
    AL_CHECK_INT(recv(sp[0], j.buf, sizeof j.buf, MSG_DONTWAIT), ==, 1);
    al_loop_free(loop);
    close(sp[0]);
    close(sp[1]);
}

AL_TEST(handle_refuses_what_it_cannot_do) {
    al_loop *loop = new_loop();
    job j = {0};
    j.op = (al_op){.kind = AL_OP_RECV, .fd = -1, .buf = j.buf, .len = 1, .done = job_done};
    AL_CHECK_INT(al_op_start(loop, &j.op), ==, -EBADF);
    j.op = (al_op){.kind = AL_OP_RECV, .fd = 0, .buf = j.buf, .len = 1, .done = NULL};
    AL_CHECK_INT(al_op_start(loop, &j.op), ==, -EINVAL);
    j.op = (al_op){.kind = 99, .fd = 0, .buf = j.buf, .len = 1, .done = job_done};
    AL_CHECK_INT(al_op_start(loop, &j.op), ==, -EINVAL);
    AL_CHECK_INT(al_op_start(NULL, &j.op), ==, -EINVAL);
    AL_CHECK_INT(al_op_cancel(loop, NULL), ==, -EINVAL);
    AL_CHECK_INT(j.calls, ==, 0);
    al_loop_free(loop);
}

/* AL_TEST_PER_BACKEND */
