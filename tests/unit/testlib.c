/* testlib - main() for one unit suite, plus small helpers. */
#include "testlib.h"
#include <stdio.h>
#include <stdlib.h>

const char *testlib_data_path(const char *name)
{
    static char buf[4096];
    const char *dir = getenv("MXRAY_TEST_DATA");
    snprintf(buf, sizeof buf, "%s/%s", dir ? dir : "tests/data", name);
    return buf;
}

int main(void)
{
    SRunner *sr = srunner_create(test_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
