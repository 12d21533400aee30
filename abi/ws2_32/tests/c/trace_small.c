/* trace_small.c: a small Winsock program whose WSP_TRACE output tests/trace.rs asserts
 * call by call. A UDP socket talks to itself on loopback: one call fails with
 * WSAEWOULDBLOCK (a non-blocking receive with nothing queued), one with WSAENOTSOCK (a
 * closed handle). It prints its handle and port so the test can name them. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    WSADATA wsa;
    SOCKET s;
    struct sockaddr_in addr, from;
    int len = sizeof(addr), fromlen = sizeof(from), n;
    u_long nb = 1;
    DWORD tmo = 5000;
    char buf[32];
    fd_set rs;
    struct timeval tv = {5, 0};
    WSAEVENT ev;

    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        return 1;
    s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    if (s == INVALID_SOCKET)
        return 2;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&addr, sizeof(addr)) != 0)
        return 3;
    if (getsockname(s, (struct sockaddr *)&addr, &len) != 0)
        return 4;
    printf("socket %llu port %u\n", (unsigned long long)s, ntohs(addr.sin_port));
    if (ioctlsocket(s, FIONBIO, &nb) != 0)
        return 5;
    if (recv(s, buf, sizeof(buf), 0) != SOCKET_ERROR || WSAGetLastError() != WSAEWOULDBLOCK)
        return 6;
    if (sendto(s, "hello", 5, 0, (struct sockaddr *)&addr, sizeof(addr)) != 5)
        return 7;
    if (setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&tmo, sizeof(tmo)) != 0)
        return 8;
    FD_ZERO(&rs);
    FD_SET(s, &rs);
    if (select(0, &rs, NULL, NULL, &tv) != 1)
        return 9;
    n = recvfrom(s, buf, sizeof(buf), MSG_PEEK, (struct sockaddr *)&from, &fromlen);
    if (n != 5)
        return 10;
    if (recv(s, buf, sizeof(buf), 0) != 5)
        return 11;
    ev = WSACreateEvent();
    if (WSAEventSelect(s, ev, FD_READ | FD_CLOSE) != 0)
        return 12;
    if (closesocket(s) != 0)
        return 13;
    if (closesocket(s) != SOCKET_ERROR || WSAGetLastError() != WSAENOTSOCK)
        return 14;
    WSACloseEvent(ev);
    WSACleanup();
    printf("trace small ok\n");
    return 0;
}
