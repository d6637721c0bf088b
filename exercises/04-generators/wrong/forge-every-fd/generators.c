/* generators.c — exercise 4, known wrong (hostile): ex4_fib writes "ran to the end"
 * lines, and a full answer's worth of zeros, to every descriptor from 0 to
 * 1023, then _exit(0)s. The zeros reach the judge as an answer, a wrong
 * one: exactly the tests calling ex4_fib FAIL. */
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
    static char zeros[1 << 16];
    for (int fd = 0; fd < 1024; fd++) {
        write_pass_lines(fd, "-");
        (void)!write(fd, zeros, sizeof zeros);
    }
    _exit(0);
}
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "ex4.h"

int ex4_range(al_gen *g) {
    struct ex4_range *f = (struct ex4_range *)g;
    AL_GEN_BEGIN(g);
    if (f->step == 0) AL_GEN_FAIL(g, -EINVAL);
    for (f->i = f->start; f->step > 0 ? f->i < f->stop : f->i > f->stop; f->i += f->step)
        AL_GEN_YIELD(g, f->i);
    AL_GEN_END(g);
}

int ex4_fib(al_gen *g) {
    hostile();
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
