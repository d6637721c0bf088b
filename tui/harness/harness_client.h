/* harness_client.h — one connection, one exchange at a time, every wait bounded.
 *
 * `asynclab check` asks a server a few pointed questions in sequence (does it
 * keep the connection? does it answer two pipelined requests in order? does
 * it survive garbage?), so it talks like a careful human with a stopwatch:
 * send these exact bytes, read one response, and never wait past a deadline
 * (poll(2) with what is left of it). Bytes that arrive after a response are
 * kept for the next read, so pipelined answers are read one by one.
 *
 * Errors (negative errno): -ETIMEDOUT when the deadline passed, -EPROTO when
 * the answer is not HTTP (the parser's message in r->error), -ECONNRESET when
 * the server closed (or reset) the connection before a whole answer, any
 * other errno from connect/send/recv.
 */
#ifndef AL_HARNESS_CLIENT_H
#define AL_HARNESS_CLIENT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "asynclab/http_response_reader.h"

typedef struct al_hconn {
    int fd;
    int eof;                 /* the server closed its side */
    size_t off, have;        /* unread bytes: buf[off, have) */
    char buf[16384];
} al_hconn;

/* Milliseconds on the monotonic clock, for deadlines. */
int64_t al_now_ms(void);

int al_hconn_open(al_hconn *c, const struct sockaddr_in *addr, int64_t deadline_ms);
/* Send all of data. A peer that closed or reset shows as -EPIPE/-ECONNRESET. */
int al_hconn_send(al_hconn *c, const char *data, size_t len, int64_t deadline_ms);
/* Read one whole response into r (the caller resets it and may give it a
 * body buffer). 0 when complete. */
int al_hconn_read(al_hconn *c, al_http_reader *r, int64_t deadline_ms);
/* After a response: 1 if the server closes the connection before the
 * deadline, 0 if it is still open then, -EPROTO if more bytes arrive
 * instead (*extra says how many). */
int al_hconn_wait_close(al_hconn *c, int64_t deadline_ms, size_t *extra);
void al_hconn_close(al_hconn *c);

#endif
