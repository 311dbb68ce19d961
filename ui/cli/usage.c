/* usage - help texts (kept in step with docs/mxray.1). */
#include "usage.h"

static const char common_opts[] =
    "  --resolver ADDR[:PORT]   DNS resolver to use (repeatable; default: the system's)\n"
    "  --ca-file PATH           trust anchors for HTTPS and SMTP (default: SSL_CERT_FILE or\n"
    "                           the system store)\n"
    "  --timeout SECONDS        limit for each network step (default 10)\n"
    "  -4, -6                   use only IPv4 / only IPv6 addresses\n"
    "  --connect-to HOST:PORT:ADDR:PORT\n"
    "                           reach HOST:PORT at ADDR:PORT; names and certificates are\n"
    "                           still checked against HOST (repeatable, as in curl)\n"
    "  --ehlo NAME              name to send in EHLO (default mxray.invalid)\n"
    "  --no-color, --no-colour  no colours (also: NO_COLOR set, or output not a terminal)\n";

void usage_main(FILE *f)
{
    fprintf(f,
            "mxray - why mail to a domain would or would not travel encrypted (MTA-STS)\n"
            "\n"
            "Usage:\n"
            "  mxray [OPTIONS] [DOMAIN]               interactive diagnosis (terminal UI)\n"
            "  mxray check [OPTIONS] DOMAIN...        report: --format text|json|markdown, --json\n"
            "  mxray check --batch FILE [OPTIONS]     many domains: table or JSON Lines\n"
            "  mxray check --format nagios DOMAIN...  monitoring-plugin line(s), exit 0-3\n"
            "  mxray history DOMAIN [--json]          what earlier checks saw, what changed\n"
            "  mxray plan DOMAIN --mx HOST...         safe, dated steps to a new MX set\n"
            "  mxray plan DOMAIN --remove             safe, dated steps to remove MTA-STS\n"
            "  mxray report [--json] [--check] INPUT... summarise TLS reports (RFC 8460)\n"
            "  mxray lint policy FILE|-               validate a policy file offline\n"
            "  mxray lint sts-record TEXT             validate one _mta-sts TXT record\n"
            "  mxray lint tlsrpt-record TEXT          validate one _smtp._tls TXT record\n"
            "  mxray demo [SCENARIO | --reports | --list]  the built-in teaching lab, offline\n"
            "  mxray lab [SCENARIO...]                serve the lab for other tools\n"
            "  mxray lesson [NAME]                    a class: questions before verdicts\n"
            "  mxray lesson --handout [NAME]          the lesson as Markdown, for printing\n"
            "  mxray --list-problems                  every problem code (Markdown)\n"
            "  mxray --help | --version\n"
            "\n"
            "Options:\n%s"
            "\n"
            "Exit status of check: 0 pass, 1 warn, 2 fail, 3 no MTA-STS published,\n"
            "130 interrupted; 64 usage, 65 bad --batch input, 66 unreadable --batch or\n"
            "--ca-file, 70 internal or too few file descriptors, 74 output failed.\n"
            "See mxray(1) and docs/problems.md.\n",
            common_opts);
}

void usage_check(FILE *f)
{
    fprintf(f,
            "Usage: mxray check [OPTIONS] DOMAIN...\n"
            "\n"
            "Runs the whole MTA-STS diagnosis of each DOMAIN: the _mta-sts and _smtp._tls TXT\n"
            "records, the HTTPS policy, the MX hosts and a STARTTLS handshake with each of\n"
            "their addresses, and prints a report.\n"
            "\n"
            "Options:\n%s"
            "  --format FORMAT          text (default), json, markdown (a ticket-ready\n"
            "                           report; not with --batch) or nagios (one\n"
            "                           monitoring-plugin line a domain, exit 0-3)\n"
            "  --json                   --format json: one JSON object per domain (schema\n"
            "                           mxray.report.v1); JSON Lines with several domains\n"
            "  -v, --verbose            add transcripts, DNS answers, HTTP headers, policy text\n"
            "  --batch FILE             one domain a line ('-' = stdin, '#' comments); a table,\n"
            "                           or JSON Lines with --json\n"
            "  --concurrency N          domains in flight at once (default 32)\n"
            "  --shard K/N              every N-th unique domain starting at the K-th, to\n"
            "                           split a list across machines (join outputs with cat)\n"
            "  --warn-days N            certificates expiring sooner warn (default 21)\n"
            "  --crit-days N            ... are CRITICAL with --format nagios (default 7)\n"
            "  --require-sts            no MTA-STS is CRITICAL with --format nagios\n"
            "  --state DIR              keep per-domain state there and report what changed\n"
            "                           (default $XDG_STATE_HOME/mxray, ~/.local/state/mxray)\n"
            "  --no-state               keep no state\n"
            "\n"
            "Exit status: 0 pass, 1 warn, 2 fail, 3 no MTA-STS published, 130 interrupted\n"
            "(a failure found before it stays 2); 64 usage, 65 bad --batch input,\n"
            "66 unreadable --batch or --ca-file, 70 internal or too few file descriptors,\n"
            "74 output failed; --format nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n"
            "The table: mxray(1).\n",
            common_opts);
}

void usage_plan(FILE *f)
{
    fprintf(f,
            "Usage: mxray plan [OPTIONS] DOMAIN --mx HOST [--mx HOST...] [--mode testing|enforce]\n"
            "                  [--via-testing]\n"
            "       mxray plan [OPTIONS] DOMAIN --remove\n"
            "       (either form) --step N --verify\n"
            "\n"
            "Checks DOMAIN live (as mxray check, with the target hosts probed too), then prints\n"
            "the ordered steps to reach the target MX set (or to remove MTA-STS, RFC 8461 8.3):\n"
            "what to do, the exact policy file and TXT record to publish (each with a new id),\n"
            "and the earliest safe time of each, from the live TTLs and max_age. The plan is\n"
            "saved; --step N --verify checks that step N of it is live as planned.\n"
            "\n"
            "Options:\n%s"
            "  --mx HOST                a host of the target MX set, in preference order\n"
            "                           (repeatable; a name, never an address)\n"
            "  --mode testing|enforce   the mode to end in (default: the live one, else testing)\n"
            "  --via-testing            an enforce domain goes through mode testing: its enforce\n"
            "                           policy is waited out before the MX change\n"
            "  --remove                 plan the removal of MTA-STS instead\n"
            "  --step N --verify        check that step N of the saved plan is live\n"
            "  --state DIR              the checks' history (read for the longest max_age seen)\n"
            "                           and the plans, in DIR/plans (default\n"
            "                           $XDG_STATE_HOME/mxray, else ~/.local/state/mxray)\n"
            "  --no-state               no history read or kept, no plan saved\n"
            "  --json                   one JSON object (schema mxray.plan.v1; with --verify\n"
            "                           mxray.plan.verify.v1)\n"
            "\n"
            "Exit status: 0 plan ready (or step live), 1 plan with warnings, 2 blocked: fix a\n"
            "target host first (or step not live), 64 usage, 70 internal error, 130 interrupted.\n",
            common_opts);
}

void usage_report(FILE *f)
{
    fprintf(f,
            "Usage: mxray report [--json] [--check] [OPTIONS] INPUT...\n"
            "\n"
            "Reads the SMTP TLS aggregate reports (RFC 8460) that senders mail to the rua\n"
            "address and summarises them per policy domain. INPUT: a JSON report, a gzip'd\n"
            "one, an e-mail (.eml), an mbox, a folder (recursively; a Maildir works), '-' for\n"
            "standard input, or an IMAP folder URL (imaps://user@host/INBOX; password from\n"
            "~/.netrc or a prompt; read-only). A report read twice counts once.\n"
            "\n"
            "Options:\n"
            "  --json                   one JSON object (schema mxray.tlsrpt.v1)\n"
            "  --check                  run the live check of each policy domain and mark each\n"
            "                           failure reproduced, not_reproduced or not_checked\n"
            "%s"
            "\n"
            "Exit status: 0 every input read and no failed session, 1 some report has\n"
            "failed sessions, 65 an input held no report or a report was damaged (the rest\n"
            "is still summarised), 64 usage, 70 internal error, 130 interrupted.\n",
            common_opts);
}
