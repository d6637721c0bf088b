/* items.c — exercise 6's given part: the items, and the routes. */
#include "ex6.h"

const ex6_item ex6_items[] = {
    {1, "Keyboard", 49.5},
    {2, "Mouse", 19.0},
    {3, "Hammer", 9.5},
    {42, "Towel", 4.2},
};
const size_t ex6_item_count = sizeof ex6_items / sizeof ex6_items[0];

int ex6_add_routes(al_http_router *r) {
    /* "{item_id}", not "{item_id:int}": checking the integer is the handler's
     * job in this exercise. */
    int rc = al_http_route(r, "GET", "/items/{item_id}", ex6_read_item, AL_HTTP_INLINE);
    if (rc == 0) rc = al_http_route(r, "GET", "/external-api", ex6_external_api, AL_HTTP_TASK);
    return rc;
}
