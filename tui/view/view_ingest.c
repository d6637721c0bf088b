/* view_ingest.c — a live trace from a pipe, read without blocking (see
 * view_ingest.h).
 *
 * The one non-POSIX call is fopencookie (glibc): a FILE whose reads come
 * from our buffer. It lets the core's reader, which wants a FILE and reads
 * it with getline, parse a stream that arrives in pieces: we only ever show
 * it whole lines, so getline never stops inside one, and "end of file"
 * just means "nothing more for now" until we clear the flag.
 */
#define _GNU_SOURCE
#include "view_ingest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The FILE's read function: whole lines from the buffer, then 0 (EOF). */
static ssize_t cookie_read(void *cookie, char *out, size_t size) {
    al_ingest *in = cookie;
    size_t avail = in->complete - in->start;
    size_t n = avail < size ? avail : size;
    if (n == 0) return 0;   /* "end of file": nothing more for now */
    memcpy(out, in->buf + in->start, n);
    in->start += n;
    return (ssize_t)n;
}

static int cookie_close(void *cookie) {
    (void)cookie;
    return 0;
}

int al_ingest_open(al_ingest *in, int fd, FILE *record) {
    memset(in, 0, sizeof *in);
    in->fd = fd;
    in->record = record;
    cookie_io_functions_t io = {.read = cookie_read, .close = cookie_close};
    in->fp = fopencookie(in, "r", io);
    if (!in->fp) return -errno;
    int rc = al_trace_reader_open(&in->reader, in->fp);
    if (rc < 0) {
        fclose(in->fp);
        in->fp = NULL;
    }
    return rc;
}

void al_ingest_close(al_ingest *in) {
    if (in->fd >= 0) close(in->fd);
    al_trace_reader_close(in->reader);
    if (in->fp) fclose(in->fp);
    free(in->buf);
    memset(in, 0, sizeof *in);
    in->fd = -1;
}

static int append(al_ingest *in, const char *data, size_t n) {
    /* Give back the space of what the reader has taken, now and then. */
    if (in->start > 0 && in->start >= in->len / 2) {
        memmove(in->buf, in->buf + in->start, in->len - in->start);
        in->len -= in->start;
        in->complete -= in->start;
        in->start = 0;
    }
    if (in->len + n > in->cap) {
        size_t cap = in->cap ? in->cap : 65536;
        while (cap < in->len + n) cap *= 2;
        char *bigger = realloc(in->buf, cap);
        if (!bigger) return -ENOMEM;
        in->buf = bigger;
        in->cap = cap;
    }
    memcpy(in->buf + in->len, data, n);
    in->len += n;
    return 0;
}

/* Read what the pipe has now, at most max_bytes (the fd is non-blocking:
 * reading until EAGAIN also notices an end that follows the last bytes). */
static void read_pipe(al_ingest *in, size_t max_bytes) {
    char chunk[65536];
    size_t got_total = 0;
    while (in->fd >= 0 && got_total < max_bytes) {
        ssize_t got = read(in->fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (got <= 0) {               /* the end, or an error that is as good as one */
            close(in->fd);
            in->fd = -1;
            in->eof = 1;
            break;
        }
        if (in->record) fwrite(chunk, 1, (size_t)got, in->record);
        if (append(in, chunk, (size_t)got) < 0) {
            in->more = 1;             /* out of memory: try again later */
            return;
        }
        in->bytes += (uint64_t)got;
        got_total += (size_t)got;
    }
    if (got_total >= max_bytes) in->more = 1;
}

int al_ingest_pump(al_ingest *in, al_session *s, size_t max_bytes, size_t max_events, int64_t wall_us) {
    in->more = 0;
    read_pipe(in, max_bytes);
    /* Whole lines only, until the stream is over: then its last (cut)
     * line too, so the reader can say it was truncated. */
    if (in->eof) {
        in->complete = in->len;
    } else {
        size_t i = in->len;
        while (i > in->complete && in->buf[i - 1] != '\n') i--;
        if (i > in->complete) in->complete = i;
    }
    if (in->fatal) {
        in->start = in->complete;     /* drain, parse nothing */
    }
    int fed = 0;
    clearerr(in->fp);
    while (!in->fatal && (size_t)fed < max_events) {
        al_trace_event ev;
        int rc = al_trace_reader_next(in->reader, &ev);
        if (rc == 0) break;
        if (rc == 1) {
            al_session_feed(s, &ev, wall_us);
            fed++;
            continue;
        }
        /* A reader that fails again on the same line has given up on the
         * stream (a newer format version): nothing after it can be read. */
        size_t line = al_trace_reader_line(in->reader);
        if (line == in->last_bad_line && s->bad_lines > 0) {
            in->fatal = 1;
            break;
        }
        in->last_bad_line = line;
        al_session_bad_line(s, al_trace_reader_error(in->reader));
    }
    if ((size_t)fed >= max_events) in->more = 1;
    if (in->eof && !in->more && !s->ended) al_session_end(s);
    return fed;
}
