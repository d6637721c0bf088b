/* stage.c — copy what the unprivileged compile reads to WORK/stage
 * (see stage.h). */
#define _GNU_SOURCE
#include "stage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_HEADER_BYTES (4 << 20)
#define MAX_LIB_BYTES (1LL << 30)   /* an ASan build of the core is tens of MiB */

/* Only a regular file of sane size is copied: a FIFO would block the
 * grader, a device would never end. With nofollow (the grader is root), a
 * symbolic link is refused too: a submission's server.c -> /etc/shadow must
 * not be read with the grader's rights and shown in a compiler error. */
int al_stage_copy_file(const char *from, const char *to, int nofollow, off_t max_bytes, char *err,
                       size_t errlen) {
    int in = open(from, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0));
    if (in < 0) {
        int e = -errno;
        snprintf(err, errlen, "%s: %s", from,
                 errno == ELOOP ? "a symbolic link (give the file itself)" : strerror(errno));
        return e;
    }
    struct stat st;
    if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > max_bytes) {
        snprintf(err, errlen, "%s: not a regular file of at most %lld MiB", from,
                 (long long)max_bytes >> 20);
        close(in);
        return -EINVAL;
    }
    fcntl(in, F_SETFL, 0);   /* a regular file: plain blocking reads from here */
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (out < 0) {
        int e = -errno;
        snprintf(err, errlen, "%s: %s", to, strerror(errno));
        close(in);
        return e;
    }
    /* The umask may be 077: the compiler's user must still read it. */
    int rc = fchmod(out, 0644) < 0 ? -errno : 0;
    char buf[65536];
    while (!rc) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n == 0) break;
        if (n < 0) {
            if (errno != EINTR) rc = -errno;
            continue;
        }
        for (ssize_t off = 0; off < n && !rc;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno != EINTR) rc = -errno;
            else if (w > 0) off += w;
        }
    }
    close(in);
    if (close(out) < 0 && !rc) rc = -errno;
    if (rc) snprintf(err, errlen, "copying %s to %s: %s", from, to, strerror(-rc));
    return rc;
}

/* mkdir -p, each new directory 0755 whatever the umask. */
static int make_dirs(const char *path, char *err, size_t errlen) {
    char p[PATH_MAX];
    if (snprintf(p, sizeof p, "%s", path) >= (int)sizeof p) return -ENAMETOOLONG;
    for (char *s = p + 1;; s++) {
        if (*s && *s != '/') continue;
        char keep = *s;
        *s = 0;
        if (mkdir(p, 0755) == 0 ? chmod(p, 0755) < 0 : errno != EEXIST) {
            int e = -errno;
            snprintf(err, errlen, "%s: %s", p, strerror(errno));
            return e;
        }
        if (!keep) return 0;
        *s = keep;
    }
}

static int has_suffix(const char *name, const char *suffix) {
    size_t n = strlen(name), k = strlen(suffix);
    return n > k && strcmp(name + n - k, suffix) == 0;
}

/* Copy FROM's C sources and headers (into subdirectories too, with
 * recurse) to TO; headers_only skips the .c files. */
static int stage_dir(const char *from, const char *to, int recurse, int headers_only, char *err,
                     size_t errlen) {
    int rc = make_dirs(to, err, errlen);
    if (rc < 0) return rc;
    DIR *d = opendir(from);
    if (!d) {
        rc = -errno;
        snprintf(err, errlen, "%s: %s", from, strerror(errno));
        return rc;
    }
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char src[PATH_MAX], dst[PATH_MAX];
        if (snprintf(src, sizeof src, "%s/%s", from, e->d_name) >= (int)sizeof src ||
            snprintf(dst, sizeof dst, "%s/%s", to, e->d_name) >= (int)sizeof dst) {
            rc = -ENAMETOOLONG;
            snprintf(err, errlen, "%s/%s: path too long", from, e->d_name);
            break;
        }
        struct stat st;
        if (lstat(src, &st) < 0) continue;
        if (S_ISDIR(st.st_mode)) {
            if (recurse) rc = stage_dir(src, dst, recurse, headers_only, err, errlen);
        } else if (S_ISREG(st.st_mode) &&
                   (has_suffix(e->d_name, ".h") || (!headers_only && has_suffix(e->d_name, ".c")))) {
            rc = al_stage_copy_file(src, dst, 1, MAX_HEADER_BYTES, err, errlen);
        }
    }
    closedir(d);
    return rc;
}

/* "exercises/01-x/../common/answer.c" -> "exercises/common/answer.c";
 * -1 if it climbs above the top. */
static int normalize(const char *in, char *out, size_t size) {
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s", in) >= (int)sizeof tmp) return -1;
    char *parts[PATH_MAX / 2];
    size_t n = 0;
    char *save = NULL;
    for (char *p = strtok_r(tmp, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
        if (strcmp(p, ".") == 0) continue;
        if (strcmp(p, "..") == 0) {
            if (n == 0) return -1;
            n--;
        } else {
            parts[n++] = p;
        }
    }
    if (n == 0) return -1;
    size_t len = 0;
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(out + len, size - len, "%s%s", i ? "/" : "", parts[i]);
        if (w < 0 || (size_t)w >= size - len) return -1;
        len += (size_t)w;
    }
    return 0;
}

/* A given file keeps its place relative to the exercise, so that its own
 * #include "..." still finds its neighbours. */
static int stage_given(const al_exercise *ex, al_stage *st, size_t i, char *err, size_t errlen) {
    const char *g = ex->given[i];
    size_t dlen = strlen(ex->dir);
    const char *rel = strncmp(g, ex->dir, dlen) == 0 && g[dlen] == '/' ? g + dlen + 1 : NULL;
    char joined[PATH_MAX], norm[PATH_MAX], dst[PATH_MAX * 2];
    if (!rel || snprintf(joined, sizeof joined, "exercises/%s/%s", ex->id, rel) >= (int)sizeof joined ||
        normalize(joined, norm, sizeof norm) < 0) {
        snprintf(err, errlen, "%s: a given file must lie inside the exercises folder", g);
        return -EINVAL;
    }
    snprintf(dst, sizeof dst, "%s/%s", st->root, norm);
    char *slash = strrchr(dst, '/');
    *slash = 0;
    int rc = make_dirs(dst, err, errlen);
    *slash = '/';
    if (rc == 0) rc = al_stage_copy_file(g, dst, 1, MAX_HEADER_BYTES, err, errlen);
    if (rc == 0 && !(st->given[i] = strdup(dst))) rc = -ENOMEM;
    return rc;
}

static int stage_libs(al_stage *st, char *err, size_t errlen) {
    char core[PATH_MAX], llhttp[PATH_MAX], lib[PATH_MAX];
    int rc = al_grader_find_libs(core, llhttp, sizeof core, err, errlen);
    if (rc < 0) return rc;
    if (snprintf(lib, sizeof lib, "%s/lib", st->root) >= (int)sizeof lib ||
        snprintf(st->core_lib, sizeof st->core_lib, "%s/lib/libasynclab_core.a", st->root) >=
            (int)sizeof st->core_lib ||
        snprintf(st->llhttp_lib, sizeof st->llhttp_lib, "%s/lib/libllhttp.a", st->root) >=
            (int)sizeof st->llhttp_lib)
        return -ENAMETOOLONG;
    if ((rc = make_dirs(lib, err, errlen)) < 0) return rc;
    if ((rc = al_stage_copy_file(core, st->core_lib, 0, MAX_LIB_BYTES, err, errlen)) < 0) return rc;
    if (!llhttp[0]) {
        st->llhttp_lib[0] = 0;
        return 0;
    }
    return al_stage_copy_file(llhttp, st->llhttp_lib, 0, MAX_LIB_BYTES, err, errlen);
}

int al_stage_make(const al_exercise *ex, const char *work, al_stage *st, char *err, size_t errlen) {
    memset(st, 0, sizeof *st);
    const char *src = al_grader_source_dir();
    if (snprintf(st->root, sizeof st->root, "%s/stage", work) >= (int)sizeof st->root ||
        snprintf(st->exercise, sizeof st->exercise, "%s/exercises/%s", st->root, ex->id) >=
            (int)sizeof st->exercise)
        return -ENAMETOOLONG;
    static const struct {
        const char *dir;
        int recurse, headers_only;
    } trees[] = {
        {"exercises/common", 0, 0},
        {"exercises/grader/harness", 0, 0},
        {"exercises/grader/support", 0, 0},
        {"tests/runner", 0, 1},
        {"core/include", 1, 1},
    };
    int rc = stage_dir(ex->dir, st->exercise, 0, 1, err, errlen);
    /* The probes' wire format (tests/exN_probe.h): the subject includes it.
     * Headers only: the tests themselves are the judge's alone. */
    char tests_from[PATH_MAX], tests_to[PATH_MAX];
    if (rc == 0 && (snprintf(tests_from, sizeof tests_from, "%s/tests", ex->dir) >= (int)sizeof tests_from ||
                    snprintf(tests_to, sizeof tests_to, "%s/tests", st->exercise) >= (int)sizeof tests_to))
        rc = -ENAMETOOLONG;
    if (rc == 0 && access(tests_from, F_OK) == 0)
        rc = stage_dir(tests_from, tests_to, 0, 1, err, errlen);
    for (size_t i = 0; rc == 0 && i < sizeof trees / sizeof trees[0]; i++) {
        char from[PATH_MAX], to[PATH_MAX];
        if (snprintf(from, sizeof from, "%s/%s", src, trees[i].dir) >= (int)sizeof from ||
            snprintf(to, sizeof to, "%s/%s", st->root, trees[i].dir) >= (int)sizeof to)
            rc = -ENAMETOOLONG;
        else
            rc = stage_dir(from, to, trees[i].recurse, trees[i].headers_only, err, errlen);
    }
    if (rc == 0 && ex->ngiven && !(st->given = calloc(ex->ngiven, sizeof *st->given))) rc = -ENOMEM;
    st->ngiven = st->given ? ex->ngiven : 0;
    for (size_t i = 0; rc == 0 && i < ex->ngiven; i++) rc = stage_given(ex, st, i, err, errlen);
    if (rc == 0) rc = stage_libs(st, err, errlen);
    if (rc < 0 && !err[0]) snprintf(err, errlen, "staging the sources: %s", strerror(-rc));
    if (rc < 0) al_stage_free(st);
    return rc;
}

void al_stage_free(al_stage *st) {
    for (size_t i = 0; i < st->ngiven; i++) free(st->given[i]);
    free(st->given);
    st->given = NULL;
    st->ngiven = 0;
}
