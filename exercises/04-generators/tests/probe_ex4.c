/* probe_ex4.c — the subject's side of exercise 4's tests: drives the
 * student's generators as the judge asks and reports every return code and
 * value. No expected value lives here (see grader/support/al_subject.h). */
#include <errno.h>
#include <string.h>

#include "al_subject.h"
#include "ex4.h"
#include "ex4_probe.h"

typedef union frame {
    struct ex4_range range;
    struct ex4_fib fib;
    struct ex4_average avg;
} frame;

AL_ENTRY(drive) {
    (void)peer;
    if (in_len != sizeof(ex4_drive_in)) return 2;
    const ex4_drive_in *d = in;
    static frame f[2];
    static ex4_drive_out out;
    memset(f, 0, sizeof f);
    memset(&out, 0, sizeof out);
    for (int i = 0; i < 2; i++) {
        if (d->kind == EX4_RANGE) {
            f[i].range.start = d->start;
            f[i].range.stop = d->stop;
            f[i].range.step = d->step;
            al_gen_init(&f[i].range.gen, ex4_range);
        } else if (d->kind == EX4_FIB) {
            al_gen_init(&f[i].fib.gen, ex4_fib);
        } else {
            al_gen_init(&f[i].avg.gen, ex4_average);
        }
    }
    int nops = d->nops < 0 ? 0 : d->nops > EX4_MAX_OPS ? EX4_MAX_OPS : d->nops;
    for (int i = 0; i < nops; i++) {
        al_gen *g = (al_gen *)&f[d->ops[i].frame & 1];
        intptr_t v = -1;
        int rc = d->ops[i].op == EX4_SEND ? al_gen_send(g, d->ops[i].value, &v)
                 : d->ops[i].op == EX4_CLOSE ? al_gen_close(g)
                                             : al_gen_next(g, &v);
        out.res[i].rc = rc;
        out.res[i].value = (long)v;
    }
    for (int i = 0; i < 2; i++) {
        out.retval[i] = (long)((al_gen *)&f[i])->value;
        out.finished[i] = al_gen_finished((al_gen *)&f[i]);
    }
    return al_entry_reply(chan, &out, sizeof out);
}

/* The end of the pipeline: keeps every line it is sent, and notes when it
 * is closed. */
struct collector {
    al_gen gen;
    char lines[16][EX4_LINE];
    int count;
    int closed;
};

static int collector(al_gen *g) {
    struct collector *c = (struct collector *)g;
    AL_GEN_BEGIN(g);
    for (;;) {
        AL_GEN_YIELD(g, 0);
        if (c->count < 16) {
            const char *line = (const char *)AL_GEN_SENT(g);
            strncpy(c->lines[c->count], line ? line : "(NULL)", EX4_LINE - 1);
            c->count++;
        }
    }
    AL_GEN_FINALLY(g);
    c->closed = 1;
    AL_GEN_END(g);
}

AL_ENTRY(pipeline) {
    (void)peer;
    if (in_len != sizeof(ex4_pipe_in)) return 2;
    static ex4_pipe_in p;
    memcpy(&p, in, sizeof p);
    p.pattern[EX4_LINE - 1] = 0;
    static ex4_pipe_out out;
    static struct collector sink;
    memset(&out, 0, sizeof out);
    memset(&sink, 0, sizeof sink);
    al_gen_init(&sink.gen, collector);
    intptr_t v;
    out.sink_start_rc = al_gen_next(&sink.gen, &v);
    static struct ex4_grep grep;
    memset(&grep, 0, sizeof grep);
    grep.pattern = p.pattern;
    grep.target = &sink.gen;
    al_gen_init(&grep.gen, ex4_grep);
    out.start_rc = al_gen_next(&grep.gen, &v);
    int n = p.nlines < 0 ? 0 : p.nlines > EX4_LINES ? EX4_LINES : p.nlines;
    for (int i = 0; i < n; i++) {
        p.lines[i][EX4_LINE - 1] = 0;
        out.send_rc[i] = al_gen_send(&grep.gen, (intptr_t)p.lines[i], &v);
    }
    if (p.close_after) out.close_rc = al_gen_close(&grep.gen);
    out.finished = al_gen_finished(&grep.gen);
    out.count = sink.count;
    out.closed = sink.closed;
    memcpy(out.got, sink.lines, sizeof out.got);
    return al_entry_reply(chan, &out, sizeof out);
}
