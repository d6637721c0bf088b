/* machine.c — does this machine allow io_uring to the submissions? (machine.h) */
#define _GNU_SOURCE
#include "machine.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "asynclab/loop.h"
#include "proctree.h"

/* In the child: become the submissions' user, ask for a uring loop, and
 * exit with its errno (0: it worked; 255: could not switch users). */
static void probe_child(int drop, uid_t uid, gid_t gid) {
    if (drop && al_proctree_become(uid, gid) < 0) _exit(255);
    al_loop *loop = NULL;
    al_loop_options uring = {.backend = "uring"};
    int rc = al_loop_create(&loop, &uring);
    al_loop_free(loop);
    _exit(rc < 0 && -rc < 255 ? -rc : rc < 0 ? 254 : 0);
}

/* What usually makes io_uring_setup fail with this errno. */
static const char *usual_cause(int e) {
    switch (e) {
    case EPERM:
    case EACCES:
        return "a container's seccomp profile (Docker's default refuses io_uring) or sysctl "
               "kernel.io_uring_disabled (2: refused to everyone; 1: to all but root and "
               "kernel.io_uring_group)";
    case ENOSYS:
        return "a kernel without io_uring (before 5.1, or built without it), or a seccomp "
               "profile that answers ENOSYS";
    case ENOMEM:
        return "RLIMIT_MEMLOCK too small for the ring (kernels before 5.12)";
    default:
        return "the kernel or its confinement refused it";
    }
}

int al_machine_check_io_uring(const char *exercise_id, int drop, uid_t uid, gid_t gid, char *err,
                              size_t errlen) {
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "cannot check whether io_uring works: fork: %s", strerror(errno));
        return -ECHILD;
    }
    if (pid == 0) probe_child(drop, uid, gid);
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            snprintf(err, errlen, "cannot check whether io_uring works: waitpid: %s", strerror(errno));
            return -ECHILD;
        }
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) >= 254) {
        snprintf(err, errlen, "cannot check whether io_uring works: the probe %s",
                 WIFEXITED(status) ? "could not switch to the submissions' user" : "was killed");
        return -ECHILD;
    }
    int e = WEXITSTATUS(status);
    const char *name = strerrorname_np(e);
    char who[64] = "";
    if (drop) snprintf(who, sizeof who, " to uid %u (the submissions' user)", (unsigned)uid);
    snprintf(err, errlen,
             "exercise %s requires io_uring, and this machine refuses it%s: io_uring_setup "
             "failed with %s (%s), usually %s; nothing was built or run",
             exercise_id, who, name ? name : "an error", strerror(e), usual_cause(e));
    return 1;
}
