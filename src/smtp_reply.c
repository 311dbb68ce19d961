/* smtp_reply - line splitter and incremental parser of one SMTP reply (RFC 5321 4.2), contract
 * in smtp.h.
 *
 * smtp_lines_take splits the received bytes into lines bounded by MX_SMTP_LINE_MAX (it owns no
 * memory: the line lives in the struct); smtp_reply_feed takes those lines one at a time. The parser owns r->lines (escaped copies; the raw input is
 * never kept) and smtp_reply_clear frees them. At most MX_SMTP_REPLY_LINES_MAX lines are kept;
 * r->nseen counts every line fed. A reply ends on its first malformed line: code becomes -1,
 * malformed and complete are set, and the offending line is kept whole (escaped) so the error
 * can show it. */
#include "smtp.h"
#include "escape.h"
#include "mx_limits.h"
#include "xalloc.h"
#include <stdlib.h>
#include <string.h>

void smtp_reply_init(struct smtp_reply *r)
{
    memset(r, 0, sizeof *r);
}

void smtp_reply_clear(struct smtp_reply *r)
{
    for (size_t i = 0; i < r->nlines; i++)
        free(r->lines[i]);
    free(r->lines);
    smtp_reply_init(r);
}

/* reply_keep - append an escaped copy of s, unless the line bound is reached. */
static void reply_keep(struct smtp_reply *r, const char *s, size_t len)
{
    if (r->nlines >= MX_SMTP_REPLY_LINES_MAX)
        return;
    r->lines = xreallocarray(r->lines, r->nlines + 1, sizeof *r->lines);
    r->lines[r->nlines++] = escape_bytes(s, len);
}

/* reply_code - RFC 5321 4.2: Reply-code = %x32-35 %x30-35 %x30-39. Returns the code or -1. */
static int reply_code(const char *line, size_t len)
{
    if (len < 3)
        return -1;
    if (line[0] < '2' || line[0] > '5' || line[1] < '0' || line[1] > '5' || line[2] < '0' ||
        line[2] > '9')
        return -1;
    return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

static int reply_malformed(struct smtp_reply *r, const char *line, size_t len)
{
    /* Keep the bad line even when the bound is reached: it explains the failure. */
    if (r->nlines >= MX_SMTP_REPLY_LINES_MAX) {
        free(r->lines[r->nlines - 1]);
        r->nlines--;
    }
    reply_keep(r, line, len);
    r->code = -1;
    r->malformed = true;
    r->complete = true;
    return -1;
}

int smtp_reply_feed(struct smtp_reply *r, const char *line, size_t len)
{
    if (r->complete) /* the caller should have cleared it; say what it already is */
        return r->malformed ? -1 : 1;
    r->nseen++;
    int code = reply_code(line, len);
    if (code < 0)
        return reply_malformed(r, line, len);
    /* RFC 5321 4.2.1: every line of a multi-line reply carries the same code. */
    if (r->nseen > 1 && code != r->code)
        return reply_malformed(r, line, len);
    bool last;
    if (len == 3 || line[3] == ' ')
        last = true;
    else if (line[3] == '-')
        last = false;
    else
        return reply_malformed(r, line, len);
    r->code = code;
    reply_keep(r, len > 4 ? line + 4 : "", len > 4 ? len - 4 : 0);
    if (!last)
        return 0;
    r->complete = true;
    return 1;
}

void smtp_lines_init(struct smtp_lines *s)
{
    s->len = 0;
    s->dropped = 0;
    s->cr_dropped = false;
    s->done = false;
    s->truncated = false;
}

void smtp_lines_next(struct smtp_lines *s)
{
    smtp_lines_init(s);
}

/* lines_end - a newline arrived: drop the CR of a CRLF, wherever it went. */
static void lines_end(struct smtp_lines *s)
{
    if (s->dropped == 0 && s->len > 0 && s->buf[s->len - 1] == '\r')
        s->len--;
    s->truncated = s->dropped > (s->cr_dropped ? 1u : 0u);
    s->done = true;
}

size_t smtp_lines_take(struct smtp_lines *s, const char *data, size_t n)
{
    size_t i = 0;
    while (i < n && !s->done) {
        char c = data[i++];
        if (c == '\n') {
            lines_end(s);
            break;
        }
        if (s->len < sizeof s->buf) {
            s->buf[s->len++] = c;
            continue;
        }
        /* Too long: keep counting so the line is known to be cut, keep nothing. */
        s->dropped++;
        s->cr_dropped = c == '\r';
    }
    return i;
}
