#ifndef MXRAY_UI_VERSION_H
#define MXRAY_UI_VERSION_H
const char *mxray_version(void);
#endif
