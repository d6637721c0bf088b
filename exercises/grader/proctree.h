/* proctree.h — the processes a grading run started, found through /proc.
 *
 * A submission can fork, fork again, leave its process group, or exit and
 * leave orphans behind. The grader marks itself a child subreaper
 * (prctl PR_SET_CHILD_SUBREAPER), so every orphan of a descendant is
 * re-parented to the grader instead of init: the set of processes the grader
 * started is exactly "the processes whose parent chain reaches the grader",
 * which this module reads from /proc/PID/stat. Killing goes by pid, one
 * process at a time, never by name or by "all processes of a user".
 *
 * Contract
 *   Linux only (/proc). Functions never block for long: al_proctree_kill_all
 *   gives up after its deadline and says how many processes it could not
 *   reap (a process stuck in the kernel, state D).
 *   Errors are negative errno values.
 */
#ifndef AL_GRADER_PROCTREE_H
#define AL_GRADER_PROCTREE_H

#include <stddef.h>
#include <sys/types.h>

/* Make the calling process a subreaper (once; later calls are no-ops). */
int al_proctree_become_subreaper(void);

/* Collect up to max pids of the live (non-zombie) descendants of `root`.
 * Returns how many were found (may exceed max: then only max are stored). */
size_t al_proctree_descendants(pid_t root, pid_t *out, size_t max);

/* Resident memory of root and all its descendants, in bytes. */
long long al_proctree_rss(pid_t root);

/* SIGKILL every descendant of the calling process, reap every child,
 * repeat until none is left or timeout_ms passed. Returns 0, or the number
 * of processes still alive at the deadline. */
int al_proctree_kill_all(int timeout_ms);

/* In a child: become uid/gid for good (no supplementary groups), and check
 * that it took. 0 or -errno. The sandbox, the uid killer and the machine
 * probe (machine.c) all drop to a submission's identity through it. */
int al_proctree_become(uid_t uid, gid_t gid);

/* SIGKILL every process of a uid that belongs to one run alone (a private
 * uid; root only): a fork storm cannot outrun it. 0, -EPERM without root,
 * -EAGAIN if processes were still being made after many rounds. */
int al_proctree_kill_uid(uid_t uid, gid_t gid);
/* Count the processes whose real uid is `uid` (for RLIMIT_NPROC headroom
 * when the grader cannot switch to a private uid). */
long al_proctree_count_uid(uid_t uid);

#endif
