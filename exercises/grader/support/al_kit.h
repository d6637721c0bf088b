/* al_kit.h — the grading kit: what exercise tests use to drive a submission.
 *
 * Tests are compiled into the judge, never with the submission (see
 * al_subject.h); the kit gives them the submission as subjects to start and
 * call, real peers, and a look inside the processes under test, so
 * concurrency is graded by what the submission does, not by what it
 * prints. The clients, byte buffers and reply parser are also linked into
 * the subject, for the probes; the rest is the judge's:
 *
 *   servers   al_kit_listen() opens 127.0.0.1 on a port the kernel picks,
 *             *before* the server runs: connecting works from that moment on
 *             (the kernel queues the connection), so there is no "is it up
 *             yet?" race. al_kit_server_start() starts a subject entry (the
 *             submission's server) on that socket.
 *   calls     AL_CALL() runs a probe entry in a subject and reads back what
 *             the submission's functions returned; a crash, a sanitizer
 *             report, an early exit or a hang there ends the test as a
 *             CRASH or TIMEOUT naming the call.
 *   clients   blocking connect, send everything, read until the server
 *             closes, with a deadline on every wait.
 *   replies   al_kit_reply_parse() checks a response the way a strict client
 *             would (core's one response reader, asynclab/http_response_reader.h):
 *             status line, headers, Content-Length equal to the body.
 *   /proc     open descriptors, threads, child processes, what an epoll
 *             instance watches (fdinfo) and what a process is blocked in
 *             (the judge runs as root, or as the subject's own user).
 *
 * Every wait is bounded (timeout_ms); errors are negative errno values and
 * never abort the test by themselves: the test checks them with AL_CHECK.
 * Everything here talks to 127.0.0.1 only.
 */
#ifndef AL_KIT_H
#define AL_KIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- time ---------------------------------------------------------------- */

/* Milliseconds on the monotonic clock, for deadlines. */
int64_t al_kit_ms(void);

/* ---- growing byte buffers ------------------------------------------------- */

typedef struct al_kit_bytes {
    char *data;     /* NUL-terminated for convenience; may hold NULs too */
    size_t len, cap;
} al_kit_bytes;

int al_kit_bytes_append(al_kit_bytes *b, const void *data, size_t len);
void al_kit_bytes_free(al_kit_bytes *b);

/* ---- servers under test --------------------------------------------------- */

/* A listening TCP socket on 127.0.0.1, port chosen by the kernel, backlog
 * 128. Its send buffer is fixed at AL_KIT_SNDBUF (accepted sockets inherit
 * it, and a fixed size turns off the kernel's autotuning): loopback would
 * otherwise swallow a megabyte for a client that never reads, and a server
 * that blocks on such a client would go unnoticed. Returns the fd (and the
 * port) or -errno. */
#define AL_KIT_SNDBUF (32 * 1024)
int al_kit_listen(uint16_t *port);

/* Start the subject's entry `entry` (an AL_ENTRY of the exercise's probes,
 * see al_subject.h) as a server: it gets listen_fd (as `peer`) and the
 * arg_len bytes of arg. The judge closes its copy of listen_fd: from then
 * on the socket lives as long as the server does, so a server that dies
 * makes clients fail at once (connection refused or reset) instead of
 * waiting for a timeout. Returns the server's pid (its own process group,
 * the submission's uid) or -errno. */
pid_t al_kit_server_start(const char *entry, int listen_fd, const void *arg, size_t arg_len);

/* The channel to a server started above (what its entry sends with
 * al_entry_reply), or -1. */
int al_kit_server_chan(pid_t pid);

/* Wait up to timeout_ms for the server to end. Returns its exit status
 * (>= 0), 128 + signal if it was killed, or -ETIMEDOUT. */
int al_kit_server_wait(pid_t pid, int timeout_ms);

/* SIGKILL its process group and reap. A server that had died of a signal or
 * a sanitizer report makes the test a CRASH. */
void al_kit_server_stop(pid_t pid);

/* 1 while the process exists and is not a zombie. */
int al_kit_alive(pid_t pid);

/* ---- clients ------------------------------------------------------------- */

int al_kit_connect(uint16_t port);                      /* fd or -errno */
/* The same with a small receive buffer (set before connecting, so the
 * window the client offers stays small): a client that does not read. */
int al_kit_connect_small(uint16_t port);
int al_kit_send(int fd, const void *buf, size_t len);   /* all of it: 0 or -errno */
/* Exactly len bytes (a blocking fd): 0, -EPIPE if it ends first, or -errno. */
int al_kit_read_exact(int fd, void *buf, size_t len);
int al_kit_send_str(int fd, const char *s);
/* Read until the peer closes (0), or timeout_ms passes (-ETIMEDOUT), or an
 * error (-errno, e.g. -ECONNRESET). What arrived is in *out either way. */
int al_kit_read_all(int fd, al_kit_bytes *out, int timeout_ms);
/* Read until at least `want` bytes are in *out, or EOF/timeout/error (as
 * above; reaching `want` returns 1). */
int al_kit_read_some(int fd, al_kit_bytes *out, size_t want, int timeout_ms);
/* 1 if something (data or EOF) is readable within timeout_ms, 0 if not. */
int al_kit_readable(int fd, int timeout_ms);
/* Close with SO_LINGER 0: the peer sees a reset (RST), not a FIN. */
void al_kit_reset(int fd);

/* ---- HTTP responses ------------------------------------------------------ */

typedef struct al_kit_reply {
    int status;               /* 200 */
    char reason[64];          /* "OK" */
    long content_length;      /* -1: no Content-Length header */
    char content_type[128];   /* "" when absent */
    const char *body;         /* points into the parsed data */
    size_t body_len;
    char error[160];          /* why parsing failed, for the test's message */
} al_kit_reply;

/* Parse a complete response (everything the server sent before closing).
 * 0 when it is well-formed: "HTTP/1.x NNN reason\r\n", header lines, an empty
 * line, and exactly Content-Length bytes of body. -EPROTO otherwise, with
 * reply->error saying what was wrong. */
int al_kit_reply_parse(const char *data, size_t len, al_kit_reply *reply);

/* Bytes sent on fd that the peer's kernel has not acknowledged yet
 * (SIOCOUTQ), or -errno: 0 means all of it is in the peer's socket. */
int al_kit_unacked(int fd);

/* Connect, send `request`, read until the server closes, parse. Returns 0,
 * -ETIMEDOUT (no complete answer in time), -EPROTO (malformed, see
 * reply->error), or -errno. `raw` (may be NULL) keeps the bytes; when it is
 * NULL the reply's body points into storage that lives until the next call. */
int al_kit_request(uint16_t port, const char *request, al_kit_bytes *raw, al_kit_reply *reply,
                   int timeout_ms);

/* ---- looking inside a process (same user, Linux /proc) --------------------- */

int al_kit_fd_count(pid_t pid);     /* entries of /proc/PID/fd, or -errno */
int al_kit_threads(pid_t pid);      /* "Threads:" of /proc/PID/status, or -errno */
int al_kit_children(pid_t pid);     /* live processes whose parent is pid */
/* From /proc/PID/stat: its state letter (state may be NULL) and the CPU time
 * the whole process has used, in ms. 0, or -1 when it cannot be read. */
int al_kit_proc_cpu(pid_t pid, char *state, int64_t *cpu_ms);
/* Poll (every 10 ms) until the fd count is <= want, timeout_ms passed, or
 * the server has been idle (al_kit_idle_for) AL_KIT_IDLE_SETTLED_MS: it has
 * nothing left to close with. Returns the last count seen. Closing is
 * asynchronous to the client's view (a FIN can arrive a moment before the
 * close() returns), hence the wait. */
int al_kit_wait_fd_count(pid_t pid, int want, int timeout_ms);

/* 1 if the process is blocked reading or writing a socket (not waiting in
 * select/poll/epoll/accept), with what it is in, e.g. "recv() on fd 5". */
int al_kit_blocked_on_socket(pid_t pid, char *what, size_t len);

/* How long a server has been idle: every thread in select/poll/epoll_wait/
 * accept, no child, its CPU time not moving. Call it every few ms with the
 * same al_kit_idle (zeroed first): it returns the ms idle so far (0 on the
 * first call and whenever it was seen doing anything), and names the wait
 * ("epoll_wait()"). A server that is idle while a request it has been sent
 * is in its socket will not answer it: that is how tests end early. */
typedef struct al_kit_idle {
    int64_t cpu;
    int64_t since;
} al_kit_idle;
int al_kit_idle_for(pid_t pid, al_kit_idle *w, char *what, size_t len);
#define AL_KIT_IDLE_SETTLED_MS 1000   /* idle this long: nothing is left in flight */

/* One registration of an epoll instance, from /proc/PID/fdinfo/EPFD. */
typedef struct al_kit_epoll_watch {
    int epfd;                 /* the epoll instance's fd in that process */
    int tfd;                  /* the watched fd */
    uint32_t events;          /* EPOLLIN, EPOLLOUT, EPOLLET, ... */
} al_kit_epoll_watch;

/* Every registration of every epoll instance the process holds. Returns how
 * many (up to max are stored), or -errno. */
int al_kit_epoll_watches(pid_t pid, al_kit_epoll_watch *out, int max);
/* How many epoll instances the process holds. */
int al_kit_epoll_count(pid_t pid);
/* How many of the process's fds are the kernel object KIND ("[io_uring]",
 * "[eventpoll]", "[eventfd]": what /proc/PID/fd/N links to after
 * "anon_inode:"), or -errno. */
int al_kit_anon_inode_count(pid_t pid, const char *kind);

/* ---- the judge's side of a subject (see al_subject.h) ---------------------- */

/* Called once by the judge's main: starts the test's clock (AL_DEADLINE_MS). */
void al_kit_judge_init(void);
/* want_ms, or less if the test's time runs out sooner. */
int al_kit_time_left(int want_ms);

/* Inputs drawn at run time (the hidden twins of the visible tests): a seed
 * from AL_GRADE_SEED if set, else random, drawn on first use; when a test
 * that drew it fails, the harness prints it so the run can be repeated. */
uint64_t al_kit_seed(void);
int al_kit_seed_drawn(uint64_t *seed);
long al_kit_rand(long lo, long hi);          /* uniform in [lo, hi] */

/* The harness's verdict line for an outcome that is not a failed check:
 * kind "CRASH" or "TIMEOUT" (the first one reported counts). */
void al_test_outcome(const char *kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

typedef struct al_subject {
    pid_t pid;
    int chan;
    char entry[64];
    int ended, status;
    /* Set by the caller before al_subject_read to end a wait as soon as the
     * subject is seen stuck (see al_kit_call_at); `stuck` then says how. */
    int watch;
    char stuck[200];
} al_subject;

int al_subject_start(al_subject *s, const char *entry, const void *in, size_t in_len, int peer);
/* Exactly len bytes from the subject: 0, -ETIMEDOUT, -EPIPE (it closed). */
int al_subject_read(al_subject *s, void *out, size_t len, int timeout_ms);
int al_subject_recv_fd(al_subject *s, int timeout_ms);        /* fd or -errno */
int al_subject_wait(al_subject *s, int timeout_ms);           /* as al_kit_server_wait */
void al_subject_stop(al_subject *s);                          /* kill the group, reap */
void al_subject_describe_end(int status, char *buf, size_t len);

/* One call into the submission: run `entry` with `in`, read exactly out_len
 * bytes of answer, reap. If the subject crashes, trips a sanitizer, exits
 * early, or does not answer in time, the test ends there as a CRASH or
 * TIMEOUT that names `what` and the calling line. `peer` (or -1) is handed
 * to the subject and closed here: the call owns it.
 * A call's work is milliseconds of computation (the clock is virtual), so
 * the wait ends early, as a TIMEOUT that says which, once the subject has
 * computed for AL_CALL_CPU_MS without answering (an endless loop), or, with
 * no peer to wait on, has slept AL_CALL_ASLEEP_MS in one kernel wait without
 * using the CPU (a blocking call): not only at the test's deadline. */
#define AL_CALL_CPU_MS 1000
#define AL_CALL_ASLEEP_MS 1000
void al_kit_call_at(const char *file, int line, const char *entry, const void *in, size_t in_len,
                    void *out, size_t out_len, int peer, const char *what);
#define AL_CALL(entry, in, out, peer, what) \
    al_kit_call_at(__FILE__, __LINE__, #entry, &(in), sizeof(in), &(out), sizeof(out), peer, what)

#endif
