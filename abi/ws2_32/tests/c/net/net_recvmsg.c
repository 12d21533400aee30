/* WSARecvMsg / WSASendMsg reached through SIO_GET_EXTENSION_FUNCTION_POINTER, with
 * IP_PKTINFO / IPV6_PKTINFO control data walked with the WSA_CMSG_* macros. Sources: the
 * WSARecvMsg, WSASendMsg, IN_PKTINFO, IN6_PKTINFO and WSACMSGHDR pages. */
#include "check.h"

static LPFN_WSARECVMSG recvmsg_of(SOCKET s)
{
    GUID g = WSAID_WSARECVMSG;
    LPFN_WSARECVMSG f = NULL;
    DWORD n = 0;
    CHECK(WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &g, sizeof(g), &f, sizeof(f), &n,
                   NULL, NULL) == 0);
    return f;
}

static LPFN_WSASENDMSG sendmsg_of(SOCKET s)
{
    GUID g = WSAID_WSASENDMSG;
    LPFN_WSASENDMSG f = NULL;
    DWORD n = 0;
    CHECK(WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &g, sizeof(g), &f, sizeof(f), &n,
                   NULL, NULL) == 0);
    return f;
}

/* Receive one datagram on `r` with a control buffer of `ctl_len` bytes. */
static int recv_one(LPFN_WSARECVMSG f, SOCKET r, WSAMSG *m, char *data, ULONG data_len,
                    char *ctl, ULONG ctl_len, SOCKADDR_STORAGE *from, WSABUF *b)
{
    DWORD got = 0;
    b->buf = data;
    b->len = data_len;
    memset(m, 0, sizeof(*m));
    m->name = (LPSOCKADDR)from;
    m->namelen = sizeof(*from);
    m->lpBuffers = b;
    m->dwBufferCount = 1;
    m->Control.buf = ctl;
    m->Control.len = ctl_len;
    if (f(r, m, &got, NULL, NULL) != 0)
        return -1;
    return (int)got;
}

int main(void)
{
    WSADATA wsa;
    SOCKET r, s, r6, t;
    struct sockaddr_in ra, sa;
    SOCKADDR_IN6 ra6;
    SOCKADDR_STORAGE from;
    LPFN_WSARECVMSG wsarecvmsg;
    LPFN_WSASENDMSG wsasendmsg;
    WSAMSG m;
    WSABUF b;
    LPWSACMSGHDR c;
    char data[64], ctl[64];
    DWORD on = 1, sent = 0;
    int len, n;

    CHECK(WSAStartup(MAKEWORD(2, 2), &wsa) == 0);
    r = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    memset(&ra, 0, sizeof(ra));
    ra.sin_family = AF_INET;
    ra.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(r, (struct sockaddr *)&ra, sizeof(ra)) == 0);
    len = sizeof(ra);
    CHECK(getsockname(r, (struct sockaddr *)&ra, &len) == 0);
    wsarecvmsg = recvmsg_of(r);
    wsasendmsg = sendmsg_of(s);
    CHECK(wsarecvmsg != NULL && wsasendmsg != NULL);
    if (!wsarecvmsg || !wsasendmsg)
        return finish("net_recvmsg");

    /* Without IP_PKTINFO: no control data. */
    CHECK(sendto(s, "one", 3, 0, (struct sockaddr *)&ra, sizeof(ra)) == 3);
    n = recv_one(wsarecvmsg, r, &m, data, sizeof(data), ctl, sizeof(ctl), &from, &b);
    CHECK(n == 3 && m.Control.len == 0 && WSA_CMSG_FIRSTHDR(&m) == NULL);

    /* With IP_PKTINFO: one IN_PKTINFO naming 127.0.0.1; the source address in name. */
    CHECK(setsockopt(r, IPPROTO_IP, IP_PKTINFO, (const char *)&on, sizeof(on)) == 0);
    CHECK(sendto(s, "two", 3, 0, (struct sockaddr *)&ra, sizeof(ra)) == 3);
    n = recv_one(wsarecvmsg, r, &m, data, sizeof(data), ctl, sizeof(ctl), &from, &b);
    CHECK(n == 3 && memcmp(data, "two", 3) == 0);
    CHECK(m.namelen == (INT)sizeof(struct sockaddr_in) && from.ss_family == AF_INET);
    CHECK(m.Control.len == WSA_CMSG_SPACE(sizeof(IN_PKTINFO)));
    c = WSA_CMSG_FIRSTHDR(&m);
    CHECK(c != NULL);
    if (c) {
        IN_PKTINFO pi;
        CHECK(c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO);
        CHECK(c->cmsg_len == WSA_CMSG_LEN(sizeof(IN_PKTINFO)));
        memcpy(&pi, WSA_CMSG_DATA(c), sizeof(pi));
        CHECK(pi.ipi_addr.s_addr == htonl(INADDR_LOOPBACK));
        CHECK(pi.ipi_ifindex != 0);
        CHECK(WSA_CMSG_NXTHDR(&m, c) == NULL);
    }
    CHECK((m.dwFlags & MSG_CTRUNC) == 0);

    /* A control buffer too small: no control data, MSG_CTRUNC. */
    CHECK(sendto(s, "three", 5, 0, (struct sockaddr *)&ra, sizeof(ra)) == 5);
    n = recv_one(wsarecvmsg, r, &m, data, sizeof(data), ctl, 8, &from, &b);
    CHECK(n == 5 && m.Control.len == 0 && (m.dwFlags & MSG_CTRUNC) != 0);

    /* WSASendMsg to the receiver (name set). */
    {
        WSAMSG sm;
        WSABUF sb;
        memset(&sm, 0, sizeof(sm));
        sb.buf = (char *)"four";
        sb.len = 4;
        sm.name = (LPSOCKADDR)&ra;
        sm.namelen = sizeof(ra);
        sm.lpBuffers = &sb;
        sm.dwBufferCount = 1;
        CHECK(wsasendmsg(s, &sm, 0, &sent, NULL, NULL) == 0 && sent == 4);
        n = recv_one(wsarecvmsg, r, &m, data, sizeof(data), ctl, sizeof(ctl), &from, &b);
        CHECK(n == 4 && memcmp(data, "four", 4) == 0);
        len = sizeof(sa);
        CHECK(getsockname(s, (struct sockaddr *)&sa, &len) == 0);
        CHECK(((struct sockaddr_in *)&from)->sin_port == sa.sin_port);
    }

    /* IPv6: IPV6_PKTINFO gives an IN6_PKTINFO naming ::1. */
    r6 = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
    t = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
    memset(&ra6, 0, sizeof(ra6));
    ra6.sin6_family = AF_INET6;
    ra6.sin6_addr.s6_bytes[15] = 1;
    if (bind(r6, (struct sockaddr *)&ra6, sizeof(ra6)) == 0) {
        len = sizeof(ra6);
        CHECK(getsockname(r6, (struct sockaddr *)&ra6, &len) == 0);
        CHECK(setsockopt(r6, IPPROTO_IPV6, IPV6_PKTINFO, (const char *)&on, sizeof(on)) == 0);
        CHECK(sendto(t, "six", 3, 0, (struct sockaddr *)&ra6, sizeof(ra6)) == 3);
        n = recv_one(wsarecvmsg, r6, &m, data, sizeof(data), ctl, sizeof(ctl), &from, &b);
        CHECK(n == 3 && m.Control.len == WSA_CMSG_SPACE(sizeof(IN6_PKTINFO)));
        c = WSA_CMSG_FIRSTHDR(&m);
        CHECK(c != NULL);
        if (c) {
            IN6_PKTINFO pi6;
            CHECK(c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO);
            memcpy(&pi6, WSA_CMSG_DATA(c), sizeof(pi6));
            CHECK(IN6_IS_ADDR_LOOPBACK(&pi6.ipi6_addr));
        }
    } else {
        printf("no IPv6 loopback: IPv6 part skipped\n");
    }
    closesocket(t);
    closesocket(r6);

    /* A stream socket: WSAEOPNOTSUPP (datagram and raw sockets only). */
    {
        SOCKET st = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        n = recv_one(wsarecvmsg, st, &m, data, sizeof(data), ctl, sizeof(ctl), &from, &b);
        CHECK(n == -1 && WSAGetLastError() == WSAEOPNOTSUPP);
        closesocket(st);
    }

    closesocket(r);
    closesocket(s);
    WSACleanup();
    return finish("net_recvmsg");
}
