/* Sockets on completion ports: CreateIoCompletionPort(socket, ...) associates once;
 * overlapped completions post (bytes, key, lpOverlapped); a request with a completion
 * routine, or with the low bit of hEvent set, posts nothing; a request cancelled by
 * closesocket posts a failed packet. */
#include <winsock2.h>
#include <windows.h>
#include <string.h>
#include "check.h"

static int routine_ran;

static void CALLBACK routine(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
    (void)err;
    (void)ov;
    (void)flags;
    routine_ran = (int)bytes;
}

int main(void)
{
    WSADATA wsa;
    SOCKET l, a, b;
    struct sockaddr_in addr;
    int len = sizeof(addr);
    HANDLE port, ev;
    WSAOVERLAPPED ov, ov2;
    WSABUF buf;
    DWORD bytes = 0, flags = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED got = NULL;
    char data[16] = "port", back[16];

    CHECK(WSAStartup(MAKEWORD(2, 2), &wsa) == 0);
    l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(l, (struct sockaddr *)&addr, sizeof(addr)) == 0);
    CHECK(listen(l, 1) == 0);
    CHECK(getsockname(l, (struct sockaddr *)&addr, &len) == 0);
    a = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK(connect(a, (struct sockaddr *)&addr, sizeof(addr)) == 0);
    b = accept(l, NULL, NULL);
    CHECK(b != INVALID_SOCKET);

    /* A new port with the socket, then the same socket again: refused. */
    port = CreateIoCompletionPort((HANDLE)a, NULL, 7, 0);
    CHECK(port != NULL);
    CHECK(CreateIoCompletionPort((HANDLE)a, port, 8, 0) == NULL);
    CHECK(GetLastError() == ERROR_INVALID_PARAMETER);

    /* An overlapped send posts (bytes, key, lpOverlapped). */
    memset(&ov, 0, sizeof(ov));
    buf.buf = data;
    buf.len = 4;
    CHECK(WSASend(a, &buf, 1, NULL, 0, &ov, NULL) == 0 || WSAGetLastError() == WSA_IO_PENDING);
    CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &got, INFINITE));
    CHECK(bytes == 4 && key == 7 && got == &ov);
    CHECK(recv(b, back, sizeof(back), 0) == 4);

    /* The low bit of hEvent: the event is signalled, no packet. */
    ev = WSACreateEvent();
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = (HANDLE)((ULONG_PTR)ev | 1);
    CHECK(WSASend(a, &buf, 1, NULL, 0, &ov, NULL) == 0 || WSAGetLastError() == WSA_IO_PENDING);
    CHECK(WSAWaitForMultipleEvents(1, &ev, TRUE, WSA_INFINITE, FALSE) == WSA_WAIT_EVENT_0);
    CHECK(WSAGetOverlappedResult(a, &ov, &bytes, FALSE, &flags) && bytes == 4);
    CHECK(!GetQueuedCompletionStatus(port, &bytes, &key, &got, 0));
    CHECK(GetLastError() == WAIT_TIMEOUT && got == NULL);
    CHECK(recv(b, back, sizeof(back), 0) == 4);

    /* A completion routine: it runs in an alertable wait, and no packet is posted. */
    memset(&ov, 0, sizeof(ov));
    CHECK(WSASend(a, &buf, 1, NULL, 0, &ov, routine) == 0 || WSAGetLastError() == WSA_IO_PENDING);
    while (!routine_ran)
        SleepEx(INFINITE, TRUE);
    CHECK(routine_ran == 4);
    CHECK(!GetQueuedCompletionStatus(port, &bytes, &key, &got, 0));
    CHECK(GetLastError() == WAIT_TIMEOUT && got == NULL);
    CHECK(recv(b, back, sizeof(back), 0) == 4);

    /* A pending receive cancelled by closesocket: a failed packet. */
    memset(&ov2, 0, sizeof(ov2));
    buf.buf = back;
    buf.len = sizeof(back);
    CHECK(WSARecv(a, &buf, 1, NULL, &flags, &ov2, NULL) == SOCKET_ERROR &&
          WSAGetLastError() == WSA_IO_PENDING);
    CHECK(closesocket(a) == 0);
    CHECK(!GetQueuedCompletionStatus(port, &bytes, &key, &got, INFINITE));
    CHECK(GetLastError() == ERROR_OPERATION_ABORTED && got == &ov2 && key == 7);

    WSACloseEvent(ev);
    CHECK(CloseHandle(port));
    closesocket(b);
    closesocket(l);
    CHECK(WSACleanup() == 0);
    return finish("iocp_socket");
}
