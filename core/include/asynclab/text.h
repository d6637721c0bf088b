/* asynclab/text.h — untrusted bytes made safe for a terminal and for JSON.
 *
 * Contract
 *   al_text_sanitize rewrites s[0..len) in place: every control character
 *   other than \n, \r and \t, DEL, and every byte that is not part of a
 *   valid UTF-8 sequence (overlong forms, surrogates and code points past
 *   U+10FFFF included) becomes '?'. The length never changes, so a
 *   NUL-terminated string stays one. Afterwards the bytes are valid UTF-8
 *   that moves no cursor and changes no colour; JSON output still escapes
 *   '"', '\\' and the three allowed controls as usual. Pure, thread-safe.
 */
#ifndef ASYNCLAB_TEXT_H
#define ASYNCLAB_TEXT_H

#include <stddef.h>

void al_text_sanitize(char *s, size_t len);

/* The length of the valid UTF-8 sequence at s (1 to 4; 1 for ASCII), or 0
 * when it is not one: RFC 3629's table, so no overlong form, no surrogate,
 * nothing past U+10FFFF, and no sequence cut short by `left` (the bytes
 * there are). left > 0. Pure, thread-safe; every reader of untrusted text
 * in the project uses this one. */
size_t al_utf8_len(const unsigned char *s, size_t left);

#endif
