/* view_cells.c — the cell grid every panel draws into (see view_cells.h).
 *
 * Nothing here knows about ncurses or about traces: it is a rectangle of
 * characters with a style each, plus the UTF-8 and width rules the terminal
 * follows, so that a golden text file and the terminal agree cell for cell.
 */
#include "view_cells.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLACEMENT 0xFFFDu

void al_cells_init(al_cells *c) { memset(c, 0, sizeof *c); }

void al_cells_free(al_cells *c) {
    free(c->cell);
    memset(c, 0, sizeof *c);
}

int al_cells_resize(al_cells *c, int w, int h) {
    if (w < 0) w = 0;
    if (h < 0) h = 0;
    if (w != c->w || h != c->h) {
        size_t n = (size_t)w * (size_t)h;
        al_cell *cells = malloc((n ? n : 1) * sizeof *cells);
        if (!cells) return -ENOMEM;
        free(c->cell);
        c->cell = cells;
        c->w = w;
        c->h = h;
    }
    al_cells_clear(c);
    return 0;
}

void al_cells_clip_all(al_cells *c) { c->clip = (al_rect){0, 0, c->w, c->h}; }

void al_cells_clear(al_cells *c) {
    size_t n = (size_t)c->w * (size_t)c->h;
    for (size_t i = 0; i < n; i++) c->cell[i] = (al_cell){' ', AL_ST_NORMAL, 0};
    al_cells_clip_all(c);
}

void al_cells_clip(al_cells *c, al_rect r) {
    int x0 = r.x < 0 ? 0 : r.x, y0 = r.y < 0 ? 0 : r.y;
    int x1 = r.x + r.w > c->w ? c->w : r.x + r.w;
    int y1 = r.y + r.h > c->h ? c->h : r.y + r.h;
    c->clip = (al_rect){x0, y0, x1 > x0 ? x1 - x0 : 0, y1 > y0 ? y1 - y0 : 0};
}

static int inside(const al_cells *c, int x, int y) {
    return x >= c->clip.x && x < c->clip.x + c->clip.w && y >= c->clip.y &&
           y < c->clip.y + c->clip.h;
}

al_cell *al_cells_at(al_cells *c, int x, int y) {
    if (x < 0 || y < 0 || x >= c->w || y >= c->h) return NULL;
    return &c->cell[(size_t)y * (size_t)c->w + (size_t)x];
}

/* ---- Unicode: just enough of it --------------------------------------------
 * The terminal decides how wide a character is (wcwidth); we must agree with
 * it or every later cell of the row shifts. The tables below are the usual
 * ranges (combining marks: 0, East Asian wide and emoji: 2), which is what
 * glibc's wcwidth says for the characters a task name or a log line
 * realistically holds. */

static int in_ranges(uint32_t ch, const uint32_t (*r)[2], size_t n) {
    for (size_t i = 0; i < n; i++)
        if (ch >= r[i][0] && ch <= r[i][1]) return 1;
    return 0;
}

int al_char_width(uint32_t ch) {
    static const uint32_t zero[][2] = {
        {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A},
        {0x064B, 0x065F}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x1AB0, 0x1AFF},
        {0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
        {0xFE20, 0xFE2F}, {0xE0100, 0xE01EF},
    };
    static const uint32_t wide[][2] = {
        {0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF},
        {0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF},
        {0xFE30, 0xFE4F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F},
        {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
    };
    if (ch < 0x300) return 1;
    if (in_ranges(ch, zero, sizeof zero / sizeof zero[0])) return 0;
    if (in_ranges(ch, wide, sizeof wide / sizeof wide[0])) return 2;
    return 1;
}

uint32_t al_utf8_next(const char **sp, const char *end) {
    const unsigned char *s = (const unsigned char *)*sp;
    unsigned char b = s[0];
    int len;
    uint32_t ch, min;
    if (b < 0x80) {
        *sp += 1;
        return b;
    } else if (b >= 0xC2 && b <= 0xDF) {
        len = 2, ch = b & 0x1F, min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3, ch = b & 0x0F, min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4, ch = b & 0x07, min = 0x10000;
    } else {
        *sp += 1;
        return REPLACEMENT;
    }
    if ((const char *)s + len > end) {
        *sp += 1;
        return REPLACEMENT;
    }
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *sp += 1;
            return REPLACEMENT;
        }
        ch = ch << 6 | (s[i] & 0x3F);
    }
    if (ch < min || ch > 0x10FFFF || (ch >= 0xD800 && ch <= 0xDFFF)) {
        *sp += 1;
        return REPLACEMENT;
    }
    *sp += len;
    return ch;
}

/* What is actually drawn for ch, and how wide it is. */
static uint32_t shown(uint32_t ch, int ascii, int *width) {
    if (ch < 0x20 || ch == 0x7F || (ch >= 0x80 && ch < 0xA0)) {
        *width = 1;
        return '?';
    }
    int w = al_char_width(ch);
    if (ascii && ch >= 0x80) {
        *width = w == 0 ? 0 : 1;
        return '?';
    }
    *width = w;
    return ch;
}

static void set(al_cells *c, int x, int y, uint32_t ch, int style, int flags) {
    if (!inside(c, x, y)) return;
    al_cell *cell = al_cells_at(c, x, y);
    /* Overwriting half of a wide character leaves a blank in the other half. */
    if (cell->flags & AL_CELL_WIDE_TAIL) {
        al_cell *head = al_cells_at(c, x - 1, y);
        if (head) head->ch = ' ';
    } else if (x + 1 < c->w && (cell[1].flags & AL_CELL_WIDE_TAIL)) {
        cell[1] = (al_cell){' ', cell[1].style, (uint8_t)(cell[1].flags & ~AL_CELL_WIDE_TAIL)};
    }
    *cell = (al_cell){ch, (uint8_t)style, (uint8_t)flags};
}

/* Draw one (already translated) character; returns the columns used. */
static int put_shown(al_cells *c, int x, int y, uint32_t ch, int w, int style, int flags) {
    if (w == 0) return 0;
    if (w == 2) {
        /* A wide character that would be cut by the clip edge is shown as
         * one blank instead of half a glyph. */
        if (!inside(c, x + 1, y)) {
            set(c, x, y, ' ', style, flags);
            return 1;
        }
        set(c, x, y, ch, style, flags);
        set(c, x + 1, y, ' ', style, flags | AL_CELL_WIDE_TAIL);
        return 2;
    }
    set(c, x, y, ch, style, flags);
    return 1;
}

void al_cells_put(al_cells *c, int x, int y, uint32_t ch, int style, int flags) {
    int w;
    uint32_t s = shown(ch, c->ascii, &w);
    put_shown(c, x, y, s, w, style, flags);
}

int al_text_width(const char *s, int ascii) {
    const char *end = s + strlen(s);
    int cols = 0, w;
    while (s < end) {
        shown(al_utf8_next(&s, end), ascii, &w);
        cols += w;
    }
    return cols;
}

int al_cells_text(al_cells *c, int x, int y, int maxw, const char *s, int style, int flags,
                  int ellipsis) {
    if (!s) return 0;
    if (maxw < 0) maxw = c->clip.x + c->clip.w - x;
    if (maxw <= 0) return 0;
    const char *end = s + strlen(s);
    int cols = 0;
    int fits = !ellipsis || al_text_width(s, c->ascii) <= maxw;
    int limit = fits ? maxw : maxw - 1;
    while (s < end) {
        int w;
        uint32_t ch = shown(al_utf8_next(&s, end), c->ascii, &w);
        if (cols + w > limit) break;
        cols += put_shown(c, x + cols, y, ch, w, style, flags);
    }
    if (!fits) cols += put_shown(c, x + cols, y, c->ascii ? '~' : 0x2026, 1, style, flags);
    return cols;
}

int al_cells_textf(al_cells *c, int x, int y, int maxw, int style, int flags, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return al_cells_text(c, x, y, maxw, buf, style, flags, 1);
}

void al_cells_fill(al_cells *c, al_rect r, uint32_t ch, int style, int flags) {
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++) al_cells_put(c, x, y, ch, style, flags);
}

void al_cells_restyle(al_cells *c, al_rect r, int style, int flags) {
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++) {
            if (!inside(c, x, y)) continue;
            al_cell *cell = al_cells_at(c, x, y);
            cell->style = (uint8_t)style;
            cell->flags = (uint8_t)((cell->flags & AL_CELL_WIDE_TAIL) | flags);
        }
}

void al_cells_box(al_cells *c, al_rect r, const char *title, int style) {
    if (r.w < 2 || r.h < 2) return;
    int a = c->ascii;
    uint32_t hz = a ? '-' : 0x2500, vt = a ? '|' : 0x2502;
    int x1 = r.x + r.w - 1, y1 = r.y + r.h - 1;
    for (int x = r.x + 1; x < x1; x++) {
        al_cells_put(c, x, r.y, hz, style, 0);
        al_cells_put(c, x, y1, hz, style, 0);
    }
    for (int y = r.y + 1; y < y1; y++) {
        al_cells_put(c, r.x, y, vt, style, 0);
        al_cells_put(c, x1, y, vt, style, 0);
    }
    al_cells_put(c, r.x, r.y, a ? '+' : 0x250C, style, 0);
    al_cells_put(c, x1, r.y, a ? '+' : 0x2510, style, 0);
    al_cells_put(c, r.x, y1, a ? '+' : 0x2514, style, 0);
    al_cells_put(c, x1, y1, a ? '+' : 0x2518, style, 0);
    if (title && *title && r.w > 6) {
        al_cells_put(c, r.x + 1, r.y, ' ', style, 0);
        int n = al_cells_text(c, r.x + 2, r.y, r.w - 5, title, style, AL_CELL_BOLD, 1);
        al_cells_put(c, r.x + 2 + n, r.y, ' ', style, 0);
    }
}

/* ---- text dumps, for golden files ----------------------------------------- */

static size_t put_utf8(char *out, uint32_t ch) {
    if (ch < 0x80) {
        out[0] = (char)ch;
        return 1;
    } else if (ch < 0x800) {
        out[0] = (char)(0xC0 | ch >> 6);
        out[1] = (char)(0x80 | (ch & 0x3F));
        return 2;
    } else if (ch < 0x10000) {
        out[0] = (char)(0xE0 | ch >> 12);
        out[1] = (char)(0x80 | (ch >> 6 & 0x3F));
        out[2] = (char)(0x80 | (ch & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | ch >> 18);
    out[1] = (char)(0x80 | (ch >> 12 & 0x3F));
    out[2] = (char)(0x80 | (ch >> 6 & 0x3F));
    out[3] = (char)(0x80 | (ch & 0x3F));
    return 4;
}

char *al_cells_dump(const al_cells *c) {
    char *out = malloc((size_t)c->w * (size_t)c->h * 4 + (size_t)c->h + 1);
    if (!out) return NULL;
    size_t n = 0;
    for (int y = 0; y < c->h; y++) {
        size_t keep = n;
        for (int x = 0; x < c->w; x++) {
            const al_cell *cell = &c->cell[(size_t)y * (size_t)c->w + (size_t)x];
            if (cell->flags & AL_CELL_WIDE_TAIL) continue;
            n += put_utf8(out + n, cell->ch);
            if (cell->ch != ' ') keep = n;
        }
        n = keep;
        out[n++] = '\n';
    }
    out[n] = '\0';
    return out;
}

char al_cells_style_letter(int style) {
    /* n normal, d dim, t title, f focus, b bar, k key, r running, y ready,
     * w waiting, p polling, o done, c cancelled, x failed, s slow, @ now,
     * e error, a warning, g good */
    static const char letters[AL_ST_COUNT + 1] = "ndtfbkrywpocxs@eag";
    return style >= 0 && style < AL_ST_COUNT ? letters[style] : '?';
}

char *al_cells_dump_styles(const al_cells *c) {
    char *out = malloc((size_t)c->w * (size_t)c->h + (size_t)c->h + 1);
    if (!out) return NULL;
    size_t n = 0;
    for (int y = 0; y < c->h; y++) {
        for (int x = 0; x < c->w; x++) {
            const al_cell *cell = &c->cell[(size_t)y * (size_t)c->w + (size_t)x];
            char l = al_cells_style_letter(cell->style);
            if (cell->flags & AL_CELL_REVERSE && l >= 'a' && l <= 'z') l = (char)(l - 'a' + 'A');
            out[n++] = l;
        }
        out[n++] = '\n';
    }
    out[n] = '\0';
    return out;
}
