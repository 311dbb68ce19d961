/* testlib - shared helpers for the Check unit suites.
 * Each tests/unit/test_X.c defines `Suite *test_suite(void)`; testlib.c supplies main(). */
#ifndef MXRAY_TESTLIB_H
#define MXRAY_TESTLIB_H
#include <check.h>

Suite *test_suite(void);

/* Path of a file under tests/data (static buffer, valid until the next call). */
const char *testlib_data_path(const char *name);

#endif
