/* fuzz_trace_view.c — libFuzzer target: a hostile trace file all the way to
 * what is drawn from it: the reader, the viewer's model (tui/model/model.c), the
 * text timeline (tui/model/render_text.c), the Perfetto and SVG exports.
 *
 * The input is the file; a valid hello is put in front unless it starts with
 * one, so that the fuzzer spends its time on events rather than on the first
 * line, and its length picks the drawing options (width, ASCII, colour, the
 * loop's lane) so that the seeds stay valid JSON Lines. Whatever the reader and
 * the model make of it (a whole trace or the part before a bad line), it is
 * ended and drawn three ways, and checked beyond "no crash, no sanitizer
 * report, no leak":
 *   1. the model keeps its contract: on every lane the spans are in time
 *      order and do not overlap (an open span only at the end);
 *   2. the text timeline without colour holds no control byte but '\n' (a
 *      trace cannot send escape sequences to a terminal); with colour, ESC
 *      appears only as the start of an SGR sequence "ESC [ digits/; m";
 *   3. the Perfetto export parses as JSON; the SVG export is one <svg>
 *      element, closed.
 *
 *   build-fuzz/tests/fuzz/fuzz_trace_view -dict=tests/fuzz/trace.dict found/ tests/fuzz/corpus/trace_reader
 */
#define _GNU_SOURCE   /* fmemopen, open_memstream */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_perfetto.h"
#include "export_svg.h"
#include "fuzz_check.h"
#include "model.h"
#include "render_text.h"

#define HELLO "{\"v\":1,\"ev\":\"hello\",\"t\":0}\n"

static void check_spans(const al_model *m) {
    for (size_t l = 0; l < m->nlanes; l++) {
        const al_lane *lane = &m->lanes[l];
        for (size_t i = 0; i < lane->nspans; i++) {
            const al_span *s = &lane->spans[i];
            CHECK(s->start <= s->end);
            if (i + 1 < lane->nspans) {
                CHECK(s->end != AL_MODEL_OPEN);          /* only the last may be open */
                CHECK(s->end <= lane->spans[i + 1].start);
            }
        }
    }
}

static void check_text(const char *buf, size_t len, int color) {
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\n') continue;
        if (c == 0x1b) {
            CHECK(color);
            CHECK(i + 1 < len && buf[i + 1] == '[');
            size_t j = i + 2;
            while (j < len && ((buf[j] >= '0' && buf[j] <= '9') || buf[j] == ';')) j++;
            CHECK(j < len && buf[j] == 'm');
            i = j;
            continue;
        }
        CHECK(c >= 0x20 && c != 0x7f);
    }
}

typedef struct memout {
    char *buf;
    size_t len;
    FILE *fp;
} memout;

static void mem_open(memout *o) {
    o->buf = NULL;
    o->len = 0;
    o->fp = open_memstream(&o->buf, &o->len);
    CHECK(o->fp != NULL);
}

static void mem_close(memout *o) {
    CHECK(fclose(o->fp) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    uint8_t flags = (uint8_t)((uint32_t)size * 2654435761u >> 24);
    size_t pre = size >= 4 && memcmp(data, "{\"v\"", 4) == 0 ? 0 : sizeof HELLO - 1;
    char *file = malloc(pre + size + 1);
    CHECK(file != NULL);
    memcpy(file, HELLO, pre);
    memcpy(file + pre, data, size);
    if (pre + size == 0) {
        free(file);
        return 0;
    }
    FILE *fp = fmemopen(file, pre + size, "r");
    CHECK(fp != NULL);

    al_model m;
    al_model_init(&m);
    int rc = al_model_read(&m, fp);
    fclose(fp);
    CHECK(rc == 0 || rc == -EPROTO || rc == -ENOMEM);
    if (!m.ended) al_model_end(&m);
    check_spans(&m);

    static const int widths[] = {AL_TEXT_MIN_WIDTH, 80, 133, 400};
    al_text_options to = {.width = widths[(flags >> 1) & 3], .ascii = (flags >> 3) & 1,
                          .color = (flags >> 4) & 1, .loop_lane = (flags >> 5) & 1};
    memout text;
    mem_open(&text);
    rc = al_render_text(&m, &to, text.fp);
    mem_close(&text);
    CHECK(rc == 0);
    check_text(text.buf, text.len, to.color);
    free(text.buf);

    memout perfetto;
    mem_open(&perfetto);
    rc = al_export_perfetto(&m, perfetto.fp);
    mem_close(&perfetto);
    CHECK(rc == 0);
    cJSON *json = cJSON_ParseWithLength(perfetto.buf, perfetto.len);
    CHECK(json != NULL);
    cJSON_Delete(json);
    free(perfetto.buf);

    memout svg;
    mem_open(&svg);
    al_svg_options so = {.width = (flags & 0x40) ? 320 : 0};
    rc = al_export_svg(&m, &so, svg.fp);
    mem_close(&svg);
    CHECK(rc == 0);
    CHECK(strstr(svg.buf, "<svg") != NULL);
    size_t n = svg.len;
    while (n > 0 && (svg.buf[n - 1] == '\n' || svg.buf[n - 1] == ' ')) n--;
    CHECK(n >= 6 && memcmp(svg.buf + n - 6, "</svg>", 6) == 0);
    free(svg.buf);

    al_model_free(&m);
    free(file);
    return 0;
}
