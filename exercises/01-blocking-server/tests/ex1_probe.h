/* ex1_probe.h — what the judge asks of exercise 1's subject (probe_ex1.c)
 * and what it answers: plain bytes (see grader/support/al_subject.h). */
#ifndef EX1_PROBE_H
#define EX1_PROBE_H

#include <sys/types.h>

/* ex1_read_request(peer, buf, cap) */
typedef struct ex1_read_in { size_t cap; } ex1_read_in;
typedef struct ex1_read_out { ssize_t n; char buf[1024]; } ex1_read_out;

/* ex1_send_all(peer, pattern of len bytes) while SIGALRM interrupts it */
typedef struct ex1_send_in { size_t len; } ex1_send_in;
#define EX1_SEND_BYTE(i) ((unsigned char)((i) * 7 + (i) / 4093))

/* ex1_respond(peer, status, reason, body): the body is `small` if
 * body_len fits, else the digits pattern '0' + i % 10. */
typedef struct ex1_respond_in {
    int status;
    char reason[64];
    size_t body_len;
    char small[64];
} ex1_respond_in;
#define EX1_BODY_BYTE(i) ((char)('0' + (i) % 10))

typedef struct ex1_rc_out { long rc; } ex1_rc_out;

#endif
