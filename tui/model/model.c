/* model.c — trace events folded into timeline state (contract: model.h).
 *
 * Every event goes through the same four steps, so that a bad event leaves
 * the model exactly as it was: check it against what came before, put its
 * log line into words (from the state before the change), reserve every byte
 * it will need, and only then change the lanes. A live viewer applies events
 * as they arrive and may skip one it is refused, so "refused" must mean
 * "nothing happened".
 *
 * Speed matters (a server trace runs to millions of events): a task's lane is
 * found through an open-addressing hash table, spans and log lines are
 * appended to arrays that double, and log texts are carved from an arena of
 * large chunks rather than one malloc each.
 */
#include "model.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "asynclab/error.h"
#include "asynclab/task.h"   /* al_task_kind */
#include "asynclab/text.h"   /* al_utf8_len */

/* Times beyond this are refused, so sums and differences never overflow. */
#define TIME_LIMIT (INT64_C(1) << 60)
/* Section offsets stay below this, so shifted times stay below 2^61. */
#define OFFSET_LIMIT (INT64_C(1) << 60)
#define MAX_DEPTH 8
/* Output lines are kept whole in m->output; their log line quotes this much. */
#define LOG_QUOTE_MAX 160
#define ARENA_CHUNK (64 * 1024)

/* Words for the enums the trace uses (asynclab/task.h, asynclab/loop.h). */
enum { CLOCK_VIRTUAL = 1 };
enum { WAKE_SPAWN = 0, WAKE_TIMER, WAKE_FD, WAKE_TASK, WAKE_FUTURE, WAKE_CANCEL, WAKE_YIELD };
enum { WAIT_NONE = 0, WAIT_SLEEP, WAIT_YIELD, WAIT_READ, WAIT_WRITE, WAIT_JOIN, WAIT_FUTURE };

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
} chunk;

struct al_model_private {
    /* task id -> lane index, for the current section; key 0 marks a free slot
     * (task 0 is the loop, never stored) */
    uint64_t *keys;
    uint32_t *vals;
    size_t cap, used;
    chunk *arena;
};

/* ---- small helpers --------------------------------------------------------- */

/* Refuse an event: say why, count it, change nothing else. */
__attribute__((format(printf, 2, 3)))
static int fail(al_model *m, const char *fmt, ...) {
    m->dropped++;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->error, sizeof m->error, fmt, ap);
    va_end(ap);
    return -EPROTO;
}

static int64_t add_sat(int64_t a, int64_t b) {
    if (b > 0 && a > INT64_MAX - b) return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b) return INT64_MIN;
    return a + b;
}

/* Room for one more element in a doubling array: the array (moved, maybe),
 * or NULL with nothing changed when memory is short. */
static void *grow(void *items, size_t *cap, size_t n, size_t size, size_t first) {
    if (n < *cap) return items;
    size_t ncap = *cap ? *cap * 2 : first;
    if (ncap > SIZE_MAX / size) return NULL;
    void *p = realloc(items, ncap * size);
    if (p) *cap = ncap;
    return p;
}

/* A trace's error value as an int for al_errname (nonsense gives "E?"). */
static int errno_of(int64_t value) {
    return value < -4095 || value > 0 ? -4095 : (int)value;
}

/* The section new tasks belong to. */
static uint32_t cur_section(const al_model *m) { return m->sections ? m->sections - 1 : 0; }

const char *al_format_seconds(int64_t us, char *buf, size_t size) {
    /* |us| < 2^63 but -INT64_MIN overflows: go through unsigned. */
    uint64_t mag = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
    snprintf(buf, size, "%s%llu.%06llu", us < 0 ? "-" : "", (unsigned long long)(mag / 1000000),
             (unsigned long long)(mag % 1000000));
    return buf;
}

/* ---- printable text -------------------------------------------------------- */

size_t al_model_sanitize(char *dst, size_t size, const char *src, size_t len) {
    if (!size) return 0;
    const unsigned char *s = (const unsigned char *)(src ? src : "");
    if (!src) len = 0;
    size_t out = 0;
    for (size_t i = 0; i < len;) {
        size_t n = al_utf8_len(s + i, len - i);
        int control = n == 1 && (s[i] < 0x20 || s[i] == 0x7f);
        int c1 = n == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0;   /* U+0080..U+009F */
        if (n == 0 || control || c1) {
            if (out + 1 >= size) break;
            dst[out++] = '?';
            i += n ? n : 1;
            continue;
        }
        if (out + n >= size) break;          /* never half a character */
        memcpy(dst + out, s + i, n);
        out += n;
        i += n;
    }
    dst[out] = '\0';
    return out;
}

/* The event's text and its length (text_len 0 means NUL-terminated). */
static size_t text_of(const al_trace_event *ev, const char **text) {
    *text = ev->text ? ev->text : "";
    return ev->text ? (ev->text_len ? ev->text_len : strlen(ev->text)) : 0;
}

/* ---- the string arena -------------------------------------------------------- */

static char *arena_alloc(al_model *m, size_t n) {
    chunk *c = m->priv->arena;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
        chunk *fresh = malloc(sizeof *fresh + cap);
        if (!fresh) return NULL;
        fresh->used = 0;
        fresh->cap = cap;
        /* A big string gets a chunk of its own behind the current one, so
         * the current chunk's free space is not wasted. */
        if (c && n > ARENA_CHUNK) {
            fresh->next = c->next;
            c->next = fresh;
        } else {
            fresh->next = c;
            m->priv->arena = fresh;
        }
        c = fresh;
    }
    char *p = c->data + c->used;
    c->used += n;
    return p;
}

static char *arena_sanitize(al_model *m, const char *src, size_t len) {
    char *p = arena_alloc(m, len + 1);
    if (p) al_model_sanitize(p, len + 1, src, len);
    return p;
}

/* ---- task id -> lane ----------------------------------------------------------- */

static size_t slot_of(uint64_t key, size_t cap) {
    key ^= key >> 33;   /* murmur3's finaliser: ids are sequential, spread them */
    key *= UINT64_C(0xff51afd7ed558ccd);
    key ^= key >> 33;
    return (size_t)key & (cap - 1);
}

static size_t index_find(const al_model *m, uint64_t task) {
    const struct al_model_private *p = m->priv;
    if (!task || !p || !p->cap) return 0;
    for (size_t i = slot_of(task, p->cap);; i = (i + 1) & (p->cap - 1)) {
        if (p->keys[i] == task) return p->vals[i];
        if (p->keys[i] == 0) return 0;
    }
}

static void index_put_slot(struct al_model_private *p, uint64_t task, uint32_t lane) {
    size_t i = slot_of(task, p->cap);
    while (p->keys[i]) i = (i + 1) & (p->cap - 1);
    p->keys[i] = task;
    p->vals[i] = lane;
    p->used++;
}

/* Room for one more entry, load factor at most 1/2. */
static int index_reserve(al_model *m) {
    struct al_model_private *p = m->priv;
    if ((p->used + 1) * 2 <= p->cap) return 0;
    size_t cap = p->cap ? p->cap * 2 : 64;
    uint64_t *keys = calloc(cap, sizeof *keys);
    uint32_t *vals = malloc(cap * sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return -ENOMEM;
    }
    struct al_model_private old = *p;
    p->keys = keys;
    p->vals = vals;
    p->cap = cap;
    p->used = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i]) index_put_slot(p, old.keys[i], old.vals[i]);
    free(old.keys);
    free(old.vals);
    return 0;
}

static void index_clear(al_model *m) {
    struct al_model_private *p = m->priv;
    if (p->cap) memset(p->keys, 0, p->cap * sizeof *p->keys);
    p->used = 0;
}

/* ---- lifetime ----------------------------------------------------------------- */

/* Lane 0, the loop. */
static int make_loop_lane(al_model *m) {
    if (m->nlanes) return 0;
    al_lane *lanes = grow(m->lanes, &m->caplanes, 0, sizeof *lanes, 16);
    if (!lanes) return -ENOMEM;
    m->lanes = lanes;
    al_lane *loop = &m->lanes[0];
    memset(loop, 0, sizeof *loop);
    strcpy(loop->name, "loop");
    loop->state = AL_LANE_RUNNING;
    loop->exited_at = AL_MODEL_OPEN;
    m->nlanes = 1;
    return 0;
}

void al_model_init(al_model *m) {
    memset(m, 0, sizeof *m);
    m->keep_log = 1;
    m->priv = calloc(1, sizeof *m->priv);
    make_loop_lane(m);   /* if memory is short, the first apply tries again */
}

void al_model_free(al_model *m) {
    if (!m) return;
    for (size_t i = 0; i < m->nlanes; i++) {
        free(m->lanes[i].spans);
        free(m->lanes[i].marks);
    }
    free(m->lanes);
    free(m->log);
    free(m->output);
    if (m->priv) {
        free(m->priv->keys);
        free(m->priv->vals);
        for (chunk *c = m->priv->arena, *next; c; c = next) {
            next = c->next;
            free(c);
        }
        free(m->priv);
    }
    memset(m, 0, sizeof *m);
}

const char *al_model_error(const al_model *m) { return m ? m->error : ""; }

al_lane *al_model_lane(al_model *m, uint64_t task) {
    if (!m || !m->nlanes) return NULL;
    if (task == 0) return &m->lanes[0];
    size_t i = index_find(m, task);
    return i ? &m->lanes[i] : NULL;
}

const char *al_lane_state_name(int state) {
    static const char *const names[AL_LANE_STATE_COUNT] = {
        "ready", "running", "waiting", "done", "cancelled", "failed", "polling"};
    return state >= 0 && state < AL_LANE_STATE_COUNT ? names[state] : "?";
}

const al_span *al_model_span_at(const al_lane *lane, int64_t t) {
    if (!lane || !lane->nspans) return NULL;
    /* the last span starting at or before t */
    size_t lo = 0, hi = lane->nspans;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lane->spans[mid].start <= t) lo = mid + 1; else hi = mid;
    }
    if (lo == 0) return NULL;
    const al_span *s = &lane->spans[lo - 1];
    return t < s->end ? s : NULL;
}

int64_t al_span_end(const al_model *m, const al_span *span) {
    if (span->end != AL_MODEL_OPEN) return span->end;
    return m->last_t > span->start ? m->last_t : span->start;
}

const char *al_lane_kind_text(int kind) {
    switch (kind) {
    case AL_TASK_FIBER: return "fiber (own stack)";
    case AL_TASK_PLAIN: return "plain code, no coroutine (blocking calls)";
    default: return "stackless (a generator)";
    }
}

const char *al_lane_label(const al_lane *lane, char *buf, size_t size) {
    if (lane->task == 0) snprintf(buf, size, "loop");
    else if (lane->name[0]) snprintf(buf, size, "%s", lane->name);
    else snprintf(buf, size, "task %llu", (unsigned long long)lane->task);
    return buf;
}

/* ---- words ----------------------------------------------------------------------- */

static const char *cause_words(const al_span *s, char *buf, size_t size) {
    switch (s->reason) {
    case WAKE_SPAWN: return "first run";
    case WAKE_TIMER: return "timer fired";
    case WAKE_FD: snprintf(buf, size, "fd %d ready", (int)s->fd); return buf;
    case WAKE_TASK: snprintf(buf, size, "woken by task %llu", (unsigned long long)s->other); return buf;
    case WAKE_FUTURE: return "future done";
    case WAKE_CANCEL: return "cancelled";
    case WAKE_YIELD: return "after a yield";
    default: return "woken";
    }
}

const char *al_span_op_words(const al_span *s, char *buf, size_t size) {
    static const char *const ops[] = {NULL, "recv", "send", "accept"};
    if (s->op == AL_SPAN_OP_NONE || s->op >= sizeof ops / sizeof ops[0]) return NULL;
    snprintf(buf, size, "%s fd %d (%s)", ops[s->op], (int)s->fd,
             s->in_kernel ? "in the kernel" : "once ready");
    return buf;
}

static uint8_t span_op(const al_trace_event *ev) {
    if (!ev->text2 || (ev->reason != WAIT_READ && ev->reason != WAIT_WRITE)) return AL_SPAN_OP_NONE;
    if (strcmp(ev->text2, "recv") == 0) return AL_SPAN_OP_RECV;
    if (strcmp(ev->text2, "send") == 0) return AL_SPAN_OP_SEND;
    if (strcmp(ev->text2, "accept") == 0) return AL_SPAN_OP_ACCEPT;
    return AL_SPAN_OP_NONE;
}

const char *al_span_describe(const al_span *s, char *buf, size_t size) {
    char tmp[48];
    switch (s->state) {
    case AL_LANE_READY:
        snprintf(buf, size, "ready (%s)", cause_words(s, tmp, sizeof tmp));
        break;
    case AL_LANE_RUNNING: snprintf(buf, size, "running"); break;
    case AL_LANE_WAITING:
        switch (s->reason) {
        case WAIT_SLEEP: snprintf(buf, size, "sleep until %s s", al_format_seconds(s->until, tmp, sizeof tmp)); break;
        case WAIT_YIELD: snprintf(buf, size, "yield"); break;
        case WAIT_READ:
        case WAIT_WRITE:
            if (al_span_op_words(s, buf, size)) break;
            snprintf(buf, size, "%s fd %d", s->reason == WAIT_READ ? "read" : "write", (int)s->fd);
            break;
        case WAIT_JOIN: snprintf(buf, size, "join task %llu", (unsigned long long)s->other); break;
        case WAIT_FUTURE: snprintf(buf, size, "future"); break;
        default: snprintf(buf, size, "waiting"); break;
        }
        break;
    case AL_LANE_DONE: snprintf(buf, size, "done"); break;
    case AL_LANE_CANCELLED: snprintf(buf, size, "cancelled"); break;
    case AL_LANE_FAILED:
        snprintf(buf, size, "failed: %s", al_errname(errno_of(s->value)));
        break;
    case AL_LANE_POLLING:
        if (s->value < 0) snprintf(buf, size, "poll (no timeout)");
        else snprintf(buf, size, "poll (timeout %lld ms)", (long long)s->value);
        break;
    default: snprintf(buf, size, "?"); break;
    }
    return buf;
}

/* ---- spans --------------------------------------------------------------------- */

static al_span *current_span(al_lane *lane) {
    if (!lane->nspans) return NULL;
    al_span *s = &lane->spans[lane->nspans - 1];
    return s->end == AL_MODEL_OPEN ? s : NULL;
}

static void close_span(al_model *m, al_lane *lane, int64_t t) {
    al_span *s = current_span(lane);
    if (!s) return;
    s->end = t;
    int64_t d = t - s->start;
    if (s->state == AL_LANE_RUNNING) {
        lane->busy_us = add_sat(lane->busy_us, d);
        m->lanes[0].busy_us = add_sat(m->lanes[0].busy_us, d);   /* the loop ran it */
    } else if (s->state == AL_LANE_READY || s->state == AL_LANE_WAITING ||
               s->state == AL_LANE_POLLING) {
        lane->idle_us = add_sat(lane->idle_us, d);
    }
}

/* Close the current span and open one in `state` (room was reserved). */
static al_span *open_span(al_model *m, al_lane *lane, int64_t t, int state) {
    close_span(m, lane, t);
    al_span *s = &lane->spans[lane->nspans++];
    *s = (al_span){.start = t, .end = AL_MODEL_OPEN, .state = (uint8_t)state, .fd = -1,
                   .seq = m->events + 1};
    lane->state = (uint8_t)state;
    return s;
}

static int reserve_span(al_lane *lane) {
    al_span *spans = grow(lane->spans, &lane->capspans, lane->nspans, sizeof *spans, 8);
    if (!spans) return -ENOMEM;
    lane->spans = spans;
    return 0;
}

static int reserve_mark(al_lane *lane) {
    al_mark *marks = grow(lane->marks, &lane->capmarks, lane->nmarks, sizeof *marks, 4);
    if (!marks) return -ENOMEM;
    lane->marks = marks;
    return 0;
}

static void add_mark(al_lane *lane, al_mark mark) { lane->marks[lane->nmarks++] = mark; }

/* ---- applying events ------------------------------------------------------------ */

/* One event in the making: its shifted time, its lane, its log line. */
typedef struct pending {
    int64_t t;
    al_lane *lane;
    size_t lane_index;
    char log[320];
} pending;

__attribute__((format(printf, 2, 3)))
static void say(pending *p, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->log, sizeof p->log, fmt, ap);
    va_end(ap);
}

static const char *verb_of(int type) {
    switch (type) {
    case AL_EV_READY: return "made ready";
    case AL_EV_RESUME: return "resumed";
    case AL_EV_SUSPEND: return "suspended";
    default: return "ended";
    }
}

/* The lane of a ready/resume/suspend/exit event, or an error. */
static int task_lane(al_model *m, const al_trace_event *ev, pending *p) {
    const char *what = al_event_type_name(ev->type);
    if (ev->task == 0) return fail(m, "%s event for task 0 (0 is the loop, not a task)", what);
    size_t i = index_find(m, ev->task);
    if (!i) return fail(m, "%s of unknown task %llu (never spawned)", what, (unsigned long long)ev->task);
    al_lane *lane = &m->lanes[i];
    if (lane->exited_at != AL_MODEL_OPEN)
        return fail(m, "task %llu %s after it %s", (unsigned long long)ev->task, verb_of(ev->type),
                    lane->state >= AL_LANE_DONE && lane->state <= AL_LANE_FAILED ? "exited"
                                                                                : "ended with its loop");
    p->lane = lane;
    p->lane_index = i;
    return reserve_span(lane);
}

/* An optional task field (timer, output, slow): its lane, else the loop's. */
static al_lane *lane_or_loop(al_model *m, uint64_t task, int *unknown) {
    size_t i = index_find(m, task);
    *unknown = task != 0 && i == 0;
    return &m->lanes[i];
}

static int need_word(al_model *m, const al_trace_event *ev, const char *field) {
    if (al_trace_reason_name(ev->type, ev->reason)) return 0;
    return fail(m, "%s event with an unknown \"%s\" (%u)", al_event_type_name(ev->type), field,
                (unsigned)ev->reason);
}

static int apply_hello(al_model *m, const al_trace_event *ev, pending *p, int new_section) {
    int rc = need_word(m, ev, "clock");
    if (rc < 0) return rc;
    const char *text;
    size_t len = text_of(ev, &text);
    char program[64], backend[48];
    al_model_sanitize(program, sizeof program, text, len);
    al_model_sanitize(backend, sizeof backend, ev->text2 ? ev->text2 : "", ev->text2 ? strlen(ev->text2) : 0);
    say(p, "%s %s (%s%s%s clock, pid %lld)", new_section ? "a new loop writes the trace:" : "trace of",
        program[0] ? program : "a program", backend, backend[0] ? " backend, " : "",
        al_trace_reason_name(AL_EV_HELLO, ev->reason), (long long)ev->other);
    if (!new_section || !m->program[0]) {
        memcpy(m->program, program, sizeof program);
        memcpy(m->backend, backend, sizeof backend);
        m->clock = ev->reason;
        m->pid = (int64_t)ev->other;
    }
    if (new_section) {
        /* The previous loop is gone: what it left open ends here. */
        for (size_t i = 1; i < m->nlanes; i++) {
            al_lane *lane = &m->lanes[i];
            if (lane->section != cur_section(m) || lane->exited_at != AL_MODEL_OPEN) continue;
            close_span(m, lane, p->t);
            lane->exited_at = p->t;
            if (m->tasks_alive) m->tasks_alive--;
        }
        close_span(m, &m->lanes[0], p->t);
        m->lanes[0].state = AL_LANE_RUNNING;
        index_clear(m);
        if (m->sections == 0) m->sections = 1;   /* events came before any hello */
    }
    m->sections++;
    return 0;
}

static int apply_spawn(al_model *m, const al_trace_event *ev, pending *p) {
    if (ev->task == 0) return fail(m, "spawn event for task 0 (0 is the loop, not a task)");
    if (index_find(m, ev->task)) return fail(m, "task %llu spawned twice", (unsigned long long)ev->task);
    int rc = need_word(m, ev, "kind");
    if (rc < 0) return rc;
    if (m->nlanes >= UINT32_MAX) return fail(m, "too many tasks");
    al_lane *lanes = grow(m->lanes, &m->caplanes, m->nlanes, sizeof *lanes, 16);
    if (!lanes) return -ENOMEM;
    m->lanes = lanes;
    if (index_reserve(m) < 0) return -ENOMEM;
    al_span *spans = malloc(4 * sizeof *spans);
    if (!spans) return -ENOMEM;

    al_lane *lane = &m->lanes[m->nlanes];
    memset(lane, 0, sizeof *lane);
    const char *text;
    size_t len = text_of(ev, &text);
    al_model_sanitize(lane->name, sizeof lane->name, text, len);
    lane->task = ev->task;
    lane->kind = (uint8_t)ev->reason;
    lane->parent = ev->other;
    lane->spans = spans;
    lane->capspans = 4;
    lane->spawned_at = p->t;
    lane->exited_at = AL_MODEL_OPEN;
    lane->section = cur_section(m);
    size_t parent = index_find(m, ev->other);
    lane->parent_lane = parent;
    if (parent) {
        uint32_t d = m->lanes[parent].depth + 1;
        lane->depth = d > MAX_DEPTH ? MAX_DEPTH : d;
    }
    al_span *s = open_span(m, lane, p->t, AL_LANE_READY);
    s->reason = WAKE_SPAWN;
    s->other = ev->other;
    index_put_slot(m->priv, ev->task, (uint32_t)m->nlanes);
    m->nlanes++;
    m->tasks_alive++;

    char by[40] = "";
    if (ev->other) snprintf(by, sizeof by, " by task %llu", (unsigned long long)ev->other);
    say(p, "task %llu \"%s\" spawned%s (%s)", (unsigned long long)ev->task, lane->name, by,
        al_trace_reason_name(AL_EV_SPAWN, ev->reason));
    return 0;
}

static int apply_ready(al_model *m, const al_trace_event *ev, pending *p) {
    int rc = task_lane(m, ev, p);
    if (rc < 0) return rc;
    if ((rc = need_word(m, ev, "by")) < 0) return rc;
    al_lane *lane = p->lane;
    al_span probe = {.state = AL_LANE_READY, .reason = (uint8_t)ev->reason, .fd = ev->fd,
                     .other = ev->other};
    char why[48];
    say(p, "task %llu ready — %s", (unsigned long long)ev->task, cause_words(&probe, why, sizeof why));
    al_span *cur = current_span(lane);
    if (lane->state == AL_LANE_READY) {
        /* Already queued ("ready by spawn" right after the spawn): the new
         * cause replaces the old only if nothing happened in between. */
        if (cur && cur->start == p->t) {
            cur->reason = probe.reason;
            cur->fd = probe.fd;
            cur->other = probe.other;
        }
        return 0;
    }
    if (lane->state != AL_LANE_WAITING) m->gaps++;
    al_span *s = open_span(m, lane, p->t, AL_LANE_READY);
    s->reason = probe.reason;
    s->fd = ev->reason == WAKE_FD ? ev->fd : -1;
    s->other = ev->reason == WAKE_TASK ? ev->other : 0;
    return 0;
}

static int apply_resume(al_model *m, const al_trace_event *ev, pending *p) {
    int rc = task_lane(m, ev, p);
    if (rc < 0) return rc;
    al_lane *lane = p->lane;
    al_span *cur = current_span(lane);
    char why[48];
    if (lane->state == AL_LANE_READY && cur)
        say(p, "task %llu resumed — %s", (unsigned long long)ev->task, cause_words(cur, why, sizeof why));
    else
        say(p, "task %llu resumed", (unsigned long long)ev->task);
    if (lane->state != AL_LANE_READY) m->gaps++;
    open_span(m, lane, p->t, AL_LANE_RUNNING);
    lane->resumes++;
    return 0;
}

static int apply_suspend(al_model *m, const al_trace_event *ev, pending *p) {
    int rc = task_lane(m, ev, p);
    if (rc < 0) return rc;
    if ((rc = need_word(m, ev, "reason")) < 0) return rc;
    int64_t until = 0;
    if (ev->reason == WAIT_SLEEP) {
        if (ev->value < -TIME_LIMIT || ev->value > TIME_LIMIT)
            return fail(m, "suspend event with \"until\" out of range");
        until = ev->value + m->offset;
    }
    uint8_t op = span_op(ev);
    al_span probe = {.state = AL_LANE_WAITING, .reason = (uint8_t)ev->reason, .op = op,
                     .in_kernel = op && ev->other == 1,
                     .fd = ev->reason == WAIT_READ || ev->reason == WAIT_WRITE ? ev->fd : -1,
                     .other = ev->reason == WAIT_JOIN ? ev->other : 0, .until = until};
    char what[64];
    say(p, "task %llu waits — %s", (unsigned long long)ev->task, al_span_describe(&probe, what, sizeof what));
    al_lane *lane = p->lane;
    if (lane->state != AL_LANE_RUNNING) m->gaps++;
    al_span *s = open_span(m, lane, p->t, AL_LANE_WAITING);
    s->reason = probe.reason;
    s->op = probe.op;
    s->in_kernel = probe.in_kernel;
    s->fd = probe.fd;
    s->other = probe.other;
    s->until = probe.until;
    return 0;
}

static int apply_exit(al_model *m, const al_trace_event *ev, pending *p) {
    int rc = task_lane(m, ev, p);
    if (rc < 0) return rc;
    if ((rc = need_word(m, ev, "status")) < 0) return rc;
    int err = errno_of(ev->value);
    int state = ev->reason == AL_EXIT_OK          ? AL_LANE_DONE
                : ev->reason == AL_EXIT_CANCELLED ? AL_LANE_CANCELLED
                                                  : AL_LANE_FAILED;
    if (state == AL_LANE_DONE)
        say(p, "task %llu finished", (unsigned long long)ev->task);
    else if (state == AL_LANE_CANCELLED)
        say(p, "task %llu cancelled", (unsigned long long)ev->task);
    else
        say(p, "task %llu failed: %s (%lld)", (unsigned long long)ev->task, al_errname(err),
            (long long)ev->value);
    al_lane *lane = p->lane;
    if (lane->state != AL_LANE_RUNNING) m->gaps++;
    al_span *s = open_span(m, lane, p->t, state);
    s->value = ev->value;
    lane->exited_at = p->t;
    lane->error = ev->value;
    if (m->tasks_alive) m->tasks_alive--;
    return 0;
}

static int apply_poll_begin(al_model *m, const al_trace_event *ev, pending *p) {
    al_lane *loop = &m->lanes[0];
    if (reserve_span(loop) < 0) return -ENOMEM;
    if (ev->value < 0) say(p, "loop polls (no timeout)");
    else if (ev->value == 0) say(p, "loop polls (timeout 0: something is ready)");
    else say(p, "loop polls (timeout %lld ms)", (long long)ev->value);
    if (loop->state == AL_LANE_POLLING) m->gaps++;
    al_span *s = open_span(m, loop, p->t, AL_LANE_POLLING);
    s->value = ev->value;
    m->iterations++;
    return 0;
}

static int apply_poll_end(al_model *m, const al_trace_event *ev, pending *p) {
    al_lane *loop = &m->lanes[0];
    if (ev->submitted || ev->completed)
        say(p, "loop poll returned: %lld ready; %u submitted, %u completed in the ring",
            (long long)ev->value, (unsigned)ev->submitted, (unsigned)ev->completed);
    else
        say(p, "loop poll returned: %lld ready", (long long)ev->value);
    m->submitted += ev->submitted;
    m->completed += ev->completed;
    if (loop->state != AL_LANE_POLLING) m->gaps++;
    close_span(m, loop, p->t);
    loop->state = AL_LANE_RUNNING;
    return 0;
}

static int apply_mark(al_model *m, const al_trace_event *ev, pending *p) {
    int unknown;
    al_lane *lane = lane_or_loop(m, ev->task, &unknown);
    al_lane *loop = &m->lanes[0];
    if (reserve_mark(lane) < 0 || reserve_mark(loop) < 0) return -ENOMEM;
    char *out_text = NULL;
    const char *text;
    size_t len = text_of(ev, &text);
    char a[32], b[32];
    switch (ev->type) {
    case AL_EV_TIMER: {
        if (ev->value < -TIME_LIMIT || ev->value > TIME_LIMIT)
            return fail(m, "timer event with \"deadline\" out of range");
        int64_t due = ev->value + m->offset;
        if (ev->task)
            say(p, "timer fired for task %llu (due %s s, %s s late)", (unsigned long long)ev->task,
                al_format_seconds(due, a, sizeof a), al_format_seconds(p->t - due, b, sizeof b));
        else
            say(p, "timer fired for a callback (due %s s)", al_format_seconds(due, a, sizeof a));
        add_mark(lane, (al_mark){.t = p->t, .type = AL_EV_TIMER, .fd = -1, .value = due, .task = ev->task});
        break;
    }
    case AL_EV_FD_READY:
        say(p, "fd %d ready%s%s", (int)ev->fd, ev->value & 1 ? " to read" : "",
            (ev->value & 3) == 3 ? " and write" : ev->value & 2 ? " to write" : "");
        add_mark(loop, (al_mark){.t = p->t, .type = AL_EV_FD_READY, .fd = ev->fd, .value = ev->value});
        break;
    case AL_EV_OUTPUT: {
        al_log_entry *output = grow(m->output, &m->capoutput, m->noutput, sizeof *output, 64);
        if (!output) return -ENOMEM;
        m->output = output;
        char quote[LOG_QUOTE_MAX + 1];
        size_t q = al_model_sanitize(quote, sizeof quote, text, len);
        if (ev->task)
            say(p, "task %llu printed: %s%s", (unsigned long long)ev->task, quote, q < len ? "…" : "");
        else
            say(p, "the program printed: %s%s", quote, q < len ? "…" : "");
        if (!(out_text = arena_sanitize(m, text, len))) return -ENOMEM;
        m->output[m->noutput] = (al_log_entry){.t = p->t, .task = ev->task, .type = AL_EV_OUTPUT,
                                               .text = out_text};
        add_mark(lane, (al_mark){.t = p->t, .type = AL_EV_OUTPUT, .fd = -1,
                                 .value = (int64_t)m->noutput, .task = ev->task});
        m->noutput++;
        break;
    }
    default: {   /* AL_EV_SLOW */
        if (ev->task)
            say(p, "task %llu held the loop for %s s — nothing else could run",
                (unsigned long long)ev->task, al_format_seconds(ev->value, a, sizeof a));
        else
            say(p, "a callback held the loop for %s s — nothing else could run",
                al_format_seconds(ev->value, a, sizeof a));
        al_mark mark = {.t = p->t, .type = AL_EV_SLOW, .fd = -1, .value = ev->value, .task = ev->task};
        add_mark(lane, mark);
        lane->slow_warnings++;
        if (lane != loop) {
            add_mark(loop, mark);
            loop->slow_warnings++;
        }
        break;
    }
    }
    if (unknown) m->gaps++;
    return 0;
}

int al_model_apply(al_model *m, const al_trace_event *ev) {
    if (!m || !ev) return -EINVAL;
    if (!m->priv && !(m->priv = calloc(1, sizeof *m->priv))) return -ENOMEM;
    if (make_loop_lane(m) < 0) return -ENOMEM;
    if (m->ended) return fail(m, "%s event after the end of the stream", al_event_type_name(ev->type));
    if (ev->type >= AL_EV__COUNT) return fail(m, "unknown event type %u", (unsigned)ev->type);
    const char *name = al_event_type_name(ev->type);
    if (ev->t < -TIME_LIMIT || ev->t > TIME_LIMIT)
        return fail(m, "%s event at t %lld: out of range", name, (long long)ev->t);

    int new_section = ev->type == AL_EV_HELLO && m->events > 0;
    int64_t offset = new_section ? m->last_t - ev->t : m->offset;
    if (offset < -OFFSET_LIMIT || offset > OFFSET_LIMIT)
        return fail(m, "hello at t %lld: too far from the previous section", (long long)ev->t);
    pending p = {.t = ev->t + offset};
    if (m->events > 0 && p.t < m->last_t)
        return fail(m, "time goes backwards: %s event at t %lld after t %lld", name, (long long)ev->t,
                    (long long)(m->last_t - m->offset));
    if (m->keep_log) {
        al_log_entry *log = grow(m->log, &m->caplog, m->nlog, sizeof *log, 256);
        if (!log) return -ENOMEM;
        m->log = log;
    }

    /* The handlers check, reserve, then change; on error nothing changed. But
     * a hello's new offset must be in place for the events after it only. */
    int rc;
    switch (ev->type) {
    case AL_EV_HELLO: rc = apply_hello(m, ev, &p, new_section); break;
    case AL_EV_SPAWN: rc = apply_spawn(m, ev, &p); break;
    case AL_EV_READY: rc = apply_ready(m, ev, &p); break;
    case AL_EV_RESUME: rc = apply_resume(m, ev, &p); break;
    case AL_EV_SUSPEND: rc = apply_suspend(m, ev, &p); break;
    case AL_EV_EXIT: rc = apply_exit(m, ev, &p); break;
    case AL_EV_POLL_BEGIN: rc = apply_poll_begin(m, ev, &p); break;
    case AL_EV_POLL_END: rc = apply_poll_end(m, ev, &p); break;
    default: rc = apply_mark(m, ev, &p); break;
    }
    if (rc < 0) return rc;
    if (new_section) m->offset = offset;

    if (m->events == 0) m->first_t = p.t;
    m->last_t = p.t;
    m->events++;
    if (m->keep_log) {
        /* After the change, so a failure here loses only the words, never
         * the state; the room for the entry itself was reserved above. */
        char stamp[32];
        char line[sizeof p.log + 48];
        int n = snprintf(line, sizeof line, "+%s s  %s", al_format_seconds(p.t, stamp, sizeof stamp), p.log);
        size_t len = n < 0 ? 0 : (size_t)n >= sizeof line ? sizeof line - 1 : (size_t)n;
        char *text = arena_alloc(m, len + 1);
        if (text) {
            memcpy(text, line, len);
            text[len] = '\0';
            m->log[m->nlog++] = (al_log_entry){.t = p.t, .task = ev->task, .type = ev->type, .text = text};
        }
    }
    return 0;
}

void al_model_end(al_model *m) {
    if (!m || m->ended) return;
    for (size_t i = 0; i < m->nlanes; i++) close_span(m, &m->lanes[i], m->last_t);
    if (m->nlanes) m->lanes[0].state = AL_LANE_RUNNING;
    m->ended = 1;
}

/* ---- reading a file ----------------------------------------------------------------- */

int al_model_read(al_model *m, FILE *fp) {
    al_trace_reader *r;
    int rc = al_trace_reader_open(&r, fp);
    if (rc < 0) {
        snprintf(m->error, sizeof m->error, "%s", al_strerror(rc));
        return rc;
    }
    al_trace_event ev;
    while ((rc = al_trace_reader_next(r, &ev)) == 1) {
        rc = al_model_apply(m, &ev);
        if (rc < 0) {
            /* The model knows what is wrong, the reader where. */
            char why[sizeof m->error];
            snprintf(why, sizeof why, "%s", rc == -ENOMEM ? "out of memory" : m->error);
            snprintf(m->error, sizeof m->error, "line %zu: %.200s", al_trace_reader_line(r), why);
            m->error_line = al_trace_reader_line(r);
            al_trace_reader_close(r);
            return rc;
        }
    }
    if (rc < 0) {
        snprintf(m->error, sizeof m->error, "%s", al_trace_reader_error(r));
        m->error_line = al_trace_reader_line(r);
    }
    al_trace_reader_close(r);
    if (rc == 0) al_model_end(m);
    return rc;
}

int al_model_load(al_model *m, const char *path) {
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        int err = errno;
        snprintf(m->error, sizeof m->error, "%s", strerror(err));
        return -err;
    }
    int rc = al_model_read(m, fp);
    fclose(fp);
    return rc;
}

int al_model_open(al_model *m, const char *path) {
    int stdin_ = strcmp(path, "-") == 0;
    const char *shown = stdin_ ? "<stdin>" : path;
    int rc = stdin_ ? al_model_read(m, stdin) : al_model_load(m, path);
    if (rc < 0) {
        if (rc == -ENOMEM) snprintf(m->error, sizeof m->error, "out of memory");
        al_model_name_error(m, shown);
    }
    return rc;
}

void al_error_at(char *dst, size_t size, const char *file, const char *msg) {
    /* the reader and the model say "line N: why"; a compiler says FILE:N: why */
    size_t line = 0;
    int used = 0;
    if (sscanf(msg, "line %zu: %n", &line, &used) == 1 && used > 0)
        snprintf(dst, size, "%.100s:%zu: %.160s", file, line, msg + used);
    else
        snprintf(dst, size, "%.100s: %.160s", file, msg);
}

void al_model_name_error(al_model *m, const char *file) {
    char why[sizeof m->error];
    if (m->error_line && strncmp(m->error, "line ", 5) != 0)
        snprintf(why, sizeof why, "line %zu: %.200s", m->error_line, m->error);
    else
        snprintf(why, sizeof why, "%s", m->error);
    al_error_at(m->error, sizeof m->error, file, why);
}
