/* fuzz_http_router.c — libFuzzer target: hostile request targets through what
 * turns them into a handler call: the target split (query, fragment), the
 * path's percent-decoding (core/http/src/http_parser.c), the router's match with
 * typed parameters (core/http/src/http_router.c), the 404/405/422 bodies, and
 * al_http_query_get (core/http/src/http_request.c).
 *
 * Input: byte 0 picks the method, byte 1 the room for parameters (scratch
 * size and count: small, so -ENOSPC is reachable), byte 2 the size of the
 * query buffer; the rest is the request target, e.g. "/items/42?q=a%20b".
 *
 * Invariants, checked with abort() so libFuzzer reports them:
 *   1. the match is one of 0 (with the handler of a route whose shape fits
 *      the path), 404, 405 (with an Allow naming a method), 422 (naming an
 *      int parameter), or -ENOSPC when the parameters did not fit;
 *   2. a match's parameters are as many as the route has, each a whole,
 *      non-empty segment of the path (no '/'), inside the scratch buffer, and
 *      an {x:int} one is an integer strtoll takes whole;
 *   3. every non-zero status answers with a JSON body that parses;
 *   4. al_http_query_get never writes past its buffer, always terminates it,
 *      and returns the decoded length, -ENOENT or -ENOSPC consistently.
 * AddressSanitizer catches reads past the target (it is copied into a buffer
 * of exactly its size).
 */
#define _GNU_SOURCE
#include "../../core/http/src/http_parser.c"
#include "../../core/http/src/http_percent.c"
#include "../../core/http/src/http_request.c"
#include "../../core/http/src/http_response.c"
#include "../../core/http/src/http_router.c"
#include "../../core/loop/src/task_name.c"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"

/* One handler per route, so a match says which route it was. */
static int h_root(al_http_request *q, al_http_response *r) { (void)q; (void)r; return 0; }
static int h_item(al_http_request *q, al_http_response *r) { (void)q; (void)r; return 0; }
static int h_post(al_http_request *q, al_http_response *r) { (void)q; (void)r; return 0; }
static int h_user_post(al_http_request *q, al_http_response *r) { (void)q; (void)r; return 0; }
static int h_three(al_http_request *q, al_http_response *r) { (void)q; (void)r; return 0; }
static int h_sleep(al_http_request *q, al_http_response *r) { (void)q; (void)r; return 0; }

static const struct {
    const char *method, *pattern;
    al_http_handler handler;
    int params;     /* how many {..} segments */
    int int_param;  /* index of the {x:int} one, -1 if none */
    int int_param2; /* a second one, -1 if none */
} routes[] = {
    {"GET", "/", h_root, 0, -1, -1},
    {"GET", "/items/{item_id:int}", h_item, 1, 0, -1},
    {"POST", "/items/{item_id:int}", h_post, 1, 0, -1},
    {"GET", "/users/{name}/posts/{post_id:int}", h_user_post, 2, 1, -1},
    {"DELETE", "/t/{a:int}/{b}/{c:int}", h_three, 3, 0, 2},
    {"GET", "/sleep", h_sleep, 0, -1, -1},
};
#define NROUTES (sizeof routes / sizeof routes[0])

static const char *methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};

static al_http_router *router;

static void build_router(void) {
    CHECK(al_http_router_new(&router) == 0);
    for (size_t i = 0; i < NROUTES; i++)
        CHECK(al_http_route(router, routes[i].method, routes[i].pattern, routes[i].handler,
                            AL_HTTP_INLINE) == 0);
}

static int is_int(const char *s) {
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    (void)v;
    return *s && *s != ' ' && *end == 0 && errno == 0;
}

static void check_error_body(const al_http_route_match *m) {
    al_http_response res = {0};
    int rc = al_http_respond_route_error(&res, m);
    CHECK(rc == 0 || rc == -ENOMEM);
    CHECK(res.status == m->status || rc == -ENOMEM);
    cJSON *j = cJSON_ParseWithLength(res.body, res.body_len);
    CHECK(j != NULL);
    CHECK(cJSON_GetObjectItemCaseSensitive(j, "detail") != NULL);
    cJSON_Delete(j);
    al_http_response_reset(&res);
}

static void check_match(const char *method, const char *path, size_t scratch_size,
                        size_t max_params) {
    char *scratch = malloc(scratch_size ? scratch_size : 1);
    al_http_param params[4];
    al_http_route_match m;
    int rc = al_http_router_match(router, method, path, params, max_params, scratch, scratch_size, &m);
    CHECK(rc == 0 || rc == -ENOSPC);
    if (rc == 0) {
        CHECK(m.status == 0 || m.status == 404 || m.status == 405 || m.status == 422);
        if (m.status == 0) {
            size_t r = 0;
            while (r < NROUTES && routes[r].handler != m.handler) r++;
            CHECK(r < NROUTES);
            CHECK(strcmp(method, routes[r].method) == 0 ||
                  (strcmp(method, "HEAD") == 0 && strcmp(routes[r].method, "GET") == 0));
            CHECK(m.param_count == (size_t)routes[r].params);
            for (size_t i = 0; i < m.param_count; i++) {
                const char *v = params[i].value;
                CHECK(v >= scratch && v < scratch + scratch_size);
                CHECK(v[0] != 0);
                CHECK(strchr(v, '/') == NULL);
                CHECK(strstr(path, v) != NULL);   /* a piece of the path, copied */
                if ((int)i == routes[r].int_param || (int)i == routes[r].int_param2) CHECK(is_int(v));
            }
        } else {
            if (m.status == 405) CHECK(m.allow != NULL && m.allow[0] != 0);
            if (m.status == 422) CHECK(m.bad_param != NULL);
            check_error_body(&m);
        }
    }
    free(scratch);
}

static void check_query(const char *query, size_t size) {
    static const char *names[] = {"s", "q", "delay", "status", "", "a b"};
    al_http_request req = {.query = query};
    char *buf = malloc(size);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        memset(buf, 'Z', size);
        int rc = al_http_query_get(&req, names[i], buf, size);
        if (rc >= 0) {
            CHECK((size_t)rc < size);
            CHECK(buf[rc] == 0);
        } else if (rc == -ENOSPC) {
            CHECK(buf[size - 1] == 0);
        } else {
            CHECK(rc == -ENOENT);
            CHECK(buf[0] == 0);
        }
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!router) build_router();
    if (size < 3) return 0;
    const char *method = methods[data[0] % (sizeof methods / sizeof methods[0])];
    size_t scratch_size = data[1] & 0x3f;            /* 0..63 bytes */
    size_t max_params = (data[1] >> 6) + 1;          /* 1..4 */
    size_t qsize = (data[2] & 0x1f) + 1;             /* 1..32 bytes */
    data += 3;
    size -= 3;

    /* The target as the parser hands it over: NUL-terminated, no NUL inside
     * (llhttp refuses those in a request line), in a buffer of exactly its
     * size so that ASan sees any read past the end. */
    size_t len = strnlen((const char *)data, size);
    char *url = malloc(len + 1);
    memcpy(url, data, len);
    url[len] = 0;

    /* The parser's split: query after '?', fragment cut, the path decoded. */
    al_http_request req = {0};
    if (http_target_split(url, &req) == 0) {
        CHECK(req.path[0] == '/');
        check_match(method, req.path, scratch_size, max_params);
    }
    check_query(req.query, qsize);   /* set before any failure */
    free(url);
    return 0;
}
