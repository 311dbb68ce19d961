/* tlsrpt_result - what each RFC 8460 result type means and what to check (one table,
 * tlsrpt_result_table.h, for the docs, the learn text check and the report faces). */
#ifndef MXRAY_TLSRPT_RESULT_H
#define MXRAY_TLSRPT_RESULT_H
#include <stdbool.h>
#include <stddef.h>

struct tlsrpt_result_def {
    const char *type;  /* "certificate-expired" */
    const char *rfc;   /* "RFC 8460 4.3.1" */
    bool policy_level; /* about the policy or its DNS, not one MX host's session */
    const char *what;  /* what the sender saw */
    const char *check; /* what to check (DOMAIN is a placeholder, see problem_text_fill) */
};

#define TLSRPT_RESULT(id, type, rfc, pl, what, check) TLSRPT_RES_##id,
enum tlsrpt_result_id {
#include "tlsrpt_result_table.h"
    TLSRPT_RES_COUNT
};
#undef TLSRPT_RESULT

const struct tlsrpt_result_def *tlsrpt_result_def(enum tlsrpt_result_id id);
/* tlsrpt_result_lookup - the entry of a type name, or NULL (senders may invent types). */
const struct tlsrpt_result_def *tlsrpt_result_lookup(const char *type);

#endif
