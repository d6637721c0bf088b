/* cmd_classroom.c — `asynclab classroom gradescope EX -o autograder.zip`:
 * an autograder for Gradescope, built from this checkout.
 *
 * Gradescope's autograder specification: a zip with setup.sh and
 * run_autograder at its root, unpacked into /autograder/source; setup.sh runs
 * once as root when the image is built; run_autograder runs for every
 * submission, reads /autograder/submission and writes
 * /autograder/results/results.json (the format of al_export_json).
 *
 * The zip carries the project's source tree (as asynclab/; .git and build
 * trees left out) so setup.sh builds asynclab there with the distribution's
 * packages only (scripts/install-deps --build), and the instructor's hidden
 * tests, if any (as hidden/). The zip is written by /usr/bin/python3's
 * zipfile module: a real, well-tested zip writer that Debian's python3
 * package carries (install-deps installs it), keeping file modes so that
 * run_autograder stays executable. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_opts.h"
#include "commands.h"
#include "exercise_arg.h"
#include "grader.h"

extern char **environ;

#define PYTHON "/usr/bin/python3"

static void usage(FILE *out) {
    fprintf(out,
            "usage: asynclab classroom gradescope EX -o autograder.zip [--tests DIR]\n"
            "  Build an autograder zip for Gradescope (a programming assignment of exercise EX):\n"
            "  setup.sh and run_autograder at its root, this source tree as asynclab/, and the\n"
            "  hidden tests of --tests DIR (the layout `asynclab grade --tests` reads) as hidden/.\n"
            "  Needs %s (install-deps installs it).\n", PYTHON);
}

/* setup.sh: once per image, as root. */
static const char SETUP[] =
    "#!/usr/bin/env bash\n"
    "# Gradescope runs this once, as root, when it builds the autograder's image:\n"
    "# the distribution's packages (apt, nothing else), then asynclab itself.\n"
    "set -eu\n"
    "cd /autograder/source/asynclab\n"
    "scripts/install-deps --build\n"
    "cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo\n"
    "cmake --build build -j\"$(nproc)\" --target asynclab\n"
    "# The submission runs as an unprivileged user: the hidden tests and the\n"
    "# reference solutions are for root's eyes only.\n"
    "[ -d /autograder/source/hidden ] && chmod -R go-rwx /autograder/source/hidden\n"
    "chmod -R go-rwx exercises/*/solution\n"
    "echo 'asynclab autograder: ready'\n";

/* run_autograder: once per submission. %s is the exercise's id. */
static const char RUN[] =
    "#!/usr/bin/env bash\n"
    "# Gradescope runs this for every submission: the student's files are in\n"
    "# /autograder/submission, the grade goes to /autograder/results/results.json.\n"
    "set -u\n"
    "EX=%s\n"
    "cd /autograder/source/asynclab\n"
    "# Root's folder, so that the submission (another user) cannot write a grade.\n"
    "mkdir -p /autograder/results && chown root:root /autograder/results && chmod 755 /autograder/results\n"
    "hidden=()\n"
    "[ -d /autograder/source/hidden ] && hidden=(--tests /autograder/source/hidden)\n"
    "build/tui/asynclab grade \"$EX\" --src /autograder/submission \"${hidden[@]}\" \\\n"
    "    --json /autograder/results/results.json\n"
    "status=$?\n"
    "# 0 and 1 are grades; 4: this machine refuses what the exercise requires\n"
    "# (io_uring), and the grader's results.json says so. Anything else: the\n"
    "# grader itself could not grade; say so rather than give a silent zero.\n"
    "if [ \"$status\" -gt 1 ] && [ \"$status\" -ne 4 ]; then\n"
    "    cat > /autograder/results/results.json <<'JSON'\n"
    "{\"score\": 0, \"output\": \"The autograder could not grade this submission (not the "
    "submission's fault). Please tell the course staff.\", \"tests\": []}\n"
    "JSON\n"
    "fi\n"
    "exit 0\n";

/* The zip, by Python's zipfile: argv = OUT STAGE SOURCE [HIDDEN]. */
static const char ZIPPER[] =
    "import os, sys, zipfile\n"
    "out, stage, source = sys.argv[1:4]\n"
    "hidden = sys.argv[4] if len(sys.argv) > 4 else None\n"
    "def tree(z, top, prefix):\n"
    "    for here, dirs, files in os.walk(top):\n"
    "        # no history, no build trees (they hold a CMakeCache.txt)\n"
    "        dirs[:] = sorted(d for d in dirs if d != '.git' and\n"
    "                         not os.path.exists(os.path.join(here, d, 'CMakeCache.txt')))\n"
    "        for f in sorted(files):\n"
    "            p = os.path.join(here, f)\n"
    "            if f != '.git' and os.path.isfile(p) and not os.path.islink(p):\n"
    "                z.write(p, os.path.join(prefix, os.path.relpath(p, top)))\n"
    "with zipfile.ZipFile(out + '.tmp', 'w', zipfile.ZIP_DEFLATED) as z:\n"
    "    for f in ('setup.sh', 'run_autograder'):\n"
    "        z.write(os.path.join(stage, f), f)\n"
    "    tree(z, source, 'asynclab')\n"
    "    if hidden:\n"
    "        tree(z, hidden, 'hidden')\n"
    "os.replace(out + '.tmp', out)\n";

static int write_script(const char *dir, const char *name, const char *text) {
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "we");
    if (!f) return -errno;
    fputs(text, f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) return -EIO;
    return chmod(path, 0755) < 0 ? -errno : 0;
}

static int run_zipper(const char *out, const char *stage, const char *source, const char *hidden) {
    char *argv[] = {PYTHON, "-c", (char *)ZIPPER, (char *)out, (char *)stage, (char *)source,
                    (char *)hidden, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, PYTHON, NULL, NULL, argv, environ);
    if (rc != 0) {
        al_cli_error("cannot run %s: %s (install python3: "
                        "scripts/install-deps)", PYTHON, strerror(rc));
        return -rc;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -errno;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        al_cli_error("%s could not write %s (its message is above)", PYTHON, out);
        return -EIO;
    }
    return 0;
}

/* The source tree must be a checkout with what setup.sh builds. */
static int check_source(const char *source) {
    static const char *const needed[] = {"CMakeLists.txt", "core", "tui", "exercises/grader",
                                         "scripts/install-deps"};
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++) {
        char path[PATH_MAX + 64];
        snprintf(path, sizeof path, "%s/%s", source, needed[i]);
        if (access(path, R_OK) != 0) {
            al_cli_error("%s is not a source checkout (no %s): the autograder "
                            "is built from the project's source; run it from a checkout",
                    source, needed[i]);
            return -ENOENT;
        }
    }
    return 0;
}

static int build_zip(const al_exercise *ex, const char *out, const char *hidden) {
    const char *source = al_grader_source_dir();
    if (check_source(source) < 0) return 3;
    char stage[] = "/tmp/asynclab-gradescope-XXXXXX";
    if (!mkdtemp(stage)) {
        al_cli_error("cannot create a temporary folder: %s", strerror(errno));
        return 3;
    }
    char *run = NULL;
    int rc = asprintf(&run, RUN, ex->id) < 0 ? -ENOMEM : 0;
    if (rc == 0) rc = write_script(stage, "setup.sh", SETUP);
    if (rc == 0) rc = write_script(stage, "run_autograder", run);
    if (rc < 0) al_cli_error("%s: %s", stage, strerror(-rc));
    else rc = run_zipper(out, stage, source, hidden);
    free(run);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/setup.sh", stage);
    unlink(path);
    snprintf(path, sizeof path, "%s/run_autograder", stage);
    unlink(path);
    rmdir(stage);
    if (rc < 0) return 3;
    struct stat st;
    stat(out, &st);
    printf("%s: an autograder for %s (%s), %lld KiB%s\n"
           "Upload it in Gradescope: a programming assignment, Configure Autograder, zip file.\n",
           out, ex->id, ex->title, (long long)st.st_size / 1024, hidden ? ", with hidden tests" : "");
    return 0;
}

int cmd_classroom(int argc, char **argv) {
    const char *which = NULL, *out = NULL, *tests = NULL;
    const al_cli_opt opts[] = {
        {"out", 'o', AL_CLI_STRING, .dest = &out, .what = "a file name"},
        {"tests", 0, AL_CLI_STRING, .dest = &tests, .what = "a folder"},
    };
    al_cli_args args;
    const al_cli_spec spec = {opts, AL_CLI_COUNT(opts), usage, 2, "a platform and an exercise", 0};
    int rc = al_cli_parse(argc, argv, &spec, &args);
    if (rc) return rc == AL_CLI_HELP ? AL_CLI_OK : rc;
    if (args.npos > 0 && strcmp(args.pos[0], "gradescope") != 0)
        return al_cli_usage_error("unknown platform '%s' (known: gradescope)", args.pos[0]);
    which = args.pos[1];
    if (!args.npos || !which || !out) {
        al_cli_error("%s", !args.npos ? "which platform? (gradescope)"
                           : !which   ? "which exercise?"
                                      : "where to? (-o autograder.zip)");
        usage(stderr);
        return AL_CLI_USAGE;
    }
    al_exercise *all;
    size_t count;
    char err[PATH_MAX + 256];
    int loaded = al_cli_load_exercises(&all, &count);
    if (loaded) return loaded;
    al_exercise *ex = al_exercise_find(all, count, which);
    int status = 2;
    if (!ex) {
        al_cli_error("no exercise '%s' (asynclab grade --list)", which);
    } else if (tests && al_exercise_add_hidden(ex, tests, err, sizeof err) < 0) {
        /* The same check `grade --tests` makes, before anything is zipped. */
        al_cli_error("%s", err);
    } else {
        status = build_zip(ex, out, tests);
    }
    al_exercises_free(all, count);
    return status;
}
