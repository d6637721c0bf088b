/* machine.h — what an exercise requires of the machine (its manifest's
 * `requires`), probed for real before anything is built.
 *
 * io_uring: a container's seccomp profile or kernel.io_uring_disabled can
 * refuse it, and then every test of an io_uring exercise would fail one by
 * one, each blamed on the submission. The probe is the core's own: a loop on
 * the uring backend (al_loop_create), made in a child that runs as the
 * submissions will (kernel.io_uring_disabled = 1 refuses io_uring to
 * unprivileged users only, so a probe as root would pass where the tests
 * cannot).
 *
 * Returns 0 when allowed; 1 when refused, with one line in err naming what
 * is missing, io_uring_setup's errno (EPERM, ENOSYS, ...) and what usually
 * causes it; -ECHILD if the probe itself could not run (err says why). */
#ifndef AL_GRADER_MACHINE_H
#define AL_GRADER_MACHINE_H

#include <stddef.h>
#include <sys/types.h>

/* drop: switch to uid/gid in the child first (the grader is root). */
int al_machine_check_io_uring(const char *exercise_id, int drop, uid_t uid, gid_t gid, char *err,
                              size_t errlen);

#endif
