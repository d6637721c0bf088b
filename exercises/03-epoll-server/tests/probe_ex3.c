/* probe_ex3.c — the subject's side of exercise 3: the student's server in
 * either mode, started by the judge on a listening socket it opened (see
 * grader/support/al_subject.h). */
#include "al_subject.h"
#include "ex3.h"

AL_ENTRY(serve_level) {
    (void)in, (void)in_len, (void)chan;
    return ex3_serve(peer, 0, 0);
}

AL_ENTRY(serve_edge) {
    (void)in, (void)in_len, (void)chan;
    return ex3_serve(peer, 1, 0);
}
