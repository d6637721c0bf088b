/* http_router.c — routes: METHOD + path pattern -> handler (see asynclab/http_router.h).
 *
 * A pattern is kept as its segments ("/items/{item_id:int}" is the literal
 * "items" and the parameter item_id, type int). Matching walks the routes in
 * the order they were added, the way Starlette does:
 *   1. the path's segments against the pattern's (literals equal, each
 *      parameter takes one non-empty segment);
 *   2. the method: a route whose path matched but whose method did not is
 *      remembered, so that if nothing else matches we answer 405 with the
 *      methods that would have (Allow);
 *   3. the parameters' types: FastAPI validates after routing, so a bad
 *      integer is a 422 about that parameter, not a 404.
 * A handful of routes and short paths: a linear walk is the right size.
 */
#include "asynclab/http_router.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asynclab/task.h"
#include "http_internal.h"

enum { SEG_LITERAL, SEG_STR, SEG_INT };

typedef struct segment {
    int kind;
    char *text;                  /* the literal, or the parameter's name */
} segment;

typedef struct route {
    char method[16];
    char *pattern;
    segment *segs;
    size_t nsegs;
    al_http_handler handler;
    int flags;
    char task_name[AL_FIBER_TASK_NAME_MAX];   /* route tasks are fibers */
    char *allow;                 /* methods of every route with this pattern */
} route;

struct al_http_router {
    route *routes;
    size_t count, cap;
};

int al_http_router_new(al_http_router **out) {
    if (!out) return -EINVAL;
    *out = calloc(1, sizeof **out);
    return *out ? 0 : -ENOMEM;
}

static void route_free(route *r) {
    for (size_t i = 0; i < r->nsegs; i++) free(r->segs[i].text);
    free(r->segs);
    free(r->pattern);
    free(r->allow);
}

void al_http_router_free(al_http_router *router) {
    if (!router) return;
    for (size_t i = 0; i < router->count; i++) route_free(&router->routes[i]);
    free(router->routes);
    free(router);
}

/* Split a pattern into segments. -EINVAL for a malformed one. */
static int parse_pattern(const char *pattern, segment **out, size_t *n) {
    *out = NULL;
    *n = 0;
    if (!pattern || pattern[0] != '/') return -EINVAL;
    size_t cap = 1;
    for (const char *c = pattern; *c; c++) cap += *c == '/';
    segment *segs = calloc(cap, sizeof *segs);
    if (!segs) return -ENOMEM;
    size_t count = 0;
    const char *p = pattern + 1;
    int rc = 0;
    while (*p) {
        size_t len = strcspn(p, "/");
        segment *s = &segs[count];
        if (len == 0) { rc = -EINVAL; break; }            /* "//" or a trailing '/' */
        if (p[0] == '{') {
            if (p[len - 1] != '}' || len < 3) { rc = -EINVAL; break; }
            const char *colon = memchr(p, ':', len);
            size_t name_len = colon ? (size_t)(colon - p - 1) : len - 2;
            if (name_len == 0) { rc = -EINVAL; break; }
            s->kind = SEG_STR;
            if (colon) {
                size_t tlen = (size_t)(p + len - 1 - colon - 1);
                if (tlen == 3 && memcmp(colon + 1, "int", 3) == 0) s->kind = SEG_INT;
                else if (tlen == 3 && memcmp(colon + 1, "str", 3) == 0) s->kind = SEG_STR;
                else { rc = -EINVAL; break; }
            }
            s->text = strndup(p + 1, name_len);
        } else {
            if (memchr(p, '{', len) || memchr(p, '}', len)) { rc = -EINVAL; break; }
            s->kind = SEG_LITERAL;
            s->text = strndup(p, len);
        }
        if (!s->text) { rc = -ENOMEM; break; }
        count++;
        p += len;
        if (*p == '/') p++;
        if (*p == 0 && p[-1] == '/') { rc = -EINVAL; break; }
    }
    if (rc < 0) {
        for (size_t i = 0; i < count; i++) free(segs[i].text);
        free(segs);
        return rc;
    }
    *out = segs;
    *n = count;
    return 0;
}

static int is_token(const char *m) {
    if (!*m || strlen(m) >= 16) return 0;
    for (; *m; m++)
        if (!isupper((unsigned char)*m)) return 0;
    return 1;
}

/* Recompute Allow for every route sharing `pattern`: "GET, HEAD, POST". */
static int update_allow(al_http_router *r, const char *pattern) {
    size_t len = 0;
    int get = 0, head = 0;
    for (size_t i = 0; i < r->count; i++) {
        if (strcmp(r->routes[i].pattern, pattern) != 0) continue;
        len += strlen(r->routes[i].method) + 2;
        get |= strcmp(r->routes[i].method, "GET") == 0;
        head |= strcmp(r->routes[i].method, "HEAD") == 0;
    }
    char *allow = malloc(len + 8);
    if (!allow) return -ENOMEM;
    allow[0] = 0;
    for (size_t i = 0; i < r->count; i++) {
        if (strcmp(r->routes[i].pattern, pattern) != 0) continue;
        if (allow[0]) strcat(allow, ", ");
        strcat(allow, r->routes[i].method);
        if (get && !head && strcmp(r->routes[i].method, "GET") == 0) {
            strcat(allow, ", HEAD");
            head = 1;
        }
    }
    for (size_t i = 0; i < r->count; i++) {
        if (strcmp(r->routes[i].pattern, pattern) != 0) continue;
        free(r->routes[i].allow);
        r->routes[i].allow = NULL;
    }
    /* One copy per route keeps freeing simple. */
    for (size_t i = 0; i < r->count; i++) {
        if (strcmp(r->routes[i].pattern, pattern) != 0) continue;
        r->routes[i].allow = strdup(allow);
        if (!r->routes[i].allow) {
            free(allow);
            return -ENOMEM;
        }
    }
    free(allow);
    return 0;
}

int al_http_route_named(al_http_router *r, const char *method, const char *pattern,
                        al_http_handler handler, int flags, const char *task_name) {
    if (!r || !method || !is_token(method) || !handler ||
        (flags != AL_HTTP_TASK && flags != AL_HTTP_INLINE))
        return -EINVAL;
    route rt = {0};
    int rc = parse_pattern(pattern, &rt.segs, &rt.nsegs);
    if (rc < 0) return rc;
    rt.pattern = strdup(pattern);
    if (!rt.pattern) {
        route_free(&rt);
        return -ENOMEM;
    }
    strcpy(rt.method, method);
    rt.handler = handler;
    rt.flags = flags;
    /* The lane name on the timeline ("GET /items/{item_id:int}"), cut the
     * way every task name is. */
    char name[1024];
    if (task_name) snprintf(name, sizeof name, "%s", task_name);
    else snprintf(name, sizeof name, "%s %s", method, pattern);
    al_task_name_fit(rt.task_name, sizeof rt.task_name, name);
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        route *routes = realloc(r->routes, cap * sizeof *routes);
        if (!routes) {
            route_free(&rt);
            return -ENOMEM;
        }
        r->routes = routes;
        r->cap = cap;
    }
    r->routes[r->count++] = rt;
    rc = update_allow(r, rt.pattern);
    if (rc < 0) {
        route_free(&r->routes[--r->count]);
        return rc;
    }
    return 0;
}

int al_http_route(al_http_router *r, const char *method, const char *pattern,
                  al_http_handler handler, int flags) {
    return al_http_route_named(r, method, pattern, handler, flags, NULL);
}

/* ---- matching ------------------------------------------------------------- */

/* Does path have the shape of rt's pattern? (literals equal, one segment
 * per parameter). */
static int path_matches(const route *rt, const char *path) {
    const char *p = path;
    if (*p != '/') return 0;
    p++;
    if (rt->nsegs == 0) return *p == 0;
    for (size_t i = 0; i < rt->nsegs; i++) {
        size_t len = strcspn(p, "/");
        if (len == 0) return 0;
        if (rt->segs[i].kind == SEG_LITERAL &&
            (strlen(rt->segs[i].text) != len || memcmp(rt->segs[i].text, p, len) != 0))
            return 0;
        p += len;
        if (i + 1 < rt->nsegs) {
            if (*p != '/') return 0;
            p++;
        }
    }
    return *p == 0;
}

/* pydantic 1's int: optional sign, digits, nothing else, fits a long long. */
static int valid_int(const char *s, size_t len) {
    size_t i = 0;
    if (i < len && (s[i] == '+' || s[i] == '-')) i++;
    if (i == len) return 0;
    unsigned long long v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        if (v > (ULLONG_MAX - 9) / 10) return 0;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    return v <= (unsigned long long)LLONG_MAX;
}

static int method_matches(const route *rt, const char *method) {
    if (strcmp(rt->method, method) == 0) return 1;
    return strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0;
}

int al_http_router_match(const al_http_router *r, const char *method, const char *path,
                         al_http_param *params, size_t max_params, char *scratch, size_t size,
                         al_http_route_match *m) {
    memset(m, 0, sizeof *m);
    m->status = 404;
    const route *partial = NULL;
    for (size_t i = 0; i < r->count; i++) {
        const route *rt = &r->routes[i];
        if (!path_matches(rt, path)) continue;
        if (!method_matches(rt, method)) {
            if (!partial) partial = rt;
            continue;
        }
        /* Matched: copy the parameters out and check their types. */
        const char *p = path + 1;
        size_t used = 0, np = 0;
        for (size_t s = 0; s < rt->nsegs; s++) {
            size_t len = strcspn(p, "/");
            if (rt->segs[s].kind != SEG_LITERAL) {
                if (rt->segs[s].kind == SEG_INT && !valid_int(p, len)) {
                    m->status = 422;
                    m->bad_param = rt->segs[s].text;
                    return 0;
                }
                if (np == max_params || used + len + 1 > size) return -ENOSPC;
                memcpy(scratch + used, p, len);
                scratch[used + len] = 0;
                params[np].name = rt->segs[s].text;
                params[np].value = scratch + used;
                np++;
                used += len + 1;
            }
            p += len + (p[len] == '/');
        }
        m->status = 0;
        m->handler = rt->handler;
        m->flags = rt->flags;
        m->task_name = rt->task_name;
        m->param_count = np;
        return 0;
    }
    if (partial) {
        m->status = 405;
        m->allow = partial->allow;
    }
    return 0;
}

int al_http_respond_route_error(al_http_response *res, const al_http_route_match *m) {
    switch (m->status) {
    case 405: {
        int rc = al_http_respond_error(res, 405, "Method Not Allowed");
        if (rc == 0 && m->allow) al_http_response_add_header(res, "Allow", m->allow);
        return rc;
    }
    case 422:
        return al_http_respond_invalid(res, "path", m->bad_param, "value is not a valid integer",
                                       "type_error.integer");
    case 404:
        return al_http_respond_error(res, 404, "Not Found");
    default:
        return al_http_respond_error(res, 500, "Internal Server Error");
    }
}
