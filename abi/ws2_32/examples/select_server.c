/* select_server.c: a select() echo server, with its clients in the same thread.
 *
 * The server keeps its listener and accepted connections in Winsock fd_sets (a count
 * and an array, FD_SETSIZE 64) and echoes whatever arrives. Three clients connect (their
 * blocking connects complete against the backlog), send a line each, and read it back
 * through the same select() loop. Prints the port, one line per echo, and "select ok". */
#include <winsock2.h>
#include <stdio.h>
#include <string.h>

#define CLIENTS 3

static int fail(const char *what)
{
    printf("%s failed: %d\n", what, WSAGetLastError());
    return 1;
}

int main(void)
{
    WSADATA wsa;
    SOCKET listener, clients[CLIENTS], conns[CLIENTS];
    int nconns = 0, echoed = 0, i;
    int done[CLIENTS] = {0};
    struct sockaddr_in addr;
    int len = sizeof(addr);
    char buf[128];

    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        return 1;
    listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = inet_addr("127.0.0.1");
    if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR ||
        listen(listener, 8) == SOCKET_ERROR ||
        getsockname(listener, (struct sockaddr *)&addr, &len) == SOCKET_ERROR)
        return fail("listener");
    printf("listening on port %u\n", (unsigned)ntohs(addr.sin_port));

    for (i = 0; i < CLIENTS; i++) {
        char line[32];
        clients[i] = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        if (connect(clients[i], (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR)
            return fail("connect");
        sprintf(line, "line %d", i);
        if (send(clients[i], line, (int)strlen(line), 0) == SOCKET_ERROR)
            return fail("send");
    }

    while (echoed < CLIENTS) {
        fd_set readable;
        struct timeval tv;
        int ready;
        FD_ZERO(&readable);
        FD_SET(listener, &readable);
        for (i = 0; i < nconns; i++)
            if (conns[i] != INVALID_SOCKET)
                FD_SET(conns[i], &readable);
        for (i = 0; i < CLIENTS; i++)
            if (!done[i])
                FD_SET(clients[i], &readable);
        tv.tv_sec = 5;
        tv.tv_usec = 0;
        ready = select(0, &readable, NULL, NULL, &tv);
        if (ready == SOCKET_ERROR)
            return fail("select");
        if (ready == 0) {
            printf("select timed out\n");
            return 1;
        }
        /* Winsock's fd_set after select holds exactly the ready handles. */
        if ((int)readable.fd_count != ready) {
            printf("fd_count %u != %d\n", readable.fd_count, ready);
            return 1;
        }
        if (FD_ISSET(listener, &readable) && nconns < CLIENTS) {
            conns[nconns] = accept(listener, NULL, NULL);
            if (conns[nconns] == INVALID_SOCKET)
                return fail("accept");
            nconns++;
        }
        for (i = 0; i < nconns; i++) {
            if (conns[i] != INVALID_SOCKET && FD_ISSET(conns[i], &readable)) {
                int n = recv(conns[i], buf, sizeof(buf), 0);
                if (n > 0 && send(conns[i], buf, n, 0) != n)
                    return fail("echo");
                if (n <= 0) {
                    closesocket(conns[i]);
                    conns[i] = INVALID_SOCKET;
                }
            }
        }
        for (i = 0; i < CLIENTS; i++) {
            if (!done[i] && FD_ISSET(clients[i], &readable)) {
                int n = recv(clients[i], buf, sizeof(buf) - 1, 0);
                if (n <= 0)
                    return fail("client recv");
                buf[n] = '\0';
                printf("client %d got: %s\n", i, buf);
                echoed++;
                done[i] = 1;
            }
        }
        if (echoed == CLIENTS)
            break;
    }
    for (i = 0; i < CLIENTS; i++)
        closesocket(clients[i]);
    for (i = 0; i < nconns; i++)
        if (conns[i] != INVALID_SOCKET)
            closesocket(conns[i]);
    closesocket(listener);
    WSACleanup();
    printf("select ok\n");
    return 0;
}
