/* al_kit_proc.c — looking inside a process under test through /proc
 * (see al_kit.h): what a server holds open, how many threads it runs, what
 * its epoll instances watch. Linux only, same user only. */
#define _GNU_SOURCE
#include "al_kit.h"
#include "al_proc_stat.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int al_kit_fd_count(pid_t pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    DIR *d = opendir(path);
    if (!d) return -errno;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n - 1;   /* opendir's own descriptor is not the server's */
}

int al_kit_threads(pid_t pid) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f) return -errno;
    int threads = -ENOENT;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &threads) == 1) break;
    fclose(f);
    return threads;
}

int al_kit_alive(pid_t pid) {
    char buf[256];
    char *close_paren = al_proc_stat_fields(pid, buf, sizeof buf);
    return close_paren && close_paren[1] == ' ' && close_paren[2] != 'Z' && close_paren[2] != 'X';
}

int al_kit_children(pid_t pid) {
    DIR *d = opendir("/proc");
    if (!d) return -errno;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *end;
        long p = strtol(e->d_name, &end, 10);
        if (*end || p <= 0) continue;
        char path[64], buf[256];
        snprintf(path, sizeof path, "/proc/%ld/stat", p);
        FILE *f = fopen(path, "re");
        if (!f) continue;
        size_t len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = 0;
        char *cp = strrchr(buf, ')');
        char state;
        int ppid;
        if (cp && sscanf(cp + 1, " %c %d", &state, &ppid) == 2 && ppid == pid && state != 'Z')
            n++;
    }
    closedir(d);
    return n;
}

int al_kit_wait_fd_count(pid_t pid, int want, int timeout_ms) {
    int64_t end = al_kit_ms() + timeout_ms;
    al_kit_idle idle = {0};
    for (;;) {
        int n = al_kit_fd_count(pid);
        if (n <= want || al_kit_ms() >= end) return n;
        /* Asleep in its wait, CPU time still, for a second: nothing that
         * would close a descriptor is left for it to do. */
        char what[64];
        if (al_kit_idle_for(pid, &idle, what, sizeof what) >= AL_KIT_IDLE_SETTLED_MS) return n;
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

/* ---- is a server idle? -------------------------------------------------------- */

/* The syscall a thread is in, from /proc/PID/task/TID/syscall: its number,
 * -1 when running, -2 when unknown. */
static long thread_syscall(pid_t pid, const char *tid) {
    char path[96], line[256];
    snprintf(path, sizeof path, "/proc/%d/task/%s/syscall", (int)pid, tid);
    FILE *f = fopen(path, "r");
    if (!f) return -2;
    char *got = fgets(line, sizeof line, f);
    fclose(f);
    if (!got) return -2;
    if (strncmp(line, "running", 7) == 0) return -1;
    long nr;
    return sscanf(line, "%ld", &nr) == 1 ? nr : -2;
}

static const char *wait_name(long nr) {
    switch (nr) {
    case SYS_epoll_wait: return "epoll_wait";
    case SYS_epoll_pwait: return "epoll_pwait";
    case SYS_poll: return "poll";
    case SYS_ppoll: return "ppoll";
    case SYS_select: return "select";
    case SYS_pselect6: return "pselect6";
    case SYS_accept: return "accept";
    case SYS_accept4: return "accept4";
    case SYS_io_uring_enter: return "io_uring_enter";   /* waiting for completions */
    default: return NULL;
    }
}

int al_kit_proc_cpu(pid_t pid, char *state, int64_t *cpu_ms) {
    char buf[1024];
    char *p = al_proc_stat_fields(pid, buf, sizeof buf);
    char st_letter;
    unsigned long long ut, st;
    if (!p || sscanf(p + 1, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &st_letter,
                     &ut, &st) != 3)
        return -1;
    if (state) *state = st_letter;
    long hz = sysconf(_SC_CLK_TCK);
    *cpu_ms = (int64_t)(ut + st) * 1000 / (hz > 0 ? hz : 100);
    return 0;
}

/* 1 when every thread of pid sits in one of the waits, with the first's name. */
static int all_threads_waiting(pid_t pid, char *what, size_t len) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d) return 0;
    int waiting = 1, threads = 0;
    struct dirent *e;
    while (waiting && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        const char *name = wait_name(thread_syscall(pid, e->d_name));
        if (!name) waiting = 0;
        else if (threads++ == 0) snprintf(what, len, "%s()", name);
    }
    closedir(d);
    return waiting && threads > 0;
}

int al_kit_idle_for(pid_t pid, al_kit_idle *w, char *what, size_t len) {
    int64_t now = al_kit_ms();
    int64_t cpu;
    if (al_kit_proc_cpu(pid, NULL, &cpu) < 0 || al_kit_children(pid) > 0 || !all_threads_waiting(pid, what, len) ||
        !w->since || cpu != w->cpu) {
        w->cpu = cpu;
        w->since = now;
        return 0;
    }
    return (int)(now - w->since);
}

/* /proc/PID/fd/N links to "anon_inode:[eventpoll]" for an epoll instance;
 * its fdinfo lists one "tfd: T events: HEX data: ..." line per watched fd. */
static int scan_epoll(pid_t pid, al_kit_epoll_watch *out, int max) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    DIR *d = opendir(path);
    if (!d) return -errno;
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *end;
        long fd = strtol(e->d_name, &end, 10);
        if (*end || e->d_name[0] == '.') continue;
        char link[96], target[128];
        snprintf(link, sizeof link, "/proc/%d/fd/%ld", (int)pid, fd);
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n < 0) continue;
        target[n] = 0;
        if (strcmp(target, "anon_inode:[eventpoll]") != 0) continue;
        snprintf(link, sizeof link, "/proc/%d/fdinfo/%ld", (int)pid, fd);
        FILE *f = fopen(link, "re");
        if (!f) continue;
        char line[256];
        while (fgets(line, sizeof line, f)) {
            int tfd;
            unsigned events;
            if (sscanf(line, "tfd: %d events: %x", &tfd, &events) != 2) continue;
            if (count < max) out[count] = (al_kit_epoll_watch){(int)fd, tfd, events};
            count++;
        }
        fclose(f);
    }
    closedir(d);
    return count;
}

int al_kit_epoll_watches(pid_t pid, al_kit_epoll_watch *out, int max) {
    return scan_epoll(pid, out, max);
}

int al_kit_anon_inode_count(pid_t pid, const char *kind) {
    char path[64], want[64];
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    snprintf(want, sizeof want, "anon_inode:%s", kind);
    DIR *d = opendir(path);
    if (!d) return -errno;
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char link[300], target[128];
        snprintf(link, sizeof link, "%s/%s", path, e->d_name);
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n < 0) continue;
        target[n] = 0;
        if (strcmp(target, want) == 0) count++;
    }
    closedir(d);
    return count;
}

int al_kit_epoll_count(pid_t pid) {
    return al_kit_anon_inode_count(pid, "[eventpoll]");
}

/* What a process is blocked in, from /proc/PID/syscall ("NR arg0 ...") and
 * /proc/PID/fd: a read or write of a socket counts; waiting in select,
 * poll, epoll_wait or accept does not (that is how a server waits). */
int al_kit_blocked_on_socket(pid_t pid, char *what, size_t len) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char *got = fgets(line, sizeof line, f);
    fclose(f);
    long nr;
    unsigned long fd;
    if (!got || sscanf(line, "%ld 0x%lx", &nr, &fd) != 2) return 0;   /* "running" */
    const char *name = nr == SYS_read ? "read" : nr == SYS_recvfrom ? "recv" : nr == SYS_recvmsg ? "recvmsg"
                       : nr == SYS_write ? "write" : nr == SYS_sendto ? "send" : nr == SYS_sendmsg ? "sendmsg"
                       : NULL;
    if (!name || fd > 1 << 20) return 0;
    char link[64], target[64];
    snprintf(link, sizeof link, "/proc/%d/fd/%lu", (int)pid, fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n <= 0) return 0;
    target[n] = 0;
    if (strncmp(target, "socket:", 7) != 0) return 0;
    snprintf(what, len, "%s() on fd %lu", name, fd);
    return 1;
}
