/* http_internal.h — what the HTTP files share and nobody else sees:
 * the request parser (http_parser.c, the glue around llhttp), the response
 * writer (http_response.c) and a growable byte buffer. */
#ifndef AL_HTTP_INTERNAL_H
#define AL_HTTP_INTERNAL_H

#include <llhttp.h>
#include <stddef.h>
#include <stdint.h>

#include "asynclab/http.h"
#include "asynclab/http_conn.h"

/* ---- request parser (http_parser.c) ---------------------------------------
 * llhttp finds the pieces of a request; this glue records where they are
 * (offsets into the connection's input buffer, which may move while a large
 * head grows it), enforces the limits as bytes arrive, and rejects what
 * llhttp 8.1.0 lets through: folded header lines, missing or repeated Host,
 * chunked bodies in HTTP/1.0, HTTP/0.9. */

typedef struct http_span { uint32_t off, len; } http_span;
typedef struct http_hdr { http_span name, value; } http_hdr;

#define HTTP_INLINE_HEADERS 16

enum { HP_IDLE = 0, HP_HEAD, HP_BODY, HP_COMPLETE };   /* http_parser.state */
enum { HP_MORE = 0, HP_MESSAGE = 1, HP_ERROR = -1 };    /* http_parser_execute() */

typedef struct http_parser {
    llhttp_t ll;
    const al_http_limits *limits;
    const char *base;            /* the buffer of the running execute() */
    int state;
    http_span url;
    http_hdr *hdrs;              /* inline_hdrs, or malloc'd past HTTP_INLINE_HEADERS */
    size_t nhdrs, hdr_cap;
    int in_value;                /* the last span was a header value */
    size_t header_bytes;
    size_t ext_bytes;              /* chunk extensions of this request, all chunks */
    uint32_t keep_end;           /* bytes of the head to keep while the body streams */
    int hosts, content_lengths, transfer_encodings, expect_continue;
    char *body;                  /* malloc'd, NUL-terminated */
    size_t body_len, body_cap;
    int error_status;            /* HP_ERROR: the status to answer (400, 413, ...) */
    const char *error_detail;
    http_hdr inline_hdrs[HTTP_INLINE_HEADERS];
} http_parser;

void http_parser_init(http_parser *p, const al_http_limits *limits);
void http_parser_free(http_parser *p);
/* Parse base[from, to). *used = how far it got. HP_MESSAGE: a request is
 * complete (parsing stopped right after it); HP_ERROR: see error_status. */
int http_parser_execute(http_parser *p, const char *base, size_t from, size_t to, size_t *used);
/* The peer sent everything it will: an unfinished request is an error. */
int http_parser_finish(http_parser *p);
/* After HP_MESSAGE: fill in the request's strings (NUL-terminating them in
 * `base`, decoding the path in place). headers has room for p->nhdrs.
 * Returns 0, or a status (400) for an invalid path. */
int http_parser_build(http_parser *p, char *base, al_http_request *req, al_http_header *headers);
/* The request target (NUL-terminated, split in place): req->query after
 * '?', a '#' fragment cut, req->path percent-decoded. 0, or 400 for a target
 * that is not a path or decodes to a NUL. */
int http_target_split(char *url, al_http_request *req);
/* Ready for the next request on the same connection. */
void http_parser_next(http_parser *p);
int http_parser_keep_alive(const http_parser *p);

/* ---- output buffer ------------------------------------------------------- */

typedef struct http_buf {
    char *data;
    size_t len, cap;
} http_buf;

int http_buf_reserve(http_buf *b, size_t more);
int http_buf_append(http_buf *b, const void *data, size_t len);
/* The same, keeping a NUL after the data (not counted in len): a body the
 * caller hands out as a C string. */
int http_buf_append_text(http_buf *b, const void *data, size_t len);
void http_buf_free(http_buf *b);

/* ---- writing a response (http_response.c) -------------------------------- */

/* Append the status line, headers and (unless head_only) body of res to
 * out. keep_alive decides the Connection header; version_minor 0 answers
 * with "HTTP/1.1" too (as every server does) and "Connection: keep-alive"
 * when keeping an HTTP/1.0 connection. */
int http_response_write(http_buf *out, const al_http_response *res, const char *date,
                        int keep_alive, int version_minor, int head_only);
/* The 100 Continue interim response. */
int http_response_continue(http_buf *out);

/* ASCII case-insensitive equality of a NUL-terminated string and a span. */
int http_ieq(const char *a, const char *b, size_t blen);

/* http_percent.c: %XX-decode in[0..len) into out (size bytes, NUL-terminated;
 * out may be in: it never writes ahead of what it read). Returns the length,
 * -ENOSPC (out holds a cut prefix) or, with HTTP_PCT_NO_NUL, -EILSEQ for an
 * encoded NUL. */
#define HTTP_PCT_PLUS_IS_SPACE 1u   /* a query's form encoding */
#define HTTP_PCT_NO_NUL 2u          /* a path: %00 is refused */
int http_percent_decode(const char *in, size_t len, char *out, size_t size, unsigned flags);

#endif
