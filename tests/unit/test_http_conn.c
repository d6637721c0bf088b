/* test_http_conn.c — the connection state machine, driven without sockets.
 *
 * A fake driver feeds bytes (whole, split, byte by byte), a fake writer
 * collects what the connection writes (and can refuse to take more, like a
 * client that stops reading), and a fake dispatcher answers at once or later
 * (a handler task). Every rule of http_conn.h is checked on exact bytes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "al_test.h"
#include "asynclab/http.h"
#include "asynclab/http_conn.h"

typedef struct fake {
    al_http_conn *c;
    char out[1 << 20];
    size_t out_len;
    long budget;             /* bytes the writer still takes; -1 = unlimited */
    int writes;              /* write calls that took bytes */
    int aborted;
    int dispatched;
    int pending;             /* answer later */
    al_http_request *req;
    al_http_response *res;
    char body_seen[4096];
    char last_path[256];
    int logged;
} fake;

static ssize_t fake_write(void *ctx, const struct iovec *iov, int iovcnt) {
    fake *f = ctx;
    size_t n = 0;
    for (int i = 0; i < iovcnt; i++) n += iov[i].iov_len;
    if (f->budget >= 0 && (long)n > f->budget) n = (size_t)f->budget;
    if (n == 0) return -EAGAIN;
    AL_REQUIRE(f->out_len + n <= sizeof f->out);
    size_t left = n;
    for (int i = 0; i < iovcnt && left; i++) {
        size_t k = iov[i].iov_len < left ? iov[i].iov_len : left;
        memcpy(f->out + f->out_len, iov[i].iov_base, k);
        f->out_len += k;
        left -= k;
    }
    if (f->budget >= 0) f->budget -= (long)n;
    f->writes++;
    return (ssize_t)n;
}

/* Answers {"path": PATH} (and the body, if any, as "body"), or later for
 * paths starting with /slow. */
static int fake_dispatch(void *ctx, al_http_request *req, al_http_response *res) {
    fake *f = ctx;
    f->dispatched++;
    snprintf(f->last_path, sizeof f->last_path, "%s", req->path);
    if (req->body) snprintf(f->body_seen, sizeof f->body_seen, "%s", req->body);
    f->req = req;
    f->res = res;
    if (strncmp(req->path, "/slow", 5) == 0) {
        f->pending = 1;
        return AL_HTTP_PENDING;
    }
    char body[300];
    int n = snprintf(body, sizeof body, "{\"path\":\"%.250s\"}", req->path);
    al_http_respond_copy(res, 200, "application/json", body, (size_t)n);
    return AL_HTTP_DONE;
}

static void fake_abort(void *ctx) { ((fake *)ctx)->aborted++; }
static void fake_log(void *ctx, const al_http_request *req, const al_http_response *res) {
    (void)req;
    (void)res;
    ((fake *)ctx)->logged++;
}
static const char *fake_date(void *ctx) {
    (void)ctx;
    return "Thu, 01 Jan 1970 00:00:00 GMT";
}

static const al_http_conn_ops ops = {fake_write, fake_dispatch, fake_abort, fake_log, fake_date};

static fake *fake_new(const al_http_limits *limits) {
    fake *f = calloc(1, sizeof *f);
    AL_REQUIRE(f != NULL);
    f->budget = -1;
    AL_REQUIRE_INT(al_http_conn_new(&f->c, &ops, f, limits, "127.0.0.1:1", 0), ==, 0);
    return f;
}

static void fake_free(fake *f) {
    al_http_conn_free(f->c);
    free(f);
}

/* Feed bytes in pieces of at most `step` bytes (0 = as much as fits). */
static void feed_n(fake *f, const char *data, size_t len, size_t step, int64_t now) {
    while (len > 0) {
        char *buf;
        size_t room;
        al_http_conn_input_space(f->c, &buf, &room);
        if (room == 0) return;   /* the connection stopped reading */
        size_t n = len < room ? len : room;
        if (step && n > step) n = step;
        memcpy(buf, data, n);
        al_http_conn_input(f->c, (ssize_t)n, now);
        data += n;
        len -= n;
    }
}
static void feed(fake *f, const char *s) { feed_n(f, s, strlen(s), 0, 0); }

static char *out_str(fake *f) {
    f->out[f->out_len] = 0;
    return f->out;
}

static int count(const char *hay, const char *needle) {
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
    return n;
}

#define GET(path) "GET " path " HTTP/1.1\r\nHost: x\r\n\r\n"

AL_TEST(a_get_gets_exact_bytes_and_stays_open) {
    fake *f = fake_new(NULL);
    feed(f, GET("/"));
    AL_CHECK_STR(out_str(f), "HTTP/1.1 200 OK\r\nServer: asynclab\r\n"
                             "Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
                             "Content-Type: application/json\r\nContent-Length: 12\r\n\r\n"
                             "{\"path\":\"/\"}");
    AL_CHECK_INT(al_http_conn_wants(f->c), ==, AL_HTTP_WANT_READ);
    AL_CHECK_INT(f->logged, ==, 1);
    fake_free(f);
}

AL_TEST(pipelined_requests_are_answered_in_order_with_one_write) {
    fake *f = fake_new(NULL);
    feed(f, GET("/a") GET("/b") GET("/c"));
    char *o = out_str(f);
    AL_CHECK_INT(count(o, "HTTP/1.1 200 OK"), ==, 3);
    char *a = strstr(o, "\"/a\""), *b = strstr(o, "\"/b\""), *c = strstr(o, "\"/c\"");
    AL_REQUIRE(a && b && c);
    AL_CHECK(a < b && b < c);
    AL_CHECK_INT(f->writes, ==, 1);
    fake_free(f);
}

AL_TEST(a_request_split_into_single_bytes_is_parsed) {
    fake *f = fake_new(NULL);
    const char *req = "GET /items/42?q=1 HTTP/1.1\r\nHost: x\r\nX-Long: abcdefghij\r\n\r\n";
    feed_n(f, req, strlen(req), 1, 0);
    AL_CHECK_INT(f->dispatched, ==, 1);
    AL_CHECK_STR(f->last_path, "/items/42");
    AL_CHECK(strstr(out_str(f), "{\"path\":\"/items/42\"}") != NULL);
    fake_free(f);
}

AL_TEST(head_has_the_length_but_no_body) {
    fake *f = fake_new(NULL);
    feed(f, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
    char *o = out_str(f);
    AL_CHECK(strstr(o, "Content-Length: 12\r\n") != NULL);
    AL_CHECK(strstr(o, "\r\n\r\n")[4] == 0);   /* nothing after the head */
    fake_free(f);
}

AL_TEST(connection_close_is_honoured_then_lingers_until_eof) {
    fake *f = fake_new(NULL);
    feed(f, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" GET("/never"));
    AL_CHECK(strstr(out_str(f), "Connection: close\r\n") != NULL);
    AL_CHECK_INT(f->dispatched, ==, 1);            /* the pipelined one is not handled */
    int w = al_http_conn_wants(f->c);
    AL_CHECK(w & AL_HTTP_WANT_SHUTDOWN_WRITE);
    AL_CHECK(w & AL_HTTP_WANT_READ);
    feed(f, "junk the client still sends");
    AL_CHECK_INT(f->dispatched, ==, 1);
    al_http_conn_input(f->c, 0, 0);                 /* the client closes */
    AL_CHECK_INT(al_http_conn_wants(f->c), ==, AL_HTTP_WANT_CLOSE);
    fake_free(f);
}

AL_TEST(http10_closes_unless_keep_alive_is_asked) {
    fake *f = fake_new(NULL);
    feed(f, "GET / HTTP/1.0\r\n\r\n");
    AL_CHECK(strstr(out_str(f), "Connection: close\r\n") != NULL);
    AL_CHECK(al_http_conn_wants(f->c) & AL_HTTP_WANT_SHUTDOWN_WRITE);
    fake_free(f);
    f = fake_new(NULL);
    feed(f, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    AL_CHECK(strstr(out_str(f), "Connection: keep-alive\r\n") != NULL);
    AL_CHECK_INT(al_http_conn_wants(f->c), ==, AL_HTTP_WANT_READ);
    fake_free(f);
}

AL_TEST(content_length_and_chunked_bodies_reach_the_handler) {
    fake *f = fake_new(NULL);
    feed(f, "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
    AL_CHECK_STR(f->body_seen, "hello");
    feed(f, "POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
    AL_CHECK_STR(f->body_seen, "abcdefg");
    AL_CHECK_INT(count(out_str(f), "200 OK"), ==, 2);
    fake_free(f);
}

AL_TEST(a_body_larger_than_the_buffer_streams_through) {
    fake *f = fake_new(NULL);
    static char req[200000];
    int n = snprintf(req, sizeof req, "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\n");
    memset(req + n, 'z', 3000);
    feed_n(f, req, (size_t)n + 3000, 700, 0);
    AL_CHECK_INT(f->dispatched, ==, 1);
    AL_CHECK_INT((long)strlen(f->body_seen), ==, 3000);
    fake_free(f);
}

static void expect_error(const char *request, const char *status_line, const char *detail) {
    fake *f = fake_new(NULL);
    feed(f, request);
    char *o = out_str(f);
    AL_CHECK_MSG(strncmp(o, status_line, strlen(status_line)) == 0, "for %s: expected %s, got %.60s",
                 request, status_line, o);
    AL_CHECK_MSG(strstr(o, detail) != NULL, "expected detail %s in %s", detail, o);
    AL_CHECK(strstr(o, "Connection: close\r\n") != NULL);
    AL_CHECK(strstr(o, "Content-Type: application/json\r\n") != NULL);
    AL_CHECK_INT(f->dispatched, ==, 0);
    AL_CHECK(al_http_conn_wants(f->c) & (AL_HTTP_WANT_SHUTDOWN_WRITE | AL_HTTP_WANT_CLOSE));
    fake_free(f);
}

AL_TEST(hostile_framing_is_refused_with_400_and_close) {
    expect_error("GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n", "HTTP/1.1 400", "Folded");
    expect_error("POST / HTTP/1.1\r\nHost: x\r\nX: a\r\n Content-Length: 5\r\n\r\nhello",
                 "HTTP/1.1 400", "Folded");
    expect_error("GET / HTTP/1.1\r\nHost: x\r\nX:\r\n b\r\n\r\n", "HTTP/1.1 400", "Folded");
    expect_error("GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 400", "Missing Host");
    expect_error("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "HTTP/1.1 400", "Duplicate Host");
    expect_error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\na",
                 "HTTP/1.1 400", "Content-Length");
    expect_error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\na", "HTTP/1.1 400",
                 "Content-Length");
    expect_error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
                 "HTTP/1.1 400", "Content-Length");
    expect_error("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "HTTP/1.1 400",
                 "Transfer-Encoding");
    expect_error("GET /\r\n\r\n", "HTTP/1.1 400", "version");
    expect_error("G@T / HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 400", "detail");
    expect_error("GET / HTTP/1.1\r\nHost : x\r\n\r\n", "HTTP/1.1 400", "detail");
    expect_error("GET /%00 HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 400", "detail");
}

#define POST_TE(te) "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " te "\r\n\r\n"

/* RFC 9112 §6.3 rule 4: without chunked as the final coding a request's
 * body has no end: 400 and close; chunked twice is the same doubt. */
AL_TEST(a_transfer_encoding_not_ending_in_chunked_gets_400_and_close) {
    expect_error(POST_TE("") "3\r\nabc\r\n0\r\n\r\n", "HTTP/1.1 400", "must end with chunked");
    expect_error(POST_TE(" , ") "0\r\n\r\n", "HTTP/1.1 400", "must end with chunked");
    expect_error(POST_TE("gzip") "abc", "HTTP/1.1 400", "Transfer-Encoding");
    expect_error(POST_TE("chunked, gzip") "0\r\n\r\n", "HTTP/1.1 400", "Transfer-Encoding");
    expect_error(POST_TE("chunked\r\nTransfer-Encoding: chunked") "0\r\n\r\n", "HTTP/1.1 400",
                 "Transfer-Encoding");
}

/* RFC 9112 §6.1: a coding the server does not implement: 501 (and close:
 * the body that follows cannot be read). */
AL_TEST(a_transfer_coding_other_than_chunked_gets_501_and_close) {
    expect_error(POST_TE("gzip, chunked") "3\r\nabc\r\n0\r\n\r\n", "HTTP/1.1 501 Not Implemented",
                 "Transfer coding not implemented");
    expect_error(POST_TE("deflate\r\nTransfer-Encoding: chunked") "0\r\n\r\n", "HTTP/1.1 501",
                 "not implemented");
}

/* RFC 9112 §7: coding names are case-insensitive; empty list elements are
 * ignored (RFC 9110 §5.6.1; llhttp 8.1 takes a leading one, and refuses a
 * trailing one with 400 and close); the body is decoded. */
AL_TEST(chunked_in_any_case_and_with_empty_list_elements_is_decoded) {
    fake *f = fake_new(NULL);
    feed(f, POST_TE("ChUnKeD") "3\r\nabc\r\n0\r\n\r\n");
    AL_CHECK_STR(f->body_seen, "abc");
    feed(f, POST_TE(" , chunked") "2\r\nde\r\n0\r\n\r\n");
    AL_CHECK_STR(f->body_seen, "de");
    AL_CHECK_INT(count(out_str(f), "200 OK"), ==, 2);
    AL_CHECK_INT(al_http_conn_wants(f->c), ==, AL_HTTP_WANT_READ);
    fake_free(f);
}

/* RFC 9112 §7.1.1: extensions are ignored, but all of a request's together
 * are limited like a head (8 KiB by default); §7.1.2: trailers are dropped. */
AL_TEST(chunk_extensions_and_trailers_are_ignored_and_limited) {
    fake *f = fake_new(NULL);
    feed(f, POST_TE("chunked") "3;a=b\r\nabc\r\n2;flag;q=\"x y\"\r\nde\r\n0\r\nContent-Length: 9\r\n\r\n"
            GET("/after"));
    AL_CHECK_STR(f->body_seen, "abcde");
    AL_CHECK_STR(f->last_path, "/after");
    AL_CHECK_INT(count(out_str(f), "200 OK"), ==, 2);
    fake_free(f);
    static char big[20000];
    size_t n = (size_t)snprintf(big, sizeof big, POST_TE("chunked"));
    for (int i = 0; i < 9; i++) {   /* 9 chunks, each with 1 KiB of extension */
        n += (size_t)snprintf(big + n, sizeof big - n, "1;e=");
        memset(big + n, 'x', 1024);
        n += 1024;
        n += (size_t)snprintf(big + n, sizeof big - n, "\r\nz\r\n");
    }
    snprintf(big + n, sizeof big - n, "0\r\n\r\n");
    expect_error(big, "HTTP/1.1 400", "Chunk extensions too long");
}

AL_TEST(oversized_parts_get_414_431_413) {
    static char big[40000];
    int n = snprintf(big, sizeof big, "GET /");
    memset(big + n, 'a', 9000);
    snprintf(big + n + 9000, sizeof big - (size_t)n - 9000, " HTTP/1.1\r\nHost: x\r\n\r\n");
    expect_error(big, "HTTP/1.1 414", "Too Long");

    n = snprintf(big, sizeof big, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(big + n, 'b', 9000);
    snprintf(big + n + 9000, sizeof big - (size_t)n - 9000, "\r\n\r\n");
    expect_error(big, "HTTP/1.1 431", "Too Large");

    n = snprintf(big, sizeof big, "GET / HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 101; i++) n += snprintf(big + n, sizeof big - (size_t)n, "X-%d: v\r\n", i);
    snprintf(big + n, sizeof big - (size_t)n, "\r\n");
    expect_error(big, "HTTP/1.1 431", "Too many headers");

    /* announced: refused before a byte of the body is read */
    expect_error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n\r\n", "HTTP/1.1 413",
                 "Too Large");
}

AL_TEST(a_chunked_body_past_the_limit_gets_413) {
    al_http_limits l = {.max_body = 10};
    fake *f = fake_new(&l);
    feed(f, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n");
    AL_CHECK_INT(f->out_len, ==, 0);
    feed(f, "8\r\n12345678\r\n");
    AL_CHECK(strncmp(out_str(f), "HTTP/1.1 413", 12) == 0);
    AL_CHECK_INT(f->dispatched, ==, 0);
    fake_free(f);
}

AL_TEST(exactly_100_headers_and_8k_of_target_are_accepted) {
    static char big[40000];
    int n = snprintf(big, sizeof big, "GET / HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 99; i++) n += snprintf(big + n, sizeof big - (size_t)n, "X-%d: v\r\n", i);
    snprintf(big + n, sizeof big - (size_t)n, "\r\n");
    fake *f = fake_new(NULL);
    feed(f, big);
    AL_CHECK(strncmp(out_str(f), "HTTP/1.1 200", 12) == 0);
    fake_free(f);

    n = snprintf(big, sizeof big, "GET /");
    memset(big + n, 'a', 8000);
    snprintf(big + n + 8000, sizeof big - (size_t)n - 8000, " HTTP/1.1\r\nHost: x\r\n\r\n");
    f = fake_new(NULL);
    feed_n(f, big, strlen(big), 333, 0);
    AL_CHECK(strncmp(out_str(f), "HTTP/1.1 200", 12) == 0);
    fake_free(f);
}

AL_TEST(a_pending_handler_holds_the_pipeline_in_order) {
    fake *f = fake_new(NULL);
    feed(f, GET("/slow") GET("/next"));
    AL_CHECK_INT(f->dispatched, ==, 1);
    AL_CHECK_INT(f->out_len, ==, 0);
    AL_CHECK(al_http_conn_wants(f->c) & AL_HTTP_HANDLING);
    AL_CHECK_INT(al_http_conn_deadline(f->c), ==, INT64_MAX);
    al_http_respond_static(f->res, 200, "application/json", "{\"slow\":1}", 10);
    al_http_conn_respond(f->c, 5);
    char *o = out_str(f);
    AL_CHECK_INT(f->dispatched, ==, 2);
    char *a = strstr(o, "{\"slow\":1}"), *b = strstr(o, "\"/next\"");
    AL_REQUIRE(a && b);
    AL_CHECK(a < b);
    fake_free(f);
}

AL_TEST(eof_while_a_handler_runs_aborts_it_and_discards_the_answer) {
    fake *f = fake_new(NULL);
    feed(f, GET("/slow"));
    al_http_conn_input(f->c, 0, 0);
    AL_CHECK_INT(f->aborted, ==, 1);
    AL_CHECK(!(al_http_conn_wants(f->c) & AL_HTTP_WANT_CLOSE));   /* not before the handler stopped */
    al_http_conn_respond(f->c, 0);
    AL_CHECK_INT(f->out_len, ==, 0);
    AL_CHECK_INT(al_http_conn_wants(f->c), ==, AL_HTTP_WANT_CLOSE);
    fake_free(f);
}

AL_TEST(idle_connections_close_silently_after_the_idle_timeout) {
    fake *f = fake_new(NULL);
    feed(f, GET("/"));
    f->out_len = 0;
    AL_CHECK_INT(al_http_conn_deadline(f->c), ==, 5000000);
    al_http_conn_timeout(f->c, 4999999);
    AL_CHECK_INT(al_http_conn_wants(f->c), ==, AL_HTTP_WANT_READ);
    al_http_conn_timeout(f->c, 5000000);
    AL_CHECK_INT(al_http_conn_wants(f->c), ==, AL_HTTP_WANT_CLOSE);
    AL_CHECK_INT(f->out_len, ==, 0);
    fake_free(f);
}

AL_TEST(a_slow_head_gets_408_at_an_absolute_deadline) {
    fake *f = fake_new(NULL);
    const char *req = "GET / HTTP/1.1\r\nHost: x\r\n";
    feed_n(f, req, 3, 0, 1000000);                   /* first bytes at t = 1 s */
    AL_CHECK_INT(al_http_conn_deadline(f->c), ==, 11000000);
    feed_n(f, req + 3, 5, 0, 9000000);               /* more bytes do not move it */
    AL_CHECK_INT(al_http_conn_deadline(f->c), ==, 11000000);
    al_http_conn_timeout(f->c, 11000000);
    AL_CHECK(strncmp(out_str(f), "HTTP/1.1 408 Request Timeout", 28) == 0);
    AL_CHECK(strstr(out_str(f), "{\"detail\":\"Request Timeout\"}") != NULL);
    AL_CHECK(al_http_conn_wants(f->c) & AL_HTTP_WANT_SHUTDOWN_WRITE);
    fake_free(f);
}

AL_TEST(a_client_that_does_not_read_stops_the_pipeline_and_the_reading) {
    al_http_limits l = {.max_output = 1000};
    fake *f = fake_new(&l);
    f->budget = 0;                                   /* never takes a byte */
    static char flood[64 * 1024];
    size_t n = 0;
    while (n + sizeof GET("/x") < sizeof flood) {
        memcpy(flood + n, GET("/x"), sizeof GET("/x") - 1);
        n += sizeof GET("/x") - 1;
    }
    feed_n(f, flood, n, 0, 0);
    /* about 1000 / 115 bytes of answers, then handling stopped; then the
     * buffer filled up and reading stopped */
    AL_CHECK_INT(f->dispatched, <=, 12);
    AL_CHECK_INT(f->dispatched, >=, 8);
    int w = al_http_conn_wants(f->c);
    AL_CHECK(w & AL_HTTP_WANT_WRITE);
    AL_CHECK(!(w & AL_HTTP_WANT_READ));
    /* the client reads again: everything buffered is answered */
    f->budget = -1;
    int before = f->dispatched;
    al_http_conn_writable(f->c, 1);
    AL_CHECK_INT(f->dispatched, >, before);
    fake_free(f);
}

AL_TEST(a_stalled_writer_is_dropped_after_the_send_timeout) {
    fake *f = fake_new(NULL);
    f->budget = 10;
    feed(f, GET("/"));
    AL_CHECK(al_http_conn_wants(f->c) & AL_HTTP_WANT_WRITE);
    AL_CHECK_INT(al_http_conn_deadline(f->c), ==, 10000000);
    al_http_conn_timeout(f->c, 10000000);
    AL_CHECK_INT(al_http_conn_wants(f->c), ==, AL_HTTP_WANT_CLOSE);
    fake_free(f);
}

AL_TEST(the_last_allowed_request_closes_the_connection) {
    al_http_limits l = {.max_requests = 2};
    fake *f = fake_new(&l);
    feed(f, GET("/1") GET("/2") GET("/3"));
    char *o = out_str(f);
    AL_CHECK_INT(count(o, "200 OK"), ==, 2);
    AL_CHECK_INT(count(o, "Connection: close"), ==, 1);
    AL_CHECK(strstr(o, "Connection: close") > strstr(o, "\"/1\""));
    fake_free(f);
}

AL_TEST(expect_100_continue_gets_an_interim_answer) {
    fake *f = fake_new(NULL);
    feed(f, "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
    AL_CHECK_STR(out_str(f), "HTTP/1.1 100 Continue\r\n\r\n");
    feed(f, "abc");
    AL_CHECK(strstr(out_str(f), "HTTP/1.1 200 OK") != NULL);
    AL_CHECK_STR(f->body_seen, "abc");
    fake_free(f);
}

AL_TEST(shutdown_closes_idle_and_finishes_the_running_request) {
    fake *f = fake_new(NULL);
    al_http_conn_shutdown(f->c, 0);
    AL_CHECK_INT(al_http_conn_wants(f->c), ==, AL_HTTP_WANT_CLOSE);
    fake_free(f);
    f = fake_new(NULL);
    feed(f, GET("/slow"));
    al_http_conn_shutdown(f->c, 0);
    AL_CHECK(al_http_conn_wants(f->c) & AL_HTTP_HANDLING);
    al_http_respond_static(f->res, 200, NULL, "ok", 2);
    al_http_conn_respond(f->c, 0);
    AL_CHECK(strstr(out_str(f), "Connection: close\r\n") != NULL);
    AL_CHECK(strstr(out_str(f), "\r\n\r\nok") != NULL);
    fake_free(f);
}

AL_TEST(request_strings_are_split_and_decoded) {
    fake *f = fake_new(NULL);
    f->pending = 0;
    feed(f, "GET /slow/a%20b?x=1&name=J%C3%BCrgen+M&flag HTTP/1.1\r\nHost: h\r\n"
            "X-Trim:   padded value  \r\nEmpty:\r\n\r\n");
    al_http_request *r = f->req;
    AL_CHECK_STR(r->method, "GET");
    AL_CHECK_STR(r->path, "/slow/a b");
    AL_CHECK_STR(r->query, "x=1&name=J%C3%BCrgen+M&flag");
    AL_CHECK_STR(al_http_header_get(r, "x-trim"), "padded value");
    AL_CHECK_STR(al_http_header_get(r, "HOST"), "h");
    AL_CHECK_STR(al_http_header_get(r, "empty"), "");
    AL_CHECK(al_http_header_get(r, "missing") == NULL);
    char buf[32];
    AL_CHECK_INT(al_http_query_get(r, "name", buf, sizeof buf), ==, 9);
    AL_CHECK_STR(buf, "J\xc3\xbcrgen M");
    AL_CHECK_INT(al_http_query_get(r, "flag", buf, sizeof buf), ==, 0);
    AL_CHECK_INT(al_http_query_get(r, "nope", buf, sizeof buf), ==, -ENOENT);
    AL_CHECK_INT(al_http_query_get(r, "name", buf, 4), ==, -ENOSPC);
    al_http_respond_static(f->res, 204, NULL, NULL, 0);
    al_http_conn_respond(f->c, 0);
    AL_CHECK(strstr(out_str(f), "HTTP/1.1 204 No Content\r\n") != NULL);
    AL_CHECK(strstr(out_str(f), "Content-Length") == NULL);
    fake_free(f);
}
