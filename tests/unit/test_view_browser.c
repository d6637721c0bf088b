/* test_view_browser.c — the lab's lesson browser (tui/view/view_browser.c),
 * drawn into a cell grid: the keys it names are the keys it takes. */
#include "test_view_sources.h"

#include "al_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct fixture {
    char dir[64];
    al_lesson lesson;
    al_browser b;
    al_cells c;
    char *text;   /* the frame drawn last: draw frees the one before */
} fixture;

/* One lesson whose README has 60 numbered paragraphs, each hard-wrapped. */
static void open_browser(fixture *f, int w, int h) {
    snprintf(f->dir, sizeof f->dir, "/tmp/al-browser-XXXXXX");
    AL_REQUIRE(mkdtemp(f->dir) != NULL);
    memset(&f->lesson, 0, sizeof f->lesson);
    f->lesson.number = 1;
    snprintf(f->lesson.dir, sizeof f->lesson.dir, "%s", f->dir);
    snprintf(f->lesson.title, sizeof f->lesson.title, "A fake lesson");
    snprintf(f->lesson.summary, sizeof f->lesson.summary, "Only for the test.");
    char path[128];
    snprintf(path, sizeof path, "%s/README.md", f->dir);
    FILE *fp = fopen(path, "w");
    AL_REQUIRE(fp != NULL);
    fprintf(fp, "# Lesson 1: a fake\n\n");
    for (int i = 1; i <= 60; i++) fprintf(fp, "Paragraph %d starts here and\ngoes on on a second line.\n\n", i);
    fclose(fp);
    al_browser_init(&f->b, &f->lesson, 1);
    al_cells_init(&f->c);
    AL_REQUIRE(al_cells_resize(&f->c, w, h) == 0);
    f->text = NULL;
}

static const char *draw(fixture *f) {
    al_browser_render(&f->b, &f->c);
    free(f->text);
    return f->text = al_cells_dump(&f->c);
}

static void close_browser(fixture *f) {
    char path[128];
    snprintf(path, sizeof path, "%s/README.md", f->dir);
    unlink(path);
    rmdir(f->dir);
    al_browser_free(&f->b);
    al_cells_free(&f->c);
    free(f->text);
}

AL_TEST(browser_question_mark_shows_the_keys) {
    fixture f;
    open_browser(&f, 80, 24);
    const char *text = draw(&f);
    AL_CHECK(strstr(text, "? help") != NULL);        /* the legend names it, at 80 columns */
    AL_CHECK(strstr(text, "Keys of the lab") == NULL);
    AL_CHECK_INT(al_browser_key(&f.b, '?'), ==, 0);
    text = draw(&f);
    AL_CHECK(strstr(text, "Keys of the lab") != NULL);
    AL_CHECK(strstr(text, "Enter or space   run the lesson's demo") != NULL);
    AL_CHECK(strstr(text, "PgDn/PgUp") != NULL);
    /* Any key closes it and does nothing else: q does not leave the lab. */
    AL_CHECK_INT(al_browser_key(&f.b, 'q'), ==, 0);
    text = draw(&f);
    AL_CHECK(strstr(text, "Keys of the lab") == NULL);
    close_browser(&f);
}

AL_TEST(browser_space_runs_the_lesson_and_says_so) {
    fixture f;
    open_browser(&f, 80, 24);
    const char *text = draw(&f);
    AL_CHECK(strstr(text, "Enter/space run the demo") != NULL);
    AL_CHECK_INT(al_browser_key(&f.b, ' '), ==, 1);
    AL_CHECK_INT(al_browser_key(&f.b, AL_KEY_ENTER), ==, 1);
    close_browser(&f);
}

AL_TEST(browser_page_down_scrolls_the_notes) {
    fixture f;
    open_browser(&f, 80, 24);
    const char *text = draw(&f);
    /* The paragraphs are joined: each is one row at this width. */
    AL_CHECK(strstr(text, "Paragraph 1 starts here and goes on on a second line.") != NULL);
    AL_CHECK(strstr(text, "Paragraph 30 ") == NULL);
    al_browser_key(&f.b, AL_KEY_PGDN);
    text = draw(&f);
    AL_CHECK_MSG(strstr(text, "Paragraph 1 starts") == NULL, "PgDn moved the notes on:\n%s", text);
    AL_CHECK_MSG(strstr(text, "Paragraph 9 starts") != NULL, "a page on (17 rows):\n%s", text);
    for (int i = 0; i < 100; i++) al_browser_key(&f.b, AL_KEY_PGDN);   /* clamped at the end */
    text = draw(&f);
    AL_CHECK(strstr(text, "Paragraph 60 ") != NULL);
    AL_CHECK(strstr(text, "100% (PgUp/PgDn)") != NULL);
    for (int i = 0; i < 100; i++) al_browser_key(&f.b, AL_KEY_PGUP);
    text = draw(&f);
    AL_CHECK(strstr(text, "Paragraph 1 starts") != NULL);
    close_browser(&f);
}
