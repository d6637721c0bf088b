/* harness_http.h — the harness's name for the one response reader.
 *
 * load, compare and check read answers with core's al_http_reader
 * (asynclab/http_response_reader.h: llhttp, strict, plus our refusals,
 * bounded, reason and Content-Type sanitized). These names are what the
 * harness has always called it; they add nothing to it.
 */
#ifndef AL_HARNESS_HTTP_H
#define AL_HARNESS_HTTP_H

#include "asynclab/http_response_reader.h"

typedef al_http_reader al_hresp;
#define AL_HRESP_CTYPE_MAX AL_HTTP_READER_CTYPE_MAX

static inline void al_hresp_reset(al_hresp *r, int head_request) { al_http_reader_reset(r, head_request); }
static inline long al_hresp_feed(al_hresp *r, const char *d, size_t n) { return al_http_reader_feed(r, d, n); }
static inline int al_hresp_eof(al_hresp *r) { return al_http_reader_eof(r); }
static inline int al_hresp_started(const al_hresp *r) { return al_http_reader_started(r); }

#endif
