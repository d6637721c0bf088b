/* answer.h — the little service every server exercise offers (given code:
 * you call it, you do not change it).
 *
 * The exercises are about moving bytes, not about HTTP, so what to answer
 * is decided here. A request head is everything up to and including the
 * empty line "\r\n\r\n":
 *
 *   GET /big HTTP/1.1      200, text/plain, EX_BIG_SIZE bytes "abc...zabc..."
 *   GET /PATH HTTP/1.1     200, application/json, {"path": "/PATH"}
 *   POST, PUT, ...         405 {"error": "method not allowed"}
 *   anything else          400 {"error": "bad request"}
 *
 * PATH may hold letters, digits and "/_.-"; anything else is a 400.
 */
#ifndef EX_ANSWER_H
#define EX_ANSWER_H

#include <stddef.h>

#define EX_HEAD_MAX 65536          /* a longer head is refused (431) */
#define EX_BIG_SIZE (1024 * 1024)  /* the body of GET /big */

typedef struct ex_route_result {
    int status;                  /* 200, 400, 405 */
    const char *reason;          /* "OK", ... (static) */
    const char *content_type;    /* static */
    char *body;                  /* malloc'd: free() it */
    size_t body_len;
} ex_route_result;

/* What to answer to one request head. 0, or -ENOMEM. */
int ex_route(const char *head, size_t head_len, ex_route_result *out);

/* The whole response to one request head, ready to send: status line,
 * Content-Type, Content-Length, Connection: close, empty line, body.
 * *out is malloc'd (free() it). 0, or -ENOMEM. */
int ex_answer(const char *head, size_t head_len, char **out, size_t *out_len);

/* The response for a head longer than EX_HEAD_MAX (431), the same way. */
int ex_answer_too_large(char **out, size_t *out_len);

#endif
