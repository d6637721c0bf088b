/* asynclab/http_response_reader.h — reading one HTTP/1.1 response, strictly,
 * within bounds fixed in advance: the one response parser of the project.
 *
 * Everyone that reads a server's answer uses it: the upstream client
 * (al_http_get), the harness behind `asynclab load`, `compare` and `check`,
 * and the grader's kit. The servers they read may be students' exercises,
 * lesson servers that are not HTTP parsers at all, or peers in other
 * languages, so nothing they send is trusted.
 *
 * It is llhttp in response mode (strict, no lenient flag) plus the refusals
 * written once in http_response_reader.c, as http_parser.c does for
 * requests: a bare CR or LF in the head, an obs-folded header line, a head
 * over AL_HTTP_READER_HEAD_MAX bytes, a version other than HTTP/1.x, a
 * Transfer-Encoding that does not end in chunked, chunk extensions or
 * trailers without bound.
 *
 *   al_http_reader_reset(&r, 0);
 *   for (;;) {
 *       long used = al_http_reader_feed(&r, buf, n);   // < 0: see r.error
 *       if (r.done) break;                             // buf + used: what follows
 *       ... read more; at end of stream: al_http_reader_eof(&r) ...
 *   }
 *
 * Contract
 *   Framing    RFC 9112 §6: no body for 1xx/204/304 or an answer to HEAD;
 *              Transfer-Encoding: chunked; else Content-Length; else the body
 *              runs until the server closes. Interim 1xx answers other than
 *              101 are read past: the final response is the one reported. A
 *              101 is final, has no body and means the connection is over
 *              for HTTP (close is set).
 *   Stopping   feed stops right after the end of the response: the bytes
 *              after it (a pipelined answer, or bytes a server should not
 *              have sent) are left to the caller. Feeding after done is an
 *              error: reset first.
 *   Text       reason and content_type are set once complete (a head cut
 *              short leaves them ""), cut to fit and sanitized
 *              (al_text_sanitize): whatever the server sent, they are valid
 *              UTF-8 with no control character but tab, safe to print to
 *              a terminal or (escaped as usual) put in JSON.
 *   Body       counted in body_bytes (chunked: the data only); kept, if the
 *              caller wants it, either in body[0..body_cap) (body_truncated
 *              when more came) or handed to body_sink (its negative return
 *              ends the read with that error).
 *   Errors     feed and eof return -EPROTO with a sentence in r.error
 *              ("response head larger than 8192 bytes"), a static string;
 *              or the body sink's own error.
 *   Memory     none allocated: one reader is reused response after response
 *              (reset). It may not be copied or moved between feeds.
 */
#ifndef ASYNCLAB_HTTP_RESPONSE_READER_H
#define ASYNCLAB_HTTP_RESPONSE_READER_H

#include <llhttp.h>
#include <stddef.h>
#include <stdint.h>

#define AL_HTTP_READER_HEAD_MAX 8192       /* status line + headers, each head */
#define AL_HTTP_READER_TRAILERS_MAX 8192   /* trailer fields after a chunked body */
#define AL_HTTP_READER_CHUNK_EXT_MAX 1024  /* extensions of one chunk */
#define AL_HTTP_READER_CTYPE_MAX 96

typedef struct al_http_reader {
    /* ---- what was read (status and headers once head_done) */
    int status;                  /* 100..999; the interim one while reading past it */
    int minor;                   /* HTTP/1.minor */
    int64_t content_length;      /* -1: no Content-Length header */
    int chunked;                 /* Transfer-Encoding: chunked */
    int until_close;             /* no length: the body ends when the server closes */
    int close;                   /* the server will close after this response */
    int head_done;               /* the final head has been parsed */
    int done;                    /* the whole response is in */
    char content_type[AL_HTTP_READER_CTYPE_MAX];   /* "" if none; sanitized, cut */
    char reason[64];             /* the reason phrase; sanitized, cut */
    uint64_t body_bytes;         /* body bytes seen (chunked: the data only) */
    uint64_t body_offset;        /* bytes fed before the final body began */
    /* Optional body capture: a buffer (the first body_cap bytes land there,
     * truncated if more; kept across reset), or a sink called with each
     * piece (set after each reset: reset clears it). */
    char *body;
    size_t body_cap, body_len;
    int body_truncated;
    int (*body_sink)(void *arg, const char *data, size_t len);
    void *sink_arg;
    const char *error;           /* why the last call failed */
    /* ---- private */
    llhttp_t ll;
    uint64_t fed;                /* bytes used since reset */
    int head_request, in_head, prev_cr, at_line_start, in_value, field_kind, sink_rc;
    size_t head_len, line_len, field_len, text_len, extra_len;
    char field[20];
    char text[AL_HTTP_READER_CTYPE_MAX];   /* a reason or value, gathering */
} al_http_reader;

/* Get ready for a new response. head_request: it answers a HEAD (no body).
 * Keeps the capture buffer (body, body_cap: set them once, before or after),
 * clears the rest, the body sink included. */
void al_http_reader_reset(al_http_reader *r, int head_request);

/* Feed received bytes. Returns how many were used (all of them, unless the
 * response ended inside the buffer), or a negative error. */
long al_http_reader_feed(al_http_reader *r, const char *data, size_t len);

/* The server closed the connection. 0 if that completes the response (a body
 * that runs until close), -EPROTO if the response was cut short or never
 * began ("the server closed the connection without answering"). */
int al_http_reader_eof(al_http_reader *r);

/* Did any byte of a response arrive yet? */
int al_http_reader_started(const al_http_reader *r);

#endif
