/* lesson_trace.c — NOT PART OF THE LESSON: trace events for the live viewer.
 *
 * Lesson 1 deliberately uses no asynclab core, so nothing emits trace events
 * on its behalf: these hooks describe by hand what the blocking server does,
 * in the core's vocabulary (spawn, suspend, ready, resume, exit, output).
 * Times are microseconds of CLOCK_MONOTONIC since trace_start(), like a
 * loop's clock that starts at 0.
 */
#include "lesson_trace.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <asynclab/error.h>
#include <asynclab/task.h>
#include <asynclab/trace.h>

static al_trace *trace;       /* NULL: tracing is off, every hook returns */
static struct timespec start;
static uint64_t next_task_id = TRACE_SERVER + 1;

static int64_t elapsed_us(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)(now.tv_sec - start.tv_sec) * 1000000 +
           (now.tv_nsec - start.tv_nsec) / 1000;
}

static void emit(al_event_type type, uint64_t task, int reason, int fd,
                 uint64_t other, int64_t value, const char *text, size_t len)
{
    if (!trace)
        return;
    al_trace_event ev = {
        .t = elapsed_us(), .type = (uint16_t)type, .reason = (uint16_t)reason,
        .fd = fd, .task = task, .other = other, .value = value,
        .text = text, .text_len = len, .text2 = NULL,
    };
    al_trace_emit(trace, &ev);
    /* The viewer draws while we run: do not keep events in a buffer. */
    al_trace_flush(trace);
}

void trace_start(const char *program)
{
    int rc = al_trace_open_env(&trace);
    if (rc < 0) {
        fprintf(stderr, "%s: ASYNCLAB_TRACE: %s; tracing is off\n", program, al_strerror(rc));
        trace = NULL;
        return;
    }
    if (!trace)
        return;
    clock_gettime(CLOCK_MONOTONIC, &start);

    al_trace_event hello = {
        .t = 0, .type = AL_EV_HELLO, .reason = AL_CLOCK_REAL, .fd = -1,
        .other = (uint64_t)getpid(), .text = program, .text_len = strlen(program),
        .text2 = "blocking", /* no poller: the kernel blocks us in each call */
    };
    al_trace_emit(trace, &hello);

    /* No coroutines here: the accept loop and each connection are plain
     * code on main's stack, one blocking call after another. */
    emit(AL_EV_SPAWN, TRACE_SERVER, AL_TASK_PLAIN, -1, 0, 0, "server", 6);
    emit(AL_EV_READY, TRACE_SERVER, AL_WAKE_SPAWN, -1, 0, 0, NULL, 0);
    emit(AL_EV_RESUME, TRACE_SERVER, 0, -1, 0, 0, NULL, 0);
}

void trace_finish(void)
{
    if (!trace)
        return;
    emit(AL_EV_EXIT, TRACE_SERVER, AL_EXIT_OK, -1, 0, 0, NULL, 0);
    al_trace_close(trace);
    trace = NULL;
}

void trace_output(uint64_t task, const char *text, size_t len)
{
    if (!trace)
        return;
    /* One event per line; a request's "\r\n" endings lose their '\r'. */
    size_t begin = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != '\n')
            continue;
        size_t end = i;
        if (end > begin && text[end - 1] == '\r')
            end--;
        /* An empty line must be "" itself: the core reads text_len 0 as
         * "NUL-terminated", and our text is not. */
        const char *line = end > begin ? text + begin : "";
        emit(AL_EV_OUTPUT, task, 0, -1, 0, 0, line, end - begin);
        begin = i + 1;
    }
}

void trace_blocked_reading(uint64_t task, int fd)
{
    emit(AL_EV_SUSPEND, task, AL_WAIT_READ, fd, 0, fd, NULL, 0);
}

void trace_woken_by_fd(uint64_t task, int fd)
{
    emit(AL_EV_READY, task, AL_WAKE_FD, fd, (uint64_t)fd, 0, NULL, 0);
    emit(AL_EV_RESUME, task, 0, -1, 0, 0, NULL, 0);
}

uint64_t trace_connection_begins(int port)
{
    uint64_t id = next_task_id++;
    if (!trace)
        return id;
    char name[AL_TASK_NAME_MAX];
    int n = snprintf(name, sizeof name, "conn %d", port);
    emit(AL_EV_SPAWN, id, AL_TASK_PLAIN, -1, TRACE_SERVER, 0, name, (size_t)n);
    emit(AL_EV_SUSPEND, TRACE_SERVER, AL_WAIT_JOIN, -1, id, 0, NULL, 0);
    emit(AL_EV_READY, id, AL_WAKE_SPAWN, -1, 0, 0, NULL, 0);
    emit(AL_EV_RESUME, id, 0, -1, 0, 0, NULL, 0);
    return id;
}

void trace_connection_ends(uint64_t conn, int error)
{
    emit(AL_EV_EXIT, conn, error ? AL_EXIT_ERROR : AL_EXIT_OK, -1, 0, error, NULL, 0);
    emit(AL_EV_READY, TRACE_SERVER, AL_WAKE_TASK, -1, conn, 0, NULL, 0);
    emit(AL_EV_RESUME, TRACE_SERVER, 0, -1, 0, 0, NULL, 0);
}
