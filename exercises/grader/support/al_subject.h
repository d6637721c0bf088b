/* al_subject.h — the line between the judge and the subject.
 *
 * A submission is graded by two programs that never share a process:
 *
 *   the subject  the student's code, the exercise's given code and the
 *                exercise's probes (tests/probe*.c), linked with
 *                harness/al_subject_main.c. It runs under the submission's
 *                uid and limits and is started once per call: `subject ENTRY`
 *                reads its input on fd 3, runs the entry, answers on fd 3.
 *   the judge    the tests (tests/test*.c), the kit and harness/al_grade_main.c.
 *                Not a line of the submission is linked into it. It starts
 *                subjects, talks to them, looks at them through /proc, decides,
 *                and writes the verdict on its own fd 3, which no subject holds.
 *
 * An entry (AL_ENTRY) is the subject's side of one situation: it calls the
 * student's functions on what the judge sent and sends back what they
 * returned, as plain bytes. Expected values never appear in a probe: the
 * probe reports, the judge compares. Whatever a probe answers is untrusted
 * data to the judge (sizes are checked, strings are bounded).
 *
 * Wire format on the channel (a UNIX stream socket): the judge writes a
 * 4-byte length and that many bytes of input; the entry answers with
 * al_entry_reply() (any number of times) and al_entry_send_fd(). `peer` is
 * a descriptor the judge handed over (a listening socket, one end of a
 * socket pair), or -1. The entry's return value becomes the subject's exit
 * status (0 or 1); in a sanitizer build, memory the call leaked makes it
 * AL_SUBJECT_LEAK_EXIT.
 */
#ifndef AL_SUBJECT_H
#define AL_SUBJECT_H

#include <stddef.h>

#define AL_SUBJECT_CHAN_FD 3     /* the channel, in the subject */
#define AL_SUBJECT_PEER_FD 4     /* the judge's descriptor, in the subject (if any) */
#define AL_SUBJECT_INPUT_MAX (1 << 20)
#define AL_SUBJECT_LEAK_EXIT 87  /* the entry returned, LeakSanitizer found leaks */

typedef int (*al_entry_fn)(const void *in, size_t in_len, int chan, int peer);
void al_entry_register(const char *name, al_entry_fn fn);

#define AL_ENTRY(name)                                                      \
    static int name(const void *in, size_t in_len, int chan, int peer);     \
    __attribute__((constructor)) static void al_entry_reg_##name(void) {    \
        al_entry_register(#name, name);                                     \
    }                                                                       \
    static int name(const void *in, size_t in_len, int chan, int peer)

/* Send len bytes to the judge: 0 or -errno. */
int al_entry_reply(int chan, const void *out, size_t len);
/* Hand a descriptor to the judge (SCM_RIGHTS): 0 or -errno. */
int al_entry_send_fd(int chan, int fd);

#endif
