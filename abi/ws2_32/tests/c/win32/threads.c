/* Thread-local storage, ExitThread, DuplicateHandle, MsgWaitForMultipleObjects(Ex).
 * Sources: Microsoft's pages for TlsAlloc/TlsGetValue (ERROR_SUCCESS on success),
 * ExitThread, GetExitCodeThread, DuplicateHandle, MsgWaitForMultipleObjectsEx
 * (WAIT_OBJECT_0 + nCount for input; MWMO_INPUTAVAILABLE). */
#include <windows.h>
#include "check.h"

static DWORD tls;
static HANDLE ready, go;
static volatile LONG after_exit;
static DWORD main_tid;

static DWORD WINAPI tls_worker(LPVOID p)
{
    DWORD ok = TlsGetValue(tls) == NULL && GetLastError() == ERROR_SUCCESS;
    ok &= TlsSetValue(tls, p);
    ok &= TlsGetValue(tls) == p;
    return ok;
}

static volatile DWORD exit_code = 42;

static void deep(int n)
{
    if (n == 0) {
        if (exit_code != 0)
            ExitThread(exit_code);
        return;
    }
    deep(n - 1);
    InterlockedIncrement(&after_exit);
}

static DWORD WINAPI exiter(LPVOID p)
{
    (void)p;
    deep(5);
    InterlockedIncrement(&after_exit);
    return 1;
}

static DWORD WINAPI self_dup(LPVOID p)
{
    HANDLE *out = (HANDLE *)p;
    if (!DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), out, 0,
                         FALSE, DUPLICATE_SAME_ACCESS))
        return 0;
    SetEvent(ready);
    WaitForSingleObject(go, INFINITE);
    return 9;
}

static DWORD WINAPI poster(LPVOID p)
{
    (void)p;
    WaitForSingleObject(go, INFINITE);
    return PostThreadMessageA(main_tid, WM_APP + 1, 0, 0);
}

int main(void)
{
    HANDLE t[4], ev, dup, mine = NULL;
    DWORD code = 0, i, r;
    MSG msg;

    main_tid = GetCurrentThreadId();

    /* ---- TLS: one index, a value per thread ---- */
    tls = TlsAlloc();
    CHECK(tls != TLS_OUT_OF_INDEXES);
    CHECK(TlsSetValue(tls, (LPVOID)0x1234));
    for (i = 0; i < 4; i++)
        t[i] = CreateThread(NULL, 0, tls_worker, (LPVOID)(ULONG_PTR)(i + 1), 0, NULL);
    CHECK(WaitForMultipleObjects(4, t, TRUE, 10000) == WAIT_OBJECT_0);
    for (i = 0; i < 4; i++) {
        CHECK(GetExitCodeThread(t[i], &code) && code == 1);
        CloseHandle(t[i]);
    }
    CHECK(TlsGetValue(tls) == (LPVOID)0x1234); /* the others' values did not touch ours */
    CHECK(TlsFree(tls));
    CHECK(!TlsFree(tls) && GetLastError() == ERROR_INVALID_PARAMETER);
    CHECK(TlsGetValue(tls) == NULL && GetLastError() == ERROR_INVALID_PARAMETER);
    CHECK(!TlsSetValue(5000, NULL) && GetLastError() == ERROR_INVALID_PARAMETER);
    {
        DWORD again = TlsAlloc();
        CHECK(again == tls && TlsGetValue(again) == NULL); /* a new index starts empty */
        TlsFree(again);
    }

    /* ---- ExitThread ---- */
    t[0] = CreateThread(NULL, 0, exiter, NULL, 0, NULL);
    CHECK(WaitForSingleObject(t[0], 10000) == WAIT_OBJECT_0);
    CHECK(GetExitCodeThread(t[0], &code) && code == 42);
    CHECK(after_exit == 0);
    CloseHandle(t[0]);

    /* ---- DuplicateHandle ---- */
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &dup, 0, FALSE,
                          DUPLICATE_SAME_ACCESS));
    CHECK(dup != ev && SetEvent(dup));
    CHECK(WaitForSingleObject(ev, 0) == WAIT_OBJECT_0);
    CHECK(CloseHandle(ev)); /* the duplicate keeps the event */
    CHECK(ResetEvent(dup) && WaitForSingleObject(dup, 0) == WAIT_TIMEOUT);
    CHECK(CloseHandle(dup) && !CloseHandle(dup));
    CHECK(!DuplicateHandle((HANDLE)(ULONG_PTR)1234, GetCurrentThread(), GetCurrentProcess(), &dup,
                           0, FALSE, 0) &&
          GetLastError() == ERROR_INVALID_HANDLE);
    CHECK(!DuplicateHandle(GetCurrentProcess(), (HANDLE)(ULONG_PTR)0x7777, GetCurrentProcess(),
                           &dup, 0, FALSE, 0) &&
          GetLastError() == ERROR_INVALID_HANDLE);
    ready = CreateEventA(NULL, FALSE, FALSE, NULL);
    go = CreateEventA(NULL, TRUE, FALSE, NULL);
    t[0] = CreateThread(NULL, 0, self_dup, &mine, 0, NULL);
    CHECK(WaitForSingleObject(ready, 10000) == WAIT_OBJECT_0);
    CHECK(mine != NULL && mine != t[0] && GetThreadId(mine) == GetThreadId(t[0]));
    CHECK(WaitForSingleObject(mine, 0) == WAIT_TIMEOUT);
    SetEvent(go);
    CHECK(WaitForSingleObject(mine, 10000) == WAIT_OBJECT_0); /* the real handle is waitable */
    CHECK(GetExitCodeThread(mine, &code) && code == 9);
    CloseHandle(mine);
    CloseHandle(t[0]);
    ResetEvent(go);

    /* ---- MsgWaitForMultipleObjects ---- */
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK(MsgWaitForMultipleObjects(1, &ev, FALSE, 0, QS_ALLINPUT) == WAIT_TIMEOUT);
    CHECK(PostThreadMessageA(main_tid, WM_APP, 1, 2));
    CHECK(MsgWaitForMultipleObjects(1, &ev, FALSE, 10000, QS_ALLINPUT) == WAIT_OBJECT_0 + 1);
    /* Seen by PeekMessage and left queued: no longer "new" input... */
    CHECK(PeekMessageA(&msg, NULL, 0, 0, PM_NOREMOVE) && msg.message == WM_APP);
    CHECK(MsgWaitForMultipleObjects(1, &ev, FALSE, 0, QS_ALLINPUT) == WAIT_TIMEOUT);
    /* ...unless MWMO_INPUTAVAILABLE asks about any queued input. */
    CHECK(MsgWaitForMultipleObjectsEx(1, &ev, 0, QS_ALLINPUT, MWMO_INPUTAVAILABLE) ==
          WAIT_OBJECT_0 + 1);
    /* A mask without posted messages ignores them. */
    CHECK(MsgWaitForMultipleObjectsEx(1, &ev, 0, QS_KEY, MWMO_INPUTAVAILABLE) == WAIT_TIMEOUT);
    CHECK(GetMessageA(&msg, NULL, 0, 0) && msg.message == WM_APP && msg.wParam == 1);
    SetEvent(ev);
    CHECK(MsgWaitForMultipleObjects(1, &ev, FALSE, 10000, QS_ALLINPUT) == WAIT_OBJECT_0);
    ResetEvent(ev);
    /* Another thread's post wakes a blocked wait; no handles at all is allowed. */
    t[0] = CreateThread(NULL, 0, poster, NULL, 0, NULL);
    SetEvent(go);
    r = MsgWaitForMultipleObjects(0, NULL, FALSE, 10000, QS_POSTMESSAGE);
    CHECK(r == WAIT_OBJECT_0);
    CHECK(PeekMessageA(&msg, NULL, 0, 0, PM_REMOVE) && msg.message == WM_APP + 1);
    WaitForSingleObject(t[0], INFINITE);
    CloseHandle(t[0]);
    CHECK(MsgWaitForMultipleObjects(64, &ev, FALSE, 0, QS_ALLINPUT) == WAIT_FAILED &&
          GetLastError() == ERROR_INVALID_PARAMETER);
    CHECK(MsgWaitForMultipleObjectsEx(0, NULL, 0, QS_ALLINPUT, MWMO_ALERTABLE) == WAIT_TIMEOUT);
    CloseHandle(ev);
    CloseHandle(ready);
    CloseHandle(go);
    return finish("threads");
}
