/* al_test_child.c — see al_test_child.h. */
#include "al_test_child.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "al_test.h"

void al_test_run_child(void (*fn)(void), al_test_child *res) {
    memset(res, 0, sizeof *res);
    int fds[2];
    AL_REQUIRE(pipe(fds) == 0);
    fflush(NULL);   /* nothing buffered twice */
    pid_t pid = fork();
    AL_REQUIRE(pid >= 0);
    if (pid == 0) {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);   /* an expected crash: no core file */
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        close(fds[1]);
        fn();
        _exit(0);   /* should not get here */
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t n;
    while ((n = read(fds[0], res->err + len, sizeof res->err - 1 - len)) > 0) len += (size_t)n;
    close(fds[0]);
    int status;
    AL_REQUIRE(waitpid(pid, &status, 0) == pid);
    res->signaled = WIFSIGNALED(status);
    res->sig = res->signaled ? WTERMSIG(status) : 0;
    res->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
