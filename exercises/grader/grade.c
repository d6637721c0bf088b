/* grade.c — grade one exercise: copy, compile once, run every test
 * contained, and turn each run into a status, a score and feedback
 * (see grader.h).
 *
 * Who runs the submission. As root (CI, Gradescope) every run gets a
 * private uid and gid of its own, 0x40000000 + 64 * grader pid + k, that
 * no other process on the machine has: RLIMIT_NPROC then bounds a fork
 * storm to this one run (it counts processes per uid, so a shared uid such
 * as nobody would let one run's storm starve another grader's tests), a
 * kill() from the submission reaches nothing but its own run, and the
 * grader (root) is out of its reach. Without root the grader cannot switch
 * users; the rlimits still apply, and RLIMIT_NPROC is set to what the user
 * already runs plus some headroom. `--user NAME` picks a fixed user
 * instead (nobody, say). */
#define _GNU_SOURCE
#include "find_src.h"
#include "grader.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "judge_cache.h"
#include "machine.h"
#include "proctree.h"
#include "sandbox.h"
#include "stage.h"

#ifndef AL_GRADER_CUNIT_LIB
#define AL_GRADER_CUNIT_LIB "-lcunit"
#endif
#ifndef AL_GRADER_LLHTTP_INCLUDE
#define AL_GRADER_LLHTTP_INCLUDE "/usr/share/include/llhttp"
#endif
#ifdef AL_SANITIZED
#define CORE_IS_SANITIZED 1
#else
#define CORE_IS_SANITIZED 0
#endif

#define KEEP_HEAD (8 * 1024)          /* 10 KiB of output are kept: the start... */
#define KEEP_TAIL (2 * 1024)          /* ...and the end, where a crash report is */
#define OUTPUT_LIMIT (4 * 1024 * 1024)
#define COMPILE_TIMEOUT_MS (120 * 1000)
#define PRIVATE_UID_BASE 0x40000000u
#define NPROC_PER_RUN 64
#define SANITIZER_EXIT 86

typedef struct identity {
    int drop;
    uid_t uid;
    gid_t gid;
    int private_uid;
} identity;

int al_grader_core_sanitized(void) {
    return CORE_IS_SANITIZED;
}

const char *al_grade_status_name(al_grade_status s) {
    switch (s) {
    case AL_GRADE_PASS: return "PASS";
    case AL_GRADE_FAIL: return "FAIL";
    case AL_GRADE_CRASH: return "CRASH";
    case AL_GRADE_TIMEOUT: return "TIMEOUT";
    case AL_GRADE_NOT_RUN: return "NOT RUN";
    }
    return "?";
}

/* ---- small helpers -------------------------------------------------------- */

typedef struct strbuf {
    char *s;
    size_t len, cap;
} strbuf;

static void sb_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(strbuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + (size_t)n + 1) cap *= 2;
        char *grown = realloc(b->s, cap);
        if (!grown) return;
        b->s = grown;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static char *sb_take(strbuf *b) {
    if (!b->s) return strdup("");
    return b->s;
}

#define MAX_SOURCE_BYTES (4 << 20)

static int unlink_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)ftw;
    if (flag == FTW_DP) rmdir(path);
    else unlink(path);
    return 0;
}

static int open_up_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)ftw;
    if (flag == FTW_D || flag == FTW_DNR) chmod(path, 0700);
    (void)st;
    return 0;
}

/* Remove a tree the submission may have filled with anything: symlinks are
 * removed, never followed; unreadable directories are opened up first. */
static void remove_tree(const char *dir) {
    nftw(dir, open_up_cb, 16, FTW_PHYS);
    nftw(dir, unlink_cb, 16, FTW_PHYS | FTW_DEPTH);
}

static void random_hex(char *out, size_t bytes) {
    unsigned char raw[32];
    if (bytes > sizeof raw) bytes = sizeof raw;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, raw, bytes) : -1;
    if (fd >= 0) close(fd);
    if (n != (ssize_t)bytes) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        for (size_t i = 0; i < bytes; i++) raw[i] = (unsigned char)((ts.tv_nsec >> (i % 8)) ^ (getpid() * 31 + (int)i));
    }
    for (size_t i = 0; i < bytes; i++) sprintf(out + 2 * i, "%02x", raw[i]);
}

/* ---- who runs it ---------------------------------------------------------- */

static int pick_identity(const char *user, unsigned k, identity *id, char *err, size_t errlen) {
    memset(id, 0, sizeof *id);
    if (geteuid() != 0 || (user && strcmp(user, "none") == 0)) return 0;
    id->drop = 1;
    if (!user || strcmp(user, "auto") == 0) {
        id->uid = (uid_t)(PRIVATE_UID_BASE + (unsigned)getpid() * 64u + (k % 64u));
        id->gid = (gid_t)id->uid;
        id->private_uid = 1;
        return 0;
    }
    char *end;
    long n = strtol(user, &end, 10);
    if (*user && !*end && n > 0) {
        id->uid = (uid_t)n;
        id->gid = (gid_t)n;
        return 0;
    }
    struct passwd *pw = getpwnam(user);
    if (!pw) {
        snprintf(err, errlen, "--user %s: no such user", user);
        return -EINVAL;
    }
    if (pw->pw_uid == 0) {
        snprintf(err, errlen, "--user %s: refusing to run submissions as root", user);
        return -EINVAL;
    }
    id->uid = pw->pw_uid;
    id->gid = pw->pw_gid;
    return 0;
}

static long nproc_for(const identity *id) {
    if (id->private_uid) return NPROC_PER_RUN;
    return al_proctree_count_uid(id->drop ? id->uid : getuid()) + NPROC_PER_RUN;
}

/* A directory the identity owns and nobody else may enter. */
static int make_private_dir(const char *path, const identity *id, mode_t mode) {
    if (mkdir(path, mode) < 0) return -errno;
    if (id->drop && chown(path, id->uid, id->gid) < 0) return -errno;
    if (chmod(path, mode) < 0) return -errno;
    return 0;
}

/* ---- the environment of a run ------------------------------------------- */

typedef struct envp {
    char *vars[24];
    size_t n;
} envp;

static void env_add(envp *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void env_add(envp *e, const char *fmt, ...) {
    if (e->n + 1 >= sizeof e->vars / sizeof e->vars[0]) return;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&e->vars[e->n], fmt, ap) >= 0) e->n++;
    va_end(ap);
    e->vars[e->n] = NULL;
}

static void env_free(envp *e) {
    for (size_t i = 0; i < e->n; i++) free(e->vars[i]);
    e->n = 0;
}

static const char *grader_path(void) {
    const char *p = getenv("PATH");
    return p && *p ? p : "/usr/local/bin:/usr/bin:/bin";
}

/* ---- compiling ------------------------------------------------------------ */

typedef struct argv_list {
    char **v;
    size_t n, cap;
} argv_list;

static void arg(argv_list *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void arg(argv_list *a, const char *fmt, ...) {
    if (a->n + 2 > a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        char **grown = realloc(a->v, cap * sizeof *grown);
        if (!grown) return;
        a->v = grown;
        a->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&a->v[a->n], fmt, ap) >= 0) a->n++;
    va_end(ap);
    a->v[a->n] = NULL;
}

static void argv_free(argv_list *a) {
    for (size_t i = 0; i < a->n; i++) free(a->v[i]);
    free(a->v);
    memset(a, 0, sizeof *a);
}

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Which program a test file belongs to: tests/probe*.c are the subject's
 * side (they call the student's functions), every other test file is the
 * judge's. */
static int is_probe_file(const char *path) {
    return strncmp(base_name(path), "probe", 5) == 0;
}

static void common_flags(argv_list *a, int sanitize, const char *exercise_dir, const char *root) {
    const char *cc = getenv("CC");
    arg(a, "%s", cc && *cc ? cc : "cc");
    arg(a, "-std=c11");
    arg(a, "-D_POSIX_C_SOURCE=200809L");
    arg(a, "-D_DEFAULT_SOURCE");
    arg(a, "-g");
    arg(a, "-O1");
    arg(a, "-Wall");
    arg(a, "-Wextra");
    arg(a, "-Wno-format-truncation");
    arg(a, "-Werror=implicit-function-declaration");
    arg(a, "-fdiagnostics-color=never");
    arg(a, "-fno-omit-frame-pointer");
    if (sanitize) {
        arg(a, "-fsanitize=address,undefined");
        arg(a, "-fno-sanitize-recover=undefined");
    }
    arg(a, "-I%s", exercise_dir);
    arg(a, "-I%s/exercises/common", root);
    arg(a, "-I%s/exercises/grader/support", root);
    arg(a, "-I%s/tests/runner", root);
    arg(a, "-I%s/core/include", root);
    arg(a, "-I%s", AL_GRADER_LLHTTP_INCLUDE);
}

static void link_flags(argv_list *a, const char *core_lib, const char *llhttp_lib, int cunit) {
    arg(a, "%s", core_lib);
    if (llhttp_lib[0]) arg(a, "%s", llhttp_lib);
    if (cunit) arg(a, "%s", AL_GRADER_CUNIT_LIB);
    arg(a, "-luv");
    arg(a, "-luring");   /* the core's io_uring backend, and exercise 7's own ring */
    arg(a, "-lcjson");
    arg(a, "-lm");
    arg(a, "-lpthread");
}

/* Run one compiler command contained. Returns 1 compiled, 0 compile error
 * (message appended to *msg), negative on a grader failure. */
static int run_compiler(argv_list *a, const identity *id, const char *build, const char *cwd,
                        strbuf *msg, char *err, size_t errlen) {
    envp env = {0};
    env_add(&env, "PATH=%s", grader_path());
    env_add(&env, "HOME=%s", build);
    env_add(&env, "TMPDIR=%s", build);
    env_add(&env, "LC_ALL=C");
    al_sandbox sb = {
        .argv = a->v,
        .envp = env.vars,
        .cwd = cwd,
        .timeout_ms = COMPILE_TIMEOUT_MS,
        .cpu_s = COMPILE_TIMEOUT_MS / 1000,
        .address_space = 4LL << 30,
        .nofile = 1024,
        .nproc = nproc_for(id),
        .fsize = 512LL << 20,
        .drop = id->drop,
        .uid = id->uid,
        .gid = id->gid,
        .uid_private = id->private_uid,
        .keep_head = KEEP_HEAD,
        .keep_tail = KEEP_TAIL,
        .output_limit = OUTPUT_LIMIT,
    };
    al_sandbox_result r;
    int rc = al_sandbox_run(&sb, &r);
    env_free(&env);
    if (rc < 0) {
        snprintf(err, errlen, "cannot run the compiler: %s", strerror(-rc));
        return rc;
    }
    int ok = r.end == AL_RUN_EXITED && r.status == 0;
    if (r.end == AL_RUN_NOT_STARTED)
        sb_printf(msg, "cannot start the compiler '%s': %s (is a C compiler on PATH?)\n", a->v[0],
                  strerror(r.status));
    else if (r.end != AL_RUN_EXITED)
        sb_printf(msg, "the compiler was stopped: %s\n", al_run_end_name(r.end));
    sb_printf(msg, "%s", r.output ? r.output : "");
    al_run_end end = r.end;
    al_sandbox_result_free(&r);
    if (end == AL_RUN_INTERRUPTED) return -EINTR;
    return ok;
}

/* Compile the grader's own code (the judge, the subject's trusted parts) as
 * the grader, or take it from the cache (judge_cache.h) when nothing that
 * goes into it changed. Same returns as run_compiler; a compile error here is
 * the tests', never the submission's. */
static int cached_compile(argv_list *a, const char *const *dirs, size_t ndirs, const char *work,
                          const char *build, const char *product, mode_t mode, strbuf *msg,
                          char *err, size_t errlen) {
    char key[33];
    al_judge_cache_key(a->v, work, dirs, ndirs, key);
    if (al_judge_cache_fetch(key, product, mode)) return 1;
    identity self = {0};
    strbuf cmsg = {0};
    int rc = run_compiler(a, &self, build, build, &cmsg, err, errlen);
    if (rc == 0)
        sb_printf(msg, "the tests themselves did not compile (not the submission's fault):\n%s",
                  cmsg.s ? cmsg.s : "");
    else if (rc == 1 && chmod(product, mode) == 0)
        al_judge_cache_store(key, product);
    free(cmsg.s);
    return rc;
}

/* Builds the two programs of a grading (see support/al_subject.h):
 *   work/build/subject  the submission + given code + the probes, compiled
 *                       under the submission's identity;
 *   work/build/judge    the tests + the kit + the harness, no line of the
 *                       submission, compiled under the grader's own.
 * Returns 1 if both compiled, 0 on a compile error (message in *out),
 * negative on a grader failure. */
static int compile(const al_exercise *ex, const al_grader_opts *o, const char *work,
                   const char *src, char **out, char *err, size_t errlen) {
    *out = NULL;
    char core_lib[PATH_MAX], llhttp_lib[PATH_MAX];
    int rc = al_grader_find_libs(core_lib, llhttp_lib, sizeof core_lib, err, errlen);
    if (rc < 0) return rc;
    identity id, self = {0};
    if ((rc = pick_identity(o->user, 0, &id, err, errlen)) < 0) return rc;

    char build[PATH_MAX + 32], sub[PATH_MAX + 32], probes[PATH_MAX + 32], tests[PATH_MAX + 32];
    snprintf(build, sizeof build, "%s/build", work);
    snprintf(sub, sizeof sub, "%s/build/sub", work);
    snprintf(probes, sizeof probes, "%s/build/probes", work);
    snprintf(tests, sizeof tests, "%s/build/tests", work);
    /* The tests' copies are the grader's alone (0700): the expected values
     * of hidden tests must not be readable by any subject. */
    if ((rc = make_private_dir(build, &id, 0755)) < 0 || (rc = make_private_dir(sub, &id, 0755)) < 0 ||
        (rc = make_private_dir(probes, &id, 0755)) < 0 || (rc = make_private_dir(tests, &self, 0700)) < 0) {
        snprintf(err, errlen, "%s: %s", build, strerror(-rc));
        return rc;
    }
    /* The submission's files, copied: the compiler (unprivileged) reads only
     * what the grader chose to give it. A missing file is the student's
     * compile error, not the grader's. */
    strbuf missing = {0};
    for (size_t i = 0; i < ex->nsubmission; i++) {
        char from[PATH_MAX * 2], to[PATH_MAX * 2];
        snprintf(from, sizeof from, "%s/%s", src, ex->submission[i]);
        snprintf(to, sizeof to, "%s/%s", sub, ex->submission[i]);
        char cerr[PATH_MAX + 128];
        if (al_stage_copy_file(from, to, id.drop, MAX_SOURCE_BYTES, cerr, sizeof cerr) < 0)
            sb_printf(&missing, "%s\n", cerr);
    }
    if (missing.len) {
        strbuf msg = {0};
        sb_printf(&msg, "The submission is incomplete: %s needs %s", ex->id, ex->submission[0]);
        for (size_t i = 1; i < ex->nsubmission; i++) sb_printf(&msg, ", %s", ex->submission[i]);
        sb_printf(&msg, " in %s.\n%s", src, missing.s);
        free(missing.s);
        *out = sb_take(&msg);
        return 0;
    }

    /* The judge is the grader's own (trusted) code and compiles from the
     * tree; the subject's compiler runs unprivileged and may not be able to
     * read the checkout (root's 0700 home): it reads a staged copy (stage.h). */
    const char *root = al_grader_source_dir();
    al_stage stage;
    if ((rc = al_stage_make(ex, work, &stage, err, errlen)) < 0) return rc;
    int sanitize = o->sanitize || CORE_IS_SANITIZED;
    /* The subject is the submission linked with its trusted parts (the given
     * code, the probes, the harness, the kit): those are the same for every
     * submission of an exercise, so they are compiled once, by the grader,
     * into one relocatable object (cc -r) kept in the judges' cache; only the
     * submission's own files are compiled per submission, unprivileged. */
    argv_list subj = {0}, judge = {0}, parts = {0};
    char parts_obj[PATH_MAX + 64];
    snprintf(parts_obj, sizeof parts_obj, "%s/parts.o", build);
    common_flags(&parts, sanitize, ex->dir, root);
    arg(&parts, "-I%s/tests", ex->dir);
    arg(&parts, "-r");
    arg(&parts, "-nostdlib");
    arg(&parts, "-o");
    arg(&parts, "%s", parts_obj);
    common_flags(&subj, sanitize, stage.exercise, stage.root);
    arg(&subj, "-I%s", sub);
    arg(&subj, "-I%s/tests", stage.exercise);
    arg(&subj, "-o");
    arg(&subj, "%s/subject", build);
    for (size_t i = 0; i < ex->nsubmission; i++) {
        const char *f = ex->submission[i];
        size_t len = strlen(f);
        if (len > 2 && strcmp(f + len - 2, ".c") == 0) arg(&subj, "%s", f);
    }
    arg(&subj, "%s", parts_obj);
    for (size_t i = 0; i < ex->ngiven; i++) {
        size_t len = strlen(ex->given[i]);
        if (len > 2 && strcmp(ex->given[i] + len - 2, ".c") == 0) arg(&parts, "%s", ex->given[i]);
    }
    /* The judge only links with the core when the core carries sanitizers. */
    common_flags(&judge, CORE_IS_SANITIZED, ex->dir, root);
    arg(&judge, "-o");
    arg(&judge, "%s/judge", build);
    for (size_t i = 0; i < ex->ntest_files; i++) {
        /* Test files are copied: hidden ones may live where the compiler's
         * user cannot read. Probes go to the subject, tests to the judge. */
        int probe = is_probe_file(ex->test_files[i]);
        char to[PATH_MAX * 2];
        snprintf(to, sizeof to, "%s/%zu", probe ? probes : tests, i);
        /* chmod too: the umask may have taken the subject's read bits. */
        if ((mkdir(to, probe ? 0755 : 0700) < 0 && errno != EEXIST) || chmod(to, probe ? 0755 : 0700) < 0) {
            rc = -errno;
            snprintf(err, errlen, "%s: %s", to, strerror(errno));
            goto done;
        }
        snprintf(to, sizeof to, "%s/%zu/%s", probe ? probes : tests, i, base_name(ex->test_files[i]));
        if ((rc = al_stage_copy_file(ex->test_files[i], to, 0, MAX_SOURCE_BYTES, err, errlen)) < 0)
            goto done;
        /* The judge (the grader's own user) reads headers next to any test
         * file; the subject, compiled unprivileged, those of the exercise's
         * tests/ folder (the probes' wire format), added below. */
        char folder[PATH_MAX];
        snprintf(folder, sizeof folder, "%s", ex->test_files[i]);
        char *slash = strrchr(folder, '/');
        if (slash) *slash = 0;
        if (!probe) arg(&judge, "-I%s", folder);
        if (probe) arg(&parts, "%s", to);
        else arg(&judge, "%s", to);
    }
    arg(&parts, "%s/exercises/grader/harness/al_subject_main.c", root);
    arg(&judge, "%s/exercises/grader/harness/al_grade_main.c", root);
    arg(&judge, "%s/tests/runner/al_test_registry.c", root);
    arg(&judge, "%s/exercises/grader/support/al_kit_subject.c", root);
    arg(&judge, "%s/exercises/grader/support/al_kit_proc.c", root);
    static const char *kit[] = {"al_kit_net.c", "al_kit_http.c"};
    for (size_t i = 0; i < 2; i++) {
        arg(&parts, "%s/exercises/grader/support/%s", root, kit[i]);
        arg(&judge, "%s/exercises/grader/support/%s", root, kit[i]);
    }
    link_flags(&subj, stage.core_lib, stage.llhttp_lib, 0);
    link_flags(&judge, core_lib, llhttp_lib, 1);

    char tests_dir[PATH_MAX + 32], common[PATH_MAX], support[PATH_MAX], harness[PATH_MAX],
        runner[PATH_MAX], headers[PATH_MAX];
    snprintf(tests_dir, sizeof tests_dir, "%s/tests", ex->dir);
    snprintf(common, sizeof common, "%s/exercises/common", root);
    snprintf(support, sizeof support, "%s/exercises/grader/support", root);
    snprintf(harness, sizeof harness, "%s/exercises/grader/harness", root);
    snprintf(runner, sizeof runner, "%s/tests/runner", root);
    snprintf(headers, sizeof headers, "%s/core/include/asynclab", root);
    const char *dirs[] = {ex->dir, tests_dir, common, support, harness, runner, headers};
    size_t ndirs = sizeof dirs / sizeof dirs[0];
    strbuf msg = {0};
    rc = cached_compile(&parts, dirs, ndirs, work, build, parts_obj, 0644, &msg, err, errlen);
    if (rc == 1) rc = run_compiler(&subj, &id, build, sub, &msg, err, errlen);
    char judge_bin[PATH_MAX + 64];
    snprintf(judge_bin, sizeof judge_bin, "%s/judge", build);
    if (rc == 1) rc = cached_compile(&judge, dirs, ndirs, work, build, judge_bin, 0700, &msg, err, errlen);
    *out = sb_take(&msg);
    /* Hand the programs to root: later runs, under other uids, must not be
     * able to replace them. */
    char bin[PATH_MAX + 64];
    snprintf(bin, sizeof bin, "%s/subject", build);
    if (rc == 1 && id.drop && (chown(bin, 0, 0) < 0 || chmod(bin, 0755) < 0 || chown(build, 0, 0) < 0 ||
                               chmod(build, 0755) < 0)) {
        snprintf(err, errlen, "%s: %s", bin, strerror(errno));
        rc = -errno;
    }
    /* The judge is nobody else's business: no subject may read the tests' code. */
    snprintf(bin, sizeof bin, "%s/judge", build);
    if (rc == 1) chmod(bin, 0700);
done:
    al_stage_free(&stage);
    argv_free(&subj);
    argv_free(&judge);
    argv_free(&parts);
    return rc;
}

/* ---- one test -------------------------------------------------------------- */

static const char *signal_name(int sig) {
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGABRT: return "SIGABRT";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGPIPE: return "SIGPIPE";
    case SIGXFSZ: return "SIGXFSZ";
    case SIGXCPU: return "SIGXCPU";
    default: return "a signal";
    }
}

/* What the harness wrote on fd 3: failure lines, and whether the test ran
 * to its end (D line with our nonce). */
static void read_verdict(const char *results, size_t len, const char *nonce, int *done,
                         unsigned *failed, strbuf *fails, al_grade_status *outcome, strbuf *why) {
    *done = 0;
    *outcome = AL_GRADE_PASS;
    *failed = 0;
    const char *p = results, *end = results + len;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) break;   /* a torn last line does not count */
        size_t n = (size_t)(nl - p);
        if (n > 2 && p[0] == 'F' && p[1] == ' ') {
            char *line = strndup(p + 2, n - 2);
            if (line) {
                al_text_sanitize(line, strlen(line));
                sb_printf(fails, "%s\n", line);
                free(line);
            }
        } else if (n > 2 && p[0] == 'X' && p[1] == ' ' && *outcome == AL_GRADE_PASS) {
            /* The judge saw the submission crash or hang: the first one counts. */
            int crash = n >= 8 && strncmp(p + 2, "CRASH ", 6) == 0;
            int timeout = n >= 10 && strncmp(p + 2, "TIMEOUT ", 8) == 0;
            if (crash || timeout) {
                *outcome = crash ? AL_GRADE_CRASH : AL_GRADE_TIMEOUT;
                size_t skip = crash ? 8 : 10;
                char *line = n > skip ? strndup(p + skip, n - skip) : NULL;
                if (line) {
                    al_text_sanitize(line, strlen(line));
                    sb_printf(why, "%s\n", line);
                    free(line);
                }
            }
        } else if (n > 2 && p[0] == 'D' && p[1] == ' ') {
            size_t nlen = strlen(nonce);
            if (n > 2 + nlen && strncmp(p + 2, nonce, nlen) == 0 && p[2 + nlen] == ' ') {
                *done = 1;
                *failed = (unsigned)strtoul(p + 3 + nlen, NULL, 10);
            }
        }
        p = nl + 1;
    }
}

/* The first stack frame of a crash report that is in the submission's own
 * files ("#1 0x... in ex4_fib /tmp/.../build/sub/generators.c:27"), as
 * "generators.c:27 (ex4_fib)"; empty if there is none. */
static void student_frame(const char *output, char *buf, size_t len) {
    buf[0] = 0;
    for (const char *p = output; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const char *in = memmem(p, n, " in ", 4);
        const char *sub = memmem(p, n, "/build/sub/", 11);
        if (in && sub && sub > in && memmem(p, n, "#", 1)) {
            const char *fn = in + 4, *fn_end = memchr(fn, ' ', (size_t)(p + n - fn));
            const char *file = sub + 11;
            snprintf(buf, len, "%.*s (%.*s)", (int)(p + n - file), file,
                     fn_end ? (int)(fn_end - fn) : 0, fn);
            return;
        }
        p = nl ? nl + 1 : NULL;
    }
}

static void classify(const al_test_spec *t, int timeout_s, long memory_mb,
                     const al_sandbox_result *r, const char *nonce, al_test_result *out) {
    strbuf fb = {0}, fails = {0}, why = {0};
    int done;
    unsigned failed;
    al_grade_status outcome;
    read_verdict(r->results ? r->results : "", r->results_len, nonce, &done, &failed, &fails,
                 &outcome, &why);
    al_grade_status st;
    switch (r->end) {
    case AL_RUN_TIMEOUT:
        st = AL_GRADE_TIMEOUT;
        sb_printf(&fb, "timed out after %d s: the test never finished (a hang, a deadlock or an "
                       "infinite loop?)\n", timeout_s);
        break;
    case AL_RUN_CPU_LIMIT:
        st = AL_GRADE_TIMEOUT;
        sb_printf(&fb, "used more than %d s of CPU time (an infinite loop?)\n", timeout_s);
        break;
    case AL_RUN_MEMORY:
        st = AL_GRADE_CRASH;
        sb_printf(&fb, "used more than %ld MiB of memory and was stopped\n", memory_mb);
        break;
    case AL_RUN_OUTPUT:
        st = AL_GRADE_FAIL;
        sb_printf(&fb, "wrote more than %d MiB of output and was stopped (an output flood)\n",
                  OUTPUT_LIMIT >> 20);
        break;
    case AL_RUN_NOT_STARTED:
        st = AL_GRADE_CRASH;
        sb_printf(&fb, "the test program could not start: %s\n", strerror(r->status));
        break;
    case AL_RUN_SIGNALED:
        st = AL_GRADE_CRASH;
        sb_printf(&fb, "crashed: %s (%s)\n", signal_name(r->status), strsignal(r->status));
        break;
    default:
        if (r->sanitizer || (r->end == AL_RUN_EXITED && r->status == SANITIZER_EXIT && !done)) {
            st = AL_GRADE_CRASH;
            sb_printf(&fb, "the sanitizer found an error: %s\n",
                      r->sanitizer_summary[0] ? r->sanitizer_summary : "see the output");
            if (why.len) sb_printf(&fb, "%s", why.s);
        } else if (outcome != AL_GRADE_PASS) {
            st = outcome;
            if (why.len) sb_printf(&fb, "%s", why.s);
        } else if (!done) {
            st = AL_GRADE_CRASH;
            sb_printf(&fb, "the test ended (status %d) before it finished: the grader's own "
                           "judge failed\n", r->status);
        } else if (failed || r->status != 0) {
            st = AL_GRADE_FAIL;
        } else {
            st = AL_GRADE_PASS;
        }
    }
    if (st == AL_GRADE_CRASH && r->output) {
        char where[256];
        student_frame(r->output, where, sizeof where);
        if (where[0]) sb_printf(&fb, "in your code at %s\n", where);
    }
    if (fails.len) sb_printf(&fb, "%s", fails.s);
    if (st == AL_GRADE_FAIL && !fails.len && r->end == AL_RUN_EXITED)
        sb_printf(&fb, "failed (exit status %d)\n", r->status);
    if (st != AL_GRADE_PASS && t->hint) sb_printf(&fb, "hint: %s\n", t->hint);
    if (r->stray) sb_printf(&fb, "note: %d process(es) of this test could not be stopped\n", r->stray);
    free(fails.s);
    free(why.s);
    out->status = st;
    out->score = st == AL_GRADE_PASS ? t->points : 0;
    out->seconds = r->seconds;
    out->feedback = sb_take(&fb);
    out->output = strdup(r->output ? r->output : "");
}

/* One test: the judge runs under the grader's own identity (it is the
 * course's code), inside the usual limits; the subjects it starts run
 * under the test's private identity, with the limits passed to it here. */
static int run_test(const al_exercise *ex, const al_grader_opts *o, const char *work, size_t index,
                    al_test_result *out, char *err, size_t errlen) {
    const al_test_spec *t = out->spec;
    identity id;
    int rc = pick_identity(o->user, 1 + (unsigned)(index % 63), &id, err, errlen);
    if (rc < 0) return rc;
    char dir[PATH_MAX + 32], judge[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/t%zu", work, index);
    snprintf(judge, sizeof judge, "%s/build/judge", work);
    if ((rc = make_private_dir(dir, &id, 0700)) < 0) {
        snprintf(err, errlen, "%s: %s", dir, strerror(-rc));
        return rc;
    }
    int sanitized = o->sanitize || CORE_IS_SANITIZED;
    int timeout_s = t->timeout_s ? t->timeout_s : ex->timeout_s;
    char nonce[33];
    random_hex(nonce, 16);
    envp env = {0};
    env_add(&env, "PATH=/usr/local/bin:/usr/bin:/bin");
    env_add(&env, "HOME=%s", dir);
    env_add(&env, "TMPDIR=%s", dir);
    env_add(&env, "LC_ALL=C");
    env_add(&env, "AL_GRADE_NONCE=%s", nonce);
    env_add(&env, "ASAN_OPTIONS=detect_leaks=1:exitcode=%d:allocator_may_return_null=1:"
                  "max_allocation_size_mb=1024:handle_abort=1:detect_odr_violation=0",
            SANITIZER_EXIT);
    env_add(&env, "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=%d", SANITIZER_EXIT);
    /* The subject checks for leaks after its call returned: what is left on
     * its stack and in its registers then is residue, not a reference. */
    env_add(&env, "LSAN_OPTIONS=use_stacks=0:use_registers=0");
    const char *backend = getenv("ASYNCLAB_BACKEND");
    if (backend && *backend) env_add(&env, "ASYNCLAB_BACKEND=%s", backend);
    const char *seed = getenv("AL_GRADE_SEED");   /* repeat a run's drawn inputs */
    if (seed && *seed) env_add(&env, "AL_GRADE_SEED=%s", seed);
    env_add(&env, "AL_SUBJECT_BIN=%s/build/subject", work);
    if (id.drop) env_add(&env, "AL_SUBJECT_ID=%u:%u", (unsigned)id.uid, (unsigned)id.gid);
    /* cpu_s address_space nofile nproc fsize. ASan reserves terabytes of
     * address space for its shadow: only a build without sanitizers can
     * take an address-space limit. */
    env_add(&env, "AL_SUBJECT_LIMITS=%d %lld %d %ld %lld", timeout_s + 1,
            sanitized ? 0LL : 4LL << 30, 1024, nproc_for(&id), 16LL << 20);
    env_add(&env, "AL_DEADLINE_MS=%d", timeout_s * 1000);
    char *argv[] = {judge, "-t", (char *)t->name, NULL};
    al_sandbox sb = {
        .argv = argv,
        .envp = env.vars,
        .cwd = dir,
        .timeout_ms = timeout_s * 1000 + 1000,   /* the judge ends its waits before this */
        .cpu_s = timeout_s + 2,
        .memory_bytes = (long long)ex->memory_mb << 20,
        .address_space = 0,
        .nofile = 4096,
        .fsize = 16LL << 20,
        .keep_head = KEEP_HEAD,
        .keep_tail = KEEP_TAIL,
        .output_limit = OUTPUT_LIMIT,
        .want_results = 1,
    };
    al_sandbox_result r;
    rc = al_sandbox_run(&sb, &r);
    env_free(&env);
    /* The subjects' uid is this run's alone: whatever of it is still alive
     * (a fork storm that outran the kill by pid) goes now, before the next
     * test starts. */
    if (id.private_uid && al_proctree_kill_uid(id.uid, id.gid) == 0 && rc == 0 && r.stray)
        r.stray = (int)al_proctree_count_uid(id.uid);
    al_proctree_kill_all(1000);
    if (!o->keep) remove_tree(dir);
    if (rc < 0) {
        snprintf(err, errlen, "cannot run test %s: %s", t->name, strerror(-rc));
        return rc;
    }
    if (r.end == AL_RUN_INTERRUPTED) {
        al_sandbox_result_free(&r);
        return -EINTR;
    }
    classify(t, timeout_s, ex->memory_mb, &r, nonce, out);
    al_sandbox_result_free(&r);
    return 0;
}

/* ---- the exercise ------------------------------------------------------------ */

static void progress(const al_grader_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void progress(const al_grader_opts *o, const char *fmt, ...) {
    if (!o->progress) return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "\r\033[K");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fflush(stderr);
}

int al_grade_check_machine(const al_exercise *ex, const al_grader_opts *o, char *err,
                           size_t errlen) {
    if (!ex->needs_io_uring) return 0;
    identity id;
    int rc = pick_identity(o->user, 0, &id, err, errlen);   /* who the compile and tests run as */
    if (rc < 0) return rc;
    return al_machine_check_io_uring(ex->id, id.drop, id.uid, id.gid, err, errlen);
}

int al_grade_exercise(const al_exercise *ex, const al_grader_opts *o, al_exercise_result *r,
                      char *err, size_t errlen) {
    memset(r, 0, sizeof *r);
    r->ex = ex;
    err[0] = 0;
    /* Before anything is built: a machine that refuses what the exercise
     * needs would fail every test, each blamed on the submission. */
    int refused = al_grade_check_machine(ex, o, err, errlen);
    if (refused < 0) return refused;
    if (refused == 1) {
        r->machine_refused = 1;
        return -ENOTSUP;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char where[256] = "";   /* why the submission's files were not found, if so */
    if (o->src) {
        /* A zip's folder, a repository: the files may be a level or more down. */
        if (al_find_submission(o->src, ex->submission[0], NULL, r->src, sizeof r->src, where,
                               sizeof where) < 0)   /* nowhere, or in two folders */
            snprintf(r->src, sizeof r->src, "%s", o->src);
    } else if (snprintf(r->src, sizeof r->src, "%s/%s", ex->dir, o->solution ? "solution" : "starter") >=
             (int)sizeof r->src)
        return -ENAMETOOLONG;

    size_t n = 0;
    for (size_t i = 0; i < ex->ntests; i++)
        if (!o->visible_only || strcmp(ex->tests[i].visibility, "visible") == 0) n++;
    r->tests = calloc(n ? n : 1, sizeof *r->tests);
    if (!r->tests) return -ENOMEM;
    for (size_t i = 0, k = 0; i < ex->ntests; i++) {
        if (o->visible_only && strcmp(ex->tests[i].visibility, "visible") != 0) continue;
        al_test_result *t = &r->tests[k++];
        t->spec = &ex->tests[i];
        snprintf(t->number, sizeof t->number, "%d.%zu", ex->number, k);
        t->status = AL_GRADE_NOT_RUN;
        r->max_score += ex->tests[i].points;
    }
    r->ntests = n;

    al_proctree_become_subreaper();
    const char *tmp = getenv("TMPDIR");
    char work[PATH_MAX];
    snprintf(work, sizeof work, "%s/asynclab-grade-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(work)) {
        snprintf(err, errlen, "cannot create a temporary directory in %s: %s",
                 tmp && *tmp ? tmp : "/tmp", strerror(errno));
        return -errno;
    }
    /* Runs may enter their own subdirectory, not list the others. */
    chmod(work, 0711);

    progress(o, "[%s] compiling %s ...", ex->id, r->src);
    int rc = compile(ex, o, work, r->src, &r->compile_output, err, errlen);
    if (rc == 0 && where[0]) {   /* two candidates: say so, never guess */
        char *both = NULL;
        if (asprintf(&both, "%s: which one is the submission? Hand in one.\n%s", where,
                     r->compile_output ? r->compile_output : "") >= 0) {
            free(r->compile_output);
            r->compile_output = both;
        }
    }
    if (rc == 1) {
        r->compiled = 1;
        for (size_t i = 0; i < n; i++) {
            progress(o, "[%s] test %zu of %zu: %s", ex->id, i + 1, n, r->tests[i].spec->name);
            rc = run_test(ex, o, work, i, &r->tests[i], err, errlen);
            if (rc < 0) break;
            r->score += r->tests[i].score;
        }
    } else if (rc == 0) {
        for (size_t i = 0; i < n; i++) {
            r->tests[i].feedback = strdup("the submission did not compile (see the compiler's "
                                          "message above)\n");
            r->tests[i].output = strdup("");
        }
    }
    progress(o, "%s", "");
    if (o->keep) fprintf(stderr, "asynclab grade: kept %s\n", work);
    else remove_tree(work);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (rc == -EINTR) {
        r->interrupted = 1;
        return rc;
    }
    return rc < 0 ? rc : 0;
}

void al_exercise_result_free(al_exercise_result *r) {
    for (size_t i = 0; i < r->ntests; i++) {
        free(r->tests[i].feedback);
        free(r->tests[i].output);
    }
    free(r->tests);
    free(r->compile_output);
    memset(r, 0, sizeof *r);
}
