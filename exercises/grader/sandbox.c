/* sandbox.c — one contained run of an untrusted program (see sandbox.h).
 *
 * The parent's side is a single loop: poll the output pipes (and a pidfd
 * when the kernel has one, so an exit is noticed at once), keep what fits,
 * check the clock and the memory of the process tree, and stop the run as
 * soon as one limit is crossed. Whatever happened, the end is the same:
 * SIGKILL to the process group, then to every remaining descendant, reap
 * them all, drain the pipes. */
#define _GNU_SOURCE
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proctree.h"

volatile sig_atomic_t al_sandbox_interrupted;

static void on_signal(int sig) {
    (void)sig;
    al_sandbox_interrupted = 1;
}

void al_sandbox_catch_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;   /* no SA_RESTART: a blocked poll() returns */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

#define RESULTS_MAX (64 * 1024)
#define TICK_MS 100          /* memory checks; exits wake us earlier */
#define TICK_NO_PIDFD_MS 10  /* without a pidfd we look for the exit this often */

const char *al_run_end_name(al_run_end end) {
    switch (end) {
    case AL_RUN_EXITED: return "exited";
    case AL_RUN_SIGNALED: return "killed by a signal";
    case AL_RUN_TIMEOUT: return "timed out";
    case AL_RUN_CPU_LIMIT: return "CPU time limit";
    case AL_RUN_MEMORY: return "memory limit";
    case AL_RUN_OUTPUT: return "output limit";
    case AL_RUN_INTERRUPTED: return "interrupted";
    case AL_RUN_NOT_STARTED: return "not started";
    }
    return "?";
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the child's side ----------------------------------------------------- */

static void set_limit(int resource, long long value) {
    if (value <= 0) return;
    struct rlimit rl = {(rlim_t)value, (rlim_t)value};
    setrlimit(resource, &rl);
}

static void child_fail(int err_fd, int err) {
    ssize_t w = write(err_fd, &err, sizeof err);
    (void)w;
    _exit(127);
}

/* Runs between fork and exec: only calls that are safe there. */
static void child(const al_sandbox *sb, int out_w, int res_w, int err_w) {
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int sig = 1; sig < NSIG; sig++) signal(sig, SIG_DFL);

    /* Move our three pipe ends above the standard numbers first, so that
     * the dup2s below cannot overwrite one another. */
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    int out = fcntl(out_w, F_DUPFD_CLOEXEC, 10);
    int res = res_w >= 0 ? fcntl(res_w, F_DUPFD_CLOEXEC, 10) : devnull;
    int err = fcntl(err_w, F_DUPFD_CLOEXEC, 10);
    if (devnull < 0 || out < 0 || res < 0 || err < 0) child_fail(err_w, errno);
    if (dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0 || dup2(res, 3) < 0)
        child_fail(err, errno);
    if (dup2(err, 4) < 0 || fcntl(4, F_SETFD, FD_CLOEXEC) < 0) child_fail(err, errno);
    /* Nothing of the grader's leaks into the submission. */
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 5u, ~0u, 0u) < 0)
#endif
    {
        long max = sysconf(_SC_OPEN_MAX);
        for (long fd = 5; fd < max && fd < 65536; fd++) close((int)fd);
    }
    err = 4;

    if (sb->cwd && chdir(sb->cwd) < 0) child_fail(err, errno);
    umask(022);
    set_limit(RLIMIT_CORE, 0);
    if (sb->cpu_s > 0) {
        /* SIGXCPU at the soft limit, SIGKILL one second later. */
        struct rlimit rl = {(rlim_t)sb->cpu_s, (rlim_t)sb->cpu_s + 1};
        setrlimit(RLIMIT_CPU, &rl);
    }
    set_limit(RLIMIT_AS, sb->address_space);
    set_limit(RLIMIT_NOFILE, sb->nofile);
    set_limit(RLIMIT_FSIZE, sb->fsize);
    set_limit(RLIMIT_NPROC, sb->nproc);
    if (sb->drop) {
        int rc = al_proctree_become(sb->uid, sb->gid);
        if (rc < 0) child_fail(err, -rc);
    }
    /* No setuid binary can give the privileges back. */
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    /* If the grader dies, so does the run (setuid cleared this, so now). */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);

    const char *prog = sb->argv[0];
    if (strchr(prog, '/')) {
        execve(prog, sb->argv, sb->envp);
    } else {
        execvpe(prog, sb->argv, sb->envp);
    }
    child_fail(err, errno);
}

/* ---- the parent's side ---------------------------------------------------- */

typedef struct capture {
    const al_sandbox *sb;
    char *head;
    size_t head_len;
    char *tail;             /* ring of keep_tail bytes */
    size_t tail_pos, tail_len;
    size_t total;
    char line[512];         /* the current line, for the sanitizer scan */
    size_t line_len;
    int sanitizer;
    char summary[256];
} capture;

/* Sanitizer reports are recognised line by line as the bytes stream past,
 * so a report is seen even in output that is cut. */
static void scan_line(capture *c) {
    c->line[c->line_len] = 0;
    /* A leak is not a crash: the judge reports it as a failed check. */
    if (strstr(c->line, "ERROR: AddressSanitizer") || strstr(c->line, ": runtime error: "))
        c->sanitizer = 1;
    if (c->sanitizer && !c->summary[0]) {
        const char *s = strstr(c->line, "SUMMARY: ");
        const char *rt = strstr(c->line, ": runtime error: ");
        if (s) snprintf(c->summary, sizeof c->summary, "%s", s + 9);
        else if (rt) snprintf(c->summary, sizeof c->summary, "UndefinedBehaviorSanitizer%s", rt);
    }
    c->line_len = 0;
}

static void capture_bytes(capture *c, const char *buf, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n') scan_line(c);
        else if (c->line_len < sizeof c->line - 1) c->line[c->line_len++] = buf[i];
    }
    c->total += n;
    size_t to_head = 0;
    if (c->head_len < c->sb->keep_head) {
        to_head = c->sb->keep_head - c->head_len;
        if (to_head > n) to_head = n;
        memcpy(c->head + c->head_len, buf, to_head);
        c->head_len += to_head;
    }
    size_t cap = c->sb->keep_tail;
    for (size_t i = to_head; i < n && cap; i++) {
        c->tail[c->tail_pos] = buf[i];
        c->tail_pos = (c->tail_pos + 1) % cap;
        if (c->tail_len < cap) c->tail_len++;
    }
}

static char *capture_finish(capture *c, size_t *len) {
    if (c->line_len) scan_line(c);
    size_t cut = c->total - c->head_len - c->tail_len;
    char note[128] = "";
    if (cut) snprintf(note, sizeof note, "\n[... %zu bytes of output not shown ...]\n", cut);
    size_t n = c->head_len + strlen(note) + c->tail_len;
    char *s = malloc(n + 1);
    if (!s) {
        *len = 0;
        return NULL;
    }
    memcpy(s, c->head, c->head_len);
    memcpy(s + c->head_len, note, strlen(note));
    size_t start = c->tail_len < c->sb->keep_tail ? 0 : c->tail_pos;
    for (size_t i = 0; i < c->tail_len; i++)
        s[c->head_len + strlen(note) + i] = c->tail[(start + i) % (c->sb->keep_tail ? c->sb->keep_tail : 1)];
    s[n] = 0;
    al_text_sanitize(s, n);
    *len = n;
    return s;
}

/* Read what is there without blocking. Returns 0 at EOF, 1 otherwise. */
static int drain(int fd, capture *c, char **res, size_t *res_len) {
    char buf[16384];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) {
            if (c) {
                capture_bytes(c, buf, (size_t)n);
            } else if (*res_len < RESULTS_MAX) {
                size_t take = (size_t)n;
                if (take > RESULTS_MAX - *res_len) take = RESULTS_MAX - *res_len;
                memcpy(*res + *res_len, buf, take);
                *res_len += take;
            }
            continue;
        }
        if (n == 0) return 0;
        if (errno == EINTR) continue;
        return errno == EAGAIN ? 1 : 0;
    }
}

static int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    return -1;
#endif
}

static void stop_everything(const al_sandbox *sb, pid_t pid) {
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    /* A fork storm can outrun the kill by pid: a uid that is this run's
     * alone is emptied in one sweep (proctree.h). */
    if (sb->drop && sb->uid_private) al_proctree_kill_uid(sb->uid, sb->gid);
}

int al_sandbox_run(const al_sandbox *sb, al_sandbox_result *r) {
    memset(r, 0, sizeof *r);
    int out[2], res[2] = {-1, -1}, err[2];
    if (pipe2(out, O_CLOEXEC) < 0) return -errno;
    if (sb->want_results && pipe2(res, O_CLOEXEC) < 0) {
        int e = -errno;
        close(out[0]);
        close(out[1]);
        return e;
    }
    if (pipe2(err, O_CLOEXEC) < 0) {
        int e = -errno;
        close(out[0]);
        close(out[1]);
        if (res[0] >= 0) close(res[0]), close(res[1]);
        return e;
    }
    capture cap = {.sb = sb};
    cap.head = malloc(sb->keep_head + 1);
    cap.tail = malloc(sb->keep_tail + 1);
    char *results = sb->want_results ? malloc(RESULTS_MAX) : NULL;
    if (!cap.head || !cap.tail || (sb->want_results && !results)) {
        free(cap.head);
        free(cap.tail);
        free(results);
        close(out[0]), close(out[1]), close(err[0]), close(err[1]);
        if (res[0] >= 0) close(res[0]), close(res[1]);
        return -ENOMEM;
    }

    fflush(stdout);
    fflush(stderr);
    double start = now_s();
    pid_t pid = fork();
    if (pid < 0) {
        int e = -errno;
        free(cap.head);
        free(cap.tail);
        free(results);
        close(out[0]), close(out[1]), close(err[0]), close(err[1]);
        if (res[0] >= 0) close(res[0]), close(res[1]);
        return e;
    }
    if (pid == 0) child(sb, out[1], res[1], err[1]);

    setpgid(pid, pid);   /* also here: no window where a kill(-pid) misses it */
    close(out[1]);
    close(err[1]);
    if (res[1] >= 0) close(res[1]);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    if (res[0] >= 0) fcntl(res[0], F_SETFL, O_NONBLOCK);

    /* Did exec work? The error pipe closes on exec (EOF) or carries errno. */
    int exec_errno = 0;
    ssize_t got;
    do got = read(err[0], &exec_errno, sizeof exec_errno);
    while (got < 0 && errno == EINTR);
    close(err[0]);

    int pidfd = open_pidfd(pid);
    int status = 0, exited = 0, out_open = 1, res_open = res[0] >= 0;
    al_run_end end = AL_RUN_EXITED;
    int limit_hit = 0;
    double next_mem_check = start;
    if (got == (ssize_t)sizeof exec_errno) {
        end = AL_RUN_NOT_STARTED;
        limit_hit = 1;
    }
    while (!exited && !limit_hit) {
        double now = now_s();
        double left_ms = sb->timeout_ms - (now - start) * 1000.0;
        if (left_ms <= 0) {
            end = AL_RUN_TIMEOUT;
            break;
        }
        if (al_sandbox_interrupted) {
            end = AL_RUN_INTERRUPTED;
            break;
        }
        struct pollfd fds[3];
        int nfds = 0;
        if (out_open) fds[nfds++] = (struct pollfd){.fd = out[0], .events = POLLIN};
        if (res_open) fds[nfds++] = (struct pollfd){.fd = res[0], .events = POLLIN};
        if (pidfd >= 0) fds[nfds++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
        int tick = pidfd >= 0 ? TICK_MS : TICK_NO_PIDFD_MS;
        int wait_ms = left_ms < tick ? (int)left_ms + 1 : tick;
        poll(fds, (nfds_t)nfds, wait_ms);
        if (out_open) out_open = drain(out[0], &cap, NULL, NULL);
        if (res_open) res_open = drain(res[0], NULL, &results, &r->results_len);
        if (sb->output_limit && cap.total > sb->output_limit) {
            end = AL_RUN_OUTPUT;
            break;
        }
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) {
            exited = 1;
            break;
        }
        now = now_s();
        if (sb->memory_bytes > 0 && now >= next_mem_check) {
            next_mem_check = now + TICK_MS / 1000.0;
            if (al_proctree_rss(pid) > sb->memory_bytes) {
                end = AL_RUN_MEMORY;
                break;
            }
        }
    }
    r->seconds = now_s() - start;

    /* The end, whatever it was: nothing of the run may outlive it. */
    stop_everything(sb, pid);
    if (!exited) {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    }
    r->stray = al_proctree_kill_all(3000);
    if (pidfd >= 0) close(pidfd);
    /* Every writer is gone now; what is left in the pipes is finite. */
    if (out_open) drain(out[0], &cap, NULL, NULL);
    if (res_open) drain(res[0], NULL, &results, &r->results_len);
    close(out[0]);
    if (res[0] >= 0) close(res[0]);

    if (end == AL_RUN_NOT_STARTED) {
        r->status = exec_errno;
    } else if (exited && end == AL_RUN_EXITED) {
        if (WIFSIGNALED(status)) {
            int sig = WTERMSIG(status);
            end = sig == SIGXCPU ? AL_RUN_CPU_LIMIT : AL_RUN_SIGNALED;
            r->status = sig;
        } else {
            r->status = WEXITSTATUS(status);
        }
    }
    r->end = end;
    r->output = capture_finish(&cap, &r->output_len);
    r->output_total = cap.total;
    r->sanitizer = cap.sanitizer;
    snprintf(r->sanitizer_summary, sizeof r->sanitizer_summary, "%s", cap.summary);
    al_text_sanitize(r->sanitizer_summary, strlen(r->sanitizer_summary));
    r->results = results;
    free(cap.head);
    free(cap.tail);
    return 0;
}

void al_sandbox_result_free(al_sandbox_result *r) {
    free(r->output);
    free(r->results);
    r->output = r->results = NULL;
}
