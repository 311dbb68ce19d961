/* cmd_lint - `mxray lint` (contract in cmd_lint.h).
 *
 * Arguments first (kind, one operand, flags anywhere), then read the input bounded, run the
 * same parser the engine uses, and print the problems compiler-style or as JSON. Usage errors
 * and unreadable input are exit 64 with one line on stderr; nothing is parsed then. */
#include "cmd_lint.h"
#include "escape.h"
#include "json.h"
#include "mx_limits.h"
#include "problem.h"
#include "sts.h"
#include "xalloc.h"
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum lint_kind { LINT_POLICY, LINT_STS_RECORD, LINT_TLSRPT_RECORD };
static const char *const kind_names[] = {"policy", "sts-record", "tlsrpt-record"};

struct lint_args {
    enum lint_kind kind;
    const char *operand;
    bool json;
    bool no_color;
    bool help;
};

/* The parsed result of whichever kind ran. */
struct lint_result {
    bool valid;
    struct problem_list problems;
    struct sts_policy policy;
    struct sts_record record;
    struct tlsrpt_record tlsrpt;
};

static const char usage_text[] =
    "usage: mxray lint policy FILE|-\n"
    "       mxray lint sts-record TEXT\n"
    "       mxray lint tlsrpt-record TEXT\n"
    "options: --json (machine-readable), --no-color\n"
    "exit status: 0 valid, 2 invalid, 64 usage error\n";

static int usage_error(FILE *err, const char *what, const char *arg)
{
    char *safe = escape_str(arg ? arg : "");
    fprintf(err, "mxray lint: %s%s%s\n", what, arg ? ": " : "", arg ? safe : "");
    fputs(usage_text, err);
    free(safe);
    return LINT_EXIT_USAGE;
}

/* parse_args - returns 0, or an exit status when the command line is unusable. */
static int parse_args(int argc, char **argv, struct lint_args *a, FILE *err)
{
    const char *pos[2] = {NULL, NULL};
    int npos = 0;
    bool opts = true;
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (opts && strcmp(s, "--") == 0) {
            opts = false;
        } else if (opts && strcmp(s, "--json") == 0) {
            a->json = true;
        } else if (opts && strcmp(s, "--no-color") == 0) {
            a->no_color = true;
        } else if (opts && (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0)) {
            a->help = true;
        } else if (opts && s[0] == '-' && s[1] != '\0') {
            return usage_error(err, "unknown option", s);
        } else if (npos < 2) {
            pos[npos++] = s;
        } else {
            return usage_error(err, "too many arguments (quote the record)", s);
        }
    }
    if (a->help)
        return 0;
    if (npos == 0)
        return usage_error(err, "missing what to lint", NULL);
    size_t k;
    for (k = 0; k < sizeof kind_names / sizeof kind_names[0]; k++)
        if (strcmp(pos[0], kind_names[k]) == 0)
            break;
    if (k == sizeof kind_names / sizeof kind_names[0])
        return usage_error(err, "unknown kind (policy, sts-record, tlsrpt-record)", pos[0]);
    a->kind = (enum lint_kind)k;
    if (npos < 2)
        return usage_error(err, a->kind == LINT_POLICY ? "missing FILE (or - for standard input)"
                                                       : "missing TEXT",
                           NULL);
    a->operand = pos[1];
    return 0;
}

/* read_bounded - up to max bytes of path ("-" = in); *len may reach max. NULL on error. */
static unsigned char *read_bounded(const char *path, FILE *in, size_t max, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? in : fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = xmalloc(max + 1);
    size_t n = 0, got;
    while (n < max && (got = fread(buf + n, 1, max - n, f)) > 0)
        n += got;
    int failed = ferror(f);
    int saved = errno;
    if (f != in)
        fclose(f);
    if (failed) {
        free(buf);
        errno = saved ? saved : EIO;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* lint_policy - returns 0, or LINT_EXIT_USAGE after printing why the file cannot be read. */
static int lint_policy(const struct lint_args *a, const char *name, FILE *in, FILE *err,
                       struct lint_result *res)
{
    size_t len = 0;
    /* one byte more than allowed tells "exactly at the limit" from "over it" */
    unsigned char *body = read_bounded(a->operand, in, MX_POLICY_BODY_MAX + 1, &len);
    if (!body) {
        char *safe = escape_str(a->operand);
        fprintf(err, "mxray lint: cannot read %s: %s\n", safe, strerror(errno));
        free(safe);
        return LINT_EXIT_USAGE;
    }
    if (len > MX_POLICY_BODY_MAX) {
        /* senders stop reading here; parsing a cut body would only add noise */
        problem_add(&res->problems, PROB_STS_POLICY_SIZE, STEP_LINT, name, 0,
                    "the policy is larger than %d bytes", MX_POLICY_BODY_MAX);
        res->valid = false;
        res->policy.max_age = -1;
    } else {
        res->valid = sts_policy_parse(body, len, &res->policy, &res->problems, STEP_LINT,
                                      name) == 0;
    }
    free(body);
    return 0;
}

/* message_body - the message without a leading "line N: " the parser adds, since the
 * compiler-style prefix and the JSON "line" field already say it. */
static const char *message_body(const struct problem *p)
{
    char prefix[32];
    int n = snprintf(prefix, sizeof prefix, "line %d: ", p->line);
    if (p->line > 0 && strncmp(p->message, prefix, (size_t)n) == 0)
        return p->message + n;
    return p->message;
}

static const char *sev_color(enum severity s)
{
    return s == SEV_ERROR ? "1;31" : s == SEV_WARNING ? "33" : "36";
}

static void print_text(const struct lint_result *res, const char *name, bool color, FILE *out)
{
    for (size_t i = 0; i < res->problems.n; i++) {
        const struct problem *p = &res->problems.items[i];
        const struct problem_def *d = problem_def(p->id);
        if (p->line > 0)
            fprintf(out, "%s:%d: ", name, p->line);
        else
            fprintf(out, "%s: ", name);
        if (color)
            fprintf(out, "\033[%sm%s\033[0m", sev_color(p->severity), severity_name(p->severity));
        else
            fputs(severity_name(p->severity), out);
        fprintf(out, ": %s: %s\n", d ? d->code : "?", message_body(p));
    }
    if (color)
        fprintf(out, "\033[%sm%s\033[0m\n", res->valid ? "32" : "1;31",
                res->valid ? "valid" : "invalid");
    else
        fputs(res->valid ? "valid\n" : "invalid\n", out);
}

static void json_policy_fields(struct json *w, const struct sts_policy *p)
{
    json_kv_str(w, "version", p->version);
    json_kv_str(w, "mode", p->mode != STS_MODE_UNKNOWN ? sts_mode_name(p->mode) : NULL);
    json_kv_str(w, "mode_text", p->mode_text);
    json_kv_strv(w, "mx", p->mx, p->nmx);
    if (p->max_age >= 0)
        json_kv_int(w, "max_age", p->max_age);
    else
        json_kv_null(w, "max_age");
    json_kv_str(w, "line_endings",
                p->crlf && p->lf ? "mixed" : p->crlf ? "crlf" : p->lf ? "lf" : NULL);
}

static void print_json(const struct lint_args *a, const struct lint_result *res,
                       const char *name, FILE *out)
{
    struct json *w = json_new(out, true);
    json_obj_begin(w);
    json_kv_bool(w, "valid", res->valid);
    json_kv_str(w, "kind", kind_names[a->kind]);
    json_kv_str(w, "input", name);
    if (a->kind == LINT_POLICY) {
        json_policy_fields(w, &res->policy);
    } else if (a->kind == LINT_STS_RECORD) {
        json_kv_str(w, "id", res->record.id);
        json_kv_strv(w, "extensions", res->record.extensions, res->record.nextensions);
    } else {
        json_kv_strv(w, "rua", res->tlsrpt.rua, res->tlsrpt.nrua);
    }
    json_key(w, "problems");
    json_arr_begin(w);
    for (size_t i = 0; i < res->problems.n; i++) {
        const struct problem *p = &res->problems.items[i];
        const struct problem_def *d = problem_def(p->id);
        json_obj_begin(w);
        json_kv_str(w, "code", d ? d->code : "?");
        json_kv_str(w, "severity", severity_name(p->severity));
        if (p->line > 0)
            json_kv_int(w, "line", p->line);
        json_kv_str(w, "message", message_body(p));
        json_kv_str(w, "rfc", d ? d->rfc : NULL);
        json_obj_end(w);
    }
    json_arr_end(w);
    json_obj_end(w);
    json_free(w);
}

static bool want_color(const struct lint_args *a, FILE *out)
{
    if (a->no_color || a->json)
        return false;
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        return false;
    int fd = fileno(out);
    return fd >= 0 && isatty(fd);
}

int cmd_lint_run(int argc, char **argv, FILE *in, FILE *out, FILE *err)
{
    struct lint_args a;
    int rc = parse_args(argc, argv, &a, err);
    if (rc != 0)
        return rc;
    if (a.help) {
        fputs(usage_text, out);
        return 0;
    }
    struct lint_result res;
    memset(&res, 0, sizeof res);
    /* the name problems are reported against: the file, or the kind for a record on argv */
    char *name = a.kind != LINT_POLICY        ? xstrdup(kind_names[a.kind])
                 : strcmp(a.operand, "-") == 0 ? xstrdup("<stdin>")
                                               : escape_str(a.operand);
    const unsigned char *text = (const unsigned char *)a.operand;
    switch (a.kind) {
    case LINT_POLICY:
        rc = lint_policy(&a, name, in, err, &res);
        break;
    case LINT_STS_RECORD:
        res.valid = sts_record_parse(text, strlen(a.operand), &res.record, &res.problems,
                                     STEP_LINT, name) == 0;
        break;
    case LINT_TLSRPT_RECORD:
        res.valid = tlsrpt_record_parse(text, strlen(a.operand), &res.tlsrpt, &res.problems,
                                        STEP_LINT, name) == 0;
        break;
    }
    if (rc == 0) {
        /* an error found outside the parser (size) also makes the input invalid */
        if (problem_list_worst(&res.problems) == SEV_ERROR)
            res.valid = false;
        if (a.json)
            print_json(&a, &res, name, out);
        else
            print_text(&res, name, want_color(&a, out), out);
        rc = res.valid ? LINT_EXIT_VALID : LINT_EXIT_INVALID;
    }
    sts_policy_free(&res.policy);
    sts_record_free(&res.record);
    tlsrpt_record_free(&res.tlsrpt);
    problem_list_clear(&res.problems);
    free(name);
    return rc;
}

int cmd_lint(int argc, char **argv)
{
    int rc = cmd_lint_run(argc, argv, stdin, stdout, stderr);
    fflush(stdout);
    return rc;
}
