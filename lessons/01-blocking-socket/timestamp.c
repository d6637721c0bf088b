/* timestamp.c — the current local time, formatted like Python's
 * str(datetime.now()).
 *
 * One difference on purpose: Python leaves out ".ffffff" when the
 * microseconds happen to be exactly 0 (one time in a million). We always
 * print six digits, so every log line has the same shape.
 */
#include "timestamp.h"

#include <stdio.h>
#include <time.h>

char *timestamp_now(char *buf, size_t size)
{
    struct timespec now;
    struct tm local;

    if (size < TIMESTAMP_SIZE) {
        if (size > 0)
            buf[0] = '\0';
        return buf;
    }
    /* CLOCK_REALTIME is the time of day (it can jump when the clock is set);
     * that is what datetime.now() shows, so it is what we want here. */
    clock_gettime(CLOCK_REALTIME, &now);
    localtime_r(&now.tv_sec, &local);
    size_t n = strftime(buf, size, "%Y-%m-%d %H:%M:%S", &local);
    snprintf(buf + n, size - n, ".%06ld", now.tv_nsec / 1000);
    return buf;
}
