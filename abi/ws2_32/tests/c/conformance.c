/* conformance.c: Winsock behaviours as a C program, one line per case:
 *   <case> PASS
 *   <case> FAIL <what was seen>
 * Expected values are Windows' (Microsoft's pages for each function). Run over the shim
 * by tests/conformance_c.rs; the same source builds with mingw and runs under Wine. */
#define FD_SETSIZE 128
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <string.h>

static int failures;

static void result(const char *name, int ok, const char *fmt, long a, long b)
{
    if (ok) {
        printf("%s PASS\n", name);
    } else {
        printf("%s FAIL ", name);
        printf(fmt, a, b);
        printf("\n");
        failures++;
    }
}

static void not_initialised(void)
{
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    int e = WSAGetLastError();
    result("socket_before_startup_is_WSANOTINITIALISED", s == INVALID_SOCKET && e == WSANOTINITIALISED,
           "socket ok=%ld error=%ld", (long)(s != INVALID_SOCKET), (long)e);
}

static void startup_negotiation(void)
{
    WSADATA d;
    int r;
    memset(&d, 0, sizeof(d));
    r = WSAStartup(MAKEWORD(1, 1), &d);
    result("startup_1_1_gets_1_1", r == 0 && d.wVersion == 0x0101 && d.wHighVersion == 0x0202,
           "wVersion=%#lx wHighVersion=%#lx", (long)d.wVersion, (long)d.wHighVersion);
    if (r == 0)
        WSACleanup();
    r = WSAStartup(MAKEWORD(3, 3), &d);
    result("startup_3_3_gets_2_2", r == 0 && d.wVersion == 0x0202, "r=%ld wVersion=%#lx", (long)r,
           (long)d.wVersion);
    if (r == 0)
        WSACleanup();
    r = WSAStartup(MAKEWORD(0, 9), &d);
    result("startup_0_9_is_WSAVERNOTSUPPORTED", r == WSAVERNOTSUPPORTED, "r=%ld%ld", (long)r, 0L);
    if (r == 0)
        WSACleanup();
    r = WSAStartup(MAKEWORD(2, 2), &d);
    result("wsadata_strings", r == 0 && strcmp(d.szDescription, "WinSock 2.0") == 0 &&
                                  strcmp(d.szSystemStatus, "Running") == 0,
           "r=%ld desc_ok=%ld", (long)r, (long)(strcmp(d.szDescription, "WinSock 2.0") == 0));
    result("wsadata_2_2_max_sockets_zero", d.iMaxSockets == 0 && d.iMaxUdpDg == 0,
           "iMaxSockets=%ld iMaxUdpDg=%ld", (long)d.iMaxSockets, (long)d.iMaxUdpDg);
    r = WSAStartup(MAKEWORD(2, 2), NULL);
    result("startup_null_wsadata_is_WSAEFAULT", r == WSAEFAULT, "r=%ld%ld", (long)r, 0L);
}

static void bad_handles(void)
{
    char b[4] = {0};
    int r = closesocket((SOCKET)0x7777);
    result("closesocket_garbage_is_WSAENOTSOCK", r == SOCKET_ERROR && WSAGetLastError() == WSAENOTSOCK,
           "r=%ld error=%ld", (long)r, (long)WSAGetLastError());
    r = send((SOCKET)0x7777, b, 4, 0);
    result("send_garbage_is_WSAENOTSOCK", r == SOCKET_ERROR && WSAGetLastError() == WSAENOTSOCK,
           "r=%ld error=%ld", (long)r, (long)WSAGetLastError());
    WSASetLastError(1234);
    result("WSASetLastError_round_trips", WSAGetLastError() == 1234, "error=%ld%ld",
           (long)WSAGetLastError(), 0L);
}

static void fd_set_semantics(void)
{
    fd_set set;
    FD_ZERO(&set);
    FD_SET(5, &set);
    FD_SET(5, &set);
    FD_SET(9, &set);
    result("fd_set_adds_once", set.fd_count == 2, "fd_count=%ld%ld", (long)set.fd_count, 0L);
    FD_CLR(5, &set);
    result("fd_clr_compacts", set.fd_count == 1 && set.fd_array[0] == 9, "fd_count=%ld first=%ld",
           (long)set.fd_count, (long)set.fd_array[0]);
    set.fd_array[1] = 5; /* beyond fd_count: not in the set */
    result("fd_isset_reads_only_fd_count", FD_ISSET(9, &set) && !FD_ISSET(5, &set), "9=%ld 5=%ld",
           (long)(FD_ISSET(9, &set) != 0), (long)(FD_ISSET(5, &set) != 0));
}

static void select_fd_setsize_128(void)
{
    SOCKET s[100];
    fd_set w;
    struct timeval tv = {2, 0};
    struct sockaddr_in a;
    int i, n, ok = 1;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    FD_ZERO(&w);
    for (i = 0; i < 100; i++) {
        s[i] = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        if (s[i] == INVALID_SOCKET || bind(s[i], (struct sockaddr *)&a, sizeof(a)) != 0)
            ok = 0;
        FD_SET(s[i], &w);
    }
    n = select(0, NULL, &w, NULL, &tv);
    result("select_fd_setsize_128_reports_100_writable", ok && n == 100 && w.fd_count == 100,
           "n=%ld fd_count=%ld", (long)n, (long)w.fd_count);
    for (i = 0; i < 100; i++)
        closesocket(s[i]);
}

static void select_empty_is_WSAEINVAL(void)
{
    struct timeval tv = {0, 0};
    int r = select(0, NULL, NULL, NULL, &tv);
    result("select_no_sets_is_WSAEINVAL", r == SOCKET_ERROR && WSAGetLastError() == WSAEINVAL,
           "r=%ld error=%ld", (long)r, (long)WSAGetLastError());
}

static void nonblocking_recv(void)
{
    SOCKET l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), s;
    struct sockaddr_in a;
    int len = sizeof(a), r;
    u_long on = 1, avail = 99;
    char b[8];
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(l, (struct sockaddr *)&a, sizeof(a));
    listen(l, 1);
    getsockname(l, (struct sockaddr *)&a, &len);
    connect(c, (struct sockaddr *)&a, sizeof(a));
    s = accept(l, NULL, NULL);
    r = ioctlsocket(s, FIONBIO, &on);
    result("ioctlsocket_FIONBIO", r == 0, "r=%ld error=%ld", (long)r, (long)WSAGetLastError());
    r = recv(s, b, sizeof(b), 0);
    result("nonblocking_recv_is_WSAEWOULDBLOCK", r == SOCKET_ERROR && WSAGetLastError() == WSAEWOULDBLOCK,
           "r=%ld error=%ld", (long)r, (long)WSAGetLastError());
    r = ioctlsocket(s, FIONREAD, &avail);
    result("FIONREAD_empty_is_zero", r == 0 && avail == 0, "r=%ld avail=%ld", (long)r, (long)avail);
    r = recv(s, b, -1, 0);
    result("recv_negative_len_fails", r == SOCKET_ERROR, "r=%ld error=%ld", (long)r,
           (long)WSAGetLastError());
    closesocket(c);
    closesocket(s);
    closesocket(l);
}

static void address_text(void)
{
    struct in_addr in;
    char buf[INET6_ADDRSTRLEN] = {0};
    unsigned char six[16];
    result("inet_addr_dotted", inet_addr("127.0.0.1") == htonl(0x7f000001), "got=%#lx want=%#lx",
           (long)inet_addr("127.0.0.1"), (long)htonl(0x7f000001));
    result("inet_addr_short_form", inet_addr("10.258") == htonl(0x0a000102), "got=%#lx want=%#lx",
           (long)inet_addr("10.258"), (long)htonl(0x0a000102));
    result("inet_addr_empty_is_INADDR_NONE", inet_addr("") == INADDR_NONE, "got=%#lx%ld",
           (long)inet_addr(""), 0L);
    result("inet_addr_bad_is_INADDR_NONE", inet_addr("256.1.1.1") == INADDR_NONE, "got=%#lx%ld",
           (long)inet_addr("256.1.1.1"), 0L);
    in.s_addr = htonl(0xc0a80001);
    result("inet_ntoa", strcmp(inet_ntoa(in), "192.168.0.1") == 0, "len=%ld%ld",
           (long)strlen(inet_ntoa(in)), 0L);
    result("inet_pton_v6", inet_pton(AF_INET6, "::1", six) == 1 && six[15] == 1, "last=%ld%ld",
           (long)six[15], 0L);
    result("inet_pton_bad_family", inet_pton(99, "1.2.3.4", six) == -1 &&
                                       WSAGetLastError() == WSAEAFNOSUPPORT,
           "error=%ld%ld", (long)WSAGetLastError(), 0L);
    result("inet_ntop_v6", inet_ntop(AF_INET6, six, buf, sizeof(buf)) != NULL && strcmp(buf, "::1") == 0,
           "len=%ld%ld", (long)strlen(buf), 0L);
}

static void resolver(void)
{
    struct addrinfo hints, *res = NULL;
    int r;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST;
    r = getaddrinfo("127.0.0.1", "80", &hints, &res);
    result("getaddrinfo_numeric", r == 0 && res && res->ai_family == AF_INET && res->ai_addrlen == 16 &&
                                      ((struct sockaddr_in *)res->ai_addr)->sin_port == htons(80),
           "r=%ld family=%ld", (long)r, res ? (long)res->ai_family : -1L);
    if (res)
        freeaddrinfo(res);
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET6;
    hints.ai_flags = AI_NUMERICHOST;
    res = NULL;
    r = getaddrinfo("::1", NULL, &hints, &res);
    result("getaddrinfo_v6_family_23", r == 0 && res && res->ai_family == 23 && res->ai_addrlen == 28,
           "r=%ld family=%ld", (long)r, res ? (long)res->ai_family : -1L);
    if (res)
        freeaddrinfo(res);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    not_initialised();
    startup_negotiation();
    bad_handles();
    fd_set_semantics();
    select_fd_setsize_128();
    select_empty_is_WSAEINVAL();
    nonblocking_recv();
    address_text();
    resolver();
    WSACleanup();
    printf("failures %d\n", failures);
    return 0;
}
