/* view_overlay.c — what is drawn over the panels: the help (keys, what each
 * glyph means, one teaching sentence per state and per warning), a task's
 * details, and the "this terminal is too small" notice.
 *
 * The help is the viewer's legend and its lesson at once: a student who
 * presses `?` learns what "ready" means, not only which colour it has.
 */
#include <stdio.h>
#include <string.h>

#include "view.h"

typedef enum { H_HEAD, H_KEY, H_STATE, H_MARK } help_kind;

typedef struct help_line {
    help_kind kind;
    const char *key;       /* H_KEY: the keys; H_MARK: the mark (Unicode) */
    const char *ascii;     /* the same in ASCII */
    int state;             /* H_STATE */
    const char *text;
} help_line;

static const help_line help[] = {
    {H_HEAD, 0, 0, 0, "Keys"},
    {H_KEY, "q", "q", 0, "quit (closes this help or the details first)"},
    {H_KEY, "?", "?", 0, "this help; ? or Esc closes it"},
    {H_KEY, "space", "space", 0, "pause the picture (live: the program runs on, its events wait) / play a replay"},
    {H_KEY, "+  -", "+  -", 0, "zoom time in / out;  z  fits the whole run again"},
    {H_KEY, "\xE2\x86\x90 \xE2\x86\x92  h l", "<- ->  h l", 0, "pan back / forward in time (the view stops following now)"},
    {H_KEY, "\xE2\x86\x91 \xE2\x86\x93  j k", "up dn  j k", 0, "act on the focused panel: select a lane (timeline, tasks) or scroll (events, output, notes);  PgUp PgDn  a page"},
    {H_KEY, "Enter", "Enter", 0, "details of the selected task"},
    {H_KEY, "Tab", "Tab", 0, "move the focus to the next panel (Shift-Tab: the previous one). The focused panel is framed in heavy lines and named in the status bar"},
    {H_KEY, "/", "/", 0, "filter lanes and events: a task id or part of a name (empty: all)"},
    {H_KEY, "f", "f", 0, "follow now again"},
    {H_KEY, "n  p", "n  p", 0, "one event forward / back (replay; live while paused: forward)"},
    {H_KEY, "g  G", "g  G", 0, "start / end of the program's trace (replay)"},
    {H_KEY, "[  ]", "[  ]", 0, "replay slower / faster, 0.1x to 10x"},
    {H_KEY, "s  c", "s  c", 0, "slow motion (live, virtual clock): s runs the program's loop one iteration and holds it; c lets it run"},
    {H_KEY, "<  >", "<  >", 0, "the previous / next program (a demo may run several)"},
    {H_HEAD, 0, 0, 0, "What the timeline shows"},
    {H_STATE, 0, 0, AL_LANE_RUNNING, "running: the loop is executing this task's code right now. One thread, so one task at a time: everyone else waits for it to reach an await."},
    {H_STATE, 0, 0, AL_LANE_READY, "ready: woken (by a timer, a file descriptor, another task) and queued. It runs when the loop gets to it; the gap before it runs is scheduling delay."},
    {H_STATE, 0, 0, AL_LANE_WAITING, "waiting: suspended at an await, the loop is free for others. The label says for what: a sleep until a time, a read or write on an fd, another task (join), a future."},
    {H_STATE, 0, 0, AL_LANE_POLLING, "polling (the loop's lane): nothing is ready, so the loop asks the OS in poll() for I/O or waits for the next timer. On the virtual clock, time jumps here."},
    {H_STATE, 0, 0, AL_LANE_DONE, "done: the task returned normally; its lane ends."},
    {H_STATE, 0, 0, AL_LANE_CANCELLED, "cancelled: someone cancelled the task; the cancellation arrived at one of its awaits."},
    {H_STATE, 0, 0, AL_LANE_FAILED, "failed: the task returned an error, named in the task table (ECONNRESET, ...)."},
    {H_HEAD, 0, 0, 0, "Warnings"},
    {H_MARK, "!", "!", 0, "slow step: one step held the loop longer than 100 ms (a blocking call inside a coroutine). While it ran no other task could run: look for the gap it left in everyone else's lane."},
    {H_MARK, "dropped", "dropped", 0, "events the trace could not deliver (the viewer fell behind): the picture has gaps, but the program was never slowed down for it."},
    {H_MARK, "\xE2\x94\x82 \xE2\x96\xBC", "| v", 0, "now: the latest moment the picture knows about."},
};

/* ---- a box over the screen ------------------------------------------------------ */

static al_rect centred_box(const al_cells *c, int want_w, int want_h) {
    int w = want_w < c->w - 4 ? want_w : c->w - 4;
    int h = want_h < c->h - 2 ? want_h : c->h - 2;
    return (al_rect){(c->w - w) / 2, (c->h - h) / 2, w, h};
}

static void open_box(al_cells *c, al_rect box, const char *title, const char *footer) {
    al_cells_clip_all(c);
    al_cells_fill(c, box, ' ', AL_ST_NORMAL, 0);
    al_cells_box(c, box, title, AL_ST_FOCUS);
    if (footer) {
        int fw = al_text_width(footer, c->ascii);
        al_cells_text(c, box.x + box.w - fw - 2, box.y + box.h - 1, fw, footer, AL_ST_DIM, 0, 1);
    }
}

struct wrap_ctx {
    al_cells *c;
    int x, y0, w;
    size_t line, skip, rows;
    int style;
};

static void wrap_piece(void *arg, const char *start, size_t len) {
    struct wrap_ctx *k = arg;
    size_t at = k->line++;
    if (at < k->skip || at - k->skip >= k->rows) return;
    char piece[512];
    if (len >= sizeof piece) len = sizeof piece - 1;
    memcpy(piece, start, len);
    piece[len] = '\0';
    al_cells_text(k->c, k->x, k->y0 + (int)(at - k->skip), k->w, piece, k->style, 0, 0);
}

/* Lay out the help: returns how many rows it takes; draws rows
 * [skip, skip+rows) at (x, y0) when c is not NULL. */
static size_t help_layout(al_cells *c, int ascii, int x, int y0, int w, size_t skip, size_t rows) {
    const int indent = 13;
    size_t line = 0;
    for (size_t i = 0; i < sizeof help / sizeof help[0]; i++) {
        const help_line *h = &help[i];
        if (h->kind == H_HEAD) {
            if (i > 0) line++;                              /* a blank line before a heading */
            if (c && line >= skip && line - skip < rows)
                al_cells_text(c, x, y0 + (int)(line - skip), w, h->text, AL_ST_TITLE, AL_CELL_BOLD, 1);
            line++;
            continue;
        }
        /* The key, glyph or mark in the left column... */
        if (c && line >= skip && line - skip < rows) {
            int y = y0 + (int)(line - skip);
            if (h->kind == H_STATE) {
                al_cells_put(c, x, y, al_view_state_glyph(h->state, ascii), al_view_state_style(h->state), 0);
                al_cells_text(c, x + 2, y, indent - 3, al_lane_state_name(h->state),
                              al_view_state_style(h->state), AL_CELL_BOLD, 1);
            } else {
                al_cells_text(c, x, y, indent - 1, ascii ? h->ascii : h->key,
                              h->kind == H_MARK ? AL_ST_SLOW : AL_ST_KEY, AL_CELL_BOLD, 1);
            }
        }
        /* ...and its words wrapped beside it. */
        struct wrap_ctx k = {c, x + indent, y0, w - indent, line, skip, rows, AL_ST_NORMAL};
        if (c) al_wrap(h->text, w - indent, ascii, wrap_piece, &k);
        line += al_wrap(h->text, w - indent, ascii, NULL, NULL);
    }
    return line;
}

void al_view_draw_help(al_view *v, al_cells *c) {
    al_rect box = centred_box(c, 100, c->h - 2);
    int inner_w = box.w - 4, inner_h = box.h - 2;
    size_t total = help_layout(NULL, c->ascii, 0, 0, inner_w, 0, 0);
    size_t max_scroll = total > (size_t)inner_h ? total - (size_t)inner_h : 0;
    if (v->overlay_scroll > max_scroll) v->overlay_scroll = max_scroll;
    char footer[64];
    if (max_scroll)
        snprintf(footer, sizeof footer, " %s scroll  ? or Esc close ",
                 c->ascii ? "up/dn" : "\xE2\x86\x91\xE2\x86\x93");
    else
        snprintf(footer, sizeof footer, " ? or Esc close ");
    open_box(c, box, "asynclab viewer: help", footer);
    al_cells_clip(c, (al_rect){box.x + 2, box.y + 1, inner_w, inner_h});
    help_layout(c, c->ascii, box.x + 2, box.y + 1, inner_w, v->overlay_scroll, (size_t)inner_h);
    al_cells_clip_all(c);
}

/* ---- one task in detail ----------------------------------------------------------- */

static int row(al_cells *c, al_rect box, int y, const char *name, const char *value, int style) {
    if (y >= box.y + box.h - 1) return y;
    al_cells_text(c, box.x + 2, y, 14, name, AL_ST_DIM, 0, 1);
    al_cells_text(c, box.x + 17, y, box.w - 19, value, style, 0, 1);
    return y + 1;
}

void al_view_draw_details(al_view *v, al_cells *c) {
    al_lane *l = al_view_row_lane(v, v->sel);
    const al_model *m = v->model;
    al_rect box = centred_box(c, 76, c->h - 4);
    char title[AL_TRACE_TEXT_MAX + 48], buf[160], a[32], b[32];
    if (!l) {
        open_box(c, box, "details", " Esc close ");
        al_cells_text(c, box.x + 2, box.y + 2, box.w - 4, "No lane selected.", AL_ST_DIM, 0, 1);
        return;
    }
    if (l->task == 0) snprintf(title, sizeof title, "the event loop");
    else snprintf(title, sizeof title, "task #%llu \"%s\"", (unsigned long long)l->task, l->name);
    open_box(c, box, title, " Enter or Esc close ");
    al_cells_clip(c, (al_rect){box.x + 1, box.y + 1, box.w - 2, box.h - 2});
    int y = box.y + 1;
    const al_span *s = al_view_lane_span(l);
    int st = s ? s->state : l->state;
    if (l->task == 0) {
        snprintf(buf, sizeof buf, "%llu (the iterations that asked the OS what is ready; "
                 "one with work queued and no fd to watch does not)", (unsigned long long)m->iterations);
        y = row(c, box, y, "polls", buf, AL_ST_NORMAL);
        snprintf(buf, sizeof buf, "%u", l->slow_warnings);
        y = row(c, box, y, "slow steps", buf, l->slow_warnings ? AL_ST_SLOW : AL_ST_NORMAL);
    } else {
        snprintf(buf, sizeof buf, "%s", al_lane_kind_text(l->kind));
        y = row(c, box, y, "kind", buf, AL_ST_NORMAL);
        const al_lane *parent = l->parent ? al_model_lane(v->model, l->parent) : NULL;
        if (l->parent)
            snprintf(buf, sizeof buf, "#%llu %s", (unsigned long long)l->parent, parent ? parent->name : "");
        else
            snprintf(buf, sizeof buf, "nobody (a root task)");
        y = row(c, box, y, "spawned by", buf, AL_ST_NORMAL);
        snprintf(buf, sizeof buf, "+%s", al_fmt_duration(a, sizeof a, l->spawned_at - m->first_t, c->ascii));
        y = row(c, box, y, "spawned at", buf, AL_ST_NORMAL);
        char why[64];
        al_view_reason(m, l, s, why, sizeof why);
        snprintf(buf, sizeof buf, "%s%s%s", al_lane_state_name(st), why[0] ? ": " : "", why);
        y = row(c, box, y, "state", buf, al_view_state_style(st));
        if (l->exited_at != AL_MODEL_OPEN) {
            snprintf(buf, sizeof buf, "+%s", al_fmt_duration(a, sizeof a, l->exited_at - m->first_t, c->ascii));
            y = row(c, box, y, "ended at", buf, AL_ST_NORMAL);
        }
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)l->resumes);
        y = row(c, box, y, "resumes", buf, AL_ST_NORMAL);
        int64_t busy = l->busy_us, idle = l->idle_us;
        if (s && s->end == AL_MODEL_OPEN && v->now > s->start) {
            if (st == AL_LANE_RUNNING) busy += v->now - s->start;
            else if (st == AL_LANE_READY || st == AL_LANE_WAITING) idle += v->now - s->start;
        }
        snprintf(buf, sizeof buf, "%s running, %s ready or waiting", al_fmt_duration(a, sizeof a, busy, c->ascii),
                 al_fmt_duration(b, sizeof b, idle, c->ascii));
        y = row(c, box, y, "time", buf, AL_ST_NORMAL);
        snprintf(buf, sizeof buf, "%u%s", l->slow_warnings,
                 l->slow_warnings ? " (steps that held the loop over 100 ms)" : "");
        y = row(c, box, y, "slow steps", buf, l->slow_warnings ? AL_ST_SLOW : AL_ST_NORMAL);
    }
    /* The newest spans, as many as fit. */
    y++;
    if (y >= box.y + box.h - 2) return;
    al_cells_text(c, box.x + 2, y++, box.w - 4, "Recent spans (newest last)", AL_ST_TITLE, AL_CELL_BOLD, 1);
    int room = box.y + box.h - 1 - y;
    size_t from = l->nspans > (size_t)room ? l->nspans - (size_t)room : 0;
    for (size_t i = from; i < l->nspans && y < box.y + box.h - 1; i++) {
        const al_span *sp = &l->spans[i];
        char why[64];
        al_view_reason(m, l, sp, why, sizeof why);
        int64_t end = sp->end == AL_MODEL_OPEN ? v->now : sp->end;
        if (sp->state == AL_LANE_DONE || sp->state == AL_LANE_CANCELLED || sp->state == AL_LANE_FAILED)
            snprintf(b, sizeof b, "-");
        else
            al_fmt_duration(b, sizeof b, end - sp->start, c->ascii);
        snprintf(buf, sizeof buf, "+%-12s %-10s %-24s %s", al_fmt_duration(a, sizeof a, sp->start - m->first_t, c->ascii),
                 al_lane_state_name(sp->state), why, b);
        al_cells_put(c, box.x + 2, y, al_view_state_glyph(sp->state, c->ascii), al_view_state_style(sp->state), 0);
        al_cells_text(c, box.x + 4, y++, box.w - 6, buf, AL_ST_NORMAL, 0, 1);
    }
    al_cells_clip_all(c);
}

/* ---- too small ---------------------------------------------------------------------- */

void al_view_draw_too_small(al_view *v, al_cells *c) {
    (void)v;
    char need[96], have[64];
    snprintf(need, sizeof need, "asynclab needs a terminal of at least %dx%d;", AL_VIEW_MIN_W, AL_VIEW_MIN_H);
    snprintf(have, sizeof have, "this one is %dx%d.", c->w, c->h);
    const char *para[] = {need, have, "Make the window larger, or press q to quit."};
    int width = c->w > 48 ? 48 : c->w;
    size_t lines = 0;
    for (int i = 0; i < 3; i++) lines += al_wrap(para[i], width, c->ascii, NULL, NULL);
    int y = (c->h - (int)lines) / 2;
    if (y < 0) y = 0;
    for (int i = 0; i < 3; i++) al_wrap_centred(c, (al_rect){0, 0, c->w, c->h}, &y, para[i], width, AL_ST_WARN);
}
