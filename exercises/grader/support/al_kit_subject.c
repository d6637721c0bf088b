/* al_kit_subject.c — the judge starts, feeds and watches subjects
 * (see al_subject.h for the line between the two, al_kit.h for the API).
 *
 * The grader tells the judge how to start a subject through its
 * environment: AL_SUBJECT_BIN (the program), AL_SUBJECT_ID ("uid:gid", set
 * when the grader runs as root: the subject then runs under a uid of its
 * own, which can neither signal nor trace the judge), AL_SUBJECT_LIMITS
 * ("cpu_s address_space nofile nproc fsize"), and AL_DEADLINE_MS (how long
 * the judge has for the whole test: every wait ends before that, so the
 * judge is the one to say what it was waiting for). */
#define _GNU_SOURCE
#include "al_kit.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "al_subject.h"
#include "al_test.h"

#define SANITIZER_EXIT 86
#define DEADLINE_MARGIN_MS 400

static int64_t deadline_ms = -1;

void al_kit_judge_init(void) {
    const char *d = getenv("AL_DEADLINE_MS");
    long ms = d ? strtol(d, NULL, 10) : 0;
    deadline_ms = ms > 0 ? al_kit_ms() + ms - DEADLINE_MARGIN_MS : -1;
}

int al_kit_time_left(int want_ms) {
    if (deadline_ms < 0) return want_ms;
    int64_t left = deadline_ms - al_kit_ms();
    if (left < 0) left = 0;
    return left < want_ms ? (int)left : want_ms;
}

/* ---- run-time inputs (hidden twins) ---------------------------------------- */

static uint64_t seed_value, rand_state;
static int seed_drawn;

uint64_t al_kit_seed(void) {
    if (!seed_drawn) {
        const char *env = getenv("AL_GRADE_SEED");
        if (env && *env) {
            seed_value = strtoull(env, NULL, 10);
        } else {
            int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
            if (fd < 0 || read(fd, &seed_value, sizeof seed_value) != (ssize_t)sizeof seed_value)
                seed_value = (uint64_t)al_kit_ms() * 2654435761u ^ (uint64_t)getpid();
            if (fd >= 0) close(fd);
            seed_value %= 1000000000;   /* short enough to type */
        }
        rand_state = seed_value * 0x9e3779b97f4a7c15ULL + 1;
        seed_drawn = 1;
    }
    return seed_value;
}

int al_kit_seed_drawn(uint64_t *seed) {
    if (seed_drawn) *seed = seed_value;
    return seed_drawn;
}

long al_kit_rand(long lo, long hi) {
    al_kit_seed();
    rand_state ^= rand_state << 13;
    rand_state ^= rand_state >> 7;
    rand_state ^= rand_state << 17;
    if (hi <= lo) return lo;
    return lo + (long)(rand_state % (uint64_t)(hi - lo + 1));
}

/* The subject's environment: a fresh one, nothing of the judge's but what a
 * program needs. */
static char **subject_env(void) {
    static const char *keep[] = {"PATH", "HOME", "TMPDIR", "LC_ALL", "ASAN_OPTIONS",
                                 "UBSAN_OPTIONS", "LSAN_OPTIONS", "ASYNCLAB_BACKEND"};
    static char *env[16];
    size_t n = 0;
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        const char *v = getenv(keep[i]);
        if (!v) continue;
        static char store[8][4096];
        snprintf(store[i], sizeof store[i], "%s=%s", keep[i], v);
        env[n++] = store[i];
    }
    env[n] = NULL;
    return env;
}

static void set_limit(int resource, long long value) {
    if (value <= 0) return;
    struct rlimit rl = {(rlim_t)value, (rlim_t)value};
    setrlimit(resource, &rl);
}

/* Between fork and exec: become the subject. */
static void become_subject(const char *entry, int chan, int peer, char **env) {
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int sig = 1; sig < NSIG; sig++) signal(sig, SIG_DFL);
    int devnull = open("/dev/null", O_RDWR);
    int c = fcntl(chan, F_DUPFD, 10), p = peer >= 0 ? fcntl(peer, F_DUPFD, 10) : -1;
    if (devnull < 0 || c < 0 || dup2(devnull, 0) < 0 || dup2(c, AL_SUBJECT_CHAN_FD) < 0) _exit(127);
    if (p >= 0 ? dup2(p, AL_SUBJECT_PEER_FD) < 0 : (close(AL_SUBJECT_PEER_FD), 0)) _exit(127);
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 5u, ~0u, 0u) < 0)
#endif
        for (int fd = 5; fd < 65536; fd++) close(fd);
    long long cpu = 0, as = 0, nofile = 0, nproc = 0, fsize = 0;
    const char *lim = getenv("AL_SUBJECT_LIMITS");
    if (lim) sscanf(lim, "%lld %lld %lld %lld %lld", &cpu, &as, &nofile, &nproc, &fsize);
    set_limit(RLIMIT_CORE, 0);
    if (cpu > 0) {
        struct rlimit rl = {(rlim_t)cpu, (rlim_t)cpu + 1};
        setrlimit(RLIMIT_CPU, &rl);
    }
    set_limit(RLIMIT_AS, as);
    set_limit(RLIMIT_NOFILE, nofile);
    set_limit(RLIMIT_NPROC, nproc);
    set_limit(RLIMIT_FSIZE, fsize);
    const char *id = getenv("AL_SUBJECT_ID");
    unsigned uid, gid;
    if (id && sscanf(id, "%u:%u", &uid, &gid) == 2) {
        if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0 || getuid() != uid ||
            geteuid() != uid)
            _exit(127);
    }
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    const char *bin = getenv("AL_SUBJECT_BIN");
    char *argv[] = {(char *)(bin ? bin : "subject"), (char *)entry, NULL};
    execve(argv[0], argv, env);
    _exit(127);
}

int al_subject_start(al_subject *s, const char *entry, const void *in, size_t in_len, int peer) {
    memset(s, 0, sizeof *s);
    s->pid = -1;
    s->chan = -1;
    snprintf(s->entry, sizeof s->entry, "%s", entry);
    if (in_len > AL_SUBJECT_INPUT_MAX) return -E2BIG;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return -errno;
    char **env = subject_env();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int e = -errno;
        close(sv[0]);
        close(sv[1]);
        return e;
    }
    if (pid == 0) become_subject(entry, sv[1], peer, env);
    setpgid(pid, pid);
    close(sv[1]);
    s->pid = pid;
    s->chan = sv[0];
    uint32_t len = (uint32_t)in_len;
    /* The input fits the socket's buffer or the subject reads it: either
     * way a dead subject makes this fail (EPIPE), it never blocks for ever. */
    if (al_kit_send(s->chan, &len, sizeof len) < 0 || (in_len && al_kit_send(s->chan, in, in_len) < 0)) {
        /* The subject died before reading: its status says why. */
    }
    return 0;
}

/* Exactly len bytes, or the reason there are not. The subject's exit ends
 * the wait at once (pidfd) even if a child it left behind still holds the
 * channel open: what it did not say before it ended, it will not say. */
/* ---- is a subject stuck? ------------------------------------------------- */

/* Where a sleeping process waits in the kernel ("hrtimer_nanosleep"), or "". */
static void proc_wchan(pid_t pid, char *buf, size_t len) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/wchan", (int)pid);
    buf[0] = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    if (!strcmp(buf, "0")) buf[0] = 0;
}

/* The watch of al_subject_read: fills s->stuck and returns 1 once the
 * subject has computed AL_CALL_CPU_MS, or slept AL_CALL_ASLEEP_MS straight
 * (its CPU time not moving), without answering. */
typedef struct watch_state {
    int64_t cpu_ms, still_since;
} watch_state;

static int subject_stuck(al_subject *s, watch_state *w) {
    char state;
    int64_t cpu, now = al_kit_ms();
    if (al_kit_proc_cpu(s->pid, &state, &cpu) < 0) return 0;
    if (cpu >= AL_CALL_CPU_MS) {
        snprintf(s->stuck, sizeof s->stuck, "still computing after %.1f s of CPU time, where the "
                 "call needs milliseconds: an endless loop?", (double)cpu / 1000);
        return 1;
    }
    if (cpu != w->cpu_ms || state != 'S') {   /* running, or in a disk wait: not stuck */
        w->cpu_ms = cpu;
        w->still_since = now;
        return 0;
    }
    if (s->watch < 2 || now - w->still_since < AL_CALL_ASLEEP_MS) return 0;
    char wchan[64];
    proc_wchan(s->pid, wchan, sizeof wchan);
    snprintf(s->stuck, sizeof s->stuck, "asleep in the kernel for %.1f s%s%s%s without using the "
             "CPU: a blocking call (sleep, read, a lock) where none should be?",
             (double)(now - w->still_since) / 1000, *wchan ? " (in " : "", wchan, *wchan ? ")" : "");
    return 1;
}

int al_subject_read(al_subject *s, void *out, size_t len, int timeout_ms) {
    char *p = out;
    int64_t end = al_kit_ms() + al_kit_time_left(timeout_ms);
    watch_state w = {-1, al_kit_ms()};
    s->stuck[0] = 0;
    int pidfd = -1;
#ifdef SYS_pidfd_open
    pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
#endif
    int exited = 0;
    while (len) {
        int left = (int)(end - al_kit_ms());
        if (left <= 0 && !exited) {
            if (pidfd >= 0) close(pidfd);
            return -ETIMEDOUT;
        }
        if (s->watch && !exited && subject_stuck(s, &w)) {
            if (pidfd >= 0) close(pidfd);
            return -ETIMEDOUT;
        }
        if (s->watch && left > 200) left = 200;   /* look at it again soon */
        struct pollfd pf[2] = {{.fd = s->chan, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
        int r = poll(pf, pidfd >= 0 && !exited ? 2 : 1, exited ? 0 : left);
        if (r < 0 && errno != EINTR) break;
        if (r > 0 && pidfd >= 0 && (pf[1].revents & POLLIN)) exited = 1;
        if (r == 0 && exited) break;   /* it ended, and nothing more is there */
        if (r <= 0 || !(pf[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t n = recv(s->chan, p, len, MSG_DONTWAIT);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            break;
        }
        p += n;
        len -= (size_t)n;
    }
    if (pidfd >= 0) close(pidfd);
    return len ? -EPIPE : 0;
}

int al_subject_recv_fd(al_subject *s, int timeout_ms) {
    if (!al_kit_readable(s->chan, al_kit_time_left(timeout_ms))) return -ETIMEDOUT;
    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                         .msg_controllen = sizeof u.buf};
    ssize_t n;
    while ((n = recvmsg(s->chan, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {}
    if (n <= 0) return n == 0 ? -EPIPE : -errno;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
        c->cmsg_len != CMSG_LEN(sizeof(int)))
        return -EPROTO;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

int al_subject_wait(al_subject *s, int timeout_ms) {
    if (s->ended) return s->status;
    int64_t end = al_kit_ms() + al_kit_time_left(timeout_ms);
    for (;;) {
        int status;
        pid_t w = waitpid(s->pid, &status, WNOHANG);
        if (w == s->pid) {
            s->ended = 1;
            s->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return s->status;
        }
        if (w < 0 && errno != EINTR) return -errno;
        if (al_kit_ms() >= end) return -ETIMEDOUT;
        struct timespec pause = {0, 2 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

void al_subject_stop(al_subject *s) {
    if (s->pid > 0) {
        kill(-s->pid, SIGKILL);
        kill(s->pid, SIGKILL);
        if (!s->ended) {
            int status;
            while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR) {}
        }
    }
    if (s->chan >= 0) close(s->chan);
    s->chan = -1;
    s->pid = -1;
}

/* Why a subject that ended without answering ended, in words. */
void al_subject_describe_end(int status, char *buf, size_t len) {
    if (status == SANITIZER_EXIT)
        snprintf(buf, len, "the sanitizer found an error (its report is in the output)");
    else if (status == AL_SUBJECT_LEAK_EXIT)
        snprintf(buf, len, "memory leak (LeakSanitizer's report is in the output)");
    else if (status > 128)
    {
        const char *abbrev = sigabbrev_np(status - 128);
        snprintf(buf, len, "killed by %s%s (%s)", abbrev ? "SIG" : "", abbrev ? abbrev : "a signal",
                 strsignal(status - 128));
    }
    else
        snprintf(buf, len, "the process ended with exit status %d before returning: exit() or "
                 "_exit() called in the submission?", status);
}

void al_kit_call_at(const char *file, int line, const char *entry, const void *in, size_t in_len,
                    void *out, size_t out_len, int peer, const char *what) {
    al_subject s;
    int rc = al_subject_start(&s, entry, in, in_len, peer);
    if (peer >= 0) close(peer);   /* the subject's now: its end closes when the subject ends */
    if (rc < 0) {
        al_test_check(0, 1, file, line, entry, "the judge could not start the submission: %s",
                      strerror(-rc));
        return;
    }
    s.watch = peer >= 0 ? 1 : 2;   /* with a peer, sleeping may be waiting on it */
    rc = al_subject_read(&s, out, out_len, 60 * 1000);
    int status = rc == 0 ? al_subject_wait(&s, 2000) : al_subject_wait(&s, rc == -EPIPE ? 2000 : 0);
    al_subject_stop(&s);
    char why[256];
    if (rc == -ETIMEDOUT && s.stuck[0]) {
        al_test_outcome("TIMEOUT", "%s", "");
        al_test_check(0, 1, file, line, entry, "waiting for %s: no answer; the submission is %s",
                      what, s.stuck);
    } else if (rc == -ETIMEDOUT) {
        al_test_outcome("TIMEOUT", "%s", "");
        al_test_check(0, 1, file, line, entry, "waiting for %s: no answer before the time ran out "
                      "(an endless loop, a deadlock, a blocking call?)", what);
    } else if (rc == 0 && status == AL_SUBJECT_LEAK_EXIT) {
        al_test_check(0, 0, file, line, entry, "%s: memory leak: the submission allocated memory "
                      "it can no longer reach and did not free (LeakSanitizer's report, in the "
                      "output, says where it was allocated)", what);
    } else if (rc < 0 || (status != 0 && status != 1 && status != -ETIMEDOUT)) {
        if (status < 0)
            snprintf(why, sizeof why, "the submission closed the judge's channel without answering");
        else
            al_subject_describe_end(status, why, sizeof why);
        al_test_outcome("CRASH", "%s", "");
        al_test_check(0, 1, file, line, entry, "%s: %s", what, why);
    }
}

/* ---- servers: a subject that keeps running -------------------------------- */

#define MAX_SERVERS 16
static al_subject servers[MAX_SERVERS];

static al_subject *server_of(pid_t pid) {
    for (int i = 0; i < MAX_SERVERS; i++)
        if (servers[i].pid == pid && pid > 0) return &servers[i];
    return NULL;
}

pid_t al_kit_server_start(const char *entry, int listen_fd, const void *arg, size_t arg_len) {
    al_subject *s = server_of(0);
    for (int i = 0; i < MAX_SERVERS && !s; i++)
        if (servers[i].pid <= 0) s = &servers[i];
    if (!s) return -EMFILE;
    int rc = al_subject_start(s, entry, arg, arg_len, listen_fd);
    if (listen_fd >= 0) close(listen_fd);
    return rc < 0 ? rc : s->pid;
}

int al_kit_server_chan(pid_t pid) {
    al_subject *s = server_of(pid);
    return s ? s->chan : -1;
}

int al_kit_server_wait(pid_t pid, int timeout_ms) {
    al_subject *s = server_of(pid);
    if (!s) return -ESRCH;
    return al_subject_wait(s, timeout_ms);
}

/* A server that died by a signal or a sanitizer report while the test ran is
 * a crash of the submission, whatever the clients saw. */
void al_kit_server_stop(pid_t pid) {
    al_subject *s = server_of(pid);
    if (!s) return;
    int status = al_subject_wait(s, 0);
    if (status == SANITIZER_EXIT || (status > 128 && status != 128 + SIGKILL)) {
        char why[200];
        al_subject_describe_end(status, why, sizeof why);
        al_test_outcome("CRASH", "the server (%s) %s", s->entry, why);
    }
    al_subject_stop(s);
}

int al_kit_server_check_alive(pid_t pid) {
    return al_kit_alive(pid);
}
