/* big_send.c: a server that sends 5 MB to its client in ONE non-blocking send, the way
 * many Windows programs do, driven by WSAAsyncSelect (argument "async": a message-only
 * window and a GetMessage loop) or WSAEventSelect (argument "event": a
 * WSAWaitForMultipleEvents loop).
 *
 * The server sends on FD_WRITE. It relies on Windows' rule for non-blocking stream sends:
 * a send takes the whole buffer (Winsock buffers past SO_SNDBUF) or fails with
 * WSAEWOULDBLOCK, and FD_WRITE comes again only after such a failure (WSAEventSelect and
 * WSAAsyncSelect pages; Microsoft KB 214397). A short count would leave it waiting for an
 * FD_WRITE that never comes, as it does under Wine (observed with wine-8.0, Debian
 * 8.0~repack-4: the event twin built with mingw prints "stalled: sent 16384 of 5242880
 * bytes"). Once everything is sent it closes the socket gracefully at once: Windows still
 * delivers the buffered bytes, then the FIN.
 * The client, a blocking socket in another thread with a small receive buffer, checks
 * every byte and the end of stream.
 *
 * Prints "sent N bytes in K call(s)", "received N bytes in order, then end of stream" and
 * "big send ok". Builds unchanged with the Windows SDK or mingw (-lws2_32). */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOTAL (5 * 1024 * 1024)
#define WM_SOCKET (WM_USER + 1)
#define WM_DONE (WM_USER + 2)

static SOCKET listener, conn = INVALID_SOCKET;
static char *data;
static int off, calls, would_block, failed, finished;
static unsigned short port;
static HWND wnd;
static WSAEVENT done_event;
static int event_mode;
static long received;
static int client_ok;

static char pat(long i)
{
    return (char)((i * 7 + 3) % 251);
}

static void client_done(void)
{
    if (event_mode)
        WSASetEvent(done_event);
    else
        PostMessageA(wnd, WM_DONE, 0, 0);
}

/* The reader: a blocking socket in its own thread. */
static DWORD WINAPI client(LPVOID arg)
{
    SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    struct sockaddr_in a;
    static char buf[65536];
    int rcvbuf = 8192, n = 0, i, bad = 0;

    (void)arg;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    setsockopt(c, SOL_SOCKET, SO_RCVBUF, (const char *)&rcvbuf, sizeof(rcvbuf));
    if (connect(c, (struct sockaddr *)&a, sizeof(a)) == SOCKET_ERROR) {
        printf("client connect failed: %d\n", WSAGetLastError());
        closesocket(c);
        client_done();
        return 1;
    }
    while ((n = recv(c, buf, sizeof(buf), 0)) > 0) {
        for (i = 0; i < n && !bad; i++)
            if (buf[i] != pat(received + i))
                bad = 1;
        received += n;
    }
    if (n == 0 && received == TOTAL && !bad) {
        printf("received %ld bytes in order, then end of stream\n", received);
        client_ok = 1;
    } else {
        printf("client: %ld bytes, last recv %d (error %d), mismatch %d\n", received, n,
               n < 0 ? WSAGetLastError() : 0, bad);
    }
    closesocket(c);
    client_done();
    return 0;
}

/* FD_WRITE: send what is left in one call. Windows takes all of it or fails with
 * WSAEWOULDBLOCK (then FD_WRITE comes again); after a short count this program would wait
 * for an FD_WRITE Windows never sends. */
static void on_write(void)
{
    int n;

    if (conn == INVALID_SOCKET || off == TOTAL)
        return;
    n = send(conn, data + off, TOTAL - off, 0);
    calls++;
    if (n == SOCKET_ERROR) {
        if (WSAGetLastError() == WSAEWOULDBLOCK) {
            would_block++;
            return;
        }
        printf("send failed: %d\n", WSAGetLastError());
        failed = 1;
        return;
    }
    off += n;
    if (off == TOTAL) {
        printf("sent %d bytes in %d call(s)\n", off, calls - would_block);
        /* Graceful close at once: the buffered bytes still go, then the FIN. */
        closesocket(conn);
        conn = INVALID_SOCKET;
    }
}

static void on_accept(void)
{
    conn = accept(listener, NULL, NULL);
    if (conn == INVALID_SOCKET)
        printf("accept failed: %d\n", WSAGetLastError());
}

static LRESULT CALLBACK socket_proc(HWND hwnd, UINT msg, WPARAM wParam, LPARAM lParam)
{
    if (msg == WM_DONE) {
        finished = 1;
        PostQuitMessage(0);
        return 0;
    }
    if (msg != WM_SOCKET)
        return DefWindowProcA(hwnd, msg, wParam, lParam);
    if (WSAGETSELECTERROR(lParam) != 0 && WSAGETSELECTEVENT(lParam) != FD_CLOSE) {
        printf("event %u failed: %d\n", (unsigned)WSAGETSELECTEVENT(lParam),
               WSAGETSELECTERROR(lParam));
        failed = 1;
        return 0;
    }
    switch (WSAGETSELECTEVENT(lParam)) {
    case FD_ACCEPT:
        if ((SOCKET)wParam == listener)
            on_accept();
        break;
    case FD_WRITE:
        if ((SOCKET)wParam == conn)
            on_write();
        break;
    }
    return 0;
}

static HANDLE start_client(void)
{
    return CreateThread(NULL, 0, client, NULL, 0, NULL);
}

static int run_async(HANDLE *th)
{
    WNDCLASSA wc;
    MSG msg;
    BOOL r;

    memset(&wc, 0, sizeof(wc));
    wc.lpfnWndProc = socket_proc;
    wc.lpszClassName = "wsp_big_send";
    if (!RegisterClassA(&wc))
        return 1;
    wnd = CreateWindowExA(0, "wsp_big_send", "big send", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL,
                          NULL, NULL);
    if (wnd == NULL)
        return 1;
    /* The accepted socket inherits the selection (FD_WRITE | FD_CLOSE included). */
    if (WSAAsyncSelect(listener, wnd, WM_SOCKET, FD_ACCEPT | FD_WRITE | FD_CLOSE) ==
        SOCKET_ERROR) {
        printf("WSAAsyncSelect failed: %d\n", WSAGetLastError());
        return 1;
    }
    /* The client starts once the window exists: its WM_DONE ends the loop. */
    if ((*th = start_client()) == NULL)
        return 1;
    while ((r = GetMessageA(&msg, NULL, 0, 0)) != 0) {
        if (r == -1)
            return 1;
        TranslateMessage(&msg);
        DispatchMessageA(&msg);
    }
    DestroyWindow(wnd);
    return 0;
}

static int run_event(HANDLE *th)
{
    WSAEVENT lev = WSACreateEvent(), cev = WSACreateEvent();
    WSANETWORKEVENTS ne;
    WSAEVENT evs[3];
    DWORD r;

    done_event = WSACreateEvent();
    if (WSAEventSelect(listener, lev, FD_ACCEPT) == SOCKET_ERROR)
        return 1;
    if ((*th = start_client()) == NULL)
        return 1;
    while (!finished && !failed) {
        evs[0] = done_event;
        evs[1] = lev;
        evs[2] = cev;
        r = WSAWaitForMultipleEvents(3, evs, FALSE, 30000, FALSE);
        if (r == WSA_WAIT_TIMEOUT) {
            printf("stalled: sent %d of %d bytes\n", off, TOTAL);
            return 1;
        }
        if (r == WSA_WAIT_EVENT_0) {
            finished = 1;
        } else if (r == WSA_WAIT_EVENT_0 + 1) {
            if (WSAEnumNetworkEvents(listener, lev, &ne) == SOCKET_ERROR)
                return 1;
            if ((ne.lNetworkEvents & FD_ACCEPT) && conn == INVALID_SOCKET) {
                on_accept();
                /* Its own event: FD_WRITE is recorded at once (connected). */
                if (conn == INVALID_SOCKET ||
                    WSAEventSelect(conn, cev, FD_WRITE | FD_CLOSE) == SOCKET_ERROR)
                    return 1;
            }
        } else if (r == WSA_WAIT_EVENT_0 + 2) {
            if (conn == INVALID_SOCKET) {
                WSAResetEvent(cev);
                continue;
            }
            if (WSAEnumNetworkEvents(conn, cev, &ne) == SOCKET_ERROR)
                return 1;
            if (ne.lNetworkEvents & FD_WRITE)
                on_write();
        } else {
            return 1;
        }
    }
    WSACloseEvent(lev);
    WSACloseEvent(cev);
    WSACloseEvent(done_event);
    return 0;
}

int main(int argc, char **argv)
{
    WSADATA wsa;
    struct sockaddr_in addr;
    int len = sizeof(addr), sndbuf = 8192;
    long i;
    HANDLE th;
    int rc;

    if (argc != 2 || (strcmp(argv[1], "async") != 0 && strcmp(argv[1], "event") != 0)) {
        printf("usage: big_send async|event\n");
        return 2;
    }
    event_mode = strcmp(argv[1], "event") == 0;
    data = (char *)malloc(TOTAL);
    if (data == NULL)
        return 1;
    for (i = 0; i < TOTAL; i++)
        data[i] = pat(i);
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        return 1;
    listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* A small send buffer (inherited by the accepted socket): the host takes a fraction of
     * the 5 MB, and the rest must still go. */
    setsockopt(listener, SOL_SOCKET, SO_SNDBUF, (const char *)&sndbuf, sizeof(sndbuf));
    if (listener == INVALID_SOCKET ||
        bind(listener, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR ||
        listen(listener, 1) == SOCKET_ERROR ||
        getsockname(listener, (struct sockaddr *)&addr, &len) == SOCKET_ERROR) {
        printf("listener failed: %d\n", WSAGetLastError());
        return 1;
    }
    port = ntohs(addr.sin_port);
    printf("listening on port %u (%s select)\n", (unsigned)port, argv[1]);
    th = NULL;
    rc = event_mode ? run_event(&th) : run_async(&th);
    /* On a failure the client may still be waiting for data: exit without joining it. */
    if (th == NULL || rc != 0 || failed)
        return 1;
    if (WaitForSingleObject(th, INFINITE) != WAIT_OBJECT_0)
        return 1;
    CloseHandle(th);
    closesocket(listener);
    WSACleanup();
    free(data);
    if (rc != 0 || failed || !client_ok || off != TOTAL)
        return 1;
    printf("big send ok\n");
    return 0;
}
