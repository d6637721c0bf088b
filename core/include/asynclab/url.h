/* asynclab/url.h — the one URL form the project accepts: http://host[:port]/path
 *
 * Read by the HTTP client (an upstream, al_http_url_parse) and by the
 * harness (load, check, compare). No https, no user:password@, no IPv6
 * literal, no #fragment; the path (with its query) must be printable ASCII
 * without spaces, at most AL_URL_PATH_MAX-1 bytes. An empty path means "/".
 *
 * allow_remote = 0: the host must be loopback (127.0.0.0/8 or "localhost",
 * which is not looked up): a load generator pointed at the wrong machine is
 * a denial-of-service tool. allow_remote = 1: a name is resolved once, with
 * getaddrinfo (IPv4), which blocks: call this at start-up.
 *
 * Errors, with a sentence in err: -EPROTONOSUPPORT for https:// and other
 * schemes, -ENOENT when the name does not resolve, -EINVAL for the rest
 * (malformed, or not loopback without allow_remote).
 */
#ifndef ASYNCLAB_URL_H
#define ASYNCLAB_URL_H

#include <netinet/in.h>
#include <stddef.h>

#define AL_URL_PATH_MAX 1024

typedef struct al_url {
    char host[256];             /* as written */
    int port;                   /* 80 when not written */
    char hostport[264];         /* the Host header: host[:port] as written */
    char path[AL_URL_PATH_MAX]; /* "/..." with the query */
    struct sockaddr_in addr;    /* where to connect */
} al_url;

int al_url_parse(al_url *u, const char *text, int allow_remote, char *err, size_t errsize);

/* Is this a path the harness may put in a request line? (printable ASCII,
 * no spaces, starts with '/', shorter than AL_URL_PATH_MAX) */
int al_url_path_ok(const char *path);

#endif
