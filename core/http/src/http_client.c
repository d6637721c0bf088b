/* http_client.c — an outbound GET you can await (see asynclab/http_client.h).
 *
 * The article's Example 2 awaits httpx's client.get(url). Underneath, that is
 * a socket that connects, writes a request and reads an answer, each step an
 * await on the socket becoming writable or readable. Here that sequence runs
 * in a child fiber task, and the caller joins it with a deadline:
 *
 *   caller ── al_wait_for(child, timeout) ───────────────► result
 *               child: connect ─await─ write ─await─ read ─await─ ... done
 *
 * Why a child task rather than deadlines inside each await: cancellation is
 * the one mechanism for everything that ends a request early. The deadline
 * passing (al_wait_for cancels the child), the caller being cancelled (its
 * own client reset: cancelling a task that waits in al_wait_for cancels the
 * child too), or a forced shutdown: each arrives in the child as
 * -ECANCELED at its current await, and the child's cleanup path — close the
 * socket, free the buffers — is the same in every case.
 *
 * Ownership of the job (what the child reads into): two references, the
 * caller's and the child's. The child's is dropped by a done-callback on the
 * child task, which runs however the child ends — even cancelled before its
 * first step, when its body never runs. The caller drops its own after
 * taking the result; if the caller is cancelled it returns at once, before
 * the child has cleaned up, and the child's reference keeps the job alive.
 */
#include "asynclab/http_client.h"
#include "asynclab/url.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "asynclab/http_response_reader.h"
#include "asynclab/task.h"
#include "http_internal.h"   /* http_buf */

#define READ_CHUNK 16384

typedef struct fetch_job {
    const al_http_url *url;
    int refs;                    /* the caller's and the child's */
    int status;
    http_buf body;               /* NUL-terminated (http_buf_append_text) */
    al_http_reader reader;
    char buf[READ_CHUNK];
} fetch_job;

/* ---- URLs ---------------------------------------------------------------- */

const char *al_http_url_error(int err) {
    switch (err) {
    case -EPROTONOSUPPORT: return "only http:// URLs are supported (no TLS in this lab)";
    case -ENOENT: return "the host name does not resolve";
    case -EINVAL: return "not a URL of the form http://host[:port][/path]";
    default: return "invalid URL (asynclab/url.h: http://host[:port]/path, no #fragment, a printable path)";
    }
}

/* The project's one URL parser (url.h), for any host: an upstream may be
 * on another machine. The Host header carries the port when it is not 80. */
int al_http_url_parse(al_http_url *url, const char *text) {
    if (!url || !text) return -EINVAL;
    memset(url, 0, sizeof *url);
    al_url u;
    char err[256];
    int rc = al_url_parse(&u, text, 1, err, sizeof err);
    if (rc < 0) return rc;
    url->addr = u.addr;
    if (u.port == 80) snprintf(url->host, sizeof url->host, "%s", u.host);
    else snprintf(url->host, sizeof url->host, "%.240s:%d", u.host, u.port);
    snprintf(url->path, sizeof url->path, "%s", u.path);
    return 0;
}

/* ---- the body ------------------------------------------------------------------ */

/* The response reader hands the body over piece by piece; it grows here,
 * up to AL_HTTP_CLIENT_MAX_BODY. */
static int take_body(void *arg, const char *at, size_t len) {
    fetch_job *j = arg;
    if (j->body.len + len > AL_HTTP_CLIENT_MAX_BODY) return -EMSGSIZE;
    return http_buf_append_text(&j->body, at, len);
}

/* ---- the child task ---------------------------------------------------------- */

static int connect_to(int fd, const struct sockaddr_in *addr) {
    if (connect(fd, (const struct sockaddr *)addr, sizeof *addr) == 0) return 0;
    if (errno != EINPROGRESS) return -errno;
    int rc = al_wait_writable(fd);   /* the handshake is done (or failed) */
    if (rc < 0) return rc;
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    return -err;
}

/* After a send or recv on the non-blocking fd failed: 0 to try again (it
 * was interrupted, or the task waited until the fd is ready), or -errno. */
static int wait_to_retry(int fd, int sending) {
    if (errno == EINTR) return 0;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -errno;
    return sending ? al_wait_writable(fd) : al_wait_readable(fd);
}

static int send_all(int fd, const char *data, size_t len) {
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n < 0) {
            int rc = wait_to_retry(fd, 1);
            if (rc < 0) return rc;
            continue;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Read the answer with the one response reader (interim 1xx answers are
 * read past there). A 101 Switching Protocols ends HTTP on this connection,
 * and we never asked for an upgrade: -EPROTO. */
static int read_response(int fd, fetch_job *j) {
    al_http_reader *r = &j->reader;
    r->body = NULL;
    al_http_reader_reset(r, 0);
    r->body_sink = take_body;
    r->sink_arg = j;
    for (;;) {
        ssize_t n = recv(fd, j->buf, sizeof j->buf, 0);
        if (n < 0) {
            int rc = wait_to_retry(fd, 0);
            if (rc < 0) return rc;
            continue;
        }
        long used = n == 0 ? al_http_reader_eof(r) : al_http_reader_feed(r, j->buf, (size_t)n);
        if (used < 0) return (int)used;   /* -EPROTO, or the sink's -EMSGSIZE/-ENOMEM */
        if (r->done) {
            j->status = r->status;
            return r->status == 101 ? -EPROTO : 0;
        }
    }
}

static int fetch_main(void *arg, intptr_t *result) {
    fetch_job *j = arg;
    (void)result;
    const al_http_url *u = j->url;
    int rc;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        rc = -errno;
    } else {
        rc = connect_to(fd, &u->addr);
        if (rc == 0) {
            char req[1536];
            int len = snprintf(req, sizeof req,
                               "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: asynclab\r\n"
                               "Accept: application/json\r\nConnection: close\r\n\r\n",
                               u->path, u->host);
            rc = send_all(fd, req, (size_t)len);
        }
        if (rc == 0) rc = read_response(fd, j);
        close(fd);
    }
    if (rc < 0) http_buf_free(&j->body);
    return rc;
}

static void job_release(fetch_job *j) {
    if (--j->refs > 0) return;
    http_buf_free(&j->body);
    free(j);
}

static void child_done(al_future *fut, void *arg) {
    (void)fut;
    job_release(arg);
}

int al_http_get(const al_http_url *url, int64_t timeout_us, al_http_client_response *out) {
    al_task *self = al_task_current();
    if (!self) return -EPERM;
    if (!url || !out || al_task_frame(self) != NULL) return -EINVAL;   /* a stackless task */
    memset(out, 0, sizeof *out);
    fetch_job *j = calloc(1, sizeof *j);
    if (!j) return -ENOMEM;
    j->url = url;
    j->refs = 2;
    al_task *child;
    int rc = al_task_create_fiber(al_task_loop(self), &child, "upstream GET", fetch_main, j, 0);
    if (rc == 0 && (rc = al_future_add_done_callback(al_task_future(child), child_done, j)) < 0) {
        al_task_cancel(child);    /* never runs: nobody could free the job after it */
        al_task_release(child);
    }
    if (rc < 0) {
        free(j);
        return rc;
    }
    rc = al_wait_for(child, timeout_us);
    if (rc == 0 && al_task_is_done(child)) {
        out->status = j->status;
        out->body = j->body.data;   /* the caller's now (al_http_client_response_free) */
        out->body_len = j->body.len;
        j->body = (http_buf){0};
    }
    job_release(j);   /* if we were cancelled, the child still holds it */
    al_task_release(child);
    return rc;
}

void al_http_client_response_free(al_http_client_response *r) {
    if (!r) return;
    free(r->body);
    r->body = NULL;
    r->body_len = 0;
}
