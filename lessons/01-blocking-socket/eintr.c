/* eintr.c — lesson 1: a signal arrives while the thread is blocked in a
 * system call. What does the call return?
 *
 * The main thread blocks in read() on an empty pipe. A helper thread waits
 * until the main thread is asleep in the kernel, sends it SIGUSR1, waits
 * until the handler has run and the main thread is blocked again, then
 * writes a line into the pipe. The handler itself does nothing but say so.
 *
 *   without SA_RESTART (the default here)
 *       read() gives up: it returns -1 with errno EINTR. Nothing is wrong;
 *       the program calls read() again and gets the line.
 *   --restart (sigaction with SA_RESTART)
 *       the kernel runs the handler and then restarts read() by itself:
 *       the first read() returns the line, EINTR never shows.
 *
 * Then the same with poll(), which an event loop blocks in: poll() is one
 * of the calls the kernel never restarts (man 7 signal, "Interruption of
 * system calls and library functions by signal handlers"), so it returns
 * EINTR either way. Every event loop retries its poll on EINTR.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int pipe_fd[2];
static pid_t main_tid;                     /* the main thread's id is the pid */
static pthread_t main_thread;
static atomic_int handled;                 /* how many times the handler ran */

static void on_signal(int sig) {
    (void)sig;
    static const char msg[] = "  (SIGUSR1 arrives; the handler runs)\n";
    ssize_t ignored = write(STDOUT_FILENO, msg, sizeof msg - 1);  /* async-signal-safe */
    (void)ignored;
    atomic_fetch_add(&handled, 1);
}

/* Is the main thread asleep in the kernel? Its state in /proc is 'S'
 * (interruptible sleep) while it blocks in read() or poll(). */
static int main_thread_sleeps(void) {
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)main_tid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *paren = strrchr(buf, ')');   /* "pid (comm) S ..." */
    return paren && paren[1] == ' ' && paren[2] == 'S';
}

/* A millisecond between two looks; after 10 s of looking, something is
 * wrong (the main thread never blocked): say so rather than hang. */
static void pause_1ms(void) {
    static int waited_ms;
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
    if (++waited_ms > 10000) {
        fprintf(stderr, "eintr: the main thread did not block or wake as expected\n");
        _exit(1);
    }
}

/* The helper: signal the blocked main thread, then feed the pipe once it
 * has gone back to sleep (in the restarted call, or in the retry). */
static void *helper(void *arg) {
    int rounds = *(int *)arg;
    for (int i = 1; i <= rounds; i++) {
        while (!main_thread_sleeps() || atomic_load(&handled) != i - 1) pause_1ms();
        pthread_kill(main_thread, SIGUSR1);
        while (atomic_load(&handled) != i || !main_thread_sleeps()) pause_1ms();
        ssize_t ignored = write(pipe_fd[1], "hello\n", 6);
        (void)ignored;
    }
    return NULL;
}

static void read_line(void) {
    char buf[64];
    printf("read(): blocking on an empty pipe...\n");
    fflush(stdout);
    ssize_t n = read(pipe_fd[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
        printf("read() returned -1, errno EINTR (%s): nothing is wrong, call it again\n", strerror(errno));
        fflush(stdout);
        do n = read(pipe_fd[0], buf, sizeof buf); while (n < 0 && errno == EINTR);
        printf("read() again: %zd bytes, \"%.*s\"\n", n, n > 0 ? (int)n - 1 : 0, buf);
    } else if (n >= 0) {
        printf("read() returned %zd bytes, \"%.*s\": the kernel restarted it after the handler\n",
               n, n > 0 ? (int)n - 1 : 0, buf);
    } else {
        printf("read() failed: %s\n", strerror(errno));
    }
}

static void poll_pipe(void) {
    struct pollfd p = {.fd = pipe_fd[0], .events = POLLIN};
    printf("poll(): blocking until the pipe is readable...\n");
    fflush(stdout);
    int n = poll(&p, 1, -1);
    if (n < 0 && errno == EINTR) {
        printf("poll() returned -1, errno EINTR: poll() is never restarted, SA_RESTART or not\n");
        fflush(stdout);
        do n = poll(&p, 1, -1); while (n < 0 && errno == EINTR);
        printf("poll() again: %d ready\n", n);
    } else {
        printf("poll() returned %d\n", n);
    }
    char buf[64];
    ssize_t ignored = read(pipe_fd[0], buf, sizeof buf);   /* empty it */
    (void)ignored;
}

int main(int argc, char **argv) {
    int restart = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--restart") == 0) {
            restart = 1;
        } else {
            fprintf(stderr, "%s: unknown option '%s'\nusage: eintr [--restart]\n"
                            "  A signal interrupts a blocked read() and poll(); --restart installs\n"
                            "  the handler with SA_RESTART.\n", argv[0], argv[i]);
            return strcmp(argv[i], "--help") == 0 ? 0 : 2;
        }
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = restart ? SA_RESTART : 0;
    if (pipe(pipe_fd) < 0 || sigaction(SIGUSR1, &sa, NULL) < 0) {
        perror("eintr: pipe/sigaction");
        return 1;
    }
    printf("SIGUSR1 handler installed %s\n", restart ? "with SA_RESTART" : "without SA_RESTART");
    main_tid = getpid();
    main_thread = pthread_self();
    pthread_t t;
    int rounds = 2;
    if (pthread_create(&t, NULL, helper, &rounds) != 0) {
        fprintf(stderr, "eintr: cannot start the helper thread\n");
        return 1;
    }
    read_line();
    poll_pipe();
    pthread_join(t, NULL);
    return 0;
}
