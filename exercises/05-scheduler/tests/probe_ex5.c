/* probe_ex5.c — the subject's side of exercise 5: runs the judge's scenario
 * (small generator tasks) on the student's scheduler and logs what happened
 * when, on its virtual clock. No expected value lives here (see
 * grader/support/al_subject.h). */
#include <errno.h>
#include <string.h>

#include "al_subject.h"
#include "ex5_probe.h"
#include "sched.h"

static ex5_seen seen;

static void note(int id, char what, int64_t at) {
    if (seen.nevents < EX5_MAX_EVENTS) seen.ev[seen.nevents++] = (ex5_event){id, what, at};
}

static int finished(int id) {
    for (int i = 0; i < seen.nevents; i++)
        if (seen.ev[i].id == id && seen.ev[i].what == 'f') return 1;
    return 0;
}

/* Sleeps `us`, noting start and finish; its FINALLY notes a cancellation.
 * Fails with `fail` after the sleep if that is set. */
struct sleeper {
    al_gen gen;
    ex5_sched *s;
    ex5_sleeper_spec spec;
    ex5_request req;
    int rc;
};

static int sleeper(al_gen *g) {
    struct sleeper *f = (struct sleeper *)g;
    AL_GEN_BEGIN(g);
    note(f->spec.id, 's', ex5_now(f->s));
    EX5_SLEEP(g, f->req, f->rc, f->spec.us);
    note(f->spec.id, 'f', ex5_now(f->s));
    if (f->spec.fail) AL_GEN_FAIL(g, f->spec.fail);
    AL_GEN_FINALLY(g);
    if (!finished(f->spec.id)) note(f->spec.id, 'c', ex5_now(f->s));
    AL_GEN_END(g);
}

/* A sleeper of scheduler s, as spec says, ready to be spawned. */
static void sleeper_init(struct sleeper *f, ex5_sched *s, const ex5_sleeper_spec *spec) {
    memset(f, 0, sizeof *f);
    f->s = s;
    f->spec = *spec;
    al_gen_init(&f->gen, sleeper);
}

/* Takes three steps, yielding with a sleep of 0 between them. */
struct stepper {
    al_gen gen;
    ex5_sched *s;
    int id, i;
    ex5_request req;
    int rc;
};

static int stepper(al_gen *g) {
    struct stepper *f = (struct stepper *)g;
    AL_GEN_BEGIN(g);
    for (f->i = 1; f->i <= 3; f->i++) {
        note(f->id * 10 + f->i, 'y', ex5_now(f->s));
        EX5_SLEEP(g, f->req, f->rc, 0);
    }
    AL_GEN_END(g);
}

/* Spawns its kids, gathers them with a timeout, notes the result and the
 * time. */
struct parent {
    al_gen gen;
    ex5_sched *s;
    struct sleeper *kids;
    int nkids;
    int64_t timeout;
    ex5_task *tasks[EX5_MAX_KIDS];
    ex5_request req;
    int rc, i;
    int second;
    struct sleeper *kid2;
    int64_t timeout2;
    ex5_task *task2[1];
};

static int parent(al_gen *g) {
    struct parent *f = (struct parent *)g;
    AL_GEN_BEGIN(g);
    for (f->i = 0; f->i < f->nkids; f->i++) ex5_spawn(f->s, &f->kids[f->i].gen, &f->tasks[f->i]);
    EX5_GATHER(g, f->req, f->rc, f->tasks, (size_t)f->nkids, f->timeout);
    seen.parent_result = f->rc;
    seen.parent_resumed_at = ex5_now(f->s);
    if (f->second) {
        ex5_spawn(f->s, &f->kid2->gen, &f->task2[0]);
        EX5_GATHER(g, f->req, f->rc, f->task2, 1, f->timeout2);
        seen.parent_result2 = f->rc;
        seen.parent_resumed_at2 = ex5_now(f->s);
    }
    AL_GEN_END(g);
}

static void spawn(ex5_sched *s, al_gen *g, ex5_task **t, int *first) {
    int rc = ex5_spawn(s, g, t);
    if (*first) {
        seen.spawn_rc = rc;
        seen.events_after_spawn = seen.nevents;
        *first = 0;
    }
}

AL_ENTRY(scenario) {
    (void)peer;
    if (in_len != sizeof(ex5_scenario)) return 2;
    static ex5_scenario sc;
    memcpy(&sc, in, sizeof sc);
    memset(&seen, 0, sizeof seen);
    seen.parent_resumed_at = seen.parent_resumed_at2 = -1;
    static struct sleeper top[EX5_MAX_SLEEPERS], kids[EX5_MAX_KIDS], kid2;
    static struct stepper steps[2];
    static struct parent p;
    static ex5_task *tasks[EX5_MAX_SLEEPERS];
    ex5_sched *s = NULL;
    seen.new_rc = ex5_sched_new(&s);
    if (seen.new_rc != 0 || !s) return al_entry_reply(chan, &seen, sizeof seen);
    int first = 1;
    int n = sc.nsleepers < 0 ? 0 : sc.nsleepers > EX5_MAX_SLEEPERS ? EX5_MAX_SLEEPERS : sc.nsleepers;
    for (int i = 0; i < n; i++) {
        sleeper_init(&top[i], s, &sc.sleepers[i]);
        spawn(s, &top[i].gen, &tasks[i], &first);
    }
    for (int i = 0; sc.steppers && i < 2; i++) {
        memset(&steps[i], 0, sizeof steps[i]);
        steps[i].s = s;
        steps[i].id = i + 1;
        al_gen_init(&steps[i].gen, stepper);
        spawn(s, &steps[i].gen, NULL, &first);
    }
    if (sc.parent) {
        int nk = sc.nkids < 0 ? 0 : sc.nkids > EX5_MAX_KIDS ? EX5_MAX_KIDS : sc.nkids;
        for (int i = 0; i < nk; i++) {
            sleeper_init(&kids[i], s, &sc.kids[i]);
        }
        memset(&p, 0, sizeof p);
        p.s = s;
        p.kids = kids;
        p.nkids = nk;
        p.timeout = sc.timeout;
        p.second = sc.second;
        p.timeout2 = sc.timeout2;
        memset(&kid2, 0, sizeof kid2);
        kid2.s = s;
        kid2.spec = sc.kid2;
        al_gen_init(&kid2.gen, sleeper);
        p.kid2 = &kid2;
        al_gen_init(&p.gen, parent);
        spawn(s, &p.gen, NULL, &first);
    }
    seen.run_rc = ex5_run(s);
    seen.now = ex5_now(s);
    for (int i = 0; i < n && i < EX5_TOP; i++) {
        seen.top_done[i] = tasks[i] ? ex5_task_done(tasks[i]) : -1;
        seen.top_result[i] = tasks[i] ? ex5_task_result(tasks[i]) : -1;
    }
    for (int i = 0; sc.parent && i < p.nkids; i++) {
        seen.kid_done[i] = p.tasks[i] ? ex5_task_done(p.tasks[i]) : -1;
        seen.kid_result[i] = p.tasks[i] ? ex5_task_result(p.tasks[i]) : -1;
    }
    /* Forget every task pointer before freeing: what ex5_sched_free leaves
     * behind is then unreachable, and the leak check (al_subject_main.c)
     * sees it. */
    memset(tasks, 0, sizeof tasks);
    memset(p.tasks, 0, sizeof p.tasks);
    p.task2[0] = NULL;
    ex5_sched_free(s);
    return al_entry_reply(chan, &seen, sizeof seen);
}
