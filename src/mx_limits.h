/* mx_limits.h - every bound mxray puts on what it receives or spends.
 * Each number is explained in docs/limits.md; change both together. (Not named limits.h:
 * with -Isrc that would shadow the C library's <limits.h>.) */
#ifndef MXRAY_LIMITS_H
#define MXRAY_LIMITS_H

#define MX_DOMAIN_MAX 253             /* RFC 1035 presentation length, no trailing dot */
#define MX_LABEL_MAX 63               /* RFC 1035 2.3.4 */
#define MX_DNS_RR_MAX 64              /* answer records kept per query */
#define MX_DNS_TXT_MAX 4096           /* bytes of one TXT record's strings, concatenated */
#define MX_DNS_TXT_STRINGS_MAX 64     /* character-strings per TXT record */
#define MX_DNS_INFLIGHT_MAX 64        /* queries handed to c-ares at once; the rest wait */
#define MX_RUA_CHECKS_MAX 4           /* TLS-RPT report addresses whose domain is looked up */
#define MX_MX_HOSTS_MAX 32            /* MX hosts probed per domain */
#define MX_ADDRS_PER_HOST_MAX 8       /* addresses probed per MX host and family */
#define MX_POLICY_BODY_MAX 65536      /* RFC 8461 3.3 suggests 64 KiB */
#define MX_POLICY_MX_MAX 64           /* mx: lines kept from one policy */
#define MX_HTTP_HEADERS_MAX 64        /* response headers kept */
#define MX_HTTP_HEADER_LINE_MAX 1024  /* bytes of one header line kept */
#define MX_SMTP_LINE_MAX 1024         /* bytes of one SMTP reply line kept (rest dropped) */
#define MX_SMTP_REPLY_LINES_MAX 100   /* lines of one multi-line SMTP reply kept */
#define MX_SMTP_REPLY_BYTES_MAX 65536 /* bytes read for one SMTP reply before giving up */
#define MX_TRANSCRIPT_MAX 256         /* transcript lines kept per SMTP session */
#define MX_CHAIN_MAX 16               /* certificates kept per chain */
#define MX_SAN_MAX 256                /* SAN entries kept per certificate */
#define MX_CERT_FIELD_MAX 1024        /* bytes of one certificate text field */
#define MX_ESCAPED_MAX 8192           /* output bytes of one escaped string */
#define MX_TIMEOUT_DEFAULT_MS 10000   /* --timeout default, per network step */
#define MX_POLICY_TIMEOUT_MAX_MS 60000 /* RFC 8461 3.3: one minute at most */
#define MX_CONNECT_TO_MAX 32          /* --connect-to mappings */
#define MX_RESOLVERS_MAX 8            /* --resolver entries */
#define MX_EXPIRING_DAYS 21           /* tls.cert.expiring threshold (default --warn-days) */
#define MX_CRITICAL_DAYS 7            /* monitoring: critical below (default --crit-days) */
#define MX_DAYS_MAX 3650              /* largest --warn-days / --crit-days */
#define MX_MAX_AGE_SHORT 86400        /* sts.policy.max_age_short threshold (seconds) */
#define MX_MAX_AGE_LIMIT 31557600     /* RFC 8461 3.2: max_age upper bound */

#endif
