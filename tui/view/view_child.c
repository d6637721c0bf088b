/* view_child.c — running the traced program (see view_child.h). */
#include "view_child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int set_flags(int fd, int cloexec, int nonblock) {
    int fdf = fcntl(fd, F_GETFD), fl = fcntl(fd, F_GETFL);
    if (fdf < 0 || fl < 0) return -errno;
    fdf = cloexec ? fdf | FD_CLOEXEC : fdf & ~FD_CLOEXEC;
    fl = nonblock ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
    if (fcntl(fd, F_SETFD, fdf) < 0 || fcntl(fd, F_SETFL, fl) < 0) return -errno;
    return 0;
}

/* A pipe whose both ends are close-on-exec (the child clears the flag on
 * the end it keeps). */
static int make_pipe(int p[2]) {
    if (pipe(p) < 0) return -errno;
    if (set_flags(p[0], 1, 0) < 0 || set_flags(p[1], 1, 0) < 0) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        return -e;
    }
    return 0;
}

static void close_pair(int p[2]) {
    if (p[0] >= 0) close(p[0]);
    if (p[1] >= 0) close(p[1]);
    p[0] = p[1] = -1;
}

/* In the child, between fork and exec: only async-signal-safe calls and
 * setenv (the viewer has one thread, so the environment is ours). */
static void child_side(const al_child_options *o, int trace_w, int out_w, int step_r) {
    static const int reset[] = {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD,
                                SIGWINCH, SIGTSTP, SIGTTIN, SIGTTOU, SIGALRM};
    setpgid(0, 0);
    for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++) signal(reset[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0 && devnull != 0) {
        dup2(devnull, 0);
        close(devnull);
    }
    dup2(out_w, 1);
    dup2(out_w, 2);
    if (out_w > 2) close(out_w);
    set_flags(trace_w, 0, 0);
    char value[32];
    snprintf(value, sizeof value, "fd:%d", trace_w);
    setenv("ASYNCLAB_TRACE", value, 1);
    if (step_r >= 0) {
        set_flags(step_r, 0, 1);
        snprintf(value, sizeof value, "fd:%d", step_r);
        setenv("ASYNCLAB_STEP", value, 1);
    } else {
        unsetenv("ASYNCLAB_STEP");
    }
    /* The step pipe is always there (s starts stepping at any time); this
     * says the class asked for slow motion from the start (--step), so a
     * demo can put every program on the virtual clock, the only one a key
     * press can hold. */
    if (step_r >= 0 && o->step_paused)
        setenv("ASYNCLAB_STEPPING", "1", 1);
    else
        unsetenv("ASYNCLAB_STEPPING");
    for (const char *const *e = o->env; e && *e; e++) putenv((char *)*e);
    if (o->cwd && chdir(o->cwd) < 0) {
        fprintf(stderr, "asynclab: cannot enter %s: %s\n", o->cwd, strerror(errno));
        _exit(127);
    }
    execvp(o->argv[0], (char *const *)o->argv);
    fprintf(stderr, "asynclab: cannot run %s: %s\n", o->argv[0], strerror(errno));
    _exit(127);
}

int al_child_spawn(al_child *c, const al_child_options *o) {
    memset(c, 0, sizeof *c);
    c->trace_fd = c->output_fd = c->step_fd = -1;
    int tp[2] = {-1, -1}, op[2] = {-1, -1}, sp[2] = {-1, -1};
    int rc = make_pipe(tp);
    if (rc == 0) rc = make_pipe(op);
    if (rc == 0 && o->step) rc = make_pipe(sp);
    if (rc == 0) rc = set_flags(tp[0], 1, 1);
    if (rc == 0) rc = set_flags(op[0], 1, 1);
    if (rc == 0 && o->step) rc = set_flags(sp[1], 1, 1);
    if (rc == 0 && o->step && o->step_paused && write(sp[1], "p", 1) != 1) rc = -errno;
    if (rc < 0) {
        close_pair(tp), close_pair(op), close_pair(sp);
        return rc;
    }
    fflush(NULL);   /* nothing buffered may be written twice */
    pid_t pid = fork();
    if (pid < 0) {
        rc = -errno;
        close_pair(tp), close_pair(op), close_pair(sp);
        return rc;
    }
    if (pid == 0) child_side(o, tp[1], op[1], sp[0]);
    setpgid(pid, pid);   /* also here: whichever runs first, the group exists */
    close(tp[1]);
    close(op[1]);
    if (sp[0] >= 0) close(sp[0]);
    c->pid = pid;
    c->trace_fd = tp[0];
    c->output_fd = op[0];
    c->step_fd = sp[1];
    return 0;
}

int al_child_poll(al_child *c) {
    if (c->exited || c->pid <= 0) return 0;
    int status;
    pid_t got = waitpid(c->pid, &status, WNOHANG);
    if (got != c->pid) return 0;
    c->status = status;
    c->exited = 1;
    if (c->step_fd >= 0) {      /* nobody will read step commands any more */
        close(c->step_fd);
        c->step_fd = -1;
    }
    return 1;
}

int al_child_step(al_child *c, char cmd) {
    if (c->step_fd < 0) return -EPIPE;
    ssize_t n = write(c->step_fd, &cmd, 1);
    if (n == 1) return 0;
    return n < 0 ? -errno : -EIO;
}

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

void al_child_stop(al_child *c, int grace_ms) {
    if (c->pid > 0) {
        /* The whole group: a demo's servers and clients too. */
        kill(-c->pid, SIGTERM);
        if (!c->exited) kill(c->pid, SIGCONT);   /* a stopped child could not die */
        for (int waited = 0; !c->exited && waited < grace_ms; waited += 10) {
            if (al_child_poll(c)) break;
            sleep_ms(10);
        }
        if (!c->exited) {
            kill(-c->pid, SIGKILL);
            int status;
            if (waitpid(c->pid, &status, 0) == c->pid) {
                c->status = status;
                c->exited = 1;
            }
        }
    }
    if (c->trace_fd >= 0) close(c->trace_fd);
    if (c->output_fd >= 0) close(c->output_fd);
    if (c->step_fd >= 0) close(c->step_fd);
    c->trace_fd = c->output_fd = c->step_fd = -1;
    c->pid = 0;
}

static const char *signal_name(int sig) {
    switch (sig) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGSEGV: return "SIGSEGV";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
    default: return NULL;
    }
}

const char *al_child_describe(const al_child *c, char *buf, size_t size) {
    if (!c->exited) {
        snprintf(buf, size, "running");
    } else if (WIFEXITED(c->status)) {
        snprintf(buf, size, "exited %d", WEXITSTATUS(c->status));
    } else if (WIFSIGNALED(c->status)) {
        int sig = WTERMSIG(c->status);
        const char *name = signal_name(sig);
        char num[16];
        if (!name) snprintf(num, sizeof num, "signal %d", sig), name = num;
        int crash = sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
                    sig == SIGABRT || sig == SIGTRAP;
        if (crash) snprintf(buf, size, "crashed (%s)", name);
        else snprintf(buf, size, "killed by %s", name);
    } else {
        snprintf(buf, size, "ended");
    }
    return buf;
}
