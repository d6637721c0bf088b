/* test_view_keys.c — what each key does (view_input.c): the view state it
 * changes, or the action it hands to the driver. */
#include "test_view_sources.h"

#include "al_test.h"

#include <string.h>

AL_TEST(keys_hand_actions_to_the_driver) {
    al_view v;
    al_view_init(&v, AL_VIEW_REPLAY);
    AL_CHECK_INT(al_view_key(&v, 'q'), ==, AL_ACT_QUIT);
    AL_CHECK_INT(al_view_key(&v, 'n'), ==, AL_ACT_NEXT_EVENT);
    AL_CHECK_INT(al_view_key(&v, 'p'), ==, AL_ACT_PREV_EVENT);
    AL_CHECK_INT(al_view_key(&v, 'g'), ==, AL_ACT_START);
    AL_CHECK_INT(al_view_key(&v, 'G'), ==, AL_ACT_END);
    AL_CHECK_INT(al_view_key(&v, 's'), ==, AL_ACT_STEP);
    AL_CHECK_INT(al_view_key(&v, 'c'), ==, AL_ACT_CONTINUE);
    AL_CHECK_INT(al_view_key(&v, '<'), ==, AL_ACT_SECTION_PREV);
    AL_CHECK_INT(al_view_key(&v, '>'), ==, AL_ACT_SECTION_NEXT);
    AL_CHECK_INT(al_view_key(&v, ' '), ==, AL_ACT_PAUSE);
    AL_CHECK(v.paused);
    AL_CHECK_INT(al_view_key(&v, ' '), ==, AL_ACT_PAUSE);
    AL_CHECK(!v.paused);
    AL_CHECK_INT(al_view_key(&v, 'x'), ==, AL_ACT_NONE);   /* unknown keys do nothing */
    al_view_free(&v);
}

AL_TEST(keys_speed_stays_between_tenth_and_ten) {
    al_view v;
    al_view_init(&v, AL_VIEW_REPLAY);
    AL_CHECK(v.speed == 1.0);
    for (int i = 0; i < 10; i++) AL_CHECK_INT(al_view_key(&v, ']'), ==, AL_ACT_SPEED);
    AL_CHECK(v.speed == 10.0);
    al_view_key(&v, '[');
    AL_CHECK(v.speed == 5.0);
    for (int i = 0; i < 10; i++) al_view_key(&v, '[');
    AL_CHECK(v.speed == 0.1);
    al_view_free(&v);
}

AL_TEST(keys_overlays_take_the_keys_first) {
    al_view v;
    al_view_init(&v, AL_VIEW_LIVE);
    al_view_key(&v, '?');
    AL_CHECK_INT(v.overlay, ==, AL_OVERLAY_HELP);
    AL_CHECK_INT(al_view_key(&v, 'q'), ==, AL_ACT_NONE);   /* q closes the help, not the viewer */
    AL_CHECK_INT(v.overlay, ==, AL_OVERLAY_NONE);
    AL_CHECK_INT(al_view_key(&v, 'q'), ==, AL_ACT_QUIT);
    al_view_free(&v);
}

AL_TEST(keys_filter_prompt_edits_utf8) {
    al_view v;
    al_view_init(&v, AL_VIEW_LIVE);
    al_view_key(&v, '/');
    AL_CHECK(v.editing);
    al_view_key(&v, 'c');
    al_view_key(&v, 0xE9);                                 /* é: two bytes */
    AL_CHECK_STR(v.edit, "c\xC3\xA9");
    AL_CHECK_INT(al_view_key(&v, 'q'), ==, AL_ACT_NONE);   /* typed, not quitting */
    al_view_key(&v, AL_KEY_BACKSPACE);
    AL_CHECK_STR(v.edit, "c\xC3\xA9");
    al_view_key(&v, AL_KEY_BACKSPACE);
    AL_CHECK_STR(v.edit, "c");                             /* a whole character at a time */
    al_view_key(&v, AL_KEY_ENTER);
    AL_CHECK(!v.editing);
    AL_CHECK_STR(v.filter, "c");
    al_view_key(&v, '/');
    al_view_key(&v, 'z');
    al_view_key(&v, AL_KEY_ESC);                           /* Esc: the filter stays as it was */
    AL_CHECK_STR(v.filter, "c");
    al_view_key(&v, AL_KEY_ESC);                           /* Esc outside the prompt: no filter */
    AL_CHECK_STR(v.filter, "");
    al_view_free(&v);
}

AL_TEST(keys_move_selection_within_bounds) {
    al_view v;
    al_view_init(&v, AL_VIEW_LIVE);
    v.nrows = 3;
    al_view_key(&v, AL_KEY_UP);
    AL_CHECK_INT(v.sel, ==, 0);
    al_view_key(&v, 'j');
    al_view_key(&v, AL_KEY_DOWN);
    al_view_key(&v, AL_KEY_DOWN);
    AL_CHECK_INT(v.sel, ==, 2);
    al_view_key(&v, AL_KEY_HOME);
    AL_CHECK_INT(v.sel, ==, 0);
    al_view_key(&v, AL_KEY_END);
    AL_CHECK_INT(v.sel, ==, 2);
    /* In a text panel the arrows scroll instead, and End goes back to the newest line. */
    al_view_key(&v, AL_KEY_TAB);
    al_view_key(&v, AL_KEY_TAB);
    AL_CHECK_INT(v.focus, ==, AL_PANEL_EVENTS);
    al_view_key(&v, AL_KEY_UP);
    al_view_key(&v, AL_KEY_UP);
    AL_CHECK_INT(v.scroll[AL_PANEL_EVENTS], ==, 2);
    AL_CHECK_INT(v.sel, ==, 2);
    al_view_key(&v, AL_KEY_END);
    AL_CHECK_INT(v.scroll[AL_PANEL_EVENTS], ==, 0);
    al_view_key(&v, AL_KEY_BTAB);
    AL_CHECK_INT(v.focus, ==, AL_PANEL_TASKS);
    al_view_free(&v);
}

AL_TEST(keys_zoom_levels_are_a_ruler) {
    AL_CHECK_INT(al_zoom_step(10000, +1), ==, 5000);
    AL_CHECK_INT(al_zoom_step(5000, +1), ==, 2000);
    AL_CHECK_INT(al_zoom_step(2000, +1), ==, 1000);
    AL_CHECK_INT(al_zoom_step(1000, -1), ==, 2000);
    AL_CHECK_INT(al_zoom_step(1, +1), ==, 1);               /* 1 µs a column is the finest */
    AL_CHECK_INT(al_zoom_step(100000000, -1), ==, 100000000);
    AL_CHECK_INT(al_zoom_fit(1000001, 63), ==, 20000);      /* 1 s in 63 columns */
    AL_CHECK_INT(al_zoom_fit(1, 63), ==, 1);
    char buf[32];
    AL_CHECK_STR(al_fmt_axis(buf, sizeof buf, 1500000), "1.5s");
    AL_CHECK_STR(al_fmt_axis(buf, sizeof buf, 250000), "250ms");
    AL_CHECK_STR(al_fmt_axis(buf, sizeof buf, 120000000), "2m");
    AL_CHECK_STR(al_fmt_duration(buf, sizeof buf, 12, 1), "12 us");
    AL_CHECK_STR(al_fmt_duration(buf, sizeof buf, 3400, 0), "3.40 ms");
    AL_CHECK_STR(al_fmt_duration(buf, sizeof buf, 125000000, 0), "2 m 05 s");
    AL_CHECK_STR(al_fmt_count(buf, sizeof buf, 12345), "12.3k");
}
