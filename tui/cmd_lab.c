/* cmd_lab.c — `asynclab` with no arguments: the lab's front door.
 *
 * Lists the lessons; on a terminal, asks which one to run and runs its demo,
 * then comes back to the list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "lessons.h"

int al_lesson_run_demo(const al_lesson *l);
void al_lessons_print(const al_lesson *all, size_t n);

int cmd_lab(int argc, char **argv) {
    (void)argc;
    (void)argv;
    al_lesson all[AL_MAX_LESSONS];
    size_t n = al_lessons_find(all, AL_MAX_LESSONS);
    for (;;) {
        printf("asynclab — from a blocking socket to coroutines on an event loop\n\n");
        if (n == 0) {
            printf("No lessons found (looked in the source tree's lessons/).\n");
            return 1;
        }
        al_lessons_print(all, n);
        printf("\nRun one with: asynclab lesson N   (all commands: asynclab --help)\n");
        if (!isatty(0)) return 0;
        printf("Lesson to run (number, or q to quit): ");
        fflush(stdout);
        char line[64];
        if (!fgets(line, sizeof line, stdin)) return 0;
        line[strcspn(line, "\n")] = 0;
        if (line[0] == 'q' || line[0] == 0) return 0;
        const al_lesson *l = al_lesson_get(all, n, atoi(line));
        if (!l) {
            printf("\nThere is no lesson '%s'.\n\n", line);
            continue;
        }
        al_lesson_run_demo(l);
        printf("\n");
    }
}
