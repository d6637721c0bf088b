/* text_sanitize.c — making untrusted bytes safe to print (see asynclab/text.h).
 *
 * Bytes a program did not write itself (a submission's output, a server's
 * reason phrase) may hold escape sequences that drive the terminal, or
 * bytes that are not UTF-8 and so break a JSON document built around them.
 * One pass, in place, never longer: each bad byte becomes '?'.
 */
#include "asynclab/text.h"

/* RFC 3629's table of well-formed sequences: the lead byte gives the
 * length and the range of the second byte; the rest are 0x80..0xBF. */
size_t al_utf8_len(const unsigned char *s, size_t left) {
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;       /* overlong below U+0800 */
        else if (c == 0xED) hi = 0x9F;  /* U+D800..DFFF are surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;       /* overlong below U+10000 */
        else if (c == 0xF4) hi = 0x8F;  /* above U+10FFFF */
    } else {
        return 0;                       /* a continuation byte, C0/C1, F5..FF */
    }
    if (left < len || s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF) return 0;
    return len;
}

void al_text_sanitize(char *s, size_t len) {
    unsigned char *u = (unsigned char *)s;
    for (size_t i = 0; i < len;) {
        if (u[i] < 0x20 && u[i] != '\n' && u[i] != '\t' && u[i] != '\r') {
            u[i++] = '?';
            continue;
        }
        if (u[i] == 0x7F) {
            u[i++] = '?';
            continue;
        }
        size_t n = al_utf8_len(u + i, len - i);
        if (!n) {
            u[i++] = '?';
            continue;
        }
        i += n;
    }
}
