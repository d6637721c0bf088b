/* view_render.c — the whole screen from the model and the view state.
 *
 * al_view_render() lays the screen out (al_view_layout), puts the lanes in
 * screen order (al_view_update_rows) and asks each panel to draw itself into
 * its rectangle of the cell grid; overlays (help, task details) go on top.
 * The panels live in their own files: view_timeline.c, view_table.c,
 * view_text.c (event log, output, notes), view_chrome.c (titles, status
 * bar, tabs, legend), view_overlay.c; what they share, in view_style.c (how
 * states and panels look) and view_rows.c (lanes in screen order). This
 * file calls them; none of them calls back into it.
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

/* Is the separator column x, on row y, a side of the focused panel? */
static int borders_focus(const al_view *v, int x, int y) {
    al_rect f = v->rects.panel[v->focus];
    if (f.w <= 0 || y < f.y || y >= f.y + f.h) return 0;
    return x == f.x - 1 || x == f.x + f.w;
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
