/* test_tui_text - display width, cropping, decoding (no control byte survives), wrapping,
 * state symbols, and the key table with the help generated from it. */
#include "testlib.h"
#include "tui_keys.h"
#include "tui_text.h"
#include "view_small.h"
#include <curses.h>
#include <locale.h>
#include <string.h>

static void utf8_locale(void)
{
    ck_assert_ptr_nonnull(setlocale(LC_ALL, "C.UTF-8"));
}

START_TEST(width_and_fit)
{
    utf8_locale();
    ck_assert_int_eq(tui_text_width("abc"), 3);
    ck_assert_int_eq(tui_text_width("名前"), 4);
    ck_assert_int_eq(tui_text_width("\xff\xfe"), 2); /* undecodable: one column each */
    ck_assert_int_eq(tui_text_width(""), 0);
    int used = -1;
    ck_assert_uint_eq(tui_text_fit("名名名", 5, &used), 6); /* two chars, 3 bytes each */
    ck_assert_int_eq(used, 4);
    ck_assert_uint_eq(tui_text_fit("abcdef", 3, &used), 3);
    ck_assert_uint_eq(tui_text_fit("abc", 10, &used), 3);
    ck_assert_int_eq(used, 3);
}
END_TEST

START_TEST(decode_never_passes_controls)
{
    utf8_locale();
    wchar_t out[64];
    int w = tui_text_decode("a\x1b[2J\rb\x07\xc2\x9b\xffz", 40, out, 64);
    ck_assert_int_eq(w, (int)wcslen(out));
    for (size_t i = 0; out[i]; i++)
        ck_assert_msg(out[i] >= 0x20 && out[i] != 0x7f && !(out[i] >= 0x80 && out[i] < 0xa0),
                      "control %#x at %zu", (unsigned)out[i], i);
    ck_assert_int_eq(out[0], L'a');
    ck_assert_int_eq(out[1], L'?');
    /* cropping respects double-width characters */
    w = tui_text_decode("ab名c", 3, out, 64);
    ck_assert_int_eq(w, 2);
    ck_assert(wcscmp(out, L"ab") == 0);
    /* the output buffer bounds the result too */
    w = tui_text_decode("abcdef", 40, out, 4);
    ck_assert(wcscmp(out, L"abc") == 0);
}
END_TEST

START_TEST(wrap_fits_width)
{
    utf8_locale();
    struct tui_lines in = {0}, out = {0};
    tui_lines_add(&in, TR_WARN, 2, "%s", "What it means: the policy could not be fetched with HTTP "
                  "200 from https://mta-sts.example.com/.well-known/mta-sts.txt so senders skip it");
    tui_lines_addn(&in, TR_NORMAL, 0, "");
    tui_lines_addn(&in, TR_NORMAL, 0, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    tui_lines_wrap(&in, 30, 2, &out);
    ck_assert_uint_gt(out.n, 5);
    bool blank = false;
    for (size_t i = 0; i < out.n; i++) {
        ck_assert_int_le(out.v[i].indent + tui_text_width(out.v[i].text), 30);
        blank |= out.v[i].text[0] == '\0';
    }
    ck_assert(blank);
    ck_assert_int_eq(out.v[0].indent, 2);
    ck_assert_int_eq(out.v[1].indent, 4); /* continuation */
    ck_assert_int_eq(out.v[1].role, TR_WARN);
    ck_assert_str_eq(out.v[0].text, "What it means: the policy");
    /* a word longer than the line is cut, never lost */
    size_t total = 0;
    for (size_t i = 0; i < out.n; i++)
        if (out.v[i].role == TR_NORMAL)
            total += strlen(out.v[i].text);
    ck_assert_uint_eq(total, 57);
    tui_lines_wrap(&in, 30, 0, &out); /* prose: no hanging indent */
    ck_assert_int_eq(out.v[1].indent, 2);
    /* a fingerprint breaks between bytes, a URL after a slash; nothing is lost */
    static const char fp[] = "3E:20:3B:B4:7B:09:F9:E1:39:B0:F5:38:F9:C3:16:D1:94:5A:CA:B5:24";
    tui_lines_clear(&in);
    tui_lines_addn(&in, TR_NORMAL, 0, fp);
    tui_lines_addn(&in, TR_NORMAL, 0, "https://mta-sts.example.com/.well-known/mta-sts.txt");
    tui_lines_wrap(&in, 29, 2, &out);
    char joined[256] = "";
    for (size_t i = 0; i < out.n; i++) {
        ck_assert_int_le(out.v[i].indent + tui_text_width(out.v[i].text), 29);
        if (strchr(out.v[i].text, 'h') || strchr(out.v[i].text, 'w'))
            continue; /* the URL */
        size_t len = strlen(out.v[i].text);
        if (strlen(joined) + len < sizeof joined - 1)
            strcat(joined, out.v[i].text);
        if (strlen(joined) < strlen(fp))
            ck_assert_msg(out.v[i].text[len - 1] == ':', "'%s' breaks inside a byte", out.v[i].text);
    }
    ck_assert_str_eq(joined, fp);
    ck_assert_str_eq(out.v[out.n - 2].text, "https://mta-sts.example.com/");
    ck_assert_str_eq(out.v[out.n - 1].text, ".well-known/mta-sts.txt");
    tui_lines_clear(&in);
    tui_lines_clear(&out);
    ck_assert_uint_eq(out.n, 0);
}
END_TEST

START_TEST(symbols)
{
    utf8_locale();
    for (int s = ST_WAITING; s <= ST_NA; s++) {
        ck_assert_int_eq(tui_text_width(tui_state_symbol(s, false, 3)), 4);
        ck_assert_int_eq(tui_text_width(tui_state_symbol(s, true, 3)), 1);
    }
    ck_assert_str_ne(tui_state_symbol(ST_NA, true, 0), tui_state_symbol(ST_FAIL, true, 0));
    ck_assert_str_ne(tui_state_symbol(ST_NA, false, 0), tui_state_symbol(ST_FAIL, false, 0));
    ck_assert_str_ne(tui_state_symbol(ST_RUNNING, true, 0), tui_state_symbol(ST_RUNNING, true, 1));
    ck_assert_str_eq(tui_state_symbol(ST_PASS, false, 0), "[ok]");
    ck_assert_str_eq(tui_state_word(ST_NA), "not applicable");
    ck_assert_int_ne(tui_state_role(ST_NA), tui_state_role(ST_FAIL));
    char b[32];
    ck_assert_str_eq(tui_fmt_ms(850, b, sizeof b), "850ms");
    ck_assert_str_eq(tui_fmt_ms(1250, b, sizeof b), "1.2s");
    ck_assert_str_eq(tui_fmt_ms(12500, b, sizeof b), "12s");
    ck_assert_str_eq(tui_fmt_ms(-1, b, sizeof b), "");
    struct step st = {.state = ST_RUNNING, .start_ms = 10, .end_ms = -1};
    ck_assert_int_eq(tui_step_ms(&st, 60), 50);
    st.state = ST_PASS;
    st.end_ms = 30;
    ck_assert_int_eq(tui_step_ms(&st, 60), 20);
    st.start_ms = -1;
    ck_assert_int_eq(tui_step_ms(&st, 60), -1);
}
END_TEST

START_TEST(keys_map)
{
    ck_assert_int_eq(tui_keys_action('j'), TA_DOWN);
    ck_assert_int_eq(tui_keys_action(KEY_DOWN), TA_DOWN);
    ck_assert_int_eq(tui_keys_action('k'), TA_UP);
    ck_assert_int_eq(tui_keys_action('\r'), TA_ENTER);
    ck_assert_int_eq(tui_keys_action(KEY_ENTER), TA_ENTER);
    ck_assert_int_eq(tui_keys_action(27), TA_BACK);
    ck_assert_int_eq(tui_keys_action(KEY_BACKSPACE), TA_BACK);
    ck_assert_int_eq(tui_keys_action('h'), TA_BACK);
    ck_assert_int_eq(tui_keys_action('\t'), TA_TAB);
    ck_assert_int_eq(tui_keys_action('q'), TA_QUIT);
    ck_assert_int_eq(tui_keys_action('?'), TA_HELP);
    ck_assert_int_eq(tui_keys_action('L'), TA_LEARN);
    ck_assert_int_eq(tui_keys_action('m'), TA_MATRIX);
    ck_assert_int_eq(tui_keys_action('e'), TA_EXPORT);
    ck_assert_int_eq(tui_keys_action('Z'), TA_NONE);
    ck_assert_str_eq(tui_keys_names(TA_DOWN), "Down j");
    ck_assert_str_eq(tui_keys_names(TA_ENTER), "Enter Right l");
}
END_TEST

/* The help is generated from the table: every action appears once, with all its keys, and
 * no key is bound twice. */
START_TEST(help_covers_every_action)
{
    size_t n, ns;
    const struct tui_key *t = tui_keys_table(&n);
    const struct tui_key_section *sec = tui_keys_sections(&ns);
    struct tui_lines help = {0};
    tui_keys_help(&help, TS_COUNT, false);
    for (int a = TA_NONE + 1; a < TA_COUNT; a++) {
        int uses = 0;
        for (size_t i = 0; i < ns; i++)
            for (size_t k = 0; k < sec[i].n; k++)
                uses += (int)sec[i].uses[k].action == a;
        ck_assert_msg(uses >= 1, "action %d works nowhere", a);
        const char *names = tui_keys_names((enum tui_action)a);
        ck_assert_msg(names[0], "action %d has no key", a);
        bool found = false;
        for (size_t i = 0; i < help.n; i++)
            found |= strncmp(help.v[i].text, names, strlen(names)) == 0;
        ck_assert_msg(found, "help misses %s", names);
    }
    /* the lesson's keys (taken by tui_lesson_key, not the table) are listed too; opened in a
     * class, they come first, as the keys of here */
    size_t nl;
    const struct tui_key_note *lk = tui_keys_lesson(&nl);
    ck_assert_uint_ge(nl, 4);
    struct tui_lines in_class = {0};
    tui_keys_help(&in_class, TS_LEARN, true);
    ck_assert_ptr_nonnull(strstr(in_class.v[2].text, TUI_LESSON_SECTION " - here"));
    for (size_t k = 0; k < nl; k++) {
        bool in_help = false, in_class_help = false;
        for (size_t i = 0; i < help.n; i++)
            in_help |= strncmp(help.v[i].text, lk[k].names, strlen(lk[k].names)) == 0;
        for (size_t i = 0; i < in_class.n; i++)
            in_class_help |= strncmp(in_class.v[i].text, lk[k].names, strlen(lk[k].names)) == 0;
        ck_assert_msg(in_help && in_class_help, "help misses the lesson key %s", lk[k].names);
    }
    tui_lines_clear(&in_class);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            ck_assert_msg(t[i].key != t[j].key, "key %d bound twice", t[i].key);
    tui_lines_clear(&help);
}
END_TEST

/* joined - the lines of l joined by spaces (static buffer). */
static const char *joined(const struct tui_lines *l)
{
    static char buf[512];
    buf[0] = '\0';
    for (size_t i = 0; i < l->n; i++) {
        strncat(buf, i ? " " : "", sizeof buf - strlen(buf) - 1);
        strncat(buf, l->v[i].text, sizeof buf - strlen(buf) - 1);
    }
    return buf;
}

START_TEST(too_small_fits_any_size)
{
    utf8_locale();
    for (int cols = 1; cols < 120; cols++) {
        for (int lines = 1; lines < 12; lines++) {
            struct tui_lines l = {0};
            view_small_build(&l, cols, lines, 40, 10);
            ck_assert_msg(l.n >= 1 && (int)l.n <= lines, "%dx%d: %zu lines", cols, lines, l.n);
            for (size_t i = 0; i < l.n; i++)
                ck_assert_msg(tui_text_width(l.v[i].text) <= cols, "%dx%d: '%s' is cut", cols,
                              lines, l.v[i].text);
            if (cols >= 5) /* from five columns on, it says the size it needs */
                ck_assert_msg(strstr(joined(&l), "40x10"), "%dx%d: '%s'", cols, lines, joined(&l));
            tui_lines_clear(&l);
        }
    }
    struct tui_lines l = {0};
    view_small_build(&l, 30, 8, 40, 10); /* the whole sentence, over two lines */
    ck_assert_str_eq(joined(&l), "terminal too small (30x8, need 40x10)");
    ck_assert_uint_eq(l.n, 2);
    tui_lines_clear(&l);
    view_small_build(&l, 12, 1, 40, 10);
    ck_assert_str_eq(joined(&l), "need 40x10");
    tui_lines_clear(&l);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("tui_text");
    TCase *tc = tcase_create("text");
    tcase_add_test(tc, width_and_fit);
    tcase_add_test(tc, decode_never_passes_controls);
    tcase_add_test(tc, wrap_fits_width);
    tcase_add_test(tc, symbols);
    tcase_add_test(tc, keys_map);
    tcase_add_test(tc, help_covers_every_action);
    tcase_add_test(tc, too_small_fits_any_size);
    suite_add_tcase(s, tc);
    return s;
}
