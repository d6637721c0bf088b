/* test_view_step.c — slow motion: the gate a viewer uses to run a traced
 * loop one iteration at a time (core/loop/src/loop_step.c, ASYNCLAB_STEP=fd:N).
 *
 * The gate is called directly here (al_loop_run_once calls it before each
 * iteration). A broken gate would wait for ever: the runner's timeout turns
 * that into a failure. */
#include "al_test.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "asynclab/loop.h"
#include "asynclab/trace.h"

void al__loop_step_gate(al_loop *loop);

typedef struct rig {
    int trace[2], step[2];
    al_loop *loop;
} rig;

/* A loop on `clock` tracing to a pipe, with a step pipe, both in the
 * environment as a viewer would set them. */
static void setup(rig *r, al_clock_kind clock) {
    AL_REQUIRE(pipe(r->trace) == 0 && pipe(r->step) == 0);
    fcntl(r->trace[0], F_SETFL, O_NONBLOCK);
    fcntl(r->step[0], F_SETFL, O_NONBLOCK);
    char v[32];
    snprintf(v, sizeof v, "fd:%d", r->trace[1]);
    setenv("ASYNCLAB_TRACE", v, 1);
    snprintf(v, sizeof v, "fd:%d", r->step[0]);
    setenv("ASYNCLAB_STEP", v, 1);
    al_loop_options o = {.clock = clock};
    AL_REQUIRE(al_loop_new(&r->loop, &o) == 0);
}

static void send_cmds(rig *r, const char *cmds) {
    AL_REQUIRE(write(r->step[1], cmds, strlen(cmds)) == (ssize_t)strlen(cmds));
}

/* Bytes still waiting in the step pipe. */
static size_t unread(rig *r, char *buf, size_t size) {
    ssize_t n = read(r->step[0], buf, size);
    return n > 0 ? (size_t)n : 0;
}

AL_TEST(step_gate_pause_step_continue) {
    rig r;
    setup(&r, AL_CLOCK_VIRTUAL);
    send_cmds(&r, "pssc");
    al__loop_step_gate(r.loop);   /* p: hold; s: run this iteration */
    al__loop_step_gate(r.loop);   /* held again; s: run this one */
    al__loop_step_gate(r.loop);   /* held again; c: free */
    al__loop_step_gate(r.loop);   /* free: nothing to read, go */
    char buf[8];
    AL_CHECK_INT(unread(&r, buf, sizeof buf), ==, 0);   /* every command was taken, in order */
    /* Before holding the loop, the gate flushed its trace for the viewer. */
    char trace[512] = "";
    ssize_t n = read(r.trace[0], trace, sizeof trace - 1);
    AL_CHECK(n > 0 && strstr(trace, "\"ev\":\"hello\"") != NULL);
    al_loop_free(r.loop);
}

AL_TEST(step_gate_waits_for_the_viewer) {
    rig r;
    setup(&r, AL_CLOCK_VIRTUAL);
    send_cmds(&r, "p");
    pid_t pid = fork();
    AL_REQUIRE(pid >= 0);
    if (pid == 0) {
        al__loop_step_gate(r.loop);   /* held until the parent says s */
        _exit(42);
    }
    /* The child is held once its trace has been flushed (it flushes, then
     * waits): only then press "s". */
    struct pollfd p = {.fd = r.trace[0], .events = POLLIN};
    AL_REQUIRE(poll(&p, 1, 10000) == 1);
    int status;
    AL_CHECK_INT(waitpid(pid, &status, WNOHANG), ==, 0);   /* still held */
    send_cmds(&r, "s");
    AL_REQUIRE(waitpid(pid, &status, 0) == pid);
    AL_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);
    al_loop_free(r.loop);
}

AL_TEST(step_gate_ignores_the_real_clock) {
    rig r;
    setup(&r, AL_CLOCK_REAL);
    send_cmds(&r, "p");
    al__loop_step_gate(r.loop);   /* a real-clock loop is never held */
    char buf[8];
    AL_CHECK_INT(unread(&r, buf, sizeof buf), ==, 1);   /* ...and leaves the command alone */
    AL_CHECK_INT(buf[0], ==, 'p');
    al_loop_free(r.loop);
}

/* With ASYNCLAB_STEP=step a new loop's gate does not stop: a 'p' (pause)
 * sent to it stays unread. Frees the loop. */
static void check_gate_ignores(rig *r, const char *step) {
    setenv("ASYNCLAB_STEP", step, 1);
    al_loop_options o = {.clock = AL_CLOCK_VIRTUAL};
    AL_REQUIRE(al_loop_new(&r->loop, &o) == 0);
    send_cmds(r, "p");
    al__loop_step_gate(r->loop);
    char buf[8];
    AL_CHECK_INT(unread(r, buf, sizeof buf), ==, 1);
    al_loop_free(r->loop);
}

AL_TEST(step_gate_ignores_a_trace_to_a_file) {
    rig r;
    AL_REQUIRE(pipe(r.step) == 0);
    fcntl(r.step[0], F_SETFL, O_NONBLOCK);
    char path[] = "/tmp/al_step_trace_XXXXXX";
    int fd = mkstemp(path);
    AL_REQUIRE(fd >= 0);
    close(fd);
    setenv("ASYNCLAB_TRACE", path, 1);   /* nobody watches live */
    char v[32];
    snprintf(v, sizeof v, "fd:%d", r.step[0]);
    check_gate_ignores(&r, v);
    unlink(path);
}

AL_TEST(step_gate_runs_free_when_the_viewer_is_gone) {
    rig r;
    setup(&r, AL_CLOCK_VIRTUAL);
    send_cmds(&r, "p");
    close(r.step[1]);             /* the viewer quit (or crashed) */
    al__loop_step_gate(r.loop);   /* held by 'p', then end of file: free */
    al__loop_step_gate(r.loop);   /* (a hang here is the failure: the runner's timeout) */
    al__loop_step_gate(r.loop);
    al_loop_free(r.loop);
}

AL_TEST(step_gate_without_environment_is_a_no_op) {
    unsetenv("ASYNCLAB_STEP");
    unsetenv("ASYNCLAB_TRACE");
    al_loop *loop;
    al_loop_options o = {.clock = AL_CLOCK_VIRTUAL};
    AL_REQUIRE(al_loop_new(&loop, &o) == 0);
    for (int i = 0; i < 1000; i++) al__loop_step_gate(loop);   /* returns at once, every time */
    al_loop_free(loop);
}

AL_TEST(step_gate_rejects_malformed_fd) {
    rig r;
    setup(&r, AL_CLOCK_VIRTUAL);
    al_loop_free(r.loop);
    char v[32];
    snprintf(v, sizeof v, "fd:%dx", r.step[0]);   /* not a descriptor number: no stepping */
    check_gate_ignores(&r, v);
}
