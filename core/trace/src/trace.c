/* trace.c — where trace events go: a JSON Lines file or inherited fd, or an
 * in-memory ring of the newest events (contract: asynclab/trace.h; the line
 * format: trace_format.c and core/trace/TRACE-FORMAT.md).
 *
 * JSON sinks buffer lines in 64 KiB and write(2) them when the buffer is
 * full, on al_trace_flush() and on al_trace_close(). The loop is the one
 * calling emit, so a sink must never stop the program:
 *
 *   - Regular files get plain blocking writes (a disk does not "fill up
 *     slowly" the way a pipe does). A failed write (ENOSPC, EIO) drops the
 *     lines it carried, counted; the next flush tries again.
 *   - Anything else (a pipe to the viewer, a socket, a terminal) is written
 *     only when poll() says there is room, in whole lines of at most PIPE_BUF
 *     bytes: such a write to a pipe is atomic, so it neither blocks nor
 *     leaves half a line behind. What does not fit stays buffered; when the
 *     buffer is needed and the reader still has not made room, the buffered
 *     lines are dropped (newest events win, as in the ring) and counted.
 *   - A reader that went away (EPIPE) kills the sink, not the program: from
 *     then on every event is counted as dropped without a system call.
 *
 * SIGPIPE. Writing to a pipe whose reader is gone raises SIGPIPE, whose
 * default action ends the process. A library must not change signal
 * dispositions (the program owns them), and send(MSG_NOSIGNAL) only works on
 * sockets. So around the writes to a non-file sink we block SIGPIPE in this
 * thread, and if a write failed with EPIPE we consume the SIGPIPE it raised
 * with a zero-timeout sigtimedwait() before restoring the mask, unless one
 * was already pending before we wrote (that one is the program's). This is
 * what libpq does. SIGPIPE for a failed write is sent to the writing thread,
 * so blocking it in this thread is enough; a process-directed SIGPIPE that
 * some other process sends at that very moment could be consumed too.
 *
 * The first line of a JSON stream is a "hello" event. The loop emits one; if
 * someone else emits another event first, the sink writes a minimal hello
 * ({"v":1,"ev":"hello","t":T}) before it, so every stream can be read back.
 * That line is not counted as emitted.
 */
#include "asynclab/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define AL_TRACE_BUF_SIZE (64 * 1024)
/* At close, how long a slow reader gets to take what is still buffered. */
#define AL_TRACE_CLOSE_WAIT_MS 1000
/* Texts longer than this are dropped rather than formatted (see al_trace_format). */
#define AL_TRACE_TEXT_LIMIT ((size_t)(INT_MAX - 512) / 6)

enum al_sink { AL_SINK_FILE, AL_SINK_STREAM, AL_SINK_RING };

struct al_ring_slot {
    al_trace_event ev;              /* ev.text / ev.text2 point into this slot */
    char text[AL_TRACE_TEXT_MAX];
    char text2[AL_TRACE_TEXT_MAX];
};

struct al_trace {
    al_event_sink as_sink;          /* first: the loop sees an al_trace as this */
    enum al_sink sink;
    uint64_t emitted, dropped;

    /* JSON sinks */
    int fd, owns_fd;
    int error;           /* a write error no retry can fix (-EPIPE, -EBADF): drop all */
    int started;         /* the first line has been buffered */
    char *buf;
    size_t len, cap;
    int front_partial;   /* buf starts with the tail of a line partly written */
    size_t synth_end;    /* the injected hello line ends here in buf (0: not in buf) */

    /* ring */
    struct al_ring_slot *slots;
    size_t capacity, head, count;
};

/* ---- as the loop's event sink (events.h) ------------------------------------ */

static void sink_emit(al_event_sink *s, const al_trace_event *ev) { al_trace_emit((al_trace *)s, ev); }
static int sink_flush(al_event_sink *s) { return al_trace_flush((al_trace *)s); }
static void sink_close(al_event_sink *s) { al_trace_close((al_trace *)s); }
static const al_event_sink_ops trace_sink_ops = {sink_emit, sink_flush, sink_close};

al_event_sink *al_trace_sink(al_trace *trace) { return trace ? &trace->as_sink : NULL; }

al_trace *al_loop_trace(const al_loop *loop) {
    al_event_sink *s = al_loop_sink(loop);
    return s && s->ops == &trace_sink_ops ? (al_trace *)s : NULL;
}

/* ---- opening and closing -------------------------------------------------- */

static int json_sink_new(al_trace **out, int fd, int owns_fd) {
    struct stat st;
    if (fstat(fd, &st) < 0) return -errno;
    al_trace *tr = calloc(1, sizeof *tr);
    char *buf = malloc(AL_TRACE_BUF_SIZE);
    if (!tr || !buf) {
        free(tr);
        free(buf);
        return -ENOMEM;
    }
    tr->as_sink.ops = &trace_sink_ops;
    tr->sink = S_ISREG(st.st_mode) ? AL_SINK_FILE : AL_SINK_STREAM;
    tr->fd = fd;
    tr->owns_fd = owns_fd;
    tr->buf = buf;
    tr->cap = AL_TRACE_BUF_SIZE;
    *out = tr;
    return 0;
}

int al_trace_open_file(al_trace **out, const char *path) {
    if (!out) return -EINVAL;
    *out = NULL;
    if (!path || !*path) return -EINVAL;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -errno;
    int rc = json_sink_new(out, fd, 1);
    if (rc < 0) close(fd);
    return rc;
}

int al_trace_open_fd(al_trace **out, int fd) {
    if (!out) return -EINVAL;
    *out = NULL;
    if (fd < 0) return -EBADF;
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -errno;
    if ((flags & O_ACCMODE) == O_RDONLY) return -EBADF;
    return json_sink_new(out, fd, 0);
}

/* "fd:N" is a descriptor the parent opened for us (the viewer's pipe);
 * anything else is a path. A file really named "fd:..." is "./fd:...". */
int al_trace_open_env(al_trace **out) {
    if (!out) return -EINVAL;
    *out = NULL;
    const char *value = getenv("ASYNCLAB_TRACE");
    if (!value || !*value) return 0;
    if (strncmp(value, "fd:", 3) != 0) return al_trace_open_file(out, value);
    const char *d = value + 3;
    if (!*d) return -EINVAL;
    long fd = 0;
    for (; *d; d++) {
        if (*d < '0' || *d > '9') return -EINVAL;
        fd = fd * 10 + (*d - '0');
        if (fd > INT_MAX) return -EINVAL;
    }
    return al_trace_open_fd(out, (int)fd);
}

int al_trace_open_ring(al_trace **out, size_t capacity) {
    if (!out) return -EINVAL;
    *out = NULL;
    if (capacity == 0 || capacity > SIZE_MAX / sizeof(struct al_ring_slot)) return -EINVAL;
    al_trace *tr = calloc(1, sizeof *tr);
    struct al_ring_slot *slots = calloc(capacity, sizeof *slots);
    if (!tr || !slots) {
        free(tr);
        free(slots);
        return -ENOMEM;
    }
    tr->as_sink.ops = &trace_sink_ops;
    tr->sink = AL_SINK_RING;
    tr->fd = -1;
    tr->slots = slots;
    tr->capacity = capacity;
    *out = tr;
    return 0;
}

/* ---- the JSON sinks' buffer ----------------------------------------------- */

static uint64_t count_lines(const char *p, size_t n) {
    uint64_t lines = 0;
    const char *end = p + n;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        lines++;
        p++;
    }
    return lines;
}

/* Count buf[from..len) as dropped (each line there is one event, except the
 * injected hello) and forget it. */
static void drop_from(al_trace *tr, size_t from) {
    uint64_t lines = count_lines(tr->buf + from, tr->len - from);
    if (tr->synth_end > from && lines > 0) lines--;
    tr->dropped += lines;
    tr->len = from;
    if (tr->synth_end > from) tr->synth_end = 0;
}

/* Give up on the buffered lines nobody has started writing. The tail of a
 * line already partly written stays: without it the stream would hold half
 * a line, and the next line glued to it. */
static void drop_unstarted(al_trace *tr) {
    size_t keep = 0;
    if (tr->front_partial) {
        const char *nl = memchr(tr->buf, '\n', tr->len);
        keep = nl ? (size_t)(nl - tr->buf) + 1 : tr->len;
    }
    drop_from(tr, keep);
}

/* The first n bytes have been written. */
static void consume(al_trace *tr, size_t n) {
    if (n == 0) return;
    tr->front_partial = tr->buf[n - 1] != '\n';
    memmove(tr->buf, tr->buf + n, tr->len - n);
    tr->len -= n;
    tr->synth_end = tr->synth_end > n ? tr->synth_end - n : 0;
    if (tr->cap > AL_TRACE_BUF_SIZE && tr->len <= AL_TRACE_BUF_SIZE / 2) {
        /* A huge event grew the buffer; give the memory back. */
        char *smaller = realloc(tr->buf, AL_TRACE_BUF_SIZE);
        if (smaller) {
            tr->buf = smaller;
            tr->cap = AL_TRACE_BUF_SIZE;
        }
    }
}

/* Whole lines, at most PIPE_BUF bytes (one longer line alone, if need be).
 * The buffer always ends at the end of a line. */
static size_t chunk_size(const char *p, size_t n) {
    if (n <= PIPE_BUF) return n;
    for (size_t i = PIPE_BUF; i > 0; i--)
        if (p[i - 1] == '\n') return i;
    const char *nl = memchr(p + PIPE_BUF, '\n', n - PIPE_BUF);
    return nl ? (size_t)(nl - p) + 1 : n;
}

/* Errors that a later write might not hit again. */
static int is_transient(int err) {
    return err == -ENOSPC || err == -EDQUOT || err == -EIO || err == -EAGAIN;
}

struct sigpipe_guard {
    sigset_t set, old;
    int pending_before;
};

static void sigpipe_block(struct sigpipe_guard *g) {
    sigset_t pending;
    sigemptyset(&g->set);
    sigaddset(&g->set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &g->set, &g->old);
    g->pending_before = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
}

static void sigpipe_restore(struct sigpipe_guard *g, int raised) {
    if (raised && !g->pending_before) {
        static const struct timespec no_wait = {0, 0};
        while (sigtimedwait(&g->set, NULL, &no_wait) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

static int64_t monotonic_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Write the buffer out. A stream sink waits for room until deadline_ms
 * (monotonic; 0 = do not wait). Returns 0 when all was written, -EAGAIN when
 * some is still buffered, or the write error (its lines counted as dropped). */
static int drain(al_trace *tr, int64_t deadline_ms) {
    if (tr->len == 0) return 0;
    if (tr->error) {
        drop_from(tr, 0);
        return tr->error;
    }
    const int stream = tr->sink == AL_SINK_STREAM;
    struct sigpipe_guard guard;
    if (stream) sigpipe_block(&guard);

    size_t off = 0;
    int rc = 0;
    while (off < tr->len) {
        size_t n = tr->len - off;
        if (stream) {
            n = chunk_size(tr->buf + off, n);
            int64_t wait = deadline_ms ? deadline_ms - monotonic_ms() : 0;
            struct pollfd pfd = {.fd = tr->fd, .events = POLLOUT};
            int ready = poll(&pfd, 1, wait > 0 ? (int)wait : 0);
            if (ready < 0 && errno == EINTR) continue;
            if (ready < 0) {
                rc = -errno;
                break;
            }
            if (ready == 0) {
                rc = -EAGAIN;
                break;
            }
            if (pfd.revents & POLLNVAL) {
                rc = -EBADF;
                break;
            }
            /* POLLERR / POLLHUP: the write below reports what is wrong. */
        }
        ssize_t w = write(tr->fd, tr->buf + off, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) {
            rc = errno == EWOULDBLOCK ? -EAGAIN : -errno;
            break;
        }
        if (w == 0) {
            rc = -EIO;
            break;
        }
        off += (size_t)w;
    }
    if (stream) sigpipe_restore(&guard, rc == -EPIPE);

    if (rc == 0 || rc == -EAGAIN) {
        consume(tr, off);
    } else if (is_transient(rc)) {
        consume(tr, off);
        drop_unstarted(tr);
    } else {
        tr->error = rc;
        drop_from(tr, off);
        tr->len = 0;
        tr->front_partial = 0;
    }
    return rc;
}

/* Make room for `need` more bytes without blocking. 0, or -ENOMEM. */
static int make_room(al_trace *tr, size_t need) {
    drain(tr, 0);
    if (tr->cap - tr->len >= need) return 0;
    if (tr->len > 0) drop_unstarted(tr);  /* the reader is not keeping up */
    if (tr->cap - tr->len >= need) return 0;
    /* One event bigger than the buffer (a huge output line): grow for it;
     * consume() shrinks the buffer back once it has been written. */
    if (need > SIZE_MAX - tr->len) return -ENOMEM;
    char *bigger = realloc(tr->buf, tr->len + need);
    if (!bigger) return -ENOMEM;
    tr->buf = bigger;
    tr->cap = tr->len + need;
    return 0;
}

/* {"v":1,"ev":"hello","t":T} — the least a reader needs to accept a stream.
 * Once per trace, so snprintf is fine here. */
static void put_synthetic_hello(al_trace *tr, int64_t t) {
    int n = snprintf(tr->buf + tr->len, tr->cap - tr->len,
                     "{\"v\":%d,\"ev\":\"hello\",\"t\":%lld}\n", AL_TRACE_VERSION, (long long)t);
    if (n > 0 && (size_t)n < tr->cap - tr->len) {
        tr->len += (size_t)n;
        tr->synth_end = tr->len;
    }
}

static void json_put(al_trace *tr, const al_trace_event *ev) {
    if (tr->error) {
        tr->dropped++;
        return;
    }
    if (!tr->started) {
        tr->started = 1;
        if (ev->type != AL_EV_HELLO) put_synthetic_hello(tr, ev->t);
    }
    size_t tlen = ev->text ? (ev->text_len ? ev->text_len : strlen(ev->text)) : 0;
    if (tlen > AL_TRACE_TEXT_LIMIT) {
        tr->dropped++;
        return;
    }
    size_t need = 512 + 6 * tlen;  /* trace.h: always enough for al_trace_format */
    if (tr->cap - tr->len < need && make_room(tr, need) < 0) {
        tr->dropped++;
        return;
    }
    int n = al_trace_format(ev, tr->buf + tr->len, tr->cap - tr->len);
    if (n < 0) {
        tr->dropped++;  /* an event with no JSON form (unknown type or reason) */
        return;
    }
    tr->len += (size_t)n;
}

/* ---- the ring ------------------------------------------------------------- */

/* Copy at most AL_TRACE_TEXT_MAX - 1 bytes, NUL-terminated; a cut never
 * splits a UTF-8 sequence (it backs off to the sequence's first byte). */
static size_t copy_text(char *dst, const char *src, size_t len) {
    size_t n = len;
    if (n > AL_TRACE_TEXT_MAX - 1) {
        n = AL_TRACE_TEXT_MAX - 1;
        size_t back = n;
        while (back > n - 3 && ((unsigned char)src[back] & 0xC0) == 0x80) back--;
        if (((unsigned char)src[back] & 0xC0) != 0x80) n = back;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
    return n;
}

static void ring_put(al_trace *tr, const al_trace_event *ev) {
    size_t index;
    if (tr->count < tr->capacity) {
        index = (tr->head + tr->count) % tr->capacity;
        tr->count++;
    } else {
        index = tr->head;  /* overwrite the oldest */
        tr->head = (tr->head + 1) % tr->capacity;
        tr->dropped++;
    }
    struct al_ring_slot *slot = &tr->slots[index];
    slot->ev = *ev;
    if (ev->text) {
        size_t len = ev->text_len ? ev->text_len : strlen(ev->text);
        slot->ev.text_len = copy_text(slot->text, ev->text, len);
        slot->ev.text = slot->text;
    } else {
        slot->ev.text_len = 0;
    }
    if (ev->text2) {
        copy_text(slot->text2, ev->text2, strnlen(ev->text2, AL_TRACE_TEXT_MAX));
        slot->ev.text2 = slot->text2;
    }
}

size_t al_trace_ring_count(const al_trace *tr) {
    return tr && tr->sink == AL_SINK_RING ? tr->count : 0;
}

int al_trace_ring_get(const al_trace *tr, size_t index, al_trace_event *out) {
    if (!tr || !out || tr->sink != AL_SINK_RING) return -EINVAL;
    if (index >= tr->count) return -ENOENT;
    *out = tr->slots[(tr->head + index) % tr->capacity].ev;
    return 0;
}

/* Forgets the events held; emitted/dropped keep counting the whole life. */
void al_trace_ring_clear(al_trace *tr) {
    if (!tr || tr->sink != AL_SINK_RING) return;
    tr->head = 0;
    tr->count = 0;
}

/* ---- the common entry points ---------------------------------------------- */

void al_trace_emit(al_trace *tr, const al_trace_event *ev) {
    if (!tr || !ev) return;
    tr->emitted++;
    if (tr->sink == AL_SINK_RING) ring_put(tr, ev);
    else json_put(tr, ev);
}

/* 0 when everything reached the fd, -EAGAIN when a reader has not made room
 * yet (the lines stay buffered), or the write error (those lines were
 * dropped and counted). */
int al_trace_flush(al_trace *tr) {
    if (!tr) return -EINVAL;
    if (tr->sink == AL_SINK_RING) return 0;
    int rc = drain(tr, 0);
    if (rc == 0 && tr->error) rc = tr->error;
    return rc;
}

void al_trace_close(al_trace *tr) {
    if (!tr) return;
    if (tr->sink != AL_SINK_RING) {
        drain(tr, monotonic_ms() + AL_TRACE_CLOSE_WAIT_MS);
        drop_from(tr, 0);  /* whatever a stuck reader never took */
        tr->front_partial = 0;
        if (tr->owns_fd) close(tr->fd);
    }
    free(tr->buf);
    free(tr->slots);
    free(tr);
}

uint64_t al_trace_emitted(const al_trace *tr) { return tr ? tr->emitted : 0; }
uint64_t al_trace_dropped(const al_trace *tr) { return tr ? tr->dropped : 0; }
