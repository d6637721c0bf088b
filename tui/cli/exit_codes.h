/* exit_codes.h — the exit status of every `asynclab` command, one table.
 *
 * A script (CI, a Makefile, Gradescope's wrapper) tells these apart, so a
 * status means the same whichever command returns it:
 *   0    the job is done and all is well
 *   1    the job is done and something failed: a test, a request, a finding
 *   2    bad usage: an unknown option, a missing or malformed value; nothing ran
 *   3    the job could not be done: the exercises could not be read, a
 *        report could not be written, the grader itself failed
 *   4    this machine cannot do the job: it refuses what the job requires
 *        (the kernel refuses io_uring, which exercise 7 needs); nothing of
 *        that job ran, and no one's work is at fault
 *   130  interrupted (SIGINT), as a shell reports it; work done so far is kept
 * No command has an exception: `asynclab check` once exited with the number
 * of failed checks, which read as "bad usage" for two and as success for 256. */
#ifndef AL_TUI_EXIT_CODES_H
#define AL_TUI_EXIT_CODES_H

enum {
    AL_CLI_OK = 0,
    AL_CLI_FAILED = 1,
    AL_CLI_USAGE = 2,
    AL_CLI_CANNOT = 3,
    AL_CLI_MACHINE = 4,
    AL_CLI_INTERRUPTED = 130,
};

#endif
