/* test_model_ops.c — a task waiting on a completion operation, as the
 * viewer shows it: "recv fd 7 (in the kernel)" on uring, where the kernel
 * does the call, "recv fd 7 (once ready)" where the loop does it after
 * readiness, and a plain readiness wait still "read fd 7". Real programs
 * write the traces; the model reads them back from the file. */
#include "al_test.h"
#include "asynclab.h"
#include "model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int receive(void *arg, intptr_t *result) {
    int fd = *(int *)arg;
    char buf[8];
    int rc = al_recv(fd, buf, sizeof buf);
    *result = rc;
    return rc < 0 ? rc : 0;
}

/* Trace one al_recv on `backend` into a file, read it into the model, and
 * give the words of the receiving task's wait. */
static uint64_t ring_counts;   /* the model's submitted + completed for the last trace */

static void recv_words(const char *backend, char *words, size_t size, int *fd_out) {
    char path[] = "/tmp/asynclab-model-ops-XXXXXX";
    int tfd = mkstemp(path);
    AL_REQUIRE(tfd >= 0);
    close(tfd);
    al_trace *trace = NULL;
    AL_CHECK_OK(al_trace_open_file(&trace, path));
    al_loop *loop = NULL;
    al_loop_options opts = {.backend = backend, .clock = AL_CLOCK_VIRTUAL, .sink = al_trace_sink(trace)};
    AL_CHECK_OK(al_loop_create(&loop, &opts));
    int sp[2];
    AL_REQUIRE_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sp), ==, 0);
    AL_REQUIRE_INT(write(sp[1], "hi", 2), ==, 2);
    al_task *t = NULL;
    AL_CHECK_OK(al_task_create_fiber(loop, &t, "receiver", receive, &sp[0], 0));
    AL_CHECK_INT(al_loop_run_until_complete(loop, t), ==, 0);
    AL_CHECK_INT(al_task_result(t), ==, 2);
    al_task_release(t);
    al_loop_free(loop);
    al_trace_close(trace);
    *fd_out = sp[0];
    close(sp[0]);
    close(sp[1]);

    al_model m;
    al_model_init(&m);
    FILE *fp = fopen(path, "r");
    AL_REQUIRE(fp != NULL);
    AL_CHECK_INT(al_model_read(&m, fp), ==, 0);
    fclose(fp);
    unlink(path);
    words[0] = 0;
    for (size_t i = 1; i < m.nlanes; i++)
        for (size_t j = 0; j < m.lanes[i].nspans; j++)
            if (m.lanes[i].spans[j].state == AL_LANE_WAITING)
                al_span_describe(&m.lanes[i].spans[j], words, size);
    ring_counts = m.submitted + m.completed;
    al_model_free(&m);
}

/* A recv traced on BACKEND is drawn "recv fd N (WHO)"; returns the ring's
 * submissions plus completions the model summed. */
static uint64_t check_recv_drawn(const char *backend, const char *who) {
    char words[64], want[64];
    int fd;
    recv_words(backend, words, sizeof words, &fd);
    snprintf(want, sizeof want, "recv fd %d (%s)", fd, who);
    AL_CHECK_STR(words, want);
    return ring_counts;
}

AL_TEST(with_io_uring_a_recv_is_drawn_in_the_kernel) {
    /* the recv went through the ring: one in, one out */
    AL_CHECK_INT(check_recv_drawn("uring", "in the kernel"), >=, 2);
}

AL_TEST(a_recv_on_a_readiness_backend_says_the_loop_does_it) {
    AL_CHECK_INT(check_recv_drawn("epoll", "once ready"), ==, 0);
}

AL_TEST(an_unknown_operation_is_an_error_naming_the_line) {
    static const char text[] =
        "{\"v\":1,\"ev\":\"hello\",\"t\":0,\"program\":\"p\",\"clock\":\"virtual\",\"backend\":\"uring\",\"pid\":1}\n"
        "{\"t\":0,\"ev\":\"spawn\",\"task\":1,\"name\":\"w\",\"kind\":\"fiber\",\"parent\":0}\n"
        "{\"t\":0,\"ev\":\"resume\",\"task\":1}\n"
        "{\"t\":1,\"ev\":\"suspend\",\"task\":1,\"reason\":\"read\",\"fd\":5,\"op\":\"recv\",\"in_kernel\":true}\n"
        "{\"t\":2,\"ev\":\"suspend\",\"task\":1,\"reason\":\"read\",\"fd\":5,\"op\":\"splice\"}\n";
    al_model m;
    al_model_init(&m);
    FILE *fp = fmemopen((void *)text, sizeof text - 1, "r");
    AL_REQUIRE(fp != NULL);
    AL_CHECK_INT(al_model_read(&m, fp), <, 0);
    fclose(fp);
    AL_CHECK_MSG(strstr(al_model_error(&m), "line 5") && strstr(al_model_error(&m), "unknown \"op\" \"splice\""),
                 "error: %s", al_model_error(&m));
    al_model_free(&m);
}
