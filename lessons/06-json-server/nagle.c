/* nagle.c — lesson 6: why the HTTP server sets TCP_NODELAY.
 *
 * Two TCP rules, each sensible alone, stall a request/response protocol when
 * they meet:
 *
 *   Nagle's algorithm (sender): while sent data is not yet acknowledged,
 *     hold back further *small* writes and send them together later.
 *   Delayed ACK (receiver): do not acknowledge at once; wait (Linux: at
 *     least 40 ms) in case an answer is about to go out that can carry the
 *     ACK for free.
 *
 * A client that writes a request in two small pieces (a head, then a body)
 * and then waits for the answer: the first piece goes out; the second is
 * held back by Nagle until the first is ACKed; the server does not answer
 * before it has both pieces, so no answer carries the ACK, and the ACK
 * comes when the delayed-ACK timer fires. Every such request costs ~40 ms
 * on a link that takes microseconds.
 *
 * For each setting this program runs ROUNDS of: write(8 bytes),
 * write(8 bytes), ask the kernel how many bytes are still unsent
 * (ioctl SIOCOUTQNSD: the held-back piece), read the 1-byte answer. A
 * thread of the same process is the server (reads 16 bytes, answers 1). It
 * prints what it measured: rounds whose second write was held back, rounds
 * slower than 20 ms, and the median round time.
 *
 *   --rounds N            rounds per setting (default 20)
 *   --only nagle|nodelay  one setting only
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUNDS 1000

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The server: one connection; per round, read both pieces, answer 1 byte. */
static void *server(void *arg) {
    int lfd = *(int *)arg;
    int fd = accept(lfd, NULL, NULL);
    char buf[16];
    while (fd >= 0 && recv(fd, buf, sizeof buf, MSG_WAITALL) == (ssize_t)sizeof buf)
        if (send(fd, "!", 1, 0) != 1) break;
    if (fd >= 0) close(fd);
    return NULL;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One setting: a fresh connection, ROUNDS requests in two pieces. */
static int run(int nodelay, int rounds, int verbose) {
    int lfd = socket(AF_INET, SOCK_STREAM, 0), cfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t alen = sizeof a;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    pthread_t t;
    if (lfd < 0 || cfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 1) < 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &alen) < 0 || pthread_create(&t, NULL, server, &lfd) != 0 ||
        connect(cfd, (struct sockaddr *)&a, sizeof a) < 0)
        return perror("nagle: setting up"), 1;
    int one = 1;
    if (nodelay) setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const char *name = nodelay ? "TCP_NODELAY" : "Nagle on (the default)";

    double ms[MAX_ROUNDS];
    int held = 0, slow = 0;
    for (int r = 0; r < rounds; r++) {
        char answer;
        int unsent = 0;
        double start = now_ms();
        if (send(cfd, "HEAD....", 8, 0) != 8 || send(cfd, "BODY....", 8, 0) != 8) return perror("nagle: send"), 1;
        ioctl(cfd, SIOCOUTQNSD, &unsent);   /* bytes in the send queue not sent yet */
        if (recv(cfd, &answer, 1, MSG_WAITALL) != 1) return perror("nagle: recv"), 1;
        ms[r] = now_ms() - start;
        held += unsent > 0;
        slow += ms[r] > 20;
        if (verbose)
            printf("%s round %2d: %6.2f ms, %d bytes held back after the second write\n", name, r + 1, ms[r], unsent);
    }
    close(cfd);
    pthread_join(t, NULL);
    close(lfd);
    qsort(ms, (size_t)rounds, sizeof ms[0], by_value);
    printf("%s: %d of %d rounds held the second write back; %d took over 20 ms; median %.2f ms\n", name, held,
           rounds, slow, ms[rounds / 2]);
    return 0;
}

int main(int argc, char **argv) {
    int rounds = 20, verbose = 0;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
            char *end;
            long n = strtol(argv[++i], &end, 10);
            if (*end || end == argv[i] || n < 1 || n > MAX_ROUNDS) {
                fprintf(stderr, "nagle: --rounds wants 1 to %d, got '%s'\n", MAX_ROUNDS, argv[i]);
                return 2;
            }
            rounds = (int)n;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc &&
                   (strcmp(argv[i + 1], "nagle") == 0 || strcmp(argv[i + 1], "nodelay") == 0)) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--verbose") == 0) {
            verbose = 1;
        } else {
            fprintf(stderr, "nagle: unknown or incomplete option '%s'\n"
                            "usage: nagle [--rounds N] [--only nagle|nodelay] [--verbose]\n", argv[i]);
            return strcmp(argv[i], "--help") == 0 ? 0 : 2;
        }
    }
    if ((!only || strcmp(only, "nagle") == 0) && run(0, rounds, verbose)) return 1;
    if ((!only || strcmp(only, "nodelay") == 0) && run(1, rounds, verbose)) return 1;
    return 0;
}
