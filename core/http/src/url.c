/* url.c — parsing and checking http://host[:port]/path (see asynclab/url.h). */
#include "asynclab/url.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

__attribute__((format(printf, 3, 4)))
static int bad(char *err, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, size, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

int al_url_path_ok(const char *path) {
    size_t len = strlen(path);
    if (len == 0 || path[0] != '/' || len >= AL_URL_PATH_MAX) return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)path[i] <= 0x20 || (unsigned char)path[i] >= 0x7f || path[i] == '#')
            return 0;
    return 1;
}

static int resolve(al_url *u, int allow_remote, char *err, size_t errsize) {
    memset(&u->addr, 0, sizeof u->addr);
    u->addr.sin_family = AF_INET;
    u->addr.sin_port = htons((uint16_t)u->port);
    if (!allow_remote && strcasecmp(u->host, "localhost") == 0) {   /* not looked up */
        u->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return 0;
    }
    if (inet_pton(AF_INET, u->host, &u->addr.sin_addr) == 1) {
        if (!allow_remote && (ntohl(u->addr.sin_addr.s_addr) >> 24) != 127)
            return bad(err, errsize,
                       "'%s' is not a loopback address: the harness only talks to this machine "
                       "(127.0.0.1, localhost) unless given --allow-remote", u->host);
        return 0;
    }
    if (!allow_remote)
        return bad(err, errsize,
                   "'%s' is not a loopback address: the harness only talks to this machine "
                   "(127.0.0.1, localhost) unless given --allow-remote", u->host);
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai;
    if (getaddrinfo(u->host, NULL, &hints, &ai) != 0 || !ai) {
        bad(err, errsize, "cannot resolve host '%s' (IPv4)", u->host);
        return -ENOENT;
    }
    u->addr.sin_addr = ((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr;
    freeaddrinfo(ai);
    return 0;
}

int al_url_parse(al_url *u, const char *text, int allow_remote, char *err, size_t errsize) {
    memset(u, 0, sizeof *u);
    if (strncasecmp(text, "https://", 8) == 0) {
        bad(err, errsize, "%s: https is not supported, only http://", text);
        return -EPROTONOSUPPORT;
    }
    if (strncasecmp(text, "http://", 7) != 0) {
        bad(err, errsize, "'%s' is not an http://host[:port]/path URL", text);
        return strstr(text, "://") ? -EPROTONOSUPPORT : -EINVAL;
    }
    const char *p = text + 7;
    size_t auth = strcspn(p, "/?#");
    if (memchr(p, '@', auth))
        return bad(err, errsize, "%s: user:password@ is not supported", text);
    if (auth == 0) return bad(err, errsize, "%s: the host is missing", text);
    if (p[0] == '[') return bad(err, errsize, "%s: IPv6 addresses are not supported", text);
    if (auth >= sizeof u->hostport)
        return bad(err, errsize, "%s: the host is too long", text);
    memcpy(u->hostport, p, auth);
    const char *colon = memchr(p, ':', auth);
    size_t hlen = colon ? (size_t)(colon - p) : auth;
    if (hlen == 0) return bad(err, errsize, "%s: the host is missing", text);
    memcpy(u->host, p, hlen);
    for (size_t i = 0; i < hlen; i++) {
        char c = u->host[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-'))
            return bad(err, errsize, "'%s': the host holds a character that cannot be there", text);
    }
    u->port = 80;
    if (colon) {
        const char *ps = colon + 1, *pe = p + auth;
        long port = 0;
        if (ps == pe || pe - ps > 5) return bad(err, errsize, "%s: the port is not a number from 1 to 65535", text);
        for (const char *q = ps; q < pe; q++) {
            if (*q < '0' || *q > '9') return bad(err, errsize, "%s: the port is not a number from 1 to 65535", text);
            port = port * 10 + (*q - '0');
        }
        if (port < 1 || port > 65535) return bad(err, errsize, "%s: the port is not a number from 1 to 65535", text);
        u->port = (int)port;
    }
    const char *path = p + auth;
    if (*path == '#') return bad(err, errsize, "%s: a #fragment is never sent to a server; remove it", text);
    if (*path == '?') return bad(err, errsize, "%s: the path must start with '/'", text);
    if (*path == 0) path = "/";
    if (strchr(path, '#')) return bad(err, errsize, "%s: a #fragment is never sent to a server; remove it", text);
    if (!al_url_path_ok(path))
        return bad(err, errsize, "%s: the path must be printable ASCII without spaces, under 1024 bytes", text);
    snprintf(u->path, sizeof u->path, "%s", path);
    return resolve(u, allow_remote, err, errsize);
}
