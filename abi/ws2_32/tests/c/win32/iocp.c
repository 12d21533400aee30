/* Completion ports: create, post/get in order, timeouts, several worker threads sharing
 * one port, GetQueuedCompletionStatusEx batches, bad handles. */
#include <windows.h>
#include "check.h"

#define WORKERS 4
#define PACKETS 2000

static HANDLE port;
static LONG64 bytes_seen;
static LONG packets_seen;

static DWORD WINAPI worker(LPVOID unused)
{
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    (void)unused;
    for (;;) {
        if (!GetQueuedCompletionStatus(port, &bytes, &key, &ov, INFINITE))
            return 1;
        if (key == 0) /* the quit packet */
            return 0;
        if (ov != (LPOVERLAPPED)(UINT_PTR)(key * 16))
            return 2;
        InterlockedExchangeAdd64(&bytes_seen, bytes);
        InterlockedIncrement(&packets_seen);
    }
}

int main(void)
{
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = (LPOVERLAPPED)1;
    OVERLAPPED mine;
    OVERLAPPED_ENTRY entries[3];
    ULONG removed = 99;
    HANDLE ts[WORKERS], other;
    LONG64 expected = 0;
    int i;

    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    CHECK(port != NULL);

    /* Empty: times out with *lpOverlapped = NULL and WAIT_TIMEOUT. */
    CHECK(!GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0));
    CHECK(GetLastError() == WAIT_TIMEOUT && ov == NULL);
    ov = (LPOVERLAPPED)1;
    CHECK(!GetQueuedCompletionStatus(port, &bytes, &key, &ov, 5));
    CHECK(GetLastError() == WAIT_TIMEOUT && ov == NULL);

    /* Posted packets come back first in, first out, with the three values. */
    CHECK(PostQueuedCompletionStatus(port, 10, 1, &mine));
    CHECK(PostQueuedCompletionStatus(port, 20, 2, NULL));
    CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &ov, INFINITE));
    CHECK(bytes == 10 && key == 1 && ov == &mine);
    CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0));
    CHECK(bytes == 20 && key == 2 && ov == NULL);

    /* GetQueuedCompletionStatusEx takes up to ulCount at once. */
    for (i = 1; i <= 5; i++)
        CHECK(PostQueuedCompletionStatus(port, (DWORD)i, (ULONG_PTR)i, NULL));
    CHECK(GetQueuedCompletionStatusEx(port, entries, 3, &removed, INFINITE, FALSE));
    CHECK(removed == 3);
    CHECK(entries[0].lpCompletionKey == 1 && entries[2].dwNumberOfBytesTransferred == 3);
    CHECK(GetQueuedCompletionStatusEx(port, entries, 3, &removed, 0, FALSE));
    CHECK(removed == 2 && entries[1].lpCompletionKey == 5);
    CHECK(!GetQueuedCompletionStatusEx(port, entries, 3, &removed, 0, FALSE));
    CHECK(GetLastError() == WAIT_TIMEOUT && removed == 0);
    CHECK(!GetQueuedCompletionStatusEx(port, entries, 0, &removed, 0, FALSE));
    CHECK(GetLastError() == ERROR_INVALID_PARAMETER);

    /* Several threads share one port: every packet goes to exactly one of them. */
    for (i = 0; i < WORKERS; i++)
        ts[i] = CreateThread(NULL, 0, worker, NULL, 0, NULL);
    for (i = 1; i <= PACKETS; i++) {
        CHECK(PostQueuedCompletionStatus(port, (DWORD)i, (ULONG_PTR)i,
                                         (LPOVERLAPPED)(UINT_PTR)(i * 16)));
        expected += i;
    }
    for (i = 0; i < WORKERS; i++)
        CHECK(PostQueuedCompletionStatus(port, 0, 0, NULL));
    CHECK(WaitForMultipleObjects(WORKERS, ts, TRUE, INFINITE) == WAIT_OBJECT_0);
    for (i = 0; i < WORKERS; i++) {
        DWORD code = 99;
        CHECK(GetExitCodeThread(ts[i], &code) && code == 0);
        CloseHandle(ts[i]);
    }
    CHECK(packets_seen == PACKETS && bytes_seen == expected);

    /* Associating a handle that is no socket, a bad port, a port with no file. */
    other = CreateEvent(NULL, TRUE, FALSE, NULL);
    CHECK(CreateIoCompletionPort(other, port, 1, 0) == NULL);
    CHECK(GetLastError() == ERROR_INVALID_HANDLE);
    CHECK(CreateIoCompletionPort(INVALID_HANDLE_VALUE, port, 1, 0) == NULL);
    CHECK(GetLastError() == ERROR_INVALID_PARAMETER);
    CHECK(!PostQueuedCompletionStatus(other, 1, 1, NULL));
    CHECK(GetLastError() == ERROR_INVALID_HANDLE);
    ov = (LPOVERLAPPED)1;
    CHECK(!GetQueuedCompletionStatus(other, &bytes, &key, &ov, 0));
    CHECK(GetLastError() == ERROR_INVALID_HANDLE && ov == NULL);
    CHECK(!SetEvent(port) && GetLastError() == ERROR_INVALID_HANDLE);

    CHECK(CloseHandle(port));
    CHECK(!PostQueuedCompletionStatus(port, 1, 1, NULL));
    CHECK(GetLastError() == ERROR_INVALID_HANDLE);
    CloseHandle(other);
    return finish("iocp");
}
