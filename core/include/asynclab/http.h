/* asynclab/http.h — an HTTP/1.1 request and its response, as a handler sees them.
 *
 * This is the part of the HTTP layer an application touches: a handler gets
 * a parsed request and fills in a response, like a FastAPI path operation
 * gets its parameters and returns a dict. The router (http_router.h) picks
 * the handler, the server (http_server.h) owns sockets, limits and timers,
 * and the connection state machine (http_conn.h) turns bytes into requests
 * and responses into bytes.
 *
 *   static int read_item(al_http_request *req, al_http_response *res) {
 *       cJSON *out = cJSON_CreateObject();
 *       cJSON_AddNumberToObject(out, "item_id", atof(al_http_param(req, "item_id")));
 *       return al_http_respond_json(res, 200, out);        // takes `out`
 *   }
 *
 * Contract
 *   Lifetime   every string of a request (method, path, query, header names
 *              and values, parameters, body) lives in the connection's
 *              buffers and is valid until the handler's response has been
 *              handed back: copy what you keep longer. They are
 *              NUL-terminated; the body is also NUL-terminated (not counted
 *              in body_len) so that text bodies can be parsed in place.
 *   Response   a handler returns 0 after one of the al_http_respond*()
 *              calls, or a negative errno: the client then gets 500
 *              {"detail": "Internal Server Error"} (-ECANCELED: the client
 *              is gone and gets nothing). A handler that returns 0 without
 *              responding is a bug answered the same way.
 *   Bodies     al_http_respond_static() keeps a pointer (use it for string
 *              literals: no copy, no allocation); the others copy or own
 *              what they are given, and the connection frees it after the
 *              bytes are written.
 *   Errors     the respond functions return 0, -EINVAL (a status outside
 *              200-999: 1xx are interim, the connection's own business; NULL),
 *              or -ENOMEM. On -ENOMEM the response is left as a 500.
 *   Threading  the loop's thread only (like everything attached to a loop).
 */
#ifndef ASYNCLAB_HTTP_H
#define ASYNCLAB_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "loop.h"

/* cJSON is the JSON library (Debian's libcjson-dev); handlers build and
 * return cJSON trees. Declared here so this header does not force the
 * include on every user. */
struct cJSON;

typedef struct al_http_header {
    const char *name;    /* as the client sent it ("Content-Type") */
    const char *value;   /* leading and trailing blanks removed */
} al_http_header;

typedef struct al_http_param {
    const char *name;    /* from the route pattern: "item_id" for "/items/{item_id:int}" */
    const char *value;   /* percent-decoded path segment */
} al_http_param;

typedef struct al_http_request {
    const char *method;              /* "GET", "HEAD", "POST", ... */
    const char *path;                /* percent-decoded, without the query: "/items/42" */
    const char *query;               /* raw query string after '?', "" when none */
    int version_minor;               /* HTTP/1.<version_minor>: 0 or 1 */
    const al_http_header *headers;   /* in the order received */
    size_t header_count;
    const char *body;                /* NULL when the request had none */
    size_t body_len;
    const al_http_param *params;     /* path parameters, in pattern order */
    size_t param_count;
    const char *peer;                /* "127.0.0.1:54321" */
    al_loop *loop;                   /* the loop the handler runs on */
    void *app;                       /* the server's app pointer (al_http_server_options.app) */
    uint64_t id;                     /* request number on this server, from 1 */
} al_http_request;

/* Extra response headers a handler may add (Allow, Location, ...). */
#define AL_HTTP_MAX_EXTRA_HEADERS 4

typedef struct al_http_response {
    int status;                      /* 0 until a respond call sets it */
    const char *content_type;        /* a string constant; NULL = none */
    const char *body;                /* body bytes; NULL = empty */
    size_t body_len;
    char *owned;                     /* freed after sending (body points into it) */
    al_http_header extra[AL_HTTP_MAX_EXTRA_HEADERS];   /* names and values: string constants */
    size_t extra_count;
    int close;                       /* close the connection after this response */
} al_http_response;

/* A handler: fill `res` and return 0, or return a negative errno (see the
 * contract). Handlers on a task route run as fiber tasks and may await
 * (al_sleep, al_http_get...); inline handlers must not (http_router.h). */
typedef int (*al_http_handler)(al_http_request *req, al_http_response *res);

/* ---- reading the request ------------------------------------------------- */

/* The first header called `name` (ASCII case-insensitive), or NULL. */
const char *al_http_header_get(const al_http_request *req, const char *name);

/* The path parameter called `name`, or NULL. */
const char *al_http_param_get(const al_http_request *req, const char *name);

/* The first query parameter `name`, percent-decoded ('+' is a space) into
 * buf. Returns its length, -ENOENT when absent, -ENOSPC when it does not fit
 * (buf then holds a truncated, NUL-terminated prefix). */
int al_http_query_get(const al_http_request *req, const char *name, char *buf, size_t size);

/* ---- filling the response ------------------------------------------------ */

/* A body that stays valid on its own (a string literal): kept by pointer. */
int al_http_respond_static(al_http_response *res, int status, const char *content_type,
                           const char *body, size_t len);
/* A copy of `body`. */
int al_http_respond_copy(al_http_response *res, int status, const char *content_type,
                         const char *body, size_t len);
/* A body from malloc: the response owns it from now on (even on error). */
int al_http_respond_owned(al_http_response *res, int status, const char *content_type,
                          char *body, size_t len);
/* JSON from a cJSON tree, printed compactly as FastAPI does; takes `json`
 * (deleted, even on error). */
int al_http_respond_json(al_http_response *res, int status, struct cJSON *json);
/* FastAPI's HTTPException shape: {"detail": "<detail>"}. */
int al_http_respond_error(al_http_response *res, int status, const char *detail);
/* FastAPI's (pydantic 1) validation error, 422:
 * {"detail":[{"loc":[<where>,<name>],"msg":<msg>,"type":<type>}]}
 * where = "path" | "query" | "body". */
int al_http_respond_invalid(al_http_response *res, const char *where, const char *name,
                            const char *msg, const char *type);
/* Add a header (name and value must be string constants or outlive the
 * response). -ENOSPC past AL_HTTP_MAX_EXTRA_HEADERS. */
int al_http_response_add_header(al_http_response *res, const char *name, const char *value);
/* Forget the body and headers (frees what the response owns). */
void al_http_response_reset(al_http_response *res);

/* "OK", "Not Found", ...; "Unknown" for a code we do not name. */
const char *al_http_status_reason(int status);

#endif
