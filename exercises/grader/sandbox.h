/* sandbox.h — run one untrusted program, contained, and capture what it did.
 *
 * The grader runs the compiler and every test through here. The child gets
 * its own process group, a private working directory, /dev/null on stdin,
 * stdout and stderr merged into one pipe, an optional result pipe on fd 3,
 * rlimits (CPU, address space, open files, processes, file size, no core
 * files), no_new_privs, and, when the grader is root, an unprivileged
 * uid/gid (setgroups, setgid, setuid in the child, before exec): root is
 * not bound by RLIMIT_NPROC and may signal anyone, an unprivileged process
 * is and may not.
 *
 * Contract
 *   Never hangs: the wall-clock timeout ends the run (SIGKILL to the group,
 *   with uid_private to every process of that uid in one kill(-1) sweep made
 *   as that uid, then to every descendant found in /proc, see proctree.h); the output is
 *   drained without blocking. Never trusts the child: output past
 *   output_limit, resident memory of the whole process tree past
 *   memory_bytes, and CPU time past cpu_s all end the run and say so.
 *   Output   the first keep_head and the last keep_tail bytes are kept, with
 *            a note of what was cut; bytes that are not UTF-8 or are control
 *            characters (other than \n, \r and \t) become '?', so the text can go
 *            into JSON and XML as it is.
 *   Signals  al_sandbox_interrupted (set it from a SIGINT handler) makes a
 *            run end early as AL_RUN_INTERRUPTED.
 *   Errors   al_sandbox_run returns 0 (and fills the result) or a negative
 *            errno if the grader itself could not set the run up.
 */
#ifndef AL_GRADER_SANDBOX_H
#define AL_GRADER_SANDBOX_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "asynclab/text.h"   /* al_text_sanitize, for what a submission printed */

typedef enum al_run_end {
    AL_RUN_EXITED = 0,    /* status = exit code */
    AL_RUN_SIGNALED,      /* status = the signal */
    AL_RUN_TIMEOUT,       /* the wall-clock timeout */
    AL_RUN_CPU_LIMIT,     /* RLIMIT_CPU (SIGXCPU) */
    AL_RUN_MEMORY,        /* resident memory of the tree over the limit */
    AL_RUN_OUTPUT,        /* more output than output_limit */
    AL_RUN_INTERRUPTED,   /* al_sandbox_interrupted was set */
    AL_RUN_NOT_STARTED    /* exec failed: status = errno */
} al_run_end;

typedef struct al_sandbox {
    char *const *argv;          /* argv[0] is looked up in PATH if it has no '/' */
    char *const *envp;
    const char *cwd;
    int timeout_ms;
    int cpu_s;                  /* 0: no CPU limit */
    long long memory_bytes;     /* 0: no RSS watch */
    long long address_space;    /* RLIMIT_AS; 0: none (ASan needs none) */
    long nofile;                /* RLIMIT_NOFILE; 0: inherit */
    long nproc;                 /* RLIMIT_NPROC; 0: inherit */
    long long fsize;            /* RLIMIT_FSIZE; 0: inherit */
    int drop;                   /* switch to uid/gid (needs root) */
    uid_t uid;
    gid_t gid;
    int uid_private;            /* no one else has uid: at the end, kill all it owns */
    size_t keep_head, keep_tail;
    size_t output_limit;        /* 0: unlimited */
    int want_results;           /* a pipe on fd 3, read into result.results */
} al_sandbox;

typedef struct al_sandbox_result {
    al_run_end end;
    int status;
    double seconds;
    char *output;               /* NUL-terminated, kept part only */
    size_t output_len;
    size_t output_total;        /* every byte the program wrote */
    char *results;              /* what arrived on fd 3 (64 KiB at most) */
    size_t results_len;
    int sanitizer;              /* a sanitizer report was seen in the output */
    char sanitizer_summary[256];
    int stray;                  /* processes that could not be killed */
} al_sandbox_result;

extern volatile sig_atomic_t al_sandbox_interrupted;
/* SIGINT, SIGTERM and SIGHUP set al_sandbox_interrupted (the running test is
 * stopped and cleaned up instead of the grader dying mid-run); SIGPIPE is
 * ignored. */
void al_sandbox_catch_signals(void);

int al_sandbox_run(const al_sandbox *sb, al_sandbox_result *result);
void al_sandbox_result_free(al_sandbox_result *result);
const char *al_run_end_name(al_run_end end);

#endif
