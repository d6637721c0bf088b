/* harness_overlap.c — the server's concurrency from the client's timing (see harness_overlap.h). */
#include "harness_overlap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void al_overlap_window(const al_load_sample *s, double handling_s, int64_t *from, int64_t *to) {
    int64_t h = (int64_t)(handling_s * 1e6);
    *to = s->end_us;
    *from = s->end_us - h > s->start_us ? s->end_us - h : s->start_us;
}

typedef struct edge { int64_t t; int delta; } edge;

static int by_time(const void *a, const void *b) {
    const edge *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return x->delta - y->delta;   /* at the same instant, ends (-1) before starts (+1) */
}

int al_overlap_max(const al_load_sample *s, size_t n, double handling_s) {
    edge *e = malloc(2 * n * sizeof *e + 1);
    if (!e) return -ENOMEM;
    size_t m = 0;
    int64_t slack = (int64_t)(handling_s * 1e6 / 10);   /* see the header */
    for (size_t i = 0; i < n; i++) {
        if (s[i].conn == 0 || s[i].error >= 0) continue;   /* unfinished or failed */
        int64_t from, to;
        al_overlap_window(&s[i], handling_s, &from, &to);
        if (to - from > slack) from += slack;
        e[m++] = (edge){from, +1};
        e[m++] = (edge){to, -1};
    }
    qsort(e, m, sizeof *e, by_time);
    int now = 0, most = 0;
    for (size_t i = 0; i < m; i++) {
        now += e[i].delta;
        if (now > most) most = now;
    }
    free(e);
    return most;
}
