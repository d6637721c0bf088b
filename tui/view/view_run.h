/* view_run.h — the live viewer and the replay, start to finish.
 *
 * al_view_run() is the viewer's main loop: it runs the traced program as a
 * child (live) or loads a trace file (replay), sets up the terminal, and
 * then waits in poll() on everything that can change the picture: a key,
 * the trace pipe, the output pipe, a signal (the child ended, the terminal
 * was resized, someone sent SIGTERM), or the frame timer. It redraws only
 * when something changed, at most 30 times a second, and sleeps in poll
 * when nothing happens, so an idle viewer costs nothing.
 *
 * Whatever happens (q, Ctrl-C, SIGTERM, SIGHUP, the child crashing, a
 * broken trace), it leaves through one exit path that stops the child's
 * process group and gives the terminal back before printing anything.
 */
#ifndef AL_VIEW_RUN_H
#define AL_VIEW_RUN_H

#include <stdint.h>

typedef struct al_run_options {
    /* live: the command to run (argv[0] searched in PATH) */
    const char *const *argv;
    const char *cwd;
    const char *const *env;       /* extra NAME=VALUE for the child, or NULL */
    const char *record;           /* --record FILE: keep the live trace */
    int step;                     /* start in slow motion (the loop held before its first iteration) */
    long max_events;              /* keep at most this many events, live or from a file (0: the
                                     default, 1,000,000; -1: no limit); later ones are not shown */
    /* replay: a trace file ("-" for stdin is not possible: the keys come from there) */
    const char *replay;
    /* what the screen says */
    const char *title;            /* status bar: "lesson 5: coroutines", the command */
    const char *notes;            /* a file shown in the notes panel (a lesson's README), or NULL */
    const char *untraced;         /* the timeline's text when the program sends no trace */
    int ascii, no_color;
} al_run_options;

/* Exit status: 0 after q; 1 when the trace was broken (the message goes to
 * stderr after the terminal is restored) or nothing could start; 128+N
 * after signal N (SIGINT, SIGTERM, SIGHUP). */
int al_view_run(const al_run_options *o);

/* Monotonic time in µs. */
int64_t al_wall_us(void);

#endif
