/* test_tlsrpt_report - RFC 8460 aggregate reports: the parser (every sender style of
 * tests/data/tlsrpt, every kind of bad input), gzip with its bomb bound, e-mail and mbox
 * extraction, and the summary (duplicates, per-policy-type totals, groups, days). */
#include "testlib.h"
#include "tlsrpt_input.h"
#include "tlsrpt_report.h"
#include "tlsrpt_result.h"
#include "problem.h"
#include "tlsrpt_summary.h"
#include "tlsrpt_spool.h"
#include "tlsrpt_json.h"
#include "tlsrpt_text.h"
#include "json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <zlib.h>

static char *slurp(const char *name, size_t *len)
{
    FILE *f = fopen(testlib_data_path(name), "rb");
    ck_assert_msg(f != NULL, "%s", name);
    char *buf = malloc(1 << 20);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static int parse_file(const char *name, struct tlsrpt_report *r, char *err, size_t errlen)
{
    size_t len;
    char *buf = slurp(name, &len);
    int rc = tlsrpt_report_parse(buf, len, r, err, errlen);
    free(buf);
    return rc;
}

START_TEST(rfc_example)
{
    struct tlsrpt_report r;
    char err[256];
    ck_assert_int_eq(parse_file("tlsrpt/rfc8460-example.json", &r, err, sizeof err), 0);
    ck_assert_str_eq(r.organization, "Company-X");
    ck_assert_str_eq(r.report_id, "5065427c-23d3-47ca-b6e0-946ea0e8c4be");
    ck_assert_str_eq(r.contact, "sts-reporting@company-x.example");
    ck_assert_int_eq(r.start, 1459468800);
    ck_assert_int_eq(r.end, 1459468800 + 86399);
    ck_assert_uint_eq(r.npolicies, 1);
    const struct tlsrpt_policy *p = &r.policies[0];
    ck_assert_str_eq(p->type, "sts");
    ck_assert_str_eq(p->domain, "company-y.example");
    ck_assert_uint_eq(p->nstrings, 4);
    ck_assert_str_eq(p->strings[1], "mode: testing");
    ck_assert_uint_eq(p->nmx_host, 1);
    ck_assert_int_eq(p->successful, 5326);
    ck_assert_int_eq(p->failed, 303);
    ck_assert_uint_eq(p->nfailures, 3);
    ck_assert_str_eq(p->failures[1].result_type, "starttls-not-supported");
    ck_assert_str_eq(p->failures[1].receiving_ip, "203.0.113.56");
    ck_assert_int_eq(p->failures[1].count, 200);
    ck_assert_ptr_null(p->failures[0].receiving_ip);
    ck_assert_str_eq(p->failures[2].reason_code, "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED");
    ck_assert_int_eq(p->failures[0].now, NOW_NOT_CHECKED);
    tlsrpt_report_free(&r);
}
END_TEST

START_TEST(microsoft_mx_host_string)
{
    struct tlsrpt_report r;
    char err[256];
    ck_assert_int_eq(parse_file("tlsrpt/microsoft-sts-tlsa.json", &r, err, sizeof err), 0);
    ck_assert_uint_eq(r.npolicies, 2);
    ck_assert_str_eq(r.policies[1].type, "tlsa");
    ck_assert_uint_eq(r.policies[1].nmx_host, 1); /* a string, not an array */
    ck_assert_str_eq(r.policies[1].mx_host[0], "mx1.example.org");
    tlsrpt_report_free(&r);
}
END_TEST

static const struct {
    const char *json, *needle;
} bad[] = {
    {"not json at all", "not JSON"},
    {"{\"a\":", "not JSON"},
    {"[1,2,3]", "not a TLS report"},
    {"{\"feedback\":{}}", "not a TLS report"},
    {"{\"organization-name\":\"x\"}", "report-id: missing"},
    {"{\"organization-name\":5,\"report-id\":\"1\"}", "organization-name: expected a string"},
    {"{\"organization-name\":\"x\",\"report-id\":\"1\",\"date-range\":{\"start-datetime\":"
     "\"yesterday\",\"end-datetime\":\"2026-01-01T00:00:00Z\"},\"policies\":[]}",
     "date-range.start-datetime: \"yesterday\" is not an RFC 3339"},
    {"{\"organization-name\":\"x\",\"report-id\":\"1\",\"date-range\":{\"start-datetime\":"
     "\"2026-01-01T00:00:00Z\",\"end-datetime\":\"2026-01-01T00:00:00Z\"}}",
     "policies: missing"},
    {"{\"organization-name\":\"x\",\"report-id\":\"1\",\"date-range\":{\"start-datetime\":"
     "\"2026-01-01T00:00:00Z\",\"end-datetime\":\"2026-01-01T00:00:00Z\"},\"policies\":"
     "[{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"a.example\"},\"summary\":"
     "{\"total-successful-session-count\":\"5\",\"total-failure-session-count\":0}}]}",
     "policies[0].summary.total-successful-session-count: expected a whole number, got a "
     "string"},
    {"{\"organization-name\":\"x\",\"report-id\":\"1\",\"date-range\":{\"start-datetime\":"
     "\"2026-01-01T00:00:00Z\",\"end-datetime\":\"2026-01-01T00:00:00Z\"},\"policies\":"
     "[{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"a.example\"},\"summary\":"
     "{\"total-successful-session-count\":-1,\"total-failure-session-count\":0}}]}",
     "-1 is out of range"},
    {"{\"organization-name\":\"x\",\"report-id\":\"1\",\"date-range\":{\"start-datetime\":"
     "\"2026-01-01T00:00:00Z\",\"end-datetime\":\"2026-01-01T00:00:00Z\"},\"policies\":"
     "[{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"a.example\"},\"summary\":"
     "{\"total-successful-session-count\":1,\"total-failure-session-count\":1},"
     "\"failure-details\":[{\"result-type\":\"certificate-expired\"}]}]}",
     "policies[0].failure-details[0].failed-session-count: missing"},
};

START_TEST(bad_input)
{
    struct tlsrpt_report r;
    char err[256] = "";
    ck_assert_int_eq(tlsrpt_report_parse(bad[_i].json, strlen(bad[_i].json), &r, err, sizeof err),
                     -1);
    ck_assert_msg(strstr(err, bad[_i].needle), "got \"%s\", want \"%s\"", err, bad[_i].needle);
    tlsrpt_report_free(&r);
}
END_TEST

START_TEST(deep_nesting)
{
    size_t n = 100000;
    char *s = malloc(n + 1);
    memset(s, '[', n);
    s[n] = '\0';
    struct tlsrpt_report r;
    char err[256];
    ck_assert_int_eq(tlsrpt_report_parse(s, n, &r, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "nested deeper"));
    /* brackets inside strings do not count */
    ck_assert(tlsrpt_json_depth_ok("{\"a\":\"[[[[[[[[\\\"[[[[[\"}", 22, 2));
    free(s);
}
END_TEST

START_TEST(times)
{
    time_t t;
    ck_assert_int_eq(tlsrpt_parse_time("2016-04-01T00:00:00Z", &t), 0);
    ck_assert_int_eq(t, 1459468800);
    ck_assert_int_eq(tlsrpt_parse_time("2016-04-01T02:00:00.123+02:00", &t), 0);
    ck_assert_int_eq(t, 1459468800);
    ck_assert_int_eq(tlsrpt_parse_time("2016-04-01", &t), -1);
    ck_assert_int_eq(tlsrpt_parse_time("2016-13-01T00:00:00Z", &t), -1);
    ck_assert_int_eq(tlsrpt_parse_time("2016-04-01T00:00:00", &t), -1);
    char buf[32];
    tlsrpt_format_time(1459468800, buf, sizeof buf);
    ck_assert_str_eq(buf, "2016-04-01T00:00:00Z");
}
END_TEST

static char *gzip_bytes(const char *in, size_t len, size_t *outlen)
{
    uLong cap = compressBound(len) + 64;
    char *out = malloc(cap);
    z_stream z = {0};
    ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    *outlen = z.total_out;
    deflateEnd(&z);
    return out;
}

START_TEST(gunzip_bounds)
{
    const char *text = "{\"hello\": \"world\"}";
    size_t glen, len;
    char *gz = gzip_bytes(text, strlen(text), &glen), *out, err[256];
    ck_assert_int_eq(tlsrpt_gunzip(gz, glen, 1024, &out, &len, err, sizeof err), 0);
    ck_assert_str_eq(out, text);
    free(out);
    /* cut short, and damaged */
    ck_assert_int_eq(tlsrpt_gunzip(gz, glen - 6, 1024, &out, &len, err, sizeof err), -1);
    gz[12] ^= 0x55;
    ck_assert_int_eq(tlsrpt_gunzip(gz, glen, 1024, &out, &len, err, sizeof err), -1);
    free(gz);
    /* a bomb: 64 MiB of zeros, limit 1 MiB */
    size_t big = 64u << 20;
    char *zeros = calloc(1, big);
    gz = gzip_bytes(zeros, big, &glen);
    free(zeros);
    ck_assert_int_eq(tlsrpt_gunzip(gz, glen, 1u << 20, &out, &len, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "more than 1 MiB"));
    free(gz);
}
END_TEST

struct collect {
    int reports, errors, skipped;
    char last_source[256], last_error[256];
};

static int c_report(void *arg, const char *source, const char *json, size_t len)
{
    struct collect *c = arg;
    struct tlsrpt_report r;
    char err[256];
    ck_assert_int_eq(tlsrpt_report_parse(json, len, &r, err, sizeof err), 0);
    tlsrpt_report_free(&r);
    snprintf(c->last_source, sizeof c->last_source, "%s", source);
    c->reports++;
    return 0;
}

static void c_error(void *arg, const char *source, const char *msg)
{
    struct collect *c = arg;
    snprintf(c->last_error, sizeof c->last_error, "%s: %s", source, msg);
    c->errors++;
}

static void c_skipped(void *arg, const char *source)
{
    ((struct collect *)arg)->skipped++;
}

static const char mail_head[] =
    "From: noreply-smtp-tls-reporting@google.com\r\n"
    "To: tls-reports@shop.example\r\n"
    "Subject: Report Domain: shop.example Submitter: google.com Report-ID: <1>\r\n"
    "TLS-Report-Domain: shop.example\r\nTLS-Report-Submitter: google.com\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"b1\"\r\n\r\n"
    "--b1\r\nContent-Type: text/plain\r\n\r\nThis is an aggregate TLS report.\r\n"
    "--b1\r\nContent-Type: application/tlsrpt+gzip\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment; filename=\"google.com!shop.example!1.json.gz\"\r\n\r\n";

/* a Google-style report e-mail around the gzip'd report; b64 wraps at 76 columns */
static char *google_mail(void)
{
    size_t jlen, glen;
    char *json = slurp("tlsrpt/google-no-policy.json", &jlen);
    char *gz = gzip_bytes(json, jlen, &glen);
    gchar *b64 = g_base64_encode((const guchar *)gz, glen);
    GString *m = g_string_new(mail_head);
    for (size_t i = 0, n = strlen(b64); i < n; i += 76)
        g_string_append_printf(m, "%.76s\r\n", b64 + i);
    g_string_append(m, "--b1--\r\n");
    free(json);
    free(gz);
    g_free(b64);
    return g_string_free(m, FALSE);
}

START_TEST(mail_and_mbox)
{
    char *mail = google_mail();
    struct collect c = {0};
    struct tlsrpt_sink sink = {c_report, c_error, c_skipped, &c};
    struct tlsrpt_read_stats st = {0};
    tlsrpt_read_buffer(mail, strlen(mail), "one.eml", &sink, &st);
    ck_assert_int_eq(c.reports, 1);
    ck_assert_int_eq(c.errors, 0);
    ck_assert_str_eq(c.last_source, "one.eml");
    /* an mbox: the report twice, a person's mail between them */
    GString *mb = g_string_new("");
    g_string_append_printf(mb, "From a@b Sat Nov  1 00:00:00 2026\n%s\n", mail);
    g_string_append(mb, "From c@d Sat Nov  1 00:00:00 2026\nFrom: c@d\nSubject: hi\n\n"
                        "Where do these reports come from?\n\n");
    g_string_append_printf(mb, "From a@b Sat Nov  1 00:00:00 2026\n%s\n", mail);
    memset(&c, 0, sizeof c);
    memset(&st, 0, sizeof st);
    tlsrpt_read_buffer(mb->str, mb->len, "box", &sink, &st);
    ck_assert_int_eq(c.reports, 2);
    ck_assert_int_eq(c.skipped, 1);
    ck_assert_str_eq(c.last_source, "box#3");
    g_string_free(mb, TRUE);
    /* a damaged attachment is an error, not a skip */
    char *p = strstr(mail, "H4sI");
    ck_assert_ptr_nonnull(p);
    memcpy(p + 20, "AAAAAAAA", 8);
    memset(&c, 0, sizeof c);
    memset(&st, 0, sizeof st);
    tlsrpt_read_buffer(mail, strlen(mail), "bad.eml", &sink, &st);
    ck_assert_int_eq(c.reports + c.errors, 1);
    g_free(mail);
    /* an e-mail without a report is skipped */
    const char *dmarc = "From: x@y\nContent-Type: application/gzip; name=\"y!x!1!2.xml.gz\"\n"
                        "Content-Transfer-Encoding: base64\n\nH4sIAAAAAAAAAwMAAAAAAAAAAAA=\n";
    memset(&c, 0, sizeof c);
    memset(&st, 0, sizeof st);
    tlsrpt_read_buffer(dmarc, strlen(dmarc), "dmarc.eml", &sink, &st);
    ck_assert_int_eq(c.skipped, 1);
    ck_assert_int_eq(c.reports + c.errors, 0);
}
END_TEST

/* the report as --json prints it */
static char *report_json_text(const char *source, const struct tlsrpt_report *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct json *w = json_new(f, true);
    json_obj_begin(w);
    json_key(w, "r");
    tlsrpt_json_report(w, source, r);
    json_obj_end(w);
    json_free(w);
    fclose(f);
    return buf;
}

START_TEST(spool_round_trip)
{
    const char *names[] = {"tlsrpt/rfc8460-example.json", "tlsrpt/google-no-policy.json",
                           "tlsrpt/microsoft-sts-tlsa.json", "tlsrpt/duplicate-details.json"};
    const size_t n = sizeof names / sizeof *names;
    FILE *f = tmpfile();
    char *want[4];
    for (size_t i = 0; i < n; i++) {
        struct tlsrpt_report r;
        char err[256];
        ck_assert_int_eq(parse_file(names[i], &r, err, sizeof err), 0);
        ck_assert_int_eq(tlsrpt_spool_write(f, names[i], &r), 0);
        want[i] = report_json_text(names[i], &r);
        tlsrpt_report_free(&r);
    }
    long size = ftell(f);
    rewind(f);
    for (size_t i = 0; i < n; i++) {
        char *source;
        struct tlsrpt_report r;
        ck_assert_int_eq(tlsrpt_spool_read(f, &source, &r), 1);
        char *got = report_json_text(source, &r);
        ck_assert_str_eq(got, want[i]);
        free(got);
        free(source);
        tlsrpt_report_free(&r);
    }
    char *source;
    struct tlsrpt_report r;
    ck_assert_int_eq(tlsrpt_spool_read(f, &source, &r), 0);
    /* cut anywhere inside the last record: damaged, nothing leaks (ASan), no crash */
    for (long cut = size - 1; cut > size - 200; cut -= 7) {
        ck_assert_int_eq(ftruncate(fileno(f), cut), 0);
        rewind(f);
        for (size_t i = 0; i < n - 1; i++) {
            ck_assert_int_eq(tlsrpt_spool_read(f, &source, &r), 1);
            free(source);
            tlsrpt_report_free(&r);
        }
        ck_assert_int_eq(tlsrpt_spool_read(f, &source, &r), -1);
    }
    for (size_t i = 0; i < n; i++)
        free(want[i]);
    fclose(f);
}
END_TEST

/* the text summary's trend: days up to a month, weeks up to half a year, months beyond;
 * long reporter lists wrap */
static char *trend_text(int days, int step)
{
    struct tlsrpt_summary *s = tlsrpt_summary_new();
    for (int i = 0; i < days; i += step) {
        time_t t = 1767225600 + (time_t)i * 86400; /* 2026-01-01 */
        char start[32], end[32], json[1024];
        tlsrpt_format_time(t, start, sizeof start);
        tlsrpt_format_time(t + 86399, end, sizeof end);
        snprintf(json, sizeof json,
                 "{\"organization-name\":\"Reporter with a long name %02d\",\"date-range\":"
                 "{\"start-datetime\":\"%s\",\"end-datetime\":\"%s\"},\"contact-info\":"
                 "\"x@y\",\"report-id\":\"%d\",\"policies\":[{\"policy\":{\"policy-type\":"
                 "\"sts\",\"policy-domain\":\"a.example\"},\"summary\":{"
                 "\"total-successful-session-count\":99,\"total-failure-session-count\":1}}]}",
                 i % 12, start, end, i);
        struct tlsrpt_report r;
        char err[256];
        ck_assert_msg(tlsrpt_report_parse(json, strlen(json), &r, err, sizeof err) == 0, "%s", err);
        tlsrpt_summary_add(s, &r);
        tlsrpt_report_free(&r);
    }
    tlsrpt_summary_sort(s);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    tlsrpt_text_write(f, s, false);
    fclose(f);
    tlsrpt_summary_free(s);
    return buf;
}

static int count_lines_with(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

START_TEST(text_trend_and_wrap)
{
    char *t = trend_text(20, 1);
    ck_assert_msg(strstr(t, "  By day:\n"), "%s", t);
    ck_assert_int_eq(count_lines_with(t, "\n    20"), 20);
    ck_assert_msg(strstr(t, "    2026-01-20          99 ok         1 failed (1.0%)\n"), "%s", t);
    for (const char *line = t; *line; line = strchr(line, '\n') + 1)
        ck_assert_msg(strcspn(line, "\n") <= 100, "line over 100 columns: %.*s",
                      (int)strcspn(line, "\n"), line);
    free(t);
    t = trend_text(90, 1); /* Thursday 2026-01-01 to 2026-03-31: 14 weeks from Monday */
    ck_assert_msg(strstr(t, "  By week (from Monday):\n"), "%s", t);
    ck_assert_msg(strstr(t, "    2025-12-29         396 ok         4 failed (1.0%)\n"), "%s", t);
    ck_assert_int_eq(count_lines_with(t, "\n    20"), 14);
    free(t);
    t = trend_text(365, 3);
    ck_assert_msg(strstr(t, "  By month:\n"), "%s", t);
    ck_assert_int_eq(count_lines_with(t, "\n    20"), 12);
    ck_assert_msg(strstr(t, "    2026-02   "), "%s", t);
    free(t);
}
END_TEST

START_TEST(group_addresses_in_order)
{
    const char *json =
        "{\"organization-name\":\"O\",\"date-range\":{\"start-datetime\":"
        "\"2026-01-01T00:00:00Z\",\"end-datetime\":\"2026-01-01T23:59:59Z\"},"
        "\"contact-info\":\"x@y\",\"report-id\":\"1\",\"policies\":[{\"policy\":"
        "{\"policy-type\":\"sts\",\"policy-domain\":\"a.example\"},\"summary\":{"
        "\"total-successful-session-count\":1,\"total-failure-session-count\":4},"
        "\"failure-details\":["
        "{\"result-type\":\"certificate-expired\",\"receiving-mx-hostname\":\"mx.a.example\","
        "\"receiving-ip\":\"2001:db8::1\",\"failed-session-count\":1},"
        "{\"result-type\":\"certificate-expired\",\"receiving-mx-hostname\":\"mx.a.example\","
        "\"receiving-ip\":\"not an address\",\"failed-session-count\":1},"
        "{\"result-type\":\"certificate-expired\",\"receiving-mx-hostname\":\"mx.a.example\","
        "\"receiving-ip\":\"192.0.2.10\",\"failed-session-count\":1},"
        "{\"result-type\":\"certificate-expired\",\"receiving-mx-hostname\":\"mx.a.example\","
        "\"receiving-ip\":\"192.0.2.9\",\"failed-session-count\":1}]}]}";
    struct tlsrpt_report r;
    char err[256];
    ck_assert_msg(tlsrpt_report_parse(json, strlen(json), &r, err, sizeof err) == 0, "%s", err);
    struct tlsrpt_summary *s = tlsrpt_summary_new();
    tlsrpt_summary_add(s, &r);
    tlsrpt_report_free(&r);
    tlsrpt_summary_sort(s);
    ck_assert_int_eq(s->ndomains, 1);
    ck_assert_int_eq(s->domains[0].ngroups, 1);
    const struct tlsrpt_group *g = &s->domains[0].groups[0];
    ck_assert_int_eq(g->nips, 4);
    ck_assert_str_eq(g->ips[0], "192.0.2.9");
    ck_assert_str_eq(g->ips[1], "192.0.2.10");
    ck_assert_str_eq(g->ips[2], "2001:db8::1");
    ck_assert_str_eq(g->ips[3], "not an address");
    tlsrpt_summary_free(s);
}
END_TEST

static void add_file(struct tlsrpt_summary *s, const char *name, int want)
{
    struct tlsrpt_report r;
    char err[256];
    ck_assert_int_eq(parse_file(name, &r, err, sizeof err), 0);
    ck_assert_int_eq(tlsrpt_summary_add(s, &r), want);
    tlsrpt_report_free(&r);
}

START_TEST(summary)
{
    struct tlsrpt_summary *s = tlsrpt_summary_new();
    add_file(s, "tlsrpt/microsoft-sts-tlsa.json", 1);
    add_file(s, "tlsrpt/duplicate-details.json", 1);
    add_file(s, "tlsrpt/microsoft-sts-tlsa.json", 0); /* the same report again */
    add_file(s, "tlsrpt/google-no-policy.json", 1);
    tlsrpt_summary_sort(s);
    ck_assert_uint_eq(s->reports, 3);
    ck_assert_uint_eq(s->duplicates, 1);
    ck_assert_uint_eq(s->ndomains, 2);
    const struct tlsrpt_domain *d = tlsrpt_summary_find(s, "example.org");
    ck_assert_ptr_nonnull(d);
    /* Microsoft's sts and tlsa list the same 1200 sessions: counted once */
    ck_assert_int_eq(d->successful, 1180 + 300);
    ck_assert_int_eq(d->failed, 20 + 7);
    ck_assert_uint_eq(d->ntypes, 2);
    ck_assert_str_eq(d->types[1].type, "tlsa");
    ck_assert_int_eq(d->types[1].failed, 20);
    ck_assert_uint_eq(d->nreporters, 2);
    ck_assert_str_eq(d->reporters[0], "Mail Provider Z");
    ck_assert_uint_eq(d->ndays, 2);
    ck_assert_int_eq(d->days[1].failed, 7);
    /* duplicate details add up; "MX1.example.org." is mx1.example.org */
    ck_assert_str_eq(d->groups[0].result_type, "certificate-expired");
    ck_assert_int_eq(d->groups[0].count, 26);
    ck_assert_uint_eq(d->groups[0].nips, 1);
    ck_assert_str_eq(d->groups[2].receiving_mx, "mx1.example.org");
    bool tlsa_in_domain_totals = false;
    for (size_t i = 0; i < d->nby_result; i++)
        if (strcmp(d->by_result[i].key, "tlsa-invalid") == 0)
            tlsa_in_domain_totals = true;
    ck_assert(!tlsa_in_domain_totals); /* sts had as many sessions and came first */
    ck_assert_int_eq(s->failed_sessions, 27);
    /* reporter x day cells: Microsoft's day 1 and Provider Z's day 2 */
    ck_assert_uint_eq(d->ncells, 2);
    long long cells_failed = 0, expired = 0;
    for (size_t i = 0; i < d->ncells; i++) {
        cells_failed += d->cells[i].failed;
        for (size_t j = 0; j < d->cells[i].nres; j++)
            if (strcmp(d->cells[i].res[j].type, "certificate-expired") == 0)
                expired += d->cells[i].res[j].n;
    }
    ck_assert_int_eq(cells_failed, 27);
    ck_assert_int_eq(expired, 26);
    tlsrpt_summary_free(s);
}
END_TEST

/* Every report_as of the problem table is a known RFC 8460 type, and the learn text explains
 * every type of the result table. */
START_TEST(result_types_documented)
{
    for (int i = 0; i < PROB_COUNT; i++) {
        const char *ra = problem_def((enum problem_id)i)->report_as;
        ck_assert_msg(!ra || tlsrpt_result_lookup(ra), "%s: unknown result type %s",
                      problem_def((enum problem_id)i)->code, ra);
    }
    const char *assets = getenv("MXRAY_TEST_DATA");
    char path[4096];
    snprintf(path, sizeof path, "%s/../../assets/learn/tlsrpt_results.txt",
             assets ? assets : "tests/data");
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s", path);
    char *text = calloc(1, 65536);
    size_t n = fread(text, 1, 65535, f);
    fclose(f);
    text[n] = '\0';
    for (int i = 0; i < TLSRPT_RES_COUNT; i++) {
        char want[64];
        snprintf(want, sizeof want, "\n%s: ", tlsrpt_result_def((enum tlsrpt_result_id)i)->type);
        ck_assert_msg(strstr(text, want), "learn text lacks %s", want + 1);
    }
    free(text);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("tlsrpt_report");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, rfc_example);
    tcase_add_test(tc, microsoft_mx_host_string);
    tcase_add_loop_test(tc, bad_input, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, deep_nesting);
    tcase_add_test(tc, times);
    tcase_add_test(tc, gunzip_bounds);
    tcase_add_test(tc, mail_and_mbox);
    tcase_add_test(tc, spool_round_trip);
    tcase_add_test(tc, text_trend_and_wrap);
    tcase_add_test(tc, group_addresses_in_order);
    tcase_add_test(tc, summary);
    tcase_add_test(tc, result_types_documented);
    suite_add_tcase(s, tc);
    return s;
}
