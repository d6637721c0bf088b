/* view_ingest.h — reading a live trace from a pipe without ever blocking.
 *
 * The traced program writes its trace into a pipe (ASYNCLAB_TRACE=fd:N);
 * the viewer must read it while it also answers keys and redraws, in one
 * thread, so it can never wait for a line to finish. al_ingest reads
 * whatever the pipe holds (non-blocking), keeps an unfinished last line
 * until its newline arrives, and hands the complete lines to the core's
 * trace reader (al_trace_reader, which reads a FILE): the FILE here is a
 * stdio stream over our buffer that says "end of file" when the complete
 * lines run out, and is told to try again when more arrive. So live and
 * replay use the one parser, with the same line numbers in its errors.
 *
 * Contract
 *   Ownership  al_ingest_open takes the fd (closed by al_ingest_close) and
 *              borrows `record` (a FILE opened by the caller, --record):
 *              every byte read is also written there, exactly as it came.
 *   Bounded    al_ingest_pump reads at most `max_bytes` and turns at most
 *              `max_events` lines into events per call, so a flood cannot
 *              freeze the screen; it says when more is waiting.
 *   Errors     a bad line goes to al_session_bad_line (message "line N:
 *              ..."), and reading goes on; after a newer-version error
 *              nothing more is parsed (the reader refuses), but the pipe is
 *              still drained so the program never notices.
 */
#ifndef AL_VIEW_INGEST_H
#define AL_VIEW_INGEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "view_session.h"

typedef struct al_ingest {
    int fd;                /* the pipe, -1 once it reached its end */
    char *buf;             /* bytes read and not yet handed to the reader */
    size_t start, len, cap;
    size_t complete;       /* buf[start, complete) are whole lines */
    FILE *fp;              /* the stdio view of buf the reader reads */
    al_trace_reader *reader;
    FILE *record;
    int eof;               /* the pipe ended; the last partial line was handed over */
    int fatal;             /* the reader refuses everything from now on */
    int more;              /* the last pump stopped at a limit: call again */
    uint64_t bytes;
    size_t last_bad_line;
} al_ingest;

int al_ingest_open(al_ingest *in, int fd, FILE *record);
void al_ingest_close(al_ingest *in);
/* Read and parse what is there. Returns the number of events fed to the
 * session (>= 0); in->fd is -1 once the stream has ended (the session is
 * then told, al_session_end). */
int al_ingest_pump(al_ingest *in, al_session *s, size_t max_bytes, size_t max_events, int64_t wall_us);

#endif
