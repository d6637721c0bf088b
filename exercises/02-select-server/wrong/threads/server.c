/* server.c — exercise 2, known wrong: a thread per connection, each doing
 * blocking I/O. It serves everybody correctly and concurrently, but it is
 * not an event loop: CI checks that exactly one_thread is lost. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "answer.h"
#include "ex2.h"

static void *serve_one(void *arg) {
    int fd = (int)(intptr_t)arg;
    char *head = malloc(EX_HEAD_MAX);
    size_t len = 0;
    while (head && !memmem(head, len, "\r\n\r\n", 4) && len < EX_HEAD_MAX) {
        ssize_t n = recv(fd, head + len, EX_HEAD_MAX - len, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += (size_t)n;
    }
    char *out = NULL;
    size_t out_len = 0;
    if (head && memmem(head, len, "\r\n\r\n", 4) && ex_answer(head, len, &out, &out_len) == 0) {
        for (size_t sent = 0; sent < out_len;) {
            ssize_t n = send(fd, out + sent, out_len - sent, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) break;
            sent += (size_t)n;
        }
    }
    free(out);
    free(head);
    close(fd);
    return NULL;
}

int ex2_serve(int listen_fd, int max_connections) {
    pthread_t threads[64];
    int nthreads = 0;
    for (int served = 0; max_connections == 0 || served < max_connections; served++) {
        int fd = accept(listen_fd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR) {
                served--;
                continue;
            }
            return -errno;
        }
        pthread_t t;
        if (pthread_create(&t, NULL, serve_one, (void *)(intptr_t)fd) != 0) {
            close(fd);
            continue;
        }
        if (max_connections && nthreads < 64) threads[nthreads++] = t;
        else pthread_detach(t);
    }
    for (int i = 0; i < nthreads; i++) pthread_join(threads[i], NULL);
    return 0;
}
