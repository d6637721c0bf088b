/* judge_cache.c — the judge is compiled once per exercise, not once per
 * submission (see judge_cache.h).
 *
 * The judge holds no line of the submission, so every submission of an
 * exercise gets the same judge: the tests, the kit, the harness, the core.
 * The key is a hash of everything that goes into it: the compiler command
 * (with the grading's temporary folder taken out) and the contents of every
 * file in the folders its sources and headers come from, plus the core
 * library's size and time. The cache lives in the grader's own
 * $XDG_CACHE_HOME/asynclab/judges (~/.cache/...), a folder no other user
 * may write; a judge is stored under a temporary name and renamed, so
 * graders running side by side never see half a file. Any failure here
 * only means compiling. */
#define _GNU_SOURCE
#include "judge_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


typedef struct hash {
    uint64_t a, b;
} hash;

static void mix(hash *h, const void *data, size_t len) {
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h->a = (h->a ^ p[i]) * 0x100000001b3ULL;
        h->b = (h->b ^ p[i]) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
    }
}

static void mix_str(hash *h, const char *s) {
    mix(h, s, strlen(s) + 1);
}

static void mix_file(hash *h, const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        char buf[65536];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0) mix(h, buf, (size_t)n);
    }
    close(fd);
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, in name order. */
static void mix_dir(hash *h, const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    char *names[512];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 512)
        if (e->d_name[0] != '.' && (names[n] = strdup(e->d_name))) n++;
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        mix_str(h, names[i]);
        mix_file(h, path);
        free(names[i]);
    }
}

void al_judge_cache_key(char *const *argv, const char *work, const char *const *dirs, size_t ndirs,
                        char key[33]) {
    hash h = {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL};
    size_t wlen = strlen(work);
    for (size_t i = 0; argv[i]; i++) {
        const char *a = argv[i];
        if (strncmp(a, work, wlen) == 0) {
            /* A file of this grading: its contents, not its temporary path. */
            struct stat st;
            if (stat(a, &st) == 0 && S_ISREG(st.st_mode)) mix_file(&h, a);
            else mix_str(&h, a + wlen);
            continue;
        }
        mix_str(&h, a);
        struct stat st;
        if (a[0] == '/' && stat(a, &st) == 0 && S_ISREG(st.st_mode)) {
            mix(&h, &st.st_size, sizeof st.st_size);
            mix(&h, &st.st_mtim, sizeof st.st_mtim);
        }
    }
    for (size_t i = 0; i < ndirs; i++) {
        mix_str(&h, dirs[i]);
        mix_dir(&h, dirs[i]);
    }
    snprintf(key, 33, "%016llx%016llx", (unsigned long long)h.a, (unsigned long long)h.b);
}

/* A program is copied by the kernel (copy_file_range), whole, under the
 * mode given. */
static int copy_program(const char *from, const char *to) {
    int in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (in < 0) return -errno;
    struct stat st;
    int out = -1, rc = 0;
    if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) rc = -EINVAL;
    else if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0700)) < 0) rc = -errno;
    for (off_t left = st.st_size; rc == 0 && left > 0;) {
        ssize_t n = copy_file_range(in, NULL, out, NULL, (size_t)left, 0);
        if (n <= 0) rc = n < 0 ? -errno : -EIO;
        else left -= n;
    }
    close(in);
    if (out >= 0 && close(out) < 0 && rc == 0) rc = -errno;
    return rc;
}

/* The cache folder, created if needed; 0 if it is not ours alone. */
static int cache_dir(char *out, size_t len) {
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char base[PATH_MAX - 16];
    if (xdg && xdg[0] == '/') snprintf(base, sizeof base, "%s/asynclab", xdg);
    else if (home && home[0] == '/') snprintf(base, sizeof base, "%s/.cache/asynclab", home);
    else return 0;
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", base);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = 0;
        mkdir(parent, 0700);
    }
    mkdir(base, 0700);
    snprintf(out, len, "%s/judges", base);
    if (mkdir(out, 0700) < 0 && errno != EEXIST) return 0;
    struct stat st;
    if (lstat(out, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022))
        return 0;
    return 1;
}

int al_judge_cache_fetch(const char *key, const char *dest, mode_t mode) {
    char dir[PATH_MAX], path[PATH_MAX + 64];
    if (!cache_dir(dir, sizeof dir)) return 0;
    snprintf(path, sizeof path, "%s/judge-%s", dir, key);
    if (access(path, R_OK) < 0) return 0;
    return copy_program(path, dest) == 0 && chmod(dest, mode) == 0;
}

void al_judge_cache_store(const char *key, const char *src) {
    char dir[PATH_MAX], tmp[PATH_MAX + 96], path[PATH_MAX + 64];
    if (!cache_dir(dir, sizeof dir)) return;
    snprintf(path, sizeof path, "%s/judge-%s", dir, key);
    snprintf(tmp, sizeof tmp, "%s/.judge-%s.%ld", dir, key, (long)getpid());
    if (copy_program(src, tmp) < 0 || rename(tmp, path) < 0)
        unlink(tmp);
}
