/* test_trace.c — the trace module: JSON form, sinks, ring, reader.
 *
 * The format is a contract with the viewer and with files people keep, so
 * lines are checked byte for byte, every event type and reason is written
 * and read back, and the reader is fed broken and hostile input. */
#include "al_test.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asynclab/error.h"
#include "asynclab/loop.h"
#include "asynclab/task.h"
#include "asynclab/trace.h"

/* ---- helpers -------------------------------------------------------------- */

static al_trace_event event(int type, int64_t t) {
    al_trace_event ev = {.t = t, .type = (uint16_t)type, .fd = -1};
    return ev;
}

static al_trace_event with_text(al_trace_event ev, const char *text) {
    ev.text = text;
    ev.text_len = strlen(text);
    return ev;
}

static char *temp_path(void) {
    static char path[64];
    strcpy(path, "/tmp/al_trace_test_XXXXXX");
    int fd = mkstemp(path);
    if (fd >= 0) close(fd);
    return path;
}

/* The whole file, NUL-terminated; *len its size. */
static char *slurp(const char *path, size_t *len) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, fp)) > 0) {
        n += got;
        if (cap - n - 1 == 0) buf = realloc(buf, cap *= 2);
    }
    fclose(fp);
    if (buf) buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

/* A file sink on a fresh temporary file; *path names it (unlink it). */
static al_trace *open_temp_file(const char **path) {
    *path = temp_path();
    al_trace *tr = NULL;
    AL_CHECK_OK(al_trace_open_file(&tr, *path));
    return tr;
}

/* The file holds exactly `want`. */
static void check_file(const char *path, const char *want) {
    char *data = slurp(path, NULL);
    AL_CHECK_STR(data, want);
    free(data);
}

/* Everything readable now from a non-blocking fd, appended to *buf. */
static void drain_fd(int fd, char **buf, size_t *len) {
    char chunk[65536];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0) {
        *buf = realloc(*buf, *len + (size_t)n + 1);
        memcpy(*buf + *len, chunk, (size_t)n);
        *len += (size_t)n;
        (*buf)[*len] = '\0';
    }
}

static size_t count_char(const char *s, size_t n, char c) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += s[i] == c;
    return k;
}

struct reading {
    FILE *fp;
    al_trace_reader *r;
};

static struct reading read_from(const char *data, size_t len) {
    struct reading rd = {fmemopen((void *)data, len, "r"), NULL};
    AL_REQUIRE(rd.fp != NULL);
    AL_CHECK_OK(al_trace_reader_open(&rd.r, rd.fp));
    return rd;
}

static void reading_done(struct reading *rd) {
    al_trace_reader_close(rd->r);
    fclose(rd->fp);
}

/* Read `data` up to its first error; returns that error's message, or ""
 * when the stream was fine. *events counts the events read. */
static char first_error[512];
static const char *error_of(const char *data, size_t *events) {
    struct reading rd = read_from(data, strlen(data));
    al_trace_event ev;
    int rc;
    size_t n = 0;
    while ((rc = al_trace_reader_next(rd.r, &ev)) == 1) n++;
    snprintf(first_error, sizeof first_error, "%s", rc < 0 ? al_trace_reader_error(rd.r) : "");
    if (rc < 0) AL_CHECK_INT(rc, ==, -EPROTO);
    reading_done(&rd);
    if (events) *events = n;
    return first_error;
}

static const char *format_line(const al_trace_event *ev) {
    static char line[4096];
    int n = al_trace_format(ev, line, sizeof line);
    AL_REQUIRE_MSG(n > 0, "al_trace_format failed: %d", n);
    return line;
}

static int same_text(const char *a, const char *b) {
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

static void check_same_event(const al_trace_event *want, const al_trace_event *got) {
    const char *name = al_event_type_name(want->type);
    AL_CHECK_MSG(got->type == want->type, "%s: type %d", name, got->type);
    AL_CHECK_MSG(got->t == want->t, "%s: t %lld", name, (long long)got->t);
    AL_CHECK_MSG(got->reason == want->reason, "%s: reason %d, wanted %d", name, got->reason,
                 want->reason);
    AL_CHECK_MSG(got->fd == want->fd, "%s: fd %d, wanted %d", name, got->fd, want->fd);
    AL_CHECK_MSG(got->task == want->task, "%s: task", name);
    AL_CHECK_MSG(got->other == want->other, "%s: other %llu, wanted %llu", name,
                 (unsigned long long)got->other, (unsigned long long)want->other);
    AL_CHECK_MSG(got->value == want->value, "%s: value %lld, wanted %lld", name,
                 (long long)got->value, (long long)want->value);
    AL_CHECK_MSG(same_text(got->text, want->text), "%s: text \"%s\", wanted \"%s\"", name,
                 got->text ? got->text : "(null)", want->text ? want->text : "(null)");
    if (want->text) AL_CHECK_INT(got->text_len, ==, strlen(want->text));
    AL_CHECK_MSG(same_text(got->text2, want->text2), "%s: text2", name);
}

/* event() with the fields most types use (0 where a type has none). */
static al_trace_event task_event(int type, int64_t t, uint64_t task, int reason, int64_t value) {
    al_trace_event ev = event(type, t);
    ev.task = task;
    ev.reason = (uint16_t)reason;
    ev.value = value;
    return ev;
}

/* Every event type, with every reason each type has, fields as the loop
 * fills them (fd -1 and 0 where a type does not use them). */
static size_t all_events(al_trace_event *out) {
    size_t n = 0;
    int64_t t = 0;
    al_trace_event ev;

    ev = with_text(event(AL_EV_HELLO, t++), "lesson05");
    ev.reason = AL_CLOCK_VIRTUAL;
    ev.other = 1234;
    ev.text2 = "epoll";
    out[n++] = ev;
    ev = with_text(event(AL_EV_HELLO, t++), "again");
    ev.reason = AL_CLOCK_REAL;
    ev.text2 = "uv";
    out[n++] = ev;
    for (int k = AL_TASK_STACKLESS; k <= AL_TASK_FIBER; k++) {
        ev = with_text(event(AL_EV_SPAWN, t++), k ? "worker" : "main");
        ev.task = (uint64_t)k + 1;
        ev.reason = (uint16_t)k;
        ev.other = (uint64_t)k;
        out[n++] = ev;
    }
    for (int c = AL_WAKE_SPAWN; c <= AL_WAKE_YIELD; c++) {
        ev = task_event(AL_EV_READY, t++, 2, c, 0);
        if (c == AL_WAKE_TASK) ev.other = 3;
        if (c == AL_WAKE_FD) ev.fd = 5;
        out[n++] = ev;
    }
    out[n++] = task_event(AL_EV_RESUME, t++, 2, 0, 0);
    for (int w = AL_WAIT_NONE; w <= AL_WAIT_FUTURE; w++) {
        ev = task_event(AL_EV_SUSPEND, t++, 2, w, w == AL_WAIT_SLEEP ? 1000000 : 0);
        if (w == AL_WAIT_READ || w == AL_WAIT_WRITE) ev.fd = 7 + w;
        if (w == AL_WAIT_JOIN) ev.other = 9;
        out[n++] = ev;
    }
    static const int64_t errors[] = {0, -ECONNRESET, -ECANCELED};
    for (int s = AL_EXIT_OK; s <= AL_EXIT_CANCELLED; s++)
        out[n++] = task_event(AL_EV_EXIT, t++, 2, s, errors[s]);
    out[n++] = task_event(AL_EV_EXIT, t++, 4, AL_EXIT_ERROR, -999);  /* an error without a name */
    out[n++] = task_event(AL_EV_POLL_BEGIN, t++, 0, 0, -1);
    out[n++] = task_event(AL_EV_POLL_BEGIN, t++, 0, 0, 1000);
    out[n++] = task_event(AL_EV_POLL_END, t++, 0, 0, 1);
    out[n++] = task_event(AL_EV_TIMER, t++, 2, 0, 1000000);
    out[n++] = task_event(AL_EV_TIMER, t++, 0, 0, 2000000);  /* a callback timer */
    for (int m = 1; m <= 3; m++) {
        ev = task_event(AL_EV_FD_READY, t++, 0, 0, m);
        ev.fd = 5;
        out[n++] = ev;
    }
    ev = with_text(event(AL_EV_OUTPUT, t++), "Coroutine 1 started at 2024-01-01 \"12:00\"");
    ev.task = 2;
    out[n++] = ev;
    ev = with_text(event(AL_EV_OUTPUT, t++), "");  /* an empty line, outside tasks */
    out[n++] = ev;
    out[n++] = task_event(AL_EV_SLOW, INT64_C(9007199254740992), 3, 0, 1000123);  /* t at the 2^53 limit */
    return n;
}

/* ---- the JSON form -------------------------------------------------------- */

/* One event a row, with the line it must become. Text is given with its
 * length (format_text_len_zero_means_nul_terminated covers length 0). */
#define EV(type_, t_, ...) EV_FD(type_, t_, -1, __VA_ARGS__)   /* fd -1: no fd, as the loop fills it */
#define EV_FD(type_, t_, fd_, ...) {.type = (type_), .t = (t_), .fd = (fd_), __VA_ARGS__}
static const struct {
    al_trace_event ev;
    const char *want;
} documented[] = {
    {EV(AL_EV_HELLO, 0, .text = "lesson05", .reason = AL_CLOCK_VIRTUAL, .other = 1234, .text2 = "epoll"),
     "{\"v\":1,\"ev\":\"hello\",\"t\":0,\"program\":\"lesson05\",\"clock\":\"virtual\","
     "\"backend\":\"epoll\",\"pid\":1234}\n"},
    {EV(AL_EV_SPAWN, 0, .text = "main", .task = 1),
     "{\"t\":0,\"ev\":\"spawn\",\"task\":1,\"name\":\"main\",\"kind\":\"stackless\",\"parent\":0}\n"},
    {EV(AL_EV_SUSPEND, 15, .task = 2, .reason = AL_WAIT_SLEEP, .value = 1000000),
     "{\"t\":15,\"ev\":\"suspend\",\"task\":2,\"reason\":\"sleep\",\"until\":1000000}\n"},
    {EV_FD(AL_EV_SUSPEND, 15, 5, .task = 2, .reason = AL_WAIT_READ, .value = 1000000),
     "{\"t\":15,\"ev\":\"suspend\",\"task\":2,\"reason\":\"read\",\"fd\":5}\n"},
    {EV_FD(AL_EV_SUSPEND, 15, 5, .task = 2, .reason = AL_WAIT_JOIN, .value = 1000000, .other = 3),
     "{\"t\":15,\"ev\":\"suspend\",\"task\":2,\"reason\":\"join\",\"joined\":3}\n"},
    {EV(AL_EV_TIMER, 1000000, .task = 2, .value = 1000000),
     "{\"t\":1000000,\"ev\":\"timer\",\"task\":2,\"deadline\":1000000}\n"},
    {EV(AL_EV_READY, 1000000, .task = 2, .reason = AL_WAKE_TIMER),
     "{\"t\":1000000,\"ev\":\"ready\",\"task\":2,\"by\":\"timer\"}\n"},
    {EV(AL_EV_READY, 1000000, .task = 2, .reason = AL_WAKE_TASK, .other = 3),
     "{\"t\":1000000,\"ev\":\"ready\",\"task\":2,\"by\":\"task\",\"waker\":3}\n"},
    {EV_FD(AL_EV_READY, 1000000, 5, .task = 2, .reason = AL_WAKE_FD, .other = 3),
     "{\"t\":1000000,\"ev\":\"ready\",\"task\":2,\"by\":\"fd\",\"fd\":5}\n"},
    {EV(AL_EV_RESUME, 1000001, .task = 2), "{\"t\":1000001,\"ev\":\"resume\",\"task\":2}\n"},
    {EV(AL_EV_EXIT, 1000002, .task = 2), "{\"t\":1000002,\"ev\":\"exit\",\"task\":2,\"status\":\"ok\"}\n"},
    {EV(AL_EV_EXIT, 1000002, .task = 2, .reason = AL_EXIT_ERROR, .value = -ECONNRESET),
     "{\"t\":1000002,\"ev\":\"exit\",\"task\":2,\"status\":\"error\",\"error\":-104,\"errname\":\"ECONNRESET\"}\n"},
    {EV(AL_EV_EXIT, 1000002, .task = 2, .reason = AL_EXIT_CANCELLED, .value = -ECANCELED),
     "{\"t\":1000002,\"ev\":\"exit\",\"task\":2,\"status\":\"cancelled\",\"error\":-125,\"errname\":\"ECANCELED\"}\n"},
    {EV(AL_EV_POLL_BEGIN, 7, .value = -1), "{\"t\":7,\"ev\":\"poll_begin\",\"timeout_ms\":-1}\n"},
    {EV(AL_EV_POLL_END, 8, .value = 1), "{\"t\":8,\"ev\":\"poll_end\",\"ready\":1}\n"},
    {EV_FD(AL_EV_FD_READY, 9, 5, .value = 3), "{\"t\":9,\"ev\":\"fd_ready\",\"fd\":5,\"events\":\"rw\"}\n"},
    {EV(AL_EV_OUTPUT, 10, .text = "Coroutine 1 started", .task = 2),
     "{\"t\":10,\"ev\":\"output\",\"task\":2,\"text\":\"Coroutine 1 started\"}\n"},
    {EV(AL_EV_SLOW, 11, .task = 3, .value = 1000123), "{\"t\":11,\"ev\":\"slow\",\"task\":3,\"us\":1000123}\n"},
};
#undef EV
#undef EV_FD

AL_TEST(format_writes_the_documented_lines) {
    for (size_t i = 0; i < sizeof documented / sizeof documented[0]; i++) {
        al_trace_event ev = documented[i].ev;
        if (ev.text) ev.text_len = strlen(ev.text);
        AL_CHECK_STR(format_line(&ev), documented[i].want);
    }
}

AL_TEST(format_extreme_integers) {
    al_trace_event ev = event(AL_EV_SLOW, INT64_MIN);
    ev.task = UINT64_MAX;
    ev.value = INT64_MAX;
    AL_CHECK_STR(format_line(&ev), "{\"t\":-9223372036854775808,\"ev\":\"slow\",\"task\":"
                                   "18446744073709551615,\"us\":9223372036854775807}\n");
    ev = event(AL_EV_POLL_END, 100);
    ev.value = 99;
    AL_CHECK_STR(format_line(&ev), "{\"t\":100,\"ev\":\"poll_end\",\"ready\":99}\n");
}

AL_TEST(format_text_len_zero_means_nul_terminated) {
    al_trace_event ev = event(AL_EV_OUTPUT, 1);
    ev.text = "no length given";
    AL_CHECK_STR(format_line(&ev), "{\"t\":1,\"ev\":\"output\",\"task\":0,\"text\":\"no length given\"}\n");
    ev.text = "cut here|not this";
    ev.text_len = 8;
    AL_CHECK_STR(format_line(&ev), "{\"t\":1,\"ev\":\"output\",\"task\":0,\"text\":\"cut here\"}\n");
}

AL_TEST(format_escapes_text) {
    static const char text[] =
        "say \"hi\" \\ back\nslash\ttab\r\b\f\x01\x1f\x7f"  /* escapes */
        " \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"              /* é € 😀: kept */
        " \xff"                                              /* never valid */
        " \xc0\xaf"                                          /* overlong '/' */
        " \xed\xa0\x80"                                      /* a surrogate */
        " \xf4\x90\x80\x80"                                  /* above U+10FFFF */
        " \xe2\x82";                                         /* cut short */
    al_trace_event ev = with_text(event(AL_EV_OUTPUT, 1), text);
    ev.text_len = sizeof text - 1;
    const char *line = format_line(&ev);
    AL_CHECK_STR(line,
                 "{\"t\":1,\"ev\":\"output\",\"task\":0,\"text\":\"say \\\"hi\\\" \\\\ back\\nslash\\ttab"
                 "\\r\\b\\f\\u0001\\u001f\\u007f \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \\ufffd"
                 " \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd \\ufffd\\ufffd\\ufffd\\ufffd \\ufffd\\ufffd\"}\n");

    cJSON *obj = cJSON_Parse(line);
    AL_REQUIRE(obj != NULL);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(obj, "text");
    AL_REQUIRE(cJSON_IsString(t));
    AL_CHECK_STR(t->valuestring, "say \"hi\" \\ back\nslash\ttab\r\b\f\x01\x1f\x7f"
                                 " \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \xef\xbf\xbd"
                                 " \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                                 " \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                                 " \xef\xbf\xbd\xef\xbf\xbd");
    cJSON_Delete(obj);

    /* A NUL inside the text (text_len says so) is escaped too. */
    ev.text = "a\0b";
    ev.text_len = 3;
    AL_CHECK_STR(format_line(&ev), "{\"t\":1,\"ev\":\"output\",\"task\":0,\"text\":\"a\\u0000b\"}\n");
}

/* Deterministic, so a failure can be replayed. */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

AL_TEST(format_random_bytes_are_always_valid_json) {
    char text[300], line[512 + 6 * sizeof text];
    for (int i = 0; i < 3000; i++) {
        size_t n = rng() % sizeof text;
        for (size_t k = 0; k < n; k++) text[k] = (char)(rng() & 0xff);
        al_trace_event ev = event(AL_EV_OUTPUT, i);
        ev.text = text;
        ev.text_len = n;
        if (n == 0) ev.text = "";
        int len = al_trace_format(&ev, line, sizeof line);
        AL_REQUIRE_INT(len, >, 0);
        AL_REQUIRE_INT(line[len - 1], ==, '\n');
        AL_REQUIRE_INT(strlen(line), ==, len);
        cJSON *obj = cJSON_ParseWithLength(line, (size_t)len);
        AL_REQUIRE_MSG(obj != NULL, "iteration %d: not JSON: %s", i, line);
        cJSON_Delete(obj);
    }
}

AL_TEST(format_reports_a_small_buffer) {
    al_trace_event ev = event(AL_EV_RESUME, 1);
    ev.task = 2;
    const char *want = "{\"t\":1,\"ev\":\"resume\",\"task\":2}\n";
    size_t len = strlen(want);
    char buf[64];
    AL_CHECK_INT(al_trace_format(&ev, buf, len), ==, -ENOSPC);  /* no room for the NUL */
    memset(buf, 'x', sizeof buf);
    AL_CHECK_INT(al_trace_format(&ev, buf, len + 1), ==, len);
    AL_CHECK_STR(buf, want);
    AL_CHECK_INT(al_trace_format(&ev, buf, 0), ==, -ENOSPC);
}

AL_TEST(format_refuses_events_it_cannot_name) {
    char buf[1024];
    al_trace_event ev = event(AL_EV__COUNT, 1);
    AL_CHECK_INT(al_trace_format(&ev, buf, sizeof buf), ==, -EINVAL);
    ev = event(AL_EV_SUSPEND, 1);
    ev.reason = 42;
    AL_CHECK_INT(al_trace_format(&ev, buf, sizeof buf), ==, -EINVAL);
    ev = event(AL_EV_HELLO, 1);
    ev.reason = 2;  /* no such clock */
    AL_CHECK_INT(al_trace_format(&ev, buf, sizeof buf), ==, -EINVAL);
    AL_CHECK_INT(al_trace_format(NULL, buf, sizeof buf), ==, -EINVAL);
}

AL_TEST(event_names_round_trip) {
    for (int i = 0; i < AL_EV__COUNT; i++) {
        const char *name = al_event_type_name(i);
        AL_CHECK_MSG(strcmp(name, "?") != 0, "type %d has no name", i);
        AL_CHECK_INT(al_event_type_from_name(name), ==, i);
    }
    AL_CHECK_STR(al_event_type_name(AL_EV_POLL_BEGIN), "poll_begin");
    AL_CHECK_STR(al_event_type_name(AL_EV__COUNT), "?");
    AL_CHECK_STR(al_event_type_name(-1), "?");
    AL_CHECK_INT(al_event_type_from_name("frobnicate"), ==, -EINVAL);
    AL_CHECK_INT(al_event_type_from_name(NULL), ==, -EINVAL);
}

/* ---- round trip ----------------------------------------------------------- */

AL_TEST(round_trip_every_event_type_and_reason) {
    al_trace_event evs[64];
    size_t n = all_events(evs);
    const char *path;
    al_trace *tr = open_temp_file(&path);
    for (size_t i = 0; i < n; i++) al_trace_emit(tr, &evs[i]);
    AL_CHECK_INT(al_trace_emitted(tr), ==, n);
    AL_CHECK_INT(al_trace_dropped(tr), ==, 0);
    al_trace_close(tr);

    size_t len;
    char *data = slurp(path, &len);
    AL_REQUIRE(data != NULL);
    struct reading rd = read_from(data, len);
    al_trace_event got;
    for (size_t i = 0; i < n; i++) {
        int rc = al_trace_reader_next(rd.r, &got);
        AL_REQUIRE_MSG(rc == 1, "event %zu (%s): %d %s", i, al_event_type_name(evs[i].type), rc,
                       al_trace_reader_error(rd.r));
        AL_CHECK_INT(al_trace_reader_line(rd.r), ==, i + 1);
        check_same_event(&evs[i], &got);
    }
    AL_CHECK_INT(al_trace_reader_next(rd.r, &got), ==, 0);
    reading_done(&rd);
    free(data);
    unlink(path);
}

/* The file holds exactly what al_trace_format makes of each event. */
AL_TEST(file_sink_writes_exactly_the_formatted_lines) {
    al_trace_event evs[64];
    size_t n = all_events(evs);
    char want[16384] = "";
    for (size_t i = 0; i < n; i++) strcat(want, format_line(&evs[i]));
    const char *path;
    al_trace *tr = open_temp_file(&path);
    for (size_t i = 0; i < n; i++) al_trace_emit(tr, &evs[i]);
    AL_CHECK_INT(al_trace_flush(tr), ==, 0);
    check_file(path, want);  /* flushed: complete before close */
    al_trace_close(tr);
    check_file(path, want);
    unlink(path);
}

AL_TEST(file_sink_starts_with_hello_even_if_nobody_said_it) {
    const char *path;
    al_trace *tr = open_temp_file(&path);
    al_trace_event ev = event(AL_EV_RESUME, 42);
    ev.task = 1;
    al_trace_emit(tr, &ev);
    AL_CHECK_INT(al_trace_emitted(tr), ==, 1);
    al_trace_close(tr);
    char *data = slurp(path, NULL);
    AL_CHECK_STR(data, "{\"v\":1,\"ev\":\"hello\",\"t\":42}\n{\"t\":42,\"ev\":\"resume\",\"task\":1}\n");
    size_t events;
    AL_CHECK_STR(error_of(data, &events), "");
    AL_CHECK_INT(events, ==, 2);
    free(data);
    unlink(path);
}

AL_TEST(file_sink_many_events_cross_buffer_boundaries) {
    const char *path;
    al_trace *tr = open_temp_file(&path);
    const int n = 20000;  /* ~1.2 MB: many 64 KiB buffers */
    for (int i = 0; i < n; i++) {
        al_trace_event ev = with_text(event(AL_EV_OUTPUT, i), "a line of program output");
        ev.task = (uint64_t)i;
        al_trace_emit(tr, &ev);
    }
    al_trace_close(tr);
    size_t len;
    char *data = slurp(path, &len);
    AL_REQUIRE(data != NULL);
    AL_CHECK_INT(count_char(data, len, '\n'), ==, n + 1);
    struct reading rd = read_from(data, len);
    al_trace_event got;
    AL_CHECK_INT(al_trace_reader_next(rd.r, &got), ==, 1);
    AL_CHECK_INT(got.type, ==, AL_EV_HELLO);
    for (int i = 0; i < n; i++) {
        AL_REQUIRE_INT(al_trace_reader_next(rd.r, &got), ==, 1);
        AL_REQUIRE_INT(got.t, ==, i);
        AL_REQUIRE_INT(got.task, ==, i);
    }
    AL_CHECK_INT(al_trace_reader_next(rd.r, &got), ==, 0);
    reading_done(&rd);
    free(data);
    unlink(path);
}

AL_TEST(file_sink_huge_event_round_trips) {
    const size_t big = 1 << 20;
    char *text = malloc(big + 1);
    AL_REQUIRE(text != NULL);
    for (size_t i = 0; i < big; i++) text[i] = (char)('a' + i % 26);
    text[big] = '\0';
    const char *path;
    al_trace *tr = open_temp_file(&path);
    al_trace_event ev = with_text(event(AL_EV_OUTPUT, 1), text);
    al_trace_emit(tr, &ev);
    ev = event(AL_EV_RESUME, 2);
    al_trace_emit(tr, &ev);
    AL_CHECK_INT(al_trace_dropped(tr), ==, 0);
    al_trace_close(tr);

    size_t len;
    char *data = slurp(path, &len);
    struct reading rd = read_from(data, len);
    al_trace_event got;
    AL_CHECK_INT(al_trace_reader_next(rd.r, &got), ==, 1);  /* hello */
    AL_REQUIRE_INT(al_trace_reader_next(rd.r, &got), ==, 1);
    AL_CHECK_INT(got.text_len, ==, big);
    AL_CHECK(got.text && memcmp(got.text, text, big) == 0);
    AL_CHECK_INT(al_trace_reader_next(rd.r, &got), ==, 1);
    AL_CHECK_INT(got.type, ==, AL_EV_RESUME);
    AL_CHECK_INT(al_trace_reader_next(rd.r, &got), ==, 0);
    reading_done(&rd);
    free(data);
    free(text);
    unlink(path);
}

AL_TEST(file_sink_drops_events_it_cannot_write_as_json) {
    const char *path;
    al_trace *tr = open_temp_file(&path);
    al_trace_event ev = event(AL_EV_HELLO, 0);
    al_trace_emit(tr, &ev);
    ev = event(AL_EV_SUSPEND, 1);
    ev.reason = 42;
    al_trace_emit(tr, &ev);
    ev = event(AL_EV__COUNT + 3, 2);
    al_trace_emit(tr, &ev);
    AL_CHECK_INT(al_trace_emitted(tr), ==, 3);
    AL_CHECK_INT(al_trace_dropped(tr), ==, 2);
    al_trace_close(tr);
    check_file(path, "{\"v\":1,\"ev\":\"hello\",\"t\":0,\"clock\":\"real\",\"pid\":0}\n");
    unlink(path);
}

AL_TEST(open_file_errors) {
    al_trace *tr = (al_trace *)1;
    AL_CHECK_INT(al_trace_open_file(&tr, "/nonexistent-dir/trace.jsonl"), ==, -ENOENT);
    AL_CHECK(tr == NULL);
    AL_CHECK_INT(al_trace_open_file(&tr, NULL), ==, -EINVAL);
    AL_CHECK_INT(al_trace_open_file(&tr, ""), ==, -EINVAL);
    AL_CHECK_INT(al_trace_open_fd(&tr, -1), ==, -EBADF);
    AL_CHECK_INT(al_trace_open_ring(&tr, 0), ==, -EINVAL);
    AL_CHECK_INT(al_trace_flush(NULL), ==, -EINVAL);
    al_trace_close(NULL);
    al_trace_emit(NULL, NULL);
    AL_CHECK_INT(al_trace_emitted(NULL), ==, 0);
    AL_CHECK_INT(al_trace_dropped(NULL), ==, 0);
}

/* ---- fd sinks: pipes ------------------------------------------------------ */

/* A fd sink on a new pipe's write end p[1], which has said hello (t 0);
 * with the read end p[0] closed when `reader_gone`. */
static al_trace *pipe_sink(int p[2], int reader_gone) {
    AL_REQUIRE(pipe(p) == 0);
    if (reader_gone) close(p[0]);
    al_trace *tr = NULL;
    AL_CHECK_OK(al_trace_open_fd(&tr, p[1]));
    al_trace_event ev = event(AL_EV_HELLO, 0);
    al_trace_emit(tr, &ev);
    return tr;
}

AL_TEST(fd_sink_writes_to_a_pipe_and_leaves_the_fd_open) {
    int p[2];
    AL_REQUIRE(pipe(p) == 0);
    al_trace *tr;
    AL_CHECK_OK(al_trace_open_fd(&tr, p[1]));
    al_trace_event evs[64];
    size_t n = all_events(evs);
    char want[16384] = "";
    for (size_t i = 0; i < n; i++) {
        al_trace_emit(tr, &evs[i]);
        strcat(want, format_line(&evs[i]));
    }
    AL_CHECK_INT(al_trace_flush(tr), ==, 0);
    char got[16384];
    size_t len = 0;
    while (len < strlen(want)) {
        ssize_t k = read(p[0], got + len, sizeof got - 1 - len);
        AL_REQUIRE(k > 0);
        len += (size_t)k;
    }
    got[len] = '\0';
    AL_CHECK_STR(got, want);
    al_trace_close(tr);
    AL_CHECK_INT(fcntl(p[1], F_GETFD), >=, 0);  /* not ours to close */
    close(p[1]);
    close(p[0]);
}

AL_TEST(fd_sink_survives_a_reader_that_went_away) {
    signal(SIGPIPE, SIG_DFL);  /* the runner ignores it; a real program may not */
    sigset_t mask_before, mask_after, pending;
    pthread_sigmask(SIG_SETMASK, NULL, &mask_before);
    int p[2];
    al_trace *tr = pipe_sink(p, 1);
    al_trace_event ev;
    ev = event(AL_EV_RESUME, 1);
    al_trace_emit(tr, &ev);
    al_trace_emit(tr, &ev);
    AL_CHECK_INT(al_trace_flush(tr), ==, -EPIPE);  /* and we are still alive */
    AL_CHECK_INT(al_trace_emitted(tr), ==, 3);
    AL_CHECK_INT(al_trace_dropped(tr), ==, 3);
    al_trace_emit(tr, &ev);  /* a dead sink drops without trying */
    AL_CHECK_INT(al_trace_dropped(tr), ==, 4);
    AL_CHECK_INT(al_trace_flush(tr), ==, -EPIPE);
    al_trace_close(tr);

    pthread_sigmask(SIG_SETMASK, NULL, &mask_after);
    AL_CHECK(sigismember(&mask_after, SIGPIPE) == sigismember(&mask_before, SIGPIPE));
    sigpending(&pending);
    AL_CHECK(!sigismember(&pending, SIGPIPE));
    close(p[1]);
}

/* A SIGPIPE the program itself has pending is not ours to consume. */
AL_TEST(fd_sink_leaves_the_programs_pending_sigpipe_alone) {
    signal(SIGPIPE, SIG_DFL);
    sigset_t set, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    raise(SIGPIPE);
    int p[2];
    al_trace *tr = pipe_sink(p, 1);
    AL_CHECK_INT(al_trace_flush(tr), ==, -EPIPE);
    al_trace_close(tr);
    sigpending(&pending);
    AL_CHECK(sigismember(&pending, SIGPIPE));
    sigset_t mask;
    pthread_sigmask(SIG_SETMASK, NULL, &mask);
    AL_CHECK(sigismember(&mask, SIGPIPE));  /* still blocked, as the program left it */
    close(p[1]);
}

/* Nobody reads the pipe: emit must neither block nor write half lines; the
 * accounting must add up once the reader catches up. */
AL_TEST(fd_sink_never_blocks_on_a_full_pipe) {
    int p[2];
    al_trace *tr = pipe_sink(p, 0);
    AL_REQUIRE(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
    al_trace_event ev;
    const int n = 20000;  /* ~1 MB against a 64 KiB pipe */
    for (int i = 1; i <= n; i++) {
        ev = with_text(event(AL_EV_OUTPUT, i), "the viewer is not reading");
        al_trace_emit(tr, &ev);
    }
    AL_CHECK_INT(al_trace_emitted(tr), ==, n + 1);
    AL_CHECK_INT(al_trace_dropped(tr), >, 0);
    AL_CHECK_INT(al_trace_flush(tr), ==, -EAGAIN);

    /* The reader takes a little: room for a few lines, not for the buffer.
     * A flush that wrote the whole buffer in one write would block here. */
    char *data = malloc(4097);
    AL_REQUIRE(data != NULL);
    ssize_t got = read(p[0], data, 4096);
    AL_REQUIRE_INT(got, ==, 4096);
    size_t len = (size_t)got;
    data[len] = '\0';
    AL_CHECK_INT(al_trace_flush(tr), ==, -EAGAIN);

    int rc;
    do {  /* the reader wakes up */
        drain_fd(p[0], &data, &len);
        rc = al_trace_flush(tr);
    } while (rc == -EAGAIN);
    AL_CHECK_INT(rc, ==, 0);
    drain_fd(p[0], &data, &len);
    AL_REQUIRE(data != NULL);
    size_t lines = count_char(data, len, '\n');
    AL_CHECK_INT(lines, ==, al_trace_emitted(tr) - al_trace_dropped(tr));
    AL_CHECK_INT(data[len - 1], ==, '\n');
    size_t events;
    AL_CHECK_STR(error_of(data, &events), "");  /* whole lines only, hello first */
    AL_CHECK_INT(events, ==, lines);
    al_trace_close(tr);
    free(data);
    close(p[0]);
    close(p[1]);
}

/* ---- $ASYNCLAB_TRACE ------------------------------------------------------ */

static int lowest_free_fd(void) {
    int fd = open("/dev/null", O_RDONLY);
    if (fd >= 0) close(fd);
    return fd;
}

/* ASYNCLAB_TRACE=value opens a trace; a hello at t goes through it. */
static void hello_through_env(const char *value, int64_t t) {
    setenv("ASYNCLAB_TRACE", value, 1);
    al_trace *tr = NULL;
    AL_CHECK_OK(al_trace_open_env(&tr));
    AL_REQUIRE(tr != NULL);
    al_trace_event ev = event(AL_EV_HELLO, t);
    al_trace_emit(tr, &ev);
    al_trace_close(tr);
}

AL_TEST(open_env_unset_means_off) {
    unsetenv("ASYNCLAB_TRACE");
    al_trace *tr = (al_trace *)1;
    AL_CHECK_INT(al_trace_open_env(&tr), ==, 0);
    AL_CHECK(tr == NULL);
    setenv("ASYNCLAB_TRACE", "", 1);
    tr = (al_trace *)1;
    AL_CHECK_INT(al_trace_open_env(&tr), ==, 0);
    AL_CHECK(tr == NULL);
}

AL_TEST(open_env_fd) {
    int p[2];
    AL_REQUIRE(pipe(p) == 0);
    char value[32];
    snprintf(value, sizeof value, "fd:%d", p[1]);
    hello_through_env(value, 0);
    char got[256] = "";
    ssize_t k = read(p[0], got, sizeof got - 1);
    AL_REQUIRE(k > 0);
    got[k] = '\0';
    AL_CHECK_STR(got, "{\"v\":1,\"ev\":\"hello\",\"t\":0,\"clock\":\"real\",\"pid\":0}\n");
    AL_CHECK_INT(fcntl(p[1], F_GETFD), >=, 0);
    close(p[0]);
    close(p[1]);
}

AL_TEST(open_env_path) {
    const char *path = temp_path();
    unlink(path);
    hello_through_env(path, 5);
    check_file(path, "{\"v\":1,\"ev\":\"hello\",\"t\":5,\"clock\":\"real\",\"pid\":0}\n");
    unlink(path);
}

AL_TEST(open_env_rejects_garbage) {
    static const char *const bad[] = {"fd:abc", "fd:-1", "fd:", "fd:12x", "fd: 3",
                                      "fd:+3", "fd:99999999999", "fd:3 "};
    int free_before = lowest_free_fd();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("ASYNCLAB_TRACE", bad[i], 1);
        al_trace *tr = (al_trace *)1;
        int rc = al_trace_open_env(&tr);
        AL_CHECK_MSG(rc == -EINVAL, "\"%s\": got %d, wanted -EINVAL", bad[i], rc);
        AL_CHECK_MSG(tr == NULL, "\"%s\": a trace was opened", bad[i]);
    }
    AL_CHECK_INT(lowest_free_fd(), ==, free_before);  /* nothing opened */

    int closed = lowest_free_fd();
    char value[32];
    snprintf(value, sizeof value, "fd:%d", closed);
    setenv("ASYNCLAB_TRACE", value, 1);
    al_trace *tr = (al_trace *)1;
    AL_CHECK_INT(al_trace_open_env(&tr), ==, -EBADF);
    AL_CHECK(tr == NULL);
}

/* ---- the ring ------------------------------------------------------------- */

AL_TEST(ring_keeps_the_newest_and_counts_dropped) {
    al_trace *tr;
    AL_CHECK_OK(al_trace_open_ring(&tr, 4));
    for (int i = 1; i <= 10; i++) {
        al_trace_event ev = event(AL_EV_RESUME, i * 10);
        ev.task = (uint64_t)i;
        al_trace_emit(tr, &ev);
    }
    AL_CHECK_INT(al_trace_emitted(tr), ==, 10);
    AL_CHECK_INT(al_trace_dropped(tr), ==, 6);
    AL_CHECK_INT(al_trace_ring_count(tr), ==, 4);
    al_trace_event got;
    for (size_t i = 0; i < 4; i++) {
        AL_CHECK_OK(al_trace_ring_get(tr, i, &got));
        AL_CHECK_INT(got.task, ==, 7 + i);  /* oldest first */
        AL_CHECK_INT(got.t, ==, (7 + i) * 10);
        AL_CHECK_INT(got.type, ==, AL_EV_RESUME);
    }
    AL_CHECK_INT(al_trace_ring_get(tr, 4, &got), ==, -ENOENT);
    AL_CHECK_INT(al_trace_flush(tr), ==, 0);

    al_trace_ring_clear(tr);
    AL_CHECK_INT(al_trace_ring_count(tr), ==, 0);
    AL_CHECK_INT(al_trace_ring_get(tr, 0, &got), ==, -ENOENT);
    al_trace_event ev = event(AL_EV_POLL_END, 99);
    al_trace_emit(tr, &ev);
    AL_CHECK_INT(al_trace_ring_count(tr), ==, 1);
    AL_CHECK_OK(al_trace_ring_get(tr, 0, &got));
    AL_CHECK_INT(got.t, ==, 99);
    AL_CHECK_INT(al_trace_emitted(tr), ==, 11);  /* counters cover the trace's life */
    AL_CHECK_INT(al_trace_dropped(tr), ==, 6);
    al_trace_close(tr);
}

AL_TEST(ring_copies_and_truncates_text) {
    al_trace *tr;
    AL_CHECK_OK(al_trace_open_ring(&tr, 8));
    char buf[200];
    strcpy(buf, "task name");
    al_trace_event ev = with_text(event(AL_EV_SPAWN, 1), buf);
    ev.text2 = NULL;
    al_trace_emit(tr, &ev);
    strcpy(buf, "overwritten");  /* the ring must not point at our buffer */

    memset(buf, 'x', 150);
    buf[150] = '\0';
    ev = with_text(event(AL_EV_OUTPUT, 2), buf);
    al_trace_emit(tr, &ev);

    /* 62 ASCII bytes then a 2-byte character: the cut must not split it. */
    memset(buf, 'y', 62);
    strcpy(buf + 62, "\xc3\xa9tail");
    ev = with_text(event(AL_EV_OUTPUT, 3), buf);
    al_trace_emit(tr, &ev);

    ev = event(AL_EV_RESUME, 4);  /* no text at all */
    al_trace_emit(tr, &ev);

    char backend[16] = "epoll";
    ev = with_text(event(AL_EV_HELLO, 5), "prog");
    ev.text2 = backend;
    al_trace_emit(tr, &ev);
    strcpy(backend, "gone");

    al_trace_event got;
    AL_CHECK_OK(al_trace_ring_get(tr, 0, &got));
    AL_CHECK_STR(got.text, "task name");
    AL_CHECK_INT(got.text_len, ==, 9);
    AL_CHECK_OK(al_trace_ring_get(tr, 1, &got));
    AL_CHECK_INT(got.text_len, ==, AL_TRACE_TEXT_MAX - 1);
    AL_CHECK_INT(strlen(got.text), ==, AL_TRACE_TEXT_MAX - 1);
    AL_CHECK_INT(got.text[0], ==, 'x');
    AL_CHECK_OK(al_trace_ring_get(tr, 2, &got));
    AL_CHECK_INT(got.text_len, ==, 62);
    AL_CHECK_INT(strlen(got.text), ==, 62);
    AL_CHECK_OK(al_trace_ring_get(tr, 3, &got));
    AL_CHECK(got.text == NULL);
    AL_CHECK_OK(al_trace_ring_get(tr, 4, &got));
    AL_CHECK_STR(got.text, "prog");
    AL_CHECK_STR(got.text2, "epoll");
    al_trace_close(tr);
}

AL_TEST(ring_only_calls_on_other_sinks) {
    const char *path;
    al_trace *tr = open_temp_file(&path);
    al_trace_event got;
    AL_CHECK_INT(al_trace_ring_get(tr, 0, &got), ==, -EINVAL);
    AL_CHECK_INT(al_trace_ring_count(tr), ==, 0);
    al_trace_ring_clear(tr);
    al_trace_close(tr);
    unlink(path);
}

/* ---- the reader ----------------------------------------------------------- */

#define HELLO "{\"v\":1,\"ev\":\"hello\",\"t\":0}\n"
#define RESUME "{\"t\":1,\"ev\":\"resume\",\"task\":1}\n"

AL_TEST(reader_accepts_a_minimal_hello_and_skips_blank_lines) {
    const char *data = "\n  \n" HELLO "\r\n\t\n" RESUME;
    struct reading rd = read_from(data, strlen(data));
    al_trace_event ev;
    AL_CHECK_INT(al_trace_reader_next(rd.r, &ev), ==, 1);
    AL_CHECK_INT(ev.type, ==, AL_EV_HELLO);
    AL_CHECK_INT(ev.reason, ==, AL_CLOCK_REAL);
    AL_CHECK(ev.text == NULL && ev.text2 == NULL);
    AL_CHECK_INT(al_trace_reader_line(rd.r), ==, 3);
    AL_CHECK_INT(al_trace_reader_next(rd.r, &ev), ==, 1);
    AL_CHECK_INT(ev.type, ==, AL_EV_RESUME);
    AL_CHECK_INT(al_trace_reader_line(rd.r), ==, 6);  /* as an editor counts */
    AL_CHECK_INT(al_trace_reader_next(rd.r, &ev), ==, 0);
    AL_CHECK_STR(al_trace_reader_error(rd.r), "");
    reading_done(&rd);
}

AL_TEST(reader_accepts_crlf_and_empty_streams) {
    size_t n;
    AL_CHECK_STR(error_of("{\"v\":1,\"ev\":\"hello\",\"t\":0}\r\n{\"t\":1,\"ev\":\"resume\",\"task\":1}\r\n", &n), "");
    AL_CHECK_INT(n, ==, 2);
    AL_CHECK_STR(error_of("\n \n", &n), "");
    AL_CHECK_INT(n, ==, 0);
}

AL_TEST(reader_ignores_unknown_fields) {
    size_t n;
    AL_CHECK_STR(error_of(HELLO "{\"t\":1,\"ev\":\"resume\",\"task\":1,\"color\":\"red\",\"x\":[1,{}]}\n", &n), "");
    AL_CHECK_INT(n, ==, 2);
}

AL_TEST(reader_error_garbage_bytes) {
    size_t n;
    AL_CHECK_STR(error_of(HELLO RESUME "\x01\x02garbage\xff\n" RESUME, &n), "line 3: not JSON");
    AL_CHECK_INT(n, ==, 2);
}

AL_TEST(reader_error_truncated_last_line) {
    const char *data = HELLO RESUME "{\"t\":2,\"ev\":\"resume\",\"task\":1}";
    struct reading rd = read_from(data, strlen(data));
    al_trace_event ev;
    AL_CHECK_INT(al_trace_reader_next(rd.r, &ev), ==, 1);
    AL_CHECK_INT(al_trace_reader_next(rd.r, &ev), ==, 1);
    AL_CHECK_INT(al_trace_reader_next(rd.r, &ev), ==, -EPROTO);
    AL_CHECK_STR(al_trace_reader_error(rd.r), "line 3: truncated (no newline at end of stream)");
    AL_CHECK_INT(al_trace_reader_line(rd.r), ==, 3);
    AL_CHECK_INT(al_trace_reader_next(rd.r, &ev), ==, 0);
    reading_done(&rd);
}

/* A stream, and the first error reading it must give. */
typedef struct error_case {
    const char *data, *error;
} error_case;

static void check_errors(const error_case *cases, size_t n) {
    for (size_t i = 0; i < n; i++) AL_CHECK_STR(error_of(cases[i].data, NULL), cases[i].error);
}

AL_TEST(reader_error_missing_field) {
    static const error_case cases[] = {
        {HELLO "{\"t\":5,\"ev\":\"spawn\",\"task\":1}\n",
         "line 2: spawn event without \"name\""},
        {HELLO RESUME "{\"ev\":\"resume\",\"task\":1}\n",
         "line 3: resume event without \"t\""},
        {HELLO "{\"t\":5,\"ev\":\"suspend\",\"task\":1}\n",
         "line 2: suspend event without \"reason\""},
        {HELLO "{\"t\":5,\"ev\":\"suspend\",\"task\":1,\"reason\":\"sleep\"}\n",
         "line 2: suspend event without \"until\""},
        {HELLO "{\"t\":5,\"ev\":\"ready\",\"task\":1,\"by\":\"task\"}\n",
         "line 2: ready event without \"waker\""},
        {HELLO "{\"t\":5,\"ev\":\"exit\",\"task\":1,\"status\":\"error\"}\n",
         "line 2: exit event without \"error\""},
        {HELLO "{\"t\":5,\"task\":1}\n",
         "line 2: no \"ev\" (the event's name)"},
        {"{\"ev\":\"hello\",\"t\":0}\n",
         "line 1: hello event without \"v\""},
    };
    check_errors(cases, sizeof cases / sizeof cases[0]);
}

AL_TEST(reader_error_unknown_event) {
    static const error_case cases[] = {
        {HELLO RESUME "{\"t\":1,\"ev\":\"frobnicate\"}\n",
         "line 3: unknown event \"frobnicate\""},
        {HELLO "{\"t\":1,\"ev\":\"suspend\",\"task\":1,\"reason\":\"nap\"}\n",
         "line 2: unknown \"reason\" \"nap\""},
        {HELLO "{\"t\":1,\"ev\":\"fd_ready\",\"fd\":3,\"events\":\"x\"}\n",
         "line 2: unknown \"events\" \"x\" (expected \"r\", \"w\" or \"rw\")"},
    };
    check_errors(cases, sizeof cases / sizeof cases[0]);
}

AL_TEST(reader_error_wrong_type) {
    char data[1024] = HELLO;
    for (int i = 2; i <= 6; i++) strcat(data, RESUME);
    strcat(data, "{\"t\":\"soon\",\"ev\":\"resume\",\"task\":1}\n");
    AL_CHECK_STR(error_of(data, NULL), "line 7: expected an integer \"t\"");
    static const error_case cases[] = {
        {HELLO "{\"t\":1.5,\"ev\":\"resume\",\"task\":1}\n",
         "line 2: expected an integer \"t\""},
        {HELLO "{\"t\":1,\"ev\":7}\n",
         "line 2: expected a string \"ev\""},
        {HELLO "{\"t\":1,\"ev\":\"spawn\",\"task\":1,\"name\":null}\n",
         "line 2: expected a string \"name\""},
        {HELLO "{\"t\":1,\"ev\":\"resume\",\"task\":-1}\n",
         "line 2: \"task\" is out of range"},
        {HELLO "{\"t\":1e300,\"ev\":\"resume\",\"task\":1}\n",
         "line 2: \"t\" is out of range"},
        {HELLO "[1,2]\n",
         "line 2: not a JSON object"},
        {HELLO RESUME " x\n",
         "line 3: not JSON"},
        {HELLO "{\"t\":1,\"ev\":\"resume\",\"task\":1} trailing\n",
         "line 2: not JSON"},
    };
    check_errors(cases, sizeof cases / sizeof cases[0]);
}

AL_TEST(reader_error_hello_first) {
    AL_CHECK_STR(error_of(RESUME HELLO, NULL), "line 1: expected a \"hello\" event first, got \"resume\"");
}

AL_TEST(reader_error_newer_version) {
    const char *data = "{\"v\":2,\"ev\":\"hello\",\"t\":0}\n" RESUME;
    struct reading rd = read_from(data, strlen(data));
    al_trace_event ev;
    AL_CHECK_INT(al_trace_reader_next(rd.r, &ev), ==, -EPROTO);
    AL_CHECK_STR(al_trace_reader_error(rd.r),
                 "line 1: trace format version 2 is newer than this asynclab understands (1)");
    AL_CHECK_INT(al_trace_reader_next(rd.r, &ev), ==, -EPROTO);  /* and it stays so */
    AL_CHECK_STR(al_trace_reader_error(rd.r),
                 "line 1: trace format version 2 is newer than this asynclab understands (1)");
    reading_done(&rd);
    AL_CHECK_STR(error_of("{\"v\":0,\"ev\":\"hello\",\"t\":0}\n", NULL),
                 "line 1: unsupported trace format version 0");
}

AL_TEST(reader_error_nul_byte) {
    static const char data[] = HELLO "{\"t\":1,\"ev\":\"resume\",\"task\":1}\0junk\n";
    struct reading rd = read_from(data, sizeof data - 1);
    al_trace_event ev;
    AL_CHECK_INT(al_trace_reader_next(rd.r, &ev), ==, 1);
    AL_CHECK_INT(al_trace_reader_next(rd.r, &ev), ==, -EPROTO);
    AL_CHECK_STR(al_trace_reader_error(rd.r), "line 2: not JSON (a NUL byte)");
    reading_done(&rd);
}

AL_TEST(reader_error_names_are_quoted_safely) {
    char data[4096] = HELLO "{\"t\":1,\"ev\":\"bad\\n\\\"";
    for (int i = 0; i < 100; i++) strcat(data, "z");
    strcat(data, "\"}\n");
    AL_CHECK_STR(error_of(data, NULL),
                 "line 2: unknown event \"bad??" "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz...\"");
}

AL_TEST(reader_huge_lines) {
    const size_t big = 1 << 20;
    char *data = malloc(big + 256);
    AL_REQUIRE(data != NULL);
    /* A 1 MiB line of garbage: an error on the right line. */
    strcpy(data, HELLO);
    size_t len = strlen(data);
    memset(data + len, '{', big);
    strcpy(data + len + big, "\n");
    AL_CHECK_STR(error_of(data, NULL), "line 2: not JSON");
    /* A 1 MiB string: fine. */
    strcpy(data, HELLO "{\"t\":1,\"ev\":\"output\",\"text\":\"");
    len = strlen(data);
    memset(data + len, 'q', big);
    strcpy(data + len + big, "\"}\n");
    struct reading rd = read_from(data, strlen(data));
    al_trace_event ev;
    AL_CHECK_INT(al_trace_reader_next(rd.r, &ev), ==, 1);
    AL_CHECK_INT(al_trace_reader_next(rd.r, &ev), ==, 1);
    AL_CHECK_INT(ev.text_len, ==, big);
    reading_done(&rd);
    free(data);
}

AL_TEST(reader_deep_nesting_is_an_error) {
    const size_t depth = 100000;
    char *data = malloc(2 * depth + 256);
    AL_REQUIRE(data != NULL);
    strcpy(data, HELLO "{\"t\":1,\"ev\":\"resume\",\"task\":1,\"x\":");
    size_t len = strlen(data);
    memset(data + len, '[', depth);
    memset(data + len + depth, ']', depth);
    strcpy(data + len + 2 * depth, "}\n");
    AL_CHECK_STR(error_of(data, NULL), "line 2: not JSON");
    memset(data, '{', depth);  /* unbalanced, on line 1 */
    strcpy(data + depth, "\n");
    AL_CHECK_STR(error_of(data, NULL), "line 1: not JSON");
    free(data);
}

AL_TEST(reader_survives_random_bytes) {
    static const char punct[] = "{}[]\":,0123456789tvefu\\ ";
    const size_t size = 256 * 1024;
    char *data = malloc(size);
    AL_REQUIRE(data != NULL);
    for (int round = 0; round < 8; round++) {
        for (size_t i = 0; i < size; i++) {
            uint64_t x = rng();
            /* Plenty of newlines and JSON punctuation, so lines get parsed. */
            data[i] = (x & 0x700) == 0 ? '\n' : (x & 0x800) ? punct[x % (sizeof punct - 1)] : (char)x;
        }
        struct reading rd = read_from(data, size);
        al_trace_event ev;
        int rc, errors = 0, calls = 0;
        while ((rc = al_trace_reader_next(rd.r, &ev)) != 0 && calls++ < 1000000) {
            if (rc < 0) {
                errors++;
                AL_REQUIRE(strncmp(al_trace_reader_error(rd.r), "line ", 5) == 0);
            }
        }
        AL_CHECK_INT(rc, ==, 0);
        AL_CHECK_INT(errors, >, 0);
        reading_done(&rd);
    }
    free(data);
}

AL_TEST(reader_rejects_null_arguments) {
    al_trace_reader *r = (al_trace_reader *)1;
    AL_CHECK_INT(al_trace_reader_open(&r, NULL), ==, -EINVAL);
    AL_CHECK(r == NULL);
    AL_CHECK_INT(al_trace_reader_next(NULL, NULL), ==, -EINVAL);
    AL_CHECK_STR(al_trace_reader_error(NULL), "");
    al_trace_reader_close(NULL);
}
