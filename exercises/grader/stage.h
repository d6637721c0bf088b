/* stage.h — what the unprivileged compiler reads, copied where it may read it.
 *
 * The grader compiles a submission as a private unprivileged uid (grade.c).
 * That user may not be able to read the checkout at all: on a fresh Debian
 * the checkout is often in root's home, /root, mode 0700. So before the
 * compile, the grader (root) copies everything the compiler reads into
 * WORK/stage, laid out as the source tree is:
 *
 *   exercises/NN-name/            the exercise's own headers
 *   exercises/NN-name/tests/      the probes' headers (their wire format, no test)
 *   exercises/...                 its `given` sources (ex->given), same relative place
 *   exercises/common/             the shared answer code
 *   exercises/grader/harness/     the test program's main
 *   exercises/grader/support/     the test kit
 *   tests/runner/                 the test runner's header
 *   core/include/                 the core's public headers
 *   lib/                          the core library and llhttp, as built
 *
 * Directories are 0755 and files 0644, all owned by the grader: readable by
 * the compiler's user, writable only by the grader. The checkout's own
 * permissions are never touched, and nothing else of it (solutions, wrong
 * submissions, hidden tests) is copied.
 *
 * Contract
 *   al_stage_make fills `st` (paths inside WORK/stage, given[] in ex->given's
 *   order) or returns a negative errno with a message in err. The files go
 *   away with WORK; al_stage_free frees only the memory.
 *   al_stage_copy_file copies one regular file of at most max_bytes (never a
 *   FIFO or a device; with nofollow, never through a symbolic link) to a new
 *   file of mode 0644, whatever the umask.
 */
#ifndef AL_GRADER_STAGE_H
#define AL_GRADER_STAGE_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "grader.h"

typedef struct al_stage {
    char root[PATH_MAX];        /* WORK/stage */
    char exercise[PATH_MAX];    /* root/exercises/NN-name */
    char core_lib[PATH_MAX];    /* root/lib/libasynclab_core.a */
    char llhttp_lib[PATH_MAX];  /* root/lib/libllhttp.a, "" if the build has none */
    char **given;               /* ex->given, staged */
    size_t ngiven;
} al_stage;

int al_stage_make(const al_exercise *ex, const char *work, al_stage *st, char *err, size_t errlen);
void al_stage_free(al_stage *st);

int al_stage_copy_file(const char *from, const char *to, int nofollow, off_t max_bytes, char *err,
                       size_t errlen);

#endif
