/* find_src.h — where a submission's files are inside a folder a student
 * handed in.
 *
 * Students zip their work, push a repository with the exercise in a
 * subfolder, or upload the folder itself: the file the exercise asks for
 * (server.c, generators.c, ...) may be a level or four down. The grader
 * looks for it breadth first, so the shallowest folder holding it wins;
 * two folders at that depth cannot be told apart and are reported, never
 * guessed between. Symbolic links and hidden folders are not followed (a
 * submission's links may point anywhere). */
#ifndef AL_FIND_SRC_H
#define AL_FIND_SRC_H

#include <stddef.h>

#define AL_FIND_SRC_MAX_DEPTH 4

/* The real subfolders of dir (no symlinks, no hidden ones, not the folder
 * whose resolved path is `skip`, if any), sorted; *n of them. Free with
 * al_free_names. NULL and *n = 0 when dir cannot be read. */
char **al_subfolders(const char *dir, const char *skip, size_t *n);
void al_free_names(char **v, size_t n);

/* Looks for `file` in `top` and its subfolders. Writes the folder holding it
 * to out (top itself if it is nowhere) and returns its depth: 0 at the top,
 * 1.. below, -1 when it is nowhere, -2 when two folders at the same depth
 * hold it (then `problem` names both; out is the first). */
int al_find_submission(const char *top, const char *file, const char *skip, char *out,
                       size_t outlen, char *problem, size_t plen);

#endif
