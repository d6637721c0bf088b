/* probe_ex1.c — the subject's side of exercise 1: each entry calls one of
 * the student's functions on the descriptor the judge handed over and
 * reports what it returned (see grader/support/al_subject.h). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "al_subject.h"
#include "ex1.h"
#include "ex1_probe.h"

AL_ENTRY(listen0) {
    (void)in, (void)in_len, (void)peer;
    ex1_rc_out out = {ex1_listen(0)};
    int rc = al_entry_reply(chan, &out, sizeof out);
    if (rc == 0 && out.rc >= 0) rc = al_entry_send_fd(chan, (int)out.rc);
    return rc;
}

AL_ENTRY(read_request) {
    if (in_len != sizeof(ex1_read_in)) return 2;
    const ex1_read_in *r = in;
    static ex1_read_out out;
    size_t cap = r->cap < sizeof out.buf ? r->cap : sizeof out.buf;
    out.n = ex1_read_request(peer, out.buf, cap);
    return al_entry_reply(chan, &out, sizeof out);
}

static volatile sig_atomic_t alarms;
static void on_alarm(int sig) {
    (void)sig;
    alarms++;
}

AL_ENTRY(send_all) {
    if (in_len != sizeof(ex1_send_in)) return 2;
    size_t len = ((const ex1_send_in *)in)->len;
    unsigned char *data = malloc(len);
    if (!data) return 2;
    for (size_t i = 0; i < len; i++) data[i] = EX1_SEND_BYTE(i);
    int small = 4096;
    setsockopt(peer, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;   /* no SA_RESTART: a blocked send() is interrupted */
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval every = {{0, 500}, {0, 500}}, off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &every, NULL);
    ex1_rc_out out = {ex1_send_all(peer, data, len)};
    setitimer(ITIMER_REAL, &off, NULL);
    shutdown(peer, SHUT_WR);
    free(data);
    return al_entry_reply(chan, &out, sizeof out);
}

AL_ENTRY(respond) {
    if (in_len != sizeof(ex1_respond_in)) return 2;
    ex1_respond_in r;
    memcpy(&r, in, sizeof r);
    r.reason[sizeof r.reason - 1] = 0;
    char *body = r.small;
    if (r.body_len > sizeof r.small) {
        if (r.body_len > (64u << 20) || !(body = malloc(r.body_len))) return 2;
        for (size_t i = 0; i < r.body_len; i++) body[i] = EX1_BODY_BYTE(i);
    }
    ex1_rc_out out = {ex1_respond(peer, r.status, r.reason, body, r.body_len)};
    shutdown(peer, SHUT_WR);
    if (body != r.small) free(body);
    return al_entry_reply(chan, &out, sizeof out);
}

AL_ENTRY(serve_n) {
    (void)chan;
    int max = 0;
    if (in_len == sizeof max) memcpy(&max, in, sizeof max);
    return ex1_serve(peer, max);
}
