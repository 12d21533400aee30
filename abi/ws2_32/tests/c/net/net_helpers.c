/* InetPtonW/InetNtopW, GetAddrInfoW/FreeAddrInfoW/GetNameInfoW, the wspiapi.h wrappers
 * and WSAConnectByNameA/W / WSAConnectByList, against their Microsoft pages. */
#include "check.h"
#include <wspiapi.h>

static int wcs_eq(const WCHAR *a, const char *b)
{
    while (*b)
        if (*a++ != (WCHAR)(unsigned char)*b++)
            return 0;
    return *a == 0;
}

int main(void)
{
    WSADATA wsa;
    IN_ADDR a4;
    IN6_ADDR a6;
    WCHAR text[INET6_ADDRSTRLEN];
    WCHAR host[NI_MAXHOST], serv[NI_MAXSERV];
    PADDRINFOW wres = NULL, w;
    struct addrinfo *res = NULL;
    struct sockaddr_in la, local, remote;
    SOCKET l, s, acc;
    DWORD llen, rlen;
    char port[16];
    WCHAR wport[16];
    int i, found4 = 0;

    CHECK(WSAStartup(MAKEWORD(2, 2), &wsa) == 0);

    /* InetPtonW: 1, 0 for non-address text, -1 WSAEAFNOSUPPORT. */
    CHECK(InetPtonW(AF_INET, u"127.0.0.1", &a4) == 1 && a4.s_addr == htonl(INADDR_LOOPBACK));
    CHECK(InetPtonW(AF_INET6, u"::1", &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6));
    CHECK(InetPtonW(AF_INET, u"not an address", &a4) == 0);
    CHECK(InetPtonW(99, u"1.2.3.4", &a4) == -1 && WSAGetLastError() == WSAEAFNOSUPPORT);
    CHECK(InetPtonW(AF_INET, NULL, &a4) == -1 && WSAGetLastError() == WSAEFAULT);
    /* InetNtopW: the buffer back, or NULL with ERROR_INVALID_PARAMETER when short. */
    CHECK(InetNtopW(AF_INET, &a4, text, INET6_ADDRSTRLEN) == text && wcs_eq(text, "127.0.0.1"));
    CHECK(InetNtopW(AF_INET6, &a6, text, INET6_ADDRSTRLEN) == text && wcs_eq(text, "::1"));
    CHECK(InetNtopW(AF_INET, &a4, text, 5) == NULL && WSAGetLastError() == ERROR_INVALID_PARAMETER);
    CHECK(InetNtopW(99, &a4, text, 64) == NULL && WSAGetLastError() == WSAEAFNOSUPPORT);

    /* GetAddrInfoW / FreeAddrInfoW. */
    CHECK(GetAddrInfoW(u"127.0.0.1", u"80", NULL, &wres) == 0 && wres != NULL);
    for (w = wres; w; w = w->ai_next)
        if (w->ai_family == AF_INET && w->ai_addrlen == sizeof(struct sockaddr_in) &&
            ((struct sockaddr_in *)(void *)w->ai_addr)->sin_port == htons(80))
            found4 = 1;
    CHECK(found4);
    FreeAddrInfoW(wres);
    {
        ADDRINFOW hints;
        memset(&hints, 0, sizeof(hints));
        hints.ai_flags = AI_NUMERICHOST;
        hints.ai_family = AF_INET;
        wres = NULL;
        CHECK(GetAddrInfoW(u"no.such.host.invalid", NULL, &hints, &wres) == WSAHOST_NOT_FOUND);
        CHECK(wres == NULL);
    }
    CHECK(GetAddrInfoW(NULL, NULL, NULL, &wres) == WSAHOST_NOT_FOUND);

    /* GetNameInfoW: numeric host and service in WCHARs; a short buffer is WSAEFAULT. */
    memset(&la, 0, sizeof(la));
    la.sin_family = AF_INET;
    la.sin_port = htons(8080);
    la.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(GetNameInfoW((SOCKADDR *)&la, sizeof(la), host, NI_MAXHOST, serv, NI_MAXSERV,
                       NI_NUMERICHOST | NI_NUMERICSERV) == 0);
    CHECK(wcs_eq(host, "127.0.0.1") && wcs_eq(serv, "8080"));
    CHECK(GetNameInfoW((SOCKADDR *)&la, sizeof(la), host, 4, NULL, 0, NI_NUMERICHOST) ==
          WSAEFAULT);

    /* wspiapi.h wrappers: the same results as the functions they wrap. */
    CHECK(WspiapiGetAddrInfo("127.0.0.1", "7", NULL, &res) == 0 && res != NULL);
    if (res) {
        char h[NI_MAXHOST], sv[NI_MAXSERV];
        CHECK(WspiapiGetNameInfo(res->ai_addr, (socklen_t)res->ai_addrlen, h, sizeof(h), sv,
                                 sizeof(sv), NI_NUMERICHOST | NI_NUMERICSERV) == 0);
        CHECK(strcmp(h, "127.0.0.1") == 0 && strcmp(sv, "7") == 0);
        WspiapiFreeAddrInfo(res);
    }

    /* WSAConnectByNameA to a loopback listener: TRUE, both addresses copied out. */
    l = listener(&la);
    snprintf(port, sizeof(port), "%u", (unsigned)ntohs(la.sin_port));
    for (i = 0; port[i]; i++)
        wport[i] = (WCHAR)port[i];
    wport[i] = 0;
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    llen = sizeof(local);
    rlen = sizeof(remote);
    CHECK(WSAConnectByNameA(s, "127.0.0.1", port, &llen, (SOCKADDR *)&local, &rlen,
                            (SOCKADDR *)&remote, NULL, NULL) == TRUE);
    CHECK(llen == sizeof(struct sockaddr_in) && local.sin_family == AF_INET);
    CHECK(rlen == sizeof(struct sockaddr_in) && remote.sin_port == la.sin_port &&
          remote.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    acc = accept(l, NULL, NULL);
    CHECK(acc != INVALID_SOCKET);
    CHECK(send(s, "hi", 2, 0) == 2);
    {
        char b[2];
        CHECK(recv(acc, b, 2, 0) == 2 && b[0] == 'h');
    }
    closesocket(acc);
    closesocket(s);

    /* WSAConnectByNameW on an IPv6 socket reaches the IPv4 listener (v4-mapped). */
    s = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    {
        struct timeval tv = {30, 0};
        CHECK(WSAConnectByNameW(s, (LPWSTR)u"127.0.0.1", wport, NULL, NULL, NULL, NULL, &tv,
                                NULL) == TRUE);
    }
    acc = accept(l, NULL, NULL);
    CHECK(acc != INVALID_SOCKET);
    closesocket(acc);
    closesocket(s);

    /* Reserved must be NULL; a NULL node name is WSAEINVAL. */
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    {
        WSAOVERLAPPED ov;
        memset(&ov, 0, sizeof(ov));
        CHECK(WSAConnectByNameA(s, "127.0.0.1", port, NULL, NULL, NULL, NULL, NULL, &ov) ==
                  FALSE &&
              WSAGetLastError() == WSAEINVAL);
    }
    CHECK(WSAConnectByNameA(s, NULL, port, NULL, NULL, NULL, NULL, NULL, NULL) == FALSE &&
          WSAGetLastError() == WSAEINVAL);
    closesocket(s);

    /* WSAConnectByList: the first address is a closed port (refused), the second the
     * listener; the call connects to the second. */
    {
        struct sockaddr_in closed, good = la;
        SOCKET c2 = listener(&closed);
        char buf[sizeof(SOCKET_ADDRESS_LIST) + sizeof(SOCKET_ADDRESS)];
        SOCKET_ADDRESS_LIST *list = (SOCKET_ADDRESS_LIST *)(void *)buf;
        closesocket(c2);
        list->iAddressCount = 2;
        list->Address[0].lpSockaddr = (LPSOCKADDR)&closed;
        list->Address[0].iSockaddrLength = sizeof(closed);
        list->Address[1].lpSockaddr = (LPSOCKADDR)&good;
        list->Address[1].iSockaddrLength = sizeof(good);
        s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        rlen = sizeof(remote);
        CHECK(WSAConnectByList(s, list, NULL, NULL, &rlen, (SOCKADDR *)&remote, NULL, NULL) ==
              TRUE);
        CHECK(remote.sin_port == la.sin_port);
        acc = accept(l, NULL, NULL);
        CHECK(acc != INVALID_SOCKET);
        closesocket(acc);
        closesocket(s);
        /* Only the closed port: the last attempt's error. */
        list->iAddressCount = 1;
        s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        CHECK(WSAConnectByList(s, list, NULL, NULL, NULL, NULL, NULL, NULL) == FALSE &&
              WSAGetLastError() == WSAECONNREFUSED);
        closesocket(s);
    }
    closesocket(l);

    WSACleanup();
    return finish("net_helpers");
}
