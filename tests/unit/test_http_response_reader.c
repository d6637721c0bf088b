/* test_http_response_reader.c — the one HTTP response reader: every legal
 * framing, fed whole and one byte at a time; pipelined bytes left alone;
 * each refusal named; the server's text made safe to print. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "al_test.h"
#include "asynclab/http_response_reader.h"

static char captured[256];

/* Feed `text` (len bytes) in pieces of `step` bytes (0: whole), then the
 * close if `eof`. Returns the first error, or the bytes used. */
static long read_all(al_http_reader *r, const char *text, size_t len, size_t step, int eof, int head) {
    r->body = captured;
    r->body_cap = sizeof captured;
    al_http_reader_reset(r, head);
    size_t at = 0;
    while (at < len && !r->done) {
        size_t n = step && len - at > step ? step : len - at;
        long used = al_http_reader_feed(r, text + at, n);
        if (used < 0) return used;
        at += (size_t)used;
    }
    if (eof && !r->done) {
        int rc = al_http_reader_eof(r);
        if (rc < 0) return rc;
    }
    return (long)at;
}

#define S(lit) lit, sizeof lit - 1

typedef struct legal {
    const char *name, *text;
    size_t len;
    int eof, head, status;
    const char *body;
} legal;

static const legal legals[] = {
    {"content-length", S("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"), 0, 0, 200, "hello"},
    {"chunked, an extension, a trailer",
     S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nhel\r\n2\r\nlo\r\n0\r\nT: 1\r\n\r\n"),
     0, 0, 200, "hello"},
    {"until close", S("HTTP/1.1 200 OK\r\n\r\nhello"), 1, 0, 200, "hello"},
    {"after a 100 Continue", S("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhello"),
     0, 0, 201, "hello"},
    {"answer to HEAD", S("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"), 0, 1, 200, ""},
    {"204", S("HTTP/1.1 204 No Content\r\n\r\n"), 0, 0, 204, ""},
    {"304", S("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n"), 0, 0, 304, ""},
    {"404 with a body", S("HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno"), 0, 0, 404, "no"},
};

AL_TEST(every_legal_framing_reads_whole_or_byte_by_byte) {
    for (size_t i = 0; i < sizeof legals / sizeof legals[0]; i++) {
        const legal *t = &legals[i];
        for (size_t step = 0; step <= 1; step++) {
            al_http_reader r;
            long rc = read_all(&r, t->text, t->len, step, t->eof, t->head);
            AL_CHECK_MSG(rc == (long)t->len && r.done, "%s (step %zu): rc %ld, error %s", t->name, step, rc,
                         r.error ? r.error : "none");
            AL_CHECK_MSG(r.status == t->status, "%s: status %d", t->name, r.status);
            AL_CHECK_MSG(r.body_len == strlen(t->body) && memcmp(captured, t->body, r.body_len) == 0,
                         "%s: body %.*s", t->name, (int)r.body_len, captured);
            AL_CHECK_MSG(r.body_bytes == strlen(t->body), "%s: body_bytes %llu", t->name,
                         (unsigned long long)r.body_bytes);
        }
    }
}

AL_TEST(it_stops_at_the_end_leaving_pipelined_bytes) {
    const char two[] = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 404 Not Found\r\n"
                       "Content-Length: 2\r\nContent-Type: text/plain\r\n\r\nbc";
    al_http_reader r = {0};
    al_http_reader_reset(&r, 0);
    long used = al_http_reader_feed(&r, two, sizeof two - 1);
    AL_REQUIRE_INT(used, ==, 39);
    AL_CHECK(r.done);
    AL_CHECK_INT(r.body_offset, ==, 38);
    AL_CHECK_INT(al_http_reader_feed(&r, "x", 1), ==, -EPROTO);   /* done: reset first */
    al_http_reader_reset(&r, 0);
    AL_CHECK_INT(al_http_reader_feed(&r, two + used, sizeof two - 1 - (size_t)used), ==, (long)(sizeof two - 1 - (size_t)used));
    AL_CHECK(r.done);
    AL_CHECK_INT(r.status, ==, 404);
    AL_CHECK_STR(r.reason, "Not Found");
    AL_CHECK_STR(r.content_type, "text/plain");
    AL_CHECK_INT(r.content_length, ==, 2);
}

typedef struct refusal {
    const char *text;
    size_t len;
    const char *says;
} refusal;

static char big_head[AL_HTTP_READER_HEAD_MAX + 64];
static char long_ext[2048];

static const refusal refusals[] = {
    {S("HTTP/1.1 200 OK\nContent-Length: 2\n\nhi"), "ends with a bare LF"},
    {S("HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 2\r\n\r\nhi"), "holds a bare CR"},
    {S("HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nhi"), "the status code is not three digits"},
    {S("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi!"), "two Content-Length headers disagree"},
    {S("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Folded: a\r\n b\r\n\r\nhi"), "folded (obs-fold)"},
    {S("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nhi"), "does not end in chunked"},
    {S("SSH-2.0-OpenSSH\r\n\r\n"), "does not start with \"HTTP/1.x NNN\""},
    {S("HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"), "does not start with \"HTTP/1.x NNN\""},
    {S("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
     "Content-Length together with Transfer-Encoding"},
    {S("HTTP/1.1 200 OK\r\nContent-Length: x2\r\n\r\nhi"), "Content-Length is not a number"},
    {S("HTTP/1.1 200 OK\r\nX: a\x01" "b\r\nContent-Length: 0\r\n\r\n"), "control character"},
    {S("HTTP/1.1 200 OK\r\nBad Name: a\r\nContent-Length: 0\r\n\r\n"), "not \"Name: value\""},
    {S("\r\nHTTP/1.1 200 OK\r\n\r\n"), "starts with an empty line"},
    {S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), "chunk-size line"},
    {S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n20000000000\r\n"), "larger than 1 TiB"},
    {S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhiXY"), "CRLF"},
    {big_head, 0, "response head larger than 8192 bytes"},
    {long_ext, 0, "extensions are longer than 1024 bytes"},
};

AL_TEST(each_refusal_names_what_is_wrong) {
    snprintf(big_head, sizeof big_head, "HTTP/1.1 200 OK\r\nX: %0*d\r\n\r\n", AL_HTTP_READER_HEAD_MAX, 0);
    int n = snprintf(long_ext, sizeof long_ext, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;a=");
    memset(long_ext + n, 'x', sizeof long_ext - (size_t)n - 1);
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        const refusal *t = &refusals[i];
        size_t len = t->len ? t->len : strlen(t->text);
        for (size_t step = 0; step <= 1; step++) {
            al_http_reader r;
            long rc = read_all(&r, t->text, len, step, 0, 0);
            AL_CHECK_MSG(rc == -EPROTO && r.error && strstr(r.error, t->says),
                         "#%zu (step %zu): expected -EPROTO saying '%s', got %ld '%s'", i, step, t->says, rc,
                         r.error ? r.error : "");
        }
    }
}

AL_TEST(a_server_s_text_is_made_safe_to_print) {
    const char text[] = "HTTP/1.1 500 OK\x1b[31m\xff\xfe Gr\xc3\xb6\xc3\x9f" "e\r\n"
                        "Content-Type: text/\xff\xc0\xafplain\r\nContent-Length: 0\r\n\r\n";
    al_http_reader r;
    AL_REQUIRE_INT(read_all(&r, text, sizeof text - 1, 0, 0, 0), ==, (long)(sizeof text - 1));
    AL_CHECK_STR(r.reason, "OK?[31m?? Gr\xc3\xb6\xc3\x9f" "e");   /* UTF-8 kept, the rest '?' */
    AL_CHECK_STR(r.content_type, "text/???plain");   /* not UTF-8: '?' */
    /* A control character in a header value is refused outright (llhttp). */
    const char esc[] = "HTTP/1.1 200 OK\r\nContent-Type: a\x1b]0;x\x07\r\nContent-Length: 0\r\n\r\n";
    AL_CHECK_INT(read_all(&r, esc, sizeof esc - 1, 0, 0, 0), ==, -EPROTO);
    /* A reason cut short is never shown raw: it is set once complete. */
    const char cut[] = "HTTP/1.1 500 OK\x1b[31m\xff\rX";
    AL_CHECK_INT(read_all(&r, cut, sizeof cut - 1, 1, 0, 0), ==, -EPROTO);
    AL_CHECK_STR(r.reason, "");
    /* Cut to fit, and still valid: a long reason ends inside the buffer. */
    char longer[200];
    int n = snprintf(longer, sizeof longer, "HTTP/1.1 200 %0100d\r\nContent-Length: 0\r\n\r\n", 7);
    AL_REQUIRE_INT(read_all(&r, longer, (size_t)n, 1, 0, 0), ==, n);
    AL_CHECK_INT(strlen(r.reason), ==, sizeof r.reason - 1);
}

AL_TEST(the_close_completes_or_cuts_an_answer) {
    al_http_reader r;
    AL_CHECK_INT(read_all(&r, "", 0, 0, 1, 0), ==, -EPROTO);
    AL_CHECK(strstr(r.error, "without answering") != NULL);
    AL_CHECK(!al_http_reader_started(&r));
    AL_CHECK_INT(read_all(&r, S("HTTP/1.1 200 OK\r\nContent-Le"), 0, 1, 0), ==, -EPROTO);
    AL_CHECK(strstr(r.error, "in the middle of the head") != NULL);
    AL_CHECK(al_http_reader_started(&r));
    AL_CHECK_INT(read_all(&r, S("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhi"), 0, 1, 0), ==, -EPROTO);
    AL_CHECK(strstr(r.error, "before the end of the body") != NULL);
    AL_CHECK(r.head_done);
    AL_CHECK_INT(r.body_bytes, ==, 2);
    AL_CHECK_INT(read_all(&r, S("HTTP/1.1 200 OK\r\n\r\nabc"), 0, 1, 0), ==, 22);
    AL_CHECK(r.done && r.until_close && r.close);
}

AL_TEST(who_closes_the_connection) {
    struct { const char *text; size_t len; int close; } cases[] = {
        {S("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), 0},
        {S("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"), 1},
        {S("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"), 1},
        {S("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"), 0},
        {S("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n"), 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        al_http_reader r;
        long rc = read_all(&r, cases[i].text, cases[i].len, 0, 0, 0);
        AL_CHECK_MSG(rc == (long)cases[i].len && r.done && r.close == cases[i].close,
                     "case %zu: rc %ld done %d close %d (%s)", i, rc, r.done, r.close, r.error ? r.error : "");
    }
}

static int refuse_big(void *arg, const char *data, size_t len) {
    size_t *total = arg;
    (void)data;
    *total += len;
    return *total > 4 ? -EMSGSIZE : 0;
}

AL_TEST(a_body_is_captured_within_its_buffer_or_refused_by_its_sink) {
    char small[3];
    al_http_reader r = {.body = small, .body_cap = sizeof small};
    al_http_reader_reset(&r, 0);
    const char text[] = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabcdef";
    AL_REQUIRE_INT(al_http_reader_feed(&r, text, sizeof text - 1), ==, (long)(sizeof text - 1));
    AL_CHECK(r.done && r.body_truncated);
    AL_CHECK_INT(r.body_len, ==, 3);
    AL_CHECK_INT(r.body_bytes, ==, 6);
    AL_CHECK(memcmp(small, "abc", 3) == 0);
    size_t total = 0;
    al_http_reader s;
    s.body = NULL;
    al_http_reader_reset(&s, 0);
    s.body_sink = refuse_big;
    s.sink_arg = &total;
    AL_CHECK_INT(al_http_reader_feed(&s, text, sizeof text - 1), ==, -EMSGSIZE);
}
