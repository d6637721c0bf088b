/* asynclab/backend.h — the I/O multiplexing contract every backend fulfils.
 *
 * A backend is a small ops table, in the spirit of Redis's ae_select.c /
 * ae_epoll.c: it knows how to ask the kernel "which of these descriptors is
 * ready?" and nothing else. The loop owns all bookkeeping (which callback or
 * task waits on which fd); the backend only mirrors the interest masks.
 *
 *   create   allocate the backend state for one loop.
 *   destroy  free it (the loop has already removed every fd).
 *   add      fd's interest grows from old_mask to old_mask|add_mask.
 *   del      fd's interest shrinks from old_mask to old_mask&~del_mask
 *            (to 0 means: forget the fd).
 *   poll     wait up to timeout_ms (-1 = forever, 0 = just look) and write at
 *            most max_fired {fd, events} pairs into fired[]. Returns how many,
 *            0 on timeout or EINTR, negative errno on failure. Errors and
 *            hang-ups are reported as readable|writable, so the owner's next
 *            read or write sees the error itself.
 *   alive    optional (NULL = never): 1 while backend-native handles exist
 *            that should keep the loop running (libuv's own TCP handles).
 *   interrupt optional (NULL = nothing to do): end the poll in progress. Only
 *            a backend that runs foreign callbacks inside its poll needs it
 *            (libuv's): when one gives the loop work, the poll must return.
 *   native   optional (NULL = none): the library loop underneath (libuv's
 *            uv_loop_t), for programs that share it (asynclab/uv.h).
 *   op_start optional (NULL = a readiness backend): hand a completion
 *            operation (al_op below: recv, send, accept) to the kernel. The
 *            backend calls op->done(op) once the kernel has finished with
 *            it (op->result set), from inside a later poll, never from
 *            op_start itself. Until then op and its buffer are the kernel's.
 *            Without op_start the loop does it the readiness way (wait, then
 *            make the call itself: core/loop/src/op.c).
 *   op_cancel ask the kernel to give up op (io_uring: IORING_OP_ASYNC_CANCEL).
 *            done() still comes, from a later poll, with -ECANCELED, or with
 *            the result if the operation finished first. When op_cancel
 *            returns the kernel no longer holds op's descriptor: a socket
 *            closed next is closed for its peer at once (as after del()).
 *   op_drain cancel every operation in flight and wait until done() ran for
 *            each: al_loop_free calls it before any buffer can be freed.
 *            While operations are in flight the backend is alive().
 *   counts   optional (NULL = nothing to count): a backend that queues
 *            requests to the kernel (uring) says how many it submitted and
 *            how many completions it reaped since the last call; the loop
 *            asks after each poll and puts both in its poll_end event.
 *
 * create() may say in words why it failed, where the errno alone would
 * mislead (io_uring refused by a seccomp profile reads as "EPERM"): it calls
 * al_backend_explain(), and al_loop_backend_error() (loop.h) returns the text.
 *
 * Masks: AL_READABLE | AL_WRITABLE. Errors are negative errno values.
 * add() on an fd the backend cannot watch returns an error and leaves the
 * interest unchanged (select: -ERANGE for fd >= FD_SETSIZE).
 */
#ifndef ASYNCLAB_BACKEND_H
#define ASYNCLAB_BACKEND_H

#define AL_READABLE 1
#define AL_WRITABLE 2

typedef struct al_fired {
    int fd;
    int events;   /* AL_READABLE | AL_WRITABLE */
} al_fired;

/* A completion operation, for backends with op_start. The loop fills in
 * everything above `result` and keeps the struct in place until done(). */
enum { AL_OP_RECV = 1, AL_OP_SEND, AL_OP_ACCEPT };
typedef struct al_op al_op;
struct al_op {
    int kind;                /* AL_OP_RECV, AL_OP_SEND, AL_OP_ACCEPT */
    int fd;
    void *buf;               /* recv, send: the bytes; accept: unused */
    unsigned len;
    void (*done)(al_op *op);
    int result;              /* bytes, the accepted fd, or a negative errno */
    int cancelling;          /* the backend's: a cancellation was asked for */
    void *loop;              /* the loop's (op.c) */
    al_op *prev, *next;      /* the backend's or the loop's: ops in flight */
};

typedef struct al_backend_ops {
    const char *name;
    int  (*create)(void **state);
    void (*destroy)(void *state);
    int  (*add)(void *state, int fd, int old_mask, int add_mask);
    int  (*del)(void *state, int fd, int old_mask, int del_mask);
    int  (*poll)(void *state, int timeout_ms, al_fired *fired, int max_fired);
    int  (*alive)(void *state);
    void (*interrupt)(void *state);
    void *(*native)(void *state);
    void (*counts)(void *state, unsigned *submitted, unsigned *completed);
    int  (*op_start)(void *state, al_op *op);
    int  (*op_cancel)(void *state, al_op *op);
    void (*op_drain)(void *state);
} al_backend_ops;

extern const al_backend_ops al_backend_select;
extern const al_backend_ops al_backend_poll;
extern const al_backend_ops al_backend_epoll;
extern const al_backend_ops al_backend_uv;
extern const al_backend_ops al_backend_uring;

/* The backend called `name`, or NULL. */
const al_backend_ops *al_backend_find(const char *name);

/* The names of all backends, NULL-terminated, in teaching order. */
extern const char *const al_backend_names[];

/* For create(): why it failed, printf-style, kept (cut at 255 bytes) for this
 * thread until the next al_loop_create. */
void al_backend_explain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
