/* UTF-8 for text that came from outside (file names, name= labels): every
 * writer that must emit valid UTF-8 (JSON, SVG, CSV, Molden) checks it with
 * os_utf8_len and replaces what is invalid by U+FFFD. */
#ifndef OS_UTF8_H
#define OS_UTF8_H

#include <stddef.h>

/* U+FFFD REPLACEMENT CHARACTER, in UTF-8. */
#define OS_UTF8_REPLACEMENT "\xef\xbf\xbd"

/* Length (1..4) of the valid UTF-8 sequence at s, or 0 when the bytes there
 * are not one (stray continuation, overlong form, surrogate, beyond
 * U+10FFFF, cut short by the terminating NUL). */
int os_utf8_len(const char *s);

/* Copy at most n-1 bytes of [s, s+len) into dst, NUL-terminated, without
 * cutting a UTF-8 sequence in two. */
void os_utf8_copy(char *dst, size_t n, const char *s, size_t len);

#endif
