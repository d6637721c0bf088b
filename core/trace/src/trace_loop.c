/* trace_loop.c — a loop with its trace: al_loop_new (trace.h).
 *
 * The loop library knows only an event sink (events.h); this is where a
 * program's loop gets the trace its environment asks for, the way every
 * lesson is watched: the viewer starts the program with $ASYNCLAB_TRACE
 * set, and the program needs no code for it.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "asynclab/error.h"
#include "asynclab/trace.h"

/* The first event: who is talking, on which clock and backend. argv[0]'s
 * last part: the kernel's "comm" is cut at 15 bytes ("lesson03_callba"), and
 * the viewer's title deserves the whole name. */
static void emit_hello(al_loop *loop) {
    char cmdline[256] = "?";
    FILE *f = fopen("/proc/self/cmdline", "r");
    if (f) {
        size_t n = fread(cmdline, 1, sizeof cmdline - 1, f);
        cmdline[n] = 0;                    /* argv[0] ends at its own NUL */
        fclose(f);
    }
    const char *program = strrchr(cmdline, '/') ? strrchr(cmdline, '/') + 1 : cmdline;
    if (!*program) program = "?";
    al_trace_event ev = {.type = AL_EV_HELLO, .reason = (uint16_t)al_loop_clock(loop), .fd = -1,
                         .other = (uint64_t)getpid(), .text = program,
                         .text_len = strlen(program), .text2 = al_loop_backend_name(loop)};
    al_loop_emit(loop, &ev);
}

int al_loop_new(al_loop **out, const al_loop_options *opts) {
    int rc = al_loop_create(out, opts);
    if (rc < 0) return rc;
    if (!al_loop_sink(*out)) {
        al_trace *env = NULL;
        if ((rc = al_trace_open_env(&env)) < 0) {
            al_loop_free(*out);
            *out = NULL;
            return rc;
        }
        al_loop_attach_sink(*out, al_trace_sink(env), 1);
    }
    if (al_loop_sink(*out)) emit_hello(*out);
    return 0;
}
