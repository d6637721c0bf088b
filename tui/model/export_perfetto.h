/* export_perfetto.h — the timeline as Trace Event JSON, for ui.perfetto.dev
 * and chrome://tracing.
 *
 * Contract
 *   Form       the object form, "displayTimeUnit" its first key, then
 *              "traceEvents", then "otherData" (program, backend, clock).
 *              Times ("ts", "dur") are µs on the traced program's clock.
 *   Tracks     one per lane (tid = lane index + 1, so the loop is tid 1),
 *              each named by a thread_name metadata event ("main (task 1)",
 *              "event loop") and ordered by thread_sort_index.
 *   Slices     "X" complete events: running, ready, waiting (named by their
 *              reason: "sleep until 1.000000 s", "read fd 5"...) and, on the
 *              loop's track, polling; a task's exit is a slice of no length
 *              ("exit: done"). Slices on one track never overlap.
 *   Flows      a wake is an arrow ("s" then "f", same id, cat and name)
 *              from the event that woke a task (the waking task's slice, the
 *              parent's for a spawn, the loop's for a timer, a descriptor, a
 *              future or a cancel) to the slice where the task resumes; both
 *              ends bind to their enclosing slice ("bp":"e" on "f"). Events
 *              are written in stream order (by time, ties by event number),
 *              so the slice a flow binds to is the one open at that moment.
 *   Errors     0, -ENOMEM, or -EIO when writing failed.
 */
#ifndef AL_EXPORT_PERFETTO_H
#define AL_EXPORT_PERFETTO_H

#include <stdio.h>

#include "model.h"

int al_export_perfetto(const al_model *m, FILE *out);

#endif
