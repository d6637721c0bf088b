/* view_lines.c — program output and notes as lines (see view_lines.h).
 *
 * The output of a lesson's demo is written for a terminal: it may redraw a
 * line with '\r', colour itself with escape sequences, indent with tabs.
 * The output panel is not a terminal emulator, so we keep the text and drop
 * the rest: what a person would read if they piped the output to a file and
 * opened it in an editor.
 */
#include "view_lines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_reflow.h"
#include "view_cells.h"

#define TAB_WIDTH 8

void al_lines_init(al_lines *l, size_t cap) {
    memset(l, 0, sizeof *l);
    l->cap = cap ? cap : 1;
}

void al_lines_free(al_lines *l) {
    if (l->line)
        for (size_t i = 0; i < l->n; i++) free(l->line[(l->first + i) % l->cap]);
    free(l->line);
    free(l->cur);
    memset(l, 0, sizeof *l);
}

size_t al_lines_count(const al_lines *l) { return l->n; }

const char *al_lines_get(const al_lines *l, size_t i) {
    if (i >= l->n) return NULL;
    return l->line[(l->first + i) % l->cap];
}

/* Put a copy of text in the ring: in the last slot if `replace`, else in a
 * new one (dropping the oldest line when full). */
static int store(al_lines *l, const char *text, size_t len, int replace) {
    if (!l->line) {
        l->line = calloc(l->cap, sizeof *l->line);
        if (!l->line) return -ENOMEM;
    }
    char *copy = malloc(len + 1);
    if (!copy) return -ENOMEM;
    memcpy(copy, text, len);
    copy[len] = '\0';
    if (replace && l->n > 0) {
        size_t last = (l->first + l->n - 1) % l->cap;
        free(l->line[last]);
        l->line[last] = copy;
        return 0;
    }
    if (l->n == l->cap) {
        free(l->line[l->first]);
        l->line[l->first] = NULL;
        l->first = (l->first + 1) % l->cap;
        l->n--;
    }
    l->line[(l->first + l->n) % l->cap] = copy;
    l->n++;
    return 0;
}

int al_lines_add(al_lines *l, const char *text, size_t len) {
    int rc = al_lines_flush(l);
    if (rc < 0) return rc;
    rc = store(l, text, len, 0);
    if (rc == 0) l->total++;
    return rc;
}

static int cur_push(al_lines *l, char ch) {
    if (l->cur_len + 1 >= l->cur_cap) {
        size_t cap = l->cur_cap ? l->cur_cap * 2 : 128;
        char *bigger = realloc(l->cur, cap);
        if (!bigger) return -ENOMEM;
        l->cur = bigger;
        l->cur_cap = cap;
    }
    l->cur[l->cur_len++] = ch;
    return 0;
}

/* Show the partial line as it stands. */
static int show_partial(al_lines *l) {
    if (l->cur_len == 0 && !l->cur_shown) return 0;
    int rc = store(l, l->cur ? l->cur : "", l->cur_len, l->cur_shown);
    if (rc == 0) l->cur_shown = 1;
    return rc;
}

static int end_line(al_lines *l) {
    int rc = store(l, l->cur ? l->cur : "", l->cur_len, l->cur_shown);
    if (rc < 0) return rc;
    l->total++;
    l->cur_len = 0;
    l->cur_shown = 0;
    return 0;
}

int al_lines_flush(al_lines *l) {
    if (l->cur_len == 0 && !l->cur_shown) return 0;
    return end_line(l);
}

/* Columns in the partial line so far, for tab stops (UTF-8 aware). */
static size_t cur_columns(const al_lines *l) {
    const char *s = l->cur, *end = l->cur + l->cur_len;
    size_t cols = 0;
    while (s < end) cols += (size_t)al_char_width(al_utf8_next(&s, end));
    return cols;
}

int al_lines_feed(al_lines *l, const char *bytes, size_t len) {
    int rc = 0;
    for (size_t i = 0; i < len && rc == 0; i++) {
        unsigned char b = (unsigned char)bytes[i];
        /* Escape sequences: ESC [ ... final (CSI), ESC ] ... BEL or ESC \ (OSC),
         * ESC + one byte (the rest). None of it is text. */
        if (l->esc == 1) {
            l->esc = b == '[' ? 2 : b == ']' || b == 'P' || b == '_' ? 3 : 0;
            continue;
        }
        if (l->esc == 2) {
            if (b >= 0x40 && b <= 0x7E) l->esc = 0;
            continue;
        }
        if (l->esc == 3) {
            if (b == 0x07 || b == 0x1B) l->esc = b == 0x1B ? 1 : 0;
            continue;
        }
        if (l->cr && b != '\r') {
            l->cr = 0;
            if (b != '\n') l->cur_len = 0;
        }
        switch (b) {
        case 0x1B:
            l->esc = 1;
            break;
        case '\n':
            rc = end_line(l);
            break;
        case '\r':
            /* "\r\n" ends a line; a lone '\r' starts it over (progress
             * bars). Which one it is shows with the next byte, which may
             * come in the next read. */
            l->cr = 1;
            break;
        case '\t':
            do rc = cur_push(l, ' ');
            while (rc == 0 && cur_columns(l) % TAB_WIDTH != 0);
            break;
        case '\b':
            if (l->cur_len > 0) l->cur_len--;
            break;
        default:
            if (b < 0x20 || b == 0x7F) break;   /* other controls: bells, NULs */
            rc = cur_push(l, (char)b);
        }
    }
    if (rc == 0) rc = show_partial(l);
    return rc;
}

int al_lines_load(al_lines *l, const char *path) {
    FILE *fp = fopen(path, "r");
    if (!fp) return -errno;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, fp)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
        rc = al_lines_feed(l, line, (size_t)n);
        if (rc == 0) rc = end_line(l);
    }
    free(line);
    fclose(fp);
    return rc;
}

/* The whole file at path into *text (malloc'd, *size bytes): 0 or -errno. */
static int read_whole(const char *path, char **text, size_t *size) {
    *text = NULL;
    *size = 0;
    FILE *fp = fopen(path, "r");
    if (!fp) return -errno;
    FILE *mem = open_memstream(text, size);
    if (!mem) {
        fclose(fp);
        return -ENOMEM;
    }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) fwrite(buf, 1, n, mem);
    int rc = ferror(fp) ? -EIO : 0;
    fclose(fp);
    if (fclose(mem) != 0 && rc == 0) rc = -ENOMEM;
    return rc;
}

int al_lines_load_markdown(al_lines *l, const char *path) {
    char *text;
    size_t size, n;
    int rc = read_whole(path, &text, &size);
    char *flowed = rc == 0 ? al_reflow_markdown(text, size, &n) : NULL;
    if (rc == 0 && !flowed) rc = -ENOMEM;
    if (rc == 0) rc = al_lines_feed(l, flowed, n);
    if (rc == 0) rc = al_lines_flush(l);
    free(text);
    free(flowed);
    return rc;
}

struct centred {
    al_cells *c;
    al_rect r;
    int y, style;
};

static void centre_piece(void *arg, const char *start, size_t len) {
    struct centred *k = arg;
    char piece[512];
    if (len >= sizeof piece) len = sizeof piece - 1;
    memcpy(piece, start, len);
    piece[len] = '\0';
    int w = al_text_width(piece, k->c->ascii);
    int x = k->r.x + (w < k->r.w ? (k->r.w - w) / 2 : 0);
    al_cells_text(k->c, x, k->y++, k->r.x + k->r.w - x, piece, k->style, 0, 0);
}

void al_wrap_centred(al_cells *c, al_rect r, int *y, const char *text, int width, int style) {
    struct centred k = {c, r, *y, style};
    al_wrap(text, width, c->ascii, centre_piece, &k);
    *y = k.y;
}

size_t al_wrap(const char *text, int width, int ascii,
               void (*emit)(void *arg, const char *start, size_t len), void *arg) {
    if (width < 1) width = 1;
    const char *end = text + strlen(text);
    const char *s = text;
    size_t pieces = 0;
    if (s == end) {
        if (emit) emit(arg, s, 0);
        return 1;
    }
    while (s < end) {
        /* Take characters while they fit; remember the last space seen. */
        const char *p = s, *brk = NULL;
        int cols = 0;
        while (p < end) {
            const char *q = p;
            uint32_t ch = al_utf8_next(&q, end);
            int w = ascii && ch >= 0x80 ? 1 : al_char_width(ch);
            if (cols + w > width) break;
            cols += w;
            if (ch == ' ') brk = p;
            p = q;
        }
        const char *cut = p;
        if (p < end && brk && brk > s) cut = brk;   /* break at the last space */
        if (cut == s) cut = p > s ? p : s + 1;      /* nothing fits: force progress */
        if (emit) emit(arg, s, (size_t)(cut - s));
        pieces++;
        s = cut;
        if (cut == brk)
            while (s < end && *s == ' ') s++;   /* the spaces we broke at */
    }
    return pieces;
}
