/* fuzz_http_response_reader.c — libFuzzer target: random byte streams
 * through the one HTTP response reader (core/http/src/http_response_reader.c on
 * llhttp), as load, compare, check, the upstream client and the grader's
 * kit see a server's answers.
 *
 * The input's first byte picks the mode (bit 0: the request was a HEAD;
 * bit 1: the server closes after the last byte); the rest is what the
 * server sent. It is read twice: whole, and in pieces whose sizes a PRNG
 * seeded from the input picks. Response after response (pipelining), each
 * starting where the previous one stopped.
 *
 * Invariants, checked with abort() so libFuzzer reports them:
 *   1. the split does not matter: both reads end the same way (same bytes
 *      used, same status, framing, body, text and error sentence);
 *   2. bounds: feed never uses more than it was given; the captured body
 *      fits its buffer, is a prefix of what arrived, and body_truncated says
 *      so exactly; a Content-Length answer that is done has exactly that body;
 *   3. the server's text is safe: reason and content_type are NUL-terminated
 *      inside their arrays, valid UTF-8, no control character but tab;
 *   4. done means done: feeding more is an error until reset;
 *   5. no leak, no overflow, no undefined behaviour (ASan, UBSan, LSan).
 */
#include "../../core/http/src/http_response_reader.c"
#include "../../core/loop/src/text_sanitize.c"

#include <stdint.h>
#include <string.h>

#include "fuzz_check.h"

#define MAX_ANSWERS 64

typedef struct outcome {
    long used[MAX_ANSWERS];
    int status[MAX_ANSWERS], done[MAX_ANSWERS], chunked[MAX_ANSWERS], close[MAX_ANSWERS];
    uint64_t body_bytes[MAX_ANSWERS];
    char reason[MAX_ANSWERS][64], ctype[MAX_ANSWERS][AL_HTTP_READER_CTYPE_MAX];
    char body[MAX_ANSWERS][64];
    size_t body_len[MAX_ANSWERS];
    const char *error;
    int answers;
} outcome;

static void check_text(const char *s, size_t size) {
    size_t len = strnlen(s, size);
    CHECK(len < size);
    for (size_t i = 0; i < len; i++) CHECK(((unsigned char)s[i] >= 0x20 || s[i] == '\t') && s[i] != 0x7f);
    char copy[128];
    memcpy(copy, s, len);
    al_text_sanitize(copy, len);   /* already clean: sanitizing changes nothing */
    CHECK(memcmp(copy, s, len) == 0);
}

static void check_answer(const al_http_reader *r) {
    check_text(r->reason, sizeof r->reason);
    check_text(r->content_type, sizeof r->content_type);
    CHECK(r->body_len <= r->body_cap && r->body_len <= r->body_bytes);
    CHECK(r->body_truncated == (r->body_bytes > r->body_cap));
    if (r->done && r->content_length >= 0 && !r->chunked && !r->head_request && r->status != 204 &&
        r->status != 304 && r->status != 101)
        CHECK(r->body_bytes == (uint64_t)r->content_length);
}

/* Feed data[0..len) in pieces (rng == 0: whole), answer after answer. */
static void read_stream(const uint8_t *data, size_t len, int head, int eof, uint64_t rng, outcome *o) {
    memset(o, 0, sizeof *o);
    static al_http_reader r;
    size_t at = 0;
    for (int k = 0; k < MAX_ANSWERS && (at < len || (k == 0 && eof)); k++) {
        r.body = o->body[k];
        r.body_cap = sizeof o->body[k];
        al_http_reader_reset(&r, head);
        size_t start = at;
        long rc = 0;
        while (at < len && !r.done) {
            size_t n = len - at;
            if (rng) {
                rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
                n = 1 + (size_t)(rng % 7) * (rng % 3 ? 1 : 64);
                if (n > len - at) n = len - at;
            }
            rc = al_http_reader_feed(&r, (const char *)data + at, n);
            if (rc < 0) break;
            CHECK((size_t)rc <= n);
            CHECK((size_t)rc == n || r.done);
            at += (size_t)rc;
        }
        if (rc >= 0 && !r.done && eof) rc = al_http_reader_eof(&r);
        if (r.done) CHECK(al_http_reader_feed(&r, "x", 1) == -EPROTO);
        check_answer(&r);
        o->used[k] = rc < 0 ? rc : (long)(at - start);
        o->status[k] = r.status, o->done[k] = r.done, o->chunked[k] = r.chunked, o->close[k] = r.close;
        o->body_bytes[k] = r.body_bytes;
        o->body_len[k] = r.body_len;
        memcpy(o->reason[k], r.reason, sizeof r.reason);
        memcpy(o->ctype[k], r.content_type, sizeof r.content_type);
        o->answers = k + 1;
        if (rc < 0 || !r.done) {
            o->error = r.error;
            break;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    int head = data[0] & 1, eof = (data[0] >> 1) & 1;
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < size && i < 16; i++) seed = seed * 31 + data[i];
    static outcome whole, split;
    read_stream(data + 1, size - 1, head, eof, 0, &whole);
    read_stream(data + 1, size - 1, head, eof, seed | 1, &split);
    CHECK(whole.answers == split.answers);
    CHECK((whole.error == NULL) == (split.error == NULL));
    if (whole.error) CHECK(strcmp(whole.error, split.error) == 0);
    for (int k = 0; k < whole.answers; k++) {
        CHECK(whole.used[k] == split.used[k] && whole.status[k] == split.status[k]);
        CHECK(whole.done[k] == split.done[k] && whole.chunked[k] == split.chunked[k]);
        CHECK(whole.close[k] == split.close[k] && whole.body_bytes[k] == split.body_bytes[k]);
        CHECK(whole.body_len[k] == split.body_len[k]);
        CHECK(memcmp(whole.body[k], split.body[k], whole.body_len[k]) == 0);
        CHECK(strcmp(whole.reason[k], split.reason[k]) == 0 && strcmp(whole.ctype[k], split.ctype[k]) == 0);
    }
    return 0;
}
