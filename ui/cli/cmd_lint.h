/* cmd_lint - `mxray lint`: offline validation of a policy file, an _mta-sts record or a
 * TLS-RPT record with the engine's own parsers (no network).
 *
 *   mxray lint policy FILE|-        (- reads standard input)
 *   mxray lint sts-record TEXT
 *   mxray lint tlsrpt-record TEXT
 *   options anywhere after "lint": --json, --no-color, --help; "--" ends options
 *
 * Text output: one "NAME:LINE: severity: code: message" line per problem (compiler style,
 * ":LINE" omitted when the problem has no line), then "valid" or "invalid".
 * JSON output: { "valid", "kind", "input", <parsed fields>, "problems": [...] } with policy
 * fields version, mode, mx, max_age; sts-record: id; tlsrpt-record: rua.
 * Exit status: 0 valid (warnings allowed), 2 invalid, 64 usage error or unreadable input
 * (one line on stderr, "mxray lint: cannot read FILE: <reason>"). Policy input is read
 * bounded: more than MX_POLICY_BODY_MAX bytes is reported as sts.policy.size. */
#ifndef MXRAY_CMD_LINT_H
#define MXRAY_CMD_LINT_H
#include <stdio.h>

#define LINT_EXIT_VALID 0
#define LINT_EXIT_INVALID 2
#define LINT_EXIT_USAGE 64

/* cmd_lint - argv[0] is "lint"; uses stdin, stdout and stderr. */
int cmd_lint(int argc, char **argv);

/* cmd_lint_run - the same with explicit streams (tests). Colour is used only when out is a
 * terminal, NO_COLOR is unset and --no-color was not given. */
int cmd_lint_run(int argc, char **argv, FILE *in, FILE *out, FILE *err);

#endif
