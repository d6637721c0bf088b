/* app.c — lesson 6: the article's FastAPI endpoints as C handlers.
 *
 * Each handler gets the request and fills in the response, as a FastAPI path
 * operation gets its parameters and returns a dict. The ones registered
 * AL_HTTP_TASK run as fiber tasks, so an await is a plain call that returns
 * when the wait is over: al_sleep() is `await asyncio.sleep()`, al_http_get()
 * is `await client.get()`. The ones registered AL_HTTP_INLINE never await
 * and run right in the read callback (http_router.h says why that matters).
 *
 *   GET /                  {"Hello": "World"}                 Example 1
 *   GET /items/{item_id}   FastAPI's tutorial: a typed path parameter
 *   GET /external-api      an awaited outbound GET            Example 2
 *   GET /sleep?s=1         await a sleep, then answer         the aiohttp handler
 *   GET /blocking?s=1      a blocking sleep: the whole loop stalls
 *   GET /offload?s=1       the same blocking call on a thread pool: no stall
 */
#include <cjson/cJSON.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "asynclab/error.h"
#include "asynclab/task.h"

/* ---- Example 1 --------------------------------------------------------------
 *   @app.get("/")
 *   async def read_root():
 *       return {"Hello": "World"}
 * The answer never changes, so it is a constant: no JSON library, no copy. */
static int read_root(al_http_request *req, al_http_response *res) {
    (void)req;
    static const char hello[] = "{\"Hello\": \"World\"}";
    return al_http_respond_static(res, 200, "application/json", hello, sizeof hello - 1);
}

/* ---- a typed path parameter ---------------------------------------------------
 *   @app.get("/items/{item_id}")
 *   async def read_item(item_id: int, q: str | None = None):
 *       return {"item_id": item_id, "q": q}
 * The router checked that item_id is an integer ("{item_id:int}"), or
 * answered 422 for us. */
static int read_item(al_http_request *req, al_http_response *res) {
    long long item_id = strtoll(al_http_param_get(req, "item_id"), NULL, 10);
    char q[256];
    cJSON *out = cJSON_CreateObject();
    cJSON_AddNumberToObject(out, "item_id", (double)item_id);
    if (al_http_query_get(req, "q", q, sizeof q) >= 0) cJSON_AddStringToObject(out, "q", q);
    else cJSON_AddNullToObject(out, "q");
    return al_http_respond_json(res, 200, out);
}

/* ?s=SECONDS, a number from 0 to 60 (default 1), or a 422 like pydantic's. */
static int seconds_param(al_http_request *req, al_http_response *res, double *s) {
    char text[64];
    *s = 1.0;
    int n = al_http_query_get(req, "s", text, sizeof text);
    if (n == -ENOENT) return 0;
    char *end = text;
    if (n > 0) *s = strtod(text, &end);
    if (n <= 0 || *end || *s != *s) {
        al_http_respond_invalid(res, "query", "s", "value is not a valid float", "type_error.float");
        return -1;
    }
    if (*s < 0 || *s > 60) {
        al_http_respond_invalid(res, "query", "s", "ensure this value is between 0 and 60",
                                "value_error.number.not_in_range");
        return -1;
    }
    return 0;
}

static int answer_seconds(al_http_response *res, const char *key, double s) {
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "Hello", "World");
    cJSON_AddNumberToObject(out, key, s);
    return al_http_respond_json(res, 200, out);
}

/* ---- the aiohttp handler -------------------------------------------------------
 *   async def index(request):
 *       await asyncio.sleep(1)
 *       return web.Response(text='{"Hello": "World"}', ...)
 * The await gives the loop back: a thousand of these sleep at the same time. */
static int sleep_then_answer(al_http_request *req, al_http_response *res) {
    double s;
    if (seconds_param(req, res, &s) < 0) return 0;
    int rc = al_sleep((int64_t)(s * 1e6));
    if (rc < 0) return rc;                       /* -ECANCELED: the client left */
    return answer_seconds(res, "slept", s);
}

/* ---- blocking the loop, and the cure -------------------------------------------- */

static void blocking_sleep(void *arg) {
    double s = *(double *)arg;
    struct timespec t = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&t, &t) < 0 && errno == EINTR) {}
}

/* time.sleep(1) inside an async def: nothing else runs meanwhile, not even
 * GET /. A database driver that is not async does exactly this. */
static int blocking(al_http_request *req, al_http_response *res) {
    double s;
    if (seconds_param(req, res, &s) < 0) return 0;
    blocking_sleep(&s);
    return answer_seconds(res, "blocked", s);
}

/* await run_in_threadpool(time.sleep, 1): the blocking call runs on another
 * thread and this task awaits its end; the loop goes on serving. This is
 * what FastAPI does for a plain `def` endpoint, and the reason the article
 * says database I/O needs an async driver (or a thread pool) to not stall. */
static int offload(al_http_request *req, al_http_response *res) {
    double s;
    if (seconds_param(req, res, &s) < 0) return 0;
    int rc = app_run_in_threadpool(blocking_sleep, &s, sizeof s);
    if (rc < 0) return rc;
    return answer_seconds(res, "offloaded", s);
}

/* The hint about --upstream-demo is printed once per process: a server
 * under load would otherwise print it for every request. */
static int upstream_hint_given;

/* ---- Example 2 -------------------------------------------------------------------
 *   @app.get("/external-api")
 *   async def call_external_api():
 *       async with httpx.AsyncClient() as client:
 *           response = await client.get(url)
 *           if response.status_code != 200:
 *               raise HTTPException(status_code=response.status_code,
 *                                   detail="Failed to fetch data")
 *           return response.json()
 * httpx would raise on a timeout or a refused connection (FastAPI: 500); we
 * answer as a gateway does: 504 for the timeout, 502 for the rest. */
/* A failed upstream call, answered as a gateway does, naming the URL tried:
 * whoever reads the 502 should not have to guess where we went. Nothing
 * listening is what a newcomer meets first (no upstream started): the
 * server's log says, once, how to start the lesson's own. */
static int upstream_failed(al_http_response *res, const app_config *cfg, int rc) {
    char detail[1400];
    const char *what = rc == -ETIMEDOUT ? "Upstream timed out"
                     : rc == -EPROTO || rc == -EMSGSIZE ? "Upstream sent an invalid answer"
                     : "Upstream unreachable";
    char why[64] = "";
    if (rc == -ETIMEDOUT) snprintf(why, sizeof why, " (after %g s)", (double)cfg->upstream_timeout_us / 1e6);
    else if (rc != -EPROTO && rc != -EMSGSIZE) snprintf(why, sizeof why, " (%s)", al_strerror(rc));
    snprintf(detail, sizeof detail, "%s: GET http://%s%s%s", what, cfg->upstream.host,
             cfg->upstream.path, why);
    if (rc == -ECONNREFUSED && !upstream_hint_given) {
        upstream_hint_given = 1;
        fprintf(stderr, "%s: /external-api: nothing listens at http://%s%s; start the lesson's "
                "upstream in another terminal: asynclab serve --upstream-demo --port %u\n",
                cfg->prog ? cfg->prog : "json_server", cfg->upstream.host, cfg->upstream.path,
                (unsigned)ntohs(cfg->upstream.addr.sin_port));
    }
    return al_http_respond_error(res, rc == -ETIMEDOUT ? 504 : 502, detail);
}

static int call_external_api(al_http_request *req, al_http_response *res) {
    const app_config *cfg = req->app;
    al_http_client_response up;
    int rc = al_http_get(&cfg->upstream, cfg->upstream_timeout_us, &up);
    if (rc == -ECANCELED) return rc;
    if (rc < 0) return upstream_failed(res, cfg, rc);   /* 504 timed out, else 502 */
    if (up.status != 200) {
        /* Its status, as FastAPI's HTTPException would; one that is not
         * HTTP's (600 and up) says the upstream is broken: 502. */
        int status = up.status <= 599 ? up.status : 502;
        al_http_client_response_free(&up);
        return al_http_respond_error(res, status, "Failed to fetch data");
    }
    /* response.json(): it must be JSON; the bytes are passed on as they came. */
    cJSON *check = cJSON_ParseWithLength(up.body ? up.body : "", up.body_len);
    if (!check) {
        al_http_client_response_free(&up);
        return al_http_respond_error(res, 502, "Upstream sent invalid JSON");
    }
    cJSON_Delete(check);
    rc = al_http_respond_owned(res, 200, "application/json", up.body, up.body_len);
    up.body = NULL;
    return rc;
}

int app_add_routes(al_http_router *r) {
    int rc = 0;
    if (rc == 0) rc = al_http_route(r, "GET", "/", read_root, AL_HTTP_INLINE);
    if (rc == 0) rc = al_http_route(r, "GET", "/items/{item_id:int}", read_item, AL_HTTP_INLINE);
    if (rc == 0) rc = al_http_route(r, "GET", "/external-api", call_external_api, AL_HTTP_TASK);
    if (rc == 0) rc = al_http_route(r, "GET", "/sleep", sleep_then_answer, AL_HTTP_TASK);
    if (rc == 0) rc = al_http_route(r, "GET", "/blocking", blocking, AL_HTTP_TASK);
    if (rc == 0) rc = al_http_route(r, "GET", "/offload", offload, AL_HTTP_TASK);
    return rc;
}

/* ---- the stand-in upstream (--upstream-demo) -------------------------------------
 * The article's Example 2 calls a remote site; the lesson runs offline, so
 * this server plays that site: it answers after a delay, with a status, both
 * set by flags and overridable per request (?delay=S&status=N). */
static int upstream_demo(al_http_request *req, al_http_response *res) {
    const app_config *cfg = req->app;
    char text[32];
    int64_t delay = cfg->demo_delay_us;
    int status = cfg->demo_status;
    if (al_http_query_get(req, "delay", text, sizeof text) > 0) delay = (int64_t)(strtod(text, NULL) * 1e6);
    if (al_http_query_get(req, "status", text, sizeof text) > 0) status = atoi(text);
    if (status < 200 || status > 599) status = 500;
    if (delay > 0) {
        int rc = al_sleep(delay);
        if (rc < 0) return rc;
    }
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "source", "upstream-demo");
    cJSON_AddNumberToObject(out, "delay", (double)delay / 1e6);
    cJSON_AddNumberToObject(out, "request", (double)req->id);
    return al_http_respond_json(res, status, out);
}

int app_add_upstream_demo_routes(al_http_router *r) {
    int rc = al_http_route_named(r, "GET", "/", upstream_demo, AL_HTTP_TASK, "upstream");
    if (rc == 0) rc = al_http_route_named(r, "GET", "/data", upstream_demo, AL_HTTP_TASK, "upstream");
    return rc;
}
