/* harness_util.h — small things load, compare and check share: reading
 * seconds from the command line, finding the build's programs, free ports,
 * and starting and stopping server processes.
 *
 * Servers are started in a process group of their own, so that stopping one
 * also stops what it started (a shell running python, say), and every wait
 * is bounded.
 */
#ifndef AL_HARNESS_UTIL_H
#define AL_HARNESS_UTIL_H

#include <netinet/in.h>
#include <stddef.h>
#include <sys/types.h>

/* Where the lesson programs are: the build tree, or PREFIX/lib/asynclab
 * when installed (al_grader_build_dir, exercises/grader/paths.c). */
const char *al_build_dir(void);
/* This program's own path (for "asynclab serve"). */
const char *al_self_exe(void);

/* A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read
 * it, close), or -errno. */
int al_free_port(void);

/* Start argv[0] with argv in its own process group, stdout and stderr to
 * log_path (or /dev/null when NULL). Returns the pid or -errno. */
pid_t al_proc_start(char *const argv[], const char *log_path);
/* Has it exited? 1 and *status (as waitpid) if so, 0 if still running. */
int al_proc_exited(pid_t pid, int *status);
/* SIGTERM to its group, up to 2 s for it to go, then SIGKILL. */
void al_proc_stop(pid_t pid);
/* Wait until something accepts connections on addr, for at most timeout_ms:
 * 0, -ETIMEDOUT, or -ECHILD if the process exited first. The probe connects
 * and closes without sending anything. */
int al_wait_listening(const struct sockaddr_in *addr, pid_t pid, int timeout_ms);

#endif
