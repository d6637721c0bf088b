/* harness_overlap.h — how many requests a server handled at once, seen from the client.
 *
 * A client cannot see inside a server; it only sees when each request went
 * out and when its answer came back. But when every request is known to
 * need S seconds of handling (compare asks the servers for exactly that),
 * request i must have been in the server's hands during the last S seconds
 * before its answer: [max(sent_i, answered_i - S), answered_i]. The most of
 * those windows that overlap at one instant is the concurrency the server
 * showed: 1 for a server that handles one request at a time, N for one that
 * handled all N together.
 *
 * The client sees an answer a little after the server sent it (more so when
 * the machine is busy), so consecutive windows of a one-at-a-time server can
 * seem to overlap by a few milliseconds. Overlaps shorter than a tenth of S
 * are therefore not counted: each window starts S/10 later for the count.
 */
#ifndef AL_HARNESS_OVERLAP_H
#define AL_HARNESS_OVERLAP_H

#include <stddef.h>
#include <stdint.h>

#include "harness_load.h"

/* The handling window of a request, µs. */
void al_overlap_window(const al_load_sample *s, double handling_s, int64_t *from, int64_t *to);

/* The most requests whose handling windows overlap at one instant (failed
 * requests do not count); -ENOMEM. */
int al_overlap_max(const al_load_sample *s, size_t n, double handling_s);

#endif
