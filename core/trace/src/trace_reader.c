/* trace_reader.c — a JSON Lines trace read back into events (contract:
 * asynclab/trace.h; the format: core/trace/TRACE-FORMAT.md).
 *
 * The viewer replays files that may be cut short, hand-edited, written by a
 * newer asynclab or not traces at all, so the reader trusts nothing: every
 * line is parsed on its own (getline, so any length), and anything wrong is
 * an error naming the line ("line 7: expected an integer "t""). Parsing is
 * cJSON's, which caps nesting at 1000 levels, so a hostile line costs memory
 * proportional to its length and nothing worse.
 *
 * Choices, also documented in TRACE-FORMAT.md:
 *   - blank lines (only spaces, tabs, CR) are skipped but still counted, so
 *     line numbers match what an editor shows;
 *   - an error is not sticky: the next call reads the next line, so a
 *     tolerant consumer may skip a bad line. A newer format version is the
 *     exception: nothing after it can be trusted, every later call repeats it;
 *   - integers must be whole numbers within +-2^53 (what a double, and so
 *     cJSON and JavaScript, holds exactly);
 *   - unknown extra fields are ignored; unknown words in known fields
 *     ("reason":"frobnicate") are errors.
 */
#include "asynclab/trace.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asynclab/task.h"

/* The JSON words for each event's `reason`; defined in trace_format.c. */

#define AL_JSON_INT_MAX INT64_C(9007199254740992)  /* 2^53 */

struct al_trace_reader {
    FILE *fp;
    char *line;
    size_t line_cap;
    size_t lineno;
    int seen_hello;
    int fatal;          /* a newer format: every later call repeats the error */
    char *text, *text2; /* the strings handed out with the last event */
    size_t text_cap, text2_cap;
    char error[256];
};

int al_trace_reader_open(al_trace_reader **out, FILE *fp) {
    if (!out) return -EINVAL;
    *out = NULL;
    if (!fp) return -EINVAL;
    al_trace_reader *r = calloc(1, sizeof *r);
    if (!r) return -ENOMEM;
    r->fp = fp;
    *out = r;
    return 0;
}

void al_trace_reader_close(al_trace_reader *r) {
    if (!r) return;
    free(r->line);
    free(r->text);
    free(r->text2);
    free(r);
}

const char *al_trace_reader_error(const al_trace_reader *r) { return r ? r->error : ""; }
size_t al_trace_reader_line(const al_trace_reader *r) { return r ? r->lineno : 0; }

/* ---- errors --------------------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
static int fail(al_trace_reader *r, int rc, const char *fmt, ...) {
    int n = snprintf(r->error, sizeof r->error, "line %zu: ", r->lineno);
    if (n < 0 || (size_t)n >= sizeof r->error) n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->error + n, sizeof r->error - (size_t)n, fmt, ap);
    va_end(ap);
    return rc;
}

/* Text from the stream, fit to quote in a message: printable ASCII only,
 * at most 40 bytes. */
static const char *quotable(char *dst, size_t size, const char *s) {
    size_t i = 0;
    for (; s[i] && i < 40 && i + 4 < size; i++)
        dst[i] = s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' ? s[i] : '?';
    if (s[i]) {
        memcpy(dst + i, "...", 3);
        i += 3;
    }
    dst[i] = '\0';
    return dst;
}

/* ---- fields --------------------------------------------------------------- */

/* One line being read: what the field helpers need to name an error. */
struct line {
    al_trace_reader *r;
    const cJSON *obj;
    const char *ev;     /* the event's name, for "spawn event without "name"" */
};

enum { OPTIONAL = 0, REQUIRED = 1 };

static int missing(struct line *l, const char *key) {
    return fail(l->r, -EPROTO, "%s event without \"%s\"", l->ev, key);
}

/* 1 and *out when present, 0 when absent and optional, else an error. */
static int get_int(struct line *l, const char *key, int required, int64_t lo, int64_t hi,
                   int64_t *out) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(l->obj, key);
    if (!item) return required ? missing(l, key) : 0;
    if (!cJSON_IsNumber(item)) return fail(l->r, -EPROTO, "expected an integer \"%s\"", key);
    double d = item->valuedouble;
    /* Range first: converting an out-of-range double to int64 is undefined. */
    if (!(d >= -(double)AL_JSON_INT_MAX && d <= (double)AL_JSON_INT_MAX))
        return fail(l->r, -EPROTO, "\"%s\" is out of range", key);
    int64_t v = (int64_t)d;
    if ((double)v != d) return fail(l->r, -EPROTO, "expected an integer \"%s\"", key);
    if (v < lo || v > hi) return fail(l->r, -EPROTO, "\"%s\" is out of range", key);
    *out = v;
    return 1;
}

static int get_u64(struct line *l, const char *key, int required, uint64_t *out) {
    int64_t v = 0;
    int rc = get_int(l, key, required, 0, AL_JSON_INT_MAX, &v);
    if (rc == 1) *out = (uint64_t)v;
    return rc;
}

static int get_i64(struct line *l, const char *key, int required, int64_t *out) {
    return get_int(l, key, required, -AL_JSON_INT_MAX, AL_JSON_INT_MAX, out);
}

static int get_fd(struct line *l, const char *key, int required, int32_t *out) {
    int64_t v = 0;
    int rc = get_int(l, key, required, -1, INT32_MAX, &v);
    if (rc == 1) *out = (int32_t)v;
    return rc;
}

static int get_string(struct line *l, const char *key, int required, const char **out) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(l->obj, key);
    if (!item) return required ? missing(l, key) : 0;
    if (!cJSON_IsString(item) || !item->valuestring)
        return fail(l->r, -EPROTO, "expected a string \"%s\"", key);
    *out = item->valuestring;
    return 1;
}

/* A field whose value is one of the words for this event's `reason`. */
static int get_reason(struct line *l, const char *key, int required, int type, uint16_t *out) {
    const char *word = NULL;
    int rc = get_string(l, key, required, &word);
    if (rc != 1) return rc;
    int v = al_trace_reason_from_name(type, word);
    if (v < 0) {
        char q[48];
        return fail(l->r, -EPROTO, "unknown \"%s\" \"%s\"", key, quotable(q, sizeof q, word));
    }
    *out = (uint16_t)v;
    return 1;
}

/* Copy a string out of the cJSON tree, which is freed before we return. */
static int keep(al_trace_reader *r, char **buf, size_t *cap, const char *s, const char **out,
                size_t *len) {
    size_t n = strlen(s);
    if (n + 1 > *cap) {
        char *bigger = realloc(*buf, n + 1);
        if (!bigger) return fail(r, -ENOMEM, "out of memory");
        *buf = bigger;
        *cap = n + 1;
    }
    memcpy(*buf, s, n + 1);
    *out = *buf;
    if (len) *len = n;
    return 1;
}

/* ---- events --------------------------------------------------------------- */

#define TRY(call)              \
    do {                       \
        int try_rc_ = (call);  \
        if (try_rc_ < 0) return try_rc_; \
    } while (0)

/* The fields of one event type (TRACE-FORMAT.md has the table). */
static int read_fields(struct line *l, al_trace_event *ev) {
    al_trace_reader *r = l->r;
    const char *s = NULL;
    int64_t v = 0;
    int got;
    switch (ev->type) {
    case AL_EV_HELLO:
        ev->reason = AL_CLOCK_REAL;
        if ((got = get_string(l, "program", OPTIONAL, &s)) < 0) return got;
        if (got) TRY(keep(r, &r->text, &r->text_cap, s, &ev->text, &ev->text_len));
        TRY(get_reason(l, "clock", OPTIONAL, AL_EV_HELLO, &ev->reason));
        if ((got = get_string(l, "backend", OPTIONAL, &s)) < 0) return got;
        if (got) TRY(keep(r, &r->text2, &r->text2_cap, s, &ev->text2, NULL));
        TRY(get_u64(l, "pid", OPTIONAL, &ev->other));
        break;
    case AL_EV_SPAWN:
        TRY(get_u64(l, "task", REQUIRED, &ev->task));
        TRY(get_string(l, "name", REQUIRED, &s));
        TRY(keep(r, &r->text, &r->text_cap, s, &ev->text, &ev->text_len));
        ev->reason = AL_TASK_STACKLESS;
        TRY(get_reason(l, "kind", OPTIONAL, AL_EV_SPAWN, &ev->reason));
        TRY(get_u64(l, "parent", OPTIONAL, &ev->other));
        break;
    case AL_EV_READY:
        TRY(get_u64(l, "task", REQUIRED, &ev->task));
        TRY(get_reason(l, "by", REQUIRED, AL_EV_READY, &ev->reason));
        if (ev->reason == AL_WAKE_TASK) TRY(get_u64(l, "waker", REQUIRED, &ev->other));
        if (ev->reason == AL_WAKE_FD) TRY(get_fd(l, "fd", REQUIRED, &ev->fd));
        break;
    case AL_EV_RESUME:
        TRY(get_u64(l, "task", REQUIRED, &ev->task));
        break;
    case AL_EV_SUSPEND:
        TRY(get_u64(l, "task", REQUIRED, &ev->task));
        TRY(get_reason(l, "reason", REQUIRED, AL_EV_SUSPEND, &ev->reason));
        if (ev->reason == AL_WAIT_SLEEP) TRY(get_i64(l, "until", REQUIRED, &ev->value));
        if (ev->reason == AL_WAIT_READ || ev->reason == AL_WAIT_WRITE) {
            TRY(get_fd(l, "fd", REQUIRED, &ev->fd));
            if ((got = get_string(l, "op", OPTIONAL, &s)) < 0) return got;
            if (got && !(ev->text2 = al_trace_op_word(s))) {
                char q[48];
                return fail(r, -EPROTO, "unknown \"op\" \"%s\" (expected \"recv\", \"send\" or \"accept\")",
                            quotable(q, sizeof q, s));
            }
            const cJSON *k = cJSON_GetObjectItemCaseSensitive(l->obj, "in_kernel");
            if (k && !cJSON_IsBool(k)) return fail(r, -EPROTO, "expected true or false \"in_kernel\"");
            ev->other = k && cJSON_IsTrue(k);
        }
        if (ev->reason == AL_WAIT_JOIN) TRY(get_u64(l, "joined", REQUIRED, &ev->other));
        break;
    case AL_EV_EXIT:
        TRY(get_u64(l, "task", REQUIRED, &ev->task));
        TRY(get_reason(l, "status", REQUIRED, AL_EV_EXIT, &ev->reason));
        TRY(get_i64(l, "error", ev->reason == AL_EXIT_ERROR, &ev->value));
        break;
    case AL_EV_POLL_BEGIN:
        TRY(get_i64(l, "timeout_ms", REQUIRED, &ev->value));
        break;
    case AL_EV_POLL_END:
        TRY(get_i64(l, "ready", REQUIRED, &ev->value));
        TRY(get_int(l, "submitted", OPTIONAL, 0, UINT32_MAX, &v));
        ev->submitted = (uint32_t)v;
        v = 0;
        TRY(get_int(l, "completed", OPTIONAL, 0, UINT32_MAX, &v));
        ev->completed = (uint32_t)v;
        break;
    case AL_EV_TIMER:
        TRY(get_u64(l, "task", OPTIONAL, &ev->task));
        TRY(get_i64(l, "deadline", REQUIRED, &ev->value));
        break;
    case AL_EV_FD_READY:
        TRY(get_fd(l, "fd", REQUIRED, &ev->fd));
        TRY(get_string(l, "events", REQUIRED, &s));
        if (strcmp(s, "r") == 0) v = 1;
        else if (strcmp(s, "w") == 0) v = 2;
        else if (strcmp(s, "rw") == 0) v = 3;
        else if (strcmp(s, "") == 0) v = 0;
        else {
            char q[48];
            return fail(r, -EPROTO, "unknown \"events\" \"%s\" (expected \"r\", \"w\" or \"rw\")",
                        quotable(q, sizeof q, s));
        }
        ev->value = v;
        break;
    case AL_EV_OUTPUT:
        TRY(get_u64(l, "task", OPTIONAL, &ev->task));
        TRY(get_string(l, "text", REQUIRED, &s));
        TRY(keep(r, &r->text, &r->text_cap, s, &ev->text, &ev->text_len));
        break;
    case AL_EV_SLOW:
        TRY(get_u64(l, "task", OPTIONAL, &ev->task));
        TRY(get_i64(l, "us", REQUIRED, &ev->value));
        break;
    }
    return 1;
}

static int read_event(al_trace_reader *r, const cJSON *obj, al_trace_event *ev) {
    struct line l = {.r = r, .obj = obj, .ev = "an"};
    char q[48];
    int64_t version = 0;

    memset(ev, 0, sizeof *ev);
    ev->fd = -1;

    /* The version before anything else: a newer format may have changed the
     * rest, so "newer version" is the only useful thing to say about it. */
    int has_v = get_int(&l, "v", OPTIONAL, INT64_MIN, INT64_MAX, &version);
    if (has_v < 0) return has_v;
    if (has_v && version > AL_TRACE_VERSION) {
        r->fatal = 1;
        return fail(r, -EPROTO, "trace format version %lld is newer than this asynclab understands (%d)",
                    (long long)version, AL_TRACE_VERSION);
    }
    if (has_v && version < 1)
        return fail(r, -EPROTO, "unsupported trace format version %lld", (long long)version);

    const cJSON *name = cJSON_GetObjectItemCaseSensitive(obj, "ev");
    if (!name) return fail(r, -EPROTO, "no \"ev\" (the event's name)");
    if (!cJSON_IsString(name) || !name->valuestring)
        return fail(r, -EPROTO, "expected a string \"ev\"");
    int type = al_event_type_from_name(name->valuestring);
    if (type < 0)
        return fail(r, -EPROTO, "unknown event \"%s\"", quotable(q, sizeof q, name->valuestring));
    ev->type = (uint16_t)type;
    l.ev = al_event_type_name(type);

    if (!r->seen_hello && type != AL_EV_HELLO)
        return fail(r, -EPROTO, "expected a \"hello\" event first, got \"%s\"", l.ev);
    if (type == AL_EV_HELLO && !has_v) return missing(&l, "v");

    TRY(get_i64(&l, "t", REQUIRED, &ev->t));
    TRY(read_fields(&l, ev));
    if (type == AL_EV_HELLO) r->seen_hello = 1;
    return 1;
}

static int is_blank(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') return 0;
    return 1;
}

int al_trace_reader_next(al_trace_reader *r, al_trace_event *ev) {
    if (!r || !ev) return -EINVAL;
    if (r->fatal) return -EPROTO;  /* r->error still says why */
    for (;;) {
        errno = 0;
        ssize_t n = getline(&r->line, &r->line_cap, r->fp);
        if (n < 0) {
            if (ferror(r->fp)) {
                clearerr(r->fp);
                r->lineno++;
                return fail(r, -EIO, "read error: %s", strerror(errno ? errno : EIO));
            }
            if (feof(r->fp)) return 0;
            r->lineno++;
            return fail(r, -ENOMEM, "out of memory");
        }
        r->lineno++;
        size_t len = (size_t)n;
        if (is_blank(r->line, len)) continue;
        if (r->line[len - 1] != '\n')
            return fail(r, -EPROTO, "truncated (no newline at end of stream)");
        if (memchr(r->line, '\0', len))
            return fail(r, -EPROTO, "not JSON (a NUL byte)");

        /* Length len + 1 takes in getline's terminating NUL: that is how
         * cJSON checks that nothing follows the value ({"a":1} garbage). */
        cJSON *obj = cJSON_ParseWithLengthOpts(r->line, len + 1, NULL, 1);
        if (!obj) return fail(r, -EPROTO, "not JSON");
        int rc = cJSON_IsObject(obj) ? read_event(r, obj, ev)
                                     : fail(r, -EPROTO, "not a JSON object");
        cJSON_Delete(obj);
        if (rc == 1) r->error[0] = '\0';
        return rc;
    }
}
