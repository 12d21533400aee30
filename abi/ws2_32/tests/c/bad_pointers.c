/* Bad pointers through the shim: each call gets an unmapped (PROT_NONE) or read-only
 * pointer where the library reads or writes, and must fail with WSAEFAULT (Microsoft's
 * pages: "not completely contained in a valid part of the user address space"), or the
 * code Windows documents for that call. One line per call:
 *     CALL <name> <want> <got>
 * and "bad_pointers done" at the end (a crash never prints it). tests/bad_pointers.rs
 * checks every line. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char *none_page, *ro_page;

static void line(const char *name, int want, int got)
{
    printf("CALL %s %d %d\n", name, want, got);
}

/* The call failed (its failure value) and WSAGetLastError is WSAEFAULT. */
#define FAULT(name, failed) line(name, WSAEFAULT, (failed) ? WSAGetLastError() : 0)

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    WSADATA wsa;
    SOCKET l, c, s, u;
    struct sockaddr_in a, me;
    int n, alen = sizeof a;
    char buf[64];
    WSABUF wb;
    DWORD got, flags;
    u_long on = 1;
    fd_set set;
    WSANETWORKEVENTS ne;
    WSAPROTOCOL_INFOA info;
    DWORD len;
    WSAOVERLAPPED ov;
    WSAEVENT ev;

    if (m == MAP_FAILED)
        return 1;
    none_page = m;
    ro_page = m + page;
    mprotect(none_page, page, PROT_NONE);
    mprotect(ro_page, page, PROT_READ);

    /* WSAStartup returns its error (it has no last error to set yet). */
    line("WSAStartup(unmapped lpWSAData)", WSAEFAULT, WSAStartup(MAKEWORD(2, 2), (LPWSADATA)none_page));
    line("WSAStartup(read-only lpWSAData)", WSAEFAULT, WSAStartup(MAKEWORD(2, 2), (LPWSADATA)ro_page));
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        return 2;

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    l = socket(AF_INET, SOCK_STREAM, 0);
    FAULT("bind(unmapped name)", bind(l, (struct sockaddr *)none_page, sizeof a) == SOCKET_ERROR);
    bind(l, (struct sockaddr *)&a, sizeof a);
    listen(l, 4);
    getsockname(l, (struct sockaddr *)&a, &alen);
    c = socket(AF_INET, SOCK_STREAM, 0);
    FAULT("connect(unmapped name)", connect(c, (struct sockaddr *)none_page, sizeof a) == SOCKET_ERROR);
    connect(c, (struct sockaddr *)&a, sizeof a);
    s = accept(l, NULL, NULL);
    ioctlsocket(s, FIONBIO, &on);
    ioctlsocket(l, FIONBIO, &on);

    alen = sizeof a;
    FAULT("accept(read-only addr)", accept(l, (struct sockaddr *)ro_page, &alen) == INVALID_SOCKET);
    FAULT("accept(unmapped addrlen)", accept(l, (struct sockaddr *)&a, (int *)none_page) == INVALID_SOCKET);
    FAULT("getsockname(read-only name)", getsockname(c, (struct sockaddr *)ro_page, &alen) == SOCKET_ERROR);
    FAULT("getsockname(unmapped namelen)", getsockname(c, (struct sockaddr *)&a, (int *)none_page) == SOCKET_ERROR);
    FAULT("getpeername(unmapped name)", getpeername(c, (struct sockaddr *)none_page, &alen) == SOCKET_ERROR);
    n = sizeof on;
    FAULT("getsockopt(read-only optval)", getsockopt(c, SOL_SOCKET, SO_TYPE, ro_page, &n) == SOCKET_ERROR);
    FAULT("getsockopt(unmapped optlen)", getsockopt(c, SOL_SOCKET, SO_TYPE, buf, (int *)none_page) == SOCKET_ERROR);
    FAULT("setsockopt(unmapped optval)", setsockopt(c, SOL_SOCKET, SO_RCVBUF, none_page, 4) == SOCKET_ERROR);
    FAULT("ioctlsocket(unmapped argp)", ioctlsocket(c, FIONBIO, (u_long *)none_page) == SOCKET_ERROR);
    FAULT("ioctlsocket(read-only argp)", ioctlsocket(c, FIONREAD, (u_long *)ro_page) == SOCKET_ERROR);
    FAULT("WSAIoctl(read-only output)",
          WSAIoctl(c, FIONREAD, NULL, 0, ro_page, 4, &got, NULL, NULL) == SOCKET_ERROR);
    FAULT("WSAIoctl(unmapped lpcbBytesReturned)",
          WSAIoctl(c, FIONREAD, NULL, 0, buf, 4, (LPDWORD)none_page, NULL, NULL) == SOCKET_ERROR);

    /* Data buffers: the host reports them (EFAULT -> WSAEFAULT). */
    FAULT("send(unmapped buf)", send(c, none_page, 8, 0) == SOCKET_ERROR);
    send(c, "0123456789abcdef", 16, 0);
    FAULT("recv(unmapped buf)", recv(s, none_page, 8, 0) == SOCKET_ERROR);
    FAULT("recv(read-only buf)", recv(s, ro_page, 8, 0) == SOCKET_ERROR);
    FAULT("WSASend(unmapped lpBuffers)",
          WSASend(c, (LPWSABUF)none_page, 1, &got, 0, NULL, NULL) == SOCKET_ERROR);
    wb.len = 1;
    wb.buf = buf;
    flags = 0;
    FAULT("WSARecv(unmapped lpBuffers)",
          WSARecv(s, (LPWSABUF)none_page, 1, &got, &flags, NULL, NULL) == SOCKET_ERROR);
    FAULT("WSARecv(read-only lpFlags)",
          WSARecv(s, &wb, 1, &got, (LPDWORD)ro_page, NULL, NULL) == SOCKET_ERROR);
    FAULT("WSARecv(unmapped lpOverlapped)",
          WSARecv(s, &wb, 1, &got, &flags, (LPWSAOVERLAPPED)none_page, NULL) == SOCKET_ERROR);
    FAULT("WSAGetOverlappedResult(unmapped lpOverlapped)",
          WSAGetOverlappedResult(s, (LPWSAOVERLAPPED)none_page, &got, FALSE, &flags) == FALSE);

    /* Datagrams. */
    u = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&me, 0, sizeof me);
    me.sin_family = AF_INET;
    me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(u, (struct sockaddr *)&me, sizeof me);
    alen = sizeof me;
    getsockname(u, (struct sockaddr *)&me, &alen);
    ioctlsocket(u, FIONBIO, &on);
    FAULT("sendto(unmapped to)", sendto(u, "x", 1, 0, (struct sockaddr *)none_page, sizeof me) == SOCKET_ERROR);
    sendto(u, "x", 1, 0, (struct sockaddr *)&me, sizeof me);
    alen = sizeof a;
    FAULT("recvfrom(read-only from)", recvfrom(u, buf, 8, 0, (struct sockaddr *)ro_page, &alen) == SOCKET_ERROR);

    /* select and fd_set. */
    FD_ZERO(&set);
    FD_SET(c, &set);
    FAULT("select(unmapped readfds)", select(0, (fd_set *)none_page, NULL, NULL, NULL) == SOCKET_ERROR);
    FAULT("select(unmapped timeout)", select(0, &set, NULL, NULL, (struct timeval *)none_page) == SOCKET_ERROR);
    line("__WSAFDIsSet(unmapped set) is 0", 0, __WSAFDIsSet(c, (fd_set *)none_page));

    /* Events and protocol information. */
    ev = WSACreateEvent();
    WSAEventSelect(c, ev, FD_READ);
    FAULT("WSAEnumNetworkEvents(read-only)", WSAEnumNetworkEvents(c, ev, (LPWSANETWORKEVENTS)ro_page) == SOCKET_ERROR);
    (void)ne;
    FAULT("WSAWaitForMultipleEvents(unmapped events)",
          WSAWaitForMultipleEvents(1, (const WSAEVENT *)none_page, FALSE, 0, FALSE) == WSA_WAIT_FAILED);
    FAULT("WSADuplicateSocketA(read-only info)",
          WSADuplicateSocketA(c, GetCurrentProcessId(), (LPWSAPROTOCOL_INFOA)ro_page) == SOCKET_ERROR);
    (void)info;
    len = 1 << 16;
    FAULT("WSAEnumProtocolsA(unmapped buffer)",
          WSAEnumProtocolsA(NULL, (LPWSAPROTOCOL_INFOA)none_page, &len) == SOCKET_ERROR);
    FAULT("WSAEnumProtocolsA(unmapped length)",
          WSAEnumProtocolsA(NULL, NULL, (LPDWORD)none_page) == SOCKET_ERROR);

    /* Address strings. */
    len = 64;
    FAULT("WSAAddressToStringA(read-only string)",
          WSAAddressToStringA((LPSOCKADDR)&me, sizeof me, NULL, ro_page, &len) == SOCKET_ERROR);
    alen = sizeof a;
    FAULT("WSAStringToAddressA(unmapped string)",
          WSAStringToAddressA(none_page, AF_INET, NULL, (LPSOCKADDR)&a, &alen) == SOCKET_ERROR);
    FAULT("inet_pton(read-only dst)", inet_pton(AF_INET, "127.0.0.1", ro_page) != 1);
    FAULT("inet_ntop(read-only dst)", inet_ntop(AF_INET, &me.sin_addr, ro_page, 64) == NULL);
    line("inet_addr(unmapped) is INADDR_NONE", (int)INADDR_NONE, (int)inet_addr(none_page));
    FAULT("gethostname(read-only)", gethostname(ro_page, 64) == SOCKET_ERROR);
    {
        struct addrinfo *res = NULL;
        int r = getaddrinfo(none_page, "80", NULL, &res);
        line("getaddrinfo(unmapped node)", WSAEFAULT, r);
        r = getaddrinfo("127.0.0.1", "80", NULL, (struct addrinfo **)ro_page);
        line("getaddrinfo(read-only result)", WSAEFAULT, r);
    }
    memset(&ov, 0, sizeof ov);
    (void)ov;

    closesocket(u);
    closesocket(s);
    closesocket(c);
    closesocket(l);
    WSACleanup();
    printf("bad_pointers done\n");
    return 0;
}
