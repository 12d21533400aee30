/* CRITICAL_SECTION (recursive, per-thread ownership, TryEnter) and the Interlocked
 * family (return values and atomicity under contention). */
#include <windows.h>
#include "check.h"

#define THREADS 4
#define ROUNDS 20000

static CRITICAL_SECTION cs;
static long plain_counter;
static LONG atomic_counter;
static LONG64 atomic_counter64;

static DWORD WINAPI hammer(LPVOID unused)
{
    int i;
    (void)unused;
    for (i = 0; i < ROUNDS; i++) {
        EnterCriticalSection(&cs);
        EnterCriticalSection(&cs); /* recursive */
        plain_counter++;
        LeaveCriticalSection(&cs);
        LeaveCriticalSection(&cs);
        InterlockedIncrement(&atomic_counter);
        InterlockedExchangeAdd64(&atomic_counter64, 2);
    }
    return 0;
}

static DWORD WINAPI try_enter(LPVOID unused)
{
    BOOL got;
    (void)unused;
    got = TryEnterCriticalSection(&cs);
    if (got)
        LeaveCriticalSection(&cs);
    return (DWORD)got;
}

static DWORD run(LPTHREAD_START_ROUTINE f)
{
    DWORD code = 99;
    HANDLE t = CreateThread(NULL, 0, f, NULL, 0, NULL);
    WaitForSingleObject(t, INFINITE);
    GetExitCodeThread(t, &code);
    CloseHandle(t);
    return code;
}

int main(void)
{
    HANDLE ts[THREADS];
    int i;
    LONG v = 5;
    LONG64 v64 = 5;
    PVOID p = NULL;
    CRITICAL_SECTION zeroed;

    /* Interlocked return values (Microsoft's pages): Increment/Decrement return the new
     * value, Exchange/ExchangeAdd/CompareExchange the old one. */
    CHECK(InterlockedIncrement(&v) == 6 && v == 6);
    CHECK(InterlockedDecrement(&v) == 5 && v == 5);
    CHECK(InterlockedExchange(&v, 9) == 5 && v == 9);
    CHECK(InterlockedExchangeAdd(&v, 3) == 9 && v == 12);
    CHECK(InterlockedCompareExchange(&v, 1, 11) == 12 && v == 12);
    CHECK(InterlockedCompareExchange(&v, 1, 12) == 12 && v == 1);
    CHECK(InterlockedOr(&v, 6) == 1 && v == 7);
    CHECK(InterlockedAnd(&v, 3) == 7 && v == 3);
    CHECK(InterlockedXor(&v, 1) == 3 && v == 2);
    CHECK(InterlockedIncrement64(&v64) == 6 && InterlockedExchange64(&v64, 1) == 6);
    CHECK(InterlockedCompareExchange64(&v64, 4, 1) == 1 && v64 == 4);
    CHECK(InterlockedExchangePointer(&p, &v) == NULL && p == &v);
    CHECK(InterlockedCompareExchangePointer(&p, NULL, &v) == &v && p == NULL);

    /* Recursion: the owner enters again; others cannot until the last leave. */
    InitializeCriticalSection(&cs);
    EnterCriticalSection(&cs);
    CHECK(TryEnterCriticalSection(&cs));
    CHECK(cs.RecursionCount == 2);
    CHECK(cs.OwningThread == (HANDLE)(UINT_PTR)GetCurrentThreadId());
    CHECK(run(try_enter) == FALSE);
    LeaveCriticalSection(&cs);
    CHECK(run(try_enter) == FALSE);
    LeaveCriticalSection(&cs);
    CHECK(cs.RecursionCount == 0 && cs.OwningThread == NULL);
    CHECK(run(try_enter) == TRUE);

    /* Contention: every increment under the section counts. */
    for (i = 0; i < THREADS; i++)
        ts[i] = CreateThread(NULL, 0, hammer, NULL, 0, NULL);
    CHECK(WaitForMultipleObjects(THREADS, ts, TRUE, INFINITE) == WAIT_OBJECT_0);
    for (i = 0; i < THREADS; i++)
        CloseHandle(ts[i]);
    CHECK(plain_counter == (long)THREADS * ROUNDS);
    CHECK(atomic_counter == THREADS * ROUNDS);
    CHECK(atomic_counter64 == 2LL * THREADS * ROUNDS);
    DeleteCriticalSection(&cs);

    /* With a spin count; and re-initialised after delete. */
    CHECK(InitializeCriticalSectionAndSpinCount(&cs, 4000));
    CHECK(cs.SpinCount == 4000);
    EnterCriticalSection(&cs);
    LeaveCriticalSection(&cs);
    DeleteCriticalSection(&cs);

    /* A zero-filled section works without initialisation (forgiven, not Windows'). */
    ZeroMemory(&zeroed, sizeof zeroed);
    EnterCriticalSection(&zeroed);
    CHECK(zeroed.RecursionCount == 1);
    LeaveCriticalSection(&zeroed);
    DeleteCriticalSection(&zeroed);
    return finish("critsec");
}
