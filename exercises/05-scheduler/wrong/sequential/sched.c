/* sched.c — exercise 5, known wrong: a scheduler that runs each task to
 * its end before the next one starts, moving the clock forward at every
 * sleep (as blocking sleeps would). Results and errors come out right; the
 * timing does not. CI checks that exactly the concurrency tests are lost. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"

struct ex5_task {
    ex5_sched *s;
    al_gen *body;
    int done;
    int result;
    ex5_task *next;           /* queue of tasks not started */
    ex5_task *next_all;
};

struct ex5_sched {
    int64_t now;
    ex5_task *head, *tail;
    ex5_task *all;
};

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
    if (s->tail) s->tail->next = t;
    else s->head = t;
    s->tail = t;
    if (out) *out = t;
    return 0;
}

/* Run one task to its end. */
static void run_to_end(ex5_task *t) {
    intptr_t send = 0, value;
    for (;;) {
        int rc = al_gen_send(t->body, send, &value);
        if (rc != AL_GEN_YIELDED) {
            t->done = 1;
            t->result = rc;
            return;
        }
        const ex5_request *req = (const ex5_request *)value;
        send = 0;
        if (req && req->op == EX5_OP_SLEEP) {
            t->s->now += req->us;                 /* "blocking" sleep */
        } else if (req && req->op == EX5_OP_GATHER) {
            int first = 0;
            for (size_t i = 0; i < req->n; i++) { /* run each, in turn, to its end */
                if (!req->tasks[i]->done) run_to_end(req->tasks[i]);
                if (!first) first = req->tasks[i]->result;
            }
            send = first;
        } else {
            send = -EINVAL;
        }
    }
}

int ex5_run(ex5_sched *s) {
    while (s->head) {
        ex5_task *t = s->head;
        s->head = t->next;
        if (!s->head) s->tail = NULL;
        if (!t->done) run_to_end(t);
    }
    return 0;
}

int ex5_task_done(const ex5_task *t) {
    return t->done;
}

int ex5_task_result(const ex5_task *t) {
    return t->done ? t->result : -EAGAIN;
}
