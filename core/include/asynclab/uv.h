/* asynclab/uv.h — reaching libuv underneath the uv backend.
 *
 * The uv backend runs the loop's poll step on a private uv_loop_t (not libuv's
 * default loop). Code that speaks libuv natively — a uv_tcp_t server, a
 * uv_async_t woken from another thread, uv_queue_work — may put its own
 * handles and requests on that same uv_loop_t: their callbacks run during the
 * loop's poll step, and while any of them is active (and referenced) the
 * al_loop stays alive (backend alive(), see backend.h).
 *
 * Contract
 *   Ownership  the uv_loop_t belongs to the backend: never uv_run(),
 *              uv_stop() or uv_loop_close() it yourself.
 *   Lifetime   valid from al_loop_new() until al_loop_free(). Close your
 *              handles before freeing the loop and let one more iteration run
 *              their close callbacks; handles still open at al_loop_free()
 *              are closed for you *without* their close callbacks, so that
 *              the uv_loop_t can be freed without libuv touching it again.
 *   Threading  the loop's thread only; uv_async_send() is the one libuv call
 *              another thread may make.
 *   Waking     native callbacks run inside the loop's poll step. libuv runs
 *              due timers at the top of an iteration and then blocks for
 *              I/O, so when a native callback gives the al_loop new work
 *              (queues a callback, wakes a task, starts an earlier timer)
 *              the loop itself calls uv_stop() on this uv_loop_t, which ends
 *              the current poll step only, never the al_loop.
 *   Limits     libuv allows one I/O watcher per descriptor and loop: an fd
 *              that a native handle owns cannot also be watched through the
 *              al_loop (-EEXIST), and the reverse trips libuv's own checks.
 *              Watching an fd through the uv backend makes it non-blocking
 *              (uv_poll_init sets O_NONBLOCK).
 */
#ifndef ASYNCLAB_UV_H
#define ASYNCLAB_UV_H

#include <uv.h>

#include "loop.h"

/* The libuv loop under `loop`, or NULL unless the loop uses the uv backend. */
uv_loop_t *al_loop_uv(al_loop *loop);

/* The libuv loop of one uv backend state (what al_backend_uv.create made).
 * For the loop library and for tests of the backend on its own; everyone
 * else wants al_loop_uv(). */
uv_loop_t *al_backend_uv_native(void *backend_state);

#endif
