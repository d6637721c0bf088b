/* export_perfetto.c — the timeline as Trace Event JSON (contract:
 * export_perfetto.h).
 *
 * Perfetto reads this format event by event in time order and keeps, per
 * track, a stack of open slices; a flow end point ("s" or "f" with "bp":"e")
 * attaches to whatever slice is on top of that stack when it is read. So the
 * exporter's one real job is order: it gathers every slice and flow end as
 * an item keyed by (time, number of the trace event that caused it, slice
 * before flow) and writes them sorted. Then the flow out of a waking task is
 * read after the slice in which it ran and before the slice it moved on to,
 * exactly as the events happened in the trace.
 *
 * Wakes that come from the loop itself (a timer, a ready descriptor, a
 * future, a cancel) need a slice on the loop's track to start from: each
 * gets a slice of no length there, named after its cause, unless the loop
 * was polling at that moment (then the poll slice is the source).
 */
#include "export_perfetto.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "asynclab/trace.h"

enum { WAKE_SPAWN = 0, WAKE_TIMER, WAKE_FD, WAKE_TASK, WAKE_FUTURE, WAKE_CANCEL, WAKE_YIELD };

enum item_kind { SLICE, LOOP_WAKE, FLOW_START, FLOW_END };

typedef struct item {
    int64_t ts;
    uint64_t seq;
    uint8_t kind;       /* item_kind */
    uint32_t lane;      /* the track */
    uint32_t span_lane; /* SLICE: lane of the span; LOOP_WAKE: lane woken */
    size_t span;        /* SLICE/LOOP_WAKE: index of the span in span_lane */
    uint64_t flow;      /* FLOW_*: the flow id */
} item;

typedef struct items {
    item *v;
    size_t n, cap;
} items;

static int push(items *it, item x) {
    if (it->n == it->cap) {
        size_t cap = it->cap ? it->cap * 2 : 1024;
        item *v = realloc(it->v, cap * sizeof *v);
        if (!v) return -ENOMEM;
        it->v = v;
        it->cap = cap;
    }
    it->v[it->n++] = x;
    return 0;
}

static int by_time_then_stream(const void *a, const void *b) {
    const item *x = a, *y = b;
    if (x->ts != y->ts) return x->ts < y->ts ? -1 : 1;
    if (x->seq != y->seq) return x->seq < y->seq ? -1 : 1;
    /* the slice an event opened comes before the flow ends it carries */
    int kx = x->kind == SLICE || x->kind == LOOP_WAKE, ky = y->kind == SLICE || y->kind == LOOP_WAKE;
    if (kx != ky) return kx ? -1 : 1;
    if (x->lane != y->lane) return x->lane < y->lane ? -1 : 1;
    return 0;
}

/* ---- finding a task's lane by (section, id) ------------------------------ */

typedef struct lane_key {
    uint32_t section;
    uint64_t task;
    uint32_t lane;
} lane_key;

static int by_section_task(const void *a, const void *b) {
    const lane_key *x = a, *y = b;
    if (x->section != y->section) return x->section < y->section ? -1 : 1;
    if (x->task != y->task) return x->task < y->task ? -1 : 1;
    return 0;
}

static uint32_t find_lane(const lane_key *keys, size_t n, uint32_t section, uint64_t task) {
    lane_key k = {.section = section, .task = task};
    const lane_key *hit = bsearch(&k, keys, n, sizeof *keys, by_section_task);
    return hit ? hit->lane : 0;
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_string(FILE *out, const char *s) {
    al_json_fput(out, s);   /* trace.h: the project's one escaper */
}

static const char *wake_name(int cause) {
    switch (cause) {
    case WAKE_TIMER: return "timer fired";
    case WAKE_FD: return "fd ready";
    case WAKE_FUTURE: return "future done";
    case WAKE_CANCEL: return "cancel";
    case WAKE_SPAWN: return "spawn";
    default: return "wake";
    }
}

static void write_item(const al_model *m, const item *x, int64_t pid, FILE *out) {
    uint32_t tid = x->lane + 1;
    char words[160], label[AL_TRACE_TEXT_MAX + 32];
    switch (x->kind) {
    case SLICE: {
        const al_lane *lane = &m->lanes[x->span_lane];
        const al_span *s = &lane->spans[x->span];
        int final = s->state == AL_LANE_DONE || s->state == AL_LANE_CANCELLED || s->state == AL_LANE_FAILED;
        int64_t dur = final ? 0 : al_span_end(m, s) - s->start;
        al_span_describe(s, words, sizeof words);
        fprintf(out, ",\n{\"ph\":\"X\",\"pid\":%" PRId64 ",\"tid\":%" PRIu32 ",\"ts\":%" PRId64
                     ",\"dur\":%" PRId64 ",\"cat\":\"state\",\"name\":",
                pid, tid, s->start, dur);
        if (final) {
            char name[200];
            snprintf(name, sizeof name, "exit: %s", words);
            json_string(out, name);
        } else {
            json_string(out, words);
        }
        fprintf(out, ",\"args\":{\"state\":\"%s\",\"task\":%" PRIu64 ",\"lane\":",
                al_lane_state_name(s->state), lane->task);
        json_string(out, al_lane_label(lane, label, sizeof label));
        fputs("}}", out);
        break;
    }
    case LOOP_WAKE: {
        const al_lane *woken = &m->lanes[x->span_lane];
        const al_span *s = &woken->spans[x->span];
        fprintf(out, ",\n{\"ph\":\"X\",\"pid\":%" PRId64 ",\"tid\":%" PRIu32 ",\"ts\":%" PRId64
                     ",\"dur\":0,\"cat\":\"wake\",\"name\":",
                pid, tid, x->ts);
        json_string(out, wake_name(s->reason));
        fprintf(out, ",\"args\":{\"woke\":%" PRIu64 ",\"lane\":", woken->task);
        json_string(out, al_lane_label(woken, label, sizeof label));
        if (s->reason == WAKE_FD) fprintf(out, ",\"fd\":%d", (int)s->fd);
        fputs("}}", out);
        break;
    }
    case FLOW_START:
    case FLOW_END:
        fprintf(out, ",\n{\"ph\":\"%s\",%s\"pid\":%" PRId64 ",\"tid\":%" PRIu32 ",\"ts\":%" PRId64
                     ",\"id\":%" PRIu64 ",\"cat\":\"wake\",\"name\":\"wake\"}",
                x->kind == FLOW_START ? "s" : "f", x->kind == FLOW_END ? "\"bp\":\"e\"," : "", pid,
                tid, x->ts, x->flow);
        break;
    }
}

/* ---- gathering ------------------------------------------------------------- */

/* Was the loop inside a poll (or at its very start) at t? Then a slice of no
 * length there would sit inside the poll slice: the poll is the source. */
static int loop_polling_at(const al_lane *loop, int64_t t) {
    const al_span *s = al_model_span_at(loop, t);
    return s && s->state == AL_LANE_POLLING && s->end > s->start;
}

static int gather(const al_model *m, items *it) {
    int rc = 0;
    lane_key *keys = malloc((m->nlanes ? m->nlanes : 1) * sizeof *keys);
    if (!keys) return -ENOMEM;
    size_t nkeys = 0;
    for (size_t i = 1; i < m->nlanes; i++)
        keys[nkeys++] = (lane_key){m->lanes[i].section, m->lanes[i].task, (uint32_t)i};
    qsort(keys, nkeys, sizeof *keys, by_section_task);

    const al_lane *loop = &m->lanes[0];
    uint64_t next_flow = 1;
    for (size_t li = 0; li < m->nlanes && rc == 0; li++) {
        const al_lane *lane = &m->lanes[li];
        for (size_t si = 0; si < lane->nspans && rc == 0; si++) {
            const al_span *s = &lane->spans[si];
            rc = push(it, (item){.ts = s->start, .seq = s->seq, .kind = SLICE, .lane = (uint32_t)li,
                                 .span_lane = (uint32_t)li, .span = si});
            /* a resume after a wake: one flow, from the cause to here */
            if (rc < 0 || li == 0 || s->state != AL_LANE_RUNNING || si == 0) continue;
            const al_span *ready = &lane->spans[si - 1];
            if (ready->state != AL_LANE_READY || ready->reason == WAKE_YIELD) continue;
            uint32_t source = 0;
            if (ready->reason == WAKE_SPAWN) source = (uint32_t)lane->parent_lane;
            else if (ready->reason == WAKE_TASK) source = find_lane(keys, nkeys, lane->section, ready->other);
            if (source == 0 && !loop_polling_at(loop, ready->start))
                rc = push(it, (item){.ts = ready->start, .seq = ready->seq, .kind = LOOP_WAKE, .lane = 0,
                                     .span_lane = (uint32_t)li, .span = si - 1});
            uint64_t flow = next_flow++;
            if (rc == 0)
                rc = push(it, (item){.ts = ready->start, .seq = ready->seq, .kind = FLOW_START,
                                     .lane = source, .flow = flow});
            if (rc == 0)
                rc = push(it, (item){.ts = s->start, .seq = s->seq, .kind = FLOW_END,
                                     .lane = (uint32_t)li, .flow = flow});
        }
    }
    free(keys);
    if (rc == 0 && it->n) qsort(it->v, it->n, sizeof *it->v, by_time_then_stream);
    return rc;
}

/* ---- the file -------------------------------------------------------------- */

static void metadata(const al_model *m, int64_t pid, FILE *out) {
    char name[256], label[AL_TRACE_TEXT_MAX + 32];
    snprintf(name, sizeof name, "%s%s%s%s (%s clock)", m->program[0] ? m->program : "trace",
             m->backend[0] ? " · " : "", m->backend, m->backend[0] ? " backend" : "",
             m->clock == 1 ? "virtual" : "real");
    fprintf(out, "\n{\"ph\":\"M\",\"pid\":%" PRId64 ",\"name\":\"process_name\",\"args\":{\"name\":", pid);
    json_string(out, name);
    fputs("}}", out);
    for (size_t i = 0; i < m->nlanes; i++) {
        const al_lane *lane = &m->lanes[i];
        if (i == 0)
            snprintf(name, sizeof name, "event loop");
        else
            snprintf(name, sizeof name, "%s (task %" PRIu64 ")", al_lane_label(lane, label, sizeof label),
                     lane->task);
        fprintf(out, ",\n{\"ph\":\"M\",\"pid\":%" PRId64 ",\"tid\":%zu,\"name\":\"thread_name\",\"args\":{\"name\":",
                pid, i + 1);
        json_string(out, name);
        fprintf(out, "}},\n{\"ph\":\"M\",\"pid\":%" PRId64 ",\"tid\":%zu,\"name\":\"thread_sort_index\","
                     "\"args\":{\"sort_index\":%zu}}",
                pid, i + 1, i);
    }
}

int al_export_perfetto(const al_model *m, FILE *out) {
    if (!m || !out) return -EINVAL;
    items it = {0};
    int rc = m->nlanes ? gather(m, &it) : 0;
    if (rc < 0) {
        free(it.v);
        return rc;
    }
    int64_t pid = m->pid > 0 && m->pid <= INT32_MAX ? m->pid : 1;
    fputs("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[", out);
    metadata(m, pid, out);
    for (size_t i = 0; i < it.n; i++) write_item(m, &it.v[i], pid, out);
    fputs("\n],\"otherData\":{\"program\":", out);
    json_string(out, m->program);
    fputs(",\"backend\":", out);
    json_string(out, m->backend);
    fprintf(out, ",\"clock\":\"%s\",\"events\":%" PRIu64 ",\"generator\":\"asynclab export\"}}\n",
            m->clock == 1 ? "virtual" : "real", m->events);
    free(it.v);
    return ferror(out) ? -EIO : 0;
}
