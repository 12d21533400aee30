/* Events, WaitForSingleObject/WaitForMultipleObjects over events and thread handles,
 * CreateThread and thread handles, GetLastError per thread, CloseHandle. Every result is
 * the one Microsoft's pages document. */
#include <windows.h>
#include "check.h"

static HANDLE go;
static DWORD child_tid;

static DWORD WINAPI wait_then_return(LPVOID param)
{
    child_tid = GetCurrentThreadId();
    /* The last error is per thread: the main thread's value is not seen here. */
    if (GetLastError() != 0)
        return 1000;
    SetLastError(ERROR_ACCESS_DENIED);
    if (WaitForSingleObject(go, INFINITE) != WAIT_OBJECT_0)
        return 1001;
    return (DWORD)(UINT_PTR)param;
}

static DWORD WINAPI return_at_once(LPVOID param)
{
    return (DWORD)(UINT_PTR)param;
}

int main(void)
{
    HANDLE manual, autoreset, set_at_start, t, t2, hs[3];
    DWORD code = 0, tid = 0;

    /* Manual-reset: stays signalled for every wait until ResetEvent. */
    manual = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK(manual != NULL);
    CHECK(WaitForSingleObject(manual, 0) == WAIT_TIMEOUT);
    CHECK(SetEvent(manual));
    CHECK(WaitForSingleObject(manual, 0) == WAIT_OBJECT_0);
    CHECK(WaitForSingleObject(manual, INFINITE) == WAIT_OBJECT_0);
    CHECK(ResetEvent(manual));
    CHECK(WaitForSingleObject(manual, 0) == WAIT_TIMEOUT);
    CHECK(WaitForSingleObject(manual, 1) == WAIT_TIMEOUT);

    /* Auto-reset: one satisfied wait takes the signal. */
    autoreset = CreateEventW(NULL, FALSE, FALSE, NULL);
    CHECK(autoreset != NULL && autoreset != manual);
    CHECK(SetEvent(autoreset));
    CHECK(WaitForSingleObject(autoreset, 0) == WAIT_OBJECT_0);
    CHECK(WaitForSingleObject(autoreset, 0) == WAIT_TIMEOUT);

    /* Initial state. */
    set_at_start = CreateEvent(NULL, TRUE, TRUE, "named events are ignored");
    CHECK(WaitForSingleObjectEx(set_at_start, 0, FALSE) == WAIT_OBJECT_0);

    /* Wait-any returns the lowest signalled index; wait-all needs all of them. */
    hs[0] = manual;
    hs[1] = autoreset;
    hs[2] = set_at_start;
    CHECK(WaitForMultipleObjects(3, hs, FALSE, 0) == WAIT_OBJECT_0 + 2);
    CHECK(SetEvent(autoreset));
    CHECK(WaitForMultipleObjects(3, hs, FALSE, 0) == WAIT_OBJECT_0 + 1);
    CHECK(WaitForMultipleObjects(3, hs, TRUE, 0) == WAIT_TIMEOUT);
    CHECK(SetEvent(manual) && SetEvent(autoreset));
    CHECK(WaitForMultipleObjects(3, hs, TRUE, 0) == WAIT_OBJECT_0);
    /* ... and the wait-all took the auto-reset signal. */
    CHECK(WaitForSingleObject(autoreset, 0) == WAIT_TIMEOUT);

    /* Bad arguments. */
    SetLastError(0);
    CHECK(WaitForMultipleObjects(0, hs, FALSE, 0) == WAIT_FAILED);
    CHECK(GetLastError() == ERROR_INVALID_PARAMETER);
    CHECK(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, hs, FALSE, 0) == WAIT_FAILED);
    CHECK(GetLastError() == ERROR_INVALID_PARAMETER);
    hs[1] = manual;
    CHECK(WaitForMultipleObjects(2, hs, TRUE, 0) == WAIT_FAILED);
    CHECK(GetLastError() == ERROR_INVALID_PARAMETER);
    hs[1] = (HANDLE)(UINT_PTR)0x7ffffff0;
    SetLastError(0);
    CHECK(WaitForMultipleObjects(2, hs, FALSE, 0) == WAIT_FAILED);
    CHECK(GetLastError() == ERROR_INVALID_HANDLE);
    CHECK(WaitForSingleObject(NULL, 0) == WAIT_FAILED);
    CHECK(GetLastError() == ERROR_INVALID_HANDLE);
    CHECK(!SetEvent(NULL) && GetLastError() == ERROR_INVALID_HANDLE);
    CHECK(!ResetEvent(INVALID_HANDLE_VALUE) && GetLastError() == ERROR_INVALID_HANDLE);

    /* Thread handles: signalled when the thread ends; the exit code is its return value. */
    go = CreateEvent(NULL, TRUE, FALSE, NULL);
    SetLastError(ERROR_INVALID_PARAMETER);
    t = CreateThread(NULL, 0, wait_then_return, (LPVOID)(UINT_PTR)42, 0, &tid);
    CHECK(t != NULL);
    CHECK(tid != 0 && tid != GetCurrentThreadId());
    CHECK(GetThreadId(t) == tid);
    CHECK(GetLastError() == ERROR_INVALID_PARAMETER); /* untouched by the other thread */
    CHECK(WaitForSingleObject(t, 0) == WAIT_TIMEOUT);
    CHECK(GetExitCodeThread(t, &code) && code == STILL_ACTIVE);
    hs[0] = autoreset;
    hs[1] = t;
    CHECK(WaitForMultipleObjects(2, hs, FALSE, 0) == WAIT_TIMEOUT);
    CHECK(SetEvent(go));
    CHECK(WaitForMultipleObjects(2, hs, FALSE, INFINITE) == WAIT_OBJECT_0 + 1);
    CHECK(WaitForSingleObject(t, 0) == WAIT_OBJECT_0); /* stays signalled */
    CHECK(GetExitCodeThread(t, &code) && code == 42);
    CHECK(child_tid == tid);
    CHECK(!SetEvent(t) && GetLastError() == ERROR_INVALID_HANDLE); /* not an event */

    /* Wait-all over two threads. */
    hs[0] = CreateThread(NULL, 0, return_at_once, (LPVOID)1, 0, NULL);
    hs[1] = CreateThread(NULL, 64 * 1024, return_at_once, (LPVOID)2, 0, NULL);
    CHECK(WaitForMultipleObjects(2, hs, TRUE, INFINITE) == WAIT_OBJECT_0);
    CHECK(GetExitCodeThread(hs[0], &code) && code == 1);
    CHECK(GetExitCodeThread(hs[1], &code) && code == 2);
    CHECK(CloseHandle(hs[0]) && CloseHandle(hs[1]));

    /* CREATE_SUSPENDED holds the thread until ResumeThread. */
    t2 = CreateThread(NULL, 0, return_at_once, (LPVOID)7, CREATE_SUSPENDED, NULL);
    CHECK(t2 != NULL);
    CHECK(WaitForSingleObject(t2, 0) == WAIT_TIMEOUT);
    CHECK(ResumeThread(t2) == 1);
    CHECK(WaitForSingleObject(t2, INFINITE) == WAIT_OBJECT_0);
    CHECK(ResumeThread(t2) == 0);
    CHECK(GetExitCodeThread(t2, &code) && code == 7);

    /* CloseHandle: events, threads; afterwards the handles are dead. */
    CHECK(CloseHandle(t) && CloseHandle(t2));
    CHECK(!CloseHandle(t) && GetLastError() == ERROR_INVALID_HANDLE);
    CHECK(!GetExitCodeThread(t, &code) && GetLastError() == ERROR_INVALID_HANDLE);
    CHECK(WaitForSingleObject(t, 0) == WAIT_FAILED && GetLastError() == ERROR_INVALID_HANDLE);
    CHECK(CloseHandle(manual) && CloseHandle(autoreset) && CloseHandle(set_at_start));
    CHECK(CloseHandle(go));
    CHECK(!SetEvent(manual) && GetLastError() == ERROR_INVALID_HANDLE);
    CHECK(!CloseHandle(manual) && GetLastError() == ERROR_INVALID_HANDLE);
    CHECK(!CloseHandle(NULL) && GetLastError() == ERROR_INVALID_HANDLE);
    CHECK(CloseHandle(GetCurrentThread())); /* pseudo-handle: nothing to close */
    CHECK(CreateThread(NULL, 0, NULL, NULL, 0, NULL) == NULL);
    CHECK(GetLastError() == ERROR_INVALID_PARAMETER);

    CHECK(GetCurrentProcessId() != 0);
    CHECK(GetCurrentThreadId() == GetCurrentThreadId());
    CHECK(GetThreadId(GetCurrentThread()) == GetCurrentThreadId());
    return finish("events");
}
