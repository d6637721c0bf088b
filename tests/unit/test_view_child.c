/* test_view_child.c — the traced program as a child process (view_child.c):
 * its pipes and environment, its exit in words, and a stop that takes its
 * whole process group down. Real processes (sh), no mocks. */
#include "test_view_sources.h"

#include "al_test.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Everything the child writes to stdout and stderr, until it closes them
 * (at most 10 s). */
static char *all_output(al_child *c) {
    static char buf[8192];
    size_t n = 0;
    for (;;) {
        struct pollfd p = {.fd = c->output_fd, .events = POLLIN};
        if (poll(&p, 1, 10000) != 1) break;
        ssize_t got = read(c->output_fd, buf + n, sizeof buf - 1 - n);
        if (got < 0 && errno == EAGAIN) continue;
        if (got <= 0) break;
        n += (size_t)got;
    }
    buf[n] = '\0';
    return buf;
}

static void run_sh(al_child *c, const char *script, int step_paused) {
    const char *argv[] = {"sh", "-c", script, NULL};
    al_child_options o = {.argv = argv, .step = 1, .step_paused = step_paused};
    AL_REQUIRE(al_child_spawn(c, &o) == 0);
}

AL_TEST(child_gets_its_pipes_and_environment) {
    al_child c;
    run_sh(&c, "echo out; echo err >&2; echo \"[$ASYNCLAB_TRACE] [$ASYNCLAB_STEP]\"; "
               "echo trace-line >&${ASYNCLAB_TRACE#fd:}; exit 3", 0);
    char *out = all_output(&c);
    AL_CHECK(strstr(out, "out\n") != NULL);
    AL_CHECK(strstr(out, "err\n") != NULL);            /* stderr too, in the same panel */
    int tfd = -1, sfd = -1;
    const char *env = strstr(out, "[fd:");
    AL_REQUIRE_MSG(env && sscanf(env, "[fd:%d] [fd:%d]", &tfd, &sfd) == 2, "environment: %s", out);
    AL_CHECK(tfd > 2 && sfd > 2);
    char trace[64] = "";
    ssize_t n = read(c.trace_fd, trace, sizeof trace - 1);
    AL_CHECK(n > 0 && strncmp(trace, "trace-line\n", 11) == 0);   /* the trace pipe reaches us */
    al_child_stop(&c, 5000);
    char what[64];
    AL_CHECK_STR(al_child_describe(&c, what, sizeof what), "exited 3");
}

AL_TEST(child_reads_nothing_from_the_terminal) {
    al_child c;
    run_sh(&c, "cat; echo cat-ended", 0);                /* stdin is /dev/null: cat ends at once */
    AL_CHECK(strstr(all_output(&c), "cat-ended") != NULL);
    al_child_stop(&c, 5000);
}

AL_TEST(child_crash_is_named) {
    al_child c;
    run_sh(&c, "kill -SEGV $$", 0);
    all_output(&c);
    al_child_stop(&c, 5000);
    char what[64];
    AL_CHECK_STR(al_child_describe(&c, what, sizeof what), "crashed (SIGSEGV)");
}

AL_TEST(child_that_cannot_start_says_why) {
    const char *argv[] = {"/nonexistent/asynclab-test-program", NULL};
    al_child c;
    al_child_options o = {.argv = argv};
    AL_REQUIRE(al_child_spawn(&c, &o) == 0);
    AL_CHECK(strstr(all_output(&c), "cannot run /nonexistent/asynclab-test-program") != NULL);
    al_child_stop(&c, 5000);
    char what[64];
    AL_CHECK_STR(al_child_describe(&c, what, sizeof what), "exited 127");
}

AL_TEST(child_gets_sigpipe_back) {
    /* The viewer ignores SIGPIPE; lesson 1's SIGPIPE demo needs the
     * default in the programs it runs. */
    signal(SIGPIPE, SIG_IGN);
    al_child c;
    run_sh(&c, "grep SigIgn /proc/$$/status", 0);
    char *out = all_output(&c);
    unsigned long long mask = 0;
    const char *at = strstr(out, "SigIgn:");
    AL_REQUIRE_MSG(at && sscanf(at, "SigIgn: %llx", &mask) == 1, "no SigIgn in: %s", out);
    AL_CHECK_MSG(!(mask & (1ull << (SIGPIPE - 1))), "SIGPIPE is ignored in the child (mask %llx)", mask);
    al_child_stop(&c, 5000);
}

AL_TEST(child_starts_held_in_slow_motion) {
    al_child c;
    run_sh(&c, "n=${ASYNCLAB_STEP#fd:}; eval \"head -c 1 <&$n\"; echo", 1);
    AL_CHECK_STR(all_output(&c), "p\n");                 /* the first command waiting: pause */
    al_child_stop(&c, 5000);
}

AL_TEST(child_is_told_when_the_class_steps) {
    /* --step: ASYNCLAB_STEPPING=1, so a demo puts every program on the
     * virtual clock; a plain live view leaves it unset (real time). */
    al_child c;
    run_sh(&c, "echo \"[${ASYNCLAB_STEPPING:-unset}]\"", 1);
    AL_CHECK_STR(all_output(&c), "[1]\n");
    al_child_stop(&c, 5000);
    setenv("ASYNCLAB_STEPPING", "1", 1);                /* not inherited from the viewer */
    run_sh(&c, "echo \"[${ASYNCLAB_STEPPING:-unset}]\"", 0);
    AL_CHECK_STR(all_output(&c), "[unset]\n");
    al_child_stop(&c, 5000);
}

AL_TEST(child_stop_takes_the_whole_group) {
    al_child c;
    run_sh(&c, "sleep 100 & echo $!; wait", 0);
    int pid = 0;
    char line[32] = "";
    for (size_t n = 0; !strchr(line, '\n') && n < sizeof line - 1;) {
        struct pollfd p = {.fd = c.output_fd, .events = POLLIN};
        AL_REQUIRE(poll(&p, 1, 10000) == 1);
        ssize_t got = read(c.output_fd, line + n, sizeof line - 1 - n);
        if (got > 0) n += (size_t)got, line[n] = '\0';
        else if (got == 0) break;
    }
    AL_REQUIRE(sscanf(line, "%d", &pid) == 1 && pid > 0);
    AL_CHECK_INT(getpgid(pid), ==, c.pid);               /* the demo's own group, not ours */
    AL_CHECK(getpgid(0) != c.pid);
    al_child_stop(&c, 5000);
    /* The background sleep got the group's SIGTERM too. A signal is taken
     * when its process next runs: wait (5 s at most) until it is gone, or
     * a zombie waiting for init. */
    char path[64], stat[256] = "";
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int dead = 0;
    for (int tries = 0; tries < 500 && !dead; tries++) {
        FILE *f = fopen(path, "r");
        if (!f) {
            dead = 1;
            break;
        }
        if (!fgets(stat, sizeof stat, f)) stat[0] = '\0';
        fclose(f);
        const char *close_paren = strrchr(stat, ')');
        dead = close_paren && close_paren[1] && close_paren[2] == 'Z';
        if (!dead) {
            struct timespec ts = {0, 10000000};
            nanosleep(&ts, NULL);   /* polling a process we cannot wait for (not our child) */
        }
    }
    AL_CHECK_MSG(dead, "the group's sleep still runs: %s", stat);
    char what[64];
    AL_CHECK_STR(al_child_describe(&c, what, sizeof what), "killed by SIGTERM");
}
