/* WSAPoll against Microsoft's WSAPoll / WSAPOLLFD pages: argument errors, negative and
 * invalid handles, readiness bits, and the failed-connect report of Windows 10 2004+
 * (POLLHUP | POLLERR | POLLWRNORM). */
#include "check.h"

int main(void)
{
    WSADATA wsa;
    WSAPOLLFD p[3];
    SOCKET c, s, refused, l;
    struct sockaddr_in a;
    u_long nb = 1;
    int r;

    CHECK(WSAStartup(MAKEWORD(2, 2), &wsa) == 0);
    tcp_pair(&c, &s);

    /* fds == 0: WSAEINVAL. */
    memset(p, 0, sizeof(p));
    CHECK(WSAPoll(p, 0, 0) == SOCKET_ERROR && WSAGetLastError() == WSAEINVAL);
    /* A flag Microsoft's provider does not support (POLLPRI): WSAEINVAL. */
    p[0].fd = c;
    p[0].events = POLLPRI;
    CHECK(WSAPoll(p, 1, 0) == SOCKET_ERROR && WSAGetLastError() == WSAEINVAL);
    /* No valid socket at all: WSAEINVAL ("none of the sockets ... were valid"). */
    p[0].fd = (SOCKET)0x7ffff00d;
    p[0].events = POLLIN;
    CHECK(WSAPoll(p, 1, 0) == SOCKET_ERROR && WSAGetLastError() == WSAEINVAL);
    /* An unreadable array: WSAEFAULT. */
    CHECK(WSAPoll(NULL, 1, 0) == SOCKET_ERROR && WSAGetLastError() == WSAEFAULT);

    /* Writable, nothing to read; a negative fd is ignored with revents cleared; an
     * invalid handle beside a valid one is POLLNVAL. */
    p[0].fd = c;
    p[0].events = POLLIN | POLLOUT;
    p[0].revents = 0x7777;
    p[1].fd = (SOCKET)-1;
    p[1].events = POLLIN;
    p[1].revents = 0x7777;
    p[2].fd = (SOCKET)0x7ffff00d;
    p[2].events = POLLIN;
    r = WSAPoll(p, 3, 0);
    CHECK(r == 2);
    CHECK(p[0].revents == POLLWRNORM);
    CHECK(p[1].revents == 0);
    CHECK(p[2].revents == POLLNVAL);

    /* Data: POLLRDNORM (only what was asked: POLLOUT not requested here). */
    CHECK(send(s, "x", 1, 0) == 1);
    p[0].fd = c;
    p[0].events = POLLIN;
    r = WSAPoll(p, 1, -1);
    CHECK(r == 1 && p[0].revents == POLLRDNORM);
    {
        char b;
        CHECK(recv(c, &b, 1, 0) == 1);
    }
    /* Nothing readable: a zero timeout returns 0 at once. */
    r = WSAPoll(p, 1, 0);
    CHECK(r == 0 && p[0].revents == 0);

    /* The peer closed: POLLHUP is reported even though only POLLOUT was asked. */
    closesocket(s);
    p[0].fd = c;
    p[0].events = POLLOUT;
    r = WSAPoll(p, 1, -1);
    CHECK(r == 1 && (p[0].revents & POLLHUP) != 0);
    closesocket(c);

    /* A failed non-blocking connect: POLLHUP | POLLERR | POLLWRNORM (WSAPoll page, "As
     * of Windows 10 version 2004"). The port is one that was just closed. */
    l = listener(&a);
    closesocket(l);
    refused = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK(ioctlsocket(refused, FIONBIO, &nb) == 0);
    r = connect(refused, (struct sockaddr *)&a, sizeof(a));
    CHECK(r == SOCKET_ERROR && WSAGetLastError() == WSAEWOULDBLOCK);
    p[0].fd = refused;
    p[0].events = POLLOUT;
    r = WSAPoll(p, 1, -1);
    CHECK(r == 1);
    CHECK(p[0].revents == (POLLHUP | POLLERR | POLLWRNORM));
    closesocket(refused);

    WSACleanup();
    return finish("net_poll");
}
