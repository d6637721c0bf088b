/* sched.c — exercise 5, known wrong: ex5_sched_free frees the heap and the
 * scheduler but forgets the tasks. */
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
    size_t timer;               /* index in the heap, SIZE_MAX when none */
    ex5_task *next_ready;
    ex5_task *next_all;
    ex5_task *const *gather;    /* GATHERING: what we wait for */
    size_t ngather;
};

typedef struct timer {
    int64_t deadline;
    uint64_t seq;               /* FIFO among equal deadlines */
    ex5_task *task;
} timer;

struct ex5_sched {
    int64_t now;
    timer *heap;
    size_t nheap, capheap;
    uint64_t seq;
    ex5_task *ready_head, *ready_tail;
    ex5_task *all;
};

/* ---- the timer heap ---------------------------------------------------- */

static int earlier(const timer *a, const timer *b) {
    return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
}

static void put(ex5_sched *s, size_t i, timer t) {
    s->heap[i] = t;
    t.task->timer = i;
}

static void sift_up(ex5_sched *s, size_t i) {
    timer t = s->heap[i];
    while (i > 0 && earlier(&t, &s->heap[(i - 1) / 2])) {
        put(s, i, s->heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    put(s, i, t);
}

static void sift_down(ex5_sched *s, size_t i) {
    timer t = s->heap[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= s->nheap) break;
        if (c + 1 < s->nheap && earlier(&s->heap[c + 1], &s->heap[c])) c++;
        if (!earlier(&s->heap[c], &t)) break;
        put(s, i, s->heap[c]);
        i = c;
    }
    put(s, i, t);
}

static int timer_add(ex5_task *t, int64_t deadline) {
    ex5_sched *s = t->s;
    if (s->nheap == s->capheap) {
        size_t cap = s->capheap ? s->capheap * 2 : 64;
        timer *grown = realloc(s->heap, cap * sizeof *grown);
        if (!grown) return -ENOMEM;
        s->heap = grown;
        s->capheap = cap;
    }
    put(s, s->nheap, (timer){deadline, s->seq++, t});
    sift_up(s, s->nheap++);
    return 0;
}

static void timer_remove(ex5_task *t) {
    ex5_sched *s = t->s;
    size_t i = t->timer;
    if (i == SIZE_MAX) return;
    t->timer = SIZE_MAX;
    if (i == --s->nheap) return;
    put(s, i, s->heap[s->nheap]);
    sift_down(s, i);
    sift_up(s, s->heap[i].task->timer);
}

/* ---- tasks ------------------------------------------------------------- */

static void make_ready(ex5_task *t, intptr_t send) {
    ex5_sched *s = t->s;
    t->state = READY;
    t->send = send;
    t->next_ready = NULL;
    if (s->ready_tail) s->ready_tail->next_ready = t;
    else s->ready_head = t;
    s->ready_tail = t;
}

/* 1 and *result when every task of a gather is done. */
static int gather_done(const ex5_task *w, int *result) {
    *result = 0;
    for (size_t i = 0; i < w->ngather; i++) {
        if (w->gather[i]->state != DONE) return 0;
        if (*result == 0) *result = w->gather[i]->result;
    }
    return 1;
}

/* A task finished: wake whoever gathers it and now has all it waits for. */
static void finished(ex5_task *t, int result) {
    t->state = DONE;
    t->result = result;
    timer_remove(t);
    for (ex5_task *w = t->s->all; w; w = w->next_all) {
        int r;
        if (w->state != GATHERING || !gather_done(w, &r)) continue;
        timer_remove(w);
        make_ready(w, r);
    }
}

static void cancel(ex5_task *t) {
    if (t->state == DONE) return;
    timer_remove(t);
    t->state = DONE;   /* before close: its FINALLY must not be resumed twice */
    al_gen_close(t->body);
    finished(t, -ECANCELED);
}

static void on_timer(ex5_task *t) {
    if (t->state == SLEEPING) {
        make_ready(t, 0);
    } else if (t->state == GATHERING) {
        /* The timeout: cancel what is not done, then wake the waiter. The
         * waiter leaves GATHERING first, so the cancellations do not wake it
         * a second time. */
        t->state = READY;
        for (size_t i = 0; i < t->ngather; i++) cancel(t->gather[i]);
        make_ready(t, -ETIMEDOUT);
    }
}

static void step(ex5_task *t) {
    if (t->state != READY) return;   /* cancelled while queued */
    intptr_t value = 0;
    int rc = al_gen_send(t->body, t->send, &value);
    if (rc != AL_GEN_YIELDED) {
        finished(t, rc);
        return;
    }
    const ex5_request *req = (const ex5_request *)value;
    ex5_sched *s = t->s;
    if (req && req->op == EX5_OP_SLEEP && req->us >= 0) {
        t->state = SLEEPING;
        if (timer_add(t, s->now + req->us) < 0) make_ready(t, -ENOMEM);
    } else if (req && req->op == EX5_OP_GATHER && (req->tasks || req->n == 0)) {
        t->gather = req->tasks;
        t->ngather = req->n;
        int r;
        if (gather_done(t, &r)) {
            make_ready(t, r);
            return;
        }
        t->state = GATHERING;
        if (req->timeout_us >= 0 && timer_add(t, s->now + req->timeout_us) < 0) make_ready(t, -ENOMEM);
    } else {
        make_ready(t, -EINVAL);
    }
}

/* ---- the scheduler ------------------------------------------------------- */

int ex5_sched_new(ex5_sched **out) {
    *out = calloc(1, sizeof **out);
    return *out ? 0 : -ENOMEM;
}

void ex5_sched_free(ex5_sched *s) {
    if (!s) return;
    free(s->heap);
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
    t->timer = SIZE_MAX;
    t->next_all = s->all;
    s->all = t;
    make_ready(t, 0);
    if (out) *out = t;
    return 0;
}

int ex5_run(ex5_sched *s) {
    for (;;) {
        if (!s->ready_head) {
            if (s->nheap == 0) return 0;
            /* Nobody can run: jump to the earliest timer and fire what is due. */
            s->now = s->heap[0].deadline;
            while (s->nheap && s->heap[0].deadline <= s->now) {
                ex5_task *t = s->heap[0].task;
                timer_remove(t);
                on_timer(t);
            }
            continue;
        }
        /* One pass: the tasks ready now; those woken meanwhile wait. */
        ex5_task *batch = s->ready_head;
        s->ready_head = s->ready_tail = NULL;
        while (batch) {
            ex5_task *t = batch;
            batch = t->next_ready;
            step(t);
        }
    }
}

int ex5_task_done(const ex5_task *t) {
    return t->state == DONE;
}

int ex5_task_result(const ex5_task *t) {
    return t->state == DONE ? t->result : -EAGAIN;
}
