/* view_style.c — how states and panels look: the glyph and colour of a
 * task state, the words for why a task waits, the rules between panels and
 * the panels' names. Every panel draws with these; they call no panel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asynclab/error.h"
#include "asynclab/task.h"
#include "view.h"


/* ---- states in glyphs, colours and words ---------------------------------- */

uint32_t al_view_state_glyph(int state, int ascii) {
    /*                         ready   running waiting done    cancel  failed  polling */
    static const uint32_t uni[] = {0x2592, 0x2588, 0x2500, 0x2713, 0x2298, 0x2717, 0x2591};
    static const uint32_t asc[] = {'+', '#', '-', 'v', 'c', 'X', '~'};
    if (state < 0 || state >= AL_LANE_STATE_COUNT) return '?';
    return ascii ? asc[state] : uni[state];
}

int al_view_state_style(int state) {
    static const int style[] = {AL_ST_READY, AL_ST_RUNNING, AL_ST_WAITING, AL_ST_DONE,
                                AL_ST_CANCELLED, AL_ST_FAILED, AL_ST_POLLING};
    return state >= 0 && state < AL_LANE_STATE_COUNT ? style[state] : AL_ST_NORMAL;
}

void al_view_reason(const al_model *m, const al_lane *lane, const al_span *s, char *buf,
                    size_t size) {
    buf[0] = '\0';
    if (!s) return;
    char t[32];
    switch (s->state) {
    case AL_LANE_WAITING:
        switch (s->reason) {
        case AL_WAIT_SLEEP:
            al_fmt_duration(t, sizeof t, s->until - (m ? m->first_t : 0), 1);
            snprintf(buf, size, "sleep until %s", t);
            break;
        case AL_WAIT_YIELD: snprintf(buf, size, "yield"); break;
        case AL_WAIT_READ:
        case AL_WAIT_WRITE:
            if (al_span_op_words(s, buf, size)) break;
            snprintf(buf, size, "%s fd %d", s->reason == AL_WAIT_READ ? "read" : "write", (int)s->fd);
            break;
        case AL_WAIT_JOIN: snprintf(buf, size, "join #%llu", (unsigned long long)s->other); break;
        case AL_WAIT_FUTURE: snprintf(buf, size, "future"); break;
        default: snprintf(buf, size, "wait"); break;
        }
        break;
    case AL_LANE_READY:
        switch (s->reason) {
        case AL_WAKE_SPAWN: snprintf(buf, size, "new"); break;
        case AL_WAKE_TIMER: snprintf(buf, size, "woken by timer"); break;
        case AL_WAKE_FD: snprintf(buf, size, "woken by fd %d", (int)s->fd); break;
        case AL_WAKE_TASK: snprintf(buf, size, "woken by #%llu", (unsigned long long)s->other); break;
        case AL_WAKE_FUTURE: snprintf(buf, size, "woken by future"); break;
        case AL_WAKE_CANCEL: snprintf(buf, size, "cancel"); break;
        case AL_WAKE_YIELD: snprintf(buf, size, "yielded"); break;
        default: break;
        }
        break;
    case AL_LANE_FAILED:
        snprintf(buf, size, "%s", lane && lane->error ? al_errname((int)lane->error) : "error");
        break;
    case AL_LANE_CANCELLED:
        snprintf(buf, size, "cancelled");
        break;
    case AL_LANE_DONE:
        snprintf(buf, size, "ok");
        break;
    default:
        break;
    }
}

/* ---- panel titles and the focus --------------------------------------------- */

/* The focused panel is framed in heavy lines (its title row, and the
 * separators beside it), the others in light ones: which panel the arrow
 * keys move is visible from across the room, not only from a reversed title. */
uint32_t al_view_rule_glyph(int focused, int ascii) {
    if (ascii) return focused ? '=' : '-';
    return focused ? 0x2501 : 0x2500;   /* ━ ─ */
}

uint32_t al_view_separator_glyph(int focused, int ascii) {
    if (ascii) return focused ? '#' : '|';
    return focused ? 0x2503 : 0x2502;   /* ┃ │ */
}

const char *al_view_panel_name(int panel) {
    static const char *const names[AL_PANEL_COUNT] = {"Timeline", "Tasks", "Events", "Output", "Notes"};
    return panel >= 0 && panel < AL_PANEL_COUNT ? names[panel] : "?";
}

int al_view_is_text_panel(int panel) {
    return panel == AL_PANEL_EVENTS || panel == AL_PANEL_OUTPUT || panel == AL_PANEL_NOTES;
}
