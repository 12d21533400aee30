/* The ioctls of issue 12 through the shim: SIO_IDEAL_SEND_BACKLOG_QUERY (and the
 * idealsendbacklogquery helper), SIO_ADDRESS_LIST_SORT, SIO_ADDRESS_LIST_QUERY's
 * pointers, SIO_LOOPBACK_FAST_PATH. Sources: the SIO_IDEAL_SEND_BACKLOG_QUERY,
 * "Using SIO_ADDRESS_LIST_SORT" and SIO_LOOPBACK_FAST_PATH pages; RFC 6724's default
 * policy table (Windows' `netsh interface ipv6 show prefixpolicies`). */
#include "check.h"

static void v6(SOCKADDR_IN6 *a, const char *text)
{
    memset(a, 0, sizeof(*a));
    a->sin6_family = AF_INET6;
    inet_pton(AF_INET6, text, &a->sin6_addr);
}

int main(void)
{
    WSADATA wsa;
    SOCKET c, s, u, l6;
    ULONG isb = 0;
    DWORD ret = 0;
    char small[2];
    int r;

    CHECK(WSAStartup(MAKEWORD(2, 2), &wsa) == 0);
    tcp_pair(&c, &s);

    /* SIO_IDEAL_SEND_BACKLOG_QUERY: a positive ULONG on a connected stream socket. */
    CHECK(WSAIoctl(c, SIO_IDEAL_SEND_BACKLOG_QUERY, NULL, 0, &isb, sizeof(isb), &ret, NULL,
                   NULL) == 0);
    CHECK(ret == sizeof(ULONG) && isb > 0);
    {
        int sndbuf = 0, len = sizeof(sndbuf);
        ULONG again = 0;
        CHECK(getsockopt(c, SOL_SOCKET, SO_SNDBUF, (char *)&sndbuf, &len) == 0);
        CHECK(isb == (ULONG)sndbuf); /* this provider's documented rule */
        CHECK(idealsendbacklogquery(c, &again) == 0 && again == isb);
    }
    /* A short output buffer: WSAEFAULT. */
    CHECK(WSAIoctl(c, SIO_IDEAL_SEND_BACKLOG_QUERY, NULL, 0, small, sizeof(small), &ret, NULL,
                   NULL) == SOCKET_ERROR &&
          WSAGetLastError() == WSAEFAULT);
    /* Not connected: WSAENOTCONN. Datagram: WSAEOPNOTSUPP. */
    u = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK(idealsendbacklogquery(u, &isb) == SOCKET_ERROR && WSAGetLastError() == WSAENOTCONN);
    closesocket(u);
    u = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    CHECK(idealsendbacklogquery(u, &isb) == SOCKET_ERROR &&
          WSAGetLastError() == WSAEOPNOTSUPP);
    /* SIO_LOOPBACK_FAST_PATH: accepted on TCP, refused on UDP. */
    {
        BOOL on = TRUE;
        SOCKET t = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        CHECK(WSAIoctl(t, SIO_LOOPBACK_FAST_PATH, &on, sizeof(on), NULL, 0, &ret, NULL, NULL) ==
              0);
        CHECK(WSAIoctl(u, SIO_LOOPBACK_FAST_PATH, &on, sizeof(on), NULL, 0, &ret, NULL, NULL) ==
                  SOCKET_ERROR &&
              WSAGetLastError() == WSAEOPNOTSUPP);
        closesocket(t);
    }

    /* SIO_ADDRESS_LIST_QUERY: lpSockaddr points into the output buffer. */
    {
        char out[512];
        SOCKET_ADDRESS_LIST *list = (SOCKET_ADDRESS_LIST *)(void *)out;
        CHECK(WSAIoctl(u, SIO_ADDRESS_LIST_QUERY, NULL, 0, out, sizeof(out), &ret, NULL, NULL) ==
              0);
        CHECK(list->iAddressCount >= 1);
        if (list->iAddressCount >= 1) {
            char *p = (char *)list->Address[0].lpSockaddr;
            CHECK(p > out && p < out + sizeof(out));
            CHECK(list->Address[0].lpSockaddr->sa_family == AF_INET);
        }
    }
    closesocket(u);

    /* SIO_ADDRESS_LIST_SORT on an IPv6 socket: ::1 first, then IPv4-mapped loopback,
     * then the unspecified address (unusable); entries keep the caller's pointers. */
    l6 = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
    {
        SOCKADDR_IN6 any, lo, mapped;
        char in[sizeof(SOCKET_ADDRESS_LIST) + 2 * sizeof(SOCKET_ADDRESS)];
        char out[sizeof(in)];
        SOCKET_ADDRESS_LIST *li = (SOCKET_ADDRESS_LIST *)(void *)in;
        SOCKET_ADDRESS_LIST *lo_ = (SOCKET_ADDRESS_LIST *)(void *)out;
        v6(&any, "::");
        v6(&mapped, "::ffff:127.0.0.1");
        v6(&lo, "::1");
        li->iAddressCount = 3;
        li->Address[0].lpSockaddr = (LPSOCKADDR)&any;
        li->Address[0].iSockaddrLength = sizeof(any);
        li->Address[1].lpSockaddr = (LPSOCKADDR)&mapped;
        li->Address[1].iSockaddrLength = sizeof(mapped);
        li->Address[2].lpSockaddr = (LPSOCKADDR)&lo;
        li->Address[2].iSockaddrLength = sizeof(lo);
        memset(out, 0, sizeof(out));
        r = WSAIoctl(l6, SIO_ADDRESS_LIST_SORT, in, sizeof(in), out, sizeof(out), &ret, NULL,
                     NULL);
        CHECK(r == 0 && ret == (DWORD)SIZEOF_SOCKET_ADDRESS_LIST(3));
        CHECK(lo_->iAddressCount == 3);
        CHECK(lo_->Address[0].lpSockaddr == (LPSOCKADDR)&lo);
        CHECK(lo_->Address[1].lpSockaddr == (LPSOCKADDR)&mapped);
        CHECK(lo_->Address[2].lpSockaddr == (LPSOCKADDR)&any);
        CHECK(lo_->Address[0].iSockaddrLength == (INT)sizeof(SOCKADDR_IN6));
        /* In place (the same buffer in and out), as programs usually call it. */
        CHECK(WSAIoctl(l6, SIO_ADDRESS_LIST_SORT, in, sizeof(in), in, sizeof(in), &ret, NULL,
                       NULL) == 0);
        CHECK(li->Address[0].lpSockaddr == (LPSOCKADDR)&lo);
        /* A short output buffer: WSAEFAULT. */
        CHECK(WSAIoctl(l6, SIO_ADDRESS_LIST_SORT, in, sizeof(in), out, 8, &ret, NULL, NULL) ==
                  SOCKET_ERROR &&
              WSAGetLastError() == WSAEFAULT);
        /* An IPv4 socket: WSAEINVAL (the list must be SOCKADDR_IN6). */
        CHECK(WSAIoctl(c, SIO_ADDRESS_LIST_SORT, in, sizeof(in), out, sizeof(out), &ret, NULL,
                       NULL) == SOCKET_ERROR &&
              WSAGetLastError() == WSAEINVAL);
    }
    closesocket(l6);
    closesocket(c);
    closesocket(s);
    WSACleanup();
    return finish("net_ioctls");
}
