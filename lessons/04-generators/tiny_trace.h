/* tiny_trace.h — NOT PART OF THE LESSON: hooks for asynclab's live viewer.
 *
 * The tiny loop in generator_coroutine.c is not core's loop, so nothing
 * traces it for free. When ASYNCLAB_TRACE is set ("path" or "fd:N"), these
 * hooks describe what it does in the core's vocabulary (spawn, suspend,
 * ready, resume, exit, output), with times on the tiny loop's clock, so the
 * viewer can draw the coroutine sleeping. When it is unset, every hook
 * returns at once. Each call site in generator_coroutine.c is marked
 * "viewer:"; read the lesson as if they were not there.
 */
#ifndef LESSON04_TINY_TRACE_H
#define LESSON04_TINY_TRACE_H

#include <stdint.h>

void tiny_trace_start(const char *program, int virtual_clock);
void tiny_trace_finish(void);
void tiny_trace_spawn(int64_t t, uint64_t task, const char *name);
void tiny_trace_resume(int64_t t, uint64_t task);
void tiny_trace_sleeps(int64_t t, uint64_t task, int64_t until);
void tiny_trace_timer_woke(int64_t t, uint64_t task);
void tiny_trace_exit(int64_t t, uint64_t task, int error);
void tiny_trace_output(int64_t t, uint64_t task, const char *line);

#endif
