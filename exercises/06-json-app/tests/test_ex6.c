/* test_ex6.c — the visible tests of exercise 6 (the JSON app's handlers).
 *
 * The student's handlers run in a real server (the core's al_http_server,
 * in a child process, on a port the kernel picks; the child writes the port
 * on a pipe once it listens: that is the ready signal). /external-api talks
 * to a fake upstream, another child, that answers well, answers an error,
 * answers something that is not JSON, or never answers at all. */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "al_kit.h"
#include "al_test.h"
#include "ex6_probe.h"

#define WAIT_MS 3000

/* ---- the app, in the subject (probe_ex6.c) ----------------------------------- */

typedef struct app {
    pid_t pid;
    uint16_t port;
} app;

/* The app runs until the test ends (the grader stops every process of the
 * test); it says its port on the channel once it listens. */
static void app_start(app *a, const char *upstream, int64_t timeout_us) {
    ex6_app_in in;
    memset(&in, 0, sizeof in);
    snprintf(in.upstream, sizeof in.upstream, "%s", upstream);
    in.timeout_us = timeout_us;
    a->pid = al_kit_server_start("app", -1, &in, sizeof in);
    AL_REQUIRE_MSG(a->pid > 0, "the judge could not start the app: %s", strerror(-a->pid));
    int chan = al_kit_server_chan(a->pid);
    AL_REQUIRE_MSG(al_kit_readable(chan, al_kit_time_left(5000)), "the app server did not start "
                   "within 5 s");
    AL_REQUIRE_MSG(read(chan, &a->port, sizeof a->port) == sizeof a->port && a->port != 0,
                   "the app server did not start (it exited before listening)");
}

/* GET path; the parsed JSON body (caller deletes), or NULL after a check
 * failure. */
static cJSON *get_json(const app *a, const char *path, int want_status) {
    char req[512];
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", path);
    al_kit_bytes raw = {0};
    al_kit_reply r;
    int rc = al_kit_request(a->port, req, &raw, &r, WAIT_MS);
    cJSON *json = NULL;
    if (rc != 0) {
        AL_CHECK_MSG(0, "GET %s: %s", path, r.error);
    } else if (r.status != want_status) {
        AL_CHECK_MSG(0, "GET %s: expected status %d, got %d with body %.*s", path, want_status,
                     r.status, (int)(r.body_len > 200 ? 200 : r.body_len), r.body);
    } else if (!(json = cJSON_ParseWithLength(r.body, r.body_len))) {
        AL_CHECK_MSG(0, "GET %s: the body is not JSON: %.*s", path, (int)(r.body_len > 200 ? 200 : r.body_len),
                     r.body);
    } else {
        AL_CHECK_MSG(strncmp(r.content_type, "application/json", 16) == 0,
                     "GET %s: expected Content-Type application/json, got \"%s\"", path, r.content_type);
    }
    al_kit_bytes_free(&raw);
    return json;
}

static void check_detail(const app *a, const char *path, int status, const char *detail) {
    cJSON *j = get_json(a, path, status);
    if (!j) return;
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "detail");
    AL_CHECK_MSG(cJSON_IsString(d) && strcmp(d->valuestring, detail) == 0,
                 "GET %s: expected {\"detail\": \"%s\"}, got detail %s", path, detail,
                 cJSON_IsString(d) ? d->valuestring : "(missing or not a string)");
    cJSON_Delete(j);
}

/* ---- the fake upstream --------------------------------------------------------- */

/* UP_HOLD: answers as UP_OK, but only once the test released it (a byte on
 * the release pipe); from then on at once. */
enum upstream_mode { UP_OK, UP_STATUS, UP_HANG, UP_NOT_JSON, UP_HOLD };
#define UPSTREAM_JSON "{\"source\": \"fake upstream\", \"items\": [1, 2, 3]}"

/* Serves forever in a child. Each request it has read is announced with a
 * byte on notify_fd (if >= 0), so a test knows the handler is waiting. */
static void upstream_main(int lfd, int mode, int status, int notify_fd, int release_fd) {
    char released;
    for (;;) {
        int c = accept(lfd, NULL, NULL);
        if (c < 0) continue;
        al_kit_bytes head = {0};
        while (!memmem(head.data ? head.data : "", head.len, "\r\n\r\n", 4)) {
            if (al_kit_read_some(c, &head, 1, 10000) != 1) break;
        }
        al_kit_bytes_free(&head);
        if (notify_fd >= 0 && write(notify_fd, "r", 1) != 1) _exit(1);
        if (mode == UP_HANG) continue;   /* never answer; keep the connection open */
        if (mode == UP_HOLD && release_fd >= 0) {
            if (read(release_fd, &released, 1) != 1) _exit(1);   /* the test ended */
            close(release_fd);
            release_fd = -1;
        }
        const char *body = mode == UP_NOT_JSON ? "this is not JSON" : UPSTREAM_JSON;
        int code = mode == UP_STATUS ? status : 200;
        char out[512];
        snprintf(out, sizeof out, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
                 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", code, strlen(body), body);
        al_kit_send_str(c, out);
        close(c);
    }
}

static void upstream_start(int mode, int status, char *url, size_t size, int *notify, int *release) {
    uint16_t port;
    int lfd = al_kit_listen(&port);
    AL_REQUIRE(lfd >= 0);
    int p[2] = {-1, -1}, r[2] = {-1, -1};
    if (notify) AL_REQUIRE_INT(pipe(p), ==, 0);
    if (release) AL_REQUIRE_INT(pipe(r), ==, 0);
    pid_t pid = fork();
    AL_REQUIRE(pid >= 0);
    if (pid == 0) {
        if (p[0] >= 0) close(p[0]);
        if (r[1] >= 0) close(r[1]);
        upstream_main(lfd, mode, status, p[1], r[0]);
    }
    close(lfd);
    if (notify) {
        close(p[1]);
        *notify = p[0];
    }
    if (release) {
        close(r[0]);
        *release = r[1];
    }
    snprintf(url, size, "http://127.0.0.1:%u/data", port);
}

/* The app (timeout_us for its upstream calls) in front of an upstream that
 * answers as `mode` says; notify and release as upstream_start's. */
static void app_behind(app *a, int mode, int status, int64_t timeout_us, int *notify, int *release) {
    char url[96];
    upstream_start(mode, status, url, sizeof url, notify, release);
    app_start(a, url, timeout_us);
}

/* ... and GET /external-api then gets `want` with {"detail": detail}. */
static void check_external(int mode, int status, int64_t timeout_us, int want, const char *detail) {
    app a;
    app_behind(&a, mode, status, timeout_us, NULL, NULL);
    check_detail(&a, "/external-api", want, detail);
}

/* ---- /items/{item_id} ---------------------------------------------------------- */

AL_TEST(item_found) {
    app a;
    app_start(&a, "http://127.0.0.1:9/", 1000000);
    cJSON *j = get_json(&a, "/items/3", 200);
    if (j) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "item_id");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(j, "name");
        const cJSON *price = cJSON_GetObjectItemCaseSensitive(j, "price");
        const cJSON *q = cJSON_GetObjectItemCaseSensitive(j, "q");
        AL_CHECK_MSG(cJSON_IsNumber(id) && id->valuedouble == 3, "GET /items/3: expected \"item_id\": 3");
        AL_CHECK_MSG(cJSON_IsString(name) && strcmp(name->valuestring, "Hammer") == 0,
                     "GET /items/3: expected \"name\": \"Hammer\", got %s",
                     cJSON_IsString(name) ? name->valuestring : "(missing)");
        AL_CHECK_MSG(cJSON_IsNumber(price) && price->valuedouble == 9.5, "GET /items/3: expected \"price\": 9.5");
        AL_CHECK_MSG(cJSON_IsNull(q), "GET /items/3 without ?q=: expected \"q\": null");
        cJSON_Delete(j);
    }
    j = get_json(&a, "/items/42?q=hello%20world", 200);
    if (j) {
        const cJSON *q = cJSON_GetObjectItemCaseSensitive(j, "q");
        AL_CHECK_MSG(cJSON_IsString(q) && strcmp(q->valuestring, "hello world") == 0,
                     "GET /items/42?q=hello%%20world: expected \"q\": \"hello world\", got %s",
                     cJSON_IsString(q) ? q->valuestring : "(missing or not a string)");
        cJSON_Delete(j);
    }
}

AL_TEST(item_not_found) {
    app a;
    app_start(&a, "http://127.0.0.1:9/", 1000000);
    check_detail(&a, "/items/999", 404, "Item not found");
    check_detail(&a, "/items/-1", 404, "Item not found");
    check_detail(&a, "/items/0", 404, "Item not found");
}

AL_TEST(item_not_integer) {
    app a;
    app_start(&a, "http://127.0.0.1:9/", 1000000);
    static const char *const bad[] = {"/items/abc", "/items/1.5", "/items/12x",
                                      "/items/99999999999999999999"};
    for (int i = 0; i < 4; i++) {
        cJSON *j = get_json(&a, bad[i], 422);
        if (!j) continue;
        const cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "detail"), 0);
        const cJSON *loc = cJSON_GetObjectItemCaseSensitive(d, "loc");
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(d, "msg");
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(d, "type");
        int loc_ok = cJSON_GetArraySize(loc) == 2 && cJSON_IsString(cJSON_GetArrayItem(loc, 0)) &&
                     strcmp(cJSON_GetArrayItem(loc, 0)->valuestring, "path") == 0 &&
                     cJSON_IsString(cJSON_GetArrayItem(loc, 1)) &&
                     strcmp(cJSON_GetArrayItem(loc, 1)->valuestring, "item_id") == 0;
        AL_CHECK_MSG(loc_ok, "GET %s: expected detail[0].loc == [\"path\", \"item_id\"]", bad[i]);
        AL_CHECK_MSG(cJSON_IsString(msg) && strcmp(msg->valuestring, "value is not a valid integer") == 0,
                     "GET %s: expected detail[0].msg \"value is not a valid integer\"", bad[i]);
        AL_CHECK_MSG(cJSON_IsString(type) && strcmp(type->valuestring, "type_error.integer") == 0,
                     "GET %s: expected detail[0].type \"type_error.integer\"", bad[i]);
        cJSON_Delete(j);
    }
}

/* ---- /external-api ------------------------------------------------------------- */

AL_TEST(external_ok) {
    app a;
    app_behind(&a, UP_OK, 200, 2000000, NULL, NULL);
    cJSON *j = get_json(&a, "/external-api", 200);
    cJSON *want = cJSON_Parse(UPSTREAM_JSON);
    if (j) AL_CHECK_MSG(cJSON_Compare(j, want, 1), "GET /external-api: expected the upstream's JSON, "
                        "%s", UPSTREAM_JSON);
    cJSON_Delete(j);
    cJSON_Delete(want);
}

AL_TEST(external_error_status) {
    check_external(UP_STATUS, 503, 2000000, 503, "Failed to fetch data");
    check_external(UP_STATUS, 404, 2000000, 404, "Failed to fetch data");
}

AL_TEST(external_timeout) {
    check_external(UP_HANG, 0, 300000, 504, "Upstream timed out");
}

AL_TEST(external_unreachable) {
    uint16_t port;
    int lfd = al_kit_listen(&port);   /* a port that was free a moment ago... */
    AL_REQUIRE(lfd >= 0);
    close(lfd);                       /* ...and has nobody listening now */
    char url[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/data", port);
    app a;
    app_start(&a, url, 2000000);
    check_detail(&a, "/external-api", 502, "Upstream unreachable");
}

AL_TEST(external_invalid_json) {
    check_external(UP_NOT_JSON, 200, 2000000, 502, "Upstream sent invalid JSON");
}

/* While the upstream holds /external-api's call (until the test releases
 * it), GET /items/1 must be answered: by order, not by a clock. The app's
 * own timeout (8 s) is only there so that a loop blocked on the upstream
 * ends before the test does. */
AL_TEST(external_does_not_block) {
    int notify = -1, release = -1;
    app a;
    app_behind(&a, UP_HOLD, 0, 8000000, &notify, &release);
    int slow = al_kit_connect(a.port);
    AL_REQUIRE(slow >= 0);
    al_kit_send_str(slow, "GET /external-api HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    /* Once the upstream has the request, the handler is waiting on it. */
    AL_REQUIRE_MSG(al_kit_readable(notify, WAIT_MS), "the upstream never received a request from "
                   "/external-api");
    al_kit_bytes raw = {0};
    al_kit_reply r;
    int rc = al_kit_request(a.port, "GET /items/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                            &raw, &r, 5000);
    AL_CHECK_MSG(rc == 0 && r.status == 200, "GET /items/1 got no answer (%s) while /external-api "
                 "waited for its upstream: waiting for the upstream blocked the loop (await with "
                 "al_http_get)", rc != 0 ? r.error : "a status other than 200");
    al_kit_bytes_free(&raw);
    AL_CHECK_MSG(!al_kit_readable(slow, 0), "/external-api was answered while its upstream had not "
                 "answered yet");
    AL_REQUIRE_INT(write(release, "go", 1), ==, 1);   /* the upstream answers now */
    close(release);
    al_kit_bytes got = {0};
    rc = al_kit_read_all(slow, &got, WAIT_MS);
    memset(&r, 0, sizeof r);
    if (rc == 0) rc = al_kit_reply_parse(got.data, got.len, &r);
    AL_CHECK_MSG(rc == 0, "the waiting /external-api: expected an answer once the upstream "
                 "answered, got none (%s)", rc == -ETIMEDOUT ? "still waiting"
                 : r.error[0] ? r.error : strerror(-rc));
    al_kit_bytes_free(&got);
    close(slow);
}

/* ---- hidden twins: the same checks on inputs drawn at run time ------------- */

/* The given items (items.c), as the judge knows them. */
static const struct { long id; const char *name; double price; } items[] = {
    {1, "Keyboard", 49.5}, {2, "Mouse", 19.0}, {3, "Hammer", 9.5}, {42, "Towel", 4.2}};

AL_TEST(item_found_twin) {
    app a;
    app_start(&a, "http://127.0.0.1:9/", 1000000);
    for (int k = 0; k < 2; k++) {
        int i = (int)al_kit_rand(0, 3);
        char q[32] = "", path[96];
        for (long n = 0, len = al_kit_rand(1, 12); n < len; n++) q[n] = (char)al_kit_rand('a', 'z');
        snprintf(path, sizeof path, "/items/%ld?q=%s%%20%ld", items[i].id, q, al_kit_rand(0, 99));
        cJSON *j = get_json(&a, path, 200);
        if (!j) continue;
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "item_id");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(j, "name");
        const cJSON *price = cJSON_GetObjectItemCaseSensitive(j, "price");
        const cJSON *qq = cJSON_GetObjectItemCaseSensitive(j, "q");
        char want_q[64];
        snprintf(want_q, sizeof want_q, "%s %s", q, strstr(path, "%20") + 3);
        AL_CHECK_MSG(cJSON_IsNumber(id) && id->valuedouble == (double)items[i].id &&
                     cJSON_IsString(name) && strcmp(name->valuestring, items[i].name) == 0 &&
                     cJSON_IsNumber(price) && price->valuedouble == items[i].price,
                     "GET %s: expected item %ld, \"%s\", %.1f", path, items[i].id, items[i].name,
                     items[i].price);
        AL_CHECK_MSG(cJSON_IsString(qq) && strcmp(qq->valuestring, want_q) == 0, "GET %s: expected "
                     "\"q\": \"%s\", got %s", path, want_q, cJSON_IsString(qq) ? qq->valuestring : "(not a string)");
        cJSON_Delete(j);
    }
}

AL_TEST(item_not_found_twin) {
    app a;
    app_start(&a, "http://127.0.0.1:9/", 1000000);
    for (int k = 0; k < 3; k++) {
        long id;
        do id = al_kit_rand(-100000, 100000);
        while (id == 1 || id == 2 || id == 3 || id == 42);
        char path[64];
        snprintf(path, sizeof path, "/items/%ld", id);
        check_detail(&a, path, 404, "Item not found");
    }
}

AL_TEST(external_error_status_twin) {
    /* Not 404 and 503 (the visible test's), nor 500 or 502 (what a handler
     * that gives up says): the upstream's own status must come through. */
    static const int codes[] = {400, 401, 403, 409, 410, 429, 501};
    int code = codes[al_kit_rand(0, 6)];
    check_external(UP_STATUS, code, 2000000, code, "Failed to fetch data");
}
