/* view_render.c — the whole screen from the model and the view state.
 *
 * al_view_render() lays the screen out (al_view_layout), puts the lanes in
 * screen order (al_view_update_rows) and asks each panel to draw itself into
 * its rectangle of the cell grid; overlays (help, task details) go on top.
 * The panels live in their own files: view_timeline.c, view_table.c,
 * view_text.c (event log, output, notes), view_chrome.c (status bar, tabs,
 * legend), view_overlay.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asynclab/error.h"
#include "asynclab/task.h"
#include "view.h"

void al_view_init(al_view *v, al_view_mode mode) {
    memset(v, 0, sizeof *v);
    v->mode = mode;
    v->follow = 1;
    v->fit = 1;
    v->scale = 100000;
    v->speed = 1.0;
    v->focus = AL_PANEL_TIMELINE;
    v->bottom = AL_PANEL_TASKS;
    v->nsections = 1;
}

void al_view_free(al_view *v) {
    free(v->rows);
    free(v->logidx);
    free(v->match);
    memset(v, 0, sizeof *v);
}

void al_view_model_changed(al_view *v) {
    v->rows_model = NULL;
    v->log_model = NULL;
}

/* ---- layout --------------------------------------------------------------- */

void al_view_layout(const al_view *v, int w, int h, al_view_rects *out) {
    memset(out, 0, sizeof *out);
    if (w < AL_VIEW_MIN_W || h < AL_VIEW_MIN_H) {
        out->too_small = 1;
        return;
    }
    out->status = (al_rect){0, 0, w, 1};
    out->legend = (al_rect){0, h - 1, w, 1};
    int avail = h - 2;
    int notes = v->notes != NULL;
    if (w >= 120 && h >= 36) {
        /* Room for everything at once: timeline, task table, then the event
         * log beside the output (and the lesson's notes above the output). */
        int th = avail * 2 / 5, tasks = (avail - th) * 2 / 5;
        int rest = avail - th - tasks;
        out->timeline = (al_rect){0, 1, w, th};
        out->panel[AL_PANEL_TIMELINE] = out->timeline;
        out->panel[AL_PANEL_TASKS] = (al_rect){0, 1 + th, w, tasks};
        int y = 1 + th + tasks;
        int left = notes ? w / 2 : w * 3 / 5;
        out->panel[AL_PANEL_EVENTS] = (al_rect){0, y, left, rest};
        int rx = left + 1, rw = w - left - 1;
        if (notes) {
            int nh = rest * 3 / 5;
            out->panel[AL_PANEL_NOTES] = (al_rect){rx, y, rw, nh};
            out->panel[AL_PANEL_OUTPUT] = (al_rect){rx, y + nh, rw, rest - nh};
        } else {
            out->panel[AL_PANEL_OUTPUT] = (al_rect){rx, y, rw, rest};
        }
        return;
    }
    /* 80×24 and up: the timeline, then one panel at a time under tabs. */
    out->tabbed = 1;
    int th = avail / 2;
    out->timeline = (al_rect){0, 1, w, th};
    out->panel[AL_PANEL_TIMELINE] = out->timeline;
    int bottom = v->bottom;
    if (bottom == AL_PANEL_NOTES && !notes) bottom = AL_PANEL_TASKS;
    /* The panel's title row is the row of tabs (view_chrome.c). */
    out->panel[bottom] = (al_rect){0, 1 + th, w, avail - th};
}

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

/* ---- states in glyphs, colours and words ---------------------------------- */

uint32_t al_view_state_glyph(int state, int ascii) {
    /*                         ready   running waiting done    cancel  failed  polling */
    static const uint32_t uni[] = {0x2592, 0x2588, 0x2500, 0x2713, 0x2298, 0x2717, 0x2591};
    static const uint32_t asc[] = {'+', '#', '-', 'v', 'c', 'X', '~'};
    if (state < 0 || state >= AL_LANE_STATE_COUNT) return '?';
    return ascii ? asc[state] : uni[state];
}

int al_view_state_style(int state) {
    static const int style[] = {AL_ST_READY, AL_ST_RUNNING, AL_ST_WAITING, AL_ST_DONE,
                                AL_ST_CANCELLED, AL_ST_FAILED, AL_ST_POLLING};
    return state >= 0 && state < AL_LANE_STATE_COUNT ? style[state] : AL_ST_NORMAL;
}

void al_view_reason(const al_model *m, const al_lane *lane, const al_span *s, char *buf,
                    size_t size) {
    buf[0] = '\0';
    if (!s) return;
    char t[32];
    switch (s->state) {
    case AL_LANE_WAITING:
        switch (s->reason) {
        case AL_WAIT_SLEEP:
            al_fmt_duration(t, sizeof t, s->until - (m ? m->first_t : 0), 1);
            snprintf(buf, size, "sleep until %s", t);
            break;
        case AL_WAIT_YIELD: snprintf(buf, size, "yield"); break;
        case AL_WAIT_READ: snprintf(buf, size, "read fd %d", (int)s->fd); break;
        case AL_WAIT_WRITE: snprintf(buf, size, "write fd %d", (int)s->fd); break;
        case AL_WAIT_JOIN: snprintf(buf, size, "join #%llu", (unsigned long long)s->other); break;
        case AL_WAIT_FUTURE: snprintf(buf, size, "future"); break;
        default: snprintf(buf, size, "wait"); break;
        }
        break;
    case AL_LANE_READY:
        switch (s->reason) {
        case AL_WAKE_SPAWN: snprintf(buf, size, "new"); break;
        case AL_WAKE_TIMER: snprintf(buf, size, "woken by timer"); break;
        case AL_WAKE_FD: snprintf(buf, size, "woken by fd %d", (int)s->fd); break;
        case AL_WAKE_TASK: snprintf(buf, size, "woken by #%llu", (unsigned long long)s->other); break;
        case AL_WAKE_FUTURE: snprintf(buf, size, "woken by future"); break;
        case AL_WAKE_CANCEL: snprintf(buf, size, "cancel"); break;
        case AL_WAKE_YIELD: snprintf(buf, size, "yielded"); break;
        default: break;
        }
        break;
    case AL_LANE_FAILED:
        snprintf(buf, size, "%s", lane && lane->error ? al_errname((int)lane->error) : "error");
        break;
    case AL_LANE_CANCELLED:
        snprintf(buf, size, "cancelled");
        break;
    case AL_LANE_DONE:
        snprintf(buf, size, "ok");
        break;
    default:
        break;
    }
}

/* ---- panel titles and the focus --------------------------------------------- */

/* The focused panel is framed in heavy lines (its title row, and the
 * separators beside it), the others in light ones: which panel the arrow
 * keys move is visible from across the room, not only from a reversed title. */
uint32_t al_view_rule_glyph(int focused, int ascii) {
    if (ascii) return focused ? '=' : '-';
    return focused ? 0x2501 : 0x2500;   /* ━ ─ */
}

uint32_t al_view_separator_glyph(int focused, int ascii) {
    if (ascii) return focused ? '#' : '|';
    return focused ? 0x2503 : 0x2502;   /* ┃ │ */
}

const char *al_view_panel_name(int panel) {
    static const char *const names[AL_PANEL_COUNT] = {"Timeline", "Tasks", "Events", "Output", "Notes"};
    return panel >= 0 && panel < AL_PANEL_COUNT ? names[panel] : "?";
}

int al_view_is_text_panel(int panel) {
    return panel == AL_PANEL_EVENTS || panel == AL_PANEL_OUTPUT || panel == AL_PANEL_NOTES;
}

/* Is the separator column x, on row y, a side of the focused panel? */
static int borders_focus(const al_view *v, int x, int y) {
    al_rect f = v->rects.panel[v->focus];
    if (f.w <= 0 || y < f.y || y >= f.y + f.h) return 0;
    return x == f.x - 1 || x == f.x + f.w;
}

void al_view_draw_title(al_view *v, al_cells *c, al_rect r, int panel, const char *title,
                        const char *info) {
    if (v->rects.tabbed && panel != AL_PANEL_TIMELINE) {
        al_view_draw_tabs(v, c, (al_rect){r.x, r.y, r.w, 1}, info);
        return;
    }
    int focused = v->focus == panel;
    int style = focused ? AL_ST_FOCUS : AL_ST_TITLE;
    al_cells_fill(c, (al_rect){r.x, r.y, r.w, 1}, al_view_rule_glyph(focused, c->ascii),
                  focused ? AL_ST_FOCUS : AL_ST_DIM, focused ? AL_CELL_BOLD : 0);
    int x = r.x + 1;
    al_cells_put(c, x++, r.y, ' ', style, 0);
    x += al_cells_text(c, x, r.y, r.w - 4, title, style,
                       focused ? AL_CELL_BOLD | AL_CELL_REVERSE : AL_CELL_BOLD, 1);
    al_cells_put(c, x++, r.y, ' ', style, 0);
    if (info && *info) {
        int room = r.x + r.w - x - 3;
        if (room > 4) {
            int iw = al_text_width(info, c->ascii);
            if (iw > room) iw = room;
            int ix = r.x + r.w - 2 - iw;
            al_cells_put(c, ix - 1, r.y, ' ', AL_ST_DIM, 0);
            al_cells_text(c, ix, r.y, iw, info, AL_ST_DIM, 0, 1);
            al_cells_put(c, ix + iw, r.y, ' ', AL_ST_DIM, 0);
        }
    }
}

/* ---- the whole screen -------------------------------------------------------- */

static void draw_panel(al_view *v, al_cells *c, int panel, al_rect r) {
    if (r.w <= 0 || r.h <= 0) return;
    al_cells_clip(c, r);
    switch (panel) {
    case AL_PANEL_TIMELINE: al_view_draw_timeline(v, c, r); break;
    case AL_PANEL_TASKS: al_view_draw_tasks(v, c, r); break;
    case AL_PANEL_EVENTS: al_view_draw_events(v, c, r); break;
    case AL_PANEL_OUTPUT: al_view_draw_output(v, c, r); break;
    case AL_PANEL_NOTES: al_view_draw_notes(v, c, r); break;
    default: break;
    }
    al_cells_clip_all(c);
}

void al_view_render(al_view *v, al_cells *c) {
    c->ascii = v->ascii;
    al_cells_clear(c);
    al_view_layout(v, c->w, c->h, &v->rects);
    if (v->rects.too_small) {
        al_view_draw_too_small(v, c);
        return;
    }
    if (v->focus == AL_PANEL_NOTES && !v->notes) v->focus = AL_PANEL_TIMELINE;
    al_view_update_rows(v);
    if (v->sel >= v->nrows) v->sel = v->nrows ? v->nrows - 1 : 0;

    for (int p = 0; p < AL_PANEL_COUNT; p++) draw_panel(v, c, p, v->rects.panel[p]);
    /* The separator between side-by-side panels. */
    for (int p = 0; p < AL_PANEL_COUNT; p++) {
        al_rect r = v->rects.panel[p];
        if (r.w > 0 && r.x > 0)
            for (int y = r.y; y < r.y + r.h; y++)
            {
                int f = borders_focus(v, r.x - 1, y);
                al_cells_put(c, r.x - 1, y, al_view_separator_glyph(f, c->ascii), f ? AL_ST_FOCUS : AL_ST_DIM,
                             f ? AL_CELL_BOLD : 0);
            }
    }
    al_cells_clip(c, v->rects.status);
    al_view_draw_status(v, c, v->rects.status);
    al_cells_clip(c, v->rects.legend);
    al_view_draw_legend(v, c, v->rects.legend);
    al_cells_clip_all(c);
    if (v->overlay == AL_OVERLAY_HELP) al_view_draw_help(v, c);
    else if (v->overlay == AL_OVERLAY_DETAILS) al_view_draw_details(v, c);
}
