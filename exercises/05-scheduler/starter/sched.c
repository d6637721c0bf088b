/* sched.c — exercise 5: a mini scheduler. The rules are in sched.h, the
 * task in README.md.
 *
 * What is here already: the structs (add what you need), creating and
 * freeing, spawning onto the ready queue. What is yours: the timer heap,
 * one step of a task, the requests, and ex5_run.
 *
 * Grade it:  asynclab grade 5      (or: asynclab watch 5) */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"

enum state { READY, SLEEPING, GATHERING, DONE };

struct ex5_task {
    ex5_sched *s;
    al_gen *body;
    enum state state;
    int result;
    intptr_t send;              /* what the next step sends in */
    ex5_task *next_ready;       /* the ready queue */
    ex5_task *next_all;         /* every task, for freeing */
};

struct ex5_sched {
    int64_t now;
    ex5_task *ready_head, *ready_tail;
    ex5_task *all;
    /* TODO: the timer heap */
};

static void make_ready(ex5_task *t, intptr_t send) {
    ex5_sched *s = t->s;
    t->state = READY;
    t->send = send;
    t->next_ready = NULL;
    if (s->ready_tail) s->ready_tail->next_ready = t;
    else s->ready_head = t;
    s->ready_tail = t;
}

int ex5_sched_new(ex5_sched **out) {
    *out = calloc(1, sizeof **out);
    return *out ? 0 : -ENOMEM;
}

void ex5_sched_free(ex5_sched *s) {
    if (!s) return;
    while (s->all) {
        ex5_task *next = s->all->next_all;
        free(s->all);
        s->all = next;
    }
    free(s);
}

int64_t ex5_now(const ex5_sched *s) {
    return s->now;
}

int ex5_spawn(ex5_sched *s, al_gen *body, ex5_task **out) {
    ex5_task *t = calloc(1, sizeof *t);
    if (!t) return -ENOMEM;
    t->s = s;
    t->body = body;
    t->next_all = s->all;
    s->all = t;
    make_ready(t, 0);
    if (out) *out = t;
    return 0;
}

int ex5_run(ex5_sched *s) {
    (void)s;
    /* TODO: loop:
     *   nobody ready and no timer left   -> return 0
     *   nobody ready                     -> now = earliest deadline; fire the due timers
     *   otherwise                        -> one pass over the tasks ready now: for each,
     *                                       al_gen_send(body, send, &value); a yield is a
     *                                       request (SLEEP, GATHER), a return is the end */
    return -ENOSYS;
}

int ex5_task_done(const ex5_task *t) {
    return t->state == DONE;
}

int ex5_task_result(const ex5_task *t) {
    return t->state == DONE ? t->result : -EAGAIN;
}
