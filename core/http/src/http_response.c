/* http_response.c — filling a response, and turning it into bytes.
 *
 * The respond helpers are FastAPI's return conventions: a dict becomes
 * compact JSON (cJSON), an HTTPException becomes {"detail": "..."}, a
 * validation failure becomes pydantic's 422 list.
 *
 * http_response_write() is on every request's path, so it is written for
 * speed without being clever: it reserves room once and copies the pieces
 * with memcpy (no printf: snprintf costs more than everything else here
 * together). The Date value comes from the server, which formats it once
 * per second.
 */
#include "http_internal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *al_http_status_reason(int status) {
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Request Entity Too Large";
    case 414: return "Request-URI Too Long";
    case 418: return "I'm a Teapot";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

/* ---- filling ------------------------------------------------------------- */

void al_http_response_reset(al_http_response *res) {
    if (!res) return;
    free(res->owned);
    res->owned = NULL;
    res->body = NULL;
    res->body_len = 0;
    res->content_type = NULL;
    res->extra_count = 0;
}

/* A handler gives the final answer: 200-999. The 1xx codes are interim
 * answers the connection sends on its own ("100 Continue"); sent as *the*
 * answer they would leave the client waiting for another. */
static int set_status(al_http_response *res, int status) {
    if (!res || status < 200 || status > 999) return -EINVAL;
    al_http_response_reset(res);
    res->status = status;
    return 0;
}

/* After a failed allocation the handler's answer is lost: say so. */
static int out_of_memory(al_http_response *res) {
    al_http_response_reset(res);
    res->status = 500;
    res->content_type = "application/json";
    res->body = "{\"detail\":\"Internal Server Error\"}";
    res->body_len = strlen(res->body);
    return -ENOMEM;
}

int al_http_respond_static(al_http_response *res, int status, const char *content_type,
                           const char *body, size_t len) {
    int rc = set_status(res, status);
    if (rc < 0) return rc;
    res->content_type = content_type;
    res->body = body;
    res->body_len = body ? len : 0;
    return 0;
}

int al_http_respond_owned(al_http_response *res, int status, const char *content_type,
                          char *body, size_t len) {
    int rc = set_status(res, status);
    if (rc < 0) {
        free(body);
        return rc;
    }
    res->content_type = content_type;
    res->owned = body;
    res->body = body;
    res->body_len = body ? len : 0;
    return 0;
}

int al_http_respond_copy(al_http_response *res, int status, const char *content_type,
                         const char *body, size_t len) {
    char *copy = NULL;
    if (len) {
        copy = malloc(len);
        if (!copy) return res ? out_of_memory(res) : -EINVAL;
        memcpy(copy, body, len);
    }
    return al_http_respond_owned(res, status, content_type, copy, len);
}

int al_http_respond_json(al_http_response *res, int status, cJSON *json) {
    if (!json) return res ? out_of_memory(res) : -EINVAL;   /* a cJSON_Create* that failed */
    char *text = cJSON_PrintUnformatted(json);
    cJSON_Delete(json);
    if (!text) return res ? out_of_memory(res) : -ENOMEM;
    return al_http_respond_owned(res, status, "application/json", text, strlen(text));
}

int al_http_respond_error(al_http_response *res, int status, const char *detail) {
    cJSON *o = cJSON_CreateObject();
    if (o && !cJSON_AddStringToObject(o, "detail", detail ? detail : "")) {
        cJSON_Delete(o);
        o = NULL;
    }
    return al_http_respond_json(res, status, o);
}

int al_http_respond_invalid(al_http_response *res, const char *where, const char *name,
                            const char *msg, const char *type) {
    cJSON *o = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(o, "detail");
    cJSON *item = cJSON_CreateObject();
    cJSON *loc = cJSON_AddArrayToObject(item, "loc");
    int ok = o && list && item && loc;
    if (ok) {
        cJSON_AddItemToArray(list, item);
        item = NULL;
        cJSON *last = list->child;
        ok = cJSON_AddItemToArray(loc, cJSON_CreateString(where ? where : "")) &&
             cJSON_AddItemToArray(loc, cJSON_CreateString(name ? name : "")) &&
             cJSON_AddStringToObject(last, "msg", msg ? msg : "") &&
             cJSON_AddStringToObject(last, "type", type ? type : "");
    }
    cJSON_Delete(item);
    if (!ok) {
        cJSON_Delete(o);
        o = NULL;
    }
    return al_http_respond_json(res, 422, o);
}

int al_http_response_add_header(al_http_response *res, const char *name, const char *value) {
    if (!res || !name || !value) return -EINVAL;
    if (res->extra_count == AL_HTTP_MAX_EXTRA_HEADERS) return -ENOSPC;
    res->extra[res->extra_count++] = (al_http_header){name, value};
    return 0;
}

/* ---- writing ------------------------------------------------------------- */

static char *put(char *p, const char *s, size_t len) {
    memcpy(p, s, len);
    return p + len;
}
#define PUT_LIT(p, lit) put(p, lit, sizeof lit - 1)

static char *put_uint(char *p, size_t v) {
    char digits[24];
    size_t n = 0;
    do digits[n++] = (char)('0' + v % 10); while ((v /= 10) > 0);
    while (n > 0) *p++ = digits[--n];
    return p;
}

int http_response_write(http_buf *out, const al_http_response *res, const char *date,
                        int keep_alive, int version_minor, int head_only) {
    const char *reason = al_http_status_reason(res->status);
    size_t reason_len = strlen(reason);
    size_t ct_len = res->content_type ? strlen(res->content_type) : 0;
    size_t date_len = date ? strlen(date) : 0;
    size_t extra_len = 0;
    for (size_t i = 0; i < res->extra_count; i++)
        extra_len += strlen(res->extra[i].name) + strlen(res->extra[i].value) + 4;
    size_t body_len = head_only ? 0 : res->body_len;
    /* status line 13 + reason, server 18, date 8, type 16, length 40, connection 24, end 2 */
    size_t need = 128 + reason_len + ct_len + date_len + extra_len + body_len;
    int rc = http_buf_reserve(out, need);
    if (rc < 0) return rc;

    char *p = out->data + out->len;
    p = PUT_LIT(p, "HTTP/1.1 ");
    p = put_uint(p, (size_t)res->status);
    *p++ = ' ';
    p = put(p, reason, reason_len);
    p = PUT_LIT(p, "\r\nServer: asynclab\r\n");
    if (date) {
        p = PUT_LIT(p, "Date: ");
        p = put(p, date, date_len);
        p = PUT_LIT(p, "\r\n");
    }
    if (res->content_type) {
        p = PUT_LIT(p, "Content-Type: ");
        p = put(p, res->content_type, ct_len);
        p = PUT_LIT(p, "\r\n");
    }
    for (size_t i = 0; i < res->extra_count; i++) {
        p = put(p, res->extra[i].name, strlen(res->extra[i].name));
        p = PUT_LIT(p, ": ");
        p = put(p, res->extra[i].value, strlen(res->extra[i].value));
        p = PUT_LIT(p, "\r\n");
    }
    /* 1xx, 204 and 304 carry no body and no Content-Length. */
    int bodyless = res->status < 200 || res->status == 204 || res->status == 304;
    if (!bodyless) {
        p = PUT_LIT(p, "Content-Length: ");
        p = put_uint(p, res->body_len);
        p = PUT_LIT(p, "\r\n");
    }
    if (!keep_alive) p = PUT_LIT(p, "Connection: close\r\n");
    else if (version_minor == 0) p = PUT_LIT(p, "Connection: keep-alive\r\n");
    p = PUT_LIT(p, "\r\n");
    if (!bodyless && body_len) p = put(p, res->body, body_len);
    out->len = (size_t)(p - out->data);
    return 0;
}

int http_response_continue(http_buf *out) {
    static const char line[] = "HTTP/1.1 100 Continue\r\n\r\n";
    return http_buf_append(out, line, sizeof line - 1);
}
