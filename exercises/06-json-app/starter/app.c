/* app.c — exercise 6: the two handlers of ex6.h, with the right answer for
 * every error. The task is in README.md; lesson 6's app.c shows handlers
 * like these.
 *
 * Grade it:  asynclab grade 6      (or: asynclab watch 6) */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>

#include "ex6.h"

int ex6_read_item(al_http_request *req, al_http_response *res) {
    (void)req;
    /* TODO: item_id (al_http_param_get) must be an integer (else 422);
     * find the item (else 404); answer its JSON with "q" */
    return al_http_respond_error(res, 501, "Not Implemented");
}

int ex6_external_api(al_http_request *req, al_http_response *res) {
    (void)req;
    /* TODO: al_http_get the configured upstream (req->app is the
     * ex6_config) and answer 200, its status, 504 or 502 */
    return al_http_respond_error(res, 501, "Not Implemented");
}
