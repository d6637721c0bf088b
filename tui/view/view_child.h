/* view_child.h — the traced program, run as a child process with its trace,
 * its output and its step control on pipes.
 *
 * The viewer never runs the traced program's code on its own thread: the
 * program is a child process. Its environment says where to write the
 * trace (ASYNCLAB_TRACE=fd:N, a pipe the viewer reads) and where the
 * viewer's step commands come from (ASYNCLAB_STEP=fd:M, see
 * core/loop/src/loop_step.c); its stdout and stderr go to a third pipe, shown in
 * the output panel, never over the screen; its stdin is /dev/null. It runs
 * in a process group of its own, so the terminal's Ctrl-C reaches the viewer
 * (which then stops the whole group) and not a lesson's servers directly.
 * Everything the child inherits besides those three pipes is closed on
 * exec, and the signals the viewer handles are reset to their defaults (an
 * ignored SIGPIPE would otherwise be inherited and change lesson 1's demo).
 *
 * Contract
 *   Ownership  al_child_spawn / al_child_stop; the viewer's pipe ends are
 *              non-blocking and close-on-exec.
 *   Errors     negative errno (the exec's failure shows as exit status 127
 *              and a line in the output).
 */
#ifndef AL_VIEW_CHILD_H
#define AL_VIEW_CHILD_H

#include <sys/types.h>

typedef struct al_child {
    pid_t pid;             /* 0 once reaped */
    int trace_fd;          /* read end of the trace pipe */
    int output_fd;         /* read end of stdout+stderr */
    int step_fd;           /* write end of the step pipe, -1 without one */
    int status;            /* waitpid status, once exited */
    int exited;
} al_child;

typedef struct al_child_options {
    const char *const *argv;   /* the command, argv[0] searched in PATH */
    const char *cwd;           /* NULL: the viewer's */
    int step;                  /* give the child ASYNCLAB_STEP */
    int step_paused;           /* ...and hold its loop before the first iteration */
    const char *const *env;    /* extra NAME=VALUE settings, NULL-terminated, or NULL */
} al_child_options;

int al_child_spawn(al_child *c, const al_child_options *o);
/* Reap the child if it has exited (non-blocking): 1 if it has now. */
int al_child_poll(al_child *c);
/* Send a step command ('s', 'p', 'c'); -EPIPE when nobody listens. */
int al_child_step(al_child *c, char cmd);
/* Stop the child's process group: SIGTERM, then SIGKILL after `grace_ms`,
 * and reap it; close the pipes. Safe to call twice. */
void al_child_stop(al_child *c, int grace_ms);
/* "exited 0", "exited 3", "killed by SIGTERM", "crashed (SIGSEGV)". */
const char *al_child_describe(const al_child *c, char *buf, size_t size);

#endif
