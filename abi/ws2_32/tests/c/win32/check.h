/* Tiny check helpers for the Win32 C tests: CHECK(expr) records a failure with its line;
 * finish() prints the tally and gives main's exit status. */
#ifndef WIN32_TEST_CHECK_H
#define WIN32_TEST_CHECK_H
#include <stdio.h>

static int checks_run;
static int checks_failed;

#define CHECK(expr)                                                                    \
    do {                                                                               \
        checks_run++;                                                                  \
        if (!(expr)) {                                                                 \
            checks_failed++;                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s (GetLastError=%u)\n", __FILE__,   \
                    __LINE__, #expr, (unsigned)GetLastError());                        \
        }                                                                              \
    } while (0)

static int finish(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, checks_run, checks_failed);
    if (checks_failed == 0)
        printf("%s ok\n", name);
    return checks_failed ? 1 : 0;
}
#endif
