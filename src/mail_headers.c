/* mail_headers - the MIME-deciding fields of an e-mail's header block (mail_headers.h). */
#include "mail_headers.h"
#include <string.h>
#include <strings.h>

/* line_end - the length of the line at s (through its LF); 0 when it has no LF or holds a
 * NUL or a CR other than the one before the LF. */
static size_t line_end(const char *s, size_t len)
{
    const char *lf = memchr(s, '\n', len);
    if (!lf)
        return 0;
    size_t n = (size_t)(lf - s) + 1;
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == '\0' || (s[i] == '\r' && i + 2 != n))
            return 0;
    return n;
}

/* field_name_len - the length of the field name a line starts with (RFC 5322 ftext, then
 * optional blanks, the obsolete form, before the colon); 0 when it is no field line. */
static size_t field_name_len(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] > ' ' && s[i] < 0x7f && s[i] != ':')
        i++;
    size_t name = i;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return name > 0 && i < n && s[i] == ':' ? name : 0;
}

static bool shapes_mime(const char *name, size_t n)
{
    return (n >= 8 && strncasecmp(name, "Content-", 8) == 0) ||
           (n == 12 && strncasecmp(name, "MIME-Version", 12) == 0);
}

bool mail_mime_view(const char *buf, size_t len, char *o, size_t *outlen)
{
    size_t used = 0, i = 0;
    bool keep = false, any = false;
    if (len == 0)
        return false; /* nothing to view (and buf may be NULL) */
    for (;;) {
        size_t n = line_end(buf + i, len - i);
        if (n == 0)
            break; /* no LF, a NUL or a bare CR: not ours to judge */
        bool blank = buf[i] == '\n' || (n == 2 && buf[i] == '\r');
        if (blank) {
            memcpy(o + used, buf + i, len - i); /* the empty line and the body */
            *outlen = used + len - i;
            return true;
        }
        if (buf[i] == ' ' || buf[i] == '\t') {
            if (!any)
                break; /* a continuation with nothing to continue */
        } else {
            size_t name = field_name_len(buf + i, n);
            if (name == 0)
                break;
            keep = shapes_mime(buf + i, name);
            any = true;
        }
        if (keep) {
            memcpy(o + used, buf + i, n);
            used += n;
        }
        i += n;
    }
    return false;
}
