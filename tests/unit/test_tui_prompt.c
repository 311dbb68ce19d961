/* test_tui_prompt - the domain prompt's line editor: every key a shell user expects (keypad
 * Enter submits, Ctrl-U clears, Ctrl-A/E, Ctrl-W, Backspace, Left/Right), horizontal
 * scrolling that keeps the cursor visible, and what the prompt accepts inside the demo. */
#include "testlib.h"
#include "tui_prompt.h"
#include "tui_text.h"
#include <curses.h>
#include <locale.h>
#include <string.h>

static void utf8_locale(void)
{
    ck_assert_ptr_nonnull(setlocale(LC_ALL, "C.UTF-8"));
}

/* type - feed s as typed characters (one wide character per key). */
static void type(struct tui_edit_line *l, const char *s)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    while (*s) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s, strlen(s), &st);
        ck_assert(n > 0 && n < (size_t)-2);
        ck_assert_int_eq(tui_edit_of(false, (wint_t)wc), TE_INSERT);
        tui_edit_apply(l, TE_INSERT, (wint_t)wc);
        s += n;
    }
}

static void key(struct tui_edit_line *l, bool is_key, wint_t wc)
{
    tui_edit_apply(l, tui_edit_of(is_key, wc), wc);
}

#define CTRL(c) ((c)&0x1f)

START_TEST(enter_submits_from_both_keys)
{
    ck_assert_int_eq(tui_edit_of(true, KEY_ENTER), TE_SUBMIT); /* the keypad's Enter */
    ck_assert_int_eq(tui_edit_of(false, '\n'), TE_SUBMIT);
    ck_assert_int_eq(tui_edit_of(false, '\r'), TE_SUBMIT);
    ck_assert_int_eq(tui_edit_of(false, 27), TE_CANCEL);
    ck_assert_int_eq(tui_edit_of(true, KEY_UP), TE_HIST_PREV);
    ck_assert_int_eq(tui_edit_of(true, KEY_DOWN), TE_HIST_NEXT);
    /* a character whose code equals a KEY_* value is a character, not that key */
    ck_assert_int_eq(tui_edit_of(false, KEY_ENTER), TE_INSERT);
}
END_TEST

START_TEST(readline_keys)
{
    utf8_locale();
    struct tui_edit_line l;
    tui_edit_set(&l, "");
    type(&l, "mail.example.com");
    key(&l, false, CTRL('u')); /* Ctrl-U at the end clears the line */
    ck_assert_str_eq(l.buf, "");
    ck_assert_uint_eq(l.cur, 0);

    type(&l, "example.org");
    key(&l, false, CTRL('a'));
    type(&l, "mx.");
    ck_assert_str_eq(l.buf, "mx.example.org");
    key(&l, false, CTRL('e'));
    key(&l, true, KEY_BACKSPACE);
    key(&l, false, 127); /* what most terminals send for Backspace */
    key(&l, false, CTRL('h'));
    ck_assert_str_eq(l.buf, "mx.example.");
    type(&l, "net");
    key(&l, false, CTRL('w')); /* one label at a time */
    ck_assert_str_eq(l.buf, "mx.example.");
    key(&l, false, CTRL('w'));
    ck_assert_str_eq(l.buf, "mx.");
    type(&l, "example.com");
    key(&l, true, KEY_LEFT);
    key(&l, true, KEY_LEFT);
    key(&l, true, KEY_LEFT);
    key(&l, true, KEY_LEFT);
    key(&l, false, CTRL('k'));
    ck_assert_str_eq(l.buf, "mx.example");
    key(&l, true, KEY_HOME);
    key(&l, true, KEY_RIGHT);
    key(&l, true, KEY_RIGHT);
    key(&l, true, KEY_DC);
    ck_assert_str_eq(l.buf, "mxexample");
    key(&l, false, CTRL('u')); /* Ctrl-U mid-line: what is left of the cursor */
    ck_assert_str_eq(l.buf, "example");
    ck_assert_uint_eq(l.cur, 0);
    key(&l, true, KEY_LEFT); /* nothing to the left: no change, no crash */
    key(&l, true, KEY_BACKSPACE);
    key(&l, true, KEY_END);
    key(&l, false, CTRL('d')); /* nothing to the right */
    ck_assert_str_eq(l.buf, "example");
}
END_TEST

START_TEST(utf8_is_edited_whole)
{
    utf8_locale();
    struct tui_edit_line l;
    tui_edit_set(&l, "");
    type(&l, "bücher.例え");
    key(&l, true, KEY_BACKSPACE);
    ck_assert_str_eq(l.buf, "bücher.例");
    key(&l, true, KEY_HOME);
    key(&l, true, KEY_RIGHT);
    key(&l, true, KEY_RIGHT);
    key(&l, true, KEY_BACKSPACE); /* the ü, both bytes */
    ck_assert_str_eq(l.buf, "bcher.例");
    ck_assert(!tui_edit_apply(&l, TE_INSERT, 0x1b)); /* no control character gets in */
    ck_assert(!tui_edit_apply(&l, TE_INSERT, 0x9b));
    ck_assert_str_eq(l.buf, "bcher.例");
    /* the line is bounded; a flood of keys stops at the limit */
    for (int i = 0; i < 2 * TUI_PROMPT_MAX; i++)
        tui_edit_apply(&l, TE_INSERT, 'a');
    ck_assert_uint_eq(l.len, strlen(l.buf));
    ck_assert_uint_lt(l.len, TUI_PROMPT_MAX);
}
END_TEST

/* check_view - the view fits cols, shows the cursor, and markers only where text is hidden. */
static void check_view(struct tui_edit_line *l, int cols)
{
    struct tui_edit_view v;
    tui_edit_view(l, cols, &v);
    char shown[TUI_PROMPT_MAX];
    memcpy(shown, l->buf + v.from, v.to - v.from);
    shown[v.to - v.from] = '\0';
    int w = tui_text_width(shown);
    ck_assert_msg(v.lead + w + v.more_right <= cols, "view %d+%d+%d > %d", v.lead, w, v.more_right,
                  cols);
    ck_assert_msg(v.from <= l->cur && l->cur <= v.to, "cursor %zu outside [%zu,%zu]", l->cur,
                  v.from, v.to);
    ck_assert_int_lt(v.cursor_col, cols - v.more_right);
    ck_assert_int_eq(v.more_left, v.from > 0);
    ck_assert_int_eq(v.more_right, v.to < l->len);
}

START_TEST(long_names_scroll)
{
    utf8_locale();
    struct tui_edit_line l;
    tui_edit_set(&l, "");
    char name[320];
    memset(name, 'a', 300);
    strcpy(name + 300, ".test");
    type(&l, name);
    struct tui_edit_view v;
    tui_edit_view(&l, 60, &v);
    ck_assert(v.more_left);
    ck_assert(!v.more_right);
    ck_assert_uint_eq(v.to, l.len); /* the end, where the cursor is, shows */
    check_view(&l, 60);
    for (int i = 0; i < 305; i++) { /* walk back to the start: always visible */
        key(&l, true, KEY_LEFT);
        check_view(&l, 60);
    }
    tui_edit_view(&l, 60, &v);
    ck_assert_uint_eq(v.from, 0);
    ck_assert(v.more_right);
    for (int i = 0; i < 305; i++) {
        key(&l, true, KEY_RIGHT);
        check_view(&l, 11);
    }
    key(&l, false, CTRL('u'));
    tui_edit_view(&l, 60, &v); /* cleared: nothing hidden any more */
    ck_assert(!v.more_left && !v.more_right);
    ck_assert_int_eq(v.cursor_col, 0);
    type(&l, "名前名前名前名前名前名前.example"); /* wide characters */
    for (int cols = 4; cols < 40; cols++)
        check_view(&l, cols);
    key(&l, true, KEY_HOME);
    for (int cols = 4; cols < 40; cols++)
        check_view(&l, cols);
}
END_TEST

START_TEST(demo_serves_only_its_zone)
{
    static const struct tui_choice choices[] = {
        {.name = "all-good", .domain = "all-good.mxray.test"},
        {.name = "expired-second-mx", .domain = "expired-second-mx.mxray.test"},
    };
    struct tui_config demo = {.choices = choices, .nchoices = 2, .zone = "mxray.test"};
    char out[256], err[400];
    ck_assert_int_eq(tui_prompt_domain(&demo, "example.com", out, sizeof out, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "the demo serves only *.mxray.test"));
    ck_assert_ptr_nonnull(strstr(err, "all-good")); /* it offers the scenarios */
    ck_assert_ptr_null(strstr(err, "authoritative"));
    ck_assert_int_eq(
        tui_prompt_domain(&demo, "mxray.test.evil.example", out, sizeof out, err, sizeof err), -1);
    ck_assert_int_eq(tui_prompt_domain(&demo, "xmxray.test", out, sizeof out, err, sizeof err), -1);
    ck_assert_int_eq(
        tui_prompt_domain(&demo, "All-Good.MXRAY.test.", out, sizeof out, err, sizeof err), 0);
    ck_assert_str_eq(out, "all-good.mxray.test");
    ck_assert_int_eq(
        tui_prompt_domain(&demo, "expired-second-mx", out, sizeof out, err, sizeof err),
        0); /* a scenario's name */
    ck_assert_str_eq(out, "expired-second-mx.mxray.test");
    ck_assert_int_eq(tui_prompt_domain(&demo, "", out, sizeof out, err, sizeof err), -1);
    /* outside the demo any valid name goes */
    struct tui_config live = {0};
    ck_assert_int_eq(tui_prompt_domain(&live, "Example.COM", out, sizeof out, err, sizeof err), 0);
    ck_assert_str_eq(out, "example.com");
    ck_assert_int_eq(
        tui_prompt_domain(&live, "all-good.mxray.test", out, sizeof out, err, sizeof err), 0);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("tui_prompt");
    TCase *tc = tcase_create("prompt");
    tcase_add_test(tc, enter_submits_from_both_keys);
    tcase_add_test(tc, readline_keys);
    tcase_add_test(tc, utf8_is_edited_whole);
    tcase_add_test(tc, long_names_scroll);
    tcase_add_test(tc, demo_serves_only_its_zone);
    suite_add_tcase(s, tc);
    return s;
}
