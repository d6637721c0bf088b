/* ex6.h — exercise 6: the JSON app's handlers, with the right errors
 * (given; do not change).
 *
 * Lesson 6's server is uvicorn and FastAPI rebuilt on the core; this
 * exercise is the FastAPI part: two path operations written as C handlers
 * (core/include/asynclab/http.h), registered by ex6_add_routes():
 *
 *   GET /items/{item_id}   inline (never awaits)    ex6_read_item
 *   GET /external-api      a fiber task (awaits)    ex6_external_api
 *
 * A handler gets the parsed request and fills the response with one of the
 * al_http_respond*() calls, then returns 0 (a negative errno instead makes
 * the client's answer a 500, which is what this exercise is about
 * avoiding). req->app points at the server's ex6_config.
 */
#ifndef EX6_H
#define EX6_H

#include <stddef.h>
#include <stdint.h>

#include <asynclab/http.h>
#include <asynclab/http_client.h>
#include <asynclab/http_router.h>

/* The items the app knows (items.c). */
typedef struct ex6_item {
    long id;
    const char *name;
    double price;
} ex6_item;

extern const ex6_item ex6_items[];
extern const size_t ex6_item_count;

/* What the app is configured with; req->app points at it. */
typedef struct ex6_config {
    al_http_url upstream;            /* what /external-api fetches */
    int64_t upstream_timeout_us;     /* how long it waits for it */
} ex6_config;

/* GET /items/{item_id}[?q=TEXT]   (FastAPI: `item_id: int, q: str | None = None`)
 *   item_id is not an integer (a long: "abc", "1.5", "12x", "", out of range):
 *        422, al_http_respond_invalid(res, "path", "item_id",
 *                                     "value is not a valid integer",
 *                                     "type_error.integer")
 *   no item has that id:  404 {"detail": "Item not found"}
 *   found:                200 {"item_id": ID, "name": NAME, "price": PRICE, "q": Q}
 *                         where Q is the query parameter q (decoded), or null */
int ex6_read_item(al_http_request *req, al_http_response *res);

/* GET /external-api   (the article's Example 2)
 * Fetch the configured upstream with al_http_get (an await: the loop serves
 * everybody else meanwhile), within the configured timeout, and answer:
 *   the upstream answered 200 with JSON:   200, that JSON (application/json)
 *   the upstream answered another status:  that status, {"detail": "Failed to fetch data"}
 *   the upstream did not answer in time:   504 {"detail": "Upstream timed out"}
 *   the upstream could not be reached:     502 {"detail": "Upstream unreachable"}
 *   the upstream's 200 is not JSON:        502 {"detail": "Upstream sent invalid JSON"}
 *   the client went away (-ECANCELED):     return -ECANCELED
 * Free the upstream's response in every case. */
int ex6_external_api(al_http_request *req, al_http_response *res);

/* Register the two routes (items.c). */
int ex6_add_routes(al_http_router *router);

#endif
