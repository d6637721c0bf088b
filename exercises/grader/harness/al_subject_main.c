/* al_subject_main.c — main() of the subject (see support/al_subject.h).
 *
 *   subject ENTRY     fd 3: the channel to the judge; fd 4: the judge's
 *                     descriptor, if it gave one
 *
 * This is the only main() linked with the submission. It holds nothing the
 * submission could use against the grade: no verdict channel (the judge's
 * fd 3 is not this fd 3), no nonce, no expected value. It reads the input,
 * runs the entry, and leaves with _exit so exit handlers of the submission
 * run only if the submission itself calls exit(). */
#define _GNU_SOURCE
#include "al_subject.h"
#include "al_kit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LEAK_CHECK() __lsan_do_recoverable_leak_check()
#else
#define LEAK_CHECK() 0
#endif

#define MAX_ENTRIES 128

static struct { const char *name; al_entry_fn fn; } entries[MAX_ENTRIES];
static int entry_count;

void al_entry_register(const char *name, al_entry_fn fn) {
    if (entry_count == MAX_ENTRIES) {
        fprintf(stderr, "al_subject: more than %d entries\n", MAX_ENTRIES);
        _exit(2);
    }
    entries[entry_count].name = name;
    entries[entry_count].fn = fn;
    entry_count++;
}

/* The kit's sender (linked into the subject with the submission, see
 * grade.c): all of it, retried on EINTR, no SIGPIPE. */
int al_entry_reply(int chan, const void *out, size_t len) {
    return al_kit_send(chan, out, len);
}

int al_entry_send_fd(int chan, int fd) {
    char byte = 'F';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                         .msg_controllen = sizeof u.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    while (sendmsg(chan, &msg, MSG_NOSIGNAL) < 0)
        if (errno != EINTR) return -errno;
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s ENTRY (started by the judge, not by hand)\n", argv[0]);
        return 2;
    }
    al_entry_fn fn = NULL;
    for (int i = 0; i < entry_count; i++)
        if (strcmp(entries[i].name, argv[1]) == 0) fn = entries[i].fn;
    if (!fn) {
        fprintf(stderr, "al_subject: no entry named '%s'\n", argv[1]);
        return 2;
    }
    uint32_t len;
    if (al_kit_read_exact(AL_SUBJECT_CHAN_FD, &len, sizeof len) < 0 || len > AL_SUBJECT_INPUT_MAX) {
        fprintf(stderr, "al_subject: no input from the judge\n");
        return 2;
    }
    char *in = malloc(len + 1);
    if (!in || al_kit_read_exact(AL_SUBJECT_CHAN_FD, in, len) < 0) return 2;
    in[len] = 0;
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    int peer = fcntl(AL_SUBJECT_PEER_FD, F_GETFD) >= 0 ? AL_SUBJECT_PEER_FD : -1;
    int rc = fn(in, len, AL_SUBJECT_CHAN_FD, peer);
    free(in);
    fflush(NULL);
    /* What the student's code allocated during the call and can no longer
     * reach is a leak (the judge makes it a failed check). */
    if (LEAK_CHECK()) _exit(AL_SUBJECT_LEAK_EXIT);
    _exit(rc == 0 ? 0 : 1);
}
