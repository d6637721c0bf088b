/* view_fmt.c — times, durations and counts as a person reads them, and the
 * zoom levels of the timeline.
 *
 * The viewer has little room: a duration in the task table gets 8 columns,
 * an axis label fewer. So numbers are shortened the way a person would
 * ("3.4 ms", "12.3k") and the zoom moves in the 1-2-5 steps of a
 * ruler, which keeps the axis labels round.
 */
#include <stdio.h>

#include "view.h"

char *al_fmt_duration(char *buf, size_t size, int64_t us, int ascii) {
    const char *micro = ascii ? "us" : "\xC2\xB5s";
    int neg = us < 0;
    uint64_t u = neg ? (uint64_t)(-(us + 1)) + 1 : (uint64_t)us;
    const char *sign = neg ? "-" : "";
    if (u == 0)
        snprintf(buf, size, "0");
    else if (u < 1000)
        snprintf(buf, size, "%s%llu %s", sign, (unsigned long long)u, micro);
    else if (u < 10000)
        snprintf(buf, size, "%s%.2f ms", sign, (double)u / 1e3);
    else if (u < 1000000)
        snprintf(buf, size, "%s%.1f ms", sign, (double)u / 1e3);
    else if (u < 10000000)
        snprintf(buf, size, "%s%.3f s", sign, (double)u / 1e6);
    else if (u < 60000000)
        snprintf(buf, size, "%s%.2f s", sign, (double)u / 1e6);
    else
        snprintf(buf, size, "%s%llu m %02llu s", sign, (unsigned long long)(u / 60000000),
                 (unsigned long long)(u / 1000000 % 60));
    return buf;
}

/* Axis labels sit on round values (the zoom is 1-2-5), so they print
 * without trailing zeros: 1.5s, 250ms, 20us. */
char *al_fmt_axis(char *buf, size_t size, int64_t us) {
    if (us == 0)
        snprintf(buf, size, "0");
    else if (us % 60000000 == 0 && us >= 60000000)
        snprintf(buf, size, "%lldm", (long long)(us / 60000000));
    else if (us >= 1000000)
        snprintf(buf, size, "%gs", (double)us / 1e6);
    else if (us >= 1000)
        snprintf(buf, size, "%gms", (double)us / 1e3);
    else
        snprintf(buf, size, "%lldus", (long long)us);
    return buf;
}

char *al_fmt_count(char *buf, size_t size, double n) {
    if (n < 1000)
        snprintf(buf, size, "%.0f", n);
    else if (n < 1e6)
        snprintf(buf, size, "%.1fk", n / 1e3);
    else if (n < 1e9)
        snprintf(buf, size, "%.1fM", n / 1e6);
    else
        snprintf(buf, size, "%.1fG", n / 1e9);
    return buf;
}

#define ZOOM_MIN 1
#define ZOOM_MAX INT64_C(100000000)   /* 100 s per column */

/* The level at or above `us`: 1, 2, 5, 10, 20, 50... */
static int64_t level_at_least(int64_t us) {
    int64_t decade = 1;
    for (;;) {
        if (us <= decade) return decade;
        if (us <= 2 * decade) return 2 * decade;
        if (us <= 5 * decade) return 5 * decade;
        if (decade >= ZOOM_MAX) return ZOOM_MAX;
        decade *= 10;
    }
}

int64_t al_zoom_fit(int64_t span_us, int columns) {
    if (columns < 1) columns = 1;
    if (span_us < 1) span_us = 1;
    /* Leave a column to spare, so the last event is inside the picture. */
    int64_t per = (span_us + columns - 2) / (columns > 1 ? columns - 1 : 1);
    int64_t level = level_at_least(per < 1 ? 1 : per);
    return level > ZOOM_MAX ? ZOOM_MAX : level;
}

int64_t al_zoom_step(int64_t scale, int direction) {
    int64_t level = level_at_least(scale < ZOOM_MIN ? ZOOM_MIN : scale);
    if (direction > 0) {          /* zoom in: fewer µs per column */
        if (level <= ZOOM_MIN) return ZOOM_MIN;
        int64_t decade = 1;
        while (decade * 10 <= level) decade *= 10;
        if (level == decade) return decade / 2;          /* 10 -> 5 */
        if (level == 2 * decade) return decade;          /* 20 -> 10 */
        return 2 * decade;                               /* 50 -> 20 */
    }
    if (level >= ZOOM_MAX) return ZOOM_MAX;
    return level_at_least(level + 1);
}
