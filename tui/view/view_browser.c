/* view_browser.c — the lesson browser's screen and keys (see view_browser.h).
 *
 *   asynclab: the lab                                            5 lessons
 *   ── Lessons ─────────────────────────────────────────────────────────────
 *     1  The blocking socket server   A server that serves one client...
 *   > 5  Coroutines                   ...
 *   ── Lesson 5: Coroutines ───────────────────────────────────────────────
 *   (the first paragraphs of its README)
 *   ↑↓ choose  Enter/space run the demo  ? help  q quit  PgUp/PgDn notes
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
    al_lines_load_markdown(&b->intro, path);
    b->intro_for = b->sel;
    b->intro_scroll = 0;
}

struct intro_ctx {
    al_cells *c;
    int x, y, w, bottom, style;
    size_t line, skip;
};

static void intro_piece(void *arg, const char *start, size_t len) {
    struct intro_ctx *k = arg;
    if (k->line++ < k->skip || k->y >= k->bottom) return;
    char piece[512];
    if (len >= sizeof piece) len = sizeof piece - 1;
    memcpy(piece, start, len);
    piece[len] = '\0';
    al_cells_text(k->c, k->x, k->y++, k->w, piece, k->style, k->style == AL_ST_TITLE ? AL_CELL_BOLD : 0, 0);
}

static void rule(al_cells *c, int y, const char *title, const char *info) {
    al_cells_fill(c, (al_rect){0, y, c->w, 1}, c->ascii ? '-' : 0x2500, AL_ST_DIM, 0);
    al_cells_put(c, 1, y, ' ', AL_ST_TITLE, 0);
    int n = al_cells_text(c, 2, y, c->w - 4, title, AL_ST_FOCUS, AL_CELL_BOLD, 1);
    al_cells_put(c, 2 + n, y, ' ', AL_ST_TITLE, 0);
    int iw = info ? al_text_width(info, c->ascii) : 0;
    if (iw && 2 + n + iw + 6 < c->w) {
        al_cells_put(c, c->w - iw - 3, y, ' ', AL_ST_DIM, 0);
        al_cells_text(c, c->w - iw - 2, y, iw, info, AL_ST_DIM, 0, 0);
        al_cells_put(c, c->w - 2, y, ' ', AL_ST_DIM, 0);
    }
}

/* The introduction, from its first paragraph on (its title is in the
 * rule above it), wrapped to `w` and scrolled by b->intro_scroll lines.
 * With c NULL, only counts the wrapped lines. */
static size_t draw_intro(al_browser *b, al_cells *c, int ascii, int y, int w, int bottom) {
    struct intro_ctx k = {c, 2, y, w, bottom, AL_ST_NORMAL, 0, c ? b->intro_scroll : (size_t)-1};
    int code = 0;
    for (size_t i = 0; i < al_lines_count(&b->intro) && (k.y < k.bottom || !c); i++) {
        const char *text = al_lines_get(&b->intro, i);
        if (i == 0 && text[0] == '#') continue;
        if (strncmp(text, "```", 3) == 0) code = !code;
        k.style = code || strncmp(text, "```", 3) == 0 ? AL_ST_DIM : text[0] == '#' ? AL_ST_TITLE : AL_ST_NORMAL;
        size_t pieces = al_wrap(text, w, ascii, c ? intro_piece : NULL, &k);
        if (!c) k.line += pieces;   /* drawing, intro_piece counts them */
    }
    return k.line;
}

static const char *const browser_keys[][3] = {
    {"\xE2\x86\x91\xE2\x86\x93", "up/dn", "choose"},
    {"Enter/space", "Enter/space", "run the demo"},
    {"?", "?", "help"},
    {"q", "q", "quit"},
    {"PgUp/PgDn", "PgUp/PgDn", "notes"},
    {"1-9", "1-9", "jump to a lesson"},
};

static const char *const browser_help[] = {
    "Up/Down, j/k     choose a lesson",
    "1-9              jump to that lesson",
    "Home/End, g/G    the first / last lesson",
    "Enter or space   run the lesson's demo under the viewer;",
    "                 q in the viewer comes back here",
    "PgDn/PgUp        scroll the lesson's notes a page",
    "?                this help (any key closes it)",
    "q, Esc           leave the lab",
};

static void draw_help(al_cells *c) {
    int n = (int)(sizeof browser_help / sizeof browser_help[0]);
    al_rect box = {(c->w - 60) / 2, (c->h - n - 4) / 2, 60, n + 4};
    al_cells_fill(c, box, ' ', AL_ST_NORMAL, 0);
    al_cells_box(c, box, "Keys of the lab", AL_ST_FOCUS);
    for (int i = 0; i < n; i++)
        al_cells_text(c, box.x + 2, box.y + 2 + i, box.w - 4, browser_help[i], AL_ST_NORMAL, 0, 1);
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

    rule(c, 1, "Lessons", NULL);
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
        int rows = c->h - 2 - (y + 1);
        size_t total = draw_intro(b, NULL, c->ascii, 0, c->w - 4, 0);
        if (b->intro_scroll + (size_t)rows > total) b->intro_scroll = total > (size_t)rows ? total - (size_t)rows : 0;
        b->intro_page = rows > 2 ? rows - 1 : 1;
        char info[48];
        snprintf(info, sizeof info, "%zu%% (PgUp/PgDn)",
                 total <= (size_t)rows ? (size_t)100 : (b->intro_scroll + (size_t)rows) * 100 / total);
        snprintf(buf, sizeof buf, "Lesson %d: %s", l->number, l->title);
        rule(c, y++, buf, info);
        draw_intro(b, c, c->ascii, y, c->w - 4, c->h - 2);
    }
    if (b->help) draw_help(c);

    al_rect legend = {0, c->h - 1, c->w, 1};
    if (b->message) {
        al_cells_text(c, 1, legend.y, c->w - 2, b->message, AL_ST_WARN, AL_CELL_BOLD, 1);
        return;
    }
    int x = 1;
    for (size_t i = 0; i < sizeof browser_keys / sizeof browser_keys[0]; i++) {
        const char *key = browser_keys[i][c->ascii ? 1 : 0], *what = browser_keys[i][2];
        if (x + al_text_width(key, c->ascii) + 1 + (int)strlen(what) > c->w - 1) break;
        x += al_cells_text(c, x, legend.y, -1, key, AL_ST_KEY, AL_CELL_BOLD, 0) + 1;
        x += al_cells_text(c, x, legend.y, -1, what, AL_ST_DIM, 0, 0) + 2;
    }
}

int al_browser_key(al_browser *b, int key) {
    b->message = NULL;
    if (b->help) {   /* any key closes the help, and does nothing else */
        b->help = 0;
        return 0;
    }
    switch (key) {
    case '?':
        b->help = 1;
        return 0;
    case AL_KEY_PGDN:
        b->intro_scroll += (size_t)(b->intro_page > 0 ? b->intro_page : 1);   /* the render clamps it */
        return 0;
    case AL_KEY_PGUP: {
        size_t page = (size_t)(b->intro_page > 0 ? b->intro_page : 1);
        b->intro_scroll = b->intro_scroll > page ? b->intro_scroll - page : 0;
        return 0;
    }
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
