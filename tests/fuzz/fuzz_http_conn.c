/* fuzz_http_conn.c — libFuzzer target: random byte streams through the HTTP
 * connection state machine (core/http/src/http_conn.c and the llhttp glue).
 *
 * The input drives everything: its first bytes pick the limits (small ones,
 * so that 413/414/431 and the output pause are reachable), then a PRNG seeded
 * from the input splits the rest into random read sizes and interleaves the
 * other events a real server sees: the writer taking nothing or a few bytes
 * (a client that reads slowly), time passing (deadlines), handlers that
 * answer inline or later and in any order relative to the reads, shutdown.
 *
 * Invariants, checked with abort() so libFuzzer reports them:
 *   1. at most one final response per request, in order: every dispatched
 *      request is numbered and its response carries the number; the numbers
 *      in the output are 1, 2, 3... with no gap and no repeat, and only an
 *      error answer (no number) may follow the last, once;
 *   2. nothing after close: no write once the connection asked to be closed,
 *      no response after one that said "Connection: close";
 *   3. no busy loop: a connection that wants to read has room to read into,
 *      and one that waits for nothing has a deadline;
 *   4. it ends: after the input, an end of stream and the pending handler's
 *      answer, the connection asks to be closed;
 *   5. all memory freed: LeakSanitizer, at the end of each run (libFuzzer's
 *      -detect_leaks, on by default).
 *
 * Built as one translation unit with the sources it tests; llhttp's sources
 * are compiled in beside it (tests/fuzz/CMakeLists.txt), all instrumented for
 * coverage.
 */
#define _GNU_SOURCE   /* memmem */
#include "../../core/http/src/http_conn.c"
#include "../../core/http/src/http_parser.c"
#include "../../core/http/src/http_percent.c"
#include "../../core/http/src/http_request.c"
#include "../../core/http/src/http_response.c"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OUT (256 * 1024)
#define MAX_DISPATCH 512

typedef struct harness {
    al_http_conn *c;
    uint64_t rng;
    char out[MAX_OUT];
    size_t out_len;
    long budget;                  /* what the writer takes next; -1 all */
    int closed;                   /* the connection asked to be closed */
    int dispatched;
    int pending;                  /* a handler is "running" */
    al_http_response *pending_res;
    int pending_n;
    int aborts;
    char head_only[MAX_DISPATCH + 1];
    char numbers[MAX_DISPATCH + 1][12];
} harness;

static uint32_t rnd(harness *h) {
    h->rng ^= h->rng << 13;
    h->rng ^= h->rng >> 7;
    h->rng ^= h->rng << 17;
    return (uint32_t)(h->rng >> 11);
}

static void broken(const char *why) {
    fprintf(stderr, "invariant broken: %s\n", why);
    abort();
}

static ssize_t h_write(void *ctx, const struct iovec *iov, int iovcnt) {
    harness *h = ctx;
    if (h->closed) broken("write after close");
    size_t n = 0;
    for (int i = 0; i < iovcnt; i++) n += iov[i].iov_len;
    if (h->budget >= 0 && (size_t)h->budget < n) n = (size_t)h->budget;
    if (n == 0) return -EAGAIN;
    size_t left = n;
    for (int i = 0; i < iovcnt && left; i++) {
        size_t k = iov[i].iov_len < left ? iov[i].iov_len : left;
        size_t room = MAX_OUT - h->out_len;
        memcpy(h->out + h->out_len, iov[i].iov_base, k < room ? k : room);
        h->out_len += k < room ? k : room;
        left -= k;
    }
    if (h->budget >= 0) h->budget -= (long)n;
    return (ssize_t)n;
}

static void fill(harness *h, al_http_response *res, int n) {
    static const char big[2048] = {0};
    switch (rnd(h) % 4) {
    case 0: al_http_respond_static(res, 200, "application/json", "{\"ok\":1}", 8); break;
    case 1: al_http_respond_error(res, 404, "Not Found"); break;
    case 2: al_http_respond_copy(res, 200, "text/plain", big, rnd(h) % sizeof big); break;
    default: al_http_respond_static(res, 204, NULL, NULL, 0); break;
    }
    if (rnd(h) % 8 == 0) res->close = 1;
    al_http_response_add_header(res, "X-N", h->numbers[n]);
}

static int h_dispatch(void *ctx, al_http_request *req, al_http_response *res) {
    harness *h = ctx;
    if (h->pending) broken("dispatch while a handler runs");
    if (h->dispatched == MAX_DISPATCH) broken("too many dispatches for the harness");
    int n = ++h->dispatched;
    h->head_only[n] = strcmp(req->method, "HEAD") == 0;
    /* the request's strings must be readable */
    volatile size_t touch = strlen(req->path) + strlen(req->query) + req->body_len;
    for (size_t i = 0; i < req->header_count; i++)
        touch += strlen(req->headers[i].name) + strlen(req->headers[i].value);
    (void)touch;
    if (rnd(h) % 3 == 0) {
        h->pending = 1;
        h->pending_res = res;
        h->pending_n = n;
        return AL_HTTP_PENDING;
    }
    fill(h, res, n);
    return AL_HTTP_DONE;
}

static void h_abort(void *ctx) { ((harness *)ctx)->aborts++; }

static const char *h_date(void *ctx) {
    (void)ctx;
    return "Thu, 01 Jan 1970 00:00:00 GMT";
}

static const al_http_conn_ops ops = {h_write, h_dispatch, h_abort, NULL, h_date};

/* Invariant 3, after every call. */
static void check_wants(harness *h) {
    int w = al_http_conn_wants(h->c);
    if (w & AL_HTTP_WANT_CLOSE) {
        h->closed = 1;
        return;
    }
    if (w & AL_HTTP_WANT_READ) {
        char *buf;
        size_t len;
        al_http_conn_input_space(h->c, &buf, &len);
        if (len == 0) broken("wants to read but has no room (a busy loop)");
    }
    if (!(w & (AL_HTTP_WANT_READ | AL_HTTP_WANT_WRITE | AL_HTTP_HANDLING)) &&
        al_http_conn_deadline(h->c) == INT64_MAX)
        broken("waits for nothing and has no deadline (stuck)");
    if (!!(w & AL_HTTP_HANDLING) != h->pending) broken("HANDLING disagrees with the dispatcher");
}

static void respond_pending(harness *h, int64_t now) {
    if (!h->pending) return;
    h->pending = 0;
    fill(h, h->pending_res, h->pending_n);
    al_http_conn_respond(h->c, now);
}

/* Invariants 1 and 2, on everything written. */
static void check_output(harness *h) {
    const char *p = h->out, *end = h->out + h->out_len;
    int expect = 1, after_close = 0, unnumbered = 0;
    while (p < end) {
        const char *head_end = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (!head_end) return;                 /* the writer stopped mid-response */
        if (end - p < 12 || memcmp(p, "HTTP/1.1 ", 9) != 0) broken("output is not a response");
        int status = atoi(p + 9);
        size_t hlen = (size_t)(head_end - p);
        char head[8192];
        if (hlen >= sizeof head) broken("response head too long");
        memcpy(head, p, hlen);
        head[hlen] = 0;
        p = head_end + 4;
        if (status == 100) continue;           /* interim: not a final response */
        if (after_close) broken("a response after Connection: close");
        if (strstr(head, "\r\nConnection: close\r\n") || strstr(head, "\r\nConnection: close"))
            after_close = 1;
        const char *xn = strstr(head, "\r\nX-N: ");
        int n = xn ? atoi(xn + 7) : 0;
        if (n) {
            if (unnumbered) broken("a numbered response after an error answer");
            if (n != expect) broken("responses out of order, repeated or missing");
            expect++;
        } else {
            if (unnumbered++) broken("two error answers");
        }
        const char *cl = strstr(head, "\r\nContent-Length: ");
        size_t body = cl ? strtoul(cl + 18, NULL, 10) : 0;
        if (n && h->head_only[n]) body = 0;
        if ((size_t)(end - p) < body) return;   /* truncated by the writer */
        p += body;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 4) return 0;
    harness *h = calloc(1, sizeof *h);
    for (int i = 1; i <= MAX_DISPATCH; i++) snprintf(h->numbers[i], sizeof h->numbers[i], "%d", i);
    h->rng = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)data[0] << 8 | data[1] | (uint64_t)size << 32);
    h->budget = -1;
    al_http_limits l = {0};
    if (data[2] & 1) {   /* small limits reach more states */
        l.max_request_line = 16 + data[3] % 64;
        l.max_header_bytes = 32 + data[3] % 128;
        l.max_headers = 1 + data[3] % 8;
        l.max_body = data[3] % 100;
        l.max_output = 1 + data[2] % 200;
        l.max_requests = 1 + data[2] % 5;
    }
    data += 4;
    size -= 4;
    int64_t now = 0;
    if (al_http_conn_new(&h->c, &ops, h, &l, "fuzz", now) < 0) {
        free(h);
        return 0;
    }
    size_t pos = 0;
    for (int step = 0; step < 20000 && !h->closed; step++) {
        uint32_t r = rnd(h) % 16;
        if (r < 9 && pos < size) {                       /* bytes arrive */
            char *buf;
            size_t room;
            al_http_conn_input_space(h->c, &buf, &room);
            if (room > 0) {
                size_t n = 1 + rnd(h) % (rnd(h) % 4 == 0 ? 4096 : 48);
                if (n > size - pos) n = size - pos;
                if (n > room) n = room;
                memcpy(buf, data + pos, n);
                pos += n;
                al_http_conn_input(h->c, (ssize_t)n, now);
            }
        } else if (r < 11) {                             /* the client reads some */
            h->budget = rnd(h) % 2 ? -1 : (long)(rnd(h) % 64);
            if (al_http_conn_wants(h->c) & AL_HTTP_WANT_WRITE) al_http_conn_writable(h->c, now);
        } else if (r < 13) {                             /* a handler finishes */
            respond_pending(h, now);
        } else if (r < 14) {                             /* time passes */
            now += rnd(h) % 3 ? 1000 : 6000000;
            if (now >= al_http_conn_deadline(h->c)) al_http_conn_timeout(h->c, now);
        } else if (r < 15 && rnd(h) % 64 == 0) {
            al_http_conn_shutdown(h->c, now);
        } else if (pos >= size) {
            break;
        }
        check_wants(h);
        if (h->closed) break;
    }
    /* the end: the client reads everything, goes away, the handler stops */
    if (!h->closed) {
        h->budget = -1;
        if (al_http_conn_wants(h->c) & AL_HTTP_WANT_WRITE) al_http_conn_writable(h->c, now);
        check_wants(h);
    }
    if (!h->closed) {
        al_http_conn_input(h->c, 0, now);
        check_wants(h);
    }
    if (!h->closed && h->pending) {
        if (!h->aborts) broken("end of stream did not abort the running handler");
        respond_pending(h, now);
        check_wants(h);
    }
    if (!h->closed) broken("the connection did not close at the end of the stream");
    check_output(h);
    al_http_conn_free(h->c);
    free(h);
    return 0;
}
