/* view_signals.c — signals as bytes on a pipe, and a terminal that survives
 * a crash (see view_signals.h). */
#include "view_signals.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int pipe_fd[2] = {-1, -1};
static struct termios saved_tty;
static int have_tty;
static struct sigaction old_winch;
static int winch_chained;

static const int quit_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD};
static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define NQUIT (sizeof quit_signals / sizeof quit_signals[0])
#define NFATAL (sizeof fatal_signals / sizeof fatal_signals[0])
static struct sigaction old_quit[NQUIT], old_fatal[NFATAL];
static struct sigaction old_pipe;
static int installed;

static void to_pipe(int sig) {
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    if (pipe_fd[1] >= 0) {
        ssize_t n = write(pipe_fd[1], &b, 1);   /* full pipe: the byte is not needed */
        (void)n;
    }
    errno = saved;
}

static void on_winch(int sig) {
    if (winch_chained && old_winch.sa_handler != SIG_DFL && old_winch.sa_handler != SIG_IGN &&
        !(old_winch.sa_flags & SA_SIGINFO))
        old_winch.sa_handler(sig);
    to_pipe(sig);
}

/* Crash: terminal settings back, cursor visible, colours off, normal
 * screen, then die of the same signal (SA_RESETHAND restored the default). */
static void on_fatal(int sig) {
    static const char reset[] = "\033[0m\033[?25h\033[?1049l\r\n";
    if (have_tty) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
    ssize_t n = write(STDOUT_FILENO, reset, sizeof reset - 1);
    (void)n;
    raise(sig);
}

static int set_cloexec_nonblock(int fd) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return -errno;
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) return -errno;
    return 0;
}

int al_signals_install(void) {
    if (installed) return 0;
    if (pipe(pipe_fd) < 0) return -errno;
    if (set_cloexec_nonblock(pipe_fd[0]) < 0 || set_cloexec_nonblock(pipe_fd[1]) < 0) return -errno;
    have_tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tty) == 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = to_pipe;
    for (size_t i = 0; i < NQUIT; i++) sigaction(quit_signals[i], &sa, &old_quit[i]);
    sa.sa_handler = on_fatal;
    sa.sa_flags = SA_RESETHAND;
    for (size_t i = 0; i < NFATAL; i++) sigaction(fatal_signals[i], &sa, &old_fatal[i]);
    /* A reader of our pipes that went away must not kill us: writes fail
     * with EPIPE instead. (The child gets SIGPIPE's default back before exec.) */
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    sigemptyset(&ign.sa_mask);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old_pipe);
    installed = 1;
    return 0;
}

void al_signals_chain_winch(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_winch;
    if (sigaction(SIGWINCH, &sa, &old_winch) == 0) winch_chained = 1;
}

int al_signals_fd(void) { return pipe_fd[0]; }

int al_signals_take(void) {
    unsigned char b;
    ssize_t n = pipe_fd[0] >= 0 ? read(pipe_fd[0], &b, 1) : -1;
    return n == 1 ? b : 0;
}

void al_signals_restore(void) {
    if (!installed) return;
    if (winch_chained) sigaction(SIGWINCH, &old_winch, NULL);
    winch_chained = 0;
    for (size_t i = 0; i < NQUIT; i++) sigaction(quit_signals[i], &old_quit[i], NULL);
    for (size_t i = 0; i < NFATAL; i++) sigaction(fatal_signals[i], &old_fatal[i], NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    close(pipe_fd[0]);
    close(pipe_fd[1]);
    pipe_fd[0] = pipe_fd[1] = -1;
    installed = 0;
}
