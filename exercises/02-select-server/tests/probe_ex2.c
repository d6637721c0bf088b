/* probe_ex2.c — the subject's side of exercise 2: the student's server,
 * started by the judge on a listening socket it opened (see
 * grader/support/al_subject.h). */
#include "al_subject.h"
#include "ex2.h"

AL_ENTRY(serve_forever) {
    (void)in, (void)in_len, (void)chan;
    return ex2_serve(peer, 0);
}

AL_ENTRY(serve_three) {
    (void)in, (void)in_len, (void)chan;
    return ex2_serve(peer, 3);
}
