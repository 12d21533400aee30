/* overlapped_client.c: overlapped WSASend/WSARecv against an echo server thread in the
 * same program, two ways:
 *
 * 1. completion routines: each call names a routine, and the thread waits in
 *    SleepEx(INFINITE, TRUE), where the routines run (a routine runs even when the call
 *    completed at once, as on Windows);
 * 2. events: WSAOVERLAPPED.hEvent, WSAWaitForMultipleEvents, WSAGetOverlappedResult.
 *
 * The server thread accepts one connection and echoes until the client shuts down its
 * sending side. Prints the port, each echoed line, and "overlapped ok". Builds unchanged
 * with the Windows SDK or mingw (-lws2_32). */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>

static SOCKET listener;

static int fail(const char *what)
{
    printf("%s failed: %d\n", what, WSAGetLastError());
    return 1;
}

/* The echo server: one connection, blocking calls. */
static DWORD WINAPI echo_server(LPVOID arg)
{
    SOCKET s = accept(listener, NULL, NULL);
    char buf[256];
    int n;

    (void)arg;
    if (s == INVALID_SOCKET)
        return 1;
    while ((n = recv(s, buf, sizeof(buf), 0)) > 0) {
        int off = 0;
        while (off < n) {
            int m = send(s, buf + off, n - off, 0);
            if (m == SOCKET_ERROR) {
                closesocket(s);
                return 1;
            }
            off += m;
        }
    }
    closesocket(s);
    return 0;
}

/* ---- completion routines ------------------------------------------------------------ */

/* One operation's state; the WSAOVERLAPPED comes first, so the routine finds the rest
 * from the pointer it is given (hEvent is free for the program's own use here). */
struct op {
    WSAOVERLAPPED ov;
    DWORD error, bytes;
    int done;
};

static void CALLBACK on_done(DWORD dwError, DWORD cbTransferred, LPWSAOVERLAPPED lpOverlapped,
                             DWORD dwFlags)
{
    struct op *op = (struct op *)lpOverlapped;
    (void)dwFlags;
    op->error = dwError;
    op->bytes = cbTransferred;
    op->done = 1;
}

/* Start one overlapped call with on_done and wait alertably until the routine has run.
 * Returns the bytes transferred, or -1. */
static int routine_io(SOCKET s, int sending, char *data, DWORD len)
{
    struct op op;
    WSABUF b;
    DWORD flags = 0;
    int r;

    memset(&op, 0, sizeof(op));
    b.buf = data;
    b.len = len;
    if (sending)
        r = WSASend(s, &b, 1, NULL, 0, &op.ov, on_done);
    else
        r = WSARecv(s, &b, 1, NULL, &flags, &op.ov, on_done);
    if (r == SOCKET_ERROR && WSAGetLastError() != WSA_IO_PENDING) {
        fail(sending ? "WSASend" : "WSARecv");
        return -1;
    }
    while (!op.done)
        SleepEx(INFINITE, TRUE);
    if (op.error != 0) {
        printf("completion error %lu\n", (unsigned long)op.error);
        return -1;
    }
    return (int)op.bytes;
}

static int echo_with_routines(SOCKET s, const char *line)
{
    char send_buf[128], back[128];
    DWORD len = (DWORD)strlen(line);
    int got = 0, n;

    memcpy(send_buf, line, len);
    if (routine_io(s, 1, send_buf, len) != (int)len)
        return 1;
    while (got < (int)len) {
        n = routine_io(s, 0, back + got, (DWORD)(sizeof(back) - 1 - (size_t)got));
        if (n <= 0)
            return 1;
        got += n;
    }
    back[got] = '\0';
    if (got != (int)len || memcmp(back, line, len) != 0) {
        printf("routine echo mismatch: %s\n", back);
        return 1;
    }
    printf("routine echo: %s\n", back);
    return 0;
}

/* ---- events ------------------------------------------------------------------------- */

/* Start one overlapped call signalling ov->hEvent, wait for the event, and read the
 * outcome with WSAGetOverlappedResult. Returns the bytes transferred, or -1. */
static int event_io(SOCKET s, int sending, WSAOVERLAPPED *ov, char *data, DWORD len)
{
    WSABUF b;
    DWORD flags = 0, bytes = 0, r;

    b.buf = data;
    b.len = len;
    WSAResetEvent(ov->hEvent);
    if ((sending ? WSASend(s, &b, 1, NULL, 0, ov, NULL)
                 : WSARecv(s, &b, 1, NULL, &flags, ov, NULL)) == SOCKET_ERROR &&
        WSAGetLastError() != WSA_IO_PENDING) {
        fail(sending ? "WSASend" : "WSARecv");
        return -1;
    }
    r = WSAWaitForMultipleEvents(1, &ov->hEvent, TRUE, WSA_INFINITE, FALSE);
    if (r != WSA_WAIT_EVENT_0) {
        fail("WSAWaitForMultipleEvents");
        return -1;
    }
    if (!WSAGetOverlappedResult(s, ov, &bytes, FALSE, &flags)) {
        fail("WSAGetOverlappedResult");
        return -1;
    }
    return (int)bytes;
}

static int echo_with_events(SOCKET s, const char *line)
{
    WSAOVERLAPPED ov;
    char send_buf[128], back[128];
    DWORD len = (DWORD)strlen(line);
    int got = 0, n, rc = 1;

    memset(&ov, 0, sizeof(ov));
    ov.hEvent = WSACreateEvent();
    if (ov.hEvent == WSA_INVALID_EVENT)
        return fail("WSACreateEvent");
    memcpy(send_buf, line, len);
    if (event_io(s, 1, &ov, send_buf, len) != (int)len)
        goto out;
    while (got < (int)len) {
        n = event_io(s, 0, &ov, back + got, (DWORD)(sizeof(back) - 1 - (size_t)got));
        if (n <= 0)
            goto out;
        got += n;
    }
    back[got] = '\0';
    if (got != (int)len || memcmp(back, line, len) != 0) {
        printf("event echo mismatch: %s\n", back);
        goto out;
    }
    printf("event echo: %s\n", back);
    rc = 0;
out:
    WSACloseEvent(ov.hEvent);
    return rc;
}

int main(void)
{
    WSADATA wsa;
    SOCKET client;
    struct sockaddr_in addr;
    int len = sizeof(addr);
    HANDLE server;
    DWORD code = 1;

    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        return 1;
    listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (listener == INVALID_SOCKET ||
        bind(listener, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR ||
        listen(listener, 1) == SOCKET_ERROR ||
        getsockname(listener, (struct sockaddr *)&addr, &len) == SOCKET_ERROR)
        return fail("listener");
    printf("listening on port %u\n", (unsigned)ntohs(addr.sin_port));

    server = CreateThread(NULL, 0, echo_server, NULL, 0, NULL);
    if (server == NULL) {
        printf("CreateThread failed: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    /* An overlapped socket: WSASocket with WSA_FLAG_OVERLAPPED (socket() gives one too). */
    client = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    if (client == INVALID_SOCKET)
        return fail("WSASocket");
    if (connect(client, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR)
        return fail("connect");

    if (echo_with_routines(client, "routine 0") || echo_with_routines(client, "routine 1") ||
        echo_with_events(client, "event 0") || echo_with_events(client, "event 1"))
        return 1;

    /* The server sees end-of-stream, closes, and its thread ends. */
    shutdown(client, SD_SEND);
    if (WaitForSingleObject(server, INFINITE) != WAIT_OBJECT_0 ||
        !GetExitCodeThread(server, &code) || code != 0) {
        printf("server thread failed\n");
        return 1;
    }
    CloseHandle(server);
    closesocket(client);
    closesocket(listener);
    WSACleanup();
    printf("overlapped ok\n");
    return 0;
}
