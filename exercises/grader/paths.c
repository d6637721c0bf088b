/* paths.c — where asynclab's data and built pieces are (see grader.h).
 *
 * Two layouts, told apart by where this executable is (/proc/self/exe, so a
 * symbolic link on the PATH leads back to the real file):
 *
 *   a build tree   BUILD/tui/asynclab. BUILD holds the core library and the
 *                  lesson programs; the data (lessons/, exercises/, headers)
 *                  is the source tree it was built from (compiled in).
 *   installed      PREFIX/bin/asynclab (`cmake --install`, the .deb).
 *                  PREFIX/share/asynclab is laid out as the source tree
 *                  (lessons/, exercises/, tests/runner/, core/include/) and
 *                  PREFIX/lib/asynclab as the build tree
 *                  (core/libasynclab_core.a, libllhttp.a, lessons/NN-name/).
 *
 * Relative to the executable, so any prefix works and a copied or moved
 * build tree grades with its own core library. $ASYNCLAB_SOURCE_DIR and
 * $ASYNCLAB_BINARY_DIR override both; the compiled-in paths are the last
 * resort. */
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

static int exists(const char *path) {
    return access(path, R_OK) == 0;
}

/* The directory `up` levels above this executable ("" if unknown). */
static const char *exe_parent(int up, char *out, size_t size) {
    ssize_t n = readlink("/proc/self/exe", out, size - 1);
    if (n <= 0) return out[0] = 0, out;
    out[n] = 0;
    for (int i = 0; i < up; i++) {
        char *slash = strrchr(out, '/');
        if (!slash) return out[0] = 0, out;
        *slash = 0;
    }
    return out;
}

/* PREFIX/share/asynclab or PREFIX/lib/asynclab when installed; NULL if not. */
static const char *installed(const char *sub, char *out, size_t size) {
    char prefix[PATH_MAX], probe[PATH_MAX + 64];
    if (!exe_parent(2, prefix, sizeof prefix)[0]) return NULL;   /* PREFIX/bin/asynclab */
    snprintf(probe, sizeof probe, "%s/share/asynclab/exercises", prefix);
    if (!exists(probe)) return NULL;
    if (snprintf(out, size, "%s/%s/asynclab", prefix, sub) >= (int)size) return NULL;
    return out;
}

const char *al_grader_source_dir(void) {
    static char dir[PATH_MAX];
    const char *env = getenv("ASYNCLAB_SOURCE_DIR");
    if (env && *env) return env;
    if (installed("share", dir, sizeof dir)) return dir;
    return AL_SOURCE_DIR;
}

const char *al_grader_build_dir(void) {
    static char dir[PATH_MAX];
    const char *env = getenv("ASYNCLAB_BINARY_DIR");
    if (env && *env) return env;
    char build[PATH_MAX], probe[PATH_MAX + 32];
    if (exe_parent(2, build, sizeof build)[0]) {   /* BUILD/tui/asynclab */
        snprintf(probe, sizeof probe, "%s/core/libasynclab_core.a", build);
        if (exists(probe)) {
            snprintf(dir, sizeof dir, "%s", build);
            return dir;
        }
    }
    if (installed("lib", dir, sizeof dir)) return dir;
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
