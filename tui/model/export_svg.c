/* export_svg.c — the timeline as an SVG picture (contract: export_svg.h).
 *
 * Drawn for a projector as much as for a screen: running is a tall dark
 * green bar, what waits is a lower, lighter one with its reason written on it
 * when it fits, and the moment a task ends is a dark tick. Time runs left to
 * right on a 1-2-5 axis in seconds, so "all three coroutines wait together
 * and finish at 1 s" is visible from the back of the room.
 */
#include "export_svg.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "render_text.h"

enum { WAIT_NONE = 0, WAIT_SLEEP, WAIT_YIELD, WAIT_READ, WAIT_WRITE, WAIT_JOIN, WAIT_FUTURE };

#define LABEL_W 170
#define PAD_R 30
#define LANES_Y 70
#define LANE_H 30

/* The kinds of bar, in legend order. */
enum bar { B_RUNNING, B_READY, B_SLEEP, B_IO, B_JOIN, B_OTHER, B_POLL, B_DONE, B_CANCELLED,
           B_FAILED, B_SLOW, B_COUNT };

static const struct { const char *fill, *words; } bars[B_COUNT] = {
    [B_RUNNING] = {"#2e7d32", "running"},
    [B_READY] = {"#f9a825", "ready (woken, waiting its turn)"},
    [B_SLEEP] = {"#64b5f6", "waiting: sleep"},
    [B_IO] = {"#4dd0e1", "waiting: read/write fd"},
    [B_JOIN] = {"#ba68c8", "waiting: join/future"},
    [B_OTHER] = {"#b0bec5", "waiting: yield"},
    [B_POLL] = {"#bdbdbd", "loop: poll"},
    [B_DONE] = {"#37474f", "done"},
    [B_CANCELLED] = {"#ef6c00", "cancelled"},
    [B_FAILED] = {"#c62828", "failed"},
    [B_SLOW] = {"#d50000", "slow step (blocked the loop)"},
};

static enum bar bar_of(const al_span *s) {
    switch (s->state) {
    case AL_LANE_RUNNING: return B_RUNNING;
    case AL_LANE_READY: return B_READY;
    case AL_LANE_WAITING:
        switch (s->reason) {
        case WAIT_SLEEP: return B_SLEEP;
        case WAIT_READ:
        case WAIT_WRITE: return B_IO;
        case WAIT_JOIN:
        case WAIT_FUTURE: return B_JOIN;
        default: return B_OTHER;
        }
    case AL_LANE_POLLING: return B_POLL;
    case AL_LANE_DONE: return B_DONE;
    case AL_LANE_CANCELLED: return B_CANCELLED;
    default: return B_FAILED;
    }
}

static void xml_text(FILE *out, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
    }
}

/* The first `chars` code points of s, with an ellipsis when cut. */
static void cut(char *dst, size_t size, const char *s, size_t chars) {
    size_t n = 0, cps = 0;
    while (s[n] && cps < chars) {
        n++;
        while (((unsigned char)s[n] & 0xc0) == 0x80) n++;
        cps++;
    }
    if (s[n] && n > 0) {
        /* drop the last code point for the ellipsis */
        do n--; while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80);
        snprintf(dst, size, "%.*s…", (int)n, s);
    } else {
        snprintf(dst, size, "%.*s", (int)n, s);
    }
}

typedef struct frame {
    int64_t t0, t_end, tick;
    int decimals;
    double x0, x1, scale;
} frame;

static double x_of(const frame *f, int64_t t) { return f->x0 + (double)(t - f->t0) * f->scale; }

static void fit(const al_model *m, int width, frame *f) {
    f->x0 = LABEL_W;
    f->x1 = width - PAD_R;
    int64_t range = m->last_t - m->first_t;
    int target = (int)((f->x1 - f->x0) / 110);
    if (target < 2) target = 2;
    f->tick = al_nice_step(range / target > 0 ? range / target : 1);
    int64_t q = m->first_t / f->tick;
    if (m->first_t % f->tick != 0 && m->first_t < 0) q--;
    f->t0 = q * f->tick;
    int64_t ticks = (m->last_t - f->t0 + f->tick - 1) / f->tick;
    if (ticks < 1) ticks = 1;
    f->t_end = f->t0 + ticks * f->tick;
    f->decimals = 6;
    for (int64_t s = f->tick; f->decimals > 0 && s % 10 == 0; s /= 10) f->decimals--;
    f->scale = (f->x1 - f->x0) / (double)(f->t_end - f->t0);
}

static void span_rect(const al_model *m, const al_lane *lane, const al_span *s, const frame *f,
                      double y, int used[B_COUNT], FILE *out) {
    enum bar b = bar_of(s);
    used[b] = 1;
    char words[160], label[AL_TRACE_TEXT_MAX + 32], a[32], z[32];
    al_span_describe(s, words, sizeof words);
    int64_t end = al_span_end(m, s);
    int final = b == B_DONE || b == B_CANCELLED || b == B_FAILED;
    double x = x_of(f, s->start), w, top, h;
    if (final) {
        w = 4;
        top = y + 5;
        h = 20;
    } else {
        w = x_of(f, end) - x;
        double min = s->state == AL_LANE_RUNNING ? 3 : 2;
        if (w < min) w = min;   /* a step of no time is still seen */
        top = s->state == AL_LANE_RUNNING ? y + 6 : y + 9;
        h = s->state == AL_LANE_RUNNING ? 18 : 12;
    }
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>", x, top,
            w, h, bars[b].fill);
    xml_text(out, al_lane_label(lane, label, sizeof label));
    fputs(": ", out);
    xml_text(out, words);
    if (final)
        fprintf(out, " at %s s", al_format_seconds(s->start, a, sizeof a));
    else
        fprintf(out, ", %s s to %s s", al_format_seconds(s->start, a, sizeof a),
                al_format_seconds(end, z, sizeof z));
    fputs("</title></rect>\n", out);
    /* a waiting bar says why, when the words fit on it */
    if (s->state == AL_LANE_WAITING && w >= 6.0 * (double)strlen(words) + 10) {
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#102a43\">", x + 5, y + 19);
        xml_text(out, words);
        fputs("</text>\n", out);
    }
}

static void lane_row(const al_model *m, const al_lane *lane, const frame *f, double y, int stripe,
                     int used[B_COUNT], FILE *out) {
    if (stripe)
        fprintf(out, "<rect x=\"0\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"#f5f7fa\"/>\n", y,
                f->x1 + PAD_R, LANE_H);
    char label[AL_TRACE_TEXT_MAX + 32], shown[AL_TRACE_TEXT_MAX + 40];
    unsigned depth = lane->depth > 4 ? 4 : lane->depth;
    cut(shown, sizeof shown, al_lane_label(lane, label, sizeof label), 22 - 2 * depth);
    fprintf(out, "<text x=\"%u\" y=\"%.1f\" font-size=\"12\"%s>", 10 + 12 * depth, y + 19,
            lane->task == 0 ? " font-style=\"italic\" fill=\"#555\"" : " fill=\"#222\"");
    xml_text(out, shown);
    fputs("</text>\n", out);
    /* waits below, running above them, exits on top: a step of no time at
     * the start of a long wait must not vanish under it */
    for (int layer = 0; layer < 3; layer++) {
        for (size_t i = 0; i < lane->nspans; i++) {
            const al_span *s = &lane->spans[i];
            int final = s->state == AL_LANE_DONE || s->state == AL_LANE_CANCELLED || s->state == AL_LANE_FAILED;
            int want = final ? 2 : s->state == AL_LANE_RUNNING ? 1 : 0;
            if (want == layer) span_rect(m, lane, s, f, y, used, out);
        }
    }
    for (size_t i = 0; i < lane->nmarks; i++) {
        const al_mark *mk = &lane->marks[i];
        if (mk->type != AL_EV_SLOW) continue;
        used[B_SLOW] = 1;
        char a[32];
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"3\" height=\"24\" fill=\"%s\"><title>slow step: "
                     "%s s held the loop</title></rect>\n",
                x_of(f, mk->t) - 1.5, y + 3, bars[B_SLOW].fill, al_format_seconds(mk->value, a, sizeof a));
    }
}

static void axis(const frame *f, double bottom, FILE *out) {
    al_time_axis ax = {.t0 = f->t0, .dt = f->tick, .tick = f->tick, .decimals = f->decimals};
    fputs("<g font-size=\"11\" fill=\"#444\" text-anchor=\"middle\">\n", out);
    for (int64_t t = f->t0; t <= f->t_end; t += f->tick) {
        double x = x_of(f, t);
        char label[48];
        fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d0d4d9\" stroke-width=\"1\"/>\n",
                x, LANES_Y - 6, x, bottom);
        fprintf(out, "<text x=\"%.1f\" y=\"%d\">%s</text>\n", x, LANES_Y - 12,
                al_time_axis_label(&ax, t, label, sizeof label));
    }
    fputs("</g>\n", out);
}

/* The legend of the bars that appear; with out NULL, only measures.
 * Returns the baseline of its last row. */
static double legend(const int used[B_COUNT], int width, double y, FILE *out) {
    double x = 10;
    if (out) fputs("<g font-size=\"11\" fill=\"#333\">\n", out);
    for (int b = 0; b < B_COUNT; b++) {
        if (!used[b]) continue;
        double w = 20 + 6.2 * (double)strlen(bars[b].words) + 18;
        if (x > 10 && x + w > width - 10) {
            x = 10;
            y += 20;
        }
        if (out) {
            fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>", x,
                    y - 10, bars[b].fill);
            fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", x + 17, y, bars[b].words);
        }
        x += w;
    }
    if (out) fputs("</g>\n", out);
    return y;
}

/* Which bars the picture will have, for the legend and its height. */
static void collect_used(const al_model *m, size_t first, int used[B_COUNT]) {
    for (size_t i = first; i < m->nlanes; i++) {
        const al_lane *lane = &m->lanes[i];
        for (size_t k = 0; k < lane->nspans; k++) used[bar_of(&lane->spans[k])] = 1;
        for (size_t k = 0; k < lane->nmarks; k++)
            if (lane->marks[k].type == AL_EV_SLOW) used[B_SLOW] = 1;
    }
}

int al_export_svg(const al_model *m, const al_svg_options *opt, FILE *out) {
    if (!m || !out) return -EINVAL;
    int width = opt && opt->width ? opt->width : AL_SVG_DEFAULT_WIDTH;
    if (width < 320 || width > 8000) return -EINVAL;
    int show_loop = m->nlanes && (m->lanes[0].nspans || m->lanes[0].nmarks);
    size_t first = show_loop ? 0 : 1;
    size_t shown = m->nlanes > first ? m->nlanes - first : 0;
    double bottom = LANES_Y + (double)shown * LANE_H;
    int used[B_COUNT] = {0};
    collect_used(m, first, used);
    int height = (int)legend(used, width, bottom + 30, NULL) + 14;

    frame f;
    fit(m, width, &f);
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                 "font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n"
                 "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
            width, height, width, height, width, height);
    char a[32], z[32];
    fputs("<text x=\"10\" y=\"24\" font-size=\"16\" font-weight=\"bold\" fill=\"#111\">", out);
    xml_text(out, m->program[0] ? m->program : "trace");
    if (m->backend[0]) {
        fputs(" — ", out);
        xml_text(out, m->backend);
        fputs(" backend", out);
    }
    fprintf(out, ", %s clock</text>\n", m->clock == 1 ? "virtual" : "real");
    fprintf(out, "<text x=\"10\" y=\"42\" font-size=\"11\" fill=\"#555\">%zu task%s · time in seconds on the "
                 "loop's clock, %s s to %s s</text>\n",
            m->nlanes ? m->nlanes - 1 : 0, m->nlanes == 2 ? "" : "s", al_format_seconds(m->first_t, a, sizeof a),
            al_format_seconds(m->last_t, z, sizeof z));
    axis(&f, bottom, out);

    for (size_t i = first, row = 0; i < m->nlanes; i++, row++)
        lane_row(m, &m->lanes[i], &f, LANES_Y + (double)row * LANE_H, (int)(row % 2), used, out);
    legend(used, width, bottom + 30, out);
    fputs("</svg>\n", out);
    return ferror(out) ? -EIO : 0;
}
