/* http_parser.c — the glue between llhttp and a connection's input buffer.
 *
 * llhttp (the parser under Node.js, and under uvicorn as httptools) reads
 * bytes and calls us back with spans: "the URL is these bytes", "a header
 * name is these". It keeps no copy, so we record where each span is, as an
 * offset into the connection's input buffer: a large head may make the
 * buffer grow (and move) between two reads, and offsets survive that.
 * A span split across two reads arrives as two callbacks whose bytes are
 * adjacent in the buffer (we always append), so we just extend it.
 *
 * llhttp is built with LLHTTP_STRICT_MODE=1 and none of its lenient flags is
 * ever set. Even strict, 8.1.0 accepts some things a server must refuse;
 * these checks are ours:
 *   - an obs-fold line (a header line starting with a space or a tab, which
 *     llhttp glues onto the previous value): CVE-2024-27982 is exactly a
 *     " Content-Length: 5" line that a front proxy reads as a header and we
 *     would read as part of another: 400. We see it as a value arriving in
 *     two pieces that are not adjacent;
 *   - HTTP/1.1 without exactly one Host, or HTTP/1.0 with several: 400;
 *   - Transfer-Encoding in an HTTP/1.0 request (chunked framing does not
 *     exist there): 400;
 *   - HTTP/0.9 ("GET /" with no version), which llhttp takes: 400;
 *   - a Transfer-Encoding list that is empty (llhttp reads no body: 400), or
 *     names a coding other than chunked before it ("gzip, chunked": llhttp
 *     decodes the chunks and would hand the handler gzip bytes): 501;
 *   - chunk extensions past max_header_bytes in one request (llhttp skips
 *     them without limit): 400.
 * llhttp itself refuses a repeated or malformed Content-Length and
 * Content-Length together with Transfer-Encoding; we count them too, so the
 * rule does not depend on the version of llhttp.
 *
 * RFC 9112 §6 and §7, rule by rule, for requests: what we answer, and what
 * nginx 1.22.1 answers for the same bytes (`return 200` location). Every row
 * is a check in tests/integration/serve_framing.sh; "close" means the
 * connection is closed after the answer, since its framing is in doubt.
 *   rule                                          us               nginx
 *   §6   framing ignores the method: a GET's body  read, 200 200    same
 *   §6.1 Transfer-Encoding in HTTP/1.0 MUST be     400, close       400, close
 *        treated as faulty framing, then close
 *   §6.1 CL + TE: MAY reject, MUST close after     400, close       400, close
 *   §6.1 unknown coding SHOULD get 501             501, close       501, close
 *        ("gzip, chunked"; gzip + chunked lines)                    (400 for two lines)
 *   §6.1 chunked applied more than once            400, close       501 / 400
 *   §6.3(4) chunked not final (gzip; chunked,gzip; 400, close       501, close
 *        empty value; chunked;a=b) MUST get 400
 *        and a close (nginx's 501 breaks the MUST)
 *   §6.3(5) invalid CL (+3, 0x3, "", "3 3", "3, 4", 400, close      400, close
 *        overflow, two differing lines): MUST 400
 *        and close. "3, 3" and two equal lines MAY
 *        be taken as 3: we refuse them (as nginx)
 *   §6.3(6) CL frames the body; OWS around it ok   read exactly     same
 *   §6.3(6) body cut short by the client's close:  no answer, close 200 (return
 *        incomplete, MUST close                                       ignores it)
 *   §6.3(7) no CL, no TE: body length 0            next request     same
 *   §6.3 411 when no length: MAY                   not used (0)     not used
 *   §7   coding names are case-insensitive         ChUnKeD decoded  same
 *   §7.1 chunk-size overflow MUST be anticipated   400, close       400, close
 *        hex digits only ("0x3"), data longer than
 *        its size                                  400, close       400, close
 *   §7.1 CRLF after size and data; bare LF         400, close       taken
 *   §7.1.1 unknown extensions MUST be ignored      ignored          ignored
 *   §7.1.1 total extension length "ought" to be    400 past 8 KiB   no limit
 *        limited, with a 4xx
 *   §7.1.2 trailer fields MAY be discarded         discarded (a     discarded
 *        (a trailer Content-Length changes nothing) 431 past 8 KiB) (20 KB taken)
 * (nginx's column: 1.22.1 with a `return 200` location, probed with the
 * same bytes as serve_framing.sh sends; a pipelined GET after a body gives
 * two answers there as here, so it read the body as a body.)
 *   Responses: never Transfer-Encoding (so none to HTTP/1.0, §6.1), no
 *   Content-Length or body on 1xx/204/304 (http_response.c).
 * Known gaps, all llhttp 8.1.0's and all on the safe side (refused with 400
 * and a close, never read another way): a second chunk extension after a
 * token value (";a=b;c=d") and a quoted-pair in a quoted value, both valid
 * by §7.1.1 (fixed in llhttp 9.1, nodejs/llhttp#248); BWS around ';' and '='
 * in an extension; a trailing empty list element ("chunked ,"), which RFC
 * 9110 §5.6.1 asks a recipient to ignore.
 * The limits are checked as bytes arrive, so a huge head is refused before
 * it is buffered: request target (414), header bytes and count (431), body
 * (413, from Content-Length before reading any of it, or as chunks add up).
 */
#include "http_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static http_parser *self(llhttp_t *ll) { return (http_parser *)ll; }   /* ll comes first */

static int reject(http_parser *p, int status, const char *detail) {
    if (!p->error_status) {
        p->error_status = status;
        p->error_detail = detail;
    }
    return -1;   /* llhttp: stop with an error (HPE_USER) */
}

static uint32_t offset_of(http_parser *p, const char *at) { return (uint32_t)(at - p->base); }

/* Append the piece [at, at+len) to span s. 0, or -1 if it is not adjacent. */
static int extend(http_parser *p, http_span *s, const char *at, size_t len) {
    uint32_t off = offset_of(p, at);
    if (s->len == 0 && s->off == 0) {
        s->off = off;
    } else if (s->off + s->len != off) {
        return -1;
    }
    s->len += (uint32_t)len;
    return 0;
}

static int on_message_begin(llhttp_t *ll) {
    self(ll)->state = HP_HEAD;
    return 0;
}

static int on_url(llhttp_t *ll, const char *at, size_t len) {
    http_parser *p = self(ll);
    if (extend(p, &p->url, at, len) < 0) return reject(p, 400, "Invalid request line");
    if (p->url.len > p->limits->max_request_line) return reject(p, 414, "Request-URI Too Long");
    return 0;
}

static int grow_headers(http_parser *p) {
    size_t cap = p->hdr_cap * 2;
    if (cap > p->limits->max_headers) cap = p->limits->max_headers;
    http_hdr *h = malloc(cap * sizeof *h);
    if (!h) return -ENOMEM;
    memcpy(h, p->hdrs, p->nhdrs * sizeof *h);
    if (p->hdrs != p->inline_hdrs) free(p->hdrs);
    p->hdrs = h;
    p->hdr_cap = cap;
    return 0;
}

static int count_header_bytes(http_parser *p, size_t len) {
    p->header_bytes += len;
    if (p->header_bytes > p->limits->max_header_bytes)
        return reject(p, 431, "Request Header Fields Too Large");
    return 0;
}

static int on_header_field(llhttp_t *ll, const char *at, size_t len) {
    http_parser *p = self(ll);
    if (p->state == HP_BODY) return count_header_bytes(p, len);   /* a chunked trailer: ignored */
    if (p->in_value || p->nhdrs == 0) {   /* a new header line starts */
        if (p->nhdrs == p->limits->max_headers) return reject(p, 431, "Too many headers");
        if (p->nhdrs == p->hdr_cap && grow_headers(p) < 0) return reject(p, 500, "Out of memory");
        p->hdrs[p->nhdrs++] = (http_hdr){{0, 0}, {0, 0}};
        p->in_value = 0;
        if (count_header_bytes(p, 4) < 0) return -1;   /* ": " and CRLF */
    }
    if (extend(p, &p->hdrs[p->nhdrs - 1].name, at, len) < 0) return reject(p, 400, "Invalid header");
    return count_header_bytes(p, len);
}

static int on_header_value(llhttp_t *ll, const char *at, size_t len) {
    http_parser *p = self(ll);
    if (p->state == HP_BODY) return count_header_bytes(p, len);
    if (p->nhdrs == 0) return reject(p, 400, "Invalid header");
    http_span *v = &p->hdrs[p->nhdrs - 1].value;
    /* A second piece not right after the first: llhttp joined a folded line. */
    if (p->in_value && v->len > 0 && v->off + v->len != offset_of(p, at))
        return reject(p, 400, "Folded header lines are not accepted");
    if (extend(p, v, at, len) < 0) return reject(p, 400, "Folded header lines are not accepted");
    p->in_value = 1;
    return count_header_bytes(p, len);
}

/* The value of header i equals `word` (ASCII case-insensitively)? */
static int value_is(http_parser *p, const http_hdr *h, const char *word) {
    return http_ieq(word, p->base + h->value.off, h->value.len);
}

static int name_is(http_parser *p, const http_hdr *h, const char *name) {
    return http_ieq(name, p->base + h->name.off, h->name.len);
}

/* Drop the blanks llhttp leaves at the end of a value ("a  " -> "a"). */
static void trim_value(http_parser *p, http_hdr *h) {
    while (h->value.len > 0) {
        char c = p->base[h->value.off + h->value.len - 1];
        if (c != ' ' && c != '\t') break;
        h->value.len--;
    }
}

/* The Transfer-Encoding lines of a request, read as one list in order
 * (RFC 9110 §5.3), against RFC 9112 §6.1, §6.3 rule 4 and §7. llhttp reads
 * only whether the list ends with "chunked"; it skips an empty value and
 * decodes "gzip, chunked" as plain chunked, handing the handler gzip bytes. */
static int check_transfer_codings(http_parser *p) {
    int elements = 0, chunked = 0, last_chunked = 0, unknown = 0;
    for (size_t i = 0; i < p->nhdrs; i++) {
        const http_hdr *h = &p->hdrs[i];
        if (!name_is(p, h, "transfer-encoding")) continue;
        const char *c = p->base + h->value.off, *end = c + h->value.len;
        while (c <= end) {
            const char *comma = memchr(c, ',', (size_t)(end - c));
            const char *e = comma ? comma : end;
            const char *a = c, *b = e;
            while (a < b && (*a == ' ' || *a == '\t')) a++;
            while (b > a && (b[-1] == ' ' || b[-1] == '\t')) b--;
            if (a < b) {   /* empty list elements are ignored (RFC 9110 §5.6.1) */
                elements++;
                last_chunked = http_ieq("chunked", a, (size_t)(b - a));
                if (last_chunked) chunked++;
                else unknown = 1;
            }
            c = e + 1;
        }
    }
    /* Without chunked last the body's end cannot be found: a MUST, 400. */
    if (!elements || !last_chunked) return reject(p, 400, "Transfer-Encoding must end with chunked");
    if (chunked > 1) return reject(p, 400, "Transfer-Encoding applies chunked more than once");
    /* A coding we cannot undo (gzip, deflate, ...): 501, as §6.1 asks. */
    if (unknown) return reject(p, 501, "Transfer coding not implemented (only chunked is)");
    return 0;
}

static int on_headers_complete(llhttp_t *ll) {
    http_parser *p = self(ll);
    if (ll->http_major != 1) return reject(p, 400, "Unsupported HTTP version");
    uint32_t end = p->url.off + p->url.len;
    for (size_t i = 0; i < p->nhdrs; i++) {
        http_hdr *h = &p->hdrs[i];
        trim_value(p, h);
        if (name_is(p, h, "host")) p->hosts++;
        else if (name_is(p, h, "content-length")) p->content_lengths++;
        else if (name_is(p, h, "transfer-encoding")) p->transfer_encodings++;
        else if (name_is(p, h, "expect") && value_is(p, h, "100-continue")) p->expect_continue = 1;
        uint32_t e = h->value.len ? h->value.off + h->value.len : h->name.off + h->name.len;
        if (e > end) end = e;
    }
    p->keep_end = end + 1;   /* room for the NUL that ends the last string */
    /* Belt and braces for folds: a line break followed by a blank anywhere
     * in the header lines (also catches a fold after an empty value, which
     * gives no first piece to compare with). */
    uint32_t from = p->url.off + p->url.len;
    for (const char *c = p->base + from; (c = memchr(c, '\n', (size_t)(p->base + end - c))) != NULL; c++)
        if (c[1] == ' ' || c[1] == '\t') return reject(p, 400, "Folded header lines are not accepted");
    if (ll->http_minor == 1 && p->hosts != 1)
        return reject(p, 400, p->hosts ? "Duplicate Host header" : "Missing Host header");
    if (p->hosts > 1) return reject(p, 400, "Duplicate Host header");
    if (p->content_lengths > 1) return reject(p, 400, "Duplicate Content-Length");
    if (p->content_lengths && p->transfer_encodings)
        return reject(p, 400, "Content-Length together with Transfer-Encoding");
    if (p->transfer_encodings && ll->http_minor == 0)
        return reject(p, 400, "Transfer-Encoding in an HTTP/1.0 request");
    if (p->transfer_encodings && check_transfer_codings(p) < 0) return -1;
    if ((ll->flags & F_CONTENT_LENGTH) && ll->content_length > p->limits->max_body)
        return reject(p, 413, "Request Entity Too Large");
    p->state = HP_BODY;
    return 0;
}

/* Chunk extensions are ignored (RFC 9112 §7.1.1) but still bytes a client
 * could send without end: all of a request's together get the budget of a
 * head, as §7.1.1 suggests ("limit the total length ... 4xx"). */
static int on_chunk_extension(llhttp_t *ll, const char *at, size_t len) {
    http_parser *p = self(ll);
    (void)at;
    p->ext_bytes += len;
    if (p->ext_bytes > p->limits->max_header_bytes) return reject(p, 400, "Chunk extensions too long");
    return 0;
}

static int on_body(llhttp_t *ll, const char *at, size_t len) {
    http_parser *p = self(ll);
    if (p->body_len + len > p->limits->max_body) return reject(p, 413, "Request Entity Too Large");
    if (p->body_len + len + 1 > p->body_cap) {
        size_t cap = p->body_cap ? p->body_cap : 1024;
        while (cap < p->body_len + len + 1) cap *= 2;
        /* A Content-Length body gets its whole buffer at once. */
        if ((ll->flags & F_CONTENT_LENGTH) && cap < ll->content_length + p->body_len + len + 1)
            cap = (size_t)ll->content_length + p->body_len + len + 1;
        char *b = realloc(p->body, cap);
        if (!b) return reject(p, 500, "Out of memory");
        p->body = b;
        p->body_cap = cap;
    }
    memcpy(p->body + p->body_len, at, len);
    p->body_len += len;
    p->body[p->body_len] = 0;
    return 0;
}

static int on_message_complete(llhttp_t *ll) {
    self(ll)->state = HP_COMPLETE;
    return HPE_PAUSED;   /* stop right after this request: it is handled before the next */
}

static const llhttp_settings_t settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_chunk_extension_name = on_chunk_extension,
    .on_chunk_extension_value = on_chunk_extension,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

void http_parser_init(http_parser *p, const al_http_limits *limits) {
    memset(p, 0, sizeof *p);
    llhttp_init(&p->ll, HTTP_REQUEST, &settings);
    p->limits = limits;
    p->hdrs = p->inline_hdrs;
    p->hdr_cap = HTTP_INLINE_HEADERS;
}

void http_parser_free(http_parser *p) {
    if (p->hdrs != p->inline_hdrs) free(p->hdrs);
    free(p->body);
    p->hdrs = p->inline_hdrs;
    p->body = NULL;
}

static int llhttp_status(http_parser *p, llhttp_errno_t err) {
    if (p->error_status) return HP_ERROR;
    switch (err) {
    case HPE_INVALID_METHOD: p->error_status = 400; p->error_detail = "Invalid method"; break;
    case HPE_INVALID_URL: p->error_status = 400; p->error_detail = "Invalid request target"; break;
    case HPE_INVALID_VERSION: p->error_status = 400; p->error_detail = "Invalid HTTP version"; break;
    case HPE_INVALID_HEADER_TOKEN: p->error_status = 400; p->error_detail = "Invalid header"; break;
    case HPE_UNEXPECTED_CONTENT_LENGTH:
    case HPE_INVALID_CONTENT_LENGTH: p->error_status = 400; p->error_detail = "Invalid Content-Length"; break;
    case HPE_INVALID_TRANSFER_ENCODING: p->error_status = 400; p->error_detail = "Invalid Transfer-Encoding"; break;
    case HPE_INVALID_CHUNK_SIZE: p->error_status = 400; p->error_detail = "Invalid chunk"; break;
    default:   /* e.g. HPE_STRICT, which llhttp also uses for a bad chunk extension */
        p->error_status = 400;
        p->error_detail = p->state == HP_BODY && (p->ll.flags & F_CHUNKED) ? "Invalid chunk" : "Invalid HTTP request";
        break;
    }
    return HP_ERROR;
}

int http_parser_execute(http_parser *p, const char *base, size_t from, size_t to, size_t *used) {
    p->base = base;
    *used = from;
    if (p->error_status) return HP_ERROR;
    if (from == to) return HP_MORE;
    llhttp_errno_t err = llhttp_execute(&p->ll, base + from, to - from);
    if (err == HPE_OK) {
        *used = to;
        return HP_MORE;
    }
    if (err == HPE_PAUSED || err == HPE_PAUSED_UPGRADE) {
        *used = (size_t)(llhttp_get_error_pos(&p->ll) - base);
        if (p->state == HP_COMPLETE) return HP_MESSAGE;
        reject(p, 400, "Invalid HTTP request");
        return HP_ERROR;
    }
    *used = (size_t)(llhttp_get_error_pos(&p->ll) - base);
    return llhttp_status(p, err);
}

int http_parser_finish(http_parser *p) {
    if (p->state == HP_IDLE || p->state == HP_COMPLETE) return HP_MORE;
    reject(p, 400, "Incomplete request");
    return HP_ERROR;
}

int http_parser_build(http_parser *p, char *base, al_http_request *req, al_http_header *headers) {
    req->method = llhttp_method_name((llhttp_method_t)p->ll.method);
    req->version_minor = p->ll.http_minor;
    /* The bytes right after each span are delimiters llhttp has read past
     * (space, ':', CR): they become the NULs. */
    char *url = base + p->url.off;
    url[p->url.len] = 0;
    for (size_t i = 0; i < p->nhdrs; i++) {
        http_hdr *h = &p->hdrs[i];
        base[h->name.off + h->name.len] = 0;
        headers[i].name = base + h->name.off;
        headers[i].value = h->value.len ? base + h->value.off : "";
    }
    for (size_t i = 0; i < p->nhdrs; i++)   /* after the names: an empty value's NUL may be a name's */
        if (p->hdrs[i].value.len) base[p->hdrs[i].value.off + p->hdrs[i].value.len] = 0;
    req->headers = headers;
    req->header_count = p->nhdrs;
    req->body = p->body_len ? p->body : NULL;
    req->body_len = p->body_len;
    return http_target_split(url, req);
}

int http_target_split(char *url, al_http_request *req) {
    char *q = strchr(url, '?');
    req->query = "";
    if (q) {
        *q = 0;
        req->query = q + 1;
    }
    /* Fragment: clients do not send it; a raw '#' ends the path. */
    char *frag = strchr(url, '#');
    if (frag) *frag = 0;
    if (url[0] != '/') {
        /* absolute-form ("http://host/path") is for proxies; "*" for OPTIONS */
        return 400;
    }
    /* %XX -> byte, in place; an encoded NUL cannot be a path (http_percent.c) */
    size_t url_len = strlen(url);
    if (http_percent_decode(url, url_len, url, url_len + 1, HTTP_PCT_NO_NUL) < 0) return 400;
    req->path = url;
    return 0;
}

void http_parser_next(http_parser *p) {
    llhttp_resume(&p->ll);
    p->state = HP_IDLE;
    p->url = (http_span){0, 0};
    p->nhdrs = 0;
    p->in_value = 0;
    p->header_bytes = 0;
    p->ext_bytes = 0;
    p->keep_end = 0;
    p->hosts = p->content_lengths = p->transfer_encodings = p->expect_continue = 0;
    p->body_len = 0;
    if (p->body_cap > 64 * 1024) {   /* do not keep a large body buffer around */
        free(p->body);
        p->body = NULL;
        p->body_cap = 0;
    }
    if (p->hdrs != p->inline_hdrs) {
        free(p->hdrs);
        p->hdrs = p->inline_hdrs;
        p->hdr_cap = HTTP_INLINE_HEADERS;
    }
}

int http_parser_keep_alive(const http_parser *p) { return llhttp_should_keep_alive(&p->ll); }

/* ---- small shared helpers ------------------------------------------------ */

int http_ieq(const char *a, const char *b, size_t blen) {
    for (size_t i = 0; i < blen; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (!x) return 0;
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y + 32);
        if (x != y) return 0;
    }
    return a[blen] == 0;
}

int http_buf_reserve(http_buf *b, size_t more) {
    if (b->len + more <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + more) cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) return -ENOMEM;
    b->data = d;
    b->cap = cap;
    return 0;
}

int http_buf_append(http_buf *b, const void *data, size_t len) {
    int rc = http_buf_reserve(b, len);
    if (rc < 0) return rc;
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

int http_buf_append_text(http_buf *b, const void *data, size_t len) {
    int rc = http_buf_reserve(b, len + 1);
    if (rc == 0) rc = http_buf_append(b, data, len);
    if (rc == 0) b->data[b->len] = 0;
    return rc;
}

void http_buf_free(http_buf *b) {
    free(b->data);
    *b = (http_buf){0};
}
