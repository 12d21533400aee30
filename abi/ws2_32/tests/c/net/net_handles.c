/* A SOCKET used as a HANDLE: GetOverlappedResult, CancelIoEx, CancelIo,
 * SetFileCompletionNotificationModes, and OVERLAPPED.Internal/InternalHigh holding the
 * NTSTATUS and byte count Windows stores there. Sources: the GetOverlappedResult,
 * CancelIoEx, CancelIo, SetFileCompletionNotificationModes and HasOverlappedIoCompleted
 * pages; NTSTATUS values from ntstatus.h ([MS-ERREF] 2.3.1). */
#include "check.h"

#define NT_CANCELLED 0xC0000120u
#define NT_CONNECTION_RESET 0xC000020Du

static void pending_recv(SOCKET s, WSAOVERLAPPED *ov, WSABUF *b, char *buf, ULONG len)
{
    DWORD flags = 0;
    memset(ov, 0, sizeof(*ov));
    ov->hEvent = WSACreateEvent();
    b->buf = buf;
    b->len = len;
    CHECK(WSARecv(s, b, 1, NULL, &flags, ov, NULL) == SOCKET_ERROR &&
          WSAGetLastError() == WSA_IO_PENDING);
}

int main(void)
{
    WSADATA wsa;
    SOCKET c, s;
    WSAOVERLAPPED ov;
    WSABUF b;
    char buf[64];
    DWORD n = 77, flags = 0;

    CHECK(WSAStartup(MAKEWORD(2, 2), &wsa) == 0);
    tcp_pair(&c, &s);

    /* Pending: Internal is STATUS_PENDING, HasOverlappedIoCompleted is false, and
     * GetOverlappedResult without waiting reports ERROR_IO_INCOMPLETE. */
    pending_recv(c, &ov, &b, buf, sizeof(buf));
    CHECK(ov.Internal == STATUS_PENDING && ov.InternalHigh == 0);
    CHECK(!HasOverlappedIoCompleted(&ov));
    CHECK(GetOverlappedResult((HANDLE)c, &ov, &n, FALSE) == FALSE &&
          GetLastError() == ERROR_IO_INCOMPLETE);

    /* CancelIoEx for that OVERLAPPED: the request completes cancelled. */
    CHECK(CancelIoEx((HANDLE)c, &ov) == TRUE);
    CHECK(GetOverlappedResult((HANDLE)c, &ov, &n, TRUE) == FALSE &&
          GetLastError() == ERROR_OPERATION_ABORTED);
    CHECK(HasOverlappedIoCompleted(&ov) && (DWORD)ov.Internal == NT_CANCELLED);
    CHECK(WSAGetOverlappedResult(c, &ov, &n, FALSE, &flags) == FALSE &&
          WSAGetLastError() == WSA_OPERATION_ABORTED);
    CHECK(WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE, 0, FALSE) == WSA_WAIT_EVENT_0);
    /* Nothing left to cancel: ERROR_NOT_FOUND, for that OVERLAPPED and for NULL. */
    CHECK(CancelIoEx((HANDLE)c, &ov) == FALSE && GetLastError() == ERROR_NOT_FOUND);
    CHECK(CancelIoEx((HANDLE)c, NULL) == FALSE && GetLastError() == ERROR_NOT_FOUND);
    /* CancelIo succeeds with nothing to cancel. */
    CHECK(CancelIo((HANDLE)c) == TRUE);
    WSACloseEvent(ov.hEvent);

    /* CancelIo cancels what is pending. */
    pending_recv(c, &ov, &b, buf, sizeof(buf));
    CHECK(CancelIo((HANDLE)c) == TRUE);
    CHECK(GetOverlappedResult((HANDLE)c, &ov, &n, TRUE) == FALSE &&
          GetLastError() == ERROR_OPERATION_ABORTED);
    WSACloseEvent(ov.hEvent);

    /* Success: Internal is STATUS_SUCCESS, InternalHigh the byte count. */
    pending_recv(c, &ov, &b, buf, sizeof(buf));
    CHECK(send(s, "hello", 5, 0) == 5);
    n = 0;
    CHECK(GetOverlappedResult((HANDLE)c, &ov, &n, TRUE) == TRUE && n == 5);
    CHECK(ov.Internal == 0 && ov.InternalHigh == 5 && memcmp(buf, "hello", 5) == 0);
    WSACloseEvent(ov.hEvent);

    /* A reset: STATUS_CONNECTION_RESET in Internal, ERROR_NETNAME_DELETED from
     * GetOverlappedResult, WSAECONNRESET from WSAGetOverlappedResult. */
    pending_recv(c, &ov, &b, buf, sizeof(buf));
    {
        struct linger lg = {1, 0};
        CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&lg, sizeof(lg)) == 0);
        closesocket(s);
    }
    CHECK(GetOverlappedResult((HANDLE)c, &ov, &n, TRUE) == FALSE &&
          GetLastError() == ERROR_NETNAME_DELETED);
    CHECK((DWORD)ov.Internal == NT_CONNECTION_RESET);
    CHECK(WSAGetOverlappedResult(c, &ov, &n, FALSE, &flags) == FALSE &&
          WSAGetLastError() == WSAECONNRESET);
    WSACloseEvent(ov.hEvent);
    closesocket(c);

    /* Handles that are not sockets: ERROR_INVALID_HANDLE. */
    CHECK(GetOverlappedResult((HANDLE)(ULONG_PTR)0x7ffff00d, &ov, &n, FALSE) == FALSE &&
          GetLastError() == ERROR_INVALID_HANDLE);
    CHECK(CancelIoEx((HANDLE)(ULONG_PTR)0x7ffff00d, NULL) == FALSE &&
          GetLastError() == ERROR_INVALID_HANDLE);
    CHECK(SetFileCompletionNotificationModes((HANDLE)(ULONG_PTR)0x7ffff00d,
                                             FILE_SKIP_COMPLETION_PORT_ON_SUCCESS) == FALSE &&
          GetLastError() == ERROR_INVALID_HANDLE);

    /* FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: a request that succeeds in the call queues no
     * packet; one that goes pending still does. Without the mode, both do. */
    {
        int skip;
        for (skip = 0; skip < 2; skip++) {
            HANDLE port;
            DWORD bytes;
            ULONG_PTR key;
            LPOVERLAPPED got;
            WSAOVERLAPPED o2;
            tcp_pair(&c, &s);
            port = CreateIoCompletionPort((HANDLE)c, NULL, 42, 0);
            CHECK(port != NULL);
            CHECK(SetFileCompletionNotificationModes((HANDLE)c, 0x80) == FALSE &&
                  GetLastError() == ERROR_INVALID_PARAMETER);
            if (skip)
                CHECK(SetFileCompletionNotificationModes(
                          (HANDLE)c, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS |
                                         FILE_SKIP_SET_EVENT_ON_HANDLE) == TRUE);
            CHECK(send(s, "abc", 3, 0) == 3);
            /* Wait until the bytes are there, so the receive completes in the call. */
            {
                WSAPOLLFD p;
                p.fd = c;
                p.events = POLLIN;
                CHECK(WSAPoll(&p, 1, -1) == 1);
            }
            memset(&o2, 0, sizeof(o2));
            b.buf = buf;
            b.len = sizeof(buf);
            flags = 0;
            n = 0;
            CHECK(WSARecv(c, &b, 1, &n, &flags, &o2, NULL) == 0 && n == 3);
            CHECK(o2.Internal == 0 && o2.InternalHigh == 3);
            got = NULL;
            if (skip) {
                CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &got, 0) == FALSE &&
                      got == NULL && GetLastError() == WAIT_TIMEOUT);
            } else {
                CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &got, 0) == TRUE &&
                      got == &o2 && bytes == 3 && key == 42);
            }
            /* A pending request posts its packet either way. */
            memset(&o2, 0, sizeof(o2));
            flags = 0;
            CHECK(WSARecv(c, &b, 1, NULL, &flags, &o2, NULL) == SOCKET_ERROR &&
                  WSAGetLastError() == WSA_IO_PENDING);
            CHECK(send(s, "de", 2, 0) == 2);
            got = NULL;
            CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &got, INFINITE) == TRUE &&
                  got == &o2 && bytes == 2 && key == 42);
            closesocket(c);
            closesocket(s);
            CloseHandle(port);
        }
    }

    WSACleanup();
    return finish("net_handles");
}
