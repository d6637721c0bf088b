/* app.c — exercise 6, known wrong: before fetching with al_http_get,
 * /external-api "checks" the upstream with a blocking connect, send and
 * recv() (with SO_RCVTIMEO as its timeout). Every answer is right, but
 * while it waits the whole loop waits: CI checks that exactly
 * external_does_not_block is lost. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

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
    {   /* blocking: ask the upstream ourselves and wait in recv() */
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct timeval tv = {cfg->upstream_timeout_us / 1000000, cfg->upstream_timeout_us % 1000000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        if (connect(fd, (const struct sockaddr *)&cfg->upstream.addr, sizeof cfg->upstream.addr) == 0) {
            (void)!send(fd, "GET /data HTTP/1.1\r\n\r\n", 22, 0);
            char buf[64];
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n < 0) {
                close(fd);
                return al_http_respond_error(res, 504, "Upstream timed out");
            }
        }
        close(fd);
    }
    int rc = al_http_get(&cfg->upstream, cfg->upstream_timeout_us, &up);
    if (rc == -ECANCELED) return rc;
    if (rc == -ETIMEDOUT) return al_http_respond_error(res, 504, "Upstream timed out");
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
