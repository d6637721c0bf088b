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

#endif
