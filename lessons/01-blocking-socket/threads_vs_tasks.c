/* threads_vs_tasks.c — lesson 1: the classic cure for the blocking server,
 * one thread per connection, and what it costs next to one task per
 * connection (lessons 3 to 5).
 *
 * A thread per connection fixes lesson 1's problem with the code unchanged:
 * each connection gets a thread that blocks in recv() on its own, and the
 * kernel's scheduler switches between them. The price is one kernel thread
 * per connection: a stack (8 MiB of address space by default, of which the
 * touched pages count), a kernel stack and task struct that RSS does not
 * even show, and a context switch every time a thread blocks or wakes.
 *
 * For each model, in a fresh process of its own, this program:
 *   1. forks a client that opens COUNT connections to it on 127.0.0.1;
 *   2. accepts them all and gives each a waiter: a thread blocked in recv(),
 *      or a fiber task (core's tasks, lesson 5) waiting for "readable";
 *   3. once all COUNT wait, measures memory (VmRSS, VmSize, and the
 *      system-wide KernelStack of /proc/meminfo);
 *   4. lets the client send one 4-byte request on each connection; each
 *      waiter answers and closes. Context switches (getrusage, all threads;
 *      counted for the thread that leaves the CPU: voluntary = it blocked,
 *      involuntary = it was preempted) are shown for the accepting phase
 *      and for the serving phase. The accepting phase leaves out the times
 *      accept() waited for the client to connect: how often that happens
 *      depends on who runs faster, the client or us, not on the model.
 *
 *   --count N              connections (default 10000, at most 9000 fds
 *                          below `ulimit -n` on each side)
 *   --model threads|tasks  one model only (default: both)
 *
 * The numbers are what this machine measured just now; nothing is assumed.
 */
#define _GNU_SOURCE   /* RUSAGE_THREAD: the main thread's own context switches */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "asynclab.h"

static atomic_int waiting;   /* waiters that reached their recv / await */
static atomic_int served;    /* waiters that answered */

/* ---- measuring ----------------------------------------------------------- */

/* A "Name:  123 kB" line of a /proc file, in KiB; -1 if absent. */
static long proc_kib(const char *file, const char *name) {
    FILE *f = fopen(file, "r");
    if (!f) return -1;
    char line[256];
    long kib = -1;
    size_t len = strlen(name);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, name, len) == 0 && line[len] == ':') kib = atol(line + len + 1);
    fclose(f);
    return kib;
}

struct snapshot { long rss, vsize, kstack, vol, invol; };

static struct snapshot snap(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);   /* all threads of the process */
    return (struct snapshot){proc_kib("/proc/self/status", "VmRSS"), proc_kib("/proc/self/status", "VmSize"),
                             proc_kib("/proc/meminfo", "KernelStack"), ru.ru_nvcsw, ru.ru_nivcsw};
}

/* Voluntary context switches of the calling thread alone. */
static long my_voluntary_switches(void) {
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    return ru.ru_nvcsw;
}

/* Is every thread but the main one asleep (state S in /proc/self/task/TID/stat)?
 * A waiter counts itself in `waiting` just before recv(); only once the
 * kernel shows it asleep has it really blocked (and switched out). */
static int all_threads_asleep(void) {
    DIR *dir = opendir("/proc/self/task");
    if (!dir) return 1;   /* no /proc: the figures are then a little early */
    int asleep = 1;
    struct dirent *d;
    while (asleep && (d = readdir(dir)) != NULL) {
        if (d->d_name[0] == '.' || atol(d->d_name) == (long)getpid()) continue;
        char path[300], stat[512], *end;
        snprintf(path, sizeof path, "/proc/self/task/%s/stat", d->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;   /* the thread is gone */
        size_t n = fread(stat, 1, sizeof stat - 1, f);
        fclose(f);
        stat[n] = 0;
        end = strrchr(stat, ')');   /* "TID (name) S ...": the state follows the name */
        asleep = end && end[1] == ' ' && end[2] == 'S';
    }
    closedir(dir);
    return asleep;
}

/* ---- the client: COUNT connections, then one request on each -------------- */

static void client(int port, int count, int go_fd) {
    int *fd = calloc((size_t)count, sizeof *fd);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; fd && i < count; i++) {
        fd[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (fd[i] < 0 || connect(fd[i], (struct sockaddr *)&a, sizeof a) < 0) _exit(1);
    }
    char go;
    if (!fd || read(go_fd, &go, 1) != 1) _exit(1);
    for (int i = 0; i < count; i++)
        if (send(fd[i], "ping", 4, 0) != 4) _exit(1);
    char buf[4];
    for (int i = 0; i < count; i++)
        if (recv(fd[i], buf, sizeof buf, MSG_WAITALL) != 4) _exit(1);
    _exit(0);
}

/* ---- one connection's work, as a thread and as a task --------------------- */

static void *thread_waiter(void *arg) {
    int fd = (int)(intptr_t)arg;
    char buf[4];
    atomic_fetch_add(&waiting, 1);
    if (recv(fd, buf, sizeof buf, MSG_WAITALL) == 4) send(fd, "pong", 4, 0);   /* blocks this thread only */
    close(fd);
    atomic_fetch_add(&served, 1);
    return NULL;
}

static int task_waiter(void *arg, intptr_t *result) {
    int fd = (int)(intptr_t)arg;
    char buf[4];
    (void)result;
    atomic_fetch_add(&waiting, 1);
    int rc = al_wait_readable(fd);   /* hands the thread back to the loop */
    if (rc == 0 && recv(fd, buf, sizeof buf, MSG_WAITALL) == 4) send(fd, "pong", 4, 0);
    close(fd);
    atomic_fetch_add(&served, 1);
    return rc;
}

/* ---- one model, in the calling process ------------------------------------ */

static int listen_loopback(int backlog, int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof a;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, backlog) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0)
        return -1;
    *port = ntohs(a.sin_port);
    return fd;
}

/* What both models do once every connection has its waiter: measure, then
 * let the client send its requests. */
static struct snapshot at_all_waiting;
static int go_fd;

static int measure_then_go(void) {
    at_all_waiting = snap();
    return write(go_fd, "g", 1) == 1 ? 0 : -errno;
}

/* Tasks: this task runs last in the loop's first pass, after every waiter has
 * reached its await (a blocking wait here would stall the loop). */
static int go_task(void *arg, intptr_t *result) {
    int count = (int)(intptr_t)arg;
    (void)result;
    while (atomic_load(&waiting) < count) al_yield();
    return measure_then_go();
}

static int measure(const char *model, int count) {
    int threads = strcmp(model, "threads") == 0;
    int port, go[2];
    int lfd = listen_loopback(count, &port);
    if (lfd < 0 || pipe(go) < 0) return perror("threads_vs_tasks: listen"), 1;
    pid_t pid = fork();
    if (pid == 0) client(port, count, go[0]);
    go_fd = go[1];
    al_loop *loop = NULL;
    pthread_t *tid = calloc((size_t)count, sizeof *tid);
    if (pid < 0 || !tid || (!threads && al_loop_new(&loop, NULL) < 0)) return perror("threads_vs_tasks"), 1;
    struct timeval patience = {.tv_sec = 20};   /* a client that died must not leave accept() waiting forever */
    setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);

    struct snapshot before = snap();
    long accept_waits = 0;   /* accept() blocked: the client had not connected yet */
    for (int i = 0; i < count; i++) {
        long switches = my_voluntary_switches();
        int fd = accept(lfd, NULL, NULL);
        accept_waits += my_voluntary_switches() - switches;
        if (fd < 0) return perror("threads_vs_tasks: accept (the client stopped connecting)"), 1;
        int rc = threads ? pthread_create(&tid[i], NULL, thread_waiter, (void *)(intptr_t)fd)
                         : al_task_create_fiber(loop, NULL, "conn", task_waiter, (void *)(intptr_t)fd, 0);
        if (rc != 0) {
            fprintf(stderr, "threads_vs_tasks: %s %d: %s\n", model, i + 1, threads ? strerror(rc) : al_strerror(rc));
            return 1;
        }
    }
    int rc;
    if (threads) {
        while (atomic_load(&waiting) < count) sched_yield();   /* each gets to its recv() on its own */
        while (!all_threads_asleep()) sched_yield();            /* ... and blocks there */
        rc = measure_then_go();
        for (int i = 0; i < count; i++) pthread_join(tid[i], NULL);
    } else {
        rc = al_task_create_fiber(loop, NULL, "go", go_task, (void *)(intptr_t)count, 0);
        while (rc == 0 && atomic_load(&served) < count) rc = al_loop_run_once(loop) < 0 ? -EIO : 0;
    }
    struct snapshot done = snap();
    int status = 0;
    waitpid(pid, &status, 0);
    al_loop_free(loop);
    if (rc < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "threads_vs_tasks: %s: the run failed (%s)\n", model, rc < 0 ? al_strerror(rc) : "client");
        return 1;
    }
    const struct snapshot *w = &at_all_waiting;
    printf("%-7s %d connections waiting: RSS +%.1f MiB (%.1f KiB each), address space +%.1f MiB, "
           "kernel stacks (system-wide) %+.1f MiB\n",
           model, count, (w->rss - before.rss) / 1024.0, (double)(w->rss - before.rss) / count,
           (w->vsize - before.vsize) / 1024.0, (w->kstack - before.kstack) / 1024.0);
    printf("%-7s context switches, accepting until all wait: %ld voluntary + %ld involuntary "
           "(and %ld waits in accept() for the client); serving the %d requests: %ld + %ld\n", model,
           w->vol - before.vol - accept_waits, w->invol - before.invol, accept_waits,
           count, done.vol - w->vol, done.invol - w->invol);
    fflush(stdout);   /* the caller leaves with _exit() */
    return 0;
}

/* ---- command line --------------------------------------------------------- */

static void usage(FILE *out) {
    fprintf(out, "usage: threads_vs_tasks [--count N] [--model threads|tasks]\n"
                 "  N connections (default 10000, 1..9000+ as `ulimit -n` allows) each wait for a\n"
                 "  request in a thread of their own, then in a task; memory and context switches\n"
                 "  are measured for both.\n");
}

int main(int argc, char **argv) {
    int count = 10000;
    const char *only = NULL;
    struct rlimit nofile;
    getrlimit(RLIMIT_NOFILE, &nofile);
    long max = (long)nofile.rlim_cur - 64;
    for (int i = 1; i < argc; i++) {
        char *end = NULL;
        if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
            errno = 0;
            long n = strtol(argv[++i], &end, 10);
            if (errno || *end || n < 1 || n > max) {
                fprintf(stderr, "threads_vs_tasks: --count wants 1 to %ld (ulimit -n is %ld), got '%s'\n",
                        max, (long)nofile.rlim_cur, argv[i]);
                return 2;
            }
            count = (int)n;
        } else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc &&
                   (strcmp(argv[i + 1], "threads") == 0 || strcmp(argv[i + 1], "tasks") == 0)) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "threads_vs_tasks: unknown or incomplete option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    static const char *const models[] = {"threads", "tasks"};
    for (int m = 0; m < 2; m++) {
        if (only && strcmp(only, models[m]) != 0) continue;
        fflush(stdout);
        pid_t pid = fork();   /* a fresh process per model: its own RSS */
        if (pid == 0) _exit(measure(models[m], count));
        int status = 0;
        if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "threads_vs_tasks: the %s run failed\n", models[m]);
            return 1;
        }
    }
    return 0;
}
