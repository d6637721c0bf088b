/* trace_format.c — one trace event as one line of JSON (see asynclab/trace.h
 * and core/trace/TRACE-FORMAT.md), plus the words the JSON form uses for enums.
 *
 * This runs once per event while a program is traced, so it is written for
 * speed: no printf, no allocation, no per-byte bounds checks. The caller's
 * buffer is checked once against a worst case ("512 bytes plus 6x the text":
 * a text byte becomes at most 6 bytes, as \u00XX or \ufffd), and then every
 * helper below writes through a plain pointer.
 *
 * The output is always valid JSON: control characters are escaped, and bytes
 * that are not well-formed UTF-8 (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF) each become U+FFFD. An event the reader could not
 * read back (unknown type, a reason with no word) is refused with -EINVAL
 * instead of being written, so a stream never holds a line it cannot parse.
 */
#include "asynclab/trace.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "asynclab/error.h"
#include "asynclab/loop.h"
#include "asynclab/task.h"
#include "asynclab/text.h"   /* al_utf8_len */

/* ---- the words of the JSON form ------------------------------------------ */

static const char *const event_names[AL_EV__COUNT] = {
    [AL_EV_HELLO] = "hello",           [AL_EV_SPAWN] = "spawn",
    [AL_EV_READY] = "ready",           [AL_EV_RESUME] = "resume",
    [AL_EV_SUSPEND] = "suspend",       [AL_EV_EXIT] = "exit",
    [AL_EV_POLL_BEGIN] = "poll_begin", [AL_EV_POLL_END] = "poll_end",
    [AL_EV_TIMER] = "timer",           [AL_EV_FD_READY] = "fd_ready",
    [AL_EV_OUTPUT] = "output",         [AL_EV_SLOW] = "slow",
};

static const char *const clock_names[] = {
    [AL_CLOCK_REAL] = "real", [AL_CLOCK_VIRTUAL] = "virtual",
};
static const char *const kind_names[] = {
    [AL_TASK_STACKLESS] = "stackless", [AL_TASK_FIBER] = "fiber", [AL_TASK_PLAIN] = "plain",
};
static const char *const wake_names[] = {
    [AL_WAKE_SPAWN] = "spawn",   [AL_WAKE_TIMER] = "timer", [AL_WAKE_FD] = "fd",
    [AL_WAKE_TASK] = "task",     [AL_WAKE_FUTURE] = "future",
    [AL_WAKE_CANCEL] = "cancel", [AL_WAKE_YIELD] = "yield",
};
static const char *const wait_names[] = {
    [AL_WAIT_NONE] = "none", [AL_WAIT_SLEEP] = "sleep", [AL_WAIT_YIELD] = "yield",
    [AL_WAIT_READ] = "read", [AL_WAIT_WRITE] = "write", [AL_WAIT_JOIN] = "join",
    [AL_WAIT_FUTURE] = "future",
};
static const char *const status_names[] = {
    [AL_EXIT_OK] = "ok", [AL_EXIT_ERROR] = "error", [AL_EXIT_CANCELLED] = "cancelled",
};

/* A new enum value without a word here would be written as nothing at all;
 * make that a compile error instead. */
_Static_assert(AL_WAKE_YIELD + 1 == sizeof wake_names / sizeof wake_names[0], "wake words");
_Static_assert(AL_WAIT_FUTURE + 1 == sizeof wait_names / sizeof wait_names[0], "wait words");
_Static_assert(AL_EXIT_CANCELLED + 1 == sizeof status_names / sizeof status_names[0], "exit words");
_Static_assert(AL_TASK_PLAIN + 1 == sizeof kind_names / sizeof kind_names[0], "kind words");
_Static_assert(AL_CLOCK_VIRTUAL + 1 == sizeof clock_names / sizeof clock_names[0], "clock words");

struct word_table { const char *const *names; int count; };

/* What `reason` means depends on the event type (see trace.h). */
static struct word_table reason_table(int type) {
#define TABLE(t) ((struct word_table){(t), (int)(sizeof(t) / sizeof((t)[0]))})
    switch (type) {
    case AL_EV_HELLO: return TABLE(clock_names);
    case AL_EV_SPAWN: return TABLE(kind_names);
    case AL_EV_READY: return TABLE(wake_names);
    case AL_EV_SUSPEND: return TABLE(wait_names);
    case AL_EV_EXIT: return TABLE(status_names);
    default: return (struct word_table){NULL, 0};
    }
#undef TABLE
}

const char *al_event_type_name(int type) {
    return type >= 0 && type < AL_EV__COUNT ? event_names[type] : "?";
}

int al_event_type_from_name(const char *name) {
    if (name)
        for (int i = 0; i < AL_EV__COUNT; i++)
            if (strcmp(event_names[i], name) == 0) return i;
    return -EINVAL;
}

/* Shared with trace_reader.c, which declares them itself (the header is the
 * public contract; these are the format's private vocabulary). NULL / -EINVAL
 * when the type has no reason words or the value/word is unknown. */

const char *al_trace_reason_name(int type, int reason) {
    struct word_table t = reason_table(type);
    return reason >= 0 && reason < t.count ? t.names[reason] : NULL;
}

int al_trace_reason_from_name(int type, const char *name) {
    struct word_table t = reason_table(type);
    if (name)
        for (int i = 0; i < t.count; i++)
            if (strcmp(t.names[i], name) == 0) return i;
    return -EINVAL;
}

/* ---- writing primitives (the caller guarantees the room) ----------------- */

#define PUT_LIT(p, lit) ((p) = put_bytes((p), (lit), sizeof(lit) - 1))

static inline char *put_bytes(char *p, const char *s, size_t n) {
    memcpy(p, s, n);
    return p + n;
}

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static const uint64_t powers_of_ten[20] = {
    UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000), UINT64_C(10000),
    UINT64_C(100000), UINT64_C(1000000), UINT64_C(10000000), UINT64_C(100000000),
    UINT64_C(1000000000), UINT64_C(10000000000), UINT64_C(100000000000),
    UINT64_C(1000000000000), UINT64_C(10000000000000), UINT64_C(100000000000000),
    UINT64_C(1000000000000000), UINT64_C(10000000000000000), UINT64_C(100000000000000000),
    UINT64_C(1000000000000000000), UINT64_C(10000000000000000000),
};

/* Integers top the profile. Count the digits with comparisons (not
 * divisions), then write them in place from the end, two per division: no
 * scratch buffer and no variable-length memcpy call. */
static char *put_u64(char *p, uint64_t v) {
    int n = 1;
    while (n < 20 && v >= powers_of_ten[n]) n++;
    char *end = p + n, *q = end;
    while (v >= 100) {
        unsigned d = (unsigned)(v % 100);
        v /= 100;
        q -= 2;
        q[0] = digit_pairs[2 * d];
        q[1] = digit_pairs[2 * d + 1];
    }
    if (v >= 10) {
        q[-2] = digit_pairs[2 * v];
        q[-1] = digit_pairs[2 * v + 1];
    } else {
        q[-1] = (char)('0' + v);
    }
    return end;
}

static char *put_i64(char *p, int64_t v) {
    if (v >= 0) return put_u64(p, (uint64_t)v);
    *p++ = '-';
    return put_u64(p, (uint64_t)0 - (uint64_t)v);  /* INT64_MIN too */
}

/* A plain word we own (event names, reason words): no escaping needed. */
static char *put_word(char *p, const char *w) {
    *p++ = '"';
    while (*w) *p++ = *w++;  /* a few bytes: cheaper than strlen + memcpy */
    *p++ = '"';
    return p;
}

static const char hex_digits[] = "0123456789abcdef";

/* s[0..n) as a JSON string, at most 2 + 6n bytes. */
static char *put_text(char *p, const char *text, size_t n) {
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    *p++ = '"';
    while (i < n) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {  /* the usual case */
            *p++ = (char)c;
            i++;
            continue;
        }
        if (c < 0x80) {
            *p++ = '\\';
            switch (c) {
            case '"': *p++ = '"'; break;
            case '\\': *p++ = '\\'; break;
            case '\n': *p++ = 'n'; break;
            case '\r': *p++ = 'r'; break;
            case '\t': *p++ = 't'; break;
            case '\b': *p++ = 'b'; break;
            case '\f': *p++ = 'f'; break;
            default:  /* other controls, and DEL, which terminals act on */
                PUT_LIT(p, "u00");
                *p++ = hex_digits[c >> 4];
                *p++ = hex_digits[c & 15];
            }
            i++;
            continue;
        }
        size_t len = al_utf8_len(s + i, n - i);
        if (len) {
            p = put_bytes(p, (const char *)s + i, len);
            i += len;
        } else {
            PUT_LIT(p, "\\ufffd");
            i++;
        }
    }
    *p++ = '"';
    return p;
}

/* ---- the project's one JSON string escaper (trace.h) ------------------------ */

size_t al_json_quote(char *out, const char *s, size_t n) {
    return (size_t)(put_text(out, s, n) - out);
}

int al_json_fput(FILE *f, const char *s) {
    size_t n = strlen(s);
    char small[512];
    char *buf = 2 + 6 * n <= sizeof small ? small : malloc(2 + 6 * n);
    if (!buf) return -ENOMEM;
    size_t len = al_json_quote(buf, s, n);
    int rc = fwrite(buf, 1, len, f) == len ? 0 : -EIO;
    if (buf != small) free(buf);
    return rc;
}

/* ---- events --------------------------------------------------------------- */

/* HELLO's backend name is a NUL-terminated string without a length; it is
 * capped so the fixed part of a line stays inside the 512 bytes promised. */
#define AL_TRACE_TEXT2_CAP 48

static size_t text_length(const al_trace_event *ev) {
    if (!ev->text) return 0;
    return ev->text_len ? ev->text_len : strlen(ev->text);
}

const char *al_trace_op_word(const char *word) {
    static const char *const ops[] = {"recv", "send", "accept"};
    for (size_t i = 0; word && i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(word, ops[i]) == 0) return ops[i];
    return NULL;
}

static int event_is_writable(const al_trace_event *ev) {
    if (ev->type >= AL_EV__COUNT) return 0;
    struct word_table t = reason_table(ev->type);
    return t.names == NULL || ev->reason < t.count;
}

/* The line itself. `p` has room for 512 + 6 * text_length(ev) bytes. */
static char *format_event(const al_trace_event *ev, char *p) {
    const int type = ev->type;
    if (type == AL_EV_HELLO) {
        /* "v" first, so any reader can see the version before anything else. */
        PUT_LIT(p, "{\"v\":");
        p = put_u64(p, AL_TRACE_VERSION);
        PUT_LIT(p, ",\"ev\":\"hello\",\"t\":");
        p = put_i64(p, ev->t);
    } else {
        PUT_LIT(p, "{\"t\":");
        p = put_i64(p, ev->t);
        PUT_LIT(p, ",\"ev\":");
        p = put_word(p, event_names[type]);
    }
    switch (type) {
    case AL_EV_HELLO:
        if (ev->text) {
            PUT_LIT(p, ",\"program\":");
            p = put_text(p, ev->text, text_length(ev));
        }
        PUT_LIT(p, ",\"clock\":");
        p = put_word(p, clock_names[ev->reason]);
        if (ev->text2) {
            size_t n = strnlen(ev->text2, AL_TRACE_TEXT2_CAP);
            PUT_LIT(p, ",\"backend\":");
            p = put_text(p, ev->text2, n);
        }
        PUT_LIT(p, ",\"pid\":");
        p = put_u64(p, ev->other);
        break;
    case AL_EV_SPAWN:
        PUT_LIT(p, ",\"task\":");
        p = put_u64(p, ev->task);
        PUT_LIT(p, ",\"name\":");
        p = put_text(p, ev->text ? ev->text : "", text_length(ev));
        PUT_LIT(p, ",\"kind\":");
        p = put_word(p, kind_names[ev->reason]);
        PUT_LIT(p, ",\"parent\":");
        p = put_u64(p, ev->other);
        break;
    case AL_EV_READY:
        PUT_LIT(p, ",\"task\":");
        p = put_u64(p, ev->task);
        PUT_LIT(p, ",\"by\":");
        p = put_word(p, wake_names[ev->reason]);
        if (ev->reason == AL_WAKE_TASK) {
            PUT_LIT(p, ",\"waker\":");
            p = put_u64(p, ev->other);
        } else if (ev->reason == AL_WAKE_FD) {
            PUT_LIT(p, ",\"fd\":");
            p = put_i64(p, ev->fd);
        }
        break;
    case AL_EV_RESUME:
        PUT_LIT(p, ",\"task\":");
        p = put_u64(p, ev->task);
        break;
    case AL_EV_SUSPEND:
        PUT_LIT(p, ",\"task\":");
        p = put_u64(p, ev->task);
        PUT_LIT(p, ",\"reason\":");
        p = put_word(p, wait_names[ev->reason]);
        if (ev->reason == AL_WAIT_SLEEP) {
            PUT_LIT(p, ",\"until\":");
            p = put_i64(p, ev->value);
        } else if (ev->reason == AL_WAIT_READ || ev->reason == AL_WAIT_WRITE) {
            PUT_LIT(p, ",\"fd\":");
            p = put_i64(p, ev->fd);
            const char *op = al_trace_op_word(ev->text2);
            if (op) {   /* a completion operation (al_recv...): which, and who does it */
                PUT_LIT(p, ",\"op\":");
                p = put_word(p, op);
                if (ev->other) PUT_LIT(p, ",\"in_kernel\":true");
            }
        } else if (ev->reason == AL_WAIT_JOIN) {
            PUT_LIT(p, ",\"joined\":");
            p = put_u64(p, ev->other);
        }
        break;
    case AL_EV_EXIT:
        PUT_LIT(p, ",\"task\":");
        p = put_u64(p, ev->task);
        PUT_LIT(p, ",\"status\":");
        p = put_word(p, status_names[ev->reason]);
        if (ev->reason == AL_EXIT_ERROR || ev->value != 0) {
            PUT_LIT(p, ",\"error\":");
            p = put_i64(p, ev->value);
            PUT_LIT(p, ",\"errname\":");
            /* al_errname() covers int; anything wider has no name anyway. */
            p = put_word(p, ev->value >= -0x7fffffff && ev->value <= 0x7fffffff
                                ? al_errname((int)ev->value) : "E?");
        }
        break;
    case AL_EV_POLL_BEGIN:
        PUT_LIT(p, ",\"timeout_ms\":");
        p = put_i64(p, ev->value);
        break;
    case AL_EV_POLL_END:
        PUT_LIT(p, ",\"ready\":");
        p = put_i64(p, ev->value);
        if (ev->submitted || ev->completed) {   /* only a uring loop's: older lines stay as they were */
            PUT_LIT(p, ",\"submitted\":");
            p = put_u64(p, ev->submitted);
            PUT_LIT(p, ",\"completed\":");
            p = put_u64(p, ev->completed);
        }
        break;
    case AL_EV_TIMER:
        PUT_LIT(p, ",\"task\":");
        p = put_u64(p, ev->task);
        PUT_LIT(p, ",\"deadline\":");
        p = put_i64(p, ev->value);
        break;
    case AL_EV_FD_READY: {
        static const char *const masks[4] = {"", "r", "w", "rw"};
        PUT_LIT(p, ",\"fd\":");
        p = put_i64(p, ev->fd);
        PUT_LIT(p, ",\"events\":");
        p = put_word(p, masks[ev->value & 3]);
        break;
    }
    case AL_EV_OUTPUT:
        PUT_LIT(p, ",\"task\":");
        p = put_u64(p, ev->task);
        PUT_LIT(p, ",\"text\":");
        p = put_text(p, ev->text ? ev->text : "", text_length(ev));
        break;
    case AL_EV_SLOW:
        PUT_LIT(p, ",\"task\":");
        p = put_u64(p, ev->task);
        PUT_LIT(p, ",\"us\":");
        p = put_i64(p, ev->value);
        break;
    }
    PUT_LIT(p, "}\n");
    *p = '\0';
    return p;
}

int al_trace_format(const al_trace_event *ev, char *buf, size_t size) {
    if (!ev || !buf || !event_is_writable(ev)) return -EINVAL;
    size_t tlen = text_length(ev);
    if (tlen > (size_t)(INT_MAX - 512) / 6) return -EINVAL;  /* the length must fit the int we return */
    size_t worst = 512 + 6 * tlen;
    if (size >= worst) return (int)(format_event(ev, buf) - buf);

    /* A small buffer may still be enough for the actual line: format into a
     * scratch area of the worst-case size, then copy if it fits. */
    char stack[2048];
    char *tmp = worst <= sizeof stack ? stack : malloc(worst);
    if (!tmp) return -ENOMEM;
    size_t len = (size_t)(format_event(ev, tmp) - tmp);
    int rc = -ENOSPC;
    if (len < size) {
        memcpy(buf, tmp, len + 1);
        rc = (int)len;
    }
    if (tmp != stack) free(tmp);
    return rc;
}
