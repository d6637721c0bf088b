/* judge_cache.h — compiled judges and subjects' trusted parts, kept per
 * exercise (see judge_cache.c).
 *
 * Contract: the key covers every input of the judge's compilation; a fetch
 * or a store that fails is never an error (the caller compiles). Files are
 * private to the grader's user (0700). Not thread-safe per key, but safe
 * across processes (stores are atomic renames). */
#ifndef AL_JUDGE_CACHE_H
#define AL_JUDGE_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A 32-hex-digit key for the compiler command argv (NULL-terminated):
 * arguments under `work` count by their contents, everything in `dirs` by
 * name and contents. */
void al_judge_cache_key(char *const *argv, const char *work, const char *const *dirs, size_t ndirs,
                        char key[33]);
/* Copy the cached file for key to dest, with mode: 1 if there was one. */
int al_judge_cache_fetch(const char *key, const char *dest, mode_t mode);
/* Keep src as the judge for key. */
void al_judge_cache_store(const char *key, const char *src);

#endif
