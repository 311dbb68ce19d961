/* cmd_history - print the kept timeline of a domain (contract in cmd_history.h). */
#include "cmd_history.h"
#include "domain.h"
#include "escape.h"
#include "exit_status.h"
#include "json.h"
#include "mx_limits.h"
#include "state.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HISTORY_JSON_SCHEMA "mxray.history.v1"

static void usage(FILE *f)
{
    fputs("usage: mxray history DOMAIN [--json] [--state DIR]\n"
          "Print what mxray check saw of DOMAIN over time and what changed when.\n"
          "  --json       one JSON object (schema " HISTORY_JSON_SCHEMA ")\n"
          "  --state DIR  where check keeps state (default $XDG_STATE_HOME/mxray or\n"
          "               ~/.local/state/mxray)\n",
          f);
}

static const char *when(time_t t, char *buf, size_t len)
{
    struct tm tm;
    if (t <= 0 || !gmtime_r(&t, &tm))
        return NULL;
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/* put - an untrusted string from the file, escaped (or dflt when NULL). */
static void put(const char *s, const char *dflt)
{
    char *e = escape_str(s ? s : dflt);
    fputs(e, stdout);
    free(e);
}

static void print_text(const struct domain_state *s, const char *path)
{
    char b1[32], b2[32];
    printf("mxray: history of %s (%s)\n", s->domain, path);
    for (size_t i = 0; i < s->ntimeline; i++) {
        const struct state_event *e = &s->timeline[i];
        printf("\n%s  ", when(e->first_seen, b1, sizeof b1));
        put(e->verdict, "?");
        printf("  id ");
        put(e->sts_id, "(none)");
        printf(", mode ");
        put(e->mode, "(no valid policy)");
        if (e->max_age >= 0)
            printf(", max_age %lld", e->max_age);
        if (e->checks > 1)
            printf("  (%zu checks, last %s)", e->checks, when(e->last_seen, b2, sizeof b2));
        printf("\n    mx: ");
        put(e->mx, "(unknown)");
        printf("\n    policy sha256: ");
        put(e->policy_sha256, "(none fetched)");
        putchar('\n');
        for (size_t j = 0; j < e->nchanges; j++) {
            const struct state_change *c = &e->changes[j];
            printf("    %s ", strcmp(c->severity, "error") == 0 ? "[FAIL]" : "[INFO]");
            put(c->code, "?");
            printf(" at ");
            put(c->subject, "?");
            printf(": ");
            put(c->message, "");
            putchar('\n');
        }
    }
    if (!s->ntimeline)
        printf("(no timeline entries)\n");
}

static void print_json(const struct domain_state *s, const char *path)
{
    char b[32];
    struct json *w = json_new(stdout, true);
    json_obj_begin(w);
    json_kv_str(w, "schema", HISTORY_JSON_SCHEMA);
    json_kv_str(w, "domain", s->domain);
    json_kv_str(w, "state_file", path);
    json_kv_str(w, "seen", when(s->seen, b, sizeof b));
    json_key(w, "timeline");
    json_arr_begin(w);
    for (size_t i = 0; i < s->ntimeline; i++) {
        const struct state_event *e = &s->timeline[i];
        json_obj_begin(w);
        json_kv_str(w, "first_seen", when(e->first_seen, b, sizeof b));
        json_kv_str(w, "last_seen", when(e->last_seen, b, sizeof b));
        json_kv_int(w, "checks", (long long)e->checks);
        json_kv_str(w, "verdict", e->verdict);
        json_kv_str(w, "sts_id", e->sts_id);
        json_kv_str(w, "mode", e->mode);
        if (e->max_age >= 0)
            json_kv_int(w, "max_age", e->max_age);
        else
            json_kv_null(w, "max_age");
        json_kv_str(w, "policy_sha256", e->policy_sha256);
        json_kv_str(w, "mx", e->mx);
        json_key(w, "changes");
        json_arr_begin(w);
        for (size_t j = 0; j < e->nchanges; j++) {
            json_obj_begin(w);
            json_kv_str(w, "code", e->changes[j].code);
            json_kv_str(w, "severity", e->changes[j].severity);
            json_kv_str(w, "subject", e->changes[j].subject);
            json_kv_str(w, "message", e->changes[j].message);
            json_obj_end(w);
        }
        json_arr_end(w);
        json_obj_end(w);
    }
    json_arr_end(w);
    json_obj_end(w);
    json_free(w);
}

int cmd_history(int argc, char **argv)
{
    const char *domain = NULL, *dir = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--state") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else if (strncmp(a, "--state=", 8) == 0) {
            dir = a + 8;
        } else if (a[0] == '-' && a[1]) {
            char *e = escape_str(a);
            fprintf(stderr, "mxray history: unknown option %.80s\n", e);
            free(e);
            usage(stderr);
            return EX_USAGE;
        } else if (!domain) {
            domain = a;
        } else {
            fprintf(stderr, "mxray history: one domain at a time\n");
            return EX_USAGE;
        }
    }
    if (!domain) {
        usage(stderr);
        return EX_USAGE;
    }
    char name[MX_DOMAIN_MAX + 2], err[256], dflt[4096], path[4200];
    if (domain_normalize(domain, name, sizeof name, err, sizeof err) < 0 ||
        !state_name_safe(name)) {
        char *e = escape_str(domain);
        fprintf(stderr, "mxray history: %.80s: %s\n", e,
                *err ? err : "not a name for a state file");
        free(e);
        return EX_USAGE;
    }
    if (!dir || !*dir) {
        if (state_default_dir(dflt, sizeof dflt) < 0) {
            fprintf(stderr, "mxray history: neither XDG_STATE_HOME nor HOME is set; use "
                            "--state DIR\n");
            return EX_USAGE;
        }
        dir = dflt;
    }
    state_file_path(dir, name, path, sizeof path);
    char *shown = escape_str(path);
    struct domain_state s;
    int rc = 0;
    switch (state_read(dir, name, &s, err, sizeof err)) {
    case STATE_OK:
        if (json)
            print_json(&s, shown);
        else
            print_text(&s, shown);
        state_free(&s);
        break;
    case STATE_ABSENT:
        fprintf(stderr, "mxray history: no history of %s yet (%s); mxray check keeps it\n",
                name, shown);
        rc = EX_NOINPUT;
        break;
    case STATE_BAD: {
        char *e = escape_str(err);
        fprintf(stderr, "mxray history: %s: rejected: %s (the next check replaces it)\n", shown,
                e);
        free(e);
        rc = EX_DATAERR;
        break;
    }
    default: {
        char *e = escape_str(err);
        fprintf(stderr, "mxray history: %s\n", e);
        free(e);
        rc = EX_IOERR;
    }
    }
    free(shown);
    return rc;
}
