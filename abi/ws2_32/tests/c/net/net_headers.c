/* The networking headers (winsock2.h, ws2tcpip.h, ws2ipdef.h, mstcpip.h, mswsock.h,
 * wspiapi.h) as C and C++: Windows x64 sizes and values pinned at compile time, and the
 * inline helpers and macros checked at run time. Sources: the SDK header names; the
 * values of ws2def.h/mstcpip.h (SIO_* codes) and the WSA_CMSG_* x64 alignment (8). */
#include <stdio.h>
#include <stdlib.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2ipdef.h>
#include <mstcpip.h>
#include <mswsock.h>
#include <wspiapi.h>
#include <windows.h>
#include <stddef.h>
#include <string.h>

#ifdef __cplusplus
#define SA(c, m) static_assert(c, m)
#else
#define SA(c, m) _Static_assert(c, m)
#endif

SA(sizeof(IN_PKTINFO) == 8, "IN_PKTINFO");
SA(offsetof(IN_PKTINFO, ipi_ifindex) == 4, "IN_PKTINFO.ipi_ifindex");
SA(sizeof(IN6_PKTINFO) == 20, "IN6_PKTINFO");
SA(offsetof(IN6_PKTINFO, ipi6_ifindex) == 16, "IN6_PKTINFO.ipi6_ifindex");
SA(sizeof(WSACMSGHDR) == 16, "WSACMSGHDR");
SA(offsetof(WSACMSGHDR, cmsg_type) == 12, "WSACMSGHDR.cmsg_type");
SA(sizeof(WSAMSG) == 56, "WSAMSG");
SA(offsetof(WSAMSG, Control) == 32, "WSAMSG.Control");
SA(offsetof(WSAMSG, dwFlags) == 48, "WSAMSG.dwFlags");
SA(sizeof(SOCKET_ADDRESS) == 16, "SOCKET_ADDRESS");
SA(sizeof(SOCKET_ADDRESS_LIST) == 24, "SOCKET_ADDRESS_LIST");
SA(offsetof(SOCKET_ADDRESS_LIST, Address) == 8, "SOCKET_ADDRESS_LIST.Address");
SA(sizeof(struct tcp_keepalive) == 12, "tcp_keepalive");
SA(sizeof(ADDRINFOW) == 48, "ADDRINFOW");
SA(offsetof(ADDRINFOW, ai_canonname) == 24, "ADDRINFOW.ai_canonname");
SA(SIO_RCVALL == 0x98000001u, "SIO_RCVALL");
SA(SIO_KEEPALIVE_VALS == 0x98000004u, "SIO_KEEPALIVE_VALS");
SA(SIO_LOOPBACK_FAST_PATH == 0x98000010u, "SIO_LOOPBACK_FAST_PATH");
SA(SIO_UDP_CONNRESET == 0x9800000Cu, "SIO_UDP_CONNRESET");
SA(SIO_ADDRESS_LIST_SORT == 0xC8000019u, "SIO_ADDRESS_LIST_SORT");
SA(SIO_IDEAL_SEND_BACKLOG_QUERY == 0x4004747Bu, "SIO_IDEAL_SEND_BACKLOG_QUERY");
SA(SIO_IDEAL_SEND_BACKLOG_CHANGE == 0x2000747Au, "SIO_IDEAL_SEND_BACKLOG_CHANGE");
SA(SIO_BASE_HANDLE == 0x48000022u, "SIO_BASE_HANDLE");
SA(IP_PKTINFO == 19 && IPV6_PKTINFO == 19, "PKTINFO options");
SA(WSA_CMSG_LEN(sizeof(IN_PKTINFO)) == 24, "WSA_CMSG_LEN");
SA(WSA_CMSG_SPACE(sizeof(IN_PKTINFO)) == 24, "WSA_CMSG_SPACE(IN_PKTINFO)");
SA(WSA_CMSG_SPACE(sizeof(IN6_PKTINFO)) == 40, "WSA_CMSG_SPACE(IN6_PKTINFO)");
SA(WSA_CMSGHDR_ALIGN(13) == 16 && WSA_CMSGDATA_ALIGN(16) == 16, "alignment");
SA(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS == 1 && FILE_SKIP_SET_EVENT_ON_HANDLE == 2, "FILE_SKIP_*");

static int failed;
#define T(expr)                                                                          \
    do {                                                                                 \
        if (!(expr)) {                                                                   \
            failed++;                                                                    \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #expr);                   \
        }                                                                                \
    } while (0)

int main(void)
{
    SOCKADDR_IN a4;
    SOCKADDR_IN6 a6, b6;
    SOCKADDR_STORAGE ss;
    IN6_ADDR any6 = IN6ADDR_ANY_INIT, lo6 = IN6ADDR_LOOPBACK_INIT;
    IN6_ADDR mapped = IN6ADDR_V4MAPPEDPREFIX_INIT, ll;
    IN_ADDR lo4, priv;
    char ctl[64];
    WSAMSG msg;
    LPWSACMSGHDR c;

    /* INETADDR_* / IN4ADDR_* (mstcpip.h). */
    memset(&a4, 0x55, sizeof(a4));
    a4.sin_family = AF_INET;
    INETADDR_SETLOOPBACK((PSOCKADDR)&a4);
    T(INETADDR_ISLOOPBACK((PSOCKADDR)&a4) && !INETADDR_ISANY((PSOCKADDR)&a4));
    T(a4.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && a4.sin_port == 0);
    INETADDR_SET_PORT((PSOCKADDR)&a4, htons(8080));
    T(INETADDR_PORT((PSOCKADDR)&a4) == htons(8080));
    T(memcmp(INETADDR_ADDRESS((PSOCKADDR)&a4), "\x7f\0\0\x01", 4) == 0);
    INETADDR_SETANY((PSOCKADDR)&a4);
    T(INETADDR_ISANY((PSOCKADDR)&a4) && a4.sin_family == AF_INET && a4.sin_port == 0);
    T(IN4ADDR_ISANY(&a4) && !IN4ADDR_ISLOOPBACK(&a4));

    /* IN6ADDR_* over SOCKADDR_IN6, INETADDR_* on AF_INET6. */
    memset(&a6, 0x55, sizeof(a6));
    a6.sin6_family = AF_INET6;
    INETADDR_SETANY((PSOCKADDR)&a6);
    T(IN6ADDR_ISANY(&a6) && INETADDR_ISANY((PSOCKADDR)&a6) && a6.sin6_scope_id == 0);
    IN6ADDR_SETLOOPBACK(&b6);
    T(IN6ADDR_ISLOOPBACK(&b6) && INETADDR_ISLOOPBACK((PSOCKADDR)&b6));
    T(!INETADDR_ISEQUAL((PSOCKADDR)&a6, (PSOCKADDR)&b6));
    IN6ADDR_SETANY(&b6);
    T(INETADDR_ISEQUAL((PSOCKADDR)&a6, (PSOCKADDR)&b6));
    memset(&ss, 0, sizeof(ss));
    ss.ss_family = AF_INET6;
    INETADDR_SETLOOPBACK((PSOCKADDR)&ss);
    T(INETADDR_ISLOOPBACK((PSOCKADDR)&ss));

    /* IN6_* / IN4_* (ws2ipdef.h). */
    T(IN6_IS_ADDR_UNSPECIFIED(&any6) && !IN6_IS_ADDR_LOOPBACK(&any6));
    T(IN6_IS_ADDR_LOOPBACK(&lo6) && !IN6_IS_ADDR_UNSPECIFIED(&lo6));
    T(IN6_ADDR_EQUAL(&lo6, &lo6) && !IN6_ADDR_EQUAL(&lo6, &any6));
    mapped.s6_bytes[12] = 127;
    mapped.s6_bytes[15] = 1;
    T(IN6_IS_ADDR_V4MAPPED(&mapped) && !IN6_IS_ADDR_V4MAPPED(&lo6));
    memset(&ll, 0, sizeof(ll));
    ll.s6_bytes[0] = 0xfe;
    ll.s6_bytes[1] = 0x80;
    ll.s6_bytes[15] = 7;
    T(IN6_IS_ADDR_LINKLOCAL(&ll) && !IN6_IS_ADDR_SITELOCAL(&ll) && !IN6_IS_ADDR_MULTICAST(&ll));
    lo4.s_addr = htonl(0x7f000005);
    priv.s_addr = htonl(0xc0a80101);
    T(IN4_IS_ADDR_LOOPBACK(&lo4) && !IN4_IS_ADDR_LOOPBACK(&priv));
    T(IN4_IS_ADDR_RFC1918(&priv) && !IN4_IS_ADDR_RFC1918(&lo4));
    T(IN4_ADDR_EQUAL(&lo4, &lo4) && !IN4_IS_ADDR_UNSPECIFIED(&lo4));

    /* WSA_CMSG_*: walk a control buffer holding two headers. */
    memset(ctl, 0, sizeof(ctl));
    msg.Control.buf = ctl;
    msg.Control.len = (ULONG)(WSA_CMSG_SPACE(sizeof(IN_PKTINFO)) + WSA_CMSG_SPACE(sizeof(INT)));
    c = WSA_CMSG_FIRSTHDR(&msg);
    T(c == (LPWSACMSGHDR)(void *)ctl);
    c->cmsg_len = WSA_CMSG_LEN(sizeof(IN_PKTINFO));
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    T(WSA_CMSG_DATA(c) == (PUCHAR)ctl + 16);
    c = WSA_CMSG_NXTHDR(&msg, c);
    T(c == (LPWSACMSGHDR)(void *)(ctl + 24));
    if (c) {
        c->cmsg_len = WSA_CMSG_LEN(sizeof(INT));
        T(WSA_CMSG_NXTHDR(&msg, c) == NULL);
    }
    msg.Control.len = 8;
    T(WSA_CMSG_FIRSTHDR(&msg) == NULL);

    printf(failed ? "net_headers failed\n" : "net_headers ok\n");
    return failed ? 1 : 0;
}
