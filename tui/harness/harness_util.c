/* harness_util.c — seconds, paths, ports and server processes (see harness_util.h). */
#include "harness_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "grader.h"

#ifndef AL_BINARY_DIR
#define AL_BINARY_DIR "build"
#endif

const char *al_self_exe(void) {
    static char path[PATH_MAX];
    if (!path[0]) {
        ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
        if (n <= 0) snprintf(path, sizeof path, "%s/tui/asynclab", AL_BINARY_DIR);
        else path[n] = 0;
    }
    return path;
}

const char *al_build_dir(void) {
    return al_grader_build_dir();   /* one answer for every command (paths.c) */
}

int al_free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int rc = 0;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0)
        rc = -errno;
    close(fd);
    return rc < 0 ? rc : ntohs(a.sin_port);
}

pid_t al_proc_start(char *const argv[], const char *log_path) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return -errno;
    if (pid == 0) {
        setpgid(0, 0);
        /* A clean slate: signal dispositions and the mask survive exec. */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        int in = open("/dev/null", O_RDONLY);
        int out = open(log_path ? log_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0) _exit(126);
        dup2(in, 0);
        dup2(out, 1);
        dup2(out, 2);
        execv(argv[0], argv);
        dprintf(2, "asynclab: cannot run %s: %s\n", argv[0], strerror(errno));   /* into the log */
        _exit(127);
    }
    setpgid(pid, pid);   /* also here: whichever runs first, the group exists */
    return pid;
}

int al_proc_exited(pid_t pid, int *status) {
    int st;
    pid_t r = waitpid(pid, &st, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) {
        if (status) *status = r == pid ? st : 0;
        return 1;
    }
    return 0;
}

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

void al_proc_stop(pid_t pid) {
    if (pid <= 0) return;
    kill(-pid, SIGTERM);
    for (int waited = 0; waited < 2000; waited += 10) {
        if (al_proc_exited(pid, NULL)) {
            kill(-pid, SIGKILL);   /* whatever it left behind in its group */
            return;
        }
        sleep_ms(10);
    }
    kill(-pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
}

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One probe: 1 if something accepted, 0 if not (yet). */
static int probe(const struct sockaddr_in *addr) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    int ok = 0;
    if (connect(fd, (const struct sockaddr *)addr, sizeof *addr) == 0) {
        ok = 1;
    } else if (errno == EINPROGRESS) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int err = 0;
        socklen_t len = sizeof err;
        if (poll(&p, 1, 200) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && !err)
            ok = 1;
    }
    close(fd);
    return ok;
}

int al_wait_listening(const struct sockaddr_in *addr, pid_t pid, int timeout_ms) {
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        if (pid > 0 && al_proc_exited(pid, NULL)) return -ECHILD;
        if (probe(addr)) return 0;
        if (now_ms() >= deadline) return -ETIMEDOUT;
        sleep_ms(20);
    }
}
