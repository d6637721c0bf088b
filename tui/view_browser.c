/* view_browser.c — the lesson browser's screen and keys (see view_browser.h).
 *
 *   asynclab: the lab                                            5 lessons
 *   ── Lessons ─────────────────────────────────────────────────────────────
 *     1  The blocking socket server   A server that serves one client...
 *   > 5  Coroutines                   ...
 *   ── Lesson 5: Coroutines ───────────────────────────────────────────────
 *   (the first paragraphs of its README)
 *   ↑↓ choose   Enter run its demo under the viewer   q quit
 */
#include "view_browser.h"

#include <stdio.h>
#include <string.h>

#include "view.h"

void al_browser_init(al_browser *b, const al_lesson *lessons, size_t n) {
    memset(b, 0, sizeof *b);
    b->lessons = lessons;
    b->n = n;
    b->intro_for = n;
    al_lines_init(&b->intro, 400);
}

void al_browser_free(al_browser *b) { al_lines_free(&b->intro); }

static void load_intro(al_browser *b) {
    if (b->intro_for == b->sel || b->sel >= b->n) return;
    al_lines_free(&b->intro);
    al_lines_init(&b->intro, 400);
    char path[900];
    snprintf(path, sizeof path, "%s/README.md", b->lessons[b->sel].dir);
    al_lines_load(&b->intro, path);
    b->intro_for = b->sel;
}

struct intro_ctx {
    al_cells *c;
    int x, y, w, bottom, style;
};

static void intro_piece(void *arg, const char *start, size_t len) {
    struct intro_ctx *k = arg;
    if (k->y >= k->bottom) return;
    char piece[512];
    if (len >= sizeof piece) len = sizeof piece - 1;
    memcpy(piece, start, len);
    piece[len] = '\0';
    al_cells_text(k->c, k->x, k->y++, k->w, piece, k->style, k->style == AL_ST_TITLE ? AL_CELL_BOLD : 0, 0);
}

static void rule(al_cells *c, int y, const char *title) {
    al_cells_fill(c, (al_rect){0, y, c->w, 1}, c->ascii ? '-' : 0x2500, AL_ST_DIM, 0);
    al_cells_put(c, 1, y, ' ', AL_ST_TITLE, 0);
    int n = al_cells_text(c, 2, y, c->w - 4, title, AL_ST_FOCUS, AL_CELL_BOLD, 1);
    al_cells_put(c, 2 + n, y, ' ', AL_ST_TITLE, 0);
}

void al_browser_render(al_browser *b, al_cells *c) {
    c->ascii = b->ascii;
    al_cells_clear(c);
    if (c->w < AL_VIEW_MIN_W || c->h < AL_VIEW_MIN_H) {
        al_view v;
        al_view_init(&v, AL_VIEW_LIVE);
        al_view_draw_too_small(&v, c);
        al_view_free(&v);
        return;
    }
    char buf[600];
    al_cells_fill(c, (al_rect){0, 0, c->w, 1}, ' ', AL_ST_BAR, AL_CELL_REVERSE);
    al_cells_text(c, 1, 0, c->w - 20, "asynclab: from a blocking socket to coroutines",
                  AL_ST_BAR, AL_CELL_REVERSE | AL_CELL_BOLD, 1);
    snprintf(buf, sizeof buf, "%zu lessons", b->n);
    al_cells_text(c, c->w - 1 - (int)strlen(buf), 0, -1, buf, AL_ST_BAR, AL_CELL_REVERSE, 0);

    rule(c, 1, "Lessons");
    int list_h = (int)b->n < (c->h - 4) / 2 ? (int)b->n : (c->h - 4) / 2;
    if (b->n == 0) {
        al_cells_text(c, 2, 2, c->w - 4, "No lessons found (looked in the source tree's lessons/).",
                      AL_ST_WARN, 0, 1);
        list_h = 1;
    }
    size_t top = b->sel >= (size_t)list_h ? b->sel - (size_t)list_h + 1 : 0;
    int title_w = 0;
    for (size_t i = 0; i < b->n; i++) {
        int w = al_text_width(b->lessons[i].title, c->ascii);
        if (w > title_w) title_w = w;
    }
    if (title_w > 30) title_w = 30;
    for (int row = 0; row < list_h && top + (size_t)row < b->n; row++) {
        size_t i = top + (size_t)row;
        const al_lesson *l = &b->lessons[i];
        int y = 2 + row, sel = i == b->sel, f = sel ? AL_CELL_REVERSE : 0;
        if (sel) al_cells_fill(c, (al_rect){0, y, c->w, 1}, ' ', AL_ST_NORMAL, f);
        al_cells_text(c, 1, y, 1, sel ? ">" : " ", AL_ST_KEY, f | AL_CELL_BOLD, 0);
        snprintf(buf, sizeof buf, "%2d", l->number);
        al_cells_text(c, 3, y, 2, buf, AL_ST_KEY, f | AL_CELL_BOLD, 0);
        al_cells_text(c, 7, y, title_w, l->title, AL_ST_NORMAL, f | AL_CELL_BOLD, 1);
        /* The summary up to its first full stop: one line each. */
        size_t len = strcspn(l->summary, ".:");
        snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), l->summary);
        al_cells_text(c, 9 + title_w, y, c->w - 10 - title_w, buf, AL_ST_DIM, f, 1);
    }

    int y = 2 + list_h;
    if (b->n) {
        load_intro(b);
        const al_lesson *l = &b->lessons[b->sel];
        snprintf(buf, sizeof buf, "Lesson %d: %s", l->number, l->title);
        rule(c, y++, buf);
        /* The README from its first paragraph on (its title is in the rule). */
        struct intro_ctx k = {c, 2, y, c->w - 4, c->h - 2, AL_ST_NORMAL};
        int code = 0;
        for (size_t i = 0; i < al_lines_count(&b->intro) && k.y < k.bottom; i++) {
            const char *text = al_lines_get(&b->intro, i);
            if (i == 0 && text[0] == '#') continue;
            if (strncmp(text, "```", 3) == 0) code = !code;
            k.style = code || strncmp(text, "```", 3) == 0 ? AL_ST_DIM : text[0] == '#' ? AL_ST_TITLE : AL_ST_NORMAL;
            al_wrap(text, k.w, c->ascii, intro_piece, &k);
        }
    }

    al_rect legend = {0, c->h - 1, c->w, 1};
    if (b->message) {
        al_cells_text(c, 1, legend.y, c->w - 2, b->message, AL_ST_WARN, AL_CELL_BOLD, 1);
        return;
    }
    static const char *const keys[][3] = {
        {"\xE2\x86\x91\xE2\x86\x93", "up/dn", "choose"},
        {"Enter", "Enter", "run its demo under the viewer"},
        {"1-9", "1-9", "jump to a lesson"},
        {"q", "q", "quit"},
    };
    int x = 1;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        x += al_cells_text(c, x, legend.y, -1, keys[i][c->ascii ? 1 : 0], AL_ST_KEY, AL_CELL_BOLD, 0) + 1;
        x += al_cells_text(c, x, legend.y, -1, keys[i][2], AL_ST_DIM, 0, 0) + 3;
    }
}

int al_browser_key(al_browser *b, int key) {
    b->message = NULL;
    switch (key) {
    case 'q': case 'Q': case AL_KEY_ESC:
        return -1;
    case AL_KEY_UP: case 'k':
        if (b->sel > 0) b->sel--;
        return 0;
    case AL_KEY_DOWN: case 'j':
        if (b->sel + 1 < b->n) b->sel++;
        return 0;
    case AL_KEY_HOME: case 'g':
        b->sel = 0;
        return 0;
    case AL_KEY_END: case 'G':
        b->sel = b->n ? b->n - 1 : 0;
        return 0;
    case AL_KEY_ENTER: case ' ':
        return b->n ? 1 : 0;
    default:
        if (key >= '0' && key <= '9')
            for (size_t i = 0; i < b->n; i++)
                if (b->lessons[i].number == key - '0') b->sel = i;
        return 0;
    }
}
