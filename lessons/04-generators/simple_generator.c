/* simple_generator.c — lesson 4: a function that stops in the middle.
 *
 * The generator prints a line, hands back a number and *pauses*; the next
 * al_gen_next() continues right after that yield. main() asks three times,
 * so the output interleaves the generator's own lines with the values it
 * yields: First value, 1, Second value, 2, Third value, 3.
 *
 * How it works (gen.h): AL_GEN_BEGIN opens a `switch` on the line number of
 * the last yield, and each AL_GEN_YIELD both returns and plants a `case` for
 * that line. Calling the function again jumps straight back in.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asynclab/gen.h"

/* Nothing has to survive a yield, so the frame is only the al_gen itself. */
static int simple_generator(al_gen *g) {
    AL_GEN_BEGIN(g);
    puts("First value");
    AL_GEN_YIELD(g, 1);
    puts("Second value");
    AL_GEN_YIELD(g, 2);
    puts("Third value");
    AL_GEN_YIELD(g, 3);
    AL_GEN_END(g);
}

/* Python's next(gen): run to the next yield and return what it yielded. */
static long next_value(al_gen *g) {
    intptr_t value = 0;
    int rc = al_gen_next(g, &value);
    if (rc != AL_GEN_YIELDED) {
        fprintf(stderr, "simple_generator: the generator has no more values (%d)\n", rc);
        exit(1);
    }
    return (long)value;
}

int main(int argc, char **argv) {
    if (argc > 1) {
        int help = strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0;
        fprintf(help ? stdout : stderr,
                "usage: simple_generator\n"
                "  Runs a generator with three yields, asking for one value at a time.\n");
        return help ? 0 : 2;
    }
    al_gen gen;
    al_gen_init(&gen, simple_generator);   /* like calling it in Python: nothing runs yet */
    printf("%ld\n", next_value(&gen));     /* First value, then 1 */
    printf("%ld\n", next_value(&gen));     /* Second value, then 2 */
    printf("%ld\n", next_value(&gen));     /* Third value, then 3 */
    return 0;
}
