/* test_http_router.c — routing with FastAPI's conventions: 404, 405 + Allow,
 * 422 for a bad typed parameter, parameters copied out, order of routes. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <string.h>

#include "al_test.h"
#include "asynclab/http_router.h"

static int h_root(al_http_request *req, al_http_response *res) { (void)req; (void)res; return 0; }
static int h_item(al_http_request *req, al_http_response *res) { (void)req; (void)res; return 1; }
static int h_post(al_http_request *req, al_http_response *res) { (void)req; (void)res; return 2; }

static al_http_router *make(void) {
    al_http_router *r;
    AL_REQUIRE_INT(al_http_router_new(&r), ==, 0);
    AL_REQUIRE_INT(al_http_route(r, "GET", "/", h_root, AL_HTTP_INLINE), ==, 0);
    AL_REQUIRE_INT(al_http_route(r, "GET", "/items/{item_id:int}", h_item, AL_HTTP_INLINE), ==, 0);
    AL_REQUIRE_INT(al_http_route(r, "POST", "/items/{item_id:int}", h_post, AL_HTTP_TASK), ==, 0);
    AL_REQUIRE_INT(al_http_route(r, "GET", "/users/{name}/posts/{post}", h_item, AL_HTTP_TASK), ==, 0);
    return r;
}

static al_http_route_match match(al_http_router *r, const char *method, const char *path,
                                 al_http_param *params) {
    static char scratch[256];
    al_http_route_match m;
    AL_REQUIRE_INT(al_http_router_match(r, method, path, params, 8, scratch, sizeof scratch, &m), ==, 0);
    return m;
}

AL_TEST(literal_and_parameter_routes_match) {
    al_http_router *r = make();
    al_http_param p[8];
    al_http_route_match m = match(r, "GET", "/", p);
    AL_CHECK_INT(m.status, ==, 0);
    AL_CHECK(m.handler == h_root);
    AL_CHECK_INT(m.flags, ==, AL_HTTP_INLINE);
    m = match(r, "GET", "/items/42", p);
    AL_CHECK_INT(m.status, ==, 0);
    AL_CHECK(m.handler == h_item);
    AL_REQUIRE_INT(m.param_count, ==, 1);
    AL_CHECK_STR(p[0].name, "item_id");
    AL_CHECK_STR(p[0].value, "42");
    m = match(r, "POST", "/items/-7", p);
    AL_CHECK(m.handler == h_post);
    AL_CHECK_STR(m.task_name, "POST /items/{item_id:int}");   /* whole: route tasks are fibers */
    m = match(r, "GET", "/users/ann/posts/7", p);
    AL_REQUIRE_INT(m.param_count, ==, 2);
    AL_CHECK_STR(p[0].value, "ann");
    AL_CHECK_STR(p[1].value, "7");
    al_http_router_free(r);
}

AL_TEST(unknown_paths_are_404) {
    al_http_router *r = make();
    al_http_param p[8];
    const char *paths[] = {"/nope", "/items", "/items/", "/items/1/2", "//", "/users/a/posts"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
        AL_CHECK_MSG(match(r, "GET", paths[i], p).status == 404, "%s should be 404", paths[i]);
    al_http_router_free(r);
}

AL_TEST(a_path_known_for_other_methods_is_405_with_allow) {
    al_http_router *r = make();
    al_http_param p[8];
    al_http_route_match m = match(r, "DELETE", "/items/1", p);
    AL_CHECK_INT(m.status, ==, 405);
    AL_CHECK_STR(m.allow, "GET, HEAD, POST");
    m = match(r, "POST", "/", p);
    AL_CHECK_INT(m.status, ==, 405);
    AL_CHECK_STR(m.allow, "GET, HEAD");
    /* HEAD is served by GET routes, as in Starlette */
    AL_CHECK_INT(match(r, "HEAD", "/", p).status, ==, 0);
    al_http_response res = {0};
    AL_CHECK_INT(al_http_respond_route_error(&res, &m), ==, 0);
    AL_CHECK_INT(res.status, ==, 405);
    AL_CHECK_STR(res.body, "{\"detail\":\"Method Not Allowed\"}");
    AL_CHECK_STR(res.extra[0].name, "Allow");
    al_http_response_reset(&res);
    al_http_router_free(r);
}

AL_TEST(a_bad_integer_is_422_with_pydantic_detail) {
    al_http_router *r = make();
    al_http_param p[8];
    const char *bad[] = {"/items/x", "/items/4.0", "/items/99999999999999999999", "/items/+", "/items/1x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        al_http_route_match m = match(r, "GET", bad[i], p);
        AL_CHECK_MSG(m.status == 422, "%s should be 422, got %d", bad[i], m.status);
    }
    al_http_route_match m = match(r, "GET", "/items/x", p);
    al_http_response res = {0};
    al_http_respond_route_error(&res, &m);
    AL_CHECK_INT(res.status, ==, 422);
    AL_CHECK_STR(res.body, "{\"detail\":[{\"loc\":[\"path\",\"item_id\"],"
                           "\"msg\":\"value is not a valid integer\",\"type\":\"type_error.integer\"}]}");
    al_http_response_reset(&res);
    AL_CHECK_INT(match(r, "GET", "/items/+5", p).status, ==, 0);
    al_http_router_free(r);
}

AL_TEST(malformed_patterns_are_refused) {
    al_http_router *r;
    AL_REQUIRE_INT(al_http_router_new(&r), ==, 0);
    const char *bad[] = {"", "items", "/a//b", "/a/", "/{}", "/{x", "/{x:float}", "/a{x}", "/{:int}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        AL_CHECK_MSG(al_http_route(r, "GET", bad[i], h_root, 0) == -EINVAL, "pattern '%s'", bad[i]);
    AL_CHECK_INT(al_http_route(r, "get", "/", h_root, 0), ==, -EINVAL);
    AL_CHECK_INT(al_http_route(r, "GET", "/", NULL, 0), ==, -EINVAL);
    AL_CHECK_INT(al_http_route(r, "GET", "/", h_root, 7), ==, -EINVAL);
    al_http_router_free(r);
}

AL_TEST(too_many_parameter_bytes_is_enospc) {
    al_http_router *r = make();
    al_http_param p[8];
    char scratch[4];
    al_http_route_match m;
    AL_CHECK_INT(al_http_router_match(r, "GET", "/users/longname/posts/1", p, 8, scratch, sizeof scratch, &m),
                 ==, -ENOSPC);
    al_http_router_free(r);
}

AL_TEST(respond_helpers_make_fastapi_bodies) {
    al_http_response res = {0};
    AL_CHECK_INT(al_http_respond_error(&res, 404, "Not \"Found\""), ==, 0);
    AL_CHECK_STR(res.body, "{\"detail\":\"Not \\\"Found\\\"\"}");
    AL_CHECK_STR(res.content_type, "application/json");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "item_id", 42);
    cJSON_AddNullToObject(o, "q");
    AL_CHECK_INT(al_http_respond_json(&res, 200, o), ==, 0);
    AL_CHECK_STR(res.body, "{\"item_id\":42,\"q\":null}");
    AL_CHECK_INT(al_http_respond_static(&res, 99, NULL, NULL, 0), ==, -EINVAL);
    /* 1xx are interim answers: never a handler's final one */
    AL_CHECK_INT(al_http_respond_error(&res, 100, "x"), ==, -EINVAL);
    AL_CHECK_INT(al_http_respond_static(&res, 199, NULL, NULL, 0), ==, -EINVAL);
    AL_CHECK_INT(al_http_respond_static(&res, 200, NULL, NULL, 0), ==, 0);
    al_http_response_reset(&res);
    AL_CHECK_STR(al_http_status_reason(504), "Gateway Timeout");
    AL_CHECK_STR(al_http_status_reason(799), "Unknown");
}
