/* test_escape - the escaping function: what passes, what is escaped, bounds. */
#include "testlib.h"
#include "escape.h"
#include "mx_limits.h"
#include <stdlib.h>
#include <string.h>

static void expect(const char *in, size_t len, const char *want)
{
    char *got = escape_bytes(in, len);
    ck_assert_str_eq(got, want);
    free(got);
}

START_TEST(printable_passes)
{
    expect("mx1.example.com ESMTP", 21, "mx1.example.com ESMTP");
    ck_assert(escape_is_clean("abc", 3));
}
END_TEST

START_TEST(controls_escaped)
{
    expect("\x1b[31mred", 8, "\\x1b[31mred");
    expect("a\tb\r\n", 5, "a\\tb\\r\\n");
    expect("nul\0x", 5, "nul\\x00x");
    expect("\x7f", 1, "\\x7f");
    expect("back\\slash", 10, "back\\\\slash");
    ck_assert(!escape_is_clean("\x1b", 1));
}
END_TEST

START_TEST(utf8_handling)
{
    expect("M\xc3\xbcller", 7, "M\xc3\xbcller");                    /* valid UTF-8 passes */
    expect("\xc3", 1, "\\xc3");                                     /* truncated sequence */
    expect("\xc0\xaf", 2, "\\xc0\\xaf");                            /* overlong */
    expect("\xed\xa0\x80", 3, "\\xed\\xa0\\x80");                   /* surrogate */
    expect("\xc2\x9b" "2J", 4, "\\xc2\\x9b2J");                     /* C1 CSI */
    expect("a\xe2\x80\xae" "b", 5, "a\\xe2\\x80\\xaeb");            /* RTL override */
    expect("\xff\xfe", 2, "\\xff\\xfe");
}
END_TEST

/* escape_is_text - what a text file may hold to be printed as written */
START_TEST(text_files)
{
    static const char *ok[] = {"plain", "tab\there", "back\\slash", "caf\xc3\xa9", ""};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        ck_assert_msg(escape_is_text(ok[i], strlen(ok[i])), "rejected %s", ok[i]);
    static const char *bad[] = {"\x1b[31mred", "title\x07", "a\rb", "a\nb", "\x7f",
                                "\xc2\x9b", "a\xe2\x80\xae" "b", "\xff"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!escape_is_text(bad[i], strlen(bad[i])), "accepted bad[%zu]", i);
}
END_TEST

START_TEST(bounded_output)
{
    size_t n = 100000;
    char *big = malloc(n);
    memset(big, '\x1b', n);
    char *got = escape_bytes(big, n);
    ck_assert_uint_le(strlen(got), MX_ESCAPED_MAX);
    ck_assert_str_eq(got + strlen(got) - 3, "...");
    ck_assert_ptr_null(strchr(got, '\x1b'));
    free(got);
    free(big);
    ck_assert_ptr_null(escape_str(NULL));
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("escape");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, printable_passes);
    tcase_add_test(tc, controls_escaped);
    tcase_add_test(tc, utf8_handling);
    tcase_add_test(tc, bounded_output);
    tcase_add_test(tc, text_files);
    suite_add_tcase(s, tc);
    return s;
}
