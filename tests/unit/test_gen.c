/* test_gen.c — stackless generators: next, send, close, return, and the
 * limits of the switch trick, shown rather than just written down. */
#include <stdio.h>
#include <stdlib.h>

#include "al_test.h"
#include "asynclab/error.h"
#include "asynclab/gen.h"

/* simple_generator: prints and yields 1, 2, 3 (lesson 4's first example) */
struct simple { al_gen gen; char log[64]; };
static int simple(al_gen *g) {
    struct simple *f = (struct simple *)g;
    AL_GEN_BEGIN(g);
    strcat(f->log, "first;");
    AL_GEN_YIELD(g, 1);
    strcat(f->log, "second;");
    AL_GEN_YIELD(g, 2);
    strcat(f->log, "third;");
    AL_GEN_YIELD(g, 3);
    AL_GEN_END(g);
}

AL_TEST(next_runs_to_each_yield_in_turn) {
    struct simple f = {0};
    al_gen_init(&f.gen, simple);
    intptr_t v = 0;
    AL_CHECK_INT(al_gen_next(&f.gen, &v), ==, AL_GEN_YIELDED);
    AL_CHECK_INT(v, ==, 1);
    AL_CHECK_STR(f.log, "first;");
    AL_CHECK_INT(al_gen_next(&f.gen, &v), ==, AL_GEN_YIELDED);
    AL_CHECK_INT(v, ==, 2);
    AL_CHECK_INT(al_gen_next(&f.gen, &v), ==, AL_GEN_YIELDED);
    AL_CHECK_INT(v, ==, 3);
    AL_CHECK_STR(f.log, "first;second;third;");
    AL_CHECK_INT(al_gen_next(&f.gen, &v), ==, 0);          /* exhausted now */
    AL_CHECK(al_gen_finished(&f.gen));
    AL_CHECK_INT(al_gen_next(&f.gen, &v), ==, -ENODATA);   /* and stays so */
}

/* A running total fed by send(): Python's `total += yield total`. */
struct acc { al_gen gen; intptr_t total; };
static int accumulate(al_gen *g) {
    struct acc *f = (struct acc *)g;
    AL_GEN_BEGIN(g);
    for (;;) {
        AL_GEN_YIELD(g, f->total);
        if (AL_GEN_SENT(g) < 0) AL_GEN_RETURN(g, f->total * 100);
        f->total += AL_GEN_SENT(g);
    }
    AL_GEN_END(g);
}

AL_TEST(send_delivers_values_and_return_value_arrives_at_exhaustion) {
    struct acc f = {0};
    al_gen_init(&f.gen, accumulate);
    intptr_t v = -1;
    AL_CHECK_INT(al_gen_send(&f.gen, 5, &v), ==, -EINVAL);   /* not started: nothing to receive it */
    AL_CHECK_INT(al_gen_next(&f.gen, &v), ==, AL_GEN_YIELDED);
    AL_CHECK_INT(v, ==, 0);
    AL_CHECK_INT(al_gen_send(&f.gen, 5, &v), ==, AL_GEN_YIELDED);
    AL_CHECK_INT(v, ==, 5);
    AL_CHECK_INT(al_gen_send(&f.gen, 7, &v), ==, AL_GEN_YIELDED);
    AL_CHECK_INT(v, ==, 12);
    AL_CHECK_INT(al_gen_send(&f.gen, -1, &v), ==, 0);
    AL_CHECK_INT(v, ==, 1200);
}

/* A generator that owns a resource: FINALLY must run on close and at the end. */
struct owner { al_gen gen; int *freed; char *buf; int i; };
static int owner(al_gen *g) {
    struct owner *f = (struct owner *)g;
    AL_GEN_BEGIN(g);
    f->buf = malloc(16);
    for (f->i = 0; f->i < 3; f->i++) AL_GEN_YIELD(g, f->i);
    AL_GEN_FINALLY(g);
    free(f->buf);
    f->buf = NULL;
    (*f->freed)++;
    AL_GEN_END(g);
}

AL_TEST(close_runs_the_finally_section_once) {
    int freed = 0;
    struct owner f = {.freed = &freed};
    al_gen_init(&f.gen, owner);
    intptr_t v;
    AL_CHECK_INT(al_gen_next(&f.gen, &v), ==, AL_GEN_YIELDED);
    AL_CHECK_INT(al_gen_close(&f.gen), ==, 0);
    AL_CHECK_INT(freed, ==, 1);
    AL_CHECK(f.buf == NULL);
    AL_CHECK(al_gen_finished(&f.gen));
    AL_CHECK_INT(al_gen_close(&f.gen), ==, 0);   /* closing again: no-op */
    AL_CHECK_INT(freed, ==, 1);
}

AL_TEST(finally_also_runs_when_the_body_ends) {
    int freed = 0;
    struct owner f = {.freed = &freed};
    al_gen_init(&f.gen, owner);
    intptr_t v;
    int yields = 0;
    while (al_gen_next(&f.gen, &v) == AL_GEN_YIELDED) yields++;
    AL_CHECK_INT(yields, ==, 3);
    AL_CHECK_INT(freed, ==, 1);
}

AL_TEST(closing_an_unstarted_generator_runs_nothing) {
    int freed = 0;
    struct owner f = {.freed = &freed};
    al_gen_init(&f.gen, owner);
    AL_CHECK_INT(al_gen_close(&f.gen), ==, 0);
    AL_CHECK_INT(freed, ==, 0);
    AL_CHECK_INT(al_gen_next(&f.gen, NULL), ==, -ENODATA);
}

static int failing(al_gen *g) {
    AL_GEN_BEGIN(g);
    AL_GEN_YIELD(g, 1);
    AL_GEN_FAIL(g, -EPROTO);
    AL_GEN_END(g);
}

AL_TEST(a_body_can_fail_with_an_errno) {
    al_gen g;
    al_gen_init(&g, failing);
    AL_CHECK_INT(al_gen_next(&g, NULL), ==, AL_GEN_YIELDED);
    AL_CHECK_INT(al_gen_next(&g, NULL), ==, -EPROTO);
    AL_CHECK(al_gen_finished(&g));
}

/* Limit 1: locals do not survive a yield — the function really returns.
 * Here the counter lives in a local and is re-initialised at every resume,
 * so the generator never gets past 1; the frame version counts correctly. */
static int local_counter(al_gen *g) {
    int i = 0;       /* WRONG on purpose: re-initialised at every resume */
    AL_GEN_BEGIN(g);
    for (;;) {
        i++;
        AL_GEN_YIELD(g, i);
    }
    AL_GEN_END(g);
}

AL_TEST(limit_locals_are_lost_across_a_yield) {
    al_gen g;
    al_gen_init(&g, local_counter);
    intptr_t a, b, c;
    al_gen_next(&g, &a);
    al_gen_next(&g, &b);
    al_gen_next(&g, &c);
    /* a frame-held counter would give 1, 2, 3 */
    AL_CHECK_INT(a, ==, 1);
    AL_CHECK_INT(b, ==, 1);
    AL_CHECK_INT(c, ==, 1);
}

/* Limit 2: a yield inside your own switch: its case label belongs to the
 * inner switch, so the resume jump cannot find it and the generator simply
 * ends instead of continuing. */
struct sw { al_gen gen; int mode; };
static int yield_in_switch(al_gen *g) {
    struct sw *f = (struct sw *)g;
    AL_GEN_BEGIN(g);
    switch (f->mode) {
    case 1:
        AL_GEN_YIELD(g, 10);
        AL_GEN_YIELD(g, 20);
        break;
    default:
        break;
    }
    AL_GEN_END(g);
}

AL_TEST(limit_a_yield_inside_a_nested_switch_loses_its_place) {
    struct sw f = {.mode = 1};
    al_gen_init(&f.gen, yield_in_switch);
    intptr_t v = 0;
    AL_CHECK_INT(al_gen_next(&f.gen, &v), ==, AL_GEN_YIELDED);
    AL_CHECK_INT(v, ==, 10);
    /* with if/else this would yield 20; inside a switch it ends early */
    AL_CHECK_INT(al_gen_next(&f.gen, &v), ==, 0);
    AL_CHECK(al_gen_finished(&f.gen));
}

AL_TEST(bad_arguments_are_errors) {
    AL_CHECK_INT(al_gen_next(NULL, NULL), ==, -EINVAL);
    al_gen g = {0};
    AL_CHECK_INT(al_gen_next(&g, NULL), ==, -EINVAL);   /* no body */
    AL_CHECK_INT(al_gen_close(NULL), ==, -EINVAL);
}
