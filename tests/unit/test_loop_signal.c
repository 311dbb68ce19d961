/* test_loop_signal - signals as loop events (loop_signals) and the output queue (outbuf).
 *
 * The race of issue 10: a signal landing after the caller looked at its flag and before
 * poll() started waited for the next timer (up to 1 s in lab, 500 ms in the TUI). Here the
 * signal is raised before loop_run_once with a 5 s wait: it must be seen at once. */
#include "testlib.h"
#include "loop.h"
#include "outbuf.h"
#include "escape.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int got[65];

static void on_sig(void *arg, int sig)
{
    (void)arg;
    got[sig]++;
}

START_TEST(signal_before_poll_is_seen_at_once)
{
    struct loop *l = loop_new();
    memset(got, 0, sizeof got);
    ck_assert_int_eq(loop_signals(l, loop_stop_signals, LOOP_STOP_SIGNALS_N, on_sig, NULL), 0);
    int64_t t0 = loop_now_ms();
    raise(SIGINT); /* lands "between the flag test and poll" */
    while (!got[SIGINT] && loop_now_ms() - t0 < 5000)
        loop_run_once(l, 5000);
    int64_t ms = loop_now_ms() - t0;
    ck_assert_int_eq(got[SIGINT], 1);
    ck_assert_msg(ms < 100, "SIGINT seen after %lld ms (bound 100 ms)", (long long)ms);
    loop_free(l);
}
END_TEST

START_TEST(each_delivery_counts_and_all_four_signals)
{
    struct loop *l = loop_new();
    memset(got, 0, sizeof got);
    loop_signals(l, loop_stop_signals, LOOP_STOP_SIGNALS_N, on_sig, NULL);
    raise(SIGINT);
    raise(SIGINT);
    raise(SIGTERM);
    raise(SIGHUP);
    raise(SIGQUIT);
    for (int i = 0; i < 5; i++)
        loop_run_once(l, 0);
    ck_assert_int_eq(got[SIGINT], 2); /* batch: the second Ctrl-C stops */
    ck_assert_int_eq(got[SIGTERM], 1);
    ck_assert_int_eq(got[SIGHUP], 1);
    ck_assert_int_eq(got[SIGQUIT], 1);
    loop_free(l);
}
END_TEST

START_TEST(off_restores_the_previous_disposition)
{
    struct sigaction before, after;
    signal(SIGHUP, SIG_IGN);
    sigaction(SIGHUP, NULL, &before);
    struct loop *l = loop_new();
    loop_signals(l, loop_stop_signals, LOOP_STOP_SIGNALS_N, on_sig, NULL);
    sigaction(SIGHUP, NULL, &after);
    ck_assert_ptr_ne((void *)after.sa_handler, (void *)SIG_IGN);
    loop_signals_off(l);
    sigaction(SIGHUP, NULL, &after);
    ck_assert_ptr_eq((void *)after.sa_handler, (void *)before.sa_handler);
    ck_assert(!loop_has_work(l)); /* the pipe's watch is gone too */
    loop_free(l);
    signal(SIGHUP, SIG_DFL);
}
END_TEST

/* A reader that does not read: writing never blocks, the queue says when it is too long,
 * and everything arrives, in order, once the reader reads. */
START_TEST(outbuf_never_blocks_on_a_full_pipe)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0); /* blocking on both ends, as a shell makes it */
    struct loop *l = loop_new();
    struct outbuf *o = outbuf_new(l, p[1], false);
    FILE *f = outbuf_file(o);
    char line[101];
    memset(line, 'x', 99);
    line[99] = '\n';
    line[100] = '\0';
    int64_t t0 = loop_now_ms();
    for (int i = 0; i < 5000; i++) /* 500 KB: far more than a pipe holds */
        fputs(line, f);
    fflush(f);
    ck_assert_int_lt(loop_now_ms() - t0, 1000);
    ck_assert(outbuf_backlog(o));
    ck_assert_int_eq(outbuf_error(o), 0);
    /* read it all while the loop writes */
    size_t total = 0;
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    char buf[65536];
    bool in_order = true; /* one ck_assert per byte would cost a write(2) each */
    while (total < 500000 && loop_now_ms() - t0 < 3000) {
        loop_run_once(l, 10);
        ssize_t n;
        while ((n = read(p[0], buf, sizeof buf)) > 0) {
            for (ssize_t k = 0; k < n; k++)
                in_order &= buf[k] == ((total + (size_t)k) % 100 == 99 ? '\n' : 'x');
            total += (size_t)n;
        }
    }
    ck_assert_uint_eq(total, 500000);
    ck_assert(in_order);
    ck_assert_uint_eq(outbuf_pending(o), 0);
    ck_assert(!outbuf_backlog(o));
    outbuf_free(o);
    /* the descriptor given is left as it was: blocking */
    ck_assert_int_eq(fcntl(p[1], F_GETFL) & O_NONBLOCK, 0);
    close(p[0]);
    close(p[1]);
    loop_free(l);
}
END_TEST

START_TEST(outbuf_keeps_the_first_write_error)
{
    signal(SIGPIPE, SIG_IGN);
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    close(p[0]); /* `| head -1` after head exited */
    struct loop *l = loop_new();
    struct outbuf *o = outbuf_new(l, p[1], false);
    fputs("report\n", outbuf_file(o));
    ck_assert_int_eq(outbuf_drain(o, NULL), -1);
    ck_assert_int_eq(outbuf_error(o), EPIPE);
    outbuf_free(o);
    close(p[1]);
    int full = open("/dev/full", O_WRONLY);
    if (full >= 0) {
        o = outbuf_new(l, full, false);
        fputs("report\n", outbuf_file(o));
        ck_assert_int_eq(outbuf_drain(o, NULL), -1);
        ck_assert_int_eq(outbuf_error(o), ENOSPC);
        outbuf_free(o);
        close(full);
    }
    loop_free(l);
}
END_TEST

/* issue 12: a UTF-8 "ě" before "2J" is C4 9B 32 4A; outside a UTF-8 locale 0x9B is a CSI. */
START_TEST(ascii_only_output_escapes_every_high_byte)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    struct loop *l = loop_new();
    struct outbuf *o = outbuf_new(l, p[1], true);
    fputs("banner \xc4\x9b"
          "2J ok\n",
          outbuf_file(o));
    ck_assert_int_eq(outbuf_drain(o, NULL), 0);
    outbuf_free(o);
    char buf[64] = {0};
    ck_assert_int_gt(read(p[0], buf, sizeof buf - 1), 0);
    ck_assert_str_eq(buf, "banner \\xc4\\x9b2J ok\n");
    close(p[0]);
    close(p[1]);
    loop_free(l);
    char *e = escape_to_ascii("\xe2\x9c\x93 a\\b", 7, NULL);
    ck_assert_str_eq(e, "\\xe2\\x9c\\x93 a\\b");
    free(e);
    escape_set_terminal_utf8(0);
    e = escape_term("x\xc4\x9b\x1b");
    ck_assert_str_eq(e, "x\\xc4\\x9b\\x1b");
    free(e);
    escape_set_terminal_utf8(1);
    e = escape_term("x\xc4\x9b\x1b");
    ck_assert_str_eq(e, "x\xc4\x9b\\x1b");
    free(e);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("loop_signal");
    TCase *tc = tcase_create("signals");
    tcase_add_test(tc, signal_before_poll_is_seen_at_once);
    tcase_add_test(tc, each_delivery_counts_and_all_four_signals);
    tcase_add_test(tc, off_restores_the_previous_disposition);
    tcase_add_test(tc, outbuf_never_blocks_on_a_full_pipe);
    tcase_add_test(tc, outbuf_keeps_the_first_write_error);
    tcase_add_test(tc, ascii_only_output_escapes_every_high_byte);
    suite_add_tcase(s, tc);
    return s;
}
