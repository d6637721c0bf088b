/* test_view_cells.c — the cell grid and the text rules it shares with the
 * terminal: UTF-8 decoding, character widths, clipping, ASCII mode, and
 * program output turned into lines (view_lines.c). */
#include "test_view_sources.h"

#include "al_test.h"

#include <stdlib.h>
#include <string.h>

static char *line0(al_cells *c) {
    char *d = al_cells_dump(c);
    d[strcspn(d, "\n")] = '\0';
    return d;
}

/* An empty grid of w x h cells, in ASCII mode or not (al_cells_free it). */
static al_cells new_grid(int w, int h, int ascii) {
    al_cells c;
    al_cells_init(&c);
    AL_REQUIRE(al_cells_resize(&c, w, h) == 0);
    c.ascii = ascii;
    return c;
}

/* The grid as text is `want`. */
static void check_dump(al_cells *c, const char *want) {
    char *d = al_cells_dump(c);
    AL_CHECK_STR(d, want);
    free(d);
}

AL_TEST(cells_text_and_dump) {
    al_cells c = new_grid(10, 2, 0);
    AL_CHECK_INT(al_cells_text(&c, 1, 0, -1, "hello", AL_ST_NORMAL, 0, 0), ==, 5);
    al_cells_put(&c, 0, 1, 'x', AL_ST_RUNNING, AL_CELL_REVERSE);
    check_dump(&c, " hello\nx\n");            /* trailing blanks are not kept */
    char *d = al_cells_dump_styles(&c);
    AL_CHECK_STR(d, "nnnnnnnnnn\nRnnnnnnnnn\n");   /* reversed running is upper case */
    free(d);
    al_cells_free(&c);
}

AL_TEST(cells_utf8_and_bad_bytes) {
    const char *s = "\xC3\xA9\xE2\x96\x88\xF0\x9F\x98\x80\xC0\xAF\xED\xA0\x80\xFF";
    const char *end = s + strlen(s);
    AL_CHECK_INT(al_utf8_next(&s, end), ==, 0xE9);      /* é */
    AL_CHECK_INT(al_utf8_next(&s, end), ==, 0x2588);    /* █ */
    AL_CHECK_INT(al_utf8_next(&s, end), ==, 0x1F600);   /* an emoji */
    AL_CHECK_INT(al_utf8_next(&s, end), ==, 0xFFFD);    /* overlong '/' */
    AL_CHECK_INT(al_utf8_next(&s, end), ==, 0xFFFD);    /* ...its second byte */
    AL_CHECK_INT(al_utf8_next(&s, end), ==, 0xFFFD);    /* a surrogate */
    s += 2;                                             /* (its other bytes, each U+FFFD) */
    AL_CHECK_INT(al_utf8_next(&s, end), ==, 0xFFFD);    /* 0xFF */
    AL_CHECK(s == end);
    const char *cut = "\xE2\x96";                       /* a character cut short */
    AL_CHECK_INT(al_utf8_next(&cut, cut + 2), ==, 0xFFFD);
}

AL_TEST(cells_widths) {
    AL_CHECK_INT(al_char_width('a'), ==, 1);
    AL_CHECK_INT(al_char_width(0x2588), ==, 1);          /* the timeline's block */
    AL_CHECK_INT(al_char_width(0x4E2D), ==, 2);          /* 中 */
    AL_CHECK_INT(al_char_width(0x0301), ==, 0);          /* a combining accent */
    AL_CHECK_INT(al_text_width("a\xE4\xB8\xAD" "b", 0), ==, 4);
    AL_CHECK_INT(al_text_width("a\xE4\xB8\xAD" "b", 1), ==, 3);   /* ASCII: '?' is one cell */
}

AL_TEST(cells_wide_characters_take_two_cells) {
    al_cells c = new_grid(6, 1, 0);
    AL_CHECK_INT(al_cells_text(&c, 0, 0, -1, "\xE4\xB8\xAD\xE6\x96\x87!", AL_ST_NORMAL, 0, 0), ==, 5);
    AL_CHECK(c.cell[1].flags & AL_CELL_WIDE_TAIL);
    AL_CHECK(c.cell[3].flags & AL_CELL_WIDE_TAIL);
    char *d = line0(&c);
    AL_CHECK_STR(d, "\xE4\xB8\xAD\xE6\x96\x87!");
    free(d);
    /* Writing over half of a wide character blanks its other half. */
    al_cells_put(&c, 1, 0, 'x', AL_ST_NORMAL, 0);
    d = line0(&c);
    AL_CHECK_STR(d, " x\xE6\x96\x87!");
    free(d);
    /* A wide character that does not fit at the clip's edge is a blank. */
    al_cells_clear(&c);
    al_cells_clip(&c, (al_rect){0, 0, 3, 1});
    AL_CHECK_INT(al_cells_text(&c, 2, 0, -1, "\xE4\xB8\xAD", AL_ST_NORMAL, 0, 0), ==, 0);
    al_cells_put(&c, 1, 0, 'x', AL_ST_NORMAL, 0);
    al_cells_put(&c, 2, 0, 0x4E2D, AL_ST_NORMAL, 0);
    AL_CHECK_INT(c.cell[1].ch, ==, 'x');
    AL_CHECK_INT(c.cell[2].ch, ==, ' ');
    AL_CHECK_INT(c.cell[3].ch, ==, ' ');
    al_cells_free(&c);
}

AL_TEST(cells_clip_keeps_panels_apart) {
    al_cells c = new_grid(8, 3, 0);
    al_cells_clip(&c, (al_rect){2, 1, 3, 1});
    al_cells_text(&c, 0, 1, -1, "abcdefgh", AL_ST_NORMAL, 0, 0);
    al_cells_fill(&c, (al_rect){0, 0, 8, 3}, '#', AL_ST_NORMAL, 0);
    al_cells_put(&c, -1, -1, 'x', 0, 0);        /* off the grid: ignored */
    al_cells_clip_all(&c);
    check_dump(&c, "\n  ###\n\n");
    al_cells_free(&c);
}

AL_TEST(cells_ascii_mode_and_ellipsis) {
    al_cells c = new_grid(12, 2, 1);
    al_cells_text(&c, 0, 0, -1, "caf\xC3\xA9 \xE2\x96\x88", AL_ST_NORMAL, 0, 0);
    al_cells_text(&c, 0, 1, 6, "truncated text", AL_ST_NORMAL, 0, 1);
    check_dump(&c, "caf? ?\ntrunc~\n");
    c.ascii = 0;
    al_cells_clear(&c);
    al_cells_text(&c, 0, 0, 6, "truncated text", AL_ST_NORMAL, 0, 1);
    al_cells_text(&c, 0, 1, -1, "ctl\x01\x7f", AL_ST_NORMAL, 0, 0);   /* controls never reach the terminal */
    check_dump(&c, "trunc\xE2\x80\xA6\nctl??\n");
    al_cells_free(&c);
}

AL_TEST(cells_box_in_both_charsets) {
    al_cells c = new_grid(12, 3, 1);
    al_cells_box(&c, (al_rect){0, 0, 12, 3}, "Help", AL_ST_FOCUS);
    check_dump(&c, "+ Help ----+\n|          |\n+----------+\n");
    al_cells_free(&c);
}

/* ---- program output as lines -------------------------------------------------- */

AL_TEST(lines_clean_program_output) {
    al_lines l;
    al_lines_init(&l, 100);
    const char *out = "plain\r\n\x1b[1;31mred\x1b[0m text\n\tx\ty\nprogress 10%\rprogress 99%\n"
                      "\x1b]0;title\x07" "after osc\nbell\x07 nul\n";
    AL_CHECK(al_lines_feed(&l, out, strlen(out)) == 0);
    AL_CHECK_INT(al_lines_count(&l), ==, 6);
    AL_CHECK_STR(al_lines_get(&l, 0), "plain");
    AL_CHECK_STR(al_lines_get(&l, 1), "red text");
    AL_CHECK_STR(al_lines_get(&l, 2), "        x       y");
    AL_CHECK_STR(al_lines_get(&l, 3), "progress 99%");
    AL_CHECK_STR(al_lines_get(&l, 4), "after osc");
    AL_CHECK_STR(al_lines_get(&l, 5), "bell nul");
    al_lines_free(&l);
}

AL_TEST(lines_partial_line_shows_and_grows) {
    al_lines l;
    al_lines_init(&l, 100);
    al_lines_feed(&l, "Wait", 4);
    AL_CHECK_INT(al_lines_count(&l), ==, 1);
    AL_CHECK_STR(al_lines_get(&l, 0), "Wait");
    al_lines_feed(&l, "ing...\r", 7);                 /* a '\r' at the end of a read... */
    al_lines_feed(&l, "\nnext", 5);                   /* ...was the end of a line after all */
    AL_CHECK_INT(al_lines_count(&l), ==, 2);
    AL_CHECK_STR(al_lines_get(&l, 0), "Waiting...");
    AL_CHECK_STR(al_lines_get(&l, 1), "next");
    al_lines_flush(&l);
    AL_CHECK_INT(l.total, ==, 2);
    al_lines_free(&l);
}

AL_TEST(lines_keep_only_the_newest) {
    al_lines l;
    al_lines_init(&l, 3);
    for (int i = 0; i < 10; i++) {
        char buf[16];
        int n = snprintf(buf, sizeof buf, "line %d\n", i);
        al_lines_feed(&l, buf, (size_t)n);
    }
    AL_CHECK_INT(al_lines_count(&l), ==, 3);
    AL_CHECK_STR(al_lines_get(&l, 0), "line 7");
    AL_CHECK_STR(al_lines_get(&l, 2), "line 9");
    AL_CHECK_INT(l.total, ==, 10);
    al_lines_free(&l);
}

static char pieces[8][64];
static int npieces;
static void collect(void *arg, const char *s, size_t len) {
    (void)arg;
    if (npieces < 8) snprintf(pieces[npieces++], sizeof pieces[0], "%.*s", (int)len, s);
}

AL_TEST(lines_wrap_at_spaces) {
    npieces = 0;
    AL_CHECK_INT(al_wrap("the quick brown fox jumps", 10, 0, collect, NULL), ==, 3);
    AL_CHECK_STR(pieces[0], "the quick");
    AL_CHECK_STR(pieces[1], "brown fox");
    AL_CHECK_STR(pieces[2], "jumps");
    npieces = 0;
    AL_CHECK_INT(al_wrap("abcdefghijkl", 5, 0, collect, NULL), ==, 3);   /* no space: cut */
    AL_CHECK_STR(pieces[2], "kl");
    AL_CHECK_INT(al_wrap("", 5, 0, NULL, NULL), ==, 1);                 /* an empty line is a line */
}

/* The too-small message and the empty timeline are drawn with this: each
 * piece centred in its rectangle, rows counted on. */
AL_TEST(lines_wrap_centred_centres_each_piece) {
    al_cells c = new_grid(20, 4, 0);
    int y = 1;
    al_wrap_centred(&c, (al_rect){0, 0, 20, 4}, &y, "ab cdef", 4, AL_ST_NORMAL);
    AL_CHECK_INT(y, ==, 3);
    check_dump(&c, "\n         ab\n        cdef\n\n");
    al_cells_clear(&c);
    y = 0;
    al_wrap_centred(&c, (al_rect){10, 0, 10, 4}, &y, "xy", 8, AL_ST_NORMAL);   /* in the right half */
    check_dump(&c, "              xy\n\n\n\n");
    al_cells_free(&c);
}
