/* test_export.c — what the model looks like outside the terminal: the text
 * timeline (golden files, widths, ASCII, colour), the Perfetto JSON (its
 * rules checked on the parsed document) and the SVG picture.
 *
 * Golden files live in tests/fixtures/timeline/. After a deliberate change to
 * the picture, regenerate them with `asynclab timeline` (the commands are in
 * tests/fixtures/timeline/README) and read the diff before committing. */
#include "al_test.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_perfetto.h"
#include "export_svg.h"
#include "model.h"
#include "render_text.h"

#ifndef AL_FIXTURES_DIR
#define AL_FIXTURES_DIR "tests/fixtures"
#endif

enum { WAIT_SLEEP = 1 };

/* ---- helpers -------------------------------------------------------------- */

static void load(al_model *m, const char *name) {
    char path[512];
    snprintf(path, sizeof path, "%s/traces/%s", AL_FIXTURES_DIR, name);
    al_model_init(m);
    int rc = al_model_load(m, path);
    AL_REQUIRE_MSG(rc == 0, "cannot load %s: %s", path, m->error);
}

static char *slurp(const char *path) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    int c;
    while ((c = fgetc(fp)) != EOF) fputc(c, mem);
    fclose(mem);
    fclose(fp);
    return buf;
}

/* What a renderer writes, as one string (caller frees). */
typedef int (*render_fn)(const al_model *m, const void *opt, FILE *out);

static int text_fn(const al_model *m, const void *opt, FILE *out) { return al_render_text(m, opt, out); }
static int perfetto_fn(const al_model *m, const void *opt, FILE *out) {
    (void)opt;
    return al_export_perfetto(m, out);
}
static int svg_fn(const al_model *m, const void *opt, FILE *out) { return al_export_svg(m, opt, out); }

static char *render(render_fn fn, const al_model *m, const void *opt) {
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    AL_REQUIRE(mem != NULL);
    int rc = fn(m, opt, mem);
    fclose(mem);
    AL_CHECK_INT(rc, ==, 0);
    return buf;
}

static void golden(const char *trace, al_text_options opt, const char *file) {
    al_model m;
    load(&m, trace);
    char *got = render(text_fn, &m, &opt);
    char path[512];
    snprintf(path, sizeof path, "%s/timeline/%s", AL_FIXTURES_DIR, file);
    char *want = slurp(path);
    AL_REQUIRE_MSG(want != NULL, "no golden file %s", path);
    AL_CHECK_MSG(strcmp(got, want) == 0, "%s differs from the golden file %s.\n--- got:\n%s--- want:\n%s",
                 trace, path, got, want);
    free(got);
    free(want);
    al_model_free(&m);
}

static size_t columns(const char *s, size_t len) {
    size_t w = 0;
    for (size_t i = 0; i < len; i++) w += ((unsigned char)s[i] & 0xc0) != 0x80;
    return w;
}

static const char *const fixtures[] = {"lesson05.jsonl", "lesson05-sequential.jsonl", "lesson05-blocking.jsonl",
                                       "lesson05-real.jsonl", "lesson01.jsonl"};
#define NFIXTURES (sizeof fixtures / sizeof fixtures[0])

/* ---- the text timeline ----------------------------------------------------- */

AL_TEST(text_lesson5_matches_its_golden_file) {
    golden("lesson05.jsonl", (al_text_options){.width = 80}, "lesson05.txt");
}

AL_TEST(text_lesson5_ascii_matches_its_golden_file) {
    golden("lesson05.jsonl", (al_text_options){.width = 80, .ascii = 1}, "lesson05-ascii.txt");
}

AL_TEST(text_lesson5_sequential_at_the_narrowest_width_matches_its_golden_file) {
    golden("lesson05-sequential.jsonl", (al_text_options){.width = 40}, "lesson05-sequential-40.txt");
}

AL_TEST(text_lesson5_blocking_matches_its_golden_file) {
    golden("lesson05-blocking.jsonl", (al_text_options){.width = 100}, "lesson05-blocking-100.txt");
}

AL_TEST(text_lesson1_matches_its_golden_file) {
    golden("lesson01.jsonl", (al_text_options){.width = 80}, "lesson01.txt");
}

AL_TEST(text_every_line_fits_the_width) {
    static const int widths[] = {40, 41, 57, 80, 133, 200, 1000};
    for (size_t f = 0; f < NFIXTURES; f++) {
        al_model m;
        load(&m, fixtures[f]);
        for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
            for (int ascii = 0; ascii < 2; ascii++) {
                al_text_options opt = {.width = widths[w], .ascii = ascii};
                char *out = render(text_fn, &m, &opt);
                int lines = 0;
                for (char *line = out, *nl; (nl = strchr(line, '\n')); line = nl + 1, lines++) {
                    size_t cols = columns(line, (size_t)(nl - line));
                    AL_CHECK_MSG(cols <= (size_t)widths[w], "%s at width %d: a line of %zu columns: %.*s",
                                 fixtures[f], widths[w], cols, (int)(nl - line), line);
                    AL_CHECK_MSG(nl == line || nl[-1] != ' ', "%s: trailing blank", fixtures[f]);
                    if (ascii)
                        for (char *p = line; p < nl; p++)
                            AL_REQUIRE_MSG(*p >= 0x20 && *p < 0x7f, "%s --ascii: byte %02x", fixtures[f],
                                           (unsigned char)*p);
                }
                AL_CHECK_INT(lines, >=, 7);
                AL_CHECK(strchr(out, '\033') == NULL);
                free(out);
            }
        }
        al_model_free(&m);
    }
}

AL_TEST(text_is_coloured_only_when_asked) {
    al_model m;
    load(&m, "lesson05.jsonl");
    char *plain = render(text_fn, &m, &(al_text_options){.width = 80});
    AL_CHECK(strchr(plain, '\033') == NULL);
    char *colour = render(text_fn, &m, &(al_text_options){.width = 80, .color = 1});
    AL_CHECK(strstr(colour, "\033[32m█") != NULL);       /* running in green */
    AL_CHECK(strstr(colour, "\033[34m─") != NULL);       /* sleep in blue */
    /* every coloured line resets before it ends */
    for (char *line = colour, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
        char *esc = NULL;
        for (char *p = line; p < nl; p++)
            if (*p == '\033') esc = p;
        if (esc) AL_CHECK_MSG(strncmp(esc, "\033[0m", 4) == 0, "a line ends coloured: %.*s", (int)(nl - line), line);
    }
    free(plain);
    free(colour);
    al_model_free(&m);
}

AL_TEST(text_refuses_a_width_out_of_range) {
    al_model m;
    load(&m, "lesson05.jsonl");
    FILE *null = fopen("/dev/null", "w");
    AL_REQUIRE(null != NULL);
    AL_CHECK_INT(al_render_text(&m, &(al_text_options){.width = 39}, null), ==, -EINVAL);
    AL_CHECK_INT(al_render_text(&m, &(al_text_options){.width = 1001}, null), ==, -EINVAL);
    AL_CHECK_INT(al_render_text(&m, &(al_text_options){.width = 40}, null), ==, 0);
    AL_CHECK_INT(al_render_text(&m, NULL, null), ==, 0);
    fclose(null);
    al_model_free(&m);
}

AL_TEST(axis_fits_with_round_steps) {
    al_time_axis ax;
    AL_REQUIRE_INT(al_time_axis_fit(0, 1000000, 67, &ax), ==, 0);
    AL_CHECK_INT(ax.t0, ==, 0);
    AL_CHECK_INT(ax.dt, ==, 20000);
    AL_CHECK_INT(ax.ncols, ==, 51);
    AL_CHECK_INT(ax.tick, ==, 200000);
    AL_CHECK_INT(ax.decimals, ==, 1);
    char label[32];
    AL_CHECK_STR(al_time_axis_label(&ax, 400000, label, sizeof label), "0.4 s");
    AL_REQUIRE_INT(al_time_axis_fit(74, 50569, 67, &ax), ==, 0);
    AL_CHECK_INT(ax.dt, ==, 1000);
    AL_CHECK_INT(ax.t0, ==, 0);
    AL_CHECK_INT(ax.tick, ==, 10000);
    AL_CHECK_STR(al_time_axis_label(&ax, 20000, label, sizeof label), "0.02 s");
    AL_REQUIRE_INT(al_time_axis_fit(-1500, -1500, 10, &ax), ==, 0);   /* one instant */
    AL_CHECK_INT(ax.ncols, ==, 1);
    AL_CHECK_INT(ax.t0, ==, -1500);
    AL_REQUIRE_INT(al_time_axis_fit(-1500, 1000, 10, &ax), ==, 0);
    AL_CHECK_INT(ax.t0, <=, -1500);
    AL_CHECK_INT(ax.ncols, <=, 10);
    AL_CHECK_INT(ax.t0 + ax.dt * ax.ncols, >, 1000);
    AL_CHECK_INT(al_time_axis_fit(0, 1, 0, &ax), ==, -EINVAL);
    AL_CHECK_INT(al_nice_step(1), ==, 1);
    AL_CHECK_INT(al_nice_step(3), ==, 5);
    AL_CHECK_INT(al_nice_step(11), ==, 20);
    AL_CHECK_INT(al_nice_step(500001), ==, 1000000);
    char d[32];
    AL_CHECK_STR(al_format_duration(20000, 0, d, sizeof d), "20 ms");
    AL_CHECK_STR(al_format_duration(50, 1, d, sizeof d), "50 us");
    AL_CHECK_STR(al_format_duration(2000000, 0, d, sizeof d), "2 s");
}

/* ---- one lane's columns -------------------------------------------------------- */

static void apply_ok(al_model *m, int type, int64_t t, uint64_t task, int reason, int64_t value) {
    al_trace_event ev = {.t = t, .type = (uint16_t)type, .fd = -1, .task = task, .reason = (uint16_t)reason,
                         .value = value, .text = type == AL_EV_SPAWN ? "t" : NULL};
    AL_REQUIRE_MSG(al_model_apply(m, &ev) == 0, "%s", m->error);
}

AL_TEST(a_column_shows_its_most_telling_state) {
    al_model m;
    al_model_init(&m);
    apply_ok(&m, AL_EV_SPAWN, 0, 1, 0, 0);
    apply_ok(&m, AL_EV_RESUME, 0, 1, 0, 0);
    apply_ok(&m, AL_EV_SUSPEND, 0, 1, WAIT_SLEEP, 100);     /* a step of no time, then a long sleep */
    apply_ok(&m, AL_EV_READY, 100, 1, 1, 0);
    apply_ok(&m, AL_EV_RESUME, 100, 1, 0, 0);
    /* then many short steps in one column: running wins it, and the long
     * wait that starts in it is still drawn after it */
    int64_t t = 100;
    for (int i = 0; i < 1000; i++) {
        apply_ok(&m, AL_EV_SUSPEND, t, 1, 2, 0);
        apply_ok(&m, AL_EV_READY, t, 1, 6, 0);
        apply_ok(&m, AL_EV_RESUME, t, 1, 0, 0);
    }
    apply_ok(&m, AL_EV_SUSPEND, 105, 1, WAIT_SLEEP, 200);
    apply_ok(&m, AL_EV_READY, 200, 1, 1, 0);
    apply_ok(&m, AL_EV_RESUME, 200, 1, 0, 0);
    apply_ok(&m, AL_EV_EXIT, 201, 1, 0, 0);
    apply_ok(&m, AL_EV_SLOW, 201, 1, 0, 150000);
    al_model_end(&m);
    const al_lane *lane = al_model_lane(&m, 1);
    al_cell cells[30];
    al_lane_cells(lane, m.last_t, 0, 10, 30, cells);
    char row[31];
    for (int c = 0; c < 30; c++) row[c] = al_cell_glyph(&cells[c], 1)[0];
    row[30] = '\0';
    /* 0: ran; 1-9 sleep; 10: many steps; 11-19 sleep; 20: ran and exited */
    AL_CHECK_STR(row, "#---------#---------|         ");
    AL_CHECK(cells[20].exit);
    /* the slow step shows on the loop's lane */
    al_lane_cells(&m.lanes[0], m.last_t, 0, 10, 30, cells);
    AL_CHECK_STR(al_cell_glyph(&cells[20], 1), "!");
    AL_CHECK_STR(al_cell_glyph(&cells[20], 0), "!");
    AL_CHECK_STR(al_cell_color(&cells[20]), "1;31");
    /* a window that starts inside the sleep */
    al_lane_cells(lane, m.last_t, 150, 10, 3, cells);
    for (int c = 0; c < 3; c++) AL_CHECK_STR(al_cell_glyph(&cells[c], 0), "─");
    al_model_free(&m);
}

AL_TEST(an_open_span_reaches_now_and_no_further) {
    al_model m;
    al_model_init(&m);
    apply_ok(&m, AL_EV_SPAWN, 0, 1, 0, 0);
    apply_ok(&m, AL_EV_RESUME, 10, 1, 0, 0);
    apply_ok(&m, AL_EV_SUSPEND, 20, 1, WAIT_SLEEP, 1000);
    const al_lane *lane = al_model_lane(&m, 1);
    al_cell cells[10];
    al_lane_cells(lane, 45, 0, 10, 10, cells);   /* the viewer's "now" is 45 */
    char row[11];
    for (int c = 0; c < 10; c++) row[c] = al_cell_glyph(&cells[c], 1)[0];
    row[10] = '\0';
    AL_CHECK_STR(row, "+#---     ");
    al_model_free(&m);
}

/* ---- Perfetto -------------------------------------------------------------------- */

typedef struct slice {
    double ts, dur;
} slice;

static int by_start(const void *a, const void *b) {
    const slice *x = a, *y = b;
    if (x->ts != y->ts) return x->ts < y->ts ? -1 : 1;
    return x->dur < y->dur ? -1 : x->dur > y->dur;
}

/* The rules of export_perfetto.h, checked on the parsed document. Returns
 * the number of flows. */
static int check_perfetto(const char *json, size_t spans) {
    cJSON *doc = cJSON_ParseWithLength(json, strlen(json));
    AL_REQUIRE_MSG(doc != NULL, "not JSON: %.200s", json);
    AL_REQUIRE(cJSON_IsObject(doc) && doc->child);
    AL_CHECK_STR(doc->child->string, "displayTimeUnit");
    const cJSON *events = cJSON_GetObjectItemCaseSensitive(doc, "traceEvents");
    AL_REQUIRE(cJSON_IsArray(events));
    int n = cJSON_GetArraySize(events);
    enum { MAXTID = 64, MAXSLICES = 2048 };
    static slice slices[MAXTID][MAXSLICES];
    static int nslices[MAXTID], named[MAXTID];
    static double flow_start[4096], flow_end[4096];
    static int starts[4096], ends[4096];
    memset(starts, 0, sizeof starts);
    memset(ends, 0, sizeof ends);
    memset(nslices, 0, sizeof nslices);
    memset(named, 0, sizeof named);
    size_t nx = 0;
    int flows = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, events) {
        const char *ph = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "ph"));
        AL_REQUIRE(ph != NULL);
        const cJSON *tid = cJSON_GetObjectItemCaseSensitive(e, "tid");
        AL_REQUIRE(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(e, "pid")));
        if (strcmp(ph, "M") == 0) {
            const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "name"));
            if (name && strcmp(name, "thread_name") == 0) {
                AL_REQUIRE(cJSON_IsNumber(tid) && tid->valueint > 0 && tid->valueint < MAXTID);
                const cJSON *args = cJSON_GetObjectItemCaseSensitive(e, "args");
                const char *tn = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(args, "name"));
                AL_CHECK(tn && tn[0]);
                named[tid->valueint] = 1;
            }
            continue;
        }
        AL_REQUIRE(cJSON_IsNumber(tid) && tid->valueint > 0 && tid->valueint < MAXTID);
        double ts = cJSON_GetObjectItemCaseSensitive(e, "ts")->valuedouble;
        if (strcmp(ph, "X") == 0) {
            double dur = cJSON_GetObjectItemCaseSensitive(e, "dur")->valuedouble;
            AL_CHECK(dur >= 0);
            int k = nslices[tid->valueint]++;
            AL_REQUIRE(k < MAXSLICES);
            slices[tid->valueint][k] = (slice){ts, dur};
            if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "cat")), "state") == 0) nx++;
        } else if (strcmp(ph, "s") == 0 || strcmp(ph, "f") == 0) {
            int id = cJSON_GetObjectItemCaseSensitive(e, "id")->valueint;
            AL_REQUIRE(id > 0 && id < 4096);
            if (ph[0] == 's') {
                AL_CHECK_MSG(!starts[id]++, "flow %d starts twice", id);
                flow_start[id] = ts;
                flows++;
            } else {
                AL_CHECK_MSG(!ends[id]++, "flow %d ends twice", id);
                AL_CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "bp")), "e");
                flow_end[id] = ts;
            }
        } else {
            AL_CHECK_MSG(0, "unexpected phase %s", ph);
        }
        AL_CHECK_MSG(named[tid->valueint], "tid %d has no thread_name before its events", tid->valueint);
    }
    AL_CHECK_INT(nx, ==, spans);   /* one slice per span */
    for (int id = 1; id < 4096; id++) {
        AL_CHECK_MSG(starts[id] == ends[id], "flow %d is not matched", id);
        if (starts[id]) AL_CHECK(flow_start[id] <= flow_end[id]);
    }
    for (int tid = 0; tid < MAXTID; tid++) {
        int k = nslices[tid];
        qsort(slices[tid], (size_t)k, sizeof(slice), by_start);
        for (int i = 1; i < k; i++)
            AL_CHECK_MSG(slices[tid][i].ts >= slices[tid][i - 1].ts + slices[tid][i - 1].dur,
                         "tid %d: slices at %.0f (+%.0f) and %.0f overlap", tid, slices[tid][i - 1].ts,
                         slices[tid][i - 1].dur, slices[tid][i].ts);
    }
    AL_CHECK(n > 0);
    cJSON_Delete(doc);
    return flows;
}

static size_t count_spans(const al_model *m) {
    size_t n = 0;
    for (size_t i = 0; i < m->nlanes; i++) n += m->lanes[i].nspans;
    return n;
}

AL_TEST(perfetto_lesson5_follows_the_rules) {
    al_model m;
    load(&m, "lesson05.jsonl");
    char *json = render(perfetto_fn, &m, NULL);
    AL_CHECK(strncmp(json, "{\"displayTimeUnit\":", 19) == 0);
    /* a flow per resume after a wake: 4 first runs, 3 timers, main woken once */
    AL_CHECK_INT(check_perfetto(json, count_spans(&m)), ==, 8);
    AL_CHECK(strstr(json, "\"name\":\"Coroutine 1 (task 2)\"") != NULL);
    AL_CHECK(strstr(json, "\"name\":\"event loop\"") != NULL);
    AL_CHECK(strstr(json, "\"name\":\"sleep until 1.000000 s\"") != NULL);
    /* the timer that woke Coroutine 1: a wake slice on the loop's track, its
     * flow start right after it */
    const char *wake = strstr(json, "\"tid\":1,\"ts\":1000000,\"dur\":0,\"cat\":\"wake\",\"name\":\"timer fired\"");
    AL_REQUIRE(wake != NULL);
    AL_CHECK(strstr(wake, "{\"ph\":\"s\"") != NULL);
    free(json);
    al_model_free(&m);
}

AL_TEST(perfetto_every_fixture_follows_the_rules) {
    for (size_t f = 0; f < NFIXTURES; f++) {
        al_model m;
        load(&m, fixtures[f]);
        char *json = render(perfetto_fn, &m, NULL);
        AL_CHECK_INT(check_perfetto(json, count_spans(&m)), >, 0);
        free(json);
        al_model_free(&m);
    }
}

/* ---- SVG -------------------------------------------------------------------------- */

static size_t count(const char *hay, const char *needle) {
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

AL_TEST(svg_lesson5_has_a_rect_per_span_and_the_lane_labels) {
    al_model m;
    load(&m, "lesson05.jsonl");
    char *svg = render(svg_fn, &m, NULL);
    const char *head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"";
    AL_CHECK(strncmp(svg, head, strlen(head)) == 0);
    AL_CHECK(strstr(svg, "</svg>\n") != NULL && strcmp(strstr(svg, "</svg>\n"), "</svg>\n") == 0);
    /* one per span, plus the background and the legend's swatches */
    AL_CHECK_INT(count(svg, "<rect"), >=, count_spans(&m) + 1);
    AL_CHECK_INT(count(svg, "<title>"), ==, count_spans(&m));
    for (int n = 1; n <= 3; n++) {
        char label[32];
        snprintf(label, sizeof label, ">Coroutine %d</text>", n);
        AL_CHECK_MSG(strstr(svg, label) != NULL, "no label %s", label);
    }
    AL_CHECK(strstr(svg, ">main</text>") != NULL);
    AL_CHECK(strstr(svg, ">sleep until 1.000000 s</text>") != NULL);
    AL_CHECK(strstr(svg, ">1.0 s</text>") != NULL);
    AL_CHECK(strstr(svg, "<script") == NULL);
    /* the same model, the same bytes */
    char *again = render(svg_fn, &m, NULL);
    AL_CHECK(strcmp(svg, again) == 0);
    free(again);
    free(svg);
    AL_CHECK_INT(al_export_svg(&m, &(al_svg_options){.width = 100}, stdout), ==, -EINVAL);
    al_model_free(&m);
}

AL_TEST(svg_escapes_what_a_trace_may_contain) {
    al_model m;
    al_model_init(&m);
    al_trace_event ev = {.type = AL_EV_HELLO, .fd = -1, .text = "a<b>&\"c\"", .text2 = "x&y"};
    AL_REQUIRE_INT(al_model_apply(&m, &ev), ==, 0);
    ev = (al_trace_event){.type = AL_EV_SPAWN, .t = 1, .task = 1, .fd = -1, .text = "<script>&amp;"};
    AL_REQUIRE_INT(al_model_apply(&m, &ev), ==, 0);
    al_model_end(&m);
    char *svg = render(svg_fn, &m, NULL);
    AL_CHECK(strstr(svg, "<script") == NULL);
    AL_CHECK(strstr(svg, "&lt;script&gt;&amp;amp;") != NULL);
    AL_CHECK(strstr(svg, "a&lt;b&gt;&amp;&quot;c&quot;") != NULL);
    free(svg);
    char *json = render(perfetto_fn, &m, NULL);
    cJSON *doc = cJSON_Parse(json);
    AL_CHECK(doc != NULL);
    cJSON_Delete(doc);
    free(json);
    al_model_free(&m);
}

/* ---- anything the model holds can be drawn --------------------------------------- */

static uint64_t rng_state = 0x243f6a8885a308d3u;
static uint64_t rnd(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

AL_TEST(random_models_render_and_export_without_trouble) {
    for (int round = 0; round < 60; round++) {
        al_model m;
        al_model_init(&m);
        int64_t t = (int64_t)(rnd() % 2000) - 1000;
        char text[24];
        for (int i = 0; i < 300; i++) {
            al_trace_event ev = {.fd = (int32_t)(rnd() % 8) - 1};
            ev.type = (uint16_t)(rnd() % AL_EV__COUNT);
            t += (int64_t)(rnd() % (round % 3 == 0 ? 5 : 100000));
            ev.t = t;
            ev.task = rnd() % 6;
            ev.other = rnd() % 6;
            ev.reason = (uint16_t)(rnd() % 7);
            ev.value = (int64_t)(rnd() % 3000000) - 1000;
            for (size_t k = 0; k < sizeof text - 1; k++) text[k] = (char)(rnd() % 255 + 1);
            text[sizeof text - 1] = '\0';
            ev.text = text;
            al_model_apply(&m, &ev);   /* refusals are fine: what was taken must draw */
        }
        if (round % 2) al_model_end(&m);
        for (int ascii = 0; ascii < 2; ascii++) {
            char *out = render(text_fn, &m, &(al_text_options){.width = 40 + round, .ascii = ascii});
            free(out);
        }
        char *json = render(perfetto_fn, &m, NULL);
        check_perfetto(json, count_spans(&m));
        free(json);
        char *svg = render(svg_fn, &m, NULL);
        AL_CHECK_INT(count(svg, "<title>"), >=, count_spans(&m));
        free(svg);
        al_model_free(&m);
    }
}

AL_TEST(an_empty_model_exports_an_empty_picture) {
    al_model m;
    al_model_init(&m);
    char *text = render(text_fn, &m, NULL);
    AL_CHECK(strstr(text, "(no events)") != NULL);
    free(text);
    char *json = render(perfetto_fn, &m, NULL);
    check_perfetto(json, 0);
    free(json);
    char *svg = render(svg_fn, &m, NULL);
    AL_CHECK(strstr(svg, "</svg>") != NULL);
    free(svg);
    al_model_free(&m);
}
