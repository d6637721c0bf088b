/* http_percent.c — %XX decoding, the one decoder of the HTTP layer (see
 * http_internal.h): a request's path (in place; an encoded NUL cannot be
 * part of one) and a query's values (form encoding: '+' is a space).
 * Invalid escapes stay as they are, as Starlette's unquote leaves them. */
#include <errno.h>

#include "http_internal.h"

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int http_percent_decode(const char *in, size_t len, char *out, size_t size, unsigned flags) {
    size_t w = 0;
    int truncated = 0;
    for (size_t r = 0; r < len; r++) {
        char c = in[r];
        int hi, lo;
        if (c == '+' && (flags & HTTP_PCT_PLUS_IS_SPACE)) {
            c = ' ';
        } else if (c == '%' && r + 2 < len && (hi = hexval(in[r + 1])) >= 0 &&
                   (lo = hexval(in[r + 2])) >= 0) {
            c = (char)(hi * 16 + lo);
            if (c == 0 && (flags & HTTP_PCT_NO_NUL)) return -EILSEQ;
            r += 2;
        }
        if (w + 1 < size) out[w++] = c;   /* w <= r: in place is safe */
        else truncated = 1;
    }
    if (size) out[w] = 0;
    return truncated ? -ENOSPC : (int)w;
}
