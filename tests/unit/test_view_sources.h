/* test_view_sources.h — the viewer's screen code, compiled into a test suite.
 *
 * The test_view* suites test tui/view_*.c (the cell grid, the panels, the
 * keys, the session), which need no terminal. tests/CMakeLists.txt links
 * these suites with asynclab_viewer; until that library also holds the
 * view_*.c files, each suite compiles them in through this header. That
 * stays correct once the library has them too: a static library's object
 * is only pulled in for a symbol still undefined, and every symbol of these
 * files is already defined here.
 *
 * Include it first: view_ingest.c needs _GNU_SOURCE (fopencookie) before any
 * system header.
 */
#ifndef TEST_VIEW_SOURCES_H
#define TEST_VIEW_SOURCES_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "../../tui/view/view_cells.c"
#include "../../tui/view/view_lines.c"
#include "../../tui/view/view_fmt.c"
#include "../../tui/view/view_rows.c"
#include "../../tui/view/view_style.c"
#include "../../tui/view/view_render.c"
#include "../../tui/view/view_timeline.c"
#include "../../tui/view/view_table.c"
#include "../../tui/view/view_text.c"
#include "../../tui/view/view_chrome.c"
#include "../../tui/view/view_overlay.c"
#include "../../tui/view/view_input.c"
#include "../../tui/view/view_session.c"
#include "../../tui/view/view_ingest.c"
#include "../../tui/view/view_browser.c"
#include "../../tui/view/view_child.c"

#endif
