/* fuzz_check.h — an invariant for a fuzz target: when it does not hold, say
 * which one and abort(), so that libFuzzer stops and keeps the input. */
#ifndef AL_FUZZ_CHECK_H
#define AL_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "invariant failed: %s (line %d)\n", #cond, __LINE__);   \
            abort();                                                                 \
        }                                                                            \
    } while (0)

#endif
