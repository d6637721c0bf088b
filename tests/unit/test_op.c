/* test_op.c — completion operations (al_recv, al_send, al_accept) on every
 * backend: the kernel does them on uring, the loop does them after readiness
 * on the others, and a program cannot tell except by the trace and by what
 * cancelling costs. AL_TEST_PER_BACKEND: the backend is $ASYNCLAB_BACKEND.
 */
#include "al_test.h"
#include "asynclab.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int in_kernel(void) {
    const char *b = getenv("ASYNCLAB_BACKEND");
    return b && strcmp(b, "uring") == 0;
}

/* What the loop said about suspends on operations. */
typedef struct op_sink {
    al_event_sink sink;
    int op_suspends, kernel_suspends;
    char last_op[8];
} op_sink;

static void op_emit(al_event_sink *sink, const al_trace_event *ev) {
    op_sink *s = (op_sink *)sink;
    if (ev->type != AL_EV_SUSPEND || !ev->text2) return;
    s->op_suspends++;
    s->kernel_suspends += ev->other == 1;
    snprintf(s->last_op, sizeof s->last_op, "%s", ev->text2);
}
static int op_flush(al_event_sink *sink) { (void)sink; return 0; }
static void op_close(al_event_sink *sink) { (void)sink; }
static const al_event_sink_ops op_sink_ops = {op_emit, op_flush, op_close};

static al_loop *new_loop(op_sink *s) {
    al_loop *loop = NULL;
    al_loop_options opts = {.sink = s ? &s->sink : NULL};
    if (s) *s = (op_sink){.sink = {&op_sink_ops}};
    AL_CHECK_OK(al_loop_create(&loop, &opts));
    return loop;
}

static void make_socketpair(int s[2]) {
    AL_REQUIRE_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s), ==, 0);
}

/* ---- recv and send ------------------------------------------------------- */

typedef struct io_job {
    int fd;
    char buf[64];
    size_t len;
    int rc;
} io_job;

static int do_recv(void *arg, intptr_t *result) {
    io_job *j = arg;
    j->rc = al_recv(j->fd, j->buf, j->len);
    *result = j->rc;
    return j->rc < 0 ? j->rc : 0;
}

static int do_send(void *arg, intptr_t *result) {
    io_job *j = arg;
    j->rc = al_send(j->fd, j->buf, j->len);
    *result = j->rc;
    return j->rc < 0 ? j->rc : 0;
}

AL_TEST(recv_gets_what_send_sent) {
    op_sink s;
    al_loop *loop = new_loop(&s);
    int sp[2];
    make_socketpair(sp);
    io_job rx = {.fd = sp[0], .len = sizeof rx.buf}, tx = {.fd = sp[1], .len = 5};
    memcpy(tx.buf, "hello", 5);
    al_task *r = NULL, *w = NULL;
    AL_CHECK_OK(al_task_create_fiber(loop, &r, "rx", do_recv, &rx, 0));
    AL_CHECK_OK(al_task_create_fiber(loop, &w, "tx", do_send, &tx, 0));
    AL_CHECK_INT(al_loop_run_until_complete(loop, r), ==, 0);
    AL_CHECK_INT(al_loop_run_until_complete(loop, w), ==, 0);
    AL_CHECK_INT(rx.rc, ==, 5);
    AL_CHECK(memcmp(rx.buf, "hello", 5) == 0);
    AL_CHECK_INT(tx.rc, ==, 5);
    /* The trace names the operations, and says who did them. */
    AL_CHECK_INT(s.op_suspends, >=, 1);
    AL_CHECK_INT(s.kernel_suspends, ==, in_kernel() ? s.op_suspends : 0);
    al_task_release(r);
    al_task_release(w);
    al_loop_free(loop);
    close(sp[0]);
    close(sp[1]);
}

AL_TEST(recv_at_end_of_stream_is_zero_and_errors_are_errnos) {
    al_loop *loop = new_loop(NULL);
    int sp[2], p[2];
    make_socketpair(sp);
    close(sp[1]);
    AL_REQUIRE_INT(pipe(p), ==, 0);
    AL_REQUIRE_INT(write(p[1], "x", 1), ==, 1);
    io_job eof = {.fd = sp[0], .len = 8}, pipe_job = {.fd = p[0], .len = 8}, bad = {.fd = p[1] + 100, .len = 8};
    al_task *t[3] = {NULL, NULL, NULL};
    AL_CHECK_OK(al_task_create_fiber(loop, &t[0], "eof", do_recv, &eof, 0));
    AL_CHECK_OK(al_task_create_fiber(loop, &t[1], "pipe", do_recv, &pipe_job, 0));
    AL_CHECK_OK(al_task_create_fiber(loop, &t[2], "bad", do_recv, &bad, 0));
    for (int i = 0; i < 3; i++) al_loop_run_until_complete(loop, t[i]);
    AL_CHECK_INT(eof.rc, ==, 0);
    AL_CHECK_INT(pipe_job.rc, ==, -ENOTSOCK);   /* recv is for sockets, in the kernel or not */
    AL_CHECK_INT(bad.rc, ==, -EBADF);
    for (int i = 0; i < 3; i++) al_task_release(t[i]);
    al_loop_free(loop);
    close(sp[0]);
    close(p[0]);
    close(p[1]);
}

AL_TEST(send_to_a_closed_peer_is_epipe_not_a_signal) {
    signal(SIGPIPE, SIG_DFL);   /* the runner ignores it; a program may not */
    al_loop *loop = new_loop(NULL);
    int sp[2];
    make_socketpair(sp);
    close(sp[1]);
    io_job tx = {.fd = sp[0], .len = 4};
    memcpy(tx.buf, "lost", 4);
    al_task *t = NULL;
    AL_CHECK_OK(al_task_create_fiber(loop, &t, "tx", do_send, &tx, 0));
    al_loop_run_until_complete(loop, t);      /* SIGPIPE would end the process here */
    AL_CHECK_INT(tx.rc, ==, -EPIPE);
    al_task_release(t);
    al_loop_free(loop);
    close(sp[0]);
}

/* A stackless coroutine gets the result of the call through AL_AWAIT. */
struct gen_recv { al_gen gen; int fd; int rc; char buf[16]; };

static int gen_recv(al_gen *g) {
    struct gen_recv *f = (struct gen_recv *)g;
    AL_GEN_BEGIN(g);
    AL_AWAIT(g, f->rc, al_recv(f->fd, f->buf, sizeof f->buf));
    AL_GEN_RETURN(g, f->rc);
    AL_GEN_END(g);
}

AL_TEST(a_stackless_task_awaits_recv) {
    al_loop *loop = new_loop(NULL);
    int sp[2];
    make_socketpair(sp);
    AL_REQUIRE_INT(write(sp[1], "abc", 3), ==, 3);
    struct gen_recv init = {.fd = sp[0]};
    al_task *t = NULL;
    AL_CHECK_OK(al_task_create(loop, &t, "g", gen_recv, &init, sizeof init));
    AL_CHECK_INT(al_loop_run_until_complete(loop, t), ==, 0);
    AL_CHECK_INT(al_task_result(t), ==, 3);
    AL_CHECK(memcmp(((struct gen_recv *)al_task_frame(t))->buf, "abc", 3) == 0);
    al_task_release(t);
    al_loop_free(loop);
    close(sp[0]);
    close(sp[1]);
}

/* Run the loop for a few iterations without ever blocking: a task that
 * yields, run until it is done (then the loop only looks). */
static int yield_a_few(void *arg, intptr_t *result) {
    (void)arg, (void)result;
    for (int i = 0; i < 3; i++) al_yield();
    return 0;
}

static void run_a_little(al_loop *loop) {
    al_task *t = NULL;
    AL_CHECK_OK(al_task_create_fiber(loop, &t, "yield", yield_a_few, NULL, 0));
    AL_CHECK_INT(al_loop_run_until_complete(loop, t), ==, 0);
    al_task_release(t);
}

/* ---- accept --------------------------------------------------------------- */

static int do_accept(void *arg, intptr_t *result) {
    int *fd = arg;
    int rc = al_accept(*fd);
    *result = rc;
    return rc < 0 ? rc : 0;
}

AL_TEST(accept_gets_a_nonblocking_cloexec_connection) {
    al_loop *loop = new_loop(NULL);
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    AL_REQUIRE(lfd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    AL_REQUIRE_INT(bind(lfd, (struct sockaddr *)&a, sizeof a), ==, 0);
    AL_REQUIRE_INT(listen(lfd, 8), ==, 0);
    AL_REQUIRE_INT(getsockname(lfd, (struct sockaddr *)&a, &alen), ==, 0);
    al_task *t = NULL;
    AL_CHECK_OK(al_task_create_fiber(loop, &t, "accept", do_accept, &lfd, 0));
    run_a_little(loop);                                /* the accept is out, nobody came yet */
    AL_CHECK(!al_task_is_done(t));
    int c = socket(AF_INET, SOCK_STREAM, 0);
    AL_REQUIRE_INT(connect(c, (struct sockaddr *)&a, sizeof a), ==, 0);
    AL_CHECK_INT(al_loop_run_until_complete(loop, t), ==, 0);
    int fd = (int)al_task_result(t);
    AL_REQUIRE(fd >= 0);
    AL_CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
    AL_CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    AL_CHECK_INT(write(c, "x", 1), ==, 1);
    char ch = 0;
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    AL_CHECK_INT(poll(&pfd, 1, 10000), ==, 1);
    AL_CHECK_INT(read(fd, &ch, 1), ==, 1);
    AL_CHECK_INT(ch, ==, 'x');
    al_task_release(t);
    al_loop_free(loop);
    close(fd);
    close(c);
    close(lfd);
}

/* ---- cancellation ---------------------------------------------------------- */

typedef struct cancel_job {
    al_task *victim;
    int victim_state_after;   /* right after al_task_cancel returned */
} cancel_job;

static int canceller(void *arg, intptr_t *result) {
    cancel_job *c = arg;
    (void)result;
    al_yield();               /* let the victim's recv go out first */
    al_yield();
    AL_CHECK_INT(al_task_cancel(c->victim), ==, 0);
    c->victim_state_after = al_task_state_of(c->victim);
    return 0;
}

AL_TEST(cancelled_recv_is_cancelled_in_the_kernel_before_it_returns) {
    op_sink s;
    al_loop *loop = new_loop(&s);
    int sp[2];
    make_socketpair(sp);
    io_job rx = {.fd = sp[0], .len = sizeof rx.buf, .rc = 1};
    memset(rx.buf, '.', sizeof rx.buf);
    al_task *r = NULL, *c = NULL;
    cancel_job cj = {0};
    AL_CHECK_OK(al_task_create_fiber(loop, &r, "rx", do_recv, &rx, 0));
    cj.victim = r;
    AL_CHECK_OK(al_task_create_fiber(loop, &c, "cancel", canceller, &cj, 0));
    AL_CHECK_INT(al_loop_run_until_complete(loop, r), ==, -ECANCELED);
    AL_CHECK_INT(rx.rc, ==, -ECANCELED);
    /* On uring the task keeps waiting until the kernel has answered (its
     * buffer is still the kernel's); elsewhere withdrawing is immediate. */
    AL_CHECK_INT(cj.victim_state_after, ==, in_kernel() ? AL_TASK_WAITING : AL_TASK_READY);
    AL_CHECK_INT(s.kernel_suspends, ==, in_kernel() ? 1 : 0);
    /* Really cancelled: bytes sent now stay in the socket, the buffer is untouched. */
    AL_REQUIRE_INT(write(sp[1], "late", 4), ==, 4);
    run_a_little(loop);
    char got[8] = "";
    AL_CHECK_INT(recv(sp[0], got, sizeof got, MSG_DONTWAIT), ==, 4);
    AL_CHECK(memcmp(got, "late", 4) == 0);
    AL_CHECK(rx.buf[0] == '.');
    al_task_release(r);
    al_task_release(c);
    al_loop_free(loop);
    close(sp[0]);
    close(sp[1]);
}

AL_TEST(freeing_the_loop_with_an_operation_out_cancels_it_first) {
    al_loop *loop = new_loop(NULL);
    int sp[2];
    make_socketpair(sp);
    io_job *rx = calloc(1, sizeof *rx);
    AL_REQUIRE(rx != NULL);
    rx->fd = sp[0];
    rx->len = sizeof rx->buf;
    al_task *r = NULL;
    AL_CHECK_OK(al_task_create_fiber(loop, &r, "rx", do_recv, rx, 0));
    run_a_little(loop);
    AL_CHECK(!al_task_is_done(r));
    AL_CHECK(al_loop_alive(loop));     /* an operation out keeps the loop alive */
    al_task_release(r);
    al_loop_free(loop);                /* the kernel lets go of rx->buf here... */
    free(rx);                          /* ...so freeing it is safe */
    /* Neither ASan nor Valgrind sees the kernel write into memory: what shows
     * that the recv is gone is that bytes sent now stay in the socket. */
    AL_REQUIRE_INT(write(sp[1], "late", 4), ==, 4);
    char got[8];
    AL_CHECK_INT(recv(sp[0], got, sizeof got, MSG_DONTWAIT), ==, 4);
    close(sp[0]);
    close(sp[1]);
}

/* ---- deadlines, in virtual time ---------------------------------------------- */

typedef struct until_job {
    int fd;
    int64_t deadline;
    char buf[16];
    int rc;
    int64_t returned_at;
} until_job;

static int recv_until_job(void *arg, intptr_t *result) {
    until_job *j = arg;
    j->rc = al_recv_until(j->fd, j->buf, sizeof j->buf, j->deadline);
    j->returned_at = al_loop_now(al_task_loop(al_task_current()));
    *result = j->rc;
    return 0;
}

static al_loop *virtual_loop(void) {
    al_loop *loop = NULL;
    al_loop_options opts = {.clock = AL_CLOCK_VIRTUAL};
    AL_CHECK_OK(al_loop_create(&loop, &opts));
    return loop;
}

AL_TEST(recv_until_a_deadline_times_out_and_leaves_the_bytes_alone) {
    al_loop *loop = virtual_loop();
    int sp[2];
    make_socketpair(sp);
    until_job j = {.fd = sp[0], .deadline = 5000};
    memset(j.buf, '.', sizeof j.buf);
    al_task *t = NULL;
    AL_CHECK_OK(al_task_create_fiber(loop, &t, "rx", recv_until_job, &j, 0));
    AL_CHECK_INT(al_loop_run_until_complete(loop, t), ==, 0);
    AL_CHECK_INT(j.rc, ==, -ETIMEDOUT);
    AL_CHECK_INT(j.returned_at, ==, 5000);     /* exactly the deadline: virtual time */
    AL_CHECK_INT(al_loop_alive(loop), ==, 0);   /* nothing left out in the kernel */
    AL_REQUIRE_INT(write(sp[1], "late", 4), ==, 4);
    char got[8];
    AL_CHECK_INT(recv(sp[0], got, sizeof got, MSG_DONTWAIT), ==, 4);
    AL_CHECK(j.buf[0] == '.');
    al_task_release(t);
    al_loop_free(loop);
    close(sp[0]);
    close(sp[1]);
}

AL_TEST(recv_until_a_deadline_returns_the_bytes_that_came_in_time) {
    al_loop *loop = virtual_loop();
    int sp[2];
    make_socketpair(sp);
    AL_REQUIRE_INT(write(sp[1], "on time", 7), ==, 7);
    until_job j = {.fd = sp[0], .deadline = 5000};
    al_task *t = NULL;
    AL_CHECK_OK(al_task_create_fiber(loop, &t, "rx", recv_until_job, &j, 0));
    AL_CHECK_INT(al_loop_run_until_complete(loop, t), ==, 0);
    AL_CHECK_INT(j.rc, ==, 7);
    AL_CHECK(memcmp(j.buf, "on time", 7) == 0);
    AL_CHECK_INT(j.returned_at, ==, 0);
    AL_CHECK_INT(al_loop_alive(loop), ==, 0);   /* the deadline's timer is gone */
    al_task_release(t);
    al_loop_free(loop);
    close(sp[0]);
    close(sp[1]);
}

/* AL_TEST_PER_BACKEND */
