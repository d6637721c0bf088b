/* asynclab/op.h — completion operations with a callback (the handle form of
 * al_recv / al_send / al_accept, for code that is not a task).
 *
 * io.h says "call me when fd is readable" and leaves the call to you; an
 * al_op says "receive into this buffer (send these bytes, accept) and call me
 * with the result". On the uring backend the kernel makes the call (queued
 * in the ring, submitted with the loop's next poll, many per system call);
 * on the readiness backends the loop waits for the fd and makes it, so code
 * written on ops runs everywhere. What it costs there: a one-shot wait per
 * operation (on epoll an epoll_ctl to add it and one to remove it) and a
 * send that waits for writability before trying, where a readiness program
 * tries first. So a driver that cares about system calls per request (the
 * HTTP server) uses al_op only where al_op_in_kernel() says the kernel does
 * the work.
 *
 *   al_op op = {.kind = AL_OP_RECV, .fd = fd, .buf = buf, .len = n, .done = cb};
 *   al_op_start(loop, &op);     // cb(&op) later, op.result = bytes or -errno
 *
 * Contract
 *   Ownership  op (and buf) belong to the operation from al_op_start until
 *              done(op) has been called: do not move, reuse or free them,
 *              also after al_op_cancel. Embed op in your own struct and find
 *              it again in done (offsetof): op has no user pointer.
 *   done       called once per successful start, from inside the loop (on
 *              uring: inside its poll phase, so keep it short and queue real
 *              work with al_call_soon), never from al_op_start. The fd is
 *              not closed for you: close it after cancelling; the kernel
 *              keeps its own reference to the file until done() came.
 *   Cancel     al_op_cancel returns 1 if the operation was withdrawn at once
 *              (readiness backends: done() will NOT come), 0 if done() is
 *              still to come (uring: with -ECANCELED, or with the result if
 *              the operation finished first), or a negative errno.
 *   Teardown   al_loop_free cancels every operation in flight and calls its
 *              done() with -ECANCELED before returning.
 *   Errors     al_op_start: -EINVAL (no done, unknown kind), -EBADF, and the
 *              backend's errors (-ERANGE: select and fd >= FD_SETSIZE).
 */
#ifndef ASYNCLAB_OP_H
#define ASYNCLAB_OP_H

#include "backend.h"
#include "loop.h"

int al_op_start(al_loop *loop, al_op *op);
int al_op_cancel(al_loop *loop, al_op *op);
/* 1 when the loop's backend performs operations itself (uring), 0 when it
 * falls back to wait-then-call. */
int al_op_in_kernel(const al_loop *loop);

#endif
