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
            return http_percent_decode(v, (size_t)(q + pair - v), buf, size, HTTP_PCT_PLUS_IS_SPACE);
        }
        q += pair;
        if (*q == '&') q++;
    }
    buf[0] = 0;
    return -ENOENT;
}
