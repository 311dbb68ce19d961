/* test_mail_headers - mail_mime_view (only the MIME-deciding header fields go to GMime): what
 * it keeps and drops, every shape it declines, and that reading an e-mail through it finds
 * exactly what reading the whole message finds (reports, errors, skips, in order). */
#include "testlib.h"
#include "mail_headers.h"
#include "tlsrpt_input.h"
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *view(const char *in, bool *ok)
{
    size_t len = strlen(in), outlen = 0;
    char *out = malloc(len + 1);
    *ok = mail_mime_view(in, len, out, &outlen);
    if (*ok)
        out[outlen] = '\0';
    return out;
}

static void assert_view(const char *in, const char *want)
{
    bool ok;
    char *out = view(in, &ok);
    ck_assert_msg(ok, "declined: %s", in);
    ck_assert_str_eq(out, want);
    free(out);
}

static void assert_declined(const char *in, size_t len)
{
    char *out = malloc(len + 1);
    size_t outlen;
    ck_assert_msg(!mail_mime_view(in, len, out, &outlen), "accepted: %.*s", (int)len, in);
    free(out);
}

START_TEST(keeps_mime_fields)
{
    assert_view("Received: from a\r\n\tby b; Sat, 5 Dec 2026 00:00:00 +0000\r\n"
                "DKIM-Signature: v=1; a=rsa-sha256;\r\n b=abc\r\n"
                "MIME-Version: 1.0\r\n"
                "Content-Type: multipart/report;\r\n\treport-type=tlsrpt; boundary=\"x\"\r\n"
                "Subject: Report Domain: a.example\r\n"
                "content-transfer-encoding: 7bit\r\n\r\n--x\r\nbody: here\r\n--x--\r\n",
                "MIME-Version: 1.0\r\n"
                "Content-Type: multipart/report;\r\n\treport-type=tlsrpt; boundary=\"x\"\r\n"
                "content-transfer-encoding: 7bit\r\n\r\n--x\r\nbody: here\r\n--x--\r\n");
    /* LF only, the obsolete blank before the colon, no MIME field at all, no body */
    assert_view("From: a@b\nContent-Type : text/plain\n\nhi\n",
                "Content-Type : text/plain\n\nhi\n");
    assert_view("From: a@b\nSubject: x\n\nhi\n", "\nhi\n");
    assert_view("From: a@b\r\n\r\n", "\r\n");
    /* a name that only starts like one is dropped */
    assert_view("MIME-Versions: 2\nContent-Type: text/plain\n\n.", "Content-Type: text/plain\n\n.");
}
END_TEST

START_TEST(declines_what_it_does_not_know)
{
    const char *cases[] = {
        "",                                                      /* nothing */
        "From: a@b\nContent-Type: text/plain\n",                 /* no empty line */
        " folded: first\n\nbody",                                /* a continuation first */
        "no colon here\nContent-Type: x/y\n\nbody",              /* not a field */
        "From a@b Sat Nov  1 00:00:00 2026\nSubject: x\n\nbody", /* an mbox separator */
        "Subject: a\rContent-Type: x/y\n\nbody",                 /* a bare CR */
        ": no name\n\nbody",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_declined(cases[i], strlen(cases[i]));
    assert_declined("Subject: a\0b\n\nbody", 17); /* a NUL in the header block */
}
END_TEST

/* ---- the same findings with and without the view ---- */

struct events {
    GString *log;
};

static int ev_report(void *arg, const char *source, const char *json, size_t len)
{
    g_string_append_printf(((struct events *)arg)->log, "report %s %zu %.*s\n", source, len,
                           (int)len, json);
    return 0;
}

static void ev_error(void *arg, const char *source, const char *msg)
{
    g_string_append_printf(((struct events *)arg)->log, "error %s %s\n", source, msg);
}

static void ev_skipped(void *arg, const char *source)
{
    g_string_append_printf(((struct events *)arg)->log, "skipped %s\n", source);
}

static char *read_with(const char *mail, bool use_view)
{
    struct events e = {g_string_new("")};
    struct tlsrpt_sink sink = {ev_report, ev_error, ev_skipped, &e};
    struct tlsrpt_read_stats st = {0};
    tlsrpt_mime_view = use_view;
    tlsrpt_read_buffer(mail, strlen(mail), "m", &sink, &st);
    struct tlsrpt_read_stats st2 = {0};
    tlsrpt_read_message(mail, strlen(mail), "i", &sink, &st2);
    tlsrpt_mime_view = true;
    return g_string_free(e.log, FALSE);
}

static const char report_json[] = "{\"organization-name\":\"A\",\"report-id\":\"1\"}";

START_TEST(same_findings)
{
    gchar *b64 = g_base64_encode((const guchar *)report_json, strlen(report_json));
    char *mails[] = {
        /* the usual multipart/report, many header fields before it */
        g_strdup_printf("Received: from x\r\n by y\r\nDKIM-Signature: v=1;\r\n\tb=zz\r\n"
                        "MIME-Version: 1.0\r\nContent-Type: multipart/report; "
                        "report-type=tlsrpt;\r\n boundary=\"b\"\r\nTo: r@a\r\n\r\n"
                        "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\n"
                        "Content-Type: application/tlsrpt+json\r\n"
                        "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--b--\r\n",
                        b64),
        /* the report as the whole message, LF line ends */
        g_strdup_printf("From: a@b\nContent-Type: application/tlsrpt+json\n\n%s\n", report_json),
        /* the whole message a base64 report, named by its Content-Disposition */
        g_strdup_printf("Subject: r\nContent-Type: application/octet-stream\n"
                        "Content-Transfer-Encoding: base64\nX-Note: between\n"
                        "Content-Disposition: attachment; filename=r.json\n\n%s\n",
                        b64),
        /* quoted-printable, a file name in RFC 2231 pieces, a generic type */
        g_strdup_printf("Subject: x\nContent-Type: multipart/mixed; boundary=q\n\n--q\n"
                        "Content-Type: application/octet-stream\n"
                        "Content-Disposition: attachment; filename*0=\"r.js\";\n"
                        " filename*1=\"on\"\nContent-Transfer-Encoding: quoted-printable\n\n"
                        "%s=\n\n--q--\n",
                        report_json),
        /* a forwarded report: message/rfc822 inside */
        g_strdup_printf("Subject: Fwd\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
                        "boundary=o\n\n--o\nContent-Type: message/rfc822\n\n"
                        "Received: from z\nContent-Type: application/tlsrpt+json\n\n%s\n--o--\n",
                        report_json),
        /* no MIME fields: text, skipped both ways */
        g_strdup("Return-Path: <a@b>\nSubject: where do reports come from?\n\nhi\n"),
        /* declined shapes fall back to the whole message */
        g_strdup_printf("not a header\nContent-Type: application/tlsrpt+json\n\n%s\n", report_json),
        g_strdup_printf("Content-Type: application/tlsrpt+json\n%s", report_json),
        /* damaged base64 gzip: an error both ways */
        g_strdup("X-Spam: no\nContent-Type: application/tlsrpt+gzip\n"
                 "Content-Transfer-Encoding: base64\n\nH4sIAAAAAAAAA3N0dEkAAAA=\n"),
    };
    for (size_t i = 0; i < sizeof mails / sizeof *mails; i++) {
        char *with = read_with(mails[i], true), *without = read_with(mails[i], false);
        ck_assert_msg(strcmp(with, without) == 0, "mail %zu:\n%s---\n%s", i, with, without);
        ck_assert_msg(*with, "mail %zu: no event", i);
        if (i < 5)
            ck_assert_msg(strstr(with, "report m ") && strstr(with, "report i "),
                          "mail %zu found no report:\n%s", i, with);
        g_free(with);
        g_free(without);
        g_free(mails[i]);
    }
    g_free(b64);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("mail_headers");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, keeps_mime_fields);
    tcase_add_test(tc, declines_what_it_does_not_know);
    tcase_add_test(tc, same_findings);
    suite_add_tcase(s, tc);
    return s;
}
