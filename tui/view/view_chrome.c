/* view_chrome.c — the rows around the panels: the status bar at the top,
 * the tabs (80×24 layout) and the key legend at the bottom.
 *
 * The status bar answers "what am I looking at?": the program, its backend
 * and clock, how many tasks are alive, how fast events come, how many were
 * lost, how many times the loop polled, and whether the picture is live,
 * paused, replaying or over. When the row is too narrow, the least useful
 * facts go first. The legend shows the keys that work now, most useful
 * first, so the first thing dropped on a narrow screen is the rarest key.
 */
#include <stdio.h>
#include <string.h>

#include "view.h"

#define TITLE_MAX 36   /* the status bar's title gives way to the facts beyond this */

typedef struct status_piece {
    char text[160];
    char alt[160];     /* a shorter way to say it, or "" */
    int keep;          /* lower is more important */
} status_piece;

static const char *clock_name(int clock) { return clock == 1 ? "virtual clock" : "real clock"; }

static void state_text(const al_view *v, char *buf, size_t size) {
    const char *live = v->ascii ? "*" : "\xE2\x97\x8F";                    /* ● */
    const char *pause = v->ascii ? "||" : "\xE2\x9D\x9A\xE2\x9D\x9A";      /* ❚❚ */
    const char *play = v->ascii ? ">" : "\xE2\x96\xB6";                    /* ▶ */
    if (v->mode == AL_VIEW_REPLAY) {
        /* Paused before the end: how to go on, so the first key is not a guess. */
        int held = (v->paused || !v->playing) && v->cursor < v->nevents;
        snprintf(buf, size, "%s REPLAY %zu/%zu%s %gx%s", v->playing && !v->paused ? play : pause,
                 v->cursor, v->nevents, v->truncated ? "+" : "", v->speed,
                 held ? "  n: next event, space: play" : "");
        return;
    }
    char step[32] = "", pending[32] = "";
    if (v->stepping) snprintf(step, sizeof step, " STEP %llu", (unsigned long long)v->steps);
    if (v->paused && v->pending) snprintf(pending, sizeof pending, " (%zu new)", v->pending);
    snprintf(buf, size, "%s %s%s%s%s%s", v->paused ? pause : live, v->paused ? "PAUSED" : "LIVE", step,
             pending, v->state ? "  " : "", v->state ? v->state : "");
}

void al_view_draw_status(al_view *v, al_cells *c, al_rect r) {
    const al_model *m = v->model;
    al_cells_fill(c, r, ' ', AL_ST_BAR, AL_CELL_REVERSE);
    status_piece p[10];
    int n = 0;
    char num[32];
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++) p[i].alt[0] = '\0';
    snprintf(p[n].text, sizeof p[n].text, "%s", v->title ? v->title : "asynclab");
    p[n++].keep = 0;
    if (m) {
        const char *prog = m->program[0] ? m->program : "?";
        snprintf(p[n].text, sizeof p[n].text, "%s%s%s, %s", prog, m->backend[0] ? ", " : "", m->backend,
                 clock_name(m->clock));
        snprintf(p[n].alt, sizeof p[n].alt, "%s, %s", prog, clock_name(m->clock));   /* the backend goes first */
        p[n++].keep = 1;
        snprintf(p[n].text, sizeof p[n].text, "%zu alive of %zu", m->tasks_alive,
                 m->nlanes ? m->nlanes - 1 : 0);
        p[n++].keep = 2;
        snprintf(p[n].text, sizeof p[n].text, "%s ev/s", al_fmt_count(num, sizeof num, v->events_per_s));
        p[n++].keep = 4;
        uint64_t dropped = m->dropped + v->dropped;
        snprintf(p[n].text, sizeof p[n].text, "dropped %llu", (unsigned long long)dropped);
        p[n++].keep = dropped ? 1 : 3;   /* lost events matter more than any other fact */
        /* The trace shows the loop's polls, not its iterations (an iteration
         * with nothing to wait for does not poll): name what is counted. */
        snprintf(p[n].text, sizeof p[n].text, "%llu poll%s", (unsigned long long)m->iterations,
                 m->iterations == 1 ? "" : "s");
        p[n++].keep = 5;
    }
    /* Which panel the keys act on: said in words, next to the title. */
    snprintf(p[n].text, sizeof p[n].text, "focus: %s", al_view_panel_name(v->focus));
    p[n++].keep = 0;
    if (v->nsections > 1) {
        snprintf(p[n].text, sizeof p[n].text, "program %d/%d", v->section + 1, v->nsections);
        p[n++].keep = 1;
    }
    char right[160];
    int bad = v->error || v->state_bad;
    if (v->error) snprintf(right, sizeof right, "trace: %s", v->error);
    else state_text(v, right, sizeof right);
    const char *sep = c->ascii ? " | " : " \xE2\x94\x82 ";
    int rw = al_text_width(right, c->ascii);
    if (rw > r.w * 3 / 5) rw = r.w * 3 / 5;
    /* Fit the facts into the row: first drop the minor ones, then say the
     * others shorter, then shorten the title, and only then drop what the
     * picture is of. */
    int used[10], width[10], title_w = 0;
    for (int i = 0; i < n; i++) {
        used[i] = 1;
        width[i] = al_text_width(p[i].text, c->ascii);
    }
    if (n > 1 && width[0] > TITLE_MAX) width[0] = TITLE_MAX;
    for (int pass = 0; pass < 4; pass++) {
        for (;;) {
            int total = rw + 1, worst = -1;   /* margins, a gap of 2, separators: 3 per fact but the first */
            for (int i = 0; i < n; i++)
                if (used[i]) {
                    total += width[i] + 3;
                    if (i > 0 && (worst < 0 || p[i].keep > p[worst].keep)) worst = i;
                }
            if (total <= r.w) break;
            if (pass == 1) {                       /* the shorter forms */
                for (int i = 1; i < n; i++)
                    if (p[i].alt[0]) {
                        memcpy(p[i].text, p[i].alt, sizeof p[i].text);
                        width[i] = al_text_width(p[i].text, c->ascii);
                    }
                break;
            }
            if (pass == 2) {                       /* shorten the title, down to 12 columns */
                int cut = total - r.w;
                width[0] = width[0] - cut < 12 ? 12 : width[0] - cut;
                break;
            }
            if (worst < 0 || (pass == 0 && p[worst].keep < 2)) break;
            used[worst] = 0;
        }
    }
    /* A fact dropped in the last pass may have left room: give the title
     * back what it lost in the third. */
    int total = rw + 1, full = al_text_width(p[0].text, c->ascii);
    for (int i = 0; i < n; i++)
        if (used[i]) total += width[i] + 3;
    if (total < r.w && n > 1) {
        int want = full < TITLE_MAX ? full : TITLE_MAX;
        width[0] = width[0] + (r.w - total) < want ? width[0] + (r.w - total) : want;
    }
    title_w = width[0];
    int x = r.x + 1;
    for (int i = 0; i < n; i++) {
        if (!used[i]) continue;
        if (x > r.x + 1) x += al_cells_text(c, x, r.y, -1, sep, AL_ST_BAR, AL_CELL_REVERSE, 0);
        int room = r.x + r.w - rw - 2 - x;
        if (i == 0 && room > title_w) room = title_w;   /* leave room for the facts */
        x += al_cells_text(c, x, r.y, room, p[i].text, AL_ST_BAR,
                           AL_CELL_REVERSE | (i == 0 ? AL_CELL_BOLD : 0), 1);
    }
    al_cells_text(c, r.x + r.w - rw - 1, r.y, rw, right, bad ? AL_ST_ERROR : AL_ST_BAR,
                  AL_CELL_REVERSE | AL_CELL_BOLD, 1);
}

void al_view_draw_tabs(al_view *v, al_cells *c, al_rect r, const char *info) {
    int focused_row = v->focus != AL_PANEL_TIMELINE;   /* the focus is on the panel under the tabs */
    al_cells_fill(c, r, al_view_rule_glyph(focused_row, c->ascii), focused_row ? AL_ST_FOCUS : AL_ST_DIM,
                  focused_row ? AL_CELL_BOLD : 0);
    int x = r.x + 1;
    for (int p = AL_PANEL_TASKS; p < AL_PANEL_COUNT; p++) {
        if (p == AL_PANEL_NOTES && !v->notes) continue;
        int shown = p == v->bottom, focused = p == v->focus;
        char label[32];
        snprintf(label, sizeof label, " %s ", al_view_panel_name(p));
        x += al_cells_text(c, x, r.y, -1, label, focused ? AL_ST_FOCUS : shown ? AL_ST_TITLE : AL_ST_DIM,
                           focused ? AL_CELL_REVERSE | AL_CELL_BOLD : shown ? AL_CELL_BOLD | AL_CELL_UNDERLINE : 0, 0);
        x += 1;
    }
    int iw = info ? al_text_width(info, c->ascii) : 0;
    if (iw && x + iw + 3 < r.x + r.w) {
        al_cells_put(c, r.x + r.w - iw - 3, r.y, ' ', AL_ST_DIM, 0);
        al_cells_text(c, r.x + r.w - iw - 2, r.y, iw, info, AL_ST_DIM, 0, 0);
        al_cells_put(c, r.x + r.w - 2, r.y, ' ', AL_ST_DIM, 0);
    }
}

typedef struct key_hint {
    const char *key, *ascii_key, *what;
} key_hint;

void al_view_draw_legend(al_view *v, al_cells *c, al_rect r) {
    if (v->editing) {
        int x = r.x + 1;
        x += al_cells_text(c, x, r.y, -1, "Filter tasks (id or part of a name, Enter applies, Esc cancels): ",
                           AL_ST_KEY, AL_CELL_BOLD, 1);
        x += al_cells_text(c, x, r.y, -1, v->edit, AL_ST_NORMAL, 0, 1);
        al_cells_put(c, x, r.y, ' ', AL_ST_NORMAL, AL_CELL_REVERSE);
        return;
    }
    if (v->message) {
        al_cells_text(c, r.x + 1, r.y, r.w - 2, v->message, AL_ST_WARN, AL_CELL_BOLD, 1);
        return;
    }
    key_hint hints[24];
    int n = 0;
    hints[n++] = (key_hint){"q", "q", "quit"};
    hints[n++] = (key_hint){"?", "?", "help"};
    hints[n++] = (key_hint){"space", "space", v->mode == AL_VIEW_REPLAY ? "play" : "pause"};
    if (v->mode == AL_VIEW_REPLAY) hints[n++] = (key_hint){"n/p", "n/p", "step"};
    if (v->mode == AL_VIEW_LIVE && v->paused) hints[n++] = (key_hint){"n", "n", "next event"};
    if (v->can_step) hints[n++] = (key_hint){"s", "s", v->stepping ? "step loop" : "slow motion"};
    if (v->stepping) hints[n++] = (key_hint){"c", "c", "continue"};
    hints[n++] = (key_hint){"+/-", "+/-", "zoom"};
    hints[n++] = (key_hint){"\xE2\x86\x90\xE2\x86\x92", "<-/->", "pan"};
    int text = al_view_is_text_panel(v->focus);
    hints[n++] = (key_hint){"\xE2\x86\x91\xE2\x86\x93", "up/dn", text ? "scroll" : "lane"};
    if (!text) hints[n++] = (key_hint){"Enter", "Enter", "details"};
    hints[n++] = (key_hint){"Tab", "Tab", "focus"};
    hints[n++] = (key_hint){"/", "/", "filter"};
    hints[n++] = (key_hint){"f", "f", v->follow ? "following" : "follow"};
    if (v->mode == AL_VIEW_REPLAY) {
        hints[n++] = (key_hint){"g/G", "g/G", "start/end"};
        hints[n++] = (key_hint){"[/]", "[/]", "speed"};
    }
    if (v->nsections > 1) hints[n++] = (key_hint){"</>", "</>", "program"};
    int x = r.x + 1, end = r.x + r.w - 1;
    for (int i = 0; i < n; i++) {
        const char *key = c->ascii ? hints[i].ascii_key : hints[i].key;
        int need = al_text_width(key, c->ascii) + 1 + (int)strlen(hints[i].what) + 2;
        if (x + need > end + 2) break;
        x += al_cells_text(c, x, r.y, -1, key, AL_ST_KEY, AL_CELL_BOLD, 0);
        x += 1;
        x += al_cells_text(c, x, r.y, -1, hints[i].what, AL_ST_DIM, 0, 0);
        x += 2;
    }
}

/* ---- panel titles ---------------------------------------------------------- */

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
