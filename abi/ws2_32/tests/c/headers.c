/* Header check: every shim header with the usual C library headers before and after,
 * and the Windows x64 sizes and offsets of the structures programs share with the shim.
 * Built as C and C++ with gcc and clang, -Wall -Wextra -Werror, by tests/headers.rs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <ws2spi.h>
#include <winsock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
#define WSP_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#define WSP_STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif
#define SIZE(t, n) WSP_STATIC_ASSERT(sizeof(t) == (n), "sizeof " #t)
#define OFF(t, f, n) WSP_STATIC_ASSERT(offsetof(t, f) == (n), "offsetof " #t "." #f)

SIZE(u_long, 4);
SIZE(SOCKET, 8);
SIZE(struct timeval, 8);
SIZE(struct sockaddr, 16);
SIZE(struct sockaddr_in, 16);
OFF(struct sockaddr_in, sin_port, 2);
OFF(struct sockaddr_in, sin_addr, 4);
SIZE(struct in_addr, 4);
SIZE(struct sockaddr_in6, 28);
OFF(struct sockaddr_in6, sin6_flowinfo, 4);
OFF(struct sockaddr_in6, sin6_addr, 8);
OFF(struct sockaddr_in6, sin6_scope_id, 24);
SIZE(struct sockaddr_storage, 128);
SIZE(fd_set, 8 + 8 * 64);
OFF(fd_set, fd_array, 8);
SIZE(WSADATA, 408);
OFF(WSADATA, iMaxSockets, 4);
OFF(WSADATA, lpVendorInfo, 8);
OFF(WSADATA, szDescription, 16);
OFF(WSADATA, szSystemStatus, 273);
SIZE(WSABUF, 16);
OFF(WSABUF, buf, 8);
SIZE(WSAOVERLAPPED, 32);
OFF(WSAOVERLAPPED, Offset, 16);
OFF(WSAOVERLAPPED, hEvent, 24);
SIZE(WSAPROTOCOL_INFOW, 628);
OFF(WSAPROTOCOL_INFOW, ProviderId, 20);
OFF(WSAPROTOCOL_INFOW, ProtocolChain, 40);
OFF(WSAPROTOCOL_INFOW, iAddressFamily, 76);
OFF(WSAPROTOCOL_INFOW, szProtocol, 116);
SIZE(WSAPROTOCOL_INFOA, 372);
SIZE(struct addrinfo, 48);
OFF(struct addrinfo, ai_addrlen, 16);
OFF(struct addrinfo, ai_canonname, 24);
OFF(struct addrinfo, ai_addr, 32);
OFF(struct addrinfo, ai_next, 40);
SIZE(struct hostent, 32);
OFF(struct hostent, h_addr_list, 24);
OFF(struct servent, s_proto, 16);
OFF(struct servent, s_port, 24);
SIZE(struct linger, 4);
SIZE(WSANETWORKEVENTS, 44);
SIZE(QOS, 80);
SIZE(WSAPOLLFD, 16);
SIZE(WSPDATA, 516);
SIZE(WSPPROC_TABLE, 30 * 8);
SIZE(WSPUPCALLTABLE, 15 * 8);
SIZE(GUID, 16);

WSP_STATIC_ASSERT(AF_INET6 == 23, "AF_INET6");
WSP_STATIC_ASSERT(SOL_SOCKET == 0xffff, "SOL_SOCKET");
WSP_STATIC_ASSERT(SO_RCVTIMEO == 0x1006, "SO_RCVTIMEO");
WSP_STATIC_ASSERT(FD_SETSIZE == 64, "FD_SETSIZE default");
WSP_STATIC_ASSERT((DWORD)FIONBIO == 0x8004667eu, "FIONBIO");
WSP_STATIC_ASSERT((DWORD)FIONREAD == 0x4004667fu, "FIONREAD");
WSP_STATIC_ASSERT((DWORD)SIO_GET_EXTENSION_FUNCTION_POINTER == 0xc8000006u, "SIO_GET_EXTENSION_FUNCTION_POINTER");
WSP_STATIC_ASSERT(IP_ADD_MEMBERSHIP == 12 && IPV6_V6ONLY == 27, "IP options");

/* Uses of the macros and names, so the compiler checks their expansions too. */
int wsp_header_check_uses(SOCKET s);
int wsp_header_check_uses(SOCKET s) {
    fd_set set;
    struct timeval tv = {1, 0};
    u_long nb = 1;
    GUID g = WSAID_ACCEPTEX;
    FD_ZERO(&set);
    FD_SET(s, &set);
    FD_CLR(s, &set);
    FD_SET(s, &set);
    (void)g;
    if (!FD_ISSET(s, &set))
        return -1;
    ioctlsocket(s, FIONBIO, &nb);
    return select(0, &set, NULL, NULL, &tv) + (int)htons(1) + (int)inet_addr("127.0.0.1") +
           h_errno + (int)gai_strerror(EAI_NONAME)[0];
}
