/* view_table.c — the task table: one row per task, in the timeline's order.
 *
 *   id  name          state      wait reason        resumes     busy     idle  by
 *
 * "busy" is the time the task spent running, "idle" the time it spent
 * ready or waiting; both include the span still open, up to "now". The
 * selected task is the timeline's selected lane: moving in one moves the
 * other. The loop's lane is not a task and has no row here.
 */
#include <stdio.h>
#include <string.h>

#include "view.h"

typedef struct columns {
    int id, name, state, reason, resumes, busy, idle, by;
} columns;

static columns widths(int w) {
    columns k = {4, 15, 11, 17, 7, 8, 8, 5};
    int fixed = k.id + k.state + k.resumes + k.busy + k.idle + k.by + 8;   /* 8 gaps */
    int rest = w - fixed;
    if (rest < 20) rest = 20;
    k.name = rest * 9 / 20;
    if (k.name > 24) k.name = 24;
    k.reason = rest - k.name;
    return k;
}

/* Busy and idle time including the open span, up to now. */
static void times(const al_lane *l, int64_t now, int64_t *busy, int64_t *idle) {
    *busy = l->busy_us;
    *idle = l->idle_us;
    const al_span *s = al_view_lane_span(l);
    if (!s || s->end != AL_MODEL_OPEN || now <= s->start) return;
    if (s->state == AL_LANE_RUNNING) *busy += now - s->start;
    else if (s->state == AL_LANE_READY || s->state == AL_LANE_WAITING) *idle += now - s->start;
}

void al_view_draw_tasks(al_view *v, al_cells *c, al_rect r) {
    const al_model *m = v->model;
    char info[64] = "";
    if (m) snprintf(info, sizeof info, "%zu tasks, %zu alive", m->nlanes ? m->nlanes - 1 : 0, m->tasks_alive);
    al_view_draw_title(v, c, r, AL_PANEL_TASKS, "Tasks", info);
    if (r.h < 3) return;
    columns k = widths(r.w);
    int y = r.y + 1, x;
    /* The header, then the rows. */
    struct { int w; const char *h; int right; } head[] = {
        {k.id, "id", 1}, {k.name, "name", 0}, {k.state, "state", 0}, {k.reason, "wait reason", 0},
        {k.resumes, "resumes", 1}, {k.busy, "busy", 1}, {k.idle, "idle", 1}, {k.by, "by", 1},
    };
    x = r.x + 1;
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) {
        int tw = (int)strlen(head[i].h);
        al_cells_text(c, head[i].right ? x + head[i].w - tw : x, y, head[i].w, head[i].h, AL_ST_DIM,
                      AL_CELL_UNDERLINE, 1);
        x += head[i].w + 1;
    }
    if (!m) return;
    /* Task rows are the timeline's rows without the loop (row 0). */
    size_t first_task = v->nrows && m->lanes[v->rows[0].lane].task == 0 ? 1 : 0;
    size_t ntasks = v->nrows - first_task;
    int visible = r.h - 2;
    size_t *top = &v->scroll[AL_PANEL_TASKS];
    if (v->sel >= first_task) {
        size_t srow = v->sel - first_task;
        if (srow < *top) *top = srow;
        if (srow >= *top + (size_t)visible) *top = srow - (size_t)visible + 1;
    }
    if (ntasks <= (size_t)visible) *top = 0;
    else if (*top > ntasks - (size_t)visible) *top = ntasks - (size_t)visible;
    if (ntasks == 0) {
        al_cells_text(c, r.x + 2, y + 1, r.w - 4, "No tasks yet.", AL_ST_DIM, 0, 1);
        return;
    }
    for (int i = 0; i < visible && *top + (size_t)i < ntasks; i++) {
        size_t row = first_task + *top + (size_t)i;
        const al_lane *l = &m->lanes[v->rows[row].lane];
        const al_span *s = al_view_lane_span(l);
        int sel = row == v->sel, f = sel ? AL_CELL_REVERSE : 0;
        int yy = y + 1 + i;
        if (sel) al_cells_fill(c, (al_rect){r.x, yy, r.w, 1}, ' ', AL_ST_NORMAL, f);
        char buf[96], dur[32];
        x = r.x + 1;
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)l->task);
        al_cells_text(c, x + k.id - (int)strlen(buf), yy, k.id, buf, AL_ST_NORMAL, f, 0);
        x += k.id + 1;
        int depth = v->rows[row].depth > 4 ? 4 : v->rows[row].depth;
        snprintf(buf, sizeof buf, "%*s%s", depth, "", l->name);
        al_cells_text(c, x, yy, k.name, buf, AL_ST_NORMAL, f, 1);
        x += k.name + 1;
        int st = s ? s->state : l->state;
        al_cells_put(c, x, yy, al_view_state_glyph(st, c->ascii), al_view_state_style(st), f);
        al_cells_text(c, x + 2, yy, k.state - 2, al_lane_state_name(st), al_view_state_style(st), f, 1);
        x += k.state + 1;
        al_view_reason(m, l, s, buf, sizeof buf);
        al_cells_text(c, x, yy, k.reason, buf, st == AL_LANE_FAILED ? AL_ST_FAILED : AL_ST_NORMAL, f, 1);
        x += k.reason + 1;
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)l->resumes);
        al_cells_text(c, x + k.resumes - (int)strlen(buf), yy, k.resumes, buf, AL_ST_NORMAL, f, 0);
        x += k.resumes + 1;
        int64_t busy, idle;
        times(l, v->now, &busy, &idle);
        al_fmt_duration(dur, sizeof dur, busy, c->ascii);
        int dw = al_text_width(dur, c->ascii);
        al_cells_text(c, x + k.busy - dw, yy, k.busy, dur, AL_ST_NORMAL, f, 1);
        x += k.busy + 1;
        al_fmt_duration(dur, sizeof dur, idle, c->ascii);
        dw = al_text_width(dur, c->ascii);
        al_cells_text(c, x + k.idle - dw, yy, k.idle, dur, AL_ST_NORMAL, f, 1);
        x += k.idle + 1;
        if (l->parent) snprintf(buf, sizeof buf, "#%llu", (unsigned long long)l->parent);
        else snprintf(buf, sizeof buf, "-");
        al_cells_text(c, x + k.by - (int)strlen(buf), yy, k.by, buf, AL_ST_DIM, f, 1);
        if (l->slow_warnings) al_cells_put(c, r.x, yy, '!', AL_ST_SLOW, f | AL_CELL_BOLD);
    }
}
