/* server.c — exercise 1: a correct blocking server. The task is in
 * README.md, the contract of each function in ex1.h.
 *
 * Grade it:  asynclab grade 1      (or: asynclab watch 1) */
#define _GNU_SOURCE   /* memmem, if you want it */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "answer.h"
#include "ex1.h"

int ex1_listen(uint16_t port) {
    (void)port;
    /* TODO: socket, SO_REUSEADDR, bind to 127.0.0.1:port, listen */
    return -ENOSYS;
}

ssize_t ex1_read_request(int fd, char *buf, size_t cap) {
    (void)fd, (void)buf, (void)cap;
    /* TODO: recv until the head ("\r\n\r\n") and its Content-Length body are in */
    return -ENOSYS;
}

int ex1_send_all(int fd, const void *buf, size_t len) {
    (void)fd, (void)buf, (void)len;
    /* TODO: send until every byte is out; retry on EINTR */
    return -ENOSYS;
}

int ex1_respond(int fd, int status, const char *reason, const void *body, size_t body_len) {
    (void)fd, (void)status, (void)reason, (void)body, (void)body_len;
    /* TODO: the status line, the headers, the empty line, the body */
    return -ENOSYS;
}

int ex1_serve(int listen_fd, int max_connections) {
    (void)listen_fd, (void)max_connections;
    /* TODO: accept, read, ex_route, respond, close; again */
    return -ENOSYS;
}
