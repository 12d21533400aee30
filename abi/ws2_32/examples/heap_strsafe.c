/* heap_strsafe.c: a Winsock client and server in the style of the Windows SDK samples of
 * their time: a _tmain entry point and TCHAR text, message buffers from the process heap,
 * strsafe.h for every string it builds, and the return codes checked with FAILED().
 *
 * The server binds port 0 on loopback and prints the port the system chose; the client
 * sends three numbered requests; the server answers each with a line built by
 * StringCchPrintf. Builds unchanged with the Windows SDK or mingw (-lws2_32). */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <tchar.h>
#include <strsafe.h> /* after tchar.h, as the SDK requires */
#include <stdio.h>

#define BUF_SIZE 128

static int fail(const char *what)
{
    printf("%s failed: %d\n", what, WSAGetLastError());
    return 1;
}

/* Receive exactly one line (up to '\n') into a heap buffer of BUF_SIZE bytes. */
static int recv_line(SOCKET s, char *buf)
{
    int got = 0, n;
    while (got < BUF_SIZE - 1) {
        n = recv(s, buf + got, 1, 0);
        if (n <= 0)
            return -1;
        if (buf[got++] == '\n')
            break;
    }
    buf[got] = '\0';
    return got;
}

int _tmain(int argc, _TCHAR *argv[])
{
    WSADATA wsa;
    SOCKET listener, client, server;
    struct sockaddr_in addr;
    int len = sizeof(addr), i, ok = 0;
    HANDLE heap = GetProcessHeap();
    char *request, *reply;
    size_t cch;
    HRESULT hr;

    UNREFERENCED_PARAMETER(argc);
    UNREFERENCED_PARAMETER(argv);
    request = (char *)HeapAlloc(heap, HEAP_ZERO_MEMORY, BUF_SIZE);
    reply = (char *)HeapAlloc(heap, HEAP_ZERO_MEMORY, BUF_SIZE);
    if (request == NULL || reply == NULL)
        return 1;

    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        return 1;
    listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (listener == INVALID_SOCKET)
        return fail("socket");
    ZeroMemory(&addr, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR ||
        listen(listener, SOMAXCONN) == SOCKET_ERROR ||
        getsockname(listener, (struct sockaddr *)&addr, &len) == SOCKET_ERROR)
        return fail("bind/listen");
    _tprintf(_T("listening on port %u\n"), (unsigned)ntohs(addr.sin_port));

    client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (client == INVALID_SOCKET ||
        connect(client, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR)
        return fail("connect");
    server = accept(listener, NULL, NULL);
    if (server == INVALID_SOCKET)
        return fail("accept");

    for (i = 0; i < 3; i++) {
        hr = StringCchPrintfA(request, BUF_SIZE, "request %d\n", i);
        if (FAILED(hr) || FAILED(StringCchLengthA(request, BUF_SIZE, &cch)))
            return 1;
        if (send(client, request, (int)cch, 0) != (int)cch)
            return fail("send");
        if (recv_line(server, reply) < 0)
            return fail("server recv");
        /* The server's answer: "answer to <request>", built with StringCchCopy and Cat. */
        {
            char *answer = (char *)HeapAlloc(heap, 0, BUF_SIZE);
            if (answer == NULL)
                return 1;
            if (FAILED(StringCchCopyA(answer, BUF_SIZE, "answer to ")) ||
                FAILED(StringCchCatA(answer, BUF_SIZE, reply)) ||
                FAILED(StringCchLengthA(answer, BUF_SIZE, &cch)))
                return 1;
            if (send(server, answer, (int)cch, 0) != (int)cch)
                return fail("server send");
            HeapFree(heap, 0, answer);
        }
        if (recv_line(client, reply) < 0)
            return fail("client recv");
        printf("got: %s", reply);
        ok += reply[0] == 'a';
    }
    /* A destination too small: truncated, terminated, and reported. */
    {
        char small[8];
        hr = StringCchCopyA(small, sizeof(small), "far too long for eight");
        printf("truncated: %s (%s)\n", small,
               hr == STRSAFE_E_INSUFFICIENT_BUFFER ? "insufficient buffer" : "?");
    }

    closesocket(client);
    closesocket(server);
    closesocket(listener);
    WSACleanup();
    printf("heap block size: %lu\n", (unsigned long)HeapSize(heap, 0, request));
    HeapFree(heap, 0, request);
    HeapFree(heap, 0, reply);
    printf("%s\n", ok == 3 ? "heap strsafe ok" : "heap strsafe FAILED");
    return ok == 3 ? 0 : 1;
}
