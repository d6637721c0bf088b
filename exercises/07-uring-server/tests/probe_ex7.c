/* probe_ex7.c — the subject's side of exercise 7: the student's server,
 * started by the judge on a listening socket it opened (see
 * grader/support/al_subject.h), in a process that may not make the calls
 * a readiness server makes.
 *
 * The refusal is a seccomp filter: accept, accept4,
 * recv*, send*, read/readv and write/writev on any fd above 2, poll, ppoll,
 * select, pselect6 and epoll_* fail with EPERM there. io_uring's operations
 * run inside the kernel, past the system-call boundary a filter sees, so a
 * server that queues them works; one that calls recv() itself gets EPERM.
 * The server runs until the judge stops it, so the filter stays on to the
 * end; a crash under it prints addresses without names (the symbolizer
 * would need read and write): run the program outside the grader for them. */
#define _GNU_SOURCE   /* syscall() */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "al_subject.h"
#include "ex7.h"

#if defined(__x86_64__)
#define EX7_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define EX7_ARCH AUDIT_ARCH_AARCH64
#else
#error "exercise 7's probe knows x86_64 and aarch64"
#endif

/* The system calls refused outright (those an architecture lacks are left out). */
static const int refused[] = {
    SYS_accept, SYS_accept4, SYS_recvfrom, SYS_recvmsg, SYS_recvmmsg, SYS_sendto, SYS_sendmsg,
    SYS_sendmmsg, SYS_read, SYS_readv, SYS_ppoll, SYS_pselect6, SYS_epoll_create1, SYS_epoll_ctl,
    SYS_epoll_pwait,
#ifdef SYS_poll
    SYS_poll,
#endif
#ifdef SYS_select
    SYS_select,
#endif
#ifdef SYS_epoll_wait
    SYS_epoll_wait,
#endif
#ifdef SYS_epoll_create
    SYS_epoll_create,
#endif
#ifdef SYS_epoll_pwait2
    SYS_epoll_pwait2,
#endif
};
#define NREFUSED (sizeof refused / sizeof refused[0])

static int refuse_readiness_calls(void) {
    struct sock_filter f[10 + 2 * NREFUSED];   /* 4 + 2 per refused call + 6 for write */
    size_t n = 0;
    const unsigned deny = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, EX7_ARCH, 1, 0);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
    for (size_t i = 0; i < NREFUSED; i++) {
        f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)refused[i], 0, 1);
        f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, deny);
    }
    /* write and writev: allowed on stdin/stdout/stderr (debug prints), not on
     * a socket. The fd's low 32 bits are enough: fds are ints. */
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_write, 1, 0);
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_writev, 0, 3);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]));
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 2, 0, 1);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, deny);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return -errno;
    return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0 ? -errno : 0;
}

AL_ENTRY(serve) {
    (void)in, (void)in_len, (void)chan;
    /* The subject has read its input already and the server never returns
     * to the channel: the whole process can carry the filter. */
    if (refuse_readiness_calls() < 0) return 1;
    return ex7_serve(peer, 0) == 0 ? 0 : 1;
}
