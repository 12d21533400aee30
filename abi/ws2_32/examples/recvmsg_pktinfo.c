/* recvmsg_pktinfo.c: a UDP receiver that reports each datagram's destination address
 * with WSARecvMsg and IP_PKTINFO, as a server bound to INADDR_ANY does to learn which of
 * its addresses a client used.
 *
 * WSARecvMsg is an extension function: its pointer comes from
 * WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_WSARECVMSG). The control buffer is
 * walked with the WSA_CMSG_* macros. A sender in the same program sends three datagrams
 * to 127.0.0.1. Prints the port, one line per datagram, and "recvmsg ok". */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <stdio.h>
#include <string.h>

static int fail(const char *what)
{
    printf("%s failed: %d\n", what, WSAGetLastError());
    return 1;
}

int main(void)
{
    WSADATA wsa;
    SOCKET rx, tx;
    struct sockaddr_in addr, to, from;
    int len = sizeof(addr), i, got_info = 0;
    DWORD on = 1, bytes = 0;
    GUID guid = WSAID_WSARECVMSG;
    LPFN_WSARECVMSG WSARecvMsg = NULL;
    char data[256], control[WSA_CMSG_SPACE(sizeof(IN_PKTINFO))];
    char text[INET_ADDRSTRLEN];

    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        return 1;
    rx = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(rx, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR ||
        getsockname(rx, (struct sockaddr *)&addr, &len) == SOCKET_ERROR)
        return fail("bind");
    printf("listening on port %u\n", (unsigned)ntohs(addr.sin_port));
    if (setsockopt(rx, IPPROTO_IP, IP_PKTINFO, (const char *)&on, sizeof(on)) == SOCKET_ERROR)
        return fail("IP_PKTINFO");
    if (WSAIoctl(rx, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof(guid), &WSARecvMsg,
                 sizeof(WSARecvMsg), &bytes, NULL, NULL) == SOCKET_ERROR)
        return fail("WSAIoctl(WSAID_WSARECVMSG)");

    tx = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    to = addr;
    to.sin_addr.s_addr = inet_addr("127.0.0.1");
    for (i = 0; i < 3; i++) {
        char line[32];
        sprintf(line, "datagram %d", i);
        if (sendto(tx, line, (int)strlen(line), 0, (struct sockaddr *)&to, sizeof(to)) ==
            SOCKET_ERROR)
            return fail("sendto");
    }

    for (i = 0; i < 3; i++) {
        WSAMSG msg;
        WSABUF buf;
        WSACMSGHDR *c;
        buf.buf = data;
        buf.len = sizeof(data) - 1;
        memset(&msg, 0, sizeof(msg));
        msg.name = (LPSOCKADDR)&from;
        msg.namelen = sizeof(from);
        msg.lpBuffers = &buf;
        msg.dwBufferCount = 1;
        msg.Control.buf = control;
        msg.Control.len = sizeof(control);
        if (WSARecvMsg(rx, &msg, &bytes, NULL, NULL) == SOCKET_ERROR)
            return fail("WSARecvMsg");
        data[bytes] = 0;
        for (c = WSA_CMSG_FIRSTHDR(&msg); c != NULL; c = WSA_CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                IN_PKTINFO info;
                memcpy(&info, WSA_CMSG_DATA(c), sizeof(info));
                inet_ntop(AF_INET, &info.ipi_addr, text, sizeof(text));
                printf("\"%s\" from port %u to %s (interface %lu)\n", data,
                       (unsigned)ntohs(from.sin_port), text, (unsigned long)info.ipi_ifindex);
                got_info++;
            }
        }
    }
    closesocket(tx);
    closesocket(rx);
    WSACleanup();
    if (got_info != 3)
        return fail("packet info");
    printf("recvmsg ok\n");
    return 0;
}
