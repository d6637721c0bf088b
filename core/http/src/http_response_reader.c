/* http_response_reader.c — llhttp in response mode, and what we refuse on top
 * of it (see asynclab/http_response_reader.h).
 *
 * llhttp is built with LLHTTP_STRICT_MODE=1 and no lenient flag is ever set,
 * as for requests (http_parser.c). Even strict, 8.1.0 takes things a careful
 * client refuses, so these checks are ours:
 *   - the head's raw bytes, before llhttp sees them (scan_head): a CR not
 *     followed by LF, an LF not preceded by CR, an obs-fold line (llhttp
 *     glues it onto the previous value: CVE-2024-27982's confusion, seen
 *     from the client side), a head over AL_HTTP_READER_HEAD_MAX bytes
 *     (llhttp has no limit), an empty line where the status line should be;
 *   - a version other than HTTP/1.x and a status code below 100;
 *   - a Transfer-Encoding that does not end in chunked (RFC 9112 §6.3(4):
 *     the length is unknown; llhttp would read until the close);
 *   - chunk extensions past AL_HTTP_READER_CHUNK_EXT_MAX bytes per chunk and
 *     trailers past AL_HTTP_READER_TRAILERS_MAX (llhttp skips both without
 *     limit), a chunk larger than 1 TiB.
 * llhttp itself refuses a malformed status line, a repeated or malformed
 * Content-Length, Content-Length with Transfer-Encoding, control characters
 * in a header, a chunk line without its CRLF; error_sentence() gives each a
 * sentence of ours.
 *
 * How a head flows: scan_head passes llhttp exactly the bytes up to the end
 * of the head, so after that call the head's callbacks have all run and the
 * body starts at the next byte. At the end of a message on_message_complete
 * pauses llhttp, which tells us where the message ended: the bytes after it
 * are the caller's. After an interim 1xx, llhttp starts over (init) for the
 * next head, so nothing of the interim one (its Connection header) leaks
 * into the final one.
 */
#include "asynclab/http_response_reader.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "asynclab/text.h"

#define CHUNK_SIZE_MAX ((uint64_t)1 << 40)
#define STATUS_LINE_BAD "the status line does not start with \"HTTP/1.x NNN\""

enum { FIELD_OTHER, FIELD_CONTENT_TYPE };

static const llhttp_settings_t settings;

static int fail(al_http_reader *r, const char *why) {
    r->error = why;
    return -EPROTO;
}

/* From a callback: remember why, and stop llhttp (it returns an error). */
static int refuse(al_http_reader *r, const char *why) {
    r->error = why;
    return -1;
}

static al_http_reader *self(llhttp_t *ll) { return ll->data; }

/* A new head: the interim one's parser state and our scan start over. */
static void start_head(al_http_reader *r) {
    llhttp_init(&r->ll, HTTP_RESPONSE, &settings);
    r->ll.data = r;
    r->in_head = 1;
    r->prev_cr = 0;
    r->head_len = r->line_len = r->text_len = 0;
    r->content_type[0] = r->reason[0] = 0;
}

void al_http_reader_reset(al_http_reader *r, int head_request) {
    /* Field by field, not a memset: a load generator resets once per answer. */
    r->status = r->minor = 0;
    r->content_length = -1;
    r->chunked = r->until_close = r->close = r->head_done = r->done = 0;
    r->body_bytes = r->body_offset = 0;
    r->body_len = 0;
    r->body_truncated = 0;
    r->body_sink = NULL;   /* a sink is set after the reset, for this answer */
    r->sink_arg = NULL;
    r->error = NULL;
    r->fed = 0;
    r->head_request = head_request;
    r->in_value = r->sink_rc = 0;
    r->field_kind = FIELD_OTHER;
    r->field_len = r->extra_len = 0;
    start_head(r);
}

int al_http_reader_started(const al_http_reader *r) { return r->fed > 0 || r->head_len > 0; }

/* ---- our refusals on the head's raw bytes ------------------------------------- */

/* Check the head's bytes in p[0..n). Returns how many llhttp may have: n,
 * or up to and with the head's blank line, or up to a byte we refuse (then
 * *why says why: llhttp reads the bytes before it first, so that the first
 * fault in the stream is the one reported, however the bytes were split). */
static size_t scan_head(al_http_reader *r, const char *p, size_t n, const char **why) {
    *why = NULL;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (r->head_len + 1 > AL_HTTP_READER_HEAD_MAX) *why = "response head larger than 8192 bytes";
        else if (r->prev_cr && c != '\n') *why = "the response head holds a bare CR";
        else if (r->prev_cr && r->line_len == 0 && r->head_len == 1) *why = "the response starts with an empty line";
        else if (!r->prev_cr && c == '\n') *why = "a line of the response head ends with a bare LF";
        else if (!r->prev_cr && c != '\r' && r->line_len == 0 && r->head_len > 0 && (c == ' ' || c == '\t'))
            *why = "a header line is folded (obs-fold), which HTTP/1.1 forbids";
        if (*why) return i;
        r->head_len++;
        if (r->prev_cr) {   /* c is the LF of a CRLF */
            r->prev_cr = 0;
            if (r->line_len == 0) {
                r->in_head = 0;
                return i + 1;
            }
            r->line_len = 0;
        } else if (c == '\r') {
            r->prev_cr = 1;
        } else {
            r->line_len++;
        }
    }
    return n;
}

/* ---- llhttp's callbacks: the status line and headers ---------------------------- */

/* The reason and a Content-Type value come in spans, split wherever the
 * reads were: they gather in r->text, and only a complete one, cleaned, is
 * published, so the text a caller sees is always safe to print. */
static void gather(al_http_reader *r, size_t max, const char *at, size_t len) {
    size_t room = max > r->text_len ? max - r->text_len : 0;
    if (len > room) len = room;
    memcpy(r->text + r->text_len, at, len);
    r->text_len += len;
}

static void publish(al_http_reader *r, char *dst) {
    size_t n = r->text_len;
    while (n > 0 && (r->text[n - 1] == ' ' || r->text[n - 1] == '\t')) n--;
    memcpy(dst, r->text, n);
    dst[n] = 0;
    al_text_sanitize(dst, n);
    r->text_len = 0;
}

static int on_status(llhttp_t *ll, const char *at, size_t len) {
    al_http_reader *r = self(ll);
    gather(r, sizeof r->reason - 1, at, len);
    return 0;
}

static int on_status_complete(llhttp_t *ll) {
    al_http_reader *r = self(ll);
    r->status = ll->status_code;
    r->minor = ll->http_minor;
    publish(r, r->reason);
    return 0;
}

/* Trailers (after a chunked body) are read and dropped, within a bound. */
static int count_trailer(al_http_reader *r, size_t len) {
    r->extra_len += len;
    return r->extra_len > AL_HTTP_READER_TRAILERS_MAX ? refuse(r, "the trailers are larger than 8192 bytes") : 0;
}

static int on_header_field(llhttp_t *ll, const char *at, size_t len) {
    al_http_reader *r = self(ll);
    r->in_value = 0;
    if (r->head_done) return count_trailer(r, len);
    /* A name longer than the buffer is none we look for: count it, keep its start. */
    size_t room = r->field_len < sizeof r->field ? sizeof r->field - r->field_len : 0;
    if (room) memcpy(r->field + r->field_len, at, len < room ? len : room);
    r->field_len += len;
    return 0;
}

static int on_header_field_complete(llhttp_t *ll) {
    al_http_reader *r = self(ll);
    r->in_value = 1;
    r->field_kind = r->field_len == 12 && strncasecmp(r->field, "Content-Type", 12) == 0
                        ? FIELD_CONTENT_TYPE : FIELD_OTHER;
    r->field_len = r->text_len = 0;
    return 0;
}

static int on_header_value(llhttp_t *ll, const char *at, size_t len) {
    al_http_reader *r = self(ll);
    if (r->head_done) return count_trailer(r, len);
    if (r->field_kind == FIELD_CONTENT_TYPE) gather(r, sizeof r->content_type - 1, at, len);
    return 0;
}

static int on_header_value_complete(llhttp_t *ll) {
    al_http_reader *r = self(ll);
    r->in_value = 0;
    if (r->field_kind == FIELD_CONTENT_TYPE && !r->head_done) publish(r, r->content_type);   /* the last one counts */
    return 0;
}

/* ---- framing ------------------------------------------------------------------------ */

/* Returns 1 ("no body") or 0 to llhttp, or refuses. */
static int on_headers_complete(llhttp_t *ll) {
    al_http_reader *r = self(ll);
    r->status = ll->status_code;
    r->minor = ll->http_minor;
    if (ll->http_major != 1) return refuse(r, STATUS_LINE_BAD);
    if (r->status < 100) return refuse(r, "the status code is below 100");
    if ((ll->flags & F_TRANSFER_ENCODING) && !(ll->flags & F_CHUNKED))
        return refuse(r, "a Transfer-Encoding that does not end in chunked");
    if (r->status < 200 && r->status != 101) return 1;   /* interim: read past it */
    r->head_done = 1;
    r->chunked = (ll->flags & F_CHUNKED) != 0;
    r->content_length = (ll->flags & F_CONTENT_LENGTH) ? (int64_t)ll->content_length : -1;
    int keep_alive = (ll->flags & F_CONNECTION_KEEP_ALIVE) != 0;
    r->close = (ll->flags & F_CONNECTION_CLOSE) || (r->minor == 0 && !keep_alive) ||
               r->status == 101;   /* we never ask to switch protocols */
    r->extra_len = 0;
    if (r->head_request || r->status == 101 || r->status == 204 || r->status == 304) return 1;
    if (!r->chunked && r->content_length < 0) r->until_close = r->close = 1;
    return 0;
}

static int on_chunk_extension(llhttp_t *ll, const char *at, size_t len) {
    al_http_reader *r = self(ll);
    (void)at;
    r->extra_len += len;
    return r->extra_len > AL_HTTP_READER_CHUNK_EXT_MAX ? refuse(r, "a chunk's extensions are longer than 1024 bytes") : 0;
}

static int on_chunk_header(llhttp_t *ll) {
    al_http_reader *r = self(ll);
    r->extra_len = 0;   /* the next line's extensions (or the trailers) count afresh */
    return ll->content_length > CHUNK_SIZE_MAX ? refuse(r, "a chunk is larger than 1 TiB") : 0;
}

static int on_body(llhttp_t *ll, const char *at, size_t len) {
    al_http_reader *r = self(ll);
    r->body_bytes += len;
    if (r->body_sink) {
        int rc = r->body_sink(r->sink_arg, at, len);
        if (rc < 0) {
            r->sink_rc = rc;
            return refuse(r, "the body was refused by its reader");
        }
        return 0;
    }
    if (!r->body) return 0;
    size_t room = r->body_cap - r->body_len;
    if (len > room) {
        r->body_truncated = 1;
        len = room;
    }
    memcpy(r->body + r->body_len, at, len);
    r->body_len += len;
    return 0;
}

static int on_message_complete(llhttp_t *ll) {
    al_http_reader *r = self(ll);
    if (r->head_done) r->done = 1;
    return HPE_PAUSED;   /* stop here: what follows is the caller's, or the next head */
}

static const llhttp_settings_t settings = {
    .on_status = on_status,
    .on_status_complete = on_status_complete,
    .on_header_field = on_header_field,
    .on_header_field_complete = on_header_field_complete,
    .on_header_value = on_header_value,
    .on_header_value_complete = on_header_value_complete,
    .on_headers_complete = on_headers_complete,
    .on_chunk_extension_name = on_chunk_extension,
    .on_chunk_extension_value = on_chunk_extension,
    .on_chunk_header = on_chunk_header,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

/* ---- feeding -------------------------------------------------------------------------- */

/* llhttp's refusals, in our words (a refusal of ours from a callback is
 * already in r->error). */
static const char *error_sentence(const al_http_reader *r, llhttp_errno_t e) {
    if (r->error) return r->error;
    switch (e) {
    case HPE_INVALID_CONSTANT:
    case HPE_INVALID_VERSION: return STATUS_LINE_BAD;
    case HPE_INVALID_STATUS: return "the status code is not three digits";
    case HPE_UNEXPECTED_CONTENT_LENGTH:
        return (r->ll.flags & F_TRANSFER_ENCODING)
                   ? "Content-Length together with Transfer-Encoding (which one frames the body?)"
                   : "two Content-Length headers disagree, or repeat one length (refused either way)";
    case HPE_INVALID_CONTENT_LENGTH: return "Content-Length is not a number";
    case HPE_INVALID_TRANSFER_ENCODING: return "a Transfer-Encoding that does not end in chunked";
    case HPE_INVALID_HEADER_TOKEN:
        return r->in_value ? "a header value holds a control character" : "a header line is not \"Name: value\"";
    case HPE_INVALID_CHUNK_SIZE: return "a chunk-size line is not a hex number that fits";
    case HPE_CR_EXPECTED:
    case HPE_LF_EXPECTED:
    case HPE_STRICT: return "a line in the chunked body does not end with CRLF";
    default: return "the answer is not HTTP/1.1";
    }
}

long al_http_reader_feed(al_http_reader *r, const char *data, size_t len) {
    if (r->done) return fail(r, "more data after the end of the response");
    r->ll.data = r;
    size_t i = 0;
    while (i < len && !r->done) {
        size_t n = len - i;
        int head = r->in_head;
        const char *refused = NULL;
        if (head) n = scan_head(r, data + i, n, &refused);
        llhttp_errno_t e = llhttp_execute(&r->ll, data + i, n);
        if (e == HPE_PAUSED || e == HPE_PAUSED_UPGRADE) {
            n = (size_t)(llhttp_get_error_pos(&r->ll) - (data + i));
            if (!r->done) start_head(r);   /* an interim 1xx ended: the next head */
        } else if (e != HPE_OK) {
            if (r->sink_rc) return r->sink_rc;
            return fail(r, error_sentence(r, e));
        } else if (refused) {
            return fail(r, refused);
        }
        if (head && r->head_done && !r->body_offset) r->body_offset = r->fed + n;
        r->fed += n;
        i += n;
    }
    return (long)i;
}

int al_http_reader_eof(al_http_reader *r) {
    if (r->done) return 0;
    if (!al_http_reader_started(r)) return fail(r, "the server closed the connection without answering");
    if (r->until_close) {
        r->ll.data = r;
        llhttp_finish(&r->ll);   /* completes the message: on_message_complete */
        if (r->done) return 0;
    }
    if (!r->head_done) return fail(r, "the server closed the connection in the middle of the head");
    return fail(r, "the server closed the connection before the end of the body");
}
