/* view_text.c — the panels that are lines of text: the event log, the
 * program's output and the lesson's notes.
 *
 * The event log and the output grow at the bottom and follow their newest
 * line, like a terminal, until the person scrolls up; the notes read from
 * the top, like a page. The event log can be narrowed to the tasks the
 * filter names (`/`): an id ("3" or "#3") or part of a task's name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "render_reflow.h"
#include "view.h"

/* ---- the filter's tasks ------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The tasks whose id is the filter, or whose name contains it. */
static void update_match(al_view *v, const al_model *m) {
    v->nmatch = 0;
    const char *f = v->filter[0] == '#' ? v->filter + 1 : v->filter;
    char *end;
    unsigned long long id = strtoull(f, &end, 10);
    int numeric = end != f && *end == '\0';
    size_t n = strlen(v->filter);
    for (size_t i = 0; i < m->nlanes; i++) {
        const al_lane *l = &m->lanes[i];
        if (l->task == 0) continue;
        int ok = 0;
        if (numeric) ok = l->task == id;
        else
            for (const char *p = l->name; *p && !ok; p++) ok = strncasecmp(p, v->filter, n) == 0;
        if (!ok) continue;
        if (v->nmatch == v->capmatch) {
            size_t cap = v->capmatch ? v->capmatch * 2 : 16;
            uint64_t *bigger = realloc(v->match, cap * sizeof *bigger);
            if (!bigger) return;
            v->match = bigger;
            v->capmatch = cap;
        }
        v->match[v->nmatch++] = l->task;
    }
    qsort(v->match, v->nmatch, sizeof *v->match, cmp_u64);
}

static int matches(const al_view *v, uint64_t task) {
    if (!v->filter[0]) return 1;
    return bsearch(&task, v->match, v->nmatch, sizeof *v->match, cmp_u64) != NULL;
}

/* The log entries that pass the filter, kept up to date a few at a time:
 * only new entries are looked at, unless the filter or the lanes changed. */
static void update_log(al_view *v) {
    const al_model *m = v->model;
    if (v->log_model != m || strcmp(v->log_filter, v->filter) != 0 || v->log_scanned > m->nlog ||
        (v->filter[0] && v->log_nlanes != m->nlanes)) {
        v->log_model = m;
        snprintf(v->log_filter, sizeof v->log_filter, "%s", v->filter);
        v->log_nlanes = m->nlanes;
        v->nlogidx = v->log_scanned = 0;
        if (v->filter[0]) update_match(v, m);
    }
    for (; v->log_scanned < m->nlog; v->log_scanned++) {
        if (!matches(v, m->log[v->log_scanned].task)) continue;
        if (v->nlogidx == v->caplogidx) {
            size_t cap = v->caplogidx ? v->caplogidx * 2 : 256;
            uint32_t *bigger = realloc(v->logidx, cap * sizeof *bigger);
            if (!bigger) return;
            v->logidx = bigger;
            v->caplogidx = cap;
        }
        v->logidx[v->nlogidx++] = (uint32_t)v->log_scanned;
    }
}

/* Bottom-anchored list: which index is on the first visible row. */
static size_t first_shown(size_t count, size_t visible, size_t *scroll) {
    size_t max_scroll = count > visible ? count - visible : 0;
    if (*scroll > max_scroll) *scroll = max_scroll;
    return count > visible ? count - visible - *scroll : 0;
}

static int log_style(int type) {
    switch (type) {
    case AL_EV_SLOW: return AL_ST_SLOW;
    case AL_EV_HELLO: return AL_ST_TITLE;
    case AL_EV_OUTPUT: return AL_ST_DIM;
    default: return AL_ST_NORMAL;
    }
}

void al_view_draw_events(al_view *v, al_cells *c, al_rect r) {
    const al_model *m = v->model;
    char info[96] = "";
    if (m) update_log(v);
    size_t count = m ? (v->filter[0] ? v->nlogidx : m->nlog) : 0;
    if (v->filter[0]) snprintf(info, sizeof info, "filter \"%s\": %zu", v->filter, count);
    else if (m) snprintf(info, sizeof info, "%zu", count);
    if (v->scroll[AL_PANEL_EVENTS]) {
        size_t n = strlen(info);
        snprintf(info + n, sizeof info - n, "  (scrolled: End)");
    }
    al_view_draw_title(v, c, r, AL_PANEL_EVENTS, "Events", info);
    if (!m || r.h < 2) return;
    size_t visible = (size_t)(r.h - 1);
    size_t first = first_shown(count, visible, &v->scroll[AL_PANEL_EVENTS]);
    for (size_t i = 0; i < visible && first + i < count; i++) {
        size_t k = v->filter[0] ? v->logidx[first + i] : first + i;
        const al_log_entry *e = &m->log[k];
        al_cells_text(c, r.x + 1, r.y + 1 + (int)i, r.w - 2, e->text, log_style(e->type), 0, 1);
    }
    if (count == 0)
        al_cells_text(c, r.x + 2, r.y + 1, r.w - 4,
                      v->filter[0] ? "No events of the filtered tasks." : "No events yet.", AL_ST_DIM, 0, 1);
}

void al_view_draw_output(al_view *v, al_cells *c, al_rect r) {
    const al_model *m = v->model;
    size_t count = v->output ? al_lines_count(v->output) : m ? m->noutput : 0;
    char info[64];
    snprintf(info, sizeof info, "%zu lines%s", count, v->scroll[AL_PANEL_OUTPUT] ? "  (scrolled: End)" : "");
    al_view_draw_title(v, c, r, AL_PANEL_OUTPUT, v->output ? "Output" : "Output (from the trace)", info);
    if (r.h < 2) return;
    size_t visible = (size_t)(r.h - 1);
    size_t first = first_shown(count, visible, &v->scroll[AL_PANEL_OUTPUT]);
    for (size_t i = 0; i < visible && first + i < count; i++) {
        const char *text = v->output ? al_lines_get(v->output, first + i) : m->output[first + i].text;
        al_cells_text(c, r.x + 1, r.y + 1 + (int)i, r.w - 2, text ? text : "", AL_ST_NORMAL, 0, 1);
    }
    if (count == 0)
        al_cells_text(c, r.x + 2, r.y + 1, r.w - 4, "The program has printed nothing yet.", AL_ST_DIM, 0, 1);
}

/* ---- notes: markdown read as plain text, wrapped ------------------------------ */

struct notes_ctx {
    al_cells *c;
    al_rect r;
    size_t skip, line, visible;
    int style;
    int hang, first;   /* a list item's rows after its first go on under its text */
};

static void notes_piece(void *arg, const char *start, size_t len) {
    struct notes_ctx *n = arg;
    size_t at = n->line++;
    int x = n->first ? 0 : n->hang;
    n->first = 0;
    if (at < n->skip || at - n->skip >= n->visible) return;
    char piece[1024];
    if (len >= sizeof piece) len = sizeof piece - 1;
    memcpy(piece, start, len);
    piece[len] = '\0';
    al_cells_text(n->c, n->r.x + 1 + x, n->r.y + 1 + (int)(at - n->skip), n->r.w - 2 - x, piece, n->style,
                  n->style == AL_ST_TITLE ? AL_CELL_BOLD : 0, 0);
}

/* The notes' lines are paragraphs (al_lines_load_markdown); a list item
 * wraps narrower, by its marker's width, to hang under its own text. */
static int notes_hang(const char *text, int width) {
    int hang = al_reflow_hang(text);
    return hang < width / 2 ? hang : 0;
}

void al_view_draw_notes(al_view *v, al_cells *c, al_rect r) {
    if (!v->notes || r.h < 2) return;
    int width = r.w - 2;
    /* Count the wrapped lines first, to keep the scroll inside the text. */
    size_t total = 0;
    for (size_t i = 0; i < al_lines_count(v->notes); i++) {
        const char *text = al_lines_get(v->notes, i);
        total += al_wrap(text, width - notes_hang(text, width), c->ascii, NULL, NULL);
    }
    size_t visible = (size_t)(r.h - 1);
    size_t *scroll = &v->scroll[AL_PANEL_NOTES];
    if (*scroll + visible > total) *scroll = total > visible ? total - visible : 0;
    char info[48];
    snprintf(info, sizeof info, "%zu%% (PgUp/PgDn)",
             total <= visible ? (size_t)100 : (*scroll + visible) * 100 / total);
    al_view_draw_title(v, c, r, AL_PANEL_NOTES, "Lesson notes", info);
    struct notes_ctx n = {c, r, *scroll, 0, visible, AL_ST_NORMAL, 0, 1};
    int code = 0;
    for (size_t i = 0; i < al_lines_count(v->notes) && n.line < n.skip + visible; i++) {
        const char *text = al_lines_get(v->notes, i);
        if (strncmp(text, "```", 3) == 0) code = !code;
        n.style = code || strncmp(text, "```", 3) == 0 ? AL_ST_DIM
                  : text[0] == '#'                     ? AL_ST_TITLE
                                                       : AL_ST_NORMAL;
        n.hang = notes_hang(text, width);
        n.first = 1;
        al_wrap(text, width - n.hang, c->ascii, notes_piece, &n);
    }
}
