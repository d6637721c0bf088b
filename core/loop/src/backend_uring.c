/* backend_uring.c — the io_uring backend: readiness asked through a ring.
 *
 * io_uring (Linux 5.1) is two rings shared with the kernel: the program
 * writes requests (SQEs) into the submission queue and reads results (CQEs)
 * from the completion queue; one io_uring_enter() hands over any number of
 * requests and waits for any number of results. It is built for completions
 * (recv and send done by the kernel), but one of its requests is "tell me
 * when this fd is ready", IORING_OP_POLL_ADD, and that is what this file uses
 * to keep the loop's readiness contract, so every program runs on it
 * unchanged.
 *
 *   add/del  only change our table (one record per fd) and put fds that
 *            need a request on a list: nothing is said to the kernel yet.
 *   poll     one POLL_ADD per listed fd, then one io_uring_enter() that
 *            submits them all and waits for the first completion (with the
 *            timeout passed in the same call: IORING_FEAT_EXT_ARG, 5.11).
 *
 * Our poll requests are one-shot (not IORING_POLL_ADD_MULTI): a completion
 * ends the request, and the next poll() re-arms the fd if it is still
 * watched. The kernel checks readiness when it arms a poll, so a fd that
 * stayed ready completes again at once: level-triggered, like select, poll
 * and our epoll, which is what the loop expects. Multishot would save the
 * re-arm but is edge-like (it reports changes) and would need the loop to
 * read until EAGAIN.
 *
 * A request cannot be changed, only removed (POLL_REMOVE, by its user_data)
 * and made anew. So each fd's request carries a generation: removing one
 * bumps it, and a late completion of an older generation is ignored.
 * Removing matters: an armed poll holds a reference to the open file, so a
 * socket closed while one is armed would stay connected until it fired.
 * Shrinking the mask to a smaller non-zero one keeps the request: a fire for
 * a direction nobody waits for is harmless, and the re-arm uses the new mask.
 *
 * A closed fd gets a completion with -EBADF, reported readable|writable as
 * poll(2) reports POLLNVAL. A regular file is always ready, as with poll.
 *
 * And the operations themselves (op_start: recv, send, accept) go in the
 * same ring: the kernel does the call when it can and posts its result;
 * reap() hands it to op->done. The op and its buffer are the kernel's until
 * then, so cancelling is asking (IORING_OP_ASYNC_CANCEL) and waiting for the
 * answer, and al_loop_free drains every op before anything is freed.
 *
 * user_data says whose a completion is: 0 a removal or a cancellation (no
 * news), an odd number a poll request (fd and generation), an even one the
 * address of an al_op.
 *
 * No interrupt op: the only code run inside poll() is op->done (which
 * queues a task step), and poll() returns right after the reap that ran it
 * instead of waiting again. Nothing else can give the loop work meanwhile:
 * no foreign callbacks (libuv's case), no other thread.
 */
#include "asynclab/backend.h"

#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define SQ_ENTRIES 256      /* a full queue is submitted and reused */
#define CQ_ENTRIES 4096     /* beyond this the kernel keeps overflow itself */

typedef struct uring_fd {
    int mask;               /* what the loop wants: AL_READABLE | AL_WRITABLE */
    int armed;              /* the mask of the request in the kernel, 0 if none */
    unsigned gen;           /* the generation of that request */
    int listed;             /* on the to-arm list */
    unsigned fired_round;   /* the poll() call that put it in fired[] ... */
    int fired_slot;         /* ... at this index */
} uring_fd;

typedef struct uring_state {
    struct io_uring ring;
    uring_fd *fds;          /* fds[fd], fd < fds_size */
    int fds_size;
    int *to_arm;            /* fds whose request must be (re)made */
    int to_arm_len, to_arm_cap;
    unsigned round;
    unsigned submitted, completed;   /* since the last counts() */
    al_op *ops;             /* in flight: the kernel holds them */
    int ops_done;           /* done() calls during the current reap */
} uring_state;

/* user_data of a poll request: fd and generation, odd (op addresses are even). */
static uint64_t poll_tag(int fd, unsigned gen) {
    return (uint64_t)gen << 32 | (uint64_t)(uint32_t)fd << 1 | 1;
}

static int uring_create(void **state) {
    uring_state *u = calloc(1, sizeof *u);
    if (!u) return -ENOMEM;
    /* SINGLE_ISSUER | DEFER_TASKRUN (6.1): the kernel finishes our
     * requests (runs their "task work") only when this thread enters the
     * ring to wait, instead of interrupting it with an IPI for each one as
     * it runs user code. The loop is single-threaded and always enters to
     * wait, so nothing is lost, and the server spends less CPU per request
     * (tests/bench/README-http.md). */
    struct io_uring_params p = {.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SINGLE_ISSUER |
                                          IORING_SETUP_DEFER_TASKRUN,
                                .cq_entries = CQ_ENTRIES};
    int rc = io_uring_queue_init_params(SQ_ENTRIES, &u->ring, &p);
    if (rc == -EINVAL) {   /* a kernel before 6.1 */
        p = (struct io_uring_params){.flags = IORING_SETUP_CQSIZE, .cq_entries = CQ_ENTRIES};
        rc = io_uring_queue_init_params(SQ_ENTRIES, &u->ring, &p);
    }
    if (rc < 0) {
        /* Refused by the kernel: say where that usually comes from. */
        al_backend_explain("io_uring is not available here: io_uring_setup: %s (a container's "
                           "seccomp profile or kernel.io_uring_disabled); use "
                           "ASYNCLAB_BACKEND=epoll", strerror(-rc));
        free(u);
        return rc;
    }
    *state = u;
    return 0;
}

static void uring_op_drain(void *state);

static void uring_destroy(void *state) {
    uring_state *u = state;
    uring_op_drain(u);   /* the loop drained already; this is for direct users */
    io_uring_queue_exit(&u->ring);   /* cancels what is still in the kernel */
    free(u->fds);
    free(u->to_arm);
    free(u);
}

/* Hand the queued requests to the kernel (one io_uring_enter), counted. */
static int submit(uring_state *u) {
    int rc = io_uring_submit(&u->ring);
    if (rc > 0) u->submitted += (unsigned)rc;
    return rc;
}

/* A free SQE; a full submission queue is handed to the kernel first. */
static struct io_uring_sqe *get_sqe(uring_state *u) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);
    if (!sqe && submit(u) >= 0) sqe = io_uring_get_sqe(&u->ring);
    return sqe;
}

/* One io_uring_enter: submit what is queued, let the kernel run its
 * deferred work (which posts the completions), and unless timeout_ms is 0
 * wait for a completion until the deadline (-ETIME when it passed). With
 * DEFER_TASKRUN (uring_create) that work runs only here: a removed poll,
 * for one, lets go of its file then. */
static int enter(uring_state *u, int timeout_ms, const struct timespec *deadline) {
    unsigned queued = io_uring_sq_ready(&u->ring);
    int rc;
    if (timeout_ms == 0) {
        rc = io_uring_submit_and_get_events(&u->ring);
    } else if (timeout_ms < 0) {
        rc = io_uring_submit_and_wait(&u->ring, 1);
    } else {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        int64_t left_ns = (int64_t)(deadline->tv_sec - now.tv_sec) * 1000000000 +
                          (deadline->tv_nsec - now.tv_nsec);
        if (left_ns < 0) left_ns = 0;   /* still submit, and take what is there */
        struct __kernel_timespec ts = {left_ns / 1000000000, left_ns % 1000000000};
        struct io_uring_cqe *cqe;
        rc = io_uring_submit_and_wait_timeout(&u->ring, &cqe, 1, &ts, NULL);
    }
    u->submitted += queued - io_uring_sq_ready(&u->ring);
    return rc;
}

static int list_to_arm(uring_state *u, int fd) {
    if (u->fds[fd].listed) return 0;
    if (u->to_arm_len == u->to_arm_cap) {
        int cap = u->to_arm_cap ? u->to_arm_cap * 2 : 64;
        int *list = realloc(u->to_arm, (size_t)cap * sizeof *list);
        if (!list) return -ENOMEM;
        u->to_arm = list;
        u->to_arm_cap = cap;
    }
    u->to_arm[u->to_arm_len++] = fd;
    u->fds[fd].listed = 1;
    return 0;
}

/* Take fd's request out of the kernel; its completion will be stale. */
static int disarm(uring_state *u, int fd) {
    uring_fd *f = &u->fds[fd];
    struct io_uring_sqe *sqe = get_sqe(u);
    if (!sqe) return -EBUSY;
    io_uring_prep_poll_remove(sqe, poll_tag(fd, f->gen));
    io_uring_sqe_set_data64(sqe, 0);
    f->armed = 0;
    f->gen++;
    return 0;
}

static int uring_add(void *state, int fd, int old_mask, int add_mask) {
    uring_state *u = state;
    (void)old_mask;
    if (fd < 0 || fcntl(fd, F_GETFD) == -1) return -EBADF;
    if (fd >= u->fds_size) {
        int size = u->fds_size ? u->fds_size : 64;
        while (size <= fd) size *= 2;
        uring_fd *fds = realloc(u->fds, (size_t)size * sizeof *fds);
        if (!fds) return -ENOMEM;
        memset(fds + u->fds_size, 0, (size_t)(size - u->fds_size) * sizeof *fds);
        u->fds = fds;
        u->fds_size = size;
    }
    uring_fd *f = &u->fds[fd];
    int mask = (f->mask | add_mask) & (AL_READABLE | AL_WRITABLE);
    if (mask == f->mask) return 0;
    int rc = list_to_arm(u, fd);
    if (rc == 0 && (mask & ~f->armed) && f->armed) rc = disarm(u, fd);   /* a wider request */
    if (rc == 0) f->mask = mask;
    return rc;
}

static int uring_del(void *state, int fd, int old_mask, int del_mask) {
    uring_state *u = state;
    (void)old_mask;
    if (fd < 0 || fd >= u->fds_size || !u->fds[fd].mask) return -ENOENT;
    uring_fd *f = &u->fds[fd];
    f->mask &= ~del_mask;
    if (!f->mask && f->armed) {
        /* Submitted now, not with the next poll: until the kernel drops
         * its request it holds the file, and a socket the program closes
         * next would stay connected. (A fd whose request completed, the
         * usual case, has nothing to remove and costs no system call.) */
        int rc = disarm(u, fd);
        if (rc == 0) rc = enter(u, 0, NULL);   /* and run the deferred work that lets go of it */
        return rc < 0 ? rc : 0;
    }
    return 0;
}

/* Queue a POLL_ADD for every listed fd that still wants one. */
static int arm_listed(uring_state *u) {
    for (int i = 0; i < u->to_arm_len; i++) {
        int fd = u->to_arm[i];
        uring_fd *f = &u->fds[fd];
        if (f->mask && !f->armed) {
            struct io_uring_sqe *sqe = get_sqe(u);
            if (!sqe) {   /* the rest stay listed for the next poll */
                memmove(u->to_arm, u->to_arm + i, (size_t)(u->to_arm_len - i) * sizeof *u->to_arm);
                u->to_arm_len -= i;
                return -EBUSY;
            }
            unsigned events = ((f->mask & AL_READABLE) ? POLLIN : 0) |
                              ((f->mask & AL_WRITABLE) ? POLLOUT : 0);
            io_uring_prep_poll_add(sqe, fd, events);
            io_uring_sqe_set_data64(sqe, poll_tag(fd, f->gen));
            f->armed = f->mask;
        }
        f->listed = 0;
    }
    u->to_arm_len = 0;
    return 0;
}

static int events_of(int res) {
    if (res < 0) return AL_READABLE | AL_WRITABLE;   /* -EBADF: closed under us */
    if (res & (POLLERR | POLLHUP | POLLNVAL)) return AL_READABLE | AL_WRITABLE;
    return ((res & POLLIN) ? AL_READABLE : 0) | ((res & POLLOUT) ? AL_WRITABLE : 0);
}

/* The kernel is done with op: it leaves our list, its owner hears. */
static void op_finished(uring_state *u, al_op *op, int res) {
    if (op->prev) op->prev->next = op->next; else u->ops = op->next;
    if (op->next) op->next->prev = op->prev;
    op->prev = op->next = NULL;
    op->result = res;
    u->ops_done++;
    op->done(op);
}

/* Move completions into fired[]: stale ones are dropped, a second one for
 * the same fd is merged, and when fired[] is full the rest stay in the ring.
 * Operations' completions go to their owners. fired == NULL (draining):
 * readiness is only consumed. */
static int reap(uring_state *u, al_fired *fired, int max_fired) {
    int n = 0;
    struct io_uring_cqe *cqe;
    while (io_uring_peek_cqe(&u->ring, &cqe) == 0) {
        uint64_t tag = io_uring_cqe_get_data64(cqe);
        if (tag && !(tag & 1)) {
            op_finished(u, (al_op *)(uintptr_t)tag, cqe->res);
            io_uring_cqe_seen(&u->ring, cqe);
            u->completed++;
            continue;
        }
        int fd = (int)((tag & 0xffffffff) >> 1);
        uring_fd *f = tag && fd < u->fds_size ? &u->fds[fd] : NULL;
        if (f && f->armed && f->gen == (unsigned)(tag >> 32)) {
            int mine = fired && f->fired_round == u->round && f->fired_slot < n;
            if (fired && !mine && n == max_fired) break;
            if (!mine && fired) {
                f->fired_round = u->round;
                f->fired_slot = n;
                fired[n++] = (al_fired){fd, 0};
            }
            if (fired) fired[f->fired_slot].events |= events_of(cqe->res);
            f->armed = 0;
            if (f->mask && list_to_arm(u, fd) < 0) f->mask = 0;   /* cannot re-arm */
        }
        io_uring_cqe_seen(&u->ring, cqe);
        u->completed++;
    }
    return n;
}

static int uring_poll(void *state, int timeout_ms, al_fired *fired, int max_fired) {
    uring_state *u = state;
    if (!fired || max_fired < 1) return -EINVAL;
    u->round++;
    u->ops_done = 0;
    int rc = arm_listed(u);
    if (rc < 0) return rc;
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
    if (deadline.tv_nsec >= 1000000000) deadline.tv_sec++, deadline.tv_nsec -= 1000000000;
    for (;;) {
        rc = enter(u, timeout_ms, &deadline);
        if (rc < 0 && rc != -EINTR && rc != -ETIME) return rc;
        int n = reap(u, fired, max_fired);
        if (n > 0 || u->ops_done > 0 || timeout_ms == 0 || rc == -EINTR || rc == -ETIME) return n;
        /* Only stale completions (removed polls): wait again, same deadline. */
    }
}

/* ---- completion operations ---------------------------------------------- */

static int uring_op_start(void *state, al_op *op) {
    uring_state *u = state;
    struct io_uring_sqe *sqe = get_sqe(u);
    if (!sqe) return -EBUSY;
    switch (op->kind) {
    case AL_OP_RECV: io_uring_prep_recv(sqe, op->fd, op->buf, op->len, 0); break;
    case AL_OP_SEND: io_uring_prep_send(sqe, op->fd, op->buf, op->len, MSG_NOSIGNAL); break;
    case AL_OP_ACCEPT:
        io_uring_prep_accept(sqe, op->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        break;
    default:
        /* The SQE is ours already: make it a no-op nobody hears about. */
        io_uring_prep_nop(sqe);
        io_uring_sqe_set_data64(sqe, 0);
        return -EINVAL;
    }
    io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)op);
    op->cancelling = 0;
    op->prev = NULL;
    op->next = u->ops;
    if (u->ops) u->ops->prev = op;
    u->ops = op;
    return 0;   /* submitted with the next poll, with everything else queued */
}

/* Ask, submit at once, and run the deferred work the cancellation queued
 * (DEFER_TASKRUN): only then does the kernel drop op's request, and with it
 * the file, so a socket the program closes next is closed for its peer at
 * once, as after del(). The answer comes as op's own completion, reaped by
 * the next poll. */
static int uring_op_cancel(void *state, al_op *op) {
    uring_state *u = state;
    if (op->cancelling) return 0;
    struct io_uring_sqe *sqe = get_sqe(u);
    if (!sqe) return -EBUSY;
    io_uring_prep_cancel64(sqe, (uint64_t)(uintptr_t)op, 0);
    io_uring_sqe_set_data64(sqe, 0);
    op->cancelling = 1;
    int rc = enter(u, 0, NULL);
    return rc < 0 ? rc : 0;
}

static void uring_op_drain(void *state) {
    uring_state *u = state;
    for (al_op *op = u->ops; op; op = op->next) uring_op_cancel(u, op);
    while (u->ops) {
        struct io_uring_cqe *cqe;
        submit(u);
        int rc = io_uring_wait_cqe(&u->ring, &cqe);
        if (rc < 0 && rc != -EINTR) break;   /* the ring is broken: nothing more will come */
        reap(u, NULL, 0);
    }
}

static int uring_alive(void *state) {
    return ((uring_state *)state)->ops != NULL;
}

/* What batching bought: requests per io_uring_enter, for the trace. */
static void uring_counts(void *state, unsigned *submitted, unsigned *completed) {
    uring_state *u = state;
    *submitted = u->submitted;
    *completed = u->completed;
    u->submitted = u->completed = 0;
}

const al_backend_ops al_backend_uring = {
    .name = "uring",
    .create = uring_create,
    .destroy = uring_destroy,
    .add = uring_add,
    .del = uring_del,
    .poll = uring_poll,
    .alive = uring_alive,
    .interrupt = NULL,
    .counts = uring_counts,
    .op_start = uring_op_start,
    .op_cancel = uring_op_cancel,
    .op_drain = uring_op_drain,
};
