/* harness_http.c — a strict, bounded HTTP/1.1 response parser (see harness_http.h).
 *
 * A small state machine over the bytes as they come: the head is collected
 * into a fixed buffer until the blank line, then parsed in one go; the body
 * is counted (and optionally captured) without copying it anywhere else.
 * Chunk-size lines and trailers reuse the head buffer, which is free by then.
 */
#include "harness_http.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum {
    S_HEAD,           /* collecting the status line and headers */
    S_BODY,           /* Content-Length bytes to go (remaining) */
    S_UNTIL_CLOSE,    /* everything until the server closes */
    S_CHUNK_SIZE,     /* a chunk-size line */
    S_CHUNK_DATA,     /* remaining bytes of the current chunk */
    S_CHUNK_CRLF,     /* the CRLF after a chunk's data */
    S_TRAILERS,       /* trailer lines after the last chunk, up to a blank line */
    S_DONE
};

#define CHUNK_LINE_MAX 1024
#define CHUNK_SIZE_MAX ((uint64_t)1 << 40)

static int fail(al_hresp *r, const char *why) {
    r->error = why;
    return -EPROTO;
}

void al_hresp_reset(al_hresp *r, int head_request) {
    char *body = r->body;
    size_t cap = r->body_cap;
    /* Not a memset of the whole struct: the head buffer is 8 KiB and a load
     * generator resets once per response. */
    r->status = r->minor = 0;
    r->content_length = -1;
    r->chunked = r->until_close = r->close = r->head_done = r->done = 0;
    r->content_type[0] = r->reason[0] = 0;
    r->body_bytes = 0;
    r->body = body;
    r->body_cap = cap;
    r->body_len = 0;
    r->body_truncated = 0;
    r->error = NULL;
    r->state = S_HEAD;
    r->head_request = head_request;
    r->remaining = 0;
    r->head_len = 0;
}

int al_hresp_started(const al_hresp *r) { return r->head_len > 0 || r->status != 0; }

/* ---- the head ---------------------------------------------------------------- */

static int is_tchar(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static void copy_cut(char *dst, size_t size, const char *src, size_t len) {
    if (len >= size) len = size - 1;
    memcpy(dst, src, len);
    dst[len] = 0;
}

/* Does the comma-separated list (len bytes) contain `token`, case-insensitively? */
static int list_has(const char *list, size_t len, const char *token) {
    size_t tlen = strlen(token), i = 0;
    while (i < len) {
        while (i < len && (list[i] == ' ' || list[i] == '\t' || list[i] == ',')) i++;
        size_t start = i;
        while (i < len && list[i] != ',') i++;
        size_t end = i;
        while (end > start && (list[end - 1] == ' ' || list[end - 1] == '\t')) end--;
        if (end - start == tlen && strncasecmp(list + start, token, tlen) == 0) return 1;
    }
    return 0;
}

/* The last coding of a Transfer-Encoding list: chunked or not? */
static int last_is_chunked(const char *v, size_t len) {
    size_t end = len;
    while (end > 0 && (v[end - 1] == ' ' || v[end - 1] == '\t')) end--;
    size_t start = end;
    while (start > 0 && v[start - 1] != ',') start--;
    while (start < end && (v[start] == ' ' || v[start] == '\t')) start++;
    return end - start == 7 && strncasecmp(v + start, "chunked", 7) == 0;
}

static int parse_status_line(al_hresp *r, const char *line, size_t len) {
    if (len < 12 || memcmp(line, "HTTP/1.", 7) != 0 || line[7] < '0' || line[7] > '9' ||
        line[8] != ' ')
        return fail(r, "the status line does not start with \"HTTP/1.x NNN\"");
    r->minor = line[7] - '0';
    int status = 0;
    for (int i = 9; i < 12; i++) {
        if (line[i] < '0' || line[i] > '9') return fail(r, "the status code is not three digits");
        status = status * 10 + (line[i] - '0');
    }
    if (status < 100) return fail(r, "the status code is below 100");
    if (len > 12 && line[12] != ' ') return fail(r, "the status code is not three digits");
    r->status = status;
    if (len > 13) copy_cut(r->reason, sizeof r->reason, line + 13, len - 13);
    return 0;
}

static int parse_header(al_hresp *r, const char *line, size_t len, int *keep_alive) {
    if (line[0] == ' ' || line[0] == '\t')
        return fail(r, "a header line is folded (obs-fold), which HTTP/1.1 forbids");
    size_t colon = 0;
    while (colon < len && is_tchar((unsigned char)line[colon])) colon++;
    if (colon == 0 || colon == len || line[colon] != ':')
        return fail(r, "a header line is not \"Name: value\"");
    const char *v = line + colon + 1;
    size_t vlen = len - colon - 1;
    while (vlen && (*v == ' ' || *v == '\t')) v++, vlen--;
    while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t')) vlen--;
    for (size_t i = 0; i < vlen; i++) {
        unsigned char c = (unsigned char)v[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return fail(r, "a header value holds a control character");
    }
    size_t nlen = colon;
    if (nlen == 14 && strncasecmp(line, "Content-Length", 14) == 0) {
        if (vlen == 0 || vlen > 15) return fail(r, "Content-Length is not a number");
        int64_t n = 0;
        for (size_t i = 0; i < vlen; i++) {
            if (v[i] < '0' || v[i] > '9') return fail(r, "Content-Length is not a number");
            n = n * 10 + (v[i] - '0');
        }
        if (r->content_length >= 0 && r->content_length != n)
            return fail(r, "two Content-Length headers disagree");
        r->content_length = n;
    } else if (nlen == 17 && strncasecmp(line, "Transfer-Encoding", 17) == 0) {
        if (!last_is_chunked(v, vlen))
            return fail(r, "a Transfer-Encoding that does not end in chunked");
        r->chunked = 1;
    } else if (nlen == 10 && strncasecmp(line, "Connection", 10) == 0) {
        if (list_has(v, vlen, "close")) r->close = 1;
        if (list_has(v, vlen, "keep-alive")) *keep_alive = 1;
    } else if (nlen == 12 && strncasecmp(line, "Content-Type", 12) == 0) {
        copy_cut(r->content_type, sizeof r->content_type, v, vlen);
    }
    return 0;
}

/* The head is in r->head (ending "\r\n\r\n"): parse it and choose how the
 * body is framed. */
static int parse_head(al_hresp *r) {
    const char *p = r->head, *end = r->head + r->head_len - 2;   /* before the blank line */
    int keep_alive = 0, first = 1;
    r->content_length = -1;
    r->chunked = r->close = 0;
    r->content_type[0] = r->reason[0] = 0;
    while (p < end) {
        const char *eol = memchr(p, '\r', (size_t)(end - p));
        size_t len = (size_t)(eol - p);
        int rc = first ? parse_status_line(r, p, len) : parse_header(r, p, len, &keep_alive);
        if (rc < 0) return rc;
        first = 0;
        p = eol + 2;
    }
    if (r->minor == 0 && !keep_alive) r->close = 1;   /* HTTP/1.0 closes unless told */
    r->head_len = 0;

    if (r->status < 200 && r->status != 101) {   /* 100 Continue & co: wait for the final one */
        r->state = S_HEAD;
        return 0;
    }
    r->head_done = 1;
    if (r->status == 101) r->close = 1;          /* we never ask to switch protocols */
    if (r->head_request || r->status == 101 || r->status == 204 || r->status == 304) {
        r->state = S_DONE;
    } else if (r->chunked) {
        r->state = S_CHUNK_SIZE;
    } else if (r->content_length >= 0) {
        r->remaining = (uint64_t)r->content_length;
        r->state = r->remaining ? S_BODY : S_DONE;
    } else {
        r->until_close = r->close = 1;
        r->state = S_UNTIL_CLOSE;
    }
    r->done = r->state == S_DONE;
    return 0;
}

/* ---- the body ---------------------------------------------------------------- */

static void take_body(al_hresp *r, const char *data, size_t n) {
    r->body_bytes += n;
    if (!r->body) return;
    size_t room = r->body_cap - r->body_len;
    if (n > room) {
        r->body_truncated = 1;
        n = room;
    }
    memcpy(r->body + r->body_len, data, n);
    r->body_len += n;
}

/* A chunk-size line is complete in r->head (without its CRLF). */
static int parse_chunk_size(al_hresp *r) {
    uint64_t size = 0;
    size_t i = 0, digits = 0;
    for (; i < r->head_len; i++, digits++) {
        char c = r->head[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) break;
        size = size * 16 + (uint64_t)d;
        if (size > CHUNK_SIZE_MAX) return fail(r, "a chunk is larger than 1 TiB");
    }
    if (digits == 0) return fail(r, "a chunk-size line does not start with a hex number");
    while (i < r->head_len && (r->head[i] == ' ' || r->head[i] == '\t')) i++;
    if (i < r->head_len && r->head[i] != ';') return fail(r, "garbage after a chunk size");
    r->head_len = 0;
    r->remaining = size;
    r->state = size ? S_CHUNK_DATA : S_TRAILERS;
    return 0;
}

/* Collect one CRLF-terminated line into r->head (chunk sizes, trailers).
 * Returns 1 when the line is complete (without CRLF), 0 for more. */
static int take_line_byte(al_hresp *r, char c, size_t max, int *err) {
    if (c == '\n') {
        if (r->head_len == 0 || r->head[r->head_len - 1] != '\r') {
            *err = fail(r, "a line in the chunked body ends with a bare LF");
            return 0;
        }
        r->head_len--;
        return 1;
    }
    if (r->head_len >= max) {
        *err = fail(r, "a line in the chunked body is too long");
        return 0;
    }
    r->head[r->head_len++] = c;
    return 0;
}

long al_hresp_feed(al_hresp *r, const char *data, size_t len) {
    if (r->done) return fail(r, "more data after the end of the response");
    size_t i = 0;
    int err = 0;
    while (i < len && !r->done) {
        if (r->state == S_HEAD) {
            /* Take the rest of the current line (up to and with its LF) in
             * one copy: a load generator reads hundreds of thousands of
             * heads a second, so no byte-at-a-time loop here. */
            const char *lf = memchr(data + i, '\n', len - i);
            size_t n = lf ? (size_t)(lf - (data + i)) + 1 : len - i;
            if (n > sizeof r->head - r->head_len) return fail(r, "response head larger than 8192 bytes");
            size_t from = r->head_len;
            memcpy(r->head + from, data + i, n);
            r->head_len += n;
            i += n;
            /* Every CR must be followed by an LF (a CR that ends what we have
             * waits for the next byte); every LF must follow a CR. */
            size_t scan = from ? from - 1 : 0;
            const char *cr;
            while ((cr = memchr(r->head + scan, '\r', r->head_len - scan)) != NULL) {
                size_t at = (size_t)(cr - r->head);
                if (at + 1 == r->head_len) break;
                if (r->head[at + 1] != '\n') return fail(r, "the response head holds a bare CR");
                scan = at + 1;
            }
            if (!lf) continue;
            if (r->head_len < 2 || r->head[r->head_len - 2] != '\r')
                return fail(r, "a line of the response head ends with a bare LF");
            if (r->head_len == 2) return fail(r, "the response starts with an empty line");
            if (r->head_len >= 4 && memcmp(r->head + r->head_len - 4, "\r\n\r\n", 4) == 0) {
                int rc = parse_head(r);
                if (rc < 0) return rc;
            }
        } else if (r->state == S_BODY || r->state == S_CHUNK_DATA) {
            size_t n = len - i;
            if (n > r->remaining) n = (size_t)r->remaining;
            take_body(r, data + i, n);
            i += n;
            r->remaining -= n;
            if (r->remaining == 0) {
                if (r->state == S_BODY) r->state = S_DONE;
                else r->state = S_CHUNK_CRLF;
                r->head_len = 0;
            }
        } else if (r->state == S_UNTIL_CLOSE) {
            take_body(r, data + i, len - i);
            i = len;
        } else if (r->state == S_CHUNK_CRLF) {
            char want = r->head_len == 0 ? '\r' : '\n';
            if (data[i++] != want) return fail(r, "a chunk's data is not followed by CRLF");
            if (++r->head_len == 2) {
                r->head_len = 0;
                r->state = S_CHUNK_SIZE;
            }
        } else if (r->state == S_CHUNK_SIZE) {
            if (take_line_byte(r, data[i++], CHUNK_LINE_MAX, &err)) {
                int rc = parse_chunk_size(r);
                if (rc < 0) return rc;
            }
            if (err) return err;
        } else if (r->state == S_TRAILERS) {
            if (take_line_byte(r, data[i++], CHUNK_LINE_MAX, &err)) {
                if (r->head_len == 0) r->state = S_DONE;   /* the blank line */
                r->head_len = 0;
            }
            if (err) return err;
        }
        r->done = r->state == S_DONE;
    }
    return (long)i;
}

int al_hresp_eof(al_hresp *r) {
    if (r->done) return 0;
    if (r->state == S_UNTIL_CLOSE) {
        r->state = S_DONE;
        r->done = 1;
        return 0;
    }
    if (!al_hresp_started(r)) return fail(r, "the server closed the connection without answering");
    if (r->state == S_HEAD) return fail(r, "the server closed the connection in the middle of the head");
    return fail(r, "the server closed the connection before the end of the body");
}
