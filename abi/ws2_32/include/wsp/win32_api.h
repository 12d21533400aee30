/* Win32 functions of the wsp porting shim. Each one is exported as wsp_<Name> and the
 * Windows name is a macro for it, so nothing here interposes on a libc symbol. The A/W
 * pairs follow UNICODE as Windows' headers do. The Interlocked family is static inline
 * over the compiler's __atomic builtins (full barriers, as on Windows). */
#ifndef WSP_WIN32_API_H
#define WSP_WIN32_API_H

#include "win32_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- last error ---- */
DWORD WINAPI wsp_GetLastError(void);
VOID WINAPI wsp_SetLastError(DWORD dwErrCode);
#define GetLastError wsp_GetLastError
#define SetLastError wsp_SetLastError

/* ---- sleeping, APCs ---- */
VOID WINAPI wsp_Sleep(DWORD dwMilliseconds);
DWORD WINAPI wsp_SleepEx(DWORD dwMilliseconds, BOOL bAlertable);
DWORD WINAPI wsp_QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData);
#define Sleep wsp_Sleep
#define SleepEx wsp_SleepEx
#define QueueUserAPC wsp_QueueUserAPC

/* ---- events and waits ---- */
HANDLE WINAPI wsp_CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                               BOOL bInitialState, LPCSTR lpName);
HANDLE WINAPI wsp_CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                               BOOL bInitialState, LPCWSTR lpName);
BOOL WINAPI wsp_SetEvent(HANDLE hEvent);
BOOL WINAPI wsp_ResetEvent(HANDLE hEvent);
DWORD WINAPI wsp_WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
DWORD WINAPI wsp_WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable);
DWORD WINAPI wsp_WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                        DWORD dwMilliseconds);
DWORD WINAPI wsp_WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                          DWORD dwMilliseconds, BOOL bAlertable);
BOOL WINAPI wsp_CloseHandle(HANDLE hObject);
#define CreateEventA wsp_CreateEventA
#define CreateEventW wsp_CreateEventW
#define SetEvent wsp_SetEvent
#define ResetEvent wsp_ResetEvent
#define WaitForSingleObject wsp_WaitForSingleObject
#define WaitForSingleObjectEx wsp_WaitForSingleObjectEx
#define WaitForMultipleObjects wsp_WaitForMultipleObjects
#define WaitForMultipleObjectsEx wsp_WaitForMultipleObjectsEx
#define CloseHandle wsp_CloseHandle

/* ---- threads and processes ---- */
HANDLE WINAPI wsp_CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes, SIZE_T dwStackSize,
                               LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter,
                               DWORD dwCreationFlags, LPDWORD lpThreadId);
BOOL WINAPI wsp_GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode);
DWORD WINAPI wsp_ResumeThread(HANDLE hThread);
DWORD WINAPI wsp_GetThreadId(HANDLE Thread);
HANDLE WINAPI wsp_GetCurrentThread(void);
HANDLE WINAPI wsp_GetCurrentProcess(void);
DWORD WINAPI wsp_GetCurrentThreadId(void);
DWORD WINAPI wsp_GetCurrentProcessId(void);
#define CreateThread wsp_CreateThread
#define GetExitCodeThread wsp_GetExitCodeThread
#define ResumeThread wsp_ResumeThread
#define GetThreadId wsp_GetThreadId
#define GetCurrentThread wsp_GetCurrentThread
#define GetCurrentProcess wsp_GetCurrentProcess
#define GetCurrentThreadId wsp_GetCurrentThreadId
#define GetCurrentProcessId wsp_GetCurrentProcessId

/* ---- time, system ---- */
DWORD WINAPI wsp_GetTickCount(void);
ULONGLONG WINAPI wsp_GetTickCount64(void);
BOOL WINAPI wsp_QueryPerformanceCounter(LARGE_INTEGER *lpPerformanceCount);
BOOL WINAPI wsp_QueryPerformanceFrequency(LARGE_INTEGER *lpFrequency);
VOID WINAPI wsp_GetSystemInfo(LPSYSTEM_INFO lpSystemInfo);
#define GetTickCount wsp_GetTickCount
#define GetTickCount64 wsp_GetTickCount64
#define QueryPerformanceCounter wsp_QueryPerformanceCounter
#define QueryPerformanceFrequency wsp_QueryPerformanceFrequency
#define GetSystemInfo wsp_GetSystemInfo

/* ---- critical sections ---- */
VOID WINAPI wsp_InitializeCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
BOOL WINAPI wsp_InitializeCriticalSectionAndSpinCount(LPCRITICAL_SECTION lpCriticalSection,
                                                      DWORD dwSpinCount);
VOID WINAPI wsp_EnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
BOOL WINAPI wsp_TryEnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
VOID WINAPI wsp_LeaveCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
VOID WINAPI wsp_DeleteCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
#define InitializeCriticalSection wsp_InitializeCriticalSection
#define InitializeCriticalSectionAndSpinCount wsp_InitializeCriticalSectionAndSpinCount
#define EnterCriticalSection wsp_EnterCriticalSection
#define TryEnterCriticalSection wsp_TryEnterCriticalSection
#define LeaveCriticalSection wsp_LeaveCriticalSection
#define DeleteCriticalSection wsp_DeleteCriticalSection

/* ---- completion ports ---- */
HANDLE WINAPI wsp_CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort,
                                         ULONG_PTR CompletionKey,
                                         DWORD NumberOfConcurrentThreads);
BOOL WINAPI wsp_GetQueuedCompletionStatus(HANDLE CompletionPort,
                                          LPDWORD lpNumberOfBytesTransferred,
                                          PULONG_PTR lpCompletionKey,
                                          LPOVERLAPPED *lpOverlapped, DWORD dwMilliseconds);
BOOL WINAPI wsp_GetQueuedCompletionStatusEx(HANDLE CompletionPort,
                                            LPOVERLAPPED_ENTRY lpCompletionPortEntries,
                                            ULONG ulCount, PULONG ulNumEntriesRemoved,
                                            DWORD dwMilliseconds, BOOL fAlertable);
BOOL WINAPI wsp_PostQueuedCompletionStatus(HANDLE CompletionPort,
                                           DWORD dwNumberOfBytesTransferred,
                                           ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped);
#define CreateIoCompletionPort wsp_CreateIoCompletionPort
#define GetQueuedCompletionStatus wsp_GetQueuedCompletionStatus
#define GetQueuedCompletionStatusEx wsp_GetQueuedCompletionStatusEx
#define PostQueuedCompletionStatus wsp_PostQueuedCompletionStatus

/* ---- window classes, message-only windows, message loops ---- */
ATOM WINAPI wsp_RegisterClassA(const WNDCLASSA *lpWndClass);
ATOM WINAPI wsp_RegisterClassW(const WNDCLASSW *lpWndClass);
ATOM WINAPI wsp_RegisterClassExA(const WNDCLASSEXA *lpWndClass);
ATOM WINAPI wsp_RegisterClassExW(const WNDCLASSEXW *lpWndClass);
BOOL WINAPI wsp_UnregisterClassA(LPCSTR lpClassName, HINSTANCE hInstance);
BOOL WINAPI wsp_UnregisterClassW(LPCWSTR lpClassName, HINSTANCE hInstance);
HWND WINAPI wsp_CreateWindowExA(DWORD dwExStyle, LPCSTR lpClassName, LPCSTR lpWindowName,
                                DWORD dwStyle, int X, int Y, int nWidth, int nHeight,
                                HWND hWndParent, HMENU hMenu, HINSTANCE hInstance,
                                LPVOID lpParam);
HWND WINAPI wsp_CreateWindowExW(DWORD dwExStyle, LPCWSTR lpClassName, LPCWSTR lpWindowName,
                                DWORD dwStyle, int X, int Y, int nWidth, int nHeight,
                                HWND hWndParent, HMENU hMenu, HINSTANCE hInstance,
                                LPVOID lpParam);
BOOL WINAPI wsp_DestroyWindow(HWND hWnd);
BOOL WINAPI wsp_IsWindow(HWND hWnd);
BOOL WINAPI wsp_ShowWindow(HWND hWnd, int nCmdShow);
BOOL WINAPI wsp_UpdateWindow(HWND hWnd);
LRESULT WINAPI wsp_DefWindowProcA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
LRESULT WINAPI wsp_DefWindowProcW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
LONG_PTR WINAPI wsp_GetWindowLongPtrA(HWND hWnd, int nIndex);
LONG_PTR WINAPI wsp_GetWindowLongPtrW(HWND hWnd, int nIndex);
LONG_PTR WINAPI wsp_SetWindowLongPtrA(HWND hWnd, int nIndex, LONG_PTR dwNewLong);
LONG_PTR WINAPI wsp_SetWindowLongPtrW(HWND hWnd, int nIndex, LONG_PTR dwNewLong);
BOOL WINAPI wsp_GetMessageA(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax);
BOOL WINAPI wsp_GetMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax);
BOOL WINAPI wsp_PeekMessageA(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax,
                             UINT wRemoveMsg);
BOOL WINAPI wsp_PeekMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax,
                             UINT wRemoveMsg);
BOOL WINAPI wsp_TranslateMessage(const MSG *lpMsg);
LRESULT WINAPI wsp_DispatchMessageA(const MSG *lpMsg);
LRESULT WINAPI wsp_DispatchMessageW(const MSG *lpMsg);
BOOL WINAPI wsp_PostMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
BOOL WINAPI wsp_PostMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
BOOL WINAPI wsp_PostThreadMessageA(DWORD idThread, UINT Msg, WPARAM wParam, LPARAM lParam);
BOOL WINAPI wsp_PostThreadMessageW(DWORD idThread, UINT Msg, WPARAM wParam, LPARAM lParam);
LRESULT WINAPI wsp_SendMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
LRESULT WINAPI wsp_SendMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
VOID WINAPI wsp_PostQuitMessage(int nExitCode);

#define RegisterClassA wsp_RegisterClassA
#define RegisterClassW wsp_RegisterClassW
#define RegisterClassExA wsp_RegisterClassExA
#define RegisterClassExW wsp_RegisterClassExW
#define UnregisterClassA wsp_UnregisterClassA
#define UnregisterClassW wsp_UnregisterClassW
#define CreateWindowExA wsp_CreateWindowExA
#define CreateWindowExW wsp_CreateWindowExW
#define CreateWindowA(c, n, s, x, y, w, h, p, m, i, l) \
    wsp_CreateWindowExA(0L, c, n, s, x, y, w, h, p, m, i, l)
#define CreateWindowW(c, n, s, x, y, w, h, p, m, i, l) \
    wsp_CreateWindowExW(0L, c, n, s, x, y, w, h, p, m, i, l)
#define DestroyWindow wsp_DestroyWindow
#define IsWindow wsp_IsWindow
#define ShowWindow wsp_ShowWindow
#define UpdateWindow wsp_UpdateWindow
#define DefWindowProcA wsp_DefWindowProcA
#define DefWindowProcW wsp_DefWindowProcW
#define GetWindowLongPtrA wsp_GetWindowLongPtrA
#define GetWindowLongPtrW wsp_GetWindowLongPtrW
#define SetWindowLongPtrA wsp_SetWindowLongPtrA
#define SetWindowLongPtrW wsp_SetWindowLongPtrW
#define GetMessageA wsp_GetMessageA
#define GetMessageW wsp_GetMessageW
#define PeekMessageA wsp_PeekMessageA
#define PeekMessageW wsp_PeekMessageW
#define TranslateMessage wsp_TranslateMessage
#define DispatchMessageA wsp_DispatchMessageA
#define DispatchMessageW wsp_DispatchMessageW
#define PostMessageA wsp_PostMessageA
#define PostMessageW wsp_PostMessageW
#define PostThreadMessageA wsp_PostThreadMessageA
#define PostThreadMessageW wsp_PostThreadMessageW
#define SendMessageA wsp_SendMessageA
#define SendMessageW wsp_SendMessageW
#define PostQuitMessage wsp_PostQuitMessage

#ifdef UNICODE
#define CreateEvent CreateEventW
#define RegisterClass RegisterClassW
#define RegisterClassEx RegisterClassExW
#define UnregisterClass UnregisterClassW
#define CreateWindowEx CreateWindowExW
#define CreateWindow CreateWindowW
#define DefWindowProc DefWindowProcW
#define GetWindowLongPtr GetWindowLongPtrW
#define SetWindowLongPtr SetWindowLongPtrW
#define GetMessage GetMessageW
#define PeekMessage PeekMessageW
#define DispatchMessage DispatchMessageW
#define PostMessage PostMessageW
#define PostThreadMessage PostThreadMessageW
#define SendMessage SendMessageW
#else
#define CreateEvent CreateEventA
#define RegisterClass RegisterClassA
#define RegisterClassEx RegisterClassExA
#define UnregisterClass UnregisterClassA
#define CreateWindowEx CreateWindowExA
#define CreateWindow CreateWindowA
#define DefWindowProc DefWindowProcA
#define GetWindowLongPtr GetWindowLongPtrA
#define SetWindowLongPtr SetWindowLongPtrA
#define GetMessage GetMessageA
#define PeekMessage PeekMessageA
#define DispatchMessage DispatchMessageA
#define PostMessage PostMessageA
#define PostThreadMessage PostThreadMessageA
#define SendMessage SendMessageA
#endif

/* ---- memory helpers (winnt.h / minwinbase.h macros over the C library) ---- */
#ifndef ZeroMemory
#define ZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#endif
#ifndef FillMemory
#define FillMemory(Destination, Length, Fill) memset((Destination), (Fill), (Length))
#endif
#ifndef CopyMemory
#define CopyMemory(Destination, Source, Length) memcpy((Destination), (Source), (Length))
#endif
#ifndef MoveMemory
#define MoveMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
#endif

/* ---- interlocked operations (each a full barrier, returning what Windows returns) ---- */
static inline LONG InterlockedIncrement(LONG volatile *Addend)
{
    return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedDecrement(LONG volatile *Addend)
{
    return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedExchange(LONG volatile *Target, LONG Value)
{
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedExchangeAdd(LONG volatile *Addend, LONG Value)
{
    return __atomic_fetch_add(Addend, Value, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedCompareExchange(LONG volatile *Destination, LONG Exchange,
                                              LONG Comparand)
{
    __atomic_compare_exchange_n(Destination, &Comparand, Exchange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return Comparand;
}
static inline LONG InterlockedAnd(LONG volatile *Destination, LONG Value)
{
    return __atomic_fetch_and(Destination, Value, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedOr(LONG volatile *Destination, LONG Value)
{
    return __atomic_fetch_or(Destination, Value, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedXor(LONG volatile *Destination, LONG Value)
{
    return __atomic_fetch_xor(Destination, Value, __ATOMIC_SEQ_CST);
}
static inline LONG64 InterlockedIncrement64(LONG64 volatile *Addend)
{
    return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
static inline LONG64 InterlockedDecrement64(LONG64 volatile *Addend)
{
    return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
static inline LONG64 InterlockedExchange64(LONG64 volatile *Target, LONG64 Value)
{
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
static inline LONG64 InterlockedExchangeAdd64(LONG64 volatile *Addend, LONG64 Value)
{
    return __atomic_fetch_add(Addend, Value, __ATOMIC_SEQ_CST);
}
static inline LONG64 InterlockedCompareExchange64(LONG64 volatile *Destination, LONG64 Exchange,
                                                  LONG64 Comparand)
{
    __atomic_compare_exchange_n(Destination, &Comparand, Exchange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return Comparand;
}
static inline PVOID InterlockedExchangePointer(PVOID volatile *Target, PVOID Value)
{
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
static inline PVOID InterlockedCompareExchangePointer(PVOID volatile *Destination,
                                                      PVOID Exchange, PVOID Comparand)
{
    __atomic_compare_exchange_n(Destination, &Comparand, Exchange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return Comparand;
}
#ifndef MemoryBarrier
#define MemoryBarrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

#ifdef __cplusplus
}
#endif

#endif /* WSP_WIN32_API_H */
