/* iocp_server.c: an AcceptEx + I/O completion port echo server, with its clients in the
 * same program.
 *
 * The listener is associated with a completion port, AcceptEx (reached through
 * WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)) is posted once per expected client, and a
 * worker thread runs GetQueuedCompletionStatus: an accepted socket is associated with the
 * port (its connection record as the key) and read with overlapped WSARecv; what arrives
 * is written back with overlapped WSASend; end-of-stream closes the connection. The main
 * thread is the clients: blocking connect, send, recv, close. Prints the port, each echo,
 * "closed N" and "iocp ok". Builds unchanged with the Windows SDK or mingw (-lws2_32). */
#include <winsock2.h>
#include <mswsock.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define CLIENTS 2
#define ADDR_LEN (sizeof(struct sockaddr_in) + 16)

enum state { ACCEPTING, READING, WRITING };

/* One connection; the OVERLAPPED comes first, so a completion's lpOverlapped is it. */
struct conn {
    WSAOVERLAPPED ov;
    enum state state;
    SOCKET s;
    char addrs[2 * ADDR_LEN];
    char buf[128];
};

static SOCKET listener;
static HANDLE port;
static struct conn conns[CLIENTS];

static int fail(const char *what)
{
    printf("%s failed: %d\n", what, WSAGetLastError());
    return 1;
}

static int post_recv(struct conn *c)
{
    WSABUF b;
    DWORD flags = 0;

    memset(&c->ov, 0, sizeof(c->ov));
    c->state = READING;
    b.buf = c->buf;
    b.len = sizeof(c->buf) - 1;
    if (WSARecv(c->s, &b, 1, NULL, &flags, &c->ov, NULL) == SOCKET_ERROR &&
        WSAGetLastError() != WSA_IO_PENDING)
        return fail("WSARecv");
    return 0;
}

static int post_send(struct conn *c, DWORD n)
{
    WSABUF b;

    memset(&c->ov, 0, sizeof(c->ov));
    c->state = WRITING;
    b.buf = c->buf;
    b.len = n;
    if (WSASend(c->s, &b, 1, NULL, 0, &c->ov, NULL) == SOCKET_ERROR &&
        WSAGetLastError() != WSA_IO_PENDING)
        return fail("WSASend");
    return 0;
}

/* The worker: every completion of the listener's AcceptEx calls and the connections'
 * reads and writes arrives here. */
static DWORD WINAPI worker(LPVOID arg)
{
    int closed = 0;

    (void)arg;
    while (closed < CLIENTS) {
        DWORD bytes = 0;
        ULONG_PTR key = 0;
        LPOVERLAPPED ov = NULL;
        struct conn *c;

        if (!GetQueuedCompletionStatus(port, &bytes, &key, &ov, INFINITE)) {
            printf("GetQueuedCompletionStatus failed: %lu\n", (unsigned long)GetLastError());
            return 1;
        }
        c = (struct conn *)ov;
        switch (c->state) {
        case ACCEPTING:
            /* The listener's completion (key 0): the accepted socket gets its own key. */
            if (key != 0 ||
                setsockopt(c->s, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, (char *)&listener,
                           sizeof(listener)) == SOCKET_ERROR)
                return (DWORD)fail("accept context");
            if (CreateIoCompletionPort((HANDLE)c->s, port, (ULONG_PTR)c, 0) != port) {
                printf("CreateIoCompletionPort failed: %lu\n", (unsigned long)GetLastError());
                return 1;
            }
            if (post_recv(c))
                return 1;
            break;
        case READING:
            if (key != (ULONG_PTR)c)
                return 1;
            if (bytes == 0) {
                printf("closed %d\n", (int)(c - conns));
                closesocket(c->s);
                closed++;
                break;
            }
            c->buf[bytes] = '\0';
            printf("echoed: %s\n", c->buf);
            if (post_send(c, bytes))
                return 1;
            break;
        case WRITING:
            if (post_recv(c))
                return 1;
            break;
        }
    }
    return 0;
}

int main(void)
{
    WSADATA wsa;
    GUID guid = WSAID_ACCEPTEX;
    LPFN_ACCEPTEX accept_ex = NULL;
    struct sockaddr_in addr;
    int len = sizeof(addr), i;
    DWORD got = 0, code = 1;
    HANDLE thread;

    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        return 1;
    listener = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (listener == INVALID_SOCKET ||
        bind(listener, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR ||
        listen(listener, CLIENTS) == SOCKET_ERROR ||
        getsockname(listener, (struct sockaddr *)&addr, &len) == SOCKET_ERROR)
        return fail("listener");
    printf("listening on port %u\n", (unsigned)ntohs(addr.sin_port));

    if (WSAIoctl(listener, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof(guid), &accept_ex,
                 sizeof(accept_ex), &got, NULL, NULL) == SOCKET_ERROR)
        return fail("WSAIoctl(AcceptEx)");
    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    if (port == NULL || CreateIoCompletionPort((HANDLE)listener, port, 0, 0) != port) {
        printf("CreateIoCompletionPort failed: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    for (i = 0; i < CLIENTS; i++) {
        struct conn *c = &conns[i];
        c->state = ACCEPTING;
        c->s = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
        if (c->s == INVALID_SOCKET)
            return fail("WSASocket");
        if (!accept_ex(listener, c->s, c->addrs, 0, ADDR_LEN, ADDR_LEN, &got, &c->ov) &&
            WSAGetLastError() != ERROR_IO_PENDING)
            return fail("AcceptEx");
    }
    thread = CreateThread(NULL, 0, worker, NULL, 0, NULL);
    if (thread == NULL)
        return 1;

    /* The clients, one after the other: each line comes back, then the client leaves. */
    for (i = 0; i < CLIENTS; i++) {
        char line[32], back[64];
        int n, have = 0;
        SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        if (s == INVALID_SOCKET ||
            connect(s, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR)
            return fail("connect");
        sprintf(line, "iocp %d", i);
        n = (int)strlen(line);
        if (send(s, line, n, 0) != n)
            return fail("send");
        while (have < n) {
            int m = recv(s, back + have, (int)sizeof(back) - 1 - have, 0);
            if (m <= 0)
                return fail("recv");
            have += m;
        }
        if (have != n || memcmp(back, line, (size_t)n) != 0) {
            printf("client %d: bad echo\n", i);
            return 1;
        }
        closesocket(s);
    }

    if (WaitForSingleObject(thread, INFINITE) != WAIT_OBJECT_0 ||
        !GetExitCodeThread(thread, &code) || code != 0) {
        printf("worker failed\n");
        return 1;
    }
    CloseHandle(thread);
    CloseHandle(port);
    closesocket(listener);
    WSACleanup();
    printf("iocp ok\n");
    return 0;
}
