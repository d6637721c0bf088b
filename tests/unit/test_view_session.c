/* test_view_session.c — what the viewer reads: programs split at "hello",
 * the pause queue, replay seeking, and a live trace read from a pipe in
 * pieces (view_session.c, view_ingest.c). Bad input must give an error
 * naming the line, and never stop the reading. */
#include "test_view_sources.h"

#include "al_test.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef AL_FIXTURES_DIR
#define AL_FIXTURES_DIR "tests/fixtures"
#endif

static al_trace_event ev(int type, int64_t t, uint64_t task) {
    al_trace_event e = {.t = t, .type = (uint16_t)type, .fd = -1, .task = task};
    return e;
}

static void feed_program(al_session *s, const char *name, int tasks) {
    al_trace_event h = ev(AL_EV_HELLO, 0, 0);
    h.text = name;
    h.text_len = strlen(name);
    AL_CHECK(al_session_feed(s, &h, 1000) == 0);
    for (int i = 1; i <= tasks; i++) {
        al_trace_event sp = ev(AL_EV_SPAWN, i, (uint64_t)i);
        sp.text = "t";
        sp.text_len = 1;
        AL_CHECK(al_session_feed(s, &sp, 1000 + i) == 0);
    }
}

/* A new file from a mkstemp template (path is filled in), open to write. */
static FILE *temp_file(char *path) {
    int fd = mkstemp(path);
    AL_REQUIRE(fd >= 0);
    return fdopen(fd, "w");
}

/* A live session of one program ("p", one task), held (paused). */
static void held_session(al_session *s) {
    al_session_init(s);
    feed_program(s, "p", 1);
    s->hold = 1;
}

static FILE *fixture(const char *name) {
    char path[512];
    snprintf(path, sizeof path, "%s/frames/%s", AL_FIXTURES_DIR, name);
    FILE *f = fopen(path, "r");
    AL_REQUIRE_MSG(f != NULL, "cannot open %s", path);
    return f;
}


/* A replay of the recorded lesson 5 (40 events), with a history limit of
 * max_applied events (0: the default). */
static void load_lesson5(al_session *s, uint64_t max_applied) {
    al_session_init(s);
    if (max_applied) s->max_applied = max_applied;
    FILE *f = fixture("lesson05-virtual.jsonl");
    AL_REQUIRE(al_session_load(s, f) == 0);
    fclose(f);
}

AL_TEST(session_splits_programs_at_hello) {
    al_session s;
    al_session_init(&s);
    feed_program(&s, "first", 2);
    feed_program(&s, "second", 3);   /* task ids start again at 1: another program */
    AL_REQUIRE_INT(s.nsec, ==, 2);
    AL_CHECK_STR(s.sec[0].model.program, "first");
    AL_CHECK_INT(s.sec[0].model.nlanes, ==, 3);      /* the loop + 2 tasks */
    AL_CHECK(s.sec[0].model.ended);                  /* the next hello ended it */
    AL_CHECK_STR(s.sec[1].model.program, "second");
    AL_CHECK_INT(s.sec[1].model.nlanes, ==, 4);
    AL_CHECK(!s.sec[1].model.ended);
    AL_CHECK_INT(s.refused, ==, 0);
    al_session_end(&s);
    AL_CHECK(s.sec[1].model.ended);
    al_session_free(&s);
}

AL_TEST(session_pause_queues_then_releases) {
    al_session s;
    held_session(&s);
    al_trace_event r = ev(AL_EV_RESUME, 10, 1);
    al_trace_event out = ev(AL_EV_OUTPUT, 11, 1);
    out.text = "a line the queue must copy";
    out.text_len = strlen(out.text);
    al_trace_event sus = ev(AL_EV_SUSPEND, 12, 1);
    sus.reason = AL_WAIT_SLEEP;
    sus.value = 100;
    al_session_feed(&s, &r, 0);
    al_session_feed(&s, &out, 0);
    al_session_feed(&s, &sus, 0);
    al_model *m = &s.sec[0].model;
    AL_CHECK_INT(s.qlen, ==, 3);
    AL_CHECK_INT(m->events, ==, 2);                  /* the picture has not moved */
    AL_CHECK_INT(al_session_release(&s, 1), ==, 1);  /* `n`: one more */
    AL_CHECK_INT(m->lanes[1].state, ==, AL_LANE_RUNNING);
    s.hold = 0;
    AL_CHECK_INT(al_session_release(&s, 100), ==, 2);
    AL_CHECK_INT(m->lanes[1].state, ==, AL_LANE_WAITING);
    AL_CHECK_STR(m->output[0].text, "a line the queue must copy");
    al_session_free(&s);
}

AL_TEST(session_pause_queue_is_bounded) {
    al_session s;
    held_session(&s);
    s.qmax = 3;
    for (int i = 0; i < 5; i++) {
        al_trace_event t = ev(AL_EV_TIMER, 10 + i, 0);
        al_session_feed(&s, &t, 0);
    }
    AL_CHECK_INT(s.qlen, ==, 3);
    AL_CHECK_INT(s.dropped, ==, 2);
    al_session_free(&s);
}

AL_TEST(session_history_is_bounded_live) {
    al_session s;
    al_session_init(&s);
    AL_CHECK_MSG(s.max_applied > 0, "a live session has a history limit by default");
    s.max_applied = 4;
    feed_program(&s, "p", 2);                        /* hello + 2 spawns: 3 events */
    for (int i = 0; i < 5; i++) {
        al_trace_event t = ev(AL_EV_TIMER, 10 + i, 0);
        int rc = al_session_feed(&s, &t, 0);
        AL_CHECK_MSG(rc == (i == 0 ? 0 : -ENOBUFS), "timer %d: expected %d, got %d", i,
                     i == 0 ? 0 : -ENOBUFS, rc);
    }
    al_model *m = &s.sec[0].model;
    AL_CHECK_INT(s.applied, ==, 4);
    AL_CHECK_INT(m->events, ==, 4);                  /* the model stopped at the limit */
    AL_CHECK_INT(s.over_limit, ==, 4);
    AL_CHECK_INT(s.dropped, ==, 4);
    AL_CHECK_INT(s.received, ==, 8);
    al_trace_event h = ev(AL_EV_HELLO, 0, 0);        /* not even a new program gets in */
    AL_CHECK_INT(al_session_feed(&s, &h, 0), ==, -ENOBUFS);
    AL_CHECK_INT(s.nsec, ==, 1);
    al_session_free(&s);

    al_session u;                                    /* 0: no limit */
    al_session_init(&u);
    u.max_applied = 0;
    feed_program(&u, "p", 2);
    for (int i = 0; i < 5; i++) {
        al_trace_event t = ev(AL_EV_TIMER, 10 + i, 0);
        AL_CHECK_INT(al_session_feed(&u, &t, 0), ==, 0);
    }
    AL_CHECK_INT(u.applied, ==, 8);
    AL_CHECK_INT(u.over_limit, ==, 0);
    al_session_free(&u);
}

AL_TEST(replay_seeks_both_ways) {
    al_session s;
    load_lesson5(&s, 0);
    AL_CHECK_INT(s.nev, ==, 40);
    AL_CHECK_INT(s.nsec, ==, 1);
    al_session_seek(&s, 40);
    al_model *m = &al_session_current(&s)->model;
    AL_CHECK(m->ended);
    AL_CHECK_INT(m->tasks_alive, ==, 0);
    /* Back to event 15 (Coroutine 1 suspended on its sleep): a rebuilt
     * model, as if it had been read only that far. */
    al_session_seek(&s, 15);
    m = &al_session_current(&s)->model;
    AL_CHECK(!m->ended);
    AL_CHECK_INT(m->events, ==, 15);
    AL_CHECK_INT(m->tasks_alive, ==, 4);
    AL_CHECK_INT(m->lanes[2].state, ==, AL_LANE_WAITING);   /* Coroutine 1 sleeps */
    AL_CHECK_INT(m->lanes[3].state, ==, AL_LANE_READY);     /* Coroutine 2 has not run yet */
    al_session_seek(&s, 16);
    AL_CHECK_INT(al_session_current(&s)->model.lanes[3].state, ==, AL_LANE_RUNNING);
    al_session_seek(&s, 0);
    AL_CHECK_INT(al_session_current(&s)->model.events, ==, 0);
    al_session_free(&s);
}

AL_TEST(replay_loads_at_most_the_history_limit) {
    al_session s;
    load_lesson5(&s, 7);                             /* 40 events */
    AL_CHECK_INT(s.nev, ==, 7);
    AL_CHECK(s.truncated);
    al_session_seek(&s, 40);                         /* as far as there is */
    AL_CHECK_INT(al_session_current(&s)->model.events, ==, 7);
    al_session_free(&s);

    load_lesson5(&s, 0);                             /* the default keeps a lesson whole */
    AL_CHECK_INT(s.nev, ==, 40);
    AL_CHECK(!s.truncated);
    al_session_free(&s);

    load_lesson5(&s, 40);                            /* exactly the limit: nothing cut */
    AL_CHECK_INT(s.nev, ==, 40);
    AL_CHECK_MSG(!s.truncated, "a file of exactly max_applied events is whole");
    al_session_free(&s);
}

AL_TEST(replay_two_programs_in_one_file) {
    char path[] = "/tmp/al_view_two_XXXXXX";
    FILE *out = temp_file(path);
    const char *names[] = {"lesson05-virtual.jsonl", "lesson05-blocking.jsonl"};
    for (int i = 0; i < 2; i++) {
        FILE *in = fixture(names[i]);
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, out);
        fclose(in);
    }
    fclose(out);
    al_session s;
    al_session_init(&s);
    FILE *f = fopen(path, "r");
    AL_REQUIRE(al_session_load(&s, f) == 0);
    fclose(f);
    unlink(path);
    AL_REQUIRE_INT(s.nsec, ==, 2);
    AL_CHECK_INT(s.sec[0].first, ==, 0);
    AL_CHECK_INT(s.sec[0].end, ==, 40);
    AL_CHECK_INT(s.sec[1].first, ==, 40);
    AL_CHECK_INT(al_session_section_of(&s, 39), ==, 0);
    AL_CHECK_INT(al_session_section_of(&s, 40), ==, 1);
    AL_CHECK_INT(al_session_seek(&s, s.nev), ==, 1);
    al_model *m = &al_session_current(&s)->model;
    AL_CHECK_INT(m->lanes[0].slow_warnings, ==, 3);   /* the blocking program, alone */
    AL_CHECK_INT(m->nlanes, ==, 5);
    AL_CHECK_INT(al_session_seek(&s, 40), ==, 0);     /* the end of the first one */
    AL_CHECK(al_session_current(&s)->model.ended);
    al_session_free(&s);
}

/* Load text as a trace: the error message, or "" when it loads. */
static const char *load_error(const char *text) {
    static char msg[256];
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    al_session s;
    al_session_init(&s);
    int rc = al_session_load(&s, f);
    fclose(f);
    snprintf(msg, sizeof msg, "%s", rc < 0 ? s.error : "");
    al_session_free(&s);
    return msg;
}

#define HELLO "{\"v\":1,\"ev\":\"hello\",\"t\":0}\n"

AL_TEST(replay_bad_files_name_the_line) {
    AL_CHECK_STR(load_error(HELLO "{\"t\":1,\"ev\":\"spawn\",\"task\":1,\"name\":\"a\"}\n"), "");
    AL_CHECK_STR(load_error(HELLO "{\"t\":1,\"ev\":\"spawn\",\"task\":1,\"name\":\"a\"}"),
                 "line 2: truncated (no newline at end of stream)");
    AL_CHECK_STR(load_error(HELLO "\n{\"t\":1,\"ev\":\"spawn\",\"task\":1,\"name\":\"a\"}\nnot json at all\n"),
                 "line 4: not JSON");
    AL_CHECK_STR(load_error("{\"v\":2,\"ev\":\"hello\",\"t\":0}\n"),
                 "line 1: trace format version 2 is newer than this asynclab understands (1)");
    AL_CHECK_STR(load_error("\x7f" "ELF\x02\x01\x01\n"), "line 1: not JSON");
}

/* ---- a live trace through a pipe ------------------------------------------------ */

typedef struct pipe_trace {
    int w;
    al_ingest in;
    al_session s;
} pipe_trace;

static void open_pipe(pipe_trace *p, FILE *record) {
    int fds[2];
    AL_REQUIRE(pipe(fds) == 0);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    p->w = fds[1];
    al_session_init(&p->s);
    AL_REQUIRE(al_ingest_open(&p->in, fds[0], record) == 0);
}

static void put(pipe_trace *p, const char *text) {
    AL_REQUIRE(write(p->w, text, strlen(text)) == (ssize_t)strlen(text));
}

static int pump(pipe_trace *p) { return al_ingest_pump(&p->in, &p->s, 1 << 20, 100000, 0); }

static void close_pipe(pipe_trace *p) {
    if (p->w >= 0) close(p->w);
    al_ingest_close(&p->in);
    al_session_free(&p->s);
}

AL_TEST(ingest_takes_lines_as_they_complete) {
    pipe_trace p;
    open_pipe(&p, NULL);
    AL_CHECK_INT(pump(&p), ==, 0);                    /* nothing yet, and no blocking */
    put(&p, "{\"v\":1,\"ev\":\"hel");
    AL_CHECK_INT(pump(&p), ==, 0);                    /* half a line: wait for the rest */
    put(&p, "lo\",\"t\":0,\"program\":\"piecewise\"}\n{\"t\":5,\"ev\":\"spawn\",\"task\":1,");
    AL_CHECK_INT(pump(&p), ==, 1);
    AL_CHECK_STR(p.s.sec[0].model.program, "piecewise");
    put(&p, "\"name\":\"worker\"}\n");
    AL_CHECK_INT(pump(&p), ==, 1);
    AL_CHECK_STR(p.s.sec[0].model.lanes[1].name, "worker");
    AL_CHECK(!p.s.ended);
    close(p.w);
    p.w = -1;
    AL_CHECK_INT(pump(&p), ==, 0);
    AL_CHECK(p.s.ended);                              /* the pipe's end is the stream's */
    AL_CHECK(p.in.fd < 0);
    AL_CHECK_INT(p.s.bad_lines, ==, 0);
    close_pipe(&p);
}

AL_TEST(ingest_records_the_exact_bytes) {
    char path[] = "/tmp/al_view_record_XXXXXX";
    FILE *rec = temp_file(path);
    pipe_trace p;
    open_pipe(&p, rec);
    const char *text = HELLO "\n{\"t\":1,\"ev\":\"spawn\",\"task\":1,\"name\":\"\xC3\xA9\"}\ngarbage\n";
    put(&p, text);
    close(p.w);
    p.w = -1;
    pump(&p);
    close_pipe(&p);
    fclose(rec);
    FILE *f = fopen(path, "r");
    char back[512] = "";
    size_t n = fread(back, 1, sizeof back - 1, f);
    back[n] = '\0';
    fclose(f);
    unlink(path);
    AL_CHECK_STR(back, text);                          /* garbage included: a record is a record */
}

AL_TEST(ingest_reports_bad_lines_and_goes_on) {
    pipe_trace p;
    open_pipe(&p, NULL);
    put(&p, HELLO "{\"t\":1,\"ev\":\"spawn\",\"task\":1,\"name\":\"a\"}\nnot json\n"
               "{\"t\":2,\"ev\":\"frobnicate\"}\n{\"t\":3,\"ev\":\"resume\",\"task\":1}\n");
    AL_CHECK_INT(pump(&p), ==, 3);
    AL_CHECK_INT(p.s.bad_lines, ==, 2);
    AL_CHECK_STR(p.s.error, "line 3: not JSON");       /* the first problem is the one kept */
    AL_CHECK_INT(p.s.sec[0].model.lanes[1].state, ==, AL_LANE_RUNNING);
    close_pipe(&p);
}

AL_TEST(ingest_cut_off_stream_is_truncated) {
    pipe_trace p;
    open_pipe(&p, NULL);
    put(&p, HELLO "{\"t\":1,\"ev\":\"spawn\",\"task\":1,\"na");
    close(p.w);
    p.w = -1;
    pump(&p);
    AL_CHECK_STR(p.s.error, "line 2: truncated (no newline at end of stream)");
    AL_CHECK(p.s.ended);
    close_pipe(&p);
}

AL_TEST(ingest_newer_version_stops_but_drains) {
    pipe_trace p;
    open_pipe(&p, NULL);
    put(&p, "{\"v\":3,\"ev\":\"hello\",\"t\":0}\n{\"t\":1,\"ev\":\"whatever\"}\n");
    AL_CHECK_INT(pump(&p), ==, 0);
    AL_CHECK_STR(p.s.error, "line 1: trace format version 3 is newer than this asynclab understands (1)");
    AL_CHECK(p.in.fatal);
    put(&p, "{\"t\":2,\"ev\":\"more\"}\n");
    AL_CHECK_INT(pump(&p), ==, 0);                    /* read (the pipe never fills), not parsed */
    AL_CHECK_INT(p.in.start, ==, p.in.complete);
    AL_CHECK_INT(p.s.nsec, ==, 0);
    close_pipe(&p);
}

AL_TEST(ingest_is_bounded_per_call) {
    pipe_trace p;
    open_pipe(&p, NULL);
    put(&p, HELLO);
    for (int i = 1; i <= 10; i++) {
        char line[96];
        snprintf(line, sizeof line, "{\"t\":%d,\"ev\":\"timer\",\"deadline\":%d}\n", i, i);
        put(&p, line);
    }
    AL_CHECK_INT(al_ingest_pump(&p.in, &p.s, 1 << 20, 4, 0), ==, 4);
    AL_CHECK(p.in.more);                              /* "call me again" */
    AL_CHECK_INT(al_ingest_pump(&p.in, &p.s, 1 << 20, 4, 0), ==, 4);
    AL_CHECK_INT(al_ingest_pump(&p.in, &p.s, 1 << 20, 4, 0), ==, 3);
    AL_CHECK(!p.in.more);
    AL_CHECK_INT(p.s.sec[0].model.events, ==, 11);
    close_pipe(&p);
}
