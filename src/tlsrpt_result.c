/* tlsrpt_result - the RFC 8460 result type table (tlsrpt_result.h). */
#include "tlsrpt_result.h"
#include <string.h>

#define TLSRPT_RESULT(id, type, rfc, pl, what, check) {type, rfc, pl, what, check},
static const struct tlsrpt_result_def defs[] = {
#include "tlsrpt_result_table.h"
};
#undef TLSRPT_RESULT

const struct tlsrpt_result_def *tlsrpt_result_def(enum tlsrpt_result_id id)
{
    return id < TLSRPT_RES_COUNT ? &defs[id] : NULL;
}

const struct tlsrpt_result_def *tlsrpt_result_lookup(const char *type)
{
    for (size_t i = 0; i < TLSRPT_RES_COUNT; i++)
        if (type && strcmp(defs[i].type, type) == 0)
            return &defs[i];
    return NULL;
}
