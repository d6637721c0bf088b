/* server.c — exercise 2, known wrong: a correct *blocking* server (one
 * client at a time, like exercise 1). Everything a single client sees is
 * right; CI checks that exactly the concurrency tests are lost. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "answer.h"
#include "ex2.h"

static void serve_one(int fd) {
    static char head[EX_HEAD_MAX];
    size_t len = 0;
    while (!memmem(head, len, "\r\n\r\n", 4) && len < sizeof head) {
        ssize_t n = recv(fd, head + len, sizeof head - len, 0);   /* blocks */
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        len += (size_t)n;
    }
    char *out;
    size_t out_len;
    if (ex_answer(head, len, &out, &out_len) < 0) return;
    for (size_t sent = 0; sent < out_len;) {
        ssize_t n = send(fd, out + sent, out_len - sent, MSG_NOSIGNAL);   /* blocks */
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        sent += (size_t)n;
    }
    free(out);
}

int ex2_serve(int listen_fd, int max_connections) {
    for (int served = 0; max_connections == 0 || served < max_connections; served++) {
        int fd = accept(listen_fd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR) {
                served--;
                continue;
            }
            return -errno;
        }
        serve_one(fd);
        close(fd);
    }
    return 0;
}
