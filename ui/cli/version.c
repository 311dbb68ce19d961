/* version - the version string shown by --version and in reports. */
#include "version.h"
const char *mxray_version(void)
{
    return MXRAY_VERSION;
}
