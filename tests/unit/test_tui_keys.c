/* test_tui_keys - the TUI offers only keys that work where they are offered: the footer hints
 * of every screen name keys whose action works on that screen (the picker offered m, e, L, r,
 * which do nothing there), and the man page's KEYS section is exactly what the key table and
 * the prompt's table generate, so docs/mxray.1, the help (?) and the keys cannot drift. */
#include "testlib.h"
#include "tui_keys.h"
#include "tui_prompt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* action_named - the action of the key called name in the table, or TA_NONE. */
static enum tui_action action_named(const char *name)
{
    size_t n;
    const struct tui_key *t = tui_keys_table(&n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(t[i].name, name))
            return t[i].action;
    return TA_NONE;
}

static bool hinted(const struct tui_hint *h, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(h[i].key, key))
            return true;
    return false;
}

START_TEST(hints_offer_only_working_keys)
{
    for (int s = 0; s < TS_COUNT; s++) {
        for (int report = 0; report < 2; report++) {
            for (int demo = 0; demo < 2; demo++) {
                struct tui_hint h[32];
                size_t n = tui_keys_hints((enum tui_screen)s, report, demo, h, 32);
                ck_assert_msg(n >= 2, "screen %d: %zu hints", s, n);
                for (size_t i = 0; i < n; i++) {
                    char keys[32];
                    snprintf(keys, sizeof keys, "%s", h[i].key);
                    for (char *save, *k = strtok_r(keys, "/", &save); k;
                         k = strtok_r(NULL, "/", &save)) {
                        enum tui_action a = action_named(k);
                        ck_assert_msg(a != TA_NONE, "screen %d: hint key %s is bound to nothing", s,
                                      k);
                        ck_assert_msg(tui_keys_works((enum tui_screen)s, a, report),
                                      "screen %d offers %s (%s), which does nothing there", s, k,
                                      h[i].word);
                    }
                }
                if (!demo)
                    ck_assert(!hinted(h, n, "b"));
            }
        }
    }
    /* the picker: no re-run, export, matrix or learn, even with a report in the background */
    struct tui_hint h[32];
    size_t n = tui_keys_hints(TS_PICKER, true, true, h, 32);
    ck_assert(hinted(h, n, "Enter") && hinted(h, n, "?") && hinted(h, n, "q"));
    ck_assert(!hinted(h, n, "m") && !hinted(h, n, "e") && !hinted(h, n, "L") && !hinted(h, n, "r"));
    for (int a = TA_RERUN; a <= TA_LEARN; a++)
        ck_assert_msg(a == TA_NEW || !tui_keys_works(TS_PICKER, (enum tui_action)a, true),
                      "action %d works in the picker", a);
    /* the certificate screen offers its own keys, the tree its own */
    n = tui_keys_hints(TS_CERT, true, false, h, 32);
    ck_assert(hinted(h, n, "p") && hinted(h, n, "w") && hinted(h, n, "Esc"));
    ck_assert(!hinted(h, n, "Tab") && !hinted(h, n, "Enter"));
    n = tui_keys_hints(TS_TREE, true, false, h, 32);
    ck_assert(hinted(h, n, "Enter") && hinted(h, n, "Tab") && hinted(h, n, "m"));
    ck_assert(!hinted(h, n, "p") && !hinted(h, n, "w"));
    ck_assert(!tui_keys_works(TS_TREE, TA_PEM, true));
    ck_assert(!tui_keys_works(TS_MATRIX, TA_TAB, true));
    ck_assert(!tui_keys_works(TS_TREE, TA_RERUN, false)); /* nothing diagnosed yet */
}
END_TEST

/* man_keys - the KEYS section of the man page as the tables generate it (roff). */
static char *man_keys(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    fputs(".SH KEYS\n"
          "The interactive view's keys, per screen, as its help (\\fB?\\fR) lists them.\n"
          "A key not listed for a screen does nothing there.\n",
          f);
    size_t ns;
    const struct tui_key_section *sec = tui_keys_sections(&ns);
    for (size_t i = 0; i < ns; i++) {
        fprintf(f, ".SS %s\n", sec[i].title);
        for (size_t k = 0; k < sec[i].n; k++)
            fprintf(f, ".TP\n.B \"%s\"\n%s\n", tui_keys_names(sec[i].uses[k].action),
                    sec[i].uses[k].help);
    }
    fprintf(f, ".SS %s\n", TUI_LESSON_SECTION);
    size_t nl;
    const struct tui_key_note *l = tui_keys_lesson(&nl);
    for (size_t i = 0; i < nl; i++)
        fprintf(f, ".TP\n.B \"%s\"\n%s\n", l[i].names, l[i].help);
    fprintf(f, ".SS %s\n", TUI_EDIT_SECTION);
    size_t ne;
    const struct tui_edit_help *e = tui_edit_helps(&ne);
    for (size_t i = 0; i < ne; i++)
        fprintf(f, ".TP\n.B \"%s\"\n%s\n", tui_edit_names(e[i].edit), e[i].help);
    fclose(f);
    return buf;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *buf = NULL;
    size_t cap = 0, len = 0, got;
    do {
        buf = realloc(buf, cap += 65536);
        got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
    } while (got > 0);
    fclose(f);
    buf[len] = '\0';
    return buf;
}

START_TEST(man_page_lists_every_key)
{
    char *want = man_keys();
    char *man = slurp(testlib_data_path("../../docs/mxray.1"));
    if (!strstr(man, want))
        fprintf(stderr, "docs/mxray.1 should hold this KEYS section (up to the next .SH):\n%s",
                want);
    ck_assert_msg(strstr(man, want) != NULL,
                  "docs/mxray.1's KEYS section differs from the key table (expected on stderr)");
    /* and nothing more: the section ends where the generated text ends */
    const char *end = strstr(man, want) + strlen(want);
    ck_assert_msg(strncmp(end, ".SH ", 4) == 0, "docs/mxray.1: the KEYS section has extra lines");
    free(want);
    free(man);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("tui_keys");
    TCase *tc = tcase_create("keys");
    tcase_add_test(tc, hints_offer_only_working_keys);
    tcase_add_test(tc, man_page_lists_every_key);
    suite_add_tcase(s, tc);
    return s;
}
