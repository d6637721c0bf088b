/* view_term.c — the ncurses driver (see view_term.h).
 *
 * ncurses only ever sees finished frames: the viewer renders a whole cell
 * grid, we compare it row by row with the last one drawn and hand ncurses
 * the rows that changed. Its own optimiser then sends the terminal the
 * fewest bytes. So an idle frame costs a few memcmp calls and no output.
 */
#define NCURSES_WIDECHAR 1
#include "view_term.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "view.h"
#include "view_signals.h"

static SCREEN *screen;
static int is_open, registered, colors;
static al_cells shown;           /* what the terminal shows now */
static int invalid = 1;

static attr_t style_attr[AL_ST_COUNT];
static short style_pair[AL_ST_COUNT];

/* Meanings to looks. With colour: a foreground colour per state on the
 * terminal's own background. Without (NO_COLOR, or a terminal without
 * colours): attributes only; the glyphs still tell the states apart. */
static void setup_styles(int use_color) {
    static const struct { int style; short fg; attr_t attr, plain; } looks[] = {
        {AL_ST_DIM, -1, A_DIM, A_DIM},
        {AL_ST_TITLE, -1, A_BOLD, A_BOLD},
        {AL_ST_FOCUS, COLOR_YELLOW, A_BOLD, A_BOLD | A_UNDERLINE},
        {AL_ST_KEY, COLOR_CYAN, A_BOLD, A_BOLD},
        {AL_ST_RUNNING, COLOR_GREEN, A_BOLD, A_BOLD},
        {AL_ST_READY, COLOR_YELLOW, 0, 0},
        {AL_ST_WAITING, COLOR_CYAN, 0, 0},
        {AL_ST_POLLING, COLOR_BLUE, 0, A_DIM},
        {AL_ST_DONE, COLOR_GREEN, 0, 0},
        {AL_ST_CANCELLED, COLOR_MAGENTA, 0, 0},
        {AL_ST_FAILED, COLOR_RED, A_BOLD, A_BOLD | A_UNDERLINE},
        {AL_ST_SLOW, COLOR_RED, A_BOLD, A_BOLD},
        {AL_ST_NOW, COLOR_YELLOW, A_BOLD, A_BOLD},
        {AL_ST_ERROR, COLOR_RED, A_BOLD, A_BOLD},
        {AL_ST_WARN, COLOR_YELLOW, A_BOLD, A_BOLD},
        {AL_ST_GOOD, COLOR_GREEN, 0, 0},
    };
    memset(style_attr, 0, sizeof style_attr);
    memset(style_pair, 0, sizeof style_pair);
    short next_pair = 1;
    for (size_t i = 0; i < sizeof looks / sizeof looks[0]; i++) {
        int s = looks[i].style;
        style_attr[s] = use_color ? looks[i].attr : looks[i].plain;
        if (use_color && looks[i].fg >= 0 && next_pair < COLOR_PAIRS) {
            init_pair(next_pair, looks[i].fg, -1);
            style_pair[s] = next_pair++;
        }
    }
}

int al_term_open(const al_term_options *o, int *ascii_out, char *err, size_t errsize) {
    if (is_open) return 0;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        snprintf(err, errsize, "the viewer needs a terminal (stdin and stdout are not one)");
        return -ENOTTY;
    }
    const char *term = getenv("TERM");
    if (!term || !*term) {
        snprintf(err, errsize, "TERM is not set: the viewer does not know this terminal");
        return -ENOTTY;
    }
    int utf8 = setlocale(LC_ALL, "") && strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    *ascii_out = o->ascii || !utf8;
    int rc = al_signals_install();
    if (rc < 0) {
        snprintf(err, errsize, "cannot set up signals: %s", strerror(-rc));
        return rc;
    }
    screen = newterm(NULL, stdout, stdin);
    if (!screen) {
        al_signals_restore();
        snprintf(err, errsize, "cannot use the terminal type '%s'", term);
        return -ENOTTY;
    }
    set_term(screen);
    is_open = 1;
    if (!registered) {
        atexit(al_term_close);
        registered = 1;
    }
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    const char *no_color = getenv("NO_COLOR");
    colors = !o->no_color && !(no_color && *no_color) && has_colors();
    if (colors) {
        start_color();
        use_default_colors();
    }
    setup_styles(colors);
    al_signals_chain_winch();
    invalid = 1;
    return 0;
}

int al_term_is_open(void) { return is_open; }

void al_term_close(void) {
    if (!is_open) return;
    is_open = 0;
    curs_set(1);
    endwin();
    fflush(stdout);
    delscreen(screen);
    screen = NULL;
    al_cells_free(&shown);
    al_signals_restore();
}

void al_term_size(int *w, int *h) {
    int y, x;
    getmaxyx(stdscr, y, x);
    *w = x;
    *h = y;
}

void al_term_invalidate(void) { invalid = 1; }

static void draw_row(const al_cells *c, int y) {
    for (int x = 0; x < c->w; x++) {
        const al_cell *cell = &c->cell[(size_t)y * (size_t)c->w + (size_t)x];
        if (cell->flags & AL_CELL_WIDE_TAIL) continue;
        attr_t a = style_attr[cell->style < AL_ST_COUNT ? cell->style : 0];
        if (cell->flags & AL_CELL_REVERSE) a |= A_REVERSE;
        if (cell->flags & AL_CELL_BOLD) a |= A_BOLD;
        if (cell->flags & AL_CELL_UNDERLINE) a |= A_UNDERLINE;
        wchar_t wc[2] = {(wchar_t)cell->ch, 0};
        cchar_t cc;
        setcchar(&cc, wc, a, colors ? style_pair[cell->style < AL_ST_COUNT ? cell->style : 0] : 0, NULL);
        mvadd_wch(y, x, &cc);   /* the bottom-right cell "fails" (no scroll): harmless */
    }
}

void al_term_draw(const al_cells *c) {
    if (!is_open) return;
    if (shown.w != c->w || shown.h != c->h) {
        if (al_cells_resize(&shown, c->w, c->h) < 0) return;
        invalid = 1;
    }
    if (invalid) clearok(curscr, TRUE);
    size_t row_bytes = (size_t)c->w * sizeof *c->cell;
    for (int y = 0; y < c->h; y++) {
        al_cell *was = &shown.cell[(size_t)y * (size_t)c->w];
        const al_cell *now = &c->cell[(size_t)y * (size_t)c->w];
        if (!invalid && memcmp(was, now, row_bytes) == 0) continue;
        draw_row(c, y);
        memcpy(was, now, row_bytes);
    }
    invalid = 0;
    refresh();
}

int al_term_key(void) {
    if (!is_open) return -1;
    wint_t wch;
    int rc = get_wch(&wch);
    if (rc == ERR) return -1;
    if (rc == KEY_CODE_YES) {
        switch (wch) {
        case KEY_UP: return AL_KEY_UP;
        case KEY_DOWN: return AL_KEY_DOWN;
        case KEY_LEFT: return AL_KEY_LEFT;
        case KEY_RIGHT: return AL_KEY_RIGHT;
        case KEY_PPAGE: return AL_KEY_PGUP;
        case KEY_NPAGE: return AL_KEY_PGDN;
        case KEY_HOME: return AL_KEY_HOME;
        case KEY_END: return AL_KEY_END;
        case KEY_ENTER: return AL_KEY_ENTER;
        case KEY_BTAB: return AL_KEY_BTAB;
        case KEY_BACKSPACE: return AL_KEY_BACKSPACE;
        case KEY_RESIZE:
            invalid = 1;
            return AL_KEY_RESIZE;
        default: return -2;   /* a key we do not use */
        }
    }
    switch (wch) {
    case '\r': case '\n': return AL_KEY_ENTER;
    case '\t': return AL_KEY_TAB;
    case 27: return AL_KEY_ESC;
    case 127: case 8: return AL_KEY_BACKSPACE;
    case 12:                      /* Ctrl-L: repaint */
        invalid = 1;
        return AL_KEY_RESIZE;
    default: return (int)wch;
    }
}
