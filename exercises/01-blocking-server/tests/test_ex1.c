/* test_ex1.c — the visible tests of exercise 1 (a correct blocking server).
 *
 * The functions are tested one by one on socket pairs first (a
 * SOCK_SEQPACKET pair delivers a request in exactly the pieces the test
 * chooses: one recv() returns one piece), then the whole server on a real
 * TCP port with real clients. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "al_kit.h"
#include "al_test.h"
#include "al_subject.h"
#include "ex1_probe.h"

/* ---- helpers ---------------------------------------------------------------- */

/* A request delivered in pieces; returns what ex1_read_request made of it.
 * The judge holds one end of a SOCK_SEQPACKET pair (it delivers a request
 * in exactly the pieces the test chooses: one recv() returns one piece);
 * the subject gets the other. */
static ssize_t read_pieces(const char *const *pieces, int n, int close_after, char *buf, size_t cap,
                           const char *what) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) return -errno;
    for (int i = 0; i < n; i++) send(sv[1], pieces[i], strlen(pieces[i]), MSG_NOSIGNAL);
    if (close_after) shutdown(sv[1], SHUT_WR);
    ex1_read_in in = {cap};
    static ex1_read_out out;
    AL_CALL(read_request, in, out, sv[0], what);
    close(sv[1]);
    ssize_t got = out.n;
    if (got > 0 && (size_t)got <= cap && (size_t)got <= sizeof out.buf) memcpy(buf, out.buf, (size_t)got);
    return got;
}

/* A thread that reads one end of a socket pair until EOF, so the subject
 * can write as much as it likes into the other end. */
typedef struct drain {
    int fd;
    al_kit_bytes got;
    int rc;
    pthread_t thread;
} drain;

static void *drain_main(void *arg) {
    drain *d = arg;
    d->rc = al_kit_read_all(d->fd, &d->got, al_kit_time_left(20000));
    return NULL;
}

static int drain_start(drain *d, int fd) {
    memset(d, 0, sizeof *d);
    d->fd = fd;
    return pthread_create(&d->thread, NULL, drain_main, d);
}

static void drain_finish(drain *d) {
    pthread_join(d->thread, NULL);
}

/* A stream socket pair whose far end (sv[1]) a drain reads: the subject
 * writes into sv[0]. pair_done waits for the drain and closes sv[1]. */
static void pair_start(int sv[2], drain *d) {
    AL_REQUIRE_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
    AL_REQUIRE_INT(drain_start(d, sv[1]), ==, 0);
}

static void pair_done(int sv[2], drain *d) {
    drain_finish(d);
    close(sv[1]);
}

/* ex1_send_all of len bytes, under signals, into a drained pair; returns
 * how many bytes arrived right, from the first (d->got holds them all). */
static size_t send_all_into(size_t len, drain *d, ex1_rc_out *out, const char *what) {
    int sv[2];
    pair_start(sv, d);
    ex1_send_in in = {len};
    AL_CALL(send_all, in, *out, sv[0], what);
    pair_done(sv, d);
    size_t good = 0;
    while (good < d->got.len && (unsigned char)d->got.data[good] == EX1_SEND_BYTE(good)) good++;
    return good;
}

/* ex1_serve(fd, n) started on a fresh listening port (n 0: forever). */
static pid_t serve_n(int n, uint16_t *port) {
    int lfd = al_kit_listen(port);
    AL_REQUIRE(lfd >= 0);
    pid_t server = al_kit_server_start("serve_n", lfd, &n, sizeof n);
    AL_REQUIRE(server > 0);
    return server;
}

static void check_path_reply(const char *what, int rc, const al_kit_reply *r, const char *path) {
    AL_REQUIRE_MSG(rc == 0, "%s: %s", what, r->error);
    AL_CHECK_MSG(r->status == 200, "%s: expected status 200, got %d", what, r->status);
    char want[128];
    snprintf(want, sizeof want, "{\"path\": \"%s\"}", path);
    AL_CHECK_MSG(r->body_len == strlen(want) && memcmp(r->body, want, r->body_len) == 0,
                 "%s: expected the body %s, got %.*s", what, want, (int)r->body_len, r->body);
}

/* GET path (no Host header) on a new connection; the answer must name the
 * path. `what` names the check in a failure ("GET path" when NULL). */
static void check_get(uint16_t port, const char *path, const char *what) {
    char req[128], label[64];
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\n\r\n", path);
    snprintf(label, sizeof label, "GET %s", path);
    al_kit_reply r;
    int rc = al_kit_request(port, req, NULL, &r, 3000);
    check_path_reply(what ? what : label, rc, &r, path);
}

static void pause_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- the functions, one by one -------------------------------------------------- */

AL_TEST(listen_ephemeral) {
    /* The subject hands the descriptor it made over: the kernel, not the
     * submission, says what it is. */
    al_subject sub;
    AL_REQUIRE_INT(al_subject_start(&sub, "listen0", NULL, 0, -1), ==, 0);
    ex1_rc_out out = {0};
    int rc = al_subject_read(&sub, &out, sizeof out, 5000);
    int fd = rc < 0 ? rc : out.rc < 0 ? (int)out.rc : al_subject_recv_fd(&sub, 5000);
    int status = al_subject_wait(&sub, 2000);
    al_subject_stop(&sub);
    if (rc < 0 && status != 0 && status != -ETIMEDOUT) {
        char why[200];
        al_subject_describe_end(status, why, sizeof why);
        al_test_outcome("CRASH", "%s", "");
        AL_REQUIRE_MSG(0, "ex1_listen(0): %s", why);
    }
    AL_REQUIRE_MSG(fd >= 0, "ex1_listen(0): expected a descriptor, got %d (%s)", fd,
                   strerror(fd < 0 ? -fd : 0));
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    AL_REQUIRE_INT(getsockname(fd, (struct sockaddr *)&a, &alen), ==, 0);
    char ip[INET_ADDRSTRLEN] = "?";
    inet_ntop(AF_INET, &a.sin_addr, ip, sizeof ip);
    AL_CHECK_MSG(a.sin_family == AF_INET, "expected an IPv4 socket (AF_INET)");
    AL_CHECK_MSG(strcmp(ip, "127.0.0.1") == 0, "expected to be bound to 127.0.0.1, got %s", ip);
    AL_CHECK_MSG(ntohs(a.sin_port) != 0, "with port 0 the kernel picks a port: expected a port, got 0");
    int on = 0;
    socklen_t olen = sizeof on;
    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &olen);
    AL_CHECK_MSG(on == 1, "expected a listening socket (listen() called)");
    on = 0;
    getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, &olen);
    AL_CHECK_MSG(on == 1, "expected SO_REUSEADDR to be set");
    int client = al_kit_connect(ntohs(a.sin_port));
    AL_CHECK_MSG(client >= 0, "a client could not connect: %s", strerror(client < 0 ? -client : 0));
}

AL_TEST(read_request_in_pieces) {
    static const char *const pieces[] = {"GET /pieces HT", "TP/1.1\r\nHost: lo", "calhost\r\n", "\r",
                                         "\n"};
    const char *want = "GET /pieces HTTP/1.1\r\nHost: localhost\r\n\r\n";
    char buf[1024];
    ssize_t n = read_pieces(pieces, 5, 0, buf, sizeof buf, "ex1_read_request, 5 pieces");
    AL_CHECK_MSG(n == (ssize_t)strlen(want), "a request sent in 5 pieces: expected %zu bytes, got %zd%s",
                 strlen(want), n, n > 0 && n < (ssize_t)strlen(want) ? " (one recv() is not the whole request)" : "");
    if (n == (ssize_t)strlen(want)) AL_CHECK_MSG(memcmp(buf, want, (size_t)n) == 0, "the bytes differ from what was sent");
}

AL_TEST(read_request_body) {
    static const char *const pieces[] = {"POST /echo HTTP/1.1\r\nContent-Length: 11\r\n\r\n", "hello",
                                         " world"};
    char buf[1024];
    ssize_t n = read_pieces(pieces, 3, 0, buf, sizeof buf, "ex1_read_request, a body in pieces");
    size_t head = strlen(pieces[0]);
    AL_CHECK_MSG(n == (ssize_t)(head + 11), "a head with Content-Length: 11 and the body in two "
                 "pieces: expected %zu bytes, got %zd", head + 11, n);
    if (n == (ssize_t)(head + 11)) AL_CHECK_MSG(memcmp(buf + head, "hello world", 11) == 0, "the body differs");
    static const char *const lower[] = {"PUT /x HTTP/1.1\r\ncontent-length: 3\r\n\r\nabc"};
    n = read_pieces(lower, 1, 0, buf, sizeof buf, "ex1_read_request, content-length in lower case");
    AL_CHECK_MSG(n == (ssize_t)strlen(lower[0]), "\"content-length: 3\" (header names ignore case), "
                 "body in the same piece: expected %zu bytes, got %zd", strlen(lower[0]), n);
}

AL_TEST(read_request_ends) {
    char buf[64];
    ssize_t n = read_pieces(NULL, 0, 1, buf, sizeof buf, "ex1_read_request, peer closed at once");
    AL_CHECK_MSG(n == 0, "the peer closed without sending: expected 0, got %zd", n);
    static const char *const half[] = {"GET / HT"};
    n = read_pieces(half, 1, 1, buf, sizeof buf, "ex1_read_request, peer closed mid-request");
    AL_CHECK_MSG(n == -EPROTO, "the peer closed in the middle of a request: expected -EPROTO (%d), "
                 "got %zd", -EPROTO, n);
    static const char *const big[] = {"GET /a-long-path-that-does-not-fit HTTP/1.1\r\nHost: x\r\n",
                                      "\r\n"};
    n = read_pieces(big, 2, 0, buf, 32, "ex1_read_request, a request longer than cap");
    AL_CHECK_MSG(n == -EMSGSIZE, "a request longer than cap: expected -EMSGSIZE (%d), got %zd",
                 -EMSGSIZE, n);
}

AL_TEST(send_all_partial) {
    size_t len = 4u << 20;
    drain d;
    /* The subject sends through a 4 KiB buffer while SIGALRM interrupts it
     * every 500 us; the judge reads and checks every byte. */
    ex1_rc_out out;
    size_t bad = send_all_into(len, &d, &out, "ex1_send_all of 4 MiB while signals interrupt it");
    int rc = (int)out.rc;
    AL_CHECK_MSG(rc == 0, "ex1_send_all of 4 MiB while signals interrupt it: expected 0, got %d (%s)",
                 rc, strerror(rc < 0 ? -rc : 0));
    AL_CHECK_MSG(d.got.len == len, "expected all %zu bytes to arrive, %zu did (a send() may take "
                 "fewer bytes than offered)", len, d.got.len);
    if (d.got.len == len)
        AL_CHECK_MSG(bad == len, "every byte arrived, but not in order (from byte %zu on): after "
                     "a partial send, go on from where it stopped", bad);
    al_kit_bytes_free(&d.got);
}

static void check_respond(int status, const char *reason, const char *body, size_t body_len) {
    int sv[2];
    drain d;
    pair_start(sv, &d);
    ex1_respond_in in = {.status = status, .body_len = body_len};
    snprintf(in.reason, sizeof in.reason, "%s", reason);
    if (body_len <= sizeof in.small) memcpy(in.small, body, body_len);
    ex1_rc_out out;
    char what[128];
    snprintf(what, sizeof what, "ex1_respond(%d, \"%s\", %zu bytes)", status, reason, body_len);
    AL_CALL(respond, in, out, sv[0], what);
    pair_done(sv, &d);
    int rc = (int)out.rc;
    AL_CHECK_MSG(rc == 0, "ex1_respond(%d, \"%s\", %zu bytes): expected 0, got %d", status, reason,
                 body_len, rc);
    al_kit_reply r;
    int prc = al_kit_reply_parse(d.got.data ? d.got.data : "", d.got.len, &r);
    AL_CHECK_MSG(prc == 0, "ex1_respond(%d, \"%s\", %zu bytes): %s", status, reason, body_len, r.error);
    if (prc == 0) {
        AL_CHECK_INT(r.status, ==, status);
        AL_CHECK_STR(r.reason, reason);
        AL_CHECK_STR(r.content_type, "application/json");
        AL_CHECK_MSG(r.body_len == body_len && memcmp(r.body, body, body_len) == 0,
                     "the body that arrived differs from the one given (%zu bytes arrived, %zu given)",
                     r.body_len, body_len);
        AL_CHECK_MSG(memmem(d.got.data, d.got.len, "\r\nConnection: close\r\n", 21) != NULL,
                     "expected a \"Connection: close\" header");
    }
    al_kit_bytes_free(&d.got);
}

/* A body of `big` bytes, all 256 values (EX1_BODY_BYTE), answered 200. */
static void check_respond_big(size_t big) {
    char *body = malloc(big);
    AL_REQUIRE(body != NULL);
    for (size_t i = 0; i < big; i++) body[i] = EX1_BODY_BYTE(i);
    check_respond(200, "OK", body, big);
    free(body);
}

AL_TEST(respond_content_length) {
    check_respond(200, "OK", "{\"Hello\": \"World\"}", 18);
    check_respond(404, "Not Found", "{\"error\": \"no such item\"}", 26);
    /* Bytes, not characters: "é" and "✓" are several bytes each, and a NUL
     * is a byte like any other. */
    static const char utf8[] = "{\"caf\xc3\xa9\": \"\xe2\x9c\x93\"}\0!";
    check_respond(200, "OK", utf8, sizeof utf8 - 1);
    check_respond_big(2u << 20);
}

/* ---- the server ------------------------------------------------------------ */

AL_TEST(serve_one_client) {
    uint16_t port;
    pid_t server = serve_n(1, &port);
    al_kit_reply r;
    int rc = al_kit_request(port, "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n", NULL, &r, 3000);
    check_path_reply("GET /hello", rc, &r, "/hello");
    int status = al_kit_server_wait(server, 3000);
    AL_CHECK_MSG(status == 0, "ex1_serve(fd, 1) must return 0 after its one connection; %s",
                 status == -ETIMEDOUT ? "it was still running 3 s later"
                 : status == AL_SUBJECT_LEAK_EXIT ? "it did, but leaked memory (LeakSanitizer's "
                                                    "report, in the output, says where)"
                                                  : "it ended otherwise");
}

AL_TEST(serve_slow_client) {
    uint16_t port;
    pid_t server = serve_n(0, &port);
    /* One whole exchange first: from then on the server is up and waiting
     * in accept(), so the pieces below reach it one at a time. */
    check_get(port, "/warm", NULL);
    /* A client that types slowly: the request arrives in four pieces. */
    int fd = al_kit_connect(port);
    AL_REQUIRE(fd >= 0);
    static const char *const pieces[] = {"GET /sl", "ow HTTP/1.1\r\n", "Host: x\r\n", "\r\n"};
    for (int i = 0; i < 4; i++) {
        al_kit_send_str(fd, pieces[i]);
        pause_ms(40);
    }
    al_kit_bytes got = {0};
    int rc = al_kit_read_all(fd, &got, 3000);
    close(fd);
    al_kit_reply r;
    if (rc == 0) rc = al_kit_reply_parse(got.data ? got.data : "", got.len, &r);
    else snprintf(r.error, sizeof r.error, "no complete answer (%s)", strerror(-rc));
    check_path_reply("a request sent in 4 pieces, 40 ms apart", rc, &r, "/slow");
    al_kit_bytes_free(&got);
    /* A body in pieces too: POST is answered 405, after the whole body. */
    fd = al_kit_connect(port);
    AL_REQUIRE(fd >= 0);
    al_kit_send_str(fd, "POST /form HTTP/1.1\r\nContent-Length: 10\r\n\r\n");
    pause_ms(40);
    al_kit_send_str(fd, "12345");
    pause_ms(40);
    al_kit_send_str(fd, "67890");
    got = (al_kit_bytes){0};
    rc = al_kit_read_all(fd, &got, 3000);
    close(fd);
    if (rc == 0) rc = al_kit_reply_parse(got.data ? got.data : "", got.len, &r);
    AL_CHECK_MSG(rc == 0 && r.status == 405, "POST with a 10-byte body in two pieces: expected a "
                 "405 answer, got %s", rc ? "no valid answer" : "another status");
    al_kit_bytes_free(&got);
    al_kit_server_stop(server);
}

AL_TEST(serve_survives_bad_clients) {
    uint16_t port;
    pid_t server = serve_n(0, &port);
    int fd = al_kit_connect(port);   /* connects, says nothing, leaves */
    close(fd);
    fd = al_kit_connect(port);       /* half a request, then a reset */
    al_kit_send_str(fd, "GET /half");
    pause_ms(20);
    al_kit_reset(fd);
    fd = al_kit_connect(port);       /* asks for a big answer, never reads it */
    al_kit_send_str(fd, "GET /big HTTP/1.1\r\n\r\n");
    pause_ms(20);
    al_kit_reset(fd);
    check_get(port, "/after", "a good client after three bad ones");
    AL_CHECK_MSG(al_kit_alive(server), "the server died because of a client (SIGPIPE? use "
                 "MSG_NOSIGNAL, or ignore SIGPIPE)");
    al_kit_server_stop(server);
}

AL_TEST(serve_no_fd_leak) {
    uint16_t port;
    pid_t server = serve_n(0, &port);
    check_get(port, "/first", NULL);
    int base = al_kit_fd_count(server);
    for (int i = 0; i < 10; i++) check_get(port, "/again", NULL);
    for (int i = 0; i < 5; i++) close(al_kit_connect(port));
    for (int i = 0; i < 5; i++) al_kit_reset(al_kit_connect(port));
    check_get(port, "/last", NULL);
    int now = al_kit_wait_fd_count(server, base, 2000);
    AL_CHECK_MSG(now <= base, "after 21 more connections the server holds %d descriptors, it held "
                 "%d after the first: %d leaked (close every connection, on every path)", now, base,
                 now - base);
    al_kit_server_stop(server);
}

/* ---- hidden twins: the same checks on inputs drawn at run time ------------- */

static void random_word(char *out, size_t len) {
    size_t n = (size_t)al_kit_rand(3, (long)(len - 1 < 12 ? len - 1 : 12));
    for (size_t i = 0; i < n; i++) out[i] = (char)al_kit_rand('a', 'z');
    out[n] = 0;
}

/* Cut `s` into `n` pieces at drawn places (each at least one byte). */
#define PIECE_MAX 1024
static int cut(const char *s, char pieces[][PIECE_MAX], int n) {
    size_t len = strlen(s), at = 0;
    int k = 0;
    for (; k < n && at < len; k++) {
        size_t left = len - at, take = k == n - 1 ? left : (size_t)al_kit_rand(1, (long)(left < 40 ? left : 40));
        if (take > PIECE_MAX - 1) take = PIECE_MAX - 1;   /* requests here are shorter */
        memcpy(pieces[k], s + at, take);
        pieces[k][take] = 0;
        at += take;
    }
    return k;
}

static ssize_t read_cut(const char *req, int n, int close_after, char *buf, size_t cap, const char *what) {
    static char pieces[16][PIECE_MAX];
    const char *ptrs[16];
    int k = cut(req, pieces, n);
    for (int i = 0; i < k; i++) ptrs[i] = pieces[i];
    return read_pieces(ptrs, k, close_after, buf, cap, what);
}

AL_TEST(read_request_in_pieces_twin) {
    char path[16], host[16], req[256], buf[1024];
    random_word(path, sizeof path);
    random_word(host, sizeof host);
    snprintf(req, sizeof req, "GET /%s HTTP/1.1\r\nHost: %s\r\n\r\n", path, host);
    int n = (int)al_kit_rand(2, 12);
    ssize_t got = read_cut(req, n, 0, buf, sizeof buf, "ex1_read_request, drawn pieces");
    AL_CHECK_MSG(got == (ssize_t)strlen(req) && memcmp(buf, req, strlen(req)) == 0, "%s in %d "
                 "pieces: expected the %zu bytes back, got %zd", "a request", n, strlen(req), got);
}

AL_TEST(read_request_body_twin) {
    static const char *const names[] = {"Content-Length", "content-length", "CONTENT-LENGTH",
                                        "Content-length"};
    char body[512], req[768], buf[1024];
    size_t blen = (size_t)al_kit_rand(1, 400);
    for (size_t i = 0; i < blen; i++) body[i] = (char)al_kit_rand('0', 'z');
    body[blen] = 0;
    int head = snprintf(req, sizeof req, "POST /f HTTP/1.1\r\n%s: %zu\r\n\r\n",
                        names[al_kit_rand(0, 3)], blen);
    snprintf(req + head, sizeof req - (size_t)head, "%s", body);
    int n = (int)al_kit_rand(2, 12);
    ssize_t got = read_cut(req, n, 0, buf, sizeof buf, "ex1_read_request, a drawn body");
    AL_CHECK_MSG(got == (ssize_t)strlen(req), "a head with a %zu-byte body, in %d pieces: expected "
                 "%zu bytes, got %zd", blen, n, strlen(req), got);
    if (got == (ssize_t)strlen(req)) AL_CHECK_MSG(memcmp(buf, req, (size_t)got) == 0, "the bytes differ");
}

AL_TEST(read_request_ends_twin) {
    char path[16], req[256], buf[1024];
    random_word(path, sizeof path);
    snprintf(req, sizeof req, "GET /%s HTTP/1.1\r\nHost: x\r\n\r\n", path);
    size_t part = (size_t)al_kit_rand(1, (long)strlen(req) - 2);
    char half[256];
    memcpy(half, req, part);
    half[part] = 0;
    ssize_t n = read_cut(half, (int)al_kit_rand(1, 4), 1, buf, sizeof buf, "ex1_read_request, closed early");
    AL_CHECK_MSG(n == -EPROTO, "the peer closed after %zu bytes of a request: expected -EPROTO (%d), "
                 "got %zd", part, -EPROTO, n);
    size_t cap = (size_t)al_kit_rand(8, (long)strlen(req) - 1);
    n = read_cut(req, (int)al_kit_rand(1, 4), 0, buf, cap, "ex1_read_request, a small buffer");
    AL_CHECK_MSG(n == -EMSGSIZE, "a %zu-byte request, cap %zu: expected -EMSGSIZE (%d), got %zd",
                 strlen(req), cap, -EMSGSIZE, n);
}

AL_TEST(send_all_partial_twin) {
    size_t len = (size_t)al_kit_rand(100000, 3 << 20);
    drain d;
    ex1_rc_out out;
    size_t bad = send_all_into(len, &d, &out, "ex1_send_all of a drawn length while signals interrupt it");
    AL_CHECK_MSG(out.rc == 0 && d.got.len == len && bad == len, "ex1_send_all of %zu bytes: "
                 "returned %ld, %zu bytes arrived, the first %zu right", len, out.rc, d.got.len, bad);
    al_kit_bytes_free(&d.got);
}

AL_TEST(respond_content_length_twin) {
    static const struct { int status; const char *reason; } st[] = {
        {200, "OK"}, {201, "Created"}, {400, "Bad Request"}, {404, "Not Found"}, {418, "I'm a teapot"},
        {500, "Internal Server Error"}, {503, "Service Unavailable"}};
    for (int k = 0; k < 2; k++) {
        int i = (int)al_kit_rand(0, 6);
        char body[64];
        size_t blen = (size_t)al_kit_rand(0, 64);
        for (size_t b = 0; b < blen; b++) body[b] = (char)al_kit_rand(0, 255);   /* NULs too */
        check_respond(st[i].status, st[i].reason, body, blen);
    }
    check_respond_big((size_t)al_kit_rand(65, 3 << 20));
}

AL_TEST(serve_one_client_twin) {
    uint16_t port;
    pid_t server = serve_n(1, &port);
    char word[16], path[32], req[128];
    random_word(word, sizeof word);
    snprintf(path, sizeof path, "/%s", word);
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", path);
    al_kit_reply r;
    int rc = al_kit_request(port, req, NULL, &r, 3000);
    char what[64];
    snprintf(what, sizeof what, "GET %s", path);
    check_path_reply(what, rc, &r, path);
    int status = al_kit_server_wait(server, 3000);
    AL_CHECK_MSG(status == 0, "ex1_serve(fd, 1) must return 0 after its one connection%s",
                 status == AL_SUBJECT_LEAK_EXIT ? ", without leaking memory (see LeakSanitizer's "
                                                  "report in the output)" : "");
}
