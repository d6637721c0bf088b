/* al_kit_http.c — reading a server's answer the way a strict client would
 * (see al_kit.h). A test's feedback is only as good as the reason given
 * here, so every rejection says exactly what was wrong. */
#define _GNU_SOURCE
#include "al_kit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int fail(al_kit_reply *r, const char *fmt, const char *detail) {
    snprintf(r->error, sizeof r->error, fmt, detail);
    return -EPROTO;
}

int al_kit_reply_parse(const char *data, size_t len, al_kit_reply *r) {
    memset(r, 0, sizeof *r);
    r->status = -1;
    r->content_length = -1;
    if (len == 0) return fail(r, "%sthe server closed the connection without answering", "");
    const char *end = memmem(data, len, "\r\n\r\n", 4);
    if (!end) return fail(r, "%sthe answer has no end of headers (an empty line, \\r\\n\\r\\n)", "");
    size_t head_len = (size_t)(end - data) + 2;   /* keep the last header's \r\n */
    const char *line = data;
    const char *eol = memmem(line, head_len, "\r\n", 2);
    char status_line[96];
    snprintf(status_line, sizeof status_line, "%.*s", (int)(eol - line < 95 ? eol - line : 95), line);
    int major, minor, code, off = 0;
    if (sscanf(status_line, "HTTP/%d.%d %3d%n", &major, &minor, &code, &off) != 3 || major != 1 ||
        (status_line[off] != ' ' && status_line[off] != 0))
        return fail(r, "the status line is \"%s\", expected \"HTTP/1.1 200 OK\" or the like",
                    status_line);
    r->status = code;
    snprintf(r->reason, sizeof r->reason, "%s", status_line[off] ? status_line + off + 1 : "");
    int content_lengths = 0;
    for (line = eol + 2; line < data + head_len; line = eol + 2) {
        eol = memmem(line, (size_t)(data + head_len - line), "\r\n", 2);
        char header[96];
        snprintf(header, sizeof header, "%.*s", (int)(eol - line < 95 ? eol - line : 95), line);
        char *colon = strchr(header, ':');
        if (!colon || colon == header)
            return fail(r, "the header line \"%s\" has no \"Name: value\" form", header);
        *colon = 0;
        char *value = colon + 1;
        while (*value == ' ' || *value == '\t') value++;
        if (strcasecmp(header, "Content-Length") == 0) {
            char *stop;
            errno = 0;
            long v = strtol(value, &stop, 10);
            if (errno || stop == value || *stop || v < 0)
                return fail(r, "Content-Length is \"%s\", not a number", value);
            if (content_lengths++ && v != r->content_length)
                return fail(r, "%stwo different Content-Length headers", "");
            r->content_length = v;
        } else if (strcasecmp(header, "Content-Type") == 0) {
            snprintf(r->content_type, sizeof r->content_type, "%s", value);
        }
    }
    r->body = end + 4;
    r->body_len = len - (size_t)(r->body - data);
    if (r->content_length < 0) return fail(r, "%sthe answer has no Content-Length header", "");
    if ((size_t)r->content_length != r->body_len) {
        char detail[96];
        snprintf(detail, sizeof detail, "%ld, but %zu bytes of body arrived", r->content_length,
                 r->body_len);
        return fail(r, "Content-Length says %s", detail);
    }
    return 0;
}
