/* echo_blocking.c: a blocking TCP echo server and client in one Winsock program.
 *
 * One thread is enough on loopback: the client's blocking connect() completes against the
 * listener's backlog before the server calls accept(). The server binds port 0 and prints
 * the port the system chose. Builds unchanged with the Windows SDK or mingw (-lws2_32). */
#include <winsock2.h>
#include <ws2tcpip.h>
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
    SOCKET listener, client, server;
    struct sockaddr_in addr;
    int len = sizeof(addr);
    const char *msg = "hello, winsock";
    char buf[64];
    int n, got = 0;

    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        return 1;
    printf("startup %d.%d\n", LOBYTE(wsa.wVersion), HIBYTE(wsa.wVersion));

    listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (listener == INVALID_SOCKET)
        return fail("socket");
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR)
        return fail("bind");
    if (listen(listener, SOMAXCONN) == SOCKET_ERROR)
        return fail("listen");
    if (getsockname(listener, (struct sockaddr *)&addr, &len) == SOCKET_ERROR)
        return fail("getsockname");
    printf("listening on port %u\n", (unsigned)ntohs(addr.sin_port));

    client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (client == INVALID_SOCKET)
        return fail("socket");
    if (connect(client, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR)
        return fail("connect");
    server = accept(listener, NULL, NULL);
    if (server == INVALID_SOCKET)
        return fail("accept");

    if (send(client, msg, (int)strlen(msg), 0) != (int)strlen(msg))
        return fail("send");
    n = recv(server, buf, sizeof(buf), 0);
    if (n <= 0)
        return fail("server recv");
    if (send(server, buf, n, 0) != n)
        return fail("server send");
    shutdown(server, SD_SEND);
    while ((n = recv(client, buf + got, (int)sizeof(buf) - 1 - got, 0)) > 0)
        got += n;
    if (n == SOCKET_ERROR)
        return fail("client recv");
    buf[got] = '\0';
    printf("echoed: %s\n", buf);

    closesocket(client);
    closesocket(server);
    closesocket(listener);
    WSACleanup();
    printf("%s\n", strcmp(buf, msg) == 0 ? "echo ok" : "echo MISMATCH");
    return strcmp(buf, msg) == 0 ? 0 : 1;
}
