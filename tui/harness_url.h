/* harness_url.h — the one URL form the harness accepts: http://host[:port]/path
 *
 * A load generator pointed at the wrong machine is a denial-of-service tool,
 * so by default the host must be loopback (127.0.0.0/8 or "localhost");
 * --allow-remote lifts that, and then a name is resolved once, at start
 * (IPv4). No https, no user:password@, no #fragment; the path (with its
 * query) must be printable ASCII without spaces, at most AL_URL_PATH_MAX-1
 * bytes. An empty path means "/".
 *
 * Errors: -EINVAL with a sentence in err ("only http:// URLs are supported").
 */
#ifndef AL_HARNESS_URL_H
#define AL_HARNESS_URL_H

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
