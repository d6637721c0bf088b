/* op.c — completion operations (recv, send, accept) on any backend.
 *
 * A completion backend (uring) takes the operation itself: the kernel does
 * the call when it can and the backend hands back the result. The readiness
 * backends cannot, so here the loop does what every readiness program does:
 * wait until the fd is ready, then make the call without blocking; if it
 * still says EAGAIN (another reader was quicker), wait again. Either way the
 * owner hears once, through op->done, so a program written on these
 * operations runs on every backend.
 *
 * The difference shows in cancellation: a readiness wait is only ours, and
 * withdrawing it is immediate; an operation in the kernel may be writing
 * into its buffer, so cancelling it is a request, and the buffer stays the
 * operation's until the kernel has answered (done() with -ECANCELED, or with
 * the result if the operation won the race).
 */
#define _GNU_SOURCE   /* accept4: the accepted socket non-blocking and close-on-exec in one call */
#include "loop_internal.h"
#include "asynclab/op.h"

#include <errno.h>
#include <sys/socket.h>

int al__op_in_kernel(const al_loop *loop) { return loop->backend->op_start != NULL; }

static int dir_of(const al_op *op) { return op->kind == AL_OP_SEND ? AL_WRITABLE : AL_READABLE; }

static void unlink_op(al_loop *loop, al_op *op) {
    if (op->prev) op->prev->next = op->next; else loop->ops = op->next;
    if (op->next) op->next->prev = op->prev;
    op->prev = op->next = NULL;
}

static void finish(al_loop *loop, al_op *op, int result) {
    unlink_op(loop, op);
    op->result = result;
    op->done(op);
}

/* The call itself, never blocking: what the kernel would have done. */
static int call(const al_op *op) {
    ssize_t n;
    switch (op->kind) {
    case AL_OP_RECV: n = recv(op->fd, op->buf, op->len, MSG_DONTWAIT); break;
    case AL_OP_SEND: n = send(op->fd, op->buf, op->len, MSG_DONTWAIT | MSG_NOSIGNAL); break;
    default: n = accept4(op->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC); break;
    }
    return n < 0 ? -errno : (int)n;
}

static void op_ready(void *owner, int fd) {
    al_op *op = owner;
    al_loop *loop = op->loop;
    int rc = call(op);
    if (rc == -EAGAIN || rc == -EWOULDBLOCK) {
        rc = al__fd_wait(loop, fd, dir_of(op), op_ready, op);   /* someone was quicker */
        if (rc == 0) return;
    }
    finish(loop, op, rc);
}

int al__op_start(al_loop *loop, al_op *op) {
    if (!op || !op->done || op->kind < AL_OP_RECV || op->kind > AL_OP_ACCEPT) return -EINVAL;
    op->loop = loop;
    if (loop->backend->op_start) return loop->backend->op_start(loop->backend_state, op);
    int rc = al__fd_wait(loop, op->fd, dir_of(op), op_ready, op);
    if (rc < 0) return rc;
    op->prev = NULL;
    op->next = loop->ops;
    if (loop->ops) loop->ops->prev = op;
    loop->ops = op;
    return 0;
}

int al__op_cancel(al_loop *loop, al_op *op) {
    if (loop->backend->op_cancel) {
        int rc = loop->backend->op_cancel(loop->backend_state, op);
        return rc < 0 ? rc : 0;
    }
    al__fd_unwait(loop, op->fd, dir_of(op), op);
    unlink_op(loop, op);
    return 1;
}

void al__ops_drain(al_loop *loop) {
    if (loop->backend->op_drain) loop->backend->op_drain(loop->backend_state);
    while (loop->ops) {
        al_op *op = loop->ops;
        al__fd_unwait(loop, op->fd, dir_of(op), op);
        finish(loop, op, -ECANCELED);
    }
}

/* ---- the public handle form (asynclab/op.h) ------------------------------ */

int al_op_start(al_loop *loop, al_op *op) {
    if (!loop) return -EINVAL;
    if (op && op->fd < 0) return -EBADF;
    return al__op_start(loop, op);
}

int al_op_cancel(al_loop *loop, al_op *op) {
    if (!loop || !op) return -EINVAL;
    return al__op_cancel(loop, op);
}

int al_op_in_kernel(const al_loop *loop) { return loop ? al__op_in_kernel(loop) : 0; }
