/* test_report_json - the JSON report: valid JSON for every scenario (checked by Python's json
 * module), the binding field names, null for unknown/not applicable, hostile strings. */
#include "testlib.h"
#include "report_fixtures.h"
#include "report_json.h"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char *render(const struct report *r, bool pretty)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    report_json_write(f, r, pretty);
    fclose(f);
    return buf;
}

/* py - parse doc with Python's json module and evaluate expr over it as d. */
static bool py(const char *doc, const char *expr)
{
    setenv("MXRAY_PYEXPR", expr, 1);
    /* Debian's interpreter directly: a version-manager shim costs a second per call */
    const char *py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s -c 'import json,os,sys; "
                    "d=json.loads(sys.stdin.buffer.read().decode(\"utf-8\")); "
                    "r=eval(os.environ[\"MXRAY_PYEXPR\"]); "
                    "sys.exit(0 if r else (print(json.dumps(d)[:3000], file=sys.stderr) or 1))'", py);
    FILE *p = popen(cmd, "w");
    ck_assert_ptr_nonnull(p);
    fputs(doc, p);
    return pclose(p) == 0;
}

/* check - both layouts parse and satisfy expr; the compact one is a single line. */
static void check(struct report *r, const char *expr)
{
    char *pretty = render(r, true);
    char *compact = render(r, false);
    ck_assert_msg(py(pretty, expr), "pretty JSON fails: %s", expr);
    ck_assert_msg(py(compact, expr), "compact JSON fails: %s", expr);
    ck_assert_ptr_eq(strchr(compact, '\n'), compact + strlen(compact) - 1);
    for (const char *p = pretty; *p; p++)
        ck_assert_msg((unsigned char)*p >= 0x20 || *p == '\n', "control byte in JSON");
    free(pretty);
    free(compact);
    report_free(r);
}

/* The binding contract: every name must be present wherever the object exists. */
#define CONTRACT_TOP                                                                           \
    "{'schema','domain','verdict','duration_ms','sts_record','policy','mx','tlsrpt',"          \
    "'problems'} <= set(d)"                                                                    \
    " and {'status','records','id'} <= set(d['sts_record'])"                                   \
    " and {'status','url','http_status','content_type','mode','mx','max_age','tls'}"           \
    " <= set(d['policy'])"                                                                     \
    " and {'status','rua'} <= set(d['tlsrpt'])"                                                \
    " and all({'host','preference','policy_match','sts_deliverable','addresses'} <= set(h)"    \
    " and all({'address','port','banner','starttls','tls'} <= set(a) for a in h['addresses'])" \
    " for h in d['mx'])"                                                                       \
    " and all({'code','severity','step','subject','message','report_as','rfc'} <= set(p)"     \
    " for p in d['problems'])"

#define TLS_KEYS                                                                               \
    "{'version','cipher','verified','verify_error','hostname_match','chain'}"
#define CHAIN_KEYS                                                                             \
    "{'subject','issuer','san','not_before','not_after','serial','sha256','key','signature'}"

START_TEST(all_good)
{
    check(fx_all_good(),
          CONTRACT_TOP
          " and d['schema'] == 'mxray.report.v1' and d['domain'] == 'example.com'"
          " and d['verdict'] == 'pass' and d['exit_code'] == 0 and d['duration_ms'] == 1234"
          " and d['sts_record']['status'] == 'ok' and d['sts_record']['id'] == '20260101000000'"
          " and d['policy']['status'] == 'ok' and d['policy']['http_status'] == 200"
          " and d['policy']['mode'] == 'enforce' and d['policy']['max_age'] == 604800"
          " and d['policy']['mx'] == ['mx1.example.com', '*.backup.example.com']"
          " and " TLS_KEYS " <= set(d['policy']['tls'])"
          " and d['policy']['headers'][1] == 'Cache-Control: max-age=60'"
          " and len(d['mx']) == 1 and d['mx'][0]['preference'] == 10"
          " and d['mx'][0]['policy_match'] is True"
          " and d['mx'][0]['matched_pattern'] == 'mx1.example.com'"
          " and [a['address'] for a in d['mx'][0]['addresses']] == ['192.0.2.25', '2001:db8::25']"
          " and all(a['port'] == 25 and a['starttls'] is True and a['sts_deliverable'] is True"
          "         and a['report_as'] is None for a in d['mx'][0]['addresses'])"
          " and " TLS_KEYS " <= set(d['mx'][0]['addresses'][0]['tls'])"
          " and " CHAIN_KEYS " <= set(d['mx'][0]['addresses'][0]['tls']['chain'][0])"
          " and d['mx'][0]['addresses'][0]['tls']['chain'][0]['san'] == ['mx1.example.com']"
          " and d['mx'][0]['addresses'][0]['tls']['chain'][0]['not_after'].endswith('Z')"
          " and d['mx'][0]['addresses'][0]['tls']['chain'][1]['is_ca'] is True"
          " and d['mx'][0]['addresses'][0]['stages']['connect_ms'] == 3"
          " and d['mx'][0]['addresses'][0]['transcript'][1]['dir'] == 'S'"
          " and d['tlsrpt']['status'] == 'ok' and d['tlsrpt']['rua'] == ['mailto:tls@example.com']"
          " and d['problems'] == [] and 'interrupted' not in d");
}
END_TEST

START_TEST(no_record)
{
    check(fx_no_record(),
          CONTRACT_TOP
          " and d['verdict'] == 'none' and d['exit_code'] == 3"
          " and d['sts_record']['status'] == 'missing' and d['sts_record']['id'] is None"
          " and d['sts_record']['records'] == ['google-site-verification=abc']"
          " and d['policy']['status'] == 'not_fetched' and d['policy']['mode'] is None"
          " and d['policy']['mx'] is None and d['policy']['max_age'] is None"
          " and d['policy']['tls'] is None and d['policy']['http_status'] is None"
          " and d['mx'][0]['policy_match'] is None and d['mx'][0]['sts_deliverable'] is None"
          " and d['tlsrpt']['status'] == 'missing' and d['tlsrpt']['rua'] == []"
          " and [p['code'] for p in d['problems']] == ['sts.record.missing', 'tlsrpt.missing']"
          " and d['problems'][0]['severity'] == 'info' and d['problems'][0]['step'] == 'sts_record'"
          " and d['problems'][0]['rfc'] == 'RFC 8461 3.1' and 'line' not in d['problems'][0]");
}
END_TEST

START_TEST(fetch_redirect)
{
    check(fx_redirect(),
          CONTRACT_TOP
          " and d['verdict'] == 'fail' and d['policy']['status'] == 'fetch_error'"
          " and d['policy']['http_status'] == 301"
          " and d['policy']['location'] == 'https://www.redirect.example/'"
          " and d['policy']['content_type'] == 'text/html' and d['policy']['mode'] is None"
          " and d['policy']['step']['state'] == 'fail'"
          " and d['problems'][0]['code'] == 'sts.policy.redirect'"
          " and d['problems'][0]['report_as'] == 'sts-policy-fetch-error'"
          " and d['mx'][0]['policy_match'] is None");
}
END_TEST

START_TEST(mx_mismatch)
{
    check(fx_mismatch(),
          CONTRACT_TOP
          " and d['verdict'] == 'fail' and d['exit_code'] == 2"
          " and d['mx'][0]['host'] == 'old-mx.mismatch.example'"
          " and d['mx'][0]['policy_match'] is False and d['mx'][0]['matched_pattern'] is None"
          " and 'matches no mx' in d['mx'][0]['match_note']"
          " and d['mx'][0]['addresses'][0]['sts_deliverable'] is False"
          " and d['mx'][0]['addresses'][0]['report_as'] == 'validation-failure'"
          " and d['problems'][0]['code'] == 'mx.policy_mismatch'"
          " and d['problems'][0]['report_as'] == 'validation-failure'");
}
END_TEST

START_TEST(expired_chain)
{
    check(fx_expired(),
          CONTRACT_TOP
          " and d['verdict'] == 'fail'"
          " and d['mx'][0]['addresses'][0]['tls']['verified'] is False"
          " and d['mx'][0]['addresses'][0]['tls']['verify_error'] == 'certificate has expired'"
          " and d['mx'][0]['addresses'][0]['tls']['expired'] is True"
          " and d['mx'][0]['addresses'][0]['tls']['verify_errors'][0]['code'] == 10"
          " and d['mx'][0]['addresses'][0]['report_as'] == 'certificate-expired'"
          " and d['problems'][0]['code'] == 'tls.cert.expired'"
          " and d['problems'][0]['step'] == 'tls'");
}
END_TEST

START_TEST(no_starttls)
{
    check(fx_no_starttls(),
          CONTRACT_TOP
          " and d['verdict'] == 'warn' and d['exit_code'] == 1"
          " and d['policy']['mode'] == 'testing'"
          " and d['mx'][0]['addresses'][0]['starttls'] is False"
          " and d['mx'][0]['addresses'][0]['tls'] is None"
          " and d['mx'][0]['addresses'][0]['fail'] == 'no_starttls'"
          " and d['mx'][0]['addresses'][0]['stages']['handshake_ms'] is None"
          " and d['problems'][0]['severity'] == 'warning'"
          " and d['problems'][1]['line'] == 2");
}
END_TEST

START_TEST(null_mx)
{
    check(fx_null_mx(),
          CONTRACT_TOP
          " and d['mx'] == [] and d['mx_lookup']['null_mx'] is True"
          " and d['mx_lookup']['step']['state'] == 'n/a'"
          " and d['problems'][0]['code'] == 'mx.null'");
}
END_TEST

START_TEST(hostile_strings)
{
    check(fx_hostile(),
          CONTRACT_TOP
          " and d['mx'][0]['addresses'][0]['banner'] =="
          "     'say \"hi\" \\\\ M\\u00fcller \\u540d \\x1b[2J\\rX\\x07'"
          " and d['mx'][0]['addresses'][0]['tls']['chain'][0]['subject'].startswith("
          "     'CN=\"quoted\\\\\",O=\\u041f\\u0440\\u0438\\u0432\\u0435\\u0442 very-long')"
          " and d['problems'][-1]['message'] == 'odd \"banner\" \\\\x1b \\n and tab\\t'");
}
END_TEST

START_TEST(interrupted_and_pending)
{
    struct report *r = fx_all_good();
    r->interrupted = true;
    r->mx.hosts[0]->addrs[1]->step.state = ST_RUNNING;
    check(r, "d['interrupted'] is True"
             " and d['mx'][0]['addresses'][1]['sts_deliverable'] is None");
    r = fx_all_good();
    r->done = false;
    check(r, "d['verdict'] == 'pending'");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("report_json");
    TCase *tc = tcase_create("scenarios");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, all_good);
    tcase_add_test(tc, no_record);
    tcase_add_test(tc, fetch_redirect);
    tcase_add_test(tc, mx_mismatch);
    tcase_add_test(tc, expired_chain);
    tcase_add_test(tc, no_starttls);
    tcase_add_test(tc, null_mx);
    tcase_add_test(tc, hostile_strings);
    tcase_add_test(tc, interrupted_and_pending);
    suite_add_tcase(s, tc);
    return s;
}
