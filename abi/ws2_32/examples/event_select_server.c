/* event_select_server.c: a WSAEventSelect echo server, with its clients in the same
 * thread.
 *
 * The listener's event signals FD_ACCEPT; each accepted connection (which inherits the
 * listener's selection, as on Windows) gets its own event for FD_READ | FD_CLOSE. The
 * server waits with WSAWaitForMultipleEvents, reads what happened with
 * WSAEnumNetworkEvents, and echoes. Prints the port, one line per echo, "closed N" for
 * each FD_CLOSE and "event select ok". */
#include <winsock2.h>
#include <stdio.h>
#include <string.h>

#define CLIENTS 2

static int fail(const char *what)
{
    printf("%s failed: %d\n", what, WSAGetLastError());
    return 1;
}

int main(void)
{
    WSADATA wsa;
    SOCKET socks[1 + CLIENTS], clients[CLIENTS];
    WSAEVENT events[1 + CLIENTS];
    int count = 1, closed = 0, i;
    struct sockaddr_in addr;
    int len = sizeof(addr);
    char buf[128];

    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        return 1;
    socks[0] = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(socks[0], (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR ||
        listen(socks[0], 8) == SOCKET_ERROR ||
        getsockname(socks[0], (struct sockaddr *)&addr, &len) == SOCKET_ERROR)
        return fail("listener");
    events[0] = WSACreateEvent();
    if (WSAEventSelect(socks[0], events[0], FD_ACCEPT) == SOCKET_ERROR)
        return fail("WSAEventSelect");
    printf("listening on port %u\n", (unsigned)ntohs(addr.sin_port));

    for (i = 0; i < CLIENTS; i++) {
        char line[32];
        clients[i] = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        if (connect(clients[i], (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR)
            return fail("connect");
        sprintf(line, "event %d", i);
        send(clients[i], line, (int)strlen(line), 0);
    }

    while (closed < CLIENTS) {
        WSANETWORKEVENTS ne;
        DWORD r = WSAWaitForMultipleEvents((DWORD)count, events, FALSE, 5000, FALSE);
        if (r == WSA_WAIT_FAILED)
            return fail("WSAWaitForMultipleEvents");
        if (r == WSA_WAIT_TIMEOUT) {
            printf("timed out\n");
            return 1;
        }
        i = (int)(r - WSA_WAIT_EVENT_0);
        if (WSAEnumNetworkEvents(socks[i], events[i], &ne) == SOCKET_ERROR)
            return fail("WSAEnumNetworkEvents");
        if ((ne.lNetworkEvents & FD_ACCEPT) && count < 1 + CLIENTS) {
            SOCKET s = accept(socks[0], NULL, NULL);
            if (s == INVALID_SOCKET) {
                if (WSAGetLastError() != WSAEWOULDBLOCK)
                    return fail("accept");
            } else {
                socks[count] = s;
                events[count] = WSACreateEvent();
                if (WSAEventSelect(s, events[count], FD_READ | FD_CLOSE) == SOCKET_ERROR)
                    return fail("WSAEventSelect");
                count++;
            }
        }
        if (ne.lNetworkEvents & FD_READ) {
            int n = recv(socks[i], buf, sizeof(buf), 0);
            if (n > 0) {
                int c;
                send(socks[i], buf, n, 0);
                buf[n] = '\0';
                printf("echoed: %s\n", buf);
                /* The client this line came from ("event N") reads its echo, then leaves. */
                c = buf[n - 1] - '0';
                if (c >= 0 && c < CLIENTS && clients[c] != INVALID_SOCKET) {
                    char back[128];
                    int m = recv(clients[c], back, sizeof(back) - 1, 0);
                    if (m != n || memcmp(back, buf, (size_t)n) != 0)
                        return fail("client echo");
                    closesocket(clients[c]);
                    clients[c] = INVALID_SOCKET;
                }
            }
        }
        if (ne.lNetworkEvents & FD_CLOSE) {
            printf("closed %d (error %d)\n", i, ne.iErrorCode[FD_CLOSE_BIT]);
            closed++;
        }
    }
    for (i = 0; i < count; i++) {
        closesocket(socks[i]);
        WSACloseEvent(events[i]);
    }
    WSACleanup();
    printf("event select ok\n");
    return 0;
}
