/* reset_client.c — lesson 1's SIGPIPE demo: a client that hangs up rudely.
 *
 * It sends a request, then tears its connection down before the server has
 * answered: it half-closes (FIN: "I will send nothing more") and then resets
 * (close with SO_LINGER set to 0 sends RST instead of a polite goodbye).
 * When the server finally writes its answer, its kernel already knows the
 * peer is gone: send() fails with EPIPE and, unless the server ignores it,
 * SIGPIPE kills the server.
 *
 * Why both FIN and RST? A reset alone makes the server's next send() fail
 * with ECONNRESET, which raises no signal. After a FIN, Linux reports the
 * reset as EPIPE, and EPIPE from send() comes with SIGPIPE.
 *
 * To make the order certain, a first "holder" connection keeps the blocking
 * server busy in recv() while the rude connection is set up and torn down;
 * then the holder sends its request, and only then does the server accept
 * the rude connection and answer it. A last, ordinary request shows whether
 * the server survived.
 *
 *     lesson01_reset_client [--port N]        exit 0: the server still serves
 *                                             exit 1: it does not
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

static const char REQUEST[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_request(int fd)
{
    size_t len = sizeof REQUEST - 1;
    return send(fd, REQUEST, len, 0) == (ssize_t)len ? 0 : -1;
}

/* Read until the server closes; returns 1 if the answer starts with 200. */
static int got_ok_answer(int fd)
{
    char buf[1024];
    size_t len = 0;
    ssize_t n;
    while (len < sizeof buf && (n = recv(fd, buf + len, sizeof buf - len, 0)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return 0;
        }
        len += (size_t)n;
    }
    return len >= 15 && memcmp(buf, "HTTP/1.1 200 OK", 15) == 0;
}

static int fail(const char *what)
{
    printf("reset_client: %s: %s\n", what, strerror(errno));
    return 1;
}

int main(int argc, char **argv)
{
    int port = 8001;
    setvbuf(stdout, NULL, _IOLBF, 0); /* interleave with the server's log */
    if (argc == 3 && strcmp(argv[1], "--port") == 0) {
        port = atoi(argv[2]);
    } else if (argc != 1) {
        fprintf(stderr, "usage: %s [--port N]\n", argv[0]);
        return 2;
    }

    int holder = connect_to(port);
    if (holder < 0)
        return fail("connect (holder)");
    printf("holder connected: the server now blocks in recv() for it\n");

    int rude = connect_to(port);
    if (rude < 0 || send_request(rude) < 0)
        return fail("connect/send (rude client)");
    shutdown(rude, SHUT_WR);                   /* FIN: nothing more from us */
    struct linger abort_on_close = { .l_onoff = 1, .l_linger = 0 };
    setsockopt(rude, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
    close(rude);                               /* RST: forget the connection */
    printf("rude client sent a request, then half-closed and reset its connection\n");

    if (send_request(holder) < 0 || !got_ok_answer(holder))
        return fail("holder's request");
    close(holder);
    printf("holder answered; next the server answers the rude client: EPIPE\n");

    int after = connect_to(port);
    if (after < 0 || send_request(after) < 0 || !got_ok_answer(after)) {
        printf("the server is gone: SIGPIPE killed it\n");
        return 1;
    }
    close(after);
    printf("the server is still serving\n");
    return 0;
}
