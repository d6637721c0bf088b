/* asynclab/http_client.h — an outbound HTTP/1.1 GET you can await (httpx.AsyncClient.get).
 *
 *   al_http_url up;
 *   al_http_url_parse(&up, "http://127.0.0.1:8001/data");   // at start-up
 *   ...
 *   // inside a fiber task (a task route's handler):
 *   al_http_client_response r;
 *   int rc = al_http_get(&up, 5000000, &r);   // await: connect, send, read
 *   if (rc == 0) { use r.status, r.body; al_http_client_response_free(&r); }
 *
 * How it awaits: the request runs as a child fiber task ("upstream GET")
 * that connects, writes and reads with al_wait_writable/al_wait_readable,
 * parsing the answer with the one response reader (al_http_reader, on
 * llhttp); the caller joins it with al_wait_for(), asyncio.wait_for's
 * deadline. When the deadline passes, or the caller is
 * cancelled (its client went away), the child is cancelled at its await,
 * closes its socket and frees what it read: nothing is left behind, not
 * even a timer.
 *
 * Contract
 *   URLs       http:// only, a numeric IPv4 host or a name resolved once by
 *              al_http_url_parse (blocking, so: at start-up), an optional
 *              port (80) and path. https:// is refused with -EPROTONOSUPPORT
 *              (TLS is not part of this lab).
 *   Calling    al_http_get is an await primitive for fiber tasks only
 *              (-EPERM elsewhere, -EINVAL from a stackless task: it needs
 *              a stack to run the child on).
 *   Results    0 and a response (status, headers ignored, body up to
 *              AL_HTTP_CLIENT_MAX_BODY bytes, NUL-terminated, owned by the
 *              response); the status is always a final one (200-999):
 *              interim 1xx answers (100 Continue, 103 Early Hints) are read
 *              past, as RFC 9110 asks. -ETIMEDOUT after timeout_us;
 *              -ECONNREFUSED, -EHOSTUNREACH... when the upstream cannot be
 *              reached; -EPROTO for an answer that is not HTTP, or is a 101
 *              Switching Protocols nobody asked for; -EMSGSIZE for a body
 *              too large; -ECANCELED when the calling task was cancelled.
 *   Ownership  the url must outlive every call using it.
 */
#ifndef ASYNCLAB_HTTP_CLIENT_H
#define ASYNCLAB_HTTP_CLIENT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define AL_HTTP_CLIENT_MAX_BODY (1024 * 1024)

typedef struct al_http_url {
    struct sockaddr_in addr;     /* resolved address and port */
    char host[256];              /* for the Host header (with ":port" when not 80) */
    char path[1024];             /* "/" when the URL has none */
} al_http_url;

/* Parse "http://host[:port][/path]". -EPROTONOSUPPORT for https:// and
 * other schemes, -EINVAL for a malformed URL, -ENOENT when the host name
 * does not resolve. The message for an error: al_http_url_error(). */
int al_http_url_parse(al_http_url *url, const char *text);
const char *al_http_url_error(int err);

typedef struct al_http_client_response {
    int status;
    char *body;                  /* NUL-terminated; NULL when empty */
    size_t body_len;
} al_http_client_response;

int al_http_get(const al_http_url *url, int64_t timeout_us, al_http_client_response *out);
void al_http_client_response_free(al_http_client_response *r);

#endif
