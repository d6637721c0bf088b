/* http_request.c — reading a parsed request: headers, path parameters, query.
 *
 * The parser has already split the request into NUL-terminated strings
 * (http_parser.c); these are the lookups a handler makes, FastAPI's
 * `request.headers[...]`, path parameters and `q: str | None = None`.
 * Linear scans: a request has a handful of each, and there is no allocation.
 */
#include "http_internal.h"

#include <errno.h>
#include <string.h>

const char *al_http_header_get(const al_http_request *req, const char *name) {
    if (!req || !name) return NULL;
    size_t len = strlen(name);
    for (size_t i = 0; i < req->header_count; i++)
        if (http_ieq(req->headers[i].name, name, len)) return req->headers[i].value;
    return NULL;
}

const char *al_http_param_get(const al_http_request *req, const char *name) {
    if (!req || !name) return NULL;
    for (size_t i = 0; i < req->param_count; i++)
        if (strcmp(req->params[i].name, name) == 0) return req->params[i].value;
    return NULL;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decode one form-encoded value of length len into buf; the length, or
 * -ENOSPC (buf holds a truncated prefix). */
static int decode_value(const char *v, size_t len, char *buf, size_t size) {
    size_t w = 0;
    int truncated = 0;
    for (size_t r = 0; r < len; r++) {
        char c = v[r];
        int hi, lo;
        if (c == '+') {
            c = ' ';
        } else if (c == '%' && r + 2 < len && (hi = hex_digit(v[r + 1])) >= 0 &&
                   (lo = hex_digit(v[r + 2])) >= 0) {
            c = (char)(hi * 16 + lo);
            r += 2;
        }
        if (w + 1 < size) buf[w++] = c;
        else truncated = 1;
    }
    if (size) buf[w] = 0;
    return truncated ? -ENOSPC : (int)w;
}

int al_http_query_get(const al_http_request *req, const char *name, char *buf, size_t size) {
    if (!req || !name || !buf || size == 0) return -EINVAL;
    size_t nlen = strlen(name);
    const char *q = req->query ? req->query : "";
    while (*q) {
        size_t pair = strcspn(q, "&");
        const char *eq = memchr(q, '=', pair);
        size_t klen = eq ? (size_t)(eq - q) : pair;
        if (klen == nlen && memcmp(q, name, nlen) == 0) {
            const char *v = eq ? eq + 1 : q + pair;
            return decode_value(v, (size_t)(q + pair - v), buf, size);
        }
        q += pair;
        if (*q == '&') q++;
    }
    buf[0] = 0;
    return -ENOENT;
}
