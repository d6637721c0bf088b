/* render_reflow.c — Markdown paragraphs joined into lines (see render_reflow.h).
 *
 * One pass over the lines with three facts: inside a fenced block or not,
 * which logical line is open (a paragraph or a list item, which the next
 * plain line joins), and whether the last line was blank (an indented line
 * after a blank one is code; after text it only continues the text).
 */
#include "render_reflow.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct out_buf {
    char *data;
    size_t len, cap;
} out_buf;

static int put(out_buf *o, const char *s, size_t n) {
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 256;
        while (cap < o->len + n + 1) cap *= 2;
        char *d = realloc(o->data, cap);
        if (!d) return -1;
        o->data = d;
        o->cap = cap;
    }
    memcpy(o->data + o->len, s, n);
    o->len += n;
    o->data[o->len] = '\0';
    return 0;
}

enum { OPEN_NONE, OPEN_PARAGRAPH, OPEN_ITEM };

typedef struct reflow {
    out_buf out;
    int open;          /* the last output line is still being joined */
    int in_fence;
    char fence;        /* '`' or '~' */
    int after_blank;
} reflow;

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* The line's indentation in columns (a tab counts 4), and where its text starts. */
static size_t indent_of(const char *s, size_t n, const char **rest) {
    size_t cols = 0, i = 0;
    for (; i < n && is_blank(s[i]); i++) cols += s[i] == '\t' ? 4 - cols % 4 : 1;
    *rest = s + i;
    return cols;
}

static int starts_fence(const char *r, const char *end, char *which) {
    if (end - r >= 3 && (r[0] == '`' || r[0] == '~') && r[1] == r[0] && r[2] == r[0]) {
        *which = r[0];
        return 1;
    }
    return 0;
}

static int is_list_item(const char *r, const char *end) {
    if (r < end && (*r == '-' || *r == '*' || *r == '+')) return r + 1 == end || is_blank(r[1]);
    const char *d = r;
    while (d < end && d - r < 9 && *d >= '0' && *d <= '9') d++;
    if (d == r || d >= end || (*d != '.' && *d != ')')) return 0;
    return d + 1 == end || is_blank(d[1]);
}

/* "---", "***", "___", spaces allowed between. */
static int is_rule(const char *r, const char *end) {
    if (r == end || (*r != '-' && *r != '*' && *r != '_')) return 0;
    int n = 0;
    for (const char *p = r; p < end; p++) {
        if (*p == *r) n++;
        else if (!is_blank(*p)) return 0;
    }
    return n >= 3;
}

/* A line that stands alone: it interrupts a paragraph and is never joined. */
static int stands_alone(const char *r, const char *end) {
    char f;
    return r < end && (*r == '#' || *r == '|' || *r == '>' || *r == '<' || is_rule(r, end) ||
                       starts_fence(r, end, &f));
}

static int close_line(reflow *f) {
    if (f->open == OPEN_NONE) return 0;
    f->open = OPEN_NONE;
    return put(&f->out, "\n", 1);
}

static int whole_line(reflow *f, const char *s, size_t n) {
    if (close_line(f) < 0) return -1;
    return put(&f->out, s, n) < 0 || put(&f->out, "\n", 1) < 0 ? -1 : 0;
}

/* Add text to the open line (or open one); a hard break at its end closes it. */
static int join(reflow *f, const char *s, size_t n, int kind) {
    int hard = (n >= 2 && s[n - 1] == ' ' && s[n - 2] == ' ') || (n >= 1 && s[n - 1] == '\\');
    if (n >= 1 && s[n - 1] == '\\') n--;
    while (n > 0 && is_blank(s[n - 1])) n--;
    if (f->open != OPEN_NONE) {
        while (n > 0 && is_blank(*s)) s++, n--;
        if (put(&f->out, " ", 1) < 0) return -1;
    } else {
        f->open = kind;
    }
    if (put(&f->out, s, n) < 0) return -1;
    return hard ? close_line(f) : 0;
}

static int line(reflow *f, const char *s, size_t n) {
    const char *rest, *end = s + n;
    size_t indent = indent_of(s, n, &rest);
    char which;
    int blank_before = f->after_blank;
    f->after_blank = rest == end;
    if (f->in_fence) {
        if (starts_fence(rest, end, &which) && which == f->fence) f->in_fence = 0;
        return whole_line(f, s, n);
    }
    if (starts_fence(rest, end, &which)) {
        f->in_fence = 1;
        f->fence = which;
        return whole_line(f, s, n);
    }
    if (rest == end) return whole_line(f, "", 0);
    if (stands_alone(rest, end)) return whole_line(f, s, n);
    if (is_list_item(rest, end)) {
        if (close_line(f) < 0) return -1;
        return join(f, s, n, OPEN_ITEM);
    }
    if (f->open != OPEN_NONE) return join(f, s, n, f->open);
    if (indent >= 4 && blank_before) return whole_line(f, s, n);   /* indented code */
    return join(f, s, n, OPEN_PARAGRAPH);
}

char *al_reflow_markdown(const char *text, size_t len, size_t *out_len) {
    reflow f = {{NULL, 0, 0}, OPEN_NONE, 0, 0, 1};
    if (put(&f.out, "", 0) < 0) goto nomem;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        size_t n = (size_t)(e - p);
        if (n > 0 && p[n - 1] == '\r') n--;
        if (line(&f, p, n) < 0) goto nomem;
        p = nl ? nl + 1 : end;
    }
    if (close_line(&f) < 0) goto nomem;
    if (out_len) *out_len = f.out.len;
    return f.out.data;
nomem:
    free(f.out.data);
    errno = ENOMEM;
    return NULL;
}

int al_reflow_hang(const char *line) {
    const char *rest, *end = line + strlen(line);
    size_t indent = indent_of(line, (size_t)(end - line), &rest);
    if (!is_list_item(rest, end)) return 0;
    const char *m = rest;
    while (m < end && !is_blank(*m)) m++;   /* the marker: "-", "10." */
    while (m < end && is_blank(*m)) m++;
    return (int)(indent + (size_t)(m - rest));
}
