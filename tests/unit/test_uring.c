/* test_uring.c — the uring backend where the kernel refuses io_uring, and
 * the words a program prints when a loop cannot be had (asynclab serve, and
 * asynclab grade of an exercise that requires io_uring).
 *
 * The refusal is real: a forked child installs a seccomp filter that makes
 * io_uring_setup fail with EPERM (what Docker's default profile does), then
 * asks for loops. The child reports over a pipe; the parent checks.
 */
#include "al_test.h"
#include "asynclab.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#endif

/* io_uring_setup fails with EPERM from now on, in this process and its
 * children; every other system call is allowed. */
static int refuse_io_uring(void) {
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof code / sizeof code[0], .filter = code};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return -errno;
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) return -errno;
    return 0;
}

typedef struct child_report {
    int filter_rc;
    int uring_rc, uring_new_rc, epoll_rc, default_rc;
    char uring_msg[256], uring_new_msg[256];
    char default_backend[16];
} child_report;

/* In the filtered child: ask for each loop, write down what happened. */
static void child(int out) {
    child_report r = {0};
    r.filter_rc = refuse_io_uring();
    al_loop *loop = NULL;
    al_loop_options uring = {.backend = "uring"};
    r.uring_rc = al_loop_create(&loop, &uring);
    snprintf(r.uring_msg, sizeof r.uring_msg, "%s", al_loop_backend_error(r.uring_rc));
    al_loop_free(loop);
    loop = NULL;
    r.uring_new_rc = al_loop_new(&loop, &uring);
    snprintf(r.uring_new_msg, sizeof r.uring_new_msg, "%s", al_loop_backend_error(r.uring_new_rc));
    al_loop_free(loop);
    loop = NULL;
    al_loop_options epoll = {.backend = "epoll"};
    r.epoll_rc = al_loop_create(&loop, &epoll);
    al_loop_free(loop);
    loop = NULL;
    unsetenv("ASYNCLAB_BACKEND");
    r.default_rc = al_loop_create(&loop, NULL);
    if (loop) snprintf(r.default_backend, sizeof r.default_backend, "%s", al_loop_backend_name(loop));
    al_loop_free(loop);
    _exit(write(out, &r, sizeof r) == (ssize_t)sizeof r ? 0 : 1);
}

/* A child with a pipe to the parent: p[1] is the child's end, p[0] the
 * parent's; each side has closed the other's. */
static pid_t fork_piped(int p[2]) {
    AL_REQUIRE_INT(pipe(p), ==, 0);
    pid_t pid = fork();
    AL_REQUIRE(pid >= 0);
    close(pid == 0 ? p[0] : p[1]);
    return pid;
}

AL_TEST(uring_refused_by_seccomp_fails_at_creation_saying_why) {
    int p[2];
    pid_t pid = fork_piped(p);
    if (pid == 0) child(p[1]);
    child_report r;
    ssize_t got = read(p[0], &r, sizeof r);
    close(p[0]);
    int status;
    AL_REQUIRE_INT(waitpid(pid, &status, 0), ==, pid);
    AL_REQUIRE_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
    AL_REQUIRE_INT(got, ==, (ssize_t)sizeof r);
    AL_REQUIRE_INT(r.filter_rc, ==, 0);

    AL_CHECK_INT(r.uring_rc, ==, -EPERM);
    AL_CHECK_STR(r.uring_msg, "io_uring is not available here: io_uring_setup: Operation not "
                              "permitted (a container's seccomp profile or "
                              "kernel.io_uring_disabled); use ASYNCLAB_BACKEND=epoll");
    AL_CHECK_INT(r.uring_new_rc, ==, -EPERM);
    AL_CHECK_STR(r.uring_new_msg, r.uring_msg);
    /* epoll is untouched by the filter, and stays the default */
    AL_CHECK_INT(r.epoll_rc, ==, 0);
    AL_CHECK_INT(r.default_rc, ==, 0);
    AL_CHECK_STR(r.default_backend, "epoll");
}

AL_TEST(with_io_uring_a_uring_loop_is_created) {
    al_loop *loop = NULL;
    al_loop_options uring = {.backend = "uring"};
    AL_CHECK_OK(al_loop_create(&loop, &uring));
    AL_CHECK_STR(al_loop_backend_name(loop), "uring");
    al_loop_free(loop);
}

AL_TEST(unknown_backend_is_named_with_the_choices) {
    al_loop *loop = NULL;
    al_loop_options kq = {.backend = "kqueue"};
    int rc = al_loop_create(&loop, &kq);
    AL_CHECK_INT(rc, ==, -EINVAL);
    AL_CHECK(loop == NULL);
    AL_CHECK_STR(al_loop_backend_error(rc),
                 "unknown backend 'kqueue': choose one of select, poll, epoll, uv, uring");
    setenv("ASYNCLAB_BACKEND", "iocp", 1);
    rc = al_loop_create(&loop, NULL);
    AL_CHECK_INT(rc, ==, -EINVAL);
    AL_CHECK_STR(al_loop_backend_error(rc), "unknown backend 'iocp' (from $ASYNCLAB_BACKEND): "
                                            "choose one of select, poll, epoll, uv, uring");
    /* Another error, or a later success, is never explained with old words. */
    AL_CHECK_STR(al_loop_backend_error(-ENOMEM), al_strerror(-ENOMEM));
    unsetenv("ASYNCLAB_BACKEND");
    AL_CHECK_OK(al_loop_create(&loop, NULL));
    AL_CHECK_STR(al_loop_backend_error(-EINVAL), al_strerror(-EINVAL));
    al_loop_free(loop);
}

AL_TEST(serve_on_refused_uring_prints_why_and_exits_1) {
    /* What a user sees: the program's own line, with the loop's words. */
    int p[2];
    pid_t pid = fork_piped(p);
    if (pid == 0) {
        dup2(p[1], 2);
        dup2(p[1], 1);
        if (refuse_io_uring() < 0) _exit(99);
        execl(AL_ASYNCLAB_BIN, "asynclab", "serve", "--backend", "uring", "--port", "0", (char *)NULL);
        _exit(98);
    }
    char out[1024] = "";
    size_t len = 0;
    ssize_t got;
    while (len < sizeof out - 1 && (got = read(p[0], out + len, sizeof out - 1 - len)) > 0)
        len += (size_t)got;
    out[len] = 0;
    close(p[0]);
    int status;
    AL_REQUIRE_INT(waitpid(pid, &status, 0), ==, pid);
    AL_CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %d, output: %s", status, out);
    AL_CHECK_MSG(strstr(out, "asynclab serve: cannot create the loop: io_uring is not available "
                             "here: io_uring_setup: Operation not permitted") != NULL,
                 "output: %s", out);
    AL_CHECK_MSG(strstr(out, "use ASYNCLAB_BACKEND=epoll") != NULL, "output: %s", out);
}

/* ---- the grader: an exercise that requires io_uring, refused ------------- */

/* Run the program args[0] (a path) under the filter; its output (stdout and
 * stderr) into out. Returns the wait status. */
static int run_refused(char *const args[], const char *data_home, char *out, size_t size) {
    int p[2];
    pid_t pid = fork_piped(p);
    if (pid == 0) {
        dup2(p[1], 2);
        dup2(p[1], 1);
        setenv("XDG_DATA_HOME", data_home, 1);   /* no one's real progress.json */
        if (refuse_io_uring() < 0) _exit(99);
        execv(args[0], args);
        _exit(98);
    }
    size_t len = 0;
    ssize_t got;
    while (len < size - 1 && (got = read(p[0], out + len, size - 1 - len)) > 0) len += (size_t)got;
    out[len] = 0;
    close(p[0]);
    int status = -1;
    waitpid(pid, &status, 0);
    return status;
}

static int count_lines(const char *s) {
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

#define REFUSED_LINE "asynclab grade: exercise 07-uring-server requires io_uring, and this " \
                     "machine refuses it"
#define REFUSED_WHY "io_uring_setup failed with EPERM (Operation not permitted), usually a " \
                    "container's seccomp profile"

/* Gradescope's results.json for the refused exercise 7: not graded, and not
 * the submission's fault; Gradescope's schema as grade_schema.sh checks it. */
static void check_refused_results(const char *json) {
    char text[4096] = "";
    FILE *f = fopen(json, "r");
    AL_REQUIRE_MSG(f != NULL, "no %s", json);
    text[fread(text, 1, sizeof text - 1, f)] = 0;
    fclose(f);
    AL_CHECK_MSG(strstr(text, "This autograder's machine cannot run exercise 7 (07-uring-server), "
                              "so your submission was not graded. This is not your submission's "
                              "fault") != NULL, "%s", text);
    AL_CHECK_MSG(strstr(text, REFUSED_WHY) != NULL, "%s", text);
    AL_CHECK_MSG(strstr(text, "\"graded\":\tfalse") != NULL, "%s", text);
    AL_CHECK_MSG(strstr(text, "\"tests\":\t[]") != NULL, "%s", text);
    char check[1024];
    snprintf(check, sizeof check,
             "/usr/bin/python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import grade_check; "
             "grade_check.check_gradescope(sys.argv[2])' '%s' '%s'", AL_GRADE_CHECK_DIR, json);
    AL_CHECK_INT(system(check), ==, 0);
}

AL_TEST(grade_on_refused_uring_says_why_up_front_and_exits_4) {
    /* Exercise 7's manifest says `requires = io_uring`: the grader checks it
     * before building anything and says why in one line, instead of failing
     * every test of a correct submission (the reference solution here). */
    char dir[] = "/tmp/al-uring-grade-XXXXXX";
    AL_REQUIRE(mkdtemp(dir) != NULL);
    char json[sizeof dir + 16];
    snprintf(json, sizeof json, "%s/results.json", dir);
    char *const args[] = {AL_ASYNCLAB_BIN, "grade", "7", "--solution", "--json", json, NULL};
    char out[4096];
    int status = run_refused(args, dir, out, sizeof out);
    AL_CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 4, "status %d, output: %s", status, out);
    AL_CHECK_MSG(strncmp(out, REFUSED_LINE, strlen(REFUSED_LINE)) == 0, "output: %s", out);
    AL_CHECK_MSG(strstr(out, REFUSED_WHY) != NULL, "output: %s", out);
    AL_CHECK_MSG(count_lines(out) == 1, "more than the one line: %s", out);   /* no table, no test */

    check_refused_results(json);
    unlink(json);

    /* Gradescope's own entry point, its run_autograder, keeps that file */
    char here[sizeof dir + 16];
    snprintf(here, sizeof here, "%s/gs", dir);
    char *const gs_args[] = {"/bin/sh", AL_GRADE_CHECK_DIR "/run_autograder_here.sh",
                             AL_ASYNCLAB_BIN, "7", here, NULL};
    status = run_refused(gs_args, dir, out, sizeof out);
    AL_CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d, output: %s", status, out);
    char gs_json[sizeof here + 64];
    snprintf(gs_json, sizeof gs_json, "%s/autograder/results/results.json", here);
    check_refused_results(gs_json);
    char rm[sizeof here + 16];
    snprintf(rm, sizeof rm, "rm -rf '%s'", here);
    AL_CHECK_INT(system(rm), ==, 0);

    /* A class on a machine that refuses: no one is graded, up front */
    char roster[sizeof dir + 16], grades[sizeof dir + 16];
    snprintf(roster, sizeof roster, "%s/class", dir);
    snprintf(grades, sizeof grades, "%s/grades", dir);
    AL_REQUIRE_INT(mkdir(roster, 0700), ==, 0);
    char *const class_args[] = {AL_ASYNCLAB_BIN, "grade", "7", "--roster", roster, "-o", grades, NULL};
    status = run_refused(class_args, dir, out, sizeof out);
    AL_CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 4, "status %d, output: %s", status, out);
    AL_CHECK_MSG(strncmp(out, REFUSED_LINE, strlen(REFUSED_LINE)) == 0, "output: %s", out);
    AL_CHECK_INT(access(grades, F_OK), ==, -1);   /* nothing written */

    /* watch would fail every grade of the session: it does not start */
    char *const watch_args[] = {AL_ASYNCLAB_BIN, "watch", "7", "--poll", NULL};
    status = run_refused(watch_args, dir, out, sizeof out);
    AL_CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 4, "status %d, output: %s", status, out);
    AL_CHECK_MSG(strstr(out, "asynclab watch: exercise 07-uring-server requires io_uring") == out,
                 "output: %s", out);
    AL_CHECK_MSG(count_lines(out) == 1, "more than the one line: %s", out);
    rmdir(roster);
    rmdir(dir);
}

/* ---- counting: submissions and completions in poll_end ------------------ */

typedef struct poll_counter {
    al_event_sink sink;
    int polls, busy_polls;            /* poll_end events, and those with a count */
    uint64_t submitted, completed;
    int odd;                          /* a ready=1 poll that was not exactly 1 in, 1 out */
} poll_counter;

static void count_emit(al_event_sink *sink, const al_trace_event *ev) {
    poll_counter *c = (poll_counter *)sink;
    if (ev->type != AL_EV_POLL_END) return;
    c->polls++;
    c->busy_polls += ev->submitted || ev->completed;
    c->submitted += ev->submitted;
    c->completed += ev->completed;
    if (ev->value == 1 && (ev->submitted != 1 || ev->completed != 1)) c->odd++;
}
static int count_flush(al_event_sink *sink) { (void)sink; return 0; }
static void count_close(al_event_sink *sink) { (void)sink; }
static const al_event_sink_ops count_ops = {count_emit, count_flush, count_close};

#define ROUNDS 4

/* Write a byte, wait until it can be read, read it: ROUNDS times. */
static int ping_self(void *arg, intptr_t *result) {
    int *s = arg;
    char c = 'x';
    for (int i = 0; i < ROUNDS; i++) {
        if (write(s[1], &c, 1) != 1) return -errno;
        int rc = al_wait_readable(s[0]);
        if (rc < 0) return rc;
        if (read(s[0], &c, 1) != 1) return -EIO;
    }
    *result = ROUNDS;
    return 0;
}

static poll_counter run_counted(const char *backend) {
    poll_counter c = {.sink = {&count_ops}};
    al_loop *loop = NULL;
    al_loop_options opts = {.backend = backend, .sink = &c.sink};
    AL_CHECK_OK(al_loop_create(&loop, &opts));
    int s[2];
    AL_REQUIRE_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, s), ==, 0);
    al_task *t = NULL;
    AL_CHECK_OK(al_task_create_fiber(loop, &t, "ping", ping_self, s, 0));
    AL_CHECK_INT(al_loop_run_until_complete(loop, t), ==, 0);
    AL_CHECK_INT(al_task_result(t), ==, ROUNDS);
    al_task_release(t);
    al_loop_free(loop);
    close(s[0]);
    close(s[1]);
    return c;
}

AL_TEST(with_io_uring_poll_end_counts_one_request_and_one_completion_per_wait) {
    /* Each wait is one POLL_ADD, submitted by the poll that follows it and
     * completed at once (the byte is there): one in, one out. */
    poll_counter c = run_counted("uring");
    AL_CHECK_INT(c.polls, >=, ROUNDS);
    AL_CHECK_INT(c.submitted, ==, ROUNDS);
    AL_CHECK_INT(c.completed, ==, ROUNDS);
    AL_CHECK_INT(c.busy_polls, ==, ROUNDS);
    AL_CHECK_INT(c.odd, ==, 0);
}

AL_TEST(readiness_backends_count_nothing) {
    static const char *const readiness[] = {"select", "poll", "epoll", "uv"};
    for (size_t i = 0; i < sizeof readiness / sizeof readiness[0]; i++) {
        poll_counter c = run_counted(readiness[i]);
        AL_CHECK_MSG(c.polls >= ROUNDS && c.busy_polls == 0,
                     "%s: %d polls, %d with counts", readiness[i], c.polls, c.busy_polls);
    }
}

AL_TEST(poll_end_counts_are_written_and_read_back) {
    al_trace_event ev = {.t = 8, .type = AL_EV_POLL_END, .fd = -1, .value = 2,
                         .submitted = 3, .completed = 2};
    char line[256];
    AL_REQUIRE_INT(al_trace_format(&ev, line, sizeof line), >, 0);
    AL_CHECK_STR(line, "{\"t\":8,\"ev\":\"poll_end\",\"ready\":2,\"submitted\":3,\"completed\":2}\n");
    ev.submitted = ev.completed = 0;   /* the readiness backends: the line as it always was */
    AL_REQUIRE_INT(al_trace_format(&ev, line, sizeof line), >, 0);
    AL_CHECK_STR(line, "{\"t\":8,\"ev\":\"poll_end\",\"ready\":2}\n");

    static const char stream[] =
        "{\"v\":1,\"t\":0,\"ev\":\"hello\",\"backend\":\"uring\"}\n"
        "{\"t\":8,\"ev\":\"poll_end\",\"ready\":2,\"submitted\":3,\"completed\":2}\n"
        "{\"t\":9,\"ev\":\"poll_end\",\"ready\":0}\n"
        "{\"t\":10,\"ev\":\"poll_end\",\"ready\":0,\"submitted\":-1}\n";
    FILE *fp = fmemopen((void *)stream, sizeof stream - 1, "r");
    AL_REQUIRE(fp != NULL);
    al_trace_reader *r = NULL;
    AL_CHECK_OK(al_trace_reader_open(&r, fp));
    AL_REQUIRE_INT(al_trace_reader_next(r, &ev), ==, 1);          /* hello */
    AL_REQUIRE_INT(al_trace_reader_next(r, &ev), ==, 1);
    AL_CHECK_INT(ev.submitted, ==, 3);
    AL_CHECK_INT(ev.completed, ==, 2);
    AL_REQUIRE_INT(al_trace_reader_next(r, &ev), ==, 1);          /* an older line: 0 */
    AL_CHECK_INT(ev.submitted, ==, 0);
    AL_CHECK_INT(ev.completed, ==, 0);
    AL_CHECK_INT(al_trace_reader_next(r, &ev), ==, -EPROTO);
    AL_CHECK_MSG(strstr(al_trace_reader_error(r), "line 4") &&
                 strstr(al_trace_reader_error(r), "\"submitted\" is out of range"),
                 "error: %s", al_trace_reader_error(r));
    al_trace_reader_close(r);
    fclose(fp);
}

/* ---- the backend's own promise about removal ---------------------------- */

AL_TEST(with_io_uring_a_socket_closed_after_del_is_closed_at_once) {
    /* An armed poll request holds the open file. del() to 0 must take it
     * out of the kernel before returning, or the peer would not see the
     * close until the next poll (or ever, if the loop stops polling). */
    const al_backend_ops *be = al_backend_find("uring");
    void *st = NULL;
    AL_CHECK_OK(be->create(&st));
    int s[2];
    AL_REQUIRE_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, s), ==, 0);
    al_fired fired[4];
    AL_CHECK_INT(be->add(st, s[0], 0, AL_READABLE), ==, 0);
    AL_CHECK_INT(be->poll(st, 0, fired, 4), ==, 0);      /* armed: nothing to read */
    AL_CHECK_INT(be->del(st, s[0], AL_READABLE, AL_READABLE), ==, 0);
    close(s[0]);
    char c;
    AL_CHECK_INT(recv(s[1], &c, 1, MSG_DONTWAIT), ==, 0);   /* end of file, not EAGAIN */
    unsigned submitted = 0, completed = 0;
    be->counts(st, &submitted, &completed);
    AL_CHECK_INT(submitted, ==, 2);                       /* the poll, the removal */
    be->destroy(st);
    close(s[1]);
}

static void op_done_count(al_op *op) { (*(int *)op->loop)++; }

/* Start op in the kernel, cancel it, close its descriptor: the kernel must
 * have let go of the file before op_cancel returned, so the peer sees the
 * close before any further poll (close_seen). A server that closes a
 * connection and then stops polling, or polls much later, must not leave
 * its client hanging. done() still comes, from the next poll. */
static void cancel_then_close(al_op *op, int (*close_seen)(int peer), int peer) {
    const al_backend_ops *be = al_backend_find("uring");
    void *st = NULL;
    AL_CHECK_OK(be->create(&st));
    int done = 0;
    op->done = op_done_count;
    op->loop = &done;
    al_fired fired[4];
    AL_CHECK_INT(be->op_start(st, op), ==, 0);
    AL_CHECK_INT(be->poll(st, 0, fired, 4), ==, 0);      /* submitted, and waiting */
    AL_CHECK_INT(done, ==, 0);
    AL_CHECK_INT(be->op_cancel(st, op), ==, 0);
    AL_CHECK_INT(done, ==, 0);                            /* never from op_cancel itself */
    close(op->fd);
    AL_CHECK_MSG(close_seen(peer), "op kind %d: the peer does not see the close", op->kind);
    AL_CHECK_INT(be->poll(st, 0, fired, 4), ==, 0);
    AL_CHECK_INT(done, ==, 1);
    AL_CHECK_INT(op->result, ==, -ECANCELED);
    be->destroy(st);
}

/* The peer reads what there is, then the end of file (not EAGAIN). */
static int reads_to_the_end(int peer) {
    char buf[65536];
    ssize_t n;
    while ((n = recv(peer, buf, sizeof buf, MSG_DONTWAIT)) > 0) {}
    return n == 0;
}

/* Nobody listens on the port any more (a listener still open would take
 * the connection into its backlog). */
static int connect_is_refused(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int rc = connect(fd, (struct sockaddr *)&a, sizeof a);
    int refused = rc < 0 && errno == ECONNREFUSED;
    close(fd);
    return refused;
}

AL_TEST(with_io_uring_a_socket_closed_after_an_op_cancel_is_closed_at_once) {
    int s[2];
    char buf[4096];
    /* A recv waiting for bytes. */
    AL_REQUIRE_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s), ==, 0);
    al_op rx = {.kind = AL_OP_RECV, .fd = s[0], .buf = buf, .len = sizeof buf};
    cancel_then_close(&rx, reads_to_the_end, s[1]);
    close(s[1]);
    /* A send waiting for room: the socket's buffer is full. */
    AL_REQUIRE_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s), ==, 0);
    memset(buf, 'x', sizeof buf);
    while (send(s[0], buf, sizeof buf, MSG_DONTWAIT) > 0) {}
    al_op tx = {.kind = AL_OP_SEND, .fd = s[0], .buf = buf, .len = sizeof buf};
    cancel_then_close(&tx, reads_to_the_end, s[1]);
    close(s[1]);
    /* An accept waiting for a connection. */
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    AL_REQUIRE_INT(bind(lfd, (struct sockaddr *)&a, sizeof a), ==, 0);
    AL_REQUIRE_INT(listen(lfd, 16), ==, 0);
    AL_REQUIRE_INT(getsockname(lfd, (struct sockaddr *)&a, &len), ==, 0);
    al_op acc = {.kind = AL_OP_ACCEPT, .fd = lfd};
    cancel_then_close(&acc, connect_is_refused, ntohs(a.sin_port));
}

/* ---- batching: many operations, one io_uring_enter ------------------------ */

#define BATCH 100

typedef struct batch_job { int fd; char buf[8]; int rc; } batch_job;

static int batch_recv(void *arg, intptr_t *result) {
    batch_job *j = arg;
    j->rc = al_recv(j->fd, j->buf, sizeof j->buf);
    *result = j->rc;
    return 0;
}

typedef struct max_counter { al_event_sink sink; unsigned max_submitted, total_completed; } max_counter;

static void max_emit(al_event_sink *sink, const al_trace_event *ev) {
    max_counter *c = (max_counter *)sink;
    if (ev->type != AL_EV_POLL_END) return;
    if (ev->submitted > c->max_submitted) c->max_submitted = ev->submitted;
    c->total_completed += ev->completed;
}
static const al_event_sink_ops max_ops = {max_emit, count_flush, count_close};

AL_TEST(with_io_uring_a_hundred_receives_go_to_the_kernel_in_one_poll) {
    max_counter c = {.sink = {&max_ops}};
    al_loop *loop = NULL;
    al_loop_options opts = {.backend = "uring", .sink = &c.sink};
    AL_CHECK_OK(al_loop_create(&loop, &opts));
    static int sp[BATCH][2];
    static batch_job jobs[BATCH];
    static al_task *tasks[BATCH];
    for (int i = 0; i < BATCH; i++) {
        AL_REQUIRE_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sp[i]), ==, 0);
        AL_REQUIRE_INT(write(sp[i][1], "x", 1), ==, 1);
        jobs[i] = (batch_job){.fd = sp[i][0]};
        AL_CHECK_OK(al_task_create_fiber(loop, &tasks[i], "rx", batch_recv, &jobs[i], 0));
    }
    /* One READY pass starts all hundred; the poll after it submits them together. */
    for (int i = 0; i < BATCH; i++) AL_CHECK_INT(al_loop_run_until_complete(loop, tasks[i]), ==, 0);
    for (int i = 0; i < BATCH; i++) {
        AL_CHECK_INT(jobs[i].rc, ==, 1);
        al_task_release(tasks[i]);
        close(sp[i][0]);
        close(sp[i][1]);
    }
    AL_CHECK_INT(c.max_submitted, ==, BATCH);
    AL_CHECK_INT(c.total_completed, ==, BATCH);
    al_loop_free(loop);
}
