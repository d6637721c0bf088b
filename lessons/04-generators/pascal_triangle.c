/* pascal_triangle.c — lesson 4: an infinite generator that keeps its state.
 *
 * Each next() yields one row of Pascal's triangle and pauses; the current row
 * lives in the generator's frame, so the following call computes the next
 * row from it. The generator never ends on its own: the caller decides how
 * many rows it wants (five by default, as the article prints; --rows N).
 *
 * "Infinite" stops where 64-bit integers do: the middle number of row 69 is
 * C(68, 34) > 2^64, so the generator yields 68 rows and then fails with
 * -EOVERFLOW instead of printing wrong numbers.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asynclab/error.h"
#include "asynclab/gen.h"

#define MAX_ROWS 68

struct row {
    size_t len;
    uint64_t v[MAX_ROWS];
};

/* Everything that must survive a yield is here, not in locals (gen.h,
 * limit 1): the function really returns at every yield. */
struct pascal_frame {
    al_gen gen;
    struct row row;
};

static int pascal_triangle(al_gen *g) {
    struct pascal_frame *f = (struct pascal_frame *)g;
    AL_GEN_BEGIN(g);
    f->row.v[0] = 1;
    f->row.len = 1;
    for (;;) {
        AL_GEN_YIELD(g, &f->row);      /* the caller reads the row in our frame */
        if (f->row.len == MAX_ROWS) AL_GEN_FAIL(g, -EOVERFLOW);
        /* The next row in place, right to left, so every sum still reads
         * the old left neighbour: new[i] = old[i-1] + old[i]; both ends 1. */
        for (size_t i = f->row.len - 1; i >= 1; i--) f->row.v[i] += f->row.v[i - 1];
        f->row.v[f->row.len++] = 1;
    }
    AL_GEN_END(g);
}

/* Print like Python prints a list: [1, 3, 3, 1] */
static void print_row(const struct row *row) {
    printf("[");
    for (size_t i = 0; i < row->len; i++) printf(i ? ", %" PRIu64 : "%" PRIu64, row->v[i]);
    printf("]\n");
}

static void usage(FILE *out) {
    fprintf(out, "usage: pascal_triangle [--rows N]\n"
                 "  Print the first N rows of Pascal's triangle (default 5, at most %d:\n"
                 "  after that the numbers no longer fit in 64 bits).\n", MAX_ROWS);
}

static int parse_rows(const char *text, int *rows) {
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < 1 || v > MAX_ROWS) {
        fprintf(stderr, "pascal_triangle: --rows wants a whole number from 1 to %d, got '%s'\n",
                MAX_ROWS, text);
        return -1;
    }
    *rows = (int)v;
    return 0;
}

int main(int argc, char **argv) {
    int rows = 5;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc) {
            if (parse_rows(argv[++i], &rows) < 0) return 2;
        } else {
            fprintf(stderr, "pascal_triangle: unknown or incomplete option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }

    struct pascal_frame triangle = {0};
    al_gen_init(&triangle.gen, pascal_triangle);
    for (int i = 0; i < rows; i++) {
        intptr_t value;
        int rc = al_gen_next(&triangle.gen, &value);
        if (rc != AL_GEN_YIELDED) {
            fprintf(stderr, "pascal_triangle: the generator stopped: %s\n", al_strerror(rc));
            return 1;
        }
        print_row((const struct row *)value);
    }
    /* We simply stop asking. The frame is ours (on our stack): nothing to free. */
    return 0;
}
