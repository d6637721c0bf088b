/* text_sanitize.c — making untrusted bytes safe to print (see asynclab/text.h).
 *
 * Bytes a program did not write itself (a submission's output, a server's
 * reason phrase) may hold escape sequences that drive the terminal, or
 * bytes that are not UTF-8 and so break a JSON document built around them.
 * One pass, in place, never longer: each bad byte becomes '?'.
 */
#include "asynclab/text.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s, size_t left) {
    if (s[0] < 0x80) return 1;
    size_t n = (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (!n || n > left) return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    unsigned cp = s[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++) cp = (cp << 6) | (s[i] & 0x3F);
    static const unsigned min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
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
        size_t n = utf8_len(u + i, len - i);
        if (!n) {
            u[i++] = '?';
            continue;
        }
        i += n;
    }
}
