/* view_input.c — what each key does to the view (htop, tokio-console and
 * Perfetto habits: q quits, ? helps, arrows and hjkl move, +/- zoom).
 *
 * A key either changes the view state here, or asks the driver for
 * something only it can do (play a replay, step the traced program's loop),
 * by returning an al_view_action. Keys never block and never fail: a key
 * that does not apply now leaves a short message saying why.
 */
#include <stdio.h>
#include <string.h>

#include "view.h"

static const double speeds[] = {0.1, 0.2, 0.5, 1, 2, 5, 10};
#define NSPEEDS (sizeof speeds / sizeof speeds[0])

static int panel_shown(const al_view *v, int panel) {
    return panel != AL_PANEL_NOTES || v->notes != NULL;
}

static int page(const al_view *v, int panel) {
    int h = v->rects.panel[panel].h;
    if (panel == AL_PANEL_TIMELINE) h = v->rects.timeline.h - 1;
    return h > 3 ? h - 2 : 1;
}

/* Scroll a text panel: `lines` > 0 shows older lines (up). */
static void scroll_text(al_view *v, int panel, long lines) {
    size_t *s = &v->scroll[panel];
    if (panel == AL_PANEL_NOTES) lines = -lines;   /* notes scroll from the top */
    if (lines < 0 && (size_t)-lines > *s) *s = 0;
    else *s = (size_t)((long)*s + lines);          /* the renderer clamps the top end */
}

static void move_selection(al_view *v, long by) {
    if (v->nrows == 0) return;
    long sel = (long)v->sel + by;
    if (sel < 0) sel = 0;
    if (sel >= (long)v->nrows) sel = (long)v->nrows - 1;
    v->sel = (size_t)sel;
}

/* Leave "fit" and "follow" for a fixed zoom and position, from what is on
 * screen now, so the picture does not jump when the person takes over. */
static void take_over(al_view *v) {
    if (v->fit && v->drawn_scale > 0) v->scale = v->drawn_scale;
    v->fit = 0;
    if (v->follow) v->view_end = v->drawn_t0 + (int64_t)v->timeline_cols * v->scale;
}

static void zoom(al_view *v, int direction) {
    int64_t now = v->now;
    take_over(v);
    /* Keep the middle of the picture (or now, when following) in place. */
    int64_t cols = v->timeline_cols > 0 ? v->timeline_cols : 60;
    int64_t centre = v->follow ? now : v->view_end - cols * v->scale / 2;
    v->scale = al_zoom_step(v->scale, direction);
    if (!v->follow) v->view_end = centre + cols * v->scale / 2;
}

static void pan(al_view *v, int direction) {
    int64_t cols = v->timeline_cols > 0 ? v->timeline_cols : 60;
    take_over(v);
    v->follow = 0;
    int64_t step = cols / 4 * v->scale;
    v->view_end += direction * step;
    const al_model *m = v->model;
    if (m) {
        int64_t min_end = m->first_t + cols * v->scale;
        if (v->view_end < min_end) v->view_end = min_end;
        if (direction > 0 && v->view_end >= v->now + v->scale) v->follow = 1;   /* back at now */
    }
}

static void cycle_focus(al_view *v, int dir) {
    int f = v->focus;
    do f = (f + dir + AL_PANEL_COUNT) % AL_PANEL_COUNT;
    while (!panel_shown(v, f));
    v->focus = f;
    if (f != AL_PANEL_TIMELINE) v->bottom = f;
}

static al_view_action edit_key(al_view *v, int key) {
    size_t len = strlen(v->edit);
    if (key == AL_KEY_ENTER) {
        snprintf(v->filter, sizeof v->filter, "%s", v->edit);
        v->editing = 0;
        v->sel = 0;
    } else if (key == AL_KEY_ESC) {
        v->editing = 0;
    } else if (key == AL_KEY_BACKSPACE) {
        while (len > 0 && ((unsigned char)v->edit[len - 1] & 0xC0) == 0x80) len--;   /* UTF-8 tail */
        if (len > 0) len--;
        v->edit[len] = '\0';
    } else if (key >= 0x20 && key < 0x110000 && key != 0x7F) {
        char utf8[4];
        size_t n;
        uint32_t ch = (uint32_t)key;
        if (ch < 0x80) utf8[0] = (char)ch, n = 1;
        else if (ch < 0x800) utf8[0] = (char)(0xC0 | ch >> 6), utf8[1] = (char)(0x80 | (ch & 0x3F)), n = 2;
        else if (ch < 0x10000)
            utf8[0] = (char)(0xE0 | ch >> 12), utf8[1] = (char)(0x80 | (ch >> 6 & 0x3F)),
            utf8[2] = (char)(0x80 | (ch & 0x3F)), n = 3;
        else
            utf8[0] = (char)(0xF0 | ch >> 18), utf8[1] = (char)(0x80 | (ch >> 12 & 0x3F)),
            utf8[2] = (char)(0x80 | (ch >> 6 & 0x3F)), utf8[3] = (char)(0x80 | (ch & 0x3F)), n = 4;
        if (len + n < sizeof v->edit) {
            memcpy(v->edit + len, utf8, n);
            v->edit[len + n] = '\0';
        }
    }
    return AL_ACT_NONE;
}

static al_view_action overlay_key(al_view *v, int key) {
    switch (key) {
    case 'q': case 'Q': case AL_KEY_ESC: case '?':
        v->overlay = AL_OVERLAY_NONE;
        break;
    case AL_KEY_ENTER:
        if (v->overlay == AL_OVERLAY_DETAILS) v->overlay = AL_OVERLAY_NONE;
        break;
    case AL_KEY_UP: case 'k':
        if (v->overlay == AL_OVERLAY_HELP) {
            if (v->overlay_scroll) v->overlay_scroll--;
        } else {
            move_selection(v, -1);
        }
        break;
    case AL_KEY_DOWN: case 'j':
        if (v->overlay == AL_OVERLAY_HELP) v->overlay_scroll++;
        else move_selection(v, 1);
        break;
    case AL_KEY_PGUP:
        v->overlay_scroll = v->overlay_scroll > 10 ? v->overlay_scroll - 10 : 0;
        break;
    case AL_KEY_PGDN: case ' ':
        v->overlay_scroll += 10;
        break;
    default:
        break;
    }
    return AL_ACT_NONE;
}

al_view_action al_view_key(al_view *v, int key) {
    if (v->editing) return edit_key(v, key);
    if (v->overlay) return overlay_key(v, key);
    int lanes = !al_view_is_text_panel(v->focus);
    switch (key) {
    case 'q': case 'Q':
        return AL_ACT_QUIT;
    case '?':
        v->overlay = AL_OVERLAY_HELP;
        v->overlay_scroll = 0;
        return AL_ACT_NONE;
    case ' ':
        v->paused = !v->paused;
        return AL_ACT_PAUSE;
    case '+': case '=':
        zoom(v, +1);
        return AL_ACT_NONE;
    case '-': case '_':
        zoom(v, -1);
        return AL_ACT_NONE;
    case 'z': case '0':
        v->fit = 1;
        v->follow = 1;
        return AL_ACT_NONE;
    case AL_KEY_LEFT: case 'h':
        pan(v, -1);
        return AL_ACT_NONE;
    case AL_KEY_RIGHT: case 'l':
        pan(v, +1);
        return AL_ACT_NONE;
    case AL_KEY_UP: case 'k':
        if (lanes) move_selection(v, -1);
        else scroll_text(v, v->focus, 1);
        return AL_ACT_NONE;
    case AL_KEY_DOWN: case 'j':
        if (lanes) move_selection(v, 1);
        else scroll_text(v, v->focus, -1);
        return AL_ACT_NONE;
    case AL_KEY_PGUP:
        if (lanes) move_selection(v, -page(v, v->focus));
        else scroll_text(v, v->focus, page(v, v->focus));
        return AL_ACT_NONE;
    case AL_KEY_PGDN:
        if (lanes) move_selection(v, page(v, v->focus));
        else scroll_text(v, v->focus, -page(v, v->focus));
        return AL_ACT_NONE;
    case AL_KEY_HOME:
        if (lanes) v->sel = 0;
        else scroll_text(v, v->focus, 1L << 30);
        return AL_ACT_NONE;
    case AL_KEY_END:
        if (lanes) move_selection(v, 1L << 30);
        else v->scroll[v->focus] = v->focus == AL_PANEL_NOTES ? (size_t)1 << 30 : 0;
        return AL_ACT_NONE;
    case AL_KEY_ENTER:
        if (lanes && v->nrows) v->overlay = AL_OVERLAY_DETAILS;
        return AL_ACT_NONE;
    case AL_KEY_TAB:
        cycle_focus(v, 1);
        return AL_ACT_NONE;
    case AL_KEY_BTAB:
        cycle_focus(v, -1);
        return AL_ACT_NONE;
    case '/':
        v->editing = 1;
        snprintf(v->edit, sizeof v->edit, "%s", v->filter);
        return AL_ACT_NONE;
    case AL_KEY_ESC:
        v->filter[0] = '\0';
        return AL_ACT_NONE;
    case 'f':
        v->follow = 1;
        return AL_ACT_NONE;
    case 'n':
        return AL_ACT_NEXT_EVENT;
    case 'p':
        return AL_ACT_PREV_EVENT;
    case 'g':
        return AL_ACT_START;
    case 'G':
        return AL_ACT_END;
    case '[': case ']': {
        size_t i = 0;
        while (i + 1 < NSPEEDS && speeds[i] < v->speed - 1e-9) i++;
        if (key == '[' && i > 0) i--;
        if (key == ']' && i + 1 < NSPEEDS) i++;
        v->speed = speeds[i];
        return AL_ACT_SPEED;
    }
    case 's':
        return AL_ACT_STEP;
    case 'c':
        return AL_ACT_CONTINUE;
    case '<': case ',':
        return AL_ACT_SECTION_PREV;
    case '>': case '.':
        return AL_ACT_SECTION_NEXT;
    default:
        return AL_ACT_NONE;
    }
}
