/* ex6_probe.h — how the judge starts exercise 6's app in the subject
 * (probe_ex6.c): the upstream's URL and timeout in, the port out (a
 * uint16_t on the channel, once the app listens). */
#ifndef EX6_PROBE_H
#define EX6_PROBE_H

#include <stdint.h>

typedef struct ex6_app_in {
    char upstream[256];
    int64_t timeout_us;
} ex6_app_in;

#endif
