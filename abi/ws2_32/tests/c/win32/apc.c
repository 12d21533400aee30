/* QueueUserAPC and alertable waits: APCs run only in an alertable SleepEx or
 * WaitFor*Ex of their thread, in order, and the wait returns WAIT_IO_COMPLETION. */
#include <windows.h>
#include "check.h"

static int order[8];
static int ran;

static VOID NTAPI record(ULONG_PTR v)
{
    order[ran++] = (int)v;
}

static HANDLE ready, done;
static LONG remote_runs;

static VOID NTAPI remote(ULONG_PTR v)
{
    InterlockedExchangeAdd(&remote_runs, (LONG)v);
}

static DWORD WINAPI alertable_sleeper(LPVOID unused)
{
    DWORD r;
    (void)unused;
    SetEvent(ready);
    /* Sleeps until the APC arrives (queued before or during the sleep). */
    r = SleepEx(INFINITE, TRUE);
    SetEvent(done);
    return r;
}

int main(void)
{
    HANDLE t, ev;
    DWORD code = 0;

    /* Queued to ourselves: nothing runs outside an alertable wait. */
    CHECK(QueueUserAPC(record, GetCurrentThread(), 1) != 0);
    CHECK(QueueUserAPC(record, GetCurrentThread(), 2) != 0);
    Sleep(1);
    CHECK(SleepEx(0, FALSE) == 0);
    ev = CreateEvent(NULL, TRUE, FALSE, NULL);
    CHECK(WaitForSingleObject(ev, 0) == WAIT_TIMEOUT);
    CHECK(WaitForSingleObjectEx(ev, 0, FALSE) == WAIT_TIMEOUT);
    CHECK(ran == 0);

    /* An alertable wait runs them all, in order, and reports WAIT_IO_COMPLETION. */
    CHECK(SleepEx(INFINITE, TRUE) == WAIT_IO_COMPLETION);
    CHECK(ran == 2 && order[0] == 1 && order[1] == 2);
    CHECK(SleepEx(0, TRUE) == 0); /* nothing left */

    /* Alertable WaitForSingleObjectEx / WaitForMultipleObjectsEx. */
    CHECK(QueueUserAPC(record, GetCurrentThread(), 3) != 0);
    CHECK(WaitForSingleObjectEx(ev, INFINITE, TRUE) == WAIT_IO_COMPLETION);
    CHECK(ran == 3 && order[2] == 3);
    CHECK(QueueUserAPC(record, GetCurrentThread(), 4) != 0);
    CHECK(WaitForMultipleObjectsEx(1, &ev, FALSE, INFINITE, TRUE) == WAIT_IO_COMPLETION);
    CHECK(ran == 4 && order[3] == 4);
    /* A signalled object wins over queued APCs, which stay queued. */
    CHECK(SetEvent(ev));
    CHECK(QueueUserAPC(record, GetCurrentThread(), 5) != 0);
    CHECK(WaitForSingleObjectEx(ev, INFINITE, TRUE) == WAIT_OBJECT_0);
    CHECK(ran == 4);
    CHECK(SleepEx(0, TRUE) == WAIT_IO_COMPLETION);
    CHECK(ran == 5 && order[4] == 5);

    /* To another thread, by its CreateThread handle. */
    ready = CreateEvent(NULL, TRUE, FALSE, NULL);
    done = CreateEvent(NULL, TRUE, FALSE, NULL);
    t = CreateThread(NULL, 0, alertable_sleeper, NULL, 0, NULL);
    CHECK(WaitForSingleObject(ready, INFINITE) == WAIT_OBJECT_0);
    CHECK(QueueUserAPC(remote, t, 5) != 0);
    CHECK(WaitForSingleObject(t, INFINITE) == WAIT_OBJECT_0);
    CHECK(remote_runs == 5);
    CHECK(GetExitCodeThread(t, &code) && code == WAIT_IO_COMPLETION);

    /* Errors: a bad handle, a null routine, a thread that has exited. */
    CHECK(QueueUserAPC(record, NULL, 0) == 0 && GetLastError() == ERROR_INVALID_HANDLE);
    CHECK(QueueUserAPC(NULL, GetCurrentThread(), 0) == 0);
    CHECK(GetLastError() == ERROR_INVALID_PARAMETER);
    CHECK(QueueUserAPC(remote, t, 1) == 0);
    CHECK(ran == 5 && remote_runs == 5);

    CloseHandle(t);
    CloseHandle(ev);
    CloseHandle(ready);
    CloseHandle(done);
    return finish("apc");
}
