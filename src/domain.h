/* domain - turn what a user typed into a domain name mxray may query.
 *
 * Accepts ASCII host names and IDNs (converted to A-labels with libidn2, UTS 46), strips one
 * trailing dot, lower-cases, and refuses anything else with a one-line reason. */
#ifndef MXRAY_DOMAIN_H
#define MXRAY_DOMAIN_H
#include <stddef.h>

/* domain_normalize - out receives the A-label form (out_len >= 254). Returns 0, or -1 with a
 * reason in err ("empty domain", "label longer than 63 characters", ...). */
int domain_normalize(const char *input, char *out, size_t out_len, char *err, size_t errlen);

/* domain_is_hostname - LDH labels, 1-63 each, total <= 253, at least one dot optional. */
int domain_is_hostname(const char *name);

#endif
