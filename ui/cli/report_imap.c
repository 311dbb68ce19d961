/* report_imap - IMAP input (report_imap.h). */
#include "report_imap.h"

void report_imap_read(const char *url, const struct tlsrpt_sink *sink, struct tlsrpt_read_stats *st)
{
    st->errors++;
    sink->error(sink->arg, url, "IMAP is not supported yet");
}
