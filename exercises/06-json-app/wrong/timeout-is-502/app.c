/* app.c — exercise 6, known wrong: an upstream that does not answer in time
 * is reported like one that cannot be reached (502), not as a timeout. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>

#include "ex6.h"

int ex6_read_item(al_http_request *req, al_http_response *res) {
    const char *text = al_http_param_get(req, "item_id");
    char *end;
    errno = 0;
    long id = text ? strtol(text, &end, 10) : 0;
    if (!text || !*text || *end || errno == ERANGE)
        return al_http_respond_invalid(res, "path", "item_id", "value is not a valid integer",
                                       "type_error.integer");
    const ex6_item *item = NULL;
    for (size_t i = 0; i < ex6_item_count; i++)
        if (ex6_items[i].id == id) item = &ex6_items[i];
    if (!item) return al_http_respond_error(res, 404, "Item not found");
    cJSON *out = cJSON_CreateObject();
    cJSON_AddNumberToObject(out, "item_id", (double)item->id);
    cJSON_AddStringToObject(out, "name", item->name);
    cJSON_AddNumberToObject(out, "price", item->price);
    char q[256];
    if (al_http_query_get(req, "q", q, sizeof q) >= 0) cJSON_AddStringToObject(out, "q", q);
    else cJSON_AddNullToObject(out, "q");
    return al_http_respond_json(res, 200, out);
}

int ex6_external_api(al_http_request *req, al_http_response *res) {
    const ex6_config *cfg = req->app;
    al_http_client_response up;
    int rc = al_http_get(&cfg->upstream, cfg->upstream_timeout_us, &up);
    if (rc == -ECANCELED) return rc;
    if (rc < 0) return al_http_respond_error(res, 502, "Upstream unreachable");
    if (up.status != 200) {
        int status = up.status >= 100 && up.status <= 599 ? up.status : 502;
        al_http_client_response_free(&up);
        return al_http_respond_error(res, status, "Failed to fetch data");
    }
    cJSON *check = cJSON_ParseWithLength(up.body ? up.body : "", up.body_len);
    if (!check) {
        al_http_client_response_free(&up);
        return al_http_respond_error(res, 502, "Upstream sent invalid JSON");
    }
    cJSON_Delete(check);
    /* The bytes go on as they came; the response owns them now. */
    rc = al_http_respond_owned(res, 200, "application/json", up.body, up.body_len);
    up.body = NULL;
    return rc;
}
