/* view_timeline.c — the timeline panel: one lane per task plus the loop's,
 * time flowing right.
 *
 * Each column of a lane covers `scale` µs and shows one glyph: the most
 * telling state the lane was in during that time. A task that ran for 3 µs
 * inside a column otherwise spent waiting is drawn running, because "it ran
 * here" is what a person looks for; a failure beats everything. Points in
 * time (a zero-length span: on the virtual clock a whole step takes no time)
 * count in the column they fall in. A waiting stretch long enough carries
 * its reason ("sleep until 1.000 s"), and a step that held the loop too long
 * is drawn as a warning, on its task's lane and on the loop's.
 *
 * Cost: one pass over the spans in view per lane plus one over the columns,
 * and only the lanes on screen, so a thousand tasks draw as fast as ten.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asynclab/task.h"
#include "view.h"

typedef struct col_state {
    int8_t state;      /* al_lane_state, or -1 for nothing */
    int8_t slow;       /* inside a slow step */
    int32_t span;      /* the span that gave the state */
} col_state;

static int priority(int state) {
    switch (state) {
    case AL_LANE_FAILED: return 7;
    case AL_LANE_CANCELLED: return 6;
    case AL_LANE_RUNNING: return 5;
    case AL_LANE_READY: return 4;
    case AL_LANE_DONE: return 3;
    case AL_LANE_WAITING: return 2;
    case AL_LANE_POLLING: return 1;
    default: return 0;
    }
}

static int terminal(int state) {
    return state == AL_LANE_DONE || state == AL_LANE_CANCELLED || state == AL_LANE_FAILED;
}

/* An open span lasts until now (the last known time). */
static int64_t span_end(const al_span *s, int64_t now) {
    if (s->end != AL_MODEL_OPEN) return s->end;
    return now > s->start ? now : s->start;
}

/* The first span that ends at or after t (spans do not overlap, so their
 * ends are in order too). */
static size_t first_ending_after(const al_lane *l, int64_t t, int64_t now) {
    size_t lo = 0, hi = l->nspans;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (span_end(&l->spans[mid], now) < t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static void lane_columns(const al_lane *l, int64_t t0, int64_t scale, int cols, int64_t now,
                         col_state *out) {
    for (int i = 0; i < cols; i++) out[i] = (col_state){-1, 0, -1};
    size_t n = l->nspans, j = first_ending_after(l, t0, now);
    for (int col = 0; col < cols; col++) {
        int64_t a = t0 + (int64_t)col * scale, b = a + scale;
        if (a > now) break;                  /* the future: nothing yet */
        int best = -1;
        for (size_t i = j; i < n && l->spans[i].start < b; i++) {
            const al_span *s = &l->spans[i];
            int starts_here = s->start >= a;
            /* After its exit a task is gone: only the exit column shows it. */
            if (terminal(s->state) ? !starts_here : !(span_end(s, now) > a || starts_here)) continue;
            if (best < 0 || priority(s->state) > priority(l->spans[best].state)) best = (int)i;
        }
        while (j < n && l->spans[j].start < b && span_end(&l->spans[j], now) <= b) j++;
        if (best >= 0) out[col] = (col_state){(int8_t)l->spans[best].state, 0, best};
    }
    /* The exit mark, if the last run took the exit's column: just after it. */
    if (n && terminal(l->spans[n - 1].state)) {
        int64_t ec = (l->spans[n - 1].start - t0) / scale;
        if (l->spans[n - 1].start >= t0 && ec + 1 < cols && out[ec].state != l->spans[n - 1].state &&
            out[ec + 1].state < 0)
            out[ec + 1] = (col_state){(int8_t)l->spans[n - 1].state, 0, (int32_t)(n - 1)};
    }
}

/* ---- slow steps ---------------------------------------------------------------- */

/* The run a slow warning at time t is about: the task's last running span
 * that started at or before t. */
static const al_span *slow_span(const al_lane *l, int64_t t) {
    size_t lo = 0, hi = l->nspans;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (l->spans[mid].start <= t) lo = mid + 1;
        else hi = mid;
    }
    for (size_t i = lo; i-- > 0 && lo - i <= 4;)
        if (l->spans[i].state == AL_LANE_RUNNING) return &l->spans[i];
    return NULL;
}

static void mark_range(col_state *cs, int cols, int64_t t0, int64_t scale, int64_t from, int64_t to) {
    if (to < t0) return;
    int64_t c0 = from < t0 ? 0 : (from - t0) / scale, c1 = (to - t0) / scale;
    if (to > from && (to - t0) % scale == 0 && c1 > c0) c1--;   /* [from, to): to's column is not in it */
    for (int64_t c = c0; c <= c1 && c < cols; c++) cs[c].slow = 1;
}

/* The model marks a slow step at its end, with its length in µs of real
 * time. The step is the task's run that ended there; on the virtual clock a
 * run may take no virtual time at all, so the warning covers the part of
 * [t - us, t] that the run covers, at least t's column. */
static void mark_slow(al_view *v, const al_lane *l, col_state *cs, int cols, int64_t t0, int64_t scale) {
    int64_t t_end = t0 + (int64_t)cols * scale;
    size_t lo = 0, hi = l->nmarks;
    while (lo < hi) {   /* the first mark at or after t0 */
        size_t mid = (lo + hi) / 2;
        if (l->marks[mid].t < t0) lo = mid + 1;
        else hi = mid;
    }
    for (size_t i = lo; i < l->nmarks; i++) {
        const al_mark *mk = &l->marks[i];
        if (mk->t > t_end + INT64_C(60000000)) break;   /* no step is that slow */
        if (mk->type != AL_EV_SLOW) continue;
        const al_lane *owner = l->task ? l : mk->task ? al_model_lane(v->model, mk->task) : NULL;
        const al_span *run = owner ? slow_span(owner, mk->t) : NULL;
        int64_t from = mk->t - mk->value;
        if (!run) from = mk->t;
        else if (from < run->start) from = run->start;
        mark_range(cs, cols, t0, scale, from, mk->t);
    }
}

/* ---- drawing ----------------------------------------------------------------- */

static void draw_lane(al_view *v, al_cells *c, int x, int y, int cols, const al_lane *l,
                      col_state *cs, int64_t t0, int64_t scale, int now_col) {
    int ascii = c->ascii;
    lane_columns(l, t0, scale, cols, v->now, cs);
    if (l->slow_warnings) mark_slow(v, l, cs, cols, t0, scale);
    for (int i = 0; i < cols; i++) {
        if (cs[i].slow && (l->task == 0 || cs[i].state >= 0)) {
            /* The loop lane says "blocked here"; the task's lane keeps its
             * glyph but turns to the warning colour. */
            uint32_t g = l->task == 0 ? '!' : al_view_state_glyph(cs[i].state, ascii);
            al_cells_put(c, x + i, y, g, AL_ST_SLOW, AL_CELL_BOLD);
        } else if (cs[i].state >= 0) {
            al_cells_put(c, x + i, y, al_view_state_glyph(cs[i].state, ascii),
                         al_view_state_style(cs[i].state), 0);
        } else if (i == now_col) {
            al_cells_put(c, x + i, y, ascii ? '|' : 0x2502, AL_ST_NOW, 0);
        }
    }
    /* Waiting stretches carry their reason where it fits. */
    for (int i = 0; i < cols;) {
        if (cs[i].state != AL_LANE_WAITING || cs[i].slow) {
            i++;
            continue;
        }
        int j = i;
        while (j < cols && cs[j].state == AL_LANE_WAITING && cs[j].span == cs[i].span && !cs[j].slow) j++;
        char why[64];
        al_view_reason(v->model, l, &l->spans[cs[i].span], why, sizeof why);
        int w = al_text_width(why, ascii);
        if (w + 2 <= j - i) al_cells_text(c, x + i + 1, y, w, why, AL_ST_WAITING, 0, 0);
        i = j;
    }
}

static void draw_axis(al_view *v, al_cells *c, int x, int y, int cols, int64_t t0, int64_t scale,
                      int now_col) {
    const al_model *m = v->model;
    /* A label every `every` columns, wide enough for the longest label. */
    char buf[32];
    int widest = (int)strlen(al_fmt_axis(buf, sizeof buf, t0 - m->first_t + (int64_t)cols * scale));
    static const int steps[] = {5, 10, 20, 25, 50, 100};
    int every = 100;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (steps[i] >= widest + 2) {
            every = steps[i];
            break;
        }
    int64_t first_col = (t0 - m->first_t) / scale;   /* t0 sits on a column boundary */
    for (int i = 0; i < cols; i++) {
        if ((first_col + i) % every != 0) continue;
        al_cells_put(c, x + i, y, '|', AL_ST_DIM, 0);
        al_fmt_axis(buf, sizeof buf, (first_col + i) * scale);
        if ((int)strlen(buf) < cols - i - 1) al_cells_text(c, x + i + 1, y, -1, buf, AL_ST_DIM, 0, 0);
    }
    if (now_col >= 0 && now_col < cols)
        al_cells_put(c, x + now_col, y, c->ascii ? 'v' : 0x25BC, AL_ST_NOW, AL_CELL_BOLD);
}

/* Where the picture starts and how much a column holds. Columns sit on
 * multiples of the scale counted from the program's start, so the picture
 * does not shimmer as it follows "now". */
static void place(al_view *v, int cols, int64_t *t0_out, int64_t *scale_out) {
    const al_model *m = v->model;
    int64_t start = m->first_t, now = v->now < start ? start : v->now;
    int64_t scale;
    if (v->fit) {
        scale = al_zoom_fit(now - start + 1, cols);
        *t0_out = start;
        *scale_out = scale;
        return;
    }
    scale = v->scale > 0 ? v->scale : 1;
    int64_t end = v->follow ? now + scale : v->view_end;   /* exclusive */
    int64_t last_col = (end - start + scale - 1) / scale;  /* columns from start to end */
    int64_t first_col = last_col - cols;
    if (first_col < 0 && v->follow) first_col = 0;         /* it all fits: start at 0 */
    *t0_out = start + first_col * scale;
    *scale_out = scale;
}

void al_view_draw_timeline(al_view *v, al_cells *c, al_rect r) {
    const al_model *m = v->model;
    char info[96] = "", sc[32];
    int label_w = r.w >= 120 ? 22 : 16;
    int cols = r.w - label_w - 1;
    if (!m || cols < 8 || r.h < 3) {
        al_view_draw_title(v, c, r, AL_PANEL_TIMELINE, "Timeline", "");
        const char *text = v->placeholder ? v->placeholder : "Waiting for the program's first trace event...";
        int width = r.w - 8;
        size_t lines = al_wrap(text, width, c->ascii, NULL, NULL);
        int y = r.y + 1 + (r.h - 1 - (int)lines) / 2;
        if (y < r.y + 1) y = r.y + 1;
        al_wrap_centred(c, r, &y, text, width, v->state_bad ? AL_ST_WARN : AL_ST_DIM);
        return;
    }
    int64_t t0, scale;
    place(v, cols, &t0, &scale);
    v->drawn_scale = scale;
    v->drawn_t0 = t0;
    v->timeline_cols = cols;
    int64_t now_col64 = v->now >= t0 ? (v->now - t0) / scale : -1;
    int now_col = now_col64 >= 0 && now_col64 < cols ? (int)now_col64 : -1;

    int lanes_h = r.h - 2;
    if (v->sel < v->top) v->top = v->sel;
    if (lanes_h > 0 && v->sel >= v->top + (size_t)lanes_h) v->top = v->sel - (size_t)lanes_h + 1;
    if (v->nrows <= (size_t)lanes_h) v->top = 0;
    else if (v->top > v->nrows - (size_t)lanes_h) v->top = v->nrows - (size_t)lanes_h;

    al_fmt_axis(sc, sizeof sc, scale);
    size_t last = v->top + (size_t)lanes_h < v->nrows ? v->top + (size_t)lanes_h : v->nrows;
    int n = snprintf(info, sizeof info, "%s/col%s%s", sc, v->fit ? " (fit)" : "",
                     v->follow ? "" : " panned");
    if (v->nrows > (size_t)lanes_h && n > 0 && (size_t)n < sizeof info)
        snprintf(info + n, sizeof info - (size_t)n, "  lanes %zu-%zu of %zu", v->top + 1, last, v->nrows);
    al_view_draw_title(v, c, r, AL_PANEL_TIMELINE, "Timeline", info);

    int tx = r.x + label_w + 1;
    al_cells_text(c, r.x + 1, r.y + 1, label_w - 1,
                  m->clock == AL_CLOCK_VIRTUAL ? "virtual time" : "real time", AL_ST_DIM, 0, 1);
    draw_axis(v, c, tx, r.y + 1, cols, t0, scale, now_col);

    col_state *cs = malloc((size_t)cols * sizeof *cs);
    if (!cs) return;
    for (size_t row = v->top; row < last; row++) {
        int y = r.y + 2 + (int)(row - v->top);
        const al_lane *l = &m->lanes[v->rows[row].lane];
        int selected = row == v->sel;
        int depth = v->rows[row].depth > 4 ? 4 : v->rows[row].depth;
        char label[AL_TRACE_TEXT_MAX + 16];
        if (l->task == 0) snprintf(label, sizeof label, "event loop");
        else if (l->name[0]) snprintf(label, sizeof label, "%*s%s", depth * 2, "", l->name);
        else snprintf(label, sizeof label, "%*stask %llu", depth * 2, "", (unsigned long long)l->task);
        int flags = selected ? AL_CELL_REVERSE : 0;
        if (selected) al_cells_fill(c, (al_rect){r.x, y, label_w, 1}, ' ', AL_ST_NORMAL, flags);
        al_cells_text(c, r.x + 1, y, label_w - 2, label, l->task == 0 ? AL_ST_DIM : AL_ST_NORMAL,
                      flags, 1);
        draw_lane(v, c, tx, y, cols, l, cs, t0, scale, now_col);
    }
    free(cs);
}
