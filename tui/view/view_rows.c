/* view_rows.c — the lanes in screen order: the rows of the timeline and the
 * table (filtered, grouped, the selection kept on the same task when the
 * order changes), and the lane and span a row shows. Pure: no drawing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asynclab/error.h"
#include "asynclab/task.h"
#include "view.h"


/* ---- lanes in screen order ------------------------------------------------ */

typedef struct id_index {
    uint64_t task;
    uint32_t lane;
} id_index;

static int by_task(const void *a, const void *b) {
    uint64_t x = ((const id_index *)a)->task, y = ((const id_index *)b)->task;
    return x < y ? -1 : x > y;
}

static long find_lane(const id_index *ids, size_t n, uint64_t task) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ids[mid].task < task) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && ids[lo].task == task ? (long)ids[lo].lane : -1;
}

/* Does a lane pass the filter? An id ("3", "#3") or a part of the name. */
static int lane_matches(const al_lane *l, const char *filter) {
    if (!filter[0] || l->task == 0) return 1;
    const char *f = filter[0] == '#' ? filter + 1 : filter;
    char *end;
    unsigned long long id = strtoull(f, &end, 10);
    if (end != f && *end == '\0') return l->task == id;
    size_t n = strlen(filter);
    for (const char *p = l->name; *p; p++)
        if (strncasecmp(p, filter, n) == 0) return 1;
    return 0;
}

static int ensure_rows(al_view *v, size_t n) {
    if (n <= v->caprows) return 0;
    size_t cap = v->caprows ? v->caprows : 64;
    while (cap < n) cap *= 2;
    al_view_row *rows = realloc(v->rows, cap * sizeof *rows);
    if (!rows) return -1;
    v->rows = rows;
    v->caprows = cap;
    return 0;
}

/* Children under their parent, in spawn order; the loop first. Rebuilt when
 * lanes are added or the filter changes, so selection follows the task (not
 * the row number) across rebuilds. */
void al_view_update_rows(al_view *v) {
    const al_model *m = v->model;
    if (!m) {
        v->nrows = 0;
        v->rows_model = NULL;
        return;
    }
    if (v->rows_model == m && v->rows_nlanes == m->nlanes && strcmp(v->rows_filter, v->filter) == 0)
        return;
    uint64_t sel_task = 0;
    int had_sel = v->rows_model == m && v->sel < v->nrows;
    if (had_sel) sel_task = m->lanes[v->rows[v->sel].lane].task;

    size_t n = m->nlanes;
    id_index *ids = malloc((n ? n : 1) * sizeof *ids);
    int32_t *first = malloc((n + 1) * sizeof *first), *next = malloc((n + 1) * sizeof *next);
    uint32_t *stack = malloc((n + 1) * sizeof *stack);
    uint8_t *depth = malloc((n + 1) * sizeof *depth);
    if (!ids || !first || !next || !stack || !depth || ensure_rows(v, n) < 0) {
        free(ids), free(first), free(next), free(stack), free(depth);
        return;
    }
    for (size_t i = 0; i < n; i++) ids[i] = (id_index){m->lanes[i].task, (uint32_t)i};
    qsort(ids, n, sizeof *ids, by_task);
    /* Node n is a virtual root: the parent of the loop and of every task
     * whose parent is 0 or unknown. Lists are built back to front so that
     * siblings come out in spawn order. */
    for (size_t i = 0; i <= n; i++) first[i] = -1, next[i] = -1;
    for (size_t k = n; k-- > 0;) {
        const al_lane *l = &m->lanes[k];
        long p = l->task && l->parent && l->parent != l->task ? find_lane(ids, n, l->parent) : -1;
        /* Only a parent spawned earlier counts: a malformed trace cannot
         * make a cycle that would hide lanes. */
        if (p < 0 || p >= (long)k || m->lanes[p].task == 0) p = (long)n;
        next[k] = first[p];
        first[p] = (int32_t)k;
    }
    /* Depth first from the virtual root. */
    size_t sp = 0, out = 0;
    if (first[n] >= 0) {
        stack[sp] = (uint32_t)first[n];
        depth[sp++] = 0;
    }
    while (sp > 0) {
        uint32_t k = stack[--sp];
        uint8_t d = depth[sp];
        if (next[k] >= 0) {                 /* the next sibling, after this subtree */
            stack[sp] = (uint32_t)next[k];
            depth[sp++] = d;
        }
        if (lane_matches(&m->lanes[k], v->filter) && out < n)
            v->rows[out++] = (al_view_row){k, d};
        if (first[k] >= 0 && sp < n + 1) {
            stack[sp] = (uint32_t)first[k];
            depth[sp++] = (uint8_t)(d < 250 ? d + 1 : d);
        }
    }
    /* The loop lane (task 0) first, wherever it was spawned. */
    for (size_t i = 0; i < out; i++)
        if (m->lanes[v->rows[i].lane].task == 0 && i > 0) {
            al_view_row loop = v->rows[i];
            memmove(&v->rows[1], &v->rows[0], i * sizeof *v->rows);
            v->rows[0] = loop;
            break;
        }
    free(ids), free(first), free(next), free(stack), free(depth);
    v->nrows = out;
    v->rows_model = m;
    v->rows_nlanes = n;
    snprintf(v->rows_filter, sizeof v->rows_filter, "%s", v->filter);
    if (had_sel)
        for (size_t i = 0; i < out; i++)
            if (m->lanes[v->rows[i].lane].task == sel_task) v->sel = i;
    if (v->sel >= v->nrows) v->sel = v->nrows ? v->nrows - 1 : 0;
}

al_lane *al_view_row_lane(const al_view *v, size_t row) {
    if (!v->model || row >= v->nrows || v->rows_model != v->model) return NULL;
    return &v->model->lanes[v->rows[row].lane];
}

const al_span *al_view_lane_span(const al_lane *lane) {
    return lane && lane->nspans ? &lane->spans[lane->nspans - 1] : NULL;
}
