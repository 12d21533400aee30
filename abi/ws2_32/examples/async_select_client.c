/* async_select_client.c: a WSAAsyncSelect client driven by a message loop, talking to an
 * echo server thread in the same program.
 *
 * The client socket reports FD_CONNECT | FD_READ | FD_CLOSE to a message-only window
 * (RegisterClass + CreateWindowEx(HWND_MESSAGE)) as WM_SOCKET; the main thread runs
 * GetMessage / TranslateMessage / DispatchMessage. The thread owns two windows, and the
 * socket's is the second: GetMessage(NULL, ...) must wake for messages to any window of
 * the thread. The client connects (non-blocking), sends one line per echo received, and
 * after the last shuts down its sending side; the server closes, FD_CLOSE arrives, and
 * the window procedure ends the loop with PostQuitMessage. Prints the port, each echoed
 * line, and "async select ok". Builds unchanged with the Windows SDK or mingw
 * (-lws2_32). */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define WM_SOCKET (WM_USER + 1)
#define LINES 3

static SOCKET listener, client;
static int sent, echoed, failed;
static char back[128];
static int have;

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

static void line_for(int i, char *out)
{
    sprintf(out, "async %d", i);
}

/* Send the next line, or after the last one, shut down the sending side. */
static void send_next(void)
{
    char line[32];

    if (sent == LINES) {
        shutdown(client, SD_SEND);
        return;
    }
    line_for(sent, line);
    if (send(client, line, (int)strlen(line), 0) != (int)strlen(line)) {
        printf("send failed: %d\n", WSAGetLastError());
        failed = 1;
        PostQuitMessage(1);
        return;
    }
    sent++;
}

/* Read what arrived; each complete echo is checked and answered with the next line. */
static void read_echo(void)
{
    char line[32];
    int n = recv(client, back + have, (int)(sizeof(back) - 1 - (size_t)have), 0);

    if (n == SOCKET_ERROR) {
        if (WSAGetLastError() != WSAEWOULDBLOCK) {
            printf("recv failed: %d\n", WSAGetLastError());
            failed = 1;
            PostQuitMessage(1);
        }
        return;
    }
    have += n;
    line_for(echoed, line);
    if (have < (int)strlen(line))
        return;
    back[have] = '\0';
    if (strcmp(back, line) != 0) {
        printf("echo mismatch: %s\n", back);
        failed = 1;
        PostQuitMessage(1);
        return;
    }
    printf("echoed: %s\n", back);
    echoed++;
    have = 0;
    send_next();
}

static LRESULT CALLBACK socket_proc(HWND hwnd, UINT msg, WPARAM wParam, LPARAM lParam)
{
    if (msg != WM_SOCKET)
        return DefWindowProcA(hwnd, msg, wParam, lParam);
    if ((SOCKET)wParam != client)
        return 0;
    if (WSAGETSELECTERROR(lParam) != 0) {
        printf("event %u failed: %d\n", (unsigned)WSAGETSELECTEVENT(lParam),
               WSAGETSELECTERROR(lParam));
        failed = 1;
        PostQuitMessage(1);
        return 0;
    }
    switch (WSAGETSELECTEVENT(lParam)) {
    case FD_CONNECT:
        printf("connected\n");
        send_next();
        break;
    case FD_READ:
        read_echo();
        break;
    case FD_CLOSE:
        printf("closed after %d echoes\n", echoed);
        PostQuitMessage(0);
        break;
    }
    return 0;
}

int main(void)
{
    WSADATA wsa;
    WNDCLASSA wc;
    HWND first, wnd;
    MSG msg;
    struct sockaddr_in addr;
    int len = sizeof(addr);
    HANDLE server;
    DWORD code = 1;
    BOOL r;

    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        return 1;
    listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (listener == INVALID_SOCKET ||
        bind(listener, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR ||
        listen(listener, 1) == SOCKET_ERROR ||
        getsockname(listener, (struct sockaddr *)&addr, &len) == SOCKET_ERROR) {
        printf("listener failed: %d\n", WSAGetLastError());
        return 1;
    }
    printf("listening on port %u\n", (unsigned)ntohs(addr.sin_port));
    server = CreateThread(NULL, 0, echo_server, NULL, 0, NULL);
    if (server == NULL)
        return 1;

    memset(&wc, 0, sizeof(wc));
    wc.lpfnWndProc = socket_proc;
    wc.lpszClassName = "wsp_async_client";
    if (!RegisterClassA(&wc)) {
        printf("RegisterClass failed: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    first = CreateWindowExA(0, "wsp_async_client", "first", 0, 0, 0, 0, 0, HWND_MESSAGE,
                            NULL, NULL, NULL);
    wnd = CreateWindowExA(0, "wsp_async_client", "socket", 0, 0, 0, 0, 0, HWND_MESSAGE,
                          NULL, NULL, NULL);
    if (first == NULL || wnd == NULL) {
        printf("CreateWindowEx failed: %lu\n", (unsigned long)GetLastError());
        return 1;
    }

    client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (client == INVALID_SOCKET ||
        WSAAsyncSelect(client, wnd, WM_SOCKET, FD_CONNECT | FD_READ | FD_CLOSE) ==
            SOCKET_ERROR) {
        printf("WSAAsyncSelect failed: %d\n", WSAGetLastError());
        return 1;
    }
    /* WSAAsyncSelect made the socket non-blocking: connect completes with FD_CONNECT. */
    if (connect(client, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR &&
        WSAGetLastError() != WSAEWOULDBLOCK) {
        printf("connect failed: %d\n", WSAGetLastError());
        return 1;
    }

    while ((r = GetMessageA(&msg, NULL, 0, 0)) != 0) {
        if (r == -1) {
            printf("GetMessage failed: %lu\n", (unsigned long)GetLastError());
            return 1;
        }
        TranslateMessage(&msg);
        DispatchMessageA(&msg);
    }
    if (failed || msg.wParam != 0 || echoed != LINES)
        return 1;

    if (WaitForSingleObject(server, INFINITE) != WAIT_OBJECT_0 ||
        !GetExitCodeThread(server, &code) || code != 0) {
        printf("server thread failed\n");
        return 1;
    }
    CloseHandle(server);
    closesocket(client);
    closesocket(listener);
    DestroyWindow(wnd);
    DestroyWindow(first);
    WSACleanup();
    printf("async select ok\n");
    return 0;
}
