/* answer.c — what the exercise servers answer (see answer.h). */
#define _GNU_SOURCE
#include "answer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int path_ok(const char *p, size_t n) {
    if (n == 0 || p[0] != '/') return 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '_' || c == '.' || c == '-'))
            return 0;
    }
    return 1;
}

static int set_body(ex_route_result *r, int status, const char *reason, const char *body) {
    r->status = status;
    r->reason = reason;
    r->content_type = "application/json";
    r->body = strdup(body);
    if (!r->body) return -ENOMEM;
    r->body_len = strlen(body);
    return 0;
}

int ex_route(const char *head, size_t head_len, ex_route_result *r) {
    memset(r, 0, sizeof *r);
    const char *eol = memmem(head, head_len, "\r\n", 2);
    if (!eol) return set_body(r, 400, "Bad Request", "{\"error\": \"bad request\"}");
    /* METHOD SP PATH SP HTTP/1.x */
    const char *sp1 = memchr(head, ' ', (size_t)(eol - head));
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
    if (!sp1 || !sp2 || (size_t)(eol - sp2 - 1) != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0 ||
        !path_ok(sp1 + 1, (size_t)(sp2 - sp1 - 1)))
        return set_body(r, 400, "Bad Request", "{\"error\": \"bad request\"}");
    if (sp1 - head != 3 || memcmp(head, "GET", 3) != 0)
        return set_body(r, 405, "Method Not Allowed", "{\"error\": \"method not allowed\"}");
    size_t plen = (size_t)(sp2 - sp1 - 1);
    if (plen == 4 && memcmp(sp1 + 1, "/big", 4) == 0) {
        r->status = 200;
        r->reason = "OK";
        r->content_type = "text/plain";
        r->body = malloc(EX_BIG_SIZE);
        if (!r->body) return -ENOMEM;
        for (size_t i = 0; i < EX_BIG_SIZE; i++) r->body[i] = (char)('a' + i % 26);
        r->body_len = EX_BIG_SIZE;
        return 0;
    }
    char body[256];
    snprintf(body, sizeof body, "{\"path\": \"%.*s\"}", (int)(plen > 200 ? 200 : plen), sp1 + 1);
    return set_body(r, 200, "OK", body);
}

static int build(const ex_route_result *r, char **out, size_t *out_len) {
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     r->status, r->reason, r->content_type, r->body_len);
    char *buf = malloc((size_t)n + r->body_len);
    if (!buf) return -ENOMEM;
    memcpy(buf, head, (size_t)n);
    memcpy(buf + n, r->body, r->body_len);
    *out = buf;
    *out_len = (size_t)n + r->body_len;
    return 0;
}

int ex_answer(const char *head, size_t head_len, char **out, size_t *out_len) {
    ex_route_result r;
    int rc = ex_route(head, head_len, &r);
    if (rc == 0) rc = build(&r, out, out_len);
    free(r.body);
    return rc;
}

int ex_answer_too_large(char **out, size_t *out_len) {
    ex_route_result r = {431, "Request Header Fields Too Large", "application/json",
                         (char *)"{\"error\": \"request head too large\"}", 0};
    r.body_len = strlen(r.body);
    return build(&r, out, out_len);
}
