/* view_session.c — the traces behind a viewer session (see view_session.h).
 *
 * Two ways in, one model per program either way. Live, each event is folded
 * into the newest model as it arrives (or queued while the picture is
 * paused). A replay holds the whole file in memory and builds the model of
 * the cursor's program up to the cursor: forward is one al_model_apply per
 * event, backward starts that program over from its hello, which for a
 * lesson's trace (thousands of events) is instant.
 */
#include "view_session.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_QUEUE_MAX 1000000   /* events waiting while paused: ~100 MB at most */
#define DEFAULT_HISTORY_MAX 1000000 /* events kept live: ~100 MB at most */

void al_session_init(al_session *s) {
    memset(s, 0, sizeof *s);
    s->qmax = DEFAULT_QUEUE_MAX;
    s->max_applied = DEFAULT_HISTORY_MAX;
}

void al_stored_event_free(al_stored_event *e) {
    free(e->text);
    free(e->text2);
    e->text = e->text2 = NULL;
}

int al_stored_event_copy(al_stored_event *dst, const al_trace_event *ev) {
    memset(dst, 0, sizeof *dst);
    dst->ev = *ev;
    if (ev->text) {
        size_t len = ev->text_len ? ev->text_len : strlen(ev->text);
        dst->text = malloc(len + 1);
        if (!dst->text) return -ENOMEM;
        memcpy(dst->text, ev->text, len);
        dst->text[len] = '\0';
        dst->ev.text = dst->text;
        dst->ev.text_len = len;
    }
    if (ev->text2) {
        dst->text2 = strdup(ev->text2);
        if (!dst->text2) {
            al_stored_event_free(dst);
            return -ENOMEM;
        }
        dst->ev.text2 = dst->text2;
    }
    return 0;
}

void al_session_free(al_session *s) {
    for (size_t i = 0; i < s->nsec; i++) al_model_free(&s->sec[i].model);
    free(s->sec);
    for (size_t i = 0; i < s->nev; i++) al_stored_event_free(&s->ev[i]);
    free(s->ev);
    for (size_t i = 0; i < s->qlen; i++) al_stored_event_free(&s->queue[(s->qhead + i) % s->qcap]);
    free(s->queue);
    memset(s, 0, sizeof *s);
}

static void remember(al_session *s, const char *what) {
    if (!s->error[0]) snprintf(s->error, sizeof s->error, "%s", what);
}

static al_section *new_section(al_session *s, size_t first) {
    if (s->nsec == s->capsec) {
        size_t cap = s->capsec ? s->capsec * 2 : 4;
        al_section *bigger = realloc(s->sec, cap * sizeof *bigger);
        if (!bigger) return NULL;
        s->sec = bigger;
        s->capsec = cap;
    }
    al_section *sec = &s->sec[s->nsec++];
    memset(sec, 0, sizeof *sec);
    al_model_init(&sec->model);
    sec->first = sec->built = first;
    return sec;
}

al_section *al_session_last(al_session *s) { return s->nsec ? &s->sec[s->nsec - 1] : NULL; }

/* ---- live ------------------------------------------------------------------ */

static int apply_live(al_session *s, const al_trace_event *ev, int64_t wall_us) {
    if (s->max_applied && s->applied >= s->max_applied) {
        s->over_limit++;
        s->dropped++;
        return -ENOBUFS;
    }
    al_section *sec = al_session_last(s);
    if (!sec || ev->type == AL_EV_HELLO) {
        /* A new program: the previous one is over. */
        if (sec && !sec->model.ended) al_model_end(&sec->model);
        sec = new_section(s, 0);
        if (!sec) {
            s->dropped++;
            return -ENOMEM;
        }
    }
    int rc = al_model_apply(&sec->model, ev);
    if (rc < 0) {
        s->refused++;
        remember(s, al_model_error(&sec->model));
        return rc;
    }
    s->applied++;
    if (wall_us >= 0) {
        int64_t off = wall_us - ev->t;
        if (!sec->have_offset || off < sec->wall_offset) sec->wall_offset = off;
        sec->have_offset = 1;
    }
    return 0;
}

int al_session_feed(al_session *s, const al_trace_event *ev, int64_t wall_us) {
    s->received++;
    if (!s->hold) return apply_live(s, ev, wall_us);
    if (s->qlen >= s->qmax) {
        s->dropped++;
        return -ENOBUFS;
    }
    if (s->qlen == s->qcap) {
        size_t cap = s->qcap ? s->qcap * 2 : 1024;
        al_stored_event *q = malloc(cap * sizeof *q);
        if (!q) {
            s->dropped++;
            return -ENOMEM;
        }
        for (size_t i = 0; i < s->qlen; i++) q[i] = s->queue[(s->qhead + i) % s->qcap];
        free(s->queue);
        s->queue = q;
        s->qcap = cap;
        s->qhead = 0;
    }
    al_stored_event *slot = &s->queue[(s->qhead + s->qlen) % s->qcap];
    if (al_stored_event_copy(slot, ev) < 0) {
        s->dropped++;
        return -ENOMEM;
    }
    s->qlen++;
    return 0;
}

size_t al_session_release(al_session *s, size_t max) {
    size_t done = 0;
    while (s->qlen > 0 && done < max) {
        al_stored_event *e = &s->queue[s->qhead];
        apply_live(s, &e->ev, -1);
        al_stored_event_free(e);
        s->qhead = (s->qhead + 1) % s->qcap;
        s->qlen--;
        done++;
    }
    if (s->qlen == 0 && s->ended) {
        al_section *sec = al_session_last(s);
        if (sec && !sec->model.ended) al_model_end(&sec->model);
    }
    return done;
}

void al_session_end(al_session *s) {
    s->ended = 1;
    if (s->qlen == 0) {
        al_section *sec = al_session_last(s);
        if (sec && !sec->model.ended) al_model_end(&sec->model);
    }
}

void al_session_bad_line(al_session *s, const char *message) {
    s->bad_lines++;
    remember(s, message);
}

/* ---- replay ------------------------------------------------------------------ */

int al_session_load(al_session *s, FILE *fp) {
    al_trace_reader *r = NULL;
    int rc = al_trace_reader_open(&r, fp);
    if (rc < 0) return rc;
    s->replay = 1;
    al_trace_event ev;
    while ((rc = al_trace_reader_next(r, &ev)) == 1) {
        if (s->max_applied && s->nev >= s->max_applied) {
            s->truncated = 1;   /* the rest of the file stays unread */
            break;
        }
        if (s->nev == s->capev) {
            size_t cap = s->capev ? s->capev * 2 : 1024;
            al_stored_event *bigger = realloc(s->ev, cap * sizeof *bigger);
            if (!bigger) {
                rc = -ENOMEM;
                break;
            }
            s->ev = bigger;
            s->capev = cap;
        }
        if (ev.type == AL_EV_HELLO || s->nsec == 0) {
            if (s->nsec) s->sec[s->nsec - 1].end = s->nev;
            if (!new_section(s, s->nev)) {
                rc = -ENOMEM;
                break;
            }
        }
        if (al_stored_event_copy(&s->ev[s->nev], &ev) < 0) {
            rc = -ENOMEM;
            break;
        }
        s->nev++;
    }
    if (rc < 0) {
        snprintf(s->error, sizeof s->error, "%s",
                 rc == -ENOMEM ? "out of memory" : al_trace_reader_error(r));
    } else {
        if (s->nsec) s->sec[s->nsec - 1].end = s->nev;
        s->received = s->nev;
        s->ended = 1;
    }
    al_trace_reader_close(r);
    return rc < 0 ? rc : 0;
}

size_t al_session_section_of(const al_session *s, size_t i) {
    size_t lo = 0, hi = s->nsec;
    while (lo < hi) {   /* the last section whose first event is <= i */
        size_t mid = (lo + hi) / 2;
        if (s->sec[mid].first <= i) lo = mid + 1;
        else hi = mid;
    }
    return lo ? lo - 1 : 0;
}

static void reset(al_section *sec) {
    al_model_free(&sec->model);
    al_model_init(&sec->model);
    sec->built = sec->first;
}

size_t al_session_seek(al_session *s, size_t cursor) {
    if (s->nsec == 0) return 0;
    if (cursor > s->nev) cursor = s->nev;
    size_t k = al_session_section_of(s, cursor ? cursor - 1 : 0);
    al_section *sec = &s->sec[k];
    size_t upto = cursor < sec->first ? sec->first : cursor;
    if (sec->built > upto || (sec->model.ended && upto < sec->end)) reset(sec);
    /* Only the cursor's program needs a model; the others give their memory back. */
    for (size_t i = 0; i < s->nsec; i++)
        if (i != k && s->sec[i].built != s->sec[i].first) reset(&s->sec[i]);
    for (; sec->built < upto; sec->built++) {
        if (al_model_apply(&sec->model, &s->ev[sec->built].ev) < 0) remember(s, al_model_error(&sec->model));
    }
    if (upto == sec->end && !sec->model.ended) al_model_end(&sec->model);
    s->cursor = cursor;
    return k;
}

al_section *al_session_current(al_session *s) {
    if (s->nsec == 0) return NULL;
    if (!s->replay) return al_session_last(s);
    return &s->sec[al_session_section_of(s, s->cursor ? s->cursor - 1 : 0)];
}
