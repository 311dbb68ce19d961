/* tlsrpt_input - find RFC 8460 reports in what a user hands `mxray report`: a JSON report,
 * a gzip'd one, an e-mail (GMime: the application/tlsrpt+gzip or +json part, base64 or not),
 * an mbox (GMime, streamed message by message), a folder (recursively; a Maildir works) or
 * a buffer (standard input, an IMAP message).
 *
 * Contract: the reader never parses a report itself; it hands each report's JSON bytes
 * (decompressed, at most TLSRPT_JSON_MAX) to the sink, with a source name ("path",
 * "path#3" for the third message of an mbox). A message that holds no report is passed to
 * sink->skipped; a part or file that cannot be decoded (bad gzip, a gzip bomb, too large,
 * unreadable) to sink->error with the reason. Every bound is in tlsrpt_input.h or
 * tlsrpt_report.h and docs/limits.md. The sink may stop the reading by returning nonzero
 * (interrupted, too many reports). Untrusted names are escaped before they reach the sink. */
#ifndef MXRAY_TLSRPT_INPUT_H
#define MXRAY_TLSRPT_INPUT_H
#include <stdbool.h>
#include <stddef.h>

#define TLSRPT_FILE_MAX (32u << 20)          /* bytes of one JSON, gzip or e-mail file (not mbox) */
#define TLSRPT_FOLDER_DEPTH_MAX 16           /* sub-folder levels followed */
#define TLSRPT_MIME_DEPTH_MAX 16             /* MIME nesting (multipart, message/rfc822) followed */
#define TLSRPT_REPORTS_PER_INPUT_MAX 1000000 /* reports, errors and skips of one INPUT */

struct tlsrpt_sink {
    /* json is the report's text; return nonzero to stop reading. */
    int (*report)(void *arg, const char *source, const char *json, size_t len);
    void (*error)(void *arg, const char *source, const char *message);
    void (*skipped)(void *arg, const char *source);
    void *arg;
};

/* What one input yielded (the caller turns "a named file held no report" into an error). */
struct tlsrpt_read_stats {
    size_t reports, errors, skipped;
    bool stopped; /* the sink asked to stop, or the per-input bound was reached */
};

/* tlsrpt_read_path - a file or folder; "-" is not special here. */
void tlsrpt_read_path(const char *path, const struct tlsrpt_sink *sink,
                      struct tlsrpt_read_stats *st);
/* tlsrpt_read_fd - everything readable from fd (standard input), at most TLSRPT_FILE_MAX. */
void tlsrpt_read_fd(int fd, const char *source, const struct tlsrpt_sink *sink,
                    struct tlsrpt_read_stats *st);
/* tlsrpt_read_buffer - one JSON, gzip, e-mail or mbox in memory (in_folder: a message
 * without report is skipped rather than reported as such by the caller). */
void tlsrpt_read_buffer(const char *buf, size_t len, const char *source,
                        const struct tlsrpt_sink *sink, struct tlsrpt_read_stats *st);
/* tlsrpt_read_message - one e-mail only (IMAP): its report parts, or skipped. */
void tlsrpt_read_message(const char *buf, size_t len, const char *source,
                         const struct tlsrpt_sink *sink, struct tlsrpt_read_stats *st);

/* tlsrpt_mime_view - hand GMime only an e-mail's MIME-deciding header fields (mail_headers.h);
 * true unless a test compares with the whole message. */
extern bool tlsrpt_mime_view;

/* tlsrpt_gunzip - inflate gzip (concatenated members too) into a new buffer of at most max
 * bytes; -1 with a reason in err (damaged, or larger than max: a gzip bomb). */
int tlsrpt_gunzip(const void *in, size_t inlen, size_t max, char **out, size_t *outlen, char *err,
                  size_t errlen);

#endif
