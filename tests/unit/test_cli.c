/* test_cli - argument parsing of check / the TUI: the binding option set and bad input. */
#include "testlib.h"
#include "cli.h"
#include <stdio.h>
#include <string.h>

static int parse(struct cli_opts *o, const char *line, char *err)
{
    static char buf[1024];
    char *argv[64];
    int argc = 0;
    snprintf(buf, sizeof buf, "%s", line);
    for (char *t = strtok(buf, " "); t && argc < 63; t = strtok(NULL, " "))
        argv[argc++] = t;
    argv[argc] = NULL;
    return cli_parse(argc, argv, 1, o, err, 256);
}

START_TEST(full_option_set)
{
    struct cli_opts o;
    char err[256] = "";
    ck_assert_int_eq(parse(&o, "check --resolver 127.0.0.1 --resolver [::1]:5353 --ca-file ca.pem "
                               "--timeout 2.5 -6 --json --no-color "
                               "--connect-to mx.example.com:25:192.0.2.1:2525 example.com b.example",
                           err),
                     0);
    ck_assert_uint_eq(o.nresolvers, 2);
    ck_assert_str_eq(o.resolvers[1], "[::1]:5353");
    ck_assert_str_eq(o.ca_file, "ca.pem");
    ck_assert_int_eq(o.timeout_ms, 2500);
    ck_assert_int_eq(o.family, 6);
    ck_assert(o.json && o.no_color);
    ck_assert_uint_eq(o.nconnect_to, 1);
    ck_assert_uint_eq(o.ndomains, 2);
    ck_assert_str_eq(o.domains[0], "example.com");
}
END_TEST

START_TEST(equals_form_and_defaults)
{
    struct cli_opts o;
    char err[256];
    ck_assert_int_eq(parse(&o, "check --timeout=7 example.org", err), 0);
    ck_assert_int_eq(o.timeout_ms, 7000);
    ck_assert_int_eq(parse(&o, "check example.org", err), 0);
    ck_assert_int_eq(o.timeout_ms, 10000);
    ck_assert_int_eq(o.family, 0);
    ck_assert(!o.json);
}
END_TEST

START_TEST(bad_input_rejected)
{
    static const char *const bad[] = {
        "check --bogus x.org",           "check --timeout",
        "check --timeout 0 x.org",       "check --timeout abc x.org",
        "check --timeout 601 x.org",     "check --resolver dns.google x.org",
        "check --resolver 1.2.3.4:0 x.org", "check --resolver 1.2.3.4:99999 x.org",
        "check --connect-to a:b x.org",  "check --connect-to mx:25:1.2.3.4 x.org",
        "check --connect-to mx:2x5:1.2.3.4:25 x.org",
        "check --batch",                 "check --batch a --batch b",
        "check --concurrency 0 x.org",   "check --concurrency 1001 x.org",
        "check --concurrency 5x x.org",  "check --shard 0/3 x.org",
        "check --shard 4/3 x.org",       "check --shard 3 x.org",
        "check --shard 1/ x.org",        "check --shard /2 x.org",
        "check --shard 1/2000000 x.org", "check --shard -1/2 x.org",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct cli_opts o;
        char err[256] = "";
        ck_assert_msg(parse(&o, bad[i], err) == -1, "accepted: %s", bad[i]);
        ck_assert_msg(strlen(err) > 0, "no reason for: %s", bad[i]);
    }
}
END_TEST

START_TEST(connect_to_forms)
{
    ck_assert(cli_valid_connect_to("mx.example.com:25:127.0.0.1:2525"));
    ck_assert(cli_valid_connect_to("mx.example.com:25:[::1]:2525"));
    /* issue 12: a name as the target passed the parser and failed the domain later */
    ck_assert(!cli_valid_connect_to("::new-mx.example.net:"));
    ck_assert(!cli_valid_connect_to("mx.example.com:25:localhost:25"));
    ck_assert(!cli_valid_connect_to("mx.example.com:25:999.1.1.1:25"));
    ck_assert(cli_valid_connect_to("mx.example.com:25::2525")); /* empty: keep DNS's address */
    ck_assert(cli_valid_connect_to("::192.0.2.7:"));
    ck_assert(!cli_valid_connect_to("mx.example.com:25:[::1:2525"));
    ck_assert(!cli_valid_connect_to("mx\x1b.example.com:25:1.2.3.4:25"));
    ck_assert(cli_valid_resolver("192.0.2.53"));
    ck_assert(cli_valid_resolver("2001:db8::53"));
    ck_assert(!cli_valid_resolver("[2001:db8::53"));
}
END_TEST

START_TEST(double_dash_ends_options)
{
    struct cli_opts o;
    char err[256];
    ck_assert_int_eq(parse(&o, "check -- -weird.example", err), 0);
    ck_assert_uint_eq(o.ndomains, 1);
    ck_assert_str_eq(o.domains[0], "-weird.example");
}
END_TEST

START_TEST(batch_options)
{
    struct cli_opts o;
    char err[256] = "";
    ck_assert_int_eq(parse(&o, "check x.org", err), 0);
    ck_assert_ptr_null(o.batch_file);
    ck_assert_int_eq(o.concurrency, CLI_CONCURRENCY_DEFAULT);
    ck_assert(!o.concurrency_set);
    ck_assert_int_eq(o.shard_k, 1);
    ck_assert_int_eq(o.shard_n, 1);
    ck_assert_int_eq(parse(&o, "check --batch domains.txt --concurrency 200 --shard 2/5 --json",
                           err),
                     0);
    ck_assert_str_eq(o.batch_file, "domains.txt");
    ck_assert_int_eq(o.concurrency, 200);
    ck_assert(o.concurrency_set && o.json);
    ck_assert_int_eq(o.shard_k, 2);
    ck_assert_int_eq(o.shard_n, 5);
    ck_assert_uint_eq(o.ndomains, 0);
    /* "-" is stdin, not an option; the = form works too */
    ck_assert_int_eq(parse(&o, "check --batch - --shard=5/5 a.example", err), 0);
    ck_assert_str_eq(o.batch_file, "-");
    ck_assert_int_eq(o.shard_k, 5);
    ck_assert_uint_eq(o.ndomains, 1);
    ck_assert_int_eq(parse(&o, "check --batch=list --concurrency=1", err), 0);
    ck_assert_str_eq(o.batch_file, "list");
    ck_assert_int_eq(o.concurrency, 1);
}
END_TEST

/* issue 12: an EHLO name every server would refuse made every MX "would NOT deliver". */
START_TEST(ehlo_names)
{
    ck_assert(cli_valid_ehlo("mxray.invalid"));
    ck_assert(cli_valid_ehlo("mail-1.example.org"));
    ck_assert(cli_valid_ehlo("[192.0.2.1]"));
    ck_assert(cli_valid_ehlo("[IPv6:2001:db8::1]"));
    ck_assert(!cli_valid_ehlo(""));
    ck_assert(!cli_valid_ehlo("a b"));
    ck_assert(!cli_valid_ehlo("host\r\nMAIL FROM:<x>"));
    ck_assert(!cli_valid_ehlo("-lead.example"));
    ck_assert(!cli_valid_ehlo("trail-.example"));
    ck_assert(!cli_valid_ehlo("a..b"));
    ck_assert(!cli_valid_ehlo("[999.1.1.1]"));
    char long_name[301];
    memset(long_name, 'a', 300);
    long_name[300] = '\0';
    ck_assert(!cli_valid_ehlo(long_name));
    struct cli_opts o;
    char err[256] = "";
    ck_assert_int_eq(parse(&o, "check --ehlo=a.b x.org", err), 0);
    ck_assert_int_eq(parse(&o, "check --ehlo=a,b x.org", err), -1);
    ck_assert_ptr_nonnull(strstr(err, "--ehlo"));
}
END_TEST

/* issue 12: option values and unknown options reached stderr raw (ESC, BEL). */
START_TEST(values_escaped_in_errors)
{
    struct cli_opts o;
    char err[256] = "";
    char *argv[] = {"check", "--\x1b]0;owned\x07", "x.org", NULL};
    ck_assert_int_eq(cli_parse(3, argv, 1, &o, err, sizeof err), -1);
    ck_assert_ptr_null(strchr(err, '\x1b'));
    ck_assert_ptr_null(strchr(err, '\x07'));
    ck_assert_ptr_nonnull(strstr(err, "\\x1b"));
    char *argv2[] = {"check", "--timeout", "\x1b[2J", "x.org", NULL};
    ck_assert_int_eq(cli_parse(4, argv2, 1, &o, err, sizeof err), -1);
    ck_assert_ptr_null(strchr(err, '\x1b'));
}
END_TEST

START_TEST(format_option)
{
    struct cli_opts o;
    char err[256] = "";
    ck_assert_int_eq(parse(&o, "check --format markdown a.example", err), 0);
    ck_assert_int_eq(o.format, CLI_FMT_MARKDOWN);
    ck_assert(!o.json);
    ck_assert_int_eq(parse(&o, "check --format=json a.example", err), 0);
    ck_assert(o.format == CLI_FMT_JSON && o.json);
    ck_assert_int_eq(parse(&o, "check --json a.example", err), 0); /* --json stays */
    ck_assert(o.format == CLI_FMT_JSON && o.json);
    ck_assert_int_eq(parse(&o, "check --json --format text a.example", err), 0); /* last wins */
    ck_assert(o.format == CLI_FMT_TEXT && !o.json);
    ck_assert_int_eq(parse(&o, "check a.example", err), 0);
    ck_assert_int_eq(o.format, CLI_FMT_TEXT);
    ck_assert_int_eq(parse(&o, "check --format html a.example", err), -1);
    ck_assert_ptr_nonnull(strstr(err, "expected text, json, markdown"));
    ck_assert_int_eq(parse(&o, "check --format", err), -1);
    ck_assert_int_eq(parse(&o, "check --format markdown --batch list.txt", err), -1);
    ck_assert_ptr_nonnull(strstr(err, "does not combine with --batch"));
    ck_assert_int_eq(parse(&o, "check --format json --batch list.txt", err), 0);
    ck_assert(o.json);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, full_option_set);
    tcase_add_test(tc, equals_form_and_defaults);
    tcase_add_test(tc, bad_input_rejected);
    tcase_add_test(tc, connect_to_forms);
    tcase_add_test(tc, double_dash_ends_options);
    tcase_add_test(tc, batch_options);
    tcase_add_test(tc, ehlo_names);
    tcase_add_test(tc, values_escaped_in_errors);
    tcase_add_test(tc, format_option);
    suite_add_tcase(s, tc);
    return s;
}
