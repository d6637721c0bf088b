/* timestamp.h — "now" as Python's datetime.now() prints it.
 *
 * The article's log lines start with str(datetime.now()), e.g.
 * "2024-12-27 12:53:36.711732": local time, microseconds. This helper keeps
 * that detail out of the lesson's main file.
 */
#ifndef LESSON02_TIMESTAMP_H
#define LESSON02_TIMESTAMP_H

#include <stddef.h>

/* "YYYY-MM-DD HH:MM:SS.ffffff" plus the NUL. */
#define TIMESTAMP_SIZE 27

/* Format the current local time into buf (TIMESTAMP_SIZE bytes or more).
 * Returns buf, so it can be used directly as a printf argument. */
char *timestamp_now(char *buf, size_t size);

#endif
