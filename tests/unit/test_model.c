/* test_model.c — the viewer's model: traces folded into lanes and spans.
 *
 * Recorded traces of the lessons (tests/fixtures/traces, made with
 * ASYNCLAB_TRACE=... on the virtual clock where times matter) must give the
 * pictures the lessons teach; hand-written traces pin down the bookkeeping
 * (busy, idle, resumes, gaps, sections); broken and hostile input must give
 * an error naming the line, leave the model as it was, and never crash. */
#include "al_test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#ifndef AL_FIXTURES_DIR
#define AL_FIXTURES_DIR "tests/fixtures"
#endif
#define TRACE(name) AL_FIXTURES_DIR "/traces/" name

enum { WAIT_SLEEP = 1, WAIT_READ = 3, WAIT_JOIN = 5 };
enum { WAKE_SPAWN = 0, WAKE_TIMER = 1, WAKE_FD = 2, WAKE_TASK = 3 };

/* ---- helpers -------------------------------------------------------------- */

static al_trace_event event(int type, int64_t t, uint64_t task) {
    al_trace_event ev = {.t = t, .type = (uint16_t)type, .fd = -1, .task = task};
    return ev;
}

static int apply(al_model *m, al_trace_event ev) { return al_model_apply(m, &ev); }

static void spawn(al_model *m, int64_t t, uint64_t task, const char *name, uint64_t parent) {
    al_trace_event ev = event(AL_EV_SPAWN, t, task);
    ev.text = name;
    ev.other = parent;
    AL_REQUIRE_INT(al_model_apply(m, &ev), ==, 0);
}

/* Load a JSON Lines text as a trace file would be. */
static int load_text(al_model *m, const char *text) {
    FILE *fp = fmemopen((void *)text, strlen(text), "r");
    AL_REQUIRE(fp != NULL);
    int rc = al_model_read(m, fp);
    fclose(fp);
    return rc;
}

static const al_lane *lane_named(const al_model *m, const char *name) {
    for (size_t i = 1; i < m->nlanes; i++)
        if (strcmp(m->lanes[i].name, name) == 0) return &m->lanes[i];
    return NULL;
}

/* The first span of a state at or after index `from`, or NULL. */
static const al_span *find_span(const al_lane *lane, int state, size_t from) {
    for (size_t i = from; i < lane->nspans; i++)
        if (lane->spans[i].state == state) return &lane->spans[i];
    return NULL;
}

/* Spans in order, never overlapping, busy/idle never negative: the
 * invariants every model keeps, whatever it was fed. */
static void check_invariants(const al_model *m) {
    AL_REQUIRE(m->nlanes >= 1);
    AL_CHECK_INT(m->lanes[0].task, ==, 0);
    for (size_t i = 0; i < m->nlanes; i++) {
        const al_lane *lane = &m->lanes[i];
        AL_CHECK(lane->busy_us >= 0 && lane->idle_us >= 0);
        for (size_t k = 0; k < lane->nspans; k++) {
            const al_span *s = &lane->spans[k];
            AL_REQUIRE_MSG(s->start <= s->end, "lane %zu span %zu: start %lld > end %lld", i, k,
                           (long long)s->start, (long long)s->end);
            AL_REQUIRE(s->state < AL_LANE_STATE_COUNT);
            if (k + 1 < lane->nspans) {
                AL_REQUIRE_MSG(s->end != AL_MODEL_OPEN, "lane %zu: open span %zu is not the last", i, k);
                AL_REQUIRE_MSG(s->end <= lane->spans[k + 1].start, "lane %zu: spans %zu and %zu overlap",
                               i, k, k + 1);
            }
        }
        AL_CHECK(memchr(lane->name, '\0', sizeof lane->name) != NULL);
        for (const unsigned char *p = (const unsigned char *)lane->name; *p; p++)
            AL_REQUIRE_MSG(*p >= 0x20 && *p != 0x7f, "lane %zu name has control byte %02x", i, *p);
    }
}

/* ---- lesson 5: three coroutines sleep together ---------------------------- */

AL_TEST(lesson5_three_lanes_wait_on_sleep_together_and_finish_at_one_second) {
    al_model m;
    al_model_init(&m);
    AL_REQUIRE_INT(al_model_load(&m, TRACE("lesson05.jsonl")), ==, 0);
    AL_CHECK(m.ended);
    AL_CHECK_STR(m.program, "coroutines");
    AL_CHECK_STR(m.backend, "epoll");
    AL_CHECK_INT(m.clock, ==, 1);
    AL_CHECK_INT(m.nlanes, ==, 5);   /* the loop, main, three coroutines */
    AL_CHECK_INT(m.tasks_alive, ==, 0);
    AL_CHECK_INT(m.gaps, ==, 0);
    AL_CHECK_INT(m.first_t, ==, 0);
    AL_CHECK_INT(m.last_t, ==, 1000000);
    for (int n = 1; n <= 3; n++) {
        char name[32];
        snprintf(name, sizeof name, "Coroutine %d", n);
        const al_lane *lane = lane_named(&m, name);
        AL_REQUIRE_MSG(lane != NULL, "no lane \"%s\"", name);
        AL_CHECK_INT(lane->task, ==, n + 1);
        AL_CHECK_INT(lane->parent, ==, 1);
        AL_CHECK_INT(lane->depth, ==, 1);
        /* in the middle of the run, all three are asleep until 1 s */
        const al_span *s = al_model_span_at(lane, 500000);
        AL_REQUIRE(s != NULL);
        AL_CHECK_INT(s->state, ==, AL_LANE_WAITING);
        AL_CHECK_INT(s->reason, ==, WAIT_SLEEP);
        AL_CHECK_INT(s->start, ==, 0);
        AL_CHECK_INT(s->end, ==, 1000000);
        AL_CHECK_INT(s->until, ==, 1000000);
        /* woken by their timer, run once more, done at 1.0 s */
        const al_span *ready = find_span(lane, AL_LANE_READY, 1);
        AL_REQUIRE(ready != NULL);
        AL_CHECK_INT(ready->reason, ==, WAKE_TIMER);
        AL_CHECK_INT(ready->start, ==, 1000000);
        AL_CHECK_INT(lane->state, ==, AL_LANE_DONE);
        AL_CHECK_INT(lane->exited_at, ==, 1000000);
        AL_CHECK_INT(lane->error, ==, 0);
        AL_CHECK_INT(lane->resumes, ==, 2);
        AL_CHECK_INT(lane->busy_us, ==, 0);      /* virtual time: steps take none */
        AL_CHECK_INT(lane->idle_us, ==, 1000000);
    }
    const al_lane *main_lane = lane_named(&m, "main");
    AL_REQUIRE(main_lane != NULL);
    const al_span *j = al_model_span_at(main_lane, 500000);
    AL_REQUIRE(j != NULL);
    AL_CHECK_INT(j->state, ==, AL_LANE_WAITING);
    AL_CHECK_INT(j->reason, ==, WAIT_JOIN);
    AL_CHECK_INT(j->other, ==, 2);
    AL_CHECK_INT(main_lane->exited_at, ==, 1000000);
    /* the woken main knows who woke it */
    const al_span *woke = find_span(main_lane, AL_LANE_READY, 1);
    AL_REQUIRE(woke != NULL);
    AL_CHECK_INT(woke->reason, ==, WAKE_TASK);
    AL_CHECK_INT(woke->other, ==, 2);
    /* 8 lines of output, each in its task's lane */
    AL_CHECK_INT(m.noutput, ==, 8);
    AL_CHECK_STR(m.output[0].text, "Main started");
    AL_CHECK_INT(m.output[7].t, ==, 1000000);
    AL_CHECK_STR(m.output[7].text, "Main finished");
    check_invariants(&m);
    al_model_free(&m);
}

AL_TEST(lesson5_sequential_finishes_at_one_two_three_seconds) {
    al_model m;
    al_model_init(&m);
    AL_REQUIRE_INT(al_model_load(&m, TRACE("lesson05-sequential.jsonl")), ==, 0);
    AL_CHECK_INT(m.nlanes, ==, 2);   /* no tasks: the coroutines run inside main */
    const al_lane *main_lane = lane_named(&m, "main");
    AL_REQUIRE(main_lane != NULL);
    for (int n = 1; n <= 3; n++) {
        const al_span *s = al_model_span_at(main_lane, (n - 1) * 1000000 + 500000);
        AL_REQUIRE(s != NULL);
        AL_CHECK_INT(s->state, ==, AL_LANE_WAITING);
        AL_CHECK_INT(s->reason, ==, WAIT_SLEEP);
        AL_CHECK_INT(s->start, ==, (n - 1) * 1000000);
        AL_CHECK_INT(s->until, ==, n * 1000000);
        char done[32];
        snprintf(done, sizeof done, "Coroutine %d finished", n);
        int seen = 0;
        for (size_t i = 0; i < m.noutput; i++)
            if (strncmp(m.output[i].text, done, strlen(done)) == 0) {
                AL_CHECK_INT(m.output[i].t, ==, n * 1000000);
                seen = 1;
            }
        AL_CHECK_MSG(seen, "no output \"%s\"", done);
    }
    AL_CHECK_INT(main_lane->exited_at, ==, 3000000);
    AL_CHECK_INT(main_lane->resumes, ==, 4);
    check_invariants(&m);
    al_model_free(&m);
}

AL_TEST(lesson5_blocking_shows_slow_steps_and_a_queue) {
    al_model m;
    al_model_init(&m);
    AL_REQUIRE_INT(al_model_load(&m, TRACE("lesson05-blocking.jsonl")), ==, 0);
    AL_CHECK_INT(m.lanes[0].slow_warnings, ==, 3);
    const al_lane *c3 = lane_named(&m, "Coroutine 3");
    AL_REQUIRE(c3 != NULL);
    AL_CHECK_INT(c3->slow_warnings, ==, 1);
    /* Coroutine 3 waited its turn while the other two blocked the loop */
    const al_span *s = al_model_span_at(c3, 300000);
    AL_REQUIRE(s != NULL);
    AL_CHECK_INT(s->state, ==, AL_LANE_READY);
    AL_CHECK_INT(c3->busy_us, ==, 200000);
    AL_CHECK_INT(c3->idle_us, ==, 400000);
    check_invariants(&m);
    al_model_free(&m);
}

/* ---- lesson 1: a blocking server serves one connection at a time ---------- */

AL_TEST(lesson1_connections_are_serialised) {
    al_model m;
    al_model_init(&m);
    AL_REQUIRE_INT(al_model_load(&m, TRACE("lesson01.jsonl")), ==, 0);
    AL_CHECK_STR(m.backend, "blocking");
    AL_REQUIRE_INT(m.nlanes, ==, 4);   /* the loop, server, two connections */
    const al_lane *server = &m.lanes[1], *a = &m.lanes[2], *b = &m.lanes[3];
    AL_CHECK_STR(server->name, "server");
    AL_CHECK(strncmp(a->name, "conn ", 5) == 0 && strncmp(b->name, "conn ", 5) == 0);
    AL_CHECK_INT(a->parent, ==, 1);
    AL_CHECK_INT(b->parent, ==, 1);
    /* no coroutine anywhere: the viewer must not call them fibers */
    AL_CHECK_STR(al_lane_kind_text(a->kind), "plain code, no coroutine (blocking calls)");
    AL_CHECK_STR(al_lane_kind_text(server->kind), "plain code, no coroutine (blocking calls)");
    AL_CHECK_INT(a->state, ==, AL_LANE_DONE);
    AL_CHECK_INT(b->state, ==, AL_LANE_DONE);
    /* B runs for the first time only after A has exited */
    const al_span *b_runs = find_span(b, AL_LANE_RUNNING, 0);
    AL_REQUIRE(b_runs != NULL);
    AL_CHECK_INT(b_runs->start, >=, a->exited_at);
    AL_CHECK_INT(b->spawned_at, >=, a->exited_at);
    /* while A is served, the server waits for it, not for the next client */
    const al_span *w = al_model_span_at(server, (a->spawned_at + a->exited_at) / 2);
    AL_REQUIRE(w != NULL);
    AL_CHECK_INT(w->state, ==, AL_LANE_WAITING);
    AL_CHECK_INT(w->reason, ==, WAIT_JOIN);
    AL_CHECK_INT(w->other, ==, a->task);
    /* and A itself waits to read its socket */
    const al_span *r = find_span(a, AL_LANE_WAITING, 0);
    AL_REQUIRE(r != NULL);
    AL_CHECK_INT(r->reason, ==, WAIT_READ);
    AL_CHECK(r->fd >= 0);
    /* never two tasks running at once */
    for (int64_t t = m.first_t; t <= m.last_t; t += 997) {
        int running = 0;
        for (size_t i = 1; i < m.nlanes; i++) {
            const al_span *s = al_model_span_at(&m.lanes[i], t);
            running += s && s->state == AL_LANE_RUNNING;
        }
        AL_REQUIRE_MSG(running <= 1, "%d tasks running at t %lld", running, (long long)t);
    }
    check_invariants(&m);
    al_model_free(&m);
}

/* ---- bookkeeping on a hand-written trace ----------------------------------- */

static const char *const hand_trace =
    "{\"v\":1,\"ev\":\"hello\",\"t\":0,\"program\":\"hand\",\"clock\":\"real\",\"backend\":\"poll\",\"pid\":7}\n"
    "{\"t\":0,\"ev\":\"spawn\",\"task\":1,\"name\":\"worker\",\"kind\":\"fiber\",\"parent\":0}\n"
    "{\"t\":0,\"ev\":\"ready\",\"task\":1,\"by\":\"spawn\"}\n"
    "{\"t\":10,\"ev\":\"resume\",\"task\":1}\n"
    "{\"t\":30,\"ev\":\"suspend\",\"task\":1,\"reason\":\"sleep\",\"until\":100}\n"
    "{\"t\":40,\"ev\":\"poll_begin\",\"timeout_ms\":1}\n"
    "\n"
    "{\"t\":100,\"ev\":\"poll_end\",\"ready\":0}\n"
    "{\"t\":100,\"ev\":\"timer\",\"task\":1,\"deadline\":100}\n"
    "{\"t\":100,\"ev\":\"ready\",\"task\":1,\"by\":\"timer\"}\n"
    "{\"t\":105,\"ev\":\"resume\",\"task\":1}\n"
    "{\"t\":110,\"ev\":\"output\",\"task\":1,\"text\":\"half way\"}\n"
    "{\"t\":125,\"ev\":\"suspend\",\"task\":1,\"reason\":\"read\",\"fd\":5}\n"
    "{\"t\":130,\"ev\":\"poll_begin\",\"timeout_ms\":-1}\n"
    "{\"t\":200,\"ev\":\"poll_end\",\"ready\":1}\n"
    "{\"t\":200,\"ev\":\"fd_ready\",\"fd\":5,\"events\":\"r\"}\n"
    "{\"t\":200,\"ev\":\"ready\",\"task\":1,\"by\":\"fd\",\"fd\":5}\n"
    "{\"t\":201,\"ev\":\"resume\",\"task\":1}\n"
    "{\"t\":211,\"ev\":\"exit\",\"task\":1,\"status\":\"error\",\"error\":-104,\"errname\":\"ECONNRESET\"}\n"
    "{\"t\":211,\"ev\":\"slow\",\"task\":1,\"us\":150000}\n";

AL_TEST(busy_idle_and_resumes_add_up_on_a_hand_written_trace) {
    al_model m;
    al_model_init(&m);
    AL_REQUIRE_INT(load_text(&m, hand_trace), ==, 0);
    AL_CHECK_STR(m.program, "hand");
    AL_CHECK_STR(m.backend, "poll");
    AL_CHECK_INT(m.pid, ==, 7);
    AL_CHECK_INT(m.events, ==, 19);
    AL_CHECK_INT(m.iterations, ==, 2);
    AL_CHECK_INT(m.gaps, ==, 0);
    const al_lane *w = &m.lanes[1];
    AL_CHECK_STR(w->name, "worker");
    AL_CHECK_INT(w->kind, ==, 1);
    AL_CHECK_INT(w->resumes, ==, 3);
    AL_CHECK_INT(w->busy_us, ==, 20 + 20 + 10);
    AL_CHECK_INT(w->idle_us, ==, 10 + 70 + 5 + 75 + 1);
    AL_CHECK_INT(w->state, ==, AL_LANE_FAILED);
    AL_CHECK_INT(w->error, ==, -104);
    AL_CHECK_INT(w->exited_at, ==, 211);
    AL_CHECK_INT(w->slow_warnings, ==, 1);
    AL_CHECK_INT(w->nspans, ==, 9);
    char words[64];
    AL_CHECK_STR(al_span_describe(&w->spans[2], words, sizeof words), "sleep until 0.000100 s");
    AL_CHECK_STR(al_span_describe(&w->spans[3], words, sizeof words), "ready (timer fired)");
    AL_CHECK_STR(al_span_describe(&w->spans[5], words, sizeof words), "read fd 5");
    AL_CHECK_STR(al_span_describe(&w->spans[6], words, sizeof words), "ready (fd 5 ready)");
    AL_CHECK_STR(al_span_describe(&w->spans[7], words, sizeof words), "running");
    AL_CHECK_STR(al_span_describe(&w->spans[8], words, sizeof words), "failed: ECONNRESET");
    /* the loop: idle while polling, busy while it ran the task */
    const al_lane *loop = &m.lanes[0];
    AL_CHECK_INT(loop->nspans, ==, 2);
    AL_CHECK_INT(loop->spans[0].state, ==, AL_LANE_POLLING);
    AL_CHECK_INT(loop->spans[0].value, ==, 1);
    AL_CHECK_INT(loop->spans[1].value, ==, -1);
    AL_CHECK_INT(loop->idle_us, ==, 60 + 70);
    AL_CHECK_INT(loop->busy_us, ==, 50);
    AL_CHECK_INT(loop->slow_warnings, ==, 1);
    AL_CHECK(al_model_span_at(loop, 120) == NULL);   /* between polls: a gap */
    /* marks: the timer and the output on the task, the fd and the slow step on the loop */
    AL_CHECK_INT(w->nmarks, ==, 3);
    AL_CHECK_INT(w->marks[0].type, ==, AL_EV_TIMER);
    AL_CHECK_INT(w->marks[1].type, ==, AL_EV_OUTPUT);
    AL_CHECK_INT(w->marks[1].value, ==, 0);
    AL_CHECK_INT(loop->nmarks, ==, 2);
    AL_CHECK_INT(loop->marks[0].type, ==, AL_EV_FD_READY);
    AL_CHECK_INT(loop->marks[0].fd, ==, 5);
    AL_CHECK_INT(loop->marks[1].type, ==, AL_EV_SLOW);
    AL_CHECK_INT(loop->marks[1].task, ==, 1);
    AL_CHECK_STR(m.output[0].text, "half way");
    check_invariants(&m);
    al_model_free(&m);
}

AL_TEST(the_log_says_each_event_in_words) {
    al_model m;
    al_model_init(&m);
    AL_REQUIRE_INT(load_text(&m, hand_trace), ==, 0);
    AL_REQUIRE_INT(m.nlog, ==, 19);
    AL_CHECK_STR(m.log[0].text, "+0.000000 s  trace of hand (poll backend, real clock, pid 7)");
    AL_CHECK_STR(m.log[1].text, "+0.000000 s  task 1 \"worker\" spawned (fiber)");
    AL_CHECK_STR(m.log[4].text, "+0.000030 s  task 1 waits — sleep until 0.000100 s");
    AL_CHECK_STR(m.log[5].text, "+0.000040 s  loop polls (timeout 1 ms)");
    AL_CHECK_STR(m.log[7].text, "+0.000100 s  timer fired for task 1 (due 0.000100 s, 0.000000 s late)");
    AL_CHECK_STR(m.log[9].text, "+0.000105 s  task 1 resumed — timer fired");
    AL_CHECK_STR(m.log[10].text, "+0.000110 s  task 1 printed: half way");
    AL_CHECK_STR(m.log[14].text, "+0.000200 s  fd 5 ready to read");
    AL_CHECK_STR(m.log[16].text, "+0.000201 s  task 1 resumed — fd 5 ready");
    AL_CHECK_STR(m.log[17].text, "+0.000211 s  task 1 failed: ECONNRESET (-104)");
    AL_CHECK_STR(m.log[18].text, "+0.000211 s  task 1 held the loop for 0.150000 s — nothing else could run");
    AL_CHECK_INT(m.log[16].task, ==, 1);
    AL_CHECK_INT(m.log[16].type, ==, AL_EV_RESUME);
    al_model_free(&m);

    /* keep_log = 0: the same state, no words */
    al_model_init(&m);
    m.keep_log = 0;
    AL_REQUIRE_INT(load_text(&m, hand_trace), ==, 0);
    AL_CHECK_INT(m.nlog, ==, 0);
    AL_CHECK_INT(m.lanes[1].busy_us, ==, 50);
    al_model_free(&m);
}

AL_TEST(live_spans_stay_open_until_the_end) {
    al_model m;
    al_model_init(&m);
    AL_REQUIRE_INT(apply(&m, event(AL_EV_HELLO, 0, 0)), ==, 0);
    spawn(&m, 5, 1, "t", 0);
    AL_REQUIRE_INT(apply(&m, event(AL_EV_RESUME, 8, 1)), ==, 0);
    const al_lane *lane = al_model_lane(&m, 1);
    AL_REQUIRE(lane != NULL);
    AL_CHECK_INT(m.tasks_alive, ==, 1);
    AL_CHECK_INT(lane->state, ==, AL_LANE_RUNNING);
    AL_CHECK_INT(lane->spans[1].end, ==, AL_MODEL_OPEN);
    AL_CHECK_INT(lane->busy_us, ==, 0);              /* closed spans only */
    AL_CHECK_INT(lane->idle_us, ==, 3);
    AL_CHECK_INT(al_span_end(&m, &lane->spans[1]), ==, 8);
    AL_CHECK(al_model_span_at(lane, 1000) == &lane->spans[1]);
    AL_CHECK(al_model_span_at(lane, 4) == NULL);
    AL_REQUIRE_INT(apply(&m, event(AL_EV_POLL_BEGIN, 20, 0)), ==, 0);   /* time moves on */
    al_model_end(&m);
    AL_CHECK(m.ended);
    lane = al_model_lane(&m, 1);
    AL_CHECK_INT(lane->spans[1].end, ==, 20);
    AL_CHECK_INT(lane->busy_us, ==, 12);
    AL_CHECK_INT(lane->exited_at, ==, AL_MODEL_OPEN);   /* it never exited */
    AL_CHECK_INT(m.lanes[0].spans[0].end, ==, 20);
    AL_CHECK_INT(apply(&m, event(AL_EV_RESUME, 30, 1)), ==, -EPROTO);
    AL_CHECK(strstr(al_model_error(&m), "after the end") != NULL);
    check_invariants(&m);
    al_model_free(&m);
}

AL_TEST(lanes_are_found_by_id_among_thousands) {
    al_model m;
    al_model_init(&m);
    m.keep_log = 0;
    /* ids that are neither dense nor small */
    for (uint64_t i = 1; i <= 5000; i++) spawn(&m, 0, i * 7919 + (i % 3) * 1000003, "x", 0);
    AL_CHECK_INT(m.nlanes, ==, 5001);
    for (uint64_t i = 1; i <= 5000; i++) {
        const al_lane *lane = al_model_lane(&m, i * 7919 + (i % 3) * 1000003);
        AL_REQUIRE(lane != NULL);
        AL_REQUIRE_INT(lane - m.lanes, ==, (long long)i);
    }
    AL_CHECK(al_model_lane(&m, 1) == NULL);
    AL_CHECK(al_model_lane(&m, 0) == &m.lanes[0]);
    al_model_free(&m);
}

AL_TEST(a_second_hello_starts_a_section_where_the_first_ended) {
    al_model m;
    al_model_init(&m);
    AL_REQUIRE_INT(apply(&m, event(AL_EV_HELLO, 0, 0)), ==, 0);
    spawn(&m, 0, 1, "first", 0);
    AL_REQUIRE_INT(apply(&m, event(AL_EV_RESUME, 100, 1)), ==, 0);
    /* a second loop: its clock starts again at 0, its ids again at 1 */
    AL_REQUIRE_INT(apply(&m, event(AL_EV_HELLO, 0, 0)), ==, 0);
    AL_CHECK_INT(m.sections, ==, 2);
    AL_CHECK_INT(m.offset, ==, 100);
    AL_CHECK_INT(m.tasks_alive, ==, 0);
    AL_CHECK_INT(m.lanes[1].spans[1].end, ==, 100);   /* closed when its loop went */
    spawn(&m, 5, 1, "second", 0);
    AL_REQUIRE_INT(m.nlanes, ==, 3);
    AL_CHECK_STR(al_model_lane(&m, 1)->name, "second");
    AL_CHECK_INT(m.lanes[2].section, ==, 1);
    AL_CHECK_INT(m.lanes[2].spawned_at, ==, 105);
    AL_CHECK_INT(m.last_t, ==, 105);
    /* times are checked within the section: 3 < 5 goes backwards */
    AL_CHECK_INT(apply(&m, event(AL_EV_RESUME, 3, 1)), ==, -EPROTO);
    check_invariants(&m);
    al_model_free(&m);
}

AL_TEST(out_of_order_events_are_applied_and_counted_as_gaps) {
    al_model m;
    al_model_init(&m);
    spawn(&m, 0, 1, "t", 0);
    AL_REQUIRE_INT(apply(&m, event(AL_EV_RESUME, 1, 1)), ==, 0);
    AL_CHECK_INT(m.gaps, ==, 0);
    AL_REQUIRE_INT(apply(&m, event(AL_EV_RESUME, 2, 1)), ==, 0);   /* a suspend and a ready lost */
    AL_CHECK_INT(m.gaps, ==, 1);
    AL_CHECK_INT(al_model_lane(&m, 1)->resumes, ==, 2);
    al_trace_event ev = event(AL_EV_READY, 3, 1);
    ev.reason = WAKE_TIMER;
    AL_REQUIRE_INT(al_model_apply(&m, &ev), ==, 0);                /* ready while running */
    AL_CHECK_INT(m.gaps, ==, 2);
    AL_REQUIRE_INT(apply(&m, event(AL_EV_POLL_END, 4, 0)), ==, 0); /* no poll began */
    AL_CHECK_INT(m.gaps, ==, 3);
    ev = event(AL_EV_OUTPUT, 5, 99);                              /* a task never seen */
    ev.text = "hi";
    AL_REQUIRE_INT(al_model_apply(&m, &ev), ==, 0);
    AL_CHECK_INT(m.gaps, ==, 4);
    AL_CHECK_INT(m.lanes[0].nmarks, ==, 1);
    check_invariants(&m);
    al_model_free(&m);
}

AL_TEST(strings_are_made_safe_to_print) {
    al_model m;
    al_model_init(&m);
    /* an escape sequence, a C1 control, a lone continuation byte, a
     * surrogate, an overlong slash, and a good "é" */
    spawn(&m, 0, 1, "a\033[31mb\xc2\x9b" "c\x80" "d\xed\xa0\x80" "e\xc0\xaf" "\xc3\xa9", 0);
    AL_CHECK_STR(m.lanes[1].name, "a?[31mb?c?d???e??\xc3\xa9");
    /* long names are cut at a character boundary */
    char longname[200];
    memset(longname, 0, sizeof longname);
    for (int i = 0; i < 90; i++) strcat(longname, "\xc3\xa9");
    spawn(&m, 0, 2, longname, 0);
    size_t len = strlen(m.lanes[2].name);
    AL_CHECK_INT(len, ==, 62);
    al_trace_event ev = event(AL_EV_OUTPUT, 0, 1);
    ev.text = "bell\a tab\t del\x7f";
    AL_REQUIRE_INT(al_model_apply(&m, &ev), ==, 0);
    AL_CHECK_STR(m.output[0].text, "bell? tab? del?");
    char buf[8];
    AL_CHECK_INT(al_model_sanitize(buf, sizeof buf, "abc\xe2\x82\xac\xe2\x82\xac", 9), ==, 6);
    AL_CHECK_STR(buf, "abc\xe2\x82\xac");
    check_invariants(&m);
    al_model_free(&m);
}

/* ---- errors: refused, named, and nothing changed --------------------------- */

/* Enough of the model's state to see that a refused event changed nothing. */
typedef struct snapshot {
    uint64_t events, gaps;
    size_t nlanes, nlog, noutput, nspans1, alive;
    int64_t last_t, end1;
    uint8_t state1;
} snapshot;

static snapshot snap(const al_model *m) {
    snapshot s;
    memset(&s, 0, sizeof s);   /* padding too: snapshots are compared with memcmp */
    s.events = m->events;
    s.gaps = m->gaps;
    s.nlanes = m->nlanes;
    s.nlog = m->nlog;
    s.noutput = m->noutput;
    s.alive = m->tasks_alive;
    s.last_t = m->last_t;
    if (m->nlanes > 1) {
        s.nspans1 = m->lanes[1].nspans;
        s.end1 = m->lanes[1].spans[m->lanes[1].nspans - 1].end;
        s.state1 = m->lanes[1].state;
    }
    return s;
}

static void refused(al_model *m, al_trace_event ev, const char *words) {
    snapshot before = snap(m);
    uint64_t dropped = m->dropped;
    AL_CHECK_INT(al_model_apply(m, &ev), ==, -EPROTO);
    AL_CHECK_INT(m->dropped, ==, dropped + 1);
    AL_CHECK_MSG(strstr(al_model_error(m), words) != NULL, "error \"%s\" does not say \"%s\"",
                 al_model_error(m), words);
    snapshot after = snap(m);
    AL_CHECK_MSG(memcmp(&before, &after, sizeof before) == 0, "the refused %s event changed the model",
                 al_event_type_name(ev.type));
}

AL_TEST(events_that_cannot_follow_are_refused_and_change_nothing) {
    al_model m;
    al_model_init(&m);
    AL_REQUIRE_INT(apply(&m, event(AL_EV_HELLO, 0, 0)), ==, 0);
    spawn(&m, 10, 1, "t", 0);
    AL_REQUIRE_INT(apply(&m, event(AL_EV_RESUME, 20, 1)), ==, 0);
    refused(&m, event(AL_EV_RESUME, 30, 7), "resume of unknown task 7");
    refused(&m, event(AL_EV_READY, 30, 7), "unknown task 7");
    refused(&m, event(AL_EV_RESUME, 19, 1), "time goes backwards");
    refused(&m, event(AL_EV_OUTPUT, 5, 0), "time goes backwards");
    refused(&m, event(AL_EV_SPAWN, 30, 1), "task 1 spawned twice");
    refused(&m, event(AL_EV_SPAWN, 30, 0), "task 0");
    refused(&m, event(AL_EV_RESUME, 30, 0), "task 0");
    refused(&m, event(AL_EV__COUNT, 30, 1), "unknown event type");
    al_trace_event ev = event(AL_EV_SUSPEND, 30, 1);
    ev.reason = 99;
    refused(&m, ev, "unknown \"reason\"");
    ev = event(AL_EV_SUSPEND, 30, 1);
    ev.reason = WAIT_SLEEP;
    ev.value = INT64_MAX;
    refused(&m, ev, "out of range");
    refused(&m, event(AL_EV_POLL_BEGIN, INT64_MAX, 0), "out of range");
    refused(&m, event(AL_EV_POLL_BEGIN, INT64_MIN, 0), "out of range");
    ev = event(AL_EV_EXIT, 40, 1);
    AL_REQUIRE_INT(al_model_apply(&m, &ev), ==, 0);
    refused(&m, event(AL_EV_RESUME, 50, 1), "task 1 resumed after it exited");
    refused(&m, event(AL_EV_EXIT, 50, 1), "after it exited");
    AL_CHECK_INT(al_model_apply(&m, NULL), ==, -EINVAL);
    check_invariants(&m);
    al_model_free(&m);
}

/* A file's problems, each named with its line, as the commands print them. */
static void file_error(const char *text, const char *expected) {
    al_model m;
    al_model_init(&m);
    AL_CHECK_INT(load_text(&m, text), <, 0);
    AL_CHECK_MSG(strstr(m.error, expected) == m.error, "expected \"%s...\", got \"%s\"", expected, m.error);
    check_invariants(&m);
    al_model_free(&m);
}

#define HELLO "{\"v\":1,\"ev\":\"hello\",\"t\":0}\n"
#define SPAWN1 "{\"t\":1,\"ev\":\"spawn\",\"task\":1,\"name\":\"a\"}\n"

AL_TEST(file_errors_name_the_line) {
    file_error(HELLO SPAWN1 "{\"t\":2,\"ev\":\"resume\",\"task\":1}", "line 3: truncated");
    file_error(HELLO "\x01\x02garbage\n", "line 2: not JSON");
    file_error(HELLO "\n\n[1,2]\n", "line 4: not a JSON object");
    file_error("{\"v\":2,\"ev\":\"hello\",\"t\":0}\n" SPAWN1,
               "line 1: trace format version 2 is newer than this asynclab understands (1)");
    file_error(HELLO SPAWN1 "{\"t\":2,\"ev\":\"resume\",\"task\":9}\n",
               "line 3: resume of unknown task 9");
    file_error(HELLO SPAWN1 "{\"t\":2,\"ev\":\"resume\",\"task\":1}\n{\"t\":1,\"ev\":\"suspend\",\"task\":1,\"reason\":\"yield\"}\n",
               "line 4: time goes backwards: suspend event at t 1 after t 2");
    file_error(HELLO SPAWN1 SPAWN1, "line 3: task 1 spawned twice");
    file_error(SPAWN1, "line 1: expected a \"hello\" event first");
}

AL_TEST(open_names_the_file_like_a_compiler) {
    char path[] = "/tmp/al_model_test_XXXXXX";
    int fd = mkstemp(path);
    AL_REQUIRE(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs(HELLO "nonsense\n", fp);
    fclose(fp);
    al_model m;
    al_model_init(&m);
    AL_CHECK_INT(al_model_open(&m, path), ==, -EPROTO);
    char expected[128];
    snprintf(expected, sizeof expected, "%s:2: not JSON", path);
    AL_CHECK_STR(m.error, expected);
    al_model_free(&m);
    remove(path);

    al_model_init(&m);
    AL_CHECK_INT(al_model_open(&m, "/nonexistent/trace.jsonl"), ==, -ENOENT);
    AL_CHECK_STR(m.error, "/nonexistent/trace.jsonl: No such file or directory");
    al_model_free(&m);
}

AL_TEST(an_empty_trace_is_an_empty_model) {
    al_model m;
    al_model_init(&m);
    AL_CHECK_INT(load_text(&m, ""), ==, 0);
    AL_CHECK(m.ended);
    AL_CHECK_INT(m.events, ==, 0);
    AL_CHECK_INT(m.nlanes, ==, 1);
    check_invariants(&m);
    al_model_free(&m);
}

/* ---- hostile input ---------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rnd(void) {   /* xorshift64*: the same sequence on every run */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

AL_TEST(random_bytes_never_crash_the_reader_and_model) {
    char buf[1024];
    for (int round = 0; round < 3000; round++) {
        size_t len = rnd() % sizeof buf;
        /* mostly JSON-ish bytes, so some lines get past the parser */
        static const char alphabet[] = "{}[]\":,0123456789-tvevhellospawnreadyresumetaskname\n\n\\u";
        for (size_t i = 0; i < len; i++)
            buf[i] = rnd() % 4 ? alphabet[rnd() % (sizeof alphabet - 1)] : (char)rnd();
        if (round % 2) {
            const char *h = HELLO;
            size_t hl = strlen(h);
            if (len > hl) memcpy(buf, h, hl);
        }
        FILE *fp = fmemopen(buf, len ? len : 1, "r");
        AL_REQUIRE(fp != NULL);
        al_model m;
        al_model_init(&m);
        int rc = al_model_read(&m, fp);
        fclose(fp);
        AL_REQUIRE(rc == 0 || rc == -EPROTO);
        if (rc < 0) AL_REQUIRE_MSG(strncmp(m.error, "line ", 5) == 0, "error without a line: %s", m.error);
        check_invariants(&m);
        al_model_free(&m);
    }
}

AL_TEST(random_valid_looking_events_keep_the_model_consistent) {
    for (int round = 0; round < 200; round++) {
        al_model m;
        al_model_init(&m);
        int64_t t = 0;
        char text[40];
        for (int i = 0; i < 500; i++) {
            al_trace_event ev = {.fd = (int32_t)(rnd() % 8) - 1};
            ev.type = (uint16_t)(rnd() % (AL_EV__COUNT + 1));
            int r = (int)(rnd() % 16);
            t += r < 12 ? (int64_t)(rnd() % 1000) : r < 14 ? 0 : -(int64_t)(rnd() % 10);
            ev.t = rnd() % 97 == 0 ? (int64_t)rnd() : t;
            ev.task = rnd() % 8;
            ev.other = rnd() % 8;
            ev.reason = (uint16_t)(rnd() % 9);
            ev.value = rnd() % 5 ? (int64_t)(rnd() % 2000000) - 1000 : (int64_t)rnd();
            for (size_t k = 0; k < sizeof text - 1; k++) text[k] = (char)(rnd() % 255 + 1);
            text[sizeof text - 1] = '\0';
            ev.text = rnd() % 3 ? text : NULL;
            ev.text_len = rnd() % 2 ? rnd() % (sizeof text - 1) : 0;
            ev.text2 = rnd() % 2 ? text : NULL;
            int rc = al_model_apply(&m, &ev);
            AL_REQUIRE(rc == 0 || rc == -EPROTO);
            if (rc == -EPROTO) AL_REQUIRE(m.error[0] != '\0');
        }
        check_invariants(&m);
        if (round % 2) {
            al_model_end(&m);
            check_invariants(&m);
        }
        al_model_free(&m);
    }
}
