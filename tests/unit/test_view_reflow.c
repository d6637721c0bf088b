/* test_view_reflow.c — a README's paragraphs joined for the notes panel
 * (tui/model/render_reflow.c): what is joined, what is kept line for line. */
#include "al_test.h"

#include <stdlib.h>
#include <string.h>

#include "render_reflow.h"

static void expect(const char *in, const char *want) {
    size_t n = 0;
    char *got = al_reflow_markdown(in, strlen(in), &n);
    AL_REQUIRE(got != NULL);
    AL_CHECK_INT((long)n, ==, (long)strlen(got));
    AL_CHECK_MSG(strcmp(got, want) == 0, "reflow of\n%s\ngave\n%s\nwanted\n%s", in, got, want);
    free(got);
}

AL_TEST(reflow_joins_the_lines_of_a_paragraph) {
    expect("A coroutine's await does not wait. It\n"
           "registers what it waits for  \n"   /* a hard break: the line ends there */
           "with the loop\\\n"
           "and gives the thread back;\n"
           "   the loop runs others.\n"
           "\n"
           "Second paragraph.\n",
           "A coroutine's await does not wait. It registers what it waits for\n"
           "with the loop\n"
           "and gives the thread back; the loop runs others.\n"
           "\n"
           "Second paragraph.\n");
}

AL_TEST(reflow_keeps_code_tables_and_headings) {
    const char *kept = "# Lesson 5\n"
                       "## The idea\n"
                       "| run | takes |\n"
                       "|---|---|\n"
                       "| `coroutines` | 1 s |\n"
                       "```c\n"
                       "static int coroutine(al_gen *g) {\n"
                       "\n"
                       "    AL_GEN_BEGIN(g);\n"
                       "```\n"
                       "~~~\n"
                       "a ``` inside a tilde fence\n"
                       "~~~\n"
                       "> a quote\n"
                       "---\n"
                       "<br>\n";
    expect(kept, kept);
    /* A heading, a table or a fence right after text is not joined to it. */
    expect("text\n# Heading\ntext\n| a |\ntext\n```\ncode\n```\n",
           "text\n# Heading\ntext\n| a |\ntext\n```\ncode\n```\n");
}

AL_TEST(reflow_keeps_indented_code_after_a_blank_line) {
    expect("Run this:\n\n    make\n    ./demo\n\nthen look.\n",
           "Run this:\n\n    make\n    ./demo\n\nthen look.\n");
    /* An indented line right after text only continues the text. */
    expect("text that\n        goes on\n", "text that goes on\n");
}

AL_TEST(reflow_gives_each_list_item_its_own_line) {
    expect("- first item that\n  goes on\n- second\n  * nested\n    under it\n"
           "1. one\n   more\n2) two\n10. ten\n-not a list\n",
           "- first item that goes on\n- second\n  * nested under it\n"
           "1. one more\n2) two\n10. ten -not a list\n");
}

AL_TEST(reflow_handles_crlf_and_a_last_line_without_newline) {
    expect("one\r\ntwo\r\n\r\nthree", "one two\n\nthree\n");
    expect("", "");
}

AL_TEST(reflow_hang_is_the_width_of_a_list_marker) {
    AL_CHECK_INT(al_reflow_hang("- item"), ==, 2);
    AL_CHECK_INT(al_reflow_hang("  * nested"), ==, 4);
    AL_CHECK_INT(al_reflow_hang("10. ten"), ==, 4);
    AL_CHECK_INT(al_reflow_hang("1)  two blanks"), ==, 4);
    AL_CHECK_INT(al_reflow_hang("plain text"), ==, 0);
    AL_CHECK_INT(al_reflow_hang("-not an item"), ==, 0);
    AL_CHECK_INT(al_reflow_hang(""), ==, 0);
}
