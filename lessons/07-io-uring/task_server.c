/* task_server.c — lesson 7: the same server as tasks on the core's loop,
 * awaiting completion operations.
 *
 * One task accepts; each connection is a task of its own that awaits a
 * receive and then a send. The waits read like blocking calls (lesson 5's
 * coroutines), but each is an operation handed to the loop:
 *
 *   int fd = al_accept(listen_fd);       accept, done by whom the backend says
 *   int n = al_recv(fd, buf, sizeof buf);
 *   al_send(fd, RESPONSE, len);
 *
 * On the uring backend (the default here) the loop queues each operation on
 * the ring and the kernel performs it: the task's wait is drawn on the
 * timeline as "recv fd 7 (in the kernel)", and each poll says how many
 * requests it submitted and how many completions it reaped. On any other
 * backend (--backend epoll) the same program runs, and the loop waits for
 * readiness and makes the call itself: "recv fd 7 (once ready)".
 *
 * buf lives on the task's own stack (a fiber task's stack outlives its
 * waits), and al_recv returns only once the operation is over, also when
 * the task is cancelled: the buffer is the kernel's exactly as long as the
 * task is waiting in al_recv, and never after.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "asynclab/task.h"
#include "asynclab/trace.h"

static const char RESPONSE[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 18\r\n"
    "Connection: close\r\n"
    "\r\n"
    "{\"Hello\": \"World\"}";

static struct {
    al_loop *loop;
    int listen_fd;
    long max_connections;       /* 0: serve forever */
} server = {.listen_fd = -1};

/* One connection: receive the request (the article reads once), answer, close. */
static int connection(void *arg, intptr_t *result) {
    (void)result;
    int fd = (int)(intptr_t)arg;
    char buf[1024];
    int n = al_recv(fd, buf, sizeof buf);
    if (n > 0) {
        al_printf(server.loop, "response to");
        int sent = al_send(fd, RESPONSE, sizeof RESPONSE - 1);
        if (sent != (int)(sizeof RESPONSE - 1)) al_printf(server.loop, "send: %d", sent);
    } else {
        al_printf(server.loop, n == 0 ? "the client left without sending a request" : "recv failed");
    }
    close(fd);
    al_printf(server.loop, "Closing connection");
    return 0;
}

static int acceptor(void *arg, intptr_t *result) {
    (void)arg, (void)result;
    for (long served = 0; server.max_connections == 0 || served < server.max_connections; served++) {
        int fd = al_accept(server.listen_fd);
        if (fd < 0) {
            al_printf(server.loop, "accept: %s", strerror(-fd));
            return fd;
        }
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        getpeername(fd, (struct sockaddr *)&peer, &len);
        al_printf(server.loop, "Accepted connection from ('127.0.0.1', %u)", (unsigned)ntohs(peer.sin_port));
        char name[32];
        snprintf(name, sizeof name, "conn %ld", served + 1);
        al_task *t;
        if (al_task_create_fiber(server.loop, &t, name, connection, (void *)(intptr_t)fd, 0) < 0) {
            close(fd);
            continue;
        }
        al_task_release(t);     /* the loop runs it to its end; nobody joins it */
    }
    return 0;
}

static void usage(FILE *out) {
    fprintf(out, "usage: lesson07_task_server [--backend NAME] [--port N] [--max-connections N]\n"
                 "  Lesson 3's server as tasks awaiting completion operations (al_accept,\n"
                 "  al_recv, al_send), on 127.0.0.1; traced when ASYNCLAB_TRACE is set.\n"
                 "  --backend NAME       uring (the default here: the kernel does the calls),\n"
                 "                       or select, poll, epoll, uv (the loop waits, then calls)\n"
                 "  --port N             port to listen on (default 8000; 0 picks a free one)\n"
                 "  --max-connections N  exit after N connections were served\n");
}

static long number(const char *flag, const char *text, long max) {
    char *end;
    long v = text ? strtol(text, &end, 10) : -1;
    if (!text || *end || end == text || v < 0 || v > max) {
        fprintf(stderr, "lesson07_task_server: %s needs a number from 0 to %ld, got '%s'\n", flag, max,
                text ? text : "(nothing)");
        exit(2);
    }
    return v;
}

static int listen_on(long port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, SOMAXCONN) < 0) {
        fprintf(stderr, "lesson07_task_server: cannot listen on 127.0.0.1:%ld: %s\n", port, strerror(errno));
        exit(1);
    }
    return fd;
}

int main(int argc, char **argv) {
    al_loop_options opts = {.backend = "uring"};
    long port = 8000;
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--backend") && v) {
            opts.backend = argv[++i];
        } else if (!strcmp(argv[i], "--port")) {
            port = number(argv[i], v, 65535), i++;
        } else if (!strcmp(argv[i], "--max-connections")) {
            server.max_connections = number(argv[i], v, 1L << 30), i++;
        } else {
            fprintf(stderr, "lesson07_task_server: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    int rc = al_loop_new(&server.loop, &opts);
    if (rc < 0) {
        fprintf(stderr, "lesson07_task_server: %s\n", al_loop_backend_error(rc));
        return 1;
    }
    server.listen_fd = listen_on(port);
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    getsockname(server.listen_fd, (struct sockaddr *)&a, &len);
    al_printf(server.loop, "Server is running on port %u...", (unsigned)ntohs(a.sin_port));
    al_task *acc = NULL;
    rc = al_task_create_fiber(server.loop, &acc, "accept", acceptor, NULL, 0);
    if (rc == 0) rc = al_loop_run_until_complete(server.loop, acc);
    if (rc == 0) rc = al_loop_run(server.loop);     /* the last connections finish */
    if (acc) al_task_release(acc);
    close(server.listen_fd);
    al_loop_free(server.loop);
    return rc < 0 ? 1 : 0;
}
