/* proctree.c — descendants of the grader, read from /proc (see proctree.h).
 *
 * Why /proc and not process groups alone: a process group is something the
 * submission can leave (setpgid, setsid). Parenthood it cannot leave: with
 * the grader as subreaper, an escaped process is still a descendant. */
#define _GNU_SOURCE
#include "proctree.h"
#include "support/al_proc_stat.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct proc_entry {
    pid_t pid, ppid;
    char state;
} proc_entry;

int al_proctree_become_subreaper(void) {
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) return -errno;
    return 0;
}

/* /proc/PID/stat: "pid (comm) state ppid ...". */
static int read_stat(pid_t pid, proc_entry *e) {
    char buf[512];
    char *close = al_proc_stat_fields(pid, buf, sizeof buf);
    if (!close) return -1;
    char state;
    int ppid;
    if (sscanf(close + 1, " %c %d", &state, &ppid) != 2) return -1;
    e->pid = pid;
    e->ppid = (pid_t)ppid;
    e->state = state;
    return 0;
}

/* A snapshot of every process on the machine. The caller frees *out. */
static size_t snapshot(proc_entry **out) {
    *out = NULL;
    DIR *d = opendir("/proc");
    if (!d) return 0;
    size_t n = 0, cap = 0;
    proc_entry *all = NULL;
    struct dirent *de;
    while ((de = readdir(d))) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (*end || pid <= 0) continue;
        proc_entry e;
        if (read_stat((pid_t)pid, &e) < 0) continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            proc_entry *grown = realloc(all, ncap * sizeof *grown);
            if (!grown) break;
            all = grown;
            cap = ncap;
        }
        all[n++] = e;
    }
    closedir(d);
    *out = all;
    return n;
}

static int by_pid(const void *a, const void *b) {
    pid_t x = ((const proc_entry *)a)->pid, y = ((const proc_entry *)b)->pid;
    return (x > y) - (x < y);
}

static const proc_entry *find_pid(const proc_entry *all, size_t n, pid_t pid) {
    proc_entry key = {.pid = pid};
    return bsearch(&key, all, n, sizeof *all, by_pid);
}

/* A process descends from root if walking up its parents reaches root.
 * Chains are short; the walk is bounded anyway in case of a torn snapshot. */
static size_t descendants_in(proc_entry *all, size_t n, pid_t root, pid_t *out, size_t max,
                             int live_only) {
    qsort(all, n, sizeof *all, by_pid);
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        if (all[i].pid == root || (live_only && all[i].state == 'Z')) continue;
        const proc_entry *e = &all[i];
        int hops = 0;
        while (e && e->ppid != root && e->ppid > 1 && hops++ < 4096) e = find_pid(all, n, e->ppid);
        if (!e || e->ppid != root) continue;
        if (found < max) out[found] = all[i].pid;
        found++;
    }
    return found;
}

size_t al_proctree_descendants(pid_t root, pid_t *out, size_t max) {
    proc_entry *all;
    size_t n = snapshot(&all);
    size_t found = descendants_in(all, n, root, out, max, 1);
    free(all);
    return found;
}

static long long rss_of(pid_t pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f) return 0;
    long long size = 0, resident = 0;
    if (fscanf(f, "%lld %lld", &size, &resident) != 2) resident = 0;
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

long long al_proctree_rss(pid_t root) {
    pid_t pids[512];
    size_t n = al_proctree_descendants(root, pids, 512);
    if (n > 512) n = 512;
    long long total = rss_of(root);
    for (size_t i = 0; i < n; i++) total += rss_of(pids[i]);
    return total;
}

static void reap_children(void) {
    while (waitpid(-1, NULL, WNOHANG) > 0) {}
}

int al_proctree_kill_all(int timeout_ms) {
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t self = getpid();
    for (;;) {
        proc_entry *all;
        size_t n = snapshot(&all);
        pid_t pids[1024];
        size_t found = descendants_in(all, n, self, pids, 1024, 0);
        free(all);
        if (found > 1024) found = 1024;
        size_t live = 0;
        for (size_t i = 0; i < found; i++)
            if (kill(pids[i], SIGKILL) == 0) live++;
        reap_children();
        if (found == 0) return 0;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (elapsed >= timeout_ms) return (int)(found ? found : live);
        /* Give the kernel a moment to finish the killed ones and re-parent
         * their children to us. */
        struct timespec pause = {0, 2 * 1000 * 1000};
        nanosleep(&pause, NULL);
        reap_children();
    }
}

long al_proctree_count_uid(uid_t uid) {
    DIR *d = opendir("/proc");
    if (!d) return 0;
    long count = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (*end || pid <= 0) continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/%ld", pid);
        struct stat st;
        if (stat(path, &st) == 0 && st.st_uid == uid) count++;
    }
    closedir(d);
    return count;
}

/* A fork storm can outrun killing by pid (each kill finds new children).
 * A uid that belongs to one run alone can be emptied at once instead: a
 * child of ours becomes that uid and sends SIGKILL to every process it may
 * signal, kill(-1), which is exactly the run's processes, until none is
 * left. Needs root; the orphans come back to us (subreaper) to be reaped. */
int al_proctree_become(uid_t uid, gid_t gid) {
    if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0) return -errno;
    if (getuid() != uid || geteuid() != uid || getegid() != gid) return -EPERM;
    return 0;
}

int al_proctree_kill_uid(uid_t uid, gid_t gid) {
    if (geteuid() != 0 || uid == 0) return -EPERM;
    pid_t pid = fork();
    if (pid < 0) return -errno;
    if (pid == 0) {
        if (al_proctree_become(uid, gid) < 0) _exit(1);
        signal(SIGKILL, SIG_DFL);
        for (int i = 0; i < 1000; i++)
            if (kill(-1, SIGKILL) < 0 && errno == ESRCH) _exit(0);
        _exit(2);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    while (waitpid(-1, NULL, WNOHANG) > 0) {}
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EAGAIN;
}
