/* console_ctrl.c: a console echo server stopped by Ctrl-C through its console control
 * handler, as Windows console servers are. The handler (which Windows runs on a thread of
 * its own) only signals an event; the main loop, waiting on that event and on the
 * listener's FD_ACCEPT event, sees it, stops accepting, closes everything and exits 0.
 *
 * It binds port 0 on loopback and prints the port; each client gets one line echoed.
 * Builds unchanged with the Windows SDK or mingw (-lws2_32). */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>

static HANDLE stop_event;
static volatile LONG stop_type = -1;

static BOOL WINAPI on_ctrl(DWORD type)
{
    switch (type) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
    case CTRL_CLOSE_EVENT:
        InterlockedExchange(&stop_type, (LONG)type);
        SetEvent(stop_event);
        return TRUE; /* handled: the default handler would end the process */
    default:
        return FALSE;
    }
}

static void echo_one(SOCKET listener)
{
    char line[256];
    int got = 0, n;
    SOCKET c = accept(listener, NULL, NULL);
    if (c == INVALID_SOCKET)
        return;
    /* The accepted socket inherits the listener's event selection: undo it and make it
     * blocking again for this simple exchange. */
    {
        u_long blocking = 0;
        WSAEventSelect(c, NULL, 0);
        ioctlsocket(c, FIONBIO, &blocking);
    }
    while (got < (int)sizeof(line) - 1 && (n = recv(c, line + got, 1, 0)) == 1) {
        if (line[got++] == '\n')
            break;
    }
    if (got > 0)
        send(c, line, got, 0);
    closesocket(c);
    printf("echoed %d bytes\n", got);
    fflush(stdout);
}

int main(void)
{
    WSADATA wsa;
    SOCKET listener;
    struct sockaddr_in addr;
    int len = sizeof(addr);
    WSAEVENT accept_event;
    HANDLE waits[2];
    DWORD r;

    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        return 1;
    stop_event = CreateEvent(NULL, TRUE, FALSE, NULL);
    if (stop_event == NULL || !SetConsoleCtrlHandler(on_ctrl, TRUE))
        return 1;
    listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ZeroMemory(&addr, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (listener == INVALID_SOCKET ||
        bind(listener, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR ||
        listen(listener, SOMAXCONN) == SOCKET_ERROR ||
        getsockname(listener, (struct sockaddr *)&addr, &len) == SOCKET_ERROR)
        return 1;
    accept_event = WSACreateEvent();
    if (WSAEventSelect(listener, accept_event, FD_ACCEPT) == SOCKET_ERROR)
        return 1;
    printf("listening on port %u\n", (unsigned)ntohs(addr.sin_port));
    fflush(stdout);

    waits[0] = stop_event;
    waits[1] = accept_event;
    for (;;) {
        r = WaitForMultipleObjects(2, waits, FALSE, INFINITE);
        if (r == WAIT_OBJECT_0)
            break;
        if (r == WAIT_OBJECT_0 + 1) {
            WSANETWORKEVENTS ne;
            WSAEnumNetworkEvents(listener, accept_event, &ne);
            if (ne.lNetworkEvents & FD_ACCEPT)
                echo_one(listener);
            continue;
        }
        printf("wait failed: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    printf("stopped by handler: %s\n", stop_type == CTRL_C_EVENT ? "CTRL_C_EVENT" : "other");
    closesocket(listener);
    WSACloseEvent(accept_event);
    CloseHandle(stop_event);
    WSACleanup();
    printf("clean exit\n");
    return 0;
}
