/* fuzz_trace_reader.c — libFuzzer target: arbitrary bytes into the trace
 * reader (core/trace/src/trace_reader.c), through fmemopen as a file would come.
 *
 * Checked beyond "no crash, no sanitizer report":
 *   - every error message names its line ("line N: ...");
 *   - whatever the reader accepts, the formatter can write, and that line
 *     reads back as the same event (the JSON form round-trips).
 * Unless the input starts with a hello of its own, a valid hello line is put
 * in front of it, so the fuzzer spends its time past the "hello first" check
 * (and the seeds in tests/fuzz/corpus/trace_reader, event lines from real
 * traces, are read as they are).
 *
 *   build-fuzz/tests/fuzz/fuzz_trace_reader -max_total_time=60 corpus/
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asynclab/trace.h"

#define HELLO "{\"v\":1,\"ev\":\"hello\",\"t\":0}\n"

static void check(int ok) {
    if (!ok) __builtin_trap();
}

/* Write ev as JSON and read it back: the same event, field for field.
 * (Texts are not compared: the writer replaces invalid UTF-8, which the
 * reader passes through, and caps the backend name.) */
static void round_trip(const al_trace_event *ev) {
    size_t size = 512 + 6 * ev->text_len + sizeof HELLO;
    char *buf = malloc(size);
    check(buf != NULL);
    memcpy(buf, HELLO, sizeof HELLO - 1);
    int n = al_trace_format(ev, buf + sizeof HELLO - 1, size - (sizeof HELLO - 1));
    check(n > 0);
    FILE *fp = fmemopen(buf, sizeof HELLO - 1 + (size_t)n, "r");
    check(fp != NULL);
    al_trace_reader *r;
    check(al_trace_reader_open(&r, fp) == 0);
    al_trace_event back;
    check(al_trace_reader_next(r, &back) == 1);
    check(al_trace_reader_next(r, &back) == 1);
    check(back.type == ev->type && back.t == ev->t && back.reason == ev->reason &&
          back.fd == ev->fd && back.task == ev->task && back.other == ev->other &&
          back.value == ev->value);
    check(al_trace_reader_next(r, &back) == 0);
    al_trace_reader_close(r);
    fclose(fp);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    int with_hello = !(size >= 4 && memcmp(data, "{\"v\"", 4) == 0);
    size_t len = size + (with_hello ? sizeof HELLO - 1 : 0);
    char *stream = malloc(len);
    if (!stream) return 0;
    if (with_hello) memcpy(stream, HELLO, sizeof HELLO - 1);
    memcpy(stream + len - size, data, size);

    FILE *fp = fmemopen(stream, len, "r");
    al_trace_reader *r = NULL;
    if (fp && al_trace_reader_open(&r, fp) == 0) {
        al_trace_event ev;
        size_t last_error_line = 0;
        int rc;
        while ((rc = al_trace_reader_next(r, &ev)) != 0) {
            if (rc == 1) {
                round_trip(&ev);
                continue;
            }
            check(strncmp(al_trace_reader_error(r), "line ", 5) == 0);
            /* A newer version repeats its error forever: stop there. */
            if (al_trace_reader_line(r) == last_error_line) break;
            last_error_line = al_trace_reader_line(r);
        }
    }
    al_trace_reader_close(r);
    if (fp) fclose(fp);
    free(stream);
    return 0;
}
