/* task_name.c — a task's name cut to fit its buffer (see asynclab/task.h).
 *
 * Its own file because the HTTP router names its handler tasks with it too,
 * and the router's fuzz target compiles the router without the scheduler. */
#include "asynclab/task.h"

#include <string.h>

/* A name that does not fit ends in "…" at a character boundary, so a cut
 * name never looks whole and never splits a UTF-8 sequence. */
char *al_task_name_fit(char *dst, size_t size, const char *name) {
    static const char ellipsis[] = "\xe2\x80\xa6";   /* U+2026, 3 bytes */
    if (!dst || size == 0) return dst;
    size_t len = name ? strlen(name) : 0;
    if (len < size) {
        memcpy(dst, name ? name : "", len + 1);
        return dst;
    }
    if (size < sizeof ellipsis) {
        dst[0] = '\0';
        return dst;
    }
    size_t keep = size - sizeof ellipsis;            /* room for "…" and the NUL */
    while (keep > 0 && ((unsigned char)name[keep] & 0xC0) == 0x80) keep--;   /* not mid-character */
    memcpy(dst, name, keep);
    memcpy(dst + keep, ellipsis, sizeof ellipsis);
    return dst;
}
