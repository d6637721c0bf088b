/* render_text.c — the timeline as plain text (contract: render_text.h).
 *
 *   coroutines · epoll backend · virtual clock · 4 tasks
 *                0.0 s     0.2 s     0.4 s     0.6 s     0.8 s     1.0 s
 *                ┼─────────┼─────────┼─────────┼─────────┼─────────┼
 *   main         █jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj✓
 *    Coroutine 1 █─────────────────────────────────────────────────✓
 *   ...
 *
 * A column is a slice of time; the character in it is the most telling thing
 * the lane did during that slice (an exit beats running beats waiting), so a
 * step that took no time at all on the virtual clock is still seen. The
 * picture is meant for paper and diffs: fixed layout, no trailing blanks, and
 * a legend that names only the glyphs that appear.
 */
#include "render_text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* How telling a column's content is: the higher rank wins the column. */
enum { RANK_EMPTY = 0, RANK_POLLING = 2, RANK_WAITING = 3, RANK_READY = 4, RANK_RUNNING = 5,
       RANK_SLOW = 6, RANK_EXIT = 7 };

enum { WAIT_NONE = 0, WAIT_SLEEP, WAIT_YIELD, WAIT_READ, WAIT_WRITE, WAIT_JOIN, WAIT_FUTURE };

/* ---- glyphs ---------------------------------------------------------------- */

/* Every kind of column, in legend order. */
enum glyph_kind {
    G_RUNNING, G_READY, G_SLEEP, G_READ, G_WRITE, G_JOIN, G_FUTURE, G_YIELD, G_WAITING, G_POLL,
    G_SLOW, G_DONE, G_CANCELLED, G_FAILED, G_COUNT, G_EMPTY = G_COUNT
};

static const struct glyph {
    const char *utf8, *ascii, *color, *words;
} glyphs[G_COUNT + 1] = {
    [G_RUNNING] = {"█", "#", "32", "running"},
    [G_READY] = {"▒", "+", "33", "ready"},
    [G_SLEEP] = {"─", "-", "34", "sleep"},
    [G_READ] = {"r", "r", "36", "read fd"},
    [G_WRITE] = {"w", "w", "36", "write fd"},
    [G_JOIN] = {"j", "j", "35", "join task"},
    [G_FUTURE] = {"f", "f", "35", "future"},
    [G_YIELD] = {"·", ".", "2", "yield"},
    [G_WAITING] = {"~", "~", "2", "waiting"},
    [G_POLL] = {"═", "=", "2", "poll"},
    [G_SLOW] = {"!", "!", "1;31", "slow step (blocked the loop)"},
    [G_DONE] = {"✓", "|", "1", "done"},
    [G_CANCELLED] = {"×", "x", "33", "cancelled"},
    [G_FAILED] = {"✗", "X", "31", "failed"},
    [G_EMPTY] = {" ", " ", "", ""},
};

static enum glyph_kind kind_of(const al_cell *c) {
    switch (c->state) {
    case AL_LANE_RUNNING: return G_RUNNING;
    case AL_LANE_READY: return G_READY;
    case AL_LANE_WAITING:
        switch (c->reason) {
        case WAIT_SLEEP: return G_SLEEP;
        case WAIT_READ: return G_READ;
        case WAIT_WRITE: return G_WRITE;
        case WAIT_JOIN: return G_JOIN;
        case WAIT_FUTURE: return G_FUTURE;
        case WAIT_YIELD: return G_YIELD;
        default: return G_WAITING;
        }
    case AL_LANE_POLLING: return G_POLL;
    case AL_CELL_SLOW: return G_SLOW;
    case AL_LANE_DONE: return G_DONE;
    case AL_LANE_CANCELLED: return G_CANCELLED;
    case AL_LANE_FAILED: return G_FAILED;
    default: return G_EMPTY;
    }
}

const char *al_cell_glyph(const al_cell *c, int ascii) {
    const struct glyph *g = &glyphs[kind_of(c)];
    return ascii ? g->ascii : g->utf8;
}

const char *al_cell_color(const al_cell *c) { return glyphs[kind_of(c)].color; }

/* ---- the time axis -------------------------------------------------------- */

int64_t al_nice_step(int64_t min) {
    if (min <= 1) return 1;
    for (int64_t decade = 1;; decade *= 10) {
        if (decade >= min) return decade;
        if (2 * decade >= min) return 2 * decade;
        if (5 * decade >= min) return 5 * decade;
        if (decade > INT64_MAX / 100) return 10 * decade;   /* beyond any trace */
    }
}

/* Floor division (C's rounds toward zero). */
static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int decimals_for(int64_t step) {
    int d = 6;
    while (d > 0 && step % 10 == 0) {
        step /= 10;
        d--;
    }
    return d;
}

const char *al_time_axis_label(const al_time_axis *axis, int64_t t, char *buf, size_t size) {
    uint64_t mag = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
    uint64_t whole = mag / 1000000, frac = mag % 1000000;
    int d = axis->decimals > 6 ? 6 : axis->decimals;
    if (d <= 0) {
        snprintf(buf, size, "%s%llu s", t < 0 ? "-" : "", (unsigned long long)whole);
    } else {
        for (int i = d; i < 6; i++) frac /= 10;
        snprintf(buf, size, "%s%llu.%0*llu s", t < 0 ? "-" : "", (unsigned long long)whole, d,
                 (unsigned long long)frac);
    }
    return buf;
}

int al_time_axis_fit(int64_t from, int64_t to, int cols, al_time_axis *axis) {
    if (cols < 1 || !axis) return -EINVAL;
    if (to < from) to = from;
    /* the smallest 1-2-5 column width that fits the range */
    int64_t dt = al_nice_step((to - from) / cols + 1);
    int64_t t0;
    for (;;) {
        t0 = floor_div(from, dt) * dt;
        if ((to - t0) / dt + 1 <= cols) break;
        dt = al_nice_step(dt + 1);
    }
    axis->t0 = t0;
    axis->dt = dt;
    axis->ncols = (int)((to - t0) / dt + 1);
    /* ticks: the first 1-2-5 multiple of dt whose labels do not touch */
    int64_t far = (to < 0 ? -to : to) > (t0 < 0 ? -t0 : t0) ? to : t0;
    for (int64_t tick = dt;; tick = al_nice_step(tick + 1)) {
        if (tick % dt) continue;
        axis->tick = tick;
        axis->decimals = decimals_for(tick);
        char label[48];
        int64_t width = (int64_t)strlen(al_time_axis_label(axis, far, label, sizeof label)) + 2;
        if (tick / dt >= width || tick > INT64_MAX / 10) break;
    }
    return 0;
}

const char *al_format_duration(int64_t us, int ascii, char *buf, size_t size) {
    if (us >= 1000000 && us % 1000000 == 0)
        snprintf(buf, size, "%lld s", (long long)(us / 1000000));
    else if (us >= 1000 && us % 1000 == 0)
        snprintf(buf, size, "%lld ms", (long long)(us / 1000));
    else
        snprintf(buf, size, "%lld %s", (long long)us, ascii ? "us" : "µs");
    return buf;
}

/* ---- one lane's columns --------------------------------------------------- */

static int is_final(int state) {
    return state == AL_LANE_DONE || state == AL_LANE_CANCELLED || state == AL_LANE_FAILED;
}

static int rank_of(int state) {
    switch (state) {
    case AL_LANE_RUNNING: return RANK_RUNNING;
    case AL_LANE_READY: return RANK_READY;
    case AL_LANE_WAITING: return RANK_WAITING;
    case AL_LANE_POLLING: return RANK_POLLING;
    default: return RANK_EMPTY;
    }
}

static void offer(al_cell *c, int rank, int state, int reason, int64_t cover) {
    if (rank > c->rank || (rank == c->rank && cover > c->cover)) {
        c->rank = (uint8_t)rank;
        c->state = (uint8_t)state;
        c->reason = (uint8_t)reason;
        c->cover = cover;
    }
}

/* First span index in [lo, n) whose start is >= t. */
static size_t first_starting_at(const al_lane *lane, size_t lo, int64_t t) {
    size_t hi = lane->nspans;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lane->spans[mid].start < t) lo = mid + 1; else hi = mid;
    }
    return lo;
}

void al_lane_cells(const al_lane *lane, int64_t now, int64_t t0, int64_t dt, int ncols,
                   al_cell *out) {
    for (int c = 0; c < ncols; c++)
        out[c] = (al_cell){.state = AL_CELL_EMPTY, .rank = RANK_EMPTY};
    if (ncols <= 0 || dt <= 0 || !lane) return;
    int64_t tend = dt > (INT64_MAX / 4) / ncols ? INT64_MAX / 2 : t0 + dt * ncols;
    size_t n = lane->nspans;
    size_t i = first_starting_at(lane, 0, t0);
    if (i > 0) {
        const al_span *prev = &lane->spans[i - 1];
        int64_t end = prev->end == AL_MODEL_OPEN ? (now > prev->start ? now : prev->start) : prev->end;
        if (end > t0) i--;
    }
    for (; i < n; i++) {
        const al_span *s = &lane->spans[i];
        if (s->start >= tend) break;
        if (is_final(s->state)) {
            int64_t c = (s->start - t0) / dt;
            if (s->start >= t0 && c < ncols) {
                offer(&out[c], RANK_EXIT, s->state, 0, 0);
                out[c].exit = 1;
            }
            continue;
        }
        int64_t end = s->end == AL_MODEL_OPEN ? (now > s->start ? now : s->start) : s->end;
        int64_t from = s->start > t0 ? s->start : t0;
        if ((from - t0) / dt >= ncols) break;
        int c0 = (int)((from - t0) / dt);
        int64_t last = end > s->start ? end - 1 : s->start;
        int c1 = last >= tend || (last - t0) / dt >= ncols ? ncols - 1 : (int)((last - t0) / dt);
        int rank = rank_of(s->state);
        for (int c = c0; c <= c1; c++) {
            int64_t lo = t0 + (int64_t)c * dt, hi = lo + dt;
            int64_t cover = (end < hi ? end : hi) - (s->start > lo ? s->start : lo);
            offer(&out[c], rank, s->state, s->reason, cover > 0 ? cover : 0);
        }
        /* Many spans in one column that already shows running: skip to the
         * last span starting in it (the only one that may reach further,
         * or be the exit), as nothing in between can change the column. */
        if (c0 == c1 && out[c0].rank >= RANK_RUNNING && i + 2 < n) {
            size_t j = first_starting_at(lane, i + 1, t0 + (int64_t)(c0 + 1) * dt);
            if (j >= i + 3) i = j - 2;
        }
    }
    for (size_t k = 0; k < lane->nmarks; k++) {
        const al_mark *mk = &lane->marks[k];
        if (mk->type != AL_EV_SLOW || mk->t < t0 || mk->t >= tend || (mk->t - t0) / dt >= ncols)
            continue;
        offer(&out[(mk->t - t0) / dt], RANK_SLOW, AL_CELL_SLOW, 0, 0);
    }
}

/* ---- writing ---------------------------------------------------------------- */

/* Columns a string takes: one per code point (the model's strings are valid
 * UTF-8). */
static size_t display_width(const char *s) {
    size_t w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
}

/* Write at most `cols` columns of the first `len` bytes of s; in ASCII mode
 * other code points become '?'. Returns the bytes used; *written gets the
 * columns. */
static size_t put_cols(FILE *out, const char *s, size_t len, size_t cols, int ascii, size_t *written) {
    size_t used = 0, w = 0;
    while (used < len && w < cols) {
        unsigned char c = (unsigned char)s[used];
        size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if (n > len - used) n = len - used;
        if (ascii && n > 1) fputc('?', out); else fwrite(s + used, 1, n, out);
        used += n;
        w++;
    }
    if (written) *written = w;
    return used;
}

static size_t put_text(FILE *out, const char *s, size_t cols, int ascii) {
    size_t w;
    put_cols(out, s, strlen(s), cols, ascii, &w);
    return w;
}

/* A label cut to `cols` columns, ending in an ellipsis when cut. */
static void put_label(FILE *out, const char *label, size_t indent, size_t cols, int ascii) {
    size_t w = 0;
    for (; w < indent && w < cols; w++) fputc(' ', out);
    size_t room = cols - w;
    size_t len = display_width(label);
    if (len <= room) {
        w += put_text(out, label, room, ascii);
    } else if (room > 0) {
        w += put_text(out, label, room - 1, ascii);
        fputs(ascii ? "~" : "…", out);
        w++;
    }
    for (; w < cols; w++) fputc(' ', out);
}

/* The label row and the tick row, aligned with the lanes' columns. */
static void axis_rows(const al_time_axis *ax, size_t labelw, int cols, int ascii, FILE *out) {
    char *row = malloc((size_t)cols + 1);
    if (!row) return;
    memset(row, ' ', (size_t)cols);
    int64_t first = floor_div(ax->t0 + ax->tick - 1, ax->tick) * ax->tick;
    int free_from = 0;
    for (int64_t t = first;; t += ax->tick) {
        int64_t c = (t - ax->t0) / ax->dt;
        if (c >= ax->ncols) break;
        char label[48];
        size_t len = strlen(al_time_axis_label(ax, t, label, sizeof label));
        if (c >= free_from && c + (int64_t)len <= cols) {
            memcpy(row + c, label, len);
            free_from = (int)c + (int)len + 1;
        }
    }
    int end = cols;
    while (end > 0 && row[end - 1] == ' ') end--;
    fprintf(out, "%*s%.*s\n", (int)labelw + 1, "", end, row);
    free(row);

    fprintf(out, "%*s", (int)labelw + 1, "");
    for (int c = 0; c < ax->ncols; c++) {
        int64_t t = ax->t0 + (int64_t)c * ax->dt;
        int tick = floor_div(t, ax->tick) * ax->tick == t;
        fputs(tick ? (ascii ? "+" : "┼") : (ascii ? "-" : "─"), out);
    }
    fputc('\n', out);
}

static void lane_row(const al_model *m, const al_lane *lane, const al_time_axis *ax,
                     size_t labelw, const al_text_options *o, al_cell *cells, int used[G_COUNT + 1],
                     FILE *out) {
    char label[AL_TRACE_TEXT_MAX + 32];
    al_lane_label(lane, label, sizeof label);
    put_label(out, label, lane->depth, labelw, o->ascii);
    fputc(' ', out);
    al_lane_cells(lane, m->last_t, ax->t0, ax->dt, ax->ncols, cells);
    int end = ax->ncols;
    while (end > 0 && cells[end - 1].state == AL_CELL_EMPTY) end--;
    const char *color = "";
    for (int c = 0; c < end; c++) {
        enum glyph_kind k = kind_of(&cells[c]);
        used[k] = 1;
        if (o->color && strcmp(color, glyphs[k].color) != 0) {
            fputs("\033[0m", out);
            if (glyphs[k].color[0]) fprintf(out, "\033[%sm", glyphs[k].color);
            color = glyphs[k].color;
        }
        fputs(o->ascii ? glyphs[k].ascii : glyphs[k].utf8, out);
    }
    if (o->color && color[0]) fputs("\033[0m", out);
    /* no trailing blanks: the label of an empty lane ends the line */
    fputc('\n', out);
}

/* A sentence wrapped at spaces to the width (a word wider than a line is
 * cut), then a newline. */
static void put_wrapped(FILE *out, const char *text, int width, int ascii) {
    size_t col = 0, cols = (size_t)width;
    while (*text) {
        size_t len = strcspn(text, " ");
        size_t w = 0;
        for (size_t i = 0; i < len; i++) w += ((unsigned char)text[i] & 0xc0) != 0x80;
        if (col > 0 && col + 1 + w > cols) {
            fputc('\n', out);
            col = 0;
        } else if (col > 0) {
            fputc(' ', out);
            col++;
        }
        while (len > 0) {
            size_t wrote, used = put_cols(out, text, len, cols - col, ascii, &wrote);
            text += used;
            len -= used;
            col += wrote;
            if (len > 0) {
                fputc('\n', out);
                col = 0;
            }
        }
        while (*text == ' ') text++;
    }
    fputc('\n', out);
}

static void title(const al_model *m, const al_text_options *o, size_t ntasks, FILE *out) {
    const char *sep = o->ascii ? " - " : " · ";
    char line[320];   /* the longest program and backend names and counts fit */
    int n = snprintf(line, sizeof line, "%s", m->program[0] ? m->program : "trace");
    if (m->backend[0]) n += snprintf(line + n, sizeof line - (size_t)n, "%s%s backend", sep, m->backend);
    n += snprintf(line + n, sizeof line - (size_t)n, "%s%s clock%s%zu task%s", sep,
                  m->clock == 1 ? "virtual" : "real", sep, ntasks, ntasks == 1 ? "" : "s");
    if (m->submitted || m->completed)   /* a uring loop: what went through the ring */
        n += snprintf(line + n, sizeof line - (size_t)n, "%s%llu submitted, %llu completed", sep,
                      (unsigned long long)m->submitted, (unsigned long long)m->completed);
    (void)n;
    put_wrapped(out, line, o->width, o->ascii);
}

/* The glyphs that appear, with their words, wrapped to the width. */
static void legend(const int used[G_COUNT + 1], const al_text_options *o, FILE *out) {
    int col = 0;
    for (int k = 0; k < G_COUNT; k++) {
        if (!used[k]) continue;
        const struct glyph *g = &glyphs[k];
        int w = 1 + 1 + (int)strlen(g->words);
        if (col > 0 && col + 2 + w > o->width) {
            fputc('\n', out);
            col = 0;
        }
        if (col > 0) {
            fputs("  ", out);
            col += 2;
        }
        if (o->color && g->color[0]) fprintf(out, "\033[%sm%s\033[0m", g->color, o->ascii ? g->ascii : g->utf8);
        else fputs(o->ascii ? g->ascii : g->utf8, out);
        fprintf(out, " %s", g->words);
        col += w;
    }
    if (col > 0) fputc('\n', out);
}

int al_render_text(const al_model *m, const al_text_options *opt, FILE *out) {
    if (!m || !out) return -EINVAL;
    al_text_options o = opt ? *opt : (al_text_options){0};
    if (o.width == 0) o.width = AL_TEXT_DEFAULT_WIDTH;
    if (o.width < AL_TEXT_MIN_WIDTH || o.width > AL_TEXT_MAX_WIDTH) return -EINVAL;

    size_t ntasks = m->nlanes ? m->nlanes - 1 : 0;
    title(m, &o, ntasks, out);
    if (m->events == 0 || m->nlanes == 0) {
        fputs("(no events)\n", out);
        return ferror(out) ? -EIO : 0;
    }
    const al_lane *loop = &m->lanes[0];
    int show_loop = o.loop_lane || loop->nspans || loop->nmarks;

    size_t labelw = 4, maxw = (size_t)o.width / 3;
    for (size_t i = show_loop ? 0 : 1; i < m->nlanes; i++) {
        char label[AL_TRACE_TEXT_MAX + 32];
        size_t w = m->lanes[i].depth + display_width(al_lane_label(&m->lanes[i], label, sizeof label));
        if (w > labelw) labelw = w;
    }
    if (labelw > maxw) labelw = maxw;
    int cols = o.width - (int)labelw - 1;

    al_time_axis ax;
    al_time_axis_fit(m->first_t, m->last_t, cols, &ax);
    axis_rows(&ax, labelw, cols, o.ascii, out);

    al_cell *cells = malloc((size_t)ax.ncols * sizeof *cells);
    if (!cells) return -ENOMEM;
    int used[G_COUNT + 1] = {0};
    for (size_t i = show_loop ? 0 : 1; i < m->nlanes; i++)
        lane_row(m, &m->lanes[i], &ax, labelw, &o, cells, used, out);
    free(cells);

    fputc('\n', out);
    legend(used, &o, out);
    char line[256], step[32], a[32], b[32];
    snprintf(line, sizeof line, "1 column = %s of %s time, from %s s to %s s",
             al_format_duration(ax.dt, o.ascii, step, sizeof step), m->clock == 1 ? "virtual" : "real",
             al_format_seconds(m->first_t, a, sizeof a), al_format_seconds(m->last_t, b, sizeof b));
    put_wrapped(out, line, o.width, o.ascii);
    if (m->gaps) {
        snprintf(line, sizeof line, "note: %llu events did not follow their task's state: the trace lost events",
                 (unsigned long long)m->gaps);
        put_wrapped(out, line, o.width, o.ascii);
    }
    return ferror(out) ? -EIO : 0;
}
