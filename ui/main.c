/* main - placeholder entry until the CLI lands. */
#include <stdio.h>
int main(void)
{
    puts("mxray " MXRAY_VERSION);
    return 0;
}
