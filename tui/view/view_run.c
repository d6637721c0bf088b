/* view_run.c — the viewer's main loop, live and replay (see view_run.h).
 *
 * One thread, one poll(): the traced program is another process, so the
 * viewer never waits for it. Each turn of the loop:
 *
 *   1. work out how long it may sleep: not at all if input is waiting to
 *      be parsed, until the next frame if the picture changed, until "now"
 *      reaches the next column if a live program's time is running, and
 *      otherwise for ever;
 *   2. poll the signal pipe, the keyboard, the trace pipe and the output pipe;
 *   3. handle what came: signals, keys, trace events (a bounded batch, so a
 *      flood cannot freeze the keys), output;
 *   4. draw, if something changed and the last frame is 1/30 s old.
 *
 * The screen itself is al_view_render()'s business; here we only keep the
 * view's inputs (which model, what time it is, the child's state) current
 * and carry out what keys ask (pause, step the program, move the replay).
 */
#include "view_run.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "asynclab/loop.h"
#include "view.h"
#include "view_child.h"
#include "view_ingest.h"
#include "view_session.h"
#include "view_signals.h"
#include "view_term.h"

#define FRAME_US 33333              /* at most 30 frames a second */
#define MESSAGE_US 4000000          /* a remark stays 4 s */
#define PUMP_BYTES (1u << 20)       /* per turn: a flood cannot starve the keys */
#define PUMP_EVENTS 50000
#define RELEASE_EVENTS 50000
#define OUTPUT_LINES 5000
#define STOP_GRACE_MS 1000
#define LINGER_US 1500000.0        /* replay: a finished program stays on screen 1.5 s */

int64_t al_wall_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

typedef struct run {
    const al_run_options *o;
    int replay;
    al_view v;
    al_cells cells;
    al_session s;
    al_ingest in;
    int have_ingest;
    al_child child;
    int have_child;
    al_lines output, notes;
    FILE *record;
    int quit, quit_signal;
    int dirty;
    int64_t next_frame;
    int64_t message_until;
    char message[200];
    char state[64];
    /* which program of the session is shown (live): the newest unless pinned */
    size_t section;
    int pinned;
    const al_model *shown;
    int picked_panel;              /* the person chose a panel with Tab */
    int64_t frozen_now;            /* live, paused: the picture's time */
    /* events per second, over whole seconds */
    int64_t rate_start;
    uint64_t rate_base;
    /* replay playback */
    double play_t;
    int64_t play_wall;
} run;

__attribute__((format(printf, 2, 3)))
static void say(run *r, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof r->message, fmt, ap);
    va_end(ap);
    r->message_until = al_wall_us() + MESSAGE_US;
    r->dirty = 1;
}

/* ---- which model, and what time it is ----------------------------------------------- */

static al_section *shown_section(run *r) {
    if (r->replay) return al_session_current(&r->s);
    if (r->s.nsec == 0) return NULL;
    if (!r->pinned || r->section >= r->s.nsec) r->section = r->s.nsec - 1;
    return &r->s.sec[r->section];
}

static int live_running(const run *r) { return r->have_child && !r->child.exited && r->in.fd >= 0; }

/* The time at the "now" cursor. Live, on the real clock, time runs on
 * between events (a server blocked in accept() sends nothing for minutes):
 * it is guessed from the wall clock and the earliest-arriving event. */
static int64_t now_of(run *r, al_section *sec, int64_t wall) {
    al_model *m = &sec->model;
    if (r->replay) {
        if (r->v.playing && !r->v.paused && r->play_t > (double)m->last_t) {
            int64_t t = (int64_t)r->play_t;
            size_t next = r->s.cursor;
            if (next < sec->end && r->s.ev[next].ev.t < t) t = r->s.ev[next].ev.t;
            return t;
        }
        return m->last_t;
    }
    if (r->v.paused) return r->frozen_now;
    int newest = sec == al_session_last(&r->s);
    if (newest && live_running(r) && m->clock == AL_CLOCK_REAL && sec->have_offset && !m->ended) {
        int64_t t = wall - sec->wall_offset;
        return t > m->last_t ? t : m->last_t;
    }
    return m->last_t;
}

static void update_view(run *r, int64_t wall) {
    al_view *v = &r->v;
    al_section *sec = shown_section(r);
    al_model *m = sec ? &sec->model : NULL;
    if (m != r->shown) {
        /* Another program: start its picture fresh. */
        al_view_model_changed(v);
        v->sel = v->top = 0;
        v->scroll[AL_PANEL_TASKS] = v->scroll[AL_PANEL_EVENTS] = 0;
        r->shown = m;
    }
    v->model = m;
    if (m) v->now = now_of(r, sec, wall);
    /* Until there is a timeline, the program's output is the thing to see
     * (unless the person picked a panel, or a lesson's notes are up). */
    if (!r->picked_panel && !v->notes) v->bottom = m ? AL_PANEL_TASKS : AL_PANEL_OUTPUT;
    if (!r->picked_panel && !m && !r->replay && r->child.exited) v->bottom = AL_PANEL_OUTPUT;
    v->nsections = r->s.nsec ? (int)r->s.nsec : 1;
    v->section = sec ? (int)(sec - r->s.sec) : 0;
    v->error = r->s.error[0] ? r->s.error : NULL;
    v->message = r->message[0] && wall < r->message_until ? r->message : NULL;
    v->dropped = r->s.dropped;
    v->pending = r->s.qlen;
    if (r->replay) {
        v->cursor = r->s.cursor;
        v->nevents = r->s.nev;
        v->truncated = r->s.truncated;
        v->state = NULL;
    } else {
        al_child_describe(&r->child, r->state, sizeof r->state);
        v->state_bad = r->child.exited && strcmp(r->state, "exited 0") != 0;
        if (r->s.over_limit) {   /* the picture stopped at the history limit: say so */
            size_t len = strlen(r->state);
            snprintf(r->state + len, sizeof r->state - len, ", history full");
        }
        v->state = r->state;
        v->can_step = live_running(r) && r->child.step_fd >= 0 && m && m->clock == AL_CLOCK_VIRTUAL;
        if (!m) {
            if (r->o->untraced) v->placeholder = r->o->untraced;
            else if (r->child.exited)
                v->placeholder = "This program sent no trace: it does not run on asynclab's core loop, so "
                                 "there is no timeline to draw. What it printed is in the Output panel (Tab).";
            else
                v->placeholder = "Waiting for a trace... A program on asynclab's core loop sends one as "
                                 "soon as it starts; others (a raw epoll server, a shell script) never do: "
                                 "what they print is in the Output panel (Tab).";
        }
    }
    /* Events per second, counted over whole seconds. */
    uint64_t count = r->replay ? r->s.cursor : r->s.received;
    if (wall - r->rate_start >= 1000000) {
        double secs = (double)(wall - r->rate_start) / 1e6;
        v->events_per_s = (double)(count - r->rate_base) / secs;
        if (count < r->rate_base) v->events_per_s = 0;
        r->rate_start = wall;
        r->rate_base = count;
    }
}

/* ---- keys --------------------------------------------------------------------------- */

static void set_hold(run *r, int hold) {
    if (r->replay) return;
    if (hold && !r->s.hold) r->frozen_now = r->v.now;
    r->s.hold = hold;
}

static void replay_seek(run *r, size_t cursor) {
    al_session_seek(&r->s, cursor);
    al_section *sec = al_session_current(&r->s);
    if (sec) r->play_t = (double)sec->model.last_t;
    r->play_wall = al_wall_us();
}

static void act(run *r, al_view_action a) {
    al_view *v = &r->v;
    al_section *sec = shown_section(r);
    switch (a) {
    case AL_ACT_QUIT:
        r->quit = 1;
        break;
    case AL_ACT_PAUSE:
        if (r->replay) {
            if (!v->paused && r->s.cursor >= r->s.nev) replay_seek(r, 0);   /* play again from the start */
            v->playing = !v->paused;
            r->play_wall = al_wall_us();
        } else {
            set_hold(r, v->paused);
        }
        break;
    case AL_ACT_NEXT_EVENT:
        if (r->replay) {
            v->paused = 1, v->playing = 0;
            if (r->s.cursor < r->s.nev) replay_seek(r, r->s.cursor + 1);
            else say(r, "That was the last event.");
        } else if (!v->paused) {
            say(r, "n shows the waiting events one by one while the picture is paused (space).");
        } else if (r->s.qlen == 0) {
            say(r, "No new events yet.");
        } else {
            al_session_release(&r->s, 1);
            al_section *now_sec = shown_section(r);
            if (now_sec) r->frozen_now = now_sec->model.last_t;
        }
        break;
    case AL_ACT_PREV_EVENT:
        if (r->replay) {
            v->paused = 1, v->playing = 0;
            if (r->s.cursor > 0) replay_seek(r, r->s.cursor - 1);
            else say(r, "That was the first event.");
        } else {
            say(r, "p (one event back) works in a replay: record with --record FILE, then asynclab view FILE.");
        }
        break;
    case AL_ACT_START:
        if (r->replay && sec) replay_seek(r, sec->first + 1);
        v->fit = 1, v->follow = 1;
        break;
    case AL_ACT_END:
        if (r->replay && sec) replay_seek(r, sec->end);
        v->fit = 1, v->follow = 1;
        break;
    case AL_ACT_SPEED:
        if (r->replay) say(r, "Replay speed %gx.", v->speed);
        else say(r, "[ and ] set the speed of a replay (asynclab view FILE).");
        break;
    case AL_ACT_STEP:
        if (r->replay) {
            say(r, "Slow motion drives a live program; in a replay, n and p step through the events.");
        } else if (!live_running(r) || r->child.step_fd < 0) {
            say(r, "Slow motion needs a program that is still running.");
        } else if (!sec || sec->model.clock != AL_CLOCK_VIRTUAL) {
            say(r, "Slow motion works on the virtual clock: this program's timers run on real time, "
                   "which holding its loop would change.");
        } else if (al_child_step(&r->child, 's') < 0) {
            say(r, "The program no longer listens for steps.");
        } else {
            v->stepping = 1;
            v->steps++;
            v->paused = 0;
            set_hold(r, 0);
            v->follow = 1;
        }
        break;
    case AL_ACT_CONTINUE:
        if (!r->replay && v->stepping) {
            al_child_step(&r->child, 'c');
            v->stepping = 0;
            say(r, "The program's loop runs freely again.");
        }
        break;
    case AL_ACT_SECTION_PREV:
    case AL_ACT_SECTION_NEXT: {
        int dir = a == AL_ACT_SECTION_NEXT ? 1 : -1;
        size_t cur = sec ? (size_t)(sec - r->s.sec) : 0;
        if ((dir < 0 && cur == 0) || (dir > 0 && cur + 1 >= r->s.nsec)) {
            if (r->s.nsec > 1) say(r, "There is no %s program.", dir < 0 ? "earlier" : "later");
            else say(r, "This session has one program so far.");
            break;
        }
        if (r->replay) {
            replay_seek(r, r->s.sec[cur + (size_t)dir].end);
        } else {
            r->section = cur + (size_t)dir;
            r->pinned = r->section + 1 < r->s.nsec;
        }
        break;
    }
    case AL_ACT_NONE:
        break;
    }
}

static void read_keys(run *r) {
    int key;
    while ((key = al_term_key()) != -1) {
        if (key == -2) continue;
        r->dirty = 1;
        if (key == AL_KEY_RESIZE) continue;
        r->message[0] = '\0';
        if (key == AL_KEY_TAB || key == AL_KEY_BTAB) r->picked_panel = 1;
        act(r, al_view_key(&r->v, key));
        if (r->quit) return;
    }
}

/* ---- input from the child --------------------------------------------------------------- */

static void read_output(run *r) {
    char buf[65536];
    ssize_t n = read(r->child.output_fd, buf, sizeof buf);
    if (n > 0) {
        al_lines_feed(&r->output, buf, (size_t)n);
        r->dirty = 1;
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        close(r->child.output_fd);
        r->child.output_fd = -1;
        al_lines_flush(&r->output);
        r->dirty = 1;
    }
}

static void on_signal(run *r, int sig) {
    if (sig == SIGCHLD) {
        if (r->have_child && al_child_poll(&r->child)) {
            r->dirty = 1;
            if (r->v.stepping) r->v.stepping = 0;
        }
    } else if (sig == SIGWINCH) {
        r->dirty = 1;
    } else {
        r->quit = 1;
        r->quit_signal = sig;
    }
}

/* ---- time passing ------------------------------------------------------------------------- */

/* Replay: move the cursor to the events due at the playback time. */
static void play(run *r, int64_t wall) {
    al_view *v = &r->v;
    if (!v->playing || v->paused) return;
    r->play_t += (double)(wall - r->play_wall) * v->speed;
    r->play_wall = wall;
    al_section *sec = al_session_current(&r->s);
    size_t cursor = r->s.cursor;
    size_t end = sec ? sec->end : r->s.nev;
    while (cursor < end && (double)r->s.ev[cursor].ev.t <= r->play_t) cursor++;
    if (cursor == end && cursor < r->s.nev && sec &&
        r->play_t >= (double)sec->model.last_t + LINGER_US * v->speed) {
        /* This program is over (and was shown over for a moment): the
         * next one starts on its own clock. */
        cursor++;
        r->play_t = (double)r->s.ev[cursor - 1].ev.t;
    }
    if (cursor != r->s.cursor) {
        al_session_seek(&r->s, cursor);
        r->dirty = 1;
    }
    if (r->s.cursor >= r->s.nev) {
        v->playing = 0;
        v->paused = 1;
        r->dirty = 1;
    }
}

/* How long poll may sleep, in ms (-1: until something happens). */
static int sleep_ms(run *r, int64_t wall) {
    if (r->have_ingest && r->in.more) return 0;
    if (!r->replay && !r->s.hold && r->s.qlen) return 0;
    int64_t until = INT64_MAX;
    if (r->dirty) until = r->next_frame;
    if (r->message[0] && r->message_until < until) until = r->message_until;
    /* The events-per-second figure falls back to 0 once events stop. */
    if (r->v.events_per_s > 0 && r->rate_start + 1000000 < until) until = r->rate_start + 1000000;
    const al_view *v = &r->v;
    int64_t scale = v->drawn_scale > 0 ? v->drawn_scale : 100000;
    if (r->replay && v->playing && !v->paused) {
        /* Next event due, or the picture moves a column. */
        int64_t step = (int64_t)((double)scale / v->speed);
        al_section *sec = al_session_current(&r->s);
        if (r->s.cursor < r->s.nev && sec) {
            /* The next event of this program, or the next program after
             * the pause at the end of this one. */
            double at = r->s.cursor < sec->end ? (double)r->s.ev[r->s.cursor].ev.t
                                               : (double)sec->model.last_t + LINGER_US * v->speed;
            double due = (at - r->play_t) / v->speed;
            if (due < (double)step) step = due > 0 ? (int64_t)due : 0;
        }
        if (wall + step < until) until = wall + step;
    } else if (!r->replay && v->model && !v->paused && live_running(r) &&
               v->model->clock == AL_CLOCK_REAL && v->follow) {
        /* A live program's time runs on even when it says nothing. */
        int64_t into = v->now - v->drawn_t0;
        int64_t step = scale - (into >= 0 ? into % scale : 0);
        if (wall + step < until) until = wall + step;
    }
    if (until == INT64_MAX) return -1;
    if (until < r->next_frame) until = r->next_frame;   /* never above 30 frames a second */
    int64_t ms = (until - wall + 999) / 1000;
    return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
}

static void frame(run *r, int64_t wall) {
    int w, h;
    al_term_size(&w, &h);
    if (w != r->cells.w || h != r->cells.h) al_cells_resize(&r->cells, w, h);
    update_view(r, wall);
    al_view_render(&r->v, &r->cells);
    al_term_draw(&r->cells);
    r->dirty = 0;
    r->next_frame = wall + FRAME_US;
}

/* ---- setting up and tearing down -------------------------------------------------------- */

static int start_live(run *r, char *err, size_t errsize) {
    const al_run_options *o = r->o;
    if (o->record) {
        r->record = fopen(o->record, "w");
        if (!r->record) {
            snprintf(err, errsize, "cannot write %s: %s", o->record, strerror(errno));
            return -1;
        }
    }
    al_child_options co = {.argv = o->argv, .cwd = o->cwd, .env = o->env, .step = 1, .step_paused = o->step};
    int rc = al_child_spawn(&r->child, &co);
    if (rc < 0) {
        snprintf(err, errsize, "cannot start %s: %s", o->argv[0], strerror(-rc));
        return -1;
    }
    r->have_child = 1;
    rc = al_ingest_open(&r->in, r->child.trace_fd, r->record);
    if (rc < 0) {
        snprintf(err, errsize, "cannot read the trace: %s", strerror(-rc));
        return -1;
    }
    r->child.trace_fd = -1;   /* the ingest owns it now */
    r->have_ingest = 1;
    if (o->step) {
        r->v.stepping = 1;
        say(r, "Slow motion: the program's loop waits before each iteration. s runs one, c lets it run.");
    }
    return 0;
}

static int start_replay(run *r, char *err, size_t errsize) {
    FILE *fp = fopen(r->o->replay, "r");
    if (!fp) {
        snprintf(err, errsize, "%s: %s", r->o->replay, strerror(errno));
        return -1;
    }
    int rc = al_session_load(&r->s, fp);
    fclose(fp);
    if (rc < 0) {
        al_error_at(err, errsize, r->o->replay, r->s.error);
        return -1;
    }
    if (r->s.nev == 0) {
        snprintf(err, errsize, "%s: the trace is empty", r->o->replay);
        return -1;
    }
    r->s.error[0] = '\0';
    /* Open at the first event, paused: the person starts it (space) or
     * walks it (n). Opening it playing meant it was over before anyone
     * had found the keys. */
    replay_seek(r, r->s.nsec ? r->s.sec[0].first + 1 : 1);
    r->v.paused = 1;
    r->v.playing = 0;
    return 0;
}

static void finish(run *r) {
    if (r->have_child) al_child_stop(&r->child, STOP_GRACE_MS);
    if (r->have_ingest) al_ingest_close(&r->in);
    if (r->record) fclose(r->record);
    al_lines_free(&r->output);
    al_lines_free(&r->notes);
    al_cells_free(&r->cells);
    al_view_free(&r->v);
    al_session_free(&r->s);
}

int al_view_run(const al_run_options *o) {
    static run zero;
    run *r = malloc(sizeof *r);
    if (!r) return 1;
    *r = zero;
    r->o = o;
    r->replay = o->replay != NULL;
    al_session_init(&r->s);
    if (o->max_events > 0) r->s.max_applied = (uint64_t)o->max_events;
    if (o->max_events < 0) r->s.max_applied = 0;
    al_view_init(&r->v, r->replay ? AL_VIEW_REPLAY : AL_VIEW_LIVE);
    al_lines_init(&r->output, OUTPUT_LINES);
    al_lines_init(&r->notes, 100000);
    al_cells_init(&r->cells);
    r->v.title = o->title;
    r->v.output = r->replay ? NULL : &r->output;
    if (o->notes && al_lines_load_markdown(&r->notes, o->notes) == 0) {
        r->v.notes = &r->notes;
        r->v.bottom = AL_PANEL_NOTES;
    }
    if (o->untraced)   /* nothing to draw: the output is the show, and the keys act on it */
        r->v.bottom = r->v.focus = AL_PANEL_OUTPUT;
    int status = 0;
    char err[512] = "";
    /* A trace file is read whole before the screen is touched: a broken
     * one is reported on a plain terminal, with its line number. */
    int opened_here = !al_term_is_open();
    if (r->replay && start_replay(r, err, sizeof err) < 0) {
        fprintf(stderr, "asynclab view: %s\n", err);
        finish(r);
        free(r);
        return 1;
    }
    if (opened_here) {
        al_term_options to = {.ascii = o->ascii, .no_color = o->no_color};
        if (al_term_open(&to, &r->v.ascii, err, sizeof err) < 0) {
            fprintf(stderr, "asynclab view: %s\n", err);
            finish(r);
            free(r);
            return 1;
        }
    } else {
        r->v.ascii = o->ascii || r->v.ascii;
    }
    /* The terminal is ours from here: every way out goes through the end. */
    if (!r->replay && start_live(r, err, sizeof err) < 0) {
        status = 1;
        goto out;
    }
    if (r->replay) r->play_wall = al_wall_us();
    r->rate_start = al_wall_us();
    r->dirty = 1;
    al_term_invalidate();

    while (!r->quit) {
        int64_t wall = al_wall_us();
        struct pollfd p[4];
        int np = 0, i_key = -1, i_trace = -1, i_out = -1;
        p[np++] = (struct pollfd){.fd = al_signals_fd(), .events = POLLIN};   /* read below, always */
        p[np] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
        i_key = np++;
        if (r->have_ingest && r->in.fd >= 0 && !r->in.more) {
            p[np] = (struct pollfd){.fd = r->in.fd, .events = POLLIN};
            i_trace = np++;
        }
        if (r->have_child && r->child.output_fd >= 0) {
            p[np] = (struct pollfd){.fd = r->child.output_fd, .events = POLLIN};
            i_out = np++;
        }
        int n = poll(p, (nfds_t)np, sleep_ms(r, wall));
        if (n < 0 && errno != EINTR) break;
        wall = al_wall_us();
        int sig;
        while ((sig = al_signals_take()) != 0) on_signal(r, sig);
        if (n > 0 && (p[i_key].revents & (POLLIN | POLLHUP | POLLERR))) read_keys(r);
        else if (n < 0) read_keys(r);   /* a resize interrupts poll: ncurses has the key */
        if (n > 0 && (p[i_key].revents & (POLLHUP | POLLERR | POLLNVAL)) && !r->quit) {
            r->quit = 1;                /* the terminal is gone (a closed window): nobody to show */
            r->quit_signal = SIGHUP;
        }
        if (r->quit) break;
        if (r->have_ingest && (r->in.more || (i_trace >= 0 && p[i_trace].revents))) {
            if (al_ingest_pump(&r->in, &r->s, PUMP_BYTES, PUMP_EVENTS, wall) > 0 || r->in.fd < 0)
                r->dirty = 1;
        }
        if (i_out >= 0 && p[i_out].revents) read_output(r);
        if (!r->replay && !r->s.hold && r->s.qlen) {
            al_session_release(&r->s, RELEASE_EVENTS);
            r->dirty = 1;
        }
        if (r->replay) play(r, wall);
        /* Time-driven changes: the live clock, messages, the rate. */
        if (!r->dirty) {
            if (r->message[0] && wall >= r->message_until) r->message[0] = '\0', r->dirty = 1;
            else if (n == 0) r->dirty = 1;   /* the timer went off: something is due */
        }
        if (r->dirty && wall >= r->next_frame) frame(r, wall);
    }
    if (r->quit_signal) status = 128 + r->quit_signal;

out:
    if (opened_here) al_term_close();
    if (err[0]) fprintf(stderr, "asynclab view: %s\n", err);
    if (r->replay && r->s.truncated)
        fprintf(stderr,
                "asynclab view: %s has more than %llu events; the replay showed the first %llu "
                "(--max-events N loads more; asynclab timeline and export do not keep the events)\n",
                r->o->replay, (unsigned long long)r->s.max_applied, (unsigned long long)r->s.max_applied);
    if (!r->replay && r->s.over_limit)
        fprintf(stderr,
                "asynclab view: the history limit (%llu events) was reached; the %llu events after it "
                "were not shown (--max-events N keeps more, --record FILE keeps them all)\n",
                (unsigned long long)r->s.max_applied, (unsigned long long)r->s.over_limit);
    if (!r->replay && (r->s.bad_lines || r->s.refused)) {
        fprintf(stderr, "asynclab view: trace %s (bad lines: %llu, events out of place: %llu)\n", r->s.error,
                (unsigned long long)r->s.bad_lines, (unsigned long long)r->s.refused);
        if (status == 0) status = 1;
    }
    finish(r);
    free(r);
    return status;
}
