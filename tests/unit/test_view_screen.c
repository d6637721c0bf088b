/* test_view_screen.c — the viewer's screen, frame by frame, without a terminal.
 *
 * A recorded trace of lesson 5 (tests/fixtures/frames/lesson05-*.jsonl,
 * from `ASYNCLAB_TRACE=... coroutines --virtual`) is loaded into the model
 * and drawn into a cell grid at 80x24 and 120x40; the grid, as text, must
 * match the golden files in tests/fixtures/frames/ character for character
 * (and, for some, style for style: which cells are "running", "waiting"...).
 * Besides the goldens, each test checks by itself what a person must see,
 * so a golden file regenerated carelessly cannot hide a broken screen.
 *
 * After an intended change of the screen, regenerate the goldens with
 *   AL_UPDATE_GOLDEN=1 build/tests/test_view_screen
 * and read the diff before committing it.
 */
#include "test_view_sources.h"

#include "al_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef AL_FIXTURES_DIR
#define AL_FIXTURES_DIR "tests/fixtures"
#endif

/* ---- helpers ------------------------------------------------------------------ */

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    return buf;
}

/* Compare with tests/fixtures/frames/NAME, naming the first line that differs. */
static void golden(const char *name, const char *actual) {
    char path[512];
    snprintf(path, sizeof path, "%s/frames/%s", AL_FIXTURES_DIR, name);
    if (getenv("AL_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "wb");
        AL_REQUIRE_MSG(f != NULL, "cannot write %s", path);
        fputs(actual, f);
        fclose(f);
        printf("updated %s\n", path);
        return;
    }
    char *expected = slurp(path);
    AL_REQUIRE_MSG(expected != NULL, "no golden file %s (AL_UPDATE_GOLDEN=1 writes it)", path);
    if (strcmp(expected, actual) != 0) {
        const char *a = expected, *b = actual;
        int line = 1;
        while (*a && *a == *b) {
            if (*a == '\n') line++;
            a++, b++;
        }
        const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
        while (a > expected && a[-1] != '\n') a--;
        while (b > actual && b[-1] != '\n') b--;
        AL_CHECK_MSG(0, "%s differs at line %d:\n  expected: %.*s\n  got:      %.*s", name, line,
                     (int)(ea ? ea - a : (long)strlen(a)), a, (int)(eb ? eb - b : (long)strlen(b)), b);
        char out[600];
        snprintf(out, sizeof out, "/tmp/%s.actual", name);
        FILE *f = fopen(out, "wb");
        if (f) {
            fputs(actual, f);
            fclose(f);
            printf("the whole frame is in %s\n", out);
        }
    }
    free(expected);
}

/* The dumps are the screen's: each draw frees the one before, so a test
 * reads the frame it drew last and frees nothing itself. */
typedef struct screen {
    al_model model;
    al_view view;
    al_cells cells;
    char *text, *styles;   /* the last frame's text and styles (al_cells_dump*) */
} screen;

/* The view of a finished replay: everything applied, cursor at the end. */
static void open_replay(screen *s, const char *fixture) {
    char path[512];
    snprintf(path, sizeof path, "%s/frames/%s", AL_FIXTURES_DIR, fixture);
    al_model_init(&s->model);
    int rc = al_model_load(&s->model, path);
    AL_REQUIRE_MSG(rc == 0, "loading %s: %s", path, s->model.error);
    al_view_init(&s->view, AL_VIEW_REPLAY);
    s->view.model = &s->model;
    s->view.now = s->model.last_t;
    s->view.title = "replay: lesson05.jsonl";
    s->view.cursor = s->view.nevents = (size_t)s->model.events;
    s->view.paused = 1;
    al_cells_init(&s->cells);
    s->text = s->styles = NULL;
}

static void close_screen(screen *s) {
    free(s->text);
    free(s->styles);
    al_cells_free(&s->cells);
    al_view_free(&s->view);
    al_model_free(&s->model);
}

static const char *draw(screen *s, int w, int h) {
    AL_REQUIRE(al_cells_resize(&s->cells, w, h) == 0);
    al_view_render(&s->view, &s->cells);
    free(s->text);
    return s->text = al_cells_dump(&s->cells);
}

/* The styles of the frame drawn last. */
static const char *styles_of(screen *s) {
    free(s->styles);
    return s->styles = al_cells_dump_styles(&s->cells);
}

/* The recorded lesson 5, replayed to its end and drawn once at w x h (the
 * view lays itself out on its first frame): where the keys start. */
static void drawn_lesson5(screen *s, int w, int h) {
    open_replay(s, "lesson05-virtual.jsonl");
    draw(s, w, h);
}

/* A finished replay of `fixture` drawn at w x h, checked against its
 * golden text file. */
static const char *replay_frame(screen *s, const char *fixture, int w, int h, const char *gold) {
    open_replay(s, fixture);
    const char *text = draw(s, w, h);
    golden(gold, text);
    return text;
}

/* Row y of a dump (without its newline), in a static buffer. */
static const char *row_of(const char *dump, int y) {
    static char line[4096];
    for (int i = 0; i < y && dump; i++) {
        dump = strchr(dump, '\n');
        if (dump) dump++;
    }
    if (!dump) return "";
    size_t n = strcspn(dump, "\n");
    if (n >= sizeof line) n = sizeof line - 1;
    memcpy(line, dump, n);
    line[n] = '\0';
    return line;
}

/* The row of the screen whose text contains `what`, or -1. */
static int find_row(const char *dump, const char *what) {
    for (int y = 0; y < 200; y++) {
        const char *r = row_of(dump, y);
        if (strstr(r, what)) return y;
        if (!*r && !strchr(dump, '\n')) break;
    }
    return -1;
}

/* ---- the frames -------------------------------------------------------------------- */

AL_TEST(frame_lesson5_80x24) {
    screen s;
    const char *text = replay_frame(&s, "lesson05-virtual.jsonl", 80, 24, "lesson05-80x24.txt");
    const char *styles = styles_of(&s);
    golden("lesson05-80x24.styles", styles);
    /* What a person sees: the three coroutines, each waiting on a one
     * second sleep, all done; the loop lane; the virtual clock. */
    for (int i = 1; i <= 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "Coroutine %d", i);
        int y = find_row(text, name);
        AL_CHECK_MSG(y > 1 && y < 12, "lane %s on the timeline (row %d)", name, y);
        AL_CHECK_MSG(strstr(row_of(text, y), "sleep until 1.000 s") != NULL, "%s waits on its sleep", name);
        AL_CHECK_MSG(strstr(row_of(text, y), "\xE2\x9C\x93") != NULL, "%s is done", name);
    }
    AL_CHECK(find_row(text, "event loop") == 3);
    AL_CHECK(find_row(text, "virtual clock") == 0);
    AL_CHECK(strstr(row_of(text, 0), "REPLAY 40/40") != NULL);
    AL_CHECK(strstr(row_of(text, 23), "q quit") != NULL);
    /* The sleeps' first cell is a "running" cell, the next ones "waiting". */
    int y = find_row(text, "Coroutine 1");
    const char *st = row_of(styles, y);
    AL_CHECK_INT(st[17], ==, 'r');
    AL_CHECK_INT(st[18], ==, 'w');
    close_screen(&s);
}

AL_TEST(frame_lesson5_120x40) {
    screen s;
    const char *text = replay_frame(&s, "lesson05-virtual.jsonl", 120, 40, "lesson05-120x40.txt");
    /* Everything at once: timeline, task table, event log, output. */
    AL_CHECK(find_row(text, "\xE2\x94\x81 Timeline \xE2\x94\x81") == 1);   /* ━ Timeline ━: it has the focus */
    AL_CHECK(find_row(text, "resumes") > 10);
    AL_CHECK(find_row(text, "Events") > 20);
    AL_CHECK(strstr(text, "Main finished") != NULL);
    int y = find_row(text, "resumes");
    AL_CHECK(strstr(row_of(text, y + 1), "main") != NULL);
    AL_CHECK(strstr(row_of(text, y + 2), "Coroutine 1") != NULL);
    AL_CHECK(strstr(row_of(text, y + 2), "#1") != NULL);   /* spawned by main */
    close_screen(&s);
}

AL_TEST(frame_lesson5_ascii) {
    screen s;
    open_replay(&s, "lesson05-virtual.jsonl");
    s.view.ascii = 1;
    const char *text = draw(&s, 80, 24);
    golden("lesson05-80x24-ascii.txt", text);
    for (const char *p = text; *p; p++)
        if ((unsigned char)*p >= 0x80) {
            AL_CHECK_MSG(0, "a non-ASCII byte in an --ascii frame at offset %ld", (long)(p - text));
            break;
        }
    AL_CHECK(strstr(row_of(text, find_row(text, "Coroutine 2")), "#-sleep until 1.000 s--") != NULL);
    close_screen(&s);
}

AL_TEST(frame_slow_steps_120x40) {
    screen s;
    const char *text = replay_frame(&s, "lesson05-blocking.jsonl", 120, 40, "lesson05-blocking-120x40.txt");
    const char *styles = styles_of(&s);
    golden("lesson05-blocking-120x40.styles", styles);
    /* The loop lane is all warning while the three blocking steps run one
     * after the other; each coroutine's run is drawn as a slow step. */
    int loop = find_row(text, "event loop");
    AL_CHECK(strstr(row_of(text, loop), "!!!!!!!!!!") != NULL);
    AL_CHECK(strchr(row_of(styles, loop), 's') != NULL);
    int c2 = find_row(text, "Coroutine 2");
    AL_CHECK(strchr(row_of(styles, c2), 's') != NULL);
    AL_CHECK(strchr(row_of(styles, c2), 'y') != NULL);    /* it was ready, waiting its turn */
    close_screen(&s);
}

AL_TEST(frame_help_overlay) {
    screen s;
    drawn_lesson5(&s, 80, 24);
    al_view_key(&s.view, '?');
    const char *text = draw(&s, 80, 24);
    golden("lesson05-80x24-help.txt", text);
    AL_CHECK(strstr(text, "asynclab viewer: help") != NULL);
    AL_CHECK(strstr(text, "quit") != NULL);
    /* The teaching sentences are further down: scroll to them. */
    for (int i = 0; i < 18; i++) al_view_key(&s.view, AL_KEY_DOWN);
    text = draw(&s, 80, 24);
    AL_CHECK(strstr(text, "running: the loop is executing this task's code") != NULL);
    AL_CHECK(strstr(text, "ready: woken") != NULL);
    for (int i = 0; i < 40; i++) al_view_key(&s.view, AL_KEY_DOWN);   /* to the end (it stops there) */
    text = draw(&s, 80, 24);
    AL_CHECK(strstr(text, "slow step: one step held the loop longer than 100 ms") != NULL);
    AL_CHECK(strstr(text, "dropped") != NULL);
    al_view_key(&s.view, AL_KEY_ESC);
    text = draw(&s, 80, 24);
    AL_CHECK(strstr(text, "asynclab viewer: help") == NULL);
    close_screen(&s);
}

AL_TEST(frame_task_details) {
    screen s;
    drawn_lesson5(&s, 120, 40);
    al_view_key(&s.view, AL_KEY_DOWN);   /* main */
    al_view_key(&s.view, AL_KEY_DOWN);   /* Coroutine 1 */
    al_view_key(&s.view, AL_KEY_ENTER);
    const char *text = draw(&s, 120, 40);
    golden("lesson05-120x40-details.txt", text);
    AL_CHECK(strstr(text, "task #2 \"Coroutine 1\"") != NULL);
    AL_CHECK(strstr(text, "#1 main") != NULL);
    AL_CHECK(strstr(text, "sleep until 1.000 s") != NULL);
    close_screen(&s);
}

AL_TEST(frame_too_small_says_so) {
    screen s;
    open_replay(&s, "lesson05-virtual.jsonl");
    const char *text = draw(&s, 79, 30);
    AL_CHECK(strstr(text, "needs a terminal of at least 80x24") != NULL);
    AL_CHECK(strstr(text, "this one is 79x30") != NULL);
    text = draw(&s, 100, 23);
    AL_CHECK(strstr(text, "this one is 100x23") != NULL);
    text = draw(&s, 20, 5);   /* even tiny: wrapped, nothing drawn outside */
    AL_CHECK(strstr(text, "80x24") != NULL);
    close_screen(&s);
}

AL_TEST(frame_resize_relays_out) {
    /* The layout depends on the size only: a view drawn at 120x40 and then
     * at 80x24 looks as if it had been 80x24 all along. */
    screen a, b;
    open_replay(&a, "lesson05-virtual.jsonl");
    open_replay(&b, "lesson05-virtual.jsonl");
    draw(&a, 120, 40);
    const char *resized = draw(&a, 80, 24);
    const char *fresh = draw(&b, 80, 24);
    AL_CHECK_STR(resized, fresh);
    close_screen(&a);
    close_screen(&b);
}

AL_TEST(frame_filter_narrows_lanes_and_log) {
    screen s;
    drawn_lesson5(&s, 120, 40);
    al_view_key(&s.view, '/');
    al_view_key(&s.view, 'C');
    al_view_key(&s.view, 'o');
    al_view_key(&s.view, 'r');
    const char *text = draw(&s, 120, 40);
    AL_CHECK(strstr(row_of(text, 39), "Filter tasks") != NULL);   /* the prompt */
    al_view_key(&s.view, AL_KEY_BACKSPACE);
    al_view_key(&s.view, AL_KEY_BACKSPACE);
    al_view_key(&s.view, AL_KEY_BACKSPACE);
    al_view_key(&s.view, '3');
    al_view_key(&s.view, AL_KEY_ENTER);
    AL_CHECK_STR(s.view.filter, "3");
    text = draw(&s, 120, 40);
    /* Task 3 is "Coroutine 2": its lane and its events only. */
    AL_CHECK(find_row(text, "Coroutine 2") > 0);
    AL_CHECK(find_row(text, "Coroutine 1") < 0 || find_row(text, "Coroutine 1") > 20);   /* output may say it */
    int ev = find_row(text, "Events");
    for (int y = ev + 1; y < 39; y++) {
        const char *r = row_of(text, y);
        const char *task = strstr(r, "task ");
        if (task && task < strstr(r, "\xE2\x94\x82")) AL_CHECK_MSG(strncmp(task, "task 3", 6) == 0, "event row %d: %s", y, r);
    }
    close_screen(&s);
}

AL_TEST(frame_zoom_and_pan) {
    screen s;
    drawn_lesson5(&s, 80, 24);
    AL_CHECK_INT(s.view.drawn_scale, ==, 20000);      /* 1 s fits in 63 columns at 20 ms each */
    al_view_key(&s.view, '+');
    const char *text = draw(&s, 80, 24);
    AL_CHECK_INT(s.view.drawn_scale, ==, 10000);
    AL_CHECK(strstr(row_of(text, 1), "10ms/col") != NULL);
    al_view_key(&s.view, '-');
    al_view_key(&s.view, '-');
    draw(&s, 80, 24);
    AL_CHECK_INT(s.view.drawn_scale, ==, 50000);
    al_view_key(&s.view, 'h');           /* the whole second fits: nowhere to pan to */
    text = draw(&s, 80, 24);
    AL_CHECK(strstr(row_of(text, 4), "join") != NULL);
    for (int i = 0; i < 3; i++) al_view_key(&s.view, '+');   /* 5 ms a column: 315 ms on screen */
    draw(&s, 80, 24);
    AL_CHECK_INT(s.view.drawn_scale, ==, 5000);
    al_view_key(&s.view, 'h');           /* pan back in time: no longer following now */
    AL_CHECK(!s.view.follow);
    text = draw(&s, 80, 24);
    AL_CHECK(strstr(row_of(text, 1), "panned") != NULL);
    AL_CHECK(strchr(row_of(text, 2), '|') != NULL);
    al_view_key(&s.view, 'l');           /* forward again, up to now: following */
    AL_CHECK(s.view.follow);
    al_view_key(&s.view, 'h');
    al_view_key(&s.view, 'f');
    AL_CHECK(s.view.follow);
    al_view_key(&s.view, 'z');
    draw(&s, 80, 24);
    AL_CHECK_INT(s.view.drawn_scale, ==, 20000);
    close_screen(&s);
}

AL_TEST(frame_tabs_cycle_panels) {
    screen s;
    drawn_lesson5(&s, 80, 24);
    AL_CHECK_INT(s.view.focus, ==, AL_PANEL_TIMELINE);
    al_view_key(&s.view, AL_KEY_TAB);
    const char *text = draw(&s, 80, 24);
    AL_CHECK(strstr(text, "resumes") != NULL);        /* the task table */
    al_view_key(&s.view, AL_KEY_TAB);
    text = draw(&s, 80, 24);
    AL_CHECK(strstr(text, "task 1 finished") != NULL);   /* the event log */
    al_view_key(&s.view, AL_KEY_TAB);
    text = draw(&s, 80, 24);
    AL_CHECK(strstr(text, "Main finished") != NULL);     /* the output */
    AL_CHECK(strstr(text, "task 1 finished") == NULL);
    al_view_key(&s.view, AL_KEY_TAB);                    /* no notes in a replay: back to the timeline */
    AL_CHECK_INT(s.view.focus, ==, AL_PANEL_TIMELINE);
    close_screen(&s);
}

/* The lesson notes of tests/fixtures/frames/notes.md, as the viewer loads them. */
static al_lines *load_notes(void) {
    static al_lines notes;
    al_lines_free(&notes);
    al_lines_init(&notes, 1000);
    AL_REQUIRE(al_lines_load_markdown(&notes, AL_FIXTURES_DIR "/frames/notes.md") == 0);
    return &notes;
}

/* The text of row y between columns x0 and x1, trailing blanks cut. */
static const char *cols_of(const char *dump, int y, int x0, int x1) {
    static char out[1024];
    const char *r = row_of(dump, y);
    size_t o = 0;
    int x = 0;
    for (const char *p = r; *p && x < x1; x++) {
        const char *q = p;
        al_utf8_next(&q, p + strlen(p));
        if (x >= x0 && o + (size_t)(q - p) < sizeof out) memcpy(out + o, p, (size_t)(q - p)), o += (size_t)(q - p);
        p = q;
    }
    while (o > 0 && out[o - 1] == ' ') o--;
    out[o] = '\0';
    return out;
}

AL_TEST(frame_focus_is_framed_and_named) {
    screen s;
    open_replay(&s, "lesson05-virtual.jsonl");
    s.view.notes = load_notes();
    const char *text = draw(&s, 120, 40);
    AL_CHECK(strstr(row_of(text, 0), "focus: Timeline") != NULL);
    AL_CHECK(strstr(row_of(text, 1), "\xE2\x94\x81 Timeline \xE2\x94\x81") != NULL);   /* ━ Timeline ━ */
    AL_CHECK(strstr(row_of(text, 39), "\xE2\x86\x91\xE2\x86\x93 lane") != NULL);       /* ↑↓ lane */
    /* Tab to the notes: its title row turns heavy, the separator beside it
     * too, the timeline's turns light, and the status bar says so. */
    while (s.view.focus != AL_PANEL_NOTES) al_view_key(&s.view, AL_KEY_TAB);
    text = draw(&s, 120, 40);
    golden("notes-120x40.txt", text);
    al_rect n = s.view.rects.panel[AL_PANEL_NOTES];
    AL_CHECK(strstr(row_of(text, 0), "focus: Notes") != NULL);
    AL_CHECK(strstr(row_of(text, 1), "\xE2\x94\x80 Timeline \xE2\x94\x80") != NULL);   /* ─ Timeline ─ */
    AL_CHECK(strstr(cols_of(text, n.y, n.x, n.x + n.w), "\xE2\x94\x81 Lesson notes \xE2\x94\x81") != NULL);
    AL_CHECK_STR(cols_of(text, n.y + 2, n.x - 1, n.x), "\xE2\x94\x83");                   /* ┃ beside it */
    int ey = s.view.rects.panel[AL_PANEL_OUTPUT].y + 2;
    AL_CHECK_STR(cols_of(text, ey, n.x - 1, n.x), "\xE2\x94\x82");                         /* │ beside the output */
    AL_CHECK(strstr(row_of(text, 39), "\xE2\x86\x91\xE2\x86\x93 scroll") != NULL);
    /* The arrows and PgDn now move the notes, not the lanes. */
    size_t sel = s.view.sel;
    al_view_key(&s.view, AL_KEY_DOWN);
    AL_CHECK_INT((long)s.view.scroll[AL_PANEL_NOTES], ==, 1);
    al_view_key(&s.view, AL_KEY_PGDN);
    AL_CHECK((long)s.view.scroll[AL_PANEL_NOTES] > 1);
    AL_CHECK_INT((long)s.view.sel, ==, (long)sel);
    /* At 80x24 the row of tabs is the focused panel's title: heavy. */
    text = draw(&s, 80, 24);
    AL_CHECK(strstr(row_of(text, 12), "\xE2\x94\x81 Tasks") != NULL);
    AL_CHECK(strstr(row_of(text, 1), "\xE2\x94\x80 Timeline \xE2\x94\x80") != NULL);
    s.view.ascii = 1;
    text = draw(&s, 80, 24);
    AL_CHECK(strstr(row_of(text, 12), "= Tasks") != NULL);
    AL_CHECK(strstr(row_of(text, 0), "focus: Notes") != NULL);
    close_screen(&s);
}

/* The README's hard line breaks are gone: a paragraph fills the panel's
 * width on every row but its last (short of the next word at most). */
AL_TEST(frame_notes_paragraphs_fill_the_panel) {
    screen s;
    open_replay(&s, "lesson05-virtual.jsonl");
    s.view.notes = load_notes();
    const char *text = draw(&s, 120, 40);
    al_rect n = s.view.rects.panel[AL_PANEL_NOTES];
    int y = n.y + 1;
    while (y < n.y + n.h && !strstr(row_of(text, y), "A coroutine's await")) y++;
    AL_REQUIRE_MSG(y < n.y + n.h, "the paragraph is in the notes panel");
    int rows = 0, width = n.w - 2;
    for (; y < n.y + n.h && cols_of(text, y, n.x + 1, n.x + n.w)[0]; y++, rows++) {
        const char *line = cols_of(text, y, n.x + 1, n.x + n.w);
        if (strstr(line, "one second.")) break;   /* the paragraph's last row */
        AL_CHECK_MSG((int)strlen(line) >= width - 12, "row %d is ragged (%zu of %d columns): %s", y,
                     strlen(line), width, line);
    }
    AL_CHECK_MSG(rows >= 3 && rows <= 6, "the 4-line paragraph takes %d rows at %d columns", rows + 1, width);
    /* Further down, a list item is joined with its continuation line (the
     * row of the joint is filled), and wraps under its own text. */
    while (s.view.focus != AL_PANEL_NOTES) al_view_key(&s.view, AL_KEY_TAB);
    al_view_key(&s.view, AL_KEY_END);
    text = draw(&s, 120, 40);
    y = find_row(text, "- a list item that is long enough to be hard-wrapped");
    AL_REQUIRE(y > 0);
    AL_CHECK_MSG(strncmp(cols_of(text, y + 1, n.x + 1, n.x + n.w), "  ", 2) == 0 &&
                 strstr(cols_of(text, y + 1, n.x + 1, n.x + n.w), "its second line indented"),
                 "the item goes on under its text: %s", cols_of(text, y + 1, n.x + 1, n.x + n.w));
    AL_CHECK(find_row(text, "The end.") > 0);
    close_screen(&s);
}

AL_TEST(frame_waiting_placeholder) {
    al_view v;
    al_view_init(&v, AL_VIEW_LIVE);
    v.title = "view: ./prog";
    v.state = "running";
    v.placeholder = "Waiting for the program's first trace event...";
    al_cells c;
    al_cells_init(&c);
    al_cells_resize(&c, 80, 24);
    al_view_render(&v, &c);
    char *text = al_cells_dump(&c);
    AL_CHECK(strstr(text, "Waiting for the program's first trace event") != NULL);
    AL_CHECK(strstr(row_of(text, 0), "LIVE") != NULL);
    AL_CHECK(strstr(row_of(text, 0), "running") != NULL);
    al_cells_free(&c);
    al_view_free(&v);
}

AL_TEST(frame_thousand_tasks_scrolls) {
    /* 1,000 live tasks: the lanes that fit are drawn, the title says which,
     * and the selection can reach the last task. */
    al_model m;
    al_model_init(&m);
    al_trace_event hello = {.t = 0, .type = AL_EV_HELLO, .fd = -1, .text = "many", .text2 = "epoll"};
    AL_REQUIRE(al_model_apply(&m, &hello) == 0);
    for (uint64_t i = 1; i <= 1000; i++) {
        char name[16];
        snprintf(name, sizeof name, "worker %llu", (unsigned long long)i);
        al_trace_event sp = {.t = (int64_t)i, .type = AL_EV_SPAWN, .fd = -1, .task = i, .text = name,
                             .text_len = strlen(name)};
        AL_REQUIRE(al_model_apply(&m, &sp) == 0);
    }
    al_view v;
    al_view_init(&v, AL_VIEW_LIVE);
    v.model = &m;
    v.now = m.last_t;
    al_cells c;
    al_cells_init(&c);
    al_cells_resize(&c, 120, 40);
    al_view_render(&v, &c);
    char *text = al_cells_dump(&c);
    AL_CHECK(strstr(row_of(text, 1), "lanes 1-") != NULL);
    AL_CHECK(strstr(row_of(text, 1), "of 1001") != NULL);
    al_view_key(&v, AL_KEY_END);
    al_view_render(&v, &c);
    text = al_cells_dump(&c);
    AL_CHECK_INT(v.sel, ==, 1000);
    AL_CHECK(strstr(text, "worker 1000") != NULL);
    al_cells_free(&c);
    al_view_free(&v);
    al_model_free(&m);
}

/* The header counts what the trace records, polls, and says so: lesson 5's
 * README walks through four iterations of which one polls. */
AL_TEST(frame_header_counts_polls_by_name) {
    screen s;
    open_replay(&s, "../traces/lesson05-real.jsonl");
    const char *text = draw(&s, 200, 40);
    AL_CHECK_MSG(strstr(row_of(text, 0), " 1 poll") != NULL, "header: %s", row_of(text, 0));
    AL_CHECK_MSG(strstr(text, "iterations") == NULL, "no count named iterations: %s", row_of(text, 0));
    close_screen(&s);
}
