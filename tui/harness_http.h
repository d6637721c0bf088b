/* harness_http.h — reading HTTP/1.1 responses, strictly and within bounds.
 *
 * The harness (load, compare, check) talks to servers it does not trust:
 * students' exercises, lesson servers that are not HTTP parsers at all, and
 * peers written in other languages. So the client side parses what comes
 * back itself, byte by byte, and every limit is fixed in advance: a response
 * head larger than AL_HRESP_HEAD_MAX, a bare LF, an obs-folded header, two
 * disagreeing Content-Lengths or a chunk size that does not fit is an error
 * with a message, never a crash or an unbounded allocation.
 *
 * One al_hresp parses one response at a time and is reused for the next
 * (al_hresp_reset): no allocation per response. Feed it the bytes as they
 * arrive; it stops right after the end of the response, so whatever follows
 * (the next pipelined response) is left to the caller.
 *
 *   al_hresp_reset(&r, 0);
 *   for (;;) {
 *       long used = al_hresp_feed(&r, buf, n);   // < 0: malformed, see r.error
 *       if (r.done) break;                       // buf + used: the next response
 *       ... read more; at end of stream: al_hresp_eof(&r) ...
 *   }
 *
 * Framing (RFC 9112 section 6): no body for 1xx/204/304 or an answer to HEAD;
 * Transfer-Encoding: chunked; else Content-Length; else the body runs until
 * the server closes the connection. 1xx informational responses (other than
 * 101) are skipped: the final response is the one reported.
 *
 * Errors: al_hresp_feed and al_hresp_eof return -EPROTO with a sentence in
 * r.error ("response head larger than 8192 bytes").
 */
#ifndef AL_HARNESS_HTTP_H
#define AL_HARNESS_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define AL_HRESP_HEAD_MAX 8192
#define AL_HRESP_CTYPE_MAX 96

typedef struct al_hresp {
    /* ---- what was read (valid once done; status and headers once the head is in) */
    int status;                  /* 100..999 */
    int minor;                   /* HTTP/1.minor */
    int64_t content_length;      /* -1: no Content-Length header */
    int chunked;                 /* Transfer-Encoding: chunked */
    int until_close;             /* no length: the body ends when the server closes */
    int close;                   /* the server will close after this response */
    int head_done;               /* the head has been parsed */
    int done;                    /* the whole response is in */
    char content_type[AL_HRESP_CTYPE_MAX];   /* as sent, "" if none (cut if longer) */
    char reason[64];             /* the reason phrase, cut if longer */
    uint64_t body_bytes;         /* body bytes seen (chunked: the data only) */
    /* Optional body capture: set body/body_cap after al_hresp_reset; the first
     * body_cap bytes land there, body_len says how many, truncated if more. */
    char *body;
    size_t body_cap, body_len;
    int body_truncated;
    const char *error;           /* why the last call failed */
    /* ---- private */
    int state, head_request;
    uint64_t remaining;          /* of the body, or of the current chunk */
    size_t head_len;
    char head[AL_HRESP_HEAD_MAX];
} al_hresp;

/* Get ready for a new response. head_request: it answers a HEAD (no body).
 * Keeps body/body_cap (the capture buffer), clears everything else. */
void al_hresp_reset(al_hresp *r, int head_request);

/* Feed received bytes. Returns how many were used (all of them, unless the
 * response ended inside the buffer), or -EPROTO. After done, feeding more is
 * an error: reset first. */
long al_hresp_feed(al_hresp *r, const char *data, size_t len);

/* The server closed the connection. 0 if that completes the response (a body
 * that runs until close), -EPROTO if the response was cut short. Calling it
 * before any byte arrived is an error too ("closed before answering"). */
int al_hresp_eof(al_hresp *r);

/* Did any byte of a response arrive yet? */
int al_hresp_started(const al_hresp *r);

#endif
