/* escape - the one function that turns untrusted bytes into printable text.
 *
 * Every string received from the network (DNS, HTTP, SMTP, certificates) passes through here
 * before it enters the report, so no face can print a raw control byte. Printable ASCII and
 * well-formed UTF-8 pass unchanged, except: backslash becomes "\\", TAB/CR/LF become
 * "\t" "\r" "\n", other C0/C1 controls, DEL, invalid UTF-8 bytes, and Unicode bidi/format
 * controls (U+200B-U+200F, U+202A-U+202E, U+2066-U+2069, U+FEFF) become "\xHH" per byte.
 * Output is cut at MX_ESCAPED_MAX bytes, ending in "..." when cut. */
#ifndef MXRAY_ESCAPE_H
#define MXRAY_ESCAPE_H
#include <stddef.h>

/* escape_bytes - escape len bytes of s; returns a new NUL-terminated string (caller frees).
 * Never returns NULL (aborts on out-of-memory, like every allocation helper here). */
char *escape_bytes(const void *s, size_t len);

/* escape_str - escape_bytes of a NUL-terminated string; NULL gives NULL. */
char *escape_str(const char *s);

/* utf8_decode - length (1 to 4) of the well-formed UTF-8 sequence at s (n >= 1 bytes
 * available) with its code point in *cp, or 0 when it is malformed: overlong, a surrogate,
 * above U+10FFFF, a stray continuation byte or cut short. ASCII gives 1. */
size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp);

/* escape_is_clean - true when s has nothing escape_bytes would change. */
int escape_is_clean(const void *s, size_t len);

/* escape_is_text - true when s holds nothing escape_bytes would write as "\xHH": printable
 * ASCII, TAB, backslash and well-formed UTF-8 other than the bidi/format controls. For text
 * files (lessons, scenarios' teaching texts) printed as they are written. */
int escape_is_text(const void *s, size_t len);

/* The terminal's character set. A locale that is not UTF-8 (Latin-1, ASCII) would show the
 * bytes of a UTF-8 character as something else; 0x9b is even an 8-bit CSI there. main sets
 * this once from the locale; the default is UTF-8. */
void escape_set_terminal_utf8(int utf8);
int escape_terminal_utf8(void);

/* escape_to_ascii - already escaped text for a terminal that is not UTF-8: every byte >= 0x80
 * becomes "\xHH", the rest is copied. Returns a new string of *outlen bytes (NUL-terminated).
 * Faces apply it to escaped text on its way out when escape_terminal_utf8() is false. */
char *escape_to_ascii(const void *s, size_t len, size_t *outlen);

/* escape_term - escape_bytes for a message to the terminal (stderr): escape_bytes, then
 * escape_to_ascii when the terminal is not UTF-8. NULL gives NULL. */
char *escape_term(const char *s);

#endif
