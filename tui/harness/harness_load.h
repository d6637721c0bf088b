/* harness_load.h — many HTTP/1.1 clients at once, as tasks on one al_loop.
 *
 * The engine under `asynclab load`, `compare` and `check`'s concurrency
 * suite. Each of the N connections is a stackless task named "conn N" that
 * loops: claim a request, connect if needed, send the pre-formatted request,
 * await readable, parse the answer (asynclab/http_response_reader.h), keep the connection if
 * the server allows it (keep-alive), and go again. Nothing is allocated per
 * request: the request bytes are formatted once, and each connection owns
 * its receive buffer and parser for the whole run.
 *
 * Timeouts: a watchdog timer cancels the task of a request that has been
 * out longer than timeout_us; the cancelled await ends the request as a
 * timeout and the task reconnects for the next one. A duration run ends the
 * same way: at the deadline every waiting task is cancelled, and requests
 * still out then are abandoned (not counted).
 *
 * With trace_path, the loop writes a trace (core/trace/TRACE-FORMAT.md): one lane
 * per connection task, and for each request two "output" events on its lane,
 * when it is sent and when it is answered, so a viewer shows clients
 * overlapping or queueing.
 *
 * If the first connections are refused (nothing listens), the run stops at
 * once instead of hammering a closed port: the result says so.
 *
 * Errors: al_load_run returns 0 when the run happened (its requests may
 * still have failed: see the result), or a negative errno when it could not
 * start (no memory, the trace file cannot be created) with a message in
 * result->first_error.
 */
#ifndef AL_HARNESS_LOAD_H
#define AL_HARNESS_LOAD_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "harness_hist.h"

typedef enum al_load_err {
    AL_LOAD_ERR_CONNECT = 0,   /* connect() failed */
    AL_LOAD_ERR_WRITE,         /* sending the request failed */
    AL_LOAD_ERR_READ,          /* the connection broke before a whole answer */
    AL_LOAD_ERR_PARSE,         /* the answer is not valid HTTP/1.1 */
    AL_LOAD_ERR_STATUS,        /* a whole answer, but not 2xx */
    AL_LOAD_ERR_TIMEOUT,       /* no whole answer within the timeout */
    AL_LOAD_ERR_COUNT
} al_load_err;

/* One request, kept when config.record is set. Times in µs since the run
 * started. conn is 0 for a request that never finished (the run stopped
 * first: nothing listens there). */
typedef struct al_load_sample {
    int64_t start_us, end_us;
    int conn;                  /* 1..connections */
    int status;                /* 0 if no answer */
    int error;                 /* an al_load_err, or -1 for success */
} al_load_sample;

typedef struct al_load_config {
    struct sockaddr_in addr;
    const char *request;       /* the exact bytes of one request */
    size_t request_len;
    const char *label;         /* for trace markers, e.g. "GET /sleep?s=0.2" */
    int connections;           /* >= 1 */
    long requests;             /* total; 0: run for duration_us instead */
    int64_t duration_us;
    int64_t timeout_us;        /* per request, > 0 */
    const char *trace_path;    /* NULL: no trace */
    int progress;              /* a progress line on stderr, every 250 ms */
    int record;                /* keep one al_load_sample per request (requests > 0) */
} al_load_config;

typedef struct al_load_result {
    uint64_t requests;         /* finished, ok + errors */
    uint64_t ok;               /* 2xx */
    uint64_t errors[AL_LOAD_ERR_COUNT];
    uint64_t connects;         /* connections made */
    uint64_t bytes_read;
    int refused;               /* stopped early: nothing listens there */
    double elapsed_s;          /* first request to the end of the run */
    al_hist latency;           /* of the successful requests */
    al_load_sample *samples;   /* config.record: in the order requests were started */
    size_t nsamples;
    char first_error[200];     /* the first failure, in words */
} al_load_result;

int al_load_run(const al_load_config *cfg, al_load_result *res);
void al_load_result_free(al_load_result *res);
uint64_t al_load_errors(const al_load_result *res);
/* The rate: successful (2xx) answers per second over `seconds`, or -1 when
 * there is none to give (no answer yet, no time). Failures are not a rate:
 * refused connections come back faster than any server answers. Every
 * printed req/s is this one. */
double al_load_rate(const al_load_result *res, double seconds);
/* "connect", "write", "read", "parse", "status", "timeout" */
const char *al_load_err_name(int kind);

/* Format "GET path HTTP/1.1\r\nHost: hostport\r\n\r\n" into buf. Deliberately
 * short: the lesson servers read the request with one small recv(). Returns
 * the length, or -ENOSPC. */
int al_load_format_get(char *buf, size_t size, const char *path, const char *hostport);

#endif
