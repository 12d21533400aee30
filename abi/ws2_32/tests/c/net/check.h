/* Check helpers for the networking C tests (tests/net.rs): CHECK(expr) records a failure
 * with its line and the thread's last error; finish() prints the tally and "<name> ok". */
#ifndef NET_TEST_CHECK_H
#define NET_TEST_CHECK_H
#include <stdio.h>
#include <string.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <mstcpip.h>
#include <windows.h>

static int checks_run;
static int checks_failed;

#define CHECK(expr)                                                                    \
    do {                                                                               \
        checks_run++;                                                                  \
        if (!(expr)) {                                                                 \
            checks_failed++;                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s (last error %d)\n", __FILE__,     \
                    __LINE__, #expr, (int)WSAGetLastError());                          \
        }                                                                              \
    } while (0)

static inline int finish(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, checks_run, checks_failed);
    if (checks_failed == 0)
        printf("%s ok\n", name);
    return checks_failed ? 1 : 0;
}

/* A listening TCP socket on 127.0.0.1 (port chosen by the system); its address in *a. */
static inline SOCKET listener(struct sockaddr_in *a)
{
    SOCKET l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    int len = sizeof(*a);
    memset(a, 0, sizeof(*a));
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(l, (struct sockaddr *)a, sizeof(*a));
    listen(l, 8);
    getsockname(l, (struct sockaddr *)a, &len);
    return l;
}

/* A connected TCP pair over loopback. */
static inline void tcp_pair(SOCKET *client, SOCKET *server)
{
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    *client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    connect(*client, (struct sockaddr *)&a, sizeof(a));
    *server = accept(l, NULL, NULL);
    closesocket(l);
}
#endif
