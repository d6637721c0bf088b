/* paths.c — where the source tree, the build directory and the libraries
 * the tests link with are (see grader.h).
 *
 * The build directory is found from this binary's own location first
 * (/proc/self/exe is BUILD/tui/asynclab), so a copied or moved build tree
 * grades with its own core library; the compiled-in path is the fallback. */
#define _GNU_SOURCE
#include "grader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef AL_SOURCE_DIR
#define AL_SOURCE_DIR "."
#endif
#ifndef AL_BINARY_DIR
#define AL_BINARY_DIR "build"
#endif

const char *al_grader_source_dir(void) {
    const char *env = getenv("ASYNCLAB_SOURCE_DIR");
    return env && *env ? env : AL_SOURCE_DIR;
}

static int exists(const char *path) {
    return access(path, R_OK) == 0;
}

const char *al_grader_build_dir(void) {
    static char dir[PATH_MAX];
    const char *env = getenv("ASYNCLAB_BINARY_DIR");
    if (env && *env) return env;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        /* BUILD/tui/asynclab -> BUILD */
        for (int up = 0; up < 2; up++) {
            char *slash = strrchr(exe, '/');
            if (slash) *slash = 0;
        }
        char probe[PATH_MAX + 32];
        snprintf(probe, sizeof probe, "%s/core/libasynclab_core.a", exe);
        if (exists(probe)) {
            snprintf(dir, sizeof dir, "%s", exe);
            return dir;
        }
    }
    return AL_BINARY_DIR;
}

int al_grader_find_libs(char *core, char *llhttp, size_t size, char *err, size_t errlen) {
    const char *build = al_grader_build_dir();
    snprintf(core, size, "%s/core/libasynclab_core.a", build);
    if (!exists(core)) {
        snprintf(err, errlen,
                 "cannot find the core library %s: build asynclab first (cmake --build), or set "
                 "ASYNCLAB_BINARY_DIR to the build directory",
                 core);
        return -ENOENT;
    }
    snprintf(llhttp, size, "%s/libllhttp.a", build);
    if (!exists(llhttp)) llhttp[0] = 0;
    return 0;
}
