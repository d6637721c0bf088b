/* asynclab/http_router.h — which handler answers METHOD PATH (FastAPI's routing).
 *
 *   al_http_router *r;
 *   al_http_router_new(&r);
 *   al_http_route(r, "GET", "/", read_root, AL_HTTP_INLINE);
 *   al_http_route(r, "GET", "/items/{item_id:int}", read_item, AL_HTTP_INLINE);
 *   al_http_route(r, "GET", "/sleep", sleep_then_answer, AL_HTTP_TASK);
 *
 * Patterns are literal segments and {name} or {name:int} segments; a
 * parameter matches one whole, non-empty segment. Routes are tried in the
 * order added, as Starlette does. Outcomes, FastAPI's conventions:
 *   - no route's pattern matches the path: 404 {"detail":"Not Found"};
 *   - a pattern matches but not for this method: 405
 *     {"detail":"Method Not Allowed"} with an Allow header naming the methods
 *     that would have matched (GET routes answer HEAD too, as Starlette's);
 *   - {name:int} matched a segment that is not an integer: 422 with
 *     pydantic's detail (loc ["path", name], "value is not a valid
 *     integer"). Note: this is FastAPI's `item_id: int` annotation, not
 *     Starlette's {id:int} path convertor, which would answer 404.
 *
 * How a handler runs (the flags):
 *   AL_HTTP_TASK    a fiber task per request, named "GET /sleep" on the
 *                   timeline: the handler is plain C that may await
 *                   (al_sleep, al_http_get, al_wait_readable...) like an
 *                   `async def` that awaits.
 *   AL_HTTP_INLINE  called right inside the read callback: no task, no
 *                   stack, no context switch. For handlers that never await
 *                   (an `async def` with no await in it, like the article's
 *                   read_root): they are the fast path, and the reason a
 *                   route says so is that C cannot find out by itself — an
 *                   await primitive called from an inline handler returns
 *                   -EPERM (no current task) and the client gets a 500.
 *
 * Contract
 *   Ownership  the router copies patterns and methods; it must outlive every
 *              server that uses it. Routes are added before serving.
 *   Errors     -EINVAL (bad pattern: not starting with '/', an empty or
 *              unclosed {}, an unknown type, a method that is not a token),
 *              -ENOMEM.
 */
#ifndef ASYNCLAB_HTTP_ROUTER_H
#define ASYNCLAB_HTTP_ROUTER_H

#include <stddef.h>

#include "http.h"

typedef struct al_http_router al_http_router;

enum { AL_HTTP_TASK = 0, AL_HTTP_INLINE = 1 };

int al_http_router_new(al_http_router **out);
void al_http_router_free(al_http_router *router);

/* Add a route. `name` for the task's timeline lane defaults to
 * "METHOD /pattern" (cut to the task name limit); set one with
 * al_http_route_named(). */
int al_http_route(al_http_router *router, const char *method, const char *pattern,
                  al_http_handler handler, int flags);
int al_http_route_named(al_http_router *router, const char *method, const char *pattern,
                        al_http_handler handler, int flags, const char *task_name);

/* The result of matching one request. */
typedef struct al_http_route_match {
    int status;                  /* 0 matched; 404, 405 or 422 */
    al_http_handler handler;     /* when status == 0 */
    int flags;                   /* AL_HTTP_TASK or AL_HTTP_INLINE */
    const char *task_name;
    const char *allow;           /* 405: the Allow header's value */
    const char *bad_param;       /* 422: the parameter that failed */
    size_t param_count;
} al_http_route_match;

/* Match method and (decoded) path. Parameter values are copied into
 * `scratch` (size bytes) and described in params[0..max_params); -ENOSPC if
 * they do not fit (the caller answers 414). Returns 0 (see m->status). */
int al_http_router_match(const al_http_router *router, const char *method, const char *path,
                         al_http_param *params, size_t max_params, char *scratch, size_t size,
                         al_http_route_match *m);

/* Answer a non-zero match status the FastAPI way (404/405/422 bodies). */
int al_http_respond_route_error(al_http_response *res, const al_http_route_match *m);

#endif
