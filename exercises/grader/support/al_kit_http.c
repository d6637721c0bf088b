/* al_kit_http.c — reading a server's answer the way a strict client would
 * (see al_kit.h). The bytes are read by the project's one response reader
 * (asynclab/http_response_reader.h: llhttp, strict, plus our refusals); the
 * kit adds what it asks of an exercise's server on top: a Content-Length,
 * and exactly that many bytes of body before the close. A test's feedback
 * is only as good as the reason given here, so every rejection says exactly
 * what was wrong. */
#define _GNU_SOURCE
#include "al_kit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "asynclab/http_response_reader.h"
#include "asynclab/text.h"

static int fail(al_kit_reply *r, const char *fmt, const char *detail) {
    snprintf(r->error, sizeof r->error, fmt, detail);
    return -EPROTO;
}

/* The head was refused before its status was known: quote the status line
 * (cleaned: it is the server's bytes, shown to a student). */
static int bad_status_line(al_kit_reply *r, const char *data, size_t len) {
    const char *eol = memchr(data, '\n', len);
    size_t n = eol ? (size_t)(eol - data) : len;
    if (n > 0 && data[n - 1] == '\r') n--;
    char line[96];
    snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line - 1 ? n : sizeof line - 1), data);
    al_text_sanitize(line, strlen(line));
    return fail(r, "the status line is \"%s\", expected \"HTTP/1.1 200 OK\" or the like", line);
}

int al_kit_reply_parse(const char *data, size_t len, al_kit_reply *r) {
    memset(r, 0, sizeof *r);
    r->status = -1;
    r->content_length = -1;
    al_http_reader rd;
    rd.body = NULL;
    rd.body_cap = 0;
    al_http_reader_reset(&rd, 0);
    long rc = al_http_reader_feed(&rd, data, len);
    if (rc >= 0 && !rd.done) rc = al_http_reader_eof(&rd);   /* everything came before the close */
    if (!rd.head_done) {
        const char *why = rd.error ? rd.error : "";
        if (len == 0) return fail(r, "%sthe server closed the connection without answering", "");
        if (strstr(why, "in the middle of the head"))
            return fail(r, "%sthe answer has no end of headers (an empty line, \\r\\n\\r\\n)", "");
        if (strstr(why, "status")) return bad_status_line(r, data, len);
        return fail(r, "%s", why);
    }
    r->status = rd.status;
    snprintf(r->reason, sizeof r->reason, "%s", rd.reason);
    snprintf(r->content_type, sizeof r->content_type, "%s", rd.content_type);
    r->content_length = (long)rd.content_length;
    r->body = data + rd.body_offset;
    r->body_len = len - (size_t)rd.body_offset;
    if (r->content_length < 0) return fail(r, "%sthe answer has no Content-Length header", "");
    if ((size_t)r->content_length != r->body_len) {
        char detail[96];
        snprintf(detail, sizeof detail, "%ld, but %zu bytes of body arrived", r->content_length,
                 r->body_len);
        return fail(r, "Content-Length says %s", detail);
    }
    return rc < 0 ? fail(r, "%s", rd.error) : 0;
}
