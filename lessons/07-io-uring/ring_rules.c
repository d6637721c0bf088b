/* ring_rules.c — lesson 7: three rules of the completion model, each shown
 * on socket pairs in one process (no network, nothing timed):
 *
 *   batch      many operations, one system call: eight recv() calls are
 *              eight system calls; eight RECV operations queued on the ring
 *              go to the kernel, and come back, in one io_uring_enter.
 *   ownership  a buffer named in a queued RECV belongs to the kernel until
 *              its completion: two RECVs sharing one buffer both "succeed",
 *              and the first message is gone.
 *   cancel     a queued operation is cancelled in the kernel
 *              (IORING_OP_ASYNC_CANCEL), and its buffer is ours again only
 *              when ITS completion arrives, with -ECANCELED.
 *
 * Usage: lesson07_ring_rules [batch|ownership|cancel]   (all three by default)
 */
#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PAIRS 8

static struct io_uring ring;

static void pairs(int fds[][2], int n) {
    for (int i = 0; i < n; i++)
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds[i]) < 0) {
            perror("lesson07_ring_rules: socketpair");
            exit(1);
        }
}

static void close_pairs(int fds[][2], int n) {
    for (int i = 0; i < n; i++) {
        close(fds[i][0]);
        close(fds[i][1]);
    }
}

static void queue_recv(int fd, char *buf, size_t size, unsigned long tag) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);   /* the ring has room: 16 slots */
    io_uring_prep_recv(sqe, fd, buf, size, 0);
    sqe->user_data = tag;
}

/* Reap one completion: its tag and result. */
static int reap(unsigned long *tag) {
    struct io_uring_cqe *cqe;
    int rc = io_uring_wait_cqe(&ring, &cqe);
    if (rc < 0) {
        fprintf(stderr, "lesson07_ring_rules: io_uring_wait_cqe: %s\n", strerror(-rc));
        exit(1);
    }
    *tag = (unsigned long)cqe->user_data;
    int res = cqe->res;
    io_uring_cqe_seen(&ring, cqe);
    return res;
}

static void batch(void) {
    int fds[PAIRS][2];
    char buf[PAIRS][16];
    pairs(fds, PAIRS);
    printf("batch: %d sockets, each with a message waiting\n", PAIRS);
    for (int i = 0; i < PAIRS; i++) dprintf(fds[i][1], "ping %d", i);
    for (int i = 0; i < PAIRS; i++) (void)!recv(fds[i][0], buf[i], sizeof buf[i], 0);
    printf("  readiness style: %d recv() calls, %d system calls\n", PAIRS, PAIRS);

    for (int i = 0; i < PAIRS; i++) dprintf(fds[i][1], "ping %d", i);
    for (int i = 0; i < PAIRS; i++) queue_recv(fds[i][0], buf[i], sizeof buf[i], (unsigned long)i);
    int submitted = io_uring_submit_and_wait(&ring, PAIRS);   /* the one system call */
    printf("  completion style: %d RECV operations submitted and waited for in 1 "
           "io_uring_enter\n", submitted);
    for (int i = 0; i < PAIRS; i++) {
        unsigned long tag;
        int n = reap(&tag);                 /* no system call: the CQ is shared memory */
        if (i == 0 || i == PAIRS - 1)
            printf("  completion for socket %lu: %d bytes, '%.*s'\n", tag, n, n > 0 ? n : 0, buf[tag]);
    }
    close_pairs(fds, PAIRS);
}

static void ownership(void) {
    int fds[2][2];
    char shared[32] = "";
    pairs(fds, 2);
    printf("ownership: two RECVs queued into ONE buffer, each socket with a message\n");
    dprintf(fds[0][1], "first message");
    dprintf(fds[1][1], "2nd");
    queue_recv(fds[0][0], shared, sizeof shared - 1, 0);
    queue_recv(fds[1][0], shared, sizeof shared - 1, 1);
    io_uring_submit_and_wait(&ring, 2);
    for (int i = 0; i < 2; i++) {
        unsigned long tag;
        int n = reap(&tag);
        printf("  RECV %lu completed: %d bytes\n", tag, n);
    }
    /* Both wrote into `shared`, one after the other: what is left is the
     * second message over the start of the first. */
    printf("  the buffer holds '%s': the first message was overwritten\n", shared);
    printf("  the rule: one buffer per queued operation, untouched until its completion\n");
    close_pairs(fds, 2);
}

static void cancel(void) {
    int fds[1][2];
    pairs(fds, 1);
    char *buf = malloc(64);
    if (!buf) exit(1);
    printf("cancel: a RECV queued on a socket where nothing arrives\n");
    queue_recv(fds[0][0], buf, 64, 1);
    io_uring_submit(&ring);
    printf("  the kernel holds the RECV and the buffer; freeing the buffer now would let it\n"
           "  write into freed memory later\n");
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    io_uring_prep_cancel64(sqe, 1, 0);    /* cancel the operation whose user_data is 1 */
    sqe->user_data = 2;
    io_uring_submit(&ring);
    for (int i = 0; i < 2; i++) {
        unsigned long tag;
        int res = reap(&tag);
        if (tag == 1) printf("  the RECV completed: %s: the buffer is ours again, freed\n", strerror(-res));
        else printf("  the cancel request completed: %d (%s)\n", res, res == 0 ? "found it" : strerror(-res));
    }
    free(buf);
    close_pairs(fds, 1);
}

int main(int argc, char **argv) {
    const char *which = argc > 1 ? argv[1] : "all";
    int all = strcmp(which, "all") == 0;
    if (argc > 2 || (!all && strcmp(which, "batch") && strcmp(which, "ownership") && strcmp(which, "cancel"))) {
        int help = strcmp(which, "--help") == 0;
        fprintf(help ? stdout : stderr,
                "usage: lesson07_ring_rules [batch|ownership|cancel]   (all three by default)\n");
        return help ? 0 : 2;
    }
    int rc = io_uring_queue_init(16, &ring, 0);
    if (rc < 0) {
        fprintf(stderr, "lesson07_ring_rules: io_uring_setup: %s (this kernel or its container "
                        "refuses io_uring: a seccomp profile or kernel.io_uring_disabled)\n",
                strerror(-rc));
        return 1;
    }
    if (all || !strcmp(which, "batch")) batch();
    if (all || !strcmp(which, "ownership")) ownership();
    if (all || !strcmp(which, "cancel")) cancel();
    io_uring_queue_exit(&ring);
    return 0;
}
