/* cmd_lab.c — `asynclab` with no arguments: the lab's front door.
 *
 * On a terminal: the lesson browser (view_browser.c), full screen. Enter
 * runs the chosen lesson's demo under the live viewer; quitting the viewer
 * comes back to the list. Anywhere else (a pipe, a file, CI): the lessons as
 * a text list, and, when stdin is a terminal, a prompt for one to run.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "lessons.h"
#include "view.h"
#include "view_browser.h"
#include "view_lesson.h"
#include "view_signals.h"
#include "view_term.h"

int al_lesson_run_demo(const al_lesson *l);
void al_lessons_print(const al_lesson *all, size_t n);

static int text_lab(const al_lesson *all, size_t n) {
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

/* The browser's loop: draw when something changed, sleep in poll otherwise. */
static int browse(const al_lesson *all, size_t n) {
    al_term_options to = {0};
    int ascii = 0;
    char err[256];
    if (al_term_open(&to, &ascii, err, sizeof err) < 0) {
        al_cli_error("%s; the lessons as text instead:", err);
        fputc('\n', stderr);
        return text_lab(all, n);
    }
    al_browser b;
    al_browser_init(&b, all, n);
    b.ascii = ascii;
    al_cells cells;
    al_cells_init(&cells);
    char message[256];
    int status = 0, dirty = 1, done = 0;
    while (!done) {
        if (dirty) {
            int w, h;
            al_term_size(&w, &h);
            if (w != cells.w || h != cells.h) al_cells_resize(&cells, w, h);
            al_browser_render(&b, &cells);
            al_term_draw(&cells);
            dirty = 0;
        }
        struct pollfd p[2] = {{.fd = al_signals_fd(), .events = POLLIN}, {.fd = STDIN_FILENO, .events = POLLIN}};
        poll(p, 2, -1);
        if (p[1].revents & (POLLHUP | POLLERR | POLLNVAL)) {
            status = 128 + SIGHUP;   /* the terminal is gone */
            done = 1;
        }
        int sig;
        while ((sig = al_signals_take()) != 0) {
            if (sig == SIGWINCH) dirty = 1;
            else if (sig != SIGCHLD) status = 128 + sig, done = 1;
        }
        int key;
        while (!done && (key = al_term_key()) != -1) {
            if (key == -2) continue;
            dirty = 1;
            if (key == AL_KEY_RESIZE) continue;
            int what = al_browser_key(&b, key);
            if (what < 0) {
                done = 1;
            } else if (what > 0) {
                const al_lesson *l = &all[b.sel];
                al_lesson_view_options vo = {.ascii = ascii};
                int rc = al_lesson_view(l, &vo);
                if (rc > 128) {            /* Ctrl-C or SIGTERM in the viewer: leave the lab too */
                    status = rc;
                    done = 1;
                }
                snprintf(message, sizeof message, "Lesson %d's viewer closed. Enter runs it again; q leaves the lab.",
                         l->number);
                b.message = message;
                al_term_invalidate();
            }
        }
    }
    al_term_close();
    al_cells_free(&cells);
    al_browser_free(&b);
    return status;
}

int cmd_lab(int argc, char **argv) {
    (void)argc;
    (void)argv;
    al_lesson all[AL_MAX_LESSONS];
    size_t n = al_lessons_find(all, AL_MAX_LESSONS);
    if (n > 0 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) return browse(all, n);
    return text_lab(all, n);
}
